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

enum vtype { V_NULL, V_BOOL, V_NUM, V_STR, V_ARR, V_OBJ };

struct val {
	enum vtype t;
	int b;			/* V_BOOL */
	double n;		/* V_NUM */
	const char *s;		/* V_STR: NUL-terminated at s[len] */
	size_t len;
	json_t *j;		/* V_ARR, V_OBJ */
};

enum kind {
	N_CONST, N_PATH, N_NOT, N_NEG, N_AND, N_OR, N_MATCH, N_IN,
	N_EQ, N_NE, N_LT, N_LE, N_GT, N_GE, N_ADD, N_SUB, N_MUL, N_DIV,
	N_CALL
};

enum fn {
	F_SINCE, F_UNTIL, F_ANNIV, F_HOUR, F_WDAY, F_LOWER, F_LEN, F_EXISTS
};

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

struct node {
	enum kind k;
	struct node *l, *r;	/* operands; l is the argument of a call */
	struct node *all;	/* the next node the expression owns */
	struct val v;		/* N_CONST */
	char *str;		/* N_CONST string storage */
	json_t *arr;		/* N_CONST array storage */
	char **keys;		/* N_PATH, NULL-terminated */
	long *idx;		/* N_PATH: the key as an array index, or -1 */
	enum fn fn;		/* N_CALL */
	regex_t re;		/* N_MATCH */
	int hasre;		/* re holds a compiled pattern */
	char *pat;		/* N_MATCH with a computed pattern: re's source */
	char *buf;		/* N_CALL lower(): scratch */
	size_t bufsz;
	int depth;		/* of the tree under this node, itself included */
	int paren;		/* written in parentheses */
};

/* Deeper trees are refused, lest parser or evaluator overflow the stack. */
#define MAXDEPTH 200

struct wa_expr {
	struct node *root;
	struct node *all;	/* every node, for wa_expr_free */
};

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
	const char *s;
	int col = 1;

	for (s = ps->src; s < p; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			col++;
	return col;
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

/* Compile a regex for N from PAT; -1 (with a message in ERR) if it is bad. */
static int
compile(struct node *n, const char *pat, char *err, size_t errsz)
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
			if (compile(n, n->r->v.s, msg, sizeof msg) == -1) {
				fail(ps, at, "bad regex: %s", msg);
				return NULL;
			}
		}
		left = n;
	}
	ps->nest--;
	return left;
}

static void
freenodes(struct node *n)
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
		freenodes(x->all);
		free(x);
		return NULL;
	}
	x->root = root;
	return x;
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
	freenodes(x->all);
	free(x);
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
	size_t i, k;
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
			for (i = k = 0; i < a.len; i++)
				k += ((unsigned char)a.s[i] & 0xC0) != 0x80;
			v->n = (double)k;
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
			if (compile(n, r.s, NULL, 0) == -1)
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
