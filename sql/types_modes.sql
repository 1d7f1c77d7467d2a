-- types_modes: numeric edge values in every decimal mode, temporal values in
-- every time.precision.mode, binary modes, money.fraction.digits, TOAST
-- placeholders per type
SET synchronous_commit = on;
SET extra_float_digits = 0;
SET TimeZone = 'UTC';

CREATE TABLE tm (
  id int PRIMARY KEY, n52 numeric(5,2), nv numeric, nneg numeric(5,-2), m money,
  d date, t3 time(3), t6 time, tz timetz, ts3 timestamp(3), ts timestamp, tstz timestamptz,
  b bytea, ab bytea[], bits bit(16)
);
CREATE TABLE tt (id int PRIMARY KEY, n int, t text, ta text[], ia int[], ua uuid[], b bytea, ba bytea[], fa float8[]);
SELECT 'init' FROM pg_create_logical_replication_slot('regression_slot', 'walcast');
INSERT INTO tm VALUES (1, 123.45, 3.14159265358979323846264338327950288419716939937510, 12345, 1234.56,
  '2016-11-04', '13:51:30.123', '13:51:30.123456', '13:51:30.123789+02', '2016-11-04 13:51:30.123', '2016-11-04 13:51:30.123456', '2016-11-04 13:51:30.123456+02',
  '\xfbefff', ARRAY['\x0102'::bytea, NULL], B'1000000000000001');
INSERT INTO tm VALUES (2, -999.99, -0.000000000000000000001, -100, -0.5,
  '0001-12-31 BC', '24:00:00', '00:00:00.000001', '24:00:00-10', '1969-12-31 23:59:59.999', '0001-12-31 23:59:59.999999 BC', 'infinity',
  '\x', '{}', B'0000000000000000');
INSERT INTO tm VALUES (3, 0, 'NaN', 0, 0, 'infinity', NULL, NULL, NULL, 'infinity', '-infinity', '-infinity', NULL, NULL, NULL);
INSERT INTO tm (id, nv) VALUES (4, 123456789012345678901234567890.1234567890123456789);
INSERT INTO tm (id, nv) VALUES (5, -1e100);
INSERT INTO tm (id, nv) VALUES (6, 'Infinity');
SELECT 'precise' AS mode, data::json->'after' AS after FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false');
SELECT 'string/isostring/hex/0 digits' AS mode, data::json->'after' AS after FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false',
  'decimal.handling.mode', 'string', 'time.precision.mode', 'isostring', 'binary.handling.mode', 'hex', 'money.fraction.digits', '0');
SELECT 'double/nanoseconds/base64-url-safe' AS mode, data::json->'after' AS after FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false',
  'decimal.handling.mode', 'double', 'time.precision.mode', 'nanoseconds', 'binary.handling.mode', 'base64-url-safe');
SELECT 'microseconds/connect' AS mode, a.data::json->'after'->'t3' AS t3, a.data::json->'after'->'ts3' AS ts3, x.data::json->'after'->'ts3' AS ts3_connect
FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false', 'time.precision.mode', 'microseconds') WITH ORDINALITY a(lsn, xid, data, i)
JOIN pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false', 'time.precision.mode', 'connect') WITH ORDINALITY x(lsn, xid, data, i) USING (i);
SELECT count(*) AS n, bool_and(data::json IS NOT NULL) AS valid FROM pg_logical_slot_get_changes('regression_slot', NULL, NULL);
-- unchanged TOASTed values: placeholders per type
INSERT INTO tt SELECT 1, 0, string_agg(md5(i::text), ''),
  array_agg(md5(i::text)), array_agg(i), array_agg(md5(i::text)::uuid), decode(string_agg(md5(i::text), ''), 'hex'),
  array_agg(decode(md5(i::text), 'hex')), array_agg(i / 7.0::float8)
FROM generate_series(1, 1000) i;
UPDATE tt SET n = 1;
SELECT data::json->'after' AS after FROM pg_logical_slot_get_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false', 'unavailable.value.placeholder', 'ü!')
WHERE data::jsonb->>'op' = 'u';
SELECT 'stop' FROM pg_drop_replication_slot('regression_slot');
DROP TABLE tm, tt;
