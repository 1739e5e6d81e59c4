/*
 * convcust.c: the customers of the conversations. list and route show each
 * one's name, tier, tags and id, for tens of thousands of conversations
 * (61,000 in a busy store's year); the whole record, which show's card,
 * route's rules and a reply's placeholders read, is wanted for a few. As
 * JSON objects the records of those people cost 120 MB and a second to
 * read, so the snapshot (convsnap.c) keeps, per person with a
 * conversation, a trimmed record (those four fields) and where the whole
 * one is in the customer file (offset and length), and the file as it was
 * then (device, inode, size, modification time). A run that finds the same
 * file reads no record but those asked for (wa_conv_cust), each by its
 * offset from the file opened at load, so that a rewrite since cannot mix
 * two files. People new since the snapshot are found in one pass that
 * parses only their lines; a changed file is read again for every person,
 * once, and the snapshot saved.
 */
#include <sys/stat.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "store.h"
#include "send.h"
#include "inbox.h"
#include "convs-int.h"

static struct wa_ccust *
newcc(struct wa_inbox *ib)
{
	struct wa_convsnap *sn = ib->snap;
	struct wa_ccust *cc = wa_calloc(1, sizeof *cc);

	cc->sn = sn;
	sn->cl = wa_grow(sn->cl, &sn->clcap, sn->ncl, sizeof *sn->cl);
	sn->cl[sn->ncl++] = cc;
	return cc;
}

/* String field K of the JSON line L (N bytes) into BUF, unparsed; 0, 1 for an escape in it, -1 for none. */
static int
field(const char *l, size_t n, const char *k, char *buf, size_t size)
{
	size_t s, e;

	if (wa_json_span(l, n, k, &s, &e) < 0 || e - s < 2 || l[s] != '"' || e - s - 2 >= size)
		return -1;
	if (memchr(l + s, '\\', e - s) != NULL)
		return 1;
	memcpy(buf, l + s + 1, e - s - 2);
	buf[e - s - 2] = '\0';
	return 0;
}

/* The same-user key of record O's phone into PK; -1 for none. */
static int
objkey(json_t *o, char pk[WA_PHONE_MAX])
{
	char e164[WA_PHONE_MAX];
	const char *ph = wa_json_str(o, "phone");

	if (ph == NULL || wa_phone_norm(ph, wa_json_str(o, "country"), e164) != WA_PHONE_OK)
		return -1;
	wa_phone_key(e164, pk);
	return 0;
}

/* The same-user key of line L's phone into PK: 0, -1 for none, 1 when the line must be parsed to tell. */
static int
linekey(const char *l, size_t n, char pk[WA_PHONE_MAX])
{
	char ph[64], cc[16], e164[WA_PHONE_MAX];
	int r = field(l, n, "phone", ph, sizeof ph), rc = field(l, n, "country", cc, sizeof cc);

	if (r > 0 || rc > 0)
		return 1;
	if (r < 0 || wa_phone_norm(ph, rc == 0 ? cc : NULL, e164) != WA_PHONE_OK)
		return -1;
	wa_phone_key(e164, pk);
	return 0;
}

/* The tier: the record's, else the first of wa-segment --tiers it matches (rules of its fields only). */
static char *
tier(json_t *cust, struct wa_rules *rs)
{
	size_t i;

	if (wa_json_nestr(cust, "tier"))
		return wa_strdup(wa_json_nestr(cust, "tier"));
	for (i = 0; i < rs->n; i++)
		if (wa_rules_test(&rs->r[i], cust, wa_now()))
			return wa_strdup(rs->r[i].name);
	return NULL;
}

static char *
jtext(json_t *v)
{
	return v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
}

/* Record O, at OFF for LEN bytes, trimmed into CC. */
static void
trim(struct wa_ccust *cc, json_t *o, long long off, size_t len, struct wa_rules *rs)
{
	const char *f = wa_json_nestr(o, "first_name"), *l = wa_json_nestr(o, "last_name");

	free(cc->name), free(cc->tier), free(cc->id), free(cc->tags);
	cc->off = off, cc->len = len;
	cc->name = f && l ? wa_strjoin(f, " ", l) : wa_strdup0(f ? f : l);
	cc->tier = tier(o, rs);
	cc->id = jtext(json_object_get(o, "id"));
	cc->tags = jtext(json_object_get(o, "tags"));
}

