/*-------------------------------------------------------------------------
 *
 * main.c
 *	  walcast-relay: streams a walcast replication slot into Kafka
 *
 * Owns the command line, signals, the main loop (read the stream -> route
 * -> produce -> serve delivery reports -> confirm), the reconnection policy
 * and the exit codes.  Protocol and Kafka details live in stream.c and
 * producer.c; the delivery guarantee lives in ack.c.
 *
 * Words: an event is one Debezium envelope, a message is one Kafka record,
 * a replication message is one CopyData of the stream (many events).
 *
 * Backpressure: when librdkafka's queue is full, the event that did not fit
 * is kept and the loop stops reading from PostgreSQL, serving only delivery
 * reports (and status updates, so the walsender does not time out) until
 * the same event fits.  Nothing is dropped and memory stays bounded by
 * --max-queue-bytes plus one replication message.
 *
 * On a crash, nothing confirmed is undelivered (ack.c), so the slot replays
 * from the last confirmed position: at worst some events are sent twice.
 *
 * Reconnection backs off exponentially, and the backoff starts again from
 * its minimum only after a session that got somewhere (a transaction
 * confirmed, or the confirmed position moved in a session that lasted): a
 * connection that succeeds and then fails the same way (a plugin error at
 * the first change, an event over PostgreSQL's 1 GB limit) must not be
 * retried every second.  A server error whose SQLSTATE says that no retry
 * can succeed (a publication that does not exist) stops the relay instead.
 *
 * IDENTIFICATION
 *	  relay/main.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include <limits.h>
#include <poll.h>
#include <signal.h>

#include "common/logging.h"
#include "fe_utils/option_utils.h"
#include "libwalcast/version.h"
#include "getopt_long.h"

#include "ack.h"
#include "config.h"
#include "metrics.h"
#include "producer.h"
#include "route.h"
#include "stream.h"

#define RELAY_RECONNECT_MIN_SECS	1
#define RELAY_RECONNECT_MAX_SECS	30
#define RELAY_SHUTDOWN_FLUSH_MS		10000
#define RELAY_ENDPOS_FLUSH_MS		60000
#define RELAY_BROKER_CHECK_MS		10000
#define RELAY_MAX_WAIT_MS			1000
#define RELAY_END_COPY_TIMEOUT_MS	10000
/* Least time between status updates sent because the position moved. */
#define RELAY_CONFIRM_STATUS_MS		1000
/* A session this long that moved the confirmed position resets the backoff. */
#define RELAY_SESSION_STABLE_SECS	60

/* Why run_stream returned. */
typedef enum RelayStop
{
	RELAY_STOP_SIGNAL,			/* SIGINT or SIGTERM */
	RELAY_STOP_RELOAD,			/* SIGHUP: restart with the configuration */
	RELAY_STOP_ENDPOS,			/* --endpos reached */
	RELAY_STOP_ERROR,			/* cannot go on: exit 1 */
	RELAY_STOP_CONN_LOST		/* the stream broke: reconnect */
} RelayStop;

/* Outcome of working through one replication message. */
typedef enum MessageStatus
{
	MESSAGE_DONE,
	MESSAGE_PAUSED,				/* Kafka's queue is full */
	MESSAGE_ERROR
} MessageStatus;

typedef struct Relay
{
	RelayConfig cfg;			/* in effect: the file's, then the flags' */
	RelayConfig flags;			/* the command line's, kept for SIGHUP */
	ReplicationStream stream;
	Producer	producer;
	AckTracker	ack;
	RouteSession route;
	RelayMetrics metrics;
	bool		have_message;	/* cursor holds an unfinished message */
	RouteCursor cursor;
	bool		have_event;		/* event did not fit in the queue yet */
	RouteEvent	event;
	XLogRecPtr	written_lsn;	/* received and handed to the producer */
	int64		last_status_us; /* when the last status update went out */
	XLogRecPtr	last_sent_flush;	/* flush position of that update */
	int64		last_receive_us;	/* when the server last sent anything */
	bool		ping_sent;		/* asked for a reply since then */
	bool		endpos_reached;
	bool		paused;			/* waiting for queue space */
	int			reconnect_delay;	/* seconds before the next attempt */
	int			reconnect_attempt;	/* attempts since the last progress */
	int64		session_start_us;	/* when this session started streaming */
	XLogRecPtr	session_start_lsn;	/* confirmed position at that time */
} Relay;

static const char *progname;
static volatile sig_atomic_t stop_requested = false;
static volatile sig_atomic_t reload_requested = false;

static void
handle_stop_signal(int signum)
{
	stop_requested = true;
}

static void
handle_reload_signal(int signum)
{
	reload_requested = true;
}

