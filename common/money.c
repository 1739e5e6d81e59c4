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

int
wa_money_parse(const char *s, const char *cur, long long *minor)
{
	int exp = wa_money_exp(cur), neg = 0, frac = 0, digits = 0;
	long long v = 0;
	int round = 0;

	while (*s == ' ')
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
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
