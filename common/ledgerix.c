/* ledgerix.c: the ledger's folded state on disk, so that a run starts in a time independent of its history. */
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

/*
 * Why a hashed table on disk, mmap'd, rather than a compacted snapshot plus
 * the tail: a snapshot must be rewritten whole to take in its tail, and a
 * tail left to grow is read at every start, so one of the two costs what the
 * history costs. The table is updated in place as entries are appended, a
 * lookup touches a page or two of it, and opening it reads only its header:
 * a run starts in the same time on a million entries as on ten.
 *
 * The file is one arena: a header, then records and the slot array, never
 * freed (a grown slot array leaves the old one behind: at most as much
 * again). Offsets are from the start of the file; 0 is none. The slots are
 * open addressing over the records, which are of three kinds:
 *
 *   KEY    a dedupe key: its last state, time, hold and recipient
 *   RECIP  a same-user phone key: its attempts' times, a list, newest first,
 *          each node with the latest time of itself and all older ones, so
 *          that a cap's count stops where nothing newer can follow
 *   OWNER  campaign/phone key: the KEY last attempted or held out to that user
 *
 * It is derived, never the truth: the ledger is appended and synced first.
 * The header names the part of the ledger it covers (device, inode, size,
 * mtime, and a checksum of the part's first and last bytes); anything else
 * is caught up from the ledger's tail or, when the covered part changed, the
 * table is rebuilt from the ledger, built in memory and written then renamed
 * into place. A change is marked "dirty" in the header before the first
 * write and cleared once the entries written are in the ledger: a run killed
 * in between leaves it dirty, and the next run rebuilds it. The page cache
 * survives a killed process, not a lost machine: the header also holds the
 * boot of a run whose writes are not synced yet, and a table left so by
 * another boot is rebuilt.
 */

#define MAGIC "wa-ledger-ix 1\n"
#define SUMWIN 16384		/* bytes at each end of the covered ledger checksummed */
#define NSLOTS0 1024

struct hdr {
	char magic[16];
	uint64_t sum;		/* of the header after this field */
	uint64_t endian;
	uint64_t used;		/* the arena's end */
	uint64_t slots, nslots, nused;
	uint64_t dev, ino, covered;	/* the ledger, and how much of it is in */
	int64_t msec, mnsec;
	uint64_t headsum, tailsum;
	int64_t lines, entries, bad, open;
	uint32_t dirty, pad;
	char unsynced[48];	/* the boot id of writes not synced yet */
	uint64_t sdev, sino, soff, ssum;	/* the spool, read up to soff by settle */
};

#define HDRSZ ((sizeof(struct hdr) + 63) & ~(size_t)63)

enum { KEY = 1, RECIP, OWNER };

struct rec {
	uint64_t h;
	uint32_t kind, klen;
	int64_t at, until;
	uint64_t val;		/* KEY: the state; RECIP: newest node; OWNER: its KEY */
	char to[WA_PHONE_MAX];
	/* then the key, NUL-terminated */
};

struct node {
	int64_t t, latest;
	uint64_t prev;
};

struct wa_lix {
	char *path;		/* the index */
	const char *lpath;	/* the ledger */
	int lfd;		/* the ledger, not ours */
	int fd;			/* the index when mapped shared, else -1 */
	unsigned char *base;
	size_t size;		/* mapped */
	size_t fsize;		/* of it, the file's bytes (the rest: room to grow) */
	int readonly, synced;	/* synced: the header's unsynced mark is not ours */
	json_t *e;
	struct wa_buf scratch;
};

#define H(ix) ((struct hdr *)(void *)(ix)->base)
#define AT(ix, off, type) ((type *)(void *)((ix)->base + (off)))

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n--)
		h = (h ^ *s++) * 1099511628211ULL;
	return h;
}

#define FNV0 1469598103934665603ULL

static uint64_t
hdrsum(const struct hdr *h)
{
	return fnv(FNV0, &h->endian, sizeof *h - offsetof(struct hdr, endian));
}

static void
seal(struct wa_lix *ix)
{
	H(ix)->sum = hdrsum(H(ix));
}

static const char *
bootid(void)
{
	static char id[48];
	ssize_t n;
	int fd;

	if (id[0])
		return id;
	snprintf(id, sizeof id, "?");
	if ((fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC)) < 0)
		return id;
	if ((n = read(fd, id, sizeof id - 1)) > 0)
		id[n] = '\0';
	else
		snprintf(id, sizeof id, "?");
	close(fd);
	return id;
}

