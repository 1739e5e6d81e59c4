/* graph.c: WhatsApp Cloud API request URLs, bodies and their placeholders. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"
#include "send.h"

#define NUMFLAGS (JSON_ENCODE_ANY | JSON_REAL_PRECISION(15))
#define LETTERS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGITS "0123456789"

/* The state of one body being built: the record and a scratch buffer. */
struct fill {
	json_t *rec;
	struct wa_buf b;
	char *err;
	size_t errsz;
};


static int
isutf8(const char *s)
{
	size_t n = strlen(s);

	return wa_utf8_valid(s, n) == n;
}

static int
blank(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return n == 0;
}

static void
cut(struct wa_buf *b, size_t n)
{
	b->len = n;
	if (b->s != NULL)
		b->s[n] = '\0';
}

static int
ishttp(const char *s)
{
	return strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0;
}

int
wa_graph_url(struct wa_buf *out, const char *base, const char *node,
    const char *edge, char *err, size_t errsz)
{
	size_t n;

	if (base == NULL || *base == '\0')
		base = WA_GRAPH_API;
	if (!ishttp(base))
		return wa_seterr(err, errsz, "API URL '%s' is not an http(s) URL",
		    base);
	if (node == NULL || *node == '\0')
		return wa_seterr(err, errsz, "empty id");
	if (node[0] == '+')
		return wa_seterr(err, errsz,
		    "'%s' is a phone number, not its numeric id", node);
	if (node[strspn(node, DIGITS)] != '\0')
		return wa_seterr(err, errsz, "'%s' is not a numeric id", node);
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	wa_buf_reset(out);
	wa_buf_add(out, base, n);
	wa_buf_addc(out, '/');
	wa_buf_adds(out, node);
	if (edge != NULL && *edge != '\0') {
		wa_buf_addc(out, '/');
		wa_buf_adds(out, edge);
	}
	return 0;
}

char *
wa_graph_target(struct wa_buf *out, const char *hint)
{
	const char *pnid = getenv("WA_PHONE_NUMBER_ID");
	char err[WA_GRAPH_ERRSZ], *tok;

	if ((tok = wa_secret("WA_TOKEN")) == NULL)
		wa_die(WA_EXIT_USAGE, "set WA_TOKEN or WA_TOKEN_FILE%s", hint);
	if (pnid == NULL || *pnid == '\0') {
		wa_secret_free(tok);
		wa_die(WA_EXIT_USAGE, "set WA_PHONE_NUMBER_ID%s", hint);
	}
	if (wa_graph_url(out, getenv("WA_API_URL"), pnid, "messages", err,
	    sizeof err) < 0) {
		wa_secret_free(tok);
		wa_die(WA_EXIT_USAGE, "WA_API_URL/WA_PHONE_NUMBER_ID: %s", err);
	}
	return tok;
}

/*
 * Append the text of V to OUT: numbers as JSON writes them, arrays joined
 * by ", " without their empty items. Returns -1 for an object.
 */
static int
valtext(struct wa_buf *out, json_t *v)
{
	size_t i, mark, start = out->len;
	char *d;

	switch (json_typeof(v)) {
	case JSON_STRING:
		wa_buf_add(out, json_string_value(v), json_string_length(v));
		if (blank(out->s + start, out->len - start))
			cut(out, start);
		return 0;
	case JSON_INTEGER:
	case JSON_REAL:
		if ((d = json_dumps(v, NUMFLAGS)) != NULL)
			wa_buf_adds(out, d);
		free(d);
		return 0;
	case JSON_TRUE:
	case JSON_FALSE:
		wa_buf_adds(out, json_is_true(v) ? "true" : "false");
		return 0;
	case JSON_NULL:
		return 0;
	case JSON_ARRAY:
		for (i = 0; i < json_array_size(v); i++) {
			mark = out->len;
			if (mark > start)
				wa_buf_adds(out, ", ");
			if (valtext(out, json_array_get(v, i)) < 0)
				return -1;
			if (out->len == mark + (mark > start ? 2 : 0))
				cut(out, mark);
		}
		return 0;
	default:
		return -1;
	}
}

/* The top-level fields placeholders read, for wa_graph_fields. */
struct names {
	char **v;
	size_t *n, max;
	int over;
};

