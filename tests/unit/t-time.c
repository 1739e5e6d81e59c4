/* Unit tests for common/time.c. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wa.h"
#include "tap.h"

#define T0 1746971716LL		/* 2025-05-11T13:55:16Z */
#define BAD (-1)		/* stands for "rejected" in the tables */

static const struct {
	const char *s;
	int order;
	long long t;		/* or BAD */
	int bad;
} parses[] = {
	/* ISO 8601 */
	{ "2025-05-11T13:55:16Z", WA_DATES_ANY, T0, 0 },
	{ "2025-05-11T13:55:16", WA_DATES_ANY, T0, 0 },
	{ "2025-05-11t13:55:16z", WA_DATES_ANY, T0, 0 },
	{ "2025-05-11T13:55:16.123Z", WA_DATES_ANY, T0, 0 },
	{ "2025-05-11T13:55:16,999999999Z", WA_DATES_ANY, T0, 0 },
	{ "2025-05-11T13:55:16.Z", WA_DATES_ANY, BAD, 1 },
	{ "2025-05-11T13:55:16..5Z", WA_DATES_ANY, BAD, 1 },
	{ "2025-05-11T13:55Z", WA_DATES_ANY, T0 - 16, 0 },
	{ "2025-05-11T15:55:16+02:00", WA_DATES_ANY, T0, 0 },
	{ "2025-05-11T15:55:16+0200", WA_DATES_ANY, T0, 0 },
	{ "2025-05-11T09:55:16-04", WA_DATES_ANY, T0, 0 },
	{ "2025-05-11T19:25:16.5+05:30", WA_DATES_ANY, T0, 0 },
	{ "2025-05-11T13:55:16+00:00", WA_DATES_ANY, T0, 0 },
	{ "2025-05-11T13:55:16+24:00", WA_DATES_ANY, BAD, 1 },
	{ "2025-05-11T13:55:16+02:60", WA_DATES_ANY, BAD, 1 },
	{ "2025-05-11T13:55:16+2", WA_DATES_ANY, BAD, 1 },
	{ "2025-05-11T13:55:16+02:", WA_DATES_ANY, BAD, 1 },
	{ "2025-05-11T13:55:16+02:000", WA_DATES_ANY, BAD, 1 },
	/* Shopify's export */
	{ "2025-05-11 09:55:16 -0400", WA_DATES_ANY, T0, 0 },
	{ "2025-05-11 13:55:16", WA_DATES_ANY, T0, 0 },
	{ "2025-05-11 13:55:16 Z", WA_DATES_ANY, T0, 0 },
	{ "2025-05-11 09:55:16 -0400 ", WA_DATES_ANY, BAD, 1 },
	{ "2025-05-11 13:55:16 ", WA_DATES_ANY, BAD, 1 },
	/* bare dates */
	{ "2025-05-11", WA_DATES_ANY, 1746921600, 0 },
	{ "2025-05-11T", WA_DATES_ANY, BAD, 1 },
	{ "2025-5-11", WA_DATES_ANY, BAD, 1 },
	{ "25-05-11", WA_DATES_ANY, BAD, 1 },
	{ "2025-05-111", WA_DATES_ANY, BAD, 1 },
	/* ranges and the calendar */
	{ "2023-02-29", WA_DATES_ANY, BAD, 1 },
	{ "2024-02-29", WA_DATES_ANY, 1709164800, 0 },
	{ "1900-02-29", WA_DATES_ANY, BAD, 1 },
	{ "2000-02-29", WA_DATES_ANY, 951782400, 0 },
	{ "2025-02-30", WA_DATES_ANY, BAD, 1 },
	{ "2025-04-31", WA_DATES_ANY, BAD, 1 },
	{ "2025-13-01", WA_DATES_ANY, BAD, 1 },
	{ "2025-00-10", WA_DATES_ANY, BAD, 1 },
	{ "2025-05-00", WA_DATES_ANY, BAD, 1 },
	{ "2025-05-11T24:00:00Z", WA_DATES_ANY, BAD, 1 },
	{ "2025-05-11T23:60:00Z", WA_DATES_ANY, BAD, 1 },
	{ "2025-05-11T23:59:60Z", WA_DATES_ANY, 1747008000, 0 },
	{ "2025-05-11T23:59:61Z", WA_DATES_ANY, BAD, 1 },
	{ "1969-12-31T23:59:59Z", WA_DATES_ANY, -1, 0 },
	{ "1900-01-01", WA_DATES_ANY, -2208988800LL, 0 },
	{ "0001-01-01", WA_DATES_ANY, -62135596800LL, 0 },
	{ "9999-12-31T23:59:59Z", WA_DATES_ANY, 253402300799LL, 0 },
	{ "2040-01-01T00:00:00Z", WA_DATES_ANY, 2208988800LL, 0 },
	/* Unix seconds */
	{ "1746971716", WA_DATES_ANY, T0, 0 },
	{ "123456789", WA_DATES_ANY, 123456789, 0 },
	{ "99999999999", WA_DATES_ANY, 99999999999LL, 0 },
	{ "12345678", WA_DATES_ANY, BAD, 1 },
	{ "123456789012", WA_DATES_ANY, BAD, 1 },
	{ "-1746971716", WA_DATES_ANY, BAD, 1 },
	{ "1746971716 ", WA_DATES_ANY, BAD, 1 },
	/* spreadsheets */
	{ "31/12/2023 22:36", WA_DATES_DMY, 1704062160, 0 },
	{ "31/12/2023 22:36", WA_DATES_ANY, 1704062160, 0 },
	{ "31/12/2023 22:36", WA_DATES_MDY, BAD, 1 },
	{ "12/31/2023 22:36", WA_DATES_MDY, 1704062160, 0 },
	{ "12/31/2023 22:36", WA_DATES_ANY, 1704062160, 0 },
	{ "12/31/2023 22:36", WA_DATES_DMY, BAD, 1 },
	{ "31/12/2023", WA_DATES_DMY, 1703980800, 0 },
	{ "31/12/2023 22:36:05", WA_DATES_DMY, 1704062165, 0 },
	{ "31.12.2023", WA_DATES_DMY, 1703980800, 0 },
	{ "31-12-2023", WA_DATES_ANY, 1703980800, 0 },
	{ "31/12-2023", WA_DATES_DMY, BAD, 1 },
	{ "1/2/2024 9:05", WA_DATES_DMY, 1706778300, 0 },
	{ "05/06/2024", WA_DATES_DMY, 1717545600, 0 },
	{ "05/06/2024", WA_DATES_MDY, 1714953600, 0 },
	{ "05/06/2024", WA_DATES_ANY, BAD, 1 },
	{ "05/05/2024", WA_DATES_ANY, 1714867200, 0 },
	{ "05/06/2024", -1, BAD, 1 },
	{ "30/02/2024", WA_DATES_DMY, BAD, 1 },
	{ "29/02/2023", WA_DATES_DMY, BAD, 1 },
	{ "31/12/23", WA_DATES_DMY, 1703980800, 0 },
	{ "31/12/23 22:36", WA_DATES_DMY, 1704062160, 0 },
	{ "12/31/23 22:36", WA_DATES_ANY, 1704062160, 0 },
	{ "31.12.23", WA_DATES_ANY, 1703980800, 0 },
	{ "1/2/24 9:05", WA_DATES_DMY, 1706778300, 0 },
	{ "1/1/30", WA_DATES_DMY, -1262304000, 0 },
	{ "31/12/29", WA_DATES_DMY, 1893369600, 0 },
	{ "31-12-23", WA_DATES_DMY, BAD, 1 },
	{ "31/12/223", WA_DATES_DMY, BAD, 1 },
	{ "31/12/2023 22:36 ", WA_DATES_DMY, BAD, 1 },
	{ "31/12/2023T22:36", WA_DATES_DMY, BAD, 1 },
	{ "31/12/2023 24:00", WA_DATES_DMY, BAD, 1 },
	{ "31/12/2023 22:36 +0200", WA_DATES_DMY, BAD, 1 },
	{ "131/12/2023", WA_DATES_DMY, BAD, 1 },
	/* garbage */
	{ "", WA_DATES_ANY, BAD, 1 },
	{ "now", WA_DATES_ANY, BAD, 1 },
	{ " 2025-05-11", WA_DATES_ANY, BAD, 1 },
	{ "2025-05-11T13:55:16Zjunk", WA_DATES_ANY, BAD, 1 },
	{ "2025-05-11 junk", WA_DATES_ANY, BAD, 1 },
};

