/*
 * route.c: the spool's new message events, from a cursor kept in
 * $WA_HOME, into departments by a rules file (first match wins). A crash
 * between the log and the cursor only reads some events again, and an
 * event of a conversation routed already changes nothing, so nothing is
 * routed twice.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wa.h"
#include "store.h"
#include "inbox.h"

/* Where the last run stopped; 0 when none, or when the spool is shorter (erased, replaced). */
static long long
cursor(const char *path, FILE *spool)
{
	long long at = 0;
	struct stat st;
	FILE *fp;
	int c;

	if ((fp = fopen(path, "r")) != NULL) {
		if (fscanf(fp, "%lld", &at) != 1)
			at = 0;
		fclose(fp);
	} else if (errno != ENOENT)
		wa_die(WA_EXIT_FATAL, "%s:", path);
	if (fstat(fileno(spool), &st) < 0 || at < 0 || at > (long long)st.st_size)
		at = 0;
	/* wa-forget may have rewritten the spool: start at a line's beginning */
	if (at > 0 && fseeko(spool, (off_t)at - 1, SEEK_SET) == 0 && (c = getc(spool)) != '\n')
		while (c != EOF && c != '\n')
			c = getc(spool);
	else if (fseeko(spool, (off_t)at, SEEK_SET) < 0)
		wa_die(WA_EXIT_FATAL, "cannot seek the spool:");
	return at;
}

static void
savecursor(const char *path, long long at)
{
	char *tmp;
	FILE *fp = wa_rewrite_open(path, &tmp);

	if (fp == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", path);
	fprintf(fp, "%lld\n", at);
	if (wa_rewrite_commit(fp, tmp, path) < 0)
		wa_die(WA_EXIT_FATAL, "%s:", path);
}

/* What the rules read: the customer record, the tier, and the message's own fields over them. */
static json_t *
subject(const struct wa_conv *c, json_t *ev)
{
	static const char *const own[] = { "text", "type", "payload", "name", "ref" };
	json_t *r = c->cust ? json_deep_copy(c->cust) : json_object();
	size_t i;

	wa_json_setstr(r, "tier", c->tier);
	wa_json_setstr(r, "phone", c->phone);
	for (i = 0; i < sizeof own / sizeof *own; i++)
		if (json_object_get(ev, own[i]))
			json_object_set(r, own[i], json_object_get(ev, own[i]));
	return r;
}

/*
 * The first rule of RS that EV in C matches: with HANDOFF, among the rules
 * named "handoff", else among the departments; NULL for none.
 */
static const char *
first(struct wa_rules *rs, const struct wa_conv *c, json_t *ev, int handoff)
{
	json_t *r = subject(c, ev);
	const char *d = NULL;
	size_t i;

	for (i = 0; d == NULL && i < rs->n; i++)
		if ((strcmp(rs->r[i].name, "handoff") == 0) == handoff &&
		    wa_rules_test(&rs->r[i], r, wa_now()))
			d = handoff ? rs->r[i].src : rs->r[i].name;
	json_decref(r);
	return d;
}

/* A line of the log about C for EV, given to EMIT. */
static void
logline(struct wa_inlog *log, const struct wa_conv *c, json_t *ev, const char *what,
    const char *key, const char *val, void (*emit)(json_t *, void *), void *arg)
{
	json_t *e = json_object();

	json_object_set_new(e, "event", json_string(what));
	json_object_set_new(e, "conv", json_string(c->id));
	json_object_set_new(e, "phone", json_string(c->phone));
	json_object_set(e, "customer", c->cust && json_object_get(c->cust, "id") ?
	    json_object_get(c->cust, "id") : json_null());
	json_object_set_new(e, key, json_string(val));
	wa_json_setstr(e, "wamid", wa_json_str(ev, "wamid"));
	if (wa_inlog_add(log, e) < 0)
		wa_die(WA_EXIT_FATAL, "cannot write the inbox log:");
	emit(e, arg);
}

/* A conversation is routed once, and handed off once, until it is closed. */
static void
route(struct wa_inbox *ib, struct wa_inlog *log, struct wa_rules *rs, json_t *ev,
    void (*emit)(json_t *, void *), void *arg)
{
	const char *from = wa_json_str(ev, "from"), *d;
	struct wa_conv *c;

	if (from == NULL || (c = wa_inbox_find(ib, from)) == NULL || c->closed)
		return;
	if (c->dept == NULL && (d = first(rs, c, ev, 0)) != NULL) {
		wa_strset(&c->dept, d);
		logline(log, c, ev, "routed", "dept", d, emit, arg);
	}
	if (!c->handed && (d = first(rs, c, ev, 1)) != NULL) {
		c->handed = 1;
		logline(log, c, ev, "handed_off", "reason", d, emit, arg);
	}
}

long
wa_route(struct wa_inbox *ib, struct wa_inlog *log, struct wa_rules *rs,
    const char *spool, const char *cursorpath, void (*emit)(json_t *, void *),
    void *arg)
{
	static const char *const keys[] = { "event", "wamid", "from", "text",
	    "type", "payload", "name", "ref" };
	json_t *ev = json_object();
	char *line = NULL;
	size_t cap = 0, bad;
	ssize_t len;
	long long at;
	long n = 0;
	FILE *fp;

	if ((fp = fopen(spool, "r")) == NULL) {
		json_decref(ev);
		if (errno == ENOENT)
			return 0;
		wa_die(WA_EXIT_FATAL, "%s:", spool);
	}
	cursor(cursorpath, fp);
	at = (long long)ftello(fp);
	/* a last line without its newline is still being written */
	while ((len = getline(&line, &cap, fp)) > 0 && line[len - 1] == '\n') {
		at += len;
		if (strstr(line, "\"message\"") == NULL ||
		    wa_json_pick(line, (size_t)len - 1, keys, sizeof keys / sizeof *keys, ev, &bad) < 0 ||
		    wa_json_str(ev, "event") == NULL || strcmp(wa_json_str(ev, "event"), "message"))
			continue;
		route(ib, log, rs, ev, emit, arg);
		n++;
	}
	if (ferror(fp))
		wa_die(WA_EXIT_FATAL, "%s:", spool);
	fclose(fp);
	free(line);
	json_decref(ev);
	savecursor(cursorpath, at);
	return n;
}
