/* wa-tag: add and remove customer tags by expression or by rules, nothing else touched. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"

#define MAXFIELDS 64	/* more, and the whole record is parsed */

static struct {
	struct wa_rules *rules;
	time_t now;
	const char **v;		/* the tags of a record, for sorting */
	size_t nv, cap;
	struct wa_buf val, out;
} tg;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wa-tag -a TAG | -d TAG [-e EXPR] [--now TIME] [--rejects FILE] [FILE...]\n"
	    "       wa-tag -r RULES [--now TIME] [--rejects FILE] [FILE...]\n");
	exit(status);
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Is T missing, null or an array of strings? */
static int
tagsok(json_t *t)
{
	size_t i;

	if (t == NULL || json_is_null(t))
		return 1;
	if (!json_is_array(t))
		return 0;
	for (i = 0; i < json_array_size(t); i++)
		if (!json_is_string(json_array_get(t, i)))
			return 0;
	return 1;
}

static int
has(json_t *a, const char *tag)
{
	size_t i;

	for (i = 0; i < json_array_size(a); i++)
		if (strcmp(json_string_value(json_array_get(a, i)), tag) == 0)
			return 1;
	return 0;
}

/* Apply the rules to OBJ's tags; 1 when they changed. */
static int
apply(json_t *obj)
{
	json_t *a = json_object_get(obj, "tags");
	struct wa_rule *r;
	size_t i, j;
	int dirty = 0;

	for (i = 0; i < tg.rules->n; i++) {
		r = &tg.rules->r[i];
		if (!wa_rules_test(r, obj, tg.now))
			continue;
		if (r->op == '+' && !(json_is_array(a) && has(a, r->name))) {
			if (!json_is_array(a)) {
				a = json_array();
				json_object_set_new(obj, "tags", a);
			}
			json_array_append_new(a, json_string(r->name));
			dirty = 1;
		} else if (r->op == '-' && json_is_array(a)) {
			for (j = json_array_size(a); j-- > 0; )
				if (strcmp(json_string_value(json_array_get(a, j)),
				    r->name) == 0) {
					json_array_remove(a, j);
					dirty = 1;
				}
		}
	}
	return dirty;
}

/* The tags A sorted and unique into tg.v; 1 when A was not already so. */
static int
sortuniq(json_t *a)
{
	size_t i, n = json_array_size(a), k = 0;
	int moved = 0;

	if (n > tg.cap) {
		tg.cap = n * 2;
		tg.v = wa_realloc(tg.v, tg.cap * sizeof *tg.v);
	}
	for (i = 0; i < n; i++)
		tg.v[i] = json_string_value(json_array_get(a, i));
	for (i = 1; i < n && !moved; i++)
		moved = strcmp(tg.v[i - 1], tg.v[i]) >= 0;
	if (moved) {
		qsort(tg.v, n, sizeof *tg.v, cmp);
		for (i = 0; i < n; i++)
			if (k == 0 || strcmp(tg.v[k - 1], tg.v[i]) != 0)
				tg.v[k++] = tg.v[i];
		n = k;
	}
	tg.nv = n;
	return moved;
}

/* Append S as a JSON string. */
static void
putstr(struct wa_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c;

	wa_buf_addc(b, '"');
	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (c == '"' || c == '\\') {
			wa_buf_addc(b, '\\');
			wa_buf_addc(b, (char)c);
		} else if (c == '\n')
			wa_buf_adds(b, "\\n");
		else if (c == '\t')
			wa_buf_adds(b, "\\t");
		else if (c == '\r')
			wa_buf_adds(b, "\\r");
		else if (c < 0x20) {
			wa_buf_adds(b, "\\u00");
			wa_buf_addc(b, hex[c >> 4]);
			wa_buf_addc(b, hex[c & 15]);
		} else
			wa_buf_addc(b, (char)c);
	}
	wa_buf_addc(b, '"');
}

