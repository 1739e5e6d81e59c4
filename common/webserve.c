/*
 * webserve.c: wa-inbox serve: libmicrohttpd driven by one thread's loop
 * (MHD's sockets and the running actions' pipes in one select, the
 * watched files looked at between its turns), so that the inbox, the
 * sessions and the streams need no lock and an action may fork. The routes: who has no session is sent to
 * /login (303), or answered 401 for a POST or a script's request; a GET
 * never changes anything; every POST but the login's carries the
 * session's CSRF token, else 403 and nothing done.
 */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "wa.h"
#include "send.h"
#include "hook.h"
#include "inbox.h"
#include "web.h"
#include "web-int.h"

static volatile sig_atomic_t stop;

static void
onsig(int sig)
{
	(void)sig;
	stop = 1;
}

/* The client's address, for the login throttle. */
static const char *
addr(struct web_req *q, char *buf, size_t sz)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(q->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char peer[NI_MAXHOST] = "";

	if (ci && ci->client_addr)
		getnameinfo(ci->client_addr, ci->client_addr->sa_family == AF_INET6 ?
		    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in), peer, sizeof peer,
		    NULL, 0, NI_NUMERICHOST);
	return wa_login_addr(peer, MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND,
	    "X-Forwarded-For"), q->w->cfg->trust_proxy, buf, sz);
}

static enum MHD_Result
login(struct web_req *q)
{
	const char *agent = web_field(q, "agent"), *pw = web_field(q, "password");
	char a[64], sid[WA_SID_HEX], cookie[160], wait[16];
	struct MHD_Response *r;
	enum MHD_Result ret;
	int w, ok;

	if (agent == NULL || pw == NULL || *agent == '\0')
		return web_login_page(q->conn, MHD_HTTP_BAD_REQUEST, "an agent and a password");
	addr(q, a, sizeof a);
	if ((w = wa_login_wait(q->w->thr, agent, a, time(NULL))) > 0) {
		r = MHD_create_response_from_buffer(18, (void *)"too many tries\n   ", MHD_RESPMEM_PERSISTENT);
		snprintf(wait, sizeof wait, "%d", w);
		MHD_add_response_header(r, "Retry-After", wait);
		web_headers(r);
		ret = MHD_queue_response(q->conn, MHD_HTTP_TOO_MANY_REQUESTS, r);
		MHD_destroy_response(r);
		return ret;
	}
	ok = wa_pw_check(q->w->agentspath, agent, pw) == 1 &&
	    wa_agents_get(q->w->agents, agent) != NULL;
	wa_login_result(q->w->thr, agent, a, ok, time(NULL));
	if (!ok)
		return web_login_page(q->conn, MHD_HTTP_UNAUTHORIZED, "wrong agent or password");
	if (wa_sess_new(q->w->sess, agent, time(NULL), sid) < 0)
		return web_text(q->conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot start a session");
	snprintf(cookie, sizeof cookie, WEB_COOKIE "=%s; Path=/; HttpOnly; Secure; SameSite=Strict",
	    sid);
	ret = web_redirect(q->conn, "/", cookie);
	explicit_bzero(sid, sizeof sid), explicit_bzero(cookie, sizeof cookie);
	return ret;
}

/* GET or POST /c/ID[/VERB]: the conversation, if the agent may see it. */
static enum MHD_Result
conv(struct web_req *q, const char *rest, int post)
{
	const char *slash = strchr(rest, '/');
	char id[WA_CONV_IDSZ];
	struct wa_conv *c;
	struct wa_buf b = { 0 };

	if ((slash ? (size_t)(slash - rest) : strlen(rest)) >= sizeof id)
		return web_text(q->conn, MHD_HTTP_NOT_FOUND, "not found");
	snprintf(id, sizeof id, "%.*s", slash ? (int)(slash - rest) : (int)strlen(rest), rest);
	/* a conversation's id only: a phone or a customer id is no page's address */
	if ((c = wa_inbox_find(web_inbox(q->w), id)) == NULL || strcmp(c->id, id) != 0)
		return web_text(q->conn, MHD_HTTP_NOT_FOUND, "not found");
	if (!web_may_see(q, c))
		return web_text(q->conn, MHD_HTTP_FORBIDDEN, "forbidden");
	wa_conv_thread(web_inbox(q->w), c);
	if (post && slash)
		return web_act(q, c, slash + 1);
	if (post)
		return web_text(q->conn, MHD_HTTP_NOT_FOUND, "not found");
	if (slash && strcmp(slash, "/msgs") == 0) {
		web_media_index(q->w, c);
		web_thread_msgs(&b, c);
		return web_send(q->conn, MHD_HTTP_OK, "text/html; charset=utf-8", &b);
	}
	if (slash)
		return web_text(q->conn, MHD_HTTP_NOT_FOUND, "not found");
	return web_thread(q, c, MHD_HTTP_OK, NULL, NULL);
}

/* A script's request (fetch, EventSource), answered 401 rather than sent to /login. */
static int
xhr(struct web_req *q)
{
	const char *h = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, "X-Requested-With");
	const char *acc = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, "Accept");

	return h != NULL || (acc && strstr(acc, "text/event-stream"));
}

