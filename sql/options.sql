-- options: every plugin option, its validation and its error messages
SET synchronous_commit = on;
\set VERBOSITY default

CREATE TABLE opt_t (id int PRIMARY KEY, v text);
SELECT 'init' FROM pg_create_logical_replication_slot('regression_slot', 'walcast');
INSERT INTO opt_t VALUES (1, 'one');

-- unrecognized, duplicate and invalid options are errors naming the option
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'no.such.option', 'x');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'schemas.enable', 'false', 'schemas.enable', 'true');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'schemas.enable', 'maybe');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'tombstones.on.delete', '2');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'output.format', 'xml');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'decimal.handling.mode', 'exact');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'time.precision.mode', 'millis');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'binary.handling.mode', 'base32');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'interval.handling.mode', 'iso');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'hstore.handling.mode', 'text');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'event.processing.failure.handling.mode', 'ignore');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'walcast.testing.max.message.bytes', '1000');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'money.fraction.digits', '-1');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'money.fraction.digits', 'two');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'relay.batch.bytes', '99999999999');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'skipped.operations', 'c,x');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'table.include.list', 'public.(');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'table.include.list', 'a', 'table.exclude.list', 'b');
-- (the SQLSTATE of PostgreSQL's "mutually exclusive options": syntax_error)
\echo :LAST_ERROR_SQLSTATE
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'column.include.list', 'a', 'column.exclude.list', 'b');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'message.prefix.include.list', 'a', 'message.prefix.exclude.list', 'b');
-- (lists of blanks and commas only are no lists: nothing to be exclusive with)
SELECT count(*) FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'table.include.list', ' , ', 'table.exclude.list', 'public\.other');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'topic.prefix', 'bad prefix!');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'topic.prefix', '');
-- (checked when the first change is decoded; terse hides the change's LSN)
\set VERBOSITY terse
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'publication.name', 'no_such_publication');
\set VERBOSITY default
-- relay output is binary: the text functions refuse it
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'output.format', 'relay');

-- booleans accept what parse_bool accepts
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'no');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', 'off', 'schemas.enable', 'FALSE', 'tombstones.on.delete', 'yes');
-- topic.prefix names the source and the topic; the default is the database name
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'output.format', 'record', 'schemas.enable', '0', 'topic.prefix', 'shop-1.eu');
SELECT data::json->>'topic' AS topic FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'output.format', 'record');
-- list entries are trimmed on both sides (tabs too); empty entries are none
SELECT data::json->>'topic' AS topic FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'output.format', 'record', 'table.include.list', E'public\\.nothing ,\tpublic\\.opt_t\t, ');
SELECT data::json->'value'->'after' AS after FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'output.format', 'record', 'column.include.list', ' public\.opt_t\.v ', 'schemas.enable', 'false');
SELECT count(*) FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'skipped.operations', ' c , u ');
-- options are case-sensitive names with case-insensitive enumeration values
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', '0', 'decimal.handling.mode', 'STRING');
-- (events too large to be written: t/032)
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', '0', 'event.processing.failure.handling.mode', 'Warn', 'walcast.testing.max.message.bytes', '1024');
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'Schemas.Enable', '0');

SELECT 'stop' FROM pg_drop_replication_slot('regression_slot');
-- junk options are refused at slot creation through the replication protocol too (see t/010)
DROP TABLE opt_t;
