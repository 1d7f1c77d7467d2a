/*-------------------------------------------------------------------------
 *
 * typconv.c
 *	  From a PostgreSQL Datum to Debezium's JSON value: the one place
 *
 * Two steps.  Once per relation, walcast_typconv_init_column() maps a
 * column's type to a Debezium kind (libwalcast/dbzschema.h) and looks up what
 * converting it needs: output functions, array element layouts, enum
 * labels, and the kinds of extension types (hstore, ltree, citext, PostGIS,
 * pgvector), which have no fixed OIDs and are recognized by type name.
 * Then, per value, walcast_typconv_append() reads the Datum's binary form
 * directly where that is cheap (integers, floats, numeric, bit strings,
 * dates, times, timestamps, intervals, uuid, bytea, text, hstore, point,
 * pgvector types) and hands canonical values to libwalcast/dbzvalue.c, which
 * knows Debezium's rules; the other types go through their output function,
 * whose text is what Debezium writes.
 *
 * The module has four files sharing the private decoder/typconv_int.h:
 * this one maps types to Debezium kinds and dispatches values;
 * typdefault.c renders column defaults; typnumeric.c turns numeric's binary form into precise
 * decimal bytes; typext.c converts the extension types and the unknown
 * ones (geometric types as pgjdbc prints them).
 *
 * Arrays: one level of JSON array, elements converted like scalars of the
 * element type.  A multi-dimensional array is flattened in storage
 * (row-major) order: Debezium itself writes nulls or Java identity strings
 * for them (a defect), and a flat list keeps the value valid against the
 * array schema.
 *
 * IDENTIFICATION
 *	  decoder/typconv.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/detoast.h"
#include "access/htup_details.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/arrayaccess.h"
#include "utils/builtins.h"
#include "utils/cash.h"
#include "utils/catcache.h"
#include "utils/date.h"
#include "utils/geo_decls.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"
#include "utils/varbit.h"

#include "libwalcast/dbzvalue.h"
#include "libwalcast/json.h"
#include "decoder/typconv_int.h"

/* Debezium's varbit length parameter when there is no typmod. */
#define VARBIT_UNBOUNDED_LENGTH 2147483647

/* Temporal precision from a typmod: 6 when undeclared. */
static int
temporal_precision(int32 typmod)
{
	return typmod < 0 ? 6 : Min(typmod, 6);
}

/* The built-in types with a fixed Debezium mapping. */
static DbzKind
builtin_kind(Oid typid, int32 typmod, DbzType *t)
{
	switch (typid)
	{
		case BOOLOID:
			return DBZ_BOOL;
		case INT2OID:
			return DBZ_INT16;
		case INT4OID:
			return DBZ_INT32;
		case INT8OID:
		case OIDOID:
			return DBZ_INT64;
		case FLOAT4OID:
			return DBZ_FLOAT32;
		case FLOAT8OID:
			return DBZ_FLOAT64;
		case NUMERICOID:
			if (typmod < (int32) VARHDRSZ)
				return DBZ_VARDECIMAL;
			t->precision = ((typmod - VARHDRSZ) >> 16) & 0xFFFF;
			/* the scale is an 11-bit signed number since PostgreSQL 15 */
			t->scale = ((((typmod - VARHDRSZ) & 0x7FF) ^ 1024) - 1024);
			return DBZ_DECIMAL;
		case CASHOID:
			return DBZ_MONEY;
		case TEXTOID:
		case VARCHAROID:
		case NAMEOID:
		case CHAROID:
		case INETOID:
		case CIDROID:
		case MACADDROID:
		case MACADDR8OID:
		case INT4RANGEOID:
		case INT8RANGEOID:
		case NUMRANGEOID:
		case DATERANGEOID:
		case TSRANGEOID:
		case TSTZRANGEOID:
			return DBZ_STRING;
		case BPCHAROID:
			return DBZ_BPCHAR;
		case BYTEAOID:
			return DBZ_BYTES;
		case DATEOID:
			return DBZ_DATE;
		case TIMEOID:
			t->scale = temporal_precision(typmod);
			return DBZ_TIME;
		case TIMETZOID:
			t->scale = temporal_precision(typmod);
			return DBZ_TIMETZ;
		case TIMESTAMPOID:
			t->scale = temporal_precision(typmod);
			return DBZ_TIMESTAMP;
		case TIMESTAMPTZOID:
			t->scale = temporal_precision(typmod);
			return DBZ_TIMESTAMPTZ;
		case INTERVALOID:
			return DBZ_INTERVAL;
		case UUIDOID:
			return DBZ_UUID;
		case JSONOID:
		case JSONBOID:
			return DBZ_JSON;
		case XMLOID:
			return DBZ_XML;
		case TSVECTOROID:
			return DBZ_TSVECTOR;
		case POINTOID:
			return DBZ_POINT;
		case BITOID:
			if (typmod == 1)
				return DBZ_BOOL;
			t->length = typmod;
			return DBZ_BITS;
		case VARBITOID:
			t->length = typmod < 0 ? VARBIT_UNBOUNDED_LENGTH : typmod;
			return DBZ_BITS;
	}
	return DBZ_OMIT;
}

