/*-------------------------------------------------------------------------
 *
 * options.c
 *	  Parsing and validation of walcast's output plugin options
 *
 * Options carry the Debezium PostgreSQL connector's property names and
 * defaults wherever Debezium has one, so that a connector configuration
 * means the same thing here.  Options of walcast's own are lower-case dotted
 * words (output.format, relay.batch.bytes, include.volatile).
 *
 * Parsing is table-driven: each option names a kind (boolean, enumeration,
 * integer, string, regex list) and where its value goes.  Unrecognized
 * options, repeated options and invalid values are errors naming the
 * option and, for enumerations, the accepted values.
 *
 * IDENTIFICATION
 *	  decoder/options.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "mb/pg_wchar.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"

#include "decoder/options.h"

typedef enum OptionKind
{
	OPT_BOOL,
	OPT_ENUM,
	OPT_INT,
	OPT_STRING,
	OPT_REGEX_LIST,
	OPT_SKIPPED_OPS
} OptionKind;

/* For enumerations: the accepted words, and the value each one stores. */
typedef struct EnumWord
{
	const char *word;
	int			value;
} EnumWord;

typedef struct OptionDef
{
	const char *name;
	OptionKind	kind;
	size_t		offset;			/* into DecoderOptions */
	const EnumWord *words;		/* OPT_ENUM: NULL-terminated */
	int			min;			/* OPT_INT bounds */
	int			max;
} OptionDef;

static const EnumWord format_words[] = {
	{"value", WC_FORMAT_VALUE}, {"record", WC_FORMAT_RECORD},
	{"relay", WC_FORMAT_RELAY}, {NULL, 0}
};
static const EnumWord decimal_words[] = {
	{"precise", DBZ_DECIMAL_PRECISE}, {"double", DBZ_DECIMAL_DOUBLE},
	{"string", DBZ_DECIMAL_STRING}, {NULL, 0}
};
static const EnumWord time_words[] = {
	{"adaptive", DBZ_TIME_ADAPTIVE},
	{"adaptive_time_microseconds", DBZ_TIME_ADAPTIVE_TIME_MICROSECONDS},
	{"connect", DBZ_TIME_CONNECT}, {"isostring", DBZ_TIME_ISOSTRING},
	{"microseconds", DBZ_TIME_MICROSECONDS},
	{"nanoseconds", DBZ_TIME_NANOSECONDS}, {NULL, 0}
};
static const EnumWord binary_words[] = {
	{"bytes", DBZ_BINARY_BYTES}, {"base64", DBZ_BINARY_BASE64},
	{"base64-url-safe", DBZ_BINARY_BASE64_URL_SAFE}, {"hex", DBZ_BINARY_HEX},
	{NULL, 0}
};
static const EnumWord interval_words[] = {
	{"numeric", DBZ_INTERVAL_NUMERIC}, {"string", DBZ_INTERVAL_STRING},
	{NULL, 0}
};
static const EnumWord hstore_words[] = {
	{"json", DBZ_HSTORE_JSON}, {"map", DBZ_HSTORE_MAP}, {NULL, 0}
};

static const EnumWord failure_words[] = {
	{"fail", WC_FAILURE_FAIL}, {"warn", WC_FAILURE_WARN},
	{"skip", WC_FAILURE_SKIP}, {NULL, 0}
};

#define OFF(field) offsetof(DecoderOptions, field)

