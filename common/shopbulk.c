/*
 * shopbulk.c: a Shopify bulk operation's file (JSON lines) read back from
 * disk, never whole in memory: children may come before their parents
 * (groupObjects: false), so a first pass notes where each child line is,
 * a second reads each parent with them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "store.h"

/* A child line of the bulk file: its parent's fingerprint, where it is. */
struct kid {
	unsigned long long parent;
	off_t off;
	size_t len;
	int used;
};

static int
bykid(const void *a, const void *b)
{
	const struct kid *x = a, *y = b;

	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* The text of "__parentId" in the JSON line P, in ID; 0 if none. */
static int
parentof(const char *p, char *id, size_t max)
{
	static const char key[] = "\"__parentId\":";
	const char *k = strstr(p, key), *e;

	if (k == NULL)
		return 0;
	for (k += sizeof key - 1; *k == ' ' || *k == '"'; k++)
		;
	if ((e = strchr(k, '"')) == NULL || (size_t)(e - k) >= max)
		return 0;
	memcpy(id, k, (size_t)(e - k));
	id[e - k] = '\0';
	return 1;
}

/* Pass one over the file FP: where each child line is, sorted by parent. */
static struct kid *
kids(FILE *fp, size_t *nk)
{
	struct kid *v = NULL;
	size_t cap = 0, lcap = 0;
	char *line = NULL, id[256];
	ssize_t len;
	off_t off = 0;

	*nk = 0;
	while ((len = getline(&line, &lcap, fp)) > 0) {
		if (parentof(line, id, sizeof id)) {
			v = wa_grow(v, &cap, *nk, sizeof *v);
			v[*nk].parent = wa_fp(id);
			v[*nk].off = off;
			v[*nk].len = (size_t)len;
			v[(*nk)++].used = 0;
		}
		off += len;
	}
	free(line);
	if (ferror(fp))
		wa_die(WA_EXIT_FATAL, "cannot read the bulk operation's file back:");
	if (*nk > 0)
		qsort(v, *nk, sizeof *v, bykid);
	return v;
}

/* Put the children of PAR, in the file's order, under its lineItems. */
static void
adopt(FILE *fp, json_t *par, struct kid *v, size_t nk)
{
	unsigned long long want = wa_fp(wa_json_str(par, "id"));
	size_t lo = 0, hi = nk, mid;
	char *buf = NULL;
	json_t *items = json_array(), *j;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (v[mid].parent < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nk && v[lo].parent == want; lo++) {
		buf = wa_realloc(buf, v[lo].len);
		if (pread(fileno(fp), buf, v[lo].len, v[lo].off) != (ssize_t)v[lo].len)
			wa_die(WA_EXIT_FATAL, "cannot read the bulk operation's file back:");
		j = json_loadb(buf, v[lo].len, 0, NULL);
		/* a fingerprint is no proof: the line must name this parent */
		if (j == NULL || wa_json_str(j, "__parentId") == NULL ||
		    strcmp(wa_json_str(j, "__parentId"), wa_json_str(par, "id")) != 0) {
			json_decref(j);
			continue;
		}
		v[lo].used = 1;
		json_array_append_new(items, j);
	}
	free(buf);
	json_object_set_new(par, "lineItems", items);
}

/* Pass two: each record of the file FP with its children; how many. */
static long
parents(const char *store, FILE *fp, struct kid *v, size_t nk, int items,
    long (*fn)(json_t *, void *), void *arg)
{
	char *line = NULL, id[256];
	size_t lcap = 0, i;
	ssize_t len;
	long out = 0;
	json_t *j;

	while ((len = getline(&line, &lcap, fp)) > 0) {
		if (parentof(line, id, sizeof id) ||
		    (j = json_loadb(line, (size_t)len, 0, NULL)) == NULL)
			continue;
		if (wa_json_str(j, "id") != NULL) {
			if (items)
				adopt(fp, j, v, nk);
			out += fn(j, arg);
		}
		json_decref(j);
	}
	free(line);
	for (i = 0; i < nk; i++)
		if (!v[i].used)
			wa_warn("%s: a line of the bulk file at byte %lld whose parent "
			    "is not in it; left out", store, (long long)v[i].off);
	return out;
}

long
wa_shopbulk_read(const char *store, const char *url, int items,
    long (*fn)(json_t *rec, void *arg), void *arg)
{
	struct wa_fetch *f = wa_fetch_new();	/* no token: the file is elsewhere */
	FILE *fp = tmpfile();
	struct kid *v;
	size_t nk;
	long out;

	if (fp == NULL)
		wa_die(WA_EXIT_FATAL, "cannot keep the bulk operation's file:");
	wa_fetch_tofile(f, fp);
	if (wa_fetch_do(f, url, NULL, 0) != 0 || wa_fetch_status(f) != 200)
		wa_die(WA_EXIT_FATAL, "%s: the bulk operation's file: %s",
		    store, wa_fetch_err(f));
	wa_fetch_free(f);
	rewind(fp);
	v = kids(fp, &nk);
	rewind(fp);
	out = parents(store, fp, v, nk, items, fn, arg);
	free(v);
	fclose(fp);
	return out;
}
