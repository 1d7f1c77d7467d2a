/*-------------------------------------------------------------------------
 *
 * publication.c
 *	  publication.name, read exactly as pgoutput reads a publication
 *
 * Debezium decodes with pgoutput, so what pgoutput publishes is what
 * Debezium writes.  This module follows PostgreSQL 15's pgoutput
 * (get_rel_sync_entry, pgoutput_row_filter, pgoutput_column_list_init) for
 * the one publication walcast is given:
 *
 * - A partition is published when it, its schema, or one of its ancestors
 *   (by itself or by its schema) is in the publication, or for FOR ALL
 *   TABLES.  A partitioned table's own changes are its partitions', so it
 *   is published only with publish_via_partition_root.
 * - With publish_via_partition_root, a partition's changes are published as
 *   the topmost ancestor in the publication (the root, for FOR ALL TABLES):
 *   its topic, key, schemas and source.table, the rows converted to its row
 *   type by column name.  A TRUNCATE of such a partition publishes nothing.
 * - The row filter and the column list are those of the relation the rows
 *   are published as.  FOR ALL TABLES, and the table's schema being in the
 *   publication, mean no row filter; FOR ALL TABLES means no column list.
 *   So a partition published through its parent without
 *   publish_via_partition_root has no filter and no list of its own unless
 *   the publication names it too.
 * - The row filter decides on the new row for an insert, the old row for a
 *   delete, and both for an update that logged its old row: old and new
 *   match, an update; only the old, a delete; only the new, an insert, whose
 *   unchanged TOASTed values are taken from the old row when it has them;
 *   neither, nothing.  A NULL result does not match.
 * - Columns outside the column list are left out of the rows, the schemas
 *   and the key (Debezium keeps the key columns the relation message has).
 *
 * Everything is built with the relation's cache entry (relcache.c), in its
 * memory context, so nothing is looked up per row.
 *
 * IDENTIFICATION
 *	  decoder/publication.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/partition.h"
#include "catalog/pg_publication.h"
#include "catalog/pg_publication_rel.h"
#include "executor/executor.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "decoder/compat.h"
#include "decoder/event.h"
#include "decoder/publication.h"
#include "decoder/relcache.h"

/*
 * Which relation are rel's changes published as, and are they published at
 * all?  Sets published and publish_as_relid.
 */
static void
find_published_relation(Relation rel, Publication *pub, WalcastPublished *wp)
{
	Oid			relid = RelationGetRelid(rel);
	bool		partition = rel->rd_rel->relispartition;

	wp->publish_as_relid = relid;
	if (!is_publishable_relation(rel))
		return;
	if (pub->alltables)
	{
		wp->published = true;
		if (pub->pubviaroot && partition)
			wp->publish_as_relid = llast_oid(get_partition_ancestors(relid));
	}
	else
	{
		if (partition)
		{
			int			level;
			Oid			ancestor;

			ancestor = GetTopMostAncestorInPublication(pub->oid,
													   get_partition_ancestors(relid),
													   &level);
			if (OidIsValid(ancestor))
			{
				wp->published = true;
				if (pub->pubviaroot)
					wp->publish_as_relid = ancestor;
			}
		}
		if (list_member_oid(GetRelationPublications(relid), pub->oid) ||
			list_member_oid(GetSchemaPublications(RelationGetNamespace(rel)),
							pub->oid))
			wp->published = true;
	}
	/* its partitions publish a partitioned table's changes, unless via root */
	if (rel->rd_rel->relkind == RELKIND_PARTITIONED_TABLE && !pub->pubviaroot)
		wp->published = false;
}

/*
 * walcast never writes generated columns (PostgreSQL 15's pgoutput never
 * publishes them, so Debezium never sees them).  A publication that
 * publishes one, as later majors allow (publish_generated_columns, or a
 * column list naming it), cannot be honoured: refuse it.  columns is the
 * column list as the catalog has it, or NULL.
 */
