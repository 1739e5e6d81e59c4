/*
 * bot.c: the bot's answers to the messages customers write: an order's
 * status, a keyword's answer, a greeting, an away message, or nothing;
 * and when it gives up (no answer, too many times in a row).
 *
 * It used to be a jq program over the whole spool, once per new message.
 * Here the spool is read once, from a cursor, and what the rules need of
 * the past is kept per writer in a small state file: the first message
 * (greeting), the times of the recent ones (away), and the conversation's
 * bot facts (answers given, misses in a row, order asked about, handed
 * off). The order events of the spool are folded into it by id as well,
 * as the journeys' orders_all folds them, so that no run reads old events
 * again.
 *
 * The state and its cursor are written together, next to STATE as
 * STATE.new, and only the caller (the auto-replies journey, after its
 * sends are in the ledger) renames it into place: a run killed before
 * that leaves the old state, and the rerun decides the same answers for
 * the same messages, which the ledger then sends once.
 */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wa.h"
#include "send.h"
#include "inbox.h"

struct kw {
	char *name;
	regex_t re;
};
struct wa_bot {
	struct wa_bot_set s;
	regex_t order, num;
	struct kw *kw;
	size_t nkw;
	char *path;
	json_t *st;		/* the state: cursor, writers, orders */
	json_t *writers;	/* phone -> {first_at, first_wamid, times, conv, ...} */
	json_t *orders;		/* the spool's order events, folded by id, first seen first */
	struct wa_hash *byid;	/* order id -> its object in orders */
	struct wa_hash *out;	/* wamids of this run's opt-outs */
	struct wa_hash *seen;	/* the phones that wrote since the cursor */
	struct wa_inbox *ib;
	struct wa_hash *last;	/* phone -> latest order (built once a run) */
	struct wa_hash *known;	/* phone -> a customer or an order's */
	json_t *held;		/* what last and known point into */
};

static void
recomp(regex_t *re, const char *pat, const char *what)
{
	char err[256];
	int rc;

	if ((rc = regcomp(re, pat, REG_EXTENDED | REG_ICASE | REG_NOSUB)) != 0) {
		regerror(rc, re, err, sizeof err);
		wa_die(WA_EXIT_USAGE, "%s: '%s': %s", what, pat, err);
	}
}

static void
loadstate(struct wa_bot *b)
{
	json_error_t je;
	json_t *o;
	size_t i;

	b->st = json_load_file(b->path, 0, &je);
	if (b->st == NULL && errno != ENOENT && strstr(je.text, "unable to open") == NULL)
		wa_die(WA_EXIT_FATAL, "%s:%d: %s", b->path, je.line, je.text);
	if (!json_is_object(b->st)) {
		json_decref(b->st);
		b->st = json_object();
	}
	if (!json_is_object(b->writers = json_object_get(b->st, "writers")))
		json_object_set_new(b->st, "writers", b->writers = json_object());
	if (!json_is_array(b->orders = json_object_get(b->st, "orders")))
		json_object_set_new(b->st, "orders", b->orders = json_array());
	b->byid = wa_hash_new();
	json_array_foreach(b->orders, i, o)
		if (wa_json_str(o, "id"))
			wa_hash_put(b->byid, wa_json_str(o, "id"), o);
}

struct wa_bot *
wa_bot_open(const struct wa_bot_set *s, const char *state, struct wa_inbox *ib)
{
	struct wa_bot *b = wa_calloc(1, sizeof *b);
	const char *eq;
	struct tm tm;
	size_t i;

	b->s = *s;
	b->ib = ib;
	b->path = wa_strdup(state);
	if (s->order)
		recomp(&b->order, s->order, "--order");
	if (regcomp(&b->num, "#[0-9]+", REG_EXTENDED) != 0)
		wa_die(WA_EXIT_FATAL, "cannot compile a regular expression");
	b->kw = wa_calloc(s->nkw + 1, sizeof *b->kw);
	for (i = 0; i < s->nkw; i++) {
		if ((eq = strchr(s->kw[i], '=')) == NULL || eq == s->kw[i] || eq[1] == '\0')
			wa_die(WA_EXIT_USAGE, "--keyword: want NAME=PATTERN, not '%s'", s->kw[i]);
		b->kw[i].name = wa_strndup(s->kw[i], (size_t)(eq - s->kw[i]));
		recomp(&b->kw[i].re, eq + 1, "--keyword");
	}
	b->nkw = s->nkw;
	if (wa_tz_local(s->tz ? s->tz : "UTC", 0, &tm) < 0)
		wa_die(WA_EXIT_USAGE, "--tz: no zone '%s'", s->tz);
	b->out = wa_hash_new();
	b->seen = wa_hash_new();
	loadstate(b);
	return b;
}

