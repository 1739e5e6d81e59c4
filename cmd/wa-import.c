/* wa-import: turn Shopify and WooCommerce exports into customer or order records. */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "wa.h"
#include "store.h"

/* What the command line asks. */
static struct opts {
	int orders;			/* -t orders */
	const char *cc;			/* -c */
	int dateopt;			/* --date-order */
	int verbose;
	int ifmt, ofmt;
	char *merge;
	const char *rejects, *fields, *warnings;
	const char *shopify;		/* --shopify STORE */
	const char *woo;		/* --woocommerce URL */
	char since[WA_TIMEBUF];		/* --since, ISO 8601 UTC; "" none */
	int bulk;
	char **files;
	int nfiles;
} opt = { .dateopt = WA_DATES_ANY, .ifmt = WA_FMT_AUTO, .ofmt = WA_FMT_JSON };

/* The kinds of warning about a row, summed up at the end. */
static const struct wa_wkind
	W_BIRTHDAY = { "birthday", "birthdays left out (not a date)" },
	W_CONSENT = { "consent", "consent cells taken as no (not yes or no)" },
	W_COUNTRY = { "country", "countries left out (not a country code)" },
	W_EMAIL = { "email", "e-mails left out (no '@')" },
	W_ITEMS = { "items", "item lists left out (not JSON of line items)" },
	W_MERGED = { "merged", "rows merged into an earlier customer" },
	W_ORDERS = { "orders_count", "order counts left out (not a count)" },
	W_PHONE = { "phone_raw", "phones kept as phone_raw (not a phone number)" },
	W_MANGLED = { "phone_mangled", "phones kept as phone_raw (digits lost to a spreadsheet)" },
	W_PLUSNAT = { "phone_plus", "phones with a '+' but no calling code, read in the row's country" },
	W_PRICE = { "item_price", "item prices left out (not an amount)" },
	W_QTY = { "quantity", "quantities taken as 1 (not a whole number)" };

/* The run. */
struct imp {
	struct wa_dates dates;		/* this file's day/month order */
	struct wa_out *out;
	struct wa_input *in;
	struct wa_layout lay;
	int laydone;
	struct wa_custdb *db;
	struct wa_hash *seenorder;	/* order ids and names, when exports may overlap */
	int saidids;			/* mangled order ids were reported in this file */
	struct wa_order o;		/* the order being gathered */
	struct wa_cust who;		/* its buyer, as the order rows name them */
	int opending, obad;
	int saidid;			/* mangled ids, said once a file */
	int idlost;			/* this row's id was mangled */
	int norders;			/* order files read */
	char *notorders;		/* the first other file, for -t orders */
	long nout, nmerged;
	time_t now;
};

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wa-import [-v] [-c CC] [-i csv|json]\n"
	    "                 [-o json|csv --fields LIST [--raw-csv]]\n"
	    "                 [-t customers|orders] [--date-order dmy|mdy] [--merge FILE]\n"
	    "                 [--now TIME] [--rejects FILE] [--warnings FILE] [FILE...]\n"
	    "       wa-import --shopify STORE [--bulk] [--since DATE] [-v] [-c CC]\n"
	    "                 [-o json|csv --fields LIST] [-t customers|orders]\n"
	    "                 [--merge FILE] [--now TIME] [--warnings FILE]\n"
	    "       wa-import --woocommerce URL [--since DATE] [-v] [-c CC]\n"
	    "                 [-o json|csv --fields LIST] [-t customers|orders]\n"
	    "                 [--merge FILE] [--now TIME] [--rejects FILE]\n"
	    "                 [--warnings FILE]\n");
	exit(status);
}

/*
 * The first of the row's phone columns that makes an E.164 number, into
 * C->phone; the first one written at all goes to C->phone_raw. A phone that
 * cannot be read loses the row nothing else: its order still counts.
 */
