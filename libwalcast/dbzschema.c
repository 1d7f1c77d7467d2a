/*-------------------------------------------------------------------------
 *
 * dbzschema.c
 *	  Kafka Connect schema fragments for Debezium's type mapping
 *
 * One function renders the field schema of any column kind in any handling
 * mode, with JsonConverter's member order: type, fields, optional, name,
 * version, doc, parameters, default, field.  Relation schemas are built
 * from these fragments once per relation version by the callers, never per
 * row.
 *
 * IDENTIFICATION
 *	  libwalcast/dbzschema.c
 *
 *-------------------------------------------------------------------------
 */
#ifdef FRONTEND
#include "postgres_fe.h"
#else
#include "postgres.h"
#endif

#include "libwalcast/dbzschema.h"
#include "libwalcast/json.h"

/* The named-type part of a schema: semantic name, version, doc. */
typedef struct SchemaName
{
	const char *type;			/* Kafka Connect type */
	const char *name;			/* semantic name, or NULL */
	const char *doc;			/* doc, or NULL */
} SchemaName;

static SchemaName
temporal_name(const DbzType *type, const DbzModes *modes)
{
	SchemaName	s = {NULL, NULL, NULL};
	bool		milli = type->scale <= 3;

	switch (type->kind)
	{
		case DBZ_DATE:
			if (modes->time == DBZ_TIME_CONNECT)
				s = (SchemaName) {"int32", "org.apache.kafka.connect.data.Date", NULL};
			else if (modes->time == DBZ_TIME_ISOSTRING)
				s = (SchemaName) {"string", "io.debezium.time.IsoDate", NULL};
			else
				s = (SchemaName) {"int32", "io.debezium.time.Date", NULL};
			break;
		case DBZ_TIME:
			switch (modes->time)
			{
				case DBZ_TIME_CONNECT:
					s = (SchemaName) {"int32", "org.apache.kafka.connect.data.Time", NULL};
					break;
				case DBZ_TIME_ISOSTRING:
					s = (SchemaName) {"string", "io.debezium.time.IsoTime", NULL};
					break;
				case DBZ_TIME_NANOSECONDS:
					s = (SchemaName) {"int64", "io.debezium.time.NanoTime", NULL};
					break;
				case DBZ_TIME_ADAPTIVE:
					if (milli)
					{
						s = (SchemaName) {"int32", "io.debezium.time.Time", NULL};
						break;
					}
					/* FALLTHROUGH */
				default:
					s = (SchemaName) {"int64", "io.debezium.time.MicroTime", NULL};
					break;
			}
			break;
		case DBZ_TIMESTAMP:
			switch (modes->time)
			{
				case DBZ_TIME_CONNECT:
					s = (SchemaName) {"int64", "org.apache.kafka.connect.data.Timestamp", NULL};
					break;
				case DBZ_TIME_ISOSTRING:
					s = (SchemaName) {"string", "io.debezium.time.IsoTimestamp", NULL};
					break;
				case DBZ_TIME_NANOSECONDS:
					s = (SchemaName) {"int64", "io.debezium.time.NanoTimestamp", NULL};
					break;
				case DBZ_TIME_MICROSECONDS:
					s = (SchemaName) {"int64", "io.debezium.time.MicroTimestamp", NULL};
					break;
				default:
					if (milli)
						s = (SchemaName) {"int64", "io.debezium.time.Timestamp", NULL};
					else
						s = (SchemaName) {"int64", "io.debezium.time.MicroTimestamp", NULL};
					break;
			}
			break;
		default:
			Assert(false);
	}
	return s;
}

/*
 * The type, semantic name and doc of a kind's schema in the given modes.
 * Decimal kinds in precise mode are handled by the caller (parameters).
 */
