/*
 * convrec.c: the records of the fold's snapshot (convsnap.c), as JSON
 * lines: a person's block of kept items in convs.items, which is all it
 * takes to cut their conversations again, and a conversation's fields
 * without its thread in convs.state. Short keys: a year's items are a
 * hundred megabytes.
 */
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

/* C's fields but its thread. */
json_t *
wa_snap_convout(const struct wa_conv *c)
{
	json_t *o = json_pack("{s:s,s:s,s:i,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "id", c->id,
	    "ph", c->phone, "hd", c->handed, "ha", (json_int_t)c->handed_at,
	    "op", (json_int_t)c->opened, "cl", (json_int_t)c->closed,
	    "li", (json_int_t)c->last_in, "ws", (json_int_t)c->wait_since,
	    "lb", (json_int_t)c->last_bot, "lp", (json_int_t)c->last_person);

	wa_json_setstr(o, "nm", c->name), wa_json_setstr(o, "dp", c->dept);
	wa_json_setstr(o, "ag", c->agent), wa_json_setstr(o, "as", c->asked);
	wa_json_setstr(o, "rt", c->routes), wa_json_setstr(o, "lpa", c->last_person_agent);
	wa_json_setstr(o, "last", c->last);
	return o;
}

static time_t
tget(json_t *o, const char *k)
{
	return (time_t)json_integer_value(json_object_get(o, k));
}

/* A conversation of the snapshot, its thread left unread; -1 for a bad line. */
int
wa_snap_convin(struct wa_inbox *ib, const char *line, size_t len)
{
	json_t *o = json_loadb(line, len, 0, NULL);
	struct wa_conv *c;

	if (o == NULL || wa_json_str(o, "id") == NULL || wa_json_str(o, "ph") == NULL) {
		json_decref(o);
		return -1;
	}
	c = wa_calloc(1, sizeof *c);
	snprintf(c->id, sizeof c->id, "%s", wa_json_str(o, "id"));
	c->phone = sdup(o, "ph"), c->name = sdup(o, "nm"), c->dept = sdup(o, "dp");
	c->agent = sdup(o, "ag"), c->asked = sdup(o, "as"), c->routes = sdup(o, "rt");
	c->last_person_agent = sdup(o, "lpa"), c->last = sdup(o, "last");
	c->handed = (int)json_integer_value(json_object_get(o, "hd"));
	c->handed_at = tget(o, "ha"), c->opened = tget(o, "op"), c->closed = tget(o, "cl");
	c->last_in = tget(o, "li"), c->wait_since = tget(o, "ws");
	c->last_bot = tget(o, "lb"), c->last_person = tget(o, "lp");
	c->partial = 1;
	wa_fold_addconv(ib, c);
	json_decref(o);
	return 0;
}
