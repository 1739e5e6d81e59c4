/* wa: the report layer: KPIs, A/B tests, surveys, insights (see README.md). */
#ifndef WA_REPORT_H
#define WA_REPORT_H

#include "wa.h"

/* stats.c: the tests of wa-report -b variant */
/* The regularized incomplete beta function I_x(a, b). */
double wa_betai(double a, double b, double x);
double wa_norm_cdf(double z);
/* The standard normal's quantile: the Z where wa_norm_cdf(Z) is P. */
double wa_norm_ppf(double p);
/* Student's t with DF degrees of freedom, any real DF > 0 (INFINITY: normal). */
double wa_t_cdf(double t, double df);
double wa_t_ppf(double p, double df);
/* An arm against the baseline, at alpha 0.05 two-sided. */
struct wa_test {
	double diff;		/* arm - baseline */
	double lo, hi;		/* its 95% confidence interval */
	double stat, df, p;	/* z or t, degrees of freedom (INFINITY: z), p-value */
	double nneed;		/* per arm for 80% power at the effect seen; NAN: none */
};
/*
 * X1 of N1 against X0 of N0: the Wald interval of the difference, the z
 * test with the pooled proportion. 0, or -1 when an arm is empty.
 */
int wa_test_props(long x1, long n1, long x0, long n0, struct wa_test *t);
/*
 * Means M1 and M0 with sample variances V1 and V0 (n - 1) of N1 and N0
 * values: Welch's t test and interval. 0, or -1 with fewer than 2 a side.
 */
int wa_test_welch(double m1, double v1, long n1, double m0, double v0,
    long n0, struct wa_test *t);

/* survey.c: satisfaction answers (see wa-report(1), --survey) */
struct wa_survey {
	long n5, sum5;		/* answers on the 1-5 scale, their sum */
	long n10, promoters, detractors;	/* on the 0-10 scale: 9-10, 0-6 */
	long negative;		/* 1-2 of 5, 0-6 of 10 */
	long optouts;		/* opt-outs after a survey's message */
};
/* The score 0-10 of a button payload "SCORE:4", or -1. */
int wa_survey_payload(const char *payload);
/* The score of a text that is a bare number 0-10 ("4", " 9! "), or -1. */
int wa_survey_bare(const char *text);
/*
 * "CAMPAIGN", "CAMPAIGN:5" or "CAMPAIGN:10": the name into NAME, and the
 * scale, 0 for one told by the answers; -1 for an empty or long name.
 */
int wa_survey_spec(const char *spec, char *name, size_t namesz);
/* Count SCORE on SCALE (5 or 10); a score off the scale is no answer. */
void wa_survey_add(struct wa_survey *s, int score, int scale);
/*
 * The mean of 1-5 answers, promoters - detractors in % of 0-10 ones, and
 * (negative answers + opt-outs) / (answers + opt-outs); NAN: none.
 */
double wa_survey_csat(const struct wa_survey *s);
double wa_survey_nps(const struct wa_survey *s);
double wa_survey_negative(const struct wa_survey *s);

/* report.c, reporder.c and kpis.c: the KPIs of wa-report, from the ledger, webhook events and orders */
/*
 * The groupings of wa-report: the KPIs by campaign...tier (wa_report_kpis),
 * then the other views: -b ref, -b variant, --insights.
 */
enum { WA_BY_CAMPAIGN, WA_BY_DAY, WA_BY_WEEK, WA_BY_MONTH, WA_BY_TIER,
    WA_BY_CHANNEL, WA_BY_REF, WA_BY_VARIANT, WA_BY_CONSENT, WA_BY_AGENT, WA_BY_THEME };
