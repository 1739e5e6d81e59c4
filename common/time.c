/* wa: times, durations and the clock. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wa.h"

struct civil {
	int y, mon, d;
	int h, min, sec;
	long off;		/* seconds east of UTC */
};

static time_t now_arg;
static int now_isset;

/*
 * Days from 1970-01-01 to Y-M-D in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil), so that no TZ setting is involved.
 */
static long long
days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
mdays(int y, int m)
{
	static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return n[m - 1] + (m == 2 && leap);
}

static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

/* Read LO to HI decimal digits at *P into *V. */
static int
num(const char **p, int lo, int hi, int *v)
{
	int n;

	*v = 0;
	for (n = 0; n < hi && isdig(**p); n++, (*p)++)
		*v = *v * 10 + (**p - '0');
	return n >= lo ? 0 : -1;
}

static int
eat(const char **p, const char *set)
{
	if (**p == '\0' || strchr(set, **p) == NULL)
		return -1;
	(*p)++;
	return 0;
}

/* hh:mm[:ss[.frac]]; the fraction is dropped. */
static int
clock_part(const char **p, int hourmin, struct civil *c)
{
	if (num(p, hourmin, 2, &c->h) == -1 || eat(p, ":") == -1 ||
	    num(p, 2, 2, &c->min) == -1)
		return -1;
	if (eat(p, ":") == -1)
		return 0;
	if (num(p, 2, 2, &c->sec) == -1)
		return -1;
	if (eat(p, ".,") == 0) {
		if (!isdig(**p))
			return -1;
		while (isdig(**p))
			(*p)++;
	}
	return 0;
}

/* [ ](Z|+hh|+hhmm|+hh:mm) or nothing for UTC */
static int
zone_part(const char **p, struct civil *c)
{
	int sign, h, m = 0;

	if (**p == '\0')
		return 0;
	eat(p, " ");
	if (eat(p, "Zz") == 0)
		return 0;
	sign = **p == '-' ? -1 : 1;
	if (eat(p, "+-") == -1 || num(p, 2, 2, &h) == -1 || h > 23)
		return -1;
	if (**p != '\0') {
		eat(p, ":");
		if (num(p, 2, 2, &m) == -1 || m > 59)
			return -1;
	}
	c->off = sign * (h * 3600L + m * 60L);
	return 0;
}

/* 2025-05-11, 2025-05-11T13:55:16Z, 2025-05-11 09:55:16 -0400 */
static int
iso(const char *s, struct civil *c)
{
	const char **p = &s;

	if (num(p, 4, 4, &c->y) == -1 || eat(p, "-") == -1 ||
	    num(p, 2, 2, &c->mon) == -1 || eat(p, "-") == -1 ||
	    num(p, 2, 2, &c->d) == -1)
		return -1;
	if (**p == '\0')
		return 0;
	if (eat(p, "Tt ") == -1 || clock_part(p, 2, c) == -1 ||
	    zone_part(p, c) == -1)
		return -1;
	return **p == '\0' ? 0 : -1;
}

/*
 * The two leading fields and the year of 31/12/2023, 31-12-2023 or
 * 31.12.2023, or of an Excel re-save's 31/12/23 or 31.12.23: a two-digit
 * year is 2000-2029 or 1930-1999, as Excel reads it (not with '-', where
 * 25-05-11 is more likely a short ISO date than a day).
 */
static int
daymonth(const char **p, int *a, int *b, int *y)
{
	const char *sep, *yy;

	if (num(p, 1, 2, a) == -1)
		return -1;
	sep = *p;
	if (eat(p, "/-.") == -1 || num(p, 1, 2, b) == -1 || **p != *sep)
		return -1;
	yy = ++(*p);
	if (num(p, 2, 4, y) == -1 || *p - yy == 3 ||
	    (*p - yy == 2 && *sep == '-'))
		return -1;
	if (*p - yy == 2)
		*y += *y < 30 ? 2000 : 1900;
	return 0;
}

/* A spreadsheet's date with an optional h:mm[:ss], in ORDER. */
static int
sheet(const char *s, int order, struct civil *c)
{
	const char **p = &s;
	int a, b;

	if (daymonth(p, &a, &b, &c->y) == -1)
		return -1;
	if (order == WA_DATES_ANY)
		order = a == b || a > 12 ? WA_DATES_DMY :
		    b > 12 ? WA_DATES_MDY : -1;
	if (order == WA_DATES_DMY) {
		c->d = a;
		c->mon = b;
	} else if (order == WA_DATES_MDY) {
		c->d = b;
		c->mon = a;
	} else
		return -1;
	if (**p != '\0' && (eat(p, " ") == -1 || clock_part(p, 1, c) == -1))
		return -1;
	return **p == '\0' ? 0 : -1;
}

/* Seconds since the epoch as webhooks send them: 9 to 11 digits. */
static int
unixtime(const char *s, time_t *t)
{
	size_t n = strspn(s, "0123456789");

	if (s[n] != '\0' || n < 9 || n > 11)
		return -1;
	*t = (time_t)strtoll(s, NULL, 10);
	return 0;
}