static void
getphone(struct imp *im, struct wa_rec *r, struct wa_cust *c)
{
	static const enum wa_col cols[] = { WA_C_PHONE, WA_C_PHONE2, WA_C_PHONE3 };
	const char *raw, *first = NULL, *cc;
	char e164[WA_PHONE_MAX], alt[WA_PHONE_MAX];
	int err = WA_PHONE_EMPTY, e, mangled = 0;
	size_t i;

	for (i = 0; i < sizeof cols / sizeof *cols; i++) {
		raw = wa_layout_get(&im->lay, r, cols[i]);
		if (*raw == '\0')
			continue;
		if (wa_mangled(raw)) {
			if (first == NULL)
				first = raw, mangled = 1;
			continue;
		}
		cc = c->country ? c->country : opt.cc;
		e = wa_phone_norm(raw, cc, e164);
		if (cc && wa_phone_plusnat(raw, cc, alt) == WA_PHONE_OK) {
			wa_kwarn(r, &W_PLUSNAT, raw, "phone '%s' has a '+' but no "
			    "calling code: read as a number of %s, %s", raw, cc, alt);
			memcpy(e164, alt, sizeof e164);
			e = WA_PHONE_OK;
		}
		if (e == WA_PHONE_EMPTY)
			continue;	/* "-" and the like: no phone written */
		if (first == NULL)
			first = raw;
		if (e == WA_PHONE_OK) {
			wa_strset(&c->phone, e164);
			break;
		}
		if (err == WA_PHONE_EMPTY)
			err = e;
	}
	wa_strset(&c->phone_raw, first);
	if (c->phone || first == NULL)
		return;
	if (mangled)
		wa_kwarn(r, &W_MANGLED, first, "phone '%s' was mangled by a "
		    "spreadsheet (digits lost); kept as phone_raw", first);
	else
		wa_kwarn(r, &W_PHONE, first, "phone '%s' kept as phone_raw: %s",
		    first, wa_phone_strerror(err));
}

/* A country that is no ISO code is left out: the row still comes in. */
static void
getcountry(struct imp *im, struct wa_rec *r, struct wa_cust *c)
{
	static const enum wa_col cols[] = { WA_C_COUNTRY, WA_C_COUNTRY2 };
	const char *s, *first = NULL;
	char cc[3];
	size_t i;

	for (i = 0; i < sizeof cols / sizeof *cols; i++) {
		if (*(s = wa_layout_get(&im->lay, r, cols[i])) == '\0')
			continue;
		if (first == NULL)
			first = s;
		if (strlen(s) != 2 || !isalpha((unsigned char)s[0]) ||
		    !isalpha((unsigned char)s[1]))
			continue;
		cc[0] = (char)toupper((unsigned char)s[0]);
		cc[1] = (char)toupper((unsigned char)s[1]);
		cc[2] = '\0';
		if (wa_tz_for(cc, NULL) != NULL) {
			wa_strset(&c->country, cc);
			return;
		}
	}
	if (first)
		wa_kwarn(r, &W_COUNTRY, first, "country '%s' is not a country code "
		    "such as GB; left out", first);
}

/* The identity fields a customer row and an order row both carry. */
/* A birthday that is no date is left out: the customer still comes in. */
static void
getbirthday(struct imp *im, struct wa_rec *r, struct wa_cust *c)
{
	const char *s = wa_layout_get(&im->lay, r, WA_C_BIRTHDAY);
	char buf[WA_TIMEBUF];
	time_t t;

	if (*s == '\0')
		return;
	if (wa_time_parse(s, im->dates.order, &t) < 0) {
		wa_kwarn(r, &W_BIRTHDAY, s, "birthday '%s' is not a date (or needs --date-order); "
		    "left out", s);
		return;
	}
	wa_time_fmt(t, buf);
	buf[10] = '\0';
	wa_strset(&c->birthday, buf);
}

