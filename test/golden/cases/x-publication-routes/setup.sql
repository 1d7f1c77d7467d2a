-- case: a table in the publication with a row filter and through its schema (no filter applies), and a partition of a table in that schema living in another schema
CREATE SCHEMA s;
CREATE TABLE s.t (id int PRIMARY KEY, v int);
ALTER TABLE s.t REPLICA IDENTITY FULL;
CREATE TABLE s.p (id int PRIMARY KEY, w text) PARTITION BY RANGE (id);
CREATE TABLE s.p1 PARTITION OF s.p FOR VALUES FROM (0) TO (10);
CREATE TABLE public.p2 PARTITION OF s.p FOR VALUES FROM (10) TO (20);
CREATE TABLE public.u (id int PRIMARY KEY);
CREATE PUBLICATION pub_routes FOR TABLE s.t WHERE (v > 100), TABLES IN SCHEMA s;
