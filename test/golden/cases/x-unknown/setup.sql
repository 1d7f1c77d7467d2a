-- case: include.unknown.datatypes=true: geometric, tsquery, pg_lsn, composite, multirange, txid_snapshot, name, name[], money[], interval[], varbit[], bit[]
CREATE TYPE public.comp AS (a int, b text);
CREATE TABLE public.t (
  id int PRIMARY KEY,
  bx box, ci circle, ln line, ls lseg, pa path, pg polygon,
  tq tsquery, lsn pg_lsn, co public.comp, mr int4multirange, ts txid_snapshot, nm name, nma name[], ma money[], ia interval[], vba varbit[], ba bit(3)[],
  rc refcursor, i2v int2vector, ov oidvector, rp regproc, rcl regclass, xid_ xid, cid_ cid, tid_ tid
);
