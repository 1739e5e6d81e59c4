/* dates.c: a file's day/month order, learnt from the slashed dates it holds. */
#include <string.h>
#include <time.h>

#include "wa.h"

struct votes {
	long dmy, mdy;
};

static void
scandates(const char *p, size_t n, void *ctx)
{
	struct votes *v = ctx;

	wa_time_count_orders(p, n, &v->dmy, &v->mdy);
}

/* Take the file's day/month order from a date that shows it. */
static void
learn(struct wa_dates *d, const char *s)
{
	time_t t;

	if (d->order != WA_DATES_ANY || strchr(s, '/') == NULL)
		return;
	if (wa_time_parse(s, WA_DATES_DMY, &t) < 0)
		d->order = WA_DATES_MDY;
	else if (wa_time_parse(s, WA_DATES_MDY, &t) < 0)
		d->order = WA_DATES_DMY;
}

static const char *
ordername(int order)
{
	return order == WA_DATES_DMY ? "day/month/year" : "month/day/year";
}

/*
 * The order of the whole file, once: every date that tells votes, the
 * early rows no more than the last one. A file that cannot tell is read
 * as D->assume rather than losing every row, and says so once.
 */
static void
decide(struct wa_dates *d, struct wa_rec *r, const char *s)
{
	struct votes v = { 0, 0 };

	d->scanned = 1;
	if (wa_input_scan(r, scandates, &v) < 0)
		v.dmy = v.mdy = 0;
	if (v.dmy > 0 && v.mdy == 0)
		d->order = WA_DATES_DMY;
	else if (v.mdy > 0 && v.dmy == 0)
		d->order = WA_DATES_MDY;
	else if (v.dmy > 0 || v.mdy > 0) {
		d->order = v.dmy > v.mdy ? WA_DATES_DMY : v.mdy > v.dmy ?
		    WA_DATES_MDY : d->assume ? d->assume : WA_DATES_MDY;
		wa_warnat(r->file, r->line, "dates of both orders (%ld day first, "
		    "%ld month first): read as %s; give --date-order if that is "
		    "wrong", v.dmy, v.mdy, ordername(d->order));
	} else {
		d->order = d->assume ? d->assume : WA_DATES_MDY;
		wa_warnat(r->file, r->line, "no date tells the day from the "
		    "month (such as '%s'): read as %s; give --date-order %s if "
		    "that is wrong", s, ordername(d->order),
		    d->order == WA_DATES_DMY ? "mdy" : "dmy");
	}
}

int
wa_dates_read(struct wa_dates *d, struct wa_rec *r, const char *s, time_t *t)
{
	*t = 0;
	if (*s == '\0')
		return 0;
	if (wa_time_parse(s, d->order, t) == 0) {
		learn(d, s);
		return 0;
	}
	if (wa_time_ambiguous(s) && d->order == WA_DATES_ANY && !d->scanned) {
		decide(d, r, s);
		if (wa_time_parse(s, d->order, t) == 0)
			return 0;
	}
	return -1;
}

int
wa_dates_parse(struct wa_dates *d, struct wa_rec *r, const char *s, time_t *t)
{
	if (wa_dates_read(d, r, s, t) == 0)
		return 0;
	wa_reject(r, "bad date '%s'", s);
	return -1;
}

int
wa_dates_usual(const char *cc)
{
	/* Where people write the month first: the US and the lands of its calendar. */
	static const char mdy[] = "US PR GU VI AS MP UM PH FM MH PW";
	char c[3];

	if (cc == NULL || strlen(cc) != 2)
		return WA_DATES_MDY;
	c[0] = (char)(cc[0] & ~0x20);
	c[1] = (char)(cc[1] & ~0x20);
	c[2] = '\0';
	return strstr(mdy, c) ? WA_DATES_MDY : WA_DATES_DMY;
}