static int
onrecord(struct wa_rec *r, void *ctx)
{
	json_t *obj = wa_rec_obj(r);
	json_t *a, *na;
	size_t i;
	int dirty;

	/* A CSV "tags" cell is Shopify's comma list: make it the array it means. */
	if (r->fmt == WA_FMT_CSV && json_is_string(a = json_object_get(obj, "tags"))) {
		na = json_array();
		wa_tags_add(na, json_string_value(a));
		json_object_set_new(obj, "tags", na);
	}

	if (!tagsok(json_object_get(obj, "tags"))) {
		wa_recwarn(r, "tags is not an array of strings; left as it is");
		fwrite(r->raw, 1, r->rawlen, stdout);
		putchar('\n');
		goto done;
	}
	dirty = apply(obj);
	a = json_object_get(obj, "tags");
	if (json_is_array(a) && sortuniq(a))
		dirty = 1;
	if (r->fmt == WA_FMT_CSV) {
		if (json_is_array(a)) {
			na = json_array();
			for (i = 0; i < tg.nv; i++)
				json_array_append_new(na, json_string(tg.v[i]));
			json_object_set_new(obj, "tags", na);
		}
		wa_json_put(stdout, obj);
		goto done;
	}
	if (!dirty) {
		fwrite(r->raw, 1, r->rawlen, stdout);
		putchar('\n');
		goto done;
	}
	wa_buf_reset(&tg.val);
	wa_buf_addc(&tg.val, '[');
	for (i = 0; i < tg.nv; i++) {
		if (i > 0)
			wa_buf_addc(&tg.val, ',');
		putstr(&tg.val, tg.v[i]);
	}
	wa_buf_addc(&tg.val, ']');
	wa_rules_splice(&tg.out, r->raw, r->rawlen, "tags", tg.val.s, tg.val.len);
	wa_buf_addc(&tg.out, '\n');
	fwrite(tg.out.s, 1, tg.out.len, stdout);
done:
	wa_rec_end(obj);
	return 0;
}

/* The one rule of -a or -d. */
static struct wa_rules *
onerule(int op, const char *tag, const char *expr)
{
	struct wa_rules *rs = wa_calloc(1, sizeof *rs);
	struct wa_rule *r;

	if (*tag == '\0')
		wa_die(WA_EXIT_USAGE, "-%c: the tag is empty", op == '+' ? 'a' : 'd');
	if (wa_utf8_valid(tag, strlen(tag)) != strlen(tag))
		wa_die(WA_EXIT_USAGE, "-%c: the tag is not UTF-8", op == '+' ? 'a' : 'd');
	rs->r = r = wa_calloc(1, sizeof *r);
	rs->n = 1;
	r->op = op;
	r->name = wa_strdup(tag);
	r->src = wa_strdup(expr ? expr : "true");
	r->file = wa_strdup("-e");
	r->e = expr ? wa_rules_expr(expr, "-e") : NULL;
	return rs;
}

int
main(int argc, char **argv)
{
	enum { OPT_NOW = 256, OPT_REJECTS };
	static const struct option longs[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "rejects", required_argument, NULL, OPT_REJECTS },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *fields[MAXFIELDS];
	const char *tag = NULL, *expr = NULL, *rulesfile = NULL, *rejects = NULL;
	size_t nf;
	struct wa_input *in;
	int ch, op = 0, status;

	wa_init(&argc, &argv);
	while ((ch = getopt_long(argc, argv, "a:d:e:hr:V", longs, NULL)) != -1) {
		switch (ch) {
		case 'a':
		case 'd':
			if (op)
				wa_die(WA_EXIT_USAGE, "give one -a TAG or -d TAG");
			op = ch == 'a' ? '+' : '-';
			tag = optarg;
			break;
		case 'e': expr = optarg; break;
		case 'h': usage(0); break;
		case OPT_NOW: wa_opt_now(optarg); break;
		case 'r': rulesfile = optarg; break;
		case OPT_REJECTS: rejects = optarg; break;
		case 'V': wa_version(); break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	if ((op != 0) == (rulesfile != NULL))
		usage(WA_EXIT_USAGE);
	if (rulesfile && strcmp(rulesfile, "-") == 0 &&
	    wa_input_stdin(argc - optind, argv + optind))
		wa_die(WA_EXIT_USAGE, "-r -: the standard input cannot hold both "
		    "the rules and the records");
	if (expr && rulesfile)
		wa_die(WA_EXIT_USAGE, "-e goes with -a or -d, not with -r");
	tg.rules = rulesfile ? wa_rules_load(rulesfile, WA_RULES_TAGS) :
	    onerule(op, tag, expr);
	tg.now = wa_now();
	in = wa_input_new(WA_FMT_AUTO);
	fields[0] = "tags";
	if ((nf = wa_rules_fields(tg.rules, fields + 1, MAXFIELDS - 1)) < MAXFIELDS)
		wa_input_fields(in, fields, nf + 1);
	if (rejects)
		wa_input_rejects(in, rejects);
	wa_input_run(in, argc - optind, argv + optind, onrecord, NULL);
	wa_rules_report(tg.rules);
	wa_input_free(in);
	status = wa_finish();
	wa_rules_free(tg.rules);
	free(tg.v);
	wa_buf_free(&tg.val);
	wa_buf_free(&tg.out);
	return status;
}
