/*
 * spool.c: the webhook event spool, an append-only file of JSON lines.
 * An event is acknowledged only once it is on disk, and one fdatasync
 * covers every event that arrived while the last one ran (group commit):
 * a thread that finds no write going on writes out all that is pending,
 * the others wait for it. Meta delivers at least once, so events seen
 * before, in this run or one before it, are dropped by a dedupe key:
 * the keys of every event in the spool are kept as fingerprints.
 *
 * The spool rolls into dated segments (segments.c) at a size, at a month's
 * end, or when asked (SIGHUP), between two batches: the roll is made by the
 * thread that writes, under the file's lock held exclusively, so no batch
 * is half in one file. The fingerprints stay, and are read back from the
 * segments at start, so a redelivery after a roll is still a duplicate.
 * The gzip of a new segment runs in a thread of its own, acknowledging
 * nothing waits for it.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "hook.h"

#define RING 65536	/* batches remembered as failed */

struct wa_spool {
	int fd;
	char *path;
	off_t size;
	pthread_mutex_t mu;
	pthread_cond_t written;
	struct wa_fpset *done;	/* keys of the events on disk */
	struct wa_hash *pend;	/* keys of the batch being gathered */
	struct wa_hash *fl;	/* keys of the batch being written, or NULL */
	struct wa_buf pending;	/* lines of the batch being gathered */
	char **pkeys;		/* and their keys, forgotten if it fails */
	size_t npkeys, pkcap;
	long batch;		/* the batch being gathered */
	long committed;		/* the last batch written out, well or not */
	long failed[RING];
	int flushing;
	int broken;		/* a failed write could not be cut */
	long nstored, ndup, nbad;
	struct wa_outq *out;	/* wa-hook -o -, or NULL */
	long long rollsize;	/* roll at this size (0: only by month or asked) */
	int rollnow;		/* asked (SIGHUP) */
	int packing;		/* the packer runs */
	pthread_t packer;
	int packed;		/* a packer was started: join it */
};

/* The batch holding KEY: 0 on disk, -1 never seen. */
static long
lookup(struct wa_spool *s, const char *key)
{
	if (wa_hash_get(s->pend, key))
		return s->batch;
	if (s->fl && wa_hash_get(s->fl, key))
		return s->batch - 1;
	return wa_fpset_has(s->done, wa_fp(key)) ? 0 : -1;
}

/* Cut a last line the crash left without its newline: it was never acknowledged. */
static int
cuttorn(struct wa_spool *s)
{
	char c;
	off_t end;

	if ((end = lseek(s->fd, 0, SEEK_END)) <= 0)
		return (int)end;
	for (off_t at = end - 1; at >= 0; at--) {
		if (pread(s->fd, &c, 1, at) != 1)
			return -1;
		if (c == '\n') {
			if (at + 1 < end && ftruncate(s->fd, at + 1) < 0)
				return -1;
			return 0;
		}
	}
	return ftruncate(s->fd, 0);
}

static void
load(struct wa_spool *s, wa_spool_fn *fn, void *arg)
{
	static const char *const keys[] = { "event", "wamid", "hook_id",
	    "status", "group", "to", "user_id", "from", "at" };
	struct wa_segs *sg = wa_segs_open(s->path, 0, 0, 0);
	json_t *o = json_object();
	struct wa_buf key = { 0 };
	char *line = NULL;
	size_t cap = 0, errat;
	ssize_t n;
	long lineno = 0;

	while (sg && (n = wa_segs_line(sg, &line, &cap)) > 0) {
		lineno++;
		if (wa_json_pick(line, (size_t)n - 1, keys, sizeof keys /
		    sizeof *keys, o, &errat) < 0) {
			if (s->nbad++ == 0)
				wa_warnat(wa_segs_file(sg), lineno, "not an event, ignored");
			continue;
		}
		wa_hook_key(o, line, (size_t)n - 1, &key);
		wa_fpset_add(s->done, wa_fp(wa_buf_str(&key)));
		if (fn)
			fn(o, arg);
	}
	if (sg && wa_segs_error(sg))
		wa_warn("%s: cannot read all of it; its events may come again",
		    wa_segs_file(sg));
	wa_segs_close(sg);
	if (s->nbad > 1)
		wa_warn("%s: %ld lines in all are no events, ignored", s->path,
		    s->nbad);
	free(line);
	wa_buf_free(&key);
	json_decref(o);
}

