/* woosync.c: wa-import --woocommerce: the REST API's pages of what changed since the last run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "wa.h"
#include "store.h"

#define PERPAGE 100	/* the most the API gives a page */

struct wa_woosync {
	char *base;		/* the store's address, no '/' at its end */
	struct wa_fetch *f;
	char *path;		/* the cursor file */
	json_t *state;		/* the cursor file: a store's address -> its cursors */
	const char *since;	/* --since, ISO 8601 UTC, or NULL */
	char oldmod[WA_TIMEBUF];	/* orders changed after this were asked for */
	char maxmod[WA_TIMEBUF];	/* the latest order change read */
	char began[WA_TIMEBUF];	/* the store's clock when the orders were first asked for */
	char oldcmod[WA_TIMEBUF];	/* customers changed after this are kept */
	char maxcmod[WA_TIMEBUF];	/* the latest customer change read */
	char cbegan[WA_TIMEBUF];	/* the store's clock when the customers were */
};

/* Plain HTTP would send the keys in clear: only to this machine (a test's mock). */
static void
checkurl(const char *url)
{
	if (strncmp(url, "https://", 8) == 0)
		return;
	if (strncmp(url, "http://127.0.0.1", 16) == 0 ||
	    strncmp(url, "http://localhost", 16) == 0 ||
	    strncmp(url, "http://[::1]", 12) == 0)
		return;
	wa_die(WA_EXIT_USAGE, "--woocommerce: '%s' is not an https:// address "
	    "(the keys would cross the network in clear)", url);
}

/* Basic auth of KEY:SECRET, as WooCommerce takes it over HTTPS; the copies are wiped. */
static void
auth(struct wa_fetch *f, char *key, char *secret)
{
	char *kv = wa_strjoin(key, ":", secret);
	size_t n = strlen(kv);
	char *b64 = wa_malloc(4 * ((n + 2) / 3) + 1), *line;

	EVP_EncodeBlock((unsigned char *)b64, (unsigned char *)kv, (int)n);
	line = wa_strjoin("Authorization:", " Basic ", b64);
	wa_fetch_header(f, line);
	wa_secret_free(line);
	wa_secret_free(b64);
	wa_secret_free(kv);
	wa_secret_free(key);
	wa_secret_free(secret);
}

static void
loadstate(struct wa_woosync *s)
{
	json_t *cur;
	json_error_t err;
	FILE *fp = wa_state_read(s->path);

	s->state = fp ? json_loadf(fp, 0, &err) : json_object();
	if (fp)
		fclose(fp);
	if (!json_is_object(s->state))
		wa_die(WA_EXIT_FATAL, "%s: not the JSON wa-import writes; "
		    "move it away to read the store whole again", s->path);
	cur = json_object_get(s->state, s->base);
	snprintf(s->oldmod, sizeof s->oldmod, "%s",
	    json_string_value(json_object_get(cur, "orders_modified")) ?
	    json_string_value(json_object_get(cur, "orders_modified")) : "");
	snprintf(s->oldcmod, sizeof s->oldcmod, "%s",
	    json_string_value(json_object_get(cur, "customers_modified")) ?
	    json_string_value(json_object_get(cur, "customers_modified")) : "");
	strcpy(s->maxmod, s->oldmod);
	strcpy(s->maxcmod, s->oldcmod);
}

struct wa_woosync *
wa_woosync_new(const char *url, const char *since)
{
	struct wa_woosync *s = wa_calloc(1, sizeof *s);
	char *key, *secret;
	size_t n = strlen(url);

	checkurl(url);
	key = wa_secret("WC_CONSUMER_KEY");
	secret = wa_secret("WC_CONSUMER_SECRET");
	if (key == NULL || secret == NULL)
		wa_die(WA_EXIT_USAGE, "--woocommerce needs the REST API keys in "
		    "WC_CONSUMER_KEY and WC_CONSUMER_SECRET (or *_FILE)");
	while (n > 0 && url[n - 1] == '/')
		n--;
	s->base = wa_strndup(url, n);
	s->since = since;
	s->f = wa_fetch_new();
	wa_fetch_want(s->f, "X-WP-TotalPages");
	wa_fetch_want(s->f, "Date");
	auth(s->f, key, secret);
	s->path = wa_home_path(WA_SF_WOO);
	loadstate(s);
	return s;
}

