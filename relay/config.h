/*-------------------------------------------------------------------------
 *
 * config.h
 *	  RelayConfig: the relay's settings from flags and a configuration file
 *
 * IDENTIFICATION
 *	  relay/config.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELAY_CONFIG_H
#define RELAY_CONFIG_H

#include "access/xlogdefs.h"

#define RELAY_DEFAULT_SLOT					"walcast"
#define RELAY_DEFAULT_STATUS_INTERVAL_MS	10000
#define RELAY_DEFAULT_PROGRESS_INTERVAL_MS	10000
#define RELAY_DEFAULT_RECEIVE_TIMEOUT_MS	60000
#define RELAY_DEFAULT_MAX_QUEUE_BYTES		(8 * 1024 * 1024)
#define RELAY_MIN_QUEUE_BYTES				INT64CONST(1048576)
#define RELAY_MAX_QUEUE_BYTES				(INT64CONST(1) << 40)

/*
 * Debezium's event.processing.failure.handling.mode: what to do with an
 * event that can never be produced (larger than Kafka accepts).
 */
typedef enum RelayFailureMode
{
	RELAY_FAILURE_FAIL,			/* stop with a message naming the fix */
	RELAY_FAILURE_WARN,			/* skip it with a warning */
	RELAY_FAILURE_SKIP			/* skip it with an informational line */
} RelayFailureMode;

#define RELAY_FAILURE_MODE_KEY	"event.processing.failure.handling.mode"

/* An ordered list of name/value pairs; value may be NULL (-o name). */
typedef struct NameValue
{
	char	   *name;
	char	   *value;
} NameValue;

typedef struct NameValueList
{
	NameValue  *items;
	int			count;
	int			capacity;
} NameValueList;

/*
 * The relay's settings.  main fills one RelayConfig from the flags and one
 * from the configuration file, merges them (flags win) and finishes the
 * result, which fills in defaults and validates.  Before config_finish,
 * NULL strings and negative numbers mean "not given".
 */
typedef struct RelayConfig
{
	NameValueList conn;			/* libpq keywords (host, port, user, ...) */
	char	   *connstr;		/* -d: a connection string or a dbname */
	char	   *app_name;		/* connector "name", the application_name */
	char	   *slot;			/* -S / slot.name */
	NameValueList plugin_options;	/* -o and plugin keys of the file */
	NameValueList kafka_props;	/* -X, -b and Kafka keys of the file */
	XLogRecPtr	startpos;		/* -I; InvalidXLogRecPtr: slot's position */
	XLogRecPtr	endpos;			/* -E; InvalidXLogRecPtr: run forever */
	int			status_interval_ms; /* -s, status.update.interval.ms */
	int			progress_interval_ms;	/* --progress-interval */
	int			receive_timeout_ms; /* --receive-timeout; 0: none */
	int64		max_queue_bytes;	/* --max-queue-bytes */
	RelayFailureMode failure_mode;	/* event.processing.failure.handling.mode */
	bool		create_slot;	/* --create-slot */
	bool		if_not_exists;	/* --if-not-exists */
	bool		start;			/* --start */
	bool		no_loop;		/* --no-loop */
	int			verbose;		/* -v count */
	char	   *config_file;	/* -c */
} RelayConfig;

extern void config_init(RelayConfig *cfg);
extern void config_free(RelayConfig *cfg);
extern void nv_set(NameValueList *list, const char *name, const char *value);
extern const NameValue *nv_find(const NameValueList *list, const char *name);
extern bool config_parse_lsn(const char *s, XLogRecPtr *lsn);
extern bool config_parse_int(const char *s, int64 min, int64 max,
							 int64 *out);
extern bool config_add_option(NameValueList *list, const char *arg,
							  const char *flag);
extern bool config_load_file(RelayConfig *cfg, const char *path);
extern bool config_parse_text(RelayConfig *cfg, const char *text,
							  size_t len, const char *filename);
extern bool config_apply_key(RelayConfig *cfg, const char *key,
							 const char *value, const char *where);
extern void config_merge(RelayConfig *base, const RelayConfig *over);
extern bool config_finish(RelayConfig *cfg);
extern bool config_stdout_mode(const RelayConfig *cfg);

#endif							/* RELAY_CONFIG_H */