static void
usage(void)
{
	printf("%s streams changes from a walcast logical replication slot into Kafka\n"
		   "as Debezium change events (or to standard output as JSON lines).\n\n",
		   progname);
	printf("Usage:\n  %s [OPTION]...\n", progname);
	printf("\nAction (default: create the slot if needed and stream):\n");
	printf("      --create-slot      create the replication slot and exit (unless --start)\n");
	printf("      --start            stream changes (the default; with --create-slot, create first)\n");
	printf("\nOptions:\n");
	printf("  -c, --config=FILE      Debezium connector configuration (JSON or properties)\n");
	printf("  -E, --endpos=LSN       exit once LSN is reached (whole transactions are sent)\n");
	printf("  -I, --startpos=LSN     where to start in an existing slot\n");
	printf("      --if-not-exists    with --create-slot, use an existing slot as it is\n");
	printf("      --no-loop          exit when the connection is lost instead of reconnecting\n");
	printf("  -o, --option=NAME[=VALUE]\n"
		   "                         pass option NAME to the walcast plugin\n");
	printf("      --progress-interval=SECS\n"
		   "                         time between progress lines (default: 10; 0 disables)\n");
	printf("      --receive-timeout=SECS\n"
		   "                         reconnect when the server sends nothing for SECS\n"
		   "                         (default: 60; 0 disables)\n");
	printf("  -s, --status-interval=SECS\n"
		   "                         time between status packets sent to server (default: 10)\n");
	printf("  -S, --slot=SLOTNAME    name of the logical replication slot (default: \"%s\")\n",
		   RELAY_DEFAULT_SLOT);
	printf("  -v, --verbose          output verbose messages (twice: every event)\n");
	printf("  -V, --version          output version information, then exit\n");
	printf("  -?, --help             show this help, then exit\n");
	printf("\nKafka options (without bootstrap servers, events go to standard output):\n");
	printf("  -b, --bootstrap-servers=HOST:PORT[,...]\n"
		   "                         Kafka brokers to connect to\n");
	printf("      --max-queue-bytes=BYTES\n"
		   "                         memory for messages not yet acknowledged (default: 8388608)\n");
	printf("  -X NAME=VALUE          set librdkafka property NAME\n");
	printf("\nConnection options:\n");
	printf("  -d, --dbname=CONNSTR   database name or connection string\n");
	printf("  -h, --host=HOSTNAME    database server host or socket directory\n");
	printf("  -p, --port=PORT        database server port number\n");
	printf("  -U, --username=NAME    connect as specified database user\n");
	printf("\nSIGHUP reloads the configuration (the session restarts with it).\n");
	printf("Exit status: 0 after SIGINT, SIGTERM or --endpos; 1 on any error.\n");
	printf("\nReport bugs at <https://github.com/walcast/walcast/issues>.\n");
}

static void
usage_error(const char *fmt, const char *arg)
{
	pg_log_error(fmt, arg);
	pg_log_error_hint("Try \"%s --help\" for more information.", progname);
	exit(1);
}

/* Parse a number of seconds into milliseconds, as pg_recvlogical's -s. */
static int
parse_secs(const char *arg, const char *flag)
{
	int			secs;

	if (!option_parse_int(arg, flag, 0, INT_MAX / 1000, &secs))
		exit(1);
	return secs * 1000;
}

static XLogRecPtr
parse_lsn_arg(const char *arg, const char *flag)
{
	XLogRecPtr	lsn;

	if (!config_parse_lsn(arg, &lsn))
	{
		pg_log_error("could not parse %s location \"%s\"", flag, arg);
		exit(1);
	}
	return lsn;
}

