/* wa-inbox: the team inbox: conversations listed, shown, answered, assigned, noted and closed. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "wa.h"
#include "store.h"
#include "send.h"
#include "inbox.h"
#include "web.h"

#define MAXPARAM 16
#define MAXKW 32

enum {
	OPT_AGENT = 256, OPT_ALL, OPT_ASK_CONSENT, OPT_AWAY_EVERY, OPT_BOT, OPT_BREACHED,
	OPT_CAPTION, OPT_COLLISION, OPT_DAYS, OPT_DEPT, OPT_EVENTS, OPT_EVIDENCE, OPT_FOLLOW,
	OPT_FORCE, OPT_HOURS, OPT_ID, OPT_IDLE, OPT_KEYWORD, OPT_LEDGER, OPT_MEDIA, OPT_MINE, OPT_MISSES,
	OPT_NOTIFY, OPT_NOTIFY_TEMPLATE, OPT_NOW, OPT_ORDER_PATTERN, OPT_ROUTES, OPT_SLA,
	OPT_SNIPPET, OPT_SURVEY, OPT_TRUST_PROXY, OPT_TZ, OPT_VERSION
};

static struct opts {
	const char *agent, *dept, *expr, *fmt, *slapath, *snippet, *tmpl, *lang;
	const char *id, *routes, *notify, *notifytmpl, *askconsent, *evidence;
	const char *media, *caption, *out;	/* out: -o, fetch's FILE */
	const char *listen;	/* serve -l ADDR:PORT */
	long long idle;		/* serve --idle */
	int trustproxy;
	const char *params[MAXPARAM];
	size_t np;
	int all, breached, mine, force, survey;
	int json;		/* -o json given: show's thread as JSON lines */
	int follow;
	long long collision;
	struct wa_inbox_paths p;
	const char *suppress, *orders;
	const char *bot;	/* route --bot: the bot's state file */
	const char *kw[MAXKW];
	struct wa_bot_set set;
} opt;

static struct {
	struct wa_inbox *ib;
	struct wa_inlog *log;	/* held while deciding and writing */
	struct wa_sla sla;
	struct wa_agents *agents;	/* NULL: no agents file */
	const char *me;		/* the agent at the keyboard */
} g;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wa-inbox [list] [--agent NAME | --mine] [--all] [--breached]\n"
	    "                [--dept D] [-e EXPR] [-o table|json] [--sla FILE]\n"
	    "       wa-inbox show WHO [--follow] [-o table|json]\n"
	    "       wa-inbox reply WHO TEXT | --snippet NAME | -t TEMPLATE [-l LANG]\n"
	    "                [-p PARAM]... | --media FILE [--caption C]\n"
	    "                [--collision DURATION] [--force] [--id ID]\n"
	    "       wa-inbox fetch MEDIA_ID [-o FILE]\n"
	    "       wa-inbox passwd AGENT\n"
	    "       wa-inbox logout-all AGENT\n"
	    "       wa-inbox assign WHO AGENT\n"
	    "       wa-inbox note WHO TEXT\n"
	    "       wa-inbox close WHO [--survey [-t TEMPLATE] [-l LANG] [-p PARAM]...]\n"
	    "       wa-inbox ask-consent WHO [-t TEMPLATE] [-l LANG]\n"
	    "       wa-inbox consent WHO yes|no [--evidence TEXT]\n"
	    "       wa-inbox serve [-l ADDR:PORT] [--collision DURATION] [--idle DURATION]\n"
	    "                [--sla FILE] [--trust-proxy] [-t TEMPLATE [-p PARAM]...]\n"
	    "       wa-inbox route [--ask-consent TEMPLATE] [--notify CMD]\n"
	    "                [--notify-template TEMPLATE] [-l LANG] [--routes FILE] [--sla FILE]\n"
	    "                [--bot STATE [--away-every DURATION] [--days DAYS]\n"
	    "                [--hours HH:MM-HH:MM] [--keyword NAME=PATTERN]...\n"
	    "                [--misses N] [--order-pattern PATTERN] [--tz ZONE]]\n"
	    "       [--events FILE] [--ledger FILE] [--now TIME]\n"
	    "WHO is a phone, a customer id or a conversation id.\n");
	exit(status);
}

static int
list(void)
{
	struct wa_inlist l = { 0 };

	l.agent = opt.mine ? g.me : opt.agent;
	l.dept = opt.dept;
	l.expr = opt.expr;
	l.fmt = opt.fmt;
	l.all = opt.all;
	l.breached = opt.breached;
	l.sla = &g.sla;
	return wa_inlist_put(&l, g.ib);
}

