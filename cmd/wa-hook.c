/* wa-hook: the webhook receiver; signed events into the spool, STOP into the suppression list. */
#include <sys/socket.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "wa.h"
#include "hook.h"

#define MAXBODY (3 << 20)	/* Meta's payloads stay under 3 MB */
#define MAXPATHS 16
struct req {
	struct wa_buf body;
	size_t reserved;	/* of g.buffered */
	int big, answering;
	int unsub;		/* /unsubscribe, not a webhook */
};

/* What the command line asks. */
static struct opts {
	const char *listen, *words, *paths[MAXPATHS];
	char *spool, *suppress, *consent, *esuppress;
	int out, npaths;
	unsigned char proxy[16];	/* --trust-proxy, as address bytes */
	size_t proxylen, maxbuffer, rollsize;
	unsigned maxperip, timeout;
	long long horizon;	/* --dedupe-horizon, seconds */
} o;

/* The run: secrets, the spool, what is counted. */
static struct {
	char *secret, *verify, *shopify, *unsub;
	struct wa_spool *spool;
	struct wa_consent *consent;
	atomic_long busy, nrefused, nreq;
	atomic_size_t buffered;
	struct wa_conns *conns;
} g;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wa-hook [-l ADDR:PORT] [-o -] [--consent FILE] [--dedupe-horizon TIME]\n"
	    "               [--max-buffer SIZE] [--max-per-ip N] [--optout-words FILE]\n"
	    "               [--path PATH]... [--roll-size SIZE] [--spool FILE]\n"
	    "               [--suppress FILE] [--suppress-email FILE]\n"
	    "               [--timeout SECS] [--trust-proxy ADDR]\n"
	    "Receive WhatsApp Cloud API and Shopify webhooks: signed events go to\n"
	    "the spool, durable before they are acknowledged; STOP words go to the\n"
	    "suppression list, every opt-in and opt-out to the consent log. Secrets:\n"
	    "WA_APP_SECRET (or WA_APP_SECRET_FILE), WA_VERIFY_TOKEN,\n"
	    "WA_SHOPIFY_SECRET (optional), WA_UNSUBSCRIBE_SECRET (optional: wa-mail's\n"
	    "one-click unsubscribe at /unsubscribe).\n"
	    "  -l ADDR:PORT           listen there (127.0.0.1:8080)\n"
	    "      --spool FILE       events file ($WA_HOME/events.jsonl)\n"
	    "      --roll-size SIZE   roll it into events/YYYY-MM.jsonl.gz at SIZE (64M),\n"
	    "                         at a month's end, and on SIGHUP\n"
	    "      --dedupe-horizon TIME  know the keys of events stored this long ago (30d)\n"
	    "      --suppress FILE    suppression list ($WA_HOME/suppress.txt)\n"
	    "      --suppress-email FILE  e-mail suppression list, for /unsubscribe\n"
	    "                         ($WA_HOME/suppress-email.txt)\n"
	    "      --consent FILE     consent log ($WA_HOME/consent.jsonl)\n"
	    "      --optout-words FILE  STOP (and [start]) words instead of the built-in ones\n"
	    "  -o -                   also write each stored event to standard output\n"
	    "      --path PATH        answer at PATH, repeatable (/webhook); others get 404\n"
	    "      --trust-proxy ADDR take X-Real-IP and X-Forwarded-For from ADDR only\n"
	    "      --max-buffer SIZE  request bodies held in memory, in all (64M); then 503\n"
	    "      --max-per-ip N     connections from one address, not the proxy (64; 0: any)\n"
	    "      --timeout SECS     a request's headers and body must come within (30)\n"
	    "  -h, --help             this help\n"
	    "      --version          print the version\n");
	exit(status);
}

/* Who sent it: the peer, or the client the --trust-proxy names. */
static const char *
peer(struct MHD_Connection *c, char *buf, size_t sz)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	return wa_conns_client(g.conns, ci ? ci->client_addr : NULL,
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Real-IP"),
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For"),
	    buf, sz);
}

