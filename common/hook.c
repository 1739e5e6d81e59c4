/*
 * hook.c: webhook bodies into event records. Meta's bodies nest statuses
 * and messages in entry[].changes[].value; every one of them becomes one
 * flat record, with phones in E.164 and times in ISO 8601 UTC. Fields
 * come and go between API versions (business-scoped ids in 2026, numbers
 * where strings were), so nothing here assumes a field is there.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "wa.h"
#include "store.h"
#include "hook.h"

struct ctx {
	wa_hook_fn *fn;
	void *arg;
	json_t *value;		/* the change's value */
	const char *pnid;	/* metadata.phone_number_id */
	int n;
};

/* A string or a number as text (ids are sometimes numbers), else NULL. */
static const char *
text(json_t *v, char *buf, size_t sz)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, sz, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	return NULL;
}

static void
copystr(json_t *ev, const char *key, json_t *o, const char *path)
{
	char buf[32];
	const char *s = text(wa_json_path(o, path), buf, sizeof buf);

	if (s && *s)
		json_object_set_new(ev, key, json_string(s));
}

/* A wa_id is digits without '+'; anything else (a group id, a placeholder) is no phone. */
static int
setphone(json_t *ev, const char *key, const char *id)
{
	char e164[WA_PHONE_MAX];
	size_t n;

	if (id == NULL)
		return -1;
	if (*id == '+')
		id++;
	n = strlen(id);
	if (n < 1 || n > 15 || strspn(id, "0123456789") != n)
		return -1;
	e164[0] = '+';
	memcpy(e164 + 1, id, n + 1);
	json_object_set_new(ev, key, json_string(e164));
	return 0;
}

/* "timestamp" is a string of Unix seconds, or a number in older bodies. */
static void
settime(json_t *ev, json_t *ts)
{
	char buf[32];
	const char *s = text(ts, buf, sizeof buf);
	time_t t;

	if (s && wa_time_parse(s, WA_DATES_ANY, &t) == 0)
		wa_json_settime(ev, "at", t);
}

static json_t *
newev(const char *kind)
{
	json_t *ev = json_object();

	json_object_set_new(ev, "event", json_string(kind));
	return ev;
}

static void
emit(struct ctx *c, json_t *ev)
{
	if (c->pnid)
		json_object_set_new(ev, "phone_number_id", json_string(c->pnid));
	c->fn(ev, c->arg);
	c->n++;
}

/* The first item of an errors[] array, flattened. */
static void
seterror(json_t *ev, json_t *errors)
{
	json_t *e = json_array_get(errors, 0), *o;

	if (!json_is_object(e))
		return;
	o = json_object();
	if (json_is_integer(json_object_get(e, "code")))
		json_object_set(o, "code", json_object_get(e, "code"));
	copystr(o, "title", e, "title");
	copystr(o, "message", e, "message");
	copystr(o, "details", e, "error_data.details");
	json_object_set_new(ev, "error", o);
}

static void
status(struct ctx *c, json_t *s)
{
	json_t *ev = newev("status");
	const char *rid = wa_json_str(s, "recipient_id");
	const char *rtype = wa_json_str(s, "recipient_type");
	json_t *pricing = json_object_get(s, "pricing");

	copystr(ev, "wamid", s, "id");
	copystr(ev, "status", s, "status");
	settime(ev, json_object_get(s, "timestamp"));
	if (rtype && strcmp(rtype, "group") == 0) {
		wa_json_setstr(ev, "group", rid);
		rid = wa_json_str(s, "recipient_participant_id");
	}
	setphone(ev, "to", rid);
	copystr(ev, "user_id", s, "recipient_user_id");
	if (json_object_get(ev, "user_id") == NULL)
		copystr(ev, "user_id", s, "recipient_participant_user_id");
	copystr(ev, "key", s, "biz_opaque_callback_data");
	copystr(ev, "category", pricing, "category");
	if (json_object_get(ev, "category") == NULL)
		copystr(ev, "category", s, "conversation.origin.type");
	copystr(ev, "pricing_type", pricing, "type");
	seterror(ev, json_object_get(s, "errors"));
	emit(c, ev);
}

/* The contact who sent M: by wa_id, by business-scoped id, or the only one. */
static json_t *
contact(struct ctx *c, json_t *m)
{
	json_t *cs = json_object_get(c->value, "contacts"), *k;
	const char *from = wa_json_str(m, "from"), *v;
	const char *uid = wa_json_str(m, "from_user_id");
	size_t i;

	json_array_foreach(cs, i, k) {
		if (from && (v = wa_json_str(k, "wa_id")) && strcmp(v, from) == 0)
			return k;
		if (uid && (v = wa_json_str(k, "user_id")) && strcmp(v, uid) == 0)
			return k;
	}
	return json_array_size(cs) == 1 ? json_array_get(cs, 0) : NULL;
}

