/* wa-mail: e-mail from a template to customers over SMTP, exactly once, paced. */
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
	OPT_CAP = 256, OPT_CAPCHANNELS, OPT_CLASS, OPT_DRYRUN, OPT_EVERY,
	OPT_LEDGER, OPT_MAXRETRIES, OPT_NOWAIT, OPT_NOW, OPT_PERID, OPT_QUIET,
	OPT_RATE, OPT_REJECTS, OPT_SUPPRESS, OPT_VERSION
};

/* The command line, as given. */
static struct opts {
	const char *campaign, *tmplpath, *ledgerpath, *suppath, *rejects;
	const char *smtpurl, *puburl;	/* $WA_SMTP_URL, $WA_PUBLIC_URL */
	struct wa_gate_opts gate;	/* --quiet, --cap, --every */
	int capboth;			/* --cap-channels both */
	int utility;			/* --class utility: no consent, no unsubscribe */
	int dryrun, nowait, quiet;
	int perid;			/* --per-id: a message per record id too */
	long maxretries, rate;
} opt;

/* A message refused for now (4xx), tried again when due. */
struct later {
	json_t *rec;
	char *id, *addr, *key;
	int tries;
	double due;
	struct later *next;
};

/* The run: what it reads, what it sends, what it counted. */
static struct {
	struct wa_mailtmpl *t;
	struct wa_gate gate;		/* its ledger and its keys of this run */
	struct wa_hash *supp;		/* suppress-email.txt */
	struct wa_smtp *smtp;		/* NULL: a dry run */
	char *secret;			/* $WA_UNSUBSCRIBE_SECRET */
	struct wa_input *in;
	struct wa_buf msg;
	struct later *later;
	double next;			/* when the next message may go (monotonic) */
	int fatal;			/* the server cannot be used: send no more */
	struct wa_sendrun run;		/* its event lines, counted */
	long nbounced;
} g;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wa-mail -c CAMPAIGN -T MESSAGE.eml [-q] [--dry-run] [--no-wait]\n"
	    "               [--per-id] [--cap N/DURATION] [--cap-channels email|both]\n"
	    "               [--class marketing|utility] [--every DURATION]\n"
	    "               [--ledger FILE] [--max-retries N] [--now TIME]\n"
	    "               [--quiet HH:MM-HH:MM] [--rate N] [--rejects FILE]\n"
	    "               [--suppress FILE] [FILE...]\n");
	exit(status);
}

