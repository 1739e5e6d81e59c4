/* report.c: the KPIs of wa-report, from the ledger, webhook events and orders. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"
#include "send.h"
#include "report.h"

#define SIX_MONTHS (180 * 86400LL)

/* Webhook statuses by rank: the highest seen wins, and failed is final. */
enum { ST_NONE, ST_SENT, ST_DELIVERED, ST_READ, ST_FAILED };
enum { F_REPLIED = 1, F_OPTOUT = 2, F_AUTO = 4 };
/* A hold-out entry of an A/B test: the arm that gets no message. */
enum { L_HELD = WA_LEDGER_UNKNOWN + 1 };

/* One message of the period: 32 bytes, whatever the lines said about it. */
struct msg {
	time_t at;		/* when it went out: its last attempt */
	time_t waitfrom;	/* the first customer message it answered; 0: none */
	uint32_t recip, camp;
	unsigned char ledger;	/* WA_LEDGER_*, the last entry's */
	unsigned char status;	/* ST_* */
	unsigned char flags;	/* F_* */
	uint16_t variant;	/* in variants; 1: none */
};

struct recip {
	uint32_t first, n;	/* its messages in byrecip, oldest first */
	uint32_t tier;		/* in tiers; 0: not known */
	uint32_t ref;		/* in refs, of its first tagged message; 0: none */
	time_t reft;		/* when it wrote that message */
};

/*
 * What a recipient did, matched to our messages once every status is
 * known: only a message that reached them can be replied to or convert.
 */
enum { A_WROTE, A_OPTOUT, A_ORDER, A_SCORE, A_BARE };
struct act {
	time_t t;
	long long amount;	/* A_ORDER: minor units */
	uint32_t recip;
	uint32_t msg;		/* A_WROTE: the one quoted; A_ORDER: the one
				   it counts for, when matched; + 1, 0: none */
	uint32_t cur;		/* A_ORDER: in curs; 0: no amount */
	unsigned char kind;
	unsigned char inperiod;	/* A_ORDER: placed in the period */
	signed char score;	/* A_SCORE, A_BARE: the answer */
};

struct buyer {
	time_t first, second;	/* the two earliest orders; 0: none */
	uint32_t recip;		/* + 1; 0: no message went to this buyer */
};

/* Strings interned once, numbered from 1. */
struct names {
	struct wa_hash *h;
	char **s;
	size_t n;
};

struct wa_report {
	struct wa_report_opt o;
	struct msg *m;
	size_t nm, capm;
	struct recip *rc;
	size_t nrc, caprc;
	/* Values are indexes + 1, stored as pointers. */
	struct wa_hash *bykey, *bywamid, *byphone, *byid, *bybuyer, *orders;
	uint32_t *byrecip;	/* message indexes by recipient, then time */
	struct names camps, tiers, curs, variants, refs;
	struct wa_hash *scales;	/* --survey campaigns: their scale + 1 (1: guess) */
	uint32_t *replycamps;	/* campaigns of wa-send --reply: ids are wamids */
	size_t nreplycamps;
	struct act *a;
	size_t na, capa;
	int matched;		/* the acts were matched to messages */
	struct buyer *b;
	size_t nb, capb;
	struct wa_amount *site, *messaged, *others;	/* by currency, from 1 */
};

static uint32_t
get(struct wa_hash *h, const char *key)
{
	return (uint32_t)(uintptr_t)wa_hash_get(h, key);
}

static void
put(struct wa_hash *h, const char *key, size_t idx)
{
	wa_hash_put(h, key, (void *)(uintptr_t)(idx + 1));
}

static uint32_t
intern(struct names *nm, const char *s)
{
	uint32_t i;

	if (nm->h == NULL) {
		nm->h = wa_hash_new();
		nm->s = wa_calloc(1, sizeof *nm->s);
	}
	if ((i = get(nm->h, s)) != 0)
		return i;
	nm->s = wa_realloc(nm->s, (nm->n + 2) * sizeof *nm->s);
	nm->s[++nm->n] = wa_strdup(s);
	put(nm->h, s, nm->n - 1);
	return (uint32_t)nm->n;
}

static void
names_free(struct names *nm)
{
	size_t i;

	for (i = 1; nm->s && i <= nm->n; i++)
		free(nm->s[i]);
	free(nm->s);
	wa_hash_free(nm->h);
}

static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && *s ? s : NULL;
}

static int
timeof(json_t *o, const char *key, time_t *t)
{
	const char *s = str(o, key);

	return s && wa_time_parse(s, WA_DATES_ANY, t) == 0 ? 0 : -1;
}

static int
inperiod(const struct wa_report *r, time_t t)
{
	return t >= r->o.since && (r->o.until == 0 || t < r->o.until);
}

