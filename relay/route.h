/*-------------------------------------------------------------------------
 *
 * route.h
 *	  Cutting the plugin's relay framing into Kafka records
 *
 * With output.format=relay the walcast plugin frames its output so that the
 * relay never parses event JSON.  This is the one contract between the two
 * halves (doc/framing.md, version 1).  A replication message holds one or
 * more records, each a header line of ASCII fields ended by '\n' and a body
 * of the byte strings whose lengths the header gives (-1: absent):
 *
 *	 P <plen>\n<prefix>
 *		the topic.prefix of this decoding session (a context header value)
 *	 S <id> <klen> <vlen>\n<key schema><value schema>
 *		Kafka Connect schemas of key and value for events of schema <id>;
 *		may redefine an id (the plugin reuses them)
 *	 E <id> <tlen> <klen> <vlen> <nklen> <oklen> <ctx>\n
 *	   <topic><key><value><newkey><oldkey>
 *		one Kafka record; id 0: key and value are complete documents; id > 0:
 *		they are payloads, wrapped as {"schema":<schema>,"payload":<payload>}
 *	 C <lsn>\n
 *		end of a transaction (or of a non-transactional message) at <lsn>
 *
 * A RouteSession holds what lives for one decoding session (the prefix and
 * the schema cache) plus reusable buffers, so routing an event allocates
 * nothing once the buffers have grown to the largest event seen.
 *
 * IDENTIFICATION
 *	  relay/route.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELAY_ROUTE_H
#define RELAY_ROUTE_H

#include "access/xlogdefs.h"
#include "lib/stringinfo.h"

typedef enum RouteKind
{
	ROUTE_END,					/* no record left in the message */
	ROUTE_PREFIX,				/* P: session prefix stored */
	ROUTE_SCHEMA,				/* S: schema stored */
	ROUTE_EVENT,				/* E: a Kafka record in *ev */
	ROUTE_COMMIT,				/* C: transaction end in *commit_lsn */
	ROUTE_ERROR					/* invalid framing; see *errmsg */
} RouteKind;

typedef struct RouteSchema
{
	char	   *key;			/* key schema JSON, NULL when absent */
	int			key_len;
	char	   *value;			/* value schema JSON, NULL when absent */
	int			value_len;
} RouteSchema;

typedef struct RouteSession
{
	char	   *prefix;			/* P record, NULL until seen */
	RouteSchema *schemas;		/* indexed by schema id; [0] unused */
	int			nschemas;		/* allocated entries: about the largest id */
	StringInfoData topic;		/* NUL-terminated topic of the last event */
	StringInfoData key;			/* spliced key of the last event */
	StringInfoData value;		/* spliced value of the last event */
	char		errbuf[160];	/* message of the last ROUTE_ERROR */
} RouteSession;

/* One Kafka record; pointers stay valid until the next route_next call. */
typedef struct RouteEvent
{
	const char *topic;			/* NUL-terminated */
	int			topic_len;
	const char *key;			/* NULL: null key */
	int			key_len;
	const char *value;			/* NULL: tombstone */
	int			value_len;
	const char *newkey;			/* __debezium.newkey header, or NULL */
	int			newkey_len;
	const char *oldkey;			/* __debezium.oldkey header, or NULL */
	int			oldkey_len;
	bool		context;		/* add Debezium's four context headers */
} RouteEvent;

/* Read position in one replication message. */
typedef struct RouteCursor
{
	const char *data;
	size_t		len;
	size_t		pos;
} RouteCursor;

extern void route_session_init(RouteSession *rs);
extern void route_session_reset(RouteSession *rs);
extern void route_session_free(RouteSession *rs);
extern void route_cursor_init(RouteCursor *cur, const char *data, size_t len);
extern RouteKind route_next(RouteSession *rs, RouteCursor *cur,
							RouteEvent *ev, XLogRecPtr *commit_lsn,
							const char **errmsg);
extern bool route_parse_lsn(const char *s, size_t len, XLogRecPtr *lsn);
extern const char *route_topic_problem(const char *topic);
extern bool route_topics_collide(const char *a, const char *b);

#endif							/* RELAY_ROUTE_H */
