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

/* A row kept: its deadline, and the row, or for JSON lines its text (a tenth of the object's memory). */
struct row {
	char *due;
	json_t *o;
	char *s;
};

static int
bydue(const void *a, const void *b)
{
	const char *x = ((const struct row *)a)->due, *y = ((const struct row *)b)->due;

	if (x == NULL || y == NULL)
		return (x == NULL) - (y == NULL);
	return strcmp(x, y);
}

/* Does row O pass the filters? */
static int
wanted(const struct wa_inlist *l, json_t *o, struct wa_rule *e)
{
	const char *agent = l->agent;

	if (!l->all && strcmp(wa_json_str(o, "state"), "closed") == 0)
		return 0;
	if (agent && (wa_json_str(o, "agent") == NULL || strcmp(wa_json_str(o, "agent"), agent)))
		return 0;
	if (l->dept && (wa_json_str(o, "dept") == NULL || strcmp(wa_json_str(o, "dept"), l->dept)))
		return 0;
	if (l->breached && !json_is_true(json_object_get(o, "breached")))
		return 0;
	return e == NULL || wa_rules_test(e, o, wa_now());
}

/* The rows L wants into *OUT, soonest deadline first, as objects or (TEXT) as JSON text; their count. */
static size_t
collect(const struct wa_inlist *l, struct wa_inbox *ib, struct wa_rule *e, int text,
    struct row **out)
{
	struct row *r = wa_calloc(ib->n + 1, sizeof *r);
	size_t i, n = 0;
	json_t *o;

	for (i = 0; i < ib->n; i++) {
		/* a year's closed conversations are most of them: no row made for them */
		if (!l->all && ib->conv[i]->closed)
			continue;
		if (!wanted(l, o = wa_conv_row(ib->conv[i], l->sla, wa_now()), e)) {
			json_decref(o);
			continue;
		}
		r[n].due = wa_strdup0(wa_json_str(o, "sla_due"));
		if (text) {
			r[n++].s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(15));
			json_decref(o);
		} else
			r[n++].o = o;
	}
	qsort(r, n, sizeof *r, bydue);
	*out = r;
	return n;
}

json_t *
wa_inlist_rows(const struct wa_inlist *l, struct wa_inbox *ib, struct wa_rule *e)
{
	json_t *rows = json_array();
	struct row *r;
	size_t i, n = collect(l, ib, e, 0, &r);

	for (i = 0; i < n; i++) {
		json_array_append_new(rows, r[i].o);
		free(r[i].due);
	}
	free(r);
	return rows;
}

/* JSON lines keep only each row's text while they are sorted: a year's list stays small. */
static void
putlines(const struct wa_inlist *l, struct wa_inbox *ib, struct wa_rule *e)
{
	struct row *r;
	size_t i, n = collect(l, ib, e, 1, &r);

	for (i = 0; i < n; i++) {
		if (r[i].s)
			puts(r[i].s);
		free(r[i].s), free(r[i].due);
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
