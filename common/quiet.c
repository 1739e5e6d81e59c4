/*
 * quiet.c: quiet hours, "21:00-09:00" in each customer's own day: the zone
 * of the record, else the zone of the phone's country.
 */
#include <string.h>

#include "wa.h"

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

int
wa_quiet_now(const struct wa_quiet *q, const char *zone, const char *e164,
    time_t t)
{
	const char *cc;
	struct tm tm;
	int m;

	if (!q->set)
		return 0;
	if ((zone == NULL || *zone == '\0') && e164 &&
	    (cc = wa_phone_country(e164)) != NULL)
		zone = wa_tz_for(cc, NULL);
	if (zone == NULL || *zone == '\0' || wa_tz_local(zone, t, &tm) < 0)
		return 0;
	m = tm.tm_hour * 60 + tm.tm_min;
	if (q->from <= q->to)
		return m >= q->from && m < q->to;
	return m >= q->from || m < q->to;
}