/* Add the top-level field of the path KEY to NM, once. */
static void
addname(struct names *nm, const char *key)
{
	size_t i, len = strcspn(key, ".");

	for (i = 0; i < *nm->n; i++)
		if (strlen(nm->v[i]) == len && strncmp(nm->v[i], key, len) == 0)
			return;
	if (*nm->n == nm->max)
		nm->over = 1;
	else
		nm->v[(*nm->n)++] = wa_strndup(key, len);
}

/*
 * The placeholder S of LEN bytes, "field" or "field|default": append its
 * value to OUT, or only check its syntax when OUT is NULL (and add its
 * field to NM unless NULL).
 */
static int
placeholder(const char *s, size_t len, json_t *rec, struct wa_buf *out,
    struct names *nm, char *err, size_t errsz)
{
	const char *e = s + len, *bar = memchr(s, '|', len);
	const char *fs = s, *fe = bar != NULL ? bar : e;
	char key[256];
	size_t n, mark;
	json_t *v;

	while (fs < fe && isspace((unsigned char)*fs))
		fs++;
	while (fe > fs && isspace((unsigned char)fe[-1]))
		fe--;
	n = (size_t)(fe - fs);
	if (n == 0 || n >= sizeof key || memchr(fs, '{', n) != NULL ||
	    memchr(fs, '}', n) != NULL)
		return wa_seterr(err, errsz, "bad placeholder '{{%.*s}}'",
		    (int)len, s);
	memcpy(key, fs, n);
	key[n] = '\0';
	if (nm != NULL)
		addname(nm, key);
	if (out == NULL)
		return 0;
	v = rec != NULL ? wa_json_path(rec, key) : NULL;
	mark = out->len;
	if (v != NULL && valtext(out, v) < 0)
		return wa_seterr(err, errsz, "field '%s' is an object, not text",
		    key);
	if (out->len > mark)
		return 0;
	if (bar == NULL)
		return wa_seterr(err, errsz, "missing field '%s'", key);
	wa_buf_add(out, bar + 1, (size_t)(e - bar - 1));
	return 0;
}

/*
 * Fill TMPL from REC into OUT; OUT NULL: check the syntax only, naming the
 * fields in NM unless NULL.
 */
static int
walk(const char *tmpl, json_t *rec, struct wa_buf *out, struct names *nm,
    char *err, size_t errsz)
{
	const char *p = tmpl, *open;
	size_t n;

	while ((open = strstr(p, "{{")) != NULL) {
		if (out != NULL)
			wa_buf_add(out, p, (size_t)(open - p));
		p = open + 2;
		for (n = 0; p[n] != '\0' && strncmp(p + n, "}}", 2) != 0; n++)
			if (strncmp(p + n, "{{", 2) == 0)
				return wa_seterr(err, errsz,
				    "nested '{{' in '%s'", tmpl);
		if (p[n] == '\0')
			return wa_seterr(err, errsz, "unterminated '{{' in '%s'",
			    tmpl);
		if (placeholder(p, n, rec, out, nm, err, errsz) < 0)
			return -1;
		p += n + 2;
	}
	if (out != NULL)
		wa_buf_adds(out, p);
	return 0;
}

int
wa_graph_fill(const char *tmpl, json_t *rec, struct wa_buf *out, char *err,
    size_t errsz)
{
	wa_buf_reset(out);
	return walk(tmpl, rec, out, NULL, err, errsz);
}

int
wa_graph_check(const char *tmpl, char *err, size_t errsz)
{
	return walk(tmpl, NULL, NULL, NULL, err, errsz);
}

int
wa_graph_fields(const char *tmpl, char **names, size_t *n, size_t max)
{
	struct names nm = { names, n, max, 0 };
	char err[WA_GRAPH_ERRSZ];

	if (tmpl == NULL)
		return 0;
	if (walk(tmpl, NULL, NULL, &nm, err, sizeof err) < 0)
		return -1;
	return nm.over ? -1 : 0;
}

