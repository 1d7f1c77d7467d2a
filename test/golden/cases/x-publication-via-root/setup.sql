-- case: a partitioned table (a nested level, a partition with its columns in another order) in a publication with publish_via_partition_root
CREATE TABLE public.meas (
  id     int,
  region text NOT NULL,
  v      int,
  note   text,
  PRIMARY KEY (id, region)
) PARTITION BY LIST (region);
CREATE TABLE public.meas_eu PARTITION OF public.meas FOR VALUES IN ('eu') PARTITION BY RANGE (id);
CREATE TABLE public.meas_eu_lo PARTITION OF public.meas_eu FOR VALUES FROM (0) TO (100);
CREATE TABLE public.meas_eu_hi PARTITION OF public.meas_eu FOR VALUES FROM (100) TO (1000);
CREATE TABLE public.meas_us (gone int, note text, v int, region text NOT NULL, id int NOT NULL);
ALTER TABLE public.meas_us DROP COLUMN gone;
ALTER TABLE public.meas ATTACH PARTITION public.meas_us FOR VALUES IN ('us');
CREATE TABLE public.other (id int PRIMARY KEY, t text);
CREATE PUBLICATION pub_root FOR TABLE public.meas WITH (publish_via_partition_root = true);
