/* Unit tests for common/consentlog.c: the consent log, appended once per evidence, folded to the latest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "store.h"
#include "tap.h"

static char dir[] = "/tmp/t-consentlog.XXXXXX";

static long
nlines(const char *path)
{
	FILE *fp = fopen(path, "r");
	long n = 0;
	int c;

	while (fp && (c = getc(fp)) != EOF)
		n += c == '\n';
	if (fp)
		fclose(fp);
	return n;
}

static void
put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "a");

	fputs(text, fp);
	fclose(fp);
}

int
main(void)
{
	struct wa_consentev ev = { 1, "+447700900001", 1795428000,
	    "whatsapp:button", "wamid.A" };
	struct wa_consentlog *l;
	char path[64];

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/consent.jsonl", dir);
	ok((l = wa_consentlog_load(path)) != NULL, "a missing log is an empty one");
	isnum(wa_consentlog_get(l, "+447700900001"), -1, "no event: -1");
	isnum(wa_consentlog_add(l, &ev), 1, "an opt-in appended");
	isnum(wa_consentlog_add(l, &ev), 0, "the same evidence again: not appended");
	isnum(nlines(path), 1, "one line");
	isnum(wa_consentlog_get(l, "+447700900001"), 1, "the latest is the opt-in");
	ev.in = 0;
	ev.at -= 3600;
	ev.evidence = "wamid.B";
	isnum(wa_consentlog_add(l, &ev), 1, "an older opt-out, delivered late");
	isnum(wa_consentlog_get(l, "+447700900001"), 1, "does not undo a later opt-in");
	ev.at += 7200;
	ev.evidence = "wamid.C";
	wa_consentlog_add(l, &ev);
	isnum(wa_consentlog_get(l, "+447700900001"), 0, "a later opt-out does");
	wa_consentlog_free(l);

	put(path, "not json\n{\"type\":\"opt_in\",\"phone\":\"+5511987654321\","
	    "\"at\":\"2026-11-23T10:00:00Z\",\"source\":\"x\"}\n"
	    "{\"type\":\"opt_in\",\"phone\":\"+447700900001\",\"at\":"
	    "\"2027-01-01T00:00:00Z\",\"source\":\"x\"}");
	l = wa_consentlog_load(path);
	isnum(wa_consentlog_get(l, "+447700900001"), 0,
	    "read back: the last line, without its newline, is not read");
	isnum(wa_consentlog_get(l, "+551187654321"), 1,
	    "the same WhatsApp user under another form of the number");
	ev.in = 0;
	ev.evidence = "wamid.C";
	isnum(wa_consentlog_add(l, &ev), 0, "evidence seen in an earlier run");
	ev.evidence = "wamid.D";
	isnum(wa_consentlog_add(l, &ev), 1, "appended, in place of the cut line");
	wa_consentlog_free(l);
	l = wa_consentlog_load(path);
	isnum(nlines(path), 6, "which is gone");
	isnum(wa_consentlog_get(l, "+447700900001"), 0, "and the new one read back");
	wa_consentlog_free(l);
	ok(wa_consentlog_get(NULL, "+447700900001") == -1, "no log: -1");
	unlink(path);
	rmdir(dir);
	return done_testing();
}
