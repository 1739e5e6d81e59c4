/*
 * Fuzz target: wa_time_parse, wa_time_ambiguous, wa_time_guess_order and
 * wa_dur_parse. The first byte picks the date order, the rest is the cell.
 * A parsed time formats back and parses again to the same second; an
 * ambiguous date reads two ways and never without an order; a duration
 * is never negative and reads back from its seconds.
 */
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	wa_init_name("fuzz-time");
	return 0;
}

static void
roundtrip(time_t t)
{
	char buf[WA_TIMEBUF];
	time_t back;

	wa_time_fmt(t, buf);
	/* years outside 0000-9999 come out as seconds, which need not parse */
	if (strchr(buf, 'T') == NULL) {
		FUZZ_CHECK(strtoll(buf, NULL, 10) == (long long)t);
		return;
	}
	FUZZ_CHECK(wa_time_parse(buf, WA_DATES_ANY, &back) == 0);
	FUZZ_CHECK(back == t);
}

static void
ambiguous(const char *s)
{
	time_t dmy, mdy, t;

	FUZZ_CHECK(wa_time_parse(s, WA_DATES_DMY, &dmy) == 0);
	FUZZ_CHECK(wa_time_parse(s, WA_DATES_MDY, &mdy) == 0);
	FUZZ_CHECK(dmy != mdy);
	FUZZ_CHECK(wa_time_parse(s, WA_DATES_ANY, &t) == -1);
}

static void
duration(const char *s)
{
	char buf[32];
	long long secs, back;

	if (wa_dur_parse(s, &secs) < 0)
		return;
	FUZZ_CHECK(secs >= 0);
	snprintf(buf, sizeof buf, "%llds", secs);
	FUZZ_CHECK(wa_dur_parse(buf, &back) == 0 && back == secs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int orders[] = { WA_DATES_ANY, WA_DATES_DMY, WA_DATES_MDY };
	char *s;
	time_t t;
	int g;

	if (size == 0)
		return 0;
	/* not NUL-terminated, as wa-import hands it a whole file */
	g = wa_time_guess_order((const char *)data + 1, size - 1);
	FUZZ_CHECK(g == -1 || g == WA_DATES_ANY || g == WA_DATES_DMY ||
	    g == WA_DATES_MDY);
	s = fuzz_str(data + 1, size - 1);
	if (wa_time_parse(s, orders[data[0] % 3], &t) == 0)
		roundtrip(t);
	if (wa_time_ambiguous(s))
		ambiguous(s);
	duration(s);
	free(s);
	return 0;
}
