/*
 * Fuzz target: the record loop on a CSV file, with wa-import's header
 * mapping and the cells it reads. Every row read is delivered or
 * rejected, never lost; a row's fields and bytes are UTF-8 and its line
 * numbers only go forward.
 */
#include "fuzz.h"
#include "store.h"

struct run {
	struct wa_layout lay;
	int laydone;
	long nrec, lastline;
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	wa_init_name("fuzz-csv");
	return 0;
}

static void
onheader(const char *file, struct wa_csvhdr *h, void *ctx)
{
	struct run *run = ctx;
	size_t i;

	for (i = 0; i < h->n; i++)
		FUZZ_CHECK(h->name[i] != NULL);
	if (run->laydone)
		wa_layout_free(&run->lay);
	wa_layout_detect(&run->lay, h);
	run->laydone = 1;
}

/* The cells wa-import parses, parsed as it does. */
static void
cells(struct run *run, struct wa_rec *r)
{
	const char *cur = wa_layout_get(&run->lay, r, WA_O_CURRENCY);
	char e164[WA_PHONE_MAX];
	long long minor;
	time_t t;
	int c;

	for (c = 0; c < WA_NCOL; c++)
		FUZZ_CHECK(wa_layout_get(&run->lay, r, c) != NULL);
	wa_phone_norm(wa_layout_get(&run->lay, r, WA_C_PHONE),
	    wa_layout_get(&run->lay, r, WA_C_COUNTRY), e164);
	wa_mangled(wa_layout_get(&run->lay, r, WA_C_PHONE));
	wa_yesno(wa_layout_get(&run->lay, r, WA_C_OPTIN_WA));
	wa_time_parse(wa_layout_get(&run->lay, r, WA_C_CREATED), WA_DATES_ANY,
	    &t);
	wa_money_parse(wa_layout_get(&run->lay, r, WA_C_SPENT), cur, &minor);
	wa_money_parse(wa_layout_get(&run->lay, r, WA_O_TOTAL), cur, &minor);
}

static int
onrecord(struct wa_rec *r, void *ctx)
{
	struct run *run = ctx;
	size_t i;

	run->nrec++;
	FUZZ_CHECK(r->fmt == WA_FMT_CSV && r->hdr != NULL);
	FUZZ_CHECK(r->line >= 1 && r->line >= run->lastline);
	run->lastline = r->line;
	FUZZ_CHECK(wa_utf8_valid(r->raw, r->rawlen) == r->rawlen);
	for (i = 0; i < r->nf; i++) {
		const char *f = wa_csv_get(r, (int)i);

		FUZZ_CHECK(wa_utf8_valid(f, strlen(f)) == strlen(f));
	}
	if (run->laydone)
		cells(run, r);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[] = { (char *)fuzz_file("fuzz-csv", data, size) };
	struct wa_input *in = wa_input_new(WA_FMT_CSV);
	struct run run = { .laydone = 0 };

	wa_input_rejects(in, "/dev/null");
	wa_input_onheader(in, onheader);
	wa_input_run(in, 1, argv, onrecord, &run);
	FUZZ_CHECK(run.nrec + wa_input_nrejected(in) == wa_input_nread(in));
	if (run.laydone)
		wa_layout_free(&run.lay);
	wa_input_free(in);
	return 0;
}
