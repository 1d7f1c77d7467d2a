/*-------------------------------------------------------------------------
 *
 * encode_test.c
 *	  Unit tests for libwalcast/encode.c (and json.c's escaped length),
 *	  printing TAP
 *
 * A frontend program linked with libwalcast/encode.o, json.o, libpgcommon and
 * libpgport; test/t/005_unit_encode.pl runs it under prove.  Expected
 * values come from the Java behaviour walcast must match: JDK 19+
 * Double/Float.toString, BigInteger.toByteArray and java.util.HashMap
 * (the HashMap and BigInteger cases were produced with OpenJDK 17, whose
 * classes behave the same there).  Randomised cases use a fixed seed.
 *
 * IDENTIFICATION
 *	  test/unit/encode_test.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include <float.h>
#include <math.h>

#include "libwalcast/encode.h"
#include "libwalcast/json.h"

static int	test_count = 0;
static int	fail_count = 0;

static bool
ok(bool cond, const char *name)
{
	test_count++;
	if (!cond)
		fail_count++;
	printf("%sok %d - %s\n", cond ? "" : "not ", test_count, name);
	return cond;
}

/* Compare a produced string with the expected one, with diagnostics. */
static void
is_str(const char *got, const char *want, const char *name)
{
	if (!ok(strcmp(got, want) == 0, name))
		printf("#   got: \"%s\"\n#  want: \"%s\"\n", got, want);
}

/* xorshift64*: deterministic and independent of the C library */
static uint64 rng_state = UINT64CONST(0x9E3779B97F4A7C15);

static uint64
rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64CONST(2685821657736338717);
}

static void
check_double(double v, const char *want)
{
	char		buf[ENCODE_JAVA_FLOAT_BUFLEN];
	char		name[128];
	int			n = encode_java_double(v, buf);

	snprintf(name, sizeof(name), "double %.17g -> %s", v, want);
	is_str(buf, want, name);
	if (n != (int) strlen(buf))
		ok(false, "double length matches");
}

static void
check_float(float v, const char *want)
{
	char		buf[ENCODE_JAVA_FLOAT_BUFLEN];
	char		name[128];
	int			n = encode_java_float(v, buf);

	snprintf(name, sizeof(name), "float %.9g -> %s", v, want);
	is_str(buf, want, name);
	if (n != (int) strlen(buf))
		ok(false, "float length matches");
}

static void
test_java_text(void)
{
	check_double(0.0, "0.0");
	check_double(-0.0, "-0.0");
	check_double(NAN, "NaN");
	check_double(INFINITY, "Infinity");
	check_double(-INFINITY, "-Infinity");
	check_double(1.0, "1.0");
	check_double(-1.5, "-1.5");
	check_double(100.0, "100.0");
	check_double(0.001, "0.001");
	check_double(1234.5, "1234.5");
	check_double(1.0E-4, "1.0E-4");
	check_double(1.0E7, "1.0E7");
	check_double(9999999.0, "9999999.0");
	check_double(12345678.9, "1.23456789E7");
	check_double(2e23, "2.0E23");
	check_double(1e23, "1.0E23");
	check_double(8.41e21, "8.41E21");
	check_double(4.9e-324, "4.9E-324");
	check_double(DBL_MAX, "1.7976931348623157E308");
	check_double(DBL_MIN, "2.2250738585072014E-308");
	check_double(0.1, "0.1");
	check_double(0.1 + 0.2, "0.30000000000000004");
	check_double(123456.789, "123456.789");
	check_double(-0.00123, "-0.00123");
	check_double(1e-3 * 0.999, "9.99E-4");
	check_double(3.141592653589793, "3.141592653589793");
	check_double(1e15, "1.0E15");
	check_double(1e16, "1.0E16");
	check_double(9007199254740993.0, "9.007199254740992E15");
	check_double(1e22, "1.0E22");

	check_float(0.0f, "0.0");
	check_float(-0.0f, "-0.0");
	check_float(NAN, "NaN");
	check_float(INFINITY, "Infinity");
	check_float(-INFINITY, "-Infinity");
	check_float(3.3f, "3.3");
	check_float(1.0e10f, "1.0E10");
	check_float(8.589973e9f, "8.589974E9");
	check_float(123456789.123f, "1.2345679E8");
	check_float(1.17549435e-38f, "1.1754944E-38");
	check_float(1.4e-45f, "1.4E-45");
	check_float(FLT_MAX, "3.4028235E38");
	check_float(0.1f, "0.1");
	check_float(1.0e7f, "1.0E7");
	check_float(9999999.0f, "9999999.0");
	check_float(-123.25f, "-123.25");
	check_float(0.001f, "0.001");
}

