/*
 * input-int.h: the state of the record loop, shared by input.c (files, lines,
 * rejects), injson.c (the JSON records) and incsv.c (the CSV records).
 * Private to those three: programs include wa.h.
 */
#ifndef WA_INPUT_INT_H
#define WA_INPUT_INT_H

#include <time.h>

#include <csv.h>

struct wa_input {
	int fmt;
	FILE *rej;
	const char *rejhdrfile;	/* the file whose header the rejects file has */
	wa_hdr_fn *onhdr;
	wa_end_fn *onend;
	wa_rec_fn *fn;
	void *ctx;
	long nread, nrej;
	struct wa_hash *said;	/* FILE:LINE of records already rejected, or NULL */
	int stop;
	const char *const *fields;	/* JSON: only these are parsed */
	size_t nfields;
	json_t *picked;
	time_t since;		/* JSON: lines dated before this are passed over */
	int tty;		/* stderr is a terminal: show progress */
	unsigned tick;		/* lines since the clock was last looked at */
	double began, shown;	/* when the run began, when progress was last shown */
	double delay;		/* seconds before the first progress line */
	long long nbytes;	/* bytes read from every operand so far */
	long long total;	/* the operands' size, or 0 when a pipe makes it unknown */

	/* the current file */
	const char *file;
	int fd;
	struct gzFile_s *gz;	/* a .gz file (a rolled segment), read through */
	char *buf;
	size_t cap, start, end, scan;
	int eof;
	char eol;		/* '\n', or '\r' in an old Mac file */
	struct wa_buf replay;	/* lines to read again after a bad quote */
	size_t replayoff;
	long lineno;
	int cp1252;
	int sawutf8;		/* a valid non-ASCII character was read */
	struct wa_buf conv;

	/* the CSV state of the current file */
	struct csv_parser csv;
	int csvinit;
	struct wa_buf raw;	/* bytes of the record being parsed */
	long rawline;
	int rawbad;		/* a line of it was not UTF-8 */
	struct wa_buf fbuf;	/* field bytes, NUL-separated */
	size_t *foff;
	char **fptr;
	size_t nf, fcap;
	struct wa_csvhdr hdr;
	struct wa_buf hdrraw;
	unsigned char delim;
	int gothdr, skipfile;
	int saidfffd;		/* U+FFFD in this file was reported */
};

/* Fill the buffer so that it holds at least WANT bytes past start, or to EOF. */
int wa_in_fill(struct wa_input *in, size_t want);
int wa_in_nextline(struct wa_input *in, const char **p, size_t *n, int *islong);
void wa_in_reject(struct wa_input *in, long line, const char *raw, size_t n,
    int fmt, const char *fmtstr, ...) WA_PRINTF(6, 7);
/* The same at column COL of LINE. */
void wa_in_rejectat(struct wa_input *in, long line, int col, const char *raw,
    size_t n, int fmt, const char *fmtstr, ...) WA_PRINTF(7, 8);
void wa_in_deliver(struct wa_input *in, struct wa_rec *r);
size_t wa_in_badbyte(const char *p, size_t n);
void wa_in_jsonfile(struct wa_input *in);
void wa_in_csvfile(struct wa_input *in);

#endif
