-- case: unchanged TOASTed values of more types under REPLICA IDENTITY DEFAULT: placeholders per type
CREATE EXTENSION IF NOT EXISTS hstore;
CREATE EXTENSION IF NOT EXISTS ltree;
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');
CREATE FUNCTION public.golden_hex(n int, seed int) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT string_agg(md5((seed * 100000 + i)::text), '' ORDER BY i) FROM generate_series(1, n) AS i $$;
CREATE TABLE public.docs (
  id int PRIMARY KEY, counter int NOT NULL,
  num numeric, num52 numeric(1000,2), vb varbit, tv tsvector, lt ltree, ci citext, geo geometry,
  bpa char(5)[], vca varchar[], ja json[], jba jsonb[], ba bytea[], da date[], f8a float8[], f4a real[], na numeric[], boa boolean[],
  i2a smallint[], tsa timestamp[], tstza timestamptz[], ea mood[], ina inet[], lta ltree[], cia citext[], ra int4range[], ta time[],
  x xml, inet_ inet, rng numrange, bpc char(3000), nn_t text NOT NULL, nn_ia int[] NOT NULL
);