/* Did the message leave: the API took it, or a webhook speaks of it? */
static int
wentout(const struct msg *m)
{
	return m->ledger == WA_LEDGER_SENT || m->status != ST_NONE;
}

/* Might it have reached the customer: it left and did not fail. */
static int
reached(const struct msg *m)
{
	return wentout(m) && m->status != ST_FAILED;
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
	intern(&r->camps, "-");
	intern(&r->tiers, "-");
	intern(&r->variants, "-");
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
		i = get(r->byphone, pk);
	}
	if (i == 0 && id)
		i = get(r->byid, id);
	if (i == 0) {
		r->rc = wa_grow(r->rc, &r->caprc, r->nrc, sizeof *r->rc);
		memset(&r->rc[r->nrc], 0, sizeof *r->rc);
		i = (uint32_t)++r->nrc;
	}
	if (*pk && get(r->byphone, pk) == 0)
		put(r->byphone, pk, i - 1);
	if (id && get(r->byid, id) == 0)
		put(r->byid, id, i - 1);
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
	const char *camp = str(e, "campaign"), *id = str(e, "id");
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
	m->camp = camp ? intern(&r->camps, camp) : 1;
	m->recip = recipfor(r, str(e, "to"), id);
	m->variant = 1;
	if (id && strncmp(id, "wamid.", 6) == 0)
		replycamp(r, m->camp);
	free(c);
	put(r->bykey, key, r->nm);
	return (uint32_t)r->nm++;
}

static int
ledgerstate(const char *ev, json_t *e)
{
	if (strcmp(ev, "attempt") == 0)
		return WA_LEDGER_ATTEMPT;
	if (strcmp(ev, "sent") == 0)
		return WA_LEDGER_SENT;
	if (strcmp(ev, "unknown") == 0)
		return WA_LEDGER_UNKNOWN;
	if (strcmp(ev, "retry") == 0)
		return WA_LEDGER_RETRY;
	if (strcmp(ev, "held_out") == 0)
		return L_HELD;
	if (strcmp(ev, "failed") == 0)
		return json_is_true(json_object_get(e, "retry")) ?
		    WA_LEDGER_RETRY : WA_LEDGER_FAILED;
	return WA_LEDGER_NONE;
}

int
wa_report_ledger(struct wa_report *r, json_t *e, const char **why)
{
	const char *ev = str(e, "event"), *key = str(e, "key");
	const char *wamid = str(e, "wamid"), *arm = str(e, "variant");
	uint32_t i;
	time_t t;
	int st;

	if (ev == NULL || key == NULL)
		return *why = "not a ledger entry: no event or key", -1;
	if ((st = ledgerstate(ev, e)) == WA_LEDGER_NONE)
		return *why = "not a ledger entry: unknown event", -1;
	if (timeof(e, "at", &t) < 0)
		return *why = "no valid time in 'at'", -1;
	if ((i = get(r->bykey, key)) == 0) {
		/* Memory is for the messages of the period only. */
		if (!inperiod(r, t))
			return 0;
		i = newmsg(r, e, key, t) + 1;
	}
	if (st == WA_LEDGER_ATTEMPT || st == L_HELD)
		r->m[i - 1].at = t;
	r->m[i - 1].ledger = (unsigned char)st;
	/* Past 65535 arms, the others are none: no test has so many. */
	if (arm && (r->variants.n < UINT16_MAX || get(r->variants.h, arm)))
		r->m[i - 1].variant = (uint16_t)intern(&r->variants, arm);
	if (wamid)
		put(r->bywamid, wamid, i - 1);
	return 0;
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
static uint32_t
after(struct wa_report *r, const struct recip *c, time_t t)
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

/* The latest message that reached recipient RC sent at most MAXAGE before T, or NULL. */
static struct msg *
latest(struct wa_report *r, uint32_t rc, time_t t, long long maxage)
{
	const struct recip *c = &r->rc[rc];
	uint32_t k = after(r, c, t);
	struct msg *m;

	while (k-- > 0) {
		m = &r->m[r->byrecip[c->first + k]];
		if (t - m->at > maxage)
			break;
		if (reached(m))
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

	for (k = after(r, c, t); k < c->n; k++)
		if (reached(&r->m[r->byrecip[c->first + k]]))
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
	const char *wamid = str(e, "wamid"), *key = str(e, "key");
	int st = statusrank(str(e, "status"));
	uint32_t i = wamid ? get(r->bywamid, wamid) : 0;
	struct msg *m;

	if (i == 0 && key)
		i = get(r->bykey, key);
	if (i == 0 || st == ST_NONE)
		return;
	m = &r->m[i - 1];
	if (st > m->status)
		m->status = (unsigned char)st;
}

static uint32_t
sender(struct wa_report *r, json_t *e)
{
	const char *from = str(e, "from");
	char pk[WA_PHONE_MAX];

	if (from == NULL)
		return 0;
	wa_phone_key(from, pk);
	return get(r->byphone, pk);
}

static struct act *
newact(struct wa_report *r, int kind, uint32_t rc, time_t t)
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
	return get(r->bykey, wa_buf_str(b));
}

/* The automatic answer of wa-send --reply to the customer's message WAMID, + 1; 0: none. */
static uint32_t
autoreply(struct wa_report *r, const char *wamid)
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
		c->ref = intern(&r->refs, ref);
		c->reft = t;
	}
	return rc + 1;
}