/*
 * Extension types, which have no fixed OIDs: recognized by type name, as
 * Debezium does (it matches pg_type.typname).  Called once per column.
 */
static DbzKind
extension_kind(Oid typid)
{
	static const struct
	{
		const char *name;
		DbzKind		kind;
	}			names[] = {
		{"citext", DBZ_STRING},
		{"isbn", DBZ_STRING},
		{"hstore", DBZ_HSTORE},
		{"ltree", DBZ_LTREE},
		{"geometry", DBZ_GEOMETRY},
		{"geography", DBZ_GEOGRAPHY},
		{"vector", DBZ_DOUBLEVECTOR},
		{"halfvec", DBZ_FLOATVECTOR},
		{"sparsevec", DBZ_SPARSEVECTOR},
	};
	HeapTuple	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
	DbzKind		kind = DBZ_OMIT;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for type %u", typid);
	for (int i = 0; i < lengthof(names); i++)
	{
		if (strcmp(NameStr(((Form_pg_type) GETSTRUCT(tup))->typname),
				   names[i].name) == 0)
			kind = names[i].kind;
	}
	ReleaseSysCache(tup);
	return kind;
}

/*
 * What Debezium writes for an unchanged TOASTed value of a scalar kind
 * (arrays: see array_toast).
 */
static DbzToast
scalar_toast(DbzKind kind)
{
	switch (kind)
	{
		case DBZ_BYTES:
		case DBZ_UNKNOWN:
			return DBZ_TOAST_BYTES;
		case DBZ_HSTORE:
			return DBZ_TOAST_HSTORE;
		case DBZ_STRING:
		case DBZ_BPCHAR:
		case DBZ_JSON:
		case DBZ_XML:
		case DBZ_LTREE:
		case DBZ_TSVECTOR:
		case DBZ_ENUM:
		case DBZ_UUID:
			return DBZ_TOAST_STRING;
		default:
			/* Debezium's converter rejects the placeholder: null */
			return DBZ_TOAST_NULL;
	}
}

/* Debezium's placeholder for an array, from its element type. */
static DbzToast
array_toast(Oid elemtype)
{
	switch (elemtype)
	{
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
		case JSONOID:
		case JSONBOID:
			return DBZ_TOAST_TEXT_ARRAY;
		case BYTEAOID:
			return DBZ_TOAST_BYTES_ARRAY;
		case INT4OID:
		case INT8OID:
		case DATEOID:
			return DBZ_TOAST_INT_ARRAY;
		case UUIDOID:
			return DBZ_TOAST_UUID_ARRAY;
		default:
			return DBZ_TOAST_NULL;
	}
}

/* Is this element kind one Debezium maps inside arrays? */
static bool
array_element_ok(const DbzType *t, Oid elemtype)
{
	switch (t->kind)
	{
		case DBZ_MONEY:
		case DBZ_INTERVAL:
		case DBZ_XML:
		case DBZ_POINT:
		case DBZ_UNKNOWN:
		case DBZ_DOUBLEVECTOR:
		case DBZ_FLOATVECTOR:
		case DBZ_SPARSEVECTOR:
		case DBZ_ARRAY:
		case DBZ_OMIT:
			return false;
		case DBZ_BITS:
			/* varbit[] is left out; bit(n)[] is the odd case below */
			return elemtype == BITOID;
		default:
			/* name[] is dropped too (a defect walcast copies: policy) */
			return elemtype != NAMEOID;
	}
}

