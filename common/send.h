/* wa: the send layer: the Cloud API, the ledger, the send queue (see README.md). */
#ifndef WA_SEND_H
#define WA_SEND_H

#include "wa.h"

/* graph.c: WhatsApp Cloud API request URLs, bodies and their placeholders */
/* The default of $WA_API_URL. */
#define WA_GRAPH_API "https://graph.facebook.com/v21.0"
#define WA_GRAPH_TEXTMAX 4096	/* free-form text body, in characters */
#define WA_GRAPH_PARAMMAX 32768	/* one template text parameter */
#define WA_GRAPH_OPAQUEMAX 512	/* biz_opaque_callback_data */
#define WA_GRAPH_CAPTIONMAX 1024	/* a media caption, in characters */
#define WA_GRAPH_ERRSZ 256	/* enough for any ERR message below */
/*
 * BASE ($WA_API_URL; NULL or "": WA_GRAPH_API) + "/" + NODE (a numeric
 * id such as $WA_PHONE_NUMBER_ID) + "/" + EDGE ("messages"; NULL: the
 * node itself) into OUT. Returns 0, or -1 with the reason in ERR.
 */
int wa_graph_url(struct wa_buf *out, const char *base, const char *node,
    const char *edge, char *err, size_t errsz);
/*
 * Where messages go, from the environment: the messages URL of
 * $WA_PHONE_NUMBER_ID under $WA_API_URL into OUT, and the token of
 * WA_TOKEN or WA_TOKEN_FILE, returned (wa_secret_free it). Dies with
 * status 2 when one is missing, HINT (may be "") after the message.
 */
char *wa_graph_target(struct wa_buf *out, const char *hint);
/*
 * Placeholders: "{{field}}" and "{{field|default}}" take a value from the
 * record REC (dotted paths such as extra.utm_source; numbers as JSON
 * writes them, true/false, arrays joined by ", "); text around them is
 * kept. A field that is missing, null or "" and has no default is an
 * error naming it: a customer never gets an empty variable. Fill TMPL
 * into OUT (reset first); returns 0, or -1 with the reason in ERR.
 */
int wa_graph_fill(const char *tmpl, json_t *rec, struct wa_buf *out,
    char *err, size_t errsz);
/* Check only the syntax of TMPL, so a bad -p is a usage error at start. */
int wa_graph_check(const char *tmpl, char *err, size_t errsz);
/*
 * Add to NAMES[0..*N), at most MAX, the top-level fields the placeholders of
 * TMPL (NULL: none) read ("extra" for {{extra.utm_source}}), each once and
 * copied. -1 when TMPL is bad or there are more than MAX.
 */
int wa_graph_fields(const char *tmpl, char **names, size_t *n, size_t max);

/* What every message carries besides its content. */
struct wa_graph_msg {
	const char *to;		/* E.164; '+' added to a bare wa_id */
	const char *reply_to;	/* context.message_id: wamid answered; NULL */
	const char *opaque;	/* biz_opaque_callback_data, or NULL: the
				   dedupe key, echoed in status webhooks */
};
enum {
	WA_GRAPH_HNONE, WA_GRAPH_HTEXT, WA_GRAPH_HIMAGE, WA_GRAPH_HVIDEO,
	WA_GRAPH_HDOCUMENT
};
enum { WA_GRAPH_BURL, WA_GRAPH_BQUICK };
struct wa_graph_button {
	int type;		/* BURL or BQUICK */
	int index;		/* the button's place in the template, 0-9 */
	const char *text;	/* BURL: the URL suffix; BQUICK: the payload */
};
/* A template message; every string may hold placeholders. */
struct wa_graph_tmpl {
	const char *name;
	const char *lang;	/* "pt-BR" is sent as pt_BR; "{{lang|en_US}}" */
	int htype;		/* WA_GRAPH_H* */
	const char *header;	/* text, or media: http(s) link or media id */
	const char *filename;	/* document header: the name shown, or NULL */
	const char *const *body;	/* body parameters {{1}}, {{2}}... */
	size_t nbody;
	const struct wa_graph_button *button;
	size_t nbutton;
};
/* --button "INDEX=TEXT": a URL button; B->text points into ARG. */
int wa_graph_button_arg(const char *arg, struct wa_graph_button *b,
    char *err, size_t errsz);
/*
 * The consent question: template NAME in LANG whose quick replies 0 and 1
 * carry WA_CONSENT_YES and WA_CONSENT_NO, the answer wa-hook logs (as
 * wa-send --quick-reply 0=CONSENT_YES --quick-reply 1=CONSENT_NO).
 */
