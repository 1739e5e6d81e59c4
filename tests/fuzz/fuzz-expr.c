/*
 * Fuzz target: the expression language of wa-segment and wa-tag. The
 * first line is the expression, the rest a JSON record to test it on (a
 * customer record when it is not JSON). A refused expression says why and
 * points into it; an accepted one evaluates to 1, 0 or -1, the same twice
 * (its scratch space is reused), and names the fields it reads.
 */
#include "fuzz.h"
#include "store.h"

static const char customer[] = "{\"id\":\"1001\",\"first_name\":\"Ana\","
    "\"phone\":\"+447700900001\",\"email\":\"ana@example.com\","
    "\"opt_in\":true,\"orders\":3,\"spent\":412.5,\"tags\":[\"vip\",\"b\"],"
    "\"created_at\":\"2024-03-01T10:00:00Z\",\"last_order_at\":"
    "\"2025-11-02T09:00:00Z\",\"country\":\"GB\",\"tz\":\"Europe/London\","
    "\"extra\":{\"utm_source\":\"ig\"},\"note\":null}";
static json_t *fallback;
static FILE *devnull;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	json_error_t je;

	wa_init_name("fuzz-expr");
	fallback = json_loads(customer, 0, &je);
	devnull = fopen("/dev/null", "w");
	FUZZ_CHECK(fallback != NULL && devnull != NULL);
	return 0;
}

static void
refused(const char *src, const char *err, int col)
{
	FUZZ_CHECK(err[0] != '\0');
	FUZZ_CHECK(col >= 1 && (size_t)col <= strlen(src) + 1);
	wa_expr_caret(devnull, src, col);
}

static void
evaluate(struct wa_expr *e, json_t *rec)
{
	/* 2026-01-15T12:00:00Z: a fixed clock keeps a crash reproducible */
	const time_t now = 1768478400;
	const char *names[16];
	size_t i, n;
	int got;

	got = wa_expr_test(e, rec, now);
	FUZZ_CHECK(got == 1 || got == 0 || got == -1);
	FUZZ_CHECK(wa_expr_test(e, rec, now) == got);
	n = wa_expr_fields(e, names, 16);
	for (i = 0; i < n && i < 16; i++)
		FUZZ_CHECK(names[i] != NULL && names[i][0] != '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t len = nl ? (size_t)(nl - data) : size;
	char *src = fuzz_str(data, len), err[256] = "";
	struct wa_expr *e;
	json_error_t je;
	json_t *rec = NULL;
	int col = 0;

	if ((e = wa_expr_parse(src, err, sizeof err, &col)) == NULL) {
		refused(src, err, col);
		free(src);
		return 0;
	}
	if (nl)
		rec = json_loadb((const char *)nl + 1, size - len - 1,
		    JSON_DECODE_ANY, &je);
	evaluate(e, rec ? rec : fallback);
	evaluate(e, NULL);
	json_decref(rec);
	wa_expr_free(e);
	free(src);
	return 0;
}
