/*-------------------------------------------------------------------------
 *
 * event.c
 *	  Debezium events from decoded changes: envelope, source, keys
 *
 * Knows every Debezium field name and the rules that decide which records a
 * change becomes:
 *
 * - insert: "c"; update: "u", or a primary-key change (a "d" carrying the
 *   header __debezium.newkey, its tombstone, then a "c" carrying
 *   __debezium.oldkey) when the old row's key differs from the new one;
 *   delete: "d" then, with tombstones.on.delete, a tombstone (same key, null
 *   value); truncate: "t" with a null key; logical message: "m" on
 *   <prefix>.message.
 * - Missing values: a NULL in a column with a default is written as that
 *   default (JsonConverter's replace.null.with.default); a column the old
 *   row does not carry (REPLICA IDENTITY DEFAULT or USING INDEX) is null, or
 *   for a NOT NULL column its default or Debezium's per-type fallback.
 * - Unchanged TOASTed values (not in the WAL record) become
 *   unavailable.value.placeholder, or with REPLICA IDENTITY FULL the value
 *   from the old row, as Debezium does.
 *
 * - Each tuple image is deformed once (RowView); an event's value is
 *   written straight into ctx->out, with no copy of it, and each large
 *   value is checked before it is converted: an event that would not fit
 *   in one output message follows event.processing.failure.handling.mode
 *   (fail, warn, skip).
 *
 * Keys and other buffers are allocated in the change context, which the
 * caller resets.
 *
 * IDENTIFICATION
 *	  decoder/event.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_class.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "libwalcast/dbzvalue.h"
#include "libwalcast/encode.h"
#include "libwalcast/json.h"
#include "decoder/event.h"

/* How a row image treats values it does not have. */
typedef enum RowKind
{
	ROW_NEW,					/* the new row: unchanged TOAST -> placeholder */
	ROW_OLD_FULL,				/* a complete old row (REPLICA IDENTITY FULL) */
	ROW_OLD_IDENTITY			/* only the identity columns are present */
} RowKind;

static const char message_key_schema[] =
"{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":true,\"field\":\"prefix\"}],"
"\"optional\":false,\"name\":\"io.debezium.connector.postgresql.MessageKey\",\"version\":1}";

static const char txmeta_key_schema[] =
"{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"id\"}],"
"\"optional\":false,\"name\":\"io.debezium.connector.common.TransactionMetadataKey\",\"version\":1}";

static const char txmeta_value_schema[] =
"{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"status\"},"
"{\"type\":\"string\",\"optional\":false,\"field\":\"id\"},"
"{\"type\":\"int64\",\"optional\":true,\"field\":\"event_count\"},"
"{\"type\":\"array\",\"items\":{\"type\":\"struct\",\"fields\":["
"{\"type\":\"string\",\"optional\":false,\"field\":\"data_collection\"},"
"{\"type\":\"int64\",\"optional\":false,\"field\":\"event_count\"}],"
"\"optional\":true,\"name\":\"event.collection\",\"version\":1},\"optional\":true,\"field\":\"data_collections\"},"
"{\"type\":\"int64\",\"optional\":false,\"field\":\"ts_ms\"}],"
"\"optional\":false,\"name\":\"io.debezium.connector.common.TransactionMetadataValue\",\"version\":1}";

/* The data collection a logical message counts in (transaction metadata). */
/*
 * Debezium names it by Java's default toString, an identity hash included;
 * walcast writes a fixed "hash" of 0.
 */
#define MESSAGE_COLLECTION "io.debezium.connector.postgresql.LogicalDecodingMessageMonitor$LogicalDecodingMessageId@0"

/*
 * The Source struct's schema (JSON), the same for every event.
 */
