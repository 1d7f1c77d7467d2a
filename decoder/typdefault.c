/*-------------------------------------------------------------------------
 *
 * typdefault.c
 *	  Column defaults as Debezium puts them in a field schema
 *
 * Part of the typconv module (typconv_int.h): a default is rendered with
 * the same converters as a value, once per relation, when its schemas are
 * built.
 *
 * IDENTIFICATION
 *	  decoder/typdefault.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "rewrite/rewriteHandler.h"
#include "utils/builtins.h"

#include "libwalcast/dbzvalue.h"
#include "libwalcast/json.h"
#include "decoder/typconv_int.h"

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
										-DBZ_PG_EPOCH_UNIX_US,
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

/*
 * Does Debezium parse defaults of this column's type?  Its
 * PostgresDefaultValueConverter has mappers for these base types and for
 * enums only; a struct-valued default (VariableScaleDecimal) is dropped.
 */
static bool
has_default_mapper(const WalcastColumn *col)
{
	if (col->dbz.kind == DBZ_ENUM)
		return true;
	switch (col->basetypid)
	{
		case BITOID:
		case VARBITOID:
		case BOOLOID:
		case BPCHAROID:
		case VARCHAROID:
		case TEXTOID:
		case FLOAT4OID:
		case FLOAT8OID:
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case JSONOID:
		case JSONBOID:
		case XMLOID:
		case UUIDOID:
		case DATEOID:
		case TIMEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
		case INTERVALOID:
			return true;
		case NUMERICOID:
			return col->dbz.kind == DBZ_DECIMAL;
		default:
			return false;
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
	if (!has_default_mapper(col))
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
