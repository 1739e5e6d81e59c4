/* mock-graph: a mock WhatsApp Cloud API (Graph API) server for the tests and the demo. */

/*
 * POST /<version>/<PHONE_NUMBER_ID>/messages is checked the way the Cloud API
 * checks it (token, the phone number id, body shapes, phone digits, template
 * names, languages, parameter counts and types, header text length, the
 * 24-hour window of free-form messages) and answered with the documented
 * success or error shape
 * ({"error":{"message":"(#code) title","type","code","error_data":{details},
 * "fbtrace_id"}}). Every accepted message is one JSON line in the -o log:
 * {"wamid","to","wa_id","type","template","lang","params","header","buttons",
 * "text","media","key","at"}, key being the biz_opaque_callback_data, media
 * a media message's id.
 * GET /<version>/<PHONE_NUMBER_ID>?fields=throughput answers the throughput
 * level; GET /health answers "ok" (never delayed, never failed).
 * GET /<version>/<WABA_ID>/message_templates pages through the templates
 * (-T, else the built-in ones: default_templates);
 * GET and POST .../<PHONE_NUMBER_ID>/whatsapp_business_profile keep a
 * profile in memory, checked as the API checks it (see get_templates).
 *
 * The token is $WA_TOKEN, or the first line of $WA_TOKEN_FILE; never an
 * option. A request without it or with another one gets code 190 (HTTP 401).
 *
 * A free-form message (any type but template) goes only to a number that
 * wrote in the last 24 hours by the mock's clock: a message event in the
 * --inbound spool (wa-hook's format), or a --reply this mock sent.
 * Otherwise 131047, as the Cloud API answers.
 *
 * Faults, checked in this order once a body is valid:
 *   --fail-5xx P          a fraction P of all requests (before anything else)
 *                         get 500/503 JSON (codes 131000, 2) or 502/503 HTML
 *   --error TO=CODE       that recipient ('*': everyone) always gets CODE
 *   --async-error TO=CODE accepted (200, logged), then a "failed" status
 *                         webhook with CODE instead of sent/delivered
 *   --max N               after N accepted messages: 131048 (spam rate limit)
 *   --rate N              over N accepted messages/s (a bucket of N): 130429
 *   --pair-limit[=S]      a message to the same wa_id within S (6) s: 131056
 *   --drop-after-accept P the message is logged as accepted, then the
 *                         connection is closed with no answer
 *   --odd-after-accept P  logged as accepted, then answered 200 with a body
 *                         that is not the success shape ({"message_id"})
 *   --504-after-accept P  logged as accepted, then answered 504 with an
 *                         HTML page, as a gateway that timed out does
 *   --latency MS          added to every answer; connections are suspended,
 *                         not threads, so many slow requests run at once
 * Throttling codes (4, 80007, 130429, 131056) answer HTTP --throttle-status
 * (429; Meta's tables disagree, 400 is the other choice). Random choices come
 * from --seed and the request's (or message's) number in arrival order.
 *
 * With --webhook URL and $WA_APP_SECRET, each accepted message gets signed
 * (X-Hub-Signature-256: sha256=HMAC of the raw body) status webhooks, one
 * every --webhook-delay MS: sent, delivered, then read for a fraction --read,
 * and for a fraction --reply an inbound text reply whose context.id is the
 * wamid. Bodies are escaped like Meta's (non-ASCII as \uXXXX, "/" as "\/").
 * A receiver that is down is warned about, and the webhook is dropped.
 * Their timestamps count from $WA_NOW when it is set, so that a demo with a
 * fixed clock gets webhooks that fit its times.
 *
 * --echo-token answers every request as Graph does a malformed token: 401,
 * code 190, the bearer token it got echoed in the message and the details
 * (the tests check that the wa programs never print it).
 *
 * --sink FILE makes it a webhook receiver instead: POST /webhook appends
 * {"at","sig","body"} (the raw body as a string) to FILE.
 *
 * Media, kept in memory: POST /<PHONE_NUMBER_ID>/media takes a
 * multipart/form-data upload (messaging_product, type, file), checked as
 * the Cloud API checks it (a type it takes, the file's content of that
 * type, its size limit: 131053 otherwise) and answers {"id"}.
 * GET /<MEDIA_ID> answers {"messaging_product","url","mime_type","sha256",
 * "file_size","id"}; the url, /whatsapp_business/attachments/?mid=ID on
 * this server, needs the bearer token too. A media message (image,
 * document, video, audio, sticker) by id must name an uploaded media of
 * its type. --media ID=FILE adds one at start, as a customer's photo.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <microhttpd.h>
#include <openssl/crypto.h>

#include "wa.h"
#include "send.h"
#include "hook.h"

#define MAXBODY (1 << 20)
#define MAXMEDIA (WA_MEDIA_MAX + (1 << 16))	/* an upload: the largest file and its form */
#define DETLEN 320
#define WABA_ID "102290129340398"
#define DISPLAY "15550783881"
#define TH (-1)			/* HTTP status: the --throttle-status */

enum { S_5XX = 1, S_DROP, S_READ, S_REPLY, S_TEXT, S_TRACE, S_HIDE };
enum { EV_SENT, EV_DELIVERED, EV_READ, EV_REPLY, EV_FAILED };

struct req {
	struct wa_buf body;
	int big, ready, drop, nodelay, status;
	size_t max;		/* of the body */
	char *out;
	size_t outlen;		/* 0: strlen(out) */
	const char *ctype;
	struct MHD_Connection *conn;
	uint64_t due;
	struct req *next;
};

struct msg {
	const char *to, *type, *tname, *lang, *text, *key, *category, *media;
	char wa_id[WA_PHONE_MAX];
	json_t *params, *header, *buttons;	/* owned */
};

struct tpl {
	char *name, *lang, *header, *category, *status;
	int body, hparams, nbtn;
	char btype[10], bdyn[10];	/* 'u' url, 'q' quick_reply, 'o' other */
};

struct inj {
	char to[WA_PHONE_MAX];
	int code, async;
};

struct rcpt {
	uint64_t last;
	struct rcpt *next;
};

struct ev {
	struct ev *next;
	uint64_t due, seq, n;
	int kind, code;
	char *wamid, *wa_id, *pnid, *key, *category;
};

struct media {
	char id[24], sha[65];
	const struct wa_media_kind *k;
	char *data;
	size_t len;
	struct media *next;
};

struct errdef {
	int code, http;
	const char *title;
};

static const struct errdef errdefs[] = {
	{ 0, 401, "We were unable to authenticate the app user" },
	{ 1, 400, "Invalid request or possible server error" },
	{ 2, 503, "Service temporarily unavailable" },
	{ 3, 403, "Capability or permissions issue" },
	{ 4, TH, "Application request limit reached" },
	{ 10, 403, "Permission denied" },
	{ 100, 400, "Invalid parameter" },
	{ 190, 401, "Invalid OAuth access token - Cannot parse access token" },
	{ 200, 403, "Permission denied" },
	{ 368, 403, "Temporarily blocked for policies violations" },
	{ 80007, TH, "Rate limit issues" },
	{ 130429, TH, "Rate limit hit" },
	{ 130472, 400, "User's number is part of an experiment" },
	{ 130497, 403, "Business account is restricted from messaging users in this country" },
	{ 131000, 500, "Something went wrong" },
	{ 131005, 403, "Access denied" },
	{ 131008, 400, "Required parameter is missing" },
	{ 131009, 400, "Parameter value is not valid" },
	{ 131016, 503, "Service unavailable" },
	{ 131021, 400, "Recipient cannot be sender" },
	{ 131026, 400, "Message undeliverable" },
	{ 131031, 403, "Business Account locked" },
	{ 131042, 400, "Business eligibility payment issue" },
	{ 131045, 400, "Incorrect certificate" },
	{ 131047, 400, "Re-engagement message" },
	{ 131048, 400, "Spam rate limit hit" },
	{ 131049, 400, "This message was not delivered to maintain healthy ecosystem engagement." },
	{ 131050, 400, "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business." },
	{ 131051, 400, "Unsupported message type" },
	{ 131053, 400, "Media upload error" },
	{ 131056, TH, "(Business Account, Consumer Account) pair rate limit hit" },
	{ 131057, 400, "Account in maintenance mode" },
	{ 131064, 400, "Messaging limit reached because of template classification violations" },
	{ 132000, 400, "Number of parameters does not match the expected number of params" },
	{ 132001, 404, "Template name does not exist in the translation" },
	{ 132005, 400, "Translated text too long" },
	{ 132007, 400, "Template Format Character Policy Violated" },
	{ 132012, 400, "Parameter format does not match format in the created template" },
	{ 132015, 400, "Template is Paused" },
	{ 132016, 400, "Template is Disabled" },
	{ 132018, 400, "There's an issue with the parameters in your template" },
	{ 133004, 503, "Server temporarily unavailable" },
	{ 133010, 400, "Phone number Not Registered" },
};

static const char *names[] = { "Ana Souza", "Priya", "Jonas Müller", "Fatima",
	"Chloé", "Tomás", "Mei", "Oluwaseun" };
static const char *replies[] = { "Thanks!", "Is this still available?",
	"Yes please", "STOP", "Obrigada, até já", "Can I pay on delivery / COD?" };

/* options */
static const char *listen_at = "127.0.0.1:0", *logpath, *tplpath, *sinkpath;
static const char *hook_url, *phone_id = "106540352242922", *reply_text;
static const char *inpath;	/* --inbound: a wa-hook spool of who wrote */
static long latency_ms, hook_delay = 200, pair_secs;
static double rate, p5xx, pdrop, p_read = 0.6, p_reply = 0.05, podd, p504;
static unsigned long long seed = 1;
static long long maxmsg = -1;
static int throttle_status = 429, strict, public_ok, echo_token;
static struct inj *injs;
static size_t ninjs;

static char *token, *secret;
static struct tpl *tpls;
static size_t ntpls;
static uint64_t started;	/* wall clock seconds, for wamids */

/* mu guards the counters, the bucket, the pair table and the files */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static FILE *logfp;
static unsigned long long nmsg, nin;
static double tokens;
static uint64_t tokens_at;
static struct wa_hash *pairs;
static struct rcpt *rcpts;
static struct wa_window *filewin, *ownwin;	/* --inbound's, the replies' */
static struct media *medias;	/* uploaded, newest first */
static unsigned long long nmedia;
static struct stat inst;	/* --inbound as last read */
static atomic_ullong nreq;

/* the latency queue: suspended connections in the order they are due */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct req *head, *tail;
	int stop;
} dq = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* the webhook queues, one per stage, each in due order */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct ev *head[4], *tail[4];
	uint64_t seq;
	int stop;
} hq = { .mu = PTHREAD_MUTEX_INITIALIZER };

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
iso_now(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;
	char s[24];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, n, "%s.%03ldZ", s, ts.tv_nsec / 1000000);
}

/* Wait on CV until the monotonic time DUE (ms). */
static void
wait_until(pthread_cond_t *cv, pthread_mutex_t *m, uint64_t due)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(due / 1000);
	ts.tv_nsec = (long)(due % 1000) * 1000000;
	pthread_cond_timedwait(cv, m, &ts);
}

static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* A number in [0, 1) for event N of kind SALT, the same for the same --seed. */
static double
chance(uint64_t n, int salt)
{
	return (double)(mix(seed ^ mix(n * 8 + (uint64_t)salt)) >> 11) * 0x1.0p-53;
}

/* Digits of a phone number as the API reads one, or -1 when it is no number. */
static int
phone_digits(const char *s, char *out)
{
	size_t n = 0;
	int plus = 0;

	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (n >= 15)
				return -1;
			out[n++] = *s;
		} else if (*s == '+' && n == 0 && !plus)
			plus = 1;
		else if (!strchr(" -()", *s))
			return -1;
	}
	out[n] = '\0';
	return n >= 7 && out[0] != '0' ? 0 : -1;
}

