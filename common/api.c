/* api.c: one Graph API request at a time, for the account tools. */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "wa.h"
#include "send.h"

struct wa_api {
	CURL *e;
	struct curl_slist *hdrs;	/* holds the token: wiped at free */
	struct wa_buf body;
	char cerr[CURL_ERROR_SIZE];
};

static size_t
onwrite(char *p, size_t size, size_t n, void *arg)
{
	struct wa_api *a = arg;

	/* The answers here are small; a runaway one is cut, not kept. */
	if (a->body.len + size * n > WA_API_MAXBODY)
		return 0;
	wa_buf_add(&a->body, p, size * n);
	return size * n;
}

struct wa_api *
wa_api_new(void)
{
	struct wa_api *a = wa_calloc(1, sizeof *a);
	const char *ca = getenv("WA_CA_FILE");
	char *tok = wa_secret("WA_TOKEN"), *h;

	if (tok == NULL)
		wa_die(WA_EXIT_USAGE, "set WA_TOKEN or WA_TOKEN_FILE");
	if ((a->e = curl_easy_init()) == NULL)
		wa_die(WA_EXIT_FATAL, "cannot start libcurl");
	h = wa_strjoin("Authorization: Bearer ", "", tok);
	wa_secret_free(tok);
	a->hdrs = curl_slist_append(NULL, h);
	a->hdrs = curl_slist_append(a->hdrs, "Content-Type: application/json");
	wa_secret_free(h);
	curl_easy_setopt(a->e, CURLOPT_HTTPHEADER, a->hdrs);
	curl_easy_setopt(a->e, CURLOPT_ERRORBUFFER, a->cerr);
	curl_easy_setopt(a->e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(a->e, CURLOPT_WRITEFUNCTION, onwrite);
	curl_easy_setopt(a->e, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(a->e, CURLOPT_USERAGENT, "wa/" WA_VERSION);
	curl_easy_setopt(a->e, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(a->e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	/* The token goes to this server only: no redirects, no other scheme. */
	curl_easy_setopt(a->e, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(a->e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(a->e, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	if (ca != NULL && *ca != '\0')
		curl_easy_setopt(a->e, CURLOPT_CAINFO, ca);
	return a;
}

/* The reason a request that got an answer failed, into ERR. */
static void
answer_err(long http, struct wa_buf *body, char *err, size_t errsz)
{
	struct wa_graph_ans ans;

	wa_graph_answer(&ans, http, body->s, body->len);
	if (ans.kind == WA_GRAPH_ERROR && ans.err.code >= 0)
		snprintf(err, errsz, "HTTP %ld, error %lld (%s): %s%s%s", http,
		    ans.err.code, wa_graph_classname(wa_graph_class(&ans.err, http)),
		    ans.err.title, ans.err.details ? ": " : "",
		    ans.err.details ? ans.err.details : "");
	else
		snprintf(err, errsz, "%s", ans.kind == WA_GRAPH_GARBAGE ?
		    ans.what : ans.err.title);
	wa_graph_ans_free(&ans);
}

json_t *
wa_api_call(struct wa_api *a, const char *url, json_t *body, char *err,
    size_t errsz)
{
	char *post = NULL;
	json_t *o = NULL;
	long http = 0;
	CURLcode rc;

	wa_buf_reset(&a->body);
	a->cerr[0] = '\0';
	curl_easy_setopt(a->e, CURLOPT_URL, url);
	if (body != NULL) {
		post = json_dumps(body, JSON_COMPACT);
		curl_easy_setopt(a->e, CURLOPT_POSTFIELDS, post);
	} else
		curl_easy_setopt(a->e, CURLOPT_HTTPGET, 1L);
	rc = curl_easy_perform(a->e);
	free(post);
	if (rc != CURLE_OK) {
		snprintf(err, errsz, "%s", *a->cerr ? a->cerr : curl_easy_strerror(rc));
		return NULL;
	}
	curl_easy_getinfo(a->e, CURLINFO_RESPONSE_CODE, &http);
	if (http >= 200 && http < 300)
		o = json_loadb(a->body.s ? a->body.s : "", a->body.len, 0, NULL);
	wa_scrub_json(o);
	if (json_is_object(o) && !json_is_object(json_object_get(o, "error")))
		return o;
	json_decref(o);
	answer_err(http, &a->body, err, errsz);
	return NULL;
}

void
wa_api_free(struct wa_api *a)
{
	struct curl_slist *h;

	if (a == NULL)
		return;
	curl_easy_cleanup(a->e);
	for (h = a->hdrs; h != NULL; h = h->next)
		for (volatile char *p = h->data; *p; p++)
			*p = '\0';
	curl_slist_free_all(a->hdrs);
	wa_buf_free(&a->body);
	free(a);
}
