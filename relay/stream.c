/*-------------------------------------------------------------------------
 *
 * stream.c
 *	  The PostgreSQL side: the logical replication protocol
 *
 * pg_recvlogical's semantics, split into small steps: connect with
 * replication=database and IDENTIFY_SYSTEM; check wal_level; find the slot
 * with a plain SQL query (a database replication connection accepts simple
 * queries), which tells its plugin and active PID before anything streams,
 * so the errors can be precise (START_REPLICATION's own error names neither
 * the plugin a foreign slot uses nor, for a plugin mismatch, anything at
 * all); create it when missing; START_REPLICATION; then read CopyData
 * messages without blocking ('w' XLogData and 'k' keepalives) and send
 * standby status updates ('r').
 *
 * Every failure is logged here, at its site, with a hint where one helps;
 * callers get a status and decide whether to retry.  Nothing here exits.
 *
 * IDENTIFICATION
 *	  relay/stream.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include <sys/time.h>

#include "common/logging.h"
#include "port/pg_bswap.h"
#include "pqexpbuffer.h"

#include "stream.h"

#define STREAM_PLUGIN_NAME		"walcast"
/* Seconds between the Unix epoch and PostgreSQL's (2000-01-01). */
#define POSTGRES_EPOCH_UNIX_SECS	INT64CONST(946684800)

void
stream_init(ReplicationStream *rs)
{
	memset(rs, 0, sizeof(*rs));
}

/* Microseconds since PostgreSQL's epoch, as the protocol's timestamps. */
int64
stream_now_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return ((int64) tv.tv_sec - POSTGRES_EPOCH_UNIX_SECS) * 1000000 +
		tv.tv_usec;
}

/* The connection keywords for libpq, ending with replication=database. */
static void
build_params(const RelayConfig *cfg, const char **keys, const char **vals)
{
	int			i;
	int			n = 0;

	for (i = 0; i < cfg->conn.count; i++)
	{
		if (strcmp(cfg->conn.items[i].name, "replication") == 0)
			continue;
		keys[n] = cfg->conn.items[i].name;
		vals[n++] = cfg->conn.items[i].value;
	}
	keys[n] = "replication";
	vals[n++] = "database";
	keys[n] = "fallback_application_name";
	vals[n++] = cfg->app_name ? cfg->app_name : "walcast-relay";
	keys[n] = NULL;
	vals[n] = NULL;
}

/*
 * The connection keywords as a string for log lines, with the password
 * masked.  The result is palloc'd; the caller frees it.
 */
char *
stream_masked_conninfo(const RelayConfig *cfg)
{
	PQExpBufferData buf;
	int			i;
	char	   *s;

	initPQExpBuffer(&buf);
	for (i = 0; i < cfg->conn.count; i++)
	{
		const NameValue *nv = &cfg->conn.items[i];
		bool		secret = strcmp(nv->name, "password") == 0 ||
			strcmp(nv->name, "sslpassword") == 0;

		appendPQExpBuffer(&buf, "%s%s=%s", buf.len ? " " : "", nv->name,
						  secret ? "********" : (nv->value ? nv->value : ""));
	}
	s = pg_strdup(buf.len ? buf.data : "(libpq defaults)");
	termPQExpBuffer(&buf);
	return s;
}

/* A hint for a failed connection attempt, from libpq's message. */
static void
hint_connection_failure(const char *msg)
{
	if (strstr(msg, "authentication failed") || strstr(msg, "password"))
		pg_log_error_hint("Check the user name and password (database.user and database.password, or the -d connection string) and pg_hba.conf.");
	else if (strstr(msg, "pg_hba.conf"))
		pg_log_error_hint("Allow this user to connect to this database in pg_hba.conf.");
	else if (strstr(msg, "replication"))
		pg_log_error_hint("The user needs the REPLICATION attribute: ALTER ROLE ... REPLICATION.");
	else
		pg_log_error_hint("Check that the server is running and accepts connections at the configured host and port (database.hostname and database.port, or the -d connection string).");
}

