-- relay_format: the framed output walcast-relay reads (doc/framing.md)
SET synchronous_commit = on;

CREATE TABLE rf (id int PRIMARY KEY, v text);
CREATE TABLE rf_nokey (v text);
SELECT 'init' FROM pg_create_logical_replication_slot('regression_slot', 'walcast');
INSERT INTO rf VALUES (1, 'one');
BEGIN;
INSERT INTO rf VALUES (2, 'two');
DELETE FROM rf WHERE id = 1;
INSERT INTO rf_nokey VALUES ('k');
COMMIT;
UPDATE rf SET id = 3 WHERE id = 2;
SELECT 'msg' FROM pg_logical_emit_message(false, 'p', 'c');
-- (a committed change after the non-transactional message flushes it)
INSERT INTO rf_nokey VALUES ('after the message');
-- one message per transaction; LSNs masked
SELECT regexp_replace(convert_from(data, 'UTF8'), 'C [0-9A-F]+/[0-9A-F]+', 'C <lsn>', 'g') AS message
FROM pg_logical_slot_peek_binary_changes('regression_slot', NULL, NULL, 'output.format', 'relay', 'include.volatile', '0', 'schemas.enable', 'false');
-- with schemas: S records once per relation, payloads only in E records
SELECT regexp_replace(regexp_replace(convert_from(data, 'UTF8'), 'C [0-9A-F]+/[0-9A-F]+', 'C <lsn>', 'g'),
       '\{"type":"struct".*?"version":2\}', '<value schema>', 'g') AS message
FROM pg_logical_slot_peek_binary_changes('regression_slot', NULL, NULL, 'output.format', 'relay', 'include.volatile', '0') LIMIT 1;
SELECT count(*) AS schema_records FROM pg_logical_slot_peek_binary_changes('regression_slot', NULL, NULL, 'output.format', 'relay'),
  LATERAL regexp_matches(convert_from(data, 'UTF8'), '(^|\n|\})S [0-9]+ ', 'g');
-- a small relay.batch.bytes splits a transaction; only its last message ends with C
SELECT convert_from(data, 'UTF8') ~ 'C [0-9A-F]+/[0-9A-F]+\n$' AS closed, convert_from(data, 'UTF8') ~ '^E ' AS starts_with_event
FROM pg_logical_slot_peek_binary_changes('regression_slot', NULL, NULL, 'output.format', 'relay', 'relay.batch.bytes', '100');
SELECT count(*) FROM pg_logical_slot_get_binary_changes('regression_slot', NULL, NULL, 'output.format', 'relay');
SELECT 'stop' FROM pg_drop_replication_slot('regression_slot');
DROP TABLE rf, rf_nokey;
