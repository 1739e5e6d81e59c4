/* shopsync.c: customers and orders from the Shopify Admin GraphQL API, paged or in bulk, from a cursor. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wa.h"
#include "store.h"

#define API_VERSION "2024-10"
#define MAXCOST 1000		/* Shopify's limit on one query's cost */
/*
 * Line items read with each order of a page, at most. Few orders have more;
 * each item asked for counts in a query's cost whether there or not, and the
 * cost bounds a page, so after a page a sync asks only as many as the most
 * an order had so far: orders of 1 to 3 items make pages of 199 orders, not
 * 83. An order of more has the rest read by its own connection (moreitems),
 * and raises the number again.
 */
#define LINEITEMS 10
/*
 * The page cursor is made durable at most once a second, not after every
 * page. Why that keeps the rule (a cursor never passes records that are not
 * on disk): before each commit the page callback is asked for durable
 * records (wa-import fsyncs its output), and the cursor written is that of
 * the last page handed out, never one further. What a crash can cost is
 * only pages read again: those out since the last commit, a second's worth
 * at most, which a reader of the orders takes once by id as it does an
 * order that changed. Each commit costs an fsync of the output, of the
 * cursor's new file and of its directory: after every one of 1,205 pages of
 * 100,000 orders they took a quarter of the run's wall time.
 */
#define COMMIT_EVERY 1.0	/* seconds */

struct wa_shopsync {
	struct wa_fetch *f;
	char *store;		/* NAME.myshopify.com */
	char *url;		/* .../admin/api/VERSION/graphql.json */
	char *cpath;		/* the cursor file */
	const char *kind;	/* "customers" or "orders" */
	const char *ckey;	/* its cursor's name: the kind, or orders_folded */
	/* the cost-based throttle, as the last answer told it */
	double avail, rate, max, at;	/* at: wa_mono() of that answer */
	double cost;		/* the next query's cost, as last requested */
	int first;		/* records a page */
	int items;		/* line items asked with each order of a page */
	int most;		/* the most line items an order had so far */
	/* the window: records updated after since, from page cursor after */
	char *since, *after, *seen;	/* seen: the latest updatedAt out */
	char *stored;		/* the cursor's since when the run began */
	int forced;		/* --since: the cursor moves only forward, at the end */
	const struct wa_shopsync_cb *cb;
	int dirty;		/* pages out since the cursor last moved */
	double committed;	/* wa_mono() when it did */
};

static const char CUSTFIELDS[] =
    "id firstName lastName email phone locale note tags createdAt updatedAt "
    "numberOfOrders amountSpent { amount currencyCode } "
    "smsMarketingConsent { marketingState } "
    "defaultAddress { countryCodeV2 province city phone }";

#define ADDR "{ countryCodeV2 province city phone }"
static const char ORDERFIELDS[] =
    "id name email phone createdAt updatedAt processedAt cancelledAt "
    "displayFinancialStatus displayFulfillmentStatus currencyCode tags "
    "discountCodes totalPriceSet { shopMoney { amount currencyCode } } "
    "totalRefundedSet { shopMoney { amount currencyCode } } "
    "fulfillments(first: 5) { createdAt } "
    "customer { id email phone firstName lastName } "
    "billingAddress " ADDR " shippingAddress " ADDR;
#define ITEMFIELDS_ \
    "name sku vendor quantity originalUnitPriceSet { shopMoney { amount currencyCode } }"
static const char ITEMFIELDS[] = ITEMFIELDS_;

