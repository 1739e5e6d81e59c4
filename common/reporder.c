/* reporder.c: wa-report's orders: exact amounts, the shop's own, their buyers and the recipients they count for. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "wa.h"
#include "store.h"
#include "report.h"
#include "report-int.h"

/* The recipient who placed order O, + 1; 0: no message went to its buyer. */
static uint32_t
orderrecip(struct wa_report *r, json_t *o)
{
	const char *id = wa_json_nestr(o, "customer"), *phone = wa_json_nestr(o, "phone");
	char pk[WA_PHONE_MAX];
	uint32_t i = id ? wa_rep_get(r->byid, id) : 0;

	if (i == 0 && phone) {
		wa_phone_key(phone, pk);
		i = wa_rep_get(r->byphone, pk);
	}
	return i;
}

/* V, an amount of CUR in its major unit (12.34), as exact minor units (1234) in *AMOUNT; -1: none. */
static int
minor(json_t *v, const char *cur, long long *amount)
{
	double x;
	int e;

	if (!json_is_number(v) || cur == NULL)
		return -1;
	/* rounded once, here */
	for (x = json_number_value(v), e = wa_money_exp(cur); e > 0; e--)
		x *= 10;
	if (fabs(x) > (double)WA_MONEY_MAX)
		return -1;
	*amount = llround(x);
	return 0;
}

/* Exact minor units of the order's total in *AMOUNT; its currency, or 0. */
static uint32_t
amountof(struct wa_report *r, json_t *o, long long *amount)
{
	const char *cur = wa_json_nestr(o, "currency");
	size_t n;
	uint32_t e;

	if (minor(json_object_get(o, "total"), cur, amount) < 0)
		return 0;
	n = r->curs.n;
	e = wa_rep_intern(&r->curs, cur);
	if (r->curs.n > n) {
		r->site = wa_realloc(r->site, (r->curs.n + 1) * sizeof *r->site);
		r->messaged = wa_realloc(r->messaged, (r->curs.n + 1) * sizeof *r->messaged);
		r->others = wa_realloc(r->others, (r->curs.n + 1) * sizeof *r->others);
		memset(&r->site[e], 0, sizeof *r->site);
		memset(&r->messaged[e], 0, sizeof *r->messaged);
		memset(&r->others[e], 0, sizeof *r->others);
		r->site[e].cur = r->messaged[e].cur = r->others[e].cur = r->curs.s[e];
	}
	return e;
}

/* The shop's own amount of order O (Shopify's shop_money), when it gives one: its currency, or 0. */
static uint32_t
shopamount(struct wa_report *r, json_t *o, long long *amount)
{
	const char *cur = wa_json_nestr(o, "shop_currency");

	if (minor(json_object_get(o, "shop_total"), cur, amount) < 0)
		return 0;
	return wa_rep_intern(&r->shopcurs, cur);
}

void
wa_rep_addamount(struct wa_amount *a, long long amount, const char *shopcur,
    long long shopamt)
{
	a->sum += amount;
	a->n++;
	if (shopcur == NULL || (a->shopcur && strcmp(a->shopcur, shopcur) != 0))
		return;
	a->shopcur = shopcur;
	a->shopsum += shopamt;
	a->shoporig += amount;
	a->shopn++;
}

/*
 * Keep the two earliest orders of the buyer, for the repeat purchase of
 * first-time buyers: a recipient of messages, else a customer id, phone
 * or e-mail.
 */
static void
buyer(struct wa_report *r, json_t *o, time_t t, uint32_t rc)
{
	const char *key = wa_json_nestr(o, "customer");
	char pk[WA_PHONE_MAX];
	struct buyer *b;
	uint32_t i;

	if (rc) {
		snprintf(pk, sizeof pk, "\001%lu", (unsigned long)rc);
		key = pk;
	}
	if (key == NULL && wa_json_nestr(o, "phone")) {
		wa_phone_key(wa_json_nestr(o, "phone"), pk);
		key = pk;
	}
	if (key == NULL && (key = wa_json_nestr(o, "email")) == NULL)
		return;
	if ((i = wa_rep_get(r->bybuyer, key)) == 0) {
		r->b = wa_grow(r->b, &r->capb, r->nb, sizeof *r->b);
		memset(&r->b[r->nb], 0, sizeof *r->b);
		wa_rep_put(r->bybuyer, key, r->nb);
		i = (uint32_t)++r->nb;
	}
	b = &r->b[i - 1];
	if (rc)
		b->recip = rc;
	if (b->first == 0 || t < b->first) {
		b->second = b->first;
		b->first = t;
	} else if (b->second == 0 || t < b->second)
		b->second = t;
}

int
wa_report_order(struct wa_report *r, json_t *o, const char **why)
{
	struct wa_order ord = { 0 };
	const char *id = wa_json_nestr(o, "id");
	long long amount = 0, shopamt = 0;
	uint32_t rc, cur, sc;
	const char *scs;
	struct act *a;
	time_t t;

	if (wa_rep_timeof(o, "created_at", &t) < 0)
		return *why = "order with no valid time in 'created_at'", -1;
	/* wa-hook and wa-import may both have seen it. */
	if (id && wa_rep_get(r->orders, id))
		return 0;
	if (id)
		wa_rep_put(r->orders, id, 0);
	ord.financial_status = (char *)wa_json_nestr(o, "financial_status");
	if (wa_json_nestr(o, "cancelled_at"))
		ord.cancelled_at = 1;
	if (!wa_order_counts(&ord))
		return 0;
	cur = amountof(r, o, &amount);
	sc = cur ? shopamount(r, o, &shopamt) : 0;
	scs = sc ? r->shopcurs.s[sc] : NULL;
	rc = orderrecip(r, o);
	if (cur && wa_rep_inperiod(r, t)) {
		wa_rep_addamount(&r->site[cur], amount, scs, shopamt);
		if (rc == 0)
			wa_rep_addamount(&r->others[cur], amount, scs, shopamt);
	}
	if (rc) {
		a = wa_rep_newact(r, A_ORDER, rc - 1, t);
		a->cur = cur;
		a->amount = amount;
		a->shopcur = sc;
		a->shopamt = shopamt;
		a->inperiod = (unsigned char)wa_rep_inperiod(r, t);
	}
	buyer(r, o, t, rc);
	return 0;
}