/* Run IDENTIFY_SYSTEM; remember the database name. */
static StreamOpenStatus
identify_system(ReplicationStream *rs)
{
	PGresult   *res = PQexec(rs->conn, "IDENTIFY_SYSTEM");

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		pg_log_error("could not send replication command \"%s\": %s",
					 "IDENTIFY_SYSTEM", PQerrorMessage(rs->conn));
		PQclear(res);
		return STREAM_OPEN_RETRY;
	}
	if (PQntuples(res) != 1 || PQnfields(res) < 4 || PQgetisnull(res, 0, 3))
	{
		pg_log_error("could not establish database-specific replication connection");
		PQclear(res);
		return STREAM_OPEN_FATAL;
	}
	pg_free(rs->dbname);
	rs->dbname = pg_strdup(PQgetvalue(res, 0, 3));
	PQclear(res);
	return STREAM_OPEN_OK;
}

/* Logical decoding needs wal_level = logical: say so before anything else. */
static StreamOpenStatus
check_wal_level(ReplicationStream *rs)
{
	PGresult   *res = PQexec(rs->conn, "SHOW wal_level");
	StreamOpenStatus st = STREAM_OPEN_OK;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
	{
		pg_log_error("could not read \"wal_level\": %s",
					 PQerrorMessage(rs->conn));
		st = STREAM_OPEN_RETRY;
	}
	else if (strcmp(PQgetvalue(res, 0, 0), "logical") != 0)
	{
		pg_log_error("logical decoding requires \"wal_level\" = \"logical\"");
		pg_log_error_detail("The server runs with \"wal_level\" = \"%s\".",
							PQgetvalue(res, 0, 0));
		pg_log_error_hint("Set wal_level = logical in postgresql.conf and restart the server.");
		st = STREAM_OPEN_FATAL;
	}
	PQclear(res);
	return st;
}

/*
 * Connect, identify the system and check wal_level.  On failure the
 * connection is closed.
 */
StreamOpenStatus
stream_connect(ReplicationStream *rs, const RelayConfig *cfg)
{
	const char *keys[64];
	const char *vals[64];
	StreamOpenStatus st;

	stream_close(rs);
	if (cfg->conn.count > lengthof(keys) - 3)
	{
		pg_log_error("too many connection parameters");
		return STREAM_OPEN_FATAL;
	}
	build_params(cfg, keys, vals);
	rs->conn = PQconnectdbParams(keys, vals, 0);
	if (PQstatus(rs->conn) != CONNECTION_OK)
	{
		char	   *info = stream_masked_conninfo(cfg);

		pg_log_error("could not connect to the server (%s): %s", info,
					 PQerrorMessage(rs->conn));
		hint_connection_failure(PQerrorMessage(rs->conn));
		pg_free(info);
		stream_close(rs);
		return STREAM_OPEN_RETRY;
	}
	st = identify_system(rs);
	if (st == STREAM_OPEN_OK)
		st = check_wal_level(rs);
	if (st != STREAM_OPEN_OK)
		stream_close(rs);
	return st;
}

/* The server message of a failed result, without severity prefix. */
static const char *
primary_message(PGconn *conn, PGresult *res)
{
	const char *m = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	return m ? m : PQerrorMessage(conn);
}

/* Log a failure of a slot command, with the allow-list hint if it applies. */
static void
report_slot_error(ReplicationStream *rs, PGresult *res, const char *what,
				  const char *slot)
{
	const char *msg = primary_message(rs->conn, res);

	pg_log_error("could not %s replication slot \"%s\": %s", what, slot, msg);
	if (strstr(msg, "may not be used as an output plugin"))
		pg_log_error_hint("Add walcast to output_plugin_libraries in postgresql.conf and reload the server configuration.");
	else if (strstr(msg, "is active for PID"))
		pg_log_error_hint("Another client streams from this slot; stop it, or give this relay its own slot with -S (slot.name).");
	else if (strstr(msg, "wal_level"))
		pg_log_error_hint("Set wal_level = logical in postgresql.conf and restart the server.");
	else if (strstr(msg, "replication slots"))
		pg_log_error_hint("Raise max_replication_slots or max_wal_senders, or drop unused slots.");
}