static void
refuse_generated_columns(Relation rel, Publication *pub, Bitmapset *columns)
{
	TupleDesc	desc = RelationGetDescr(rel);

	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped || !att->attgenerated)
			continue;
		if (columns != NULL ? bms_is_member(att->attnum, columns) :
			WALCAST_PUB_GENERATED_COLUMNS(pub))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot publish generated column \"%s\" of table \"%s\".\"%s\"",
							NameStr(att->attname),
							get_namespace_name(RelationGetNamespace(rel)),
							RelationGetRelationName(rel)),
					 errdetail("Publication \"%s\" publishes generated columns, which walcast does not write.",
							   pub->name),
					 errhint("Leave the column out of the publication, or set its publish_generated_columns to none.")));
	}
}

/*
 * The column list of rel in pub, or NULL for every column.  Allocates in
 * the current memory context; ERROR if it publishes a generated column.
 */
static Bitmapset *
read_column_list(Relation rel, Publication *pub)
{
	HeapTuple	tup = NULL;
	Datum		datum;
	bool		isnull;
	Bitmapset  *columns = NULL;

	/* FOR ALL TABLES, or no row (a schema's table): no column list */
	if (!pub->alltables)
		tup = SearchSysCache2(PUBLICATIONRELMAP,
							  ObjectIdGetDatum(RelationGetRelid(rel)),
							  ObjectIdGetDatum(pub->oid));
	if (HeapTupleIsValid(tup))
	{
		datum = SysCacheGetAttr(PUBLICATIONRELMAP, tup,
								Anum_pg_publication_rel_prattrs, &isnull);
		if (!isnull)
			columns = pub_collist_to_bitmapset(NULL, datum,
											   CurrentMemoryContext);
		ReleaseSysCache(tup);
	}
	refuse_generated_columns(rel, pub, columns);
	if (bms_num_members(columns) == RelationGetNumberOfAttributes(rel))
	{
		bms_free(columns);
		columns = NULL;
	}
	return columns;
}

/*
 * Prepare rel's row filter in pub, if it has one that applies: the
 * executor state, the expression, and slots for the rows it reads.
 * Allocates in the current memory context.
 */
static void
prepare_row_filter(Relation rel, Publication *pub, WalcastPublished *wp)
{
	HeapTuple	tup;
	Datum		datum;
	bool		isnull;
	RangeTblEntry *rte;
	TupleDesc	desc;
	Expr	   *qual;

	/* FOR ALL TABLES and FOR TABLES IN SCHEMA mean "no filter" */
	if (pub->alltables ||
		SearchSysCacheExists2(PUBLICATIONNAMESPACEMAP,
							  ObjectIdGetDatum(RelationGetNamespace(rel)),
							  ObjectIdGetDatum(pub->oid)))
		return;
	tup = SearchSysCache2(PUBLICATIONRELMAP,
						  ObjectIdGetDatum(RelationGetRelid(rel)),
						  ObjectIdGetDatum(pub->oid));
	if (!HeapTupleIsValid(tup))
		return;
	datum = SysCacheGetAttr(PUBLICATIONRELMAP, tup,
							Anum_pg_publication_rel_prqual, &isnull);
	if (isnull)
	{
		ReleaseSysCache(tup);
		return;
	}
	qual = stringToNode(TextDatumGetCString(datum));
	ReleaseSysCache(tup);

	wp->estate = CreateExecutorState();
	rte = makeNode(RangeTblEntry);
	rte->rtekind = RTE_RELATION;
	rte->relid = RelationGetRelid(rel);
	rte->relkind = rel->rd_rel->relkind;
	rte->rellockmode = AccessShareLock;
	ExecInitRangeTable(wp->estate, list_make1(rte));
	wp->estate->es_output_cid = GetCurrentCommandId(false);
	wp->filter = ExecPrepareExpr(qual, wp->estate);

	/*
	 * The slots outlive the relation's descriptor: give them a copy, with
	 * the missing values of columns added since a row was written.
	 */
	desc = CreateTupleDescCopyConstr(RelationGetDescr(rel));
	wp->old_slot = MakeSingleTupleTableSlot(desc, &TTSOpsHeapTuple);
	wp->new_slot = MakeSingleTupleTableSlot(desc, &TTSOpsHeapTuple);
}

