-- case: binary.handling.mode (hex / base64-url-safe): bytea, bytea[], bits, unknown types, unchanged TOASTed bytea and bytea[], NOT NULL fallbacks
CREATE TABLE public.t (id int PRIMARY KEY, n int, b bytea, ab bytea[], bits bit(16), vb varbit, bx box);
CREATE TABLE public.nn (id int PRIMARY KEY, b bytea NOT NULL, bits bit(16) NOT NULL, ab bytea[] NOT NULL);
