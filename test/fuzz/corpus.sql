-- Changes whose relay-format output seeds the frame parser's fuzzer
-- (test/fuzz/run --make-corpus): every record kind, schema ids, keys that
-- change, tombstones, messages, a large transaction cut into messages.
SET client_min_messages = warning;
DROP TABLE IF EXISTS corpus_t, corpus_nokey, corpus_wide;
SELECT pg_create_logical_replication_slot('walcast_corpus', 'walcast');
CREATE TABLE corpus_t (id int PRIMARY KEY, t text, n numeric, b bytea,
	ts timestamptz, a text[], j jsonb);
CREATE TABLE corpus_nokey (x int, y text);
INSERT INTO corpus_t VALUES (1, 'one', 1.5, '\x00ff', '2024-02-29 12:00+00',
	'{a,NULL,"b c"}', '{"k": "\u00e9"}');
INSERT INTO corpus_t VALUES (2, E'quote " backslash \\ nl \n', -0.001, NULL,
	NULL, NULL, NULL);
UPDATE corpus_t SET t = 'uno' WHERE id = 1;
UPDATE corpus_t SET id = 3 WHERE id = 2;
DELETE FROM corpus_t WHERE id = 3;
INSERT INTO corpus_nokey VALUES (1, 'a'), (NULL, NULL);
UPDATE corpus_nokey SET y = 'b';
DELETE FROM corpus_nokey;
ALTER TABLE corpus_t ADD COLUMN extra int DEFAULT 7;
INSERT INTO corpus_t (id) VALUES (4);
TRUNCATE corpus_nokey;
SELECT pg_logical_emit_message(true, 'pfx', 'transactional');
SELECT pg_logical_emit_message(false, 'pfx', '\xdeadbeef'::bytea);
INSERT INTO corpus_t (id, t) SELECT g, repeat('x', 100) FROM generate_series(10, 40) g;
