-- keys: primary key order, unique-index keys, keyless tables, serial defaults in key schemas
SET synchronous_commit = on;

CREATE TABLE k_comp (course text, student_id int, term int, grade text, PRIMARY KEY (term, student_id, course));
CREATE TABLE k_uniq (a int, serial_no text, maker text NOT NULL, part int NOT NULL);
CREATE UNIQUE INDEX b_parts_maker_part_uq ON k_uniq (maker, part);
CREATE UNIQUE INDEX a_parts_serial_uq ON k_uniq (serial_no);
CREATE TABLE k_expr (a int, b text);
CREATE UNIQUE INDEX k_expr_lower ON k_expr (lower(b));
CREATE TABLE k_none (a int, b text);
CREATE TABLE k_serial (id bigserial PRIMARY KEY, v text);
SELECT 'init' FROM pg_create_logical_replication_slot('regression_slot', 'walcast');
INSERT INTO k_comp VALUES ('math', 7, 2024, 'A');
INSERT INTO k_uniq VALUES (1, 'S-1', 'acme', 3);
INSERT INTO k_expr VALUES (1, 'X');
INSERT INTO k_none VALUES (1, 'no key');
INSERT INTO k_serial (v) VALUES ('s');
SELECT data::json->'key' AS key FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'output.format', 'record');
SELECT count(*) AS n, bool_and(data::json IS NOT NULL) AS valid FROM pg_logical_slot_get_changes('regression_slot', NULL, NULL, 'output.format', 'record');
SELECT 'stop' FROM pg_drop_replication_slot('regression_slot');
DROP TABLE k_comp, k_uniq, k_expr, k_none, k_serial;
