/* A small TAP producer for the C unit tests. */
#ifndef TAP_H
#define TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int
tap_ok(int cond, const char *what, const char *file, int line)
{
	tap_n++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, what);
	if (!cond) {
		printf("# failed at %s:%d\n", file, line);
		tap_failed++;
	}
	return cond;
}

static inline int
tap_is(const char *got, const char *want, const char *what, const char *file,
    int line)
{
	int same = (got == NULL && want == NULL) ||
	    (got != NULL && want != NULL && strcmp(got, want) == 0);

	if (!tap_ok(same, what, file, line))
		printf("#   got: '%.300s'\n# wanted: '%.300s'\n",
		    got ? got : "(null)", want ? want : "(null)");
	return same;
}

static inline int
tap_isnum(long long got, long long want, const char *what, const char *file,
    int line)
{
	if (!tap_ok(got == want, what, file, line))
		printf("#   got: %lld\n# wanted: %lld\n", got, want);
	return got == want;
}

#define ok(c, w) tap_ok((c) != 0, (w), __FILE__, __LINE__)
#define is(g, w, what) tap_is((g), (w), (what), __FILE__, __LINE__)
#define isnum(g, w, what) tap_isnum((g), (w), (what), __FILE__, __LINE__)

static inline int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}

#endif
