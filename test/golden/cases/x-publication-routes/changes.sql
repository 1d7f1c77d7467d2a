INSERT INTO s.t VALUES (1, 1), (2, 200);
INSERT INTO s.p VALUES (1, 'one'), (11, 'eleven');
INSERT INTO public.u VALUES (1);
UPDATE s.p SET w = 'x';
DELETE FROM s.t;
