/* Unit tests for common/ledger.c and ledgerix.c: states, caps, durability, torn lines, the lock, the index. */
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "send.h"
#include "tap.h"
#include "ledgerix-int.h"

static char dir[] = "/tmp/t-ledger.XXXXXX";
static char path[128];

static json_t *
entry(const char *event, const char *key, const char *to, const char *at)
{
	json_t *e = json_pack("{s:s, s:s, s:s}", "event", event, "key", key,
	    "at", at);

	if (to)
		json_object_set_new(e, "to", json_string(to));
	return e;
}

static int
add(struct wa_ledger *l, const char *event, const char *key, const char *to,
    const char *at)
{
	json_t *e = entry(event, key, to, at);
	int rc = wa_ledger_add(l, e);

	json_decref(e);
	return rc;
}

static const char *
slurp(void)
{
	static char buf[4096];
	FILE *fp = fopen(path, "r");
	size_t n = fread(buf, 1, sizeof buf - 1, fp);

	fclose(fp);
	buf[n] = '\0';
	return buf;
}

static void
append(const char *s)
{
	FILE *fp = fopen(path, "a");

	fputs(s, fp);
	fclose(fp);
}

static time_t
t(const char *s)
{
	time_t v = 0;

	wa_time_parse(s, WA_DATES_ANY, &v);
	return v;
}

/* Caps count attempts in any order, and the index grows past its first size. */
static void
index_tests(void)
{
	char key[64], to[32], ix[160];
	struct wa_ledger *l;
	struct stat st;
	int i, bad = 0;

	snprintf(path, sizeof path, "%s/big.jsonl", dir);
	snprintf(ix, sizeof ix, "%s.idx", path);
	l = wa_ledger_open(path, 1);
	add(l, "attempt", "c1/a", "+447700900500", "2026-11-05T10:00:00Z");
	add(l, "attempt", "c1/b", "+447700900500", "2026-10-01T10:00:00Z");
	add(l, "attempt", "c1/c", "+447700900500", "2026-11-06T10:00:00Z");
	add(l, "attempt", "c1/d", "+447700900500", "2026-09-01T10:00:00Z");
	wa_ledger_flush(l);
	isnum(wa_ledger_recent(l, "+447700900500", t("2026-10-15T00:00:00Z")), 2,
	    "an attempt older than the one before it does not hide the newer");
	isnum(wa_ledger_recent(l, "+447700900500", t("2026-09-15T00:00:00Z")), 3,
	    "nor an older window");
	for (i = 0; i < 40000; i++) {
		snprintf(key, sizeof key, "big/%d", i);
		snprintf(to, sizeof to, "+4477009%05d", i % 5000);
		add(l, "attempt", key, to, "2026-11-01T10:00:00Z");
		if (i % 3)
			add(l, "sent", key, NULL, "2026-11-01T10:00:01Z");
		if (i % 1000 == 999)
			wa_ledger_flush(l);
	}
	wa_ledger_flush(l);
	wa_ledger_close(l);
	ok(stat(ix, &st) == 0 && st.st_size > (1 << 20), "the index is kept beside the ledger, grown");
	l = wa_ledger_read(path);
	for (i = 0; i < 40000; i++) {
		snprintf(key, sizeof key, "big/%d", i);
		bad += wa_ledger_state(l, key, NULL) !=
		    (i % 3 ? WA_LEDGER_SENT : WA_LEDGER_ATTEMPT);
	}
	isnum(bad, 0, "40,000 keys read back from the index");
	isnum(wa_ledger_recent(l, "+447700904999", 0), 8, "and each number's 8 attempts");
	isnum(wa_ledger_entries(l), 66670, "and the count of entries");
	wa_ledger_close(l);
	unlink(ix);
	l = wa_ledger_read(path);
	isnum(wa_ledger_state(l, "big/39999", NULL), WA_LEDGER_ATTEMPT,
	    "with the index removed, a look rebuilds it");
	isnum(wa_ledger_recent(l, "+447700900500", t("2026-10-15T00:00:00Z")), 10,
	    "caps included");
	wa_ledger_close(l);
	ok(stat(ix, &st) == 0, "and saves it");
	snprintf(path, sizeof path, "%s/ledger.jsonl", dir);
}