char *
walcast_event_source_schema(void)
{
	return pstrdup("{\"type\":\"struct\",\"fields\":["
				   "{\"type\":\"string\",\"optional\":false,\"field\":\"version\"},"
				   "{\"type\":\"string\",\"optional\":false,\"field\":\"connector\"},"
				   "{\"type\":\"string\",\"optional\":false,\"field\":\"name\"},"
				   "{\"type\":\"int64\",\"optional\":false,\"field\":\"ts_ms\"},"
				   "{\"type\":\"string\",\"optional\":true,\"name\":\"io.debezium.data.Enum\",\"version\":1,"
				   "\"parameters\":{\"allowed\":\"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental\"},"
				   "\"default\":\"false\",\"field\":\"snapshot\"},"
				   "{\"type\":\"string\",\"optional\":false,\"field\":\"db\"},"
				   "{\"type\":\"string\",\"optional\":true,\"field\":\"sequence\"},"
				   "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_us\"},"
				   "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ns\"},"
				   "{\"type\":\"string\",\"optional\":false,\"field\":\"schema\"},"
				   "{\"type\":\"string\",\"optional\":false,\"field\":\"table\"},"
				   "{\"type\":\"int64\",\"optional\":true,\"field\":\"txId\"},"
				   "{\"type\":\"int64\",\"optional\":true,\"field\":\"lsn\"},"
				   "{\"type\":\"int64\",\"optional\":true,\"field\":\"xmin\"},"
				   "{\"type\":\"string\",\"optional\":true,\"field\":\"origin\"},"
				   "{\"type\":\"int64\",\"optional\":true,\"field\":\"origin_lsn\"}],"
				   "\"optional\":false,\"name\":\"io.debezium.connector.postgresql.Source\",\"version\":1,\"field\":\"source\"}");
}

static inline DecoderState *
get_state(LogicalDecodingContext *ctx)
{
	return (DecoderState *) ctx->output_plugin_private;
}

/* Unix epoch microseconds of a PostgreSQL timestamp. */
static int64
unix_us(TimestampTz ts)
{
	return ts + DBZ_PG_EPOCH_UNIX_US;
}

/* "ts_ms":..,"ts_us":..,"ts_ns":.. of a Unix-epoch microsecond instant */
static void
append_ts_triple(StringInfo out, DecoderState *state, const char *sep,
				 int64 us, bool required)
{
	if (!state->opts.include_volatile)
	{
		appendStringInfo(out, "%sts_ms\":%s,\"ts_us\":null,\"ts_ns\":null",
						 sep, required ? "0" : "null");
		return;
	}
	appendStringInfoString(out, sep);
	appendStringInfoString(out, "ts_ms\":");
	json_append_int64(out, us / 1000);
	appendStringInfoString(out, ",\"ts_us\":");
	json_append_int64(out, us);
	appendStringInfoString(out, ",\"ts_ns\":");
	json_append_int64(out, us * 1000);
}

/*
 * The source block.  names is ,"schema":..,"table":.. (empty strings for
 * messages); ts is the commit time (or now, for a non-transactional
 * message).
 */
static void
append_source(StringInfo out, DecoderState *state, const char *names,
			  TimestampTz ts, TransactionId xid, XLogRecPtr lsn)
{
	bool		vol = state->opts.include_volatile;
	int64		us = unix_us(ts);

	appendStringInfoString(out, state->source_head);
	json_append_int64(out, vol ? us / 1000 : 0);
	appendStringInfoString(out, state->source_db);
	if (vol)
	{
		appendStringInfoString(out, ",\"sequence\":\"[");
		if (state->last_commit_lsn == InvalidXLogRecPtr)
			appendStringInfoString(out, "null");
		else
		{
			appendStringInfoString(out, "\\\"");
			json_append_uint64(out, state->last_commit_lsn);
			appendStringInfoString(out, "\\\"");
		}
		appendStringInfoString(out, ",\\\"");
		json_append_uint64(out, lsn);
		appendStringInfoString(out, "\\\"]\",\"ts_us\":");
		json_append_int64(out, us);
		appendStringInfoString(out, ",\"ts_ns\":");
		json_append_int64(out, us * 1000);
	}
	else
		appendStringInfoString(out, ",\"sequence\":null,\"ts_us\":null,\"ts_ns\":null");
	appendStringInfoString(out, names);
	if (vol && TransactionIdIsValid(xid))
	{
		appendStringInfoString(out, ",\"txId\":");
		json_append_uint64(out, xid);
	}
	else
		appendStringInfoString(out, ",\"txId\":null");
	if (vol)
	{
		appendStringInfoString(out, ",\"lsn\":");
		json_append_uint64(out, lsn);
	}
	else
		appendStringInfoString(out, ",\"lsn\":null");
	appendStringInfoString(out, ",\"xmin\":null,\"origin\":null,\"origin_lsn\":null}");
}

/* "<xid>:<lsn>", Debezium's transaction id for PostgreSQL. */
static void
append_txn_id(StringInfo out, DecoderState *state, XLogRecPtr lsn)
{
	if (state->opts.include_volatile)
		appendStringInfo(out, "\"%u:" UINT64_FORMAT "\"", state->txn.xid,
						 (uint64) lsn);
	else
		appendStringInfoString(out, "\"\"");
}

/*
 * Count an event in its data collection and return the collection's count
 * (data_collection_order).
 */
