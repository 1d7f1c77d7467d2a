/*-------------------------------------------------------------------------
 *
 * metrics.c
 *	  Counters and the periodic progress line
 *
 * main counts; this module owns the one place that prints progress: at
 * info level, every --progress-interval seconds, the event and byte rates
 * since the last line, the confirmed LSN and the lag in bytes between the
 * server's WAL end (from the stream's headers) and that LSN.
 *
 * IDENTIFICATION
 *	  relay/metrics.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include "common/logging.h"

#include "metrics.h"

void
metrics_init(RelayMetrics *m, int64 now_us)
{
	memset(m, 0, sizeof(*m));
	m->last_report_us = now_us;
}

/* Write one progress line and start the next measuring period. */
void
metrics_report(RelayMetrics *m, int64 now_us, XLogRecPtr confirmed_lsn,
			   int queued, bool paused)
{
	double		secs = (now_us - m->last_report_us) / 1000000.0;
	uint64		lag = 0;

	if (secs <= 0)
		secs = 1;
	if (m->server_wal_end_lsn > confirmed_lsn && confirmed_lsn != InvalidXLogRecPtr)
		lag = m->server_wal_end_lsn - confirmed_lsn;
	pg_log_info("progress: %.0f events/s, %.1f kB/s, %lld events in %lld transactions, %lld delivered, %d queued%s, confirmed %X/%X, lag %llu bytes",
				(m->events - m->last_events) / secs,
				(m->bytes - m->last_bytes) / secs / 1024.0,
				(long long) m->events, (long long) m->txns,
				(long long) m->delivered, queued,
				paused ? " (waiting for Kafka)" : "",
				LSN_FORMAT_ARGS(confirmed_lsn), (unsigned long long) lag);
	m->last_report_us = now_us;
	m->last_events = m->events;
	m->last_bytes = m->bytes;
}
