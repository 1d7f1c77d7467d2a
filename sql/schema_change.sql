-- schema_change: ADD/DROP/RENAME/ALTER TYPE between changes show up in the right events
SET synchronous_commit = on;

CREATE TABLE sc (id int PRIMARY KEY, a text);
SELECT 'init' FROM pg_create_logical_replication_slot('regression_slot', 'walcast');
INSERT INTO sc VALUES (1, 'before add');
ALTER TABLE sc ADD COLUMN b int DEFAULT 7;
INSERT INTO sc VALUES (2, 'after add', 8);
INSERT INTO sc (id, a) VALUES (3, 'default');
BEGIN;
ALTER TABLE sc DROP COLUMN a;
INSERT INTO sc VALUES (4, 9);
ALTER TABLE sc RENAME COLUMN b TO c;
INSERT INTO sc VALUES (5, 10);
COMMIT;
ALTER TABLE sc ALTER COLUMN c TYPE bigint;
UPDATE sc SET c = 11 WHERE id = 5;
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false');
-- the schemas follow: fields per event
SELECT json_agg(f->>'field') AS fields, json_agg(f->>'type') AS types
FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0') c,
     LATERAL json_array_elements((c.data::json)->'schema'->'fields'->1->'fields') f
GROUP BY c.lsn ORDER BY c.lsn;
SELECT count(*) AS n, bool_and(data::json IS NOT NULL) AS valid FROM pg_logical_slot_get_changes('regression_slot', NULL, NULL);
SELECT 'stop' FROM pg_drop_replication_slot('regression_slot');
DROP TABLE sc;

-- a label added to an enum while decoding shows up in the schema's "allowed"
CREATE TYPE sc_mood AS ENUM ('sad', 'ok');
CREATE TABLE sc_enum (id int PRIMARY KEY, m sc_mood);
SELECT 'init' FROM pg_create_logical_replication_slot('regression_slot', 'walcast');
INSERT INTO sc_enum VALUES (1, 'ok');
ALTER TYPE sc_mood ADD VALUE 'happy';
INSERT INTO sc_enum VALUES (2, 'happy');
ALTER TYPE sc_mood ADD VALUE 'meh' BEFORE 'ok';
INSERT INTO sc_enum VALUES (3, 'meh');
SELECT data::json->'payload'->'after'->>'m' AS m,
       data::json->'schema'->'fields'->1->'fields'->1->'parameters'->>'allowed' AS allowed
FROM pg_logical_slot_get_changes('regression_slot', NULL, NULL, 'include.volatile', '0');
SELECT 'stop' FROM pg_drop_replication_slot('regression_slot');
DROP TABLE sc_enum;
DROP TYPE sc_mood;