static const struct errdef *
errdef(int code)
{
	static const struct errdef other = { 0, 400, "Error" };
	size_t i;

	for (i = 0; i < sizeof errdefs / sizeof errdefs[0]; i++)
		if (errdefs[i].code == code)
			return &errdefs[i];
	return &other;
}

static void
set_json(struct req *r, int status, json_t *o)
{
	r->status = status;
	r->out = o ? json_dumps(o, JSON_COMPACT) : NULL;
	r->ctype = "application/json; charset=UTF-8";
	json_decref(o);
	if (r->out == NULL) {	/* json_pack met a string that was not UTF-8 */
		r->status = 500;
		r->out = wa_strdup("{\"error\":{\"message\":\"(#1) mock-graph: "
		    "cannot build the answer\",\"type\":\"OAuthException\",\"code\":1}}");
	}
}

static void
set_text(struct req *r, int status, const char *ctype, const char *s)
{
	r->status = status;
	r->out = wa_strdup(s);
	r->ctype = ctype;
}

static void
trace_id(char *buf, uint64_t n)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	uint64_t h = mix(n ^ 0x5eed);
	int i;

	for (i = 0; i < 23; i++, h = mix(h))
		buf[i] = b64[h & 63];
	buf[23] = '\0';
}

/* The documented error shape; 190 has neither "(#190)" nor error_data. */
static void
set_error(struct req *r, uint64_t n, int code, const char *details)
{
	const struct errdef *e = errdef(code);
	char msg[DETLEN], tr[24], d[DETLEN];
	json_t *err;

	/* snprintf may have cut the details in the middle of a character */
	snprintf(d, sizeof d, "%s", details && *details ? details : e->title);
	d[wa_utf8_valid(d, strlen(d))] = '\0';
	if (code == 190)
		snprintf(msg, sizeof msg, "%s", e->title);
	else
		snprintf(msg, sizeof msg, "(#%d) %s", code, e->title);
	trace_id(tr, n);
	err = json_pack("{s:s,s:s,s:i}", "message", msg, "type",
	    "OAuthException", "code", code);
	if (code != 190)
		json_object_set_new(err, "error_data", json_pack("{s:s,s:s}",
		    "messaging_product", "whatsapp", "details", d));
	json_object_set_new(err, "fbtrace_id", json_string(tr));
	set_json(r, e->http == TH ? throttle_status : e->http,
	    json_pack("{s:o}", "error", err));
}

static void
set_5xx(struct req *r, uint64_t n)
{
	switch (mix(seed ^ n) % 4) {
	case 0:
		set_error(r, n, 131000, "Something went wrong. Please try again later.");
		break;
	case 1:
		set_error(r, n, 2, "Service temporarily unavailable");
		break;
	case 2:
		set_text(r, 502, "text/html", "<html><head><title>502 Bad Gateway"
		    "</title></head><body><h1>502 Bad Gateway</h1></body></html>\n");
		break;
	default:
		set_text(r, 503, "text/html", "<!DOCTYPE html><html><body><h1>"
		    "Sorry, something went wrong.</h1><p>We're working on it."
		    "</p></body></html>\n");
	}
}

/* --echo-token: Graph's answer to a token it cannot parse, which repeats it. */
static void
set_echo(struct MHD_Connection *c, struct req *r)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	char *m = wa_strjoin("Malformed access token ", "", h && strlen(h) > 7 ?
	    h + 7 : "");

	set_json(r, 401, json_pack("{s:{s:s,s:s,s:i,s:{s:s}}}", "error",
	    "message", m, "type", "OAuthException", "code", 190, "error_data",
	    "details", m));
	free(m);
}

/* Graph's answer to a path or method it does not know. */
static void
set_patherr(struct req *r, uint64_t n, const char *method, const char *id)
{
	char msg[DETLEN], tr[24];

	snprintf(msg, sizeof msg, "Unsupported %s request. Object with ID '%s' "
	    "does not exist, cannot be loaded due to missing permissions, or "
	    "does not support this operation.", method, id ? id : "");
	for (char *p = msg + 12; *p && *p != ' '; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	trace_id(tr, n);
	set_json(r, 400, json_pack("{s:{s:s,s:s,s:i,s:i,s:s}}", "error",
	    "message", msg, "type", "GraphMethodException", "code", 100,
	    "error_subcode", 33, "fbtrace_id", tr));
}

#define FAIL(code, ...) do { \
	snprintf(det, DETLEN, __VA_ARGS__); \
	return (code); \
} while (0)

/* A media object: exactly one of id and link, an HTTP(S) link. */
static int
check_media(json_t *o, const char *what, int caption, char *det)
{
	const char *id = json_string_value(json_object_get(o, "id"));
	const char *link = json_string_value(json_object_get(o, "link"));
	const char *cap = json_string_value(json_object_get(o, "caption"));

	if (!json_is_object(o))
		FAIL(100, "The parameter %s is required", what);
	if ((id == NULL || !*id) && (link == NULL || !*link))
		FAIL(131008, "Parameter %s must have either 'id' or 'link'", what);
	if (id && link)
		FAIL(100, "Parameter %s must have either 'id' or 'link', not both", what);
	if (link && strncmp(link, "https://", 8) != 0 &&
	    strncmp(link, "http://", 7) != 0)
		FAIL(131009, "%s['link'] must be an HTTP or HTTPS URL", what);
	if (cap && (!caption || wa_utf8_chars(cap) > 1024))
		FAIL(100, "Param %s['caption'] is not allowed or over 1024 characters", what);
	return 0;
}

/* The media ID; under mu. */
static struct media *
find_media(const char *id)
{
	struct media *m;

	for (m = medias; m; m = m->next)
		if (strcmp(m->id, id) == 0)
			return m;
	return NULL;
}

/* Keep LEN bytes of DATA (taken) of kind K as media ID (NULL: a new id), copied to OUT. */
static void
add_media(char *data, size_t len, const struct wa_media_kind *k, const char *id,
    char *out, size_t outsz)
{
	struct media *m = wa_calloc(1, sizeof *m);

	m->k = k;
	m->data = data;
	m->len = len;
	wa_media_sha256(data, len, m->sha);
	pthread_mutex_lock(&mu);
	if (id)
		snprintf(m->id, sizeof m->id, "%s", id);
	else	/* Graph's ids are numbers of 15 or 16 digits */
		snprintf(m->id, sizeof m->id, "%llu", 1000000000000000ULL +
		    mix(seed ^ 0x3ed1a000ULL ^ nmedia) % 8000000000000000ULL);
	nmedia++;
	m->next = medias;
	medias = m;
	pthread_mutex_unlock(&mu);
	if (out)
		snprintf(out, outsz, "%s", m->id);
}

/* A media message's id: an uploaded media of that message's type. */
static int
check_media_id(json_t *o, const char *type, char *det)
{
	const char *id = json_string_value(json_object_get(o, "id"));
	const struct media *m;
	int code = 0;

	if (id == NULL)
		return 0;
	pthread_mutex_lock(&mu);
	if ((m = find_media(id)) == NULL)
		code = 131009, snprintf(det, DETLEN, "Parameter %s['id']: no media "
		    "%.32s was uploaded", type, id);
	else if (strcmp(m->k->type, type) != 0)
		code = 131053, snprintf(det, DETLEN, "Media %.32s is %s, not an %s",
		    id, m->k->mime, type);
	pthread_mutex_unlock(&mu);
	return code;
}

/* One template parameter; its text (or link) goes in *VAL. */
static int
check_param(json_t *p, const char *where, int body, const char **val, char *det)
{
	const char *type = json_string_value(json_object_get(p, "type"));
	const char *s;
	json_t *o;
	int code;

	if (type == NULL)
		FAIL(100, "%s: the parameter type is required", where);
	if (strcmp(type, "text") == 0) {
		if ((s = json_string_value(json_object_get(p, "text"))) == NULL)
			FAIL(100, "Parameter 'text' is mandatory for component parameter type 'text'");
		if (*s == '\0')
			FAIL(131008, "Parameter of type text is missing text value");
		if (wa_utf8_chars(s) > 32768)
			FAIL(100, "%s: text parameters are at most 32768 characters", where);
		if (body && (strpbrk(s, "\n\t") || strstr(s, "     ")))
			FAIL(132018, "Param text cannot have new-line/tab characters or more than 4 consecutive spaces");
		*val = s;
	} else if (strcmp(type, "currency") == 0 || strcmp(type, "date_time") == 0) {
		o = json_object_get(p, type);
		if ((s = json_string_value(json_object_get(o, "fallback_value"))) == NULL)
			FAIL(100, "The parameter %s['fallback_value'] is required", type);
		if (*type == 'c' && (!json_is_string(json_object_get(o, "code")) ||
		    !json_is_integer(json_object_get(o, "amount_1000"))))
			FAIL(100, "currency needs 'code' and an integer 'amount_1000'");
		*val = s;
	} else if (strcmp(type, "image") == 0 || strcmp(type, "document") == 0 ||
	    strcmp(type, "video") == 0) {
		o = json_object_get(p, type);
		if ((code = check_media(o, type, 0, det)) != 0)
			return code;
		if ((*val = json_string_value(json_object_get(o, "link"))) == NULL)
			*val = json_string_value(json_object_get(o, "id"));
	} else if (strcmp(type, "payload") == 0) {
		if ((s = json_string_value(json_object_get(p, "payload"))) == NULL)
			FAIL(100, "The parameter payload is required");
		*val = s;
	} else
		FAIL(100, "%s: unsupported parameter type '%s'", where, type);
	return 0;
}

/*
 * The parameter types each component takes (cloud-api.md 1.2): a body's
 * are text, currency or date_time, else the format differs from the
 * template's (132012); a header's are text or a media type, checked
 * against the template's format by the caller; a URL button takes a text
 * (its suffix), a quick reply a payload, else the parameter is invalid
 * (100). COMP is "body", "header" or the button's sub_type.
 */
static int
check_ptype(const char *comp, json_t *p, char *det)
{
	const char *t = json_string_value(json_object_get(p, "type"));
	const char *want;

	if (t == NULL)
		return 0;	/* check_param says so */
	if (strcmp(comp, "body") == 0) {
		if (strcmp(t, "text") && strcmp(t, "currency") && strcmp(t, "date_time"))
			FAIL(132012, "body: Format mismatch, expected TEXT, CURRENCY or DATE_TIME, received %s", t);
		return 0;
	}
	if (strcmp(comp, "header") == 0) {
		if (strcmp(t, "text") && strcmp(t, "image") && strcmp(t, "video") &&
		    strcmp(t, "document"))
			FAIL(132012, "header: Format mismatch, received %s", t);
		return 0;
	}
	want = strcmp(comp, "url") == 0 ? "text" :
	    strcmp(comp, "quick_reply") == 0 ? "payload" : NULL;
	if (want && strcmp(t, want) != 0)
		FAIL(100, "Invalid parameter: a %s button takes a %s parameter, not %s",
		    comp, want, t);
	return 0;
}

/* A header text over 60 characters once filled in, as tpl_api writes it, is too long. */
static int
check_htext(const struct tpl *tp, json_t *p, const char *val, char *det)
{
	const char *t = json_string_value(json_object_get(p, "type"));
	size_t n = wa_utf8_chars(val) + (tp && tp->hparams ? strlen("Hello ") : 0);

	if (t && strcmp(t, "text") == 0 && n > 60)
		FAIL(132005, "header: the text is %zu characters, at most 60", n);
	return 0;
}

