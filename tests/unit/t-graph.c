/* Unit tests for common/graph.c: Cloud API bodies, answers, error classes. */
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "send.h"
#include "tap.h"

#define CANON (JSON_COMPACT | JSON_SORT_KEYS)
#define SPEC "../shared/fixtures/openapi/business-messaging-api_v23.0.yaml"
#define EXCERPT "tests/fixtures/openapi/messages-excerpt.yaml"

/*
 * The request schemas of the send endpoint, transcribed from Meta's
 * OpenAPI spec business-messaging-api_v23.0.yaml (facebook/openapi, blob
 * c9dc2144; see SOURCES.md beside it). "l.N" is the line of the schema's
 * name in that file; yaml_anchors() below checks they still match, in
 * EXCERPT (those schemas, copied into the repository) always and in the
 * whole file when ../shared beside the checkout has it. Only
 * what wa-send builds is here: the text and template messages.
 *
 * POST /{Version}/{Phone-Number-ID}/messages (l.12608) takes Message
 * (l.2080): a discriminator on "type" over TextMessage, TemplateMessage...,
 * each allOf BaseMessageProperties (l.2015) and its own part.
 */
struct schema;
struct prop {
	const char *name;
	const struct schema *s;
};
struct disc {
	const char *value;		/* of the object's "type" */
	const struct schema *s;		/* checked too: an allOf part */
};
struct schema {
	const char *name;		/* the yaml's, for the diagnostics */
	int type;			/* JSON_*; JSON_TRUE: any boolean */
	const char *const *enumv;	/* NULL-ended */
	const char *const *required;	/* NULL-ended */
	const struct prop *props;	/* NULL-ended */
	int closed;			/* no other properties */
	const struct schema *items;
	size_t minitems;
	size_t maxlen;			/* characters; 0: no limit */
	const struct disc *disc;
	const char *(*extra)(json_t *);	/* what the rest cannot say */
};

static char why[512];

