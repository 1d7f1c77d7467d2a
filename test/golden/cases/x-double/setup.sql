-- case: decimal.handling.mode=double: numeric(p,s), numeric, money, numeric[], NaN/Infinity, defaults, NOT NULL fallbacks
CREATE TABLE public.t (id int PRIMARY KEY, n52 numeric(5,2), nv numeric, m money, an numeric(6,3)[], anv numeric[], nd numeric(10,2) DEFAULT 1.5, md money DEFAULT 2);
CREATE TABLE public.nn (id int PRIMARY KEY, n numeric(5,2) NOT NULL, nv numeric NOT NULL, m money NOT NULL, an numeric[] NOT NULL);
