/*
 * inverb.c: what a person does to a conversation, the terminal's verbs
 * and the web's buttons alike: reply (text, snippet, template, media),
 * assign, note, close with the survey, ask for consent. One copy, so that
 * an action from either is the same ledger key, the same exactly-once
 * rules, the same collision check and the same inbox log line, apart
 * from "via" on the web's. Each runs with the inbox log locked and the
 * inbox loaded under that lock; a refusal dies (the web runs each action
 * in a child process of its own).
 */
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"
#include "send.h"
#include "inbox.h"

static struct wa_conv *
find(struct wa_iv *v, const char *who)
{
	struct wa_conv *c = wa_inbox_find(v->ib, who);

	if (c == NULL)
		wa_die(WA_EXIT_REC, "%s: no conversation", who);
	/* the reply's id and the collision check read the thread */
	wa_conv_thread(v->ib, c);
	return c;
}

void
wa_iv_log(struct wa_iv *v, struct wa_conv *c, json_t *e)
{
	json_t *id = wa_conv_cust(c) ? json_object_get(wa_conv_cust(c), "id") : NULL;

	json_object_set_new(e, "conv", json_string(c->id));
	json_object_set_new(e, "phone", json_string(c->phone));
	json_object_set(e, "customer", id ? id : json_null());
	if (json_object_get(e, "agent") == NULL)
		wa_json_setstr(e, "agent", v->me);
	/* the terminal's lines stay as they were before the web */
	if (v->via && strcmp(v->via, "terminal") != 0)
		wa_json_setstr(e, "via", v->via);
	if (wa_inlog_add(v->log, e) < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot write:", v->p->log);
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
openconv(struct wa_iv *v, const char *who)
{
	struct wa_conv *c = wa_inbox_find(v->ib, who);
	char e164[WA_PHONE_MAX], tb[WA_TIMEBUF];
	json_t *cust, *e;

	if (c && !c->closed)
		return c;
	cust = wa_inbox_customer(v->ib, who);
	if (wa_phone_norm(cust ? wa_json_str(cust, "phone") : who,
	    cust ? wa_json_str(cust, "country") : NULL, e164) != WA_PHONE_OK)
		wa_die(WA_EXIT_REC, "%s: no conversation, and no phone to open one", who);
	e = newev("opened");
	c = wa_calloc(1, sizeof *c);
	wa_conv_makeid(e164, wa_time_fmt(wa_now(), tb), c->id);
	c->phone = e164;
	c->cc = wa_inbox_custref(v->ib, who);
	wa_iv_log(v, c, e);
	free(c);
	wa_inbox_free(v->ib);
	v->ib = wa_inbox_load(v->p);
	return wa_inbox_find(v->ib, e164);
}

/* What placeholders read: the customer record, the profile name, the conversation. */
static json_t *
record(struct wa_iv *v, struct wa_conv *c)
{
	json_t *r = wa_conv_cust(c) ? json_deep_copy(wa_conv_cust(c)) : json_object();

	if (wa_json_nestr(r, "first_name") == NULL && c->name)
		wa_json_setstr(r, "first_name", c->name);
	if (wa_json_nestr(r, "name") == NULL && c->name)
		wa_json_setstr(r, "name", c->name);
	wa_json_setstr(r, "conv", c->id);
	wa_json_setstr(r, "agent", v->me);
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

/* Has another agent answered C within the collision time? Then only force goes on. */
static void
collision(struct wa_iv *v, struct wa_conv *c)
{
	const struct wa_tmsg *m = wa_conv_collision(c, v->me, wa_now() - (time_t)v->collision);
	char tb[WA_TIMEBUF];

	if (m == NULL)
		return;
	if (!v->force)
		wa_die(WA_EXIT_USAGE, "%s: %s answered at %s: --force to send all the same",
		    c->id, m->by, wa_time_fmt(m->at, tb));
	wa_warn("%s: %s answered at %s", c->id, m->by, wa_time_fmt(m->at, tb));
}

/* Send BODY (taken) as campaign CAMPAIGN, id ID; the outcome line printed. 0: it went. */
static int
sendit(struct wa_iv *v, struct wa_conv *c, const struct wa_ivmsg *m, const char *campaign,
    const char *id, json_t *body, json_t **ev)
{
	struct wa_reply r = { 0 };
	const char *e;

	r.ledger = v->p->ledger;
	r.events = v->p->events;
	r.suppress = v->suppress;
	r.campaign = campaign;
	r.id = id;
	r.to = c->phone;
	r.tmpl = m->tmpl;
	r.lang = m->tmpl ? m->lang : NULL;
	*ev = wa_reply_send(&r, body);
	wa_json_put(stdout, *ev);
	e = wa_json_str(*ev, "event");
	return strcmp(e, "sent") == 0 ? 0 : WA_EXIT_REC;
}

/* The message's body: a template, else TEXT (filled as wa-send -m is). */
static json_t *
body(struct wa_iv *v, struct wa_conv *c, const struct wa_ivmsg *im, const char *text,
    const char *key, const struct wa_graph_button *bt, size_t nbt)
{
	struct wa_graph_msg m = { 0 };
	struct wa_graph_tmpl t = { 0 };
	char err[WA_GRAPH_ERRSZ];
	json_t *rec = record(v, c), *b;

	m.to = c->phone;
	m.opaque = key;
	t.name = im->tmpl;
	t.lang = im->lang;
	t.body = im->params;
	t.nbody = im->np;
	t.button = bt;
	t.nbutton = nbt;
	b = im->tmpl ? wa_graph_template(&m, &t, rec, err, sizeof err) :
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
mediabody(struct wa_iv *v, struct wa_conv *c, const char *caption, const char *key,
    struct wa_rmedia *m, json_t *logged)
{
	struct wa_graph_msg gm = { 0 };
	char err[WA_GRAPH_ERRSZ];
	json_t *b, *rec;

	if (wa_rmedia_id(m, key, v->p->log) == NULL)
		wa_iv_log(v, c, wa_rmedia_uploaded(m, key));
	gm.to = c->phone;
	gm.opaque = key;
	rec = record(v, c);
	b = wa_graph_media(&gm, m->k->type, m->id, caption, m->name, rec, err, sizeof err);
	json_decref(rec);
	if (b == NULL)
		wa_die(WA_EXIT_USAGE, "%s: %s", c->id, err);
	wa_json_setstr(logged, "media", m->id);
	wa_json_setstr(logged, "type", m->k->type);
	json_object_set(logged, "caption", json_object_get(json_object_get(b, m->k->type), "caption"));
	return b;
}

/* The reply's id: the same answer to the same last message is one reply, sent once. */
static char *
replyid(const struct wa_conv *c, const struct wa_ivmsg *im, const char *what)
{
	const char *last = c->id;
	char rid[32], *seed, *id;
	size_t i;

	for (i = c->nmsg; i-- > 0 && last == c->id; )
		if (c->msg[i].dir == '<' && c->msg[i].wamid)
			last = c->msg[i].wamid;
	seed = wa_strjoin(what, "\n", last);
	snprintf(rid, sizeof rid, "r%08llx", wa_fp(seed) & 0xffffffffULL);
	id = wa_strjoin(c->id, "/", im->id ? im->id : rid);
	free(seed);
	return id;
}

int
wa_iv_reply(struct wa_iv *v, const char *who, const struct wa_ivmsg *im)
{
	struct wa_conv *c = find(v, who);
	int freeform = im->snippet != NULL || im->text != NULL || im->media != NULL;
	char *text, *id, *key, *sent, *what = NULL;
	struct wa_rmedia m = { 0 };
	json_t *ev, *e, *b;
	int rc;

	if (freeform == (im->tmpl != NULL) || (im->media && (im->text || im->snippet)))
		wa_die(WA_EXIT_USAGE, "reply: TEXT, --snippet, --media or -t, one of them");
	if (im->caption && im->media == NULL)
		wa_die(WA_EXIT_USAGE, "reply: --caption goes with --media");
	if (freeform && !wa_window_open(v->ib->win, c->phone, wa_now()))
		closed(c);
	collision(v, c);
	/* taken only now: a refusal above leaves nothing unfreed behind it */
	if (im->media) {
		wa_rmedia_read(&m, im->media);
		if (im->name)
			m.name = im->name;
		what = wa_strjoin(m.sha, "\n", im->caption ? im->caption : "");
	}
	text = im->snippet ? snippet(im->snippet) : im->text ? wa_strdup(im->text) : NULL;
	e = newev("replied");
	id = replyid(c, im, what ? what : text ? text : im->tmpl);
	key = wa_strjoin(WA_INBOX_CAMPAIGN, "/", id);
	b = im->media ? mediabody(v, c, im->caption, key, &m, e) :
	    body(v, c, im, text, key, NULL, 0);
	sent = wa_strdup0(wa_json_str(b, "text.body"));
	rc = sendit(v, c, im, WA_INBOX_CAMPAIGN, id, b, &ev);
	if (rc == 0) {
		json_object_set_new(e, "key", json_string(key));
		if (im->media == NULL)
			wa_json_setstr(e, sent ? "text" : "template", sent ? sent : im->tmpl);
		wa_json_setstr(e, "wamid", wa_json_str(ev, "wamid"));
		wa_iv_log(v, c, e);
	} else
		json_decref(e);
	json_decref(ev);
	wa_rmedia_free(&m);
	free(id), free(key), free(text), free(sent), free(what);
	return rc;
}

int
wa_iv_assign(struct wa_iv *v, const char *who, const char *agent)
{
	struct wa_conv *c = openconv(v, who);
	json_t *e = newev("assigned");

	json_object_set_new(e, "agent", json_string(agent));
	wa_json_setstr(e, "by", v->me);
	wa_iv_log(v, c, e);
	return 0;
}

int
wa_iv_note(struct wa_iv *v, const char *who, const char *text)
{
	struct wa_conv *c = openconv(v, who);
	json_t *e = newev("note");

	json_object_set_new(e, "text", json_string(text));
	wa_iv_log(v, c, e);
	return 0;
}

int
wa_iv_close(struct wa_iv *v, const char *who, const struct wa_ivmsg *im)
{
	static const char *const score[] = { "SCORE:1", "SCORE:2", "SCORE:3", "SCORE:4", "SCORE:5" };
	struct wa_graph_button bt[5];
	struct wa_conv *c = find(v, who);
	struct wa_ivmsg sm = *im;
	json_t *ev = NULL, *e;
	char *key;
	int i, rc = 0;

	if (c->closed)
		wa_die(WA_EXIT_REC, "%s: closed already", c->id);
	e = newev("closed");
	if (im->survey) {
		for (i = 0; i < 5; i++)
			bt[i].type = WA_GRAPH_BQUICK, bt[i].index = i, bt[i].text = score[i];
		if (sm.tmpl == NULL)
			sm.tmpl = "csat";
		key = wa_strjoin(WA_INBOX_CAMPAIGN "-survey", "/", c->id);
		rc = sendit(v, c, &sm, WA_INBOX_CAMPAIGN "-survey", c->id,
		    body(v, c, &sm, NULL, key, bt, 5), &ev);
		if (rc == 0)
			json_object_set_new(e, "survey", json_string(key));
		json_decref(ev);
		free(key);
	}
	wa_json_setstr(e, "agent", c->agent);
	wa_json_setstr(e, "by", v->me);
	wa_iv_log(v, c, e);
	return rc;
}

int
wa_iv_askconsent(struct wa_iv *v, const char *who, const struct wa_ivmsg *im)
{
	struct wa_reply r = { 0 };

	r.ledger = v->p->ledger;
	r.events = v->p->events;
	r.suppress = v->suppress;
	return wa_askconsent_who(v->ib, &r, who, im->tmpl ? im->tmpl : "consent_request",
	    im->lang);
}
