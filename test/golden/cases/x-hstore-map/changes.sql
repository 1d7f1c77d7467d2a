INSERT INTO t VALUES (1, 0, 'a=>1, b=>NULL', ARRAY['a=>1'::hstore, NULL, ''::hstore], 12.34, '1 year 2 mons 3 days 04:05:06.78', 'x', '{1}', NULL, NULL, NULL, NULL);
INSERT INTO t VALUES (2, 0, (SELECT hstore(array_agg('k' || i ORDER BY i), array_agg(md5(i::text) ORDER BY i)) FROM generate_series(1, 200) AS i), NULL, -0.5, '-1 days -00:00:01.5', 
  (SELECT string_agg(md5(i::text), '' ORDER BY i) FROM generate_series(1, 400) AS i),
  (SELECT array_agg(('x' || substr(md5(i::text), 1, 8))::bit(32)::int ORDER BY i) FROM generate_series(1, 3000) AS i),
  (SELECT array_agg(md5(i::text)::uuid ORDER BY i) FROM generate_series(1, 300) AS i),
  (SELECT array_agg(decode(md5(i::text), 'hex') ORDER BY i) FROM generate_series(1, 400) AS i),
  decode((SELECT string_agg(md5(i::text), '' ORDER BY i) FROM generate_series(1, 600) AS i), 'hex'),
  (SELECT array_agg(md5(i::text) ORDER BY i) FROM generate_series(1, 300) AS i));
UPDATE t SET n = 1 WHERE id = 2;
INSERT INTO nn VALUES (1, 'a=>b', '1 day', 1);
DELETE FROM nn WHERE id = 1;
