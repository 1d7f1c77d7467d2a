/*-------------------------------------------------------------------------
 *
 * typconv.h
 *	  From a PostgreSQL Datum to Debezium's JSON value
 *
 * IDENTIFICATION
 *	  decoder/typconv.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DECODER_TYPCONV_H
#define DECODER_TYPCONV_H

#include "access/tupdesc.h"
#include "lib/stringinfo.h"
#include "utils/relcache.h"

#include "libwalcast/dbzschema.h"

/* An enum label: the label's OID and its text, rendered as JSON. */
typedef struct WalcastEnumLabel
{
	Oid			oid;
	char	   *json;			/* "label", quoted and escaped */
} WalcastEnumLabel;

/*
 * How to convert values of one (base) type: a column's, or an array
 * column's element type.  Filled once per relation.
 */
typedef struct WalcastConv
{
	Oid			basetypid;		/* the type after resolving domains */
	const DbzType *dbz;			/* its Debezium mapping */
	FmgrInfo	outfunc;		/* the type's output function */
	int16		typlen;			/* for array elements */
	bool		typbyval;
	char		typalign;
	WalcastEnumLabel *labels;	/* enums: labels sorted by OID */
	int			nlabels;
	struct WalcastConv *elem;	/* arrays: the element's conversion */
} WalcastConv;

/* One column of a relation as walcast writes it. */
typedef struct WalcastColumn
{
	char	   *name;			/* column name */
	char	   *json_key;		/* "name": as JSON, ready to append */
	AttrNumber	attnum;			/* position in the tuple descriptor, 1-based */
	Oid			typid;			/* the column's type (the domain, if any) */
	Oid			basetypid;		/* the type after resolving domains */
	bool		notnull;		/* NOT NULL: "optional":false */
	bool		in_value;		/* part of the before/after row images */
	bool		in_key;			/* part of the key */
	bool		varlena;		/* may be TOASTed */
	DbzType		dbz;			/* Debezium kind and parameters */
	WalcastConv conv;			/* how values are converted */
	char	   *default_json;	/* rendered column default, or NULL */
} WalcastColumn;

/*
 * Why a value of a NOT NULL column cannot be written: Debezium's encoding
 * in the modes in effect has only null for it, and null is not valid under
 * the column's required schema (a Connect consumer refuses the record).
 */
typedef enum WalcastUnwritable
{
	WC_WRITABLE = 0,
	WC_UNWRITABLE_DECIMAL,		/* NaN or infinity, decimal.handling.mode
								 * precise */
	WC_UNWRITABLE_DECIMAL_ARRAY,	/* numeric[] holding NaN or infinity */
	WC_UNWRITABLE_TIMESTAMP		/* beyond int64 nanoseconds */
} WalcastUnwritable;

extern bool walcast_typconv_init_column(WalcastColumn *col,
										Form_pg_attribute att,
										const DbzModes *modes);
extern void walcast_typconv_set_default(WalcastColumn *col, Relation rel,
										const DbzModes *modes);
extern void walcast_typconv_append(StringInfo out, const WalcastColumn *col,
								   Datum value, const DbzModes *modes);
extern WalcastUnwritable walcast_typconv_unwritable(const WalcastColumn *col,
													 Datum value,
													 const DbzModes *modes);
extern bool walcast_typconv_fits(const WalcastColumn *col, Datum value,
								 const DbzModes *modes, Size room);
extern bool walcast_typconv_is_unchanged_toast(const WalcastColumn *col,
											   Datum value);

#endif							/* DECODER_TYPCONV_H */
