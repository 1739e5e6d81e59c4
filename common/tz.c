/* wa: time zones from the system's tzdata, without touching $TZ. */
#include <sys/stat.h>

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "wa.h"
#include "tzpick.h"

#define ZONEINFO "/usr/share/zoneinfo"
#define TZIF_MAX (1 << 20)	/* far more than any real TZif file */
#define BIG_BANG (INT64_C(1) << 59)	/* zic's earliest time; no tm holds it */

/* A row of zone.tab or zone1970.tab: countries (most populous first) and their zone. */
struct row {
	char *cc;		/* "CH,DE,LI"; the whole line's allocation */
	char *zone;
};

/* A local time type: of a TZif file or of its POSIX TZ footer. */
struct ttype {
	long off;		/* seconds east of UTC */
	int isdst;
	const char *abbr;
};

/* A POSIX TZ date rule: Jn, n or Mm.w.d, then a local time of day. */
struct rule {
	int kind;		/* 'J', 'M', or 'D' for a zero-based day */
	int m, w, d;		/* d is the day number for 'J' and 'D' */
	long secs;		/* may be negative or over 24h (RFC 8536) */
};

struct zone {
	char *name;
	unsigned char *data;	/* the TZif file; NULL for an unknown zone */
	const unsigned char *trans, *idx;	/* 64-bit times, their types */
	size_t ntrans;
	struct ttype *types;
	int nfoot;		/* types in the footer: 0, 1, or 2 with DST */
	struct ttype foot[2];	/* standard, daylight */
	struct rule start, end;
	char abbr[2][16];
};

static struct row *rows;
static size_t nrows, rowcap;
static int tabstate;		/* 0: not read yet, 1: read, -1: unreadable */

static struct zone **zones;
static size_t nzones, zonecap;

