/*
 * imporders.c: wa-import's order rows, and the stores' orders, into order
 * records, or into their customers' counts.
 */
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"
#include "import-int.h"

static const struct wa_wkind
	W_CURMARK = { "currency_mark", "amounts marked in another currency than "
	    "the row's, read in the row's" },
	W_ITEMS = { "items", "item lists left out (not JSON of line items)" },
	W_PRICE = { "item_price", "item prices left out (not an amount)" },
	W_QTY = { "quantity", "quantities taken as 1 (not a whole number)" };

static long long
getqty(struct wa_rec *r, const char *s)
{
	char *end;
	long long q;

	if (*s == '\0')
		return 1;
	q = strtoll(s, &end, 10);
	if (*end == '\0' && q > 0 && q < 1000000)
		return q;
	wa_kwarn(r, &W_QTY, s, "quantity '%s' is not a whole number; 1 taken", s);
	return 1;
}

/*
 * An amount written with a currency mark ("$12") in a row of another
 * currency: the row's currency column is the store's word, so the number
 * is read in it, but someone should look.
 */
static void
checkmark(struct wa_import *im, struct wa_rec *r, const char *s)
{
	/* one word a row: its total and its price say the same thing */
	if (!wa_money_fits(s, im->o.currency) && im->markline != r->line &&
	    (im->markline = r->line) > 0)
		wa_kwarn(r, &W_CURMARK, s, "amount '%s' is marked in another "
		    "currency than the row's %s; read as %s", s, im->o.currency,
		    im->o.currency);
}

/* No currency column: a mark that names one currency ("€12", "12.00 USD") says it. */
static void
markcurrency(struct wa_import *im, struct wa_rec *r)
{
	char curs[WA_MONEY_MARKBUF];

	if (im->o.currency != NULL)
		return;
	wa_money_mark(wa_layout_get(&im->lay, r, WA_O_TOTAL), curs, sizeof curs);
	if (strlen(curs) == 3)
		im->o.currency = wa_strdup(curs);
}

/* A unit price in minor units (a line's TOTAL divided by QTY), or -1 when absent. */
static long long
getprice(struct wa_import *im, struct wa_rec *r, const char *s, long long qty)
{
	long long p;

	if (*s == '\0')
		return -1;
	if (wa_money_parse(s, im->o.currency, &p) == 0 && p >= 0) {
		checkmark(im, r, s);
		return p / qty;
	}
	wa_kwarn(r, &W_PRICE, s, "item price '%s' is not an amount; left out", s);
	return -1;
}

/*
 * WooCommerce plugins pack items as "name:A|sku:B|quantity:2|total:9.50",
 * several split by SEP (SkyVerge's ';'; WebToffee's one a column, "", as
 * its tax_data holds PHP's ';'), or as a JSON array of the REST API's items.
 */
static void
kvitems(struct wa_import *im, struct wa_rec *r, const char *cell, const char *sep)
{
	char *dup, *item, *save = NULL, *kv, *save2, *v;
	const char *name, *sku, *qty, *total;
	long long q;
	json_t *a;

	if (*cell == '[') {
		a = json_loads(cell, 0, NULL);
		if (a == NULL || wa_woo_items(a, &im->o) < 0)
			wa_kwarn(r, &W_ITEMS, cell, "items '%.40s' are not the "
			    "JSON of line items; left out", cell);
		json_decref(a);
		return;
	}
	dup = wa_strdup(cell);
	for (item = strtok_r(dup, sep, &save); item; item = strtok_r(NULL, sep, &save)) {
		name = sku = qty = total = "";
		for (kv = strtok_r(item, "|", &save2); kv; kv = strtok_r(NULL, "|", &save2)) {
			if ((v = strchr(kv, ':')) == NULL)
				continue;
			*v++ = '\0';
			if (strcmp(kv, "name") == 0)
				name = v;
			else if (strcmp(kv, "sku") == 0)
				sku = v;
			else if (strcmp(kv, "quantity") == 0)
				qty = v;
			else if (strcmp(kv, "total") == 0)
				total = v;
		}
		if (*name == '\0')
			continue;
		/* WooCommerce gives the line's total; items carry the unit price. */
		q = getqty(r, qty);
		wa_order_additem(&im->o, name, sku, "", q,
		    getprice(im, r, total, q));
	}
	free(dup);
}

static void
additems(struct wa_import *im, struct wa_rec *r)
{
	const struct wa_layout *l = &im->lay;
	const char *name = wa_layout_get(l, r, WA_O_ITEM_NAME);
	long long q;
	int i;

	if (*name) {
		q = getqty(r, wa_layout_get(l, r, WA_O_ITEM_QTY));
		wa_order_additem(&im->o, name, wa_layout_get(l, r, WA_O_ITEM_SKU),
		    wa_layout_get(l, r, WA_O_ITEM_VENDOR), q,
		    getprice(im, r, wa_layout_get(l, r, WA_O_ITEM_PRICE),
		    l->linetotal ? q : 1));
	}
	kvitems(im, r, wa_layout_get(l, r, WA_O_ITEMS), ";");
	for (i = 0; l->itemcols[i] >= 0; i++)
		kvitems(im, r, wa_csv_get(r, l->itemcols[i]), "");
}

