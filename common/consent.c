/*
 * consent.c: STOP and START messages into the suppression list, in the
 * order they were sent, and every opt-in and opt-out into the consent log.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wa.h"
#include "store.h"
#include "hook.h"

struct wa_consent {
	struct wa_words *stop, *start;
	const char *suppath;
	struct wa_hash *lastout;	/* same-user key -> time of the last STOP */
	struct wa_consentlog *log;
	pthread_mutex_t mu;
};

struct wa_consent *
wa_consent_new(struct wa_words *stop, struct wa_words *start,
    const char *suppath, const char *logpath)
{
	struct wa_consent *cs = wa_calloc(1, sizeof *cs);

	if ((cs->log = wa_consentlog_load(logpath)) == NULL) {
		free(cs);
		return NULL;
	}
	cs->stop = stop;
	cs->start = start;
	cs->suppath = suppath;
	cs->lastout = wa_hash_new();
	pthread_mutex_init(&cs->mu, NULL);
	return cs;
}

void
wa_consent_free(struct wa_consent *cs)
{
	wa_words_free(cs->stop);
	wa_hash_free(cs->lastout);
	wa_words_free(cs->start);
	wa_consentlog_free(cs->log);
	free(cs);
}

/* The answer to the consent question: its button's payload (wa-hook(1)). */
static int
answer(json_t *m, const char *type)
{
	const char *p = wa_json_str(m, "payload");

	if (p == NULL || strcmp(type, "text") == 0)
		return -1;
	return strcmp(p, WA_CONSENT_YES) == 0 ? 1 :
	    strcmp(p, WA_CONSENT_NO) == 0 ? 0 : -1;
}

/* The opt-out or opt-in a message means, as an event; NULL if none. */
json_t *
wa_consent_event(struct wa_consent *cs, json_t *m)
{
	const char *kind = wa_json_str(m, "event"), *text = wa_json_str(m, "text");
	const char *type = wa_json_str(m, "type");
	json_t *ev;
	int out, yes = -1;

	if (strcmp(kind, "message") != 0 || type == NULL ||
	    (strcmp(type, "text") != 0 && strcmp(type, "button") != 0 &&
	    strcmp(type, "interactive") != 0))
		return NULL;
	if ((yes = answer(m, type)) >= 0)
		out = !yes;
	else if (text == NULL)
		return NULL;
	else if ((out = wa_words_match(cs->stop, text)) == 2 &&
	    strcmp(type, "text") != 0)
		out = 0;
	if (yes < 0 && out == 0 && !wa_words_match(cs->start, text))
		return NULL;
	ev = json_object();
	json_object_set_new(ev, "event", json_string(out ? "opt_out" : "opt_in"));
	if (yes >= 0)
		json_object_set(ev, "payload", json_object_get(m, "payload"));
	json_object_set(ev, "wamid", json_object_get(m, "wamid"));
	json_object_set(ev, "from", json_object_get(m, "from"));
	if (json_object_get(m, "user_id"))
		json_object_set(ev, "user_id", json_object_get(m, "user_id"));
	json_object_set(ev, "at", json_object_get(m, "at"));
	json_object_set_new(ev, "via", json_string(type));
	return ev;
}

/*
 * Note, or with SET 0 read, the time of the last opt-out of the user of
 * FROM; 0 when none is known.
 */
static time_t
lastout(struct wa_consent *cs, const char *from, time_t t, int set)
{
	char k[WA_PHONE_MAX];
	time_t was;

	wa_phone_key(from, k);
	pthread_mutex_lock(&cs->mu);
	was = (time_t)(intptr_t)wa_hash_get(cs->lastout, k);
	if (set && t > was)
		wa_hash_put(cs->lastout, k, (void *)(intptr_t)t);
	pthread_mutex_unlock(&cs->mu);
	return was;
}

static time_t
evtime(json_t *ev)
{
	time_t t = 0;

	if (wa_json_str(ev, "at"))
		wa_time_parse(wa_json_str(ev, "at"), WA_DATES_ANY, &t);
	return t;
}

/* The STOPs already in the spool, as it is read at start. */
void
wa_consent_onload(json_t *ev, void *arg)
{
	struct wa_consent *cs = arg;
	const char *kind = wa_json_str(ev, "event"), *from = wa_json_str(ev, "from");

	if (kind && from && strcmp(kind, "opt_out") == 0)
		lastout(cs, from, evtime(ev), 1);
}

/*
 * EV into the consent log, with what proves it: the customer's message,
 * else (Meta's preference webhook has no id) who and when, which a
 * redelivery repeats.
 */
static int
record(struct wa_consent *cs, json_t *ev, const char *from, time_t t)
{
	const char *via = wa_json_str(ev, "via"), *kind = wa_json_str(ev, "event");
	struct wa_consentev ce = { kind[4] == 'i', from, t, NULL, NULL };
	char who[WA_PHONE_MAX + WA_TIMEBUF + 32];
	int rc;

	if (wa_json_str(ev, "payload"))
		ce.source = "whatsapp:button";
	else if (via && strcmp(via, "preferences") == 0)
		ce.source = "whatsapp:user_preferences";
	else
		ce.source = ce.in ? "whatsapp:start-word" : "whatsapp:stop-word";
	if ((ce.evidence = wa_json_str(ev, "wamid")) == NULL) {
		snprintf(who, sizeof who, "user_preferences %s %s", from,
		    wa_json_str(ev, "at") ? wa_json_str(ev, "at") : "?");
		ce.evidence = who;
	}
	pthread_mutex_lock(&cs->mu);
	rc = wa_consentlog_add(cs->log, &ce);
	pthread_mutex_unlock(&cs->mu);
	return rc < 0 ? -1 : 0;
}

/*
 * Apply an opt-out or opt-in to the consent log and the suppression list
 * before it is acknowledged. One seen before is not applied again, and a
 * START older than the user's last STOP (Meta delivers in no order, and
 * again after a 500) is stored but not applied, so it cannot undo the
 * STOP. The answer to the consent question is about marketing only: it
 * leaves the suppression list, which stops every message, alone.
 */
int
wa_consent_apply(struct wa_consent *cs, struct wa_spool *sp, json_t *ev)
{
	const char *kind = wa_json_str(ev, "event"), *from = wa_json_str(ev, "from");
	time_t t = evtime(ev);
	int rc;

	if (strcmp(kind, "opt_out") != 0 && strcmp(kind, "opt_in") != 0)
		return 0;
	if (from == NULL) {
		wa_warn("%s from a user known only as %s: no number to "
		    "suppress", kind, wa_json_str(ev, "user_id") ?
		    wa_json_str(ev, "user_id") : "?");
		return 0;
	}
	if (wa_spool_seen(sp, ev))
		return 0;
	if (record(cs, ev, from, t) < 0) {
		wa_warn("cannot record the %s of %s in the consent log:", kind, from);
		return -1;
	}
	if (wa_json_str(ev, "payload"))
		return 0;
	if (kind[4] == 'i' && lastout(cs, from, 0, 0) > t) {
		wa_warn("a START of %s older than their last STOP: not applied", from);
		return 0;
	}
	rc = kind[4] == 'o' ? wa_supp_add(cs->suppath, NULL, from) :
	    wa_supp_replace(cs->suppath, from, NULL);
	if (rc >= 0 && kind[4] == 'o')
		lastout(cs, from, t, 1);
	if (rc < 0)
		wa_warn("%s: cannot record the %s of %s:", cs->suppath, kind, from);
	return rc < 0 ? -1 : 0;
}
