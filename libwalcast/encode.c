/*-------------------------------------------------------------------------
 *
 * encode.c
 *	  Byte-level encodings that Debezium's JSON output needs
 *
 * Everything here reproduces, byte for byte, what the Java side of a
 * Debezium pipeline would write: Float/Double.toString text (JDK 19+
 * rules), Base64 and hex for binary.handling.mode, the unscaled bytes of a
 * Kafka Connect Decimal (BigInteger.toByteArray) and the iteration order of
 * a java.util.HashMap.  The functions are pure: no catalog access, no
 * Datums, no error reporting; callers own every buffer.
 *
 * The code builds both in the backend and in the frontend; its only
 * allocations are palloc (fe_memutils in the frontend) and StringInfo.
 *
 * IDENTIFICATION
 *	  libwalcast/encode.c
 *
 *-------------------------------------------------------------------------
 */
#ifdef FRONTEND
#include "postgres_fe.h"
#else
#include "postgres.h"
#endif

#include <math.h>

#include "common/shortest_dec.h"
#include "libwalcast/encode.h"

/*
 * A finite, nonzero decimal in scientific form: digits[0].digits[1..] times
 * 10^exp10, with no leading or trailing zero digits.
 */
typedef struct JavaDecimal
{
	char		digits[32];		/* significant digits, not NUL-terminated */
	int			ndigits;		/* number of digits, >= 1 */
	int			exp10;			/* decimal exponent of digits[0] */
} JavaDecimal;

/* Which binary format a JavaDecimal must round-trip through. */
typedef enum JavaFloatKind
{
	JAVA_FLOAT,
	JAVA_DOUBLE
} JavaFloatKind;

static const char base64_std[] =
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char base64_url[] =
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/*
 * Parse the text of a finite nonzero number ("-1.25e+23", "0.001", "12")
 * as written by Ryu or by printf's %e into *dec.  The sign is ignored.
 */
static void
parse_decimal_text(const char *s, JavaDecimal *dec)
{
	int			point = -1;		/* digits seen before the '.', if any */
	int			n = 0;
	int			lead = 0;		/* leading zero digits skipped */
	int			exp10 = 0;

	if (*s == '-' || *s == '+')
		s++;
	for (; *s; s++)
	{
		if (*s == '.')
			point = n + lead;
		else if (*s >= '0' && *s <= '9')
		{
			if (n == 0 && *s == '0')
				lead++;
			else if (n < (int) sizeof(dec->digits))
				dec->digits[n++] = *s;
		}
		else
			break;
	}
	if (point < 0)
		point = n + lead;
	if (*s == 'e' || *s == 'E')
		exp10 = atoi(s + 1);
	while (n > 1 && dec->digits[n - 1] == '0')
		n--;
	dec->ndigits = n;
	/* value = 0.DIGITS * 10^(point - lead + exp10) */
	dec->exp10 = point - lead + exp10 - 1;
}

/* Does the decimal text s convert back to exactly v? */
static bool
round_trips(const char *s, double v, JavaFloatKind kind)
{
	if (kind == JAVA_FLOAT)
		return strtof(s, NULL) == (float) v;
	return strtod(s, NULL) == v;
}

/*
 * Replace *dec by the correctly rounded decimal of v with ndigits
 * significant digits if that one still converts back to v.
 */
static bool
try_digits(double v, int ndigits, JavaFloatKind kind, JavaDecimal *dec)
{
	char		buf[64];

	snprintf(buf, sizeof(buf), "%.*e", ndigits - 1, v);
	if (!round_trips(buf, v, kind))
		return false;
	parse_decimal_text(buf, dec);
	return true;
}

/*
 * Turn Ryu's shortest digits of v into the decimal Java's toString picks.
 *
 * Two differences matter.  PostgreSQL's Ryu never picks a decimal lying
 * exactly on the boundary of the rounding interval, while Java accepts it
 * when the significand is even (the way strtod rounds): 1e23 is "1.0E23"
 * in Java but 9.999999999999999e+22 from Ryu.  A boundary can only be a
 * short decimal when it is an integer, so for |v| >= 2^53 (2^24 for float)
 * we ask printf for shorter correctly rounded candidates until one fails
 * to round-trip.  Second, Java never writes a single digit when a
 * two-digit decimal also round-trips and is closer to v (Double.MIN_VALUE
 * is "4.9E-324", not "5.0E-324").  Only the nearest two-digit decimal is
 * tried: the next one on the other side of v could only win in a lopsided
 * interval (v a power of two) that also holds a one-digit decimal, and
 * such powers of two are exact short decimals.
 */