static void
getperson(struct imp *im, struct wa_rec *r, struct wa_cust *c)
{
	const char *name, *sp;

	wa_strset(&c->first, wa_layout_get(&im->lay, r, WA_C_FIRST));
	wa_strset(&c->last, wa_layout_get(&im->lay, r, WA_C_LAST));
	if (c->first == NULL && c->last == NULL) {
		wa_strset(&c->first, wa_csv_get(r, im->lay.billfirst));
		wa_strset(&c->last, wa_csv_get(r, im->lay.billlast));
	}
	name = wa_layout_get(&im->lay, r, WA_C_NAME);
	if (c->first == NULL && c->last == NULL && *name) {
		sp = strchr(name, ' ');
		c->first = sp ? wa_strndup(name, (size_t)(sp - name)) : wa_strdup(name);
		c->last = sp ? wa_strdup0(sp + 1) : NULL;
	}
	wa_strset(&c->email, wa_layout_get(&im->lay, r, WA_C_EMAIL));
	wa_lower(c->email);
	if (c->email && strchr(c->email, '@') == NULL) {
		wa_kwarn(r, &W_EMAIL, c->email, "e-mail '%s' has no '@'; left out",
		    c->email);
		free(c->email);
		c->email = NULL;
	}
	getcountry(im, r, c);
	wa_strset(&c->province, wa_layout_get(&im->lay, r, WA_C_PROVINCE));
	wa_strset(&c->city, wa_layout_get(&im->lay, r, WA_C_CITY));
	wa_strset(&c->lang, wa_layout_get(&im->lay, r, WA_C_LANG));
	getbirthday(im, r, c);
	c->source = wa_strdup(im->lay.source);
	getphone(im, r, c);
}

/*
 * The store's customer id. One a spreadsheet mangled (7.02255E+12) names
 * nobody: the customer is keyed by e-mail, else phone, as Shopify's own
 * import does, and the file is told about once.
 */
static void
getid(struct imp *im, struct wa_rec *r, struct wa_cust *c)
{
	const char *id = wa_layout_get(&im->lay, r, WA_C_ID);

	im->idlost = 0;
	if (*id == '\0' || strcmp(id, "0") == 0)
		return;
	if (wa_mangled(id)) {
		if (!im->saidid++)
			wa_warnat(r->file, r->line, "customer id '%s' was mangled "
			    "by a spreadsheet (digits lost): this file's customers "
			    "with such ids are keyed by e-mail, else phone", id);
		im->idlost = 1;
		return;
	}
	free(c->id);
	c->id = wa_strjoin(im->lay.source, ":", id);
}

static void
extra(struct imp *im, struct wa_rec *r, json_t **dst)
{
	const char *v;
	size_t i;

	for (i = 0; i < r->nf; i++) {
		if (im->lay.mapped[i] || *(v = wa_csv_get(r, (int)i)) == '\0')
			continue;
		if (*dst == NULL)
			*dst = json_object();
		json_object_set_new(*dst, r->hdr->name[i],
		    json_string(wa_layout_yesno(r->hdr->name[i], v)));
	}
}

static void
addcust(struct imp *im, struct wa_rec *r, struct wa_cust *n)
{
	const char *why = NULL;
	struct wa_cust *d = wa_custdb_find(im->db, n, &why);

	if (d == NULL) {
		wa_custdb_add(im->db, n);
		im->nout++;
		return;
	}
	if (r != NULL && !d->base && d->listed)
		wa_kwarn(r, &W_MERGED, d->id, "merged into %s (%s)", d->id, why);
	wa_cust_fold(d, n, d->base || !d->listed);
	wa_custdb_index(im->db, d);
	wa_cust_clear(n);
	im->nmerged++;
}

/* The phone a WooCommerce REST object gave, read in the person's country. */
static void
rawphone(struct wa_rec *r, struct wa_cust *c)
{
	char e164[WA_PHONE_MAX];
	int e;

	if (c->phone_raw == NULL)
		return;
	e = wa_phone_norm(c->phone_raw, c->country ? c->country : opt.cc, e164);
	if (e == WA_PHONE_OK)
		wa_strset(&c->phone, e164);
	else if (e != WA_PHONE_EMPTY)
		wa_kwarn(r, &W_PHONE, c->phone_raw, "phone '%s' kept as phone_raw: %s",
		    c->phone_raw, wa_phone_strerror(e));
}

