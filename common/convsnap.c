/*
 * convsnap.c: the conversations folded, kept between runs, so that a run
 * of wa-inbox (list, show, route, the web server) costs what the spool, the
 * ledger and the inbox log gained since the last, not a year of them.
 *
 * What is kept. $WA_HOME/convs.state, replaced write-then-rename: a header
 * (where each of the three logs was read to, a line each: file, offset and
 * checksums; the next reading order; the paths), then every conversation's
 * fields without its thread (what `list` shows), every person's place in
 * convs.items, the ledger keys still open, the customers (convcust.c).
 * $WA_HOME/convs.items, appended to (under its lock) between rebuilds, its
 * dead blocks dropped now and then (convrec.c): per person, a block of the
 * items the fold kept (their messages, the log's lines), which is what it
 * takes to cut that person's conversations again, or to show a thread of
 * any length with one read. The thread is not in convs.state: 3 million
 * events hold a million messages, which no run but `show` needs.
 *
 * A run reads the header and the fields, then each log's tail: the cursor
 * names a file by device and inode, and a roll may have made it a segment,
 * so it is followed as route's cursor is (wa_seg_byid), then the later
 * segments, then the live file. Only the people the tails touch are read
 * from convs.items and cut again, from their kept items and the new ones:
 * a person's cut depends on their own items only, so the result is the
 * fold of everything. The exceptions, where a new line changes what was
 * not kept, fold everything again (the snapshot is then stale):
 *
 * - A campaign's message to a person with no conversation open is in none,
 *   and is not kept (most of a year's ledger). A customer's message or a
 *   log line dated before it would open a conversation that it joins: the
 *   latest such time is kept per person (lastdrop), and for people without
 *   kept items only within a week (HORIZON) of the newest line; a line
 *   older than that folds everything again.
 * - A `replied` line gives its ledger attempt the agent and conversation.
 *   It comes after the attempt: if that was kept, it is changed and its
 *   person cut again; if it was not, everything is folded again.
 * - Statuses and the ledger's later lines name a key. A status names its
 *   recipient (wa-hook's "to"), whose items are read; keys still open (an
 *   attempt without outcome, a retry) are kept with their person, as a
 *   retry writes a new attempt for the same key. A status naming no one
 *   for a key not known folds everything again.
 * - wa-forget rewrites history: it removes both files, and a log rewritten
 *   otherwise fails its cursor's checks (another inode, a shorter file, or
 *   other bytes before the offset: checksums of the first and last 4 KiB).
 *
 * convs.state is saved after a rebuild, and when the tails read reach
 * WA_CONVS_SAVE bytes (1 MiB): below that, folding them again is cheaper
 * than writing the fields of every conversation.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "store.h"
#include "send.h"
#include "inbox.h"
#include "convs-int.h"

#define VERSION 2
#define HORIZON (7 * 86400)
#define SAVE (1LL << 20)

enum { S_LOG, S_LEDGER, S_SPOOL, NSRC };
static const char *const srcname[NSRC] = { "log", "ledger", "events" };

/* Where one log was read to: the file, the offset, checksums of the bytes before. */
struct scur {
	unsigned long long dev, ino;
	long long off;
	unsigned long long head, tail;
};
/* One load. */
struct run {
	struct fold f;
	struct wa_inbox *ib;
	struct scur cur[NSRC];
	const char *paths[NSRC];
	char *state, *itemspath;
	unsigned long long idev, iino;	/* convs.items as the header knew it */
	long long isize;
	struct wa_ccfile cf;	/* the customer file as the snapshot read it */
	int cfok;
	long long tailbytes;
	char **okk;		/* the open keys read, in order */
	size_t nok, okcap;
};

/* Each line's top-level fields the fold reads, by log. */
static void
pick(struct fold *f, int s, const char *line, size_t len, json_t *o)
{
	static const char *const sk[] = { "event", "wamid", "from", "at", "type",
	    "text", "context", "content", "name", "key", "status", "to" };
	static const char *const lk[] = { "event", "key", "to", "campaign", "at",
	    "wamid", "retry", "until" };
	static const char *const gk[] = { "event", "conv", "phone", "agent",
	    "dept", "text", "key", "template", "at", "media", "type", "caption",
	    "reason", "asked", "routes" };
	static const char *const *const keys[NSRC] = { gk, lk, sk };
	static const size_t nkeys[NSRC] = { sizeof gk / sizeof *gk,
	    sizeof lk / sizeof *lk, sizeof sk / sizeof *sk };
	size_t bad;

	/* most of a spool is statuses: with no message sent, none is read */
	if (s == S_SPOOL && strstr(line, f->tail || wa_hash_count(f->outs) ?
	    "\"event\"" : "\"message\"") == NULL)
		return;
	if (wa_json_pick(line, len, keys[s], nkeys[s], o, &bad) < 0)
		return;
	if (s == S_LOG)
		wa_fold_log(f, o);
	else if (s == S_LEDGER)
		wa_fold_ledger(f, o);
	else
		wa_fold_spool(f, o);
}

