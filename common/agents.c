/*
 * agents.c: the people who answer, $WA_HOME/agents: a line an agent, its
 * name then FIELD=VALUE words, so that a field added later (a password
 * hash for a web inbox) is one more word and older lines still read.
 * Who is on duty, by the agent's hours in the agent's zone; who gets a
 * conversation (sticky, else the least loaded of the department); the
 * service deadline counted in working hours.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "inbox.h"

#define WEEK (7 * 86400)
#define DUEMAX (5 * WEEK)	/* a deadline in working hours is sought this far, then wall time */

struct wa_span {
	unsigned days;		/* bit 0 Sunday ... bit 6 Saturday */
	int from, to;		/* minutes of the day; to <= from: past midnight */
};

static const char *const wdays[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

static int
wday(const char *s, size_t n)
{
	int i;

	for (i = 0; i < 7; i++)
		if (n == 3 && strncmp(s, wdays[i], 3) == 0)
			return i;
	return -1;
}

/* "mon", "mon-fri", "sat-sun" or "*" into a set of days; 0 when bad. */
static unsigned
days(const char *s, size_t n)
{
	const char *dash = memchr(s, '-', n);
	unsigned set = 0;
	int a, b;

	if (n == 1 && *s == '*')
		return 0x7f;
	if (dash == NULL)
		return (a = wday(s, n)) < 0 ? 0 : 1u << a;
	if ((a = wday(s, (size_t)(dash - s))) < 0 ||
	    (b = wday(dash + 1, n - (size_t)(dash - s) - 1)) < 0)
		return 0;
	for (;; a = (a + 1) % 7) {
		set |= 1u << a;
		if (a == b)
			return set;
	}
}

static int
hhmm(const char *s, const char **end)
{
	char *e;
	long h, m;

	h = strtol(s, &e, 10);
	if (e == s || *e != ':' || h < 0 || h > 24)
		return -1;
	s = e + 1;
	m = strtol(s, &e, 10);
	if (e != s + 2 || m < 0 || m > 59 || (h == 24 && m))
		return -1;
	*end = e;
	return (int)(h * 60 + m);
}

/* "mon-fri/09:00-17:00,sat/10:00-14:00" into A's spans; -1 when bad. */
static int
hours(struct wa_agent *a, const char *v)
{
	const char *p = v, *slash, *e;
	struct wa_span sp;
	size_t n;

	while (*p) {
		n = strcspn(p, ",");
		if ((slash = memchr(p, '/', n)) == NULL ||
		    (sp.days = days(p, (size_t)(slash - p))) == 0 ||
		    (sp.from = hhmm(slash + 1, &e)) < 0 || *e != '-' ||
		    (sp.to = hhmm(e + 1, &e)) < 0 || e != p + n || sp.from == sp.to)
			return -1;
		a->span = wa_realloc(a->span, (a->nspan + 1) * sizeof *a->span);
		a->span[a->nspan++] = sp;
		p += n + (p[n] == ',');
	}
	return a->nspan ? 0 : -1;
}

static void
depts(struct wa_agent *a, const char *v)
{
	const char *p = v;
	size_t n;

	while (*p) {
		n = strcspn(p, ",");
		if (n) {
			a->dept = wa_realloc(a->dept, (a->ndept + 1) * sizeof *a->dept);
			a->dept[a->ndept++] = wa_strndup(p, n);
		}
		p += n + (p[n] == ',');
	}
}

/* Is the key of word W (up to its '=') K? */
static int
iskey(const char *w, const char *k)
{
	size_t n = strlen(k);

	return strncmp(w, k, n) == 0 && w[n] == '=';
}

/* One FIELD=VALUE word of A; an error message, or NULL. */
static const char *
field(struct wa_agent *a, const char *w)
{
	const char *v = strchr(w, '=');
	char e164[WA_PHONE_MAX];
	struct tm tm;

	if (v == NULL)
		return "want FIELD=VALUE";
	v++;
	if (iskey(w, "dept"))
		depts(a, v);
	else if (iskey(w, "email") && strchr(v, '@') && !strpbrk(v, "<>\r\n"))
		wa_strset(&a->email, v);
	else if (iskey(w, "phone") && wa_phone_norm(v, NULL, e164) == WA_PHONE_OK)
		wa_strset(&a->phone, e164);
	else if (iskey(w, "hours") && hours(a, v) == 0)
		;
	else if (iskey(w, "tz") && wa_tz_local(v, 0, &tm) == 0)
		wa_strset(&a->tz, v);
	else if (iskey(w, "pw"))
		;	/* the web inbox's password hash: passwd.c's */
	else if (iskey(w, "role") && (strcmp(v, "owner") == 0 || strcmp(v, "agent") == 0))
		a->owner = strcmp(v, "owner") == 0;
	else if (!iskey(w, "email") && !iskey(w, "phone") && !iskey(w, "hours") &&
	    !iskey(w, "tz") && !iskey(w, "role"))
		return "unknown field";
	else
		return "bad value";
	return NULL;
}

static void
agentfree(struct wa_agent *a)
{
	size_t i;

	for (i = 0; i < a->ndept; i++)
		free(a->dept[i]);
	free(a->dept), free(a->span);
	free(a->name), free(a->email), free(a->phone), free(a->tz);
}

/* Word W as an error message may show it: a password hash never. */
static const char *
shown(const char *w)
{
	return strncmp(w, "pw=", 3) == 0 ? "pw=..." : w;
}

/* Line LINE (NUL-terminated, no newline) into a new agent of AS; -1 with the message in ERR when bad. */
static int
parseline(struct wa_agents *as, char *line, long lineno, char *err, size_t errsz)
{
	struct wa_agent a = { 0 };
	const char *why = NULL;
	char *w, *save;

	if ((w = strtok_r(line, " \t", &save)) == NULL || *w == '#')
		return 0;
	if (strchr(w, '=') || wa_agents_get(as, w))
		why = strchr(w, '=') ? "want the agent's name first" : "a second line of this agent";
	else
		a.name = wa_strdup(w);
	while (why == NULL && (w = strtok_r(NULL, " \t", &save)) != NULL)
		why = field(&a, w);
	if (why) {
		snprintf(err, errsz, "%s:%ld: %s: %s", as->path, lineno, shown(w), why);
		agentfree(&a);
		return -1;
	}
	as->a = wa_realloc(as->a, (as->n + 1) * sizeof *as->a);
	as->a[as->n++] = a;
	return 0;
}

struct wa_agents *
wa_agents_read(const char *path, char *err, size_t errsz)
{
	struct wa_agents *as;
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	FILE *fp;
	int bad = 0;

	*err = '\0';
	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	as = wa_calloc(1, sizeof *as);
	as->path = wa_strdup(path);
	while (!bad && getline(&line, &cap, fp) > 0) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		bad = parseline(as, line, lineno, err, errsz) < 0;
	}
	bad = bad || ferror(fp);
	free(line);
	fclose(fp);
	if (bad) {
		wa_agents_free(as);
		errno = *err ? EINVAL : EIO;
		return NULL;
	}
	return as;
}

