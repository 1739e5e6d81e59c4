/* incsv.c: the CSV half of the record loop: fields, header, salvage of a bad quote. */
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "wa.h"
#include "input-int.h"

static void
csvfield(void *s, size_t len, void *data)
{
	struct wa_input *in = data;

	/* The last record's fields stay readable until the next one starts. */
	if (in->nf == 0)
		in->fbuf.len = 0;
	if (in->nf == in->fcap) {
		in->fcap = in->fcap ? in->fcap * 2 : 64;
		in->foff = wa_realloc(in->foff, in->fcap * sizeof *in->foff);
		in->fptr = wa_realloc(in->fptr, in->fcap * sizeof *in->fptr);
	}
	in->foff[in->nf++] = in->fbuf.len;
	wa_buf_add(&in->fbuf, s ? s : "", s ? len : 0);
	wa_buf_addc(&in->fbuf, '\0');
}

static void
trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	s[n] = '\0';
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	memmove(s, s + i, n - i + 1);
}

static void
csvheader(struct wa_input *in, size_t nf)
{
	size_t i;

	in->hdr.n = nf;
	in->hdr.name = wa_calloc(nf, sizeof *in->hdr.name);
	for (i = 0; i < nf; i++) {
		in->hdr.name[i] = wa_strdup(in->fptr[i]);
		trim(in->hdr.name[i]);
	}
	wa_buf_reset(&in->hdrraw);
	wa_buf_add(&in->hdrraw, in->raw.s, in->raw.len);
	in->gothdr = 1;
	if (in->onhdr)
		in->onhdr(in->file, &in->hdr, in->ctx);
}

/* A row of empty cells is what a spreadsheet leaves below the data. */
static int
allempty(char **f, size_t nf)
{
	size_t i;

	for (i = 0; i < nf; i++)
		if (f[i][0] != '\0')
			return 0;
	return 1;
}

/* Does P[0..N) hold U+FFFD, the mark of characters lost to a wrong encoding? */
static int
hasfffd(const char *p, size_t n)
{
	const char *e = p + n, *q;

	for (; (q = memchr(p, 0xef, (size_t)(e - p))) != NULL; p = q + 1)
		if (e - q >= 3 && q[1] == '\xbf' && q[2] == '\xbd')
			return 1;
	return 0;
}

static void
csvrecord(int term, void *data)
{
	struct wa_input *in = data;
	struct wa_rec r = { .in = in, .file = in->file, .line = in->rawline,
	    .fmt = WA_FMT_CSV, .raw = in->raw.s, .rawlen = in->raw.len };
	size_t i, nf = in->nf;

	for (i = 0; i < in->nf; i++)
		in->fptr[i] = in->fbuf.s + in->foff[i];
	in->nf = 0;
	if (in->stop || in->skipfile || allempty(in->fptr, nf))
		return;
	if (!in->gothdr && in->rawbad) {
		wa_warnat(in->file, in->rawline, "header is not UTF-8; file skipped");
		wa_fail(WA_EXIT_REC);
		in->skipfile = 1;
		return;
	}
	if (in->gothdr)
		in->nread++;
	if (in->rawbad) {
		wa_in_reject(in, in->rawline, in->raw.s, in->raw.len, WA_FMT_CSV,
		    "invalid UTF-8 or NUL byte");
		return;
	}
	if (!in->gothdr) {
		csvheader(in, nf);
		return;
	}
	/* Trailing empty fields beyond the header are a spreadsheet's habit, not data. */
	while (nf > in->hdr.n && in->fptr[nf - 1][0] == '\0')
		nf--;
	if (nf != in->hdr.n) {
		wa_in_reject(in, in->rawline, in->raw.s, in->raw.len, WA_FMT_CSV,
		    "%zu fields where the header has %zu", nf, in->hdr.n);
		return;
	}
	if (!in->saidfffd && hasfffd(in->raw.s, in->raw.len)) {
		/* Lost before we read it; the rest of the row is still good. */
		wa_warnat(in->file, in->rawline, "text holds U+FFFD, characters "
		    "a wrong encoding lost before this export; kept as it is");
		in->saidfffd = 1;
	}
	r.f = in->fptr;
	r.nf = nf;
	r.hdr = &in->hdr;
	r.cp1252 = in->cp1252;
	wa_in_deliver(in, &r);
}

static void
csvreset(struct wa_input *in)
{
	if (in->csvinit)
		csv_free(&in->csv);
	csv_init(&in->csv, CSV_APPEND_NULL);
	csv_set_delim(&in->csv, in->delim);
	in->csvinit = 1;
	in->nf = 0;
	wa_buf_reset(&in->fbuf);
}