/* The address of page PAGE of KIND: what changed since the cursor (or --since). */
static void
pageurl(struct wa_woosync *s, int orders, int page, struct wa_buf *u)
{
	char num[64];

	wa_buf_reset(u);
	wa_buf_adds(u, s->base);
	wa_buf_adds(u, orders ? "/wp-json/wc/v3/orders" : "/wp-json/wc/v3/customers");
	snprintf(num, sizeof num, "?per_page=%d&page=%d", PERPAGE, page);
	wa_buf_adds(u, num);
	/* Oldest id first: a change while paging repeats a record, never skips one. */
	wa_buf_adds(u, "&orderby=id&order=asc");
	/* The customers have no modified_after (woocommerce#41371): keep() filters them. */
	if (orders && (s->since || *s->oldmod)) {
		wa_buf_adds(u, "&dates_are_gmt=true&modified_after=");
		wa_url_enc(u, s->since ? s->since : s->oldmod);
	}
}

/* Die with what the store said: a wrong key is no reason to retry. */
static void
refused(struct wa_woosync *s, const char *url)
{
	json_t *j = json_loads(wa_fetch_body(s->f, NULL), 0, NULL);
	const char *msg = json_string_value(json_object_get(j, "message"));
	char *clean = msg ? wa_scrub(msg) : NULL, said[512];
	long st = wa_fetch_status(s->f);

	/* The store may echo what it was sent: scrubbed, and nothing left to leak. */
	snprintf(said, sizeof said, "%s%s", msg ? ": " : "",
	    clean ? clean : msg ? msg : "");
	free(clean);
	json_decref(j);
	if (st == 401 || st == 403)
		wa_die(WA_EXIT_FATAL, "%s: HTTP %ld%s: check WC_CONSUMER_KEY and "
		    "WC_CONSUMER_SECRET (a key with Read access)", url, st, said);
	if (st == 0)
		wa_die(WA_EXIT_FATAL, "%s: %s", url, wa_fetch_err(s->f));
	wa_die(WA_EXIT_FATAL, "%s: HTTP %ld%s", url, st, said);
}

/*
 * The store's clock, a second back, when the orders were first asked for:
 * an order that changes while the pages are read may be missed by this
 * run's pages, but not by the next run's, which asks from here.
 */
static void
storeclock(struct wa_woosync *s, char *began)
{
	const char *d = wa_fetch_got(s->f, "Date");
	time_t t = d ? curl_getdate(d, NULL) : -1;

	if (t > 0) {
		wa_time_fmt(t - 1, began);
		began[19] = '\0';	/* as date_modified_gmt is written, no Z */
	}
}

/*
 * Keep ITEM of KIND, as a JSON line of OUT, moving the cursors. Every
 * customer page is read, and only those changed since the last run (or
 * --since) are kept; one with no date is kept, rather than never read.
 */
static void
keep(struct wa_woosync *s, int orders, json_t *it, struct wa_buf *out)
{
	const char *mod = json_string_value(json_object_get(it, "date_modified_gmt"));
	const char *from = s->since ? s->since : s->oldcmod;
	char *line, *max = orders ? s->maxmod : s->maxcmod;

	if (!orders && mod == NULL)
		mod = json_string_value(json_object_get(it, "date_created_gmt"));
	/* 19 characters: --since ends in Z, date_modified_gmt does not */
	if (!orders && mod && *from && strncmp(mod, from, 19) <= 0)
		return;
	if (mod && strcmp(mod, max) > 0)
		snprintf(max, WA_TIMEBUF, "%s", mod);
	line = wa_json_line(it);
	wa_buf_adds(out, line);
	wa_buf_addc(out, '\n');
	free(line);
}

/* Page PAGE of the orders or customers: its address into NAME, its new items as JSON lines into OUT; 1 when more follow. */
static int
getpage(struct wa_woosync *s, int orders, int page, struct wa_buf *name,
    struct wa_buf *out)
{
	const char *tp;
	json_t *a, *it;
	size_t i;
	int more;