/*
 * Split Java's text of a finite nonzero number into significant digits
 * (no leading or trailing zeros) and the exponent of the first digit.
 */
static void
java_text_digits(const char *s, char *digits, int *exp10)
{
	int			n = 0;
	int			point = -1;
	int			lead = 0;
	int			e = 0;

	if (*s == '-')
		s++;
	for (; *s && *s != 'E'; s++)
	{
		if (*s == '.')
			point = n + lead;
		else if (n == 0 && *s == '0')
			lead++;
		else
			digits[n++] = *s;
	}
	if (point < 0)
		point = n + lead;
	if (*s == 'E')
		e = atoi(s + 1);
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = '\0';
	*exp10 = point - lead + e - 1;
}

/*
 * The decimal Java must choose for v, found by brute force with printf:
 * the correctly rounded decimal of the smallest length that converts back,
 * but never a single digit when two digits also convert back.
 */
static void
reference_digits(double v, bool is_float, char *digits, int *exp10)
{
	char		buf[64];
	int			p;

	for (p = 1; p <= 17; p++)
	{
		snprintf(buf, sizeof(buf), "%.*e", p - 1, v);
		if (is_float ? strtof(buf, NULL) == (float) v : strtod(buf, NULL) == v)
			break;
	}
	if (p == 1)
	{
		char		two[64];

		snprintf(two, sizeof(two), "%.1e", v);
		if (is_float ? strtof(two, NULL) == (float) v : strtod(two, NULL) == v)
			strcpy(buf, two);
	}
	/* printf's "d.ddde+XX" reads like Java's text for this purpose */
	{
		char	   *e = strchr(buf, 'e');

		*e = 'E';
	}
	java_text_digits(buf, digits, exp10);
}

/* One random-value check; returns false and prints a diagnostic on failure. */
static bool
check_random_value(double v, bool is_float)
{
	char		buf[ENCODE_JAVA_FLOAT_BUFLEN];
	char		got[32];
	char		want[32];
	int			got_exp;
	int			want_exp;
	bool		back;

	if (is_float)
	{
		encode_java_float((float) v, buf);
		back = strtof(buf, NULL) == (float) v;
	}
	else
	{
		encode_java_double(v, buf);
		back = strtod(buf, NULL) == v;
	}
	if (!back)
	{
		printf("# %.17g -> %s does not round-trip\n", v, buf);
		return false;
	}
	if (v == 0)
		return true;
	java_text_digits(buf, got, &got_exp);
	reference_digits(v, is_float, want, &want_exp);
	if (strcmp(got, want) != 0 || got_exp != want_exp)
	{
		printf("# %.17g -> %s, expected digits %s exponent %d\n",
			   v, buf, want, want_exp);
		return false;
	}
	return true;
}

static double
random_double(int kind)
{
	uint64		bits = rng_next();
	double		v;

	switch (kind)
	{
		case 0:					/* any bit pattern */
			memcpy(&v, &bits, sizeof(v));
			return v;
		case 1:					/* short decimals, like typed-in data */
			return (double) (int64) (bits % 2000000001 - 1000000000) /
				pow(10, (double) ((bits >> 40) % 12));
		default:				/* large integers and powers */
			return ldexp((double) ((bits >> 11) | 1), (int) ((bits >> 3) % 200) - 40);
	}
}

