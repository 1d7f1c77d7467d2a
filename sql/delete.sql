-- delete: "d" events, tombstones, NOT NULL fallbacks and defaults in the before image
SET synchronous_commit = on;

CREATE TABLE del (
  id int PRIMARY KEY,
  c_text text NOT NULL, c_vc varchar(10) NOT NULL, c_i2 smallint NOT NULL,
  c_i8 bigint NOT NULL, c_f4 real NOT NULL, c_f8 float8 NOT NULL,
  c_bool boolean NOT NULL, c_num numeric(8,2) NOT NULL, c_vnum numeric NOT NULL,
  c_date date NOT NULL, c_time time NOT NULL, c_time3 time(3) NOT NULL,
  c_ts timestamp NOT NULL, c_tstz timestamptz NOT NULL, c_intv interval NOT NULL,
  c_uuid uuid NOT NULL, c_json json NOT NULL, c_jsonb jsonb NOT NULL,
  c_bytea bytea NOT NULL, c_dflt int NOT NULL DEFAULT 42, c_null text
);
CREATE TABLE del_full (id int PRIMARY KEY, v text NOT NULL, w int);
ALTER TABLE del_full REPLICA IDENTITY FULL;
INSERT INTO del VALUES (1, 't', 'vc', 1, 2, 1.5, 2.5, true, 1.25, 3.5, '2024-01-01', '10:00', '10:00:00.123', '2024-01-01 10:00', '2024-01-01 10:00+00', '1 day', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a":1}', '{"a":1}', '\x01', 7, 'n');
INSERT INTO del_full VALUES (1, 'v', 5);
SELECT 'init' FROM pg_create_logical_replication_slot('regression_slot', 'walcast');
DELETE FROM del WHERE id = 1;
DELETE FROM del_full WHERE id = 1;
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false', 'output.format', 'record');
-- value format: tombstones have no value and write nothing
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false');
SELECT count(*) FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'output.format', 'record', 'tombstones.on.delete', 'off');
SELECT count(*) FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'output.format', 'record', 'skipped.operations', 'd');
SELECT count(*) AS n, bool_and(data::json IS NOT NULL) AS valid FROM pg_logical_slot_get_changes('regression_slot', NULL, NULL, 'output.format', 'record');
SELECT 'stop' FROM pg_drop_replication_slot('regression_slot');
DROP TABLE del, del_full;
