/* wa: the hook layer: webhooks in, the event spool, signatures (see README.md). */
#ifndef WA_HOOK_H
#define WA_HOOK_H

#include "wa.h"

/* sig.c: HMAC-SHA256 webhook signatures */
#define WA_SIGBUF 80
enum { WA_SIG_HEX, WA_SIG_B64 };
/* "sha256=<hex>" (Meta's X-Hub-Signature-256) of BODY into OUT (WA_SIGBUF). */
void wa_sig_hex(const char *secret, const void *body, size_t n, char *out);
/* Base64 (Shopify's X-Shopify-Hmac-Sha256) of BODY into OUT (WA_SIGBUF). */
void wa_sig_b64(const char *secret, const void *body, size_t n, char *out);
/* Does HEADER (may be NULL) sign BODY with SECRET? Constant time. */
int wa_sig_ok(int kind, const char *secret, const void *body, size_t n,
    const char *header);
/* Is GOT (may be NULL) WANT, never empty? Constant time over WANT's length. */
int wa_sig_same(const char *want, const char *got);

/* words.c: opt-out and opt-in keywords */
struct wa_words;
/* The built-in STOP words (START words when START is nonzero). */
struct wa_words *wa_words_default(int start);
/*
 * Read PATH: one word or phrase per line, '#' comments; lines under a
 * "[start]" line are opt-in words and replace *START, the others (or
 * those under "[stop]") make a new *STOP. 0, or -1 with errno.
 */
int wa_words_load(const char *path, struct wa_words **stop,
    struct wa_words **start);
/*
 * Is TEXT as a whole, folded (wa_words_fold), one of WS? 1, or 2 for a
 * built-in word that opts out only when typed, not as a button's title
 * ("Cancel"); 0 when it is none.
 */
int wa_words_match(const struct wa_words *ws, const char *text);
/*
 * S into OUT with full-width and other compatibility forms as NFKC maps
 * them, zero-width characters dropped, spaces collapsed, trimmed of
 * spaces, punctuation and emoji, case-folded; -1 when S is not valid text.
 */
int wa_words_fold(const char *s, struct wa_buf *out);
void wa_words_free(struct wa_words *ws);

/* hook.c: webhook bodies into event records (see wa-hook(1)) */
/* Called with each event; takes over the reference. */
typedef void wa_hook_fn(json_t *ev, void *arg);
/*
 * Every status, message, preference and template update of the Cloud API
 * webhook BODY as an event record; fields it does not know come out as a
 * "change" event. Returns how many, or -1 with the reason in ERR.
 */
int wa_hook_meta(json_t *body, wa_hook_fn *fn, void *arg, char *err,
    size_t errsz);
/*
 * The same for a body jansson refuses as a whole (a lone surrogate, 1e999,
 * an integer over 64 bits in one item): each entry, change and item that
 * parses is read as above, and each that does not becomes a "change" event
 * with its text in "raw". -1 when RAW[0..N) has no entry array at all.
 */
int wa_hook_meta_raw(const char *raw, size_t n, wa_hook_fn *fn, void *arg,
    char *err, size_t errsz);
/*
 * The dedupe key of event EV written as LINE[0..N): event, wamid (or
 * hook_id) and status, and the member for a group's status; for an event
 * with neither id, a hash of LINE.
 */
void wa_hook_key(json_t *ev, const char *line, size_t n, struct wa_buf *key);

/* outq.c: lines for a reader that may stall, written by a thread */
struct wa_outq;
/* A queue to FD holding MAX bytes at most. */
struct wa_outq *wa_outq_new(int fd, size_t max);
/* Queue P[0..N) (whole lines); -1 when it does not fit, and it is dropped, counted. */
int wa_outq_put(struct wa_outq *q, const char *p, size_t n);
/* Wait SECS at most for the lines to go out; the lines dropped or left unwritten. */
long wa_outq_close(struct wa_outq *q, int secs);

