-- case: temporal types in another time.precision.mode: date, time(p), timetz, timestamp(p), timestamptz, arrays, defaults, infinity, BC, NOT NULL fallbacks
CREATE TABLE public.t (
  id     int PRIMARY KEY,
  d      date,
  t0     time(0),
  t3     time(3),
  t6     time(6),
  tz     timetz,
  ts0    timestamp(0),
  ts3    timestamp(3),
  ts6    timestamp(6),
  tstz   timestamptz,
  iv     interval,
  ad     date[],
  atm    time[],
  ats    timestamp[],
  ats3   timestamp(3)[],
  ddef   date DEFAULT '2020-02-02',
  tdef   time DEFAULT '12:00:00.25',
  tsdef  timestamp DEFAULT '2020-01-01 10:00:00.5',
  tsnow  timestamp DEFAULT now(),
  dnow   date DEFAULT CURRENT_DATE,
  tnow   time DEFAULT LOCALTIME
);
CREATE TABLE public.nn (
  id int PRIMARY KEY, d date NOT NULL, t time NOT NULL, t3 time(3) NOT NULL, ts timestamp NOT NULL, ts3 timestamp(3) NOT NULL,
  tz timetz NOT NULL, tstz timestamptz NOT NULL, ad date[] NOT NULL
);
