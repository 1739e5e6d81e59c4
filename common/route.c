/*
 * route.c: the spool's new message events, from a cursor kept in
 * $WA_HOME, into departments by a rules file (first match wins). After a
 * roll, the cursor names a segment: its rest and the later ones are read
 * before the live file (wa_cursor_open). A crash
 * between the log and the cursor only reads some events again, and an
 * event of a conversation routed already changes nothing, so nothing is
 * routed twice.
 */
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"
#include "inbox.h"

/* What the rules read: the customer record, the tier, and the message's own fields over them. */
static json_t *
subject(const struct wa_conv *c, json_t *ev)
{
	static const char *const own[] = { "text", "type", "payload", "name", "ref" };
	json_t *r = wa_conv_cust(c) ? json_deep_copy(wa_conv_cust(c)) : json_object();
	size_t i;

	wa_json_setstr(r, "tier", c->tier);
	wa_json_setstr(r, "phone", c->phone);
	for (i = 0; i < sizeof own / sizeof *own; i++)
		if (json_object_get(ev, own[i]))
			json_object_set(r, own[i], json_object_get(ev, own[i]));
	return r;
}

/* A rule that hands off ("handoff" or "handoff-REASON"): its reason; else NULL. */
static const char *
handoffrule(const struct wa_rule *r)
{
	if (strcmp(r->name, "handoff") == 0)
		return r->src;
	if (strncmp(r->name, "handoff-", 8) == 0)
		return r->name + 8;
	return NULL;
}

/*
 * The first rule of RS that EV in C matches: with HANDOFF, among the
 * hand-off rules (its reason), else among the departments; NULL for none.
 */
static const char *
first(struct wa_rules *rs, const struct wa_conv *c, json_t *ev, int handoff)
{
	json_t *r;
	const char *d = NULL;
	size_t i;

	if (rs == NULL)
		return NULL;
	r = subject(c, ev);
	for (i = 0; d == NULL && i < rs->n; i++)
		if ((handoffrule(&rs->r[i]) != NULL) == handoff &&
		    wa_rules_test(&rs->r[i], r, wa_now()))
			d = handoff ? handoffrule(&rs->r[i]) : rs->r[i].name;
	json_decref(r);
	return d;
}

struct run {
	struct wa_inbox *ib;
	struct wa_inlog *log;
	struct wa_rules *rs;
	struct wa_bot *bot;
	void (*emit)(json_t *, void *);
	void *arg;
};

/* A line of the log about C for EV, with FACTS' fields (or NULL); given to EMIT without a bot. */
static void
logline(struct run *r, const struct wa_conv *c, json_t *ev, const char *what,
    const char *key, const char *val, json_t *facts)
{
	json_t *e = json_object();

	json_object_set_new(e, "event", json_string(what));
	json_object_set_new(e, "conv", json_string(c->id));
	json_object_set_new(e, "phone", json_string(c->phone));
	json_object_set(e, "customer", wa_conv_cust(c) && json_object_get(wa_conv_cust(c), "id") ?
	    json_object_get(wa_conv_cust(c), "id") : json_null());
	json_object_set_new(e, key, json_string(val));
	wa_json_setstr(e, "wamid", wa_json_str(ev, "wamid"));
	if (facts)
		json_object_update(e, facts);
	if (wa_inlog_add(r->log, e) < 0)
		wa_die(WA_EXIT_FATAL, "cannot write the inbox log:");
	if (r->bot)
		json_decref(e);
	else
		r->emit(e, r->arg);
}

/*
 * Hand C off to a person at EV, once, with what the bot collected. The bot
 * is told even when it is done already: a rerun from its older state must
 * fall silent at the same message as the run that logged it.
 */
static void
handoff(struct run *r, struct wa_conv *c, json_t *ev, const char *reason)
{
	json_t *f;

	if (!c->handed) {
		f = r->bot ? wa_bot_facts(r->bot, c, ev) : NULL;
		c->handed = 1;
		c->handed_at = wa_now();
		logline(r, c, ev, "handed_off", "reason", reason, f);
		json_decref(f);
	}
	if (r->bot)
		wa_bot_handed(r->bot, c, ev);
}

/* A conversation is routed once, and handed off once, until it is closed. */
static void
route(struct run *r, json_t *ev)
{
	const char *from = wa_json_str(ev, "from"), *d;
	struct wa_conv *c;

	if (from == NULL || (c = wa_inbox_find(r->ib, from)) == NULL || c->closed)
		return;
	if (c->dept == NULL && (d = first(r->rs, c, ev, 0)) != NULL) {
		wa_strset(&c->dept, d);
		logline(r, c, ev, "routed", "dept", d, NULL);
	}
	if ((!c->handed || r->bot) && (d = first(r->rs, c, ev, 1)) != NULL)
		handoff(r, c, ev, d);
}

