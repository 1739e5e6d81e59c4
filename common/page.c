/* page.c: wa-report's HTML page: the scorecard, trends, campaigns, customers, service; its tables in pagetab.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "report.h"

#define NELEM(a) (sizeof (a) / sizeof *(a))

const long long wa_page_waits[WA_PAGE_NWAITS - 1] = { 300, 900, 3600, 4 * 3600, 86400 };
static const char *const waitname[WA_PAGE_NWAITS] = { "< 5m", "5-15m", "15m-1h",
    "1-4h", "4-24h", "> 24h" };

/* The playbook's targets, a card each. */
static const struct card {
	const char *name, *label;
	int kind;
} cards[] = {
	{ "read_rate", "Read rate", WA_COL_RATE },
	{ "median_response_s", "Median response", WA_COL_SECS },
	{ "conversion_rate", "Conversion", WA_COL_RATE },
	{ "opt_out_rate", "Opt-outs", WA_COL_RATE },
	{ "repeat_rate_messaged", "Repeat purchase, messaged", WA_COL_RATE },
	{ "aov_messaged", "AOV, messaged customers", WA_COL_MONEY },
	{ "csat", "Satisfaction (CSAT)", WA_COL_NUM },
	{ "negative_rate", "Negative feedback", WA_COL_RATE },
};

static const char *
str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

double
wa_page_num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	if (json_is_object(v) && json_object_size(v) == 1)
		v = json_object_iter_value(json_object_iter(v));
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static void
css(void)
{
	printf("<style>\n"
	    "body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;padding:1em;max-width:72em;color:#1a1a1a;background:#fff}\n"
	    "h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin-top:1.8em;border-bottom:2px solid #075e54}\n"
	    "h3{font-size:1em;margin:1.2em 0 .3em}\n"
	    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(13em,1fr));gap:.7em}\n"
	    ".card{border:2px solid #767676;border-left-width:.6em;border-radius:6px;padding:.5em .7em}\n"
	    ".card.met{border-color:#1a7f37}.card.unmet{border-color:#b3261e}\n"
	    ".card .fig{font-size:1.7em;font-weight:bold;display:block}\n"
	    ".card .verdict{font-weight:bold}.met .verdict{color:#1a7f37}.unmet .verdict{color:#b3261e}\n"
	    ".card small{display:block;color:#444}\n"
	    ".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%%,30em),1fr));gap:1em}\n"
	    "svg{width:100%%;height:auto;display:block;font-size:13px;max-width:40em}\n"
	    ".key span{margin-right:1em;white-space:nowrap}.key svg{display:inline;width:24px}\n"
	    ".scroll{overflow-x:auto;max-width:100%%}\n"
	    "table{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:.3em 0}\n"
	    "th,td{padding:.2em .5em;border-bottom:1px solid #ddd;text-align:right}\n"
	    "th:first-child,td:first-child{text-align:left}td:first-child{overflow-wrap:anywhere}\n"
	    "td.met{color:#1a7f37}td.unmet{color:#b3261e;font-weight:bold}\n"
	    "details{margin:.3em 0 1em}summary{cursor:pointer;color:#075e54}\n"
	    "@media (max-width:40em){body{font-size:14px;padding:.5em}th,td{padding:.15em .3em}}\n"
	    "@page{size:A4 landscape;margin:12mm}\n"
	    "@media print{body{max-width:none;font-size:11px}.scroll{overflow:visible}"
	    "h2{break-after:avoid}.card,svg,table{break-inside:avoid}"
	    "details:not([open])>table{display:none}}\n"
	    "</style>\n");
}

static void
head(const struct wa_page *p)
{
	char a[WA_TIMEBUF], b[WA_TIMEBUF], c[WA_TIMEBUF];

	printf("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<title>WhatsApp report</title>\n");
	css();
	printf("</head><body>\n<h1>WhatsApp report</h1>\n<p>");
	if (p->since)
		printf("Messages sent from %.10s", wa_time_fmt(p->since, a));
	else
		printf("Every message");
	if (p->until)
		printf(" to before %.10s", wa_time_fmt(p->until, b));
	printf("; as of %s", wa_time_fmt(p->now, c));
	if (p->currency) {
		printf("; amounts in ");
		wa_html(p->currency);
	}
	printf(".</p>\n");
}

