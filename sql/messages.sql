-- messages: pg_logical_emit_message as Debezium's "m" events on <prefix>.message
SET synchronous_commit = on;

CREATE TABLE msg_t (id int PRIMARY KEY);
SELECT 'init' FROM pg_create_logical_replication_slot('regression_slot', 'walcast');
SELECT 'msg' FROM pg_logical_emit_message(true, 'audit', 'hello');
SELECT 'msg' FROM pg_logical_emit_message(false, 'audit-nontx', 'non transactional');
SELECT 'msg' FROM pg_logical_emit_message(true, 'bin', '\x00ff10fbef'::bytea);
SELECT 'msg' FROM pg_logical_emit_message(true, '', '');
SELECT 'msg' FROM pg_logical_emit_message(true, 'ünïcödé', 'emoji 😀 and "quotes"');
BEGIN;
INSERT INTO msg_t VALUES (1);
SELECT 'msg' FROM pg_logical_emit_message(true, 'in-tx', 'inside');
COMMIT;
BEGIN;
SELECT 'msg' FROM pg_logical_emit_message(true, 'rolled-back', 'never seen');
ROLLBACK;
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false', 'output.format', 'record');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false', 'binary.handling.mode', 'hex', 'message.prefix.include.list', 'bin');
SELECT data::json->'message'->>'prefix' AS prefix FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'schemas.enable', 'false', 'message.prefix.exclude.list', 'audit.*,bin') WHERE data::json->>'op' = 'm';
SELECT data::json->'schema'->>'name' AS schema, data::json->'payload'->'source'->>'txId' IS NULL AS nontx FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL) WHERE data::json->'payload'->>'op' = 'm';
SELECT count(*) AS n, bool_and(data::json IS NOT NULL) AS valid FROM pg_logical_slot_get_changes('regression_slot', NULL, NULL, 'output.format', 'record');
SELECT 'stop' FROM pg_drop_replication_slot('regression_slot');
DROP TABLE msg_t;