struct wa_report_opt {
	time_t since, until;	/* messages sent in [since, until); until 0: open */
	long long window;	/* an order this long after a message converts */
	long long replywin;	/* a customer writing this long after a message replies */
	time_t now;		/* first-time buyers: six months before it at most */
};
struct wa_amount {
	const char *cur;	/* ISO 4217 */
	long long sum;		/* minor units */
	long n;			/* orders */
	/* Of those orders, the ones that say what they were in SHOPCUR (the
	   first such currency): SHOPSUM in it, SHOPORIG of SUM. */
	const char *shopcur;
	long long shopsum, shoporig;
	long shopn;
};
/* The figures of one group of messages. */
struct wa_kpi {
	char *group;
	long sent, delivered, read, failed, replied, opted_out;
	long bounced;		/* e-mails refused for good at RCPT: a hard bounce */
	long unsubscribed;	/* e-mails whose link was used; WhatsApp: opted_out */
	long recips;		/* distinct recipients of delivered messages */
	long conversions;	/* distinct recipients with an order counted */
	long nresp;		/* customer messages answered */
	long long median_s, p90_s;	/* response times; -1: none */
	struct wa_amount *rev;	/* revenue per currency */
	size_t nrev;
	struct wa_survey survey;
	/* -b channel: how customers responded (respond.c) */
	long reached;		/* messages that left and did not fail */
	long responded;		/* of those, a reaction came within the window */
	long long respond_p50;	/* the median time to it; -1: none */
	long nrated, sumrated;	/* close-survey ratings (1-5) of conversations they began */
};
/* Store-wide: orders of the period, and first-time buyers of the period. */
struct wa_store_kpi {
	/* per currency, NCUR each: all orders, by messaged customers, others */
	const struct wa_amount *site, *messaged, *others;
	size_t ncur;
	long cohort[2], repeat[2];	/* [0] not messaged, [1] messaged */
};
struct wa_report;
struct wa_report *wa_report_new(const struct wa_report_opt *o);
/*
 * Feed the ledger first, then wa_report_index, then events, orders and
 * customers in any order. Each returns 0, or -1 with the reason in *WHY
 * for an entry that cannot be read.
 */
int wa_report_ledger(struct wa_report *r, json_t *e, const char **why);
void wa_report_index(struct wa_report *r);
/*
 * After the ledger: the unsubscribes of the e-mail suppression list at
 * PATH, each to the e-mail of its campaign it came from. 0, or -1.
 */
int wa_report_unsubs(struct wa_report *r, const char *path);
/* A wa-hook event: status, message, opt_out, order; others are ignored. */
int wa_report_event(struct wa_report *r, json_t *e, const char **why);
/* A wa-import order record (or an order event). */
int wa_report_order(struct wa_report *r, json_t *o, const char **why);
/*
 * Before the events, a customer record C as one person: what its phone
 * was sent and writes joins what went to its id (e-mails); then
 * wa_report_index again.
 */
void wa_report_join(struct wa_report *r, json_t *c);
/* A customer record: its "tier", else "segment", for WA_BY_TIER; 1 if it was a recipient. */
int wa_report_customer(struct wa_report *r, json_t *c);
/* The groups of messages by BY, in name order, then "all": *N in all. */
struct wa_kpi *wa_report_kpis(struct wa_report *r, int by, size_t *n);
void wa_report_kpis_free(struct wa_kpi *k, size_t n);
/*
 * Answers count for the --survey campaign of SPEC (as wa_survey_spec)
 * when a bare number; before the events. 0, or -1 for a bad SPEC.
 */
int wa_report_survey(struct wa_report *r, const char *spec);
/*
 * The writers of tagged messages (wa-link) by the tag of their first:
 * recips are the inquiries, conversions those who ordered within the
 * window after it, rev what they spent then; in name order, then "all".
 */
struct wa_kpi *wa_report_refs(struct wa_report *r, size_t *n);
/* One arm of an A/B test: the recipients of a campaign's messages of a variant. */
struct wa_arm_rev {
	const char *cur;
	long orders;		/* in the window, of the arm's recipients */
	double mean, m2;	/* per recipient, major units: Welford's sums */
};
struct wa_arm {
	char *campaign, *arm;
	int held;		/* a hold-out: entries "held_out", no message */
	long n;			/* recipients: messages that left, or held out */
	long delivered, read, replied;	/* of the messages */
	long conversions;	/* recipients who ordered within the window */
	struct wa_arm_rev *rev;	/* per currency the report knows */
	size_t nrev;
};
/* The arms of campaign CAMP (NULL: of every campaign), by campaign and name. */
struct wa_arm *wa_report_arms(struct wa_report *r, const char *camp, size_t *n);
void wa_report_arms_free(struct wa_arm *a, size_t n);
/*
 * How the customer's message WAMID from FROM at T was answered: by
 * wa-send --reply (its key CAMPAIGN/WAMID), else by the next message that
 * reached them within the reply window, else not, as far as the ledger
 * knows; the wait in *SECS.
 */
