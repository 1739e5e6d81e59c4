/* wa-report: the store's KPIs from the ledger, webhook events and orders. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "report.h"

#define NELEM(a) (sizeof (a) / sizeof *(a))

enum { O_TABLE, O_CSV, O_JSON, O_HTML };
enum { C_TEXT, C_COUNT, C_RATE, C_SECS, C_MONEY, C_NUM };
/* The views: -b campaign...tier, -b ref, -b variant, --insights. */
enum { V_KPI, V_REF, V_VARIANT, V_INSIGHTS };
#define BY_REF (WA_BY_TIER + 1)
#define BY_VARIANT (WA_BY_TIER + 2)

/* The figures of a group, in the order every format shows them. */
static const struct col {
	const char *name;	/* in JSON and CSV */
	const char *head;	/* in the table and the page */
	int kind;
} cols[] = {
	{ "group", "group", C_TEXT },
	{ "sent", "sent", C_COUNT },
	{ "delivered", "dlvd", C_COUNT },
	{ "read", "read", C_COUNT },
	{ "failed", "failed", C_COUNT },
	{ "replied", "replied", C_COUNT },
	{ "opted_out", "opt-out", C_COUNT },
	{ "delivery_rate", "dlvd%", C_RATE },
	{ "read_rate", "read%", C_RATE },
	{ "reply_rate", "reply%", C_RATE },
	{ "opt_out_rate", "opt-out%", C_RATE },
	{ "median_response_s", "resp p50", C_SECS },
	{ "p90_response_s", "resp p90", C_SECS },
	{ "conversions", "conv", C_COUNT },
	{ "conversion_rate", "conv%", C_RATE },
	{ "revenue", "revenue", C_MONEY },
	{ "aov", "aov", C_MONEY },
	/* With survey answers only: the last NSURVEY. */
	{ "csat", "csat", C_NUM },
	{ "csat_answers", "csat n", C_COUNT },
	{ "nps", "nps", C_NUM },
	{ "nps_answers", "nps n", C_COUNT },
	{ "negative_rate", "negative%", C_RATE },
};
#define NSURVEY 5

/* -b ref: the writers of tagged messages by their first tag. */
static const struct col refcols[] = {
	{ "group", "ref", C_TEXT },
	{ "inquiries", "inquiries", C_COUNT },
	{ "conversions", "conv", C_COUNT },
	{ "conversion_rate", "conv%", C_RATE },
	{ "revenue", "revenue", C_MONEY },
	{ "aov", "aov", C_MONEY },
};

/* -b variant: a row per arm and figure. */
static const struct col armcols[] = {
	{ "campaign", "campaign", C_TEXT },
	{ "variant", "arm", C_TEXT },
	{ "metric", "figure", C_TEXT },
	{ "currency", "cur", C_TEXT },
	{ "n", "n", C_COUNT },
	{ "count", "count", C_COUNT },
	{ "value", "value", C_NUM },
	{ "baseline", "vs", C_TEXT },
	{ "diff", "diff", C_NUM },
	{ "ci_low", "95% low", C_NUM },
	{ "ci_high", "95% high", C_NUM },
	{ "p_value", "p", C_NUM },
	{ "n_needed", "n needed", C_NUM },
	{ "verdict", "verdict", C_TEXT },
};

/* --insights: a row per theme, then all. */
static const struct col themecols[] = {
	{ "theme", "theme", C_TEXT },
	{ "messages", "messages", C_COUNT },
	{ "auto_reply", "auto", C_COUNT },
	{ "person", "person", C_COUNT },
	{ "unanswered", "none", C_COUNT },
	{ "median_response_s", "resp p50", C_SECS },
};

/* The columns of this run's view. */
static const struct col *vcols = cols;
static size_t nvcols = NELEM(cols) - NSURVEY;

/* The store-wide figures, in the "all" object only. */
static const struct col storecols[] = {
	{ "aov_site", "AOV, all orders", C_MONEY },
	{ "aov_messaged", "AOV, messaged customers", C_MONEY },
	{ "aov_not_messaged", "AOV, other customers", C_MONEY },
	{ "first_time_buyers_messaged", "first-time buyers, messaged", C_COUNT },
	{ "first_time_buyers_not_messaged", "first-time buyers, not messaged", C_COUNT },
	{ "repeat_rate_messaged", "repeat within 180 days, messaged", C_RATE },
	{ "repeat_rate_not_messaged", "repeat within 180 days, not messaged", C_RATE },
};