void wa_graph_consentq(struct wa_graph_tmpl *t, const char *name,
    const char *lang);
/*
 * The request bodies, filled from REC (may be NULL). NULL with the reason
 * in ERR when a field is missing, a value is empty, too long or not UTF-8,
 * so the record fails locally and nothing malformed is sent.
 */
json_t *wa_graph_template(const struct wa_graph_msg *m,
    const struct wa_graph_tmpl *t, json_t *rec, char *err, size_t errsz);
json_t *wa_graph_text(const struct wa_graph_msg *m, const char *text,
    json_t *rec, char *err, size_t errsz);
/*
 * Media of TYPE (image, document, video, audio) by its uploaded ID, with
 * CAPTION (may be NULL; placeholders filled) and, for a document, the
 * FILENAME shown (may be NULL).
 */
json_t *wa_graph_media(const struct wa_graph_msg *m, const char *type,
    const char *id, const char *caption, const char *filename, json_t *rec,
    char *err, size_t errsz);

/* graphans.c: WhatsApp Cloud API answers and error classes */
/* An error object: a send answer's "error" or a status's "errors" item. */
struct wa_graph_err {
	long long code;		/* -1: none */
	long long subcode;	/* -1: none (deprecated since v16.0) */
	const char *title;	/* never NULL: "Rate limit hit" */
	const char *message, *details, *type, *fbtrace;	/* NULL: absent */
	int transient;		/* is_transient: true */
};
/* Strings point into O and live as long as it does. */
void wa_graph_err_read(struct wa_graph_err *e, json_t *o);
enum { WA_GRAPH_SENT, WA_GRAPH_ERROR, WA_GRAPH_GARBAGE };
/* An answer to a send; the strings live until wa_graph_ans_free. */
struct wa_graph_ans {
	int kind;		/* GARBAGE: HTML from a proxy, empty, cut */
	long http;		/* HTTP status; 0: none */
	const char *wamid, *wa_id, *input;	/* SENT; wa_id may be NULL */
	const char *mstatus;	/* SENT: accepted, held_for_quality_assessment,
				   paused, or NULL */
	struct wa_graph_err err;	/* ERROR; GARBAGE: title only */
	json_t *json;		/* the parsed body */
	char what[64];		/* GARBAGE: "no JSON answer (HTTP 502)" */
};
int wa_graph_answer(struct wa_graph_ans *a, long http, const char *body,
    size_t len);
void wa_graph_ans_free(struct wa_graph_ans *a);

/* What to do about an error (cloud-api.md 2.2); names go in error.class. */
enum {
	WA_GC_UNKNOWN,		/* "unknown": fail the record */
	WA_GC_TRANSIENT,	/* "transient": retry with backoff */
	WA_GC_THROTTLE,		/* "throttle": back off, lower the rate */
	WA_GC_PAIR,		/* "pair_limit": this recipient after 4^x s */
	WA_GC_RECIPIENT,	/* "recipient": never retry this one */
	WA_GC_CAMPAIGN,		/* "campaign": stop the campaign */
	WA_GC_LANGUAGE,		/* "template_language": stop that language */
	WA_GC_ACCOUNT		/* "account": stop everything, exit 3 */
};
/*
 * The class of E (NULL or code -1: no error body) in an answer of HTTP
 * status HTTP (0: the request was never sent, so a retry is safe; a
 * request that went out without an answer is no class but an unknown
 * outcome). The code decides; the HTTP status only when it is unknown.
 */
int wa_graph_class(const struct wa_graph_err *e, long http);
enum { WA_OUT_SENT, WA_OUT_REFUSED, WA_OUT_UNKNOWN };
/*
 * What answer A says of a message, SENT being wa_http_res's: SENT only for
 * a 2xx with messages[0].id; REFUSED (then wa_graph_class says what to do)
 * for Graph's error object, any 3xx or 4xx, or no answer to a request
 * whose body never all went; UNKNOWN for every other 2xx, a 5xx without
 * the error object, or no answer after the body went. An UNKNOWN message
 * may have been taken, so it is never sent again on its own.
 */
int wa_graph_outcome(const struct wa_graph_ans *a, int sent);
const char *wa_graph_classname(int cls);
/* Does CODE mean the recipient opted out (131050): add to suppress.txt? */
int wa_graph_suppress(long long code);
/* Is the campaign error CODE about the template itself, not the account's marketing? */
int wa_graph_of_template(long long code);
/*
 * Seconds before a recipient refused with CODE (a recipient-class error)
 * may be tried again, -1 for never: a later run skips it until then.
 */
