/*-------------------------------------------------------------------------
 *
 * json.c
 *	  JSON text as Kafka Connect's JsonConverter (Jackson) writes it
 *
 * Every event walcast writes goes through these functions, so they are
 * written for speed: runs of characters that need no escaping are copied
 * with one appendBinaryStringInfo call.
 *
 * Jackson's UTF8JsonGenerator (ObjectMapper.writeValueAsBytes) escapes '"',
 * '\\', the control characters (\b \t \n \f \r short, the others \u00XX
 * with upper-case hex) and writes characters outside the Basic Multilingual
 * Plane as a UTF-16 surrogate pair of \uXXXX escapes.  DEL, '/', U+2028 and
 * every other character are written raw.  Invalid UTF-8 cannot reach us:
 * PostgreSQL validates text in the server encoding, and walcast requires
 * UTF8 (see plugin.c).
 *
 * IDENTIFICATION
 *	  libwalcast/json.c
 *
 *-------------------------------------------------------------------------
 */
#ifdef FRONTEND
#include "postgres_fe.h"
#else
#include "postgres.h"
#endif

#include <math.h>

#include "libwalcast/encode.h"
#include "libwalcast/json.h"

static const char hexdigits[] = "0123456789ABCDEF";

/* Does this byte start something that is not copied through as it is? */
static inline bool
needs_escape(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\' || c >= 0xF0;
}

static void
append_u_escape(StringInfo out, unsigned int cu)
{
	char		buf[6];

	buf[0] = '\\';
	buf[1] = 'u';
	buf[2] = hexdigits[(cu >> 12) & 0xF];
	buf[3] = hexdigits[(cu >> 8) & 0xF];
	buf[4] = hexdigits[(cu >> 4) & 0xF];
	buf[5] = hexdigits[cu & 0xF];
	appendBinaryStringInfo(out, buf, 6);
}

/*
 * The length of json_append_escaped's output for s, without writing it:
 * lets a caller check the size of a large value before appending it.
 */
size_t
json_escaped_length(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *) s;
	const unsigned char *end = p + len;
	size_t		n = 0;

	while (p < end)
	{
		unsigned char c = *p;
		size_t		in = 1;

		if (likely(!needs_escape(c)))
			n += 1;
		else if (c >= 0xF0)
		{
			/* a supplementary character: two \u escapes */
			in = Min(4, end - p);
			n += in == 4 ? 12 : in;
		}
		else if (c == '"' || c == '\\' || c == '\b' || c == '\t' ||
				 c == '\n' || c == '\f' || c == '\r')
			n += 2;
		else
			n += 6;
		p += in;
	}
	return n;
}

/*
 * Append the JSON-escaped form of s without quotes.
 */
void
json_append_escaped(StringInfo out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *) s;
	const unsigned char *end = p + len;
	const unsigned char *run = p;

	while (p < end)
	{
		unsigned char c = *p;

		if (likely(!needs_escape(c)))
		{
			p++;
			continue;
		}
		if (p > run)
			appendBinaryStringInfo(out, (const char *) run, p - run);
		if (c >= 0xF0)
		{
			/* four-byte UTF-8 sequence: a supplementary character */
			unsigned int cp;

			if (p + 3 < end)
			{
				cp = ((c & 0x07) << 18) | ((p[1] & 0x3F) << 12) |
					((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
				cp -= 0x10000;
				append_u_escape(out, 0xD800 + (cp >> 10));
				append_u_escape(out, 0xDC00 + (cp & 0x3FF));
				p += 4;
			}
			else
			{
				/* truncated sequence; cannot happen with valid UTF-8 */
				appendBinaryStringInfo(out, (const char *) p, end - p);
				p = end;
			}
		}
		else
		{
			switch (c)
			{
				case '"':
					appendBinaryStringInfo(out, "\\\"", 2);
					break;
				case '\\':
					appendBinaryStringInfo(out, "\\\\", 2);
					break;
				case '\b':
					appendBinaryStringInfo(out, "\\b", 2);
					break;
				case '\t':
					appendBinaryStringInfo(out, "\\t", 2);
					break;
				case '\n':
					appendBinaryStringInfo(out, "\\n", 2);
					break;
				case '\f':
					appendBinaryStringInfo(out, "\\f", 2);
					break;
				case '\r':
					appendBinaryStringInfo(out, "\\r", 2);
					break;
				default:
					append_u_escape(out, c);
					break;
			}
			p++;
		}
		run = p;
	}
	if (p > run)
		appendBinaryStringInfo(out, (const char *) run, p - run);
}

void
json_append_string(StringInfo out, const char *s, size_t len)
{
	appendStringInfoCharMacro(out, '"');
	json_append_escaped(out, s, len);
	appendStringInfoCharMacro(out, '"');
}

void
json_append_cstring(StringInfo out, const char *s)
{
	json_append_string(out, s, strlen(s));
}

void
json_append_key(StringInfo out, const char *name)
{
	json_append_cstring(out, name);
	appendStringInfoCharMacro(out, ':');
}

void
json_append_int64(StringInfo out, int64 v)
{
	char		buf[24];
	char	   *p = buf + sizeof(buf);
	uint64		u = (v < 0) ? -(uint64) v : (uint64) v;

	do
	{
		*--p = '0' + (u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	appendBinaryStringInfo(out, p, buf + sizeof(buf) - p);
}

void
json_append_uint64(StringInfo out, uint64 v)
{
	char		buf[24];
	char	   *p = buf + sizeof(buf);

	do
	{
		*--p = '0' + (v % 10);
		v /= 10;
	} while (v);
	appendBinaryStringInfo(out, p, buf + sizeof(buf) - p);
}

/*
 * Jackson writes non-finite numbers as quoted strings
 * (QUOTE_NON_NUMERIC_NUMBERS is on by default).
 */
void
json_append_double(StringInfo out, double v)
{
	char		buf[ENCODE_JAVA_FLOAT_BUFLEN];
	int			n = encode_java_double(v, buf);

	if (isnan(v) || isinf(v))
		json_append_string(out, buf, n);
	else
		appendBinaryStringInfo(out, buf, n);
}

void
json_append_float(StringInfo out, float v)
{
	char		buf[ENCODE_JAVA_FLOAT_BUFLEN];
	int			n = encode_java_float(v, buf);

	if (isnan(v) || isinf(v))
		json_append_string(out, buf, n);
	else
		appendBinaryStringInfo(out, buf, n);
}
