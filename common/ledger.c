/* ledger.c: what was sent to whom, durable before a message leaves, read back at start. */
#include <sys/file.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "send.h"

/* A status may be dated this much before its key's last entry: clocks differ. */
#define SETTLE_SKEW (10 * 60)

struct wa_ledger {
	int fd;
	char *path;
	struct wa_lix *ix;	/* the folded state: see ledgerix.c */
	struct wa_buf pending;	/* entries added since the last flush */
	int readonly;		/* wa_ledger_read: a look, for a dry run */
	long long rollsize;
	int rolled;		/* gzip the new segment at close */
};

int
wa_ledger_event_state(const char *event, json_t *e)
{
	if (strcmp(event, "attempt") == 0)
		return WA_LEDGER_ATTEMPT;
	if (strcmp(event, "sent") == 0)
		return WA_LEDGER_SENT;
	if (strcmp(event, "unknown") == 0)
		return WA_LEDGER_UNKNOWN;
	if (strcmp(event, "held_out") == 0)
		return WA_LEDGER_HELD;
	if (strcmp(event, "failed") == 0)
		return json_is_true(json_object_get(e, "retry")) ?
		    WA_LEDGER_RETRY : WA_LEDGER_FAILED;
	return WA_LEDGER_NONE;
}

struct wa_ledger *
wa_ledger_open(const char *path, int wait)
{
	struct wa_ledger *l = wa_calloc(1, sizeof *l);
	int err;

	l->path = wa_strdup(path);
	l->rollsize = 64LL << 20;
	l->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (l->fd < 0)
		goto fail;
	/*
	 * One run per ledger: a second one would not see the first's
	 * attempts. wa-forget rewrites it under the same lock.
	 */
	if (wa_lock_current(&l->fd, path, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0)
		goto fail;
	if ((l->ix = wa_lix_open(l->path, l->fd, 0)) == NULL)
		goto fail;
	return l;
fail:
	err = errno;
	wa_ledger_close(l);
	errno = err;
	return NULL;
}

int
wa_ledger_state(struct wa_ledger *l, const char *key, time_t *at)
{
	return wa_lix_state(l->ix, key, at, NULL, NULL);
}

int
wa_ledger_owner(struct wa_ledger *l, const char *key, const char *e164,
    time_t *at)
{
	return wa_lix_owner(l->ix, key, e164, at);
}

time_t
wa_ledger_until(struct wa_ledger *l, const char *key)
{
	time_t until;

	return wa_lix_state(l->ix, key, NULL, &until, NULL) == WA_LEDGER_FAILED ?
	    until : 0;
}

int
wa_ledger_recent(struct wa_ledger *l, const char *e164, time_t since)
{
	return wa_lix_recent(l->ix, e164, since);
}

int
wa_ledger_add(struct wa_ledger *l, json_t *entry)
{
	char *line;

	if (l->readonly || wa_lix_pend(l->ix, entry) < 0)
		return -1;
	if ((line = json_dumps(entry, JSON_COMPACT)) == NULL)
		return -1;
	wa_buf_adds(&l->pending, line);
	wa_buf_addc(&l->pending, '\n');
	free(line);
	return 0;
}

void
wa_ledger_rollat(struct wa_ledger *l, long long size)
{
	l->rollsize = size;
}

/*
 * Roll the ledger when due, only when the index holds all of it: the index
 * keeps the keys whose lines move, and dedupe holds across the roll.
 */
static void
roll(struct wa_ledger *l)
{
	off_t size = lseek(l->fd, 0, SEEK_END);
	int r;

	if (size <= 0 || (unsigned long long)size != wa_lix_covered(l->ix) ||
	    !wa_seg_due(l->fd, l->rollsize, "at"))
		return;
	if ((r = wa_seg_roll(l->path, &l->fd, "at")) < 0)
		wa_warn("%s: cannot roll over:", l->path);
	if (r == 0 && wa_lix_rolled(l->ix, l->fd) < 0)
		wa_warn("%s.idx: cannot cover the rolled ledger; rebuilt at the next run:",
		    l->path);
	l->rolled |= r == 0;
}

int
wa_ledger_flush(struct wa_ledger *l)
{
	off_t size;
	int err, behind;

	if (!l->readonly)
		roll(l);
	if (l->readonly || (size = lseek(l->fd, 0, SEEK_END)) < 0)
		return -1;
	behind = (unsigned long long)size != wa_lix_covered(l->ix);
	if (wa_write(l->fd, l->pending.s, l->pending.len) < 0) {
		/* a full disk may have taken part of a line: cut it */
		err = errno;
		if (ftruncate(l->fd, size) == 0)
			fsync(l->fd);
		errno = err;
		return -1;
	}
	/* One fsync covers every entry added since the last: group commit. */
	if (fsync(l->fd) < 0)
		return -1;
	/*
	 * Only now may the index fold them in; not when another program
	 * appended since it last did, without the lock: they stay apart,
	 * and the next run catches its tail up.
	 */
	size += (off_t)l->pending.len;
	wa_buf_reset(&l->pending);
	if (behind || lseek(l->fd, 0, SEEK_END) != size)
		return 0;
	return wa_lix_catchup(l->ix);
}

/* The best news of one open key in the events: what it settles to. */
struct news {
	char *key;
	int rank;		/* a RANK_ below */
	json_t *status;		/* the status event that told it */
	struct news *next;
};

/* A message seen delivered or read reached the user, whatever failed says. */
enum { RANK_NONE, RANK_SENT, RANK_FAILED, RANK_DELIVERED };

static int
rankof(const char *status)
{
	if (strcmp(status, "sent") == 0)
		return RANK_SENT;
	if (strcmp(status, "failed") == 0)
		return RANK_FAILED;
	if (strcmp(status, "delivered") == 0 || strcmp(status, "read") == 0 ||
	    strcmp(status, "played") == 0)
		return RANK_DELIVERED;
	return RANK_NONE;
}

/*
 * Keep status event E if it tells more about an open key than what was
 * seen: a status older than the key's last entry by more than SKEW is
 * about an earlier send of it (--every), and is left alone.
 */
static void
consider(struct wa_ledger *l, json_t *e, struct wa_hash *seen,
    struct news **list)
{
	const char *ev = wa_json_str(e, "event"), *key = wa_json_str(e, "key");
	const char *st = wa_json_str(e, "status"), *at = wa_json_str(e, "at");
	struct news *n;
	time_t t, kat;
	int rank, ks;

	if (ev == NULL || strcmp(ev, "status") != 0 || key == NULL ||
	    st == NULL || (rank = rankof(st)) == RANK_NONE)
		return;
	ks = wa_lix_state(l->ix, key, &kat, NULL, NULL);
	if (ks != WA_LEDGER_ATTEMPT && ks != WA_LEDGER_UNKNOWN)
		return;
	if (at && wa_time_parse(at, WA_DATES_ANY, &t) == 0 &&
	    t < kat - SETTLE_SKEW)
		return;
	if ((n = wa_hash_get(seen, key)) == NULL) {
		n = wa_calloc(1, sizeof *n);
		n->key = wa_strdup(key);
		n->next = *list;
		*list = n;
		wa_hash_put(seen, key, n);
	}
	if (rank > n->rank) {
		n->rank = rank;
		json_decref(n->status);
		n->status = json_deep_copy(e);
	}
}

/* The ledger entry that settles N: sent with the wamid, or failed with its class. */
static json_t *
settlement(struct wa_ledger *l, struct news *n, time_t now)
{
	const char *slash = strchr(n->key, '/');
	json_t *o = json_object(), *e;
	struct wa_graph_err err;
	char tb[WA_TIMEBUF];
	const char *to;
	long long hold;
	int cls;

	json_object_set_new(o, "event",
	    json_string(n->rank == RANK_FAILED ? "failed" : "sent"));
	if (slash) {
		json_object_set_new(o, "id", json_string(slash + 1));
		json_object_set_new(o, "campaign",
		    json_stringn(n->key, (size_t)(slash - n->key)));
	}
	wa_lix_state(l->ix, n->key, NULL, NULL, &to);
	wa_json_setstr(o, "to", to);
	json_object_set_new(o, "at", json_string(wa_time_fmt(now, tb)));
	json_object_set_new(o, "key", json_string(n->key));
	wa_json_setstr(o, "wamid", wa_json_str(n->status, "wamid"));
	json_object_set_new(o, "via", json_string("webhook"));
	if (n->rank != RANK_FAILED)
		return o;
	/* wa-hook's "error", or Meta's "errors" array as it came. */
	if ((e = json_object_get(n->status, "error")) == NULL)
		e = json_array_get(json_object_get(n->status, "errors"), 0);
	wa_graph_err_read(&err, e);
	cls = wa_graph_class(&err, 200);
	hold = cls == WA_GC_RECIPIENT ? wa_graph_hold(err.code) : 0;
	json_object_set_new(o, "error", json_pack("{s:o,s:s,s:s}", "code",
	    err.code >= 0 ? json_integer(err.code) : json_null(), "title",
	    err.title, "class", wa_graph_classname(cls)));
	json_object_set_new(o, "retry", json_boolean(hold == 0));
	if (hold > 0)
		wa_json_settime(o, "until", now + (time_t)hold);
	return o;
}

/* The whole lines of FP from where it stands: the statuses of open keys into LIST; bytes read, or -1. */
static long long
scan(struct wa_ledger *l, FILE *fp, struct wa_hash *seen, struct news **list)
{
	static const char *const keys[] = {
		"event", "key", "status", "wamid", "at", "error", "errors"
	};
	json_t *e = json_object();
	char *line = NULL;
	size_t cap = 0, at;
	ssize_t len;
	long long pos = 0;

	/* Only the fields a status needs are built: the spool may be huge. */
	while ((len = getline(&line, &cap, fp)) > 0 && line[len - 1] == '\n') {
		pos += len;	/* a line being written is read next time */
		if (wa_json_pick(line, (size_t)len - 1, keys, 7, e, &at) == 0)
			consider(l, e, seen, list);
	}
	free(line);
	json_decref(e);
	return ferror(fp) ? -1 : pos;
}

/* Every rolled segment, for a spool never read or whose place is lost. */
static int
scansegs(struct wa_ledger *l, const char *events, struct wa_hash *seen,
    struct news **list)
{
	static const char *const keys[] = {
		"event", "key", "status", "wamid", "at", "error", "errors"
	};
	struct wa_segs *sg = wa_segs_open(events, 0, 0, WA_SEGS_NOLIVE);
	json_t *e = json_object();
	char *line = NULL;
	size_t cap = 0, at;
	ssize_t len;
	int rc;

	while (sg && (len = wa_segs_line(sg, &line, &cap)) > 0)
		if (wa_json_pick(line, (size_t)len - 1, keys, 7, e, &at) == 0)
			consider(l, e, seen, list);
	rc = sg == NULL || wa_segs_error(sg) ? -1 : 0;
	free(line);
	json_decref(e);
	wa_segs_close(sg);
	return rc;
}

/*
 * The spool *FP is not the file the last settle stopped in, or not as it
 * was. After a roll, that file is a segment: its rest and each later
 * segment are read (wa_cursor_open), so a settle costs what came since
 * the last one, not the history. Never read, or the place lost (a
 * rewrite, the index rebuilt), every segment is. *FP is then the live
 * file at its beginning (NULL if it went meanwhile).
 */
static int
catchup(struct wa_ledger *l, const char *events, FILE **fp,
    struct wa_hash *seen, struct news **list)
{
	struct wa_cursor cur = { 0 }, next;
	int k, walked = 0;
	FILE *f;

	wa_lix_spool_at(l->ix, &cur);
	if (cur.ino == 0)
		return scansegs(l, events, seen, list);
	fclose(*fp);
	while ((k = wa_cursor_open(events, &cur, &next, &f)) > 0) {
		walked = scan(l, f, seen, list) < 0 ? -1 : 1;
		fclose(f);
		if (walked < 0)
			return -1;
		cur = next;
	}
	*fp = f;
	if (k == 0 && walked)
		return 0;
	/* the same file rewritten in place, or no segment was it */
	if (f && fseeko(f, 0, SEEK_SET) < 0)
		return -1;
	return scansegs(l, events, seen, list);
}

/*
 * With no key open, nothing in the spool now can settle one: a key opened
 * later has its statuses after its attempt, after this. The cursor goes
 * to the spool's end, so that the first settle after a quiet year does
 * not read the year.
 */
static void
skipall(struct wa_ledger *l, const char *events)
{
	struct stat st;
	FILE *fp;
	off_t end;
	char c;

	if ((fp = wa_state_read(events)) == NULL)
		return;
	if (fstat(fileno(fp), &st) == 0 && wa_lix_spool_from(l->ix, fileno(fp)) !=
	    (unsigned long long)st.st_size) {
		/* at the last whole line: one being written is read later */
		for (end = st.st_size; end > 0; end--)
			if (pread(fileno(fp), &c, 1, end - 1) != 1 || c == '\n')
				break;
		wa_lix_spool_done(l->ix, fileno(fp), (unsigned long long)end);
	}
	fclose(fp);
}

long
wa_ledger_settle(struct wa_ledger *l, const char *events, time_t now)
{
	struct news *list = NULL, *n;
	struct wa_hash *seen;
	long settled = 0;
	long long pos, got;
	json_t *o;
	FILE *fp;
	int rc;

	if (wa_lix_open_keys(l->ix) == 0) {
		skipall(l, events);
		return 0;
	}
	if ((fp = wa_state_read(events)) == NULL)
		return errno == ENOENT ? 0 : -1;
	seen = wa_hash_new();
	pos = (long long)wa_lix_spool_from(l->ix, fileno(fp));
	if (pos > 0 && fseeko(fp, (off_t)pos, SEEK_SET) < 0)
		settled = -1;
	else if (pos == 0 && catchup(l, events, &fp, seen, &list) < 0)
		settled = -1;
	/* no live file: a roll cut off between its renames */
	if (fp && (got = scan(l, fp, seen, &list)) < 0)
		settled = -1;
	else if (fp)
		pos += got;
	for (; list; list = n) {
		n = list->next;
		if (settled >= 0) {
			o = settlement(l, list, now);
			rc = l->readonly ? wa_lix_take(l->ix, o) : wa_ledger_add(l, o);
			json_decref(o);
			settled = rc < 0 ? -1 : settled + 1;
		}
		json_decref(list->status);
		free(list->key);
		free(list);
	}
	wa_hash_free(seen);
	if (settled > 0 && !l->readonly && wa_ledger_flush(l) < 0)
		settled = -1;
	if (fp && settled >= 0)
		wa_lix_spool_done(l->ix, fileno(fp), (unsigned long long)pos);
	if (fp)
		fclose(fp);
	return settled;
}

struct wa_ledger *
wa_ledger_read(const char *path)
{
	struct wa_ledger *l = wa_calloc(1, sizeof *l);

	l->path = wa_strdup(path);
	l->readonly = 1;
	if ((l->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0 &&
	    errno != ENOENT) {
		wa_ledger_close(l);
		return NULL;
	}
	/* no ledger yet: nothing was sent, and the index is empty */
	if ((l->ix = wa_lix_open(l->path, l->fd, 1)) == NULL) {
		wa_ledger_close(l);
		return NULL;
	}
	return l;
}

long
wa_ledger_entries(const struct wa_ledger *l)
{
	return wa_lix_entries(l->ix);
}

void
wa_ledger_close(struct wa_ledger *l)
{
	if (l == NULL)
		return;
	wa_lix_close(l->ix);
	if (l->fd >= 0)
		close(l->fd);
	if (l->rolled && wa_seg_pack(l->path) < 0)
		wa_warn("%s: cannot gzip its segments:", l->path);
	wa_buf_free(&l->pending);
	free(l->path);
	free(l);
}
