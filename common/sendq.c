/* sendq.c: wa-send's queue: attempt first, paced requests, retries, error classes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "store.h"
#include "send.h"

#define BATCH 64	/* attempts flushed together before their requests leave */

struct job {
	char *id, *to, *key, *lang, *body;
	char *variant;		/* the record's A/B arm, or NULL */
	char *tmpl;		/* the template, for what its errors stop */
	int tries;
	int counted;		/* in q->waitcnt */
	double due;		/* monotonic seconds: a retry's time */
	struct job *prev, *next;	/* in flight */
	struct job *rnext;		/* retry list, or the wait queue */
};

struct wa_sendq {
	struct wa_sendq_cfg c;
	struct wa_http *http;
	struct wa_hash *stoplang;	/* languages stopped by 132001 */
	struct wa_hash *stoptmpl;	/* --arm: templates stopped by their errors */
	int stopped;		/* campaign error: the rest are deferred */
	int fatal;		/* account error: stop everything */
	struct job *wait, **waittail;	/* not posted yet, no attempt yet */
	size_t nwait;
	double lastcut;		/* when the rate was last halved */
	struct job *fly;	/* in flight */
	struct job *retry;	/* waiting for their retry */
	struct wa_hash *waitcnt;	/* phone key -> jobs not in the ledger yet */
};

json_t *
wa_sendq_event(const char *campaign, const char *ev, const char *id,
    const char *to)
{
	json_t *o = json_object();
	char tb[WA_TIMEBUF];

	json_object_set_new(o, "event", json_string(ev));
	wa_json_setstr(o, "id", id);
	wa_json_setstr(o, "to", to);
	json_object_set_new(o, "campaign", json_string(campaign));
	json_object_set_new(o, "at", json_string(wa_time_fmt(wa_now(), tb)));
	return o;
}

json_t *
wa_sendq_error(json_t *code, const char *title, const char *cls)
{
	json_t *e = json_object();

	json_object_set_new(e, "code", code);
	json_object_set_new(e, "title", json_string(title));
	json_object_set_new(e, "class", json_string(cls));
	return e;
}

static json_t *
event(struct wa_sendq *q, const char *ev, struct job *j)
{
	return wa_sendq_event(q->c.campaign, ev, j->id, j->to);
}

static void
emit(struct wa_sendq *q, json_t *o)
{
	q->c.emit(o, q->c.arg);
}

static void
emitreason(struct wa_sendq *q, const char *ev, struct job *j,
    const char *reason)
{
	json_t *o = event(q, ev, j);

	json_object_set_new(o, "reason", json_string(reason));
	emit(q, o);
}

/* A ledger entry for job J. */
static json_t *
entry(struct wa_sendq *q, const char *ev, struct job *j)
{
	json_t *o = event(q, ev, j);

	json_object_set_new(o, "key", json_string(j->key));
	if (j->variant)
		json_object_set_new(o, "variant", json_string(j->variant));
	return o;
}

static void
ledger_add(struct wa_sendq *q, json_t *e)
{
	if (wa_ledger_add(q->c.ledger, e) < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot add to the ledger",
		    q->c.ledgerpath);
	json_decref(e);
}

static void
ledger_flush(struct wa_sendq *q)
{
	if (wa_ledger_flush(q->c.ledger) < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot write the ledger:",
		    q->c.ledgerpath);
}

static void
job_free(struct job *j)
{
	free(j->id);
	free(j->to);
	free(j->key);
	free(j->lang);
	free(j->variant);
	free(j->tmpl);
	free(j->body);
	free(j);
}

/* What 132001 stops: the language, or with templates per arm that template's. */
static void
langkey(const struct wa_sendq *q, const char *tmpl, const char *lang,
    struct wa_buf *b)
{
	wa_buf_reset(b);
	if (q->c.bytemplate && tmpl) {
		wa_buf_adds(b, tmpl);
		wa_buf_addc(b, 0x1f);
	}
	wa_buf_adds(b, lang ? lang : "");
}

const char *
wa_sendq_stopped(struct wa_sendq *q, const char *tmpl, const char *lang)
{
	struct wa_buf b = { 0 };
	int hit;

	if (q->stopped || q->fatal)
		return "campaign_stopped";
	if (tmpl && wa_hash_get(q->stoptmpl, tmpl) != NULL)
		return "template_stopped";
	if (lang == NULL)
		return NULL;
	langkey(q, tmpl, lang, &b);
	hit = wa_hash_get(q->stoplang, wa_buf_str(&b)) != NULL;
	wa_buf_free(&b);
	return hit ? "template_language_stopped" : NULL;
}

