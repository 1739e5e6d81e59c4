/* jscan.c: check a JSON-lines record without building it, and parse only the fields asked for. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"

#define MAXDEPTH 2048	/* jansson's own limit */
#define NKEYBUF 32	/* keys held without an allocation */

/* A key of an object open, decoded: into the line, or owned if it had escapes. */
struct key {
	const char *p;
	size_t len;
	int owned;
};

struct scan {
	const char *p;
	size_t n, i;
	int depth;
	int esc;	/* the last string had an escape */
	struct key *k;	/* the keys of the objects open, the innermost last */
	size_t nk, capk;
	struct key kbuf[NKEYBUF];
};

static int number1(struct scan *s, int *real);

static void
ws(struct scan *s)
{
	while (s->i < s->n && (s->p[s->i] == ' ' || s->p[s->i] == '\t' ||
	    s->p[s->i] == '\n' || s->p[s->i] == '\r'))
		s->i++;
}

static int
hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* The code of the \uXXXX escape whose 'u' is at I, or -1. */
static long
uescape(struct scan *s, size_t i)
{
	long u = 0;
	int k, c;

	for (k = 1; k <= 4; k++) {
		if (i + k >= s->n || !hex(c = s->p[i + k]))
			return -1;
		u = u * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return u;
}

static int
string(struct scan *s)
{
	unsigned char c;
	long u;

	s->esc = 0;
	for (s->i++; s->i < s->n; s->i++) {
		c = (unsigned char)s->p[s->i];
		if (c == '"') {
			s->i++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c != '\\')
			continue;
		s->esc = 1;
		if (++s->i >= s->n)
			return -1;
		c = (unsigned char)s->p[s->i];
		if (c == 'u') {
			if ((u = uescape(s, s->i)) <= 0 || (u >= 0xdc00 && u <= 0xdfff))
				return -1;	/* \u0000, or half a pair: jansson says no */
			s->i += 4;
			if (u >= 0xd800 && u <= 0xdbff) {
				/* The high half of a pair wants its low half. */
				if (s->i + 2 >= s->n || s->p[s->i + 1] != '\\' ||
				    s->p[s->i + 2] != 'u')
					return -1;
				u = uescape(s, s->i + 2);
				if (u < 0xdc00 || u > 0xdfff)
					return -1;
				s->i += 6;
			}
		} else if (strchr("\"\\/bfnrt", c) == NULL || c == '\0')
			return -1;
	}
	return -1;
}

static int
digits(struct scan *s)
{
	size_t from = s->i;

	while (s->i < s->n && s->p[s->i] >= '0' && s->p[s->i] <= '9')
		s->i++;
	return s->i > from ? 0 : -1;
}

/* jansson refuses numbers it cannot hold: so must we, or the fast path would pass them. */
static int
inrange(const char *p, size_t n, int real)
{
	char buf[512];
	double d;

	if (n >= sizeof buf)
		return 0;
	memcpy(buf, p, n);
	buf[n] = '\0';
	errno = 0;
	if (!real) {
		(void)strtoll(buf, NULL, 10);
		return errno != ERANGE;
	}
	d = strtod(buf, NULL);
	return !(errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL));
}

static int
number(struct scan *s)
{
	size_t from = s->i;
	int real = 0;

	if (number1(s, &real) < 0)
		return -1;
	/* Only long or exponent-bearing numbers can be out of range. */
	if ((s->i - from > 15 || real > 1) && !inrange(s->p + from, s->i - from, real))
		return -1;
	return 0;
}

static int
number1(struct scan *s, int *real)
{
	if (s->p[s->i] == '-')
		s->i++;
	if (s->i < s->n && s->p[s->i] == '0')
		s->i++;
	else if (digits(s) < 0)
		return -1;
	if (s->i < s->n && s->p[s->i] == '.') {
		s->i++;
		*real = 1;
		if (digits(s) < 0)
			return -1;
	}
	if (s->i < s->n && (s->p[s->i] == 'e' || s->p[s->i] == 'E')) {
		s->i++;
		*real = 2;
		if (s->i < s->n && (s->p[s->i] == '+' || s->p[s->i] == '-'))
			s->i++;
		if (digits(s) < 0)
			return -1;
	}
	return 0;
}