long long wa_graph_hold(long long code);
/* Seconds to wait before retry N (from 0) after a pair limit: 4^N. */
long long wa_graph_pair_wait(int n);

/* http.c: many POSTs in flight over libcurl's multi interface, paced */
/*
 * curl_global_init(CURL_GLOBAL_DEFAULT) is main's job, before wa_http_new
 * (and curl_global_cleanup after wa_http_free); ignore SIGPIPE too. One
 * struct wa_http is for one thread.
 */
struct wa_http;
struct wa_http_res {
	void *ctx;		/* as given to wa_http_post */
	long status;		/* HTTP status; 0: no answer (or a cut one) */
	const char *body;	/* the answer, NUL-terminated; valid during the callback */
	size_t len;
	/*
	 * The whole body went out: without an answer the outcome is unknown
	 * (server closed after the request, timeout after the upload). 0: it
	 * never all left (connection refused, DNS, connect timeout), so it is
	 * safe to send again. libcurl never re-sends a body that all went out.
	 */
	int sent;
	const char *error;	/* libcurl's message when there was no answer, else NULL */
	double seconds;		/* from the start of the request to its end */
};
typedef void wa_http_fn(struct wa_http_res *res, void *arg);
/*
 * RATE requests a second at most (0: paused), in bursts of at most
 * max(1, RATE/10); in flight at most ceil(RATE x latency x 1.2), latency
 * being an average of the answered ones, and never over MAXFLIGHT;
 * TIMEOUT_MS for one request (connecting: at most 10 s of it).
 */
struct wa_http *wa_http_new(double rate, int maxflight, long timeout_ms);
/* The bearer token for Authorization; kept in memory only, never printed, never in argv. */
void wa_http_auth(struct wa_http *h, const char *token);
/*
 * Trust the CA certificates of the PEM FILE instead of the system's: for a
 * TLS proxy with a private CA, or a test (libcurl reads no variable for it).
 */
void wa_http_ca(struct wa_http *h, const char *file);
/* Queue a POST of the JSON BODY (copied) to URL; it starts when pacing allows. */
void wa_http_post(struct wa_http *h, const char *url, const char *body, void *ctx);
/*
 * Drive transfers for up to MS milliseconds or until at least one finished;
 * FN is called for each finished one and may queue more with wa_http_post
 * (not step or free). Returns how many are queued or in flight.
 */
size_t wa_http_step(struct wa_http *h, wa_http_fn *fn, void *arg, long ms);
void wa_http_setrate(struct wa_http *h, double rate);	/* e.g. lower it on 130429 */
double wa_http_getrate(const struct wa_http *h);
size_t wa_http_pending(const struct wa_http *h);	/* queued or in flight */
size_t wa_http_inflight(const struct wa_http *h);
double wa_http_latency(const struct wa_http *h);	/* seconds; 0: none seen yet */
/* Requests still queued or in flight are dropped, FN never called for them. */
void wa_http_free(struct wa_http *h);

/* ledger.c: the send ledger, exactly once across crashes and runs */
enum {
	WA_LEDGER_NONE,		/* never tried */
	WA_LEDGER_ATTEMPT,	/* tried, no outcome: it might have gone out */
	WA_LEDGER_SENT,
	WA_LEDGER_FAILED,	/* refused for good, or until a time */
	WA_LEDGER_RETRY,	/* refused, may be tried again */
	WA_LEDGER_UNKNOWN,	/* the answer was lost after the request left */
	WA_LEDGER_HELD		/* an A/B hold-out: never sent, on purpose */
};
/*
 * The state a ledger line of EVENT ("attempt", "sent", "failed"...) puts
 * its key in; E, the line, tells a failure that may be retried. NONE: no
 * ledger event. wa-report reads the ledger by the same mapping.
 */
int wa_ledger_event_state(const char *event, json_t *e);
struct wa_ledger;
/*
 * Open (creating 0600) and lock the ledger at PATH, cut a torn last line,
 * and read it. Without WAIT a ledger locked by another run gives NULL with
 * errno EWOULDBLOCK.
 */
struct wa_ledger *wa_ledger_open(const char *path, int wait);
/* The ledger at PATH read, not locked, not written: for a dry run. */
struct wa_ledger *wa_ledger_read(const char *path);
/* The last state of dedupe KEY, and when it was reached. */
int wa_ledger_state(struct wa_ledger *l, const char *key, time_t *at);
/*
 * For a key FAILED for good: when it may be tried again (the entry's
 * "until"), or 0 for never.
 */
