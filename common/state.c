/* state.c: the state directory and files that must survive a crash. */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wa.h"

const struct wa_statefile wa_statefiles[WA_SF_N] = {
	[WA_SF_LEDGER] = { "ledger.jsonl", WA_SK_JSONL, WA_PD_LEDGER, "wa-send" },
	[WA_SF_EVENTS] = { "events.jsonl", WA_SK_JSONL, WA_PD_EVENTS, "wa-hook" },
	[WA_SF_SUPPRESS] = { "suppress.txt", WA_SK_LIST, WA_PD_SUPPRESS,
	    "wa-hook, wa-send, wa-forget" },
	[WA_SF_SALT] = { "salt", WA_SK_SECRET, WA_PD_NONE, "wa-forget, wa-send" },
	[WA_SF_TEMPLATES] = { "templates.json", WA_SK_JSON, WA_PD_NONE,
	    "wa-templates" },
	/* wa-send's events, appended by scripts/journeys */
	[WA_SF_JOURNEYS] = { "journeys.jsonl", WA_SK_JSONL, WA_PD_LEDGER,
	    "scripts/journeys" },
	/* where scripts/journeys and the demo keep wa-import's output */
	[WA_SF_CUSTOMERS] = { "customers.jsonl", WA_SK_JSONL, WA_PD_RECORDS,
	    "wa-import, wa-segment (the user)" },
	[WA_SF_ORDERS] = { "orders.jsonl", WA_SK_JSONL, WA_PD_RECORDS,
	    "wa-import (the user)" },
	[WA_SF_CONFIG] = { "config", WA_SK_TEXT, WA_PD_NONE, "the user" },
	[WA_SF_JLOCK] = { ".journey-*.lock", WA_SK_LOCK, WA_PD_NONE,
	    "scripts/journeys" },
	[WA_SF_CONSENT] = { "consent.jsonl", WA_SK_JSONL, WA_PD_CONSENT,
	    "wa-hook, wa-inbox, wa-forget" },
	/* where wa-import --woocommerce left off: per store, a time and an id */
	[WA_SF_WOO] = { "woocommerce.json", WA_SK_JSON, WA_PD_NONE,
	    "wa-import --woocommerce" },
	/* what people did in conversations; erased as a ledger is */
	[WA_SF_INBOX] = { "inbox.jsonl", WA_SK_JSONL, WA_PD_LEDGER, "wa-inbox" },
	[WA_SF_SNIPPETS] = { "snippets", WA_SK_TEXT, WA_PD_NONE, "the user" },
	[WA_SF_ROUTES] = { "routes", WA_SK_TEXT, WA_PD_NONE, "the user" },
	/* how far wa-inbox route has read the spool, in bytes */
	[WA_SF_INCURSOR] = { "inbox.cursor", WA_SK_TEXT, WA_PD_NONE, "wa-inbox" },
	/* how far wa-import --shopify has read each store's customers and orders */
	[WA_SF_SHOPIFY] = { "shopify-*.cursor", WA_SK_JSON, WA_PD_NONE,
	    "wa-import --shopify" },
	/* the ledger's folded state: rebuilt from it, removed by wa-forget with it */
	[WA_SF_LEDGERIX] = { "ledger.jsonl.idx", WA_SK_INDEX, WA_PD_NONE, "wa-send" },
	/* the people who answer: names, departments, hours, how to reach them */
	[WA_SF_AGENTS] = { "agents", WA_SK_TEXT, WA_PD_NONE, "the user" },
	/* which notifications of wa-inbox route were tried, before and after */
	[WA_SF_NOTIFIED] = { "notified.jsonl", WA_SK_JSONL, WA_PD_NONE, "wa-inbox" },
	/* addresses that unsubscribed or bounced; a forgotten one kept as its hash */
	[WA_SF_ESUPPRESS] = { "suppress-email.txt", WA_SK_LIST, WA_PD_SUPPRESS,
	    "wa-mail, wa-hook, wa-forget" },
	/*
	 * a journey's cursor and what it keeps per customer (the bot's, from
	 * wa-inbox route --bot; .new until its answers are sent): folded from
	 * the spool, removed by wa-forget with a spool that held the person
	 */
	[WA_SF_JSTATE] = { "journey-*.state*", WA_SK_INDEX, WA_PD_NONE,
	    "scripts/journeys, wa-inbox route --bot" },
	/* folders of the rolled segments (segments.c), erased with their live file */
	[WA_SF_EVSEGS] = { "events", WA_SK_SEGS, WA_PD_NONE, "wa-hook" },
	[WA_SF_LEDGERSEGS] = { "ledger", WA_SK_SEGS, WA_PD_NONE, "wa-send" },
	[WA_SF_INBOXSEGS] = { "inbox", WA_SK_SEGS, WA_PD_NONE, "wa-inbox" },
	/*
	 * the web inbox's sessions, hashes of their ids: never backed up, as a
	 * restore must not bring back a session that was ended; when lost,
	 * agents log in again
	 */
	[WA_SF_WEBSESS] = { "web-sessions", WA_SK_INDEX, WA_PD_NONE,
	    "wa-inbox serve, wa-inbox logout-all" },
	/*
	 * the web inbox's uploads, a folder of files of the server's naming,
	 * each kept only while its reply runs: nothing to back up
	 */
	[WA_SF_UPLOADS] = { "uploads", WA_SK_INDEX, WA_PD_NONE, "wa-inbox serve" },
	/*
	 * the conversations folded (convsnap.c): where the spool, ledger and
	 * inbox log were read to, and each person's items; rebuilt from them,
	 * removed by wa-forget
	 */
	[WA_SF_CONVS] = { "convs.state", WA_SK_INDEX, WA_PD_NONE, "wa-inbox, wa-report" },
	[WA_SF_CONVITEMS] = { "convs.items", WA_SK_INDEX, WA_PD_NONE, "wa-inbox, wa-report" },
};