static void
test_parse(void)
{
	char what[128];
	time_t t;
	size_t i;
	int rc;

	for (i = 0; i < sizeof parses / sizeof parses[0]; i++) {
		t = 42;
		rc = wa_time_parse(parses[i].s, parses[i].order, &t);
		snprintf(what, sizeof what, "parse '%s' order %d", parses[i].s,
		    parses[i].order);
		if (parses[i].bad)
			isnum(rc, -1, what);
		else if (isnum(rc, 0, what))
			isnum(t, parses[i].t, what);
	}
}

static void
test_ambiguous(void)
{
	ok(wa_time_ambiguous("05/06/2024"), "05/06/2024 is ambiguous");
	ok(wa_time_ambiguous("05.06.2024"), "05.06.2024 is ambiguous");
	ok(wa_time_ambiguous("5-6-2024"), "5-6-2024 is ambiguous");
	ok(wa_time_ambiguous("05/06/2024 10:00"), "with a time too");
	ok(!wa_time_ambiguous("05/05/2024"), "05/05/2024 reads the same");
	ok(!wa_time_ambiguous("13/06/2024"), "13/06/2024 is day first");
	ok(!wa_time_ambiguous("06/13/2024"), "06/13/2024 is month first");
	ok(!wa_time_ambiguous("2024-05-06"), "ISO is never ambiguous");
	ok(wa_time_ambiguous("05/06/24"), "an Excel two-digit year too");
	ok(!wa_time_ambiguous("05/06/245"), "a three-digit year is no date");
	ok(!wa_time_ambiguous("00/06/2024"), "day 0 is no date");
	ok(!wa_time_ambiguous("05/06/2024x"), "trailing garbage is no date");
	ok(!wa_time_ambiguous(""), "empty");
}

