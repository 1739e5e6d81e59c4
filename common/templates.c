/* templates.c: the message template cache of wa-templates, checked before sends. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wa.h"
#include "send.h"

#define MAXVARS 128	/* distinct placeholders counted in one text */

static const char *const hnames[] = {
	[WA_GRAPH_HNONE] = "none", [WA_GRAPH_HTEXT] = "text",
	[WA_GRAPH_HIMAGE] = "image", [WA_GRAPH_HVIDEO] = "video",
	[WA_GRAPH_HDOCUMENT] = "document"
};

/* The number of distinct {{...}} placeholders in S: {{1}} twice is one. */
static size_t
nvars(const char *s)
{
	const char *v[MAXVARS], *p, *e;
	size_t len[MAXVARS], n = 0, i;

	for (p = s; p != NULL && (p = strstr(p, "{{")) != NULL; p = e + 2) {
		if ((e = strstr(p + 2, "}}")) == NULL)
			break;
		for (i = 0; i < n; i++)
			if (len[i] == (size_t)(e - p) && memcmp(v[i], p, len[i]) == 0)
				break;
		if (i == n && n < MAXVARS) {
			v[n] = p;
			len[n++] = (size_t)(e - p);
		}
	}
	return n;
}

static json_t *
lower(const char *s)
{
	char buf[64];
	size_t i;

	for (i = 0; s[i] != '\0' && i < sizeof buf - 1; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[i] = '\0';
	return json_string(buf);
}

/* The buttons of a BUTTONS component as [{"type","dynamic"}]. */
static json_t *
buttons(json_t *comp)
{
	json_t *out = json_array(), *b;
	const char *type;
	size_t i;
	int dyn;

	json_array_foreach(json_object_get(comp, "buttons"), i, b) {
		type = wa_json_str(b, "type");
		if (type == NULL)
			type = "other";
		/* A URL with a variable needs its suffix; a coupon, its code. */
		dyn = (strcasecmp(type, "url") == 0 && nvars(wa_json_str(b, "url")) > 0) ||
		    strcasecmp(type, "copy_code") == 0;
		json_array_append_new(out, json_pack("{s:o,s:b}", "type", lower(type),
		    "dynamic", dyn));
	}
	return out;
}

json_t *
wa_tmpl_record(json_t *api)
{
	json_t *r, *c, *comps = json_object_get(api, "components");
	const char *name = wa_json_str(api, "name"), *lang = wa_json_str(api, "language");
	const char *type, *s;
	size_t i;

	if (name == NULL || lang == NULL)
		return NULL;
	r = json_pack("{s:s,s:s}", "name", name, "language", lang);
	json_object_set_new(r, "category", lower((s = wa_json_str(api, "category")) ? s : ""));
	json_object_set_new(r, "status", json_string((s = wa_json_str(api, "status")) ? s : "UNKNOWN"));
	json_object_set_new(r, "body_params", json_integer(0));
	json_object_set_new(r, "header", json_string("none"));
	json_object_set_new(r, "header_params", json_integer(0));
	json_object_set_new(r, "buttons", json_array());
	json_array_foreach(comps, i, c) {
		if ((type = wa_json_str(c, "type")) == NULL)
			continue;
		if (strcasecmp(type, "body") == 0)
			json_object_set_new(r, "body_params",
			    json_integer((json_int_t)nvars(wa_json_str(c, "text"))));
		else if (strcasecmp(type, "header") == 0) {
			s = wa_json_str(c, "format");
			json_object_set_new(r, "header", lower(s ? s : "text"));
			json_object_set_new(r, "header_params",
			    json_integer((json_int_t)nvars(wa_json_str(c, "text"))));
		} else if (strcasecmp(type, "buttons") == 0)
			json_object_set_new(r, "buttons", buttons(c));
	}
	if ((s = wa_json_str(api, "id")) != NULL)
		json_object_set_new(r, "id", json_string(s));
	if (json_is_array(comps))
		json_object_set(r, "components", comps);
	return r;
}

static int
htypeof(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof hnames / sizeof hnames[0]; i++)
		if (strcmp(s, hnames[i]) == 0)
			return (int)i;
	return -1;	/* location and others wa-send cannot fill */
}

/* Fill T from the cache record R; -1 when R is not one. */
static int
readone(struct wa_tmpl *t, json_t *r)
{
	json_t *b;
	size_t i;

	memset(t, 0, sizeof *t);
	t->name = wa_json_str(r, "name");
	t->lang = wa_json_str(r, "language");
	t->status = wa_json_str(r, "status");
	t->category = wa_json_str(r, "category");
	t->header = wa_json_str(r, "header");
	if (t->name == NULL || t->lang == NULL || t->status == NULL ||
	    t->header == NULL || !json_is_integer(json_object_get(r, "body_params")))
		return -1;
	t->htype = htypeof(t->header);
	t->nbody = (size_t)json_integer_value(json_object_get(r, "body_params"));
	t->nhead = (size_t)json_integer_value(json_object_get(r, "header_params"));
	json_array_foreach(json_object_get(r, "buttons"), i, b) {
		t->nbutton++;
		if (json_is_true(json_object_get(b, "dynamic")))
			t->ndynamic++;
	}
	return 0;
}