/* The playbook's targets: a figure meets it at the bound, unless STRICT. */
static const struct target {
	const char *name;
	int atleast;		/* else at most */
	double bound;
	const char *text;
	int strict;
} targets[] = {
	{ "read_rate", 1, 0.95, ">= 95%", 0 },
	{ "median_response_s", 0, 900, "<= 15m", 0 },
	{ "conversion_rate", 1, 0.35, ">= 35%", 0 },
	{ "opt_out_rate", 0, 0.02, "<= 2%", 0 },
	{ "repeat_rate_messaged", 1, 0.40, ">= 40%", 0 },
	{ "aov_messaged", 1, 1.20, ">= site +20%", 0 },
	{ "csat", 1, 4.5, "> 4.5", 1 },
	{ "negative_rate", 0, 0.02, "< 2%", 1 },
};

static const char *const ledgerfields[] = { "event", "key", "at", "wamid",
    "campaign", "id", "to", "retry", "variant" };
static const char *const orderfields[] = { "type", "event", "id", "customer",
    "phone", "email", "created_at", "total", "currency", "financial_status",
    "cancelled_at" };
static const char *const eventfields[] = { "event", "wamid", "key", "status",
    "at", "from", "context", "id", "customer", "phone", "email", "created_at",
    "total", "currency", "financial_status", "cancelled_at", "type", "text",
    "payload", "ref" };
static const char *const custfields[] = { "id", "phone", "tier", "segment" };

static struct wa_report *rep;
static struct wa_insights *ins;
static int tflag, view = V_KPI;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wa-report [-b campaign|day|week|month|tier|ref|variant]\n"
	    "                 [-c CAMPAIGN] [-o table|csv|json|html] [--insights]\n"
	    "                 [--survey CAMPAIGN[:5|:10]]... [--targets] [--ledger FILE]\n"
	    "                 [--events FILE] [--orders FILE]... [--customers FILE]\n"
	    "                 [--since TIME] [--until TIME] [--window DURATION]\n"
	    "                 [--reply-window DURATION] [--now TIME] [--raw-csv]\n");
	exit(status);
}

/* What takes one record of a file in: 0, or -1 with the reason in *WHY. */
typedef int feed_fn(struct wa_report *r, json_t *o, const char **why);

/* Orders files: wa-import's order records, or wa-hook's order events. */
static int
order(struct wa_report *r, json_t *o, const char **why)
{
	const char *t = wa_json_str(o, "type"), *e = wa_json_str(o, "event");

	if ((t == NULL || strcmp(t, "order") != 0) &&
	    (e == NULL || strcmp(e, "order") != 0))
		return *why = "not an order record: no \"type\":\"order\"", -1;
	return wa_report_order(r, o, why);
}

/* Events: the KPIs' and, with --insights, the customers' words. */
static int
event(struct wa_report *r, json_t *e, const char **why)
{
	if (ins)
		wa_insights_add(ins, e);
	return wa_report_event(r, e, why);
}

/* Customers files: any record will do, most have no tier. */
static int
customer(struct wa_report *r, json_t *c, const char **why)
{
	wa_report_customer(r, c);
	return 0;
}

static int
onrecord(struct wa_rec *r, void *ctx)
{
	feed_fn *fn = *(feed_fn **)ctx;
	const char *why;

	if (fn(rep, r->json, &why) < 0)
		wa_reject(r, "%s", why);
	return 0;
}

/* Read the JSON lines of PATH into FN, parsing only FIELDS; a missing default file is empty. */
static void
readfile(const char *path, int isdefault, const char *const *fields,
    size_t n, feed_fn *fn)
{
	struct wa_input *in;
	char *argv[1];

	if (isdefault && access(path, F_OK) < 0)
		return;
	in = wa_input_new(WA_FMT_JSON);
	argv[0] = (char *)path;
	wa_input_fields(in, fields, n);
	wa_input_run(in, 1, argv, onrecord, &fn);
	wa_input_free(in);
}

/* --since and --until: a time, or a duration back from now ("30d"). */
static time_t
timearg(const char *opt, const char *s)
{
	long long d;
	time_t t;

	if (wa_dur_parse(s, &d) == 0)
		return wa_now() - (time_t)d;
	if (wa_time_parse(s, WA_DATES_ANY, &t) < 0)
		wa_die(WA_EXIT_USAGE, "%s: bad time '%s'", opt, s);
	return t;
}

static long long
durarg(const char *opt, const char *s)
{
	long long d;

	if (wa_dur_parse(s, &d) < 0)
		wa_die(WA_EXIT_USAGE, "%s: bad duration '%s'", opt, s);
	return d;
}

static int
choice(const char *opt, const char *s, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	wa_die(WA_EXIT_USAGE, "%s: unknown '%s'", opt, s);
}

static json_t *
rate(long num, long den)
{
	return den > 0 ? json_real(round(10000.0 * num / den) / 10000) : json_null();
}

