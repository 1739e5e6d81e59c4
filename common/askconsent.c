/*
 * askconsent.c: the consent question, its YES and NO quick replies
 * carrying the payloads wa-hook logs into the consent log, sent once a
 * person, ever: its ledger key is a hash of the person's same-user key,
 * so asking again, by an agent or by route after another conversation,
 * is skipped by wa-send's gate, whatever crashed in between. And the
 * answer an agent read in the chat, logged by that agent.
 */
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"
#include "send.h"
#include "inbox.h"

#define CAMPAIGN WA_INBOX_CAMPAIGN "-consent"

json_t *
wa_askconsent(const struct wa_reply *base, const char *e164, const char *tmpl,
    const char *lang)
{
	struct wa_reply r = *base;
	struct wa_graph_msg m = { 0 };
	struct wa_graph_tmpl t;
	char pk[WA_PHONE_MAX], id[32], err[WA_GRAPH_ERRSZ], *key;
	json_t *b;

	wa_phone_key(e164, pk);
	snprintf(id, sizeof id, "p%016llx", wa_fp(pk));
	key = wa_strjoin(CAMPAIGN, "/", id);
	wa_graph_consentq(&t, tmpl, lang);
	m.to = e164;
	m.opaque = key;
	if ((b = wa_graph_template(&m, &t, NULL, err, sizeof err)) == NULL)
		wa_die(WA_EXIT_USAGE, "%s: %s", tmpl, err);
	free(key);
	r.campaign = CAMPAIGN;
	r.id = id;
	r.to = e164;
	r.tmpl = tmpl;
	r.lang = lang;
	return wa_reply_send(&r, b);
}

long
wa_askconsent_closed(struct wa_inbox *ib, struct wa_consentlog *cl,
    const struct wa_reply *base, const char *tmpl, const char *lang, time_t now,
    void (*emit)(json_t *, void *), void *arg)
{
	struct wa_conv *c;
	json_t *ev;
	size_t i;
	long n = 0;

	for (i = 0; i < ib->n; i++) {
		c = ib->conv[i];
		/* the person's latest conversation, closed within a day: asked while it is fresh */
		if (!c->closed || c->closed < now - WA_WINDOW || wa_inbox_find(ib, c->phone) != c ||
		    wa_consentlog_get(cl, c->phone) != -1)
			continue;
		ev = wa_askconsent(base, c->phone, tmpl, lang);
		if (strcmp(wa_json_str(ev, "event"), "sent") == 0)
			n++;
		/* asked before: nothing to say every minute for a day */
		if (strcmp(wa_json_str(ev, "event"), "skipped") == 0 &&
		    wa_json_str(ev, "reason") && strcmp(wa_json_str(ev, "reason"), "already_sent") == 0)
			json_decref(ev);
		else
			emit(ev, arg);
	}
	return n;
}

/* The number of WHO: its conversation's, else its customer's, else WHO's own. */
static struct wa_conv *
whophone(struct wa_inbox *ib, const char *who, char e164[WA_PHONE_MAX])
{
	struct wa_conv *c = wa_inbox_find(ib, who);
	json_t *cust = c ? wa_conv_cust(c) : wa_inbox_customer(ib, who);

	if (c)
		snprintf(e164, WA_PHONE_MAX, "%s", c->phone);
	else if (wa_phone_norm(cust ? wa_json_str(cust, "phone") : who,
	    cust ? wa_json_str(cust, "country") : NULL, e164) != WA_PHONE_OK)
		wa_die(WA_EXIT_REC, "%s: no conversation, and no phone", who);
	return c;
}

int
wa_askconsent_who(struct wa_inbox *ib, const struct wa_reply *base, const char *who,
    const char *tmpl, const char *lang)
{
	char e164[WA_PHONE_MAX];
	json_t *ev;
	int rc;

	whophone(ib, who, e164);
	ev = wa_askconsent(base, e164, tmpl, lang);
	wa_json_put(stdout, ev);
	rc = strcmp(wa_json_str(ev, "event"), "sent") == 0 ? 0 : WA_EXIT_REC;
	json_decref(ev);
	return rc;
}

/*
 * The evidence of what WHO said: the agent's words for it, else the last
 * message of theirs, which the log's readers can look up in the spool.
 */
static const char *
evidence(const struct wa_conv *c, const char *who, const char *given)
{
	size_t i;

	for (i = c ? c->nmsg : 0; given == NULL && i-- > 0; )
		if (c->msg[i].dir == '<' && c->msg[i].wamid)
			given = c->msg[i].wamid;
	if (given == NULL)
		wa_die(WA_EXIT_USAGE, "%s: no message of theirs to stand as evidence: --evidence TEXT", who);
	return given;
}

int
wa_askconsent_agent(struct wa_inbox *ib, const char *who, const char *yesno, const char *agent,
    const char *given)
{
	struct wa_consentev ev = { 0 };
	struct wa_consentlog *cl;
	struct wa_conv *c;
	char e164[WA_PHONE_MAX], tb[WA_TIMEBUF], *path, *src;
	int rc, in = strcmp(yesno, "yes") == 0;
	json_t *o;

	if (!in && strcmp(yesno, "no") != 0)
		wa_die(WA_EXIT_USAGE, "consent: yes or no, not '%s'", yesno);
	c = whophone(ib, who, e164);
	if (c && given == NULL)
		wa_conv_thread(ib, c);
	ev.evidence = evidence(c, who, given);
	path = wa_home_path(WA_SF_CONSENT);
	if ((cl = wa_consentlog_load(path)) == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", path);
	src = wa_strjoin("wa-inbox:agent", " ", agent);
	ev.in = in;
	ev.phone = e164;
	ev.at = wa_now();
	ev.source = src;
	if ((rc = wa_consentlog_add(cl, &ev)) < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot write:", path);
	if (rc == 0)
		wa_warn("%s: %s with evidence %s is in the log already: --evidence to tell another apart",
		    e164, in ? "opt_in" : "opt_out", ev.evidence);
	else {
		o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", in ? "opt_in" : "opt_out",
		    "phone", e164, "at", wa_time_fmt(ev.at, tb), "source", src,
		    "evidence", ev.evidence);
		wa_json_put(stdout, o);
		json_decref(o);
	}
	wa_consentlog_free(cl);
	free(src), free(path);
	return 0;
}
