/* wa-report: the store's KPIs from the ledger, webhook events and orders. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "inbox.h"
#include "report.h"

#define NELEM(a) (sizeof (a) / sizeof *(a))

enum { O_TABLE, O_CSV, O_JSON, O_HTML, O_PDF };
enum { CMP_NONE, CMP_PREV, CMP_YOY };

static const char *const ledgerfields[] = { "event", "key", "at", "wamid",
    "campaign", "id", "to", "retry", "variant", "channel", "error" };
static const char *const orderfields[] = { "type", "event", "id", "customer",
    "phone", "email", "created_at", "total", "currency", "financial_status",
    "cancelled_at", "shop_total", "shop_currency" };
static const char *const eventfields[] = { "event", "wamid", "key", "status",
    "at", "from", "context", "id", "customer", "phone", "email", "created_at",
    "total", "currency", "financial_status", "cancelled_at", "type", "text",
    "payload", "ref", "shop_total", "shop_currency" };
static const char *const custfields[] = { "id", "phone", "tier", "segment", "orders", "spent" };
static const char *const consentfields[] = { "type", "at", "source" };

/* The views: by a grouping of the KPIs, -b ref, -b variant, --insights. */
typedef json_t *rows_fn(int by, const char *camp, const struct wa_store_kpi *st);
static rows_fn kpirows, refrows, armrows, growthrows, themerows, convrows;
static const struct view {
	const char *by;		/* -b's name, the page's "By" */
	const struct wa_tcol *cols;
	size_t ncols;		/* the KPIs: without the survey's columns */
	rows_fn *rows;
} views[] = {
	[WA_BY_CAMPAIGN] = { "campaign", wa_rcols_kpi, NELEM(wa_rcols_kpi) - WA_RCOLS_NSURVEY, kpirows },
	[WA_BY_DAY] = { "day", wa_rcols_kpi, NELEM(wa_rcols_kpi) - WA_RCOLS_NSURVEY, kpirows },
	[WA_BY_WEEK] = { "week", wa_rcols_kpi, NELEM(wa_rcols_kpi) - WA_RCOLS_NSURVEY, kpirows },
	[WA_BY_MONTH] = { "month", wa_rcols_kpi, NELEM(wa_rcols_kpi) - WA_RCOLS_NSURVEY, kpirows },
	[WA_BY_TIER] = { "tier", wa_rcols_kpi, NELEM(wa_rcols_kpi) - WA_RCOLS_NSURVEY, kpirows },
	[WA_BY_CHANNEL] = { "channel", wa_rcols_channel, NELEM(wa_rcols_channel) - WA_RCOLS_NSURVEY, kpirows },
	[WA_BY_REF] = { "ref", wa_rcols_ref, NELEM(wa_rcols_ref), refrows },
	[WA_BY_VARIANT] = { "variant", wa_rcols_arm, NELEM(wa_rcols_arm), armrows },
	[WA_BY_CONSENT] = { "consent", wa_rcols_growth, NELEM(wa_rcols_growth), growthrows },
	[WA_BY_AGENT] = { "agent", wa_rcols_conv, NELEM(wa_rcols_conv), convrows },
	[WA_BY_THEME] = { "theme", wa_rcols_theme, NELEM(wa_rcols_theme), themerows },
};

struct opts {
	struct wa_report_opt r;
	const char *ledger, *events, *customers, *camp, *consent;
	const char *since, *until, *currency, *rates;
	const char *compare;	/* the page's other period, for people */
	char **orders, **surveys;
	size_t norders, nsurveys;
	int by, fmt, insights, bycur, cmp;
};

