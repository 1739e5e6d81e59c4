/* opt.c: checked option values. */
#include <errno.h>
#include <stdlib.h>

#include "wa.h"

long long
wa_optnum(const char *opt, const char *s, long long lo, long long hi)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end != '\0' || v < lo || v > hi)
		wa_die(WA_EXIT_USAGE, "%s: '%s' is not a number from %lld to %lld",
		    opt, s, lo, hi);
	return v;
}
