/* Tests common/ref.c and url.c: the source tag of click-to-chat links, written and read back. */
#include <string.h>

#include "wa.h"
#include "store.h"
#include "tap.h"

static const char *
parse(const char *text)
{
	static char out[WA_REF_MAX + 1];

	return wa_ref_parse(text, out, sizeof out) == 0 ? out : NULL;
}

static const char *
make(const char *text, const char *ref)
{
	static struct wa_buf b;

	wa_buf_reset(&b);
	return wa_ref_make(&b, text, ref) == 0 ? wa_buf_str(&b) : NULL;
}

static const char *
enc(const char *s)
{
	static struct wa_buf b;

	wa_buf_reset(&b);
	wa_url_enc(&b, s);
	return wa_buf_str(&b);
}

int
main(void)
{
	char small[4], big[70];

	is(make("Hi! Is this in stock?", "product:sku123"),
	    "Hi! Is this in stock? [ref: product:sku123]", "the tag follows the text");
	is(make(NULL, "order-page"), "[ref: order-page]", "a tag alone");
	is(make("", "email-signature"), "[ref: email-signature]", "empty text: the tag alone");
	ok(make("x", "") == NULL, "an empty tag is refused");
	ok(make("x", "two words") == NULL, "a space is refused");
	ok(make("x", "a]b") == NULL, "a ']' is refused");
	ok(make("x", "caf\xc3\xa9") == NULL, "non-ASCII is refused");
	memset(big, 'a', 65);
	big[65] = '\0';
	ok(make("x", big) == NULL, "65 characters are too many");
	big[64] = '\0';
	ok(make("x", big) != NULL, "64 are fine");

	is(parse("Hi! Is this in stock? [ref: product:sku123]"), "product:sku123",
	    "what wa_ref_make wrote is read back");
	is(parse("[REF:order-page] hello"), "order-page", "case and the space do not matter");
	is(parse("[ref: a] then [ref: b]"), "b", "the last tag wins");
	is(parse("[ref: b] then [ref: bad tag]"), "b", "a broken tag after a good one is skipped");
	ok(parse("Hi, no tag here") == NULL, "no tag");
	ok(parse("[ref: unclosed") == NULL, "an unclosed tag is none");
	ok(parse("[ref: ]") == NULL, "an empty tag is none");
	ok(parse("[reference: x]") == NULL, "only ref: counts");
	ok(wa_ref_parse("[ref: toolong]", small, sizeof small) < 0, "a tag that does not fit: -1");

	is(enc("AZaz09-._~"), "AZaz09-._~", "unreserved characters stay");
	is(enc("a b&c?d=e/f+g#%"), "a%20b%26c%3Fd%3De%2Ff%2Bg%23%25", "reserved ones are encoded");
	is(enc("Ol\xc3\xa1 \xf0\x9f\x91\x8d"), "Ol%C3%A1%20%F0%9F%91%8D",
	    "every byte of UTF-8 characters");
	is(enc("[ref: x]"), "%5Bref%3A%20x%5D", "the tag's brackets");
	return done_testing();
}
