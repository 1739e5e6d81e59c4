/*
 * tiermove.c: how customers moved between service tiers over a period.
 *
 * No file keeps a customer's earlier tier: the customer file holds today's
 * totals (orders, spent), and wa-segment --tiers puts the tier on them as
 * of the run. So the tier at a time T is computed again, by the same
 * rules (wa_rules_tiers), from the totals of T: today's, less the orders
 * placed from T on, and the spend of the 365 days before T from the
 * orders. Both ends of the period are computed so, alike, so that a move
 * is what the orders made of it, not a difference of two methods.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"
#include "report.h"

#define YEAR (365 * 86400LL)

struct buy {
	time_t t;
	double amount;		/* the major unit, as the rules read "spent" */
};
struct cust {
	char *id;
	int known;		/* a customer record was read */
	int totals;		/* it had its totals; else the orders' are */
	double orders, spent;	/* its totals today */
	struct buy *b;
	size_t nb, capb;
};
struct wa_tiermoves {
	time_t from, to;
	struct wa_rules *rules;
	struct wa_hash *byid, *orders;	/* orders: ids seen, as wa-hook and wa-import both have them */
	struct cust **c;
	size_t nc, capc;
};

struct wa_tiermoves *
wa_tiermoves_new(time_t from, time_t to)
{
	struct wa_tiermoves *m = wa_calloc(1, sizeof *m);

	m->from = from;
	m->to = to;
	m->rules = wa_rules_parse(wa_rules_tiers, "--tiers", WA_RULES_SEGMENTS);
	m->byid = wa_hash_new();
	m->orders = wa_hash_new();
	return m;
}

static struct cust *
cust(struct wa_tiermoves *m, const char *id)
{
	struct cust *c = wa_hash_get(m->byid, id);

	if (c == NULL) {
		c = wa_calloc(1, sizeof *c);
		c->id = wa_strdup(id);
		wa_hash_put(m->byid, id, c);
		m->c = wa_grow(m->c, &m->capc, m->nc, sizeof *m->c);
		m->c[m->nc++] = c;
	}
	return c;
}

/* A number or a numeric string ("12.50"), as exports give money; 0 for none. */
static double
num(json_t *v)
{
	if (json_is_number(v))
		return json_number_value(v);
	return json_is_string(v) ? strtod(json_string_value(v), NULL) : 0;
}

void
wa_tiermoves_customer(struct wa_tiermoves *m, json_t *c)
{
	const char *id = wa_json_nestr(c, "id");
	struct cust *k;

	if (id == NULL)
		return;
	k = cust(m, id);
	k->known = 1;
	k->totals = json_object_get(c, "orders") != NULL;
	k->orders = num(json_object_get(c, "orders"));
	k->spent = num(json_object_get(c, "spent"));
}

void
wa_tiermoves_order(struct wa_tiermoves *m, json_t *o)
{
	const char *id = wa_json_nestr(o, "id"), *who = wa_json_nestr(o, "customer");
	struct wa_order ord = { 0 };
	struct cust *k;
	time_t t;

	if (who == NULL || wa_json_nestr(o, "created_at") == NULL ||
	    wa_time_parse(wa_json_nestr(o, "created_at"), WA_DATES_ANY, &t) < 0)
		return;
	if (id && wa_hash_get(m->orders, id))
		return;
	if (id)
		wa_hash_put(m->orders, id, (void *)1);
	ord.financial_status = (char *)wa_json_nestr(o, "financial_status");
	ord.cancelled_at = wa_json_nestr(o, "cancelled_at") != NULL;
	if (!wa_order_counts(&ord))
		return;
	k = cust(m, who);
	k->b = wa_grow(k->b, &k->capb, k->nb, sizeof *k->b);
	k->b[k->nb].t = t;
	k->b[k->nb++].amount = num(json_object_get(o, "total"));
}

/*
 * C's tier at T, by the first rule its totals of then meet; NULL: none.
 * Without totals in its record, the orders before T are all it bought.
 */
static const char *
tierat(struct wa_tiermoves *m, const struct cust *c, time_t t)
{
	double n = c->totals ? c->orders : 0, spent = c->totals ? c->spent : 0, s365 = 0;
	json_t *rec;
	size_t i;

	for (i = 0; i < c->nb; i++) {
		if (c->b[i].t >= t && c->totals) {
			n -= 1;
			spent -= c->b[i].amount;
		} else if (c->b[i].t < t && !c->totals) {
			n += 1;
			spent += c->b[i].amount;
		}
		if (c->b[i].t < t && c->b[i].t >= t - YEAR)
			s365 += c->b[i].amount;
	}
	rec = json_pack("{s:f,s:f,s:f}", "orders", n > 0 ? n : 0.0,
	    "spent", spent > 0 ? spent : 0.0, "spent_365d", s365);
	for (i = 0; i < m->rules->n && !wa_rules_test(&m->rules->r[i], rec, t); i++)
		;
	json_decref(rec);
	return i < m->rules->n ? m->rules->r[i].name : NULL;
}

