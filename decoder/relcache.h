/*-------------------------------------------------------------------------
 *
 * relcache.h
 *	  walcast's per-relation cache
 *
 * IDENTIFICATION
 *	  decoder/relcache.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DECODER_RELCACHE_H
#define DECODER_RELCACHE_H

#include "utils/rel.h"

#include "decoder/options.h"
#include "decoder/typconv.h"

/*
 * Everything walcast needs to write a relation's events, built once per
 * relation version.  All of it lives in the entry's own memory context.
 */
typedef struct RelationInfo
{
	Oid			relid;			/* hash key */
	bool		valid;			/* false after a relcache invalidation */
	MemoryContext cxt;			/* holds everything below */
	bool		skip;			/* filtered out: no events at all */
	bool		pub_insert;		/* operations the publication publishes */
	bool		pub_update;
	bool		pub_delete;
	bool		pub_truncate;
	struct WalcastPublished *pub;	/* how publication.name publishes it,
									 * or NULL without the option */
	char	   *schema_name;	/* PostgreSQL schema and table names */
	char	   *table_name;
	char	   *topic;			/* <prefix>.<schema>.<table>, sanitized */
	char	   *source_names;	/* ,"schema":"...","table":"..." (JSON) */
	char	   *data_collection;	/* schema.table, for transaction metadata */
	int			ncols;			/* columns in key or value */
	WalcastColumn *cols;
	int			nkey;			/* key columns, in key order */
	int		   *key;			/* indexes into cols */
	char	   *key_schema;		/* Kafka Connect key schema, or NULL */
	char	   *value_schema;	/* Kafka Connect envelope schema */
	int			schema_id;		/* relay format: 0 until sent; kept by a
								 * rebuild that leaves the schemas as they
								 * were */
	bool		warned_identity;	/* WARNING about replica identity given */
	bool		maybe_dropped;	/* invalidated since its existence was
								 * last checked */
} RelationInfo;

/*
 * The relay format's schema ids of a decoding session (doc/framing.md).  An
 * id is given back when its relation's schemas change or its relation is
 * dropped, and the next new schemas take the id given back last.  So the
 * ids in use never outnumber the schemas in use, nor does the relay's table
 * of them, however many times the relations are rebuilt.
 */
typedef struct WalcastSchemaIds
{
	MemoryContext cxt;			/* holds free */
	int			next;			/* ids 1 .. next have been handed out */
	int			nfree;			/* ids given back, reused last in first out */
	int			maxfree;
	int		   *free;
} WalcastSchemaIds;

/* The largest schema id the framing allows (doc/framing.md). */
#define WALCAST_MAX_SCHEMA_ID	(1 << 20)

/* What relcache needs to know of the decoding session. */
typedef struct RelcacheSettings
{
	const DecoderOptions *opts;
	const char *prefix;			/* topic.prefix in effect */
	const char *source_schema;	/* the Source struct's schema (JSON) */
	WalcastSchemaIds *schema_ids;	/* where relations give their ids back */
} RelcacheSettings;

extern void walcast_relcache_init(MemoryContext parent,
								  const RelcacheSettings *settings);
extern RelationInfo *walcast_relcache_get(Relation rel);
extern void walcast_relcache_destroy(void);
extern void walcast_sanitize_topic(StringInfo out, const char *name);
extern int	walcast_schema_id_take(WalcastSchemaIds *ids);
extern void walcast_schema_id_give_back(WalcastSchemaIds *ids, int id);

#endif							/* DECODER_RELCACHE_H */