char *
wa_home_path(int which)
{
	return wa_strjoin(wa_home(), "/", wa_statefiles[which].name);
}

const struct wa_statefile *
wa_statefile(const char *name)
{
	size_t i;

	for (i = 0; i < WA_SF_N; i++)
		if (fnmatch(wa_statefiles[i].name, name, 0) == 0)
			return &wa_statefiles[i];
	return NULL;
}

/* mkdir -p, with MODE for the last component. */
static int
mkdirs(char *path, mode_t mode)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, mode) < 0 && errno != EEXIST ? -1 : 0;
}

/*
 * Another user who can write in the state directory can swap the ledger
 * or the suppression list, or plant a link where we write: refuse it.
 */
static void
trusted(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		wa_die(WA_EXIT_FATAL, "state directory '%s':", path);
	if (st.st_uid != geteuid())
		wa_die(WA_EXIT_USAGE, "state directory '%s' belongs to uid %lu, "
		    "not to you (uid %lu): chown %lu '%s', or set WA_HOME",
		    path, (unsigned long)st.st_uid, (unsigned long)geteuid(),
		    (unsigned long)geteuid(), path);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		wa_die(WA_EXIT_USAGE, "state directory '%s' is writable by %s "
		    "(mode %04o): chmod go-w '%s'", path, st.st_mode & S_IWOTH ?
		    "everyone" : "its group", (unsigned)(st.st_mode & 07777), path);
}