/* An anonymous arena of SIZE bytes with the first N of OLD copied in. */
static unsigned char *
anon(size_t size, const void *old, size_t n)
{
	unsigned char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		wa_die(WA_EXIT_FATAL, "ledger index: out of memory");
	if (n)
		memcpy(p, old, n);
	return p;
}

/* Room for N more bytes: a shared file grows in place, anything else is copied. */
static void
grow(struct wa_lix *ix, size_t n)
{
	size_t size = ix->size + ix->size / 2 + n + (1 << 20);
	unsigned char *p;

	if (ix->fd >= 0) {
		if (ftruncate(ix->fd, (off_t)size) < 0 || munmap(ix->base, ix->size) < 0 ||
		    (p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		    ix->fd, 0)) == MAP_FAILED)
			wa_die(WA_EXIT_FATAL, "%s: cannot grow:", ix->path);
	} else {
		p = anon(size, ix->base, H(ix)->used);
		munmap(ix->base, ix->size);
	}
	ix->base = p;
	ix->size = size;
}

/* N zeroed bytes of the arena, 8-aligned: an offset, as pointers move. */
static uint64_t
alloc(struct wa_lix *ix, size_t n)
{
	uint64_t off;

	n = (n + 7) & ~(size_t)7;
	if (H(ix)->used + n > ix->size)
		grow(ix, n);
	off = H(ix)->used;
	memset(ix->base + off, 0, n);
	H(ix)->used += n;
	return off;
}

