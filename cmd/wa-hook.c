/* wa-hook: the webhook receiver; signed events into the spool, STOP into the suppression list. */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>
#include <openssl/crypto.h>

#include "wa.h"
#include "store.h"
#include "hook.h"

#define MAXBODY (3 << 20)	/* Meta's payloads stay under 3 MB */

struct req {
	struct wa_buf body;
	int big;
};

static struct {
	char *secret, *verify, *shopify;
	char *suppath;
	struct wa_spool *spool;
	struct wa_words *stop, *start;
	atomic_long busy, nrefused, nreq;
	struct wa_hash *lastout;	/* same-user key -> time of the last STOP */
	pthread_mutex_t outmu;
} g;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wa-hook [-l ADDR:PORT] [--spool FILE] [--suppress FILE]\n"
	    "               [--optout-words FILE] [-o -]\n"
	    "Receive WhatsApp Cloud API and Shopify webhooks: signed events go to\n"
	    "the spool, durable before they are acknowledged; STOP words go to the\n"
	    "suppression list. Secrets: WA_APP_SECRET (or WA_APP_SECRET_FILE),\n"
	    "WA_VERIFY_TOKEN, WA_SHOPIFY_SECRET (optional).\n"
	    "  -l ADDR:PORT           listen there (127.0.0.1:8080)\n"
	    "      --spool FILE       events file ($WA_HOME/events.jsonl)\n"
	    "      --suppress FILE    suppression list ($WA_HOME/suppress.txt)\n"
	    "      --optout-words FILE  STOP (and [start]) words instead of the built-in ones\n"
	    "  -o -                   also write each stored event to standard output\n"
	    "  -h, --help             this help\n"
	    "      --version          print the version\n");
	exit(status);
}

/* Who sent it: the proxy's X-Real-IP, else the peer. */
static const char *
peer(struct MHD_Connection *c, char *buf, size_t sz)
{
	const char *ip = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Real-IP");
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	if (ip)
		return ip;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return "?";
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr, buf, (socklen_t)sz);
	else
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->
		    sin6_addr, buf, (socklen_t)sz);
	return buf;
}

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *body)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(body), (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
refuse(struct MHD_Connection *c, unsigned status, const char *why, size_t len)
{
	char ip[64];

	atomic_fetch_add(&g.nrefused, 1);
	/* never the payload: it may hold a customer's words */
	wa_warn("%s: refused a %zu-byte POST: %s", peer(c, ip, sizeof ip), len, why);
	return reply(c, status, why);
}

static int
same(const char *a, const char *b)
{
	size_t n = strlen(a);

	return b && strlen(b) == n && CRYPTO_memcmp(a, b, n) == 0;
}

static enum MHD_Result
verify(struct MHD_Connection *c)
{
	const char *mode = MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, "hub.mode");
	const char *tok = MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, "hub.verify_token");
	const char *ch = MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, "hub.challenge");

	if (mode && strcmp(mode, "subscribe") == 0 && same(g.verify, tok) && ch)
		return reply(c, MHD_HTTP_OK, ch);
	wa_warn("refused a verification request: %s", mode == NULL ?
	    "no hub.mode" : !same(g.verify, tok) ? "wrong hub.verify_token" :
	    "no hub.challenge");
	return reply(c, MHD_HTTP_FORBIDDEN, "forbidden");
}

struct batch {
	json_t **ev;
	size_t n, cap;
};

static void
push(json_t *ev, void *arg)
{
	struct batch *b = arg;

	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 8;
		b->ev = wa_realloc(b->ev, b->cap * sizeof *b->ev);
	}
	b->ev[b->n++] = ev;
}

/* The opt-out or opt-in a message means, as an event; NULL if none. */
static json_t *
keyword(json_t *m)
{
	const char *kind = wa_json_str(m, "event"), *text = wa_json_str(m, "text");
	const char *type = wa_json_str(m, "type");
	json_t *ev;
	int out;

	if (strcmp(kind, "message") != 0 || text == NULL || type == NULL ||
	    (strcmp(type, "text") != 0 && strcmp(type, "button") != 0 &&
	    strcmp(type, "interactive") != 0))
		return NULL;
	if ((out = wa_words_match(g.stop, text)) == 2 && strcmp(type, "text") != 0)
		out = 0;
	if (out == 0 && !wa_words_match(g.start, text))
		return NULL;
	ev = json_object();
	json_object_set_new(ev, "event", json_string(out ? "opt_out" : "opt_in"));
	json_object_set(ev, "wamid", json_object_get(m, "wamid"));
	json_object_set(ev, "from", json_object_get(m, "from"));
	if (json_object_get(m, "user_id"))
		json_object_set(ev, "user_id", json_object_get(m, "user_id"));
	json_object_set(ev, "at", json_object_get(m, "at"));
	json_object_set_new(ev, "via", json_string(type));
	return ev;
}

