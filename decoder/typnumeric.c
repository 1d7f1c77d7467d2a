/*-------------------------------------------------------------------------
 *
 * typnumeric.c
 *	  numeric's binary form to Debezium's precise decimal bytes
 *
 * Part of the typconv module (decoder/typconv_int.h).  Reads a numeric
 * Datum's base-10000 digits straight from its binary form and turns them
 * into the unscaled value in big-endian two's complement, the bytes Java's
 * BigInteger.toByteArray() gives and Debezium's precise
 * decimal.handling.mode writes.  Choosing the mode, and the double and
 * string modes, stay in typconv.c; writing the bytes as JSON (base64, and
 * the struct of a VariableScaleDecimal) is libwalcast/dbzvalue.c's.
 *
 * IDENTIFICATION
 *	  decoder/typnumeric.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

#include "libwalcast/dbzvalue.h"
#include "decoder/typconv_int.h"

/*
 * NumericData's on-disk layout is private to utils/adt/numeric.c; these
 * mirror the parts walcast reads.  The layout (a 2-byte header, in the long
 * form followed by an int16 weight, then base-10000 digits, most
 * significant first, without leading or trailing zero digits) has been
 * stable since PostgreSQL 9.1; 14 added the special values' encodings.
 * Reading it directly lets precise mode skip numeric_out() and reparsing
 * its text.
 */
#define WC_NBASE 10000
#define WC_NUMERIC_SIGN_MASK 0xC000
#define WC_NUMERIC_NEG 0x4000
#define WC_NUMERIC_SHORT 0x8000
#define WC_NUMERIC_SPECIAL 0xC000
#define WC_NUMERIC_SHORT_SIGN_MASK 0x2000
#define WC_NUMERIC_SHORT_WEIGHT_SIGN_MASK 0x0040
#define WC_NUMERIC_SHORT_WEIGHT_MASK 0x003F

/* A numeric's digits, as read from its binary form. */
typedef struct NumericParts
{
	bool		special;		/* NaN or an infinity */
	bool		neg;
	int			weight;			/* weight of the first digit, in NBASE */
	int			ndigits;
	const char *digits;			/* ndigits int16s, maybe unaligned */
} NumericParts;

static uint16
read_u16(const char *p)
{
	uint16		v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void
numeric_parts(struct varlena *num, NumericParts *np)
{
	const char *p = VARDATA_ANY(num);
	int			len = VARSIZE_ANY_EXHDR(num);
	uint16		h = read_u16(p);

	np->special = (h & WC_NUMERIC_SIGN_MASK) == WC_NUMERIC_SPECIAL;
	if (np->special)
		return;
	if ((h & WC_NUMERIC_SIGN_MASK) == WC_NUMERIC_SHORT)
	{
		np->neg = (h & WC_NUMERIC_SHORT_SIGN_MASK) != 0;
		np->weight = (h & WC_NUMERIC_SHORT_WEIGHT_SIGN_MASK ?
					  ~WC_NUMERIC_SHORT_WEIGHT_MASK : 0) |
			(h & WC_NUMERIC_SHORT_WEIGHT_MASK);
		np->digits = p + sizeof(uint16);
		np->ndigits = (len - sizeof(uint16)) / sizeof(int16);
	}
	else
	{
		np->neg = (h & WC_NUMERIC_SIGN_MASK) == WC_NUMERIC_NEG;
		np->weight = (int16) read_u16(p + sizeof(uint16));
		np->digits = p + 2 * sizeof(uint16);
		np->ndigits = (len - 2 * sizeof(uint16)) / sizeof(int16);
	}
	while (np->ndigits > 0 && read_u16(np->digits + 2 * (np->ndigits - 1)) == 0)
		np->ndigits--;
}

/*
 * Is the numeric NaN or an infinity?  num may be in short-header form (an
 * array element) but must not be compressed or external.
 */
bool
walcast_typnumeric_is_special(struct varlena *num)
{
	NumericParts np;

	numeric_parts(num, &np);
	return np.special;
}

/* limbs (n of them, little-endian base 2^32) = limbs * m + add */
static int
limbs_mul_add(uint32 *limbs, int n, uint32 m, uint32 add)
{
	uint64		carry = add;

	for (int i = 0; i < n; i++)
	{
		uint64		t = (uint64) limbs[i] * m + carry;

		limbs[i] = (uint32) t;
		carry = t >> 32;
	}
	if (carry)
		limbs[n++] = (uint32) carry;
	return n;
}

/* limbs = limbs / d (truncating) */
static int
limbs_div(uint32 *limbs, int n, uint32 d)
{
	uint64		rem = 0;

	for (int i = n - 1; i >= 0; i--)
	{
		uint64		cur = (rem << 32) | limbs[i];

		limbs[i] = (uint32) (cur / d);
		rem = cur % d;
	}
	while (n > 0 && limbs[n - 1] == 0)
		n--;
	return n;
}

/* limbs * 10^e (e may be negative: a truncating division) */
static int
limbs_scale10(uint32 *limbs, int n, int e)
{
	static const uint32 pow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000,
	10000000, 100000000, 1000000000};

	while (e > 0)
	{
		int			k = Min(e, 9);

		n = limbs_mul_add(limbs, n, pow10[k], 0);
		e -= k;
	}
	while (e < 0 && n > 0)
	{
		int			k = Min(-e, 9);

		n = limbs_div(limbs, n, pow10[k]);
		e += k;
	}
	return n;
}

