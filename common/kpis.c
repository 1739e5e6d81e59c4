/* kpis.c: the figures of wa-report out of a folded report: groups, refs, arms, store-wide. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "send.h"
#include "report.h"
#include "report-int.h"

/* A set of 64-bit keys, for distinct recipients per group. */
struct set {
	uint64_t *k;
	size_t cap, n;
};

/* Add K; 1 when it was not there. */
static int
setadd(struct set *s, uint64_t k)
{
	size_t i, j;
	uint64_t *old;

	k++;	/* 0 marks an empty slot */
	if ((s->n + 1) * 2 > s->cap) {
		old = s->k;
		j = s->cap;
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->k = wa_calloc(s->cap, sizeof *s->k);
		s->n = 0;
		for (i = 0; i < j; i++)
			if (old[i])
				setadd(s, old[i] - 1);
		free(old);
	}
	for (i = (k * 0x9e3779b97f4a7c15ULL) >> 20 & (s->cap - 1); s->k[i];
	    i = (i + 1) & (s->cap - 1))
		if (s->k[i] == k)
			return 0;
	s->k[i] = k;
	s->n++;
	return 1;
}

/* Count recipient RC once in group G and once in all (the last group) for KIND. */
static int
distinct(struct set *s, int kind, size_t g, size_t all, uint32_t rc, int *inall)
{
	*inall = setadd(s, (uint64_t)kind << 62 | (uint64_t)all << 32 | rc);
	return setadd(s, (uint64_t)kind << 62 | (uint64_t)g << 32 | rc);
}

/* The name of the group of message M in grouping BY, into BUF. */
static const char *
groupname(struct wa_report *r, const struct msg *m, int by, char *buf)
{
	uint32_t tier = r->rc[m->recip].tier;

	switch (by) {
	case WA_BY_CAMPAIGN:
		return r->camps.s[m->camp];
	case WA_BY_TIER:
		return r->tiers.s[tier ? tier : 1];
	case WA_BY_DAY:
	case WA_BY_MONTH:
		wa_time_fmt(m->at, buf);
		buf[by == WA_BY_DAY ? 10 : 7] = '\0';
		return buf;
	case WA_BY_WEEK:
		return wa_time_week(m->at, buf);
	case WA_BY_CHANNEL:
		return m->flags & F_EMAIL ? "email" : "whatsapp";
	}
	return "all";
}

struct gname {
	const char *name;
	uint32_t i;		/* in the order first seen */
};

static int
cmpname(const void *a, const void *b)
{
	return strcmp(((const struct gname *)a)->name,
	    ((const struct gname *)b)->name);
}

struct resp {
	uint32_t g;
	long long s;
};

static int
cmpresp(const void *a, const void *b)
{
	const struct resp *x = a, *y = b;

	if (x->g != y->g)
		return x->g < y->g ? -1 : 1;
	return (x->s > y->s) - (x->s < y->s);
}

/* Nearest-rank percentiles of each group's response times, sorted by group. */
static void
percentiles(struct wa_kpi *k, struct resp *rs, size_t n)
{
	size_t i, j;

	if (n == 0)
		return;	/* RS may be NULL, which qsort(3) must not see */
	qsort(rs, n, sizeof *rs, cmpresp);
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && rs[j].g == rs[i].g; j++)
			;
		k[rs[i].g].nresp = (long)(j - i);
		k[rs[i].g].median_s = rs[i + (j - i + 1) / 2 - 1].s;
		k[rs[i].g].p90_s = rs[i + ((j - i) * 9 + 9) / 10 - 1].s;
	}
}

/* Order act A into K's revenue. */
static void
addrev(struct wa_kpi *k, struct wa_report *r, const struct act *a)
{
	const char *cur = r->curs.s[a->cur];
	size_t i;

	for (i = 0; i < k->nrev && strcmp(k->rev[i].cur, cur) != 0; i++)
		;
	if (i == k->nrev) {
		k->rev = wa_realloc(k->rev, (k->nrev + 1) * sizeof *k->rev);
		memset(&k->rev[k->nrev++], 0, sizeof *k->rev);
		k->rev[i].cur = cur;
	}
	wa_rep_addamount(&k->rev[i], a->amount, a->shopcur ?
	    r->shopcurs.s[a->shopcur] : NULL, a->shopamt);
}

