/* wa-templates: the account's message templates, cached for the checks of wa-send. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "wa.h"
#include "send.h"

#define FIELDS "id,name,language,status,category,components"
#define MAXPAGES 10000

static long limit;	/* page size asked for; 0: the API's own */

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wa-templates [-j | -t] list\n"
	    "       wa-templates [--limit N] sync\n"
	    "       wa-templates show NAME\n");
	exit(status);
}

static char *
cachepath(void)
{
	return wa_home_path(WA_SF_TEMPLATES);
}

/* The URL of the page after cursor AFTER (NULL: the first). */
static void
pageurl(struct wa_buf *u, const char *waba, const char *after)
{
	char err[WA_GRAPH_ERRSZ], n[32];

	if (wa_graph_url(u, getenv("WA_API_URL"), waba, "message_templates",
	    err, sizeof err) < 0)
		wa_die(WA_EXIT_USAGE, "WA_API_URL/WA_WABA_ID: %s", err);
	wa_buf_adds(u, "?fields=" FIELDS);
	if (limit > 0) {
		snprintf(n, sizeof n, "&limit=%ld", limit);
		wa_buf_adds(u, n);
	}
	if (after != NULL) {
		wa_buf_adds(u, "&after=");
		wa_url_enc(u, after);
	}
}

/*
 * The cursor of the next page, or NULL on the last one. paging.next only
 * says there is one: the next request goes to WA_API_URL, so the token
 * never follows a URL out of an answer.
 */
static char *
nextcursor(json_t *page, const char *prev)
{
	json_t *paging = json_object_get(page, "paging");
	const char *after = wa_json_str(paging, "cursors.after");

	if (!json_is_string(json_object_get(paging, "next")) || after == NULL ||
	    *after == '\0' || (prev != NULL && strcmp(after, prev) == 0))
		return NULL;
	return wa_strdup(after);
}

/* Every template of the account as cache records. */
static json_t *
fetch(struct wa_api *a, const char *waba, int *npages)
{
	json_t *recs = json_array(), *page, *t, *r;
	char err[512], *after = NULL, *next;
	struct wa_buf u = { 0 };
	size_t i;

	for (*npages = 0;; free(after), after = next) {
		/* a cursor that never ends must not loop, nor cut the list quietly */
		if (*npages == MAXPAGES)
			wa_die(WA_EXIT_FATAL, "message_templates: more than %d pages",
			    MAXPAGES);
		pageurl(&u, waba, after);
		if ((page = wa_api_call(a, wa_buf_str(&u), NULL, err, sizeof err)) == NULL)
			wa_die(WA_EXIT_FATAL, "message_templates: %s", err);
		(*npages)++;
		json_array_foreach(json_object_get(page, "data"), i, t) {
			if ((r = wa_tmpl_record(t)) == NULL) {
				wa_warn("page %d: a template without a name or "
				    "language: skipped", *npages);
				continue;
			}
			json_array_append_new(recs, r);
		}
		next = nextcursor(page, after);
		json_decref(page);
		if (next == NULL)
			break;
	}
	free(after);
	wa_buf_free(&u);
	return recs;
}

/* One template a line, so the cache reads and diffs well. */
static void
save(const char *path, const char *waba, json_t *recs)
{
	char tb[WA_TIMEBUF], *tmp, *line;
	FILE *fp;
	json_t *r;
	size_t i;

	if ((fp = wa_rewrite_open(path, &tmp)) == NULL)
		wa_die(WA_EXIT_FATAL, "cannot write '%s':", path);
	fprintf(fp, "{\"synced_at\":\"%s\",\"waba_id\":\"%s\",\"templates\":[",
	    wa_time_fmt(wa_now(), tb), waba);
	json_array_foreach(recs, i, r) {
		line = wa_json_line(r);
		fprintf(fp, "%s\n%s", i ? "," : "", line);
		free(line);
	}
	fputs("\n]}\n", fp);
	if (wa_rewrite_commit(fp, tmp, path) < 0)
		wa_die(WA_EXIT_FATAL, "cannot write '%s':", path);
}

static void
dosync(void)
{
	const char *waba = getenv("WA_WABA_ID");
	char *path = cachepath();
	struct wa_api *a;
	json_t *recs, *r;
	size_t i, ok = 0;
	int npages;

	if (waba == NULL || *waba == '\0')
		wa_die(WA_EXIT_USAGE, "set WA_WABA_ID to the WhatsApp Business Account id");
	a = wa_api_new();
	recs = fetch(a, waba, &npages);
	wa_api_free(a);
	save(path, waba, recs);
	json_array_foreach(recs, i, r)
		ok += strcmp(wa_json_str(r, "status"), "APPROVED") == 0;
	fprintf(stderr, "%s: %zu templates (%zu approved) in %d page%s, saved to %s\n",
	    wa_prog, json_array_size(recs), ok, npages, npages == 1 ? "" : "s", path);
	json_decref(recs);
	free(path);
}