static size_t
nchars(const char *s)
{
	size_t n = 0;

	for (; s != NULL && *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int
inlist(const char *s, const char *const *l)
{
	for (; s != NULL && *l != NULL; l++)
		if (strcmp(s, *l) == 0)
			return 1;
	return 0;
}

static const char *
typeof_(json_t *v)
{
	return json_string_value(json_object_get(v, "type"));
}

/* cloud-api.md 5: send "+<cc><number>" (the spec only says string). */
static const char *
x_e164(json_t *v)
{
	const char *s = json_string_value(v);

	return s[0] == '+' && strlen(s) >= 8 && strlen(s) <= 16 &&
	    s[1 + strspn(s + 1, "0123456789")] == '\0' ? NULL :
	    "not + and digits";
}

/*
 * TemplateComponent (l.1627): sub_type and index are "Required when
 * type=button. Not used for other types."
 */
static const char *
x_component(json_t *v)
{
	const char *t = typeof_(v);

	if (strcmp(t, "button") != 0 && (json_object_get(v, "sub_type") ||
	    json_object_get(v, "index")))
		return "sub_type or index outside a button";
	return NULL;
}

/*
 * ButtonComponent (l.1699): index is a string, "Position index of the
 * button (0-9)" (l.1651). Its pattern ^[2-6, 11-14]$ is a broken regex
 * (one character of "2-6, 1-14") that rejects "0" and "7"-"9": the
 * description is followed. Parameters "are payload for quick reply or text
 * for URL buttons".
 */
static const char *
x_button(json_t *v)
{
	const char *ix = json_string_value(json_object_get(v, "index"));
	const char *sub = json_string_value(json_object_get(v, "sub_type"));
	json_t *p;
	size_t i;

	if (ix[0] < '0' || ix[0] > '9' || ix[1] != '\0')
		return "index not a digit 0-9";
	json_array_foreach(json_object_get(v, "parameters"), i, p)
		if (strcmp(sub, "catalog") != 0 && strcmp(typeof_(p),
		    strcmp(sub, "url") == 0 ? "text" : "payload") != 0)
			return "parameter type does not fit the sub_type";
	return NULL;
}

/* MediaObject (l.1859): oneOf: required id, or required link (http(s)). */
static const char *
x_media(json_t *v)
{
	json_t *link = json_object_get(v, "link");

	if ((json_object_get(v, "id") != NULL) == (link != NULL))
		return "not exactly one of id and link";
	if (link && strncmp(json_string_value(link), "https://", 8) != 0 &&
	    strncmp(json_string_value(link), "http://", 7) != 0)
		return "link not HTTP/HTTPS";
	return NULL;
}

static const struct schema S_str = { .name = "string", .type = JSON_STRING };
static const struct schema S_bool = { .name = "boolean", .type = JSON_TRUE };
static const struct schema S_int = { .name = "integer", .type = JSON_INTEGER };

/* MessageRequest (l.3283): the enums of messaging_product and type. */
static const char *const e_product[] = { "whatsapp", NULL };
static const char *const e_msgtype[] = {
	"text", "image", "audio", "video", "document", "location", "contacts",
	"template", "interactive", "reaction", "sticker", NULL
};
/* BaseMessageProperties (l.2015) */
static const char *const e_recipient[] = { "individual", "group", NULL };
static const struct schema S_product = {
	.name = "MessageRequest.messaging_product", .type = JSON_STRING,
	.enumv = e_product
};
static const struct schema S_recipient = {
	.name = "BaseMessageProperties.recipient_type", .type = JSON_STRING,
	.enumv = e_recipient
};
static const struct schema S_to = {
	.name = "BaseMessageProperties.to", .type = JSON_STRING, .extra = x_e164
};
static const struct schema S_msgtype = {
	.name = "MessageRequest.type", .type = JSON_STRING, .enumv = e_msgtype
};
/* MessageContext (l.2043) */
static const struct prop p_context[] = { { "message_id", &S_str }, { 0 } };
static const struct schema S_context = {
	.name = "MessageContext", .type = JSON_OBJECT, .props = p_context
};
/*
 * biz_opaque_callback_data: in this spec only in CallRequestPayload
 * (l.1369, maxLength 512 at l.1478); Meta's send-message reference and
 * status webhook reference (cloud-api.md 1.1) give it to every message.
 */
static const struct schema S_opaque = {
	.name = "biz_opaque_callback_data", .type = JSON_STRING, .maxlen = 512
};

/* TextMessage (l.2107): text is additionalProperties: false. */
static const char *const r_text[] = { "body", NULL };
static const struct schema S_body4096 = {	/* TextMessage_1, l.3329 */
	.name = "TextMessage_1.body", .type = JSON_STRING, .maxlen = 4096
};
static const struct prop p_text[] = {
	{ "body", &S_body4096 }, { "preview_url", &S_bool }, { 0 }
};
static const struct schema S_textobj = {
	.name = "TextMessage.text", .type = JSON_OBJECT, .required = r_text,
	.props = p_text, .closed = 1
};
static const char *const r_textmsg[] = { "text", NULL };
static const struct prop p_textmsg[] = { { "text", &S_textobj }, { 0 } };
static const struct schema S_TextMessage = {
	.name = "TextMessage", .type = JSON_OBJECT, .required = r_textmsg,
	.props = p_textmsg
};

/* CurrencyObject (l.1830), DateTimeObject (l.1850) */
static const char *const r_currency[] = {
	"fallback_value", "code", "amount_1000", NULL
};
static const struct prop p_currency[] = {
	{ "fallback_value", &S_str }, { "code", &S_str },
	{ "amount_1000", &S_int }, { 0 }
};
static const struct schema S_CurrencyObject = {
	.name = "CurrencyObject", .type = JSON_OBJECT, .required = r_currency,
	.props = p_currency
};
static const char *const r_datetime[] = { "fallback_value", NULL };
static const struct prop p_datetime[] = { { "fallback_value", &S_str }, { 0 } };
static const struct schema S_DateTimeObject = {
	.name = "DateTimeObject", .type = JSON_OBJECT, .required = r_datetime,
	.props = p_datetime
};

/*
 * MediaObject (l.1859): id or link; "Captions not supported" in templates,
 * so closed. filename is not in it: the spec's own DocumentMessage examples
 * (l.12736) and cloud-api.md 1.2 carry it, for documents only.
 */
static const struct prop p_media[] = {
	{ "id", &S_str }, { "link", &S_str }, { 0 }
};
static const struct schema S_Media = {
	.name = "MediaObject", .type = JSON_OBJECT, .props = p_media,
	.closed = 1, .extra = x_media
};
static const struct prop p_docmedia[] = {
	{ "id", &S_str }, { "link", &S_str }, { "filename", &S_str }, { 0 }
};
static const struct schema S_DocMedia = {
	.name = "MediaObject+filename", .type = JSON_OBJECT,
	.props = p_docmedia, .closed = 1, .extra = x_media
};

/* TextParameter (l.1753) ... VideoParameter (l.1817) */
static const struct schema S_text32768 = {
	.name = "TextParameter.text", .type = JSON_STRING, .maxlen = 32768
};
#define PARAM(S, NAME, KEY, SUB)					\
	static const char *const r_##S[] = { KEY, NULL };		\
	static const struct prop p_##S[] = { { KEY, SUB }, { 0 } };	\
	static const struct schema S = { .name = NAME,			\
		.type = JSON_OBJECT, .required = r_##S, .props = p_##S }
PARAM(S_TextParameter, "TextParameter", "text", &S_text32768);
PARAM(S_CurrencyParameter, "CurrencyParameter", "currency", &S_CurrencyObject);
PARAM(S_DateTimeParameter, "DateTimeParameter", "date_time", &S_DateTimeObject);
PARAM(S_DocumentParameter, "DocumentParameter", "document", &S_DocMedia);
PARAM(S_ImageParameter, "ImageParameter", "image", &S_Media);
PARAM(S_VideoParameter, "VideoParameter", "video", &S_Media);
/* ButtonPayloadParameter (l.1894), ButtonTextParameter (l.1908) */
PARAM(S_ButtonPayload, "ButtonPayloadParameter", "payload", &S_str);
PARAM(S_ButtonText, "ButtonTextParameter", "text", &S_str);

/* ParameterObject (l.1729): its discriminator on type */
static const struct disc d_param[] = {
	{ "currency", &S_CurrencyParameter },
	{ "date_time", &S_DateTimeParameter },
	{ "document", &S_DocumentParameter },
	{ "image", &S_ImageParameter },
	{ "text", &S_TextParameter },
	{ "video", &S_VideoParameter },
	{ 0 }
};
static const char *const r_type[] = { "type", NULL };
/*
 * The type enum of ParameterObject is narrowed by the descriptions of
 * HeaderComponent (l.1660: image, video, document, text) and BodyComponent
 * (l.1678: text, currency, date_time).
 */
static const char *const e_hparam[] = {
	"image", "video", "document", "text", NULL
};
static const char *const e_bparam[] = { "text", "currency", "date_time", NULL };
static const struct schema S_hptype = {
	.name = "ParameterObject.type", .type = JSON_STRING, .enumv = e_hparam
};
static const struct schema S_bptype = {
	.name = "ParameterObject.type", .type = JSON_STRING, .enumv = e_bparam
};
static const struct prop p_hparam[] = { { "type", &S_hptype }, { 0 } };
static const struct prop p_bparam[] = { { "type", &S_bptype }, { 0 } };
static const struct schema S_HeaderParam = {
	.name = "ParameterObject", .type = JSON_OBJECT, .required = r_type,
	.props = p_hparam, .closed = 1, .disc = d_param
};
static const struct schema S_BodyParam = {
	.name = "ParameterObject", .type = JSON_OBJECT, .required = r_type,
	.props = p_bparam, .closed = 1, .disc = d_param
};
/* ButtonParameterObject (l.1878) */
static const char *const e_btnparam[] = { "payload", "text", NULL };
static const struct schema S_bntype = {
	.name = "ButtonParameterObject.type", .type = JSON_STRING,
	.enumv = e_btnparam
};
static const struct prop p_btnparam[] = { { "type", &S_bntype }, { 0 } };
static const struct disc d_btnparam[] = {
	{ "payload", &S_ButtonPayload }, { "text", &S_ButtonText }, { 0 }
};
static const struct schema S_ButtonParameterObject = {
	.name = "ButtonParameterObject", .type = JSON_OBJECT,
	.required = r_type, .props = p_btnparam, .closed = 1, .disc = d_btnparam
};

/* HeaderComponent (l.1660), BodyComponent (l.1678), ButtonComponent (l.1699) */
static const struct schema S_hparams = {
	.name = "HeaderComponent.parameters", .type = JSON_ARRAY,
	.items = &S_HeaderParam, .minitems = 1
};
static const struct prop p_header[] = { { "parameters", &S_hparams }, { 0 } };
static const struct schema S_HeaderComponent = {
	.name = "HeaderComponent", .type = JSON_OBJECT, .props = p_header
};
static const struct schema S_bparams = {
	.name = "BodyComponent.parameters", .type = JSON_ARRAY,
	.items = &S_BodyParam
};
static const struct prop p_body[] = { { "parameters", &S_bparams }, { 0 } };
static const struct schema S_BodyComponent = {
	.name = "BodyComponent", .type = JSON_OBJECT, .props = p_body
};
static const char *const r_button[] = {
	"sub_type", "index", "parameters", NULL
};
static const struct schema S_btnparams = {
	.name = "ButtonComponent.parameters", .type = JSON_ARRAY,
	.items = &S_ButtonParameterObject, .minitems = 1
};
static const struct prop p_button[] = { { "parameters", &S_btnparams }, { 0 } };
static const struct schema S_ButtonComponent = {
	.name = "ButtonComponent", .type = JSON_OBJECT, .required = r_button,
	.props = p_button, .extra = x_button
};

/* TemplateComponent (l.1627) */
static const char *const e_comptype[] = { "header", "body", "button", NULL };
static const char *const e_subtype[] = { "quick_reply", "url", "catalog",
    NULL };
static const struct schema S_comptype = {
	.name = "TemplateComponent.type", .type = JSON_STRING,
	.enumv = e_comptype
};
static const struct schema S_subtype = {
	.name = "TemplateComponent.sub_type", .type = JSON_STRING,
	.enumv = e_subtype
};
static const struct schema S_anyarray = { .name = "array", .type = JSON_ARRAY };
static const struct prop p_comp[] = {
	{ "type", &S_comptype }, { "sub_type", &S_subtype },
	{ "parameters", &S_anyarray }, { "index", &S_str }, { 0 }
};
static const struct disc d_comp[] = {
	{ "header", &S_HeaderComponent }, { "body", &S_BodyComponent },
	{ "button", &S_ButtonComponent }, { 0 }
};
static const struct schema S_TemplateComponent = {
	.name = "TemplateComponent", .type = JSON_OBJECT, .required = r_type,
	.props = p_comp, .closed = 1, .disc = d_comp, .extra = x_component
};

/* LanguageObject (l.1611): policy is required, enum deterministic. */
static const char *const e_policy[] = { "deterministic", NULL };
static const char *const r_lang[] = { "policy", "code", NULL };
static const struct schema S_policy = {
	.name = "LanguageObject.policy", .type = JSON_STRING, .enumv = e_policy
};
static const struct prop p_lang[] = {
	{ "policy", &S_policy }, { "code", &S_str }, { 0 }
};
static const struct schema S_LanguageObject = {
	.name = "LanguageObject", .type = JSON_OBJECT, .required = r_lang,
	.props = p_lang, .closed = 1
};

/* TemplateObject (l.1577), TemplateMessage (l.2557) */
static const char *const r_tmpl[] = { "name", "language", NULL };
static const struct schema S_components = {
	.name = "TemplateObject.components", .type = JSON_ARRAY,
	.items = &S_TemplateComponent
};
static const struct prop p_tmpl[] = {
	{ "name", &S_str }, { "language", &S_LanguageObject },
	{ "components", &S_components }, { 0 }
};
static const struct schema S_TemplateObject = {
	.name = "TemplateObject", .type = JSON_OBJECT, .required = r_tmpl,
	.props = p_tmpl, .closed = 1
};
static const char *const r_tmplmsg[] = { "template", NULL };
static const struct prop p_tmplmsg[] = {
	{ "template", &S_TemplateObject }, { 0 }
};
static const struct schema S_TemplateMessage = {
	.name = "TemplateMessage", .type = JSON_OBJECT, .required = r_tmplmsg,
	.props = p_tmplmsg
};

/* Message (l.2080) over BaseMessageProperties (l.2015) */
static const char *const r_msg[] = {
	"messaging_product", "recipient_type", "to", "type", NULL
};
static const struct prop p_msg[] = {
	{ "messaging_product", &S_product }, { "recipient_type", &S_recipient },
	{ "to", &S_to }, { "type", &S_msgtype }, { "context", &S_context },
	{ "biz_opaque_callback_data", &S_opaque }, { 0 }
};
static const struct disc d_msg[] = {
	{ "text", &S_TextMessage }, { "template", &S_TemplateMessage }, { 0 }
};
static const struct schema S_Message = {
	.name = "Message", .type = JSON_OBJECT, .required = r_msg,
	.props = p_msg, .closed = 1, .disc = d_msg
};

static int
bad(const char *path, const struct schema *s, const char *what,
    const char *key)
{
	snprintf(why, sizeof why, "%s: %s%s%s (%s)", path, what,
	    key ? " " : "", key ? key : "", s->name);
	return -1;
}

static const struct schema *
pick(const struct schema *s, json_t *v)
{
	const struct disc *d;
	const char *t = typeof_(v);

	for (d = s->disc; d != NULL && d->value != NULL; d++)
		if (t != NULL && strcmp(t, d->value) == 0)
			return d->s;
	return NULL;
}

static int
hasprop(const struct schema *s, const char *k)
{
	const struct prop *p;

	for (p = s != NULL ? s->props : NULL; p && p->name; p++)
		if (strcmp(p->name, k) == 0)
			return 1;
	return 0;
}

static int check(json_t *, const struct schema *, const char *);

static int
checkobj(json_t *v, const struct schema *s, const char *path)
{
	const struct schema *sub = pick(s, v);
	const char *const *r, *k, *w;
	const struct prop *p;
	char kid[256];
	json_t *x;

	for (r = s->required; r && *r; r++)
		if (json_object_get(v, *r) == NULL)
			return bad(path, s, "missing required", *r);
	for (p = s->props; p && p->name; p++) {
		snprintf(kid, sizeof kid, "%s.%s", path, p->name);
		if ((x = json_object_get(v, p->name)) && check(x, p->s, kid))
			return -1;
	}
	json_object_foreach(v, k, x)
		if (s->closed && !hasprop(s, k) && !hasprop(sub, k))
			return bad(path, s, "property not in the schema:", k);
	if (s->disc && sub == NULL)
		return bad(path, s, "no schema for type", typeof_(v));
	if (sub != NULL && check(v, sub, path) < 0)
		return -1;
	if (s->extra && (w = s->extra(v)) != NULL)
		return bad(path, s, w, NULL);
	return 0;
}

/* Does V conform to S? The first reason it does not goes in why. */
static int
check(json_t *v, const struct schema *s, const char *path)
{
	char kid[256];
	json_t *x;
	size_t i;

	if (s->type == JSON_TRUE ? !json_is_boolean(v) :
	    (int)json_typeof(v) != s->type)
		return bad(path, s, "wrong JSON type", NULL);
	if (s->enumv && !inlist(json_string_value(v), s->enumv))
		return bad(path, s, "not in the enum:", json_string_value(v));
	if (s->maxlen && nchars(json_string_value(v)) > s->maxlen)
		return bad(path, s, "longer than maxLength", NULL);
	if (s->type == JSON_OBJECT)
		return checkobj(v, s, path);
	if (s->type != JSON_ARRAY)
		return s->extra && s->extra(v) ? bad(path, s, s->extra(v),
		    NULL) : 0;
	if (json_array_size(v) < s->minitems)
		return bad(path, s, "fewer items than minItems", NULL);
	json_array_foreach(v, i, x) {
		snprintf(kid, sizeof kid, "%s[%zu]", path, i);
		if (s->items && check(x, s->items, kid) < 0)
			return -1;
	}
	return 0;
}

static int
conforms(json_t *body)
{
	why[0] = '\0';
	return check(body, &S_Message, "body") == 0;
}

static const struct {
	int line;
	const char *name;
} anchor[] = {
	{ 1369, "CallRequestPayload" }, { 1577, "TemplateObject" },
	{ 1611, "LanguageObject" }, { 1627, "TemplateComponent" },
	{ 1660, "HeaderComponent" }, { 1678, "BodyComponent" },
	{ 1699, "ButtonComponent" }, { 1729, "ParameterObject" },
	{ 1753, "TextParameter" }, { 1791, "DocumentParameter" },
	{ 1804, "ImageParameter" }, { 1817, "VideoParameter" },
	{ 1859, "MediaObject" }, { 1878, "ButtonParameterObject" },
	{ 2015, "BaseMessageProperties" }, { 2043, "MessageContext" },
	{ 2080, "Message" }, { 2107, "TextMessage" },
	{ 2557, "TemplateMessage" }, { 3283, "MessageRequest" },
	{ 3329, "TextMessage_1" },
};
#define NANCHOR (sizeof anchor / sizeof anchor[0])

/*
 * The excerpt: each schema's lines under "# l.N". Sets at[i] to the index in
 * ex of anchor i's first line (-1: not there); returns the lines read.
 */
static size_t
excerpt_read(FILE *fp, char ex[][1024], size_t max, long at[])
{
	char mark[32];
	size_t n = 0, i;
	int k = -1;

	for (i = 0; i < NANCHOR; i++)
		at[i] = -1;
	while (n < max && fgets(ex[n], sizeof ex[n], fp) != NULL) {
		if (k >= 0 && at[k] < 0)
			at[k] = (long)n;
		k = -1;
		for (i = 0; i < NANCHOR; i++) {
			snprintf(mark, sizeof mark, "# l.%d\n", anchor[i].line);
			if (strcmp(ex[n], mark) == 0)
				k = (int)i;
		}
		n++;
	}
	return n;
}

/* Do the schemas still sit at the quoted lines of the yaml, in the excerpt and whole? */
static void
yaml_anchors(void)
{
	static char ex[1024][1024];
	const char *path = getenv("WA_OPENAPI") ? getenv("WA_OPENAPI") : SPEC;
	FILE *fp = fopen(EXCERPT, "r");
	char line[1024], want[128];
	long at[NANCHOR];
	size_t i, nex = 0, bad_ = 0, diff = 0;
	int n = 0, j;

	if (fp != NULL) {
		nex = excerpt_read(fp, ex, sizeof ex / sizeof ex[0], at);
		fclose(fp);
	}
	for (i = 0; i < NANCHOR; i++) {
		snprintf(want, sizeof want, "    %s:\n", anchor[i].name);
		if (at[i] < 0 || strcmp(ex[at[i]], want) != 0) {
			printf("# %s: no \"# l.%d\" before %s", EXCERPT, anchor[i].line, want);
			bad_++;
		}
	}
	ok(nex > 0 && bad_ == 0, "the transcribed schemas are in the excerpt, under their lines");
	if ((fp = fopen(path, "r")) == NULL) {
		ok(1, "the whole yaml # SKIP no ../shared/fixtures (a clone stands alone)");
		return;
	}
	bad_ = 0;
	for (i = 0; i < NANCHOR; i++) {
		while (n < anchor[i].line && fgets(line, sizeof line, fp) != NULL)
			n++;
		snprintf(want, sizeof want, "    %s:\n", anchor[i].name);
		if (n != anchor[i].line || strcmp(line, want) != 0) {
			printf("# l.%d is not %s", anchor[i].line, want);
			bad_++;
		}
		/* the excerpt's copy, line for line, up to the next mark */
		for (long e = at[i]; e >= 0 && (size_t)e < nex &&
		    strncmp(ex[e], "# l.", 4) != 0; e++) {
			if (e > at[i] && fgets(line, sizeof line, fp) != NULL)
				n++;
			if (strcmp(ex[e], line) != 0 && diff++ == 0)
				printf("# %s differs from the yaml at l.%d\n", EXCERPT, n);
		}
	}
	j = fgets(line, sizeof line, fp) != NULL;
	fclose(fp);
	ok(bad_ == 0 && j,
	    "the transcribed schemas sit at their lines of the yaml");
	ok(diff == 0, "the excerpt is the yaml's own text");
}

/* Compare body B (taken) with WANT as canonical JSON; B must conform. */
static void
body_is(json_t *b, const char *want, const char *what, const char *err)
{
	json_t *w = json_loads(want, 0, NULL);
	char *got = b ? json_dumps(b, CANON) : NULL;
	char *exp = w ? json_dumps(w, CANON) : NULL;
	char name[200];

	if (b == NULL)
		printf("# error: %s\n", err);
	is(got, exp ? exp : "(bad expected JSON)", what);
	snprintf(name, sizeof name, "%s: conforms to the spec", what);
	if (!ok(b != NULL && conforms(b), name))
		printf("# %s\n", why);
	free(got);
	free(exp);
	json_decref(w);
	json_decref(b);
}

/* The builder refused, saying WANT. */
static void
refused(json_t *b, const char *err, const char *want, const char *what)
{
	if (!ok(b == NULL, what))
		json_decref(b);
	else
		is(err, want, what);
}

static const char *
fill(const char *tmpl, json_t *rec)
{
	static struct wa_buf b;
	static char err[WA_GRAPH_ERRSZ];

	if (wa_graph_fill(tmpl, rec, &b, err, sizeof err) < 0) {
		wa_buf_free(&b);
		return err;
	}
	return wa_buf_str(&b);
}

static void
test_fill(void)
{
	json_t *rec = json_loads("{\"first_name\":\"Ana\",\"last_name\":\"\","
	    "\"orders\":42,\"spent\":19.99,\"opt_in\":true,\"vip\":false,"
	    "\"tags\":[\"vip\",\"\",null,\"winback\"],\"none\":[],\"nul\":null,"
	    "\"blank\":\"  \",\"city\":\"S\xc3\xa3o Paulo\",\"obj\":{\"a\":1},"
	    "\"extra\":{\"utm_source\":\"newsletter\",\"n\":{\"deep\":7}}}",
	    0, NULL);
	char err[WA_GRAPH_ERRSZ];

	is(fill("15% off", rec), "15% off", "literal text");
	is(fill("", rec), "", "empty template");
	is(fill("{{first_name}}", rec), "Ana", "{{field}}");
	is(fill("{{first_name|there}}", rec), "Ana",
	    "{{field|default}}, field set");
	is(fill("{{nick|there}}", rec), "there",
	    "{{field|default}}, field missing");
	is(fill("Hi {{first_name|there}}!", rec), "Hi Ana!",
	    "text around kept");
	is(fill("Hi {{nick|there}}!", rec), "Hi there!", "default inside text");
	is(fill("{{ first_name }}", rec), "Ana", "spaces around the field");
	is(fill("{{extra.utm_source}}", rec), "newsletter", "dotted path");
	is(fill("{{extra.n.deep}}", rec), "7", "deeper path, a number");
	is(fill("{{orders}}", rec), "42", "integer");
	is(fill("{{spent}}", rec), "19.99", "real as JSON writes it");
	is(fill("{{opt_in}}/{{vip}}", rec), "true/false", "booleans");
	is(fill("{{tags}}", rec), "vip, winback",
	    "array joined, empty items out");
	is(fill("{{nick}}", rec), "missing field 'nick'",
	    "missing, no default");
	is(fill("Hi {{extra.nope}}", rec), "missing field 'extra.nope'",
	    "missing path, no default");
	is(fill("{{last_name}}", rec), "missing field 'last_name'",
	    "empty string is missing");
	is(fill("{{last_name|-}}", rec), "-", "empty string takes the default");
	is(fill("{{nul}}", rec), "missing field 'nul'", "null is missing");
	is(fill("{{blank}}", rec), "missing field 'blank'", "blank is missing");
	is(fill("{{none|no tags}}", rec), "no tags",
	    "empty array takes the default");
	is(fill("x{{nick|}}y", rec), "xy", "an explicit empty default");
	is(fill("{{nick|a|b}}", rec), "a|b", "default may hold '|'");
	is(fill("Hi {{first_name", rec),
	    "unterminated '{{' in 'Hi {{first_name'",
	    "unterminated {{");
	is(fill("{{a{{b}}", rec), "nested '{{' in '{{a{{b}}'", "nested {{");
	is(fill("{{}}", rec), "bad placeholder '{{}}'", "empty placeholder");
	is(fill("{{ |x}}", rec), "bad placeholder '{{ |x}}'", "no field name");
	is(fill("{{{first_name}}}", rec), "bad placeholder '{{{first_name}}'",
	    "triple braces");
	is(fill("{{first_name}}{{orders}}", rec), "Ana42",
	    "adjacent placeholders");
	is(fill("{{first_name}}}", rec), "Ana}", "a lone } after is text");
	is(fill("a } b { c }}", rec), "a } b { c }}", "stray braces are text");
	is(fill("Ol\xc3\xa1 {{city}} \xf0\x9f\x8e\x89", rec),
	    "Ol\xc3\xa1 S\xc3\xa3o Paulo \xf0\x9f\x8e\x89",
	    "UTF-8 text and value");
	is(fill("{{nick|amigo \xc3\xa7}}", rec), "amigo \xc3\xa7",
	    "UTF-8 default");
	is(fill("{{obj}}", rec), "field 'obj' is an object, not text",
	    "object refused");
	is(fill("{{x|d}}", NULL), "d", "no record: the default");
	is(fill("{{x}}", NULL), "missing field 'x'", "no record: missing");
	isnum(wa_graph_check("Hi {{first_name|there}} {{x}}", err, sizeof err),
	    0,
	    "check: good syntax, fields not looked up");
	isnum(wa_graph_check("Hi {{first_name", err, sizeof err), -1,
	    "check: unterminated");
	json_decref(rec);
}

static void
test_fields(void)
{
	char *names[3];
	size_t n = 0, i;

	isnum(wa_graph_fields("Hi {{ name|there}}, {{extra.utm}} {{extra.x}} {{name}}",
	    names, &n, 3), 0, "fields: read");
	isnum(n, 2, "fields: each once");
	is(n > 1 ? names[1] : "", "extra", "fields: the top level of a path");
	isnum(wa_graph_fields(NULL, names, &n, 3), 0, "fields: none in NULL");
	isnum(wa_graph_fields("{{a}} {{b}}", names, &n, 3), -1,
	    "fields: more than MAX");
	isnum(wa_graph_fields("{{a", names, &n, 3), -1, "fields: bad syntax");
	for (i = 0; i < n; i++)
		free(names[i]);
}

static const struct wa_graph_msg to_br = { "+5511987654321", NULL, NULL };
static const struct wa_graph_msg to_us = { "+16505551234", NULL, NULL };

static void
test_text(void)
{
	struct wa_graph_msg m = to_br;
	char err[WA_GRAPH_ERRSZ], *big;
	json_t *b;
	size_t i;

	body_is(wa_graph_text(&m, "Your order shipped.", NULL, err, sizeof err),
	    "{\"messaging_product\":\"whatsapp\",\"recipient_type\":"
	    "\"individual\","
	    "\"to\":\"+5511987654321\",\"type\":\"text\",\"text\":"
	    "{\"preview_url\":false,\"body\":\"Your order shipped.\"}}",
	    "text message (cloud-api.md 1.2)", err);
	m.to = "16505551234";
	m.reply_to = "wamid.PREV";
	m.opaque = "winback-65d:shopify:42";
	body_is(wa_graph_text(&m, "Thanks {{first_name|}}!", NULL, err,
	    sizeof err),
	    "{\"messaging_product\":\"whatsapp\",\"recipient_type\":"
	    "\"individual\","
	    "\"to\":\"+16505551234\",\"type\":\"text\",\"context\":"
	    "{\"message_id\":"
	    "\"wamid.PREV\"},\"biz_opaque_callback_data\":\"winback-65d:"
	    "shopify:42\","
	    "\"text\":{\"preview_url\":false,\"body\":\"Thanks !\"}}",
	    "reply: wa_id gets its +, context, dedupe key", err);
	m = to_br;
	big = malloc(2 * 4097 + 1);
	for (i = 0; i < 4096; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	big[2 * 4096] = '\0';
	b = wa_graph_text(&m, big, NULL, err, sizeof err);
	ok(b != NULL, "4096 characters (8192 bytes) are within the limit");
	json_decref(b);
	strcat(big, "x");
	refused(wa_graph_text(&m, big, NULL, err, sizeof err), err,
	    "message text is longer than 4096 characters",
	    "4097 characters refused");
	free(big);
	refused(wa_graph_text(&m, "  \n", NULL, err, sizeof err), err,
	    "message text is empty", "blank text refused");
	refused(wa_graph_text(&m, "bad \xff", NULL, err, sizeof err), err,
	    "message text is not valid UTF-8 text", "invalid UTF-8 refused");
	m.to = "+55 11 98765-4321";
	refused(wa_graph_text(&m, "x", NULL, err, sizeof err), err,
	    "'+55 11 98765-4321' is not an E.164 phone number",
	    "raw phone refused");
	m.to = NULL;
	refused(wa_graph_text(&m, "x", NULL, err, sizeof err), err,
	    "'' is not an E.164 phone number", "no phone refused");
}

#define ENV(to) "{\"messaging_product\":\"whatsapp\",\"recipient_type\":" \
	"\"individual\",\"to\":\"" to "\",\"type\":\"template\","
#define LANG(c) "\"language\":{\"policy\":\"deterministic\",\"code\":\"" c "\"}"
#define TEXT(s) "{\"type\":\"text\",\"text\":\"" s "\"}"

static json_t *
tmpl(const struct wa_graph_msg *m, const struct wa_graph_tmpl *t, json_t *rec,
    char *err)
{
	return wa_graph_template(m, t, rec, err, WA_GRAPH_ERRSZ);
}

static void
test_template(void)
{
	static const char *const two[] = { "{{first_name}}", "15%" };
	static const char *const one[] = { "Ana" };
	json_t *rec = json_pack("{s:s,s:s,s:s}", "first_name", "Ana",
	    "lang", "pt-BR", "order", "42");
	struct wa_graph_tmpl t = { "order_update", "en_US", WA_GRAPH_HNONE,
	    NULL,
		NULL, two, 2, NULL, 0 };
	struct wa_graph_button bt[2] = { { WA_GRAPH_BQUICK, 0, "STOP_PROMO" } };
	struct wa_graph_msg m = to_br;
	char err[WA_GRAPH_ERRSZ];

	body_is(tmpl(&m, &t, rec, err), ENV("+5511987654321")
	    "\"template\":{\"name\":\"order_update\"," LANG("en_US") ","
	    "\"components\":[{\"type\":\"body\",\"parameters\":["
	    TEXT("Ana") "," TEXT("15%") "]}]}}",
	    "template with 2 body parameters", err);

	t.htype = WA_GRAPH_HTEXT;
	t.header = "Winter sale";
	t.body = one;
	t.nbody = 1;
	body_is(tmpl(&m, &t, rec, err), ENV("+5511987654321")
	    "\"template\":{\"name\":\"order_update\"," LANG("en_US") ","
	    "\"components\":[{\"type\":\"header\",\"parameters\":["
	    TEXT("Winter sale") "]},{\"type\":\"body\",\"parameters\":["
	    TEXT("Ana") "]}]}}", "template with a text header", err);

	t.htype = WA_GRAPH_HIMAGE;
	t.header = "https://example.com/h.jpg";
	t.nbody = 0;
	body_is(tmpl(&m, &t, rec, err), ENV("+5511987654321")
	    "\"template\":{\"name\":\"order_update\"," LANG("en_US") ","
	    "\"components\":[{\"type\":\"header\",\"parameters\":[{\"type\":"
	    "\"image\",\"image\":{\"link\":\"https:"
	    "//example.com/h.jpg\"}}]}]}}",
	    "template with an image header by link", err);
	t.header = "1234567890";
	body_is(tmpl(&m, &t, rec, err), ENV("+5511987654321")
	    "\"template\":{\"name\":\"order_update\"," LANG("en_US") ","
	    "\"components\":[{\"type\":\"header\",\"parameters\":[{\"type\":"
	    "\"image\",\"image\":{\"id\":\"1234567890\"}}]}]}}",
	    "template with an image header by media id", err);
	t.htype = WA_GRAPH_HVIDEO;
	t.header = "https://example.com/v.mp4";
	body_is(tmpl(&m, &t, rec, err), ENV("+5511987654321")
	    "\"template\":{\"name\":\"order_update\"," LANG("en_US") ","
	    "\"components\":[{\"type\":\"header\",\"parameters\":[{\"type\":"
	    "\"video\",\"video\":{\"link\":\"https:"
	    "//example.com/v.mp4\"}}]}]}}",
	    "template with a video header", err);

	/* cloud-api.md 1.2, the template example less currency and date_time */
	m = to_us;
	t.htype = WA_GRAPH_HDOCUMENT;
	t.header = "https://example.com/r.pdf";
	t.filename = "r.pdf";
	t.body = one;
	t.nbody = 1;
	t.button = bt;
	t.nbutton = 2;
	ok(wa_graph_button_arg("1=order/{{order}}", &bt[1], err,
	    sizeof err) == 0,
	    "--button 1=order/{{order}}");
	body_is(tmpl(&m, &t, rec, err), ENV("+16505551234")
	    "\"template\":{\"name\":\"order_update\"," LANG("en_US") ","
	    "\"components\":[{\"type\":\"header\",\"parameters\":[{\"type\":"
	    "\"document\",\"document\":{\"link\":\"https://example.com/r.pdf\","
	    "\"filename\":\"r.pdf\"}}]},{\"type\":\"body\",\"parameters\":["
	    TEXT("Ana") "]},{\"type\":\"button\",\"sub_type\":\"quick_reply\","
	    "\"index\":\"0\",\"parameters\":[{\"type\":\"payload\",\"payload\":"
	    "\"STOP_PROMO\"}]},{\"type\":\"button\",\"sub_type\":\"url\","
	    "\"index\":\"1\",\"parameters\":[" TEXT("order/42") "]}]}}",
	    "document header with filename, quick reply and url buttons", err);

	t = (struct wa_graph_tmpl){ "winback_offer", "{{lang|en_US}}",
		WA_GRAPH_HNONE, NULL, NULL, NULL, 0, bt + 1, 1 };
	m.reply_to = "wamid.HBgL";
	m.opaque = "winback-65d/shopify:42";
	body_is(tmpl(&m, &t, rec, err), ENV("+16505551234")
	    "\"context\":{\"message_id\":\"wamid.HBgL\"},"
	    "\"biz_opaque_callback_data\":\"winback-65d/shopify:42\","
	    "\"template\":{\"name\":\"winback_offer\"," LANG("pt_BR") ","
	    "\"components\":[{\"type\":\"button\",\"sub_type\":\"url\","
	    "\"index\":\"1\",\"parameters\":[" TEXT("order/42") "]}]}}",
	    "url button only, context, dedupe key, record's pt-BR as pt_BR",
	    err);
	t.nbutton = 0;
	m = to_us;
	body_is(tmpl(&m, &t, NULL, err), ENV("+16505551234")
	    "\"template\":{\"name\":\"winback_offer\"," LANG("en_US") "}}",
	    "no parameters: no components; language default", err);
	t.lang = NULL;
	body_is(tmpl(&m, &t, NULL, err), ENV("+16505551234")
	    "\"template\":{\"name\":\"winback_offer\"," LANG("en_US") "}}",
	    "no language: en_US", err);
	t.lang = "FR";
	body_is(tmpl(&m, &t, NULL, err), ENV("+16505551234")
	    "\"template\":{\"name\":\"winback_offer\"," LANG("fr") "}}",
	    "language FR is fr", err);
	wa_graph_consentq(&t, "consent_request", "en_GB");
	body_is(tmpl(&m, &t, NULL, err), ENV("+16505551234")
	    "\"template\":{\"name\":\"consent_request\"," LANG("en_GB") ","
	    "\"components\":[{\"type\":\"button\",\"sub_type\":\"quick_reply\","
	    "\"index\":\"0\",\"parameters\":[{\"type\":\"payload\",\"payload\":"
	    "\"CONSENT_YES\"}]},{\"type\":\"button\",\"sub_type\":\"quick_reply\","
	    "\"index\":\"1\",\"parameters\":[{\"type\":\"payload\",\"payload\":"
	    "\"CONSENT_NO\"}]}]}}", "the consent question: YES and NO quick replies",
	    err);
	json_decref(rec);
}

static void
test_refusals(void)
{
	static const char *const miss[] = { "{{first_name}}", "x" };
	static const char *const empty[] = { "Ana", "" };
	struct wa_graph_tmpl t = { "order_update", "en_US", WA_GRAPH_HNONE,
	    NULL,
		NULL, miss, 2, NULL, 0 };
	struct wa_graph_button bt[2] = {
		{ WA_GRAPH_BURL, 1, "a" }, { WA_GRAPH_BQUICK, 1, "b" }
	};
	struct wa_graph_msg m = to_br;
	char err[WA_GRAPH_ERRSZ], *s;
	json_t *b;

	refused(tmpl(&m, &t, NULL, err), err, "missing field 'first_name'",
	    "a missing field fails the record");
	t.body = empty;
	refused(tmpl(&m, &t, NULL, err), err, "body parameter 2 is empty",
	    "an empty parameter fails the record");
	t.nbody = 0;
	t.htype = WA_GRAPH_HIMAGE;
	t.header = "h.jpg";
	refused(tmpl(&m, &t, NULL, err), err,
	    "header image 'h.jpg' is neither an http(s) link nor a media id",
	    "header media neither link nor id");
	t.header = "https://example.com/h.jpg";
	t.filename = "h.jpg";
	refused(tmpl(&m, &t, NULL, err), err,
	    "a filename goes with a document header only",
	    "filename on an image");
	t.htype = WA_GRAPH_HNONE;
	t.filename = NULL;
	t.lang = "english";
	refused(tmpl(&m, &t, NULL, err), err, "bad language code 'english'",
	    "bad language code");
	t.lang = "en_US";
	t.name = "Winback Offer";
	refused(tmpl(&m, &t, NULL, err), err,
	    "template name 'Winback Offer' may hold only a-z, 0-9 and _",
	    "bad template name");
	t.name = "x";
	t.button = bt;
	t.nbutton = 2;
	refused(tmpl(&m, &t, NULL, err), err, "two buttons at index 1",
	    "two buttons at one index");
	bt[1].index = 10;
	refused(tmpl(&m, &t, NULL, err), err, "button index 10 is not 0-9",
	    "button index over 9");
	t.nbutton = 0;

	s = malloc(32770);
	memset(s, 'a', 32769);
	s[32769] = '\0';
	t.body = (const char *const *)&s;
	t.nbody = 1;
	refused(tmpl(&m, &t, NULL, err), err,
	    "body parameter 1 is longer than 32768 characters",
	    "a text parameter over 32768 characters");
	s[32768] = '\0';
	ok((b = tmpl(&m, &t, NULL, err)) != NULL && conforms(b),
	    "32768 characters are allowed");
	json_decref(b);
	t.nbody = 0;
	memset(s, 'k', 513);
	s[513] = '\0';
	m.opaque = s;
	refused(tmpl(&m, &t, NULL, err), err,
	    "dedupe key is not UTF-8 text of at most 512 characters",
	    "a dedupe key over 512 characters");
	s[512] = '\0';
	ok((b = tmpl(&m, &t, NULL, err)) != NULL && conforms(b),
	    "a 512-character dedupe key is sent");
	json_decref(b);
	for (int i = 0; i < 512; i++)
		memcpy(s + 2 * i, "\xc3\xa9", 2);
	s[1024] = '\0';
	ok((b = tmpl(&m, &t, NULL, err)) != NULL,
	    "512 characters of 2 bytes too");
	json_decref(b);
	free(s);

	isnum(wa_graph_button_arg("x=1", &bt[0], err, sizeof err), -1,
	    "--button x=1 refused");
	is(err, "button 'x=1': expected INDEX=TEXT with INDEX 0-9",
	    "--button error message");
	isnum(wa_graph_button_arg("1=", &bt[0], err, sizeof err), -1,
	    "--button 1= refused");
	isnum(wa_graph_button_arg("12=a", &bt[0], err, sizeof err), -1,
	    "--button 12=a refused");
	isnum(wa_graph_button_arg("1=a{{b", &bt[0], err, sizeof err), -1,
	    "--button with a bad placeholder refused");
}

#define TO "+15550001234"
#define COMPS ENV(TO) "\"template\":{\"name\":\"x\"," LANG("en") \
	",\"components\":["

/* Bodies that stray from the spec fail the checker. */
static void
test_checker(void)
{
	static const struct {
		const char *json, *what;
	} strays[] = {
		{ ENV(TO) "\"template\":{\"name\":\"x\",\"language\":"
		    "{\"code\":\"en_US\"}}}", "language.policy missing "
		    "(cloud-api.md 1.2's example has none)" },
		{ COMPS
		    "{\"type\":\"button\",\"sub_type\":\"url\","
		    "\"index\":1,\"parameters\":[" TEXT("a") "]}]}}",
		    "index as a number, as in the spec's own examples" },
		{ COMPS
		    "{\"type\":\"button\",\"sub_type\":\"CATALOG\","
		    "\"index\":\"1\",\"parameters\":[" TEXT("a") "]}]}}",
		    "sub_type CATALOG, as in the spec's own examples" },
		{ COMPS
		    "{\"type\":\"button\",\"sub_type\":\"url\","
		    "\"index\":\"10\",\"parameters\":[" TEXT("a") "]}]}}",
		    "index 10" },
		{ COMPS
		    "{\"type\":\"button\",\"sub_type\":\"url\","
		    "\"index\":\"1\",\"parameters\":[{\"type\":\"payload\","
		    "\"payload\":\"a\"}]}]}}", "url button with a payload" },
		{ COMPS
		    "{\"type\":\"button\",\"sub_type\":\"url\","
		    "\"index\":\"1\",\"parameters\":[]}]}}",
		    "button, no parameters" },
		{ COMPS
		    "{\"type\":\"body\",\"parameters\":["
		    "{\"type\":\"txt\",\"text\":\"a\"}]}]}}",
		    "parameter type txt" },
		{ COMPS
		    "{\"type\":\"body\",\"parameters\":["
		    "{\"type\":\"image\",\"image\":{\"id\":\"1\"}}]}]}}",
		    "image in the body" },
		{ COMPS
		    "{\"type\":\"body\",\"parameters\":["
		    "{\"type\":\"text\"}]}]}}", "text parameter without text" },
		{ COMPS
		    "{\"type\":\"body\",\"index\":\"0\","
		    "\"parameters\":[" TEXT("a") "]}]}}", "index on a body" },
		{ COMPS
		    "{\"type\":\"header\",\"parameters\":[]}]}}",
		    "header with no parameters" },
		{ COMPS
		    "{\"type\":\"header\",\"parameters\":[{\"type\":"
		    "\"image\",\"image\":{\"id\":\"1\",\"link\":\"https:"
		    "//a\"}}]}]}}",
		    "media with id and link" },
		{ COMPS
		    "{\"type\":\"header\",\"parameters\":[{\"type\":"
		    "\"image\",\"image\":{\"link\":\"ftp://a\"}}]}]}}",
		    "ftp link" },
		{ COMPS
		    "{\"type\":\"header\",\"parameters\":[{\"type\":"
		    "\"image\",\"image\":{\"link\":\"https://a\",\"caption\":"
		    "\"c\"}}"
		    "]}]}}", "caption on template media" },
		{ COMPS
		    "{\"type\":\"footer\",\"parameters\":[]}]}}",
		    "component type footer" },
		{ ENV(TO) "\"template\":{\"name\":\"x\"}}",
		    "no language" },
		{ ENV(TO) "\"foo\":1,\"template\":{\"name\":\"x\"," LANG("en")
		    "}}", "unknown top-level property" },
		{ ENV("15550001234") "\"template\":{\"name\":\"x\","
		    LANG("en") "}}",
		    "to without +" },
		{ "{\"messaging_product\":\"whatsapp\",\"to\":\"+15550001234\","
		    "\"type\":"
		    "\"text\",\"text\":{\"body\":\"a\"}}",
		    "no recipient_type" },
		{ "{\"messaging_product\":\"whatsapp\",\"recipient_type\":"
		    "\"individual\",\"to\":\"+15550001234\",\"type\":\"text\","
		    "\"text\":"
		    "{\"body\":\"a\",\"preview_url\":\"no\"}}",
		    "preview_url a string" },
		{ "{\"messaging_product\":\"whatsapp\",\"recipient_type\":"
		    "\"individual\",\"to\":\"+15550001234\",\"type\":\"text\","
		    "\"text\":"
		    "{\"body\":\"a\",\"caption\":\"c\"}}", "text.caption" },
		{ "{\"messaging_product\":\"whatsapp\",\"recipient_type\":"
		    "\"individual\",\"to\":\"+15550001234\",\"type\":\"text\"}",
		    "type text without text" },
		{ "{\"messaging_product\":\"sms\",\"recipient_type\":"
		    "\"individual\",\"to\":\"+15550001234\",\"type\":\"text\","
		    "\"text\":"
		    "{\"body\":\"a\"}}", "messaging_product sms" },
	};
	char name[200];
	json_t *j;
	size_t i;

	for (i = 0; i < sizeof strays / sizeof strays[0]; i++) {
		j = json_loads(strays[i].json, 0, NULL);
		snprintf(name, sizeof name, "checker refuses: %s",
		    strays[i].what);
		if (!ok(j != NULL && !conforms(j), name))
			printf("# %s\n",
			    j ? "accepted" : "bad JSON in the test");
		else
			printf("# %s\n", why);
		json_decref(j);
	}
	j = json_loads(ENV("+16505551234") "\"template\":{\"name\":"
	    "\"order_update\"," LANG("en_US") ",\"components\":[{\"type\":"
	    "\"header\",\"parameters\":[{\"type\":\"document\",\"document\":"
	    "{\"link\":\"https://example.com/r.pdf\",\"filename\":"
	    "\"r.pdf\"}}]},"
	    "{\"type\":\"body\",\"parameters\":[" TEXT("Ana") ",{\"type\":"
	    "\"currency\",\"currency\":{\"fallback_value\":\"$100.99\","
	    "\"code\":"
	    "\"USD\",\"amount_1000\":100990}},{\"type\":\"date_time\","
	    "\"date_time\":{\"fallback_value\":\"February 25, 1977\"}}]},"
	    "{\"type\":\"button\",\"sub_type\":\"quick_reply\",\"index\":\"0\","
	    "\"parameters\":[{\"type\":\"payload\",\"payload\":"
	    "\"STOP_PROMO\"}]},"
	    "{\"type\":\"button\",\"sub_type\":\"url\",\"index\":\"1\","
	    "\"parameters\":[" TEXT("order/42") "]}]}}", 0, NULL);
	if (!ok(j != NULL && conforms(j),
	    "checker accepts cloud-api.md 1.2's template example, policy "
	    "added"))
		printf("# %s\n", why);
	json_decref(j);
}

static int
answer(struct wa_graph_ans *a, long http, const char *body)
{
	return wa_graph_answer(a, http, body, body ? strlen(body) : 0);
}

static void
test_answers(void)
{
	struct wa_graph_ans a;
	struct wa_graph_err e;
	json_t *st;

	/* cloud-api.md 1.3 */
	isnum(answer(&a, 200, "{\"messaging_product\":\"whatsapp\",\n"
	    " \"contacts\":[{\"input\":\"+16505551234\",\"wa_id\":"
	    "\"16505551234\"}],\n"
	    " \"messages\":[{\"id\":\"wamid.HBgL...\",\"message_status\":"
	    "\"accepted\"}]}"), WA_GRAPH_SENT, "success answer (1.3)");
	is(a.wamid, "wamid.HBgL...", "wamid");
	is(a.wa_id, "16505551234", "contacts[0].wa_id");
	is(a.input, "+16505551234", "contacts[0].input");
	is(a.mstatus, "accepted", "message_status");
	wa_graph_ans_free(&a);
	isnum(answer(&a, 200, "{\"messages\":[{\"id\":\"wamid.X\"}]}"),
	    WA_GRAPH_SENT, "success without contacts");
	ok(a.wa_id == NULL && a.mstatus == NULL, "no wa_id, no message_status");
	wa_graph_ans_free(&a);

	/* cloud-api.md 2.1 */
	isnum(answer(&a, 400, "{\"error\":{\"message\":\"(#130429) Rate limit "
	    "hit\",\"type\":\"OAuthException\",\"code\":130429,\n "
	    "\"error_data\":"
	    "{\"messaging_product\":\"whatsapp\",\"details\":\"Cloud API "
	    "message "
	    "throughput has been reached.\"},\n \"error_subcode\":2494055,"
	    "\"fbtrace_id\":\"Az8or2yhqkZfEZ-_4Qn_Bam\"}}"), WA_GRAPH_ERROR,
	    "error answer (2.1)");
	isnum(a.err.code, 130429, "code");
	isnum(a.err.subcode, 2494055, "error_subcode");
	is(a.err.title, "Rate limit hit", "title: the message without (#code)");
	is(a.err.message, "(#130429) Rate limit hit", "message");
	is(a.err.details, "Cloud API message throughput has been reached.",
	    "error_data.details");
	is(a.err.fbtrace, "Az8or2yhqkZfEZ-_4Qn_Bam", "fbtrace_id");
	is(a.err.type, "OAuthException", "type");
	is(wa_graph_classname(wa_graph_class(&a.err, a.http)), "throttle",
	    "130429 is throttle");
	ok(a.wamid == NULL, "no wamid in an error");
	wa_graph_ans_free(&a);
	isnum(answer(&a, 401,
	    "{\"error\":{\"message\":\"Error validating access "
	    "token: Session has expired\",\"type\":\"OAuthException\",\"code\":"
	    "190,"
	    "\"fbtrace_id\":\"A\"}}"), WA_GRAPH_ERROR, "error without subcode");
	isnum(a.err.subcode, -1, "subcode absent: -1");
	ok(a.err.details == NULL, "details absent: NULL");
	is(a.err.title, "Error validating access token: Session has expired",
	    "untagged message is the title");
	is(wa_graph_classname(wa_graph_class(&a.err, a.http)), "account",
	    "190 is account");
	wa_graph_ans_free(&a);
	isnum(answer(&a, 400, "{\"error\":{\"message\":\"(#131056) (Business "
	    "Account, Consumer Account) pair rate limit hit\"}}"),
	    WA_GRAPH_ERROR, "error with the code only in the message");
	isnum(a.err.code, 131056, "code read from (#131056)");
	is(wa_graph_classname(wa_graph_class(&a.err, a.http)), "pair_limit",
	    "131056 is pair_limit");
	wa_graph_ans_free(&a);
	isnum(answer(&a, 400, "{\"error\":{\"message\":\"x\",\"code\":4242,"
	    "\"is_transient\":true}}"), WA_GRAPH_ERROR, "is_transient answer");
	is(wa_graph_classname(wa_graph_class(&a.err, a.http)), "transient",
	    "unknown code with is_transient: transient");
	wa_graph_ans_free(&a);

	isnum(answer(&a, 502,
	    "<html><head><title>502 Bad Gateway</title></head>"
	    "<body>nginx</body></html>"), WA_GRAPH_GARBAGE, "HTML 502");
	is(a.err.title, "no JSON answer (HTTP 502)",
	    "HTML 502: no JSON answer");
	isnum(wa_graph_outcome(&a, 1), WA_OUT_UNKNOWN,
	    "HTML 502: it may have been taken, unknown");
	wa_graph_ans_free(&a);
	answer(&a, 504, "<html><body><h1>504 Gateway Time-out</h1></body></html>");
	isnum(wa_graph_outcome(&a, 1), WA_OUT_UNKNOWN, "HTML 504: unknown");
	wa_graph_ans_free(&a);
	answer(&a, 200, "{\"message_id\":\"wamid.X\"}");
	isnum(wa_graph_outcome(&a, 1), WA_OUT_UNKNOWN,
	    "a 200 with message_id, not messages[0].id: unknown");
	wa_graph_ans_free(&a);
	answer(&a, 200, "{\"error\":{\"code\":131000,\"message\":\"x\"}}");
	isnum(wa_graph_outcome(&a, 1), WA_OUT_UNKNOWN,
	    "a 200 with an error object: unknown");
	wa_graph_ans_free(&a);
	answer(&a, 200, "{\"messages\":[{\"id\":\"wamid.Y\"}]}");
	isnum(wa_graph_outcome(&a, 1), WA_OUT_SENT, "a 200 with messages[0].id: sent");
	wa_graph_ans_free(&a);
	answer(&a, 500, "{\"error\":{\"code\":131000,\"message\":\"x\"}}");
	isnum(wa_graph_outcome(&a, 1), WA_OUT_REFUSED,
	    "a 500 with Graph's error object: refused");
	wa_graph_ans_free(&a);
	answer(&a, 429, "");
	isnum(wa_graph_outcome(&a, 1), WA_OUT_REFUSED, "an empty 429: refused");
	wa_graph_ans_free(&a);
	answer(&a, 0, NULL);
	isnum(wa_graph_outcome(&a, 0), WA_OUT_REFUSED,
	    "no answer, the body never all went: refused, safe to retry");
	isnum(wa_graph_outcome(&a, 1), WA_OUT_UNKNOWN,
	    "no answer after the body went: unknown");
	wa_graph_ans_free(&a);
	isnum(answer(&a, 503, ""), WA_GRAPH_GARBAGE, "empty 503");
	is(a.what, "no JSON answer (HTTP 503)", "empty body: no JSON answer");
	wa_graph_ans_free(&a);
	isnum(answer(&a, 200, NULL), WA_GRAPH_GARBAGE, "no body at all");
	is(wa_graph_classname(wa_graph_class(&a.err, a.http)), "unknown",
	    "a 200 without a wamid is unknown: it may have been sent");
	wa_graph_ans_free(&a);
	isnum(answer(&a, 200,
	    "{\"messaging_product\":\"whatsapp\",\"contacts\":"
	    "[{\"input\":\"+1"), WA_GRAPH_GARBAGE, "truncated JSON");
	is(a.what, "no JSON answer (HTTP 200)", "truncated: no JSON answer");
	wa_graph_ans_free(&a);
	isnum(answer(&a, 429, "{\"error\":\"slow down\"}"), WA_GRAPH_GARBAGE,
	    "error as a string");
	is(a.what, "unexpected JSON answer (HTTP 429)",
	    "unexpected JSON answer");
	is(wa_graph_classname(wa_graph_class(&a.err, a.http)), "throttle",
	    "429 without a code is throttle");
	wa_graph_ans_free(&a);

	/* A status webhook's errors[] item: StatusError (l.7413) */
	st = json_loads("{\"code\":131047,\"title\":\"Re-engagement message\","
	    "\"message\":\"Re-engagement message\",\"error_data\":{\"details\":"
	    "\"Message failed to send because more than 24 hours have passed "
	    "since the customer last replied to this number.\"},\"href\":"
	    "\"https://developers.facebook.com/docs/whatsapp/cloud-api/support/"
	    "error-codes/\"}", 0, NULL);
	wa_graph_err_read(&e, st);
	isnum(e.code, 131047, "status error: code");
	is(e.title, "Re-engagement message", "status error: title");
	is(wa_graph_classname(wa_graph_class(&e, 0)), "recipient",
	    "status error 131047 is recipient");
	json_decref(st);
	st = json_loads("{\"code\":999}", 0, NULL);
	wa_graph_err_read(&e, st);
	is(e.title, "unknown error", "an error with nothing to say");
	is(wa_graph_classname(wa_graph_class(&e, 0)), "unknown",
	    "an unknown code in a webhook is unknown, not transient");
	json_decref(st);
}

static void
test_classes(void)
{
	static const struct {
		long long code;
		const char *cls;
	} c[] = {
		{ 2, "transient" }, { 131000, "transient" }, { 131016,
		    "transient" },
		{ 133004, "transient" }, { 131057, "transient" }, { 1,
		    "transient" },
		{ 130429, "throttle" }, { 4, "throttle" }, { 80007,
		    "throttle" },
		{ 131056, "pair_limit" },
		{ 131026, "recipient" }, { 131047, "recipient" },
		{ 131049, "recipient" }, { 131050, "recipient" },
		{ 131052, "recipient" }, { 130472, "recipient" },
		{ 131021, "recipient" }, { 130403, "recipient" },
		{ 130497, "recipient" }, { 131030, "recipient" },
		{ 132000, "campaign" }, { 132005, "campaign" }, { 132007,
		    "campaign" },
		{ 132012, "campaign" }, { 131048, "campaign" }, { 131064,
		    "campaign" },
		{ 132015, "campaign" }, { 132016, "campaign" }, { 131063,
		    "campaign" },
		{ 131051, "campaign" }, { 131053, "campaign" }, { 131008,
		    "campaign" },
		{ 131009, "campaign" }, { 100, "campaign" },
		{ 132001, "template_language" },
		{ 0, "account" }, { 190, "account" }, { 368, "account" },
		{ 131031, "account" }, { 131042, "account" }, { 133010,
		    "account" },
		{ 3, "account" }, { 10, "account" }, { 200, "account" },
		{ 250, "account" }, { 299, "account" }, { 131005, "account" },
		{ 131045, "account" },
		{ 300, "unknown" }, { 131001, "unknown" }, { 999999,
		    "unknown" },
	};
	struct wa_graph_err e = { 0, -1, "t", NULL, NULL, NULL, NULL, 0 };
	char name[80];
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		e.code = c[i].code;
		snprintf(name, sizeof name, "%lld is %s", c[i].code, c[i].cls);
		is(wa_graph_classname(wa_graph_class(&e, 400)), c[i].cls, name);
	}
	e.code = 100;
	e.details = "Invalid parameter 'to'";
	is(wa_graph_classname(wa_graph_class(&e, 400)), "recipient",
	    "100 on 'to' is recipient");
	e.code = 131009;
	e.details = "Recipient phone number not valid";
	is(wa_graph_classname(wa_graph_class(&e, 400)), "recipient",
	    "131009 on the phone number is recipient");
	e.details = "Parameter 'text' is mandatory for component parameter "
	    "type 'text'";
	is(wa_graph_classname(wa_graph_class(&e, 400)), "campaign",
	    "131009 on a template parameter is campaign");
	e.details = NULL;
	e.code = 999999;
	is(wa_graph_classname(wa_graph_class(&e, 500)), "transient",
	    "unknown code on a 5xx is transient");
	e.code = 132000;
	is(wa_graph_classname(wa_graph_class(&e, 500)), "campaign",
	    "a known code wins over a 5xx");
	is(wa_graph_classname(wa_graph_class(NULL, 0)), "transient",
	    "network error before the request was sent is transient");
	is(wa_graph_classname(wa_graph_class(NULL, 504)), "unknown",
	    "5xx without a body is no transient refusal");
	is(wa_graph_classname(wa_graph_class(NULL, 401)), "account",
	    "401 without a body is account");
	is(wa_graph_classname(wa_graph_class(NULL, 404)), "unknown",
	    "404 without a body is unknown");
	ok(wa_graph_suppress(131050), "131050 goes to the suppression list");
	ok(!wa_graph_suppress(131026) && !wa_graph_suppress(131047) &&
	    !wa_graph_suppress(131049), "other recipient errors do not");
	is(wa_graph_classname(WA_GC_ACCOUNT + 1), "unknown", "no such class");
	is(wa_graph_classname(WA_GC_PAIR), "pair_limit", "class names");
	isnum(wa_graph_pair_wait(0), 1, "pair limit: retry after 4^0 s");
	isnum(wa_graph_pair_wait(1), 4, "then 4 s");
	isnum(wa_graph_pair_wait(3), 64, "then 64 s");
	isnum(wa_graph_pair_wait(99), 1073741824, "capped at 4^15 s");
}

static void
test_url(void)
{
	struct wa_buf b = { 0 };
	char err[WA_GRAPH_ERRSZ];

	isnum(wa_graph_url(&b, NULL, "106540352242922", "messages", err,
	    sizeof err), 0, "default API URL");
	is(wa_buf_str(&b), "https://graph.facebook.com/v21.0/106540352242922/"
	    "messages", "graph.facebook.com/v21.0/<id>/messages");
	wa_graph_url(&b, "http://127.0.0.1:8080/v23.0//", "1", "messages", err,
	    sizeof err);
	is(wa_buf_str(&b), "http://127.0.0.1:8080/v23.0/1/messages",
	    "WA_API_URL's trailing slashes dropped");
	wa_graph_url(&b, "", "1", NULL, err, sizeof err);
	is(wa_buf_str(&b), WA_GRAPH_API "/1", "the node itself");
	isnum(wa_graph_url(&b, NULL, "+15551234567", "messages", err,
	    sizeof err),
	    -1, "a phone number is no phone number id");
	is(err, "'+15551234567' is a phone number, not its numeric id",
	    "and says so");
	isnum(wa_graph_url(&b, NULL, "12a", "messages", err, sizeof err), -1,
	    "non-numeric id");
	isnum(wa_graph_url(&b, NULL, "", "messages", err, sizeof err), -1,
	    "empty id");
	isnum(wa_graph_url(&b, "graph.facebook.com", "1", "messages", err,
	    sizeof err), -1, "API URL without scheme");
	wa_buf_free(&b);
}

int
main(void)
{
	yaml_anchors();
	test_fill();
	test_fields();
	test_text();
	test_template();
	test_refusals();
	test_checker();
	test_answers();
	test_classes();
	test_url();
	return done_testing();
}