struct wa_spool *
wa_spool_open(const char *path, wa_spool_fn *fn, void *arg)
{
	struct wa_spool *s = wa_calloc(1, sizeof *s);

	s->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (s->fd < 0 || cuttorn(s) < 0) {
		if (s->fd >= 0)
			close(s->fd);
		free(s);
		return NULL;
	}
	s->size = lseek(s->fd, 0, SEEK_END);
	s->path = wa_strdup(path);
	s->done = wa_fpset_new();
	s->pend = wa_hash_new();
	s->batch = 1;
	memset(s->failed, -1, sizeof s->failed);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->written, NULL);
	load(s, fn, arg);
	return s;
}

void
wa_spool_stream(struct wa_spool *s, FILE *fp)
{
	fflush(fp);
	s->out = wa_outq_new(fileno(fp), (size_t)4 << 20);
}

/*
 * Lock the spool against wa-forget, which rewrites it under an exclusive
 * lock and renames the new file into place: append to the file the path
 * names now, at its end now.
 */
static int
hold(struct wa_spool *s)
{
	int fd = s->fd;

	if (wa_lock_current(&s->fd, s->path, LOCK_SH) < 0)
		return -1;
	if (s->fd != fd)
		s->size = lseek(s->fd, 0, SEEK_END);
	return 0;
}

/*
 * Roll the spool, held shared, when asked (WANT) or due; it is then held
 * exclusively until flush lets go. 0: rolled, 1: not now, -1: failed.
 */
static int
roll(struct wa_spool *s, int want)
{
	struct stat st;
	int r;

	if (!want && !wa_seg_due(s->fd, s->rollsize, NULL))
		return 1;
	if (wa_lock_current(&s->fd, s->path, LOCK_EX) < 0)
		return -1;
	s->size = lseek(s->fd, 0, SEEK_END);	/* the lock may have reopened it */
	/* another wa-hook on the same spool may have rolled it meanwhile */
	if (fstat(s->fd, &st) < 0 || st.st_size == 0 ||
	    (!want && !wa_seg_due(s->fd, s->rollsize, NULL)))
		return 1;
	if ((r = wa_seg_roll(s->path, &s->fd, NULL)) < 0)
		wa_warn("%s: cannot roll over:", s->path);
	if (r == 0)
		s->size = 0;
	return r;
}