const char *
wa_home(void)
{
	static char path[PATH_MAX];
	const char *h, *x;
	int n;

	if (path[0])
		return path;
	if ((h = getenv("WA_HOME")) != NULL && *h)
		n = snprintf(path, sizeof path, "%s", h);
	else if ((x = getenv("XDG_STATE_HOME")) != NULL && *x)
		n = snprintf(path, sizeof path, "%s/wa", x);
	else if ((h = getenv("HOME")) != NULL && *h)
		n = snprintf(path, sizeof path, "%s/.local/state/wa", h);
	else
		wa_die(WA_EXIT_USAGE, "no state directory: set WA_HOME or HOME");
	if (n < 0 || (size_t)n >= sizeof path)
		wa_die(WA_EXIT_USAGE, "state directory path too long");
	if (mkdirs(path, 0700) < 0)
		wa_die(WA_EXIT_FATAL, "cannot create state directory '%s':", path);
	trusted(path);
	return path;
}

FILE *
wa_state_read(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	FILE *fp;

	if (fd < 0)
		return NULL;
	if ((fp = fdopen(fd, "r")) == NULL)
		close(fd);
	return fp;
}

int
wa_write(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

FILE *
wa_rewrite_open(const char *path, char **tmp)
{
	size_t n = strlen(path) + sizeof ".tmpXXXXXX";
	FILE *fp;
	int fd;

	*tmp = wa_malloc(n);
	snprintf(*tmp, n, "%s.tmpXXXXXX", path);
	if ((fd = mkstemp(*tmp)) < 0 || (fp = fdopen(fd, "w")) == NULL) {
		if (fd >= 0) {
			close(fd);
			unlink(*tmp);
		}
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	return fp;
}

int
wa_syncdir(const char *path)
{
	char *dir = wa_strdup(path), *slash = strrchr(dir, '/');
	int fd, rc;

	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		dir[0] = '.', dir[1] = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
wa_rewrite_commit(FILE *fp, char *tmp, const char *path)
{
	int rc = 0;

	if (fflush(fp) != 0 || ferror(fp) || fsync(fileno(fp)) < 0)
		rc = -1;
	if (fclose(fp) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -1;
	if (rc < 0)
		unlink(tmp);
	else
		rc = wa_syncdir(path);
	free(tmp);
	return rc;
}

int
wa_rewrite_lines(int fd, const char *path, int (*drop)(char *line, const void *arg),
    const void *arg, const char *with)
{
	char *line = NULL, *copy, *tmp;
	size_t cap = 0;
	int rfd, gone = 0, d;
	FILE *in, *out;

	if ((rfd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0)
		return -1;
	if ((in = fdopen(rfd, "r")) == NULL) {
		close(rfd);
		return -1;
	}
	if ((out = wa_rewrite_open(path, &tmp)) == NULL) {
		fclose(in);
		return -1;
	}
	while (getline(&line, &cap, in) != -1) {
		copy = wa_strdup(line);
		d = drop(copy, arg);
		free(copy);
		if (!d)
			fputs(line, out);
		else if (gone++ == 0 && with != NULL)
			fprintf(out, "%s\n", with);
	}
	free(line);
	/* A read error is no end of file: the list stays as it was, all of it. */
	d = ferror(in);
	fclose(in);
	if (gone == 0 || d) {
		fclose(out);
		unlink(tmp);
		free(tmp);
		return d ? -1 : 0;
	}
	return wa_rewrite_commit(out, tmp, path) < 0 ? -1 : gone;
}

int
wa_lock_current(int *fd, const char *path, int how)
{
	struct stat a, b;
	int nfd;

	for (;;) {
		if (flock(*fd, how) < 0 || fstat(*fd, &a) < 0)
			return -1;
		if (stat(path, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev)
			return 0;
		/* renamed over while we waited: the path names a new file */
		nfd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (nfd < 0)
			return -1;
		close(*fd);
		*fd = nfd;
	}
}

int
wa_state_untear(int fd)
{
	off_t end, at;
	char c;

	if ((end = lseek(fd, 0, SEEK_END)) <= 0)
		return (int)end;
	for (at = end - 1; at >= 0; at--) {
		if (pread(fd, &c, 1, at) != 1)
			return -1;
		if (c == '\n')
			return at + 1 < end ? ftruncate(fd, at + 1) : 0;
	}
	return ftruncate(fd, 0);
}
