/* customer.c: the customer record, how two of them merge, and the run's index of them. */
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"

struct wa_custdb {
	struct wa_cust **c;
	size_t n, cap;
	struct wa_hash *byid, *byemail, *byphone;	/* byphone: struct carrier */
};

/* The customers of the run that carry one phone (as one WhatsApp user). */
struct carrier {
	struct wa_cust *c;	/* the first */
	int several;
};

void
wa_cust_init(struct wa_cust *c)
{
	memset(c, 0, sizeof *c);
	c->opt_in = c->email_opt_in = -1;
	c->orders = c->spent = c->n365 = c->s365 = -1;
	c->spentexp = wa_money_exp(NULL);
}

void
wa_cust_clear(struct wa_cust *c)
{
	char **s[] = { &c->id, &c->first, &c->last, &c->email, &c->phone,
	    &c->phone_raw, &c->country, &c->province, &c->city, &c->lang,
	    &c->note, &c->source, &c->optsrc, &c->birthday };
	size_t i;

	for (i = 0; i < sizeof s / sizeof *s; i++)
		free(*s[i]);
	json_decref(c->tags);
	json_decref(c->extra);
	free(c->packed);
	json_decref(c->base);
	json_decref(c->last_items);
	memset(c, 0, sizeof *c);
}

char *
wa_cust_makeid(const struct wa_cust *c)
{
	if (c->email)
		return wa_strjoin("email", ":", c->email);
	if (c->phone)
		return wa_strjoin("phone", ":", c->phone);
	return NULL;
}

static void
keep(char **dst, const char *s)
{
	if (*dst == NULL)
		wa_strset(dst, s);
}

static int
derived(const char *id)
{
	return strncmp(id, "email:", 6) == 0 || strncmp(id, "phone:", 6) == 0;
}

static long long
maxll(long long a, long long b)
{
	return a > b ? a : b;
}

/* Drop repeated tags, keeping the first of each: folding appends lists. */
static void
uniqtags(json_t *a)
{
	size_t i, j;

	for (i = 0; i < json_array_size(a); i++)
		for (j = i + 1; j < json_array_size(a); )
			if (json_equal(json_array_get(a, i), json_array_get(a, j)))
				json_array_remove(a, j);
			else
				j++;
}

static void
foldconsent(struct wa_cust *d, const struct wa_cust *n)
{
	int withdrawn = d->base && d->opt_in == 0 && d->optsrc &&
	    strncmp(d->optsrc, "shopify:", 8) != 0 &&
	    strncmp(d->optsrc, "woocommerce:", 12) != 0;

	/* e-mail consent: the newest word, yes or no */
	if (n->email_opt_in >= 0)
		d->email_opt_in = n->email_opt_in;
	if (withdrawn || n->opt_in < 0)
		return;
	/* The export replaces the old consent once; after that a "no" wins. */
	if ((d->base && !d->seen) || d->opt_in < 0 || n->opt_in == 0) {
		d->opt_in = n->opt_in;
		wa_strset(&d->optsrc, n->optsrc);
	}
}

/*
 * A customer's extra cells as compact JSON text: a jansson object of four
 * cells costs some 900 bytes, its text a hundred, and a big export's
 * customers each have their own address cells. Read back when needed.
 */
void
wa_cust_pack(struct wa_cust *c)
{
	if (c->extra == NULL || c->packed)
		return;
	c->packed = json_dumps(c->extra, JSON_COMPACT);
	if (c->packed) {
		json_decref(c->extra);
		c->extra = NULL;
	}
}

static void
unpack(struct wa_cust *c)
{
	if (c->packed == NULL)
		return;
	c->extra = json_loads(c->packed, 0, NULL);
	free(c->packed);
	c->packed = NULL;
}