static StreamOpenStatus
create_slot(ReplicationStream *rs, const char *slot)
{
	PQExpBufferData cmd;
	PGresult   *res;

	initPQExpBuffer(&cmd);
	appendPQExpBuffer(&cmd,
					  "CREATE_REPLICATION_SLOT \"%s\" LOGICAL \"%s\" NOEXPORT_SNAPSHOT",
					  slot, STREAM_PLUGIN_NAME);
	res = PQexec(rs->conn, cmd.data);
	termPQExpBuffer(&cmd);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		report_slot_error(rs, res, "create", slot);
		PQclear(res);
		return STREAM_OPEN_FATAL;
	}
	pg_log_info("created replication slot \"%s\" with plugin \"%s\" at %s",
				slot, STREAM_PLUGIN_NAME, PQgetvalue(res, 0, 1));
	PQclear(res);
	return STREAM_OPEN_OK;
}

/*
 * Check an existing slot: logical, created with walcast, in this database,
 * and not in use.  A slot busy on reconnection is worth a retry (the old
 * walsender may not have noticed our disconnection yet).
 */
static StreamOpenStatus
check_slot_row(ReplicationStream *rs, PGresult *res, const char *slot,
			   bool startup)
{
	const char *plugin = PQgetvalue(res, 0, 0);

	if (strcmp(PQgetvalue(res, 0, 2), "logical") != 0 ||
		strcmp(plugin, STREAM_PLUGIN_NAME) != 0)
	{
		pg_log_error("replication slot \"%s\" was created with output plugin \"%s\", not \"%s\"",
					 slot, PQgetisnull(res, 0, 0) ? "(physical)" : plugin,
					 STREAM_PLUGIN_NAME);
		pg_log_error_hint("Use another slot name with -S (slot.name), or drop this slot with pg_drop_replication_slot('%s') if nothing else needs it.", slot);
		return STREAM_OPEN_FATAL;
	}
	if (strcmp(PQgetvalue(res, 0, 3), rs->dbname) != 0)
	{
		pg_log_error("replication slot \"%s\" belongs to database \"%s\", not \"%s\"",
					 slot, PQgetvalue(res, 0, 3), rs->dbname);
		return STREAM_OPEN_FATAL;
	}
	if (!PQgetisnull(res, 0, 1))
	{
		pg_log_error("replication slot \"%s\" is active for PID %s", slot,
					 PQgetvalue(res, 0, 1));
		pg_log_error_hint("Another client streams from this slot; stop it, or give this relay its own slot with -S (slot.name).");
		return startup ? STREAM_OPEN_FATAL : STREAM_OPEN_RETRY;
	}
	return STREAM_OPEN_OK;
}

/*
 * Make sure the slot exists and suits us.  At startup a missing slot is
 * created (and --create-slot without --if-not-exists insists on creating
 * it); on reconnection a missing slot is an error, since creating it again
 * would silently skip changes.
 */
StreamOpenStatus
stream_prepare_slot(ReplicationStream *rs, const RelayConfig *cfg,
					bool create, bool startup)
{
	PQExpBufferData q;
	PGresult   *res;
	StreamOpenStatus st;
	char	   *lit = PQescapeLiteral(rs->conn, cfg->slot, strlen(cfg->slot));

	initPQExpBuffer(&q);
	appendPQExpBuffer(&q, "SELECT plugin, active_pid, slot_type, database "
					  "FROM pg_catalog.pg_replication_slots WHERE slot_name = %s",
					  lit);
	PQfreemem(lit);
	res = PQexec(rs->conn, q.data);
	termPQExpBuffer(&q);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		pg_log_error("could not look up replication slot \"%s\": %s",
					 cfg->slot, PQerrorMessage(rs->conn));
		st = STREAM_OPEN_RETRY;
	}
	else if (PQntuples(res) == 1 && create && cfg->create_slot &&
			 !cfg->if_not_exists)
	{
		pg_log_error("replication slot \"%s\" already exists", cfg->slot);
		pg_log_error_hint("Add --if-not-exists to use it as it is.");
		st = STREAM_OPEN_FATAL;
	}
	else if (PQntuples(res) == 1)
		st = check_slot_row(rs, res, cfg->slot, startup);
	else if (create)
		st = create_slot(rs, cfg->slot);
	else
	{
		pg_log_error("replication slot \"%s\" does not exist", cfg->slot);
		pg_log_error_hint("It was dropped while the relay ran; changes since the relay's last confirmed position may be lost.");
		st = STREAM_OPEN_FATAL;
	}
	PQclear(res);
	return st;
}