static struct wa_conv *
find(const char *who)
{
	struct wa_conv *c = wa_inbox_find(g.ib, who);

	if (c == NULL)
		wa_die(WA_EXIT_REC, "%s: no conversation", who);
	return c;
}

/* The conversation of WHO with its thread. */
static struct wa_conv *
thread(const char *who)
{
	struct wa_conv *c = find(who);

	wa_conv_thread(g.ib, c);
	return c;
}

static int
show(const char *who)
{
	struct wa_conv *c = thread(who);
	json_t *row = wa_conv_row(c, &g.sla, wa_now());
	struct wa_hash *supp = wa_supp_load(opt.suppress, NULL);
	char id[WA_CONV_IDSZ];

	if (supp == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", opt.suppress);
	if (!opt.json) {
		wa_thread_card(stdout, c, row, opt.orders, wa_supp_has(supp, c->phone));
		putchar('\n');
	}
	wa_thread_from(stdout, c, 0, opt.json);
	wa_hash_free(supp);
	json_decref(row);
	if (opt.follow) {
		snprintf(id, sizeof id, "%s", c->id);
		wa_thread_follow(&g.ib, &opt.p, id, c->nmsg, opt.json);
	}
	return 0;
}

/* The verbs' context: the inbox and its log, the agent at the keyboard. */
static struct wa_iv *
verbs(struct wa_ivmsg *m)
{
	static struct wa_iv v;

	v.ib = g.ib;
	v.log = g.log;
	v.p = &opt.p;
	v.suppress = opt.suppress;
	v.me = g.me;
	v.via = "terminal";
	v.collision = opt.collision;
	v.force = opt.force;
	m->snippet = opt.snippet;
	m->media = opt.media;
	m->caption = opt.caption;
	m->tmpl = opt.tmpl;
	m->lang = opt.lang;
	m->params = opt.params;
	m->np = opt.np;
	m->id = opt.id;
	m->survey = opt.survey;
	return &v;
}

/* Media ID to -o FILE, with a line saying what it is, or to stdout. */
static int
fetch(const char *id)
{
	char err[WA_GRAPH_ERRSZ];
	json_t *info;

	if (opt.out == NULL && isatty(1))
		wa_die(WA_EXIT_USAGE, "fetch: the standard output is a terminal: -o FILE");
	if ((info = wa_media_fetch(id, opt.out, err, sizeof err)) == NULL)
		wa_die(WA_EXIT_REC, "%s: %s", id, err);
	if (opt.out)
		wa_json_put(stdout, info);
	json_decref(info);
	return 0;
}

/* Route the spool's new messages by the rules of --routes or $WA_HOME/routes, or the bot's. */
static int
routeall(void)
{
	struct wa_inroute r = { 0 };

	opt.set.kw = opt.kw;
	opt.set.orders = opt.orders;
	opt.set.customers = opt.p.customers;
	r.routes = opt.routes;
	r.bot = opt.bot;
	r.set = &opt.set;
	r.notify = opt.notify;
	r.notifytmpl = opt.notifytmpl;
	r.askconsent = opt.askconsent;
	r.lang = opt.lang;
	r.ledger = opt.p.ledger;
	r.events = opt.p.events;
	r.suppress = opt.suppress;
	r.orders = opt.orders;
	r.agents = g.agents;
	r.sla = &g.sla;
	return wa_inroute_run(&r, g.ib, g.log);
}

/* --hours HH:MM-HH:MM: the minutes of the day it opens and closes. */
static void
hours(const char *s)
{
	int h1, m1, h2, m2, n = 0;

	if (sscanf(s, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &n) != 4 || s[n] ||
	    h1 > 24 || h2 > 24 || m1 > 59 || m2 > 59)
		wa_die(WA_EXIT_USAGE, "--hours: want HH:MM-HH:MM, as 09:00-18:00, not '%s'", s);
	opt.set.open = h1 * 60 + m1;
	opt.set.close = h2 * 60 + m2;
}

/* The bot's options: 1 when CH was one. */
static int
botarg(int ch)
{
	switch (ch) {
	case OPT_AWAY_EVERY:
		if (wa_dur_parse(optarg, &opt.set.every) < 0)
			wa_die(WA_EXIT_USAGE, "--away-every: bad duration '%s'", optarg);
		break;
	case OPT_BOT: opt.bot = optarg; break;
	case OPT_DAYS:
		if (optarg[strspn(optarg, "1234567")] != '\0')
			wa_die(WA_EXIT_USAGE, "--days: want digits 1 (Monday) to 7, not '%s'", optarg);
		opt.set.days = optarg;
		break;
	case OPT_HOURS: hours(optarg); break;
	case OPT_KEYWORD:
		if (opt.set.nkw == MAXKW)
			wa_die(WA_EXIT_USAGE, "--keyword: %d at most", MAXKW);
		opt.kw[opt.set.nkw++] = optarg;
		break;
	case OPT_MISSES: opt.set.misses = (int)wa_optnum("--misses", optarg, 0, 100); break;
	case OPT_ORDER_PATTERN: opt.set.order = optarg; break;
	case OPT_TZ: opt.set.tz = optarg; break;
	default: return 0;
	}
	return 1;
}

static const struct option longs[] = {
	{ "agent", required_argument, NULL, OPT_AGENT },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "ask-consent", required_argument, NULL, OPT_ASK_CONSENT },
	{ "away-every", required_argument, NULL, OPT_AWAY_EVERY },
	{ "bot", required_argument, NULL, OPT_BOT },
	{ "breached", no_argument, NULL, OPT_BREACHED },
	{ "caption", required_argument, NULL, OPT_CAPTION },
	{ "collision", required_argument, NULL, OPT_COLLISION },
	{ "days", required_argument, NULL, OPT_DAYS },
	{ "dept", required_argument, NULL, OPT_DEPT },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "evidence", required_argument, NULL, OPT_EVIDENCE },
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "help", no_argument, NULL, 'h' },
	{ "hours", required_argument, NULL, OPT_HOURS },
	{ "id", required_argument, NULL, OPT_ID },
	{ "idle", required_argument, NULL, OPT_IDLE },
	{ "keyword", required_argument, NULL, OPT_KEYWORD },
	{ "ledger", required_argument, NULL, OPT_LEDGER },
	{ "media", required_argument, NULL, OPT_MEDIA },
	{ "mine", no_argument, NULL, OPT_MINE },
	{ "notify", required_argument, NULL, OPT_NOTIFY },
	{ "notify-template", required_argument, NULL, OPT_NOTIFY_TEMPLATE },
	{ "misses", required_argument, NULL, OPT_MISSES },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "order-pattern", required_argument, NULL, OPT_ORDER_PATTERN },
	{ "routes", required_argument, NULL, OPT_ROUTES },
	{ "sla", required_argument, NULL, OPT_SLA },
	{ "snippet", required_argument, NULL, OPT_SNIPPET },
	{ "survey", no_argument, NULL, OPT_SURVEY },
	{ "trust-proxy", no_argument, NULL, OPT_TRUST_PROXY },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

