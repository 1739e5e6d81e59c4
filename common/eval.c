/* eval.c: the expression language's evaluator, its patterns, the tree after parsing. */
#include <sys/types.h>

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wa.h"
#include "store.h"
#include "exprtree.h"

/*
 * Does PAT stack repeats, as in "a++" or "a{2}*", or hold more than
 * MAXREP of them? POSIX leaves the first undefined and glibc nests them:
 * a few dozen of either can make regcomp take gigabytes.
 */
#define MAXREP 32
static int
stacked(const char *pat)
{
	const char *p;
	int rep = 0, nrep = 0;

	for (p = pat; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			rep = 0;
		} else if (*p == '[') {
			/* a bracket expression; "[]...]" and "[^]...]" hold a ']' */
			p += p[1] == '^' ? 2 : 1;
			if (*p == ']')
				p++;
			while (*p && *p != ']')
				p++;
			if (*p == '\0')
				break;
			rep = 0;
		} else if (*p == '*' || *p == '+' || *p == '?' || *p == '{') {
			if (rep || ++nrep > MAXREP)
				return 1;
			if (*p == '{')
				while (p[1] && *p != '}')
					p++;
			rep = 1;
		} else
			rep = 0;
	}
	return 0;
}

int
wa_expr_regcomp(struct node *n, const char *pat, char *err, size_t errsz)
{
	int rc;

	if (stacked(pat)) {
		if (errsz > 0)
			snprintf(err, errsz, "a repeat of a repeat, as in 'a++', "
			    "or over %d repeats", MAXREP);
		return -1;
	}
	if (n->hasre) {
		regfree(&n->re);
		n->hasre = 0;
	}
	if ((rc = regcomp(&n->re, pat, REG_EXTENDED | REG_ICASE | REG_NOSUB))
	    != 0) {
		if (errsz > 0)
			regerror(rc, &n->re, err, errsz);
		return -1;
	}
	n->hasre = 1;
	return 0;
}

void
wa_expr_freenodes(struct node *n)
{
	struct node *next_;
	size_t i;

	for (; n; n = next_) {
		next_ = n->all;
		free(n->str);
		if (n->arr)
			json_decref(n->arr);
		if (n->keys)
			for (i = 0; n->keys[i]; i++)
				free(n->keys[i]);
		free(n->keys);
		free(n->idx);
		if (n->hasre)
			regfree(&n->re);
		free(n->pat);
		free(n->buf);
		free(n);
	}
}

static size_t
addname(const char **names, size_t n, size_t max, const char *name)
{
	size_t i;

	for (i = 0; i < n && i < max; i++)
		if (strcmp(names[i], name) == 0)
			return n;
	if (n < max)
		names[n] = name;
	return n + 1;
}

size_t
wa_expr_fields(struct wa_expr *x, const char **names, size_t max)
{
	struct node *n;
	size_t count = 0;

	for (n = x->all; n; n = n->all) {
		if (n->k == N_PATH)
			count = addname(names, count, max, n->keys[0]);
		else if (n->k == N_CALL && (n->fn == F_ANNIV || n->fn == F_HOUR ||
		    n->fn == F_WDAY))
			count = addname(names, count, max, "tz");
	}
	return count;
}

void
wa_expr_free(struct wa_expr *x)
{
	if (x == NULL)
		return;
	wa_expr_freenodes(x->all);
	free(x);
}

/* Evaluation */

struct ctx {
	json_t *rec;
	time_t now;
	int haslocal;		/* local is computed */
	struct tm local;	/* NOW in the record's tz */
};

static void
fromjson(json_t *j, struct val *v)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		v->t = V_OBJ;
		v->j = j;
		break;
	case JSON_ARRAY:
		v->t = V_ARR;
		v->j = j;
		break;
	case JSON_STRING:
		v->t = V_STR;
		v->s = json_string_value(j);
		v->len = json_string_length(j);
		break;
	case JSON_INTEGER:
		v->t = V_NUM;
		v->n = (double)json_integer_value(j);
		break;
	case JSON_REAL:
		v->t = V_NUM;
		v->n = json_real_value(j);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		v->t = V_BOOL;
		v->b = json_is_true(j);
		break;
	default:
		v->t = V_NULL;
	}
}

static json_t *
lookup(const struct node *n, json_t *j)
{
	size_t i;

	for (i = 0; j && n->keys[i]; i++) {
		if (json_is_object(j))
			j = json_object_get(j, n->keys[i]);
		else if (json_is_array(j) && n->idx[i] >= 0)
			j = json_array_get(j, (size_t)n->idx[i]);
		else
			j = NULL;
	}
	return j;
}