/*
 * Count message M into groups G[0] and G[1] (all). Replies and opt-outs
 * count for delivered messages only, so that their rates stay rates.
 */
static void
count(struct wa_kpi *k, const struct msg *m, const uint32_t *g, struct set *s)
{
	int i, dlv = m->status == ST_DELIVERED || m->status == ST_READ;
	int refused = m->ledger == WA_LEDGER_FAILED || m->ledger == WA_LEDGER_RETRY;
	int new[2] = { 0, 0 };

	/* an e-mail has no delivery status: its recipient counts once the server took it */
	if (dlv || ((m->flags & F_EMAIL) && wa_rep_reached(m)))
		new[0] = distinct(s, 0, g[0], g[1], m->recip, &new[1]);
	for (i = 0; i < 2; i++) {
		if (!wa_rep_wentout(m)) {
			k[g[i]].failed += refused;
			k[g[i]].bounced += (m->flags & F_BOUNCE) != 0;
			continue;
		}
		k[g[i]].sent++;
		k[g[i]].unsubscribed += (m->flags & F_UNSUB) != 0;
		k[g[i]].failed += m->status == ST_FAILED;
		k[g[i]].recips += new[i];
		if (!dlv)
			continue;
		k[g[i]].delivered++;
		k[g[i]].read += m->status == ST_READ;
		k[g[i]].replied += (m->flags & F_REPLIED) != 0;
		k[g[i]].opted_out += (m->flags & F_OPTOUT) != 0;
		/* STOP is WhatsApp's unsubscribe */
		k[g[i]].unsubscribed += (m->flags & (F_OPTOUT | F_EMAIL)) == F_OPTOUT;
	}
}

/*
 * The groups named by NM in name order (days, weeks and months in time
 * order), then "all"; RANK[i] is the place of NM's name i + 1.
 */
static struct wa_kpi *
sorted(const struct names *nm, uint32_t *rank)
{
	struct gname *gn = wa_calloc(nm->n + 1, sizeof *gn);
	struct wa_kpi *k = wa_calloc(nm->n + 1, sizeof *k);
	size_t i;

	for (i = 0; i < nm->n; i++) {
		gn[i].name = nm->s[i + 1];
		gn[i].i = (uint32_t)i;
	}
	qsort(gn, nm->n, sizeof *gn, cmpname);
	gn[nm->n].name = "all";
	for (i = 0; i <= nm->n; i++) {
		if (i < nm->n)
			rank[gn[i].i] = (uint32_t)i;
		k[i].group = wa_strdup(gn[i].name);
		k[i].median_s = k[i].p90_s = k[i].respond_p50 = -1;
	}
	free(gn);
	return k;
}

/* The scale of campaign CAMP's survey, 5 or 10, from --survey or GUESS; 0: none. */
static int
scaleof(struct wa_report *r, uint32_t camp, const unsigned char *guess)
{
	uint32_t sc = wa_rep_get(r->scales, r->camps.s[camp]);

	if (sc > 1)
		return (int)sc - 1;
	if (guess[camp])
		return guess[camp];
	return sc ? 5 : 0;
}

/*
 * The survey figures of each group: the last answer to each message, on
 * its campaign's scale, which --survey tells, else the answers: a 0 or a
 * score over 5 makes it 0-10. An opt-out after a survey's message is a
 * negative answer.
 */
static void
surveys(struct wa_report *r, struct wa_kpi *k, const uint32_t *rank,
    const uint32_t *gof, size_t all)
{
	unsigned char *guess = wa_calloc(r->camps.n + 1, 1);
	signed char *last = wa_malloc(r->nm + 1);
	const struct msg *m;
	const struct act *a;
	size_t i;
	int sc;

	memset(last, -1, r->nm + 1);
	for (i = 0; i < r->na; i++) {
		a = &r->a[i];
		if ((a->kind != A_SCORE && a->kind != A_BARE) || a->msg == 0)
			continue;
		m = &r->m[a->msg - 1];
		last[a->msg - 1] = a->score;
		if (a->score == 0 || a->score > 5)
			guess[m->camp] = 10;
		else if (guess[m->camp] == 0)
			guess[m->camp] = 5;
	}
	for (i = 0; i < r->nm; i++) {
		m = &r->m[i];
		if ((sc = scaleof(r, m->camp, guess)) == 0)
			continue;
		if (last[i] >= 0) {
			wa_survey_add(&k[rank[gof[i]]].survey, last[i], sc);
			wa_survey_add(&k[all].survey, last[i], sc);
		}
		if (m->flags & F_OPTOUT) {
			k[rank[gof[i]]].survey.optouts++;
			k[all].survey.optouts++;
		}
	}
	free(guess);
	free(last);
}

