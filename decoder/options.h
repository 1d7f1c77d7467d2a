/*-------------------------------------------------------------------------
 *
 * options.h
 *	  walcast's output plugin options
 *
 * IDENTIFICATION
 *	  decoder/options.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DECODER_OPTIONS_H
#define DECODER_OPTIONS_H

#include "nodes/pg_list.h"
#include "utils/memutils.h"
#include "regex/regex.h"

#include "libwalcast/dbzschema.h"

/* output.format */
typedef enum WalcastFormat
{
	WC_FORMAT_VALUE,			/* one row per Kafka value (Debezium's) */
	WC_FORMAT_RECORD,			/* one JSON object per Kafka record */
	WC_FORMAT_RELAY				/* framed records for walcast-relay */
} WalcastFormat;

/* event.processing.failure.handling.mode: events that cannot be written */
typedef enum WalcastFailureMode
{
	WC_FAILURE_FAIL,			/* stop decoding with an error */
	WC_FAILURE_WARN,			/* skip the event with a WARNING */
	WC_FAILURE_SKIP				/* skip the event, logged at DEBUG1 */
} WalcastFailureMode;

/*
 * The largest output message walcast writes: PostgreSQL allocates no more
 * than MaxAllocSize (1 GB - 1) at once, and the message is copied whole
 * into the walsender's send buffer or the SQL functions' result row, with
 * a header; 1 MB is left for those.
 */
#define WALCAST_MAX_MESSAGE_BYTES (MaxAllocSize - 1024 * 1024)

/* A comma-separated list of anchored regular expressions, compiled. */
typedef struct WalcastRegexList
{
	int			n;
	regex_t    *res;
} WalcastRegexList;

typedef struct DecoderOptions
{
	char	   *topic_prefix;	/* NULL: the database name */
	bool		schemas_enable;
	bool		tombstones_on_delete;
	bool		include_volatile;	/* timestamps, xids, LSNs */
	bool		provide_tx_metadata;
	WalcastFormat format;
	int			relay_batch_bytes;
	char	   *publication_name;	/* NULL: every table */
	bool		skip_create;	/* skipped.operations */
	bool		skip_update;
	bool		skip_delete;
	bool		skip_truncate;
	WalcastRegexList schema_include;
	WalcastRegexList schema_exclude;
	WalcastRegexList table_include;
	WalcastRegexList table_exclude;
	WalcastRegexList column_include;
	WalcastRegexList column_exclude;
	WalcastRegexList message_include;
	WalcastRegexList message_exclude;
	DbzModes	modes;
	WalcastFailureMode failure_mode;
	int			max_message_bytes;	/* walcast.testing.max.message.bytes */
} DecoderOptions;

extern void walcast_options_parse(List *options, DecoderOptions *opts);
extern bool walcast_regex_list_match(const WalcastRegexList *list,
									 const char *s);

#endif							/* DECODER_OPTIONS_H */
