/*-------------------------------------------------------------------------
 *
 * dbzvalue.c
 *	  Debezium's JSON value forms that depend only on a value and the modes
 *
 * Temporal values arrive as epoch days or epoch microseconds (proleptic
 * Gregorian, UTC), decimals as plain decimal text, binary data as bytes.
 * The odd numbers written for infinite dates and timestamps are the ones
 * real Debezium 3.6.3 writes (debezium-golden findings, item 7).
 *
 * IDENTIFICATION
 *	  common/dbzvalue.c
 *
 *-------------------------------------------------------------------------
 */
#ifdef FRONTEND
#include "postgres_fe.h"
#else
#include "postgres.h"
#endif

#include <math.h>

#include "common/dbzvalue.h"
#include "common/encode.h"
#include "common/json.h"

#define US_PER_DAY INT64CONST(86400000000)
#define US_PER_SEC INT64CONST(1000000)
/* 2000-01-01 (PostgreSQL's epoch) in Unix epoch days */
#define PG_EPOCH_UNIX_DAYS 10957

/* Floor division and modulo for negative epoch values. */
static inline int64
floor_div(int64 a, int64 b)
{
	int64		q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/*
 * Civil date of a day count since 1970-01-01 (proleptic Gregorian,
 * astronomical years: 1 BC is year 0).
 */
static void
civil_from_days(int64 days, int64 *year, int *month, int *day)
{
	int64		z = days + 719468;
	int64		era = floor_div(z, 146097);
	int64		doe = z - era * 146097;
	int64		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64		mp = (5 * doy + 2) / 153;

	*day = (int) (doy - (153 * mp + 2) / 5 + 1);
	*month = (int) (mp < 10 ? mp + 3 : mp - 9);
	*year = yoe + era * 400 + (*month <= 2);
}

/* Java's ISO year: 4 digits at least, '+' above 9999, '-' at or below 0. */
static void
append_iso_year(StringInfo out, int64 year)
{
	if (year > 9999)
		appendStringInfo(out, "+" INT64_FORMAT, year);
	else if (year < 0)
		appendStringInfo(out, "-%04lld", (long long) -year);
	else
		appendStringInfo(out, "%04d", (int) year);
}

static void
append_iso_date(StringInfo out, int64 epoch_days)
{
	int64		year;
	int			month;
	int			day;

	civil_from_days(epoch_days, &year, &month, &day);
	append_iso_year(out, year);
	appendStringInfo(out, "-%02d-%02d", month, day);
}

/*
 * HH:MM:SS, then the fraction: exactly "width" digits when width > 0;
 * with width 0, Java's ISO formatters' rule (omitted when zero, otherwise
 * the fraction without trailing zeros).
 */
static void
append_iso_time(StringInfo out, int64 us_of_day, int width)
{
	int64		secs = us_of_day / US_PER_SEC;
	int			frac = (int) (us_of_day % US_PER_SEC);
	char		digits[8];

	appendStringInfo(out, "%02d:%02d:%02d", (int) (secs / 3600),
					 (int) (secs / 60 % 60), (int) (secs % 60));
	snprintf(digits, sizeof(digits), "%06d", frac);
	if (width > 0)
	{
		/* PostgreSQL keeps at most 6 fractional digits */
		appendStringInfoChar(out, '.');
		appendBinaryStringInfo(out, digits, Min(width, 6));
	}
	else if (frac != 0)
	{
		int			n = 6;

		while (digits[n - 1] == '0')
			n--;
		appendStringInfoChar(out, '.');
		appendBinaryStringInfo(out, digits, n);
	}
}

/* yyyy-MM-ddTHH:mm:ss[.f]Z of a PostgreSQL timestamp (UTC). */
static void
append_iso_timestamp(StringInfo out, int64 pg_us, int width)
{
	int64		days = floor_div(pg_us, US_PER_DAY);

	append_iso_date(out, days + PG_EPOCH_UNIX_DAYS);
	appendStringInfoChar(out, 'T');
	append_iso_time(out, pg_us - days * US_PER_DAY, width);
	appendStringInfoChar(out, 'Z');
}

void
dbzvalue_append_date(StringInfo out, int32 epoch_days, const DbzModes *modes)
{
	/* Debezium's encodings of infinity: LocalDate sentinels, as it writes */
	if (epoch_days == DBZ_EPOCH_DAYS_POS_INF)
		epoch_days = -2147472692;
	else if (epoch_days == DBZ_EPOCH_DAYS_NEG_INF)
		epoch_days = -2147472691;

	if (modes->time == DBZ_TIME_ISOSTRING)
	{
		appendStringInfoChar(out, '"');
		append_iso_date(out, epoch_days);
		appendStringInfoString(out, "Z\"");
	}
	else
		json_append_int64(out, epoch_days);
}

void
dbzvalue_append_time(StringInfo out, int64 us, const DbzType *type,
					 const DbzModes *modes)
{
	switch (modes->time)
	{
		case DBZ_TIME_CONNECT:
			json_append_int64(out, us / 1000);
			break;
		case DBZ_TIME_ISOSTRING:
			appendStringInfoChar(out, '"');
			append_iso_time(out, us % US_PER_DAY, 0);
			appendStringInfoString(out, "Z\"");
			break;
		case DBZ_TIME_NANOSECONDS:
			json_append_int64(out, us * 1000);
			break;
		case DBZ_TIME_ADAPTIVE:
			if (type->scale <= 3)
			{
				json_append_int64(out, us / 1000);
				break;
			}
			/* FALLTHROUGH */
		default:
			json_append_int64(out, us);
			break;
	}
}

/*
 * timestamp: epoch milliseconds, microseconds or nanoseconds by mode and
 * precision.  Epoch microseconds beyond int64 (PostgreSQL's last years)
 * saturate; Debezium wraps them around (a defect walcast does not copy).
 */
void
dbzvalue_append_timestamp(StringInfo out, int64 pg_us, const DbzType *type,
						  const DbzModes *modes)
{
	bool		pinf = pg_us == DBZ_TS_POS_INF;
	bool		ninf = pg_us == DBZ_TS_NEG_INF;
	int64		shift = PG_EPOCH_UNIX_DAYS * US_PER_DAY;
	int64		epoch_us;
	bool		milli;

	if (modes->time == DBZ_TIME_NANOSECONDS)
	{
		if (pinf || ninf)
			json_append_int64(out, pinf ? PG_INT64_MAX : PG_INT64_MIN);
		else if (pg_us > PG_INT64_MAX / 1000 - shift ||
				 pg_us < PG_INT64_MIN / 1000 - shift)
			appendStringInfoString(out, "null");
		else
			json_append_int64(out, (pg_us + shift) * 1000);
		return;
	}
	if (modes->time == DBZ_TIME_ISOSTRING)
	{
		appendStringInfoChar(out, '"');
		/* Debezium's infinity: LocalDateTime sentinels shifted by the JVM */
		if (pinf)
			appendStringInfoString(out, "+294247-01-10T04:00:25.2Z");
		else if (ninf)
			appendStringInfoString(out, "-290308-12-21T19:59:27.6Z");
		else
			append_iso_timestamp(out, pg_us, 0);
		appendStringInfoChar(out, '"');
		return;
	}
	milli = modes->time == DBZ_TIME_CONNECT ||
		(modes->time != DBZ_TIME_MICROSECONDS && type->scale <= 3);
	if (pinf)
		epoch_us = INT64CONST(9223372036825200000);
	else if (ninf)
		epoch_us = INT64CONST(-9223372036832400000);
	else if (milli)
	{
		json_append_int64(out, floor_div(pg_us, 1000) + shift / 1000);
		return;
	}
	else if (pg_us > PG_INT64_MAX - shift)
		epoch_us = PG_INT64_MAX;
	else
		epoch_us = pg_us + shift;
	json_append_int64(out, milli ? floor_div(epoch_us, 1000) : epoch_us);
}

void
dbzvalue_append_timestamptz(StringInfo out, int64 pg_us, int precision)
{
	if (pg_us == DBZ_TS_POS_INF)
		appendStringInfoString(out, "\"infinity\"");
	else if (pg_us == DBZ_TS_NEG_INF)
		appendStringInfoString(out, "\"-infinity\"");
	else
	{
		appendStringInfoChar(out, '"');
		append_iso_timestamp(out, pg_us, precision);
		appendStringInfoChar(out, '"');
	}
}

/*
 * timetz: local time of day and PostgreSQL's zone (seconds west of UTC),
 * written in UTC with Java's ISO_OFFSET_TIME (trailing zeros stripped).
 */
void
dbzvalue_append_timetz(StringInfo out, int64 us, int32 zone_secs)
{
	int64		utc = us + (int64) zone_secs * US_PER_SEC;

	utc -= floor_div(utc, US_PER_DAY) * US_PER_DAY;
	appendStringInfoChar(out, '"');
	append_iso_time(out, utc, 0);
	appendStringInfoString(out, "Z\"");
}

/* BigDecimal(seconds).stripTrailingZeros().toPlainString() of microseconds */
static void
append_plain_seconds(StringInfo out, int64 us)
{
	uint64		u = us < 0 ? -(uint64) us : (uint64) us;
	char		frac[8];
	int			n = 6;

	if (us < 0)
		appendStringInfoChar(out, '-');
	appendStringInfo(out, UINT64_FORMAT, u / 1000000);
	snprintf(frac, sizeof(frac), "%06d", (int) (u % 1000000));
	while (n > 0 && frac[n - 1] == '0')
		n--;
	if (n > 0)
	{
		appendStringInfoChar(out, '.');
		appendBinaryStringInfo(out, frac, n);
	}
}

/*
 * interval: Debezium's MicroDuration is computed in doubles from the fields
 * pgjdbc's PGInterval parses (years, months, days, hours, minutes,
 * fractional seconds), a month counting 30.4375 days; the string mode is
 * ISO 8601 with every field present.
 */
void
dbzvalue_append_interval(StringInfo out, int32 months, int32 days, int64 us,
						 const DbzModes *modes)
{
	int64		hours = us / INT64CONST(3600000000);
	int64		rest = us % INT64CONST(3600000000);
	int64		minutes = rest / INT64CONST(60000000);
	int64		sec_us = rest % INT64CONST(60000000);

	if (modes->interval == DBZ_INTERVAL_STRING)
	{
		appendStringInfo(out, "\"P%dY%dM%dDT" INT64_FORMAT "H" INT64_FORMAT "M",
						 months / 12, months % 12, days, hours, minutes);
		append_plain_seconds(out, sec_us);
		appendStringInfoString(out, "S\"");
	}
	else
	{
		double		d = (double) months * 30.4375 + days;
		double		secs = ((d * 24 + hours) * 60 + minutes) * 60 +
			(double) sec_us / 1e6;
		double		micros = secs * 1e6;

		/* Java's (long) cast saturates */
		if (micros >= 9.2233720368547758e18)
			json_append_int64(out, PG_INT64_MAX);
		else if (micros <= -9.2233720368547758e18)
			json_append_int64(out, PG_INT64_MIN);
		else
			json_append_int64(out, (int64) micros);
	}
}

void
dbzvalue_append_binary(StringInfo out, const unsigned char *data, size_t len,
					   const DbzModes *modes)
{
	appendStringInfoChar(out, '"');
	if (modes->binary == DBZ_BINARY_HEX)
		encode_hex(out, data, len);
	else
		encode_base64(out, data, len,
					  modes->binary == DBZ_BINARY_BASE64_URL_SAFE);
	appendStringInfoChar(out, '"');
}

/*
 * A decimal from its plain text (numeric_out's form, or NaN/Infinity).
 * Returns false when Debezium writes null: NaN and infinities in precise
 * mode, which real Debezium turns into null with a warning.
 */
bool
dbzvalue_append_decimal(StringInfo out, const char *text, const DbzType *type,
						const DbzModes *modes)
{
	bool		special = !(isdigit((unsigned char) text[0]) ||
							(text[0] == '-' && isdigit((unsigned char) text[1])));

	if (modes->decimal == DBZ_DECIMAL_DOUBLE)
	{
		json_append_double(out, strtod(text, NULL));
		return true;
	}
	if (modes->decimal == DBZ_DECIMAL_STRING)
	{
		if (special)
		{
			if (strcmp(text, "NaN") == 0)
				appendStringInfoString(out, "\"NAN\"");
			else if (text[0] == '-')
				appendStringInfoString(out, "\"NEGATIVE_INFINITY\"");
			else
				appendStringInfoString(out, "\"POSITIVE_INFINITY\"");
		}
		else
			json_append_cstring(out, text);
		return true;
	}
	if (special)
		return false;
	if (type->kind == DBZ_VARDECIMAL)
	{
		StringInfoData bytes;
		int			scale;

		initStringInfo(&bytes);
		encode_decimal_bytes(&bytes, text, -1, &scale);
		appendStringInfo(out, "{\"scale\":%d,\"value\":\"", scale);
		encode_base64(out, (unsigned char *) bytes.data, bytes.len, false);
		appendStringInfoString(out, "\"}");
		pfree(bytes.data);
	}
	else
	{
		StringInfoData bytes;
		int			scale = type->kind == DBZ_MONEY ?
			modes->money_fraction_digits : type->scale;

		initStringInfo(&bytes);
		encode_decimal_bytes(&bytes, text, scale, NULL);
		appendStringInfoChar(out, '"');
		encode_base64(out, (unsigned char *) bytes.data, bytes.len, false);
		appendStringInfoChar(out, '"');
		pfree(bytes.data);
	}
	return true;
}

/*
 * The value Debezium writes for a NOT NULL column whose value it does not
 * have (the old row of a delete under REPLICA IDENTITY DEFAULT) and that
 * has no column default.
 */
void
dbzvalue_append_fallback(StringInfo out, const DbzType *type,
						 const DbzModes *modes)
{
	bool		iso = modes->time == DBZ_TIME_ISOSTRING;

	switch (type->kind)
	{
		case DBZ_BOOL:
			appendStringInfoString(out, "false");
			break;
		case DBZ_INT16:
		case DBZ_INT32:
		case DBZ_INT64:
			appendStringInfoChar(out, '0');
			break;
		case DBZ_FLOAT32:
		case DBZ_FLOAT64:
			appendStringInfoString(out, "0.0");
			break;
		case DBZ_DECIMAL:
		case DBZ_MONEY:
		case DBZ_VARDECIMAL:
			if (modes->decimal == DBZ_DECIMAL_DOUBLE)
				appendStringInfoString(out, "0.0");
			else if (modes->decimal == DBZ_DECIMAL_STRING)
				appendStringInfoString(out, "\"0\"");
			else if (type->kind == DBZ_VARDECIMAL)
				appendStringInfoString(out, "{\"scale\":0,\"value\":\"AA==\"}");
			else
				appendStringInfoString(out, "\"AA==\"");
			break;
		case DBZ_DATE:
			appendStringInfoString(out, iso ? "\"1970-01-01Z\"" : "0");
			break;
		case DBZ_TIME:
			appendStringInfoString(out, iso ? "\"00:00:00Z\"" : "0");
			break;
		case DBZ_TIMESTAMP:
			appendStringInfoString(out, iso ? "\"1970-01-01T00:00:00Z\"" : "0");
			break;
		case DBZ_INTERVAL:
			if (modes->interval == DBZ_INTERVAL_STRING)
				appendStringInfoString(out, "\"P0Y0M0DT0H0M0S\"");
			else
				appendStringInfoChar(out, '0');
			break;
		case DBZ_TIMETZ:
			appendStringInfoString(out, "\"00:00:00Z\"");
			break;
		case DBZ_TIMESTAMPTZ:
			appendStringInfoString(out, "\"1970-01-01T00:00:00Z\"");
			break;
		default:
			/* strings and bytes: empty */
			appendStringInfoString(out, "\"\"");
			break;
	}
}

/*
 * The value Debezium writes for an unchanged TOASTed column
 * (unavailable.value.placeholder): the placeholder as text, or its bytes
 * encoded as the binary mode asks.
 */
void
dbzvalue_append_placeholder(StringInfo out, const DbzType *type,
							const DbzModes *modes)
{
	if ((type->kind == DBZ_BYTES || type->kind == DBZ_UNKNOWN) &&
		modes->binary != DBZ_BINARY_HEX)
		dbzvalue_append_binary(out, (const unsigned char *) modes->placeholder,
							   strlen(modes->placeholder), modes);
	else
		json_append_cstring(out, modes->placeholder);
}
