/* dates.c: a file's day/month order, learnt from the slashed dates it holds. */
#include <string.h>
#include <time.h>

#include "wa.h"

/* Slashed dates seen in a chunk of the file that show their order. */
static void
scandates(const char *p, size_t n, void *ctx)
{
	int *seen = ctx, g = wa_time_guess_order(p, n);

	if (g == WA_DATES_DMY || g == WA_DATES_MDY)
		*seen |= 1 << g;
	else if (g < 0)
		*seen |= 1 << WA_DATES_DMY | 1 << WA_DATES_MDY;
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

int
wa_dates_parse(struct wa_dates *d, struct wa_rec *r, const char *s, time_t *t)
{
	int seen = 0;

	*t = 0;
	if (*s == '\0')
		return 0;
	if (wa_time_parse(s, d->order, t) == 0) {
		learn(d, s);
		return 0;
	}
	if (wa_time_ambiguous(s) && d->order == WA_DATES_ANY && !d->scanned) {
		d->scanned = 1;
		if (wa_input_scan(r, scandates, &seen) == 0 &&
		    (seen == 1 << WA_DATES_DMY || seen == 1 << WA_DATES_MDY))
			d->order = seen == 1 << WA_DATES_DMY ? WA_DATES_DMY :
			    WA_DATES_MDY;
		if (wa_time_parse(s, d->order, t) == 0)
			return 0;
	}
	if (wa_time_ambiguous(s))
		wa_reject(r, "ambiguous date '%s': give --dates dmy or --dates mdy", s);
	else
		wa_reject(r, "bad date '%s'", s);
	return -1;
}
