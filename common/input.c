/* input.c: the record loop over files and stdin, JSON lines or CSV, with rejects. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "wa.h"
#include "input-int.h"

struct wa_input *
wa_input_new(int fmt)
{
	struct wa_input *in = wa_calloc(1, sizeof *in);

	in->fmt = fmt;
	return in;
}

void
wa_input_once(struct wa_input *in, struct wa_hash *said)
{
	in->said = said;
}

void
wa_input_rejects(struct wa_input *in, const char *path)
{
	/* the records rejected hold names and numbers: for our eyes only */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || (in->rej = fdopen(fd, "w")) == NULL)
		wa_die(WA_EXIT_FATAL, "cannot open rejects file '%s':", path);
}

void
wa_input_fields(struct wa_input *in, const char *const *fields, size_t n)
{
	in->fields = fields;
	in->nfields = n;
	if (in->picked == NULL)
		in->picked = json_object();
}

void
wa_input_since(struct wa_input *in, time_t since)
{
	in->since = since;
}

void
wa_input_onheader(struct wa_input *in, wa_hdr_fn *fn)
{
	in->onhdr = fn;
}

void
wa_input_onend(struct wa_input *in, wa_end_fn *fn)
{
	in->onend = fn;
}

long
wa_input_nread(struct wa_input *in)
{
	return in->nread;
}

long
wa_input_nrejected(struct wa_input *in)
{
	return in->nrej;
}

/* Fill the buffer so that it holds at least WANT bytes past start, or to EOF. */
/* Read a .gz file through; one cut short is a read error, not its end. */
static ssize_t
gzfill(struct wa_input *in)
{
	int n = gzread(in->gz, in->buf + in->end, (unsigned)(in->cap - in->end)), err;

	if (n < 0 || (n == 0 && (gzerror(in->gz, &err), err != Z_OK))) {
		errno = EIO;
		return -1;
	}
	return n;
}

int
wa_in_fill(struct wa_input *in, size_t want)
{
	ssize_t n;

	if (in->start > 0 && in->start == in->end)
		in->start = in->end = in->scan = 0;
	while (!in->eof && in->end - in->start < want) {
		if (in->start > 0 && in->end == in->cap) {
			memmove(in->buf, in->buf + in->start, in->end - in->start);
			in->end -= in->start;
			in->scan -= in->start;
			in->start = 0;
		}
		if (in->end == in->cap) {
			in->cap = in->cap ? in->cap * 2 : 256 * 1024;
			in->buf = wa_realloc(in->buf, in->cap);
		}
		n = in->gz ? gzfill(in) : read(in->fd, in->buf + in->end, in->cap - in->end);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			wa_warn("%s: read error:", in->file);
			wa_fail(WA_EXIT_FATAL);
			in->eof = 1;
			return -1;
		}
		if (n == 0)
			in->eof = 1;
		in->end += (size_t)n;
		in->nbytes += n;
	}
	return 0;
}

/*
 * Until a file shows UTF-8, a line that is not UTF-8 but reads as
 * Windows-1252 turns the rest of the file over to Windows-1252: a
 * spreadsheet's re-save may only show it after many ASCII rows.
 */
/* Does P hold a valid UTF-8 character outside ASCII? */
static int
hasutf8(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] >= 0xc2 &&
		    wa_utf8_valid(p + i, n - i < 4 ? n - i : 4) >= 2)
			return 1;
	return 0;
}

static void
encoding(struct wa_input *in, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && (unsigned char)p[i] < 0x80; i++)
		;
	if (i == n)
		return;
	if (wa_utf8_valid(p, n) == n)
		in->sawutf8 = 1;
	else if (wa_cp1252_likely(p, n)) {
		wa_warnat(in->file, in->lineno, "not UTF-8: read as Windows-1252 "
		    "from here on");
		in->cp1252 = 1;
	}
}

/*
 * A line on a terminal for long runs: rows, the share of the operands'
 * bytes read (when they are files), rows a second and the time left.
 */
static void
progress(struct wa_input *in)
{
	char line[160], rows[WA_COUNTBUF], rate[WA_COUNTBUF];
	double now = wa_mono(), el = now - in->began, left;
	int n;

	if (el < in->delay || (in->shown > 0 && now - in->shown < 0.25))
		return;
	in->shown = now;
	n = snprintf(line, sizeof line, "%s: %s rows", wa_prog,
	    wa_fmtcount(in->nread, rows));
	if (in->total > 0 && in->nbytes > 0) {
		left = el * (double)(in->total - in->nbytes) / (double)in->nbytes;
		n += snprintf(line + n, sizeof line - (size_t)n, ", %d%%",
		    (int)(100 * in->nbytes / in->total));
		if (left >= 1 && el >= 1)
			n += snprintf(line + n, sizeof line - (size_t)n,
			    ", %d:%02d left", (int)left / 60, (int)left % 60);
	}
	if (el >= 1)
		snprintf(line + n, sizeof line - (size_t)n, ", %s rows/s",
		    wa_fmtcount((long long)(in->nread / el), rate));
	wa_progress_line(line);
}

