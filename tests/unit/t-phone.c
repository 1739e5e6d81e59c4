/* Tests common/phone.c: the forms seen in store exports, errors, keys. */
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "tap.h"

struct norm {
	const char *raw, *cc;
	int err;
	const char *want;
};

/* The forms named in docs/store-exports.md and the project issue. */
static const struct norm forms[] = {
	{ "+923145415648", NULL, WA_PHONE_OK, "+923145415648" },
	{ "03145415648", "PK", WA_PHONE_OK, "+923145415648" },
	{ "0473 24 74 10", "BE", WA_PHONE_OK, "+32473247410" },
	{ "07842 615005", "GB", WA_PHONE_OK, "+447842615005" },
	{ "00 32 472 62 88 82", NULL, WA_PHONE_OK, "+32472628882" },
	{ "00 32 472 62 88 82", "US", WA_PHONE_OK, "+32472628882" },
	{ "(310) 650-0596", "US", WA_PHONE_OK, "+13106500596" },
	{ "1 (818) 389-1685", "US", WA_PHONE_OK, "+18183891685" },
	{ "(+44)7309085092", NULL, WA_PHONE_OK, "+447309085092" },
	{ "010-9402-8337", "KR", WA_PHONE_OK, "+821094028337" },
	{ "471253005", "BE", WA_PHONE_OK, "+32471253005" },
	{ "'+92 +92 300 1234567", "PK", WA_PHONE_OK, "+923001234567" },
	{ "+44 +44 7700 900123", NULL, WA_PHONE_OK, "+447700900123" },
	{ "+88001795326165", "BD", WA_PHONE_OK, "+8801795326165" },
	{ "+880 01795326165", NULL, WA_PHONE_OK, "+8801795326165" },
	{ "01795326165", "BD", WA_PHONE_OK, "+8801795326165" },
	{ "06 6982 1234", "IT", WA_PHONE_OK, "+390669821234" },
	{ "+39 06 6982 1234", NULL, WA_PHONE_OK, "+390669821234" },
	{ "+1 555-555-5555 ext. 123", NULL, WA_PHONE_OK, "+15555555555" },
	{ "+1 555-555-5555 ext 123", NULL, WA_PHONE_OK, "+15555555555" },
	{ "+1 555-555-5555 x123", NULL, WA_PHONE_OK, "+15555555555" },
	{ "+1 555-555-5555 #123", NULL, WA_PHONE_OK, "+15555555555" },
	{ "(555) 555-5555 Extension: 12 ", "us", WA_PHONE_OK,
	    "+15555555555" },
	{ "+1 555-555-5555 EXTN.42", NULL, WA_PHONE_OK, "+15555555555" },
	/* Spaces, dots, slashes, brackets, tabs, no-break spaces. */
	{ "06.12.34.56.78", "FR", WA_PHONE_OK, "+33612345678" },
	{ "0612/345678", "FR", WA_PHONE_OK, "+33612345678" },
	{ "[06] 12\t34 56 78", "fr", WA_PHONE_OK, "+33612345678" },
	{ "06\xc2\xa0" "12\xc2\xa0" "34\xc2\xa0" "56\xc2\xa0" "78", "FR",
	    WA_PHONE_OK, "+33612345678" },
	{ "06\xe2\x80\xaf" "12\xe2\x80\x93" "34 56 78", "FR", WA_PHONE_OK,
	    "+33612345678" },
	{ "  '0612345678  ", "FR", WA_PHONE_OK, "+33612345678" },
	{ "+33 (0)6 12 34 56 78", NULL, WA_PHONE_OK, "+33612345678" },
	/* Digits of other scripts, as typed on Arabic and Urdu keyboards. */
	{ "\xd9\xa0\xd9\xa1\xd9\xa0\xd9\xa0\xd9\xa1\xd9\xa2\xd9\xa3"
	    "\xd9\xa4\xd9\xa5\xd9\xa6\xd9\xa7", "EG", WA_PHONE_OK,
	    "+201001234567" },
	{ "\xdb\xb0\xdb\xb3\xdb\xb0\xdb\xb0 1234567", "PK", WA_PHONE_OK,
	    "+923001234567" },
	{ "\xef\xbc\x8b\xef\xbc\x98\xef\xbc\x91 90 1234 5678", NULL,
	    WA_PHONE_OK, "+819012345678" },
	/* Trunk prefixes. */
	{ "8 912 345-67-89", "RU", WA_PHONE_OK, "+79123456789" },
	{ "+7 8 912 345 67 89", NULL, WA_PHONE_OK, "+79123456789" },
	{ "8 (777) 123 45 67", "KZ", WA_PHONE_OK, "+77771234567" },
	{ "8 029 123 45 67", "BY", WA_PHONE_OK, "+375291234567" },
	{ "06 20 123 4567", "HU", WA_PHONE_OK, "+36201234567" },
	{ "(8-5) 212 3456", "LT", WA_PHONE_OK, "+37052123456" },
	{ "8 12 345678", "TM", WA_PHONE_OK, "+99312345678" },
	{ "044 55 1234 5678", "MX", WA_PHONE_OK, "+525512345678" },
	{ "045 55 1234 5678", "MX", WA_PHONE_OK, "+525512345678" },
	{ "01 55 1234 5678", "MX", WA_PHONE_OK, "+525512345678" },
	{ "+52 1 55 1234 5678", NULL, WA_PHONE_OK, "+525512345678" },
	{ "0 15 11 98765 4321", "BR", WA_PHONE_OK, "+5511987654321" },
	{ "0 11 98765 4321", "BR", WA_PHONE_OK, "+5511987654321" },
	{ "(11) 98765-4321", "BR", WA_PHONE_OK, "+5511987654321" },
	{ "05 300 1234567", "CO", WA_PHONE_OK, "+573001234567" },
	{ "074 66 53 44", "GA", WA_PHONE_OK, "+24174665344" },
	{ "06 12 34 56", "GA", WA_PHONE_OK, "+24106123456" },
	{ "0800 123 4567", "GB", WA_PHONE_OK, "+448001234567" },
	/* Argentina: 0 AREA 15 NUMBER is +54 9 AREA NUMBER. */
	{ "011 15-2345-6789", "AR", WA_PHONE_OK, "+5491123456789" },
	{ "11 15 2345 6789", "AR", WA_PHONE_OK, "+5491123456789" },
	{ "+54 11 15 2345 6789", NULL, WA_PHONE_OK, "+5491123456789" },
	{ "+54 9 11 2345-6789", NULL, WA_PHONE_OK, "+5491123456789" },
	{ "0351 15 123 4567", "AR", WA_PHONE_OK, "+5493511234567" },
	{ "02966 15 12 3456", "AR", WA_PHONE_OK, "+5492966123456" },
	{ "011 2345-6789", "AR", WA_PHONE_OK, "+541123456789" },
	/* A local number behind the one area code. */
	{ "460-1234", "AG", WA_PHONE_OK, "+12684601234" },
	{ "256789", "GG", WA_PHONE_OK, "+441481256789" },
	{ "345-6789", "US", WA_PHONE_LENGTH, "" },
	/* The calling code written without its '+' (a spreadsheet ate it). */
	{ "923001234567", "PK", WA_PHONE_OK, "+923001234567" },
	{ "393331234567", "IT", WA_PHONE_OK, "+393331234567" },
	{ "32 0471 25 30 05", "BE", WA_PHONE_OK, "+32471253005" },
	{ "8801712345678", "BD", WA_PHONE_OK, "+8801712345678" },
	/* A number with 00 at its start in its own country. */
	{ "00 123 4567", "TJ", WA_PHONE_OK, "+992001234567" },
	{ "0049 30 123456", "TJ", WA_PHONE_OK, "+4930123456" },
	/* Shared calling codes. */
	{ "01481 256789", "GG", WA_PHONE_OK, "+441481256789" },
	{ "020 7946 0958", "GG", WA_PHONE_OK, "+442079460958" },
	{ "(416) 555-0199", "CA", WA_PHONE_OK, "+14165550199" },
	{ "(416) 555-0199", "US", WA_PHONE_OK, "+14165550199" },
	{ "0269 61 23 45", "YT", WA_PHONE_OK, "+262269612345" },
	{ "07911 123456", "UK", WA_PHONE_OK, "+447911123456" },
	/* Non-geographic codes: any E.164 length. */
	{ "+800 1234 5678", NULL, WA_PHONE_OK, "+80012345678" },
	{ "+882 34 21234", "DE", WA_PHONE_OK, "+8823421234" },
	{ "+882 3", NULL, WA_PHONE_LENGTH, "" },
};

