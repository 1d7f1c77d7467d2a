/*-------------------------------------------------------------------------
 *
 * json.h
 *	  JSON text as Kafka Connect's JsonConverter (Jackson) writes it
 *
 * Compact output into a caller-supplied StringInfo.  Strings are escaped
 * exactly as Jackson's UTF8JsonGenerator escapes them for
 * ObjectMapper.writeValueAsBytes: '"' and '\\', the short escapes \b \t \n
 * \f \r, other control characters as \u00XX with upper-case hex, characters
 * outside the Basic Multilingual Plane as upper-case UTF-16 surrogate pairs
 * (\uD83D\uDE00), everything else raw UTF-8.  Knows nothing about catalogs,
 * Datums or Debezium.
 *
 * IDENTIFICATION
 *	  libwalcast/json.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef LIBWALCAST_JSON_H
#define LIBWALCAST_JSON_H

#include "lib/stringinfo.h"

/* Append s (len bytes of UTF-8) as a quoted, escaped JSON string. */
extern void json_append_string(StringInfo out, const char *s, size_t len);
/* Same for a NUL-terminated string. */
extern void json_append_cstring(StringInfo out, const char *s);
/* Append the escaped text without the surrounding quotes. */
extern void json_append_escaped(StringInfo out, const char *s, size_t len);
/* The length of the escaped text of s, without the quotes. */
extern size_t json_escaped_length(const char *s, size_t len);
/* Append "name": (quoted, escaped, with the colon). */
extern void json_append_key(StringInfo out, const char *name);
extern void json_append_int64(StringInfo out, int64 v);
extern void json_append_uint64(StringInfo out, uint64 v);
/* Java Double/Float.toString; non-finite values become quoted strings. */
extern void json_append_double(StringInfo out, double v);
extern void json_append_float(StringInfo out, float v);

#endif							/* LIBWALCAST_JSON_H */
