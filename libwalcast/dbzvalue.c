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
 *	  libwalcast/dbzvalue.c
 *
 *-------------------------------------------------------------------------
 */
#ifdef FRONTEND
#include "postgres_fe.h"
#else
#include "postgres.h"
#endif

#include <math.h>

#include "libwalcast/dbzvalue.h"
#include "libwalcast/encode.h"
#include "libwalcast/json.h"
#include "common/md5.h"

#define US_PER_DAY INT64CONST(86400000000)
#define US_PER_SEC INT64CONST(1000000)

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

/*
 * Write v (>= 0) as exactly "width" decimal digits, zero-padded, into buf.
 * Temporal text is written once per value, so no printf here.
 */
static inline void
put_digits(char *buf, int64 v, int width)
{
	for (int i = width - 1; i >= 0; i--)
	{
		buf[i] = '0' + (char) (v % 10);
		v /= 10;
	}
}

/* Java's ISO year: 4 digits at least, '+' above 9999, '-' at or below 0. */
static void
append_iso_year(StringInfo out, int64 year)
{
	char		buf[4];

	if (year > 9999)
	{
		appendStringInfoChar(out, '+');
		json_append_int64(out, year);
	}
	else if (year < 0)
	{
		appendStringInfoChar(out, '-');
		if (-year > 9999)
			json_append_int64(out, -year);
		else
		{
			put_digits(buf, -year, 4);
			appendBinaryStringInfo(out, buf, 4);
		}
	}
	else
	{
		put_digits(buf, year, 4);
		appendBinaryStringInfo(out, buf, 4);
	}
}

static void
append_iso_date(StringInfo out, int64 epoch_days)
{
	int64		year;
	int			month;
	int			day;
	char		buf[6];

	civil_from_days(epoch_days, &year, &month, &day);
	append_iso_year(out, year);
	buf[0] = '-';
	put_digits(buf + 1, month, 2);
	buf[3] = '-';
	put_digits(buf + 4, day, 2);
	appendBinaryStringInfo(out, buf, 6);
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
	char		hms[8];
	char		digits[7];

	put_digits(hms, secs / 3600, 2);
	hms[2] = ':';
	put_digits(hms + 3, secs / 60 % 60, 2);
	hms[5] = ':';
	put_digits(hms + 6, secs % 60, 2);
	appendBinaryStringInfo(out, hms, 8);
	digits[0] = '.';
	put_digits(digits + 1, frac, 6);
	if (width > 0)
	{
		/* PostgreSQL keeps at most 6 fractional digits */
		appendBinaryStringInfo(out, digits, 1 + Min(width, 6));
	}
	else if (frac != 0)
	{
		int			n = 6;

		while (digits[n] == '0')
			n--;
		appendBinaryStringInfo(out, digits, 1 + n);
	}
}