static const struct tpl *
find_tpl(const char *name, const char *lang)
{
	size_t i;

	for (i = 0; i < ntpls; i++)
		if (strcmp(tpls[i].name, name) == 0 &&
		    strcmp(tpls[i].lang, lang) == 0)
			return &tpls[i];
	return NULL;
}

static int
check_template(json_t *t, struct msg *m, char *det)
{
	const struct tpl *tp = NULL;
	json_t *comps, *c, *ps, *p;
	const char *ctype, *sub, *ptype, *val, *idx, *pol;
	char where[32], *end;
	int code, nbody = 0, nhead = 0, seen[10] = { 0 };
	size_t i, j;
	long bi = 0;

	m->tname = json_string_value(json_object_get(t, "name"));
	m->lang = json_string_value(json_object_get(json_object_get(t, "language"), "code"));
	pol = json_string_value(json_object_get(json_object_get(t, "language"), "policy"));
	if (m->tname == NULL || !*m->tname)
		FAIL(100, "The parameter template['name'] is required");
	if (m->lang == NULL || !*m->lang)
		FAIL(100, "The parameter template['language']['code'] is required");
	if ((pol && strcmp(pol, "deterministic") != 0) || (strict && !pol))
		FAIL(100, "template['language']['policy'] must be 'deterministic'");
	if (ntpls > 0) {
		if ((tp = find_tpl(m->tname, m->lang)) == NULL)
			FAIL(132001, "template name (%s) does not exist in %s", m->tname, m->lang);
		if (strcmp(tp->status, "PAUSED") == 0)
			FAIL(132015, "template %s is paused for low quality", m->tname);
		if (strcmp(tp->status, "DISABLED") == 0)
			FAIL(132016, "template %s is disabled", m->tname);
		if (strcmp(tp->status, "APPROVED") != 0)
			FAIL(132001, "template name (%s) is not approved in %s", m->tname, m->lang);
		m->category = tp->category;
	}
	comps = json_object_get(t, "components");
	if (comps && !json_is_array(comps))
		FAIL(100, "Param template['components'] must be an array");
	json_array_foreach(comps, i, c) {
		ctype = json_string_value(json_object_get(c, "type"));
		ps = json_object_get(c, "parameters");
		if (ctype == NULL)
			FAIL(100, "The parameter components[%zu]['type'] is required", i);
		if (ps && !json_is_array(ps))
			FAIL(100, "components[%zu]['parameters'] must be an array", i);
		if (strcasecmp(ctype, "body") == 0) {
			json_array_foreach(ps, j, p) {
				snprintf(where, sizeof where, "body[%zu]", j);
				if ((code = check_ptype("body", p, det)) != 0 ||
				    (code = check_param(p, where, 1, &val, det)) != 0)
					return code;
				json_array_append_new(m->params, json_string(val));
				nbody++;
			}
		} else if (strcasecmp(ctype, "header") == 0) {
			json_array_foreach(ps, j, p) {
				if ((code = check_ptype("header", p, det)) != 0 ||
				    (code = check_param(p, "header", 1, &val, det)) != 0 ||
				    (code = check_htext(tp, p, val, det)) != 0)
					return code;
				ptype = json_string_value(json_object_get(p, "type"));
				if (tp && strcmp(tp->header, "none") != 0 &&
				    strcmp(tp->header, ptype) != 0)
					FAIL(132012, "header: Format mismatch, expected %s, received %s",
					    tp->header, ptype);
				json_decref(m->header);
				m->header = json_string(val);
				nhead++;
			}
		} else if (strcasecmp(ctype, "button") == 0) {
			sub = json_string_value(json_object_get(c, "sub_type"));
			idx = json_string_value(json_object_get(c, "index"));
			if (idx == NULL && !strict && json_is_integer(json_object_get(c, "index")))
				bi = (long)json_integer_value(json_object_get(c, "index"));
			else if (idx == NULL || (bi = strtol(idx, &end, 10), *end || !*idx))
				FAIL(100, "The parameter components[%zu]['index'] is required", i);
			if (sub == NULL)
				FAIL(100, "The parameter components[%zu]['sub_type'] is required", i);
			if (bi < 0 || bi > 9 || (tp && (bi >= tp->nbtn ||
			    tp->btype[bi] != (strcmp(sub, "url") == 0 ? 'u' :
			    strcmp(sub, "quick_reply") == 0 ? 'q' : 'o'))))
				FAIL(131009, "buttons: the template has no %s button at index %ld", sub, bi);
			json_array_foreach(ps, j, p) {
				if ((code = check_ptype(sub, p, det)) != 0 ||
				    (code = check_param(p, "button", 0, &val, det)) != 0)
					return code;
				json_array_append_new(m->buttons, json_string(val));
			}
			seen[bi] = (int)json_array_size(ps);
		} else
			FAIL(100, "Invalid component type '%s'", ctype);
	}
	if (tp == NULL)
		return 0;
	if (nbody != tp->body)
		FAIL(132000, "body: number of localizable_params (%d) does not match the expected number of params (%d)",
		    nbody, tp->body);
	if (strcmp(tp->header, "none") == 0 || strcmp(tp->header, "text") == 0) {
		if (nhead != tp->hparams)
			FAIL(132000, "header: number of localizable_params (%d) does not match the expected number of params (%d)",
			    nhead, tp->hparams);
	} else if (nhead != 1)
		FAIL(132012, "header: Format mismatch, expected %s, received UNKNOWN", tp->header);
	for (bi = 0; bi < tp->nbtn; bi++)
		if (tp->bdyn[bi] && seen[bi] != 1)
			FAIL(131008, "buttons: Button at index %ld of type Url requires a parameter", bi);
	return 0;
}

static int
check_interactive(json_t *o, char *det)
{
	const char *type = wa_json_str(o, "type"), *body = wa_json_str(o, "body.text");
	const char *foot = wa_json_str(o, "footer.text"), *id, *title;
	json_t *act = json_object_get(o, "action"), *bs, *b;
	size_t i, j;

	if (type == NULL || !json_is_object(act))
		FAIL(100, "The parameters interactive['type'] and ['action'] are required");
	if ((body == NULL || !*body) && (strcmp(type, "button") == 0 ||
	    strcmp(type, "list") == 0 || strcmp(type, "cta_url") == 0))
		FAIL(100, "The parameter interactive['body']['text'] is required");
	if ((body && wa_utf8_chars(body) > 1024) || (foot && wa_utf8_chars(foot) > 60))
		FAIL(100, "interactive: body is at most 1024 characters, footer 60");
	if (strcmp(type, "button") != 0)
		return 0;
	bs = json_object_get(act, "buttons");
	if (!json_is_array(bs) || json_array_size(bs) < 1 || json_array_size(bs) > 3)
		FAIL(131009, "interactive['action']['buttons'] must have 1 to 3 buttons");
	json_array_foreach(bs, i, b) {
		id = wa_json_str(b, "reply.id");
		title = wa_json_str(b, "reply.title");
		if (!json_is_string(json_object_get(b, "type")) || id == NULL || title == NULL)
			FAIL(100, "buttons[%zu] needs type, reply.id and reply.title", i);
		if (!*id || wa_utf8_chars(id) > 256 || !*title || wa_utf8_chars(title) > 20)
			FAIL(131009, "buttons[%zu]: id is 1 to 256 characters, title 1 to 20", i);
		for (j = 0; j < i; j++)
			if (strcmp(id, wa_json_str(json_array_get(bs, j), "reply.id")) == 0 ||
			    strcmp(title, wa_json_str(json_array_get(bs, j), "reply.title")) == 0)
				FAIL(131009, "buttons[%zu]: button ids and titles must be unique", i);
	}
	return 0;
}

/* Check a /messages body like the Cloud API; fills M. Returns 0 or an error code. */
static int
validate(json_t *b, struct msg *m, char *det)
{
	static const char *types[] = { "text", "template", "image", "document",
		"interactive", "audio", "video", "sticker", "location", "contacts",
		"reaction" };
	const char *mp = json_string_value(json_object_get(b, "messaging_product"));
	const char *rt = json_string_value(json_object_get(b, "recipient_type"));
	json_t *o, *ctx = json_object_get(b, "context"), *k;
	size_t i;
	int code;

	if (!json_is_object(b) || mp == NULL)
		FAIL(100, "The parameter messaging_product is required");
	if (strcmp(mp, "whatsapp") != 0)
		FAIL(100, "Param messaging_product must be 'whatsapp'");
	if ((rt == NULL && (strict || json_object_get(b, "recipient_type"))) ||
	    (rt && strcmp(rt, "individual") != 0 && strcmp(rt, "group") != 0))
		FAIL(100, "Param recipient_type must be 'individual' or 'group'");
	if (rt && strcmp(rt, "group") == 0)
		FAIL(131009, "group messages are not simulated by mock-graph");
	if ((m->to = json_string_value(json_object_get(b, "to"))) == NULL)
		FAIL(100, "The parameter to is required");
	if (phone_digits(m->to, m->wa_id) != 0)
		FAIL(131009, "Invalid parameter 'to': '%.40s' is not a phone number", m->to);
	if ((m->type = json_string_value(json_object_get(b, "type"))) == NULL) {
		if (strict || json_object_get(b, "type"))
			FAIL(100, "The parameter type is required");
		m->type = "text";	/* the live API's default */
	}
	for (i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(m->type, types[i]) == 0)
			break;
	if (i == sizeof types / sizeof types[0])
		FAIL(100, "Param type must be one of {TEXT, TEMPLATE, IMAGE, DOCUMENT, "
		    "INTERACTIVE, AUDIO, VIDEO, STICKER, LOCATION, CONTACTS, REACTION}");
	if (ctx && !json_is_string(json_object_get(ctx, "message_id")))
		FAIL(100, "The parameter context['message_id'] is required");
	k = json_object_get(b, "biz_opaque_callback_data");
	if (k && (!json_is_string(k) || wa_utf8_chars(json_string_value(k)) > 512))
		FAIL(100, "Param biz_opaque_callback_data must be a string of at most 512 characters");
	m->key = json_string_value(k);
	o = json_object_get(b, m->type);
	if (strcmp(m->type, "contacts") == 0 ? json_array_size(o) == 0 : !json_is_object(o))
		FAIL(100, "The parameter %s is required", m->type);
	m->category = "service";
	if (strcmp(m->type, "text") == 0) {
		m->text = json_string_value(json_object_get(o, "body"));
		if (m->text == NULL || !*m->text)
			FAIL(100, "The parameter text['body'] is required.");
		if (wa_utf8_chars(m->text) > 4096)
			FAIL(100, "Param text['body'] must be at most 4096 characters long.");
		return 0;
	}
	if (strcmp(m->type, "template") == 0) {
		m->category = "marketing";
		return check_template(o, m, det);
	}
	if (strcmp(m->type, "interactive") == 0) {
		m->text = wa_json_str(o, "body.text");
		return check_interactive(o, det);
	}
	if (strcmp(m->type, "location") == 0) {
		if (!json_is_number(json_object_get(o, "latitude")) ||
		    !json_is_number(json_object_get(o, "longitude")))
			FAIL(100, "The parameters location['latitude'] and ['longitude'] are required");
		return 0;
	}
	if (strcmp(m->type, "reaction") == 0 || strcmp(m->type, "contacts") == 0)
		return 0;
	m->text = json_string_value(json_object_get(o, "caption"));
	m->media = json_string_value(json_object_get(o, "id"));
	if ((code = check_media(o, m->type, strcmp(m->type, "audio") != 0 &&
	    strcmp(m->type, "sticker") != 0, det)) != 0)
		return code;
	return check_media_id(o, m->type, det);
}