/* A customer of WooCommerce's REST API (GET /wp-json/wc/v3/customers). */
static int
woocust(struct imp *im, struct wa_rec *r)
{
	struct wa_cust n;
	const char *why;

	wa_cust_init(&n);
	n.listed = 1;
	if (wa_woo_customer(r->json, &n, &why) < 0) {
		wa_reject(r, "%s", why);
		wa_cust_clear(&n);
		return 0;
	}
	rawphone(r, &n);
	if (n.id == NULL && (n.id = wa_cust_makeid(&n)) == NULL) {
		wa_reject(r, "no customer id, e-mail or usable phone");
		wa_cust_clear(&n);
		return 0;
	}
	addcust(im, r, &n);
	return 0;
}

static int
custrow(struct imp *im, struct wa_rec *r)
{
	struct wa_cust n;
	const char *s;
	char *end;
	int yes;

	if (r->fmt != WA_FMT_CSV)
		return woocust(im, r);
	wa_cust_init(&n);
	n.listed = 1;
	getid(im, r, &n);
	getperson(im, r, &n);
	if (n.id == NULL && (n.id = wa_cust_makeid(&n)) == NULL) {
		if (im->idlost)
			wa_reject(r, "customer id '%s' was mangled by a spreadsheet, "
			    "and no e-mail or usable phone to key the customer by",
			    wa_layout_get(&im->lay, r, WA_C_ID));
		else
			wa_reject(r, "no customer id, e-mail or usable phone");
		goto bad;
	}
	if (im->lay.optin_source) {
		s = wa_layout_get(&im->lay, r, im->lay.col[WA_C_OPTIN_WA] >= 0 ?
		    WA_C_OPTIN_WA : im->lay.col[WA_C_OPTIN_SMS] >= 0 ?
		    WA_C_OPTIN_SMS : WA_C_OPTIN_ANY);
		if ((yes = wa_yesno(s)) < 0)
			wa_kwarn(r, &W_CONSENT, s, "consent '%s' is not yes or no; "
			    "taken as no", s);
		n.opt_in = yes == 1;
		n.optsrc = wa_strjoin(im->lay.source, ":", im->lay.optin_source);
	}
	wa_tags_add(n.tags, wa_layout_get(&im->lay, r, WA_C_TAGS));
	n.note = wa_strdup0(wa_layout_get(&im->lay, r, WA_C_NOTE));
	s = wa_layout_get(&im->lay, r, WA_C_ORDERS);
	if (*s && ((n.orders = strtoll(s, &end, 10)) < 0 || *end != '\0' ||
	    n.orders > 100000000)) {
		wa_kwarn(r, &W_ORDERS, s, "total orders '%s' is not a count; "
		    "left out", s);
		n.orders = -1;
	}
	s = wa_layout_get(&im->lay, r, WA_C_SPENT);
	if (*s && wa_money_parse(s, NULL, &n.spent) < 0) {
		wa_reject(r, "total spent '%s' is not an amount", s);
		goto bad;
	}
	if (wa_dates_parse(&im->dates, r, wa_layout_get(&im->lay, r, WA_C_CREATED), &n.created) < 0)
		goto bad;
	extra(im, r, &n.extra);
	addcust(im, r, &n);
	return 0;
bad:
	wa_cust_clear(&n);
	return 0;
}


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

/* A unit price in minor units (a line's TOTAL divided by QTY), or -1 when absent. */
static long long
getprice(struct imp *im, struct wa_rec *r, const char *s, long long qty)
{
	long long p;

	if (*s == '\0')
		return -1;
	if (wa_money_parse(s, im->o.currency, &p) == 0 && p >= 0)
		return p / qty;
	wa_kwarn(r, &W_PRICE, s, "item price '%s' is not an amount; left out", s);
	return -1;
}

/*
 * WooCommerce plugins pack items as "name:A|sku:B|quantity:2|total:9.50",
 * several split by SEP (SkyVerge's ';'; WebToffee's one a column, "", as
 * its tax_data holds PHP's ';'), or as a JSON array of the REST API's items.
 */
