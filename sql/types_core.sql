-- types_core: the core type mappings in Debezium's default modes, with edge values
SET synchronous_commit = on;
SET extra_float_digits = 0;
SET TimeZone = 'UTC';

CREATE TABLE ty (
  id int PRIMARY KEY,
  b boolean, i2 smallint, i4 integer, i8 bigint, f4 real, f8 double precision,
  n102 numeric(10,2), n5 numeric(5), nv numeric,
  t text, vc varchar(20), c5 char(5), c1 char, nm name,
  ba bytea, d date, tm time, tm3 time(3), ts timestamp, ts3 timestamp(3),
  tstz timestamptz, tstz0 timestamptz(0), tstz3 timestamptz(3),
  u uuid, j json, jb jsonb
);
SELECT 'init' FROM pg_create_logical_replication_slot('regression_slot', 'walcast');
INSERT INTO ty VALUES (1, true, 32767, 2147483647, 9223372036854775807, 3.3, 4.44,
  12345678.91, 99999, 10.1111, 'text', 'varchar', 'ab', 'x', 'a_name',
  '\x010203', '2016-11-04', '13:51:30.123456', '13:51:30.123', '2016-11-04 13:51:30.123456', '2016-11-04 13:51:30.123',
  '2016-11-04 13:51:30.123456+02', '2016-11-04 13:51:30+02', '2016-11-04 13:51:30.12+02',
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"b": 1,  "a": [1, 2]}', '{"b": 1,  "a": [1, 2]}');
INSERT INTO ty VALUES (2, false, -32768, -2147483648, -9223372036854775808, -1.5e-10, 1e300,
  -0.01, -99999, -1.50, '', '', '', ' ', '',
  '\x', '1969-12-31', '00:00', '23:59:59.999', '1969-12-31 23:59:59.999999', '1900-01-01 00:00:00.001',
  '0001-01-01 00:00:00+00', '0001-01-01 00:00:00 BC', '9999-12-31 23:59:59.999+00',
  '00000000-0000-0000-0000-000000000000', '[]', 'null');
INSERT INTO ty (id) VALUES (3);
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false');
-- the schema of every field
SELECT f::text AS field
FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0') c,
     LATERAL json_array_elements((c.data::json)->'schema'->'fields'->1->'fields') f
WHERE (c.data::json)->'payload'->'after'->>'id' = '1';
-- other modes
SELECT data::json->'after' AS after FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'schemas.enable', 'false', 'decimal.handling.mode', 'string', 'binary.handling.mode', 'hex', 'time.precision.mode', 'connect') WHERE (data::json->'after'->>'id')::int < 3;
SELECT count(*) AS n, bool_and(data::json IS NOT NULL) AS valid FROM pg_logical_slot_get_changes('regression_slot', NULL, NULL);
SELECT 'stop' FROM pg_drop_replication_slot('regression_slot');
DROP TABLE ty;