static SchemaName
schema_name(const DbzType *type, const DbzModes *modes)
{
	const char *binary = modes->binary == DBZ_BINARY_BYTES ? "bytes" : "string";

	switch (type->kind)
	{
		case DBZ_BOOL:
			return (SchemaName) {"boolean", NULL, NULL};
		case DBZ_INT16:
			return (SchemaName) {"int16", NULL, NULL};
		case DBZ_INT32:
			return (SchemaName) {"int32", NULL, NULL};
		case DBZ_INT64:
			return (SchemaName) {"int64", NULL, NULL};
		case DBZ_FLOAT32:
			return (SchemaName) {"float", NULL, NULL};
		case DBZ_FLOAT64:
			return (SchemaName) {"double", NULL, NULL};
		case DBZ_DECIMAL:
		case DBZ_MONEY:
			if (modes->decimal == DBZ_DECIMAL_DOUBLE)
				return (SchemaName) {"double", NULL, NULL};
			if (modes->decimal == DBZ_DECIMAL_STRING)
				return (SchemaName) {"string", NULL, NULL};
			return (SchemaName) {"bytes", "org.apache.kafka.connect.data.Decimal", NULL};
		case DBZ_VARDECIMAL:
			if (modes->decimal == DBZ_DECIMAL_DOUBLE)
				return (SchemaName) {"double", NULL, NULL};
			if (modes->decimal == DBZ_DECIMAL_STRING)
				return (SchemaName) {"string", NULL, NULL};
			return (SchemaName) {"struct", "io.debezium.data.VariableScaleDecimal",
			"Variable scaled decimal"};
		case DBZ_STRING:
		case DBZ_BPCHAR:
			return (SchemaName) {"string", NULL, NULL};
		case DBZ_BYTES:
		case DBZ_UNKNOWN:
			return (SchemaName) {binary, NULL, NULL};
		case DBZ_DATE:
		case DBZ_TIME:
		case DBZ_TIMESTAMP:
			return temporal_name(type, modes);
		case DBZ_TIMETZ:
			return (SchemaName) {"string", "io.debezium.time.ZonedTime", NULL};
		case DBZ_TIMESTAMPTZ:
			return (SchemaName) {"string", "io.debezium.time.ZonedTimestamp", NULL};
		case DBZ_INTERVAL:
			if (modes->interval == DBZ_INTERVAL_STRING)
				return (SchemaName) {"string", "io.debezium.time.Interval", NULL};
			return (SchemaName) {"int64", "io.debezium.time.MicroDuration", NULL};
		case DBZ_UUID:
			return (SchemaName) {"string", "io.debezium.data.Uuid", NULL};
		case DBZ_JSON:
			return (SchemaName) {"string", "io.debezium.data.Json", NULL};
		case DBZ_XML:
			return (SchemaName) {"string", "io.debezium.data.Xml", NULL};
		case DBZ_BITS:
			return (SchemaName) {"bytes", "io.debezium.data.Bits", NULL};
		case DBZ_ENUM:
			return (SchemaName) {"string", "io.debezium.data.Enum", NULL};
		case DBZ_HSTORE:
			if (modes->hstore == DBZ_HSTORE_MAP)
				return (SchemaName) {"map", NULL, NULL};
			return (SchemaName) {"string", "io.debezium.data.Json", NULL};
		case DBZ_LTREE:
			return (SchemaName) {"string", "io.debezium.data.Ltree", NULL};
		case DBZ_TSVECTOR:
			return (SchemaName) {"string", "io.debezium.data.Tsvector", NULL};
		case DBZ_POINT:
			return (SchemaName) {"struct", "io.debezium.data.geometry.Point",
			"Geometry (POINT)"};
		case DBZ_GEOMETRY:
			return (SchemaName) {"struct", "io.debezium.data.geometry.Geometry",
			"Geometry"};
		case DBZ_GEOGRAPHY:
			return (SchemaName) {"struct", "io.debezium.data.geometry.Geography",
			"Geography"};
		case DBZ_DOUBLEVECTOR:
			return (SchemaName) {"array", "io.debezium.data.DoubleVector", NULL};
		case DBZ_FLOATVECTOR:
			return (SchemaName) {"array", "io.debezium.data.FloatVector", NULL};
		case DBZ_SPARSEVECTOR:
			return (SchemaName) {"struct", "io.debezium.data.SparseDoubleVector",
			"Sparse double vector"};
		case DBZ_ARRAY:
			return (SchemaName) {"array", NULL, NULL};
		case DBZ_OMIT:
			break;
	}
	Assert(false);
	return (SchemaName) {"string", NULL, NULL};
}

const char *
dbzschema_connect_type(const DbzType *type, const DbzModes *modes)
{
	return schema_name(type, modes).type;
}

/*
 * Append the "parameters" member a kind needs in these modes, if any.
 */
static void
append_parameters(StringInfo out, const DbzType *type, const DbzModes *modes)
{
	if (type->kind == DBZ_BITS)
		appendStringInfo(out, ",\"parameters\":{\"length\":\"%d\"}",
						 type->length);
	else if (type->kind == DBZ_ENUM)
	{
		appendStringInfoString(out, ",\"parameters\":{\"allowed\":");
		json_append_cstring(out, type->allowed ? type->allowed : "");
		appendStringInfoChar(out, '}');
	}
	if (modes->decimal != DBZ_DECIMAL_PRECISE)
		return;
	if (type->kind == DBZ_DECIMAL)
		appendStringInfo(out,
						 ",\"parameters\":{\"scale\":\"%d\",\"connect.decimal.precision\":\"%d\"}",
						 type->scale, type->precision);
	else if (type->kind == DBZ_MONEY)
		appendStringInfo(out, ",\"parameters\":{\"scale\":\"%d\"}",
						 modes->money_fraction_digits);
}

