/* gate.c: may a record's message go now: this run, the ledger, quiet hours, cap, window, same user */
#include <errno.h>
#include <stdlib.h>

#include "wa.h"
#include "store.h"
#include "send.h"

/* --cap N/DURATION, as 2/7d, into O; -1 when ARG is not one. */
int
wa_gate_cap(struct wa_gate_opts *o, const char *arg)
{
	char *end;

	errno = 0;
	o->capn = strtol(arg, &end, 10);
	if (end == arg || *end != '/' || errno || o->capn < 1 ||
	    wa_dur_parse(end + 1, &o->capsecs) < 0 || o->capsecs <= 0)
		return -1;
	return 0;
}

/*
 * The last state of KEY in the ledger; a sent one older than --every, and a
 * failed one whose hold is over, are none.
 */
int
wa_gate_keystate(const struct wa_gate *g, const char *key)
{
	time_t at = 0, until;
	int st = wa_ledger_state(g->ledger, key, &at);

	if (st == WA_LEDGER_SENT && g->o.every > 0 && at > 0 &&
	    (long long)(wa_now() - at) >= g->o.every)
		return WA_LEDGER_NONE;
	if (st == WA_LEDGER_FAILED &&
	    (until = wa_ledger_until(g->ledger, key)) > 0 && wa_now() >= until)
		return WA_LEDGER_NONE;
	return st;
}

/*
 * The dedupe key CAMPAIGN/ID. A number's id is tagged with '#', and a
 * string's own leading '#' doubled, so that 6 and "6" are two customers.
 */
char *
wa_gate_key(const struct wa_gate *g, const char *campaign, json_t *rec,
    const char *id)
{
	int num = !g->o.reply && json_is_integer(json_object_get(rec, "id"));

	return wa_strjoin(campaign, num || *id == '#' ? "/#" : "/", id);
}

/* Is KEY kept from going out by this run or the ledger? */
static const char *
done(const struct wa_gate *g, const char *key, const char **why)
{
	int st;

	if (wa_hash_get(g->seen, key))
		return *why = "already_sent", "skipped";
	st = wa_gate_keystate(g, key);
	if (st == WA_LEDGER_SENT)
		return *why = "already_sent", "skipped";
	if (st == WA_LEDGER_HELD)
		return *why = "held_out", "skipped";
	if (st == WA_LEDGER_FAILED && !g->o.retryfailed)
		return *why = "failed_before", "skipped";
	if ((st == WA_LEDGER_ATTEMPT || st == WA_LEDGER_UNKNOWN) &&
	    !g->o.retryunknown)
		return *why = "attempted_before", "unknown";
	return NULL;
}

/* Messages to the user of TO since SINCE; with --cap-channels both, the e-mails to REC's address too. */
static long
recent(const struct wa_gate *g, json_t *rec, const char *to, time_t since)
{
	char addr[WA_EMAIL_MAX], rcpt[WA_PHONE_MAX];
	long n = wa_ledger_recent(g->ledger, to, since);

	if (g->o.capboth && wa_email_norm(wa_json_str(rec, "email"), addr,
	    sizeof addr) == 0) {
		wa_mail_rcpt(addr, rcpt);
		n += wa_ledger_recent(g->ledger, rcpt, since);
	}
	return n;
}

/* Is the message to TO held back, by --quiet or --cap? */
static const char *
held(const struct wa_gate *g, json_t *rec, const char *to, const char **why)
{
	int quiet = wa_quiet_now(&g->o.hours, wa_json_str(rec, "tz"), to, wa_now());

	if (quiet != 0) {
		*why = quiet > 0 ? "quiet_hours" : "quiet_zone_unknown";
		return "deferred";
	}
	if (g->o.capn > 0 && recent(g, rec, to, wa_now() - (time_t)g->o.capsecs) +
	    (g->q ? wa_sendq_waiting(g->q, to) : 0) >= g->o.capn)
		return *why = "cap", "skipped";
	return NULL;
}

/*
 * Has another record of the campaign gone, or is one going, to the user of
 * TO (another form of the number included)? A --reply answers each
 * message, so it is never a duplicate.
 */
static int
duplicate(struct wa_gate *g, const char *key, const char *to)
{
	char pk[WA_PHONE_MAX];
	time_t at;
	int st;

	if (g->o.reply)
		return 0;
	wa_phone_key(to, pk);
	st = wa_ledger_owner(g->ledger, key, to, &at);
	if (st == WA_LEDGER_SENT && g->o.every > 0 && at > 0 &&
	    (long long)(wa_now() - at) >= g->o.every)
		st = WA_LEDGER_NONE;
	if (wa_hash_get(g->users, pk) || st == WA_LEDGER_SENT ||
	    st == WA_LEDGER_ATTEMPT || st == WA_LEDGER_UNKNOWN ||
	    st == WA_LEDGER_HELD)
		return 1;
	wa_hash_put(g->users, pk, (void *)1);
	return 0;
}

/*
 * Do more customers than --max-shared carry the record's phone? Then it is
 * a placeholder or the store's own number, almost never a person.
 */
static int
shared(const struct wa_gate *g, json_t *rec)
{
	json_t *v = json_object_get(rec, "phone_shared");
	long long n = 0;

	if (json_is_integer(v))
		n = json_integer_value(v);
	else if (json_is_string(v))	/* a CSV record's cells are text */
		n = strtoll(json_string_value(v), NULL, 10);
	return !g->o.reply && n > g->o.maxshared;
}

const char *
wa_gate_check(struct wa_gate *g, json_t *rec, const char *key, const char *to,
    int text, const char **why)
{
	const char *ev;

	if (shared(g, rec))
		return *why = "shared_phone", "skipped";
	if ((ev = done(g, key, why)) != NULL || (ev = held(g, rec, to, why)) != NULL)
		return ev;
	/* a free-form message to one who has not written in 24 hours: the API would answer 131047 */
	if (text && g->win && !wa_window_open(g->win, to, wa_now()))
		return *why = "window_closed", "skipped";
	if (duplicate(g, key, to))
		return *why = "duplicate_recipient", "skipped";
	wa_hash_put(g->seen, key, (void *)1);
	return NULL;
}