struct wa_tmpl_cache *
wa_tmpl_read(json_t *doc, char *err, size_t errsz)
{
	struct wa_tmpl_cache *c;
	json_t *list = json_object_get(doc, "templates"), *r;
	size_t i;

	if (!json_is_array(list)) {
		wa_seterr(err, errsz, "no \"templates\" array");
		return NULL;
	}
	c = wa_calloc(1, sizeof *c);
	c->doc = json_incref(doc);
	c->t = wa_calloc(json_array_size(list), sizeof *c->t);
	json_array_foreach(list, i, r) {
		if (readone(&c->t[i], r) < 0) {
			wa_seterr(err, errsz, "template %zu: no name, language, "
			    "status, header or body_params", i + 1);
			wa_tmpl_free(c);
			return NULL;
		}
		c->n++;
	}
	if (wa_time_parse(wa_json_str(doc, "synced_at") ?
	    wa_json_str(doc, "synced_at") : "", WA_DATES_ANY, &c->synced) < 0)
		c->synced = 0;
	return c;
}

struct wa_tmpl_cache *
wa_tmpl_load(const char *path, char *err, size_t errsz)
{
	struct wa_tmpl_cache *c;
	json_error_t je;
	json_t *doc;
	FILE *fp;

	if ((fp = wa_state_read(path)) == NULL) {
		int e = errno;

		wa_seterr(err, errsz, "%s", strerror(e));
		errno = e;
		return NULL;
	}
	doc = json_loadf(fp, 0, &je);
	fclose(fp);
	if (doc == NULL) {
		wa_seterr(err, errsz, "%d:%d: %s", je.line, je.column, je.text);
		errno = EINVAL;
		return NULL;
	}
	if ((c = wa_tmpl_read(doc, err, errsz)) == NULL)
		errno = EINVAL;
	json_decref(doc);
	return c;
}

/* "pt-BR" is sent as pt_BR (graph.c): compare languages the same way. */
static int
samelang(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b && !((*a == '-' || *a == '_') && (*b == '-' || *b == '_')))
			return 0;
	return *a == *b;
}

static int
checkone(const struct wa_tmpl *t, size_t nbody, int htype, size_t nbutton,
    char *err, size_t errsz)
{
	const char *given = htype >= 0 && htype < (int)(sizeof hnames / sizeof hnames[0]) ?
	    hnames[htype] : "?";

	if (strcmp(t->status, "APPROVED") != 0)
		return wa_seterr(err, errsz, "template '%s' (%s) is %s, not APPROVED",
		    t->name, t->lang, t->status);
	if (nbody != t->nbody)
		return wa_seterr(err, errsz, "template '%s' (%s) takes %zu body "
		    "parameter%s, %zu given", t->name, t->lang, t->nbody,
		    t->nbody == 1 ? "" : "s", nbody);
	if (t->htype < 0)
		return wa_seterr(err, errsz, "template '%s' (%s) has a %s header, "
		    "which cannot be sent from here", t->name, t->lang, t->header);
	if (t->htype == WA_GRAPH_HTEXT && htype != WA_GRAPH_HTEXT && t->nhead > 0)
		return wa_seterr(err, errsz, "template '%s' (%s) has a text header "
		    "with a parameter, none given", t->name, t->lang);
	if (t->htype == WA_GRAPH_HTEXT && htype == WA_GRAPH_HTEXT && t->nhead == 0)
		return wa_seterr(err, errsz, "template '%s' (%s) has a fixed text "
		    "header, a header text given", t->name, t->lang);
	if (t->htype != WA_GRAPH_HTEXT && t->htype != htype)
		return wa_seterr(err, errsz, "template '%s' (%s) has %s header, "
		    "%s given", t->name, t->lang, t->htype == WA_GRAPH_HNONE ? "no" :
		    t->header, htype == WA_GRAPH_HNONE ? "none" : given);
	if (nbutton != t->ndynamic)
		return wa_seterr(err, errsz, "template '%s' (%s) takes %zu button "
		    "parameter%s, %zu given", t->name, t->lang, t->ndynamic,
		    t->ndynamic == 1 ? "" : "s", nbutton);
	return 0;
}

int
wa_tmpl_check(const struct wa_tmpl_cache *c, const char *name,
    const char *lang, size_t nbody, int htype, size_t nbutton, char *err,
    size_t errsz)
{
	struct wa_buf langs = { 0 };
	size_t i;
	int named = 0;

	for (i = 0; i < c->n; i++) {
		if (strcmp(c->t[i].name, name) != 0)
			continue;
		if (samelang(c->t[i].lang, lang)) {
			wa_buf_free(&langs);
			return checkone(&c->t[i], nbody, htype, nbutton, err, errsz);
		}
		if (named++ > 0)
			wa_buf_adds(&langs, ", ");
		wa_buf_adds(&langs, c->t[i].lang);
	}
	if (named)
		wa_seterr(err, errsz, "template '%s' has no language '%s' (it has %s)",
		    name, lang, wa_buf_str(&langs));
	else
		wa_seterr(err, errsz, "no template '%s' on the account", name);
	wa_buf_free(&langs);
	return -1;
}

void
wa_tmpl_free(struct wa_tmpl_cache *c)
{
	if (c == NULL)
		return;
	json_decref(c->doc);
	free(c->t);
	free(c);
}
