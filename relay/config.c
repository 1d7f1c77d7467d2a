/*-------------------------------------------------------------------------
 *
 * config.c
 *	  RelayConfig: the relay's settings from flags and a configuration file
 *
 * The configuration file is the one Debezium users already have for the
 * PostgreSQL connector: either the connector's JSON as posted to Kafka
 * Connect ({"name": ..., "config": {...}}, or the bare "config" object),
 * parsed with yajl, or the same keys as a Java properties file; cfgfile.c
 * reads both forms.  This file holds the settings themselves (defaults,
 * flags, merging, validation) and maps each key of the file to one of:
 *
 *	- a libpq connection keyword (database.hostname -> host, ...);
 *	- the slot name (slot.name);
 *	- a walcast plugin option, passed to START_REPLICATION as-is
 *	  (topic.prefix, table.include.list, ...: the plugin validates them);
 *	- a librdkafka property (bootstrap.servers, kafka.<prop>,
 *	  producer.<prop>, producer.override.<prop>);
 *	- one of the relay's own settings (status.update.interval.ms, ...).
 *
 * A key that maps to nothing is reported with a warning naming it, never
 * silently dropped; a value the relay itself cannot use is an error naming
 * the key (and the line, in a properties file).  Flags override the file.
 *
 * Only main.c and this file may exit, and this file does not: it logs at
 * the failure site and returns false, and main exits.
 *
 * IDENTIFICATION
 *	  relay/config.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include <ctype.h>
#include <sys/stat.h>

#include "common/logging.h"
#include "libpq-fe.h"
#include "route.h"

#include "cfgfile.h"
#include "config.h"

/* Largest configuration file read: far more than any real one. */
#define CONFIG_MAX_FILE_BYTES	(1024 * 1024)

/* Debezium connection keys and the libpq keywords they stand for. */
static const struct
{
	const char *key;
	const char *keyword;
}			conn_keys[] =
{
	{"database.hostname", "host"},
	{"database.port", "port"},
	{"database.user", "user"},
	{"database.password", "password"},
	{"database.dbname", "dbname"},
	{"database.sslmode", "sslmode"},
	{"database.sslrootcert", "sslrootcert"},
	{"database.sslcert", "sslcert"},
	{"database.sslkey", "sslkey"},
	{"database.sslpassword", "sslpassword"},
};

/* Connector keys that are walcast plugin options, passed through as -o. */
static const char *const plugin_keys[] =
{
	"topic.prefix", "table.include.list", "table.exclude.list",
	"schema.include.list", "schema.exclude.list",
	"column.include.list", "column.exclude.list", "publication.name",
	"skipped.operations", "tombstones.on.delete", "decimal.handling.mode",
	"time.precision.mode", "binary.handling.mode", "interval.handling.mode",
	"hstore.handling.mode", "money.fraction.digits",
	"include.unknown.datatypes", "unavailable.value.placeholder",
	"provide.transaction.metadata", "message.prefix.include.list",
	"message.prefix.exclude.list", "schemas.enable",
	/* read by the relay too: see finish_failure_mode */
	RELAY_FAILURE_MODE_KEY,
};

/* Known Debezium / Kafka Connect keys that do not apply, and why. */
static const struct
{
	const char *key;
	const char *detail;
}			unused_keys[] =
{
	{"connector.class", "walcast-relay is not a Kafka Connect connector."},
	{"tasks.max", "walcast-relay is not a Kafka Connect connector."},
	{"database.server.name", "Debezium 2 replaced it with \"topic.prefix\"."},
	{"snapshot.mode", "walcast-relay takes no initial snapshot; it streams changes from the slot's position."},
	{"publication.autocreate.mode", "The walcast plugin does not create publications."},
	{"slot.drop.on.stop", "walcast-relay never drops its slot."},
	{"heartbeat.interval.ms", "walcast-relay confirms keepalive positions instead of writing heartbeats."},
};

/* ---- name/value lists ---- */

/* Set name to value (a copy; NULL allowed), replacing an earlier value. */
void
nv_set(NameValueList *list, const char *name, const char *value)
{
	NameValue  *nv = (NameValue *) nv_find(list, name);

	if (nv == NULL)
	{
		if (list->count == list->capacity)
		{
			list->capacity = Max(8, list->capacity * 2);
			list->items = pg_realloc(list->items,
									 list->capacity * sizeof(NameValue));
		}
		nv = &list->items[list->count++];
		nv->name = pg_strdup(name);
	}
	else
		pg_free(nv->value);
	nv->value = value ? pg_strdup(value) : NULL;
}