/* A survey answer: a button's SCORE:N, or a bare number (kept for --survey). */
static void
answer(struct wa_report *r, json_t *e, uint32_t rc, time_t t, uint32_t i)
{
	int kind = A_SCORE, score = wa_survey_payload(str(e, "payload"));
	struct act *a;

	if (score < 0) {
		kind = A_BARE;
		score = wa_survey_bare(str(e, "text"));
	}
	if (score < 0)
		return;
	a = newact(r, kind, rc, t);
	a->msg = i;
	a->score = (signed char)score;
}

/* A customer wrote: a reply to what it quotes, and a wait for our answer. */
static void
wrote(struct wa_report *r, json_t *e, time_t t)
{
	const char *ctx = str(e, "context"), *ref = str(e, "ref");
	uint32_t rc = sender(r, e), i = ctx ? get(r->bywamid, ctx) : 0;
	uint32_t ans = autoreply(r, str(e, "wamid"));

	if (i)
		r->m[i - 1].flags |= F_REPLIED;
	/* What answered by itself is no person's answer. */
	if (ans)
		r->m[ans - 1].flags |= F_AUTO;
	if (ref && str(e, "from"))
		rc = tagged(r, str(e, "from"), ref, t);
	if (rc == 0)
		return;
	newact(r, A_WROTE, rc - 1, t)->msg = i;
	answer(r, e, rc - 1, t, i);
}

int
wa_report_event(struct wa_report *r, json_t *e, const char **why)
{
	const char *ev = str(e, "event");
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
	if (timeof(e, "at", &t) < 0)
		return *why = "no valid time in 'at'", -1;
	if (strcmp(ev, "message") == 0)
		wrote(r, e, t);
	else if ((rc = sender(r, e)) != 0)
		newact(r, A_OPTOUT, rc - 1, t);
	return 0;
}

/* The recipient who placed order O, + 1; 0: no message went to its buyer. */
static uint32_t
orderrecip(struct wa_report *r, json_t *o)
{
	const char *id = str(o, "customer"), *phone = str(o, "phone");
	char pk[WA_PHONE_MAX];
	uint32_t i = id ? get(r->byid, id) : 0;

	if (i == 0 && phone) {
		wa_phone_key(phone, pk);
		i = get(r->byphone, pk);
	}
	return i;
}

/* Exact minor units of the order's total in *AMOUNT; its currency, or 0. */
static uint32_t
amountof(struct wa_report *r, json_t *o, long long *amount)
{
	json_t *v = json_object_get(o, "total");
	const char *cur = str(o, "currency");
	double x;
	size_t n;
	int e;

	if (!json_is_number(v) || cur == NULL)
		return 0;
	/* JSON holds the major unit: 12.34 is 1234 cents, rounded once here. */
	for (x = json_number_value(v), e = wa_money_exp(cur); e > 0; e--)
		x *= 10;
	if (fabs(x) > (double)WA_MONEY_MAX)
		return 0;
	*amount = llround(x);
	n = r->curs.n;
	e = (int)intern(&r->curs, cur);
	if (r->curs.n > n) {
		r->site = wa_realloc(r->site, (r->curs.n + 1) * sizeof *r->site);
		r->messaged = wa_realloc(r->messaged, (r->curs.n + 1) * sizeof *r->messaged);
		r->others = wa_realloc(r->others, (r->curs.n + 1) * sizeof *r->others);
		memset(&r->site[e], 0, sizeof *r->site);
		memset(&r->messaged[e], 0, sizeof *r->messaged);
		memset(&r->others[e], 0, sizeof *r->others);
		r->site[e].cur = r->messaged[e].cur = r->others[e].cur = r->curs.s[e];
	}
	return (uint32_t)e;
}

static void
addamount(struct wa_amount *a, long long amount)
{
	a->sum += amount;
	a->n++;
}

/*
 * Keep the two earliest orders of the buyer, for the repeat purchase of
 * first-time buyers: a recipient of messages, else a customer id, phone
 * or e-mail.
 */
