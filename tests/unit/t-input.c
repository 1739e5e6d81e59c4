/* Unit tests for common/input.c and common/csv.c: the record loop on real files. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "tap.h"

static char dir[] = "/tmp/t-input.XXXXXX";
static struct wa_buf log_;

/* Log each record as "line|field|field..." (CSV) or "line|json" (JSON). */
static int
logrec(struct wa_rec *r, void *ctx)
{
	char tmp[64];
	char *d;
	size_t i;

	snprintf(tmp, sizeof tmp, "%ld", r->line);
	wa_buf_adds(&log_, tmp);
	if (r->fmt == WA_FMT_JSON) {
		d = json_dumps(r->json, JSON_COMPACT);
		wa_buf_addc(&log_, '|');
		wa_buf_adds(&log_, d);
		free(d);
	}
	for (i = 0; i < r->nf; i++) {
		wa_buf_addc(&log_, '|');
		wa_buf_adds(&log_, wa_csv_get(r, (int)i));
	}
	wa_buf_addc(&log_, '\n');
	return 0;
}

static struct wa_csvhdr lasthdr;

static void
onhdr(const char *file, struct wa_csvhdr *h, void *ctx)
{
	size_t i;

	wa_buf_adds(&log_, "H");
	for (i = 0; i < h->n; i++) {
		wa_buf_addc(&log_, '|');
		wa_buf_adds(&log_, h->name[i]);
	}
	wa_buf_addc(&log_, '\n');
	lasthdr = *h;
}

static char *
put(const char *name, const char *data, size_t n)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "w");
	fwrite(data, 1, n, fp);
	fclose(fp);
	return path;
}