time_t wa_ledger_until(struct wa_ledger *l, const char *key);
/*
 * The state (and *AT, when it was reached) of the other key of KEY's
 * campaign whose last attempt or hold-out went to the user of E164 (a
 * same-user phone key): WA_LEDGER_NONE when there is none.
 */
int wa_ledger_owner(struct wa_ledger *l, const char *key, const char *e164,
    time_t *at);
/* Messages that may have reached the WhatsApp user of E164 since SINCE. */
int wa_ledger_recent(struct wa_ledger *l, const char *e164, time_t since);
/*
 * Queue ENTRY ({"event":"attempt|sent|failed|unknown","key",..."at","to"};
 * a failed one has "retry", true or false, and may have "until")
 * and take it into the state; nothing is durable before wa_ledger_flush.
 */
int wa_ledger_add(struct wa_ledger *l, json_t *entry);
/* Write and fsync what was added: an attempt must be flushed before its request leaves. */
int wa_ledger_flush(struct wa_ledger *l);
/*
 * Roll the ledger into ledger/YYYY-MM.jsonl (segments.c) before a flush
 * that finds it at SIZE bytes (0: only by month) or its last entry of an
 * earlier month; gzipped at close.
 */
void wa_ledger_rollat(struct wa_ledger *l, long long size);
/*
 * Settle the keys whose outcome is unknown (ATTEMPT, UNKNOWN) from the
 * status events of wa-hook in the file EVENTS, one JSON object a line:
 * {"event":"status","key","status":"sent|delivered|read|failed","wamid",
 * "at", and for failed "error":{"code","title"} or Meta's "errors"}. A key
 * seen delivered or read, else sent, gets a "sent" entry with the wamid; one
 * seen failed gets a "failed" one, for good by a recipient error (as
 * wa_graph_hold says), else to be tried again. Entries say "via":"webhook".
 * Statuses dated more than 10 minutes before the key's last entry are about
 * an earlier send of it. Only the fields of a status are parsed, and the
 * file is not read at all when no key is open. On a ledger from
 * wa_ledger_read the state changes in memory only. Returns how many keys
 * were settled (0 for an absent file), or -1 with errno.
 */
long wa_ledger_settle(struct wa_ledger *l, const char *events, time_t now);
long wa_ledger_entries(const struct wa_ledger *l);
void wa_ledger_close(struct wa_ledger *l);

/* sendq.c: wa-send's queue: attempt first, paced requests, retries, error classes */
/* wa-send's event line {"event","id","to","campaign","at"}; ID, TO NULL: null. */
json_t *wa_sendq_event(const char *campaign, const char *ev, const char *id,
    const char *to);
/* An event's "error": {"code","title","class"}; CODE is taken. */
json_t *wa_sendq_error(json_t *code, const char *title, const char *cls);
struct wa_sendq_cfg {
	const char *campaign;
	const char *url;		/* the messages edge */
	const char *cafile;		/* as wa_http_ca; NULL: the system's */
	struct wa_ledger *ledger;	/* open for writing */
	const char *ledgerpath;		/* for messages */
	const char *suppath;		/* 131050 adds the number here */
	struct wa_hash *supp;		/* and its phone key here */
	double rate;			/* as wa_http_new */
	long concurrency, maxretries;
	long timeout_ms;		/* a request's whole life; 0: 30 s */
	/* A/B arms with templates of their own: an error of one template
	 * (wa_graph_of_template, 132001) stops that template's messages only,
	 * so that the arms stay alike. */
	int bytemplate;
	/* Each outcome as an event (sent, failed, deferred, unknown), taken. */
	void (*emit)(json_t *o, void *arg);
	void *arg;
};
/*
 * Every message goes through the queue: its "attempt" is in the ledger and
 * synced before its request leaves, its outcome after. Transient errors and
 * throttling are retried with backoff and jitter (throttling halves the
 * rate), a pair limit after 4^n s; a recipient error fails the message (for
 * good, or for wa_graph_hold), 131050 suppresses the number; a campaign
 * error defers everything queued, 132001 what is queued in its language, an
 * account error everything, for good. TOKEN is copied.
 */
struct wa_sendq *wa_sendq_new(const struct wa_sendq_cfg *c, const char *token);
/* The reason a message in LANG (NULL: none) cannot go now, or NULL. */
const char *wa_sendq_stopped(struct wa_sendq *q, const char *tmpl,
    const char *lang);
/* An account error stopped everything: read no more. */
int wa_sendq_fatal(const struct wa_sendq *q);
/*
 * Queue the request BODY (taken) for record ID to TO under the dedupe KEY;
 * TMPL and LANG (may be NULL) are what an error of the template stops;
 * VARIANT (may be NULL), the record's A/B arm, goes in its ledger entries.
 */
