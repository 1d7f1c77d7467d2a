/*-------------------------------------------------------------------------
 *
 * route.c
 *	  Cutting the plugin's relay framing into Kafka records
 *
 * The framing (route.h, doc/framing.md) is validated strictly: it is bytes
 * from the network, and a relay that guessed at a damaged record could
 * confirm a position whose events it never produced.  Any deviation is a
 * ROUTE_ERROR, which stops the relay before anything is confirmed.
 *
 * Events of schema id 0 point straight into the replication message.  Events
 * with a schema id are spliced into the session's reusable key and value
 * buffers; the topic is copied once to get its NUL terminator.  Nothing here
 * allocates per event once those buffers have grown.
 *
 * The schemas are a dense table indexed by id.  The plugin reuses ids (an S
 * record redefines one when its relation's schemas change, or gives a
 * dropped relation's id to another), so the largest id, and the table, stay
 * as large as the schemas in use, not the number of S records: a redefined
 * entry frees the old schemas, and nothing else needs evicting.
 *
 * IDENTIFICATION
 *	  relay/route.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include "route.h"

/* Longest header line accepted: 'E' and seven fields with room to spare. */
#define ROUTE_MAX_HEADER_BYTES	256
/*
 * Largest schema id accepted (doc/framing.md), so a damaged id cannot
 * allocate gigabytes; the plugin refuses to hand out more.
 */
#define ROUTE_MAX_SCHEMA_ID		(1 << 20)
#define ROUTE_MAX_FIELDS		8
/* Kafka's longest topic name (and Debezium's, and the plugin's cut). */
#define ROUTE_TOPIC_MAX_CHARS	249

/* A parsed header line: the record letter and its numeric fields. */
typedef struct RouteHeader
{
	char		kind;
	int			nfields;
	const char *field[ROUTE_MAX_FIELDS];	/* start of each field */
	int			field_len[ROUTE_MAX_FIELDS];
	const char *body;			/* first byte after the '\n' */
	size_t		body_avail;		/* bytes left in the message after it */
} RouteHeader;

void
route_session_init(RouteSession *rs)
{
	memset(rs, 0, sizeof(*rs));
	initStringInfo(&rs->topic);
	initStringInfo(&rs->key);
	initStringInfo(&rs->value);
}

/*
 * Forget the per-session state (prefix and schemas) at the start of a new
 * decoding session; keep the grown buffers.
 */
void
route_session_reset(RouteSession *rs)
{
	int			i;

	for (i = 0; i < rs->nschemas; i++)
	{
		pg_free(rs->schemas[i].key);
		pg_free(rs->schemas[i].value);
	}
	pg_free(rs->schemas);
	pg_free(rs->prefix);
	rs->schemas = NULL;
	rs->nschemas = 0;
	rs->prefix = NULL;
}

void
route_session_free(RouteSession *rs)
{
	route_session_reset(rs);
	pg_free(rs->topic.data);
	pg_free(rs->key.data);
	pg_free(rs->value.data);
	memset(rs, 0, sizeof(*rs));
}

void
route_cursor_init(RouteCursor *cur, const char *data, size_t len)
{
	cur->data = data;
	cur->len = len;
	cur->pos = 0;
}

static RouteKind
route_error(RouteSession *rs, const char **errmsg, const char *fmt,...)
	pg_attribute_printf(3, 4);

static RouteKind
route_error(RouteSession *rs, const char **errmsg, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(rs->errbuf, sizeof(rs->errbuf), fmt, ap);
	va_end(ap);
	*errmsg = rs->errbuf;
	return ROUTE_ERROR;
}

/*
 * Parse a length field: "-1" (absent) or a decimal count below 2^31.
 * Returns false on anything else.
 */
static bool
parse_length(const char *s, int len, bool allow_absent, int *out)
{
	int64		v = 0;
	int			i;

	if (allow_absent && len == 2 && s[0] == '-' && s[1] == '1')
	{
		*out = -1;
		return true;
	}
	if (len < 1 || len > 10)
		return false;
	for (i = 0; i < len; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v > PG_INT32_MAX)
		return false;
	*out = (int) v;
	return true;
}