static int
enum_label_cmp(const void *a, const void *b)
{
	Oid			x = ((const WalcastEnumLabel *) a)->oid;
	Oid			y = ((const WalcastEnumLabel *) b)->oid;

	return x < y ? -1 : x > y ? 1 : 0;
}

typedef struct SortableLabel
{
	float4		sortorder;
	Oid			oid;
	char	   *label;
} SortableLabel;

static int
sortable_label_cmp(const void *a, const void *b)
{
	float4		x = ((const SortableLabel *) a)->sortorder;
	float4		y = ((const SortableLabel *) b)->sortorder;

	return x < y ? -1 : x > y ? 1 : 0;
}

/*
 * Load an enum's labels: "allowed" (labels in sort order, joined with ','
 * unescaped, as Debezium writes it) and the OID -> label table values are
 * converted with.  Labels added later are found through the syscache.
 */
static void
load_enum(WalcastConv *cv, DbzType *t, Oid typid)
{
	CatCList   *list = SearchSysCacheList1(ENUMTYPOIDNAME,
										   ObjectIdGetDatum(typid));
	SortableLabel *sorted = palloc(sizeof(SortableLabel) * Max(list->n_members, 1));
	StringInfoData allowed;
	StringInfoData json;

	for (int i = 0; i < list->n_members; i++)
	{
		Form_pg_enum e = (Form_pg_enum) GETSTRUCT(&list->members[i]->tuple);

		sorted[i].sortorder = e->enumsortorder;
		sorted[i].oid = e->oid;
		sorted[i].label = pstrdup(NameStr(e->enumlabel));
	}
	cv->nlabels = list->n_members;
	ReleaseSysCacheList(list);
	qsort(sorted, cv->nlabels, sizeof(SortableLabel), sortable_label_cmp);
	initStringInfo(&allowed);
	cv->labels = palloc(sizeof(WalcastEnumLabel) * Max(cv->nlabels, 1));
	for (int i = 0; i < cv->nlabels; i++)
	{
		if (i > 0)
			appendStringInfoChar(&allowed, ',');
		appendStringInfoString(&allowed, sorted[i].label);
		initStringInfo(&json);
		json_append_cstring(&json, sorted[i].label);
		cv->labels[i].oid = sorted[i].oid;
		cv->labels[i].json = json.data;
	}
	qsort(cv->labels, cv->nlabels, sizeof(WalcastEnumLabel), enum_label_cmp);
	t->allowed = allowed.data;
}

static bool init_conv(WalcastConv *cv, DbzType *t, Oid typid, int32 typmod,
					  const DbzModes *modes);

/*
 * An array column: the element's mapping and layout.  Returns false when
 * Debezium leaves the column out.
 */
static bool
init_array(WalcastConv *cv, DbzType *t, Oid elemtype, int32 typmod,
		   const DbzModes *modes)
{
	DbzType    *et = palloc0(sizeof(DbzType));
	WalcastConv *ecv = palloc0(sizeof(WalcastConv));

	/* an array of a domain has no converter in Debezium */
	if (get_typtype(elemtype) == TYPTYPE_DOMAIN ||
		!init_conv(ecv, et, elemtype, typmod, modes) ||
		!array_element_ok(et, elemtype))
		return false;
	get_typlenbyvalalign(elemtype, &ecv->typlen, &ecv->typbyval,
						 &ecv->typalign);
	if (elemtype == BITOID)
	{
		/*
		 * Debezium declares bit(n)[] with the schema of one bit(n) value and
		 * always writes null (it fails to convert the array); copied.
		 */
		*t = *et;
		t->always_null = true;
		t->toast = DBZ_TOAST_NULL;
		cv->elem = NULL;
		return true;
	}
	/*
	 * Debezium declares the items of enum[] and tsvector[] required, but an
	 * element can be NULL, and Kafka Connect's JsonConverter refuses such a
	 * record: walcast declares them optional, as for every other array (a
	 * deviation).  int2vector and oidvector have no NULL elements.
	 */
	et->elem_required = false;
	t->kind = DBZ_ARRAY;
	t->elem = et;
	t->toast = array_toast(elemtype);
	cv->elem = ecv;
	return true;
}