void wa_sendq_add(struct wa_sendq *q, const char *id, const char *to,
    const char *key, const char *tmpl, const char *lang, const char *variant,
    json_t *body);
/* Is the backlog over twice the concurrency: step before adding more? */
int wa_sendq_full(const struct wa_sendq *q);
/* Messages queued to the user of TO and not in the ledger yet, for caps. */
long wa_sendq_waiting(struct wa_sendq *q, const char *to);
/*
 * Start what is due and drive the requests for up to MS milliseconds (-1:
 * until the next retry is due, a second at most). 0 when nothing is left.
 */
int wa_sendq_step(struct wa_sendq *q, long ms);
size_t wa_sendq_inflight(const struct wa_sendq *q);
/* Requests still in flight (after an account error) are unknown, "stopped". */
void wa_sendq_free(struct wa_sendq *q);

/* api.c: one Graph API request at a time (wa-templates, wa-profile) */
#define WA_API_MAXBODY (4 << 20)	/* a longer answer is cut: an error */
struct wa_api;
/*
 * The token from WA_TOKEN or WA_TOKEN_FILE (dies with status 2 without
 * one), the CA bundle from WA_CA_FILE; main calls curl_global_init first.
 */
struct wa_api *wa_api_new(void);
/*
 * GET URL, or POST the JSON BODY to it; the answer's object, or NULL
 * with the reason in ERR: no answer, an error object ("HTTP 401, error
 * 190 (account): ..."), or no JSON object.
 */
json_t *wa_api_call(struct wa_api *a, const char *url, json_t *body,
    char *err, size_t errsz);
void wa_api_free(struct wa_api *a);

/* templates.c: the message template cache (see wa-templates(1)) */
#define WA_TMPL_STALE (7 * 86400)	/* older caches are warned about */
struct wa_tmpl {
	/* strings point into the cache's document */
	const char *name, *lang, *category, *status, *header;
	int htype;		/* WA_GRAPH_H*; -1: one wa-send cannot fill */
	size_t nbody;		/* body parameters */
	size_t nhead;		/* text header parameters */
	size_t nbutton;		/* buttons, of which ndynamic take a parameter */
	size_t ndynamic;
};
struct wa_tmpl_cache {
	json_t *doc;		/* {"synced_at","templates":[record...]} */
	struct wa_tmpl *t;
	size_t n;
	time_t synced;		/* 0: not known */
};
/*
 * The cache record of a template object of GET /<WABA_ID>/message_templates:
 * {"name","language","category","status","body_params","header",
 * "header_params","buttons":[{"type","dynamic"}],"id","components"};
 * NULL without a name or language.
 */
json_t *wa_tmpl_record(json_t *api);
/* The cache of DOC (referenced), or NULL with the reason in ERR. */
struct wa_tmpl_cache *wa_tmpl_read(json_t *doc, char *err, size_t errsz);
/* The cache at PATH; NULL with errno (ENOENT: none yet) and the reason in ERR. */
struct wa_tmpl_cache *wa_tmpl_load(const char *path, char *err, size_t errsz);
/*
 * Would a send of template NAME in LANG ("pt-BR" or pt_BR) with NBODY
 * body parameters, a header of HTYPE (WA_GRAPH_H*) and NBUTTON button
 * parameters go through? 0, or -1 with what is wrong in ERR (unknown
 * template or language, not APPROVED, counts, header type).
 */
int wa_tmpl_check(const struct wa_tmpl_cache *c, const char *name,
    const char *lang, size_t nbody, int htype, size_t nbutton, char *err,
    size_t errsz);
void wa_tmpl_free(struct wa_tmpl_cache *c);

/* profile.c: the business profile's fields and the API's limits */
/*
 * Check the profile fields of P (about, address, description, email,
 * websites, vertical; messaging_product and profile_picture_url are let
 * through) against the limits of the OpenAPI spec v23.0: 0, or -1 with
 * the first problem in ERR.
 */
int wa_profile_check(json_t *p, char *err, size_t errsz);
/* The fields a profile may set, NULL-terminated. */
extern const char *const wa_profile_fields[];

/* quiet.c: quiet hours in the customer's own day */
struct wa_quiet {
	int set;
	int from, to;		/* minutes of the day; from > to spans midnight */
};
/* "HH:MM-HH:MM", such as 21:00-09:00; 0, or -1 when it is not one. */
int wa_quiet_parse(const char *s, struct wa_quiet *q);
/*
 * Is T within Q in ZONE, the record's tz? 1 or 0 (always 0 when Q is not
 * set). When ZONE is NULL, unknown or malformed, the zones of the country
 * of E164 decide if they agree; -1 when they do not, or none is known.
 */
