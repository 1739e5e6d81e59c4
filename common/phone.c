/* wa: phone numbers to E.164, and the keys WhatsApp matches them by. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#ifdef __cplusplus		/* t-phonelib.cc's build compiles it as C++ */
extern "C" {
#endif
#include "wa.h"
#ifdef __cplusplus
}
#endif
#include "phoneplans.h"

/* Digits kept from the input: E.164's 15 behind "00" and a repeated code. */
#define MAXDIG 24

/* A number as written: its digits, whether a '+' led them. */
struct num {
	char d[MAXDIG];
	size_t n;
	int plus;
	size_t again;		/* digits before a second '+' */
};

/* Consume one PREFIX item at *R (a digit, '.' or a class); does C match? */
static int
item(const char **r, int c)
{
	const char *s = *r;
	int in = 0;

	if (*s != '[') {
		*r = s + 1;
		return c >= 0 && (*s == '.' || *s == c);
	}
	for (s++; *s != ']'; s++) {
		if (s[1] == '-') {
			in |= c >= s[0] && c <= s[2];
			s += 2;
		} else
			in |= c == *s;
	}
	*r = s + 1;
	return in;
}

/* Consume a decimal number at *R. */
static size_t
number(const char **r)
{
	size_t v = 0;

	for (; **r >= '0' && **r <= '9'; (*r)++)
		v = v * 10 + (size_t)(**r - '0');
	return v;
}

/* Consume ":LENGTHS" at *R; is N among them? */
static int
lengths(const char **r, size_t n)
{
	size_t lo, hi;
	int in = 0;

	do {
		(*r)++;
		lo = hi = number(r);
		if (**r == '-') {
			(*r)++;
			hi = number(r);
		}
		in |= n >= lo && n <= hi;
	} while (**r == ',');
	return in;
}

/*
 * Does D[0..N) match the space-separated rules R? The first rule whose
 * prefix matches decides; one without lengths takes any.
 */
static int
match(const char *r, const char *d, size_t n)
{
	size_t i;
	int ok, in;

	while (*r != '\0') {
		ok = 1;
		for (i = 0; *r != '\0' && *r != ':' && *r != ' '; i++)
			ok &= item(&r, i < n ? d[i] : -1);
		in = *r != ':' || lengths(&r, n);
		if (ok)
			return in;
		r += *r == ' ';
	}
	return 0;
}

