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

#include <poll.h>
#include <sys/time.h>

#include "common/logging.h"
#include "port/pg_bswap.h"
#include "pqexpbuffer.h"

#include "libwalcast/dbzvalue.h"
#include "stream.h"

#define STREAM_PLUGIN_NAME		"walcast"

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
	return (int64) tv.tv_sec * USECS_PER_SEC + tv.tv_usec - DBZ_PG_EPOCH_UNIX_US;
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

/*
 * The SQLSTATE of a failed connection attempt, or NULL when the server sent
 * none (it was not reached, or libpq itself gave up).  libpq keeps no
 * result for a connection failure, so the attempt runs with verbose errors
 * and the code is read from the message: "<SEVERITY>:  <SQLSTATE>: ...".
 * The code is the one part of the server's text that no translation
 * changes.  Returns a pointer into a static buffer.
 */
static const char *
connection_sqlstate(const char *msg)
{
	static char code[6];
	const char *p;

	for (p = strstr(msg, ":  "); p != NULL; p = strstr(p + 1, ":  "))
	{
		if (strspn(p + 3, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 5 &&
			p[8] == ':')
		{
			memcpy(code, p + 3, 5);
			code[5] = '\0';
			return code;
		}
	}
	return NULL;
}

/* A hint for a failed connection attempt, chosen by the server's SQLSTATE. */
static void
hint_connection_failure(PGconn *conn, const char *sqlstate)
{
	if (sqlstate == NULL && PQconnectionNeedsPassword(conn))
		pg_log_error_hint("Give the password in database.password or the -d connection string, or in a password file.");
	else if (sqlstate == NULL)
		pg_log_error_hint("Check that the server is running and accepts connections at the configured host and port (database.hostname and database.port, or the -d connection string).");
	else if (strcmp(sqlstate, "28P01") == 0)	/* invalid_password */
		pg_log_error_hint("Check the user name and password (database.user and database.password, or the -d connection string) and pg_hba.conf.");
	else if (strcmp(sqlstate, "28000") == 0)	/* invalid_authorization_specification */
		pg_log_error_hint("Check the user name, and allow this user to connect to this database in pg_hba.conf.");
	else if (strcmp(sqlstate, "42501") == 0)	/* insufficient_privilege */
		pg_log_error_hint("The user needs the REPLICATION attribute: ALTER ROLE ... REPLICATION.");
	else if (strcmp(sqlstate, "3D000") == 0)	/* invalid_catalog_name */
		pg_log_error_hint("Check the database name (database.dbname, or the -d connection string).");
	else if (strcmp(sqlstate, "53300") == 0)	/* too_many_connections */
		pg_log_error_hint("Raise max_wal_senders or max_connections, or stop unused replication clients.");
}

/*
 * Connect as PQconnectdbParams does, but with verbose errors while
 * connecting, so that a failure carries the server's SQLSTATE; normal
 * verbosity is restored once connected.  timeout_s > 0 (connect_timeout)
 * bounds each wait; when it expires, *timed_out is set and the connection
 * is left unfinished (CONNECTION_BAD).
 */
static PGconn *
connect_verbose(const char **keys, const char **vals, int timeout_s,
				bool *timed_out)
{
	PGconn	   *conn = PQconnectStartParams(keys, vals, 0);
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;

	*timed_out = false;
	if (conn == NULL || PQstatus(conn) == CONNECTION_BAD)
		return conn;
	PQsetErrorVerbosity(conn, PQERRORS_VERBOSE);
	while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED)
	{
		struct pollfd pfd;
		int			rc;

		pfd.fd = PQsocket(conn);
		pfd.events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT;
		pfd.revents = 0;
		rc = poll(&pfd, 1, timeout_s > 0 ? timeout_s * 1000 : -1);
		if (rc == 0)
		{
			*timed_out = true;
			break;
		}
		if (rc < 0 && errno != EINTR)
			break;
		st = PQconnectPoll(conn);
	}
	PQsetErrorVerbosity(conn, PQERRORS_DEFAULT);
	return conn;
}

/*
 * Remove the "LOCATION:  function, file:line" lines that verbose errors add
 * (the server's source location is noise to an operator); the SQLSTATE
 * stays in the message.
 */
static void
drop_location_lines(char *msg)
{
	char	   *p;

	while ((p = strstr(msg, "\nLOCATION:  ")) != NULL)
	{
		char	   *eol = strchr(p + 1, '\n');

		if (eol == NULL)
			*p = '\0';
		else
			memmove(p, eol, strlen(eol) + 1);
	}
}