/* The mock's clock: $WA_NOW, when set, at start. */
static time_t
mock_now(void)
{
	return wa_now() + (time(NULL) - (time_t)started);
}

/*
 * Did WA_ID write in the last 24 hours: a message in the --inbound spool,
 * read again whenever it changed, or a reply this mock sent by webhook?
 */
static int
window_open(const char *wa_id)
{
	char e164[WA_PHONE_MAX + 1];
	struct wa_window *w;
	struct stat st;
	int open;

	snprintf(e164, sizeof e164, "+%s", wa_id);
	pthread_mutex_lock(&mu);
	if (inpath && stat(inpath, &st) == 0 && (st.st_size != inst.st_size ||
	    st.st_ino != inst.st_ino || st.st_mtim.tv_sec != inst.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != inst.st_mtim.tv_nsec) &&
	    (w = wa_window_load(inpath)) != NULL) {
		wa_window_free(filewin);
		filewin = w;
		inst = st;
	}
	open = (filewin && wa_window_open(filewin, e164, mock_now())) ||
	    wa_window_open(ownwin, e164, mock_now());
	pthread_mutex_unlock(&mu);
	return open;
}

static const struct inj *
find_inj(const char *wa_id)
{
	size_t i;

	for (i = 0; i < ninjs; i++)
		if (strcmp(injs[i].to, "*") == 0 || strcmp(injs[i].to, wa_id) == 0)
			return &injs[i];
	return NULL;
}

/*
 * The send limits and the log, as one step under mu. Returns 0 with the
 * message's number in *N, or the error code.
 */
static int
accept_msg(struct msg *m, char *wamid, size_t wlen, uint64_t *n)
{
	uint64_t now = mono_ms();
	struct rcpt *rc;
	char at[40];
	json_t *o;

	pthread_mutex_lock(&mu);
	if (maxmsg >= 0 && nmsg >= (unsigned long long)maxmsg) {
		pthread_mutex_unlock(&mu);
		return 131048;
	}
	if (rate > 0) {
		tokens += (double)(now - tokens_at) * rate / 1000;
		if (tokens > rate)
			tokens = rate;
		tokens_at = now;
		if (tokens < 1) {
			pthread_mutex_unlock(&mu);
			return 130429;
		}
		tokens -= 1;
	}
	rc = wa_hash_get(pairs, m->wa_id);
	if (pair_secs > 0 && rc && now - rc->last < (uint64_t)pair_secs * 1000) {
		pthread_mutex_unlock(&mu);
		return 131056;
	}
	if (rc == NULL) {
		rc = wa_calloc(1, sizeof *rc);
		rc->next = rcpts;
		rcpts = rc;
		wa_hash_put(pairs, m->wa_id, rc);
	}
	rc->last = now;
	*n = nmsg++;
	snprintf(wamid, wlen, "wamid.HBgM%08llX%04X%010llX", (unsigned long long)started,
	    (unsigned)getpid() & 0xffff, (unsigned long long)*n);
	if (logfp) {
		iso_now(at, sizeof at);
		o = json_pack("{s:s,s:s,s:s,s:s}", "wamid", wamid, "to", m->to,
		    "wa_id", m->wa_id, "type", m->type);
		wa_json_setstr(o, "template", m->tname);
		wa_json_setstr(o, "lang", m->lang);
		json_object_set(o, "params", m->params);
		if (m->header)
			json_object_set(o, "header", m->header);
		if (json_array_size(m->buttons))
			json_object_set(o, "buttons", m->buttons);
		wa_json_setstr(o, "text", m->text);
		wa_json_setstr(o, "media", m->media);
		wa_json_setstr(o, "key", m->key);
		json_object_set_new(o, "at", json_string(at));
		wa_json_put(logfp, o);
		fflush(logfp);
		json_decref(o);
	}
	pthread_mutex_unlock(&mu);
	return 0;
}

static void
push_ev(int kind, uint64_t due, uint64_t n, struct msg *m, const char *wamid,
    const char *pnid, int code)
{
	struct ev *e = wa_calloc(1, sizeof *e);
	int q = kind == EV_FAILED ? 0 : kind;

	e->kind = kind;
	e->due = due;
	e->seq = hq.seq++;
	e->n = n;
	e->code = code;
	e->wamid = wa_strdup(wamid);
	e->wa_id = wa_strdup(m->wa_id);
	e->pnid = wa_strdup(pnid);
	e->key = m->key ? wa_strdup(m->key) : NULL;
	e->category = wa_strdup(m->category);
	if (hq.tail[q])
		hq.tail[q]->next = e;
	else
		hq.head[q] = e;
	hq.tail[q] = e;
}

static void
schedule(struct msg *m, const char *wamid, const char *pnid, uint64_t n, int async)
{
	uint64_t t;
	int rd = chance(n, S_READ) < p_read, rp = chance(n, S_REPLY) < p_reply;

	pthread_mutex_lock(&hq.mu);
	t = mono_ms();
	if (async)
		push_ev(EV_FAILED, t + (uint64_t)hook_delay, n, m, wamid, pnid, async);
	else {
		push_ev(EV_SENT, t + (uint64_t)hook_delay, n, m, wamid, pnid, 0);
		push_ev(EV_DELIVERED, t + 2 * (uint64_t)hook_delay, n, m, wamid, pnid, 0);
		if (rd || rp)
			push_ev(EV_READ, t + 3 * (uint64_t)hook_delay, n, m, wamid, pnid, 0);
		if (rp)
			push_ev(EV_REPLY, t + 4 * (uint64_t)hook_delay, n, m, wamid, pnid, 0);
	}
	pthread_cond_signal(&hq.cv);
	pthread_mutex_unlock(&hq.mu);
}

/* --odd-after-accept, --504-after-accept: an answer that hides the acceptance. */
static void
hide_accept(struct req *r, uint64_t rn, const char *wamid)
{
	double c = chance(rn, S_HIDE);

	if (c >= podd + p504)
		return;
	free(r->out);
	if (c < podd)
		set_json(r, 200, json_pack("{s:s}", "message_id", wamid));
	else
		set_text(r, 504, "text/html", "<html><head><title>504 Gateway "
		    "Time-out</title></head><body><center><h1>504 Gateway "
		    "Time-out</h1></center></body></html>\n");
}

static void
post_messages(struct req *r, uint64_t rn, const char *pnid)
{
	struct msg m = { 0 };
	char det[DETLEN] = "", wamid[64];
	const struct inj *ij = NULL;
	json_error_t je;
	json_t *b = NULL;
	uint64_t n = 0;
	int code;

	m.params = json_array();
	m.buttons = json_array();
	if (r->big)
		code = 100, snprintf(det, sizeof det, "the request body is over %d bytes", MAXBODY);
	else if (r->body.len == 0 || (b = json_loadb(r->body.s, r->body.len, 0, &je)) == NULL)
		code = 100, snprintf(det, sizeof det, "The parameter messaging_product is required");
	else
		code = validate(b, &m, det);
	if (code == 0 && (ij = find_inj(m.wa_id)) != NULL && !ij->async)
		code = ij->code, *det = '\0';
	if (code == 0 && strcmp(m.type, "template") != 0 && !window_open(m.wa_id))
		code = 131047, snprintf(det, sizeof det, "Message failed to send "
		    "because more than 24 hours have passed since the customer "
		    "last replied to this number.");
	if (code == 0 && (code = accept_msg(&m, wamid, sizeof wamid, &n)) != 0)
		*det = '\0';
	if (code != 0) {
		if (code == 130429)
			snprintf(det, sizeof det, "Cloud API message throughput has been reached.");
		set_error(r, rn, code, det);
	} else {
		if (hook_url)
			schedule(&m, wamid, pnid, n, ij ? ij->code : 0);
		set_json(r, 200, json_pack("{s:s,s:[{s:s,s:s}],s:[{s:s}]}",
		    "messaging_product", "whatsapp", "contacts", "input", m.to,
		    "wa_id", m.wa_id, "messages", "id", wamid));
		r->drop = pdrop > 0 && chance(rn, S_DROP) < pdrop;
		hide_accept(r, rn, wamid);
	}
	json_decref(m.params);
	json_decref(m.buttons);
	json_decref(m.header);
	json_decref(b);
}

/* GET /<version>/<PHONE_NUMBER_ID>?fields=a,b */
static void
get_node(struct MHD_Connection *c, struct req *r, uint64_t rn, const char *id)
{
	const char *fields = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "fields");
	char buf[256], det[DETLEN], *f, *save;
	json_t *o = json_object();

	if (fields == NULL)
		fields = "verified_name,display_phone_number,quality_rating";
	snprintf(buf, sizeof buf, "%s", fields);
	for (f = strtok_r(buf, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		if (strcmp(f, "throughput") == 0)
			json_object_set_new(o, f, json_pack("{s:s}", "level",
			    rate > 80 ? "HIGH" : "STANDARD"));
		else if (strcmp(f, "verified_name") == 0)
			json_object_set_new(o, f, json_string("Mock Store"));
		else if (strcmp(f, "display_phone_number") == 0)
			json_object_set_new(o, f, json_string("+1 555-078-3881"));
		else if (strcmp(f, "quality_rating") == 0)
			json_object_set_new(o, f, json_string("GREEN"));
		else if (strcmp(f, "id") != 0) {
			json_decref(o);
			snprintf(det, sizeof det, "Tried accessing nonexisting field (%.64s) "
			    "on node type (WhatsAppBusinessPhoneNumber)", f);
			set_error(r, rn, 100, det);
			return;
		}
	}
	json_object_set_new(o, "id", json_string(id));
	set_json(r, 200, o);
}

