/* expr.c: the expression language of wa-tag and wa-segment (see wa(7)). */
#include <sys/types.h>

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wa.h"
#include "store.h"
#include "exprtree.h"

/*
 * The grammar, a Pratt parser's view of it (binding powers, loosest first):
 *
 *	expr	= expr binop expr | "!" expr | "-" expr | primary
 *	binop	= "||" (1) | "&&" (2) | "~" (3) | "in" (4) | "==" "!=" (5)
 *		| "<" "<=" ">" ">=" (6) | "+" "-" (7) | "*" "/" (8)
 *	unary	= "!" "-" (9), tighter than any binary operator
 *	primary	= number | duration | string | "true" | "false" | "null"
 *		| "[" [const {"," const}] "]" | path | name "(" [expr {"," expr}] ")"
 *		| "(" expr ")"
 *	path	= name {"." (name | string | digits)}
 *
 * Binary operators are left-associative. Evaluation works on a small
 * tagged value on the C stack; strings point into the record's json_t,
 * into a literal, or into a per-node scratch buffer (lower()).
 */

static const struct {
	const char *name;
	int arity;
	enum fn fn;
} fns[] = {
	{ "since", 1, F_SINCE },
	{ "until", 1, F_UNTIL },
	{ "days_to_anniversary", 1, F_ANNIV },
	{ "local_hour", 0, F_HOUR },
	{ "weekday", 0, F_WDAY },
	{ "lower", 1, F_LOWER },
	{ "len", 1, F_LEN },
	{ "exists", 1, F_EXISTS },
};
#define NFNS (sizeof fns / sizeof fns[0])

/* Deeper trees are refused, lest parser or evaluator overflow the stack. */
#define MAXDEPTH 200

/* Tokens */
enum tok {
	T_EOF, T_NUM, T_STR, T_NAME, T_LP, T_RP, T_LB, T_RB, T_COMMA, T_DOT,
	T_NOT, T_MINUS, T_PLUS, T_STAR, T_SLASH, T_LT, T_LE, T_GT, T_GE,
	T_EQ, T_NE, T_AND, T_OR, T_TILDE, T_IN, T_TRUE, T_FALSE, T_NULL
};

struct parser {
	const char *src;
	const char *p;		/* after the current token */
	enum tok tok;
	const char *tokp;	/* where the current token starts */
	size_t toklen;
	double num;		/* T_NUM */
	char *str;		/* T_STR, decoded; owned by the parser */
	size_t strlen;
	struct wa_expr *x;
	char *err;
	size_t errsz;
	int *col;
	int failed;
	int nest;		/* parse() calls under way */
};

/* Column (1-based, in UTF-8 characters) of P in the source. */
static int
column(struct parser *ps, const char *p)
{
	return 1 + (int)wa_utf8_nchars(ps->src, (size_t)(p - ps->src));
}

/* Record the first error, pointing at AT. */
static void
fail(struct parser *ps, const char *at, const char *fmt, ...)
    WA_PRINTF(3, 4);

static void
fail(struct parser *ps, const char *at, const char *fmt, ...)
{
	va_list ap;

	if (ps->failed)
		return;
	ps->failed = 1;
	va_start(ap, fmt);
	if (ps->errsz > 0)
		vsnprintf(ps->err, ps->errsz, fmt, ap);
	va_end(ap);
	if (ps->col)
		*ps->col = column(ps, at);
}

/* The current token as text, for a message: 'x' or "end of expression". */
static const char *
tokname(struct parser *ps, char *buf, size_t n)
{
	int len;

	if (ps->tok == T_EOF)
		return "end of expression";
	len = ps->toklen > 40 ? 40 : (int)ps->toklen;
	snprintf(buf, n, "'%.*s'", len, ps->tokp);
	return buf;
}

/* Names are ASCII letters, digits and _, and any UTF-8 beyond ASCII. */
static int
isname(int c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c >= 0x80 || (!first && c >= '0' && c <= '9');
}

/*
 * A string literal from ps->p, at its quote Q. A backslash escapes a
 * backslash and either quote; any other backslash stays, for regexes.
 */