static void
status(const char *events, const char *mode, const char *key)
{
	FILE *fp = fopen(events, mode);

	fprintf(fp, "{\"event\":\"status\",\"key\":\"%s\",\"status\":\"sent\","
	    "\"wamid\":\"w\",\"at\":\"2026-11-01T10:00:05Z\"}\n", key);
	fclose(fp);
}

/* Settling reads the spool from where it last stopped, unless it is another file. */
static void
cursor_tests(void)
{
	char events[160];
	struct wa_ledger *l;

	snprintf(path, sizeof path, "%s/cur.jsonl", dir);
	snprintf(events, sizeof events, "%s/events.jsonl", dir);
	l = wa_ledger_open(path, 1);
	add(l, "attempt", "c/k1", "+447700900601", "2026-11-01T10:00:00Z");
	wa_ledger_flush(l);
	status(events, "w", "c/k4");	/* before its attempt: cannot be about it */
	status(events, "a", "c/k1");
	isnum(wa_ledger_settle(l, events, 0), 1, "an open key settled from the spool");
	add(l, "attempt", "c/k2", "+447700900602", "2026-11-01T10:00:00Z");
	add(l, "attempt", "c/k4", "+447700900604", "2026-11-01T10:00:00Z");
	wa_ledger_flush(l);
	status(events, "a", "c/k2");
	wa_ledger_close(l);
	l = wa_ledger_open(path, 1);
	isnum(wa_ledger_settle(l, events, 0), 1, "the next run reads on from where it stopped");
	isnum(wa_ledger_state(l, "c/k4", NULL), WA_LEDGER_ATTEMPT,
	    "and not what it read before");
	status(events, "w", "c/k4");	/* rewritten in place, shorter */
	isnum(wa_ledger_settle(l, events, 0), 1, "a spool rewritten is read again whole");
	/* another program appends without the lock between an add and its flush */
	add(l, "attempt", "c/k5", "+447700900605", "2026-11-01T10:00:00Z");
	append("{\"event\":\"held_out\",\"key\":\"c/k6\",\"to\":\"+447700900606\"}\n");
	wa_ledger_flush(l);
	wa_ledger_close(l);
	l = wa_ledger_open(path, 1);
	ok(wa_ledger_state(l, "c/k5", NULL) == WA_LEDGER_ATTEMPT &&
	    wa_ledger_state(l, "c/k6", NULL) == WA_LEDGER_HELD,
	    "an append by another program meanwhile: both entries are known");
	wa_ledger_close(l);
	snprintf(path, sizeof path, "%s/ledger.jsonl", dir);
}

/* What the ledger LP says: entries, some keys' states, some numbers' attempts, in BUF. */
static const char *
look(const char *lp, char *buf, size_t size)
{
	struct wa_ledger *l = wa_ledger_read(lp);
	char key[32], to[24];
	size_t n;
	int i;

	n = (size_t)snprintf(buf, size, "%ld", wa_ledger_entries(l));
	for (i = 0; i < 5000 && n < size; i += 97) {
		snprintf(key, sizeof key, i < 2000 ? "u/k%d" : "u/n%d", i);
		snprintf(to, sizeof to, "+4477009%05d", i % 50);
		n += (size_t)snprintf(buf + n, size - n, " %d/%d", wa_ledger_state(l, key, NULL),
		    wa_ledger_recent(l, to, 0));
	}
	wa_ledger_close(l);
	return buf;
}

/*
 * A fold of the ledger's tail into the index cut short (a kill) is undone by
 * the next run and done again, the index never rebuilt: here cut at its very
 * end, every change of the fold made (a rehash, new keys, nodes, states) and
 * the header not sealed.
 */
