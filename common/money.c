/* money.c: amounts as integers in a currency's minor units, so sums are exact. */
#include <ctype.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "wa.h"

int
wa_money_exp(const char *cur)
{
	/* ISO 4217 currencies whose minor unit is not the cent. */
	static const char zero[] = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX "
	    "UYI VND VUV XAF XOF XPF";
	static const char three[] = "BHD IQD JOD KWD LYD OMR TND";
	static const char four[] = "CLF UYW";
	char c[4];
	size_t i;

	if (cur == NULL || strlen(cur) != 3)
		return 2;
	for (i = 0; i < 3; i++)
		c[i] = (char)toupper((unsigned char)cur[i]);
	c[3] = '\0';
	if (strstr(zero, c))
		return 0;
	if (strstr(three, c))
		return 3;
	if (strstr(four, c))
		return 4;
	return 2;
}

/*
 * The decimal mark of S: the last of ',' and '.' when both are written; a
 * lone ',' unless it groups thousands ("1,234", not "12,50"); a lone '.';
 * NULL when the marks there are only group thousands ("1,234,567").
 */
static const char *
decmark(const char *s)
{
	const char *c = strrchr(s, ','), *d = strrchr(s, '.');

	if (c && d)
		return c > d ? c : d;
	if (d)
		return strchr(s, '.') == d ? d : NULL;
	if (c == NULL || strchr(s, ',') != c)
		return NULL;
	if (c > s && c - s <= 3 && strspn(c + 1, "0123456789") == 3 &&
	    c[4 + strspn(c + 4, " ")] == '\0')
		return NULL;
	return c;
}

/* The length of a thousands separator at P: , . ' space, or a no-break or thin space. */
static size_t
groupsep(const char *p)
{
	if (*p == ',' || *p == '.' || *p == '\'' || *p == ' ')
		return 1;
	/* Byte by byte: P may end anywhere. */
	if (p[0] == '\xc2' && p[1] == '\xa0')
		return 2;
	if (p[0] == '\xe2' && p[1] == '\x80' && (p[2] == '\xaf' || p[2] == '\x89'))
		return 3;
	return 0;
}

/*
 * S as plain digits with '.' for the decimal mark, into OUT (as long as S):
 * spreadsheets and European exports write "1,234", "1.234,50", "12,50",
 * "1 234,50" and "1'234.50". Groups must be of three digits, or S is
 * copied as it is, for the caller to refuse.
 */
static void
canon(const char *s, char *out)
{
	const char *dec = decmark(s), *p = s;
	char *o = out;
	size_t k, run = 0;
	int groups = 0, bad = 0;

	while (*p) {
		if (p == dec) {
			*o++ = '.';
			p++;
			dec = NULL;
			bad |= groups > 0 && run != 3;
			groups = -1;
		} else if (isdigit((unsigned char)*p)) {
			*o++ = *p++;
			run++;
		} else if (groups >= 0 && run > 0 && (k = groupsep(p)) > 0 &&
		    isdigit((unsigned char)p[k])) {
			bad |= groups == 0 ? run > 3 : run != 3;
			groups++;
			run = 0;
			p += k;
		} else
			*o++ = *p++;
	}
	*o = '\0';
	if (bad || (groups > 0 && run != 3))
		strcpy(out, s);
}

int
wa_money_parse(const char *s, const char *cur, long long *minor)
{
	int exp = wa_money_exp(cur), neg = 0, frac = 0, digits = 0;
	long long v = 0;
	int round = 0;
	char buf[64];

	while (*s == ' ')
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (strlen(s) < sizeof buf) {
		canon(s, buf);
		s = buf;
	}
	for (; *s; s++) {
		if (*s == '.' && frac == 0) {
			frac = 1;
			continue;
		}
		if (!isdigit((unsigned char)*s))
			break;
		digits++;
		if (frac > exp) {
			/* Digits past the minor unit round the last one, half up. */
			if (frac == exp + 1 && *s >= '5')
				round = 1;
			frac++;
			continue;
		}
		if (v > (LLONG_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
		if (frac)
			frac++;
	}
	while (*s == ' ')
		s++;
	if (*s != '\0' || digits == 0)
		return -1;
	/* No shop's amount is near this: refusing it keeps every sum from overflowing. */
	if (v > WA_MONEY_MAX)
		return -1;
	for (frac = frac ? frac - 1 : 0; frac < exp; frac++) {
		if (v > LLONG_MAX / 10)
			return -1;
		v *= 10;
	}
	v += round;
	if (v > WA_MONEY_MAX)
		return -1;
	*minor = neg ? -v : v;
	return 0;
}

long long
wa_money_rescale(long long v, int from, int to)
{
	long long d = 1;

	for (; from < to; from++)
		v *= 10;
	for (; from > to; from--)
		d *= 10;
	return d == 1 ? v : (v + (v < 0 ? -d : d) / 2) / d;
}

json_t *
wa_money_json(long long minor, const char *cur)
{
	long long unit = 1;
	int i, exp = wa_money_exp(cur);

	for (i = 0; i < exp; i++)
		unit *= 10;
	if (minor % unit == 0)
		return json_integer(minor / unit);
	return json_real((double)minor / (double)unit);
}
