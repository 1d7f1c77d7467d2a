/*-------------------------------------------------------------------------
 *
 * relay_tap.h
 *	  Minimal TAP output for the relay's C unit tests
 *
 * Each test program prints "ok N - name" / "not ok N - name" lines and a
 * final plan, and exits non-zero when a test failed, so prove (through
 * test/t/060_relay_unit.pl) reports it.
 *
 * IDENTIFICATION
 *	  test/unit/relay_tap.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TEST_UNIT_RELAY_TAP_H
#define TEST_UNIT_RELAY_TAP_H

#include <stdio.h>
#include <string.h>

static int	tap_count = 0;
static int	tap_failed = 0;

static inline bool
tap_ok(bool cond, const char *name)
{
	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_count, name);
	fflush(stdout);
	return cond;
}

/* Compare len bytes at got with the NUL-terminated want. */
static inline bool
tap_is_mem(const char *got, int len, const char *want, const char *name)
{
	bool		same = got != NULL && len == (int) strlen(want) &&
		memcmp(got, want, len) == 0;

	if (!tap_ok(same, name))
		printf("#   got:      '%.*s'\n#   expected: '%s'\n",
			   got ? len : 4, got ? got : "NULL", want);
	return same;
}

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed > 0 ? 1 : 0;
}

#endif							/* TEST_UNIT_RELAY_TAP_H */
