/* fetch.c: one HTTP request at a time over libcurl, retried when the server is busy or away. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "wa.h"

struct wa_fetch {
	CURL *e;
	struct curl_slist *hdrs;	/* may hold secrets: wiped at free */
	char *want[WA_FETCH_NWANT];	/* response headers kept, by name */
	char *got[WA_FETCH_NWANT];
	size_t nwant;
	size_t maxbody;
	int tries;			/* attempts per request, at least 1 */
	long maxwait;			/* ms: the longest wait between two */
	long status;
	int cut;			/* the body went over maxbody */
	struct wa_buf body;
	FILE *to;			/* NULL, or where a 200's body goes */
	char err[CURL_ERROR_SIZE + 64];
	char cerr[CURL_ERROR_SIZE];
};

static size_t
onwrite(char *p, size_t size, size_t n, void *arg)
{
	struct wa_fetch *f = arg;
	long st = 0;

	/* An error's body stays in memory, to be said. */
	if (f->to != NULL && curl_easy_getinfo(f->e, CURLINFO_RESPONSE_CODE,
	    &st) == CURLE_OK && st == 200)
		return fwrite(p, size, n, f->to) == n ? size * n : 0;
	if (wa_buf_addmax(&f->body, p, size * n, f->maxbody) != 0) {
		f->cut = 1;
		return 0;
	}
	return size * n;
}

static size_t
onheader(char *p, size_t size, size_t n, void *arg)
{
	struct wa_fetch *f = arg;
	size_t len = size * n, k, i;
	char *v;

	for (i = 0; i < f->nwant; i++) {
		k = strlen(f->want[i]);
		if (len <= k || p[k] != ':' || strncasecmp(p, f->want[i], k) != 0)
			continue;
		v = p + k + 1;
		while (v < p + len && (*v == ' ' || *v == '\t'))
			v++;
		free(f->got[i]);
		f->got[i] = wa_calloc(1, p + len - v + 1);
		memcpy(f->got[i], v, p + len - v);
		f->got[i][strcspn(f->got[i], "\r\n")] = '\0';
	}
	return len;
}