/* Handle one option; the long-only options have codes from 1 up. */
static void
apply_flag(RelayConfig *f, int c, const char *arg)
{
	int64		v;

	switch (c)
	{
		case 'c':
			f->config_file = pg_strdup(arg);
			break;
		case 'd':
			f->connstr = pg_strdup(arg);
			break;
		case 'h':
			nv_set(&f->conn, "host", arg);
			break;
		case 'p':
			nv_set(&f->conn, "port", arg);
			break;
		case 'U':
			nv_set(&f->conn, "user", arg);
			break;
		case 'S':
			f->slot = pg_strdup(arg);
			break;
		case 'o':
			if (!config_add_option(&f->plugin_options, arg, "-o"))
				exit(1);
			break;
		case 'X':
			if (!config_add_option(&f->kafka_props, arg, "-X"))
				exit(1);
			break;
		case 'b':
			nv_set(&f->kafka_props, "bootstrap.servers", arg);
			break;
		case 'I':
			f->startpos = parse_lsn_arg(arg, "start");
			break;
		case 'E':
			f->endpos = parse_lsn_arg(arg, "end");
			break;
		case 's':
			f->status_interval_ms = parse_secs(arg, "-s/--status-interval");
			break;
		case 'v':
			f->verbose++;
			break;
		case 1:
			f->create_slot = true;
			break;
		case 2:
			f->if_not_exists = true;
			break;
		case 3:
			f->start = true;
			break;
		case 4:
			f->no_loop = true;
			break;
		case 5:
			f->progress_interval_ms = parse_secs(arg, "--progress-interval");
			break;
		case 7:
			f->receive_timeout_ms = parse_secs(arg, "--receive-timeout");
			break;
		case 6:
			/* option_parse_int's messages; the range does not fit an int */
			if (!config_parse_int(arg, -PG_INT64_MAX, PG_INT64_MAX, &v))
			{
				pg_log_error("invalid value \"%s\" for option %s", arg,
							 "--max-queue-bytes");
				exit(1);
			}
			if (v < RELAY_MIN_QUEUE_BYTES || v > RELAY_MAX_QUEUE_BYTES)
			{
				pg_log_error("%s must be in range " INT64_FORMAT ".." INT64_FORMAT,
							 "--max-queue-bytes", RELAY_MIN_QUEUE_BYTES,
							 RELAY_MAX_QUEUE_BYTES);
				exit(1);
			}
			f->max_queue_bytes = v;
			break;
		default:
			pg_log_error_hint("Try \"%s --help\" for more information.", progname);
			exit(1);
	}
}

/*
 * Read the configuration file named by flags (if any) into cfg, merge the
 * flags over it and finish it.  False after logging an error; cfg is then
 * freed.
 */
static bool
load_config(RelayConfig *cfg, const RelayConfig *flags)
{
	bool		ok;

	config_init(cfg);
	ok = flags->config_file == NULL ||
		config_load_file(cfg, flags->config_file);
	if (ok)
	{
		config_merge(cfg, flags);
		ok = config_finish(cfg);
	}
	if (!ok)
		config_free(cfg);
	return ok;
}

/* Parse argv and the configuration file into relay->cfg (flags win). */
static void
parse_args(Relay *relay, int argc, char **argv)
{
	static const struct option long_options[] = {
		{"bootstrap-servers", required_argument, NULL, 'b'},
		{"config", required_argument, NULL, 'c'},
		{"dbname", required_argument, NULL, 'd'},
		{"endpos", required_argument, NULL, 'E'},
		{"help", no_argument, NULL, '?'},
		{"host", required_argument, NULL, 'h'},
		{"option", required_argument, NULL, 'o'},
		{"port", required_argument, NULL, 'p'},
		{"slot", required_argument, NULL, 'S'},
		{"startpos", required_argument, NULL, 'I'},
		{"status-interval", required_argument, NULL, 's'},
		{"username", required_argument, NULL, 'U'},
		{"verbose", no_argument, NULL, 'v'},
		{"version", no_argument, NULL, 'V'},
		{"create-slot", no_argument, NULL, 1},
		{"if-not-exists", no_argument, NULL, 2},
		{"start", no_argument, NULL, 3},
		{"no-loop", no_argument, NULL, 4},
		{"progress-interval", required_argument, NULL, 5},
		{"max-queue-bytes", required_argument, NULL, 6},
		{"receive-timeout", required_argument, NULL, 7},
		{NULL, 0, NULL, 0}
	};
	int			c;

	config_init(&relay->flags);
	while ((c = getopt_long(argc, argv, "b:c:d:E:h:I:o:p:s:S:U:vX:",
							long_options, NULL)) != -1)
		apply_flag(&relay->flags, c, optarg);
	if (optind < argc)
		usage_error("too many command-line arguments (first is \"%s\")",
					argv[optind]);
	if (relay->flags.verbose >= 2)
		pg_logging_increase_verbosity();
	if (!load_config(&relay->cfg, &relay->flags))
		exit(1);
}

/* ---- acknowledgements ---- */

/*
 * A record Kafka refuses for its size, skipped because
 * event.processing.failure.handling.mode is warn or skip: say where it was.
 */
static void
log_skipped(Relay *relay, uint64 seq, const char *topic, int64 bytes)
{
	XLogRecPtr	end_lsn;
	char		where[64];

	if (!ack_txn_end_lsn(&relay->ack, seq, &end_lsn))
		return;					/* an earlier session's: replayed anyway */
	if (end_lsn != InvalidXLogRecPtr)
		snprintf(where, sizeof(where), "ending at %X/%X",
				 LSN_FORMAT_ARGS(end_lsn));
	else
		snprintf(where, sizeof(where), "after %X/%X",
				 LSN_FORMAT_ARGS(relay->written_lsn));
	if (relay->cfg.failure_mode == RELAY_FAILURE_WARN)
	{
		pg_log_warning("skipped a record of %lld bytes for topic \"%s\" in the transaction %s",
					   (long long) bytes, topic, where);
		pg_log_warning_detail("Kafka refuses records of this size, and %s is \"warn\".",
							  RELAY_FAILURE_MODE_KEY);
	}
	else
		pg_log_info("skipped a record of %lld bytes for topic \"%s\" in the transaction %s",
					(long long) bytes, topic, where);
}