/* The change of a card's figure against the period compared. */
static void
change(struct wa_buf *b, const struct card *c, double now, double was,
    const char *what)
{
	char tmp[64];
	double d = now - was;

	if (isnan(now) || isnan(was)) {
		printf("<small>no figure for %s</small>", what);
		return;
	}
	if (c->kind == WA_COL_RATE)
		snprintf(tmp, sizeof tmp, "%+.1f pts", 100 * d);
	else if (c->kind == WA_COL_MONEY)
		snprintf(tmp, sizeof tmp, was != 0 ? "%+.1f%%" : "%+.2f",
		    was != 0 ? 100 * d / was : d);
	else if (c->kind == WA_COL_SECS)
		snprintf(tmp, sizeof tmp, "%s%s", d < 0 ? "-" : "+",
		    wa_chart_fmt(b, fabs(d), WA_COL_SECS));
	else
		snprintf(tmp, sizeof tmp, "%+.2f", d);
	printf("<small class=\"change\" data-prev=\"%.6g\">%s %s against %s</small>",
	    was, d > 0 ? "&#9650;" : d < 0 ? "&#9660;" : "=", tmp, what);
}

static void
card(const struct wa_page *p, json_t *all, const struct card *c)
{
	char metname[64];
	const char *t = p->store->target ? p->store->target(c->name) : NULL;
	double v = wa_page_num(all, c->name);
	json_t *met;
	struct wa_buf b = { 0 };

	snprintf(metname, sizeof metname, "%s_met", c->name);
	met = json_object_get(all, metname);
	printf("<div class=\"card%s\" data-figure=\"%s\" data-value=\"%.6g\">",
	    json_is_true(met) ? " met" : json_is_false(met) ? " unmet" : "",
	    c->name, v);
	printf("%s<span class=\"fig\">%s</span>", c->label, wa_chart_fmt(&b, v, c->kind));
	if (c->kind == WA_COL_MONEY && !isnan(wa_page_num(all, "aov_site")))
		printf("<small>all orders: %s</small>",
		    wa_chart_fmt(&b, wa_page_num(all, "aov_site"), c->kind));
	printf("<small>target %s: <span class=\"verdict\">%s</span></small>",
	    t ? t : "-", json_is_true(met) ? "&#10003; met" :
	    json_is_false(met) ? "&#10007; not met" : "no figure");
	if (p->prev)
		change(&b, c, v, wa_page_num(p->prev, c->name), p->compare);
	printf("</div>\n");
	wa_buf_free(&b);
}

/* A tier's service target: its median first response against the tier's SLA. */
static void
tiercard(json_t *o)
{
	json_t *met = json_object_get(o, "first_response_p50_s_met");
	double v = wa_page_num(o, "first_response_p50_s"), rate = wa_page_num(o, "sla_met_rate");
	struct wa_buf b = { 0 };

	printf("<div class=\"card%s\" data-tier=\"", json_is_true(met) ? " met" :
	    json_is_false(met) ? " unmet" : "");
	wa_html(str(o, "group"));
	printf("\" data-figure=\"first_response_p50_s\" data-value=\"%.6g\" data-target=\"%.6g\">",
	    v, wa_page_num(o, "sla_target_s"));
	wa_html(str(o, "group"));
	printf(": median first response<span class=\"fig\">%s</span>",
	    wa_chart_fmt(&b, v, WA_COL_SECS));
	if (!isnan(rate))
		printf("<small>within target: %s of %lld conversations</small>",
		    wa_chart_fmt(&b, rate, WA_COL_RATE),
		    (long long)json_integer_value(json_object_get(o, "conversations")));
	printf("<small>target %s: <span class=\"verdict\">%s</span></small></div>\n",
	    wa_chart_fmt(&b, wa_page_num(o, "sla_target_s"), WA_COL_SECS),
	    json_is_true(met) ? "&#10003; met" : json_is_false(met) ? "&#10007; not met" :
	    "no figure");
	wa_buf_free(&b);
}