static int
truthy(const struct val *v)
{
	switch (v->t) {
	case V_NULL:
		return 0;
	case V_BOOL:
		return v->b;
	case V_NUM:
		return v->n != 0;
	case V_STR:
		return v->len > 0;
	case V_ARR:
		return json_array_size(v->j) > 0;
	case V_OBJ:
		return json_object_size(v->j) > 0;
	}
	return 0;
}

/* ==: null equals only null, mixed types differ, arrays element-wise. */
static int
equal(const struct val *a, const struct val *b)
{
	struct val x, y;
	size_t i, n;

	if (a->t != b->t)
		return 0;
	switch (a->t) {
	case V_NULL:
		return 1;
	case V_BOOL:
		return a->b == b->b;
	case V_NUM:
		return a->n == b->n;
	case V_STR:
		return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
	case V_ARR:
		if ((n = json_array_size(a->j)) != json_array_size(b->j))
			return 0;
		for (i = 0; i < n; i++) {
			fromjson(json_array_get(a->j, i), &x);
			fromjson(json_array_get(b->j, i), &y);
			if (!equal(&x, &y))
				return 0;
		}
		return 1;
	case V_OBJ:
		return json_equal(a->j, b->j);
	}
	return 0;
}

/* <0, 0, >0 for two numbers or two strings; 2 (false) for anything else. */
static int
order(const struct val *a, const struct val *b, int *cmp)
{
	size_t n;
	int c;

	if (a->t == V_NUM && b->t == V_NUM) {
		if (isnan(a->n) || isnan(b->n))
			return -1;
		*cmp = a->n < b->n ? -1 : a->n > b->n;
		return 0;
	}
	if (a->t == V_STR && b->t == V_STR) {
		n = a->len < b->len ? a->len : b->len;
		if ((c = memcmp(a->s, b->s, n)) == 0)
			c = a->len < b->len ? -1 : a->len > b->len;
		*cmp = c;
		return 0;
	}
	return -1;
}

/* Does H[0..HN) hold N[0..NN)? */
static int
substr(const char *h, size_t hn, const char *n, size_t nn)
{
	const char *p, *end;

	if (nn == 0)
		return 1;
	if (nn > hn)
		return 0;
	end = h + hn - nn;
	for (p = h; p <= end; p++) {
		if ((p = memchr(p, n[0], (size_t)(end - p) + 1)) == NULL)
			return 0;
		if (memcmp(p, n, nn) == 0)
			return 1;
	}
	return 0;
}

/* LEFT in RIGHT: an element of an array, a substring, a key of an object. */
static int
member(const struct val *l, const struct val *r)
{
	struct val e;
	size_t i, n;

	switch (r->t) {
	case V_ARR:
		n = json_array_size(r->j);
		for (i = 0; i < n; i++) {
			fromjson(json_array_get(r->j, i), &e);
			if (equal(l, &e))
				return 1;
		}
		return 0;
	case V_STR:
		return l->t == V_STR && substr(r->s, r->len, l->s, l->len);
	case V_OBJ:
		return l->t == V_STR && json_object_get(r->j, l->s) != NULL;
	default:
		return 0;
	}
}