/* PATH = $TZDIR/NAME, as glibc looks for zones. */
static int
zpath(char *path, size_t size, const char *name)
{
	const char *dir = getenv("TZDIR");
	int n;

	if (dir == NULL || *dir == '\0')
		dir = ZONEINFO;
	n = snprintf(path, size, "%s/%s", dir, name);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static FILE *
tab_open(void)
{
	const char *env = getenv("WA_ZONETAB");
	char path[PATH_MAX];
	FILE *fp;

	if (env != NULL && *env != '\0')
		return fopen(env, "r");
	/* zone.tab names a country's own zone (SE: Europe/Stockholm, not Berlin). */
	if (zpath(path, sizeof path, "zone.tab") == 0 &&
	    (fp = fopen(path, "r")) != NULL)
		return fp;
	if (zpath(path, sizeof path, "zone1970.tab") == 0)
		return fopen(path, "r");
	return NULL;
}

/* Read the tab file once; each row keeps its getline buffer. */
static int
tab_load(void)
{
	struct row *r;
	char *line = NULL, *zone;
	size_t len = 0;
	FILE *fp;

	if (tabstate != 0)
		return tabstate;
	tabstate = -1;
	if ((fp = tab_open()) == NULL)
		return -1;
	while (getline(&line, &len, fp) != -1) {
		if (line[0] == '#' || (zone = strchr(line, '\t')) == NULL ||
		    (zone = strchr(zone + 1, '\t')) == NULL)
			continue;
		line[strcspn(line, "\t")] = '\0';
		zone++;
		zone[strcspn(zone, "\t\n")] = '\0';
		if (nrows == rowcap) {
			if ((r = realloc(rows, (rowcap + 64) * sizeof *r)) == NULL)
				break;
			rows = r;
			rowcap += 64;
		}
		rows[nrows].cc = line;
		rows[nrows++].zone = zone;
		line = NULL;
		len = 0;
	}
	free(line);
	fclose(fp);
	tabstate = nrows > 0 ? 1 : -1;
	return tabstate;
}

/* Position of CC in the comma-separated LIST, or -1. */
static int
listed(const char *list, const char *cc)
{
	size_t n;
	int i;

	for (i = 0; *list != '\0'; i++) {
		n = strcspn(list, ",");
		if (n == 2 && memcmp(list, cc, 2) == 0)
			return i;
		list += n + (list[n] == ',');
	}
	return -1;
}

/* ZONE as the tab file spells it, so a pick names only zones that exist. */
static const char *
known(const char *zone)
{
	size_t i;

	for (i = 0; i < nrows; i++)
		if (strcmp(rows[i].zone, zone) == 0)
			return rows[i].zone;
	return NULL;
}

static const char *
picked(const char *cc, const char *prov)
{
	size_t i;

	for (i = 0; i < sizeof pick / sizeof pick[0]; i++)
		if (strcmp(pick[i].cc, cc) == 0 &&
		    strcasecmp(pick[i].prov, prov) == 0)
			return known(pick[i].zone);
	return NULL;
}

/*
 * The province's zone, else the country's default, else the first row
 * led by the country (the tab puts the most populous first), else the
 * first shared row naming it (LI is only in "CH,DE,LI").
 */
const char *
wa_tz_for(const char *country, const char *province)
{
	const char *prov = province != NULL ? province : "", *z;
	char cc[3];
	size_t i, shared = SIZE_MAX;
	int pos;

	if (country == NULL || strlen(country) != 2 ||
	    !isalpha((unsigned char)country[0]) ||
	    !isalpha((unsigned char)country[1]) || tab_load() == -1)
		return NULL;
	cc[0] = (char)toupper((unsigned char)country[0]);
	cc[1] = (char)toupper((unsigned char)country[1]);
	cc[2] = '\0';
	if (strncasecmp(prov, cc, 2) == 0 && prov[2] == '-')
		prov += 3;	/* ISO 3166-2 "US-CA" */
	if ((z = picked(cc, prov)) != NULL || (z = picked(cc, "")) != NULL)
		return z;
	for (i = 0; i < nrows; i++) {
		if ((pos = listed(rows[i].cc, cc)) == 0)
			return rows[i].zone;
		if (pos > 0 && shared == SIZE_MAX)
			shared = i;
	}
	return shared != SIZE_MAX ? rows[shared].zone : NULL;
}

/* Do zones A and B keep the same clock, in winter and in summer? */
static int
sameclock(const char *a, const char *b)
{
	static const time_t when[] = { 1736899200, 1752537600 };	/* 2025-01-15, 07-15 */
	struct tm ta, tb;
	size_t i;

	for (i = 0; i < sizeof when / sizeof when[0]; i++)
		if (wa_tz_local(a, when[i], &ta) < 0 ||
		    wa_tz_local(b, when[i], &tb) < 0 ||
		    ta.tm_gmtoff != tb.tm_gmtoff)
			return 0;
	return 1;
}

/* Is P a province code, "CA", "NSW" or "US-CA", rather than a name? */
static int
provcode(const char *p)
{
	size_t n;

	if (p == NULL)
		return 0;
	if (isalpha((unsigned char)p[0]) && isalpha((unsigned char)p[1]) &&
	    p[2] == '-')
		p += 3;
	for (n = 0; isalnum((unsigned char)p[n]); n++)
		;
	return n > 0 && n <= 3 && p[n] == '\0';
}

/* Do all the zones of country CC (upper case) keep Z's clock? */
static int
oneclock(const char *cc, const char *z)
{
	const char *zv[WA_TZ_ZONES];
	size_t i, n;

	if ((n = wa_tz_zones(cc, zv, WA_TZ_ZONES)) > WA_TZ_ZONES)
		return 0;
	for (i = 0; i < n; i++)
		if (!sameclock(zv[i], z))
			return 0;
	return 1;
}

const char *
wa_tz_sure(const char *country, const char *province)
{
	static signed char known1[26][26];	/* 0 unknown, 1 one clock, -1 several */
	const char *z = wa_tz_for(country, province);
	char cc[3];
	signed char *k;

	if (z == NULL || provcode(province))
		return z;
	cc[0] = (char)toupper((unsigned char)country[0]);
	cc[1] = (char)toupper((unsigned char)country[1]);
	cc[2] = '\0';
	if (cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z')
		return oneclock(cc, z) ? z : NULL;
	/* A country's default zone never changes: decide once per country. */
	k = &known1[cc[0] - 'A'][cc[1] - 'A'];
	if (*k == 0)
		*k = oneclock(cc, z) ? 1 : -1;
	return *k > 0 ? z : NULL;
}

size_t
wa_tz_zones(const char *country, const char **zv, size_t max)
{
	size_t i, n = 0;

	if (country == NULL || strlen(country) != 2 || tab_load() == -1)
		return 0;
	for (i = 0; i < nrows; i++)
		if (listed(rows[i].cc, country) >= 0 && n++ < max)
			zv[n - 1] = rows[i].zone;
	return n;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static unsigned char *
slurp(const char *path, size_t *len)
{
	unsigned char *buf = NULL;
	struct stat st;
	ssize_t r;
	size_t n = 0;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size <= TZIF_MAX && (buf = malloc(st.st_size)) != NULL)
		while (n < (size_t)st.st_size &&
		    (r = read(fd, buf + n, st.st_size - n)) > 0)
			n += r;
	close(fd);
	*len = n;
	return buf;
}

/* The counts of a TZif header: isut, isstd, leap, time, type, char. */
static int
header(const unsigned char *p, size_t n, size_t c[6])
{
	int i;

	if (n < 44 || memcmp(p, "TZif", 4) != 0 || p[4] < '2')
		return -1;
	for (i = 0; i < 6; i++)
		c[i] = be32(p + 20 + 4 * i);
	return 0;
}

/* Length of a TZif data block whose times take TS bytes. */
static size_t
blocklen(const size_t c[6], size_t ts)
{
	return c[3] * (ts + 1) + c[4] * 6 + c[5] + c[2] * (ts + 4) + c[1] + c[0];
}

/* Read digits into *V, which must lie in [LO, HI]. */
static int
number(const char **p, long lo, long hi, long *v)
{
	char *end;

	if (!isdigit((unsigned char)**p))
		return -1;
	*v = strtol(*p, &end, 10);
	*p = end;
	return *v >= lo && *v <= hi ? 0 : -1;
}

static int
eat(const char **p, int c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

static int
abbrchar(int c, int quoted)
{
	return quoted ? isalnum(c) || c == '+' || c == '-' : isalpha(c);
}

/* A TZ abbreviation: <+0530> or three or more letters. */
static int
tzabbr(const char **p, char *out, size_t size)
{
	size_t n = 0;
	int quoted = eat(p, '<') == 0;

	while (n + 1 < size && abbrchar((unsigned char)**p, quoted))
		out[n++] = *(*p)++;
	out[n] = '\0';
	return n < 3 || (quoted && eat(p, '>') == -1) ? -1 : 0;
}

/* [+-]hh[:mm[:ss]], hours up to 167 as RFC 8536 allows. */
static int
tzsecs(const char **p, long *v)
{
	long sign = **p == '-' ? -1 : 1, h, m = 0, s = 0;

	*p += **p == '-' || **p == '+';
	if (number(p, 0, 167, &h) == -1 ||
	    (eat(p, ':') == 0 && (number(p, 0, 59, &m) == -1 ||
	    (eat(p, ':') == 0 && number(p, 0, 59, &s) == -1))))
		return -1;
	*v = sign * (h * 3600 + m * 60 + s);
	return 0;
}

static int
tzrule(const char **p, struct rule *r)
{
	long m = 0, w = 0, d;

	if (eat(p, 'M') == 0) {
		r->kind = 'M';
		if (number(p, 1, 12, &m) == -1 || eat(p, '.') == -1 ||
		    number(p, 1, 5, &w) == -1 || eat(p, '.') == -1 ||
		    number(p, 0, 6, &d) == -1)
			return -1;
	} else {
		r->kind = eat(p, 'J') == 0 ? 'J' : 'D';
		if (number(p, r->kind == 'J', 365, &d) == -1)
			return -1;
	}
	r->m = (int)m;
	r->w = (int)w;
	r->d = (int)d;
	r->secs = 7200;
	return eat(p, '/') == 0 ? tzsecs(p, &r->secs) : 0;
}

/* The footer, a POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3". */
static int
posix(struct zone *z, const char *s)
{
	const char **p = &s;
	long off;

	if (tzabbr(p, z->abbr[0], sizeof z->abbr[0]) == -1 ||
	    tzsecs(p, &off) == -1)
		return -1;
	z->foot[0] = (struct ttype){ -off, 0, z->abbr[0] };
	z->foot[1] = (struct ttype){ 3600 - off, 1, z->abbr[1] };
	if (**p == '\0') {
		z->nfoot = 1;
		return 0;
	}
	if (tzabbr(p, z->abbr[1], sizeof z->abbr[1]) == -1)
		return -1;
	if (**p != ',') {
		if (tzsecs(p, &off) == -1)
			return -1;
		z->foot[1].off = -off;
	}
	if (eat(p, ',') == -1 || tzrule(p, &z->start) == -1 ||
	    eat(p, ',') == -1 || tzrule(p, &z->end) == -1 || **p != '\0')
		return -1;
	z->nfoot = 2;
	return 0;
}

/*
 * The version 2+ part of z->data (N bytes): 64-bit transitions, types,
 * and the footer. A footer we cannot read is ignored, as glibc does.
 */
static int
tzif(struct zone *z, size_t n)
{
	const unsigned char *p = z->data, *tt, *chars;
	unsigned char *nl;
	size_t c[6], off, i;

	if (header(p, n, c) == -1)
		return -1;
	off = 44 + blocklen(c, 4);
	if (off > n || header(p + off, n - off, c) == -1)
		return -1;
	p += off + 44;
	n -= off + 44;
	if (c[4] == 0 || c[5] == 0 || blocklen(c, 8) > n)
		return -1;
	z->ntrans = c[3];
	z->trans = p;
	z->idx = p + 8 * c[3];
	tt = z->idx + c[3];
	chars = tt + 6 * c[4];
	if (chars[c[5] - 1] != '\0' ||
	    (z->types = calloc(c[4], sizeof *z->types)) == NULL)
		return -1;
	for (i = 0; i < c[4]; i++, tt += 6) {
		if (tt[5] >= c[5])
			return -1;
		z->types[i].off = (int32_t)be32(tt);
		z->types[i].isdst = tt[4];
		z->types[i].abbr = (const char *)chars + tt[5];
	}
	for (i = 0; i < c[3]; i++)
		if (z->idx[i] >= c[4])
			return -1;
	off = (size_t)(p - z->data) + blocklen(c, 8);
	n -= blocklen(c, 8);
	if (n >= 2 && z->data[off] == '\n' &&
	    (nl = memchr(z->data + off + 1, '\n', n - 1)) != NULL) {
		*nl = '\0';
		if (posix(z, (const char *)z->data + off + 1) == -1)
			z->nfoot = 0;
	}
	return 0;
}

/* The cached zone NAME, read on first use; NULL if there is none. */
static const struct zone *
zone_get(const char *name)
{
	char path[PATH_MAX];
	struct zone *z, **nz;
	size_t i, n;

	if (name == NULL || *name == '\0' || *name == '/' ||
	    strstr(name, "..") != NULL)
		return NULL;
	for (i = 0; i < nzones; i++)
		if (strcmp(zones[i]->name, name) == 0)
			return zones[i]->data != NULL ? zones[i] : NULL;
	if (nzones == zonecap) {
		if ((nz = realloc(zones, (zonecap + 16) * sizeof *nz)) == NULL)
			return NULL;
		zones = nz;
		zonecap += 16;
	}
	if ((z = calloc(1, sizeof *z)) == NULL ||
	    (z->name = strdup(name)) == NULL) {
		free(z);
		return NULL;
	}
	if (zpath(path, sizeof path, name) == 0 &&
	    (z->data = slurp(path, &n)) != NULL && tzif(z, n) == -1) {
		free(z->data);
		free(z->types);
		z->data = NULL;
		z->types = NULL;
	}
	zones[nzones++] = z;
	return z->data != NULL ? z : NULL;
}

/* Day of the year (from 0) rule R names, in a year starting on WDAY0. */
static int
ruleday(const struct rule *r, int leap, int wday0)
{
	static const int cum[] = {
		0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365
	};
	int first, mlen, day;

	if (r->kind == 'J')
		return r->d - 1 + (leap && r->d >= 60);
	if (r->kind == 'D')
		return r->d;
	first = cum[r->m - 1] + (leap && r->m > 2);
	mlen = cum[r->m] - cum[r->m - 1] + (leap && r->m == 2);
	day = (r->d - (wday0 + first) % 7 + 7) % 7 + 7 * (r->w - 1);
	while (day >= mlen)
		day -= 7;
	return first + day;
}

/*
 * The footer's type at T. The rules are applied to the year of T's local
 * standard time; start after end means a southern-hemisphere summer.
 */
static const struct ttype *
footer(const struct zone *z, int64_t t)
{
	const struct ttype *std = &z->foot[0], *dst = &z->foot[1];
	int64_t y0, start, end;
	long long year;
	int leap, wday0;
	struct tm tm;
	time_t lt;

	if (z->nfoot == 1)
		return std;
	lt = (time_t)(t + std->off);
	if (gmtime_r(&lt, &tm) == NULL)
		return NULL;
	y0 = lt - tm.tm_yday * INT64_C(86400) - tm.tm_hour * 3600 -
	    tm.tm_min * 60 - tm.tm_sec;
	year = tm.tm_year + 1900LL;
	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	wday0 = ((tm.tm_wday - tm.tm_yday) % 7 + 7) % 7;
	start = y0 + ruleday(&z->start, leap, wday0) * INT64_C(86400) +
	    z->start.secs - std->off;
	end = y0 + ruleday(&z->end, leap, wday0) * INT64_C(86400) +
	    z->end.secs - dst->off;
	if (start < end)
		return t >= start && t < end ? dst : std;
	return t >= end && t < start ? std : dst;
}

/* After the last transition the footer rules; before the first, type 0. */
static const struct ttype *
lookup(const struct zone *z, int64_t t)
{
	size_t lo = 0, hi = z->ntrans, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (be64(z->trans + 8 * mid) <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == z->ntrans && z->nfoot > 0)
		return footer(z, t);
	return &z->types[lo == 0 ? 0 : z->idx[lo - 1]];
}

int
wa_tz_local(const char *zone, time_t t, struct tm *tm)
{
	const struct zone *z;
	const struct ttype *tt;
	time_t lt;

	if (t <= -BIG_BANG || t >= BIG_BANG || (z = zone_get(zone)) == NULL ||
	    (tt = lookup(z, t)) == NULL)
		return -1;
	lt = t + tt->off;
	if (gmtime_r(&lt, tm) == NULL)
		return -1;
	tm->tm_isdst = tt->isdst;
	tm->tm_gmtoff = tt->off;
	tm->tm_zone = tt->abbr;
	return 0;
}