static void
scorecard(const struct wa_page *p, json_t *all)
{
	json_t *o;
	size_t i;

	printf("<h2>Scorecard</h2>\n<div class=\"cards\">\n");
	for (i = 0; i < NELEM(cards); i++)
		if (json_object_get(all, cards[i].name))
			card(p, all, &cards[i]);
	/* the tiers' SLAs: a tier's customers, not those of none or all */
	for (i = 0; (o = json_array_get(p->convs, i)) != NULL; i++)
		if (wa_page_num(o, "conversations") > 0 && strcmp(str(o, "group"), "all") != 0 &&
		    strcmp(str(o, "group"), "-") != 0)
			tiercard(o);
	printf("</div>\n");
}

/* The Monday of ISO week "2026-W40"; 0: not a week. */
static time_t
weekstart(const char *s)
{
	struct tm tm = { 0 };
	int y, w;
	time_t jan4;

	if (sscanf(s, "%d-W%d", &y, &w) != 2)
		return 0;
	tm.tm_year = y - 1900;
	tm.tm_mday = 4;
	jan4 = timegm(&tm);
	gmtime_r(&jan4, &tm);
	return jan4 - (time_t)((tm.tm_wday + 6) % 7) * 86400 + (time_t)(w - 1) * 7 * 86400;
}

/* The rows of A but "all", as names and times. */
static size_t
points(json_t *a, const char ***x, time_t **t)
{
	size_t i, n = json_array_size(a) ? json_array_size(a) - 1 : 0;
	char d[16];

	*x = wa_calloc(n + 1, sizeof **x);
	*t = wa_calloc(n + 1, sizeof **t);
	for (i = 0; i < n; i++) {
		(*x)[i] = str(json_array_get(a, i), "group");
		snprintf(d, sizeof d, "%s", (*x)[i]);
		if (wa_time_parse(d, WA_DATES_ANY, &(*t)[i]) < 0)
			(*t)[i] = weekstart(d);
	}
	return n;
}

static double *
column(json_t *a, size_t n, const char *name)
{
	double *v = wa_calloc(n + 1, sizeof *v);
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = wa_page_num(json_array_get(a, i), name);
	return v;
}

static void
trends(const struct wa_page *p)
{
	static const char *const rates[] = { "delivery_rate", "read_rate", "reply_rate" };
	static const char *const rname[] = { "delivered", "read", "replied" };
	struct wa_series s[3];
	struct wa_chart c = { 0 };
	const char **x;
	double *v[6];
	time_t *t;
	size_t i, n = points(p->trend, &x, &t);

	printf("<h2>Trends, a point a %s</h2>\n<div class=\"grid\"><div>\n", p->trendby);
	c.x = x; c.t = t; c.nx = n; c.xhead = p->trendby; c.s = s;
	v[0] = column(p->trend, n, "sent");
	s[0] = (struct wa_series){ "sent", v[0], WA_COL_COUNT };
	c.id = "trend-sent"; c.title = "Messages sent"; c.ns = 1;
	c.desc = "Messages that left, in each period of the report.";
	printf("<h3>Messages sent</h3>\n");
	wa_chart_lines(&c);
	for (i = 0; i < 3; i++) {
		v[1 + i] = column(p->trend, n, rates[i]);
		s[i] = (struct wa_series){ rname[i], v[1 + i], WA_COL_RATE };
	}
	c.id = "trend-rates"; c.title = "Delivered, read and replied"; c.ns = 3;
	c.desc = "Delivered of sent, read and replied of delivered, in each period.";
	c.max = 1;
	printf("</div><div><h3>Delivered, read, replied</h3>\n");
	wa_chart_lines(&c);
	c.max = 0;
	v[4] = column(p->trend, n, "conversions");
	s[0] = (struct wa_series){ "conversions", v[4], WA_COL_COUNT };
	c.id = "trend-conv"; c.title = "Conversions"; c.ns = 1;
	c.desc = "Recipients who ordered within the window after a message, by the message's period.";
	printf("</div><div><h3>Conversions</h3>\n");
	wa_chart_lines(&c);
	v[5] = column(p->trend, n, "revenue");
	s[0] = (struct wa_series){ "revenue", v[5], WA_COL_MONEY };
	c.id = "trend-revenue"; c.title = "Revenue"; c.ns = 1;
	c.desc = "What those orders came to, by the message's period.";
	printf("</div><div><h3>Revenue</h3>\n");
	wa_chart_lines(&c);
	printf("</div></div>\n");
	for (i = 0; i < 6; i++)
		free(v[i]);
	free(x);
	free(t);
}