static int
getmoney(struct wa_import *im, struct wa_rec *r, enum wa_col col, long long *v)
{
	const char *s = wa_layout_get(&im->lay, r, col);

	*v = 0;
	if (*s == '\0')
		return 0;
	if (wa_money_parse(s, im->o.currency, v) == 0 && *v >= 0) {
		checkmark(im, r, s);
		return 0;
	}
	wa_reject(r, "'%s' is not an amount", s);
	return -1;
}

/* The shop's own amount of a foreign-currency order, when the row has one. */
static void
shopmoney(const struct wa_layout *l, struct wa_rec *r, struct wa_order *o)
{
	const char *cur = wa_layout_get(l, r, WA_O_SHOP_CURRENCY);

	if (*cur && wa_money_parse(wa_layout_get(l, r, WA_O_SHOP_TOTAL), cur,
	    &o->shop_total) == 0)
		o->shop_currency = wa_strdup(cur);
}

/*
 * WebToffee's refund_items and coupon_items: "amount:5.00|reason:late|date:..."
 * and "code:welcome10|amount:2.00", several split by ';'. Refunds reduce
 * the order's revenue as a refunded column does; coupon codes are kept.
 */
static void
wtitems(struct wa_import *im, struct wa_rec *r)
{
	int rc = wa_csv_col(r->hdr, "refund_items"), cc = wa_csv_col(r->hdr, "coupon_items");
	char *dup, *it, *save = NULL, *kv, *save2;
	long long v, sum = 0;
	struct wa_buf codes = { 0 };

	dup = wa_strdup(rc >= 0 ? wa_csv_get(r, rc) : "");
	for (it = strtok_r(dup, ";", &save); it; it = strtok_r(NULL, ";", &save))
		for (kv = strtok_r(it, "|", &save2); kv; kv = strtok_r(NULL, "|", &save2))
			if (strncmp(kv, "amount:", 7) == 0 &&
			    wa_money_parse(kv + 7, im->o.currency, &v) == 0)
				sum += v < 0 ? -v : v;
	free(dup);
	if (im->o.refunded == 0)
		im->o.refunded = sum;
	dup = wa_strdup(cc >= 0 ? wa_csv_get(r, cc) : "");
	for (it = strtok_r(dup, ";", &save); it; it = strtok_r(NULL, ";", &save))
		for (kv = strtok_r(it, "|", &save2); kv; kv = strtok_r(NULL, "|", &save2))
			if (strncmp(kv, "code:", 5) == 0 && kv[5] != '\0') {
				wa_buf_adds(&codes, codes.len ? ", " : "");
				wa_buf_adds(&codes, kv + 5);
			}
	free(dup);
	if (im->o.discount_code == NULL && codes.len > 0)
		im->o.discount_code = wa_strdup(wa_buf_str(&codes));
	wa_buf_free(&codes);
}

/* The first row of an order: its order-level fields and its buyer. */
static int
startorder(struct wa_import *im, struct wa_rec *r)
{
	const struct wa_layout *l = &im->lay;
	struct wa_order *o = &im->o;
	const char *id = wa_layout_get(l, r, WA_O_ID);

	o->name = wa_order_name(l->source, wa_layout_get(l, r, WA_O_NAME));
	if (wa_mangled(id)) {
		/* 5.12345E+12 for every order: the names still tell them apart. */
		if (!im->saidids)
			wa_warnat(r->file, r->line, "order ids such as '%s' were "
			    "mangled by a spreadsheet; orders are keyed by their "
			    "names", id);
		im->saidids = 1;
		id = "";
	}
	o->id = wa_strjoin(l->source, ":", *id ? id : o->name);
	o->currency = wa_strdup0(wa_layout_get(l, r, WA_O_CURRENCY));
	shopmoney(l, r, o);
	markcurrency(im, r);
	o->financial_status = wa_strdup0(wa_order_status(wa_layout_get(l, r, WA_O_FINANCIAL)));
	o->fulfillment_status = wa_strdup0(wa_layout_get(l, r, WA_O_FULFILLMENT));
	o->discount_code = wa_strdup0(wa_layout_get(l, r, WA_O_DISCOUNT));
	o->tags = json_array();
	wa_tags_add(o->tags, wa_layout_get(l, r, WA_C_TAGS));
	o->has_total = *wa_layout_get(l, r, WA_O_TOTAL) != '\0';
	if (wa_dates_parse(&im->dates, r, wa_layout_get(l, r, WA_O_CREATED), &o->created_at) < 0 ||
	    wa_dates_parse(&im->dates, r, wa_layout_get(l, r, WA_O_PAID), &o->paid_at) < 0 ||
	    wa_dates_parse(&im->dates, r, wa_layout_get(l, r, WA_O_FULFILLED), &o->fulfilled_at) < 0 ||
	    wa_dates_parse(&im->dates, r, wa_layout_get(l, r, WA_O_CANCELLED), &o->cancelled_at) < 0 ||
	    getmoney(im, r, WA_O_TOTAL, &o->total) < 0 ||
	    getmoney(im, r, WA_O_REFUNDED, &o->refunded) < 0)
		return -1;
	if (strcmp(l->source, "woocommerce") == 0)
		wtitems(im, r);
	wa_cust_init(&im->who);
	wa_imp_getid(im, r, &im->who);
	wa_imp_getperson(im, r, &im->who);
	if (!im->orders && im->who.id == NULL && im->who.email == NULL &&
	    im->who.phone == NULL) {
		wa_reject(r, "order %s has no e-mail or usable phone to find "
		    "its customer by", o->name);
		return -1;
	}
	wa_imp_extra(im, r, &o->extra);
	additems(im, r);
	return 0;
}

