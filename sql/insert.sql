-- insert: "c" events, with and without schemas, in each output format
SET synchronous_commit = on;

CREATE TABLE customers (
  id serial PRIMARY KEY,
  name varchar(255) NOT NULL,
  balance numeric(10,2),
  updated_at timestamptz
);
SELECT 'init' FROM pg_create_logical_replication_slot('regression_slot', 'walcast');
INSERT INTO customers (name, balance, updated_at) VALUES ('Anne', 123.45, '2024-05-01 12:00:00+02');
INSERT INTO customers (name, balance, updated_at) VALUES ('Bob', NULL, NULL);
INSERT INTO customers (name, balance, updated_at) VALUES ('Carl "the quoted"', -1234.11, '2024-05-02 00:00:00.5+00'), ('Dörte ☃', 0, '1969-12-31 23:59:59.999999+00');

-- values without schemas
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false');
-- the same with Kafka Connect schemas (the default)
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0') LIMIT 1;
-- records: topic, key and value
SELECT data FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'schemas.enable', 'false', 'output.format', 'record');
SELECT data::json->'key' AS key FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'include.volatile', '0', 'output.format', 'record') LIMIT 1;
-- volatile fields are there by default: commit time, xid, LSN, sequence
SELECT (v->'source'->>'ts_ms')::bigint > 1700000000000 AS commit_ts,
       (v->'source'->>'txId')::bigint > 0 AS xid,
       (v->'source'->>'lsn')::bigint > 0 AS lsn,
       (v->'source'->>'ts_us')::bigint = (v->'source'->>'ts_ms')::bigint * 1000 + (v->'source'->>'ts_us')::bigint % 1000 AS ts_us,
       (v->'source'->>'ts_ns')::numeric = (v->'source'->>'ts_us')::numeric * 1000 AS ts_ns,
       (v->>'ts_ms')::bigint >= (v->'source'->>'ts_ms')::bigint AS processing_after_commit,
       json_typeof((v->'source'->>'sequence')::json) AS sequence
FROM (SELECT data::json AS v FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'schemas.enable', 'false')) s;
-- every row is valid JSON, in every format
SELECT count(*) AS n, bool_and(data::json IS NOT NULL) AS valid FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL);
SELECT count(*) AS n, bool_and(data::json IS NOT NULL) AS valid FROM pg_logical_slot_peek_changes('regression_slot', NULL, NULL, 'output.format', 'record');
SELECT count(*) AS n FROM pg_logical_slot_get_changes('regression_slot', NULL, NULL);
SELECT count(*) AS n FROM pg_logical_slot_get_changes('regression_slot', NULL, NULL);
SELECT 'stop' FROM pg_drop_replication_slot('regression_slot');
DROP TABLE customers;