/*
 * The map converting rel's rows to those of the ancestor it is published
 * as, or NULL if they have the same layout.  Allocates in the current
 * memory context.
 */
static TupleConversionMap *
ancestor_map(Relation rel, Oid ancestor_relid)
{
	Relation	ancestor = RelationIdGetRelation(ancestor_relid);
	TupleDesc	desc;
	TupleConversionMap *map;

	if (!RelationIsValid(ancestor))
		elog(ERROR, "could not open relation with OID %u", ancestor_relid);
	/*
	 * The map keeps both descriptors, which must outlive the relcache's, and
	 * their missing values (columns added since a row was written).
	 */
	desc = CreateTupleDescCopyConstr(RelationGetDescr(rel));
	map = convert_tuples_by_name(desc,
								 CreateTupleDescCopyConstr(RelationGetDescr(ancestor)));
	RelationClose(ancestor);
	return map;
}

/*
 * How publication pubname publishes rel (see the file header).  Allocates
 * in the current memory context, which must live as long as the relation's
 * cache entry; ERROR if the publication does not exist.
 */
WalcastPublished *
walcast_publication_read(Relation rel, const char *pubname)
{
	Publication *pub = GetPublicationByName(pubname, false);
	WalcastPublished *wp = palloc0(sizeof(WalcastPublished));

	find_published_relation(rel, pub, wp);
	if (!wp->published)
		return wp;
	wp->pubinsert = pub->pubactions.pubinsert;
	wp->pubupdate = pub->pubactions.pubupdate;
	wp->pubdelete = pub->pubactions.pubdelete;
	wp->pubtruncate = pub->pubactions.pubtruncate;
	if (!wp->pubinsert && !wp->pubupdate && !wp->pubdelete)
		return wp;
	if (wp->publish_as_relid != RelationGetRelid(rel))
		wp->map = ancestor_map(rel, wp->publish_as_relid);
	else
	{
		wp->columns = read_column_list(rel, pub);
		prepare_row_filter(rel, pub, wp);
	}
	return wp;
}

/* Is column attnum in the publication's column list?  Yes without one. */
bool
walcast_publication_column(const WalcastPublished *pub, AttrNumber attnum)
{
	return pub == NULL || pub->columns == NULL ||
		bms_is_member(attnum, pub->columns);
}

/* Are relation relid's changes published as one of its ancestors? */
bool
walcast_publication_via_ancestor(const WalcastPublished *pub, Oid relid)
{
	return pub != NULL && pub->publish_as_relid != relid;
}

/* Does the filter match the tuple?  NULL does not. */
static bool
filter_matches(WalcastPublished *wp, TupleTableSlot *slot, HeapTuple tuple)
{
	ExprContext *econtext;
	Datum		result;
	bool		isnull;

	ResetPerTupleExprContext(wp->estate);
	econtext = GetPerTupleExprContext(wp->estate);
	ExecStoreHeapTuple(tuple, slot, false);
	econtext->ecxt_scantuple = slot;
	result = ExecEvalExprSwitchContext(wp->filter, econtext, &isnull);
	ExecClearTuple(slot);
	return !isnull && DatumGetBool(result);
}

/*
 * The new row of an update, with the unchanged TOASTed values (logged only
 * as pointers) replaced by the old row's logged values, as pgoutput does
 * for the replica identity columns.  The new row itself if there are none;
 * else a tuple allocated in the current memory context.
 */
static HeapTuple
new_row_with_old_values(const WalcastRowChange *row)
{
	TupleDesc	desc = row->desc;
	Datum	   *newvals = palloc(sizeof(Datum) * desc->natts);
	bool	   *newnulls = palloc(sizeof(bool) * desc->natts);
	Datum	   *oldvals = palloc(sizeof(Datum) * desc->natts);
	bool	   *oldnulls = palloc(sizeof(bool) * desc->natts);
	bool		replaced = false;

	heap_deform_tuple(row->new, desc, newvals, newnulls);
	heap_deform_tuple(row->old, desc, oldvals, oldnulls);
	for (int i = 0; i < desc->natts; i++)
	{
		if (newnulls[i] || oldnulls[i] || TupleDescAttr(desc, i)->attlen != -1)
			continue;
		if (VARATT_IS_EXTERNAL_ONDISK(DatumGetPointer(newvals[i])) &&
			!VARATT_IS_EXTERNAL_ONDISK(DatumGetPointer(oldvals[i])))
		{
			newvals[i] = oldvals[i];
			replaced = true;
		}
	}
	return replaced ? heap_form_tuple(desc, newvals, newnulls) : row->new;
}