/* Real forms from the store exports in fixtures/real (anonymised). */
static const struct norm real[] = {
	{ "'+49 160 81386192", "DE", WA_PHONE_OK, "+4916081386192" },
	{ "(310) 846-4794", "US", WA_PHONE_OK, "+13108464794" },
	{ "1 (817) 471-5703", "US", WA_PHONE_OK, "+18174715703" },
	{ "2658813219", "US", WA_PHONE_OK, "+12658813219" },
	{ "+16096550137", "CA", WA_PHONE_OK, "+16096550137" },
	{ "13478593274", "US", WA_PHONE_OK, "+13478593274" },
	{ "010-4502-7933", "KR", WA_PHONE_OK, "+821045027933" },
	{ "+41717210903", "IT", WA_PHONE_OK, "+41717210903" },
	{ "015782898542", "DE", WA_PHONE_OK, "+4915782898542" },
	{ "'+39 333 339 6622", "IT", WA_PHONE_OK, "+393333396622" },
	{ "07732555172", "GB", WA_PHONE_OK, "+447732555172" },
	{ "+85271477947", "HK", WA_PHONE_OK, "+85271477947" },
	{ "0430047930", "AU", WA_PHONE_OK, "+61430047930" },
	{ "+31651765569", "NL", WA_PHONE_OK, "+31651765569" },
	{ "07736 781945", "GB", WA_PHONE_OK, "+447736781945" },
	{ "0744769885", "FR", WA_PHONE_OK, "+33744769885" },
	{ "'+82 10-8164-2595", "KR", WA_PHONE_OK, "+821081642595" },
	{ "'+1 250-307-4103", "CA", WA_PHONE_OK, "+12503074103" },
	{ "'03161032937", "PK", WA_PHONE_OK, "+923161032937" },
	{ "'+92 324 5239950", "PK", WA_PHONE_OK, "+923245239950" },
	{ "'0346 5572050", "PK", WA_PHONE_OK, "+923465572050" },
	{ "'+923060611396", "PK", WA_PHONE_OK, "+923060611396" },
	{ "+84351315150", NULL, WA_PHONE_OK, "+84351315150" },
	{ "+8801972545289", "BD", WA_PHONE_OK, "+8801972545289" },
	{ "+38612431234", "SI", WA_PHONE_OK, "+38612431234" },
	{ "+902123144587", "TR", WA_PHONE_OK, "+902123144587" },
	{ "+68626333", "KI", WA_PHONE_OK, "+68626333" },
	{ "+221339512345", "SN", WA_PHONE_OK, "+221339512345" },
	{ "+2631356478", "ZW", WA_PHONE_OK, "+2631356478" },
	{ "'+32 494 20 64 74", "BE", WA_PHONE_OK, "+32494206474" },
	{ "0487 73 86 27", "BE", WA_PHONE_OK, "+32487738627" },
	{ "00 32 436 10 40 05", "BE", WA_PHONE_OK, "+32436104005" },
	{ "452461056", "BE", WA_PHONE_OK, "+32452461056" },
	{ "+88001793795381", "BD", WA_PHONE_OK, "+8801793795381" },
	{ "+16135550114", "CA", WA_PHONE_OK, "+16135550114" },
	/* Fake or damaged ones. */
	{ "9.19961E+11", "US", WA_PHONE_MANGLED, "" },
	{ "(304) 026-9593", "US", WA_PHONE_LENGTH, "" },
	{ "'+1 813-038-3223", "US", WA_PHONE_LENGTH, "" },
	{ "+16641598895", "US", WA_PHONE_LENGTH, "" },
	{ "821051744236", "US", WA_PHONE_LENGTH, "" },
	{ "+11505006474", "US", WA_PHONE_LENGTH, "" },
};

