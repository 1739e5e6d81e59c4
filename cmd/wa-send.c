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

enum {
	OPT_ARM = 256, OPT_ASSUMEWIN, OPT_BUTTON, OPT_CAP, OPT_CAPCHANNELS, OPT_CONCURRENCY,
	OPT_CONSENT, OPT_COUNTRY, OPT_DRYRUN, OPT_EVENTS, OPT_EVERY, OPT_HDOC,
	OPT_HIMAGE, OPT_HTEXT, OPT_LEDGER, OPT_MAXRETRIES, OPT_MAXSHARED,
	OPT_NOCHECK, OPT_NOWAIT, OPT_NOW, OPT_QUICKREPLY, OPT_QUIET, OPT_RATE,
	OPT_REJECTS, OPT_REPLY, OPT_RETRYFAILED, OPT_RETRYUNKNOWN, OPT_ROLLSIZE, OPT_SKIP,
	OPT_SUPPRESS, OPT_TIMEOUT, OPT_VERSION
};

/* The command line, as given. */
static struct opts {
	const char *campaign, *ledgerpath, *suppath, *events, *rejects, *consent;
	const char *country;	/* --country: for national numbers */
	struct wa_sendarms arms;
	struct wa_gate_opts gate;	/* --quiet, --cap, --every, --retry-*, --reply */
	int dryrun, nowait, quiet, nocheck;
	int assumewin;		/* --assume-window: -m to anyone */
	long maxretries, concurrency, timeout;
	double rate;
	long long rollsize;	/* --roll-size: of the ledger */
} opt;

/* The run: what it reads, what it sends, what it counted. */
static struct {
	struct wa_gate gate;	/* its ledger, queue and window are the run's */
	struct wa_hash *supp;	/* phone keys suppressed */
	struct wa_consentlog *clog;	/* who said yes or no last, in the chat */
	struct wa_tmpl_cache *tmpls;	/* wa-templates' cache, or NULL */
	struct wa_sendq *q;	/* NULL: a dry run */
	struct wa_input *in;
	struct wa_buf url;	/* the queue's, until it is freed */
	struct wa_sendrun run;	/* its event lines, counted */
	long nother;		/* --reply: events that are no message */
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
	    "               [-q] [--assume-window | --reply] [--dry-run] [--no-check]\n"
	    "               [--no-wait] [--retry-failed] [--retry-unknown]\n"
	    "               [--cap N/DURATION] [--cap-channels whatsapp|both]\n"
	    "               [--concurrency N] [--consent FILE]\n"
	    "               [--country CC] [--events FILE] [--every DURATION]\n"
	    "               [--ledger FILE] [--max-retries N] [--max-shared N]\n"
	    "               [--now TIME] [--quiet HH:MM-HH:MM]\n"
	    "               [--rate N] [--rejects FILE] [--roll-size SIZE]\n"
	    "               [--suppress FILE] [--timeout SECONDS]\n"
	    "               [--arm NAME [--skip] [-t TEMPLATE] [-l LANG] [-p PARAM]...\n"
	    "                [-m TEXT] [--button INDEX=TEXT]...]... [FILE...]\n");
	exit(status);
}

/* The progress line on a terminal, redrawn at most once a second. */
static void
progress(int last)
{
	double now, el;
	long done = g.run.nsent + g.run.nskipped + g.run.ndeferred + g.run.nfailed + g.run.nunknown;

	if (!g.tty || (!last && (now = wa_mono()) - g.shown < 1))
		return;
	now = wa_mono();
	if (last && g.shown == 0)
		return;
	g.shown = now;
	el = now - g.start;
	fprintf(stderr, "\r%s: %ld done, %ld sent, %ld failed, %.0f/s, %zu in flight%s",
	    wa_prog, done, g.run.nsent, g.run.nfailed, el > 0 ? g.run.nsent / el : 0.0,
	    g.q ? wa_sendq_inflight(g.q) : 0, last ? "\n" : "  ");
}

