/*-------------------------------------------------------------------------
 *
 * relcache.c
 *	  walcast's per-relation cache: names, key, column converters, schemas
 *
 * Each relation gets a RelationInfo the first time one of its changes is
 * decoded: its topic, its columns with their Debezium mapping and rendered
 * defaults, its key columns, and its Kafka Connect key and envelope schemas
 * rendered once.  A relcache invalidation (ALTER TABLE between two changes,
 * replayed in WAL order by logical decoding) marks the entry invalid, and
 * the next change rebuilds it from the catalog as of that change.
 * Publication changes and new enum labels invalidate every entry.  So there
 * are no catalog lookups per row in steady state.
 *
 * Most rebuilds change nothing an event shows (ANALYZE, VACUUM and autovacuum
 * invalidate too): a rebuilt entry whose schemas are the same text keeps its
 * relay-format schema id, and its S record is not sent again.  An entry
 * invalidated since its last check whose relation no longer exists is
 * removed, and its id given back, so the cache and the ids in use stay as
 * large as the relations that exist.
 *
 * The invalidation callbacks are process-global, as in pgoutput: they
 * cannot be unregistered, so they are registered once per process and find
 * the current hash through a static pointer.  That pointer, and the others
 * below, point into memory of the decoding context, which PostgreSQL frees
 * without calling the shutdown callback when a SQL decoding call fails; a
 * reset callback of the cache's context clears them whenever that memory
 * goes, so a later invalidation in the same backend finds no cache instead
 * of freed memory.
 *
 * IDENTIFICATION
 *	  decoder/relcache.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "common/hashfn.h"
#include "mb/pg_wchar.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "libwalcast/json.h"
#include "decoder/publication.h"
#include "decoder/relcache.h"

/* Set by walcast_relcache_init, cleared by cache_context_gone. */
static HTAB *relation_infos = NULL;
static MemoryContext cache_cxt = NULL;
static RelcacheSettings settings;	/* points into the decoding context */

/* Process lifetime: callbacks cannot be unregistered. */
static bool callbacks_registered = false;
/* Some entry may be of a dropped relation (a plain flag: nothing to free). */
static bool drop_check_pending = false;

/* Debezium's topic name limit (Kafka's, minus nothing: 249 characters). */
#define TOPIC_MAX_CHARS 249

/*
 * Append name sanitized as Debezium does for topics and schema names: every
 * character outside [A-Za-z0-9._-] becomes '_' (two for a character outside
 * the BMP, one per UTF-16 unit), cut at 249 characters.
 */
void
walcast_sanitize_topic(StringInfo out, const char *name)
{
	const unsigned char *p = (const unsigned char *) name;
	int			start = out->len;
	int			chars = 0;

	while (*p && chars < TOPIC_MAX_CHARS)
	{
		if (isalnum(*p) || *p == '.' || *p == '_' || *p == '-')
		{
			appendStringInfoChar(out, *p++);
			chars++;
			continue;
		}
		appendStringInfoChar(out, '_');
		chars++;
		if (*p >= 0xF0 && chars < TOPIC_MAX_CHARS)
		{
			appendStringInfoChar(out, '_');
			chars++;
		}
		p += (*p < 0x80) ? 1 : pg_utf_mblen(p);
	}
	if (strcmp(out->data + start, ".") == 0)
		out->data[start] = '_';
	else if (strcmp(out->data + start, "..") == 0)
		out->data[start] = out->data[start + 1] = '_';
}

static void
invalidate_relation(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	RelationInfo *entry;

	if (relation_infos == NULL)
		return;
	if (OidIsValid(relid))
	{
		entry = hash_search(relation_infos, &relid, HASH_FIND, NULL);
		if (entry)
		{
			entry->valid = false;
			entry->maybe_dropped = true;
			drop_check_pending = true;
		}
		return;
	}
	drop_check_pending = true;
	hash_seq_init(&status, relation_infos);
	while ((entry = hash_seq_search(&status)) != NULL)
	{
		entry->valid = false;
		entry->maybe_dropped = true;
	}
}

