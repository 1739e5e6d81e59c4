/* wa-report: the store's KPIs from the ledger, webhook events and orders. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "report.h"

#define NELEM(a) (sizeof (a) / sizeof *(a))

enum { O_TABLE, O_CSV, O_JSON, O_HTML };

/* The figures of a group, in the order every format shows them. */
static const struct wa_tcol cols[] = {
	{ "group", "group", WA_COL_TEXT | WA_COL_LEFT },
	{ "sent", "sent", WA_COL_COUNT },
	{ "delivered", "dlvd", WA_COL_COUNT },
	{ "read", "read", WA_COL_COUNT },
	{ "failed", "failed", WA_COL_COUNT },
	{ "replied", "replied", WA_COL_COUNT },
	{ "opted_out", "opt-out", WA_COL_COUNT },
	{ "delivery_rate", "dlvd%", WA_COL_RATE },
	{ "read_rate", "read%", WA_COL_RATE },
	{ "reply_rate", "reply%", WA_COL_RATE },
	{ "opt_out_rate", "opt-out%", WA_COL_RATE },
	{ "median_response_s", "resp p50", WA_COL_SECS },
	{ "p90_response_s", "resp p90", WA_COL_SECS },
	{ "conversions", "conv", WA_COL_COUNT },
	{ "conversion_rate", "conv%", WA_COL_RATE },
	{ "revenue", "revenue", WA_COL_MONEY },
	{ "aov", "aov", WA_COL_MONEY },
	/* With survey answers only: the last NSURVEY. */
	{ "csat", "csat", WA_COL_NUM },
	{ "csat_answers", "csat n", WA_COL_COUNT },
	{ "nps", "nps", WA_COL_NUM },
	{ "nps_answers", "nps n", WA_COL_COUNT },
	{ "negative_rate", "negative%", WA_COL_RATE },
};
#define NSURVEY 5

/* -b ref: the writers of tagged messages by their first tag. */
static const struct wa_tcol refcols[] = {
	{ "group", "ref", WA_COL_TEXT | WA_COL_LEFT },
	{ "inquiries", "inquiries", WA_COL_COUNT },
	{ "conversions", "conv", WA_COL_COUNT },
	{ "conversion_rate", "conv%", WA_COL_RATE },
	{ "revenue", "revenue", WA_COL_MONEY },
	{ "aov", "aov", WA_COL_MONEY },
};

/* -b variant: a row per arm and figure. */
static const struct wa_tcol armcols[] = {
	{ "campaign", "campaign", WA_COL_TEXT | WA_COL_LEFT },
	{ "variant", "arm", WA_COL_TEXT },
	{ "metric", "figure", WA_COL_TEXT },
	{ "currency", "cur", WA_COL_TEXT },
	{ "n", "n", WA_COL_COUNT },
	{ "count", "count", WA_COL_COUNT },
	{ "value", "value", WA_COL_NUM },
	{ "baseline", "vs", WA_COL_TEXT },
	{ "diff", "diff", WA_COL_NUM },
	{ "ci_low", "95% low", WA_COL_NUM },
	{ "ci_high", "95% high", WA_COL_NUM },
	{ "p_value", "p", WA_COL_NUM },
	{ "n_needed", "n needed", WA_COL_NUM },
	{ "verdict", "verdict", WA_COL_TEXT },
};

/* --insights: a row per theme, then all. */
static const struct wa_tcol themecols[] = {
	{ "theme", "theme", WA_COL_TEXT | WA_COL_LEFT },
	{ "messages", "messages", WA_COL_COUNT },
	{ "auto_reply", "auto", WA_COL_COUNT },
	{ "person", "person", WA_COL_COUNT },
	{ "unanswered", "none", WA_COL_COUNT },
	{ "median_response_s", "resp p50", WA_COL_SECS },
};

/* -b consent: the consent log's events per week and source. */
static const struct wa_tcol growthcols[] = {
	{ "week", "week", WA_COL_TEXT | WA_COL_LEFT },
	{ "source", "source", WA_COL_TEXT | WA_COL_LEFT },
	{ "opt_in", "opt-in", WA_COL_COUNT },
	{ "opt_out", "opt-out", WA_COL_COUNT },
	{ "net", "net", WA_COL_COUNT },
};