/* The members that follow "type": struct fields, map keys, array items. */
static void
append_structure(StringInfo out, const DbzType *type, const DbzModes *modes)
{
	switch (type->kind)
	{
		case DBZ_VARDECIMAL:
			if (modes->decimal == DBZ_DECIMAL_PRECISE)
				appendStringInfoString(out,
									   ",\"fields\":[{\"type\":\"int32\",\"optional\":false,\"field\":\"scale\"},"
									   "{\"type\":\"bytes\",\"optional\":false,\"field\":\"value\"}]");
			break;
		case DBZ_HSTORE:
			if (modes->hstore == DBZ_HSTORE_MAP)
				appendStringInfoString(out,
									   ",\"keys\":{\"type\":\"string\",\"optional\":false},"
									   "\"values\":{\"type\":\"string\",\"optional\":true}");
			break;
		case DBZ_POINT:
			appendStringInfoString(out,
								   ",\"fields\":[{\"type\":\"double\",\"optional\":false,\"field\":\"x\"},"
								   "{\"type\":\"double\",\"optional\":false,\"field\":\"y\"},"
								   "{\"type\":\"bytes\",\"optional\":true,\"field\":\"wkb\"},"
								   "{\"type\":\"int32\",\"optional\":true,\"field\":\"srid\"}]");
			break;
		case DBZ_GEOMETRY:
		case DBZ_GEOGRAPHY:
			appendStringInfoString(out,
								   ",\"fields\":[{\"type\":\"bytes\",\"optional\":false,\"field\":\"wkb\"},"
								   "{\"type\":\"int32\",\"optional\":true,\"field\":\"srid\"}]");
			break;
		case DBZ_DOUBLEVECTOR:
			appendStringInfoString(out, ",\"items\":{\"type\":\"double\",\"optional\":false}");
			break;
		case DBZ_FLOATVECTOR:
			appendStringInfoString(out, ",\"items\":{\"type\":\"float\",\"optional\":false}");
			break;
		case DBZ_SPARSEVECTOR:
			appendStringInfoString(out,
								   ",\"fields\":[{\"type\":\"int16\",\"optional\":false,\"field\":\"dimensions\"},"
								   "{\"type\":\"map\",\"keys\":{\"type\":\"int16\",\"optional\":false},"
								   "\"values\":{\"type\":\"double\",\"optional\":false},"
								   "\"optional\":false,\"field\":\"vector\"}]");
			break;
		case DBZ_ARRAY:
			appendStringInfoString(out, ",\"items\":");
			dbzschema_append_schema(out, type->elem, modes,
									!type->elem->elem_required);
			break;
		default:
			break;
	}
}

/*
 * type, structure, optional, name, version, doc, parameters: everything
 * but "default", "field" and the closing brace.
 */
static void
append_schema_head(StringInfo out, const DbzType *type, const DbzModes *modes,
				   bool optional)
{
	SchemaName	s = schema_name(type, modes);

	/*
	 * Debezium's geometry schema is optional whatever the column says.  A
	 * column Debezium only ever writes as null (bit(n)[]) must be optional
	 * too, even if NOT NULL, or JsonConverter refuses its records (where
	 * Debezium declares it required and fails: a deviation).
	 */
	if (type->kind == DBZ_GEOMETRY || type->always_null)
		optional = true;
	appendStringInfoString(out, "{\"type\":");
	json_append_cstring(out, s.type);
	append_structure(out, type, modes);
	appendStringInfoString(out, optional ? ",\"optional\":true" : ",\"optional\":false");
	if (s.name)
	{
		appendStringInfoString(out, ",\"name\":");
		json_append_cstring(out, s.name);
		appendStringInfoString(out, ",\"version\":1");
	}
	if (s.doc)
	{
		appendStringInfoString(out, ",\"doc\":");
		json_append_cstring(out, s.doc);
	}
	append_parameters(out, type, modes);
}

void
dbzschema_append_schema(StringInfo out, const DbzType *type,
						const DbzModes *modes, bool optional)
{
	append_schema_head(out, type, modes, optional);
	appendStringInfoChar(out, '}');
}

void
dbzschema_append_field(StringInfo out, const DbzType *type,
					   const DbzModes *modes, bool optional,
					   const char *default_json, const char *field_name)
{
	append_schema_head(out, type, modes, optional);
	if (default_json)
	{
		appendStringInfoString(out, ",\"default\":");
		appendStringInfoString(out, default_json);
	}
	appendStringInfoString(out, ",\"field\":");
	json_append_cstring(out, field_name);
	appendStringInfoChar(out, '}');
}