static char *
slurp(const char *name)
{
	static char buf[4096];
	char path[256];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* Run the loop over DATA written to a file; return the log. */
static const char *
run(const char *data, size_t n, int fmt, long *nread, long *nrej)
{
	struct wa_input *in = wa_input_new(fmt);
	char *path = put("in", data, n), rej[256];

	snprintf(rej, sizeof rej, "%s/rej", dir);
	wa_input_rejects(in, rej);
	wa_input_onheader(in, onhdr);
	wa_buf_reset(&log_);
	wa_input_run(in, 1, &path, logrec, NULL);
	if (nread)
		*nread = wa_input_nread(in);
	if (nrej)
		*nrej = wa_input_nrejected(in);
	wa_input_free(in);
	return wa_buf_str(&log_);
}

#define RUN(s, nr, nj) run((s), sizeof(s) - 1, WA_FMT_AUTO, (nr), (nj))

int
main(void)
{
	long nr, nj;
	char *big;
	size_t i;

	wa_init_name("t-input");
	if (mkdtemp(dir) == NULL)
		return 1;
	freopen("/dev/null", "w", stderr);

	is(RUN("a,b\n1,2\n3,4\n", &nr, &nj), "H|a|b\n2|1|2\n3|3|4\n",
	    "plain CSV with a header");
	isnum(nr, 2, "two records read");
	is(RUN("\xef\xbb\xbf" "Name,Tags\r\n#1,\"x, y\"\r\n", NULL, NULL),
	    "H|Name|Tags\n2|#1|x, y\n", "BOM and CRLF are stripped");
	is(RUN("a,b\n\"multi\nline\",2\n3,\"say \"\"hi\"\"\"\n", NULL, NULL),
	    "H|a|b\n2|multi\nline|2\n4|3|say \"hi\"\n",
	    "a quoted newline keeps the record's first line");
	is(RUN("a,b\n'0314,  Brett \n", NULL, NULL), "H|a|b\n2|0314|Brett\n",
	    "one Shopify apostrophe and spaces are trimmed");
	is(RUN("a,b\n1,2", NULL, NULL), "H|a|b\n2|1|2\n",
	    "no final newline");
	is(RUN("a,b\n1,2\n\n\n", &nr, NULL), "H|a|b\n2|1|2\n",
	    "blank trailing lines are no records");
	isnum(nr, 1, "blank lines are not counted");
	is(RUN("a;b\n1;\"x;y\"\n", NULL, NULL), "H|a|b\n2|1|x;y\n",
	    "semicolon delimiter found from the header");
	is(RUN("a,b\n1,2,,\n", NULL, NULL), "H|a|b\n2|1|2\n",
	    "trailing empty fields are dropped");

	is(RUN("a,b\n1,2\n1,2,3\n4\n5,6\n", &nr, &nj), "H|a|b\n2|1|2\n5|5|6\n",
	    "rows with the wrong field count are rejected");
	isnum(nr, 4, "rejected rows count as read");
	isnum(nj, 2, "two rejected");
	is(slurp("rej"), "a,b\n1,2,3\n4\n",
	    "the rejects file starts with the header, then the rows verbatim");

	is(RUN("a,b\n1,\xff\xfe\n2,\xc3\xa9\n", &nr, &nj), "H|a|b\n3|2|\xc3\xa9\n",
	    "invalid UTF-8 in an otherwise UTF-8 file is rejected");
	isnum(nj, 1, "one invalid UTF-8 row rejected");
	is(RUN("name,city\nJos\xe9,M\xfcnster\n", &nr, &nj),
	    "H|name|city\n2|Jos\xc3\xa9|M\xc3\xbcnster\n",
	    "a whole Windows-1252 file is converted");
	{
		/* Windows-1252 that shows only after the first read's worth of ASCII */
		struct wa_buf b = { 0 };
		int k;

		wa_buf_adds(&b, "name,city\n");
		for (k = 0; k < 40000; k++)
			wa_buf_adds(&b, "Ann,Oslo\n");
		wa_buf_adds(&b, "Ren\xe9\x65,M\xfcnchen\n");
		run(b.s, b.len, WA_FMT_AUTO, &nr, &nj);
		isnum(nj, 0, "late Windows-1252 is converted, not rejected");
		ok(strstr(wa_buf_str(&log_), "40002|Ren\xc3\xa9" "e|M\xc3\xbcnchen") != NULL,
		    "and reads right");
		wa_buf_free(&b);
	}
	is(RUN("a,b\n1,\"open\n2,3\n", &nr, &nj), "H|a|b\n3|2|3\n",
	    "an unclosed quote at the end costs its own row only");
	isnum(nj, 1, "the unclosed row is one reject");
	is(slurp("rej"), "a,b\n1,\"open\n", "the unclosed row is kept verbatim");
	is(RUN("a,b\r1,2\r3,\"x\r4,5\r", &nr, &nj), "H|a|b\n2|1|2\n4|4|5\n",
	    "old Mac CR line ends, lines counted");
	isnum(nj, 1, "the unclosed row in a CR file is one reject");
	is(RUN("a;b\n1;2\n,\n;\n3;4\n", &nr, NULL), "H|a|b\n2|1|2\n5|3|4\n",
	    "rows of empty cells are no rows");
	big = wa_malloc(WA_MAXREC + 100);
	memcpy(big, "a,b\n1,", 6);
	for (i = 6; i < WA_MAXREC + 50; i++)
		big[i] = 'x';
	memcpy(big + i, "\n2,3\n", 5);
	is(run(big, i + 5, WA_FMT_AUTO, &nr, &nj), "H|a|b\n3|2|3\n",
	    "an over-long CSV record is rejected and the next one read");
	isnum(nj, 1, "one over-long record");
	/* An unclosed quote followed by many rows: only its own row is lost. */
	{
		struct wa_buf b = { 0 };
		char row[32];
		int k;

		wa_buf_adds(&b, "a;b\n1;\"oops\n");
		for (k = 0; k < 80000; k++) {
			snprintf(row, sizeof row, "%d;z\n", k);
			wa_buf_adds(&b, row);
		}
		run(b.s, b.len, WA_FMT_AUTO, &nr, &nj);
		isnum(nr, 80001, "80001 rows after an unclosed quote are all read");
		isnum(nj, 1, "and only the one with the quote is rejected");
		wa_buf_free(&b);
	}
	memcpy(big, "{\"a\":\"", 6);
	memcpy(big + i, "\"}\n{}\n", 6);
	is(run(big, i + 6, WA_FMT_AUTO, &nr, &nj), "2|{}\n",
	    "an over-long JSON line is rejected and the next one read");
	free(big);

	is(RUN("{\"a\":1}\r\n\n{\"b\":[\"\xc3\xa9\"]}\n[1]\n{bad\n{\"c\":\"\xc3\"}\n", &nr, &nj),
	    "1|{\"a\":1}\n3|{\"b\":[\"\xc3\xa9\"]}\n",
	    "JSON lines: CRLF, blank, arrays, bad JSON, bad UTF-8");
	isnum(nr, 5, "five JSON records read");
	isnum(nj, 3, "three JSON records rejected");
	is(slurp("rej"), "[1]\n{bad\n{\"c\":\"\xc3\"}\n", "JSON rejects verbatim");
	is(run("a\n{\"x\":1}\n", 10, WA_FMT_CSV, NULL, NULL), "H|a\n2|{\"x\":1}\n",
	    "a forced format wins over detection");

	return done_testing();
}
