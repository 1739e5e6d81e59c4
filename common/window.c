/*
 * window.c: the customer-service window. When each user last wrote, read
 * once from a wa-hook spool: a free-form message goes only to a user who
 * wrote in the last 24 hours (Cloud API error 131047 otherwise).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "send.h"

struct wa_window {
	struct wa_hash *last;	/* phone key -> time_t *, the latest message */
};

struct wa_window *
wa_window_new(void)
{
	struct wa_window *w = wa_calloc(1, sizeof *w);

	w->last = wa_hash_new();
	return w;
}

void
wa_window_note(struct wa_window *w, const char *phone, time_t at)
{
	char key[WA_PHONE_MAX];
	time_t *t;

	wa_phone_key(phone, key);
	if (key[0] == '\0')
		return;
	if ((t = wa_hash_get(w->last, key)) == NULL) {
		t = wa_calloc(1, sizeof *t);
		wa_hash_put(w->last, key, t);
	}
	if (at > *t)
		*t = at;
}

/*
 * Only the message events' sender and time are parsed: the spool is mostly
 * statuses. Of its rolled segments only those of the last two days are read:
 * an older message opens no window now.
 */
struct wa_window *
wa_window_load(const char *path)
{
	static const char *const keys[] = { "event", "from", "at" };
	struct wa_window *w = wa_window_new();
	const char *ev, *from, *at;
	char *line = NULL;
	size_t cap = 0, bad;
	ssize_t len;
	json_t *e;
	time_t t;
	struct wa_segs *sg;
	int err;

	if ((sg = wa_segs_open(path, wa_now() - 2 * WA_WINDOW, 0, 0)) == NULL) {
		wa_window_free(w);
		return NULL;
	}
	e = json_object();
	while ((len = wa_segs_line(sg, &line, &cap)) > 0) {
		/* wa-hook writes "message" as is: a line without it is no message event */
		if (strstr(line, "\"message\"") == NULL)
			continue;
		if (wa_json_pick(line, (size_t)len - (line[len - 1] == '\n'),
		    keys, 3, e, &bad) < 0)
			continue;
		ev = wa_json_str(e, "event");
		from = wa_json_str(e, "from");
		at = wa_json_str(e, "at");
		if (ev && strcmp(ev, "message") == 0 && from && at &&
		    wa_time_parse(at, WA_DATES_ANY, &t) == 0)
			wa_window_note(w, from, t);
	}
	free(line);
	json_decref(e);
	err = wa_segs_error(sg);
	wa_segs_close(sg);
	if (err) {
		wa_window_free(w);
		errno = EIO;
		return NULL;
	}
	return w;
}

time_t
wa_window_last(const struct wa_window *w, const char *phone)
{
	char key[WA_PHONE_MAX];
	time_t *t;

	wa_phone_key(phone, key);
	return key[0] && (t = wa_hash_get(w->last, key)) != NULL ? *t : 0;
}

int
wa_window_open(const struct wa_window *w, const char *phone, time_t now)
{
	time_t t = wa_window_last(w, phone);

	return t > 0 && now - t < WA_WINDOW;
}

void
wa_window_free(struct wa_window *w)
{
	if (w == NULL)
		return;
	wa_hash_free_with(w->last, free);
	free(w);
}