/*
 * Parse a PostgreSQL LSN in its X/X hexadecimal form (each half 1 to 8
 * digits).
 */
bool
route_parse_lsn(const char *s, size_t len, XLogRecPtr *lsn)
{
	uint64		hi = 0;
	uint64		lo = 0;
	uint64	   *part = &hi;
	size_t		i;
	int			digits = 0;

	for (i = 0; i < len; i++)
	{
		char		c = s[i];
		int			d;

		if (c == '/' && part == &hi && digits > 0)
		{
			part = &lo;
			digits = 0;
			continue;
		}
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return false;
		if (++digits > 8)
			return false;
		*part = (*part << 4) | d;
	}
	if (part != &lo || digits == 0)
		return false;
	*lsn = (hi << 32) | lo;
	return true;
}

/*
 * Split the header line at cur into a RouteHeader.  Fields are separated by
 * single spaces; the line ends with '\n'.
 */
static bool
read_header(RouteCursor *cur, RouteHeader *hdr)
{
	const char *start = cur->data + cur->pos;
	size_t		avail = cur->len - cur->pos;
	size_t		limit = Min(avail, ROUTE_MAX_HEADER_BYTES);
	const char *nl = memchr(start, '\n', limit);
	const char *p;

	if (nl == NULL || nl - start < 1)
		return false;
	hdr->kind = start[0];
	hdr->nfields = 0;
	p = start + 1;
	while (p < nl)
	{
		const char *f;

		if (*p != ' ' || hdr->nfields == ROUTE_MAX_FIELDS)
			return false;
		f = ++p;
		while (p < nl && *p != ' ')
			p++;
		if (p == f)
			return false;
		hdr->field[hdr->nfields] = f;
		hdr->field_len[hdr->nfields] = p - f;
		hdr->nfields++;
	}
	hdr->body = nl + 1;
	hdr->body_avail = avail - (hdr->body - start);
	return true;
}

/*
 * Parse the header's length fields from index first on into lens[], and
 * check that the body they describe fits in the message.  Sets *body_len.
 */
static bool
read_lengths(const RouteHeader *hdr, int first, int n, int *lens,
			 size_t *body_len)
{
	size_t		total = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		if (!parse_length(hdr->field[first + i], hdr->field_len[first + i],
						  true, &lens[i]))
			return false;
		if (lens[i] > 0)
			total += lens[i];
	}
	if (total > hdr->body_avail)
		return false;
	*body_len = total;
	return true;
}