static int64
count_in_collection(DecoderState *state, const char *name)
{
	ListCell   *lc;
	TxnCollection *c;
	MemoryContext old;

	foreach(lc, state->txn.collections)
	{
		c = lfirst(lc);
		if (strcmp(c->name, name) == 0)
			return ++c->count;
	}
	/* the list lives as long as the transaction, in its context */
	old = MemoryContextSwitchTo(state->txn_cxt);
	c = palloc(sizeof(TxnCollection));
	c->name = pstrdup(name);
	c->count = 1;
	state->txn.collections = lappend(state->txn.collections, c);
	MemoryContextSwitchTo(old);
	return 1;
}

/*
 * Write a transaction-metadata record on <prefix>.transaction: key
 * {"id":..}, value {"status":..,"id":..,<counts>,"ts_ms":<commit time>}.
 * counts holds the rendered event_count and data_collections members.
 */
static void
emit_txmeta(LogicalDecodingContext *ctx, const char *status, XLogRecPtr lsn,
			const char *counts)
{
	DecoderState *state = get_state(ctx);
	WalcastRecord rec = {0};
	StringInfoData key;
	StringInfoData value;

	initStringInfo(&key);
	appendStringInfoString(&key, "{\"id\":");
	append_txn_id(&key, state, lsn);
	appendStringInfoChar(&key, '}');
	initStringInfo(&value);
	appendStringInfo(&value, "{\"status\":\"%s\",\"id\":", status);
	append_txn_id(&value, state, lsn);
	appendStringInfo(&value, ",%s,\"ts_ms\":", counts);
	json_append_int64(&value, state->opts.include_volatile ?
					  unix_us(state->txn.commit_time) / 1000 : 0);
	appendStringInfoChar(&value, '}');

	rec.topic = state->txmeta_topic;
	rec.key = &key;
	rec.value = &value;
	rec.key_schema = txmeta_key_schema;
	rec.value_schema = txmeta_value_schema;
	rec.schema_id = &state->txmeta_schema_id;
	walcast_emit_record(ctx, &rec);
}

static inline bool
with_txn_metadata(DecoderState *state)
{
	return state->opts.provide_tx_metadata && TransactionIdIsValid(state->txn.xid);
}

/*
 * With provide.transaction.metadata: write the BEGIN record before the
 * transaction's first event.  Called before the event's record is begun.
 */
static void
begin_txn_metadata(LogicalDecodingContext *ctx, XLogRecPtr lsn)
{
	DecoderState *state = get_state(ctx);

	if (!with_txn_metadata(state) || state->txn.begin_sent)
		return;
	emit_txmeta(ctx, "BEGIN", lsn,
				"\"event_count\":null,\"data_collections\":null");
	state->txn.begin_sent = true;
}

/* Take back the count of an event that is not written after all. */
static void
uncount_in_collection(DecoderState *state, const char *name)
{
	ListCell   *lc;

	if (!with_txn_metadata(state))
		return;
	state->txn.total_order--;
	foreach(lc, state->txn.collections)
	{
		TxnCollection *c = lfirst(lc);

		if (strcmp(c->name, name) != 0 || --c->count > 0)
			continue;
		/* the event was the collection's first: forget the collection */
		state->txn.collections = list_delete_cell(state->txn.collections, lc);
		pfree(c->name);
		pfree(c);
		return;
	}
}

/*
 * Append the event's "transaction" block, counting the event (with
 * provide.transaction.metadata; begin_txn_metadata() has run).
 */
static void
append_txn_block(LogicalDecodingContext *ctx, StringInfo out,
				 const char *collection, XLogRecPtr lsn)
{
	DecoderState *state = get_state(ctx);
	int64		order;

	if (!with_txn_metadata(state))
	{
		appendStringInfoString(out, "null");
		return;
	}
	Assert(state->txn.begin_sent);
	order = count_in_collection(state, collection);
	appendStringInfoString(out, "{\"id\":");
	append_txn_id(out, state, lsn);
	appendStringInfo(out, ",\"total_order\":" INT64_FORMAT
					 ",\"data_collection_order\":" INT64_FORMAT "}",
					 ++state->txn.total_order, order);
}

/*
 * The END record of a transaction that wrote a BEGIN record: event counts
 * per data collection, in Java HashMap order as Debezium writes them.
 */