int wa_quiet_now(const struct wa_quiet *q, const char *zone, const char *e164,
    time_t t);

/* window.c: the 24-hour customer-service window, from a wa-hook spool */
#define WA_WINDOW (24 * 60 * 60)	/* seconds after a user's last message */
struct wa_window;
struct wa_window *wa_window_new(void);
/* The message events of the spool at PATH; empty when it does not exist; NULL on error. */
struct wa_window *wa_window_load(const char *path);
/* PHONE (E.164) wrote at AT; the latest time is kept, per same-user key. */
void wa_window_note(struct wa_window *w, const char *phone, time_t at);
/* When PHONE last wrote, or 0: never. */
time_t wa_window_last(const struct wa_window *w, const char *phone);
/* Did PHONE write less than 24 hours before NOW? */
int wa_window_open(const struct wa_window *w, const char *phone, time_t now);
void wa_window_free(struct wa_window *w);

/* sendarm.c: wa-send's message for each A/B arm (--arm), and the arm of a record */
#define WA_SENDARM_MAXPARAM 64
#define WA_SENDARM_MAX 27		/* the options before any --arm, and 26 arms */
/* What a record gets: the options before any --arm, or those of its variant's arm. */
struct wa_sendarm {
	const char *name;	/* --arm NAME; NULL: before any --arm */
	const char *text;	/* -m TEXT, or NULL for -t */
	struct wa_graph_tmpl tmpl;
	const char *params[WA_SENDARM_MAXPARAM];
	struct wa_graph_button buttons[10];
	size_t np, nb;
	int ownp, ownb, ownh;	/* -p, --button, a header given in the arm */
	int skip;		/* --skip: a hold-out arm, sent nothing */
};
struct wa_sendarms {
	struct wa_sendarm arm[WA_SENDARM_MAX];
	size_t n;
};
void wa_sendarms_init(struct wa_sendarms *s);
/* The options given from here on (-t, -m, -p...) are arm A's; these exit 2 on a bad one. */
struct wa_sendarm *wa_sendarm_new(struct wa_sendarms *s, const char *name);
void wa_sendarm_text(struct wa_sendarm *a, const char *text);
void wa_sendarm_param(struct wa_sendarm *a, const char *arg);
void wa_sendarm_button(struct wa_sendarm *a, const char *arg, int quick);
void wa_sendarm_header(struct wa_sendarm *a, int type, const char *arg);
void wa_sendarm_check(const struct wa_sendarms *s, struct wa_sendarm *a);
/* NULL with the reason in ERR when no arm sends to REC. */
const struct wa_sendarm *wa_sendarm_for(const struct wa_sendarms *s, json_t *rec, char *err,
    size_t errsz);
size_t wa_sendarm_urls(const struct wa_sendarm *a);
/* The template's language for REC in arm A, as the API spells it (pt_BR), or NULL. */
char *wa_sendarm_lang(const struct wa_sendarm *a, json_t *rec);
/* Does the template cache TMPLS (NULL: none) say A's template goes through in LANG? */
int wa_sendarm_checked(const struct wa_sendarm *a, struct wa_tmpl_cache *tmpls,
    const char *lang, char *err, size_t errsz);
int wa_sendarms_text(const struct wa_sendarms *s);
int wa_sendarms_fields(const struct wa_sendarms *s, char **names, size_t *n, size_t max);

/* gate.c: may a record's message go now: this run, the ledger, quiet hours, cap, window, same user */
struct wa_gate_opts {
	struct wa_quiet hours;	/* --quiet */
	long capn;		/* --cap N/DURATION */
	long long capsecs, every;	/* --every */
	int retryfailed, retryunknown;
	int reply;		/* --reply: never a duplicate recipient */
	long maxshared;		/* --max-shared: customers on one phone, at most */
	int capboth;		/* --cap-channels both: e-mails to the record's address count */
};
struct wa_gate {
	struct wa_gate_opts o;
	struct wa_ledger *ledger;
	struct wa_sendq *q;	/* NULL: a dry run */
	struct wa_window *win;	/* who wrote, for -m; NULL: no check */
	struct wa_hash *seen;	/* keys of this run */
	struct wa_hash *users;	/* same-user phone keys of this run */
};
/* --cap N/DURATION, as 2/7d; -1 when ARG is not one. */
int wa_gate_cap(struct wa_gate_opts *o, const char *arg);
int wa_gate_keystate(const struct wa_gate *g, const char *key);
char *wa_gate_key(const struct wa_gate *g, const char *campaign, json_t *rec,
    const char *id);