int
wa_time_parse(const char *s, int order, time_t *t)
{
	struct civil c = { 0 };

	if (unixtime(s, t) == 0)
		return 0;
	if (iso(s, &c) == -1) {
		memset(&c, 0, sizeof c);
		if (sheet(s, order, &c) == -1)
			return -1;
	}
	if (c.mon < 1 || c.mon > 12 || c.d < 1 || c.d > mdays(c.y, c.mon) ||
	    c.h > 23 || c.min > 59 || c.sec > 60)
		return -1;
	*t = (time_t)(days_from_civil(c.y, c.mon, c.d) * 86400 +
	    c.h * 3600L + c.min * 60L + c.sec - c.off);
	return 0;
}

int
wa_time_ambiguous(const char *s)
{
	const char *p = s;
	int a, b, y;
	time_t t;

	if (daymonth(&p, &a, &b, &y) == -1)
		return 0;
	return a != b && a <= 12 && b <= 12 &&
	    wa_time_parse(s, WA_DATES_DMY, &t) == 0;
}

/*
 * One pass over the text: each d/m/y (or with - or .) whose first field
 * is over 12 votes for DMY, whose second is over 12 for MDY. Digit runs
 * are matched whole, so 123/4/20245 is no date. Each candidate is copied
 * out because S need not be NUL-terminated.
 */
void
wa_time_count_orders(const char *s, size_t n, long *dmy, long *mdy)
{
	char w[16];
	const char *p;
	size_t i, k;
	int a, b, y;

	for (i = 0; i < n; i++) {
		if (!isdig(s[i]) || (i > 0 && isdig(s[i - 1])))
			continue;
		k = n - i < sizeof w - 1 ? n - i : sizeof w - 1;
		memcpy(w, s + i, k);
		w[k] = '\0';
		p = w;
		if (daymonth(&p, &a, &b, &y) == -1 || isdig(*p) ||
		    a < 1 || b < 1 || a > 31 || b > 31)
			continue;
		if (a > 12 && b <= 12)
			++*dmy;
		else if (b > 12 && a <= 12)
			++*mdy;
	}
}

int
wa_time_guess_order(const char *s, size_t n)
{
	long dmy = 0, mdy = 0;

	wa_time_count_orders(s, n, &dmy, &mdy);
	return dmy && mdy ? -1 : dmy ? WA_DATES_DMY :
	    mdy ? WA_DATES_MDY : WA_DATES_ANY;
}

/* ISO 8601: the week of its Thursday, in the Thursday's year. */
char *
wa_time_week(time_t t, char *buf)
{
	struct tm tm;

	t -= t % 86400;
	t += (3 - (t / 86400 + 3) % 7) * 86400LL;
	gmtime_r(&t, &tm);
	snprintf(buf, WA_TIMEBUF, "%04d-W%02d", tm.tm_year + 1900,
	    tm.tm_yday / 7 + 1);
	return buf;
}

/* Years outside 0000-9999 do not fit the format: they get the seconds. */
char *
wa_time_fmt(time_t t, char *buf)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900)
		snprintf(buf, WA_TIMEBUF, "%lld", (long long)t);
	else {
		snprintf(buf, WA_TIMEBUF, "%04d", tm.tm_year + 1900);
		strftime(buf + 4, WA_TIMEBUF - 4, "-%m-%dT%H:%M:%SZ", &tm);
	}
	return buf;
}

/* Units must come largest first, each at most once: "1d12h", not "12h1d". */
int
wa_dur_parse(const char *s, long long *secs)
{
	static const char units[] = "wdhms";
	static const long long mul[] = { 604800, 86400, 3600, 60, 1 };
	long long total = 0, v;
	const char *u;
	int last = -1;

	if (*s == '\0')
		return -1;
	while (*s != '\0') {
		if (!isdig(*s))
			return -1;
		for (v = 0; isdig(*s); s++) {
			if (v > (LLONG_MAX - (*s - '0')) / 10)
				return -1;
			v = v * 10 + (*s - '0');
		}
		if (*s == '\0' || (u = strchr(units, *s++)) == NULL ||
		    u - units <= last)
			return -1;
		last = (int)(u - units);
		if (v > (LLONG_MAX - total) / mul[last])
			return -1;
		total += v * mul[last];
	}
	*secs = total;
	return 0;
}

int
wa_now_set(const char *s)
{
	time_t t;

	if (wa_time_parse(s, WA_DATES_ANY, &t) == -1)
		return -1;
	now_arg = t;
	now_isset = 1;
	return 0;
}

/* A bad $WA_NOW is ignored: the system clock is the safe default. */
time_t
wa_now(void)
{
	const char *env;
	time_t t;

	if (now_isset)
		return now_arg;
	if ((env = getenv("WA_NOW")) != NULL &&
	    wa_time_parse(env, WA_DATES_ANY, &t) == 0)
		return t;
	return time(NULL);
}

double
wa_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