/* yyyy-MM-ddTHH:mm:ss[.f]Z of a PostgreSQL timestamp (UTC). */
static void
append_iso_timestamp(StringInfo out, int64 pg_us, int width)
{
	int64		days = floor_div(pg_us, US_PER_DAY);

	append_iso_date(out, days + DBZ_PG_EPOCH_UNIX_DAYS);
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
 * Has a timestamp a value in this time.precision.mode?  Only nanoseconds
 * has a range (int64 epoch nanoseconds: 1677-09-21 to 2262-04-11); beyond
 * it the value is written as null.  Infinities have their sentinels.
 */
bool
dbzvalue_timestamp_fits(int64 pg_us, const DbzModes *modes)
{
	int64		shift = DBZ_PG_EPOCH_UNIX_US;

	if (modes->time != DBZ_TIME_NANOSECONDS ||
		pg_us == DBZ_TS_POS_INF || pg_us == DBZ_TS_NEG_INF)
		return true;
	return pg_us <= PG_INT64_MAX / 1000 - shift &&
		pg_us >= PG_INT64_MIN / 1000 - shift;
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
	int64		shift = DBZ_PG_EPOCH_UNIX_US;
	int64		epoch_us;
	bool		milli;

	if (modes->time == DBZ_TIME_NANOSECONDS)
	{
		if (pinf || ninf)
			json_append_int64(out, pinf ? PG_INT64_MAX : PG_INT64_MIN);
		else if (!dbzvalue_timestamp_fits(pg_us, modes))
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

size_t
dbzvalue_binary_length(size_t len, const DbzModes *modes)
{
	/* quoted hex, or quoted padded base64 */
	return 2 + (modes->binary == DBZ_BINARY_HEX ? 2 * len : (len + 2) / 3 * 4);
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
 * A precise-mode decimal from its unscaled value, already in
 * BigInteger.toByteArray() form (big-endian two's complement, minimal):
 * a Decimal is its Base64, a VariableScaleDecimal the {scale, value}
 * struct.  Lets callers that can read a number's binary form skip the
 * decimal text.
 */
void
dbzvalue_append_decimal_unscaled(StringInfo out, const unsigned char *twos,
								 size_t len, int scale, const DbzType *type)
{
	if (type->kind == DBZ_VARDECIMAL)
		appendStringInfo(out, "{\"scale\":%d,\"value\":\"", scale);
	else
		appendStringInfoChar(out, '"');
	encode_base64(out, twos, len, false);
	appendStringInfoString(out, type->kind == DBZ_VARDECIMAL ? "\"}" : "\"");
}

/*
 * io.debezium.data.Bits from PostgreSQL's bit layout (nbits bits, the
 * first one in the high bit of bits[0]).  Debezium reads the bit string as
 * a binary number and writes java.util.BitSet.toByteArray(): little-endian
 * bytes up to the highest set bit, no bytes at all for zero.  Always Base64
 * (the schema is bytes whatever binary.handling.mode says).
 */
void
dbzvalue_append_bits(StringInfo out, const unsigned char *bits, int nbits)
{
	unsigned char stackbuf[64];
	int			nbytes = (nbits + 7) / 8;
	unsigned char *le = nbytes <= (int) sizeof(stackbuf) ? stackbuf : palloc(nbytes);
	int			used = 0;

	memset(le, 0, nbytes);
	for (int i = 0; i < nbits; i++)
	{
		if (bits[i / 8] & (0x80 >> (i % 8)))
		{
			int			k = nbits - 1 - i;	/* weight of this bit */

			le[k / 8] |= 1 << (k % 8);
			if (k / 8 + 1 > used)
				used = k / 8 + 1;
		}
	}
	appendStringInfoChar(out, '"');
	encode_base64(out, le, used, false);
	appendStringInfoChar(out, '"');
	if (le != stackbuf)
		pfree(le);
}

/*
 * A JSON string as Jackson's String-based generator writes it
 * (ObjectMapper.writeValueAsString): like json_append_string, but
 * characters outside the BMP stay raw UTF-8, since only the byte-based
 * generator that serializes the record escapes them.
 */
static void
append_inner_string(StringInfo out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";

	appendStringInfoChar(out, '"');
	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		switch (c)
		{
			case '"':
				appendStringInfoString(out, "\\\"");
				break;
			case '\\':
				appendStringInfoString(out, "\\\\");
				break;
			case '\b':
				appendStringInfoString(out, "\\b");
				break;
			case '\t':
				appendStringInfoString(out, "\\t");
				break;
			case '\n':
				appendStringInfoString(out, "\\n");
				break;
			case '\f':
				appendStringInfoString(out, "\\f");
				break;
			case '\r':
				appendStringInfoString(out, "\\r");
				break;
			default:
				if (c < 0x20)
				{
					appendStringInfoString(out, "\\u00");
					appendStringInfoChar(out, hex[c >> 4]);
					appendStringInfoChar(out, hex[c & 0xF]);
				}
				else
					appendStringInfoChar(out, (char) c);
		}
	}
	appendStringInfoChar(out, '"');
}

/*
 * hstore, from its pairs in the order the hstore's text lists them (a NULL
 * value has vals[i] == NULL).  Debezium builds a java.util.HashMap from the
 * text and writes it in HashMap order: as a map, or (json mode) as the JSON
 * text of the map, compact, inside a string.
 */
void
dbzvalue_append_hstore(StringInfo out, const char *const *keys,
					   const size_t *keylens, const char *const *vals,
					   const size_t *vallens, int n, const DbzModes *modes)
{
	int			stackorder[32];
	int		   *order = n <= 32 ? stackorder : palloc(sizeof(int) * n);
	StringInfoData inner;
	StringInfo	obj = out;
	bool		first = true;

	encode_java_hashmap_order(keys, keylens, n, order);
	if (modes->hstore == DBZ_HSTORE_JSON)
	{
		initStringInfo(&inner);
		obj = &inner;
	}
	appendStringInfoChar(obj, '{');
	for (int i = 0; i < n; i++)
	{
		int			k = order[i];

		if (k < 0)
			continue;
		if (!first)
			appendStringInfoChar(obj, ',');
		first = false;
		if (obj == out)
			json_append_string(obj, keys[k], keylens[k]);
		else
			append_inner_string(obj, keys[k], keylens[k]);
		appendStringInfoChar(obj, ':');
		if (vals[k] == NULL)
			appendStringInfoString(obj, "null");
		else if (obj == out)
			json_append_string(obj, vals[k], vallens[k]);
		else
			append_inner_string(obj, vals[k], vallens[k]);
	}
	appendStringInfoChar(obj, '}');
	if (obj != out)
	{
		json_append_string(out, inner.data, inner.len);
		pfree(inner.data);
	}
	if (order != stackorder)
		pfree(order);
}

/* Append a little-endian IEEE double. */
static void
append_le_double(unsigned char *p, double v)
{
	uint64		u;

	memcpy(&u, &v, sizeof(u));
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char) (u >> (8 * i));
}

/*
 * io.debezium.data.geometry.Point: x, y, the 21-byte little-endian WKB of
 * the point, and no SRID.
 */
void
dbzvalue_append_point(StringInfo out, double x, double y)
{
	unsigned char wkb[21] = {0x01, 0x01, 0x00, 0x00, 0x00};

	append_le_double(wkb + 5, x);
	append_le_double(wkb + 13, y);
	appendStringInfoString(out, "{\"x\":");
	json_append_double(out, x);
	appendStringInfoString(out, ",\"y\":");
	json_append_double(out, y);
	appendStringInfoString(out, ",\"wkb\":\"");
	encode_base64(out, wkb, sizeof(wkb), false);
	appendStringInfoString(out, "\",\"srid\":null}");
}

/*
 * PostGIS geometry/geography from its EWKB: Debezium keeps the EWKB as it
 * is, SRID included (debezium-golden findings, item 9), and also writes
 * the SRID, or null when the EWKB has none.
 */
void
dbzvalue_append_geometry(StringInfo out, const unsigned char *ewkb, size_t len)
{
	appendStringInfoString(out, "{\"wkb\":\"");
	encode_base64(out, ewkb, len, false);
	appendStringInfoString(out, "\",\"srid\":");
	if (len >= 9)
	{
		bool		le = ewkb[0] == 1;
		uint32		type;
		uint32		srid;

		type = le ? (ewkb[1] | ewkb[2] << 8 | ewkb[3] << 16 | (uint32) ewkb[4] << 24) :
			((uint32) ewkb[1] << 24 | ewkb[2] << 16 | ewkb[3] << 8 | ewkb[4]);
		srid = le ? (ewkb[5] | ewkb[6] << 8 | ewkb[7] << 16 | (uint32) ewkb[8] << 24) :
			((uint32) ewkb[5] << 24 | ewkb[6] << 16 | ewkb[7] << 8 | ewkb[8]);
		if (type & 0x20000000)
		{
			appendStringInfo(out, "%d}", (int32) srid);
			return;
		}
	}
	appendStringInfoString(out, "null}");
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

	if (type->always_null)
	{
		appendStringInfoString(out, "null");
		return;
	}
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
		case DBZ_HSTORE:
			appendStringInfoString(out, modes->hstore == DBZ_HSTORE_MAP ? "{}" : "\"{}\"");
			break;
		case DBZ_POINT:
			dbzvalue_append_point(out, 0.0, 0.0);
			break;
		case DBZ_GEOMETRY:
		case DBZ_GEOGRAPHY:
			/* an empty GEOMETRYCOLLECTION */
			appendStringInfoString(out, "{\"wkb\":\"AQcAAAAAAAAA\",\"srid\":null}");
			break;
		case DBZ_ARRAY:
		case DBZ_DOUBLEVECTOR:
		case DBZ_FLOATVECTOR:
			appendStringInfoString(out, "[]");
			break;
		case DBZ_SPARSEVECTOR:
			appendStringInfoString(out, "null");
			break;
		default:
			/* strings and bytes: empty */
			appendStringInfoString(out, "\"\"");
			break;
	}
}

/* Java's UUID.nameUUIDFromBytes(): an MD5 (version 3) UUID. */
static void
append_name_uuid(StringInfo out, const char *bytes, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[16];
	const char *errstr = NULL;

	if (!pg_md5_binary(bytes, len, md, &errstr))
		memset(md, 0, sizeof(md));
	md[6] = (md[6] & 0x0f) | 0x30;
	md[8] = (md[8] & 0x3f) | 0x80;
	appendStringInfoChar(out, '"');
	for (int i = 0; i < 16; i++)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			appendStringInfoChar(out, '-');
		appendStringInfoChar(out, hex[md[i] >> 4]);
		appendStringInfoChar(out, hex[md[i] & 0xF]);
	}
	appendStringInfoChar(out, '"');
}

/*
 * The value Debezium writes for an unchanged TOASTed column
 * (unavailable.value.placeholder), in the form its type calls for
 * (DbzToast): the placeholder as text, its bytes encoded as the binary mode
 * asks, one-element arrays, the bytes as signed integers, and so on.
 */
void
dbzvalue_append_placeholder(StringInfo out, const DbzType *type,
							const DbzModes *modes)
{
	const char *ph = modes->placeholder;
	size_t		len = strlen(ph);

	switch (type->toast)
	{
		case DBZ_TOAST_STRING:
			json_append_cstring(out, ph);
			break;
		case DBZ_TOAST_BYTES:
			if (modes->binary == DBZ_BINARY_HEX)
				json_append_cstring(out, ph);
			else
				dbzvalue_append_binary(out, (const unsigned char *) ph, len,
									   modes);
			break;
		case DBZ_TOAST_NULL:
			appendStringInfoString(out, "null");
			break;
		case DBZ_TOAST_TEXT_ARRAY:
			appendStringInfoChar(out, '[');
			json_append_cstring(out, ph);
			appendStringInfoChar(out, ']');
			break;
		case DBZ_TOAST_BYTES_ARRAY:
			/* other binary modes: Debezium's converter fails, null */
			if (modes->binary != DBZ_BINARY_BYTES)
			{
				appendStringInfoString(out, "null");
				break;
			}
			appendStringInfoChar(out, '[');
			dbzvalue_append_binary(out, (const unsigned char *) ph, len, modes);
			appendStringInfoChar(out, ']');
			break;
		case DBZ_TOAST_INT_ARRAY:
			appendStringInfoChar(out, '[');
			for (size_t i = 0; i < len; i++)
			{
				if (i > 0)
					appendStringInfoChar(out, ',');
				/* Java bytes are signed */
				json_append_int64(out, (int8) ph[i]);
			}
			appendStringInfoChar(out, ']');
			break;
		case DBZ_TOAST_UUID_ARRAY:
			appendStringInfoChar(out, '[');
			append_name_uuid(out, ph, len);
			appendStringInfoChar(out, ']');
			break;
		case DBZ_TOAST_HSTORE:
			{
				const char *k[1] = {ph};
				size_t		l[1] = {len};

				dbzvalue_append_hstore(out, k, l, k, l, 1, modes);
				break;
			}
	}
}
