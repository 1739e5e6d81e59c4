/*
 * wa-forget: erase a person from the customer and order files, the ledger,
 * the spool, the suppression lists and the consent log.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "store.h"
#include "send.h"

enum { K_RECORDS, K_LEDGER, K_EVENTS, K_CONSENT };
enum { LEARN, EXPORT, ERASE };
enum { LOCKED = 1, INPLACE = 2 };

/* What the command line asks; the state files are filled in from $WA_HOME. */
static struct opts {
	int dryrun, export;
	char *ledger, *events, *suppress, *consent;
	char **files;		/* -f, then the state files of customers and orders */
	size_t nfiles;
	char **who;		/* the operands */
	int nwho;
} opt;

/* The run: what is known of the person, what is held. */
static struct {
	struct wa_hash *ids, *emails, *phones;	/* phones by same-user key */
	long nids;		/* identifiers known, to see the set grow */
	char **phonelist;	/* the same-user keys in phones */
	size_t nphones;
	char **emaillist;	/* the addresses in emails */
	size_t nemails;
	json_t *out;		/* --export: what is held */
	char **logs;		/* wa-send's events kept elsewhere: journeys.jsonl */
	size_t nlogs;
	char *inbox;		/* wa-inbox's log, under its own lock */
	char *esupp;		/* wa-mail's suppression list */
} g;

static const char *const picked[] = { "id", "customer", "email", "phone",
    "to", "from" };
#define NPICKED (sizeof picked / sizeof *picked)

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wa-forget [-n] [--export] [-f FILE]... [--consent FILE]\n"
	    "                 [--events FILE] [--ledger FILE] [--suppress FILE]\n"
	    "                 PHONE|EMAIL|ID...\n"
	    "Erase a person: customer records become anonymous stubs, and in the\n"
	    "orders, the ledger and the event spool a salted hash replaces what\n"
	    "names them, so counts and reports stay; their consent events go.\n"
	    "--export prints it all instead.\n"
	    "  -f FILE                a customer or order file (JSON lines) to erase from\n"
	    "      --consent FILE     the consent log ($WA_HOME/consent.jsonl)\n"
	    "      --ledger FILE      the send ledger ($WA_HOME/ledger.jsonl)\n"
	    "      --events FILE      the event spool ($WA_HOME/events.jsonl)\n"
	    "      --suppress FILE    the suppression list ($WA_HOME/suppress.txt)\n"
	    "  -n, --dry-run          say what would change, change nothing\n"
	    "      --export           print everything held about them as JSON\n"
	    "  -h, --help             this help\n"
	    "      --version          print the version\n");
	exit(status);
}

static void
known(struct wa_hash *h, const char *v)
{
	if (!wa_hash_get(h, v)) {
		wa_hash_put(h, v, (void *)1);
		g.nids++;
		if (h == g.phones) {
			g.phonelist = wa_realloc(g.phonelist,
			    (g.nphones + 1) * sizeof *g.phonelist);
			g.phonelist[g.nphones++] = wa_strdup(v);
		} else if (h == g.emails) {
			g.emaillist = wa_realloc(g.emaillist,
			    (g.nemails + 1) * sizeof *g.emaillist);
			g.emaillist[g.nemails++] = wa_strdup(v);
		}
	}
}

/* An identifier as given, or as a record holds it: an e-mail, a phone, or an id. */
static void
addwho(const char *s)
{
	char e164[WA_PHONE_MAX], k[WA_PHONE_MAX], *e;

	if (s == NULL || *s == '\0' || strncmp(s, "forgotten:", 10) == 0)
		return;
	if (strchr(s, '@') && strncmp(s, "email:", 6) != 0) {
		e = wa_strdup(s);
		wa_lower(e);
		known(g.emails, e);
		free(e);
	} else if (*s == '+' && wa_phone_norm(s, NULL, e164) == WA_PHONE_OK) {
		wa_phone_key(e164, k);
		known(g.phones, k);
	} else {
		known(g.ids, s);
		/* wa-import's ids for customers with no store id: an id, and what it holds */
		if (strncmp(s, "email:", 6) == 0 ||
		    (strncmp(s, "phone:", 6) == 0 && s[6] == '+'))
			addwho(s + 6);
	}
}

