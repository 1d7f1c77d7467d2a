/*-------------------------------------------------------------------------
 *
 * ack.h
 *	  The at-least-once rule: which LSN the relay may confirm
 *
 * IDENTIFICATION
 *	  relay/ack.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELAY_ACK_H
#define RELAY_ACK_H

#include "access/xlogdefs.h"

/* One transaction (everything up to a C record) in flight. */
typedef struct AckTxn
{
	XLogRecPtr	end_lsn;		/* the C record's LSN; valid once closed */
	int64		pending;		/* messages sent, not yet reported */
	bool		closed;			/* its C record has been seen */
} AckTxn;

typedef struct AckTracker
{
	AckTxn	   *ring;			/* transactions head_seq .. next_seq - 1 */
	uint64		capacity;		/* ring size, a power of two */
	uint64		head_seq;		/* oldest transaction not yet confirmed */
	uint64		next_seq;		/* sequence number of the next transaction */
	uint64		session_seq;	/* first sequence number of this session */
	bool		open;			/* next_seq - 1 is open (no C yet) */
	bool		failed;			/* a delivery of this session failed */
	XLogRecPtr	confirmed_lsn;	/* what may be sent as the flush position */
	int64		in_flight;		/* messages of this session not reported */
} AckTracker;

extern void ack_init(AckTracker *ack);
extern void ack_free(AckTracker *ack);
extern uint64 ack_message_sent(AckTracker *ack);
extern void ack_message_unsent(AckTracker *ack, uint64 seq);
extern void ack_commit(AckTracker *ack, XLogRecPtr end_lsn);
extern void ack_delivered(AckTracker *ack, uint64 seq, bool ok);
extern void ack_keepalive(AckTracker *ack, XLogRecPtr wal_end_lsn);
extern void ack_new_session(AckTracker *ack);
extern bool ack_txn_open(const AckTracker *ack);
extern bool ack_txn_end_lsn(const AckTracker *ack, uint64 seq,
							XLogRecPtr *end_lsn);
extern bool ack_idle(const AckTracker *ack);

/* The flush position the relay may send to the server. */
static inline XLogRecPtr
ack_confirmed_lsn(const AckTracker *ack)
{
	return ack->confirmed_lsn;
}

#endif							/* RELAY_ACK_H */
