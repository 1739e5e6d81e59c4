/* hash.c: an open-addressing table from strings to pointers. */
#include <stdlib.h>
#include <string.h>

#include "wa.h"

struct slot {
	char *key;
	void *v;
	unsigned long long h;
};

struct wa_hash {
	struct slot *s;
	size_t cap, n;
};

/* FNV-1a: short keys such as e-mails and phones hash well enough. */
static unsigned long long
hashstr(const char *k)
{
	unsigned long long h = 1469598103934665603ULL;

	while (*k)
		h = (h ^ (unsigned char)*k++) * 1099511628211ULL;
	return h;
}

struct wa_hash *
wa_hash_new(void)
{
	struct wa_hash *h = wa_calloc(1, sizeof *h);

	h->cap = 64;
	h->s = wa_calloc(h->cap, sizeof *h->s);
	return h;
}

static struct slot *
find(struct wa_hash *h, const char *key, unsigned long long hv)
{
	/* the high bits mixed down: keys differing in their last digits (phones) fill runs of slots otherwise */
	size_t i = (size_t)(hv ^ hv >> 32) & (h->cap - 1);

	while (h->s[i].key && (h->s[i].h != hv || strcmp(h->s[i].key, key)))
		i = (i + 1) & (h->cap - 1);
	return &h->s[i];
}

static void
grow(struct wa_hash *h)
{
	struct slot *old = h->s;
	size_t i, oldcap = h->cap;

	h->cap *= 2;
	h->s = wa_calloc(h->cap, sizeof *h->s);
	for (i = 0; i < oldcap; i++)
		if (old[i].key)
			*find(h, old[i].key, old[i].h) = old[i];
	free(old);
}

void
wa_hash_reserve(struct wa_hash *h, size_t n)
{
	while ((n + 1) * 4 > h->cap * 3)
		grow(h);
}

void *
wa_hash_get(struct wa_hash *h, const char *key)
{
	return find(h, key, hashstr(key))->v;
}

void
wa_hash_put(struct wa_hash *h, const char *key, void *v)
{
	unsigned long long hv = hashstr(key);
	struct slot *s = find(h, key, hv);

	if (s->key == NULL) {
		if ((h->n + 1) * 4 > h->cap * 3) {
			grow(h);
			s = find(h, key, hv);
		}
		s->key = wa_strdup(key);
		s->h = hv;
		h->n++;
	}
	s->v = v;
}

size_t
wa_hash_count(struct wa_hash *h)
{
	return h->n;
}

void
wa_hash_free_with(struct wa_hash *h, void (*fn)(void *))
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->cap; i++) {
		if (h->s[i].key && fn)
			fn(h->s[i].v);
		free(h->s[i].key);
	}
	free(h->s);
	free(h);
}

void
wa_hash_free(struct wa_hash *h)
{
	wa_hash_free_with(h, NULL);
}

/*
 * A set of 64-bit fingerprints: 8 bytes a key where wa_hash keeps a copy
 * of each, for sets of millions of long keys such as wamids. Two keys of
 * ten million share a fingerprint with odds of about one in 300,000.
 */
struct wa_fpset {
	unsigned long long *s;	/* 0: empty */
	size_t cap, n;
};

unsigned long long
wa_fp(const char *key)
{
	unsigned long long h = hashstr(key);

	/* FNV's low bits are weak; a murmur3 finalizer spreads them */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h ? h : 1;
}

struct wa_fpset *
wa_fpset_new(void)
{
	struct wa_fpset *f = wa_calloc(1, sizeof *f);

	f->cap = 1024;
	f->s = wa_calloc(f->cap, sizeof *f->s);
	return f;
}

static unsigned long long *
fpfind(struct wa_fpset *f, unsigned long long fp)
{
	size_t i = (size_t)fp & (f->cap - 1);

	while (f->s[i] != 0 && f->s[i] != fp)
		i = (i + 1) & (f->cap - 1);
	return &f->s[i];
}

int
wa_fpset_has(struct wa_fpset *f, unsigned long long fp)
{
	return *fpfind(f, fp) == fp;
}

void
wa_fpset_add(struct wa_fpset *f, unsigned long long fp)
{
	unsigned long long *old = f->s, *p;
	size_t i, cap = f->cap;

	if (2 * (f->n + 1) > f->cap) {
		f->cap *= 2;
		f->s = wa_calloc(f->cap, sizeof *f->s);
		for (i = 0; i < cap; i++)
			if (old[i])
				*fpfind(f, old[i]) = old[i];
		free(old);
	}
	if (*(p = fpfind(f, fp)) == 0) {
		*p = fp;
		f->n++;
	}
}

size_t
wa_fpset_count(struct wa_fpset *f)
{
	return f->n;
}

void
wa_fpset_free(struct wa_fpset *f)
{
	if (f) {
		free(f->s);
		free(f);
	}
}

void
wa_hex_enc(char *out, const void *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
wa_hex_dec(const char *s, unsigned char *p, size_t n)
{
	int hi, lo;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((hi = hexval(s[2 * i])) < 0 || (lo = hexval(s[2 * i + 1])) < 0)
			return -1;
		p[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}
