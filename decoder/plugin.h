/*-------------------------------------------------------------------------
 *
 * plugin.h
 *	  walcast's decoding-session state
 *
 * Vocabulary used throughout: a *change* is one ReorderBufferChange, an
 * *event* is one Debezium envelope, a *record* is one Kafka record (an
 * event, a tombstone, a transaction-metadata record), and a *message* is
 * one output message of the plugin (one CopyData, one SQL row).
 *
 * IDENTIFICATION
 *	  decoder/plugin.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DECODER_PLUGIN_H
#define DECODER_PLUGIN_H

#include "access/xlogdefs.h"
#include "lib/stringinfo.h"
#include "nodes/pg_list.h"
#include "utils/timestamp.h"

#include "decoder/options.h"
#include "decoder/relcache.h"

/* Per data collection event counts of a transaction (transaction metadata). */
typedef struct TxnCollection
{
	char	   *name;			/* schema.table, or the message collection */
	int64		count;
} TxnCollection;

/* State of the transaction being decoded. */
typedef struct DecoderTxn
{
	TransactionId xid;			/* InvalidTransactionId: non-transactional */
	TimestampTz commit_time;
	bool		begin_sent;		/* transaction metadata BEGIN written */
	int64		total_order;	/* events so far */
	List	   *collections;	/* TxnCollection, for the END record, in
								 * txn_cxt */
} DecoderTxn;

/*
 * One Kafka record, ready to be written in the output format.  Its value is
 * either built beforehand (value) or, to hold no copy of a large event,
 * written by the caller straight into ctx->out between
 * walcast_record_begin() and walcast_record_end() (value_inline).
 */
typedef struct WalcastRecord
{
	const char *topic;
	StringInfo	key;			/* payload, or NULL: null key */
	StringInfo	value;			/* payload, or NULL: tombstone or inline */
	bool		value_inline;	/* the caller writes the value payload */
	const char *key_schema;		/* with schemas.enable: key schema */
	const char *value_schema;	/* with schemas.enable: value schema */
	int		   *schema_id;		/* relay format: the schemas' id (0 = unsent) */
	StringInfo	newkey;			/* __debezium.newkey header, or NULL */
	StringInfo	oldkey;			/* __debezium.oldkey header, or NULL */
	bool		context_headers;	/* Debezium's context headers apply */
	/* set by walcast_record_begin() */
	int			start;			/* offset in ctx->out, -1: nothing written */
	int			value_start;	/* offset of the value payload */
	int			relay_id;		/* relay format: the E record's schema id */
} WalcastRecord;

typedef struct DecoderState
{
	DecoderOptions opts;
	MemoryContext change_cxt;	/* reset after every change */
	MemoryContext txn_cxt;		/* per transaction: txn.collections */
	char	   *prefix;			/* topic.prefix in effect */
	char	   *source_head;	/* the Source struct up to "ts_ms" (JSON) */
	char	   *source_db;		/* ,"snapshot":"false","db":"..." (JSON) */
	char	   *source_schema;	/* the Source struct's schema (JSON) */
	char	   *message_schema; /* the MessageValue schema (JSON) */
	char	   *message_topic;	/* <prefix>.message */
	char	   *txmeta_topic;	/* <prefix>.transaction */
	DecoderTxn	txn;
	XLogRecPtr	last_commit_lsn;	/* for source.sequence */
	/* relay format */
	bool		batch_open;		/* a message is being filled */
	bool		prefix_sent;	/* the P record was written */
	WalcastSchemaIds schema_ids;	/* ids of S records (relcache.c) */
	bool		txn_has_records;	/* records since the last C */
	bool		txn_wrote;		/* the transaction wrote a record */
	int			message_schema_id;	/* schemas of logical-message records */
	int			txmeta_schema_id;	/* schemas of transaction records */
	int			changes_unreported;	/* changes since the last progress report */
	/* the event being built (event.c) */
	Size		event_limit;	/* the length its buffer may reach */
	bool		event_overflow; /* a value did not fit, or has no value
								 * (event_unwritable): it is not written */
	WalcastUnwritable event_unwritable; /* why a value has none, or 0 */
	const WalcastColumn *unwritable_col;	/* the column it is in */
} DecoderState;

extern void walcast_emit_record(struct LogicalDecodingContext *ctx,
								WalcastRecord *rec);
extern void walcast_record_begin(struct LogicalDecodingContext *ctx,
								 WalcastRecord *rec);
extern void walcast_record_end(struct LogicalDecodingContext *ctx,
							   WalcastRecord *rec);
extern void walcast_record_abandon(struct LogicalDecodingContext *ctx,
								   WalcastRecord *rec);
extern Size walcast_record_tail_bytes(const DecoderState *state,
									  const WalcastRecord *rec);

#endif							/* DECODER_PLUGIN_H */
