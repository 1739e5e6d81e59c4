/*
 * import.c: rows of an export, and the store APIs' records, into customers
 * and orders: the engine of wa-import. This half: the customers, the
 * identity both kinds of row carry, a file's header, each record to its
 * kind, the end; imporders.c gathers the orders. The two share
 * import-int.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"
#include "import-int.h"

/* The kinds of warning about a row, summed up at the end. */
static const struct wa_wkind
	W_BIRTHDAY = { "birthday", "birthdays left out (not a date)" },
	W_CONSENT = { "consent", "consent cells taken as no (not yes or no)" },
	W_COUNTRY = { "country", "countries left out (not a country code)" },
	W_EMAIL = { "email", "e-mails left out (no '@')" },
	W_MERGED = { "merged", "rows merged into an earlier customer" },
	W_ORDERS = { "orders_count", "order counts left out (not a count)" },
	W_PHONE = { "phone_raw", "phones kept as phone_raw (not a phone number)" },
	W_MANGLED = { "phone_mangled", "phones kept as phone_raw (digits lost to a spreadsheet)" },
	W_PLUSNAT = { "phone_plus", "phones with a '+' but no calling code, read in the row's country" };

/*
 * The first of the row's phone columns that makes an E.164 number, into
 * C->phone; the first one written at all goes to C->phone_raw. A phone that
 * cannot be read loses the row nothing else: its order still counts.
 */
static void
getphone(struct wa_import *im, struct wa_rec *r, struct wa_cust *c)
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
		cc = c->country ? c->country : im->cc;
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
getcountry(struct wa_import *im, struct wa_rec *r, struct wa_cust *c)
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

/* Does S write a year of four digits? */
static int
fourdigits(const char *s)
{
	size_t n;

	for (; *s; s += n ? n : 1)
		if ((n = strspn(s, "0123456789")) == 4)
			return 1;
	return 0;
}

/* The identity fields a customer row and an order row both carry. */
/* A birthday that is no date is left out: the customer still comes in. */
static void
getbirthday(struct wa_import *im, struct wa_rec *r, struct wa_cust *c)
{
	const char *s = wa_layout_get(&im->lay, r, WA_C_BIRTHDAY);
	char buf[WA_TIMEBUF];
	time_t t;

	if (*s == '\0')
		return;
	/* 05/04/87 is read in the order the file's other dates show */
	if (wa_dates_read(&im->dates, r, s, &t) < 0) {
		wa_kwarn(r, &W_BIRTHDAY, s, "birthday '%s' is not a date (or needs --date-order); "
		    "left out", s);
		return;
	}
	wa_time_fmt(t, buf);
	/* 28 is 1928 for someone born, never 2028 */
	if (t > im->now && !fourdigits(s))
		snprintf(buf, 5, "%04u", (unsigned)(atoi(buf) - 100) % 10000u);
	buf[4] = '-';
	buf[10] = '\0';
	wa_strset(&c->birthday, buf);
}

void
wa_imp_getperson(struct wa_import *im, struct wa_rec *r, struct wa_cust *c)
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
void
wa_imp_getid(struct wa_import *im, struct wa_rec *r, struct wa_cust *c)
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

void
wa_imp_extra(struct wa_import *im, struct wa_rec *r, json_t **dst)
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
addcust(struct wa_import *im, struct wa_rec *r, struct wa_cust *n)
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
void
wa_imp_rawphone(struct wa_import *im, struct wa_rec *r, struct wa_cust *c)
{
	char e164[WA_PHONE_MAX];
	int e;

	if (c->phone_raw == NULL)
		return;
	e = wa_phone_norm(c->phone_raw, c->country ? c->country : im->cc, e164);
	if (e == WA_PHONE_OK)
		wa_strset(&c->phone, e164);
	else if (e != WA_PHONE_EMPTY)
		wa_kwarn(r, &W_PHONE, c->phone_raw, "phone '%s' kept as phone_raw: %s",
		    c->phone_raw, wa_phone_strerror(e));
}

