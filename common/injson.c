/* injson.c: the record loop's JSON: JSON lines, or arrays of objects as a REST API sends them. */
#include <string.h>

#include "wa.h"
#include "input-int.h"

static int
blank(const char *p, size_t n)
{
	while (n > 0 && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++, n--;
	return n == 0;
}

/* The time of KEY in P[0..N): 0, -1 when it has none, 1 when it is not plain (read the line). */
static int
rawtime(const char *p, size_t n, const char *key, time_t *t)
{
	char buf[64];
	size_t s, e;

	if (wa_json_span(p, n, key, &s, &e) < 0 || p[s] != '"' || e - s <= 2)
		return -1;
	if (e - s - 2 >= sizeof buf || memchr(p + s, '\\', e - s) != NULL)
		return 1;
	memcpy(buf, p + s + 1, e - s - 2);
	buf[e - s - 2] = '\0';
	return wa_time_parse(buf, WA_DATES_ANY, t) < 0 ? 1 : 0;
}

/* Is P[0..N) dated before the loop's --since (wa_input_since)? */
static int
tooold(const struct wa_input *in, const char *p, size_t n)
{
	time_t t;
	int r = rawtime(p, n, "at", &t);

	if (r < 0)
		r = rawtime(p, n, "created_at", &t);
	return r == 0 && t < in->since;
}

static void
jsonline(struct wa_input *in, const char *p, size_t n, int islong)
{
	struct wa_rec r = { .in = in, .file = in->file, .line = in->lineno,
	    .fmt = WA_FMT_JSON, .raw = p };
	json_error_t err;
	size_t bad, at = 0;

	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	r.rawlen = n;
	if (blank(p, n) || (in->since && !islong && tooold(in, p, n)))
		return;
	in->nread++;
	if (islong) {
		wa_in_reject(in, in->lineno, p, 0, WA_FMT_JSON,
		    "line longer than %d bytes", WA_MAXREC);
		return;
	}
	if ((bad = wa_in_badbyte(p, n)) < n) {
		wa_in_reject(in, in->lineno, p, n, WA_FMT_JSON,
		    "%s at byte %zu", p[bad] ? "invalid UTF-8" : "NUL byte", bad + 1);
		return;
	}
	if (in->fields &&
	    wa_json_pick(p, n, in->fields, in->nfields, in->picked, &at) == 0) {
		r.json = in->picked;
		wa_in_deliver(in, &r);
		return;
	}
	/* A bad record is rare: jansson parses it again to say what is wrong. */
	/* Two readings of one record: {"opt_in":false,"opt_in":true} is no consent. */
	r.json = json_loadb(p, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &err);
	if (r.json == NULL) {
		wa_in_rejectat(in, in->lineno, err.column, p, n, WA_FMT_JSON,
		    "invalid JSON: %s", err.text);
		return;
	}
	if (!json_is_object(r.json) || in->fields) {
		if (in->fields && json_is_object(r.json))
			wa_in_rejectat(in, in->lineno, (int)(at + 1), p, n,
			    WA_FMT_JSON, "invalid JSON");
		else
			wa_in_reject(in, in->lineno, p, n, WA_FMT_JSON,
			    "expected an object");
		json_decref(r.json);
		return;
	}
	wa_in_deliver(in, &r);
	json_decref(r.json);
}

/* Count into *LINE the newlines of P[*I..TO), and move *I to TO. */
static void
lines(const char *p, size_t *i, size_t to, long *line)
{
	for (; *i < to; (*i)++)
		*line += p[*i] == '\n';
}

static size_t
skipws(const char *p, size_t n, size_t i)
{
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	return i;
}

/*
 * A JSON array of objects, or several one after another: a REST API's
 * bodies saved as they came (curl, a page at a time). Each item is a
 * record at the line where it starts. The whole file is held, as an
 * array need not have one newline.
 */
static void
jsonarrays(struct wa_input *in)
{
	const char *p;
	size_t n, i = 0, done = 0, at, s, e;
	long line = 1;

	wa_in_fill(in, (size_t)-1);
	p = in->buf + in->start;
	n = in->end - in->start;
	while (!in->stop && (i = skipws(p, n, i)) < n) {
		lines(p, &done, i, &line);
		if (p[i] != '[') {
			wa_in_reject(in, line, p + i, n - i, WA_FMT_JSON,
			    "expected a JSON array or JSON lines");
			return;
		}
		for (at = i; !in->stop && wa_json_item(p, n, &at, &s, &e) == 0; ) {
			lines(p, &done, s, &line);
			in->lineno = line;
			jsonline(in, p + s, e - s, e - s > WA_MAXREC);
		}
		if ((i = skipws(p, n, at)) < n && p[i] == ',')
			i = skipws(p, n, i + 1);	/* point at the bad item */
		lines(p, &done, i, &line);
		if (in->stop)
			return;
		if (i >= n || p[i] != ']') {
			wa_in_reject(in, line, p + i, n - i, WA_FMT_JSON,
			    "JSON array cut short, or an item is not a value");
			return;
		}
		i++;
	}
}

void
wa_in_jsonfile(struct wa_input *in)
{
	const char *p;
	size_t n;
	int islong;

	if (skipws(in->buf, in->end, in->start) < in->end &&
	    in->buf[skipws(in->buf, in->end, in->start)] == '[') {
		jsonarrays(in);
		return;
	}
	while (!in->stop && wa_in_nextline(in, &p, &n, &islong))
		jsonline(in, p, n, islong);
}
