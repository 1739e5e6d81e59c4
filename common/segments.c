/*
 * segments.c: an append-only JSON lines file (the spool, the ledger, the
 * inbox log) rolled over into dated segments, and read back as one stream.
 *
 * Layout. The live file keeps its path (events.jsonl). A roll moves it into
 * the folder named as it without ".jsonl" (events/), as YYYY-MM.jsonl, the
 * month of its last line; a second roll in the same month makes
 * YYYY-MM.2.jsonl, then .3, and so on. Numbers, not days or sizes, so that
 * the order of the rolls is the order of the names (year, month, number),
 * whatever made the roll (size, month, SIGHUP); a name never sorts before the
 * newest one (a clock set back takes the newest one's month). A plain segment
 * is then gzipped (YYYY-MM.jsonl.gz) by write-then-rename; a crash between
 * that rename and the unlink of the plain one leaves both: the .gz is
 * complete, so it wins and the plain one is removed at the next pack.
 *
 * The roll is two renames under the live file's exclusive lock: the live
 * file into the folder, then a new empty file, created and locked first,
 * onto the live path. A line is thus in exactly one file at every moment; a
 * writer that waited on the old file's lock finds that the path names
 * another (wa_lock_current) and appends there. A crash between the two
 * renames leaves no live file, which the next writer creates. Both the file
 * and the folder are fsync'd before the roll counts as done.
 *
 * Readers hold the folder under a shared flock while they read. A roll asks
 * for it exclusively without waiting and is put off to the next append when
 * a reader holds it, so a reader sees the segments and the live file as they
 * were when it began, each line once. The gzip and wa-forget's rewrite of a
 * segment wait for it.
 *
 * Windows (--since, --until). The gzip notes each segment's first and last
 * times (its lines' "at") in the folder's file "index", a line a segment:
 * "NAME FIRST LAST DEV INO" ("-" for times when it has none). A reader
 * skips a segment whose times lie all outside its window without opening
 * it; a segment the index does not know is read. DEV and INO are the plain
 * file's, which was the live file: a cursor into the live file (route's)
 * finds it by them after a roll and a gzip.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "wa.h"
#include "segments-int.h"

#define TAIL 4096	/* bytes read back for the last line's time */

char *
wa_seg_dir(const char *live)
{
	size_t n = strlen(live);

	if (n > 6 && strcmp(live + n - 6, ".jsonl") == 0)
		return wa_strndup(live, n - 6);
	return wa_strjoin(live, "", ".d");
}

/* Parse a segment's name: 1, or 0 for any other file. */
static int
parsename(const char *name, struct seg *s)
{
	char rest[16];
	int len = 0;

	s->n = 1;
	if (sscanf(name, "%4d-%2d%n", &s->y, &s->m, &len) != 2 || len != 7 ||
	    s->m < 1 || s->m > 12)
		return 0;
	name += len;
	if (sscanf(name, ".%d%n", &s->n, &len) == 1 && s->n > 1)
		name += len;
	else
		s->n = 1;
	if (strlen(name) >= sizeof rest)
		return 0;
	strcpy(rest, name);
	s->gz = strcmp(rest, ".jsonl.gz") == 0;
	return s->gz || strcmp(rest, ".jsonl") == 0;
}

static int
segcmp(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	if (x->y != y->y)
		return x->y < y->y ? -1 : 1;
	if (x->m != y->m)
		return x->m < y->m ? -1 : 1;
	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return y->gz - x->gz;	/* the .gz first: it wins over its plain copy */
}

/* The name of segment V (2026-11.2) into BUF, of SZ bytes. */
static void
nameof(const struct seg *v, char *buf, size_t sz)
{
	const char *base = strrchr(v->path, '/') + 1;

	snprintf(buf, sz, "%.*s", (int)(strlen(base) - (v->gz ? 9 : 6)), base);
}

/* The segments in DIR, in roll order, a .gz before its plain copy; *N of them. */
struct seg *
wa_seg_list(const char *dir, size_t *n)
{
	struct seg *v = NULL, s;
	size_t cap = 0;
	struct dirent *d;
	DIR *dp = opendir(dir);

	*n = 0;
	while (dp && (d = readdir(dp)) != NULL) {
		if (!parsename(d->d_name, &s))
			continue;
		v = wa_grow(v, &cap, *n, sizeof *v);
		s.path = wa_strjoin(dir, "/", d->d_name);
		v[(*n)++] = s;
	}
	if (dp)
		closedir(dp);
	if (*n)
		qsort(v, *n, sizeof *v, segcmp);
	return v;
}