/*
 * Fill in the mapping t and the conversion cv of (base) type typid.
 * Returns false when Debezium leaves such a column out.  Does catalog
 * lookups; allocates in the current memory context.
 */
static bool
init_conv(WalcastConv *cv, DbzType *t, Oid typid, int32 typmod,
		  const DbzModes *modes)
{
	Oid			elemtype;
	Oid			outfunc;
	bool		isvarlena;

	memset(t, 0, sizeof(DbzType));
	t->precision = -1;
	cv->basetypid = typid;
	cv->dbz = t;
	t->kind = builtin_kind(typid, typmod, t);
	if (t->kind == DBZ_OMIT && get_typtype(typid) == TYPTYPE_ENUM)
	{
		t->kind = DBZ_ENUM;
		load_enum(cv, t, typid);
	}
	if (t->kind == DBZ_OMIT && OidIsValid(elemtype = get_element_type(typid)))
	{
		if (!init_array(cv, t, elemtype, typmod, modes))
			return false;
		/* int2vector and oidvector: Debezium's items are required */
		if (typid == INT2VECTOROID || typid == OIDVECTOROID)
			((DbzType *) t->elem)->elem_required = true;
		return true;
	}
	if (t->kind == DBZ_OMIT)
		t->kind = extension_kind(typid);
	if (t->kind == DBZ_OMIT && modes->include_unknown)
		t->kind = DBZ_UNKNOWN;
	if (t->kind == DBZ_OMIT)
		return false;
	t->toast = scalar_toast(t->kind);
	getTypeOutputInfo(typid, &outfunc, &isvarlena);
	fmgr_info(outfunc, &cv->outfunc);
	return true;
}

/* Does the domain, or a domain it is based on, say NOT NULL? */
static bool
domain_not_null(Oid typid)
{
	for (;;)
	{
		HeapTuple	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
		Form_pg_type typ;
		bool		notnull;

		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for type %u", typid);
		typ = (Form_pg_type) GETSTRUCT(tup);
		if (typ->typtype != TYPTYPE_DOMAIN)
		{
			ReleaseSysCache(tup);
			return false;
		}
		notnull = typ->typnotnull;
		typid = typ->typbasetype;
		ReleaseSysCache(tup);
		if (notnull)
			return true;
	}
}

/*
 * Fill in the type-dependent parts of col from the attribute.  Returns false
 * when Debezium leaves the column out.  Does catalog lookups; allocates
 * (the output function's FmgrInfo, enum labels) in the current memory
 * context.
 */
bool
walcast_typconv_init_column(WalcastColumn *col, Form_pg_attribute att,
							const DbzModes *modes)
{
	int32		typmod = att->atttypmod;

	col->name = pstrdup(NameStr(att->attname));
	col->attnum = att->attnum;
	col->typid = att->atttypid;
	col->basetypid = getBaseTypeAndTypmod(att->atttypid, &typmod);
	/* a NOT NULL domain makes the field required, as in Debezium */
	col->notnull = att->attnotnull ||
		(col->basetypid != col->typid && domain_not_null(col->typid));
	col->varlena = att->attlen == -1;
	return init_conv(&col->conv, &col->dbz, col->basetypid, typmod, modes);
}

/*
 * The varlena of a non-null Datum, ready to read (VARDATA_ANY): the value
 * itself when it is inline and not compressed, or an indirect pointer to
 * such a value (what the reorder buffer hands over for a value it
 * reassembled from TOAST chunks: read where it is, not copied); otherwise
 * detoasted into a copy in the current memory context.  *copied says
 * which.
 */
static struct varlena *
detoast_value(Datum value, bool *copied)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(value);

	if (VARATT_IS_EXTERNAL_INDIRECT(v))
	{
		struct varatt_indirect redirect;

		VARATT_EXTERNAL_GET_POINTER(redirect, v);
		if (!VARATT_IS_EXTERNAL(redirect.pointer) &&
			!VARATT_IS_COMPRESSED(redirect.pointer))
		{
			*copied = false;
			return redirect.pointer;
		}
	}
	*copied = VARATT_IS_EXTERNAL(v) || VARATT_IS_COMPRESSED(v);
	return *copied ? detoast_attr(v) : v;
}

