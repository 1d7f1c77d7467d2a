/*-------------------------------------------------------------------------
 *
 * dbzschema.h
 *	  Debezium's type mapping: handling modes, column kinds, Kafka Connect
 *	  schema fragments
 *
 * A column's Debezium "kind" decides both its Kafka Connect schema and how
 * its value is written.  The kind is chosen once per relation (decoder's
 * relcache.c, or later the relay's pgoutput reader) from the PostgreSQL type
 * and the handling modes; this module then renders the schema JSON and the
 * mode-dependent value forms that do not depend on where the value came from
 * (dates, timestamps, intervals, decimals, binary data).  Compiled into both
 * the plugin and the relay.
 *
 * IDENTIFICATION
 *	  libwalcast/dbzschema.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef LIBWALCAST_DBZSCHEMA_H
#define LIBWALCAST_DBZSCHEMA_H

#include "lib/stringinfo.h"

/* decimal.handling.mode */
typedef enum DbzDecimalMode
{
	DBZ_DECIMAL_PRECISE,
	DBZ_DECIMAL_DOUBLE,
	DBZ_DECIMAL_STRING
} DbzDecimalMode;

/* time.precision.mode */
typedef enum DbzTimeMode
{
	DBZ_TIME_ADAPTIVE,
	DBZ_TIME_ADAPTIVE_TIME_MICROSECONDS,
	DBZ_TIME_CONNECT,
	DBZ_TIME_ISOSTRING,
	DBZ_TIME_MICROSECONDS,
	DBZ_TIME_NANOSECONDS
} DbzTimeMode;

/* binary.handling.mode */
typedef enum DbzBinaryMode
{
	DBZ_BINARY_BYTES,
	DBZ_BINARY_BASE64,
	DBZ_BINARY_BASE64_URL_SAFE,
	DBZ_BINARY_HEX
} DbzBinaryMode;

/* interval.handling.mode */
typedef enum DbzIntervalMode
{
	DBZ_INTERVAL_NUMERIC,
	DBZ_INTERVAL_STRING
} DbzIntervalMode;

/* hstore.handling.mode */
typedef enum DbzHstoreMode
{
	DBZ_HSTORE_JSON,
	DBZ_HSTORE_MAP
} DbzHstoreMode;

/* Everything that changes how a type is mapped, from the options. */
typedef struct DbzModes
{
	DbzDecimalMode decimal;
	DbzTimeMode time;
	DbzBinaryMode binary;
	DbzIntervalMode interval;
	DbzHstoreMode hstore;
	int			money_fraction_digits;	/* money.fraction.digits */
	bool		include_unknown;	/* include.unknown.datatypes */
	const char *placeholder;	/* unavailable.value.placeholder */
} DbzModes;

/*
 * What a column becomes.  One value per distinct Debezium mapping, not per
 * PostgreSQL type: text, varchar, inet and ranges are all DBZ_STRING.
 */
typedef enum DbzKind
{
	DBZ_OMIT = 0,				/* not mapped: the column is left out */
	DBZ_BOOL,
	DBZ_INT16,
	DBZ_INT32,
	DBZ_INT64,
	DBZ_FLOAT32,
	DBZ_FLOAT64,
	DBZ_DECIMAL,				/* numeric(p,s), numeric(p) */
	DBZ_VARDECIMAL,				/* numeric without typmod */
	DBZ_MONEY,
	DBZ_STRING,					/* the server's text form */
	DBZ_BPCHAR,					/* char(n): text, space padded */
	DBZ_BYTES,					/* bytea */
	DBZ_DATE,
	DBZ_TIME,
	DBZ_TIMETZ,
	DBZ_TIMESTAMP,
	DBZ_TIMESTAMPTZ,
	DBZ_INTERVAL,
	DBZ_UUID,
	DBZ_JSON,					/* json, jsonb */
	DBZ_XML,
	DBZ_UNKNOWN,				/* include.unknown.datatypes: text as bytes */
	DBZ_BITS,					/* bit(n > 1), varbit: io.debezium.data.Bits */
	DBZ_ENUM,					/* enum types: io.debezium.data.Enum */
	DBZ_HSTORE,					/* hstore: JSON text or a map, by mode */
	DBZ_LTREE,					/* ltree: io.debezium.data.Ltree */
	DBZ_TSVECTOR,				/* tsvector: io.debezium.data.Tsvector */
	DBZ_POINT,					/* point: io.debezium.data.geometry.Point */
	DBZ_GEOMETRY,				/* PostGIS geometry (EWKB, SRID) */
	DBZ_GEOGRAPHY,				/* PostGIS geography */
	DBZ_DOUBLEVECTOR,			/* pgvector vector */
	DBZ_FLOATVECTOR,			/* pgvector halfvec */
	DBZ_SPARSEVECTOR,			/* pgvector sparsevec */
	DBZ_ARRAY					/* an array of "elem" */
} DbzKind;

/*
 * What Debezium writes for an unchanged TOASTed value (its
 * UnchangedToastedReplicationMessageColumn markers): the placeholder as a
 * string, its bytes, a one-element array of either, the bytes as a list of
 * signed integers (int4[], int8[], date[]), a name-based UUID of the bytes
 * (uuid[]), a one-entry hstore, or null where Debezium's converter fails.
 */
typedef enum DbzToast
{
	DBZ_TOAST_STRING = 0,
	DBZ_TOAST_BYTES,
	DBZ_TOAST_NULL,
	DBZ_TOAST_TEXT_ARRAY,
	DBZ_TOAST_BYTES_ARRAY,
	DBZ_TOAST_INT_ARRAY,
	DBZ_TOAST_UUID_ARRAY,
	DBZ_TOAST_HSTORE
} DbzToast;

/* A column's mapping: the kind plus what its schema needs. */
typedef struct DbzType
{
	DbzKind		kind;
	int			precision;		/* numeric precision; -1 if none */
	int			scale;			/* numeric scale, or temporal precision
								 * (0..6, 6 when undeclared) */
	int			length;			/* DBZ_BITS: the "length" parameter */
	bool		elem_required;	/* as an array element: "optional":false */
	bool		always_null;	/* declared, but Debezium writes only null */
	DbzToast	toast;			/* unchanged-TOAST placeholder form */
	const char *allowed;		/* DBZ_ENUM: labels in sort order, joined
								 * with ',' */
	const struct DbzType *elem; /* DBZ_ARRAY: the element's mapping */
} DbzType;

/*
 * Append a field schema: {"type":...,"optional":...,...,"field":"name"}.
 * default_json, if not NULL, is the already rendered "default" value.
 */
extern void dbzschema_append_field(StringInfo out, const DbzType *type,
								   const DbzModes *modes, bool optional,
								   const char *default_json,
								   const char *field_name);

/* Append a schema without "field" (array items), closing brace included. */
extern void dbzschema_append_schema(StringInfo out, const DbzType *type,
									const DbzModes *modes, bool optional);

/* The Kafka Connect type name of a column's schema ("int32", "string"...). */
extern const char *dbzschema_connect_type(const DbzType *type,
										  const DbzModes *modes);

#endif							/* LIBWALCAST_DBZSCHEMA_H */
