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

#define MAXPARAM 16
#define MAXKW 32

enum {
	OPT_AGENT = 256, OPT_ALL, OPT_ASK_CONSENT, OPT_AWAY_EVERY, OPT_BOT, OPT_BREACHED,
	OPT_CAPTION, OPT_COLLISION, OPT_DAYS, OPT_DEPT, OPT_EVENTS, OPT_EVIDENCE, OPT_FOLLOW, OPT_FORCE,
	OPT_HOURS, OPT_ID, OPT_KEYWORD, OPT_LEDGER, OPT_MEDIA, OPT_MINE, OPT_MISSES,
	OPT_NOTIFY, OPT_NOTIFY_TEMPLATE, OPT_NOW, OPT_ORDER_PATTERN, OPT_ROUTES, OPT_SLA,
	OPT_SNIPPET, OPT_SURVEY, OPT_TZ, OPT_VERSION
};

static struct opts {
	const char *agent, *dept, *expr, *fmt, *slapath, *snippet, *tmpl, *lang;
	const char *id, *routes, *notify, *notifytmpl, *askconsent, *evidence;
	const char *media, *caption, *out;	/* out: -o, fetch's FILE */
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
	    "       wa-inbox assign WHO AGENT\n"
	    "       wa-inbox note WHO TEXT\n"
	    "       wa-inbox close WHO [--survey [-t TEMPLATE] [-l LANG] [-p PARAM]...]\n"
	    "       wa-inbox ask-consent WHO [-t TEMPLATE] [-l LANG]\n"
	    "       wa-inbox consent WHO yes|no [--evidence TEXT]\n"
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

/* A log line about C, with the agent at the keyboard; taken. */
static void
logev(struct wa_conv *c, json_t *e)
{
	json_t *id = c->cust ? json_object_get(c->cust, "id") : NULL;

	json_object_set_new(e, "conv", json_string(c->id));
	json_object_set_new(e, "phone", json_string(c->phone));
	json_object_set(e, "customer", id ? id : json_null());
	if (json_object_get(e, "agent") == NULL)
		wa_json_setstr(e, "agent", g.me);
	if (wa_inlog_add(g.log, e) < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot write:", opt.p.log);
	json_decref(e);
}

static json_t *
newev(const char *ev)
{
	json_t *e = json_object();

	json_object_set_new(e, "event", json_string(ev));
	return e;
}

/* The conversation of WHO; an agent may open one with a customer who has none open. */
static struct wa_conv *
openconv(const char *who)
{
	struct wa_conv *c = wa_inbox_find(g.ib, who);
	char e164[WA_PHONE_MAX], tb[WA_TIMEBUF];
	json_t *cust, *e;

	if (c && !c->closed)
		return c;
	cust = wa_inbox_customer(g.ib, who);
	if (wa_phone_norm(cust ? wa_json_str(cust, "phone") : who,
	    cust ? wa_json_str(cust, "country") : NULL, e164) != WA_PHONE_OK)
		wa_die(WA_EXIT_REC, "%s: no conversation, and no phone to open one", who);
	e = newev("opened");
	c = wa_calloc(1, sizeof *c);
	wa_conv_makeid(e164, wa_time_fmt(wa_now(), tb), c->id);
	c->phone = e164;
	c->cust = cust;
	logev(c, e);
	free(c);
	wa_inbox_free(g.ib);
	g.ib = wa_inbox_load(&opt.p);
	return wa_inbox_find(g.ib, e164);
}


static int
show(const char *who)
{
	struct wa_conv *c = find(who);
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

/* What placeholders read: the customer record, the profile name, the conversation. */
static json_t *
record(struct wa_conv *c)
{
	json_t *r = c->cust ? json_deep_copy(c->cust) : json_object();

	if (wa_json_nestr(r, "first_name") == NULL && c->name)
		wa_json_setstr(r, "first_name", c->name);
	if (wa_json_nestr(r, "name") == NULL && c->name)
		wa_json_setstr(r, "name", c->name);
	wa_json_setstr(r, "conv", c->id);
	wa_json_setstr(r, "agent", g.me);
	return r;
}

static char *
snippet(const char *name)
{
	char *path = wa_home_path(WA_SF_SNIPPETS), *t = wa_snippet(path, name);

	if (t == NULL)
		wa_die(WA_EXIT_USAGE, "%s: no snippet '%s'", path, name);
	free(path);
	return t;
}

/* Outside the window only a template goes: exit 2, naming the approved ones. */
WA_NORETURN static void
closed(struct wa_conv *c)
{
	char *path = wa_home_path(WA_SF_TEMPLATES), tb[WA_TIMEBUF];
	static char *names;	/* static: still held when it exits */

	names = wa_reply_templates(path);
	free(path);
	wa_die(WA_EXIT_USAGE, "%s: the 24-hour window closed at %s: only a template may go, -t %s",
	    c->phone, c->last_in ? wa_time_fmt(c->last_in + WA_WINDOW, tb) : "(never opened)",
	    names ? names : "TEMPLATE (wa-templates sync lists them)");
}

/* Has another agent answered C within --collision? Then only --force goes on. */
static void
collision(struct wa_conv *c)
{
	const struct wa_tmsg *m = wa_conv_collision(c, g.me, wa_now() - (time_t)opt.collision);
	char tb[WA_TIMEBUF];

	if (m == NULL)
		return;
	if (!opt.force)
		wa_die(WA_EXIT_USAGE, "%s: %s answered at %s: --force to send all the same",
		    c->id, m->by, wa_time_fmt(m->at, tb));
	wa_warn("%s: %s answered at %s", c->id, m->by, wa_time_fmt(m->at, tb));
}

/* Send BODY (taken) as campaign CAMPAIGN, id ID; the outcome line printed. 0: it went. */
static int
sendit(struct wa_conv *c, const char *campaign, const char *id, json_t *body,
    json_t **ev)
{
	struct wa_reply r = { 0 };
	const char *e;

	r.ledger = opt.p.ledger;
	r.events = opt.p.events;
	r.suppress = opt.suppress;
	r.campaign = campaign;
	r.id = id;
	r.to = c->phone;
	r.tmpl = opt.tmpl;
	r.lang = opt.tmpl ? opt.lang : NULL;
	*ev = wa_reply_send(&r, body);
	wa_json_put(stdout, *ev);
	e = wa_json_str(*ev, "event");
	return strcmp(e, "sent") == 0 ? 0 : WA_EXIT_REC;
}

/* The message's body: a template, else TEXT (filled as wa-send -m is). */
static json_t *
body(struct wa_conv *c, const char *text, const char *key, const struct wa_graph_button *bt,
    size_t nbt)
{
	struct wa_graph_msg m = { 0 };
	struct wa_graph_tmpl t = { 0 };
	char err[WA_GRAPH_ERRSZ];
	json_t *rec = record(c), *b;

	m.to = c->phone;
	m.opaque = key;
	t.name = opt.tmpl;
	t.lang = opt.lang;
	t.body = opt.params;
	t.nbody = opt.np;
	t.button = bt;
	t.nbutton = nbt;
	b = opt.tmpl ? wa_graph_template(&m, &t, rec, err, sizeof err) :
	    wa_graph_text(&m, text, rec, err, sizeof err);
	json_decref(rec);
	if (b == NULL)
		wa_die(WA_EXIT_USAGE, "%s: %s", c->id, err);
	return b;
}

/*
 * The message of KEY sending M by its media id. The upload is logged
 * before the message goes, so a reply run again after a crash sends the
 * same media once and does not upload it again. LOGGED gets what the
 * "replied" line says of it.
 */
static json_t *
mediabody(struct wa_conv *c, const char *key, struct wa_rmedia *m, json_t *logged)
{
	struct wa_graph_msg gm = { 0 };
	char err[WA_GRAPH_ERRSZ];
	json_t *b, *rec;

	if (wa_rmedia_id(m, key, opt.p.log) == NULL)
		logev(c, wa_rmedia_uploaded(m, key));
	gm.to = c->phone;
	gm.opaque = key;
	rec = record(c);
	b = wa_graph_media(&gm, m->k->type, m->id, opt.caption, m->name, rec, err, sizeof err);
	json_decref(rec);
	if (b == NULL)
		wa_die(WA_EXIT_USAGE, "%s: %s", c->id, err);
	wa_json_setstr(logged, "media", m->id);
	wa_json_setstr(logged, "type", m->k->type);
	json_object_set(logged, "caption", json_object_get(json_object_get(b, m->k->type), "caption"));
	return b;
}

static int
reply(const char *who, const char *arg)
{
	struct wa_conv *c = find(who);
	int freeform = opt.snippet != NULL || arg != NULL || opt.media != NULL;
	char rid[32], *text, *seed, *id, *key, *sent, *what = NULL;
	struct wa_rmedia m = { 0 };
	const char *last = c->id;
	json_t *ev, *e, *b;
	size_t i;
	int rc;

	if (freeform == (opt.tmpl != NULL) || (opt.media && (arg || opt.snippet)))
		wa_die(WA_EXIT_USAGE, "reply: TEXT, --snippet, --media or -t, one of them");
	if (opt.caption && opt.media == NULL)
		wa_die(WA_EXIT_USAGE, "reply: --caption goes with --media");
	if (freeform && !wa_window_open(g.ib->win, c->phone, wa_now()))
		closed(c);
	collision(c);
	/* taken only now: a refusal above leaves nothing unfreed behind it */
	if (opt.media) {
		wa_rmedia_read(&m, opt.media);
		what = wa_strjoin(m.sha, "\n", opt.caption ? opt.caption : "");
	}
	text = opt.snippet ? snippet(opt.snippet) : arg ? wa_strdup(arg) : NULL;
	e = newev("replied");
	/* the same answer to the same last message is one reply, sent once */
	for (i = c->nmsg; i-- > 0 && last == c->id; )
		if (c->msg[i].dir == '<' && c->msg[i].wamid)
			last = c->msg[i].wamid;
	seed = wa_strjoin(what ? what : text ? text : opt.tmpl, "\n", last);
	snprintf(rid, sizeof rid, "r%08llx", wa_fp(seed) & 0xffffffffULL);
	id = wa_strjoin(c->id, "/", opt.id ? opt.id : rid);
	key = wa_strjoin(WA_INBOX_CAMPAIGN, "/", id);
	b = opt.media ? mediabody(c, key, &m, e) : body(c, text, key, NULL, 0);
	sent = wa_strdup0(wa_json_str(b, "text.body"));
	rc = sendit(c, WA_INBOX_CAMPAIGN, id, b, &ev);
	if (rc == 0) {
		json_object_set_new(e, "key", json_string(key));
		if (opt.media == NULL)
			wa_json_setstr(e, sent ? "text" : "template", sent ? sent : opt.tmpl);
		wa_json_setstr(e, "wamid", wa_json_str(ev, "wamid"));
		logev(c, e);
	} else
		json_decref(e);
	json_decref(ev);
	wa_rmedia_free(&m);
	free(seed), free(id), free(key), free(text), free(sent), free(what);
	return rc;
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

static int
mark(const char *verb, const char *who, const char *arg)
{
	struct wa_conv *c = openconv(who);
	json_t *e = newev(verb);

	if (strcmp(verb, "assigned") == 0) {
		json_object_set_new(e, "agent", json_string(arg));
		wa_json_setstr(e, "by", g.me);
	} else
		json_object_set_new(e, "text", json_string(arg));
	logev(c, e);
	return 0;
}

/* Close C, with --survey after the satisfaction template and its SCORE buttons. */
static int
closeconv(const char *who)
{
	static const char *const score[] = { "SCORE:1", "SCORE:2", "SCORE:3", "SCORE:4", "SCORE:5" };
	struct wa_graph_button bt[5];
	struct wa_conv *c = find(who);
	json_t *ev = NULL, *e = newev("closed");
	char *key;
	int i, rc = 0;

	if (c->closed)
		wa_die(WA_EXIT_REC, "%s: closed already", c->id);
	if (opt.survey) {
		for (i = 0; i < 5; i++)
			bt[i].type = WA_GRAPH_BQUICK, bt[i].index = i, bt[i].text = score[i];
		if (opt.tmpl == NULL)
			opt.tmpl = "csat";
		key = wa_strjoin(WA_INBOX_CAMPAIGN "-survey", "/", c->id);
		rc = sendit(c, WA_INBOX_CAMPAIGN "-survey", c->id, body(c, NULL, key, bt, 5), &ev);
		if (rc == 0)
			json_object_set_new(e, "survey", json_string(key));
		json_decref(ev);
		free(key);
	}
	wa_json_setstr(e, "agent", c->agent);
	wa_json_setstr(e, "by", g.me);
	logev(c, e);
	return rc;
}

/* The consent question to WHO: a customer with or without a conversation. */
static int
askconsent(const char *who)
{
	struct wa_reply r = { 0 };

	r.ledger = opt.p.ledger;
	r.events = opt.p.events;
	r.suppress = opt.suppress;
	return wa_askconsent_who(g.ib, &r, who, opt.tmpl ? opt.tmpl : "consent_request", opt.lang);
}

/* Route the spool's new messages by the rules of --routes or $WA_HOME/routes, or the bot's. */
static int
routeall(void)
{
	struct wa_inroute r = { 0 };

	opt.set.kw = opt.kw;
	opt.set.orders = opt.orders;
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
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

static void
parseargs(int *argc, char ***argv)
{
	int ch;

	opt.collision = 120;
	opt.lang = "en_US";
	opt.set.open = 9 * 60, opt.set.close = 18 * 60, opt.set.every = 12 * 3600;
	opt.set.misses = 2;
	while ((ch = getopt_long(*argc, *argv, "e:hl:o:p:t:", longs, NULL)) != -1) {
		if (botarg(ch))
			continue;
		switch (ch) {
		case 'e': opt.expr = optarg; break;
		case 'h': usage(0); break;
		case 'l': opt.lang = optarg; break;
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
	if (strcmp(verb, "list") && strcmp(verb, "show")) {
		if (g.me == NULL)
			wa_die(WA_EXIT_USAGE, "%s: set WA_AGENT (or --agent NAME): who does it", verb);
		if ((g.log = wa_inlog_open(opt.p.log)) == NULL)
			wa_die(WA_EXIT_FATAL, "%s:", opt.p.log);
	}
	g.ib = wa_inbox_load(&opt.p);
}

/* The verb and how many operands it takes. */
static int
run(int argc, char **argv)
{
	static const struct { const char *verb; int min, max; } verbs[] = {
		{ "list", 0, 0 }, { "show", 1, 1 }, { "reply", 1, 2 },
		{ "assign", 2, 2 }, { "note", 2, 2 }, { "close", 1, 1 },
		{ "route", 0, 0 }, { "ask-consent", 1, 1 }, { "fetch", 1, 1 },
		{ "consent", 2, 2 },
	};
	const char *verb = argc > 0 ? argv[0] : "list";
	size_t i;
	int rc = 0, n = argc > 0 ? argc - 1 : 0;

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
	else if (i == 2)
		rc = reply(argv[1], n > 1 ? argv[2] : NULL);
	else if (i == 3)
		rc = mark("assigned", argv[1], argv[2]);
	else if (i == 4)
		rc = mark("note", argv[1], argv[2]);
	else if (i == 5)
		rc = closeconv(argv[1]);
	else if (i == 6)
		rc = routeall();
	else if (i == 7)
		rc = askconsent(argv[1]);
	else if (i == 8)
		rc = fetch(argv[1]);
	else
		rc = wa_askconsent_agent(g.ib, argv[1], argv[2], g.me, opt.evidence);
	curl_global_cleanup();
	wa_inbox_free(g.ib);
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