/* One pass over the customer file: the records of the people whose entry is wanted, the last of each. */
static void
scan(struct wa_inbox *ib)
{
	struct wa_rules *rs = wa_rules_parse(wa_rules_tiers, "--tiers", WA_RULES_SEGMENTS);
	FILE *fp = ib->snap->custfp;
	char pk[WA_PHONE_MAX], *line = NULL;
	struct wa_ccust *cc;
	long long off = 0;
	size_t cap = 0;
	ssize_t len;
	json_t *o;
	int k;

	if (fseeko(fp, 0, SEEK_SET) < 0)
		wa_die(WA_EXIT_FATAL, "%s:", ib->snap->custpath);
	for (; (len = getline(&line, &cap, fp)) > 0; off += len) {
		o = NULL;
		if ((k = linekey(line, (size_t)len, pk)) < 0 || (k == 0 &&
		    ((cc = wa_hash_get(ib->custs, pk)) == NULL || !cc->want)))
			continue;
		if ((o = json_loadb(line, (size_t)len, 0, NULL)) != NULL && json_is_object(o) &&
		    (k == 0 || objkey(o, pk) == 0) && (cc = wa_hash_get(ib->custs, pk)) && cc->want)
			trim(cc, o, off, (size_t)len, rs);
		json_decref(o);
	}
	if (ferror(fp))
		wa_die(WA_EXIT_FATAL, "%s: cannot read it", ib->snap->custpath);
	free(line);
	wa_rules_free(rs);
}

int
wa_ccust_resolve(struct wa_inbox *ib, const char *path, const struct wa_ccfile *was)
{
	struct wa_convsnap *sn = ib->snap;
	char pk[WA_PHONE_MAX];
	struct wa_ccust *cc;
	struct stat st;
	size_t i, want = 0;
	int same;

	sn->custpath = wa_strdup0(path);
	if (path && (sn->custfp = wa_state_read(path)) == NULL && errno != ENOENT)
		wa_die(WA_EXIT_FATAL, "%s:", path);
	if (sn->custfp && fstat(fileno(sn->custfp), &st) < 0)
		wa_die(WA_EXIT_FATAL, "%s:", path);
	if (sn->custfp) {
		sn->cf.dev = (unsigned long long)st.st_dev, sn->cf.ino = (unsigned long long)st.st_ino;
		sn->cf.size = (long long)st.st_size;
		sn->cf.mtime = (long long)st.st_mtim.tv_sec, sn->cf.mtns = (long long)st.st_mtim.tv_nsec;
	}
	same = was && memcmp(was, &sn->cf, sizeof sn->cf) == 0;
	for (i = 0; !same && i < sn->ncl; i++)	/* offsets into another file */
		sn->cl[i]->off = 0, sn->cl[i]->len = 0;
	for (i = 0; i < ib->n; i++) {
		wa_phone_key(ib->conv[i]->phone, pk);
		if ((cc = wa_hash_get(ib->custs, pk)) != NULL && (same || cc->want))
			continue;
		if (cc == NULL)
			wa_hash_put(ib->custs, pk, cc = newcc(ib));
		cc->off = cc->len = 0;
		cc->want = 1;
		want++;
	}
	if (want && sn->custfp)
		scan(ib);
	for (i = 0; i < sn->ncl; i++)
		sn->cl[i]->want = 0;
	return !same;
}

int
wa_ccust_filein(json_t *a, struct wa_ccfile *cf)
{
	if (json_array_size(a) != 5)
		return -1;
	cf->dev = (unsigned long long)json_integer_value(json_array_get(a, 0));
	cf->ino = (unsigned long long)json_integer_value(json_array_get(a, 1));
	cf->size = (long long)json_integer_value(json_array_get(a, 2));
	cf->mtime = (long long)json_integer_value(json_array_get(a, 3));
	cf->mtns = (long long)json_integer_value(json_array_get(a, 4));
	return 0;
}

json_t *
wa_ccust_fileout(const struct wa_ccfile *cf)
{
	return json_pack("[I,I,I,I,I]", (json_int_t)cf->dev, (json_int_t)cf->ino,
	    (json_int_t)cf->size, (json_int_t)cf->mtime, (json_int_t)cf->mtns);
}

/* "\N" for NULL, else S with its backslashes, tabs and newlines escaped, after a tab. */
void
wa_ccust_putf(FILE *fp, const char *s)
{
	putc('\t', fp);
	if (s == NULL) {
		fputs("\\N", fp);
		return;
	}
	for (; *s; s++)
		if (*s == '\\' || *s == '\t' || *s == '\n')
			putc('\\', fp), putc(*s == '\t' ? 't' : *s == '\n' ? 'n' : '\\', fp);
		else
			putc(*s, fp);
}