static enum MHD_Result
get(struct web_req *q, const char *url)
{
	if (strcmp(url, "/app.js") == 0 || strcmp(url, "/app.css") == 0)
		return web_asset(q->conn, url);
	/* browsers ask for it with every page: no icon, and no 404 in their console */
	if (strcmp(url, "/favicon.ico") == 0)
		return web_send(q->conn, MHD_HTTP_NO_CONTENT, "image/x-icon", &(struct wa_buf){ 0 });
	if (strcmp(url, "/login") == 0)
		return q->agent ? web_redirect(q->conn, "/", NULL) :
		    web_login_page(q->conn, MHD_HTTP_OK, NULL);
	if (q->agent == NULL)
		return xhr(q) ? web_text(q->conn, MHD_HTTP_UNAUTHORIZED, "log in first") :
		    web_redirect(q->conn, "/login", NULL);
	if (strcmp(url, "/") == 0 || strcmp(url, "/rows") == 0)
		return web_list(q, strcmp(url, "/rows") == 0);
	if (strcmp(url, "/events") == 0)
		return web_events(q);
	if (strncmp(url, "/c/", 3) == 0)
		return conv(q, url + 3, 0);
	if (strncmp(url, "/media/", 7) == 0)
		return web_media(q, url + 7);
	return web_text(q->conn, MHD_HTTP_NOT_FOUND, "not found");
}

static enum MHD_Result
post(struct web_req *q, const char *url)
{
	if (q->bad)
		return web_text(q->conn, (unsigned)q->bad, q->bad == MHD_HTTP_UNSUPPORTED_MEDIA_TYPE ?
		    "a JPEG, a PNG or a PDF only" : q->bad == MHD_HTTP_CONTENT_TOO_LARGE ?
		    "too large" : "bad request");
	if (strcmp(url, "/login") == 0)
		return login(q);
	if (!wa_csrf_ok(q->w->sess, q->sid, web_field(q, "csrf")))
		return web_text(q->conn, MHD_HTTP_FORBIDDEN, "forbidden: the form is stale, "
		    "load the page again");
	if (strcmp(url, "/logout") == 0) {
		wa_sess_end(q->w->sess, q->sid);
		return web_redirect(q->conn, "/login", WEB_COOKIE "=; Path=/; Max-Age=0; "
		    "HttpOnly; Secure; SameSite=Strict");
	}
	if (strncmp(url, "/c/", 3) == 0)
		return conv(q, url + 3, 1);
	return web_text(q->conn, MHD_HTTP_NOT_FOUND, "not found");
}

/* A new request: its session, and for a POST its form. */
static enum MHD_Result
begin(struct wa_web *w, struct MHD_Connection *c, const char *url, const char *method,
    struct web_req **qp)
{
	struct web_req *q = wa_calloc(1, sizeof *q);
	const char *sid = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, WEB_COOKIE), *a;
	unsigned st;

	q->w = w;
	q->conn = c;
	q->upfd = -1;
	*qp = q;
	/* the session of an agent no longer in the agents file is no session */
	if (sid && strlen(sid) == WA_SID_HEX - 1 &&
	    (a = wa_sess_agent(w->sess, sid, time(NULL))) != NULL &&
	    wa_agents_get(w->agents, a) != NULL) {
		snprintf(q->sid, sizeof q->sid, "%s", sid);
		q->agent = wa_strdup(a);
	}
	if (strcmp(method, "POST") != 0)
		return MHD_YES;
	q->answered = 1;	/* the body is not read when refused here */
	if (q->agent == NULL && strcmp(url, "/login") != 0)
		return web_text(c, MHD_HTTP_UNAUTHORIZED, "log in first");
	if ((st = web_form_begin(q)) != 0)
		return web_text(c, st, st == MHD_HTTP_CONTENT_TOO_LARGE ? "too large" :
		    "a form only");
	q->answered = 0;
	return MHD_YES;
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *data, size_t *size, void **ctx)
{
	struct web_req *q = *ctx;
	int isget = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;

	(void)version;
	if (q && q->job)
		return web_act_done(q);	/* resumed: its child ended */
	if (q == NULL) {
		if (!isget && strcmp(method, "POST") != 0)
			return web_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET or POST");
		if (begin(cls, c, url, method, (struct web_req **)ctx) != MHD_YES)
			return MHD_NO;
		q = *ctx;
		if (!isget)
			return MHD_YES;
		return get(q, url);
	}
	if (q->sse || q->answered) {
		*size = 0;
		return MHD_YES;
	}
	if (*size > 0) {
		web_form_feed(q, data, *size);
		*size = 0;
		return MHD_YES;
	}
	if (!q->bad)
		q->bad = (int)web_form_end(q);
	return post(q, url);
}