void
walcast_event_txn_end(LogicalDecodingContext *ctx, XLogRecPtr commit_lsn)
{
	DecoderState *state = get_state(ctx);
	int			n = list_length(state->txn.collections);
	const char **names;
	size_t	   *lens;
	int		   *order;
	StringInfoData counts;

	if (!state->txn.begin_sent)
		return;
	names = palloc(sizeof(char *) * Max(n, 1));
	lens = palloc(sizeof(size_t) * Max(n, 1));
	order = palloc(sizeof(int) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		names[i] = ((TxnCollection *) list_nth(state->txn.collections, i))->name;
		lens[i] = strlen(names[i]);
	}
	encode_java_hashmap_order(names, lens, n, order);
	initStringInfo(&counts);
	appendStringInfo(&counts, "\"event_count\":" INT64_FORMAT ",\"data_collections\":[",
					 state->txn.total_order);
	for (int i = 0; i < n; i++)
	{
		TxnCollection *c = list_nth(state->txn.collections, order[i]);

		if (i > 0)
			appendStringInfoChar(&counts, ',');
		appendStringInfoString(&counts, "{\"data_collection\":");
		json_append_cstring(&counts, c->name);
		appendStringInfo(&counts, ",\"event_count\":" INT64_FORMAT "}", c->count);
	}
	appendStringInfoChar(&counts, ']');
	emit_txmeta(ctx, "END", commit_lsn, counts.data);
}

/*
 * One row image, read once: heap_deform_tuple's values and null flags of
 * every attribute of the tuple descriptor (indexed by attnum - 1), and how
 * the image treats values it does not have.  Reading each column with
 * heap_getattr instead would walk the tuple from its start for every column
 * past the first variable-width one: quadratic in the column count.
 */
typedef struct RowView
{
	Datum	   *values;
	bool	   *isnull;
	RowKind		kind;
} RowView;

/* Deform tuple into *row.  Allocates in the current (change) context. */
static void
row_view_init(RowView *row, HeapTuple tuple, TupleDesc desc, RowKind kind)
{
	row->values = palloc(sizeof(Datum) * desc->natts);
	row->isnull = palloc(sizeof(bool) * desc->natts);
	row->kind = kind;
	heap_deform_tuple(tuple, desc, row->values, row->isnull);
}

/*
 * Can a varlena value be appended to out without its buffer growing past
 * state->event_limit?  When not, the event is marked too large.
 */
static bool
value_fits(StringInfo out, DecoderState *state, const WalcastColumn *col,
		   Datum value)
{
	if ((Size) out->len < state->event_limit &&
		walcast_typconv_fits(col, value, &state->opts.modes,
							 state->event_limit - out->len))
		return true;
	state->event_overflow = true;
	return false;
}

/*
 * Append the value of column col from a row, with Debezium's rules for
 * values the row does not have.  "fill" is an old full row to take
 * unchanged TOASTed values from, or NULL.
 */
static void
append_column(StringInfo out, DecoderState *state, const WalcastColumn *col,
			  const RowView *row, const RowView *fill)
{
	int			i = col->attnum - 1;
	bool		isnull = row->isnull[i];
	Datum		value = row->values[i];

	/* the event is too large already: it will not be written */
	if (state->event_overflow)
		return;
	if (!isnull && walcast_typconv_is_unchanged_toast(col, value))
	{
		if (fill != NULL)
		{
			value = fill->values[i];
			isnull = fill->isnull[i];
		}
		if (fill == NULL ||
			(!isnull && walcast_typconv_is_unchanged_toast(col, value)))
		{
			dbzvalue_append_placeholder(out, &col->dbz, &state->opts.modes);
			return;
		}
	}
	if (!isnull && col->varlena && !value_fits(out, state, col, value))
		return;
	/* a NOT NULL column whose value has only null in these modes */
	if (!isnull && col->notnull)
	{
		WalcastUnwritable why = walcast_typconv_unwritable(col, value,
														   &state->opts.modes);

		if (why != WC_WRITABLE)
		{
			state->event_unwritable = why;
			state->unwritable_col = col;
			state->event_overflow = true;
			return;
		}
	}
	if (!isnull)
		walcast_typconv_append(out, col, value, &state->opts.modes);
	else if (col->default_json)
		appendStringInfoString(out, col->default_json);
	else if (col->notnull && row->kind == ROW_OLD_IDENTITY)
		dbzvalue_append_fallback(out, &col->dbz, &state->opts.modes);
	else
		appendBinaryStringInfo(out, "null", 4);
}

static void
append_row(StringInfo out, DecoderState *state, RelationInfo *info,
		   const RowView *row, const RowView *fill)
{
	bool		first = true;

	appendStringInfoChar(out, '{');
	for (int i = 0; i < info->ncols; i++)
	{
		WalcastColumn *col = &info->cols[i];

		if (!col->in_value)
			continue;
		if (!first)
			appendStringInfoChar(out, ',');
		first = false;
		appendStringInfoString(out, col->json_key);
		append_column(out, state, col, row, fill);
	}
	appendStringInfoChar(out, '}');
}