/* The store-wide figures, in the "all" object only. */
static const struct wa_tcol storecols[] = {
	{ "aov_site", "AOV, all orders", WA_COL_MONEY },
	{ "aov_messaged", "AOV, messaged customers", WA_COL_MONEY },
	{ "aov_not_messaged", "AOV, other customers", WA_COL_MONEY },
	{ "first_time_buyers_messaged", "first-time buyers, messaged", WA_COL_COUNT },
	{ "first_time_buyers_not_messaged", "first-time buyers, not messaged", WA_COL_COUNT },
	{ "repeat_rate_messaged", "repeat within 180 days, messaged", WA_COL_RATE },
	{ "repeat_rate_not_messaged", "repeat within 180 days, not messaged", WA_COL_RATE },
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
static const char *const consentfields[] = { "type", "at", "source" };

/* The views: by a grouping of the KPIs, -b ref, -b variant, --insights. */
typedef json_t *rows_fn(int by, const char *camp, const struct wa_store_kpi *st);
static rows_fn kpirows, refrows, armrows, growthrows, themerows;
static const struct view {
	const char *by;		/* -b's name, the page's "By" */
	const struct wa_tcol *cols;
	size_t ncols;		/* the KPIs: without the survey's columns */
	rows_fn *rows;
} views[] = {
	[WA_BY_CAMPAIGN] = { "campaign", cols, NELEM(cols) - NSURVEY, kpirows },
	[WA_BY_DAY] = { "day", cols, NELEM(cols) - NSURVEY, kpirows },
	[WA_BY_WEEK] = { "week", cols, NELEM(cols) - NSURVEY, kpirows },
	[WA_BY_MONTH] = { "month", cols, NELEM(cols) - NSURVEY, kpirows },
	[WA_BY_TIER] = { "tier", cols, NELEM(cols) - NSURVEY, kpirows },
	[WA_BY_REF] = { "ref", refcols, NELEM(refcols), refrows },
	[WA_BY_VARIANT] = { "variant", armcols, NELEM(armcols), armrows },
	[WA_BY_CONSENT] = { "consent", growthcols, NELEM(growthcols), growthrows },
	[WA_BY_THEME] = { "theme", themecols, NELEM(themecols), themerows },
};

static struct wa_report *rep;
static struct wa_insights *ins;
static struct wa_growth *gro;
static int tflag;
/* The columns of this run's view. */
static struct wa_tcols vc;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wa-report [--insights] [--raw-csv] [--targets]\n"
	    "                 [-b campaign|day|week|month|tier|ref|variant|consent]\n"
	    "                 [-c CAMPAIGN] [-o table|csv|json|html] [--consent FILE]\n"
	    "                 [--customers FILE] [--events FILE] [--ledger FILE]\n"
	    "                 [--now TIME]\n"
	    "                 [--orders FILE]... [--reply-window DURATION] [--since TIME]\n"
	    "                 [--survey CAMPAIGN[:5|:10]]... [--until TIME]\n"
	    "                 [--window DURATION]\n");
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

/* The consent log, for -b consent. */
static int
growth(struct wa_report *r, json_t *e, const char **why)
{
	return wa_growth_add(gro, e, why);
}

/* Customers files: any record will do, most have no tier. */
static int
customer(struct wa_report *r, json_t *c, const char **why)
{
	wa_report_customer(r, c);
	return 0;
}

/* With --since, the log's records before this are not read: see readlog. */
static time_t cutoff;

/* Is the record O dated ("at", an order's "created_at") before the cutoff? */
static int
tooold(json_t *o)
{
	const char *s = wa_json_nestr(o, "at");
	time_t t;

	if (s == NULL)
		s = wa_json_nestr(o, "created_at");
	return s && wa_time_parse(s, WA_DATES_ANY, &t) == 0 && t < cutoff;
}

static int
onrecord(struct wa_rec *r, void *ctx)
{
	feed_fn *fn = *(feed_fn **)ctx;
	const char *why;

	if (cutoff && tooold(r->json))
		return 0;
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
		o = s ? wa_kpi_json(&k[i], vc.n == NELEM(cols)) :
		    wa_kpi_refjson(&k[i]);
		if (s && i == n - 1)
			wa_kpi_storejson(o, s);
		if (tflag)
			addtargets(o);
		json_array_append_new(a, o);
	}
	return a;
}
/* --targets: the target of the figure NAME, or NULL. */
static const char *
targettext(const char *name)
{
	size_t i;

	for (i = 0; i < NELEM(targets); i++)
		if (strcmp(targets[i].name, name) == 0)
			return targets[i].text;
	return NULL;
}