/* FNV-1a, its bits mixed (murmur3's finalizer): keys differ in their last digits. */
static uint64_t
keyhash(int kind, const char *key)
{
	unsigned char k = (unsigned char)kind;
	uint64_t h = fnv(fnv(FNV0, &k, 1), key, strlen(key));

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

/* The slot of KEY of KIND: where it is, or the empty one where it goes. */
static uint64_t *
slot(struct wa_lix *ix, int kind, const char *key, uint64_t h)
{
	uint64_t *s = AT(ix, H(ix)->slots, uint64_t), mask = H(ix)->nslots - 1;
	size_t len = strlen(key), i;
	struct rec *r;

	for (i = h & mask; s[i]; i = (i + 1) & mask) {
		if (s[i] + sizeof *r > H(ix)->used)
			continue;	/* a damaged table: never read outside it */
		r = AT(ix, s[i], struct rec);
		if (r->h == h && r->kind == (uint32_t)kind && r->klen == len &&
		    s[i] + sizeof *r + len < H(ix)->used &&
		    memcmp(r + 1, key, len) == 0)
			break;
	}
	return &s[i];
}

static uint64_t
lookup(struct wa_lix *ix, int kind, const char *key)
{
	return *slot(ix, kind, key, keyhash(kind, key));
}

/* Twice the slots, when they are half full. */
static void
rehash(struct wa_lix *ix)
{
	uint64_t n = H(ix)->nslots * 2, old = H(ix)->slots, oldn = H(ix)->nslots;
	uint64_t off = alloc(ix, n * sizeof(uint64_t)), i, r;

	H(ix)->slots = off;
	H(ix)->nslots = n;
	for (i = 0; i < oldn; i++)
		if ((r = AT(ix, old, uint64_t)[i]) != 0)
			*slot(ix, (int)AT(ix, r, struct rec)->kind,
			    (char *)(AT(ix, r, struct rec) + 1),
			    AT(ix, r, struct rec)->h) = r;
}

/* The record of KEY of KIND, made when there is none. */
static uint64_t
intern(struct wa_lix *ix, int kind, const char *key)
{
	uint64_t h = keyhash(kind, key), off;
	size_t len = strlen(key);
	struct rec *r;

	if ((off = *slot(ix, kind, key, h)) != 0)
		return off;
	if ((H(ix)->nused + 1) * 2 > H(ix)->nslots)
		rehash(ix);
	off = alloc(ix, sizeof *r + len + 1);
	r = AT(ix, off, struct rec);
	r->h = h;
	r->kind = (uint32_t)kind;
	r->klen = (uint32_t)len;
	memcpy(r + 1, key, len + 1);
	*slot(ix, kind, key, h) = off;
	H(ix)->nused++;
	return off;
}

/* An empty table in memory. */
static void
empty(struct wa_lix *ix)
{
	struct hdr *h;

	ix->size = HDRSZ + NSLOTS0 * sizeof(uint64_t) + (1 << 20);
	ix->base = anon(ix->size, NULL, 0);
	h = H(ix);
	memcpy(h->magic, MAGIC, sizeof h->magic);
	h->endian = 0x0102030405060708ULL;
	h->used = HDRSZ;
	h->nslots = NSLOTS0;
	h->slots = alloc(ix, NSLOTS0 * sizeof(uint64_t));
}

static int
isopen(int state)
{
	return state == WA_LEDGER_ATTEMPT || state == WA_LEDGER_UNKNOWN;
}

/* The key of OWNER records for the user of TO in KEY's campaign, in ix->scratch; NULL: none. */
static const char *
ownerkey(struct wa_lix *ix, const char *key, const char *to)
{
	const char *slash = strchr(key, '/');
	char pk[WA_PHONE_MAX];

	if (slash == NULL || to == NULL || *to == '\0')
		return NULL;
	wa_phone_key(to, pk);
	wa_buf_reset(&ix->scratch);
	wa_buf_add(&ix->scratch, key, (size_t)(slash + 1 - key));
	wa_buf_adds(&ix->scratch, pk);
	return wa_buf_str(&ix->scratch);
}

static void
addtime(struct wa_lix *ix, const char *to, time_t at)
{
	char pk[WA_PHONE_MAX];
	uint64_t r, n, prev;
	struct node *nd;

	wa_phone_key(to, pk);
	r = intern(ix, RECIP, pk);
	n = alloc(ix, sizeof *nd);
	prev = AT(ix, r, struct rec)->val;
	nd = AT(ix, n, struct node);
	nd->t = at;
	nd->latest = at;
	nd->prev = prev;
	if (prev && AT(ix, prev, struct node)->latest > at)
		nd->latest = AT(ix, prev, struct node)->latest;
	AT(ix, r, struct rec)->val = n;
}

/*
 * Mark the table changed, before its first change since it last covered
 * the ledger; the first time in a run, with this boot, synced.
 */
static void
dirty(struct wa_lix *ix)
{
	struct hdr *h = H(ix);

	if (h->dirty)
		return;
	h->dirty = 1;
	if (ix->fd >= 0 && !ix->synced) {
		snprintf(h->unsynced, sizeof h->unsynced, "%s", bootid());
		seal(ix);
		if (msync(ix->base, HDRSZ, MS_SYNC) < 0)
			wa_die(WA_EXIT_FATAL, "%s: cannot sync:", ix->path);
		ix->synced = 1;
	}
	seal(ix);
}

int
wa_lix_take(struct wa_lix *ix, json_t *e)
{
	const char *event = wa_json_str(e, "event"), *key = wa_json_str(e, "key");
	const char *to = wa_json_str(e, "to"), *at = wa_json_str(e, "at");
	const char *until = wa_json_str(e, "until"), *ok;
	time_t t = 0, u = 0;
	uint64_t k, o;
	struct rec *r;
	int state;

	if (event == NULL || key == NULL ||
	    (state = wa_ledger_event_state(event, e)) == WA_LEDGER_NONE)
		return -1;
	dirty(ix);
	if (at)
		wa_time_parse(at, WA_DATES_ANY, &t);
	k = intern(ix, KEY, key);
	/* An attempt that might have gone out counts toward caps, as a sent one does. */
	if (state == WA_LEDGER_ATTEMPT && to && *to) {
		snprintf(AT(ix, k, struct rec)->to, WA_PHONE_MAX, "%s", to);
		addtime(ix, to, t);
	}
	/* One message per user and campaign, whatever the records' ids. */
	if ((state == WA_LEDGER_ATTEMPT || state == WA_LEDGER_HELD) &&
	    (ok = ownerkey(ix, key, to)) != NULL) {
		o = intern(ix, OWNER, ok);	/* may move the arena */
		AT(ix, o, struct rec)->val = k;
	}
	if (state == WA_LEDGER_FAILED && until)
		wa_time_parse(until, WA_DATES_ANY, &u);
	r = AT(ix, k, struct rec);
	H(ix)->open += isopen(state) - isopen((int)r->val);
	r->val = (uint64_t)state;
	r->at = t;
	r->until = u;
	H(ix)->entries++;
	return 0;
}

/* The checksum of FD's bytes from OFF to END, at most SUMWIN of them; -1 when unread. */
static int
rangesum(int fd, uint64_t off, uint64_t end, uint64_t *sum)
{
	static char buf[SUMWIN];
	size_t n = (size_t)(end - off);

	if (pread(fd, buf, n, (off_t)off) != (ssize_t)n)
		return -1;
	*sum = fnv(FNV0, buf, n);
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
	seal(ix);
}

int
wa_lix_commit(struct wa_lix *ix, unsigned long long covered)
{
	struct hdr *h = H(ix);
	struct stat st;

	if (fstat(ix->lfd, &st) < 0 ||
	    ledgersums(ix, covered, &h->headsum, &h->tailsum) < 0)
		return -1;
	h->dev = (uint64_t)st.st_dev;
	h->ino = (uint64_t)st.st_ino;
	h->covered = covered;
	h->msec = (int64_t)st.st_mtim.tv_sec;
	h->mnsec = (int64_t)st.st_mtim.tv_nsec;
	h->dirty = 0;
	seal(ix);
	return 0;
}

void
wa_lix_lines(struct wa_lix *ix, long n)
{
	H(ix)->lines += n;
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
	size_t at;

	if (fstat(ix->lfd, &st) < 0)
		return -1;
	if ((uint64_t)st.st_size <= from)
		return from == 0 ? wa_lix_commit(ix, 0) : 0;
	buf = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, ix->lfd, 0);
	if (buf == MAP_FAILED)
		return -1;
	end = buf + untear(ix, buf, (size_t)from, (size_t)st.st_size);
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
	munmap(buf, (size_t)st.st_size);
	return wa_lix_commit(ix, (uint64_t)(end - buf));
}