/*
 * Append the key payload of a row.  Returns false when some key column is
 * absent from it (an old row logged for another replica identity index).
 */
static bool
append_key(StringInfo out, DecoderState *state, RelationInfo *info,
		   const RowView *row)
{
	bool		complete = true;

	appendStringInfoChar(out, '{');
	for (int i = 0; i < info->nkey; i++)
	{
		WalcastColumn *col = &info->cols[info->key[i]];

		if (i > 0)
			appendStringInfoChar(out, ',');
		appendStringInfoString(out, col->json_key);
		if (row->isnull[col->attnum - 1])
			complete = false;
		append_column(out, state, col, row, NULL);
	}
	appendStringInfoChar(out, '}');
	return complete;
}

/*
 * Append a whole envelope payload.  before/after may be NULL.  The after
 * row takes unchanged TOASTed values from a complete old row.
 */
static void
append_envelope(LogicalDecodingContext *ctx, StringInfo out,
				RelationInfo *info, char op, XLogRecPtr lsn,
				const RowView *before, const RowView *after)
{
	DecoderState *state = get_state(ctx);

	appendStringInfoString(out, "{\"before\":");
	if (before)
		append_row(out, state, info, before, NULL);
	else
		appendStringInfoString(out, "null");
	appendStringInfoString(out, ",\"after\":");
	if (after)
		append_row(out, state, info, after,
				   before && before->kind == ROW_OLD_FULL ? before : NULL);
	else
		appendStringInfoString(out, "null");
	appendStringInfoString(out, ",\"source\":");
	append_source(out, state, info->source_names, state->txn.commit_time,
				  state->txn.xid, lsn);
	appendStringInfoString(out, ",\"transaction\":");
	append_txn_block(ctx, out, info->data_collection, lsn);
	appendStringInfoString(out, ",\"op\":\"");
	appendStringInfoChar(out, op);
	appendStringInfoChar(out, '"');
	append_ts_triple(out, state, ",\"", unix_us(GetCurrentTimestamp()), false);
	appendStringInfoChar(out, '}');
}

/* Fill in the parts of a record that come from the relation. */
static void
init_record(WalcastRecord *rec, RelationInfo *info)
{
	memset(rec, 0, sizeof(*rec));
	rec->topic = info->topic;
	rec->key_schema = info->key_schema;
	rec->value_schema = info->value_schema;
	rec->schema_id = &info->schema_id;
	rec->context_headers = true;
}

/* The level event.processing.failure.handling.mode reports a failure at. */
static int
failure_level(const DecoderState *state)
{
	return state->opts.failure_mode == WC_FAILURE_FAIL ? ERROR :
		state->opts.failure_mode == WC_FAILURE_WARN ? WARNING : DEBUG1;
}

/*
 * Report an event with a value of a NOT NULL column that has no value but
 * null in the modes in effect (state->event_unwritable), as
 * report_too_large() does: the table, the column and the position, never
 * the value.
 */
