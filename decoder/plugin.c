/*-------------------------------------------------------------------------
 *
 * plugin.c
 *	  walcast: a logical decoding output plugin writing Debezium's events
 *
 * Every callback manages memory and delegates: relcache.c knows relations,
 * event.c builds events, typconv.c converts values.  This file owns the
 * output: walcast_emit_record() writes a Kafka record in the chosen
 * output.format; walcast_record_begin() and walcast_record_end() write one
 * whose value the caller appends straight into ctx->out in between, so a
 * large event is never copied (the relay format's E header, which gives
 * the lengths of the bodies after it, gets room that is then closed up).
 *
 * - "value" (the default): one message per Kafka value, Debezium's value
 *   as Kafka Connect's JsonConverter writes it; tombstones, having no value,
 *   write nothing.
 * - "record": one message per Kafka record, {"topic":..,"key":..,"value":..}.
 * - "relay": binary framed records for walcast-relay (doc/framing.md).  To
 *   pay the walsender's per-message cost once per batch, one message holds
 *   many records: it stays open across change callbacks until it reaches
 *   relay.batch.bytes, and is always closed by the C record at commit.  The
 *   schemas are sent once per relation version (S records); records carry
 *   payloads only.
 *
 * Memory: the private state lives in ctx->context; everything built for a
 * change lives in the change context, reset after every change, truncate
 * and message; what a transaction keeps across its changes (transaction
 * metadata counts) lives in the transaction context, reset at BEGIN and
 * COMMIT; the relation cache has a context of its own.  All three are
 * children of ctx->context and die with it.  Nothing may be allocated in
 * ctx->context itself after the startup callback: a walsender keeps it for
 * as long as it streams.
 *
 * IDENTIFICATION
 *	  decoder/plugin.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/dbcommands.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "replication/logical.h"
#include "replication/output_plugin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "libwalcast/json.h"
#include "libwalcast/version.h"
#include "decoder/event.h"
#include "decoder/plugin.h"
#include "decoder/publication.h"
#include "decoder/relcache.h"

PG_MODULE_MAGIC;

extern PGDLLEXPORT void _PG_output_plugin_init(OutputPluginCallbacks *cb);

static void walcast_startup(LogicalDecodingContext *ctx,
							OutputPluginOptions *opt, bool is_init);
static void walcast_shutdown(LogicalDecodingContext *ctx);
static void walcast_begin_txn(LogicalDecodingContext *ctx,
							  ReorderBufferTXN *txn);
static void walcast_commit_txn(LogicalDecodingContext *ctx,
							   ReorderBufferTXN *txn, XLogRecPtr commit_lsn);
static void walcast_change(LogicalDecodingContext *ctx, ReorderBufferTXN *txn,
						   Relation rel, ReorderBufferChange *change);
static void walcast_truncate(LogicalDecodingContext *ctx,
							 ReorderBufferTXN *txn, int nrelations,
							 Relation relations[],
							 ReorderBufferChange *change);
static void walcast_message(LogicalDecodingContext *ctx,
							ReorderBufferTXN *txn, XLogRecPtr lsn,
							bool transactional, const char *prefix,
							Size sz, const char *message);
static void write_message(LogicalDecodingContext *ctx);

void
_PG_output_plugin_init(OutputPluginCallbacks *cb)
{
	cb->startup_cb = walcast_startup;
	cb->begin_cb = walcast_begin_txn;
	cb->change_cb = walcast_change;
	cb->truncate_cb = walcast_truncate;
	cb->commit_cb = walcast_commit_txn;
	cb->message_cb = walcast_message;
	cb->shutdown_cb = walcast_shutdown;
}

/*
 * The database's name.  A walsender's startup callback runs outside any
 * transaction, so one is started for the catalog lookup; the name is copied
 * into the caller's memory context before it ends.
 */
static char *
database_name(void)
{
	MemoryContext cxt = CurrentMemoryContext;
	char	   *name;

	if (IsTransactionState())
		return get_database_name(MyDatabaseId);
	StartTransactionCommand();
	name = MemoryContextStrdup(cxt, get_database_name(MyDatabaseId));
	CommitTransactionCommand();
	MemoryContextSwitchTo(cxt);
	return name;
}

