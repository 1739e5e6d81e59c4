/*
 * convs.c: conversations. Nothing is stored twice: a conversation is
 * folded, each run, from what the customer wrote (wa-hook's spool), what
 * went to them (wa-send's ledger, statuses from the spool), what people did
 * (the inbox log) and who they are (the customer file). A conversation
 * opens with a customer's message (or an agent's "opened") and ends with
 * "closed"; the next message opens another.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"
#include "send.h"
#include "inbox.h"
#include "convs-int.h"

void
wa_sla_default(struct wa_sla *s)
{
	static const char *const t[] = { "platinum", "gold", "silver" };
	static const long long v[] = { 15 * 60, 30 * 60, 2 * 3600 };
	size_t i;

	memset(s, 0, sizeof *s);
	for (i = 0; i < 3; i++) {
		s->tier = wa_realloc(s->tier, (s->n + 1) * sizeof *s->tier);
		s->secs = wa_realloc(s->secs, (s->n + 1) * sizeof *s->secs);
		s->tier[s->n] = wa_strdup(t[i]);
		s->secs[s->n++] = v[i];
	}
	s->other = 4 * 3600;
}

void
wa_sla_load(struct wa_sla *s, const char *path)
{
	char *line = NULL, name[64], dur[64], extra[2];
	size_t cap = 0, i;
	long lineno = 0;
	long long secs;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		wa_die(WA_EXIT_USAGE, "--sla: %s:", path);
	while (getline(&line, &cap, fp) > 0) {
		lineno++;
		if (line[strspn(line, " \t\r\n")] == '\0' || line[strspn(line, " \t")] == '#')
			continue;
		if (sscanf(line, "%63s %63s %1s", name, dur, extra) == 2 &&
		    strcmp(name, "working-hours") == 0 && (strcmp(dur, "yes") == 0 || strcmp(dur, "no") == 0)) {
			s->working = strcmp(dur, "yes") == 0;
			continue;
		}
		if (sscanf(line, "%63s %63s %1s", name, dur, extra) != 2 ||
		    wa_dur_parse(dur, &secs) < 0 || secs <= 0)
			wa_die(WA_EXIT_USAGE, "%s:%ld: want TIER DURATION, as gold 30m", path, lineno);
		if (strcmp(name, "other") == 0) {
			s->other = secs;
			continue;
		}
		for (i = 0; i < s->n && strcmp(s->tier[i], name) != 0; i++)
			;
		if (i == s->n) {
			s->tier = wa_realloc(s->tier, (s->n + 1) * sizeof *s->tier);
			s->secs = wa_realloc(s->secs, (s->n + 1) * sizeof *s->secs);
			s->tier[s->n++] = wa_strdup(name);
		}
		s->secs[i] = secs;
	}
	free(line);
	fclose(fp);
}

long long
wa_sla_for(const struct wa_sla *s, const char *tier)
{
	size_t i;

	for (i = 0; tier && i < s->n; i++)
		if (strcmp(s->tier[i], tier) == 0)
			return s->secs[i];
	return s->other;
}

void
wa_conv_makeid(const char *phone, const char *seed, char *out)
{
	char pk[WA_PHONE_MAX], *k;

	wa_phone_key(phone, pk);
	k = wa_strjoin(pk, "/", seed);
	snprintf(out, WA_CONV_IDSZ, "c%010llx", wa_fp(k) & 0xffffffffffULL);
	free(k);
}

/* Oldest first, then by id: the same order however the fold went (all of it, or tails onto a snapshot). */
static int
byopened(const void *a, const void *b)
{
	const struct wa_conv *x = *(struct wa_conv *const *)a, *y = *(struct wa_conv *const *)b;

	if (x->opened != y->opened)
		return x->opened < y->opened ? -1 : 1;
	return strcmp(x->id, y->id);
}

struct wa_inbox *
wa_inbox_load(const struct wa_inbox_paths *p)
{
	struct wa_inbox *ib = wa_calloc(1, sizeof *ib);
	char pk[WA_PHONE_MAX];
	size_t i;

	ib->byid = wa_hash_new();
	ib->byphone = wa_hash_new();
	ib->custs = wa_hash_new();
	ib->custids = wa_hash_new();
	ib->win = wa_window_new();
	wa_snap_load(ib, p);
	if (ib->n)	/* an empty inbox has no array, and qsort may not take NULL */
		qsort(ib->conv, ib->n, sizeof *ib->conv, byopened);
	for (i = 0; i < ib->n; i++) {
		struct wa_conv *c = ib->conv[i];

		wa_phone_key(c->phone, pk);
		if ((c->cc = wa_hash_get(ib->custs, pk)) != NULL && c->cc->len == 0)
			c->cc = NULL;
		c->tier = wa_strdup0(c->cc ? c->cc->tier : NULL);
		if (c->last_in)
			wa_window_note(ib->win, c->phone, c->last_in);
	}
	return ib;
}