static int
word(struct scan *s, const char *w)
{
	size_t n = strlen(w);

	if (s->n - s->i < n || memcmp(s->p + s->i, w, n) != 0)
		return -1;
	s->i += n;
	return 0;
}

static int value(struct scan *s);

/* Hold the key RAW[FROM..TO) (quotes included), just scanned, of the innermost object open. */
static int
addkey(struct scan *s, size_t from, size_t to)
{
	struct key *k;
	json_t *v;

	if (s->nk == s->capk) {
		s->capk *= 2;
		if (s->k == s->kbuf) {
			s->k = wa_malloc(s->capk * sizeof *s->k);
			memcpy(s->k, s->kbuf, sizeof s->kbuf);
		} else
			s->k = wa_realloc(s->k, s->capk * sizeof *s->k);
	}
	k = &s->k[s->nk];
	k->owned = s->esc;
	k->p = s->p + from + 1;
	k->len = to - from - 2;
	if (k->owned) {
		/* "\u0061" is "a": rare enough to decode properly */
		if ((v = json_loadb(s->p + from, to - from, JSON_DECODE_ANY,
		    NULL)) == NULL)
			return -1;
		k->len = json_string_length(v);
		k->p = wa_strndup(json_string_value(v), k->len);
		json_decref(v);
	}
	s->nk++;
	return 0;
}

static int
keycmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->p, y->p, x->len);
}

static void
dropkeys(struct scan *s, size_t base)
{
	while (s->nk > base)
		if (s->k[--s->nk].owned)
			free((void *)s->k[s->nk].p);
}

/* A cheap hash of key K, for a table of 2 * NKEYBUF slots. */
static unsigned
slot(const struct key *k)
{
	const unsigned char *p = (const unsigned char *)k->p;
	unsigned h = (unsigned)k->len * 2654435761u;

	if (k->len > 0)
		h ^= p[0] * 31u ^ p[k->len - 1] * 131u ^ p[k->len / 2] * 7u;
	return (h ^ h >> 7) % (2 * NKEYBUF);
}

/*
 * Close the object whose keys start at BASE: -1 when two of them are the
 * same, agreeing or not, as jansson's JSON_REJECT_DUPLICATES says. A
 * record's few keys go through a small hash table; many are sorted.
 */
static int
endkeys(struct scan *s, size_t base)
{
	unsigned char tab[2 * NKEYBUF];
	struct key *k = s->k + base;
	size_t i, n = s->nk - base;
	unsigned h;
	int dup = 0;

	if (n > NKEYBUF) {
		qsort(k, n, sizeof *k, keycmp);
		for (i = 1; i < n && !dup; i++)
			dup = keycmp(&k[i - 1], &k[i]) == 0;
	} else if (n > 1) {
		memset(tab, 0, sizeof tab);
		for (i = 0; i < n && !dup; i++) {
			for (h = slot(&k[i]); tab[h] != 0 && !dup;
			    h = (h + 1) % sizeof tab)
				dup = keycmp(&k[tab[h] - 1], &k[i]) == 0;
			tab[h] = (unsigned char)(i + 1);
		}
	}
	dropkeys(s, base);
	return dup ? -1 : 0;
}

static int
members(struct scan *s, int close, int keys)
{
	size_t base = s->nk, k0;

	if (++s->depth > MAXDEPTH)
		return -1;
	s->i++;
	ws(s);
	if (s->i < s->n && s->p[s->i] == close) {
		s->i++;
		s->depth--;
		return 0;
	}
	for (;;) {
		if (keys) {
			k0 = s->i;
			if (s->i >= s->n || s->p[s->i] != '"' || string(s) < 0 ||
			    addkey(s, k0, s->i) < 0)
				return -1;
			ws(s);
			if (s->i >= s->n || s->p[s->i] != ':')
				return -1;
			s->i++;
			ws(s);
		}
		if (value(s) < 0)
			return -1;
		ws(s);
		if (s->i < s->n && s->p[s->i] == ',') {
			s->i++;
			ws(s);
			continue;
		}
		if (s->i < s->n && s->p[s->i] == close) {
			s->i++;
			s->depth--;
			return keys ? endkeys(s, base) : 0;
		}
		return -1;
	}
}