/* What is the same for every event of the session: source parts, schemas, topics. */
static void
init_session(DecoderState *state)
{
	StringInfoData buf;
	char	   *db = database_name();

	state->prefix = state->opts.topic_prefix ? state->opts.topic_prefix : db;
	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"version\":");
	json_append_cstring(&buf, WALCAST_VERSION "-walcast");
	appendStringInfoString(&buf, ",\"connector\":\"postgresql\",\"name\":");
	json_append_cstring(&buf, state->prefix);
	appendStringInfoString(&buf, ",\"ts_ms\":");
	state->source_head = buf.data;
	initStringInfo(&buf);
	appendStringInfoString(&buf, ",\"snapshot\":\"false\",\"db\":");
	json_append_cstring(&buf, db);
	state->source_db = buf.data;
	state->source_schema = walcast_event_source_schema();
	state->message_schema = walcast_event_message_schema(state);
	/* sanitized as table topics are: a database may be named "my db" */
	initStringInfo(&buf);
	walcast_sanitize_topic(&buf, psprintf("%s.message", state->prefix));
	state->message_topic = buf.data;
	initStringInfo(&buf);
	walcast_sanitize_topic(&buf, psprintf("%s.transaction", state->prefix));
	state->txmeta_topic = buf.data;
}

static void
walcast_startup(LogicalDecodingContext *ctx, OutputPluginOptions *opt,
				bool is_init)
{
	DecoderState *state;
	RelcacheSettings rs;

	if (GetDatabaseEncoding() != PG_UTF8)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("walcast requires a database with encoding UTF8"),
				 errdetail("The database encoding is \"%s\".",
						   GetDatabaseEncodingName())));
	state = palloc0(sizeof(DecoderState));
	walcast_options_parse(ctx->output_plugin_options, &state->opts);
	state->change_cxt = AllocSetContextCreate(ctx->context,
											  "walcast change context",
											  ALLOCSET_DEFAULT_SIZES);
	state->txn_cxt = AllocSetContextCreate(ctx->context,
										   "walcast transaction context",
										   ALLOCSET_SMALL_SIZES);
	init_session(state);
	ctx->output_plugin_private = state;
	opt->output_type = state->opts.format == WC_FORMAT_RELAY ?
		OUTPUT_PLUGIN_BINARY_OUTPUT : OUTPUT_PLUGIN_TEXTUAL_OUTPUT;
	opt->receive_rewrites = false;

	rs.opts = &state->opts;
	rs.prefix = state->prefix;
	rs.source_schema = state->source_schema;
	state->schema_ids.cxt = ctx->context;
	rs.schema_ids = &state->schema_ids;
	walcast_relcache_init(ctx->context, &rs);
}

/*
 * Free the relation cache, as pgoutput frees its hash.  When a SQL decoding
 * call fails this is not called: ctx->context is freed with the
 * transaction, and the cache's reset callback forgets it.  Our other
 * contexts are children of ctx->context and die with it.
 */
static void
walcast_shutdown(LogicalDecodingContext *ctx)
{
	walcast_relcache_destroy();
}

static void
walcast_begin_txn(LogicalDecodingContext *ctx, ReorderBufferTXN *txn)
{
	DecoderState *state = ctx->output_plugin_private;

	state->txn.xid = txn->xid;
	state->txn.commit_time = txn->xact_time.commit_time;
	state->txn.begin_sent = false;
	state->txn.total_order = 0;
	state->txn_wrote = false;
	state->txn.collections = NIL;
	MemoryContextReset(state->txn_cxt);
}

/* Append "<lsn>" in X/X form and close the relay message. */
static void
close_relay_message(LogicalDecodingContext *ctx, XLogRecPtr lsn)
{
	DecoderState *state = ctx->output_plugin_private;

	if (!state->batch_open)
	{
		OutputPluginPrepareWrite(ctx, true);
		state->batch_open = true;
	}
	appendStringInfo(ctx->out, "C %X/%X\n", LSN_FORMAT_ARGS(lsn));
	write_message(ctx);
	state->batch_open = false;
	state->txn_has_records = false;
}

