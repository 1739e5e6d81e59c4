/* variant.c: the arms of an A/B test against its baseline, for wa-report -b variant. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report.h"

/* X to 6 significant digits, or null when it is no number. */
static json_t *
num(double x)
{
	char buf[32];

	if (!isfinite(x))
		return json_null();
	snprintf(buf, sizeof buf, "%.6g", x);
	return json_real(strtod(buf, NULL));
}

/*
 * The arm the others are measured against, among A[0..N) of one campaign:
 * one named "control", else the hold-out, else the first by name. With
 * MSG, for rates of messages, a hold-out cannot be it: then the first arm
 * that sent.
 */
static const struct wa_arm *
baseline(const struct wa_arm *a, size_t n, int msg)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(a[i].arm, "control") == 0 && !(msg && a[i].held))
			return &a[i];
	for (i = 0; !msg && i < n; i++)
		if (a[i].held)
			return &a[i];
	for (i = 0; i < n; i++)
		if (!(msg && a[i].held))
			return &a[i];
	return NULL;
}

/*
 * The test T of ARM into ROW, and the verdict: RC is what the test
 * returned, 1 for the baseline itself.
 */
static void
verdict(json_t *row, const char *arm, int rc, const struct wa_test *t,
    long n1, long n0)
{
	char buf[128];
	double more;

	json_object_set_new(row, "diff", num(rc ? NAN : t->diff));
	json_object_set_new(row, "ci_low", num(rc ? NAN : t->lo));
	json_object_set_new(row, "ci_high", num(rc ? NAN : t->hi));
	json_object_set_new(row, "p_value", num(rc ? NAN : t->p));
	json_object_set_new(row, "n_needed", num(rc ? NAN : t->nneed));
	if (rc == 1) {
		json_object_set_new(row, "verdict", json_string("baseline"));
		return;
	}
	if (rc != 0) {
		json_object_set_new(row, "verdict", json_string("too few recipients"));
		return;
	}
	if (t->p < 0.05) {
		snprintf(buf, sizeof buf, "%s %s", arm, t->diff > 0 ? "better" : "worse");
		json_object_set_new(row, "verdict", json_string(buf));
		return;
	}
	more = t->nneed - (double)(n1 < n0 ? n1 : n0);
	if (isfinite(more) && more > 0)
		snprintf(buf, sizeof buf, "no difference yet: %.0f more a side", more);
	else
		snprintf(buf, sizeof buf, "no difference yet");
	json_object_set_new(row, "verdict", json_string(buf));
}

static json_t *
row(const struct wa_arm *a, const char *metric, const struct wa_arm *base)
{
	json_t *o = json_object();

	json_object_set_new(o, "campaign", json_string(a->campaign));
	json_object_set_new(o, "variant", json_string(a->arm));
	json_object_set_new(o, "metric", json_string(metric));
	json_object_set_new(o, "baseline", base ? json_string(base->arm) :
	    json_null());
	return o;
}

enum { READ, REPLY, CONVERSION };
static const char *const ratename[] = { "read_rate", "reply_rate",
    "conversion_rate" };

/* The count of rate WHAT of arm A in *X, its denominator in *D. */
static void
rate(const struct wa_arm *a, int what, long *x, long *d)
{
	*x = what == READ ? a->read : what == REPLY ? a->replied : a->conversions;
	*d = what == CONVERSION ? a->n : a->delivered;
}

/* Rate WHAT of each arm of A[0..N) against the baseline; read and reply need messages. */
static void
rates(json_t *out, const struct wa_arm *a, size_t n, int what)
{
	int msg = what != CONVERSION, rc;
	const struct wa_arm *base = baseline(a, n, msg);
	struct wa_test t;
	long x, d, x0, d0;
	json_t *o;
	size_t i;

	for (i = 0; base && i < n; i++) {
		if (msg && a[i].held)
			continue;
		rate(&a[i], what, &x, &d);
		rate(base, what, &x0, &d0);
		o = row(&a[i], ratename[what], base);
		json_object_set_new(o, "currency", json_null());
		json_object_set_new(o, "n", json_integer(d));
		json_object_set_new(o, "count", json_integer(x));
		json_object_set_new(o, "value", num(d ? (double)x / d : NAN));
		rc = &a[i] == base ? 1 : wa_test_props(x, d, x0, d0, &t);
		verdict(o, a[i].arm, rc, &t, d, d0);
		json_array_append_new(out, o);
	}
}

/* Revenue per recipient in currency C of each arm against the baseline: Welch. */
static void
revenue(json_t *out, const struct wa_arm *a, size_t n, size_t c)
{
	const struct wa_arm *base = baseline(a, n, 0);
	const struct wa_arm_rev *v, *v0 = &base->rev[c];
	struct wa_test t;
	json_t *o;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		v = &a[i].rev[c];
		o = row(&a[i], "revenue_per_recipient", base);
		json_object_set_new(o, "currency", json_string(v->cur));
		json_object_set_new(o, "n", json_integer(a[i].n));
		json_object_set_new(o, "count", json_integer(v->orders));
		json_object_set_new(o, "value", num(v->mean));
		rc = &a[i] == base ? 1 : wa_test_welch(v->mean, a[i].n > 1 ?
		    v->m2 / (a[i].n - 1) : 0, a[i].n, v0->mean, base->n > 1 ?
		    v0->m2 / (base->n - 1) : 0, base->n, &t);
		verdict(o, a[i].arm, rc, &t, a[i].n, base->n);
		json_array_append_new(out, o);
	}
}

/* The rows of one campaign's arms A[0..N). */
static void
campaign(json_t *out, const struct wa_arm *a, size_t n)
{
	size_t i, c;
	long orders;
	int what;

	for (what = READ; what <= CONVERSION; what++)
		rates(out, a, n, what);
	for (c = 0; n > 0 && c < a[0].nrev; c++) {
		for (orders = 0, i = 0; i < n; i++)
			orders += a[i].rev[c].orders;
		if (orders > 0)
			revenue(out, a, n, c);
	}
}

json_t *
wa_variant_rows(const struct wa_arm *a, size_t n)
{
	json_t *out = json_array();
	size_t i, j;

	for (i = 0; i < n; i = j) {
		for (j = i; j < n && strcmp(a[j].campaign, a[i].campaign) == 0; j++)
			;
		/* One arm alone is no test. */
		if (j - i > 1)
			campaign(out, a + i, j - i);
	}
	return out;
}