static int
isphone(const char *v)
{
	char e164[WA_PHONE_MAX], k[WA_PHONE_MAX];

	if (v == NULL || wa_phone_norm(v, NULL, e164) != WA_PHONE_OK)
		return 0;
	wa_phone_key(e164, k);
	return wa_hash_get(g.phones, k) != NULL;
}

static int
isemail(const char *v)
{
	char *e;
	int hit;

	if (v == NULL)
		return 0;
	e = wa_strdup(v);
	wa_lower(e);
	hit = wa_hash_get(g.emails, e) != NULL;
	free(e);
	return hit;
}

/* Is the record O (its picked fields) about the person? */
static int
matches(json_t *o, int kind)
{
	const char *id = wa_json_str(o, "id");

	/* an event's or an order's id is its own, not the person's */
	if (id && kind == K_RECORDS && !json_is_string(json_object_get(o, "type")) &&
	    wa_hash_get(g.ids, id))
		return 1;
	if (id && kind == K_LEDGER && wa_hash_get(g.ids, id))
		return 1;
	if (wa_json_str(o, "customer") && wa_hash_get(g.ids, wa_json_str(o, "customer")))
		return 1;
	return isemail(wa_json_str(o, "email")) || isphone(wa_json_str(o, "phone")) ||
	    isphone(wa_json_str(o, "to")) || isphone(wa_json_str(o, "from"));
}

static void
learn(json_t *o, int kind)
{
	static const char *const keys[] = { "customer", "email", "phone", "to", "from" };
	size_t i;

	if (kind != K_EVENTS && !json_is_string(json_object_get(o, "type")))
		addwho(wa_json_str(o, "id"));
	for (i = 0; i < sizeof keys / sizeof *keys; i++)
		addwho(wa_json_str(o, keys[i]));
}

/*
 * wa-send's dedupe key is CAMPAIGN/ID, a number's ID tagged '#' (a text
 * one's own leading '#' doubled): the id part, when it is the person's,
 * hashed.
 */
static void
rekey(json_t *o)
{
	const char *k = wa_json_str(o, "key"), *p, *id;
	char h[WA_FORGOTBUF];
	struct wa_buf b = { 0 };

	for (p = k ? strchr(k, '/') : NULL; p; p = strchr(p + 1, '/')) {
		id = p + 1;
		if (!wa_hash_get(g.ids, id) &&
		    (*id != '#' || !wa_hash_get(g.ids, ++id)))
			continue;
		wa_forget_hash(id, h);
		wa_buf_add(&b, k, (size_t)(p + 1 - k));
		wa_buf_adds(&b, h);
		json_object_set_new(o, "key", json_string(wa_buf_str(&b)));
		break;
	}
	wa_buf_free(&b);
}

static void
drop(json_t *o, const char *const *keys)
{
	for (; *keys; keys++)
		json_object_del(o, *keys);
}

static json_t *
erase(json_t *o, int kind)
{
	static const char *const personal[] = { "name", "username", "user_id",
	    "text", "payload", "content", "referral", "new_wa_id", "group",
	    "extra", "abandoned_checkout_url", "first_name", "last_name",
	    "phone_raw", NULL };
	static const char *const ids[] = { "customer", "email", "phone", "to",
	    "from", "wamid", "context", NULL };
	size_t i;

	if (kind == K_RECORDS && !json_is_string(json_object_get(o, "type")))
		return wa_forget_stub(o);
	if (kind == K_LEDGER)
		wa_forget_hashkey(o, "id");
	for (i = 0; ids[i]; i++)
		wa_forget_hashkey(o, ids[i]);
	rekey(o);
	wa_forget_unmail(o, g.emaillist, g.nemails);
	drop(o, personal);
	json_object_set_new(o, "forgotten", json_true());
	json_incref(o);
	return o;
}

static const char *
section(int kind, json_t *o)
{
	if (kind == K_LEDGER)
		return "ledger";
	if (kind == K_CONSENT)
		return "consent";
	if (kind == K_EVENTS)
		return "events";
	return json_is_string(json_object_get(o, "type")) ? "orders" : "customers";
}