static void
walcast_commit_txn(LogicalDecodingContext *ctx, ReorderBufferTXN *txn,
				   XLogRecPtr commit_lsn)
{
	DecoderState *state = ctx->output_plugin_private;
	MemoryContext old = MemoryContextSwitchTo(state->change_cxt);
	bool		wrote = state->txn_wrote;

	walcast_event_txn_end(ctx, txn->end_lsn);
	if (state->opts.format == WC_FORMAT_RELAY && state->txn_has_records)
		close_relay_message(ctx, txn->end_lsn);
	state->last_commit_lsn = commit_lsn;
	MemoryContextSwitchTo(old);
	MemoryContextReset(state->change_cxt);
	state->txn.collections = NIL;
	MemoryContextReset(state->txn_cxt);
	OutputPluginUpdateProgress(ctx, !wrote);
}

/* Changes between progress reports (a report reads the clock), as pgoutput. */
#define WALCAST_PROGRESS_CHANGES 100

static void
walcast_change(LogicalDecodingContext *ctx, ReorderBufferTXN *txn,
			   Relation rel, ReorderBufferChange *change)
{
	DecoderState *state = ctx->output_plugin_private;
	MemoryContext old = MemoryContextSwitchTo(state->change_cxt);
	RelationInfo *info = walcast_relcache_get(rel);

	if (!info->skip)
		walcast_publication_change(ctx, rel, info, change);
	MemoryContextSwitchTo(old);
	MemoryContextReset(state->change_cxt);

	/*
	 * Report progress every so many changes, written or not, as pgoutput
	 * does: the walsender sends keepalives and reads the client's replies
	 * only when the plugin writes or reports, so a long run of changes that
	 * write nothing (a filtered table, a skipped operation) would otherwise
	 * leave it silent until the commit, and it or its client would time
	 * out.  PostgreSQL 15 (15.20 included) leaves this to the plugin; 16
	 * does it in core.  Without a walsender (SQL functions) it is a no-op.
	 */
	if (++state->changes_unreported >= WALCAST_PROGRESS_CHANGES)
	{
		state->changes_unreported = 0;
		OutputPluginUpdateProgress(ctx, false);
	}
}

static void
walcast_truncate(LogicalDecodingContext *ctx, ReorderBufferTXN *txn,
				 int nrelations, Relation relations[],
				 ReorderBufferChange *change)
{
	DecoderState *state = ctx->output_plugin_private;
	MemoryContext old;

	if (state->opts.skip_truncate)
		return;
	old = MemoryContextSwitchTo(state->change_cxt);
	for (int i = 0; i < nrelations; i++)
	{
		RelationInfo *info = walcast_relcache_get(relations[i]);

		/* a partition published as its ancestor: as pgoutput, nothing */
		if (!info->skip && info->pub_truncate &&
			!walcast_publication_via_ancestor(info->pub, info->relid))
			walcast_event_truncate(ctx, info, change->lsn);
	}
	MemoryContextSwitchTo(old);
	MemoryContextReset(state->change_cxt);
}

static void
walcast_message(LogicalDecodingContext *ctx, ReorderBufferTXN *txn,
				XLogRecPtr lsn, bool transactional, const char *prefix,
				Size sz, const char *message)
{
	DecoderState *state = ctx->output_plugin_private;
	MemoryContext old = MemoryContextSwitchTo(state->change_cxt);

	if (!transactional)
		state->txn.xid = InvalidTransactionId;
	walcast_event_message(ctx, lsn, transactional, prefix, sz, message);
	/* a non-transactional message is its own unit of acknowledgement */
	if (!transactional && state->opts.format == WC_FORMAT_RELAY &&
		state->txn_has_records)
		close_relay_message(ctx, lsn);
	MemoryContextSwitchTo(old);
	MemoryContextReset(state->change_cxt);
}

/*
 * A Kafka document is {"schema":<schema>,"payload":<payload>}, or just the
 * payload without schemas: its opening and its closing.
 */
static void
open_document(StringInfo out, DecoderState *state, const char *schema)
{
	if (!state->opts.schemas_enable)
		return;
	appendStringInfoString(out, "{\"schema\":");
	appendStringInfoString(out, schema);
	appendStringInfoString(out, ",\"payload\":");
}

static void
close_document(StringInfo out, DecoderState *state)
{
	if (state->opts.schemas_enable)
		appendStringInfoChar(out, '}');
}

static void
append_header_member(StringInfo out, const char *name, StringInfo value,
					 bool *first)
{
	appendStringInfoString(out, *first ? ",\"headers\":{" : ",");
	*first = false;
	json_append_key(out, name);
	json_append_string(out, value->data, value->len);
}

/*
 * ctx->out keeps its buffer from message to message; once a large event
 * has been written, give the memory back instead of holding it for the
 * rest of the session.
 */