/* The bot's answer to EV, given to EMIT; its giving up hands off. */
static void
answer(struct run *r, json_t *ev)
{
	const char *from = wa_json_str(ev, "from");
	struct wa_conv *c = from ? wa_inbox_find(r->ib, from) : NULL;
	json_t *a;
	int giveup;

	if ((a = wa_bot_answer(r->bot, c, ev, &giveup)) != NULL)
		r->emit(a, r->arg);
	if (giveup && c && !c->closed)
		handoff(r, c, ev, "no answer");
}

/*
 * Is EV a message the inbox did not hold when it was loaded (written
 * since)? Its conversation is not known yet: it waits for the next run.
 */
static int
unknown(struct wa_inbox *ib, json_t *ev)
{
	const char *from = wa_json_str(ev, "from"), *at = wa_json_str(ev, "at");
	char e164[WA_PHONE_MAX];
	struct wa_conv *c;
	time_t t;

	if (from == NULL || at == NULL || wa_phone_norm(from, NULL, e164) != WA_PHONE_OK ||
	    wa_time_parse(at, WA_DATES_ANY, &t) < 0)
		return 0;
	return (c = wa_inbox_find(ib, from)) == NULL || t > c->last_in;
}

/*
 * The new lines of FP: message events into MSGS, and everything the bot
 * must see to it. 1 when it stopped before a message not known yet, else 0.
 */
static int
readnew(FILE *fp, struct wa_cursor *cur, struct run *r, json_t *msgs)
{
	static const char *const keys[] = { "event", "wamid", "from", "at", "text",
	    "type", "payload", "name", "ref", "context", "id", "customer", "email",
	    "phone", "created_at", "fulfillment_status", "extra" };
	json_t *ev = json_object();
	char *line = NULL;
	size_t cap = 0, bad;
	ssize_t len;
	int msg, stop = 0;

	/* a last line without its newline is still being written */
	while ((len = getline(&line, &cap, fp)) > 0 && line[len - 1] == '\n') {
		msg = strstr(line, "\"message\"") != NULL;
		if ((msg || (r->bot && (strstr(line, "\"opt_out\"") || strstr(line, "\"order\"")))) &&
		    wa_json_pick(line, (size_t)len - 1, keys, sizeof keys / sizeof *keys, ev, &bad) == 0) {
			msg = wa_json_str(ev, "event") && strcmp(wa_json_str(ev, "event"), "message") == 0;
			if ((stop = msg && unknown(r->ib, ev)))
				break;
			if (msg)
				json_array_append_new(msgs, json_deep_copy(ev));
			if (r->bot)
				wa_bot_see(r->bot, ev);
		}
		cur->off += len;
	}
	if (ferror(fp))
		wa_die(WA_EXIT_FATAL, "cannot read the spool:");
	free(line);
	json_decref(ev);
	return stop;
}

/*
 * The spool open where CUR is: after a roll, the segment that was the
 * file at the cursor, read to its end into MSGS and R first, and each
 * later one whole; NULL when the reading stopped in one, or there is no spool.
 */
static FILE *
catchup(const char *spool, struct wa_cursor *cur, struct run *r, json_t *msgs)
{
	struct wa_cursor next;
	FILE *fp;
	int k;

	while ((k = wa_cursor_open(spool, cur, &next, &fp)) > 0) {
		if (readnew(fp, cur, r, msgs)) {
			fclose(fp);
			return NULL;
		}
		fclose(fp);
		*cur = next;
	}
	if (k < 0 && fp)
		wa_warn("the spool's file at the cursor is gone: reading it from its beginning");
	return fp;
}

long
wa_route(struct wa_inbox *ib, struct wa_inlog *log, struct wa_rules *rs,
    const char *spool, struct wa_cursor *cur, struct wa_bot *bot,
    void (*emit)(json_t *, void *), void *arg)
{
	struct run r = { ib, log, rs, bot, emit, arg };
	json_t *msgs = json_array(), *ev;
	size_t i;
	FILE *fp;

	/* all of it seen first: an answer is decided over the whole history read */
	if ((fp = catchup(spool, cur, &r, msgs)) != NULL) {
		readnew(fp, cur, &r, msgs);
		fclose(fp);
	}
	json_array_foreach(msgs, i, ev) {
		route(&r, ev);
		if (bot)
			answer(&r, ev);
	}
	i = json_array_size(msgs);
	json_decref(msgs);
	return (long)i;
}
