/* wa-send: template or text messages through the WhatsApp Cloud API, exactly once, paced. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "wa.h"
#include "store.h"
#include "send.h"

#define EXIT_BUSY 75
#define MAXPARAM 64
#define MAXFIELDS 128	/* fields parsed; past that, all of them */
#define MAXARM 27		/* the options before any --arm, and 26 arms */

/* What a record gets: the options before any --arm, or those of its variant's arm. */
struct arm {
	const char *name;	/* --arm NAME; NULL: before any --arm */
	const char *text;	/* -m TEXT, or NULL for -t */
	struct wa_graph_tmpl tmpl;
	const char *params[MAXPARAM];
	struct wa_graph_button buttons[10];
	size_t np, nb;
	int ownp, ownb, ownh;	/* -p, --button, a header given in the arm */
	int skip;		/* --skip: a hold-out arm, sent nothing */
};

static struct {
	const char *campaign, *ledgerpath, *suppath, *events;
	const char *country;	/* --country: for national numbers */
	struct arm arms[MAXARM];
	size_t narm;
	int dryrun, retryunknown, retryfailed, nowait, quiet;
	int reply;		/* --reply: the input is wa-hook events */
	int assumewin;		/* --assume-window: -m to anyone */
	struct wa_window *win;	/* for -m: who wrote, from --events */
	long maxretries, concurrency, timeout;
	double rate;
	struct wa_ledger *ledger;
	struct wa_hash *supp;	/* phone keys suppressed */
	struct wa_tmpl_cache *tmpls;	/* wa-templates' cache, or NULL */
	int nocheck;
	struct wa_hash *seen;	/* keys of this run */
	struct wa_hash *users;	/* same-user phone keys of this run */
	struct wa_sendq *q;	/* NULL: a dry run */
	long nsent, nskipped, ndeferred, nfailed, nunknown;
	long nother;		/* --reply: events that are no message */
	struct wa_quiet hours;	/* --quiet */
	long capn;		/* --cap N/DURATION */
	long long capsecs, every;
	int tty;		/* stderr is a terminal: a progress line */
	double start, shown;
} g;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wa-send -c CAMPAIGN (-t TEMPLATE [-l LANG] [-p PARAM]... | -m TEXT)\n"
	    "               [--header-text T | --header-image URL | --header-document URL]\n"
	    "               [--button INDEX=TEXT]... [--quick-reply INDEX=PAYLOAD]...\n"
	    "               [--reply | --assume-window]\n"
	    "               [--dry-run] [--ledger FILE] [--suppress FILE] [--rate N]\n"
	    "               [--concurrency N] [--max-retries N] [--timeout SECONDS]\n"
	    "               [--retry-failed] [--country CC]\n"
	    "               [--retry-unknown] [--no-wait] [--now TIME] [--rejects FILE]\n"
	    "               [-q] [--quiet HH:MM-HH:MM] [--cap N/DURATION]\n"
	    "               [--every DURATION] [--events FILE] [--no-check]\n"
	    "               [--arm NAME [--skip] [-t TEMPLATE] [-l LANG] [-p PARAM]...\n"
	    "                [-m TEXT] [--button INDEX=TEXT]...]... [FILE...]\n");
	exit(status);
}

/* Every event line goes out here, counted for the summary. */
static void
put(json_t *o, void *arg)
{
	const char *ev = wa_json_str(o, "event");

	(void)arg;
	if (strcmp(ev, "sent") == 0)
		g.nsent++;
	else if (strcmp(ev, "skipped") == 0)
		g.nskipped++;
	else if (strcmp(ev, "deferred") == 0)
		g.ndeferred++;
	else if (strcmp(ev, "failed") == 0)
		g.nfailed++;
	else if (strcmp(ev, "unknown") == 0)
		g.nunknown++;
	if (strcmp(ev, "failed") == 0 || strcmp(ev, "unknown") == 0)
		wa_fail(WA_EXIT_REC);
	wa_json_put(stdout, o);
	json_decref(o);
	fflush(stdout);
	if (ferror(stdout))
		wa_die(WA_EXIT_FATAL, "error writing output:");
}

static json_t *
event(const char *ev, const char *id, const char *to)
{
	return wa_sendq_event(g.campaign, ev, id, to);
}

