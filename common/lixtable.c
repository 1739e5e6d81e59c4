/* lixtable.c: the ledger index's table: an arena of records under open addressing, and what it answers. */
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

uint64_t
wa_lix_fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n--)
		h = (h ^ *s++) * 1099511628211ULL;
	return h;
}

uint64_t
wa_lix_hdrsum(const struct hdr *h)
{
	return wa_lix_fnv(FNV0, &h->endian, sizeof *h - offsetof(struct hdr, endian));
}

void
wa_lix_seal(struct wa_lix *ix)
{
	H(ix)->sum = wa_lix_hdrsum(H(ix));
}

const char *
wa_lix_bootid(void)
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
unsigned char *
wa_lix_anon(size_t size, const void *old, size_t n)
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
		p = wa_lix_anon(size, ix->base, H(ix)->used);
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
	uint64_t h = wa_lix_fnv(wa_lix_fnv(FNV0, &k, 1), key, strlen(key));

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
void
wa_lix_empty(struct wa_lix *ix)
{
	struct hdr *h;

	ix->size = HDRSZ + NSLOTS0 * sizeof(uint64_t) + (1 << 20);
	ix->base = wa_lix_anon(ix->size, NULL, 0);
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

/* The first time in a run, the header names this boot as having writes not synced yet. */
void
wa_lix_mark(struct wa_lix *ix)
{
	struct hdr *h = H(ix);

	if (ix->fd < 0 || ix->synced)
		return;
	snprintf(h->unsynced, sizeof h->unsynced, "%s", wa_lix_bootid());
	wa_lix_seal(ix);
	if (msync(ix->base, HDRSZ, MS_SYNC) < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot sync:", ix->path);
	ix->synced = 1;
}

/*
 * Mark the table changed, before its first change since it last covered
 * the ledger; not while a fold can be undone.
 */
static void
dirty(struct wa_lix *ix)
{
	struct hdr *h = H(ix);

	if (h->dirty || U(ix)->applying)
		return;
	wa_lix_mark(ix);
	h->dirty = 1;
	wa_lix_seal(ix);
}

void
wa_lix_begin(struct wa_lix *ix)
{
	struct undo *u = U(ix);

	wa_lix_mark(ix);
	memcpy(&u->saved, H(ix), sizeof u->saved);
	u->sum = wa_lix_fnv(FNV0, &u->saved, sizeof u->saved);
	u->applying = 1;	/* last: before it, the table is as saved */
}

/*
 * A fold cut short changed the table in place: records and nodes after the
 * saved end of the arena, slots pointing there, recipients' newest node,
 * keys' states and owners. Back to the header saved, the slots and the
 * lists are as they were; what the fold wrote over the keys and owners, the
 * fold done again writes over, as each takes the last entry's value, and
 * the count of open keys is counted anew from the states as they are.
 */
int
wa_lix_undo(struct wa_lix *ix)
{
	struct undo *u = U(ix);
	struct hdr *h = H(ix);
	uint64_t *s, i, n;
	struct rec *r;

	if (!u->applying)
		return 0;
	if (u->sum != wa_lix_fnv(FNV0, &u->saved, sizeof u->saved) ||
	    u->saved.sum != wa_lix_hdrsum(&u->saved) || u->saved.used > ix->fsize ||
	    u->saved.slots + u->saved.nslots * sizeof(uint64_t) > u->saved.used)
		return -1;
	memcpy(h, &u->saved, sizeof *h);
	s = AT(ix, h->slots, uint64_t);
	h->open = 0;
	for (i = 0; i < h->nslots; i++) {
		if (s[i] == 0)
			continue;
		if (s[i] + sizeof *r > h->used) {
			s[i] = 0;	/* made by the fold */
			continue;
		}
		r = AT(ix, s[i], struct rec);
		if (r->kind == KEY)
			h->open += isopen((int)r->val);
		for (n = r->val; r->kind == RECIP && n >= h->used; n = r->val) {
			if (n + sizeof(struct node) > ix->fsize)
				return -1;
			r->val = AT(ix, n, struct node)->prev;
		}
	}
	wa_lix_seal(ix);
	u->applying = 0;
	return 0;
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

/* KEY's record in the table IX alone. */
static int
state1(struct wa_lix *ix, const char *key, time_t *at, time_t *until,
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

/* The KEY record last attempted or held out to E164's user in KEY's campaign, in IX alone; 0: none. */
static uint64_t
owner1(struct wa_lix *ix, const char *key, const char *e164)
{
	const char *ok = ownerkey(ix, key, e164);
	uint64_t o = ok ? lookup(ix, OWNER, ok) : 0, k;

	if (o == 0 || (k = AT(ix, o, struct rec)->val) + sizeof(struct rec) > H(ix)->used)
		return 0;
	return k;
}

/* E164's attempts since SINCE in IX alone. */
static int
recent1(struct wa_lix *ix, const char *e164, time_t since)
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

/*
 * The entries of this run not yet in the ledger are folded apart, in
 * memory (ix->pend), and the answers below are of both tables: the
 * one on disk changes only once they are (see ledgerix.c).
 */
int
wa_lix_pend(struct wa_lix *ix, json_t *e)
{
	struct wa_lix *p = ix->pend;

	if (ix->readonly)
		return wa_lix_take(ix, e);
	if (p == NULL) {
		p = ix->pend = wa_calloc(1, sizeof *p);
		p->fd = -1;
		wa_lix_empty(p);
	}
	return wa_lix_take(p, e);
}

/* Forget the entries apart: the table on disk holds them now. */
void
wa_lix_unpend(struct wa_lix *ix)
{
	struct wa_lix *p = ix->pend;

	if (p == NULL)
		return;
	munmap(p->base, p->size);
	wa_buf_free(&p->scratch);
	free(p);
	ix->pend = NULL;
}

int
wa_lix_state(struct wa_lix *ix, const char *key, time_t *at, time_t *until,
    const char **to)
{
	int state;

	if (ix->pend && (state = state1(ix->pend, key, at, until, to)) != WA_LEDGER_NONE)
		return state;
	return state1(ix, key, at, until, to);
}

int
wa_lix_owner(struct wa_lix *ix, const char *key, const char *e164, time_t *at)
{
	struct wa_lix *t = ix->pend;
	uint64_t k = 0;
	const char *owner;

	if (t == NULL || (k = owner1(t, key, e164)) == 0)
		k = owner1(t = ix, key, e164);
	*at = 0;
	if (k == 0 || strcmp(owner = (const char *)(AT(t, k, struct rec) + 1), key) == 0)
		return WA_LEDGER_NONE;
	return wa_lix_state(ix, owner, at, NULL, NULL);
}

int
wa_lix_recent(struct wa_lix *ix, const char *e164, time_t since)
{
	return recent1(ix, e164, since) + (ix->pend ? recent1(ix->pend, e164, since) : 0);
}

unsigned long long
wa_lix_covered(const struct wa_lix *ix)
{
	return H(ix)->covered;
}

long
wa_lix_open_keys(const struct wa_lix *ix)
{
	/* at least the keys open: those the entries apart closed may count */
	return (long)H(ix)->open + (ix->pend ? (long)H(ix->pend)->open : 0);
}

long
wa_lix_entries(const struct wa_lix *ix)
{
	return (long)H(ix)->entries + (ix->pend ? (long)H(ix->pend)->entries : 0);
}
