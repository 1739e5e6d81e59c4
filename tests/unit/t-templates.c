/* Tests common/templates.c: API objects to cache records, and the checks wa-send makes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "send.h"
#include "tap.h"

/* Shaped like GET /<WABA_ID>/message_templates answers (OpenAPI spec v23.0). */
static const char *api =
    "["
    "{\"name\":\"winback_offer\",\"language\":\"en_US\",\"status\":\"APPROVED\","
    " \"category\":\"MARKETING\",\"id\":\"1\",\"components\":["
    "  {\"type\":\"BODY\",\"text\":\"Hi {{1}}, {{2}} off; {{1}}, really\"},"
    "  {\"type\":\"BUTTONS\",\"buttons\":[{\"type\":\"URL\",\"text\":\"Shop\","
    "   \"url\":\"https://s.example/{{1}}\"},{\"type\":\"QUICK_REPLY\",\"text\":\"Stop\"}]}]},"
    "{\"name\":\"winback_offer\",\"language\":\"pt_BR\",\"status\":\"PAUSED\","
    " \"category\":\"MARKETING\",\"components\":[{\"type\":\"BODY\",\"text\":\"Oi {{1}} {{2}}\"}]},"
    "{\"name\":\"order_update\",\"language\":\"en_US\",\"status\":\"APPROVED\","
    " \"category\":\"UTILITY\",\"components\":[{\"type\":\"HEADER\",\"format\":\"DOCUMENT\"},"
    "  {\"type\":\"BODY\",\"text\":\"Order {{order}} for {{name}}\"}]},"
    "{\"name\":\"sale\",\"language\":\"es\",\"status\":\"APPROVED\",\"components\":["
    "  {\"type\":\"HEADER\",\"format\":\"TEXT\",\"text\":\"Hola {{1}}\"},"
    "  {\"type\":\"BODY\",\"text\":\"Sin variables\"},"
    "  {\"type\":\"BUTTONS\",\"buttons\":[{\"type\":\"COPY_CODE\",\"example\":\"X\"}]}]},"
    "{\"name\":\"visit\",\"language\":\"en\",\"status\":\"APPROVED\",\"components\":["
    "  {\"type\":\"HEADER\",\"format\":\"LOCATION\"},{\"type\":\"BODY\",\"text\":\"Come\"}]},"
    "{\"language\":\"en\"}"
    "]";

static struct wa_tmpl_cache *
cache(void)
{
	json_t *list = json_loads(api, 0, NULL), *recs = json_array(), *t, *r, *doc;
	struct wa_tmpl_cache *c;
	char err[256];
	size_t i;

	json_array_foreach(list, i, t)
		if ((r = wa_tmpl_record(t)) != NULL)
			json_array_append_new(recs, r);
	doc = json_pack("{s:s,s:o}", "synced_at", "2025-06-01T10:00:00Z",
	    "templates", recs);
	c = wa_tmpl_read(doc, err, sizeof err);
	json_decref(doc);
	json_decref(list);
	return c;
}

/* wa_tmpl_check's message, or "ok". */
static const char *
chk(struct wa_tmpl_cache *c, const char *name, const char *lang, size_t nbody,
    int htype, size_t nbutton)
{
	static char err[256];

	if (wa_tmpl_check(c, name, lang, nbody, htype, nbutton, err, sizeof err) == 0)
		return "ok";
	return err;
}