static void
buyer(struct wa_report *r, json_t *o, time_t t, uint32_t rc)
{
	const char *key = str(o, "customer");
	char pk[WA_PHONE_MAX];
	struct buyer *b;
	uint32_t i;

	if (rc) {
		snprintf(pk, sizeof pk, "\001%lu", (unsigned long)rc);
		key = pk;
	}
	if (key == NULL && str(o, "phone")) {
		wa_phone_key(str(o, "phone"), pk);
		key = pk;
	}
	if (key == NULL && (key = str(o, "email")) == NULL)
		return;
	if ((i = get(r->bybuyer, key)) == 0) {
		r->b = wa_grow(r->b, &r->capb, r->nb, sizeof *r->b);
		memset(&r->b[r->nb], 0, sizeof *r->b);
		put(r->bybuyer, key, r->nb);
		i = (uint32_t)++r->nb;
	}
	b = &r->b[i - 1];
	if (rc)
		b->recip = rc;
	if (b->first == 0 || t < b->first) {
		b->second = b->first;
		b->first = t;
	} else if (b->second == 0 || t < b->second)
		b->second = t;
}

int
wa_report_order(struct wa_report *r, json_t *o, const char **why)
{
	struct wa_order ord = { 0 };
	const char *id = str(o, "id");
	long long amount = 0;
	uint32_t rc, cur;
	struct act *a;
	time_t t;

	if (timeof(o, "created_at", &t) < 0)
		return *why = "order with no valid time in 'created_at'", -1;
	/* wa-hook and wa-import may both have seen it. */
	if (id && get(r->orders, id))
		return 0;
	if (id)
		put(r->orders, id, 0);
	ord.financial_status = (char *)str(o, "financial_status");
	if (str(o, "cancelled_at"))
		ord.cancelled_at = 1;
	if (!wa_order_counts(&ord))
		return 0;
	cur = amountof(r, o, &amount);
	rc = orderrecip(r, o);
	if (cur && inperiod(r, t)) {
		addamount(&r->site[cur], amount);
		if (rc == 0)
			addamount(&r->others[cur], amount);
	}
	if (rc) {
		a = newact(r, A_ORDER, rc - 1, t);
		a->cur = cur;
		a->amount = amount;
		a->inperiod = (unsigned char)inperiod(r, t);
	}
	buyer(r, o, t, rc);
	return 0;
}

int
wa_report_customer(struct wa_report *r, json_t *c)
{
	const char *tier = str(c, "tier"), *id = str(c, "id");
	const char *phone = str(c, "phone");
	char pk[WA_PHONE_MAX];
	uint32_t i = id ? get(r->byid, id) : 0;

	if (tier == NULL)
		tier = str(c, "segment");
	if (i == 0 && phone) {
		wa_phone_key(phone, pk);
		i = get(r->byphone, pk);
		/* Its orders by customer id now join what its number did. */
		if (i && id && get(r->byid, id) == 0)
			put(r->byid, id, i - 1);
	}
	if (i == 0 || tier == NULL)
		return 0;
	r->rc[i - 1].tier = intern(&r->tiers, tier);
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
static void
match(struct wa_report *r)
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
			if (a->msg == 0 && (m = latest(r, a->recip, a->t,
			    r->o.replywin)) != NULL)
				m->flags |= F_REPLIED;
			if ((m = next(r, a->recip, a->t)) != NULL &&
			    (m->waitfrom == 0 || a->t < m->waitfrom))
				m->waitfrom = a->t;
			break;
		case A_OPTOUT:
			if ((m = latest(r, a->recip, a->t, r->o.replywin)) != NULL)
				m->flags |= F_OPTOUT;
			break;
		case A_SCORE:
		case A_BARE:
			if (a->msg == 0)
				a->msg = idx(r, latest(r, a->recip, a->t,
				    r->o.replywin));
			/* A bare number answers a --survey campaign only. */
			if (a->kind == A_BARE && a->msg && get(r->scales,
			    r->camps.s[r->m[a->msg - 1].camp]) == 0)
				a->msg = 0;
			break;
		case A_ORDER:
			a->msg = idx(r, latest(r, a->recip, a->t, r->o.window));
			if (a->cur && a->inperiod)
				addamount(latest(r, a->recip, a->t, LLONG_MAX) ?
				    &r->messaged[a->cur] : &r->others[a->cur],
				    a->amount);
			break;
		}
	}
}

/* A set of 64-bit keys, for distinct recipients per group. */
struct set {
	uint64_t *k;
	size_t cap, n;
};

/* Add K; 1 when it was not there. */
static int
setadd(struct set *s, uint64_t k)
{
	size_t i, j;
	uint64_t *old;

	k++;	/* 0 marks an empty slot */
	if ((s->n + 1) * 2 > s->cap) {
		old = s->k;
		j = s->cap;
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->k = wa_calloc(s->cap, sizeof *s->k);
		s->n = 0;
		for (i = 0; i < j; i++)
			if (old[i])
				setadd(s, old[i] - 1);
		free(old);
	}
	for (i = (k * 0x9e3779b97f4a7c15ULL) >> 20 & (s->cap - 1); s->k[i];
	    i = (i + 1) & (s->cap - 1))
		if (s->k[i] == k)
			return 0;
	s->k[i] = k;
	s->n++;
	return 1;
}

