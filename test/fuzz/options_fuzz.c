/*-------------------------------------------------------------------------
 *
 * options_fuzz.c
 *	  Random option lists through the SQL decoding functions, against a
 *	  running server with the walcast plugin
 *
 *	  options_fuzz -d CONNINFO -n NAMES_FILE -t SECONDS [-s SEED] [-o DIR]
 *				   [--isolate-errors]
 *
 * The plugin's option parser (decoder/options.c) is backend code: it
 * allocates with palloc, reports with ereport and compiles regular
 * expressions with the backend's engine, so it is fuzzed where it runs.  Each
 * call is pg_logical_slot_peek_changes (or its binary twin) on a slot with a
 * few changes of many types, with 0 to 7 options drawn from the real option
 * names (NAMES_FILE: "name<TAB>KIND" lines, made from options.c by
 * test/fuzz/run), mutated names, NULL values, and values made for each kind:
 * booleans, enumeration words, integer bounds, strings, regular expression
 * lists built from fragments, skipped.operations lists, and random text.
 * Between calls, in the same session, ALTER TABLE and ANALYZE invalidate
 * the relation cache (a plugin's static state must survive a failed call).
 * --isolate-errors leaves those out and opens a new session after every
 * failed call, to look past a crash that a failed call causes later in its
 * session.
 *
 * A call may succeed or fail with an ERROR; what is a finding:
 *	- the connection is lost (the backend crashed; the postmaster restarts
 *	  every backend), checked with pg_postmaster_start_time();
 *	- an internal error (SQLSTATE class XX) or a WARNING (an assertion-
 *	  enabled server warns of leaked references, snapshots, memory);
 * Each finding (each distinct message, each crash) writes DIR/finding-N.sql:
 * the session's statements up to it, runnable with psql; the driver goes on
 * after a crash once the server accepts connections again (at most 3).  Exit status: 0 when
 * nothing was found, 1 when something was, 2 on a usage or setup error.
 *
 * IDENTIFICATION
 *	  test/fuzz/options_fuzz.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libpq-fe.h"

#define SLOT "walcast_fuzz"
#define MAX_OPTS 7
#define MAX_NAMES 128
#define MAX_LOG 200
#define MAX_CRASHES 3

typedef struct OptName
{
	char	   *name;
	char	   *kind;			/* BOOL, ENUM, INT, STRING, REGEX_LIST, ... */
} OptName;

static OptName names[MAX_NAMES];
static int	nnames;
static char *words[256];		/* every quoted word of options.c */
static int	nwords;

static char *session_log[MAX_LOG];
static int	nlog;
static char *outdir = ".";
static int	nfindings;
static char *pending_warning;	/* set by the notice receiver */
static unsigned long long rng_state;

static unsigned
rnd(unsigned n)
{
	/* xorshift64*: reproducible from the seed, no libc state */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (unsigned) ((rng_state * 2685821657736338717ULL) >> 33) % n;
}

static const char *
pick(const char *const *list, int n)
{
	return list[rnd(n)];
}

#define PICK(arr) pick(arr, (int) (sizeof(arr) / sizeof(arr[0])))

static char *
xstrdup(const char *s)
{
	char	   *d = strdup(s);

	if (d == NULL)
		abort();
	return d;
}

/* A growable string. */
typedef struct Buf
{
	char	   *data;
	size_t		len;
	size_t		cap;
} Buf;

