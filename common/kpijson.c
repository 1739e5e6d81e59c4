/* kpijson.c: the figures of wa-report's groups as JSON objects. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "report.h"

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

static const struct wa_fx *fx;

void
wa_kpi_fx(const struct wa_fx *f)
{
	fx = f;
}

static json_t *bycur(const struct wa_amount *a, size_t n, int avg);

/*
 * {"EUR": sum} of amounts A[0..N) in the report's currency, or their
 * average with AVG; per currency without one; {} without orders.
 */
static json_t *
money(const struct wa_amount *a, size_t n, int avg)
{
	struct wa_fxsum s;
	json_t *o;

	if (wa_fx_cur(fx) == NULL)
		return bycur(a, n, avg);
	wa_fx_sum(fx, a, n, &s);
	o = json_object();
	if (s.n > 0)
		json_object_set_new(o, wa_fx_cur(fx), wa_money_json(avg ?
		    divround(s.sum, s.n) : s.sum, wa_fx_cur(fx)));
	free(s.other);
	return o;
}

/* What the revenue of A[0..N) became: converted or not, the rates' day, the rest. */
static void
converted(json_t *o, const struct wa_amount *a, size_t n)
{
	struct wa_fxsum s;

	if (fx == NULL)
		return;
	if (wa_fx_cur(fx) == NULL) {
		json_object_set_new(o, "revenue_converted", json_false());
		json_object_set_new(o, "revenue_other", json_object());
		json_object_set_new(o, "rates_date", json_null());
		return;
	}
	wa_fx_sum(fx, a, n, &s);
	json_object_set_new(o, "revenue_converted", json_boolean(s.converted));
	json_object_set_new(o, "revenue_other", bycur(s.other, s.nother, 0));
	json_object_set_new(o, "rates_date", s.rated ?
	    json_string(wa_fx_date(fx)) : json_null());
	free(s.other);
}

/* {"EUR": sum} of amounts A[0..N) by code, or their averages with AVG; only those with orders. */
static json_t *
bycur(const struct wa_amount *a, size_t n, int avg)
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

#define KF(name, field, kind, den) \
	{ name, offsetof(struct wa_kpi, field), kind, offsetof(struct wa_kpi, den) }
static const struct wa_kfield kpifields[] = {
	KF("sent", sent, WA_KF_COUNT, sent),
	KF("delivered", delivered, WA_KF_COUNT, sent),
	KF("read", read, WA_KF_COUNT, sent),
	KF("failed", failed, WA_KF_COUNT, sent),
	KF("replied", replied, WA_KF_COUNT, sent),
	KF("opted_out", opted_out, WA_KF_COUNT, sent),
	KF("delivery_rate", delivered, WA_KF_RATE, sent),
	KF("read_rate", read, WA_KF_RATE, delivered),
	KF("reply_rate", replied, WA_KF_RATE, delivered),
	KF("opt_out_rate", opted_out, WA_KF_RATE, delivered),
	KF("median_response_s", median_s, WA_KF_SECS, sent),
	KF("p90_response_s", p90_s, WA_KF_SECS, sent),
};
static const struct wa_kfield chanfields[] = {
	KF("bounced", bounced, WA_KF_COUNT, sent),
	KF("unsubscribed", unsubscribed, WA_KF_COUNT, sent),
	KF("responded", responded, WA_KF_COUNT, sent),
	KF("responded_rate", responded, WA_KF_RATE, reached),
	KF("customer_response_p50_s", respond_p50, WA_KF_SECS, sent),
	KF("ratings", nrated, WA_KF_COUNT, sent),
};

void
wa_kpi_setfields(json_t *o, const void *base, const struct wa_kfield *f, size_t n)
{
	const char *p = base;
	long num, den;
	size_t i;

	for (i = 0; i < n; i++) {
		switch (f[i].kind) {
		case WA_KF_SECS:
			json_object_set_new(o, f[i].name,
			    secs(*(const long long *)(const void *)(p + f[i].off)));
			break;
		case WA_KF_RATE:
			memcpy(&num, p + f[i].off, sizeof num);
			memcpy(&den, p + f[i].den, sizeof den);
			json_object_set_new(o, f[i].name, rate(num, den));
			break;
		default:
			memcpy(&num, p + f[i].off, sizeof num);
			json_object_set_new(o, f[i].name, json_integer(num));
		}
	}
}

/* What the messages (or the tags) of K sold. */
static void
sales(json_t *o, const struct wa_kpi *k)
{
	json_object_set_new(o, "conversions", json_integer(k->conversions));
	json_object_set_new(o, "conversion_rate", rate(k->conversions, k->recips));
	json_object_set_new(o, "revenue", money(k->rev, k->nrev, 0));
	json_object_set_new(o, "aov", money(k->rev, k->nrev, 1));
	converted(o, k->rev, k->nrev);
}

json_t *
wa_kpi_json(const struct wa_kpi *k, int survey)
{
	json_t *o = json_pack("{s:s}", "group", k->group);

	wa_kpi_setfields(o, k, kpifields, sizeof kpifields / sizeof *kpifields);
	sales(o, k);
	if (survey) {
		json_object_set_new(o, "csat", real(wa_survey_csat(&k->survey), 2));
		json_object_set_new(o, "csat_answers", json_integer(k->survey.n5));
		json_object_set_new(o, "nps", real(wa_survey_nps(&k->survey), 1));
		json_object_set_new(o, "nps_answers", json_integer(k->survey.n10));
		json_object_set_new(o, "negative_rate",
		    real(wa_survey_negative(&k->survey), 4));
	}
	return o;
}

void
wa_kpi_channeljson(json_t *o, const struct wa_kpi *k)
{
	wa_kpi_setfields(o, k, chanfields, sizeof chanfields / sizeof *chanfields);
	json_object_set_new(o, "rating", k->nrated ?
	    real((double)k->sumrated / (double)k->nrated, 2) : json_null());
}

json_t *
wa_kpi_refjson(const struct wa_kpi *k)
{
	json_t *o = json_pack("{s:s}", "group", k->group);

	json_object_set_new(o, "inquiries", json_integer(k->recips));
	sales(o, k);
	return o;
}

void
wa_kpi_storejson(json_t *o, const struct wa_store_kpi *s)
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
_Static_assert(sizeof targets / sizeof *targets == WA_KPI_NTARGETS,
    "WA_KPI_NTARGETS is the number of targets");

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

void
wa_kpi_addtargets(json_t *o)
{
	char name[64];
	json_t *v;
	size_t i;

	for (i = 0; i < WA_KPI_NTARGETS; i++) {
		if ((v = json_object_get(o, targets[i].name)) == NULL)
			continue;
		snprintf(name, sizeof name, "%s_met", targets[i].name);
		json_object_set_new(o, name, strcmp(targets[i].name,
		    "aov_messaged") == 0 ? aovmet(&targets[i], o) :
		    met(&targets[i], v));
	}
}

const char *
wa_kpi_target(const char *name)
{
	size_t i;

	for (i = 0; i < WA_KPI_NTARGETS; i++)
		if (strcmp(targets[i].name, name) == 0)
			return targets[i].text;
	return NULL;
}

const char *
wa_kpi_targetname(size_t i)
{
	return i < WA_KPI_NTARGETS ? targets[i].name : NULL;
}
