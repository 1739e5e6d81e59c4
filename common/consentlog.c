/*
 * consentlog.c: the consent log, one opt_in or opt_out a line, appended
 * under flock and fsync'd by wa-hook (and wa-inbox), erased by wa-forget.
 * It holds changes only, so it stays small: a reader folds it once into
 * a table of each person's latest event, and asks that per record.
 */
#include <sys/file.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "store.h"

struct wa_consentlog {
	char *path;
	struct wa_hash *latest;	/* same-user key -> (at + 1) * 2 + opt_in */
	struct wa_fpset *seen;	/* type and evidence of every event */
};

static unsigned long long
evkey(int in, const char *evidence)
{
	struct wa_buf b = { 0 };
	unsigned long long fp;

	wa_buf_adds(&b, in ? "opt_in" : "opt_out");
	wa_buf_addc(&b, 0x1f);
	wa_buf_adds(&b, evidence);
	fp = wa_fp(wa_buf_str(&b));
	wa_buf_free(&b);
	return fp;
}

/* Fold one event in: the latest by its time wins, a later line on a tie. */
static void
fold(struct wa_consentlog *l, int in, const char *phone, time_t at,
    const char *evidence)
{
	char k[WA_PHONE_MAX];
	intptr_t was, v = ((intptr_t)at + 1) * 2 + in;

	wa_phone_key(phone, k);
	was = (intptr_t)wa_hash_get(l->latest, k);
	if (was == 0 || was / 2 <= v / 2)
		wa_hash_put(l->latest, k, (void *)v);
	if (evidence)
		wa_fpset_add(l->seen, evkey(in, evidence));
}

/* One line of the log into EV (strings pointing into O); -1 if it is none. */
static int
parse(json_t *o, struct wa_consentev *ev)
{
	const char *type = wa_json_str(o, "type"), *at = wa_json_str(o, "at");
	char e164[WA_PHONE_MAX];

	ev->phone = wa_json_str(o, "phone");
	ev->source = wa_json_str(o, "source");
	ev->evidence = wa_json_str(o, "evidence");
	if (type == NULL || (strcmp(type, "opt_in") != 0 &&
	    strcmp(type, "opt_out") != 0) || ev->phone == NULL ||
	    wa_phone_norm(ev->phone, NULL, e164) != WA_PHONE_OK ||
	    at == NULL || wa_time_parse(at, WA_DATES_ANY, &ev->at) < 0)
		return -1;
	ev->in = type[4] == 'i';
	return 0;
}

/*
 * A last line without its newline is still being written, or was cut:
 * unread. Only the fields read are parsed, into one object.
 */
static void
load(struct wa_consentlog *l, FILE *fp)
{
	static const char *const keys[] = { "type", "phone", "at", "evidence" };
	struct wa_consentev ev;
	json_t *o = json_object();
	char *line = NULL;
	size_t cap = 0, errat;
	ssize_t n;
	long no = 0, bad = 0;

	while ((n = getline(&line, &cap, fp)) > 0 && line[n - 1] == '\n') {
		no++;
		if (wa_json_pick(line, (size_t)n - 1, keys, 4, o, &errat) < 0 ||
		    parse(o, &ev) < 0) {
			if (bad++ == 0)
				wa_warnat(l->path, no, "not a consent event, ignored");
		} else
			fold(l, ev.in, ev.phone, ev.at, ev.evidence);
	}
	free(line);
	json_decref(o);
}

struct wa_consentlog *
wa_consentlog_load(const char *path)
{
	struct wa_consentlog *l = wa_calloc(1, sizeof *l);
	FILE *fp = wa_state_read(path);

	l->path = wa_strdup(path);
	l->latest = wa_hash_new();
	l->seen = wa_fpset_new();
	if (fp == NULL && errno != ENOENT) {
		wa_consentlog_free(l);
		return NULL;
	}
	if (fp) {
		load(l, fp);
		fclose(fp);
	}
	return l;
}

int
wa_consentlog_get(struct wa_consentlog *l, const char *e164)
{
	char k[WA_PHONE_MAX];
	intptr_t v;

	if (l == NULL)
		return -1;
	wa_phone_key(e164, k);
	v = (intptr_t)wa_hash_get(l->latest, k);
	return v == 0 ? -1 : (int)(v % 2);
}

/* A last line a crash cut short was never acknowledged: it goes. */
static int
cut(int fd)
{
	off_t end = lseek(fd, 0, SEEK_END), at;
	char c = '\n';

	for (at = end; at > 0; at--) {
		if (pread(fd, &c, 1, at - 1) != 1)
			return -1;
		if (c == '\n')
			break;
	}
	return at == end ? 0 : ftruncate(fd, at);
}

static int
append(const char *path, const char *line)
{
	int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	int rc = 0;

	if (fd < 0)
		return -1;
	/* wa-forget rewrites it under this lock */
	if (wa_lock_current(&fd, path, LOCK_EX) < 0 || cut(fd) < 0 ||
	    wa_write(fd, line, strlen(line)) < 0 || fsync(fd) < 0)
		rc = -1;
	if (close(fd) < 0)
		rc = -1;
	return rc;
}

int
wa_consentlog_add(struct wa_consentlog *l, const struct wa_consentev *ev)
{
	char at[WA_TIMEBUF], *s, *line;
	json_t *o;
	int rc;

	if (ev->evidence && wa_fpset_has(l->seen, evkey(ev->in, ev->evidence)))
		return 0;
	o = json_pack("{s:s, s:s, s:s, s:s}", "type", ev->in ? "opt_in" :
	    "opt_out", "phone", ev->phone, "at", wa_time_fmt(ev->at, at),
	    "source", ev->source);
	wa_json_setstr(o, "evidence", ev->evidence);
	s = wa_json_line(o);
	json_decref(o);
	if (s == NULL)
		return -1;
	line = wa_strjoin(s, "\n", "");
	rc = append(l->path, line);
	free(line);
	free(s);
	if (rc < 0)
		return -1;
	fold(l, ev->in, ev->phone, ev->at, ev->evidence);
	return 1;
}

int
wa_consentlog_yes(struct wa_consentlog *l, const char *e164, json_t *rec,
    int csv)
{
	int yes = e164 ? wa_consentlog_get(l, e164) : -1;
	json_t *v = json_object_get(rec, "opt_in");

	if (yes >= 0)
		return yes;
	/* a CSV record's opt_in is text: yes, true, 1...; JSON says true */
	return csv ? json_is_string(v) && wa_yesno(json_string_value(v)) == 1 :
	    json_is_true(v);
}

void
wa_consentlog_free(struct wa_consentlog *l)
{
	if (l == NULL)
		return;
	wa_hash_free(l->latest);
	wa_fpset_free(l->seen);
	free(l->path);
	free(l);
}