/* shopify.c: Shopify order and checkout webhooks */
/*
 * The "order" or "checkout" event, with wa-import's order fields, for a
 * Shopify webhook BODY of TOPIC (orders/... or checkouts/...); NULL with
 * the reason in ERR.
 */
json_t *wa_hook_shopify(const char *topic, json_t *body, char *err,
    size_t errsz);

/* spool.c: the event spool, durable before acknowledged, deduplicated */
struct wa_spool;
/*
 * Open (creating 0600) the spool at PATH, cut a torn last line, and read
 * back the keys of the events it holds and of its segments written to in
 * the last HORIZON seconds (0: all), which are then never stored again;
 * FN (may be NULL) sees the event, wamid, status, to, from, user_id and
 * at of each event of the live file, and of each opt-out and opt-in of
 * those segments, as it is read. NULL with errno.
 */
typedef void wa_spool_fn(json_t *ev, void *arg);
struct wa_spool *wa_spool_open(const char *path, time_t horizon,
    wa_spool_fn *fn, void *arg);
/* Also write every event, once on disk, to FP (by a thread; dropped, counted, when it is not read). */
void wa_spool_stream(struct wa_spool *s, FILE *fp);
/*
 * Append the events EVS[0..N) not seen before and wait until they, and
 * any earlier copy still on its way, are on disk; *NNEW tells how many
 * were new. 0, or -1 when some could not be written (they are forgotten,
 * so a redelivery is taken). Safe to call from many threads.
 */
int wa_spool_add(struct wa_spool *s, json_t *const *evs, size_t n,
    size_t *nnew);
/* Was an event with EV's key kept (or is it on its way)? */
int wa_spool_seen(struct wa_spool *s, json_t *ev);
void wa_spool_counts(struct wa_spool *s, long *stored, long *dup);
/* Roll into a dated segment (segments.c) at SIZE bytes (0: only by month). */
void wa_spool_rollat(struct wa_spool *s, long long size);
/* Roll now (SIGHUP), between two batches; a spool with nothing in it stays. */
void wa_spool_roll(struct wa_spool *s);
/* Write what is pending, fsync and close; 0 or -1. */
int wa_spool_close(struct wa_spool *s);

/* net.c: listening sockets */
/*
 * Listen on SPEC, "ADDR:PORT", "[V6]:PORT" or "PORT" (127.0.0.1; port 0:
 * any free one), with LOOPBACK_ONLY refusing other addresses; the
 * address bound, printable, into OUT. Dies with status 2 or 3.
 */
int wa_listen(const char *spec, int loopback_only, char *out, size_t outlen);
/*
 * The connection limit of a server: every descriptor the hard limit
 * allows taken, and a limit short of them, as past it the server closes a
 * new connection at once, where out of descriptors its accept would fail
 * over and over, a core spinning and every webhook locked out.
 */
unsigned wa_fdroom(void);

/* conns.c: a server's connections: counts per address, request deadlines */
struct sockaddr;
struct wa_conns;
struct wa_conn;
/*
 * The connections of a server taking MAXPERIP (0: any) from one address
 * other than PROXY[0..PROXYLEN) (--trust-proxy), each request within
 * TIMEOUT seconds.
 */
struct wa_conns *wa_conns_new(unsigned maxperip, unsigned timeout,
    const unsigned char *proxy, size_t proxylen);
/* The address bytes of SA in OUT[16]; their length, 0 when it is no IP address. */
size_t wa_addrbytes(const struct sockaddr *sa, unsigned char *out);
/* The bytes of the IP address S (--trust-proxy) in OUT[16]; their length, 0 when S is none. */
size_t wa_addrparse(const char *s, unsigned char *out);
/* Are the address bytes A[0..N) the trusted proxy's? */
int wa_conns_isproxy(const struct wa_conns *cs, const unsigned char *a,
    size_t n);
/*
 * Who sent a request on a connection from SA: its address in BUF, or when
 * SA is the trusted proxy, the client it names, REALIP (X-Real-IP) else
 * the last of FWD (X-Forwarded-For); "?" when SA is no IP address.
 */