static int
step(long ms)
{
	progress(0);
	return wa_sendq_step(g.q, ms);
}

/* A customer record: its id (NULL: none) and phone in TO; -1 when skipped. */
static int
customer(int csv, json_t *rec, char *ib, char *pb, const char **id, char *to)
{
	const char *phone;

	*id = wa_json_idstr(rec, "id", ib, 32);
	phone = wa_json_idstr(rec, "phone", pb, 32);
	if (phone == NULL || wa_phone_norm(phone, wa_json_str(rec, "country") ?
	    wa_json_str(rec, "country") : opt.country, to) != WA_PHONE_OK) {
		wa_sendrun_reason(&g.run, "skipped", *id, phone, "invalid_phone");
		return -1;
	}
	/* the suppression list wins over consent, and is named first */
	if (!wa_consentlog_yes(g.clog, to, rec, csv) && !wa_supp_has(g.supp, to)) {
		wa_sendrun_reason(&g.run, "skipped", *id, to, "no_consent");
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
		wa_sendrun_localfail(&g.run, r, NULL, from, "missing field 'wamid'");
		return -1;
	}
	/* A user known only by a business-scoped user_id has no number to answer. */
	if (from == NULL || *from == '\0') {
		wa_sendrun_reason(&g.run, "skipped", *id, NULL, "no_phone");
		return -1;
	}
	if (wa_phone_norm(from, NULL, to) != WA_PHONE_OK) {
		wa_sendrun_reason(&g.run, "skipped", *id, from, "invalid_phone");
		return -1;
	}
	if (at == NULL || wa_time_parse(at, WA_DATES_ANY, &t) < 0) {
		wa_sendrun_localfail(&g.run, r, *id, to, "no time in field 'at'");
		return -1;
	}
	if (wa_now() - t >= WA_WINDOW) {
		wa_sendrun_reason(&g.run, "skipped", *id, to, "window_closed");
		return -1;
	}
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
	const struct wa_sendarm *a;

	if ((g.tmpls = wa_tmpl_load(path, err, sizeof err)) == NULL &&
	    errno != ENOENT)
		wa_die(WA_EXIT_USAGE, "%s: %s (or --no-check)", path, err);
	free(path);
	if (g.tmpls && g.tmpls->synced && wa_now() - g.tmpls->synced > WA_TMPL_STALE)
		wa_warn("the template cache is over a week old: wa-templates sync");
	for (a = opt.arms.arm; g.tmpls && a < opt.arms.arm + opt.arms.n; a++)
		if (a->tmpl.name && strstr(a->tmpl.lang, "{{") == NULL &&
		    !wa_sendarm_checked(a, g.tmpls, a->tmpl.lang, err, sizeof err))
			wa_die(WA_EXIT_USAGE, "%s (wa-templates sync if it changed, "
			    "or --no-check)", err);
}