static void
buf_add(Buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap)
	{
		b->cap = (b->len + n + 1) * 2;
		b->data = realloc(b->data, b->cap);
		if (b->data == NULL)
			abort();
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
buf_str(Buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void
log_stmt(const char *sql)
{
	if (nlog == MAX_LOG)
	{
		free(session_log[0]);
		memmove(session_log, session_log + 1, (MAX_LOG - 1) * sizeof(char *));
		nlog--;
	}
	session_log[nlog++] = xstrdup(sql);
}

static void
log_clear(void)
{
	for (int i = 0; i < nlog; i++)
		free(session_log[i]);
	nlog = 0;
}

/* How often each kind of ERROR came back (its message up to the first '"'). */
#define MAX_KINDS 64
static char *err_kind[MAX_KINDS];
static long err_count[MAX_KINDS];
static int	nkinds;

static void
count_error(const char *msg)
{
	char		kind[80];
	int			i;

	snprintf(kind, sizeof(kind), "%s", msg ? msg : "(no message)");
	kind[strcspn(kind, "\":")] = '\0';
	for (i = 0; i < nkinds; i++)
		if (strcmp(err_kind[i], kind) == 0)
			break;
	if (i == nkinds)
	{
		if (nkinds == MAX_KINDS)
			return;
		err_kind[nkinds++] = xstrdup(kind);
	}
	err_count[i]++;
}

static char *seen[64];			/* distinct finding messages so far */
static int	nseen;
static long repeats;

static void
write_finding(const char *what)
{
	char		path[1024];
	FILE	   *f;

	/* one reproducer per distinct message; crashes always get one */
	if (strncmp(what, "connection lost", 15) != 0)
	{
		for (int i = 0; i < nseen; i++)
			if (strcmp(seen[i], what) == 0)
			{
				repeats++;
				return;
			}
		if (nseen < 64)
			seen[nseen++] = xstrdup(what);
	}

	snprintf(path, sizeof(path), "%s/finding-%d.sql", outdir, ++nfindings);
	f = fopen(path, "w");
	if (f == NULL)
	{
		perror(path);
		exit(2);
	}
	fprintf(f, "-- options_fuzz finding %d: %s\n", nfindings, what);
	fprintf(f, "-- the statements of the session, in order (run with psql)\n");
	for (int i = 0; i < nlog; i++)
		fprintf(f, "%s;\n", session_log[i]);
	fclose(f);
	printf("FINDING %d: %s\n  reproducer: %s\n", nfindings, what, path);
	fflush(stdout);
}

static void
notice_receiver(void *arg, const PGresult *res)
{
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);

	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	/*
	 * Only internal warnings (elog, SQLSTATE class XX): the ones an
	 * assertion-enabled server gives for leaked references, snapshots or
	 * memory.  The plugin's own warnings carry their own SQLSTATE.
	 */
	if (sev && strcmp(sev, "WARNING") == 0 && state &&
		strncmp(state, "XX", 2) == 0 && pending_warning == NULL)
		pending_warning = xstrdup(PQresultErrorMessage(res));
}

/* ---- values ---- */

static void
random_text(Buf *b, int maxlen)
{
	static const char *const pieces[] = {
		"a", "Z", "0", "9", ".", "_", "-", " ", ",", "\\", "'", "\"", "*",
		"(", ")", "[", "]", "{", "}", "|", "?", "+", "^", "$", "%s", "%n",
		"\t", "\n", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "public",
		"fz", "t", "id", "none", "true", "-1", "0x", "\xef\xbb\xbf",
	};
	int			n = rnd(maxlen + 1);

	for (int i = 0; i < n; i++)
		buf_str(b, PICK(pieces));
}

static void
regex_value(Buf *b)
{
	static const char *const frag[] = {
		"public", "fz", "fz2", "public.fz", "public\\.fz", "public.fz.t",
		"public.fz.id", ".*", ".", "*", "+", "?", "(", ")", "(?:", "(?=",
		"(?!", "[", "]", "[^a]", "[[:alpha:]]", "[[:nonsense:]]", "[a-",
		"{2}", "{2,1}", "{1000}", "{0,255}", "{256}", "\\", "\\d", "\\w+",
		"\\1", "\\m", "\\y", "\\Z", "\\x41", "\\u00e9", "|", "^", "$",
		"(a*)*", "(a|aa)+", "((((((((((a))))))))))", "***=", "***:",
		"(?i)", "(?x)", "(?b)", "é", "\xe2\x82\xac", " ", ",", ",,", "t_",
		"[[.space.]]", "[[=a=]]", "x{1,}y", "(?<=a)",
	};
	int			n = 1 + rnd(8);

	for (int i = 0; i < n; i++)
		buf_str(b, PICK(frag));
	/* now and then a pathological one, to see the cost stays bounded */
	if (rnd(50) == 0)
		for (int i = 0; i < 30; i++)
			buf_str(b, "(a?)");
}

/* Fills b with a value for an option of kind; false for a NULL value. */
static bool
make_value(const char *kind, Buf *b)
{
	static const char *const bools[] = {
		"true", "false", "on", "off", "1", "0", "yes", "no", "t", "f", "TRUE",
		"Off", "", "tru", "2", " yes", "yes ", "o", "n",
	};
	static const char *const ints[] = {
		"-1", "0", "1", "2", "17", "18", "19", "2147483647", "2147483648",
		"-2147483649", "9223372036854775807", "9223372036854775808", "1e3",
		" 5", "5 ", "0x10", "", "+3", "-0", "67108864", "67108865", "262144",
		"007",
	};
	static const char *const ops[] = {
		"c", "u", "d", "t", "none", "", ",", " c , d ", "c,u,d,t", "x",
		"none,c", "C", ",,", " ", "c,,t",
	};

	/*
	 * The SQL functions refuse a NULL value ("array must not contain
	 * nulls"), so only a few calls check that; a valueless option comes only
	 * through START_REPLICATION, which this driver does not speak.
	 */
	if (rnd(200) == 0)
		return false;
	if (rnd(10) == 0)
	{
		random_text(b, 40);
		return true;
	}
	if (strcmp(kind, "BOOL") == 0)
		buf_str(b, PICK(bools));
	else if (strcmp(kind, "INT") == 0)
	{
		if (rnd(3) == 0)
		{
			char		num[32];

			snprintf(num, sizeof(num), "%d", (int) rnd(100000) - 10);
			buf_str(b, num);
		}
		else
			buf_str(b, PICK(ints));
	}
	else if (strcmp(kind, "ENUM") == 0 && nwords > 0)
	{
		const char *w = words[rnd(nwords)];

		if (rnd(4) == 0)
			for (const char *p = w; *p; p++)
			{
				char		c = *p;

				if (rnd(2) && c >= 'a' && c <= 'z')
					c -= 32;
				buf_add(b, &c, 1);
			}
		else
			buf_str(b, w);
	}
	else if (strcmp(kind, "REGEX_LIST") == 0)
	{
		int			n = 1 + rnd(4);

		for (int i = 0; i < n; i++)
		{
			if (i > 0)
				buf_str(b, rnd(3) ? "," : " , ");
			regex_value(b);
		}
	}
	else if (strcmp(kind, "SKIPPED_OPS") == 0)
	{
		int			n = 1 + rnd(4);

		for (int i = 0; i < n; i++)
		{
			if (i > 0)
				buf_str(b, ",");
			buf_str(b, PICK(ops));
		}
	}
	else
	{
		/* STRING and any kind added later */
		if (rnd(20) == 0)
			for (int i = 0; i < 300; i++)
				buf_str(b, "p");
		else if (rnd(2))
			buf_str(b, nwords ? words[rnd(nwords)] : "x");
		else
			random_text(b, 20);
	}
	return true;
}

static void
make_name(Buf *b, int *kind_index)
{
	int			i = rnd(nnames);

	*kind_index = i;
	switch (rnd(12))
	{
		case 0:
			random_text(b, 12);
			*kind_index = -1;
			break;
		case 1:
			/* a real name, upper-cased or with a suffix */
			for (const char *p = names[i].name; *p; p++)
			{
				char		c = *p;

				if (c >= 'a' && c <= 'z')
					c -= 32;
				buf_add(b, &c, 1);
			}
			break;
		case 2:
			buf_str(b, names[i].name);
			buf_str(b, rnd(2) ? " " : "x");
			break;
		default:
			buf_str(b, names[i].name);
	}
}

/* ---- the server ---- */

static PGconn *
connect_db(const char *conninfo)
{
	PGconn	   *conn = PQconnectdb(conninfo);

	if (PQstatus(conn) != CONNECTION_OK)
	{
		PQfinish(conn);
		return NULL;
	}
	PQsetNoticeReceiver(conn, notice_receiver, NULL);
	log_clear();
	return conn;
}

static char *
start_time(PGconn *conn)
{
	PGresult   *res = PQexec(conn, "SELECT pg_postmaster_start_time()");
	char	   *t = NULL;

	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		t = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return t;
}

static bool
exec_ok(PGconn *conn, const char *sql)
{
	PGresult   *res = PQexec(conn, sql);
	bool		ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
		PQresultStatus(res) == PGRES_TUPLES_OK;

	if (!ok)
		fprintf(stderr, "options_fuzz: %s: %s", sql, PQerrorMessage(conn));
	PQclear(res);
	return ok;
}

static const char *const setup_sql[] = {
	"SET client_min_messages = warning",
	"DROP TABLE IF EXISTS fz, fz2",
	"SELECT pg_drop_replication_slot('" SLOT "') FROM pg_replication_slots "
	"WHERE slot_name = '" SLOT "'",
	"CREATE TABLE fz (id int PRIMARY KEY, t text, n numeric(10,2), "
	"b bytea, ts timestamptz, d date, tm time, iv interval, a int[], "
	"j jsonb, m money, u uuid, bits bit varying, r int4range, f float8)",
	"CREATE TABLE fz2 (x int, y text)",
	"SELECT pg_create_logical_replication_slot('" SLOT "', 'walcast')",
	"INSERT INTO fz VALUES (1, 'one', 1.5, '\\x00ff', now(), "
	"'2024-02-29', '12:34:56.789', '1 year 2 mons 3 days 04:05:06.7', "
	"'{1,NULL,3}', '{\"k\": [1, null]}', 12.34, "
	"'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', B'101', '[1,5)', 'NaN'), "
	"(2, repeat('x', 3000), -99999999.99, NULL, 'infinity', "
	"'-infinity', '00:00', '-1 day', '{}', 'null', -0.01, NULL, B'', "
	"'empty', '-Infinity')",
	"UPDATE fz SET t = 'uno', id = 3 WHERE id = 1",
	"UPDATE fz SET n = 2 WHERE id = 2",
	"DELETE FROM fz WHERE id = 2",
	"INSERT INTO fz2 VALUES (1, 'a'), (NULL, NULL)",
	"UPDATE fz2 SET y = 'b'",
	"DELETE FROM fz2 WHERE x = 1",
	"TRUNCATE fz2",
	"SELECT pg_logical_emit_message(true, 'pfx', 'hello')",
	"SELECT pg_logical_emit_message(false, 'other', '\\xdeadbeef'::bytea)",
	"BEGIN; INSERT INTO fz (id) VALUES (10); ROLLBACK",
};

static void
load_names(const char *path)
{
	FILE	   *f = fopen(path, "r");
	char		line[512];

	if (f == NULL)
	{
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f))
	{
		char	   *tab = strchr(line, '\t');

		line[strcspn(line, "\n")] = '\0';
		if (tab == NULL)
			continue;
		*tab = '\0';
		if (strcmp(line, "WORD") == 0)
		{
			if (nwords < 256)
				words[nwords++] = xstrdup(tab + 1);
		}
		else if (nnames < MAX_NAMES)
		{
			names[nnames].name = xstrdup(line);
			names[nnames].kind = xstrdup(tab + 1);
			nnames++;
		}
	}
	fclose(f);
	if (nnames == 0)
	{
		fprintf(stderr, "options_fuzz: no option names in %s\n", path);
		exit(2);
	}
}

