/*
 * convs.c: conversations. Nothing is stored twice: a conversation is
 * folded, each run, from what the customer wrote (wa-hook's spool), what
 * went to them (wa-send's ledger, statuses from the spool), what people did
 * (the inbox log) and who they are (the customer file). A conversation
 * opens with a customer's message (or an agent's "opened") and ends with
 * "closed"; the next message opens another.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"
#include "send.h"
#include "inbox.h"

enum { K_IN, K_OUT, K_LOG };

/* A line of a person's history before it is cut into conversations. */
struct item {
	struct wa_tmsg m;
	int kind;
	size_t seq;		/* reading order: ties in time keep it */
	char *conv, *agent, *dept;	/* K_LOG; conv also for a K_OUT of wa-inbox */
	char *asked, *routes;	/* K_LOG handed_off: what the bot collected */
};
struct person {
	char *phone, *name;
	struct item **it;
	size_t n, cap;
};
struct fold {
	struct wa_inbox *ib;
	struct wa_hash *people;	/* same-user key -> person */
	struct person **pl;
	size_t npl, plcap, seq;
	struct wa_hash *outs;	/* ledger key -> item */
	struct wa_hash *replied;	/* ledger key -> the log's replied entry */
	json_t *replies;	/* those entries, owned */
};

void
wa_sla_default(struct wa_sla *s)
{
	static const char *const t[] = { "platinum", "gold", "silver" };
	static const long long v[] = { 15 * 60, 30 * 60, 2 * 3600 };
	size_t i;

	memset(s, 0, sizeof *s);
	for (i = 0; i < 3; i++) {
		s->tier = wa_realloc(s->tier, (s->n + 1) * sizeof *s->tier);
		s->secs = wa_realloc(s->secs, (s->n + 1) * sizeof *s->secs);
		s->tier[s->n] = wa_strdup(t[i]);
		s->secs[s->n++] = v[i];
	}
	s->other = 4 * 3600;
}

void
wa_sla_load(struct wa_sla *s, const char *path)
{
	char *line = NULL, name[64], dur[64], extra[2];
	size_t cap = 0, i;
	long lineno = 0;
	long long secs;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		wa_die(WA_EXIT_USAGE, "--sla: %s:", path);
	while (getline(&line, &cap, fp) > 0) {
		lineno++;
		if (line[strspn(line, " \t\r\n")] == '\0' || line[strspn(line, " \t")] == '#')
			continue;
		if (sscanf(line, "%63s %63s %1s", name, dur, extra) == 2 &&
		    strcmp(name, "working-hours") == 0 && (strcmp(dur, "yes") == 0 || strcmp(dur, "no") == 0)) {
			s->working = strcmp(dur, "yes") == 0;
			continue;
		}
		if (sscanf(line, "%63s %63s %1s", name, dur, extra) != 2 ||
		    wa_dur_parse(dur, &secs) < 0 || secs <= 0)
			wa_die(WA_EXIT_USAGE, "%s:%ld: want TIER DURATION, as gold 30m", path, lineno);
		if (strcmp(name, "other") == 0) {
			s->other = secs;
			continue;
		}
		for (i = 0; i < s->n && strcmp(s->tier[i], name) != 0; i++)
			;
		if (i == s->n) {
			s->tier = wa_realloc(s->tier, (s->n + 1) * sizeof *s->tier);
			s->secs = wa_realloc(s->secs, (s->n + 1) * sizeof *s->secs);
			s->tier[s->n++] = wa_strdup(name);
		}
		s->secs[i] = secs;
	}
	free(line);
	fclose(fp);
}

long long
wa_sla_for(const struct wa_sla *s, const char *tier)
{
	size_t i;

	for (i = 0; tier && i < s->n; i++)
		if (strcmp(s->tier[i], tier) == 0)
			return s->secs[i];
	return s->other;
}

void
wa_conv_makeid(const char *phone, const char *seed, char *out)
{
	char pk[WA_PHONE_MAX], *k;

	wa_phone_key(phone, pk);
	k = wa_strjoin(pk, "/", seed);
	snprintf(out, WA_CONV_IDSZ, "c%010llx", wa_fp(k) & 0xffffffffffULL);
	free(k);
}