/*
 * The next physical line with its newline, in *P and *N. A line longer than
 * WA_MAXREC is consumed whole but only its head is returned, and *LONG is set.
 * Returns 0 at the end of the file.
 */
int
wa_in_nextline(struct wa_input *in, const char **p, size_t *n, int *islong)
{
	char *nl;
	size_t skipped = 0;

	*islong = 0;
	/* The clock is read once in 64 lines: a line is read in about a microsecond. */
	if (in->tty && (in->tick++ & 63) == 0)
		progress(in);
	if (in->replayoff < in->replay.len) {
		/* Already read and converted once: serve it as it is. */
		*p = in->replay.s + in->replayoff;
		nl = memchr(*p, in->eol, in->replay.len - in->replayoff);
		*n = nl ? (size_t)(nl + 1 - *p) : in->replay.len - in->replayoff;
		in->replayoff += *n;
		in->lineno++;
		return 1;
	}
	for (;;) {
		nl = memchr(in->buf + in->scan, in->eol, in->end - in->scan);
		if (nl != NULL) {
			*p = in->buf + in->start;
			*n = (size_t)(nl + 1 - *p);
			in->start = in->scan = (size_t)(nl + 1 - in->buf);
			break;
		}
		if (in->eof) {
			if (in->start == in->end && skipped == 0)
				return 0;
			*p = in->buf + in->start;
			*n = in->end - in->start;
			in->start = in->scan = in->end;
			break;
		}
		if (in->end - in->start > WA_MAXREC) {
			/* Keep a head for the message; drop the rest of the line. */
			*islong = 1;
			skipped += in->end - in->start - 64;
			in->end = in->scan = in->start + 64;
		}
		in->scan = in->end;
		if (wa_in_fill(in, in->end - in->start + 1) < 0 && in->start == in->end)
			return 0;
	}
	in->lineno++;
	if (skipped || *n > WA_MAXREC)
		*islong = 1;
	if (!in->cp1252 && !in->sawutf8)
		encoding(in, *p, *n);
	if (in->cp1252) {
		wa_buf_reset(&in->conv);
		wa_cp1252_to_utf8(&in->conv, *p, *n);
		*p = in->conv.s;
		*n = in->conv.len;
	}
	return 1;
}

static void
writereject(struct wa_input *in, const char *raw, size_t n, int fmt)
{
	/* An over-long record was not kept: its message says where it was. */
	if (in->rej == NULL || n == 0)
		return;
	/* A CSV rejects file starts with its header, so it can be fixed and re-read. */
	if (fmt == WA_FMT_CSV && in->rejhdrfile != in->file && in->hdrraw.len) {
		fwrite(in->hdrraw.s, 1, in->hdrraw.len, in->rej);
		in->rejhdrfile = in->file;
	}
	fwrite(raw, 1, n, in->rej);
	if (raw[n - 1] != '\n' && raw[n - 1] != '\r')
		fputc('\n', in->rej);
}

/* Was the record at FILE:LINE rejected by an earlier loop of the set? It is now. */
static int
saidbefore(struct wa_hash *said, const char *file, long line)
{
	char num[24], *k;
	int was;

	snprintf(num, sizeof num, "%ld", line);
	k = wa_strjoin(file, ":", num);
	if ((was = wa_hash_get(said, k) != NULL) == 0)
		wa_hash_put(said, k, (void *)1);
	free(k);
	return was;
}

static void
vreject(struct wa_input *in, const char *file, long line, int col,
    const char *raw, size_t n, int fmt, const char *fmtstr, va_list ap)
{
	char msg[512];

	in->nrej++;
	wa_fail(WA_EXIT_REC);
	if (in->said && saidbefore(in->said, file, line))
		return;
	vsnprintf(msg, sizeof msg, fmtstr, ap);
	wa_warnpos(file, line, col, "%s", msg);
	writereject(in, raw, n, fmt);
}

void
wa_in_reject(struct wa_input *in, long line, const char *raw, size_t n, int fmt,
    const char *fmtstr, ...)
{
	va_list ap;

	va_start(ap, fmtstr);
	vreject(in, in->file, line, 0, raw, n, fmt, fmtstr, ap);
	va_end(ap);
}

