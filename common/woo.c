/* woo.c: WooCommerce REST API (wc/v3) orders and customers as our records. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"

/* A string or integer member as text ("" when absent): ids come as numbers. */
static const char *
text(json_t *j, const char *path, char *buf, size_t sz)
{
	json_t *v = wa_json_path(j, path);

	if (json_is_integer(v)) {
		snprintf(buf, sz, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	return json_is_string(v) ? json_string_value(v) : "";
}

int
wa_woo_kind(json_t *j)
{
	json_t *id = json_object_get(j, "id");
	const char *s;

	/* Its ids are numbers, ours "woocommerce:26": our own records are no REST objects. */
	if (json_is_string(id)) {
		for (s = json_string_value(id); isdigit((unsigned char)*s); s++)
			;
		if (*s != '\0' || s == json_string_value(id))
			return WA_WOO_NONE;
	} else if (!json_is_integer(id))
		return WA_WOO_NONE;
	/* Both have a billing address; only orders have lines and a status. */
	if (json_is_array(json_object_get(j, "line_items")) ||
	    (json_object_get(j, "status") && json_object_get(j, "total")))
		return WA_WOO_ORDER;
	if (json_object_get(j, "email") || json_object_get(j, "username") ||
	    json_object_get(j, "billing"))
		return WA_WOO_CUSTOMER;
	return WA_WOO_NONE;
}

/* The time of *_gmt (UTC, without an offset) else of the site's local NAME; 0 when none. */
static int
gettime(json_t *j, const char *name, time_t *t, const char **why)
{
	char gmt[64];
	const char *s;

	*t = 0;
	snprintf(gmt, sizeof gmt, "%s_gmt", name);
	if ((s = wa_json_nestr(j, gmt)) == NULL && (s = wa_json_nestr(j, name)) == NULL)
		return 0;
	if (wa_time_parse(s, WA_DATES_ANY, t) == 0)
		return 0;
	*why = "a date is not ISO 8601";
	return -1;
}

/*
 * The person the record names: id, names, e-mail, billing address, and
 * the raw phone (billing, else shipping) for the caller to normalize.
 */
static void
person(json_t *j, const char *idkey, const char *emailkey, struct wa_cust *c)
{
	const char *id, *s;
	char buf[32], cc[3];

	id = text(j, idkey, buf, sizeof buf);
	if (*id && strcmp(id, "0") != 0)
		c->id = wa_strjoin("woocommerce", ":", id);
	if ((s = wa_json_nestr(j, "first_name")) == NULL)
		s = wa_json_nestr(j, "billing.first_name");
	wa_strset(&c->first, s);
	if ((s = wa_json_nestr(j, "last_name")) == NULL)
		s = wa_json_nestr(j, "billing.last_name");
	wa_strset(&c->last, s);
	if ((s = wa_json_nestr(j, emailkey)) == NULL)
		s = wa_json_nestr(j, "billing.email");
	wa_strset(&c->email, s);
	wa_lower(c->email);
	s = wa_json_nestr(j, "billing.country");
	if (s == NULL)
		s = wa_json_nestr(j, "shipping.country");
	if (s && strlen(s) == 2) {
		cc[0] = (char)toupper((unsigned char)s[0]);
		cc[1] = (char)toupper((unsigned char)s[1]);
		cc[2] = '\0';
		wa_strset(&c->country, cc);
	}
	wa_strset(&c->province, wa_json_nestr(j, "billing.state"));
	wa_strset(&c->city, wa_json_nestr(j, "billing.city"));
	if ((s = wa_json_nestr(j, "billing.phone")) == NULL)
		s = wa_json_nestr(j, "shipping.phone");
	wa_strset(&c->phone_raw, s);
	c->source = wa_strdup("woocommerce");
}

/* An amount in minor units of the order's currency; absent is 0. */
static int
money(json_t *j, const char *key, const char *cur, long long *v)
{
	json_t *m = json_object_get(j, key);
	char buf[64];
	const char *s = buf;

	*v = 0;
	if (json_is_number(m))
		snprintf(buf, sizeof buf, "%.*f", wa_money_exp(cur),
		    json_number_value(m));
	else if (json_is_string(m))
		s = json_string_value(m);
	else
		return 0;
	if (*s == '-')
		s++;	/* refunds are written negative */
	return *s == '\0' ? 0 : wa_money_parse(s, cur, v);
}

int
wa_woo_items(json_t *items, struct wa_order *o)
{
	json_t *it, *q;
	size_t i;
	long long qty, total;
	const char *name;

	if (!json_is_array(items))
		return -1;
	json_array_foreach(items, i, it) {
		if ((name = wa_json_nestr(it, "name")) == NULL)
			continue;
		q = json_object_get(it, "quantity");
		qty = json_is_string(q) ? atoll(json_string_value(q)) :
		    json_integer_value(q);
		if (qty <= 0)
			qty = 1;
		/* "total" is the line's, after discounts; our items carry the unit price. */
		if (money(it, "total", o->currency, &total) < 0)
			return -1;
		/* a product deleted since has no sku */
		wa_order_additem(o, name, wa_json_str(it, "sku") ?
		    wa_json_str(it, "sku") : "", "", qty, total / qty);
	}
	return 0;
}

static void
coupons(json_t *j, struct wa_order *o)
{
	json_t *c;
	size_t i;
	struct wa_buf b = { 0 };
	const char *code;

	json_array_foreach(json_object_get(j, "coupon_lines"), i, c) {
		if ((code = wa_json_nestr(c, "code")) == NULL)
			continue;
		if (b.len)
			wa_buf_adds(&b, ", ");
		wa_buf_adds(&b, code);
	}
	if (b.len)
		o->discount_code = wa_strdup(wa_buf_str(&b));
	wa_buf_free(&b);
}

static int
refunds(json_t *j, struct wa_order *o)
{
	json_t *r;
	size_t i;
	long long v;

	json_array_foreach(json_object_get(j, "refunds"), i, r) {
		if (money(r, "total", o->currency, &v) < 0)
			return -1;
		o->refunded += v;
	}
	return 0;
}

int
wa_woo_order(json_t *j, struct wa_order *o, struct wa_cust *who,
    const char **why)
{
	char buf[32];
	const char *id = text(j, "id", buf, sizeof buf), *num;

	if (*id == '\0') {
		*why = "no order id";
		return -1;
	}
	o->id = wa_strjoin("woocommerce", ":", id);
	num = wa_json_nestr(j, "number");
	o->name = wa_strdup(num ? num : id);
	o->currency = wa_strdup0(wa_json_str(j, "currency"));
	o->financial_status = wa_strdup0(wa_json_str(j, "status"));
	o->tags = json_array();
	o->has_total = json_object_get(j, "total") != NULL;
	*why = "an amount is not a number";
	if (money(j, "total", o->currency, &o->total) < 0 ||
	    refunds(j, o) < 0 || (json_object_get(j, "line_items") &&
	    wa_woo_items(json_object_get(j, "line_items"), o) < 0))
		return -1;
	coupons(j, o);
	if (gettime(j, "date_created", &o->created_at, why) < 0 ||
	    gettime(j, "date_paid", &o->paid_at, why) < 0 ||
	    gettime(j, "date_completed", &o->fulfilled_at, why) < 0)
		return -1;
	if (o->fulfilled_at)
		o->fulfillment_status = wa_strdup("fulfilled");
	person(j, "customer_id", "billing.email", who);
	return 0;
}

int
wa_woo_customer(json_t *j, struct wa_cust *c, const char **why)
{
	json_t *v;
	long long spent;

	person(j, "id", "email", c);
	if (gettime(j, "date_created", &c->created, why) < 0)
		return -1;
	/* v1 and v2 of the API count them; v3 does not. */
	v = json_object_get(j, "orders_count");
	if (json_is_integer(v) && json_integer_value(v) >= 0)
		c->orders = json_integer_value(v);
	if (json_object_get(j, "total_spent") &&
	    money(j, "total_spent", NULL, &spent) == 0)
		c->spent = spent;
	return 0;
}
