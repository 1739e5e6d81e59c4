/* wa-import: turn Shopify and WooCommerce exports into customer or order records. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "wa.h"
#include "store.h"

/* What the command line asks. */
static struct opts {
	int orders;			/* -t orders */
	const char *cc;			/* -c */
	int dateopt;			/* --date-order */
	int verbose;
	int ifmt, ofmt;
	char *merge;
	const char *rejects, *fields, *warnings;
	const char *shopify;		/* --shopify STORE */
	const char *woo;		/* --woocommerce URL */
	char since[WA_TIMEBUF];		/* --since, ISO 8601 UTC; "" none */
	int bulk;
	char **files;
	int nfiles;
} opt = { .dateopt = WA_DATES_ANY, .ifmt = WA_FMT_AUTO, .ofmt = WA_FMT_JSON };

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wa-import [-v] [-c CC] [-i csv|json]\n"
	    "                 [-o json|csv --fields LIST [--raw-csv]]\n"
	    "                 [-t customers|orders] [--date-order dmy|mdy] [--merge FILE]\n"
	    "                 [--now TIME] [--rejects FILE] [--warnings FILE] [FILE...]\n"
	    "       wa-import --shopify STORE [--bulk] [--since DATE] [-v] [-c CC]\n"
	    "                 [-o json|csv --fields LIST] [-t customers|orders]\n"
	    "                 [--merge FILE] [--now TIME] [--warnings FILE]\n"
	    "       wa-import --woocommerce URL [--since DATE] [-v] [-c CC]\n"
	    "                 [-o json|csv --fields LIST] [-t customers|orders]\n"
	    "                 [--merge FILE] [--now TIME] [--rejects FILE]\n"
	    "                 [--warnings FILE]\n");
	exit(status);
}

enum { OPT_BULK = 256, OPT_DATEORDER, OPT_FIELDS, OPT_MERGE, OPT_NOW,
	OPT_RAWCSV, OPT_REJECTS, OPT_SHOPIFY, OPT_SINCE, OPT_WARNINGS, OPT_WOO };

static void
since(const char *s)
{
	time_t t;

	if (wa_time_parse(s, WA_DATES_ANY, &t) < 0)
		wa_die(WA_EXIT_USAGE, "--since: '%s' is not a date such as 2026-10-01",
		    s);
	wa_time_fmt(t, opt.since);
}

static int
choice(const char *o, const char *s, const char *a, int va, const char *b,
    int vb)
{
	if (strcmp(s, a) == 0)
		return va;
	if (strcmp(s, b) == 0)
		return vb;
	wa_die(WA_EXIT_USAGE, "%s: '%s' is not %s or %s", o, s, a, b);
	return 0;
}

static void
parseargs(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "bulk", no_argument, NULL, OPT_BULK },
		{ "date-order", required_argument, NULL, OPT_DATEORDER },
		{ "dates", required_argument, NULL, OPT_DATEORDER },
		{ "fields", required_argument, NULL, OPT_FIELDS },
		{ "help", no_argument, NULL, 'h' },
		{ "merge", required_argument, NULL, OPT_MERGE },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "raw-csv", no_argument, NULL, OPT_RAWCSV },
		{ "rejects", required_argument, NULL, OPT_REJECTS },
		{ "shopify", required_argument, NULL, OPT_SHOPIFY },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "version", no_argument, NULL, 'V' },
		{ "warnings", required_argument, NULL, OPT_WARNINGS },
		{ "woocommerce", required_argument, NULL, OPT_WOO },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:hi:o:t:vV", longs, NULL)) != -1) {
		switch (ch) {
		case 'c': opt.cc = optarg; break;
		case OPT_RAWCSV: wa_csv_raw = 1; break;
		case OPT_BULK: opt.bulk = 1; break;
		case OPT_DATEORDER:
			opt.dateopt = choice("--date-order", optarg, "dmy",
			    WA_DATES_DMY, "mdy", WA_DATES_MDY);
			break;
		case OPT_FIELDS: opt.fields = optarg; break;
		case 'h': usage(0); break;
		case OPT_MERGE: opt.merge = optarg; break;
		case OPT_NOW: wa_opt_now(optarg); break;
		case 'i':
			opt.ifmt = choice("-i", optarg, "csv", WA_FMT_CSV,
			    "json", WA_FMT_JSON);
			break;
		case 'o':
			opt.ofmt = choice("-o", optarg, "json", WA_FMT_JSON,
			    "csv", WA_FMT_CSV);
			break;
		case OPT_REJECTS: opt.rejects = optarg; break;
		case OPT_SHOPIFY: opt.shopify = optarg; break;
		case OPT_SINCE: since(optarg); break;
		case 't':
			if (choice("-t", optarg, "customers", 0, "orders", 1))
				opt.orders = 1;
			break;
		case 'v': opt.verbose = 1; break;
		case 'V': wa_version(); break;
		case OPT_WARNINGS: opt.warnings = optarg; break;
		case OPT_WOO: opt.woo = optarg; break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	if (opt.cc && (strlen(opt.cc) != 2 || !isalpha((unsigned char)opt.cc[0]) ||
	    !isalpha((unsigned char)opt.cc[1]) || wa_tz_for(opt.cc, NULL) == NULL))
		wa_die(WA_EXIT_USAGE, "-c: '%s' is not a country code such as GB",
		    opt.cc);
	if (opt.merge && opt.orders)
		wa_die(WA_EXIT_USAGE, "--merge works on customer records, not -t orders");
	opt.files = argv + optind;
	opt.nfiles = argc - optind;
	if (*opt.since && !opt.woo && !opt.shopify)
		wa_die(WA_EXIT_USAGE, "--since works with --shopify or --woocommerce");
	if (opt.bulk && !opt.shopify)
		wa_die(WA_EXIT_USAGE, "--bulk works with --shopify");
	if (opt.shopify && opt.woo)
		wa_die(WA_EXIT_USAGE, "--shopify and --woocommerce read one store each: "
		    "run wa-import once for each");
	if ((opt.shopify || opt.woo) && opt.nfiles > 0)
		wa_die(WA_EXIT_USAGE, "--%s reads the store, not FILE operands",
		    opt.shopify ? "shopify" : "woocommerce");
}