static void
invalidate_all(Datum arg, int cacheid, uint32 hashvalue)
{
	invalidate_relation(arg, InvalidOid);
}

/*
 * The cache's context is being reset or deleted, with the decoding context
 * or by walcast_relcache_destroy: forget everything that points into it.
 */
static void
cache_context_gone(void *arg)
{
	relation_infos = NULL;
	cache_cxt = NULL;
	memset(&settings, 0, sizeof(settings));
	drop_check_pending = false;
}

/*
 * Create the cache in a child of parent, and register the invalidation
 * callbacks if this process has not yet.  s, and what it points to, must
 * live at least as long as parent.
 */
void
walcast_relcache_init(MemoryContext parent, const RelcacheSettings *s)
{
	HASHCTL		ctl;
	MemoryContext cxt;
	MemoryContextCallback *gone;

	cxt = AllocSetContextCreate(parent, "walcast relation cache",
								ALLOCSET_DEFAULT_SIZES);
	gone = MemoryContextAlloc(cxt, sizeof(MemoryContextCallback));
	gone->func = cache_context_gone;
	gone->arg = NULL;
	MemoryContextRegisterResetCallback(cxt, gone);
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(RelationInfo);
	ctl.hcxt = cxt;
	relation_infos = hash_create("walcast relations", 128, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	cache_cxt = cxt;
	settings = *s;
	if (!callbacks_registered)
	{
		CacheRegisterRelcacheCallback(invalidate_relation, (Datum) 0);
		CacheRegisterSyscacheCallback(PUBLICATIONOID, invalidate_all, (Datum) 0);
		CacheRegisterSyscacheCallback(PUBLICATIONRELMAP, invalidate_all, (Datum) 0);
		CacheRegisterSyscacheCallback(PUBLICATIONNAMESPACEMAP, invalidate_all, (Datum) 0);
		/* a new enum label changes the "allowed" of every column of the type */
		CacheRegisterSyscacheCallback(ENUMOID, invalidate_all, (Datum) 0);
		callbacks_registered = true;
	}
}

/*
 * Free the cache (the shutdown callback).  Deleting its context runs
 * cache_context_gone, as deleting the decoding context does when a call
 * fails and this is never called.
 */
void
walcast_relcache_destroy(void)
{
	if (cache_cxt != NULL)
		MemoryContextDelete(cache_cxt);
	Assert(relation_infos == NULL && cache_cxt == NULL);
}

/*
 * Is the relation in publication.name, and which operations does that
 * publication publish?  Without the option every table is, with all four.
 * publication.c reads the publication as pgoutput does.
 */
static void
check_publication(Relation rel, RelationInfo *info)
{
	info->pub_insert = info->pub_update = true;
	info->pub_delete = info->pub_truncate = true;
	info->pub = NULL;
	if (settings.opts->publication_name == NULL)
		return;
	info->pub = walcast_publication_read(rel, settings.opts->publication_name);
	info->skip = !info->pub->published;
	info->pub_insert = info->pub->pubinsert;
	info->pub_update = info->pub->pubupdate;
	info->pub_delete = info->pub->pubdelete;
	info->pub_truncate = info->pub->pubtruncate;
}

/*
 * Is the table left out by schema.include/exclude.list or
 * table.include/exclude.list?  Schemas are matched by name, tables by
 * schema.table, as Debezium does.
 */
static bool
table_filtered_out(RelationInfo *info)
{
	const DecoderOptions *opts = settings.opts;

	if (opts->schema_include.n > 0 &&
		!walcast_regex_list_match(&opts->schema_include, info->schema_name))
		return true;
	if (walcast_regex_list_match(&opts->schema_exclude, info->schema_name))
		return true;
	if (opts->table_include.n > 0)
		return !walcast_regex_list_match(&opts->table_include,
										 info->data_collection);
	return walcast_regex_list_match(&opts->table_exclude,
									info->data_collection);
}

static bool
column_in_value(RelationInfo *info, const char *column)
{
	const DecoderOptions *opts = settings.opts;
	char	   *full;
	bool		result;

	if (opts->column_include.n == 0 && opts->column_exclude.n == 0)
		return true;
	full = psprintf("%s.%s", info->data_collection, column);
	if (opts->column_include.n > 0)
		result = walcast_regex_list_match(&opts->column_include, full);
	else
		result = !walcast_regex_list_match(&opts->column_exclude, full);
	pfree(full);
	return result;
}

/*
 * The key's index: the primary key, else the unique index with the lowest
 * name that has no expression column (Debezium reads index information
 * ordered by name).  InvalidOid if none.
 */
static Oid
key_index(Relation rel)
{
	Oid			pk = RelationGetPrimaryKeyIndex(rel);
	Oid			best = InvalidOid;
	char	   *best_name = NULL;
	ListCell   *lc;

	if (OidIsValid(pk))
		return pk;
	foreach(lc, RelationGetIndexList(rel))
	{
		Relation	idx = RelationIdGetRelation(lfirst_oid(lc));
		bool		usable = idx->rd_index->indisunique &&
			idx->rd_index->indisvalid;

		for (int i = 0; usable && i < idx->rd_index->indnkeyatts; i++)
			usable = idx->rd_index->indkey.values[i] != 0;
		if (usable && (best_name == NULL ||
					   strcmp(RelationGetRelationName(idx), best_name) < 0))
		{
			best = RelationGetRelid(idx);
			best_name = pstrdup(RelationGetRelationName(idx));
		}
		RelationClose(idx);
	}
	return best;
}

/* Mark the key columns, in index order. */
static void
find_key(Relation rel, RelationInfo *info)
{
	Oid			indexoid = key_index(rel);
	Relation	idx;

	info->nkey = 0;
	if (!OidIsValid(indexoid))
		return;
	idx = RelationIdGetRelation(indexoid);
	info->key = palloc(sizeof(int) * idx->rd_index->indnkeyatts);
	for (int i = 0; i < idx->rd_index->indnkeyatts; i++)
	{
		AttrNumber	attnum = idx->rd_index->indkey.values[i];

		for (int c = 0; c < info->ncols; c++)
		{
			if (info->cols[c].attnum == attnum)
			{
				info->cols[c].in_key = true;
				info->key[info->nkey++] = c;
				break;
			}
		}
	}
	RelationClose(idx);
}

static void
load_columns(Relation rel, RelationInfo *info)
{
	TupleDesc	desc = RelationGetDescr(rel);
	StringInfoData key;

	info->cols = palloc0(sizeof(WalcastColumn) * desc->natts);
	info->ncols = 0;
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		WalcastColumn *col = &info->cols[info->ncols];

		if (att->attisdropped || att->attgenerated ||
			!walcast_publication_column(info->pub, att->attnum))
			continue;
		if (!walcast_typconv_init_column(col, att, &settings.opts->modes))
			continue;
		col->in_value = column_in_value(info, col->name);
		initStringInfo(&key);
		json_append_key(&key, col->name);
		col->json_key = key.data;
		walcast_typconv_set_default(col, rel, &settings.opts->modes);
		info->ncols++;
	}
}