struct wa_conv *
wa_inbox_find(struct wa_inbox *ib, const char *who)
{
	char e164[WA_PHONE_MAX], pk[WA_PHONE_MAX];
	const char *ph = who;
	struct wa_conv *c;
	json_t *cust;

	if ((c = wa_hash_get(ib->byid, who)) != NULL)
		return c;
	if ((cust = wa_ccust_byid(ib, who)) != NULL && wa_json_str(cust, "phone"))
		ph = wa_json_str(cust, "phone");
	if (wa_phone_norm(ph, cust ? wa_json_str(cust, "country") : NULL, e164) != WA_PHONE_OK)
		return NULL;
	wa_phone_key(e164, pk);
	return wa_hash_get(ib->byphone, pk);
}

const char *
wa_conv_state(const struct wa_conv *c, time_t now)
{
	(void)now;
	if (c->closed)
		return "closed";
	if (c->wait_since == 0 && c->last_person)
		return "answered";
	if (c->handed && c->agent == NULL)
		return "handed_off";
	if (c->handed || c->agent || c->last_bot < c->last_in || c->last_in == 0)
		return "waiting";
	return "bot";
}

/* JSON text T as a value, or NULL for none. */
static json_t *
jval(const char *t)
{
	return t ? json_loads(t, JSON_DECODE_ANY, NULL) : NULL;
}

time_t
wa_conv_due(const struct wa_conv *c, const struct wa_sla *s, time_t now)
{
	const char *st = wa_conv_state(c, now);
	int waits = strcmp(st, "waiting") == 0 || strcmp(st, "handed_off") == 0;

	return waits && c->wait_since ? wa_agent_due(s->working ?
	    wa_agents_get(s->agents, c->agent) : NULL, c->wait_since, wa_sla_for(s, c->tier)) : 0;
}

json_t *
wa_conv_row(const struct wa_conv *c, const struct wa_sla *s, time_t now)
{
	const char *st = wa_conv_state(c, now);
	int waits = strcmp(st, "waiting") == 0 || strcmp(st, "handed_off") == 0;
	time_t due = wa_conv_due(c, s, now);
	json_t *o = json_object(), *id = c->cc ? jval(c->cc->id) : NULL;
	json_t *tags = c->cc ? jval(c->cc->tags) : NULL;
	long long left = c->last_in ? (long long)(c->last_in + WA_WINDOW - now) : 0;

	json_object_set_new(o, "id", json_string(c->id));
	json_object_set_new(o, "phone", json_string(c->phone));
	json_object_set_new(o, "customer", id ? id : json_null());
	wa_json_setstr(o, "name", c->cc && c->cc->name ? c->cc->name : c->name);
	wa_json_setstr(o, "tier", c->tier);
	json_object_set_new(o, "tags", tags ? tags : json_array());
	wa_json_setstr(o, "dept", c->dept);
	wa_json_setstr(o, "agent", c->agent);
	json_object_set_new(o, "state", json_string(st));
	wa_json_settime(o, "opened", c->opened);
	json_object_set_new(o, "waited", waits && c->wait_since ?
	    json_integer((json_int_t)(now - c->wait_since)) : json_null());
	wa_json_settime(o, "sla_due", due);
	json_object_set_new(o, "breached", json_boolean(due && now > due));
	json_object_set_new(o, "window_left", json_integer(left > 0 ? left : 0));
	wa_json_settime(o, "closed", c->closed);
	wa_json_setstr(o, "last", c->last);
	return o;
}

const struct wa_tmsg *
wa_conv_collision(const struct wa_conv *c, const char *me, time_t since)
{
	static const char pre[] = WA_INBOX_CAMPAIGN "/";
	size_t i = c->nmsg;

	while (i-- > 0 && c->msg[i].at >= since) {
		const struct wa_tmsg *m = &c->msg[i];

		if (m->dir == '>' && m->key && m->by && strncmp(m->key, pre,
		    sizeof pre - 1) == 0 && strcmp(m->by, me) != 0 &&
		    m->state != WA_LEDGER_FAILED && m->state != WA_LEDGER_RETRY)
			return m;
	}
	return NULL;
}

void
wa_conv_free(struct wa_conv *c)
{
	size_t i;

	for (i = 0; i < c->nmsg; i++) {
		free(c->msg[i].wamid), free(c->msg[i].text), free(c->msg[i].type);
		free(c->msg[i].context), free(c->msg[i].media), free(c->msg[i].caption);
		free(c->msg[i].by), free(c->msg[i].key), free(c->msg[i].agent);
	}
	free(c->msg), free(c->phone), free(c->name), free(c->tier);
	free(c->dept), free(c->agent), free(c->last_person_agent);
	free(c->asked), free(c->routes), free(c->last);
	free(c);
}

void
wa_inbox_free(struct wa_inbox *ib)
{
	size_t i;

	if (ib == NULL)
		return;
	for (i = 0; i < ib->n; i++)
		wa_conv_free(ib->conv[i]);
	free(ib->conv);
	wa_hash_free(ib->byid), wa_hash_free(ib->byphone);
	wa_hash_free(ib->custs), wa_hash_free(ib->custids);
	json_decref(ib->custlist);
	wa_window_free(ib->win);
	wa_snap_free(ib);
	free(ib);
}
