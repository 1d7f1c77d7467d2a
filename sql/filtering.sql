-- filtering: table and column include/exclude lists, publication.name, skipped.operations
SET synchronous_commit = on;
\set VERBOSITY terse

CREATE SCHEMA other;
CREATE TABLE included (id int PRIMARY KEY, v text);
CREATE TABLE also_1 (id int PRIMARY KEY);
CREATE TABLE excluded (id int PRIMARY KEY);
CREATE TABLE other.t (id int PRIMARY KEY);
CREATE TABLE users (id int PRIMARY KEY, name text, password text, ssn text);
CREATE PUBLICATION pub_some FOR TABLE included, users;
CREATE PUBLICATION pub_ins FOR TABLE included WITH (publish = 'insert');
SELECT 'init' FROM pg_create_logical_replication_slot('regression_slot', 'walcast');
INSERT INTO included VALUES (1, 'x');
INSERT INTO also_1 VALUES (1);
INSERT INTO excluded VALUES (1);
INSERT INTO other.t VALUES (1);
INSERT INTO users VALUES (1, 'ann', 'secret', '123');
UPDATE included SET v = 'y';
DELETE FROM included;
SELECT data::json->>'topic' AS topic, data::json->'value'->>'op' AS op FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'output.format', 'record', 'schemas.enable', 'false', 'table.include.list', 'public.included,public.also_.*');
SELECT data::json->>'topic' AS topic FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'output.format', 'record', 'table.exclude.list', 'public\.(excluded|users|included),OTHER\..*');
SELECT data::json->>'topic' AS topic FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'output.format', 'record', 'schema.include.list', 'other');
SELECT DISTINCT data::json->>'topic' AS topic FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'output.format', 'record', 'schema.exclude.list', 'pub.*') ORDER BY 1;
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'schema.include.list', 'a', 'schema.exclude.list', 'b');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'output.format', 'record', 'schemas.enable', 'false', 'table.include.list', 'public.users', 'column.exclude.list', 'public.users.password,public.users.ssn,public.users.id');
SELECT data::json->'value'->'after' AS after FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'output.format', 'record', 'schemas.enable', 'false', 'table.include.list', 'public.users', 'column.include.list', 'public.users.(id|name)');
SELECT data::json->>'topic' AS topic, data::json->'value'->>'op' AS op FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'output.format', 'record', 'schemas.enable', 'false', 'publication.name', 'pub_some');
SELECT data::json->>'topic' AS topic, data::json->'value'->>'op' AS op FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'output.format', 'record', 'schemas.enable', 'false', 'publication.name', 'pub_ins');
SELECT data::json->>'topic' AS topic, data::json->'value'->>'op' AS op FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'output.format', 'record', 'schemas.enable', 'false', 'skipped.operations', 'c,d', 'table.include.list', 'public.included');
SELECT count(*) AS n, bool_and(data::json IS NOT NULL) AS valid FROM pg_logical_slot_get_changes('regression_slot', NULL, NULL, 'output.format', 'record');
SELECT 'stop' FROM pg_drop_replication_slot('regression_slot');
DROP PUBLICATION pub_some, pub_ins;
DROP TABLE included, also_1, excluded, other.t, users;
DROP SCHEMA other;
