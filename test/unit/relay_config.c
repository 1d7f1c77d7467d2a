/*-------------------------------------------------------------------------
 *
 * relay_config.c
 *	  Unit tests of relay/config.c: flags, connector JSON and properties
 *
 * Checks the mapping of Debezium connector keys (connection, slot, plugin
 * options, Kafka properties), both file forms, the precedence of flags
 * over the file, and that invalid values are errors while unsupported
 * keys are only warnings (written to stderr, which prove shows).
 *
 * IDENTIFICATION
 *	  test/unit/relay_config.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include "common/logging.h"
#include "config.h"
#include "relay_tap.h"

static bool
has(const NameValueList *list, const char *name, const char *value)
{
	const NameValue *nv = nv_find(list, name);

	if (nv == NULL)
		return false;
	if (value == NULL)
		return nv->value == NULL;
	return nv->value != NULL && strcmp(nv->value, value) == 0;
}

static bool
parse(RelayConfig *cfg, const char *text)
{
	config_init(cfg);
	return config_parse_text(cfg, text, strlen(text), "test.conf");
}

static void
test_json(void)
{
	RelayConfig cfg;
	const char *text =
		"{\"name\": \"orders-connector\", \"config\": {\n"
		"  \"connector.class\": \"io.debezium.connector.postgresql.PostgresConnector\",\n"
		"  \"tasks.max\": \"1\",\n"
		"  \"plugin.name\": \"pgoutput\",\n"
		"  \"database.hostname\": \"db.example\",\n"
		"  \"database.port\": 5433,\n"
		"  \"database.user\": \"cdc\",\n"
		"  \"database.password\": \"s3cret\",\n"
		"  \"database.dbname\": \"shop\",\n"
		"  \"slot.name\": \"orders_slot\",\n"
		"  \"topic.prefix\": \"shop\",\n"
		"  \"table.include.list\": \"public.orders\",\n"
		"  \"tombstones.on.delete\": false,\n"
		"  \"kafka.bootstrap.servers\": \"k1:9092\",\n"
		"  \"producer.override.linger.ms\": \"20\",\n"
		"  \"status.update.interval.ms\": \"2500\"\n"
		"}}\n";

	tap_ok(parse(&cfg, text), "connector JSON parses");
	tap_ok(has(&cfg.conn, "host", "db.example") && has(&cfg.conn, "port", "5433") &&
		   has(&cfg.conn, "user", "cdc") && has(&cfg.conn, "password", "s3cret") &&
		   has(&cfg.conn, "dbname", "shop"), "database.* keys map to libpq keywords");
	tap_ok(cfg.slot && strcmp(cfg.slot, "orders_slot") == 0, "slot.name");
	tap_ok(has(&cfg.plugin_options, "topic.prefix", "shop") &&
		   has(&cfg.plugin_options, "table.include.list", "public.orders") &&
		   has(&cfg.plugin_options, "tombstones.on.delete", "false"),
		   "plugin keys pass through, booleans as text");
	tap_ok(has(&cfg.kafka_props, "bootstrap.servers", "k1:9092") &&
		   has(&cfg.kafka_props, "linger.ms", "20"),
		   "kafka.* and producer.override.* become librdkafka properties");
	tap_ok(cfg.status_interval_ms == 2500, "status.update.interval.ms");
	tap_ok(cfg.app_name && strcmp(cfg.app_name, "orders-connector") == 0,
		   "connector name kept as application name");
	tap_ok(nv_find(&cfg.plugin_options, "connector.class") == NULL &&
		   nv_find(&cfg.plugin_options, "plugin.name") == NULL,
		   "unsupported keys are not passed on");
	config_free(&cfg);

	tap_ok(parse(&cfg, "{\"database.dbname\": \"x\", \"slot.name\": \"s\"}") &&
		   has(&cfg.conn, "dbname", "x"), "bare config object accepted");
	config_free(&cfg);
}

static void
test_json_errors(void)
{
	RelayConfig cfg;

	tap_ok(!parse(&cfg, "{\"config\": {\"database.port\": \"54x\"}}"),
		   "invalid port is an error");
	config_free(&cfg);
	tap_ok(!parse(&cfg, "{\"config\": {\"slot.name\": \"Bad-Slot\"}}"),
		   "invalid slot name is an error");
	config_free(&cfg);
	tap_ok(!parse(&cfg, "{\"config\": {\n\"a\": 1,\n\"b\": }}"),
		   "JSON syntax error is an error");
	config_free(&cfg);
	tap_ok(!parse(&cfg, "{\"config\": {\"topic.prefix\": [1]}}"),
		   "array value is an error");
	config_free(&cfg);
	tap_ok(!parse(&cfg, "{\"config\": 3}"), "non-object config is an error");
	config_free(&cfg);
	tap_ok(!parse(&cfg, "{\"config\": {\"relay.max.queue.bytes\": \"10\"}}"),
		   "too small a queue is an error");
	config_free(&cfg);
}

static void
test_properties(void)
{
	RelayConfig cfg;
	const char *text =
		"# Debezium connector\n"
		"! another comment\n"
		"name=orders-connector\n"
		"connector.class = io.debezium.connector.postgresql.PostgresConnector\n"
		"database.hostname: localhost\n"
		"database.port 5432\n"
		"   database.user=cdc   \n"
		"database.password=p\\=ss\\u00e9\n"
		"table.include.list=public.orders,\\\n"
		"    public.items\n"
		"bootstrap.servers=127.0.0.1:9092\n"
		"kafka.compression.type=zstd\n"
		"decimal.handling.mode=string\r\n"
		"key.with\\ space=1\n";

	tap_ok(parse(&cfg, text), "properties file parses");
	tap_ok(has(&cfg.conn, "host", "localhost") && has(&cfg.conn, "port", "5432") &&
		   has(&cfg.conn, "user", "cdc   "),
		   "separators '=', ':' and blank; leading blanks dropped, trailing kept");
	tap_ok(has(&cfg.conn, "password", "p=ss\xc3\xa9"), "escapes and \\u decoded");
	tap_ok(has(&cfg.plugin_options, "table.include.list",
			   "public.orders,public.items"), "continuation lines joined");
	tap_ok(has(&cfg.kafka_props, "bootstrap.servers", "127.0.0.1:9092") &&
		   has(&cfg.kafka_props, "compression.type", "zstd"),
		   "Kafka properties");
	tap_ok(has(&cfg.plugin_options, "decimal.handling.mode", "string"),
		   "CRLF line ending");
	config_free(&cfg);

	tap_ok(!parse(&cfg, "a=1\n\ndatabase.port=0\n"), "port 0 is an error");
	config_free(&cfg);
	tap_ok(!parse(&cfg, "x=\\u12\n"), "malformed \\u escape is an error");
	config_free(&cfg);
}

/* The value of librdkafka property name after parsing text, or NULL. */
static const char *
kafka_value(RelayConfig *cfg, const char *name)
{
	const NameValue *nv = nv_find(&cfg->kafka_props, name);

	return nv ? nv->value : NULL;
}