static const OptionDef option_defs[] = {
	{"topic.prefix", OPT_STRING, OFF(topic_prefix)},
	{"schemas.enable", OPT_BOOL, OFF(schemas_enable)},
	{"tombstones.on.delete", OPT_BOOL, OFF(tombstones_on_delete)},
	{"provide.transaction.metadata", OPT_BOOL, OFF(provide_tx_metadata)},
	{"publication.name", OPT_STRING, OFF(publication_name)},
	{"skipped.operations", OPT_SKIPPED_OPS, 0},
	{"schema.include.list", OPT_REGEX_LIST, OFF(schema_include)},
	{"schema.exclude.list", OPT_REGEX_LIST, OFF(schema_exclude)},
	{"table.include.list", OPT_REGEX_LIST, OFF(table_include)},
	{"table.exclude.list", OPT_REGEX_LIST, OFF(table_exclude)},
	{"column.include.list", OPT_REGEX_LIST, OFF(column_include)},
	{"column.exclude.list", OPT_REGEX_LIST, OFF(column_exclude)},
	{"message.prefix.include.list", OPT_REGEX_LIST, OFF(message_include)},
	{"message.prefix.exclude.list", OPT_REGEX_LIST, OFF(message_exclude)},
	{"decimal.handling.mode", OPT_ENUM, OFF(modes.decimal), decimal_words},
	{"time.precision.mode", OPT_ENUM, OFF(modes.time), time_words},
	{"binary.handling.mode", OPT_ENUM, OFF(modes.binary), binary_words},
	{"interval.handling.mode", OPT_ENUM, OFF(modes.interval), interval_words},
	{"hstore.handling.mode", OPT_ENUM, OFF(modes.hstore), hstore_words},
	{"money.fraction.digits", OPT_INT, OFF(modes.money_fraction_digits), NULL, 0, 18},
	{"include.unknown.datatypes", OPT_BOOL, OFF(modes.include_unknown)},
	{"unavailable.value.placeholder", OPT_STRING, OFF(modes.placeholder)},
	{"output.format", OPT_ENUM, OFF(format), format_words},
	{"relay.batch.bytes", OPT_INT, OFF(relay_batch_bytes), NULL, 0, 64 * 1024 * 1024},
	{"include.volatile", OPT_BOOL, OFF(include_volatile)},
	{"event.processing.failure.handling.mode", OPT_ENUM, OFF(failure_mode), failure_words},
	/* for tests only: lowers the message size limit to make it reachable */
	{"walcast.testing.max.message.bytes", OPT_INT, OFF(max_message_bytes), NULL,
	1024, WALCAST_MAX_MESSAGE_BYTES},
};

#define NUM_OPTIONS lengthof(option_defs)

static void
set_defaults(DecoderOptions *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->schemas_enable = true;
	opts->tombstones_on_delete = true;
	opts->include_volatile = true;
	opts->format = WC_FORMAT_VALUE;
	opts->relay_batch_bytes = 256 * 1024;
	opts->skip_truncate = true; /* Debezium: skipped.operations=t */
	opts->modes.decimal = DBZ_DECIMAL_PRECISE;
	opts->modes.time = DBZ_TIME_ADAPTIVE;
	opts->modes.binary = DBZ_BINARY_BYTES;
	opts->modes.interval = DBZ_INTERVAL_NUMERIC;
	opts->modes.hstore = DBZ_HSTORE_JSON;
	opts->modes.money_fraction_digits = 2;
	opts->modes.placeholder = "__debezium_unavailable_value";
	opts->failure_mode = WC_FAILURE_FAIL;
	opts->max_message_bytes = WALCAST_MAX_MESSAGE_BYTES;
}

static void
invalid_value(const char *name, const char *value, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value for option \"%s\": \"%s\"", name, value),
			 detail ? errdetail_internal("%s", detail) : 0));
}

static void
parse_enum(const OptionDef *def, const char *value, int *dest)
{
	StringInfoData valid;

	for (const EnumWord *w = def->words; w->word; w++)
	{
		if (pg_strcasecmp(value, w->word) == 0)
		{
			*dest = w->value;
			return;
		}
	}
	initStringInfo(&valid);
	for (const EnumWord *w = def->words; w->word; w++)
		appendStringInfo(&valid, "%s\"%s\"", w == def->words ? "" : ", ",
						 w->word);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value for option \"%s\": \"%s\"", def->name, value),
			 errdetail("Valid values are %s.", valid.data)));
}

static void
parse_int(const OptionDef *def, const char *value, int *dest)
{
	char	   *end;
	long		v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (errno != 0 || end == value || *end != '\0' ||
		v < def->min || v > def->max)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"", def->name, value),
				 errdetail("The value must be an integer between %d and %d.",
						   def->min, def->max)));
	*dest = (int) v;
}

/*
 * The next entry of a comma-separated list, blanks trimmed on both sides
 * (possibly empty), or NULL at the end; *save as for strtok_r, whose first
 * call gets the list.
 */
static char *
next_list_entry(char *list, char **save)
{
	char	   *entry = strtok_r(list, ",", save);
	char	   *end;

	if (entry == NULL)
		return NULL;
	while (isspace((unsigned char) *entry))
		entry++;
	end = entry + strlen(entry);
	while (end > entry && isspace((unsigned char) end[-1]))
		*--end = '\0';
	return entry;
}