enum { WA_ANSWER_NONE, WA_ANSWER_AUTO, WA_ANSWER_PERSON };
int wa_report_answer(struct wa_report *r, const char *wamid, const char *from,
    time_t t, long long *secs);
/* Valid until wa_report_free. */
void wa_report_store(struct wa_report *r, struct wa_store_kpi *st);
/*
 * How long customers waited for the answers of the period, counted into
 * N[0..NB]: under BOUND[0] seconds, under BOUND[1], ..., then the rest.
 */
void wa_report_waits(struct wa_report *r, const long long *bound, size_t nb,
    long *n);
void wa_report_free(struct wa_report *r);

/* fx.c: wa-report's one currency: rates files, and amounts converted into it */
struct wa_fx;
/* The report in currency CUR; NULL: to be set by wa_fx_setcur. */
struct wa_fx *wa_fx_new(const char *cur);
void wa_fx_setcur(struct wa_fx *fx, const char *cur);
/* The currency of most orders of A[0..N), the first by name of a tie; none without orders. */
void wa_fx_setmost(struct wa_fx *fx, const struct wa_amount *a, size_t n);
/* The report's currency, and the rates' day (2026-12-04); NULL: none. */
const char *wa_fx_cur(const struct wa_fx *fx);
const char *wa_fx_date(const struct wa_fx *fx);
/*
 * Rates from PATH: the ECB's euro reference rates CSV (its latest day), or
 * lines CUR,rate, units of CUR for one of a base currency, the one at 1 or
 * else the report's, the day of the file's last change. 0, or -1 said.
 */
int wa_fx_load(struct wa_fx *fx, const char *path);
/* Amounts in the report's currency, and those that could not be converted. */
struct wa_fxsum {
	long long sum;		/* minor units of the report's currency */
	long n;			/* orders in it */
	int converted;		/* some came from another currency */
	int rated;		/* by the rates file */
	struct wa_amount *other;	/* free(3) it */
	size_t nother;
};
/*
 * A[0..N) in the report's currency: as they are in it, else by the shop's
 * amount when an order gives one in it, else by the rates, else apart.
 */
void wa_fx_sum(const struct wa_fx *fx, const struct wa_amount *a, size_t n,
    struct wa_fxsum *s);
void wa_fx_free(struct wa_fx *fx);

/* kpijson.c: the figures of wa-report's groups as JSON objects */
/* Amounts from now on in FX's currency (NULL: per currency, as they are). */
void wa_kpi_fx(const struct wa_fx *fx);
/*
 * The playbook's targets (see wa-report(1), --targets): into O, for each
 * figure it has, NAME_met, true, false or null; a figure's target as
 * people read it, or NULL; the name of target I, NULL past the last.
 */
#define WA_KPI_NTARGETS 8
void wa_kpi_addtargets(json_t *o);
const char *wa_kpi_target(const char *name);
const char *wa_kpi_targetname(size_t i);
/* Group K's figures, with the survey's when SURVEY. */
json_t *wa_kpi_json(const struct wa_kpi *k, int survey);
/* -b ref: a tag's inquiries, and what came of them. */
json_t *wa_kpi_refjson(const struct wa_kpi *k);
/* The store-wide figures of S into O. */
void wa_kpi_storejson(json_t *o, const struct wa_store_kpi *s);
/* -b channel's own figures of K into O: bounced, unsubscribed. */
void wa_kpi_channeljson(json_t *o, const struct wa_kpi *k);
/*
 * Figures of a struct into a JSON object by their offsets: a count (long),
 * seconds (long long, -1: null), or a rate of two counts (rounded to 4
 * places, null over 0).
 */
