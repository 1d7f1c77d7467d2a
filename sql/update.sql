-- update: "u" events; before images per replica identity; primary-key changes
SET synchronous_commit = on;

CREATE TABLE upd (id int PRIMARY KEY, name text NOT NULL, note text);
CREATE TABLE upd_full (id int PRIMARY KEY, name text NOT NULL, note text);
ALTER TABLE upd_full REPLICA IDENTITY FULL;
CREATE TABLE upd_comp (region text, num int, v text, PRIMARY KEY (region, num));
INSERT INTO upd VALUES (1, 'a', 'x'), (2, 'b', NULL);
INSERT INTO upd_full VALUES (1, 'a', 'x');
INSERT INTO upd_comp VALUES ('eu', 1, 'v');
SELECT 'init' FROM pg_create_logical_replication_slot('regression_slot', 'walcast');
UPDATE upd SET name = 'a2' WHERE id = 1;
UPDATE upd SET note = NULL WHERE id = 1;
UPDATE upd_full SET note = 'y' WHERE id = 1;
-- a primary-key change: delete (+newkey), tombstone, create (+oldkey)
UPDATE upd SET id = 100 WHERE id = 2;
UPDATE upd_full SET id = 10 WHERE id = 1;
UPDATE upd_comp SET num = 2 WHERE region = 'eu';
-- an update that changes nothing still writes an event
UPDATE upd SET name = name WHERE id = 1;
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false', 'output.format', 'record');
-- without tombstones the delete half stands alone
SELECT data::json->'value'->>'op' AS op, data::json->'key' AS key FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false', 'output.format', 'record', 'tombstones.on.delete', 'false');
-- skipped.operations=u drops updates, and so the whole key change
SELECT count(*) FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'skipped.operations', 'u');
SELECT count(*) AS n, bool_and(data::json IS NOT NULL) AS valid FROM pg_logical_slot_get_changes('regression_slot', NULL, NULL, 'output.format', 'record');
SELECT 'stop' FROM pg_drop_replication_slot('regression_slot');
DROP TABLE upd, upd_full, upd_comp;