static void
test_java_random(void)
{
	int			kind;

	for (kind = 0; kind < 3; kind++)
	{
		bool		dbl_ok = true;
		bool		flt_ok = true;
		int			i;
		char		name[128];

		for (i = 0; i < 100000; i++)
		{
			double		v = random_double(kind);
			float		f;
			uint32		fbits = (uint32) rng_next();

			if (isnan(v) || isinf(v))
				continue;
			if (dbl_ok)
				dbl_ok = check_random_value(v, false);
			if (kind == 0)
				memcpy(&f, &fbits, sizeof(f));
			else
				f = (float) v;
			if (isnan(f) || isinf(f))
				continue;
			if (flt_ok)
				flt_ok = check_random_value(f, true);
		}
		snprintf(name, sizeof(name),
				 "100000 random doubles (kind %d) round-trip with Java's digits",
				 kind);
		ok(dbl_ok, name);
		snprintf(name, sizeof(name),
				 "100000 random floats (kind %d) round-trip with Java's digits",
				 kind);
		ok(flt_ok, name);
	}
}

static void
check_base64(const char *src, size_t len, bool url_safe, const char *want)
{
	StringInfoData out;
	char		name[128];

	initStringInfo(&out);
	appendStringInfoString(&out, "<");
	encode_base64(&out, (const unsigned char *) src, len, url_safe);
	snprintf(name, sizeof(name), "base64%s of %zu bytes -> %s",
			 url_safe ? " (url-safe)" : "", len, want);
	is_str(out.data + 1, want, name);
	pfree(out.data);
}

static void
test_base64_hex(void)
{
	StringInfoData out;

	check_base64("", 0, false, "");
	check_base64("f", 1, false, "Zg==");
	check_base64("fo", 2, false, "Zm8=");
	check_base64("foo", 3, false, "Zm9v");
	check_base64("foob", 4, false, "Zm9vYg==");
	check_base64("fooba", 5, false, "Zm9vYmE=");
	check_base64("foobar", 6, false, "Zm9vYmFy");
	check_base64("\xfb\xff", 2, false, "+/8=");
	check_base64("\xfb\xff", 2, true, "-_8=");
	check_base64("\xfb\xff\xbf", 3, false, "+/+/");
	check_base64("\xfb\xff\xbf", 3, true, "-_-_");
	check_base64("\0\0\0\xff", 4, false, "AAAA/w==");

	initStringInfo(&out);
	encode_hex(&out, (const unsigned char *) "\x00\x7f\x80\xff\xab", 5);
	is_str(out.data, "007f80ffab", "hex is lower case, two digits per byte");
	resetStringInfo(&out);
	encode_hex(&out, (const unsigned char *) "", 0);
	is_str(out.data, "", "hex of nothing is empty");
	pfree(out.data);
}

/* encode_decimal_bytes, then Base64 of the bytes */
static void
check_decimal(const char *text, int scale, const char *want, int want_scale)
{
	StringInfoData bytes;
	StringInfoData b64;
	char		name[200];
	int			scale_out = -42;
	bool		res;

	initStringInfo(&bytes);
	initStringInfo(&b64);
	res = encode_decimal_bytes(&bytes, text, scale, &scale_out);
	encode_base64(&b64, (unsigned char *) bytes.data, bytes.len, false);
	snprintf(name, sizeof(name), "decimal %s at scale %d -> %s (scale %d)",
			 text, scale, want, want_scale);
	if (!ok(res && strcmp(b64.data, want) == 0 && scale_out == want_scale,
			name))
		printf("#   got: %s \"%s\" scale %d\n", res ? "true" : "false",
			   b64.data, scale_out);
	pfree(bytes.data);
	pfree(b64.data);
}

