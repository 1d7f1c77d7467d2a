/*-------------------------------------------------------------------------
 *
 * plugin.c
 *	  walcast: a logical decoding output plugin writing Debezium's events
 *
 * Every callback manages memory and delegates: relcache.c knows relations,
 * event.c builds events, typconv.c converts values.  This file owns the
 * output: walcast_emit_record() writes a Kafka record in the chosen
 * output.format.
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
 * and message; the relation cache has a context of its own.  Both are
 * children of ctx->context and die with it.
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
#include "utils/memutils.h"
#include "utils/rel.h"

#include "libwalcast/json.h"
#include "libwalcast/version.h"
#include "decoder/event.h"
#include "decoder/plugin.h"
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
	init_session(state);
	ctx->output_plugin_private = state;
	opt->output_type = state->opts.format == WC_FORMAT_RELAY ?
		OUTPUT_PLUGIN_BINARY_OUTPUT : OUTPUT_PLUGIN_TEXTUAL_OUTPUT;
	opt->receive_rewrites = false;

	rs.opts = &state->opts;
	rs.prefix = state->prefix;
	rs.source_schema = state->source_schema;
	walcast_relcache_init(ctx->context, &rs);
}

/* The relation cache's hash dies with ctx->context; so do our contexts. */
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
	list_free_deep(state->txn.collections);
	state->txn.collections = NIL;
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
	OutputPluginWrite(ctx, true);
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
	OutputPluginUpdateProgress(ctx, !wrote);
}

static void
walcast_change(LogicalDecodingContext *ctx, ReorderBufferTXN *txn,
			   Relation rel, ReorderBufferChange *change)
{
	DecoderState *state = ctx->output_plugin_private;
	MemoryContext old = MemoryContextSwitchTo(state->change_cxt);
	RelationInfo *info = walcast_relcache_get(rel);

	if (!info->skip)
		walcast_event_change(ctx, rel, info, change);
	MemoryContextSwitchTo(old);
	MemoryContextReset(state->change_cxt);
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

		if (!info->skip && info->pub_truncate)
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
 * Append {"schema":<schema>,"payload":<payload>}, or just the payload
 * without schemas.
 */
static void
append_document(StringInfo out, DecoderState *state, const char *schema,
				StringInfo payload)
{
	if (!state->opts.schemas_enable)
	{
		appendBinaryStringInfo(out, payload->data, payload->len);
		return;
	}
	appendStringInfoString(out, "{\"schema\":");
	appendStringInfoString(out, schema);
	appendStringInfoString(out, ",\"payload\":");
	appendBinaryStringInfo(out, payload->data, payload->len);
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

/* output.format=record: {"topic":..,"key":..,"value":..[,"headers":{..}]} */
static void
write_record_json(LogicalDecodingContext *ctx, const WalcastRecord *rec)
{
	DecoderState *state = ctx->output_plugin_private;
	StringInfo	out = ctx->out;
	bool		first = true;

	OutputPluginPrepareWrite(ctx, true);
	appendStringInfoString(out, "{\"topic\":");
	json_append_cstring(out, rec->topic);
	appendStringInfoString(out, ",\"key\":");
	if (rec->key)
		append_document(out, state, rec->key_schema, rec->key);
	else
		appendStringInfoString(out, "null");
	appendStringInfoString(out, ",\"value\":");
	if (rec->value)
		append_document(out, state, rec->value_schema, rec->value);
	else
		appendStringInfoString(out, "null");
	if (rec->newkey)
		append_header_member(out, "__debezium.newkey", rec->newkey, &first);
	if (rec->oldkey)
		append_header_member(out, "__debezium.oldkey", rec->oldkey, &first);
	appendStringInfoString(out, first ? "}" : "}}");
	OutputPluginWrite(ctx, true);
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
 * output.format=relay: the P record once, an S record the first time a
 * schema is used, then the E record (doc/framing.md).
 */
static void
write_relay_record(LogicalDecodingContext *ctx, const WalcastRecord *rec)
{
	DecoderState *state = ctx->output_plugin_private;
	StringInfo	out = ctx->out;
	int			id = 0;

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
	if (state->opts.schemas_enable)
	{
		if (*rec->schema_id == 0)
		{
			*rec->schema_id = ++state->next_schema_id;
			appendStringInfo(out, "S %d %d %zu\n", *rec->schema_id,
							 rec->key_schema ? (int) strlen(rec->key_schema) : -1,
							 strlen(rec->value_schema));
			if (rec->key_schema)
				appendStringInfoString(out, rec->key_schema);
			appendStringInfoString(out, rec->value_schema);
		}
		id = *rec->schema_id;
	}
	/* the E header, without printf: this runs once per record */
	appendBinaryStringInfo(out, "E ", 2);
	json_append_int64(out, id);
	appendStringInfoChar(out, ' ');
	json_append_int64(out, strlen(rec->topic));
	appendStringInfoChar(out, ' ');
	json_append_int64(out, len_or_absent(rec->key));
	appendStringInfoChar(out, ' ');
	json_append_int64(out, len_or_absent(rec->value));
	appendStringInfoChar(out, ' ');
	json_append_int64(out, len_or_absent(rec->newkey));
	appendStringInfoChar(out, ' ');
	json_append_int64(out, len_or_absent(rec->oldkey));
	appendStringInfoString(out, rec->context_headers ? " 1\n" : " 0\n");
	appendStringInfoString(out, rec->topic);
	append_if(out, rec->key);
	append_if(out, rec->value);
	append_if(out, rec->newkey);
	append_if(out, rec->oldkey);
	state->txn_has_records = true;
	if (out->len >= state->opts.relay_batch_bytes &&
		TransactionIdIsValid(state->txn.xid))
	{
		OutputPluginWrite(ctx, true);
		state->batch_open = false;
	}
}

/*
 * Write one Kafka record in the chosen output format.
 */
void
walcast_emit_record(LogicalDecodingContext *ctx, const WalcastRecord *rec)
{
	DecoderState *state = ctx->output_plugin_private;

	state->txn_wrote = true;
	switch (state->opts.format)
	{
		case WC_FORMAT_VALUE:
			if (rec->value == NULL)
				return;
			OutputPluginPrepareWrite(ctx, true);
			append_document(ctx->out, state, rec->value_schema, rec->value);
			OutputPluginWrite(ctx, true);
			break;
		case WC_FORMAT_RECORD:
			write_record_json(ctx, rec);
			break;
		case WC_FORMAT_RELAY:
			write_relay_record(ctx, rec);
			break;
	}
}
