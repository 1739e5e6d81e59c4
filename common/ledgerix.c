/* ledgerix.c: the ledger's folded state on disk, so that a run starts in a time independent of its history. */

/*
 * A run killed (kill -9, OOM) must cost the next one only the ledger's tail,
 * not a rebuild (a minute on millions of entries). What the next run can
 * recover from the ledger alone is an index that covers a prefix of it: the
 * tail catch-up folds the rest. What it cannot recover is a table changed in
 * place by entries it does not know are in the ledger, or half-changed by
 * ones it does. So:
 *
 * - wa_ledger_add's entries go to a table apart, in memory (wa_lix_pend),
 *   and the answers are of both: the table on disk is not touched while the
 *   entries are not yet in the ledger. Killed then, the index covers what it
 *   covered, still clean, and the ledger holds at most those entries more.
 * - Once they are appended and synced (wa_ledger_flush), wa_lix_catchup
 *   folds them in from the ledger's tail, exactly what the next run's
 *   catch-up would do, and drops the table apart. Killed before, the next
 *   run catches the same tail up.
 * - Only while the fold changes the table in place is it marked dirty: the
 *   entries of one flush folded in memory, with no wait for the network or
 *   the disk (the boot's mark is synced before). A run killed in those
 *   microseconds, and only then, leaves a table the next run rebuilds.
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "send.h"
#include "ledgerix-int.h"

/* The checksum of FD's bytes from OFF to END, at most SUMWIN of them; -1 when unread. */
static int
rangesum(int fd, uint64_t off, uint64_t end, uint64_t *sum)
{
	static char buf[SUMWIN];
	size_t n = (size_t)(end - off);

	if (pread(fd, buf, n, (off_t)off) != (ssize_t)n)
		return -1;
	*sum = wa_lix_fnv(FNV0, buf, n);
	return 0;
}

/* Where the last SUMWIN bytes before END start. */
static uint64_t
back(uint64_t end)
{
	return end < SUMWIN ? 0 : end - SUMWIN;
}

/* The checksums of the ledger's first and last SUMWIN bytes up to COVERED. */
static int
ledgersums(struct wa_lix *ix, uint64_t covered, uint64_t *head, uint64_t *tail)
{
	if (rangesum(ix->lfd, 0, covered - back(covered), head) < 0)
		return -1;
	return rangesum(ix->lfd, back(covered), covered, tail);
}

/*
 * Settling reads the spool from where it last stopped: a status comes after
 * the attempt it is about, so what was read then told all it could about the
 * keys open then, and the keys opened since have nothing before it.
 */
unsigned long long
wa_lix_spool_from(struct wa_lix *ix, int fd)
{
	const struct hdr *h = H(ix);
	struct stat st;
	uint64_t sum;

	if (fstat(fd, &st) < 0 || h->sdev != (uint64_t)st.st_dev ||
	    h->sino != (uint64_t)st.st_ino || h->soff > (uint64_t)st.st_size ||
	    rangesum(fd, back(h->soff), h->soff, &sum) < 0 ||
	    sum != h->ssum)
		return 0;	/* another file, or rewritten: all of it */
	return h->soff;
}

void
wa_lix_spool_at(const struct wa_lix *ix, struct wa_cursor *cur)
{
	const struct hdr *h = H(ix);

	cur->dev = h->sdev;
	cur->ino = h->sino;
	cur->off = (long long)h->soff;
}

void
wa_lix_spool_done(struct wa_lix *ix, int fd, unsigned long long off)
{
	struct hdr *h = H(ix);
	struct stat st;
	uint64_t sum;

	if (fstat(fd, &st) < 0 ||
	    rangesum(fd, back(off), off, &sum) < 0)
		return;
	h->sdev = (uint64_t)st.st_dev;
	h->sino = (uint64_t)st.st_ino;
	h->soff = off;
	h->ssum = sum;
	wa_lix_seal(ix);
}

/* The table covers the ledger's first COVERED bytes, of checksums HEAD and TAIL. */
static int
cover(struct wa_lix *ix, uint64_t covered, uint64_t head, uint64_t tail)
{
	struct hdr *h = H(ix);
	struct stat st;

	if (fstat(ix->lfd, &st) < 0)
		return -1;
	h->headsum = head;
	h->tailsum = tail;
	h->dev = (uint64_t)st.st_dev;
	h->ino = (uint64_t)st.st_ino;
	h->covered = covered;
	h->msec = (int64_t)st.st_mtim.tv_sec;
	h->mnsec = (int64_t)st.st_mtim.tv_nsec;
	h->dirty = 0;
	wa_lix_seal(ix);
	U(ix)->applying = 0;
	return 0;
}

int
wa_lix_commit(struct wa_lix *ix, unsigned long long covered)
{
	uint64_t head, tail;

	if (ledgersums(ix, covered, &head, &tail) < 0)
		return -1;
	return cover(ix, covered, head, tail);
}