static void
test_decimal_examples(void)
{
	static const char *const bad[] = {
		"", "-", "+", ".", "1e5", "abc", "1.2.3", " 1", "1 ", "NaN",
		"--1", "0x10", "1,5"
	};
	int			i;
	bool		all_rejected = true;

	check_decimal("123.45", 2, "MDk=", 2);
	check_decimal("1.10", 2, "bg==", 2);
	check_decimal("-1.10", 2, "kg==", 2);
	check_decimal("0.00", 2, "AA==", 2);
	check_decimal("1234.11", 2, "AeIT", 2);
	check_decimal("-1234.11", 2, "/h3t", 2);
	check_decimal("5.00", 2, "AfQ=", 2);
	check_decimal("22.2200", 4, "A2P4", 4);
	check_decimal("12.5", 2, "BOI=", 2);
	check_decimal("10.1111", -1, "AYr3", 4);
	check_decimal("1.50", -1, "Dw==", 1);
	check_decimal("100", -1, "ZA==", 0);
	check_decimal("0", -1, "AA==", 0);
	check_decimal("-0.000", -1, "AA==", 0);
	check_decimal("0", 0, "AA==", 0);
	check_decimal("127", 0, "fw==", 0);
	check_decimal("128", 0, "AIA=", 0);
	check_decimal("-1", 0, "/w==", 0);
	check_decimal("-128", 0, "gA==", 0);
	check_decimal("-129", 0, "/38=", 0);
	check_decimal("-32768", 0, "gAA=", 0);
	check_decimal("-32769", 0, "/3//", 0);
	check_decimal("65535", 0, "AP//", 0);
	check_decimal("-65536", 0, "/wAA", 0);
	check_decimal("1.239", 2, "ew==", 2);		/* digits dropped, not rounded */
	check_decimal("7", 3, "G1g=", 3);
	check_decimal("+5", 0, "BQ==", 0);
	check_decimal("000123.4500", -1, "MDk=", 2);
	check_decimal("123456789012345678901234567890.12345", 5,
				  "AmCwX/vn/LEXoCTx4t95", 5);
	check_decimal("-99999999999999999999999999999999999999", 0,
				  "tMSzV6V5O4X2dd3AAAAAAQ==", 0);
	/* 10^300 + 7, both signs (from BigInteger.toByteArray) */
	{
		char		text[310];

		text[0] = '1';
		memset(text + 1, '0', 299);
		strcpy(text + 300, "7");
		check_decimal(text, 0, "F+Q8iAB1m6WcCOFMfNeq2GpKRYEJ+RwhxXHb6E1S2Tb0Sr6KPVtIwQCVnZ0LbMhWs63JO2euqPjgZ9LI0EvBd/e0KHpuP82jb6OzNC6utELhXUUJUvTdEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAc=", 0);
		memmove(text + 1, text, 302);
		text[0] = '-';
		check_decimal(text, 0, "6BvDd/+KZFpj9x6zgyhVJ5W1un72BuPeOo4kF7KtJskLtUF1wqS3Pv9qYmL0kzepTFI2xJhRVwcfmC03L7Q+iAhL14WRwDJckFxMy9FRS70eorr2rQsi7/////////////////////////////////////////////////k=", 0);
	}

	for (i = 0; i < (int) lengthof(bad); i++)
	{
		StringInfoData out;

		initStringInfo(&out);
		if (encode_decimal_bytes(&out, bad[i], 2, NULL) || out.len != 0)
		{
			printf("# \"%s\" was accepted\n", bad[i]);
			all_rejected = false;
		}
		pfree(out.data);
	}
	ok(all_rejected, "text that is not a plain decimal number is rejected");
}

/*
 * Decode big-endian two's complement bytes back to a decimal digit string
 * ("-" prefix when negative), by repeated division.  Reference code for
 * the round-trip test; quadratic and simple.
 */
static char *
twos_complement_to_text(const unsigned char *bytes, int len)
{
	unsigned char *mag = palloc(len);
	char	   *digits = palloc(len * 3 + 3);
	int			nd = 0;
	bool		negative = (bytes[0] & 0x80) != 0;
	int			i;
	int			start = 0;
	char	   *text = palloc(len * 3 + 4);

	memcpy(mag, bytes, len);
	if (negative)
	{
		int			carry = 1;

		for (i = len - 1; i >= 0; i--)
		{
			int			b = (unsigned char) ~mag[i] + carry;

			mag[i] = (unsigned char) b;
			carry = b >> 8;
		}
	}
	while (start < len)
	{
		int			rem = 0;

		if (mag[start] == 0)
		{
			start++;
			continue;
		}
		for (i = start; i < len; i++)
		{
			int			cur = rem * 256 + mag[i];

			mag[i] = cur / 10;
			rem = cur % 10;
		}
		digits[nd++] = '0' + rem;
	}
	if (nd == 0)
		digits[nd++] = '0';
	i = 0;
	if (negative)
		text[i++] = '-';
	while (nd > 0)
		text[i++] = digits[--nd];
	text[i] = '\0';
	pfree(mag);
	pfree(digits);
	return text;
}

/* Are the bytes the minimal two's complement encoding? */
static bool
is_minimal(const unsigned char *b, int len)
{
	if (len == 1)
		return true;
	return !((b[0] == 0x00 && !(b[1] & 0x80)) ||
			 (b[0] == 0xFF && (b[1] & 0x80)));
}