static void
message(struct wa_rec *r, json_t *rec, const struct wa_sendarm *a, const char *id,
    const char *to, const char *key)
{
	struct wa_graph_msg m = { 0 };
	char err[WA_GRAPH_ERRSZ], *lang = wa_sendarm_lang(a, rec);
	const char *variant = wa_json_str(rec, "variant");
	const char *why;
	json_t *body, *o;

	if (g.q && (why = wa_sendq_stopped(g.q, a->tmpl.name, lang)) != NULL) {
		wa_sendrun_reason(&g.run, "deferred", id, to, why);
		free(lang);
		return;
	}
	m.to = to;
	m.opaque = key;
	if (!wa_sendarm_checked(a, g.tmpls, lang, err, sizeof err)) {
		wa_sendrun_localfail(&g.run, r, id, to, err);
		free(lang);
		return;
	}
	body = a->text ? wa_graph_text(&m, a->text, rec, err, sizeof err) :
	    wa_graph_template(&m, &a->tmpl, rec, err, sizeof err);
	if (body == NULL)
		wa_sendrun_localfail(&g.run, r, id, to, err);
	else if (opt.dryrun) {
		o = json_object();
		json_object_set_new(o, "event", json_string("dry_run"));
		wa_json_setstr(o, "id", id);
		wa_json_setstr(o, "to", to);
		if (variant)
			wa_json_setstr(o, "variant", variant);
		json_object_set_new(o, "body", body);
		wa_sendrun_put(o, &g.run);
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

	if (!opt.gate.reply)
		wa_sendrun_reason(&g.run, "deferred", wa_json_idstr(rec, "id", ib, sizeof ib),
		    wa_json_idstr(rec, "phone", pb, sizeof pb), "stopped");
	else if (ev && strcmp(ev, "message") == 0)
		wa_sendrun_reason(&g.run, "deferred", wa_json_str(rec, "wamid"),
		    wa_json_str(rec, "from"), "stopped");
	else
		g.nother++;
}

/*
 * A hold-out arm's record gets nothing, but is in the ledger, so that the
 * lift of the message can be measured against no message at all, and so
 * that the customer stays out on the next run.
 */
static void
holdout(json_t *rec, const char *id, const char *to, const char *key)
{
	int st = wa_gate_keystate(&g.gate, key);
	json_t *o;

	/* with --retry-unknown, a key that may have gone out is no hold-out */
	if (st == WA_LEDGER_ATTEMPT || st == WA_LEDGER_UNKNOWN) {
		wa_sendrun_reason(&g.run, "unknown", id, to, "attempted_before");
		return;
	}
	if (!opt.dryrun) {
		o = wa_sendq_event(opt.campaign, "held_out", id, to);
		json_object_set_new(o, "key", json_string(key));
		wa_json_setstr(o, "variant", wa_json_str(rec, "variant"));
		if (wa_ledger_add(g.gate.ledger, o) < 0 || wa_ledger_flush(g.gate.ledger) < 0)
			wa_die(WA_EXIT_FATAL, "%s: cannot write the ledger:",
			    opt.ledgerpath);
		json_decref(o);
	}
	wa_sendrun_reason(&g.run, "skipped", id, to, "held_out");
}

static int
onrecord(struct wa_rec *r, void *ctx)
{
	json_t *rec = wa_rec_obj(r);
	char to[WA_PHONE_MAX], ib[32], pb[32], err[128];
	const struct wa_sendarm *a;
	const char *id, *ev, *why;
	char *key;

	(void)ctx;
	if (g.q && wa_sendq_fatal(g.q)) {
		stopped(rec);
		goto out;
	}
	if (opt.gate.reply ? inbound(r, rec, &id, to) < 0 :
	    customer(r->fmt == WA_FMT_CSV, rec, ib, pb, &id, to) < 0)
		goto out;
	if (wa_supp_has(g.supp, to)) {
		wa_sendrun_reason(&g.run, "skipped", id, to, "suppressed");
		goto out;
	}
	if (id == NULL)
		id = to;
	if ((a = wa_sendarm_for(&opt.arms, rec, err, sizeof err)) == NULL) {
		wa_sendrun_localfail(&g.run, r, id, to, err);
		goto out;
	}
	key = wa_gate_key(&g.gate, opt.campaign, rec, id);
	ev = wa_gate_check(&g.gate, rec, key, to, a->text && !a->skip, &why);
	if (ev)
		wa_sendrun_reason(&g.run, ev, id, to, why);
	else if (a->skip)
		holdout(rec, id, to, key);
	else
		message(r, rec, a, id, to, key);
	free(key);
out:
	wa_rec_end(rec);
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
		"event", "wamid", "from", "at", "phone_shared", "email"
	};
	size_t n;
	char **names = wa_sendrun_names(own, sizeof own / sizeof own[0], &n);

	if (wa_sendarms_fields(&opt.arms, names, &n, WA_SENDRUN_MAXFIELDS) == 0)
		wa_input_fields(in, (const char *const *)names, n);
}