/*
 * skipped.operations: a comma-separated list of c, u, d, t, or "none".
 */
static void
parse_skipped_ops(DecoderOptions *opts, const char *name, const char *value)
{
	char	   *copy = pstrdup(value);
	char	   *save;

	opts->skip_create = opts->skip_update = false;
	opts->skip_delete = opts->skip_truncate = false;
	for (char *t = next_list_entry(copy, &save); t; t = next_list_entry(NULL, &save))
	{
		if (strcmp(t, "c") == 0)
			opts->skip_create = true;
		else if (strcmp(t, "u") == 0)
			opts->skip_update = true;
		else if (strcmp(t, "d") == 0)
			opts->skip_delete = true;
		else if (strcmp(t, "t") == 0)
			opts->skip_truncate = true;
		else if (strcmp(t, "none") != 0 && *t != '\0')
			invalid_value(name, value,
						  "Valid values are a comma-separated list of \"c\", \"u\", \"d\", \"t\", or \"none\".");
	}
	pfree(copy);
}

/*
 * A comma-separated list of regular expressions, each anchored at both
 * ends and case-insensitive, as Debezium's include and exclude lists.
 * Blanks around an entry are not part of it, and empty entries are none.
 */
static void
parse_regex_list(const char *name, const char *value, WalcastRegexList *list)
{
	List	   *items = NIL;
	char	   *copy = pstrdup(value);
	char	   *save;
	ListCell   *lc;

	for (char *entry = next_list_entry(copy, &save); entry;
		 entry = next_list_entry(NULL, &save))
	{
		if (*entry != '\0')
			items = lappend(items, entry);
	}
	/* n counts the compiled expressions, which free_regex_lists frees */
	list->n = 0;
	list->res = palloc0(sizeof(regex_t) * Max(list_length(items), 1));
	foreach(lc, items)
	{
		char	   *pattern = psprintf("^(?:%s)$", (char *) lfirst(lc));
		int			len = strlen(pattern);
		pg_wchar   *wide = palloc((len + 1) * sizeof(pg_wchar));
		int			wlen = pg_mb2wchar_with_len(pattern, wide, len);
		int			rc;

		rc = pg_regcomp(&list->res[list->n], wide, wlen,
						REG_ADVANCED | REG_ICASE, C_COLLATION_OID);
		if (rc != REG_OKAY)
		{
			char		msg[128];

			pg_regerror(rc, &list->res[list->n], msg, sizeof(msg));
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value for option \"%s\": \"%s\"", name, value),
					 errdetail("Invalid regular expression \"%s\": %s.",
							   (char *) lfirst(lc), msg)));
		}
		list->n++;
		pfree(wide);
	}
}

/*
 * The options' memory context is going away: free the compiled regular
 * expressions, which PostgreSQL 15 allocates with malloc, outside any
 * memory context.  Runs at the end of every decoding session, the ones that
 * end in an ERROR included.
 */
static void
free_regex_lists(void *arg)
{
	DecoderOptions *opts = arg;

	for (int d = 0; d < NUM_OPTIONS; d++)
	{
		WalcastRegexList *list;

		if (option_defs[d].kind != OPT_REGEX_LIST)
			continue;
		list = (WalcastRegexList *) ((char *) opts + option_defs[d].offset);
		for (int i = 0; i < list->n; i++)
			pg_regfree(&list->res[i]);
		list->n = 0;
	}
}

/*
 * Does s match one of the list's expressions?
 */
bool
walcast_regex_list_match(const WalcastRegexList *list, const char *s)
{
	int			len = strlen(s);
	pg_wchar   *wide;
	int			wlen;
	bool		found = false;

	if (list->n == 0)
		return false;
	wide = palloc((len + 1) * sizeof(pg_wchar));
	wlen = pg_mb2wchar_with_len(s, wide, len);
	for (int i = 0; i < list->n && !found; i++)
		found = pg_regexec(&list->res[i], wide, wlen, 0, NULL, 0, NULL, 0) == REG_OKAY;
	pfree(wide);
	return found;
}

