/* report.c: the KPIs of wa-report, from the ledger, webhook events and orders. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"
#include "send.h"
#include "report.h"
#include "report-int.h"

uint32_t
wa_rep_get(struct wa_hash *h, const char *key)
{
	return (uint32_t)(uintptr_t)wa_hash_get(h, key);
}

void
wa_rep_put(struct wa_hash *h, const char *key, size_t idx)
{
	wa_hash_put(h, key, (void *)(uintptr_t)(idx + 1));
}

uint32_t
wa_rep_intern(struct names *nm, const char *s)
{
	uint32_t i;

	if (nm->h == NULL) {
		nm->h = wa_hash_new();
		nm->s = wa_calloc(1, sizeof *nm->s);
	}
	if ((i = wa_rep_get(nm->h, s)) != 0)
		return i;
	nm->s = wa_realloc(nm->s, (nm->n + 2) * sizeof *nm->s);
	nm->s[++nm->n] = wa_strdup(s);
	wa_rep_put(nm->h, s, nm->n - 1);
	return (uint32_t)nm->n;
}

void
wa_rep_names_free(struct names *nm)
{
	size_t i;

	for (i = 1; nm->s && i <= nm->n; i++)
		free(nm->s[i]);
	free(nm->s);
	wa_hash_free(nm->h);
}

int
wa_rep_timeof(json_t *o, const char *key, time_t *t)
{
	const char *s = wa_json_nestr(o, key);

	return s && wa_time_parse(s, WA_DATES_ANY, t) == 0 ? 0 : -1;
}

int
wa_rep_inperiod(const struct wa_report *r, time_t t)
{
	return t >= r->o.since && (r->o.until == 0 || t < r->o.until);
}

/* Did the message leave: the API took it, or a webhook speaks of it? */
int
wa_rep_wentout(const struct msg *m)
{
	return m->ledger == WA_LEDGER_SENT || m->status != ST_NONE;
}

/* Might it have reached the customer: it left and did not fail. */
int
wa_rep_reached(const struct msg *m)
{
	return wa_rep_wentout(m) && m->status != ST_FAILED;
}

struct wa_report *
wa_report_new(const struct wa_report_opt *o)
{
	struct wa_report *r = wa_calloc(1, sizeof *r);

	r->o = *o;
	r->bykey = wa_hash_new();
	r->bywamid = wa_hash_new();
	r->byphone = wa_hash_new();
	r->byid = wa_hash_new();
	r->bybuyer = wa_hash_new();
	r->orders = wa_hash_new();
	r->scales = wa_hash_new();
	r->scores = wa_hash_new();
	wa_rep_intern(&r->camps, "-");
	wa_rep_intern(&r->tiers, "-");
	wa_rep_intern(&r->variants, "-");
	return r;
}

/* The recipient of phone TO or customer ID, known or new. */
static uint32_t
recipfor(struct wa_report *r, const char *to, const char *id)
{
	char pk[WA_PHONE_MAX] = "";
	uint32_t i = 0;

	if (to) {
		wa_phone_key(to, pk);
		i = wa_rep_get(r->byphone, pk);
	}
	if (i == 0 && id)
		i = wa_rep_get(r->byid, id);
	if (i == 0) {
		r->rc = wa_grow(r->rc, &r->caprc, r->nrc, sizeof *r->rc);
		memset(&r->rc[r->nrc], 0, sizeof *r->rc);
		i = (uint32_t)++r->nrc;
	}
	if (*pk && wa_rep_get(r->byphone, pk) == 0)
		wa_rep_put(r->byphone, pk, i - 1);
	if (id && wa_rep_get(r->byid, id) == 0)
		wa_rep_put(r->byid, id, i - 1);
	return i - 1;
}

/*
 * wa-send --reply keys its answers CAMPAIGN/<the customer's wamid>: such
 * campaigns are kept, to tell an automatic answer by its key.
 */
static void
replycamp(struct wa_report *r, uint32_t camp)
{
	size_t i;

	for (i = 0; i < r->nreplycamps; i++)
		if (r->replycamps[i] == camp)
			return;
	r->replycamps = wa_realloc(r->replycamps,
	    (r->nreplycamps + 1) * sizeof *r->replycamps);
	r->replycamps[r->nreplycamps++] = camp;
}