	pageurl(s, orders, page, name);
	wa_buf_reset(out);
	if (wa_fetch_do(s->f, wa_buf_str(name), NULL, 0) < 0 ||
	    wa_fetch_status(s->f) != 200)
		refused(s, wa_buf_str(name));
	a = json_loads(wa_fetch_body(s->f, NULL), 0, NULL);
	if (!json_is_array(a))
		wa_die(WA_EXIT_FATAL, "%s: the answer is not a JSON array: is this "
		    "a WooCommerce store?", wa_buf_str(name));
	if (page == 1)
		storeclock(s, orders ? s->began : s->cbegan);
	tp = wa_fetch_got(s->f, "X-WP-TotalPages");
	more = tp ? page < atoi(tp) : json_array_size(a) == PERPAGE;
	json_array_foreach(a, i, it)
		keep(s, orders, it, out);
	json_decref(a);
	return more;
}

/* A page kept in the spool: where it came from, where it is. */
struct spooled {
	char *name;
	long off;
	size_t n;
};

/* Write page PAGE of KIND to the spool FP, remembered in *V; 1 when more follow. */
static int
spool(struct wa_woosync *s, int orders, int page, FILE *fp,
    struct spooled **v, size_t *nv, size_t *cap)
{
	struct wa_buf name = { 0 }, out = { 0 };
	int more = getpage(s, orders, page, &name, &out);

	*v = wa_grow(*v, cap, *nv, sizeof **v);
	(*v)[*nv].name = wa_strdup(wa_buf_str(&name));
	(*v)[*nv].off = ftell(fp);
	(*v)[(*nv)++].n = out.len;
	if (out.len && fwrite(out.s, 1, out.len, fp) != out.len)
		wa_die(WA_EXIT_FATAL, "cannot keep the store's pages:");
	wa_buf_free(&name);
	wa_buf_free(&out);
	return more;
}

void
wa_woosync_run(struct wa_woosync *s, int ordersonly, struct wa_input *in,
    wa_rec_fn *fn, void *ctx)
{
	struct spooled *v = NULL;
	size_t nv = 0, cap = 0, i;
	char *b = NULL;
	FILE *fp = tmpfile();
	int orders, p;

	if (fp == NULL)
		wa_die(WA_EXIT_FATAL, "cannot keep the store's pages:");
	/* Every page first: a store that fails mid-way leaves no records half out. */
	for (orders = ordersonly; orders <= 1; orders++)
		for (p = 1; spool(s, orders, p, fp, &v, &nv, &cap); p++)
			;
	for (i = 0; i < nv; i++) {
		b = wa_realloc(b, v[i].n + 1);
		if (fseek(fp, v[i].off, SEEK_SET) < 0 ||
		    fread(b, 1, v[i].n, fp) != v[i].n)
			wa_die(WA_EXIT_FATAL, "cannot read the store's pages back:");
		wa_input_mem(in, v[i].name, b, v[i].n, fn, ctx);
		free(v[i].name);
	}
	free(v);
	free(b);
	fclose(fp);
}

void
wa_woosync_commit(struct wa_woosync *s)
{
	const char *mod = s->since ? s->oldmod : *s->began ? s->began : s->maxmod;
	const char *cmod = s->since ? s->oldcmod : *s->cbegan ? s->cbegan :
	    s->maxcmod;
	json_t *cur;
	char *tmp;
	FILE *fp;

	/* --since asked for another window: where the runs left off stays. */
	if (strcmp(mod, s->oldmod) == 0 && strcmp(cmod, s->oldcmod) == 0)
		return;		/* nothing new: the file stays as it is */
	cur = json_object();
	if (*mod)
		json_object_set_new(cur, "orders_modified", json_string(mod));
	if (*cmod)
		json_object_set_new(cur, "customers_modified", json_string(cmod));
	json_object_set_new(s->state, s->base, cur);
	if ((fp = wa_rewrite_open(s->path, &tmp)) == NULL ||
	    json_dumpf(s->state, fp, JSON_INDENT(1) | JSON_SORT_KEYS) < 0 ||
	    fputc('\n', fp) == EOF || wa_rewrite_commit(fp, tmp, s->path) < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot save where this run left off:",
		    s->path);
}

void
wa_woosync_free(struct wa_woosync *s)
{
	if (s == NULL)
		return;
	wa_fetch_free(s->f);
	json_decref(s->state);
	free(s->base);
	free(s->path);
	free(s);
}
