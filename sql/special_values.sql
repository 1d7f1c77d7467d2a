-- special_values: NaN, infinities, very large numerics, old and infinite dates, escapes, Unicode
SET synchronous_commit = on;
SET extra_float_digits = 0;
SET TimeZone = 'UTC';

CREATE TABLE sv (id int PRIMARY KEY, f4 real, f8 float8, n numeric(10,2), nv numeric,
  d date, ts timestamp, ts3 timestamp(3), tstz timestamptz, t text);
SELECT 'init' FROM pg_create_logical_replication_slot('regression_slot', 'walcast');
INSERT INTO sv VALUES (1, 'NaN', 'NaN', 'NaN', 'NaN', 'infinity', 'infinity', 'infinity', 'infinity', E'quote " backslash \\ slash / tab \t newline \n');
INSERT INTO sv VALUES (2, 'Infinity', '-Infinity', NULL, 'Infinity', '-infinity', '-infinity', '-infinity', '-infinity', E'controls \x01\x07\x08\x0b\x0c\x1b\x1f del \x7f');
INSERT INTO sv VALUES (3, '-0', '-0', 0, '-Infinity', '4714-11-24 BC', '0001-01-01 00:00:00 BC', '1970-01-01 00:00:00.001', '4714-11-24 00:00:00+00 BC', 'Unicode: 日本語 ü € 😀🎉 U+2028: ' || chr(8232));
INSERT INTO sv VALUES (4, 1.17549435e-38, 2e23, 99999999.99, 123456789012345678901234567890.123456789012345678901234567890, '5874897-12-31', '294276-12-31 23:59:59', '2262-04-11 23:47:16.854', '294276-12-31 23:59:59.999999+00', '');
INSERT INTO sv VALUES (5, 8.589973e9, 8.41e21, -99999999.99, -0.000000000000000000001, '1582-10-04', '1582-10-15 00:00', '1969-12-31 23:59:59.999', '1850-01-01 12:00:00 Europe/Amsterdam', repeat('long ', 20));
INSERT INTO sv VALUES (6, 1e-4, 9999999.0, 0.5, 1e100, '2000-02-29', '2000-02-29 12:00', '2000-01-01', '2000-01-01 00:00:00.000001+00', NULL);
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false');
-- NaN and infinities in the other decimal modes
SELECT data::json->'after'->'n' AS n, data::json->'after'->'nv' AS nv FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'schemas.enable', 'false', 'decimal.handling.mode', 'string');
SELECT data::json->'after'->'n' AS n, data::json->'after'->'nv' AS nv FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'schemas.enable', 'false', 'decimal.handling.mode', 'double');
SELECT count(*) AS n, bool_and(data::json IS NOT NULL) AS valid FROM pg_logical_slot_get_changes('regression_slot', NULL, NULL);
SELECT 'stop' FROM pg_drop_replication_slot('regression_slot');
DROP TABLE sv;
