/* wa-send: template or text messages through the WhatsApp Cloud API, exactly once, paced. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "wa.h"

#define EXIT_BUSY 75
#define BATCH 64	/* attempts flushed together before their requests leave */
#define MAXPARAM 64
#define WINDOW (24 * 60 * 60)	/* the customer-service window, seconds */

struct job {
	char *id, *to, *key, *lang, *body;
	int tries;
	int counted;		/* in g.waitcnt */
	double due;		/* monotonic seconds: a retry's time */
	struct job *prev, *next;	/* in flight */
	struct job *rnext;		/* retry list, or the wait queue */
};

static struct {
	const char *campaign, *text, *ledgerpath, *suppath, *events;
	struct wa_graph_tmpl tmpl;
	const char *params[MAXPARAM];
	struct wa_graph_button buttons[10];
	int dryrun, retryunknown, retryfailed, nowait, quiet;
	int reply;		/* --reply: the input is wa-hook events */
	long maxretries, concurrency;
	double rate;
	struct wa_ledger *ledger;
	struct wa_hash *supp;	/* phone keys suppressed */
	struct wa_hash *seen;	/* keys of this run */
	struct wa_hash *stoplang;	/* languages stopped by 132001 */
	int stopped;		/* campaign error: the rest are deferred */
	int fatal;		/* account error: stop everything */
	struct wa_http *http;
	struct wa_buf url;
	struct job *wait, **waittail;	/* not posted yet, no attempt yet */
	size_t nwait;
	double lastcut;		/* when the rate was last halved */
	struct job *fly;	/* in flight */
	struct job *retry;	/* waiting for their retry */
	long nsent, nskipped, ndeferred, nfailed, nunknown;
	long nother;		/* --reply: events that are no message */
	int quiet0, quiet1;	/* --quiet: minutes of the day, -1: none */
	long capn;		/* --cap N/DURATION */
	long long capsecs, every;
	struct wa_hash *waitcnt;	/* phone key -> jobs not in the ledger yet */
	int tty;		/* stderr is a terminal: a progress line */
	double start, shown;
} g;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wa-send -c CAMPAIGN (-t TEMPLATE [-l LANG] [-p PARAM]... | -m TEXT)\n"
	    "               [--header-text T | --header-image URL | --header-document URL]\n"
	    "               [--button INDEX=TEXT]... [--reply]\n"
	    "               [--dry-run] [--ledger FILE] [--suppress FILE] [--rate N]\n"
	    "               [--concurrency N] [--max-retries N] [--retry-failed]\n"
	    "               [--retry-unknown] [--no-wait] [--now TIME] [--rejects FILE]\n"
	    "               [-q] [--quiet HH:MM-HH:MM] [--cap N/DURATION]\n"
	    "               [--every DURATION] [--events FILE]\n"
	    "               [FILE...]\n");
	exit(status);
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static json_t *
event(const char *ev, const char *id, const char *to)
{
	json_t *o = json_object();
	char tb[WA_TIMEBUF];

	json_object_set_new(o, "event", json_string(ev));
	wa_json_setstr(o, "id", id);
	wa_json_setstr(o, "to", to);
	json_object_set_new(o, "campaign", json_string(g.campaign));
	json_object_set_new(o, "at", json_string(wa_time_fmt(wa_now(), tb)));
	return o;
}

static void
put(json_t *o)
{
	wa_json_put(stdout, o);
	json_decref(o);
	fflush(stdout);
	if (ferror(stdout))
		wa_die(WA_EXIT_FATAL, "error writing output:");
}

static void
putreason(const char *ev, const char *id, const char *to, const char *reason)
{
	json_t *o = event(ev, id, to);

	json_object_set_new(o, "reason", json_string(reason));
	put(o);
	if (strcmp(ev, "skipped") == 0)
		g.nskipped++;
	else
		g.ndeferred++;
}

static json_t *
errobj(json_t *code, const char *title, const char *cls)
{
	json_t *e = json_object();

	json_object_set_new(e, "code", code);
	json_object_set_new(e, "title", json_string(title));
	json_object_set_new(e, "class", json_string(cls));
	return e;
}

/* A ledger entry for job J. */
static json_t *
entry(const char *ev, struct job *j)
{
	json_t *o = event(ev, j->id, j->to);

	json_object_set_new(o, "key", json_string(j->key));
	return o;
}