/* The fields of the key (in_key) or of the row images. */
static void
append_fields(StringInfo out, RelationInfo *info, bool key)
{
	bool		first = true;

	appendStringInfoString(out, "[");
	for (int i = 0; i < (key ? info->nkey : info->ncols); i++)
	{
		WalcastColumn *col = &info->cols[key ? info->key[i] : i];

		if (!key && !col->in_value)
			continue;
		if (!first)
			appendStringInfoChar(out, ',');
		first = false;

		/*
		 * A key column the column filters leave out of the value stays in
		 * the key, but as in Debezium its field there is optional and has
		 * no default.
		 */
		if (key && !col->in_value)
			dbzschema_append_field(out, &col->dbz, &settings.opts->modes,
								   true, NULL, col->name);
		else
			dbzschema_append_field(out, &col->dbz, &settings.opts->modes,
								   !col->notnull, col->default_json,
								   col->name);
	}
	appendStringInfoString(out, "]");
}

static void
build_schemas(RelationInfo *info)
{
	StringInfoData buf;
	StringInfoData fields;
	StringInfoData name;

	initStringInfo(&fields);
	append_fields(&fields, info, false);
	initStringInfo(&name);
	json_append_string(&name, info->topic, strlen(info->topic));
	name.data[--name.len] = '\0';	/* drop the closing quote */

	initStringInfo(&buf);
	appendStringInfo(&buf,
					 "{\"type\":\"struct\",\"fields\":["
					 "{\"type\":\"struct\",\"fields\":%s,\"optional\":true,\"name\":%s.Value\",\"field\":\"before\"},"
					 "{\"type\":\"struct\",\"fields\":%s,\"optional\":true,\"name\":%s.Value\",\"field\":\"after\"},"
					 "%s,"
					 "{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"id\"},"
					 "{\"type\":\"int64\",\"optional\":false,\"field\":\"total_order\"},"
					 "{\"type\":\"int64\",\"optional\":false,\"field\":\"data_collection_order\"}],"
					 "\"optional\":true,\"name\":\"event.block\",\"version\":1,\"field\":\"transaction\"},"
					 "{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"
					 "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ms\"},"
					 "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_us\"},"
					 "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ns\"}],"
					 "\"optional\":false,\"name\":%s.Envelope\",\"version\":2}",
					 fields.data, name.data, fields.data, name.data,
					 settings.source_schema, name.data);
	info->value_schema = buf.data;

	info->key_schema = NULL;
	if (info->nkey > 0)
	{
		resetStringInfo(&fields);
		append_fields(&fields, info, true);
		info->key_schema = psprintf("{\"type\":\"struct\",\"fields\":%s,"
									"\"optional\":false,\"name\":%s.Key\"}",
									fields.data, name.data);
	}
}