static json_t *sortrev_a;

static int
cmprev(const void *x, const void *y)
{
	double a = wa_page_num(json_array_get(sortrev_a, *(const size_t *)x), "revenue");
	double b = wa_page_num(json_array_get(sortrev_a, *(const size_t *)y), "revenue");

	a = isnan(a) ? -1 : a;
	b = isnan(b) ? -1 : b;
	if (a != b)
		return a < b ? 1 : -1;
	return *(const size_t *)x < *(const size_t *)y ? -1 : 1;
}

/* The funnel of the campaigns of I[0..N): bars scaled to each one's sent. */
static void
funnels(json_t *a, const size_t *idx, size_t n)
{
	static const char *const field[] = { "sent", "delivered", "read",
	    "replied", "conversions" };
	static const char *const stage[] = { "sent", "delivered", "read",
	    "replied", "converted" };
	const char **x = wa_calloc(n + 1, sizeof *x);
	double *v[NELEM(field)];
	struct wa_series s[NELEM(field)];
	struct wa_chart c = { 0 };
	size_t i, k;

	for (k = 0; k < NELEM(field); k++) {
		v[k] = wa_calloc(n + 1, sizeof *v[k]);
		s[k] = (struct wa_series){ stage[k], v[k], WA_COL_COUNT };
	}
	for (i = 0; i < n; i++) {
		json_t *o = json_array_get(a, idx[i]);

		x[i] = str(o, "group");
		for (k = 0; k < NELEM(field); k++)
			v[k][i] = wa_page_num(o, field[k]);
	}
	c.id = "funnel"; c.title = "Funnel per campaign";
	c.desc = "Sent, delivered, read, replied and converted for each campaign, "
	    "the ten with most revenue.";
	c.xhead = "campaign"; c.x = x; c.nx = n; c.s = s; c.ns = NELEM(field);
	wa_chart_hbars(&c);
	for (k = 0; k < NELEM(field); k++)
		free(v[k]);
	free(x);
}

/* A table of rows I[0..N) of A, by the figures NAMES of KINDS. */
static void
rowtable(json_t *a, const size_t *idx, size_t n, const char *first,
    const char *const *names, const char *const *heads, const int *kinds, size_t nc)
{
	struct wa_buf b = { 0 };
	size_t i, j;

	printf("<div class=\"scroll\"><table><tr><th>%s</th>", first);
	for (j = 0; j < nc; j++)
		printf("<th>%s</th>", heads[j]);
	printf("</tr>\n");
	for (i = 0; i < n; i++) {
		json_t *o = json_array_get(a, idx ? idx[i] : i);

		printf("<tr><td>");
		wa_html(str(o, "group") ? str(o, "group") : str(o, "theme"));
		printf("</td>");
		for (j = 0; j < nc; j++)
			printf("<td data-figure=\"%s\">%s</td>", names[j],
			    wa_chart_fmt(&b, wa_page_num(o, names[j]), kinds[j]));
		printf("</tr>\n");
	}
	printf("</table></div>\n");
	wa_buf_free(&b);
}

