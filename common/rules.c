/* rules.c: rules files of wa-segment and wa-tag, and edits of a record's raw bytes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"

#define ERRSZ 256

/* Report a bad rule at FILE:LINE:COL with the caret under the column; exit 2. */
WA_NORETURN static void
badline(const char *file, long line, const char *text, int col,
    const char *msg)
{
	wa_warnpos(file, line, col, "%s", msg);
	wa_expr_caret(stderr, text, col);
	exit(WA_EXIT_USAGE);
}

/* Characters, not bytes, from S to P: columns count what a person sees. */
static int
chars(const char *s, const char *p)
{
	return (int)wa_utf8_nchars(s, (size_t)(p - s));
}

static int
isname(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Read one rule from LINE (NUL-terminated, no newline) into RS. */
static void
ruleline(struct wa_rules *rs, const char *file, long lineno, char *line,
    int kind)
{
	struct wa_rule r = { 0 };
	char err[ERRSZ];
	size_t i = 0, ns, ne;
	char *colon;
	int col;

	while (line[i] == ' ' || line[i] == '\t')
		i++;
	if (line[i] == '\0' || line[i] == '#')
		return;
	if (kind == WA_RULES_TAGS) {
		if (line[i] != '+' && line[i] != '-')
			badline(file, lineno, line, (int)i + 1,
			    "expected '+tag: EXPR' or '-tag: EXPR'");
		r.op = line[i++];
	}
	if ((colon = strchr(line + i, ':')) == NULL)
		badline(file, lineno, line, (int)strlen(line) + 1,
		    kind == WA_RULES_TAGS ? "expected ':' after the tag" :
		    "expected 'name: EXPR'");
	ns = i;
	while (line[ns] == ' ' || line[ns] == '\t')
		ns++;
	ne = (size_t)(colon - line);
	while (ne > ns && (line[ne - 1] == ' ' || line[ne - 1] == '\t'))
		ne--;
	if (ne == ns)
		badline(file, lineno, line, (int)ns + 1, kind == WA_RULES_TAGS ?
		    "no tag before ':'" : "no segment name before ':'");
	if (kind == WA_RULES_SEGMENTS) {
		if (line[ns] == '-')
			badline(file, lineno, line, (int)ns + 1,
			    "a segment name does not start with '-'");
		for (i = ns; i < ne; i++)
			if (!isname((unsigned char)line[i]))
				badline(file, lineno, line, (int)i + 1,
				    "a segment name is letters, digits, '_' and '-'");
	}
	if ((r.e = wa_expr_parse(colon + 1, err, sizeof err, &col)) == NULL)
		badline(file, lineno, line, chars(line, colon + 1) + col, err);
	r.name = wa_strndup(line + ns, ne - ns);
	r.src = colon + 1;
	while (*r.src == ' ' || *r.src == '\t')
		r.src++;
	r.src = wa_strdup(r.src);
	r.file = wa_strdup(file);
	r.line = lineno;
	rs->r = wa_realloc(rs->r, (rs->n + 1) * sizeof *rs->r);
	rs->r[rs->n++] = r;
}

/* The store playbook's service tiers, first match wins. */
const char wa_rules_tiers[] =
    "platinum: spent_365d >= 1000 && orders >= 4\n"
    "gold: spent_365d >= 300 && orders >= 2\n"
    "silver: orders >= 1 && spent >= 50\n"
    "prospect: orders == 0\n";

struct wa_rules *
wa_rules_parse(const char *text, const char *name, int kind)
{
	struct wa_rules *rs = wa_calloc(1, sizeof *rs);
	const char *p = text, *nl;
	long lineno = 0;
	char *line;
	size_t n;

	for (; *p; p = nl ? nl + 1 : p + n) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		line = wa_strndup(p, n);
		if (n > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';
		if (wa_utf8_valid(line, strlen(line)) != strlen(line))
			badline(name, lineno, "", 1, "not UTF-8");
		ruleline(rs, name, lineno, line, kind);
		free(line);
		if (nl == NULL)
			break;
	}
	if (rs->n == 0)
		wa_die(WA_EXIT_USAGE, "%s: no rules", name);
	return rs;
}

struct wa_rules *
wa_rules_load(const char *path, int kind)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	struct wa_buf b = { 0 };
	struct wa_rules *rs;
	char chunk[4096];
	size_t n;

	if (fp == NULL)
		wa_die(errno == ENOENT ? WA_EXIT_USAGE : WA_EXIT_FATAL,
		    "cannot open rules file '%s':", path);
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		wa_buf_add(&b, chunk, n);
	if (ferror(fp))
		wa_die(WA_EXIT_FATAL, "cannot read rules file '%s':", path);
	if (fp != stdin)
		fclose(fp);
	if (memchr(b.s ? b.s : "", '\0', b.len) != NULL)
		wa_die(WA_EXIT_USAGE, "%s: a NUL byte: not a rules file", path);
	rs = wa_rules_parse(wa_buf_str(&b), path, kind);
	wa_buf_free(&b);
	return rs;
}