#define OUTPUT_KEEP_BYTES (8 * 1024 * 1024)

/* OutputPluginWrite, then shrink ctx->out if it grew past OUTPUT_KEEP_BYTES. */
static void
write_message(LogicalDecodingContext *ctx)
{
	StringInfo	out = ctx->out;

	OutputPluginWrite(ctx, true);
	if (out->maxlen <= OUTPUT_KEEP_BYTES)
		return;
	out->data = repalloc(out->data, 1024);
	out->maxlen = 1024;
	resetStringInfo(out);
}

static inline bool
has_value(const WalcastRecord *rec)
{
	return rec->value != NULL || rec->value_inline;
}

static inline int
len_or_absent(StringInfo s)
{
	return s ? s->len : -1;
}

static inline void
append_if(StringInfo out, StringInfo s)
{
	if (s)
		appendBinaryStringInfo(out, s->data, s->len);
}

/*
 * The room reserved for an E header, which gives the lengths of the bodies
 * after it: "E" and seven numbers (at most 11 characters each), spaces, \n.
 */
#define RELAY_HEADER_MAX 96

/* Append v in decimal at *p, and a space or \n (sep). */
static inline void
put_number(char **p, int64 v, char sep)
{
	*p += pg_lltoa(v, *p);
	*(*p)++ = sep;
}

/*
 * output.format=relay, before the value: the P record once, an S record the
 * first time a schema is used (again after the relation changed), then room
 * for the E header, the topic and the key (doc/framing.md).
 */
static void
begin_relay_record(LogicalDecodingContext *ctx, WalcastRecord *rec)
{
	DecoderState *state = ctx->output_plugin_private;
	StringInfo	out = ctx->out;

	if (!state->batch_open)
	{
		OutputPluginPrepareWrite(ctx, true);
		state->batch_open = true;
	}
	if (!state->prefix_sent)
	{
		appendStringInfo(out, "P %zu\n%s", strlen(state->prefix), state->prefix);
		state->prefix_sent = true;
	}
	rec->relay_id = 0;
	if (state->opts.schemas_enable)
	{
		if (*rec->schema_id == 0)
		{
			/* an id given back may be reused: this S redefines it */
			*rec->schema_id = walcast_schema_id_take(&state->schema_ids);
			appendStringInfo(out, "S %d %d %zu\n", *rec->schema_id,
							 rec->key_schema ? (int) strlen(rec->key_schema) : -1,
							 strlen(rec->value_schema));
			if (rec->key_schema)
				appendStringInfoString(out, rec->key_schema);
			appendStringInfoString(out, rec->value_schema);
		}
		rec->relay_id = *rec->schema_id;
	}
	rec->start = out->len;
	enlargeStringInfo(out, RELAY_HEADER_MAX);
	out->len += RELAY_HEADER_MAX;
	appendStringInfoString(out, rec->topic);
	append_if(out, rec->key);
}

/*
 * output.format=relay, after the value: the header bodies, then the E
 * header written in its room and the bodies moved up against it (one
 * memmove within ctx->out instead of a copy of the record).
 */
static void
end_relay_record(LogicalDecodingContext *ctx, WalcastRecord *rec)
{
	DecoderState *state = ctx->output_plugin_private;
	StringInfo	out = ctx->out;
	int			vlen = has_value(rec) ? out->len - rec->value_start : -1;
	char		header[RELAY_HEADER_MAX];
	char	   *p = header;
	char	   *body;

	append_if(out, rec->newkey);
	append_if(out, rec->oldkey);
	*p++ = 'E';
	*p++ = ' ';
	put_number(&p, rec->relay_id, ' ');
	put_number(&p, strlen(rec->topic), ' ');
	put_number(&p, len_or_absent(rec->key), ' ');
	put_number(&p, vlen, ' ');
	put_number(&p, len_or_absent(rec->newkey), ' ');
	put_number(&p, len_or_absent(rec->oldkey), ' ');
	put_number(&p, rec->context_headers ? 1 : 0, '\n');
	Assert(p - header <= RELAY_HEADER_MAX);
	body = out->data + rec->start + RELAY_HEADER_MAX;
	memmove(out->data + rec->start + (p - header), body,
			out->data + out->len - body);
	memcpy(out->data + rec->start, header, p - header);
	out->len -= RELAY_HEADER_MAX - (p - header);
	out->data[out->len] = '\0';

	state->txn_has_records = true;
	if (out->len >= state->opts.relay_batch_bytes &&
		TransactionIdIsValid(state->txn.xid))
	{
		write_message(ctx);
		state->batch_open = false;
	}
}

