/* shopnode.c: Shopify Admin GraphQL nodes as wa-import's customer and order records. */
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"

char *
wa_shop_id(const char *gid)
{
	const char *p;

	if (gid == NULL || *gid == '\0')
		return NULL;
	/* "gid://shopify/Order/123", or "gid://shopify/Order/123?key=..." */
	p = strrchr(gid, '/');
	p = p ? p + 1 : gid;
	if (*p == '\0')
		return NULL;
	return wa_strjoin("shopify", ":", p);
}

static time_t
when(json_t *n, const char *key)
{
	const char *s = wa_json_str(n, key);
	time_t t;

	return s && wa_time_parse(s, WA_DATES_ANY, &t) == 0 ? t : 0;
}

/* MONEY ({"amount","currencyCode"}, or a MoneyBag's "shopMoney") in minor units, or -1. */
static long long
money(json_t *m, const char **cur)
{
	const char *a, *c;
	long long v;

	if (json_is_object(json_object_get(m, "shopMoney")))
		m = json_object_get(m, "shopMoney");
	a = wa_json_str(m, "amount");
	c = wa_json_str(m, "currencyCode");
	if (cur != NULL && c != NULL)
		*cur = c;
	if (a == NULL || wa_money_parse(a, c, &v) < 0)
		return -1;
	return v;
}

/*
 * The first of PHONES[0..N) that normalizes, in country CC, into C->phone;
 * the first written at all into C->phone_raw. The error of the first
 * that did not normalize, or WA_PHONE_OK.
 */
static int
phones(struct wa_cust *c, const char *const *ph, size_t n, const char *cc)
{
	char e164[WA_PHONE_MAX];
	int err = WA_PHONE_OK, e;
	size_t i;

	for (i = 0; i < n; i++) {
		if (ph[i] == NULL || *ph[i] == '\0')
			continue;
		e = wa_phone_norm(ph[i], cc, e164);
		if (e == WA_PHONE_EMPTY)
			continue;
		if (c->phone_raw == NULL)
			c->phone_raw = wa_strdup(ph[i]);
		if (e == WA_PHONE_OK) {
			wa_strset(&c->phone, e164);
			return WA_PHONE_OK;
		}
		if (err == WA_PHONE_OK)
			err = e;
	}
	return err;
}

/* Name, e-mail, country and place from a node and its address A (may be NULL). */
static void
person(struct wa_cust *c, json_t *n, json_t *a)
{
	const char *s;

	wa_strset(&c->first, wa_json_str(n, "firstName"));
	wa_strset(&c->last, wa_json_str(n, "lastName"));
	wa_strset(&c->email, wa_json_str(n, "email"));
	wa_lower(c->email);
	if (c->email && strchr(c->email, '@') == NULL) {
		free(c->email);
		c->email = NULL;
	}
	if ((s = wa_json_str(a, "countryCodeV2")) != NULL && strlen(s) == 2)
		wa_strset(&c->country, s);
	wa_strset(&c->province, wa_json_str(a, "province"));
	wa_strset(&c->city, wa_json_str(a, "city"));
	wa_strset(&c->source, "shopify");
}

static void
tags(json_t *dst, json_t *n)
{
	json_t *t = json_object_get(n, "tags"), *v;
	size_t i;

	json_array_foreach(t, i, v)
		if (json_is_string(v))
			wa_tags_add(dst, json_string_value(v));
}

int
wa_shop_cust(json_t *n, const char *cc, struct wa_cust *c, int *phoneerr)
{
	json_t *a = json_object_get(n, "defaultAddress");
	const char *ph[2], *cur = NULL, *s;
	json_t *sms;

	if ((c->id = wa_shop_id(wa_json_str(n, "id"))) == NULL)
		return -1;
	c->listed = 1;
	person(c, n, a);
	ph[0] = wa_json_str(n, "phone");
	ph[1] = wa_json_str(a, "phone");
	*phoneerr = phones(c, ph, 2, c->country ? c->country : cc);
	wa_strset(&c->lang, wa_json_str(n, "locale"));
	wa_strset(&c->note, wa_json_str(n, "note"));
	if (json_array_size(json_object_get(n, "tags")) > 0 && c->tags == NULL)
		c->tags = json_array();
	tags(c->tags, n);
	/* Only SMS consent speaks for messages to a phone, as the CSV path reads it. */
	if (json_is_object(sms = json_object_get(n, "smsMarketingConsent"))) {
		s = wa_json_str(sms, "marketingState");
		c->opt_in = s != NULL && strcmp(s, "SUBSCRIBED") == 0;
		c->optsrc = wa_strdup("shopify:accepts_sms_marketing");
	}
	if ((s = wa_json_str(n, "numberOfOrders")) != NULL)
		c->orders = strtoll(s, NULL, 10);
	else if (json_is_integer(json_object_get(n, "numberOfOrders")))
		c->orders = json_integer_value(json_object_get(n, "numberOfOrders"));
	c->spent = money(json_object_get(n, "amountSpent"), &cur);
	if (cur != NULL && strlen(cur) == 3) {
		snprintf(c->cur, sizeof c->cur, "%s", cur);
		c->spentexp = wa_money_exp(cur);
	}
	c->created = when(n, "createdAt");
	return 0;
}

