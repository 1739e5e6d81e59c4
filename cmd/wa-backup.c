/*
 * wa-backup: every state file of $WA_HOME in one tar archive, gzip'd or
 * zstd'd, consistent while wa-hook and wa-send keep writing; and back.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "wa.h"

#define BLOCK 512
#define LOCKWAIT 100		/* tries 10 ms apart for a file's lock */

struct opts {
	const char *file;
	int restore, force;
};

/* The archive's bytes: through zlib, or through a zstd process. */
struct arch {
	const char *path;
	gzFile gz;
	int fd;			/* the pipe to or from zstd, else -1 */
	pid_t pid;
};

/* One file to take: open, and how many of its bytes. */
struct member {
	char *name;		/* in WA_HOME */
	int fd;			/* -1: a directory */
	off_t size;
	time_t mtime;
};

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wa-backup FILE.tar.gz|FILE.tar.zst\n"
	    "       wa-backup --restore [--force] FILE.tar.gz|FILE.tar.zst\n");
	exit(status);
}

static int
iszstd(const char *path)
{
	size_t n = strlen(path);

	if (n > 8 && strcmp(path + n - 8, ".tar.zst") == 0)
		return 1;
	if ((n > 7 && strcmp(path + n - 7, ".tar.gz") == 0) ||
	    (n > 4 && strcmp(path + n - 4, ".tgz") == 0))
		return 0;
	wa_die(WA_EXIT_USAGE, "%s: name it FILE.tar.gz or FILE.tar.zst", path);
}

/* zstd with ARG, its standard input IN and output OUT; our end of the pipe in A->fd. */
static void
zstd(struct arch *a, const char *arg, int in, int out)
{
	int p[2];

	if (pipe(p) < 0 || (a->pid = fork()) < 0)
		wa_die(WA_EXIT_FATAL, "zstd:");
	if (a->pid == 0) {
		dup2(in >= 0 ? in : p[0], 0);
		dup2(out >= 0 ? out : p[1], 1);
		close(p[0]), close(p[1]);
		execlp("zstd", "zstd", "-q", arg, "-c", (char *)NULL);
		fprintf(stderr, "%s: zstd: %s\n", wa_prog, strerror(errno));
		_exit(127);
	}
	a->fd = in >= 0 ? p[0] : p[1];
	close(in >= 0 ? p[1] : p[0]);
}

static void
awrite(struct arch *a, const void *buf, size_t n)
{
	if (a->fd >= 0 ? wa_write(a->fd, buf, n) < 0 :
	    gzwrite(a->gz, buf, (unsigned)n) != (int)n)
		wa_die(WA_EXIT_FATAL, "%s: cannot write:", a->path);
}

/* N bytes, all of them, or 0 at the archive's end; dies on a short one. */
static size_t
aread(struct arch *a, void *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = a->fd >= 0 ? read(a->fd, (char *)buf + got, n - got) :
		    gzread(a->gz, (char *)buf + got, (unsigned)(n - got));
		if (r < 0 && a->fd >= 0 && errno == EINTR)
			continue;
		if (r < 0)
			wa_die(WA_EXIT_FATAL, "%s: cannot read:", a->path);
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (got != 0 && got != n)
		wa_die(WA_EXIT_FATAL, "%s: cut short: not a whole archive", a->path);
	return got;
}