/* The object GET message_templates lists for template I, built from the -T line. */
static json_t *
tpl_api(const struct tpl *t, size_t i)
{
	json_t *comps = json_array(), *btns = json_array(), *b;
	struct wa_buf s = { 0 };
	char num[32], cat[32], *p;
	int k;

	if (strcmp(t->header, "none") != 0) {
		snprintf(num, sizeof num, "%s", t->header);
		for (p = num; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		json_array_append_new(comps, json_pack("{s:s,s:s}", "type", "HEADER",
		    "format", num));
		if (strcmp(t->header, "text") == 0)
			json_object_set_new(json_array_get(comps, 0), "text",
			    json_string(t->hparams ? "Hello {{1}}" : "Hello"));
	}
	wa_buf_adds(&s, "Body of ");
	wa_buf_adds(&s, t->name);
	for (k = 1; k <= t->body; k++) {
		snprintf(num, sizeof num, " {{%d}}", k);
		wa_buf_adds(&s, num);
	}
	json_array_append_new(comps, json_pack("{s:s,s:s}", "type", "BODY",
	    "text", wa_buf_str(&s)));
	for (k = 0; k < t->nbtn; k++) {
		if (t->btype[k] == 'u')
			b = json_pack("{s:s,s:s,s:s}", "type", "URL", "text", "Open",
			    "url", t->bdyn[k] ? "https://shop.example/{{1}}" : "https://shop.example/");
		else if (t->btype[k] == 'q')
			b = json_pack("{s:s,s:s}", "type", "QUICK_REPLY", "text", "Stop promotions");
		else
			b = json_pack("{s:s,s:s,s:s}", "type", "PHONE_NUMBER", "text", "Call us",
			    "phone_number", "+" DISPLAY);
		json_array_append_new(btns, b);
	}
	if (t->nbtn > 0)
		json_array_append_new(comps, json_pack("{s:s,s:o}", "type", "BUTTONS",
		    "buttons", btns));
	else
		json_decref(btns);
	wa_buf_free(&s);
	snprintf(num, sizeof num, "%zu", 920070352646140u + i);
	snprintf(cat, sizeof cat, "%s", t->category);
	for (p = cat; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return json_pack("{s:s,s:s,s:s,s:s,s:o,s:s}", "name", t->name, "language",
	    t->lang, "status", t->status, "category", cat, "components", comps,
	    "id", num);
}

/*
 * GET /<version>/<WABA_ID>/message_templates?limit=N&after=CURSOR: the -T
 * templates, N (2) a page, so that clients must page; paging.next only
 * while more remain, as Graph does.
 */
static void
get_templates(struct MHD_Connection *c, struct req *r, uint64_t rn, const char *url)
{
	const char *lim = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
	const char *after = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "after");
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	unsigned long from = 0, n = 2, i;
	char *end, cur[32], first[32], next[512];
	json_t *data = json_array(), *paging;

	if (lim != NULL && ((n = strtoul(lim, &end, 10)) < 1 || n > 1000 || *end)) {
		json_decref(data);
		set_error(r, rn, 100, "Param limit must be a number from 1 to 1000");
		return;
	}
	if (after != NULL && (strncmp(after, "AQ", 2) != 0 ||
	    (from = strtoul(after + 2, &end, 10)) > ntpls || strcmp(end, "==") != 0)) {
		json_decref(data);
		set_error(r, rn, 100, "Invalid cursor 'after'");
		return;
	}
	for (i = from; i < ntpls && i < from + n; i++)
		json_array_append_new(data, tpl_api(&tpls[i], i));
	snprintf(first, sizeof first, "AQ%lu==", from);
	snprintf(cur, sizeof cur, "AQ%lu==", i);
	paging = json_pack("{s:{s:s,s:s}}", "cursors", "before", first, "after", cur);
	if (i < ntpls) {
		/* a '=' in the cursor is %3D in a URL */
		snprintf(next, sizeof next, "http://%s%s?limit=%lu&after=AQ%lu%%3D%%3D",
		    host ? host : "127.0.0.1", url, n, i);
		json_object_set_new(paging, "next", json_string(next));
	}
	set_json(r, 200, json_pack("{s:o,s:o}", "data", data, "paging", paging));
}

static json_t *profile;	/* the business profile, under mu */

static json_t *
profile_default(void)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:[s],s:s,s:s}",
	    "messaging_product", "whatsapp",
	    "about", "Mock Store: we answer within a day",
	    "address", "1 Test Street, Springfield",
	    "description", "A store that exists only in the tests.",
	    "email", "hello@shop.example",
	    "websites", "https://shop.example/",
	    "vertical", "RETAIL",
	    "profile_picture_url", "https://pps.whatsapp.net/v/mock.jpg");
}

/* GET /<version>/<PHONE_NUMBER_ID>/whatsapp_business_profile?fields=a,b */
static void
get_profile(struct MHD_Connection *c, struct req *r, uint64_t rn)
{
	const char *fields = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "fields");
	char buf[256], det[DETLEN], bar[80], *f, *save;
	json_t *o = json_pack("{s:s}", "messaging_product", "whatsapp"), *v;

	snprintf(buf, sizeof buf, "%s", fields ? fields :
	    "about,address,description,email,profile_picture_url,websites,vertical");
	pthread_mutex_lock(&mu);
	for (f = strtok_r(buf, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		snprintf(bar, sizeof bar, "|%s|", f);
		if (!strstr("|messaging_product|about|address|description|email|"
		    "profile_picture_url|websites|vertical|", bar)) {
			pthread_mutex_unlock(&mu);
			json_decref(o);
			snprintf(det, sizeof det, "Tried accessing nonexisting field (%.64s) "
			    "on node type (WhatsAppBusinessProfile)", f);
			set_error(r, rn, 100, det);
			return;
		}
		if ((v = json_object_get(profile, f)) != NULL)
			json_object_set(o, f, v);
	}
	pthread_mutex_unlock(&mu);
	/* the OpenAPI spec v23.0's shape: data[0].business_profile */
	set_json(r, 200, json_pack("{s:[{s:o}]}", "data", "business_profile", o));
}

/* POST /<version>/<PHONE_NUMBER_ID>/whatsapp_business_profile: the fields given replace. */
static void
post_profile(struct req *r, uint64_t rn)
{
	char det[DETLEN];
	const char *k;
	json_t *b = NULL, *v;

	if (r->big || r->body.len == 0 ||
	    (b = json_loadb(r->body.s, r->body.len, 0, NULL)) == NULL ||
	    !json_is_object(b) || strcmp(wa_json_str(b, "messaging_product") ?
	    wa_json_str(b, "messaging_product") : "", "whatsapp") != 0) {
		json_decref(b);
		set_error(r, rn, 100, "The parameter messaging_product is required");
		return;
	}
	json_object_del(b, "profile_picture_handle");	/* no uploads here */
	if (json_object_get(b, "profile_picture_url") != NULL)
		snprintf(det, sizeof det, "Unexpected key \"profile_picture_url\"");
	if (json_object_get(b, "profile_picture_url") != NULL ||
	    wa_profile_check(b, det, sizeof det) < 0) {
		json_decref(b);
		set_error(r, rn, 100, det);
		return;
	}
	pthread_mutex_lock(&mu);
	json_object_foreach(b, k, v)
		json_object_set(profile, k, v);
	pthread_mutex_unlock(&mu);
	json_decref(b);
	set_json(r, 200, json_pack("{s:b}", "success", 1));
}

static int
authorized(struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	size_t n;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return 0;
	h += 7;
	n = strlen(h);
	return n == strlen(token) && CRYPTO_memcmp(h, token, n) == 0;
}

static void
sink(struct MHD_Connection *c, struct req *r, const char *url, const char *method)
{
	const char *sig = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-Hub-Signature-256");
	char at[40];
	json_t *o;

	if (strcmp(method, "POST") != 0 || strcmp(url, "/webhook") != 0) {
		set_text(r, 404, "text/plain", "not found\n");
		return;
	}
	iso_now(at, sizeof at);
	o = json_pack("{s:s}", "at", at);
	wa_json_setstr(o, "sig", sig);
	json_object_set_new(o, "body", json_stringn(r->body.s ? r->body.s : "",
	    r->body.len));	/* NULL (null) when not UTF-8 */
	pthread_mutex_lock(&mu);
	wa_json_put(logfp, o);
	fflush(logfp);
	pthread_mutex_unlock(&mu);
	json_decref(o);
	set_text(r, 200, "text/plain", "");
}

/* Where N bytes of NEEDLE first are in P[0..LEN), or NULL. */
static const char *
find(const char *p, size_t len, const char *needle, size_t n)
{
	const char *end = p + len;

	for (; p && (size_t)(end - p) >= n; p++)
		if ((p = memchr(p, needle[0], (size_t)(end - p) - n + 1)) == NULL ||
		    memcmp(p, needle, n) == 0)
			return p;
	return NULL;
}

/* A form part: its name, file name and type (from the headers H), its data. */
struct fpart {
	char name[64], fname[256], type[128];
	const char *data;
	size_t len;
};

/* The value of "KEY=\"...\"" or "KEY: ..." in the headers H into OUT. */
static void
hval(const char *h, const char *key, int quoted, char *out, size_t outsz)
{
	const char *p = h, *v;
	size_t n = strlen(key);

	*out = '\0';
	for (; (p = strchr(p, key[0])) != NULL; p++)
		if (strncasecmp(p, key, n) == 0 && (p == h || strchr(" ;\n", p[-1])))
			break;
	if (p == NULL)
		return;
	v = p + n;
	v += strspn(v, " ");
	snprintf(out, outsz, "%.*s", (int)strcspn(v, quoted ? "\"" : ";\r\n"), v);
}

/* The parts of a multipart/form-data body into P[0..MAX); how many, or -1 when it is none. */
static int
form(struct MHD_Connection *c, struct req *r, struct fpart *p, int max)
{
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE), *s, *end, *h, *next;
	char delim[200], hdr[1024], b[160];
	size_t dl;
	int n = 0;

	if (ct == NULL || strncasecmp(ct, "multipart/form-data", 19) != 0)
		return -1;
	hval(ct, "boundary=", 0, b, sizeof b);
	if (*b == '"')
		memmove(b, b + 1, strlen(b)), b[strcspn(b, "\"")] = '\0';
	if (*b == '\0')
		return -1;
	dl = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", b);
	s = r->body.s ? r->body.s : "";
	end = s + r->body.len;
	/* the first delimiter may open the body without its line break */
	if ((s = find(s, r->body.len, delim + 2, dl - 2)) == NULL)
		return -1;
	for (s += dl - 2; n < max; s = next + dl) {
		if (end - s >= 2 && s[0] == '-' && s[1] == '-')
			return n;
		if (end - s < 2 || s[0] != '\r' || s[1] != '\n' ||
		    (h = find(s + 2, (size_t)(end - s - 2), "\r\n\r\n", 4)) == NULL ||
		    (next = find(h + 4, (size_t)(end - h - 4), delim, dl)) == NULL)
			return -1;
		snprintf(hdr, sizeof hdr, "%.*s", (int)(h - s - 2), s + 2);
		hval(hdr, "name=\"", 1, p[n].name, sizeof p[n].name);
		hval(hdr, "filename=\"", 1, p[n].fname, sizeof p[n].fname);
		hval(hdr, "Content-Type:", 0, p[n].type, sizeof p[n].type);
		p[n].data = h + 4;
		p[n++].len = (size_t)(next - h - 4);
	}
	return -1;
}

/* The part NAME of P[0..N), or NULL. */
static const struct fpart *
field(const struct fpart *p, int n, const char *name)
{
	while (n-- > 0)
		if (strcmp(p[n].name, name) == 0)
			return &p[n];
	return NULL;
}

/* Is the upload F with the declared TYPE one the Cloud API takes? 0 or an error code. */
static int
check_upload(const struct fpart *f, const char *type, const struct wa_media_kind **k,
    char *det)
{
	/* the types whose files start with a signature: others cannot be told */
	static const char *const signed_[] = { "image/jpeg", "image/png",
	    "application/pdf", "image/webp", "video/mp4", "video/3gpp" };
	const struct wa_media_kind *got;
	size_t i;

	if ((*k = wa_media_bymime(type)) == NULL)
		FAIL(100, "Param type must be one of the supported media types, not '%.60s'", type);
	if (f->len == 0)
		FAIL(100, "The parameter file is empty");
	got = wa_media_sniff(f->data, f->len);
	for (i = 0; got == NULL && i < sizeof signed_ / sizeof *signed_; i++)
		if (strcmp(type, signed_[i]) == 0)
			break;
	if ((got && got != *k) || (got == NULL && i < sizeof signed_ / sizeof *signed_))
		FAIL(131053, "The file's content is %s, not %s", got ? got->mime :
		    "of no type the API takes", type);
	if (f->len > (*k)->max)
		FAIL(131053, "The file is %zu bytes, over the %zu of %s", f->len, (*k)->max,
		    type);
	return 0;
}