static long
daynum(long y, long m, long d)
{
	/* days from 1970-01-01 of a proleptic Gregorian date (H. Hinnant) */
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* NOW in the record's tz (UTC when it has none); -1 for an unknown zone. */
static int
local(struct ctx *c)
{
	json_t *tz;

	if (c->haslocal)
		return 0;
	tz = c->rec ? json_object_get(c->rec, "tz") : NULL;
	if (json_is_string(tz) && json_string_length(tz) > 0) {
		if (wa_tz_local(json_string_value(tz), c->now, &c->local) == -1)
			return -1;
	} else if (gmtime_r(&c->now, &c->local) == NULL)
		return -1;
	c->haslocal = 1;
	return 0;
}

/* A time value: an ISO 8601 (or other wa(7)) time string, or Unix seconds. */
static int
timeof(const struct val *v, time_t *t)
{
	if (v->t == V_NUM) {
		if (!(v->n > -1e15 && v->n < 1e15))
			return -1;
		*t = (time_t)v->n;
		return 0;
	}
	if (v->t != V_STR)
		return -1;
	return wa_time_parse(v->s, WA_DATES_ANY, t);
}

/* The month and day of a date such as a birthday. */
static int
monthday(const struct val *v, int *m, int *d)
{
	struct tm tm;
	time_t t;
	const char *s;

	if (timeof(v, &t) == -1)
		return -1;
	s = v->t == V_STR ? v->s : "";
	if (v->t == V_STR && strlen(s) >= 10 && isdigit((unsigned char)s[0]) &&
	    s[4] == '-' && s[7] == '-') {
		/* the date as written, whatever the offset says */
		*m = (s[5] - '0') * 10 + (s[6] - '0');
		*d = (s[8] - '0') * 10 + (s[9] - '0');
		return 0;
	}
	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	*m = tm.tm_mon + 1;
	*d = tm.tm_mday;
	return 0;
}

/* Whole days from TODAY to the next M/D; Feb 29 is Feb 28 in common years. */
static long
anniversary(const struct tm *today, int m, int d)
{
	long y = today->tm_year + 1900L, t, a;
	int dd;

	t = daynum(y, today->tm_mon + 1, today->tm_mday);
	dd = m == 2 && d == 29 && !leap(y) ? 28 : d;
	if ((a = daynum(y, m, dd)) < t) {
		y++;
		dd = m == 2 && d == 29 && !leap(y) ? 28 : d;
		a = daynum(y, m, dd);
	}
	return a - t;
}

/* lower(): ASCII, Latin-1 and basic Cyrillic letters, into N's scratch. */
static void
lowercase(struct node *n, struct val *v)
{
	const unsigned char *s = (const unsigned char *)v->s;
	unsigned char *o;
	size_t i;

	if (n->bufsz < v->len + 1) {
		n->bufsz = v->len + 64;
		n->buf = wa_realloc(n->buf, n->bufsz);
	}
	o = (unsigned char *)n->buf;
	for (i = 0; i < v->len; i++) {
		unsigned c = s[i];

		if (c >= 'A' && c <= 'Z')
			c += 32;
		else if (i + 1 < v->len && c == 0xC3 && s[i + 1] >= 0x80 &&
		    s[i + 1] <= 0x9E && s[i + 1] != 0x97) {
			o[i++] = 0xC3;	/* U+00C0-U+00DE */
			c = s[i] + 0x20;
		} else if (i + 1 < v->len && c == 0xD0 && s[i + 1] >= 0x90 &&
		    s[i + 1] <= 0xAF) {
			if (s[i + 1] <= 0x9F) {	/* U+0410-U+041F */
				o[i++] = 0xD0;
				c = s[i] + 0x20;
			} else {	/* U+0420-U+042F */
				o[i++] = 0xD1;
				c = s[i] - 0x20;
			}
		} else if (i + 1 < v->len && c == 0xD0 && s[i + 1] >= 0x80 &&
		    s[i + 1] <= 0x8F) {
			o[i++] = 0xD1;	/* U+0400-U+040F */
			c = s[i] + 0x10;
		}
		o[i] = (unsigned char)c;
	}
	o[v->len] = '\0';
	v->s = n->buf;
}

static int eval(struct node *n, struct ctx *c, struct val *v);

static int
callfn(struct node *n, struct ctx *c, struct val *v)
{
	struct val a;
	time_t t;
	int m, d;

	a.t = V_NULL;
	if (n->l && n->fn != F_EXISTS && eval(n->l, c, &a) == -1)
		return -1;
	switch (n->fn) {
	case F_SINCE:
	case F_UNTIL:
		if (a.t == V_NULL) {
			v->t = V_NULL;
			return 0;
		}
		if (timeof(&a, &t) == -1)
			return -1;
		v->t = V_NUM;
		v->n = n->fn == F_SINCE ? difftime(c->now, t) :
		    difftime(t, c->now);
		return 0;
	case F_ANNIV:
		if (a.t == V_NULL) {
			v->t = V_NULL;
			return 0;
		}
		if (monthday(&a, &m, &d) == -1 || local(c) == -1)
			return -1;
		v->t = V_NUM;
		v->n = (double)anniversary(&c->local, m, d);
		return 0;
	case F_HOUR:
	case F_WDAY:
		if (local(c) == -1)
			return -1;
		v->t = V_NUM;
		v->n = n->fn == F_HOUR ? c->local.tm_hour :
		    c->local.tm_wday == 0 ? 7 : c->local.tm_wday;
		return 0;
	case F_LOWER:
		if (a.t == V_NULL) {
			v->t = V_NULL;
			return 0;
		}
		if (a.t != V_STR)
			return -1;
		*v = a;
		lowercase(n, v);
		return 0;
	case F_LEN:
		v->t = V_NUM;
		switch (a.t) {
		case V_NULL:
			v->n = 0;
			return 0;
		case V_STR:
			v->n = (double)wa_utf8_nchars(a.s, a.len);
			return 0;
		case V_ARR:
			v->n = (double)json_array_size(a.j);
			return 0;
		case V_OBJ:
			v->n = (double)json_object_size(a.j);
			return 0;
		default:
			return -1;
		}
	case F_EXISTS:
		{
			json_t *j = lookup(n->l, c->rec);

			v->t = V_BOOL;
			v->b = j != NULL && !json_is_null(j);
			return 0;
		}
	}
	return -1;
}

/* LEFT ~ RIGHT */
static int
match(struct node *n, struct ctx *c, struct val *v)
{
	struct val l, r;

	if (eval(n->l, c, &l) == -1 || eval(n->r, c, &r) == -1)
		return -1;
	v->t = V_BOOL;
	v->b = 0;
	if (n->r->k != N_CONST) {	/* a computed pattern: compile and keep it */
		if (r.t == V_NULL)
			return 0;
		/*
		 * A pattern from the record is data, not the user's: bounded
		 * repeats can make regcomp take all memory, so they and long
		 * patterns are a type problem.
		 */
		if (r.t != V_STR || strlen(r.s) > 256 || strchr(r.s, '{'))
			return -1;
		if (n->pat == NULL || strcmp(n->pat, r.s) != 0) {
			free(n->pat);
			n->pat = NULL;
			if (wa_expr_regcomp(n, r.s, NULL, 0) == -1)
				return -1;
			n->pat = wa_strdup(r.s);
		}
	}
	if (l.t != V_STR)
		return 0;
	v->b = regexec(&n->re, l.s, 0, NULL, 0) == 0;
	return 0;
}

/* Evaluate N into *V; -1 on a type problem. */
static int
eval(struct node *n, struct ctx *c, struct val *v)
{
	struct val l, r;
	json_t *j;
	int cmp;

	switch (n->k) {
	case N_CONST:
		*v = n->v;
		return 0;
	case N_PATH:
		if ((j = lookup(n, c->rec)) == NULL)
			v->t = V_NULL;
		else
			fromjson(j, v);
		return 0;
	case N_NOT:
		if (eval(n->l, c, &l) == -1)
			return -1;
		v->t = V_BOOL;
		v->b = !truthy(&l);
		return 0;
	case N_NEG:
		if (eval(n->l, c, &l) == -1)
			return -1;
		if (l.t == V_NULL) {
			v->t = V_NULL;
			return 0;
		}
		if (l.t != V_NUM)
			return -1;
		v->t = V_NUM;
		v->n = -l.n;
		return 0;
	case N_AND:
	case N_OR:
		if (eval(n->l, c, &l) == -1)
			return -1;
		v->t = V_BOOL;
		if (truthy(&l) == (n->k == N_OR)) {
			v->b = n->k == N_OR;
			return 0;
		}
		if (eval(n->r, c, &r) == -1)
			return -1;
		v->b = truthy(&r);
		return 0;
	case N_MATCH:
		return match(n, c, v);
	case N_CALL:
		return callfn(n, c, v);
	default:
		break;
	}
	if (eval(n->l, c, &l) == -1 || eval(n->r, c, &r) == -1)
		return -1;
	v->t = V_BOOL;
	switch (n->k) {
	case N_IN:
		v->b = member(&l, &r);
		return 0;
	case N_EQ:
		v->b = equal(&l, &r);
		return 0;
	case N_NE:
		v->b = !equal(&l, &r);
		return 0;
	case N_LT:
	case N_LE:
	case N_GT:
	case N_GE:
		if (order(&l, &r, &cmp) == -1)
			v->b = 0;
		else
			v->b = n->k == N_LT ? cmp < 0 : n->k == N_LE ? cmp <= 0 :
			    n->k == N_GT ? cmp > 0 : cmp >= 0;
		return 0;
	default:
		break;
	}
	/* arithmetic: numbers; null in, null out */
	if (l.t == V_NULL || r.t == V_NULL) {
		v->t = V_NULL;
		return 0;
	}
	if (l.t != V_NUM || r.t != V_NUM)
		return -1;
	v->t = V_NUM;
	switch (n->k) {
	case N_ADD:
		v->n = l.n + r.n;
		break;
	case N_SUB:
		v->n = l.n - r.n;
		break;
	case N_MUL:
		v->n = l.n * r.n;
		break;
	default:
		if (r.n == 0)
			return -1;
		v->n = l.n / r.n;
		break;
	}
	return isfinite(v->n) ? 0 : -1;
}

int
wa_expr_test(struct wa_expr *x, json_t *rec, time_t now)
{
	struct ctx c;
	struct val v;

	c.rec = rec;
	c.now = now;
	c.haslocal = 0;
	if (eval(x->root, &c, &v) == -1)
		return -1;
	return truthy(&v);
}