void
wa_bot_cursor(struct wa_bot *b, struct wa_cursor *cur)
{
	json_t *c = json_object_get(b->st, "cursor");
	const char *a;

	memset(cur, 0, sizeof *cur);
	cur->dev = (unsigned long long)json_integer_value(json_object_get(c, "dev"));
	cur->ino = (unsigned long long)json_integer_value(json_object_get(c, "ino"));
	cur->off = (long long)json_integer_value(json_object_get(c, "off"));
	a = wa_json_str(c, "after");
	snprintf(cur->after, sizeof cur->after, "%s", a ? a : "");
}

static json_t *
writer(struct wa_bot *b, const char *from)
{
	json_t *w = json_object_get(b->writers, from);

	if (w == NULL) {
		json_object_set_new(b->writers, from, w = json_object());
		json_object_set_new(w, "times", json_array());
	}
	return w;
}

/* KEY of a customer record, as jq's object keys: a string, or a number's text. */
static const char *
keyof(json_t *o, const char *key, char *buf, size_t n)
{
	json_t *v = json_object_get(o, key);

	if (json_is_integer(v)) {
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return json_string_value(v);
}

/*
 * O's fields over X's, non-null ones winning, as orders_all merges an
 * order's lines; of "extra" only the tracking link the answer gives.
 */
static void
merge(json_t *x, json_t *o)
{
	static const char *const f[] = { "name", "customer", "email", "phone",
	    "created_at", "fulfillment_status" };
	json_t *v, *e = json_object_get(o, "extra");
	const char *tr;
	size_t i;

	for (i = 0; i < sizeof f / sizeof *f; i++)
		if ((v = json_object_get(o, f[i])) && !json_is_null(v))
			json_object_set(x, f[i], v);
	if (e == NULL || json_is_null(e))
		return;
	if ((tr = wa_json_str(e, "tracking_url")) || (tr = wa_json_str(e, "order_status_url")))
		json_object_set_new(x, "tracking_url", json_string(tr));
	else
		json_object_del(x, "tracking_url");
}

/* The order X of id ID in ALL (POS: its index), made when new. */
static json_t *
orderof(json_t *all, struct wa_hash *pos, const char *id)
{
	json_t *x;

	if ((x = wa_hash_get(pos, id)) == NULL) {
		json_array_append_new(all, x = json_object());
		json_object_set_new(x, "id", json_string(id));
		wa_hash_put(pos, id, x);
	}
	return x;
}

static void
seeorder(struct wa_bot *b, json_t *ev)
{
	char buf[32];
	const char *id = keyof(ev, "id", buf, sizeof buf);

	if (id != NULL)
		merge(orderof(b->orders, b->byid, id), ev);
}

void
wa_bot_see(struct wa_bot *b, json_t *ev)
{
	const char *e = wa_json_str(ev, "event"), *from, *at, *wamid, *first;
	json_t *w;

	if (wa_json_str(ev, "type") && strcmp(wa_json_str(ev, "type"), "order") == 0 &&
	    e && strcmp(e, "order") == 0) {
		seeorder(b, ev);
		return;
	}
	if (e && strcmp(e, "opt_out") == 0 && (wamid = wa_json_str(ev, "wamid")))
		wa_hash_put(b->out, wamid, b);
	if (e == NULL || strcmp(e, "message") || (from = wa_json_str(ev, "from")) == NULL ||
	    (at = wa_json_str(ev, "at")) == NULL)
		return;
	w = writer(b, from);
	wa_hash_put(b->seen, from, b);
	wamid = wa_json_str(ev, "wamid");
	first = wa_json_str(w, "first_at");
	/* the first message: the least [at, wamid], as jq sorts them */
	if (first == NULL || strcmp(at, first) < 0 || (strcmp(at, first) == 0 &&
	    strcmp(wamid ? wamid : "", wa_json_str(w, "first_wamid") ?
	    wa_json_str(w, "first_wamid") : "") < 0)) {
		json_object_set_new(w, "first_at", json_string(at));
		wa_json_setstr(w, "first_wamid", wamid);
	}
	json_array_append_new(json_object_get(w, "times"), json_string(at));
}

/* What a customer key stands for in orderindex: one with no phone, or one whose phone did not write. */
static char nophone, other;

/* Does the record O (picked or whole) touch a writer of this run, through a customer of IDS or MAILS, or its phone? */
static int
touches(struct wa_bot *b, json_t *o, struct wa_hash *ids, struct wa_hash *mails)
{
	char buf[32];
	const char *k;
	void *c;

	if ((k = keyof(o, "customer", buf, sizeof buf)) && (c = wa_hash_get(ids, k)) &&
	    c != &nophone && c != &other)
		return 1;
	if ((k = wa_json_str(o, "email")) && (c = wa_hash_get(mails, k)) && c != &nophone && c != &other)
		return 1;
	return (k = wa_json_str(o, "phone")) && wa_hash_get(b->seen, k);
}

/*
 * FILE's lines, each picked of KEYS into P, given to EACH with the whole
 * line; a line that is no JSON object is left out.
 */
static void
eachline(const char *file, const char *const *keys, size_t nkeys,
    void (*each)(json_t *, const char *, size_t, void *), void *arg)
{
	json_t *p = json_object();
	char *line = NULL;
	size_t cap = 0, bad;
	ssize_t len;
	FILE *fp;

	if (file == NULL || (fp = fopen(file, "r")) == NULL) {
		if (file && errno != ENOENT)
			wa_die(WA_EXIT_FATAL, "%s:", file);
		json_decref(p);
		return;
	}
	while ((len = getline(&line, &cap, fp)) > 0)
		if (wa_json_pick(line, (size_t)len, keys, nkeys, p, &bad) == 0)
			each(p, line, (size_t)len, arg);
	if (ferror(fp))
		wa_die(WA_EXIT_FATAL, "%s:", file);
	free(line);
	fclose(fp);
	json_decref(p);
}

struct ix {
	struct wa_bot *b;
	struct wa_hash *ids, *mails, *cand, *pos;
	json_t *all, *cs;
};

/* A customer: by id and e-mail, what its phone is to this run; a writer's record is kept. */
static void
onecust(json_t *p, const char *line, size_t n, void *arg)
{
	struct ix *x = arg;
	const char *ph = wa_json_str(p, "phone"), *k;
	char buf[32];
	void *v = ph == NULL ? &nophone : &other;
	json_t *c;

	(void)line, (void)n;
	if (ph && wa_hash_get(x->b->seen, ph)) {
		json_array_append_new(x->cs, c = json_deep_copy(p));
		wa_hash_put(x->b->known, ph, c);
		v = c;
	}
	if ((k = keyof(p, "id", buf, sizeof buf)))
		wa_hash_put(x->ids, k, v);
	if ((k = wa_json_str(p, "email")))
		wa_hash_put(x->mails, k, v);
}

/* An order's line: is it one of a writer's (first pass), or merged when it is (second)? */
static void
oneorder(json_t *p, const char *line, size_t n, void *arg)
{
	struct ix *x = arg;
	char buf[32];
	const char *k = keyof(p, "id", buf, sizeof buf);
	json_t *o;

	if (k == NULL || wa_json_str(p, "type") == NULL || strcmp(wa_json_str(p, "type"), "order"))
		return;
	if (x->all == NULL) {
		if (touches(x->b, p, x->ids, x->mails))
			wa_hash_put(x->cand, k, x);
	} else if (wa_hash_get(x->cand, k) && (o = json_loadb(line, n, 0, NULL))) {
		merge(orderof(x->all, x->pos, k), o);
		json_decref(o);
	}
}

/*
 * ORDERS and the folded order events, joined to their customers (by id,
 * else e-mail, else phone): the latest order of each phone that wrote
 * since the cursor, and which of them are known. Only those phones: a
 * year's store has some 200,000 customers and 100,000 orders, and a run
 * answers a few people, so the files are read picking a few fields of
 * each line, and only the lines of those people are parsed whole. An
 * order's lines are found in a first pass, then merged in a second: a
 * line that names nobody (a webhook's update) still counts.
 */
static void
orderindex(struct wa_bot *b)
{
	static const char *const ck[] = { "id", "email", "phone" };
	static const char *const ok[] = { "type", "id", "customer", "email", "phone" };
	struct ix x = { b, wa_hash_new(), wa_hash_new(), wa_hash_new(), wa_hash_new(), NULL, json_array() };
	const char *k, *ph;
	char buf[32];
	json_t *o, *cur;
	void *c;
	size_t i;

	b->last = wa_hash_new(), b->known = wa_hash_new();
	eachline(b->s.customers, ck, 3, onecust, &x);
	eachline(b->s.orders, ok, 5, oneorder, &x);
	json_array_foreach(b->orders, i, o)
		if (touches(b, o, x.ids, x.mails))
			wa_hash_put(x.cand, wa_json_str(o, "id"), &x);
	x.all = json_array();
	eachline(b->s.orders, ok, 5, oneorder, &x);
	json_array_foreach(b->orders, i, o)
		if (wa_hash_get(x.cand, wa_json_str(o, "id")))
			json_object_update(orderof(x.all, x.pos, wa_json_str(o, "id")), o);
	json_array_foreach(x.all, i, o) {
		if (!(k = keyof(o, "customer", buf, sizeof buf)) || !(c = wa_hash_get(x.ids, k)))
			c = (k = wa_json_str(o, "email")) ? wa_hash_get(x.mails, k) : NULL;
		if (c == &other)
			continue;
		if ((ph = c && c != &nophone ? wa_json_str(c, "phone") : wa_json_str(o, "phone")) == NULL)
			continue;
		wa_hash_put(b->known, ph, o);
		cur = wa_hash_get(b->last, ph);
		if (cur == NULL || strcmp(wa_json_str(cur, "created_at") ? wa_json_str(cur, "created_at") : "",
		    wa_json_str(o, "created_at") ? wa_json_str(o, "created_at") : "") <= 0)
			wa_hash_put(b->last, ph, o);
	}
	b->held = json_pack("[oo]", x.all, x.cs);
	wa_hash_free(x.ids), wa_hash_free(x.mails), wa_hash_free(x.cand), wa_hash_free(x.pos);
}

static int
matches(regex_t *re, const char *s)
{
	return regexec(re, s ? s : "", 0, NULL, 0) == 0;
}

/* Inside business hours, in the store's zone? */
static int
opened(struct wa_bot *b, time_t t)
{
	struct tm tm;
	int min;

	wa_tz_local(b->s.tz ? b->s.tz : "UTC", t, &tm);
	min = tm.tm_hour * 60 + tm.tm_min;
	return strchr(b->s.days ? b->s.days : "12345", '0' + (tm.tm_wday ? tm.tm_wday : 7)) &&
	    min >= b->s.open && min < b->s.close;
}

/* Did W write within the gap before AT (at T)? */
static int
wroteshortly(struct wa_bot *b, json_t *w, const char *at, time_t t)
{
	json_t *v;
	time_t u;
	size_t i;

	json_array_foreach(json_object_get(w, "times"), i, v)
		if (strcmp(json_string_value(v), at) < 0 &&
		    wa_time_parse(json_string_value(v), WA_DATES_ANY, &u) == 0 &&
		    t - u < (time_t)b->s.every)
			return 1;
	return 0;
}

/* The order-status answer: the message and the latest order's number, state and tracking. */
static json_t *
orderstatus(json_t *ev, json_t *o)
{
	const char *fs = wa_json_str(o, "fulfillment_status");
	json_t *a = json_deep_copy(ev);
	int sent = fs && (strcmp(fs, "fulfilled") == 0 || strcmp(fs, "partial") == 0);

	json_object_set_new(a, "route", json_string("order-status"));
	json_object_set(a, "order_name", json_object_get(o, "name") ?
	    json_object_get(o, "name") : json_null());
	wa_json_setstr(a, "fulfillment_status", fs);
	wa_json_setstr(a, "tracking_url", sent ? wa_json_str(o, "tracking_url") : NULL);
	return a;
}

/* The route for EV by W's history, the answer's record, or NULL. */
static json_t *
decide(struct wa_bot *b, json_t *ev, json_t *w, time_t t)
{
	const char *text = wa_json_str(ev, "text"), *from = wa_json_str(ev, "from");
	const char *at = wa_json_str(ev, "at"), *wamid = wa_json_str(ev, "wamid");
	json_t *a, *o;
	char *r;
	size_t i;

	if (b->s.order && matches(&b->order, text) && (o = wa_hash_get(b->last, from)))
		return orderstatus(ev, o);
	for (i = 0; i < b->nkw; i++)
		if (matches(&b->kw[i].re, text)) {
			r = wa_strjoin("keyword", "-", b->kw[i].name);
			json_object_set_new(a = json_deep_copy(ev), "route", json_string(r));
			free(r);
			return a;
		}
	if (strcmp(wa_json_str(w, "first_at"), at) == 0 && wa_json_str(w, "first_wamid") &&
	    strcmp(wa_json_str(w, "first_wamid"), wamid) == 0 && wa_hash_get(b->known, from) == NULL)
		r = "greeting";
	else if (!opened(b, t) && !wroteshortly(b, w, at, t))
		r = "away";
	else
		return NULL;
	json_object_set_new(a = json_deep_copy(ev), "route", json_string(r));
	return a;
}

/*
 * Has an answer to WAMID gone to C, or may it have: a key of the ledger
 * CAMPAIGN/WAMID, as wa-send --reply makes them, not refused? A rerun
 * that decides again with more of the spool (its state held back by a
 * failed send, or killed) may choose another route for the message, a
 * key the ledger has never seen: this is what answers it once. Nothing
 * went by a campaign since T, the message's time: no thread to read.
 */
static int
answered(struct wa_bot *b, const struct wa_conv *c, const char *wamid, time_t t)
{
	const struct wa_tmsg *m;
	size_t i, n = strlen(wamid), k;

	if (c == NULL || c->last_bot < t)
		return 0;
	/* the fold keeps threads unread: this one only, and only now */
	wa_conv_thread(b->ib, (struct wa_conv *)c);
	for (i = 0; i < c->nmsg; i++) {
		m = &c->msg[i];
		if (m->dir == '>' && m->key && (k = strlen(m->key)) > n && m->key[k - n - 1] == '/' &&
		    strcmp(m->key + k - n, wamid) == 0 && m->state != WA_LEDGER_FAILED &&
		    m->state != WA_LEDGER_RETRY)
			return 1;
	}
	return 0;
}

/* W's facts start again with each conversation. */
static void
forconv(json_t *w, const struct wa_conv *c)
{
	if (c == NULL || (wa_json_str(w, "conv") && strcmp(wa_json_str(w, "conv"), c->id) == 0))
		return;
	json_object_set_new(w, "conv", json_string(c->id));
	json_object_del(w, "misses"), json_object_del(w, "handed");
	json_object_del(w, "routes"), json_object_del(w, "asked");
}

/* The order number the customer wrote (#1002), else the one the bot told. */
static void
asked(struct wa_bot *b, json_t *w, json_t *ev, json_t *ans)
{
	const char *t = wa_json_str(ev, "text");
	regmatch_t m;
	char *s;

	if (t && regexec(&b->num, t, 1, &m, 0) == 0) {
		s = wa_strndup(t + m.rm_so, (size_t)(m.rm_eo - m.rm_so));
		json_object_set_new(w, "asked", json_string(s));
		free(s);
	} else if (ans && wa_json_str(ans, "order_name") && !wa_json_str(w, "asked"))
		wa_json_setstr(w, "asked", wa_json_str(ans, "order_name"));
}

json_t *
wa_bot_facts(struct wa_bot *b, const struct wa_conv *c, json_t *ev)
{
	json_t *w = writer(b, wa_json_str(ev, "from")), *f = json_object();

	forconv(w, c);
	asked(b, w, ev, NULL);
	json_object_set(f, "asked", json_object_get(w, "asked") ? json_object_get(w, "asked") : json_null());
	json_object_set_new(f, "routes", json_object_get(w, "routes") ?
	    json_deep_copy(json_object_get(w, "routes")) : json_array());
	return f;
}

void
wa_bot_handed(struct wa_bot *b, const struct wa_conv *c, json_t *ev)
{
	json_t *w = writer(b, wa_json_str(ev, "from"));

	forconv(w, c);
	json_object_set_new(w, "handed", json_true());
}

json_t *
wa_bot_answer(struct wa_bot *b, const struct wa_conv *c, json_t *ev, int *giveup)
{
	const char *at = wa_json_str(ev, "at"), *wamid = wa_json_str(ev, "wamid");
	const char *type = wa_json_str(ev, "type"), *from = wa_json_str(ev, "from");
	json_t *w, *ans, *rt;
	long long miss;
	time_t t;

	*giveup = 0;
	if (wamid == NULL || from == NULL || at == NULL || wa_time_parse(at, WA_DATES_ANY, &t) < 0 ||
	    wa_now() - t < 0 || wa_now() - t >= WA_WINDOW || (type && strcmp(type, "reaction") == 0) ||
	    wa_hash_get(b->out, wamid))
		return NULL;
	w = writer(b, from);
	forconv(w, c);
	/* a conversation handed off to a person, here or by anyone before this message */
	if (json_is_true(json_object_get(w, "handed")) || (c && c->handed && c->handed_at <= t))
		return NULL;
	if (answered(b, c, wamid, t)) {
		json_object_del(w, "misses");
		return NULL;
	}
	if (b->last == NULL)
		orderindex(b);
	ans = decide(b, ev, w, t);
	asked(b, w, ev, ans);
	if (ans) {
		json_object_del(w, "misses");
		if (!json_is_array(rt = json_object_get(w, "routes")))
			json_object_set_new(w, "routes", rt = json_array());
		json_array_append(rt, json_object_get(ans, "route"));
		return ans;
	}
	miss = json_integer_value(json_object_get(w, "misses")) + 1;
	json_object_set_new(w, "misses", json_integer(miss));
	*giveup = b->s.misses > 0 && miss >= b->s.misses;
	return NULL;
}

/* Times too old to matter to an away rule of any message still in its window. */
static void
prune(struct wa_bot *b)
{
	time_t edge = wa_now() - WA_WINDOW - (time_t)b->s.every, u;
	const char *k;
	json_t *w, *v, *keep;
	size_t i;

	json_object_foreach(b->writers, k, w) {
		keep = json_array();
		json_array_foreach(json_object_get(w, "times"), i, v)
			if (wa_time_parse(json_string_value(v), WA_DATES_ANY, &u) < 0 || u >= edge)
				json_array_append(keep, v);
		json_object_set_new(w, "times", keep);
	}
}

int
wa_bot_save(struct wa_bot *b, const struct wa_cursor *cur)
{
	char *next = wa_strjoin(b->path, "", ".new"), *tmp;
	json_t *c = json_object();
	FILE *fp;
	int rc;

	json_object_set_new(c, "dev", json_integer((json_int_t)cur->dev));
	json_object_set_new(c, "ino", json_integer((json_int_t)cur->ino));
	json_object_set_new(c, "off", json_integer((json_int_t)cur->off));
	if (*cur->after)
		json_object_set_new(c, "after", json_string(cur->after));
	json_object_set_new(b->st, "cursor", c);
	prune(b);
	if ((fp = wa_rewrite_open(next, &tmp)) == NULL) {
		free(next);
		return -1;
	}
	rc = json_dumpf(b->st, fp, JSON_COMPACT) < 0 || fputc('\n', fp) == EOF;
	rc = wa_rewrite_commit(fp, tmp, next) < 0 || rc ? -1 : 0;
	free(next);
	return rc;
}

void
wa_bot_free(struct wa_bot *b)
{
	size_t i;

	if (b == NULL)
		return;
	if (b->s.order)
		regfree(&b->order);
	regfree(&b->num);
	for (i = 0; i < b->nkw; i++)
		free(b->kw[i].name), regfree(&b->kw[i].re);
	free(b->kw);
	wa_hash_free(b->byid), wa_hash_free(b->out), wa_hash_free(b->seen);
	if (b->last)
		wa_hash_free(b->last), wa_hash_free(b->known);
	json_decref(b->held);
	json_decref(b->st);
	free(b->path);
	free(b);
}