static void
kvitems(struct imp *im, struct wa_rec *r, const char *cell, const char *sep)
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
additems(struct imp *im, struct wa_rec *r)
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
getmoney(struct imp *im, struct wa_rec *r, enum wa_col col, long long *v)
{
	const char *s = wa_layout_get(&im->lay, r, col);

	*v = 0;
	if (*s == '\0' || (wa_money_parse(s, im->o.currency, v) == 0 && *v >= 0))
		return 0;
	wa_reject(r, "'%s' is not an amount", s);
	return -1;
}

/* The first row of an order: its order-level fields and its buyer. */
static int
startorder(struct imp *im, struct wa_rec *r)
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
	o->financial_status = wa_strdup0(wa_layout_get(l, r, WA_O_FINANCIAL));
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
	wa_cust_init(&im->who);
	getid(im, r, &im->who);
	getperson(im, r, &im->who);
	if (!opt.orders && im->who.id == NULL && im->who.email == NULL &&
	    im->who.phone == NULL) {
		wa_reject(r, "order %s has no e-mail or usable phone to find "
		    "its customer by", o->name);
		return -1;
	}
	extra(im, r, &o->extra);
	additems(im, r);
	return 0;
}

static void
flushorder(struct imp *im)
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
	if (opt.orders) {
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
static int
wooorder(struct imp *im, struct wa_rec *r)
{
	const char *why;

	flushorder(im);
	im->opending = 1;
	wa_cust_init(&im->who);
	if (wa_woo_order(r->json, &im->o, &im->who, &why) < 0) {
		wa_reject(r, "%s", why);
		im->obad = 1;
	} else {
		rawphone(r, &im->who);
		im->obad = 0;
		if (!opt.orders && im->who.id == NULL && im->who.email == NULL &&
		    im->who.phone == NULL) {
			wa_reject(r, "order %s has no e-mail or usable phone to "
			    "find its customer by", im->o.name);
			im->obad = 1;
		}
	}
	flushorder(im);
	return 0;
}

static int
orderrow(struct imp *im, struct wa_rec *r)
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
	flushorder(im);
	im->opending = 1;
	im->obad = startorder(im, r) < 0;
	return 0;
}

/* A record of the --merge file: what it holds survives unless the export says otherwise. */
static int
baserow(struct wa_rec *r, void *ctx)
{
	struct imp *im = ctx;
	struct wa_cust c;
	const char *why;

	wa_cust_init(&c);
	if (wa_cust_fromjson(&c, r->json, &why) < 0) {
		wa_reject(r, "%s: not a wa-import customer record", why);
		wa_cust_clear(&c);
		return 0;
	}
	wa_custdb_add(im->db, &c);
	return 0;
}

/* No column to read the kind asked for by: a usage error, never an empty success. */
static void
nothing(const char *file, const char *what, int kind)
{
	wa_die(WA_EXIT_USAGE, "%s: no %s here: none of the columns %s", file,
	    what, wa_layout_looked(kind));
}

static int
nocontact(const struct wa_layout *l)
{
	return l->col[WA_C_EMAIL] < 0 && l->col[WA_C_PHONE] < 0 &&
	    l->col[WA_C_PHONE2] < 0 && l->col[WA_C_PHONE3] < 0 &&
	    l->col[WA_C_ID] < 0;
}

static int
onheader(const char *file, struct wa_csvhdr *h, void *ctx)
{
	struct imp *im = ctx;

	flushorder(im);
	if (im->laydone)
		wa_layout_free(&im->lay);
	wa_layout_detect(&im->lay, h);
	im->laydone = 1;
	im->saidid = 0;
	im->dates.scanned = 0;
	im->saidids = 0;
	im->dates.order = opt.dateopt;
	im->dates.assume = wa_dates_usual(opt.cc);
	if (im->lay.kind == WA_KIND_UNKNOWN)
		nothing(file, opt.orders ? "orders" : "customers", opt.orders ?
		    WA_KIND_ORDERS : WA_KIND_CUSTOMERS);
	if (im->lay.kind != WA_KIND_ORDERS) {
		/* -t orders reads customer files only to name the buyers */
		if (opt.orders && im->notorders == NULL)
			im->notorders = wa_strdup(file);
		return 0;
	}
	im->norders++;
	if (!nocontact(&im->lay))
		return 0;
	if (!opt.orders)
		wa_die(WA_EXIT_USAGE, "%s: these orders have no column to find their "
		    "customers by (none of %s): read them with -t orders", file,
		    wa_layout_looked(WA_KIND_CUSTOMERS));
	wa_warn("%s: no e-mail, phone or customer id column: its orders come with "
	    "customer null, counted in the store's revenue but in no customer's",
	    file);
	return 0;
}

