/* Unit tests for common/window.c: who wrote when, from a wa-hook spool. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "send.h"
#include "tap.h"

static char dir[] = "/tmp/t-window.XXXXXX";

int
main(void)
{
	char path[64];
	struct wa_window *w;
	time_t t, now;
	FILE *fp;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/events.jsonl", dir);
	w = wa_window_load(path);
	ok(w != NULL && wa_window_last(w, "+447700900001") == 0,
	    "an absent spool: nobody wrote");
	wa_window_free(w);

	fp = fopen(path, "w");
	fputs("{\"event\":\"message\",\"from\":\"+447700900001\",\"at\":\"2026-11-23T10:00:00Z\",\"type\":\"text\"}\n"
	    "{\"event\":\"message\",\"from\":\"+447700900001\",\"at\":\"2026-11-22T10:00:00Z\",\"type\":\"text\"}\n"
	    "{\"event\":\"status\",\"status\":\"read\",\"from\":\"+447700900002\",\"at\":\"2026-11-23T10:00:00Z\",\"message\":\"x\"}\n"
	    "{\"event\":\"message\",\"from\":\"+5511987654321\",\"at\":\"2026-11-23T11:00:00Z\"}\n"
	    "{\"event\":\"message\",\"from\":\"+447700900003\"}\n"
	    "{\"event\":\"message\",\"from\":\"+447700900004\",\"at\":\"2026-11-23T10:00:00Z\"\n"
	    "not json \"message\"\n"
	    "{\"event\":\"message\",\"user_id\":\"US.1\",\"at\":\"2026-11-23T10:00:00Z\"}\n", fp);
	fclose(fp);
	w = wa_window_load(path);
	ok(w != NULL, "a spool with bad lines loads");
	wa_time_parse("2026-11-23T10:00:00Z", WA_DATES_ANY, &t);
	isnum(wa_window_last(w, "+447700900001"), t, "the latest message counts, not the last line");
	isnum(wa_window_last(w, "+447700900002"), 0, "a status is no message from the user");
	isnum(wa_window_last(w, "+447700900003"), 0, "a message without a time opens nothing");
	isnum(wa_window_last(w, "+447700900004"), 0, "nor a line cut short");
	ok(wa_window_last(w, "+551187654321") == t + 3600,
	    "a Brazilian mobile without its 9th digit is the same user");
	now = t + WA_WINDOW - 1;
	ok(wa_window_open(w, "+447700900001", now), "open 23:59:59 after");
	ok(!wa_window_open(w, "+447700900001", now + 1), "closed 24 hours after");
	ok(!wa_window_open(w, "+447700900009", t), "closed for one who never wrote");
	wa_window_note(w, "+447700900009", t);
	ok(wa_window_open(w, "+447700900009", t + 10), "wa_window_note opens it");
	wa_window_note(w, "+447700900009", t - 100);
	isnum(wa_window_last(w, "+447700900009"), t, "an older note leaves the latest");
	wa_window_free(w);

	unlink(path);
	rmdir(dir);
	return done_testing();
}