/* A message for ledger key KEY, "campaign/customer" when other fields are missing. */
static uint32_t
newmsg(struct wa_report *r, json_t *e, const char *key, time_t t)
{
	const char *camp = wa_json_nestr(e, "campaign"), *id = wa_json_nestr(e, "id");
	const char *slash = strchr(key, '/');
	struct msg *m;
	char *c = NULL;

	if (camp == NULL && slash)
		camp = c = wa_strndup(key, (size_t)(slash - key));
	if (id == NULL && slash && slash[1])
		id = slash + 1;
	r->m = wa_grow(r->m, &r->capm, r->nm, sizeof *r->m);
	m = &r->m[r->nm];
	memset(m, 0, sizeof *m);
	m->at = t;
	m->camp = camp ? wa_rep_intern(&r->camps, camp) : 1;
	m->recip = recipfor(r, wa_json_nestr(e, "to"), id);
	m->variant = 1;
	if (id && strncmp(id, "wamid.", 6) == 0)
		replycamp(r, m->camp);
	free(c);
	wa_rep_put(r->bykey, key, r->nm);
	return (uint32_t)r->nm++;
}

int
wa_report_ledger(struct wa_report *r, json_t *e, const char **why)
{
	const char *ev = wa_json_nestr(e, "event"), *key = wa_json_nestr(e, "key");
	const char *wamid = wa_json_nestr(e, "wamid"), *arm = wa_json_nestr(e, "variant");
	const char *cls;
	uint32_t i;
	time_t t;
	int st;

	if (ev == NULL || key == NULL)
		return *why = "not a ledger entry: no event or key", -1;
	if ((st = wa_ledger_event_state(ev, e)) == WA_LEDGER_NONE)
		return *why = "not a ledger entry: unknown event", -1;
	if (wa_rep_timeof(e, "at", &t) < 0)
		return *why = "no valid time in 'at'", -1;
	if ((i = wa_rep_get(r->bykey, key)) == 0) {
		/* Memory is for the messages of the period only. */
		if (!wa_rep_inperiod(r, t))
			return 0;
		i = newmsg(r, e, key, t) + 1;
	}
	if (st == WA_LEDGER_ATTEMPT || st == WA_LEDGER_HELD)
		r->m[i - 1].at = t;
	r->m[i - 1].ledger = (unsigned char)st;
	/* wa-mail's entries say so; wa-send's, older than e-mail, say nothing */
	if (wa_json_nestr(e, "channel") && strcmp(wa_json_nestr(e, "channel"), "email") == 0) {
		r->m[i - 1].flags |= F_EMAIL;
		/* a 5xx to RCPT (wa-mail's class "bounce"): the address is no more */
		if (st == WA_LEDGER_FAILED && (cls = wa_json_nestr(json_object_get(e,
		    "error"), "class")) != NULL && strcmp(cls, "bounce") == 0)
			r->m[i - 1].flags |= F_BOUNCE;
	}
	/* Past 65535 arms, the others are none: no test has so many. */
	if (arm && (r->variants.n < UINT16_MAX || wa_rep_get(r->variants.h, arm)))
		r->m[i - 1].variant = (uint16_t)wa_rep_intern(&r->variants, arm);
	if (wamid)
		wa_rep_put(r->bywamid, wamid, i - 1);
	return 0;
}

/* An e-mail of the period whose link ADDR used to unsubscribe from CAMPAIGN. */
static void
unsub(const char *addr, const char *campaign, time_t at, void *ctx)
{
	struct wa_report *r = ctx;
	char *key = wa_strjoin(campaign, "/email:", addr);
	uint32_t i = wa_rep_get(r->bykey, key);

	if (i && r->m[i - 1].at <= at) {
		r->m[i - 1].flags |= F_UNSUB;
		wa_rep_newact(r, A_UNSUB, r->m[i - 1].recip, at)->msg = i;
	}
	free(key);
}

int
wa_report_unsubs(struct wa_report *r, const char *path)
{
	return wa_esupp_unsubs(path, unsub, r);
}

/* The recipient RC became, joined to another (wa_report_join). */
static uint32_t
root(const struct wa_report *r, uint32_t rc)
{
	while (r->alias && r->alias[rc] != rc)
		rc = r->alias[rc];
	return rc;
}

