/* Unit tests for common/tz.c; glibc's localtime_r is the reference. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wa.h"
#include "tap.h"

static char tmpdir[] = "/tmp/t-tz.XXXXXX";

/* Zones with odd footers: 30-minute DST, negative and 24h+ rule times... */
static const char *const checked[] = {
	"America/New_York", "Europe/Berlin", "Australia/Sydney",
	"Asia/Kolkata", "America/Sao_Paulo", "Australia/Lord_Howe",
	"Pacific/Chatham", "America/Nuuk", "Asia/Jerusalem",
	"America/Santiago", "Africa/Casablanca", "Europe/Dublin",
	"Antarctica/Troll", "America/St_Johns", "Asia/Kathmandu",
	"Asia/Tehran", "America/Havana", "Pacific/Kiritimati",
	"America/Adak", "Europe/London", "Asia/Gaza", "UTC",
};
#define NCHECKED (sizeof checked / sizeof checked[0])

static void
writefile(const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	if ((fp = fopen(path, "w")) == NULL || fputs(text, fp) == EOF ||
	    fclose(fp) == EOF) {
		perror(path);
		exit(1);
	}
}

/* Run FN in a child, for a fresh zone cache; its exit status. */
static int
child(int (*fn)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	if ((pid = fork()) == -1) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		st = fn();
		fflush(stdout);
		_exit(st);
	}
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int
streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* Los_Angeles is missing, so a pick naming it must not be used. */
static int
own_tab(void)
{
	char path[256];

	snprintf(path, sizeof path, "%s/own.tab", tmpdir);
	setenv("WA_ZONETAB", path, 1);
	if (!streq(wa_tz_for("US", "CA"), "America/New_York"))
		return 1;
	if (!streq(wa_tz_for("US", "TX"), "America/Chicago"))
		return 2;
	if (!streq(wa_tz_for("YY", NULL), "Etc/UTC"))
		return 3;
	if (wa_tz_for("FR", NULL) != NULL)
		return 4;
	return 0;
}

static int
zone_tab_fallback(void)
{
	unsetenv("WA_ZONETAB");
	setenv("TZDIR", tmpdir, 1);
	if (!streq(wa_tz_for("DK", NULL), "Europe/Copenhagen"))
		return 1;
	return wa_tz_for("DE", NULL) != NULL ? 2 : 0;
}

static int
zone1970_fallback(void)
{
	char dir[PATH_MAX];

	unsetenv("WA_ZONETAB");
	snprintf(dir, sizeof dir, "%s/z1970", tmpdir);
	setenv("TZDIR", dir, 1);
	if (!streq(wa_tz_for("LI", NULL), "Europe/Zurich"))
		return 1;
	return streq(wa_tz_for("DE", NULL), "Europe/Zurich") ? 0 : 2;
}

static int
no_tab(void)
{
	setenv("WA_ZONETAB", "/nonexistent/zone1970.tab", 1);
	return wa_tz_for("FR", NULL) != NULL;
}

static void
test_tabs(void)
{
	char dir[PATH_MAX];

	writefile("own.tab", "# a comment\n"
	    "US\t+404251-0740023\tAmerica/New_York\tEastern\n"
	    "\n"
	    "US\t+415100-0873900\tAmerica/Chicago\tCentral\n"
	    "XX,YY\t+0000+00000\tEtc/UTC\n"
	    "broken line\n");
	writefile("zone.tab", "DK\t+5540+01235\tEurope/Copenhagen\n");
	snprintf(dir, sizeof dir, "%s/z1970", tmpdir);
	mkdir(dir, 0700);
	writefile("z1970/zone1970.tab", "CH,DE,LI\t+4723+00832\tEurope/Zurich\n");
	isnum(child(own_tab), 0, "WA_ZONETAB, picks checked against it");
	isnum(child(zone_tab_fallback), 0, "zone.tab comes first");
	isnum(child(zone1970_fallback), 0, "zone1970.tab when there is no zone.tab");
	isnum(child(no_tab), 0, "no tab file: no zones");
}