/* "name", "name.myshopify.com" or a URL's host into NAME.myshopify.com; NULL if none. */
static char *
storehost(const char *s)
{
	char *name, *host;
	size_t n;

	if (strncmp(s, "https://", 8) == 0)
		s += 8;
	n = strcspn(s, "/");
	if (n == 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.')
			return NULL;
	name = wa_strndup(s, n);
	if (memchr(s, '.', n) != NULL)
		return name;
	host = wa_strjoin(name, "", ".myshopify.com");
	free(name);
	return host;
}

struct wa_shopsync *
wa_shopsync_new(const char *store, int what)
{
	struct wa_shopsync *s = wa_calloc(1, sizeof *s);
	const char *base = getenv("WA_SHOPIFY_URL");
	char *tok = wa_secret("SHOPIFY_TOKEN"), *h, *name;

	if ((s->store = storehost(store)) == NULL)
		wa_die(WA_EXIT_USAGE, "--shopify: '%s' is not a store such as "
		    "name or name.myshopify.com", store);
	if (tok == NULL)
		wa_die(WA_EXIT_USAGE, "set SHOPIFY_TOKEN or SHOPIFY_TOKEN_FILE to "
		    "the store's Admin API access token");
	if (base == NULL || *base == '\0')
		s->url = wa_strjoin("https://", "", s->store);
	else
		s->url = wa_strdup(base);
	h = wa_strjoin(s->url, "", "/admin/api/" API_VERSION "/graphql.json");
	free(s->url);
	s->url = h;
	s->f = wa_fetch_new();
	h = wa_strjoin("X-Shopify-Access-Token:", " ", tok);
	wa_secret_free(tok);
	wa_fetch_header(s->f, h);
	wa_secret_free(h);
	wa_fetch_header(s->f, "Content-Type: application/json");
	wa_fetch_want(s->f, "Retry-After");
	s->kind = what != WA_SHOP_CUSTOMERS ? "orders" : "customers";
	/* A customers run's orders move a cursor of their own, not -t orders'. */
	s->ckey = what == WA_SHOP_FOLD ? "orders_folded" : s->kind;
	s->first = what != WA_SHOP_CUSTOMERS ? 50 : 100;
	s->items = LINEITEMS;
	s->max = -1;
	name = wa_strjoin("shopify-", "", s->store);
	h = wa_strjoin(name, "", ".cursor");
	s->cpath = wa_strjoin(wa_home(), "/", h);
	free(name);
	free(h);
	return s;
}

/* The cursor of this kind: {"customers":{"since","after","seen"},"orders":{...},"orders_folded":{...}}. */
static void
cursor_read(struct wa_shopsync *s)
{
	json_error_t je;
	json_t *doc, *k;
	FILE *fp;

	if ((fp = wa_state_read(s->cpath)) == NULL) {
		if (errno != ENOENT)
			wa_die(WA_EXIT_FATAL, "%s:", s->cpath);
		return;
	}
	doc = json_loadf(fp, 0, &je);
	fclose(fp);
	if (doc == NULL)
		wa_die(WA_EXIT_FATAL, "%s:%d: %s", s->cpath, je.line, je.text);
	k = json_object_get(doc, s->ckey);
	wa_strset(&s->since, wa_json_str(k, "since"));
	wa_strset(&s->after, wa_json_str(k, "after"));
	wa_strset(&s->seen, wa_json_str(k, "seen"));
	json_decref(doc);
}

static void
cursor_write(struct wa_shopsync *s, const char *since, const char *after,
    const char *seen)
{
	json_t *doc = NULL, *k = json_object();
	char *tmp;
	FILE *fp;

	if ((fp = wa_state_read(s->cpath)) != NULL) {
		doc = json_loadf(fp, 0, NULL);
		fclose(fp);
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		doc = json_object();
	}
	wa_json_setstr(k, "since", since);
	wa_json_setstr(k, "after", after);
	wa_json_setstr(k, "seen", seen);
	json_object_set_new(doc, s->ckey, k);
	if ((fp = wa_rewrite_open(s->cpath, &tmp)) == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", s->cpath);
	if (json_dumpf(doc, fp, JSON_COMPACT) != 0 || fputc('\n', fp) == EOF ||
	    wa_rewrite_commit(fp, tmp, s->cpath) != 0)
		wa_die(WA_EXIT_FATAL, "%s:", s->cpath);
	json_decref(doc);
}

/* Sleep until the bucket holds the next query's cost, as the last answer's rate tells. */
static void
throttle(struct wa_shopsync *s)
{
	double have, need;
	struct timespec ts;

	if (s->max < 0 || s->rate <= 0 || s->cost <= 0)
		return;
	have = s->avail + (wa_mono() - s->at) * s->rate;
	if (have > s->max)
		have = s->max;
	if (have >= s->cost)
		return;
	/* A twentieth of a second more: the server's clock ran before our answer came. */
	need = (s->cost - have) / s->rate + 0.05;
	ts.tv_sec = (time_t)need;
	ts.tv_nsec = (long)((need - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Learn the bucket from an answer's extensions.cost. */
static void
learn(struct wa_shopsync *s, json_t *ans)
{
	json_t *c = json_object_get(json_object_get(ans, "extensions"), "cost");
	json_t *t = json_object_get(c, "throttleStatus");

	if (!json_is_object(t))
		return;
	s->max = json_number_value(json_object_get(t, "maximumAvailable"));
	s->avail = json_number_value(json_object_get(t, "currentlyAvailable"));
	s->rate = json_number_value(json_object_get(t, "restoreRate"));
	s->at = wa_mono();
	if (json_is_number(json_object_get(c, "requestedQueryCost")))
		s->cost = json_number_value(json_object_get(c, "requestedQueryCost"));
}

/* The code of the first error of ANS ("THROTTLED", "MAX_COST_EXCEEDED"), its message in *MSG. */
static const char *
errcode(json_t *ans, const char **msg)
{
	json_t *e = json_array_get(json_object_get(ans, "errors"), 0);
	const char *code = wa_json_str(e, "extensions.code");

	*msg = wa_json_str(e, "message");
	if (*msg == NULL)
		*msg = "an error without a message";
	return code ? code : "";
}

/* The pages out so far on disk, then the cursor past them (see COMMIT_EVERY). */
static void
commit(struct wa_shopsync *s)
{
	if (!s->dirty || s->cb->page(s->cb->arg, 1) != 0)
		return;
	cursor_write(s, s->since, s->after, s->seen);
	s->dirty = 0;
	s->committed = wa_mono();
}

/* Die of a failed answer, its text scrubbed of secrets; the pages out are kept. */
static void WA_NORETURN
refused(struct wa_shopsync *s, const char *what)
{
	char *clean = wa_scrub(what);
	long st = wa_fetch_status(s->f);

	commit(s);
	if (st == 401 || st == 403)
		wa_die(WA_EXIT_FATAL, "%s: HTTP %ld: the access token was refused "
		    "(SHOPIFY_TOKEN or SHOPIFY_TOKEN_FILE; the app needs read_customers "
		    "and read_orders)", s->store, st);
	wa_die(WA_EXIT_FATAL, "%s: %s", s->store, clean ? clean : what);
}

/* The same, for a reason inside the answer ANS, released first (the other JSON OBJ too). */
static void WA_NORETURN
refusedj(struct wa_shopsync *s, json_t *ans, json_t *obj, const char *what)
{
	char why[512];

	snprintf(why, sizeof why, "%s", what);
	json_decref(ans);
	json_decref(obj);
	refused(s, why);
}

/* POST the GraphQL request BODY; its answer, or death. THROTTLED is waited out. */
static json_t *
graphql(struct wa_shopsync *s, json_t *body)
{
	char *post = json_dumps(body, JSON_COMPACT);
	const char *text, *code, *msg;
	json_t *ans;
	int tries;
	size_t n;

	for (tries = 0;; tries++) {
		throttle(s);
		if (wa_fetch_do(s->f, s->url, post, strlen(post)) != 0 ||
		    wa_fetch_status(s->f) != 200) {
			free(post);
			refused(s, wa_fetch_err(s->f));
		}
		text = wa_fetch_body(s->f, &n);
		if ((ans = json_loadb(text, n, 0, NULL)) == NULL) {
			free(post);
			refused(s, "the answer is not JSON");
		}
		learn(s, ans);
		code = errcode(ans, &msg);
		if (strcmp(code, "THROTTLED") != 0 || tries == 20)
			break;
		json_decref(ans);
	}
	free(post);
	if (*code != '\0' || json_object_get(ans, "errors") != NULL) {
		if (strcmp(code, "MAX_COST_EXCEEDED") == 0)
			return ans;
		refusedj(s, ans, body, msg);
	}
	return ans;
}

/*
 * An order of more line items than a page reads with each: the rest, page
 * by page of the order's own lineItems connection, onto NODE's. The page's
 * cost, as last requested, is kept for the next page.
 */
static void
moreitems(struct wa_shopsync *s, json_t *node)
{
	json_t *li = json_object_get(node, "lineItems"), *q, *ans, *more;
	const char *id = wa_json_str(node, "id"), *msg;
	double cost = s->cost;
	char text[512];
	int first = 250;

	/* a query within half the bucket, as a page is (fit) */
	if (s->max > 0 && s->max / 2 - 2 < first)
		first = s->max / 2 - 2 < 1 ? 1 : (int)(s->max / 2 - 2);
	snprintf(text, sizeof text, "query($id: ID!, $after: String) { order(id: "
	    "$id) { lineItems(first: %d, after: $after) { edges { node { "
	    ITEMFIELDS_ " } } pageInfo { hasNextPage endCursor } } } }", first);

	while (id != NULL && json_is_true(json_object_get(json_object_get(li,
	    "pageInfo"), "hasNextPage"))) {
		q = json_pack("{s:s, s:{s:s, s:s?}}", "query", text, "variables",
		    "id", id, "after", wa_json_str(li, "pageInfo.endCursor"));
		s->cost = 2 + first;
		ans = graphql(s, q);
		json_decref(q);
		more = json_object_get(json_object_get(json_object_get(ans, "data"),
		    "order"), "lineItems");
		if (!json_is_object(more) || *errcode(ans, &msg) != '\0')
			refusedj(s, ans, NULL, "an order's line items could not be read");
		json_array_extend(json_object_get(li, "edges"),
		    json_object_get(more, "edges"));
		json_object_set(li, "pageInfo", json_object_get(more, "pageInfo"));
		json_decref(ans);
	}
	s->cost = cost;
	if ((int)json_array_size(json_object_get(li, "edges")) > s->most)
		s->most = (int)json_array_size(json_object_get(li, "edges"));
}

/* Map NODE, hand it to FN, and note how far the window went. */
static int
take(struct wa_shopsync *s, json_t *node, const struct wa_shopsync_cb *cb)
{
	struct wa_cust c, who;
	struct wa_order o = { 0 };
	const char *up = wa_json_str(node, "updatedAt");
	int perr = WA_PHONE_OK, rc;

	wa_cust_init(&c);
	memset(&who, 0, sizeof who);
	rc = *s->kind == 'o' ? wa_shop_order(node, cb->cc, &o, &who, &perr) :
	    wa_shop_cust(node, cb->cc, &c, &perr);
	if (rc < 0)
		wa_warn("%s: a %s node without an id; left out", s->store, s->kind);
	else if (*s->kind == 'o')
		cb->order(&o, &who, perr, cb->arg);
	else
		cb->cust(&c, perr, cb->arg);
	if (up != NULL && (s->seen == NULL || strcmp(up, s->seen) > 0))
		wa_strset(&s->seen, up);
	wa_cust_clear(&c);
	wa_cust_clear(&who);
	wa_order_clear(&o);
	return rc < 0 ? 0 : 1;
}

/* The fields of a node of this kind, line items as a connection for a page or not for bulk. */
static void
fields(struct wa_shopsync *s, struct wa_buf *q, int bulk)
{
	char li[64];

	if (*s->kind != 'o') {
		wa_buf_adds(q, CUSTFIELDS);
		return;
	}
	wa_buf_adds(q, ORDERFIELDS);
	snprintf(li, sizeof li, " lineItems(first: %d) { edges { node { ", s->items);
	wa_buf_adds(q, bulk ? " lineItems { edges { node { " : li);
	wa_buf_adds(q, ITEMFIELDS);
	wa_buf_adds(q, bulk ? " } } }" : " } } pageInfo { hasNextPage endCursor } }");
}

static json_t *
pagequery(struct wa_shopsync *s)
{
	struct wa_buf q = { 0 };
	char filt[96];
	json_t *j;

	wa_buf_adds(&q, "query($first: Int!, $after: String, $query: String) { ");
	wa_buf_adds(&q, s->kind);
	wa_buf_adds(&q, "(first: $first, after: $after, query: $query, "
	    "sortKey: UPDATED_AT) { edges { node { ");
	fields(s, &q, 0);
	wa_buf_adds(&q, " } } pageInfo { hasNextPage endCursor } } }");
	snprintf(filt, sizeof filt, "updated_at:>'%s'", s->since ? s->since : "");
	j = json_pack("{s:s, s:{s:i, s:s?, s:s?}}", "query", wa_buf_str(&q),
	    "variables", "first", s->first, "after", s->after, "query",
	    s->since ? filt : NULL);
	wa_buf_free(&q);
	return j;
}

/* Records a page: half the bucket, or Shopify's limit on a query, at this query's cost a record. */
static void
fit(struct wa_shopsync *s, double cost)
{
	double per = cost > 2 ? (cost - 2) / s->first : 1, target;

	if (s->max <= 0)
		return;
	target = s->max / 2 < MAXCOST ? s->max / 2 : MAXCOST;
	s->first = (int)((target - 2) / per);
	if (s->first > 250)
		s->first = 250;
	if (s->first < 1)
		s->first = 1;
	s->cost = 2 + per * s->first;
}

/*
 * The line items the next page asks of each order (see LINEITEMS). More
 * than this page's make it fewer records: the cost of a record, learnt with
 * fewer items, is taken as all items', never less than it will be.
 */
static void
relimit(struct wa_shopsync *s)
{
	int k = s->most < 1 ? 1 : s->most < LINEITEMS ? s->most : LINEITEMS;

	if (k > s->items) {
		s->first = s->first * s->items / k;
		if (s->first < 1)
			s->first = 1;
	}
	s->items = k;
}

/* Page through the window; the number of records handed out. */
static long
pages(struct wa_shopsync *s, const struct wa_shopsync_cb *cb)
{
	json_t *q, *ans, *conn, *edge, *info;
	const char *code, *msg;
	long n = 0;
	size_t i;

	for (;;) {
		q = pagequery(s);
		ans = graphql(s, q);
		json_decref(q);
		code = errcode(ans, &msg);
		if (strcmp(code, "MAX_COST_EXCEEDED") == 0) {
			if (s->first == 1)
				refusedj(s, ans, NULL, msg);
			s->first /= 2;
			s->cost = 0;
			json_decref(ans);
			continue;
		}
		conn = json_object_get(json_object_get(ans, "data"), s->kind);
		/* all of the page's items first: a failure then puts out none of it */
		json_array_foreach(json_object_get(conn, "edges"), i, edge)
			if (*s->kind == 'o')
				moreitems(s, json_object_get(edge, "node"));
		json_array_foreach(json_object_get(conn, "edges"), i, edge)
			n += take(s, json_object_get(edge, "node"), cb);
		info = json_object_get(conn, "pageInfo");
		wa_strset(&s->after, wa_json_str(info, "endCursor"));
		if (!s->forced && cb->page != NULL && cb->page(cb->arg, 0) == 0) {
			s->dirty = 1;
			if (wa_mono() - s->committed >= COMMIT_EVERY)
				commit(s);
		}
		if (s->cost > 0)
			fit(s, s->cost);
		relimit(s);
		if (!json_is_true(json_object_get(info, "hasNextPage"))) {
			json_decref(ans);
			return n;
		}
		json_decref(ans);
	}
}

static void
sleepfor(double sec)
{
	struct timespec ts = { (time_t)sec, (long)((sec - (time_t)sec) * 1e9) };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Start a bulk query of the window; its operation's id. */
static char *
bulkstart(struct wa_shopsync *s)
{
	struct wa_buf q = { 0 };
	json_t *req, *ans, *p, *ue;
	char *id;

	wa_buf_adds(&q, "{ ");
	wa_buf_adds(&q, s->kind);
	if (s->since != NULL) {
		wa_buf_adds(&q, "(query: \"updated_at:>'");
		wa_buf_adds(&q, s->since);
		wa_buf_adds(&q, "'\")");
	}
	wa_buf_adds(&q, " { edges { node { ");
	fields(s, &q, 1);
	wa_buf_adds(&q, " } } } }");
	req = json_pack("{s:s, s:{s:s}}", "query", "mutation bulkOperationRunQuery("
	    "$query: String!) { bulkOperationRunQuery(query: $query) { bulkOperation "
	    "{ id status } userErrors { field message } } }", "variables", "query",
	    wa_buf_str(&q));
	wa_buf_free(&q);
	ans = graphql(s, req);
	json_decref(req);
	p = json_object_get(json_object_get(ans, "data"), "bulkOperationRunQuery");
	ue = json_array_get(json_object_get(p, "userErrors"), 0);
	if (ue != NULL)
		refusedj(s, ans, NULL, wa_json_str(ue, "message") ?
		    wa_json_str(ue, "message") : "the bulk operation was refused");
	if ((id = wa_strdup0(wa_json_str(p, "bulkOperation.id"))) == NULL)
		refusedj(s, ans, NULL, "no bulk operation was started");
	json_decref(ans);
	return id;
}

/* Poll the bulk operation ID until it ends; the URL of its JSONL (NULL: no records). */
static char *
bulkwait(struct wa_shopsync *s, const char *id)
{
	json_t *req = json_pack("{s:s}", "query", "query { currentBulkOperation "
	    "{ id status errorCode objectCount url partialDataUrl } }"), *ans, *op;
	const char *st;
	double wait = 0.25;
	char *url, why[256];

	for (;;) {
		sleepfor(wait);
		wait = wait * 2 < 5 ? wait * 2 : 5;
		ans = graphql(s, req);
		op = json_object_get(json_object_get(ans, "data"), "currentBulkOperation");
		st = wa_json_str(op, "status");
		if (st == NULL || wa_json_str(op, "id") == NULL ||
		    strcmp(wa_json_str(op, "id"), id) != 0)
			refusedj(s, ans, req, "another bulk operation took the place of ours");
		if (strcmp(st, "COMPLETED") == 0)
			break;
		if (strcmp(st, "CREATED") != 0 && strcmp(st, "RUNNING") != 0) {
			snprintf(why, sizeof why, "the bulk operation ended %s (%s)",
			    st, wa_json_str(op, "errorCode") ?
			    wa_json_str(op, "errorCode") : "no error code");
			refusedj(s, ans, req, why);
		}
		json_decref(ans);
	}
	url = wa_strdup0(wa_json_str(op, "url"));
	json_decref(ans);
	json_decref(req);
	return url;
}

/* What a record of the bulk file goes through: take, as a page's record. */
struct bulkarg {
	struct wa_shopsync *s;
	const struct wa_shopsync_cb *cb;
};

static long
bulktake(json_t *rec, void *arg)
{
	struct bulkarg *b = arg;

	return take(b->s, rec, b->cb);
}

long
wa_shopsync_run(struct wa_shopsync *s, const char *since, int bulk,
    const struct wa_shopsync_cb *cb)
{
	struct bulkarg b = { s, cb };
	char *id, *url;
	long n;

	cursor_read(s);
	s->cb = cb;
	s->committed = wa_mono();
	free(s->stored);
	s->stored = wa_strdup0(s->since);
	if (since != NULL || bulk) {
		/* A window of its own: no page cursor to resume from. */
		s->forced = since != NULL;
		wa_strset(&s->since, since);
		wa_strset(&s->after, NULL);
		wa_strset(&s->seen, NULL);
	}
	if (!bulk)
		return pages(s, cb);
	id = bulkstart(s);
	url = bulkwait(s, id);
	n = url != NULL ? wa_shopbulk_read(s->store, url, *s->kind == 'o', bulktake,
	    &b) : 0;
	free(id);
	free(url);
	return n;
}

void
wa_shopsync_done(struct wa_shopsync *s)
{
	const char *to = s->seen;

	/* --since an older day never takes the cursor back. */
	if (to == NULL || (s->stored != NULL && strcmp(s->stored, to) > 0))
		to = s->stored;
	if (to != NULL)
		cursor_write(s, to, NULL, NULL);
}

void
wa_shopsync_free(struct wa_shopsync *s)
{
	if (s == NULL)
		return;
	wa_fetch_free(s->f);
	free(s->store);
	free(s->url);
	free(s->cpath);
	free(s->since);
	free(s->after);
	free(s->seen);
	free(s->stored);
	free(s);
}