/* Close the archive: the compressor's end, its status. */
static void
aclose(struct arch *a)
{
	int st;

	if (a->fd < 0) {
		if (gzclose(a->gz) != Z_OK)
			wa_die(WA_EXIT_FATAL, "%s: cannot write", a->path);
		return;
	}
	close(a->fd);
	if (waitpid(a->pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		wa_die(WA_EXIT_FATAL, "%s: zstd failed", a->path);
}

/* A ustar header for NAME: a file of SIZE bytes, or a directory. */
static void
header(struct arch *a, const char *name, int dir, off_t size, time_t mtime)
{
	unsigned char h[BLOCK] = { 0 };
	unsigned sum = 0;
	size_t i;

	snprintf((char *)h, 100, "%s%s", name, dir ? "/" : "");
	snprintf((char *)h + 100, 8, "%07o", dir ? 0700 : 0600);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011llo", (unsigned long long)size);
	snprintf((char *)h + 136, 12, "%011llo", (unsigned long long)mtime);
	memset(h + 148, ' ', 8);
	h[156] = dir ? '5' : '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (i = 0; i < BLOCK; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	awrite(a, h, BLOCK);
}

/*
 * Open NAME and take its size under its lock. The lock keeps out a writer
 * halfway through a batch; a ledger that a wa-send run holds is taken
 * without it, as its writers only append: its complete lines are a state it
 * had, and each entry is synced before anything is done on it.
 */
static int
take(struct member *m, const char *path, int lines)
{
	struct stat st, now;
	char c;
	int i;

	for (;;) {
		if ((m->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
			return errno == ENOENT ? 0 : -1;
		for (i = 0; i < LOCKWAIT && flock(m->fd, LOCK_EX | LOCK_NB) < 0; i++)
			usleep(10000);
		if (fstat(m->fd, &st) < 0)
			return -1;
		/* renamed over while we waited: take the new one */
		if (stat(path, &now) == 0 && now.st_ino == st.st_ino && now.st_dev == st.st_dev)
			break;
		close(m->fd);
	}
	m->size = st.st_size;
	m->mtime = st.st_mtime;
	while (lines && m->size > 0 && pread(m->fd, &c, 1, m->size - 1) == 1 && c != '\n')
		m->size--;
	flock(m->fd, LOCK_UN);
	return 1;
}

static void
add(struct member **ms, size_t *n, size_t *cap, const char *name, int fd)
{
	*ms = wa_grow(*ms, cap, *n, sizeof **ms);
	memset(&(*ms)[*n], 0, sizeof **ms);
	(*ms)[*n].name = wa_strdup(name);
	(*ms)[(*n)++].fd = fd;
}

/* One state file (or those a pattern names) of the table, taken. */
static void
takefile(struct member **ms, size_t *n, size_t *cap, const struct wa_statefile *sf)
{
	char *pat = wa_strjoin(wa_home(), "/", sf->name);
	size_t i, skip = strlen(wa_home()) + 1;
	glob_t g;
	int rc;

	if (glob(pat, 0, NULL, &g) == 0)
		for (i = 0; i < g.gl_pathc; i++) {
			add(ms, n, cap, g.gl_pathv[i] + skip, -1);
			rc = take(&(*ms)[*n - 1], g.gl_pathv[i],
			    sf->kind == WA_SK_JSONL || sf->kind == WA_SK_LIST);
			if (rc < 0)
				wa_die(WA_EXIT_FATAL, "%s:", g.gl_pathv[i]);
			if (rc == 0)
				free((*ms)[--*n].name);
		}
	globfree(&g);
	free(pat);
}

/* The rolled segments of DIR: written once, then only gzip'd or erased whole. */
static void
takedir(struct member **ms, size_t *n, size_t *cap, const char *dir)
{
	char *path = wa_strjoin(wa_home(), "/", dir), *f, *name;
	struct dirent **ents;
	int i, k;

	if ((k = scandir(path, &ents, NULL, alphasort)) < 0) {
		if (errno != ENOENT)
			wa_die(WA_EXIT_FATAL, "%s:", path);
		free(path);
		return;
	}
	add(ms, n, cap, dir, -1);
	for (i = 0; i < k; i++) {
		if (ents[i]->d_name[0] != '.' && ents[i]->d_type != DT_DIR) {
			f = wa_strjoin(path, "/", ents[i]->d_name);
			name = wa_strjoin(dir, "/", ents[i]->d_name);
			add(ms, n, cap, name, -1);
			if (take(&(*ms)[*n - 1], f, 0) <= 0)
				free((*ms)[--*n].name);
			free(f);
			free(name);
		}
		free(ents[i]);
	}
	free(ents);
	free(path);
}

/* Copy M's first bytes into the archive, padded to a block. */
static void
copy(struct arch *a, struct member *m)
{
	static char buf[1 << 16];
	off_t off = 0;
	ssize_t r;
	size_t want;

	header(a, m->name, 0, m->size, m->mtime);
	while (off < m->size) {
		want = (size_t)(m->size - off) < sizeof buf ? (size_t)(m->size - off) : sizeof buf;
		if ((r = pread(m->fd, buf, want, off)) <= 0)
			wa_die(WA_EXIT_FATAL, "%s: cannot read:", m->name);
		awrite(a, buf, (size_t)r);
		off += r;
	}
	memset(buf, 0, BLOCK);
	if (m->size % BLOCK)
		awrite(a, buf, BLOCK - (size_t)(m->size % BLOCK));
}

/*
 * Every file is taken (opened, its size under its lock) before any is
 * copied: the archive holds each as it was at one moment of the start,
 * everything acknowledged before it, and a file renamed over later (by
 * wa-forget, wa-import) is still read whole through its open descriptor.
 */
static void
backup(const struct opts *o)
{
	struct member *ms = NULL;
	size_t n = 0, cap = 0, i;
	struct arch a = { o->file, NULL, -1, 0 };
	char zero[2 * BLOCK] = { 0 }, *tmp;
	FILE *fp;
	int z = iszstd(o->file);

	/* the folders of rolled segments: every file in them is taken */
	for (i = 0; i < WA_SF_N; i++)
		if (wa_statefiles[i].kind == WA_SK_SEGS)
			takedir(&ms, &n, &cap, wa_statefiles[i].name);
		else if (wa_statefiles[i].kind != WA_SK_LOCK &&
		    wa_statefiles[i].kind != WA_SK_INDEX)
			takefile(&ms, &n, &cap, &wa_statefiles[i]);
	if ((fp = wa_rewrite_open(o->file, &tmp)) == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", o->file);
	if (z)
		zstd(&a, "-3", -1, fileno(fp));
	else if ((a.gz = gzdopen(dup(fileno(fp)), "wb")) == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", o->file);
	for (i = 0; i < n; i++) {
		if (ms[i].fd < 0)
			header(&a, ms[i].name, 1, 0, time(NULL));
		else
			copy(&a, &ms[i]);
		if (ms[i].fd >= 0)
			close(ms[i].fd);
		free(ms[i].name);
	}
	awrite(&a, zero, sizeof zero);
	aclose(&a);
	free(ms);
	if (wa_rewrite_commit(fp, tmp, o->file) < 0)
		wa_die(WA_EXIT_FATAL, "%s:", o->file);
}

/* Is NAME one the archive may put in WA_HOME: a state file, or a segment? */
static int
allowed(const char *name, int dir)
{
	const char *slash = strchr(name, '/');
	const struct wa_statefile *sf;
	size_t i;

	if (name[0] == '\0' || name[0] == '.' || strstr(name, "..") != NULL)
		return 0;
	for (i = 0; i < WA_SF_N; i++) {
		const char *sd = wa_statefiles[i].name;

		if (wa_statefiles[i].kind == WA_SK_SEGS && (dir ? strcmp(name, sd) == 0 :
		    slash && (size_t)(slash - name) == strlen(sd) &&
		    strncmp(name, sd, (size_t)(slash - name)) == 0 &&
		    slash[1] != '.' && strchr(slash + 1, '/') == NULL))
			return 1;
	}
	return !dir && slash == NULL && (sf = wa_statefile(name)) != NULL &&
	    sf->kind != WA_SK_SEGS;
}

static int
empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", dir);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n == 0;
}

/* The next member's header: its name, size and type; 0 at the end. */
static int
next(struct arch *a, char name[300], unsigned long long *size, int *dir)
{
	unsigned char h[BLOCK];
	unsigned sum = 0, want;
	size_t i;

	if (aread(a, h, BLOCK) == 0 || h[0] == '\0')
		return 0;
	for (i = 0; i < BLOCK; i++)
		sum += i >= 148 && i < 156 ? ' ' : h[i];
	if (sscanf((char *)h + 148, "%o", &want) != 1 || want != sum ||
	    sscanf((char *)h + 124, "%llo", size) != 1)
		wa_die(WA_EXIT_FATAL, "%s: not a tar archive (a damaged header)", a->path);
	snprintf(name, 300, "%.155s%s%.100s", (char *)h + 345, h[345] ? "/" : "", (char *)h);
	*dir = h[156] == '5';
	if ((i = strlen(name)) > 0 && name[i - 1] == '/')
		name[i - 1] = '\0';
	return 1;
}

/* The member's SIZE bytes (and padding) into PATH, or skipped when PATH is NULL. */
static void
extract(struct arch *a, unsigned long long size, const char *path)
{
	static char buf[1 << 16];
	unsigned long long left = (size + BLOCK - 1) / BLOCK * BLOCK, data = size;
	FILE *fp = NULL;
	char *tmp = NULL;
	size_t k, w;

	if (path && (fp = wa_rewrite_open(path, &tmp)) == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", path);
	while (left > 0) {
		k = left < sizeof buf ? (size_t)left : sizeof buf;
		if (aread(a, buf, k) == 0)
			wa_die(WA_EXIT_FATAL, "%s: cut short: not a whole archive", a->path);
		w = data < k ? (size_t)data : k;
		if (fp && w > 0 && fwrite(buf, 1, w, fp) != w)
			wa_die(WA_EXIT_FATAL, "%s:", path);
		data -= w;
		left -= k;
	}
	if (fp && wa_rewrite_commit(fp, tmp, path) < 0)
		wa_die(WA_EXIT_FATAL, "%s:", path);
}

static void
restore(const struct opts *o)
{
	struct arch a = { o->file, NULL, -1, 0 };
	unsigned long long size;
	char name[300], *path;
	int dir, fd;

	if (!empty(wa_home()) && !o->force)
		wa_die(WA_EXIT_USAGE, "%s is not empty: restore into an empty WA_HOME, "
		    "or give --force to replace its files", wa_home());
	if (iszstd(o->file)) {
		if ((fd = open(o->file, O_RDONLY | O_CLOEXEC)) < 0)
			wa_die(WA_EXIT_FATAL, "%s:", o->file);
		zstd(&a, "-d", fd, -1);
		close(fd);
	} else if ((a.gz = gzopen(o->file, "rb")) == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", o->file);
	while (next(&a, name, &size, &dir)) {
		if (!allowed(name, dir)) {
			wa_warn("%s: %s: not a state file; left out", o->file, name);
			wa_fail(WA_EXIT_REC);
			extract(&a, size, NULL);
			continue;
		}
		path = wa_strjoin(wa_home(), "/", name);
		if (dir && mkdir(path, 0700) < 0 && errno != EEXIST)
			wa_die(WA_EXIT_FATAL, "%s:", path);
		if (!dir)
			extract(&a, size, path);
		free(path);
	}
	aclose(&a);
}

static void
parseargs(int argc, char **argv, struct opts *o)
{
	enum { OPT_FORCE = 256, OPT_RESTORE, OPT_VERSION };
	static const struct option longs[] = {
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "help", no_argument, NULL, 'h' },
		{ "restore", no_argument, NULL, OPT_RESTORE },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (ch) {
		case OPT_FORCE: o->force = 1; break;
		case 'h': usage(0); break;
		case OPT_RESTORE: o->restore = 1; break;
		case OPT_VERSION: wa_version(); break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	if (argc - optind != 1)
		usage(WA_EXIT_USAGE);
	o->file = argv[optind];
	if (o->force && !o->restore)
		wa_die(WA_EXIT_USAGE, "--force goes with --restore");
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };

	wa_init(&argc, &argv);
	parseargs(argc, argv, &o);
	if (o.restore)
		restore(&o);
	else
		backup(&o);
	return wa_finish();
}
