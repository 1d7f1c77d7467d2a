/*-------------------------------------------------------------------------
 *
 * typext.c
 *	  Extension, geometric and unknown types to Debezium's JSON values
 *
 * Part of the typconv module (decoder/typconv_int.h): the per-value
 * conversions of the extension types (hstore, PostGIS geometry and
 * geography, pgvector's vector, halfvec and sparsevec) and of the types
 * include.unknown.datatypes lets through, which Debezium writes as their
 * text in bytes, the built-in geometric types (box, lseg, circle, line,
 * path, polygon) re-printed as pgjdbc prints them.  Recognizing extension
 * types by name, dispatching on the Debezium kind and the built-in point
 * type (a Debezium struct) stay in typconv.c; Debezium's value rules (hstore
 * modes, binary modes, the geometry struct) are common/dbzvalue.c's.
 *
 * IDENTIFICATION
 *	  decoder/typext.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/geo_decls.h"

#include "libwalcast/dbzvalue.h"
#include "libwalcast/encode.h"
#include "libwalcast/json.h"
#include "decoder/typconv_int.h"

/*
 * hstore's binary layout (contrib/hstore/hstore.h, stable since 9.0): a
 * count word, then per pair two end offsets (key, value; the value's has a
 * NULL flag), then the strings.  Pairs are in the order hstore_out lists
 * them, which is the order Debezium inserts them into its HashMap.
 */
#define WC_HS_FLAG_NEWVERSION 0x80000000
#define WC_HS_COUNT_MASK 0x0FFFFFFF
#define WC_HENTRY_ISNULL 0x40000000
#define WC_HENTRY_POSMASK 0x3FFFFFFF

void
walcast_typext_append_hstore(StringInfo out, const WalcastConv *cv,
							 Datum value, const DbzModes *modes)
{
	struct varlena *hs = PG_DETOAST_DATUM(value);
	uint32		size;
	uint32	   *entries;
	const char *strs;
	const char **keys;
	const char **vals;
	size_t	   *keylens;
	size_t	   *vallens;
	int			n;
	uint32		prev = 0;

	memcpy(&size, VARDATA(hs), sizeof(uint32));
	if (!(size & WC_HS_FLAG_NEWVERSION) && (size & WC_HS_COUNT_MASK) != 0)
	{
		/* a pre-9.0 hstore never rewritten; row data stays out of errors */
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot convert an hstore value in the pre-9.0 format"),
				 errhint("Rewrite the column's values in the current format, for example with UPDATE ... SET column = column || ''::hstore.")));
	}
	n = size & WC_HS_COUNT_MASK;
	entries = (uint32 *) (VARDATA(hs) + sizeof(uint32));
	strs = (const char *) (entries + 2 * n);
	keys = palloc(sizeof(char *) * Max(n, 1));
	vals = palloc(sizeof(char *) * Max(n, 1));
	keylens = palloc(sizeof(size_t) * Max(n, 1));
	vallens = palloc(sizeof(size_t) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		uint32		kend = entries[2 * i] & WC_HENTRY_POSMASK;
		uint32		vend = entries[2 * i + 1] & WC_HENTRY_POSMASK;

		keys[i] = strs + prev;
		keylens[i] = kend - prev;
		vals[i] = (entries[2 * i + 1] & WC_HENTRY_ISNULL) ? NULL : strs + kend;
		vallens[i] = vend - kend;
		prev = vend;
	}
	dbzvalue_append_hstore(out, keys, keylens, vals, vallens, n, modes);
}

/* PostGIS: geometry_out/geography_out give hex EWKB, which Debezium keeps. */
void
walcast_typext_append_geometry(StringInfo out, const WalcastConv *cv,
							   Datum value)
{
	char	   *hex = OutputFunctionCall((FmgrInfo *) &cv->outfunc, value);
	size_t		hexlen = strlen(hex);
	unsigned char *ewkb = palloc(hexlen / 2 + 1);

	for (size_t i = 0; i + 1 < hexlen; i += 2)
	{
		int			hi = hex[i] <= '9' ? hex[i] - '0' : (hex[i] | 0x20) - 'a' + 10;
		int			lo = hex[i + 1] <= '9' ? hex[i + 1] - '0' : (hex[i + 1] | 0x20) - 'a' + 10;

		ewkb[i / 2] = (unsigned char) (hi << 4 | lo);
	}
	dbzvalue_append_geometry(out, ewkb, hexlen / 2);
	pfree(ewkb);
	pfree(hex);
}

/* IEEE 754 half precision to float (pgvector's halfvec elements). */
static float
half_to_float(uint16 h)
{
	uint32		sign = (uint32) (h & 0x8000) << 16;
	int			exp = (h >> 10) & 0x1F;
	uint32		mant = h & 0x3FF;
	uint32		bits;
	float		f;

	if (exp == 0x1F)
		bits = sign | 0x7F800000 | (mant << 13);
	else if (exp == 0)
	{
		/* zero or subnormal: mant * 2^-24 */
		f = (float) mant / 16777216.0f;
		return sign ? -f : f;
	}
	else
		bits = sign | ((uint32) (exp - 15 + 127) << 23) | (mant << 13);
	memcpy(&f, &bits, sizeof(f));
	return f;
}

/*
 * pgvector's types (untested here: pgvector is not installed).  Layouts
 * from pgvector's vector.h, halfvec.h and sparsevec.h: vector and halfvec
 * are an int16 dimension count, an unused int16 and the elements;
 * sparsevec is int32 dimensions, int32 nnz, an unused int32, nnz 0-based
 * int32 indexes, then nnz float values.  Debezium parses the text form, so
 * elements print as the float text pgvector writes (shortest float
 * digits), and sparse indexes are the text's 1-based ones.
 */
