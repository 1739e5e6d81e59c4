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

/*
 * Currency marks written with amounts, and the ISO 4217 currencies each can
 * stand for. Longer marks first: "R$" is not "$". Letters match in any case.
 */
static const struct mark {
	const char *mark, *curs;
} marks[] = {
	{ "US$", "USD" }, { "CA$", "CAD" }, { "AU$", "AUD" }, { "NZ$", "NZD" },
	{ "HK$", "HKD" }, { "MX$", "MXN" }, { "NT$", "TWD" }, { "RD$", "DOP" },
	{ "SFr.", "CHF" }, { "S/.", "PEN" }, { "kr.", "DKK NOK SEK ISK" },
	{ "Rs.", "INR PKR LKR NPR MUR SCR" }, { "B/.", "PAB" },
	{ "R$", "BRL" }, { "C$", "CAD NIO" }, { "A$", "AUD" }, { "S$", "SGD" },
	{ "$U", "UYU" }, { "E\xc2\xa3", "EGP" }, { "KSh", "KES" }, { "Fr.", "CHF" },
	{ "kr", "DKK NOK SEK ISK" }, { "Rs", "INR PKR LKR NPR MUR SCR" },
	{ "RM", "MYR" }, { "Rp", "IDR" }, { "Ft", "HUF" }, { "lei", "RON MDL" },
	{ "z\xc5\x82", "PLN" }, { "K\xc4\x8d", "CZK" }, { "TL", "TRY" },
	{ "S/", "PEN" }, { "Bs.", "VES BOB" }, { "Bs", "VES BOB" }, { "kn", "HRK EUR" },
	{ "\xd0\xbb\xd0\xb2", "BGN" }, { "\xd1\x80\xd1\x83\xd0\xb1", "RUB" },
	{ "$", "USD CAD AUD NZD MXN SGD HKD TWD ARS CLP COP UYU DOP BSD BBD BZD "
	    "BMD BND KYD FJD GYD JMD LRD NAD SBD SRD TTD XCD CUP" },
	{ "\xe2\x82\xac", "EUR" }, { "\xc2\xa3", "GBP GIP FKP SHP EGP" },
	{ "\xc2\xa5", "JPY CNY" }, { "\xef\xbf\xa5", "JPY CNY" },
	{ "\xe5\x86\x86", "JPY" }, { "\xe5\x85\x83", "CNY" },
	{ "\xe2\x82\xb9", "INR" }, { "\xe2\x82\xa8", "INR PKR LKR NPR MUR SCR" },
	{ "\xe2\x82\xbd", "RUB" }, { "\xe2\x82\xa9", "KRW KPW" },
	{ "\xe2\x82\xba", "TRY" }, { "\xe2\x82\xaa", "ILS" },
	{ "\xe2\x82\xab", "VND" }, { "\xe0\xb8\xbf", "THB" },
	{ "\xe2\x82\xb1", "PHP" }, { "\xe2\x82\xb4", "UAH" },
	{ "\xe2\x82\xa6", "NGN" }, { "\xe2\x82\xa1", "CRC" },
	{ "\xe2\x82\xb2", "PYG" }, { "\xe2\x82\xb8", "KZT" },
	{ "\xe2\x82\xbc", "AZN" }, { "\xe2\x82\xbe", "GEL" },
	{ "\xc6\x92", "ANG AWG" }, { "R", "ZAR" },
};

/* The length of mark M at P (letters in any case), 0 when P does not start with it. */
static size_t
markat(const char *p, const char *m)
{
	size_t n = strlen(m);

	return strncasecmp(p, m, n) == 0 ? n : 0;
}

/* Three capital letters, an ISO 4217 code such as USD, at P. */
static int
isocode(const char *p)
{
	return isupper((unsigned char)p[0]) && isupper((unsigned char)p[1]) &&
	    isupper((unsigned char)p[2]);
}

