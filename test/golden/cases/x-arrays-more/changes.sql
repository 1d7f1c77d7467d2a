INSERT INTO t VALUES (1, 5, 12.5, 'x', '{1,2}', '{1,NULL}', '{1.5,NULL}', '{sad,happy}', '{1.5,NaN}', '{1,Infinity}', ARRAY['\x00ff'::bytea], '{2020-01-01,infinity,-infinity}', '{13:51:30.123456,24:00:00}', '{13:51:30.123}', '{1 day}', '{101}', '{101,010}', '{1,0}', '{a,b}', '{a,b}', '{[1,3)}', DEFAULT, DEFAULT);
INSERT INTO t VALUES (2, NULL, NULL, '', NULL, NULL, NULL, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', NULL, NULL);
INSERT INTO t VALUES (3, 1, -0.01, 'y', '{{1,2},{3,4}}', '{}', '{}', '{{sad},{ok}}', '{{1.5},{2}}', '{{1},{2}}', '{{"\\x01"},{"\\x02"}}', '{{2020-01-01},{2020-01-02}}', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{}', '{1,NULL}');
DELETE FROM t WHERE id = 3;