/* Append the server's text form of value, as a JSON string. */
static void
append_output_text(StringInfo out, const WalcastConv *cv, Datum value)
{
	char	   *s = OutputFunctionCall((FmgrInfo *) &cv->outfunc, value);

	json_append_cstring(out, s);
	pfree(s);
}

static void
append_uuid(StringInfo out, Datum value)
{
	static const char hex[] = "0123456789abcdef";
	pg_uuid_t  *u = DatumGetUUIDP(value);
	char		buf[38];
	char	   *p = buf;

	*p++ = '"';
	for (int i = 0; i < UUID_LEN; i++)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[u->data[i] >> 4];
		*p++ = hex[u->data[i] & 0xF];
	}
	*p++ = '"';
	appendBinaryStringInfo(out, buf, p - buf);
}

/*
 * numeric: precise mode from the binary form; double and string modes
 * from numeric_out's text, which is what they print (string) or parse
 * (double, correctly rounded by strtod).
 */
static void
append_numeric(StringInfo out, const WalcastConv *cv, Datum value,
			   const DbzModes *modes)
{
	char	   *s;

	if (modes->decimal == DBZ_DECIMAL_PRECISE)
	{
		if (!walcast_typnumeric_append_precise(out, cv->dbz, value))
			appendStringInfoString(out, "null");	/* as Debezium */
		return;
	}
	s = OutputFunctionCall((FmgrInfo *) &cv->outfunc, value);
	dbzvalue_append_decimal(out, s, cv->dbz, modes);
	pfree(s);
}

/*
 * money: a Cash is an int64 count of cents (lc_monetary with 2 fraction
 * digits, as Debezium assumes too).  Debezium sets the scale to
 * money.fraction.digits rounding half up, so with fewer than 2 digits the
 * value is rounded here; the decimal text then has exactly that scale.
 */
static void
append_money(StringInfo out, const WalcastConv *cv, Datum value,
			 const DbzModes *modes)
{
	Cash		c = DatumGetCash(value);
	uint64		u = c < 0 ? -(uint64) c : (uint64) c;
	int			digits = modes->money_fraction_digits;
	char		buf[48];

	if (digits == 1)
		snprintf(buf, sizeof(buf), "%s" UINT64_FORMAT ".%d", c < 0 ? "-" : "",
				 (u + 5) / 100, (int) ((u + 5) / 10 % 10));
	else if (digits <= 0)
		snprintf(buf, sizeof(buf), "%s" UINT64_FORMAT, c < 0 ? "-" : "",
				 (u + 50) / 100);
	else
		snprintf(buf, sizeof(buf), "%s" UINT64_FORMAT ".%02d", c < 0 ? "-" : "",
				 u / 100, (int) (u % 100));
	dbzvalue_append_decimal(out, buf, cv->dbz, modes);
}

static void
append_temporal(StringInfo out, const WalcastConv *cv, Datum value,
				const DbzModes *modes)
{
	switch (cv->dbz->kind)
	{
		case DBZ_DATE:
			{
				DateADT		d = DatumGetDateADT(value);

				dbzvalue_append_date(out,
									 DATE_IS_NOBEGIN(d) ? DBZ_EPOCH_DAYS_NEG_INF :
									 DATE_IS_NOEND(d) ? DBZ_EPOCH_DAYS_POS_INF :
									 d + DBZ_PG_EPOCH_UNIX_DAYS, modes);
				break;
			}
		case DBZ_TIME:
			dbzvalue_append_time(out, DatumGetTimeADT(value), cv->dbz, modes);
			break;
		case DBZ_TIMETZ:
			{
				TimeTzADT  *t = DatumGetTimeTzADTP(value);

				dbzvalue_append_timetz(out, t->time, t->zone);
				break;
			}
		case DBZ_TIMESTAMP:
			dbzvalue_append_timestamp(out, DatumGetTimestamp(value),
									  cv->dbz, modes);
			break;
		case DBZ_TIMESTAMPTZ:
			dbzvalue_append_timestamptz(out, DatumGetTimestampTz(value),
										cv->dbz->scale);
			break;
		case DBZ_INTERVAL:
			{
				Interval   *iv = DatumGetIntervalP(value);

				dbzvalue_append_interval(out, iv->month, iv->day, iv->time,
										 modes);
				break;
			}
		default:
			Assert(false);
	}
}