/* A / N rounded half away from zero. */
static long long
divround(long long a, long n)
{
	return (a >= 0 ? a + n / 2 : a - n / 2) / n;
}

static int
cmpcur(const void *a, const void *b)
{
	return strcmp((*(const struct wa_amount *const *)a)->cur,
	    (*(const struct wa_amount *const *)b)->cur);
}

/* {"EUR": sum} of amounts A[0..N) by code, or their averages with AVG; only those with orders. */
static json_t *
money(const struct wa_amount *a, size_t n, int avg)
{
	const struct wa_amount **p = wa_calloc(n, sizeof *p);
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = &a[i];
	qsort(p, n, sizeof *p, cmpcur);
	for (i = 0; i < n; i++)
		if (p[i]->n > 0)
			json_object_set_new(o, p[i]->cur, wa_money_json(avg ?
			    divround(p[i]->sum, p[i]->n) : p[i]->sum, p[i]->cur));
	free(p);
	return o;
}

static json_t *
secs(long long s)
{
	return s < 0 ? json_null() : json_integer(s);
}

/* X rounded to PLACES, or null when it is no number. */
static json_t *
real(double x, int places)
{
	double f = pow(10, places);

	return isfinite(x) ? json_real(round(x * f) / f) : json_null();
}

/* Is figure V of target T met: true, false, or null without a figure. */
static json_t *
met(const struct target *t, json_t *v)
{
	double x;

	if (!json_is_number(v))
		return json_null();
	x = json_number_value(v);
	if (t->strict && x == t->bound)
		return json_false();
	return json_boolean(t->atleast ? x >= t->bound : x <= t->bound);
}

/* AOV of messaged customers against the site's, in every currency that has both. */
static json_t *
aovmet(const struct target *t, json_t *o)
{
	json_t *site = json_object_get(o, "aov_site"), *m;
	json_t *msg = json_object_get(o, "aov_messaged");
	const char *cur;
	int any = 0;

	json_object_foreach(msg, cur, m) {
		if (json_number_value(m) < t->bound *
		    json_number_value(json_object_get(site, cur)))
			return json_false();
		any = 1;
	}
	return any ? json_true() : json_null();
}

static void
addtargets(json_t *o)
{
	char name[64];
	json_t *v;
	size_t i;

	for (i = 0; i < NELEM(targets); i++) {
		if ((v = json_object_get(o, targets[i].name)) == NULL)
			continue;
		snprintf(name, sizeof name, "%s_met", targets[i].name);
		json_object_set_new(o, name, strcmp(targets[i].name,
		    "aov_messaged") == 0 ? aovmet(&targets[i], o) :
		    met(&targets[i], v));
	}
}

static json_t *
kpijson(const struct wa_kpi *k)
{
	json_t *o = json_object();

	json_object_set_new(o, "group", json_string(k->group));
	json_object_set_new(o, "sent", json_integer(k->sent));
	json_object_set_new(o, "delivered", json_integer(k->delivered));
	json_object_set_new(o, "read", json_integer(k->read));
	json_object_set_new(o, "failed", json_integer(k->failed));
	json_object_set_new(o, "replied", json_integer(k->replied));
	json_object_set_new(o, "opted_out", json_integer(k->opted_out));
	json_object_set_new(o, "delivery_rate", rate(k->delivered, k->sent));
	json_object_set_new(o, "read_rate", rate(k->read, k->delivered));
	json_object_set_new(o, "reply_rate", rate(k->replied, k->delivered));
	json_object_set_new(o, "opt_out_rate", rate(k->opted_out, k->delivered));
	json_object_set_new(o, "median_response_s", secs(k->median_s));
	json_object_set_new(o, "p90_response_s", secs(k->p90_s));
	json_object_set_new(o, "conversions", json_integer(k->conversions));
	json_object_set_new(o, "conversion_rate", rate(k->conversions, k->recips));
	json_object_set_new(o, "revenue", money(k->rev, k->nrev, 0));
	json_object_set_new(o, "aov", money(k->rev, k->nrev, 1));
	if (nvcols == NELEM(cols)) {
		json_object_set_new(o, "csat", real(wa_survey_csat(&k->survey), 2));
		json_object_set_new(o, "csat_answers", json_integer(k->survey.n5));
		json_object_set_new(o, "nps", real(wa_survey_nps(&k->survey), 1));
		json_object_set_new(o, "nps_answers", json_integer(k->survey.n10));
		json_object_set_new(o, "negative_rate",
		    real(wa_survey_negative(&k->survey), 4));
	}
	return o;
}