void
wa_report_join(struct wa_report *r, json_t *c)
{
	const char *id = wa_json_nestr(c, "id"), *phone = wa_json_nestr(c, "phone");
	char pk[WA_PHONE_MAX];
	uint32_t i, j;
	size_t k;

	if (id == NULL || phone == NULL || (i = wa_rep_get(r->byid, id)) == 0)
		return;
	wa_phone_key(phone, pk);
	i = root(r, i - 1);
	if ((j = wa_rep_get(r->byphone, pk)) != 0 && (j = root(r, j - 1)) != i) {
		if (r->alias == NULL) {
			r->alias = wa_calloc(r->nrc + 1, sizeof *r->alias);
			for (k = 0; k < r->nrc; k++)
				r->alias[k] = (uint32_t)k;
		}
		r->alias[j] = i;
	}
	wa_rep_put(r->byphone, pk, i);
}

/* The joins of wa_report_join made: each message and act to its recipient's root. */
static void
rejoin(struct wa_report *r)
{
	size_t i;

	for (i = 0; r->alias && i < r->nm; i++)
		r->m[i].recip = root(r, r->m[i].recip);
	for (i = 0; r->alias && i < r->na; i++)
		r->a[i].recip = root(r, r->a[i].recip);
	free(r->alias);
	r->alias = NULL;
}

/*
 * Each recipient's messages, oldest first: a counting sort by recipient,
 * then insertion sort by time, quick as the ledger is nearly in order.
 */
void
wa_report_index(struct wa_report *r)
{
	size_t i, j, k;
	uint32_t v, *p;

	rejoin(r);
	for (i = 0; i < r->nrc; i++)
		r->rc[i].n = 0;
	for (i = 0; i < r->nm; i++)
		r->rc[r->m[i].recip].n++;
	for (i = 0, k = 0; i < r->nrc; i++) {
		r->rc[i].first = (uint32_t)k;
		k += r->rc[i].n;
		r->rc[i].n = 0;
	}
	free(r->byrecip);
	r->byrecip = wa_calloc(r->nm, sizeof *r->byrecip);
	for (i = 0; i < r->nm; i++) {
		struct recip *c = &r->rc[r->m[i].recip];

		r->byrecip[c->first + c->n++] = (uint32_t)i;
	}
	for (i = 0; i < r->nrc; i++) {
		p = r->byrecip + r->rc[i].first;
		for (j = 1; j < r->rc[i].n; j++) {
			v = p[j];
			for (k = j; k > 0 && r->m[p[k - 1]].at > r->m[v].at; k--)
				p[k] = p[k - 1];
			p[k] = v;
		}
	}
}