/* The message types whose object holds the content, for a body that names no type. */
static const char *const types[] = {
	"text", "button", "interactive", "image", "video", "audio", "document",
	"sticker", "location", "contacts", "reaction", "order", "system",
};

static const char *
msgtype(json_t *m)
{
	const char *t = wa_json_str(m, "type");
	size_t i;

	for (i = 0; t == NULL && i < sizeof types / sizeof *types; i++)
		if (json_is_object(json_object_get(m, types[i])) ||
		    json_is_array(json_object_get(m, types[i])))
			t = types[i];
	return t ? t : "unknown";
}

/* What the customer said, as one text, and the id behind a button. */
static void
content(json_t *ev, json_t *m, const char *type)
{
	json_t *o = json_object_get(m, type);
	const char *it = wa_json_str(o, "type");

	if (strcmp(type, "text") == 0) {
		copystr(ev, "text", o, "body");
	} else if (strcmp(type, "button") == 0) {
		copystr(ev, "text", o, "text");
		copystr(ev, "payload", o, "payload");
	} else if (strcmp(type, "interactive") == 0 && it) {
		json_t *r = json_object_get(o, it);

		copystr(ev, "text", r, "title");
		if (json_object_get(ev, "text") == NULL)
			copystr(ev, "text", r, "body");
		copystr(ev, "payload", r, "id");
		if (json_object_get(ev, "payload") == NULL)
			copystr(ev, "payload", r, "response_json");
	} else if (strcmp(type, "reaction") == 0) {
		copystr(ev, "text", o, "emoji");
		copystr(ev, "context", o, "message_id");
	} else if (strcmp(type, "system") == 0) {
		copystr(ev, "text", o, "body");
		setphone(ev, "new_wa_id", wa_json_str(o, "wa_id"));
	} else {
		copystr(ev, "text", o, "caption");
		if (json_object_get(ev, "text") == NULL)
			copystr(ev, "text", o, "text");
		if (o && strcmp(type, "unsupported") != 0)
			json_object_set(ev, "content", o);
	}
}

static void
message(struct ctx *c, json_t *m)
{
	json_t *ev = newev("message"), *k = contact(c, m);
	const char *type = msgtype(m);
	char ref[WA_REF_MAX + 1];

	copystr(ev, "wamid", m, "id");
	setphone(ev, "from", wa_json_str(m, "from"));
	copystr(ev, "user_id", m, "from_user_id");
	if (json_object_get(ev, "user_id") == NULL)
		copystr(ev, "user_id", k, "user_id");
	if (json_object_get(ev, "from") == NULL)
		setphone(ev, "from", wa_json_str(k, "wa_id"));
	copystr(ev, "name", k, "profile.name");
	copystr(ev, "username", k, "profile.username");
	settime(ev, json_object_get(m, "timestamp"));
	json_object_set_new(ev, "type", json_string(type));
	content(ev, m, type);
	if (json_object_get(ev, "context") == NULL)
		copystr(ev, "context", m, "context.id");
	/* the tag a wa-link link puts in the text it fills in */
	if (wa_json_str(ev, "text") &&
	    wa_ref_parse(wa_json_str(ev, "text"), ref, sizeof ref) == 0)
		json_object_set_new(ev, "ref", json_string(ref));
	if (json_is_object(json_object_get(m, "referral")))
		json_object_set(ev, "referral", json_object_get(m, "referral"));
	seterror(ev, json_object_get(m, "errors"));
	emit(c, ev);
}

/* Meta's marketing-preference webhook: stop or resume marketing messages. */
static void
preference(struct ctx *c, json_t *p)
{
	const char *v = wa_json_str(p, "value");
	json_t *ev;

	if (v == NULL || (strcmp(v, "stop") != 0 && strcmp(v, "resume") != 0))
		return;
	ev = newev(strcmp(v, "stop") == 0 ? "opt_out" : "opt_in");
	setphone(ev, "from", wa_json_str(p, "wa_id"));
	copystr(ev, "user_id", p, "user_id");
	settime(ev, json_object_get(p, "timestamp"));
	json_object_set_new(ev, "via", json_string("preferences"));
	copystr(ev, "category", p, "category");
	copystr(ev, "detail", p, "detail");
	emit(c, ev);
}

static void
template(struct ctx *c, json_t *v, json_t *entry)
{
	json_t *ev = newev("template");

	copystr(ev, "template_id", v, "message_template_id");
	copystr(ev, "name", v, "message_template_name");
	copystr(ev, "language", v, "message_template_language");
	copystr(ev, "status", v, "event");
	copystr(ev, "reason", v, "reason");
	settime(ev, json_object_get(entry, "time"));
	emit(c, ev);
}