/*
 * Apply the row filter to a change (pgoutput_row_filter's rules, in the file
 * header).  Returns false when nothing is to be published; an update may
 * become an insert or a delete.
 */
static bool
apply_row_filter(WalcastPublished *wp, WalcastRowChange *row)
{
	HeapTuple	new;
	bool		old_matched;
	bool		new_matched;

	if (wp == NULL || wp->filter == NULL)
		return true;
	if (row->new == NULL && row->old == NULL)
		return true;			/* nothing to decide on: event.c says why */
	if (row->old == NULL)
		return filter_matches(wp, wp->new_slot, row->new);
	if (row->new == NULL)
		return filter_matches(wp, wp->old_slot, row->old);

	new = new_row_with_old_values(row);
	old_matched = filter_matches(wp, wp->old_slot, row->old);
	new_matched = filter_matches(wp, wp->new_slot, new);
	if (!old_matched && !new_matched)
		return false;
	if (!old_matched)
	{
		row->action = REORDER_BUFFER_CHANGE_INSERT;
		row->new = new;
	}
	else if (!new_matched)
		row->action = REORDER_BUFFER_CHANGE_DELETE;
	return true;
}

/* Does the entry's publication publish this action? */
static bool
action_published(const RelationInfo *info, ReorderBufferChangeType action)
{
	switch (action)
	{
		case REORDER_BUFFER_CHANGE_INSERT:
			return info->pub_insert;
		case REORDER_BUFFER_CHANGE_UPDATE:
			return info->pub_update;
		case REORDER_BUFFER_CHANGE_DELETE:
			return info->pub_delete;
		default:
			return true;		/* event.c rejects it */
	}
}

/*
 * Write an insert, update or delete of rel (whose cache entry is info) as
 * the publication publishes it: as rel, or as the ancestor it is published
 * via; filtered by the row filter.  Without publication.name every change
 * is written as it is.  Allocates in the current (change) memory context;
 * may ERROR (the row filter may).
 */
void
walcast_publication_change(LogicalDecodingContext *ctx, Relation rel,
						   RelationInfo *info, ReorderBufferChange *change)
{
	WalcastPublished *pub = info->pub;
	RelationInfo *target = info;
	Relation	ancestor = NULL;
	WalcastRowChange row;

	if (!action_published(info, change->action))
		return;
	row.action = change->action;
	row.desc = RelationGetDescr(rel);
	row.replident = rel->rd_rel->relreplident;
	row.lsn = change->lsn;
	row.old = WALCAST_CHANGE_TUPLE(change->data.tp.oldtuple);
	row.new = WALCAST_CHANGE_TUPLE(change->data.tp.newtuple);

	if (walcast_publication_via_ancestor(pub, RelationGetRelid(rel)))
	{
		ancestor = RelationIdGetRelation(pub->publish_as_relid);
		if (!RelationIsValid(ancestor))
			elog(ERROR, "could not open relation with OID %u",
				 pub->publish_as_relid);
		target = walcast_relcache_get(ancestor);
		Assert(!walcast_publication_via_ancestor(target->pub,
												 pub->publish_as_relid));
		row.desc = RelationGetDescr(ancestor);
		if (pub->map != NULL && row.old != NULL)
			row.old = execute_attr_map_tuple(row.old, pub->map);
		if (pub->map != NULL && row.new != NULL)
			row.new = execute_attr_map_tuple(row.new, pub->map);
	}
	if (!target->skip && apply_row_filter(target->pub, &row))
		walcast_event_row(ctx, target, &row);
	if (ancestor != NULL)
		RelationClose(ancestor);
}
