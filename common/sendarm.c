/* sendarm.c: wa-send's message for each A/B arm (--arm), and the arm of a record */
#include <string.h>

#include "wa.h"
#include "send.h"

void
wa_sendarms_init(struct wa_sendarms *s)
{
	memset(s, 0, sizeof *s);
	s->n = 1;
	s->arm[0].tmpl.lang = "{{lang|en_US}}";
}

/* A new arm NAME, starting as a copy of the options before the first --arm. */
struct wa_sendarm *
wa_sendarm_new(struct wa_sendarms *s, const char *name)
{
	struct wa_sendarm *a = &s->arm[s->n];
	size_t i;

	if (strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_-") != strlen(name) || *name == '\0')
		wa_die(WA_EXIT_USAGE, "--arm '%s': letters, digits, - and _ only", name);
	for (i = 1; i < s->n; i++)
		if (strcmp(s->arm[i].name, name) == 0)
			wa_die(WA_EXIT_USAGE, "--arm %s twice", name);
	if (s->n == WA_SENDARM_MAX)
		wa_die(WA_EXIT_USAGE, "--arm: at most %d", WA_SENDARM_MAX - 1);
	*a = s->arm[0];
	a->name = name;
	a->ownp = a->ownb = a->ownh = 0;
	s->n++;
	return a;
}

/*
 * An arm's own -m: parameters, buttons and a header it got from the
 * options before --arm were for their template, and a text takes none.
 */
void
wa_sendarm_text(struct wa_sendarm *a, const char *text)
{
	a->text = text;
	a->tmpl.name = NULL;
	if (a->name == NULL)
		return;
	if (!a->ownp)
		a->np = 0;
	if (!a->ownb)
		a->nb = 0;
	if (!a->ownh) {
		a->tmpl.htype = WA_GRAPH_HNONE;
		a->tmpl.header = NULL;
	}
}

void
wa_sendarm_param(struct wa_sendarm *a, const char *arg)
{
	if (!a->ownp)
		a->np = 0, a->ownp = 1;
	if (a->np == WA_SENDARM_MAXPARAM)
		wa_die(WA_EXIT_USAGE, "-p: at most %d parameters", WA_SENDARM_MAXPARAM);
	a->params[a->np++] = arg;
}

/* --button (QUICK: --quick-reply) INDEX=TEXT. */
void
wa_sendarm_button(struct wa_sendarm *a, const char *arg, int quick)
{
	char err[WA_GRAPH_ERRSZ];

	if (!a->ownb)
		a->nb = 0, a->ownb = 1;
	if (a->nb == 10)
		wa_die(WA_EXIT_USAGE, "--button: at most 10");
	if (wa_graph_button_arg(arg, &a->buttons[a->nb], err, sizeof err) < 0)
		wa_die(WA_EXIT_USAGE, "%s: %s", quick ? "--quick-reply" :
		    "--button", err);
	if (quick)
		a->buttons[a->nb].type = WA_GRAPH_BQUICK;
	a->nb++;
}

/* A header of TYPE (WA_GRAPH_H*), one at most. */
void
wa_sendarm_header(struct wa_sendarm *a, int type, const char *arg)
{
	char err[WA_GRAPH_ERRSZ];

	if (a->ownh++)
		wa_die(WA_EXIT_USAGE, "one header at most");
	a->tmpl.htype = type;
	if (wa_graph_check(arg, err, sizeof err) < 0)
		wa_die(WA_EXIT_USAGE, "header '%s': %s", arg, err);
	a->tmpl.header = arg;
}

/* The options of arm A make a message, or A is a hold-out; else exit 2. */
void
wa_sendarm_check(const struct wa_sendarms *s, struct wa_sendarm *a)
{
	const char *in = a->name ? a->name : "the options before --arm";
	char err[WA_GRAPH_ERRSZ];
	size_t i;

	if (a->skip || (a->name == NULL && s->n > 1 && !a->text && !a->tmpl.name))
		return;
	if ((a->tmpl.name == NULL) == (a->text == NULL))
		wa_die(WA_EXIT_USAGE, "give one of -t TEMPLATE or -m TEXT (%s)", in);
	if (a->text && (a->np > 0 || a->nb > 0 || a->tmpl.htype != WA_GRAPH_HNONE))
		wa_die(WA_EXIT_USAGE, "-p, --button and headers go with -t, not with -m");
	for (i = 0; i < a->np; i++)
		if (wa_graph_check(a->params[i], err, sizeof err) < 0)
			wa_die(WA_EXIT_USAGE, "-p '%s': %s", a->params[i], err);
	if (a->text && wa_graph_check(a->text, err, sizeof err) < 0)
		wa_die(WA_EXIT_USAGE, "-m: %s", err);
	if (!a->text && wa_graph_check(a->tmpl.lang, err, sizeof err) < 0)
		wa_die(WA_EXIT_USAGE, "-l: %s", err);
	a->tmpl.body = a->params;
	a->tmpl.nbody = a->np;
	a->tmpl.button = a->buttons;
	a->tmpl.nbutton = a->nb;
}

/* The arm of REC's variant; else the options before any --arm, if they send. */
const struct wa_sendarm *
wa_sendarm_for(const struct wa_sendarms *s, json_t *rec, char *err, size_t errsz)
{
	const char *v = wa_json_str(rec, "variant");
	size_t i;

	for (i = 1; v && i < s->n; i++)
		if (strcmp(s->arm[i].name, v) == 0)
			return &s->arm[i];
	if (s->arm[0].text || s->arm[0].tmpl.name)
		return &s->arm[0];
	if (v)
		snprintf(err, errsz, "no --arm for variant '%s'", v);
	else
		snprintf(err, errsz, "no variant, and no message outside --arm");
	return NULL;
}

/* The button parameters a template must have: URL suffixes; a quick reply's payload is optional. */
size_t
wa_sendarm_urls(const struct wa_sendarm *a)
{
	size_t i, n = 0;

	for (i = 0; i < a->nb; i++)
		n += a->buttons[i].type == WA_GRAPH_BURL;
	return n;
}

/* The template's language for REC in arm A, as the API spells it (pt_BR), or NULL. */
char *
wa_sendarm_lang(const struct wa_sendarm *a, json_t *rec)
{
	struct wa_buf lb = { 0 };
	char err[WA_GRAPH_ERRSZ], *lang = NULL, *p;

	if (!a->text && wa_graph_fill(a->tmpl.lang, rec, &lb, err, sizeof err) == 0) {
		lang = wa_strdup(wa_buf_str(&lb));
		for (p = lang; *p; p++)
			if (*p == '-')
				*p = '_';
	}
	wa_buf_free(&lb);
	return lang;
}

/* Does the template cache say arm A's template goes through in LANG? */
int
wa_sendarm_checked(const struct wa_sendarm *a, struct wa_tmpl_cache *tmpls,
    const char *lang, char *err, size_t errsz)
{
	char why[160];

	if (tmpls == NULL || a->text || a->skip || lang == NULL ||
	    wa_tmpl_check(tmpls, a->tmpl.name, lang, a->tmpl.nbody,
	    a->tmpl.htype, wa_sendarm_urls(a), why, sizeof why) == 0)
		return 1;
	snprintf(err, errsz, "template %s: %s", a->tmpl.name, why);
	return 0;
}

/* Does some arm send free-form text? */
int
wa_sendarms_text(const struct wa_sendarms *s)
{
	size_t i;

	for (i = 0; i < s->n && (s->arm[i].text == NULL || s->arm[i].skip); i++)
		;
	return i < s->n;
}

/* Add the fields the arms' placeholders read to NAMES; nonzero when they cannot be listed. */
int
wa_sendarms_fields(const struct wa_sendarms *s, char **names, size_t *n, size_t max)
{
	const struct wa_sendarm *a;
	size_t i;
	int bad = 0;

	for (a = s->arm; a < s->arm + s->n; a++) {
		bad |= wa_graph_fields(a->text, names, n, max);
		bad |= wa_graph_fields(a->tmpl.lang, names, n, max);
		bad |= wa_graph_fields(a->tmpl.header, names, n, max);
		for (i = 0; i < a->tmpl.nbody; i++)
			bad |= wa_graph_fields(a->tmpl.body[i], names, n, max);
		for (i = 0; i < a->tmpl.nbutton; i++)
			bad |= wa_graph_fields(a->tmpl.button[i].text, names, n, max);
	}
	return bad;
}