static void
report_unwritable(DecoderState *state, RelationInfo *info, XLogRecPtr lsn)
{
	int			level = failure_level(state);
	bool		timestamp = state->event_unwritable == WC_UNWRITABLE_TIMESTAMP;
	const char *mode;
	const char *detail;
	const char *hint;

	switch (state->event_unwritable)
	{
		case WC_UNWRITABLE_DECIMAL:
			mode = "with decimal.handling.mode \"precise\"";
			detail = gettext_noop("A NaN or infinite numeric value has no decimal representation, and null is not valid for a NOT NULL column.");
			hint = gettext_noop("Set decimal.handling.mode to \"string\" or \"double\", or event.processing.failure.handling.mode to \"warn\" or \"skip\" to skip such events.");
			break;
		case WC_UNWRITABLE_DECIMAL_ARRAY:
			mode = "in any decimal.handling.mode";
			detail = gettext_noop("A numeric array with a NaN or infinite element is written as null, and null is not valid for a NOT NULL column.");
			hint = gettext_noop("Set event.processing.failure.handling.mode to \"warn\" or \"skip\" to skip such events, or drop the column's NOT NULL constraint.");
			break;
		default:
			mode = "with time.precision.mode \"nanoseconds\"";
			detail = gettext_noop("Timestamps before 1677-09-21 or after 2262-04-11 do not fit in 64-bit epoch nanoseconds, and null is not valid for a NOT NULL column.");
			hint = gettext_noop("Set time.precision.mode to \"adaptive_time_microseconds\" or \"microseconds\", or event.processing.failure.handling.mode to \"warn\" or \"skip\" to skip such events.");
			break;
	}
	ereport(level,
			(errcode(timestamp ? ERRCODE_DATETIME_VALUE_OUT_OF_RANGE :
					 ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 level == ERROR ?
			 errmsg("value of NOT NULL column \"%s\" of table \"%s\".\"%s\" at LSN %X/%X cannot be represented %s",
					state->unwritable_col->name, info->schema_name,
					info->table_name, LSN_FORMAT_ARGS(lsn), mode) :
			 errmsg("skipped event of table \"%s\".\"%s\" at LSN %X/%X: the value of NOT NULL column \"%s\" cannot be represented %s",
					info->schema_name, info->table_name, LSN_FORMAT_ARGS(lsn),
					state->unwritable_col->name, mode),
			 errdetail("%s", _(detail)),
			 level == ERROR ? errhint("%s", _(hint)) : 0));
}

/*
 * Report an event too large to be written, by
 * event.processing.failure.handling.mode: an ERROR (fail), or a WARNING
 * (warn) or a DEBUG1 message (skip) before the event is left out.  Names
 * the table and the position, never the row's data.  An event with a
 * value that cannot be written is reported by report_unwritable().
 */
static void
report_too_large(DecoderState *state, RelationInfo *info, XLogRecPtr lsn)
{
	int			level = failure_level(state);
	char	   *what;

	if (info && state->event_unwritable != WC_WRITABLE)
	{
		report_unwritable(state, info, lsn);
		return;
	}
	what = info ?
		psprintf("event of table \"%s\".\"%s\"", info->schema_name,
				 info->table_name) :
		pstrdup("logical decoding message");

	ereport(level,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 level == ERROR ?
			 errmsg("%s at LSN %X/%X exceeds the maximum message size of %d bytes",
					what, LSN_FORMAT_ARGS(lsn), state->opts.max_message_bytes) :
			 errmsg("skipped %s at LSN %X/%X: it exceeds the maximum message size of %d bytes",
					what, LSN_FORMAT_ARGS(lsn), state->opts.max_message_bytes),
			 level == ERROR ?
			 errhint("Set event.processing.failure.handling.mode to \"warn\" or \"skip\" to skip such events.") : 0));
	pfree(what);
}

/* The buffers of the next change's keys may grow up to this length. */
static void
reset_event_limit(DecoderState *state)
{
	state->event_overflow = false;
	state->event_unwritable = WC_WRITABLE;
	state->unwritable_col = NULL;
	state->event_limit = state->opts.max_message_bytes;
}

/*
 * Write one change event: its key (built by the caller) and its value,
 * built straight into ctx->out, checked value by value against the largest
 * message walcast writes.  Returns false when the event is too large, and
 * was reported and left out (warn, skip); with fail, that is an ERROR.
 */
static bool
write_event(LogicalDecodingContext *ctx, RelationInfo *info, char op,
			XLogRecPtr lsn, const RowView *before, const RowView *after,
			StringInfo key, StringInfo newkey, StringInfo oldkey)
{
	DecoderState *state = get_state(ctx);
	WalcastRecord rec;
	Size		tail;

	/* a key that did not fit makes every event of the change too large */
	if (state->event_overflow)
	{
		report_too_large(state, info, lsn);
		return false;
	}
	init_record(&rec, info);
	rec.key = key;
	rec.newkey = newkey;
	rec.oldkey = oldkey;
	rec.value_inline = true;
	begin_txn_metadata(ctx, lsn);
	walcast_record_begin(ctx, &rec);
	tail = walcast_record_tail_bytes(state, &rec);
	state->event_limit = state->opts.max_message_bytes - Min(tail, state->opts.max_message_bytes);
	append_envelope(ctx, ctx->out, info, op, lsn, before, after);
	if (state->event_overflow || (Size) ctx->out->len > state->event_limit)
	{
		walcast_record_abandon(ctx, &rec);
		uncount_in_collection(state, info->data_collection);
		report_too_large(state, info, lsn);
		reset_event_limit(state);
		return false;
	}
	walcast_record_end(ctx, &rec);
	reset_event_limit(state);
	return true;
}