void
wa_rules_free(struct wa_rules *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++) {
		if (rs->r[i].e)
			wa_expr_free(rs->r[i].e);
		free(rs->r[i].name);
		free(rs->r[i].src);
		free(rs->r[i].file);
	}
	free(rs->r);
	free(rs);
}

struct wa_expr *
wa_rules_expr(const char *src, const char *opt)
{
	struct wa_expr *e;
	char err[ERRSZ];
	int col;

	if ((e = wa_expr_parse(src, err, sizeof err, &col)) != NULL)
		return e;
	fprintf(stderr, "%s: %s, column %d: %s\n", wa_prog, opt, col, err);
	wa_expr_caret(stderr, src, col);
	exit(WA_EXIT_USAGE);
}

int
wa_rules_test(struct wa_rule *r, json_t *rec, time_t now)
{
	int t;

	if (r->e == NULL)
		return 1;
	if ((t = wa_expr_test(r->e, rec, now)) < 0) {
		r->nproblem++;
		return 0;
	}
	return t;
}

void
wa_rules_report(struct wa_rules *rs)
{
	size_t i;

	for (i = 0; rs && i < rs->n; i++)
		if (rs->r[i].nproblem > 0 && rs->r[i].line > 0)
			wa_warn("%ld record%s had a type problem in %s:%ld: %s",
			    rs->r[i].nproblem, rs->r[i].nproblem == 1 ? "" : "s",
			    rs->r[i].file, rs->r[i].line, rs->r[i].src);
		else if (rs->r[i].nproblem > 0)
			wa_warn("%ld record%s had a type problem in '%s'",
			    rs->r[i].nproblem, rs->r[i].nproblem == 1 ? "" : "s",
			    rs->r[i].src);
}

void
wa_rules_splice(struct wa_buf *out, const char *raw, size_t n,
    const char *key, const char *val, size_t vlen)
{
	size_t s, e, i;

	wa_buf_reset(out);
	if (wa_json_span(raw, n, key, &s, &e) == 0) {
		wa_buf_add(out, raw, s);
		wa_buf_add(out, val, vlen);
		wa_buf_add(out, raw + e, n - e);
		return;
	}
	/* Before the closing brace, after a comma unless the object is empty. */
	for (e = n; e > 0 && raw[e - 1] != '}'; e--)
		;
	if (e == 0) {
		wa_buf_add(out, raw, n);
		return;
	}
	e--;
	for (i = e; i > 0 && (raw[i - 1] == ' ' || raw[i - 1] == '\t' ||
	    raw[i - 1] == '\r' || raw[i - 1] == '\n'); i--)
		;
	wa_buf_add(out, raw, e);
	if (i > 0 && raw[i - 1] != '{')
		wa_buf_addc(out, ',');
	wa_buf_addc(out, '"');
	wa_buf_adds(out, key);	/* the callers' keys need no escapes */
	wa_buf_adds(out, "\":");
	wa_buf_add(out, val, vlen);
	wa_buf_add(out, raw + e, n - e);
}

size_t
wa_rules_fields(struct wa_rules *rs, const char **names, size_t max)
{
	const char *one[64];
	size_t i, j, k, n = 0, m;

	for (i = 0; i < rs->n; i++) {
		if (rs->r[i].e == NULL)
			continue;	/* -a TAG with no -e: every record */
		m = wa_expr_fields(rs->r[i].e, one, 64);
		if (m > 64)
			return max + 1;
		for (j = 0; j < m; j++) {
			for (k = 0; k < n && k < max && strcmp(names[k], one[j]); k++)
				;
			if (k < n)
				continue;
			if (n < max)
				names[n] = one[j];
			n++;
		}
	}
	return n;
}
