/* wa-events: a log (the spool, the ledger, the inbox log) and its rolled segments as one stream. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"

static struct opts {
	const char *since, *until;	/* as given: --now may come after */
	time_t from, to;
	char *path;
} opt;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wa-events [--now TIME] [--since TIME] [--until TIME] [FILE]\n"
	    "Write the lines of the log FILE ($WA_HOME/events.jsonl) and of its rolled\n"
	    "segments (FILE's folder without .jsonl: YYYY-MM[.N].jsonl[.gz]) before it,\n"
	    "in the order they were written, as one stream.\n"
	    "      --now TIME     the clock's time, for a --since or --until back from now\n"
	    "      --since TIME   only lines whose \"at\" is TIME or later (a time, or 7d)\n"
	    "      --until TIME   only lines whose \"at\" is before TIME\n"
	    "  -h, --help         this help\n"
	    "      --version      print the version\n");
	exit(status);
}

static void
parseargs(int argc, char **argv)
{
	enum { OPT_NOW = 256, OPT_SINCE, OPT_UNTIL, OPT_VERSION };
	static const struct option longs[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (c) {
		case OPT_NOW: wa_opt_now(optarg); break;
		case OPT_SINCE: opt.since = optarg; break;
		case OPT_UNTIL: opt.until = optarg; break;
		case OPT_VERSION: wa_version(); break;
		case 'h': usage(0); break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	if (argc - optind > 1)
		usage(WA_EXIT_USAGE);
	opt.path = argc > optind ? wa_strdup(argv[optind]) :
	    wa_home_path(WA_SF_EVENTS);
}

static void
setup(void)
{
	opt.from = opt.since ? wa_opttime("--since", opt.since) : 0;
	opt.to = opt.until ? wa_opttime("--until", opt.until) : 0;
}

/* Is LINE[0..N) (its "at", else an order's "created_at") in the window? A line with neither is. */
static int
inwindow(const char *line, size_t n)
{
	char buf[64];
	size_t s, e;
	time_t t;

	if ((opt.from == 0 && opt.to == 0) ||
	    (wa_json_span(line, n, "at", &s, &e) < 0 &&
	    wa_json_span(line, n, "created_at", &s, &e) < 0) || e - s < 3 ||
	    e - s > sizeof buf || line[s] != '"')
		return 1;
	memcpy(buf, line + s + 1, e - s - 2);
	buf[e - s - 2] = '\0';
	if (wa_time_parse(buf, WA_DATES_ANY, &t) < 0)
		return 1;
	return t >= opt.from && (opt.to == 0 || t < opt.to);
}

/* A last line without its newline is still being written: it is left for the next reader. */
static void
run(void)
{
	struct wa_segs *sg = wa_segs_open(opt.path, opt.from, opt.to, 0);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (sg == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", opt.path);
	while ((n = wa_segs_line(sg, &line, &cap)) > 0)
		if (line[n - 1] == '\n' && inwindow(line, (size_t)n - 1))
			fwrite(line, 1, (size_t)n, stdout);
	if (wa_segs_error(sg))
		wa_die(WA_EXIT_FATAL, "%s: cannot read it (a broken gzip file?)",
		    wa_segs_file(sg));
	free(line);
	wa_segs_close(sg);
}

int
main(int argc, char **argv)
{
	wa_init(&argc, &argv);
	parseargs(argc, argv);
	setup();
	run();
	free(opt.path);
	return wa_finish();
}