/* Each error, and where it wins over the others. */
static const struct norm errors[] = {
	{ NULL, "US", WA_PHONE_EMPTY, "" },
	{ "", "US", WA_PHONE_EMPTY, "" },
	{ " \t ", "US", WA_PHONE_EMPTY, "" },
	{ "'", NULL, WA_PHONE_EMPTY, "" },
	{ "\xc2\xa0", NULL, WA_PHONE_EMPTY, "" },
	{ "- / -", "US", WA_PHONE_EMPTY, "" },
	{ "+", "US", WA_PHONE_EMPTY, "" },
	{ "9.19961E+11", NULL, WA_PHONE_MANGLED, "" },
	{ "'7.02255E+12 ", "US", WA_PHONE_MANGLED, "" },
	{ "9,19961e+11", "DE", WA_PHONE_MANGLED, "" },
	{ "9E+11", "DE", WA_PHONE_MANGLED, "" },
	{ "03145415648", NULL, WA_PHONE_NOCOUNTRY, "" },
	{ "03145415648", "", WA_PHONE_NOCOUNTRY, "" },
	{ "03145415648", "ZZ", WA_PHONE_NOCOUNTRY, "" },
	{ "03145415648", "PAK", WA_PHONE_NOCOUNTRY, "" },
	{ "+999 1234567", NULL, WA_PHONE_BADCC, "" },
	{ "+0 123 4567", NULL, WA_PHONE_BADCC, "" },
	{ "00 28 1234 5678", "FR", WA_PHONE_BADCC, "" },
	{ "0481 ", "BE", WA_PHONE_LENGTH, "" },
	{ "2375", "BE", WA_PHONE_LENGTH, "" },
	{ "2375", NULL, WA_PHONE_NOCOUNTRY, "" },
	{ "+32 12", NULL, WA_PHONE_LENGTH, "" },
	{ "+44", NULL, WA_PHONE_LENGTH, "" },
	{ "0000000000", "IT", WA_PHONE_LENGTH, "" },
	{ "1111111111", "US", WA_PHONE_LENGTH, "" },
	{ "0300 1234567 / 0321 7654321", "PK", WA_PHONE_LENGTH, "" },
	{ "abc", "US", WA_PHONE_JUNK, "" },
	{ "N/A", "US", WA_PHONE_JUNK, "" },
	{ "0300-ABC-4567", "PK", WA_PHONE_JUNK, "" },
	{ "tel:+923001234567", NULL, WA_PHONE_JUNK, "" },
	{ "x123", "US", WA_PHONE_JUNK, "" },
	{ "ext. 123", "US", WA_PHONE_JUNK, "" },
	{ "555 5555 ext", "US", WA_PHONE_JUNK, "" },
	{ "555 5555 ext. 12a", "US", WA_PHONE_JUNK, "" },
	{ "0300 1234567, 0321 7654321", "PK", WA_PHONE_JUNK, "" },
	{ "Phone number: 01795326165", "BD", WA_PHONE_JUNK, "" },
	{ "0300\xc3\xa9" "1234567", "PK", WA_PHONE_JUNK, "" },
	{ "\xff\xfe" "0300", "PK", WA_PHONE_JUNK, "" },
	{ "0300 12\xe2\x80", "PK", WA_PHONE_JUNK, "" },
	{ "0300 12\xef\xbc", "PK", WA_PHONE_JUNK, "" },
	{ "0300 12\xd9", "PK", WA_PHONE_JUNK, "" },
	{ "1.5", "US", WA_PHONE_LENGTH, "" },
};