static void
java_adjust_digits(double v, bool even, JavaFloatKind kind, JavaDecimal *dec)
{
	double		big = (kind == JAVA_FLOAT) ? 16777216.0 : 9007199254740992.0;

	if (even && fabs(v) >= big)
	{
		while (dec->ndigits > 1 && try_digits(v, dec->ndigits - 1, kind, dec))
			;
	}
	if (dec->ndigits == 1)
		(void) try_digits(v, 2, kind, dec);
}

/*
 * Write dec (with sign) the way Java's toString lays a decimal out:
 * plain notation for 10^-3 <= |v| < 10^7, else d.dddEn; always at least
 * one digit after the point.  Returns the length written to buf.
 */
static int
format_java_decimal(const JavaDecimal *dec, bool negative, char *buf)
{
	char	   *p = buf;
	int			i;

	if (negative)
		*p++ = '-';
	if (dec->exp10 >= 0 && dec->exp10 < 7)
	{
		for (i = 0; i <= dec->exp10; i++)
			*p++ = (i < dec->ndigits) ? dec->digits[i] : '0';
		*p++ = '.';
		if (dec->ndigits <= dec->exp10 + 1)
			*p++ = '0';
		for (; i < dec->ndigits; i++)
			*p++ = dec->digits[i];
	}
	else if (dec->exp10 < 0 && dec->exp10 >= -3)
	{
		*p++ = '0';
		*p++ = '.';
		for (i = -1; i > dec->exp10; i--)
			*p++ = '0';
		memcpy(p, dec->digits, dec->ndigits);
		p += dec->ndigits;
	}
	else
	{
		*p++ = dec->digits[0];
		*p++ = '.';
		if (dec->ndigits == 1)
			*p++ = '0';
		memcpy(p, dec->digits + 1, dec->ndigits - 1);
		p += dec->ndigits - 1;
		p += sprintf(p, "E%d", dec->exp10);
	}
	*p = '\0';
	return p - buf;
}

/* Text for the values that have no digits, or -1 for ordinary values. */
static int
format_special(double v, char *buf)
{
	const char *s;

	if (isnan(v))
		s = "NaN";
	else if (isinf(v))
		s = (v < 0) ? "-Infinity" : "Infinity";
	else if (v == 0)
		s = signbit(v) ? "-0.0" : "0.0";
	else
		return -1;
	strcpy(buf, s);
	return strlen(s);
}

/*
 * Java's Double.toString(v) into buf (at least ENCODE_JAVA_FLOAT_BUFLEN
 * bytes); returns the length.
 */
int
encode_java_double(double v, char *buf)
{
	char		ryu[DOUBLE_SHORTEST_DECIMAL_LEN];
	JavaDecimal dec;
	uint64		bits;
	int			n = format_special(v, buf);

	if (n >= 0)
		return n;
	memcpy(&bits, &v, sizeof(bits));
	double_to_shortest_decimal_buf(v, ryu);
	parse_decimal_text(ryu, &dec);
	java_adjust_digits(v, (bits & 1) == 0, JAVA_DOUBLE, &dec);
	return format_java_decimal(&dec, v < 0, buf);
}

/*
 * Java's Float.toString(v) into buf (at least ENCODE_JAVA_FLOAT_BUFLEN
 * bytes); returns the length.
 */
int
encode_java_float(float v, char *buf)
{
	char		ryu[FLOAT_SHORTEST_DECIMAL_LEN];
	JavaDecimal dec;
	uint32		bits;
	int			n = format_special(v, buf);

	if (n >= 0)
		return n;
	memcpy(&bits, &v, sizeof(bits));
	float_to_shortest_decimal_buf(v, ryu);
	parse_decimal_text(ryu, &dec);
	java_adjust_digits(v, (bits & 1) == 0, JAVA_FLOAT, &dec);
	return format_java_decimal(&dec, v < 0, buf);
}