enum { WA_KF_COUNT, WA_KF_SECS, WA_KF_RATE };
struct wa_kfield {
	const char *name;
	size_t off;
	int kind;
	size_t den;	/* WA_KF_RATE: the count it is over */
};
void wa_kpi_setfields(json_t *o, const void *base, const struct wa_kfield *f,
    size_t n);

/* variant.c: A/B arms against their baseline (see wa-report(1), -b variant) */
/*
 * For each campaign of two arms or more among A[0..N) (as wa_report_arms),
 * a row per arm and figure: read, reply and conversion rates by the
 * two-proportion test, revenue per recipient in each currency by Welch's,
 * against the arm "control", else the hold-out, else the first.
 */
json_t *wa_variant_rows(const struct wa_arm *a, size_t n);

/* insights.c: what customers ask most (see wa-report(1), --insights) */
struct wa_insights;
/* Messages written in [SINCE, UNTIL) count; UNTIL 0: open. */
struct wa_insights *wa_insights_new(time_t since, time_t until);
/* A wa-hook event: a text message's words and phrases; others are ignored. */
void wa_insights_add(struct wa_insights *in, json_t *ev);
/*
 * The TOP phrases in most messages (two at least), each with how its
 * messages were answered as R tells, then the same for "all" messages.
 */
json_t *wa_insights_rows(struct wa_insights *in, struct wa_report *r,
    size_t top);
void wa_insights_free(struct wa_insights *in);

/* chart.c: the page's charts as inline SVG, each with its title, description and data table */
struct wa_series {
	const char *name;
	const double *v;	/* one per point; NAN: none */
	int kind;		/* WA_COL_*: how a value reads */
};
struct wa_chart {
	const char *id, *title, *desc;
	const char *xhead;	/* the data table's first head */
	const char *const *x;	/* the points' names */
	const time_t *t;	/* their times, for lines */
	size_t nx;
	const struct wa_series *s;
	size_t ns;
	double max;		/* the scale's top; 0: the largest value */
};
/* V as a person reads a value of KIND, into B. */
const char *wa_chart_fmt(struct wa_buf *b, double v, int kind);
/* Lines over time, one point a period; bars across; bars up; intervals about 0. */
void wa_chart_lines(const struct wa_chart *c);
void wa_chart_hbars(const struct wa_chart *c);
void wa_chart_vbars(const struct wa_chart *c);
void wa_chart_intervals(const struct wa_chart *c);

/* page.c: wa-report's HTML page */
/* What the page shows; NULL or 0 for what a view has not. */
struct wa_page {
	const struct wa_tcols *view, *store;
	json_t *rows;		/* the view's rows, "all" last */
	const char *by;		/* the view's grouping */
	time_t now, since, until;	/* the period; since 0: from the first message */
	const char *currency;
	json_t *prev;		/* "all" of the period compared */
	const char *compare;	/* which it is: "the previous period" */
	json_t *trend;		/* by day or week, "all" last */
	const char *trendby;	/* "day" or "week" */
	json_t *camps;		/* by campaign, "all" last: the scorecard's and funnel's */
	json_t *tiers;		/* {"gold": customers, ...} */
	json_t *moves;		/* their moves in the period (tiermove.c); NULL: none */
	const long *waits;	/* response times in each of WA_PAGE_NWAITS buckets */
	json_t *themes;		/* --insights' rows */
	json_t *arms;		/* -b variant's rows */
	json_t *convs;		/* the conversations by tier, "all" last; NULL: no inbox */
	const struct wa_store_kpi *st;
};
/* The response times' buckets: under 5 min, 15 min, 1 h, 4 h, 24 h, and more. */
#define WA_PAGE_NWAITS 6
extern const long long wa_page_waits[WA_PAGE_NWAITS - 1];
/* A figure of O as a number: money objects by their one currency; NAN: none. */
double wa_page_num(json_t *o, const char *k);
void wa_page_put(const struct wa_page *p);