/* Count recipient RC once in group G and once in all (the last group) for KIND. */
static int
distinct(struct set *s, int kind, size_t g, size_t all, uint32_t rc, int *inall)
{
	*inall = setadd(s, (uint64_t)kind << 62 | (uint64_t)all << 32 | rc);
	return setadd(s, (uint64_t)kind << 62 | (uint64_t)g << 32 | rc);
}

/* The name of the group of message M in grouping BY, into BUF. */
static const char *
groupname(struct wa_report *r, const struct msg *m, int by, char *buf)
{
	uint32_t tier = r->rc[m->recip].tier;
	struct tm tm;
	time_t t;

	switch (by) {
	case WA_BY_CAMPAIGN:
		return r->camps.s[m->camp];
	case WA_BY_TIER:
		return r->tiers.s[tier ? tier : 1];
	case WA_BY_DAY:
	case WA_BY_MONTH:
		wa_time_fmt(m->at, buf);
		buf[by == WA_BY_DAY ? 10 : 7] = '\0';
		return buf;
	case WA_BY_WEEK:
		/* ISO 8601: the week of its Thursday, in the Thursday's year. */
		t = m->at - m->at % 86400;
		t += (3 - (t / 86400 + 3) % 7) * 86400LL;
		gmtime_r(&t, &tm);
		snprintf(buf, WA_TIMEBUF, "%04d-W%02d", tm.tm_year + 1900,
		    tm.tm_yday / 7 + 1);
		return buf;
	}
	return "all";
}

struct gname {
	const char *name;
	uint32_t i;		/* in the order first seen */
};

static int
cmpname(const void *a, const void *b)
{
	return strcmp(((const struct gname *)a)->name,
	    ((const struct gname *)b)->name);
}

struct resp {
	uint32_t g;
	long long s;
};

static int
cmpresp(const void *a, const void *b)
{
	const struct resp *x = a, *y = b;

	if (x->g != y->g)
		return x->g < y->g ? -1 : 1;
	return (x->s > y->s) - (x->s < y->s);
}

/* Nearest-rank percentiles of each group's response times, sorted by group. */
static void
percentiles(struct wa_kpi *k, struct resp *rs, size_t n)
{
	size_t i, j;

	if (n == 0)
		return;	/* RS may be NULL, which qsort(3) must not see */
	qsort(rs, n, sizeof *rs, cmpresp);
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && rs[j].g == rs[i].g; j++)
			;
		k[rs[i].g].nresp = (long)(j - i);
		k[rs[i].g].median_s = rs[i + (j - i + 1) / 2 - 1].s;
		k[rs[i].g].p90_s = rs[i + ((j - i) * 9 + 9) / 10 - 1].s;
	}
}

static void
addrev(struct wa_kpi *k, const char *cur, long long amount)
{
	size_t i;

	for (i = 0; i < k->nrev && strcmp(k->rev[i].cur, cur) != 0; i++)
		;
	if (i == k->nrev) {
		k->rev = wa_realloc(k->rev, (k->nrev + 1) * sizeof *k->rev);
		memset(&k->rev[k->nrev++], 0, sizeof *k->rev);
		k->rev[i].cur = cur;
	}
	addamount(&k->rev[i], amount);
}

/*
 * Count message M into groups G[0] and G[1] (all). Replies and opt-outs
 * count for delivered messages only, so that their rates stay rates.
 */
static void
count(struct wa_kpi *k, const struct msg *m, const uint32_t *g, struct set *s)
{
	int i, dlv = m->status == ST_DELIVERED || m->status == ST_READ;
	int refused = m->ledger == WA_LEDGER_FAILED || m->ledger == WA_LEDGER_RETRY;
	int new[2] = { 0, 0 };

	if (dlv)
		new[0] = distinct(s, 0, g[0], g[1], m->recip, &new[1]);
	for (i = 0; i < 2; i++) {
		if (!wentout(m)) {
			k[g[i]].failed += refused;
			continue;
		}
		k[g[i]].sent++;
		k[g[i]].failed += m->status == ST_FAILED;
		if (!dlv)
			continue;
		k[g[i]].delivered++;
		k[g[i]].read += m->status == ST_READ;
		k[g[i]].replied += (m->flags & F_REPLIED) != 0;
		k[g[i]].opted_out += (m->flags & F_OPTOUT) != 0;
		k[g[i]].recips += new[i];
	}
}

/*
 * The groups named by NM in name order (days, weeks and months in time
 * order), then "all"; RANK[i] is the place of NM's name i + 1.
 */