/* Position in C's messages of the first one sent after T. */
uint32_t
wa_rep_after(struct wa_report *r, const struct recip *c, time_t t)
{
	const uint32_t *p = r->byrecip + c->first;
	uint32_t lo = 0, hi = c->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->m[p[mid]].at <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct msg *
wa_rep_latest(struct wa_report *r, uint32_t rc, time_t t, long long maxage)
{
	const struct recip *c = &r->rc[rc];
	uint32_t k = wa_rep_after(r, c, t);
	struct msg *m;

	while (k-- > 0) {
		m = &r->m[r->byrecip[c->first + k]];
		if (t - m->at > maxage)
			break;
		if (wa_rep_reached(m))
			return m;
	}
	return NULL;
}

/* The first message that reached recipient RC sent after T, or NULL. */
static struct msg *
next(struct wa_report *r, uint32_t rc, time_t t)
{
	const struct recip *c = &r->rc[rc];
	uint32_t k;

	for (k = wa_rep_after(r, c, t); k < c->n; k++)
		if (wa_rep_reached(&r->m[r->byrecip[c->first + k]]))
			return &r->m[r->byrecip[c->first + k]];
	return NULL;
}

static int
statusrank(const char *s)
{
	static const char *const rank[] = { "sent", "delivered", "read", "failed" };
	int i;

	for (i = 0; s && i < 4; i++)
		if (strcmp(s, rank[i]) == 0)
			return i + 1;
	return ST_NONE;
}

static void
status(struct wa_report *r, json_t *e)
{
	const char *wamid = wa_json_nestr(e, "wamid"), *key = wa_json_nestr(e, "key");
	int st = statusrank(wa_json_nestr(e, "status"));
	uint32_t i = wamid ? wa_rep_get(r->bywamid, wamid) : 0;
	struct msg *m;

	if (i == 0 && key)
		i = wa_rep_get(r->bykey, key);
	if (i == 0 || st == ST_NONE)
		return;
	m = &r->m[i - 1];
	if (st > m->status)
		m->status = (unsigned char)st;
}

static uint32_t
sender(struct wa_report *r, json_t *e)
{
	const char *from = wa_json_nestr(e, "from");
	char pk[WA_PHONE_MAX];

	if (from == NULL)
		return 0;
	wa_phone_key(from, pk);
	return wa_rep_get(r->byphone, pk);
}

struct act *
wa_rep_newact(struct wa_report *r, int kind, uint32_t rc, time_t t)
{
	struct act *a;

	r->a = wa_grow(r->a, &r->capa, r->na, sizeof *r->a);
	a = &r->a[r->na++];
	memset(a, 0, sizeof *a);
	a->kind = (unsigned char)kind;
	a->recip = rc;
	a->t = t;
	return a;
}

/* Message I of ledger key CAMPAIGN/ID, + 1; 0: none. */
static uint32_t
bykey(struct wa_report *r, uint32_t camp, const char *id, struct wa_buf *b)
{
	wa_buf_reset(b);
	wa_buf_adds(b, r->camps.s[camp]);
	wa_buf_addc(b, '/');
	wa_buf_adds(b, id);
	return wa_rep_get(r->bykey, wa_buf_str(b));
}

/* The automatic answer of wa-send --reply to the customer's message WAMID, + 1; 0: none. */
uint32_t
wa_rep_autoreply(struct wa_report *r, const char *wamid)
{
	struct wa_buf b = { 0 };
	uint32_t i = 0, j;
	size_t k;

	for (k = 0; wamid && k < r->nreplycamps; k++)
		if ((j = bykey(r, r->replycamps[k], wamid, &b)) != 0 &&
		    (i == 0 || r->m[j - 1].at < r->m[i - 1].at))
			i = j;
	wa_buf_free(&b);
	return i;
}

/*
 * A message tagged by a wa-link link: its writer is a recipient, whether
 * or not we ever wrote to them, and the first tag they sent is their source.
 */
static uint32_t
tagged(struct wa_report *r, const char *from, const char *ref, time_t t)
{
	uint32_t rc = recipfor(r, from, NULL);
	struct recip *c = &r->rc[rc];

	if (c->ref == 0 || t < c->reft) {
		c->ref = wa_rep_intern(&r->refs, ref);
		c->reft = t;
	}
	return rc + 1;
}

/* A survey answer: a button's SCORE:N, or a bare number (kept for --survey). */
static void
answer(struct wa_report *r, json_t *e, uint32_t rc, time_t t, uint32_t i)
{
	int kind = A_SCORE, score = wa_survey_payload(wa_json_nestr(e, "payload"));
	struct act *a;

	if (score < 0) {
		kind = A_BARE;
		score = wa_survey_bare(wa_json_nestr(e, "text"));
	}
	if (score < 0)
		return;
	a = wa_rep_newact(r, kind, rc, t);
	a->msg = i;
	a->score = (signed char)score;
	/* the inbox's close surveys (respond.c) may have gone before the period */
	if (kind == A_SCORE && wa_json_nestr(e, "context"))
		wa_hash_put(r->scores, wa_json_nestr(e, "context"), (void *)(intptr_t)(score + 1));
}

/* A customer wrote: a reply to what it quotes, and a wait for our answer. */
static void
wrote(struct wa_report *r, json_t *e, time_t t)
{
	const char *ctx = wa_json_nestr(e, "context"), *ref = wa_json_nestr(e, "ref");
	uint32_t rc = sender(r, e), i = ctx ? wa_rep_get(r->bywamid, ctx) : 0;
	uint32_t ans = wa_rep_autoreply(r, wa_json_nestr(e, "wamid"));
	struct act *a;

	/* What answered by itself is no person's answer. */
	if (ans)
		r->m[ans - 1].flags |= F_AUTO;
	if (ref && wa_json_nestr(e, "from"))
		rc = tagged(r, wa_json_nestr(e, "from"), ref, t);
	/* A quote tells whose it is, when the number does not. */
	if (rc == 0 && i)
		rc = r->m[i - 1].recip + 1;
	if (rc == 0)
		return;
	a = wa_rep_newact(r, A_WROTE, rc - 1, t);
	a->msg = i;
	a->camp = ref ? wa_rep_refcamp(r, ref) : 0;
	answer(r, e, rc - 1, t, i);
}

/*
 * wa-hook writes the opt-out a message means just after that message, with
 * its time: the message is an opt-out, not a reply. A few events back at
 * most, as a webhook's batch is small.
 */
static void
stopmsg(struct wa_report *r, uint32_t rc, time_t t)
{
	size_t i, n;

	for (i = r->na, n = 0; i > 0 && n < 256; i--, n++)
		if (r->a[i - 1].kind == A_WROTE && r->a[i - 1].recip == rc &&
		    r->a[i - 1].t == t) {
			r->a[i - 1].stop = 1;
			return;
		}
}

int
wa_report_event(struct wa_report *r, json_t *e, const char **why)
{
	const char *ev = wa_json_nestr(e, "event");
	uint32_t rc;
	time_t t;

	if (ev == NULL)
		return *why = "not an event: no 'event'", -1;
	if (strcmp(ev, "order") == 0)
		return wa_report_order(r, e, why);
	if (strcmp(ev, "status") == 0) {
		status(r, e);
		return 0;
	}
	if (strcmp(ev, "message") != 0 && strcmp(ev, "opt_out") != 0)
		return 0;	/* opt_in, checkout: nothing to count */
	if (wa_rep_timeof(e, "at", &t) < 0)
		return *why = "no valid time in 'at'", -1;
	if (strcmp(ev, "message") == 0)
		wrote(r, e, t);
	else if ((rc = sender(r, e)) != 0) {
		stopmsg(r, rc - 1, t);
		wa_rep_newact(r, A_OPTOUT, rc - 1, t);
	}
	return 0;
}

int
wa_report_customer(struct wa_report *r, json_t *c)
{
	const char *tier = wa_json_nestr(c, "tier"), *id = wa_json_nestr(c, "id");
	const char *phone = wa_json_nestr(c, "phone");
	char pk[WA_PHONE_MAX];
	uint32_t i = id ? wa_rep_get(r->byid, id) : 0;

	if (tier == NULL)
		tier = wa_json_nestr(c, "segment");
	if (i == 0 && phone) {
		wa_phone_key(phone, pk);
		i = wa_rep_get(r->byphone, pk);
		/* Its orders by customer id now join what its number did. */
		if (i && id && wa_rep_get(r->byid, id) == 0)
			wa_rep_put(r->byid, id, i - 1);
	}
	if (i == 0 || tier == NULL)
		return 0;
	r->rc[i - 1].tier = wa_rep_intern(&r->tiers, tier);
	return 1;
}

static uint32_t
idx(struct wa_report *r, const struct msg *m)
{
	return m ? (uint32_t)(m - r->m) + 1 : 0;
}

/*
 * A customer's message replies to the one it quotes, or to the latest that
 * reached them in the reply window, and waits for the next one. An opt-out
 * is for the latest in the reply window; an order for the latest in the
 * conversion window, and it is a messaged customer's order when any
 * message reached them before it.
 */
void
wa_rep_match(struct wa_report *r)
{
	struct msg *m;
	struct act *a;
	size_t i;

	if (r->matched++)
		return;
	for (i = 0; i < r->na; i++) {
		a = &r->a[i];
		switch (a->kind) {
		case A_WROTE:
			if (a->stop)
				break;
			if (a->msg)
				r->m[a->msg - 1].flags |= F_REPLIED;
			else if ((m = wa_rep_latest(r, a->recip, a->t,
			    r->o.replywin)) != NULL)
				m->flags |= F_REPLIED;
			if ((m = next(r, a->recip, a->t)) != NULL &&
			    (m->waitfrom == 0 || a->t < m->waitfrom))
				m->waitfrom = a->t;
			break;
		case A_OPTOUT:
			if ((m = wa_rep_latest(r, a->recip, a->t, r->o.replywin)) != NULL)
				m->flags |= F_OPTOUT;
			break;
		case A_SCORE:
		case A_BARE:
			if (a->msg == 0)
				a->msg = idx(r, wa_rep_latest(r, a->recip, a->t,
				    r->o.replywin));
			/* A bare number answers a --survey campaign only. */
			if (a->kind == A_BARE && a->msg && wa_rep_get(r->scales,
			    r->camps.s[r->m[a->msg - 1].camp]) == 0)
				a->msg = 0;
			break;
		case A_ORDER:
			a->msg = idx(r, wa_rep_latest(r, a->recip, a->t, r->o.window));
			if (a->cur && a->inperiod)
				wa_rep_addamount(wa_rep_latest(r, a->recip, a->t, LLONG_MAX) ?
				    &r->messaged[a->cur] : &r->others[a->cur],
				    a->amount, a->shopcur ?
				    r->shopcurs.s[a->shopcur] : NULL, a->shopamt);
			break;
		}
	}
}
