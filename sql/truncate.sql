-- truncate: skipped by default (skipped.operations=t), "t" events otherwise
SET synchronous_commit = on;

CREATE TABLE tr_a (id int PRIMARY KEY);
CREATE TABLE tr_b (id int PRIMARY KEY, a int);
INSERT INTO tr_a VALUES (1);
SELECT 'init' FROM pg_create_logical_replication_slot('regression_slot', 'walcast');
TRUNCATE tr_a, tr_b;
INSERT INTO tr_a VALUES (2);
-- default: only the insert
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false', 'output.format', 'record');
-- one "t" event per table, key null
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false', 'output.format', 'record', 'skipped.operations', 'none');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false', 'skipped.operations', 'c', 'table.include.list', 'public.tr_b');
SELECT count(*) AS n, bool_and(data::json IS NOT NULL) AS valid FROM pg_logical_slot_get_changes('regression_slot', NULL, NULL, 'skipped.operations', 'none');
SELECT 'stop' FROM pg_drop_replication_slot('regression_slot');
DROP TABLE tr_a, tr_b;
