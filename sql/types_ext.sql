-- types_ext: bits, enums, domains, hstore, ltree, citext, point, tsvector,
-- PostGIS, macaddr8, xml, timetz; NOT NULL fallbacks and unknown types
SET synchronous_commit = on;
SET extra_float_digits = 0;
SET TimeZone = 'UTC';

CREATE EXTENSION IF NOT EXISTS hstore;
CREATE EXTENSION IF NOT EXISTS ltree;
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok';
CREATE DOMAIN nntext AS text NOT NULL;
CREATE DOMAIN money2 AS numeric(8,2);
CREATE TABLE te (
  id int PRIMARY KEY,
  b1 bit(1), b24 bit(24), vb varbit, vb5 varbit(5),
  e mood, e_def mood NOT NULL DEFAULT 'ok', dnn nntext, dm money2,
  h hstore, l ltree, ci citext, p point, tv tsvector, g geometry, gg geography,
  m8 macaddr8, x xml, tz timetz, tz3 timetz(3),
  bx box, tq tsquery
);
CREATE TABLE tn (
  id int PRIMARY KEY, b1 bit(1) NOT NULL, b4 bit(4) NOT NULL, e mood NOT NULL, h hstore NOT NULL,
  l ltree NOT NULL, p point NOT NULL, g geometry NOT NULL, gg geography NOT NULL, ia int[] NOT NULL, tz timetz NOT NULL
);
SELECT 'init' FROM pg_create_logical_replication_slot('regression_slot', 'walcast');
INSERT INTO te VALUES (1, B'1', B'000000110000001000000001', B'101', B'10101',
  'meh', DEFAULT, 'x', 12.5,
  '"key4"=>"val4", "key5"=>NULL, "quo\"te"=>"😀"', 'Top.Science', 'MiXeD', '(1,2)', 'a fat cat', 'SRID=3187;POINT(174.9479 -36.7208)', 'POINT(1 2)',
  '08:00:2b:01:02:03:04:05', '<a>x &amp; y</a>', '13:51:30.123456+02', '24:00:00-10',
  '((0,0),(1,1))', 'fat & rat');
INSERT INTO te VALUES (2, B'0', B'000000000000000000000000', B'', B'0', NULL, 'sad', '', -0.01,
  '', '', '', '(NaN,-Infinity)', '', 'POINT Z(1 2 3)', 'SRID=4326;LINESTRING(0 0,1 1)', NULL, NULL, '00:00:00+00', NULL, NULL, NULL);
INSERT INTO te (id, dnn) VALUES (3, 'z');
INSERT INTO tn VALUES (1, B'1', B'1010', 'happy', 'a=>b', 'a', '(1,2)', 'POINT(1 2)', 'POINT(1 2)', '{1}', '12:00+01');
DELETE FROM tn WHERE id = 1;
SELECT data::json->'before' AS before, data::json->'after' AS after FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false');
-- schemas
SELECT f::text AS field
FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0') c,
     LATERAL json_array_elements((c.data::json)->'schema'->'fields'->1->'fields') f
WHERE (c.data::json)->'payload'->'after'->>'id' = '1' AND (c.data::json)->'payload'->'source'->>'table' = 'te';
-- hstore as a map; unknown types as bytes; another placeholder
SELECT data::json->'after'->'h' AS h, data::json->'after'->'bx' AS bx, data::json->'after'->'tq' AS tq
FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false',
  'hstore.handling.mode', 'map', 'include.unknown.datatypes', 'true')
WHERE data::jsonb->'source'->>'table' = 'te';
SELECT count(*) AS n, bool_and(data::json IS NOT NULL) AS valid FROM pg_logical_slot_get_changes('regression_slot', NULL, NULL);
SELECT 'stop' FROM pg_drop_replication_slot('regression_slot');
DROP TABLE te, tn;
DROP DOMAIN nntext;
DROP DOMAIN money2;
DROP TYPE mood;
