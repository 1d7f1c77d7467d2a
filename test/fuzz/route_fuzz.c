/*-------------------------------------------------------------------------
 *
 * route_fuzz.c
 *	  libFuzzer target: the relay's frame parser (relay/route.c)
 *
 * Each input is a sequence of replication messages of one decoding session:
 * the input is cut at every "\n\f\n" (three bytes no framed record ends
 * with by chance often enough to matter), and each piece is routed as one
 * message with route_next until ROUTE_END or ROUTE_ERROR, the session (the
 * prefix and the schemas) carrying over from one message to the next as in
 * the relay.  Every message is copied into a buffer of exactly its size, so
 * AddressSanitizer sees any read past it.
 *
 * Beyond memory errors the target checks what the relay relies on:
 *	- every returned part lies inside the message, or (spliced keys and
 *	  values) is the session's buffer of exactly the length returned;
 *	- the topic is NUL-terminated, non-empty and holds no NUL byte: the
 *	  producer hands it to librdkafka as a C string;
 *	- the cursor moves forward on every record and stays inside the message,
 *	  and does not move on ROUTE_ERROR;
 *	- an error message is set on ROUTE_ERROR.
 * A violated check aborts, which libFuzzer reports as a crash.
 *
 * Built by test/fuzz/run with clang -fsanitize=fuzzer,address,undefined.
 *
 * IDENTIFICATION
 *	  test/fuzz/route_fuzz.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include "route.h"

#define CHECK(cond) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "route_fuzz: check failed: %s (line %d)\n", \
					#cond, __LINE__); \
			abort(); \
		} \
	} while (0)

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile unsigned char sink;
static const StringInfoData no_buf;	/* for parts never spliced */

/* Read every byte of a part, so that ASan checks the whole range. */
static void
touch(const char *p, int len)
{
	unsigned char acc = 0;

	for (int i = 0; i < len; i++)
		acc ^= (unsigned char) p[i];
	sink ^= acc;
}

/* A part of an event: absent (NULL, -1) or len bytes inside msg or buf. */
static void
check_part(const char *p, int len, const char *msg, size_t msglen,
		   const StringInfoData *buf)
{
	if (p == NULL)
	{
		CHECK(len == -1);
		return;
	}
	CHECK(len >= 0);
	if (p == buf->data)
		CHECK(len == buf->len);
	else
		CHECK(p >= msg && (size_t) len <= msglen &&
			  (size_t) (p - msg) <= msglen - len);
	touch(p, len);
}

static void
route_message(RouteSession *rs, const uint8_t *data, size_t len)
{
	char	   *msg = malloc(len ? len : 1);
	RouteCursor cur;

	memcpy(msg, data, len);
	route_cursor_init(&cur, msg, len);
	for (;;)
	{
		RouteEvent	ev;
		XLogRecPtr	lsn = InvalidXLogRecPtr;
		const char *err = NULL;
		size_t		before = cur.pos;
		RouteKind	k = route_next(rs, &cur, &ev, &lsn, &err);

		if (k == ROUTE_END)
		{
			CHECK(cur.pos == len);
			break;
		}
		if (k == ROUTE_ERROR)
		{
			CHECK(err != NULL && err[0] != '\0');
			CHECK(cur.pos == before);
			touch(err, strlen(err));
			break;
		}
		CHECK(cur.pos > before && cur.pos <= len);
		switch (k)
		{
			case ROUTE_PREFIX:
				CHECK(rs->prefix != NULL);
				touch(rs->prefix, strlen(rs->prefix));
				break;
			case ROUTE_SCHEMA:
				break;
			case ROUTE_EVENT:
				CHECK(ev.topic != NULL && ev.topic_len > 0);
				CHECK(ev.topic[ev.topic_len] == '\0');
				CHECK(strlen(ev.topic) == (size_t) ev.topic_len);
				check_part(ev.key, ev.key_len, msg, len, &rs->key);
				check_part(ev.value, ev.value_len, msg, len, &rs->value);
				check_part(ev.newkey, ev.newkey_len, msg, len, &no_buf);
				check_part(ev.oldkey, ev.oldkey_len, msg, len, &no_buf);
				if (ev.context)
					CHECK(rs->prefix != NULL);
				break;
			case ROUTE_COMMIT:
				break;
			default:
				CHECK(false);
		}
	}
	free(msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t sep[] = "\n\f\n";
	RouteSession rs;
	size_t		start = 0;

	route_session_init(&rs);
	while (start <= size)
	{
		const uint8_t *p = data + start;
		size_t		n = size - start;
		const uint8_t *hit = NULL;

		for (size_t i = 0; i + 3 <= n && hit == NULL; i++)
			if (memcmp(p + i, sep, 3) == 0)
				hit = p + i;
		size_t		piece = hit ? (size_t) (hit - p) : n;

		route_message(&rs, p, piece);
		if (!hit)
			break;
		start += piece + 3;
	}
	route_session_free(&rs);
	return 0;
}
