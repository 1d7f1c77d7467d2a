-- transactions: savepoints, rollbacks, empty transactions, order, metadata
SET synchronous_commit = on;

CREATE TABLE tx (id int PRIMARY KEY, v text);
CREATE TABLE tx2 (id int PRIMARY KEY);
SELECT 'init' FROM pg_create_logical_replication_slot('regression_slot', 'walcast');
BEGIN;
INSERT INTO tx VALUES (1, 'kept');
SAVEPOINT s1;
INSERT INTO tx VALUES (2, 'rolled back to savepoint');
ROLLBACK TO SAVEPOINT s1;
SAVEPOINT s2;
INSERT INTO tx VALUES (3, 'released');
RELEASE SAVEPOINT s2;
COMMIT;
BEGIN;
INSERT INTO tx VALUES (4, 'rolled back');
ROLLBACK;
BEGIN;
COMMIT;
BEGIN;
INSERT INTO tx2 VALUES (1);
UPDATE tx SET v = 'in order' WHERE id = 1;
INSERT INTO tx2 VALUES (2);
COMMIT;
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false');
-- with provide.transaction.metadata: BEGIN and END records, transaction blocks
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false', 'provide.transaction.metadata', 'true', 'output.format', 'record');
-- the same transaction ids across a transaction's records
SELECT count(DISTINCT split_part(coalesce(data::json->'value'->>'id', data::json->'value'->'transaction'->>'id'), ':', 1)) AS xids
FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'schemas.enable', 'false', 'provide.transaction.metadata', 'true', 'output.format', 'record');
SELECT count(*) AS n, bool_and(data::json IS NOT NULL) AS valid FROM pg_logical_slot_get_changes('regression_slot', NULL, NULL, 'provide.transaction.metadata', 'true');
SELECT 'stop' FROM pg_drop_replication_slot('regression_slot');
DROP TABLE tx, tx2;