char *
wa_ccust_getf(char **p)
{
	char *s = *p, *r, *w;

	if (s == NULL)
		return NULL;
	*p = strchr(s, '\t');
	if (*p)
		*(*p)++ = '\0';
	if (strcmp(s, "\\N") == 0)
		return NULL;
	for (r = w = s; *r; r++)
		if (*r == '\\' && r[1])
			r++, *w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r;
		else
			*w++ = *r;
	*w = '\0';
	return s;
}

void
wa_ccust_put(FILE *fp, struct wa_inbox *ib)
{
	struct wa_hash *done = wa_hash_new();
	char pk[WA_PHONE_MAX];
	struct wa_ccust *cc;
	size_t i;

	for (i = 0; i < ib->n; i++) {
		wa_phone_key(ib->conv[i]->phone, pk);
		if ((cc = wa_hash_get(ib->custs, pk)) == NULL || wa_hash_get(done, pk))
			continue;
		wa_hash_put(done, pk, cc);
		fprintf(fp, "u %s\t%lld\t%zu", pk, cc->off, cc->len);
		wa_ccust_putf(fp, cc->name), wa_ccust_putf(fp, cc->tier);
		wa_ccust_putf(fp, cc->id), wa_ccust_putf(fp, cc->tags);
		putc('\n', fp);
	}
	wa_hash_free(done);
}

int
wa_ccust_in(struct wa_inbox *ib, char *line)
{
	char *p = line + 2, *pk = wa_ccust_getf(&p), *off = wa_ccust_getf(&p);
	char *len = wa_ccust_getf(&p);
	struct wa_ccust *cc;

	if (pk == NULL || off == NULL || len == NULL || p == NULL)
		return -1;
	cc = newcc(ib);
	cc->off = strtoll(off, NULL, 10), cc->len = (size_t)strtoull(len, NULL, 10);
	cc->name = wa_strdup0(wa_ccust_getf(&p)), cc->tier = wa_strdup0(wa_ccust_getf(&p));
	cc->id = wa_strdup0(wa_ccust_getf(&p)), cc->tags = wa_strdup0(wa_ccust_getf(&p));
	wa_hash_put(ib->custs, pk, cc);
	return 0;
}

json_t *
wa_ccust_rec(struct wa_ccust *cc)
{
	char *buf;

	if (cc == NULL || cc->rec || cc->len == 0 || cc->sn->custfp == NULL)
		return cc ? cc->rec : NULL;
	buf = wa_malloc(cc->len);
	if (pread(fileno(cc->sn->custfp), buf, cc->len, (off_t)cc->off) != (ssize_t)cc->len ||
	    (cc->rec = json_loadb(buf, cc->len, 0, NULL)) == NULL || !json_is_object(cc->rec))
		wa_die(WA_EXIT_FATAL, "%s: changed while read", cc->sn->custpath);
	free(buf);
	return cc->rec;
}

json_t *
wa_conv_cust(const struct wa_conv *c)
{
	return wa_ccust_rec(c->cc);
}