static int
lexstr(struct parser *ps)
{
	char q = *ps->p;
	const char *s = ps->p + 1;
	size_t n = 0;

	free(ps->str);
	ps->str = wa_malloc(strlen(s) + 1);
	for (;;) {
		if (*s == '\0') {
			fail(ps, ps->tokp, "unterminated string");
			return -1;
		}
		if (*s == q)
			break;
		if (*s == '\\' && (s[1] == '\\' || s[1] == '"' || s[1] == '\''))
			s++;
		ps->str[n++] = *s++;
	}
	ps->str[n] = '\0';
	ps->strlen = n;
	ps->p = s + 1;
	ps->tok = T_STR;
	return 0;
}

/* A number, or a duration such as 65d or 1d12h (seconds). */
static int
lexnum(struct parser *ps)
{
	const char *s = ps->p, *e;
	char *end, tmp[64];
	long long secs;

	while (isdigit((unsigned char)*s))
		s++;
	if (*s != '\0' && strchr("wdhms", *s)) {
		for (e = s; isalnum((unsigned char)*e); e++)
			;
		if ((size_t)(e - ps->p) >= sizeof tmp) {
			fail(ps, ps->p, "bad duration '%.*s'", 20, ps->p);
			return -1;
		}
		memcpy(tmp, ps->p, (size_t)(e - ps->p));
		tmp[e - ps->p] = '\0';
		if (wa_dur_parse(tmp, &secs) == -1) {
			fail(ps, ps->p, "bad duration '%s'", tmp);
			return -1;
		}
		ps->num = (double)secs;
		ps->p = e;
		ps->tok = T_NUM;
		return 0;
	}
	ps->num = strtod(ps->p, &end);
	if (end == ps->p || isname((unsigned char)*end, 0) || *end == '.' ||
	    !isfinite(ps->num) ||
	    memchr(ps->p, 'x', (size_t)(end - ps->p)) ||
	    memchr(ps->p, 'X', (size_t)(end - ps->p))) {
		for (e = end; isalnum((unsigned char)*e) || *e == '.'; e++)
			;
		fail(ps, ps->p, "bad number '%.*s'", (int)(e - ps->p > 40 ?
		    40 : e - ps->p), ps->p);
		return -1;
	}
	ps->p = end;
	ps->tok = T_NUM;
	return 0;
}

/* Read the next token. */
static int
next(struct parser *ps)
{
	static const struct {
		const char *s;
		enum tok t;
	} ops[] = {
		{ "<=", T_LE }, { ">=", T_GE }, { "==", T_EQ }, { "!=", T_NE },
		{ "&&", T_AND }, { "||", T_OR }, { "(", T_LP }, { ")", T_RP },
		{ "[", T_LB }, { "]", T_RB }, { ",", T_COMMA }, { ".", T_DOT },
		{ "!", T_NOT }, { "-", T_MINUS }, { "+", T_PLUS }, { "*", T_STAR },
		{ "/", T_SLASH }, { "<", T_LT }, { ">", T_GT }, { "~", T_TILDE },
	};
	const char *s = ps->p;
	size_t i, n;

	if (ps->failed)
		return -1;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	ps->tokp = ps->p = s;
	if (*s == '\0') {
		ps->tok = T_EOF;
		ps->toklen = 0;
		return 0;
	}
	if (*s == '"' || *s == '\'') {
		if (lexstr(ps) == -1)
			return -1;
	} else if (isdigit((unsigned char)*s)) {
		if (lexnum(ps) == -1)
			return -1;
	} else if (isname((unsigned char)*s, 1)) {
		for (s++; isname((unsigned char)*s, 0); s++)
			;
		ps->p = s;
		n = (size_t)(s - ps->tokp);
		ps->tok = T_NAME;
		if (n == 2 && memcmp(ps->tokp, "in", 2) == 0)
			ps->tok = T_IN;
		else if (n == 4 && memcmp(ps->tokp, "true", 4) == 0)
			ps->tok = T_TRUE;
		else if (n == 5 && memcmp(ps->tokp, "false", 5) == 0)
			ps->tok = T_FALSE;
		else if (n == 4 && memcmp(ps->tokp, "null", 4) == 0)
			ps->tok = T_NULL;
	} else {
		for (i = 0; i < sizeof ops / sizeof ops[0]; i++) {
			n = strlen(ops[i].s);
			if (strncmp(s, ops[i].s, n) == 0)
				break;
		}
		if (i == sizeof ops / sizeof ops[0]) {
			if (*s == '=')
				fail(ps, s, "unexpected '=' (use '==' to compare)");
			else if (*s == '&' || *s == '|')
				fail(ps, s, "unexpected '%c' (use '%c%c')", *s, *s, *s);
			else if ((unsigned char)*s >= 0x80)
				fail(ps, s, "unexpected character");
			else
				fail(ps, s, "unexpected '%c'", *s);
			return -1;
		}
		ps->p = s + n;
		ps->tok = ops[i].t;
	}
	ps->toklen = (size_t)(ps->p - ps->tokp);
	return 0;
}

