/*
 * ledgerix-int.h: the index table's layout on disk and in memory, shared by
 * ledgerix.c (the file: its cover of the ledger, catch-up, rebuild) and
 * lixtable.c (the table: arena, hashing, records). Private to the two:
 * programs include send.h.
 */
#ifndef WA_LEDGERIX_INT_H
#define WA_LEDGERIX_INT_H

#include <stdint.h>

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
 * into place. The table changes only by folding what is in the ledger (a
 * run's own entries wait apart, in memory, until they are), and a fold cut
 * short by a kill is undone by the next run, then done again: see
 * ledgerix.c. The page cache
 * survives a killed process, not a lost machine: the header also holds the
 * boot of a run whose writes are not synced yet, and a table left so by
 * another boot is rebuilt.
 */

#define MAGIC "wa-ledger-ix 2\n"
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

/* After the header: the header as it was before the fold in progress, if any. */
struct undo {
	uint64_t sum;		/* of saved */
	uint64_t applying;
	struct hdr saved;
};

#define UNDOOFF ((sizeof(struct hdr) + 7) & ~(size_t)7)
#define HDRSZ ((UNDOOFF + sizeof(struct undo) + 63) & ~(size_t)63)

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
	struct wa_lix *pend;	/* entries not yet in the ledger, apart (wa_lix_pend) */
};

#define H(ix) ((struct hdr *)(void *)(ix)->base)
#define U(ix) ((struct undo *)(void *)((ix)->base + UNDOOFF))
#define AT(ix, off, type) ((type *)(void *)((ix)->base + (off)))

/* lixtable.c's helpers of the file's life: its checksums, boot, arenas. */
#define FNV0 1469598103934665603ULL
uint64_t wa_lix_fnv(uint64_t h, const void *p, size_t n);
uint64_t wa_lix_hdrsum(const struct hdr *h);
void wa_lix_seal(struct wa_lix *ix);
const char *wa_lix_bootid(void);
/* An anonymous arena of SIZE bytes with the first N of OLD copied in. */
unsigned char *wa_lix_anon(size_t size, const void *old, size_t n);
/* An empty table in memory. */
void wa_lix_empty(struct wa_lix *ix);
/* This boot named in the header as having writes not synced, synced, once a run. */
void wa_lix_mark(struct wa_lix *ix);
/* Drop the table of entries apart. */
void wa_lix_unpend(struct wa_lix *ix);
/* A tail is about to be folded into the table in place; undo a fold a kill cut short (0, or -1). */
void wa_lix_begin(struct wa_lix *ix);
int wa_lix_undo(struct wa_lix *ix);

#endif
