/*-------------------------------------------------------------------------
 *
 * typconv.c
 *	  From a PostgreSQL Datum to Debezium's JSON value: the one place
 *
 * Two steps.  Once per relation, walcast_typconv_init_column() maps a
 * column's type to a Debezium kind (common/dbzschema.h) and looks up what
 * converting it needs.  Then, per value, walcast_typconv_append() reads the
 * Datum's binary form directly where that is cheap (integers, floats, dates,
 * times, timestamps, intervals, uuid, bytea, text) and hands canonical
 * values to common/dbzvalue.c, which knows Debezium's rules; other types go
 * through their output function.
 *
 * IDENTIFICATION
 *	  decoder/typconv.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/detoast.h"
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "rewrite/rewriteHandler.h"
#include "utils/builtins.h"
#include "utils/cash.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "common/dbzvalue.h"
#include "common/json.h"
#include "decoder/typconv.h"

/* Days between 1970-01-01 and PostgreSQL's epoch, 2000-01-01. */
#define PG_EPOCH_DAYS (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE)

/* Temporal precision from a typmod: 6 when undeclared. */
static int
temporal_precision(int32 typmod)
{
	return typmod < 0 ? 6 : Min(typmod, 6);
}

/*
 * The Debezium kind of a (base) type.  DBZ_OMIT for types Debezium leaves
 * out, unless include.unknown.datatypes asks for their text as bytes.
 */
static DbzType
map_type(Oid typid, int32 typmod, const DbzModes *modes)
{
	DbzType		t = {DBZ_OMIT, -1, 0};

	switch (typid)
	{
		case BOOLOID:
			t.kind = DBZ_BOOL;
			break;
		case INT2OID:
			t.kind = DBZ_INT16;
			break;
		case INT4OID:
			t.kind = DBZ_INT32;
			break;
		case INT8OID:
		case OIDOID:
			t.kind = DBZ_INT64;
			break;
		case FLOAT4OID:
			t.kind = DBZ_FLOAT32;
			break;
		case FLOAT8OID:
			t.kind = DBZ_FLOAT64;
			break;
		case NUMERICOID:
			if (typmod < (int32) VARHDRSZ)
				t.kind = DBZ_VARDECIMAL;
			else
			{
				int32		tm = typmod - VARHDRSZ;

				t.kind = DBZ_DECIMAL;
				t.precision = (tm >> 16) & 0xFFFF;
				/* the scale is an 11-bit signed number since PostgreSQL 15 */
				t.scale = (((tm & 0x7FF) ^ 1024) - 1024);
			}
			break;
		case CASHOID:
			t.kind = DBZ_MONEY;
			break;
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
			t.kind = DBZ_STRING;
			break;
		case BPCHAROID:
			t.kind = DBZ_BPCHAR;
			break;
		case BYTEAOID:
			t.kind = DBZ_BYTES;
			break;
		case DATEOID:
			t.kind = DBZ_DATE;
			break;
		case TIMEOID:
			t.kind = DBZ_TIME;
			t.scale = temporal_precision(typmod);
			break;
		case TIMETZOID:
			t.kind = DBZ_TIMETZ;
			t.scale = temporal_precision(typmod);
			break;
		case TIMESTAMPOID:
			t.kind = DBZ_TIMESTAMP;
			t.scale = temporal_precision(typmod);
			break;
		case TIMESTAMPTZOID:
			t.kind = DBZ_TIMESTAMPTZ;
			t.scale = temporal_precision(typmod);
			break;
		case INTERVALOID:
			t.kind = DBZ_INTERVAL;
			break;
		case UUIDOID:
			t.kind = DBZ_UUID;
			break;
		case JSONOID:
		case JSONBOID:
			t.kind = DBZ_JSON;
			break;
		case XMLOID:
			t.kind = DBZ_XML;
			break;
		default:
			if (modes->include_unknown)
				t.kind = DBZ_UNKNOWN;
			break;
	}
	return t;
}

/*
 * Fill in the type-dependent parts of col from the attribute.  Returns false
 * when Debezium leaves the column out.  Does catalog lookups; allocates
 * (the output function's FmgrInfo) in the current memory context.
 */
