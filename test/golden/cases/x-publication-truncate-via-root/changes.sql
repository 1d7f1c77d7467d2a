INSERT INTO meas VALUES (1, 'eu', 1), (2, 'us', 2);
TRUNCATE meas_us;
INSERT INTO plain VALUES (1);
TRUNCATE meas, plain;
INSERT INTO meas VALUES (3, 'us', 3);