static struct wa_tmpl_cache *
load(void)
{
	char err[256], tb[WA_TIMEBUF], *path = cachepath();
	struct wa_tmpl_cache *c;

	if ((c = wa_tmpl_load(path, err, sizeof err)) == NULL) {
		if (errno == ENOENT)
			wa_die(WA_EXIT_USAGE, "no template cache '%s': run wa-templates sync",
			    path);
		wa_die(WA_EXIT_USAGE, "%s: %s", path, err);
	}
	if (c->synced == 0 || wa_now() - c->synced > WA_TMPL_STALE)
		wa_warn("%s: synced %s; wa-templates sync brings it up to date",
		    path, c->synced ? wa_time_fmt(c->synced, tb) : "at an unknown time");
	free(path);
	return c;
}

/* "url*,quick_reply": the buttons, '*' on those that take a parameter. */
static void
buttonlist(json_t *r, char *out, size_t n)
{
	json_t *b;
	size_t i, len = 0;

	out[0] = '\0';
	json_array_foreach(json_object_get(r, "buttons"), i, b)
		if (len < n)
			len += (size_t)snprintf(out + len, n - len, "%s%s%s", i ? "," : "",
			    wa_json_str(b, "type") ? wa_json_str(b, "type") : "?",
			    json_is_true(json_object_get(b, "dynamic")) ? "*" : "");
	if (*out == '\0')
		snprintf(out, n, "-");
}

static void
table(const struct wa_tmpl_cache *c)
{
	static const struct wa_tcol cols[] = {
		{ "name", "NAME", WA_COL_TEXT | WA_COL_LEFT },
		{ "language", "LANGUAGE", WA_COL_TEXT | WA_COL_LEFT },
		{ "category", "CATEGORY", WA_COL_TEXT | WA_COL_LEFT },
		{ "status", "STATUS", WA_COL_TEXT | WA_COL_LEFT },
		{ "body", "BODY", WA_COL_COUNT },
		/* As wide as the longest kind, "document" or "location". */
		{ "header", "HEADER  ", WA_COL_TEXT | WA_COL_LEFT },
		{ "buttons", "BUTTONS", WA_COL_TEXT | WA_COL_LEFT },
	};
	static const struct wa_tcols v = { cols, sizeof cols / sizeof *cols, NULL };
	json_t *list = json_object_get(c->doc, "templates"), *rows = json_array();
	char btn[128];
	size_t i;

	for (i = 0; i < c->n; i++) {
		buttonlist(json_array_get(list, i), btn, sizeof btn);
		json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,s:s}",
		    "name", c->t[i].name, "language", c->t[i].lang, "category",
		    c->t[i].category ? c->t[i].category : "", "status",
		    c->t[i].status, "body", (json_int_t)c->t[i].nbody, "header",
		    c->t[i].header, "buttons", btn));
	}
	wa_table_put(&v, rows);
	json_decref(rows);
}

/* JSON lines: the records without their components (show has them). */
static void
lines(const struct wa_tmpl_cache *c)
{
	json_t *r, *o;
	size_t i;

	json_array_foreach(json_object_get(c->doc, "templates"), i, r) {
		o = json_copy(r);
		json_object_del(o, "components");
		wa_json_put(stdout, o);
		json_decref(o);
	}
}

static int
show(const char *name)
{
	struct wa_tmpl_cache *c = load();
	json_t *r;
	size_t i;
	int found = 0;

	json_array_foreach(json_object_get(c->doc, "templates"), i, r)
		if (strcmp(c->t[i].name, name) == 0) {
			wa_json_put(stdout, r);
			found = 1;
		}
	wa_tmpl_free(c);
	if (!found)
		wa_warn("no template '%s' in the cache", name);
	return found ? WA_EXIT_OK : WA_EXIT_REC;
}

/* list, sync or show: the templates of WA_WABA_ID and their cache. */
int
main(int argc, char **argv)
{
	enum { OPT_LIMIT = 256 };
	static const struct option longs[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "table", no_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct wa_tmpl_cache *c;
	int ch, fmt = -1, status = WA_EXIT_OK;

	wa_init(&argc, &argv);
	while ((ch = getopt_long(argc, argv, "hjt", longs, NULL)) != -1) {
		switch (ch) {
		case 'h': usage(0); break;
		case 'j': fmt = 'j'; break;
		case OPT_LIMIT: limit = (long)wa_optnum("--limit", optarg, 1, 1000); break;
		case 't': fmt = 't'; break;
		case 'V': wa_version(); break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 1 && strcmp(argv[0], "list") == 0) {
		c = load();
		if (fmt == 't' || (fmt == -1 && isatty(1)))
			table(c);
		else
			lines(c);
		wa_tmpl_free(c);
	} else if (argc == 1 && strcmp(argv[0], "sync") == 0) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		dosync();
		curl_global_cleanup();
	} else if (argc == 2 && strcmp(argv[0], "show") == 0)
		status = show(argv[1]);
	else
		usage(WA_EXIT_USAGE);
	wa_fail(status);
	return wa_finish();
}