static void
check(const struct norm *t, size_t n, const char *group)
{
	char out[WA_PHONE_MAX], what[160];
	size_t i;
	int err;

	for (i = 0; i < n; i++) {
		memset(out, 'z', sizeof(out));
		err = wa_phone_norm(t[i].raw, t[i].cc, out);
		snprintf(what, sizeof(what), "%s: '%s' in %s: %s", group,
		    t[i].raw ? t[i].raw : "(null)", t[i].cc ? t[i].cc : "-",
		    t[i].err == WA_PHONE_OK ? t[i].want :
		    wa_phone_strerror(t[i].err));
		if (isnum(err, t[i].err, what))
			is(out, t[i].want, "  and writes it");
		else
			printf("#   %s\n", wa_phone_strerror(err));
	}
}

/* A '+' before a national number, read in the row's country only when it should be. */
static void
plusnat_check(void)
{
	static const struct norm t[] = {
		{ "+2392207325", "US", WA_PHONE_OK, "+12392207325" },	/* Sao Tome as written */
		{ "+3331234567", "IT", WA_PHONE_OK, "+393331234567" },	/* no number as written */
		{ "+07700900124", "GB", WA_PHONE_OK, "+447700900124" },
		{ "+12125551234", "US", WA_PHONE_BADCC, "" },	/* right as written */
		{ "+447700900123", "US", WA_PHONE_LENGTH, "" },	/* no US number */
		{ "+33612345678", "DE", WA_PHONE_BADCC, "" },	/* DE has a trunk 0 */
		{ "2125551234", "US", WA_PHONE_NOCOUNTRY, "" },	/* no '+' */
		{ "+2392207325", NULL, WA_PHONE_NOCOUNTRY, "" },
		{ "+12", "US", WA_PHONE_LENGTH, "" },
	};
	char out[WA_PHONE_MAX], what[160];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		snprintf(what, sizeof what, "plusnat: '%s' in %s", t[i].raw,
		    t[i].cc ? t[i].cc : "-");
		isnum(wa_phone_plusnat(t[i].raw, t[i].cc, out), t[i].err, what);
		is(out, t[i].want, "  and writes it");
	}
}