/* -b ref: inquiries, and what came of them. */
static json_t *
refjson(const struct wa_kpi *k)
{
	json_t *o = json_object();

	json_object_set_new(o, "group", json_string(k->group));
	json_object_set_new(o, "inquiries", json_integer(k->recips));
	json_object_set_new(o, "conversions", json_integer(k->conversions));
	json_object_set_new(o, "conversion_rate", rate(k->conversions, k->recips));
	json_object_set_new(o, "revenue", money(k->rev, k->nrev, 0));
	json_object_set_new(o, "aov", money(k->rev, k->nrev, 1));
	return o;
}

static void
addstore(json_t *o, const struct wa_store_kpi *s)
{
	json_object_set_new(o, "aov_site", money(s->site, s->ncur, 1));
	json_object_set_new(o, "aov_messaged", money(s->messaged, s->ncur, 1));
	json_object_set_new(o, "aov_not_messaged", money(s->others, s->ncur, 1));
	json_object_set_new(o, "first_time_buyers_messaged",
	    json_integer(s->cohort[1]));
	json_object_set_new(o, "first_time_buyers_not_messaged",
	    json_integer(s->cohort[0]));
	json_object_set_new(o, "repeat_rate_messaged",
	    rate(s->repeat[1], s->cohort[1]));
	json_object_set_new(o, "repeat_rate_not_messaged",
	    rate(s->repeat[0], s->cohort[0]));
}

/*
 * Every group as an object, the last one "all" with the store-wide figures
 * (S NULL: none, as for -b ref).
 */
static json_t *
rows(struct wa_kpi *k, size_t n, const struct wa_store_kpi *s)
{
	json_t *a = json_array(), *o;
	size_t i;

	for (i = 0; i < n; i++) {
		o = s ? kpijson(&k[i]) : refjson(&k[i]);
		if (s && i == n - 1)
			addstore(o, s);
		if (tflag)
			addtargets(o);
		json_array_append_new(a, o);
	}
	return a;
}

/* "4m12s": two units at most, for a person. */
static void
human(struct wa_buf *b, long long s)
{
	static const long long unit[] = { 86400, 3600, 60, 1 };
	static const char name[] = "dhms";
	char tmp[32];
	int i, shown = 0;

	for (i = 0; i < 4 && shown < 2; i++) {
		if (s < unit[i] && !(shown || i == 3))
			continue;
		snprintf(tmp, sizeof tmp, shown ? "%02lld%c" : "%lld%c",
		    s / unit[i], name[i]);
		wa_buf_adds(b, tmp);
		s %= unit[i];
		shown++;
	}
}

/* "12.50 EUR, 3 USD" from {"EUR":12.5,"USD":3}. */
static void
moneytext(struct wa_buf *b, json_t *o)
{
	const char *cur;
	char tmp[64];
	json_t *v;

	json_object_foreach(o, cur, v) {
		if (b->len > 0)
			wa_buf_adds(b, ", ");
		snprintf(tmp, sizeof tmp, "%.*f %s", wa_money_exp(cur),
		    json_number_value(v), cur);
		wa_buf_adds(b, tmp);
	}
}

/*
 * The text of value V of a column of KIND into B (reset first): for a
 * person with HUMAN (rates in percent, durations in units), else for CSV.
 */
static const char *
text(struct wa_buf *b, json_t *v, int kind, int human_)
{
	char tmp[64];

	wa_buf_reset(b);
	if (json_is_string(v))
		wa_buf_adds(b, json_string_value(v));
	else if (v == NULL || json_is_null(v) ||
	    (json_is_object(v) && json_object_size(v) == 0))
		wa_buf_adds(b, human_ ? "-" : "");
	else if (json_is_boolean(v))
		wa_buf_adds(b, json_is_true(v) ? "true" : "false");
	else if (json_is_object(v))
		moneytext(b, v);
	else if (kind == C_RATE && human_) {
		snprintf(tmp, sizeof tmp, "%.1f%%", 100 * json_number_value(v));
		wa_buf_adds(b, tmp);
	} else if (kind == C_SECS && human_)
		human(b, json_integer_value(v));
	else if (kind == C_NUM) {
		snprintf(tmp, sizeof tmp, human_ ? "%.4g" : "%.6g",
		    json_number_value(v));
		wa_buf_adds(b, tmp);
	}
	else if (json_is_integer(v)) {
		snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
		wa_buf_adds(b, tmp);
	} else {
		snprintf(tmp, sizeof tmp, "%.4f", json_number_value(v));
		wa_buf_adds(b, tmp);
	}
	return wa_buf_str(b);
}

static const char *
cell(struct wa_buf *b, json_t *o, const struct col *c)
{
	return text(b, json_object_get(o, c->name), c->kind, 1);
}

