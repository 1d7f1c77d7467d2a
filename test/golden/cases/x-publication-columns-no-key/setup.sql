-- case: an insert-only publication whose column list leaves out the primary key and another whose list leaves out one of two key columns
CREATE TABLE public.events (
  id    int PRIMARY KEY,
  kind  text,
  body  text
);
CREATE TABLE public.pairs (
  a     int,
  b     int,
  v     text,
  PRIMARY KEY (a, b)
);
CREATE PUBLICATION pub_cols FOR TABLE public.events (kind, body), public.pairs (b, v) WITH (publish = 'insert');