bool
walcast_typconv_init_column(WalcastColumn *col, Form_pg_attribute att,
							const DbzModes *modes)
{
	int32		typmod = att->atttypmod;
	Oid			outfunc;
	bool		isvarlena;

	col->name = pstrdup(NameStr(att->attname));
	col->attnum = att->attnum;
	col->typid = att->atttypid;
	col->basetypid = getBaseTypeAndTypmod(att->atttypid, &typmod);
	col->notnull = att->attnotnull;
	col->varlena = att->attlen == -1;
	col->dbz = map_type(col->basetypid, typmod, modes);
	if (col->dbz.kind == DBZ_OMIT)
		return false;
	getTypeOutputInfo(col->basetypid, &outfunc, &isvarlena);
	fmgr_info(outfunc, &col->outfunc);
	return true;
}

/* Append the server's text form of value, as a JSON string. */
static void
append_output_text(StringInfo out, const WalcastColumn *col, Datum value)
{
	char	   *s = OutputFunctionCall((FmgrInfo *) &col->outfunc, value);

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

static void
append_numeric(StringInfo out, const WalcastColumn *col, Datum value,
			   const DbzModes *modes)
{
	char	   *s = OutputFunctionCall((FmgrInfo *) &col->outfunc, value);

	if (!dbzvalue_append_decimal(out, s, &col->dbz, modes))
		appendStringInfoString(out, "null");	/* NaN, Infinity: as Debezium */
	pfree(s);
}

/* money: a Cash is an int64 count of the smallest currency unit (cents). */
static void
append_money(StringInfo out, const WalcastColumn *col, Datum value,
			 const DbzModes *modes)
{
	Cash		c = DatumGetCash(value);
	uint64		u = c < 0 ? -(uint64) c : (uint64) c;
	char		buf[48];

	snprintf(buf, sizeof(buf), "%s" UINT64_FORMAT ".%02d", c < 0 ? "-" : "",
			 u / 100, (int) (u % 100));
	dbzvalue_append_decimal(out, buf, &col->dbz, modes);
}

static void
append_temporal(StringInfo out, const WalcastColumn *col, Datum value,
				const DbzModes *modes)
{
	switch (col->dbz.kind)
	{
		case DBZ_DATE:
			{
				DateADT		d = DatumGetDateADT(value);

				dbzvalue_append_date(out,
									 DATE_IS_NOBEGIN(d) ? DBZ_EPOCH_DAYS_NEG_INF :
									 DATE_IS_NOEND(d) ? DBZ_EPOCH_DAYS_POS_INF :
									 d + PG_EPOCH_DAYS, modes);
				break;
			}
		case DBZ_TIME:
			dbzvalue_append_time(out, DatumGetTimeADT(value), &col->dbz, modes);
			break;
		case DBZ_TIMETZ:
			{
				TimeTzADT  *t = DatumGetTimeTzADTP(value);

				dbzvalue_append_timetz(out, t->time, t->zone);
				break;
			}
		case DBZ_TIMESTAMP:
			dbzvalue_append_timestamp(out, DatumGetTimestamp(value),
									  &col->dbz, modes);
			break;
		case DBZ_TIMESTAMPTZ:
			dbzvalue_append_timestamptz(out, DatumGetTimestampTz(value),
										col->dbz.scale);
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

/*
 * Append Debezium's JSON value of a non-null Datum of the column's type.
 * The caller has dealt with NULLs and unchanged TOASTed values.  Detoasts
 * and may allocate in the current memory context (the change context).
 */
void
walcast_typconv_append(StringInfo out, const WalcastColumn *col, Datum value,
					   const DbzModes *modes)
{
	switch (col->dbz.kind)
	{
		case DBZ_BOOL:
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
			if (col->basetypid == OIDOID)
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
			append_numeric(out, col, value, modes);
			break;
		case DBZ_MONEY:
			append_money(out, col, value, modes);
			break;
		case DBZ_STRING:
		case DBZ_BPCHAR:
		case DBZ_XML:
			if (col->basetypid == TEXTOID || col->basetypid == VARCHAROID ||
				col->basetypid == BPCHAROID)
			{
				text	   *t = DatumGetTextPP(value);

				json_append_string(out, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
			}
			else
				append_output_text(out, col, value);
			break;
		case DBZ_JSON:
			if (col->basetypid == JSONOID)
			{
				text	   *t = DatumGetTextPP(value);

				json_append_string(out, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
			}
			else
				append_output_text(out, col, value);
			break;
		case DBZ_BYTES:
			{
				bytea	   *b = DatumGetByteaPP(value);

				dbzvalue_append_binary(out, (unsigned char *) VARDATA_ANY(b),
									   VARSIZE_ANY_EXHDR(b), modes);
				break;
			}
		case DBZ_UNKNOWN:
			{
				char	   *s = OutputFunctionCall((FmgrInfo *) &col->outfunc, value);

				dbzvalue_append_binary(out, (unsigned char *) s, strlen(s), modes);
				pfree(s);
				break;
			}
		case DBZ_UUID:
			append_uuid(out, value);
			break;
		case DBZ_DATE:
		case DBZ_TIME:
		case DBZ_TIMETZ:
		case DBZ_TIMESTAMP:
		case DBZ_TIMESTAMPTZ:
		case DBZ_INTERVAL:
			append_temporal(out, col, value, modes);
			break;
		case DBZ_OMIT:
			elog(ERROR, "column \"%s\" has no Debezium mapping", col->name);
	}
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

/*
 * The zero value Debezium puts in the schema for a column whose default is
 * a function call (nextval(), now(), gen_random_uuid(), CURRENT_DATE...).
 */
static void
append_zero_value(StringInfo out, const WalcastColumn *col,
				  const DbzModes *modes)
{
	switch (col->dbz.kind)
	{
		case DBZ_UUID:
			appendStringInfoString(out, "\"00000000-0000-0000-0000-000000000000\"");
			break;
		case DBZ_JSON:
			appendStringInfoString(out, "\"{}\"");
			break;
		case DBZ_TIMESTAMPTZ:
			dbzvalue_append_timestamptz(out,
										-(int64) PG_EPOCH_DAYS * USECS_PER_DAY,
										col->dbz.scale);
			break;
		case DBZ_DECIMAL:
			dbzvalue_append_decimal(out, "0", &col->dbz, modes);
			break;
		default:
			dbzvalue_append_fallback(out, &col->dbz, modes);
			break;
	}
}

/* Strip the casts PostgreSQL wraps around a column default. */
static Node *
strip_casts(Node *node)
{
	for (;;)
	{
		if (IsA(node, RelabelType))
			node = (Node *) ((RelabelType *) node)->arg;
		else if (IsA(node, CoerceViaIO))
			node = (Node *) ((CoerceViaIO *) node)->arg;
		else if (IsA(node, CoerceToDomain))
			node = (Node *) ((CoerceToDomain *) node)->arg;
		else if (IsA(node, FuncExpr) &&
				 ((FuncExpr *) node)->funcformat != COERCE_EXPLICIT_CALL)
			node = (Node *) linitial(((FuncExpr *) node)->args);
		else
			return node;
	}
}

/*
 * Render the column's default as Debezium puts it in the field schema
 * ("default"), following PostgresDefaultValueConverter: a literal is
 * converted like a value, a function call becomes the type's zero value,
 * anything else (expressions, NULL, types whose default would be a struct
 * or bytes) has none.  Sets col->default_json (NULL for none), allocated in
 * the current memory context.  Does catalog lookups and constant folding.
 */
void
walcast_typconv_set_default(WalcastColumn *col, Relation rel,
							const DbzModes *modes)
{
	Node	   *expr;
	Node	   *inner;
	StringInfoData buf;

	col->default_json = NULL;
	if (col->dbz.kind == DBZ_VARDECIMAL || col->dbz.kind == DBZ_BYTES ||
		col->dbz.kind == DBZ_MONEY || col->dbz.kind == DBZ_UNKNOWN)
		return;
	expr = build_column_default(rel, col->attnum);
	if (expr == NULL)
		return;
	inner = strip_casts(expr);
	initStringInfo(&buf);
	if (IsA(inner, Const) && col->dbz.kind == DBZ_BPCHAR &&
		!((Const *) inner)->constisnull &&
		(((Const *) inner)->consttype == BPCHAROID ||
		 ((Const *) inner)->consttype == TEXTOID))
	{
		/* Debezium writes the default's literal text, unpadded */
		char	   *s = TextDatumGetCString(((Const *) inner)->constvalue);

		json_append_cstring(&buf, s);
	}
	else if (IsA(inner, Const))
	{
		Node	   *folded = eval_const_expressions(NULL, expr);

		if (!IsA(folded, Const) || ((Const *) folded)->constisnull)
			return;
		walcast_typconv_append(&buf, col, ((Const *) folded)->constvalue, modes);
	}
	else if (IsA(inner, FuncExpr) || IsA(inner, SQLValueFunction) ||
			 IsA(inner, NextValueExpr))
		append_zero_value(&buf, col, modes);
	else
		return;
	col->default_json = buf.data;
}