/* The ledger entry EV of KEY to ADDR, with its fields; the event line, returned. */
static json_t *
ledger(const char *ev, const char *id, const char *addr, const char *key,
    json_t *extra)
{
	json_t *o = wa_sendq_event(opt.campaign, ev, id, addr), *e;
	char rcpt[WA_PHONE_MAX];

	if (extra)
		json_object_update(o, extra);
	if (g.smtp == NULL)
		return o;
	wa_mail_rcpt(addr, rcpt);
	e = json_deep_copy(o);
	json_object_set_new(e, "to", json_string(rcpt));
	json_object_set_new(e, "email", json_string(addr));
	json_object_set_new(e, "key", json_string(key));
	json_object_set_new(e, "channel", json_string("email"));
	if (wa_ledger_add(g.gate.ledger, e) < 0 || wa_ledger_flush(g.gate.ledger) < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot write the ledger:", opt.ledgerpath);
	json_decref(e);
	return o;
}

static json_t *
error(int code, const char *title, const char *cls, int retry)
{
	return json_pack("{s:o,s:b}", "error", wa_sendq_error(code ?
	    json_integer(code) : json_null(), title, cls), "retry", retry);
}

/* Wait for --rate: N messages a minute, one after another. */
static void
pace(void)
{
	double now = wa_mono(), wait = g.next - now;
	struct timespec ts;

	if (wait > 0) {
		ts.tv_sec = (time_t)wait;
		ts.tv_nsec = (long)((wait - (double)ts.tv_sec) * 1e9);
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
		now = g.next;
	}
	g.next = now + 60.0 / (double)opt.rate;
}

static void
retrylater(json_t *rec, const char *id, const char *addr, const char *key,
    int tries)
{
	struct later *l = wa_calloc(1, sizeof *l), **p;

	l->rec = json_incref(rec);
	l->id = wa_strdup(id);
	l->addr = wa_strdup(addr);
	l->key = wa_strdup(key);
	l->tries = tries;
	/* 1 s, 2 s, 4 s... at most a minute: a greylisting relay wants a wait */
	l->due = wa_mono() + (double)(1L << (tries < 6 ? tries - 1 : 6));
	for (p = &g.later; *p && (*p)->due <= l->due; p = &(*p)->next)
		;
	l->next = *p;
	*p = l;
}

/* The SMTP server's verdict on the message in g.msg, in the ledger and out. */
static void
outcome(json_t *rec, const char *id, const char *addr, const char *key,
    int tries, const struct wa_smtp_res *r)
{
	json_t *x = NULL;
	const char *ev = "failed";
	char reason[WA_SMTP_REPLY + 64];

	switch (r->kind) {
	case WA_SMTP_SENT:
		ev = "sent";
		x = json_pack("{s:s}", "smtp", r->reply);
		break;
	case WA_SMTP_HARD:
		x = error(r->code, r->reply, r->rcpt ? "bounce" : "refused", 0);
		break;
	case WA_SMTP_SOFT:
		x = error(r->code, r->reply, "temporary", 1);
		break;
	case WA_SMTP_UNKNOWN:
		ev = "unknown";
		x = json_pack("{s:o}", "error", wa_sendq_error(json_null(),
		    r->reply, "unknown"));
		break;
	default:
		x = error(r->code, r->reply, "connection", 1);
		g.fatal = 1;
		wa_warn("%s: %s", opt.smtpurl, r->reply);
	}
	/* a retry to come is no outcome yet: the last try's is */
	if (r->kind == WA_SMTP_SOFT && tries <= opt.maxretries) {
		json_decref(ledger(ev, id, addr, key, x));
		json_decref(x);
		retrylater(rec, id, addr, key, tries);
		return;
	}
	/* suppressed before the ledger says failed: a kill between leaves it suppressed */
	if (r->kind == WA_SMTP_HARD && r->rcpt) {
		g.nbounced++;
		snprintf(reason, sizeof reason, "bounce %s: %s", opt.campaign, r->reply);
		if (wa_esupp_add(opt.suppath, g.supp, addr, reason) < 0)
			wa_die(WA_EXIT_FATAL, "%s:", opt.suppath);
	}
	wa_sendrun_put(ledger(ev, id, addr, key, x), &g.run);
	json_decref(x);
}

/*
 * Can the server take ADDR (and the template's From)? One of other scripts
 * needs SMTPUTF8; without it the message is skipped, not refused (it is not
 * the address's fault), and not in the ledger: a server that has it sends it.
 */
static int
utf8ok(const char *addr)
{
	static int warned;

	if ((wa_email_ascii(addr) && wa_email_ascii(wa_mailtmpl_from(g.t))) ||
	    wa_smtp_utf8(g.smtp) != 0)
		return 1;
	if (!warned++)
		wa_warn("%s: the server does not offer SMTPUTF8: addresses of "
		    "other scripts than ASCII are skipped", opt.smtpurl);
	return 0;
}

/*
 * Send the message of REC to ADDR: its attempt synced first, then its
 * outcome. -1, the reason in ERR, when the template cannot be filled.
 */
static int
deliver(json_t *rec, const char *id, const char *addr, const char *key,
    int tries, char *err, size_t errsz)
{
	struct wa_smtp_res r;
	struct wa_buf url = { 0 };
	struct wa_mailmsg m = { addr, NULL, key };
	int rc;

	if (!opt.utility) {
		wa_email_unsuburl(&url, opt.puburl, g.secret, opt.campaign, addr);
		m.unsub = wa_buf_str(&url);
	}
	rc = wa_mail_render(g.t, rec, &m, &g.msg, err, errsz);
	wa_buf_free(&url);
	if (rc < 0)
		return -1;
	if (g.smtp == NULL) {
		json_t *o = wa_sendq_event(opt.campaign, "dry_run", id, addr);

		json_object_set_new(o, "message", json_string(wa_buf_str(&g.msg)));
		wa_sendrun_put(o, &g.run);
		return 0;
	}
	if (!utf8ok(addr)) {
		wa_sendrun_reason(&g.run, "skipped", id, addr, "no_smtputf8");
		return 0;
	}
	json_decref(ledger("attempt", id, addr, key, NULL));
	pace();
	wa_smtp_send(g.smtp, wa_mailtmpl_from(g.t), addr, g.msg.s, g.msg.len, &r);
	outcome(rec, id, addr, key, tries, &r);
	return 0;
}

/* Messages refused for now whose wait is over; with ALL, every one, waiting for it. */
static void
retries(int all)
{
	struct later *l;
	char err[256];
	double wait;

	while ((l = g.later) != NULL) {
		wait = l->due - wa_mono();
		if (wait > 0 && !all && !g.fatal)
			return;
		g.later = l->next;
		if (g.fatal)
			wa_sendrun_reason(&g.run, "deferred", l->id, l->addr, "stopped");
		else {
			if (wait > 0)
				usleep((useconds_t)(wait * 1e6));
			/* it was filled once: it fills again */
			deliver(l->rec, l->id, l->addr, l->key, l->tries + 1, err,
			    sizeof err);
		}
		json_decref(l->rec);
		free(l->id);
		free(l->addr);
		free(l->key);
		free(l);
	}
}

/* Has the customer of REC said yes to marketing e-mail? */
static int
consent(json_t *rec, int csv)
{
	json_t *v = json_object_get(rec, "email_opt_in");

	return csv ? json_is_string(v) && wa_yesno(json_string_value(v)) == 1 :
	    json_is_true(v);
}

/* The record's phone, for the zone of --quiet and the WhatsApp side of caps; NULL: none. */
static const char *
phone(json_t *rec, char *out)
{
	const char *p = wa_json_str(rec, "phone");

	if (p == NULL || wa_phone_norm(p, wa_json_str(rec, "country"), out) != WA_PHONE_OK)
		return NULL;
	return out;
}

/* May the message to ADDR under KEY go now? NULL, or the event it gets and WHY. */
static const char *
gate(json_t *rec, const char *key, const char *addr, const char **why)
{
	char rcpt[WA_PHONE_MAX], pb[WA_PHONE_MAX];
	const char *ph = phone(rec, pb);
	time_t since = wa_now() - (time_t)opt.gate.capsecs;
	int st, quiet;
	long n;

	if (wa_hash_get(g.gate.seen, key))
		return *why = "already_sent", "skipped";
	st = wa_gate_keystate(&g.gate, key);
	if (st == WA_LEDGER_SENT)
		return *why = "already_sent", "skipped";
	if (st == WA_LEDGER_FAILED)
		return *why = "failed_before", "skipped";
	if (st == WA_LEDGER_ATTEMPT || st == WA_LEDGER_UNKNOWN)
		return *why = "attempted_before", "unknown";
	if ((quiet = wa_quiet_now(&opt.gate.hours, wa_json_str(rec, "tz"), ph,
	    wa_now())) != 0)
		return *why = quiet > 0 ? "quiet_hours" : "quiet_zone_unknown",
		    "deferred";
	wa_mail_rcpt(addr, rcpt);
	n = opt.gate.capn > 0 ? wa_ledger_recent(g.gate.ledger, rcpt, since) : 0;
	if (opt.gate.capn > 0 && opt.capboth && ph)
		n += wa_ledger_recent(g.gate.ledger, ph, since);
	if (opt.gate.capn > 0 && n >= opt.gate.capn)
		return *why = "cap", "skipped";
	wa_hash_put(g.gate.seen, key, (void *)1);
	return NULL;
}

/* KEY (freed) and the record's id, for --per-id: as wa-send tags a number's id, "6" and 6 are two. */
static char *
perid(char *key, json_t *rec, const char *id)
{
	char *k = wa_strjoin(key, json_is_integer(json_object_get(rec, "id")) ||
	    *id == '#' ? "/#" : "/", id);

	free(key);
	return k;
}

static int
onrecord(struct wa_rec *r, void *ctx)
{
	json_t *rec = wa_rec_obj(r);
	char addr[WA_EMAIL_MAX], ib[32], err[256];
	const char *id = wa_json_idstr(rec, "id", ib, sizeof ib), *raw, *ev, *why;
	char *key;

	(void)ctx;
	retries(0);
	raw = wa_json_str(rec, "email");
	if (g.fatal)
		wa_sendrun_reason(&g.run, "deferred", id, raw, "stopped");
	else if (raw == NULL || *raw == '\0')
		wa_sendrun_reason(&g.run, "skipped", id, NULL, "no_email");
	else if (wa_email_norm(raw, addr, sizeof addr) < 0)
		wa_sendrun_reason(&g.run, "skipped", id, raw, "invalid_email");
	else if (wa_esupp_has(g.supp, addr))
		wa_sendrun_reason(&g.run, "skipped", id, addr, "suppressed");
	else if (!opt.utility && !consent(rec, r->fmt == WA_FMT_CSV))
		wa_sendrun_reason(&g.run, "skipped", id, addr, "no_consent");
	else if (opt.perid && id == NULL)
		wa_sendrun_localfail(&g.run, r, NULL, addr, "--per-id: no id");
	else {
		/* one message per campaign and address, whatever the records' ids */
		key = wa_strjoin(opt.campaign, "/email:", addr);
		if (opt.perid)
			key = perid(key, rec, id);
		if ((ev = gate(rec, key, addr, &why)) != NULL)
			wa_sendrun_reason(&g.run, ev, id ? id : addr, addr, why);
		else if (deliver(rec, id ? id : addr, addr, key, 1, err, sizeof err) < 0)
			wa_sendrun_localfail(&g.run, r, id ? id : addr, addr, err);
		free(key);
	}
	wa_rec_end(rec);
	return 0;
}

/* Only the fields read here and by the placeholders are parsed from JSON records. */
static void
fields(struct wa_input *in)
{
	static const char *const own[] = {
		"id", "email", "email_opt_in", "phone", "country", "tz"
	};
	size_t n;
	char **names = wa_sendrun_names(own, sizeof own / sizeof own[0], &n);

	if (wa_mailtmpl_fields(g.t, names, &n, WA_SENDRUN_MAXFIELDS) == 0)
		wa_input_fields(in, (const char *const *)names, n);
}

static void
runopt(int ch, const char *arg)
{
	switch (ch) {
	case 'c': opt.campaign = arg; break;
	case 'h': usage(0); break;
	case 'q': opt.quiet = 1; break;
	case 'T': opt.tmplpath = arg; break;
	case OPT_CAP: wa_sendrun_gateopt(&opt.gate, WA_SENDRUN_CAP, arg); break;
	case OPT_CAPCHANNELS:
		if (strcmp(arg, "both") != 0 && strcmp(arg, "email") != 0)
			wa_die(WA_EXIT_USAGE, "--cap-channels: email or both, not '%s'", arg);
		opt.capboth = strcmp(arg, "both") == 0;
		break;
	case OPT_CLASS:
		if (strcmp(arg, "utility") != 0 && strcmp(arg, "marketing") != 0)
			wa_die(WA_EXIT_USAGE, "--class: marketing or utility, not '%s'", arg);
		opt.utility = strcmp(arg, "utility") == 0;
		break;
	case OPT_DRYRUN: opt.dryrun = 1; break;
	case OPT_EVERY: wa_sendrun_gateopt(&opt.gate, WA_SENDRUN_EVERY, arg); break;
	case OPT_LEDGER: opt.ledgerpath = arg; break;
	case OPT_MAXRETRIES: opt.maxretries = (long)wa_optnum("--max-retries", arg, 0, 30); break;
	case OPT_NOW: wa_opt_now(arg); break;
	case OPT_NOWAIT: opt.nowait = 1; break;
	case OPT_PERID: opt.perid = 1; break;
	case OPT_QUIET: wa_sendrun_gateopt(&opt.gate, WA_SENDRUN_QUIET, arg); break;
	case OPT_RATE: opt.rate = (long)wa_optnum("--rate", arg, 1, 100000); break;
	case OPT_REJECTS: opt.rejects = arg; break;
	case OPT_SUPPRESS: opt.suppath = arg; break;
	case OPT_VERSION: wa_version(); break;
	default: usage(WA_EXIT_USAGE);
	}
}

/* The options into opt, checked; the operands are left in ARGV. */
static void
parseargs(int *argc, char ***argv)
{
	static const struct option longs[] = {
		{ "cap", required_argument, NULL, OPT_CAP },
		{ "cap-channels", required_argument, NULL, OPT_CAPCHANNELS },
		{ "class", required_argument, NULL, OPT_CLASS },
		{ "dry-run", no_argument, NULL, OPT_DRYRUN },
		{ "every", required_argument, NULL, OPT_EVERY },
		{ "help", no_argument, NULL, 'h' },
		{ "ledger", required_argument, NULL, OPT_LEDGER },
		{ "max-retries", required_argument, NULL, OPT_MAXRETRIES },
		{ "no-wait", no_argument, NULL, OPT_NOWAIT },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "per-id", no_argument, NULL, OPT_PERID },
		{ "quiet", required_argument, NULL, OPT_QUIET },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "rejects", required_argument, NULL, OPT_REJECTS },
		{ "suppress", required_argument, NULL, OPT_SUPPRESS },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	opt.rate = 60;
	opt.maxretries = 3;
	while ((ch = getopt_long(*argc, *argv, "c:hqT:", longs, NULL)) != -1)
		runopt(ch, optarg);
	*argc -= optind;
	*argv += optind;
	wa_sendrun_campaign(opt.campaign);
	g.run.campaign = opt.campaign;
	g.run.channel = "email";
	if (opt.tmplpath == NULL)
		wa_die(WA_EXIT_USAGE, "-T MESSAGE.eml is needed");
	if (opt.ledgerpath == NULL)
		opt.ledgerpath = wa_home_path(WA_SF_LEDGER);
	if (opt.suppath == NULL)
		opt.suppath = wa_home_path(WA_SF_ESUPPRESS);
}