static struct node *
newnode(struct parser *ps, enum kind k)
{
	struct node *n = wa_calloc(1, sizeof *n);

	n->k = k;
	n->depth = 1;
	n->all = ps->x->all;
	ps->x->all = n;
	return n;
}

static struct node *parse(struct parser *ps, int rbp);

/* Binding power of the current token as a binary operator; 0 if it is none. */
static int
lbp(enum tok t, enum kind *k)
{
	static const struct {
		enum tok t;
		int bp;
		enum kind k;
	} tab[] = {
		{ T_OR, 1, N_OR }, { T_AND, 2, N_AND }, { T_TILDE, 3, N_MATCH },
		{ T_IN, 4, N_IN }, { T_EQ, 5, N_EQ }, { T_NE, 5, N_NE },
		{ T_LT, 6, N_LT }, { T_LE, 6, N_LE }, { T_GT, 6, N_GT },
		{ T_GE, 6, N_GE }, { T_PLUS, 7, N_ADD }, { T_MINUS, 7, N_SUB },
		{ T_STAR, 8, N_MUL }, { T_SLASH, 8, N_DIV },
	};
	size_t i;

	for (i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (tab[i].t == t) {
			if (k)
				*k = tab[i].k;
			return tab[i].bp;
		}
	return 0;
}
#define UNARY_BP 9

static struct node *
mkconst(struct parser *ps, enum vtype t)
{
	struct node *n = newnode(ps, N_CONST);

	n->v.t = t;
	return n;
}

/* The current T_STR token as a constant node. */
static struct node *
strconst(struct parser *ps)
{
	struct node *n = mkconst(ps, V_STR);

	n->str = wa_malloc(ps->strlen + 1);
	memcpy(n->str, ps->str, ps->strlen + 1);
	n->v.s = n->str;
	n->v.len = ps->strlen;
	return n;
}

/* A constant of an array literal, as JSON. */
static json_t *
tojson(const struct val *v)
{
	switch (v->t) {
	case V_NULL:
		return json_null();
	case V_BOOL:
		return json_boolean(v->b);
	case V_NUM:
		return json_real(v->n);
	case V_STR:
		return json_stringn_nocheck(v->s, v->len);
	default:
		return json_incref(v->j);
	}
}

/* [ const, ... ] after the '[' */
static struct node *
array(struct parser *ps)
{
	struct node *n = mkconst(ps, V_ARR), *e;
	const char *at;

	n->arr = n->v.j = json_array();
	if (next(ps) == -1)
		return NULL;
	if (ps->tok == T_RB)
		return next(ps) == -1 ? NULL : n;
	for (;;) {
		at = ps->tokp;
		if ((e = parse(ps, 1)) == NULL)
			return NULL;
		if (e->k != N_CONST) {
			fail(ps, at, "an array literal holds only constants");
			return NULL;
		}
		json_array_append_new(n->arr, tojson(&e->v));
		if (ps->tok == T_RB)
			break;
		if (ps->tok != T_COMMA) {
			char b[64];

			fail(ps, ps->tokp, "expected ',' or ']', got %s",
			    tokname(ps, b, sizeof b));
			return NULL;
		}
		if (next(ps) == -1)
			return NULL;
	}
	return next(ps) == -1 ? NULL : n;
}

/* A field path; the current token is its first name. */
static struct node *
path(struct parser *ps)
{
	struct node *n = newnode(ps, N_PATH);
	size_t nk = 0, cap = 4;
	char *key, *end;
	long ix;

	n->keys = wa_calloc(cap + 1, sizeof *n->keys);
	n->idx = wa_calloc(cap + 1, sizeof *n->idx);
	key = wa_strndup(ps->tokp, ps->toklen);
	for (;;) {
		if (nk == cap) {
			cap *= 2;
			n->keys = wa_realloc(n->keys, (cap + 1) * sizeof *n->keys);
			n->idx = wa_realloc(n->idx, (cap + 1) * sizeof *n->idx);
		}
		ix = -1;
		if (isdigit((unsigned char)key[0])) {
			ix = strtol(key, &end, 10);
			if (*end != '\0' || ix < 0)
				ix = -1;
		}
		n->idx[nk] = ix;
		n->keys[nk++] = key;
		n->keys[nk] = NULL;
		if (next(ps) == -1)
			return NULL;
		if (ps->tok != T_DOT)
			return n;
		/* a key: a name, a quoted string, or digits (an array index) */
		{
			const char *s = ps->p;

			if (isdigit((unsigned char)*s)) {
				for (ps->tokp = s; isdigit((unsigned char)*s); s++)
					;
				if (isname((unsigned char)*s, 0)) {
					fail(ps, ps->tokp, "bad field name");
					return NULL;
				}
				key = wa_strndup(ps->tokp, (size_t)(s - ps->tokp));
				ps->p = s;
				continue;
			}
		}
		if (next(ps) == -1)
			return NULL;
		if (ps->tok == T_STR)
			key = wa_strndup(ps->str, ps->strlen);
		else if (ps->tok == T_NAME || ps->tok == T_IN ||
		    ps->tok == T_TRUE || ps->tok == T_FALSE || ps->tok == T_NULL)
			key = wa_strndup(ps->tokp, ps->toklen);
		else {
			char b[64];

			fail(ps, ps->tokp, "expected a field name after '.', got %s",
			    tokname(ps, b, sizeof b));
			return NULL;
		}
	}
}

/* name ( args ); the current token is the name, the next is '('. */
static struct node *
call(struct parser *ps)
{
	const char *at = ps->tokp;
	size_t len = ps->toklen, i;
	struct node *n, *a;
	int nargs = 0;
	char b[64];

	for (i = 0; i < NFNS; i++)
		if (strlen(fns[i].name) == len &&
		    memcmp(fns[i].name, at, len) == 0)
			break;
	if (i == NFNS) {
		fail(ps, at, "unknown function '%.*s'", len > 40 ? 40 : (int)len,
		    at);
		return NULL;
	}
	n = newnode(ps, N_CALL);
	n->fn = fns[i].fn;
	if (next(ps) == -1 || next(ps) == -1)	/* the name, the '(' */
		return NULL;
	if (ps->tok != T_RP)
		for (;;) {
			const char *argat = ps->tokp;

			if ((a = parse(ps, 0)) == NULL)
				return NULL;
			if (n->fn == F_EXISTS && a->k != N_PATH) {
				fail(ps, argat, "exists() takes a field name");
				return NULL;
			}
			if (nargs++ == 0)
				n->l = a;	/* no function takes two */
			if (ps->tok == T_RP)
				break;
			if (ps->tok != T_COMMA) {
				fail(ps, ps->tokp, "expected ',' or ')', got %s",
				    tokname(ps, b, sizeof b));
				return NULL;
			}
			if (nargs >= fns[i].arity) {
				fail(ps, at, "%s() takes %d argument%s",
				    fns[i].name, fns[i].arity,
				    fns[i].arity == 1 ? "" : "s");
				return NULL;
			}
			if (next(ps) == -1)
				return NULL;
		}
	if (n->l)
		n->depth = n->l->depth + 1;
	if (nargs != fns[i].arity) {
		fail(ps, at, "%s() takes %d argument%s", fns[i].name,
		    fns[i].arity, fns[i].arity == 1 ? "" : "s");
		return NULL;
	}
	return next(ps) == -1 ? NULL : n;
}

/* The start of an expression: a value, a prefix operator or a group. */
static struct node *
nud(struct parser *ps)
{
	struct node *n, *e;
	char b[64];

	switch (ps->tok) {
	case T_NUM:
		n = mkconst(ps, V_NUM);
		n->v.n = ps->num;
		break;
	case T_STR:
		n = strconst(ps);
		break;
	case T_TRUE:
	case T_FALSE:
		n = mkconst(ps, V_BOOL);
		n->v.b = ps->tok == T_TRUE;
		break;
	case T_NULL:
		n = mkconst(ps, V_NULL);
		break;
	case T_LB:
		return array(ps);
	case T_NAME:
		{
			const char *s = ps->p;

			while (*s == ' ' || *s == '\t')
				s++;
			if (*s == '(')
				return call(ps);
		}
		return path(ps);
	case T_LP:
		if (next(ps) == -1 || (n = parse(ps, 0)) == NULL)
			return NULL;
		if (ps->tok != T_RP) {
			fail(ps, ps->tokp, "expected ')', got %s",
			    tokname(ps, b, sizeof b));
			return NULL;
		}
		n->paren = 1;
		break;
	case T_NOT:
	case T_MINUS:
		{
			enum tok t = ps->tok;

			if (next(ps) == -1 || (e = parse(ps, UNARY_BP)) == NULL)
				return NULL;
			if (t == T_MINUS && e->k == N_CONST && e->v.t == V_NUM) {
				e->v.n = -e->v.n;	/* fold -1 into a constant */
				return e;
			}
			n = newnode(ps, t == T_NOT ? N_NOT : N_NEG);
			n->l = e;
			n->depth = e->depth + 1;
			return n;
		}
	default:
		fail(ps, ps->tokp, "expected a value, got %s",
		    tokname(ps, b, sizeof b));
		return NULL;
	}
	return next(ps) == -1 ? NULL : n;
}

/* An expression whose operators bind tighter than RBP. */
static struct node *
parse(struct parser *ps, int rbp)
{
	struct node *left, *n;
	enum kind k = N_OR;
	int bp;
	const char *at;

	if (++ps->nest > MAXDEPTH) {
		fail(ps, ps->tokp, "expression nested too deeply");
		return NULL;
	}
	if ((left = nud(ps)) == NULL)
		return NULL;
	while ((bp = lbp(ps->tok, &k)) > rbp) {
		if (k >= N_LT && k <= N_GE && left->k >= N_LT &&
		    left->k <= N_GE && !left->paren) {
			fail(ps, ps->tokp, "comparisons do not chain (use '&&')");
			return NULL;
		}
		if (next(ps) == -1)
			return NULL;
		at = ps->tokp;
		n = newnode(ps, k);
		n->l = left;
		if ((n->r = parse(ps, bp)) == NULL)
			return NULL;
		n->depth = 1 + (left->depth > n->r->depth ? left->depth :
		    n->r->depth);
		if (n->depth > MAXDEPTH) {
			fail(ps, at, "expression nested too deeply");
			return NULL;
		}
		if (k == N_MATCH && n->r->k == N_CONST) {
			char msg[128];

			if (n->r->v.t != V_STR) {
				fail(ps, at, "a regex must be a string");
				return NULL;
			}
			if (wa_expr_regcomp(n, n->r->v.s, msg, sizeof msg) == -1) {
				fail(ps, at, "bad regex: %s", msg);
				return NULL;
			}
		}
		left = n;
	}
	ps->nest--;
	return left;
}

struct wa_expr *
wa_expr_parse(const char *src, char *err, size_t errsz, int *col)
{
	struct parser ps;
	struct wa_expr *x = wa_calloc(1, sizeof *x);
	struct node *root = NULL;
	char b[64];

	memset(&ps, 0, sizeof ps);
	ps.src = ps.p = src;
	ps.x = x;
	ps.err = err;
	ps.errsz = errsz;
	ps.col = col;
	if (errsz > 0)
		err[0] = '\0';
	if (col)
		*col = 0;
	if (next(&ps) == 0) {
		if (ps.tok == T_EOF)
			fail(&ps, ps.tokp, "empty expression");
		else if ((root = parse(&ps, 0)) != NULL && ps.tok != T_EOF)
			fail(&ps, ps.tokp, "unexpected %s after the expression",
			    tokname(&ps, b, sizeof b));
	}
	free(ps.str);
	if (ps.failed) {
		wa_expr_freenodes(x->all);
		free(x);
		return NULL;
	}
	x->root = root;
	return x;
}

void
wa_expr_caret(FILE *fp, const char *src, int col)
{
	const char *s;
	int c = 1;

	for (s = src; *s; s++)
		putc(*s == '\n' || *s == '\r' ? ' ' : *s, fp);
	putc('\n', fp);
	for (s = src; *s && c < col; s++)
		if (((unsigned char)*s & 0xC0) != 0x80) {
			putc(*s == '\t' ? '\t' : ' ', fp);
			c++;
		}
	for (; c < col; c++)
		putc(' ', fp);
	fputs("^\n", fp);
}
