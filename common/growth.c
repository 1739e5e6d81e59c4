/*
 * growth.c: consent growth (wa-report -b consent): the opt-ins and
 * opt-outs of the consent log per ISO week and source, each source over
 * all weeks, and all of them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "report.h"

struct cell {
	char *week, *source;
	long in, out;
};

struct wa_growth {
	time_t since, until;
	struct wa_hash *ix;	/* "week\x1fsource" -> index + 1 */
	struct cell *c;
	size_t n, cap;
};

struct wa_growth *
wa_growth_new(time_t since, time_t until)
{
	struct wa_growth *g = wa_calloc(1, sizeof *g);

	g->since = since;
	g->until = until;
	g->ix = wa_hash_new();
	return g;
}

static void
count(struct wa_growth *g, const char *week, const char *source, int in)
{
	char *k = wa_strjoin(week, "\x1f", source);
	size_t i = (size_t)(uintptr_t)wa_hash_get(g->ix, k);

	if (i-- == 0) {
		if (g->n == g->cap) {
			g->cap = g->cap ? 2 * g->cap : 16;
			g->c = wa_realloc(g->c, g->cap * sizeof *g->c);
		}
		i = g->n++;
		g->c[i].week = wa_strdup(week);
		g->c[i].source = wa_strdup(source);
		g->c[i].in = g->c[i].out = 0;
		wa_hash_put(g->ix, k, (void *)(uintptr_t)(i + 1));
	}
	free(k);
	if (in)
		g->c[i].in++;
	else
		g->c[i].out++;
}

int
wa_growth_add(struct wa_growth *g, json_t *e, const char **why)
{
	const char *type = wa_json_str(e, "type"), *at = wa_json_str(e, "at");
	const char *src = wa_json_str(e, "source");
	char week[WA_TIMEBUF];
	time_t t;
	int in;

	if (type == NULL || (strcmp(type, "opt_in") && strcmp(type, "opt_out")))
		return *why = "not a consent event: no \"type\" opt_in or opt_out", -1;
	if (at == NULL || wa_time_parse(at, WA_DATES_ANY, &t) < 0)
		return *why = "no time in field 'at'", -1;
	if (t < g->since || (g->until && t >= g->until))
		return 0;
	in = type[4] == 'i';
	src = src && *src ? src : "?";
	wa_time_week(t, week);
	count(g, week, src, in);
	count(g, "all", src, in);
	count(g, "all", "all", in);
	return 0;
}

/* Weeks in time order, "all" after them; in a week, sources by name, "all" last. */
static int
cmpcell(const void *a, const void *b)
{
	const struct cell *x = a, *y = b;
	int c, xa = !strcmp(x->week, "all"), ya = !strcmp(y->week, "all");

	if (xa != ya)
		return xa - ya;
	if ((c = strcmp(x->week, y->week)) != 0)
		return c;
	xa = !strcmp(x->source, "all");
	ya = !strcmp(y->source, "all");
	return xa != ya ? xa - ya : strcmp(x->source, y->source);
}

static json_t *
row(const char *week, const char *source, long in, long out)
{
	return json_pack("{s:s, s:s, s:I, s:I, s:I}", "week", week, "source",
	    source, "opt_in", (json_int_t)in, "opt_out", (json_int_t)out,
	    "net", (json_int_t)(in - out));
}

json_t *
wa_growth_rows(struct wa_growth *g)
{
	json_t *a = json_array();
	size_t i;

	if (g->n)	/* no cells, no array: qsort may not take NULL */
		qsort(g->c, g->n, sizeof *g->c, cmpcell);
	for (i = 0; i < g->n; i++)
		json_array_append_new(a, row(g->c[i].week, g->c[i].source,
		    g->c[i].in, g->c[i].out));
	if (g->n == 0)
		json_array_append_new(a, row("all", "all", 0, 0));
	return a;
}

void
wa_growth_free(struct wa_growth *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->n; i++) {
		free(g->c[i].week);
		free(g->c[i].source);
	}
	free(g->c);
	wa_hash_free(g->ix);
	free(g);
}
