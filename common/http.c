/* http.c: many POSTs in flight over libcurl's multi interface, paced. */

/*
 * One CURLM drives every request; easy handles are kept in a pool and
 * reused, so connections stay alive (HTTP/2 multiplexed where the server
 * offers it) and a request costs no allocation but its body copy and, the
 * first time a handle sees a longer answer, its answer buffer. Waiting is
 * one poll(2) over the sockets libcurl names (CURLMOPT_SOCKETFUNCTION) and
 * curl_multi_socket_action on the ready ones: curl_multi_perform and
 * curl_multi_poll would visit, and poll, every transfer on every wake-up,
 * which at 1000/s and 240 in flight doubled the CPU time.
 *
 * Pacing: a token bucket fills at RATE a second and holds at most
 * max(1, RATE/10), so bursts stay small; a queued request starts when it
 * takes a token and fewer than LIMIT are in flight, LIMIT being
 * ceil(RATE x latency x 1.2) clamped to [1, MAXFLIGHT], the latency an
 * EWMA of the answered requests' times: enough requests in flight to hold
 * the rate whatever the server's latency.
 *
 * Exactly once: libcurl re-sends a request by itself when a reused
 * connection dies before any answer (and on an HTTP/2 REFUSED_STREAM),
 * but the server may have acted on the first copy. The body is therefore
 * given through a read callback whose seek callback refuses to rewind once
 * the whole body was handed over: libcurl then fails the request (error
 * 65) instead of sending it twice, and the caller sees sent=1, an unknown
 * outcome. A body not wholly handed over cannot have been acted upon (its
 * Content-Length or END_STREAM never came), so it may be sent again.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "wa.h"
#include "send.h"

#define MAXANSWER (1 << 20)	/* a longer answer is cut: no answer */
#define EWMA 0.1		/* weight of a new latency sample */
#define CONNECT_MS 10000L	/* at most, for one connection */

struct pend {
	const char *url;	/* interned: lives as long as the wa_http */
	char *body;
	size_t len;
	void *ctx;
};

struct xfer {
	CURL *e;
	struct wa_http *h;
	struct pend p;
	size_t off;		/* bytes of the body handed to libcurl */
	const char *url;	/* the URL last set on the handle */
	struct wa_buf ans;
	double t0;
	int toolong;
	char err[CURL_ERROR_SIZE];
	struct xfer *next;	/* in the idle list */
};

struct url {
	char *s;
	struct url *next;
};

struct wa_http {
	CURLM *m;
	double rate, tokens, refilled;	/* refilled: when tokens was last topped up */
	double lat;			/* EWMA of seconds; 0: no sample yet */
	int maxflight;
	long timeout_ms;
	struct curl_slist *hdrs;	/* shared by every handle */
	struct curl_slist *old;		/* earlier header lists, kept until free */
	char *cafile;			/* CAs trusted, not the system's; NULL */
	struct url *urls;
	struct pend *q;			/* ring of requests not started yet */
	size_t qhead, qlen, qcap;
	struct xfer **all;		/* every handle made, idle or busy */
	size_t nall;
	struct xfer *idle;
	size_t nfly;
	/* the sockets libcurl wants watched, for poll(2) */
	struct pollfd *pfd;
	size_t npfd, pfdcap;
	int *pos;		/* by descriptor: its index in pfd, or -1 */
	size_t poscap;
	struct pollfd *ready;	/* scratch: the ones poll found ready */
	double due;		/* libcurl's timer; < 0: none */
	int running;
};

static double
burst(double rate)
{
	return rate / 10 > 1 ? rate / 10 : 1;
}

static size_t
flightlimit(const struct wa_http *h)
{
	double n;

	if (h->lat <= 0)
		return (size_t)h->maxflight;	/* nothing to go by yet */
	n = ceil(h->rate * h->lat * 1.2);
	if (n < 1)
		n = 1;
	return n > h->maxflight ? (size_t)h->maxflight : (size_t)n;
}

static void
refill(struct wa_http *h, double t)
{
	if (h->rate > 0) {
		h->tokens += (t - h->refilled) * h->rate;
		if (h->tokens > burst(h->rate))
			h->tokens = burst(h->rate);
	}
	h->refilled = t;
}