/* TMPL filled as a JSON string for WHAT, or NULL with the reason. */
static json_t *
param(struct fill *f, const char *tmpl, const char *what, size_t max)
{
	const char *s;

	if (wa_graph_fill(tmpl ? tmpl : "", f->rec, &f->b, f->err,
	    f->errsz) < 0)
		return NULL;
	s = wa_buf_str(&f->b);
	if (blank(s, f->b.len))
		wa_seterr(f->err, f->errsz, "%s is empty", what);
	else if (strlen(s) != f->b.len || !isutf8(s))
		wa_seterr(f->err, f->errsz, "%s is not valid UTF-8 text", what);
	else if (wa_utf8_chars(s) > max)
		wa_seterr(f->err, f->errsz, "%s is longer than %zu characters",
		    what, max);
	else
		return json_string(s);
	return NULL;
}

/* {"type":TYPE,KEY:V}: one parameter. */
static json_t *
typed(const char *type, const char *key, json_t *v)
{
	json_t *p = json_object();

	json_object_set_new(p, "type", json_string(type));
	json_object_set_new(p, key, v);
	return p;
}

/* A component with no parameters yet; SUB: a button's sub_type. */
static json_t *
comp(json_t *comps, const char *type, const char *sub, int index)
{
	json_t *c = json_object();
	char ix[4];

	json_object_set_new(c, "type", json_string(type));
	if (sub != NULL) {
		snprintf(ix, sizeof ix, "%d", index);
		json_object_set_new(c, "sub_type", json_string(sub));
		json_object_set_new(c, "index", json_string(ix));
	}
	json_object_set_new(c, "parameters", json_array());
	json_array_append_new(comps, c);
	return json_object_get(c, "parameters");
}

/* "+" and 7 to 15 digits, the first not 0, from an E.164 or a wa_id. */
static int
e164(const char *s, char *out)
{
	size_t n;

	if (s == NULL)
		return -1;
	s += *s == '+';
	n = strlen(s);
	if (n < 7 || n > 15 || s[0] == '0' || s[strspn(s, DIGITS)] != '\0')
		return -1;
	out[0] = '+';
	memcpy(out + 1, s, n + 1);
	return 0;
}

/* What every message has: the product, the recipient, the type. */
static json_t *
envelope(struct fill *f, const struct wa_graph_msg *m, const char *type)
{
	const char *op = m->opaque, *re = m->reply_to;
	char to[WA_PHONE_MAX];
	json_t *msg;

	if (e164(m->to, to) < 0) {
		wa_seterr(f->err, f->errsz, "'%s' is not an E.164 phone number",
		    m->to ? m->to : "");
		return NULL;
	}
	if (op != NULL && *op != '\0' && (!isutf8(op) ||
	    wa_utf8_chars(op) > WA_GRAPH_OPAQUEMAX)) {
		wa_seterr(f->err, f->errsz, "dedupe key is not UTF-8 text of at "
		    "most %d characters", WA_GRAPH_OPAQUEMAX);
		return NULL;
	}
	if (re != NULL && *re != '\0' && !isutf8(re)) {
		wa_seterr(f->err, f->errsz, "message id is not valid UTF-8");
		return NULL;
	}
	msg = json_object();
	json_object_set_new(msg, "messaging_product", json_string("whatsapp"));
	json_object_set_new(msg, "recipient_type", json_string("individual"));
	json_object_set_new(msg, "to", json_string(to));
	json_object_set_new(msg, "type", json_string(type));
	if (re != NULL && *re != '\0')
		json_object_set_new(msg, "context",
		    json_pack("{s:s}", "message_id", re));
	if (op != NULL && *op != '\0')
		json_object_set_new(msg, "biz_opaque_callback_data",
		    json_string(op));
	return msg;
}

/* The header's media object: by http(s) link or by uploaded media id. */
static json_t *
media(struct fill *f, const struct wa_graph_tmpl *t, const char *what)
{
	json_t *v, *o;
	const char *s;

	if ((v = param(f, t->header, what, WA_GRAPH_PARAMMAX)) == NULL)
		return NULL;
	s = json_string_value(v);
	if (!ishttp(s) && s[strspn(s, DIGITS)] != '\0') {
		wa_seterr(f->err, f->errsz,
		    "%s '%s' is neither an http(s) link nor a media id",
		    what, s);
		json_decref(v);
		return NULL;
	}
	o = json_object();
	json_object_set_new(o, ishttp(s) ? "link" : "id", v);
	if (t->filename == NULL || *t->filename == '\0')
		return o;
	if ((v = param(f, t->filename, "document filename", 255)) == NULL) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "filename", v);
	return o;
}

