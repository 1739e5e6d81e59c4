/* graphans.c: WhatsApp Cloud API answers and error classes. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "send.h"

static const char *
untag(const char *msg, long long *code)
{
	const char *p;
	char *end;
	long long c;

	if (msg == NULL || strncmp(msg, "(#", 2) != 0 ||
	    !isdigit((unsigned char)msg[2]))
		return msg;
	c = strtoll(msg + 2, &end, 10);
	if (*end != ')')
		return msg;
	if (*code < 0)
		*code = c;
	for (p = end + 1; *p == ' '; p++)
		continue;
	return *p != '\0' ? p : msg;
}

static const char *
sget(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL && *s != '\0' ? s : NULL;
}

void
wa_graph_err_read(struct wa_graph_err *e, json_t *o)
{
	const char *t;
	json_t *v;

	memset(e, 0, sizeof *e);
	e->code = e->subcode = -1;
	wa_scrub_json(o);
	if (json_is_integer(v = json_object_get(o, "code")))
		e->code = json_integer_value(v);
	if (json_is_integer(v = json_object_get(o, "error_subcode")))
		e->subcode = json_integer_value(v);
	e->message = sget(o, "message");
	e->type = sget(o, "type");
	e->fbtrace = sget(o, "fbtrace_id");
	e->details = sget(json_object_get(o, "error_data"), "details");
	e->transient = json_is_true(json_object_get(o, "is_transient"));
	t = untag(e->message, &e->code);
	if (sget(o, "title") != NULL)
		t = sget(o, "title");
	e->title = t ? t : e->details ? e->details : "unknown error";
}

int
wa_graph_answer(struct wa_graph_ans *a, long http, const char *body,
    size_t len)
{
	json_t *m, *c, *e;

	memset(a, 0, sizeof *a);
	a->http = http;
	a->err.code = a->err.subcode = -1;
	if (body != NULL && len > 0)
		a->json = json_loadb(body, len, 0, NULL);
	wa_scrub_json(a->json);	/* "Malformed access token EAA..." */
	if (json_is_object(e = json_object_get(a->json, "error"))) {
		wa_graph_err_read(&a->err, e);
		return a->kind = WA_GRAPH_ERROR;
	}
	m = json_array_get(json_object_get(a->json, "messages"), 0);
	if ((a->wamid = sget(m, "id")) != NULL) {
		c = json_array_get(json_object_get(a->json, "contacts"), 0);
		a->wa_id = sget(c, "wa_id");
		a->input = sget(c, "input");
		a->mstatus = sget(m, "message_status");
		return a->kind = WA_GRAPH_SENT;
	}
	snprintf(a->what, sizeof a->what, "%s (HTTP %ld)", a->json ?
	    "unexpected JSON answer" : "no JSON answer", http);
	a->err.title = a->what;
	return a->kind = WA_GRAPH_GARBAGE;
}

void
wa_graph_ans_free(struct wa_graph_ans *a)
{
	json_decref(a->json);
	a->json = NULL;
}

/* cloud-api.md 2.2, with issue 4; sorted by code. */
static const struct {
	long long lo, hi;
	int cls;
} classes[] = {
	{ 0, 0, WA_GC_ACCOUNT },		/* token expired, invalidated */
	{ 1, 2, WA_GC_TRANSIENT },		/* 1 capped by --max-retries */
	{ 3, 3, WA_GC_ACCOUNT },
	{ 4, 4, WA_GC_THROTTLE },		/* app call rate */
	{ 10, 10, WA_GC_ACCOUNT },
	{ 100, 100, WA_GC_CAMPAIGN },		/* recipient when on 'to' */
	{ 190, 190, WA_GC_ACCOUNT },
	{ 200, 299, WA_GC_ACCOUNT },		/* permissions */
	{ 368, 368, WA_GC_ACCOUNT },
	{ 80007, 80007, WA_GC_THROTTLE },	/* WABA rate */
	{ 130403, 130403, WA_GC_RECIPIENT },	/* business blocked the user */
	{ 130429, 130429, WA_GC_THROTTLE },	/* throughput */
	{ 130472, 130472, WA_GC_RECIPIENT },	/* experiment */
	{ 130497, 130497, WA_GC_RECIPIENT },	/* recipient's country */
	{ 131000, 131000, WA_GC_TRANSIENT },
	{ 131005, 131005, WA_GC_ACCOUNT },
	{ 131008, 131009, WA_GC_CAMPAIGN },	/* 131009 recipient on 'to' */
	{ 131016, 131016, WA_GC_TRANSIENT },
	{ 131021, 131021, WA_GC_RECIPIENT },	/* sender is recipient */
	{ 131026, 131026, WA_GC_RECIPIENT },	/* undeliverable */
	{ 131030, 131030, WA_GC_RECIPIENT },	/* not on the test allow-list */
	{ 131031, 131031, WA_GC_ACCOUNT },	/* WABA locked */
	{ 131042, 131042, WA_GC_ACCOUNT },	/* billing */
	{ 131045, 131045, WA_GC_ACCOUNT },	/* number registration */
	{ 131047, 131047, WA_GC_RECIPIENT },	/* 24 h window closed */
	{ 131048, 131048, WA_GC_CAMPAIGN },	/* spam rate limit */
	{ 131049, 131050, WA_GC_RECIPIENT },	/* marketing cap; opted out */
	{ 131051, 131051, WA_GC_CAMPAIGN },	/* unsupported message type */
	{ 131052, 131052, WA_GC_RECIPIENT },	/* media download */
	{ 131053, 131053, WA_GC_CAMPAIGN },	/* media upload */
	{ 131056, 131056, WA_GC_PAIR },
	{ 131057, 131057, WA_GC_TRANSIENT },	/* maintenance mode */
	{ 131063, 131064, WA_GC_CAMPAIGN },	/* marketing off; 131064 */
	{ 132000, 132000, WA_GC_CAMPAIGN },	/* parameter count */
	{ 132001, 132001, WA_GC_LANGUAGE },	/* no such template language */
	{ 132005, 132005, WA_GC_CAMPAIGN },
	{ 132007, 132007, WA_GC_CAMPAIGN },
	{ 132012, 132012, WA_GC_CAMPAIGN },
	{ 132015, 132016, WA_GC_CAMPAIGN },	/* template paused, disabled */
	{ 133004, 133004, WA_GC_TRANSIENT },
	{ 133010, 133010, WA_GC_ACCOUNT },	/* number not registered */
};