static void
ledger_add(json_t *e)
{
	if (g.ledger && wa_ledger_add(g.ledger, e) < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot add to the ledger", g.ledgerpath);
	json_decref(e);
}

static void
ledger_flush(void)
{
	if (g.ledger && wa_ledger_flush(g.ledger) < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot write the ledger:", g.ledgerpath);
}

static void
job_free(struct job *j)
{
	free(j->id);
	free(j->to);
	free(j->key);
	free(j->lang);
	free(j->body);
	free(j);
}

static int
isstopped(struct job *j)
{
	return g.stopped || g.fatal ||
	    (j->lang && wa_hash_get(g.stoplang, j->lang) != NULL);
}

static void
defer(struct job *j)
{
	putreason("deferred", j->id, j->to, g.stopped || g.fatal ?
	    "campaign_stopped" : "template_language_stopped");
	job_free(j);
}

/* Jobs to the user of TO not yet in the ledger, for --cap; ADD to it. */
static long
waiting(const char *to, long add)
{
	char k[WA_PHONE_MAX];
	long n;

	wa_phone_key(to, k);
	n = (long)(intptr_t)wa_hash_get(g.waitcnt, k) + add;
	if (add)
		wa_hash_put(g.waitcnt, k, (void *)(intptr_t)n);
	return n;
}

static void
uncount(struct job *j)
{
	if (j->counted) {
		waiting(j->to, -1);
		j->counted = 0;
	}
}

/*
 * Hand the engine what it can start soon, no more, so a stop still finds the
 * rest unsent: their attempts are written and synced first, in one go.
 */
static void
commit(void)
{
	struct job *batch[BATCH], *j;
	size_t i, n = 0, window;
	long burst = (long)(wa_http_getrate(g.http) / 10);

	window = wa_http_inflight(g.http) + 2 * (size_t)(burst < 1 ? 1 : burst);
	if (window > (size_t)g.concurrency)
		window = (size_t)g.concurrency;
	while (g.wait && n < BATCH && wa_http_pending(g.http) + n < window) {
		j = g.wait;
		if ((g.wait = j->rnext) == NULL)
			g.waittail = &g.wait;
		g.nwait--;
		j->rnext = NULL;
		uncount(j);
		if (isstopped(j)) {
			defer(j);
			continue;
		}
		ledger_add(entry("attempt", j));
		batch[n++] = j;
	}
	if (n == 0)
		return;
	ledger_flush();
	for (i = 0; i < n; i++) {
		j = batch[i];
		j->prev = NULL;
		j->next = g.fly;
		if (g.fly)
			g.fly->prev = j;
		g.fly = j;
		wa_http_post(g.http, g.url.s, j->body, j);
	}
}

static void
enqueue(struct job *j)
{
	j->rnext = NULL;
	*g.waittail = j;
	g.waittail = &j->rnext;
	g.nwait++;
}

/* Defer the jobs of the wait queue and of the retry list that are stopped now. */
static void
dropstopped(void)
{
	struct job *j, **pp;

	g.waittail = &g.wait;
	for (pp = &g.wait; (j = *pp) != NULL;) {
		if (isstopped(j)) {
			*pp = j->rnext;
			g.nwait--;
			uncount(j);
			defer(j);
		} else {
			pp = &j->rnext;
			g.waittail = pp;
		}
	}
	for (pp = &g.retry; (j = *pp) != NULL;) {
		if (isstopped(j)) {
			*pp = j->rnext;
			defer(j);
		} else
			pp = &j->rnext;
	}
}

static void
unfly(struct job *j)
{
	if (j->prev)
		j->prev->next = j->next;
	else
		g.fly = j->next;
	if (j->next)
		j->next->prev = j->prev;
	j->prev = j->next = NULL;
}

static void
stopall(void)
{
	dropstopped();
}

static void
stoplang(const char *lang)
{
	wa_hash_put(g.stoplang, lang ? lang : "", (void *)1);
	dropstopped();
}

/*
 * J failed. HOLD: the seconds before a later run may try its key again, 0
 * at once, -1 never (then it is skipped, failed_before, unless
 * --retry-failed).
 */
static void
fail(struct job *j, json_t *code, const char *title, const char *cls,
    long long hold)
{
	json_t *o = event("failed", j->id, j->to), *e;

	e = errobj(code, title, cls);
	json_object_set(o, "error", e);
	put(o);
	o = entry("failed", j);
	json_object_set_new(o, "error", e);
	json_object_set_new(o, "retry", json_boolean(hold == 0));
	if (hold > 0)
		wa_json_settime(o, "until", wa_now() + (time_t)hold);
	ledger_add(o);
	g.nfailed++;
	wa_fail(WA_EXIT_REC);
}

/* A retry after a backoff with jitter; false when none is left. */
static int
retry(struct job *j, double wait, const char *title, const char *cls,
    long long code)
{
	json_t *o;

	if (j->tries >= g.maxretries)
		return 0;
	if (wait <= 0) {
		wait = 0.25 * (double)(1L << (j->tries < 8 ? j->tries : 8));
		wait += wait * (rand() / (double)RAND_MAX) * 0.5;
	}
	j->tries++;
	o = entry("failed", j);
	json_object_set_new(o, "error", errobj(code >= 0 ?
	    json_integer(code) : json_null(), title, cls));
	json_object_set_new(o, "retry", json_true());
	ledger_add(o);
	j->due = mono() + wait;
	j->rnext = g.retry;
	g.retry = j;
	return 1;
}

static void
onanswer(struct wa_http_res *res, void *arg)
{
	struct job *j = res->ctx;
	struct wa_graph_ans a;
	json_t *o, *code;
	char line[WA_PHONE_MAX + 2];
	int cls;
	double r;

	(void)arg;
	unfly(j);
	if (res->status == 0 && res->sent) {
		o = event("unknown", j->id, j->to);
		json_object_set_new(o, "error", errobj(json_null(),
		    res->error ? res->error : "no answer", "unknown"));
		put(o);
		ledger_add(entry("unknown", j));
		g.nunknown++;
		wa_fail(WA_EXIT_REC);
		job_free(j);
		return;
	}
	wa_graph_answer(&a, res->status, res->body, res->len);
	if (a.kind == WA_GRAPH_SENT) {
		o = event("sent", j->id, j->to);
		wa_json_setstr(o, "wamid", a.wamid);
		put(o);
		o = entry("sent", j);
		wa_json_setstr(o, "wamid", a.wamid);
		ledger_add(o);
		g.nsent++;
		wa_graph_ans_free(&a);
		job_free(j);
		return;
	}
	cls = wa_graph_class(a.kind == WA_GRAPH_ERROR ? &a.err : NULL,
	    res->status);
	code = a.kind == WA_GRAPH_ERROR && a.err.code >= 0 ?
	    json_integer(a.err.code) : json_null();
	switch (cls) {
	case WA_GC_THROTTLE:
		if (mono() - g.lastcut > 1) {
			r = wa_http_getrate(g.http) / 2;
			wa_http_setrate(g.http, r < 1 ? 1 : r);
			g.lastcut = mono();
		}
		/* FALLTHROUGH */
	case WA_GC_TRANSIENT:
		if (isstopped(j)) {
			json_decref(code);
			defer(j);
			wa_graph_ans_free(&a);
			return;
		}
		if (retry(j, 0, a.err.title, wa_graph_classname(cls),
		    a.kind == WA_GRAPH_ERROR ? a.err.code : -1)) {
			json_decref(code);
			wa_graph_ans_free(&a);
			return;
		}
		fail(j, code, a.err.title, wa_graph_classname(cls), 0);
		break;
	case WA_GC_PAIR:
		if (!isstopped(j) && wa_graph_pair_wait(j->tries) <= 64 &&
		    retry(j, (double)wa_graph_pair_wait(j->tries), a.err.title,
		    "pair_limit", a.err.code)) {
			json_decref(code);
			wa_graph_ans_free(&a);
			return;
		}
		json_decref(code);
		o = entry("failed", j);
		json_object_set_new(o, "retry", json_true());
		ledger_add(o);
		putreason("deferred", j->id, j->to, "pair_limit");
		break;
	case WA_GC_RECIPIENT:
		fail(j, code, a.err.title, "recipient",
		    wa_graph_hold(a.err.code));
		if (a.kind == WA_GRAPH_ERROR && wa_graph_suppress(a.err.code)) {
			snprintf(line, sizeof line, "%s\n", j->to);
			if (wa_append(g.suppath, line, strlen(line)) < 0)
				wa_warn("%s: cannot add %s:", g.suppath, j->to);
			wa_phone_key(j->to, line);
			wa_hash_put(g.supp, line, (void *)1);
		}
		break;
	case WA_GC_CAMPAIGN:
		fail(j, code, a.err.title, "campaign", 0);
		if (!g.stopped)
			wa_warn("campaign %s stopped: %s", g.campaign, a.err.title);
		g.stopped = 1;
		stopall();
		break;
	case WA_GC_LANGUAGE:
		fail(j, code, a.err.title, "template_language", 0);
		wa_warn("language %s stopped: %s", j->lang ? j->lang : "?",
		    a.err.title);
		stoplang(j->lang);
		break;
	case WA_GC_ACCOUNT:
		fail(j, code, a.err.title, "account", 0);
		if (!g.fatal)
			wa_warn("account error, everything stopped: %s", a.err.title);
		g.fatal = 1;
		stopall();
		break;
	default:
		/* No known class: not for good, since it may not be the recipient's. */
		fail(j, code, a.err.title, wa_graph_classname(cls), 0);
		break;
	}
	wa_graph_ans_free(&a);
	job_free(j);
}

/* Move the retries that are due into the batch; the seconds to the next one. */
static double
dueretries(void)
{
	struct job *j, **pp;
	double now = mono(), next = -1;

	for (pp = &g.retry; (j = *pp) != NULL;) {
		if (j->due <= now) {
			*pp = j->rnext;
			enqueue(j);
			continue;
		}
		if (next < 0 || j->due - now < next)
			next = j->due - now;
		pp = &j->rnext;
	}
	return next;
}

/* The progress line on a terminal, redrawn at most once a second. */
static void
progress(int last)
{
	double now, el;
	long done = g.nsent + g.nskipped + g.ndeferred + g.nfailed + g.nunknown;

	if (!g.tty || (!last && (now = mono()) - g.shown < 1))
		return;
	now = mono();
	if (last && g.shown == 0)
		return;
	g.shown = now;
	el = now - g.start;
	fprintf(stderr, "\r%s: %ld done, %ld sent, %ld failed, %.0f/s, %zu in flight%s",
	    wa_prog, done, g.nsent, g.nfailed, el > 0 ? g.nsent / el : 0.0,
	    g.http ? wa_http_inflight(g.http) : 0, last ? "\n" : "  ");
}

static void
step(long ms)
{
	progress(0);
	dueretries();
	commit();
	wa_http_step(g.http, onanswer, NULL, ms);
}

/*
 * The last state of KEY in the ledger; a sent one older than --every, and a
 * failed one whose hold is over, are none.
 */
static int
keystate(const char *key)
{
	time_t at = 0, until;
	int st = WA_LEDGER_NONE;

	if (g.ledger)
		st = wa_ledger_state(g.ledger, key, &at);
	if (st == WA_LEDGER_SENT && g.every > 0 && at > 0 &&
	    (long long)(wa_now() - at) >= g.every)
		return WA_LEDGER_NONE;
	if (st == WA_LEDGER_FAILED && (until = wa_ledger_until(g.ledger, key)) > 0 &&
	    wa_now() >= until)
		return WA_LEDGER_NONE;
	return st;
}

/* "HH:MM" into minutes of the day, or -1. */
static int
hhmm(const char *s, const char **end)
{
	int h, m;

	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] != ':' ||
	    s[3] < '0' || s[3] > '9' || s[4] < '0' || s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + s[1] - '0';
	m = (s[3] - '0') * 10 + s[4] - '0';
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return -1;
	*end = s + 5;
	return h * 60 + m;
}

/* Is it quiet time where the customer of REC at TO lives? */
static int
isquiet(json_t *rec, const char *to)
{
	const char *zone = wa_json_str(rec, "tz"), *cc;
	struct tm tm;
	int m;

	if (g.quiet0 < 0)
		return 0;
	if ((zone == NULL || *zone == '\0') && (cc = wa_phone_country(to)) != NULL)
		zone = wa_tz_for(cc, NULL);
	if (zone == NULL || *zone == '\0' || wa_tz_local(zone, wa_now(), &tm) < 0)
		return 0;
	m = tm.tm_hour * 60 + tm.tm_min;
	if (g.quiet0 <= g.quiet1)
		return m >= g.quiet0 && m < g.quiet1;
	return m >= g.quiet0 || m < g.quiet1;
}

static const char *
str(json_t *rec, const char *k, char *buf, size_t n)
{
	json_t *v = json_object_get(rec, k);

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return NULL;
}

/* A record that fails here, before anything is sent: not in the ledger, so fixed data goes out next run. */
static void
localfail(struct wa_rec *r, const char *id, const char *to, const char *err)
{
	json_t *o = event("failed", id, to);

	json_object_set_new(o, "error", errobj(json_null(), err, "local"));
	put(o);
	g.nfailed++;
	wa_reject(r, "%s", err);
	wa_fail(WA_EXIT_REC);
}

/* A customer record: its id (NULL: none) and its phone in TO; -1 when it is skipped. */
static int
customer(json_t *rec, char *ib, char *pb, const char **id, char *to)
{
	const char *phone;

	*id = str(rec, "id", ib, 32);
	phone = str(rec, "phone", pb, 32);
	if (phone == NULL || wa_phone_norm(phone,
	    wa_json_str(rec, "country"), to) != WA_PHONE_OK) {
		putreason("skipped", *id, phone, "invalid_phone");
		return -1;
	}
	if (!json_is_true(json_object_get(rec, "opt_in"))) {
		putreason("skipped", *id, to, "no_consent");
		return -1;
	}
	return 0;
}

/*
 * A wa-hook event, for --reply: a message gives its wamid as the id and its
 * sender in TO, with no opt-in needed since the customer wrote first; -1
 * when it gets no answer. Other events pass without a line of their own (a
 * spool holds millions of statuses), counted for the summary.
 */
static int
inbound(struct wa_rec *r, json_t *rec, const char **id, char *to)
{
	const char *ev = wa_json_str(rec, "event"), *from, *at;
	time_t t;

	if (ev == NULL || strcmp(ev, "message") != 0) {
		g.nother++;
		return -1;
	}
	*id = wa_json_str(rec, "wamid");
	from = wa_json_str(rec, "from");
	at = wa_json_str(rec, "at");
	if (*id == NULL || **id == '\0') {
		localfail(r, NULL, from, "missing field 'wamid'");
		return -1;
	}
	/* A user known only by a business-scoped user_id has no number to answer. */
	if (from == NULL || *from == '\0') {
		putreason("skipped", *id, NULL, "no_phone");
		return -1;
	}
	if (wa_phone_norm(from, NULL, to) != WA_PHONE_OK) {
		putreason("skipped", *id, from, "invalid_phone");
		return -1;
	}
	if (at == NULL || wa_time_parse(at, WA_DATES_ANY, &t) < 0) {
		localfail(r, *id, to, "no time in field 'at'");
		return -1;
	}
	if (wa_now() - t >= WINDOW) {
		putreason("skipped", *id, to, "window_closed");
		return -1;
	}
	return 0;
}

static int
onrecord(struct wa_rec *r, void *ctx)
{
	json_t *rec = r->fmt == WA_FMT_CSV ? wa_rules_csvobj(r) : r->json;
	json_t *body, *o;
	struct wa_graph_msg m = { 0 };
	struct wa_buf lb = { 0 };
	char to[WA_PHONE_MAX], pk[WA_PHONE_MAX], err[WA_GRAPH_ERRSZ];
	char ib[32], pb[32];
	const char *id;
	char *key, *p;
	struct job *j;
	int st;

	(void)ctx;
	if (g.fatal)
		goto out;
	if (g.reply ? inbound(r, rec, &id, to) < 0 :
	    customer(rec, ib, pb, &id, to) < 0)
		goto out;
	wa_phone_key(to, pk);
	if (wa_hash_get(g.supp, pk)) {
		putreason("skipped", id, to, "suppressed");
		goto out;
	}
	if (id == NULL)
		id = to;
	key = wa_strjoin(g.campaign, "/", id);
	if (wa_hash_get(g.seen, key)) {
		putreason("skipped", id, to, "already_sent");
		free(key);
		goto out;
	}
	st = keystate(key);
	if (st == WA_LEDGER_SENT) {
		putreason("skipped", id, to, "already_sent");
		free(key);
		goto out;
	}
	if (st == WA_LEDGER_FAILED && !g.retryfailed) {
		putreason("skipped", id, to, "failed_before");
		free(key);
		goto out;
	}
	if ((st == WA_LEDGER_ATTEMPT || st == WA_LEDGER_UNKNOWN) &&
	    !g.retryunknown) {
		o = event("unknown", id, to);
		json_object_set_new(o, "reason", json_string("attempted_before"));
		put(o);
		g.nunknown++;
		wa_fail(WA_EXIT_REC);
		free(key);
		goto out;
	}
	if (isquiet(rec, to)) {
		putreason("deferred", id, to, "quiet_hours");
		free(key);
		goto out;
	}
	if (g.capn > 0 && g.ledger && wa_ledger_recent(g.ledger, to,
	    wa_now() - (time_t)g.capsecs) + waiting(to, 0) >= g.capn) {
		putreason("skipped", id, to, "cap");
		free(key);
		goto out;
	}
	wa_hash_put(g.seen, key, (void *)1);
	j = wa_calloc(1, sizeof *j);
	j->id = wa_strdup(id);
	j->to = wa_strdup(to);
	j->key = key;
	if (!g.text && wa_graph_fill(g.tmpl.lang, rec, &lb, err, sizeof err) == 0) {
		j->lang = wa_strdup(wa_buf_str(&lb));
		for (p = j->lang; *p; p++)
			if (*p == '-')
				*p = '_';
	}
	wa_buf_free(&lb);
	if (isstopped(j)) {
		defer(j);
		goto out;
	}
	m.to = to;
	m.opaque = key;
	body = g.text ? wa_graph_text(&m, g.text, rec, err, sizeof err) :
	    wa_graph_template(&m, &g.tmpl, rec, err, sizeof err);
	if (body == NULL) {
		localfail(r, j->id, j->to, err);
		job_free(j);
		goto out;
	}
	if (g.dryrun) {
		o = json_object();
		json_object_set_new(o, "event", json_string("dry_run"));
		wa_json_setstr(o, "id", j->id);
		wa_json_setstr(o, "to", j->to);
		json_object_set_new(o, "body", body);
		put(o);
		job_free(j);
		goto out;
	}
	j->body = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	waiting(j->to, 1);
	j->counted = 1;
	enqueue(j);
	while (!g.fatal && wa_http_pending(g.http) + g.nwait >
	    2 * (size_t)g.concurrency)
		step(100);
	step(0);
out:
	if (rec != r->json)
		json_decref(rec);
	return g.fatal;
}

static void
loadsupp(void)
{
	FILE *fp;
	char *line = NULL, *p, out[WA_PHONE_MAX], k[WA_PHONE_MAX];
	size_t cap = 0;

	g.supp = wa_hash_new();
	if ((fp = fopen(g.suppath, "r")) == NULL) {
		if (errno != ENOENT)
			wa_die(WA_EXIT_FATAL, "%s:", g.suppath);
		return;
	}
	while (getline(&line, &cap, fp) != -1) {
		p = line + strcspn(line, "\r\n");
		*p = '\0';
		if (wa_phone_norm(line, NULL, out) != WA_PHONE_OK)
			continue;
		wa_phone_key(out, k);
		wa_hash_put(g.supp, k, (void *)1);
	}
	free(line);
	fclose(fp);
}

/* Keys left unknown by an earlier run, settled by the webhook statuses wa-hook wrote. */
static void
settle(void)
{
	long n = wa_ledger_settle(g.ledger, g.events, wa_now());

	if (n < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot settle unknown outcomes:", g.events);
	if (n > 0 && !g.quiet)
		fprintf(stderr, "%s: %ld unknown outcomes settled from %s\n",
		    wa_prog, n, g.events);
}

static char *
token(void)
{
	const char *t = getenv("WA_TOKEN"), *f = getenv("WA_TOKEN_FILE");
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;

	if (t && *t)
		return wa_strdup(t);
	if (f == NULL || *f == '\0')
		wa_die(WA_EXIT_USAGE, "set WA_TOKEN or WA_TOKEN_FILE "
		    "(or use --dry-run)");
	if ((fp = fopen(f, "r")) == NULL)
		wa_die(WA_EXIT_USAGE, "WA_TOKEN_FILE %s:", f);
	if (getline(&line, &cap, fp) == -1 || *line == '\n' || *line == '\r')
		wa_die(WA_EXIT_USAGE, "WA_TOKEN_FILE %s: no token on its first line", f);
	fclose(fp);
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

int
main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "button", required_argument, NULL, 'B' },
		{ "cap", required_argument, NULL, 'P' },
		{ "concurrency", required_argument, NULL, 'C' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "events", required_argument, NULL, 'K' },
		{ "every", required_argument, NULL, 'E' },
		{ "header-document", required_argument, NULL, 'H' },
		{ "header-image", required_argument, NULL, 'I' },
		{ "header-text", required_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ "ledger", required_argument, NULL, 'L' },
		{ "max-retries", required_argument, NULL, 'M' },
		{ "no-wait", no_argument, NULL, 'W' },
		{ "now", required_argument, NULL, 'N' },
		{ "quiet", required_argument, NULL, 'Q' },
		{ "rate", required_argument, NULL, 'r' },
		{ "rejects", required_argument, NULL, 'R' },
		{ "reply", no_argument, NULL, 'A' },
		{ "retry-failed", no_argument, NULL, 'F' },
		{ "retry-unknown", no_argument, NULL, 'U' },
		{ "suppress", required_argument, NULL, 'S' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *rejects = NULL, *pnid;
	char err[WA_GRAPH_ERRSZ], *tok;
	struct wa_input *in;
	size_t np = 0, nb = 0, i;
	int ch, status;
	double next;
	long ms;

	wa_init(argv[0]);
	argv[0] = (char *)wa_prog;
	g.rate = 80;
	g.concurrency = 500;
	g.maxretries = 5;
	g.quiet0 = g.quiet1 = -1;
	g.tmpl.lang = "{{lang|en_US}}";
	while ((ch = getopt_long(argc, argv, "c:hl:m:p:qt:", longs, NULL)) != -1) {
		switch (ch) {
		case 'A': g.reply = 1; break;
		case 'B':
			if (nb == 10)
				wa_die(WA_EXIT_USAGE, "--button: at most 10");
			if (wa_graph_button_arg(optarg, &g.buttons[nb], err, sizeof err) < 0)
				wa_die(WA_EXIT_USAGE, "--button: %s", err);
			nb++;
			break;
		case 'H': case 'I': case 'X':
			if (g.tmpl.htype != WA_GRAPH_HNONE)
				wa_die(WA_EXIT_USAGE, "one header at most");
			g.tmpl.htype = ch == 'H' ? WA_GRAPH_HDOCUMENT :
			    ch == 'I' ? WA_GRAPH_HIMAGE : WA_GRAPH_HTEXT;
			if (wa_graph_check(optarg, err, sizeof err) < 0)
				wa_die(WA_EXIT_USAGE, "header '%s': %s", optarg, err);
			g.tmpl.header = optarg;
			break;
		case 'c': g.campaign = optarg; break;
		case 'C': g.concurrency = (long)wa_optnum("--concurrency", optarg, 1, 10000); break;
		case 'D': g.dryrun = 1; break;
		case 'E':
			if (wa_dur_parse(optarg, &g.every) < 0 || g.every <= 0)
				wa_die(WA_EXIT_USAGE, "--every: bad duration '%s'", optarg);
			break;
		case 'P': {
			char *end;

			errno = 0;
			g.capn = strtol(optarg, &end, 10);
			if (end == optarg || *end != '/' || errno || g.capn < 1 ||
			    wa_dur_parse(end + 1, &g.capsecs) < 0 || g.capsecs <= 0)
				wa_die(WA_EXIT_USAGE, "--cap: want N/DURATION, as 2/7d, not '%s'", optarg);
			break;
		}
		case 'Q': {
			const char *e;

			if ((g.quiet0 = hhmm(optarg, &e)) < 0 || *e != '-' ||
			    (g.quiet1 = hhmm(e + 1, &e)) < 0 || *e != '\0')
				wa_die(WA_EXIT_USAGE, "--quiet: want HH:MM-HH:MM, as 21:00-09:00, not '%s'", optarg);
			break;
		}
		case 'F': g.retryfailed = 1; break;
		case 'h': usage(0); break;
		case 'K': g.events = optarg; break;
		case 'l': g.tmpl.lang = optarg; break;
		case 'L': g.ledgerpath = optarg; break;
		case 'm': g.text = optarg; break;
		case 'M': g.maxretries = (long)wa_optnum("--max-retries", optarg, 0, 30); break;
		case 'N':
			if (wa_now_set(optarg) < 0)
				wa_die(WA_EXIT_USAGE, "--now: bad time '%s'", optarg);
			break;
		case 'p':
			if (np == MAXPARAM)
				wa_die(WA_EXIT_USAGE, "-p: at most %d parameters", MAXPARAM);
			g.params[np++] = optarg;
			break;
		case 'q': g.quiet = 1; break;
		case 'r': g.rate = (double)wa_optnum("--rate", optarg, 1, 1000); break;
		case 'R': rejects = optarg; break;
		case 'S': g.suppath = optarg; break;
		case 't': g.tmpl.name = optarg; break;
		case 'U': g.retryunknown = 1; break;
		case 'V': wa_version(); break;
		case 'W': g.nowait = 1; break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (g.campaign == NULL || *g.campaign == '\0')
		wa_die(WA_EXIT_USAGE, "-c CAMPAIGN is needed");
	if (strchr(g.campaign, '/'))
		wa_die(WA_EXIT_USAGE, "-c: a campaign name has no '/'");
	if ((g.tmpl.name == NULL) == (g.text == NULL))
		wa_die(WA_EXIT_USAGE, "give one of -t TEMPLATE or -m TEXT");
	if (g.text && (np > 0 || nb > 0 || g.tmpl.htype != WA_GRAPH_HNONE))
		wa_die(WA_EXIT_USAGE, "-p, --button and headers go with -t, not with -m");
	for (i = 0; i < np; i++)
		if (wa_graph_check(g.params[i], err, sizeof err) < 0)
			wa_die(WA_EXIT_USAGE, "-p '%s': %s", g.params[i], err);
	if (g.text && wa_graph_check(g.text, err, sizeof err) < 0)
		wa_die(WA_EXIT_USAGE, "-m: %s", err);
	if (!g.text && wa_graph_check(g.tmpl.lang, err, sizeof err) < 0)
		wa_die(WA_EXIT_USAGE, "-l: %s", err);
	g.tmpl.body = g.params;
	g.tmpl.nbody = np;
	g.tmpl.button = g.buttons;
	g.tmpl.nbutton = nb;
	if (g.ledgerpath == NULL)
		g.ledgerpath = wa_strjoin(wa_home(), "/", "ledger.jsonl");
	if (g.suppath == NULL)
		g.suppath = wa_strjoin(wa_home(), "/", "suppress.txt");
	if (g.events == NULL)
		g.events = wa_strjoin(wa_home(), "/", "events.jsonl");
	g.seen = wa_hash_new();
	g.stoplang = wa_hash_new();
	g.waitcnt = wa_hash_new();
	g.waittail = &g.wait;
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	loadsupp();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	signal(SIGPIPE, SIG_IGN);
	if (g.dryrun) {
		if ((g.ledger = wa_ledger_read(g.ledgerpath)) == NULL)
			wa_die(WA_EXIT_FATAL, "cannot read ledger '%s':", g.ledgerpath);
	} else {
		tok = token();
		if ((pnid = getenv("WA_PHONE_NUMBER_ID")) == NULL || *pnid == '\0')
			wa_die(WA_EXIT_USAGE, "set WA_PHONE_NUMBER_ID "
			    "(or use --dry-run)");
		if (wa_graph_url(&g.url, getenv("WA_API_URL"), pnid, "messages",
		    err, sizeof err) < 0)
			wa_die(WA_EXIT_USAGE, "WA_API_URL/WA_PHONE_NUMBER_ID: %s", err);
		if ((g.ledger = wa_ledger_open(g.ledgerpath, !g.nowait)) == NULL) {
			if (errno == EWOULDBLOCK) {
				wa_warn("%s: another run holds the ledger", g.ledgerpath);
				exit(EXIT_BUSY);
			}
			wa_die(WA_EXIT_FATAL, "%s: cannot open the ledger:", g.ledgerpath);
		}
		g.http = wa_http_new(g.rate, (int)g.concurrency, 30000);
		wa_http_auth(g.http, tok);
		memset(tok, 0, strlen(tok));
		free(tok);
	}
	settle();
	g.tty = !g.quiet && isatty(2);
	g.start = mono();
	in = wa_input_new(WA_FMT_AUTO);
	if (rejects)
		wa_input_rejects(in, rejects);
	wa_input_run(in, argc, argv, onrecord, NULL);
	if (g.http) {
		for (;;) {
			if (g.fatal)
				break;
			next = dueretries();
			commit();
			if (wa_http_pending(g.http) == 0 && g.retry == NULL &&
			    g.wait == NULL)
				break;
			ms = next < 0 ? 1000 : (long)(next * 1000) + 1;
			if (ms > 1000)
				ms = 1000;
			wa_http_step(g.http, onanswer, NULL, ms);
			progress(0);
		}
		if (g.fatal) {
			struct job *j, *n;
			json_t *o;

			for (j = g.fly; j; j = n) {
				n = j->next;
				o = event("unknown", j->id, j->to);
				json_object_set_new(o, "reason", json_string("stopped"));
				put(o);
				g.nunknown++;
				job_free(j);
			}
			g.fly = NULL;
		}
		ledger_flush();
		wa_http_free(g.http);
	}
	if (g.ledger)
		wa_ledger_close(g.ledger);
	curl_global_cleanup();
	progress(1);
	if (!g.quiet) {
		fprintf(stderr, "%s: %s: %ld sent, %ld skipped, %ld deferred, "
		    "%ld failed, %ld unknown", wa_prog, g.campaign, g.nsent,
		    g.nskipped, g.ndeferred, g.nfailed, g.nunknown);
		if (g.reply)
			fprintf(stderr, ", %ld other events", g.nother);
		fputc('\n', stderr);
	}
	wa_input_free(in);
	status = wa_finish();
	if (g.fatal)
		return WA_EXIT_FATAL;
	if (g.nfailed || g.nunknown)
		return status > WA_EXIT_REC ? status : WA_EXIT_REC;
	return status;
}