static void *
packer(void *arg)
{
	struct wa_spool *s = arg;

	if (wa_seg_pack(s->path) < 0)
		wa_warn("%s: cannot gzip its segments:", s->path);
	pthread_mutex_lock(&s->mu);
	s->packing = 0;
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Gzip the segments in a thread of their own; called with the lock held. */
static void
startpack(struct wa_spool *s)
{
	if (s->packing)
		return;
	if (s->packed)
		pthread_join(s->packer, NULL);
	s->packed = s->packing = pthread_create(&s->packer, NULL, packer, s) == 0;
}

/* Write out the pending batch; called and returns with the lock held. */
static void
flush(struct wa_spool *s)
{
	struct wa_buf b = s->pending;
	char **keys = s->pkeys;
	size_t nkeys = s->npkeys, i;
	long batch = s->batch++;
	int rc, want = s->rollnow, rolled = 1;

	memset(&s->pending, 0, sizeof s->pending);
	s->fl = s->pend;
	s->pend = wa_hash_new();
	s->pkeys = NULL;
	s->npkeys = s->pkcap = 0;
	s->flushing = 1;
	s->rollnow = 0;
	pthread_mutex_unlock(&s->mu);
	rc = s->broken ? -1 : hold(s);
	if (rc == 0)
		rolled = roll(s, want);
	if (rc == 0 && (rc = wa_write(s->fd, b.s, b.len)) == 0)
		rc = fdatasync(s->fd);
	if (rc < 0 && !s->broken) {
		wa_warn("%s: cannot write events:", s->path);
		/*
		 * Not acknowledged, so Meta sends them again: forget them. A
		 * part line that cannot be cut would swallow the next event:
		 * then nothing more is taken until a restart cuts it.
		 */
		if (ftruncate(s->fd, s->size) < 0) {
			wa_warn("%s: cannot cut a failed write; refusing events "
			    "until a restart:", s->path);
			s->broken = 1;
		}
	}
	flock(s->fd, LOCK_UN);
	/* without the lock: a slow reader of the copy holds up nothing */
	if (rc == 0 && s->out && b.len)
		wa_outq_put(s->out, b.s, b.len);
	pthread_mutex_lock(&s->mu);
	if (rc < 0) {
		s->failed[batch % RING] = batch;
	} else {
		for (i = 0; i < nkeys; i++)
			wa_fpset_add(s->done, wa_fp(keys[i]));
		s->size += (off_t)b.len;
		s->nstored += (long)nkeys;
	}
	for (i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	wa_buf_free(&b);
	wa_hash_free(s->fl);
	s->fl = NULL;
	s->committed = batch;
	s->flushing = 0;
	if (rolled == 0)
		startpack(s);
	else if (want && rolled > 0 && s->size > 0)
		s->rollnow = 1;	/* a reader held the segments: at the next batch */
	pthread_cond_broadcast(&s->written);
}

/*
 * Take LINE into the pending batch unless KEY was seen; returns the batch
 * the event waits for (0: none, it is on disk) and sets *ISNEW.
 */
static long
gather(struct wa_spool *s, const char *key, const char *line, size_t n,
    int *isnew)
{
	long b = lookup(s, key);

	*isnew = b < 0;
	if (b >= 0) {
		s->ndup++;
		return b > s->committed ? b : 0;
	}
	wa_hash_put(s->pend, key, (void *)1);
	wa_buf_add(&s->pending, line, n);
	wa_buf_addc(&s->pending, '\n');
	if (s->npkeys == s->pkcap) {
		s->pkcap = s->pkcap ? 2 * s->pkcap : 16;
		s->pkeys = wa_realloc(s->pkeys, s->pkcap * sizeof *s->pkeys);
	}
	s->pkeys[s->npkeys++] = wa_strdup(key);
	return s->batch;
}

int
wa_spool_add(struct wa_spool *s, json_t *const *evs, size_t n, size_t *nnew)
{
	struct wa_buf key = { 0 };
	char **lines = wa_calloc(n + 1, sizeof *lines);
	char **keys = wa_calloc(n + 1, sizeof *keys);
	long lo = 0, hi = 0, b;
	size_t i;
	int rc = 0, isnew;

	/* the work that needs no lock is done before taking it */
	for (i = 0; i < n; i++) {
		if ((lines[i] = wa_json_line(evs[i])) == NULL) {
			rc = -1;
			continue;
		}
		wa_hook_key(evs[i], lines[i], strlen(lines[i]), &key);
		keys[i] = wa_strdup(wa_buf_str(&key));
	}
	*nnew = 0;
	pthread_mutex_lock(&s->mu);
	for (i = 0; i < n; i++) {
		if (lines[i] == NULL)
			continue;
		b = gather(s, keys[i], lines[i], strlen(lines[i]), &isnew);
		*nnew += (size_t)isnew;
		if (b > 0 && (lo == 0 || b < lo))
			lo = b;
		if (b > hi)
			hi = b;
	}
	while (s->committed < hi) {
		if (!s->flushing)
			flush(s);
		else
			pthread_cond_wait(&s->written, &s->mu);
	}
	for (b = lo; hi > 0 && b <= hi; b++)
		if (s->failed[b % RING] == b)
			rc = -1;
	pthread_mutex_unlock(&s->mu);
	for (i = 0; i < n; i++) {
		free(lines[i]);
		free(keys[i]);
	}
	free(lines);
	free(keys);
	wa_buf_free(&key);
	return rc;
}

int
wa_spool_seen(struct wa_spool *s, json_t *ev)
{
	struct wa_buf key = { 0 };
	char *line = wa_json_line(ev);
	int seen;

	if (line == NULL)
		return 0;
	wa_hook_key(ev, line, strlen(line), &key);
	pthread_mutex_lock(&s->mu);
	seen = lookup(s, wa_buf_str(&key)) >= 0;
	pthread_mutex_unlock(&s->mu);
	free(line);
	wa_buf_free(&key);
	return seen;
}

void
wa_spool_rollat(struct wa_spool *s, long long size)
{
	s->rollsize = size;
}

void
wa_spool_roll(struct wa_spool *s)
{
	pthread_mutex_lock(&s->mu);
	while (s->flushing)
		pthread_cond_wait(&s->written, &s->mu);
	s->rollnow = 1;
	flush(s);
	pthread_mutex_unlock(&s->mu);
}

void
wa_spool_counts(struct wa_spool *s, long *stored, long *dup)
{
	pthread_mutex_lock(&s->mu);
	*stored = s->nstored;
	*dup = s->ndup;
	pthread_mutex_unlock(&s->mu);
}

int
wa_spool_close(struct wa_spool *s)
{
	long lost;
	int rc;

	pthread_mutex_lock(&s->mu);
	while (s->flushing)
		pthread_cond_wait(&s->written, &s->mu);
	if (s->pending.len)
		flush(s);
	pthread_mutex_unlock(&s->mu);
	if (s->packed)
		pthread_join(s->packer, NULL);
	rc = fsync(s->fd);
	if (close(s->fd) < 0)
		rc = -1;
	if (s->out && (lost = wa_outq_close(s->out, 1)) > 0)
		wa_warn("%ld events not written to the output, which was not "
		    "read (the spool has them)", lost);
	wa_fpset_free(s->done);
	wa_hash_free(s->pend);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->written);
	free(s->path);
	free(s);
	return rc;
}