static struct wa_report *rep;
static struct wa_insights *ins;
static struct wa_growth *gro;
/* -b agent and tier: the inbox's files and service targets. */
static struct wa_inbox_paths ibp;
static char *iblog, *ibcust;
static char *esupp;		/* -b channel: who unsubscribed from e-mail */
static struct wa_sla sla;
static time_t since, until;
static struct wa_fx *fx;	/* NULL: --by-currency */
static int tflag, wide;
static json_t *tiercount;	/* the page's: customers per tier */
static struct wa_tiermoves *tm;	/* with --customers and --since: tier moves */
static json_t *prev;		/* --compare: "all" of the other period */
/* The columns of this run's view. */
static struct wa_tcols vc;
static int withsurvey;		/* the KPIs' survey columns: there were answers */

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wa-report [--by-currency] [--insights] [--raw-csv] [--targets]\n"
	    "                 [-b campaign|day|week|month|tier|channel|ref|variant|consent|agent]\n"
	    "                 [-c CAMPAIGN] [-o table|csv|json|html|pdf]\n"
	    "                 [--compare prev|yoy] [--consent FILE]\n"
	    "                 [--currency CUR] [--customers FILE] [--events FILE]\n"
	    "                 [--ledger FILE] [--now TIME]\n"
	    "                 [--orders FILE]... [--rates FILE]\n"
	    "                 [--reply-window DURATION] [--since TIME] [--sla FILE]\n"
	    "                 [--survey CAMPAIGN[:5|:10]]... [--until TIME]\n"
	    "                 [--wide] [--window DURATION]\n");
	exit(status);
}

/* What takes one record of a file in: 0, or -1 with the reason in *WHY. */
typedef int feed_fn(struct wa_report *r, json_t *o, const char **why);

/* The bad lines each reader said: --compare reads the files again. */
static struct {
	feed_fn *fn;
	struct wa_hash *h;
} said[8];

static struct wa_hash *
saidby(feed_fn *fn)
{
	size_t i;

	for (i = 0; i < NELEM(said) - 1 && said[i].fn && said[i].fn != fn; i++)
		;
	if (said[i].fn == NULL) {
		said[i].fn = fn;
		said[i].h = wa_hash_new();
	}
	return said[i].h;
}

/* Orders files: wa-import's order records, or wa-hook's order events. */
static int
order(struct wa_report *r, json_t *o, const char **why)
{
	const char *t = wa_json_str(o, "type"), *e = wa_json_str(o, "event");

	if ((t == NULL || strcmp(t, "order") != 0) &&
	    (e == NULL || strcmp(e, "order") != 0))
		return *why = "not an order record: no \"type\":\"order\"", -1;
	if (tm)
		wa_tiermoves_order(tm, o);
	return wa_report_order(r, o, why);
}

/* Events: the KPIs' and, with --insights, the customers' words. */
static int
event(struct wa_report *r, json_t *e, const char **why)
{
	if (ins)
		wa_insights_add(ins, e);
	if (tm)
		wa_tiermoves_order(tm, e);
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
	const char *t = wa_json_nestr(c, "tier");

	wa_report_customer(r, c);
	if (tm)
		wa_tiermoves_customer(tm, c);
	if (t == NULL)
		t = wa_json_nestr(c, "segment");
	if (tiercount && t)
		json_object_set_new(tiercount, t, json_integer(1 +
		    json_integer_value(json_object_get(tiercount, t))));
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
	wa_input_once(in, saidby(fn));
	argv[0] = (char *)path;
	wa_input_fields(in, fields, n);
	wa_input_run(in, 1, argv, onrecord, &fn);
	wa_input_free(in);
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
		o = s ? wa_kpi_json(&k[i], withsurvey) : wa_kpi_refjson(&k[i]);
		if (s && vc.col == wa_rcols_channel)
			wa_kpi_channeljson(o, &k[i]);
		if (s && i == n - 1)
			wa_kpi_storejson(o, s);
		if (tflag)
			wa_kpi_addtargets(o);
		json_array_append_new(a, o);
	}
	return a;
}
/* --targets: the target of the figure NAME, or NULL. */
static const char *
targettext(const char *name)
{
	const char *t = wa_kpi_target(name);

	if (t == NULL && strcmp(name, "first_response_p50_s") == 0)
		return "<= sla";
	return t;
}