int
wa_report_survey(struct wa_report *r, const char *spec)
{
	char name[256];
	int sc = wa_survey_spec(spec, name, sizeof name);

	if (sc < 0)
		return -1;
	wa_hash_put(r->scales, name, (void *)(uintptr_t)(sc + 1));
	return 0;
}

/*
 * Writers by the source of their first tagged message: those who ordered
 * within the window after it, and what they spent in it.
 */
struct wa_kpi *
wa_report_refs(struct wa_report *r, size_t *np)
{
	uint32_t *rank = wa_calloc(r->refs.n + 1, sizeof *rank), g;
	unsigned char *conv = wa_calloc(r->nrc + 1, 1);
	struct wa_kpi *k = sorted(&r->refs, rank);
	const struct recip *c;
	const struct act *a;
	size_t i, all = r->refs.n;

	for (i = 0; i < r->nrc; i++) {
		c = &r->rc[i];
		if (c->ref && wa_rep_inperiod(r, c->reft)) {
			k[rank[c->ref - 1]].recips++;
			k[all].recips++;
		}
	}
	for (i = 0; i < r->na; i++) {
		a = &r->a[i];
		c = &r->rc[a->recip];
		if (a->kind != A_ORDER || c->ref == 0 || !wa_rep_inperiod(r, c->reft) ||
		    a->t < c->reft || a->t - c->reft > r->o.window)
			continue;
		g = rank[c->ref - 1];
		if (!conv[a->recip]) {
			conv[a->recip] = 1;
			k[g].conversions++;
			k[all].conversions++;
		}
		if (a->cur) {
			addrev(&k[g], r, a);
			addrev(&k[all], r, a);
		}
	}
	free(conv);
	free(rank);
	*np = all + 1;
	return k;
}

/* Order acts by recipient: recipient i's are BY[FIRST[i]..FIRST[i + 1]). */
static uint32_t *
ordersby(struct wa_report *r, uint32_t **first)
{
	uint32_t *f = wa_calloc(r->nrc + 2, sizeof *f), *by, *at;
	size_t i;

	for (i = 0; i < r->na; i++)
		if (r->a[i].kind == A_ORDER)
			f[r->a[i].recip + 2]++;
	for (i = 2; i < r->nrc + 2; i++)
		f[i] += f[i - 1];
	by = wa_calloc(f[r->nrc + 1] + 1, sizeof *by);
	at = f + 1;
	for (i = 0; i < r->na; i++)
		if (r->a[i].kind == A_ORDER)
			by[at[r->a[i].recip]++] = (uint32_t)i;
	*first = f;
	return by;
}

/*
 * Add to arm A the recipient of message M: whether they ordered within
 * the window after it, whatever else reached them, and what they spent
 * then in each currency (0 in most), by Welford's running variance.
 */
static void
armadd(struct wa_report *r, struct wa_arm *a, const struct msg *m,
    const uint32_t *by, const uint32_t *first)
{
	long long *spent = wa_calloc(r->curs.n + 1, sizeof *spent);
	const struct act *o;
	struct wa_arm_rev *v;
	double x, d;
	uint32_t k;
	size_t c;
	int conv = 0, dlv = m->status == ST_DELIVERED || m->status == ST_READ;

	a->n++;
	a->held |= m->ledger == WA_LEDGER_HELD;
	a->delivered += dlv;
	a->read += m->status == ST_READ;
	a->replied += dlv && (m->flags & F_REPLIED);
	for (k = first[m->recip]; k < first[m->recip + 1]; k++) {
		o = &r->a[by[k]];
		if (o->t < m->at || o->t - m->at > r->o.window)
			continue;
		conv = 1;
		spent[o->cur] += o->amount;
		if (o->cur)
			a->rev[o->cur - 1].orders++;
	}
	a->conversions += conv;
	for (c = 1; c <= r->curs.n; c++) {
		v = &a->rev[c - 1];
		x = (double)spent[c] / pow(10, wa_money_exp(v->cur));
		d = x - v->mean;
		v->mean += d / a->n;
		v->m2 += d * (x - v->mean);
	}
	free(spent);
}

