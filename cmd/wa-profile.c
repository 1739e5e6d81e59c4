/* wa-profile: the WhatsApp business profile, read and updated from a JSON file. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "wa.h"
#include "send.h"

#define FIELDS "about,address,description,email,profile_picture_url,websites,vertical"

static int dryrun;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wa-profile get\n"
	    "       wa-profile [-n] set FILE\n"
	    "       wa-profile check FILE\n");
	exit(status);
}

static void
profileurl(struct wa_buf *u)
{
	const char *pnid = getenv("WA_PHONE_NUMBER_ID");
	char err[WA_GRAPH_ERRSZ];

	if (pnid == NULL || *pnid == '\0')
		wa_die(WA_EXIT_USAGE, "set WA_PHONE_NUMBER_ID");
	if (wa_graph_url(u, getenv("WA_API_URL"), pnid, "whatsapp_business_profile",
	    err, sizeof err) < 0)
		wa_die(WA_EXIT_USAGE, "WA_API_URL/WA_PHONE_NUMBER_ID: %s", err);
}

/*
 * The profile now. The OpenAPI spec nests it in data[0].business_profile;
 * Meta's reference pages show data[0] itself: either is taken.
 */
static json_t *
fetch(struct wa_api *a)
{
	struct wa_buf u = { 0 };
	json_t *ans, *d, *p;
	char err[512];

	profileurl(&u);
	wa_buf_adds(&u, "?fields=" FIELDS);
	if ((ans = wa_api_call(a, wa_buf_str(&u), NULL, err, sizeof err)) == NULL)
		wa_die(WA_EXIT_FATAL, "whatsapp_business_profile: %s", err);
	wa_buf_free(&u);
	d = json_array_get(json_object_get(ans, "data"), 0);
	if (json_is_object(json_object_get(d, "business_profile")))
		d = json_object_get(d, "business_profile");
	if (!json_is_object(d))
		wa_die(WA_EXIT_FATAL, "whatsapp_business_profile: no profile in the answer");
	p = json_deep_copy(d);
	json_object_del(p, "messaging_product");
	json_decref(ans);
	return p;
}

/* The profile fields of FILE ("-": the standard input), checked; dies with status 2. */
static json_t *
readfile(const char *file)
{
	char err[512];
	json_error_t je;
	json_t *p;

	p = strcmp(file, "-") == 0 ? json_loadf(stdin, 0, &je) :
	    json_load_file(file, 0, &je);
	if (p == NULL)
		wa_die(WA_EXIT_USAGE, "%s:%d:%d: %s", file, je.line, je.column, je.text);
	if (wa_profile_check(p, err, sizeof err) < 0)
		wa_die(WA_EXIT_USAGE, "%s: %s", file, err);
	json_object_del(p, "messaging_product");
	return p;
}

/*
 * {"field":{"from":now,"to":new}} for the fields of NEW that differ from
 * CUR, and into POST the fields to send.
 */
static json_t *
diff(json_t *cur, json_t *new, json_t *post)
{
	json_t *d = json_object(), *from, *to;
	const char *const *f;

	for (f = wa_profile_fields; *f != NULL; f++) {
		if ((to = json_object_get(new, *f)) == NULL)
			continue;
		if ((from = json_object_get(cur, *f)) != NULL && json_equal(from, to))
			continue;
		json_object_set_new(d, *f, json_pack("{s:O,s:O}", "from",
		    from ? from : json_null(), "to", to));
		json_object_set(post, *f, to);
	}
	from = json_object_get(cur, "profile_picture_url");
	to = json_object_get(new, "profile_picture_url");
	if (to != NULL && !json_equal(from, to))
		wa_warn("profile_picture_url cannot be set from here "
		    "(upload the picture in WhatsApp Manager): left as it is");
	return d;
}

static void
set(const char *file)
{
	json_t *new = readfile(file), *cur, *post, *d, *ans;
	struct wa_api *a = wa_api_new();
	struct wa_buf u = { 0 };
	char err[512];

	cur = fetch(a);
	post = json_pack("{s:s}", "messaging_product", "whatsapp");
	d = diff(cur, new, post);
	if (json_object_size(d) > 0 && !dryrun) {
		profileurl(&u);
		if ((ans = wa_api_call(a, wa_buf_str(&u), post, err, sizeof err)) == NULL)
			wa_die(WA_EXIT_FATAL, "whatsapp_business_profile: %s", err);
		if (!json_is_true(json_object_get(ans, "success")))
			wa_die(WA_EXIT_FATAL, "whatsapp_business_profile: the update "
			    "was not confirmed (no \"success\":true)");
		json_decref(ans);
	}
	wa_json_put(stdout, d);
	wa_buf_free(&u);
	wa_api_free(a);
	json_decref(d);
	json_decref(post);
	json_decref(cur);
	json_decref(new);
}

/* get, set FILE or check FILE: the profile of WA_PHONE_NUMBER_ID. */
int
main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct wa_api *a;
	json_t *p;
	int ch;

	wa_init(&argc, &argv);
	while ((ch = getopt_long(argc, argv, "hn", longs, NULL)) != -1) {
		switch (ch) {
		case 'h': usage(0); break;
		case 'n': dryrun = 1; break;
		case 'V': wa_version(); break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (argc == 1 && strcmp(argv[0], "get") == 0) {
		a = wa_api_new();
		p = fetch(a);
		wa_json_put(stdout, p);
		json_decref(p);
		wa_api_free(a);
	} else if (argc == 2 && strcmp(argv[0], "set") == 0)
		set(argv[1]);
	else if (argc == 2 && strcmp(argv[0], "check") == 0) {
		p = readfile(argv[1]);
		wa_json_put(stdout, p);
		json_decref(p);
	} else
		usage(WA_EXIT_USAGE);
	curl_global_cleanup();
	return wa_finish();
}