/* Append Base64 of src, RFC 4648 with '=' padding and no line breaks. */
void
encode_base64(StringInfo out, const unsigned char *src, size_t len,
			  bool url_safe)
{
	const char *alphabet = url_safe ? base64_url : base64_std;
	size_t		i;
	char	   *p;

	enlargeStringInfo(out, (int) ((len + 2) / 3 * 4));
	p = out->data + out->len;
	for (i = 0; i + 2 < len; i += 3)
	{
		uint32		w = (src[i] << 16) | (src[i + 1] << 8) | src[i + 2];

		*p++ = alphabet[(w >> 18) & 0x3F];
		*p++ = alphabet[(w >> 12) & 0x3F];
		*p++ = alphabet[(w >> 6) & 0x3F];
		*p++ = alphabet[w & 0x3F];
	}
	if (i < len)
	{
		uint32		w = src[i] << 16;

		if (i + 1 < len)
			w |= src[i + 1] << 8;
		*p++ = alphabet[(w >> 18) & 0x3F];
		*p++ = alphabet[(w >> 12) & 0x3F];
		*p++ = (i + 1 < len) ? alphabet[(w >> 6) & 0x3F] : '=';
		*p++ = '=';
	}
	out->len = p - out->data;
	*p = '\0';
}

/* Append lower-case hex of src. */
void
encode_hex(StringInfo out, const unsigned char *src, size_t len)
{
	static const char hexdigits[] = "0123456789abcdef";
	size_t		i;
	char	   *p;

	enlargeStringInfo(out, (int) (len * 2));
	p = out->data + out->len;
	for (i = 0; i < len; i++)
	{
		*p++ = hexdigits[src[i] >> 4];
		*p++ = hexdigits[src[i] & 0x0F];
	}
	out->len = p - out->data;
	*p = '\0';
}

/*
 * Convert a string of decimal digits (no sign, any length) to a big-endian
 * unsigned magnitude appended to out, without leading zero bytes (nothing
 * at all for zero).
 *
 * Limbs are base 2^32, least significant first; the digits are consumed
 * nine at a time (multiply by 10^9, add), which is quadratic in the length
 * but fast enough for PostgreSQL's largest numerics.  Allocates a
 * temporary array with palloc.
 */
static void
digits_to_magnitude(StringInfo out, const char *digits, int ndigits)
{
	uint32	   *limbs = palloc(sizeof(uint32) * (ndigits / 9 + 2));
	int			nlimbs = 0;
	int			pos = 0;
	int			i;

	while (pos < ndigits)
	{
		int			chunk = Min(9, ndigits - pos);
		uint32		mul = 1;
		uint64		carry = 0;

		for (i = 0; i < chunk; i++)
		{
			mul *= 10;
			carry = carry * 10 + (digits[pos + i] - '0');
		}
		pos += chunk;
		for (i = 0; i < nlimbs; i++)
		{
			uint64		t = (uint64) limbs[i] * mul + carry;

			limbs[i] = (uint32) t;
			carry = t >> 32;
		}
		if (carry != 0)
			limbs[nlimbs++] = (uint32) carry;
	}

	for (i = nlimbs - 1; i >= 0; i--)
	{
		int			shift;

		for (shift = 24; shift >= 0; shift -= 8)
		{
			unsigned char b = (limbs[i] >> shift) & 0xFF;

			/* skip the top limb's leading zero bytes */
			if (b == 0 && out->len == 0)
				continue;
			appendStringInfoChar(out, (char) b);
		}
	}
	pfree(limbs);
}

/*
 * Append the minimal big-endian two's complement of a magnitude (as
 * BigInteger.toByteArray writes it) to out.  mag holds the magnitude
 * without leading zero bytes (empty for zero) and is negated in place.
 *
 * Only a sign byte may be needed, never a trim: the magnitude's first byte
 * is nonzero, so its negation is at most FF 00 ... 00 and cannot start
 * with an FF byte made redundant by the next one.
 */