static int
cmparm(const void *x, const void *y)
{
	const struct wa_arm *a = x, *b = y;
	int c = strcmp(a->campaign, b->campaign);

	return c ? c : strcmp(a->arm, b->arm);
}

struct wa_arm *
wa_report_arms(struct wa_report *r, const char *camp, size_t *np)
{
	struct names arms = { 0 };
	struct wa_arm *a = NULL;
	const struct msg *m;
	uint32_t *first, *by = ordersby(r, &first), j;
	struct wa_buf b = { 0 };
	size_t i, c, cap = 0, before;

	wa_rep_match(r);
	for (i = 0; i < r->nm; i++) {
		m = &r->m[i];
		if (m->variant <= 1 || !(m->ledger == WA_LEDGER_HELD || wa_rep_wentout(m)) ||
		    (camp && strcmp(r->camps.s[m->camp], camp) != 0))
			continue;
		wa_buf_reset(&b);
		wa_buf_adds(&b, r->camps.s[m->camp]);
		wa_buf_addc(&b, '\037');	/* in no campaign's name */
		wa_buf_adds(&b, r->variants.s[m->variant]);
		before = arms.n;
		j = wa_rep_intern(&arms, wa_buf_str(&b)) - 1;
		if (arms.n > before) {
			a = wa_grow(a, &cap, j, sizeof *a);
			memset(&a[j], 0, sizeof *a);
			a[j].campaign = wa_strdup(r->camps.s[m->camp]);
			a[j].arm = wa_strdup(r->variants.s[m->variant]);
			a[j].rev = wa_calloc(r->curs.n + 1, sizeof *a[j].rev);
			a[j].nrev = r->curs.n;
			for (c = 0; c < r->curs.n; c++)
				a[j].rev[c].cur = r->curs.s[c + 1];
		}
		armadd(r, &a[j], m, by, first);
	}
	wa_buf_free(&b);
	free(by);
	free(first);
	*np = arms.n;
	if (a)
		qsort(a, arms.n, sizeof *a, cmparm);
	wa_rep_names_free(&arms);
	return a;
}

struct wa_kpi *
wa_report_kpis(struct wa_report *r, int by, size_t *np)
{
	struct names groups = { 0 };
	struct wa_kpi *k;
	struct resp *rs = NULL;
	struct set s = { 0 };
	uint32_t *gof, *rank, g[2];
	size_t i, ng, nrs = 0, caprs = 0;
	char buf[WA_TIMEBUF];
	int inall;

	wa_rep_match(r);
	gof = wa_calloc(r->nm, sizeof *gof);
	for (i = 0; i < r->nm; i++)
		gof[i] = wa_rep_intern(&groups, groupname(r, &r->m[i], by, buf)) - 1;
	ng = groups.n;
	rank = wa_calloc(ng + 1, sizeof *rank);
	k = sorted(&groups, rank);
	for (i = 0; i < r->nm; i++) {
		g[0] = rank[gof[i]];
		g[1] = (uint32_t)ng;
		count(k, &r->m[i], g, &s);
		if (r->m[i].waitfrom && wa_rep_wentout(&r->m[i])) {
			rs = wa_grow(rs, &caprs, nrs + 1, sizeof *rs);
			rs[nrs].g = g[0];
			rs[nrs++].s = r->m[i].at - r->m[i].waitfrom;
			rs[nrs].g = g[1];
			rs[nrs++].s = r->m[i].at - r->m[i].waitfrom;
		}
	}
	percentiles(k, rs, nrs);
	for (i = 0; i < r->na; i++) {
		const struct act *a = &r->a[i];

		if (a->kind != A_ORDER || a->msg == 0)
			continue;
		g[0] = rank[gof[a->msg - 1]];
		k[g[0]].conversions += distinct(&s, 1, g[0], ng, a->recip, &inall);
		k[ng].conversions += inall;
		if (a->cur) {
			addrev(&k[g[0]], r, a);
			addrev(&k[ng], r, a);
		}
	}
	surveys(r, k, rank, gof, ng);
	if (by == WA_BY_CHANNEL)
		wa_rep_respond(r, k, rank, gof, ng);
	free(s.k);
	free(rs);
	free(rank);
	free(gof);
	wa_rep_names_free(&groups);
	*np = ng + 1;
	return k;
}

void
wa_report_kpis_free(struct wa_kpi *k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(k[i].group);
		free(k[i].rev);
	}
	free(k);
}