static enum MHD_Result
replytype(struct MHD_Connection *c, unsigned status, const char *type,
    const char *body)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(body), (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *body)
{
	return replytype(c, status, "text/plain", body);
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

static enum MHD_Result
verify(struct MHD_Connection *c)
{
	const char *mode = MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, "hub.mode");
	const char *tok = MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, "hub.verify_token");
	const char *ch = MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, "hub.challenge");

	if (mode && strcmp(mode, "subscribe") == 0 &&
	    wa_sig_same(g.verify, tok) && ch)
		return reply(c, MHD_HTTP_OK, ch);
	wa_warn("refused a verification request: %s", mode == NULL ?
	    "no hub.mode" : !wa_sig_same(g.verify, tok) ? "wrong hub.verify_token" :
	    "no hub.challenge");
	return reply(c, MHD_HTTP_FORBIDDEN, "forbidden");
}

/* The answer once the events of B are stored: 200, or 500 so that they come again. */
static enum MHD_Result
stored(struct MHD_Connection *c, struct wa_batch *b)
{
	if (wa_batch_store(b, g.consent, g.spool) < 0)
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

/* A signed batch is stored whole: an item jansson refuses is kept as its text. */
static enum MHD_Result
meta(struct MHD_Connection *c, struct req *r)
{
	struct wa_batch b = { 0 };
	json_t *body;
	char err[256];
	int n;

	if ((body = json_loadb(r->body.s, r->body.len, 0, NULL)) != NULL) {
		n = wa_hook_meta(body, wa_batch_push, &b, err, sizeof err);
		json_decref(body);
	} else {
		n = wa_hook_meta_raw(r->body.s, r->body.len, wa_batch_push, &b, err,
		    sizeof err);
		if (n < 0)
			snprintf(err, sizeof err, "the body is not JSON");
	}
	if (n < 0)	/* nothing pushed */
		return refuse(c, MHD_HTTP_BAD_REQUEST, err, r->body.len);
	return stored(c, &b);
}

static enum MHD_Result
shopify(struct MHD_Connection *c, struct req *r)
{
	const char *topic = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-Shopify-Topic");
	const char *id = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-Shopify-Webhook-Id");
	struct wa_batch b = { 0 };
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
	wa_batch_push(ev, &b);
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

/* wa-mail's unsubscribe link: a page for a GET, the opt-out for a POST. */
static enum MHD_Result
unsubscribe(struct MHD_Connection *c, const char *method)
{
	struct wa_buf page = { 0 };
	enum MHD_Result ret;
	char ip[64];
	int status;

	status = wa_unsub_answer(strcmp(method, "POST") == 0, g.unsub,
	    o.esuppress, MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "e"),
	    MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "c"),
	    MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "t"), &page);
	if (status == MHD_HTTP_FORBIDDEN) {
		atomic_fetch_add(&g.nrefused, 1);
		wa_warn("%s: refused an unsubscribe link: %s", peer(c, ip, sizeof ip),
		    g.unsub ? "not signed by WA_UNSUBSCRIBE_SECRET" :
		    "WA_UNSUBSCRIBE_SECRET is not set");
	} else if (status != MHD_HTTP_OK)
		wa_warn("%s: cannot append to the e-mail suppression list:", o.esuppress);
	ret = replytype(c, (unsigned)status, "text/html; charset=utf-8",
	    wa_buf_str(&page));
	wa_buf_free(&page);
	return ret;
}

static enum MHD_Result
answer(struct MHD_Connection *c, struct req *r, const char *method)
{
	struct wa_conn *k = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT)->socket_context;

	/* storing: never cut, and waited for at a stop */
	r->answering = 1;
	wa_conn_mark(k, 1);
	atomic_fetch_add(&g.busy, 1);
	atomic_fetch_add(&g.nreq, 1);
	if (r->unsub)
		return unsubscribe(c, method);
	if (strcmp(method, "GET") == 0)
		return verify(c);
	return post(c, r);
}

/* /unsubscribe, under whatever prefix the proxy keeps (WA_PUBLIC_URL's path). */
static int
isunsub(const char *url)
{
	size_t n = strlen(url);

	return n >= 12 && strcmp(url + n - 12, "/unsubscribe") == 0;
}

static int
known(const char *url)
{
	int i;

	for (i = 0; i < o.npaths; i++)
		if (strcmp(url, o.paths[i]) == 0)
			return 1;
	return 0;
}

/* Take N more bytes of the bodies held in memory; -1 when that is over --max-buffer. */
static int
reserve(size_t n)
{
	if (atomic_fetch_add(&g.buffered, n) + n > o.maxbuffer) {
		atomic_fetch_sub(&g.buffered, n);
		return -1;
	}
	return 0;
}