static void
on_delivery(void *arg, uint64 seq, ProducerOutcome outcome,
			const char *topic, int64 bytes)
{
	Relay	   *relay = (Relay *) arg;

	if (outcome == PRODUCER_DELIVERED)
		relay->metrics.delivered++;
	else if (outcome == PRODUCER_DELIVERY_SKIPPED)
		log_skipped(relay, seq, topic, bytes);
	else
		relay->metrics.failed++;
	ack_delivered(&relay->ack, seq, outcome != PRODUCER_DELIVERY_FAILED);
}

/*
 * Send a status update now: flush = the acknowledged position only.
 * reply_requested asks the server for a keepalive in answer.
 */
static bool
send_status(Relay *relay, int64 now_us, bool reply_requested)
{
	XLogRecPtr	flush = ack_confirmed_lsn(&relay->ack);

	relay->last_status_us = now_us;
	relay->last_sent_flush = flush;
	return stream_send_status(&relay->stream,
							  Max(relay->written_lsn, flush), flush,
							  reply_requested);
}

/*
 * Is a status update due?  Every --status-interval, and also soon after
 * the acknowledged position moves (at most once per RELAY_CONFIRM_STATUS_MS):
 * the slot replays everything after the last position the server was told,
 * so a relay that is killed replays about one second of changes instead of
 * a whole status interval.  --status-interval=0 turns off both.
 */
static bool
status_due(Relay *relay, int64 now)
{
	int64		interval_us = relay->cfg.status_interval_ms * INT64CONST(1000);
	int64		since = now - relay->last_status_us;

	if (interval_us <= 0)
		return false;
	if (since >= interval_us)
		return true;
	return ack_confirmed_lsn(&relay->ack) > relay->last_sent_flush &&
		since >= Min(interval_us, RELAY_CONFIRM_STATUS_MS * INT64CONST(1000));
}

/* Status updates and progress lines that are due. */
static bool
periodic_work(Relay *relay)
{
	int64		now = stream_now_us();
	RelayConfig *cfg = &relay->cfg;

	if (cfg->progress_interval_ms > 0 &&
		now - relay->metrics.last_report_us >= cfg->progress_interval_ms * INT64CONST(1000))
		metrics_report(&relay->metrics, now, ack_confirmed_lsn(&relay->ack),
					   producer_queue_len(&relay->producer), relay->paused);
	if (status_due(relay, now))
		return send_status(relay, now, false);
	return true;
}

/* Something arrived from the server: the receive timeout starts again. */
static void
note_receive(Relay *relay)
{
	relay->last_receive_us = stream_now_us();
	relay->ping_sent = false;
}

/*
 * The receive timeout (--receive-timeout), as the walreceiver's
 * wal_receiver_timeout: when the server has sent nothing, neither data nor
 * keepalive, for half the timeout, ask it for a reply; when it stays
 * silent for the whole timeout, the connection is taken as dead.  An idle
 * walsender sends keepalives only when it waits for a reply, so the ping
 * keeps a healthy idle connection from timing out.  Returns false when the
 * connection is to be dropped.
 */
static bool
check_receive_timeout(Relay *relay)
{
	int			timeout_ms = relay->cfg.receive_timeout_ms;
	int64		silent_us = stream_now_us() - relay->last_receive_us;

	if (timeout_ms <= 0)
		return true;
	if (silent_us >= timeout_ms * INT64CONST(1000))
	{
		pg_log_error("terminating the replication connection due to timeout");
		pg_log_error_detail("Nothing was received from the server for %d ms.",
							timeout_ms);
		pg_log_error_hint("Check the server and the network; raise --receive-timeout (relay.receive.timeout.ms) if the server is often this slow.");
		return false;
	}
	if (silent_us >= timeout_ms * INT64CONST(500) && !relay->ping_sent)
	{
		relay->ping_sent = true;
		return send_status(relay, stream_now_us(), true);
	}
	return true;
}

/* ---- one replication message ---- */

/* A C record: make its lines complete (stdout), then close the transaction. */
static bool
handle_commit(Relay *relay, XLogRecPtr lsn)
{
	if (!producer_commit(&relay->producer))
		return false;
	relay->written_lsn = lsn;
	relay->metrics.txns++;
	ack_commit(&relay->ack, lsn);
	if (relay->cfg.endpos != InvalidXLogRecPtr && lsn >= relay->cfg.endpos)
		relay->endpos_reached = true;
	return true;
}