static void
undo_tests(void)
{
	char lp[160], ip[170], a[4096], b[4096], key[32], to[24];
	struct wa_ledger *l;
	struct stat st0, st1;
	struct undo u;
	int fd, i;

	snprintf(lp, sizeof lp, "%s/undo.jsonl", dir);
	snprintf(ip, sizeof ip, "%s.idx", lp);
	/* the entries' month: a month later the second run would roll the ledger */
	setenv("WA_NOW", "2026-11-02T12:00:00Z", 1);
	l = wa_ledger_open(lp, 1);
	for (i = 0; i < 2000; i++) {
		snprintf(key, sizeof key, "u/k%d", i);
		snprintf(to, sizeof to, "+4477009%05d", i % 50);
		add(l, "attempt", key, to, "2026-11-01T10:00:00Z");
		add(l, i % 3 ? "sent" : "unknown", key, NULL, "2026-11-01T10:00:01Z");
	}
	wa_ledger_flush(l);
	wa_ledger_close(l);
	fd = open(ip, O_RDWR);
	memset(&u, 0, sizeof u);
	pread(fd, &u.saved, sizeof u.saved, 0);
	fstat(fd, &st0);
	l = wa_ledger_open(lp, 1);
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, i < 2000 ? "u/k%d" : "u/n%d", i);
		snprintf(to, sizeof to, "+4477009%05d", i % 50);
		add(l, i < 2000 ? "failed" : "attempt", key, to, "2026-11-02T10:00:00Z");
	}
	wa_ledger_flush(l);
	wa_ledger_close(l);
	u.sum = wa_lix_fnv(FNV0, &u.saved, sizeof u.saved);
	u.applying = 1;
	pwrite(fd, &u, sizeof u, UNDOOFF);
	pwrite(fd, "XXXXXXXX", 8, offsetof(struct hdr, entries));
	close(fd);
	look(lp, a, sizeof a);
	stat(ip, &st1);
	ok(st0.st_ino == st1.st_ino, "a fold cut short: the index is not rebuilt");
	l = wa_ledger_open(lp, 1);
	wa_ledger_close(l);
	stat(ip, &st1);
	ok(st0.st_ino == st1.st_ino, "not by a run either");
	ok(strncmp(a, "9000 ", 5) == 0, "it holds every entry once");
	unlink(ip);
	is(a, look(lp, b, sizeof b), "undone and done again, it says what a rebuild says");
	unsetenv("WA_NOW");
}