static const struct {
	const char *cc, *prov, *zone;
} fors[] = {
	/* one zone */
	{ "FR", NULL, "Europe/Paris" },
	{ "fr", NULL, "Europe/Paris" },
	{ "JP", NULL, "Asia/Tokyo" },
	{ "IN", NULL, "Asia/Kolkata" },
	{ "GB", "ENG", "Europe/London" },
	{ "ZA", NULL, "Africa/Johannesburg" },
	{ "AR", "C", "America/Argentina/Buenos_Aires" },
	/* zone.tab names their own zones; zone1970.tab shares them */
	{ "LI", NULL, "Europe/Vaduz" },
	{ "DK", NULL, "Europe/Copenhagen" },
	{ "NO", NULL, "Europe/Oslo" },
	{ "BS", NULL, "America/Nassau" },
	{ "MC", NULL, "Europe/Monaco" },
	{ "VA", NULL, "Europe/Vatican" },
	{ "SK", NULL, "Europe/Bratislava" },
	{ "BN", NULL, "Asia/Brunei" },
	/* several zones: where most people live */
	{ "US", NULL, "America/New_York" },
	{ "BR", NULL, "America/Sao_Paulo" },
	{ "AU", NULL, "Australia/Sydney" },
	{ "CA", NULL, "America/Toronto" },
	{ "MX", NULL, "America/Mexico_City" },
	{ "RU", NULL, "Europe/Moscow" },
	{ "ID", NULL, "Asia/Jakarta" },
	{ "CN", NULL, "Asia/Shanghai" },
	{ "KZ", NULL, "Asia/Almaty" },
	{ "ES", NULL, "Europe/Madrid" },
	{ "PT", NULL, "Europe/Lisbon" },
	{ "CL", NULL, "America/Santiago" },
	{ "EC", NULL, "America/Guayaquil" },
	{ "DE", NULL, "Europe/Berlin" },
	{ "MY", NULL, "Asia/Singapore" },
	{ "UZ", NULL, "Asia/Tashkent" },
	{ "UA", NULL, "Europe/Kyiv" },
	{ "CD", NULL, "Africa/Lagos" },
	{ "NZ", NULL, "Pacific/Auckland" },
	/* provinces */
	{ "US", "CA", "America/Los_Angeles" },
	{ "us", "ca", "America/Los_Angeles" },
	{ "US", "US-CA", "America/Los_Angeles" },
	{ "US", "NY", "America/New_York" },
	{ "US", "AZ", "America/Phoenix" },
	{ "US", "HI", "Pacific/Honolulu" },
	{ "US", "PR", "America/Puerto_Rico" },
	{ "US", "ZZ", "America/New_York" },
	{ "US", "", "America/New_York" },
	{ "CA", "QC", "America/Toronto" },
	{ "CA", "ON", "America/Toronto" },
	{ "CA", "BC", "America/Vancouver" },
	{ "CA", "NL", "America/St_Johns" },
	{ "AU", "WA", "Australia/Perth" },
	{ "AU", "NSW", "Australia/Sydney" },
	{ "AU", "QLD", "Australia/Brisbane" },
	{ "BR", "AM", "America/Manaus" },
	{ "BR", "SP", "America/Sao_Paulo" },
	{ "BR", "RJ", "America/Sao_Paulo" },
	{ "MX", "JAL", "America/Mexico_City" },
	{ "MX", "Q ROO", "America/Cancun" },
	{ "MX", "MX-ROO", "America/Cancun" },
	{ "MX", "BC", "America/Tijuana" },
	{ "ID", "BA", "Asia/Makassar" },
	{ "ID", "PA", "Asia/Jayapura" },
	/* nothing */
	{ "ZZ", NULL, NULL },
	{ "U", NULL, NULL },
	{ "USA", NULL, NULL },
	{ "", NULL, NULL },
	{ "1A", NULL, NULL },
	{ NULL, NULL, NULL },
};