/* POST /<PHONE_NUMBER_ID>/media: a multipart upload. */
static void
post_media(struct MHD_Connection *c, struct req *r, uint64_t rn)
{
	const struct wa_media_kind *k = NULL;
	const struct fpart *mp, *ty, *f;
	struct fpart p[8];
	char det[DETLEN] = "", id[24];
	int n, code = 0;

	if (r->big)
		code = 131053, snprintf(det, sizeof det, "The file is over %d bytes", MAXMEDIA);
	else if ((n = form(c, r, p, 8)) < 0)
		code = 100, snprintf(det, sizeof det, "The body must be multipart/form-data");
	else if ((mp = field(p, n, "messaging_product")) == NULL ||
	    mp->len != 8 || memcmp(mp->data, "whatsapp", 8) != 0)
		code = 100, snprintf(det, sizeof det, "The parameter messaging_product is required");
	else if ((f = field(p, n, "file")) == NULL)
		code = 100, snprintf(det, sizeof det, "The parameter file is required");
	else if ((ty = field(p, n, "type")) == NULL || ty->len == 0 || ty->len > 120)
		code = 100, snprintf(det, sizeof det, "The parameter type is required");
	else {
		char type[128];

		snprintf(type, sizeof type, "%.*s", (int)ty->len, ty->data);
		code = check_upload(f, type, &k, det);
		if (code == 0) {
			char *data = wa_malloc(f->len);

			memcpy(data, f->data, f->len);
			add_media(data, f->len, k, NULL, id, sizeof id);
			set_json(r, 200, json_pack("{s:s}", "id", id));
			return;
		}
	}
	set_error(r, rn, code, det);
}

/* GET /<MEDIA_ID>: where to download it, and what it is. */
static void
get_media(struct MHD_Connection *c, struct req *r, const struct media *m)
{
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_HOST);
	char url[400];

	snprintf(url, sizeof url, "http://%s/whatsapp_business/attachments/?mid=%s&ext=%lld&hash=%.16s",
	    host ? host : listen_at, m->id, (long long)mock_now(), m->sha);
	set_json(r, 200, json_pack("{s:s,s:s,s:s,s:s,s:I,s:s}", "messaging_product",
	    "whatsapp", "url", url, "mime_type", m->k->mime, "sha256", m->sha,
	    "file_size", (json_int_t)m->len, "id", m->id));
}

/* GET /whatsapp_business/attachments/?mid=ID: the bytes. */
static void
get_attachment(struct MHD_Connection *c, struct req *r)
{
	const char *mid = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "mid");
	const struct media *m;

	pthread_mutex_lock(&mu);
	if (mid == NULL || (m = find_media(mid)) == NULL) {
		pthread_mutex_unlock(&mu);
		set_text(r, 404, "text/plain", "not found\n");
		return;
	}
	r->status = 200;
	r->out = wa_malloc(m->len + 1);
	memcpy(r->out, m->data, m->len);
	r->outlen = m->len;
	r->ctype = m->k->mime;
	pthread_mutex_unlock(&mu);
}

/* --media ID=FILE: a customer's media, there from the start. */
static void
load_media(const char *arg)
{
	const char *eq = strchr(arg, '=');
	const struct wa_media_kind *k;
	struct wa_buf b = { 0 };
	char id[24], err[WA_GRAPH_ERRSZ];

	if (eq == NULL || eq == arg || (size_t)(eq - arg) >= sizeof id ||
	    strspn(arg, "0123456789") != (size_t)(eq - arg))
		wa_die(WA_EXIT_USAGE, "--media: ID=FILE, ID a number, not '%s'", arg);
	snprintf(id, sizeof id, "%.*s", (int)(eq - arg), arg);
	if (wa_media_read(eq + 1, &b, &k, err, sizeof err) < 0)
		wa_die(WA_EXIT_USAGE, "--media: %s: %s", eq + 1, err);
	add_media(b.s, b.len, k, id, NULL, 0);
}

/* GET /<ID> of a media: answered, 1; else 0. */
static int
media_get(struct MHD_Connection *c, struct req *r, const char *id)
{
	const struct media *m;

	pthread_mutex_lock(&mu);
	if ((m = find_media(id)) != NULL)
		get_media(c, r, m);
	pthread_mutex_unlock(&mu);
	return m != NULL;
}

/* Work out the answer to a complete request into R. */
static void
route(struct MHD_Connection *c, struct req *r, const char *url, const char *method)
{
	char path[256], *seg[4], *save, *p;
	uint64_t n;
	int nseg = 0, get = strcmp(method, "GET") == 0;

	if (get && strcmp(url, "/health") == 0) {
		set_text(r, 200, "text/plain", "ok\n");
		r->nodelay = 1;
		return;
	}
	n = atomic_fetch_add(&nreq, 1);	/* numbers the random faults */
	if (p5xx > 0 && chance(n, S_5XX) < p5xx) {
		set_5xx(r, n);
		return;
	}
	if (sinkpath) {
		sink(c, r, url, method);
		return;
	}
	if (echo_token) {
		set_echo(c, r);
		return;
	}
	if (!authorized(c)) {
		set_error(r, n, 190, NULL);
		return;
	}
	snprintf(path, sizeof path, "%s", url);
	for (p = strtok_r(path, "/", &save); p && nseg < 4; p = strtok_r(NULL, "/", &save))
		seg[nseg++] = p;
	if (get && nseg == 2 && strcmp(seg[0], "whatsapp_business") == 0 &&
	    strcmp(seg[1], "attachments") == 0) {
		get_attachment(c, r);
		return;
	}
	if (nseg > 0 && seg[0][0] == 'v' && strchr(seg[0], '.'))
		memmove(seg, seg + 1, sizeof seg[0] * (size_t)--nseg);
	if (nseg == 1 && get && media_get(c, r, seg[0]))
		return;
	if (nseg == 2 && strcmp(seg[0], WABA_ID) == 0 &&
	    strcmp(seg[1], "message_templates") == 0 && get) {
		get_templates(c, r, n, url);
		return;
	}
	if (nseg == 0 || nseg > 2 || strspn(seg[0], "0123456789") != strlen(seg[0]) ||
	    (phone_id && strcmp(seg[0], phone_id) != 0)) {
		set_patherr(r, n, method, nseg ? seg[0] : "");
		return;
	}
	if (nseg == 1 && get)
		get_node(c, r, n, seg[0]);
	else if (nseg == 2 && strcmp(seg[1], "messages") == 0 &&
	    strcmp(method, "POST") == 0)
		post_messages(r, n, seg[0]);
	else if (nseg == 2 && strcmp(seg[1], "media") == 0 && strcmp(method, "POST") == 0)
		post_media(c, r, n);
	else if (nseg == 2 && strcmp(seg[1], "whatsapp_business_profile") == 0)
		get ? get_profile(c, r, n) : strcmp(method, "POST") == 0 ?
		    post_profile(r, n) : set_patherr(r, n, method, seg[0]);
	else
		set_patherr(r, n, method, seg[0]);
}

static enum MHD_Result
answer(struct MHD_Connection *c, struct req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (r->drop)
		return MHD_NO;	/* close without an answer */
	if (r->out == NULL)
		return MHD_YES;	/* answered: MHD 0.9.75 may call again at shutdown */
	resp = MHD_create_response_from_buffer(r->outlen ? r->outlen : strlen(r->out), r->out,
	    MHD_RESPMEM_MUST_FREE);
	r->out = NULL;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype);
	if (r->status == 401)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    "OAuth \"Facebook Platform\" \"invalid_token\" \"Invalid OAuth access token\"");
	ret = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Hold the answer for --latency: suspend the connection and queue it. */
static int
delay(struct MHD_Connection *c, struct req *r)
{
	pthread_mutex_lock(&dq.mu);
	if (dq.stop) {
		pthread_mutex_unlock(&dq.mu);
		return 0;
	}
	r->due = mono_ms() + (uint64_t)latency_ms;
	MHD_suspend_connection(c);
	if (dq.tail)
		dq.tail->next = r;
	else {
		dq.head = r;
		pthread_cond_signal(&dq.cv);
	}
	dq.tail = r;
	pthread_mutex_unlock(&dq.mu);
	return 1;
}

/* Resume the delayed connections as they fall due; all of them at stop. */
static void *
timer(void *arg)
{
	struct req *r, *due;

	pthread_mutex_lock(&dq.mu);
	for (;;) {
		due = NULL;
		while (dq.head && (dq.stop || dq.head->due <= mono_ms())) {
			r = dq.head;
			if ((dq.head = r->next) == NULL)
				dq.tail = NULL;
			r->next = due;
			due = r;
		}
		if (due) {
			pthread_mutex_unlock(&dq.mu);
			for (; due; due = r) {
				r = due->next;
				due->next = NULL;
				MHD_resume_connection(due->conn);
			}
			pthread_mutex_lock(&dq.mu);
			continue;
		}
		if (dq.stop)
			break;
		if (dq.head)
			wait_until(&dq.cv, &dq.mu, dq.head->due);
		else
			pthread_cond_wait(&dq.cv, &dq.mu);
	}
	pthread_mutex_unlock(&dq.mu);
	return NULL;
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data, size_t *size,
    void **ctx)
{
	struct req *r = *ctx;

	if (r == NULL) {
		r = wa_calloc(1, sizeof *r);
		r->conn = c;
		r->max = strcmp(method, "POST") == 0 && strlen(url) > 6 &&
		    strcmp(url + strlen(url) - 6, "/media") == 0 ? MAXMEDIA : MAXBODY;
		*ctx = r;
		return MHD_YES;
	}
	if (r->ready)
		return answer(c, r);	/* resumed after --latency */
	if (*size > 0) {
		/* too big: read to the end all the same, then refused */
		if (wa_buf_addmax(&r->body, data, *size, r->max) < 0)
			r->big = 1;
		*size = 0;
		return MHD_YES;
	}
	route(c, r, url, method);
	r->ready = 1;
	if (latency_ms > 0 && !r->nodelay && delay(c, r))
		return MHD_YES;
	return answer(c, r);
}

static void
completed(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_RequestTerminationCode why)
{
	struct req *r = *ctx;

	if (r) {
		wa_buf_free(&r->body);
		free(r->out);
		free(r);
		*ctx = NULL;
	}
}

static size_t
discard(char *p, size_t size, size_t n, void *u)
{
	return size * n;
}

/* The webhook body for event E, as Meta writes it. */
static char *
hook_body(const struct ev *e)
{
	static const char *st[] = { "sent", "delivered", "read", "", "failed" };
	const struct errdef *ed;
	char ts[24], exp[24], conv[40], rid[64], from[WA_PHONE_MAX + 1];
	json_t *v, *s, *msg;
	/* WA_NOW, when set, is the clock at start: a demo's webhooks fit its times */
	time_t now = mock_now();
	uint64_t h = mix(strtoull(e->wa_id, NULL, 10));
	char *out, *p;
	int i;

	snprintf(ts, sizeof ts, "%lld", (long long)now);
	v = json_pack("{s:s,s:{s:s,s:s},s:[{s:{s:s},s:s}]}", "messaging_product",
	    "whatsapp", "metadata", "display_phone_number", DISPLAY,
	    "phone_number_id", e->pnid, "contacts", "profile", "name",
	    names[h % (sizeof names / sizeof names[0])], "wa_id", e->wa_id);
	if (e->kind == EV_REPLY) {
		pthread_mutex_lock(&mu);
		snprintf(rid, sizeof rid, "wamid.HBgN%08llX%04X%010llX",
		    (unsigned long long)started, (unsigned)getpid() & 0xffff, nin++);
		snprintf(from, sizeof from, "+%s", e->wa_id);
		wa_window_note(ownwin, from, now);	/* the user wrote: the window opens */
		pthread_mutex_unlock(&mu);
		msg = json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s},s:{s:s}}", "from",
		    e->wa_id, "id", rid, "timestamp", ts, "type", "text", "context",
		    "from", DISPLAY, "id", e->wamid, "text", "body", reply_text ?
		    reply_text : replies[(size_t)(chance(e->n, S_TEXT) *
		    (sizeof replies / sizeof replies[0]))]);
		json_object_set_new(v, "messages", json_pack("[o]", msg));
	} else {
		s = json_pack("{s:s,s:s,s:s,s:s}", "id", e->wamid, "status",
		    st[e->kind], "timestamp", ts, "recipient_id", e->wa_id);
		if (e->key)
			json_object_set_new(s, "biz_opaque_callback_data", json_string(e->key));
		if (e->kind == EV_SENT || e->kind == EV_DELIVERED) {
			snprintf(conv, sizeof conv, "%016llx", (unsigned long long)mix(h ^ started));
			snprintf(exp, sizeof exp, "%lld", (long long)now + 86400);
			json_object_set_new(s, "conversation", json_pack("{s:s,s:{s:s}}",
			    "id", conv, "origin", "type", e->category));
			if (e->kind == EV_SENT)
				json_object_set_new(json_object_get(s, "conversation"),
				    "expiration_timestamp", json_string(exp));
			json_object_set_new(s, "pricing", json_pack("{s:b,s:s,s:s,s:s}",
			    "billable", strcmp(e->category, "service") != 0,
			    "pricing_model", "PMP", "type", strcmp(e->category,
			    "service") ? "regular" : "free_customer_service",
			    "category", e->category));
		}
		if (e->kind == EV_FAILED) {
			ed = errdef(e->code);
			json_object_set_new(s, "errors", json_pack("[{s:i,s:s,s:s,s:{s:s},s:s}]",
			    "code", e->code, "title", ed->title, "message", ed->title,
			    "error_data", "details", ed->title, "href",
			    "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"));
		}
		json_object_set_new(v, "statuses", json_pack("[o]", s));
	}
	v = json_pack("{s:s,s:[{s:s,s:[{s:o,s:s}]}]}", "object",
	    "whatsapp_business_account", "entry", "id", WABA_ID, "changes",
	    "value", v, "field", "messages");
	out = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ESCAPE_SLASH);
	json_decref(v);
	if (out == NULL)
		return NULL;
	for (p = out; *p; p++)	/* Meta writes \u00e9, jansson \u00E9 */
		if (*p == '\\' && *++p == 'u')
			for (i = 1; i <= 4; i++)
				p[i] = (char)tolower((unsigned char)p[i]);
	return out;
}