/* Cut a last line that a crash left without its newline: it was never acknowledged. */
static size_t
untear(struct wa_lix *ix, const char *buf, size_t from, size_t n)
{
	size_t keep = n;

	while (keep > from && buf[keep - 1] != '\n')
		keep--;
	if (keep == n || ix->readonly)
		return keep;
	wa_warn("%s: dropping an unfinished last entry (%zu bytes) left by a crash",
	    ix->lpath, n - keep);
	if (ftruncate(ix->lfd, (off_t)keep) < 0 || fsync(ix->lfd) < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot truncate:", ix->lpath);
	return keep;
}

/*
 * Fold the ledger's lines from byte FROM to its end, its tail or all of it,
 * and say the table covers them.
 */
static int
fold(struct wa_lix *ix, uint64_t from)
{
	static const char *const keys[] = {
		"event", "key", "to", "at", "retry", "until"
	};
	struct stat st;
	char *buf, *p, *nl, *end;
	uint64_t head, tail;
	size_t at;
	int rc;

	if (fstat(ix->lfd, &st) < 0)
		return -1;
	if ((uint64_t)st.st_size <= from)
		return from == 0 ? wa_lix_commit(ix, 0) : 0;
	buf = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, ix->lfd, 0);
	if (buf == MAP_FAILED)
		return -1;
	end = buf + untear(ix, buf, (size_t)from, (size_t)st.st_size);
	/* summed before the table changes: the time it is dirty stays short */
	if (ledgersums(ix, (uint64_t)(end - buf), &head, &tail) < 0) {
		munmap(buf, (size_t)st.st_size);
		return -1;
	}
	if (from > 0)
		wa_lix_begin(ix);
	for (p = buf + from; p < end && (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1) {
		H(ix)->lines++;
		if (nl == p)
			continue;
		/* Only the fields a state needs are built; the line is checked whole. */
		if (wa_json_pick(p, (size_t)(nl - p), keys, 6, ix->e, &at) < 0 ||
		    wa_lix_take(ix, ix->e) < 0) {
			wa_warnat(ix->lpath, H(ix)->lines, "not a ledger entry; ignored");
			H(ix)->bad++;
		}
	}
	rc = cover(ix, (uint64_t)(end - buf), head, tail);
	munmap(buf, (size_t)st.st_size);
	return rc;
}

/*
 * Fold the ledger's rolled segments (segments.c), oldest first, before the
 * live file: a rebuild then knows every key the ledger ever had, wherever
 * its lines went.
 */
static int
foldsegs(struct wa_lix *ix)
{
	static const char *const keys[] = {
		"event", "key", "to", "at", "retry", "until"
	};
	struct wa_segs *sg = wa_segs_open(ix->lpath, 0, 0, WA_SEGS_NOLIVE);
	char *line = NULL;
	size_t cap = 0, at;
	ssize_t n;
	int rc;

	if (sg == NULL)
		return -1;
	while ((n = wa_segs_line(sg, &line, &cap)) > 0)
		if (n > 1 && (wa_json_pick(line, (size_t)n - 1, keys, 6, ix->e,
		    &at) < 0 || wa_lix_take(ix, ix->e) < 0))
			wa_warn("%s: not a ledger entry; ignored", wa_segs_file(sg));
	rc = wa_segs_error(sg) ? -1 : 0;
	if (rc < 0)
		wa_warn("%s: cannot read it", wa_segs_file(sg));
	free(line);
	wa_segs_close(sg);
	return rc;
}

/*
 * The ledger was rolled (segments.c): its lines moved, whole, into a
 * segment, and LFD is the new, empty live file. The table already holds
 * every one of them (the roll comes only when the index covers the whole
 * file), so the folded state stays and only the header changes: it now
 * covers the new file's 0 bytes. A crash before this leaves a header
 * naming the old file: not fresh, so rebuilt, segments included.
 */
int
wa_lix_rolled(struct wa_lix *ix, int lfd)
{
	ix->lfd = lfd;
	H(ix)->lines = 0;
	return wa_lix_commit(ix, 0);
}

/* Does the table at IX->base hold together, and cover the ledger as it is? */
static int
fresh(struct wa_lix *ix)
{
	const struct hdr *h = H(ix);
	uint64_t head, tail;
	struct stat st;

	if (ix->fsize < HDRSZ || wa_lix_undo(ix) < 0 ||
	    memcmp(h->magic, MAGIC, sizeof h->magic) != 0 ||
	    h->sum != wa_lix_hdrsum(h) || h->endian != 0x0102030405060708ULL ||
	    h->used > ix->fsize || h->used < HDRSZ || h->nslots < NSLOTS0 ||
	    (h->nslots & (h->nslots - 1)) || h->slots < HDRSZ ||
	    h->slots + h->nslots * sizeof(uint64_t) > h->used || h->dirty ||
	    h->nused * 2 > h->nslots)
		return 0;
	/* written by a run of another boot and never synced: it may be torn */
	if (memchr(h->unsynced, '\0', sizeof h->unsynced) == NULL ||
	    (h->unsynced[0] && (strcmp(h->unsynced, wa_lix_bootid()) != 0 ||
	    strcmp(h->unsynced, "?") == 0)))
		return 0;
	if (fstat(ix->lfd, &st) < 0 || h->dev != (uint64_t)st.st_dev ||
	    h->ino != (uint64_t)st.st_ino || h->covered > (uint64_t)st.st_size)
		return 0;
	/* the same size: then changed only if its time changed */
	if (h->covered == (uint64_t)st.st_size &&
	    (h->msec != (int64_t)st.st_mtim.tv_sec ||
	    h->mnsec != (int64_t)st.st_mtim.tv_nsec))
		return 0;
	return ledgersums(ix, h->covered, &head, &tail) == 0 &&
	    head == h->headsum && tail == h->tailsum;
}

/*
 * Map the index file: shared to update it in place, or, for a look that
 * must not write, private, with room after it for the ledger's tail.
 * 0, or -1 when there is no usable file.
 */
static int
attach(struct wa_lix *ix)
{
	int fd = open(ix->path, (ix->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	unsigned char *p;
	size_t room;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_size < (off_t)HDRSZ || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	ix->size = ix->fsize = (size_t)st.st_size;
	if (!ix->readonly) {
		p = mmap(NULL, ix->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		ix->fd = fd;
	} else {
		room = ix->size + (8 << 20);
		p = wa_lix_anon(room, NULL, 0);
		if (mmap(p, ix->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED,
		    fd, 0) == MAP_FAILED)
			wa_die(WA_EXIT_FATAL, "%s: cannot map:", ix->path);
		close(fd);
		ix->size = room;
	}
	if (p == MAP_FAILED) {
		close(fd);
		ix->fd = -1;
		return -1;
	}
	ix->base = p;
	return 0;
}

static void
detach(struct wa_lix *ix)
{
	if (ix->base)
		munmap(ix->base, ix->size);
	if (ix->fd >= 0)
		close(ix->fd);
	ix->base = NULL;
	ix->fd = -1;
}

/* Write the table in memory to its file, then rename it into place. */
static int
save(struct wa_lix *ix)
{
	char *tmp;
	FILE *fp;

	if ((fp = wa_rewrite_open(ix->path, &tmp)) == NULL)
		return -1;
	if (fwrite(ix->base, 1, H(ix)->used, fp) != H(ix)->used) {
		fclose(fp);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	return wa_rewrite_commit(fp, tmp, ix->path);
}

/*
 * The table built anew from the whole ledger, in memory, then saved. A run
 * that sends maps the saved file, to update it; when it cannot be saved (a
 * directory not ours), the table in memory serves this run.
 */
static int
rebuild(struct wa_lix *ix)
{
	detach(ix);
	wa_lix_empty(ix);
	if (foldsegs(ix) < 0 || fold(ix, 0) < 0)
		return -1;
	if (save(ix) < 0) {
		if (!ix->readonly)
			wa_warn("%s: cannot write the ledger's index:", ix->path);
		return 0;
	}
	if (ix->readonly)
		return 0;
	detach(ix);
	if (attach(ix) < 0 || !fresh(ix))
		wa_die(WA_EXIT_FATAL, "%s: the ledger's index went away", ix->path);
	return 0;
}

struct wa_lix *
wa_lix_open(const char *lpath, int lfd, int readonly)
{
	struct wa_lix *ix = wa_calloc(1, sizeof *ix);
	int err;

	ix->path = wa_strjoin(lpath, ".idx", "");
	ix->lpath = lpath;
	ix->lfd = lfd;
	ix->fd = -1;
	ix->readonly = readonly;
	ix->e = json_object();
	if (lfd < 0)
		wa_lix_empty(ix);	/* no ledger yet: nothing was sent */
	else if (attach(ix) < 0 || !fresh(ix)) {
		if (rebuild(ix) < 0)
			goto fail;
	} else if (fold(ix, H(ix)->covered) < 0)
		goto fail;
	return ix;
fail:
	err = errno;
	wa_lix_close(ix);
	errno = err;
	return NULL;
}

/*
 * The entries apart are in the ledger, synced, after the part the table
 * covers: fold them in from there, as the next run would.
 */
int
wa_lix_catchup(struct wa_lix *ix)
{
	int rc;

	wa_lix_mark(ix);	/* its sync outside the dirty window */
	rc = fold(ix, H(ix)->covered);
	if (rc == 0)
		wa_lix_unpend(ix);
	return rc;
}

/* What a run wrote to the index goes to disk before its mark says so. */
void
wa_lix_close(struct wa_lix *ix)
{
	if (ix == NULL)
		return;
	wa_lix_unpend(ix);
	if (ix->base && ix->fd >= 0 && ix->synced &&
	    msync(ix->base, H(ix)->used, MS_SYNC) == 0) {
		H(ix)->unsynced[0] = '\0';
		wa_lix_seal(ix);
		msync(ix->base, HDRSZ, MS_SYNC);
	}
	detach(ix);
	json_decref(ix->e);
	wa_buf_free(&ix->scratch);
	free(ix->path);
	free(ix);
}

int
wa_lix_remove(const char *lpath)
{
	char *p = wa_strjoin(lpath, ".idx", "");
	int rc = unlink(p) < 0 && errno != ENOENT ? -1 : 0;

	free(p);
	return rc;
}