const NameValue *
nv_find(const NameValueList *list, const char *name)
{
	int			i;

	for (i = 0; i < list->count; i++)
		if (strcmp(list->items[i].name, name) == 0)
			return &list->items[i];
	return NULL;
}

static void
nv_free(NameValueList *list)
{
	int			i;

	for (i = 0; i < list->count; i++)
	{
		pg_free(list->items[i].name);
		pg_free(list->items[i].value);
	}
	pg_free(list->items);
	memset(list, 0, sizeof(*list));
}

void
config_init(RelayConfig *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->startpos = InvalidXLogRecPtr;
	cfg->endpos = InvalidXLogRecPtr;
	cfg->status_interval_ms = -1;
	cfg->progress_interval_ms = -1;
	cfg->receive_timeout_ms = -1;
	cfg->max_queue_bytes = -1;
}

void
config_free(RelayConfig *cfg)
{
	nv_free(&cfg->conn);
	nv_free(&cfg->plugin_options);
	nv_free(&cfg->kafka_props);
	pg_free(cfg->connstr);
	pg_free(cfg->app_name);
	pg_free(cfg->slot);
	pg_free(cfg->config_file);
	memset(cfg, 0, sizeof(*cfg));
}

/* ---- values ---- */

bool
config_parse_lsn(const char *s, XLogRecPtr *lsn)
{
	return route_parse_lsn(s, strlen(s), lsn);
}