void
wa_in_rejectat(struct wa_input *in, long line, int col, const char *raw,
    size_t n, int fmt, const char *fmtstr, ...)
{
	va_list ap;

	va_start(ap, fmtstr);
	vreject(in, in->file, line, col, raw, n, fmt, fmtstr, ap);
	va_end(ap);
}

void
wa_reject(struct wa_rec *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreject(r->in, r->file, r->line, 0, r->raw, r->rawlen, r->fmt, fmt, ap);
	va_end(ap);
}

void
wa_recwarn(struct wa_rec *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	wa_warnat(r->file, r->line, "%s", msg);
}

void
wa_in_deliver(struct wa_input *in, struct wa_rec *r)
{
	if (in->fn(r, in->ctx))
		in->stop = 1;
}

/* Offset of the first byte that is not UTF-8, or a NUL, or N when there is none. */
size_t
wa_in_badbyte(const char *p, size_t n)
{
	size_t ok = wa_utf8_valid(p, n);
	const char *nul = memchr(p, '\0', ok);

	return nul ? (size_t)(nul - p) : ok;
}

/* Decide the file's encoding and format from its first bytes. */
static int
sniff(struct wa_input *in)
{
	const char *p;
	size_t n, i = 0;
	int fmt;

	/* Read no more than a pipe has ready: a slow producer must not stall us. */
	do {
		wa_in_fill(in, in->end - in->start + 1);
		p = in->buf + in->start;
		n = in->end - in->start;
		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
		    p[i] == '\n'))
			i++;
	} while (i == n && !in->eof);
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		in->start += 3;
		in->scan = in->start;
		p += 3;
		n -= 3;
	}
	fmt = in->fmt;
	for (i = 0; fmt == WA_FMT_AUTO; i++)
		if (i == n || (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' &&
		    p[i] != '\n'))
			fmt = i < n && (p[i] == '{' || p[i] == '[') ?
			    WA_FMT_JSON : WA_FMT_CSV;
	in->eol = '\n';
	/* JSON is UTF-8 by definition, and a CR in it is only white space. */
	in->cp1252 = 0;
	in->sawutf8 = 1;
	if (fmt == WA_FMT_JSON)
		return fmt;
	in->cp1252 = wa_cp1252_likely(p, n);
	in->sawutf8 = hasutf8(p, n);
	for (i = 0; i < n; i++)
		if (p[i] == '\n' || p[i] == '\r') {
			/* A CR with no LF after it: an old Mac file. */
			if (p[i] == '\r' && i + 1 < n && p[i + 1] != '\n')
				in->eol = '\r';
			break;
		}
	return fmt;
}