/* libpq's connect_timeout of the configuration, in seconds (0: none). */
static int
connect_timeout_secs(const RelayConfig *cfg)
{
	const NameValue *nv = nv_find(&cfg->conn, "connect_timeout");
	int			secs;

	if (nv == NULL || nv->value == NULL)
		return 0;
	secs = atoi(nv->value);
	/* as libpq: a timeout of 1 s is taken as 2 s, to allow for rounding */
	return secs == 1 ? 2 : Max(secs, 0);
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
	bool		timed_out;

	stream_close(rs);
	if (cfg->conn.count > lengthof(keys) - 3)
	{
		pg_log_error("too many connection parameters");
		return STREAM_OPEN_FATAL;
	}
	build_params(cfg, keys, vals);
	rs->conn = connect_verbose(keys, vals, connect_timeout_secs(cfg),
							   &timed_out);
	if (rs->conn == NULL)
	{
		pg_log_error("could not connect to the server: out of memory");
		return STREAM_OPEN_RETRY;
	}
	if (PQstatus(rs->conn) != CONNECTION_OK || timed_out)
	{
		char	   *info = stream_masked_conninfo(cfg);
		char	   *msg = pg_strdup(timed_out ? "timeout expired" :
									PQerrorMessage(rs->conn));

		drop_location_lines(msg);
		pg_log_error("could not connect to the server (%s): %s", info, msg);
		hint_connection_failure(rs->conn, connection_sqlstate(msg));
		pg_free(msg);
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

/*
 * Log a failure of a slot command, with a hint chosen by the SQLSTATE (the
 * server's text may be in any language).  wal_level is checked before any
 * slot command runs, so it needs no hint here.
 */
static void
report_slot_error(ReplicationStream *rs, PGresult *res, const char *what,
				  const char *slot)
{
	const char *msg = primary_message(rs->conn, res);
	const char *sqlstate = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	pg_log_error("could not %s replication slot \"%s\": %s", what, slot, msg);
	if (sqlstate == NULL)
		return;
	/* insufficient_privilege: the plugin is not in the allow-list */
	if (strcmp(sqlstate, "42501") == 0)
		pg_log_error_hint("Add walcast to output_plugin_libraries in postgresql.conf and reload the server configuration.");
	/* object_in_use: "replication slot ... is active for PID ..." */
	else if (strcmp(sqlstate, "55006") == 0)
		pg_log_error_hint("Another client streams from this slot; stop it, or give this relay its own slot with -S (slot.name).");
	/* configuration_limit_exceeded: "all replication slots are in use" */
	else if (strcmp(sqlstate, "53400") == 0)
		pg_log_error_hint("Raise max_replication_slots, or drop unused slots.");
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

	if (lit == NULL)
	{
		pg_log_error("could not quote replication slot name \"%s\": %s",
					 cfg->slot, PQerrorMessage(rs->conn));
		return STREAM_OPEN_FATAL;
	}
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
 * reply_requested asks the server to answer with a keepalive at once (a
 * ping, as the walreceiver sends when the server has been silent).
 */
bool
stream_send_status(ReplicationStream *rs, XLogRecPtr write_lsn,
				   XLogRecPtr flush_lsn, bool reply_requested)
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
	buf[33] = reply_requested ? 1 : 0;	/* replyRequested */
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
 * Wait until the connection has input or deadline passes, and read it.
 * False, after a warning, on a timeout or a broken connection.
 */
static bool
wait_readable(ReplicationStream *rs, int64 deadline, int timeout_ms)
{
	int64		left = deadline - stream_now_us();
	struct pollfd pfd;

	if (left <= 0)
	{
		pg_log_warning("the server did not end the replication stream within %d ms",
					   timeout_ms);
		return false;
	}
	pfd.fd = PQsocket(rs->conn);
	pfd.events = POLLIN;
	pfd.revents = 0;
	if ((poll(&pfd, 1, (int) ((left + 999) / 1000)) < 0 && errno != EINTR) ||
		PQconsumeInput(rs->conn) == 0)
	{
		pg_log_warning("could not end the replication stream: %s",
					   PQerrorMessage(rs->conn));
		return false;
	}
	return true;
}

/*
 * End COPY BOTH from our side and wait, up to timeout_ms, for the server to
 * end it too, as pg_recvlogical does when it stops: the walsender handles
 * a client's messages in order, so once its CommandComplete arrives, the
 * status update sent before the CopyDone has been applied to the slot.
 * Data the server still sends meanwhile is dropped (it is not confirmed,
 * so the slot sends it again).  Returns false, after a warning, when the
 * server's answer did not come.
 */
bool
stream_end_copy(ReplicationStream *rs, int timeout_ms)
{
	int64		deadline = stream_now_us() + timeout_ms * INT64CONST(1000);
	PGresult   *res;
	bool		ok = true;
	int			r;

	if (rs->conn == NULL || !rs->copying)
		return true;
	rs->copying = false;
	if (PQputCopyEnd(rs->conn, NULL) <= 0 || PQflush(rs->conn) != 0)
	{
		pg_log_warning("could not end the replication stream: %s",
					   PQerrorMessage(rs->conn));
		return false;
	}
	for (;;)
	{
		char	   *buf = NULL;

		r = PQgetCopyData(rs->conn, &buf, 1);
		if (buf)
			PQfreemem(buf);
		if (r != 0)
			break;				/* -1: the server ended the copy; -2: error */
		if (!wait_readable(rs, deadline, timeout_ms))
			return false;
	}
	while (r == -1)
	{
		while (PQisBusy(rs->conn))
			if (!wait_readable(rs, deadline, timeout_ms))
				return false;
		if ((res = PQgetResult(rs->conn)) == NULL)
			break;
		ok = ok && PQresultStatus(res) == PGRES_COMMAND_OK;
		PQclear(res);
	}
	if (r != -1 || !ok)
	{
		pg_log_warning("unexpected termination of replication stream: %s",
					   PQerrorMessage(rs->conn));
		return false;
	}
	return true;
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