static void
is_kafka(RelayConfig *cfg, const char *name, const char *want,
		 const char *test)
{
	const char *got = kafka_value(cfg, name);

	tap_is_mem(got, got ? (int) strlen(got) : 0, want, test);
}

/* java.util.Properties.load's rules, case by case (kafka.<name> keys). */
static void
test_properties_java(void)
{
	static const struct
	{
		const char *name;
		const char *want;
		const char *test;
	}			cases[] =
	{
		{"trail", "v  \t",
		"trailing blanks of a value kept"},
		{"crlf", "one,two",
		"continuation on a CRLF file"},
		{"cr1", "x",
		"CR alone ends a line (1)"},
		{"cr2", "y",
		"CR alone ends a line (2)"},
		{"join", "a b",
		"continuation: blanks before the backslash kept, the next line's indent dropped"},
		{"even", "a\\",
		"an even number of backslashes does not continue"},
		{"after", "h",
		"... and the next line is a line of its own"},
		{"notcomment", "1",
		"a comment line is never continued"},
		{"hash", "a#b",
		"a continuation line starting with # is no comment"},
		{"sp1", "v",
		"blanks around '='"},
		{"sp2", "v",
		"':' separator"},
		{"sp3", "v",
		"blank separator"},
		{"sp4", "=v",
		"only the first '=' separates"},
		{"sp5", "= v",
		"blanks, one '=', blanks; then the value"},
		{"sp6", "=v",
		"blank then ':' is one separator"},
		{"k=x", "y",
		"escaped '=' in a key"},
		{"k y", "z",
		"escaped blank in a key"},
		{"esc", "\t\n\r\fz\\=",
		"escapes \\t \\n \\r \\f, others stand for themselves"},
		{"u", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
		"\\uXXXX, and a surrogate pair as one character"},
		{"empty", "",
		"empty value"},
		{"bare", "",
		"key without separator: empty value"},
		{"blankcont", "a",
		"a blank continuation line ends the value"},
		{"next", "b",
		"... and the next line is read"},
		{"ff", "w",
		"form feed is a blank"},
		{"eof", "end",
		"a backslash at the end of the file is dropped"},
	};
	RelayConfig cfg;
	int			i;

	tap_ok(parse(&cfg,
				 "kafka.trail=v  \t\n"
				 "kafka.crlf=one,\\\r\n    two\r\n"
				 "kafka.cr1=x\rkafka.cr2=y\r"
				 "kafka.join=a \\\n   b\n"
				 "kafka.even=a\\\\\nkafka.after=h\n"
				 "# a comment is not continued \\\n"
				 "kafka.notcomment=1\n"
				 "  ! another\n"
				 "kafka.hash=a\\\n#b\n"
				 "kafka.sp1  =  v\n"
				 "kafka.sp2:v\n"
				 "kafka.sp3 \t v\n"
				 "kafka.sp4==v\n"
				 "kafka.sp5 = = v\n"
				 "kafka.sp6 :=v\n"
				 "kafka.k\\=x=y\n"
				 "kafka.k\\ y=z\n"
				 "kafka.esc=\\t\\n\\r\\f\\z\\\\\\=\n"
				 "kafka.u=\\u00e9\\u20AC\\uD83D\\uDE00\n"
				 "kafka.empty=\n"
				 "kafka.bare\n"
				 "kafka.blankcont=a\\\n   \nkafka.next=b\n"
				 "\f kafka.ff\f=\fw\n"
				 "kafka.eof=end\\"),
		   "Java properties cases parse");
	for (i = 0; i < lengthof(cases); i++)
		is_kafka(&cfg, cases[i].name, cases[i].want, cases[i].test);
	config_free(&cfg);

	tap_ok(!parse(&cfg, "kafka.x=\\u00g1\n"), "non-hex \\u escape is an error");
	config_free(&cfg);
	tap_ok(!parse(&cfg, "kafka.x=\\uDE00\n"), "lone low surrogate is an error");
	config_free(&cfg);
	tap_ok(!parse(&cfg, "kafka.x=\\uD83Dx\n"), "high surrogate alone is an error");
	config_free(&cfg);
	tap_ok(!parse(&cfg, "kafka.x=a\\u0000b\n"), "\\u0000 is an error");
	config_free(&cfg);
}