int
main(void)
{
	struct wa_tmpl_cache *c = cache();
	char err[256], path[] = "/tmp/t-templates.XXXXXX";
	json_t *r;
	FILE *fp;
	int fd;

	ok(c != NULL, "records from API objects make a cache");
	isnum((long long)c->n, 5, "a template without a name is no record");
	isnum((long long)c->synced, 1748772000, "synced_at is read");
	r = json_array_get(json_object_get(c->doc, "templates"), 0);
	is(wa_json_str(r, "category"), "marketing", "category in lower case");
	isnum(json_integer_value(json_object_get(r, "body_params")), 2,
	    "{{1}} twice is one parameter");
	ok(json_is_true(json_object_get(json_array_get(json_object_get(r, "buttons"), 0),
	    "dynamic")), "a URL with {{1}} takes a parameter");
	ok(json_is_false(json_object_get(json_array_get(json_object_get(r, "buttons"), 1),
	    "dynamic")), "a quick reply takes none");
	ok(json_is_array(json_object_get(r, "components")), "the components are kept for show");
	isnum((long long)c->t[2].nbody, 2, "named parameters count too");
	is(c->t[2].header, "document", "header format in lower case");
	isnum((long long)c->t[3].nhead, 1, "a text header's parameter is counted");
	isnum((long long)c->t[3].ndynamic, 1, "a copy-code button takes a parameter");

	is(chk(c, "winback_offer", "en_US", 2, WA_GRAPH_HNONE, 1), "ok",
	    "a send that fits passes");
	is(chk(c, "winback_offer", "en-US", 2, WA_GRAPH_HNONE, 1), "ok",
	    "en-US is en_US, as graph.c sends it");
	is(chk(c, "winback", "en_US", 2, WA_GRAPH_HNONE, 1),
	    "no template 'winback' on the account", "unknown template");
	is(chk(c, "winback_offer", "es", 2, WA_GRAPH_HNONE, 1),
	    "template 'winback_offer' has no language 'es' (it has en_US, pt_BR)",
	    "missing language, with the ones there are");
	is(chk(c, "winback_offer", "pt_BR", 2, WA_GRAPH_HNONE, 0),
	    "template 'winback_offer' (pt_BR) is PAUSED, not APPROVED", "not approved");
	is(chk(c, "winback_offer", "en_US", 1, WA_GRAPH_HNONE, 1),
	    "template 'winback_offer' (en_US) takes 2 body parameters, 1 given",
	    "wrong body parameter count");
	is(chk(c, "winback_offer", "en_US", 2, WA_GRAPH_HIMAGE, 1),
	    "template 'winback_offer' (en_US) has no header, image given",
	    "a header the template does not have");
	is(chk(c, "order_update", "en_US", 2, WA_GRAPH_HIMAGE, 0),
	    "template 'order_update' (en_US) has document header, image given",
	    "header type mismatch");
	is(chk(c, "order_update", "en_US", 2, WA_GRAPH_HNONE, 0),
	    "template 'order_update' (en_US) has document header, none given",
	    "a media header left out");
	is(chk(c, "order_update", "en_US", 2, WA_GRAPH_HDOCUMENT, 0), "ok",
	    "the document header given");
	is(chk(c, "sale", "es", 0, WA_GRAPH_HNONE, 1),
	    "template 'sale' (es) has a text header with a parameter, none given",
	    "a text header's parameter left out");
	is(chk(c, "sale", "es", 0, WA_GRAPH_HTEXT, 1), "ok", "text header given");
	is(chk(c, "sale", "es", 0, WA_GRAPH_HTEXT, 0),
	    "template 'sale' (es) takes 1 button parameter, 0 given",
	    "button parameters counted");
	is(chk(c, "visit", "en", 0, WA_GRAPH_HNONE, 0),
	    "template 'visit' (en) has a location header, which cannot be sent from here",
	    "a location header cannot be filled");
	wa_tmpl_free(c);

	ok(wa_tmpl_load("/nonexistent/templates.json", err, sizeof err) == NULL &&
	    errno == ENOENT, "no cache: NULL and ENOENT");
	fd = mkstemp(path);
	fp = fdopen(fd, "w");
	fputs("{\"templates\":[{\"name\":\"x\"}]}", fp);
	fclose(fp);
	ok(wa_tmpl_load(path, err, sizeof err) == NULL && errno == EINVAL,
	    "a record without language: EINVAL");
	is(err, "template 1: no name, language, status, header or body_params",
	    "and says which");
	fp = fopen(path, "w");
	fputs("{\"templates\":[", fp);
	fclose(fp);
	ok(wa_tmpl_load(path, err, sizeof err) == NULL && errno == EINVAL,
	    "broken JSON: EINVAL");
	fp = fopen(path, "w");
	fputs("{\"templates\":[{\"name\":\"x\",\"language\":\"en\",\"status\":\"APPROVED\","
	    "\"header\":\"none\",\"body_params\":0}]}", fp);
	fclose(fp);
	c = wa_tmpl_load(path, err, sizeof err);
	ok(c != NULL && c->n == 1 && c->synced == 0, "a cache without synced_at loads");
	is(chk(c, "x", "en", 0, WA_GRAPH_HNONE, 0), "ok", "and checks");
	wa_tmpl_free(c);
	unlink(path);
	return done_testing();
}