static void
append_twos_complement(StringInfo out, StringInfo mag, bool negative)
{
	unsigned char *m = (unsigned char *) mag->data;
	int			len = mag->len;
	int			i;

	if (len == 0)
	{
		appendStringInfoChar(out, 0);
		return;
	}
	if (negative)
	{
		/* invert and add one, from the least significant byte up */
		int			carry = 1;

		for (i = len - 1; i >= 0; i--)
		{
			int			b = (unsigned char) ~m[i] + carry;

			m[i] = (unsigned char) b;
			carry = b >> 8;
		}
		if (!(m[0] & 0x80))
			appendStringInfoChar(out, (char) 0xFF);
	}
	else if (m[0] & 0x80)
		appendStringInfoChar(out, 0);
	appendBinaryStringInfo(out, (char *) m, len);
}

/*
 * Append the unscaled value of the decimal number "text" as
 * BigInteger.toByteArray() bytes; see encode.h for the scale rules.
 *
 * Allocates temporary buffers with palloc; returns false (appending
 * nothing) if text is not [+-]digits[.digits].
 */
bool
encode_decimal_bytes(StringInfo out, const char *text, int scale,
					 int *scale_out)
{
	const char *p = text;
	const char *int_start;
	const char *frac_start = NULL;
	int			int_len;
	int			frac_len = 0;
	bool		negative = false;
	StringInfoData unscaled;
	StringInfoData mag;
	int			i;

	if (*p == '-' || *p == '+')
		negative = (*p++ == '-');
	int_start = p;
	while (*p >= '0' && *p <= '9')
		p++;
	int_len = p - int_start;
	if (*p == '.')
	{
		frac_start = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		frac_len = p - frac_start;
	}
	if (*p != '\0' || int_len + frac_len == 0)
		return false;

	if (scale < 0)
	{
		/* variable scale: drop trailing fractional zeros */
		while (frac_len > 0 && frac_start[frac_len - 1] == '0')
			frac_len--;
		scale = frac_len;
	}
	if (scale_out)
		*scale_out = scale;

	/* integer digits, then exactly "scale" fractional digits */
	initStringInfo(&unscaled);
	while (int_len > 0 && *int_start == '0')
	{
		int_start++;
		int_len--;
	}
	appendBinaryStringInfo(&unscaled, int_start, int_len);
	for (i = 0; i < scale; i++)
	{
		char		c = (i < frac_len) ? frac_start[i] : '0';

		if (unscaled.len > 0 || c != '0')
			appendStringInfoChar(&unscaled, c);
	}

	initStringInfo(&mag);
	digits_to_magnitude(&mag, unscaled.data, unscaled.len);
	append_twos_complement(out, &mag, negative);
	pfree(unscaled.data);
	pfree(mag.data);
	return true;
}

/*
 * Decode one UTF-8 sequence at s (len bytes available) into *cp; returns
 * the number of bytes used.  Malformed input yields U+FFFD for one byte,
 * as Java's decoder replaces it (the server has validated our text, so
 * this is only a safeguard).
 */