void
wa_seg_free(struct seg *v, size_t n)
{
	while (n-- > 0)
		free(v[n].path);
	free(v);
}

/* The same segment twice: a .gz and its plain copy. */
int
wa_seg_same(const struct seg *a, const struct seg *b)
{
	return a->y == b->y && a->m == b->m && a->n == b->n;
}

static int
monthof(time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

/* The time of the last line of FD (its field KEY), or its mtime when KEY is NULL or the line has none. */
static time_t
lasttime(int fd, const char *key)
{
	static char buf[TAIL + 1];
	struct stat st;
	size_t n, s, e, i;
	ssize_t r;
	time_t t;

	if (fstat(fd, &st) < 0)
		return time(NULL);
	n = st.st_size < TAIL ? (size_t)st.st_size : TAIL;
	if (key == NULL || (r = pread(fd, buf, n, st.st_size - (off_t)n)) != (ssize_t)n)
		return st.st_mtime;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	for (i = n; i > 0 && buf[i - 1] != '\n'; i--)
		;
	buf[n] = '\0';
	if (wa_json_span(buf + i, n - i, key, &s, &e) == 0 && e - s > 2 &&
	    buf[i + s] == '"') {
		buf[i + e - 1] = '\0';
		if (wa_time_parse(buf + i + s + 1, WA_DATES_ANY, &t) == 0)
			return t;
	}
	return st.st_mtime;
}

int
wa_seg_due(int fd, long long max, const char *key)
{
	struct stat st;

	if (fstat(fd, &st) < 0 || st.st_size == 0)
		return 0;
	if (max > 0 && st.st_size >= max)
		return 1;
	return monthof(lasttime(fd, key)) < monthof(key ? wa_now() : time(NULL));
}

/* The path of the next segment in DIR for a file whose last line is of MONTH. */
static char *
nextname(const char *dir, int month)
{
	char name[64];
	size_t n;
	struct seg *v = wa_seg_list(dir, &n);
	int last = n ? v[n - 1].y * 12 + v[n - 1].m - 1 : -1, num = 1;

	if (month <= last) {
		month = last;
		num = v[n - 1].n + 1;
	}
	if (num == 1)
		snprintf(name, sizeof name, "%04d-%02d.jsonl", month / 12, month % 12 + 1);
	else
		snprintf(name, sizeof name, "%04d-%02d.%d.jsonl", month / 12,
		    month % 12 + 1, num);
	wa_seg_free(v, n);
	return wa_strjoin(dir, "/", name);
}

/* The folder of LIVE, created, open and flocked HOW; -1 with errno. */
int
wa_seg_lock(const char *dir, int how, int create)
{
	int dfd;

	if (create && mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -1;
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	if (flock(dfd, how) < 0) {
		close(dfd);
		return -1;
	}
	return dfd;
}

/* A new temporary file from the template TMP, open for FLAGS (O_APPEND); -1 with errno. */
static int
mktmp(char *tmp, int flags)
{
	int fd = mkstemp(tmp);

	if (fd >= 0 && (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ||
	    (flags && fcntl(fd, F_SETFL, flags) < 0))) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	return fd;
}

/* The two renames, with the new file NFD already locked; 0 or -1. */
static int
swap(const char *live, const char *tmp, const char *seg, int dfd)
{
	if (rename(live, seg) < 0)
		return -1;
	if (rename(tmp, live) < 0)
		return -1;
	return fsync(dfd) < 0 || wa_syncdir(live) < 0 ? -1 : 0;
}

int
wa_seg_roll(const char *live, int *fd, const char *key)
{
	char *dir = wa_seg_dir(live), *seg = NULL;
	char *tmp = wa_strjoin(live, "", ".tmpXXXXXX");
	int dfd, nfd = -1, rc = -1, err;

	if ((dfd = wa_seg_lock(dir, LOCK_EX | LOCK_NB, 1)) < 0) {
		rc = errno == EWOULDBLOCK ? 1 : -1;
		goto out;
	}
	seg = nextname(dir, monthof(lasttime(*fd, key)));
	if (fsync(*fd) < 0 ||
	    (nfd = mktmp(tmp, O_APPEND)) < 0 ||
	    flock(nfd, LOCK_EX) < 0)
		goto out;
	if (swap(live, tmp, seg, dfd) < 0)
		goto out;
	close(*fd);
	*fd = nfd;
	nfd = -1;
	rc = 0;
out:
	err = errno;
	if (nfd >= 0) {
		close(nfd);
		unlink(tmp);
	}
	if (dfd >= 0)
		close(dfd);
	free(dir);
	free(seg);
	free(tmp);
	errno = err;
	return rc;
}

/* Widen [*FIRST, *LAST] by the "at" of LINE[0..N) (an order's "created_at" when it has none). */
static void
span(const char *line, size_t n, time_t *first, time_t *last)
{
	char buf[64];
	size_t s, e;
	time_t t;

	if ((wa_json_span(line, n, "at", &s, &e) < 0 &&
	    wa_json_span(line, n, "created_at", &s, &e) < 0) || e - s < 3 ||
	    e - s > sizeof buf || line[s] != '"')
		return;
	memcpy(buf, line + s + 1, e - s - 2);
	buf[e - s - 2] = '\0';
	if (wa_time_parse(buf, WA_DATES_ANY, &t) < 0)
		return;
	if (*first == 0 || t < *first)
		*first = t;
	if (t > *last)
		*last = t;
}

/* Gzip IN into a new GZPATH (write-then-rename), noting its times; 0 or -1. */
static int
gzipto(FILE *in, const char *gzpath, time_t *first, time_t *last)
{
	char *tmp = wa_strjoin(gzpath, "", ".tmpXXXXXX"), *line = NULL;
	size_t cap = 0;
	ssize_t n;
	gzFile gz = NULL;
	int fd, rc = -1;

	*first = *last = 0;
	if ((fd = mktmp(tmp, 0)) < 0)
		goto out;
	if ((gz = gzdopen(dup(fd), "wb6")) == NULL)
		goto out;
	while ((n = getline(&line, &cap, in)) > 0) {
		span(line, (size_t)n, first, last);
		if (gzwrite(gz, line, (unsigned)n) != (int)n)
			goto out;
	}
	rc = ferror(in) ? -1 : 0;
out:
	if (gz && gzclose(gz) != Z_OK)
		rc = -1;
	if (fd >= 0 && (fsync(fd) < 0 || close(fd) < 0))
		rc = -1;
	if (rc == 0 && rename(tmp, gzpath) < 0)
		rc = -1;
	if (rc < 0 && fd >= 0)
		unlink(tmp);
	free(line);
	free(tmp);
	return rc;
}

/* Note SEG's times and the device and inode of its plain file (ST) in the folder's index. */
static int
note(const char *dir, const char *gzpath, time_t first, time_t last,
    const struct stat *st)
{
	char a[WA_TIMEBUF], b[WA_TIMEBUF], *ix = wa_strjoin(dir, "/", "index");
	const char *name = strrchr(gzpath, '/') + 1;
	int fd = open(ix, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	FILE *fp;
	int rc = -1;

	free(ix);
	if (fd < 0 || (fp = fdopen(fd, "a")) == NULL) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fprintf(fp, "%.*s %s %s %llu %llu\n", (int)(strlen(name) - 9), name,
	    first > 0 ? wa_time_fmt(first, a) : "-",
	    first > 0 ? wa_time_fmt(last, b) : "-",
	    (unsigned long long)st->st_dev, (unsigned long long)st->st_ino);
	if (fflush(fp) == 0 && fsync(fd) == 0)
		rc = 0;
	if (fclose(fp) != 0)
		rc = -1;
	return rc;
}

/* Gzip the plain segment V, or drop it when its .gz is there already. */
static int
pack1(const char *dir, int dfd, const struct seg *v, int hasgz)
{
	char *gzpath;
	time_t first, last;
	struct stat st;
	FILE *in;
	int rc;

	if (hasgz)
		return unlink(v->path) < 0 || fsync(dfd) < 0 ? -1 : 0;
	if ((in = wa_state_read(v->path)) == NULL)
		return -1;
	if (fstat(fileno(in), &st) < 0) {
		fclose(in);
		return -1;
	}
	gzpath = wa_strjoin(v->path, "", ".gz");
	rc = gzipto(in, gzpath, &first, &last);
	fclose(in);
	if (rc == 0 && (fsync(dfd) < 0 || note(dir, gzpath, first, last, &st) < 0 ||
	    unlink(v->path) < 0 || fsync(dfd) < 0))
		rc = -1;
	free(gzpath);
	return rc;
}

int
wa_seg_pack(const char *live)
{
	char *dir = wa_seg_dir(live);
	struct seg *v;
	size_t n, i;
	int dfd, rc = 0;

	if ((dfd = wa_seg_lock(dir, LOCK_EX, 0)) < 0) {
		free(dir);
		return errno == ENOENT ? 0 : -1;
	}
	v = wa_seg_list(dir, &n);
	for (i = 0; i < n && rc == 0; i++)
		if (!v[i].gz)
			rc = pack1(dir, dfd, &v[i],
			    i > 0 && wa_seg_same(&v[i - 1], &v[i]));
	wa_seg_free(v, n);
	close(dfd);
	free(dir);
	return rc;
}

char *
wa_seg_stem(const char *path)
{
	size_t n = strlen(path);

	if (n > 9 && strcmp(path + n - 9, ".jsonl.gz") == 0)
		return wa_strndup(path, n - 9);
	if (n > 6 && strcmp(path + n - 6, ".jsonl") == 0)
		return wa_strndup(path, n - 6);
	return wa_strdup(path);
}

char *
wa_seg_newestname(const char *live)
{
	char *dir = wa_seg_dir(live), name[64] = "-";
	struct seg *v;
	size_t n;

	v = wa_seg_list(dir, &n);
	if (n > 0)
		nameof(&v[n - 1], name, sizeof name);
	wa_seg_free(v, n);
	free(dir);
	return wa_strdup(name);
}

char *
wa_seg_newest(const char *live)
{
	char *dir = wa_seg_dir(live), *stem = NULL;
	struct seg *v;
	size_t n;

	v = wa_seg_list(dir, &n);
	if (n > 0)
		stem = wa_seg_stem(v[n - 1].path);
	wa_seg_free(v, n);
	free(dir);
	return stem;
}

/* The .gz PATH decompressed into a temporary file, at its beginning; NULL. */
static FILE *
gunzip(const char *path)
{
	FILE *out = tmpfile();
	char buf[65536];
	gzFile g;
	int r;

	if (out == NULL)
		return NULL;
	if ((g = gzopen(path, "rb")) == NULL) {
		fclose(out);
		return NULL;
	}
	while ((r = gzread(g, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)r, out);
	if ((gzclose(g) != Z_OK) | (r < 0) | (fflush(out) != 0)) {
		fclose(out);
		return NULL;
	}
	rewind(out);
	return out;
}

/* The device and inode segment V had as a plain file, from IX for a .gz; 0 or -1. */
static int
segid(FILE *ix, const struct seg *v, unsigned long long *dev, unsigned long long *ino)
{
	const char *base = strrchr(v->path, '/') + 1;
	size_t blen = strlen(base) - (v->gz ? 9 : 6);
	char buf[256], name[64];
	struct stat st;

	if (!v->gz) {
		if (stat(v->path, &st) < 0)
			return -1;
		*dev = (unsigned long long)st.st_dev;
		*ino = (unsigned long long)st.st_ino;
		return 0;
	}
	if (ix == NULL)
		return -1;
	rewind(ix);
	while (fgets(buf, sizeof buf, ix) != NULL)
		if (sscanf(buf, "%63s %*s %*s %llu %llu", name, dev, ino) == 3 &&
		    strlen(name) == blen && strncmp(name, base, blen) == 0)
			return 0;
	return -1;
}

/* Of segments V[0..N), the one that was DEV/INO: its index, or N. */
static size_t
findid(FILE *ix, const struct seg *v, size_t n, size_t from, unsigned long long dev,
    unsigned long long ino)
{
	unsigned long long d, i;
	size_t k;

	for (k = from; k < n; k++)
		if (segid(ix, &v[k], &d, &i) == 0 && d == dev && i == ino)
			return k;
	return n;
}

/* Of segments V[0..N), the first named after AFTER (a name as 2026-11.2), or 0 for a bad name. */
static size_t
pastname(const struct seg *v, size_t n, const char *after)
{
	char name[64];
	struct seg a;
	size_t k;

	snprintf(name, sizeof name, "%s.jsonl", after);
	if (!parsename(name, &a))
		return 0;
	for (k = 0; k < n && segcmp(&v[k], &a) <= 0; k++)
		;
	return k;
}

/*
 * wa_seg_byid, and wa_seg_after when AFTER is not NULL: the search then
 * starts past the segment it names, with no going back, and AFTER is set
 * to the name of the one found.
 */
static FILE *
byid(const char *live, unsigned long long *dev, unsigned long long *ino,
    size_t *from, char *after, size_t aftersz)
{
	char *dir = wa_seg_dir(live), *ixpath = wa_strjoin(dir, "/", "index");
	FILE *ix, *fp = NULL;
	struct seg *v;
	struct stat st;
	size_t n, k;
	int dfd;

	if ((dfd = wa_seg_lock(dir, LOCK_SH, 0)) < 0) {
		free(dir), free(ixpath);
		return NULL;
	}
	ix = wa_state_read(ixpath);
	v = wa_seg_list(dir, &n);
	if (after && *after)
		*from = pastname(v, n, after);
	if ((k = findid(ix, v, n, *from, *dev, *ino)) == n && *from > 0 &&
	    !(after && *after))
		k = findid(ix, v, n, 0, *dev, *ino);
	if (k < n && after)
		nameof(&v[k], after, aftersz);
	if (k < n &&
	    (fp = v[k].gz ? gunzip(v[k].path) : wa_state_read(v[k].path)) != NULL) {
		while (++k < n && wa_seg_same(&v[k - 1], &v[k]))
			;	/* a plain copy of the .gz */
		*from = k;
		*dev = *ino = 0;
		if (k < n)
			segid(ix, &v[k], dev, ino);
		else if (stat(live, &st) == 0) {
			*dev = (unsigned long long)st.st_dev;
			*ino = (unsigned long long)st.st_ino;
		}
	}
	if (ix)
		fclose(ix);
	wa_seg_free(v, n);
	close(dfd);
	free(dir), free(ixpath);
	return fp;
}

FILE *
wa_seg_byid(const char *live, unsigned long long *dev, unsigned long long *ino, size_t *from)
{
	return byid(live, dev, ino, from, NULL, 0);
}

FILE *
wa_seg_after(const char *live, char *after, size_t aftersz,
    unsigned long long *dev, unsigned long long *ino)
{
	size_t from = 0;

	return byid(live, dev, ino, &from, after, aftersz);
}

/*
 * The keys file wa-hook wrote beside segment PATH (spool.c) holds its
 * opt-outs' lines: a rewrite (wa-forget) drops it, before the segment
 * changes, and wa-hook's next start-up writes it again from the segment
 * if it is within the dedupe horizon.
 */
static void
dropkeys(const char *path)
{
	char *stem = wa_seg_stem(path), *kp = wa_strjoin(stem, "", ".keys");

	if (unlink(kp) < 0 && errno != ENOENT)
		wa_warn("%s: cannot remove:", kp);
	free(stem);
	free(kp);
}

/*
 * Rewrite segment PATH through FN (IN, its lines; OUT, the new ones):
 * a .gz is read through a temporary copy and gzipped anew. The caller
 * holds the folder (WA_SEGS_EX). FN's count, or -1.
 */
long
wa_seg_rewrite(const char *path, long (*fn)(FILE *, FILE *, void *), void *arg)
{
	size_t n = strlen(path);
	int gz = n > 3 && strcmp(path + n - 3, ".gz") == 0;
	FILE *in = gz ? gunzip(path) : wa_state_read(path), *out;
	char *tmp = NULL;
	time_t first, last;
	long hits;
	int r;

	if (in == NULL)
		return -1;
	out = gz ? tmpfile() : wa_rewrite_open(path, &tmp);
	if (out == NULL) {
		fclose(in);
		return -1;
	}
	hits = fn(in, out, arg);
	fclose(in);
	if (hits <= 0) {
		fclose(out);
		if (tmp)
			unlink(tmp);
		free(tmp);
		return hits;
	}
	dropkeys(path);
	if (!gz)
		return wa_rewrite_commit(out, tmp, path) < 0 ? -1 : hits;
	rewind(out);
	r = gzipto(out, path, &first, &last);
	fclose(out);
	return r < 0 || wa_syncdir(path) < 0 ? -1 : hits;
}
