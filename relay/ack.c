/*-------------------------------------------------------------------------
 *
 * ack.c
 *	  The at-least-once rule: which LSN the relay may confirm
 *
 * The relay confirms an LSN to PostgreSQL (the flush position of its standby
 * status update) and the slot then never replays anything at or below it.
 * So the confirmed LSN may move to a transaction's end LSN (its C record)
 * only once every message of that transaction, and of every earlier one,
 * has a successful delivery report.  Kafka acknowledges messages out of
 * order across partitions, so each transaction gets a sequence number and a
 * count of messages not yet reported; the messages carry the sequence number
 * as their opaque.  Transactions are kept in a ring in commit order and the
 * confirmed LSN advances over the completed prefix of that ring only.
 *
 * A failed delivery stops all further progress: the transaction holding it
 * never completes, so nothing at or after it is ever confirmed (the relay
 * then stops, and the slot replays it on the next run).
 *
 * When no transaction is open and no message is in flight, everything the
 * server has sent is delivered, so a keepalive's WAL end position may be
 * confirmed: an idle slot, or one whose changes are all filtered out, then
 * does not hold WAL back.
 *
 * After a reconnection the server replays everything after the slot's
 * confirmed position, which is at or below ours.  Transactions of the old
 * session are then dropped (their messages still in the producer's queue
 * are duplicates of what the new session sends again): deliveries of
 * sequence numbers below session_seq are ignored, whatever their outcome.
 *
 * Pure logic: no libpq, no librdkafka.  Allocates only when the ring grows.
 *
 * IDENTIFICATION
 *	  relay/ack.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include "ack.h"

#define ACK_INITIAL_CAPACITY	1024

void
ack_init(AckTracker *ack)
{
	memset(ack, 0, sizeof(*ack));
	ack->capacity = ACK_INITIAL_CAPACITY;
	ack->ring = pg_malloc0(ack->capacity * sizeof(AckTxn));
	ack->head_seq = 1;
	ack->next_seq = 1;
	ack->session_seq = 1;
	ack->confirmed_lsn = InvalidXLogRecPtr;
}

void
ack_free(AckTracker *ack)
{
	pg_free(ack->ring);
	ack->ring = NULL;
}

static inline AckTxn *
txn_at(const AckTracker *ack, uint64 seq)
{
	return &ack->ring[seq & (ack->capacity - 1)];
}

/* Double the ring, keeping the transactions at their sequence numbers. */
static void
grow_ring(AckTracker *ack)
{
	uint64		newcap = ack->capacity * 2;
	AckTxn	   *ring = pg_malloc0(newcap * sizeof(AckTxn));
	uint64		seq;

	for (seq = ack->head_seq; seq < ack->next_seq; seq++)
		ring[seq & (newcap - 1)] = *txn_at(ack, seq);
	pg_free(ack->ring);
	ack->ring = ring;
	ack->capacity = newcap;
}

/* Confirm the completed transactions at the head of the ring. */
static void
advance(AckTracker *ack)
{
	while (!ack->failed && ack->head_seq < ack->next_seq)
	{
		AckTxn	   *txn = txn_at(ack, ack->head_seq);

		if (!txn->closed || txn->pending > 0)
			break;
		if (txn->end_lsn > ack->confirmed_lsn)
			ack->confirmed_lsn = txn->end_lsn;
		ack->head_seq++;
	}
}

/* Open a transaction if none is open; return its sequence number. */
static uint64
open_txn(AckTracker *ack)
{
	AckTxn	   *txn;

	if (ack->open)
		return ack->next_seq - 1;
	if (ack->next_seq - ack->head_seq == ack->capacity)
		grow_ring(ack);
	txn = txn_at(ack, ack->next_seq);
	txn->end_lsn = InvalidXLogRecPtr;
	txn->pending = 0;
	txn->closed = false;
	ack->open = true;
	return ack->next_seq++;
}

/*
 * Count one message handed to the producer for the open transaction
 * (opening one if needed).  Returns the sequence number the message must
 * carry to ack_delivered.
 */
uint64
ack_message_sent(AckTracker *ack)
{
	uint64		seq = open_txn(ack);

	txn_at(ack, seq)->pending++;
	ack->in_flight++;
	return seq;
}

/*
 * Take back an ack_message_sent whose message the producer did not accept
 * (its queue was full): the same event is sent again later.
 */
void
ack_message_unsent(AckTracker *ack, uint64 seq)
{
	Assert(ack->open && seq == ack->next_seq - 1);
	txn_at(ack, seq)->pending--;
	ack->in_flight--;
}

/* Close the open transaction (or an empty one) at end_lsn. */
void
ack_commit(AckTracker *ack, XLogRecPtr end_lsn)
{
	AckTxn	   *txn = txn_at(ack, open_txn(ack));

	txn->end_lsn = end_lsn;
	txn->closed = true;
	ack->open = false;
	advance(ack);
}

/*
 * Record the delivery report of a message of transaction seq.  A failure
 * stops progress for good (ack->failed); reports of an earlier session are
 * ignored.
 */
void
ack_delivered(AckTracker *ack, uint64 seq, bool ok)
{
	if (seq < ack->session_seq)
		return;
	Assert(seq >= ack->head_seq && seq < ack->next_seq);
	ack->in_flight--;
	if (!ok)
	{
		ack->failed = true;
		return;
	}
	txn_at(ack, seq)->pending--;
	advance(ack);
}

/*
 * A keepalive says the server has sent everything up to wal_end_lsn.  With
 * nothing open or in flight, that position is delivered too.
 */
void
ack_keepalive(AckTracker *ack, XLogRecPtr wal_end_lsn)
{
	if (ack_idle(ack) && wal_end_lsn > ack->confirmed_lsn)
		ack->confirmed_lsn = wal_end_lsn;
}

/*
 * Start a new decoding session: drop the transactions of the old one (the
 * server replays them) but keep the confirmed LSN.
 */
void
ack_new_session(AckTracker *ack)
{
	ack->head_seq = ack->next_seq;
	ack->session_seq = ack->next_seq;
	ack->open = false;
	ack->in_flight = 0;
}

/*
 * The end LSN of transaction seq of this session in *end_lsn
 * (InvalidXLogRecPtr while it is open), for log lines.  False for a
 * transaction of an earlier session.
 */
bool
ack_txn_end_lsn(const AckTracker *ack, uint64 seq, XLogRecPtr *end_lsn)
{
	const AckTxn *txn;

	if (seq < ack->session_seq || seq < ack->head_seq || seq >= ack->next_seq)
		return false;
	txn = txn_at(ack, seq);
	*end_lsn = txn->closed ? txn->end_lsn : InvalidXLogRecPtr;
	return true;
}

/* True while a transaction's records are arriving (no C record yet). */
bool
ack_txn_open(const AckTracker *ack)
{
	return ack->open;
}

/* True when everything received in this session is confirmed. */
bool
ack_idle(const AckTracker *ack)
{
	return !ack->failed && !ack->open && ack->head_seq == ack->next_seq;
}
