/*
 * convkpi.c: the inbox's conversations as figures, by agent or by tier.
 * A conversation's clock starts at its customer's first message: the
 * first response is the first reply by a person (wa-inbox reply), the
 * resolution the close. It was handled by the bot alone when no person
 * replied, none was assigned and it was never handed off. Its service
 * target is its tier's (--sla); it is met when a person replied within it,
 * missed when one replied later or none has and the target passed. CSAT
 * is the SCORE answers to the survey its close sent (close --survey).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"
#include "send.h"
#include "inbox.h"
#include "report.h"

#define KPISLA (15 * 60)	/* the KPI sheet's median response, for agents and all */

struct times {
	long long *s;
	size_t n, cap;
};
struct group {
	struct wa_convkpi k;
	struct times first, resol;
};
struct run {
	struct wa_hash *byname;	/* group name -> struct group */
	struct group **g;
	size_t n, cap;
	struct wa_hash *scores;	/* a survey's wamid -> its answer, 1-5 (as a pointer) */
};

static void
addtime(struct times *t, long long s)
{
	t->s = wa_grow(t->s, &t->cap, t->n, sizeof *t->s);
	t->s[t->n++] = s;
}

static int
bysecs(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentiles P50 and P90 of T; -1 for none. */
static void
ranks(struct times *t, long long *p50, long long *p90)
{
	*p50 = *p90 = -1;
	if (t->n == 0)
		return;
	qsort(t->s, t->n, sizeof *t->s, bysecs);
	*p50 = t->s[(t->n + 1) / 2 - 1];
	*p90 = t->s[(t->n * 9 + 9) / 10 - 1];
}

static struct group *
group(struct run *r, const char *name, long long target)
{
	struct group *g = wa_hash_get(r->byname, name);

	if (g == NULL) {
		g = wa_calloc(1, sizeof *g);
		g->k.group = wa_strdup(name);
		g->k.target = target;
		wa_hash_put(r->byname, name, g);
		r->g = wa_grow(r->g, &r->cap, r->n, sizeof *r->g);
		r->g[r->n++] = g;
	}
	return g;
}

/* The survey answers of the spool: SCORE buttons, by the wamid they answer. */
static void
scores(struct run *r, const char *spool)
{
	char *line = NULL;
	size_t cap = 0;
	json_t *o;
	FILE *fp;
	int s;

	if ((fp = wa_state_read(spool)) == NULL)
		return;
	while (getline(&line, &cap, fp) > 0) {
		if (strstr(line, "SCORE:") == NULL || (o = json_loads(line, 0, NULL)) == NULL)
			continue;
		s = wa_survey_payload(wa_json_nestr(o, "payload"));
		if (s >= 1 && s <= 5 && wa_json_nestr(o, "context"))
			wa_hash_put(r->scores, wa_json_str(o, "context"), (void *)(intptr_t)s);
		json_decref(o);
	}
	free(line);
	fclose(fp);
}

/* Is C only answers to surveys, which open a conversation of their own after the close? */
static int
answersonly(struct run *r, const struct wa_conv *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->nmsg; i++)
		if (c->msg[i].dir == '<' && (n++, c->msg[i].context == NULL ||
		    wa_hash_get(r->scores, c->msg[i].context) == NULL))
			return 0;
	return n > 0;
}

/* C's figures into G and ALL. */
static void
count(struct run *r, const struct wa_conv *c, const struct wa_sla *sla,
    time_t now, struct group **gs)
{
	static const char pre[] = WA_INBOX_CAMPAIGN "/", sv[] = WA_INBOX_CAMPAIGN "-survey/";
	time_t in = 0, first = 0;
	long long target = wa_sla_for(sla, c->tier);
	intptr_t score = 0;
	size_t i, j;

	for (i = 0; i < c->nmsg; i++) {
		const struct wa_tmsg *m = &c->msg[i];

		if (m->dir == '<' && in == 0)
			in = m->at;
		if (m->dir == '>' && m->key && strncmp(m->key, pre, sizeof pre - 1) == 0 &&
		    first == 0 && m->state != WA_LEDGER_FAILED && m->state != WA_LEDGER_RETRY)
			first = m->at;
		if (m->dir == '>' && m->key && m->wamid && strncmp(m->key, sv, sizeof sv - 1) == 0)
			score = (intptr_t)wa_hash_get(r->scores, m->wamid);
	}
	for (j = 0; j < 2; j++) {
		struct wa_convkpi *k = &gs[j]->k;
		int person = first || c->handed || c->agent;

		k->convs++;
		person ? k->handed_off++ : k->bot_only++;
		if (in && first)
			addtime(&gs[j]->first, first > in ? first - in : 0);
		if (c->closed && (in || c->opened))
			addtime(&gs[j]->resol, c->closed - (in ? in : c->opened));
		if (person && in && (first || now > in + target)) {
			k->sla_n++;
			k->sla_met += first && first - in <= target;
		}
		if (score)
			wa_survey_add(&k->survey, (int)score, 5);
	}
}

/* The group of C: its agent, else who replied, else the bot or nobody yet. */
static const char *
agentof(const struct wa_conv *c)
{
	if (c->agent)
		return c->agent;
	if (c->last_person_agent)
		return c->last_person_agent;
	return c->handed ? "(unassigned)" : "(bot)";
}