static void
strerror_check(void)
{
	int err;

	for (err = WA_PHONE_OK; err <= WA_PHONE_JUNK; err++)
		ok(strlen(wa_phone_strerror(err)) > 0, wa_phone_strerror(err));
	is(wa_phone_strerror(-1), "unknown phone number error",
	    "strerror of an unknown code");
	is(wa_phone_strerror(WA_PHONE_MANGLED),
	    "phone number mangled by a spreadsheet", "strerror of MANGLED");
}

static void
country_check(void)
{
	static const char *const t[][2] = {
		{ "+447400123456", "GB" }, { "+447911123456", "GG" },
		{ "+442079460958", "GB" }, { "+447624123456", "IM" },
		{ "+447797123456", "JE" }, { "+441481256789", "GG" },
		{ "+12125550123", "US" }, { "+14165550199", "CA" },
		{ "+13101234", "CA" }, { "+13101234567", "US" },
		{ "+18095551234", "DO" }, { "+18765551234", "JM" },
		{ "+12684601234", "AG" }, { "+17875551234", "PR" },
		{ "+79161234567", "RU" }, { "+77771234567", "KZ" },
		{ "+73362212345", "KZ" }, { "+390669821234", "VA" },
		{ "+393331234567", "IT" }, { "+262269612345", "YT" },
		{ "+262262123456", "RE" }, { "+358181234567", "AX" },
		{ "+358501234567", "FI" }, { "+4779123456", "SJ" },
		{ "+4791234567", "NO" }, { "+212528812345", "EH" },
		{ "+212612345678", "MA" }, { "+5997123456", "BQ" },
		{ "+59995123456", "CW" }, { "+590590271234", "BL" },
		{ "+590690123456", "GP" }, { "+2908123", "TA" },
		{ "+29022123", "SH" }, { "+61412345678", "AU" },
		{ "+923001234567", "PK" }, { "+8801795326165", "BD" },
		{ "5215512345678", "MX" }, { "+5511987654321", "BR" },
		{ "+80012345678", NULL }, { "+88234212345", NULL },
		{ "+999123", NULL }, { "", NULL }, { "+", NULL },
		{ "+44 7911 123456", NULL }, { "junk", NULL },
		{ "+1234567890123456789012345", NULL },
	};
	char what[80];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(what, sizeof(what), "country of '%s'", t[i][0]);
		is(wa_phone_country(t[i][0]), t[i][1], what);
	}
	is(wa_phone_country(NULL), NULL, "country of NULL");
}

static void
key_check(void)
{
	static const char *const t[][2] = {
		/* Brazil: the 9 of a mobile goes, a landline stays. */
		{ "+5511987654321", "+551187654321" },
		{ "+551187654321", "+551187654321" },
		{ "+5531991234567", "+553191234567" },
		{ "+551132654321", "+551132654321" },
		{ "+5511923456789", "+5511923456789" },
		/* Mexico: 521 and 52. */
		{ "+5215512345678", "+525512345678" },
		{ "5215512345678", "+525512345678" },
		{ "+525512345678", "+525512345678" },
		/* Argentina: 549 and 54. */
		{ "+5491123456789", "+541123456789" },
		{ "+541123456789", "+541123456789" },
		/* Everyone else: the number itself. */
		{ "+923001234567", "+923001234567" },
		{ "923001234567", "+923001234567" },
		{ "+15215512345", "+15215512345" },
		{ "+44 7911 123456", "+44 7911 123456" },
		{ "", "" },
	};
	char key[WA_PHONE_MAX], what[80];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		wa_phone_key(t[i][0], key);
		snprintf(what, sizeof(what), "key of '%s'", t[i][0]);
		is(key, t[i][1], what);
	}
	wa_phone_key(NULL, key);
	is(key, "", "key of NULL");
	memset(what, '7', sizeof(what) - 1);
	what[sizeof(what) - 1] = '\0';
	wa_phone_key(what, key);
	ok(strlen(key) == WA_PHONE_MAX - 1, "key of 79 digits is cut");

	ok(wa_phone_same("+5511987654321", "+551187654321"), "same: BR 9");
	ok(wa_phone_same("5215512345678", "+525512345678"), "same: MX 1");
	ok(wa_phone_same("+5491123456789", "+541123456789"), "same: AR 9");
	ok(wa_phone_same("+923001234567", "923001234567"), "same: wa_id");
	ok(!wa_phone_same("+923001234567", "+923001234568"), "not same");
	ok(!wa_phone_same("+5511987654321", "+5511887654321"),
	    "not same: BR other digit");
	ok(!wa_phone_same("", ""), "not same: two empty numbers");
	ok(!wa_phone_same(NULL, NULL), "not same: NULL");
	ok(!wa_phone_same("+923001234567", NULL), "not same: one NULL");
}