const char *wa_conns_client(const struct wa_conns *cs, const struct sockaddr *sa,
    const char *realip, const char *fwd, char *buf, size_t sz);
/* May a connection from SA be taken? 0 (warned of, counted) when its address holds its share. */
int wa_conns_admit(struct wa_conns *cs, const struct sockaddr *sa);
/* A connection on FD from SA taken, counted against its address. */
struct wa_conn *wa_conn_open(struct wa_conns *cs, int fd,
    const struct sockaddr *sa);
void wa_conn_close(struct wa_conns *cs, struct wa_conn *k);
/* K is storing (ANSWERING), or done with a request: the next one's deadline runs from now. */
void wa_conn_mark(struct wa_conn *k, int answering);
/* Has K's request taken over the timeout? Then it is counted as cut. */
int wa_conn_overdue(struct wa_conns *cs, struct wa_conn *k);
/* Shut down the connections past the timeout (ALL: every one not storing). */
void wa_conns_cut(struct wa_conns *cs, int all);
/* Cut late connections from a thread, every 250 ms; -1 when it cannot start. */
int wa_conns_reap(struct wa_conns *cs);
/* Requests cut at the deadline, connections refused over MAXPERIP. */
void wa_conns_counts(struct wa_conns *cs, long *ncut, long *nperip);

/* consent.c: STOP and START into the suppression list, opt-ins and opt-outs into the consent log */
struct wa_consent;
/*
 * Opt-outs by the words STOP, opt-ins by START (both taken over), kept in
 * the suppression list SUPPATH and the consent log LOGPATH; NULL with
 * errno when the log cannot be read.
 */
struct wa_consent *wa_consent_new(struct wa_words *stop,
    struct wa_words *start, const char *suppath, const char *logpath);
/*
 * The opt-out or opt-in message M means, as an event; NULL if none. A
 * button whose payload is WA_CONSENT_YES or WA_CONSENT_NO answers the
 * consent question, whatever its text.
 */
json_t *wa_consent_event(struct wa_consent *cs, json_t *m);
/* A wa_spool_fn (ARG: the wa_consent): the STOPs already in the spool, as it is read at start. */
void wa_consent_onload(json_t *ev, void *arg);
/*
 * Apply the opt-out or opt-in EV to the consent log and the suppression
 * list before it is acknowledged, unless SP holds it already; a START
 * older than the user's last STOP, or an answer to the consent question,
 * goes to the log only. 0, or -1 (warned of) when it cannot be recorded.
 */
int wa_consent_apply(struct wa_consent *cs, struct wa_spool *sp, json_t *ev);
void wa_consent_free(struct wa_consent *cs);

/* unsub.c: /unsubscribe, the link of wa-mail's List-Unsubscribe */
/*
 * The answer to a GET (POST 0) or POST of /unsubscribe?e=E&c=CAMPAIGN&t=TOKEN:
 * its HTTP status, and its HTML page into PAGE. A token that is not the one
 * of E and CAMPAIGN under SECRET (NULL: none is) gets 403; a GET a page
 * whose button POSTs the same link; a POST appends E to the e-mail
 * suppression list LIST, synced, once however often it comes (200).
 */
int wa_unsub_answer(int post, const char *secret, const char *list,
    const char *e, const char *campaign, const char *token, struct wa_buf *page);

/* batch.c: a webhook's events, with the opt-ins and opt-outs they mean, stored whole in the spool */
struct wa_batch {
	json_t **ev;
	size_t n, cap;
};
/* Add EV (taken) to the batch ARG, a struct wa_batch: an emitter of wa_hook_meta(). */
void wa_batch_push(json_t *ev, void *arg);
/*
 * Store B's events, with the consent events they mean, in the consent log,
 * the suppression list and the spool SP; the batch freed. -1 when any of
 * it is not stored: the sender is to send it all again.
 */
int wa_batch_store(struct wa_batch *b, struct wa_consent *cs, struct wa_spool *sp);

#endif
