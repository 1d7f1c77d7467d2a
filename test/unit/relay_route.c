/*-------------------------------------------------------------------------
 *
 * relay_route.c
 *	  Unit tests of relay/route.c: cutting the relay framing into records
 *
 * Feeds synthetic framed messages (doc/framing.md) to route_next and checks
 * topics, keys, values, tombstones, headers, schema splicing, commits and
 * the rejection of damaged framing.
 *
 * IDENTIFICATION
 *	  test/unit/relay_route.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include "relay_tap.h"
#include "route.h"

static RouteSession rs;

/* Route the message text (len bytes) and return the kind of record n. */
static RouteKind
nth_record(const char *msg, size_t len, int n, RouteEvent *ev,
		   XLogRecPtr *lsn, const char **err)
{
	RouteCursor cur;
	RouteKind	k = ROUTE_END;
	int			i;

	route_cursor_init(&cur, msg, len);
	for (i = 0; i <= n; i++)
	{
		k = route_next(&rs, &cur, ev, lsn, err);
		if (k == ROUTE_END || k == ROUTE_ERROR)
			break;
	}
	return k;
}

static void
test_plain_event(void)
{
	const char msg[] = "P 3\npfxE 0 8 8 9 -1 -1 1\npfx.s.t1{\"id\":1}{\"a\":\"b\"}C 0/16B3748\n";
	RouteEvent	ev;
	XLogRecPtr	lsn = 0;
	const char *err;

	tap_ok(nth_record(msg, sizeof(msg) - 1, 1, &ev, &lsn, &err) == ROUTE_EVENT,
		   "E record after P is an event");
	tap_is_mem(ev.topic, ev.topic_len, "pfx.s.t1", "topic");
	tap_ok(ev.topic[ev.topic_len] == '\0', "topic is NUL-terminated");
	tap_is_mem(ev.key, ev.key_len, "{\"id\":1}", "key of id 0 as is");
	tap_is_mem(ev.value, ev.value_len, "{\"a\":\"b\"}", "value of id 0 as is");
	tap_ok(ev.newkey == NULL && ev.oldkey == NULL, "no key headers");
	tap_ok(ev.context, "context flag");
	tap_ok(rs.prefix && strcmp(rs.prefix, "pfx") == 0, "P prefix stored");
	tap_ok(nth_record(msg, sizeof(msg) - 1, 2, &ev, &lsn, &err) == ROUTE_COMMIT &&
		   lsn == UINT64CONST(0x16B3748), "C record carries its LSN");
	tap_ok(nth_record(msg, sizeof(msg) - 1, 3, &ev, &lsn, &err) == ROUTE_END,
		   "end of message after C");
}

static void
test_tombstone_and_headers(void)
{
	const char msg[] = "E 0 3 5 -1 5 5 0\nt.x{k:1}newkyoldkyC 1/0\n";
	RouteEvent	ev;
	XLogRecPtr	lsn;
	const char *err;

	tap_ok(nth_record(msg, sizeof(msg) - 1, 0, &ev, &lsn, &err) == ROUTE_EVENT,
		   "tombstone event");
	tap_ok(ev.value == NULL, "vlen -1 is a null value");
	tap_is_mem(ev.newkey, ev.newkey_len, "newky", "newkey header");
	tap_is_mem(ev.oldkey, ev.oldkey_len, "oldky", "oldkey header");
	tap_ok(!ev.context, "ctx 0");
	tap_ok(nth_record(msg, sizeof(msg) - 1, 1, &ev, &lsn, &err) == ROUTE_COMMIT &&
		   lsn == UINT64CONST(0x100000000), "C 1/0");
}

static void
test_schema_splice(void)
{
	const char msg[] = "P 1\nxS 1 4 7\nKSCHVSCHEMAE 1 3 5 7 -1 -1 1\nx.tkey01value01E 1 3 -1 -1 -1 -1 1\nx.tC 0/1\n";
	RouteEvent	ev;
	XLogRecPtr	lsn;
	const char *err;

	tap_ok(nth_record(msg, sizeof(msg) - 1, 2, &ev, &lsn, &err) == ROUTE_EVENT,
		   "event with schema id 1");
	tap_is_mem(ev.key, ev.key_len, "{\"schema\":KSCH,\"payload\":key01}",
			   "key spliced with key schema");
	tap_is_mem(ev.value, ev.value_len,
			   "{\"schema\":VSCHEMA,\"payload\":value01}",
			   "value spliced with value schema");
	tap_ok(nth_record(msg, sizeof(msg) - 1, 3, &ev, &lsn, &err) == ROUTE_EVENT &&
		   ev.key == NULL && ev.value == NULL,
		   "null key and tombstone stay null with a schema id");
}