static int
header(struct fill *f, const struct wa_graph_tmpl *t, json_t *comps)
{
	static const char *const types[] = {
		"", "text", "image", "video", "document"
	};
	char what[32];
	json_t *v;

	if (t->htype < WA_GRAPH_HNONE || t->htype > WA_GRAPH_HDOCUMENT)
		return wa_seterr(f->err, f->errsz, "bad header type %d", t->htype);
	if (t->filename != NULL && *t->filename != '\0' &&
	    t->htype != WA_GRAPH_HDOCUMENT)
		return wa_seterr(f->err, f->errsz,
		    "a filename goes with a document header only");
	if (t->htype == WA_GRAPH_HNONE)
		return 0;
	snprintf(what, sizeof what, "header %s", types[t->htype]);
	if (t->htype == WA_GRAPH_HTEXT)
		v = param(f, t->header, what, WA_GRAPH_PARAMMAX);
	else
		v = media(f, t, what);
	if (v == NULL)
		return -1;
	json_array_append_new(comp(comps, "header", NULL, 0),
	    typed(types[t->htype], types[t->htype], v));
	return 0;
}

static int
body(struct fill *f, const struct wa_graph_tmpl *t, json_t *comps)
{
	char what[40];
	json_t *ps, *v;
	size_t i;

	if (t->nbody == 0)
		return 0;
	ps = comp(comps, "body", NULL, 0);
	for (i = 0; i < t->nbody; i++) {
		snprintf(what, sizeof what, "body parameter %zu", i + 1);
		if ((v = param(f, t->body[i], what, WA_GRAPH_PARAMMAX)) == NULL)
			return -1;
		json_array_append_new(ps, typed("text", "text", v));
	}
	return 0;
}

static int
buttons(struct fill *f, const struct wa_graph_tmpl *t, json_t *comps)
{
	const struct wa_graph_button *b;
	unsigned seen = 0;
	char what[40];
	json_t *v;
	size_t i;
	int quick;

	for (i = 0; i < t->nbutton; i++) {
		b = &t->button[i];
		quick = b->type == WA_GRAPH_BQUICK;
		if (!quick && b->type != WA_GRAPH_BURL)
			return wa_seterr(f->err, f->errsz, "bad button type %d",
			    b->type);
		if (b->index < 0 || b->index > 9)
			return wa_seterr(f->err, f->errsz,
			    "button index %d is not 0-9", b->index);
		if (seen & 1u << b->index)
			return wa_seterr(f->err, f->errsz,
			    "two buttons at index %d", b->index);
		seen |= 1u << b->index;
		snprintf(what, sizeof what, "button %d %s", b->index,
		    quick ? "payload" : "URL suffix");
		if ((v = param(f, b->text, what, WA_GRAPH_PARAMMAX)) == NULL)
			return -1;
		json_array_append_new(comp(comps, "button",
		    quick ? "quick_reply" : "url", b->index),
		    quick ? typed("payload", "payload", v) :
		    typed("text", "text", v));
	}
	return 0;
}