static struct wa_kpi *
sorted(const struct names *nm, uint32_t *rank)
{
	struct gname *gn = wa_calloc(nm->n + 1, sizeof *gn);
	struct wa_kpi *k = wa_calloc(nm->n + 1, sizeof *k);
	size_t i;

	for (i = 0; i < nm->n; i++) {
		gn[i].name = nm->s[i + 1];
		gn[i].i = (uint32_t)i;
	}
	qsort(gn, nm->n, sizeof *gn, cmpname);
	gn[nm->n].name = "all";
	for (i = 0; i <= nm->n; i++) {
		if (i < nm->n)
			rank[gn[i].i] = (uint32_t)i;
		k[i].group = wa_strdup(gn[i].name);
		k[i].median_s = k[i].p90_s = -1;
	}
	free(gn);
	return k;
}

/* The scale of campaign CAMP's survey, 5 or 10, from --survey or GUESS; 0: none. */
static int
scaleof(struct wa_report *r, uint32_t camp, const unsigned char *guess)
{
	uint32_t sc = get(r->scales, r->camps.s[camp]);

	if (sc > 1)
		return (int)sc - 1;
	if (guess[camp])
		return guess[camp];
	return sc ? 5 : 0;
}

/*
 * The survey figures of each group: the last answer to each message, on
 * its campaign's scale, which --survey tells, else the answers: a 0 or a
 * score over 5 makes it 0-10. An opt-out after a survey's message is a
 * negative answer.
 */
static void
surveys(struct wa_report *r, struct wa_kpi *k, const uint32_t *rank,
    const uint32_t *gof, size_t all)
{
	unsigned char *guess = wa_calloc(r->camps.n + 1, 1);
	signed char *last = wa_malloc(r->nm + 1);
	const struct msg *m;
	const struct act *a;
	size_t i;
	int sc;

	memset(last, -1, r->nm + 1);
	for (i = 0; i < r->na; i++) {
		a = &r->a[i];
		if ((a->kind != A_SCORE && a->kind != A_BARE) || a->msg == 0)
			continue;
		m = &r->m[a->msg - 1];
		last[a->msg - 1] = a->score;
		if (a->score == 0 || a->score > 5)
			guess[m->camp] = 10;
		else if (guess[m->camp] == 0)
			guess[m->camp] = 5;
	}
	for (i = 0; i < r->nm; i++) {
		m = &r->m[i];
		if ((sc = scaleof(r, m->camp, guess)) == 0)
			continue;
		if (last[i] >= 0) {
			wa_survey_add(&k[rank[gof[i]]].survey, last[i], sc);
			wa_survey_add(&k[all].survey, last[i], sc);
		}
		if (m->flags & F_OPTOUT) {
			k[rank[gof[i]]].survey.optouts++;
			k[all].survey.optouts++;
		}
	}
	free(guess);
	free(last);
}

int
wa_report_survey(struct wa_report *r, const char *spec)
{
	char name[256];
	int sc = wa_survey_spec(spec, name, sizeof name);

	if (sc < 0)
		return -1;
	wa_hash_put(r->scales, name, (void *)(uintptr_t)(sc + 1));
	return 0;
}

/*
 * Writers by the source of their first tagged message: those who ordered
 * within the window after it, and what they spent in it.
 */
struct wa_kpi *
wa_report_refs(struct wa_report *r, size_t *np)
{
	uint32_t *rank = wa_calloc(r->refs.n + 1, sizeof *rank), g;
	unsigned char *conv = wa_calloc(r->nrc + 1, 1);
	struct wa_kpi *k = sorted(&r->refs, rank);
	const struct recip *c;
	const struct act *a;
	size_t i, all = r->refs.n;

	for (i = 0; i < r->nrc; i++) {
		c = &r->rc[i];
		if (c->ref && inperiod(r, c->reft)) {
			k[rank[c->ref - 1]].recips++;
			k[all].recips++;
		}
	}
	for (i = 0; i < r->na; i++) {
		a = &r->a[i];
		c = &r->rc[a->recip];
		if (a->kind != A_ORDER || c->ref == 0 || !inperiod(r, c->reft) ||
		    a->t < c->reft || a->t - c->reft > r->o.window)
			continue;
		g = rank[c->ref - 1];
		if (!conv[a->recip]) {
			conv[a->recip] = 1;
			k[g].conversions++;
			k[all].conversions++;
		}
		if (a->cur) {
			addrev(&k[g], r->curs.s[a->cur], a->amount);
			addrev(&k[all], r->curs.s[a->cur], a->amount);
		}
	}
	free(conv);
	free(rank);
	*np = all + 1;
	return k;
}