/* The mark of column C's target in O: NULL when it has none. */
static const char *
mark(json_t *o, const struct col *c)
{
	char name[64];
	json_t *v;

	snprintf(name, sizeof name, "%s_met", c->name);
	if ((v = json_object_get(o, name)) == NULL)
		return NULL;
	return json_is_null(v) ? "" : json_is_true(v) ? " met" : " not met";
}

static const struct target *
targetof(const struct col *c)
{
	size_t i;

	for (i = 0; i < NELEM(targets); i++)
		if (strcmp(targets[i].name, c->name) == 0)
			return &targets[i];
	return NULL;
}

/* Characters, not bytes: campaign names may be in any script. */
static size_t
width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void
pad(const char *s, size_t w, int left)
{
	size_t n = width(s);

	if (!left)
		printf("%*s", (int)(w - n), "");
	fputs(s, stdout);
	if (left)
		printf("%*s", (int)(w - n), "");
}

/* The text of every cell of the table, the header row first. */
static char **
tablecells(json_t *a, size_t *w)
{
	size_t i, j, nr = json_array_size(a) + 1, nc = nvcols;
	char **t = wa_calloc(nr * nc, sizeof *t);
	struct wa_buf b = { 0 };
	const char *m;

	for (j = 0; j < nc; j++) {
		wa_buf_reset(&b);
		wa_buf_adds(&b, vcols[j].head);
		if (tflag && targetof(&vcols[j])) {
			wa_buf_adds(&b, " ");
			wa_buf_adds(&b, targetof(&vcols[j])->text);
		}
		t[j] = wa_strdup(wa_buf_str(&b));
	}
	for (i = 1; i < nr; i++)
		for (j = 0; j < nc; j++) {
			json_t *o = json_array_get(a, i - 1);

			cell(&b, o, &vcols[j]);
			if (tflag && (m = mark(o, &vcols[j])) != NULL)
				wa_buf_adds(&b, m);
			t[i * nc + j] = wa_strdup(wa_buf_str(&b));
		}
	for (j = 0; j < nc; j++)
		for (w[j] = 0, i = 0; i < nr; i++)
			if (width(t[i * nc + j]) > w[j])
				w[j] = width(t[i * nc + j]);
	wa_buf_free(&b);
	return t;
}

static void
puttable(json_t *a)
{
	size_t i, j, nr = json_array_size(a) + 1, nc = nvcols, w[NELEM(cols)];
	char **t = tablecells(a, w);
	json_t *all = json_array_get(a, nr - 2);
	struct wa_buf b = { 0 };
	const char *m;

	for (i = 0; i < nr; i++) {
		for (j = 0; j < nc; j++) {
			if (j > 0)
				fputs("  ", stdout);
			pad(t[i * nc + j], w[j], j == 0);
			free(t[i * nc + j]);
		}
		putchar('\n');
	}
	free(t);
	if (view != V_KPI)
		return;
	printf("\nstore-wide\n");
	for (j = 0; j < NELEM(storecols); j++) {
		printf("  %-38s %s", storecols[j].head, cell(&b, all,
		    &storecols[j]));
		if (tflag && (m = mark(all, &storecols[j])) != NULL)
			printf(" (target %s:%s)", targetof(&storecols[j])->text,
			    *m ? m : " -");
		putchar('\n');
	}
	wa_buf_free(&b);
}

/* Is the figure NAME in this view's columns, or store-wide ones? */
static int
shown(const char *name)
{
	size_t j;

	for (j = 0; j < nvcols; j++)
		if (strcmp(vcols[j].name, name) == 0)
			return 1;
	for (j = 0; view == V_KPI && j < NELEM(storecols); j++)
		if (strcmp(storecols[j].name, name) == 0)
			return 1;
	return 0;
}

/* CSV: every figure by its JSON name, the store-wide ones and the marks last. */
static void
putcsv(json_t *a)
{
	const char *names[NELEM(cols) + NELEM(storecols) + NELEM(targets)];
	char met[NELEM(targets)][64];
	struct wa_buf b = { 0 };
	size_t i, j, n = 0;
	json_t *o;

	for (j = 0; j < nvcols; j++)
		names[n++] = vcols[j].name;
	for (j = 0; view == V_KPI && j < NELEM(storecols); j++)
		names[n++] = storecols[j].name;
	for (j = 0; tflag && j < NELEM(targets); j++) {
		if (!shown(targets[j].name))
			continue;
		snprintf(met[j], sizeof met[j], "%s_met", targets[j].name);
		names[n++] = met[j];
	}
	for (j = 0; j < n; j++)
		printf(j ? ",%s" : "%s", names[j]);
	putchar('\n');
	json_array_foreach(a, i, o) {
		for (j = 0; j < n; j++) {
			if (j > 0)
				putchar(',');
			text(&b, json_object_get(o, names[j]), C_TEXT, 0);
			wa_csv_putfield(stdout, b.s ? b.s : "", b.len);
		}
		putchar('\n');
	}
	wa_buf_free(&b);
}

