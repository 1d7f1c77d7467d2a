INSERT INTO t VALUES (1, '(1,2)', 'Top.Science.Astronomy', 'a fat cat sat on a mat and ate a fat rat', 'SRID=3187;POINT(174.9479 -36.7208)', 'POINT(1 2)',
  '08:00:2b:01:02:03:04:05', '<a>x &amp; y</a>', '13:51:30.123456+02', '13:51:30.123+02', '13:51:30+02',
  ARRAY['(1,2)'::point,NULL], '{a.b,NULL,c}', ARRAY['POINT(1 2)'::geometry, NULL, 'SRID=4326;LINESTRING(0 0,1 1)'::geometry], '{Ab,NULL}',
  '{13:51:30.123+02,NULL,24:00:00+00}', '{"2020-04-01 13:51:02+02",NULL,infinity,-infinity,"0001-01-01 00:00:00+00 BC"}', '{"2020-04-01 13:51:02.5+02"}',
  '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,NULL}', ARRAY['{"a": 1}'::json, NULL], ARRAY['{"a":  1}'::jsonb], '{10.0.0.1,::1/128,NULL}', '{10.0.0.0/8}', '{08:00:2b:01:02:03}', '{08:00:2b:01:02:03:04:05}',
  '{"[1,5)",empty,NULL}', '{a,NULL,abc}', ARRAY['<a/>'::xml], '{0,4294967295}', ARRAY['a b'::tsvector], DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT);
INSERT INTO t VALUES (2, '(-1.5,1e300)', '', '', 'POINT Z(1 2 3)', 'SRID=4326;LINESTRING(0 0,1 1)', '08:00:2b:ff:fe:01:02:03', '', '00:00:00+00', '23:59:59.999-14', '24:00:00-10',
  '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '(0,0)', 'x', 'y', 'POINT(1 1)', '00:00:00+00');
INSERT INTO t (id) VALUES (3);
INSERT INTO t (id, p, g, gg, tz) VALUES (4, '(NaN,Infinity)', 'POLYGON((0 0,1 0,1 1,0 0))', 'SRID=4326;POINT(-71.06 42.36)', '12:00:00.5+05:30');
INSERT INTO nn VALUES (1, '(1,2)', 'a', 'b', 'POINT(1 2)', 'POINT(1 2)', '08:00:2b:01:02:03:04:05', '12:00+01', '{a}', ARRAY['POINT(1 2)'::geometry], '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}');
DELETE FROM nn WHERE id = 1;