static void
post_hook(CURL *cu, const struct ev *e)
{
	static uint64_t lastwarn;
	static unsigned long nfail;
	char sig[40 + WA_SIGBUF], *body = hook_body(e);
	struct curl_slist *hs = NULL;
	long code = 0;
	CURLcode rc;

	if (body == NULL)
		return;
	memcpy(sig, "X-Hub-Signature-256: ", 21);
	wa_sig_hex(secret, body, strlen(body), sig + 21);
	hs = curl_slist_append(hs, "Content-Type: application/json");
	hs = curl_slist_append(hs, sig);
	hs = curl_slist_append(hs, "Expect:");
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hs);
	curl_easy_setopt(cu, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	rc = curl_easy_perform(cu);
	curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK || code < 200 || code > 299) {
		nfail++;
		if (mono_ms() - lastwarn >= 1000) {	/* at most one a second */
			lastwarn = mono_ms();
			wa_warn("webhook to '%s' failed (%lu so far): %s", hook_url,
			    nfail, rc != CURLE_OK ? curl_easy_strerror(rc) : "HTTP error");
		}
	}
	curl_slist_free_all(hs);
	free(body);
}

static void
free_ev(struct ev *e)
{
	free(e->wamid);
	free(e->wa_id);
	free(e->pnid);
	free(e->key);
	free(e->category);
	free(e);
}

/* Post the webhooks in due order, one at a time, over one kept-alive connection. */
static void *
hooker(void *arg)
{
	CURL *cu = curl_easy_init();
	struct ev *e;
	int i, q;

	if (cu == NULL)
		wa_die(WA_EXIT_FATAL, "cannot start libcurl");
	curl_easy_setopt(cu, CURLOPT_URL, hook_url);
	curl_easy_setopt(cu, CURLOPT_USERAGENT, "facebookexternalua");
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cu, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, discard);
	pthread_mutex_lock(&hq.mu);
	while (!hq.stop) {
		for (q = -1, i = 0; i < 4; i++)
			if (hq.head[i] && (q < 0 || hq.head[i]->due < hq.head[q]->due ||
			    (hq.head[i]->due == hq.head[q]->due &&
			    hq.head[i]->seq < hq.head[q]->seq)))
				q = i;
		if (q < 0) {
			pthread_cond_wait(&hq.cv, &hq.mu);
			continue;
		}
		if ((e = hq.head[q])->due > mono_ms()) {
			wait_until(&hq.cv, &hq.mu, e->due);
			continue;
		}
		if ((hq.head[q] = e->next) == NULL)
			hq.tail[q] = NULL;
		pthread_mutex_unlock(&hq.mu);
		post_hook(cu, e);
		free_ev(e);
		pthread_mutex_lock(&hq.mu);
	}
	for (i = 0; i < 4; i++)
		for (; (e = hq.head[i]) != NULL; hq.head[i] = e->next, free_ev(e))
			;
	pthread_mutex_unlock(&hq.mu);
	curl_easy_cleanup(cu);
	return NULL;
}

/* One template, a JSON object {"name","language","body_params","header","buttons",...}, from WHERE:LINENO. */
static void
add_template(json_t *o, const char *where, long lineno)
{
	struct tpl *t;
	const char *s, *bt;
	json_t *b;
	size_t i;

	if (!json_is_string(json_object_get(o, "name")) ||
	    !json_is_string(json_object_get(o, "language")))
		wa_die(WA_EXIT_USAGE, "%s:%ld: a template needs a name and a language",
		    where, lineno);
	tpls = wa_realloc(tpls, (ntpls + 1) * sizeof *tpls);
	t = &tpls[ntpls++];
	memset(t, 0, sizeof *t);
	t->name = wa_strdup(wa_json_str(o, "name"));
	t->lang = wa_strdup(wa_json_str(o, "language"));
	t->header = wa_strdup((s = wa_json_str(o, "header")) ? s : "none");
	t->category = wa_strdup((s = wa_json_str(o, "category")) ? s : "marketing");
	t->status = wa_strdup((s = wa_json_str(o, "status")) ? s : "APPROVED");
	t->body = (int)json_integer_value(json_object_get(o, "body_params"));
	t->hparams = json_is_integer(json_object_get(o, "header_params")) ?
	    (int)json_integer_value(json_object_get(o, "header_params")) :
	    strcmp(t->header, "text") == 0;
	json_array_foreach(json_object_get(o, "buttons"), i, b) {
		if (i >= 10)
			wa_die(WA_EXIT_USAGE, "%s:%ld: at most 10 buttons", where, lineno);
		bt = wa_json_str(b, "type");
		t->btype[i] = bt == NULL ? 'o' : strcmp(bt, "url") == 0 ? 'u' :
		    strcmp(bt, "quick_reply") == 0 ? 'q' : 'o';
		t->bdyn[i] = t->btype[i] == 'u' &&
		    !json_is_false(json_object_get(b, "dynamic"));
		t->nbtn = (int)i + 1;
	}
}

/* Templates: JSON lines, each one add_template reads. */
static void
load_templates(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	json_error_t je;
	json_t *o;

	if (fp == NULL)
		wa_die(WA_EXIT_USAGE, "cannot open '%s':", path);
	while (getline(&line, &cap, fp) > 0) {
		lineno++;
		if (line[strspn(line, " \t\r\n")] == '\0' || line[0] == '#')
			continue;
		if ((o = json_loads(line, 0, &je)) == NULL)
			wa_die(WA_EXIT_USAGE, "%s:%ld:%d: %s", path, lineno, je.column, je.text);
		add_template(o, path, lineno);
		json_decref(o);
	}
	free(line);
	fclose(fp);
}

/*
 * Without -T, the templates the tests, the journeys of scripts/journeys and
 * the demo send, so that an unknown name or a wrong count is refused as the
 * Cloud API refuses it.
 */
static void
default_templates(void)
{
	static const char *const defs[] = {
		"{\"name\":\"hello\",\"language\":\"en_US\",\"body_params\":0,\"category\":\"utility\"}",
		"{\"name\":\"greeting\",\"language\":\"en_US\",\"body_params\":1}",
		"{\"name\":\"winback_offer\",\"language\":\"en_US\",\"body_params\":2}",
		"{\"name\":\"winback_btn\",\"language\":\"en_US\",\"body_params\":0,\"buttons\":[{\"type\":\"url\"}]}",
		"{\"name\":\"order_update\",\"language\":\"en_US\",\"body_params\":1,\"header\":\"document\",\"category\":\"utility\"}",
		"{\"name\":\"sale_news\",\"language\":\"en_US\",\"body_params\":1,\"header\":\"text\",\"header_params\":1}",
		"{\"name\":\"welcome\",\"language\":\"en_US\",\"body_params\":1}",
		"{\"name\":\"order_confirmation\",\"language\":\"en_US\",\"body_params\":3,\"category\":\"utility\"}",
		"{\"name\":\"shipping_update\",\"language\":\"en_US\",\"body_params\":3,\"category\":\"utility\"}",
		"{\"name\":\"review_request\",\"language\":\"en_US\",\"body_params\":2,\"buttons\":[{\"type\":\"quick_reply\"},{\"type\":\"quick_reply\"},{\"type\":\"quick_reply\"},{\"type\":\"quick_reply\"},{\"type\":\"quick_reply\"}]}",
		"{\"name\":\"abandoned_cart\",\"language\":\"en_US\",\"body_params\":2}",
		"{\"name\":\"birthday\",\"language\":\"en_US\",\"body_params\":1}",
		"{\"name\":\"vip_early_access\",\"language\":\"en_US\",\"body_params\":2}",
		"{\"name\":\"delay_notice\",\"language\":\"en_US\",\"body_params\":2,\"category\":\"utility\"}",
	};
	size_t i;
	json_t *o;

	for (i = 0; i < sizeof defs / sizeof defs[0]; i++) {
		o = json_loads(defs[i], 0, NULL);
		add_template(o, "built-in", (long)i + 1);
		json_decref(o);
	}
}

static double
prob(const char *opt, const char *s)
{
	char *end;
	double p = strtod(s, &end);

	if (end == s || *end || !(p >= 0 && p <= 1))
		wa_die(WA_EXIT_USAGE, "%s: '%s' is not a fraction from 0 to 1", opt, s);
	return p;
}

