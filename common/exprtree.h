/*
 * exprtree.h: the tree of an expression, between its parser (expr.c) and
 * its evaluator (eval.c); for those two files only, declared nowhere else.
 */
#ifndef WA_EXPRTREE_H
#define WA_EXPRTREE_H

#include <regex.h>

#include "wa.h"

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


struct wa_expr {
	struct node *root;
	struct node *all;	/* every node, for wa_expr_free */
};

/* Compile a regex for N from PAT; -1 (with a message in ERR) if it is bad. */
int wa_expr_regcomp(struct node *n, const char *pat, char *err, size_t errsz);
/* Free the nodes N, N->all and on. */
void wa_expr_freenodes(struct node *n);
#endif