static char *
copy_part(const char *p, int len)
{
	char	   *s;

	if (len < 0)
		return NULL;
	s = pg_malloc(len + 1);
	memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

/* P <plen>\n<prefix> */
static RouteKind
read_prefix(RouteSession *rs, const RouteHeader *hdr, size_t *consumed,
			const char **errmsg)
{
	int			len;
	size_t		body_len;

	if (hdr->nfields != 1 || !read_lengths(hdr, 0, 1, &len, &body_len) ||
		len < 0)
		return route_error(rs, errmsg, "invalid P record");
	pg_free(rs->prefix);
	rs->prefix = copy_part(hdr->body, len);
	*consumed = body_len;
	return ROUTE_PREFIX;
}

/* S <id> <klen> <vlen>\n<key schema><value schema> */
static RouteKind
read_schema(RouteSession *rs, const RouteHeader *hdr, size_t *consumed,
			const char **errmsg)
{
	int			id;
	int			lens[2];
	size_t		body_len;
	RouteSchema *sc;

	if (hdr->nfields != 3 ||
		!parse_length(hdr->field[0], hdr->field_len[0], false, &id) ||
		id < 1 || !read_lengths(hdr, 1, 2, lens, &body_len))
		return route_error(rs, errmsg, "invalid S record");
	if (id > ROUTE_MAX_SCHEMA_ID)
		return route_error(rs, errmsg, "schema id %d exceeds the maximum of %d",
						   id, ROUTE_MAX_SCHEMA_ID);
	/* a known id is redefined: the plugin reuses ids */
	if (id >= rs->nschemas)
	{
		int			n = Max(id + 1, rs->nschemas * 2);

		rs->schemas = pg_realloc(rs->schemas, n * sizeof(RouteSchema));
		memset(rs->schemas + rs->nschemas, 0,
			   (n - rs->nschemas) * sizeof(RouteSchema));
		rs->nschemas = n;
	}
	sc = &rs->schemas[id];
	pg_free(sc->key);
	pg_free(sc->value);
	sc->key = copy_part(hdr->body, lens[0]);
	sc->key_len = lens[0];
	sc->value = copy_part(hdr->body + Max(lens[0], 0), lens[1]);
	sc->value_len = lens[1];
	*consumed = body_len;
	return ROUTE_SCHEMA;
}

/* Write {"schema":<schema>,"payload":<payload>} into buf. */
static void
splice_into(StringInfo buf, const char *schema, int schema_len,
	   const char *payload, int payload_len)
{
	resetStringInfo(buf);
	appendBinaryStringInfo(buf, "{\"schema\":", 10);
	appendBinaryStringInfo(buf, schema, schema_len);
	appendBinaryStringInfo(buf, ",\"payload\":", 11);
	appendBinaryStringInfo(buf, payload, payload_len);
	appendStringInfoChar(buf, '}');
}

/*
 * Wrap an event's key and value payloads with the schemas of id.  Returns
 * false when the schema is unknown or lacks a part the event has.
 */
static bool
splice_event(RouteSession *rs, int id, RouteEvent *ev)
{
	RouteSchema *sc;

	if (id >= rs->nschemas || rs->schemas[id].value == NULL)
		return false;
	sc = &rs->schemas[id];
	if (ev->key != NULL)
	{
		if (sc->key == NULL)
			return false;
		splice_into(&rs->key, sc->key, sc->key_len, ev->key, ev->key_len);
		ev->key = rs->key.data;
		ev->key_len = rs->key.len;
	}
	if (ev->value != NULL)
	{
		splice_into(&rs->value, sc->value, sc->value_len, ev->value,
			   ev->value_len);
		ev->value = rs->value.data;
		ev->value_len = rs->value.len;
	}
	return true;
}

/* Point p/len at the next part of an event body, or NULL when absent. */
static const char *
take_part(const char **p, int len)
{
	const char *part;

	if (len < 0)
		return NULL;
	part = *p;
	*p += len;
	return part;
}

/* E <id> <tlen> <klen> <vlen> <nklen> <oklen> <ctx>\n<parts> */
static RouteKind
read_event(RouteSession *rs, const RouteHeader *hdr, RouteEvent *ev,
		   size_t *consumed, const char **errmsg)
{
	int			id;
	int			lens[5];
	size_t		body_len;
	const char *p = hdr->body;

	if (hdr->nfields != 7 ||
		!parse_length(hdr->field[0], hdr->field_len[0], false, &id) ||
		!read_lengths(hdr, 1, 5, lens, &body_len) || lens[0] < 1 ||
		hdr->field_len[6] != 1 ||
		(hdr->field[6][0] != '0' && hdr->field[6][0] != '1'))
		return route_error(rs, errmsg, "invalid E record");
	ev->context = hdr->field[6][0] == '1';
	if (ev->context && rs->prefix == NULL)
		return route_error(rs, errmsg, "E record with context headers before the P record");
	/* The producer takes the topic as a C string: a NUL would cut it. */
	if (memchr(p, '\0', lens[0]) != NULL)
		return route_error(rs, errmsg, "E record with a NUL byte in its topic");
	resetStringInfo(&rs->topic);
	appendBinaryStringInfo(&rs->topic, take_part(&p, lens[0]), lens[0]);
	ev->topic = rs->topic.data;
	ev->topic_len = rs->topic.len;
	ev->key = take_part(&p, lens[1]);
	ev->key_len = lens[1];
	ev->value = take_part(&p, lens[2]);
	ev->value_len = lens[2];
	ev->newkey = take_part(&p, lens[3]);
	ev->newkey_len = lens[3];
	ev->oldkey = take_part(&p, lens[4]);
	ev->oldkey_len = lens[4];
	if (id > 0 && !splice_event(rs, id, ev))
		return route_error(rs, errmsg, "E record uses undefined schema %d", id);
	*consumed = body_len;
	return ROUTE_EVENT;
}

/* C <lsn>\n */
static RouteKind
read_commit(RouteSession *rs, const RouteHeader *hdr, XLogRecPtr *lsn,
			size_t *consumed, const char **errmsg)
{
	if (hdr->nfields != 1 ||
		!route_parse_lsn(hdr->field[0], hdr->field_len[0], lsn))
		return route_error(rs, errmsg, "invalid C record");
	*consumed = 0;
	return ROUTE_COMMIT;
}

/*
 * Return the next record of the message at cur, advancing cur past it.
 * ROUTE_EVENT fills *ev, ROUTE_COMMIT fills *commit_lsn, ROUTE_ERROR sets
 * *errmsg (valid until the next call) and leaves cur where it was.
 */
RouteKind
route_next(RouteSession *rs, RouteCursor *cur, RouteEvent *ev,
		   XLogRecPtr *commit_lsn, const char **errmsg)
{
	RouteHeader hdr;
	RouteKind	kind;
	size_t		body_len = 0;

	if (cur->pos >= cur->len)
		return ROUTE_END;
	if (!read_header(cur, &hdr))
		return route_error(rs, errmsg, "invalid record header at byte %zu",
						   cur->pos);
	switch (hdr.kind)
	{
		case 'P':
			kind = read_prefix(rs, &hdr, &body_len, errmsg);
			break;
		case 'S':
			kind = read_schema(rs, &hdr, &body_len, errmsg);
			break;
		case 'E':
			kind = read_event(rs, &hdr, ev, &body_len, errmsg);
			break;
		case 'C':
			kind = read_commit(rs, &hdr, commit_lsn, &body_len, errmsg);
			break;
		default:
			return route_error(rs, errmsg, "unrecognized record type \"%c\"",
							   hdr.kind);
	}
	if (kind != ROUTE_ERROR)
		cur->pos = (hdr.body - cur->data) + body_len;
	return kind;
}

/*
 * Why Kafka would refuse topic as a topic name, as a detail sentence, or
 * NULL when it is valid: 1 to 249 characters from A-Z, a-z, 0-9, '.', '_'
 * and '-', and neither "." nor "..".  The plugin sanitizes every topic it
 * writes to this rule (walcast_sanitize_topic), so a refused name means a
 * plugin of another version.
 */
const char *
route_topic_problem(const char *topic)
{
	size_t		len = strlen(topic);

	if (len == 0)
		return "A topic name cannot be empty.";
	if (len > ROUTE_TOPIC_MAX_CHARS)
		return "Kafka topic names are at most 249 characters long.";
	if (strcmp(topic, ".") == 0 || strcmp(topic, "..") == 0)
		return "Kafka does not accept \".\" or \"..\" as a topic name.";
	if (strspn(topic, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			   "0123456789._-") != len)
		return "Kafka topic names may only contain the characters A-Z, a-z, 0-9, \".\", \"_\" and \"-\".";
	return NULL;
}

/*
 * True when Kafka takes a and b for the same topic: it refuses a topic whose
 * name differs from an existing one only by '.' against '_' (its metrics
 * names replace '.' with '_').
 */
bool
route_topics_collide(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
	{
		if (*a == *b)
			continue;
		if ((*a != '.' && *a != '_') || (*b != '.' && *b != '_'))
			return false;
	}
	return *a == *b;
}
