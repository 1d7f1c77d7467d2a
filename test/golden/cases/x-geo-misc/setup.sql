-- case: point, ltree, tsvector, PostGIS geometry/geography, macaddr8, xml, timetz, their arrays
CREATE EXTENSION IF NOT EXISTS ltree;
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TABLE public.t (
  id  int PRIMARY KEY,
  p   point,
  l   ltree,
  tv  tsvector,
  g   geometry,
  gg  geography,
  m8  macaddr8,
  x   xml,
  tz  timetz,
  tz3 timetz(3),
  tz0 timetz(0),
  pa  point[],
  la  ltree[],
  ga  geometry[],
  cia citext[],
  tza timetz[],
  tsa timestamptz[],
  tsa0 timestamptz(0)[],
  ua  uuid[],
  ja  json[],
  jba jsonb[],
  ia  inet[],
  ca  cidr[],
  ma  macaddr[],
  m8a macaddr8[],
  ra  int4range[],
  bpa char(3)[],
  xa  xml[],
  oa  oid[],
  tva tsvector[],
  nn_p point NOT NULL DEFAULT '(1,2)',
  nn_l ltree NOT NULL DEFAULT 'a.b',
  nn_tv tsvector NOT NULL DEFAULT '',
  nn_g geometry NOT NULL DEFAULT 'POINT(0 0)',
  nn_tz timetz NOT NULL DEFAULT '10:00:00+02'
);
CREATE TABLE public.nn (
  id int PRIMARY KEY,
  p point NOT NULL, l ltree NOT NULL, tv tsvector NOT NULL, g geometry NOT NULL, gg geography NOT NULL,
  m8 macaddr8 NOT NULL, tz timetz NOT NULL, la ltree[] NOT NULL, ga geometry[] NOT NULL, ua uuid[] NOT NULL
);