/* Does the table at IX->base hold together, and cover the ledger as it is? */
static int
fresh(struct wa_lix *ix)
{
	const struct hdr *h = H(ix);
	uint64_t head, tail;
	struct stat st;

	if (ix->fsize < HDRSZ || memcmp(h->magic, MAGIC, sizeof h->magic) != 0 ||
	    h->sum != hdrsum(h) || h->endian != 0x0102030405060708ULL ||
	    h->used > ix->fsize || h->used < HDRSZ || h->nslots < NSLOTS0 ||
	    (h->nslots & (h->nslots - 1)) || h->slots < HDRSZ ||
	    h->slots + h->nslots * sizeof(uint64_t) > h->used || h->dirty ||
	    h->nused * 2 > h->nslots)
		return 0;
	/* written by a run of another boot and never synced: it may be torn */
	if (memchr(h->unsynced, '\0', sizeof h->unsynced) == NULL ||
	    (h->unsynced[0] && (strcmp(h->unsynced, bootid()) != 0 ||
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
		p = anon(room, NULL, 0);
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
	empty(ix);
	if (fold(ix, 0) < 0)
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
		empty(ix);	/* no ledger yet: nothing was sent */
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

int
wa_lix_state(struct wa_lix *ix, const char *key, time_t *at, time_t *until,
    const char **to)
{
	uint64_t k = lookup(ix, KEY, key);
	struct rec *r = k ? AT(ix, k, struct rec) : NULL;

	if (at)
		*at = r ? (time_t)r->at : 0;
	if (until)
		*until = r ? (time_t)r->until : 0;
	if (to)
		*to = r ? r->to : "";
	return r ? (int)r->val : WA_LEDGER_NONE;
}

int
wa_lix_owner(struct wa_lix *ix, const char *key, const char *e164, time_t *at)
{
	const char *ok = ownerkey(ix, key, e164);
	uint64_t o = ok ? lookup(ix, OWNER, ok) : 0, k;

	*at = 0;
	if (o == 0 || (k = AT(ix, o, struct rec)->val) == lookup(ix, KEY, key) ||
	    k + sizeof(struct rec) > H(ix)->used)
		return WA_LEDGER_NONE;
	*at = (time_t)AT(ix, k, struct rec)->at;
	return (int)AT(ix, k, struct rec)->val;
}

int
wa_lix_recent(struct wa_lix *ix, const char *e164, time_t since)
{
	char pk[WA_PHONE_MAX];
	uint64_t r, n;
	struct node *nd;
	int count = 0;

	wa_phone_key(e164, pk);
	if ((r = lookup(ix, RECIP, pk)) == 0)
		return 0;
	/* newest first; stop where nothing older is as recent */
	for (n = AT(ix, r, struct rec)->val; n && n + sizeof *nd <= H(ix)->used;
	    n = nd->prev) {
		nd = AT(ix, n, struct node);
		if (nd->latest < (int64_t)since)
			break;
		count += nd->t >= (int64_t)since;
	}
	return count;
}

unsigned long long
wa_lix_covered(const struct wa_lix *ix)
{
	return H(ix)->covered;
}

long
wa_lix_open_keys(const struct wa_lix *ix)
{
	return (long)H(ix)->open;
}

long
wa_lix_entries(const struct wa_lix *ix)
{
	return (long)H(ix)->entries;
}

/* What a run wrote to the index goes to disk before its mark says so. */
void
wa_lix_close(struct wa_lix *ix)
{
	if (ix == NULL)
		return;
	if (ix->base && ix->fd >= 0 && ix->synced &&
	    msync(ix->base, H(ix)->used, MS_SYNC) == 0) {
		H(ix)->unsynced[0] = '\0';
		seal(ix);
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
