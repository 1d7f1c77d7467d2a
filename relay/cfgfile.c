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
 * with yajl, or the same keys as a Java properties file, read as
 * java.util.Properties.load reads one (comments, the '=', ':' and blank
 * separators, backslash escapes and continuation lines).
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

/*
 * java.util.Properties.load, step by step: LineReader joins natural lines
 * into logical lines, load0 splits a logical line into key and value, and
 * loadConvert unescapes each.  Blanks are space, tab and form feed; lines
 * end in \n, \r or \r\n.  The one deviation: Java reads a properties
 * stream as ISO 8859-1, and the relay reads UTF-8 (bytes are kept as they
 * are), so a file that Java would mangle means what its author wrote.
 */

static inline bool
prop_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\f';
}

/* Skip the line terminator at p (\n, \r or \r\n), if any. */
static const char *
skip_terminator(const char *p, const char *end)
{
	if (p < end && *p == '\r')
	{
		p++;
		if (p < end && *p == '\n')
			p++;
	}
	else if (p < end && *p == '\n')
		p++;
	return p;
}

/*
 * Read the next logical line into buf, escapes kept: skip blank lines and
 * comment lines (first non-blank character '#' or '!'; a comment is never
 * continued); join a natural line that ends in an odd number of
 * backslashes with the next one, dropping that backslash, the terminator
 * and the next line's leading blanks (a backslash at the end of the file
 * is dropped).  *lineno counts natural lines; *first is set to the line
 * the logical line starts on.  Returns false at the end of the text.
 */
static bool
read_logical_line(const char **pos, const char *end, PQExpBuffer buf,
				  int *lineno, int *first)
{
	const char *p = *pos;

	resetPQExpBuffer(buf);
	for (;;)
	{
		if (p >= end)
		{
			*pos = p;
			return false;
		}
		(*lineno)++;
		while (p < end && prop_blank(*p))
			p++;
		if (p < end && *p != '#' && *p != '!' && *p != '\n' && *p != '\r')
			break;
		while (p < end && *p != '\n' && *p != '\r')
			p++;
		p = skip_terminator(p, end);
	}
	*first = *lineno;
	for (;;)
	{
		bool		backslash = false;

		for (; p < end && *p != '\n' && *p != '\r'; p++)
		{
			backslash = *p == '\\' ? !backslash : false;
			appendPQExpBufferChar(buf, *p);
		}
		if (!backslash)
			break;
		buf->data[--buf->len] = '\0';
		if (p >= end)
			break;
		p = skip_terminator(p, end);
		(*lineno)++;
		while (p < end && prop_blank(*p))
			p++;
	}
	*pos = skip_terminator(p, end);
	return true;
}

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
	else if (cp < 0x10000)
	{
		appendPQExpBufferChar(buf, (char) (0xE0 | (cp >> 12)));
		appendPQExpBufferChar(buf, (char) (0x80 | ((cp >> 6) & 0x3F)));
		appendPQExpBufferChar(buf, (char) (0x80 | (cp & 0x3F)));
	}
	else
	{
		appendPQExpBufferChar(buf, (char) (0xF0 | (cp >> 18)));
		appendPQExpBufferChar(buf, (char) (0x80 | ((cp >> 12) & 0x3F)));
		appendPQExpBufferChar(buf, (char) (0x80 | ((cp >> 6) & 0x3F)));
		appendPQExpBufferChar(buf, (char) (0x80 | (cp & 0x3F)));
	}
}

/* Read the four hex digits of a \uXXXX at *p; false if malformed. */
static bool
read_hex4(const char **p, const char *end, unsigned int *unit)
{
	int			i;

	*unit = 0;
	for (i = 0; i < 4; i++, (*p)++)
	{
		char		c = **p;

		if (*p >= end || !isxdigit((unsigned char) c))
			return false;
		*unit = *unit * 16 + (isdigit((unsigned char) c) ? c - '0' :
							  tolower((unsigned char) c) - 'a' + 10);
	}
	return true;
}

/*
 * Unescape len bytes at s into out, as loadConvert: \t \n \r \f, \uXXXX
 * (a UTF-16 unit; a surrogate pair makes one character), and a backslash
 * before any other character stands for that character.  Returns an error
 * detail for a malformed \uXXXX, a lone surrogate or \u0000, else NULL.
 */