/* A big input made of N copies of C, NUL-terminated. */
static char *
repeat(int c, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* Is S a well-formed output: "" on error, else '+' and digits that fit? */
static int
wellformed(const char *s, int err)
{
	size_t n = strnlen(s, WA_PHONE_MAX);

	if (n == WA_PHONE_MAX)
		return 0;
	if (err != WA_PHONE_OK)
		return n == 0;
	return s[0] == '+' && n > 1 && strspn(s + 1, "0123456789") == n - 1;
}

static void
robust_check(void)
{
	static const char alpha[] = "0123456789000  +-().'xeE#/\t\xc2\xa0\xd9"
	    "\xa1\xef\xbc\x91\xe2\x80\x8b\xff";
	static const char *const ccs[] = {
		NULL, "", "US", "pk", "BR", "AR", "MX", "IT", "GA", "TJ", "zz"
	};
	char out[WA_PHONE_MAX], again[WA_PHONE_MAX], key[WA_PHONE_MAX];
	char s[48];
	char *big;
	size_t i, j, n;
	int err, bad = 0, drift = 0;

	big = repeat('5', 100000);
	isnum(wa_phone_norm(big, "US", out), WA_PHONE_LENGTH, "100000 digits");
	is(out, "", "  and writes nothing");
	big[0] = '+';
	isnum(wa_phone_norm(big, NULL, out), WA_PHONE_LENGTH,
	    "'+' and 99999 digits");
	free(big);
	big = repeat(' ', 100000);
	isnum(wa_phone_norm(big, "US", out), WA_PHONE_EMPTY, "100000 spaces");
	free(big);
	big = repeat('x', 100000);
	isnum(wa_phone_norm(big, "US", out), WA_PHONE_JUNK, "100000 x");
	free(big);
	big = repeat('\xa0', 100000);
	isnum(wa_phone_norm(big, "US", out), WA_PHONE_JUNK,
	    "100000 continuation bytes");
	free(big);
	isnum(wa_phone_norm("+5555555555555555555555", NULL, out),
	    WA_PHONE_LENGTH, "22 digits");
	isnum(wa_phone_norm("+49 2234 5678 9012 345", NULL, out), WA_PHONE_OK,
	    "a 15-digit German number");
	is(out, "+49223456789012345", "  fits with room to spare");

	/* Random input never overflows OUT, and what comes out reads back. */
	srand(1);
	for (i = 0; i < 200000; i++) {
		n = (size_t)rand() % (sizeof(s) - 1);
		for (j = 0; j < n; j++)
			s[j] = alpha[rand() % (int)(sizeof(alpha) - 1)];
		s[n] = '\0';
		memset(out, 'z', sizeof(out));
		err = wa_phone_norm(s, ccs[rand() % 11], out);
		if (err < WA_PHONE_OK || err > WA_PHONE_JUNK ||
		    !wellformed(out, err)) {
			if (bad++ < 5)
				printf("# '%s' -> %d '%.*s'\n", s, err,
				    WA_PHONE_MAX, out);
			continue;
		}
		if (err != WA_PHONE_OK)
			continue;
		wa_phone_country(out);
		wa_phone_key(out, key);
		if (wa_phone_norm(out, NULL, again) != WA_PHONE_OK ||
		    strcmp(again, out) != 0) {
			if (drift++ < 5)
				printf("# '%s' -> '%s' -> '%s'\n", s, out,
				    again);
		}
	}
	ok(bad == 0, "random input: OUT is always '' or '+' and digits");
	ok(drift == 0, "random input: every result normalizes to itself");
}

int
main(void)
{
	check(forms, sizeof(forms) / sizeof(forms[0]), "form");
	check(real, sizeof(real) / sizeof(real[0]), "real");
	check(errors, sizeof(errors) / sizeof(errors[0]), "error");
	strerror_check();
	plusnat_check();
	country_check();
	key_check();
	robust_check();
	return done_testing();
}