void
walcast_typext_append_vector(StringInfo out, const WalcastConv *cv,
							 Datum value)
{
	struct varlena *v = PG_DETOAST_DATUM(value);
	const char *p = VARDATA(v);

	if (cv->dbz->kind == DBZ_SPARSEVECTOR)
	{
		int32		dim;
		int32		nnz;
		const int32 *idx;
		const float *vals;

		memcpy(&dim, p, sizeof(int32));
		memcpy(&nnz, p + sizeof(int32), sizeof(int32));
		idx = (const int32 *) (p + 3 * sizeof(int32));
		vals = (const float *) (idx + nnz);
		appendStringInfo(out, "{\"dimensions\":%d,\"vector\":[", dim);
		for (int i = 0; i < nnz; i++)
		{
			appendStringInfo(out, "%s[%d,", i > 0 ? "," : "", idx[i] + 1);
			json_append_float(out, vals[i]);
			appendStringInfoChar(out, ']');
		}
		appendStringInfoString(out, "]}");
		return;
	}
	{
		int16		dim;

		memcpy(&dim, p, sizeof(int16));
		appendStringInfoChar(out, '[');
		for (int i = 0; i < dim; i++)
		{
			if (i > 0)
				appendStringInfoChar(out, ',');
			if (cv->dbz->kind == DBZ_DOUBLEVECTOR)
				json_append_float(out, ((const float *) (p + 4))[i]);
			else
				json_append_float(out, half_to_float(((const uint16 *) (p + 4))[i]));
		}
		appendStringInfoChar(out, ']');
	}
}

/* "(x,y)" with Java's Double.toString, as pgjdbc's PGpoint prints. */
static void
append_java_point(StringInfo buf, const Point *p)
{
	char		num[ENCODE_JAVA_FLOAT_BUFLEN];

	appendStringInfoChar(buf, '(');
	appendBinaryStringInfo(buf, num, encode_java_double(p->x, num));
	appendStringInfoChar(buf, ',');
	appendBinaryStringInfo(buf, num, encode_java_double(p->y, num));
	appendStringInfoChar(buf, ')');
}

static void
append_java_points(StringInfo buf, const Point *p, int n)
{
	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoChar(buf, ',');
		append_java_point(buf, &p[i]);
	}
}

/*
 * The text pgjdbc's geometric classes (PGbox, PGcircle...) give for a
 * geometric value, which is what include.unknown.datatypes writes for them:
 * the server's text re-printed with Java doubles.  Read from the binary
 * form.  Returns false for other types.
 */
static bool
geometric_java_text(StringInfo buf, Oid typid, Datum value)
{
	char		num[ENCODE_JAVA_FLOAT_BUFLEN];

	switch (typid)
	{
		case BOXOID:
			{
				BOX		   *b = DatumGetBoxP(value);

				append_java_point(buf, &b->high);
				appendStringInfoChar(buf, ',');
				append_java_point(buf, &b->low);
				return true;
			}
		case LSEGOID:
			appendStringInfoChar(buf, '[');
			append_java_points(buf, DatumGetLsegP(value)->p, 2);
			appendStringInfoChar(buf, ']');
			return true;
		case CIRCLEOID:
			{
				CIRCLE	   *c = DatumGetCircleP(value);

				appendStringInfoChar(buf, '<');
				append_java_point(buf, &c->center);
				appendStringInfoChar(buf, ',');
				appendBinaryStringInfo(buf, num, encode_java_double(c->radius, num));
				appendStringInfoChar(buf, '>');
				return true;
			}
		case LINEOID:
			{
				LINE	   *l = DatumGetLineP(value);

				appendStringInfoChar(buf, '{');
				appendBinaryStringInfo(buf, num, encode_java_double(l->A, num));
				appendStringInfoChar(buf, ',');
				appendBinaryStringInfo(buf, num, encode_java_double(l->B, num));
				appendStringInfoChar(buf, ',');
				appendBinaryStringInfo(buf, num, encode_java_double(l->C, num));
				appendStringInfoChar(buf, '}');
				return true;
			}
		case PATHOID:
			{
				PATH	   *p = DatumGetPathP(value);

				appendStringInfoChar(buf, p->closed ? '(' : '[');
				append_java_points(buf, p->p, p->npts);
				appendStringInfoChar(buf, p->closed ? ')' : ']');
				return true;
			}
		case POLYGONOID:
			{
				POLYGON    *p = DatumGetPolygonP(value);

				appendStringInfoChar(buf, '(');
				append_java_points(buf, p->p, p->npts);
				appendStringInfoChar(buf, ')');
				return true;
			}
	}
	return false;
}

/*
 * include.unknown.datatypes: the value's text as binary data (geometric
 * types as pgjdbc prints them).
 */
void
walcast_typext_append_unknown(StringInfo out, const WalcastConv *cv,
							  Datum value, const DbzModes *modes)
{
	StringInfoData buf;
	char	   *s;

	initStringInfo(&buf);
	if (geometric_java_text(&buf, cv->basetypid, value))
	{
		dbzvalue_append_binary(out, (unsigned char *) buf.data, buf.len, modes);
		pfree(buf.data);
		return;
	}
	pfree(buf.data);
	s = OutputFunctionCall((FmgrInfo *) &cv->outfunc, value);
	dbzvalue_append_binary(out, (unsigned char *) s, strlen(s), modes);
	pfree(s);
}
