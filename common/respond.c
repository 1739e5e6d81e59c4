/*
 * respond.c: -b channel's customer responses and ratings. A customer's
 * reaction (a WhatsApp message, a STOP, an order, an e-mail's unsubscribe)
 * and the close-survey rating of a conversation they began are each the
 * due of one message: the one quoted, the e-mail of the campaign a ref
 * names (wa-link's button in an e-mail), the e-mail unsubscribed from,
 * else the latest that reached them within the window before.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"
#include "inbox.h"
#include "report.h"
#include "report-int.h"

#define SURVEY WA_INBOX_CAMPAIGN "-survey/"	/* the keys of the close surveys */

uint32_t
wa_rep_refcamp(struct wa_report *r, const char *ref)
{
	uint32_t c = wa_rep_get(r->camps.h, ref);

	/* wa-link(1) suggests --ref email-CAMPAIGN */
	if (c == 0 && strncmp(ref, "email-", 6) == 0)
		c = wa_rep_get(r->camps.h, ref + 6);
	return c;
}

/* The latest e-mail of campaign CAMP that reached recipient RC within the window before T. */
static const struct msg *
email(struct wa_report *r, uint32_t rc, uint32_t camp, time_t t)
{
	const struct recip *c = &r->rc[rc];
	uint32_t k = wa_rep_after(r, c, t);
	const struct msg *m;

	while (k-- > 0) {
		m = &r->m[r->byrecip[c->first + k]];
		if (t - m->at > r->o.window)
			break;
		if ((m->flags & F_EMAIL) && m->camp == camp && wa_rep_reached(m))
			return m;
	}
	return NULL;
}

/* The message act A is the due of, or NULL. */
static const struct msg *
dueto(struct wa_report *r, const struct act *a)
{
	const struct msg *m = NULL;

	if (a->kind != A_ORDER && a->msg)
		return &r->m[a->msg - 1];
	if (a->kind == A_ORDER)
		return a->msg ? &r->m[a->msg - 1] : NULL;
	if (a->camp)
		m = email(r, a->recip, a->camp, a->t);
	return m ? m : wa_rep_latest(r, a->recip, a->t, r->o.window);
}

struct wait {
	uint32_t g;
	long long s;
};

static int
bywait(const void *a, const void *b)
{
	const struct wait *x = a, *y = b;

	if (x->g != y->g)
		return x->g < y->g ? -1 : 1;
	return (x->s > y->s) - (x->s < y->s);
}

/* The first reaction to each message within the window, in seconds; -1: none. */
static long long *
firsts(struct wa_report *r, struct wa_kpi *k, const uint32_t *rank,
    const uint32_t *gof, size_t all)
{
	long long *first = wa_malloc((r->nm + 1) * sizeof *first), d;
	const struct msg *m;
	const struct act *a;
	size_t i;

	memset(first, -1, (r->nm + 1) * sizeof *first);
	for (i = 0; i < r->na; i++) {
		a = &r->a[i];
		if (a->kind == A_SCORE || a->kind == A_BARE || (m = dueto(r, a)) == NULL)
			continue;
		if (a->kind == A_RATED) {
			k[rank[gof[m - r->m]]].nrated++;
			k[rank[gof[m - r->m]]].sumrated += a->score;
			k[all].nrated++;
			k[all].sumrated += a->score;
			continue;
		}
		d = a->t - m->at;
		if (d >= 0 && d <= r->o.window && (first[m - r->m] < 0 || d < first[m - r->m]))
			first[m - r->m] = d;
	}
	return first;
}

void
wa_rep_respond(struct wa_report *r, struct wa_kpi *k, const uint32_t *rank,
    const uint32_t *gof, size_t all)
{
	long long *first = firsts(r, k, rank, gof, all);
	struct wait *w = wa_calloc(2 * r->nm + 1, sizeof *w);
	size_t i, j, n = 0;

	for (i = 0; i < r->nm; i++) {
		if (!wa_rep_reached(&r->m[i]))
			continue;
		k[rank[gof[i]]].reached++;
		k[all].reached++;
		if (first[i] < 0)
			continue;
		k[rank[gof[i]]].responded++;
		k[all].responded++;
		w[n++] = (struct wait){ rank[gof[i]], first[i] };
		w[n++] = (struct wait){ (uint32_t)all, first[i] };
	}
	qsort(w, n, sizeof *w, bywait);
	/* nearest rank */
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && w[j].g == w[i].g; j++)
			;
		k[w[i].g].respond_p50 = w[i + (j - i + 1) / 2 - 1].s;
	}
	free(w);
	free(first);
}

/* The score the survey of closed conversation C drew, 1-5; 0: none. */
static int
score(struct wa_report *r, const struct wa_conv *c)
{
	intptr_t s = 0;
	size_t i;

	for (i = 0; i < c->nmsg; i++)
		if (c->msg[i].dir == '>' && c->msg[i].key && c->msg[i].wamid &&
		    strncmp(c->msg[i].key, SURVEY, sizeof SURVEY - 1) == 0)
			s = (intptr_t)wa_hash_get(r->scores, c->msg[i].wamid) - 1;
	return s >= 1 && s <= 5 ? (int)s : 0;
}

/* The rating S of C, at the customer's first message, or its opening. */
static void
rated(struct wa_report *r, const struct wa_conv *c, int s)
{
	json_t *cust = wa_conv_cust(c);
	const char *id = cust ? wa_json_nestr(cust, "id") : NULL;
	const struct wa_tmsg *in = NULL;
	char pk[WA_PHONE_MAX], ref[WA_REF_MAX + 1];
	uint32_t rc = 0;
	struct act *a;
	size_t i;

	for (i = 0; i < c->nmsg && in == NULL; i++)
		if (c->msg[i].dir == '<')
			in = &c->msg[i];
	if (c->phone) {
		wa_phone_key(c->phone, pk);
		rc = wa_rep_get(r->byphone, pk);
	}
	if (rc == 0 && id)
		rc = wa_rep_get(r->byid, id);
	if (rc == 0)
		return;	/* no message of ours went to them */
	a = wa_rep_newact(r, A_RATED, rc - 1, in ? in->at : c->opened);
	a->score = (signed char)s;
	if (in && in->context)
		a->msg = wa_rep_get(r->bywamid, in->context);
	if (in && in->text && wa_ref_parse(in->text, ref, sizeof ref) == 0)
		a->camp = wa_rep_refcamp(r, ref);
}

void
wa_report_ratings(struct wa_report *r, const struct wa_inbox_paths *p)
{
	struct wa_inbox *ib = wa_inbox_load(p);
	struct wa_conv *c;
	size_t i;
	int s;

	for (i = 0; i < ib->n; i++) {
		c = ib->conv[i];
		if (c->closed == 0)
			continue;
		wa_conv_thread(ib, c);
		if ((s = score(r, c)) > 0)
			rated(r, c, s);
	}
	wa_inbox_free(ib);
}
