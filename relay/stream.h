/*-------------------------------------------------------------------------
 *
 * stream.h
 *	  The PostgreSQL side: the logical replication protocol
 *
 * IDENTIFICATION
 *	  relay/stream.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELAY_STREAM_H
#define RELAY_STREAM_H

#include "access/xlogdefs.h"
#include "libpq-fe.h"

#include "config.h"

/* Outcome of opening a stream. */
typedef enum StreamOpenStatus
{
	STREAM_OPEN_OK,
	STREAM_OPEN_RETRY,			/* connection-level failure: try again later */
	STREAM_OPEN_FATAL			/* trying again cannot help */
} StreamOpenStatus;

/* Outcome of one stream_read. */
typedef enum StreamReadStatus
{
	STREAM_READ_DATA,			/* XLogData ('w'): msg->data, msg->len */
	STREAM_READ_KEEPALIVE,		/* primary keepalive ('k') */
	STREAM_READ_WOULD_BLOCK,	/* nothing buffered: wait on the socket */
	STREAM_READ_END,			/* the server ended or lost the stream */
} StreamReadStatus;

/* One message of the replication stream. */
typedef struct StreamMessage
{
	XLogRecPtr	data_start_lsn; /* 'w': WAL position of the data */
	XLogRecPtr	wal_end_lsn;	/* the server's current end of WAL */
	bool		reply_requested;	/* 'k': the server asks for a status */
	const char *data;			/* 'w': the plugin's output */
	size_t		len;
} StreamMessage;

typedef struct ReplicationStream
{
	PGconn	   *conn;
	char	   *copybuf;		/* last PQgetCopyData buffer, or NULL */
	char	   *dbname;			/* from IDENTIFY_SYSTEM */
	bool		copying;		/* inside COPY BOTH */
	char		error_sqlstate[6];	/* of the error that ended the stream */
} ReplicationStream;

extern void stream_init(ReplicationStream *rs);
extern StreamOpenStatus stream_connect(ReplicationStream *rs,
									   const RelayConfig *cfg);
extern StreamOpenStatus stream_prepare_slot(ReplicationStream *rs,
											const RelayConfig *cfg,
											bool create, bool startup);
extern StreamOpenStatus stream_start(ReplicationStream *rs,
									 const RelayConfig *cfg,
									 XLogRecPtr startpos);
extern StreamReadStatus stream_read(ReplicationStream *rs,
									StreamMessage *msg);
extern bool stream_consume(ReplicationStream *rs);
extern bool stream_send_status(ReplicationStream *rs, XLogRecPtr write_lsn,
							   XLogRecPtr flush_lsn, bool reply_requested);
extern int	stream_socket(const ReplicationStream *rs);
extern bool stream_end_copy(ReplicationStream *rs, int timeout_ms);
extern void stream_close(ReplicationStream *rs);
extern char *stream_masked_conninfo(const RelayConfig *cfg);
extern int64 stream_now_us(void);

#endif							/* RELAY_STREAM_H */
