/*-------------------------------------------------------------------------
 *
 * publication.h
 *	  publication.name, read as pgoutput reads a publication
 *
 * IDENTIFICATION
 *	  decoder/publication.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DECODER_PUBLICATION_H
#define DECODER_PUBLICATION_H

#include "access/tupconvert.h"
#include "executor/tuptable.h"
#include "nodes/bitmapset.h"
#include "nodes/execnodes.h"
#include "replication/logical.h"
#include "utils/rel.h"

struct RelationInfo;

/*
 * How the publication publishes one relation, built with the relation's
 * cache entry and living in its memory context.  The row filter and the
 * column list belong to the relation the changes are published as, so they
 * are set only when publish_as_relid is the relation itself.
 */
typedef struct WalcastPublished
{
	bool		published;		/* false: the publication leaves it out */
	bool		pubinsert;		/* operations published */
	bool		pubupdate;
	bool		pubdelete;
	bool		pubtruncate;
	Oid			publish_as_relid;	/* itself, or the partitioned table
									 * publish_via_partition_root names */
	TupleConversionMap *map;	/* its rows to publish_as_relid's, or NULL */
	Bitmapset  *columns;		/* the column list, or NULL: every column */
	EState	   *estate;			/* the row filter's, or NULL: no filter */
	ExprState  *filter;
	TupleTableSlot *old_slot;	/* rows the filter reads */
	TupleTableSlot *new_slot;
} WalcastPublished;

extern WalcastPublished *walcast_publication_read(Relation rel,
												  const char *pubname);
extern bool walcast_publication_column(const WalcastPublished *pub,
									   AttrNumber attnum);
extern bool walcast_publication_via_ancestor(const WalcastPublished *pub,
											 Oid relid);
extern void walcast_publication_change(LogicalDecodingContext *ctx,
									   Relation rel,
									   struct RelationInfo *info,
									   ReorderBufferChange *change);

#endif							/* DECODER_PUBLICATION_H */
