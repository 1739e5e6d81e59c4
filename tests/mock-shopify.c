/* mock-shopify: a mock Shopify Admin GraphQL API for wa-import --shopify, its tests and its bench. */

/*
 * POST /admin/api/2024-10/graphql.json answers, from customers and orders
 * kept in memory:
 *   - a connection page, customers(...) or orders(first: $first, after:
 *     $after, query: $query, sortKey: UPDATED_AT), filtered by query
 *     "updated_at:>'TIME'", sorted by updatedAt then id; a cursor names the
 *     last record's sort key, as Shopify's do, so a record changed while
 *     the pages are read is not skipped; an order's line items are a
 *     connection of lineItems(first: N), the rest read by
 *   - order(id: $id) { lineItems(first: N, after: $after) },
 *   - bulkOperationRunQuery (the inner query's connection and filter), then
 *     currentBulkOperation, RUNNING for --bulk-polls polls, then COMPLETED
 *     with the URL of its JSONL (GET /bulk/N.jsonl, written as it is sent:
 *     parents, each followed by its children with __parentId, or every
 *     child first with --bulk-shuffle, as groupObjects: false allows).
 * Each query is charged from a leaky bucket (-b points, refilled at -r a
 * second): requested 2 + first x (2 per customer, 2 + lineItems' first per
 * order), actual what the page held (--no-refund: the requested), reported
 * in extensions.cost.throttleStatus; THROTTLED when the bucket cannot pay,
 * MAX_COST_EXCEEDED over min(1000, -b).
 *
 * The token expected is $SHOPIFY_TOKEN or $SHOPIFY_TOKEN_FILE's, never an
 * option; another gets Shopify's 401. Faults: --fail N:STATUS answers
 * request N so (429 with Retry-After), --crash-at N exits at request N,
 * --echo-token answers every query with an error that quotes the token
 * sent, --start-empty starts with an empty bucket.
 *
 * Records: -c and -O, JSON lines of GraphQL nodes (an order's lineItems a
 * plain list of line item nodes), or -g N orders made up from their
 * number (1 to 3 line items, 5,000 buyers), the same on every run.
 * Every request is logged to -o as a JSON line: n, op, first, after,
 * query, id, available (before), cost, throttled, status, error, token
 * (was the right one sent). Prints 'listening on ADDR:PORT' when ready.
 */
#include <ctype.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "wa.h"
#include "hook.h"

#define PATH "/admin/api/2024-10/graphql.json"
#define MAXBODY (1 << 20)

/* A record: its sort key, its JSON without lineItems, and its line items. */
struct node {
	char *id, *up;		/* up: updatedAt, "+00:00" written "Z" */
	char *head;		/* the node's JSON without its last '}'; NULL: made up (gen) */
	char **items;		/* line items' JSON; NULL for a made-up order */
	size_t nitems;
	long gen;		/* the made-up order's number */
};

struct kind {
	const char *name;
	struct node *v;
	size_t n;
};

static struct kind kinds[2] = { { "customers", NULL, 0 }, { "orders", NULL, 0 } };
static char *token;
static double bmax = 1000, rate = 50, avail, at = -1;
static long nreq, crash_at, bulk_polls = 2, ngen;
static int no_refund, echo_token, shuffle;
static FILE *logfp;
static unsigned port;
static struct { long at; int status; } *fails;
static size_t nfails;

/* The bulk operation: its kind, where its records start, how often polled. */
static struct {
	long id;
	struct kind *k;
	size_t start;
	long polls;
	size_t lines;
} bulk;

struct req {
	struct wa_buf body;
};

/* --- the made-up orders, as scripts/bench made them once (sync_files) --- */

static void
gen_time(long i, char *t, size_t n)
{
	snprintf(t, n, "2026-%02d-%02dT%02ld:%02ld:%02ldZ",
	    1 + (int)((double)i / ((double)ngen / 11 + 1)) % 100, (int)(1 + i % 28),
	    i % 24, i % 60, (i / 7) % 60);
}

static size_t
gen_nitems(const struct node *nd)
{
	return nd->items ? nd->nitems : (size_t)(nd->gen % 3 + 1);
}

static void
item_json(const struct node *nd, size_t k, struct wa_buf *b)
{
	char s[400];
	long i = nd->gen;

	if (nd->items) {
		wa_buf_adds(b, nd->items[k]);
		return;
	}
	snprintf(s, sizeof s, "{\"name\":\"Product %ld\",\"sku\":\"SKU-%ld\","
	    "\"vendor\":\"Acme\",\"quantity\":%zu,\"originalUnitPriceSet\":"
	    "{\"shopMoney\":{\"amount\":\"%zu.50\",\"currencyCode\":\"EUR\"}}}",
	    (i + (long)k) % 400, (i + (long)k) % 400, 1 + k, 5 + k);
	wa_buf_adds(b, s);
}

