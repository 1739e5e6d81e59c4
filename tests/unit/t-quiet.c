/* Unit tests for common/quiet.c: windows of either kind, and zones that fail closed. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "wa.h"
#include "send.h"
#include "tap.h"

static char tab[] = "/tmp/t-quiet.XXXXXX";
static time_t day;		/* 2026-11-23T00:00:00Z, a Monday of winter time */

/* TIME as "HH:MM" on DAY, UTC. */
static time_t
at(const char *hhmm)
{
	return day + (time_t)(atoi(hhmm) * 3600 + atoi(hhmm + 3) * 60);
}

static int
quiet(const char *win, const char *zone, const char *phone, const char *hhmm)
{
	struct wa_quiet q;

	if (wa_quiet_parse(win, &q) < 0)
		return 9;
	return wa_quiet_now(&q, zone, phone, at(hhmm));
}

/* The planted bug: a same-day window read inverted, or as one across midnight. */
static void
windows(void)
{
	static const struct {
		const char *win, *hhmm;
		int want;
	} t[] = {
		{ "13:00-17:00", "12:59", 0 }, { "13:00-17:00", "13:00", 1 },
		{ "13:00-17:00", "15:30", 1 }, { "13:00-17:00", "16:59", 1 },
		{ "13:00-17:00", "17:00", 0 }, { "13:00-17:00", "23:00", 0 },
		{ "13:00-17:00", "03:00", 0 },
		{ "21:00-09:00", "20:59", 0 }, { "21:00-09:00", "21:00", 1 },
		{ "21:00-09:00", "23:30", 1 }, { "21:00-09:00", "00:00", 1 },
		{ "21:00-09:00", "08:59", 1 }, { "21:00-09:00", "09:00", 0 },
		{ "21:00-09:00", "13:00", 0 },
		{ "00:00-24:00", "12:00", 1 }, { "09:00-09:00", "09:00", 0 },
	};
	char what[96];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		snprintf(what, sizeof what, "%s at %s UTC: %s", t[i].win,
		    t[i].hhmm, t[i].want ? "quiet" : "not quiet");
		isnum(quiet(t[i].win, "UTC", NULL, t[i].hhmm), t[i].want, what);
	}
	isnum(quiet("13:00-17:00", "Asia/Tokyo", NULL, "05:00"), 1,
	    "13:00-17:00 in Tokyo at 05:00 UTC (14:00 there): quiet");
	isnum(quiet("13:00-17:00", "Asia/Tokyo", NULL, "14:00"), 0,
	    "13:00-17:00 in Tokyo at 14:00 UTC (23:00 there): not quiet");
}

/* A record's zone unknown or malformed: never UTC; the phone's country decides. */
static void
zones(void)
{
	static const char *const bad[] = {
		NULL, "", "Nowhere/City", "+09:00", "UTC+9", "../../etc/passwd",
		"/etc/localtime", "Asia/Tokyo ", "zone.tab",
	};
	char what[96];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(what, sizeof what, "tz '%s', a Japanese phone, 14:00 UTC: "
		    "23:00 in Tokyo, quiet", bad[i] ? bad[i] : "(none)");
		isnum(quiet("21:00-09:00", bad[i], "+819012345678", "14:00"), 1,
		    what);
	}
	isnum(quiet("21:00-09:00", "Nowhere/City", "+819012345678", "03:00"), 0,
	    "and at 03:00 UTC (12:00 in Tokyo) not quiet");
	isnum(quiet("21:00-09:00", "UTC", "+819012345678", "14:00"), 0,
	    "a known tz wins over the phone's country");
	/* this test's tab: New York and Los Angeles */
	isnum(quiet("21:00-09:00", "Nowhere/City", "+12025550134", "14:00"), -1,
	    "US phone at 14:00 UTC: 09:00 in New York, 06:00 in Los Angeles: undecided");
	isnum(quiet("21:00-09:00", NULL, "+12025550134", "14:00"), -1,
	    "and with no tz at all");
	isnum(quiet("21:00-09:00", NULL, "+12025550134", "20:00"), 0,
	    "US phone at 20:00 UTC: day on both coasts, not quiet");
	isnum(quiet("21:00-09:00", NULL, "+12025550134", "08:00"), 1,
	    "US phone at 08:00 UTC: night on both coasts, quiet");
	isnum(quiet("21:00-09:00", NULL, "+883510000000", "12:00"), -1,
	    "a non-geographic number with no tz: undecided");
	isnum(quiet("21:00-09:00", NULL, "+447700900031", "12:00"), -1,
	    "a country missing from the tab: undecided");
	isnum(quiet("21:00-09:00", NULL, NULL, "12:00"), -1,
	    "no tz and no phone: undecided");
}

int
main(void)
{
	struct wa_quiet q = { 0 };
	FILE *fp;
	int fd;

	if (wa_time_parse("2026-11-23T00:00:00Z", WA_DATES_ANY, &day) < 0 ||
	    (fd = mkstemp(tab)) < 0 || (fp = fdopen(fd, "w")) == NULL) {
		perror("t-quiet");
		return 1;
	}
	fputs("# a tab of our own\n"
	    "JP\t+353916+1394441\tAsia/Tokyo\n"
	    "US\t+404251-0740023\tAmerica/New_York\n"
	    "US\t+340308-1181434\tAmerica/Los_Angeles\tPacific\n", fp);
	fclose(fp);
	setenv("WA_ZONETAB", tab, 1);
	isnum(wa_quiet_parse("13:00-17:00", &q), 0, "13:00-17:00 parses");
	isnum(q.from * 10000 + q.to, 780 * 10000 + 1020, "as 780 to 1020 minutes");
	isnum(wa_quiet_parse("21-9", &q), -1, "21-9 does not");
	q.set = 0;
	isnum(wa_quiet_now(&q, NULL, NULL, day), 0, "no window: never quiet");
	windows();
	zones();
	unlink(tab);
	return done_testing();
}
