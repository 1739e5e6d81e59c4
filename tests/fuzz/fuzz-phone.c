/*
 * Fuzz target: wa_phone_norm, wa_phone_key and wa_phone_country. The first
 * byte picks the country a national number is read in, the rest is the
 * phone cell. A number that normalizes is '+' and digits, not starting
 * with 0 (no bound on the count: the lengths libphonenumber calls possible
 * run from 5 digits in Germany to 18 in Japan, past E.164's 15), it
 * normalizes again, and it is the same user as itself.
 */
#include <ctype.h>

#include "fuzz.h"

static const char *const countries[] = {
	NULL, "", "GB", "uk", "US", "BR", "MX", "AR", "IN", "PK", "DE", "FR",
	"IT", "ES", "NG", "ID", "AU", "CA", "ZZ", "g", "GBR"
};
#define NCOUNTRIES (sizeof countries / sizeof countries[0])

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	wa_init_name("fuzz-phone");
	return 0;
}

static int
ise164(const char *s)
{
	size_t n;

	if (s[0] != '+')
		return 0;
	for (n = 1; isdigit((unsigned char)s[n]); n++)
		;
	return s[n] == '\0' && n > 1 && s[1] != '0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[WA_PHONE_MAX], again[WA_PHONE_MAX], key[WA_PHONE_MAX];
	const char *cc, *iso;
	char *raw;
	int rc;

	if (size == 0)
		return 0;
	cc = countries[data[0] % NCOUNTRIES];
	raw = fuzz_str(data + 1, size - 1);
	rc = wa_phone_norm(raw, cc, out);
	FUZZ_CHECK(wa_phone_strerror(rc) != NULL);
	/* whatever a webhook's wa_id holds goes through these two */
	wa_phone_key(raw, key);
	FUZZ_CHECK(strlen(key) < WA_PHONE_MAX);
	(void)wa_phone_country(raw);
	if (rc != WA_PHONE_OK) {
		FUZZ_CHECK(out[0] == '\0');
		free(raw);
		return 0;
	}
	FUZZ_CHECK(ise164(out));
	/*
	 * Normalized again it is still a number, not always the same digits:
	 * +52 1 1 55... loses one trunk 1 a pass and +55 90 9... a carrier
	 * code, as in libphonenumber.
	 */
	FUZZ_CHECK(wa_phone_norm(out, cc, again) == WA_PHONE_OK);
	FUZZ_CHECK(ise164(again));
	FUZZ_CHECK(wa_phone_same(out, out));
	FUZZ_CHECK(wa_phone_same(out, out + 1));
	wa_phone_key(out, key);
	FUZZ_CHECK(key[0] == '+');
	iso = wa_phone_country(out);
	FUZZ_CHECK(iso == NULL || (strlen(iso) == 2 &&
	    isupper((unsigned char)iso[0]) && isupper((unsigned char)iso[1])));
	free(raw);
	return 0;
}
