/*
 * Fuzz target: the record loop on a JSON-lines file, read twice: with
 * only some fields parsed (wa_json_pick, wa-segment's fast path) and
 * whole (jansson). Both take the same records, the fields picked are
 * those jansson reads, and a record that is a customer reads back the
 * same after wa_cust_json.
 */
#include "fuzz.h"
#include "store.h"

static const char *const fields[] = { "id", "phone", "tags", "orders",
    "spent", "created_at", "extra", "opt_in" };
#define NFIELDS (sizeof fields / sizeof fields[0])

struct seen {
	long line[64];
	json_t *rec[64];	/* the picked fields or the whole record */
	size_t n;
	long nread, nrej;
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	wa_init_name("fuzz-json");
	return 0;
}

static int
onrecord(struct wa_rec *r, void *ctx)
{
	struct seen *s = ctx;

	FUZZ_CHECK(r->fmt == WA_FMT_JSON && json_is_object(r->json));
	FUZZ_CHECK(wa_utf8_valid(r->raw, r->rawlen) == r->rawlen);
	if (s->n < 64) {
		s->line[s->n] = r->line;
		s->rec[s->n++] = json_deep_copy(r->json);
	}
	return 0;
}

static void
readall(const char *path, int pick, struct seen *s)
{
	struct wa_input *in = wa_input_new(WA_FMT_JSON);
	char *argv[] = { (char *)path };

	wa_input_rejects(in, "/dev/null");
	if (pick)
		wa_input_fields(in, fields, NFIELDS);
	wa_input_run(in, 1, argv, onrecord, s);
	s->nread = wa_input_nread(in);
	s->nrej = wa_input_nrejected(in);
	wa_input_free(in);
}

/* A customer record reads back the same once written out. */
static void
customer(json_t *rec)
{
	struct wa_cust c, back;
	const char *why;
	json_t *j, *j2;

	wa_cust_init(&c);
	if (wa_cust_fromjson(&c, rec, &why) < 0) {
		FUZZ_CHECK(why != NULL);
		wa_cust_clear(&c);
		return;
	}
	j = wa_cust_json(&c);
	wa_cust_init(&back);
	FUZZ_CHECK(wa_cust_fromjson(&back, j, &why) == 0);
	j2 = wa_cust_json(&back);
	FUZZ_CHECK(json_equal(j, j2));
	json_decref(j);
	json_decref(j2);
	wa_cust_clear(&c);
	wa_cust_clear(&back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("fuzz-json", data, size);
	struct seen picked = { .n = 0 }, whole = { .n = 0 };
	size_t i, k;

	readall(path, 1, &picked);
	readall(path, 0, &whole);
	FUZZ_CHECK(picked.nread == whole.nread && picked.nrej == whole.nrej);
	FUZZ_CHECK(picked.n == whole.n);
	for (i = 0; i < whole.n; i++) {
		FUZZ_CHECK(picked.line[i] == whole.line[i]);
		for (k = 0; k < NFIELDS; k++)
			FUZZ_CHECK(json_equal(json_object_get(picked.rec[i],
			    fields[k]), json_object_get(whole.rec[i], fields[k])) ||
			    (json_object_get(picked.rec[i], fields[k]) == NULL &&
			    json_object_get(whole.rec[i], fields[k]) == NULL));
		customer(whole.rec[i]);
		json_decref(picked.rec[i]);
		json_decref(whole.rec[i]);
	}
	return 0;
}