static void
campaigns(const struct wa_page *p)
{
	static const char *const names[] = { "sent", "conversion_rate", "revenue" };
	static const char *const heads[] = { "sent", "conv%", "revenue" };
	static const int kinds[] = { WA_COL_COUNT, WA_COL_RATE, WA_COL_MONEY };
	size_t i, n = json_array_size(p->camps) - 1, top;
	size_t *idx = wa_calloc(n + 1, sizeof *idx);

	for (i = 0; i < n; i++)
		idx[i] = i;
	sortrev_a = p->camps;
	qsort(idx, n, sizeof *idx, cmprev);
	top = n < 10 ? n : 10;
	printf("<h2>Campaigns</h2>\n<div class=\"grid\"><div>\n");
	funnels(p->camps, idx, top);
	printf("</div><div><h3>Revenue and conversion</h3>\n");
	rowtable(p->camps, idx, top, "campaign", names, heads, kinds, NELEM(names));
	if (n > top) {
		printf("<h3>The other %zu campaigns</h3>\n", n - top);
		rowtable(p->camps, idx + top, n - top, "campaign", names, heads,
		    kinds, NELEM(names));
	}
	printf("</div></div>\n");
	free(idx);
}

static void
tiers(const struct wa_page *p)
{
	size_t i = 0, n = json_object_size(p->tiers);
	const char **x = wa_calloc(n + 1, sizeof *x), *k;
	double *v = wa_calloc(n + 1, sizeof *v);
	struct wa_series s = { "customers", v, WA_COL_COUNT };
	struct wa_chart c = { 0 };
	json_t *o;

	json_object_foreach(p->tiers, k, o) {
		x[i] = k;
		v[i++] = (double)json_integer_value(o);
	}
	c.id = "tiers"; c.title = "Customers per tier";
	c.desc = "How many customers each service tier has now.";
	c.xhead = "tier"; c.x = x; c.nx = n; c.s = &s; c.ns = 1;
	printf("<h3>Tiers</h3>\n");
	wa_chart_hbars(&c);
	if (p->moves)
		wa_tiermoves_html(p->moves);
	free(x);
	free(v);
}

/* Repeat purchase of first-time buyers, messaged or not: the difference and its interval. */
static void
repeat(const struct wa_page *p)
{
	const struct wa_store_kpi *st = p->st;
	static const char *const x[] = { "messaged", "not messaged" };
	double v[2] = { NAN, NAN };
	struct wa_series s = { "repeat within 180 days", v, WA_COL_RATE };
	struct wa_chart c = { 0 };
	struct wa_test t;
	int i;

	for (i = 0; i < 2; i++)
		if (st->cohort[1 - i] > 0)
			v[i] = (double)st->repeat[1 - i] / (double)st->cohort[1 - i];
	c.id = "repeat"; c.title = "Repeat purchase of first-time buyers";
	c.desc = "The part of first-time buyers who ordered again within 180 days, "
	    "among those a message reached after their first order and the others.";
	c.xhead = "first-time buyers"; c.x = x; c.nx = 2; c.s = &s; c.ns = 1; c.max = 1;
	printf("<h3>Repeat purchase</h3>\n");
	wa_chart_hbars(&c);
	printf("<p>%ld messaged and %ld other first-time buyers. ", st->cohort[1],
	    st->cohort[0]);
	if (wa_test_props(st->repeat[1], st->cohort[1], st->repeat[0],
	    st->cohort[0], &t) == 0)
		printf("Difference <strong data-figure=\"repeat_diff\" data-value=\"%.6g\">"
		    "%+.1f pts</strong>, 95%% interval %+.1f to %+.1f pts%s.",
		    t.diff, 100 * t.diff, 100 * t.lo, 100 * t.hi,
		    t.lo > 0 || t.hi < 0 ? "" : ": no clear difference yet");
	else
		printf("Too few to compare.");
	printf("</p>\n");
}