int
main(void)
{
	struct wa_ledger *l, *l2;
	struct stat st;
	json_t *e;
	int fds[2], n;
	pid_t pid;
	char c;

	wa_init_name("t-ledger");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/ledger.jsonl", dir);
	freopen("/dev/null", "w", stderr);

	l = wa_ledger_open(path, 1);
	ok(l != NULL, "a new ledger opens");
	stat(path, &st);
	isnum(st.st_mode & 0777, 0600, "it is created 0600");
	isnum(wa_ledger_state(l, "c1/shopify:1", NULL), WA_LEDGER_NONE, "an unknown key was never tried");
	add(l, "attempt", "c1/shopify:1", "+5511987654321", "2026-11-01T10:00:00Z");
	is(slurp(), "", "nothing is written before the flush");
	isnum(wa_ledger_flush(l), 0, "flush");
	is(slurp(), "{\"event\":\"attempt\",\"key\":\"c1/shopify:1\",\"at\":\"2026-11-01T10:00:00Z\",\"to\":\"+5511987654321\"}\n",
	    "the attempt is on disk after the flush");
	isnum(wa_ledger_state(l, "c1/shopify:1", NULL), WA_LEDGER_ATTEMPT, "attempted, no outcome yet");
	add(l, "sent", "c1/shopify:1", NULL, "2026-11-01T10:00:01Z");
	add(l, "attempt", "c1/shopify:2", "+447700900123", "2026-11-01T10:00:02Z");
	add(l, "failed", "c1/shopify:2", NULL, "2026-11-01T10:00:03Z");
	e = json_pack("{s:s}", "event", "sent");
	ok(wa_ledger_add(l, e) < 0, "an entry without a key is refused");
	json_decref(e);
	wa_ledger_flush(l);
	wa_ledger_close(l);

	l = wa_ledger_open(path, 1);
	isnum(wa_ledger_entries(l), 4, "four entries read back");
	isnum(wa_ledger_state(l, "c1/shopify:1", NULL), WA_LEDGER_SENT, "sent survives a reopen");
	isnum(wa_ledger_state(l, "c1/shopify:2", NULL), WA_LEDGER_FAILED, "failed survives a reopen");
	isnum(wa_ledger_recent(l, "+551187654321", t("2026-10-25T00:00:00Z")), 1,
	    "caps see Brazil's number without the 9th digit as the same user");
	isnum(wa_ledger_recent(l, "+5511987654321", t("2026-11-02T00:00:00Z")), 0,
	    "outside the window it does not count");
	{
		time_t at;

		isnum(wa_ledger_owner(l, "c1/other", "+5511987654321", &at),
		    WA_LEDGER_SENT, "another key to the same user of the campaign: its state");
		ok(at == t("2026-11-01T10:00:01Z"), "and when it was reached");
		isnum(wa_ledger_owner(l, "c1/shopify:1", "+5511987654321", &at),
		    WA_LEDGER_NONE, "the key itself is no other");
		isnum(wa_ledger_owner(l, "c9/other", "+5511987654321", &at),
		    WA_LEDGER_NONE, "another campaign's is none");
		isnum(wa_ledger_owner(l, "c1/other", "+447700900999", &at),
		    WA_LEDGER_NONE, "another user's is none");
	}
	add(l, "attempt", "c2/shopify:2", "+447700900123", "2026-11-05T10:00:00Z");
	e = entry("failed", "c2/shopify:2", NULL, "2026-11-05T10:00:01Z");
	json_object_set_new(e, "retry", json_true());
	wa_ledger_add(l, e);
	json_decref(e);
	isnum(wa_ledger_state(l, "c2/shopify:2", NULL), WA_LEDGER_RETRY, "a retryable failure");
	isnum(wa_ledger_recent(l, "+447700900123", 0), 2, "every attempt to a number counts toward caps");
	e = entry("failed", "c4/x", NULL, "2026-11-05T10:00:02Z");
	json_object_set_new(e, "retry", json_false());
	json_object_set_new(e, "until", json_string("2026-11-06T10:00:02Z"));
	wa_ledger_add(l, e);
	json_decref(e);
	wa_ledger_flush(l);
	wa_ledger_close(l);

	append("{\"event\":\"attempt\",\"key\":\"c3/x\",\"to\":\"+4477");
	l = wa_ledger_open(path, 1);
	ok(l != NULL, "a ledger with a torn last line opens");
	isnum(wa_ledger_state(l, "c3/x", NULL), WA_LEDGER_NONE, "the torn entry is ignored");
	ok(wa_ledger_until(l, "c4/x") == t("2026-11-06T10:00:02Z"),
	    "a failure held until a time is read back with it");
	ok(wa_ledger_until(l, "c1/shopify:2") == 0, "a failure for good has no end");
	isnum(wa_ledger_settle(l, dir, 0), 0, "no key is open: the events are not even read");
	add(l, "attempt", "c5/x", "+447700900123", "2026-11-05T10:00:00Z");
	isnum(wa_ledger_settle(l, dir, 0), -1, "a key is open: they are read (a directory fails)");
	n = (int)strlen(slurp());
	ok(n > 0 && slurp()[n - 1] == '\n', "and cut off, so the next append starts a line");
	wa_ledger_close(l);

	append("garbage\n{\"event\":\"nonsense\",\"key\":\"k\"}\n");
	l = wa_ledger_open(path, 1);
	isnum(wa_ledger_entries(l), 7, "lines that are no entries are skipped");
	wa_ledger_close(l);

	index_tests();
	cursor_tests();
	undo_tests();

	/* A second run on the same ledger waits, or with no wait is refused. */
	if (pipe(fds) < 0)
		return 1;
	fflush(stdout);
	if ((pid = fork()) == 0) {
		l2 = wa_ledger_open(path, 1);
		c = l2 ? 'y' : 'n';
		write(fds[1], &c, 1);
		pause();
		_exit(0);
	}
	read(fds[0], &c, 1);
	ok(c == 'y', "a run holds the ledger");
	errno = 0;
	l = wa_ledger_open(path, 0);
	ok(l == NULL && errno == EWOULDBLOCK, "a second run with no wait is refused");
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	l = wa_ledger_open(path, 0);
	ok(l != NULL, "the lock goes with the run that held it");
	wa_ledger_close(l);
	return done_testing();
}