/* Defer J if it is stopped now; true when it was. */
static int
defer(struct wa_sendq *q, struct job *j)
{
	const char *why = wa_sendq_stopped(q, j->tmpl, j->lang);

	if (why == NULL)
		return 0;
	emitreason(q, "deferred", j, why);
	job_free(j);
	return 1;
}

/* Jobs to the user of TO not yet in the ledger, for --cap; ADD to it. */
static long
waiting(struct wa_sendq *q, const char *to, long add)
{
	char k[WA_PHONE_MAX];
	long n;

	wa_phone_key(to, k);
	n = (long)(intptr_t)wa_hash_get(q->waitcnt, k) + add;
	if (add)
		wa_hash_put(q->waitcnt, k, (void *)(intptr_t)n);
	return n;
}

long
wa_sendq_waiting(struct wa_sendq *q, const char *to)
{
	return waiting(q, to, 0);
}

static void
uncount(struct wa_sendq *q, struct job *j)
{
	if (j->counted) {
		waiting(q, j->to, -1);
		j->counted = 0;
	}
}

/*
 * Hand the engine what it can start soon, no more, so a stop still finds the
 * rest unsent: their attempts are written and synced first, in one go.
 */
static void
commit(struct wa_sendq *q)
{
	struct job *batch[BATCH], *j;
	size_t i, n = 0, window;
	long burst = (long)(wa_http_getrate(q->http) / 10);

	window = wa_http_inflight(q->http) + 2 * (size_t)(burst < 1 ? 1 : burst);
	if (window > (size_t)q->c.concurrency)
		window = (size_t)q->c.concurrency;
	while (q->wait && n < BATCH && wa_http_pending(q->http) + n < window) {
		j = q->wait;
		if ((q->wait = j->rnext) == NULL)
			q->waittail = &q->wait;
		q->nwait--;
		j->rnext = NULL;
		uncount(q, j);
		if (defer(q, j))
			continue;
		ledger_add(q, entry(q, "attempt", j));
		batch[n++] = j;
	}
	if (n == 0)
		return;
	ledger_flush(q);
	for (i = 0; i < n; i++) {
		j = batch[i];
		j->prev = NULL;
		j->next = q->fly;
		if (q->fly)
			q->fly->prev = j;
		q->fly = j;
		wa_http_post(q->http, q->c.url, j->body, j);
	}
}

static void
enqueue(struct wa_sendq *q, struct job *j)
{
	j->rnext = NULL;
	*q->waittail = j;
	q->waittail = &j->rnext;
	q->nwait++;
}

/* Defer the jobs of the wait queue and of the retry list that are stopped now. */
static void
dropstopped(struct wa_sendq *q)
{
	struct job *j, **pp;

	q->waittail = &q->wait;
	for (pp = &q->wait; (j = *pp) != NULL;) {
		if (wa_sendq_stopped(q, j->tmpl, j->lang)) {
			*pp = j->rnext;
			q->nwait--;
			uncount(q, j);
			defer(q, j);
		} else {
			pp = &j->rnext;
			q->waittail = pp;
		}
	}
	for (pp = &q->retry; (j = *pp) != NULL;) {
		if (wa_sendq_stopped(q, j->tmpl, j->lang)) {
			*pp = j->rnext;
			defer(q, j);
		} else
			pp = &j->rnext;
	}
}

static void
unfly(struct wa_sendq *q, struct job *j)
{
	if (j->prev)
		j->prev->next = j->next;
	else
		q->fly = j->next;
	if (j->next)
		j->next->prev = j->prev;
	j->prev = j->next = NULL;
}

static void
stoplang(struct wa_sendq *q, const char *tmpl, const char *lang)
{
	struct wa_buf b = { 0 };

	langkey(q, tmpl, lang, &b);
	wa_hash_put(q->stoplang, wa_buf_str(&b), (void *)1);
	wa_buf_free(&b);
	dropstopped(q);
}

/*
 * J failed. HOLD: the seconds before a later run may try its key again, 0
 * at once, -1 never (then it is skipped, failed_before, unless
 * --retry-failed).
 */
static void
fail(struct wa_sendq *q, struct job *j, json_t *code, const char *title,
    const char *cls, long long hold)
{
	json_t *o = event(q, "failed", j), *e;

	e = wa_sendq_error(code, title, cls);
	json_object_set(o, "error", e);
	emit(q, o);
	o = entry(q, "failed", j);
	json_object_set_new(o, "error", e);
	json_object_set_new(o, "retry", json_boolean(hold == 0));
	if (hold > 0)
		wa_json_settime(o, "until", wa_now() + (time_t)hold);
	ledger_add(q, o);
}

