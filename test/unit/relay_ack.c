/*-------------------------------------------------------------------------
 *
 * relay_ack.c
 *	  Unit tests of relay/ack.c: the at-least-once rule
 *
 * The confirmed LSN may only move to a transaction's end once every message
 * of it and of all earlier transactions is delivered; a failure stops it for
 * good; keepalive positions count only when nothing is open or in flight;
 * a new session ignores the old one's reports.
 *
 * IDENTIFICATION
 *	  test/unit/relay_ack.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include "ack.h"
#include "relay_tap.h"

static void
test_in_order(void)
{
	AckTracker	ack;
	uint64		s1,
				s2;

	ack_init(&ack);
	tap_ok(ack_confirmed_lsn(&ack) == InvalidXLogRecPtr, "nothing confirmed at start");
	s1 = ack_message_sent(&ack);
	ack_message_sent(&ack);
	tap_ok(ack_txn_open(&ack), "transaction open after a message");
	ack_commit(&ack, 100);
	tap_ok(!ack_txn_open(&ack), "closed by its C record");
	tap_ok(ack_confirmed_lsn(&ack) == InvalidXLogRecPtr, "commit alone confirms nothing");
	s2 = ack_message_sent(&ack);
	ack_commit(&ack, 200);
	ack_delivered(&ack, s2, true);
	tap_ok(ack_confirmed_lsn(&ack) == InvalidXLogRecPtr,
		   "later transaction delivered first confirms nothing");
	ack_delivered(&ack, s1, true);
	tap_ok(ack_confirmed_lsn(&ack) == InvalidXLogRecPtr,
		   "one of two messages delivered confirms nothing");
	ack_delivered(&ack, s1, true);
	tap_ok(ack_confirmed_lsn(&ack) == 200,
		   "both transactions confirmed once the first completes");
	tap_ok(ack_idle(&ack) && ack.in_flight == 0, "idle afterwards");
	ack_free(&ack);
}

static void
test_open_transaction_blocks(void)
{
	AckTracker	ack;
	uint64		s1;

	ack_init(&ack);
	s1 = ack_message_sent(&ack);
	ack_delivered(&ack, s1, true);
	tap_ok(ack_confirmed_lsn(&ack) == InvalidXLogRecPtr,
		   "a delivered but open transaction is not confirmed");
	ack_keepalive(&ack, 500);
	tap_ok(ack_confirmed_lsn(&ack) == InvalidXLogRecPtr,
		   "keepalive not confirmed while a transaction is open");
	ack_commit(&ack, 300);
	tap_ok(ack_confirmed_lsn(&ack) == 300, "confirmed at its C record");
	ack_keepalive(&ack, 500);
	tap_ok(ack_confirmed_lsn(&ack) == 500, "idle: keepalive position confirmed");
	ack_keepalive(&ack, 400);
	tap_ok(ack_confirmed_lsn(&ack) == 500, "confirmed LSN never moves back");
	ack_free(&ack);
}

static void
test_in_flight_blocks_keepalive(void)
{
	AckTracker	ack;
	uint64		s1;

	ack_init(&ack);
	s1 = ack_message_sent(&ack);
	ack_commit(&ack, 100);
	ack_keepalive(&ack, 900);
	tap_ok(ack_confirmed_lsn(&ack) == InvalidXLogRecPtr,
		   "keepalive not confirmed while a message is in flight");
	ack_delivered(&ack, s1, true);
	tap_ok(ack_confirmed_lsn(&ack) == 100, "then the commit is confirmed");
	ack_free(&ack);
}

static void
test_failure_stops(void)
{
	AckTracker	ack;
	uint64		s1,
				s2;

	ack_init(&ack);
	s1 = ack_message_sent(&ack);
	ack_commit(&ack, 100);
	ack_delivered(&ack, s1, true);
	s2 = ack_message_sent(&ack);
	ack_message_sent(&ack);
	ack_commit(&ack, 200);
	ack_delivered(&ack, s2, false);
	ack_delivered(&ack, s2, true);
	tap_ok(ack.failed, "failure recorded");
	tap_ok(ack_confirmed_lsn(&ack) == 100, "failed transaction never confirmed");
	ack_keepalive(&ack, 1000);
	tap_ok(ack_confirmed_lsn(&ack) == 100, "keepalive cannot skip a failure");
	tap_ok(!ack_idle(&ack), "not idle after a failure");
	ack_free(&ack);
}

static void
test_unsent(void)
{
	AckTracker	ack;
	uint64		s1;

	ack_init(&ack);
	s1 = ack_message_sent(&ack);
	ack_message_unsent(&ack, s1);
	ack_commit(&ack, 50);
	tap_ok(ack_confirmed_lsn(&ack) == 50 && ack.in_flight == 0,
		   "a message taken back (queue full) is not waited for");
	ack_free(&ack);
}

static void
test_new_session(void)
{
	AckTracker	ack;
	uint64		old1,
				old2,
				s;

	ack_init(&ack);
	old1 = ack_message_sent(&ack);
	ack_commit(&ack, 100);
	ack_delivered(&ack, old1, true);
	old2 = ack_message_sent(&ack);	/* open when the connection drops */
	ack_new_session(&ack);
	tap_ok(ack_confirmed_lsn(&ack) == 100, "confirmed LSN kept across sessions");
	tap_ok(ack_idle(&ack), "new session starts idle");
	s = ack_message_sent(&ack);
	ack_commit(&ack, 150);
	ack_delivered(&ack, old2, false);
	tap_ok(!ack.failed, "failure of an old session's message ignored");
	tap_ok(ack_confirmed_lsn(&ack) == 100, "old session's report does not confirm");
	ack_delivered(&ack, s, true);
	tap_ok(ack_confirmed_lsn(&ack) == 150, "new session confirms its own commits");
	ack_free(&ack);
}

/* Many transactions in flight: the ring grows and keeps its order. */
static void
test_ring_growth(void)
{
	AckTracker	ack;
	uint64	   *seqs = pg_malloc(5000 * sizeof(uint64));
	int			i;
	bool		monotonic = true;
	XLogRecPtr	prev = 0;

	ack_init(&ack);
	for (i = 0; i < 5000; i++)
	{
		seqs[i] = ack_message_sent(&ack);
		ack_commit(&ack, 1000 + i);
	}
	/* deliver odd ones first, then even ones */
	for (i = 1; i < 5000; i += 2)
		ack_delivered(&ack, seqs[i], true);
	tap_ok(ack_confirmed_lsn(&ack) == InvalidXLogRecPtr,
		   "5000 transactions: nothing confirmed while the first is missing");
	for (i = 0; i < 5000; i += 2)
	{
		ack_delivered(&ack, seqs[i], true);
		if (ack_confirmed_lsn(&ack) < prev)
			monotonic = false;
		prev = ack_confirmed_lsn(&ack);
		if (ack_confirmed_lsn(&ack) != (XLogRecPtr) (1000 + i + 1))
			monotonic = false;
	}
	tap_ok(monotonic, "confirmed LSN follows the completed prefix exactly");
	tap_ok(ack_confirmed_lsn(&ack) == 1000 + 4999, "all confirmed at the end");
	ack_free(&ack);
	pg_free(seqs);
}

int
main(void)
{
	test_in_order();
	test_open_transaction_blocks();
	test_in_flight_blocks_keepalive();
	test_failure_stops();
	test_unsent();
	test_new_session();
	test_ring_growth();
	return tap_done();
}