/* The delimiter of a header line: the most frequent of , ; and tab outside quotes. */
static unsigned char
delimiter(const char *p, size_t n)
{
	size_t i, c = 0, s = 0, t = 0;
	int q = 0;

	for (i = 0; i < n && (q || (p[i] != '\n' && p[i] != '\r')); i++) {
		if (p[i] == '"')
			q = !q;
		else if (!q && p[i] == ',')
			c++;
		else if (!q && p[i] == ';')
			s++;
		else if (!q && p[i] == '\t')
			t++;
	}
	if (s > c && s >= t)
		return ';';
	if (t > c && t > s)
		return '\t';
	return ',';
}

/*
 * An unclosed quote ran on: reject the line the record began on, and read
 * the lines after it again, so one stray quote costs one row, not the file.
 */
static void
salvage(struct wa_input *in)
{
	const char *nl = memchr(in->raw.s, in->eol, in->raw.len);
	size_t first = nl ? (size_t)(nl + 1 - in->raw.s) : in->raw.len;
	struct wa_buf rest = { 0 };

	if (!in->gothdr) {
		wa_warnat(in->file, in->rawline, "unclosed quote in the header; "
		    "file skipped");
		wa_fail(WA_EXIT_REC);
		in->skipfile = 1;
		return;
	}
	in->nread++;
	wa_in_reject(in, in->rawline, in->raw.s, first, WA_FMT_CSV,
	    "unclosed quote; the row is rejected and the next line read again");
	wa_buf_add(&rest, in->raw.s + first, in->raw.len - first);
	/* replay.s is null when nothing waits: no offset on a null pointer */
	if (in->replayoff < in->replay.len)
		wa_buf_add(&rest, in->replay.s + in->replayoff,
		    in->replay.len - in->replayoff);
	wa_buf_free(&in->replay);
	in->replay = rest;
	in->replayoff = 0;
	in->lineno = in->rawline;
	wa_buf_reset(&in->raw);
	in->rawbad = 0;
	csvreset(in);
}

static void
csvline(struct wa_input *in, const char *p, size_t n, int islong)
{
	if (in->raw.len == 0)
		in->rawline = in->lineno;
	if (islong) {
		in->nread++;
		if (!in->gothdr) {
			wa_warnat(in->file, in->lineno, "header longer than %d "
			    "bytes; file skipped", WA_MAXREC);
			wa_fail(WA_EXIT_REC);
			in->skipfile = 1;
			return;
		}
		wa_in_reject(in, in->rawline, in->raw.s, in->raw.len, WA_FMT_CSV,
		    "line longer than %d bytes", WA_MAXREC);
		wa_buf_reset(&in->raw);
		csvreset(in);
		return;
	}
	wa_buf_add(&in->raw, p, n);
	if (in->raw.len > WA_MAXREC) {
		salvage(in);
		return;
	}
	if (wa_in_badbyte(p, n) < n)
		in->rawbad = 1;
	if (csv_parse(&in->csv, p, n, csvfield, csvrecord, in) != n)
		wa_die(WA_EXIT_FATAL, "%s: csv: %s", in->file,
		    csv_strerror(csv_error(&in->csv)));
	/* A record ended on this line when the parser is back at a record start. */
	if (in->nf == 0 && in->csv.pstate == 0 && in->csv.entry_pos == 0) {
		wa_buf_reset(&in->raw);
		in->rawbad = 0;
	}
}

void
wa_in_csvfile(struct wa_input *in)
{
	const char *p;
	size_t n;
	int islong;

	in->delim = delimiter(in->buf + in->start, in->end - in->start);
	csvreset(in);
	in->gothdr = in->skipfile = in->saidfffd = 0;
	in->rejhdrfile = NULL;
	wa_buf_reset(&in->hdrraw);
	wa_buf_reset(&in->raw);
	in->rawbad = 0;
	for (;;) {
		while (!in->stop && !in->skipfile && wa_in_nextline(in, &p, &n, &islong))
			csvline(in, p, n, islong);
		if (in->stop || in->skipfile || in->raw.len == 0)
			break;
		if (in->csv.pstate != 2 || !in->csv.quoted) {
			csv_fini(&in->csv, csvfield, csvrecord, in);
			break;
		}
		/* The file ended inside quotes. */
		csv_fini(&in->csv, csvfield, NULL, in);
		salvage(in);
	}
	wa_csv_hdr_free(&in->hdr);
}