static size_t
onwrite(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	n *= size;
	if (x->ans.len + n > MAXANSWER) {
		x->toolong = 1;
		return 0;
	}
	wa_buf_add(&x->ans, p, n);
	return n;
}

static size_t
onread(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	n *= size;
	if (n > x->p.len - x->off)
		n = x->p.len - x->off;
	memcpy(p, x->p.body + x->off, n);
	x->off += n;
	return n;
}

/* libcurl wants to send the body again: only if it never all went. */
static int
onseek(void *arg, curl_off_t off, int origin)
{
	struct xfer *x = arg;

	if (origin != SEEK_SET || off < 0 || (size_t)off > x->p.len ||
	    x->off >= x->p.len)
		return CURL_SEEKFUNC_CANTSEEK;
	x->off = (size_t)off;
	return CURL_SEEKFUNC_OK;
}

static struct xfer *
newxfer(struct wa_http *h)
{
	struct xfer *x = wa_calloc(1, sizeof *x);
	long cto = h->timeout_ms < CONNECT_MS ? h->timeout_ms : CONNECT_MS;

	if ((x->e = curl_easy_init()) == NULL)
		wa_die(WA_EXIT_FATAL, "cannot start a libcurl handle");
	x->h = h;
	curl_easy_setopt(x->e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(x->e, CURLOPT_ERRORBUFFER, x->err);
	curl_easy_setopt(x->e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->e, CURLOPT_VERBOSE, 0L);
	curl_easy_setopt(x->e, CURLOPT_NOPROGRESS, 1L);
	curl_easy_setopt(x->e, CURLOPT_WRITEFUNCTION, onwrite);
	curl_easy_setopt(x->e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->e, CURLOPT_READFUNCTION, onread);
	curl_easy_setopt(x->e, CURLOPT_READDATA, x);
	curl_easy_setopt(x->e, CURLOPT_SEEKFUNCTION, onseek);
	curl_easy_setopt(x->e, CURLOPT_SEEKDATA, x);
	curl_easy_setopt(x->e, CURLOPT_POST, 1L);
	curl_easy_setopt(x->e, CURLOPT_USERAGENT, "wa/" WA_VERSION);
	curl_easy_setopt(x->e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(x->e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(x->e, CURLOPT_TIMEOUT_MS, h->timeout_ms);
	curl_easy_setopt(x->e, CURLOPT_CONNECTTIMEOUT_MS, cto > 0 ? cto : 1L);
	curl_easy_setopt(x->e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(x->e, CURLOPT_TCP_KEEPIDLE, 30L);
	curl_easy_setopt(x->e, CURLOPT_TCP_KEEPINTVL, 15L);
	if (h->cafile)
		curl_easy_setopt(x->e, CURLOPT_CAINFO, h->cafile);
	/* The token goes to this server only: no redirects, no other scheme. */
	curl_easy_setopt(x->e, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(x->e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(x->e, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	h->all = wa_realloc(h->all, (h->nall + 1) * sizeof *h->all);
	h->all[h->nall++] = x;
	return x;
}

/* CURLMOPT_SOCKETFUNCTION: keep the poll set as libcurl says. */
static int
onsocket(CURL *e, curl_socket_t fd, int what, void *arg, void *sockp)
{
	struct wa_http *h = arg;
	size_t i, n;

	if (fd < 0)
		return 0;
	if ((size_t)fd >= h->poscap) {
		n = h->poscap ? h->poscap : 64;
		while (n <= (size_t)fd)
			n *= 2;
		h->pos = wa_realloc(h->pos, n * sizeof *h->pos);
		for (i = h->poscap; i < n; i++)
			h->pos[i] = -1;
		h->poscap = n;
	}
	if (what == CURL_POLL_REMOVE) {
		if (h->pos[fd] >= 0) {
			i = (size_t)h->pos[fd];
			h->pfd[i] = h->pfd[--h->npfd];
			h->pos[h->pfd[i].fd] = (int)i;
			h->pos[fd] = -1;
		}
		return 0;
	}
	if (h->pos[fd] < 0) {
		if (h->npfd == h->pfdcap) {
			h->pfdcap = h->pfdcap ? h->pfdcap * 2 : 64;
			h->pfd = wa_realloc(h->pfd, h->pfdcap * sizeof *h->pfd);
			h->ready = wa_realloc(h->ready, h->pfdcap * sizeof *h->ready);
		}
		h->pos[fd] = (int)h->npfd++;
		h->pfd[h->pos[fd]].fd = fd;
	}
	h->pfd[h->pos[fd]].events = (short)((what & CURL_POLL_IN ? POLLIN : 0) |
	    (what & CURL_POLL_OUT ? POLLOUT : 0));
	h->pfd[h->pos[fd]].revents = 0;
	return 0;
}

/* CURLMOPT_TIMERFUNCTION: when libcurl wants to be called anyway. */
static int
ontimer(CURLM *m, long ms, void *arg)
{
	struct wa_http *h = arg;

	h->due = ms < 0 ? -1 : wa_mono() + ms / 1000.0;
	return 0;
}

/* Wait up to MS for a socket or libcurl's timer, and let libcurl act. */
static void
drive(struct wa_http *h, int ms)
{
	size_t i, n = 0;
	double t = wa_mono();
	int r, flags;

	if (h->due >= 0) {
		if (h->due <= t)
			ms = 0;
		else if ((h->due - t) * 1000 < ms)
			ms = (int)ceil((h->due - t) * 1000);
	}
	r = poll(h->pfd, (nfds_t)h->npfd, ms);
	if (r < 0 && errno != EINTR)
		wa_die(WA_EXIT_FATAL, "poll:");
	/* Acting on a socket changes the set: take the ready ones first. */
	for (i = 0; r > 0 && i < h->npfd; i++)
		if (h->pfd[i].revents) {
			h->ready[n++] = h->pfd[i];
			h->pfd[i].revents = 0;
		}
	for (i = 0; i < n; i++) {
		flags = (h->ready[i].revents & POLLIN ? CURL_CSELECT_IN : 0) |
		    (h->ready[i].revents & POLLOUT ? CURL_CSELECT_OUT : 0) |
		    (h->ready[i].revents & (POLLERR | POLLHUP | POLLNVAL) ?
		    CURL_CSELECT_ERR : 0);
		curl_multi_socket_action(h->m, h->ready[i].fd, flags, &h->running);
	}
	if (h->due >= 0 && h->due <= wa_mono()) {
		h->due = -1;
		curl_multi_socket_action(h->m, CURL_SOCKET_TIMEOUT, 0, &h->running);
	}
}

/* Start queued requests while the bucket and the flight limit allow. */
static void
start(struct wa_http *h, double t)
{
	size_t limit = flightlimit(h);
	struct xfer *x;
	struct pend *p;

	refill(h, t);
	while (h->qlen > 0 && h->nfly < limit && h->rate > 0 &&
	    h->tokens >= 1) {
		p = &h->q[h->qhead];
		if ((x = h->idle) != NULL)
			h->idle = x->next;
		else
			x = newxfer(h);
		x->p = *p;
		h->qhead = (h->qhead + 1) % h->qcap;
		h->qlen--;
		x->off = 0;
		x->toolong = 0;
		x->err[0] = '\0';
		wa_buf_reset(&x->ans);
		if (x->url != x->p.url) {
			curl_easy_setopt(x->e, CURLOPT_URL, x->p.url);
			x->url = x->p.url;
		}
		curl_easy_setopt(x->e, CURLOPT_HTTPHEADER, h->hdrs);
		curl_easy_setopt(x->e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)x->p.len);
		x->t0 = t;
		if (curl_multi_add_handle(h->m, x->e) != CURLM_OK)
			wa_die(WA_EXIT_FATAL, "cannot start a request");
		h->nfly++;
		h->tokens -= 1;
	}
}

/* Hand each finished request to FN; returns how many. */
static size_t
reap(struct wa_http *h, wa_http_fn *fn, void *arg)
{
	struct wa_http_res res;
	struct xfer *x;
	CURLMsg *msg;
	size_t n = 0;
	int left;
	void *priv;

	while ((msg = curl_multi_info_read(h->m, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
		x = priv;
		memset(&res, 0, sizeof res);
		res.ctx = x->p.ctx;
		res.seconds = wa_mono() - x->t0;
		/* The whole body went to the connection: it may have arrived. */
		res.sent = x->off >= x->p.len;
		if (msg->data.result == CURLE_OK) {
			curl_easy_getinfo(x->e, CURLINFO_RESPONSE_CODE, &res.status);
			h->lat = h->lat > 0 ? h->lat + EWMA * (res.seconds - h->lat) :
			    res.seconds;
		} else if (x->toolong)
			res.error = "the answer is too long";
		else if (msg->data.result == CURLE_SEND_FAIL_REWIND)
			res.error = "the connection closed after the request "
			    "went out, with no answer";
		else
			res.error = x->err[0] ? x->err :
			    curl_easy_strerror(msg->data.result);
		res.sent |= res.status != 0;
		res.body = wa_buf_str(&x->ans);
		if (res.body == NULL)
			res.body = "";
		res.len = x->ans.len;
		curl_multi_remove_handle(h->m, x->e);
		h->nfly--;
		n++;
		if (fn)
			fn(&res, arg);
		free(x->p.body);
		x->p.body = NULL;
		x->next = h->idle;
		h->idle = x;
	}
	return n;
}

struct wa_http *
wa_http_new(double rate, int maxflight, long timeout_ms)
{
	struct wa_http *h = wa_calloc(1, sizeof *h);

	if ((h->m = curl_multi_init()) == NULL)
		wa_die(WA_EXIT_FATAL, "cannot start libcurl");
	h->maxflight = maxflight > 0 ? maxflight : 1;
	h->timeout_ms = timeout_ms > 0 ? timeout_ms : 30000;
	h->rate = rate > 0 ? rate : 0;
	h->tokens = 1;
	h->refilled = wa_mono();
	h->due = -1;
	curl_multi_setopt(h->m, CURLMOPT_SOCKETFUNCTION, onsocket);
	curl_multi_setopt(h->m, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->m, CURLMOPT_TIMERFUNCTION, ontimer);
	curl_multi_setopt(h->m, CURLMOPT_TIMERDATA, h);
	curl_multi_setopt(h->m, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	/* HTTP/1.1 needs a connection per request; HTTP/2 shares a few. */
	curl_multi_setopt(h->m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)h->maxflight);
	curl_multi_setopt(h->m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)h->maxflight);
	curl_multi_setopt(h->m, CURLMOPT_MAXCONNECTS, (long)h->maxflight);
	h->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	if (h->hdrs == NULL ||
	    curl_slist_append(h->hdrs, "Accept: application/json") == NULL ||
	    curl_slist_append(h->hdrs, "Expect:") == NULL)
		wa_die(WA_EXIT_FATAL, "out of memory");
	return h;
}

static void
freehdrs(struct curl_slist *l)
{
	struct curl_slist *s;

	for (s = l; s != NULL; s = s->next)
		wa_secret_wipe(s->data);
	curl_slist_free_all(l);
}

void
wa_http_ca(struct wa_http *h, const char *file)
{
	size_t i;

	free(h->cafile);
	h->cafile = wa_strdup(file);
	for (i = 0; i < h->nall; i++)
		curl_easy_setopt(h->all[i]->e, CURLOPT_CAINFO, h->cafile);
}

void
wa_http_auth(struct wa_http *h, const char *token)
{
	static const char pre[] = "Authorization: Bearer ";
	struct curl_slist *l, *s;
	size_t n = strlen(token);
	char *line = wa_malloc(sizeof pre + n);

	memcpy(line, pre, sizeof pre - 1);
	memcpy(line + sizeof pre - 1, token, n + 1);
	l = curl_slist_append(NULL, "Content-Type: application/json");
	if (l == NULL || curl_slist_append(l, "Accept: application/json") == NULL ||
	    curl_slist_append(l, "Expect:") == NULL ||
	    curl_slist_append(l, line) == NULL)
		wa_die(WA_EXIT_FATAL, "out of memory");
	wa_secret_free(line);
	/* Requests in flight may still read the old list (a retry). */
	for (s = h->hdrs; s->next != NULL; s = s->next)
		;
	s->next = h->old;
	h->old = h->hdrs;
	h->hdrs = l;
}

static const char *
intern(struct wa_http *h, const char *url)
{
	struct url *u;

	for (u = h->urls; u != NULL; u = u->next)
		if (strcmp(u->s, url) == 0)
			return u->s;
	u = wa_malloc(sizeof *u);
	u->s = wa_strdup(url);
	u->next = h->urls;
	h->urls = u;
	return u->s;
}

void
wa_http_post(struct wa_http *h, const char *url, const char *body, void *ctx)
{
	struct pend *p;
	size_t i;

	if (h->qlen == h->qcap) {
		size_t cap = h->qcap ? h->qcap * 2 : 64;
		struct pend *q = wa_malloc(cap * sizeof *q);

		for (i = 0; i < h->qlen; i++)
			q[i] = h->q[(h->qhead + i) % h->qcap];
		free(h->q);
		h->q = q;
		h->qcap = cap;
		h->qhead = 0;
	}
	p = &h->q[(h->qhead + h->qlen) % h->qcap];
	p->url = intern(h, url);
	p->len = strlen(body);
	p->body = wa_malloc(p->len + 1);
	memcpy(p->body, body, p->len + 1);
	p->ctx = ctx;
	h->qlen++;
}

size_t
wa_http_step(struct wa_http *h, wa_http_fn *fn, void *arg, long ms)
{
	double t = wa_mono(), end = t + (ms > 0 ? ms : 0) / 1000.0, w, need;
	size_t done = 0;
	int wait = 0;

	/* At a high rate, wake for a few tokens (5 ms' worth), not each one. */
	need = h->rate / 200 > 1 ? h->rate / 200 : 1;
	if (need > burst(h->rate))
		need = burst(h->rate);

	for (;;) {
		start(h, t);
		if (h->nfly > 0) {
			drive(h, wait);
			done += reap(h, fn, arg);
		}
		t = wa_mono();
		if (done > 0 || h->qlen + h->nfly == 0 || t >= end)
			break;
		w = end - t;
		if (h->qlen > 0 && h->nfly < flightlimit(h) && h->rate > 0 &&
		    (need - h->tokens) / h->rate < w)
			w = (need - h->tokens) / h->rate;	/* until tokens come */
		wait = (int)ceil(w * 1000);
		if (wait < 1)
			wait = 1;
		if (h->nfly == 0) {
			struct timespec ts = { wait / 1000, (wait % 1000) * 1000000L };

			nanosleep(&ts, NULL);
			wait = 0;
		}
		t = wa_mono();
	}
	if (done > 0)
		start(h, wa_mono());	/* what FN queued, or what the finished ones freed */
	return h->qlen + h->nfly;
}

void
wa_http_setrate(struct wa_http *h, double rate)
{
	refill(h, wa_mono());
	h->rate = rate > 0 ? rate : 0;
	if (h->tokens > burst(h->rate))
		h->tokens = burst(h->rate);
}

double
wa_http_getrate(const struct wa_http *h)
{
	return h->rate;
}

size_t
wa_http_pending(const struct wa_http *h)
{
	return h->qlen + h->nfly;
}

size_t
wa_http_inflight(const struct wa_http *h)
{
	return h->nfly;
}

double
wa_http_latency(const struct wa_http *h)
{
	return h->lat;
}

void
wa_http_free(struct wa_http *h)
{
	struct url *u;
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->nall; i++) {
		struct xfer *x = h->all[i];

		curl_multi_remove_handle(h->m, x->e);	/* idle: a no-op */
		curl_easy_cleanup(x->e);
		free(x->p.body);
		wa_buf_free(&x->ans);
		free(x);
	}
	free(h->all);
	for (i = 0; i < h->qlen; i++)
		free(h->q[(h->qhead + i) % h->qcap].body);
	free(h->q);
	curl_multi_cleanup(h->m);	/* may still tell onsocket */
	free(h->pfd);
	free(h->ready);
	free(h->pos);
	freehdrs(h->hdrs);
	freehdrs(h->old);
	free(h->cafile);
	while ((u = h->urls) != NULL) {
		h->urls = u->next;
		free(u->s);
		free(u);
	}
	free(h);
}