static int
utf8_next(const unsigned char *s, size_t len, uint32 *cp)
{
	int			n;
	int			i;
	uint32		c = s[0];

	if (c < 0x80)
	{
		*cp = c;
		return 1;
	}
	else if ((c & 0xE0) == 0xC0)
		n = 2, c &= 0x1F;
	else if ((c & 0xF0) == 0xE0)
		n = 3, c &= 0x0F;
	else if ((c & 0xF8) == 0xF0)
		n = 4, c &= 0x07;
	else
		n = 0;
	if (n == 0 || (size_t) n > len)
	{
		*cp = 0xFFFD;
		return 1;
	}
	for (i = 1; i < n; i++)
	{
		if ((s[i] & 0xC0) != 0x80)
		{
			*cp = 0xFFFD;
			return 1;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*cp = c;
	return n;
}

/*
 * Java's String.hashCode() of the UTF-8 string utf8[0..len): the sum of
 * s[i] * 31^(n-1-i) over the UTF-16 code units, modulo 2^32.
 */
int32
encode_java_string_hash(const char *utf8, size_t len)
{
	const unsigned char *s = (const unsigned char *) utf8;
	uint32		h = 0;
	size_t		pos = 0;

	while (pos < len)
	{
		uint32		cp;

		pos += utf8_next(s + pos, len - pos, &cp);
		if (cp >= 0x10000)
		{
			/* a surrogate pair: two code units */
			h = h * 31 + (0xD800 + ((cp - 0x10000) >> 10));
			h = h * 31 + (0xDC00 + ((cp - 0x10000) & 0x3FF));
		}
		else
			h = h * 31 + cp;
	}
	return (int32) h;
}

/*
 * The simulated java.util.HashMap: chained buckets of key indexes.
 * Entries live in arrays indexed by key number; a bucket is a linked list
 * through next[].
 */
typedef struct JavaHashMap
{
	int			cap;			/* number of buckets, a power of two */
	int			size;			/* distinct keys inserted */
	int		   *head;			/* first key of each bucket, or -1 */
	int		   *next;			/* next key in the same bucket, or -1 */
	uint32	   *hash;			/* spread hash of each key */
} JavaHashMap;

/* Append key k to the tail of its bucket. */
static void
hashmap_link(JavaHashMap *map, int k)
{
	int		   *slot = &map->head[map->hash[k] & (map->cap - 1)];

	while (*slot >= 0)
		slot = &map->next[*slot];
	*slot = k;
	map->next[k] = -1;
}

/*
 * Double the table.  Walking the old buckets in order and appending to the
 * new ones keeps each bucket's relative order, as HashMap.resize's lo/hi
 * split does.
 */
static void
hashmap_resize(JavaHashMap *map)
{
	int		   *old_head = map->head;
	int			old_cap = map->cap;
	int			b;

	map->cap *= 2;
	map->head = palloc(sizeof(int) * map->cap);
	for (b = 0; b < map->cap; b++)
		map->head[b] = -1;
	for (b = 0; b < old_cap; b++)
	{
		int			k = old_head[b];

		while (k >= 0)
		{
			int			nk = map->next[k];

			hashmap_link(map, k);
			k = nk;
		}
	}
	pfree(old_head);
}

/*
 * Insert key k (HashMap.putVal).  Returns false for a duplicate, which
 * keeps its first position.  A ninth key in one bucket makes a small table
 * (under 64 buckets) grow instead of turning the bucket into a tree.
 */
static bool
hashmap_put(JavaHashMap *map, int k, const char *const *keys,
			const size_t *lens)
{
	int			chain = 0;
	int			j;

	for (j = map->head[map->hash[k] & (map->cap - 1)]; j >= 0; j = map->next[j])
	{
		if (map->hash[j] == map->hash[k] && lens[j] == lens[k] &&
			memcmp(keys[j], keys[k], lens[k]) == 0)
			return false;
		chain++;
	}
	hashmap_link(map, k);
	if (chain >= 8 && map->cap < 64)
		hashmap_resize(map);
	if (++map->size > map->cap / 4 * 3)
		hashmap_resize(map);
	return true;
}

/*
 * Fill order[] with the indexes of the n keys in the order a HashMap that
 * had them put in index order iterates them; a duplicate key appears once,
 * at its first index, so fewer than n entries may be meaningful: the rest
 * of order[] is filled with -1.  Allocates temporary arrays with palloc.
 *
 * XXX: Once a bucket holds nine keys in a table of 64 or more buckets,
 * Java turns it into a red-black tree whose iteration order depends on the
 * tree's shape; that is not modelled, and such a bucket is iterated in
 * insertion order.  It takes nine hash collisions in the low bits among
 * at most 48 keys.
 */
void
encode_java_hashmap_order(const char *const *keys, const size_t *lens,
						  int n, int *order)
{
	JavaHashMap map;
	int			k;
	int			b;
	int			out = 0;

	map.cap = 16;
	map.size = 0;
	map.head = palloc(sizeof(int) * map.cap);
	map.next = palloc(sizeof(int) * Max(n, 1));
	map.hash = palloc(sizeof(uint32) * Max(n, 1));
	for (b = 0; b < map.cap; b++)
		map.head[b] = -1;

	for (k = 0; k < n; k++)
	{
		uint32		h = (uint32) encode_java_string_hash(keys[k], lens[k]);

		map.hash[k] = h ^ (h >> 16);
		(void) hashmap_put(&map, k, keys, lens);
	}
	for (b = 0; b < map.cap; b++)
		for (k = map.head[b]; k >= 0; k = map.next[k])
			order[out++] = k;
	while (out < n)
		order[out++] = -1;

	pfree(map.head);
	pfree(map.next);
	pfree(map.hash);
}
