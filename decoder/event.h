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

extern void walcast_event_change(LogicalDecodingContext *ctx, Relation rel,
								 RelationInfo *info,
								 ReorderBufferChange *change);
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