static void
each(struct ctx *c, json_t *a, void (*fn)(struct ctx *, json_t *))
{
	json_t *x;
	size_t i;

	json_array_foreach(a, i, x)
		if (json_is_object(x))
			fn(c, x);
}

static void
errorev(struct ctx *c, json_t *e)
{
	json_t *ev = newev("error"), *a = json_array();

	json_array_append(a, e);
	seterror(ev, a);
	json_decref(a);
	emit(c, ev);
}

static void
change(struct ctx *c, json_t *ch, json_t *entry)
{
	const char *field = wa_json_str(ch, "field");
	json_t *v = json_object_get(ch, "value"), *ev;

	c->value = v;
	c->pnid = wa_json_str(v, "metadata.phone_number_id");
	if (field && strcmp(field, "messages") == 0) {
		each(c, json_object_get(v, "statuses"), status);
		each(c, json_object_get(v, "messages"), message);
		each(c, json_object_get(v, "errors"), errorev);
	} else if (field && strcmp(field, "user_preferences") == 0) {
		each(c, json_object_get(v, "user_preferences"), preference);
	} else if (field && strcmp(field, "message_template_status_update") == 0) {
		template(c, v, entry);
	} else {
		/* kept whole: a field this version does not know still reaches the spool */
		ev = newev("change");
		wa_json_setstr(ev, "field", field);
		json_object_set(ev, "value", v ? v : json_null());
		settime(ev, json_object_get(entry, "time"));
		emit(c, ev);
	}
}

int
wa_hook_meta(json_t *body, wa_hook_fn *fn, void *arg, char *err, size_t errsz)
{
	struct ctx c = { fn, arg, NULL, NULL, 0 };
	json_t *entries = json_object_get(body, "entry"), *e, *ch;
	size_t i, j;

	if (!json_is_object(body) || !json_is_array(entries)) {
		snprintf(err, errsz, "not a webhook body: no entry array");
		return -1;
	}
	json_array_foreach(entries, i, e) {
		json_array_foreach(json_object_get(e, "changes"), j, ch)
			if (json_is_object(ch))
				change(&c, ch, e);
	}
	return c.n;
}

/* The value at KEY of the object O[0..N), or NULL; its span in [*S, *E). */
static json_t *
member(const char *o, size_t n, const char *key, size_t *s, size_t *e)
{
	if (wa_json_span(o, n, key, s, e) < 0)
		return NULL;
	return json_loadb(o + *s, *e - *s, JSON_DECODE_ANY, NULL);
}

/* An item no parser takes, kept as its text (bytes that are no UTF-8 as U+FFFD). */
static void
rawitem(struct ctx *c, const char *field, const char *p, size_t n,
    json_t *entry)
{
	json_t *ev = newev("change");
	struct wa_buf b = { 0 };
	size_t ok;

	while (n > 0) {
		ok = wa_utf8_valid(p, n);
		wa_buf_add(&b, p, ok);
		if (ok < n)
			wa_buf_adds(&b, "\xef\xbf\xbd");
		ok += ok < n;
		p += ok;
		n -= ok;
	}
	wa_json_setstr(ev, "field", field);
	json_object_set_new(ev, "raw", json_stringn(b.s ? b.s : "", b.len));
	settime(ev, json_object_get(entry, "time"));
	emit(c, ev);
	wa_buf_free(&b);
}

/* The arrays of a change's value whose items are events. */
static const char *const lists[] = {
	"statuses", "messages", "errors", "user_preferences",
};

/* The items of the array at KEY of VAL[0..VN) that parse, into V; the others' spans into BAD. */
static int
items(json_t *v, const char *val, size_t vn, const char *key,
    struct wa_buf *bad)
{
	json_t *arr, *x;
	size_t s, e, at, span[2];

	if (wa_json_span(val, vn, key, &s, &e) < 0 || val[s] != '[')
		return 0;
	arr = json_array();
	for (at = s; wa_json_item(val, e, &at, &span[0], &span[1]) == 0; ) {
		x = json_loadb(val + span[0], span[1] - span[0],
		    JSON_DECODE_ANY, NULL);
		if (x)
			json_array_append_new(arr, x);
		else
			wa_buf_add(bad, span, sizeof span);
	}
	json_object_set_new(v, key, arr);
	return 1;
}