/*
 * Start writing one Kafka record in the chosen output format: everything
 * before its value payload goes into ctx->out, then the value when it was
 * built beforehand.  With value_inline the caller appends the payload to
 * ctx->out, then calls walcast_record_end() (or walcast_record_abandon()).
 */
void
walcast_record_begin(LogicalDecodingContext *ctx, WalcastRecord *rec)
{
	DecoderState *state = ctx->output_plugin_private;
	StringInfo	out = ctx->out;

	state->txn_wrote = true;
	rec->start = -1;
	switch (state->opts.format)
	{
		case WC_FORMAT_VALUE:
			/* one message per Kafka value: a tombstone writes nothing */
			if (!has_value(rec))
				return;
			OutputPluginPrepareWrite(ctx, true);
			rec->start = out->len;
			open_document(out, state, rec->value_schema);
			break;
		case WC_FORMAT_RECORD:
			/* {"topic":..,"key":..,"value":..[,"headers":{..}]} */
			OutputPluginPrepareWrite(ctx, true);
			rec->start = out->len;
			appendStringInfoString(out, "{\"topic\":");
			json_append_cstring(out, rec->topic);
			appendStringInfoString(out, ",\"key\":");
			if (rec->key)
			{
				open_document(out, state, rec->key_schema);
				appendBinaryStringInfo(out, rec->key->data, rec->key->len);
				close_document(out, state);
			}
			else
				appendStringInfoString(out, "null");
			appendStringInfoString(out, ",\"value\":");
			if (has_value(rec))
				open_document(out, state, rec->value_schema);
			else
				appendStringInfoString(out, "null");
			break;
		case WC_FORMAT_RELAY:
			begin_relay_record(ctx, rec);
			break;
	}
	rec->value_start = out->len;
	append_if(out, rec->value);
}

/* Finish the record walcast_record_begin() started, and write it. */
void
walcast_record_end(LogicalDecodingContext *ctx, WalcastRecord *rec)
{
	DecoderState *state = ctx->output_plugin_private;
	StringInfo	out = ctx->out;
	bool		first = true;

	switch (state->opts.format)
	{
		case WC_FORMAT_VALUE:
			if (rec->start < 0)
				return;
			close_document(out, state);
			write_message(ctx);
			break;
		case WC_FORMAT_RECORD:
			if (has_value(rec))
				close_document(out, state);
			if (rec->newkey)
				append_header_member(out, "__debezium.newkey", rec->newkey, &first);
			if (rec->oldkey)
				append_header_member(out, "__debezium.oldkey", rec->oldkey, &first);
			appendStringInfoString(out, first ? "}" : "}}");
			write_message(ctx);
			break;
		case WC_FORMAT_RELAY:
			end_relay_record(ctx, rec);
			break;
	}
}

/*
 * Drop a record walcast_record_begin() started: ctx->out is cut back to
 * where the record began (in the relay format, records of the same batch
 * before it stay), and nothing is written.
 */
void
walcast_record_abandon(LogicalDecodingContext *ctx, WalcastRecord *rec)
{
	StringInfo	out = ctx->out;

	if (rec->start < 0)
		return;
	out->len = rec->start;
	out->data[out->len] = '\0';
}

/*
 * An upper bound of what walcast_record_end() appends after the value
 * payload: closing brackets, the primary-key headers (JSON-escaped in the
 * record format: at most 6 bytes per byte), an E header's growth, and the
 * C record that may close the message.
 */
Size
walcast_record_tail_bytes(const DecoderState *state, const WalcastRecord *rec)
{
	Size		headers = (Size) Max(len_or_absent(rec->newkey), 0) +
		Max(len_or_absent(rec->oldkey), 0);

	if (state->opts.format == WC_FORMAT_RECORD)
		headers *= 6;
	return headers + 256;
}

/*
 * Write one Kafka record whose value (or its absence) is built beforehand.
 */
void
walcast_emit_record(LogicalDecodingContext *ctx, WalcastRecord *rec)
{
	walcast_record_begin(ctx, rec);
	walcast_record_end(ctx, rec);
}
