/* Holds common/phone.c to libphonenumber on the numbers it calls valid. */
#include <phonenumbers/phonenumberutil.h>

#include <set>
#include <string>
#include <vector>

extern "C" {
#include "wa.h"
}
#include "tap.h"

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;
typedef PhoneNumberUtil U;

static const U::PhoneNumberType types[] = {
	U::FIXED_LINE, U::MOBILE, U::TOLL_FREE, U::PREMIUM_RATE,
	U::SHARED_COST, U::VOIP, U::PERSONAL_NUMBER, U::PAGER, U::UAN,
	U::VOICEMAIL
};

#define MAXFAIL 5	/* failing cases shown per region */

static U *u;
static unsigned long seed = 1;
static int nfail;	/* in the current region */

/* A fixed pseudo-random sequence, so that a failure can be replayed. */
static char
rnddigit(void)
{
	seed = seed * 6364136223846793005UL + 1442695040888963407UL;
	return (char)('0' + (seed >> 33) % 10);
}

/* Add "+CC NSN" to SET if libphonenumber calls it valid. */
static void
try_nsn(int cc, const std::string &nsn, std::vector<PhoneNumber> *set)
{
	PhoneNumber n;

	if (u->Parse("+" + std::to_string(cc) + nsn, "ZZ", &n) ==
	    U::NO_PARSING_ERROR && u->IsValidNumber(n))
		set->push_back(n);
}

/* Add N and the valid numbers made by changing its last digits to SET. */
static void
around(const PhoneNumber &n, std::vector<PhoneNumber> *set)
{
	std::string nsn, s;
	size_t i, j, k;

	set->push_back(n);
	u->GetNationalSignificantNumber(n, &nsn);
	for (k = 1; k < nsn.size(); k++)
		for (i = 0; i < 10; i++) {
			s = nsn;
			for (j = s.size() - k; j < s.size(); j++)
				s[j] = rnddigit();
			try_nsn(n.country_code(), s, set);
		}
}

/*
 * Valid numbers of REGION: its example numbers, the examples with their
 * last digits changed, and random numbers of every first digit and length.
 */
static std::vector<PhoneNumber>
numbers(const std::string &region)
{
	std::vector<PhoneNumber> set;
	PhoneNumber n;
	std::string s;
	size_t i, k;

	for (U::PhoneNumberType t : types)
		if (u->GetExampleNumberForType(region, t, &n))
			around(n, &set);
	for (k = 4; k <= 15; k++)
		for (i = 0; i < 200; i++) {
			s = std::string(1, (char)('0' + i % 10));
			while (s.size() < k)
				s += rnddigit();
			try_nsn(u->GetCountryCodeForRegion(region), s, &set);
		}
	return set;
}

/* The ways people write N in REGION. */
static std::vector<std::string>
forms(const PhoneNumber &n, const std::string &region)
{
	std::vector<std::string> f;
	std::string s, np;

	u->Format(n, U::NATIONAL, &s);
	f.push_back(s);
	u->Format(n, U::INTERNATIONAL, &s);
	f.push_back(s);
	u->Format(n, U::E164, &s);
	f.push_back(s);
	f.push_back("00" + s.substr(1));
	u->GetNationalSignificantNumber(n, &s);
	f.push_back(s);
	u->GetNddPrefixForRegion(region, true, &np);
	if (!np.empty())
		f.push_back(np + " " + s);
	return f;
}

static void
fail(const std::string &region, const std::string &what, const char *got,
    const std::string &want)
{
	if (nfail++ < MAXFAIL)
		printf("# %s: %s: got '%s', wanted '%s'\n", region.c_str(),
		    what.c_str(), got ? got : "(null)", want.c_str());
}

/*
 * Check form F of the number E164 in REGION, if libphonenumber reads it
 * as a valid number: return 1, else 0. Where the region dials abroad with
 * 00 and a carrier code (Brazil 00 21, Korea 008, Thailand 006...),
 * libphonenumber reads "00 55..." as carrier 55 and a calling code, while
 * wa reads every 00 as '+': return 2 for those.
 */
static int
form_check(const std::string &f, const std::string &e164,
    const std::string &region)
{
	PhoneNumber lib;
	std::string want;
	char out[WA_PHONE_MAX];
	int err;

	if (u->Parse(f, region, &lib) != U::NO_PARSING_ERROR ||
	    !u->IsValidNumber(lib))
		return 0;
	u->Format(lib, U::E164, &want);
	if (f.compare(0, 2, "00") == 0 && want != e164)
		return 2;
	err = wa_phone_norm(f.c_str(), region.c_str(), out);
	if (want != out)
		fail(region, "'" + f + "' (" + wa_phone_strerror(err) + ")",
		    out, want);
	return 1;
}

/* Check the country and every written form of every number of REGION. */
static void
region_check(const std::string &region)
{
	std::string e164, want, line;
	const char *got;
	int nforms = 0, ncarrier = 0, r;

	nfail = 0;
	for (const PhoneNumber &n : numbers(region)) {
		u->Format(n, U::E164, &e164);
		u->GetRegionCodeForNumber(n, &want);
		if (want == "ZZ")
			want = "(null)";
		got = wa_phone_country(e164.c_str());
		if (want != (got != NULL ? got : "(null)"))
			fail(region, "country of " + e164, got, want);
		for (const std::string &f : forms(n, region)) {
			r = form_check(f, e164, region);
			nforms += r == 1;
			ncarrier += r == 2;
		}
	}
	if (nfail > MAXFAIL)
		printf("# %s: %d more failures\n", region.c_str(),
		    nfail - MAXFAIL);
	if (ncarrier > 0)
		printf("# %s: %d forms \"00...\" read by libphonenumber as "
		    "00 and a carrier code\n", region.c_str(), ncarrier);
	line = region + ": " + std::to_string(nforms) + " forms";
	ok(nfail == 0 && nforms > 0, line.c_str());
}

/* Numbers of non-geographic codes (+800, +882...) go through unchanged. */
static void
global_check(int cc)
{
	PhoneNumber n;
	std::string want, line;
	char out[WA_PHONE_MAX];

	if (!u->GetExampleNumberForNonGeoEntity(cc, &n))
		return;
	u->Format(n, U::INTERNATIONAL, &line);
	u->Format(n, U::E164, &want);
	wa_phone_norm(line.c_str(), NULL, out);
	line = "+" + std::to_string(cc) + ": " + line;
	if (is(out, want.c_str(), line.c_str()))
		ok(wa_phone_country(out) == NULL, "  and has no country");
}

int
main(void)
{
	std::set<std::string> regions;
	std::set<int> globals;
	std::string missing;
	char out[WA_PHONE_MAX];
	int nmissing = 0;

	u = U::GetInstance();
	u->GetSupportedRegions(&regions);
	for (const std::string &r : regions) {
		/* A region is covered if its code reads a national number. */
		if (wa_phone_norm("1", r.c_str(), out) != WA_PHONE_NOCOUNTRY)
			region_check(r);
		else {
			missing += " " + r;
			nmissing++;
		}
	}
	if (!isnum(nmissing, 0, "every region of libphonenumber is covered"))
		printf("# not covered:%s\n", missing.c_str());
	u->GetSupportedGlobalNetworkCallingCodes(&globals);
	for (int cc : globals)
		global_check(cc);
	return done_testing();
}