/* A retry after a backoff with jitter; false when none is left. */
static int
retry(struct wa_sendq *q, struct job *j, double wait, const char *title,
    const char *cls, long long code)
{
	json_t *o;

	if (j->tries >= q->c.maxretries)
		return 0;
	if (wait <= 0) {
		wait = 0.25 * (double)(1L << (j->tries < 8 ? j->tries : 8));
		wait += wait * (rand() / (double)RAND_MAX) * 0.5;
	}
	j->tries++;
	o = entry(q, "failed", j);
	json_object_set_new(o, "error", wa_sendq_error(code >= 0 ?
	    json_integer(code) : json_null(), title, cls));
	json_object_set_new(o, "retry", json_true());
	ledger_add(q, o);
	j->due = wa_mono() + wait;
	j->rnext = q->retry;
	q->retry = j;
	return 1;
}

/* The answer does not say that the message was refused: it may have been sent. */
static void
unknown(struct wa_sendq *q, struct job *j, const char *why)
{
	json_t *o = event(q, "unknown", j);

	json_object_set_new(o, "error", wa_sendq_error(json_null(), why,
	    "unknown"));
	emit(q, o);
	ledger_add(q, entry(q, "unknown", j));
}

static void
sent(struct wa_sendq *q, struct job *j, const char *wamid)
{
	json_t *o = event(q, "sent", j);

	wa_json_setstr(o, "wamid", wamid);
	emit(q, o);
	o = entry(q, "sent", j);
	wa_json_setstr(o, "wamid", wamid);
	ledger_add(q, o);
}

/* Halve the rate on throttling, once a second at most. */
static void
slowdown(struct wa_sendq *q)
{
	double r;

	if (wa_mono() - q->lastcut > 1) {
		r = wa_http_getrate(q->http) / 2;
		wa_http_setrate(q->http, r < 1 ? 1 : r);
		q->lastcut = wa_mono();
	}
}

/*
 * An error answer of class CLS for J: true when J is done with, false when
 * it lives on as a retry or was deferred (and freed).
 */
static int
refused(struct wa_sendq *q, struct job *j, struct wa_graph_ans *a, int cls)
{
	json_t *code = a->kind == WA_GRAPH_ERROR && a->err.code >= 0 ?
	    json_integer(a->err.code) : json_null(), *o;
	const char *title = a->err.title;

	switch (cls) {
	case WA_GC_THROTTLE:
		slowdown(q);
		/* FALLTHROUGH */
	case WA_GC_TRANSIENT:
		if (wa_sendq_stopped(q, j->tmpl, j->lang)) {
			json_decref(code);
			defer(q, j);
			return 0;
		}
		if (retry(q, j, 0, title, wa_graph_classname(cls),
		    a->kind == WA_GRAPH_ERROR ? a->err.code : -1)) {
			json_decref(code);
			return 0;
		}
		fail(q, j, code, title, wa_graph_classname(cls), 0);
		break;
	case WA_GC_PAIR:
		json_decref(code);
		if (!wa_sendq_stopped(q, j->tmpl, j->lang) &&
		    wa_graph_pair_wait(j->tries) <= 64 && retry(q, j,
		    (double)wa_graph_pair_wait(j->tries), title, "pair_limit",
		    a->err.code))
			return 0;
		o = entry(q, "failed", j);
		json_object_set_new(o, "retry", json_true());
		ledger_add(q, o);
		emitreason(q, "deferred", j, "pair_limit");
		break;
	case WA_GC_RECIPIENT:
		fail(q, j, code, title, "recipient", wa_graph_hold(a->err.code));
		/* 131050: the user stopped marketing messages, for every campaign. */
		if (a->kind == WA_GRAPH_ERROR && wa_graph_suppress(a->err.code) &&
		    wa_supp_add(q->c.suppath, q->c.supp, j->to) < 0)
			wa_warn("%s: cannot add %s:", q->c.suppath, j->to);
		break;
	case WA_GC_CAMPAIGN:
		fail(q, j, code, title, "campaign", 0);
		if (q->c.bytemplate && j->tmpl && wa_graph_of_template(a->err.code)) {
			if (!wa_hash_get(q->stoptmpl, j->tmpl))
				wa_warn("template %s stopped: %s", j->tmpl, title);
			wa_hash_put(q->stoptmpl, j->tmpl, (void *)1);
		} else {
			if (!q->stopped)
				wa_warn("campaign %s stopped: %s", q->c.campaign,
				    title);
			q->stopped = 1;
		}
		dropstopped(q);
		break;
	case WA_GC_LANGUAGE:
		fail(q, j, code, title, "template_language", 0);
		wa_warn("language %s stopped: %s", j->lang ? j->lang : "?",
		    title);
		stoplang(q, j->tmpl, j->lang);
		break;
	case WA_GC_ACCOUNT:
		fail(q, j, code, title, "account", 0);
		if (!q->fatal)
			wa_warn("account error, everything stopped: %s", title);
		q->fatal = 1;
		dropstopped(q);
		break;
	default:
		/* No known class: not for good, since it may not be the recipient's. */
		fail(q, j, code, title, wa_graph_classname(cls), 0);
		break;
	}
	return 1;
}