static int
onrecord(struct wa_rec *r, void *ctx)
{
	struct imp *im = ctx;

	if (r->fmt != WA_FMT_CSV) {
		switch (wa_woo_kind(r->json)) {
		case WA_WOO_ORDER:
			return wooorder(im, r);
		case WA_WOO_NONE:
			wa_reject(r, "wa-import reads CSV exports and WooCommerce's "
			    "REST JSON; its own records go to --merge");
			return 0;
		}
	} else if (im->lay.kind == WA_KIND_ORDERS)
		return orderrow(im, r);
	if (opt.orders) {
		/* Customers only name the buyers of the orders: no record of their own. */
		long out = im->nout, merged = im->nmerged;
		long rej = wa_input_nrejected(im->in);

		custrow(im, r);
		im->nout = out;
		im->nmerged = merged + (wa_input_nrejected(im->in) == rej);
		return 0;
	}
	return custrow(im, r);
}

enum { OPT_BULK = 256, OPT_DATEORDER, OPT_FIELDS, OPT_MERGE, OPT_NOW,
	OPT_RAWCSV, OPT_REJECTS, OPT_SHOPIFY, OPT_SINCE, OPT_WARNINGS, OPT_WOO };

static void
since(const char *s)
{
	time_t t;

	if (wa_time_parse(s, WA_DATES_ANY, &t) < 0)
		wa_die(WA_EXIT_USAGE, "--since: '%s' is not a date such as 2026-10-01",
		    s);
	wa_time_fmt(t, opt.since);
}

static int
choice(const char *o, const char *s, const char *a, int va, const char *b,
    int vb)
{
	if (strcmp(s, a) == 0)
		return va;
	if (strcmp(s, b) == 0)
		return vb;
	wa_die(WA_EXIT_USAGE, "%s: '%s' is not %s or %s", o, s, a, b);
	return 0;
}