static int
classof(long long code)
{
	size_t i;

	for (i = 0; i < sizeof classes / sizeof classes[0]; i++)
		if (code >= classes[i].lo && code <= classes[i].hi)
			return classes[i].cls;
	return WA_GC_UNKNOWN;
}

/* Does S contain PAT, ignoring ASCII case? */
static int
has(const char *s, const char *pat)
{
	size_t i, n = strlen(pat);

	for (; s != NULL && *s != '\0'; s++) {
		for (i = 0; i < n && s[i] != '\0' &&
		    tolower((unsigned char)s[i]) == pat[i]; i++)
			continue;
		if (i == n)
			return 1;
	}
	return 0;
}

/* Does a "bad parameter" error blame the recipient's number? */
static int
blames_to(const struct wa_graph_err *e)
{
	static const char *const pats[] = {
		"'to'", "\"to\"", "`to`", "phone number", "recipient"
	};
	size_t i;

	for (i = 0; i < sizeof pats / sizeof pats[0]; i++)
		if (has(e->details, pats[i]) || has(e->message, pats[i]))
			return 1;
	return 0;
}

int
wa_graph_class(const struct wa_graph_err *e, long http)
{
	int none = e == NULL || e->code < 0;
	int cls = none ? WA_GC_UNKNOWN : classof(e->code);

	if ((e != NULL && (e->code == 100 || e->code == 131009)) &&
	    blames_to(e))
		return WA_GC_RECIPIENT;
	if (cls != WA_GC_UNKNOWN)
		return cls;
	/* A 5xx without Graph's error object is no refusal: wa_graph_outcome. */
	if ((e != NULL && e->transient) || (!none && http >= 500) ||
	    (none && http == 0))
		return WA_GC_TRANSIENT;
	if (http == 429)
		return WA_GC_THROTTLE;
	if (none && http == 401)
		return WA_GC_ACCOUNT;
	return WA_GC_UNKNOWN;
}

int
wa_graph_outcome(const struct wa_graph_ans *a, int sent)
{
	if (a->http == 0)
		return sent ? WA_OUT_UNKNOWN : WA_OUT_REFUSED;
	/* A proxy may have rewritten Graph's answer to a message it took. */
	if (a->http >= 200 && a->http < 300)
		return a->kind == WA_GRAPH_SENT ? WA_OUT_SENT : WA_OUT_UNKNOWN;
	/*
	 * Graph's error object says the message was refused; so does a 3xx or
	 * 4xx, which no gateway gives for a request it passed on. A 5xx page
	 * from a load balancer may come after Graph took the message.
	 */
	if (a->kind == WA_GRAPH_ERROR || a->http < 500)
		return WA_OUT_REFUSED;
	return WA_OUT_UNKNOWN;
}

const char *
wa_graph_classname(int cls)
{
	static const char *const names[] = {
		"unknown", "transient", "throttle", "pair_limit", "recipient",
		"campaign", "template_language", "account"
	};

	if (cls < 0 || (size_t)cls >= sizeof names / sizeof names[0])
		return "unknown";
	return names[cls];
}

int
wa_graph_suppress(long long code)
{
	return code == 131050;
}

int
wa_graph_of_template(long long code)
{
	/* parameters, text too long, format policy, parameter format; paused, disabled */
	return code == 132000 || code == 132005 || code == 132007 ||
	    code == 132012 || code == 132015 || code == 132016;
}

long long
wa_graph_hold(long long code)
{
	/* The per-user marketing cap: Meta asks to wait a day, not forever. */
	return code == 131049 ? 24 * 60 * 60 : -1;
}

long long
wa_graph_pair_wait(int n)
{
	long long s = 1;

	if (n > 15)
		n = 15;
	while (n-- > 0)
		s *= 4;
	return s;
}
