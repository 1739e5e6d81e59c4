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

struct keystate {
	int state;
	time_t at;
	time_t until;		/* FAILED: may be tried again from then; 0: never */
	char to[WA_PHONE_MAX];	/* the recipient of the last attempt, E.164 */
};

struct times {
	time_t *t;
	size_t n, cap;
};

struct wa_ledger {
	int fd;
	char *path;
	struct wa_hash *keys;	/* dedupe key -> struct keystate */
	struct wa_hash *recips;	/* same-user phone key -> struct times */
	struct wa_hash *owners;	/* campaign/phone key -> the struct keystate of
				   the key last attempted or held out to that user */
	struct wa_buf scratch;
	struct wa_buf pending;	/* entries added since the last flush */
	long entries, bad;
	long open;		/* keys in ATTEMPT or UNKNOWN state */
	int readonly;		/* wa_ledger_read: a look, for a dry run */
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

static int
isopen(int state)
{
	return state == WA_LEDGER_ATTEMPT || state == WA_LEDGER_UNKNOWN;
}

static void
addtime(struct wa_ledger *l, const char *to, time_t at)
{
	char key[WA_PHONE_MAX];
	struct times *ts;

	wa_phone_key(to, key);
	if ((ts = wa_hash_get(l->recips, key)) == NULL) {
		ts = wa_calloc(1, sizeof *ts);
		wa_hash_put(l->recips, key, ts);
	}
	if (ts->n == ts->cap) {
		ts->cap = ts->cap ? ts->cap * 2 : 4;
		ts->t = wa_realloc(ts->t, ts->cap * sizeof *ts->t);
	}
	ts->t[ts->n++] = at;
}

/* The key of OWNERS for the user of TO in KEY's campaign, in l->scratch; NULL: none. */
static const char *
ownerkey(struct wa_ledger *l, const char *key, const char *to)
{
	const char *slash = strchr(key, '/');
	char pk[WA_PHONE_MAX];

	if (slash == NULL || to == NULL || *to == '\0')
		return NULL;
	wa_phone_key(to, pk);
	wa_buf_reset(&l->scratch);
	wa_buf_add(&l->scratch, key, (size_t)(slash + 1 - key));
	wa_buf_adds(&l->scratch, pk);
	return wa_buf_str(&l->scratch);
}

/* Take one entry into the in-memory state; -1 when it is not a ledger entry. */
static int
take(struct wa_ledger *l, json_t *e)
{
	const char *event = wa_json_str(e, "event"), *key = wa_json_str(e, "key");
	const char *to = wa_json_str(e, "to"), *at = wa_json_str(e, "at");
	const char *until = wa_json_str(e, "until");
	struct keystate *k;
	time_t t = 0, u = 0;
	int state;

	if (event == NULL || key == NULL ||
	    (state = wa_ledger_event_state(event, e)) == WA_LEDGER_NONE)
		return -1;
	if (at)
		wa_time_parse(at, WA_DATES_ANY, &t);
	if ((k = wa_hash_get(l->keys, key)) == NULL) {
		k = wa_calloc(1, sizeof *k);
		wa_hash_put(l->keys, key, k);
	}
	/* An attempt that might have gone out counts toward caps, as a sent one does. */
	if (state == WA_LEDGER_ATTEMPT && to && *to) {
		snprintf(k->to, sizeof k->to, "%s", to);
		addtime(l, to, t);
	}
	/* One message per user and campaign, whatever the records' ids. */
	if ((state == WA_LEDGER_ATTEMPT || state == WA_LEDGER_HELD) &&
	    ownerkey(l, key, to) != NULL)
		wa_hash_put(l->owners, wa_buf_str(&l->scratch), k);
	if (state == WA_LEDGER_FAILED && until)
		wa_time_parse(until, WA_DATES_ANY, &u);
	l->open += isopen(state) - isopen(k->state);
	k->state = state;
	k->at = t;
	k->until = u;
	l->entries++;
	return 0;
}

/* Cut a last line that a crash left without its newline: it was never acknowledged. */
static size_t
untear(struct wa_ledger *l, const char *buf, size_t n)
{
	size_t keep = n;

	while (keep > 0 && buf[keep - 1] != '\n')
		keep--;
	if (keep == n || l->readonly)
		return keep;
	wa_warn("%s: dropping an unfinished last entry (%zu bytes) left by a crash",
	    l->path, n - keep);
	if (ftruncate(l->fd, (off_t)keep) < 0 || fsync(l->fd) < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot truncate:", l->path);
	return keep;
}

/* Read the whole ledger: a million entries are read in about a second. */
static int
load(struct wa_ledger *l)
{
	static const char *const keys[] = {
		"event", "key", "to", "at", "retry", "until"
	};
	struct wa_buf all = { 0 };
	char tmp[65536], *p, *nl, *end;
	json_t *e = json_object();
	long line = 0;
	size_t at;
	ssize_t r;

	while ((r = read(l->fd, tmp, sizeof tmp)) > 0)
		wa_buf_add(&all, tmp, (size_t)r);
	if (r < 0) {
		wa_buf_free(&all);
		json_decref(e);
		return -1;
	}
	end = all.len ? all.s + untear(l, all.s, all.len) : all.s;
	for (p = all.s; p && p < end && (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1) {
		line++;
		if (nl == p)
			continue;
		/* Only the fields a state needs are built; the line is checked whole. */
		if (wa_json_pick(p, (size_t)(nl - p), keys, 6, e, &at) < 0 ||
		    take(l, e) < 0) {
			wa_warnat(l->path, line, "not a ledger entry; ignored");
			l->bad++;
		}
	}
	json_decref(e);
	wa_buf_free(&all);
	return 0;
}

struct wa_ledger *
wa_ledger_open(const char *path, int wait)
{
	struct wa_ledger *l = wa_calloc(1, sizeof *l);
	int err;

	l->path = wa_strdup(path);
	l->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (l->fd < 0)
		goto fail;
	/*
	 * One run per ledger: a second one would not see the first's
	 * attempts. wa-forget rewrites it under the same lock.
	 */
	if (wa_lock_current(&l->fd, path, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0)
		goto fail;
	l->keys = wa_hash_new();
	l->recips = wa_hash_new();
	l->owners = wa_hash_new();
	if (load(l) < 0)
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
	struct keystate *k = wa_hash_get(l->keys, key);

	if (at)
		*at = k ? k->at : 0;
	return k ? k->state : WA_LEDGER_NONE;
}

int
wa_ledger_owner(struct wa_ledger *l, const char *key, const char *e164,
    time_t *at)
{
	const char *ok = ownerkey(l, key, e164);
	struct keystate *k = ok ? wa_hash_get(l->owners, ok) : NULL;

	if (k == NULL || k == wa_hash_get(l->keys, key)) {
		*at = 0;
		return WA_LEDGER_NONE;
	}
	*at = k->at;
	return k->state;
}

time_t
wa_ledger_until(struct wa_ledger *l, const char *key)
{
	struct keystate *k = wa_hash_get(l->keys, key);

	return k && k->state == WA_LEDGER_FAILED ? k->until : 0;
}

int
wa_ledger_recent(struct wa_ledger *l, const char *e164, time_t since)
{
	char key[WA_PHONE_MAX];
	struct times *ts;
	size_t i;
	int n = 0;

	wa_phone_key(e164, key);
	if ((ts = wa_hash_get(l->recips, key)) == NULL)
		return 0;
	for (i = 0; i < ts->n; i++)
		n += ts->t[i] >= since;
	return n;
}

int
wa_ledger_add(struct wa_ledger *l, json_t *entry)
{
	char *line;

	if (l->readonly || take(l, entry) < 0)
		return -1;
	if ((line = json_dumps(entry, JSON_COMPACT)) == NULL)
		return -1;
	wa_buf_adds(&l->pending, line);
	wa_buf_addc(&l->pending, '\n');
	free(line);
	return 0;
}

int
wa_ledger_flush(struct wa_ledger *l)
{
	off_t size;
	int err;

	if (l->readonly || (size = lseek(l->fd, 0, SEEK_END)) < 0)
		return -1;
	if (wa_write(l->fd, l->pending.s, l->pending.len) < 0) {
		/* a full disk may have taken part of a line: cut it */
		err = errno;
		if (ftruncate(l->fd, size) == 0)
			fsync(l->fd);
		errno = err;
		return -1;
	}
	wa_buf_reset(&l->pending);
	/* One fsync covers every entry added since the last: group commit. */
	return fsync(l->fd);
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
	struct keystate *k;
	struct news *n;
	time_t t;
	int rank;

	if (ev == NULL || strcmp(ev, "status") != 0 || key == NULL ||
	    st == NULL || (rank = rankof(st)) == RANK_NONE ||
	    (k = wa_hash_get(l->keys, key)) == NULL || !isopen(k->state))
		return;
	if (at && wa_time_parse(at, WA_DATES_ANY, &t) == 0 &&
	    t < k->at - SETTLE_SKEW)
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
	struct keystate *k = wa_hash_get(l->keys, n->key);
	const char *slash = strchr(n->key, '/');
	json_t *o = json_object(), *e;
	struct wa_graph_err err;
	char tb[WA_TIMEBUF];
	long long hold;
	int cls;

	json_object_set_new(o, "event",
	    json_string(n->rank == RANK_FAILED ? "failed" : "sent"));
	if (slash) {
		json_object_set_new(o, "id", json_string(slash + 1));
		json_object_set_new(o, "campaign",
		    json_stringn(n->key, (size_t)(slash - n->key)));
	}
	wa_json_setstr(o, "to", k->to);
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

long
wa_ledger_settle(struct wa_ledger *l, const char *events, time_t now)
{
	static const char *const keys[] = {
		"event", "key", "status", "wamid", "at", "error", "errors"
	};
	struct news *list = NULL, *n;
	struct wa_hash *seen;
	json_t *e, *o;
	char *line = NULL;
	size_t cap = 0, at;
	ssize_t len;
	long settled = 0;
	FILE *fp;
	int rc;

	if (l->open == 0)
		return 0;
	if ((fp = wa_state_read(events)) == NULL)
		return errno == ENOENT ? 0 : -1;
	seen = wa_hash_new();
	e = json_object();
	/* Only the fields a status needs are built: the spool may be huge. */
	while ((len = getline(&line, &cap, fp)) > 0)
		if (wa_json_pick(line, (size_t)len - (line[len - 1] == '\n'),
		    keys, 7, e, &at) == 0)
			consider(l, e, seen, &list);
	free(line);
	json_decref(e);
	if (ferror(fp))
		settled = -1;
	fclose(fp);
	for (; list; list = n) {
		n = list->next;
		if (settled >= 0) {
			o = settlement(l, list, now);
			rc = l->readonly ? take(l, o) : wa_ledger_add(l, o);
			json_decref(o);
			settled = rc < 0 ? -1 : settled + 1;
		}
		json_decref(list->status);
		free(list->key);
		free(list);
	}
	wa_hash_free(seen);
	if (settled > 0 && !l->readonly && wa_ledger_flush(l) < 0)
		return -1;
	return settled;
}

struct wa_ledger *
wa_ledger_read(const char *path)
{
	struct wa_ledger *l = wa_calloc(1, sizeof *l);

	l->path = wa_strdup(path);
	l->readonly = 1;
	l->keys = wa_hash_new();
	l->recips = wa_hash_new();
	l->owners = wa_hash_new();
	if ((l->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		if (errno == ENOENT)
			return l;	/* no ledger yet: nothing was sent */
		wa_ledger_close(l);
		return NULL;
	}
	if (load(l) < 0) {
		wa_ledger_close(l);
		return NULL;
	}
	return l;
}

long
wa_ledger_entries(const struct wa_ledger *l)
{
	return l->entries;
}

static void
freetimes(void *v)
{
	struct times *ts = v;

	free(ts->t);
	free(ts);
}

void
wa_ledger_close(struct wa_ledger *l)
{
	if (l == NULL)
		return;
	wa_hash_free_with(l->keys, free);
	wa_hash_free_with(l->recips, freetimes);
	wa_hash_free(l->owners);
	wa_buf_free(&l->scratch);
	if (l->fd >= 0)
		close(l->fd);
	wa_buf_free(&l->pending);
	free(l->path);
	free(l);
}
