/* fx.c: wa-report's one currency: rates files, and amounts converted into it. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "wa.h"
#include "report.h"

struct rate {
	char cur[4];
	double v;		/* units of CUR for one of the file's base */
};

struct wa_fx {
	char cur[4];		/* the report's currency; "" until known */
	struct rate *r;
	size_t nr;
	char date[11];		/* the rates' day; "" without rates */
	int plain;		/* CUR,rate lines: their base may be the report's */
};

struct wa_fx *
wa_fx_new(const char *cur)
{
	struct wa_fx *fx = wa_calloc(1, sizeof *fx);

	if (cur)
		wa_fx_setcur(fx, cur);
	return fx;
}

void
wa_fx_setcur(struct wa_fx *fx, const char *cur)
{
	size_t i;

	for (i = 0; i < 3 && cur[i]; i++)
		fx->cur[i] = (char)toupper((unsigned char)cur[i]);
	fx->cur[i] = '\0';
}

void
wa_fx_setmost(struct wa_fx *fx, const struct wa_amount *a, size_t n)
{
	const struct wa_amount *best = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (best == NULL || a[i].n > best->n ||
		    (a[i].n == best->n && strcmp(a[i].cur, best->cur) < 0))
			best = &a[i];
	if (best && best->n > 0)
		wa_fx_setcur(fx, best->cur);
}

const char *
wa_fx_cur(const struct wa_fx *fx)
{
	return fx && fx->cur[0] ? fx->cur : NULL;
}

const char *
wa_fx_date(const struct wa_fx *fx)
{
	return fx && fx->date[0] ? fx->date : NULL;
}

static int
iscode(const char *s)
{
	return strlen(s) == 3 && isupper((unsigned char)s[0]) &&
	    isupper((unsigned char)s[1]) && isupper((unsigned char)s[2]);
}

static void
addrate(struct wa_fx *fx, const char *cur, double v)
{
	size_t i;

	for (i = 0; i < fx->nr; i++)
		if (strcmp(fx->r[i].cur, cur) == 0)
			break;
	if (i == fx->nr)
		fx->r = wa_realloc(fx->r, ++fx->nr * sizeof *fx->r);
	memcpy(fx->r[i].cur, cur, 4);
	fx->r[i].v = v;
}

static double
rateof(const struct wa_fx *fx, const char *cur)
{
	size_t i;

	for (i = 0; i < fx->nr; i++)
		if (strcmp(fx->r[i].cur, cur) == 0)
			return fx->r[i].v;
	return NAN;
}

/* Split LINE at commas into at most MAX trimmed fields. */
static size_t
fields(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p, *e;

	for (p = line; n < max; p = e + 1) {
		while (*p == ' ' || *p == '\t')
			p++;
		f[n++] = p;
		if ((e = strchr(p, ',')) != NULL)
			*e = '\0';
		for (char *t = p + strlen(p); t > p && isspace((unsigned char)t[-1]); )
			*--t = '\0';
		if (e == NULL)
			break;
	}
	return n;
}

/* The day of T, 2026-12-04, into OUT. */
static void
daypart(time_t t, char *out)
{
	char tb[WA_TIMEBUF];

	memcpy(out, wa_time_fmt(t, tb), 10);
	out[10] = '\0';
}

/* The ECB's "04 December 2026", or 2026-12-04, as 2026-12-04. */
static int
ecbdate(const char *s, char *out)
{
	time_t t;

	static const char *const month[] = { "January", "February", "March",
	    "April", "May", "June", "July", "August", "September", "October",
	    "November", "December" };
	struct tm tm = { 0 };
	char name[16];
	int m;

	if (wa_time_parse(s, WA_DATES_ANY, &t) < 0) {
		if (sscanf(s, "%d %15s %d", &tm.tm_mday, name, &tm.tm_year) != 3)
			return -1;
		for (m = 0; m < 12 && strcmp(month[m], name) != 0; m++)
			;
		if (m == 12)
			return -1;
		tm.tm_mon = m;
		tm.tm_year -= 1900;
		t = timegm(&tm);
	}
	daypart(t, out);
	return 0;
}