/* Order acts by recipient: recipient i's are BY[FIRST[i]..FIRST[i + 1]). */
static uint32_t *
ordersby(struct wa_report *r, uint32_t **first)
{
	uint32_t *f = wa_calloc(r->nrc + 2, sizeof *f), *by, *at;
	size_t i;

	for (i = 0; i < r->na; i++)
		if (r->a[i].kind == A_ORDER)
			f[r->a[i].recip + 2]++;
	for (i = 2; i < r->nrc + 2; i++)
		f[i] += f[i - 1];
	by = wa_calloc(f[r->nrc + 1] + 1, sizeof *by);
	at = f + 1;
	for (i = 0; i < r->na; i++)
		if (r->a[i].kind == A_ORDER)
			by[at[r->a[i].recip]++] = (uint32_t)i;
	*first = f;
	return by;
}

/*
 * Add to arm A the recipient of message M: whether they ordered within
 * the window after it, whatever else reached them, and what they spent
 * then in each currency (0 in most), by Welford's running variance.
 */
static void
armadd(struct wa_report *r, struct wa_arm *a, const struct msg *m,
    const uint32_t *by, const uint32_t *first)
{
	long long *spent = wa_calloc(r->curs.n + 1, sizeof *spent);
	const struct act *o;
	struct wa_arm_rev *v;
	double x, d;
	uint32_t k;
	size_t c;
	int conv = 0, dlv = m->status == ST_DELIVERED || m->status == ST_READ;

	a->n++;
	a->held |= m->ledger == L_HELD;
	a->delivered += dlv;
	a->read += m->status == ST_READ;
	a->replied += dlv && (m->flags & F_REPLIED);
	for (k = first[m->recip]; k < first[m->recip + 1]; k++) {
		o = &r->a[by[k]];
		if (o->t < m->at || o->t - m->at > r->o.window)
			continue;
		conv = 1;
		spent[o->cur] += o->amount;
		if (o->cur)
			a->rev[o->cur - 1].orders++;
	}
	a->conversions += conv;
	for (c = 1; c <= r->curs.n; c++) {
		v = &a->rev[c - 1];
		x = (double)spent[c] / pow(10, wa_money_exp(v->cur));
		d = x - v->mean;
		v->mean += d / a->n;
		v->m2 += d * (x - v->mean);
	}
	free(spent);
}

static int
cmparm(const void *x, const void *y)
{
	const struct wa_arm *a = x, *b = y;
	int c = strcmp(a->campaign, b->campaign);

	return c ? c : strcmp(a->arm, b->arm);
}

struct wa_arm *
wa_report_arms(struct wa_report *r, const char *camp, size_t *np)
{
	struct names arms = { 0 };
	struct wa_arm *a = NULL;
	const struct msg *m;
	uint32_t *first, *by = ordersby(r, &first), j;
	struct wa_buf b = { 0 };
	size_t i, c, cap = 0, before;

	match(r);
	for (i = 0; i < r->nm; i++) {
		m = &r->m[i];
		if (m->variant <= 1 || !(m->ledger == L_HELD || wentout(m)) ||
		    (camp && strcmp(r->camps.s[m->camp], camp) != 0))
			continue;
		wa_buf_reset(&b);
		wa_buf_adds(&b, r->camps.s[m->camp]);
		wa_buf_addc(&b, '\037');	/* in no campaign's name */
		wa_buf_adds(&b, r->variants.s[m->variant]);
		before = arms.n;
		j = intern(&arms, wa_buf_str(&b)) - 1;
		if (arms.n > before) {
			a = wa_grow(a, &cap, j, sizeof *a);
			memset(&a[j], 0, sizeof *a);
			a[j].campaign = wa_strdup(r->camps.s[m->camp]);
			a[j].arm = wa_strdup(r->variants.s[m->variant]);
			a[j].rev = wa_calloc(r->curs.n + 1, sizeof *a[j].rev);
			a[j].nrev = r->curs.n;
			for (c = 0; c < r->curs.n; c++)
				a[j].rev[c].cur = r->curs.s[c + 1];
		}
		armadd(r, &a[j], m, by, first);
	}
	wa_buf_free(&b);
	free(by);
	free(first);
	*np = arms.n;
	if (a)
		qsort(a, arms.n, sizeof *a, cmparm);
	names_free(&arms);
	return a;
}

