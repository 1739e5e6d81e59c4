/* Unit tests for common/fetch.c against a small server in this process: answers, headers, retries. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <microhttpd.h>

#include "wa.h"
#include "tap.h"

/* Made up for the test; never a real secret. */
#define TOKEN "t-fetch-token-9b2e"

static int hits;	/* requests the server saw */
static int busy;	/* 429s still to answer on /busy */

struct post {
	struct wa_buf b;
};

static enum MHD_Result
reply(struct MHD_Connection *c, int status, const char *body,
    const char *hname, const char *hval)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body),
	    (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result rc;

	if (hname != NULL)
		MHD_add_response_header(r, hname, hval);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
serve(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *data, size_t *n, void **ctx)
{
	struct post *p = *ctx;
	const char *tok;
	char out[256];

	if (p == NULL) {
		*ctx = wa_calloc(1, sizeof *p);
		return MHD_YES;
	}
	if (*n > 0) {
		wa_buf_add(&p->b, data, *n);
		*n = 0;
		return MHD_YES;
	}
	hits++;
	tok = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Token");
	if (strcmp(url, "/ok") == 0)
		return reply(c, 200, "hello", "Link", "<http://x/?page=2>; rel=\"next\"");
	if (strcmp(url, "/echo") == 0) {
		snprintf(out, sizeof out, "%s %s %s", method,
		    tok && strcmp(tok, TOKEN) == 0 ? "token" : "none",
		    wa_buf_str(&p->b));
		return reply(c, 200, out, NULL, NULL);
	}
	if (strcmp(url, "/busy") == 0 && busy > 0) {
		busy--;
		return reply(c, 429, "slow down", "Retry-After", "0");
	}
	if (strcmp(url, "/busy") == 0)
		return reply(c, 200, "done", NULL, NULL);
	if (strcmp(url, "/down") == 0)
		return reply(c, 503, "down", NULL, NULL);
	if (strcmp(url, "/big") == 0)
		return reply(c, 200, "0123456789abcdef0123456789", NULL, NULL);
	return reply(c, 404, "no", NULL, NULL);
}

static void
done(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_RequestTerminationCode why)
{
	struct post *p = *ctx;

	if (p != NULL) {
		wa_buf_free(&p->b);
		free(p);
	}
}

/* A port nothing listens on: bound, never listened, closed. */
static int
deadport(void)
{
	struct sockaddr_in a = { 0 };
	socklen_t len = sizeof a;
	int s = socket(AF_INET, SOCK_STREAM, 0), port;

	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(s, (struct sockaddr *)&a, sizeof a);
	getsockname(s, (struct sockaddr *)&a, &len);
	port = ntohs(a.sin_port);
	close(s);
	return port;
}

static void
test_answers(struct wa_fetch *f, const char *base)
{
	char url[128];
	const char *body;
	size_t n;

	snprintf(url, sizeof url, "%s/ok", base);
	isnum(wa_fetch_do(f, url, NULL, 0), 0, "GET answered");
	isnum(wa_fetch_status(f), 200, "its status");
	body = wa_fetch_body(f, &n);
	is(body, "hello", "its body");
	isnum(n, 5, "its length");
	is(wa_fetch_got(f, "link"), "<http://x/?page=2>; rel=\"next\"",
	    "a header asked for, by any case");
	is(wa_fetch_got(f, "Retry-After"), NULL, "one absent is NULL");
	snprintf(url, sizeof url, "%s/echo", base);
	isnum(wa_fetch_do(f, url, "{\"q\":1}", 7), 0, "POST answered");
	is(wa_fetch_body(f, NULL), "POST token {\"q\":1}",
	    "the body and the extra header went");
	isnum(wa_fetch_do(f, url, NULL, 0), 0, "GET after POST");
	is(wa_fetch_body(f, NULL), "GET token ", "is a GET again");
	snprintf(url, sizeof url, "%s/nothing", base);
	isnum(wa_fetch_do(f, url, NULL, 0), 0, "404 is an answer");
	isnum(wa_fetch_status(f), 404, "not retried: its status");
}

static void
test_retries(struct wa_fetch *f, const char *base)
{
	char url[128];

	busy = 2;
	hits = 0;
	snprintf(url, sizeof url, "%s/busy", base);
	isnum(wa_fetch_do(f, url, NULL, 0), 0, "429 tried again");
	isnum(wa_fetch_status(f), 200, "until it answered");
	isnum(hits, 3, "in three requests");
	hits = 0;
	snprintf(url, sizeof url, "%s/down", base);
	isnum(wa_fetch_do(f, url, NULL, 0), 0, "503 every time is an answer");
	isnum(wa_fetch_status(f), 503, "the last one's status");
	isnum(hits, 3, "after three attempts");
	is(wa_fetch_err(f), "HTTP 503", "the reason");
}

static void
test_failures(struct wa_fetch *f, const char *base)
{
	char url[128];

	snprintf(url, sizeof url, "http://127.0.0.1:%d/ok", deadport());
	isnum(wa_fetch_do(f, url, NULL, 0), -1, "no server: no answer");
	isnum(wa_fetch_status(f), 0, "status 0");
	ok(strlen(wa_fetch_err(f)) > 0, "a reason");
	wa_fetch_limits(f, 3, 300, 16);
	snprintf(url, sizeof url, "%s/big", base);
	isnum(wa_fetch_do(f, url, NULL, 0), -1, "a body over the limit fails");
	ok(strstr(wa_fetch_err(f), "longer than 16 bytes") != NULL,
	    "and says so");
}

int
main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *di;
	struct wa_fetch *f;
	char base[64];

	wa_init_name("t-fetch");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL,
	    serve, NULL, MHD_OPTION_NOTIFY_COMPLETED, done, NULL,
	    MHD_OPTION_END);
	if (d == NULL || (di = MHD_get_daemon_info(d,
	    MHD_DAEMON_INFO_BIND_PORT)) == NULL) {
		printf("1..0 # SKIP cannot start a server\n");
		return 0;
	}
	snprintf(base, sizeof base, "http://127.0.0.1:%u", di->port);
	f = wa_fetch_new();
	wa_fetch_header(f, "X-Token: " TOKEN);
	wa_fetch_want(f, "Link");
	wa_fetch_want(f, "Retry-After");
	wa_fetch_limits(f, 3, 300, 0);
	test_answers(f, base);
	test_retries(f, base);
	test_failures(f, base);
	wa_fetch_free(f);
	MHD_stop_daemon(d);
	curl_global_cleanup();
	return done_testing();
}
