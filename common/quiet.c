/*
 * quiet.c: quiet hours, "21:00-09:00" in each customer's own day: the zone
 * of the record, else the zones of the phone's country.
 */
#include <string.h>

#include "wa.h"
#include "send.h"

/* "HH:MM" into minutes of the day, or -1. */
static int
hhmm(const char *s, const char **end)
{
	int h, m;

	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] != ':' ||
	    s[3] < '0' || s[3] > '9' || s[4] < '0' || s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + s[1] - '0';
	m = (s[3] - '0') * 10 + s[4] - '0';
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return -1;
	*end = s + 5;
	return h * 60 + m;
}

int
wa_quiet_parse(const char *s, struct wa_quiet *q)
{
	const char *e;

	q->from = q->to = -1;
	if ((q->from = hhmm(s, &e)) < 0 || *e != '-' ||
	    (q->to = hhmm(e + 1, &e)) < 0 || *e != '\0') {
		q->from = q->to = -1;
		return -1;
	}
	q->set = 1;
	return 0;
}

/* Is it quiet in ZONE at T: 1 or 0; -1 for a zone that is unknown or malformed. */
static int
inside(const struct wa_quiet *q, const char *zone, time_t t)
{
	struct tm tm;
	int m;

	if (zone == NULL || *zone == '\0' || wa_tz_local(zone, t, &tm) < 0)
		return -1;
	m = tm.tm_hour * 60 + tm.tm_min;
	/* a same-day window, 13:00-17:00; else it spans midnight, 21:00-09:00 */
	if (q->from <= q->to)
		return m >= q->from && m < q->to;
	return m >= q->from || m < q->to;
}

/*
 * Without a zone of its own, the record takes its phone's country's. A
 * country of several zones (US, BR, RU...) decides only when they all
 * agree: sending to someone who may be asleep is never a guess, and UTC
 * is no default (fails closed).
 */
int
wa_quiet_now(const struct wa_quiet *q, const char *zone, const char *e164,
    time_t t)
{
	const char *cc, *zv[WA_TZ_ZONES];
	size_t i, n;
	int r, all = -1;

	if (!q->set)
		return 0;
	if ((r = inside(q, zone, t)) >= 0)
		return r;
	if (e164 == NULL || (cc = wa_phone_country(e164)) == NULL ||
	    (n = wa_tz_zones(cc, zv, WA_TZ_ZONES)) == 0 || n > WA_TZ_ZONES)
		return -1;
	for (i = 0; i < n; i++) {
		if ((r = inside(q, zv[i], t)) < 0 || (all >= 0 && r != all))
			return -1;
		all = r;
	}
	return all;
}