static void
esc(const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", stdout); break;
		case '>': fputs("&gt;", stdout); break;
		case '&': fputs("&amp;", stdout); break;
		case '"': fputs("&quot;", stdout); break;
		default: putchar(*s);
		}
}

static long long
count(json_t *o, const char *name)
{
	return json_integer_value(json_object_get(o, name));
}

/* sent > delivered > read > replied > converted, as bars of one scale. */
static void
funnel(json_t *all)
{
	static const char *const field[] = { "sent", "delivered", "read",
	    "replied", "conversions" };
	static const char *const stage[] = { "sent", "delivered", "read",
	    "replied", "converted" };
	long long v, max = count(all, "sent");
	size_t i;

	printf("<svg id=\"funnel\" viewBox=\"0 0 400 %d\" role=\"img\" "
	    "aria-label=\"funnel\">\n", 5 * 36);
	for (i = 0; i < NELEM(stage); i++) {
		v = count(all, field[i]);
		printf("<text x=\"0\" y=\"%zu\">%s</text>", i * 36 + 19, stage[i]);
		printf("<rect class=\"bar\" data-stage=\"%s\" data-value=\"%lld\" "
		    "x=\"100\" y=\"%zu\" width=\"%.1f\" height=\"28\" fill=\"#25d366\"/>",
		    stage[i], v, i * 36, max > 0 ? 240.0 * v / max : 0.0);
		printf("<text x=\"%.1f\" y=\"%zu\">%lld</text>\n",
		    104 + (max > 0 ? 240.0 * v / max : 0.0), i * 36 + 19, v);
	}
	printf("</svg>\n");
}

/* Sent and read messages a day, as pairs of bars. */
static void
daily(json_t *days)
{
	static const char *const series[] = { "sent", "read" };
	static const char *const color[] = { "#9be7b4", "#075e54" };
	size_t i, s, n = json_array_size(days) - 1;	/* not "all" */
	double slot = n ? 560.0 / n : 560.0, h;
	long long v, max = 0;
	json_t *d;

	for (i = 0; i < n; i++)
		if (count(json_array_get(days, i), "sent") > max)
			max = count(json_array_get(days, i), "sent");
	printf("<svg id=\"daily\" viewBox=\"0 0 600 240\" role=\"img\" "
	    "aria-label=\"messages a day\">\n");
	printf("<line x1=\"30\" y1=\"210\" x2=\"590\" y2=\"210\" stroke=\"#888\"/>");
	printf("<text x=\"0\" y=\"14\">%lld</text>\n", max);
	for (i = 0; i < n; i++) {
		d = json_array_get(days, i);
		for (s = 0; s < NELEM(series); s++) {
			v = count(d, series[s]);
			h = max > 0 ? 190.0 * v / max : 0;
			printf("<rect class=\"bar\" data-day=\"%s\" data-series=\"%s\" "
			    "data-value=\"%lld\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
			    "height=\"%.2f\" fill=\"%s\"><title>%s: %lld %s</title></rect>\n",
			    json_string_value(json_object_get(d, "group")), series[s], v,
			    30 + i * slot + s * slot * 0.4, 210 - h, slot * 0.4, h,
			    color[s], json_string_value(json_object_get(d, "group")), v,
			    series[s]);
		}
	}
	if (n > 0)
		printf("<text x=\"30\" y=\"232\">%s</text><text x=\"590\" y=\"232\" "
		    "text-anchor=\"end\">%s</text>\n",
		    json_string_value(json_object_get(json_array_get(days, 0), "group")),
		    json_string_value(json_object_get(json_array_get(days, n - 1), "group")));
	printf("</svg>\n<p class=\"key\"><span style=\"color:%s\">&#9632;</span> sent "
	    "<span style=\"color:%s\">&#9632;</span> read</p>\n", color[0], color[1]);
}

static void
htmlcell(struct wa_buf *b, json_t *o, const struct col *c, const char *tag)
{
	const char *m = tflag ? mark(o, c) : NULL;

	printf("<%s%s>", tag, m == NULL || *m == '\0' ? "" :
	    strcmp(m, " met") == 0 ? " class=\"met\"" : " class=\"unmet\"");
	esc(cell(b, o, c));
	if (m && *m)
		esc(m);
	printf("</%s>", tag);
}