/*
 * BigInteger.toByteArray() of (neg ? -1 : 1) * limbs: big-endian two's
 * complement in the fewest bytes that keep the sign.  Returns the length;
 * buf needs 4 * n + 1 bytes.
 */
static int
limbs_to_twos(const uint32 *limbs, int n, bool neg, unsigned char *buf)
{
	int			len = 4 * n + 1;
	int			start = 0;

	buf[0] = 0;
	for (int i = 0; i < n; i++)
		for (int b = 0; b < 4; b++)
			buf[len - 1 - (4 * i + b)] = (unsigned char) (limbs[i] >> (8 * b));
	if (neg)
	{
		int			carry = 1;

		for (int i = len - 1; i >= 0; i--)
		{
			int			v = (unsigned char) ~buf[i] + carry;

			buf[i] = (unsigned char) v;
			carry = v >> 8;
		}
	}
	while (len - start > 1 &&
		   ((buf[start] == 0x00 && !(buf[start + 1] & 0x80)) ||
			(buf[start] == 0xFF && (buf[start + 1] & 0x80))))
		start++;
	if (start > 0)
		memmove(buf, buf + start, len - start);
	return len - start;
}

/*
 * A precise-mode decimal straight from the numeric's digits: the unscaled
 * value at the column's scale (Decimal), or with trailing zeros stripped
 * and a scale of at least 0 (VariableScaleDecimal, Debezium's
 * stripTrailingZeros()).  Returns false for NaN and infinities, which
 * Debezium writes as null.  Detoasts; may allocate in the current memory
 * context.
 */
bool
walcast_typnumeric_append_precise(StringInfo out, const DbzType *type,
								  Datum value)
{
	struct varlena *num = PG_DETOAST_DATUM_PACKED(value);
	NumericParts np;
	uint32		stacklimbs[32];
	unsigned char stackbytes[4 * 32 + 1];
	uint32	   *limbs = stacklimbs;
	unsigned char *bytes = stackbytes;
	int			n = 0;
	int			exp10;
	int			scale;
	int			maxlimbs;
	int			len;

	numeric_parts(num, &np);
	if (np.special)
		return false;
	/* decimal exponent of the last digit */
	exp10 = (np.weight - (np.ndigits - 1)) * 4;
	if (type->kind == DBZ_VARDECIMAL)
	{
		int			last = np.ndigits > 0 ?
			read_u16(np.digits + 2 * (np.ndigits - 1)) : 1;

		while (last % 10 == 0)
		{
			last /= 10;
			exp10++;
		}
		scale = np.ndigits == 0 || exp10 >= 0 ? 0 : -exp10;
	}
	else
		scale = type->scale;
	maxlimbs = (4 * np.ndigits + Max(0, exp10 + scale)) / 9 + 2;
	if (maxlimbs > (int) lengthof(stacklimbs))
	{
		limbs = palloc(sizeof(uint32) * maxlimbs);
		bytes = palloc(4 * maxlimbs + 1);
	}
	for (int i = 0; i < np.ndigits; i++)
		n = limbs_mul_add(limbs, n, WC_NBASE, read_u16(np.digits + 2 * i));
	/* the digits so far carry exponent (weight - ndigits + 1) * 4 */
	n = limbs_scale10(limbs, n, (np.weight - (np.ndigits - 1)) * 4 + scale);
	len = limbs_to_twos(limbs, n, np.neg && n > 0, bytes);
	dbzvalue_append_decimal_unscaled(out, bytes, len, scale, type);
	if (limbs != stacklimbs)
	{
		pfree(limbs);
		pfree(bytes);
	}
	return true;
}