/* Random integers of ndigits digits come back the same, minimally encoded. */
static bool
decimal_round_trip(int ndigits)
{
	char	   *text = palloc(ndigits + 2);
	StringInfoData out;
	char	   *back;
	int			i = 0;
	bool		result;

	if (rng_next() & 1)
		text[i++] = '-';
	text[i++] = '1' + rng_next() % 9;
	while (i < ndigits + (text[0] == '-'))
	{
		/* runs of 0s and 9s hit the carry paths */
		uint64		r = rng_next() % 4;

		text[i++] = (r == 0) ? '0' : (r == 1) ? '9' : '0' + rng_next() % 10;
	}
	text[i] = '\0';

	initStringInfo(&out);
	encode_decimal_bytes(&out, text, 0, NULL);
	back = twos_complement_to_text((unsigned char *) out.data, out.len);
	result = strcmp(back, text) == 0 &&
		is_minimal((unsigned char *) out.data, out.len);
	if (!result)
		printf("# %.60s... (%d digits) did not round-trip\n", text, ndigits);
	pfree(text);
	pfree(back);
	pfree(out.data);
	return result;
}

static void
test_decimal_random(void)
{
	bool		all = true;
	int			i;
	char	   *huge;
	StringInfoData out;
	int			scale_out;
	bool		res;

	for (i = 0; i < 3000 && all; i++)
		all = decimal_round_trip(1 + i % 700);
	ok(all, "3000 random integers of 1 to 700 digits round-trip");
	for (i = 0; i < 5 && all; i++)
		all = decimal_round_trip(5000 + i * 1000);
	ok(all, "random integers of 5000 to 9000 digits round-trip");

	/* PostgreSQL's largest numeric: 131072 digits before the point */
	huge = palloc(131072 + 16383 + 2);
	memset(huge, '9', 131072);
	huge[131072] = '.';
	memset(huge + 131073, '9', 16383);
	huge[131072 + 16384] = '\0';
	initStringInfo(&out);
	res = encode_decimal_bytes(&out, huge, -1, &scale_out);
	/* 10^147455 - 1 is 61230 bytes: 07 80 ... FF (checked with Python) */
	if (!ok(res && scale_out == 16383 && out.len == 61230 &&
			(unsigned char) out.data[0] == 0x07 &&
			(unsigned char) out.data[1] == 0x80 &&
			(unsigned char) out.data[out.len - 1] == 0xFF,
			"largest numeric (147455 nines) encodes"))
		printf("# len %d scale %d\n", out.len, scale_out);
	pfree(out.data);
	pfree(huge);
}

static void
check_order(const char *const *keys, int n, const char *want, const char *name)
{
	size_t	   *lens = palloc(sizeof(size_t) * n);
	int		   *order = palloc(sizeof(int) * n);
	StringInfoData got;
	int			i;

	for (i = 0; i < n; i++)
		lens[i] = strlen(keys[i]);
	encode_java_hashmap_order(keys, lens, n, order);
	initStringInfo(&got);
	for (i = 0; i < n; i++)
		appendStringInfo(&got, "%d,", order[i]);
	is_str(got.data, want, name);
	pfree(got.data);
	pfree(lens);
	pfree(order);
}