/* Emit a "d" event and its tombstone. */
static void
emit_delete(LogicalDecodingContext *ctx, RelationInfo *info, XLogRecPtr lsn,
			const RowView *old, StringInfo key, StringInfo newkey)
{
	DecoderState *state = get_state(ctx);
	WalcastRecord rec;

	if (!write_event(ctx, info, 'd', lsn, old, NULL, key, newkey, NULL) ||
		!state->opts.tombstones_on_delete || key == NULL)
		return;
	init_record(&rec, info);
	rec.key = key;
	rec.newkey = newkey;
	walcast_emit_record(ctx, &rec);
}

static void
emit_insert(LogicalDecodingContext *ctx, RelationInfo *info, XLogRecPtr lsn,
			const RowView *new, StringInfo oldkey)
{
	DecoderState *state = get_state(ctx);
	StringInfoData key;

	if (info->nkey > 0)
	{
		initStringInfo(&key);
		append_key(&key, state, info, new);
	}
	write_event(ctx, info, 'c', lsn, NULL, new, info->nkey > 0 ? &key : NULL,
				NULL, oldkey);
}

static RowKind
old_row_kind(char replident)
{
	return replident == REPLICA_IDENTITY_FULL ?
		ROW_OLD_FULL : ROW_OLD_IDENTITY;
}

/*
 * An update: one "u" event, or the three records of a primary-key change
 * when the old row carries the whole key and it differs from the new key.
 * old may be NULL.
 */
static void
emit_update(LogicalDecodingContext *ctx, RelationInfo *info, XLogRecPtr lsn,
			const RowView *old, const RowView *new)
{
	DecoderState *state = get_state(ctx);
	StringInfoData newkey;

	initStringInfo(&newkey);
	if (info->nkey > 0)
		append_key(&newkey, state, info, new);
	if (old != NULL && info->nkey > 0)
	{
		StringInfoData oldkey;

		initStringInfo(&oldkey);
		if (append_key(&oldkey, state, info, old) &&
			strcmp(oldkey.data, newkey.data) != 0)
		{
			emit_delete(ctx, info, lsn, old, &oldkey, &newkey);
			emit_insert(ctx, info, lsn, new, &oldkey);
			return;
		}
	}
	write_event(ctx, info, 'u', lsn, old, new,
				info->nkey > 0 ? &newkey : NULL, NULL, NULL);
}

/*
 * Warn once per relation that deletes cannot be written because the table
 * logs no old row (REPLICA IDENTITY NOTHING, or DEFAULT without a primary
 * key).
 */
static void
warn_no_identity(RelationInfo *info)
{
	if (info->warned_identity)
		return;
	info->warned_identity = true;
	ereport(WARNING,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("table \"%s\".\"%s\" logs no old row, so its deletes produce no events",
					info->schema_name, info->table_name),
			 errhint("Use ALTER TABLE ... REPLICA IDENTITY FULL, or add a primary key.")));
}

/*
 * Write the records of one insert, update or delete that the publication
 * publishes (publication.c decides that); skipped.operations applies here,
 * to the action as written.  Each tuple image is deformed once, here, and
 * only when its event is written.
 */
void
walcast_event_row(LogicalDecodingContext *ctx, RelationInfo *info,
				  const WalcastRowChange *row)
{
	DecoderState *state = get_state(ctx);
	RowKind		old_kind = old_row_kind(row->replident);
	RowView		old;
	RowView		new;

	reset_event_limit(state);
	switch (row->action)
	{
		case REORDER_BUFFER_CHANGE_INSERT:
			if (state->opts.skip_create || !row->new)
				break;
			row_view_init(&new, row->new, row->desc, ROW_NEW);
			emit_insert(ctx, info, row->lsn, &new, NULL);
			break;
		case REORDER_BUFFER_CHANGE_UPDATE:
			if (state->opts.skip_update || !row->new)
				break;
			row_view_init(&new, row->new, row->desc, ROW_NEW);
			if (row->old)
				row_view_init(&old, row->old, row->desc, old_kind);
			emit_update(ctx, info, row->lsn, row->old ? &old : NULL, &new);
			break;
		case REORDER_BUFFER_CHANGE_DELETE:
			if (state->opts.skip_delete)
				break;
			if (row->old == NULL)
			{
				warn_no_identity(info);
				break;
			}
			row_view_init(&old, row->old, row->desc, old_kind);
			{
				StringInfoData key;
				StringInfo	keyp = NULL;

				if (info->nkey > 0)
				{
					initStringInfo(&key);
					append_key(&key, state, info, &old);
					keyp = &key;
				}
				emit_delete(ctx, info, row->lsn, &old, keyp, NULL);
			}
			break;
		default:
			elog(ERROR, "unrecognized change action: %d", row->action);
	}
}

