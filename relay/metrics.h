/*-------------------------------------------------------------------------
 *
 * metrics.h
 *	  Counters and the periodic progress line
 *
 * IDENTIFICATION
 *	  relay/metrics.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELAY_METRICS_H
#define RELAY_METRICS_H

#include "access/xlogdefs.h"

typedef struct RelayMetrics
{
	int64		events;			/* messages handed to Kafka (or stdout) */
	int64		bytes;			/* their key and value bytes */
	int64		txns;			/* C records seen */
	int64		delivered;		/* successful delivery reports */
	int64		failed;			/* failed delivery reports */
	XLogRecPtr	server_wal_end_lsn; /* the server's WAL end, from the stream */
	int64		last_report_us; /* when the last progress line was written */
	int64		last_events;	/* events at that time */
	int64		last_bytes;		/* bytes at that time */
} RelayMetrics;

extern void metrics_init(RelayMetrics *m, int64 now_us);
extern void metrics_report(RelayMetrics *m, int64 now_us,
						   XLogRecPtr confirmed_lsn, int queued, bool paused);

static inline void
metrics_event(RelayMetrics *m, int64 bytes)
{
	m->events++;
	m->bytes += bytes;
}

#endif							/* RELAY_METRICS_H */
