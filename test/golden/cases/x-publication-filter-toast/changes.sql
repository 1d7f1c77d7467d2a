INSERT INTO docs VALUES (1, -1, repeat('0123456789', 500));
UPDATE docs SET n = 1 WHERE id = 1;
UPDATE docs SET n = 2 WHERE id = 1;
UPDATE docs SET n = -2 WHERE id = 1;
UPDATE docs SET n = 3, big = 'small' WHERE id = 1;
DELETE FROM docs;