/*
 * NULL when the message to TO under dedupe KEY may go (TEXT: a free-form
 * one), and it is noted as going; else the event it gets ("skipped",
 * "deferred", "unknown") with its reason in WHY.
 */
const char *wa_gate_check(struct wa_gate *g, json_t *rec, const char *key,
    const char *to, int text, const char **why);

/* ledgerix.c and lixtable.c: the ledger's folded state on disk (PATH.idx), kept as it is appended */
struct wa_lix;
/*
 * The index of the ledger LPATH, open as LFD (-1: none yet, an empty
 * state): checked against the ledger, rebuilt from it when missing or
 * stale, then caught up with its tail (a torn last line is cut, unless
 * READONLY). READONLY (a dry run) changes it in memory only.
 */
struct wa_lix *wa_lix_open(const char *lpath, int lfd, int readonly);
/* Fold ledger entry E in; -1 when it is none. */
int wa_lix_take(struct wa_lix *ix, json_t *e);
/* Fold entry E, not yet in the ledger, apart from the table on disk; -1 when it is none. */
int wa_lix_pend(struct wa_lix *ix, json_t *e);
/* The entries apart are appended to the ledger and synced: fold them in from its tail. */
int wa_lix_catchup(struct wa_lix *ix);
/* The ledger's first COVERED bytes, synced, are what the index holds. */
int wa_lix_commit(struct wa_lix *ix, unsigned long long covered);
unsigned long long wa_lix_covered(const struct wa_lix *ix);
/* KEY's last state (WA_LEDGER_*), its time, a failure's end, the last recipient. */
int wa_lix_state(struct wa_lix *ix, const char *key, time_t *at, time_t *until,
    const char **to);
/* As wa_ledger_owner, wa_ledger_recent. */
int wa_lix_owner(struct wa_lix *ix, const char *key, const char *e164, time_t *at);
int wa_lix_recent(struct wa_lix *ix, const char *e164, time_t since);
long wa_lix_open_keys(const struct wa_lix *ix);	/* in ATTEMPT or UNKNOWN */
long wa_lix_entries(const struct wa_lix *ix);
void wa_lix_close(struct wa_lix *ix);
/*
 * Settling unknown outcomes: where to start reading the spool open as FD
 * (where the last settle stopped, if it is the same file grown; else 0),
 * and, once what was read is settled in the ledger, where it stopped.
 */
unsigned long long wa_lix_spool_from(struct wa_lix *ix, int fd);
void wa_lix_spool_done(struct wa_lix *ix, int fd, unsigned long long off);
/* Where the last settle stopped, to follow it across a roll (wa_cursor_open). */
void wa_lix_spool_at(const struct wa_lix *ix, struct wa_cursor *cur);
/* The ledger was rolled into a segment, LFD is the new live file: cover it, keep the state. */
int wa_lix_rolled(struct wa_lix *ix, int lfd);
/* Remove the index of ledger LPATH (wa-forget, which rewrites it); 0 or -1. */
int wa_lix_remove(const char *lpath);

/* media.c: media files: their type by content, upload and download */
struct wa_media_kind {
	const char *mime;	/* image/jpeg */
	const char *type;	/* the message type: image, document, video, audio, sticker */
	size_t max;		/* the Cloud API's limit, in bytes */
};
#define WA_MEDIA_MAX (100 << 20)	/* the largest of them: a document */
/* The kind of the N bytes at P by their first bytes (magic), or NULL for none known. */
const struct wa_media_kind *wa_media_sniff(const void *p, size_t n);
/* The kind of MIME type MIME, or NULL when the Cloud API takes no such media. */
const struct wa_media_kind *wa_media_bymime(const char *mime);
/*
 * Read the file PATH into OUT and its kind into *K; 0, or -1 with the
 * reason in ERR: unreadable, of no kind the API takes, over its limit.
 */
int wa_media_read(const char *path, struct wa_buf *out,
    const struct wa_media_kind **k, char *err, size_t errsz);
/* The SHA-256 of the N bytes at P in lower-case hex into OUT. */
void wa_media_sha256(const void *p, size_t n, char out[65]);
/*
 * Upload the N bytes of DATA, of kind K, as NAME to the media edge of
 * $WA_PHONE_NUMBER_ID: the media id (allocated), or NULL with the reason
 * in ERR. Dies with status 2 without WA_TOKEN or WA_PHONE_NUMBER_ID.
 */
char *wa_media_upload(const void *data, size_t n, const struct wa_media_kind *k,
    const char *name, char *err, size_t errsz);