static void
test_for(void)
{
	char what[96], cc[3] = "AA";
	struct tm tm;
	const char *z;
	size_t i;
	int n = 0, bad = 0;

	for (i = 0; i < sizeof fors / sizeof fors[0]; i++) {
		snprintf(what, sizeof what, "zone for %s/%s",
		    fors[i].cc ? fors[i].cc : "(null)",
		    fors[i].prov ? fors[i].prov : "(null)");
		is(wa_tz_for(fors[i].cc, fors[i].prov), fors[i].zone, what);
	}
	ok(wa_tz_for("FR", NULL) == wa_tz_for("fr", "75"),
	    "the same storage each time");
	/* No guess where a country keeps several clocks. */
	ok(wa_tz_sure("US", NULL) == NULL, "sure: US with no state is no zone");
	ok(wa_tz_sure("us", "") == NULL, "sure: nor with an empty one");
	ok(wa_tz_sure("US", "California") == NULL, "sure: nor with a state's name");
	is(wa_tz_sure("US", "CA"), "America/Los_Angeles", "sure: a state code decides");
	is(wa_tz_sure("US", "NY"), "America/New_York", "sure: also in the default zone");
	is(wa_tz_sure("US", "US-CA"), "America/Los_Angeles", "sure: ISO 3166-2 too");
	ok(wa_tz_sure("BR", NULL) == NULL && wa_tz_sure("RU", NULL) == NULL &&
	    wa_tz_sure("AU", NULL) == NULL && wa_tz_sure("CA", NULL) == NULL &&
	    wa_tz_sure("MX", NULL) == NULL, "sure: BR, RU, AU, CA, MX neither");
	is(wa_tz_sure("DE", NULL), "Europe/Berlin", "sure: DE's zones keep one clock");
	is(wa_tz_sure("GB", NULL), "Europe/London", "sure: one zone");
	ok(wa_tz_sure("US", NULL) == NULL, "sure: the same answer the second time");
	ok(wa_tz_sure(NULL, NULL) == NULL, "sure: no country");

	/* Every country's zone can be read. */
	for (cc[0] = 'A'; cc[0] <= 'Z'; cc[0]++)
		for (cc[1] = 'A'; cc[1] <= 'Z'; cc[1]++) {
			if ((z = wa_tz_for(cc, NULL)) == NULL)
				continue;
			n++;
			if (wa_tz_local(z, 1746971716, &tm) == -1 && bad++ < 5)
				printf("# %s: %s unreadable\n", cc, z);
		}
	snprintf(what, sizeof what, "all %d countries' zones load", n);
	ok(n > 240 && bad == 0, what);
}