/* Higher is better: the rules' order, none (a small buyer) above the last (no order). */
static double
rank(const struct wa_tiermoves *m, const char *tier)
{
	size_t i;

	for (i = 0; tier && i < m->rules->n; i++)
		if (strcmp(m->rules->r[i].name, tier) == 0)
			return -(double)i;
	return 1.5 - (double)m->rules->n;
}

/* The move FROM to TO in A, a new entry if it is the first. */
static json_t *
move(json_t *a, const char *from, const char *to)
{
	json_t *o;
	size_t i;

	json_array_foreach(a, i, o)
		if (strcmp(wa_json_str(o, "from"), from) == 0 &&
		    strcmp(wa_json_str(o, "to"), to) == 0)
			return o;
	o = json_pack("{s:s,s:s,s:s,s:i,s:[]}", "from", from, "to", to,
	    "way", "up", "customers", 0, "ids");
	json_array_append_new(a, o);
	return o;
}

json_t *
wa_tiermoves_json(struct wa_tiermoves *m)
{
	json_t *a = json_array(), *o, *mv;
	const char *t0, *t1;
	char tb[WA_TIMEBUF];
	long up = 0, down = 0;
	size_t i;

	for (i = 0; i < m->nc; i++) {
		if (!m->c[i]->known)
			continue;
		t0 = tierat(m, m->c[i], m->from);
		t1 = tierat(m, m->c[i], m->to);
		if ((t0 == NULL) == (t1 == NULL) && (t0 == NULL || strcmp(t0, t1) == 0))
			continue;
		mv = move(a, t0 ? t0 : "-", t1 ? t1 : "-");
		if (rank(m, t1) < rank(m, t0))
			json_object_set_new(mv, "way", json_string("down"));
		*(rank(m, t1) > rank(m, t0) ? &up : &down) += 1;
		json_object_set_new(mv, "customers", json_integer(1 +
		    json_integer_value(json_object_get(mv, "customers"))));
		json_array_append_new(json_object_get(mv, "ids"), json_string(m->c[i]->id));
	}
	o = json_pack("{s:s}", "from", wa_time_fmt(m->from, tb));
	json_object_set_new(o, "to", json_string(wa_time_fmt(m->to, tb)));
	json_object_set_new(o, "up", json_integer(up));
	json_object_set_new(o, "down", json_integer(down));
	json_object_set_new(o, "moves", a);
	return o;
}

/* The moves on the page: counts up and down, and a row per move with who. */
void
wa_tiermoves_html(json_t *tm)
{
	json_t *mv, *id;
	size_t i, j;

	printf("<h3>Moves</h3>\n<p class=\"moves\">Between the period's start and "
	    "its end, by the tiers' rules on the orders: <b data-figure=\"tier_up\">%lld"
	    "</b> up, <b data-figure=\"tier_down\">%lld</b> down.</p>\n",
	    (long long)json_integer_value(json_object_get(tm, "up")),
	    (long long)json_integer_value(json_object_get(tm, "down")));
	if (json_array_size(json_object_get(tm, "moves")) == 0)
		return;
	printf("<table class=\"moves\"><thead><tr><th>from</th><th>to</th>"
	    "<th>customers</th><th>who</th></tr></thead><tbody>\n");
	json_array_foreach(json_object_get(tm, "moves"), i, mv) {
		printf("<tr class=\"move %s\"><td>", wa_json_str(mv, "way"));
		wa_html(wa_json_str(mv, "from"));
		printf("</td><td>");
		wa_html(wa_json_str(mv, "to"));
		printf("</td><td>%lld</td><td>",
		    (long long)json_integer_value(json_object_get(mv, "customers")));
		json_array_foreach(json_object_get(mv, "ids"), j, id) {
			if (j == 20) {
				printf(" and %zu more", json_array_size(json_object_get(mv, "ids")) - 20);
				break;
			}
			printf("%s", j ? ", " : "");
			wa_html(json_string_value(id));
		}
		printf("</td></tr>\n");
	}
	printf("</tbody></table>\n");
}

void
wa_tiermoves_free(struct wa_tiermoves *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nc; i++) {
		free(m->c[i]->id);
		free(m->c[i]->b);
		free(m->c[i]);
	}
	free(m->c);
	wa_hash_free(m->byid);
	wa_hash_free(m->orders);
	wa_rules_free(m->rules);
	free(m);
}