/* Append s between quote characters, doubling the quote inside. */
static void
append_quoted(PQExpBuffer cmd, const char *s, char quote)
{
	appendPQExpBufferChar(cmd, quote);
	for (; *s; s++)
	{
		if (*s == quote)
			appendPQExpBufferChar(cmd, quote);
		appendPQExpBufferChar(cmd, *s);
	}
	appendPQExpBufferChar(cmd, quote);
}

/* Append one plugin option: "name" 'value', or "name" alone. */
static void
append_option(PQExpBuffer cmd, const NameValue *nv)
{
	append_quoted(cmd, nv->name, '"');
	if (nv->value == NULL)
		return;
	appendPQExpBufferChar(cmd, ' ');
	append_quoted(cmd, nv->value, '\'');
}

/* START_REPLICATION SLOT "s" LOGICAL X/X (options) and enter COPY BOTH. */
StreamOpenStatus
stream_start(ReplicationStream *rs, const RelayConfig *cfg,
			 XLogRecPtr startpos)
{
	PQExpBufferData cmd;
	PGresult   *res;
	int			i;

	initPQExpBuffer(&cmd);
	appendPQExpBuffer(&cmd, "START_REPLICATION SLOT \"%s\" LOGICAL %X/%X",
					  cfg->slot, LSN_FORMAT_ARGS(startpos));
	for (i = 0; i < cfg->plugin_options.count; i++)
	{
		appendPQExpBufferStr(&cmd, i == 0 ? " (" : ", ");
		append_option(&cmd, &cfg->plugin_options.items[i]);
	}
	if (cfg->plugin_options.count > 0)
		appendPQExpBufferChar(&cmd, ')');
	pg_log_debug("%s", cmd.data);
	res = PQexec(rs->conn, cmd.data);
	termPQExpBuffer(&cmd);
	if (PQresultStatus(res) != PGRES_COPY_BOTH)
	{
		report_slot_error(rs, res, "start streaming from", cfg->slot);
		PQclear(res);
		return PQstatus(rs->conn) == CONNECTION_OK ? STREAM_OPEN_FATAL :
			STREAM_OPEN_RETRY;
	}
	PQclear(res);
	rs->copying = true;
	rs->error_sqlstate[0] = '\0';
	return STREAM_OPEN_OK;
}

static uint64
read_uint64(const char *p)
{
	uint64		v;

	memcpy(&v, p, sizeof(v));
	return pg_ntoh64(v);
}

/* Parse a CopyData message of len bytes at buf into msg. */
static StreamReadStatus
parse_copy_message(const char *buf, int len, StreamMessage *msg)
{
	if (buf[0] == 'w' && len >= 25)
	{
		msg->data_start_lsn = read_uint64(buf + 1);	/* dataStart */
		msg->wal_end_lsn = read_uint64(buf + 9);	/* walEnd */
		/* buf + 17: sendTime */
		msg->reply_requested = false;
		msg->data = buf + 25;
		msg->len = len - 25;
		return STREAM_READ_DATA;
	}
	if (buf[0] == 'k' && len >= 18)
	{
		msg->data_start_lsn = InvalidXLogRecPtr;
		msg->wal_end_lsn = read_uint64(buf + 1);	/* walEnd */
		/* buf + 9: sendTime */
		msg->reply_requested = buf[17] != 0;	/* replyRequested */
		msg->data = NULL;
		msg->len = 0;
		return STREAM_READ_KEEPALIVE;
	}
	pg_log_error("unexpected replication message of type \"%c\" and %d bytes",
				 buf[0], len);
	return STREAM_READ_END;
}