/* Keys left unknown by an earlier run, settled by wa-hook's webhook statuses. */
static void
settle(void)
{
	long n = wa_ledger_settle(g.gate.ledger, opt.events, wa_now());

	if (n < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot settle unknown outcomes:", opt.events);
	if (n > 0 && !opt.quiet)
		fprintf(stderr, "%s: %ld unknown outcomes settled from %s\n",
		    wa_prog, n, opt.events);
}

static struct wa_sendq *
newq(const char *url, const char *tok)
{
	struct wa_sendq_cfg c = { 0 };

	c.campaign = opt.campaign;
	c.url = url;
	c.cafile = getenv("WA_CA_FILE");
	c.ledger = g.gate.ledger;
	c.ledgerpath = opt.ledgerpath;
	c.suppath = opt.suppath;
	c.supp = g.supp;
	c.rate = opt.rate;
	c.concurrency = opt.concurrency;
	c.maxretries = opt.maxretries;
	c.timeout_ms = opt.timeout * 1000;
	c.bytemplate = opt.arms.n > 1;
	c.emit = wa_sendrun_put;
	c.arg = &g.run;
	return wa_sendq_new(&c, tok);
}

/*
 * With -m outside --reply, who wrote when: the events are read once, only
 * if some arm sends text.
 */
static void
loadwindow(void)
{
	if (opt.gate.reply || opt.assumewin || !wa_sendarms_text(&opt.arms))
		return;
	if ((g.gate.win = wa_window_load(opt.events)) == NULL)
		wa_die(WA_EXIT_FATAL, "%s: cannot read the events:", opt.events);
}

/* An option of the arm being given (before any --arm: of them all); 0 if CH is none. */
static int
armopt(struct wa_sendarm **ap, int ch, const char *arg)
{
	struct wa_sendarm *a = *ap;

	switch (ch) {
	case OPT_ARM: *ap = wa_sendarm_new(&opt.arms, arg); break;
	case OPT_SKIP:
		if (a->name == NULL)
			wa_die(WA_EXIT_USAGE, "--skip goes after --arm NAME");
		a->skip = 1;
		break;
	case OPT_BUTTON: wa_sendarm_button(a, arg, 0); break;
	case OPT_QUICKREPLY: wa_sendarm_button(a, arg, 1); break;
	case OPT_HDOC: wa_sendarm_header(a, WA_GRAPH_HDOCUMENT, arg); break;
	case OPT_HIMAGE: wa_sendarm_header(a, WA_GRAPH_HIMAGE, arg); break;
	case OPT_HTEXT: wa_sendarm_header(a, WA_GRAPH_HTEXT, arg); break;
	case 'l': a->tmpl.lang = arg; break;
	case 'm': wa_sendarm_text(a, arg); break;
	case 'p': wa_sendarm_param(a, arg); break;
	case 't': a->tmpl.name = arg, a->text = NULL; break;
	default: return 0;
	}
	return 1;
}

/* An option of the whole run; usage if CH is none. */
static void
runopt(int ch, const char *arg)
{
	switch (ch) {
	case 'c': opt.campaign = arg; break;
	case 'h': usage(0); break;
	case 'q': opt.quiet = 1; break;
	case OPT_ASSUMEWIN: opt.assumewin = 1; break;
	case OPT_CAP: wa_sendrun_gateopt(&opt.gate, WA_SENDRUN_CAP, arg); break;
	case OPT_CAPCHANNELS:
		if (strcmp(arg, "both") != 0 && strcmp(arg, "whatsapp") != 0)
			wa_die(WA_EXIT_USAGE, "--cap-channels: whatsapp or both, not '%s'", arg);
		opt.gate.capboth = strcmp(arg, "both") == 0;
		break;
	case OPT_CONCURRENCY: opt.concurrency = (long)wa_optnum("--concurrency", arg, 1, 10000); break;
	case OPT_CONSENT: opt.consent = arg; break;
	case OPT_COUNTRY:
		if (strlen(arg) != 2 || wa_tz_for(arg, NULL) == NULL)
			wa_die(WA_EXIT_USAGE, "--country: '%s' is not a country code such as GB", arg);
		opt.country = arg;
		break;
	case OPT_DRYRUN: opt.dryrun = 1; break;
	case OPT_EVENTS: opt.events = arg; break;
	case OPT_EVERY: wa_sendrun_gateopt(&opt.gate, WA_SENDRUN_EVERY, arg); break;
	case OPT_LEDGER: opt.ledgerpath = arg; break;
	case OPT_MAXRETRIES: opt.maxretries = (long)wa_optnum("--max-retries", arg, 0, 30); break;
	case OPT_MAXSHARED: opt.gate.maxshared = (long)wa_optnum("--max-shared", arg, 1, 1000000); break;
	case OPT_NOCHECK: opt.nocheck = 1; break;
	case OPT_NOW: wa_opt_now(arg); break;
	case OPT_NOWAIT: opt.nowait = 1; break;
	case OPT_QUIET: wa_sendrun_gateopt(&opt.gate, WA_SENDRUN_QUIET, arg); break;
	case OPT_RATE: opt.rate = (double)wa_optnum("--rate", arg, 1, 1000); break;
	case OPT_REJECTS: opt.rejects = arg; break;
	case OPT_REPLY: opt.gate.reply = 1; break;
	case OPT_RETRYFAILED: opt.gate.retryfailed = 1; break;
	case OPT_RETRYUNKNOWN: opt.gate.retryunknown = 1; break;
	case OPT_ROLLSIZE: opt.rollsize = (long long)wa_optsize("--roll-size", arg); break;
	case OPT_SUPPRESS: opt.suppath = arg; break;
	case OPT_TIMEOUT: opt.timeout = (long)wa_optnum("--timeout", arg, 1, 600); break;
	case OPT_VERSION: wa_version(); break;
	default: usage(WA_EXIT_USAGE);
	}
}

/* The options into opt, checked; the operands are left in ARGV. */
static void
parseargs(int *argc, char ***argv)
{
	static const struct option longs[] = {
		{ "arm", required_argument, NULL, OPT_ARM },
		{ "assume-window", no_argument, NULL, OPT_ASSUMEWIN },
		{ "button", required_argument, NULL, OPT_BUTTON },
		{ "cap", required_argument, NULL, OPT_CAP },
		{ "cap-channels", required_argument, NULL, OPT_CAPCHANNELS },
		{ "concurrency", required_argument, NULL, OPT_CONCURRENCY },
		{ "consent", required_argument, NULL, OPT_CONSENT },
		{ "country", required_argument, NULL, OPT_COUNTRY },
		{ "dry-run", no_argument, NULL, OPT_DRYRUN },
		{ "events", required_argument, NULL, OPT_EVENTS },
		{ "every", required_argument, NULL, OPT_EVERY },
		{ "header-document", required_argument, NULL, OPT_HDOC },
		{ "header-image", required_argument, NULL, OPT_HIMAGE },
		{ "header-text", required_argument, NULL, OPT_HTEXT },
		{ "help", no_argument, NULL, 'h' },
		{ "ledger", required_argument, NULL, OPT_LEDGER },
		{ "max-retries", required_argument, NULL, OPT_MAXRETRIES },
		{ "max-shared", required_argument, NULL, OPT_MAXSHARED },
		{ "no-check", no_argument, NULL, OPT_NOCHECK },
		{ "no-wait", no_argument, NULL, OPT_NOWAIT },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "quick-reply", required_argument, NULL, OPT_QUICKREPLY },
		{ "quiet", required_argument, NULL, OPT_QUIET },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "rejects", required_argument, NULL, OPT_REJECTS },
		{ "reply", no_argument, NULL, OPT_REPLY },
		{ "retry-failed", no_argument, NULL, OPT_RETRYFAILED },
		{ "retry-unknown", no_argument, NULL, OPT_RETRYUNKNOWN },
		{ "roll-size", required_argument, NULL, OPT_ROLLSIZE },
		{ "skip", no_argument, NULL, OPT_SKIP },
		{ "suppress", required_argument, NULL, OPT_SUPPRESS },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	struct wa_sendarm *a;
	size_t i;
	int ch;

	opt.rate = 80;
	opt.concurrency = 500;
	opt.maxretries = 5;
	opt.gate.maxshared = 3;
	wa_sendarms_init(&opt.arms);
	a = &opt.arms.arm[0];
	while ((ch = getopt_long(*argc, *argv, "c:hl:m:p:qt:", longs, NULL)) != -1)
		if (!armopt(&a, ch, optarg))
			runopt(ch, optarg);
	*argc -= optind;
	*argv += optind;
	wa_sendrun_campaign(opt.campaign);
	g.run.campaign = opt.campaign;
	for (i = 0; i < opt.arms.n; i++)
		wa_sendarm_check(&opt.arms, &opt.arms.arm[i]);
	if (opt.ledgerpath == NULL)
		opt.ledgerpath = wa_home_path(WA_SF_LEDGER);
	if (opt.suppath == NULL)
		opt.suppath = wa_home_path(WA_SF_SUPPRESS);
	if (opt.events == NULL)
		opt.events = wa_home_path(WA_SF_EVENTS);
	if (opt.consent == NULL)
		opt.consent = wa_home_path(WA_SF_CONSENT);
	if (opt.gate.reply && opt.assumewin)
		wa_die(WA_EXIT_USAGE, "--assume-window goes without --reply");
}