static void
build_names(Relation rel, RelationInfo *info)
{
	StringInfoData buf;

	info->schema_name = get_namespace_name(RelationGetNamespace(rel));
	info->table_name = pstrdup(RelationGetRelationName(rel));
	info->data_collection = psprintf("%s.%s", info->schema_name,
									 info->table_name);
	initStringInfo(&buf);
	walcast_sanitize_topic(&buf, psprintf("%s.%s", settings.prefix,
										  info->data_collection));
	info->topic = buf.data;
	initStringInfo(&buf);
	appendStringInfoString(&buf, ",\"schema\":");
	json_append_cstring(&buf, info->schema_name);
	appendStringInfoString(&buf, ",\"table\":");
	json_append_cstring(&buf, info->table_name);
	info->source_names = buf.data;
}

/*
 * Build an entry from the catalog (as of the change being decoded) into
 * info, all zeros but its relid.
 */
static void
build_entry(Relation rel, RelationInfo *info)
{
	MemoryContext old;

	info->cxt = AllocSetContextCreate(cache_cxt,
									  "walcast relation", ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(info->cxt);
	build_names(rel, info);
	check_publication(rel, info);
	/* a partition published as its ancestor is filtered by that name */
	if (!info->skip && !walcast_publication_via_ancestor(info->pub, info->relid))
		info->skip = table_filtered_out(info);
	if (!info->skip)
	{
		load_columns(rel, info);
		find_key(rel, info);
		build_schemas(info);
	}
	MemoryContextSwitchTo(old);
	info->valid = true;
}

/*
 * The next schema id: the one given back last, or a new one.  ERRORs when
 * the framing's limit is reached.
 */
int
walcast_schema_id_take(WalcastSchemaIds *ids)
{
	if (ids->nfree > 0)
		return ids->free[--ids->nfree];
	if (ids->next == WALCAST_MAX_SCHEMA_ID)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many relation schemas for the relay format"),
				 errdetail("The relay format allows at most %d schemas at once in a decoding session.",
						   WALCAST_MAX_SCHEMA_ID)));
	return ++ids->next;
}

