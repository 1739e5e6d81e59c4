/*
 * recfold.c: JSON lines folded by type and id, as the journeys fold an
 * order's lines (an export's, then wa-hook's webhooks adding fulfilled_at):
 * a later line's non-null fields over an earlier's, in the order first
 * seen, without "event" and "hook_id". It was a jq reduce over every order
 * of the history, run by every journey, which at a year's 100,000 orders
 * took minutes. Each record is kept as its text, not as a tree: a tree of
 * jansson costs some ten times the text, and a record seen twice is rare,
 * so it alone is parsed again to be merged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"

struct wa_recfold {
	struct wa_hash *byk;	/* "TYPE ID" -> 1 + index into text */
	char **text;		/* each record, compact JSON */
	size_t n, cap;
	long bad;
};

struct wa_recfold *
wa_recfold_new(void)
{
	struct wa_recfold *f = wa_calloc(1, sizeof *f);

	f->byk = wa_hash_new();
	return f;
}

/* V as jq's string interpolation writes it ("\(.id)"), into B. */
static void
keypart(json_t *v, struct wa_buf *b)
{
	char *s;

	if (json_is_string(v))
		wa_buf_add(b, json_string_value(v), json_string_length(v));
	else if ((s = json_dumps(v ? v : json_null(), JSON_ENCODE_ANY | JSON_COMPACT))) {
		wa_buf_add(b, s, strlen(s));
		free(s);
	}
}

/* O's non-null fields over X's (NULL: none), without event and hook_id; the text. */
static char *
merged(json_t *x, json_t *o)
{
	const char *k;
	json_t *v;
	char *s;

	if (x == NULL)
		x = json_object();
	json_object_foreach(o, k, v)
		if (!json_is_null(v))
			json_object_set(x, k, v);
	json_object_del(x, "event");
	json_object_del(x, "hook_id");
	s = json_dumps(x, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(x);
	return s;
}

int
wa_recfold_add(struct wa_recfold *f, const char *line, size_t n)
{
	struct wa_buf k = { 0 };
	json_t *o = json_loadb(line, n, 0, NULL), *x;
	size_t i;

	if (!json_is_object(o)) {
		json_decref(o);
		f->bad++;
		return -1;
	}
	keypart(json_object_get(o, "type"), &k);
	wa_buf_addc(&k, ' ');
	keypart(json_object_get(o, "id"), &k);
	if ((i = (size_t)wa_hash_get(f->byk, wa_buf_str(&k))) == 0) {
		f->text = wa_grow(f->text, &f->cap, f->n, sizeof *f->text);
		f->text[f->n++] = merged(NULL, o);
		wa_hash_put(f->byk, wa_buf_str(&k), (void *)f->n);
	} else {
		x = json_loads(f->text[i - 1], 0, NULL);
		free(f->text[i - 1]);
		f->text[i - 1] = merged(x, o);
	}
	json_decref(o);
	wa_buf_free(&k);
	return 0;
}

void
wa_recfold_text(const struct wa_recfold *f, struct wa_buf *out)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		wa_buf_add(out, f->text[i], strlen(f->text[i]));
		wa_buf_addc(out, '\n');
	}
}

void
wa_recfold_free(struct wa_recfold *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++)
		free(f->text[i]);
	free(f->text);
	wa_hash_free(f->byk);
	free(f);
}