static void
puthtml(json_t *a, json_t *days, const char *by, time_t now)
{
	char tb[WA_TIMEBUF];
	struct wa_buf b = { 0 };
	json_t *all = json_array_get(a, json_array_size(a) - 1), *o;
	size_t i, j;

	printf("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<title>WhatsApp report</title>\n<style>\n"
	    "body{font:15px/1.4 system-ui,sans-serif;margin:1em;color:#222;background:#fff}\n"
	    "h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}\n"
	    ".scroll{overflow-x:auto}\n"
	    "table{border-collapse:collapse;font-variant-numeric:tabular-nums}\n"
	    "th,td{padding:.25em .5em;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}\n"
	    "th:first-child,td:first-child{text-align:left}\n"
	    ".met{color:#060}.unmet{color:#b00;font-weight:bold}\n"
	    "svg{width:100%%;max-width:40em;height:auto;display:block;font-size:13px}\n"
	    ".store th{white-space:normal;text-align:left;font-weight:normal}\n"
	    "</style></head><body>\n<h1>WhatsApp report</h1>\n<p>As of %s.</p>\n",
	    wa_time_fmt(now, tb));
	if (view == V_KPI) {
		printf("<h2>Funnel</h2>\n");
		funnel(all);
		printf("<h2>Messages a day</h2>\n");
		daily(days);
	}
	printf("<h2>By %s</h2>\n<div class=\"scroll\"><table>\n<tr>", by);
	for (j = 0; j < nvcols; j++) {
		printf("<th>");
		esc(vcols[j].head);
		if (tflag && targetof(&vcols[j])) {
			printf(" ");
			esc(targetof(&vcols[j])->text);
		}
		printf("</th>");
	}
	printf("</tr>\n");
	json_array_foreach(a, i, o) {
		printf("<tr>");
		for (j = 0; j < nvcols; j++)
			htmlcell(&b, o, &vcols[j], "td");
		printf("</tr>\n");
	}
	printf("</table></div>\n");
	if (view != V_KPI) {
		printf("</body></html>\n");
		wa_buf_free(&b);
		return;
	}
	printf("<h2>Store-wide</h2>\n<div class=\"scroll\"><table class=\"store\">\n");
	for (j = 0; j < NELEM(storecols); j++) {
		printf("<tr><th>");
		esc(storecols[j].head);
		if (tflag && targetof(&storecols[j])) {
			printf(" ");
			esc(targetof(&storecols[j])->text);
		}
		printf("</th>");
		htmlcell(&b, all, &storecols[j], "td");
		printf("</tr>\n");
	}
	printf("</table></div>\n</body></html>\n");
	wa_buf_free(&b);
}

/* The page's daily chart needs the days, whatever the grouping. */
static json_t *
bydays(const struct wa_store_kpi *st)
{
	struct wa_kpi *k;
	json_t *a;
	size_t n;

	k = wa_report_kpis(rep, WA_BY_DAY, &n);
	a = rows(k, n, st);
	wa_report_kpis_free(k, n);
	return a;
}

/* The view's rows: KPIs by BY, refs, arms of CAMP, or themes. */
static json_t *
viewrows(int by, const char *camp, const struct wa_store_kpi *st)
{
	struct wa_arm *arms;
	struct wa_kpi *k;
	json_t *a;
	size_t n;

	switch (view) {
	case V_INSIGHTS:
		return wa_insights_rows(ins, rep, 20);
	case V_VARIANT:
		arms = wa_report_arms(rep, camp, &n);
		a = wa_variant_rows(arms, n);
		wa_report_arms_free(arms, n);
		return a;
	}
	k = view == V_REF ? wa_report_refs(rep, &n) : wa_report_kpis(rep, by, &n);
	/* Survey columns once there is a survey. */
	if (view == V_KPI && (k[n - 1].survey.n5 || k[n - 1].survey.n10 ||
	    k[n - 1].survey.optouts))
		nvcols = NELEM(cols);
	a = rows(k, n, view == V_KPI ? st : NULL);
	wa_report_kpis_free(k, n);
	return a;
}

static void
setview(int v, const struct col *c, size_t n)
{
	view = v;
	vcols = c;
	nvcols = n;
}

/*
 * Read the ledger, index its messages by recipient, then take the webhook
 * events, the customers and the orders in; count and write.
 */