void
wa_cust_fold(struct wa_cust *d, struct wa_cust *n, int replace)
{
	char **dst[] = { &d->first, &d->last, &d->email, &d->phone,
	    &d->phone_raw, &d->country, &d->province, &d->city, &d->lang,
	    &d->source, &d->birthday };
	char **src[] = { &n->first, &n->last, &n->email, &n->phone,
	    &n->phone_raw, &n->country, &n->province, &n->city, &n->lang,
	    &n->source, &n->birthday };
	size_t i;

	/* The id keys the ledger: keep it, but let a store's id replace a made-up one. */
	if (d->id == NULL || (!d->base && n->id && derived(d->id) && !derived(n->id)))
		wa_strset(&d->id, n->id);
	for (i = 0; i < sizeof dst / sizeof *dst; i++)
		(replace ? wa_strset : keep)(dst[i], *src[i]);
	keep(&d->note, n->note);
	if (json_array_size(n->tags) > 0) {
		if (d->tags == NULL)
			d->tags = json_array();
		json_array_extend(d->tags, n->tags);
		uniqtags(d->tags);
	}
	if (n->packed && d->extra == NULL && d->packed == NULL) {
		d->packed = n->packed;
		n->packed = NULL;
	} else if (n->packed && replace) {
		unpack(d);
		unpack(n);
	}
	if (n->extra && d->extra == NULL)
		d->extra = json_incref(n->extra);
	else if (n->extra && replace)
		json_object_update(d->extra, n->extra);
	foldconsent(d, n);
	if (n->created && (d->created == 0 || n->created < d->created))
		d->created = n->created;
	if (n->spent >= 0)
		n->spent = wa_money_rescale(n->spent, n->spentexp, d->spentexp);
	if (d->base || (n->id && d->id && strcmp(n->id, d->id) == 0)) {
		/* The store's newer count replaces the old; the same row twice counts once. */
		if (n->orders >= 0)
			d->orders = d->base ? n->orders : maxll(d->orders, n->orders);
		if (n->spent >= 0)
			d->spent = d->base ? n->spent : maxll(d->spent, n->spent);
	} else if (n->orders >= 0) {
		/* Two store accounts of one person: their histories add up. */
		d->orders = maxll(d->orders, 0) + n->orders;
		d->spent = maxll(d->spent, 0) + maxll(n->spent, 0);
	}
	if (d->base && n->listed)
		d->seen = 1;
	d->listed |= n->listed;
}

void
wa_cust_addorder(struct wa_cust *c, const struct wa_order *o, time_t now)
{
	long long net = o->total - o->refunded;
	size_t i;

	if (!wa_order_counts(o))
		return;
	if (o->currency && c->cur[0] && strcmp(c->cur, o->currency) != 0)
		wa_warn("%s: order %s in %s left out of spent (customer pays in %s)",
		    c->id ? c->id : "customer", o->name, o->currency, c->cur);
	else {
		if (o->currency)
			snprintf(c->cur, sizeof c->cur, "%s", o->currency);
		c->nspent += net;
		if (o->created_at && o->created_at <= now &&
		    now - o->created_at <= 365 * 86400) {
			c->nn365++;
			c->ns365 += net;
		}
	}
	c->norders++;
	if (o->created_at && (c->first_at == 0 || o->created_at < c->first_at))
		c->first_at = o->created_at;
	if (o->fulfilled_at > c->lastful_at)
		c->lastful_at = o->fulfilled_at;
	if (o->created_at >= c->last_at) {
		c->last_at = o->created_at;
		json_decref(c->last_items);
		c->last_items = json_array();
		for (i = 0; i < o->nitems; i++)
			json_array_append_new(c->last_items,
			    json_string(o->items[i].name));
	}
}

static time_t
jtime(json_t *obj, const char *key)
{
	const char *s = wa_json_str(obj, key);
	time_t t = 0;

	if (s)
		wa_time_parse(s, WA_DATES_ANY, &t);
	return t;
}

static long long
jmoney(json_t *v, const char *cur)
{
	char buf[64];
	long long m;

	if (!json_is_number(v))
		return -1;
	snprintf(buf, sizeof buf, "%.*f", wa_money_exp(cur),
	    json_number_value(v));
	return wa_money_parse(buf, cur, &m) == 0 ? m : -1;
}