/* Produce the pending event; false with *status set when it did not go. */
static bool
produce_event(Relay *relay, MessageStatus *status)
{
	RouteEvent *ev = &relay->event;
	uint64		seq = ack_message_sent(&relay->ack);
	ProducerSendStatus st = producer_send(&relay->producer, ev,
										  relay->route.prefix, seq);

	if (st == PRODUCER_SKIPPED)
	{
		/* too large for Kafka, and the mode says skip: the event is done */
		ack_message_unsent(&relay->ack, seq);
		log_skipped(relay, seq, ev->topic, producer_event_bytes(ev));
		relay->have_event = false;
		return true;
	}
	if (st != PRODUCER_SENT)
	{
		ack_message_unsent(&relay->ack, seq);
		*status = st == PRODUCER_QUEUE_FULL ? MESSAGE_PAUSED : MESSAGE_ERROR;
		return false;
	}
	relay->have_event = false;
	metrics_event(&relay->metrics, Max(ev->key_len, 0) + Max(ev->value_len, 0));
	pg_log_debug("event to \"%s\": %d key bytes, %d value bytes", ev->topic,
				 ev->key_len, ev->value_len);
	return true;
}

/*
 * Work through the records of the current replication message, starting
 * where the last call stopped.  MESSAGE_PAUSED keeps the event that did
 * not fit for the next call.
 */
static MessageStatus
process_message(Relay *relay)
{
	MessageStatus status = MESSAGE_DONE;

	for (;;)
	{
		XLogRecPtr	lsn;
		const char *errmsg;

		if (relay->have_event && !produce_event(relay, &status))
			return status;
		switch (route_next(&relay->route, &relay->cursor, &relay->event,
						   &lsn, &errmsg))
		{
			case ROUTE_END:
				relay->have_message = false;
				return MESSAGE_DONE;
			case ROUTE_EVENT:
				relay->have_event = true;
				break;
			case ROUTE_COMMIT:
				if (!handle_commit(relay, lsn))
					return MESSAGE_ERROR;
				break;
			case ROUTE_PREFIX:
			case ROUTE_SCHEMA:
				break;
			case ROUTE_ERROR:
				pg_log_error("invalid output from the walcast plugin: %s", errmsg);
				pg_log_error_hint("Check that the plugin and walcast-relay come from the same walcast version; if they do, report this as a bug.");
				return MESSAGE_ERROR;
		}
	}
}

/* ---- the stream loop ---- */

/*
 * Wait until the PostgreSQL socket or librdkafka has something, or until
 * the next periodic work is due.
 */
static bool
wait_for_input(Relay *relay)
{
	struct pollfd fds[2];
	int			rc;

	fds[0].fd = stream_socket(&relay->stream);
	fds[0].events = POLLIN;
	fds[1].fd = producer_wake_fd(&relay->producer);
	fds[1].events = POLLIN;
	fds[0].revents = fds[1].revents = 0;
	rc = poll(fds, 2, RELAY_MAX_WAIT_MS);
	if (rc < 0 && errno != EINTR)
	{
		pg_log_error("could not wait for input: %m");
		return false;
	}
	if (rc > 0 && fds[1].revents)
		producer_poll(&relay->producer, 0);
	if (rc > 0 && fds[0].revents)
	{
		note_receive(relay);
		return stream_consume(&relay->stream);
	}
	return true;
}

/* Handle a keepalive: confirm its position if idle, reply if asked. */
static bool
handle_keepalive(Relay *relay, const StreamMessage *msg)
{
	/*
	 * Between transactions everything up to walEnd has been received and
	 * handed on: report it as written, so that a walsender waiting for us
	 * at server shutdown can finish.  Only the flush position moves the slot.
	 */
	if (!ack_txn_open(&relay->ack) && msg->wal_end_lsn > relay->written_lsn)
		relay->written_lsn = msg->wal_end_lsn;
	ack_keepalive(&relay->ack, msg->wal_end_lsn);
	if (relay->cfg.endpos != InvalidXLogRecPtr && ack_idle(&relay->ack) &&
		msg->wal_end_lsn >= relay->cfg.endpos)
		relay->endpos_reached = true;
	if (msg->reply_requested)
		return send_status(relay, stream_now_us(), false);
	return true;
}

/* Take a new XLogData message: unless it starts beyond --endpos. */
static void
handle_data(Relay *relay, const StreamMessage *msg)
{
	if (relay->cfg.endpos != InvalidXLogRecPtr && !ack_txn_open(&relay->ack) &&
		msg->data_start_lsn > relay->cfg.endpos)
	{
		relay->endpos_reached = true;
		return;
	}
	route_cursor_init(&relay->cursor, msg->data, msg->len);
	relay->have_message = true;
}