static const char *
unescape(const char *s, size_t len, PQExpBuffer out)
{
	const char *p = s;
	const char *end = s + len;

	resetPQExpBuffer(out);
	while (p < end)
	{
		char		c = *p++;
		unsigned int cp;
		unsigned int low;

		if (c != '\\')
		{
			appendPQExpBufferChar(out, c);
			continue;
		}
		if (p >= end)
			break;				/* cannot happen: it would continue the line */
		c = *p++;
		switch (c)
		{
			case 't':
				appendPQExpBufferChar(out, '\t');
				break;
			case 'n':
				appendPQExpBufferChar(out, '\n');
				break;
			case 'r':
				appendPQExpBufferChar(out, '\r');
				break;
			case 'f':
				appendPQExpBufferChar(out, '\f');
				break;
			case 'u':
				if (!read_hex4(&p, end, &cp))
					return "A \\u escape needs four hexadecimal digits.";
				if (cp == 0)
					return "A value cannot contain \\u0000.";
				if (cp >= 0xDC00 && cp <= 0xDFFF)
					return "A low surrogate \\uDC00 to \\uDFFF must follow a high surrogate.";
				if (cp >= 0xD800 && cp <= 0xDBFF)
				{
					if (end - p < 2 || p[0] != '\\' || p[1] != 'u')
						return "A high surrogate \\uD800 to \\uDBFF must be followed by a low surrogate.";
					p += 2;
					if (!read_hex4(&p, end, &low))
						return "A \\u escape needs four hexadecimal digits.";
					if (low < 0xDC00 || low > 0xDFFF)
						return "A high surrogate \\uD800 to \\uDBFF must be followed by a low surrogate.";
					cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
				}
				append_utf8(out, cp);
				break;
			default:
				appendPQExpBufferChar(out, c);
				break;
		}
	}
	return NULL;
}

/*
 * Split a logical line into its escaped key and value, as load0: the key
 * ends at the first unescaped '=', ':' or blank; then blanks and at most
 * one '=' or ':' are skipped.  Everything after, trailing blanks included,
 * is the value.
 */
static void
split_key_value(const char *line, size_t len, size_t *key_len,
				size_t *value_start)
{
	size_t		k = 0;
	size_t		v = len;
	bool		has_sep = false;
	bool		backslash = false;

	for (; k < len; k++)
	{
		char		c = line[k];

		if (!backslash && (c == '=' || c == ':'))
		{
			v = k + 1;
			has_sep = true;
			break;
		}
		if (!backslash && prop_blank(c))
		{
			v = k + 1;
			break;
		}
		backslash = c == '\\' ? !backslash : false;
	}
	for (; v < len; v++)
	{
		char		c = line[v];

		if (prop_blank(c))
			continue;
		if (has_sep || (c != '=' && c != ':'))
			break;
		has_sep = true;
	}
	*key_len = k;
	*value_start = v;
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
	PQExpBuffer line = createPQExpBuffer();
	PQExpBuffer key = createPQExpBuffer();
	PQExpBuffer value = createPQExpBuffer();
	int			lineno = 0;
	int			first;
	bool		ok = true;

	while (ok && read_logical_line(&p, end, line, &lineno, &first))
	{
		char		where[MAXPGPATH + 32];
		size_t		key_len;
		size_t		value_start;
		const char *detail;

		split_key_value(line->data, line->len, &key_len, &value_start);
		detail = unescape(line->data, key_len, key);
		if (detail == NULL)
			detail = unescape(line->data + value_start,
							  line->len - value_start, value);
		if (detail)
		{
			pg_log_error("invalid escape in configuration file \"%s\" line %d",
						 filename, first);
			pg_log_error_detail("%s", detail);
			ok = false;
			break;
		}
		snprintf(where, sizeof(where), "%s:%d", filename, first);
		ok = config_apply_key(cfg, key->data, value->data, where);
	}
	destroyPQExpBuffer(line);
	destroyPQExpBuffer(key);
	destroyPQExpBuffer(value);
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
