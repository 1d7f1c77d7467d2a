-- case: publish_via_partition_root where the root and its partitions have different replica identities (NOT NULL columns the old row lacks)
CREATE TABLE public.m (id int, r text NOT NULL, qty int NOT NULL, label text NOT NULL, PRIMARY KEY (id, r)) PARTITION BY LIST (r);
CREATE TABLE public.m_a PARTITION OF public.m FOR VALUES IN ('a');
CREATE TABLE public.m_b PARTITION OF public.m FOR VALUES IN ('b');
ALTER TABLE public.m REPLICA IDENTITY FULL;
ALTER TABLE public.m_b REPLICA IDENTITY FULL;
CREATE TABLE public.n (id int, r text NOT NULL, qty int NOT NULL, PRIMARY KEY (id, r)) PARTITION BY LIST (r);
CREATE TABLE public.n_a PARTITION OF public.n FOR VALUES IN ('a');
ALTER TABLE public.n_a REPLICA IDENTITY FULL;
CREATE PUBLICATION pub_mix FOR TABLE public.m, public.n WITH (publish_via_partition_root = true);