/*
 * The mark at the head of P (*N its length): a code such as USD, copied to
 * CODE, or a symbol from the table. NULL when P starts with none.
 */
static const char *
headmark(const char *p, size_t *n, char code[4])
{
	size_t i;

	/* No mark starts with a digit: most amounts are read without the table. */
	if (isdigit((unsigned char)*p))
		return NULL;
	if (isocode(p) && !isalpha((unsigned char)p[3])) {
		memcpy(code, p, 3);
		code[3] = '\0';
		*n = 3;
		return code;
	}
	for (i = 0; i < sizeof marks / sizeof *marks; i++)
		if ((*n = markat(p, marks[i].mark)) > 0 &&
		    !isalpha((unsigned char)p[*n]))
			return marks[i].curs;
	return NULL;
}

/* The same at the tail of S[0..*LEN), the longest first: *LEN shrinks past it. */
static const char *
tailmark(const char *s, size_t *len, char code[4])
{
	const char *curs;
	size_t i, n;

	/* nor ends with one */
	if (*len == 0 || isdigit((unsigned char)s[*len - 1]))
		return NULL;
	for (i = *len > 8 ? *len - 8 : 0; i < *len; i++) {
		/* not inside a word: "12 EUR" is not "R" */
		if (i > 0 && isalpha((unsigned char)s[i - 1]))
			continue;
		if ((curs = headmark(s + i, &n, code)) != NULL && i + n == *len) {
			while (i > 0 && s[i - 1] == ' ')
				i--;
			*len = i;
			return curs;
		}
	}
	return NULL;
}

/*
 * S without its currency mark ("$12", "12,50 €", "USD 12.00", "-R$ 10,00")
 * into OUT (N bytes, the sign kept); the currencies the mark can stand for,
 * or NULL, into *CURS. Returns -1 when S does not fit in OUT.
 */
static int
unmark(const char *s, char *out, size_t n, const char **curs, char code[4])
{
	size_t len, k = 0, m;
	const char *c;

	*curs = NULL;
	while (*s == ' ')
		s++;
	if (*s == '-' || *s == '+')
		out[k++] = *s++;
	if ((c = headmark(s, &m, code)) != NULL) {
		*curs = c;
		for (s += m; *s == ' '; s++)
			;
		if (k == 0 && (*s == '-' || *s == '+'))
			out[k++] = *s++;
	}
	len = strlen(s);
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (*curs == NULL)
		*curs = tailmark(s, &len, code);
	if (k + len >= n)
		return -1;
	memcpy(out + k, s, len);
	out[k + len] = '\0';
	return 0;
}

void
wa_money_mark(const char *s, char *curs, size_t n)
{
	char buf[64], code[4];
	const char *c;

	*curs = '\0';
	if (unmark(s, buf, sizeof buf, &c, code) == 0 && c != NULL)
		snprintf(curs, n, "%s", c);
}

int
wa_money_fits(const char *s, const char *cur)
{
	char curs[WA_MONEY_MARKBUF], c[4];
	const char *p;
	size_t i;

	if (cur == NULL || strlen(cur) != 3)
		return 1;
	wa_money_mark(s, curs, sizeof curs);
	if (*curs == '\0')
		return 1;
	for (i = 0; i < 4; i++)
		c[i] = (char)toupper((unsigned char)cur[i]);
	/* the codes are three letters apart by one space */
	for (p = curs; (p = strstr(p, c)) != NULL; p += 3)
		if ((p - curs) % 4 == 0)
			return 1;
	return 0;
}

int
wa_money_parse(const char *s, const char *cur, long long *minor)
{
	int exp = wa_money_exp(cur), neg = 0, frac = 0, digits = 0;
	long long v = 0;
	int round = 0;
	char buf[64], bare[64], code[4];
	const char *curs;

	if (unmark(s, bare, sizeof bare, &curs, code) == 0)
		s = bare;
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