static const struct {
	const char *zone;
	long long t;
	const char *local, *abbr;
	long gmtoff;
	int isdst, wday, yday;
} locals[] = {
	{ "America/New_York", 1741503599, "2025-03-09 01:59:59", "EST", -18000, 0, 0, 67 },
	{ "America/New_York", 1741503600, "2025-03-09 03:00:00", "EDT", -14400, 1, 0, 67 },
	{ "America/New_York", 1762063199, "2025-11-02 01:59:59", "EDT", -14400, 1, 0, 305 },
	{ "America/New_York", 1762063200, "2025-11-02 01:00:00", "EST", -18000, 0, 0, 305 },
	{ "America/New_York", 2215061999, "2040-03-11 01:59:59", "EST", -18000, 0, 0, 70 },
	{ "America/New_York", 2215062000, "2040-03-11 03:00:00", "EDT", -14400, 1, 0, 70 },
	{ "America/New_York", 2235621599, "2040-11-04 01:59:59", "EDT", -14400, 1, 0, 308 },
	{ "America/New_York", 2235621600, "2040-11-04 01:00:00", "EST", -18000, 0, 0, 308 },
	{ "America/New_York", -5364662400, "1799-12-31 19:03:58", "LMT", -17762, 0, 2, 364 },
	{ "Europe/Berlin", 1743296399, "2025-03-30 01:59:59", "CET", 3600, 0, 0, 88 },
	{ "Europe/Berlin", 1743296400, "2025-03-30 03:00:00", "CEST", 7200, 1, 0, 88 },
	{ "Europe/Berlin", 1761440399, "2025-10-26 02:59:59", "CEST", 7200, 1, 0, 298 },
	{ "Europe/Berlin", 1761440400, "2025-10-26 02:00:00", "CET", 3600, 0, 0, 298 },
	{ "Europe/Berlin", 1746971716, "2025-05-11 15:55:16", "CEST", 7200, 1, 0, 130 },
	{ "Europe/Berlin", 2216249999, "2040-03-25 01:59:59", "CET", 3600, 0, 0, 84 },
	{ "Europe/Berlin", 2216250000, "2040-03-25 03:00:00", "CEST", 7200, 1, 0, 84 },
	{ "Europe/Berlin", 2224756800, "2040-07-01 14:00:00", "CEST", 7200, 1, 0, 182 },
	{ "Europe/Berlin", 3802550400, "2090-07-01 02:00:00", "CEST", 7200, 1, 6, 181 },
	{ "Australia/Sydney", 1736899200, "2025-01-15 11:00:00", "AEDT", 39600, 1, 3, 14 },
	{ "Australia/Sydney", 1743868799, "2025-04-06 02:59:59", "AEDT", 39600, 1, 0, 95 },
	{ "Australia/Sydney", 1743868800, "2025-04-06 02:00:00", "AEST", 36000, 0, 0, 95 },
	{ "Australia/Sydney", 1759593599, "2025-10-05 01:59:59", "AEST", 36000, 0, 0, 277 },
	{ "Australia/Sydney", 1759593600, "2025-10-05 03:00:00", "AEDT", 39600, 1, 0, 277 },
	{ "Australia/Sydney", 2216822399, "2040-04-01 02:59:59", "AEDT", 39600, 1, 0, 91 },
	{ "Australia/Sydney", 2216822400, "2040-04-01 02:00:00", "AEST", 36000, 0, 0, 91 },
	{ "Australia/Sydney", 2240573400, "2041-01-01 00:30:00", "AEDT", 39600, 1, 2, 0 },
	{ "Asia/Kolkata", 1746971716, "2025-05-11 19:25:16", "IST", 19800, 0, 0, 130 },
	{ "Asia/Kolkata", 1736899200, "2025-01-15 05:30:00", "IST", 19800, 0, 3, 14 },
	{ "Asia/Kolkata", 2224756800, "2040-07-01 17:30:00", "IST", 19800, 0, 0, 182 },
	{ "UTC", 1746971716, "2025-05-11 13:55:16", "UTC", 0, 0, 0, 130 },
};

static void
test_local(void)
{
	char what[128], buf[32];
	struct tm tm;
	time_t t;
	size_t i;

	for (i = 0; i < sizeof locals / sizeof locals[0]; i++) {
		snprintf(what, sizeof what, "%s at %lld", locals[i].zone,
		    locals[i].t);
		t = (time_t)locals[i].t;
		memset(&tm, 0, sizeof tm);
		if (!isnum(wa_tz_local(locals[i].zone, t, &tm), 0, what))
			continue;
		strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
		is(buf, locals[i].local, what);
		is(tm.tm_zone, locals[i].abbr, "  abbreviation");
		isnum(tm.tm_gmtoff, locals[i].gmtoff, "  tm_gmtoff");
		isnum(tm.tm_isdst, locals[i].isdst, "  tm_isdst");
		isnum(tm.tm_wday, locals[i].wday, "  tm_wday");
		isnum(tm.tm_yday, locals[i].yday, "  tm_yday");
	}

	isnum(wa_tz_local("Mars/Olympus_Mons", 0, &tm), -1, "unknown zone");
	isnum(wa_tz_local("Mars/Olympus_Mons", 0, &tm), -1, "... again");
	isnum(wa_tz_local("../../etc/passwd", 0, &tm), -1, "'..' refused");
	isnum(wa_tz_local("Europe/../Europe/Berlin", 0, &tm), -1,
	    "'..' inside refused");
	isnum(wa_tz_local("/usr/share/zoneinfo/UTC", 0, &tm), -1,
	    "absolute path refused");
	isnum(wa_tz_local("America", 0, &tm), -1, "a directory is no zone");
	isnum(wa_tz_local("zone1970.tab", 0, &tm), -1, "a text file is no zone");
	isnum(wa_tz_local("", 0, &tm), -1, "empty name");
	isnum(wa_tz_local(NULL, 0, &tm), -1, "NULL name");
	isnum(wa_tz_local("UTC", (time_t)INT64_MAX, &tm), -1,
	    "a time no tm can hold");
	isnum(wa_tz_local("UTC", (time_t)INT64_MIN, &tm), -1,
	    "nor the earliest");
	isnum(wa_tz_local("Europe/Berlin", 1746971716, &tm), 0,
	    "cached zone still answers");
}

