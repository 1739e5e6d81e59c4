/* inlist.c: wa-inbox list: the conversations a filter keeps, soonest deadline first, as a table or JSON lines. */
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"
#include "inbox.h"

#define LASTW 40	/* characters of the last message in the table */

static const struct wa_tcol cols[] = {
	{ "id", "conversation", WA_COL_TEXT | WA_COL_LEFT },
	{ "name", "customer", WA_COL_TEXT | WA_COL_LEFT },
	{ "tier", "tier", WA_COL_TEXT | WA_COL_LEFT },
	{ "dept", "dept", WA_COL_TEXT | WA_COL_LEFT },
	{ "agent", "agent", WA_COL_TEXT | WA_COL_LEFT },
	{ "state", "state", WA_COL_TEXT | WA_COL_LEFT },
	{ "waited", "waited", WA_COL_SECS },
	{ "sla_due", "sla due", WA_COL_TEXT | WA_COL_LEFT },
	{ "breached", "breached", WA_COL_TEXT | WA_COL_LEFT },
	{ "window_left", "window", WA_COL_SECS },
	{ "last", "last message", WA_COL_TEXT | WA_COL_LEFT },
};

/* The first N characters of S, with "..." when cut. */
static char *
cutw(const char *s, size_t n)
{
	struct wa_buf b = { 0 };
	const char *p = s;
	size_t k = 0;

	while (*p && k < n)
		if (((unsigned char)*p++ & 0xc0) != 0x80)
			k++;
	while (*p && ((unsigned char)*p & 0xc0) == 0x80)
		p++;
	if (*p == '\0')
		return wa_strdup(s);
	wa_buf_add(&b, s, (size_t)(p - s));
	wa_buf_adds(&b, "...");
	return b.s;
}

/* A conversation kept: its deadline (0: none), and for -e its row. */
struct row {
	time_t due;
	json_t *o;
	const struct wa_conv *c;
};

static int
bydue(const void *a, const void *b)
{
	time_t x = ((const struct row *)a)->due, y = ((const struct row *)b)->due;

	if (x == 0 || y == 0)
		return (x == 0) - (y == 0);
	return x < y ? -1 : x > y;
}

/* Does C pass the filters? Its row is made only for -e (E), into *O. */
static int
wanted(const struct wa_inlist *l, const struct wa_conv *c, time_t due, struct wa_rule *e,
    json_t **o)
{
	time_t now = wa_now();

	*o = NULL;
	if (!l->all && c->closed)
		return 0;
	if (l->agent && (c->agent == NULL || strcmp(c->agent, l->agent)))
		return 0;
	if (l->dept && (c->dept == NULL || strcmp(c->dept, l->dept)))
		return 0;
	if (l->breached && !(due && now > due))
		return 0;
	if (e == NULL)
		return 1;
	if (wa_rules_test(e, *o = wa_conv_row(c, l->sla, now), now))
		return 1;
	json_decref(*o);
	*o = NULL;
	return 0;
}

/*
 * The conversations L wants into *OUT, soonest deadline first; their
 * count. The rows are made after, one at a time: a year's 61,000 rows
 * kept for the sort took a fifth of a list's memory.
 */
static size_t
collect(const struct wa_inlist *l, struct wa_inbox *ib, struct wa_rule *e, struct row **out)
{
	struct row *r = wa_calloc(ib->n + 1, sizeof *r);
	size_t i, n = 0;
	time_t due;

	for (i = 0; i < ib->n; i++) {
		due = wa_conv_due(ib->conv[i], l->sla, wa_now());
		if (wanted(l, ib->conv[i], due, e, &r[n].o))
			r[n].due = due, r[n++].c = ib->conv[i];
	}
	qsort(r, n, sizeof *r, bydue);
	*out = r;
	return n;
}

/* Row I of R, made now when -e did not make it. */
static json_t *
rowof(const struct wa_inlist *l, struct row *r)
{
	return r->o ? r->o : wa_conv_row(r->c, l->sla, wa_now());
}

json_t *
wa_inlist_rows(const struct wa_inlist *l, struct wa_inbox *ib, struct wa_rule *e)
{
	json_t *rows = json_array();
	struct row *r;
	size_t i, n = collect(l, ib, e, &r);

	for (i = 0; i < n; i++)
		json_array_append_new(rows, rowof(l, &r[i]));
	free(r);
	return rows;
}

/* JSON lines: each row made, written and let go. */
static void
putlines(const struct wa_inlist *l, struct wa_inbox *ib, struct wa_rule *e)
{
	struct row *r;
	size_t i, n = collect(l, ib, e, &r);
	json_t *o;
	char *s;

	for (i = 0; i < n; i++) {
		s = json_dumps(o = rowof(l, &r[i]), JSON_COMPACT | JSON_REAL_PRECISION(15));
		puts(s);
		free(s);
		json_decref(o);
	}
	free(r);
}

int
wa_inlist_put(const struct wa_inlist *l, struct wa_inbox *ib)
{
	struct wa_tcols v = { cols, sizeof cols / sizeof *cols, NULL };
	struct wa_rule e = { 0 };
	json_t *rows, *o;
	size_t i;
	char *s;

	if (l->expr)
		e.name = "-e", e.src = (char *)l->expr, e.e = wa_rules_expr(l->expr, "-e");
	if (strcmp(l->fmt, "table") != 0) {
		putlines(l, ib, l->expr ? &e : NULL);
		wa_expr_free(e.e);
		return 0;
	}
	rows = wa_inlist_rows(l, ib, l->expr ? &e : NULL);
	json_array_foreach(rows, i, o)
		if (wa_json_str(o, "last")) {
			s = cutw(wa_json_str(o, "last"), LASTW);
			json_object_set_new(o, "last", json_string(s));
			free(s);
		}
	wa_table_put(&v, rows);
	json_decref(rows);
	wa_expr_free(e.e);
	return 0;
}
