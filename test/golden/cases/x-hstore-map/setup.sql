-- case: hstore.handling.mode=map, hstore[], interval.handling.mode=string with fallbacks, money.fraction.digits=0, unavailable.value.placeholder=UNAVAIL-ü
CREATE EXTENSION IF NOT EXISTS hstore;
CREATE TABLE public.t (id int PRIMARY KEY, n int, h hstore, ha hstore[], m money, iv interval, t text, ia int[], ua uuid[], ba bytea[], b bytea, ta text[], nn_h hstore NOT NULL DEFAULT '', nn_iv interval NOT NULL DEFAULT '1 day');
CREATE TABLE public.nn (id int PRIMARY KEY, h hstore NOT NULL, iv interval NOT NULL, m money NOT NULL);
