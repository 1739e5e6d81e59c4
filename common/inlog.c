/*
 * inlog.c: the inbox log. What people (and later routing) did in a
 * conversation, one JSON line an event, appended and fsync'd under the
 * file's lock; wa-forget erases it in place under the same lock. It rolls
 * into inbox/YYYY-MM.jsonl (segments.c) when opened at 64 MiB or in a
 * month after its last line's, and that segment is gzipped at close.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "wa.h"
#include "inbox.h"

#define ROLLSIZE (64LL << 20)

struct wa_inlog {
	int fd;
	char *path;
	int rolled;
};

int
wa_inlog_event(const char *ev)
{
	static const char *const evs[] = { "opened", "routed", "assigned",
	    "handed_off", "note", "replied", "closed" };
	size_t i;

	for (i = 0; ev && i < sizeof evs / sizeof *evs; i++)
		if (strcmp(ev, evs[i]) == 0)
			return 1;
	return 0;
}

char *
wa_inlog_find(const char *path, const char *ev, const char *key,
    const char *field, time_t since)
{
	char *line = NULL, *v = NULL;
	size_t cap = 0;
	time_t t;
	json_t *o;
	FILE *fp;

	if ((fp = wa_state_read(path)) == NULL)
		return NULL;
	while (getline(&line, &cap, fp) > 0) {
		if (strstr(line, key) == NULL || (o = json_loads(line, 0, NULL)) == NULL)
			continue;
		if (wa_json_str(o, "event") && strcmp(wa_json_str(o, "event"), ev) == 0 &&
		    wa_json_str(o, "key") && strcmp(wa_json_str(o, "key"), key) == 0 &&
		    wa_json_str(o, field) && wa_json_str(o, "at") &&
		    wa_time_parse(wa_json_str(o, "at"), WA_DATES_ANY, &t) == 0 && t >= since)
			wa_strset(&v, wa_json_str(o, field));
		json_decref(o);
	}
	free(line);
	fclose(fp);
	return v;
}

struct wa_inlog *
wa_inlog_open(const char *path)
{
	struct wa_inlog *l = wa_calloc(1, sizeof *l);
	int err;

	l->path = wa_strdup(path);
	l->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (l->fd >= 0 && wa_lock_current(&l->fd, path, LOCK_EX) == 0 &&
	    wa_state_untear(l->fd) == 0) {
		if (wa_seg_due(l->fd, ROLLSIZE, "at") &&
		    (l->rolled = wa_seg_roll(path, &l->fd, "at") == 0) == 0)
			wa_warn("%s: not rolled over now:", path);
		return l;
	}
	err = errno;
	wa_inlog_close(l);
	errno = err;
	return NULL;
}

int
wa_inlog_add(struct wa_inlog *l, json_t *e)
{
	char tb[WA_TIMEBUF], *line;
	size_t n;
	int rc;

	json_object_set_new(e, "at", json_string(wa_time_fmt(wa_now(), tb)));
	if ((line = wa_json_line(e)) == NULL)
		return -1;
	n = strlen(line);
	line[n] = '\n';		/* over the NUL: written by length */
	rc = wa_write(l->fd, line, n + 1) < 0 || fsync(l->fd) < 0 ? -1 : 0;
	free(line);
	return rc;
}

void
wa_inlog_close(struct wa_inlog *l)
{
	if (l == NULL)
		return;
	if (l->fd >= 0)
		close(l->fd);
	if (l->rolled && wa_seg_pack(l->path) < 0)
		wa_warn("%s: cannot gzip its segments:", l->path);
	free(l->path);
	free(l);
}
