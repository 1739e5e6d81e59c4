/*
 * convrec.c: the records of the fold's snapshot (convsnap.c): a person's
 * block of kept items in convs.items, as JSON lines with short keys (a
 * year's items are a hundred megabytes), which is all it takes to cut
 * their conversations again; a conversation's fields without its thread
 * in convs.state; convs.items compacted.
 */
#include <sys/stat.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "store.h"
#include "send.h"
#include "inbox.h"
#include "convs-int.h"

#define SUMWIN 4096
#define DEADMIN (1LL << 20)
#define FNV0 1469598103934665603ULL

static uint64_t
fnv(uint64_t h, const char *p, size_t n)
{
	while (n-- > 0) {
		h ^= (unsigned char)*p++;
		h *= 1099511628211ULL;
	}
	return h;
}

/* The checksums of FD's first and last SUMWIN bytes before OFF; -1 when they cannot be read. */
int
wa_snap_sums(int fd, long long off, unsigned long long *head, unsigned long long *tail)
{
	static char buf[SUMWIN];
	size_t n = off < SUMWIN ? (size_t)off : SUMWIN;

	if (pread(fd, buf, n, 0) != (ssize_t)n)
		return -1;
	*head = fnv(FNV0, buf, n);
	if (pread(fd, buf, n, (off_t)(off - (long long)n)) != (ssize_t)n)
		return -1;
	*tail = fnv(FNV0, buf, n);
	return 0;
}