static void
add_inj(const char *opt, const char *s, int async)
{
	const char *eq = strrchr(s, '=');
	char to[64];
	struct inj *ij;

	if (eq == NULL || eq == s || (size_t)(eq - s) >= sizeof to)
		wa_die(WA_EXIT_USAGE, "%s: '%s' is not TO=CODE", opt, s);
	snprintf(to, sizeof to, "%.*s", (int)(eq - s), s);
	injs = wa_realloc(injs, (ninjs + 1) * sizeof *injs);
	ij = &injs[ninjs++];
	if (strcmp(to, "*") == 0)
		snprintf(ij->to, sizeof ij->to, "*");
	else if (phone_digits(to, ij->to) != 0)
		wa_die(WA_EXIT_USAGE, "%s: '%s' is not a phone number", opt, to);
	ij->code = (int)wa_optnum(opt, eq + 1, 0, 9999999);
	ij->async = async;
	if (async && ij->code == 0)
		wa_die(WA_EXIT_USAGE, "%s: the code cannot be 0", opt);
}

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: %s [-l ADDR:PORT] [-o LOG] [-T TEMPLATES] [--strict] [--phone-id ID]\n"
	    "       [--inbound EVENTS]\n"
	    "       [--latency MS] [--rate N] [--pair-limit[=S]] [--max N]\n"
	    "       [--fail-5xx P] [--drop-after-accept P] [--odd-after-accept P]\n"
	    "       [--504-after-accept P] [--seed N] [--throttle-status 400|429]\n"
	    "       [--error TO=CODE]... [--async-error TO=CODE]... [--media ID=FILE]...\n"
	    "       [--webhook URL [--webhook-delay MS] [--read P] [--reply P] [--reply-text T]]\n"
	    "       [--public] [--echo-token]\n"
	    "   or: %s --sink FILE [-l ADDR:PORT]\n"
	    "A mock WhatsApp Cloud API: token from WA_TOKEN or WA_TOKEN_FILE, webhooks\n"
	    "signed with WA_APP_SECRET; prints 'listening on ADDR:PORT' when ready.\n"
	    "  -l ADDR:PORT           listen there (127.0.0.1:0: a free port)\n"
	    "  -o LOG                 append each accepted message as a JSON line\n"
	    "  -T TEMPLATES           known templates, JSON lines {\"name\",\"language\",\n"
	    "                         \"body_params\",\"header\",\"header_params\",\"buttons\",\n"
	    "                         \"category\",\"status\"}; without it, the built-in ones\n"
	    "                         the tests, the journeys and the demo send\n"
	    "  --strict               also require what the OpenAPI spec requires\n"
	    "                         (recipient_type, type, language.policy)\n"
	    "  --phone-id ID          the only PHONE_NUMBER_ID that exists (106540352242922)\n"
	    "  --inbound EVENTS       a wa-hook spool: its message events open the 24-hour\n"
	    "                         window (read again when it changes); without one,\n"
	    "                         only the --reply webhooks do, and other free-form\n"
	    "                         messages get 131047\n"
	    "  --latency MS           delay every answer (not /health)\n"
	    "  --rate N               over N accepted messages/s: 130429\n"
	    "  --pair-limit[=S]       again to one recipient within S (6) s: 131056\n"
	    "  --max N                after N accepted messages: 131048\n"
	    "  --media ID=FILE        media ID holds FILE (its type by content), as\n"
	    "                         a customer's photo or document would\n"
	    "  --fail-5xx P           a fraction P of requests get a 500, 502 or 503\n"
	    "  --drop-after-accept P  a fraction P of accepted messages get no answer\n"
	    "  --odd-after-accept P   a fraction P of accepted messages get a 200 whose\n"
	    "                         body is {\"message_id\":WAMID}, not the success shape\n"
	    "  --504-after-accept P   a fraction P of accepted messages get a 504 HTML page\n"
	    "  --seed N               for the random choices (1)\n"
	    "  --throttle-status N    HTTP status of 4, 80007, 130429, 131056 (429)\n"
	    "  --error TO=CODE        always answer CODE for TO ('*': everyone)\n"
	    "  --async-error TO=CODE  accept, then a 'failed' status webhook with CODE\n"
	    "  --webhook URL          post signed status webhooks there\n"
	    "  --webhook-delay MS     between the answer and each status (200)\n"
	    "  --read P               fraction of messages read (0.6)\n"
	    "  --reply P              fraction answered with a text reply (0.05)\n"
	    "  --reply-text T         the reply's text (some canned ones)\n"
	    "  --sink FILE            be a webhook receiver: POST /webhook appends\n"
	    "                         {\"at\",\"sig\",\"body\"} to FILE\n"
	    "  --public               allow a non-loopback -l address\n"
	    "  --echo-token           answer 401 with the bearer token in the message\n",
	    wa_prog, wa_prog);
	exit(status);
}

/* Serve the mock until SIGTERM or SIGINT. */
int
main(int argc, char **argv)
{
	enum { O_LAT = 256, O_RATE, O_PAIR, O_MAX, O_5XX, O_DROP, O_SEED,
		O_THR, O_ERR, O_AERR, O_HOOK, O_HDELAY, O_READ, O_REPLY,
		O_RTEXT, O_SINK, O_PUBLIC, O_STRICT, O_PHONE, O_VERSION, O_INBOUND,
		O_ECHO, O_ODD, O_504, O_MEDIA };
	static const struct option lopts[] = {
		{ "504-after-accept", required_argument, NULL, O_504 },
		{ "async-error", required_argument, NULL, O_AERR },
		{ "drop-after-accept", required_argument, NULL, O_DROP },
		{ "echo-token", no_argument, NULL, O_ECHO },
		{ "error", required_argument, NULL, O_ERR },
		{ "fail-5xx", required_argument, NULL, O_5XX },
		{ "help", no_argument, NULL, 'h' },
		{ "inbound", required_argument, NULL, O_INBOUND },
		{ "latency", required_argument, NULL, O_LAT },
		{ "max", required_argument, NULL, O_MAX },
		{ "media", required_argument, NULL, O_MEDIA },
		{ "odd-after-accept", required_argument, NULL, O_ODD },
		{ "pair-limit", optional_argument, NULL, O_PAIR },
		{ "phone-id", required_argument, NULL, O_PHONE },
		{ "public", no_argument, NULL, O_PUBLIC },
		{ "rate", required_argument, NULL, O_RATE },
		{ "read", required_argument, NULL, O_READ },
		{ "reply", required_argument, NULL, O_REPLY },
		{ "reply-text", required_argument, NULL, O_RTEXT },
		{ "seed", required_argument, NULL, O_SEED },
		{ "sink", required_argument, NULL, O_SINK },
		{ "strict", no_argument, NULL, O_STRICT },
		{ "throttle-status", required_argument, NULL, O_THR },
		{ "version", no_argument, NULL, O_VERSION },
		{ "webhook", required_argument, NULL, O_HOOK },
		{ "webhook-delay", required_argument, NULL, O_HDELAY },
		{ NULL, 0, NULL, 0 }
	};
	struct MHD_Daemon *d;
	pthread_condattr_t ca;
	pthread_t tt, ht;
	struct rlimit rl;
	struct rcpt *rc;
	struct media *md;
	sigset_t sigs;
	char where[300];
	long nproc;
	int c, fd, sig;
	size_t i;

	wa_init(&argc, &argv);
	json_object_seed(0);	/* before any object, in one thread */
	while ((c = getopt_long(argc, argv, "hl:o:T:", lopts, NULL)) != -1) {
		switch (c) {
		case 'h': usage(0); break;
		case 'l': listen_at = optarg; break;
		case 'o': logpath = optarg; break;
		case 'T': tplpath = optarg; break;
		case O_AERR: add_inj("--async-error", optarg, 1); break;
		case O_DROP: pdrop = prob("--drop-after-accept", optarg); break;
		case O_ODD: podd = prob("--odd-after-accept", optarg); break;
		case O_504: p504 = prob("--504-after-accept", optarg); break;
		case O_ERR: add_inj("--error", optarg, 0); break;
		case O_5XX: p5xx = prob("--fail-5xx", optarg); break;
		case O_LAT: latency_ms = (long)wa_optnum("--latency", optarg, 0, 600000); break;
		case O_MEDIA: load_media(optarg); break;
		case O_MAX: maxmsg = wa_optnum("--max", optarg, 0, LLONG_MAX); break;
		case O_PAIR: pair_secs = optarg ? (long)wa_optnum("--pair-limit", optarg, 1, 86400) : 6; break;
		case O_PHONE: phone_id = optarg; break;
		case O_PUBLIC: public_ok = 1; break;
		case O_ECHO: echo_token = 1; break;
		case O_RATE: rate = (double)wa_optnum("--rate", optarg, 1, 1000000); break;
		case O_READ: p_read = prob("--read", optarg); break;
		case O_REPLY: p_reply = prob("--reply", optarg); break;
		case O_RTEXT:
			if (wa_utf8_valid(optarg, strlen(optarg)) != strlen(optarg))
				wa_die(WA_EXIT_USAGE, "--reply-text: not UTF-8");
			reply_text = optarg;
			break;
		case O_SEED: seed = (unsigned long long)wa_optnum("--seed", optarg, 0, LLONG_MAX); break;
		case O_SINK: sinkpath = optarg; break;
		case O_STRICT: strict = 1; break;
		case O_THR: throttle_status = (int)wa_optnum("--throttle-status", optarg, 400, 599); break;
		case O_HOOK: hook_url = optarg; break;
		case O_INBOUND: inpath = optarg; break;
		case O_HDELAY: hook_delay = (long)wa_optnum("--webhook-delay", optarg, 0, 3600000); break;
		case O_VERSION: wa_version(); break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	if (optind < argc)
		usage(WA_EXIT_USAGE);
	if (podd + p504 > 1)
		wa_die(WA_EXIT_USAGE, "--odd-after-accept and --504-after-accept add up to over 1");
	if (sinkpath && (logpath || hook_url))
		wa_die(WA_EXIT_USAGE, "--sink cannot go with -o or --webhook");
	if (!sinkpath && (token = wa_secret("WA_TOKEN")) == NULL)
		wa_die(WA_EXIT_USAGE, "set WA_TOKEN or WA_TOKEN_FILE to the token to accept");
	if (hook_url && ((secret = getenv("WA_APP_SECRET")) == NULL || !*secret))
		wa_die(WA_EXIT_USAGE, "--webhook: set WA_APP_SECRET to sign the webhooks");
	if (tplpath)
		load_templates(tplpath);
	else
		default_templates();
	if ((logpath || sinkpath) &&
	    (logfp = fopen(sinkpath ? sinkpath : logpath, "a")) == NULL)
		wa_die(WA_EXIT_USAGE, "cannot open '%s':", sinkpath ? sinkpath : logpath);
	fd = wa_listen(listen_at, !public_ok, where, sizeof where);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	started = (uint64_t)time(NULL);
	tokens = rate;
	tokens_at = mono_ms();
	pairs = wa_hash_new();
	ownwin = wa_window_new();
	profile = profile_default();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&dq.cv, &ca);
	pthread_cond_init(&hq.cv, &ca);

	/* Only main takes the signals, in sigwait. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	if (pthread_create(&tt, NULL, timer, NULL) != 0 ||
	    (hook_url && pthread_create(&ht, NULL, hooker, NULL) != 0))
		wa_die(WA_EXIT_FATAL, "cannot start a thread");
	nproc = sysconf(_SC_NPROCESSORS_ONLN);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
	    MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL, handler, NULL,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(nproc < 2 ? 2 : nproc > 8 ? 8 : nproc),
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)10000,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_END);
	if (d == NULL)
		wa_die(WA_EXIT_FATAL, "cannot start the HTTP server on '%s'", where);
	printf("listening on %s\n", where);
	fflush(stdout);

	while (sigwait(&sigs, &sig) != 0)
		;
	pthread_mutex_lock(&dq.mu);
	dq.stop = 1;
	pthread_cond_signal(&dq.cv);
	pthread_mutex_unlock(&dq.mu);
	pthread_join(tt, NULL);
	MHD_stop_daemon(d);
	if (hook_url) {
		pthread_mutex_lock(&hq.mu);
		hq.stop = 1;
		pthread_cond_signal(&hq.cv);
		pthread_mutex_unlock(&hq.mu);
		pthread_join(ht, NULL);
	}
	curl_global_cleanup();
	if (logfp && fclose(logfp) != 0)
		wa_die(WA_EXIT_FATAL, "cannot write '%s':", sinkpath ? sinkpath : logpath);
	for (; (rc = rcpts) != NULL; rcpts = rc->next, free(rc))
		;
	for (; (md = medias) != NULL; medias = md->next, free(md))
		free(md->data);
	wa_hash_free(pairs);
	wa_window_free(filewin);
	wa_window_free(ownwin);
	json_decref(profile);
	for (i = 0; i < ntpls; i++) {
		free(tpls[i].name);
		free(tpls[i].lang);
		free(tpls[i].header);
		free(tpls[i].category);
		free(tpls[i].status);
	}
	free(tpls);
	free(injs);
	free(token);
	return wa_finish();
}