/* Build one peek call with random options into sql (literals inline). */
static void
make_call(PGconn *conn, Buf *sql)
{
	int			nopts = rnd(MAX_OPTS + 1);
	bool		binary = rnd(3) == 0;
	bool		odd = rnd(40) == 0;

	buf_str(sql, binary ?
			"SELECT count(*), sum(length(data)) FROM pg_logical_slot_peek_binary_changes('" :
			"SELECT count(*), sum(length(data)) FROM pg_logical_slot_peek_changes('");
	buf_str(sql, SLOT "', NULL, NULL");
	/* relay format wants binary output: make that combination common */
	if (binary && rnd(2))
	{
		buf_str(sql, ", 'output.format', 'relay'");
		nopts = nopts > 0 ? nopts - 1 : 0;
	}
	for (int i = 0; i < nopts; i++)
	{
		Buf			name = {0};
		Buf			value = {0};
		int			ki;
		bool		has_value;
		char	   *lit;

		make_name(&name, &ki);
		has_value = make_value(ki >= 0 ? names[ki].kind : "STRING", &value);
		lit = PQescapeLiteral(conn, name.data ? name.data : "", name.len);
		buf_str(sql, ", ");
		buf_str(sql, lit ? lit : "''");
		PQfreemem(lit);
		if (odd && i == nopts - 1)
		{
			free(name.data);
			free(value.data);
			break;
		}
		if (has_value)
		{
			lit = PQescapeLiteral(conn, value.data ? value.data : "", value.len);
			buf_str(sql, ", ");
			buf_str(sql, lit ? lit : "''");
			PQfreemem(lit);
		}
		else
			buf_str(sql, ", NULL");
		free(name.data);
		free(value.data);
	}
	buf_str(sql, ")");
}