/*
 * Read IN (from PATH): learn the person's identifiers from their records,
 * or put their records in the export, or copy IN to OUT (may be NULL for
 * a dry run) with their records erased. How many records are theirs.
 */
static long
scan(const char *path, int kind, int mode, FILE *in, FILE *out)
{
	json_t *o = json_object(), *full, *e;
	char *line = NULL;
	size_t cap = 0, errat;
	ssize_t n;
	long hits = 0;

	while ((n = getline(&line, &cap, in)) > 0) {
		size_t len = (size_t)n - (line[n - 1] == '\n');

		if (wa_json_pick(line, len, picked, NPICKED, o, &errat) < 0 ||
		    !matches(o, kind) || (full = json_loadb(line, len, 0, NULL)) == NULL) {
			if (out)
				fwrite(line, 1, (size_t)n, out);
			continue;
		}
		hits++;
		if (mode == LEARN)
			learn(full, kind);
		else if (mode == EXPORT)
			json_array_append(json_object_get(g.out, section(kind, full)), full);
		else if (out && kind != K_CONSENT) {	/* a consent event goes whole */
			e = erase(full, kind);
			wa_json_put(out, e);
			json_decref(e);
		}
		json_decref(full);
	}
	free(line);
	json_decref(o);
	if (ferror(in))
		wa_die(WA_EXIT_FATAL, "%s:", path);
	return hits;
}

static void
learnfrom(const char *path, int kind)
{
	FILE *fp = fopen(path, "r");

	if (fp == NULL) {
		if (errno != ENOENT)
			wa_die(WA_EXIT_FATAL, "%s:", path);
		return;
	}
	scan(path, kind, LEARN, fp, NULL);
	fclose(fp);
}

static long rewrite(const char *path, int kind, int how);

/*
 * wa-send's events kept by others: wa-send writes the journeys' log only
 * while it holds the ledger, so it is erased under the ledger's lock, in
 * place, since the journey's shell may hold it open with >>.
 */
static long
logs(void)
{
	long hits = 0;
	size_t i;

	for (i = 0; i < g.nlogs; i++)
		hits += rewrite(g.logs[i], K_LEDGER, INPLACE);
	return hits;
}

/*
 * Erase from PATH, rewritten and renamed into place (in place when it has
 * other names, or with INPLACE); with LOCKED under the lock wa-send and
 * wa-hook take, so nothing they append meanwhile is lost.
 */
