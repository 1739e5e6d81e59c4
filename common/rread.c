/* rread.c: wa-report's files read into a report: logs with their rolled segments, files of records. */
#include <stdlib.h>
#include <unistd.h>

#include "wa.h"
#include "report.h"
#include "report-int.h"

#define NELEM(a) (sizeof (a) / sizeof *(a))

/* The bad lines each reader said: --compare reads the files again. */
static struct {
	wa_rfeed_fn *fn;
	struct wa_hash *h;
} said[8];

static struct wa_hash *
saidby(wa_rfeed_fn *fn)
{
	size_t i;

	for (i = 0; i < NELEM(said) - 1 && said[i].fn && said[i].fn != fn; i++)
		;
	if (said[i].fn == NULL) {
		said[i].fn = fn;
		said[i].h = wa_hash_new();
	}
	return said[i].h;
}

struct feed {
	struct wa_report *r;
	wa_rfeed_fn *fn;
	time_t cutoff;		/* records dated before it are not read; 0: none */
};

/* Is the record O dated ("at", an order's "created_at") before the cutoff? */
static int
tooold(json_t *o, time_t cutoff)
{
	time_t t;

	if (wa_rep_timeof(o, "at", &t) < 0 && wa_rep_timeof(o, "created_at", &t) < 0)
		return 0;
	return t < cutoff;
}

static int
onrecord(struct wa_rec *rec, void *ctx)
{
	struct feed *f = ctx;
	const char *why;

	if (f->cutoff && tooold(rec->json, f->cutoff))
		return 0;
	if (f->fn(f->r, rec->json, &why) < 0)
		wa_reject(rec, "%s", why);
	return 0;
}

/* The records of the files ARGV[0..N) into F, parsing only FIELDS. */
static void
run(int n, char **argv, const char *const *fields, size_t nf, struct feed *f)
{
	struct wa_input *in = wa_input_new(WA_FMT_JSON);

	wa_input_once(in, saidby(f->fn));
	wa_input_fields(in, fields, nf);
	wa_input_since(in, f->cutoff);
	if (n > 0)
		wa_input_run(in, n, argv, onrecord, f);
	wa_input_free(in);
}

void
wa_rread_file(struct wa_report *r, const char *path, int isdefault,
    const char *const *fields, size_t n, wa_rfeed_fn *fn)
{
	struct feed f = { r, fn, 0 };
	char *argv[1];

	if (isdefault && access(path, F_OK) < 0)
		return;
	argv[0] = (char *)path;
	run(1, argv, fields, n, &f);
}

void
wa_rread_log(struct wa_report *r, const char *path, int isdefault, time_t from,
    const char *const *fields, size_t n, wa_rfeed_fn *fn)
{
	struct wa_segs *sg = wa_segs_open(path, from, 0, 0);
	struct feed f = { r, fn, from };
	size_t i, nf;
	char **argv;

	if (sg == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", path);
	if (!isdefault && access(path, F_OK) < 0 && wa_segs_count(sg) == 0)
		wa_die(WA_EXIT_FATAL, "cannot open '%s':", path);
	nf = wa_segs_count(sg);
	argv = wa_calloc(nf + 1, sizeof *argv);
	for (i = 0; i < nf; i++)
		argv[i] = (char *)wa_segs_path(sg, i);
	run((int)nf, argv, fields, n, &f);
	free(argv);
	wa_segs_close(sg);
}

void
wa_rread_free(void)
{
	size_t i;

	for (i = 0; i < NELEM(said); i++)
		wa_hash_free(said[i].h);
}
