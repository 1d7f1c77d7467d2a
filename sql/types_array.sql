-- types_array: arrays of every mapped element type, NULL elements, empty and
-- multi-dimensional arrays (flattened), NaN in numeric[], dropped arrays
SET synchronous_commit = on;
SET extra_float_digits = 0;
SET TimeZone = 'UTC';

CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE DOMAIN intarr AS int[];
CREATE TABLE ta (
  id int PRIMARY KEY,
  a2 smallint[], a4 int[], a8 bigint[], ao oid[], at text[], avc varchar(5)[], abp char(3)[],
  an numeric[], an52 numeric(5,2)[], ab boolean[], af4 real[], af8 float8[],
  ad date[], atm time[], atm3 time(3)[], ats timestamp[], atz timetz[], atstz timestamptz(0)[],
  au uuid[], aj json[], ajb jsonb[], aby bytea[], ain inet[], ar int4range[], ae mood[],
  dia intarr, b3a bit(3)[],
  -- dropped, as Debezium drops them:
  am money[], ai interval[], ax xml[], ap point[], anm name[], avb varbit[], adp posint[]
);
SELECT 'init' FROM pg_create_logical_replication_slot('regression_slot', 'walcast');
INSERT INTO ta VALUES (1, '{1,NULL,-32768}', '{2147483647,NULL}', '{-9223372036854775808}', '{0,4294967295}',
  '{"with,comma","q\"uote",NULL,"",😀}', '{x,yy}', '{a,NULL,abc}',
  '{1.5,10,0.001,-0.5}', '{1.1,-3,NULL}', '{true,false,NULL}', '{1.5,0.1,NaN,-0}', '{1e300,-Infinity}',
  '{2016-11-04,1969-12-31,infinity,"0001-01-01 BC"}', '{13:51:30.123456,24:00:00}', '{13:51:30.123}',
  '{"2016-11-04 13:51:30.123456","0001-01-01 00:00:00 BC",-infinity}', '{13:51:30.123+02}', '{"2020-04-01 13:51:02.5+02",-infinity}',
  '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,NULL}', ARRAY['{"a": 1}'::json], ARRAY['{"a":  1}'::jsonb], ARRAY['\x00ff'::bytea, NULL],
  '{10.0.0.1,::1/128}', '{"[1,5)",empty}', '{sad,NULL,happy}', '{1,2}', '{101}',
  '{1.5}', '{1 day}', ARRAY['<a/>'::xml], ARRAY['(1,2)'::point], '{n}', '{1}', '{1}');
INSERT INTO ta (id, a2, a4, at, an, ae, dia) VALUES (2, '{}', '{{1,2},{3,4}}', '{{a,b},{c,d}}', '{NaN}', '{}', '[0:1]={5,6}');
INSERT INTO ta (id) VALUES (3);
SELECT data::json->'after' AS after FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false');
-- the array schemas
SELECT f::text AS field
FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0') c,
     LATERAL json_array_elements((c.data::json)->'schema'->'fields'->1->'fields') f
WHERE (c.data::json)->'payload'->'after'->>'id' = '1';
SELECT count(*) AS n, bool_and(data::json IS NOT NULL) AS valid FROM pg_logical_slot_get_changes('regression_slot', NULL, NULL);
SELECT 'stop' FROM pg_drop_replication_slot('regression_slot');
DROP TABLE ta;
DROP DOMAIN intarr;
DROP DOMAIN posint;
DROP TYPE mood;