static void
onanswer(struct wa_http_res *res, void *arg)
{
	struct wa_sendq *q = arg;
	struct job *j = res->ctx;
	struct wa_graph_ans a;

	unfly(q, j);
	wa_graph_answer(&a, res->status, res->body, res->len);
	/* No answer: libcurl says why (a refused connection, a timeout). */
	if (res->status == 0)
		a.err.title = res->error ? res->error : "no answer";
	switch (wa_graph_outcome(&a, res->sent)) {
	case WA_OUT_SENT:
		sent(q, j, a.wamid);
		job_free(j);
		break;
	case WA_OUT_UNKNOWN:
		unknown(q, j, a.err.title);
		job_free(j);
		break;
	default:
		if (refused(q, j, &a, wa_graph_class(a.kind == WA_GRAPH_ERROR ?
		    &a.err : NULL, res->status)))
			job_free(j);
	}
	wa_graph_ans_free(&a);
}

/* Move the retries that are due into the wait queue; the seconds to the next one. */
static double
dueretries(struct wa_sendq *q)
{
	struct job *j, **pp;
	double now = wa_mono(), next = -1;

	for (pp = &q->retry; (j = *pp) != NULL;) {
		if (j->due <= now) {
			*pp = j->rnext;
			enqueue(q, j);
			continue;
		}
		if (next < 0 || j->due - now < next)
			next = j->due - now;
		pp = &j->rnext;
	}
	return next;
}

struct wa_sendq *
wa_sendq_new(const struct wa_sendq_cfg *c, const char *token)
{
	struct wa_sendq *q = wa_calloc(1, sizeof *q);

	q->c = *c;
	q->stoplang = wa_hash_new();
	q->stoptmpl = wa_hash_new();
	q->waitcnt = wa_hash_new();
	q->waittail = &q->wait;
	q->http = wa_http_new(c->rate, (int)c->concurrency,
	    c->timeout_ms > 0 ? c->timeout_ms : 30000);
	wa_http_auth(q->http, token);
	if (c->cafile && *c->cafile)
		wa_http_ca(q->http, c->cafile);
	/* The jitter of the backoff differs between runs and processes. */
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	return q;
}

void
wa_sendq_add(struct wa_sendq *q, const char *id, const char *to,
    const char *key, const char *tmpl, const char *lang, const char *variant,
    json_t *body)
{
	struct job *j = wa_calloc(1, sizeof *j);

	j->tmpl = tmpl ? wa_strdup(tmpl) : NULL;
	j->variant = variant ? wa_strdup(variant) : NULL;
	j->id = wa_strdup(id);
	j->to = wa_strdup(to);
	j->key = wa_strdup(key);
	j->lang = lang ? wa_strdup(lang) : NULL;
	j->body = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	waiting(q, to, 1);
	j->counted = 1;
	enqueue(q, j);
}

int
wa_sendq_full(const struct wa_sendq *q)
{
	return wa_http_pending(q->http) + q->nwait > 2 * (size_t)q->c.concurrency;
}

int
wa_sendq_fatal(const struct wa_sendq *q)
{
	return q->fatal;
}

size_t
wa_sendq_inflight(const struct wa_sendq *q)
{
	return wa_http_inflight(q->http);
}

int
wa_sendq_step(struct wa_sendq *q, long ms)
{
	double next = dueretries(q);

	commit(q);
	if (wa_http_pending(q->http) == 0 && q->retry == NULL && q->wait == NULL)
		return 0;
	if (ms < 0) {
		ms = next < 0 ? 1000 : (long)(next * 1000) + 1;
		if (ms > 1000)
			ms = 1000;
	}
	wa_http_step(q->http, onanswer, q, ms);
	return 1;
}

void
wa_sendq_free(struct wa_sendq *q)
{
	struct job *j, *n;
	json_t *o;

	/* After an account error: sent or not, nobody will say. */
	for (j = q->fly; j; j = n) {
		n = j->next;
		o = event(q, "unknown", j);
		json_object_set_new(o, "reason", json_string("stopped"));
		emit(q, o);
		job_free(j);
	}
	ledger_flush(q);
	wa_http_free(q->http);
	wa_hash_free(q->stoplang);
	wa_hash_free(q->stoptmpl);
	wa_hash_free(q->waitcnt);
	free(q);
}