static const struct wa_tcols storeview = { storecols, NELEM(storecols), NULL };

static void
puttable(json_t *a, int by)
{
	struct wa_tcols st = storeview;

	wa_table_put(&vc, a);
	if (by > WA_BY_TIER)
		return;
	st.target = vc.target;
	printf("\nstore-wide\n");
	wa_table_list(&st, json_array_get(a, json_array_size(a) - 1));
}

/* Is the figure NAME in this view's columns, or store-wide ones? */
static int
shown(const char *name, int by)
{
	size_t j;

	for (j = 0; j < vc.n; j++)
		if (strcmp(vc.col[j].name, name) == 0)
			return 1;
	for (j = 0; by <= WA_BY_TIER && j < NELEM(storecols); j++)
		if (strcmp(storecols[j].name, name) == 0)
			return 1;
	return 0;
}

/* CSV: every figure by its JSON name, the store-wide ones and the marks last. */
static void
putcsv(json_t *a, int by)
{
	const char *names[NELEM(cols) + NELEM(storecols) + NELEM(targets)];
	char met[NELEM(targets)][64];
	size_t j, n = 0;

	for (j = 0; j < vc.n; j++)
		names[n++] = vc.col[j].name;
	for (j = 0; by <= WA_BY_TIER && j < NELEM(storecols); j++)
		names[n++] = storecols[j].name;
	for (j = 0; tflag && j < NELEM(targets); j++) {
		if (!shown(targets[j].name, by))
			continue;
		snprintf(met[j], sizeof met[j], "%s_met", targets[j].name);
		names[n++] = met[j];
	}
	wa_csv_rows(names, n, a);
}

static void
puthtml(json_t *a, int by, const struct wa_store_kpi *st, time_t now)
{
	struct wa_tcols store = storeview;
	struct wa_kpi *k;
	json_t *days;
	size_t n;

	if (by > WA_BY_TIER) {
		wa_page_put(&vc, a, views[by].by, now, NULL, NULL);
		return;
	}
	/* The page's daily chart needs the days, whatever the grouping. */
	k = wa_report_kpis(rep, WA_BY_DAY, &n);
	days = rows(k, n, st);
	wa_report_kpis_free(k, n);
	store.target = vc.target;
	wa_page_put(&vc, a, views[by].by, now, days, &store);
	json_decref(days);
}

static json_t *
themerows(int by, const char *camp, const struct wa_store_kpi *st)
{
	return wa_insights_rows(ins, rep, 20);
}

static json_t *
growthrows(int by, const char *camp, const struct wa_store_kpi *st)
{
	return wa_growth_rows(gro);
}

static json_t *
armrows(int by, const char *camp, const struct wa_store_kpi *st)
{
	struct wa_arm *arms;
	json_t *a;
	size_t n;

	arms = wa_report_arms(rep, camp, &n);
	a = wa_variant_rows(arms, n);
	wa_report_arms_free(arms, n);
	return a;
}

static json_t *
refrows(int by, const char *camp, const struct wa_store_kpi *st)
{
	struct wa_kpi *k;
	json_t *a;
	size_t n;

	k = wa_report_refs(rep, &n);
	a = rows(k, n, NULL);
	wa_report_kpis_free(k, n);
	return a;
}

static json_t *
kpirows(int by, const char *camp, const struct wa_store_kpi *st)
{
	struct wa_kpi *k;
	json_t *a;
	size_t n;

	k = wa_report_kpis(rep, by, &n);
	/* Survey columns once there is a survey. */
	if (k[n - 1].survey.n5 || k[n - 1].survey.n10 || k[n - 1].survey.optouts)
		vc.n = NELEM(cols);
	a = rows(k, n, st);
	wa_report_kpis_free(k, n);
	return a;
}

struct opts {
	struct wa_report_opt r;
	const char *ledger, *events, *customers, *camp, *consent;
	const char *since, *until;
	char **orders, **surveys;
	size_t norders, nsurveys;
	int by, fmt, insights;
};