static void
onefile(struct wa_input *in, const char *file)
{
	long before = in->nread;

	in->file = file;
	in->skipfile = 0;
	in->lineno = 0;
	in->start = in->end = in->scan = 0;
	in->eof = in->sawutf8 = 0;
	wa_buf_reset(&in->replay);
	in->replayoff = 0;
	if (strcmp(file, "-") == 0)
		in->fd = 0;
	else if ((in->fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		wa_die(WA_EXIT_FATAL, "cannot open '%s':", file);
	if (strlen(file) > 3 && strcmp(file + strlen(file) - 3, ".gz") == 0 &&
	    (in->gz = gzdopen(in->fd, "rb")) == NULL)
		wa_die(WA_EXIT_FATAL, "cannot open '%s':", file);
	if (sniff(in) == WA_FMT_JSON)
		wa_in_jsonfile(in);
	else
		wa_in_csvfile(in);
	if (in->gz)
		gzclose(in->gz);
	else if (in->fd != 0)
		close(in->fd);
	in->gz = NULL;
	if (in->onend && !in->skipfile && !in->stop)
		in->onend(file, in->nread - before, in->ctx);
}

/* The operands' size in bytes, or 0 when one is not a regular file. */
static long long
totalsize(int argc, char **argv)
{
	struct stat st;
	long long t = 0;
	int i, r;

	for (i = 0; i < argc; i++) {
		r = strcmp(argv[i], "-") == 0 ? fstat(0, &st) : stat(argv[i], &st);
		if (r < 0 || !S_ISREG(st.st_mode))
			return 0;
		t += st.st_size;
	}
	return t;
}

/*
 * Progress shows when stderr is a terminal and stdout is not: records
 * written to the same screen would cut through the line. It waits a second
 * (WA_PROGRESS_DELAY, as git's GIT_PROGRESS_DELAY) so that a short run
 * draws nothing.
 */
static void
progress_start(struct wa_input *in, int argc, char **argv)
{
	const char *d = getenv("WA_PROGRESS_DELAY");
	char *end;
	double v;

	in->tty = isatty(2) && !isatty(1);
	if (!in->tty)
		return;
	in->delay = 1;
	if (d && *d && (v = strtod(d, &end)) >= 0 && *end == '\0')
		in->delay = v;
	in->began = wa_mono();
	in->total = totalsize(argc, argv);
}

void
wa_input_run(struct wa_input *in, int argc, char **argv, wa_rec_fn *fn,
    void *ctx)
{
	static char *dash[] = { "-" };
	int i;

	in->fn = fn;
	in->ctx = ctx;
	if (argc == 0) {
		argc = 1;
		argv = dash;
	}
	progress_start(in, argc, argv);
	for (i = 0; i < argc && !in->stop; i++)
		onefile(in, argv[i]);
	wa_progress_line(NULL);
}

static int
writeall(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * A pipe cannot be read twice: what is not read yet goes to an unlinked
 * temporary file as it is scanned, and the loop goes on from that file,
 * so no more than a chunk is ever held.
 */
static int
spool(struct wa_input *in, char *chunk, size_t size,
    void (*fn)(const char *, size_t, void *), void *ctx)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	ssize_t n = 0;
	int fd;

	if (in->replayoff < in->replay.len)
		fn(in->replay.s + in->replayoff, in->replay.len - in->replayoff, ctx);
	fn(in->buf + in->start, in->end - in->start, ctx);
	if (in->eof)
		return 0;
	path = wa_strjoin(dir && *dir ? dir : "/tmp", "/", "wa-spool.XXXXXX");
	if ((fd = mkstemp(path)) >= 0)
		unlink(path);
	free(path);
	if (fd < 0) {
		wa_warn("%s: cannot spool the input to a temporary file:", in->file);
		return -1;
	}
	while ((n = read(in->fd, chunk, size)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || writeall(fd, chunk, (size_t)n) < 0)
			break;
		fn(chunk, (size_t)n, ctx);
	}
	if (n != 0 || lseek(fd, 0, SEEK_SET) != 0) {
		wa_warn("%s: cannot spool the input:", in->file);
		close(fd);
		return -1;
	}
	if (in->fd != 0)
		close(in->fd);
	in->fd = fd;
	return 0;
}

void
wa_input_mem(struct wa_input *in, const char *name, const char *p, size_t n,
    wa_rec_fn *fn, void *ctx)
{
	in->fn = fn;
	in->ctx = ctx;
	in->file = name;
	in->lineno = 0;
	wa_buf_reset(&in->replay);
	in->replayoff = 0;
	if (in->cap < n + 1) {
		in->cap = n + 1;
		in->buf = wa_realloc(in->buf, in->cap);
	}
	if (n > 0)
		memcpy(in->buf, p, n);
	in->start = in->scan = 0;
	in->end = n;
	in->eof = 1;
	in->fd = -1;
	in->eol = '\n';
	in->cp1252 = 0;
	in->sawutf8 = 1;
	wa_in_jsonfile(in);
}

int
wa_input_scan(struct wa_rec *r, void (*fn)(const char *, size_t, void *),
    void *ctx)
{
	static char chunk[1 << 20];
	off_t off = 0;
	ssize_t n;

	while ((n = pread(r->in->fd, chunk, sizeof chunk, off)) > 0) {
		fn(chunk, (size_t)n, ctx);
		off += n;
	}
	if (n < 0 && errno == ESPIPE)
		return spool(r->in, chunk, sizeof chunk, fn, ctx);
	return n < 0 ? -1 : 0;
}

int
wa_input_stdin(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "-") == 0)
			return 1;
	return argc == 0;
}

void
wa_input_free(struct wa_input *in)
{
	if (in == NULL)
		return;
	if (in->rej && fclose(in->rej) != 0)
		wa_die(WA_EXIT_FATAL, "cannot write rejects file:");
	if (in->csvinit)
		csv_free(&in->csv);
	free(in->buf);
	free(in->foff);
	free(in->fptr);
	wa_buf_free(&in->conv);
	wa_buf_free(&in->raw);
	wa_buf_free(&in->fbuf);
	wa_buf_free(&in->hdrraw);
	wa_buf_free(&in->replay);
	json_decref(in->picked);
	free(in);
}

json_t *
wa_rec_obj(struct wa_rec *r)
{
	json_t *o;
	size_t i;

	if (r->fmt != WA_FMT_CSV)
		return json_incref(r->json);
	o = json_object();
	for (i = 0; i < r->nf && i < r->hdr->n; i++)
		json_object_set_new(o, r->hdr->name[i],
		    json_string(wa_csv_unguard(r->f[i])));
	return o;
}

void
wa_rec_end(json_t *obj)
{
	json_decref(obj);
	if (ferror(stdout))
		wa_die(WA_EXIT_FATAL, "error writing output:");
}
