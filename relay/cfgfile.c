/*-------------------------------------------------------------------------
 *
 * cfgfile.c
 *	  The configuration file's two forms: connector JSON and Java properties
 *
 * Part of the config module (relay/cfgfile.h is its private header).  Turns
 * a configuration file's text into keys and values and hands each to
 * config_apply_key(), which maps it to a setting.  The text is either the
 * Debezium PostgreSQL connector's JSON as posted to Kafka Connect
 * ({"name": ..., "config": {...}}, or the bare "config" object), parsed
 * with yajl, or the same keys as a Java properties file (comments, the
 * '=', ':' and blank separators, backslash escapes and continuation lines).
 * Reading the file and telling the two forms apart are config.c's, and so
 * is what each key means.
 *
 * Errors are logged at the failure site, naming the file (and the line
 * where known), and returned as false: this file never exits.
 *
 * IDENTIFICATION
 *	  relay/cfgfile.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include <ctype.h>

#include "common/logging.h"
#include "pqexpbuffer.h"
#include "yajl/yajl_parse.h"
#include "yajl/yajl_tree.h"

#include "cfgfile.h"

/* ---- properties files ---- */

/* Append the UTF-8 form of code point cp. */
static void
append_utf8(PQExpBuffer buf, unsigned int cp)
{
	if (cp < 0x80)
		appendPQExpBufferChar(buf, (char) cp);
	else if (cp < 0x800)
	{
		appendPQExpBufferChar(buf, (char) (0xC0 | (cp >> 6)));
		appendPQExpBufferChar(buf, (char) (0x80 | (cp & 0x3F)));
	}
	else
	{
		appendPQExpBufferChar(buf, (char) (0xE0 | (cp >> 12)));
		appendPQExpBufferChar(buf, (char) (0x80 | ((cp >> 6) & 0x3F)));
		appendPQExpBufferChar(buf, (char) (0x80 | (cp & 0x3F)));
	}
}

/*
 * Decode the escape at *p (just after a backslash) into buf, advancing *p.
 * Returns false for a malformed \uXXXX.
 */
static bool
read_escape(const char **p, const char *end, PQExpBuffer buf)
{
	char		c = **p;
	unsigned int cp = 0;
	int			i;

	(*p)++;
	switch (c)
	{
		case 't':
			appendPQExpBufferChar(buf, '\t');
			return true;
		case 'n':
			appendPQExpBufferChar(buf, '\n');
			return true;
		case 'r':
			appendPQExpBufferChar(buf, '\r');
			return true;
		case 'f':
			appendPQExpBufferChar(buf, '\f');
			return true;
		case 'u':
			for (i = 0; i < 4; i++, (*p)++)
			{
				if (*p >= end || !isxdigit((unsigned char) **p))
					return false;
				cp = cp * 16 + (isdigit((unsigned char) **p) ? **p - '0' :
								(tolower((unsigned char) **p) - 'a' + 10));
			}
			append_utf8(buf, cp);
			return true;
		default:
			appendPQExpBufferChar(buf, c);
			return true;
	}
}

/*
 * Join a logical line of a properties file (lines ending in an odd number
 * of backslashes continue) into buf, unescaped, noting where the key ends.
 * Returns false on a malformed escape.
 */
static bool
read_logical_line(const char **pos, const char *end, PQExpBuffer buf,
				  int *lineno, int *key_end)
{
	const char *p = *pos;
	bool		in_key = true;
	bool		sep_seen = false;

	resetPQExpBuffer(buf);
	*key_end = -1;
	while (p < end && *p != '\n')
	{
		char		c = *p;

		if (c == '\\' && p + 1 < end && p[1] == '\n')
		{
			/* continuation: skip the newline and the next line's indent */
			p += 2;
			(*lineno)++;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			continue;
		}
		if (c == '\\' && p + 1 < end)
		{
			p++;
			if (!read_escape(&p, end, buf))
				return false;
			continue;
		}
		if (in_key && (c == '=' || c == ':' || c == ' ' || c == '\t'))
		{
			/* the key ends; skip blanks, one separator, and blanks */
			*key_end = buf->len;
			in_key = false;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (p < end && (*p == '=' || *p == ':') && !sep_seen)
				p++;
			sep_seen = true;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			continue;
		}
		if (c != '\r')
			appendPQExpBufferChar(buf, c);
		p++;
	}
	if (*key_end < 0)
		*key_end = buf->len;
	*pos = (p < end) ? p + 1 : p;
	return true;
}

/*
 * Parse a Java properties file's text into cfg.  filename names the file in
 * messages.  Returns false after logging the first error.
 */