/* Template language S as the API spells it ("pt-br" is pt_BR) into OUT[8]. */
static int
langcode(const char *s, char *out)
{
	size_t i, n = strspn(s, LETTERS);

	if (n < 2 || n > 3)
		return -1;
	for (i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[n] = '\0';
	if (s[n] == '\0')
		return 0;
	if ((s[n] != '_' && s[n] != '-') || strspn(s + n + 1, LETTERS) != 2 ||
	    s[n + 3] != '\0')
		return -1;
	out[n] = '_';
	out[n + 1] = (char)toupper((unsigned char)s[n + 1]);
	out[n + 2] = (char)toupper((unsigned char)s[n + 2]);
	out[n + 3] = '\0';
	return 0;
}

/* Name and language of the template object TP. */
static int
naming(struct fill *f, const struct wa_graph_tmpl *t, json_t *tp)
{
	const char *lang = t->lang && *t->lang ? t->lang : "en_US";
	char code[8];
	json_t *v;

	if ((v = param(f, t->name, "template name", 512)) == NULL)
		return -1;
	json_object_set_new(tp, "name", v);
	if (json_string_value(v)[strspn(json_string_value(v),
	    "abcdefghijklmnopqrstuvwxyz0123456789_")] != '\0')
		return wa_seterr(f->err, f->errsz, "template name '%s' may hold "
		    "only a-z, 0-9 and _", json_string_value(v));
	if (wa_graph_fill(lang, f->rec, &f->b, f->err, f->errsz) < 0)
		return -1;
	if (langcode(wa_buf_str(&f->b), code) < 0)
		return wa_seterr(f->err, f->errsz, "bad language code '%s'",
		    wa_buf_str(&f->b));
	/* The spec's LanguageObject requires policy; the live API takes it. */
	json_object_set_new(tp, "language", json_pack("{s:s,s:s}",
	    "policy", "deterministic", "code", code));
	return 0;
}

json_t *
wa_graph_template(const struct wa_graph_msg *m, const struct wa_graph_tmpl *t,
    json_t *rec, char *err, size_t errsz)
{
	struct fill f = { rec, { NULL, 0, 0 }, err, errsz };
	json_t *msg, *tp, *comps;
	int rc = -1;

	if ((msg = envelope(&f, m, "template")) == NULL)
		goto out;
	tp = json_object();
	json_object_set_new(msg, "template", tp);
	if (naming(&f, t, tp) < 0)
		goto out;
	comps = json_array();
	json_object_set_new(tp, "components", comps);
	if (header(&f, t, comps) < 0 || body(&f, t, comps) < 0 ||
	    buttons(&f, t, comps) < 0)
		goto out;
	if (json_array_size(comps) == 0)
		json_object_del(tp, "components");
	rc = 0;
out:
	wa_buf_free(&f.b);
	if (rc == 0)
		return msg;
	json_decref(msg);
	return NULL;
}

json_t *
wa_graph_text(const struct wa_graph_msg *m, const char *text, json_t *rec,
    char *err, size_t errsz)
{
	struct fill f = { rec, { NULL, 0, 0 }, err, errsz };
	json_t *msg, *v = NULL;

	if ((msg = envelope(&f, m, "text")) != NULL &&
	    (v = param(&f, text, "message text", WA_GRAPH_TEXTMAX)) != NULL)
		json_object_set_new(msg, "text", json_pack("{s:b,s:o}",
		    "preview_url", 0, "body", v));
	wa_buf_free(&f.b);
	if (v != NULL)
		return msg;
	json_decref(msg);
	return NULL;
}

json_t *
wa_graph_media(const struct wa_graph_msg *m, const char *type, const char *id,
    const char *caption, const char *filename, json_t *rec, char *err,
    size_t errsz)
{
	struct fill f = { rec, { NULL, 0, 0 }, err, errsz };
	json_t *msg, *o, *v = NULL;

	if ((msg = envelope(&f, m, type)) == NULL)
		return NULL;
	o = json_pack("{s:s}", "id", id);
	json_object_set_new(msg, type, o);
	if (filename != NULL && strcmp(type, "document") == 0)
		json_object_set_new(o, "filename", json_string(filename));
	if (caption == NULL || (v = param(&f, caption, "caption",
	    WA_GRAPH_CAPTIONMAX)) != NULL) {
		if (v != NULL)
			json_object_set_new(o, "caption", v);
		wa_buf_free(&f.b);
		return msg;
	}
	wa_buf_free(&f.b);
	json_decref(msg);
	return NULL;
}

void
wa_graph_consentq(struct wa_graph_tmpl *t, const char *name, const char *lang)
{
	static const struct wa_graph_button yesno[] = {
		{ WA_GRAPH_BQUICK, 0, WA_CONSENT_YES },
		{ WA_GRAPH_BQUICK, 1, WA_CONSENT_NO },
	};

	memset(t, 0, sizeof *t);
	t->name = name;
	t->lang = lang;
	t->button = yesno;
	t->nbutton = 2;
}

int
wa_graph_button_arg(const char *arg, struct wa_graph_button *b, char *err,
    size_t errsz)
{
	if (!isdigit((unsigned char)arg[0]) || arg[1] != '=' || arg[2] == '\0')
		return wa_seterr(err, errsz,
		    "button '%s': expected INDEX=TEXT with INDEX 0-9", arg);
	b->type = WA_GRAPH_BURL;
	b->index = arg[0] - '0';
	b->text = arg + 2;
	return wa_graph_check(b->text, err, errsz);
}