static void
test_merge_and_finish(void)
{
	RelayConfig file;
	RelayConfig flags;

	parse(&file, "database.dbname=filedb\ndatabase.host=x\nslot.name=fileslot\n"
		  "topic.prefix=fromfile\nstatus.update.interval.ms=1000\n"
		  "bootstrap.servers=file:1\n");
	config_init(&flags);
	flags.slot = pg_strdup("flagslot");
	config_add_option(&flags.plugin_options, "topic.prefix=fromflag", "-o");
	config_add_option(&flags.plugin_options, "include.unknown.datatypes", "-o");
	config_add_option(&flags.kafka_props, "bootstrap.servers=flag:2", "-X");
	flags.connstr = pg_strdup("host=h1 port=6543 dbname=flagdb password=pw");
	config_merge(&file, &flags);
	config_free(&flags);
	tap_ok(config_finish(&file), "merged configuration finishes");
	tap_ok(strcmp(file.slot, "flagslot") == 0, "flag slot wins over file");
	tap_ok(has(&file.plugin_options, "topic.prefix", "fromflag"), "-o wins over file key");
	tap_ok(has(&file.plugin_options, "include.unknown.datatypes", NULL),
		   "-o NAME without value");
	tap_ok(has(&file.plugin_options, "output.format", "relay") &&
		   has(&file.plugin_options, "schemas.enable", "true"),
		   "relay output format and schemas.enable default added");
	tap_ok(has(&file.kafka_props, "bootstrap.servers", "flag:2") &&
		   !config_stdout_mode(&file), "-X wins; Kafka mode");
	tap_ok(has(&file.conn, "dbname", "flagdb") && has(&file.conn, "port", "6543") &&
		   has(&file.conn, "password", "pw"),
		   "-d connection string expanded over the file");
	tap_ok(file.status_interval_ms == 1000 && file.max_queue_bytes == RELAY_DEFAULT_MAX_QUEUE_BYTES,
		   "file interval kept, default queue size");
	config_free(&file);

	config_init(&file);
	file.connstr = pg_strdup("justadb");
	tap_ok(config_finish(&file) && has(&file.conn, "dbname", "justadb") &&
		   strcmp(file.slot, "walcast") == 0 && config_stdout_mode(&file),
		   "plain -d is a database name; default slot; stdout mode");
	config_free(&file);

	config_init(&file);
	config_add_option(&file.plugin_options, "output.format=json", "-o");
	tap_ok(!config_finish(&file), "output.format other than relay is an error");
	config_free(&file);

	config_init(&file);
	tap_ok(!config_add_option(&file.plugin_options, "=x", "-o"),
		   "-o without a name is an error");
	file.if_not_exists = true;
	tap_ok(!config_finish(&file), "--if-not-exists without --create-slot is an error");
	config_free(&file);
}