/* While Kafka's queue is full: serve deliveries, then try again. */
static void
wait_for_queue(Relay *relay)
{
	if (!relay->paused)
	{
		relay->paused = true;
		if (relay->cfg.verbose)
			pg_log_info("Kafka queue full; pausing reading from the slot");
	}
	producer_poll(&relay->producer, 100);
}

/*
 * Read, route and produce until something stops us.  A protocol loop: the
 * dispatch stays here so each case can be read in one place.
 */
static RelayStop
run_stream(Relay *relay)
{
	StreamMessage msg;

	for (;;)
	{
		if (stop_requested)
			return RELAY_STOP_SIGNAL;
		if (reload_requested)
			return RELAY_STOP_RELOAD;
		if (relay->producer.fatal || relay->ack.failed)
			return RELAY_STOP_ERROR;
		if (!periodic_work(relay))
			return RELAY_STOP_CONN_LOST;
		if (relay->endpos_reached)
			return RELAY_STOP_ENDPOS;
		if (relay->have_message)
		{
			MessageStatus st;

			/* busy with what came: not waiting for the server */
			note_receive(relay);
			st = process_message(relay);

			if (st == MESSAGE_ERROR)
				return RELAY_STOP_ERROR;
			if (st == MESSAGE_PAUSED)
				wait_for_queue(relay);
			else
			{
				relay->paused = false;
				producer_poll(&relay->producer, 0);
			}
			continue;
		}
		switch (stream_read(&relay->stream, &msg))
		{
			case STREAM_READ_DATA:
				relay->metrics.server_wal_end_lsn = msg.wal_end_lsn;
				handle_data(relay, &msg);
				break;
			case STREAM_READ_KEEPALIVE:
				relay->metrics.server_wal_end_lsn = msg.wal_end_lsn;
				if (!handle_keepalive(relay, &msg))
					return RELAY_STOP_CONN_LOST;
				break;
			case STREAM_READ_WOULD_BLOCK:
				if (!check_receive_timeout(relay) || !wait_for_input(relay))
					return RELAY_STOP_CONN_LOST;
				break;
			case STREAM_READ_END:
				return RELAY_STOP_CONN_LOST;
		}
	}
}

/* ---- sessions ---- */

/* Connect, check or create the slot, and start streaming. */
static StreamOpenStatus
open_stream(Relay *relay, bool startup)
{
	StreamOpenStatus st = stream_connect(&relay->stream, &relay->cfg);

	if (st == STREAM_OPEN_OK)
		st = stream_prepare_slot(&relay->stream, &relay->cfg, startup, startup);
	if (st == STREAM_OPEN_OK)
		st = stream_start(&relay->stream, &relay->cfg, relay->cfg.startpos);
	if (st != STREAM_OPEN_OK)
	{
		stream_close(&relay->stream);
		return st;
	}
	pg_log_info("streaming from slot \"%s\" of database \"%s\" (confirmed %X/%X) to %s",
				relay->cfg.slot, relay->stream.dbname,
				LSN_FORMAT_ARGS(ack_confirmed_lsn(&relay->ack)),
				relay->producer.rk ? "Kafka" : "standard output");
	relay->last_status_us = stream_now_us();
	note_receive(relay);
	relay->session_start_us = relay->last_status_us;
	relay->session_start_lsn = ack_confirmed_lsn(&relay->ack);
	return STREAM_OPEN_OK;
}

/* Drop what belonged to the lost session (the server replays it). */
static void
reset_session(Relay *relay)
{
	stream_close(&relay->stream);
	route_session_reset(&relay->route);
	ack_new_session(&relay->ack);
	relay->have_message = false;
	relay->have_event = false;
	relay->paused = false;
}

/* Sleep secs seconds while serving Kafka; false if a signal came. */
static bool
sleep_serving_kafka(Relay *relay, int secs)
{
	int64		until = stream_now_us() + secs * INT64CONST(1000000);

	while (!stop_requested && stream_now_us() < until)
	{
		if (relay->producer.rk)
			producer_poll(&relay->producer, 100);
		else
			pg_usleep(100000);
	}
	return !stop_requested;
}

/*
 * Did the lost session get anywhere?  A transaction of it confirmed, or the
 * confirmed position moved (keepalives of an idle slot) in a session that
 * lasted.  A session that fails at once, the same way each time, does not.
 */
static bool
session_made_progress(Relay *relay)
{
	bool		moved = ack_confirmed_lsn(&relay->ack) > relay->session_start_lsn;

	return moved &&
		(relay->ack.head_seq > relay->ack.session_seq ||
		 stream_now_us() - relay->session_start_us >=
		 RELAY_SESSION_STABLE_SECS * INT64CONST(1000000));
}

/*
 * Reconnect with exponential backoff (1 s doubling to 30 s), one log line
 * per attempt.  The delay and the attempt count carry over from the last
 * reconnection unless the lost session made progress.  Returns false on a
 * signal or an error that retrying cannot fix (already logged).
 */