/* The output, the clock, and the customers of --merge to merge into. */
static struct wa_import *
setup(struct wa_out *out)
{
	struct wa_import *im;

	/* One export lists each order once: only several, or pages read while they change, overlap. */
	im = wa_import_new(opt.orders, opt.cc, opt.dateopt, out,
	    opt.nfiles > 1 || opt.woo || opt.shopify);
	/* Thousands of rows with an odd phone make one line, or each one with -v. */
	wa_warns_mode(WA_WARNS_SUM | (opt.verbose ? WA_WARNS_EACH : 0));
	if (opt.warnings)
		wa_warns_log(opt.warnings);
	if (opt.merge)
		wa_import_merge(im, opt.merge);
	return im;
}

/* The store's customers (orders name their buyers), then its orders. */
static struct wa_woosync *
woosync(struct wa_import *im, struct wa_input *in)
{
	struct wa_woosync *s;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	s = wa_woosync_new(opt.woo, *opt.since ? opt.since : NULL);
	wa_woosync_run(s, opt.orders, in, wa_import_record, im);
	return s;
}

/*
 * The records of a page are out, in one write, and with DURABLE on disk
 * before the cursor moves past them; a pipe or a terminal is as far as they
 * go (fsync says EINVAL), the reader's to keep.
 */
static int
flushed(void *arg, int durable)
{
	(void)arg;
	if (fflush(stdout) == EOF || ferror(stdout))
		wa_die(WA_EXIT_FATAL, "error writing output:");
	if (durable && fsync(fileno(stdout)) < 0 && errno != EINVAL &&
	    errno != EROFS)
		wa_die(WA_EXIT_FATAL, "error writing output:");
	return 0;
}

/* --shopify: the records updated since the last run; nothing new, nothing out. */
static void
shopsync(struct wa_import *im, struct wa_out *out)
{
	struct wa_shopsync *s = wa_shopsync_new(opt.shopify, opt.orders ?
	    WA_SHOP_ORDERS : WA_SHOP_CUSTOMERS), *fold = NULL;
	struct wa_shopsync_cb cb = { opt.cc, wa_import_synccust,
	    wa_import_syncorder, opt.orders ? flushed : NULL, im };
	const char *from = *opt.since ? opt.since : NULL;
	long n, nout, nmerged;

	n = wa_shopsync_run(s, from, opt.bulk, &cb);
	/* A customer's orders, spend and last order come from the orders, as with an export. */
	if (!opt.orders) {
		fold = wa_shopsync_new(opt.shopify, WA_SHOP_FOLD);
		n += wa_shopsync_run(fold, from, opt.bulk, &cb);
	}
	if (n > 0)
		wa_import_end(im);
	wa_warns_end();
	flushed(NULL, 1);
	wa_shopsync_done(s);
	wa_shopsync_free(s);
	if (fold != NULL)
		wa_shopsync_done(fold);
	wa_shopsync_free(fold);
	wa_import_counts(im, &nout, &nmerged);
	if (opt.verbose)
		fprintf(stderr, "wa-import: %ld records from %s: %ld out, %ld merged\n",
		    n, opt.shopify, nout, nmerged);
	wa_import_free(im);
	wa_out_free(out);
}

/* Read every file, then write the orders as they end, or the customers at the end. */
static void
run(struct wa_import *im, struct wa_out *out)
{
	struct wa_input *in;
	struct wa_woosync *sync = NULL;
	long nout, nmerged;

	in = wa_input_new(opt.ifmt);
	if (opt.rejects)
		wa_input_rejects(in, opt.rejects);
	wa_input_onheader(in, wa_import_header);
	wa_input_onend(in, wa_import_fileend);
	if (opt.woo)
		sync = woosync(im, in);
	else
		wa_input_run(in, opt.nfiles, opt.files, wa_import_record, im);
	/* Nothing new from the store, nothing out, even with --merge. */
	if (!opt.woo || wa_input_nread(in) > 0)
		wa_import_end(im);
	wa_warns_end();
	wa_import_counts(im, &nout, &nmerged);
	if (opt.verbose)
		fprintf(stderr, "wa-import: %ld rows: %ld records out, %ld merged, "
		    "%ld rejected\n", wa_input_nread(in), nout, nmerged,
		    wa_input_nrejected(in));
	wa_input_free(in);
	wa_import_free(im);
	wa_out_free(out);
	/* Where this run left off moves only once its records are out. */
	if (sync && fflush(stdout) == 0 && !ferror(stdout))
		wa_woosync_commit(sync);
	wa_woosync_free(sync);
}

int
main(int argc, char **argv)
{
	/*
	 * A sync's page goes out in one write when it fits (250 orders of 4 KiB
	 * do), so a run killed cuts no record in two; a larger page may still
	 * leave its last line cut.
	 */
	static char pagebuf[1 << 20];
	struct wa_out *out;
	struct wa_import *im;

	wa_init(&argc, &argv);
	parseargs(argc, argv);
	if (opt.shopify)
		setvbuf(stdout, pagebuf, _IOFBF, sizeof pagebuf);
	out = wa_out_new(opt.ofmt, opt.fields);
	im = setup(out);
	if (opt.shopify)
		shopsync(im, out);
	else
		run(im, out);
	return wa_finish();
}