/*
 * Read one message without blocking.  The message's data stays valid until
 * the next call (or stream_close).  STREAM_READ_END means the connection
 * can no longer be used (logged here).
 */
StreamReadStatus
stream_read(ReplicationStream *rs, StreamMessage *msg)
{
	int			r;

	if (rs->copybuf)
	{
		PQfreemem(rs->copybuf);
		rs->copybuf = NULL;
	}
	r = PQgetCopyData(rs->conn, &rs->copybuf, 1);
	if (r == 0)
		return STREAM_READ_WOULD_BLOCK;
	if (r > 0)
		return parse_copy_message(rs->copybuf, r, msg);
	if (r == -1)
	{
		PGresult   *res = PQgetResult(rs->conn);

		rs->copying = false;
		if (PQresultStatus(res) == PGRES_COMMAND_OK)
			pg_log_info("the server ended the replication stream");
		else
		{
			const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

			/* main decides by it whether reconnecting can help */
			strlcpy(rs->error_sqlstate, state ? state : "",
					sizeof(rs->error_sqlstate));
			pg_log_error("replication stream ended: %s",
						 PQerrorMessage(rs->conn));
		}
		PQclear(res);
		return STREAM_READ_END;
	}
	rs->copying = false;
	pg_log_error("could not read from the replication stream: %s",
				 PQerrorMessage(rs->conn));
	return STREAM_READ_END;
}

/* Read what the socket has; false when the connection is broken. */
bool
stream_consume(ReplicationStream *rs)
{
	if (PQconsumeInput(rs->conn) == 0)
	{
		pg_log_error("could not receive data from the replication stream: %s",
					 PQerrorMessage(rs->conn));
		return false;
	}
	return true;
}

/*
 * Send a standby status update: write = what was handed to Kafka, flush =
 * apply = what Kafka acknowledged (the only position that moves the slot).
 */
bool
stream_send_status(ReplicationStream *rs, XLogRecPtr write_lsn,
				   XLogRecPtr flush_lsn)
{
	char		buf[1 + 8 + 8 + 8 + 8 + 1];
	uint64		v;

	buf[0] = 'r';
	v = pg_hton64(write_lsn);
	memcpy(buf + 1, &v, 8);		/* write */
	v = pg_hton64(flush_lsn);
	memcpy(buf + 9, &v, 8);		/* flush */
	memcpy(buf + 17, &v, 8);	/* apply */
	v = pg_hton64((uint64) stream_now_us());
	memcpy(buf + 25, &v, 8);	/* sendTime */
	buf[33] = 0;				/* replyRequested */
	if (PQputCopyData(rs->conn, buf, sizeof(buf)) <= 0 ||
		PQflush(rs->conn) != 0)
	{
		pg_log_error("could not send feedback packet: %s",
					 PQerrorMessage(rs->conn));
		return false;
	}
	pg_log_debug("confirmed write %X/%X flush %X/%X",
				 LSN_FORMAT_ARGS(write_lsn), LSN_FORMAT_ARGS(flush_lsn));
	return true;
}

int
stream_socket(const ReplicationStream *rs)
{
	return rs->conn ? PQsocket(rs->conn) : -1;
}

/*
 * End COPY BOTH from our side, as pg_recvlogical does when it stops; the
 * caller closes the connection next, so the server's answer is not awaited.
 */
void
stream_end_copy(ReplicationStream *rs)
{
	if (rs->conn == NULL || !rs->copying)
		return;
	rs->copying = false;
	if (PQputCopyEnd(rs->conn, NULL) <= 0 || PQflush(rs->conn) != 0)
		pg_log_warning("could not end the replication stream: %s",
					   PQerrorMessage(rs->conn));
}

/* Release the connection; safe on a half-opened or closed stream. */
void
stream_close(ReplicationStream *rs)
{
	if (rs->copybuf)
		PQfreemem(rs->copybuf);
	rs->copybuf = NULL;
	if (rs->conn)
		PQfinish(rs->conn);
	rs->conn = NULL;
	rs->copying = false;
}