static bool
reconnect(Relay *relay)
{
	if (relay->reconnect_delay == 0 || session_made_progress(relay))
	{
		relay->reconnect_delay = RELAY_RECONNECT_MIN_SECS;
		relay->reconnect_attempt = 0;
	}
	reset_session(relay);
	for (;;)
	{
		StreamOpenStatus st;
		int			delay = relay->reconnect_delay;

		relay->reconnect_attempt++;
		pg_log_info("reconnecting in %d s (attempt %d)", delay,
					relay->reconnect_attempt);
		relay->reconnect_delay = Min(delay * 2, RELAY_RECONNECT_MAX_SECS);
		if (!sleep_serving_kafka(relay, delay))
			return false;
		st = open_stream(relay, false);
		if (st == STREAM_OPEN_OK)
			return true;
		if (st == STREAM_OPEN_FATAL)
			return false;
	}
}

/*
 * Server errors that a new connection meets again, by SQLSTATE (never by
 * the server's text: lc_messages may be anything), with the fix.
 */
static const struct
{
	const char *sqlstate;
	const char *hint;
}			permanent_errors[] =
{
	{"0A000", "Change what the message says is not supported, then start walcast-relay again."},
	{"22023", "Correct the plugin option the message names (-o or the configuration file), then start walcast-relay again."},
	{"42501", "Grant the relay's database user the privilege the message names, then start walcast-relay again."},
	{"42601", "Correct the plugin option the message names (-o or the configuration file), then start walcast-relay again."},
	{"42704", "Create the missing object, or correct the option that names it (such as publication.name), then start walcast-relay again."},
	{"42P01", "Create the missing table, or correct the option that names it, then start walcast-relay again."},
	{"55000", "Fix the state the message describes (an invalidated replication slot must be dropped and created again), then start walcast-relay again."},
};

/*
 * The server ended the stream: true when its error cannot heal by
 * reconnecting (logged, with the fix).  An event over PostgreSQL's 1 GB
 * limit (program_limit_exceeded) fails on every try too, but the fix is
 * the plugin's skip mode, so it gets a hint and the backoff.
 */
static bool
permanent_stream_error(Relay *relay)
{
	const char *state = relay->stream.error_sqlstate;
	int			i;

	if (strcmp(state, "54000") == 0)
		pg_log_error_hint("An event larger than PostgreSQL's 1 GB limit fails the same way on every try; set %s to \"warn\" or \"skip\" to skip such events.",
						  RELAY_FAILURE_MODE_KEY);
	for (i = 0; i < lengthof(permanent_errors); i++)
	{
		if (strcmp(state, permanent_errors[i].sqlstate) != 0)
			continue;
		pg_log_error("cannot go on after this error; reconnecting would fail the same way (SQLSTATE %s)",
					 state);
		pg_log_error_hint("%s", permanent_errors[i].hint);
		return true;
	}
	return false;
}

/*
 * End a session in librdkafka's and bottledwater's order: stop reading,
 * flush Kafka within a bound, report what is undelivered, send a final
 * status with only acknowledged positions, end the copy and wait for the
 * server to end it too (so the slot has the position), close.  Returns the
 * number of messages left undelivered.
 */
static int
end_session(Relay *relay, int flush_ms)
{
	int			left = producer_flush(&relay->producer, flush_ms);

	if (left > 0)
		pg_log_warning("%d messages were not delivered; the slot sends them again on the next run",
					   left);
	if (relay->stream.conn && relay->stream.copying &&
		send_status(relay, stream_now_us(), false))
		stream_end_copy(&relay->stream, RELAY_END_COPY_TIMEOUT_MS);
	stream_close(&relay->stream);
	return left;
}

/* Set up the producer for relay->cfg and check the brokers. */
static bool
start_producer(Relay *relay)
{
	if (producer_init(&relay->producer, &relay->cfg, on_delivery, relay) &&
		producer_check_brokers(&relay->producer, RELAY_BROKER_CHECK_MS))
		return true;
	producer_destroy(&relay->producer);
	return false;
}

/*
 * SIGHUP: read the configuration file again and, when it is valid, restart
 * with it in this process: end the session as at a clean stop (Kafka
 * flushed, final status applied), make a new producer, and stream again
 * from the position just confirmed.  So every setting takes effect, and
 * nothing is sent twice unless Kafka did not deliver within the flush
 * bound.  An invalid file, or a producer the new settings cannot make,
 * leaves the current configuration in effect.  Returns false when the
 * relay cannot go on (logged).
 */