static json_t *
str0(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* P's kept items, a block of JSON lines at the end of FP: its place in P. */
void
wa_snap_putblock(FILE *fp, struct person *p)
{
	json_t *o;
	size_t i;
	struct item *it;

	p->off = (long long)ftello(fp);
	p->len = 0;
	for (i = 0; i < p->n; i++) {
		it = p->it[i];
		if (!it->taken && it->kind != K_LOG)
			continue;
		if (p->len++ == 0) {
			o = json_pack("{s:s,s:o}", "phone", p->phone, "name", str0(p->name));
			wa_json_put(fp, o);
			json_decref(o);
		}
		o = json_pack("{s:i,s:I,s:I,s:i,s:i,s:i}", "k", it->kind, "s", (json_int_t)it->seq,
		    "at", (json_int_t)it->m.at, "d", it->m.dir, "st", it->m.state, "ss", it->m.status);
		wa_json_setstr(o, "w", it->m.wamid), wa_json_setstr(o, "x", it->m.text);
		wa_json_setstr(o, "t", it->m.type), wa_json_setstr(o, "q", it->m.context);
		wa_json_setstr(o, "md", it->m.media), wa_json_setstr(o, "cp", it->m.caption);
		wa_json_setstr(o, "b", it->m.by), wa_json_setstr(o, "ky", it->m.key);
		wa_json_setstr(o, "a", it->agent ? it->agent : it->m.agent);
		wa_json_setstr(o, "cv", it->conv), wa_json_setstr(o, "dp", it->dept);
		wa_json_setstr(o, "as", it->asked), wa_json_setstr(o, "rt", it->routes);
		wa_json_put(fp, o);
		json_decref(o);
	}
	p->len = p->len ? (long long)ftello(fp) - p->off : 0;
}

static char *
sdup(json_t *o, const char *k)
{
	return wa_strdup0(wa_json_str(o, k));
}

/* An item of a block; its ledger key into OUTS (NULL: none). */
static void
getitem(json_t *o, struct person *p, struct wa_hash *outs)
{
	struct item *it = wa_calloc(1, sizeof *it);

	it->who = p;
	it->kind = (int)json_integer_value(json_object_get(o, "k"));
	it->seq = (size_t)json_integer_value(json_object_get(o, "s"));
	it->m.at = (time_t)json_integer_value(json_object_get(o, "at"));
	it->m.dir = (int)json_integer_value(json_object_get(o, "d"));
	it->m.state = (int)json_integer_value(json_object_get(o, "st"));
	it->m.status = (int)json_integer_value(json_object_get(o, "ss"));
	it->m.wamid = sdup(o, "w"), it->m.text = sdup(o, "x"), it->m.type = sdup(o, "t");
	it->m.context = sdup(o, "q"), it->m.media = sdup(o, "md"), it->m.caption = sdup(o, "cp");
	it->m.by = sdup(o, "b"), it->m.key = sdup(o, "ky"), it->agent = sdup(o, "a");
	it->conv = sdup(o, "cv"), it->dept = sdup(o, "dp");
	it->asked = sdup(o, "as"), it->routes = sdup(o, "rt");
	p->it = wa_realloc(p->it, (p->n + 1) * sizeof *p->it);
	p->cap = p->n + 1;
	p->it[p->n++] = it;
	if (outs && it->kind == K_OUT && it->m.key)
		wa_hash_put(outs, it->m.key, it);
}

/* P's block at OFF, LEN of FP into P's items; -1 when it cannot be read. */
int
wa_snap_readblock(FILE *fp, long long off, long long len, struct person *p, struct wa_hash *outs)
{
	char *buf, *s, *e;
	json_t *o;
	int rc = 0;

	if (fp == NULL || len <= 0)
		return fp ? 0 : -1;
	buf = wa_malloc((size_t)len + 1);
	if (pread(fileno(fp), buf, (size_t)len, (off_t)off) != (ssize_t)len) {
		free(buf);
		return -1;
	}
	buf[len] = '\0';
	for (s = buf; rc == 0 && *s; s = e + 1) {
		if ((e = strchr(s, '\n')) == NULL ||
		    (o = json_loadb(s, (size_t)(e - s), 0, NULL)) == NULL) {
			rc = -1;
			break;
		}
		if (s == buf)
			wa_strset(&p->name, wa_json_str(o, "name"));
		else
			getitem(o, p, outs);
		json_decref(o);
	}
	free(buf);
	return rc;
}

/* Dead bytes below which convs.items is not rewritten: WA_CONVS_COMPACT, else DEADMIN. */
static long long
deadmin(void)
{
	const char *v = getenv("WA_CONVS_COMPACT");

	return v && *v ? strtoll(v, NULL, 10) : DEADMIN;
}

/*
 * Each save appends the blocks of the people cut again, and their old
 * blocks are dead. The file is rewritten when its dead part outgrows its
 * live one (and DEADMIN): each rewrite then copies the live bytes once
 * for at least as many appended since the last, so that appending costs
 * at most twice its bytes in writes, and the file stays under twice what
 * it holds; a lower threshold would rewrite a year's 100 MB for a few
 * days' appends, a higher one let a busy inbox's file grow without
 * bound between rebuilds. The new file is complete and synced before
 * the rename, under the lock; a kill before it leaves the old one.
 */
int
wa_snap_compact(const char *path, FILE *items, struct fold *f, struct stat *ist)
{
	long long live = 0, *off = wa_calloc(f->npl + 1, sizeof *off);
	char *tmp, *buf = NULL;
	size_t i, cap = 0;
	struct person *p;
	FILE *fp = NULL;
	struct stat st;
	int rc = -1;

	for (i = 0; i < f->npl; i++)
		live += f->pl[i]->len;
	if ((long long)ist->st_size - live <= live || (long long)ist->st_size - live < deadmin()) {
		free(off);
		return 0;
	}
	if (items == NULL || (fp = wa_rewrite_open(path, &tmp)) == NULL)
		goto out;
	for (i = 0; i < f->npl; i++) {
		if ((p = f->pl[i])->len == 0)
			continue;
		if ((size_t)p->len > cap)
			buf = wa_realloc(buf, cap = (size_t)p->len);
		off[i] = (long long)ftello(fp);
		if (pread(fileno(items), buf, (size_t)p->len, (off_t)p->off) != (ssize_t)p->len ||
		    fwrite(buf, 1, (size_t)p->len, fp) != (size_t)p->len)
			break;
	}
	if (i < f->npl || fflush(fp) != 0 || fstat(fileno(fp), &st) < 0) {
		fclose(fp);
		unlink(tmp);
		free(tmp);
		goto out;
	}
	if (wa_rewrite_commit(fp, tmp, path) < 0)
		goto out;
	for (i = 0; i < f->npl; i++)
		if (f->pl[i]->len)
			f->pl[i]->off = off[i];
	*ist = st;
	rc = 1;
out:
	free(off), free(buf);
	return rc;
}

/*
 * C's fields but its thread: a line of tab-separated fields, strings
 * escaped (wa_ccust_putf), as a year's 61,000 of them as JSON took
 * longer to parse than everything else a list does.
 */
void
wa_snap_convout(FILE *fp, const struct wa_conv *c)
{
	fprintf(fp, "c %s\t%d\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld", c->id, c->handed,
	    (long long)c->handed_at, (long long)c->opened, (long long)c->closed,
	    (long long)c->last_in, (long long)c->wait_since, (long long)c->last_bot,
	    (long long)c->last_person);
	wa_ccust_putf(fp, c->phone), wa_ccust_putf(fp, c->name), wa_ccust_putf(fp, c->dept);
	wa_ccust_putf(fp, c->agent), wa_ccust_putf(fp, c->asked), wa_ccust_putf(fp, c->routes);
	wa_ccust_putf(fp, c->last_person_agent), wa_ccust_putf(fp, c->last);
	putc('\n', fp);
}

/* The next field of *P as a number. */
static long long
num(char **p)
{
	const char *s = wa_ccust_getf(p);

	return s ? strtoll(s, NULL, 10) : 0;
}

/* A conversation of the snapshot, its thread left unread; -1 for a bad line. */
int
wa_snap_convin(struct wa_inbox *ib, char *line)
{
	char *p = line, *id = wa_ccust_getf(&p), *ph;
	struct wa_conv *c = wa_calloc(1, sizeof *c);

	c->handed = (int)num(&p);
	c->handed_at = (time_t)num(&p), c->opened = (time_t)num(&p), c->closed = (time_t)num(&p);
	c->last_in = (time_t)num(&p), c->wait_since = (time_t)num(&p);
	c->last_bot = (time_t)num(&p), c->last_person = (time_t)num(&p);
	if (id == NULL || (ph = wa_ccust_getf(&p)) == NULL || p == NULL) {
		free(c);
		return -1;
	}
	snprintf(c->id, sizeof c->id, "%s", id);
	c->phone = wa_strdup(ph);
	c->name = wa_strdup0(wa_ccust_getf(&p)), c->dept = wa_strdup0(wa_ccust_getf(&p));
	c->agent = wa_strdup0(wa_ccust_getf(&p)), c->asked = wa_strdup0(wa_ccust_getf(&p));
	c->routes = wa_strdup0(wa_ccust_getf(&p));
	c->last_person_agent = wa_strdup0(wa_ccust_getf(&p));
	c->last = wa_strdup0(wa_ccust_getf(&p));
	c->partial = 1;
	wa_fold_addconv(ib, c);
	return 0;
}