/*
 * A truncate event: key null, before and after null.
 */
void
walcast_event_truncate(LogicalDecodingContext *ctx, RelationInfo *info,
					   XLogRecPtr lsn)
{
	WalcastRecord rec;

	init_record(&rec, info);
	rec.value_inline = true;
	begin_txn_metadata(ctx, lsn);
	walcast_record_begin(ctx, &rec);
	append_envelope(ctx, ctx->out, info, 't', lsn, NULL, NULL);
	walcast_record_end(ctx, &rec);
}

/*
 * The MessageValue schema, whose content type follows binary.handling.mode.
 * Built once per decoding session, in the current memory context.
 */
char *
walcast_event_message_schema(const DecoderState *state)
{
	return psprintf("{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"
					"{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ms\"},%s,"
					"{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"id\"},"
					"{\"type\":\"int64\",\"optional\":false,\"field\":\"total_order\"},"
					"{\"type\":\"int64\",\"optional\":false,\"field\":\"data_collection_order\"}],"
					"\"optional\":true,\"name\":\"event.block\",\"version\":1,\"field\":\"transaction\"},"
					"{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":true,\"field\":\"prefix\"},"
					"{\"type\":\"%s\",\"optional\":true,\"field\":\"content\"}],"
					"\"optional\":false,\"name\":\"io.debezium.connector.postgresql.Message\",\"version\":1,\"field\":\"message\"}],"
					"\"optional\":false,\"name\":\"io.debezium.connector.postgresql.MessageValue\",\"version\":1}",
					state->source_schema,
					state->opts.modes.binary == DBZ_BINARY_BYTES ? "bytes" : "string");
}

/*
 * A logical decoding message (pg_logical_emit_message): op "m" on
 * <prefix>.message, filtered by message.prefix.include/exclude.list.  One
 * too large to be written follows event.processing.failure.handling.mode.
 */
void
walcast_event_message(LogicalDecodingContext *ctx, XLogRecPtr lsn,
					  bool transactional, const char *prefix, Size sz,
					  const char *message)
{
	DecoderState *state = get_state(ctx);
	WalcastRecord rec = {0};
	StringInfoData key;
	StringInfo	value;
	TimestampTz ts = transactional ? state->txn.commit_time : GetCurrentTimestamp();

	if (state->opts.message_include.n > 0 ?
		!walcast_regex_list_match(&state->opts.message_include, prefix) :
		walcast_regex_list_match(&state->opts.message_exclude, prefix))
		return;
	initStringInfo(&key);
	appendStringInfoString(&key, "{\"prefix\":");
	json_append_cstring(&key, prefix);
	appendStringInfoChar(&key, '}');

	rec.topic = state->message_topic;
	rec.key = &key;
	rec.value_inline = true;
	rec.key_schema = message_key_schema;
	rec.value_schema = state->message_schema;
	rec.schema_id = &state->message_schema_id;
	if (transactional)
		begin_txn_metadata(ctx, lsn);
	walcast_record_begin(ctx, &rec);
	value = ctx->out;
	/* MessageValue has ts_ms, but no ts_us and ts_ns */
	appendStringInfoString(value, "{\"op\":\"m\",\"ts_ms\":");
	if (state->opts.include_volatile)
		json_append_int64(value, unix_us(GetCurrentTimestamp()) / 1000);
	else
		appendStringInfoString(value, "null");
	appendStringInfoString(value, ",\"source\":");
	append_source(value, state, ",\"schema\":\"\",\"table\":\"\"", ts,
				  transactional ? state->txn.xid : InvalidTransactionId, lsn);
	appendStringInfoString(value, ",\"transaction\":");
	if (transactional)
		append_txn_block(ctx, value, MESSAGE_COLLECTION, lsn);
	else
		appendStringInfoString(value, "null");
	appendStringInfoString(value, ",\"message\":{\"prefix\":");
	json_append_cstring(value, prefix);
	appendStringInfoString(value, ",\"content\":");
	if ((Size) value->len + dbzvalue_binary_length(sz, &state->opts.modes) +
		walcast_record_tail_bytes(state, &rec) > state->opts.max_message_bytes)
	{
		walcast_record_abandon(ctx, &rec);
		if (transactional)
			uncount_in_collection(state, MESSAGE_COLLECTION);
		report_too_large(state, NULL, lsn);
		return;
	}
	dbzvalue_append_binary(value, (const unsigned char *) message, sz,
						   &state->opts.modes);
	appendStringInfoString(value, "}}");

	walcast_record_end(ctx, &rec);
}
