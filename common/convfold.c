/*
 * convfold.c: the fold of conversations. Each line of the spool, the ledger
 * and the inbox log becomes an item of a person's history (a customer's
 * message, a message to them, a line of the log); a person's items, in
 * time, are then cut into conversations: one opens with a customer's
 * message (or an agent's "opened") and ends with "closed"; the next message
 * opens another. A message to a person with no conversation open at its
 * time is in none (dropped). On a snapshot (convsnap.c) only the people
 * the tails touch are cut again, from their kept items and the new ones.
 */
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"
#include "send.h"
#include "inbox.h"
#include "convs-int.h"

/* wa_grow starts at 256: too many for a person's few messages, times 100,000 people. */
static void *
more(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 4;
	return wa_realloc(p, *cap * size);
}

struct person *
wa_fold_person(struct fold *f, const char *phone)
{
	char e164[WA_PHONE_MAX];

	if (phone == NULL || wa_phone_norm(phone, NULL, e164) != WA_PHONE_OK)
		return NULL;
	return wa_fold_e164(f, e164);
}

struct person *
wa_fold_e164(struct fold *f, const char *e164)
{
	char pk[WA_PHONE_MAX];
	struct person *p;

	wa_phone_key(e164, pk);
	if ((p = wa_hash_get(f->people, pk)) == NULL) {
		p = wa_calloc(1, sizeof *p);
		p->phone = wa_strdup(e164);
		p->loaded = 1;
		wa_hash_put(f->people, pk, p);
		f->pl = wa_grow(f->pl, &f->plcap, f->npl, sizeof *f->pl);
		f->pl[f->npl++] = p;
	}
	return p;
}

/*
 * P with its kept items read, to be cut again: on a snapshot, NULL when
 * the tails cannot go onto it (the person's stored state is unreadable).
 */
static struct person *
touch(struct fold *f, struct person *p)
{
	if (p == NULL || wa_snap_person(f, p) < 0)
		return NULL;
	p->touched = 1;
	return p;
}