static void
parse_one(const OptionDef *def, DefElem *elem, DecoderOptions *opts)
{
	char	   *dest = (char *) opts + def->offset;
	const char *value = elem->arg ? strVal(elem->arg) : NULL;

	/* a name without a value, from pg_recvlogical -o name, means true */
	if (value == NULL && def->kind != OPT_BOOL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" requires a value", def->name)));
	switch (def->kind)
	{
		case OPT_BOOL:
			if (value && !parse_bool(value, (bool *) dest))
				invalid_value(def->name, value,
							  "Valid values are \"true\", \"false\", \"on\", \"off\", \"1\", \"0\", \"yes\" and \"no\".");
			if (!value)
				*(bool *) dest = true;
			break;
		case OPT_ENUM:
			parse_enum(def, value, (int *) dest);
			break;
		case OPT_INT:
			parse_int(def, value, (int *) dest);
			break;
		case OPT_STRING:
			*(char **) dest = pstrdup(value);
			break;
		case OPT_REGEX_LIST:
			parse_regex_list(def->name, value, (WalcastRegexList *) dest);
			break;
		case OPT_SKIPPED_OPS:
			parse_skipped_ops(opts, def->name, value);
			break;
	}
}

/* Include and exclude lists that cannot be given together. */
static const struct
{
	const char *include;
	const char *exclude;
	size_t		include_offset;
	size_t		exclude_offset;
}			exclusive_lists[] = {
	{"schema.include.list", "schema.exclude.list",
	OFF(schema_include), OFF(schema_exclude)},
	{"table.include.list", "table.exclude.list",
	OFF(table_include), OFF(table_exclude)},
	{"column.include.list", "column.exclude.list",
	OFF(column_include), OFF(column_exclude)},
	{"message.prefix.include.list", "message.prefix.exclude.list",
	OFF(message_include), OFF(message_exclude)},
};

static void
check_combinations(DecoderOptions *opts)
{
	for (int i = 0; i < lengthof(exclusive_lists); i++)
	{
		const WalcastRegexList *include = (const WalcastRegexList *)
			((char *) opts + exclusive_lists[i].include_offset);
		const WalcastRegexList *exclude = (const WalcastRegexList *)
			((char *) opts + exclusive_lists[i].exclude_offset);

		/* worded and coded as PostgreSQL's own option checks */
		if (include->n > 0 && exclude->n > 0)
			ereport(ERROR,
					(errcode(ERRCODE_SYNTAX_ERROR),
					 errmsg("%s and %s are mutually exclusive options",
							exclusive_lists[i].include,
							exclusive_lists[i].exclude)));
	}
	if (opts->topic_prefix != NULL &&
		(opts->topic_prefix[0] == '\0' ||
		 strspn(opts->topic_prefix,
				"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
		 != strlen(opts->topic_prefix)))
		invalid_value("topic.prefix", opts->topic_prefix,
					  "The topic prefix must be made of the characters A-Z, a-z, 0-9, \".\", \"_\" and \"-\".");
}

/*
 * Fill *opts from the plugin options (a List of DefElem with String values).
 * Allocates in the current memory context, and frees what is outside it
 * when that context is reset or deleted, so *opts must live in it (or
 * longer); errors out on any bad option.
 */
void
walcast_options_parse(List *options, DecoderOptions *opts)
{
	bool		given[NUM_OPTIONS] = {0};
	ListCell   *lc;
	MemoryContextCallback *cb;

	set_defaults(opts);
	cb = palloc(sizeof(MemoryContextCallback));
	cb->func = free_regex_lists;
	cb->arg = opts;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, cb);
	foreach(lc, options)
	{
		DefElem    *elem = lfirst(lc);
		int			i;

		for (i = 0; i < NUM_OPTIONS; i++)
			if (strcmp(elem->defname, option_defs[i].name) == 0)
				break;
		if (i == NUM_OPTIONS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unrecognized option \"%s\"", elem->defname),
					 errhint("The options walcast accepts are listed in its README.")));
		if (given[i])
			ereport(ERROR,
					(errcode(ERRCODE_SYNTAX_ERROR),
					 errmsg("conflicting or redundant options"),
					 errdetail("Option \"%s\" is given more than once.", elem->defname)));
		given[i] = true;
		parse_one(&option_defs[i], elem, opts);
	}
	check_combinations(opts);
}