static int
value(struct scan *s)
{
	if (s->i >= s->n)
		return -1;
	switch (s->p[s->i]) {
	case '{':
		return members(s, '}', 1);
	case '[':
		return members(s, ']', 0);
	case '"':
		return string(s);
	case 't':
		return word(s, "true");
	case 'f':
		return word(s, "false");
	case 'n':
		return word(s, "null");
	default:
		return s->p[s->i] == '-' || (s->p[s->i] >= '0' && s->p[s->i] <= '9') ?
		    number(s) : -1;
	}
}

/* Which of KEYS the JSON string RAW[FROM..TO) (quotes included) is, or -1. */
static int
whichkey(const char *raw, size_t from, size_t to, const char *const *keys,
    size_t nkeys)
{
	size_t i, len = to - from - 2;

	if (memchr(raw + from, '\\', to - from) != NULL)
		return -2;	/* an escaped key: let the caller decode it */
	for (i = 0; i < nkeys; i++)
		if (strlen(keys[i]) == len && memcmp(raw + from + 1, keys[i], len) == 0)
			return (int)i;
	return -1;
}

/* The same for a key written with escapes, decoded first. */
static int
escapedkey(const char *raw, size_t from, size_t to, const char *const *keys,
    size_t nkeys)
{
	json_t *k = json_loadb(raw + from, to - from, JSON_DECODE_ANY, NULL);
	size_t i;
	int w = -1;

	for (i = 0; k && i < nkeys && w < 0; i++)
		if (json_string_length(k) == strlen(keys[i]) &&
		    memcmp(json_string_value(k), keys[i], strlen(keys[i])) == 0)
			w = (int)i;
	json_decref(k);
	return w;
}

/* Parse the value RAW[FROM..TO) into OBJ under KEY. */
static int
pick(json_t *obj, const char *key, const char *raw, size_t from, size_t to)
{
	json_t *v = json_loadb(raw + from, to - from, JSON_DECODE_ANY, NULL);

	if (v == NULL)
		return -1;	/* valid by the grammar, but out of jansson's range */
	json_object_set_new(obj, key, v);
	return 0;
}

int
wa_json_pick(const char *raw, size_t n, const char *const *keys, size_t nkeys,
    json_t *obj, size_t *errat)
{
	struct scan s = { raw, n, 0, 1, 0, NULL, 0, NKEYBUF, { { 0 } } };
	size_t k0, k1, v0;
	int w, rc = -1;

	s.k = s.kbuf;
	json_object_clear(obj);
	ws(&s);
	if (s.i >= n || raw[s.i] != '{')
		goto bad;
	s.i++;
	ws(&s);
	while (s.i < n && raw[s.i] != '}') {
		k0 = s.i;
		if (raw[s.i] != '"' || string(&s) < 0 || addkey(&s, k0, s.i) < 0)
			goto bad;
		k1 = s.i;
		ws(&s);
		if (s.i >= n || raw[s.i] != ':')
			goto bad;
		s.i++;
		ws(&s);
		v0 = s.i;
		if (value(&s) < 0)
			goto bad;
		if ((w = whichkey(raw, k0, k1, keys, nkeys)) == -2)
			w = escapedkey(raw, k0, k1, keys, nkeys);
		if (w >= 0 && pick(obj, keys[w], raw, v0, s.i) < 0)
			goto bad;
		ws(&s);
		if (s.i < n && raw[s.i] == ',') {
			s.i++;
			ws(&s);
			if (s.i < n && raw[s.i] == '}')
				goto bad;
		} else if (s.i >= n || raw[s.i] != '}')
			goto bad;
	}
	if (s.i < n && endkeys(&s, 0) == 0) {
		s.i++;
		ws(&s);
		rc = s.i == n ? 0 : -1;
	}
bad:
	if (rc < 0)
		*errat = s.i;
	dropkeys(&s, 0);
	if (s.k != s.kbuf)
		free(s.k);
	return rc;
}