/* An enum value's label, from the table built with the relation. */
static void
append_enum(StringInfo out, const WalcastConv *cv, Datum value)
{
	WalcastEnumLabel key;
	WalcastEnumLabel *found;

	key.oid = DatumGetObjectId(value);
	found = bsearch(&key, cv->labels, cv->nlabels, sizeof(WalcastEnumLabel),
					enum_label_cmp);
	if (found)
		appendStringInfoString(out, found->json);
	else
		append_output_text(out, cv, value); /* a label added since */
}

static void append_value(StringInfo out, const WalcastConv *cv, Datum value,
						 const DbzModes *modes);

/*
 * Does a numeric array hold NaN or an infinity?  Debezium then writes the
 * whole array as null, in every decimal mode.
 */
static bool
array_has_special_numeric(AnyArrayType *arr, const WalcastConv *ecv)
{
	array_iter	it;
	int			nitems = ArrayGetNItems(AARR_NDIM(arr), AARR_DIMS(arr));
	bool		isnull;

	array_iter_setup(&it, arr);
	for (int i = 0; i < nitems; i++)
	{
		Datum		d = array_iter_next(&it, &isnull, i, ecv->typlen,
										ecv->typbyval, ecv->typalign);

		if (isnull)
			continue;
		if (walcast_typnumeric_is_special((struct varlena *)
										  DatumGetPointer(d)))
			return true;
	}
	return false;
}

/*
 * An array: its elements in storage order (a multi-dimensional array is
 * flattened), NULL elements as null.
 */
static void
append_array(StringInfo out, const WalcastConv *cv, Datum value,
			 const DbzModes *modes)
{
	AnyArrayType *arr = DatumGetAnyArrayP(value);
	const WalcastConv *ecv = cv->elem;
	int			nitems = ArrayGetNItems(AARR_NDIM(arr), AARR_DIMS(arr));
	array_iter	it;
	bool		isnull;

	if (ecv->basetypid == NUMERICOID && array_has_special_numeric(arr, ecv))
	{
		appendStringInfoString(out, "null");
		return;
	}
	array_iter_setup(&it, arr);
	appendStringInfoChar(out, '[');
	for (int i = 0; i < nitems; i++)
	{
		Datum		d = array_iter_next(&it, &isnull, i, ecv->typlen,
										ecv->typbyval, ecv->typalign);

		if (i > 0)
			appendStringInfoChar(out, ',');
		if (isnull)
			appendStringInfoString(out, "null");
		else
			append_value(out, ecv, d, modes);
	}
	appendStringInfoChar(out, ']');
}