static void
test_numbers(void)
{
	int64		v;
	XLogRecPtr	lsn;

	tap_ok(config_parse_int("42", 0, 100, &v) && v == 42, "integer");
	tap_ok(!config_parse_int("42x", 0, 100, &v), "junk after integer");
	tap_ok(!config_parse_int("101", 0, 100, &v), "integer above range");
	tap_ok(!config_parse_int("", 0, 100, &v), "empty integer");
	tap_ok(config_parse_lsn("16/B374D848", &lsn) &&
		   lsn == UINT64CONST(0x16B374D848), "LSN");
}

static void
test_failure_mode(void)
{
	RelayConfig cfg;

	config_init(&cfg);
	tap_ok(config_finish(&cfg) && cfg.failure_mode == RELAY_FAILURE_FAIL &&
		   nv_find(&cfg.plugin_options, RELAY_FAILURE_MODE_KEY) == NULL,
		   "failure mode: fail by default, not passed to the plugin");
	config_free(&cfg);
	parse(&cfg, "event.processing.failure.handling.mode=warn\n");
	tap_ok(config_finish(&cfg) && cfg.failure_mode == RELAY_FAILURE_WARN &&
		   has(&cfg.plugin_options, RELAY_FAILURE_MODE_KEY, "warn"),
		   "failure mode: the key sets the relay's mode and the plugin option");
	config_free(&cfg);
	config_init(&cfg);
	config_add_option(&cfg.plugin_options,
					  "event.processing.failure.handling.mode=skip", "-o");
	tap_ok(config_finish(&cfg) && cfg.failure_mode == RELAY_FAILURE_SKIP,
		   "failure mode: -o sets it too");
	config_free(&cfg);
	parse(&cfg, "event.processing.failure.handling.mode=ignore-it\n");
	tap_ok(!config_finish(&cfg), "failure mode: invalid value is an error");
	config_free(&cfg);
}

int
main(int argc, char **argv)
{
	pg_logging_init(argv[0]);
	test_json();
	test_json_errors();
	test_properties();
	test_properties_java();
	test_merge_and_finish();
	test_numbers();
	test_failure_mode();
	return tap_done();
}
