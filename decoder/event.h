/*-------------------------------------------------------------------------
 *
 * event.h
 *	  Debezium events from decoded changes
 *
 * IDENTIFICATION
 *	  decoder/event.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DECODER_EVENT_H
#define DECODER_EVENT_H

#include "replication/logical.h"
#include "replication/reorderbuffer.h"

#include "decoder/plugin.h"
#include "decoder/relcache.h"

/*
 * One insert, update or delete as it is to be written: the action may be
 * one the publication's row filter turned an update into, and the rows may
 * be converted to the row type of the table they are published as.
 */
typedef struct WalcastRowChange
{
	ReorderBufferChangeType action;
	TupleDesc	desc;			/* row type of old and new */
	char		replident;		/* replica identity that logged old */
	XLogRecPtr	lsn;
	HeapTuple	old;			/* or NULL */
	HeapTuple	new;			/* or NULL */
} WalcastRowChange;

extern void walcast_event_row(LogicalDecodingContext *ctx, RelationInfo *info,
							  const WalcastRowChange *row);
extern void walcast_event_truncate(LogicalDecodingContext *ctx,
								   RelationInfo *info, XLogRecPtr lsn);
extern void walcast_event_message(LogicalDecodingContext *ctx, XLogRecPtr lsn,
								  bool transactional, const char *prefix,
								  Size sz, const char *message);
extern void walcast_event_txn_end(LogicalDecodingContext *ctx,
								  XLogRecPtr commit_lsn);
extern char *walcast_event_source_schema(void);
extern char *walcast_event_message_schema(const DecoderState *state);

#endif							/* DECODER_EVENT_H */
