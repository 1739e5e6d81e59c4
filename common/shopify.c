/*
 * shopify.c: Shopify's order and checkout webhooks into the order record
 * wa-import writes, so a journey reads a webhook and an export alike.
 */
#include <string.h>

#include "wa.h"
#include "store.h"
#include "hook.h"

static const char *
orempty(const char *s)
{
	return s ? s : "";
}

/* Shopify ids are JSON numbers; "shopify:ID" as wa-import writes them. */
static char *
sid(json_t *v)
{
	char buf[32];

	if (json_is_integer(v)) {
		snprintf(buf, sizeof buf, "shopify:%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return wa_strdup(buf);
	}
	if (json_is_string(v) && *json_string_value(v))
		return wa_strjoin("shopify", ":", json_string_value(v));
	return NULL;
}

static int
when(json_t *o, const char *key, time_t *t)
{
	const char *s = wa_json_nestr(o, key);

	*t = 0;
	return s == NULL || wa_time_parse(s, WA_DATES_ANY, t) == 0 ? 0 : -1;
}

/* The first phone that normalizes, read in the country of the address it came with. */
static char *
phone(json_t *b)
{
	static const char *const where[][2] = {
		{ "phone", "shipping_address.country_code" },
		{ "customer.phone", "customer.default_address.country_code" },
		{ "shipping_address.phone", "shipping_address.country_code" },
		{ "billing_address.phone", "billing_address.country_code" },
	};
	char e164[WA_PHONE_MAX];
	size_t i;
	const char *p;

	for (i = 0; i < sizeof where / sizeof *where; i++)
		if ((p = wa_json_nestr(b, where[i][0])) &&
		    wa_phone_norm(p, wa_json_nestr(b, where[i][1]), e164) ==
		    WA_PHONE_OK)
			return wa_strdup(e164);
	return NULL;
}

static void
items(struct wa_order *o, json_t *b)
{
	json_t *it;
	size_t i;
	long long price;
	const char *p;

	json_array_foreach(json_object_get(b, "line_items"), i, it) {
		p = wa_json_nestr(it, "price");
		if (p == NULL || wa_money_parse(p, o->currency, &price) < 0)
			price = -1;
		wa_order_additem(o, orempty(wa_json_nestr(it, "name") ?
		    wa_json_nestr(it, "name") : wa_json_nestr(it, "title")),
		    orempty(wa_json_nestr(it, "sku")),
		    orempty(wa_json_nestr(it, "vendor")),
		    json_integer_value(json_object_get(it, "quantity")), price);
	}
}

/* Tracking and status links: what an order-status answer needs. */
static void
links(struct wa_order *o, json_t *b)
{
	json_t *f = json_array_get(json_object_get(b, "fulfillments"),
	    json_array_size(json_object_get(b, "fulfillments")) - 1);
	const char *keys[][2] = {
		{ "tracking_url", "tracking_url" },
		{ "tracking_number", "tracking_number" },
		{ "tracking_company", "tracking_company" },
	};
	size_t i;

	o->extra = json_object();
	for (i = 0; f && i < sizeof keys / sizeof *keys; i++)
		wa_json_setstr(o->extra, keys[i][0], wa_json_nestr(f, keys[i][1]));
	if (f && o->fulfilled_at == 0)
		when(f, "created_at", &o->fulfilled_at);
	wa_json_setstr(o->extra, "order_status_url",
	    wa_json_nestr(b, "order_status_url"));
}

json_t *
wa_hook_shopify(const char *topic, json_t *b, char *err, size_t errsz)
{
	int checkout = strncmp(topic, "checkouts/", 10) == 0;
	struct wa_order o = { 0 };
	const char *total;
	json_t *ev;
	time_t t;

	if (!checkout && strncmp(topic, "orders/", 7) != 0) {
		snprintf(err, errsz, "topic %s is not an order or a checkout", topic);
		return NULL;
	}
	if (!json_is_object(b) || (o.id = sid(json_object_get(b, "id"))) == NULL) {
		snprintf(err, errsz, "%s: no id", topic);
		return NULL;
	}
	o.name = wa_strdup0(wa_json_nestr(b, "name"));
	o.customer = sid(wa_json_path(b, "customer.id"));
	o.email = wa_strdup0(wa_json_nestr(b, "email") ?
	    wa_json_nestr(b, "email") : wa_json_nestr(b, "contact_email"));
	o.phone = phone(b);
	o.currency = wa_strdup0(wa_json_nestr(b, "currency"));
	o.financial_status = wa_strdup0(wa_json_nestr(b, "financial_status"));
	o.fulfillment_status = wa_strdup0(wa_json_nestr(b, "fulfillment_status"));
	o.discount_code = wa_strdup0(wa_json_nestr(json_array_get(json_object_get(b,
	    "discount_codes"), 0), "code"));
	if (when(b, "created_at", &o.created_at) < 0 ||
	    when(b, "processed_at", &o.paid_at) < 0 ||
	    when(b, "cancelled_at", &o.cancelled_at) < 0) {
		snprintf(err, errsz, "%s %s: a time that does not parse", topic, o.id);
		wa_order_clear(&o);
		return NULL;
	}
	if ((total = wa_json_nestr(b, "total_price")) &&
	    wa_money_parse(total, o.currency, &o.total) == 0)
		o.has_total = 1;
	o.tags = json_array();
	if (wa_json_nestr(b, "tags"))
		wa_tags_add(o.tags, wa_json_nestr(b, "tags"));
	items(&o, b);
	links(&o, b);
	if (o.customer == NULL && o.email == NULL && o.phone == NULL) {
		snprintf(err, errsz, "%s %s: no customer, e-mail or usable phone",
		    topic, o.id);
		wa_order_clear(&o);
		return NULL;
	}
	if (o.customer == NULL) {
		struct wa_cust c = { .email = o.email, .phone = o.phone };

		o.customer = wa_cust_makeid(&c);
	}
	ev = wa_order_json(&o);
	json_object_set_new(ev, "event", json_string(checkout ? "checkout" : "order"));
	json_object_set_new(ev, "type", json_string(checkout ? "checkout" : "order"));
	json_object_set_new(ev, "topic", json_string(topic));
	if (checkout) {
		wa_json_setstr(ev, "abandoned_checkout_url",
		    wa_json_nestr(b, "abandoned_checkout_url"));
		when(b, "completed_at", &t);
		wa_json_settime(ev, "completed_at", t);
	}
	wa_order_clear(&o);
	return ev;
}