/* The rows of the KPIs grouped BY. */
static json_t *
kpis(int by, const struct wa_store_kpi *st)
{
	struct wa_kpi *k;
	json_t *a;
	size_t n;

	k = wa_report_kpis(rep, by, &n);
	a = rows(k, n, st);
	wa_report_kpis_free(k, n);
	return a;
}

/* The trends: a point a day for under 30 days of messages, else a week. */
static json_t *
trend(const struct wa_store_kpi *st, const char **by)
{
	json_t *days = kpis(WA_BY_DAY, st);
	size_t n = json_array_size(days);
	time_t a, b;

	*by = "day";
	if (n < 3 || wa_time_parse(wa_json_str(json_array_get(days, 0), "group"),
	    WA_DATES_ANY, &a) < 0 || wa_time_parse(wa_json_str(json_array_get(days,
	    n - 2), "group"), WA_DATES_ANY, &b) < 0 || b - a < 30 * 86400)
		return days;
	json_decref(days);
	*by = "week";
	return kpis(WA_BY_WEEK, st);
}

static void
puthtml(json_t *a, int by, const struct wa_store_kpi *st, const struct opts *o)
{
	struct wa_tcols store = { wa_rcols_store, NELEM(wa_rcols_store), NULL };
	struct wa_page p = { 0 };
	long w[WA_PAGE_NWAITS];

	p.view = &vc;
	p.rows = a;
	p.by = views[by].by;
	p.now = o->r.now;
	p.since = o->r.since;
	p.until = o->r.until;
	p.currency = wa_fx_cur(fx);
	p.prev = prev;
	p.compare = o->compare;

	if (by <= WA_BY_CHANNEL) {
		store.target = vc.target;
		p.store = &store;
		p.trend = trend(st, &p.trendby);
		p.camps = by == WA_BY_CAMPAIGN ? json_incref(a) : kpis(WA_BY_CAMPAIGN, st);
		p.tiers = tiercount;
		p.moves = json_object_get(json_array_get(a, json_array_size(a) - 1), "tier_moves");
		wa_report_waits(rep, wa_page_waits, WA_PAGE_NWAITS - 1, w);
		p.waits = w;
		p.themes = ins ? wa_insights_rows(ins, rep, 20) : NULL;
		p.arms = armrows(by, NULL, st);
		if (access(ibp.log, F_OK) == 0)
			p.convs = wa_convkpi_rows(&ibp, &sla, 1, NULL, since, until, 1);
		p.st = st;
	}
	wa_page_put(&p);
	json_decref(p.trend);
	json_decref(p.camps);
	json_decref(p.themes);
	json_decref(p.arms);
	json_decref(p.convs);
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
convrows(int by, const char *camp, const struct wa_store_kpi *st)
{
	return wa_convkpi_rows(&ibp, &sla, 0, NULL, since, until, tflag);
}

static json_t *
kpirows(int by, const char *camp, const struct wa_store_kpi *st)
{
	struct wa_kpi *k;
	json_t *a;
	size_t n;

	k = wa_report_kpis(rep, by, &n);
	/* Survey columns once there is a survey. */
	if (k[n - 1].survey.n5 || k[n - 1].survey.n10 || k[n - 1].survey.optouts) {
		withsurvey = 1;
		vc.n = views[by].ncols + WA_RCOLS_NSURVEY;
	}
	a = rows(k, n, st);
	wa_report_kpis_free(k, n);
	if (tm)
		json_object_set_new(json_array_get(a, n - 1), "tier_moves", wa_tiermoves_json(tm));
	if (by == WA_BY_TIER && access(ibp.log, F_OK) == 0)
		wa_convkpi_rows(&ibp, &sla, 1, a, since, until, tflag);
	return a;
}

enum {
	OPT_BYCUR = 256, OPT_COMPARE, OPT_CONSENT, OPT_CURRENCY, OPT_CUSTOMERS, OPT_EVENTS,
	OPT_INSIGHTS, OPT_LEDGER, OPT_NOW, OPT_ORDERS, OPT_RATES, OPT_RAWCSV,
	OPT_REPLYWIN, OPT_SINCE, OPT_SLA, OPT_SURVEY, OPT_TARGETS, OPT_UNTIL,
	OPT_VERSION, OPT_WIDE, OPT_WINDOW
};

static void
parseargs(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{ "by-currency", no_argument, NULL, OPT_BYCUR },
		{ "campaign", required_argument, NULL, 'c' },
		{ "compare", required_argument, NULL, OPT_COMPARE },
		{ "consent", required_argument, NULL, OPT_CONSENT },
		{ "currency", required_argument, NULL, OPT_CURRENCY },
		{ "customers", required_argument, NULL, OPT_CUSTOMERS },
		{ "events", required_argument, NULL, OPT_EVENTS },
		{ "help", no_argument, NULL, 'h' },
		{ "insights", no_argument, NULL, OPT_INSIGHTS },
		{ "ledger", required_argument, NULL, OPT_LEDGER },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "orders", required_argument, NULL, OPT_ORDERS },
		{ "rates", required_argument, NULL, OPT_RATES },
		{ "raw-csv", no_argument, NULL, OPT_RAWCSV },
		{ "reply-window", required_argument, NULL, OPT_REPLYWIN },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "sla", required_argument, NULL, OPT_SLA },
		{ "survey", required_argument, NULL, OPT_SURVEY },
		{ "targets", no_argument, NULL, OPT_TARGETS },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "wide", no_argument, NULL, OPT_WIDE },
		{ "window", required_argument, NULL, OPT_WINDOW },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const bys[] = { "campaign", "day", "week", "month",
	    "tier", "channel", "ref", "variant", "consent", "agent" };	/* WA_BY_*, up to the themes */
	static const char *const fmts[] = { "table", "csv", "json", "html", "pdf" };
	static const char *const cmps[] = { "", "prev", "yoy" };
	int ch;

	while ((ch = getopt_long(argc, argv, "b:c:ho:", longs, NULL)) != -1) {
		switch (ch) {
		case 'b': o->by = wa_optchoice("-b", optarg, bys, NELEM(bys)); break;
		case OPT_BYCUR: o->bycur = 1; break;
		case 'c': o->camp = optarg; break;
		case OPT_CURRENCY: o->currency = wa_optcur("--currency", optarg); break;
		case OPT_RAWCSV: wa_csv_raw = 1; break;
		case OPT_COMPARE: o->cmp = wa_optchoice("--compare", optarg, cmps, NELEM(cmps)); break;
		case OPT_CONSENT: o->consent = optarg; break;
		case OPT_CUSTOMERS: o->customers = optarg; break;
		case OPT_EVENTS: o->events = optarg; break;
		case 'h': usage(0); break;
		case OPT_INSIGHTS: o->insights = 1; break;
		case OPT_LEDGER: o->ledger = optarg; break;
		case OPT_NOW: wa_opt_now(optarg); break;
		case 'o': o->fmt = wa_optchoice("-o", optarg, fmts, NELEM(fmts)); break;
		case OPT_ORDERS: o->orders[o->norders++] = optarg; break;
		case OPT_RATES: o->rates = optarg; break;
		case OPT_SURVEY: o->surveys[o->nsurveys++] = optarg; break;
		case OPT_REPLYWIN: o->r.replywin = wa_optdur("--reply-window", optarg); break;
		case OPT_SINCE: o->since = optarg; break;
		case OPT_SLA: wa_sla_load(&sla, optarg); break;
		case OPT_TARGETS: tflag = 1; break;
		case OPT_UNTIL: o->until = optarg; break;
		case OPT_VERSION: wa_version(); break;
		case OPT_WIDE: wide = 1; break;
		case OPT_WINDOW: o->r.window = wa_optdur("--window", optarg); break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	if (optind < argc)
		usage(WA_EXIT_USAGE);
	if (o->camp && o->by != WA_BY_VARIANT)
		wa_die(WA_EXIT_USAGE, "-c: only with -b variant");
	if (o->insights)
		o->by = WA_BY_THEME;
	/* The page is the playbook's sheet: its targets always. */
	if (o->fmt >= O_HTML)
		tflag = 1;
	if (o->cmp && (o->fmt < O_HTML || o->since == NULL))
		wa_die(WA_EXIT_USAGE, "--compare: only with -o html or pdf, and --since");
	o->compare = o->cmp == CMP_PREV ? "the period before" : "52 weeks before";
}

static void
surveys(const struct opts *o)
{
	size_t i;

	for (i = 0; i < o->nsurveys; i++)
		if (wa_report_survey(rep, o->surveys[i]) < 0)
			wa_die(WA_EXIT_USAGE, "--survey: bad campaign '%s'",
			    o->surveys[i]);
}

/* The view, the times and the engines; DL and DE: the default files. */
static void
setup(struct opts *o, char **dl, char **de)
{
	vc.col = views[o->by].cols;
	vc.n = views[o->by].ncols;
	vc.target = tflag ? targettext : NULL;
	/* After the options: --now may come after --since. */
	o->r.now = wa_now();
	o->r.since = o->since ? wa_opttime("--since", o->since) : 0;
	o->r.until = o->until ? wa_opttime("--until", o->until) : 0;
	if (o->ledger == NULL)
		o->ledger = *dl = wa_home_path(WA_SF_LEDGER);
	if (o->events == NULL)
		o->events = *de = wa_home_path(WA_SF_EVENTS);
	rep = wa_report_new(&o->r);
	surveys(o);
	if (o->insights || (o->fmt >= O_HTML && o->by <= WA_BY_CHANNEL))
		ins = wa_insights_new(o->r.since, o->r.until);
	if (o->fmt >= O_HTML && o->customers)
		tiercount = json_object();
	if (o->customers && o->r.since && o->by <= WA_BY_CHANNEL)
		tm = wa_tiermoves_new(o->r.since, o->r.until ? o->r.until : o->r.now);
	if (!o->bycur) {
		fx = wa_fx_new(o->currency);
		if (o->rates && wa_fx_load(fx, o->rates) < 0)
			exit(WA_EXIT_USAGE);
		wa_kpi_fx(fx);
	}
	if (o->by == WA_BY_CONSENT)
		gro = wa_growth_new(o->r.since, o->r.until);
	ibp.events = o->events;
	ibp.ledger = o->ledger;
	ibp.log = iblog = wa_home_path(WA_SF_INBOX);
	ibp.customers = o->customers ? o->customers : (ibcust = wa_home_path(WA_SF_CUSTOMERS));
	since = o->r.since;
	until = o->r.until;
	if (o->by == WA_BY_CHANNEL)
		esupp = wa_home_path(WA_SF_ESUPPRESS);
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
	time_t from = o->r.since ? o->r.since - (time_t)(o->r.window +
	    o->r.replywin) - 86400 : 0;
	struct wa_segs *sg = wa_segs_open(path, from > 0 ? from : 0, 0, 0);
	struct wa_input *in;
	size_t i, nf;
	char **argv;

	cutoff = from > 0 ? from : 0;
	if (sg == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", path);
	if (!isdefault && access(path, F_OK) < 0 && wa_segs_count(sg) == 0)
		wa_die(WA_EXIT_FATAL, "cannot open '%s':", path);
	nf = wa_segs_count(sg);
	argv = wa_calloc(nf + 1, sizeof *argv);
	for (i = 0; i < nf; i++)
		argv[i] = (char *)wa_segs_path(sg, i);
	in = wa_input_new(WA_FMT_JSON);
	wa_input_once(in, saidby(fn));
	wa_input_fields(in, fields, n);
	wa_input_since(in, cutoff);
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
	if (esupp && wa_report_unsubs(rep, esupp) < 0)
		wa_die(WA_EXIT_FATAL, "%s:", esupp);
	readlog(o, o->events, de, eventfields, NELEM(eventfields), event);
	/* After the events: a customer's id joins the number that wrote. */
	if (o->customers)
		readfile(o->customers, 0, custfields, NELEM(custfields), customer);
	for (i = 0; i < o->norders; i++)
		readfile(o->orders[i], 0, orderfields, NELEM(orderfields), order);
	wa_report_store(rep, st);
	if (fx && wa_fx_cur(fx) == NULL)
		wa_fx_setmost(fx, st->site, st->ncur);
}

/*
 * --compare: the figures of all the campaigns of the other period, read
 * into a report of their own.
 */
static void
readprev(const struct opts *o, int dl, int de)
{
	struct wa_report_opt r = o->r;
	struct opts po = *o;	/* the other period: its records, cut off by its start */
	struct wa_report *cur = rep;
	struct wa_insights *in = ins;
	json_t *tc = tiercount, *a;
	struct wa_tiermoves *t = tm;
	struct wa_store_kpi st;
	time_t end = o->r.until ? o->r.until : o->r.now;

	r.since = o->cmp == CMP_PREV ? 2 * o->r.since - end : o->r.since - 364 * 86400;
	r.until = o->cmp == CMP_PREV ? o->r.since : end - 364 * 86400;
	po.r = r;
	rep = wa_report_new(&r);
	ins = NULL;
	tiercount = NULL;
	tm = NULL;
	surveys(o);
	readall(&po, dl, de, &st);
	a = kpis(WA_BY_CAMPAIGN, &st);
	prev = json_incref(json_array_get(a, json_array_size(a) - 1));
	json_decref(a);
	wa_report_free(rep);
	rep = cur;
	ins = in;
	tiercount = tc;
	tm = t;
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
	struct wa_pdf *pdf;
	json_t *a;

	if (gro)
		readconsent(o);
	else if (o->by != WA_BY_AGENT)
		readall(o, dl, de, &st);
	if (o->cmp)
		readprev(o, dl, de);
	a = views[o->by].rows(o->by, o->camp, &st);
	switch (o->fmt) {
	case O_TABLE: wa_rout_table(&vc, a, o->by, wide, fx ? wa_fx_cur(fx) : NULL); break;
	case O_CSV: wa_rout_csv(&vc, a, o->by, tflag); break;
	case O_JSON: wa_json_rows(a); break;
	case O_HTML: puthtml(a, o->by, &st, o); break;
	case O_PDF:
		pdf = wa_pdf_begin();
		puthtml(a, o->by, &st, o);
		wa_pdf_end(pdf);
		break;
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
	size_t i;
	int status;

	wa_init(&argc, &argv);
	o.orders = wa_calloc((size_t)argc, sizeof *o.orders);
	o.surveys = wa_calloc((size_t)argc, sizeof *o.surveys);
	wa_sla_default(&sla);
	parseargs(argc, argv, &o);
	setup(&o, &dl, &de);
	run(&o, dl != NULL, de != NULL);
	status = wa_finish();
	wa_insights_free(ins);
	wa_growth_free(gro);
	wa_report_free(rep);
	wa_fx_free(fx);
	json_decref(tiercount);
	wa_tiermoves_free(tm);
	json_decref(prev);
	for (i = 0; i < NELEM(said); i++)
		wa_hash_free(said[i].h);
	free(o.orders);
	free(o.surveys);
	free(dl);
	free(de);
	free(iblog), free(ibcust), free(esupp);
	return status;
}