/* The settings of the environment; exit 2 without those the run needs. */
static void
environment(void)
{
	char err[256];

	opt.puburl = getenv("WA_PUBLIC_URL");
	if (!opt.utility && (opt.puburl == NULL || strncmp(opt.puburl, "https://", 8) != 0))
		wa_die(WA_EXIT_USAGE, "WA_PUBLIC_URL: the https:// address of wa-hook "
		    "is needed for the unsubscribe link (or --class utility)");
	if (!opt.utility && (g.secret = wa_secret("WA_UNSUBSCRIBE_SECRET")) == NULL)
		wa_die(WA_EXIT_USAGE, "WA_UNSUBSCRIBE_SECRET (or _FILE) is needed "
		    "to sign the unsubscribe link (or --class utility)");
	if (opt.dryrun)
		return;
	if ((opt.smtpurl = getenv("WA_SMTP_URL")) == NULL || *opt.smtpurl == '\0')
		wa_die(WA_EXIT_USAGE, "WA_SMTP_URL is needed (or use --dry-run)");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((g.smtp = wa_smtp_new(opt.smtpurl, err, sizeof err)) == NULL)
		wa_die(WA_EXIT_USAGE, "WA_SMTP_URL: %s", err);
}

/* What the run reads before the first record: the template, the list, the ledger. */
static void
setup(void)
{
	char err[256];

	if ((g.t = wa_mailtmpl_load(opt.tmplpath, err, sizeof err)) == NULL)
		wa_die(WA_EXIT_USAGE, "%s: %s", opt.tmplpath, err);
	environment();
	signal(SIGPIPE, SIG_IGN);
	g.gate.o = opt.gate;
	g.gate.seen = wa_hash_new();
	if ((g.supp = wa_esupp_load(opt.suppath)) == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", opt.suppath);
	g.gate.ledger = wa_sendrun_ledger(opt.ledgerpath, opt.dryrun, opt.nowait);
	g.in = wa_input_new(WA_FMT_AUTO);
	fields(g.in);
	if (opt.rejects)
		wa_input_rejects(g.in, opt.rejects);
}

/* The records of the operands sent; the exit status. */
static int
run(int argc, char **argv)
{
	char more[64];

	wa_input_run(g.in, argc, argv, onrecord, NULL);
	retries(1);
	wa_smtp_free(g.smtp);
	wa_ledger_close(g.gate.ledger);
	wa_secret_free(g.secret);
	wa_mailtmpl_free(g.t);
	wa_buf_free(&g.msg);
	if (g.smtp)
		curl_global_cleanup();
	snprintf(more, sizeof more, ", %ld bounced", g.nbounced);
	if (!opt.quiet)
		wa_sendrun_summary(&g.run, more);
	wa_input_free(g.in);
	return wa_sendrun_status(&g.run, g.fatal);
}

int
main(int argc, char **argv)
{
	wa_init(&argc, &argv);
	parseargs(&argc, &argv);
	setup();
	return run(argc, argv);
}
