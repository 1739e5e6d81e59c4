/* opt.c: checked option values. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A size in bytes, with K, M or G (powers of 1024). */
size_t
wa_optsize(const char *opt, const char *s)
{
	static const char units[] = "kmg";
	size_t n = strlen(s), mult = 1;
	const char *u = n ? strchr(units, s[n - 1] | 0x20) : NULL;
	char num[32];

	if (u) {
		mult = (size_t)1 << (10 * (u - units + 1));
		n--;
	}
	snprintf(num, sizeof num, "%.*s", (int)n, s);
	return (size_t)wa_optnum(opt, num, 1, (1LL << 40) / (long long)mult) *
	    mult;
}

/* --now: the clock's time from then on, for tests and replays. */
void
wa_opt_now(const char *s)
{
	if (wa_now_set(s) < 0)
		wa_die(WA_EXIT_USAGE, "--now: bad time '%s'", s);
}

/* --since, --until: a time, or a duration back from now ("30d"). */
time_t
wa_opttime(const char *opt, const char *s)
{
	long long d;
	time_t t;

	if (wa_dur_parse(s, &d) == 0)
		return wa_now() - (time_t)d;
	if (wa_time_parse(s, WA_DATES_ANY, &t) < 0)
		wa_die(WA_EXIT_USAGE, "%s: bad time '%s'", opt, s);
	return t;
}

long long
wa_optdur(const char *opt, const char *s)
{
	long long d;

	if (wa_dur_parse(s, &d) < 0)
		wa_die(WA_EXIT_USAGE, "%s: bad duration '%s'", opt, s);
	return d;
}

int
wa_optchoice(const char *opt, const char *s, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	wa_die(WA_EXIT_USAGE, "%s: unknown '%s'", opt, s);
}

const char *
wa_optcur(const char *opt, const char *s)
{
	size_t i;

	for (i = 0; i < 3 && isalpha((unsigned char)s[i]); i++)
		;
	if (i != 3 || s[3] != '\0')
		wa_die(WA_EXIT_USAGE, "%s: not a currency code '%s'", opt, s);
	return s;
}