static int
guess(const char *s)
{
	return wa_time_guess_order(s, strlen(s));
}

static void
test_guess(void)
{
	char raw[10], *big;
	size_t i, n;

	isnum(guess("id,date\n1,31/12/2023 22:36\n2,05/06/2024\n"),
	    WA_DATES_DMY, "guess: day over 12 first");
	isnum(guess("1,12/31/2023\n2,05/06/2024\n"), WA_DATES_MDY,
	    "guess: day over 12 second");
	isnum(guess("05/06/2024,01/02/2024"), WA_DATES_ANY,
	    "guess: only ambiguous dates");
	isnum(guess("31/12/2023,12/31/2023"), -1, "guess: conflict");
	isnum(guess(""), WA_DATES_ANY, "guess: empty text");
	isnum(guess("2023-12-31T10:00:00Z"), WA_DATES_ANY, "guess: ISO");
	isnum(guess("123/12/2023"), WA_DATES_ANY,
	    "guess: three-digit first field");
	isnum(guess("13/12/20234"), WA_DATES_ANY, "guess: five-digit year");
	isnum(guess("13/12/202"), WA_DATES_ANY, "guess: three-digit year");
	isnum(guess("1,5/6/24 10:00\n2,5/13/24 9:05\n"), WA_DATES_MDY,
	    "guess: Excel's m/d/yy h:mm");
	isnum(guess("13-12-23"), WA_DATES_ANY, "guess: no two-digit year with '-'");
	isnum(guess("45/12/2023"), WA_DATES_ANY, "guess: 45 is no day");
	isnum(guess("13/12-2023"), WA_DATES_ANY, "guess: mixed separators");
	isnum(guess("x 31.12.2023;"), WA_DATES_DMY, "guess: dotted");
	isnum(guess("\"12-31-2023\""), WA_DATES_MDY, "guess: dashed");
	memcpy(raw, "31/12/2023", sizeof raw);
	isnum(wa_time_guess_order(raw, sizeof raw), WA_DATES_DMY,
	    "guess: text without a NUL");
	isnum(wa_time_guess_order(raw, sizeof raw - 1), WA_DATES_ANY,
	    "guess: the year cut by the length");

	/* A long file whose one telling date is the last. */
	n = 1 << 22;
	if ((big = malloc(n)) == NULL)
		abort();
	for (i = 0; i + 11 <= n; i += 11)
		memcpy(big + i, "01/02/2024\n", 11);
	memset(big + i, '\n', n - i);
	memcpy(big + n - 12, "\n12/13/2024", 11);
	isnum(wa_time_guess_order(big, n), WA_DATES_MDY,
	    "guess: a 4 MB text, the last date tells");
	free(big);
}