static void
customers(const struct wa_page *p)
{
	printf("<h2>Customers</h2>\n<div class=\"grid\">");
	if (p->tiers && json_object_size(p->tiers) > 0) {
		printf("<div>");
		tiers(p);
		printf("</div>");
	}
	printf("<div>");
	repeat(p);
	printf("</div></div>\n");
}

static void
waits(const struct wa_page *p, json_t *all)
{
	double v[WA_PAGE_NWAITS];
	struct wa_series s = { "answers", v, WA_COL_COUNT };
	struct wa_chart c = { 0 };
	struct wa_buf b = { 0 };
	size_t i;

	for (i = 0; i < WA_PAGE_NWAITS; i++)
		v[i] = (double)p->waits[i];
	printf("<h3>Response time</h3>\n<p>Median <strong data-figure=\"median_response_s\" "
	    "data-value=\"%.6g\">%s</strong>", wa_page_num(all, "median_response_s"),
	    wa_chart_fmt(&b, wa_page_num(all, "median_response_s"), WA_COL_SECS));
	printf(", 90%% within <strong data-figure=\"p90_response_s\" data-value=\"%.6g\">"
	    "%s</strong>.</p>\n", wa_page_num(all, "p90_response_s"),
	    wa_chart_fmt(&b, wa_page_num(all, "p90_response_s"), WA_COL_SECS));
	c.id = "waits"; c.title = "How long customers waited";
	c.desc = "Customer messages by the time to our next message.";
	c.xhead = "wait"; c.x = waitname; c.nx = WA_PAGE_NWAITS; c.s = &s; c.ns = 1;
	wa_chart_vbars(&c);
	wa_buf_free(&b);
}

/* Opt-outs by the campaign of the message before them. */
static void
optouts(const struct wa_page *p)
{
	static const char *const names[] = { "opted_out", "opt_out_rate" };
	static const char *const heads[] = { "opt-outs", "of delivered" };
	static const int kinds[] = { WA_COL_COUNT, WA_COL_RATE };
	size_t i, n = 0, all = json_array_size(p->camps) - 1;
	size_t *idx = wa_calloc(all + 1, sizeof *idx);

	for (i = 0; i < all; i++)
		if (wa_page_num(json_array_get(p->camps, i), "opted_out") > 0)
			idx[n++] = i;
	printf("<h3>Opt-outs, by the campaign before them</h3>\n");
	if (n)
		rowtable(p->camps, idx, n, "campaign", names, heads, kinds, NELEM(names));
	else
		printf("<p>No opt-out after a message.</p>\n");
	free(idx);
}

static void
service(const struct wa_page *p, json_t *all)
{
	static const char *const names[] = { "messages", "median_response_s" };
	static const char *const heads[] = { "messages", "answered in" };
	static const int kinds[] = { WA_COL_COUNT, WA_COL_SECS };
	size_t n = json_array_size(p->themes);

	printf("<h2>Replies and service</h2>\n<div class=\"grid\"><div>\n");
	waits(p, all);
	printf("</div><div>\n");
	if (n > 1) {
		printf("<h3>What customers ask most</h3>\n");
		rowtable(p->themes, NULL, n - 1 < 8 ? n - 1 : 8, "theme", names,
		    heads, kinds, NELEM(names));
	}
	optouts(p);
	printf("</div></div>\n");
}

void
wa_page_put(const struct wa_page *p)
{
	json_t *all = json_array_get(p->rows, json_array_size(p->rows) - 1);

	head(p);
	if (p->camps) {
		all = json_array_get(p->camps, json_array_size(p->camps) - 1);
		scorecard(p, all);
		trends(p);
		campaigns(p);
		customers(p);
		service(p, all);
		if (p->arms)
			wa_pagetab_ab(p);
	}
	if (p->by && strcmp(p->by, "channel") == 0)
		wa_pagetab_channels(p);
	wa_pagetab_view(p);
	if (p->store)
		wa_pagetab_store(p, all);
	printf("</body></html>\n");
}