struct wa_fetch *
wa_fetch_new(void)
{
	struct wa_fetch *f = wa_calloc(1, sizeof *f);
	const char *ca = getenv("WA_CA_FILE");

	if ((f->e = curl_easy_init()) == NULL)
		wa_die(WA_EXIT_FATAL, "cannot start libcurl");
	f->maxbody = WA_FETCH_MAXBODY;
	f->tries = 5;
	f->maxwait = 30000;
	curl_easy_setopt(f->e, CURLOPT_ERRORBUFFER, f->cerr);
	curl_easy_setopt(f->e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(f->e, CURLOPT_WRITEFUNCTION, onwrite);
	curl_easy_setopt(f->e, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(f->e, CURLOPT_HEADERFUNCTION, onheader);
	curl_easy_setopt(f->e, CURLOPT_HEADERDATA, f);
	curl_easy_setopt(f->e, CURLOPT_USERAGENT, "wa/" WA_VERSION);
	curl_easy_setopt(f->e, CURLOPT_TIMEOUT_MS, 60000L);
	curl_easy_setopt(f->e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	/* Secrets go to this server only: no redirects, no other scheme. */
	curl_easy_setopt(f->e, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(f->e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(f->e, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	if (ca != NULL && *ca != '\0')
		curl_easy_setopt(f->e, CURLOPT_CAINFO, ca);
	return f;
}

void
wa_fetch_header(struct wa_fetch *f, const char *line)
{
	f->hdrs = curl_slist_append(f->hdrs, line);
	curl_easy_setopt(f->e, CURLOPT_HTTPHEADER, f->hdrs);
}

void
wa_fetch_want(struct wa_fetch *f, const char *name)
{
	if (f->nwant == WA_FETCH_NWANT)
		wa_die(WA_EXIT_FATAL, "wa_fetch_want: more than %d headers",
		    WA_FETCH_NWANT);
	f->want[f->nwant++] = wa_strdup(name);
}

void
wa_fetch_limits(struct wa_fetch *f, int tries, long maxwait, size_t maxbody)
{
	f->tries = tries > 0 ? tries : 1;
	f->maxwait = maxwait >= 0 ? maxwait : 0;
	f->maxbody = maxbody > 0 ? maxbody : WA_FETCH_MAXBODY;
}

static void
sleepms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* The wait before attempt TRY+1: Retry-After when the server said one, else doubling from 250 ms. */
static long
backoff(struct wa_fetch *f, int try, const char *ra)
{
	long ms = 250L << (try < 10 ? try : 10);
	char *end;
	double s;

	if (ra != NULL) {
		s = strtod(ra, &end);
		if (end != ra && *end == '\0' && s >= 0)
			ms = s * 1000 < f->maxwait ? (long)(s * 1000) : f->maxwait;
	}
	return ms < f->maxwait ? ms : f->maxwait;
}

static int
retryable(long status)
{
	return status == 0 || status == 429 || status >= 500;
}

/* One attempt: 0 with f->status set, or -1 with no answer (f->err says why). */
static int
attempt(struct wa_fetch *f, const char *url, const char *post, size_t n)
{
	CURLcode rc;
	size_t i;

	wa_buf_reset(&f->body);
	if (f->to != NULL && (fflush(f->to) == EOF ||
	    ftruncate(fileno(f->to), 0) != 0 || fseek(f->to, 0, SEEK_SET) != 0)) {
		snprintf(f->err, sizeof f->err, "cannot keep the answer: %s",
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < f->nwant; i++) {
		free(f->got[i]);
		f->got[i] = NULL;
	}
	f->cerr[0] = '\0';
	f->status = 0;
	f->cut = 0;
	curl_easy_setopt(f->e, CURLOPT_URL, url);
	if (post != NULL) {
		curl_easy_setopt(f->e, CURLOPT_POSTFIELDSIZE, (long)n);
		curl_easy_setopt(f->e, CURLOPT_POSTFIELDS, post);
	} else
		curl_easy_setopt(f->e, CURLOPT_HTTPGET, 1L);
	rc = curl_easy_perform(f->e);
	if (f->cut) {
		snprintf(f->err, sizeof f->err, "answer longer than %zu bytes",
		    f->maxbody);
		return -1;
	}
	if (rc != CURLE_OK) {
		snprintf(f->err, sizeof f->err, "%s",
		    *f->cerr ? f->cerr : curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(f->e, CURLINFO_RESPONSE_CODE, &f->status);
	snprintf(f->err, sizeof f->err, "HTTP %ld", f->status);
	if (f->to != NULL && fflush(f->to) == EOF) {
		snprintf(f->err, sizeof f->err, "cannot keep the answer: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
wa_fetch_do(struct wa_fetch *f, const char *url, const char *post, size_t n)
{
	int try, rc = -1;
	const char *ra;

	for (try = 0; try < f->tries; try++) {
		if (try > 0) {
			ra = f->status == 429 || f->status == 503 ?
			    wa_fetch_got(f, "Retry-After") : NULL;
			sleepms(backoff(f, try - 1, ra));
		}
		rc = attempt(f, url, post, n);
		if (f->cut)
			return -1;
		if (rc == 0 && !retryable(f->status))
			return 0;
	}
	return rc;
}

void
wa_fetch_tofile(struct wa_fetch *f, FILE *fp)
{
	f->to = fp;
}

long
wa_fetch_status(struct wa_fetch *f)
{
	return f->status;
}

const char *
wa_fetch_body(struct wa_fetch *f, size_t *n)
{
	if (n != NULL)
		*n = f->body.len;
	return wa_buf_str(&f->body);
}

const char *
wa_fetch_got(struct wa_fetch *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->nwant; i++)
		if (strcasecmp(f->want[i], name) == 0)
			return f->got[i];
	return NULL;
}

const char *
wa_fetch_err(struct wa_fetch *f)
{
	return f->err;
}

void
wa_fetch_free(struct wa_fetch *f)
{
	struct curl_slist *h;
	size_t i;

	if (f == NULL)
		return;
	curl_easy_cleanup(f->e);
	for (h = f->hdrs; h != NULL; h = h->next)
		wa_secret_wipe(h->data);
	curl_slist_free_all(f->hdrs);
	for (i = 0; i < f->nwant; i++) {
		free(f->want[i]);
		free(f->got[i]);
	}
	wa_buf_free(&f->body);
	free(f);
}