/*
 * Media ID's object (url, mime_type, sha256, file_size), then its bytes
 * from the url with the token, into OUT; 0, or -1 with the reason in ERR
 * (a sha256 or size that does not match is one). INFO (may be NULL) gets
 * the object.
 */
int wa_media_download(const char *id, struct wa_buf *out, json_t **info,
    char *err, size_t errsz);
/*
 * Media ID downloaded to PATH (a temporary file renamed over it once
 * whole), or to stdout when PATH is NULL: its object without the url,
 * with "file", or NULL with the reason in ERR. Dies with status 3 when
 * it cannot write.
 */
json_t *wa_media_fetch(const char *id, const char *path, char *err, size_t errsz);
/* mail.c: e-mail messages from a template with placeholders (wa-mail) */
struct wa_mailtmpl;
/*
 * The message template at PATH: headers (From and Subject needed; To,
 * Date, Message-ID, MIME-Version and List-Unsubscribe are wa-mail's), an
 * empty line, and a text body, or a multipart/alternative body of a
 * text/plain and a text/html part written as UTF-8 text. Placeholders as
 * wa_graph_fill's, in the Subject and the parts. NULL with the reason in ERR.
 */
struct wa_mailtmpl *wa_mailtmpl_load(const char *path, char *err, size_t errsz);
/* The fields its placeholders read, as wa_graph_fields. */
int wa_mailtmpl_fields(const struct wa_mailtmpl *t, char **names, size_t *n,
    size_t max);
/* The address of its From: the envelope sender. */
const char *wa_mailtmpl_from(const struct wa_mailtmpl *t);
void wa_mailtmpl_free(struct wa_mailtmpl *t);
struct wa_mailmsg {
	const char *to;		/* a bare address (wa_email_norm) */
	const char *unsub;	/* the unsubscribe URL (marketing), or NULL */
	const char *key;	/* the dedupe key, seed of the Message-ID */
};
/*
 * The message of T to M->to filled from REC (and {{unsubscribe_url}}) into
 * OUT, CRLF lines: values HTML-escaped in the HTML part, the parts
 * quoted-printable, the Subject RFC 2047; List-Unsubscribe and One-Click
 * (RFC 8058) with M->unsub, and the link at the end of each part whose
 * template has none. 0, or -1 with the reason in ERR (a field missing).
 */
int wa_mail_render(const struct wa_mailtmpl *t, json_t *rec,
    const struct wa_mailmsg *m, struct wa_buf *out, char *err, size_t errsz);
/* The ledger's "to" for ADDR: a key of the address that fits WA_PHONE_MAX, for caps. */
void wa_mail_rcpt(const char *addr, char out[WA_PHONE_MAX]);
/* sendrun.c: what wa-send and wa-mail share: event lines, the gate's options, the ledger, the summary */
struct wa_rec;
struct wa_sendrun {
	const char *campaign;
	const char *channel;	/* set on every line ("email"); NULL: none */
	long nsent, nskipped, ndeferred, nfailed, nunknown;
};
/* Event line O (taken) to stdout, counted in RUN (a struct wa_sendrun, as a queue's emit). */
void wa_sendrun_put(json_t *o, void *run);
/* The event EV of a record with a reason, or a failure here that it is rejected for. */
void wa_sendrun_reason(struct wa_sendrun *r, const char *ev, const char *id,
    const char *to, const char *reason);
void wa_sendrun_localfail(struct wa_sendrun *r, struct wa_rec *rec, const char *id,
    const char *to, const char *err);
/* -c CAMPAIGN checked, and --cap, --every or --quiet (WHICH) into O, or exit 2. */
enum { WA_SENDRUN_CAP, WA_SENDRUN_EVERY, WA_SENDRUN_QUIET };
void wa_sendrun_campaign(const char *c);
void wa_sendrun_gateopt(struct wa_gate_opts *o, int which, const char *arg);
/* The fields a run parses: OWN[0..N) copied into an array of WA_SENDRUN_MAXFIELDS, *NP of them. */
#define WA_SENDRUN_MAXFIELDS 128
char **wa_sendrun_names(const char *const *own, size_t n, size_t *np);
/* The ledger at PATH: read for a dry run, else opened and locked (NOWAIT: exit 75 when busy). */
struct wa_ledger *wa_sendrun_ledger(const char *path, int dryrun, int nowait);
/* "prog: CAMPAIGN: N sent, ..." on stderr, MORE before its newline; the exit status. */
void wa_sendrun_summary(const struct wa_sendrun *r, const char *more);
int wa_sendrun_status(const struct wa_sendrun *r, int fatal);

#endif