bool
cfgfile_parse_properties(RelayConfig *cfg, const char *text, size_t len,
						 const char *filename)
{
	const char *p = text;
	const char *end = text + len;
	PQExpBuffer buf = createPQExpBuffer();
	int			lineno = 0;
	bool		ok = true;

	while (ok && p < end)
	{
		int			first_line;
		int			key_end;
		char		where[MAXPGPATH + 32];
		char	   *key;

		lineno++;
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\f'))
			p++;
		if (p < end && (*p == '#' || *p == '!' || *p == '\n' || *p == '\r'))
		{
			while (p < end && *p++ != '\n');
			continue;
		}
		if (p >= end)
			break;
		first_line = lineno;
		snprintf(where, sizeof(where), "%s:%d", filename, first_line);
		if (!read_logical_line(&p, end, buf, &lineno, &key_end))
		{
			pg_log_error("invalid escape in configuration file \"%s\" line %d",
						 filename, first_line);
			ok = false;
			break;
		}
		while (buf->len > key_end && isspace((unsigned char) buf->data[buf->len - 1]))
			buf->data[--buf->len] = '\0';
		key = pnstrdup(buf->data, key_end);
		ok = config_apply_key(cfg, key, buf->data + key_end, where);
		pg_free(key);
	}
	destroyPQExpBuffer(buf);
	return ok;
}

/* ---- JSON files ---- */

/* Line number of byte offset off in text, counting from 1. */
static int
line_of_offset(const char *text, size_t len, size_t off)
{
	int			line = 1;
	size_t		i;

	for (i = 0; i < off && i < len; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

/* Report a JSON syntax error with its line (yajl_tree does not give one). */
static void
report_json_error(const char *text, size_t len, const char *filename,
				  const char *yajl_msg)
{
	yajl_handle h = yajl_alloc(NULL, NULL, NULL);
	size_t		off;

	if (yajl_parse(h, (const unsigned char *) text, len) == yajl_status_ok)
		off = len;				/* the document ended early */
	else
		off = yajl_get_bytes_consumed(h);
	yajl_free(h);
	pg_log_error("could not parse configuration file \"%s\" near line %d",
				 filename, line_of_offset(text, len, off));
	pg_log_error_detail("%s", yajl_msg);
}

/* Apply one member of the "config" object. */
static bool
apply_json_member(RelayConfig *cfg, const char *key, yajl_val v)
{
	if (YAJL_IS_STRING(v))
		return config_apply_key(cfg, key, YAJL_GET_STRING(v), key);
	if (YAJL_IS_NUMBER(v))
		return config_apply_key(cfg, key, YAJL_GET_NUMBER(v), key);
	if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
		return config_apply_key(cfg, key, YAJL_IS_TRUE(v) ? "true" : "false",
								key);
	if (YAJL_IS_NULL(v))
		return true;			/* as if absent: Kafka Connect does the same */
	pg_log_error("invalid value for configuration key \"%s\"", key);
	pg_log_error_detail("Expected a string, a number or a boolean.");
	return false;
}

/* Apply the "config" object (or the bare top-level object). */
static bool
apply_json_config(RelayConfig *cfg, yajl_val obj)
{
	size_t		i;

	for (i = 0; i < YAJL_GET_OBJECT(obj)->len; i++)
		if (!apply_json_member(cfg, YAJL_GET_OBJECT(obj)->keys[i],
							   YAJL_GET_OBJECT(obj)->values[i]))
			return false;
	return true;
}

/*
 * A connector JSON: {"name": ..., "config": {...}} as posted to Kafka
 * Connect, or the bare config object.
 */
static bool
apply_json_document(RelayConfig *cfg, yajl_val root, const char *filename)
{
	const char *name_path[] = {"name", NULL};
	const char *config_path[] = {"config", NULL};
	yajl_val	config = yajl_tree_get(root, config_path, yajl_t_any);
	yajl_val	name = yajl_tree_get(root, name_path, yajl_t_string);
	size_t		i;

	if (!YAJL_IS_OBJECT(root))
	{
		pg_log_error("invalid configuration file \"%s\"", filename);
		pg_log_error_detail("The file must hold a JSON object.");
		return false;
	}
	if (config == NULL)
		return apply_json_config(cfg, root);
	if (!YAJL_IS_OBJECT(config))
	{
		pg_log_error("invalid value for configuration key \"config\"");
		pg_log_error_detail("Expected an object of connector properties.");
		return false;
	}
	if (name && !config_apply_key(cfg, "name", YAJL_GET_STRING(name), "name"))
		return false;
	for (i = 0; i < YAJL_GET_OBJECT(root)->len; i++)
	{
		const char *k = YAJL_GET_OBJECT(root)->keys[i];

		if (strcmp(k, "name") != 0 && strcmp(k, "config") != 0)
			pg_log_warning("configuration key \"%s\" is not supported by walcast-relay and is ignored", k);
	}
	return apply_json_config(cfg, config);
}

/*
 * Parse a connector JSON's text into cfg.  filename names the file in
 * messages.  Returns false after logging the first error.
 */
bool
cfgfile_parse_json(RelayConfig *cfg, const char *text, size_t len,
				   const char *filename)
{
	char		errbuf[1024];
	char	   *copy = pnstrdup(text, len);
	yajl_val	root = yajl_tree_parse(copy, errbuf, sizeof(errbuf));
	bool		ok;

	if (root == NULL)
	{
		report_json_error(text, len, filename, errbuf);
		pg_free(copy);
		return false;
	}
	ok = apply_json_document(cfg, root, filename);
	yajl_tree_free(root);
	pg_free(copy);
	return ok;
}
