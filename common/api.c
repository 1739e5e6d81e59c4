/* api.c: one Graph API request at a time, for the account tools. */
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "send.h"

struct wa_api {
	struct wa_fetch *f;	/* holds the token: wiped at free */
};

struct wa_api *
wa_api_new(void)
{
	struct wa_api *a = wa_calloc(1, sizeof *a);
	char *tok = wa_secret("WA_TOKEN"), *h;

	if (tok == NULL)
		wa_die(WA_EXIT_USAGE, "set WA_TOKEN or WA_TOKEN_FILE");
	a->f = wa_fetch_new();
	/* One attempt: the account tools say what failed and let the user decide. */
	wa_fetch_limits(a->f, 1, 0, WA_API_MAXBODY);
	h = wa_strjoin("Authorization: Bearer ", "", tok);
	wa_secret_free(tok);
	wa_fetch_header(a->f, h);
	wa_fetch_header(a->f, "Content-Type: application/json");
	wa_secret_free(h);
	return a;
}

/* The reason a request that got an answer failed, into ERR. */
static void
answer_err(long http, const char *body, size_t n, char *err, size_t errsz)
{
	struct wa_graph_ans ans;

	wa_graph_answer(&ans, http, body, n);
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
	char *post = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	const char *ans;
	json_t *o = NULL;
	long http;
	size_t n;
	int rc;

	rc = wa_fetch_do(a->f, url, post, post != NULL ? strlen(post) : 0);
	free(post);
	if (rc != 0) {
		snprintf(err, errsz, "%s", wa_fetch_err(a->f));
		return NULL;
	}
	http = wa_fetch_status(a->f);
	ans = wa_fetch_body(a->f, &n);
	if (http >= 200 && http < 300)
		o = json_loadb(ans, n, 0, NULL);
	wa_scrub_json(o);
	if (json_is_object(o) && !json_is_object(json_object_get(o, "error")))
		return o;
	json_decref(o);
	answer_err(http, ans, n, err, errsz);
	return NULL;
}

void
wa_api_free(struct wa_api *a)
{
	if (a == NULL)
		return;
	wa_fetch_free(a->f);
	free(a);
}