static int
same(const struct tm *a, const struct tm *b)
{
	return a->tm_year == b->tm_year && a->tm_mon == b->tm_mon &&
	    a->tm_mday == b->tm_mday && a->tm_hour == b->tm_hour &&
	    a->tm_min == b->tm_min && a->tm_sec == b->tm_sec &&
	    a->tm_wday == b->tm_wday && a->tm_yday == b->tm_yday &&
	    a->tm_isdst == b->tm_isdst && a->tm_gmtoff == b->tm_gmtoff &&
	    strcmp(a->tm_zone, b->tm_zone) == 0;
}

static unsigned long long rng = 88172645463325252ULL;

static long long
rnd(long long lo, long long hi)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return lo + (long long)(rng % (unsigned long long)(hi - lo));
}

/* Compare with glibc in ZONE at T; report the first disagreement. */
static int
agree(const char *zone, time_t t, long *bad)
{
	struct tm a, b;
	char sa[64], sb[64];

	if (wa_tz_local(zone, t, &a) == 0 && localtime_r(&t, &b) != NULL &&
	    same(&a, &b))
		return 1;
	if ((*bad)++ == 0) {
		strftime(sb, sizeof sb, "%F %T %Z %z wday=%w", &b);
		strftime(sa, sizeof sa, "%F %T %Z %z wday=%w", &a);
		printf("# %s at %lld: glibc %s (isdst %d), wa %s (isdst %d)\n",
		    zone, (long long)t, sb, b.tm_isdst, sa, a.tm_isdst);
	}
	return 0;
}

/*
 * Random times over 1800-2200 and every quarter hour of 2025 and 2040
 * (after the files' last transition: the footer's rules).
 */
static long
crosscheck(const char *zone, long *n)
{
	long bad = 0;
	time_t t;
	int i;

	setenv("TZ", zone, 1);
	tzset();
	for (i = 0; i < 20000; i++, (*n)++)
		agree(zone, (time_t)rnd(-5364662400LL, 7258118400LL), &bad);
	for (t = 1735689600; t < 1767225600; t += 900, (*n)++)
		agree(zone, t, &bad);
	for (t = 2208988800; t < 2240611200; t += 900, (*n)++)
		agree(zone, t, &bad);
	return bad;
}

static void
test_glibc(void)
{
	char what[128];
	size_t i;
	long bad, n;

	for (i = 0; i < NCHECKED; i++) {
		n = 0;
		bad = crosscheck(checked[i], &n);
		snprintf(what, sizeof what, "%s agrees with glibc (%ld of %ld differ)",
		    checked[i], bad, n);
		ok(bad == 0, what);
	}
}

/* The same zones compiled "slim": past 2007 or so only the footer tells. */
static int
slim(void)
{
	char dir[256];
	size_t i;
	long n = 0, bad = 0;

	snprintf(dir, sizeof dir, "%s/slim", tmpdir);
	setenv("TZDIR", dir, 1);
	for (i = 0; i < NCHECKED; i++)
		bad += crosscheck(checked[i], &n) != 0;
	return (int)bad;
}

static void
test_slim(void)
{
	char cmd[512];

	snprintf(cmd, sizeof cmd, "PATH=$PATH:/usr/sbin:/sbin zic -b slim "
	    "-d %s/slim /usr/share/zoneinfo/tzdata.zi 2>/dev/null", tmpdir);
	if (system(cmd) != 0) {
		ok(1, "# SKIP slim zones: no zic or tzdata.zi");
		return;
	}
	isnum(child(slim), 0, "slim TZif files agree with glibc");
}

int
main(void)
{
	char cmd[64];
	int rc;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	unsetenv("WA_ZONETAB");
	unsetenv("TZDIR");
	/* The children first, while the caches they inherit are empty. */
	test_tabs();
	test_slim();
	test_for();
	test_local();
	test_glibc();
	rc = done_testing();
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