static void
test_java_hash(void)
{
	static const char *const kk[] = {"key4", "key5"};
	static const char *const aa[] = {"Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa"};
	static const char *const aa_sorted[] = {"Aa", "BB", "AaAa", "AaBB", "BBAa", "BBBB"};
	static const char *const dups[] = {"s.b", "s.a", "s.b", "s.c", "s.a"};
	static const char *const utf[] = {"caf\xc3\xa9", "\xf0\x9f\x98\x80x",
	"\xe6\x97\xa5\xe6\x9c\xac.\xe8\xa1\xa8", "a"};
	static const char *const collide[] = {
		"AaAaAaAa", "BBAaAaAa", "AaBBAaAa", "BBBBAaAa", "AaAaBBAa",
		"BBAaBBAa", "AaBBBBAa", "BBBBBBAa", "AaAaAaBB", "BBAaAaBB",
		"x", "y", "zz", "col_a", "col_b", "AaAa"
	};
	const char *tables[40];
	char		names[40][32];
	int			i;

	ok(encode_java_string_hash("", 0) == 0, "hash of \"\" is 0");
	ok(encode_java_string_hash("Aa", 2) == 2112 &&
	   encode_java_string_hash("BB", 2) == 2112, "\"Aa\" and \"BB\" hash to 2112");
	ok(encode_java_string_hash("hello world", 11) == 1794106052,
	   "hash of \"hello world\"");
	ok(encode_java_string_hash("public.customers_with_a_long_name", 33) ==
	   -1203865754, "hash of a long string wraps around");
	ok(encode_java_string_hash(utf[0], strlen(utf[0])) == 3045921,
	   "hash of \"caf\\u00e9\" uses the code point");
	ok(encode_java_string_hash(utf[1], strlen(utf[1])) == 54959989,
	   "hash of a non-BMP character uses its surrogate pair");
	ok(encode_java_string_hash(utf[2], strlen(utf[2])) == 802516513,
	   "hash of CJK text");

	check_order(kk, 2, "1,0,", "HashMap order of key4, key5");
	check_order(aa, 6, "0,1,2,3,4,5,", "HashMap order of colliding Aa/BB keys");
	check_order(aa_sorted, 6, "0,1,2,3,4,5,",
				"HashMap order of colliding Aa/BB keys, inserted sorted");
	check_order(dups, 5, "0,1,3,-1,-1,", "HashMap keeps a duplicate at its first position");
	check_order(utf, 4, "3,1,2,0,", "HashMap order of UTF-8 keys");
	check_order(collide, 16, "12,14,13,0,1,2,3,4,5,6,7,8,9,15,10,11,",
				"a long bucket grows a small table instead of becoming a tree");
	for (i = 0; i < 40; i++)
	{
		snprintf(names[i], sizeof(names[i]), "public.table_%d", i);
		tables[i] = names[i];
	}
	check_order(tables, 40,
				"11,33,12,34,31,10,32,30,19,17,39,18,15,37,16,38,13,35,14,36,"
				"1,0,5,4,3,2,9,22,8,23,7,20,6,21,28,29,26,27,24,25,",
				"HashMap order of 40 table names (two resizes)");
	check_order(tables, 0, "", "HashMap order of no keys");
}

/*
 * json_escaped_length() must give exactly the length json_append_escaped()
 * writes (the decoder checks the size of a large value with it): random
 * strings of plain, escaped and control characters, two-byte and four-byte
 * UTF-8, and a four-byte sequence cut short at the end.
 */
static void
test_json_escaped_length(void)
{
	static const char *const pieces[] = {
		"a", "\"", "\\", "\n", "\t", "\r", "\b", "\f", "\x01", "\x1f",
		"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", " "
	};
	StringInfoData in;
	StringInfoData out;
	bool		all = true;

	initStringInfo(&in);
	initStringInfo(&out);
	for (int i = 0; i < 3000; i++)
	{
		int			n = rng_next() % 40;

		resetStringInfo(&in);
		resetStringInfo(&out);
		for (int j = 0; j < n; j++)
			appendStringInfoString(&in, pieces[rng_next() % lengthof(pieces)]);
		/* a truncated four-byte sequence at the end, now and then */
		if (i % 7 == 0)
			appendBinaryStringInfo(&in, "\xf0\x9f\x98", 1 + rng_next() % 3);
		json_append_escaped(&out, in.data, in.len);
		if (json_escaped_length(in.data, in.len) != (size_t) out.len)
		{
			all = false;
			printf("# length %zu, escaped %d bytes\n",
				   json_escaped_length(in.data, in.len), out.len);
			break;
		}
	}
	ok(all, "json_escaped_length is the length json_append_escaped writes");
	pfree(in.data);
	pfree(out.data);
}

int
main(void)
{
	test_java_text();
	test_java_random();
	test_base64_hex();
	test_decimal_examples();
	test_decimal_random();
	test_java_hash();
	test_json_escaped_length();
	printf("1..%d\n", test_count);
	if (fail_count > 0)
		printf("# %d of %d tests failed\n", fail_count, test_count);
	return fail_count > 0 ? 1 : 0;
}
