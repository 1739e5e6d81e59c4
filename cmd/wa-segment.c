/* wa-segment: the records an expression selects, or each record's segment by rules. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wa.h"
#include "store.h"

#define MAXFIELDS 64	/* more, and the whole record is parsed */

struct seg {
	char *name;		/* NULL: records matching no rule */
	long count;
	char *path, *tmp;	/* --split */
	FILE *fp;
};

/* What the command line asks. */
static struct opts {
	int invert, count, keep, tiers, fold;
	const char *split, *rulesfile, *rejects, *consent, *cursor;
	char **files;
	int nfiles;
} opt;

/* The run. */
static struct {
	struct wa_expr *expr;	/* EXPR mode */
	const char *src;
	long nproblem;
	struct wa_rules *rules;	/* rules mode */
	size_t *ruleseg;	/* rule -> index into segs */
	struct seg *segs;	/* unique names in order, then "none" */
	size_t nsegs;
	long npass;
	time_t now;
	struct wa_ab *ab;	/* --ab: the arm of each record out */
	struct wa_consentlog *clog;	/* when opt_in is read */
	const char *hdrfile;	/* the CSV file whose header was written last */
	char **hdr;		/* and its names */
	size_t nhdr;
	struct wa_buf out;
} sg;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wa-segment [-c] [-v] [--raw-csv] [--ab NAME:W/W...] [--consent FILE]\n"
	    "                  [--cursor CURSOR | --fold] [--now TIME] [--rejects FILE]\n"
	    "                  EXPR [FILE...]\n"
	    "       wa-segment [-c] [--keep] [--raw-csv] [-s RULES | --tiers]\n"
	    "                  [--ab NAME:W/W...] [--consent FILE] [--now TIME]\n"
	    "                  [--rejects FILE] [--split DIR] [FILE...]\n");
	exit(status);
}

/* Temporary --split files of a run that did not finish are removed. */
static void
cleanup(void)
{
	size_t i;

	for (i = 0; i < sg.nsegs; i++)
		if (sg.segs[i].tmp)
			unlink(sg.segs[i].tmp);
}

/* The distinct segment names, in the order the rules first give them. */
static void
mksegs(void)
{
	size_t i, j;

	sg.segs = wa_calloc(sg.rules->n + 1, sizeof *sg.segs);
	sg.ruleseg = wa_calloc(sg.rules->n, sizeof *sg.ruleseg);
	for (i = 0; i < sg.rules->n; i++) {
		for (j = 0; j < sg.nsegs; j++)
			if (strcmp(sg.segs[j].name, sg.rules->r[i].name) == 0)
				break;
		if (j == sg.nsegs)
			sg.segs[sg.nsegs++].name = sg.rules->r[i].name;
		sg.ruleseg[i] = j;
	}
}

static void
opensplit(void)
{
	struct seg *s;
	size_t i, n;

	if (mkdir(opt.split, 0777) < 0 && errno != EEXIST)
		wa_die(WA_EXIT_FATAL, "cannot create '%s':", opt.split);
	atexit(cleanup);
	for (i = 0; i < sg.nsegs; i++) {
		s = &sg.segs[i];
		n = strlen(opt.split) + strlen(s->name) + 8;
		s->path = wa_malloc(n);
		snprintf(s->path, n, "%s/%s.jsonl", opt.split, s->name);
		if ((s->fp = wa_rewrite_open(s->path, &s->tmp)) == NULL)
			wa_die(WA_EXIT_FATAL, "cannot write '%s':", s->path);
	}
}

static void
closesplit(void)
{
	struct seg *s;
	char *tmp;
	size_t i;

	/* A run that failed leaves the old files; cleanup() drops the new ones. */
	if (wa_status >= WA_EXIT_FATAL)
		exit(wa_status);
	/* Every file is on disk before the first rename, so none is half a set. */
	for (i = 0; i < sg.nsegs; i++)
		if (fflush(sg.segs[i].fp) != 0 || fsync(fileno(sg.segs[i].fp)) < 0)
			wa_die(WA_EXIT_FATAL, "cannot write '%s':", sg.segs[i].path);
	for (i = 0; i < sg.nsegs; i++) {
		s = &sg.segs[i];
		tmp = s->tmp;
		s->tmp = NULL;	/* freed by the commit, whatever it says */
		if (wa_rewrite_commit(s->fp, tmp, s->path) < 0)
			wa_die(WA_EXIT_FATAL, "cannot write '%s':", s->path);
		free(s->path);
	}
}

