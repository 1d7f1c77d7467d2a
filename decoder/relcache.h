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
	int			schema_id;		/* relay format: 0 until sent */
	bool		warned_identity;	/* WARNING about replica identity given */
} RelationInfo;

/* What relcache needs to know of the decoding session. */
typedef struct RelcacheSettings
{
	const DecoderOptions *opts;
	const char *prefix;			/* topic.prefix in effect */
	const char *source_schema;	/* the Source struct's schema (JSON) */
} RelcacheSettings;

extern void walcast_relcache_init(MemoryContext parent,
								  const RelcacheSettings *settings);
extern RelationInfo *walcast_relcache_get(Relation rel);
extern void walcast_relcache_destroy(void);
extern void walcast_sanitize_topic(StringInfo out, const char *name);

#endif							/* DECODER_RELCACHE_H */
