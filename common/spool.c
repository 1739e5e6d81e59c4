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
 * is half in one file. The gzip of a new segment runs in a thread of its
 * own, acknowledging nothing waits for it.
 *
 * Dedupe across rolls, within a horizon. Meta redelivers a webhook for 7
 * days at most (36 hours for other Graph webhooks), so a key matters only
 * while a redelivery of it may come: keys of events stored before the
 * horizon (30 days by default, wa-hook --dedupe-horizon) need not be known.
 * The roll writes the segment's keys, as 64-bit fingerprints, next to it
 * (YYYY-MM.N.keys: "wa-keys 1 COUNT", the fingerprints, then the lines of
 * its opt-outs and opt-ins, which the start-up's FN is given again). Start-up
 * reads the keys files of the segments written to within the horizon (the
 * keys file's mtime is the roll's, the segment's last write) and the live
 * file, never a segment itself, so it costs the horizon, not the history;
 * an event seen before a roll is still known after it, within the horizon.
 * A segment without keys file (a crash after the roll, or rolled before
 * keys were kept) is read once, within the horizon, and its keys written.
 * A wa-hook that runs for months keeps to the horizon too: the keys are
 * held in a set per segment, beside the live file's, and a segment's set
 * is dropped once its last write (its roll) falls behind the horizon, so
 * memory holds the keys of the horizon and of the live file, not of the
 * history.
 * The consent rule that a START older than the last STOP is not applied
 * needs no more: a START redelivered now is at most 7 days old, so a later
 * STOP was stored after it, within the horizon.
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

/* The keys of a rolled segment, known while it is within the horizon. */
struct gen {
	struct wa_fpset *set;
	time_t at;	/* its last write: its roll, its keys file's mtime */
};

struct wa_spool {
	int fd;
	char *path;
	off_t size;
	pthread_mutex_t mu;
	pthread_cond_t written;
	struct wa_fpset *done;	/* keys of the events in the live file */
	struct gen *gens;	/* and of the segments within the horizon */
	size_t ngens, gcap;
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
	time_t horizon;		/* keys kept for this long (0: all) */
	struct wa_buf livefp;	/* the live file's fingerprints, for its keys file */
	struct wa_buf livecons;	/* and its consent lines */
};

/* The batch holding KEY: 0 on disk, -1 never seen. */
static long
lookup(struct wa_spool *s, const char *key)
{
	unsigned long long fp;
	size_t i;

	if (wa_hash_get(s->pend, key))
		return s->batch;
	if (s->fl && wa_hash_get(s->fl, key))
		return s->batch - 1;
	if (wa_fpset_has(s->done, fp = wa_fp(key)))
		return 0;
	for (i = 0; i < s->ngens; i++)
		if (wa_fpset_has(s->gens[i].set, fp))
			return 0;
	return -1;
}

/* SET (NULL: a new one), the keys of a segment last written at AT; SET. */
static struct wa_fpset *
newgen(struct wa_spool *s, time_t at, struct wa_fpset *set)
{
	s->gens = wa_grow(s->gens, &s->gcap, s->ngens, sizeof *s->gens);
	s->gens[s->ngens].at = at;
	return s->gens[s->ngens++].set = set ? set : wa_fpset_new();
}

/* Drop the keys of the segments last written before the horizon. */
static void
evict(struct wa_spool *s)
{
	time_t edge = time(NULL) - s->horizon;
	size_t i, k = 0, n = 0, kept = wa_fpset_count(s->done);

	if (s->horizon <= 0)
		return;
	for (i = 0; i < s->ngens; i++)
		if (s->gens[i].at < edge) {
			n += wa_fpset_count(s->gens[i].set);
			wa_fpset_free(s->gens[i].set);
		} else {
			kept += wa_fpset_count(s->gens[i].set);
			s->gens[k++] = s->gens[i];
		}
	if (k < s->ngens)
		wa_warn("%s: forgot the keys of %zu events of segments rolled "
		    "before the dedupe horizon; %zu known", s->path, n, kept);
	s->ngens = k;
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

/* Might LINE[0..N) be an opt-out or opt-in (jansson's compact form)? FN is given those. */
static int
consentline(const char *line, size_t n)
{
	static const char pat[] = "\"event\":\"opt_";
	size_t i;

	for (i = 0; i + sizeof pat - 1 <= n; i++)
		if (line[i] == '"' && memcmp(line + i, pat, sizeof pat - 1) == 0)
			return 1;
	return 0;
}

/*
 * The events of SG: their keys into SET and FPS, the consent lines
 * into CONS, each event to FN (all of them, or only the consent ones when
 * ALL is 0). Broken lines are counted, the first one said.
 */
static void
readkeys(struct wa_spool *s, struct wa_fpset *set, struct wa_segs *sg,
    struct wa_buf *fps, struct wa_buf *cons, int all, wa_spool_fn *fn,
    void *arg)
{
	static const char *const keys[] = { "event", "wamid", "hook_id",
	    "status", "group", "to", "user_id", "from", "at" };
	json_t *o = json_object();
	struct wa_buf key = { 0 };
	unsigned long long fp;
	char *line = NULL;
	size_t cap = 0, errat;
	ssize_t n;
	long lineno = 0;
	int c;

	while ((n = wa_segs_line(sg, &line, &cap)) > 0) {
		lineno++;
		if (wa_json_pick(line, (size_t)n - 1, keys, sizeof keys /
		    sizeof *keys, o, &errat) < 0) {
			if (s->nbad++ == 0)
				wa_warnat(wa_segs_file(sg), lineno, "not an event, ignored");
			continue;
		}
		wa_hook_key(o, line, (size_t)n - 1, &key);
		fp = wa_fp(wa_buf_str(&key));
		wa_fpset_add(set, fp);
		wa_buf_add(fps, (const char *)&fp, sizeof fp);
		if ((c = consentline(line, (size_t)n)))
			wa_buf_add(cons, line, (size_t)n);
		if (fn && (all || c))
			fn(o, arg);
	}
	if (wa_segs_error(sg))
		wa_warn("%s: cannot read all of it; its events may come again",
		    wa_segs_file(sg));
	free(line);
	wa_buf_free(&key);
	json_decref(o);
}

/* Write the keys file STEM.keys: FPS, then the consent lines CONS; 0 or -1. */
static int
writekeys(const char *stem, const struct wa_buf *fps, const struct wa_buf *cons)
{
	char *path = wa_strjoin(stem, "", ".keys"), *tmp;
	FILE *fp = wa_rewrite_open(path, &tmp);
	int rc = -1;

	if (fp != NULL) {
		fprintf(fp, "wa-keys 1 %zu\n", fps->len / sizeof(unsigned long long));
		/* An empty buffer has no storage, and fwrite may not take NULL. */
		if (fps->len)
			fwrite(fps->s, 1, fps->len, fp);
		if (cons->len)
			fwrite(cons->s, 1, cons->len, fp);
		rc = wa_rewrite_commit(fp, tmp, path);
	}
	free(path);
	return rc;
}

/* The keys file at PATH into SET, its consent lines to FN; 0, or -1 when it is none. */
static int
loadkeys(struct wa_fpset *set, const char *path, wa_spool_fn *fn, void *arg)
{
	static const char *const keys[] = { "event", "wamid", "user_id",
	    "from", "at" };
	unsigned long long v[4096];
	json_t *o = json_object();
	char *line = NULL;
	size_t count, k, i, cap = 0, errat;
	ssize_t n;
	FILE *fp = wa_state_read(path);
	int rc = -1;

	if (fp == NULL || fscanf(fp, "wa-keys 1 %zu", &count) != 1 || getc(fp) != '\n')
		goto out;
	for (; count > 0; count -= k) {
		k = count < 4096 ? count : 4096;
		if (fread(v, sizeof *v, k, fp) != k)
			goto out;
		for (i = 0; i < k; i++)
			wa_fpset_add(set, v[i]);
	}
	while (fn && (n = getline(&line, &cap, fp)) > 0)
		if (wa_json_pick(line, (size_t)n - 1, keys, sizeof keys /
		    sizeof *keys, o, &errat) == 0)
			fn(o, arg);
	rc = ferror(fp) ? -1 : 0;
out:
	if (fp)
		fclose(fp);
	free(line);
	json_decref(o);
	return rc;
}

/* Segment SEG (its stem STEM) read for its keys into SET, which are then written beside it. */
static void
rebuild(struct wa_spool *s, struct wa_fpset *set, const char *seg,
    const char *stem, wa_spool_fn *fn, void *arg)
{
	struct wa_buf fps = { 0 }, cons = { 0 };
	struct wa_segs *one = wa_segs_one(seg);

	readkeys(s, set, one, &fps, &cons, 0, fn, arg);
	if (!wa_segs_error(one) && writekeys(stem, &fps, &cons) < 0)
		wa_warn("%s.keys: cannot write:", stem);
	wa_segs_close(one);
	wa_buf_free(&fps);
	wa_buf_free(&cons);
}

/*
 * The keys of the segments written to within the horizon, by their keys
 * files (a segment without one is read, once), and those of the live
 * file, whose events FN sees.
 */
static void
load(struct wa_spool *s, wa_spool_fn *fn, void *arg)
{
	struct wa_segs *sg = wa_segs_open(s->path, 0, 0, WA_SEGS_NOLIVE), *live;
	time_t edge = s->horizon > 0 ? time(NULL) - s->horizon : 0;
	struct wa_fpset *set;
	const char *seg;
	char *stem, *kp;
	struct stat st;
	size_t i;
	int has;

	for (i = 0; sg && i < wa_segs_count(sg); i++) {
		seg = wa_segs_path(sg, i);
		stem = wa_seg_stem(seg);
		kp = wa_strjoin(stem, "", ".keys");
		if (((has = stat(kp, &st) == 0) || stat(seg, &st) == 0) &&
		    st.st_mtime >= edge) {
			set = newgen(s, st.st_mtime, NULL);
			if (!has || loadkeys(set, kp, fn, arg) < 0)
				rebuild(s, set, seg, stem, fn, arg);
		}
		free(stem);
		free(kp);
	}
	wa_segs_close(sg);
	live = wa_segs_one(s->path);
	readkeys(s, s->done, live, &s->livefp, &s->livecons, 1, fn, arg);
	wa_segs_close(live);
	if (s->nbad > 1)
		wa_warn("%s: %ld lines in all are no events, ignored", s->path,
		    s->nbad);
}

struct wa_spool *
wa_spool_open(const char *path, time_t horizon, wa_spool_fn *fn, void *arg)
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
	s->horizon = horizon;
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
 * The keys of the segment just rolled, beside it; the live file's start
 * afresh. A failure costs only time: the next start-up reads the segment.
 */
static void
rolledkeys(struct wa_spool *s)
{
	char *stem = wa_seg_newest(s->path);

	if (stem == NULL || writekeys(stem, &s->livefp, &s->livecons) < 0)
		wa_warn("%s: cannot write the keys of its new segment:", s->path);
	wa_buf_reset(&s->livefp);
	wa_buf_reset(&s->livecons);
	free(stem);
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
	if (r == 0) {
		s->size = 0;
		rolledkeys(s);
	}
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

/* The consent lines of batch B, for the live file's keys. */
static void
livecons(struct wa_spool *s, const struct wa_buf *b)
{
	const char *p = b->s, *end = b->s + b->len, *nl;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		if (consentline(p, (size_t)(nl - p)))
			wa_buf_add(&s->livecons, p, (size_t)(nl - p + 1));
	}
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
	unsigned long long fp;

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
	if (rolled == 0) {
		/* the batch went to the new live file: its keys go to a new set */
		newgen(s, time(NULL), s->done);
		s->done = wa_fpset_new();
	}
	if (rc < 0) {
		s->failed[batch % RING] = batch;
	} else {
		for (i = 0; i < nkeys; i++) {
			fp = wa_fp(keys[i]);
			wa_fpset_add(s->done, fp);
			wa_buf_add(&s->livefp, (const char *)&fp, sizeof fp);
		}
		livecons(s, &b);
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
	evict(s);
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
	while (s->ngens > 0)
		wa_fpset_free(s->gens[--s->ngens].set);
	free(s->gens);
	wa_buf_free(&s->livefp);
	wa_buf_free(&s->livecons);
	wa_hash_free(s->pend);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->written);
	free(s->path);
	free(s);
	return rc;
}