/* pdf.c: wa-report's page as PDF, printed by headless Chromium */
struct wa_pdf;
/* Stdout into a page for Chromium, until wa_pdf_end. */
struct wa_pdf *wa_pdf_begin(void);
/*
 * Print the page with Chromium ($WA_CHROMIUM, else chromium on PATH) to
 * the real stdout; without Chromium, exit 2 saying how to get it.
 */
void wa_pdf_end(struct wa_pdf *p);

/* growth.c: consent growth, opt-ins and opt-outs per week and source (wa-report -b consent) */
struct wa_growth;
/* Events at times in [SINCE, UNTIL) count; UNTIL 0: open. */
struct wa_growth *wa_growth_new(time_t since, time_t until);
/* A line of the consent log; 0, or -1 with the reason in *WHY. */
int wa_growth_add(struct wa_growth *g, json_t *e, const char **why);
/*
 * A row {week, source, opt_in, opt_out, net} per ISO week (2026-W49) and
 * source, in time order; then per source over all weeks, week "all"; the
 * last row is all of them, "all" and "all".
 */
json_t *wa_growth_rows(struct wa_growth *g);
void wa_growth_free(struct wa_growth *g);

/* convkpi.c: the inbox's conversations by agent or tier (wa-report -b agent, -b tier) */
struct wa_inbox;
struct wa_sla;
struct wa_convkpi {
	char *group;		/* the agent, "(bot)", "(unassigned)"; the tier, "-" */
	long convs, bot_only, handed_off;
	long long first_p50, first_p90;	/* to a person's first reply; -1: none */
	long long resol_p50, resol_p90;	/* to the close; -1: none */
	long long target;	/* the service target: the tier's, else 15 minutes */
	long sla_n, sla_met;	/* conversations a person owed an answer; answered in time */
	struct wa_survey survey;	/* close --survey's answers */
};
/*
 * The conversations of IB opened in [SINCE, UNTIL) (UNTIL 0: open) by
 * agent, or by tier when BYTIER, with the targets of SLA and the survey
 * answers of the spool SPOOL as of NOW: in name order, then "all"; *N in all.
 */
struct wa_convkpi *wa_convkpis(struct wa_inbox *ib, const struct wa_sla *sla,
    int bytier, const char *spool, time_t since, time_t until, time_t now,
    size_t *n);
/* K's figures into O (NULL: a new object with "group"), returned. */
json_t *wa_convkpi_json(const struct wa_convkpi *k, json_t *o);
void wa_convkpis_free(struct wa_convkpi *k, size_t n);
struct wa_inbox_paths;
/*
 * The rows of the conversations of the inbox at P, by agent (BYTIER 0:
 * into a new array, A NULL) or by tier into the tiers' rows of A, a
 * tier no message went to inserted before "all"; with TARGETS (--targets)
 * whether the first response met its target, and by agent the KPIs' marks.
 */
json_t *wa_convkpi_rows(const struct wa_inbox_paths *p, const struct wa_sla *sla, int bytier,
    json_t *a, time_t since, time_t until, int targets);

/* rcols.c: wa-report's columns, view by view */
#define WA_RCOLS_NSURVEY 5	/* the KPIs' last, shown once there are survey answers */
/* The figures of a group, in the order every format shows them. */
extern const struct wa_tcol wa_rcols_kpi[25];
/* -b channel's: the KPIs with bounced, unsubscribed, responses and ratings; within a terminal. */
extern const struct wa_tcol wa_rcols_channel[32];
extern const struct wa_tcol wa_rcols_chkey[10];
/* The table's columns for the KPIs, within a terminal; --wide: all. */
extern const struct wa_tcol wa_rcols_key[7];
/* -b ref: the writers of tagged messages by their first tag. */
extern const struct wa_tcol wa_rcols_ref[6];
/* -b variant: a row per arm and figure. */
extern const struct wa_tcol wa_rcols_arm[14];
/* --insights: a row per theme, then all. */
extern const struct wa_tcol wa_rcols_theme[6];
/* -b consent: the consent log's events per week and source. */
extern const struct wa_tcol wa_rcols_growth[5];
/* -b agent, and -b tier's second table: the inbox's conversations. */
extern const struct wa_tcol wa_rcols_conv[12];
/* The store-wide figures, in the "all" object only. */
extern const struct wa_tcol wa_rcols_store[7];