/* Did a message reach buyer B after the first order, before a second one or six months? */
static int
cared(struct wa_report *r, const struct buyer *b)
{
	const struct recip *c;
	time_t end = b->first + SIX_MONTHS;
	const struct msg *m;
	uint32_t k;

	if (b->recip == 0)
		return 0;
	if (b->second && b->second < end)
		end = b->second;
	c = &r->rc[b->recip - 1];
	for (k = wa_rep_after(r, c, b->first); k < c->n; k++) {
		m = &r->m[r->byrecip[c->first + k]];
		if (m->at > end)
			break;
		if (wa_rep_reached(m))
			return 1;
	}
	return 0;
}

void
wa_report_store(struct wa_report *r, struct wa_store_kpi *st)
{
	const struct buyer *b;
	size_t i;
	int w;

	wa_rep_match(r);
	memset(st, 0, sizeof *st);
	st->ncur = r->curs.n;
	st->site = r->site ? r->site + 1 : NULL;
	st->messaged = r->messaged ? r->messaged + 1 : NULL;
	st->others = r->others ? r->others + 1 : NULL;
	for (i = 0; i < r->nb; i++) {
		b = &r->b[i];
		/* First bought in the period, six months ago at least. */
		if (!wa_rep_inperiod(r, b->first) || b->first + SIX_MONTHS > r->o.now)
			continue;
		w = cared(r, b);
		st->cohort[w]++;
		st->repeat[w] += b->second && b->second - b->first <= SIX_MONTHS;
	}
}

void
wa_report_waits(struct wa_report *r, const long long *bound, size_t nb, long *n)
{
	const struct msg *m;
	size_t i, k;

	wa_rep_match(r);
	memset(n, 0, (nb + 1) * sizeof *n);
	for (i = 0; i < r->nm; i++) {
		m = &r->m[i];
		if (m->waitfrom == 0 || !wa_rep_wentout(m))
			continue;
		for (k = 0; k < nb && m->at - m->waitfrom >= bound[k]; k++)
			;
		n[k]++;
	}
}

void
wa_report_free(struct wa_report *r)
{
	if (r == NULL)
		return;
	wa_hash_free(r->bykey);
	wa_hash_free(r->bywamid);
	wa_hash_free(r->byphone);
	wa_hash_free(r->byid);
	wa_hash_free(r->bybuyer);
	wa_hash_free(r->orders);
	wa_hash_free(r->scales);
	wa_hash_free(r->scores);
	wa_rep_names_free(&r->variants);
	wa_rep_names_free(&r->refs);
	free(r->replycamps);
	wa_rep_names_free(&r->camps);
	wa_rep_names_free(&r->tiers);
	wa_rep_names_free(&r->curs);
	wa_rep_names_free(&r->shopcurs);
	free(r->m);
	free(r->rc);
	free(r->byrecip);
	free(r->alias);
	free(r->a);
	free(r->b);
	free(r->site);
	free(r->messaged);
	free(r->others);
	free(r);
}

void
wa_report_arms_free(struct wa_arm *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(a[i].campaign);
		free(a[i].arm);
		free(a[i].rev);
	}
	free(a);
}

int
wa_report_answer(struct wa_report *r, const char *wamid, const char *from,
    time_t t, long long *secs)
{
	uint32_t i = wa_rep_autoreply(r, wamid), rc, k;
	char pk[WA_PHONE_MAX];
	const struct recip *c;
	const struct msg *m;

	*secs = 0;
	if (i && wa_rep_wentout(&r->m[i - 1])) {
		*secs = r->m[i - 1].at > t ? r->m[i - 1].at - t : 0;
		return WA_ANSWER_AUTO;
	}
	if (from == NULL)
		return WA_ANSWER_NONE;
	wa_phone_key(from, pk);
	if ((rc = wa_rep_get(r->byphone, pk)) == 0)
		return WA_ANSWER_NONE;
	c = &r->rc[rc - 1];
	for (k = wa_rep_after(r, c, t); k < c->n; k++) {
		m = &r->m[r->byrecip[c->first + k]];
		if (m->at - t > r->o.replywin)
			break;
		if (wa_rep_reached(m) && !(m->flags & F_AUTO)) {
			*secs = m->at - t;
			return WA_ANSWER_PERSON;
		}
	}
	return WA_ANSWER_NONE;
}