/*
 * Note, or with SET 0 read, the time of the last opt-out of the user of
 * FROM; 0 when none is known.
 */
static time_t
lastout(const char *from, time_t t, int set)
{
	char k[WA_PHONE_MAX];
	time_t was;

	wa_phone_key(from, k);
	pthread_mutex_lock(&g.outmu);
	was = (time_t)(intptr_t)wa_hash_get(g.lastout, k);
	if (set && t > was)
		wa_hash_put(g.lastout, k, (void *)(intptr_t)t);
	pthread_mutex_unlock(&g.outmu);
	return was;
}

static time_t
evtime(json_t *ev)
{
	time_t t = 0;

	if (wa_json_str(ev, "at"))
		wa_time_parse(wa_json_str(ev, "at"), WA_DATES_ANY, &t);
	return t;
}

/* The STOPs already in the spool, as it is read at start. */
static void
onload(json_t *ev, void *arg)
{
	const char *kind = wa_json_str(ev, "event"), *from = wa_json_str(ev, "from");

	if (kind && from && strcmp(kind, "opt_out") == 0)
		lastout(from, evtime(ev), 1);
}

/*
 * Apply an opt-out or opt-in to the suppression list before it is
 * acknowledged. One seen before is not applied again, and a START older
 * than the user's last STOP (Meta delivers in no order, and again after a
 * 500) is stored but not applied, so it cannot undo the STOP.
 */
static int
consent(json_t *ev)
{
	const char *kind = wa_json_str(ev, "event"), *from = wa_json_str(ev, "from");
	time_t t = evtime(ev);
	int rc;

	if (strcmp(kind, "opt_out") != 0 && strcmp(kind, "opt_in") != 0)
		return 0;
	if (from == NULL) {
		wa_warn("%s from a user known only as %s: no number to "
		    "suppress", kind, wa_json_str(ev, "user_id") ?
		    wa_json_str(ev, "user_id") : "?");
		return 0;
	}
	if (wa_spool_seen(g.spool, ev))
		return 0;
	if (kind[4] == 'i' && lastout(from, 0, 0) > t) {
		wa_warn("a START of %s older than their last STOP: not applied", from);
		return 0;
	}
	rc = kind[4] == 'o' ? wa_supp_add(g.suppath, NULL, from) :
	    wa_supp_replace(g.suppath, from, NULL);
	if (rc >= 0 && kind[4] == 'o')
		lastout(from, t, 1);
	if (rc < 0)
		wa_warn("%s: cannot record the %s of %s:", g.suppath, kind, from);
	return rc < 0 ? -1 : 0;
}

static int
store(struct batch *b)
{
	size_t i, n = b->n, nnew;
	json_t *ev;
	int rc = 0;

	for (i = 0; i < n; i++)
		if ((ev = keyword(b->ev[i])) != NULL)
			push(ev, b);
	for (i = 0; i < b->n; i++)
		if (consent(b->ev[i]) < 0)
			rc = -1;
	if (rc == 0 && wa_spool_add(g.spool, b->ev, b->n, &nnew) < 0)
		rc = -1;
	for (i = 0; i < b->n; i++)
		json_decref(b->ev[i]);
	free(b->ev);
	return rc;
}

/* The answer once the events of B are stored: 200, or 500 so that they come again. */
static enum MHD_Result
stored(struct MHD_Connection *c, struct batch *b)
{
	if (store(b) < 0)
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "not stored");
	return reply(c, MHD_HTTP_OK, "ok");
}