static void
head_json(const struct node *nd, struct wa_buf *b)
{
	char s[1400], t[48];
	long i = nd->gen, c = i % 5000;

	if (nd->head) {
		wa_buf_adds(b, nd->head);
		return;
	}
	gen_time(i, t, sizeof t);
	snprintf(s, sizeof s, "{\"id\":\"gid://shopify/Order/%ld\",\"name\":\"#%ld\","
	    "\"email\":\"c%ld@example.com\",\"phone\":null,\"createdAt\":\"%s\","
	    "\"updatedAt\":\"%s\",\"processedAt\":\"%s\",\"cancelledAt\":null,"
	    "\"displayFinancialStatus\":\"PAID\",\"displayFulfillmentStatus\":"
	    "\"FULFILLED\",\"currencyCode\":\"EUR\",\"tags\":[],\"discountCodes\":[],"
	    "\"totalPriceSet\":{\"shopMoney\":{\"amount\":\"%ld.90\",\"currencyCode\":"
	    "\"EUR\"}},\"totalRefundedSet\":{\"shopMoney\":{\"amount\":\"0.0\","
	    "\"currencyCode\":\"EUR\"}},\"fulfillments\":[],\"customer\":{\"id\":"
	    "\"gid://shopify/Customer/%ld\",\"email\":\"c%ld@example.com\",\"phone\":"
	    "\"+4915123%06ld\",\"firstName\":\"F%ld\",\"lastName\":\"L%ld\"},"
	    "\"billingAddress\":{\"countryCodeV2\":\"DE\",\"province\":null,\"city\":"
	    "\"Berlin\",\"phone\":null},\"shippingAddress\":null",
	    1000000 + i, 1000 + i, c, t, t, t, 10 + i % 90, c, c, c, c, c);
	wa_buf_adds(b, s);
}

static void
generate(long n)
{
	struct kind *k = &kinds[1];
	char t[48], id[64];

	ngen = n;
	k->v = wa_calloc((size_t)n, sizeof *k->v);
	for (long i = 1; i <= n; i++) {
		gen_time(i, t, sizeof t);
		snprintf(id, sizeof id, "gid://shopify/Order/%ld", 1000000 + i);
		k->v[k->n].id = wa_strdup(id);
		k->v[k->n].up = wa_strdup(t);
		k->v[k->n++].gen = i;
	}
}

/* --- records from JSON lines --- */

static char *
normtime(const char *t)
{
	struct wa_buf b = { 0 };
	const char *p;

	while ((p = strstr(t, "+00:00")) != NULL) {
		wa_buf_add(&b, t, (size_t)(p - t));
		wa_buf_addc(&b, 'Z');
		t = p + 6;
	}
	wa_buf_adds(&b, t);
	p = wa_strdup(wa_buf_str(&b));
	wa_buf_free(&b);
	return (char *)p;
}

static void
loadnode(struct kind *k, json_t *j, const char *path, long line)
{
	struct node *nd;
	json_t *li = json_incref(json_object_get(j, "lineItems")), *it;
	char *s;
	size_t i;

	if (!json_is_string(json_object_get(j, "id")))
		wa_die(WA_EXIT_USAGE, "%s:%ld: a node without an id", path, line);
	json_object_del(j, "lineItems");
	k->v = wa_realloc(k->v, (k->n + 1) * sizeof *k->v);
	nd = &k->v[k->n++];
	memset(nd, 0, sizeof *nd);
	nd->id = wa_strdup(json_string_value(json_object_get(j, "id")));
	nd->up = normtime(wa_json_str(j, "updatedAt") ? wa_json_str(j, "updatedAt") : "");
	s = json_dumps(j, JSON_COMPACT);
	s[strlen(s) - 1] = '\0';
	nd->head = s;
	nd->items = wa_calloc(json_array_size(li) + 1, sizeof *nd->items);
	json_array_foreach(li, i, it)
		nd->items[nd->nitems++] = json_dumps(it, JSON_COMPACT);
	json_decref(li);
}

static int
bykey(const void *a, const void *b)
{
	const struct node *x = a, *y = b;
	int c = strcmp(x->up, y->up);

	return c ? c : strcmp(x->id, y->id);
}