/* The first call, on the headers: refuse what can be refused before reading the body. */
static enum MHD_Result
begin(struct MHD_Connection *c, struct req *r, const char *url,
    const char *method)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	unsigned long long len = h ? strtoull(h, NULL, 10) : 0;

	/* a refusal answered here closes the connection, unread */
	r->unsub = isunsub(url) && !known(url);
	if (r->unsub && len > 4096)
		return refuse(c, MHD_HTTP_CONTENT_TOO_LARGE, "an unsubscribe "
		    "over 4 KB", (size_t)len);
	if (!known(url) && !r->unsub) {
		atomic_fetch_add(&g.nrefused, 1);
		return reply(c, MHD_HTTP_NOT_FOUND, "not found");
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET or POST");
	if (len > MAXBODY)
		return refuse(c, MHD_HTTP_CONTENT_TOO_LARGE, "over 3 MB",
		    (size_t)len);
	if (len > 0 && reserve(len) < 0)
		return refuse(c, MHD_HTTP_SERVICE_UNAVAILABLE, "over "
		    "--max-buffer: too many bodies in memory", (size_t)len);
	r->reserved = len;
	if (len > 0) {
		/* one allocation of the size announced: no copies as it grows */
		r->body.s = wa_malloc(len + 1);
		r->body.cap = len + 1;
	}
	return MHD_YES;
}

/* Part of the body: NO closes the connection (past the deadline or the buffer cap). */
static enum MHD_Result
upload(struct MHD_Connection *c, struct req *r, const char *data, size_t n)
{
	struct wa_conn *k = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT)->socket_context;
	char ip[64];

	if (wa_conn_overdue(g.conns, k)) {
		wa_warn("%s: cut a request still coming after %u s",
		    peer(c, ip, sizeof ip), o.timeout);
		return MHD_NO;
	}
	if (r->big || r->body.len + n > MAXBODY) {
		/* too big: read to the end all the same, then refused */
		r->big = 1;
		return MHD_YES;
	}
	if (r->body.len + n > r->reserved) {
		/* chunked, or more than announced */
		if (reserve(r->body.len + n - r->reserved) < 0) {
			atomic_fetch_add(&g.nrefused, 1);
			wa_warn("%s: cut a request over --max-buffer",
			    peer(c, ip, sizeof ip));
			return MHD_NO;
		}
		r->reserved = r->body.len + n;
	}
	wa_buf_add(&r->body, data, n);
	return MHD_YES;
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data, size_t *size,
    void **ctx)
{
	struct req *r = *ctx;
	enum MHD_Result ret;

	if (r == NULL) {
		r = *ctx = wa_calloc(1, sizeof *r);
		return begin(c, r, url, method);
	}
	if (*size > 0) {
		ret = upload(c, r, data, *size);
		*size = 0;
		return ret;
	}
	return answer(c, r, method);
}

static void
completed(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_RequestTerminationCode why)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct wa_conn *k = ci ? ci->socket_context : NULL;
	struct req *r = *ctx;

	if (k)
		wa_conn_mark(k, 0);
	if (r == NULL)
		return;
	if (r->answering)
		atomic_fetch_sub(&g.busy, 1);
	atomic_fetch_sub(&g.buffered, r->reserved);
	wa_buf_free(&r->body);
	free(r);
	*ctx = NULL;
}

/* At accept: one address may not hold more than --max-per-ip connections. */
static enum MHD_Result
admit(void *cls, const struct sockaddr *sa, socklen_t len)
{
	return wa_conns_admit(g.conns, sa) ? MHD_YES : MHD_NO;
}

static void
notify(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_ConnectionNotificationCode toe)
{
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		*ctx = wa_conn_open(g.conns, MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_CONNECTION_FD)->connect_fd,
		    MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_CLIENT_ADDRESS)->client_addr);
		return;
	}
	if (*ctx == NULL)
		return;
	wa_conn_close(g.conns, *ctx);
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
	g.unsub = wa_secret("WA_UNSUBSCRIBE_SECRET");
}

/* However long the stop takes, systemd must not have to kill: every acknowledged event is on disk. */
static void *
watchdog(void *arg)
{
	sleep(4);
	wa_warn("still stopping after 4 s: exiting now; every acknowledged "
	    "event is on disk");
	_exit(WA_EXIT_FATAL);
	return NULL;
}