static void
test_schema_redefined(void)
{
	const char msg[] = "S 1 -1 2\nV1S 1 -1 2\nV2E 1 1 -1 1 -1 -1 0\nt9\n";
	RouteEvent	ev;
	XLogRecPtr	lsn;
	const char *err;

	tap_ok(nth_record(msg, sizeof(msg) - 1, 2, &ev, &lsn, &err) == ROUTE_EVENT,
		   "event after redefinition");
	tap_is_mem(ev.value, ev.value_len, "{\"schema\":V2,\"payload\":9}",
			   "latest schema of an id wins");
	tap_ok(ev.key == NULL, "schema without key schema, null key");
}

/*
 * The plugin reuses schema ids (doc/framing.md): an S record redefines an
 * id whenever a relation's schemas change or a dropped relation's id goes
 * to another.  Each event uses the definition before it, and the table
 * grows with the ids, never with the number of redefinitions.
 */
static void
test_schema_redefinitions_bounded(void)
{
	bool		all_latest = true;
	int			i;

	route_session_reset(&rs);
	for (i = 0; i < 100000; i++)
	{
		char		schema[16];
		char		msg[96];
		char		want[64];
		int			id = 1 + i % 3;
		int			len;
		RouteEvent	ev;
		XLogRecPtr	lsn;
		const char *err;

		snprintf(schema, sizeof(schema), "V%d", i);
		len = snprintf(msg, sizeof(msg), "S %d -1 %zu\n%sE %d 1 -1 1 -1 -1 0\nt9\n",
					   id, strlen(schema), schema, id);
		snprintf(want, sizeof(want), "{\"schema\":%s,\"payload\":9}", schema);
		if (nth_record(msg, len, 1, &ev, &lsn, &err) != ROUTE_EVENT ||
			ev.value_len != strlen(want) ||
			memcmp(ev.value, want, ev.value_len) != 0)
			all_latest = false;
	}
	tap_ok(all_latest, "each event uses the latest of 100000 redefinitions");
	tap_ok(rs.nschemas <= 4, "schema table sized by the ids, not the redefinitions");
}

/* The largest id is accepted; above it the message names the limit. */
static void
test_schema_id_limit(void)
{
	const char at[] = "S 1048576 -1 1\nV";
	const char above[] = "S 1048577 -1 1\nV";
	RouteEvent	ev;
	XLogRecPtr	lsn;
	const char *err = NULL;

	route_session_reset(&rs);
	tap_ok(nth_record(at, sizeof(at) - 1, 0, &ev, &lsn, &err) == ROUTE_SCHEMA,
		   "schema id 1048576 accepted");
	tap_ok(nth_record(above, sizeof(above) - 1, 0, &ev, &lsn, &err) == ROUTE_ERROR &&
		   strcmp(err, "schema id 1048577 exceeds the maximum of 1048576") == 0,
		   "schema id 1048577 refused with the limit in the message");
	route_session_reset(&rs);
}

/* A damaged message must be a ROUTE_ERROR, never an event or commit. */
static void
expect_rejected(const char *msg, size_t len, const char *name)
{
	RouteEvent	ev;
	XLogRecPtr	lsn;
	const char *err = NULL;
	RouteCursor cur;
	RouteKind	k;

	route_session_reset(&rs);
	route_cursor_init(&cur, msg, len);
	k = route_next(&rs, &cur, &ev, &lsn, &err);
	tap_ok(k == ROUTE_ERROR && err != NULL && cur.pos == 0, name);
}