static const char *const ddl_sql[] = {
	"ALTER TABLE fz ALTER COLUMN t SET STATISTICS 100",
	"ALTER TABLE fz ALTER COLUMN t SET STATISTICS -1",
	"ANALYZE fz",
	"ALTER TABLE fz2 REPLICA IDENTITY FULL",
	"ALTER TABLE fz2 REPLICA IDENTITY DEFAULT",
	"VACUUM fz2",
};

int
main(int argc, char **argv)
{
	const char *conninfo = NULL;
	const char *names_file = NULL;
	int			seconds = 60;
	unsigned long long seed = (unsigned long long) time(NULL);
	bool		isolate = false;
	PGconn	   *conn;
	char	   *started;
	time_t		deadline;
	long		calls = 0,
				ok = 0,
				errors = 0,
				crashes = 0;
	int			in_session = 0;

	for (int i = 1; i < argc; i++)
	{
		if (strcmp(argv[i], "-d") == 0 && i + 1 < argc)
			conninfo = argv[++i];
		else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			names_file = argv[++i];
		else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			seconds = atoi(argv[++i]);
		else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			outdir = argv[++i];
		else if (strcmp(argv[i], "--isolate-errors") == 0)
			isolate = true;
		else
		{
			fprintf(stderr, "usage: options_fuzz -d CONNINFO -n NAMES_FILE "
					"[-t SECONDS] [-s SEED] [-o DIR] [--isolate-errors]\n");
			return 2;
		}
	}
	if (conninfo == NULL || names_file == NULL)
	{
		fprintf(stderr, "options_fuzz: -d and -n are required\n");
		return 2;
	}
	load_names(names_file);
	rng_state = seed ? seed : 1;
	printf("options_fuzz: seed %llu, %d option names, %d words, %d s\n",
		   seed, nnames, nwords, seconds);

	conn = connect_db(conninfo);
	if (conn == NULL)
	{
		fprintf(stderr, "options_fuzz: cannot connect to \"%s\"\n", conninfo);
		return 2;
	}
	for (size_t i = 0; i < sizeof(setup_sql) / sizeof(setup_sql[0]); i++)
		if (!exec_ok(conn, setup_sql[i]))
			return 2;
	started = start_time(conn);
	deadline = time(NULL) + seconds;

	while (time(NULL) < deadline)
	{
		Buf			sql = {0};
		PGresult   *res;

		if (conn == NULL || in_session >= 40 + (int) rnd(40))
		{
			if (conn)
				PQfinish(conn);
			conn = connect_db(conninfo);
			if (conn == NULL)
			{
				fprintf(stderr, "options_fuzz: cannot reconnect\n");
				return 2;
			}
			in_session = 0;
		}
		in_session++;
		if (!isolate && rnd(8) == 0)
			buf_str(&sql, PICK(ddl_sql));
		else
		{
			make_call(conn, &sql);
			calls++;
		}
		log_stmt(sql.data);
		res = PQexec(conn, sql.data);
		if (PQstatus(conn) == CONNECTION_BAD)
		{
			char	   *now = NULL;
			time_t		wait_until = time(NULL) + 60;

			PQclear(res);
			PQfinish(conn);
			conn = NULL;
			/* wait for the postmaster to restart the backends */
			while (time(NULL) < wait_until && conn == NULL)
			{
				PGconn	   *c;

				sleep(1);
				c = PQconnectdb(conninfo);
				if (PQstatus(c) == CONNECTION_OK)
				{
					now = start_time(c);
					PQfinish(c);
					break;
				}
				PQfinish(c);
			}
			crashes++;
			write_finding(now == NULL ? "connection lost; the server did not come back" :
						  (started && strcmp(now, started) != 0) ?
						  "connection lost; the postmaster restarted" :
						  "connection lost; the backend crashed and the server reinitialized");
			free(now);
			if (crashes >= MAX_CRASHES)
				break;
			free(sql.data);
			continue;
		}
		if (PQresultStatus(res) == PGRES_TUPLES_OK ||
			PQresultStatus(res) == PGRES_COMMAND_OK)
			ok++;
		else
		{
			const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

			errors++;
			count_error(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
			if (isolate)
				in_session = 1000;	/* a new session for the next call */
			if (state && strncmp(state, "XX", 2) == 0)
			{
				char		what[512];

				snprintf(what, sizeof(what), "internal error %s: %s", state,
						 PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
				write_finding(what);
			}
		}
		if (pending_warning)
		{
			char		what[600];

			snprintf(what, sizeof(what), "WARNING: %.500s", pending_warning);
			what[strcspn(what, "\n")] = '\0';
			write_finding(what);
			free(pending_warning);
			pending_warning = NULL;
		}
		PQclear(res);
		free(sql.data);
	}
	if (conn)
		PQfinish(conn);
	printf("options_fuzz: %ld calls, %ld statements succeeded, %ld failed "
		   "with an ERROR, %ld crashes, %d findings (%ld repeats)\n",
		   calls, ok, errors, crashes, nfindings, repeats);
	for (int i = 0; i < nkinds; i++)
		printf("options_fuzz:   %7ld x ERROR: %s...\n", err_count[i], err_kind[i]);
	return nfindings > 0 ? 1 : 0;
}
