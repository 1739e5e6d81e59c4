/* consent.c: STOP and START messages into the suppression list, in the order they were sent. */
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
	pthread_mutex_t mu;
};

struct wa_consent *
wa_consent_new(struct wa_words *stop, struct wa_words *start,
    const char *suppath)
{
	struct wa_consent *cs = wa_calloc(1, sizeof *cs);

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
	free(cs);
}

/* The opt-out or opt-in a message means, as an event; NULL if none. */
json_t *
wa_consent_event(struct wa_consent *cs, json_t *m)
{
	const char *kind = wa_json_str(m, "event"), *text = wa_json_str(m, "text");
	const char *type = wa_json_str(m, "type");
	json_t *ev;
	int out;

	if (strcmp(kind, "message") != 0 || text == NULL || type == NULL ||
	    (strcmp(type, "text") != 0 && strcmp(type, "button") != 0 &&
	    strcmp(type, "interactive") != 0))
		return NULL;
	if ((out = wa_words_match(cs->stop, text)) == 2 && strcmp(type, "text") != 0)
		out = 0;
	if (out == 0 && !wa_words_match(cs->start, text))
		return NULL;
	ev = json_object();
	json_object_set_new(ev, "event", json_string(out ? "opt_out" : "opt_in"));
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
 * Apply an opt-out or opt-in to the suppression list before it is
 * acknowledged. One seen before is not applied again, and a START older
 * than the user's last STOP (Meta delivers in no order, and again after a
 * 500) is stored but not applied, so it cannot undo the STOP.
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