static void
putreason(const char *ev, const char *id, const char *to, const char *reason)
{
	json_t *o = event(ev, id, to);

	json_object_set_new(o, "reason", json_string(reason));
	put(o, NULL);
}

/* The progress line on a terminal, redrawn at most once a second. */
static void
progress(int last)
{
	double now, el;
	long done = g.nsent + g.nskipped + g.ndeferred + g.nfailed + g.nunknown;

	if (!g.tty || (!last && (now = wa_mono()) - g.shown < 1))
		return;
	now = wa_mono();
	if (last && g.shown == 0)
		return;
	g.shown = now;
	el = now - g.start;
	fprintf(stderr, "\r%s: %ld done, %ld sent, %ld failed, %.0f/s, %zu in flight%s",
	    wa_prog, done, g.nsent, g.nfailed, el > 0 ? g.nsent / el : 0.0,
	    g.q ? wa_sendq_inflight(g.q) : 0, last ? "\n" : "  ");
}

static int
step(long ms)
{
	progress(0);
	return wa_sendq_step(g.q, ms);
}

/*
 * The last state of KEY in the ledger; a sent one older than --every, and a
 * failed one whose hold is over, are none.
 */
static int
keystate(const char *key)
{
	time_t at = 0, until;
	int st = wa_ledger_state(g.ledger, key, &at);

	if (st == WA_LEDGER_SENT && g.every > 0 && at > 0 &&
	    (long long)(wa_now() - at) >= g.every)
		return WA_LEDGER_NONE;
	if (st == WA_LEDGER_FAILED &&
	    (until = wa_ledger_until(g.ledger, key)) > 0 && wa_now() >= until)
		return WA_LEDGER_NONE;
	return st;
}