static long long
jint(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

/* A field of the wrong type would be read as absent and lose what it held. */
static const char *
badtype(json_t *o)
{
#define F(key, type) { key, type, "\"" key "\" has the wrong type" }
	static const struct {
		const char *key;
		int type;
		const char *why;
	} f[] = {
		F("opt_in", JSON_TRUE), F("tags", JSON_ARRAY),
		F("extra", JSON_OBJECT), F("last_items", JSON_ARRAY),
		F("orders", JSON_INTEGER), F("orders_365d", JSON_INTEGER),
		F("spent", JSON_REAL), F("spent_365d", JSON_REAL),
		F("currency", JSON_STRING), F("opt_in_source", JSON_STRING),
		F("email", JSON_STRING), F("phone", JSON_STRING),
		F("note", JSON_STRING),
	};
#undef F
	json_t *v;
	size_t i;
	int t;

	for (i = 0; i < sizeof f / sizeof *f; i++) {
		if ((v = json_object_get(o, f[i].key)) == NULL || json_is_null(v))
			continue;
		t = json_typeof(v);
		if (t == f[i].type || (f[i].type == JSON_TRUE && t == JSON_FALSE) ||
		    (f[i].type == JSON_REAL && t == JSON_INTEGER))
			continue;
		return f[i].why;
	}
	return NULL;
}

int
wa_cust_fromjson(struct wa_cust *c, json_t *o, const char **why)
{
	const char *cur = wa_json_str(o, "currency"), *id = wa_json_str(o, "id");
	json_t *v;

	/* an empty id would be written back as null, which no run reads */
	*why = "no \"id\" string";
	if (id == NULL || *id == '\0' || (*why = badtype(o)) != NULL)
		return -1;
	c->base = json_incref(o);
	c->id = wa_strdup(wa_json_str(o, "id"));
	c->first = wa_strdup0(wa_json_str(o, "first_name"));
	c->last = wa_strdup0(wa_json_str(o, "last_name"));
	c->email = wa_strdup0(wa_json_str(o, "email"));
	c->phone = wa_strdup0(wa_json_str(o, "phone"));
	c->phone_raw = wa_strdup0(wa_json_str(o, "phone_raw"));
	c->country = wa_strdup0(wa_json_str(o, "country"));
	c->province = wa_strdup0(wa_json_str(o, "province"));
	c->city = wa_strdup0(wa_json_str(o, "city"));
	c->lang = wa_strdup0(wa_json_str(o, "lang"));
	c->birthday = wa_strdup0(wa_json_str(o, "birthday"));
	c->note = wa_strdup0(wa_json_str(o, "note"));
	c->source = wa_strdup0(wa_json_str(o, "source"));
	c->optsrc = wa_strdup0(wa_json_str(o, "opt_in_source"));
	if (json_is_boolean(v = json_object_get(o, "opt_in")))
		c->opt_in = json_is_true(v);
	if (json_is_boolean(v = json_object_get(o, "email_opt_in")))
		c->email_opt_in = json_is_true(v);
	if (json_array_size(v = json_object_get(o, "tags")) > 0) {
		c->tags = json_array();
		json_array_extend(c->tags, v);
	}
	if (json_is_object(v = json_object_get(o, "extra")))
		c->extra = json_incref(v);
	if (json_is_array(v = json_object_get(o, "last_items")))
		c->last_items = json_incref(v);
	if (cur)
		snprintf(c->cur, sizeof c->cur, "%s", cur);
	c->orders = jint(o, "orders");
	c->n365 = jint(o, "orders_365d");
	c->spent = jmoney(json_object_get(o, "spent"), cur);
	c->spentexp = wa_money_exp(cur);
	c->s365 = jmoney(json_object_get(o, "spent_365d"), cur);
	c->first_at = jtime(o, "first_order_at");
	c->last_at = jtime(o, "last_order_at");
	c->lastful_at = jtime(o, "last_fulfilled_at");
	c->created = jtime(o, "created_at");
	return 0;
}

json_t *
wa_cust_json(const struct wa_cust *c)
{
	json_t *o = c->base ? json_incref(c->base) : json_object();
	const char *cur = c->cur[0] ? c->cur : NULL, *cc = c->country;
	long long n365 = c->norders ? c->nn365 : c->n365;
	long long s365 = c->norders ? c->ns365 : c->s365;
	long long spent = c->spent < 0 ? -1 :
	    wa_money_rescale(c->spent, c->spentexp, wa_money_exp(cur));

	if (cc == NULL && c->phone)
		cc = wa_phone_country(c->phone);
	wa_json_setstr(o, "id", c->id);
	wa_json_setstr(o, "first_name", c->first);
	wa_json_setstr(o, "last_name", c->last);
	wa_json_setstr(o, "email", c->email);
	wa_json_setstr(o, "phone", c->phone);
	wa_json_setstr(o, "phone_raw", c->phone_raw);
	/* Counted again each run: an old count would outlive the customers that made it. */
	if (c->shared > 1)
		json_object_set_new(o, "phone_shared", json_integer(c->shared));
	else
		json_object_del(o, "phone_shared");
	wa_json_setstr(o, "country", c->country);
	wa_json_setstr(o, "province", c->province);
	wa_json_setstr(o, "city", c->city);
	wa_json_setstr(o, "tz", cc ? wa_tz_sure(cc, c->country ? c->province : NULL) : NULL);
	wa_json_setstr(o, "lang", c->lang);
	if (c->birthday)
		wa_json_setstr(o, "birthday", c->birthday);
	json_object_set_new(o, "opt_in", json_boolean(c->opt_in == 1));
	wa_json_setstr(o, "opt_in_source", c->optsrc);
	if (c->email_opt_in >= 0)
		json_object_set_new(o, "email_opt_in", json_boolean(c->email_opt_in == 1));
	json_object_set_new(o, "tags", c->tags ? json_incref(c->tags) : json_array());
	wa_json_setstr(o, "note", c->note);
	json_object_set_new(o, "orders",
	    json_integer(maxll(maxll(c->orders, c->norders), 0)));
	wa_json_setmoney(o, "spent", maxll(spent, maxll(c->nspent, 0)), cur);
	wa_json_setstr(o, "currency", cur);
	wa_json_settime(o, "first_order_at", c->first_at);
	wa_json_settime(o, "last_order_at", c->last_at);
	wa_json_settime(o, "last_fulfilled_at", c->lastful_at);
	json_object_set_new(o, "orders_365d", n365 < 0 ? json_null() :
	    json_integer(n365));
	wa_json_setmoney(o, "spent_365d", s365, cur);
	json_object_set_new(o, "last_items", c->last_items ?
	    json_incref(c->last_items) : json_array());
	wa_json_setstr(o, "source", c->source);
	wa_json_settime(o, "created_at", c->created ? c->created : c->first_at);
	if (c->extra)
		json_object_set(o, "extra", c->extra);
	else if (c->packed)
		json_object_set_new(o, "extra", json_loads(c->packed, 0, NULL));
	return o;
}

struct wa_custdb *
wa_custdb_new(void)
{
	struct wa_custdb *db = wa_calloc(1, sizeof *db);

	db->byid = wa_hash_new();
	db->byemail = wa_hash_new();
	db->byphone = wa_hash_new();
	return db;
}

/* Does C still carry the phone of key KEY? */
static int
carries(const struct wa_cust *c, const char *key)
{
	char k[WA_PHONE_MAX];

	if (c->phone == NULL)
		return 0;
	wa_phone_key(c->phone, k);
	return strcmp(k, key) == 0;
}

/* Known by the phone alone: no e-mail, and no id but one made from the phone. */
static int
phoneonly(const struct wa_cust *c)
{
	return c->email == NULL && (c->id == NULL || strncmp(c->id, "phone:", 6) == 0);
}

/*
 * A phone is no person: many customers share one (a family, the store's own
 * number, a placeholder). A record joins the customer of its phone only when
 * one of the two is known by the phone alone and no other customer carries it.
 */
static struct wa_cust *
byphone(struct wa_custdb *db, const struct wa_cust *n)
{
	char key[WA_PHONE_MAX];
	struct carrier *e;

	if (n->phone == NULL)
		return NULL;
	wa_phone_key(n->phone, key);
	if ((e = wa_hash_get(db->byphone, key)) == NULL || e->several ||
	    !carries(e->c, key))
		return NULL;
	return phoneonly(n) || phoneonly(e->c) ? e->c : NULL;
}

struct wa_cust *
wa_custdb_find(struct wa_custdb *db, const struct wa_cust *n, const char **why)
{
	struct wa_cust *f = NULL;

	if (n->id && (f = wa_hash_get(db->byid, n->id)) != NULL)
		*why = "same id";
	else if (n->email && (f = wa_hash_get(db->byemail, n->email)) != NULL)
		*why = "same e-mail";
	else if ((f = byphone(db, n)) != NULL)
		*why = "same phone, known by it alone";
	return f;
}

void
wa_custdb_index(struct wa_custdb *db, struct wa_cust *c)
{
	char key[WA_PHONE_MAX];
	struct carrier *e;

	if (c->id)
		wa_hash_put(db->byid, c->id, c);
	if (c->email)
		wa_hash_put(db->byemail, c->email, c);
	if (c->phone == NULL)
		return;
	wa_phone_key(c->phone, key);
	if ((e = wa_hash_get(db->byphone, key)) == NULL) {
		e = wa_calloc(1, sizeof *e);
		wa_hash_put(db->byphone, key, e);
	}
	if (e->c == c)
		return;
	if (e->c == NULL || !carries(e->c, key))
		e->c = c;
	else
		e->several = 1;
}

struct wa_cust *
wa_custdb_add(struct wa_custdb *db, struct wa_cust *n)
{
	struct wa_cust *c = wa_malloc(sizeof *c);

	*c = *n;
	memset(n, 0, sizeof *n);
	if (db->n == db->cap) {
		db->cap = db->cap ? db->cap * 2 : 1024;
		db->c = wa_realloc(db->c, db->cap * sizeof *db->c);
	}
	db->c[db->n++] = c;
	wa_custdb_index(db, c);
	return c;
}

size_t
wa_custdb_count(const struct wa_custdb *db)
{
	return db->n;
}

struct wa_cust *
wa_custdb_at(struct wa_custdb *db, size_t i)
{
	return db->c[i];
}

void
wa_custdb_free(struct wa_custdb *db)
{
	size_t i;

	if (db == NULL)
		return;
	for (i = 0; i < db->n; i++) {
		wa_cust_clear(db->c[i]);
		free(db->c[i]);
	}
	free(db->c);
	wa_hash_free(db->byid);
	wa_hash_free(db->byemail);
	wa_hash_free_with(db->byphone, free);
	free(db);
}

/* The customers that carry one phone, in the order of the first. */
struct share {
	const char *phone;
	long n;
	const char *ids[3];	/* the first three */
};

#define SHAREDLINES 10	/* shared phones told one by one */

/*
 * One line for each phone several customers share, not one per customer: a
 * placeholder or the store's own number may stand for thousands. Past
 * SHAREDLINES phones, one line says how many more.
 */
static void
sayshared(const struct share *s, size_t ns)
{
	size_t i, nsaid = 0;

	for (i = 0; i < ns; i++) {
		if (s[i].n < 2 || ++nsaid > SHAREDLINES)
			continue;
		wa_warn("phone %s is shared by %ld customers (%s, %s%s%s): each "
		    "keeps a record of its own, with phone_shared %ld", s[i].phone,
		    s[i].n, s[i].ids[0], s[i].ids[1], s[i].n > 2 ? ", " : "",
		    s[i].n > 3 ? "..." : s[i].n > 2 ? s[i].ids[2] : "", s[i].n);
	}
	if (nsaid > SHAREDLINES)
		wa_warn("and %zu more phones shared by several customers "
		    "(wa-segment 'phone_shared > 1' selects them all)",
		    nsaid - SHAREDLINES);
}

void
wa_custdb_share(struct wa_custdb *db)
{
	struct share *s = wa_calloc(db->n + 1, sizeof *s), **of;
	struct wa_hash *h = wa_hash_new();
	char key[WA_PHONE_MAX];
	size_t i, ns = 0;

	of = wa_calloc(db->n + 1, sizeof *of);
	for (i = 0; i < db->n; i++) {
		if (db->c[i]->phone == NULL)
			continue;
		wa_phone_key(db->c[i]->phone, key);
		if ((of[i] = wa_hash_get(h, key)) == NULL) {
			of[i] = &s[ns++];
			of[i]->phone = db->c[i]->phone;
			wa_hash_put(h, key, of[i]);
		}
		if (of[i]->n < 3)
			of[i]->ids[of[i]->n] = db->c[i]->id;
		of[i]->n++;
	}
	for (i = 0; i < db->n; i++)
		db->c[i]->shared = of[i] ? of[i]->n : 0;
	sayshared(s, ns);
	wa_hash_free(h);
	free(of);
	free(s);
}