/* Text-like values whose bytes are the text: no output function needed. */
static void
append_string(StringInfo out, const WalcastConv *cv, Datum value)
{
	switch (cv->basetypid)
	{
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
		case JSONOID:
			{
				bool		copied;
				struct varlena *t = detoast_value(value, &copied);

				json_append_string(out, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
				if (copied)
					pfree(t);
				break;
			}
		case NAMEOID:
			json_append_cstring(out, NameStr(*DatumGetName(value)));
			break;
		default:
			append_output_text(out, cv, value);
			break;
	}
}

/* One non-null value of the conversion's type. */
static void
append_value(StringInfo out, const WalcastConv *cv, Datum value,
			 const DbzModes *modes)
{
	switch (cv->dbz->kind)
	{
		case DBZ_BOOL:
			if (cv->basetypid == BITOID)
			{
				VarBit	   *vb = DatumGetVarBitP(value);

				value = BoolGetDatum(VARBITLEN(vb) > 0 && (VARBITS(vb)[0] & 0x80));
			}
			if (DatumGetBool(value))
				appendBinaryStringInfo(out, "true", 4);
			else
				appendBinaryStringInfo(out, "false", 5);
			break;
		case DBZ_INT16:
			json_append_int64(out, DatumGetInt16(value));
			break;
		case DBZ_INT32:
			json_append_int64(out, DatumGetInt32(value));
			break;
		case DBZ_INT64:
			if (cv->basetypid == OIDOID)
				json_append_int64(out, DatumGetObjectId(value));
			else
				json_append_int64(out, DatumGetInt64(value));
			break;
		case DBZ_FLOAT32:
			json_append_float(out, DatumGetFloat4(value));
			break;
		case DBZ_FLOAT64:
			json_append_double(out, DatumGetFloat8(value));
			break;
		case DBZ_DECIMAL:
		case DBZ_VARDECIMAL:
			append_numeric(out, cv, value, modes);
			break;
		case DBZ_MONEY:
			append_money(out, cv, value, modes);
			break;
		case DBZ_STRING:
		case DBZ_BPCHAR:
		case DBZ_XML:
		case DBZ_JSON:
		case DBZ_LTREE:
		case DBZ_TSVECTOR:
			append_string(out, cv, value);
			break;
		case DBZ_BYTES:
			{
				bool		copied;
				struct varlena *b = detoast_value(value, &copied);

				dbzvalue_append_binary(out, (unsigned char *) VARDATA_ANY(b),
									   VARSIZE_ANY_EXHDR(b), modes);
				if (copied)
					pfree(b);
				break;
			}
		case DBZ_UNKNOWN:
			walcast_typext_append_unknown(out, cv, value, modes);
			break;
		case DBZ_UUID:
			append_uuid(out, value);
			break;
		case DBZ_DATE:
		case DBZ_TIME:
		case DBZ_TIMETZ:
		case DBZ_TIMESTAMP:
		case DBZ_TIMESTAMPTZ:
		case DBZ_INTERVAL:
			append_temporal(out, cv, value, modes);
			break;
		case DBZ_BITS:
			{
				VarBit	   *vb = DatumGetVarBitP(value);

				dbzvalue_append_bits(out, VARBITS(vb), VARBITLEN(vb));
				break;
			}
		case DBZ_ENUM:
			append_enum(out, cv, value);
			break;
		case DBZ_HSTORE:
			walcast_typext_append_hstore(out, cv, value, modes);
			break;
		case DBZ_POINT:
			{
				Point	   *pt = DatumGetPointP(value);

				dbzvalue_append_point(out, pt->x, pt->y);
				break;
			}
		case DBZ_GEOMETRY:
		case DBZ_GEOGRAPHY:
			walcast_typext_append_geometry(out, cv, value);
			break;
		case DBZ_DOUBLEVECTOR:
		case DBZ_FLOATVECTOR:
		case DBZ_SPARSEVECTOR:
			walcast_typext_append_vector(out, cv, value);
			break;
		case DBZ_ARRAY:
			append_array(out, cv, value, modes);
			break;
		case DBZ_OMIT:
			elog(ERROR, "type %u has no Debezium mapping", cv->basetypid);
	}
}

/*
 * Append Debezium's JSON value of a non-null Datum of the column's type.
 * The caller has dealt with NULLs and unchanged TOASTed values.  Detoasts
 * and may allocate in the current memory context (the change context).
 */
void
walcast_typconv_append(StringInfo out, const WalcastColumn *col, Datum value,
					   const DbzModes *modes)
{
	if (col->dbz.always_null)
		appendBinaryStringInfo(out, "null", 4);
	else
		append_value(out, &col->conv, value, modes);
}

/*
 * Can the non-null value of column col be written in these modes?  Only a
 * NOT NULL column can fail: its schema is required, yet Debezium has only
 * null for NaN and infinite numerics in precise mode, for numeric arrays
 * holding one in any mode, and for timestamps beyond int64 nanoseconds.
 * A nullable column writes null, which its schema allows.  Detoasts.
 */
WalcastUnwritable
walcast_typconv_unwritable(const WalcastColumn *col, Datum value,
						   const DbzModes *modes)
{
	const WalcastConv *cv = &col->conv;

	if (!col->notnull || col->dbz.always_null)
		return WC_WRITABLE;
	switch (col->dbz.kind)
	{
		case DBZ_DECIMAL:
		case DBZ_VARDECIMAL:
			if (modes->decimal == DBZ_DECIMAL_PRECISE &&
				cv->basetypid == NUMERICOID &&
				walcast_typnumeric_is_special(PG_DETOAST_DATUM_PACKED(value)))
				return WC_UNWRITABLE_DECIMAL;
			break;
		case DBZ_TIMESTAMP:
			if (!dbzvalue_timestamp_fits(DatumGetTimestamp(value), modes))
				return WC_UNWRITABLE_TIMESTAMP;
			break;
		case DBZ_ARRAY:
			if (cv->elem->basetypid == NUMERICOID &&
				array_has_special_numeric(DatumGetAnyArrayP(value), cv->elem))
				return WC_UNWRITABLE_DECIMAL_ARRAY;
			break;
		default:
			break;
	}
	return WC_WRITABLE;
}

/*
 * No value's JSON is longer than this many times its stored size (a control
 * character becomes \u00XX)...
 */
#define JSON_GROWTH_MAX 6
/* ...but a jsonb's numbers may print much longer than they are stored... */
#define JSONB_GROWTH_MAX 256
/* ...and a numeric prints at most 147,455 digits, a sign and a point. */
#define NUMERIC_JSON_MAX (148 * 1024)

/*
 * The exact JSON size of a text-like value converted without its output
 * function (see append_string), or of a bytea; 0 for other types.
 */
static Size
exact_json_size(const WalcastConv *cv, Datum value, const DbzModes *modes)
{
	struct varlena *v;
	bool		copied;
	Size		n;

	if (cv->dbz->kind == DBZ_BYTES)
		return dbzvalue_binary_length(toast_raw_datum_size(value) - VARHDRSZ,
									  modes);
	switch (cv->basetypid)
	{
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
		case JSONOID:
			v = detoast_value(value, &copied);
			n = 2 + json_escaped_length(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
			if (copied)
				pfree(v);
			return n;
		default:
			return 0;
	}
}

/*
 * Would Debezium's JSON of a non-null varlena value of the column take at
 * most room bytes?  Answered without converting it: a value is judged by
 * JSON_GROWTH_MAX times its stored size (JSONB_GROWTH_MAX for a jsonb,
 * whose numbers may print far longer than they are stored; a numeric by
 * NUMERIC_JSON_MAX), or when that is over room, by its exact JSON size (text types, bytea) or the JSON size
 * of its output function's text (the types converted through it).  Arrays,
 * hstore and the extension types have no exact size here: over the bound,
 * they count as too large.  May detoast, or call the output function, in
 * the current memory context.
 */
bool
walcast_typconv_fits(const WalcastColumn *col, Datum value,
					 const DbzModes *modes, Size room)
{
	const WalcastConv *cv = &col->conv;
	Size		raw = toast_raw_datum_size(value);
	Size		exact;
	char	   *s;

	if (col->dbz.always_null)
		return true;
	if (cv->basetypid == NUMERICOID ? room >= NUMERIC_JSON_MAX :
		raw <= room / (cv->basetypid == JSONBOID ? JSONB_GROWTH_MAX :
					   JSON_GROWTH_MAX))
		return true;
	exact = exact_json_size(cv, value, modes);
	if (exact > 0)
		return exact <= room;
	if (cv->dbz->kind == DBZ_ARRAY || cv->dbz->kind == DBZ_HSTORE ||
		cv->dbz->kind == DBZ_GEOMETRY || cv->dbz->kind == DBZ_GEOGRAPHY ||
		cv->dbz->kind == DBZ_DOUBLEVECTOR || cv->dbz->kind == DBZ_FLOATVECTOR ||
		cv->dbz->kind == DBZ_SPARSEVECTOR)
		return false;
	/* the other varlena types print their output function's text */
	s = OutputFunctionCall((FmgrInfo *) &cv->outfunc, value);
	exact = 2 + json_escaped_length(s, strlen(s));
	pfree(s);
	return exact <= room;
}

/*
 * Is value an unchanged TOASTed value that the WAL record does not carry?
 */
bool
walcast_typconv_is_unchanged_toast(const WalcastColumn *col, Datum value)
{
	return col->varlena &&
		VARATT_IS_EXTERNAL_ONDISK(DatumGetPointer(value));
}
