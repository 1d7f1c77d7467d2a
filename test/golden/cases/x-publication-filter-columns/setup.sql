-- case: a publication with a row filter and a column list (REPLICA IDENTITY USING INDEX: the filter's column is in the identity); and an insert-only column list without the primary key
CREATE TABLE public.orders (
  id     int PRIMARY KEY,
  region text NOT NULL,
  amount int,
  secret text
);
CREATE UNIQUE INDEX orders_ident ON public.orders (id, region);
ALTER TABLE public.orders REPLICA IDENTITY USING INDEX orders_ident;
CREATE TABLE public.events (
  id    int PRIMARY KEY,
  kind  text,
  body  text
);
CREATE TABLE public.hidden (id int PRIMARY KEY);
CREATE PUBLICATION pub_rf FOR TABLE public.orders (id, region, amount) WHERE (region = 'eu');