/* A change jansson refuses as a whole: its event items one by one. */
static void
rawchange(struct ctx *c, const char *ch, size_t n, json_t *entry)
{
	static const char *const keep[] = { "messaging_product", "metadata",
	    "contacts" };
	json_t *o = json_object(), *v = json_object(), *fld, *x;
	struct wa_buf bad = { 0 };
	const char *field;
	size_t s, e, i, found = 0, sp[2];

	fld = member(ch, n, "field", &s, &e);
	field = json_is_string(fld) ? json_string_value(fld) : NULL;
	if (wa_json_span(ch, n, "value", &s, &e) == 0 && ch[s] == '{') {
		for (i = 0; i < sizeof keep / sizeof *keep; i++)
			if ((x = member(ch + s, e - s, keep[i], &sp[0], &sp[1])))
				json_object_set_new(v, keep[i], x);
		for (i = 0; i < sizeof lists / sizeof *lists; i++)
			found += items(v, ch + s, e - s, lists[i], &bad);
	}
	if (found == 0) {
		rawitem(c, field, ch, n, entry);
	} else {
		json_object_set(o, "field", fld ? fld : json_null());
		json_object_set(o, "value", v);
		change(c, o, entry);
		for (i = 0; i + sizeof sp <= bad.len; i += sizeof sp) {
			memcpy(sp, bad.s + i, sizeof sp);
			rawitem(c, field, ch + s + sp[0], sp[1] - sp[0], entry);
		}
	}
	c->value = NULL;
	c->pnid = NULL;
	wa_buf_free(&bad);
	json_decref(fld);
	json_decref(v);
	json_decref(o);
}

/* An entry jansson refuses as a whole: its changes one by one. */
static void
rawentry(struct ctx *c, const char *en, size_t n)
{
	json_t *entry = json_object(), *t, *ch;
	size_t s, e, at, cs, ce;

	if ((t = member(en, n, "time", &s, &e)) != NULL)
		json_object_set_new(entry, "time", t);
	if (wa_json_span(en, n, "changes", &s, &e) == 0 && en[s] == '[') {
		for (at = s; wa_json_item(en, e, &at, &cs, &ce) == 0; ) {
			ch = json_loadb(en + cs, ce - cs, JSON_DECODE_ANY, NULL);
			if (json_is_object(ch))
				change(c, ch, entry);
			else if (ch == NULL)
				rawchange(c, en + cs, ce - cs, entry);
			json_decref(ch);
			c->value = NULL;
			c->pnid = NULL;
		}
	}
	json_decref(entry);
}

int
wa_hook_meta_raw(const char *raw, size_t n, wa_hook_fn *fn, void *arg,
    char *err, size_t errsz)
{
	struct ctx c = { fn, arg, NULL, NULL, 0 };
	json_t *e, *ch;
	size_t s, end, at, es, ee, j;

	if (wa_json_span(raw, n, "entry", &s, &end) < 0 || raw[s] != '[') {
		snprintf(err, errsz, "not a webhook body: no entry array");
		return -1;
	}
	for (at = s; wa_json_item(raw, end, &at, &es, &ee) == 0; ) {
		if ((e = json_loadb(raw + es, ee - es, JSON_DECODE_ANY,
		    NULL)) == NULL) {
			rawentry(&c, raw + es, ee - es);
			continue;
		}
		json_array_foreach(json_object_get(e, "changes"), j, ch)
			if (json_is_object(ch))
				change(&c, ch, e);
		json_decref(e);
		c.value = NULL;
		c.pnid = NULL;
	}
	return c.n;
}

void
wa_hook_key(json_t *ev, const char *line, size_t n, struct wa_buf *key)
{
	const char *kind = wa_json_str(ev, "event");
	const char *id = wa_json_str(ev, "wamid");
	const char *st = wa_json_str(ev, "status");
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len;
	char hex[2 * EVP_MAX_MD_SIZE + 1];

	wa_buf_reset(key);
	if (id == NULL)
		id = wa_json_str(ev, "hook_id");
	if (kind && id) {
		wa_buf_adds(key, kind);
		wa_buf_addc(key, 0x1f);
		wa_buf_adds(key, id);
		wa_buf_addc(key, 0x1f);
		wa_buf_adds(key, st ? st : "");
		/* a group message has one status of each kind per member */
		if (wa_json_str(ev, "group")) {
			wa_buf_addc(key, 0x1f);
			wa_buf_adds(key, wa_json_str(ev, "to") ?
			    wa_json_str(ev, "to") : wa_json_str(ev, "user_id") ?
			    wa_json_str(ev, "user_id") : "");
		}
		return;
	}
	/* no id: the record itself, which a redelivery reproduces byte for byte */
	EVP_Digest(line, n, md, &len, EVP_sha256(), NULL);
	wa_buf_addc(key, '#');
	wa_hex_enc(hex, md, len);
	wa_buf_add(key, hex, 2 * len);
}
