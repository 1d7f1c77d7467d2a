/*-------------------------------------------------------------------------
 *
 * dbzvalue.h
 *	  Debezium's JSON value forms that depend only on a value and the modes
 *
 * Dates, times, timestamps, intervals, decimals and binary data in every
 * handling mode, plus the NOT NULL fallbacks and unchanged-TOAST
 * placeholders.  Callers hand over canonical C values (epoch days, epoch
 * microseconds, decimal text), so the decoder's fast Datum paths and the
 * relay's text paths share one implementation of Debezium's rules.
 *
 * IDENTIFICATION
 *	  libwalcast/dbzvalue.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef LIBWALCAST_DBZVALUE_H
#define LIBWALCAST_DBZVALUE_H

#include "datatype/timestamp.h"

#include "libwalcast/dbzschema.h"

/*
 * PostgreSQL's epoch, 2000-01-01 00:00 UTC, in days and in microseconds
 * since the Unix epoch: the one definition of the offset for the decoder
 * and libwalcast.
 */
#define DBZ_PG_EPOCH_UNIX_DAYS (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE)
#define DBZ_PG_EPOCH_UNIX_US ((int64) DBZ_PG_EPOCH_UNIX_DAYS * USECS_PER_DAY)

/*
 * Values whose Debezium form depends only on the value and the modes.
 * Dates are days since 1970-01-01; timestamps are PostgreSQL's own form,
 * microseconds since 2000-01-01 00:00 UTC (Unix epoch microseconds would
 * overflow int64 for PostgreSQL's largest timestamps).  Infinite dates and
 * timestamps are the int32/int64 extremes, as in PostgreSQL.
 */
#define DBZ_EPOCH_DAYS_NEG_INF PG_INT32_MIN
#define DBZ_EPOCH_DAYS_POS_INF PG_INT32_MAX
#define DBZ_TS_NEG_INF PG_INT64_MIN
#define DBZ_TS_POS_INF PG_INT64_MAX

extern void dbzvalue_append_date(StringInfo out, int32 epoch_days,
								 const DbzModes *modes);
extern void dbzvalue_append_time(StringInfo out, int64 us, const DbzType *type,
								 const DbzModes *modes);
extern bool dbzvalue_timestamp_fits(int64 pg_us, const DbzModes *modes);
extern void dbzvalue_append_timestamp(StringInfo out, int64 pg_us,
									  const DbzType *type,
									  const DbzModes *modes);
extern void dbzvalue_append_timestamptz(StringInfo out, int64 pg_us,
										int precision);
extern void dbzvalue_append_timetz(StringInfo out, int64 us, int32 zone_secs);
extern void dbzvalue_append_interval(StringInfo out, int32 months, int32 days,
									 int64 us, const DbzModes *modes);
extern void dbzvalue_append_binary(StringInfo out, const unsigned char *data,
								   size_t len, const DbzModes *modes);
/* The length of what dbzvalue_append_binary() appends for len bytes. */
extern size_t dbzvalue_binary_length(size_t len, const DbzModes *modes);
extern bool dbzvalue_append_decimal(StringInfo out, const char *text,
									const DbzType *type,
									const DbzModes *modes);
extern void dbzvalue_append_decimal_unscaled(StringInfo out,
											 const unsigned char *twos,
											 size_t len, int scale,
											 const DbzType *type);
extern void dbzvalue_append_bits(StringInfo out, const unsigned char *bits,
								 int nbits);
extern void dbzvalue_append_hstore(StringInfo out, const char *const *keys,
								   const size_t *keylens,
								   const char *const *vals,
								   const size_t *vallens, int n,
								   const DbzModes *modes);
extern void dbzvalue_append_point(StringInfo out, double x, double y);
extern void dbzvalue_append_geometry(StringInfo out, const unsigned char *ewkb,
									 size_t len);
extern void dbzvalue_append_fallback(StringInfo out, const DbzType *type,
									 const DbzModes *modes);
extern void dbzvalue_append_placeholder(StringInfo out, const DbzType *type,
										const DbzModes *modes);

#endif							/* LIBWALCAST_DBZVALUE_H */
