/*-------------------------------------------------------------------------
 *
 * encode.h
 *	  Byte-level encodings that Debezium's JSON output needs
 *
 * Pure functions over C strings and byte buffers, compiled into both the
 * plugin and the relay: Java's Float/Double.toString text, the Base64 and
 * hex variants of binary.handling.mode, the two's-complement unscaled bytes
 * of a Kafka Connect Decimal, and Java's HashMap iteration order.
 *
 * IDENTIFICATION
 *	  libwalcast/encode.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef LIBWALCAST_ENCODE_H
#define LIBWALCAST_ENCODE_H

#include "lib/stringinfo.h"

/* Big enough for any encode_java_double / encode_java_float result. */
#define ENCODE_JAVA_FLOAT_BUFLEN 32

/*
 * Java's Double.toString / Float.toString text of v, as written by JDK 19+
 * (shortest round-trip digits; "1.0E7", "1.0E-4", "100.0", "-0.0";
 * "NaN", "Infinity", "-Infinity" without quotes).  Returns the length.
 */
extern int	encode_java_double(double v, char *buf);
extern int	encode_java_float(float v, char *buf);

/* Base64 (RFC 4648, padded), standard or URL-safe alphabet, appended. */
extern void encode_base64(StringInfo out, const unsigned char *src, size_t len,
						  bool url_safe);
/* Lower-case hex, two characters per byte, appended. */
extern void encode_hex(StringInfo out, const unsigned char *src, size_t len);

/*
 * Unscaled value of a decimal number, as Java's BigInteger.toByteArray():
 * big-endian two's complement, minimal length (0 -> 00, 128 -> 00 80).
 *
 * "text" is a plain decimal number ("-1234.50", "12", "0.001"; no exponent,
 * no NaN).  The value is rescaled to "scale" digits after the point (digits
 * beyond it are dropped: PostgreSQL already stored the column's scale).
 * With scale < 0 the scale is variable: trailing fractional zeros are
 * stripped, integer trailing zeros are kept (100 -> scale 0, value 100), and
 * the resulting scale is stored in *scale_out (which may be NULL; it gets
 * the scale used in either case).  The bytes are appended to "out".
 * Any number of digits is accepted; temporary buffers are palloc'd.
 * Returns false, appending nothing, if text is not a plain decimal number.
 */
extern bool encode_decimal_bytes(StringInfo out, const char *text, int scale,
								 int *scale_out);

/*
 * Java String.hashCode() of a UTF-8 string (over its UTF-16 code units),
 * and the order in which a java.util.HashMap built by inserting the n keys
 * in the given order iterates them (default capacity 16, load factor 0.75,
 * duplicates keep the first position).  order[] receives the indexes of
 * the distinct keys in iteration order, then -1 once per duplicate.
 */
extern int32 encode_java_string_hash(const char *utf8, size_t len);
extern void encode_java_hashmap_order(const char *const *keys,
									  const size_t *lens, int n, int *order);

#endif							/* LIBWALCAST_ENCODE_H */