static bool
reload_config(Relay *relay)
{
	RelayConfig old;
	RelayConfig cfg;

	reload_requested = false;
	pg_log_info("received SIGHUP; reloading the configuration");
	if (!load_config(&cfg, &relay->flags))
	{
		pg_log_info("configuration not reloaded; the current one stays in effect");
		return true;
	}
	end_session(relay, RELAY_SHUTDOWN_FLUSH_MS);
	reset_session(relay);
	producer_destroy(&relay->producer);
	old = relay->cfg;			/* nothing keeps pointers into a RelayConfig */
	relay->cfg = cfg;
	if (start_producer(relay))
		config_free(&old);
	else
	{
		pg_log_info("configuration not reloaded; restarting with the previous one");
		config_free(&relay->cfg);
		relay->cfg = old;
		if (!start_producer(relay))
			return false;
	}
	switch (open_stream(relay, false))
	{
		case STREAM_OPEN_OK:
			return true;
		case STREAM_OPEN_RETRY:
			return reconnect(relay);
		case STREAM_OPEN_FATAL:
			break;
	}
	return false;
}

/* Stop for good: end the session, release everything.  The exit code. */
static int
shutdown_relay(Relay *relay, int code, int flush_ms)
{
	int			left = end_session(relay, flush_ms);

	/* --endpos promises that everything up to it was delivered */
	if (code == 0 && relay->endpos_reached && (left > 0 || relay->ack.failed))
		code = 1;
	producer_destroy(&relay->producer);
	pg_log_info("stopped; confirmed position %X/%X",
				LSN_FORMAT_ARGS(ack_confirmed_lsn(&relay->ack)));
	route_session_free(&relay->route);
	ack_free(&relay->ack);
	pg_free(relay->stream.dbname);
	config_free(&relay->cfg);
	config_free(&relay->flags);
	return code;
}

/* --create-slot without --start: create (or check) the slot and exit. */
static int
create_slot_only(Relay *relay)
{
	StreamOpenStatus st = stream_connect(&relay->stream, &relay->cfg);

	if (st == STREAM_OPEN_OK)
		st = stream_prepare_slot(&relay->stream, &relay->cfg, true, true);
	stream_close(&relay->stream);
	pg_free(relay->stream.dbname);
	config_free(&relay->cfg);
	config_free(&relay->flags);
	return st == STREAM_OPEN_OK ? 0 : 1;
}

static void
setup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handle_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = handle_reload_signal;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Run sessions until a stop; returns the exit code. */
static int
run(Relay *relay)
{
	for (;;)
	{
		RelayStop stop = run_stream(relay);

		switch (stop)
		{
			case RELAY_STOP_SIGNAL:
				pg_log_info("received stop signal; shutting down");
				return shutdown_relay(relay, 0, RELAY_SHUTDOWN_FLUSH_MS);
			case RELAY_STOP_ENDPOS:
				pg_log_info("end position %X/%X reached",
							LSN_FORMAT_ARGS(relay->cfg.endpos));
				return shutdown_relay(relay, 0, RELAY_ENDPOS_FLUSH_MS);
			case RELAY_STOP_ERROR:
				return shutdown_relay(relay, 1, RELAY_SHUTDOWN_FLUSH_MS);
			case RELAY_STOP_RELOAD:
				if (!reload_config(relay))
					return shutdown_relay(relay, stop_requested ? 0 : 1,
										  RELAY_SHUTDOWN_FLUSH_MS);
				break;
			case RELAY_STOP_CONN_LOST:
				if (permanent_stream_error(relay))
					return shutdown_relay(relay, 1, RELAY_SHUTDOWN_FLUSH_MS);
				if (relay->cfg.no_loop)
				{
					pg_log_error("connection to the server lost; exiting (--no-loop)");
					return shutdown_relay(relay, 1, RELAY_SHUTDOWN_FLUSH_MS);
				}
				if (!reconnect(relay))
					return shutdown_relay(relay, stop_requested ? 0 : 1,
										  RELAY_SHUTDOWN_FLUSH_MS);
				break;
		}
	}
}

int
main(int argc, char **argv)
{
	Relay		relay;

	pg_logging_init(argv[0]);
	progname = get_progname(argv[0]);
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-?") == 0))
	{
		usage();
		exit(0);
	}
	if (argc > 1 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0))
	{
		printf("walcast-relay (walcast) %s\n", WALCAST_VERSION);
		exit(0);
	}
	memset(&relay, 0, sizeof(relay));
	parse_args(&relay, argc, argv);
	setup_signals();
	stream_init(&relay.stream);
	if (relay.cfg.create_slot && !relay.cfg.start)
		exit(create_slot_only(&relay));
	ack_init(&relay.ack);
	route_session_init(&relay.route);
	metrics_init(&relay.metrics, stream_now_us());
	if (!start_producer(&relay))
		exit(1);
	if (open_stream(&relay, true) != STREAM_OPEN_OK)
	{
		producer_destroy(&relay.producer);
		exit(1);
	}
	exit(run(&relay));
}