static struct item *
additem(struct fold *f, struct person *p, int kind, const char *at)
{
	struct item *it;
	time_t t;

	if (p == NULL || at == NULL || wa_time_parse(at, WA_DATES_ANY, &t) < 0 ||
	    touch(f, p) == NULL)
		return NULL;
	/*
	 * A message in no conversation is not kept: a line before it, which
	 * could open one, means folding everything again (convsnap.c).
	 */
	if (f->tail && kind != K_OUT && (t <= f->horizon || t < p->lastdrop ||
	    (kind == K_IN && t == p->lastdrop)))
		f->stale = 1;
	it = wa_calloc(1, sizeof *it);
	it->who = p;
	it->kind = kind;
	it->seq = f->seq++;
	it->m.at = t;
	if (t > f->maxat)
		f->maxat = t;
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

/*
 * The item of ledger key K: this fold's, else, on a snapshot, a kept one
 * of the person an open key or PHONE names (read then). *OK gets the
 * open key, which may be one in no conversation.
 */
static struct item *
outitem(struct fold *f, const char *k, const char *phone, struct okey **ok)
{
	char e164[WA_PHONE_MAX], pk[WA_PHONE_MAX];
	struct person *p = NULL;
	struct item *it;

	*ok = NULL;
	if (k == NULL)
		return NULL;
	if ((it = wa_hash_get(f->outs, k)) != NULL || !f->tail)
		return it;
	if ((*ok = wa_hash_get(f->open, k)) != NULL && !(*ok)->dropped)
		p = wa_hash_get(f->people, (*ok)->pk);
	else if (*ok == NULL && phone && wa_phone_norm(phone, NULL, e164) == WA_PHONE_OK) {
		wa_phone_key(e164, pk);
		p = wa_hash_get(f->people, pk);
	}
	if (p && wa_snap_person(f, p) < 0)
		f->stale = 1;
	return wa_hash_get(f->outs, k);
}

/* A status of one of the ledger's keys: the furthest it went. */
static void
setrank(struct fold *f, json_t *o)
{
	const char *k = wa_json_str(o, "key"), *to = wa_json_str(o, "to");
	int r = rank(wa_json_str(o, "status"));
	struct okey *ok;
	struct item *it = outitem(f, k, to, &ok);

	/* on a snapshot, a key of no one known may be a kept one's */
	if (it == NULL && f->tail && k && ok == NULL && to == NULL)
		f->stale = 1;
	if (it && r > it->m.status) {
		it->m.status = r;
		it->who->touched = 1;
	}
}

void
wa_fold_spool(struct fold *f, json_t *o)
{
	const char *ev = wa_json_str(o, "event");
	json_t *c = json_object_get(o, "content");
	struct person *p;
	struct item *it;

	if (ev && strcmp(ev, "status") == 0) {
		setrank(f, o);
		return;
	}
	if (ev == NULL || strcmp(ev, "message") != 0 ||
	    (it = additem(f, p = wa_fold_person(f, wa_json_str(o, "from")), K_IN,
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
}

/* What a log's replied entry R says of the reply it sent. */
static void
replied(struct item *it, json_t *r)
{
	char **s[] = { &it->agent, &it->conv, &it->m.text, &it->m.media, &it->m.type,
	    &it->m.caption };
	static const char *const k[] = { "agent", "conv", "text", "media", "type", "caption" };
	size_t i;

	for (i = 0; i < sizeof k / sizeof *k; i++) {
		free(*s[i]);
		*s[i] = wa_strdup0(wa_json_str(r, k[i]));
	}
	if (it->m.text == NULL)
		it->m.text = wa_strdup0(wa_json_str(r, "template"));
}

void
wa_fold_ledger(struct fold *f, json_t *o)
{
	const char *key = wa_json_str(o, "key"), *ev = wa_json_str(o, "event");
	struct okey *ok;
	struct item *it;
	json_t *r;

	if (key == NULL || ev == NULL)
		return;
	if ((it = outitem(f, key, NULL, &ok)) == NULL) {
		if (ok) {	/* in no conversation: only its state is kept */
			ok->state = wa_ledger_event_state(ev, o);
			return;
		}
		if (strcmp(ev, "attempt") != 0 || (it = additem(f,
		    wa_fold_person(f, wa_json_str(o, "to")), K_OUT, wa_json_str(o, "at"))) == NULL)
			return;
		it->m.dir = '>';
		it->m.key = wa_strdup(key);
		it->m.by = wa_strdup0(wa_json_str(o, "campaign"));
		if ((r = wa_hash_get(f->replied, key)) != NULL) {
			replied(it, r);
			wa_hash_put(f->replied, key, NULL);
		}
		wa_hash_put(f->outs, key, it);
	}
	it->who->touched = 1;
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

/* A replied entry: for the ledger's attempt to come, or, on a snapshot, to a kept one's. */
static void
onreplied(struct fold *f, json_t *o)
{
	const char *key = wa_json_str(o, "key");
	struct okey *ok;
	struct item *it;

	if (key == NULL)
		return;
	if ((it = outitem(f, key, wa_json_str(o, "phone"), &ok)) != NULL && f->tail) {
		replied(it, o);
		it->who->touched = 1;
		return;
	}
	json_array_append_new(f->replies, json_deep_copy(o));
	wa_hash_put(f->replied, key, json_array_get(f->replies, json_array_size(f->replies) - 1));
}

void
wa_fold_log(struct fold *f, json_t *o)
{
	const char *ev = wa_json_str(o, "event");
	struct item *it;

	if (!wa_inlog_event(ev))
		return;
	if (strcmp(ev, "replied") == 0) {
		onreplied(f, o);
		return;
	}
	if ((it = additem(f, wa_fold_person(f, wa_json_str(o, "phone")), K_LOG,
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

void
wa_fold_addconv(struct wa_inbox *ib, struct wa_conv *c)
{
	char pk[WA_PHONE_MAX];

	ib->conv = wa_grow(ib->conv, &ib->cap, ib->n, sizeof *ib->conv);
	ib->conv[ib->n++] = c;
	wa_hash_put(ib->byid, c->id, c);
	wa_phone_key(c->phone, pk);
	wa_hash_put(ib->byphone, pk, c);
}

static struct wa_conv *
newconv(struct wa_inbox *ib, struct person *p, const char *id, time_t at)
{
	struct wa_conv *c = wa_calloc(1, sizeof *c);

	snprintf(c->id, sizeof c->id, "%s", id);
	c->phone = wa_strdup(p->phone);
	c->name = wa_strdup0(p->name);
	c->opened = at;
	wa_fold_addconv(ib, c);
	return c;
}

/* Take IT's message into C's thread: its strings are the thread's now. */
static void
take(struct wa_conv *c, struct item *it)
{
	c->msg = more(c->msg, &c->cap, c->nmsg, sizeof *c->msg);
	c->msg[c->nmsg++] = it->m;
	it->taken = 1;
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

void
wa_fold_cut(struct wa_inbox *ib, struct person *p)
{
	struct wa_conv *cur = NULL, *c;
	char id[WA_CONV_IDSZ], tb[WA_TIMEBUF];
	struct item *it;
	size_t i, first = ib->n;

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
		else if (it->kind == K_OUT) {
			if (it->m.at > p->lastdrop)
				p->lastdrop = it->m.at;
		} else if (it->kind == K_LOG) {
			if (c == NULL && (c = cur) == NULL)
				c = cur = newconv(ib, p, it->conv ? it->conv : "c-", it->m.at);
			logged(c, it, &cur);
		}
	}
	for (i = first; i < ib->n; i++)
		wa_strset(&ib->conv[i]->last, lastsaid(ib->conv[i]));
}

void
wa_fold_itemfree(struct item *it)
{
	if (!it->taken) {
		free(it->m.wamid), free(it->m.type), free(it->m.context);
		free(it->m.media), free(it->m.caption), free(it->m.key);
		free(it->m.text), free(it->m.by), free(it->m.agent);
	}
	free(it->conv), free(it->agent), free(it->dept);
	free(it->asked), free(it->routes);
	free(it);
}

void
wa_fold_personfree(void *v)
{
	struct person *p = v;
	size_t i;

	for (i = 0; i < p->n; i++)
		wa_fold_itemfree(p->it[i]);
	free(p->it), free(p->phone), free(p->name);
	free(p);
}

void
wa_fold_free(struct fold *f)
{
	wa_hash_free_with(f->people, wa_fold_personfree);
	wa_hash_free(f->outs), wa_hash_free(f->replied);
	if (f->open)
		wa_hash_free_with(f->open, free);
	json_decref(f->replies);
	free(f->pl);
}