static void
test_errors(void)
{
	/* with their lengths: some hold a NUL byte */
	static const struct
	{
		const char *msg;
		size_t		len;
	}			bad_bin[] = {
		/* NUL in the topic: the producer would use "t" (found by fuzzing) */
		{"E 0 3 1 1 -1 -1 0\nt\0xkv", 23},
	};
	static const char *const bad[] = {
		"E 0 3 1 1 -1 -1 0\nt.x",	/* body shorter than lengths */
		"E 0 3 1 1 -1 -1\nt.xkv",	/* missing field */
		"E 0 3 1 1 -1 -1 2\nt.xkv",	/* ctx not 0/1 */
		"E 0 0 1 1 -1 -1 0\nkv",	/* empty topic */
		"E 0 -1 1 1 -1 -1 0\nkv",	/* absent topic */
		"E 0 3 1 1 -1 -1 1\nt.xkv", /* context before P */
		"E 7 3 1 1 -1 -1 0\nt.xkv", /* undefined schema */
		"E 0 3 +1 1 -1 -1 0\nt.xkv",	/* sign */
		"E 0 3 1 1 -1 -1 0 \nt.xkv",	/* trailing space */
		"E 0  3 1 1 -1 -1 0\nt.xkv",	/* double space */
		"E 0 3 99999999999 1 -1 -1 0\nt.xkv",	/* overflow */
		"C 0/\n",
		"C /1\n",
		"C 123456789/0\n",
		"C 0/1",				/* no newline */
		"X 1\n",
		"S 0 1 1\nkv",			/* schema id 0 */
		"S 1 1 1\nk",			/* short schema body */
		"P -1\n",
		"\n",
	};
	int			i;
	char		name[128];

	for (i = 0; i < lengthof(bad); i++)
	{
		snprintf(name, sizeof(name), "damaged record %d rejected", i + 1);
		expect_rejected(bad[i], strlen(bad[i]), name);
	}
	for (i = 0; i < lengthof(bad_bin); i++)
	{
		snprintf(name, sizeof(name), "damaged binary record %d rejected", i + 1);
		expect_rejected(bad_bin[i].msg, bad_bin[i].len, name);
	}
}

static void
test_session_reset(void)
{
	const char def[] = "S 1 -1 1\nV";
	const char use[] = "E 1 1 -1 1 -1 -1 0\nt1\n";
	RouteEvent	ev;
	XLogRecPtr	lsn;
	const char *err;

	route_session_reset(&rs);
	nth_record(def, sizeof(def) - 1, 0, &ev, &lsn, &err);
	tap_ok(nth_record(use, sizeof(use) - 1, 0, &ev, &lsn, &err) == ROUTE_EVENT,
		   "schema known within a session");
	route_session_reset(&rs);
	tap_ok(nth_record(use, sizeof(use) - 1, 0, &ev, &lsn, &err) == ROUTE_ERROR,
		   "schema forgotten after a session reset");
}

static void
test_lsn(void)
{
	XLogRecPtr	lsn;

	tap_ok(route_parse_lsn("0/0", 3, &lsn) && lsn == 0, "LSN 0/0");
	tap_ok(route_parse_lsn("FFFFFFFF/ffffffff", 17, &lsn) &&
		   lsn == PG_UINT64_MAX, "largest LSN");
	tap_ok(!route_parse_lsn("0/1x", 4, &lsn), "LSN with junk rejected");
	tap_ok(!route_parse_lsn("01", 2, &lsn), "LSN without slash rejected");
}

static void
test_topic_names(void)
{
	char		name[251];

	tap_ok(route_topic_problem("pfx.public.t-1_x") == NULL, "valid topic name");
	tap_ok(route_topic_problem("my db.message") != NULL, "space refused");
	tap_ok(route_topic_problem("") != NULL, "empty name refused");
	tap_ok(route_topic_problem(".") != NULL && route_topic_problem("..") != NULL,
		   "\".\" and \"..\" refused");
	memset(name, 'a', 250);
	name[249] = '\0';
	tap_ok(route_topic_problem(name) == NULL, "249 characters accepted");
	name[249] = 'a';
	name[250] = '\0';
	tap_ok(route_topic_problem(name) != NULL, "250 characters refused");
	tap_ok(route_topics_collide("p.public.my.t", "p.public.my_t"),
		   "\".\" and \"_\" collide");
	tap_ok(route_topics_collide("a_b", "a.b") && route_topics_collide("a_b", "a_b"),
		   "collision is symmetric and reflexive");
	tap_ok(!route_topics_collide("p.public.myt", "p.public.my_t"),
		   "different lengths do not collide");
	tap_ok(!route_topics_collide("a-b", "a_b"), "\"-\" and \"_\" do not collide");
}

int
main(void)
{
	route_session_init(&rs);
	test_plain_event();
	test_tombstone_and_headers();
	test_schema_splice();
	test_schema_redefined();
	test_schema_redefinitions_bounded();
	test_schema_id_limit();
	test_errors();
	test_session_reset();
	test_lsn();
	test_topic_names();
	route_session_free(&rs);
	return tap_done();
}