/* The body as JSON; NULL when it is none, with *RET the 400 that refuses it. */
static json_t *
jsonbody(struct MHD_Connection *c, struct req *r, enum MHD_Result *ret)
{
	json_t *body = json_loadb(r->body.s, r->body.len, 0, NULL);

	if (body == NULL)
		*ret = refuse(c, MHD_HTTP_BAD_REQUEST, "the body is not JSON",
		    r->body.len);
	return body;
}

static enum MHD_Result
meta(struct MHD_Connection *c, struct req *r)
{
	struct batch b = { 0 };
	enum MHD_Result ret;
	json_t *body;
	char err[256];

	if ((body = jsonbody(c, r, &ret)) == NULL)
		return ret;
	if (wa_hook_meta(body, push, &b, err, sizeof err) < 0) {
		json_decref(body);
		return refuse(c, MHD_HTTP_BAD_REQUEST, err, r->body.len);
	}
	json_decref(body);
	return stored(c, &b);
}

static enum MHD_Result
shopify(struct MHD_Connection *c, struct req *r)
{
	const char *topic = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-Shopify-Topic");
	const char *id = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-Shopify-Webhook-Id");
	struct batch b = { 0 };
	enum MHD_Result ret;
	json_t *body, *ev;
	char err[256];

	if (topic == NULL)
		return refuse(c, MHD_HTTP_BAD_REQUEST, "no X-Shopify-Topic",
		    r->body.len);
	if ((body = jsonbody(c, r, &ret)) == NULL)
		return ret;
	ev = wa_hook_shopify(topic, body, err, sizeof err);
	json_decref(body);
	if (ev == NULL) {
		/* a 200 all the same: Shopify drops a webhook that keeps failing */
		wa_warn("shopify webhook ignored: %s", err);
		return reply(c, MHD_HTTP_OK, "ignored");
	}
	wa_json_setstr(ev, "hook_id", id);
	push(ev, &b);
	return stored(c, &b);
}

static enum MHD_Result
post(struct MHD_Connection *c, struct req *r)
{
	const char *hub = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-Hub-Signature-256");
	const char *shop = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-Shopify-Hmac-Sha256");

	if (r->big)
		return refuse(c, MHD_HTTP_CONTENT_TOO_LARGE, "over 3 MB",
		    r->body.len);
	if (shop && g.shopify == NULL)
		return refuse(c, MHD_HTTP_UNAUTHORIZED, "a Shopify webhook, and "
		    "WA_SHOPIFY_SECRET is not set", r->body.len);
	if (shop) {
		if (!wa_sig_ok(WA_SIG_B64, g.shopify, r->body.s, r->body.len, shop))
			return refuse(c, MHD_HTTP_UNAUTHORIZED,
			    "bad X-Shopify-Hmac-Sha256", r->body.len);
		return shopify(c, r);
	}
	if (hub == NULL)
		return refuse(c, MHD_HTTP_UNAUTHORIZED,
		    "no X-Hub-Signature-256", r->body.len);
	if (!wa_sig_ok(WA_SIG_HEX, g.secret, r->body.s, r->body.len, hub))
		return refuse(c, MHD_HTTP_UNAUTHORIZED,
		    "bad X-Hub-Signature-256", r->body.len);
	return meta(c, r);
}

static enum MHD_Result
answer(struct MHD_Connection *c, struct req *r, const char *method)
{
	atomic_fetch_add(&g.nreq, 1);
	if (strcmp(method, "GET") == 0)
		return verify(c);
	if (strcmp(method, "POST") == 0)
		return post(c, r);
	return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET or POST");
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data, size_t *size,
    void **ctx)
{
	struct req *r = *ctx;
	const char *len;

	if (r == NULL) {
		r = *ctx = wa_calloc(1, sizeof *r);
		atomic_fetch_add(&g.busy, 1);
		len = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		/* refused before reading it: the connection closes after */
		if (len && strtoull(len, NULL, 10) > MAXBODY)
			return refuse(c, MHD_HTTP_CONTENT_TOO_LARGE, "over 3 MB",
			    (size_t)strtoull(len, NULL, 10));
		return MHD_YES;
	}
	if (*size > 0) {
		/* too big: read to the end all the same, then refused */
		if (wa_buf_addmax(&r->body, data, *size, MAXBODY) < 0)
			r->big = 1;
		*size = 0;
		return MHD_YES;
	}
	return answer(c, r, method);
}