static void
parseargs(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "bulk", no_argument, NULL, OPT_BULK },
		{ "date-order", required_argument, NULL, OPT_DATEORDER },
		{ "dates", required_argument, NULL, OPT_DATEORDER },
		{ "fields", required_argument, NULL, OPT_FIELDS },
		{ "help", no_argument, NULL, 'h' },
		{ "merge", required_argument, NULL, OPT_MERGE },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "raw-csv", no_argument, NULL, OPT_RAWCSV },
		{ "rejects", required_argument, NULL, OPT_REJECTS },
		{ "shopify", required_argument, NULL, OPT_SHOPIFY },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "version", no_argument, NULL, 'V' },
		{ "warnings", required_argument, NULL, OPT_WARNINGS },
		{ "woocommerce", required_argument, NULL, OPT_WOO },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:hi:o:t:vV", longs, NULL)) != -1) {
		switch (ch) {
		case 'c': opt.cc = optarg; break;
		case OPT_RAWCSV: wa_csv_raw = 1; break;
		case OPT_BULK: opt.bulk = 1; break;
		case OPT_DATEORDER:
			opt.dateopt = choice("--date-order", optarg, "dmy",
			    WA_DATES_DMY, "mdy", WA_DATES_MDY);
			break;
		case OPT_FIELDS: opt.fields = optarg; break;
		case 'h': usage(0); break;
		case OPT_MERGE: opt.merge = optarg; break;
		case OPT_NOW: wa_opt_now(optarg); break;
		case 'i':
			opt.ifmt = choice("-i", optarg, "csv", WA_FMT_CSV,
			    "json", WA_FMT_JSON);
			break;
		case 'o':
			opt.ofmt = choice("-o", optarg, "json", WA_FMT_JSON,
			    "csv", WA_FMT_CSV);
			break;
		case OPT_REJECTS: opt.rejects = optarg; break;
		case OPT_SHOPIFY: opt.shopify = optarg; break;
		case OPT_SINCE: since(optarg); break;
		case 't':
			if (choice("-t", optarg, "customers", 0, "orders", 1))
				opt.orders = 1;
			break;
		case 'v': opt.verbose = 1; break;
		case 'V': wa_version(); break;
		case OPT_WARNINGS: opt.warnings = optarg; break;
		case OPT_WOO: opt.woo = optarg; break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	if (opt.cc && (strlen(opt.cc) != 2 || !isalpha((unsigned char)opt.cc[0]) ||
	    !isalpha((unsigned char)opt.cc[1]) || wa_tz_for(opt.cc, NULL) == NULL))
		wa_die(WA_EXIT_USAGE, "-c: '%s' is not a country code such as GB",
		    opt.cc);
	if (opt.merge && opt.orders)
		wa_die(WA_EXIT_USAGE, "--merge works on customer records, not -t orders");
	opt.files = argv + optind;
	opt.nfiles = argc - optind;
	if (*opt.since && !opt.woo && !opt.shopify)
		wa_die(WA_EXIT_USAGE, "--since works with --shopify or --woocommerce");
	if (opt.bulk && !opt.shopify)
		wa_die(WA_EXIT_USAGE, "--bulk works with --shopify");
	if (opt.shopify && opt.woo)
		wa_die(WA_EXIT_USAGE, "--shopify and --woocommerce read one store each: "
		    "run wa-import once for each");
	if ((opt.shopify || opt.woo) && opt.nfiles > 0)
		wa_die(WA_EXIT_USAGE, "--%s reads the store, not FILE operands",
		    opt.shopify ? "shopify" : "woocommerce");
}

/* The output, the clock, and the customers of --merge to merge into. */
static void
setup(struct imp *im)
{
	struct wa_input *in;
	long nbad;

	im->dates.order = WA_DATES_ANY;
	im->out = wa_out_new(opt.ofmt, opt.fields);
	im->now = wa_now();
	im->db = wa_custdb_new();
	/* Thousands of rows with an odd phone make one line, or each one with -v. */
	wa_warns_mode(WA_WARNS_SUM | (opt.verbose ? WA_WARNS_EACH : 0));
	if (opt.warnings)
		wa_warns_log(opt.warnings);
	/* One export lists each order once: only several, or pages read while they change, overlap. */
	if (opt.nfiles > 1 || opt.woo)
		im->seenorder = wa_hash_new();
	if (opt.merge) {
		in = wa_input_new(WA_FMT_JSON);
		wa_input_run(in, 1, &opt.merge, baserow, im);
		/* Dropping a record here would lose its tags and its STOP: stop instead. */
		nbad = wa_input_nrejected(in);
		wa_input_free(in);
		if (nbad > 0)
			wa_die(WA_EXIT_FATAL, "%s: %ld records cannot be read; nothing "
			    "written: mend or remove them first", opt.merge, nbad);
	}
}

/* The store's customers (orders name their buyers), then its orders. */
static struct wa_woosync *
woosync(struct imp *im)
{
	struct wa_woosync *s;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	s = wa_woosync_new(opt.woo, *opt.since ? opt.since : NULL);
	wa_woosync_run(s, opt.orders, im->in, onrecord, im);
	return s;
}

/* A customer of the store's API, merged as a customer row is. */
static void
synccust(struct wa_cust *c, int perr, void *arg)
{
	if (c->phone == NULL && c->phone_raw != NULL)
		wa_warn("%s: phone '%s' kept as phone_raw: %s", c->id,
		    c->phone_raw, wa_phone_strerror(perr));
	addcust(arg, NULL, c);
}