/* Line items: a page's {"edges":[{"node"}]} or a bulk download's plain list. */
static void
items(struct wa_order *o, json_t *li)
{
	json_t *list = json_is_object(li) ? json_object_get(li, "edges") : li, *v, *it;
	long long q, p;
	size_t i;

	json_array_foreach(list, i, v) {
		it = json_is_object(json_object_get(v, "node")) ?
		    json_object_get(v, "node") : v;
		if (wa_json_str(it, "name") == NULL)
			continue;
		q = json_integer_value(json_object_get(it, "quantity"));
		p = money(json_object_get(it, "originalUnitPriceSet"), NULL);
		wa_order_additem(o, wa_json_str(it, "name"),
		    wa_json_str(it, "sku") ? wa_json_str(it, "sku") : "",
		    wa_json_str(it, "vendor") ? wa_json_str(it, "vendor") : "",
		    q > 0 ? q : 1, p);
	}
}

/* The latest fulfillment, as the CSV's "Fulfilled at". */
static time_t
fulfilled(json_t *n)
{
	json_t *f = json_object_get(n, "fulfillments"), *v;
	time_t t, best = 0;
	size_t i;

	json_array_foreach(f, i, v)
		if ((t = when(v, "createdAt")) > best)
			best = t;
	return best;
}

static void
buyer(json_t *n, const char *cc, struct wa_cust *who, int *phoneerr)
{
	json_t *cu = json_object_get(n, "customer");
	json_t *bill = json_object_get(n, "billingAddress");
	json_t *a = json_is_object(bill) ? bill : json_object_get(n, "shippingAddress");
	const char *ph[5];

	person(who, json_is_object(cu) ? cu : n, a);
	if (wa_json_str(n, "email") != NULL)
		wa_strset(&who->email, wa_json_str(n, "email"));
	wa_lower(who->email);
	who->id = wa_shop_id(wa_json_str(cu, "id"));
	ph[0] = wa_json_str(n, "phone");
	ph[1] = wa_json_str(cu, "phone");
	ph[2] = wa_json_str(bill, "phone");
	ph[3] = wa_json_str(json_object_get(n, "shippingAddress"), "phone");
	ph[4] = NULL;
	*phoneerr = phones(who, ph, 4, who->country ? who->country : cc);
}

int
wa_shop_order(json_t *n, const char *cc, struct wa_order *o,
    struct wa_cust *who, int *phoneerr)
{
	const char *cur = wa_json_str(n, "currencyCode"), *s;
	json_t *codes = json_object_get(n, "discountCodes");

	if ((o->id = wa_shop_id(wa_json_str(n, "id"))) == NULL)
		return -1;
	o->name = wa_strdup(wa_json_str(n, "name") ? wa_json_str(n, "name") : o->id);
	o->currency = wa_strdup0(cur);
	o->financial_status = wa_strdup0(wa_json_str(n, "displayFinancialStatus"));
	o->fulfillment_status = wa_strdup0(wa_json_str(n, "displayFulfillmentStatus"));
	wa_lower(o->financial_status);
	wa_lower(o->fulfillment_status);
	if (json_array_size(codes) > 0 && json_is_string(json_array_get(codes, 0)))
		o->discount_code = wa_strdup(json_string_value(json_array_get(codes, 0)));
	o->tags = json_array();
	tags(o->tags, n);
	o->created_at = when(n, "createdAt");
	o->cancelled_at = when(n, "cancelledAt");
	o->fulfilled_at = fulfilled(n);
	s = o->financial_status;
	if (s != NULL && (strcmp(s, "paid") == 0 || strncmp(s, "partially", 9) == 0 ||
	    strstr(s, "refunded") != NULL))
		o->paid_at = when(n, "processedAt");
	o->total = money(json_object_get(n, "totalPriceSet"), NULL);
	o->has_total = o->total >= 0;
	if (o->total < 0)
		o->total = 0;
	if ((o->refunded = money(json_object_get(n, "totalRefundedSet"), NULL)) < 0)
		o->refunded = 0;
	items(o, json_object_get(n, "lineItems"));
	wa_cust_init(who);
	buyer(n, cc, who, phoneerr);
	return 0;
}
