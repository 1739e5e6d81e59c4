/* table.c: rows of JSON objects as a terminal table, CSV or JSON lines. */
#include <stdlib.h>
#include <string.h>

#include "wa.h"

/* "4m12s": two units at most, for a person. */
static void
human(struct wa_buf *b, long long s)
{
	static const long long unit[] = { 86400, 3600, 60, 1 };
	static const char name[] = "dhms";
	char tmp[32];
	int i, shown = 0;

	for (i = 0; i < 4 && shown < 2; i++) {
		if (s < unit[i] && !(shown || i == 3))
			continue;
		snprintf(tmp, sizeof tmp, shown ? "%02lld%c" : "%lld%c",
		    s / unit[i], name[i]);
		wa_buf_adds(b, tmp);
		s %= unit[i];
		shown++;
	}
}

/* "12.50 EUR, 3 USD" from {"EUR":12.5,"USD":3}. */
static void
moneytext(struct wa_buf *b, json_t *o)
{
	const char *cur;
	char tmp[64];
	json_t *v;

	json_object_foreach(o, cur, v) {
		if (b->len > 0)
			wa_buf_adds(b, ", ");
		snprintf(tmp, sizeof tmp, "%.*f %s", wa_money_exp(cur),
		    json_number_value(v), cur);
		wa_buf_adds(b, tmp);
	}
}

const char *
wa_cell_text(struct wa_buf *b, json_t *v, int kind, int human_)
{
	char tmp[64];

	wa_buf_reset(b);
	if (json_is_string(v))
		wa_buf_adds(b, json_string_value(v));
	else if (v == NULL || json_is_null(v) ||
	    (json_is_object(v) && json_object_size(v) == 0))
		wa_buf_adds(b, human_ ? "-" : "");
	else if (json_is_boolean(v))
		wa_buf_adds(b, json_is_true(v) ? "true" : "false");
	else if (json_is_object(v))
		moneytext(b, v);
	else if (kind == WA_COL_RATE && human_) {
		snprintf(tmp, sizeof tmp, "%.1f%%", 100 * json_number_value(v));
		wa_buf_adds(b, tmp);
	} else if (kind == WA_COL_SECS && human_)
		human(b, json_integer_value(v));
	else if (kind == WA_COL_NUM) {
		snprintf(tmp, sizeof tmp, human_ ? "%.4g" : "%.6g",
		    json_number_value(v));
		wa_buf_adds(b, tmp);
	}
	else if (json_is_integer(v)) {
		snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
		wa_buf_adds(b, tmp);
	} else {
		snprintf(tmp, sizeof tmp, "%.4f", json_number_value(v));
		wa_buf_adds(b, tmp);
	}
	return wa_buf_str(b);
}

const char *
wa_cell(struct wa_buf *b, json_t *o, const struct wa_tcol *c)
{
	json_t *v = json_object_get(o, c->name);

	if ((c->kind & WA_COL_NA) && json_is_null(v)) {
		wa_buf_reset(b);
		wa_buf_adds(b, "n/a");
		return wa_buf_str(b);
	}
	return wa_cell_text(b, v, c->kind & ~(WA_COL_LEFT | WA_COL_NA), 1);
}

const char *
wa_cell_mark(json_t *o, const struct wa_tcol *c)
{
	char name[64];
	json_t *v;

	snprintf(name, sizeof name, "%s_met", c->name);
	if ((v = json_object_get(o, name)) == NULL)
		return NULL;
	return json_is_null(v) ? "" : json_is_true(v) ? " met" : " not met";
}

const char *
wa_col_target(const struct wa_tcols *v, const struct wa_tcol *c)
{
	return v->target ? v->target(c->name) : NULL;
}

/* W wide, in characters, not bytes: campaign names may be in any script. */
static void
pad(const char *s, size_t w, int left, int last)
{
	size_t n = wa_utf8_chars(s);

	if (!left)
		printf("%*s", (int)(w - n), "");
	fputs(s, stdout);
	if (left && !last)
		printf("%*s", (int)(w - n), "");
}

/* The text of every cell of the table, the header row first. */
static char **
tablecells(const struct wa_tcols *v, json_t *a, size_t *w)
{
	size_t i, j, nr = json_array_size(a) + 1, nc = v->n;
	char **t = wa_calloc(nr * nc, sizeof *t);
	struct wa_buf b = { 0 };
	const char *m;

	for (j = 0; j < nc; j++) {
		wa_buf_reset(&b);
		wa_buf_adds(&b, v->col[j].head);
		if ((m = wa_col_target(v, &v->col[j])) != NULL) {
			wa_buf_adds(&b, " ");
			wa_buf_adds(&b, m);
		}
		t[j] = wa_strdup(wa_buf_str(&b));
	}
	for (i = 1; i < nr; i++)
		for (j = 0; j < nc; j++) {
			json_t *o = json_array_get(a, i - 1);

			wa_cell(&b, o, &v->col[j]);
			/* A mark a glance takes in: 91.7% ✗ */
			if ((m = wa_cell_mark(o, &v->col[j])) != NULL && *m)
				wa_buf_adds(&b, strcmp(m, " met") == 0 ?
				    " \u2713" : " \u2717");
			t[i * nc + j] = wa_strdup(wa_buf_str(&b));
		}
	for (j = 0; j < nc; j++)
		for (w[j] = 0, i = 0; i < nr; i++)
			if (wa_utf8_chars(t[i * nc + j]) > w[j])
				w[j] = wa_utf8_chars(t[i * nc + j]);
	wa_buf_free(&b);
	return t;
}

