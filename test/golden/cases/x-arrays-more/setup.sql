-- case: arrays of the remaining element types, enum[]/numeric[] with special values, domain arrays, NOT NULL array fallbacks, array defaults
CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN public.posint AS int CHECK (VALUE > 0);
CREATE DOMAIN public.money2 AS numeric(8,2);
CREATE DOMAIN public.nntext AS text NOT NULL;
CREATE DOMAIN public.intarr AS int[];
CREATE TABLE public.t (
  id int PRIMARY KEY,
  dpos public.posint, dm public.money2, dnn public.nntext, dia public.intarr, dpa public.posint[], dma public.money2[],
  ea mood[], na numeric(5,2)[], nva numeric[], bya bytea[], da date[], ta time[], t3a time(3)[], ia interval[], vba varbit[], bita bit(3)[], b1a bit(1)[],
  ca "char"[], nma name[], mra int4multirange,
  ead mood[] DEFAULT '{ok}', iad int[] DEFAULT '{}'
);