/* The ledger, opened for sending, and the queue; exit 2 without the API's settings. */
static void
opensend(void)
{
	char *tok = wa_graph_target(&g.url, " (or use --dry-run)");

	g.gate.ledger = wa_sendrun_ledger(opt.ledgerpath, 0, opt.nowait);
	if (opt.rollsize)
		wa_ledger_rollat(g.gate.ledger, opt.rollsize);
	g.q = g.gate.q = newq(wa_buf_str(&g.url), tok);
	wa_secret_free(tok);
}

/* What the run reads before the first record: caches, lists, the ledger. */
static void
setup(void)
{
	if (!opt.nocheck)
		loadcheck();
	g.gate.o = opt.gate;
	loadwindow();
	g.gate.seen = wa_hash_new();
	g.gate.users = wa_hash_new();
	if ((g.supp = wa_supp_load(opt.suppath, opt.country)) == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", opt.suppath);
	if (!opt.gate.reply && (g.clog = wa_consentlog_load(opt.consent)) == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", opt.consent);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	signal(SIGPIPE, SIG_IGN);
	if (opt.dryrun)
		g.gate.ledger = wa_sendrun_ledger(opt.ledgerpath, 1, 0);
	else
		opensend();
	settle();
	g.tty = !opt.quiet && isatty(2);
	g.start = wa_mono();
	g.in = wa_input_new(WA_FMT_AUTO);
	fields(g.in);
	if (opt.rejects)
		wa_input_rejects(g.in, opt.rejects);
}

/* The records of the operands sent; the exit status. */
static int
run(int argc, char **argv)
{
	char more[64] = "";
	int fatal = 0;

	wa_input_run(g.in, argc, argv, onrecord, NULL);
	if (g.q) {
		while (!wa_sendq_fatal(g.q) && wa_sendq_step(g.q, -1))
			progress(0);
		fatal = wa_sendq_fatal(g.q);
		wa_sendq_free(g.q);
	}
	wa_buf_free(&g.url);
	wa_ledger_close(g.gate.ledger);
	wa_window_free(g.gate.win);
	wa_consentlog_free(g.clog);
	curl_global_cleanup();
	progress(1);
	if (opt.gate.reply)
		snprintf(more, sizeof more, ", %ld other events", g.nother);
	if (!opt.quiet)
		wa_sendrun_summary(&g.run, more);
	wa_input_free(g.in);
	return wa_sendrun_status(&g.run, fatal);
}

int
main(int argc, char **argv)
{
	wa_init(&argc, &argv);
	parseargs(&argc, &argv);
	setup();
	return run(argc, argv);
}