struct wa_kpi *
wa_report_kpis(struct wa_report *r, int by, size_t *np)
{
	struct names groups = { 0 };
	struct wa_kpi *k;
	struct resp *rs = NULL;
	struct set s = { 0 };
	uint32_t *gof, *rank, g[2];
	size_t i, ng, nrs = 0, caprs = 0;
	char buf[WA_TIMEBUF];
	int inall;

	match(r);
	gof = wa_calloc(r->nm, sizeof *gof);
	for (i = 0; i < r->nm; i++)
		gof[i] = intern(&groups, groupname(r, &r->m[i], by, buf)) - 1;
	ng = groups.n;
	rank = wa_calloc(ng + 1, sizeof *rank);
	k = sorted(&groups, rank);
	for (i = 0; i < r->nm; i++) {
		g[0] = rank[gof[i]];
		g[1] = (uint32_t)ng;
		count(k, &r->m[i], g, &s);
		if (r->m[i].waitfrom && wentout(&r->m[i])) {
			rs = wa_grow(rs, &caprs, nrs + 1, sizeof *rs);
			rs[nrs].g = g[0];
			rs[nrs++].s = r->m[i].at - r->m[i].waitfrom;
			rs[nrs].g = g[1];
			rs[nrs++].s = r->m[i].at - r->m[i].waitfrom;
		}
	}
	percentiles(k, rs, nrs);
	for (i = 0; i < r->na; i++) {
		const struct act *a = &r->a[i];

		if (a->kind != A_ORDER || a->msg == 0)
			continue;
		g[0] = rank[gof[a->msg - 1]];
		k[g[0]].conversions += distinct(&s, 1, g[0], ng, a->recip, &inall);
		k[ng].conversions += inall;
		if (a->cur) {
			addrev(&k[g[0]], r->curs.s[a->cur], a->amount);
			addrev(&k[ng], r->curs.s[a->cur], a->amount);
		}
	}
	surveys(r, k, rank, gof, ng);
	free(s.k);
	free(rs);
	free(rank);
	free(gof);
	names_free(&groups);
	*np = ng + 1;
	return k;
}

void
wa_report_kpis_free(struct wa_kpi *k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(k[i].group);
		free(k[i].rev);
	}
	free(k);
}

/* Did a message reach buyer B after the first order, before a second one or six months? */
static int
cared(struct wa_report *r, const struct buyer *b)
{
	const struct recip *c;
	time_t end = b->first + SIX_MONTHS;
	const struct msg *m;
	uint32_t k;

	if (b->recip == 0)
		return 0;
	if (b->second && b->second < end)
		end = b->second;
	c = &r->rc[b->recip - 1];
	for (k = after(r, c, b->first); k < c->n; k++) {
		m = &r->m[r->byrecip[c->first + k]];
		if (m->at > end)
			break;
		if (reached(m))
			return 1;
	}
	return 0;
}

void
wa_report_store(struct wa_report *r, struct wa_store_kpi *st)
{
	const struct buyer *b;
	size_t i;
	int w;

	match(r);
	memset(st, 0, sizeof *st);
	st->ncur = r->curs.n;
	st->site = r->site ? r->site + 1 : NULL;
	st->messaged = r->messaged ? r->messaged + 1 : NULL;
	st->others = r->others ? r->others + 1 : NULL;
	for (i = 0; i < r->nb; i++) {
		b = &r->b[i];
		/* First bought in the period, six months ago at least. */
		if (!inperiod(r, b->first) || b->first + SIX_MONTHS > r->o.now)
			continue;
		w = cared(r, b);
		st->cohort[w]++;
		st->repeat[w] += b->second && b->second - b->first <= SIX_MONTHS;
	}
}

void
wa_report_free(struct wa_report *r)
{
	if (r == NULL)
		return;
	wa_hash_free(r->bykey);
	wa_hash_free(r->bywamid);
	wa_hash_free(r->byphone);
	wa_hash_free(r->byid);
	wa_hash_free(r->bybuyer);
	wa_hash_free(r->orders);
	wa_hash_free(r->scales);
	names_free(&r->variants);
	names_free(&r->refs);
	free(r->replycamps);
	names_free(&r->camps);
	names_free(&r->tiers);
	names_free(&r->curs);
	free(r->m);
	free(r->rc);
	free(r->byrecip);
	free(r->a);
	free(r->b);
	free(r->site);
	free(r->messaged);
	free(r->others);
	free(r);
}

void
wa_report_arms_free(struct wa_arm *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(a[i].campaign);
		free(a[i].arm);
		free(a[i].rev);
	}
	free(a);
}

int
wa_report_answer(struct wa_report *r, const char *wamid, const char *from,
    time_t t, long long *secs)
{
	uint32_t i = autoreply(r, wamid), rc, k;
	char pk[WA_PHONE_MAX];
	const struct recip *c;
	const struct msg *m;

	*secs = 0;
	if (i && wentout(&r->m[i - 1])) {
		*secs = r->m[i - 1].at > t ? r->m[i - 1].at - t : 0;
		return WA_ANSWER_AUTO;
	}
	if (from == NULL)
		return WA_ANSWER_NONE;
	wa_phone_key(from, pk);
	if ((rc = get(r->byphone, pk)) == 0)
		return WA_ANSWER_NONE;
	c = &r->rc[rc - 1];
	for (k = after(r, c, t); k < c->n; k++) {
		m = &r->m[r->byrecip[c->first + k]];
		if (m->at - t > r->o.replywin)
			break;
		if (reached(m) && !(m->flags & F_AUTO)) {
			*secs = m->at - t;
			return WA_ANSWER_PERSON;
		}
	}
	return WA_ANSWER_NONE;
}