/* Parse a decimal integer in [min, max]; no sign, spaces or suffix. */
bool
config_parse_int(const char *s, int64 min, int64 max, int64 *out)
{
	int64		v = 0;
	const char *p = s;
	bool		neg = false;

	if (*p == '-')
	{
		neg = true;
		p++;
	}
	if (*p == '\0' || strlen(p) > 18)
		return false;
	for (; *p; p++)
	{
		if (!isdigit((unsigned char) *p))
			return false;
		v = v * 10 + (*p - '0');
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

/*
 * Add a NAME[=VALUE] argument of -o or -X to list.  flag names the option
 * in the error message.
 */
bool
config_add_option(NameValueList *list, const char *arg, const char *flag)
{
	const char *eq = strchr(arg, '=');
	char	   *name;

	if (eq == arg || *arg == '\0')
	{
		pg_log_error("invalid argument \"%s\" for option %s", arg, flag);
		pg_log_error_detail("Expected NAME=VALUE.");
		return false;
	}
	name = eq ? pnstrdup(arg, eq - arg) : pg_strdup(arg);
	nv_set(list, name, eq ? eq + 1 : NULL);
	pg_free(name);
	return true;
}

/* ---- keys ---- */

static bool
invalid_value(const char *key, const char *value, const char *where,
			  const char *detail)
{
	if (where && strcmp(where, key) != 0)
		pg_log_error("invalid value for configuration key \"%s\" (%s): \"%s\"",
					 key, where, value);
	else
		pg_log_error("invalid value for configuration key \"%s\": \"%s\"",
					 key, value);
	pg_log_error_detail("%s", detail);
	return false;
}

/* A replication slot name: lower-case letters, digits, underscores. */
static bool
valid_slot_name(const char *s)
{
	const char *p;

	if (*s == '\0' || strlen(s) >= NAMEDATALEN)
		return false;
	for (p = s; *p; p++)
		if (!(islower((unsigned char) *p) || isdigit((unsigned char) *p) ||
			  *p == '_'))
			return false;
	return true;
}

/* Keys mapping to libpq keywords; returns true when key is one of them. */
static bool
apply_conn_key(RelayConfig *cfg, const char *key, const char *value,
			   const char *where, bool *ok)
{
	int			i;
	int64		port;

	for (i = 0; i < lengthof(conn_keys); i++)
	{
		if (strcmp(key, conn_keys[i].key) != 0)
			continue;
		if (strcmp(key, "database.port") == 0 &&
			!config_parse_int(value, 1, 65535, &port))
			*ok = invalid_value(key, value, where,
								"A port number is an integer from 1 to 65535.");
		else
			nv_set(&cfg->conn, conn_keys[i].keyword, value);
		return true;
	}
	return false;
}

/* Keys that are librdkafka properties; returns true when key is one. */
static bool
apply_kafka_key(RelayConfig *cfg, const char *key, const char *value)
{
	static const char *const prefixes[] =
	{"producer.override.", "producer.", "kafka."};
	int			i;

	if (strcmp(key, "bootstrap.servers") == 0)
	{
		nv_set(&cfg->kafka_props, key, value);
		return true;
	}
	for (i = 0; i < lengthof(prefixes); i++)
	{
		size_t		n = strlen(prefixes[i]);

		if (strncmp(key, prefixes[i], n) == 0 && key[n] != '\0')
		{
			nv_set(&cfg->kafka_props, key + n, value);
			return true;
		}
	}
	return false;
}

/* An interval in milliseconds for one of the relay's own keys. */
static bool
apply_interval_key(const char *key, const char *value, const char *where,
				   int *out)
{
	int64		v;

	if (!config_parse_int(value, 0, PG_INT32_MAX, &v))
		return invalid_value(key, value, where,
							 "An interval is a number of milliseconds.");
	*out = (int) v;
	return true;
}

/* The relay's own keys; returns true when key is one of them. */
static bool
apply_relay_key(RelayConfig *cfg, const char *key, const char *value,
				const char *where, bool *ok)
{
	int64		v;

	if (strcmp(key, "slot.name") == 0)
	{
		if (!valid_slot_name(value))
			*ok = invalid_value(key, value, where,
								"Replication slot names may only contain lower case letters, numbers, and the underscore character.");
		else
		{
			pg_free(cfg->slot);
			cfg->slot = pg_strdup(value);
		}
	}
	else if (strcmp(key, "status.update.interval.ms") == 0)
		*ok = apply_interval_key(key, value, where, &cfg->status_interval_ms);
	else if (strcmp(key, "relay.progress.interval.ms") == 0)
		*ok = apply_interval_key(key, value, where, &cfg->progress_interval_ms);
	else if (strcmp(key, "relay.receive.timeout.ms") == 0)
		*ok = apply_interval_key(key, value, where, &cfg->receive_timeout_ms);
	else if (strcmp(key, "relay.max.queue.bytes") == 0)
	{
		if (!config_parse_int(value, RELAY_MIN_QUEUE_BYTES,
							  RELAY_MAX_QUEUE_BYTES, &v))
			*ok = invalid_value(key, value, where,
								"The queue size is a number of bytes, at least 1048576.");
		else
			cfg->max_queue_bytes = v;
	}
	else if (strcmp(key, "name") == 0)
	{
		pg_free(cfg->app_name);
		cfg->app_name = pg_strdup(value);
	}
	else
		return false;
	return true;
}

/* Warn about a key that maps to nothing. */
static void
warn_unused_key(const char *key, const char *value, const char *where)
{
	int			i;

	if (strcmp(key, "plugin.name") == 0)
	{
		if (strcmp(value, "walcast") != 0)
		{
			pg_log_warning("configuration key \"plugin.name\" = \"%s\" is ignored", value);
			pg_log_warning_detail("walcast-relay always decodes with its own plugin, \"walcast\".");
		}
		return;
	}
	if (where && strcmp(where, key) != 0)
		pg_log_warning("configuration key \"%s\" (%s) is not supported by walcast-relay and is ignored",
					   key, where);
	else
		pg_log_warning("configuration key \"%s\" is not supported by walcast-relay and is ignored",
					   key);
	for (i = 0; i < lengthof(unused_keys); i++)
		if (strcmp(key, unused_keys[i].key) == 0)
			pg_log_warning_detail("%s", unused_keys[i].detail);
}

/*
 * Apply one configuration-file key.  where names its place for messages
 * ("file:line" for properties files).  Returns false on an invalid value.
 */
bool
config_apply_key(RelayConfig *cfg, const char *key, const char *value,
				 const char *where)
{
	bool		ok = true;
	int			i;

	if (apply_conn_key(cfg, key, value, where, &ok) ||
		apply_relay_key(cfg, key, value, where, &ok) ||
		apply_kafka_key(cfg, key, value))
		return ok;
	for (i = 0; i < lengthof(plugin_keys); i++)
	{
		if (strcmp(key, plugin_keys[i]) == 0)
		{
			nv_set(&cfg->plugin_options, key, value);
			return true;
		}
	}
	warn_unused_key(key, value, where);
	return true;
}

/* ---- configuration files ---- */

/*
 * Parse configuration text: JSON when its first non-blank character is '{',
 * a properties file otherwise.
 */
bool
config_parse_text(RelayConfig *cfg, const char *text, size_t len,
				  const char *filename)
{
	size_t		i = 0;

	while (i < len && isspace((unsigned char) text[i]))
		i++;
	if (i < len && text[i] == '{')
		return cfgfile_parse_json(cfg, text, len, filename);
	return cfgfile_parse_properties(cfg, text, len, filename);
}

/* Read and parse the configuration file at path. */
bool
config_load_file(RelayConfig *cfg, const char *path)
{
	FILE	   *f = fopen(path, "rb");
	char	   *text;
	size_t		len;
	bool		ok;

	if (f == NULL)
	{
		pg_log_error("could not open configuration file \"%s\": %m", path);
		return false;
	}
	text = pg_malloc(CONFIG_MAX_FILE_BYTES + 1);
	len = fread(text, 1, CONFIG_MAX_FILE_BYTES + 1, f);
	if (ferror(f) || len > CONFIG_MAX_FILE_BYTES)
	{
		pg_log_error("could not read configuration file \"%s\"%s", path,
					 ferror(f) ? "" : ": file too large");
		fclose(f);
		pg_free(text);
		return false;
	}
	fclose(f);
	ok = config_parse_text(cfg, text, len, path);
	pg_free(text);
	return ok;
}

/* ---- merge, defaults, validation ---- */

static void
merge_list(NameValueList *base, const NameValueList *over)
{
	int			i;

	for (i = 0; i < over->count; i++)
		nv_set(base, over->items[i].name, over->items[i].value);
}

static void
merge_string(char **base, const char *over)
{
	if (over == NULL)
		return;
	pg_free(*base);
	*base = pg_strdup(over);
}

/* Merge over (the flags) into base (the file): over wins. */
void
config_merge(RelayConfig *base, const RelayConfig *over)
{
	merge_list(&base->conn, &over->conn);
	merge_list(&base->plugin_options, &over->plugin_options);
	merge_list(&base->kafka_props, &over->kafka_props);
	merge_string(&base->connstr, over->connstr);
	merge_string(&base->app_name, over->app_name);
	merge_string(&base->slot, over->slot);
	merge_string(&base->config_file, over->config_file);
	if (over->startpos != InvalidXLogRecPtr)
		base->startpos = over->startpos;
	if (over->endpos != InvalidXLogRecPtr)
		base->endpos = over->endpos;
	if (over->status_interval_ms >= 0)
		base->status_interval_ms = over->status_interval_ms;
	if (over->progress_interval_ms >= 0)
		base->progress_interval_ms = over->progress_interval_ms;
	if (over->receive_timeout_ms >= 0)
		base->receive_timeout_ms = over->receive_timeout_ms;
	if (over->max_queue_bytes >= 0)
		base->max_queue_bytes = over->max_queue_bytes;
	base->create_slot |= over->create_slot;
	base->if_not_exists |= over->if_not_exists;
	base->start |= over->start;
	base->no_loop |= over->no_loop;
	base->verbose += over->verbose;
}

/*
 * Fold the -d argument into the connection keywords: a connection string
 * (key=value pairs or a URI) is parsed, anything else is a database name.
 */
static bool
expand_connstr(RelayConfig *cfg)
{
	PQconninfoOption *opts;
	PQconninfoOption *o;
	char	   *err = NULL;
	const char *s = cfg->connstr;

	if (strchr(s, '=') == NULL && strncmp(s, "postgresql://", 13) != 0 &&
		strncmp(s, "postgres://", 11) != 0)
	{
		nv_set(&cfg->conn, "dbname", s);
		return true;
	}
	opts = PQconninfoParse(s, &err);
	if (opts == NULL)
	{
		pg_log_error("invalid connection string: %s",
					 err ? err : "out of memory");
		PQfreemem(err);
		return false;
	}
	for (o = opts; o->keyword != NULL; o++)
		if (o->val != NULL && o->val[0] != '\0')
			nv_set(&cfg->conn, o->keyword, o->val);
	PQconninfoFree(opts);
	return true;
}

/* Add the plugin options the relay needs, rejecting conflicting ones. */
static bool
finish_plugin_options(RelayConfig *cfg)
{
	const NameValue *fmt = nv_find(&cfg->plugin_options, "output.format");

	if (fmt && (fmt->value == NULL || strcmp(fmt->value, "relay") != 0))
	{
		pg_log_error("invalid value for plugin option \"output.format\": \"%s\"",
					 fmt->value ? fmt->value : "");
		pg_log_error_detail("walcast-relay reads only the plugin's \"relay\" output format.");
		return false;
	}
	nv_set(&cfg->plugin_options, "output.format", "relay");
	/* Kafka Connect's JsonConverter writes schemas unless told otherwise */
	if (nv_find(&cfg->plugin_options, "schemas.enable") == NULL)
		nv_set(&cfg->plugin_options, "schemas.enable", "true");
	return true;
}

/*
 * event.processing.failure.handling.mode is a plugin option (for events over
 * PostgreSQL's 1 GB limit) and a relay setting (for records over Kafka's
 * limits): it reaches the plugin only when given, and the relay reads the
 * same value.
 */
static bool
finish_failure_mode(RelayConfig *cfg)
{
	const NameValue *nv = nv_find(&cfg->plugin_options, RELAY_FAILURE_MODE_KEY);
	const char *v = nv ? nv->value : "fail";

	if (v && strcmp(v, "fail") == 0)
		cfg->failure_mode = RELAY_FAILURE_FAIL;
	else if (v && strcmp(v, "warn") == 0)
		cfg->failure_mode = RELAY_FAILURE_WARN;
	else if (v && strcmp(v, "skip") == 0)
		cfg->failure_mode = RELAY_FAILURE_SKIP;
	else
	{
		pg_log_error("invalid value for option \"%s\": \"%s\"",
					 RELAY_FAILURE_MODE_KEY, v ? v : "");
		pg_log_error_detail("Valid values are \"fail\", \"warn\" and \"skip\".");
		return false;
	}
	return true;
}

/* Fill in defaults and check combinations.  Returns false on an error. */
bool
config_finish(RelayConfig *cfg)
{
	if (cfg->slot == NULL)
		cfg->slot = pg_strdup(RELAY_DEFAULT_SLOT);
	else if (!valid_slot_name(cfg->slot))
	{
		pg_log_error("invalid replication slot name \"%s\"", cfg->slot);
		pg_log_error_detail("Replication slot names may only contain lower case letters, numbers, and the underscore character.");
		return false;
	}
	if (cfg->status_interval_ms < 0)
		cfg->status_interval_ms = RELAY_DEFAULT_STATUS_INTERVAL_MS;
	if (cfg->progress_interval_ms < 0)
		cfg->progress_interval_ms = RELAY_DEFAULT_PROGRESS_INTERVAL_MS;
	if (cfg->receive_timeout_ms < 0)
		cfg->receive_timeout_ms = RELAY_DEFAULT_RECEIVE_TIMEOUT_MS;
	if (cfg->max_queue_bytes < 0)
		cfg->max_queue_bytes = RELAY_DEFAULT_MAX_QUEUE_BYTES;
	if (cfg->connstr && !expand_connstr(cfg))
		return false;
	if (cfg->startpos != InvalidXLogRecPtr &&
		cfg->endpos != InvalidXLogRecPtr && cfg->endpos < cfg->startpos)
	{
		pg_log_error("end position %X/%X is before start position %X/%X",
					 LSN_FORMAT_ARGS(cfg->endpos),
					 LSN_FORMAT_ARGS(cfg->startpos));
		return false;
	}
	if (cfg->if_not_exists && !cfg->create_slot)
	{
		pg_log_error("--if-not-exists requires --create-slot");
		return false;
	}
	if (config_stdout_mode(cfg) && cfg->kafka_props.count > 0)
		pg_log_warning("no Kafka bootstrap servers configured: writing to standard output and ignoring the Kafka properties");
	return finish_failure_mode(cfg) && finish_plugin_options(cfg);
}

/* Without bootstrap servers the relay writes JSON lines to stdout. */
bool
config_stdout_mode(const RelayConfig *cfg)
{
	const NameValue *bs = nv_find(&cfg->kafka_props, "bootstrap.servers");

	return bs == NULL || bs->value == NULL || bs->value[0] == '\0';
}