static void
parseargs(int *argc, char ***argv)
{
	int ch;

	opt.collision = 120;
	opt.idle = 8 * 3600;
	opt.lang = "en_US";
	opt.set.open = 9 * 60, opt.set.close = 18 * 60, opt.set.every = 12 * 3600;
	opt.set.misses = 2;
	while ((ch = getopt_long(*argc, *argv, "e:hl:o:p:t:", longs, NULL)) != -1) {
		if (botarg(ch))
			continue;
		switch (ch) {
		case 'e': opt.expr = optarg; break;
		case 'h': usage(0); break;
		case 'l': opt.lang = opt.listen = optarg; break;	/* serve: -l ADDR:PORT */
		case 'o': opt.out = optarg; break;
		case 'p':
			if (opt.np == MAXPARAM)
				wa_die(WA_EXIT_USAGE, "-p: %d at most", MAXPARAM);
			opt.params[opt.np++] = optarg;
			break;
		case 't': opt.tmpl = optarg; break;
		case OPT_AGENT: opt.agent = optarg; break;
		case OPT_ALL: opt.all = 1; break;
		case OPT_ASK_CONSENT: opt.askconsent = optarg; break;
		case OPT_BREACHED: opt.breached = 1; break;
		case OPT_CAPTION: opt.caption = optarg; break;
		case OPT_COLLISION:
			if (wa_dur_parse(optarg, &opt.collision) < 0)
				wa_die(WA_EXIT_USAGE, "--collision: bad duration '%s'", optarg);
			break;
		case OPT_DEPT: opt.dept = optarg; break;
		case OPT_EVENTS: opt.p.events = optarg; break;
		case OPT_EVIDENCE: opt.evidence = optarg; break;
		case OPT_FOLLOW: opt.follow = 1; break;
		case OPT_FORCE: opt.force = 1; break;
		case OPT_ID: opt.id = optarg; break;
		case OPT_IDLE:
			if (wa_dur_parse(optarg, &opt.idle) < 0 || opt.idle <= 0)
				wa_die(WA_EXIT_USAGE, "--idle: bad duration '%s'", optarg);
			break;
		case OPT_LEDGER: opt.p.ledger = optarg; break;
		case OPT_MEDIA: opt.media = optarg; break;
		case OPT_MINE: opt.mine = 1; break;
		case OPT_NOTIFY: opt.notify = optarg; break;
		case OPT_NOTIFY_TEMPLATE: opt.notifytmpl = optarg; break;
		case OPT_NOW: wa_opt_now(optarg); break;
		case OPT_ROUTES: opt.routes = optarg; break;
		case OPT_SLA: opt.slapath = optarg; break;
		case OPT_SNIPPET: opt.snippet = optarg; break;
		case OPT_SURVEY: opt.survey = 1; break;
		case OPT_TRUST_PROXY: opt.trustproxy = 1; break;
		case OPT_VERSION: wa_version(); break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	*argc -= optind;
	*argv += optind;
}

/* A state file: the option's, else the environment's (NULL: none), else WA_HOME's. */
static const char *
path(const char *given, const char *env, int which)
{
	if (given)
		return given;
	if (env && getenv(env) && *getenv(env))
		return getenv(env);
	return wa_home_path(which);
}

static void
setup(const char *verb)
{
	char *apath;

	if (strcmp(verb, "fetch") == 0)
		return;		/* the Cloud API's, not the inbox's */
	/* -o is fetch's FILE, else the format */
	if (opt.out && strcmp(opt.out, "json") && strcmp(opt.out, "table"))
		wa_die(WA_EXIT_USAGE, "-o: table or json, not '%s'", opt.out);
	opt.fmt = opt.out;
	opt.json = opt.out && strcmp(opt.out, "json") == 0;
	opt.p.events = path(opt.p.events, NULL, WA_SF_EVENTS);
	opt.p.ledger = path(opt.p.ledger, NULL, WA_SF_LEDGER);
	opt.p.log = wa_home_path(WA_SF_INBOX);
	opt.p.customers = path(NULL, "CUSTOMERS", WA_SF_CUSTOMERS);
	opt.orders = path(NULL, "ORDERS", WA_SF_ORDERS);
	opt.suppress = wa_home_path(WA_SF_SUPPRESS);
	if (opt.fmt == NULL)
		opt.fmt = isatty(1) ? "table" : "json";
	apath = wa_home_path(WA_SF_AGENTS);
	g.agents = wa_agents_load(apath);
	free(apath);
	wa_sla_default(&g.sla);
	g.sla.agents = g.agents;
	if (opt.slapath)
		wa_sla_load(&g.sla, opt.slapath);
	g.me = opt.agent ? opt.agent : getenv("WA_AGENT");
	if (g.me && *g.me == '\0')
		g.me = NULL;
	if (opt.mine && g.me == NULL)
		wa_die(WA_EXIT_USAGE, "--mine: set WA_AGENT");
	if (strcmp(verb, "route") == 0 && g.me == NULL)
		g.me = "route";
	if (strcmp(verb, "list") && strcmp(verb, "show") && strcmp(verb, "serve")) {
		if (g.me == NULL)
			wa_die(WA_EXIT_USAGE, "%s: set WA_AGENT (or --agent NAME): who does it", verb);
		if ((g.log = wa_inlog_open(opt.p.log)) == NULL)
			wa_die(WA_EXIT_FATAL, "%s:", opt.p.log);
	}
	/* the server loads its own, again after each change */
	if (strcmp(verb, "serve") != 0)
		g.ib = wa_inbox_load(&opt.p);
}

/* wa-inbox serve: the web inbox, over the same files and verbs (common/webserve.c). */
static int
serve(void)
{
	struct wa_webcfg w = { 0 };

	if (g.agents == NULL)
		wa_die(WA_EXIT_USAGE, "serve: no agents file: who would log in?");
	w.listen = opt.listen ? opt.listen : "127.0.0.1:8081";
	w.idle = opt.idle;
	w.trust_proxy = opt.trustproxy;
	w.p = &opt.p;
	w.suppress = opt.suppress;
	w.orders = opt.orders;
	w.sla = &g.sla;
	w.agents = g.agents;
	w.collision = opt.collision;
	w.lang = "en_US";
	w.survey = opt.tmpl;
	w.sparams = opt.params;
	w.nsparams = opt.np;
	return wa_web_serve(&w);
}

/* Verb I of run's table (reply, assign, note, close, ask-consent) on ARGV. */
static int
doverb(size_t i, int argc, char **argv)
{
	struct wa_ivmsg m = { 0 };
	struct wa_iv *v = verbs(&m);
	int rc;

	if (i == 2) {
		m.text = argc > 1 ? argv[1] : NULL;
		rc = wa_iv_reply(v, argv[0], &m);
	} else if (i == 3)
		rc = wa_iv_assign(v, argv[0], argv[1]);
	else if (i == 4)
		rc = wa_iv_note(v, argv[0], argv[1]);
	else if (i == 5)
		rc = wa_iv_close(v, argv[0], &m);
	else
		rc = wa_iv_askconsent(v, argv[0], &m);
	g.ib = v->ib;	/* loaded again when a conversation opened */
	return rc;
}

/* passwd AGENT: the web inbox's password, from stdin or asked on the terminal. */
static int
passwd(const char *agent)
{
	char *path = wa_home_path(WA_SF_AGENTS), *pw, err[256];
	int rc;

	if ((pw = wa_pw_read(err, sizeof err)) == NULL)
		wa_die(WA_EXIT_USAGE, "passwd: %s", err);
	if ((rc = wa_pw_set(path, agent, pw, err, sizeof err)) != 0)
		wa_die(rc, "passwd: %s", err);
	wa_secret_free(pw);
	free(path);
	return wa_finish();
}

/* logout-all AGENT: every web session of AGENT ended, a running server's too. */
static int
logoutall(const char *agent)
{
	char *apath = wa_home_path(WA_SF_AGENTS), *path = wa_home_path(WA_SF_WEBSESS);
	struct wa_agents *as = wa_agents_load(apath);
	long n;

	if (wa_agents_get(as, agent) == NULL)
		wa_die(WA_EXIT_USAGE, "logout-all: %s: no agent '%s'", apath, agent);
	if ((n = wa_sess_end_agent(path, agent)) < 0)
		wa_die(WA_EXIT_FATAL, "logout-all: %s:", path);
	wa_warn("logout-all: %s: %ld session%s ended", agent, n, n == 1 ? "" : "s");
	wa_agents_free(as);
	free(apath), free(path);
	return wa_finish();
}

/* The verb and how many operands it takes. */
static int
run(int argc, char **argv)
{
	static const struct { const char *verb; int min, max; } verbs[] = {
		{ "list", 0, 0 }, { "show", 1, 1 }, { "reply", 1, 2 },
		{ "assign", 2, 2 }, { "note", 2, 2 }, { "close", 1, 1 },
		{ "route", 0, 0 }, { "ask-consent", 1, 1 }, { "fetch", 1, 1 },
		{ "serve", 0, 0 },
		{ "consent", 2, 2 },
	};
	const char *verb = argc > 0 ? argv[0] : "list";
	size_t i;
	int rc = 0, n = argc > 0 ? argc - 1 : 0;

	if (argc == 2 && strcmp(verb, "passwd") == 0)
		return passwd(argv[1]);
	if (argc == 2 && strcmp(verb, "logout-all") == 0)
		return logoutall(argv[1]);
	for (i = 0; i < sizeof verbs / sizeof *verbs && strcmp(verbs[i].verb, verb); i++)
		;
	if (i == sizeof verbs / sizeof *verbs || n < verbs[i].min || n > verbs[i].max)
		usage(WA_EXIT_USAGE);
	setup(verb);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (i == 0)
		rc = list();
	else if (i == 1)
		rc = show(argv[1]);
	else if (i == 6)
		rc = routeall();
	else if (i == 8)
		rc = fetch(argv[1]);
	else if (i == 9)
		rc = serve();
	else if (i == 10)
		rc = wa_askconsent_agent(g.ib, argv[1], argv[2], g.me, opt.evidence);
	else
		rc = doverb(i, argc - 1, argv + 1);
	curl_global_cleanup();
	/*
	 * The inbox is left for the kernel to take back at exit: freeing a
	 * year's 60,000 conversations one by one was a seventh of a list's
	 * time at 3M events. g keeps it reachable, so leak checkers pass it.
	 */
	wa_inlog_close(g.log);
	wa_agents_free(g.agents);
	n = wa_finish();
	return rc > n ? rc : n;
}

int
main(int argc, char **argv)
{
	wa_init(&argc, &argv);
	parseargs(&argc, &argv);
	return run(argc, argv);
}