static void
completed(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_RequestTerminationCode why)
{
	struct req *r = *ctx;

	if (r == NULL)
		return;
	atomic_fetch_sub(&g.busy, 1);
	wa_buf_free(&r->body);
	free(r);
	*ctx = NULL;
}

static void
config(void)
{
	if ((g.secret = wa_secret("WA_APP_SECRET")) == NULL)
		wa_die(WA_EXIT_USAGE, "set WA_APP_SECRET or WA_APP_SECRET_FILE "
		    "(the app secret Meta signs webhooks with)");
	if ((g.verify = wa_secret("WA_VERIFY_TOKEN")) == NULL)
		wa_die(WA_EXIT_USAGE, "set WA_VERIFY_TOKEN (the token you typed "
		    "in the App Dashboard's webhook setup)");
	g.shopify = wa_secret("WA_SHOPIFY_SECRET");
}

/* Stop taking connections, let the requests in flight finish (10 s at most), close the spool. */
static void
shutdown_server(struct MHD_Daemon *d)
{
	long stored, dup;
	int i;

	MHD_quiesce_daemon(d);
	for (i = 0; i < 1000 && atomic_load(&g.busy) > 0; i++)
		usleep(10000);
	MHD_stop_daemon(d);
	wa_spool_counts(g.spool, &stored, &dup);
	if (wa_spool_close(g.spool) < 0)
		wa_die(WA_EXIT_FATAL, "cannot close the spool:");
	wa_warn("stopped: %ld requests, %ld events stored, %ld duplicates "
	    "dropped, %ld refused", atomic_load(&g.nreq), stored, dup,
	    atomic_load(&g.nrefused));
}

int
main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "optout-words", required_argument, NULL, 'W' },
		{ "spool", required_argument, NULL, 'P' },
		{ "suppress", required_argument, NULL, 'S' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *listen_at = "127.0.0.1:8080", *words = NULL;
	char *spoolpath = NULL;
	struct MHD_Daemon *d;
	char where[128];
	sigset_t sigs;
	int c, fd, sig, out = 0;

	wa_init(argv[0]);
	while ((c = getopt_long(argc, argv, "hl:o:", longs, NULL)) != -1) {
		switch (c) {
		case 'l': listen_at = optarg; break;
		case 'o':
			if (strcmp(optarg, "-") != 0)
				wa_die(WA_EXIT_USAGE, "-o takes '-' (standard output)");
			out = 1;
			break;
		case 'P': spoolpath = wa_strdup(optarg); break;
		case 'S': g.suppath = wa_strdup(optarg); break;
		case 'W': words = optarg; break;
		case 'V': wa_version(); break;
		case 'h': usage(0); break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(WA_EXIT_USAGE);
	config();
	g.stop = wa_words_default(0);
	g.start = wa_words_default(1);
	if (words && wa_words_load(words, &g.stop, &g.start) < 0)
		wa_die(WA_EXIT_USAGE, "--optout-words %s:", words);
	if (g.suppath == NULL)
		g.suppath = wa_home_path(WA_SF_SUPPRESS);
	if (spoolpath == NULL)
		spoolpath = wa_home_path(WA_SF_EVENTS);
	g.lastout = wa_hash_new();
	pthread_mutex_init(&g.outmu, NULL);
	if ((g.spool = wa_spool_open(spoolpath, onload, NULL)) == NULL)
		wa_die(WA_EXIT_FATAL, "%s: cannot open the spool:", spoolpath);
	if (out)
		wa_spool_stream(g.spool, stdout);
	json_object_seed(0);
	fd = wa_listen(listen_at, 0, where, sizeof where);

	/* only main takes the signals, in sigwait */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL, 0, NULL, NULL,
	    handler, NULL,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)2000,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_END);
	if (d == NULL)
		wa_die(WA_EXIT_FATAL, "cannot start the HTTP server on '%s'", where);
	wa_warn("listening on %s", where);
	while (sigwait(&sigs, &sig) != 0)
		;
	shutdown_server(d);
	wa_secret_free(g.secret);
	wa_secret_free(g.verify);
	wa_secret_free(g.shopify);
	wa_words_free(g.stop);
	wa_hash_free(g.lastout);
	wa_words_free(g.start);
	free(g.suppath);
	free(spoolpath);
	return wa_finish();
}
