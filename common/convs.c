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

/* String field K of the JSON line L (N bytes) into BUF, unparsed; 0, 1 for an escape in it, -1 for none. */
static int
field(const char *l, size_t n, const char *k, char *buf, size_t size)
{
	size_t s, e;

	if (wa_json_span(l, n, k, &s, &e) < 0 || e - s < 2 || l[s] != '"' || e - s - 2 >= size)
		return -1;
	if (memchr(l + s, '\\', e - s) != NULL)
		return 1;
	memcpy(buf, l + s + 1, e - s - 2);
	buf[e - s - 2] = '\0';
	return 0;
}

/* Has the customer of line L (N bytes) a conversation in IB? -1 when the line must be parsed to tell. */
static int
talks(struct wa_inbox *ib, const char *l, size_t n)
{
	char ph[64], cc[16], e164[WA_PHONE_MAX], pk[WA_PHONE_MAX];
	int r = field(l, n, "phone", ph, sizeof ph), rc = field(l, n, "country", cc, sizeof cc);

	if (r > 0 || rc > 0)
		return -1;
	if (r < 0 || wa_phone_norm(ph, rc == 0 ? cc : NULL, e164) != WA_PHONE_OK)
		return 0;
	wa_phone_key(e164, pk);
	return wa_hash_get(ib->byphone, pk) != NULL;
}

static int
objtalks(struct wa_inbox *ib, json_t *o)
{
	char e164[WA_PHONE_MAX], pk[WA_PHONE_MAX];
	const char *ph = wa_json_str(o, "phone");

	if (ph == NULL || wa_phone_norm(ph, wa_json_str(o, "country"), e164) != WA_PHONE_OK)
		return 0;
	wa_phone_key(e164, pk);
	return wa_hash_get(ib->byphone, pk) != NULL;
}

static void
index1(struct wa_inbox *ib, json_t *o)
{
	char e164[WA_PHONE_MAX], pk[WA_PHONE_MAX], num[32];
	const char *ph, *id;

	json_array_append_new(ib->custlist, o);
	if ((ph = wa_json_str(o, "phone")) && wa_phone_norm(ph,
	    wa_json_str(o, "country"), e164) == WA_PHONE_OK) {
		wa_phone_key(e164, pk);
		wa_hash_put(ib->custs, pk, o);
	}
	if (json_is_integer(json_object_get(o, "id")))
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(json_object_get(o, "id")));
	id = json_is_integer(json_object_get(o, "id")) ? num : wa_json_nestr(o, "id");
	if (id)
		wa_hash_put(ib->custids, id, o);
}

/*
 * The customer file, indexed by same-user key and by id: the records of
 * people with a conversation (a year's store has ten times more people
 * than conversations), or with ALL the others.
 */
static void
customers(struct wa_inbox *ib, const char *path, int all)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	json_t *o;
	FILE *fp;
	int t;

	if (ib->custlist == NULL)
		ib->custlist = json_array();
	if (path == NULL || (fp = fopen(path, "r")) == NULL) {
		if (path && errno != ENOENT)
			wa_die(WA_EXIT_FATAL, "%s:", path);
		return;
	}
	while ((len = getline(&line, &cap, fp)) > 0) {
		if ((t = talks(ib, line, (size_t)len)) == all)
			continue;
		if ((o = json_loadb(line, (size_t)len, 0, NULL)) == NULL || !json_is_object(o) ||
		    (t < 0 && objtalks(ib, o) == all)) {
			json_decref(o);
			continue;
		}
		index1(ib, o);
	}
	free(line);
	fclose(fp);
}

void
wa_inbox_allcust(struct wa_inbox *ib)
{
	if (ib->snap == NULL || ib->snap->allcust)
		return;
	ib->snap->allcust = 1;
	customers(ib, ib->snap->custpath, 1);
}

/* The tier: the record's, else the first of wa-segment --tiers it matches. */
static char *
tier(json_t *cust, struct wa_rules *rs)
{
	size_t i;

	if (cust == NULL)
		return NULL;
	if (wa_json_nestr(cust, "tier"))
		return wa_strdup(wa_json_nestr(cust, "tier"));
	for (i = 0; i < rs->n; i++)
		if (wa_rules_test(&rs->r[i], cust, wa_now()))
			return wa_strdup(rs->r[i].name);
	return NULL;
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
	struct wa_rules *rs = wa_rules_parse(wa_rules_tiers, "--tiers", WA_RULES_SEGMENTS);
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
	ib->snap->custpath = wa_strdup0(p->customers);
	customers(ib, p->customers, 0);
	for (i = 0; i < ib->n; i++) {
		struct wa_conv *c = ib->conv[i];

		wa_phone_key(c->phone, pk);
		c->cust = wa_hash_get(ib->custs, pk);
		c->tier = tier(c->cust, rs);
		if (c->last_in)
			wa_window_note(ib->win, c->phone, c->last_in);
	}
	wa_rules_free(rs);
	return ib;
}

json_t *
wa_inbox_customer(struct wa_inbox *ib, const char *who)
{
	char e164[WA_PHONE_MAX], pk[WA_PHONE_MAX];
	json_t *c;

	if ((c = wa_hash_get(ib->custids, who)) != NULL)
		return c;
	if (wa_phone_norm(who, NULL, e164) == WA_PHONE_OK) {
		wa_phone_key(e164, pk);
		if ((c = wa_hash_get(ib->custs, pk)) != NULL)
			return c;
	}
	if (ib->snap == NULL || ib->snap->allcust)
		return NULL;
	wa_inbox_allcust(ib);
	return wa_inbox_customer(ib, who);
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
	if ((cust = wa_hash_get(ib->custids, who)) != NULL && wa_json_str(cust, "phone"))
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

static char *
fullname(const struct wa_conv *c)
{
	const char *f = wa_json_nestr(c->cust, "first_name");
	const char *l = wa_json_nestr(c->cust, "last_name");

	if (f && l)
		return wa_strjoin(f, " ", l);
	return wa_strdup0(f ? f : l ? l : c->name);
}

json_t *
wa_conv_row(const struct wa_conv *c, const struct wa_sla *s, time_t now)
{
	const char *st = wa_conv_state(c, now);
	int waits = strcmp(st, "waiting") == 0 || strcmp(st, "handed_off") == 0;
	time_t due = waits && c->wait_since ? wa_agent_due(s->working ?
	    wa_agents_get(s->agents, c->agent) : NULL, c->wait_since, wa_sla_for(s, c->tier)) : 0;
	json_t *o = json_object(), *id = c->cust ? json_object_get(c->cust, "id") : NULL;
	long long left = c->last_in ? (long long)(c->last_in + WA_WINDOW - now) : 0;
	char *name = fullname(c);

	json_object_set_new(o, "id", json_string(c->id));
	json_object_set_new(o, "phone", json_string(c->phone));
	json_object_set(o, "customer", id ? id : json_null());
	wa_json_setstr(o, "name", name);
	free(name);
	wa_json_setstr(o, "tier", c->tier);
	json_object_set_new(o, "tags", c->cust && json_object_get(c->cust, "tags") ?
	    json_incref(json_object_get(c->cust, "tags")) : json_array());
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