static void
test_fmt(void)
{
	char buf[WA_TIMEBUF], what[96];
	unsigned long long x = 88172645463325252ULL;
	time_t t, back;
	int i, bad = 0;

	is(wa_time_fmt(T0, buf), "2025-05-11T13:55:16Z", "fmt T0");
	is(wa_time_fmt(0, buf), "1970-01-01T00:00:00Z", "fmt epoch");
	is(wa_time_fmt(-1, buf), "1969-12-31T23:59:59Z", "fmt -1");
	is(wa_time_fmt(-62135596800LL, buf), "0001-01-01T00:00:00Z",
	    "fmt year 1");
	is(wa_time_fmt(253402300799LL, buf), "9999-12-31T23:59:59Z",
	    "fmt year 9999");
	is(wa_time_fmt(253402300800LL, buf), "253402300800",
	    "fmt year 10000 as seconds");

	/* fmt and parse invert each other over years 0000-9999. */
	for (i = 0; i < 100000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		t = (time_t)(x % 315569520000ULL) - 62167219200LL;
		wa_time_fmt(t, buf);
		if (wa_time_parse(buf, WA_DATES_ANY, &back) == -1 ||
		    back != t) {
			if (bad++ == 0)
				printf("# %lld -> %s\n", (long long)t, buf);
		}
	}
	snprintf(what, sizeof what, "fmt/parse round trip (%d bad)", bad);
	ok(bad == 0, what);
}

static const struct {
	const char *s;
	long long secs;		/* or BAD */
} durs[] = {
	{ "90s", 90 },
	{ "30m", 1800 },
	{ "48h", 172800 },
	{ "65d", 5616000 },
	{ "2w", 1209600 },
	{ "0s", 0 },
	{ "1d12h", 129600 },
	{ "1w2d3h4m5s", 788645 },
	{ "007m", 420 },
	{ "9223372036854775807s", 9223372036854775807LL },
	{ "", BAD },
	{ "90", BAD },
	{ "s", BAD },
	{ "-5m", BAD },
	{ "+5m", BAD },
	{ "5x", BAD },
	{ "5 m", BAD },
	{ "5m ", BAD },
	{ " 5m", BAD },
	{ "1.5h", BAD },
	{ "5M", BAD },
	{ "12h1d", BAD },
	{ "1h1h", BAD },
	{ "1d12", BAD },
	{ "9223372036854775808s", BAD },
	{ "15250284452472w", BAD },
	{ "15250284452471w1w", BAD },
	{ "99999999999999999999999s", BAD },
};

static void
test_dur(void)
{
	char what[96];
	long long v;
	size_t i;
	int rc;

	for (i = 0; i < sizeof durs / sizeof durs[0]; i++) {
		v = 42;
		rc = wa_dur_parse(durs[i].s, &v);
		snprintf(what, sizeof what, "duration '%s'", durs[i].s);
		if (durs[i].secs == BAD) {
			if (isnum(rc, -1, what))
				isnum(v, 42, "  and leaves *secs alone");
		} else if (isnum(rc, 0, what))
			isnum(v, durs[i].secs, what);
	}
}

static int
near_now(time_t t)
{
	time_t now = time(NULL);

	return t >= now - 5 && t <= now + 5;
}

static void
test_now(void)
{
	unsetenv("WA_NOW");
	ok(near_now(wa_now()), "clock: the system's by default");
	setenv("WA_NOW", "2025-05-11T13:55:16Z", 1);
	isnum(wa_now(), T0, "clock: $WA_NOW");
	setenv("WA_NOW", "1704062160", 1);
	isnum(wa_now(), 1704062160, "clock: $WA_NOW in seconds");
	setenv("WA_NOW", "yesterday", 1);
	ok(near_now(wa_now()), "clock: a bad $WA_NOW falls back to the system");
	setenv("WA_NOW", "", 1);
	ok(near_now(wa_now()), "clock: an empty $WA_NOW too");
	setenv("WA_NOW", "2025-05-11T13:55:16Z", 1);
	isnum(wa_now_set("tomorrow"), -1, "clock: --now rejects garbage");
	isnum(wa_now(), T0, "clock: ... and leaves $WA_NOW in charge");
	isnum(wa_now_set("05/06/2024"), -1, "clock: --now takes no ambiguous date");
	isnum(wa_now_set("2024-01-01"), 0, "clock: --now");
	isnum(wa_now(), 1704067200, "clock: --now beats $WA_NOW");
	unsetenv("WA_NOW");
	isnum(wa_now(), 1704067200, "clock: --now without $WA_NOW");
	isnum(wa_now_set("2025-05-11 09:55:16 -0400"), 0,
	    "clock: --now again");
	isnum(wa_now(), T0, "clock: the last --now wins");
}

int
main(void)
{
	test_parse();
	test_ambiguous();
	test_guess();
	test_fmt();
	test_dur();
	test_now();
	return done_testing();
}