int
wa_ccust_byoff(const void *a, const void *b)
{
	const struct wa_ccust *x = *(struct wa_ccust *const *)a, *y = *(struct wa_ccust *const *)b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* Record O's id as a key of custids: a string, or a number's text; NULL for none. */
static const char *
idkey(json_t *id, char *num, size_t size)
{
	if (json_is_integer(id)) {
		snprintf(num, size, "%lld", (long long)json_integer_value(id));
		return num;
	}
	return json_string_value(id) && *json_string_value(id) ? json_string_value(id) : NULL;
}

/* The records of the people with a conversation, in the file's order. */
static struct wa_ccust **
talkers(struct wa_inbox *ib, size_t *n)
{
	struct wa_convsnap *sn = ib->snap;
	struct wa_ccust **v = wa_calloc(sn->ncl + 1, sizeof *v);
	size_t i;

	for (*n = i = 0; i < sn->ncl; i++)
		if (sn->cl[i]->len)
			v[(*n)++] = sn->cl[i];
	qsort(v, *n, sizeof *v, wa_ccust_byoff);
	return v;
}

/* custids, from the records of the people with a conversation, a later one winning. */
static void
ids(struct wa_inbox *ib)
{
	struct wa_ccust **v;
	const char *k;
	char num[32];
	size_t i, n;
	json_t *o;

	if (ib->snap->ided)
		return;
	ib->snap->ided = 1;
	v = talkers(ib, &n);
	for (i = 0; i < n; i++) {
		if (v[i]->id == NULL)
			continue;
		o = json_loads(v[i]->id, JSON_DECODE_ANY, NULL);
		if ((k = idkey(o, num, sizeof num)) != NULL)
			wa_hash_put(ib->custids, k, v[i]);
		json_decref(o);
	}
	free(v);
}

/* Record O at OFF into custlist and the indexes (by its phone too unless TALK: a person's earlier record). */
static void
other(struct wa_inbox *ib, json_t *o, long long off, size_t len, int talk)
{
	struct wa_ccust *cc = newcc(ib);
	char pk[WA_PHONE_MAX], num[32];
	const char *k;

	cc->rec = o, cc->off = off, cc->len = len;
	json_array_append(ib->custlist, o);
	if (!talk && objkey(o, pk) == 0)
		wa_hash_put(ib->custs, pk, cc);
	if ((k = idkey(json_object_get(o, "id"), num, sizeof num)) != NULL)
		wa_hash_put(ib->custids, k, cc);
}

/*
 * The file's records in its order: of the people with a conversation
 * (TALK; each one's last is its entry's), or of the others, as the load
 * read the first and this the second when records were read whole.
 */
static void
allpass(struct wa_inbox *ib, int talk)
{
	struct wa_convsnap *sn = ib->snap;
	char pk[WA_PHONE_MAX], num[32], *line = NULL;
	struct wa_ccust *cc;
	const char *id;
	long long off = 0;
	size_t cap = 0;
	ssize_t len;
	json_t *o;
	int k;

	if (fseeko(sn->custfp, 0, SEEK_SET) < 0)
		wa_die(WA_EXIT_FATAL, "%s:", sn->custpath);
	for (; (len = getline(&line, &cap, sn->custfp)) > 0; off += len) {
		o = NULL;
		if ((k = linekey(line, (size_t)len, pk)) > 0) {
			if ((o = json_loadb(line, (size_t)len, 0, NULL)) == NULL || !json_is_object(o))
				goto next;
			k = objkey(o, pk);
		}
		cc = k == 0 ? wa_hash_get(ib->custs, pk) : NULL;
		if ((cc && cc->talks) != talk)
			goto next;
		if (talk && cc->off == off) {	/* the entry's own: its id wins again */
			json_array_append(ib->custlist, wa_ccust_rec(cc));
			if ((id = idkey(json_object_get(cc->rec, "id"), num, sizeof num)) != NULL)
				wa_hash_put(ib->custids, id, cc);
			goto next;
		}
		if (o == NULL && ((o = json_loadb(line, (size_t)len, 0, NULL)) == NULL || !json_is_object(o)))
			goto next;
		other(ib, json_incref(o), off, (size_t)len, talk);
next:
		json_decref(o);
	}
	if (ferror(sn->custfp))
		wa_die(WA_EXIT_FATAL, "%s: cannot read it", sn->custpath);
	free(line);
}

void
wa_inbox_allcust(struct wa_inbox *ib)
{
	struct wa_convsnap *sn = ib->snap;
	size_t i;

	if (sn == NULL || sn->allcust)
		return;
	sn->allcust = 1;
	ids(ib);
	ib->custlist = json_array();
	for (i = 0; i < sn->ncl; i++)
		sn->cl[i]->talks = 1;
	if (sn->custfp == NULL)
		return;
	allpass(ib, 1);
	allpass(ib, 0);
}

struct wa_ccust *
wa_inbox_custref(struct wa_inbox *ib, const char *who)
{
	char e164[WA_PHONE_MAX], pk[WA_PHONE_MAX];
	struct wa_ccust *cc;

	if (ib->snap == NULL)
		return NULL;
	ids(ib);
	if ((cc = wa_hash_get(ib->custids, who)) != NULL)
		return cc;
	if (wa_phone_norm(who, NULL, e164) == WA_PHONE_OK) {
		wa_phone_key(e164, pk);
		if ((cc = wa_hash_get(ib->custs, pk)) != NULL && cc->len)
			return cc;
	}
	if (ib->snap->allcust)
		return NULL;
	wa_inbox_allcust(ib);
	return wa_inbox_custref(ib, who);
}

json_t *
wa_inbox_customer(struct wa_inbox *ib, const char *who)
{
	return wa_ccust_rec(wa_inbox_custref(ib, who));
}

json_t *
wa_ccust_byid(struct wa_inbox *ib, const char *who)
{
	if (ib->snap == NULL)
		return NULL;
	ids(ib);
	return wa_ccust_rec(wa_hash_get(ib->custids, who));
}

void
wa_ccust_free(struct wa_convsnap *sn)
{
	size_t i;

	for (i = 0; i < sn->ncl; i++) {
		free(sn->cl[i]->name), free(sn->cl[i]->tier);
		free(sn->cl[i]->id), free(sn->cl[i]->tags);
		json_decref(sn->cl[i]->rec);
		free(sn->cl[i]);
	}
	free(sn->cl);
	if (sn->custfp)
		fclose(sn->custfp);
	free(sn->custpath);
}
