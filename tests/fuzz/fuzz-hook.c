/*
 * Fuzz target: webhook bodies into events, as wa-hook takes them. A first
 * line "orders/..." or "checkouts/..." makes the rest a Shopify body of
 * that topic; anything else is a Cloud API body, read item by item when
 * jansson refuses it whole. Every event is a JSON
 * object with an "event" string, dumps on one line that reads back the
 * same, and has the same dedupe key when wa_spool_open reads that line
 * back with wa_json_pick as when it was stored.
 */
#include "fuzz.h"
#include "hook.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	wa_init_name("fuzz-hook");
	return 0;
}

static void
check(json_t *ev, void *arg)
{
	static const char *const keys[] = { "event", "wamid", "hook_id",
	    "status", "group", "to", "user_id" };
	struct wa_buf k1 = { 0 }, k2 = { 0 };
	json_t *back, *picked = json_object();
	json_error_t je;
	size_t n, errat;
	char *line, *again = NULL;

	FUZZ_CHECK(json_is_object(ev) && json_is_string(json_object_get(ev,
	    "event")));
	FUZZ_CHECK((line = wa_json_line(ev)) != NULL);
	n = strlen(line);
	FUZZ_CHECK(memchr(line, '\n', n) == NULL);
	FUZZ_CHECK((back = json_loadb(line, n, 0, &je)) != NULL);
	/*
	 * The spool writes reals to 15 digits, so a longitude of 84 digits
	 * comes back another double: the line, not the value, must be a fixed
	 * point, since the dedupe key of an event without an id hashes it.
	 */
	FUZZ_CHECK((again = wa_json_line(back)) != NULL && strcmp(again, line) == 0);
	wa_hook_key(ev, line, n, &k1);
	FUZZ_CHECK(k1.len > 0);
	FUZZ_CHECK(wa_json_pick(line, n, keys, sizeof keys / sizeof *keys,
	    picked, &errat) == 0);
	wa_hook_key(picked, line, n, &k2);
	FUZZ_CHECK(k1.len == k2.len && memcmp(k1.s, k2.s, k1.len) == 0);
	if (arg)
		++*(int *)arg;
	wa_buf_free(&k1);
	wa_buf_free(&k2);
	json_decref(picked);
	json_decref(back);
	free(line);
	free(again);
	json_decref(ev);
}

static void
shopify(const char *topic, json_t *body)
{
	char err[256] = "";
	json_t *ev;

	if ((ev = wa_hook_shopify(topic, body, err, sizeof err)) == NULL) {
		FUZZ_CHECK(err[0] != '\0');
		return;
	}
	/* wa-hook keys a Shopify event by its X-Shopify-Webhook-Id */
	wa_json_setstr(ev, "hook_id", "b1f0c5e2-0000-4000-8000-000000000000");
	check(ev, NULL);
}

static void
meta(json_t *body)
{
	char err[256] = "";
	int n = 0, rc;

	rc = wa_hook_meta(body, check, &n, err, sizeof err);
	if (rc < 0)
		FUZZ_CHECK(err[0] != '\0');
	else
		FUZZ_CHECK(rc == n);
}

/* A body jansson refuses: what wa-hook reads of it item by item. */
static void
raw(const char *p, size_t size)
{
	char err[256] = "";
	int n = 0, rc;

	rc = wa_hook_meta_raw(p, size, check, &n, err, sizeof err);
	if (rc < 0)
		FUZZ_CHECK(err[0] != '\0');
	else
		FUZZ_CHECK(rc == n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	const char *nl = memchr(p, '\n', size < 64 ? size : 64);
	char *topic = NULL;
	json_error_t je;
	json_t *body;

	if (nl && (strncmp(p, "orders/", 7) == 0 ||
	    strncmp(p, "checkouts/", 10) == 0)) {
		topic = fuzz_str(data, (size_t)(nl - p));
		size -= (size_t)(nl + 1 - p);
		p = nl + 1;
	}
	if ((body = json_loadb(p, size, 0, &je)) != NULL) {
		if (topic)
			shopify(topic, body);
		else
			meta(body);
	} else if (topic == NULL) {
		raw(p, size);
	}
	json_decref(body);
	free(topic);
	return 0;
}
