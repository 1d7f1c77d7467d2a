-- case: TRUNCATE of a partitioned table published via its root, and of one of its partitions directly
CREATE TABLE public.meas (id int, region text NOT NULL, v int, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE public.meas_eu PARTITION OF public.meas FOR VALUES IN ('eu');
CREATE TABLE public.meas_us PARTITION OF public.meas FOR VALUES IN ('us');
CREATE TABLE public.plain (id int PRIMARY KEY);
CREATE PUBLICATION pub_trunc FOR TABLE public.meas, public.plain WITH (publish_via_partition_root = true);