/* Stop taking connections, cut those not storing, let those storing finish (3 s at most), close the spool. */
static void
shutdown_server(struct MHD_Daemon *d)
{
	pthread_t t;
	long stored, dup, ncut, nperip;
	int i;

	pthread_create(&t, NULL, watchdog, NULL);
	MHD_quiesce_daemon(d);
	wa_conns_cut(g.conns, 1);
	for (i = 0; i < 300 && atomic_load(&g.busy) > 0; i++)
		usleep(10000);
	MHD_stop_daemon(d);
	wa_spool_counts(g.spool, &stored, &dup);
	if (wa_spool_close(g.spool) < 0)
		wa_die(WA_EXIT_FATAL, "cannot close the spool:");
	wa_conns_counts(g.conns, &ncut, &nperip);
	wa_warn("stopped: %ld requests, %ld events stored, %ld duplicates "
	    "dropped, %ld refused, %ld cut at the deadline, %ld connections "
	    "over --max-per-ip", atomic_load(&g.nreq), stored, dup,
	    atomic_load(&g.nrefused), ncut, nperip);
}

static void
start(struct MHD_Daemon **d, int fd, const char *where)
{
	*d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL, 0, admit, NULL,
	    handler, NULL,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_CONNECTION_LIMIT, wa_fdroom(),
	    MHD_OPTION_CONNECTION_TIMEOUT, o.timeout,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, notify, NULL,
	    MHD_OPTION_END);
	if (*d == NULL)
		wa_die(WA_EXIT_FATAL, "cannot start the HTTP server on '%s'", where);
	if (wa_conns_reap(g.conns) < 0)
		wa_die(WA_EXIT_FATAL, "cannot start a thread:");
}

enum {
	OPT_CONSENT = 256, OPT_HORIZON, OPT_MAXBUFFER, OPT_MAXPERIP, OPT_OPTOUTWORDS,
	OPT_PATH, OPT_ROLLSIZE, OPT_SPOOL, OPT_SUPPRESS, OPT_SUPPRESSEMAIL, OPT_TIMEOUT,
	OPT_TRUSTPROXY, OPT_VERSION
};

/* The least --dedupe-horizon: Meta's 7 days of retries, or WA_HOOK_HORIZON_MIN's (tests). */
static long long
least(void)
{
	const char *e = getenv("WA_HOOK_HORIZON_MIN");
	long long v;

	return e && wa_dur_parse(e, &v) == 0 && v > 0 ? v : 7 * 86400;
}

