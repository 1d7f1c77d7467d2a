INSERT INTO m VALUES (1, 'a', 5, 'x'), (2, 'b', 6, 'y');
INSERT INTO n VALUES (1, 'a', 7);
UPDATE m SET qty = 50;
UPDATE m SET id = id + 10;
UPDATE n SET qty = 70;
DELETE FROM m;
DELETE FROM n;