/* S cut to W characters in its middle, "spring-…-2026": S, or a new string for it. */
static char *
midshort(char *s, size_t w)
{
	size_t n = wa_utf8_chars(s), head, skip, i, k;
	char *p = s, *q, *r;

	if (n <= w || w < 3)
		return s;
	head = (w - 1) / 2 + (w - 1) % 2;
	skip = n - (w - 1);
	for (i = 0; i < head; i++)
		while (*++p && (*p & 0xC0) == 0x80)
			;
	for (q = p, k = 0; k < skip; k++)
		while (*++q && (*q & 0xC0) == 0x80)
			;
	r = wa_malloc((size_t)(p - s) + 3 + strlen(q) + 1);
	memcpy(r, s, (size_t)(p - s));
	memcpy(r + (p - s), "\u2026", 3);
	strcpy(r + (p - s) + 3, q);
	free(s);
	return r;
}

/*
 * Within WIDTH characters (0: any), the first column's texts, if they are
 * on the left, shortened in their middle down to 12 characters.
 */
static void
fit(const struct wa_tcols *v, char **t, size_t nr, size_t *w, size_t width)
{
	size_t i, j, total = 0, nc = v->n;

	for (j = 0; j < nc; j++)
		total += w[j] + (j ? 2 : 0);
	if (width == 0 || total <= width || !(v->col[0].kind & WA_COL_LEFT) ||
	    w[0] <= 12)
		return;
	w[0] = total - width >= w[0] - 12 ? 12 : w[0] - (total - width);
	for (i = 0; i < nr; i++)
		t[i * nc] = midshort(t[i * nc], w[0]);
}

void
wa_table_put(const struct wa_tcols *v, json_t *rows)
{
	wa_table_fit(v, rows, 0);
}

void
wa_table_fit(const struct wa_tcols *v, json_t *rows, size_t width)
{
	size_t i, j, nr = json_array_size(rows) + 1, nc = v->n;
	size_t *w = wa_calloc(nc, sizeof *w);
	char **t = tablecells(v, rows, w);

	fit(v, t, nr, w, width);
	for (i = 0; i < nr; i++) {
		for (j = 0; j < nc; j++) {
			if (j > 0)
				fputs("  ", stdout);
			pad(t[i * nc + j], w[j], v->col[j].kind & WA_COL_LEFT,
			    j == nc - 1);
			free(t[i * nc + j]);
		}
		putchar('\n');
	}
	free(t);
	free(w);
}

void
wa_table_list(const struct wa_tcols *v, json_t *o)
{
	struct wa_buf b = { 0 };
	const char *m;
	size_t j;

	for (j = 0; j < v->n; j++) {
		printf("  %-38s %s", v->col[j].head, wa_cell(&b, o, &v->col[j]));
		if ((m = wa_cell_mark(o, &v->col[j])) != NULL &&
		    wa_col_target(v, &v->col[j]) != NULL)
			printf(" (target %s:%s)", wa_col_target(v, &v->col[j]),
			    *m ? m : " -");
		putchar('\n');
	}
	wa_buf_free(&b);
}

void
wa_csv_rows(const char *const *names, size_t n, json_t *rows)
{
	struct wa_buf b = { 0 };
	size_t i, j;
	json_t *o, *v;

	for (j = 0; j < n; j++)
		printf(j ? ",%s" : "%s", names[j]);
	putchar('\n');
	json_array_foreach(rows, i, o) {
		for (j = 0; j < n; j++) {
			if (j > 0)
				putchar(',');
			v = json_object_get(o, names[j]);
			wa_cell_text(&b, v, WA_COL_TEXT, 0);
			/* a number is no formula: -1 stays a number in a spreadsheet */
			if (json_is_number(v))
				fwrite(b.s, 1, b.len, stdout);
			else
				wa_csv_putfield(stdout, b.s ? b.s : "", b.len);
		}
		putchar('\n');
	}
	wa_buf_free(&b);
}

void
wa_json_rows(json_t *rows)
{
	size_t i;

	for (i = 0; i < json_array_size(rows); i++)
		wa_json_put(stdout, json_array_get(rows, i));
}
