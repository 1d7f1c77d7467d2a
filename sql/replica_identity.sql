-- replica_identity: DEFAULT, FULL, USING INDEX and NOTHING on updates and deletes
SET synchronous_commit = on;
\set VERBOSITY terse

CREATE TABLE ri_default (id int PRIMARY KEY, v text NOT NULL, w int);
CREATE TABLE ri_full (id int PRIMARY KEY, v text NOT NULL, w int);
ALTER TABLE ri_full REPLICA IDENTITY FULL;
CREATE TABLE ri_index (id int PRIMARY KEY, email text NOT NULL, age int);
CREATE UNIQUE INDEX ri_index_email ON ri_index (email);
ALTER TABLE ri_index REPLICA IDENTITY USING INDEX ri_index_email;
CREATE TABLE ri_nothing (id int PRIMARY KEY, v text);
ALTER TABLE ri_nothing REPLICA IDENTITY NOTHING;
CREATE TABLE ri_nokey (a int, b text);
ALTER TABLE ri_nokey REPLICA IDENTITY FULL;
INSERT INTO ri_default VALUES (1, 'a', 1);
INSERT INTO ri_full VALUES (1, 'a', 1);
INSERT INTO ri_index VALUES (1, 'a@example.com', 30);
INSERT INTO ri_nothing VALUES (1, 'a');
INSERT INTO ri_nokey VALUES (1, 'a');
SELECT 'init' FROM pg_create_logical_replication_slot('regression_slot', 'walcast');
UPDATE ri_default SET w = 2;
UPDATE ri_full SET w = 2;
UPDATE ri_index SET age = 31;
UPDATE ri_index SET email = 'b@example.com';
UPDATE ri_nothing SET v = 'b';
UPDATE ri_nokey SET b = 'b';
DELETE FROM ri_default;
DELETE FROM ri_full;
DELETE FROM ri_index;
DELETE FROM ri_nothing;
DELETE FROM ri_nokey;
-- REPLICA IDENTITY NOTHING: the update has no before image, the delete
-- cannot be written (one WARNING per relation)
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false', 'output.format', 'record');
SELECT count(*) AS n, bool_and(data::json IS NOT NULL) AS valid FROM pg_logical_slot_get_changes('regression_slot', NULL, NULL, 'output.format', 'record');
SELECT 'stop' FROM pg_drop_replication_slot('regression_slot');
DROP TABLE ri_default, ri_full, ri_index, ri_nothing, ri_nokey;