static const char *
str(json_t *rec, const char *k, char *buf, size_t n)
{
	json_t *v = json_object_get(rec, k);

	/* an empty id would give every such record one key */
	if (json_is_string(v))
		return *json_string_value(v) ? json_string_value(v) : NULL;
	if (json_is_integer(v)) {
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return NULL;
}

/*
 * A record that fails here, before anything is sent: not in the ledger, so
 * fixed data goes out next run.
 */
static void
localfail(struct wa_rec *r, const char *id, const char *to, const char *err)
{
	json_t *o = event("failed", id, to);

	json_object_set_new(o, "error", wa_sendq_error(json_null(), err, "local"));
	put(o, NULL);
	wa_reject(r, "%s", err);
}

/* A customer record: its id (NULL: none) and phone in TO; -1 when skipped. */
static int
customer(int csv, json_t *rec, char *ib, char *pb, const char **id, char *to)
{
	const char *phone;

	*id = str(rec, "id", ib, 32);
	phone = str(rec, "phone", pb, 32);
	if (phone == NULL || wa_phone_norm(phone, wa_json_str(rec, "country") ?
	    wa_json_str(rec, "country") : g.country, to) != WA_PHONE_OK) {
		putreason("skipped", *id, phone, "invalid_phone");
		return -1;
	}
	/* a CSV record's opt_in is text: yes, true, 1...; JSON says true */
	if (csv ? wa_yesno(wa_json_str(rec, "opt_in") ? wa_json_str(rec,
	    "opt_in") : "") != 1 : !json_is_true(json_object_get(rec, "opt_in"))) {
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
	if (wa_now() - t >= WA_WINDOW) {
		putreason("skipped", *id, to, "window_closed");
		return -1;
	}
	return 0;
}

/* The template's language for REC in arm A, as the API spells it (pt_BR), or NULL. */
static char *
language(const struct arm *a, json_t *rec)
{
	struct wa_buf lb = { 0 };
	char err[WA_GRAPH_ERRSZ], *lang = NULL, *p;

	if (!a->text && wa_graph_fill(a->tmpl.lang, rec, &lb, err, sizeof err) == 0) {
		lang = wa_strdup(wa_buf_str(&lb));
		for (p = lang; *p; p++)
			if (*p == '-')
				*p = '_';
	}
	wa_buf_free(&lb);
	return lang;
}

/* Is KEY kept from going out by this run or the ledger? Its event is out then. */
static int
done(const char *key, const char *id, const char *to)
{
	json_t *o;
	int st;

	if (wa_hash_get(g.seen, key)) {
		putreason("skipped", id, to, "already_sent");
		return 1;
	}
	st = keystate(key);
	if (st == WA_LEDGER_SENT) {
		putreason("skipped", id, to, "already_sent");
		return 1;
	}
	if (st == WA_LEDGER_HELD) {
		putreason("skipped", id, to, "held_out");
		return 1;
	}
	if (st == WA_LEDGER_FAILED && !g.retryfailed) {
		putreason("skipped", id, to, "failed_before");
		return 1;
	}
	if ((st == WA_LEDGER_ATTEMPT || st == WA_LEDGER_UNKNOWN) &&
	    !g.retryunknown) {
		o = event("unknown", id, to);
		json_object_set_new(o, "reason", json_string("attempted_before"));
		put(o, NULL);
		return 1;
	}
	return 0;
}

/*
 * Has another record of the campaign gone, or is one going, to the user of
 * TO (another form of the number included)? Its event is out then. A
 * --reply answers each message, so it is never a duplicate.
 */
static int
duplicate(const char *key, const char *id, const char *to)
{
	char pk[WA_PHONE_MAX];
	time_t at;
	int st;

	if (g.reply)
		return 0;
	wa_phone_key(to, pk);
	st = wa_ledger_owner(g.ledger, key, to, &at);
	if (st == WA_LEDGER_SENT && g.every > 0 && at > 0 &&
	    (long long)(wa_now() - at) >= g.every)
		st = WA_LEDGER_NONE;
	if (wa_hash_get(g.users, pk) || st == WA_LEDGER_SENT ||
	    st == WA_LEDGER_ATTEMPT || st == WA_LEDGER_UNKNOWN ||
	    st == WA_LEDGER_HELD) {
		putreason("skipped", id, to, "duplicate_recipient");
		return 1;
	}
	wa_hash_put(g.users, pk, (void *)1);
	return 0;
}

/*
 * The dedupe key CAMPAIGN/ID. A number's id is tagged with '#', and a
 * string's own leading '#' doubled, so that 6 and "6" are two customers.
 */
static char *
dedupekey(json_t *rec, const char *id)
{
	int num = !g.reply && json_is_integer(json_object_get(rec, "id"));

	return wa_strjoin(g.campaign, num || *id == '#' ? "/#" : "/", id);
}

/* Is the message to TO held back, by --quiet or --cap? Its event is out then. */
static int
held(json_t *rec, const char *id, const char *to)
{
	int quiet = wa_quiet_now(&g.hours, wa_json_str(rec, "tz"), to, wa_now());

	if (quiet != 0) {
		putreason("deferred", id, to, quiet > 0 ? "quiet_hours" :
		    "quiet_zone_unknown");
		return 1;
	}
	if (g.capn > 0 && wa_ledger_recent(g.ledger, to,
	    wa_now() - (time_t)g.capsecs) +
	    (g.q ? wa_sendq_waiting(g.q, to) : 0) >= g.capn) {
		putreason("skipped", id, to, "cap");
		return 1;
	}
	return 0;
}

/*
 * Is a free-form message to TO refused because TO has not written in the
 * last 24 hours? The API would answer 131047; its event is out then.
 */
static int
closed(const struct arm *a, const char *id, const char *to)
{
	if (g.win == NULL || a->text == NULL || a->skip ||
	    wa_window_open(g.win, to, wa_now()))
		return 0;
	putreason("skipped", id, to, "window_closed");
	return 1;
}

/*
 * With -m outside --reply, who wrote when: the events are read once, only
 * if some arm sends text.
 */
static void
loadwindow(void)
{
	size_t i;

	if (g.reply || g.assumewin)
		return;
	for (i = 0; i < g.narm && (g.arms[i].text == NULL || g.arms[i].skip); i++)
		;
	if (i == g.narm)
		return;
	if ((g.win = wa_window_load(g.events)) == NULL)
		wa_die(WA_EXIT_FATAL, "%s: cannot read the events:", g.events);
}

/* The button parameters a template must have: URL suffixes; a quick reply's payload is optional. */
static size_t
urls(const struct arm *a)
{
	size_t i, n = 0;

	for (i = 0; i < a->nb; i++)
		n += a->buttons[i].type == WA_GRAPH_BURL;
	return n;
}

/* Does the template cache say arm A's template goes through in LANG? */
static int
checked(const struct arm *a, const char *lang, char *err, size_t errsz)
{
	char why[160];

	if (g.tmpls == NULL || a->text || a->skip || lang == NULL ||
	    wa_tmpl_check(g.tmpls, a->tmpl.name, lang, a->tmpl.nbody,
	    a->tmpl.htype, urls(a), why, sizeof why) == 0)
		return 1;
	snprintf(err, errsz, "template %s: %s", a->tmpl.name, why);
	return 0;
}

/*
 * With a cache from wa-templates, a campaign the API would stop is refused
 * before it starts: a language given with -l is checked now, one taken
 * from each record when the record comes.
 */
static void
loadcheck(void)
{
	char *path = wa_home_path(WA_SF_TEMPLATES), err[256];
	const struct arm *a;

	if ((g.tmpls = wa_tmpl_load(path, err, sizeof err)) == NULL &&
	    errno != ENOENT)
		wa_die(WA_EXIT_USAGE, "%s: %s (or --no-check)", path, err);
	free(path);
	if (g.tmpls && g.tmpls->synced && wa_now() - g.tmpls->synced > WA_TMPL_STALE)
		wa_warn("the template cache is over a week old: wa-templates sync");
	for (a = g.arms; g.tmpls && a < g.arms + g.narm; a++)
		if (a->tmpl.name && strstr(a->tmpl.lang, "{{") == NULL &&
		    !checked(a, a->tmpl.lang, err, sizeof err))
			wa_die(WA_EXIT_USAGE, "%s (wa-templates sync if it changed, "
			    "or --no-check)", err);
}

static void
message(struct wa_rec *r, json_t *rec, const struct arm *a, const char *id,
    const char *to, const char *key)
{
	struct wa_graph_msg m = { 0 };
	char err[WA_GRAPH_ERRSZ], *lang = language(a, rec);
	const char *variant = wa_json_str(rec, "variant");
	const char *why;
	json_t *body, *o;

	if (g.q && (why = wa_sendq_stopped(g.q, a->tmpl.name, lang)) != NULL) {
		putreason("deferred", id, to, why);
		free(lang);
		return;
	}
	m.to = to;
	m.opaque = key;
	if (!checked(a, lang, err, sizeof err)) {
		localfail(r, id, to, err);
		free(lang);
		return;
	}
	body = a->text ? wa_graph_text(&m, a->text, rec, err, sizeof err) :
	    wa_graph_template(&m, &a->tmpl, rec, err, sizeof err);
	if (body == NULL)
		localfail(r, id, to, err);
	else if (g.dryrun) {
		o = json_object();
		json_object_set_new(o, "event", json_string("dry_run"));
		wa_json_setstr(o, "id", id);
		wa_json_setstr(o, "to", to);
		if (variant)
			wa_json_setstr(o, "variant", variant);
		json_object_set_new(o, "body", body);
		put(o, NULL);
	} else {
		wa_sendq_add(g.q, id, to, key, a->tmpl.name, lang, variant, body);
		while (!wa_sendq_fatal(g.q) && wa_sendq_full(g.q))
			step(100);
		step(0);
	}
	free(lang);
}

/*
 * After an account error the rest of the input is read only to say so, one
 * event a record, unchecked (in --reply, for the messages).
 */
static void
stopped(json_t *rec)
{
	const char *ev = wa_json_str(rec, "event");
	char ib[32], pb[32];

	if (!g.reply)
		putreason("deferred", str(rec, "id", ib, sizeof ib),
		    str(rec, "phone", pb, sizeof pb), "stopped");
	else if (ev && strcmp(ev, "message") == 0)
		putreason("deferred", wa_json_str(rec, "wamid"),
		    wa_json_str(rec, "from"), "stopped");
	else
		g.nother++;
}

/* The arm of REC's variant; else the options before any --arm, if they send. */
static const struct arm *
armfor(json_t *rec, char *err, size_t errsz)
{
	const char *v = wa_json_str(rec, "variant");
	size_t i;

	for (i = 1; v && i < g.narm; i++)
		if (strcmp(g.arms[i].name, v) == 0)
			return &g.arms[i];
	if (g.arms[0].text || g.arms[0].tmpl.name)
		return &g.arms[0];
	if (v)
		snprintf(err, errsz, "no --arm for variant '%s'", v);
	else
		snprintf(err, errsz, "no variant, and no message outside --arm");
	return NULL;
}

/*
 * A hold-out arm's record gets nothing, but is in the ledger, so that the
 * lift of the message can be measured against no message at all, and so
 * that the customer stays out on the next run.
 */
static void
holdout(json_t *rec, const char *id, const char *to, const char *key)
{
	int st = keystate(key);
	json_t *o;

	/* with --retry-unknown, a key that may have gone out is no hold-out */
	if (st == WA_LEDGER_ATTEMPT || st == WA_LEDGER_UNKNOWN) {
		o = event("unknown", id, to);
		json_object_set_new(o, "reason", json_string("attempted_before"));
		put(o, NULL);
		return;
	}
	if (!g.dryrun) {
		o = event("held_out", id, to);
		json_object_set_new(o, "key", json_string(key));
		wa_json_setstr(o, "variant", wa_json_str(rec, "variant"));
		if (wa_ledger_add(g.ledger, o) < 0 || wa_ledger_flush(g.ledger) < 0)
			wa_die(WA_EXIT_FATAL, "%s: cannot write the ledger:",
			    g.ledgerpath);
		json_decref(o);
	}
	putreason("skipped", id, to, "held_out");
}

static int
onrecord(struct wa_rec *r, void *ctx)
{
	json_t *rec = r->fmt == WA_FMT_CSV ? wa_rules_csvobj(r) : r->json;
	char to[WA_PHONE_MAX], ib[32], pb[32], err[128];
	const struct arm *a;
	const char *id;
	char *key;

	(void)ctx;
	if (g.q && wa_sendq_fatal(g.q)) {
		stopped(rec);
		goto out;
	}
	if (g.reply ? inbound(r, rec, &id, to) < 0 :
	    customer(r->fmt == WA_FMT_CSV, rec, ib, pb, &id, to) < 0)
		goto out;
	if (wa_supp_has(g.supp, to)) {
		putreason("skipped", id, to, "suppressed");
		goto out;
	}
	if (id == NULL)
		id = to;
	if ((a = armfor(rec, err, sizeof err)) == NULL) {
		localfail(r, id, to, err);
		goto out;
	}
	key = dedupekey(rec, id);
	if (!done(key, id, to) && !held(rec, id, to) && !closed(a, id, to) &&
	    !duplicate(key, id, to)) {
		wa_hash_put(g.seen, key, (void *)1);
		if (a->skip)
			holdout(rec, id, to, key);
		else
			message(r, rec, a, id, to, key);
	}
	free(key);
out:
	if (rec != r->json)
		json_decref(rec);
	return 0;
}

/*
 * Only the fields read here and by the placeholders are parsed from JSON
 * records: most of a wa-hook spool is statuses, passed over at once.
 */
static void
fields(struct wa_input *in)
{
	static const char *const own[] = {
		"id", "phone", "country", "opt_in", "tz", "variant",
		"event", "wamid", "from", "at"
	};
	static char *names[MAXFIELDS];
	const struct arm *a;
	size_t n = 0, i;
	int bad = 0;

	for (i = 0; i < sizeof own / sizeof own[0]; i++)
		names[n++] = wa_strdup(own[i]);
	for (a = g.arms; a < g.arms + g.narm; a++) {
		bad |= wa_graph_fields(a->text, names, &n, MAXFIELDS);
		bad |= wa_graph_fields(a->tmpl.lang, names, &n, MAXFIELDS);
		bad |= wa_graph_fields(a->tmpl.header, names, &n, MAXFIELDS);
		for (i = 0; i < a->tmpl.nbody; i++)
			bad |= wa_graph_fields(a->tmpl.body[i], names, &n,
			    MAXFIELDS);
		for (i = 0; i < a->tmpl.nbutton; i++)
			bad |= wa_graph_fields(a->tmpl.button[i].text, names,
			    &n, MAXFIELDS);
	}
	if (bad == 0)
		wa_input_fields(in, (const char *const *)names, n);
}

/* Keys left unknown by an earlier run, settled by wa-hook's webhook statuses. */
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

static struct wa_sendq *
newq(const char *url, const char *tok)
{
	struct wa_sendq_cfg c = { 0 };

	c.campaign = g.campaign;
	c.url = url;
	c.cafile = getenv("WA_CA_FILE");
	c.ledger = g.ledger;
	c.ledgerpath = g.ledgerpath;
	c.suppath = g.suppath;
	c.supp = g.supp;
	c.rate = g.rate;
	c.concurrency = g.concurrency;
	c.maxretries = g.maxretries;
	c.timeout_ms = g.timeout * 1000;
	c.bytemplate = g.narm > 1;
	c.emit = put;
	return wa_sendq_new(&c, tok);
}

/* A new arm NAME, starting as a copy of the options before the first --arm. */
static struct arm *
newarm(const char *name)
{
	struct arm *a = &g.arms[g.narm];
	size_t i;

	if (strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_-") != strlen(name) || *name == '\0')
		wa_die(WA_EXIT_USAGE, "--arm '%s': letters, digits, - and _ only", name);
	for (i = 1; i < g.narm; i++)
		if (strcmp(g.arms[i].name, name) == 0)
			wa_die(WA_EXIT_USAGE, "--arm %s twice", name);
	if (g.narm == MAXARM)
		wa_die(WA_EXIT_USAGE, "--arm: at most %d", MAXARM - 1);
	*a = g.arms[0];
	a->name = name;
	a->ownp = a->ownb = a->ownh = 0;
	g.narm++;
	return a;
}

/*
 * An arm's own -m: parameters, buttons and a header it got from the
 * options before --arm were for their template, and a text takes none.
 */
static void
ownonly(struct arm *a)
{
	if (a->name == NULL)
		return;
	if (!a->ownp)
		a->np = 0;
	if (!a->ownb)
		a->nb = 0;
	if (!a->ownh) {
		a->tmpl.htype = WA_GRAPH_HNONE;
		a->tmpl.header = NULL;
	}
}

/* The options of arm A make a message, or A is a hold-out; else exit 2. */
static void
checkarm(struct arm *a)
{
	const char *in = a->name ? a->name : "the options before --arm";
	char err[WA_GRAPH_ERRSZ];
	size_t i;

	if (a->skip || (a->name == NULL && g.narm > 1 && !a->text && !a->tmpl.name))
		return;
	if ((a->tmpl.name == NULL) == (a->text == NULL))
		wa_die(WA_EXIT_USAGE, "give one of -t TEMPLATE or -m TEXT (%s)", in);
	if (a->text && (a->np > 0 || a->nb > 0 || a->tmpl.htype != WA_GRAPH_HNONE))
		wa_die(WA_EXIT_USAGE, "-p, --button and headers go with -t, not with -m");
	for (i = 0; i < a->np; i++)
		if (wa_graph_check(a->params[i], err, sizeof err) < 0)
			wa_die(WA_EXIT_USAGE, "-p '%s': %s", a->params[i], err);
	if (a->text && wa_graph_check(a->text, err, sizeof err) < 0)
		wa_die(WA_EXIT_USAGE, "-m: %s", err);
	if (!a->text && wa_graph_check(a->tmpl.lang, err, sizeof err) < 0)
		wa_die(WA_EXIT_USAGE, "-l: %s", err);
	a->tmpl.body = a->params;
	a->tmpl.nbody = a->np;
	a->tmpl.button = a->buttons;
	a->tmpl.nbutton = a->nb;
}

int
main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "button", required_argument, NULL, 'B' },
		{ "cap", required_argument, NULL, 'P' },
		{ "concurrency", required_argument, NULL, 'C' },
		{ "country", required_argument, NULL, 'Z' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "events", required_argument, NULL, 'K' },
		{ "every", required_argument, NULL, 'E' },
		{ "header-document", required_argument, NULL, 'H' },
		{ "header-image", required_argument, NULL, 'I' },
		{ "header-text", required_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ "ledger", required_argument, NULL, 'L' },
		{ "max-retries", required_argument, NULL, 'M' },
		{ "no-check", no_argument, NULL, 'O' },
		{ "no-wait", no_argument, NULL, 'W' },
		{ "now", required_argument, NULL, 'N' },
		{ "quick-reply", required_argument, NULL, 'Y' },
		{ "quiet", required_argument, NULL, 'Q' },
		{ "rate", required_argument, NULL, 'r' },
		{ "rejects", required_argument, NULL, 'R' },
		{ "reply", no_argument, NULL, 'A' },
		{ "retry-failed", no_argument, NULL, 'F' },
		{ "retry-unknown", no_argument, NULL, 'U' },
		{ "arm", required_argument, NULL, 'G' },
		{ "assume-window", no_argument, NULL, 'w' },
		{ "skip", no_argument, NULL, 'k' },
		{ "suppress", required_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *rejects = NULL, *pnid;
	char err[WA_GRAPH_ERRSZ], *tok;
	struct wa_input *in;
	struct arm *a;
	size_t i;
	struct wa_buf url = { 0 };
	int ch, status, fatal = 0;

	wa_init(argv[0]);
	argv[0] = (char *)wa_prog;
	g.rate = 80;
	g.concurrency = 500;
	g.maxretries = 5;
	g.narm = 1;
	a = &g.arms[0];
	a->tmpl.lang = "{{lang|en_US}}";
	while ((ch = getopt_long(argc, argv, "c:hl:m:p:qt:", longs, NULL)) != -1) {
		switch (ch) {
		case 'A': g.reply = 1; break;
		case 'w': g.assumewin = 1; break;
		case 'G': a = newarm(optarg); break;
		case 'k':
			if (a->name == NULL)
				wa_die(WA_EXIT_USAGE, "--skip goes after --arm NAME");
			a->skip = 1;
			break;
		case 'B': case 'Y':
			if (!a->ownb)
				a->nb = 0, a->ownb = 1;
			if (a->nb == 10)
				wa_die(WA_EXIT_USAGE, "--button: at most 10");
			if (wa_graph_button_arg(optarg, &a->buttons[a->nb], err, sizeof err) < 0)
				wa_die(WA_EXIT_USAGE, "%s: %s", ch == 'B' ?
				    "--button" : "--quick-reply", err);
			if (ch == 'Y')
				a->buttons[a->nb].type = WA_GRAPH_BQUICK;
			a->nb++;
			break;
		case 'H': case 'I': case 'X':
			if (a->ownh++)
				wa_die(WA_EXIT_USAGE, "one header at most");
			a->tmpl.htype = ch == 'H' ? WA_GRAPH_HDOCUMENT :
			    ch == 'I' ? WA_GRAPH_HIMAGE : WA_GRAPH_HTEXT;
			if (wa_graph_check(optarg, err, sizeof err) < 0)
				wa_die(WA_EXIT_USAGE, "header '%s': %s", optarg, err);
			a->tmpl.header = optarg;
			break;
		case 'c': g.campaign = optarg; break;
		case 'C': g.concurrency = (long)wa_optnum("--concurrency", optarg, 1, 10000); break;
		case 'D': g.dryrun = 1; break;
		case 'Z':
			if (strlen(optarg) != 2 || wa_tz_for(optarg, NULL) == NULL)
				wa_die(WA_EXIT_USAGE, "--country: '%s' is not a country code such as GB", optarg);
			g.country = optarg;
			break;
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
		case 'Q':
			if (wa_quiet_parse(optarg, &g.hours) < 0)
				wa_die(WA_EXIT_USAGE, "--quiet: want HH:MM-HH:MM, as 21:00-09:00, not '%s'", optarg);
			break;
		case 'F': g.retryfailed = 1; break;
		case 'h': usage(0); break;
		case 'K': g.events = optarg; break;
		case 'l': a->tmpl.lang = optarg; break;
		case 'L': g.ledgerpath = optarg; break;
		case 'm': a->text = optarg, a->tmpl.name = NULL; ownonly(a); break;
		case 'M': g.maxretries = (long)wa_optnum("--max-retries", optarg, 0, 30); break;
		case 'N':
			if (wa_now_set(optarg) < 0)
				wa_die(WA_EXIT_USAGE, "--now: bad time '%s'", optarg);
			break;
		case 'p':
			if (!a->ownp)
				a->np = 0, a->ownp = 1;
			if (a->np == MAXPARAM)
				wa_die(WA_EXIT_USAGE, "-p: at most %d parameters", MAXPARAM);
			a->params[a->np++] = optarg;
			break;
		case 'q': g.quiet = 1; break;
		case 'r': g.rate = (double)wa_optnum("--rate", optarg, 1, 1000); break;
		case 'R': rejects = optarg; break;
		case 'S': g.suppath = optarg; break;
		case 't': a->tmpl.name = optarg, a->text = NULL; break;
		case 'T': g.timeout = (long)wa_optnum("--timeout", optarg, 1, 600); break;
		case 'U': g.retryunknown = 1; break;
		case 'V': wa_version(); break;
		case 'W': g.nowait = 1; break;
		case 'O': g.nocheck = 1; break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (g.campaign == NULL || *g.campaign == '\0')
		wa_die(WA_EXIT_USAGE, "-c CAMPAIGN is needed");
	if (strchr(g.campaign, '/'))
		wa_die(WA_EXIT_USAGE, "-c: a campaign name has no '/'");
	for (i = 0; i < g.narm; i++)
		checkarm(&g.arms[i]);
	if (g.ledgerpath == NULL)
		g.ledgerpath = wa_home_path(WA_SF_LEDGER);
	if (g.suppath == NULL)
		g.suppath = wa_home_path(WA_SF_SUPPRESS);
	if (g.events == NULL)
		g.events = wa_home_path(WA_SF_EVENTS);
	if (g.reply && g.assumewin)
		wa_die(WA_EXIT_USAGE, "--assume-window goes without --reply");
	if (!g.nocheck)
		loadcheck();
	loadwindow();
	g.seen = wa_hash_new();
	g.users = wa_hash_new();
	if ((g.supp = wa_supp_load(g.suppath, g.country)) == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", g.suppath);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	signal(SIGPIPE, SIG_IGN);
	if (g.dryrun) {
		if ((g.ledger = wa_ledger_read(g.ledgerpath)) == NULL)
			wa_die(WA_EXIT_FATAL, "cannot read ledger '%s':", g.ledgerpath);
	} else {
		if ((tok = wa_secret("WA_TOKEN")) == NULL)
			wa_die(WA_EXIT_USAGE, "set WA_TOKEN or WA_TOKEN_FILE "
			    "(or use --dry-run)");
		if ((pnid = getenv("WA_PHONE_NUMBER_ID")) == NULL || *pnid == '\0')
			wa_die(WA_EXIT_USAGE, "set WA_PHONE_NUMBER_ID "
			    "(or use --dry-run)");
		if (wa_graph_url(&url, getenv("WA_API_URL"), pnid, "messages",
		    err, sizeof err) < 0)
			wa_die(WA_EXIT_USAGE, "WA_API_URL/WA_PHONE_NUMBER_ID: %s", err);
		if ((g.ledger = wa_ledger_open(g.ledgerpath, !g.nowait)) == NULL) {
			if (errno == EWOULDBLOCK) {
				wa_warn("%s: another run holds the ledger", g.ledgerpath);
				exit(EXIT_BUSY);
			}
			wa_die(WA_EXIT_FATAL, "%s: cannot open the ledger:", g.ledgerpath);
		}
		g.q = newq(wa_buf_str(&url), tok);
		memset(tok, 0, strlen(tok));
		free(tok);
	}
	settle();
	g.tty = !g.quiet && isatty(2);
	g.start = wa_mono();
	in = wa_input_new(WA_FMT_AUTO);
	fields(in);
	if (rejects)
		wa_input_rejects(in, rejects);
	wa_input_run(in, argc, argv, onrecord, NULL);
	if (g.q) {
		while (!wa_sendq_fatal(g.q) && wa_sendq_step(g.q, -1))
			progress(0);
		fatal = wa_sendq_fatal(g.q);
		wa_sendq_free(g.q);
	}
	wa_buf_free(&url);
	wa_ledger_close(g.ledger);
	wa_window_free(g.win);
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
	if (fatal)
		return WA_EXIT_FATAL;
	if (g.nfailed || g.nunknown)
		return status > WA_EXIT_REC ? status : WA_EXIT_REC;
	return status;
}