/* The main row of calling code CC, or NULL. */
static const struct plan *
bycode(int cc)
{
	size_t lo = 0, hi = NPLANS, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (plans[mid].cc < cc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < NPLANS && plans[lo].cc == cc ? &plans[lo] : NULL;
}

/* The main row of the calling code D[0..N) starts with; its length in *CL. */
static const struct plan *
codeof(const char *d, size_t n, size_t *cl)
{
	const struct plan *p;
	int cc = 0;

	if (n == 0 || d[0] == '0')
		return NULL;
	for (*cl = 1; *cl <= 3 && *cl <= n; (*cl)++) {
		cc = cc * 10 + d[*cl - 1] - '0';
		if ((p = bycode(cc)) != NULL)
			return p;
	}
	return NULL;
}

static int
upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* The row of the ISO 3166 alpha-2 code ISO, or NULL. */
static const struct plan *
byiso(const char *iso)
{
	const struct plan *p;
	int a, b;

	if (iso == NULL || iso[0] == '\0' || iso[1] == '\0' || iso[2] != '\0')
		return NULL;
	a = upper(iso[0]);
	b = upper(iso[1]);
	if (a == 'U' && b == 'K')	/* reserved for GB, and common */
		a = 'G', b = 'B';
	for (p = plans; p < plans + NPLANS; p++)
		if (p->iso != NULL && p->iso[0] == a && p->iso[1] == b)
			return p;
	return NULL;
}

/* Does the national number D[0..N) fit the plan of main row P's code? */
static int
fits(const struct plan *p, const char *d, size_t n)
{
	const struct plan *q;
	size_t total = n + 1 + (p->cc > 9) + (p->cc > 99);
	int planned = 0;

	for (q = p; q < plans + NPLANS && q->cc == p->cc; q++) {
		if (q->nsn == NULL)
			continue;
		if (match(q->nsn, d, n))
			return 1;
		planned = 1;
	}
	return !planned && total >= 8 && total <= 15;
}

/*
 * The length of the first national prefix in T that D[0..N) starts with
 * and whose rest fits main row P's plan; 0 if none. A prefix marked '?'
 * goes only if the number does not fit with it.
 */
static size_t
trunk(const struct plan *p, const char *t, const char *d, size_t n)
{
	size_t i;

	while (*t != '\0') {
		for (i = 0; t[i] != '\0' && t[i] != '|' && t[i] != '?' &&
		    i < n; i++)
			if (t[i] != '.' && t[i] != d[i])
				break;
		if ((t[i] == '\0' || t[i] == '|' ||
		    (t[i] == '?' && !fits(p, d, n))) && fits(p, d + i, n - i))
			return i;
		t += strcspn(t, "|");
		t += *t == '|';
	}
	return 0;
}

/*
 * Argentina dials a mobile nationally as [0] AREA 15 NUMBER, and from
 * abroad as +54 9 AREA NUMBER, AREA and NUMBER being ten digits together.
 * The area code is 11, or three or four digits starting with 2 or 3, so a
 * 15 fits in one place only. Rewrites D[0..N) into BUF, returns the new
 * length, or 0 if it is no such number.
 */
static size_t
armobile(const char *d, size_t n, char *buf)
{
	size_t a;

	if (n == 13 && d[0] == '0')
		d++, n--;
	if (n != 12)
		return 0;
	if (d[0] == '1' && d[1] == '1')
		a = 2;
	else if (d[0] == '2' || d[0] == '3')
		a = d[3] == '1' && d[4] == '5' ? 3 : 4;
	else
		return 0;
	if (d[a] != '1' || d[a + 1] != '5')
		return 0;
	buf[0] = '9';
	memcpy(buf + 1, d, a);
	memcpy(buf + 1 + a, d + a + 2, n - a - 2);
	return n - 1;
}

/* Write +CC D[0..N) into OUT, if it fits there. */
static int
emit(const struct plan *p, const char *d, size_t n, char *out)
{
	int len;

	len = snprintf(out, WA_PHONE_MAX, "+%d%.*s", p->cc, (int)n, d);
	return len < WA_PHONE_MAX ? WA_PHONE_OK : WA_PHONE_LENGTH;
}

/*
 * The national part D[0..N) of a number in main row P's code, with the
 * national prefixes T. AGAIN allows the calling code once more in front,
 * dropped if the number does not fit with it but does without: "32 0471..."
 * in Belgium (as libphonenumber reads it) or "+92 92 300...".
 */
static int
settle(const struct plan *p, const char *t, const char *d, size_t n,
    int again, char *out)
{
	char buf[MAXDIG];
	char cc[4];
	size_t k;

	if (p->cc == 54 && (k = armobile(d, n, buf)) > 0) {
		d = buf;
		n = k;
	}
	k = trunk(p, t, d, n);
	if (fits(p, d + k, n - k))
		return emit(p, d + k, n - k, out);
	k = (size_t)snprintf(cc, sizeof(cc), "%d", p->cc);
	if (again && n > k && memcmp(d, cc, k) == 0)
		return settle(p, t, d + k, n - k, 0, out);
	return WA_PHONE_LENGTH;
}

/* D[0..N) behind a '+' or "00": a calling code and a national number. */
static int
intl(const char *d, size_t n, char *out)
{
	const struct plan *p;
	size_t cl;

	if ((p = codeof(d, n, &cl)) == NULL)
		return WA_PHONE_BADCC;
	return settle(p, p->trunk, d + cl, n - cl, 1, out);
}

/*
 * D[0..N) written nationally in the country of row R: first as a local
 * number behind the country's one area code, as libphonenumber reads it.
 */
static int
national(const struct plan *r, const char *d, size_t n, char *out)
{
	const struct plan *p = bycode(r->cc);
	const char *first;
	char buf[MAXDIG];
	size_t k;

	if (r->local != NULL && (k = strcspn(r->local, "[")) + n <= MAXDIG) {
		first = r->local + k;
		memcpy(buf, r->local, k);
		memcpy(buf + k, d, n);
		if (item(&first, d[0]) && fits(p, buf, k + n))
			return emit(p, buf, k + n, out);
	}
	return settle(p, r->trunk, d, n, 1, out);
}

/* Is S a number a spreadsheet rewrote as 9.19961E+11, losing digits? */
static int
mangled(const char *s)
{
	size_t i, k;

	if ((i = strspn(s, "0123456789")) == 0)
		return 0;
	if ((s[i] == '.' || s[i] == ',') &&
	    (k = strspn(s + i + 1, "0123456789")) > 0)
		i += 1 + k;
	if (s[i] != 'E' && s[i] != 'e')
		return 0;
	i += 1 + (s[i + 1] == '+');
	if ((k = strspn(s + i, "0123456789")) == 0)
		return 0;
	i += k;
	return s[i + strspn(s + i, " \t\r\n")] == '\0';
}

/* Is S the end of an extension: punctuation, digits, then nothing? */
static int
extdigits(const char *s)
{
	size_t k;

	s += strspn(s, " \t.:=#");
	if ((k = strspn(s, "0123456789")) == 0)
		return 0;
	s += k;
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* Does S start an extension, "ext. 123", "x123", "#123" and the like? */
static int
extension(const char *s)
{
	static const char *const mark[] = {
		"extension", "extn", "ext", "x", "#"
	};
	size_t i, k;

	for (i = 0; i < sizeof(mark) / sizeof(mark[0]); i++) {
		k = strlen(mark[i]);
		if (strncasecmp(s, mark[i], k) == 0 && extdigits(s + k))
			return 1;
	}
	return 0;
}

/*
 * The UTF-8 character at S that may sit in a phone number: a space, dash,
 * direction mark or other format character (as ' '), a digit of another
 * script (as the ASCII digit), or a fullwidth '+'. Returns its length and
 * sets *C, or returns 0. Every byte tested after the first must be a
 * continuation byte, so a truncated sequence never skips the NUL.
 */
static size_t
utf8(const unsigned char *s, int *c)
{
	unsigned t = s[1];

	*c = ' ';
	switch (s[0]) {
	case 0xc2:		/* no-break space */
		return t == 0xa0 ? 2 : 0;
	case 0xd9:		/* Arabic-Indic digits */
		*c = '0' + (int)t - 0xa0;
		return t >= 0xa0 && t <= 0xa9 ? 2 : 0;
	case 0xdb:		/* Persian and Urdu digits */
		*c = '0' + (int)t - 0xb0;
		return t >= 0xb0 && t <= 0xb9 ? 2 : 0;
	case 0xe2:		/* U+2000-2015, 2028-202F, 2060-206F, 2212 */
		if (t == 0x80 && ((s[2] >= 0x80 && s[2] <= 0x95) ||
		    (s[2] >= 0xa8 && s[2] <= 0xaf)))
			return 3;
		if (t == 0x81 && s[2] >= 0xa0 && s[2] <= 0xaf)
			return 3;
		return t == 0x88 && s[2] == 0x92 ? 3 : 0;
	case 0xe3:		/* ideographic space */
		return t == 0x80 && s[2] == 0x80 ? 3 : 0;
	case 0xef:		/* BOM, fullwidth '+' and digits */
		if (t == 0xbb)
			return s[2] == 0xbf ? 3 : 0;
		if (t != 0xbc)
			return 0;
		if (s[2] == 0x8b) {
			*c = '+';
			return 3;
		}
		*c = '0' + (int)s[2] - 0x90;
		return s[2] >= 0x90 && s[2] <= 0x99 ? 3 : 0;
	}
	return 0;
}

/* Drop a calling code written twice, "'+92 +92 300 1234567". */
static void
twice(struct num *num)
{
	size_t k = num->again;

	if (num->plus && k > 0 && k <= 3 && 2 * k <= num->n &&
	    memcmp(num->d, num->d + k, k) == 0) {
		memmove(num->d, num->d + k, num->n - k);
		num->n -= k;
	}
}

/* Read the digits of RAW into NUM; returns WA_PHONE_OK or why not. */
static int
scan(const char *raw, struct num *num)
{
	const unsigned char *s;
	size_t k;
	int c, over = 0;

	num->n = num->again = 0;
	num->plus = 0;
	if (raw == NULL)
		return WA_PHONE_EMPTY;
	raw += strspn(raw, " \t\r\n");
	raw += *raw == '\'';		/* Shopify's "keep as text" mark */
	if (mangled(raw))
		return WA_PHONE_MANGLED;
	for (s = (const unsigned char *)raw; *s != '\0'; s += k) {
		c = *s;
		k = 1;
		if (c >= 0x80 && (k = utf8(s, &c)) == 0)
			return WA_PHONE_JUNK;
		if (c >= '0' && c <= '9') {
			if (num->n < MAXDIG)
				num->d[num->n++] = (char)c;
			else
				over = 1;
		} else if (c == '+') {
			if (num->n == 0)
				num->plus = 1;
			else if (num->again == 0)
				num->again = num->n;
		} else if (strchr(" \t\r\n.-/()[]", c) == NULL) {
			if (num->n > 0 && extension((const char *)s))
				break;
			return WA_PHONE_JUNK;
		}
	}
	if (num->n == 0)
		return WA_PHONE_EMPTY;
	if (over)
		return WA_PHONE_LENGTH;
	twice(num);
	return WA_PHONE_OK;
}

/*
 * "00" and a digit other than 0 is the international prefix, unless the
 * whole number fits the plan of country R: Tajik mobiles and some
 * freephone numbers in Asia start with 00.
 */
static int
idd(const struct num *num, const struct plan *r)
{
	if (num->n < 3 || num->d[0] != '0' || num->d[1] != '0' ||
	    num->d[2] == '0')
		return 0;
	return r == NULL || !fits(bycode(r->cc), num->d, num->n);
}

int
wa_phone_norm(const char *raw, const char *cc, char *out)
{
	const struct plan *r = byiso(cc);
	struct num num;
	int err;

	out[0] = '\0';
	if ((err = scan(raw, &num)) != WA_PHONE_OK)
		return err;
	if (num.plus)
		err = intl(num.d, num.n, out);
	else if (idd(&num, r))
		err = intl(num.d + 2, num.n - 2, out);
	else if (r == NULL)
		err = WA_PHONE_NOCOUNTRY;
	else
		err = national(r, num.d, num.n, out);
	if (err != WA_PHONE_OK)
		out[0] = '\0';
	return err;
}

/*
 * A '+' typed before a national number, "+2392207325" in a US row: read
 * in country CC when it is no number as written, or one of another country
 * while CC's numbers have no trunk 0 (those of a country with one would
 * be written "+0..."), and it fits CC's plan. WA_PHONE_OK into OUT, or why not.
 */
int
wa_phone_plusnat(const char *raw, const char *cc, char *out)
{
	const struct plan *r = byiso(cc), *x;
	struct num num;
	char asis[WA_PHONE_MAX];
	size_t cl;
	int err;

	out[0] = '\0';
	if ((err = scan(raw, &num)) != WA_PHONE_OK)
		return err;
	if (r == NULL || !num.plus || num.again)
		return WA_PHONE_NOCOUNTRY;
	if (intl(num.d, num.n, asis) == WA_PHONE_OK &&
	    ((x = codeof(num.d, num.n, &cl)) == NULL || x->cc == r->cc ||
	    r->trunk[0] == '0'))
		return WA_PHONE_BADCC;
	if ((err = national(r, num.d, num.n, out)) != WA_PHONE_OK)
		out[0] = '\0';
	return err;
}

const char *
wa_phone_strerror(int err)
{
	switch (err) {
	case WA_PHONE_OK:
		return "valid phone number";
	case WA_PHONE_EMPTY:
		return "no phone number";
	case WA_PHONE_MANGLED:
		return "phone number mangled by a spreadsheet";
	case WA_PHONE_NOCOUNTRY:
		return "national phone number without a country";
	case WA_PHONE_BADCC:
		return "no such country calling code";
	case WA_PHONE_LENGTH:
		return "phone number does not fit the country's numbering plan";
	case WA_PHONE_JUNK:
		return "not a phone number";
	}
	return "unknown phone number error";
}

/* The digits of E164 ('+' optional) into D[0..N); 0 if there are others. */
static int
digits(const char *e164, const char **d, size_t *n)
{
	if (e164 == NULL)
		return 0;
	*d = e164 + (e164[0] == '+');
	*n = strspn(*d, "0123456789");
	return *n > 0 && *n < WA_PHONE_MAX - 1 && (*d)[*n] == '\0';
}

const char *
wa_phone_country(const char *e164)
{
	const struct plan *p, *q;
	const char *d;
	size_t n, cl;

	if (!digits(e164, &d, &n) || (p = codeof(d, n, &cl)) == NULL)
		return NULL;
	for (q = p + 1; q < plans + NPLANS && q->cc == p->cc; q++)
		if (q->lead != NULL && match(q->lead, d + cl, n - cl))
			return q->iso;
	return p->iso;
}

/*
 * WhatsApp registered many numbers before their country grew a digit and
 * kept them: Brazil's mobiles gained a 9 after the area code (55 DD 9 and
 * eight digits starting 6 to 9), Mexico's dropped the 1 after 52, and
 * Argentina's mobiles have a 9 after 54. The key leaves the digit out.
 */
void
wa_phone_key(const char *e164, char *out)
{
	const char *d;
	size_t n, drop = 0;

	out[0] = '\0';
	if (!digits(e164, &d, &n)) {
		if (e164 != NULL)
			snprintf(out, WA_PHONE_MAX, "%s", e164);
		return;
	}
	if (n == 13 && memcmp(d, "55", 2) == 0 && d[4] == '9' &&
	    d[5] >= '6')
		drop = 4;
	else if (n == 13 && (memcmp(d, "521", 3) == 0 ||
	    memcmp(d, "549", 3) == 0))
		drop = 2;
	if (drop == 0)
		snprintf(out, WA_PHONE_MAX, "+%s", d);
	else
		snprintf(out, WA_PHONE_MAX, "+%.*s%s", (int)drop, d,
		    d + drop + 1);
}

int
wa_phone_same(const char *a, const char *b)
{
	char ka[WA_PHONE_MAX], kb[WA_PHONE_MAX];

	wa_phone_key(a, ka);
	wa_phone_key(b, kb);
	return ka[0] != '\0' && strcmp(ka, kb) == 0;
}