struct wa_agents *
wa_agents_load(const char *path)
{
	char err[512];
	struct wa_agents *as = wa_agents_read(path, err, sizeof err);

	if (as == NULL && *err)
		wa_die(WA_EXIT_USAGE, "%s", err);
	if (as == NULL && errno != ENOENT)
		wa_die(WA_EXIT_FATAL, "%s:", path);
	return as;
}

const struct wa_agent *
wa_agents_get(const struct wa_agents *as, const char *name)
{
	size_t i;

	for (i = 0; as && name && i < as->n; i++)
		if (strcmp(as->a[i].name, name) == 0)
			return &as->a[i];
	return NULL;
}

int
wa_agent_in(const struct wa_agent *a, const char *dept)
{
	size_t i;

	if (a->ndept == 0)
		return 1;
	for (i = 0; i < a->ndept; i++)
		if (strcmp(a->dept[i], "*") == 0 || (dept && strcmp(a->dept[i], dept) == 0))
			return 1;
	return 0;
}

int
wa_agent_on(const struct wa_agent *a, time_t t)
{
	struct tm tm;
	size_t i;
	int m, prev;

	if (a->nspan == 0)
		return 1;
	if (wa_tz_local(a->tz ? a->tz : "UTC", t, &tm) < 0)
		return 0;
	m = tm.tm_hour * 60 + tm.tm_min;
	prev = (tm.tm_wday + 6) % 7;
	for (i = 0; i < a->nspan; i++) {
		const struct wa_span *s = &a->span[i];

		/* a span past midnight ends on the next day: 22:00-06:00 */
		if (s->from < s->to ? (s->days >> tm.tm_wday & 1) && m >= s->from && m < s->to :
		    ((s->days >> tm.tm_wday & 1) && m >= s->from) ||
		    ((s->days >> prev & 1) && m < s->to))
			return 1;
	}
	return 0;
}