/* A customer of WooCommerce's REST API (GET /wp-json/wc/v3/customers). */
static int
woocust(struct wa_import *im, struct wa_rec *r)
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
	wa_imp_rawphone(im, r, &n);
	if (n.id == NULL && (n.id = wa_cust_makeid(&n)) == NULL) {
		wa_reject(r, "no customer id, e-mail or usable phone");
		wa_cust_clear(&n);
		return 0;
	}
	addcust(im, r, &n);
	return 0;
}

static int
custrow(struct wa_import *im, struct wa_rec *r)
{
	struct wa_cust n;
	const char *s;
	char *end;
	int yes;

	if (r->fmt != WA_FMT_CSV)
		return woocust(im, r);
	wa_cust_init(&n);
	n.listed = 1;
	wa_imp_getid(im, r, &n);
	wa_imp_getperson(im, r, &n);
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
	if (im->lay.col[WA_C_OPTIN_EMAIL] >= 0)
		n.email_opt_in = wa_yesno(wa_layout_get(&im->lay, r, WA_C_OPTIN_EMAIL)) == 1;
	if (*(s = wa_layout_get(&im->lay, r, WA_C_TAGS)))
		wa_tags_add(n.tags = json_array(), s);
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
	wa_imp_extra(im, r, &n.extra);
	wa_cust_pack(&n);
	addcust(im, r, &n);
	return 0;
bad:
	wa_cust_clear(&n);
	return 0;
}

/* A record of the --merge file: what it holds survives unless the export says otherwise. */
static int
baserow(struct wa_rec *r, void *ctx)
{
	struct wa_import *im = ctx;
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
	char looked[WA_LOOKEDBUF];

	wa_layout_looked(kind, looked, sizeof looked);
	wa_die(WA_EXIT_USAGE, "%s: no %s here: none of the columns %s", file,
	    what, looked);
}

static int
nocontact(const struct wa_layout *l)
{
	return l->col[WA_C_EMAIL] < 0 && l->col[WA_C_PHONE] < 0 &&
	    l->col[WA_C_PHONE2] < 0 && l->col[WA_C_PHONE3] < 0 &&
	    l->col[WA_C_ID] < 0;
}

void
wa_import_header(const char *file, struct wa_csvhdr *h, void *ctx)
{
	struct wa_import *im = ctx;
	char looked[WA_LOOKEDBUF];

	wa_imp_flushorder(im);
	im->hdrfile = file;
	if (im->laydone)
		wa_layout_free(&im->lay);
	wa_layout_detect(&im->lay, h);
	im->laydone = 1;
	im->saidid = 0;
	im->dates.scanned = 0;
	im->saidids = 0;
	im->markline = 0;
	im->dates.order = im->dateopt;
	im->dates.assume = wa_dates_usual(im->cc);
	if (im->lay.kind == WA_KIND_UNKNOWN)
		nothing(file, im->orders ? "orders" : "customers", im->orders ?
		    WA_KIND_ORDERS : WA_KIND_CUSTOMERS);
	if (im->lay.kind != WA_KIND_ORDERS) {
		/* -t orders reads customer files only to name the buyers */
		if (im->orders && im->notorders == NULL)
			im->notorders = wa_strdup(file);
		return;
	}
	im->norders++;
	if (!nocontact(&im->lay))
		return;
	if (!im->orders) {
		wa_layout_looked(WA_KIND_CUSTOMERS, looked, sizeof looked);
		wa_die(WA_EXIT_USAGE, "%s: these orders have no column to find their "
		    "customers by (none of %s): read them with -t orders", file,
		    looked);
	}
	wa_warn("%s: no e-mail, phone or customer id column: its orders come with "
	    "customer null, counted in the store's revenue but in no customer's",
	    file);
}

/*
 * A file with no row at all is a failed or wrong export, not a store with
 * nothing in it: exit 2 naming it, never 0 with nothing out.
 */
void
wa_import_fileend(const char *file, long nrecords, void *ctx)
{
	struct wa_import *im = ctx;
	const char *what = im->orders ? "orders" : "customers";

	if (nrecords > 0)
		return;
	if (im->hdrfile == file && im->laydone)
		what = im->lay.kind == WA_KIND_ORDERS ? "orders" : "customers";
	wa_die(WA_EXIT_USAGE, "%s: no %s here: %s", file, what,
	    im->hdrfile == file ? "a header and no rows" : "the file is empty");
}

