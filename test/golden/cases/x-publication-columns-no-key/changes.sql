INSERT INTO events VALUES (1, 'click', 'x'), (2, 'view', NULL);
INSERT INTO pairs VALUES (1, 2, 'p');
UPDATE events SET body = 'y';
DELETE FROM pairs;