time_t
wa_agent_due(const struct wa_agent *a, time_t from, long long secs)
{
	time_t t = from, step;

	if (a == NULL || a->nspan == 0)
		return from + (time_t)secs;
	/* minute by minute: hours change on minutes, and zones on quarter hours */
	while (secs > 0 && t - from < DUEMAX) {
		step = 60 - t % 60;
		if (wa_agent_on(a, t)) {
			if (step > secs)
				step = (time_t)secs;
			secs -= step;
		}
		t += step;
	}
	return t + (time_t)secs;
}

/* The agent of C's customer's previous conversation, or NULL. */
static const char *
lastagent(const struct wa_inbox *ib, const struct wa_conv *c)
{
	size_t i = ib->n;

	/* a person's conversations are in time order: the first met is the latest */
	while (i-- > 0)
		if (ib->conv[i] != c && ib->conv[i]->agent &&
		    wa_phone_same(ib->conv[i]->phone, c->phone))
			return ib->conv[i]->agent;
	return NULL;
}

/*
 * The agent for C: its customer's last agent when on duty, else the
 * on-duty agent of C's department with the fewest open conversations
 * (LOAD, by the file's order), the first in the file on a tie. *WHY says
 * which.
 */
static const struct wa_agent *
pick(const struct wa_agents *as, const struct wa_inbox *ib, const struct wa_conv *c,
    const long *load, time_t now, const char **why)
{
	const struct wa_agent *a = wa_agents_get(as, lastagent(ib, c)), *best = NULL;
	size_t i, bi = 0;

	*why = "sticky";
	if (a && wa_agent_on(a, now))
		return a;
	*why = "load";
	for (i = 0; i < as->n; i++)
		if (wa_agent_in(&as->a[i], c->dept) && wa_agent_on(&as->a[i], now) &&
		    (best == NULL || load[i] < load[bi]))
			best = &as->a[bi = i];
	return best;
}

/*
 * The "assigned" line of C to A, by route, for WHY; given to EMIT, and in
 * C's thread as the next fold would have it, for what this run does next.
 */
static void
assigned(struct wa_inlog *log, struct wa_conv *c, const struct wa_agent *a,
    const char *why, void (*emit)(json_t *, void *), void *arg)
{
	json_t *e = json_object();
	struct wa_tmsg *m;

	json_object_set_new(e, "event", json_string("assigned"));
	json_object_set_new(e, "conv", json_string(c->id));
	json_object_set_new(e, "phone", json_string(c->phone));
	json_object_set(e, "customer", wa_conv_cust(c) && json_object_get(wa_conv_cust(c), "id") ?
	    json_object_get(wa_conv_cust(c), "id") : json_null());
	json_object_set_new(e, "agent", json_string(a->name));
	json_object_set_new(e, "by", json_string("route"));
	json_object_set_new(e, "reason", json_string(why));
	if (wa_inlog_add(log, e) < 0)
		wa_die(WA_EXIT_FATAL, "cannot write the inbox log:");
	emit(e, arg);
	c->msg = wa_realloc(c->msg, (c->nmsg + 1) * sizeof *c->msg);
	c->cap = c->nmsg + 1;
	m = memset(&c->msg[c->nmsg++], 0, sizeof *c->msg);
	m->at = wa_now();
	m->dir = '#';
	m->by = wa_strdup("assigned");
	m->agent = wa_strdup(a->name);
}

long
wa_agents_assign(const struct wa_agents *as, struct wa_inbox *ib, struct wa_inlog *log,
    time_t now, void (*emit)(json_t *, void *), void *arg)
{
	long *load, n = 0;
	const struct wa_agent *a;
	const char *why;
	struct wa_conv *c;
	size_t i, j;

	if (as == NULL || as->n == 0)
		return 0;
	load = wa_calloc(as->n, sizeof *load);
	for (i = 0; i < ib->n; i++)
		for (j = 0; !ib->conv[i]->closed && ib->conv[i]->agent && j < as->n; j++)
			if (strcmp(ib->conv[i]->agent, as->a[j].name) == 0)
				load[j]++;
	for (i = 0; i < ib->n; i++) {
		c = ib->conv[i];
		if (c->closed || c->agent || !c->handed || (a = pick(as, ib, c, load, now, &why)) == NULL)
			continue;
		wa_conv_thread(ib, c);
		wa_strset(&c->agent, a->name);
		load[a - as->a]++;
		assigned(log, c, a, why, emit, arg);
		n++;
	}
	free(load);
	return n;
}

void
wa_agents_free(struct wa_agents *as)
{
	size_t i;

	if (as == NULL)
		return;
	for (i = 0; i < as->n; i++)
		agentfree(&as->a[i]);
	free(as->a), free(as->path);
	free(as);
}