/* Each line of PATH with the top-level KEYS parsed into one object, to FN; lines without NEED skipped unread. */
static void
scan(const char *path, const char *const *keys, size_t nkeys, const char *need,
    void (*fn)(struct fold *, json_t *), struct fold *f)
{
	json_t *o = json_object();
	char *line = NULL;
	size_t cap = 0, bad;
	ssize_t len;
	struct wa_segs *sg;

	/* the rolled segments first (segments.c), then the live file */
	if ((sg = wa_segs_open(path, 0, 0, 0)) == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", path);
	while ((len = wa_segs_line(sg, &line, &cap)) > 0) {
		if (need && strstr(line, need) == NULL)
			continue;
		if (wa_json_pick(line, (size_t)len - (line[len - 1] == '\n'),
		    keys, nkeys, o, &bad) == 0)
			fn(f, o);
	}
	if (wa_segs_error(sg))
		wa_die(WA_EXIT_FATAL, "%s: cannot read it", wa_segs_file(sg));
	free(line);
	wa_segs_close(sg);
	json_decref(o);
}

/* wa_grow starts at 256: too many for a person's few messages, times 100,000 people. */
static void *
more(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 4;
	return wa_realloc(p, *cap * size);
}

static struct person *
person(struct fold *f, const char *phone)
{
	char e164[WA_PHONE_MAX], pk[WA_PHONE_MAX];
	struct person *p;

	if (phone == NULL || wa_phone_norm(phone, NULL, e164) != WA_PHONE_OK)
		return NULL;
	wa_phone_key(e164, pk);
	if ((p = wa_hash_get(f->people, pk)) == NULL) {
		p = wa_calloc(1, sizeof *p);
		p->phone = wa_strdup(e164);
		wa_hash_put(f->people, pk, p);
		f->pl = wa_grow(f->pl, &f->plcap, f->npl, sizeof *f->pl);
		f->pl[f->npl++] = p;
	}
	return p;
}

static struct item *
additem(struct fold *f, struct person *p, int kind, const char *at)
{
	struct item *it;
	time_t t;

	if (p == NULL || at == NULL || wa_time_parse(at, WA_DATES_ANY, &t) < 0)
		return NULL;
	it = wa_calloc(1, sizeof *it);
	it->kind = kind;
	it->seq = f->seq++;
	it->m.at = t;
	p->it = more(p->it, &p->cap, p->n, sizeof *p->it);
	p->it[p->n++] = it;
	return it;
}

static int
rank(const char *status)
{
	static const char *const r[] = { "", "sent", "delivered", "read", "failed" };
	int i;

	for (i = 4; status && i > 0; i--)
		if (strcmp(status, r[i]) == 0)
			return i;
	return 0;
}

/* A status of one of the ledger's keys: the furthest it went. */
static void
setrank(struct fold *f, const char *k, int r)
{
	struct item *it = k ? wa_hash_get(f->outs, k) : NULL;

	if (it && r > it->m.status)
		it->m.status = r;
}

static void
onspool(struct fold *f, json_t *o)
{
	const char *ev = wa_json_str(o, "event");
	json_t *c = json_object_get(o, "content");
	struct person *p;
	struct item *it;

	if (ev && strcmp(ev, "status") == 0) {
		setrank(f, wa_json_str(o, "key"), rank(wa_json_str(o, "status")));
		return;
	}
	if (ev == NULL || strcmp(ev, "message") != 0 ||
	    (it = additem(f, p = person(f, wa_json_str(o, "from")), K_IN,
	    wa_json_str(o, "at"))) == NULL)
		return;
	it->m.dir = '<';
	it->m.wamid = wa_strdup0(wa_json_str(o, "wamid"));
	it->m.type = wa_strdup0(wa_json_str(o, "type"));
	it->m.text = wa_strdup0(wa_json_str(o, "text"));
	it->m.context = wa_strdup0(wa_json_str(o, "context"));
	it->m.media = wa_strdup0(wa_json_str(c, "id"));
	it->m.caption = wa_strdup0(wa_json_str(c, "caption"));
	wa_strset(&p->name, wa_json_str(o, "name"));
	wa_window_note(f->ib->win, p->phone, it->m.at);
}

static void
onledger(struct fold *f, json_t *o)
{
	const char *key = wa_json_str(o, "key"), *ev = wa_json_str(o, "event");
	struct item *it;
	json_t *r;

	if (key == NULL || ev == NULL)
		return;
	if ((it = wa_hash_get(f->outs, key)) == NULL) {
		if (strcmp(ev, "attempt") != 0 || (it = additem(f,
		    person(f, wa_json_str(o, "to")), K_OUT, wa_json_str(o, "at"))) == NULL)
			return;
		it->m.dir = '>';
		it->m.key = wa_strdup(key);
		it->m.by = wa_strdup0(wa_json_str(o, "campaign"));
		if ((r = wa_hash_get(f->replied, key)) != NULL) {
			it->agent = wa_strdup0(wa_json_str(r, "agent"));
			it->conv = wa_strdup0(wa_json_str(r, "conv"));
			it->m.text = wa_strdup0(wa_json_str(r, "text"));
			if (it->m.text == NULL)
				it->m.text = wa_strdup0(wa_json_str(r, "template"));
			it->m.media = wa_strdup0(wa_json_str(r, "media"));
			it->m.type = wa_strdup0(wa_json_str(r, "type"));
			it->m.caption = wa_strdup0(wa_json_str(r, "caption"));
		}
		wa_hash_put(f->outs, key, it);
	}
	it->m.state = wa_ledger_event_state(ev, o);
	wa_strset(&it->m.wamid, wa_json_str(o, "wamid"));
}

/* What the bot collected before a hand-off: the order asked about, its answers ("away, greeting"). */
static void
botfacts(struct item *it, json_t *o)
{
	struct wa_buf b = { 0 };
	json_t *v;
	size_t i;

	it->asked = wa_strdup0(wa_json_str(o, "asked"));
	json_array_foreach(json_object_get(o, "routes"), i, v) {
		if (i)
			wa_buf_adds(&b, ", ");
		wa_buf_adds(&b, json_string_value(v) ? json_string_value(v) : "?");
	}
	it->routes = b.s;
	if (it->m.text == NULL)
		it->m.text = wa_strdup0(wa_json_str(o, "reason"));
}

static void
onlog(struct fold *f, json_t *o)
{
	const char *ev = wa_json_str(o, "event");
	struct item *it;

	if (!wa_inlog_event(ev))
		return;
	if (strcmp(ev, "replied") == 0) {
		if (wa_json_str(o, "key")) {
			json_array_append_new(f->replies, json_deep_copy(o));
			wa_hash_put(f->replied, wa_json_str(o, "key"),
			    json_array_get(f->replies, json_array_size(f->replies) - 1));
		}
		return;
	}
	if ((it = additem(f, person(f, wa_json_str(o, "phone")), K_LOG,
	    wa_json_str(o, "at"))) == NULL)
		return;
	it->m.dir = '#';
	it->m.by = wa_strdup(ev);
	it->m.text = wa_strdup0(wa_json_str(o, "text"));
	it->conv = wa_strdup0(wa_json_str(o, "conv"));
	it->agent = wa_strdup0(wa_json_str(o, "agent"));
	it->dept = wa_strdup0(wa_json_str(o, "dept"));
	if (strcmp(ev, "handed_off") == 0)
		botfacts(it, o);
}

static int
byat(const void *a, const void *b)
{
	const struct item *x = *(struct item *const *)a, *y = *(struct item *const *)b;

	if (x->m.at != y->m.at)
		return x->m.at < y->m.at ? -1 : 1;
	/* in one second: what the customer said, then the answers, then the log */
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static struct wa_conv *
newconv(struct wa_inbox *ib, struct person *p, const char *id, time_t at)
{
	struct wa_conv *c = wa_calloc(1, sizeof *c);
	char pk[WA_PHONE_MAX];

	snprintf(c->id, sizeof c->id, "%s", id);
	c->phone = wa_strdup(p->phone);
	c->name = wa_strdup0(p->name);
	c->opened = at;
	ib->conv = wa_grow(ib->conv, &ib->cap, ib->n, sizeof *ib->conv);
	ib->conv[ib->n++] = c;
	wa_hash_put(ib->byid, c->id, c);
	wa_phone_key(p->phone, pk);
	wa_hash_put(ib->byphone, pk, c);
	return c;
}

/* Take IT's message into C's thread (the item keeps nothing to free). */
static void
take(struct wa_conv *c, struct item *it)
{
	c->msg = more(c->msg, &c->cap, c->nmsg, sizeof *c->msg);
	c->msg[c->nmsg++] = it->m;
	memset(&it->m, 0, sizeof it->m);
}

static void
outbound(struct wa_conv *c, struct item *it)
{
	if (it->agent) {
		free(it->m.by);
		it->m.by = wa_strdup(it->agent);
		/* a reply refused for good answered nobody */
		if (it->m.state != WA_LEDGER_FAILED && it->m.state != WA_LEDGER_RETRY) {
			c->last_person = it->m.at;
			wa_strset(&c->last_person_agent, it->agent);
			c->wait_since = 0;
		}
	} else
		c->last_bot = it->m.at;
	take(c, it);
}

/* What the log says of C; the conversation it closes is no longer current. */
static void
logged(struct wa_conv *c, struct item *it, struct wa_conv **cur)
{
	const char *ev = it->m.by;

	if (strcmp(ev, "assigned") == 0)
		wa_strset(&c->agent, it->agent);
	if (it->dept) {
		wa_strset(&c->dept, it->dept);
		if (it->m.text == NULL)
			it->m.text = wa_strdup(it->dept);
	}
	if (strcmp(ev, "handed_off") == 0) {
		c->handed = 1;
		c->handed_at = it->m.at;
		wa_strset(&c->asked, it->asked);
		wa_strset(&c->routes, it->routes);
	}
	if (strcmp(ev, "closed") == 0) {
		c->closed = it->m.at;
		if (*cur == c)
			*cur = NULL;
	}
	it->m.agent = it->agent;
	it->agent = NULL;
	if (strcmp(ev, "opened") != 0)
		take(c, it);
}

/* P's history, in time, cut into conversations. */
static void
cut(struct wa_inbox *ib, struct person *p)
{
	struct wa_conv *cur = NULL, *c;
	char id[WA_CONV_IDSZ], tb[WA_TIMEBUF];
	struct item *it;
	size_t i;

	qsort(p->it, p->n, sizeof *p->it, byat);
	for (i = 0; i < p->n; i++) {
		it = p->it[i];
		c = it->conv ? wa_hash_get(ib->byid, it->conv) : NULL;
		if (it->kind == K_IN) {
			if (cur == NULL) {
				wa_conv_makeid(p->phone, it->m.wamid ? it->m.wamid :
				    wa_time_fmt(it->m.at, tb), id);
				cur = newconv(ib, p, id, it->m.at);
			}
			cur->last_in = it->m.at;
			if (cur->wait_since == 0)
				cur->wait_since = it->m.at;
			take(cur, it);
		} else if (it->kind == K_OUT && (c || (c = cur)))
			outbound(c, it);
		else if (it->kind == K_LOG) {
			if (c == NULL && (c = cur) == NULL)
				c = cur = newconv(ib, p, it->conv ? it->conv : "c-", it->m.at);
			logged(c, it, &cur);
		}
	}
}

static void
itemfree(struct item *it)
{
	free(it->m.wamid), free(it->m.text), free(it->m.type);
	free(it->m.context), free(it->m.media), free(it->m.caption);
	free(it->m.by), free(it->m.key), free(it->m.agent);
	free(it->conv), free(it->agent), free(it->dept);
	free(it->asked), free(it->routes);
	free(it);
}

static void
personfree(void *v)
{
	struct person *p = v;
	size_t i;

	for (i = 0; i < p->n; i++)
		itemfree(p->it[i]);
	free(p->it), free(p->phone), free(p->name);
	free(p);
}

/* The customer file, indexed by same-user key and by id. */
static void
customers(struct wa_inbox *ib, const char *path)
{
	char *line = NULL, e164[WA_PHONE_MAX], pk[WA_PHONE_MAX], num[32];
	const char *ph, *id;
	size_t cap = 0;
	ssize_t len;
	json_t *o;
	FILE *fp;

	ib->custlist = json_array();
	if (path == NULL || (fp = fopen(path, "r")) == NULL) {
		if (path && errno != ENOENT)
			wa_die(WA_EXIT_FATAL, "%s:", path);
		return;
	}
	while ((len = getline(&line, &cap, fp)) > 0) {
		if ((o = json_loadb(line, (size_t)len, 0, NULL)) == NULL || !json_is_object(o)) {
			json_decref(o);
			continue;
		}
		json_array_append_new(ib->custlist, o);
		if ((ph = wa_json_str(o, "phone")) && wa_phone_norm(ph,
		    wa_json_str(o, "country"), e164) == WA_PHONE_OK) {
			wa_phone_key(e164, pk);
			wa_hash_put(ib->custs, pk, o);
		}
		if (json_is_integer(json_object_get(o, "id")))
			snprintf(num, sizeof num, "%lld", (long long)json_integer_value(json_object_get(o, "id")));
		id = json_is_integer(json_object_get(o, "id")) ? num : wa_json_nestr(o, "id");
		if (id)
			wa_hash_put(ib->custids, id, o);
	}
	free(line);
	fclose(fp);
}

/* The tier: the record's, else the first of wa-segment --tiers it matches. */
static char *
tier(json_t *cust, struct wa_rules *rs)
{
	size_t i;

	if (cust == NULL)
		return NULL;
	if (wa_json_nestr(cust, "tier"))
		return wa_strdup(wa_json_nestr(cust, "tier"));
	for (i = 0; i < rs->n; i++)
		if (wa_rules_test(&rs->r[i], cust, wa_now()))
			return wa_strdup(rs->r[i].name);
	return NULL;
}

struct wa_inbox *
wa_inbox_load(const struct wa_inbox_paths *p)
{
	static const char *const sk[] = { "event", "wamid", "from", "at", "type",
	    "text", "context", "content", "name", "key", "status" };
	static const char *const lk[] = { "event", "key", "to", "campaign", "at",
	    "wamid", "retry", "until" };
	static const char *const gk[] = { "event", "conv", "phone", "agent",
	    "dept", "text", "key", "template", "at", "media", "type", "caption",
	    "reason", "asked", "routes" };
	struct fold f = { 0 };
	struct wa_inbox *ib = wa_calloc(1, sizeof *ib);
	struct wa_rules *rs = wa_rules_parse(wa_rules_tiers, "--tiers", WA_RULES_SEGMENTS);
	char pk[WA_PHONE_MAX];
	size_t i;

	ib->byid = wa_hash_new();
	ib->byphone = wa_hash_new();
	ib->custs = wa_hash_new();
	ib->custids = wa_hash_new();
	ib->win = wa_window_new();
	f.ib = ib;
	f.people = wa_hash_new();
	f.outs = wa_hash_new();
	f.replied = wa_hash_new();
	f.replies = json_array();
	scan(p->log, gk, sizeof gk / sizeof *gk, NULL, onlog, &f);
	scan(p->ledger, lk, sizeof lk / sizeof *lk, NULL, onledger, &f);
	/* most of a spool is statuses: with no message sent, none is read */
	scan(p->events, sk, sizeof sk / sizeof *sk, wa_hash_count(f.outs) ?
	    "\"event\"" : "\"message\"", onspool, &f);
	for (i = 0; i < f.npl; i++)
		cut(ib, f.pl[i]);
	customers(ib, p->customers);
	for (i = 0; i < ib->n; i++) {
		struct wa_conv *c = ib->conv[i];

		wa_phone_key(c->phone, pk);
		c->cust = wa_hash_get(ib->custs, pk);
		c->tier = tier(c->cust, rs);
	}
	wa_rules_free(rs);
	wa_hash_free_with(f.people, personfree);
	wa_hash_free(f.outs), wa_hash_free(f.replied);
	json_decref(f.replies);
	free(f.pl);
	return ib;
}

json_t *
wa_inbox_customer(struct wa_inbox *ib, const char *who)
{
	char e164[WA_PHONE_MAX], pk[WA_PHONE_MAX];
	json_t *c;

	if ((c = wa_hash_get(ib->custids, who)) != NULL)
		return c;
	if (wa_phone_norm(who, NULL, e164) != WA_PHONE_OK)
		return NULL;
	wa_phone_key(e164, pk);
	return wa_hash_get(ib->custs, pk);
}

struct wa_conv *
wa_inbox_find(struct wa_inbox *ib, const char *who)
{
	char e164[WA_PHONE_MAX], pk[WA_PHONE_MAX];
	const char *ph = who;
	struct wa_conv *c;
	json_t *cust;

	if ((c = wa_hash_get(ib->byid, who)) != NULL)
		return c;
	if ((cust = wa_hash_get(ib->custids, who)) != NULL && wa_json_str(cust, "phone"))
		ph = wa_json_str(cust, "phone");
	if (wa_phone_norm(ph, cust ? wa_json_str(cust, "country") : NULL, e164) != WA_PHONE_OK)
		return NULL;
	wa_phone_key(e164, pk);
	return wa_hash_get(ib->byphone, pk);
}

const char *
wa_conv_state(const struct wa_conv *c, time_t now)
{
	(void)now;
	if (c->closed)
		return "closed";
	if (c->wait_since == 0 && c->last_person)
		return "answered";
	if (c->handed && c->agent == NULL)
		return "handed_off";
	if (c->handed || c->agent || c->last_bot < c->last_in || c->last_in == 0)
		return "waiting";
	return "bot";
}

/* The last thing said, in or out. */
static const char *
lastsaid(const struct wa_conv *c)
{
	size_t i = c->nmsg;

	while (i-- > 0)
		if (c->msg[i].dir != '#')
			return c->msg[i].text ? c->msg[i].text : c->msg[i].caption ?
			    c->msg[i].caption : c->msg[i].type ? c->msg[i].type :
			    c->msg[i].by;
	return NULL;
}

static char *
fullname(const struct wa_conv *c)
{
	const char *f = wa_json_nestr(c->cust, "first_name");
	const char *l = wa_json_nestr(c->cust, "last_name");

	if (f && l)
		return wa_strjoin(f, " ", l);
	return wa_strdup0(f ? f : l ? l : c->name);
}

json_t *
wa_conv_row(const struct wa_conv *c, const struct wa_sla *s, time_t now)
{
	const char *st = wa_conv_state(c, now);
	int waits = strcmp(st, "waiting") == 0 || strcmp(st, "handed_off") == 0;
	time_t due = waits && c->wait_since ? wa_agent_due(s->working ?
	    wa_agents_get(s->agents, c->agent) : NULL, c->wait_since, wa_sla_for(s, c->tier)) : 0;
	json_t *o = json_object(), *id = c->cust ? json_object_get(c->cust, "id") : NULL;
	long long left = c->last_in ? (long long)(c->last_in + WA_WINDOW - now) : 0;
	char *name = fullname(c);

	json_object_set_new(o, "id", json_string(c->id));
	json_object_set_new(o, "phone", json_string(c->phone));
	json_object_set(o, "customer", id ? id : json_null());
	wa_json_setstr(o, "name", name);
	free(name);
	wa_json_setstr(o, "tier", c->tier);
	json_object_set_new(o, "tags", c->cust && json_object_get(c->cust, "tags") ?
	    json_incref(json_object_get(c->cust, "tags")) : json_array());
	wa_json_setstr(o, "dept", c->dept);
	wa_json_setstr(o, "agent", c->agent);
	json_object_set_new(o, "state", json_string(st));
	wa_json_settime(o, "opened", c->opened);
	json_object_set_new(o, "waited", waits && c->wait_since ?
	    json_integer((json_int_t)(now - c->wait_since)) : json_null());
	wa_json_settime(o, "sla_due", due);
	json_object_set_new(o, "breached", json_boolean(due && now > due));
	json_object_set_new(o, "window_left", json_integer(left > 0 ? left : 0));
	wa_json_settime(o, "closed", c->closed);
	wa_json_setstr(o, "last", lastsaid(c));
	return o;
}

const struct wa_tmsg *
wa_conv_collision(const struct wa_conv *c, const char *me, time_t since)
{
	static const char pre[] = WA_INBOX_CAMPAIGN "/";
	size_t i = c->nmsg;

	while (i-- > 0 && c->msg[i].at >= since) {
		const struct wa_tmsg *m = &c->msg[i];

		if (m->dir == '>' && m->key && m->by && strncmp(m->key, pre,
		    sizeof pre - 1) == 0 && strcmp(m->by, me) != 0 &&
		    m->state != WA_LEDGER_FAILED && m->state != WA_LEDGER_RETRY)
			return m;
	}
	return NULL;
}

static void
convfree(void *v)
{
	struct wa_conv *c = v;
	size_t i;

	for (i = 0; i < c->nmsg; i++) {
		free(c->msg[i].wamid), free(c->msg[i].text), free(c->msg[i].type);
		free(c->msg[i].context), free(c->msg[i].media), free(c->msg[i].caption);
		free(c->msg[i].by), free(c->msg[i].key), free(c->msg[i].agent);
	}
	free(c->msg), free(c->phone), free(c->name), free(c->tier);
	free(c->dept), free(c->agent), free(c->last_person_agent);
	free(c->asked), free(c->routes);
	free(c);
}

void
wa_inbox_free(struct wa_inbox *ib)
{
	size_t i;

	if (ib == NULL)
		return;
	for (i = 0; i < ib->n; i++)
		convfree(ib->conv[i]);
	free(ib->conv);
	wa_hash_free(ib->byid), wa_hash_free(ib->byphone);
	wa_hash_free(ib->custs), wa_hash_free(ib->custids);
	json_decref(ib->custlist);
	wa_window_free(ib->win);
	free(ib);
}
