/*
 * warns.c: warnings about records, each of a kind: said at once, summed up
 * by kind at the end, or both, and each one logged as a JSON line.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"

#define NEG 3		/* examples kept of each kind */
#define EGLEN 40	/* bytes of a value an example shows */

/*
 * What a run keeps of a kind: a count and its first few, so that memory
 * does not grow with the number of warnings, only with the kinds.
 */
struct kind {
	const struct wa_wkind *k;
	long long n;
	struct {
		char *file;
		long line;
		char *value;	/* as shown: cut short, on one line; or NULL */
	} eg[NEG];
	char *first;		/* the first warning in full, said alone when it is the only one */
};

static struct {
	int mode;
	FILE *log;		/* --warnings, or NULL */
	struct kind *kinds;
	size_t n, cap;
} w = { .mode = WA_WARNS_EACH };

void
wa_warns_mode(int mode)
{
	w.mode = mode;
}

void
wa_warns_log(const char *path)
{
	/* the values are phone numbers and e-mails: for our eyes only */
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

	if (fd < 0 || (w.log = fdopen(fd, "a")) == NULL)
		wa_die(WA_EXIT_FATAL, "cannot open warnings file '%s':", path);
}

/* S as an example: no longer than EGLEN bytes of whole characters, on one line. */
static char *
egvalue(const char *s)
{
	size_t n = strlen(s), cut = n > EGLEN ? wa_utf8_valid(s, EGLEN) : n, i;
	char *v = wa_malloc(cut + 4);

	for (i = 0; i < cut; i++)
		v[i] = (unsigned char)s[i] < 0x20 ? ' ' : s[i];
	strcpy(v + cut, cut < n ? "..." : "");
	return v;
}

static struct kind *
findkind(const struct wa_wkind *k)
{
	size_t i;

	for (i = 0; i < w.n; i++)
		if (w.kinds[i].k == k)
			return &w.kinds[i];
	w.kinds = wa_grow(w.kinds, &w.cap, w.n, sizeof *w.kinds);
	memset(&w.kinds[w.n], 0, sizeof *w.kinds);
	w.kinds[w.n].k = k;
	return &w.kinds[w.n++];
}

static void
keep(struct wa_rec *r, const struct wa_wkind *k, const char *value,
    const char *msg)
{
	struct kind *kd = findkind(k);

	if (kd->n < NEG) {
		kd->eg[kd->n].file = wa_strdup(r->file);
		kd->eg[kd->n].line = r->line;
		kd->eg[kd->n].value = value ? egvalue(value) : NULL;
	}
	if (kd->n == 0)
		kd->first = wa_strdup(msg);
	kd->n++;
}

/* A JSON string of the valid UTF-8 head of S: a cell may hold anything. */
static json_t *
jstr(const char *s)
{
	return s ? json_stringn(s, wa_utf8_valid(s, strlen(s))) : json_null();
}

static void
logline(struct wa_rec *r, const struct wa_wkind *k, const char *value,
    const char *msg)
{
	json_t *o = json_object();

	json_object_set_new(o, "file", jstr(r->file));
	json_object_set_new(o, "line", json_integer(r->line));
	json_object_set_new(o, "kind", json_string(k->name));
	json_object_set_new(o, "value", jstr(value));
	json_object_set_new(o, "message", jstr(msg));
	if (json_dumpf(o, w.log, JSON_COMPACT) < 0 || fputc('\n', w.log) == EOF)
		wa_die(WA_EXIT_FATAL, "cannot write warnings file:");
	json_decref(o);
}

void
wa_kwarn(struct wa_rec *r, const struct wa_wkind *k, const char *value,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (w.mode & WA_WARNS_EACH)
		wa_warnat(r->file, r->line, "%s", msg);
	if (w.mode & WA_WARNS_SUM)
		keep(r, k, value, msg);
	if (w.log)
		logline(r, k, value, msg);
}

/* "N phones kept as phone_raw (...), e.g. a.csv:3 '2375', a.csv:9 '12'" */
static void
sumline(const struct kind *kd)
{
	struct wa_buf b = { 0 };
	char num[WA_COUNTBUF];
	long long i;

	wa_buf_adds(&b, wa_fmtcount(kd->n, num));
	wa_buf_addc(&b, ' ');
	wa_buf_adds(&b, kd->k->summary);
	for (i = 0; i < kd->n && i < NEG; i++) {
		wa_buf_adds(&b, i ? ", " : ", e.g. ");
		wa_buf_adds(&b, kd->eg[i].file);
		snprintf(num, sizeof num, ":%ld", kd->eg[i].line);
		if (kd->eg[i].line > 0)
			wa_buf_adds(&b, num);
		if (kd->eg[i].value) {
			wa_buf_adds(&b, " '");
			wa_buf_adds(&b, kd->eg[i].value);
			wa_buf_addc(&b, '\'');
		}
	}
	wa_warn("%s", wa_buf_str(&b));
	wa_buf_free(&b);
}

void
wa_warns_end(void)
{
	struct kind *kd;
	size_t i;
	int j;

	for (i = 0; i < w.n; i++) {
		kd = &w.kinds[i];
		/* One alone is said as it was, unless -v said it already. */
		if (kd->n == 1 && !(w.mode & WA_WARNS_EACH))
			wa_warnat(kd->eg[0].file, kd->eg[0].line, "%s", kd->first);
		else
			sumline(kd);
		for (j = 0; j < NEG; j++) {
			free(kd->eg[j].file);
			free(kd->eg[j].value);
		}
		free(kd->first);
	}
	free(w.kinds);
	w.kinds = NULL;
	w.n = w.cap = 0;
	if (w.log && fclose(w.log) != 0)
		wa_die(WA_EXIT_FATAL, "cannot write warnings file:");
	w.log = NULL;
}