/* A CSV record goes out as CSV, after its header unless that was written last. */
static void
putcsv(struct wa_rec *r)
{
	size_t i;
	int same = sg.hdr && sg.nhdr == r->hdr->n;

	for (i = 0; same && i < sg.nhdr; i++)
		same = strcmp(sg.hdr[i], r->hdr->name[i]) == 0;
	if (sg.hdrfile != r->file && !same) {
		for (i = 0; i < sg.nhdr; i++)
			free(sg.hdr[i]);
		free(sg.hdr);
		sg.nhdr = r->hdr->n;
		sg.hdr = wa_calloc(sg.nhdr, sizeof *sg.hdr);
		for (i = 0; i < sg.nhdr; i++) {
			sg.hdr[i] = wa_strdup(r->hdr->name[i]);
			if (i > 0)
				putchar(',');
			wa_csv_putfield(stdout, sg.hdr[i], strlen(sg.hdr[i]));
		}
		putchar('\n');
	}
	sg.hdrfile = r->file;
	for (i = 0; i < r->nf; i++) {
		if (i > 0)
			putchar(',');
		wa_csv_putfield(stdout, r->f[i], strlen(r->f[i]));
	}
	putchar('\n');
}

/* The record's id for --ab: a string or a whole number; NULL when it has none. */
static const char *
abid(json_t *obj, char *buf, size_t sz)
{
	json_t *v = json_object_get(obj, "id");

	if (json_is_integer(v)) {
		snprintf(buf, sz, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	return json_is_string(v) && *json_string_value(v) ? json_string_value(v) : NULL;
}

/*
 * Write REC with "segment" set to S's name or null (S NULL: no segment),
 * and "variant" set to ARM (NULL: none). Names are letters, digits, '_'
 * and '-': nothing to escape in the JSON spliced in.
 */
static void
put(struct wa_rec *r, json_t *obj, struct seg *s, const char *arm)
{
	FILE *fp = opt.split && s ? s->fp : stdout;
	static struct wa_buf val, tmp;
	const char *raw = r->raw;
	size_t n = r->rawlen;

	if (r->fmt == WA_FMT_CSV) {
		if (s)
			json_object_set_new(obj, "segment", s->name ?
			    json_string(s->name) : json_null());
		if (arm)
			json_object_set_new(obj, "variant", json_string(arm));
		wa_json_put(fp, obj);
		return;
	}
	if (s) {
		wa_buf_reset(&val);
		if (s->name) {
			wa_buf_addc(&val, '"');
			wa_buf_adds(&val, s->name);
			wa_buf_addc(&val, '"');
		} else
			wa_buf_adds(&val, "null");
		wa_rules_splice(&tmp, raw, n, "segment", val.s, val.len);
		raw = tmp.s;
		n = tmp.len;
	}
	if (arm) {
		wa_buf_reset(&val);
		wa_buf_addc(&val, '"');
		wa_buf_adds(&val, arm);
		wa_buf_addc(&val, '"');
		wa_rules_splice(&sg.out, raw, n, "variant", val.s, val.len);
	} else {
		wa_buf_reset(&sg.out);
		wa_buf_add(&sg.out, raw, n);
	}
	wa_buf_addc(&sg.out, '\n');
	fwrite(sg.out.s, 1, sg.out.len, fp);
	if (ferror(fp))
		wa_die(WA_EXIT_FATAL, "error writing output:");
}

/* The record's opt_in as the consent log says, when it has a word on it. */
static void
consent(json_t *obj)
{
	const char *phone = wa_json_str(obj, "phone");
	char e164[WA_PHONE_MAX];
	int yes;

	if (phone && wa_phone_norm(phone, wa_json_str(obj, "country"),
	    e164) == WA_PHONE_OK && (yes = wa_consentlog_get(sg.clog, e164)) >= 0)
		json_object_set_new(obj, "opt_in", json_boolean(yes));
}

static int
onrecord(struct wa_rec *r, void *ctx)
{
	json_t *obj = wa_rec_obj(r);
	struct seg *s = NULL;
	const char *id = NULL, *arm;
	char idbuf[32];
	size_t i;
	int t = 0;

	if (sg.ab && (id = abid(obj, idbuf, sizeof idbuf)) == NULL) {
		wa_reject(r, "no id to draw an --ab arm by");
		goto out;
	}
	arm = sg.ab ? wa_ab_arm(sg.ab, id) : NULL;
	if (sg.clog)
		consent(obj);
	if (sg.expr) {
		if ((t = wa_expr_test(sg.expr, obj, sg.now)) < 0) {
			sg.nproblem++;
			t = 0;
		}
		if (t != opt.invert) {
			sg.npass++;
			if (opt.count)
				;
			else if (arm)
				put(r, obj, NULL, arm);
			else if (r->fmt == WA_FMT_CSV)
				putcsv(r);
			else {
				fwrite(r->raw, 1, r->rawlen, stdout);
				putchar('\n');
			}
		}
	} else {
		for (i = 0; i < sg.rules->n; i++)
			if (wa_rules_test(&sg.rules->r[i], obj, sg.now)) {
				s = &sg.segs[sg.ruleseg[i]];
				break;
			}
		if (s == NULL && opt.keep)
			s = &sg.segs[sg.nsegs];	/* the unnamed one */
		if (s != NULL) {
			if (s->name)
				sg.npass++;
			s->count++;
			if (!opt.count || opt.split)
				put(r, obj, s, arm);
		}
	}
out:
	wa_rec_end(obj);
	return 0;
}

enum { OPT_AB = 256, OPT_CONSENT, OPT_CURSOR, OPT_FOLD, OPT_KEEP, OPT_NOW, OPT_RAWCSV, OPT_REJECTS,
    OPT_SPLIT, OPT_TIERS };

static void
parseargs(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "ab", required_argument, NULL, OPT_AB },
		{ "consent", required_argument, NULL, OPT_CONSENT },
		{ "cursor", required_argument, NULL, OPT_CURSOR },
		{ "fold", no_argument, NULL, OPT_FOLD },
		{ "help", no_argument, NULL, 'h' },
		{ "keep", no_argument, NULL, OPT_KEEP },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "raw-csv", no_argument, NULL, OPT_RAWCSV },
		{ "rejects", required_argument, NULL, OPT_REJECTS },
		{ "split", required_argument, NULL, OPT_SPLIT },
		{ "tiers", no_argument, NULL, OPT_TIERS },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char err[128];
	int ch;

	while ((ch = getopt_long(argc, argv, "chs:vV", longs, NULL)) != -1) {
		switch (ch) {
		case OPT_AB:
			if ((sg.ab = wa_ab_parse(optarg, err, sizeof err)) == NULL)
				wa_die(WA_EXIT_USAGE, "--ab: %s", err);
			break;
		case 'c': opt.count = 1; break;
		case OPT_CONSENT: opt.consent = optarg; break;
		case OPT_CURSOR: opt.cursor = optarg; break;
		case OPT_FOLD: opt.fold = 1; break;
		case OPT_RAWCSV: wa_csv_raw = 1; break;
		case 'h': usage(0); break;
		case OPT_KEEP: opt.keep = 1; break;
		case OPT_NOW: wa_opt_now(optarg); break;
		case OPT_REJECTS: opt.rejects = optarg; break;
		case 's': opt.rulesfile = optarg; break;
		case OPT_SPLIT: opt.split = optarg; break;
		case OPT_TIERS: opt.tiers = 1; break;
		case 'v': opt.invert = 1; break;
		case 'V': wa_version(); break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	opt.files = argv + optind;
	opt.nfiles = argc - optind;
}

/* The expression or the rules, the segments and --split's files. */
static void
setup(void)
{
	if (opt.rulesfile && strcmp(opt.rulesfile, "-") == 0 &&
	    wa_input_stdin(opt.nfiles, opt.files))
		wa_die(WA_EXIT_USAGE, "-s -: the standard input cannot hold both "
		    "the rules and the records");
	if (opt.rulesfile)
		sg.rules = wa_rules_load(opt.rulesfile, WA_RULES_SEGMENTS);
	else if (opt.tiers)
		sg.rules = wa_rules_parse(wa_rules_tiers, "--tiers", WA_RULES_SEGMENTS);
	else if (opt.keep || opt.split)
		wa_die(WA_EXIT_USAGE, "--keep and --split need -s RULES or --tiers");
	else {
		if (opt.nfiles < 1)
			usage(WA_EXIT_USAGE);
		sg.src = opt.files[0];
		sg.expr = wa_rules_expr(opt.files[0], "EXPR");
		opt.nfiles--;
		opt.files++;
	}
	if (opt.cursor && (opt.nfiles != 1 || strcmp(opt.files[0], "-") == 0))
		wa_die(WA_EXIT_USAGE, "--cursor reads one FILE, from where it stopped");
	if (opt.fold && (opt.cursor || sg.rules))
		wa_die(WA_EXIT_USAGE, "--fold goes with an EXPR, not with --cursor or rules");
	if (sg.rules) {
		if (opt.invert)
			wa_die(WA_EXIT_USAGE, "-v works on an EXPR, not on rules");
		if (opt.keep && opt.split)
			wa_die(WA_EXIT_USAGE, "--keep does not go with --split: "
			    "end the rules with a catch-all such as 'other: true'");
		mksegs();
		if (opt.split)
			opensplit();
	}
	sg.now = wa_now();
}

/*
 * The consent log, read when the expression or the rules read opt_in (or
 * more fields than are counted): a filter over any file needs no WA_HOME.
 */
static size_t
loadconsent(const char **fields, size_t nf)
{
	const char *path = opt.consent;
	char *home = NULL;
	size_t i;

	for (i = 0; i < nf && i < MAXFIELDS; i++)
		if (strcmp(fields[i], "opt_in") == 0)
			break;
	if (nf <= MAXFIELDS && i == nf)
		return nf;
	if (path == NULL)
		path = home = wa_home_path(WA_SF_CONSENT);
	if ((sg.clog = wa_consentlog_load(path)) == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", path);
	free(home);
	for (i = 0; i < nf && i < MAXFIELDS; i++)
		if (!strcmp(fields[i], "phone") || !strcmp(fields[i], "country"))
			fields[i] = "opt_in";	/* a name twice is harmless */
	if (nf + 2 > MAXFIELDS)
		return MAXFIELDS + 1;	/* whole records */
	fields[nf++] = "phone";
	fields[nf++] = "country";
	return nf;
}

/* The whole lines of FP past CUR into B, and CUR past them. */
static void
readrest(FILE *fp, struct wa_cursor *cur, struct wa_buf *b)
{
	char chunk[65536];
	size_t n, start = b->len;

	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		wa_buf_add(b, chunk, n);
	if (ferror(fp))
		wa_die(WA_EXIT_FATAL, "%s:", opt.files[0]);
	/* a last line without its newline is still being written */
	while (b->len > start && b->s[b->len - 1] != '\n')
		b->len--;
	cur->off += (long long)(b->len - start);
}

/*
 * --cursor: only the whole lines of the one FILE past the cursor kept in
 * the --cursor file, and the cursor past them in that file's name plus
 * ".new", for the caller to rename over it once it has done its part.
 * After a roll, the rest of the segment that was FILE at the cursor and
 * the later segments come first (wa_cursor_open).
 */
static void
fromcursor(struct wa_input *in)
{
	struct wa_buf b = { 0 };
	struct wa_cursor cur, next;
	char *path;
	FILE *fp;
	int k, segs = 0;

	wa_cursor_load(opt.cursor, &cur);
	while ((k = wa_cursor_open(opt.files[0], &cur, &next, &fp)) > 0) {
		readrest(fp, &cur, &b);
		fclose(fp);
		cur = next;
		segs++;
	}
	/* no live file after a segment: a roll cut off between its renames */
	if (fp == NULL && segs == 0)
		wa_die(WA_EXIT_FATAL, "%s: %s", opt.files[0], strerror(ENOENT));
	if (k < 0)
		wa_warn("%s: its file at the cursor is gone: reading it from its "
		    "beginning", opt.files[0]);
	if (fp) {
		readrest(fp, &cur, &b);
		fclose(fp);
	}
	wa_input_mem(in, opt.files[0], b.len ? b.s : "", b.len, onrecord, NULL);
	path = wa_strjoin(opt.cursor, "", ".new");
	if (wa_cursor_save(path, &cur) < 0)
		wa_die(WA_EXIT_FATAL, "%s:", path);
	free(path);
	wa_buf_free(&b);
}

/*
 * --fold: the JSON lines of every FILE folded by type and id (recfold.c),
 * then selected; a line that is no JSON object is rejected.
 */
static void
folded(struct wa_input *in)
{
	struct wa_recfold *f = wa_recfold_new();
	struct wa_buf b = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno;
	FILE *fp;
	int i;

	for (i = 0; i < opt.nfiles || (i == 0 && opt.nfiles == 0); i++) {
		fp = opt.nfiles == 0 || strcmp(opt.files[i], "-") == 0 ? stdin :
		    fopen(opt.files[i], "r");
		if (fp == NULL)
			wa_die(WA_EXIT_FATAL, "%s:", opt.files[i]);
		for (lineno = 1; (n = getline(&line, &cap, fp)) > 0; lineno++)
			if (strspn(line, " \t\r\n") < (size_t)n && wa_recfold_add(f, line, (size_t)n) < 0)
				wa_warnat(opt.nfiles ? opt.files[i] : "-", lineno, "not a JSON object, left out");
		if (ferror(fp))
			wa_die(WA_EXIT_FATAL, "%s:", opt.nfiles ? opt.files[i] : "-");
		if (fp != stdin)
			fclose(fp);
	}
	wa_recfold_text(f, &b);
	wa_recfold_free(f);
	free(line);
	wa_input_mem(in, "--fold", b.len ? b.s : "", b.len, onrecord, NULL);
	wa_buf_free(&b);
}

/* Select or segment every record, then the counts. */
static void
run(void)
{
	static const char *fields[MAXFIELDS];
	struct wa_input *in = wa_input_new(WA_FMT_AUTO);
	size_t nf, i;

	nf = sg.expr ? wa_expr_fields(sg.expr, fields, MAXFIELDS) :
	    wa_rules_fields(sg.rules, fields, MAXFIELDS);
	nf = loadconsent(fields, nf);
	if (sg.ab && nf < MAXFIELDS)
		fields[nf++] = "id";
	if (nf <= MAXFIELDS)
		wa_input_fields(in, fields, nf);
	if (opt.rejects)
		wa_input_rejects(in, opt.rejects);
	if (opt.cursor)
		fromcursor(in);
	else if (opt.fold)
		folded(in);
	else
		wa_input_run(in, opt.nfiles, opt.files, onrecord, NULL);
	if (opt.split)
		closesplit();
	if (opt.count && sg.expr)
		printf("%ld\n", sg.npass);
	else if (opt.count) {
		for (i = 0; i < sg.nsegs; i++)
			printf("%s\t%ld\n", sg.segs[i].name, sg.segs[i].count);
		if (opt.keep)
			printf("-\t%ld\n", sg.segs[sg.nsegs].count);
	}
	if (sg.nproblem > 0)
		wa_warn("%ld record%s had a type problem in '%s'", sg.nproblem,
		    sg.nproblem == 1 ? "" : "s", sg.src);
	wa_rules_report(sg.rules);
	wa_input_free(in);
}

int
main(int argc, char **argv)
{
	int status;
	size_t i;

	wa_init(&argc, &argv);
	parseargs(argc, argv);
	setup();
	run();
	status = wa_finish();
	wa_rules_free(sg.rules);
	if (sg.expr)
		wa_expr_free(sg.expr);
	wa_ab_free(sg.ab);
	wa_consentlog_free(sg.clog);
	free(sg.segs);
	sg.segs = NULL;	/* nothing left for cleanup() */
	sg.nsegs = 0;
	free(sg.ruleseg);
	wa_buf_free(&sg.out);
	for (i = 0; i < sg.nhdr; i++)
		free(sg.hdr[i]);
	free(sg.hdr);
	/* Like grep: nothing selected is status 1. */
	return status == 0 && sg.npass == 0 ? WA_EXIT_REC : status;
}