static void
parseargs(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "consent", required_argument, NULL, OPT_CONSENT },
		{ "dedupe-horizon", required_argument, NULL, OPT_HORIZON },
		{ "help", no_argument, NULL, 'h' },
		{ "max-buffer", required_argument, NULL, OPT_MAXBUFFER },
		{ "max-per-ip", required_argument, NULL, OPT_MAXPERIP },
		{ "optout-words", required_argument, NULL, OPT_OPTOUTWORDS },
		{ "path", required_argument, NULL, OPT_PATH },
		{ "roll-size", required_argument, NULL, OPT_ROLLSIZE },
		{ "spool", required_argument, NULL, OPT_SPOOL },
		{ "suppress", required_argument, NULL, OPT_SUPPRESS },
		{ "suppress-email", required_argument, NULL, OPT_SUPPRESSEMAIL },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "trust-proxy", required_argument, NULL, OPT_TRUSTPROXY },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	int c, paths = 0;

	o.listen = "127.0.0.1:8080";
	o.paths[o.npaths++] = "/webhook";	/* README, scripts/nginx-wa-hook.conf */
	o.maxbuffer = (size_t)64 << 20;
	o.rollsize = (size_t)64 << 20;
	o.maxperip = 64;
	o.timeout = 30;
	o.horizon = 30 * 86400;
	while ((c = getopt_long(argc, argv, "hl:o:", longs, NULL)) != -1) {
		switch (c) {
		case 'l': o.listen = optarg; break;
		case 'o':
			if (strcmp(optarg, "-") != 0)
				wa_die(WA_EXIT_USAGE, "-o takes '-' (standard output)");
			o.out = 1;
			break;
		case OPT_PATH:
			if (*optarg != '/' || paths == MAXPATHS)
				wa_die(WA_EXIT_USAGE, "--path: '%s': a path from "
				    "'/', %d at most", optarg, MAXPATHS);
			o.paths[paths++] = optarg;
			o.npaths = paths;
			break;
		case OPT_CONSENT: o.consent = wa_strdup(optarg); break;
		case OPT_HORIZON:
			if (wa_dur_parse(optarg, &o.horizon) < 0 || o.horizon < least())
				wa_die(WA_EXIT_USAGE, "--dedupe-horizon: want 7d or more, not '%s'", optarg);
			break;
		case OPT_MAXBUFFER: o.maxbuffer = wa_optsize("--max-buffer", optarg); break;
		case OPT_MAXPERIP: o.maxperip = (unsigned)wa_optnum("--max-per-ip", optarg, 0, 1000000); break;
		case OPT_ROLLSIZE: o.rollsize = wa_optsize("--roll-size", optarg); break;
		case OPT_SPOOL: o.spool = wa_strdup(optarg); break;
		case OPT_SUPPRESS: o.suppress = wa_strdup(optarg); break;
		case OPT_SUPPRESSEMAIL: o.esuppress = wa_strdup(optarg); break;
		case OPT_TIMEOUT: o.timeout = (unsigned)wa_optnum("--timeout", optarg, 1, 3600); break;
		case OPT_TRUSTPROXY:
			if ((o.proxylen = wa_addrparse(optarg, o.proxy)) == 0)
				wa_die(WA_EXIT_USAGE, "--trust-proxy: '%s' is not an IP address", optarg);
			break;
		case OPT_OPTOUTWORDS: o.words = optarg; break;
		case OPT_VERSION: wa_version(); break;
		case 'h': usage(0); break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(WA_EXIT_USAGE);
}

/* The secrets, the words, the spool and the listening socket; the socket's descriptor. */
static int
setup(char *where, size_t wsz)
{
	struct wa_words *stop, *start;

	config();
	stop = wa_words_default(0);
	start = wa_words_default(1);
	if (o.words && wa_words_load(o.words, &stop, &start) < 0)
		wa_die(WA_EXIT_USAGE, "--optout-words %s:", o.words);
	if (o.suppress == NULL)
		o.suppress = wa_home_path(WA_SF_SUPPRESS);
	if (o.esuppress == NULL)
		o.esuppress = wa_home_path(WA_SF_ESUPPRESS);
	if (o.spool == NULL)
		o.spool = wa_home_path(WA_SF_EVENTS);
	if (o.consent == NULL)
		o.consent = wa_home_path(WA_SF_CONSENT);
	g.conns = wa_conns_new(o.maxperip, o.timeout, o.proxy, o.proxylen);
	if ((g.consent = wa_consent_new(stop, start, o.suppress,
	    o.consent)) == NULL)
		wa_die(WA_EXIT_FATAL, "%s: cannot read the consent log:", o.consent);
	if ((g.spool = wa_spool_open(o.spool, (time_t)o.horizon,
	    wa_consent_onload, g.consent)) == NULL)
		wa_die(WA_EXIT_FATAL, "%s: cannot open the spool:", o.spool);
	wa_spool_rollat(g.spool, (long long)o.rollsize);
	if (o.out)
		wa_spool_stream(g.spool, stdout);
	json_object_seed(0);
	return wa_listen(o.listen, 0, where, wsz);
}

/*
 * Serve until SIGINT or SIGTERM, then stop with every acknowledged event
 * on disk; SIGHUP rolls the spool over (logrotate's postrotate).
 */
static void
run(int fd, const char *where)
{
	struct MHD_Daemon *d;
	sigset_t sigs;
	int sig;

	/* only main takes the signals, in sigwait */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	start(&d, fd, where);
	wa_warn("listening on %s", where);
	for (;;) {
		if (sigwait(&sigs, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			break;
		wa_spool_roll(g.spool);
	}
	shutdown_server(d);
}

int
main(int argc, char **argv)
{
	char where[128];
	int fd;

	wa_init(&argc, &argv);
	parseargs(argc, argv);
	fd = setup(where, sizeof where);
	run(fd, where);
	wa_secret_free(g.secret);
	wa_secret_free(g.verify);
	wa_secret_free(g.shopify);
	wa_secret_free(g.unsub);
	wa_consent_free(g.consent);
	free(o.suppress);
	free(o.esuppress);
	free(o.consent);
	free(o.spool);
	return wa_finish();
}