/* rout.c: wa-report's rows on a terminal, or as CSV */
/*
 * The rows A of view VC grouped BY as tables within $COLUMNS (WIDE: every
 * column, however wide): the KPIs' key columns, -b tier's conversations,
 * then the store-wide figures and the currency CUR (NULL: none) of "all".
 */
void wa_rout_table(const struct wa_tcols *vc, json_t *a, int by, int wide, const char *cur);
/* The rows A as CSV: every figure by its JSON name, the store-wide ones and, with TARGETS, the marks last. */
void wa_rout_csv(const struct wa_tcols *vc, json_t *a, int by, int targets);
/* tiermove.c: how customers moved between service tiers over a period */
struct wa_tiermoves;
/*
 * The moves from FROM to TO: each customer's tier at both times by the
 * rules of wa-segment --tiers, on its totals of then (today's, less the
 * orders since, and the spend of the year before from the orders).
 */
struct wa_tiermoves *wa_tiermoves_new(time_t from, time_t to);
/* A customer record: its id and today's "orders" and "spent" (none: its orders'). */
void wa_tiermoves_customer(struct wa_tiermoves *m, json_t *c);
/* An order (an order record or event; any other record is passed over). */
void wa_tiermoves_order(struct wa_tiermoves *m, json_t *o);
/*
 * {"from","to","up","down","moves":[{"from","to","way":"up"|"down",
 * "customers","ids":[...]}]}: a customer with no tier is "-", ranked
 * between the last rule but one and the last (a small buyer is above none).
 */
json_t *wa_tiermoves_json(struct wa_tiermoves *m);
/* Those moves on the page: counts, and a row per move with its first 20 ids. */
void wa_tiermoves_html(json_t *moves);
void wa_tiermoves_free(struct wa_tiermoves *m);

/* respond.c: -b channel's customer responses and ratings */
/*
 * After the events and orders, before the figures: the close-survey
 * ratings of the conversations of the inbox at P, each for the message
 * that began the conversation or came last before it within the window.
 */
struct wa_inbox_paths;
void wa_report_ratings(struct wa_report *r, const struct wa_inbox_paths *p);

/* rread.c: wa-report's files read into a report */
/* What takes one record in: 0, or -1 with the reason in *WHY. */
typedef int wa_rfeed_fn(struct wa_report *r, json_t *o, const char **why);
/*
 * The JSON lines of PATH into FN with R, parsing only FIELDS[0..N); a
 * missing file is none when ISDEFAULT. A bad line is said once per
 * reader however often it is read (--compare), and rejected.
 */
void wa_rread_file(struct wa_report *r, const char *path, int isdefault,
    const char *const *fields, size_t n, wa_rfeed_fn *fn);
/*
 * The same for the log at PATH and its rolled segments (segments.c), the
 * segments all before FROM unopened and its records dated before FROM
 * unread (0: all); a missing log dies with status 3 unless ISDEFAULT.
 */
void wa_rread_log(struct wa_report *r, const char *path, int isdefault, time_t from,
    const char *const *fields, size_t n, wa_rfeed_fn *fn);
void wa_rread_free(void);

/* pagetab.c: the tables of wa-report's page (page.c) */
/* -b channel: each channel's responses, conversion and rating side by side. */
void wa_pagetab_channels(const struct wa_page *p);
/* Every figure of the view, as the table and CSV have them. */
void wa_pagetab_view(const struct wa_page *p);
/* The store-wide figures of ALL. */
void wa_pagetab_store(const struct wa_page *p, json_t *all);
/* A/B tests: each arm's difference from its baseline, with its interval, and the verdicts. */
void wa_pagetab_ab(const struct wa_page *p);

#endif