static void
load(struct kind *k, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	long n = 0;
	json_t *j;

	if (fp == NULL)
		wa_die(WA_EXIT_USAGE, "%s:", path);
	while (getline(&line, &cap, fp) != -1) {
		n++;
		if (strspn(line, " \t\r\n") == strlen(line))
			continue;
		if ((j = json_loads(line, 0, NULL)) == NULL)
			wa_die(WA_EXIT_USAGE, "%s:%ld: not JSON", path, n);
		loadnode(k, j, path, n);
		json_decref(j);
	}
	free(line);
	fclose(fp);
}

/* --- the query --- */

/* Does WORD( or WORD { start somewhere in Q, not inside another word? */
static int
field(const char *q, const char *word)
{
	size_t n = strlen(word);
	const char *p, *r;

	for (p = q; (p = strstr(p, word)) != NULL; p += n) {
		if (p > q && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
			continue;
		for (r = p + n; *r == ' ' || *r == '\t' || *r == '\n'; r++)
			;
		if (*r == '(' || *r == '{')
			return 1;
	}
	return 0;
}

static struct kind *
connection(const char *q)
{
	if (field(q, "customers"))
		return &kinds[0];
	if (field(q, "orders"))
		return &kinds[1];
	return NULL;
}

static size_t
linefirst(const char *q)
{
	const char *p = strstr(q, "lineItems(first:");

	if (p == NULL && (p = strstr(q, "lineItems (first:")) == NULL)
		return 0;
	return (size_t)strtoul(strchr(p, ':') + 1, NULL, 10);
}

/* The first record of K after KEY (UP, ID), as Python's bisect_right. */
static size_t
after(const struct kind *k, const char *up, const char *id)
{
	size_t lo = 0, hi = k->n, mid;
	struct node key = { .up = (char *)up, .id = (char *)id };

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (bykey(&key, &k->v[mid]) < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The first record updated after the query Q's updated_at:>'TIME'. */
static size_t
since(const struct kind *k, const char *q)
{
	const char *p = q ? strstr(q, "updated_at:>'") : NULL, *e;
	char *t, *nt;
	size_t i;

	if (p == NULL)
		t = wa_strdup("");
	else {
		p += 13;
		e = strchr(p, '\'');
		t = wa_strndup(p, e ? (size_t)(e - p) : strlen(p));
	}
	nt = normtime(t);
	i = after(k, nt, "\xef\xbf\xbf");
	free(t);
	free(nt);
	return i;
}

static size_t
nodecost(const struct kind *k, const struct node *nd, size_t lif)
{
	size_t n;

	if (k == &kinds[0])
		return 2;
	n = nd ? gen_nitems(nd) : lif;
	return 2 + (n < lif ? n : lif);
}

/* The node ND as a page gives it: its first LIF line items a connection. */
static void
pagenode(const struct kind *k, const struct node *nd, size_t lif, struct wa_buf *b)
{
	size_t n = gen_nitems(nd), i;
	char s[96];

	head_json(nd, b);
	if (k == &kinds[1]) {
		if (b->s[b->len - 1] != '{')
			wa_buf_addc(b, ',');
		wa_buf_adds(b, "\"lineItems\":{\"edges\":[");
		for (i = 0; i < n && i < lif; i++) {
			wa_buf_adds(b, i ? ",{\"node\":" : "{\"node\":");
			item_json(nd, i, b);
			wa_buf_addc(b, '}');
		}
		snprintf(s, sizeof s, "],\"pageInfo\":{\"hasNextPage\":%s,"
		    "\"endCursor\":\"li:%zu\"}}", n > lif ? "true" : "false", i);
		wa_buf_adds(b, s);
	}
	wa_buf_addc(b, '}');
}

static void
addstr(struct wa_buf *b, const char *s)
{
	json_t *j = json_string(s);
	char *t = json_dumps(j, JSON_ENCODE_ANY);

	wa_buf_adds(b, t);
	free(t);
	json_decref(j);
}

/* A page of K: DATA's JSON into B; the costs; an error message or NULL. */
static const char *
page(struct kind *k, const char *q, json_t *v, struct wa_buf *b, long *req,
    long *act)
{
	long first = (long)json_integer_value(json_object_get(v, "first"));
	const char *aft = json_string_value(json_object_get(v, "after"));
	size_t lif = linefirst(q), start, i, end;
	char *up, *bar, num[64];

	if (first < 1 || first > 250)
		return "first must be between 1 and 250";
	start = since(k, json_string_value(json_object_get(v, "query")));
	if (aft != NULL && *aft != '\0') {
		if (strncmp(aft, "cur:", 4) != 0 || (bar = strchr(aft, '|')) == NULL)
			return "Invalid cursor";
		up = wa_strndup(aft + 4, (size_t)(bar - aft - 4));
		i = after(k, up, bar + 1);
		free(up);
		if (i > start)
			start = i;
	}
	end = start + (size_t)first < k->n ? start + (size_t)first : k->n;
	*req = 2 + first * (long)nodecost(k, NULL, lif);
	*act = 2;
	wa_buf_adds(b, "{\"");
	wa_buf_adds(b, k->name);
	wa_buf_adds(b, "\":{\"edges\":[");
	for (i = start; i < end; i++) {
		wa_buf_adds(b, i > start ? ",{\"cursor\":" : "{\"cursor\":");
		up = wa_strjoin(k->v[i].up, "|", k->v[i].id);
		bar = wa_strjoin("cur", ":", up);
		addstr(b, bar);
		free(up);
		free(bar);
		wa_buf_adds(b, ",\"node\":");
		pagenode(k, &k->v[i], lif, b);
		wa_buf_addc(b, '}');
		*act += (long)nodecost(k, &k->v[i], lif);
	}
	snprintf(num, sizeof num, "],\"pageInfo\":{\"hasNextPage\":%s,\"endCursor\":",
	    end < k->n ? "true" : "false");
	wa_buf_adds(b, num);
	if (end > start) {
		up = wa_strjoin(k->v[end - 1].up, "|", k->v[end - 1].id);
		bar = wa_strjoin("cur", ":", up);
		addstr(b, bar);
		free(up);
		free(bar);
	} else
		wa_buf_adds(b, "null");
	wa_buf_adds(b, "}}}");
	if (no_refund)
		*act = *req;
	return NULL;
}

/* order(id:) { lineItems(first:, after:) }: the rest of an order's items. */
static const char *
orderitems(const char *q, json_t *v, struct wa_buf *b, long *req, long *act)
{
	const char *id = json_string_value(json_object_get(v, "id"));
	const char *aft = json_string_value(json_object_get(v, "after"));
	struct kind *k = &kinds[1];
	struct node *nd = NULL;
	size_t lif = linefirst(q), from, i, n;
	char s[96];

	for (i = 0; id != NULL && i < k->n && nd == NULL; i++)
		if (strcmp(k->v[i].id, id) == 0)
			nd = &k->v[i];
	if (nd == NULL) {
		wa_buf_adds(b, "{\"order\":null}");
		*req = *act = 1;
		return NULL;
	}
	if (aft == NULL)
		aft = "li:0";
	if (strncmp(aft, "li:", 3) != 0)
		return "Invalid cursor";
	from = (size_t)strtoul(aft + 3, NULL, 10);
	n = gen_nitems(nd);
	wa_buf_adds(b, "{\"order\":{\"lineItems\":{\"edges\":[");
	for (i = from; i < n && i < from + lif; i++) {
		wa_buf_adds(b, i > from ? ",{\"node\":" : "{\"node\":");
		item_json(nd, i, b);
		wa_buf_addc(b, '}');
	}
	snprintf(s, sizeof s, "],\"pageInfo\":{\"hasNextPage\":%s,\"endCursor\":"
	    "\"li:%zu\"}}}}", from + lif < n ? "true" : "false", i);
	wa_buf_adds(b, s);
	*req = 2 + (long)lif;
	*act = 2 + (long)(i - from);
	return NULL;
}

static void
bulkop(const char *q, json_t *v, struct wa_buf *b)
{
	const char *inner = json_string_value(json_object_get(v, "query"));
	char s[512];
	int done;

	if (strstr(q, "bulkOperationRunQuery") != NULL) {
		bulk.id = nreq;
		bulk.k = connection(inner ? inner : "");
		bulk.polls = 0;
		bulk.start = bulk.k ? since(bulk.k, inner) : 0;
		bulk.lines = 0;
		for (size_t i = bulk.start; bulk.k && i < bulk.k->n; i++)
			bulk.lines += 1 + (bulk.k == &kinds[1] ?
			    gen_nitems(&bulk.k->v[i]) : 0);
		snprintf(s, sizeof s, "{\"bulkOperationRunQuery\":{\"bulkOperation\":"
		    "{\"id\":\"gid://shopify/BulkOperation/%ld\",\"status\":\"CREATED\"},"
		    "\"userErrors\":[]}}", bulk.id);
		wa_buf_adds(b, s);
		return;
	}
	if (bulk.id == 0) {
		wa_buf_adds(b, "{\"currentBulkOperation\":null}");
		return;
	}
	done = ++bulk.polls > bulk_polls;
	snprintf(s, sizeof s, "{\"currentBulkOperation\":{\"id\":"
	    "\"gid://shopify/BulkOperation/%ld\",\"status\":\"%s\",\"errorCode\":null,"
	    "\"objectCount\":\"%zu\",\"url\":", bulk.id, done ? "COMPLETED" : "RUNNING",
	    bulk.lines);
	wa_buf_adds(b, s);
	if (done && bulk.lines > 0)
		snprintf(s, sizeof s, "\"http://127.0.0.1:%u/bulk/%ld.jsonl\"", port,
		    bulk.id);
	else
		snprintf(s, sizeof s, "null");
	wa_buf_adds(b, s);
	wa_buf_adds(b, ",\"partialDataUrl\":null}}");
}

/* --- the bulk operation's JSONL, made as it is sent --- */

struct stream {
	size_t i, k;		/* the record, its next line item (0: the record itself) */
	int pass;		/* --bulk-shuffle: 0 children, 1 parents */
	struct wa_buf line;
	size_t off;
};

/* The next line of the file into S->line; 0 at the end. */
static int
nextline(struct stream *s)
{
	struct kind *k = bulk.k;
	struct node *nd;

	wa_buf_reset(&s->line);
	s->off = 0;
	for (; s->i < k->n; s->i++, s->k = 0) {
		nd = &k->v[s->i];
		if (s->k == 0 && (!shuffle || s->pass == 1)) {
			head_json(nd, &s->line);
			wa_buf_adds(&s->line, "}\n");
			s->k = 1;
			return 1;
		}
		if (s->k == 0)
			s->k = 1;
		if ((!shuffle || s->pass == 0) && k == &kinds[1] &&
		    s->k <= gen_nitems(nd)) {
			item_json(nd, s->k - 1, &s->line);
			s->line.len--;		/* its '}' */
			wa_buf_adds(&s->line, ",\"__parentId\":");
			addstr(&s->line, nd->id);
			wa_buf_adds(&s->line, "}\n");
			s->k++;
			return 1;
		}
	}
	if (shuffle && s->pass == 0) {
		s->pass = 1;
		s->i = bulk.start;
		s->k = 0;
		return nextline(s);
	}
	return 0;
}

static ssize_t
reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	size_t n = 0, m;

	(void)pos;
	while (n < max) {
		if (s->off == s->line.len && !nextline(s))
			break;
		m = s->line.len - s->off < max - n ? s->line.len - s->off : max - n;
		memcpy(buf + n, s->line.s + s->off, m);
		s->off += m;
		n += m;
	}
	return n > 0 ? (ssize_t)n : MHD_CONTENT_READER_END_OF_STREAM;
}

static void
streamfree(void *cls)
{
	struct stream *s = cls;

	wa_buf_free(&s->line);
	free(s);
}

/* --- answers --- */

static void
note(json_t *rec)
{
	if (logfp == NULL) {
		json_decref(rec);
		return;
	}
	json_dumpf(rec, logfp, JSON_COMPACT);
	fputc('\n', logfp);
	fflush(logfp);
	json_decref(rec);
}

static enum MHD_Result
reply(struct MHD_Connection *c, int status, const char *body, const char *retry)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body),
	    (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	MHD_add_response_header(r, "Content-Type", "application/json");
	if (retry)
		MHD_add_response_header(r, "Retry-After", retry);
	ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

static void
refill(void)
{
	double now = wa_mono();

	if (at < 0)
		at = now;	/* --start-empty: empty at the first query */
	avail += (now - at) * rate;
	if (avail > bmax)
		avail = bmax;
	at = now;
}

static enum MHD_Result
download(struct MHD_Connection *c, const char *url)
{
	struct MHD_Response *r;
	struct stream *s;
	enum MHD_Result ret;
	json_t *rec;

	rec = json_pack("{s:I, s:s, s:b}", "n", (json_int_t)++nreq, "op",
	    "download", "token", MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-Shopify-Access-Token") != NULL);
	note(rec);
	if (strncmp(url, "/bulk/", 6) != 0 || bulk.id == 0 || bulk.k == NULL)
		return reply(c, 404, "{\"errors\":\"Not Found\"}", NULL);
	s = wa_calloc(1, sizeof *s);
	s->i = bulk.start;
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, reader,
	    s, streamfree);
	MHD_add_response_header(r, "Content-Type", "application/jsonl");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* Before the query is read: a crash, a failure asked for, the path, the token. */
static int
gate(struct MHD_Connection *c, const char *url, json_t *rec, enum MHD_Result *ret)
{
	const char *tok = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-Shopify-Access-Token");
	char msg[512];

	if (nreq == crash_at) {
		json_object_set_new(rec, "op", json_string("crash"));
		note(rec);
		_exit(1);
	}
	for (size_t i = 0; i < nfails; i++)
		if (fails[i].at == nreq) {
			json_object_set_new(rec, "op", json_string("fail"));
			json_object_set_new(rec, "status", json_integer(fails[i].status));
			note(rec);
			snprintf(msg, sizeof msg, "{\"errors\":\"injected %d\"}",
			    fails[i].status);
			*ret = reply(c, fails[i].status, msg,
			    fails[i].status == 429 ? "0.1" : NULL);
			return 0;
		}
	if (strcmp(url, PATH) != 0) {
		json_object_set_new(rec, "op", json_string("bad-path"));
		json_object_set_new(rec, "path", json_string(url));
		json_object_set_new(rec, "status", json_integer(404));
		note(rec);
		*ret = reply(c, 404, "{\"errors\":\"Not Found\"}", NULL);
		return 0;
	}
	json_object_set_new(rec, "token", json_boolean(tok && strcmp(tok, token) == 0));
	if (echo_token) {
		json_t *e = json_pack("{s:[{s:s+}]}", "errors", "message",
		    "Access denied for token ", tok ? tok : "None");
		char *t = json_dumps(e, JSON_COMPACT);

		json_object_set_new(rec, "op", json_string("echo"));
		json_object_set_new(rec, "status", json_integer(200));
		note(rec);
		*ret = reply(c, 200, t, NULL);
		free(t);
		json_decref(e);
		return 0;
	}
	if (tok == NULL || strcmp(tok, token) != 0) {
		json_object_set_new(rec, "op", json_string("auth"));
		json_object_set_new(rec, "status", json_integer(401));
		note(rec);
		*ret = reply(c, 401, "{\"errors\":\"[API] Invalid API key or access "
		    "token (unrecognized login or wrong password)\"}", NULL);
		return 0;
	}
	return 1;
}

/* The query Q with variables V: its data into B, its op and fields into REC. */
static const char *
query(const char *q, json_t *v, json_t *rec, struct wa_buf *b, long *req, long *act)
{
	struct kind *k;

	if (strstr(q, "bulkOperationRunQuery") || strstr(q, "currentBulkOperation")) {
		json_object_set_new(rec, "op", json_string("bulk"));
		bulkop(q, v, b);
		*req = *act = 10;
		return NULL;
	}
	if (field(q, "order")) {
		json_object_set_new(rec, "op", json_string("order"));
		json_object_set(rec, "id", json_object_get(v, "id") ?
		    json_object_get(v, "id") : json_null());
		json_object_set(rec, "after", json_object_get(v, "after") ?
		    json_object_get(v, "after") : json_null());
		return orderitems(q, v, b, req, act);
	}
	k = connection(q);
	json_object_set_new(rec, "op", k ? json_string(k->name) : json_null());
	json_object_set(rec, "first", json_object_get(v, "first") ?
	    json_object_get(v, "first") : json_null());
	json_object_set(rec, "after", json_object_get(v, "after") ?
	    json_object_get(v, "after") : json_null());
	json_object_set(rec, "query", json_object_get(v, "query") ?
	    json_object_get(v, "query") : json_null());
	if (k == NULL) {
		*req = *act = 1;
		return "unknown field";
	}
	return page(k, q, v, b, req, act);
}

/* Charge the query and answer: its data, or why not (cost, throttle, an error). */
static enum MHD_Result
answer(struct MHD_Connection *c, json_t *rec, const char *err, struct wa_buf *data,
    long req, long act)
{
	double lim = bmax < 1000 ? bmax : 1000;
	struct wa_buf b = { 0 };
	enum MHD_Result ret;
	char s[600];
	int thr;

	json_object_set_new(rec, "available", json_real((double)(long)(avail * 100 + 0.5) / 100));
	json_object_set_new(rec, "cost", json_integer(req));
	json_object_set_new(rec, "status", json_integer(200));
	if (err == NULL && req > lim) {
		json_object_set_new(rec, "error", json_string("MAX_COST_EXCEEDED"));
		note(rec);
		snprintf(s, sizeof s, "{\"errors\":[{\"message\":\"Query cost is %ld, "
		    "which exceeds the single query max cost limit (%ld).\",\"extensions\":"
		    "{\"code\":\"MAX_COST_EXCEEDED\",\"cost\":%ld,\"maxCost\":%ld}}]}",
		    req, (long)lim, req, (long)lim);
		return reply(c, 200, s, NULL);
	}
	if (err != NULL) {
		json_object_set_new(rec, "error", json_string(err));
		note(rec);
		snprintf(s, sizeof s, "{\"errors\":[{\"message\":\"%s\"}]}", err);
		return reply(c, 200, s, NULL);
	}
	thr = avail < (double)req;
	if (!thr)
		avail -= (double)act;
	json_object_set_new(rec, "throttled", json_boolean(thr));
	note(rec);
	wa_buf_adds(&b, thr ? "{\"errors\":[{\"message\":\"Throttled\",\"extensions\":"
	    "{\"code\":\"THROTTLED\"}}]," : "{\"data\":");
	if (!thr) {
		wa_buf_add(&b, data->s, data->len);
		wa_buf_addc(&b, ',');
	}
	snprintf(s, sizeof s, "\"extensions\":{\"cost\":{\"requestedQueryCost\":%ld,",
	    req);
	wa_buf_adds(&b, s);
	if (!thr) {
		snprintf(s, sizeof s, "\"actualQueryCost\":%ld,", act);
		wa_buf_adds(&b, s);
	}
	snprintf(s, sizeof s, "\"throttleStatus\":{\"maximumAvailable\":%.1f,"
	    "\"currentlyAvailable\":%ld,\"restoreRate\":%.1f}}}}", bmax, (long)avail,
	    rate);
	wa_buf_adds(&b, s);
	ret = reply(c, 200, wa_buf_str(&b), NULL);
	wa_buf_free(&b);
	return ret;
}

static enum MHD_Result
post(struct MHD_Connection *c, const char *url, struct wa_buf *body)
{
	json_t *rec = json_pack("{s:I}", "n", (json_int_t)++nreq), *j, *v;
	struct wa_buf data = { 0 };
	enum MHD_Result ret = MHD_YES;
	const char *q, *err;
	long req = 0, act = 0;

	if (!gate(c, url, rec, &ret))
		return ret;
	j = json_loadb(body->s ? body->s : "", body->len, 0, NULL);
	if ((q = json_string_value(json_object_get(j, "query"))) == NULL) {
		json_decref(j);
		json_object_set_new(rec, "op", json_string("garbage"));
		json_object_set_new(rec, "status", json_integer(400));
		note(rec);
		return reply(c, 400, "{\"errors\":{\"query\":\"Required parameter "
		    "missing or invalid\"}}", NULL);
	}
	v = json_object_get(j, "variables");
	if (!json_is_object(v))
		v = NULL;
	refill();
	err = query(q, v, rec, &data, &req, &act);
	ret = answer(c, rec, err, &data, req, act);
	wa_buf_free(&data);
	json_decref(j);
	return ret;
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *uplen, void **con)
{
	struct req *r = *con;
	enum MHD_Result ret;

	(void)cls;
	(void)version;
	if (strcmp(method, "GET") == 0)
		return download(c, url);
	if (strcmp(method, "POST") != 0)
		return reply(c, 405, "{\"errors\":\"Method Not Allowed\"}", NULL);
	if (r == NULL) {
		*con = wa_calloc(1, sizeof *r);
		return MHD_YES;
	}
	if (*uplen > 0) {
		if (wa_buf_addmax(&r->body, upload, *uplen, MAXBODY) < 0)
			return MHD_NO;
		*uplen = 0;
		return MHD_YES;
	}
	ret = post(c, url, &r->body);
	wa_buf_free(&r->body);
	free(r);
	*con = NULL;
	return ret;
}

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: %s [-l ADDR:PORT] [-c FILE] [-O FILE | -g N] [-b POINTS] [-r RATE]\n"
	    "       [-o LOG] [--bulk-polls N] [--bulk-shuffle] [--crash-at N]\n"
	    "       [--echo-token] [--fail N:STATUS]... [--no-refund] [--start-empty]\n"
	    "The Shopify Admin GraphQL API's pages, cost-based throttle and bulk\n"
	    "operations over customers (-c) and orders (-O, JSON lines of nodes; -g: N\n"
	    "made up), for the token in SHOPIFY_TOKEN or SHOPIFY_TOKEN_FILE; prints\n"
	    "'listening on ADDR:PORT' when ready.\n", wa_prog);
	exit(status);
}

static void
addfail(const char *s)
{
	char *colon = strchr(s, ':'), *n;

	if (colon == NULL)
		wa_die(WA_EXIT_USAGE, "--fail: '%s' is not N:STATUS", s);
	n = wa_strndup(s, (size_t)(colon - s));
	fails = wa_realloc(fails, (nfails + 1) * sizeof *fails);
	fails[nfails].at = (long)wa_optnum("--fail", n, 1, 1000000000);
	fails[nfails++].status = (int)wa_optnum("--fail", colon + 1, 100, 599);
	free(n);
}

/* The token, the records in sort-key order, the log, the bucket. */
static void
setup(const char *cpath, const char *opath, const char *logpath, int empty)
{
	if ((token = wa_secret("SHOPIFY_TOKEN")) == NULL)
		wa_die(WA_EXIT_USAGE, "set SHOPIFY_TOKEN or SHOPIFY_TOKEN_FILE to the "
		    "token to accept");
	if (cpath)
		load(&kinds[0], cpath);
	if (opath)
		load(&kinds[1], opath);
	if (ngen)
		generate(ngen);
	for (int i = 0; i < 2; i++)
		if (kinds[i].n > 0)
			qsort(kinds[i].v, kinds[i].n, sizeof *kinds[i].v, bykey);
	if (logpath && (logfp = fopen(logpath, "a")) == NULL)
		wa_die(WA_EXIT_USAGE, "cannot open '%s':", logpath);
	avail = empty ? 0 : bmax;
	if (!empty)
		at = wa_mono();
}

int
main(int argc, char **argv)
{
	enum { O_POLLS = 256, O_SHUFFLE, O_CRASH, O_ECHO, O_FAIL, O_NOREFUND, O_EMPTY };
	static const struct option lopts[] = {
		{ "bulk-polls", required_argument, NULL, O_POLLS },
		{ "bulk-shuffle", no_argument, NULL, O_SHUFFLE },
		{ "crash-at", required_argument, NULL, O_CRASH },
		{ "echo-token", no_argument, NULL, O_ECHO },
		{ "fail", required_argument, NULL, O_FAIL },
		{ "help", no_argument, NULL, 'h' },
		{ "no-refund", no_argument, NULL, O_NOREFUND },
		{ "start-empty", no_argument, NULL, O_EMPTY },
		{ NULL, 0, NULL, 0 }
	};
	const char *listen_at = "127.0.0.1:0", *cpath = NULL, *opath = NULL, *logpath = NULL;
	struct MHD_Daemon *d;
	char where[300], *p;
	sigset_t sigs;
	int ch, fd, sig, empty = 0;

	wa_init(&argc, &argv);
	while ((ch = getopt_long(argc, argv, "b:c:g:hl:o:O:r:", lopts, NULL)) != -1) {
		switch (ch) {
		case 'b': bmax = (double)wa_optnum("-b", optarg, 1, 1000000000); break;
		case 'c': cpath = optarg; break;
		case 'g': ngen = (long)wa_optnum("-g", optarg, 1, 100000000); break;
		case 'h': usage(0); break;
		case 'l': listen_at = optarg; break;
		case 'o': logpath = optarg; break;
		case 'O': opath = optarg; break;
		case 'r': rate = (double)wa_optnum("-r", optarg, 1, 1000000000); break;
		case O_POLLS: bulk_polls = (long)wa_optnum("--bulk-polls", optarg, 0, 1000); break;
		case O_SHUFFLE: shuffle = 1; break;
		case O_CRASH: crash_at = (long)wa_optnum("--crash-at", optarg, 1, 1000000000); break;
		case O_ECHO: echo_token = 1; break;
		case O_FAIL: addfail(optarg); break;
		case O_NOREFUND: no_refund = 1; break;
		case O_EMPTY: empty = 1; break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	if (optind < argc || (opath && ngen))
		usage(WA_EXIT_USAGE);
	setup(cpath, opath, logpath, empty);
	fd = wa_listen(listen_at, 1, where, sizeof where);
	if ((p = strrchr(where, ':')) != NULL)
		port = (unsigned)strtoul(p + 1, NULL, 10);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	/* One thread: requests are served in turn, as the bucket is one. */
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, 0, NULL,
	    NULL, handler, NULL, MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_END);
	if (d == NULL)
		wa_die(WA_EXIT_FATAL, "cannot start the HTTP server on '%s'", where);
	printf("listening on %s\n", where);
	fflush(stdout);
	while (sigwait(&sigs, &sig) != 0)
		;
	MHD_stop_daemon(d);
	if (logfp && fclose(logfp) != 0)
		wa_die(WA_EXIT_FATAL, "cannot write '%s':", logpath);
	wa_secret_free(token);
	return wa_finish();
}