int
main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "campaign", required_argument, NULL, 'c' },
		{ "customers", required_argument, NULL, 'C' },
		{ "events", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ "insights", no_argument, NULL, 'I' },
		{ "ledger", required_argument, NULL, 'L' },
		{ "now", required_argument, NULL, 'N' },
		{ "orders", required_argument, NULL, 'O' },
		{ "raw-csv", no_argument, NULL, 'X' },
		{ "reply-window", required_argument, NULL, 'R' },
		{ "since", required_argument, NULL, 'S' },
		{ "survey", required_argument, NULL, 'Q' },
		{ "targets", no_argument, NULL, 'T' },
		{ "until", required_argument, NULL, 'U' },
		{ "version", no_argument, NULL, 'V' },
		{ "window", required_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const bys[] = { "campaign", "day", "week", "month",
	    "tier", "ref", "variant" };
	static const char *const fmts[] = { "table", "csv", "json", "html" };
	struct wa_report_opt o = { .window = 7 * 86400, .replywin = 72 * 3600 };
	const char *ledger = NULL, *events = NULL, *customers = NULL;
	const char *since = NULL, *until = NULL, *camp = NULL;
	char **orders = wa_calloc((size_t)argc, sizeof *orders);
	char **surveys = wa_calloc((size_t)argc, sizeof *surveys);
	int ch, by = WA_BY_CAMPAIGN, fmt = isatty(1) ? O_TABLE : O_JSON;
	int insights = 0;
	struct wa_store_kpi st;
	size_t i, norders = 0, nsurveys = 0;
	json_t *a, *days = NULL;
	char *dl = NULL, *de = NULL;
	int status;

	wa_init(argv[0]);
	argv[0] = (char *)wa_prog;
	while ((ch = getopt_long(argc, argv, "b:c:ho:", longs, NULL)) != -1) {
		switch (ch) {
		case 'b': by = choice("-b", optarg, bys, NELEM(bys)); break;
		case 'c': camp = optarg; break;
		case 'X': wa_csv_raw = 1; break;
		case 'C': customers = optarg; break;
		case 'E': events = optarg; break;
		case 'h': usage(0); break;
		case 'I': insights = 1; break;
		case 'L': ledger = optarg; break;
		case 'N':
			if (wa_now_set(optarg) < 0)
				wa_die(WA_EXIT_USAGE, "--now: bad time '%s'", optarg);
			break;
		case 'o': fmt = choice("-o", optarg, fmts, NELEM(fmts)); break;
		case 'O': orders[norders++] = optarg; break;
		case 'Q': surveys[nsurveys++] = optarg; break;
		case 'R': o.replywin = durarg("--reply-window", optarg); break;
		case 'S': since = optarg; break;
		case 'T': tflag = 1; break;
		case 'U': until = optarg; break;
		case 'V': wa_version(); break;
		case 'W': o.window = durarg("--window", optarg); break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	if (optind < argc)
		usage(WA_EXIT_USAGE);
	if (camp && by != BY_VARIANT)
		wa_die(WA_EXIT_USAGE, "-c: only with -b variant");
	if (by == BY_REF)
		setview(V_REF, refcols, NELEM(refcols));
	else if (by == BY_VARIANT)
		setview(V_VARIANT, armcols, NELEM(armcols));
	if (insights)
		setview(V_INSIGHTS, themecols, NELEM(themecols));
	/* After the loop: --now may come after --since. */
	o.now = wa_now();
	o.since = since ? timearg("--since", since) : 0;
	o.until = until ? timearg("--until", until) : 0;
	if (ledger == NULL)
		ledger = dl = wa_home_path(WA_SF_LEDGER);
	if (events == NULL)
		events = de = wa_home_path(WA_SF_EVENTS);
	rep = wa_report_new(&o);
	for (i = 0; i < nsurveys; i++)
		if (wa_report_survey(rep, surveys[i]) < 0)
			wa_die(WA_EXIT_USAGE, "--survey: bad campaign '%s'",
			    surveys[i]);
	if (insights)
		ins = wa_insights_new(o.since, o.until);
	readfile(ledger, dl != NULL, ledgerfields, NELEM(ledgerfields),
	    wa_report_ledger);
	wa_report_index(rep);
	readfile(events, de != NULL, eventfields, NELEM(eventfields), event);
	/* After the events: a customer's id joins the number that wrote. */
	if (customers)
		readfile(customers, 0, custfields, NELEM(custfields), customer);
	for (i = 0; i < norders; i++)
		readfile(orders[i], 0, orderfields, NELEM(orderfields), order);
	wa_report_store(rep, &st);
	a = viewrows(by, camp, &st);
	switch (fmt) {
	case O_TABLE: puttable(a); break;
	case O_CSV: putcsv(a); break;
	case O_JSON:
		for (i = 0; i < json_array_size(a); i++)
			wa_json_put(stdout, json_array_get(a, i));
		break;
	case O_HTML:
		if (view == V_KPI)
			days = bydays(&st);
		puthtml(a, days, insights ? "theme" : bys[by], o.now);
		json_decref(days);
		break;
	}
	json_decref(a);
	status = wa_finish();
	wa_insights_free(ins);
	wa_report_free(rep);
	free(orders);
	free(surveys);
	free(dl);
	free(de);
	return status;
}
