/* out.c: records to stdout as JSON lines or as CSV with a header row. */
#include <stdlib.h>
#include <string.h>

#include "wa.h"

struct wa_out {
	int fmt;
	char **field;
	size_t n;
	int started;
};

struct wa_out *
wa_out_new(int fmt, const char *fields)
{
	struct wa_out *o = wa_calloc(1, sizeof *o);
	const char *p = fields, *c;

	o->fmt = fmt;
	while (fmt == WA_FMT_CSV && p && *p) {
		c = strchr(p, ',');
		o->field = wa_realloc(o->field, (o->n + 1) * sizeof *o->field);
		o->field[o->n++] = wa_strndup(p, c ? (size_t)(c - p) : strlen(p));
		p = c ? c + 1 : NULL;
	}
	if (fmt == WA_FMT_CSV && o->n == 0)
		wa_die(WA_EXIT_USAGE, "CSV output needs --fields");
	return o;
}

static void
header(struct wa_out *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		if (i > 0)
			putchar(',');
		wa_csv_putfield(stdout, o->field[i], strlen(o->field[i]));
	}
	putchar('\n');
	o->started = 1;
}

void
wa_out_put(struct wa_out *o, json_t *obj)
{
	if (o->fmt != WA_FMT_CSV)
		wa_json_put(stdout, obj);
	else {
		if (!o->started)
			header(o);
		wa_json_putcsv(stdout, obj, o->field, o->n);
	}
	/* A closed pipe or a full disk: no use reading the rest. */
	if (ferror(stdout))
		wa_die(WA_EXIT_FATAL, "error writing output:");
}

void
wa_out_free(struct wa_out *o)
{
	size_t i;

	if (o == NULL)
		return;
	/* Even no records make a CSV file with its header. */
	if (o->fmt == WA_FMT_CSV && !o->started)
		header(o);
	for (i = 0; i < o->n; i++)
		free(o->field[i]);
	free(o->field);
	free(o);
}