/* The ECB's header and its first (latest) day; "N/A" is no rate. */
static int
ecb(struct wa_fx *fx, char *head, char *day, const char *path)
{
	char *h[256], *d[256];
	size_t nh = fields(head, h, 256), nd = fields(day, d, 256), i;
	char *end;
	double v;

	if (ecbdate(d[0], fx->date) < 0)
		return wa_warnat(path, 2, "not a date: '%s'", d[0]), -1;
	for (i = 1; i < nh && i < nd; i++) {
		if (!iscode(h[i]))
			continue;
		v = strtod(d[i], &end);
		if (end != d[i] && *end == '\0' && v > 0)
			addrate(fx, h[i], v);
	}
	addrate(fx, "EUR", 1);
	return 0;
}

static void
filedate(struct wa_fx *fx, FILE *f)
{
	struct stat sb;

	if (fstat(fileno(f), &sb) == 0)
		daypart(sb.st_mtime, fx->date);
}

int
wa_fx_load(struct wa_fx *fx, const char *path)
{
	char *line = NULL, *head = NULL, *f[3], *end;
	size_t cap = 0, n;
	long ln = 0;
	double v;
	FILE *fp;
	int rc = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return wa_warn("%s:", path), -1;
	while (rc == 0 && getline(&line, &cap, fp) > 0) {
		ln++;
		if (ln == 1 && strncmp(line, "Date", 4) == 0) {
			head = wa_strdup(line);
			continue;
		}
		if (head) {
			rc = ecb(fx, head, line, path);
			break;
		}
		if ((n = fields(line, f, 3)) == 1 && (*f[0] == '\0' || *f[0] == '#'))
			continue;
		v = n == 2 ? strtod(f[1], &end) : 0;
		if (n != 2 || !iscode(f[0]) || end == f[1] || *end || !(v > 0)) {
			wa_warnat(path, ln, "not CUR,rate nor the ECB's CSV");
			rc = -1;
		} else
			addrate(fx, f[0], v);
	}
	if (rc == 0 && head == NULL) {
		fx->plain = 1;
		filedate(fx, fp);
	}
	fclose(fp);
	free(head);
	free(line);
	return rc;
}

/* SUM minor units of CUR in the report's currency: 0, or -1 without rates. */
static int
convert(const struct wa_fx *fx, const char *cur, long long sum, long long *out)
{
	double from = rateof(fx, cur), to = rateof(fx, fx->cur), x;

	/* Lines of CUR,rate without the report's currency are rates from it. */
	if (isnan(to) && fx->plain)
		to = 1;
	if (isnan(from) || isnan(to))
		return -1;
	x = (double)sum * to / from *
	    pow(10, wa_money_exp(fx->cur) - wa_money_exp(cur));
	*out = llround(x);
	return 0;
}

void
wa_fx_sum(const struct wa_fx *fx, const struct wa_amount *a, size_t n,
    struct wa_fxsum *s)
{
	long long v, rest;
	long restn;
	size_t i;

	memset(s, 0, sizeof *s);
	for (i = 0; i < n; i++) {
		if (a[i].n == 0)
			continue;
		if (strcmp(a[i].cur, fx->cur) == 0) {
			s->sum += a[i].sum;
			s->n += a[i].n;
			continue;
		}
		rest = a[i].sum;
		restn = a[i].n;
		if (a[i].shopcur && strcmp(a[i].shopcur, fx->cur) == 0) {
			s->sum += a[i].shopsum;
			s->n += a[i].shopn;
			rest -= a[i].shoporig;
			restn -= a[i].shopn;
			s->converted = 1;
		}
		if (restn == 0)
			continue;
		if (convert(fx, a[i].cur, rest, &v) == 0) {
			s->sum += v;
			s->n += restn;
			s->converted = s->rated = 1;
		} else {
			s->other = wa_realloc(s->other, (s->nother + 1) *
			    sizeof *s->other);
			s->other[s->nother].cur = a[i].cur;
			s->other[s->nother].sum = rest;
			s->other[s->nother++].n = restn;
		}
	}
}

void
wa_fx_free(struct wa_fx *fx)
{
	if (fx == NULL)
		return;
	free(fx->r);
	free(fx);
}