static void
completed(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_RequestTerminationCode why)
{
	struct web_req *q = *ctx;

	(void)cls, (void)c, (void)why;
	if (q == NULL)
		return;
	if (q->sse)
		web_sse_gone(q);
	free((char *)q->agent);
	web_job_free(q->job);
	explicit_bzero(q->sid, sizeof q->sid);
	web_req_free(q);
	*ctx = NULL;
}

/* The server's state files and directories; dies with status 2 or 3. */
static void
setup(struct wa_web *w, const struct wa_webcfg *cfg)
{
	struct wa_buf url = { 0 };
	char *path;

	/* the token and the number are checked now, not at the first reply */
	wa_secret_free(wa_graph_target(&url, ""));
	wa_buf_free(&url);
	w->cfg = cfg;
	w->agentspath = wa_home_path(WA_SF_AGENTS);
	w->snippets = wa_home_path(WA_SF_SNIPPETS);
	w->templates = wa_home_path(WA_SF_TEMPLATES);
	w->uploads = wa_home_path(WA_SF_UPLOADS);
	if (mkdir(w->uploads, 0700) < 0 && errno != EEXIST)
		wa_die(WA_EXIT_FATAL, "%s:", w->uploads);
	path = wa_home_path(WA_SF_WEBSESS);
	if ((w->sess = wa_sess_open(path, (long)cfg->idle)) == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", path);
	free(path);
	w->thr = wa_throttle_new();
	w->sla = wa_malloc(sizeof *w->sla);
	*w->sla = *cfg->sla;
	w->media = wa_hash_new();
	web_watch_init(w);
	if (w->agents == NULL)
		wa_die(WA_EXIT_USAGE, "%s: no agents", w->agentspath);
}

static void
teardown(struct wa_web *w)
{
	wa_sess_close(w->sess);
	wa_throttle_free(w->thr);
	wa_inbox_free(w->ib);
	wa_agents_free(w->agents);
	free(w->sla);
	wa_hash_free_with(w->media, free);
	free(w->sse), free(w->jobs);
	free(w->agentspath), free(w->snippets), free(w->templates), free(w->uploads);
}

/* One turn of the loop: MHD's sockets and the actions' pipes, 200 ms at most. */
static void
turn(struct wa_web *w)
{
	fd_set rs, ws, es;
	MHD_socket max = 0;
	MHD_UNSIGNED_LONG_LONG ms;
	struct timeval tv = { 0, 200000 };
	int jmax = 0;

	FD_ZERO(&rs);
	FD_ZERO(&ws);
	FD_ZERO(&es);
	if (MHD_get_fdset2(w->d, &rs, &ws, &es, &max, FD_SETSIZE) != MHD_YES)
		wa_die(WA_EXIT_FATAL, "the HTTP server's sockets do not fit in select()");
	web_jobs_fdset(w, &rs, &jmax);
	if (jmax > max)
		max = jmax;
	if (MHD_get_timeout(w->d, &ms) == MHD_YES && ms < 200)
		tv.tv_usec = (suseconds_t)ms * 1000;
	if (select(max + 1, &rs, &ws, &es, &tv) < 0) {
		if (errno != EINTR)
			wa_die(WA_EXIT_FATAL, "select:");
		return;
	}
	MHD_run_from_select(w->d, &rs, &ws, &es);
	web_jobs_poll(w, &rs, 0);
}

int
wa_web_serve(const struct wa_webcfg *cfg)
{
	struct wa_web w = { 0 };
	struct sigaction sa = { 0 };
	char where[128];
	double polled = 0;
	int fd;

	setup(&w, cfg);
	fd = wa_listen(cfg->listen, 0, where, sizeof where);
	w.d = MHD_start_daemon(MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	    handler, &w,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    /* its own loop waits in select(): descriptors below FD_SETSIZE */
	    MHD_OPTION_CONNECTION_LIMIT, wa_fdroom() < 512 ? wa_fdroom() : 512U,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_END);
	if (w.d == NULL)
		wa_die(WA_EXIT_FATAL, "cannot start the HTTP server on '%s'", where);
	sa.sa_handler = onsig;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fprintf(stderr, "%s: serving on http://%s/\n", wa_prog, where);
	while (!stop) {
		turn(&w);
		if (wa_mono() - polled >= 0.2) {
			web_watch_poll(&w);
			polled = wa_mono();
		}
	}
	/* an action under way is let finish: its message may be going out */
	web_jobs_poll(&w, NULL, 1);
	MHD_stop_daemon(w.d);
	teardown(&w);
	return 0;
}
