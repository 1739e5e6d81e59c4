/* inroute.c: wa-inbox route's run: routes or the bot from their cursor, then assignments, notifications, the consent question. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "wa.h"
#include "store.h"
#include "send.h"
#include "inbox.h"

static void
putev(json_t *e, void *arg)
{
	(void)arg;
	wa_json_put(stdout, e);
	json_decref(e);
}

/* An emitter that prints nothing. */
static void
drop(json_t *e, void *arg)
{
	json_decref(e);
}

/* Tell the agents of what is new, on the channels given; each send to EMIT. */
static void
notify(const struct wa_inroute *o, struct wa_inbox *ib, void (*emit)(json_t *, void *))
{
	struct wa_notify n = { 0 };
	char *state = wa_home_path(WA_SF_NOTIFIED), err[256];
	const char *url = getenv("WA_SMTP_URL"), *from = getenv("WA_SMTP_FROM");

	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (url && *url && (n.smtp = wa_smtp_new(url, err, sizeof err)) == NULL)
		wa_die(WA_EXIT_USAGE, "WA_SMTP_URL: %s", err);
	n.from = from && *from ? from : "wa-inbox@localhost";

	n.statepath = state;
	n.cmd = o->notify;
	n.tmpl = o->notifytmpl;
	n.lang = o->lang;
	n.ledger = o->ledger;
	n.events = o->events;
	n.suppress = o->suppress;
	n.orders = o->orders;
	n.agents = o->agents;
	n.sla = o->sla;
	if (n.cmd || n.tmpl || n.smtp)
		wa_notify_run(&n, ib, wa_now(), emit, NULL);
	wa_smtp_free(n.smtp);
	curl_global_cleanup();
	free(state);
}

/* --ask-consent: the question to the customers of conversations closed in the last day. */
static void
askclosed(const struct wa_inroute *o, struct wa_inbox *ib, void (*emit)(json_t *, void *))
{
	char *path = wa_home_path(WA_SF_CONSENT);
	struct wa_consentlog *cl = wa_consentlog_load(path);
	struct wa_reply r = { 0 };

	if (cl == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", path);
	r.ledger = o->ledger;
	r.events = o->events;
	r.suppress = o->suppress;
	wa_askconsent_closed(ib, cl, &r, o->askconsent, o->lang, wa_now(), emit, NULL);
	wa_consentlog_free(cl);
	free(path);
}

int
wa_inroute_run(const struct wa_inroute *o, struct wa_inbox *ib, struct wa_inlog *log)
{
	char *path = o->routes ? wa_strdup(o->routes) : wa_home_path(WA_SF_ROUTES);
	char *cur = wa_home_path(WA_SF_INCURSOR);
	struct wa_rules *rs = NULL;
	struct wa_bot *bot = NULL;
	struct wa_cursor at;
	void (*emit)(json_t *, void *);

	if (o->bot == NULL || o->routes || access(path, F_OK) == 0)
		rs = wa_rules_load(path, WA_RULES_SEGMENTS);
	if (o->bot) {
		bot = wa_bot_open(o->set, o->bot, ib);
		wa_bot_cursor(bot, &at);
	} else
		wa_cursor_load(cur, &at);
	wa_route(ib, log, rs, o->events, &at, bot, putev, NULL);
	if (bot ? wa_bot_save(bot, &at) < 0 : wa_cursor_save(cur, &at) < 0)
		wa_die(WA_EXIT_FATAL, "%s:", bot ? o->bot : cur);
	wa_bot_free(bot);
	if (rs)
		wa_rules_free(rs);
	/* with --bot, stdout carries only the bot's answers */
	emit = o->bot ? drop : putev;
	wa_agents_assign(o->agents, ib, log, wa_now(), emit, NULL);
	notify(o, ib, emit);
	if (o->askconsent)
		askclosed(o, ib, emit);
	free(path), free(cur);
	return 0;
}