void
wa_imp_flushorder(struct wa_import *im)
{
	struct wa_cust *c;
	const char *why;
	json_t *j;

	if (!im->opending)
		return;
	im->opending = 0;
	/* Orders read with no CSV layout are WooCommerce's REST API's. */
	if (im->obad || (im->seenorder &&
	    wa_order_seen(im->seenorder, im->laydone ? im->lay.source :
	    "woocommerce", &im->o))) {
		/* The same order in two overlapping exports counts once. */
		if (!im->obad)
			im->nmerged++;
		goto out;
	}
	c = wa_custdb_find(im->db, &im->who, &why);
	if (im->orders) {
		im->o.customer = c ? wa_strdup(c->id) : im->who.id ?
		    wa_strdup(im->who.id) : wa_cust_makeid(&im->who);
		wa_strset(&im->o.email, im->who.email);
		wa_strset(&im->o.phone, im->who.phone);
		if (im->who.phone == NULL)
			wa_strset(&im->o.phone_raw, im->who.phone_raw);
		j = wa_order_json(&im->o);
		wa_out_put(im->out, j);
		json_decref(j);
		im->nout++;
	} else if (c == NULL) {
		if (im->who.id == NULL)
			im->who.id = wa_cust_makeid(&im->who);
		c = wa_custdb_add(im->db, &im->who);
		wa_cust_addorder(c, &im->o, im->now);
		im->nout++;
	} else {
		wa_cust_fold(c, &im->who, 0);
		wa_custdb_index(im->db, c);
		wa_cust_addorder(c, &im->o, im->now);
		im->nmerged++;
	}
out:
	wa_cust_clear(&im->who);
	wa_order_clear(&im->o);
}

/* An order of WooCommerce's REST API (GET /wp-json/wc/v3/orders): one record, whole. */
int
wa_imp_wooorder(struct wa_import *im, struct wa_rec *r)
{
	const char *why;

	wa_imp_flushorder(im);
	im->opending = 1;
	wa_cust_init(&im->who);
	if (wa_woo_order(r->json, &im->o, &im->who, &why) < 0) {
		wa_reject(r, "%s", why);
		im->obad = 1;
	} else {
		wa_imp_rawphone(im, r, &im->who);
		im->obad = 0;
		if (!im->orders && im->who.id == NULL && im->who.email == NULL &&
		    im->who.phone == NULL) {
			wa_reject(r, "order %s has no e-mail or usable phone to "
			    "find its customer by", im->o.name);
			im->obad = 1;
		}
	}
	wa_imp_flushorder(im);
	return 0;
}

int
wa_imp_orderrow(struct wa_import *im, struct wa_rec *r)
{
	const char *name = wa_layout_get(&im->lay, r, WA_O_NAME);

	if (*name == '\0') {
		wa_reject(r, "no order number");
		return 0;
	}
	if (im->opending && strcmp(name + (*name == '#'),
	    im->o.name + (*im->o.name == '#')) == 0) {
		if (im->obad)
			wa_reject(r, "a line of order %s, whose first line was "
			    "rejected", name);
		else {
			additems(im, r);
			im->nmerged++;
		}
		return 0;
	}
	wa_imp_flushorder(im);
	im->opending = 1;
	im->obad = startorder(im, r) < 0;
	return 0;
}

/*
 * An order of the store's API, written as an order row's record is, or
 * folded into its buyer's customer record as an order row is (the
 * customers' orders, last_order_at, spent): taken whole.
 */
void
wa_import_syncorder(struct wa_order *o, struct wa_cust *who, int perr, void *arg)
{
	struct wa_import *im = arg;
	json_t *j;

	wa_imp_syncphone(o->id, who, perr);
	if (!im->orders) {
		if (who->id == NULL && who->email == NULL && who->phone == NULL) {
			wa_warn("%s: order %s has no buyer to find its customer by; "
			    "left out", o->id, o->name);
			return;
		}
		im->o = *o;
		memset(o, 0, sizeof *o);
		im->who = *who;
		wa_cust_init(who);
		im->opending = 1;
		im->obad = 0;
		wa_imp_flushorder(im);
		return;
	}
	o->customer = who->id ? wa_strdup(who->id) : wa_cust_makeid(who);
	wa_strset(&o->email, who->email);
	wa_strset(&o->phone, who->phone);
	j = wa_order_json(o);
	wa_out_put(im->out, j);
	json_decref(j);
	im->nout++;
}
