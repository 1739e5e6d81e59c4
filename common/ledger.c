/* ledger.c: what was sent to whom, durable before a message leaves, read back at start. */
#include <sys/file.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"

struct keystate {
	int state;
	time_t at;
	char to[WA_PHONE_MAX];	/* the same-user key of the recipient */
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
	struct wa_buf pending;	/* entries added since the last flush */
	long entries, bad;
	int readonly;		/* wa_ledger_read: a look, for a dry run */
};

static int
statefor(const char *event, json_t *e)
{
	if (strcmp(event, "attempt") == 0)
		return WA_LEDGER_ATTEMPT;
	if (strcmp(event, "sent") == 0)
		return WA_LEDGER_SENT;
	if (strcmp(event, "unknown") == 0)
		return WA_LEDGER_UNKNOWN;
	if (strcmp(event, "failed") == 0)
		return json_is_true(json_object_get(e, "retry")) ?
		    WA_LEDGER_RETRY : WA_LEDGER_FAILED;
	return WA_LEDGER_NONE;
}

static void
addtime(struct wa_ledger *l, const char *to, time_t at)
{
	struct times *ts = wa_hash_get(l->recips, to);

	if (ts == NULL) {
		ts = wa_calloc(1, sizeof *ts);
		wa_hash_put(l->recips, to, ts);
	}
	if (ts->n == ts->cap) {
		ts->cap = ts->cap ? ts->cap * 2 : 4;
		ts->t = wa_realloc(ts->t, ts->cap * sizeof *ts->t);
	}
	ts->t[ts->n++] = at;
}

/* Take one entry into the in-memory state; -1 when it is not a ledger entry. */
static int
take(struct wa_ledger *l, json_t *e)
{
	const char *event = wa_json_str(e, "event"), *key = wa_json_str(e, "key");
	const char *to = wa_json_str(e, "to"), *at = wa_json_str(e, "at");
	struct keystate *k;
	time_t t = 0;
	int state;

	if (event == NULL || key == NULL ||
	    (state = statefor(event, e)) == WA_LEDGER_NONE)
		return -1;
	if (at)
		wa_time_parse(at, WA_DATES_ANY, &t);
	if ((k = wa_hash_get(l->keys, key)) == NULL) {
		k = wa_calloc(1, sizeof *k);
		wa_hash_put(l->keys, key, k);
	}
	/* An attempt that might have gone out counts toward caps, as a sent one does. */
	if (state == WA_LEDGER_ATTEMPT && to && *to) {
		wa_phone_key(to, k->to);
		addtime(l, k->to, t);
	}
	k->state = state;
	k->at = t;
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
	static const char *const keys[] = { "event", "key", "to", "at", "retry" };
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
		if (wa_json_pick(p, (size_t)(nl - p), keys, 5, e, &at) < 0 ||
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
	l->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (l->fd < 0)
		goto fail;
	/* One run per ledger: a second one would not see the first's attempts. */
	if (flock(l->fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0)
		goto fail;
	l->keys = wa_hash_new();
	l->recips = wa_hash_new();
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
	const char *p = l->pending.s;
	size_t n = l->pending.len;
	off_t size;
	ssize_t w;
	int err;

	if (l->readonly || (size = lseek(l->fd, 0, SEEK_END)) < 0)
		return -1;
	while (n > 0) {
		if ((w = write(l->fd, p, n)) < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			/* a full disk may have taken part of a line: cut it */
			err = errno;
			if (ftruncate(l->fd, size) == 0)
				fsync(l->fd);
			errno = err;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	wa_buf_reset(&l->pending);
	/* One fsync covers every entry added since the last: group commit. */
	return fsync(l->fd);
}

struct wa_ledger *
wa_ledger_read(const char *path)
{
	struct wa_ledger *l = wa_calloc(1, sizeof *l);

	l->path = wa_strdup(path);
	l->readonly = 1;
	l->keys = wa_hash_new();
	l->recips = wa_hash_new();
	if ((l->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
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
	if (l->fd >= 0)
		close(l->fd);
	wa_buf_free(&l->pending);
	free(l->path);
	free(l);
}