static int
byname(const void *a, const void *b)
{
	return strcmp((*(struct group *const *)a)->k.group, (*(struct group *const *)b)->k.group);
}

struct wa_convkpi *
wa_convkpis(struct wa_inbox *ib, const struct wa_sla *sla, int bytier,
    const char *spool, time_t since, time_t until, time_t now, size_t *n)
{
	struct run r = { wa_hash_new(), NULL, 0, 0, wa_hash_new() };
	struct group *gs[2], *all = wa_calloc(1, sizeof *all);
	struct wa_convkpi *k;
	size_t i;

	scores(&r, spool);
	all->k.group = wa_strdup("all");
	all->k.target = KPISLA;
	for (i = 0; i < ib->n; i++) {
		struct wa_conv *c = ib->conv[i];

		/* a thread is read only in the period: a year's are a hundred megabytes */
		if (c->opened < since || (until && c->opened >= until))
			continue;
		wa_conv_thread(ib, c);
		if (answersonly(&r, c))
			continue;
		gs[0] = bytier ? group(&r, c->tier ? c->tier : "-", wa_sla_for(sla, c->tier)) :
		    group(&r, agentof(c), KPISLA);
		gs[1] = all;
		count(&r, c, sla, now, gs);
	}
	qsort(r.g, r.n, sizeof *r.g, byname);
	r.g = wa_grow(r.g, &r.cap, r.n, sizeof *r.g);
	r.g[r.n++] = all;
	k = wa_calloc(r.n, sizeof *k);
	for (i = 0; i < r.n; i++) {
		k[i] = r.g[i]->k;
		ranks(&r.g[i]->first, &k[i].first_p50, &k[i].first_p90);
		ranks(&r.g[i]->resol, &k[i].resol_p50, &k[i].resol_p90);
		free(r.g[i]->first.s), free(r.g[i]->resol.s);
		free(r.g[i]);
	}
	*n = r.n;
	free(r.g);
	wa_hash_free(r.byname), wa_hash_free(r.scores);
	return k;
}

#define CF(name, field, kind) { name, offsetof(struct wa_convkpi, field), kind, 0 }
static const struct wa_kfield convfields[] = {
	CF("conversations", convs, WA_KF_COUNT),
	CF("bot_only", bot_only, WA_KF_COUNT),
	CF("handed_off", handed_off, WA_KF_COUNT),
	CF("first_response_p50_s", first_p50, WA_KF_SECS),
	CF("first_response_p90_s", first_p90, WA_KF_SECS),
	CF("resolution_p50_s", resol_p50, WA_KF_SECS),
	CF("resolution_p90_s", resol_p90, WA_KF_SECS),
	CF("sla_target_s", target, WA_KF_SECS),
	CF("sla_met", sla_met, WA_KF_COUNT),
};

json_t *
wa_convkpi_json(const struct wa_convkpi *k, json_t *o)
{
	double csat = wa_survey_csat(&k->survey);

	if (o == NULL) {
		o = json_object();
		json_object_set_new(o, "group", json_string(k->group));
	}
	wa_kpi_setfields(o, k, convfields, sizeof convfields / sizeof *convfields);
	json_object_set_new(o, "sla_met_rate", k->sla_n ?
	    json_real((double)k->sla_met / (double)k->sla_n) : json_null());
	/* a row of -b tier may have counted the same answers as a campaign's survey */
	if (json_object_get(o, "csat") == NULL) {
		json_object_set_new(o, "csat", csat == csat ? json_real(csat) : json_null());
		json_object_set_new(o, "csat_answers", json_integer(k->survey.n5));
	}
	return o;
}

void
wa_convkpis_free(struct wa_convkpi *k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(k[i].group);
	free(k);
}

json_t *
wa_convkpi_rows(const struct wa_inbox_paths *p, const struct wa_sla *sla, int bytier,
    json_t *a, time_t since, time_t until, int targets)
{
	struct wa_inbox *ib = wa_inbox_load(p);
	struct wa_convkpi *k;
	json_t *o, *v;
	size_t i, j, n;
	int fresh = a == NULL;

	k = wa_convkpis(ib, sla, bytier, p->events, since, until, wa_now(), &n);
	if (fresh)
		a = json_array();
	for (i = 0; i < n; i++) {
		for (j = 0; (o = json_array_get(a, j)) != NULL; j++)
			if (strcmp(wa_json_str(o, "group"), k[i].group) == 0)
				break;
		if (o == NULL) {	/* a tier no message went to: before "all" */
			o = json_pack("{s:s}", "group", k[i].group);
			json_array_insert_new(a, fresh ? json_array_size(a) :
			    json_array_size(a) - 1, o);
		}
		wa_convkpi_json(&k[i], o);
		v = json_object_get(o, "first_response_p50_s");
		if (targets)
			json_object_set_new(o, "first_response_p50_s_met", json_is_null(v) ?
			    json_null() : json_boolean(json_integer_value(v) <= k[i].target));
	}
	wa_convkpis_free(k, n);
	wa_inbox_free(ib);
	/* -b agent's own rows get the KPIs' marks too */
	for (i = 0; fresh && targets && (o = json_array_get(a, i)) != NULL; i++)
		wa_kpi_addtargets(o);
	return a;
}