static long
rewrite(const char *path, int kind, int how)
{
	int fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	FILE *in, *out = NULL;
	char *tmp = NULL;
	struct stat st;
	long hits = 0, n;

	if (fd < 0) {
		if (errno != ENOENT)
			wa_die(WA_EXIT_FATAL, "%s:", path);
		return path == opt.ledger ? logs() : 0;
	}
	if ((how & LOCKED) && wa_lock_current(&fd, path, LOCK_EX) < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot lock:", path);
	if (fstat(fd, &st) == 0 && st.st_nlink > 1)
		how |= INPLACE;
	if (path == opt.ledger)
		hits += logs();
	if ((in = fdopen(fcntl(fd, F_DUPFD_CLOEXEC, 0), "r")) == NULL ||
	    (!opt.export && !opt.dryrun && (out = wa_rewrite_open(path, &tmp)) == NULL))
		wa_die(WA_EXIT_FATAL, "%s:", path);
	hits += n = scan(path, kind, opt.export ? EXPORT : ERASE, in, out);
	fclose(in);
	/* the ledger's index holds the numbers too: wa-send rebuilds it */
	if (out && n > 0 && path == opt.ledger && wa_lix_remove(path) < 0)
		wa_die(WA_EXIT_FATAL, "%s.idx: cannot remove:", path);
	if (out && n > 0 && path == opt.events)
		wa_forget_dropstates();
	if (out && n > 0)
		wa_forget_dropconvs();
	if (out && n > 0 && ((how & INPLACE) ? wa_forget_inplace(out, tmp, path, fd) :
	    wa_rewrite_commit(out, tmp, path)) < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot rewrite:", path);
	if (out && n == 0) {
		fclose(out);
		unlink(tmp);
		free(tmp);
	}
	close(fd);
	if (!opt.export)
		wa_warn("%s: %ld %s %s", path, n, n == 1 ?
		    "record" : "records", opt.dryrun ? "would be erased" : "erased");
	return hits;
}

struct segscan {
	const char *path;
	int kind, mode, write;
	long hits;
};

static long
segscan(FILE *in, FILE *out, void *arg)
{
	struct segscan *a = arg;
	long n = scan(a->path, a->kind, a->mode, in, a->write ? out : NULL);

	a->hits = n;
	return a->write ? n : 0;
}

/*
 * The rolled segments of the log PATH (segments.c): each is rewritten
 * whole, a .gz gzipped anew, then renamed into place, under the lock that
 * holds off readers, rolls and gzip; learnt from or exported the same way.
 */
static long
segments(const char *path, int kind, int mode)
{
	struct segscan a = { NULL, kind, mode, 0, 0 };
	struct wa_segs *sg;
	long hits = 0;
	size_t i;

	a.write = mode == ERASE && !opt.dryrun;
	if ((sg = wa_segs_open(path, 0, 0, WA_SEGS_NOLIVE |
	    (a.write ? WA_SEGS_EX : 0))) == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", path);
	for (i = 0; i < wa_segs_count(sg); i++) {
		a.path = wa_segs_path(sg, i);
		if (wa_seg_rewrite(a.path, segscan, &a) < 0)
			wa_die(WA_EXIT_FATAL, "%s: cannot rewrite:", a.path);
		hits += a.hits;
		if (mode == ERASE)
			wa_warn("%s: %ld %s %s", a.path, a.hits, a.hits == 1 ?
			    "record" : "records", opt.dryrun ? "would be erased" : "erased");
		if (a.hits > 0 && a.write && path == opt.ledger &&
		    wa_lix_remove(path) < 0)
			wa_die(WA_EXIT_FATAL, "%s.idx: cannot remove:", path);
		if (a.hits > 0 && a.write)
			wa_forget_dropconvs();
	}
	wa_segs_close(sg);
	return hits;
}

/* The forgotten stay suppressed, as their hash: wa-send and wa-mail still skip them. */
static long
suppression(const char *path, int email, char **keys, size_t n, const char *field)
{
	long any, hits = wa_forget_supp(path, email, keys, n, !opt.export && !opt.dryrun, &any);

	if (opt.export)
		json_object_set_new(g.out, field, json_boolean(any > 0));
	else if (hits)
		wa_warn("%s: %ld %s %s", path, hits, email ? hits == 1 ? "address" : "addresses" :
		    hits == 1 ? "number" : "numbers", opt.dryrun ? "would be hashed" :
		    "hashed, still suppressed");
	return hits;
}

/*
 * The salt, made on the first erasure. A missing one is never made again
 * over hashes made with the old one: their numbers would no longer be
 * suppressed, nor their records joined.
 */
static void
salt(char **files, size_t nfiles)
{
	const char *with = NULL, *name = wa_statefiles[WA_SF_SALT].name;
	size_t i;

	if (wa_forget_salt(0) == 0 || (errno == ENOENT && (opt.export || opt.dryrun)))
		return;
	if (errno != ENOENT)
		wa_die(WA_EXIT_USAGE, "%s/%s: not a salt (%s): restore it from a "
		    "backup; a new one would make the hashes made with it useless",
		    wa_home(), name, strerror(errno));
	for (i = 0; with == NULL && i < nfiles; i++)
		with = wa_forget_salted(files[i]) ? files[i] : NULL;
	for (i = 0; with == NULL && i < g.nlogs; i++)
		with = wa_forget_salted(g.logs[i]) ? g.logs[i] : NULL;
	if (with == NULL)
		with = wa_forget_salted(opt.ledger) ? opt.ledger : wa_forget_salted(opt.events) ? opt.events :
		    wa_forget_salted(opt.suppress) ? opt.suppress :
		    wa_forget_salted(g.esupp) ? g.esupp : NULL;
	if (with)
		wa_die(WA_EXIT_USAGE, "%s/%s: missing, but %s holds hashes made "
		    "with it: restore it from a backup", wa_home(), name, with);
	if (wa_forget_salt(1) < 0)
		wa_die(WA_EXIT_FATAL, "%s/%s:", wa_home(), name);
}

/* Add PATH (resolved: a link's target is what is erased) unless FILES has it. */
static void
addfile(char ***files, size_t *n, const char *path)
{
	char real[PATH_MAX];
	size_t i;

	if (realpath(path, real) == NULL)
		snprintf(real, sizeof real, "%s", path);
	for (i = 0; i < *n; i++)
		if (strcmp((*files)[i], real) == 0)
			return;
	*files = wa_realloc(*files, (*n + 1) * sizeof **files);
	(*files)[(*n)++] = wa_strdup(real);
}

/*
 * The files of wa_home() that hold personal data, from the one table of
 * state files; the options name other ledgers, spools and lists. A file
 * there that the table does not know is pointed out, to look at by hand.
 */
static void
statefiles(char ***files, size_t *nfiles)
{
	const struct wa_statefile *sf;
	struct dirent *d;
	char *p;
	DIR *dp;
	int i;

	for (i = 0; i < WA_SF_N; i++) {
		sf = &wa_statefiles[i];
		if (sf->personal == WA_PD_NONE || strchr(sf->name, '*'))
			continue;
		p = wa_home_path(i);
		if (sf->personal == WA_PD_RECORDS && access(p, F_OK) == 0)
			addfile(files, nfiles, p);
		else if (i == WA_SF_LEDGER && opt.ledger == NULL)
			opt.ledger = wa_strdup(p);
		else if (i == WA_SF_EVENTS && opt.events == NULL)
			opt.events = wa_strdup(p);
		else if (i == WA_SF_SUPPRESS && opt.suppress == NULL)
			opt.suppress = wa_strdup(p);
		else if (i == WA_SF_CONSENT && opt.consent == NULL)
			opt.consent = wa_strdup(p);
		else if (i == WA_SF_INBOX)
			g.inbox = wa_strdup(p);
		else if (i == WA_SF_ESUPPRESS)
			g.esupp = wa_strdup(p);
		else if (sf->personal == WA_PD_LEDGER && i != WA_SF_LEDGER) {
			g.logs = wa_realloc(g.logs, (g.nlogs + 1) * sizeof *g.logs);
			g.logs[g.nlogs++] = wa_strdup(p);
		}
		free(p);
	}
	if ((dp = opendir(wa_home())) == NULL)
		return;
	while ((d = readdir(dp)) != NULL)
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..") &&
		    wa_statefile(d->d_name) == NULL && !strstr(d->d_name, ".tmp") &&
		    !strstr(d->d_name, WA_FORGET_COPY))
			wa_warn("%s/%s: not a file wa keeps; look in it by hand",
			    wa_home(), d->d_name);
	closedir(dp);
}

static void
recoverall(char **files, size_t nfiles)
{
	size_t i;

	for (i = 0; i < nfiles; i++)
		wa_forget_recover(files[i]);
	for (i = 0; i < g.nlogs; i++)
		wa_forget_recover(g.logs[i]);
	wa_forget_recover(opt.ledger);
	wa_forget_recover(opt.events);
	wa_forget_recover(opt.suppress);
	wa_forget_recover(opt.consent);
	wa_forget_recover(g.inbox);
	wa_forget_recover(g.esupp);
}

static void
freeall(char **files, size_t nfiles)
{
	size_t i;

	for (i = 0; i < g.nphones; i++)
		free(g.phonelist[i]);
	free(g.phonelist);
	for (i = 0; i < g.nemails; i++)
		free(g.emaillist[i]);
	free(g.emaillist);
	for (i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	for (i = 0; i < g.nlogs; i++)
		free(g.logs[i]);
	free(g.logs);
	wa_hash_free(g.ids);
	wa_hash_free(g.emails);
	wa_hash_free(g.phones);
	free(opt.ledger);
	free(g.inbox);
	free(g.esupp);
	free(opt.events);
	free(opt.suppress);
	free(opt.consent);
}

enum { OPT_CONSENT = 256, OPT_EVENTS, OPT_EXPORT, OPT_LEDGER, OPT_SUPPRESS, OPT_VERSION };

static void
parseargs(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "consent", required_argument, NULL, OPT_CONSENT },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "events", required_argument, NULL, OPT_EVENTS },
		{ "export", no_argument, NULL, OPT_EXPORT },
		{ "help", no_argument, NULL, 'h' },
		{ "ledger", required_argument, NULL, OPT_LEDGER },
		{ "suppress", required_argument, NULL, OPT_SUPPRESS },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "f:hn", longs, NULL)) != -1) {
		switch (c) {
		case 'f': addfile(&opt.files, &opt.nfiles, optarg); break;
		case 'n': opt.dryrun = 1; break;
		case OPT_CONSENT: opt.consent = wa_strdup(optarg); break;
		case OPT_EVENTS: opt.events = wa_strdup(optarg); break;
		case OPT_LEDGER: opt.ledger = wa_strdup(optarg); break;
		case OPT_SUPPRESS: opt.suppress = wa_strdup(optarg); break;
		case OPT_EXPORT: opt.export = 1; break;
		case OPT_VERSION: wa_version(); break;
		case 'h': usage(0); break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	if (optind == argc)
		usage(WA_EXIT_USAGE);
	opt.who = argv + optind;
	opt.nwho = argc - optind;
}

/* The state files, the salt, what a run that died left; then all that leads to the person. */
static void
setup(void)
{
	long before;
	size_t i;
	int pass;

	statefiles(&opt.files, &opt.nfiles);
	salt(opt.files, opt.nfiles);
	if (!opt.export && !opt.dryrun)
		recoverall(opt.files, opt.nfiles);
	g.ids = wa_hash_new();
	g.emails = wa_hash_new();
	g.phones = wa_hash_new();
	for (i = 0; i < (size_t)opt.nwho; i++)
		addwho(opt.who[i]);
	/* an e-mail leads to a customer id, the id to a phone in the ledger... */
	for (pass = 0, before = -1; pass < 4 && before != g.nids; pass++) {
		before = g.nids;
		for (i = 0; i < opt.nfiles; i++)
			learnfrom(opt.files[i], K_RECORDS);
		for (i = 0; i < g.nlogs; i++)
			learnfrom(g.logs[i], K_LEDGER);
		learnfrom(opt.ledger, K_LEDGER);
		segments(opt.ledger, K_LEDGER, LEARN);
	}
}

/* Erase (or export) everywhere; how many records and numbers held them. */
static long
run(void)
{
	long hits = 0;
	size_t i;

	if (opt.export)
		g.out = json_pack("{s:[], s:[], s:[], s:[], s:[]}", "customers",
		    "orders", "ledger", "events", "consent");
	/*
	 * The customer files last: they are what leads from an e-mail to the
	 * rest, so a run that dies half way can be given the same names again.
	 */
	hits += rewrite(opt.events, K_EVENTS, LOCKED);
	hits += segments(opt.events, K_EVENTS, opt.export ? EXPORT : ERASE);
	hits += suppression(opt.suppress, 0, g.phonelist, g.nphones, "suppressed");
	hits += suppression(g.esupp, 1, g.emaillist, g.nemails, "email_suppressed");
	hits += rewrite(opt.consent, K_CONSENT, LOCKED);
	hits += rewrite(opt.ledger, K_LEDGER, LOCKED);
	hits += segments(opt.ledger, K_LEDGER, opt.export ? EXPORT : ERASE);
	/* not under the ledger's lock: wa-inbox takes its log's, then the ledger's */
	hits += rewrite(g.inbox, K_LEDGER, LOCKED);
	hits += segments(g.inbox, K_LEDGER, opt.export ? EXPORT : ERASE);
	for (i = 0; i < opt.nfiles; i++)
		hits += rewrite(opt.files[i], K_RECORDS, LOCKED);
	if (opt.export) {
		json_dumpf(g.out, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(g.out);
	}
	return hits;
}

int
main(int argc, char **argv)
{
	wa_init(&argc, &argv);
	parseargs(argc, argv);
	setup();
	if (run() == 0) {
		wa_warn("nothing is held about them");
		wa_fail(WA_EXIT_REC);
	}
	freeall(opt.files, opt.nfiles);
	return wa_finish();
}
