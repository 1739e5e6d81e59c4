/* profile.c: the WhatsApp business profile's fields, checked as the API checks them. */
#include <string.h>

#include "wa.h"
#include "send.h"

/* Limits and the vertical enum from the OpenAPI spec v23.0 (WhatsAppBusinessProfile). */
#define ABOUTMAX 139
#define ADDRMAX 256
#define DESCMAX 256	/* Meta's prose pages say 512; the spec says 256 */
#define EMAILMAX 128
#define SITEMAX 256
#define NSITES 2

const char *const wa_profile_fields[] = {
	"about", "address", "description", "email", "websites", "vertical", NULL
};

static const char *const verticals[] = {
	"OTHER", "AUTO", "BEAUTY", "APPAREL", "EDU", "ENTERTAIN", "EVENT_PLAN",
	"FINANCE", "GROCERY", "GOVT", "HOTEL", "HEALTH", "NONPROFIT",
	"PROF_SERVICES", "RETAIL", "TRAVEL", "RESTAURANT", "ALCOHOL",
	"ONLINE_GAMBLING", "PHYSICAL_GAMBLING", "OTC_DRUGS"
};

/* A string of at most MAX characters, valid UTF-8; -1 with the reason. */
static int
text(json_t *v, const char *key, size_t min, size_t max, char *err, size_t errsz)
{
	const char *s = json_string_value(v);
	size_t n;

	if (s == NULL)
		return wa_seterr(err, errsz, "%s: not a string", key);
	if (wa_utf8_valid(s, strlen(s)) != strlen(s))
		return wa_seterr(err, errsz, "%s: not UTF-8", key);
	if ((n = wa_utf8_chars(s)) < min || n > max)
		return wa_seterr(err, errsz, "%s: %zu characters; the API takes %s%zu",
		    key, n, min ? "1 to " : "at most ", max);
	return 0;
}

/* name@domain.tld, no spaces: what the API's format: email refuses is rarer. */
static int
email(const char *s)
{
	const char *at = strchr(s, '@'), *dot;

	if (*s == '\0')
		return 1;	/* empty clears the field */
	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    strpbrk(s, " \t\r\n<>()[],;:\"\\") != NULL)
		return 0;
	dot = strrchr(at + 1, '.');
	return dot != NULL && dot > at + 1 && dot[1] != '\0';
}

/* An http(s) URL with a host. */
static int
website(const char *s)
{
	const char *h;

	if (strncmp(s, "https://", 8) == 0)
		h = s + 8;
	else if (strncmp(s, "http://", 7) == 0)
		h = s + 7;
	else
		return 0;
	return *h != '\0' && *h != '/' && strpbrk(s, " \t\r\n\"<>") == NULL;
}

static int
sites(json_t *v, char *err, size_t errsz)
{
	json_t *w;
	size_t i;

	if (!json_is_array(v))
		return wa_seterr(err, errsz, "websites: not an array");
	if (json_array_size(v) > NSITES)
		return wa_seterr(err, errsz,
		    "websites: %zu of them; the API takes at most %d",
		    json_array_size(v), NSITES);
	json_array_foreach(v, i, w) {
		if (text(w, "websites", 1, SITEMAX, err, errsz) < 0)
			return -1;
		if (!website(json_string_value(w)))
			return wa_seterr(err, errsz, "websites: '%s' is not an http(s) URL",
			    json_string_value(w));
	}
	return 0;
}

static int
vertical(json_t *v, char *err, size_t errsz)
{
	const char *s = json_string_value(v);
	size_t i;

	for (i = 0; s != NULL && i < sizeof verticals / sizeof verticals[0]; i++)
		if (strcmp(s, verticals[i]) == 0)
			return 0;
	return wa_seterr(err, errsz, "vertical: '%s' is not one of the API's "
	    "(OTHER, AUTO, BEAUTY, APPAREL, EDU, ..., RETAIL, RESTAURANT, ...)",
	    s ? s : "(not a string)");
}

static int
field(const char *k, json_t *v, char *err, size_t errsz)
{
	if (strcmp(k, "about") == 0)
		return text(v, k, 1, ABOUTMAX, err, errsz);
	if (strcmp(k, "address") == 0)
		return text(v, k, 0, ADDRMAX, err, errsz);
	if (strcmp(k, "description") == 0)
		return text(v, k, 0, DESCMAX, err, errsz);
	if (strcmp(k, "email") == 0) {
		if (text(v, k, 0, EMAILMAX, err, errsz) < 0)
			return -1;
		return email(json_string_value(v)) ? 0 : wa_seterr(err, errsz,
		    "email: '%s' is not an e-mail address", json_string_value(v));
	}
	if (strcmp(k, "websites") == 0)
		return sites(v, err, errsz);
	if (strcmp(k, "vertical") == 0)
		return vertical(v, err, errsz);
	if (strcmp(k, "messaging_product") == 0 || strcmp(k, "profile_picture_url") == 0)
		return 0;
	return wa_seterr(err, errsz, "%s: not a field of the business profile", k);
}

int
wa_profile_check(json_t *p, char *err, size_t errsz)
{
	const char *k;
	json_t *v;

	if (!json_is_object(p))
		return wa_seterr(err, errsz, "not a JSON object");
	json_object_foreach(p, k, v)
		if (field(k, v, err, errsz) < 0)
			return -1;
	return 0;
}