enum {
	OPT_CONSENT = 256, OPT_CUSTOMERS, OPT_EVENTS, OPT_INSIGHTS, OPT_LEDGER,
	OPT_NOW, OPT_ORDERS, OPT_RAWCSV, OPT_REPLYWIN, OPT_SINCE, OPT_SURVEY,
	OPT_TARGETS, OPT_UNTIL, OPT_VERSION, OPT_WINDOW
};

static void
parseargs(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{ "campaign", required_argument, NULL, 'c' },
		{ "consent", required_argument, NULL, OPT_CONSENT },
		{ "customers", required_argument, NULL, OPT_CUSTOMERS },
		{ "events", required_argument, NULL, OPT_EVENTS },
		{ "help", no_argument, NULL, 'h' },
		{ "insights", no_argument, NULL, OPT_INSIGHTS },
		{ "ledger", required_argument, NULL, OPT_LEDGER },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "orders", required_argument, NULL, OPT_ORDERS },
		{ "raw-csv", no_argument, NULL, OPT_RAWCSV },
		{ "reply-window", required_argument, NULL, OPT_REPLYWIN },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "survey", required_argument, NULL, OPT_SURVEY },
		{ "targets", no_argument, NULL, OPT_TARGETS },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "window", required_argument, NULL, OPT_WINDOW },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const bys[] = { "campaign", "day", "week", "month",
	    "tier", "ref", "variant", "consent" };	/* WA_BY_*, up to the themes */
	static const char *const fmts[] = { "table", "csv", "json", "html" };
	int ch;

	while ((ch = getopt_long(argc, argv, "b:c:ho:", longs, NULL)) != -1) {
		switch (ch) {
		case 'b': o->by = choice("-b", optarg, bys, NELEM(bys)); break;
		case 'c': o->camp = optarg; break;
		case OPT_RAWCSV: wa_csv_raw = 1; break;
		case OPT_CONSENT: o->consent = optarg; break;
		case OPT_CUSTOMERS: o->customers = optarg; break;
		case OPT_EVENTS: o->events = optarg; break;
		case 'h': usage(0); break;
		case OPT_INSIGHTS: o->insights = 1; break;
		case OPT_LEDGER: o->ledger = optarg; break;
		case OPT_NOW: wa_opt_now(optarg); break;
		case 'o': o->fmt = choice("-o", optarg, fmts, NELEM(fmts)); break;
		case OPT_ORDERS: o->orders[o->norders++] = optarg; break;
		case OPT_SURVEY: o->surveys[o->nsurveys++] = optarg; break;
		case OPT_REPLYWIN: o->r.replywin = durarg("--reply-window", optarg); break;
		case OPT_SINCE: o->since = optarg; break;
		case OPT_TARGETS: tflag = 1; break;
		case OPT_UNTIL: o->until = optarg; break;
		case OPT_VERSION: wa_version(); break;
		case OPT_WINDOW: o->r.window = durarg("--window", optarg); break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	if (optind < argc)
		usage(WA_EXIT_USAGE);
	if (o->camp && o->by != WA_BY_VARIANT)
		wa_die(WA_EXIT_USAGE, "-c: only with -b variant");
	if (o->insights)
		o->by = WA_BY_THEME;
}

/* The view, the times and the engines; DL and DE: the default files. */
static void
setup(struct opts *o, char **dl, char **de)
{
	size_t i;

	vc.col = views[o->by].cols;
	vc.n = views[o->by].ncols;
	vc.target = tflag ? targettext : NULL;
	/* After the options: --now may come after --since. */
	o->r.now = wa_now();
	o->r.since = o->since ? timearg("--since", o->since) : 0;
	o->r.until = o->until ? timearg("--until", o->until) : 0;
	if (o->ledger == NULL)
		o->ledger = *dl = wa_home_path(WA_SF_LEDGER);
	if (o->events == NULL)
		o->events = *de = wa_home_path(WA_SF_EVENTS);
	rep = wa_report_new(&o->r);
	for (i = 0; i < o->nsurveys; i++)
		if (wa_report_survey(rep, o->surveys[i]) < 0)
			wa_die(WA_EXIT_USAGE, "--survey: bad campaign '%s'",
			    o->surveys[i]);
	if (o->insights)
		ins = wa_insights_new(o->r.since, o->r.until);
	if (o->by == WA_BY_CONSENT)
		gro = wa_growth_new(o->r.since, o->r.until);
}

/*
 * A log with its rolled segments (segments.c). With --since, its records
 * from before it by more than what a message's orders, replies and
 * statuses may take to come (window + reply window + a day) are not read,
 * so the report is the same however the log was rolled, and the segments
 * all before that are not opened at all: a weekly report reads only the
 * last ones. --until skips nothing: an outcome may come long after.
 */
static void
readlog(const struct opts *o, const char *path, int isdefault,
    const char *const *fields, size_t n, feed_fn *fn)
{
	time_t since = o->r.since ? o->r.since - (time_t)(o->r.window +
	    o->r.replywin) - 86400 : 0;
	struct wa_segs *sg = wa_segs_open(path, since > 0 ? since : 0, 0, 0);

	cutoff = since > 0 ? since : 0;
	struct wa_input *in;
	size_t i, nf;
	char **argv;

	if (sg == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", path);
	if (!isdefault && access(path, F_OK) < 0 && wa_segs_count(sg) == 0)
		wa_die(WA_EXIT_FATAL, "cannot open '%s':", path);
	nf = wa_segs_count(sg);
	argv = wa_calloc(nf + 1, sizeof *argv);
	for (i = 0; i < nf; i++)
		argv[i] = (char *)wa_segs_path(sg, i);
	in = wa_input_new(WA_FMT_JSON);
	wa_input_fields(in, fields, n);
	if (nf > 0)
		wa_input_run(in, (int)nf, argv, onrecord, &fn);
	wa_input_free(in);
	free(argv);
	wa_segs_close(sg);
	cutoff = 0;
}

/*
 * Read the ledger, index its messages by recipient, then take the webhook
 * events, the customers and the orders in.
 */
static void
readall(const struct opts *o, int dl, int de, struct wa_store_kpi *st)
{
	size_t i;

	readlog(o, o->ledger, dl, ledgerfields, NELEM(ledgerfields),
	    wa_report_ledger);
	wa_report_index(rep);
	readlog(o, o->events, de, eventfields, NELEM(eventfields), event);
	/* After the events: a customer's id joins the number that wrote. */
	if (o->customers)
		readfile(o->customers, 0, custfields, NELEM(custfields), customer);
	for (i = 0; i < o->norders; i++)
		readfile(o->orders[i], 0, orderfields, NELEM(orderfields), order);
	wa_report_store(rep, st);
}

/* Consent growth needs the consent log only. */
static void
readconsent(const struct opts *o)
{
	char *path = o->consent ? NULL : wa_home_path(WA_SF_CONSENT);

	readfile(path ? path : o->consent, path != NULL, consentfields,
	    NELEM(consentfields), growth);
	free(path);
}

/* Read what the view needs; count and write. */
static void
run(const struct opts *o, int dl, int de)
{
	struct wa_store_kpi st = { 0 };
	json_t *a;

	if (gro)
		readconsent(o);
	else
		readall(o, dl, de, &st);
	a = views[o->by].rows(o->by, o->camp, &st);
	switch (o->fmt) {
	case O_TABLE: puttable(a, o->by); break;
	case O_CSV: putcsv(a, o->by); break;
	case O_JSON: wa_json_rows(a); break;
	case O_HTML: puthtml(a, o->by, &st, o->r.now); break;
	}
	json_decref(a);
}

int
main(int argc, char **argv)
{
	struct opts o = {
		.r = { .window = 7 * 86400, .replywin = 72 * 3600 },
		.by = WA_BY_CAMPAIGN, .fmt = isatty(1) ? O_TABLE : O_JSON,
	};
	char *dl = NULL, *de = NULL;
	int status;

	wa_init(&argc, &argv);
	o.orders = wa_calloc((size_t)argc, sizeof *o.orders);
	o.surveys = wa_calloc((size_t)argc, sizeof *o.surveys);
	parseargs(argc, argv, &o);
	setup(&o, &dl, &de);
	run(&o, dl != NULL, de != NULL);
	status = wa_finish();
	wa_insights_free(ins);
	wa_growth_free(gro);
	wa_report_free(rep);
	free(o.orders);
	free(o.surveys);
	free(dl);
	free(de);
	return status;
}