/* An order of the store's API, written as an order row's record is. */
static void
syncorder(struct wa_order *o, struct wa_cust *who, int perr, void *arg)
{
	struct imp *im = arg;
	json_t *j;

	if (who->phone == NULL && who->phone_raw != NULL)
		wa_warn("%s: phone '%s' kept as phone_raw: %s", o->id,
		    who->phone_raw, wa_phone_strerror(perr));
	o->customer = who->id ? wa_strdup(who->id) : wa_cust_makeid(who);
	wa_strset(&o->email, who->email);
	wa_strset(&o->phone, who->phone);
	j = wa_order_json(o);
	wa_out_put(im->out, j);
	json_decref(j);
	im->nout++;
}

/* The records of a page are out (on disk, as far as stdio goes) before the cursor moves. */
static int
flushed(void *arg)
{
	if (fflush(stdout) == EOF || ferror(stdout))
		wa_die(WA_EXIT_FATAL, "error writing output:");
	return 0;
}

/* --shopify: the records updated since the last run; nothing new, nothing out. */
static void
shopsync(struct imp *im)
{
	struct wa_shopsync *s = wa_shopsync_new(opt.shopify, opt.orders);
	struct wa_shopsync_cb cb = { opt.cc, synccust, syncorder,
	    opt.orders ? flushed : NULL, im };
	size_t i;
	long n;
	json_t *j;

	n = wa_shopsync_run(s, *opt.since ? opt.since : NULL, opt.bulk, &cb);
	for (i = 0; n > 0 && !opt.orders && i < wa_custdb_count(im->db); i++) {
		j = wa_cust_json(wa_custdb_at(im->db, i));
		wa_out_put(im->out, j);
		json_decref(j);
	}
	flushed(NULL);
	wa_shopsync_done(s);
	wa_shopsync_free(s);
	if (opt.verbose)
		fprintf(stderr, "wa-import: %ld records from %s: %ld out, %ld merged\n",
		    n, opt.shopify, im->nout, im->nmerged);
	wa_custdb_free(im->db);
	wa_out_free(im->out);
}

/* Read every file, then write the orders as they end, or the customers at the end. */
static void
run(struct imp *im)
{
	struct wa_input *in;
	struct wa_woosync *sync = NULL;
	size_t i;
	json_t *j;

	im->in = in = wa_input_new(opt.ifmt);
	if (opt.rejects)
		wa_input_rejects(in, opt.rejects);
	wa_input_onheader(in, onheader);
	if (opt.woo)
		sync = woosync(im);
	else
		wa_input_run(in, opt.nfiles, opt.files, onrecord, im);
	flushorder(im);
	if (opt.orders && im->norders == 0 && im->notorders)
		nothing(im->notorders, "orders", WA_KIND_ORDERS);
	if (!opt.orders)
		wa_custdb_share(im->db);
	for (i = 0; !opt.orders && i < wa_custdb_count(im->db); i++) {
		j = wa_cust_json(wa_custdb_at(im->db, i));
		wa_out_put(im->out, j);
		json_decref(j);
	}
	wa_custdb_free(im->db);
	wa_hash_free(im->seenorder);
	free(im->notorders);
	wa_warns_end();
	if (opt.verbose)
		fprintf(stderr, "wa-import: %ld rows: %ld records out, %ld merged, "
		    "%ld rejected\n", wa_input_nread(in), im->nout, im->nmerged,
		    wa_input_nrejected(in));
	wa_input_free(in);
	if (im->laydone)
		wa_layout_free(&im->lay);
	wa_out_free(im->out);
	/* Where this run left off moves only once its records are out. */
	if (sync && fflush(stdout) == 0 && !ferror(stdout))
		wa_woosync_commit(sync);
	wa_woosync_free(sync);
}

int
main(int argc, char **argv)
{
	struct imp im = { 0 };

	wa_init(&argc, &argv);
	parseargs(argc, argv);
	setup(&im);
	if (opt.shopify)
		shopsync(&im);
	else
		run(&im);
	return wa_finish();
}