int
wa_import_record(struct wa_rec *r, void *ctx)
{
	struct wa_import *im = ctx;

	if (r->fmt != WA_FMT_CSV) {
		switch (wa_woo_kind(r->json)) {
		case WA_WOO_ORDER:
			return wa_imp_wooorder(im, r);
		case WA_WOO_NONE:
			wa_reject(r, "wa-import reads CSV exports and WooCommerce's "
			    "REST JSON; its own records go to --merge");
			return 0;
		}
	} else if (im->lay.kind == WA_KIND_ORDERS)
		return wa_imp_orderrow(im, r);
	if (im->orders) {
		/* Customers only name the buyers of the orders: no record of their own. */
		long out = im->nout, merged = im->nmerged;
		long rej = wa_input_nrejected(r->in);

		custrow(im, r);
		im->nout = out;
		im->nmerged = merged + (wa_input_nrejected(r->in) == rej);
		return 0;
	}
	return custrow(im, r);
}

/*
 * A record of a store's API has no file and line: its warnings name the
 * record (shopify:7006), and are summed up by kind as a file's are.
 */
void
wa_imp_syncphone(const char *id, const struct wa_cust *c, int perr)
{
	struct wa_rec r = { .file = id ? id : "-" };

	if (c->phone == NULL && c->phone_raw != NULL)
		wa_kwarn(&r, &W_PHONE, c->phone_raw, "phone '%s' kept as "
		    "phone_raw: %s", c->phone_raw, wa_phone_strerror(perr));
}

/* A customer of the store's API, merged as a customer row is. */
void
wa_import_synccust(struct wa_cust *c, int perr, void *arg)
{
	wa_imp_syncphone(c->id, c, perr);
	addcust(arg, NULL, c);
}

/* Customers of FILE, wa-import's own records, to merge into (--merge). */
void
wa_import_merge(struct wa_import *im, const char *file)
{
	struct wa_input *in = wa_input_new(WA_FMT_JSON);
	char *argv[1] = { (char *)file };
	long nbad;

	wa_input_run(in, 1, argv, baserow, im);
	/* Dropping a record here would lose its tags and its STOP: stop instead. */
	nbad = wa_input_nrejected(in);
	wa_input_free(in);
	if (nbad > 0)
		wa_die(WA_EXIT_FATAL, "%s: %ld records cannot be read; nothing "
		    "written: mend or remove them first", file, nbad);
}

struct wa_import *
wa_import_new(int orders, const char *cc, int dateopt, struct wa_out *out,
    int overlap)
{
	struct wa_import *im = wa_calloc(1, sizeof *im);

	im->orders = orders;
	im->cc = cc;
	im->dateopt = dateopt;
	im->dates.order = WA_DATES_ANY;
	im->out = out;
	im->now = wa_now();
	im->db = wa_custdb_new();
	if (overlap)
		im->seenorder = wa_fpset_new();
	return im;
}

void
wa_import_write(struct wa_import *im)
{
	size_t i;
	json_t *j;

	for (i = 0; !im->orders && i < wa_custdb_count(im->db); i++) {
		j = wa_cust_json(wa_custdb_at(im->db, i));
		wa_out_put(im->out, j);
		json_decref(j);
	}
}

void
wa_import_end(struct wa_import *im)
{
	wa_imp_flushorder(im);
	if (im->orders && im->norders == 0 && im->notorders)
		nothing(im->notorders, "orders", WA_KIND_ORDERS);
	if (!im->orders)
		wa_custdb_share(im->db);
	wa_import_write(im);
}

void
wa_import_counts(const struct wa_import *im, long *nout, long *nmerged)
{
	*nout = im->nout;
	*nmerged = im->nmerged;
}

void
wa_import_free(struct wa_import *im)
{
	wa_custdb_free(im->db);
	wa_fpset_free(im->seenorder);
	free(im->notorders);
	if (im->laydone)
		wa_layout_free(&im->lay);
	free(im);
}
