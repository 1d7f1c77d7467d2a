INSERT INTO t VALUES (1, 0, '\xfbefff', ARRAY['\x0102'::bytea, '\xfbff'::bytea, NULL], B'1000000000000001', B'101', '((0,0),(1,1))');
INSERT INTO t VALUES (2, 0, '\x', '{}', B'0000000000000000', B'', NULL);
INSERT INTO t VALUES (3, 0, decode((SELECT string_agg(md5(i::text), '' ORDER BY i) FROM generate_series(1, 600) AS i), 'hex'),
  (SELECT array_agg(decode(md5(i::text), 'hex') ORDER BY i) FROM generate_series(1, 400) AS i), NULL, NULL, NULL);
UPDATE t SET n = 1 WHERE id = 3;
INSERT INTO nn VALUES (1, '\x01', B'1000000000000001', '{}');
DELETE FROM nn WHERE id = 1;