/*
 * FP's whole lines from CUR->off on, into the fold, CUR moved past them;
 * -1 when the bytes before CUR->off are not those the snapshot read.
 */
static int
readfrom(struct run *r, int s, FILE *fp)
{
	struct scur *cur = &r->cur[s];
	unsigned long long h, t;
	json_t *o = json_object();
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	struct stat st;

	if (fstat(fileno(fp), &st) < 0)
		wa_die(WA_EXIT_FATAL, "%s:", r->paths[s]);
	if (cur->off > (long long)st.st_size || (cur->off > 0 &&
	    (wa_snap_sums(fileno(fp), cur->off, &h, &t) < 0 || h != cur->head || t != cur->tail)) ||
	    fseeko(fp, (off_t)cur->off, SEEK_SET) < 0) {
		json_decref(o);
		return -1;
	}
	while ((len = getline(&line, &cap, fp)) > 0 && line[len - 1] == '\n') {
		cur->off += len;
		r->tailbytes += len;
		pick(&r->f, s, line, (size_t)len - 1, o);
	}
	if (ferror(fp))
		wa_die(WA_EXIT_FATAL, "%s: cannot read it", r->paths[s]);
	free(line);
	json_decref(o);
	if (wa_snap_sums(fileno(fp), cur->off, &cur->head, &cur->tail) < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot read it", r->paths[s]);
	return 0;
}

/*
 * The lines of log S past its cursor: the rest of the file the cursor
 * names, which a roll may have made a segment, each later one, then the
 * live file. -1 when the file is gone or is not what was read.
 */
static int
follow(struct run *r, int s)
{
	struct scur *cur = &r->cur[s];
	unsigned long long dev, ino;
	size_t from = 0;	/* a walk's place among the segments */
	struct stat st;
	FILE *fp;
	int rc;

	for (;;) {
		if ((fp = wa_state_read(r->paths[s])) == NULL && errno != ENOENT)
			wa_die(WA_EXIT_FATAL, "%s:", r->paths[s]);
		if (fp && fstat(fileno(fp), &st) < 0)
			wa_die(WA_EXIT_FATAL, "%s:", r->paths[s]);
		if (cur->ino == 0 && fp) {	/* none when saved */
			cur->dev = (unsigned long long)st.st_dev;
			cur->ino = (unsigned long long)st.st_ino;
		}
		if (cur->ino == 0 || (fp && cur->ino == (unsigned long long)st.st_ino &&
		    cur->dev == (unsigned long long)st.st_dev)) {
			rc = fp ? readfrom(r, s, fp) : 0;
			if (fp)
				fclose(fp);
			return rc;
		}
		if (fp)
			fclose(fp);
		dev = cur->dev, ino = cur->ino;
		if ((fp = wa_seg_byid(r->paths[s], &dev, &ino, &from)) == NULL)
			return -1;
		rc = readfrom(r, s, fp);
		fclose(fp);
		if (rc < 0 || ino == 0)
			return -1;
		memset(cur, 0, sizeof *cur);
		cur->dev = dev, cur->ino = ino;
	}
}

/* All of log S: its segments, then the live file from its beginning, the folder held against a roll. */
static void
readall(struct run *r, int s)
{
	struct wa_segs *sg = wa_segs_open(r->paths[s], 0, 0, WA_SEGS_NOLIVE);
	json_t *o = json_object();
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (sg == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", r->paths[s]);
	while ((len = wa_segs_line(sg, &line, &cap)) > 0)
		pick(&r->f, s, line, (size_t)len - (line[len - 1] == '\n'), o);
	if (wa_segs_error(sg))
		wa_die(WA_EXIT_FATAL, "%s: cannot read it", wa_segs_file(sg));
	free(line);
	json_decref(o);
	memset(&r->cur[s], 0, sizeof r->cur[s]);
	if (follow(r, s) < 0)
		wa_die(WA_EXIT_FATAL, "%s: changed while read", r->paths[s]);
	wa_segs_close(sg);
}

int
wa_snap_person(struct fold *f, struct person *p)
{
	if (p->loaded)
		return 0;
	p->loaded = 1;
	if (wa_snap_readblock(f->items, p->off, p->len, p, f->outs) < 0) {
		f->stale = 1;
		return -1;
	}
	return 0;
}

static time_t
tget(json_t *o, const char *k)
{
	return (time_t)json_integer_value(json_object_get(o, k));
}

/* A person line: "p PHONE OFF LEN LASTDROP". */
static int
personin(struct run *r, const char *line)
{
	char phone[WA_PHONE_MAX], *e;
	const char *s = line + 2;
	long long off, len, drop;
	struct person *p;
	size_t n = strcspn(s, " ");

	/* strtoll, not sscanf: a year has 80,000 of these lines */
	if (n == 0 || n >= sizeof phone || s[n] != ' ')
		return -1;
	memcpy(phone, s, n), phone[n] = '\0';
	off = strtoll(s + n, &e, 10), len = strtoll(e, &e, 10), drop = strtoll(e, &e, 10);
	if (*e != '\n' || (p = wa_fold_e164(&r->f, phone)) == NULL)
		return -1;
	p->off = off, p->len = len, p->lastdrop = (time_t)drop;
	p->loaded = len == 0;
	return 0;
}

/* An open key line: "k STATE DROPPED PK KEY". */
static int
okeyin(struct run *r, const char *line)
{
	struct okey *ok = wa_calloc(1, sizeof *ok);
	int n = 0;

	if (sscanf(line, "k %d %d %23s %n", &ok->state, &ok->dropped, ok->pk, &n) != 3 || n == 0) {
		free(ok);
		return -1;
	}
	wa_hash_put(r->f.open, line + n, ok);
	r->okk = wa_grow(r->okk, &r->okcap, r->nok, sizeof *r->okk);
	r->okk[r->nok++] = wa_strdup(line + n);
	return 0;
}

/* The header: its version, the paths, the cursors, convs.items. 0 when it is this fold's. */
static int
headin(struct run *r, const char *line, size_t len)
{
	json_t *h = json_loadb(line, len, 0, NULL), *a;
	int s, rc = -1;

	if (h == NULL || json_integer_value(json_object_get(h, "version")) != VERSION)
		goto out;
	for (s = 0; s < NSRC; s++) {
		a = json_object_get(h, srcname[s]);
		if (json_array_size(a) != 6 || strcmp(json_string_value(json_array_get(a, 0)) ?
		    json_string_value(json_array_get(a, 0)) : "", r->paths[s]) != 0)
			goto out;
		r->cur[s].dev = (unsigned long long)json_integer_value(json_array_get(a, 1));
		r->cur[s].ino = (unsigned long long)json_integer_value(json_array_get(a, 2));
		r->cur[s].off = (long long)json_integer_value(json_array_get(a, 3));
		r->cur[s].head = strtoull(json_string_value(json_array_get(a, 4)) ?
		    json_string_value(json_array_get(a, 4)) : "", NULL, 16);
		r->cur[s].tail = strtoull(json_string_value(json_array_get(a, 5)) ?
		    json_string_value(json_array_get(a, 5)) : "", NULL, 16);
	}
	a = json_object_get(h, "items");
	r->idev = (unsigned long long)json_integer_value(json_array_get(a, 0));
	r->iino = (unsigned long long)json_integer_value(json_array_get(a, 1));
	r->isize = (long long)json_integer_value(json_array_get(a, 2));
	r->f.seq = (size_t)json_integer_value(json_object_get(h, "seq"));
	r->f.maxat = tget(h, "maxat");
	r->f.horizon = tget(h, "horizon");
	if ((a = json_object_get(h, "n")) != NULL) {	/* what the tables will hold */
		wa_hash_reserve(r->ib->byid, (size_t)json_integer_value(json_array_get(a, 0)));
		wa_hash_reserve(r->ib->byphone, (size_t)json_integer_value(json_array_get(a, 0)));
		wa_hash_reserve(r->ib->custs, (size_t)json_integer_value(json_array_get(a, 1)));
	}
	r->cfok = wa_ccust_filein(json_object_get(h, "custs"), &r->cf) == 0;
	rc = 0;
out:
	json_decref(h);
	return rc;
}

/* convs.items as the header knew it, open; -1 when it is another or shorter. */
static int
itemsin(struct run *r)
{
	struct stat st;

	if ((r->f.items = wa_state_read(r->itemspath)) == NULL)
		return -1;
	if (fstat(fileno(r->f.items), &st) < 0 || (unsigned long long)st.st_dev != r->idev ||
	    (unsigned long long)st.st_ino != r->iino || (long long)st.st_size < r->isize)
		return -1;
	return 0;
}

/* The snapshot into R: 0, or -1 when there is none or it is not this fold's. */
static int
readsnap(struct run *r)
{
	FILE *fp = wa_state_read(r->state);
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = -1;

	if (fp == NULL)
		return -1;
	if ((len = getline(&line, &cap, fp)) <= 0 || headin(r, line, (size_t)len) < 0 ||
	    itemsin(r) < 0)
		goto out;
	r->f.tail = 1;
	rc = 0;
	while (rc == 0 && (len = getline(&line, &cap, fp)) > 0) {
		if (line[len - 1] != '\n')
			rc = -1;
		else if (line[0] == 'c')
			line[len - 1] = '\0', rc = wa_snap_convin(r->ib, line + 2);
		else if (line[0] == 'p')
			rc = personin(r, line);
		else if (line[0] == 'k')
			line[len - 1] = '\0', rc = okeyin(r, line);
		else if (line[0] == 'u')
			line[len - 1] = '\0', rc = wa_ccust_in(r->ib, line);
		else
			rc = -1;
	}
	if (ferror(fp))
		rc = -1;
out:
	free(line);
	fclose(fp);
	return rc;
}

static int
isopen(int state)
{
	return state != WA_LEDGER_SENT && state != WA_LEDGER_FAILED;
}

/* The open keys: those read and still open, but of people read (theirs are their items'). */
static void
okeysout(struct run *r, FILE *fp)
{
	struct okey *ok;
	struct item *it;
	char pk[WA_PHONE_MAX];
	size_t i, j;

	for (i = 0; i < r->nok; i++)
		if ((ok = wa_hash_get(r->f.open, r->okk[i])) != NULL && isopen(ok->state) &&
		    wa_hash_get(r->f.outs, r->okk[i]) == NULL)
			fprintf(fp, "k %d %d %s %s\n", ok->state, ok->dropped, ok->pk, r->okk[i]);
	for (i = 0; i < r->f.npl; i++)
		for (j = 0; j < r->f.pl[i]->n; j++) {
			it = r->f.pl[i]->it[j];
			if (it->kind != K_OUT || it->m.key == NULL || !isopen(it->m.state) ||
			    strchr(it->m.key, '\n'))
				continue;
			wa_phone_key(r->f.pl[i]->phone, pk);
			fprintf(fp, "k %d %d %s %s\n", it->m.state, !it->taken, pk, it->m.key);
		}
}

static void
headout(struct run *r, FILE *fp, const struct stat *ist, time_t horizon)
{
	json_t *h = json_pack("{s:i,s:I,s:I,s:I,s:[I,I,I],s:o,s:[I,I]}", "version", VERSION,
	    "seq", (json_int_t)r->f.seq, "maxat", (json_int_t)r->f.maxat,
	    "horizon", (json_int_t)horizon, "items",
	    (json_int_t)ist->st_dev, (json_int_t)ist->st_ino, (json_int_t)ist->st_size, "custs",
	    wa_ccust_fileout(&r->ib->snap->cf), "n", (json_int_t)r->ib->n, (json_int_t)r->ib->snap->ncl);
	char a[20], b[20];
	int s;

	for (s = 0; s < NSRC; s++) {
		snprintf(a, sizeof a, "%llx", r->cur[s].head);
		snprintf(b, sizeof b, "%llx", r->cur[s].tail);
		json_object_set_new(h, srcname[s], json_pack("[s,I,I,I,s,s]", r->paths[s],
		    (json_int_t)r->cur[s].dev, (json_int_t)r->cur[s].ino,
		    (json_int_t)r->cur[s].off, a, b));
	}
	wa_json_put(fp, h);
	json_decref(h);
}

/* convs.state for what IB holds now, convs.items' being IST; 0 or -1. */
static int
stateout(struct run *r, const struct stat *ist)
{
	/* a line dated ahead of the clock does not push the others out */
	time_t horizon = (r->f.maxat < wa_now() ? r->f.maxat : wa_now()) - HORIZON;
	struct person *p;
	char *tmp;
	size_t i;
	FILE *fp = wa_rewrite_open(r->state, &tmp);

	if (fp == NULL)
		return -1;
	headout(r, fp, ist, horizon);
	for (i = 0; i < r->ib->n; i++)
		wa_snap_convout(fp, r->ib->conv[i]);
	for (i = 0; i < r->f.npl; i++)
		if ((p = r->f.pl[i])->len > 0 || p->lastdrop > horizon)
			fprintf(fp, "p %s %lld %lld %lld\n", p->phone, p->off, p->len,
			    (long long)p->lastdrop);
	okeysout(r, fp);
	wa_ccust_put(fp, r->ib);
	if (ferror(fp)) {
		fclose(fp);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	return wa_rewrite_commit(fp, tmp, r->state);
}

/*
 * Save what was folded: the blocks of the people cut again (of all after
 * a rebuild, into a new convs.items), then convs.state. A failure leaves
 * the last snapshot, which the next run reads, or rebuilds.
 */
static void
save(struct run *r, int all)
{
	char *tmp = NULL;
	struct stat st;
	FILE *fp;
	size_t i;
	int fd;

	if (all)
		fp = wa_rewrite_open(r->itemspath, &tmp);
	else if ((fd = open(r->itemspath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) < 0 || wa_lock_current(&fd, r->itemspath, LOCK_EX) < 0 ||
	    fstat(fd, &st) < 0 || (unsigned long long)st.st_ino != r->iino ||
	    (unsigned long long)st.st_dev != r->idev || (fp = fdopen(fd, "a")) == NULL) {
		/* another run rewrote it since the load: its snapshot stands */
		if (fd >= 0)
			close(fd);
		return;
	}
	if (fp == NULL)
		return;
	fseeko(fp, 0, SEEK_END);
	for (i = 0; i < r->f.npl; i++)
		if (all || r->f.pl[i]->touched)
			wa_snap_putblock(fp, r->f.pl[i]);
	if (fflush(fp) != 0 || fsync(fileno(fp)) < 0 || fstat(fileno(fp), &st) < 0) {
		fclose(fp);
		if (tmp)
			unlink(tmp);
		free(tmp);
		return;
	}
	if (!all) {	/* under the lock: another run's blocks are not counted out */
		if (wa_snap_compact(r->itemspath, r->f.items, &r->f, &st) > 0) {
			fclose(r->f.items);
			if ((r->f.items = wa_state_read(r->itemspath)) == NULL)
				wa_die(WA_EXIT_FATAL, "%s:", r->itemspath);
		}
		stateout(r, &st);
		fclose(fp);
		return;
	}
	if (wa_rewrite_commit(fp, tmp, r->itemspath) < 0)
		return;
	stateout(r, &st);
	if (r->f.items)
		fclose(r->f.items);
	r->f.items = wa_state_read(r->itemspath);
}

/* The conversations of the people touched are cut again; theirs of the snapshot go first. */
static void
recut(struct run *r)
{
	struct wa_inbox *ib = r->ib;
	char pk[WA_PHONE_MAX];
	struct person *p;
	size_t i, n = 0;

	for (i = 0; i < ib->n; i++) {
		wa_phone_key(ib->conv[i]->phone, pk);
		if ((p = wa_hash_get(r->f.people, pk)) == NULL || !p->touched) {
			ib->conv[n++] = ib->conv[i];
			continue;
		}
		wa_hash_put(ib->byid, ib->conv[i]->id, NULL);
		wa_hash_put(ib->byphone, pk, NULL);
		wa_conv_free(ib->conv[i]);
	}
	ib->n = n;
	for (i = 0; i < r->f.npl; i++)
		if (r->f.pl[i]->touched)
			wa_fold_cut(ib, r->f.pl[i]);
}

/* A replied line of the tails whose attempt was not kept: it would join a conversation. */
static int
unmatched(struct fold *f)
{
	json_t *e;
	size_t i;

	json_array_foreach(f->replies, i, e)
		if (wa_hash_get(f->replied, wa_json_str(e, "key")) == e)
			return 1;
	return 0;
}

static void
foldinit(struct run *r)
{
	struct wa_inbox *ib = r->ib;
	size_t i;

	for (i = 0; i < ib->n; i++)
		wa_conv_free(ib->conv[i]);
	ib->n = 0;
	wa_hash_free(ib->byid), wa_hash_free(ib->byphone);
	ib->byid = wa_hash_new(), ib->byphone = wa_hash_new();
	if (r->f.people)
		wa_fold_free(&r->f);
	if (r->f.items)
		fclose(r->f.items);
	for (i = 0; i < r->nok; i++)
		free(r->okk[i]);
	r->nok = 0;
	memset(&r->f, 0, sizeof r->f);
	memset(r->cur, 0, sizeof r->cur);
	r->f.ib = ib;
	r->f.people = wa_hash_new();
	r->f.outs = wa_hash_new();
	r->f.replied = wa_hash_new();
	r->f.replies = json_array();
	r->f.open = wa_hash_new();
	r->tailbytes = 0;
}

/* Bytes of tails that make a run save the snapshot: WA_CONVS_SAVE, else SAVE. */
static long long
savesize(void)
{
	const char *v = getenv("WA_CONVS_SAVE");

	return v && *v ? strtoll(v, NULL, 10) : SAVE;
}

/* Where each person's kept items are, for wa_conv_thread: the fold's people, their items let go. */
static void
keep(struct run *r)
{
	struct wa_convsnap *sn = r->ib->snap;
	struct person *p;
	size_t i, j;

	sn->items = r->f.items;
	r->f.items = NULL;
	for (i = 0; i < r->f.npl; i++) {
		p = r->f.pl[i];
		for (j = 0; j < p->n; j++)
			wa_fold_itemfree(p->it[j]);
		free(p->it);
		p->it = NULL, p->n = p->cap = 0;
	}
	sn->where = r->f.people;
	r->f.people = wa_hash_new();
}

void
wa_snap_load(struct wa_inbox *ib, const struct wa_inbox_paths *p)
{
	struct run r = { 0 };
	int s, all = 0, custs;
	size_t i;

	r.ib = ib;
	ib->snap = wa_calloc(1, sizeof *ib->snap);
	r.paths[S_LOG] = p->log, r.paths[S_LEDGER] = p->ledger, r.paths[S_SPOOL] = p->events;
	r.state = wa_home_path(WA_SF_CONVS);
	r.itemspath = wa_home_path(WA_SF_CONVITEMS);
	foldinit(&r);
	if (readsnap(&r) == 0) {
		for (s = 0; s < NSRC && !r.f.stale; s++)
			if (follow(&r, s) < 0)
				r.f.stale = 1;
	} else
		r.f.stale = 1;
	if (r.f.stale || unmatched(&r.f)) {
		all = 1;
		foldinit(&r);
		for (s = 0; s < NSRC; s++)
			readall(&r, s);
		for (i = 0; i < r.f.npl; i++)
			wa_fold_cut(ib, r.f.pl[i]);
	} else
		recut(&r);
	custs = wa_ccust_resolve(ib, p->customers, r.cfok ? &r.cf : NULL);
	if (all || custs || r.tailbytes >= savesize())
		save(&r, all);
	keep(&r);
	wa_fold_free(&r.f);
	for (i = 0; i < r.nok; i++)
		free(r.okk[i]);
	free(r.okk), free(r.state), free(r.itemspath);
}

void
wa_conv_thread(struct wa_inbox *ib, struct wa_conv *c)
{
	struct wa_inbox t = { 0 };
	struct person *p, *b;
	char pk[WA_PHONE_MAX];
	size_t i;

	if (!c->partial)
		return;
	c->partial = 0;
	wa_phone_key(c->phone, pk);
	if (ib->snap == NULL || (b = wa_hash_get(ib->snap->where, pk)) == NULL || b->len == 0)
		return;
	p = wa_calloc(1, sizeof *p);
	p->phone = wa_strdup(c->phone);
	if (wa_snap_readblock(ib->snap->items, b->off, b->len, p, NULL) < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot read convs.items", c->id);
	t.byid = wa_hash_new(), t.byphone = wa_hash_new();
	wa_fold_cut(&t, p);
	for (i = 0; i < t.n; i++) {
		if (strcmp(t.conv[i]->id, c->id) == 0) {
			free(c->msg);
			c->msg = t.conv[i]->msg, c->nmsg = t.conv[i]->nmsg, c->cap = t.conv[i]->cap;
			t.conv[i]->msg = NULL, t.conv[i]->nmsg = 0;
		}
		wa_conv_free(t.conv[i]);
	}
	free(t.conv);
	wa_hash_free(t.byid), wa_hash_free(t.byphone);
	wa_fold_personfree(p);
}

void
wa_snap_free(struct wa_inbox *ib)
{
	if (ib->snap == NULL)
		return;
	if (ib->snap->items)
		fclose(ib->snap->items);
	wa_hash_free_with(ib->snap->where, wa_fold_personfree);
	wa_ccust_free(ib->snap);
	free(ib->snap);
	ib->snap = NULL;
}