/* Give an id back for reuse; allocates in ids->cxt as the free list grows. */
void
walcast_schema_id_give_back(WalcastSchemaIds *ids, int id)
{
	Assert(id > 0 && id <= ids->next && ids->nfree < ids->next);
	if (ids->nfree == ids->maxfree)
	{
		ids->maxfree = Max(16, ids->maxfree * 2);
		ids->free = ids->free == NULL ?
			MemoryContextAlloc(ids->cxt, ids->maxfree * sizeof(int)) :
			repalloc(ids->free, ids->maxfree * sizeof(int));
	}
	ids->free[ids->nfree++] = id;
}

/* Two schemas, either maybe absent (NULL), are the same text. */
static bool
same_schema(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * Remove the entries of relations dropped since the last look and give
 * their schema ids back.  A drop invalidates its relation, so only entries
 * invalidated since their last check are looked up, under the historic
 * snapshot of the change being decoded: once a relation is gone, no later
 * change can be of it.  (Were it wrong, the relation would only get a new
 * entry and id, and its S record again.)  Does catalog lookups; frees.
 */
static void
forget_dropped_relations(void)
{
	HASH_SEQ_STATUS status;
	RelationInfo *entry;

	if (!drop_check_pending)
		return;
	/* lookups may take invalidations, which set it again */
	drop_check_pending = false;
	hash_seq_init(&status, relation_infos);
	while ((entry = hash_seq_search(&status)) != NULL)
	{
		if (!entry->maybe_dropped)
			continue;
		entry->maybe_dropped = false;
		if (SearchSysCacheExists1(RELOID, ObjectIdGetDatum(entry->relid)))
			continue;
		if (entry->schema_id != 0)
			walcast_schema_id_give_back(settings.schema_ids, entry->schema_id);
		if (entry->cxt)
			MemoryContextDelete(entry->cxt);
		/* deleting the element just returned is allowed during the scan */
		hash_search(relation_infos, &entry->relid, HASH_REMOVE, NULL);
	}
}

/*
 * The cache entry of rel, built or rebuilt if needed.  Does catalog lookups
 * only when building, and after invalidations; may ereport(ERROR) (a
 * publication that does not exist, for one), leaving the entry as it was
 * (what the failed build allocated goes with the cache: the error ends the
 * decoding).
 *
 * A rebuild whose key and value schemas are the same text as before keeps
 * the schema id and its S record stands; otherwise the id is given back and
 * the next event takes one and sends the new schemas.
 */
RelationInfo *
walcast_relcache_get(Relation rel)
{
	Oid			relid = RelationGetRelid(rel);
	RelationInfo *info;
	RelationInfo fresh;
	bool		found;

	Assert(relation_infos != NULL);
	forget_dropped_relations();
	info = hash_search(relation_infos, &relid, HASH_ENTER, &found);
	if (found && info->valid)
		return info;
	if (!found)
	{
		memset(info, 0, sizeof(RelationInfo));
		info->relid = relid;
	}
	memset(&fresh, 0, sizeof(fresh));
	fresh.relid = relid;
	build_entry(rel, &fresh);
	if (info->schema_id != 0)
	{
		if (same_schema(info->key_schema, fresh.key_schema) &&
			same_schema(info->value_schema, fresh.value_schema))
			fresh.schema_id = info->schema_id;
		else
			walcast_schema_id_give_back(settings.schema_ids, info->schema_id);
	}
	if (info->cxt)
		MemoryContextDelete(info->cxt);
	*info = fresh;
	return info;
}
