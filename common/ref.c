/* ref.c: the source tag a click-to-chat link carries in its pre-filled text. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "wa.h"
#include "store.h"

/*
 * The tag is a visible "[ref: order-page]" at the end of the text: the
 * customer sees what is sent and may delete it, and nothing invisible
 * (zero-width characters) rides along in a chat.
 */
#define OPEN "[ref: "

static int
tagchar(int c)
{
	return isalnum(c) || strchr("-_.:/", c) != NULL;
}

/* Length of the tag at S (tag characters up to ']'), or 0 when S is none. */
static size_t
taglen(const char *s)
{
	size_t n;

	for (n = 0; s[n] != '\0' && s[n] != ']'; n++)
		if (!tagchar((unsigned char)s[n]))
			return 0;
	return s[n] == ']' && n <= WA_REF_MAX ? n : 0;
}

int
wa_ref_valid(const char *ref)
{
	size_t n = strlen(ref);

	return n > 0 && n <= WA_REF_MAX && strspn(ref,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_.:/") == n;
}

int
wa_ref_make(struct wa_buf *out, const char *text, const char *ref)
{
	if (!wa_ref_valid(ref))
		return -1;
	if (text != NULL && *text != '\0') {
		wa_buf_adds(out, text);
		wa_buf_addc(out, ' ');
	}
	wa_buf_adds(out, OPEN);
	wa_buf_adds(out, ref);
	wa_buf_addc(out, ']');
	return 0;
}

int
wa_ref_parse(const char *text, char *out, size_t outsz)
{
	const char *p, *tag, *found = NULL;
	size_t n = 0, len;

	/*
	 * The last tag wins: it is the one the link put at the end. Phones
	 * may change the case and eat the space, so "[REF:x]" counts too.
	 */
	for (p = text; (p = strchr(p, '[')) != NULL; p++) {
		if (strncasecmp(p + 1, "ref:", 4) != 0)
			continue;
		for (tag = p + 5; *tag == ' '; tag++)
			continue;
		if ((len = taglen(tag)) > 0) {
			found = tag;
			n = len;
		}
	}
	if (found == NULL || n >= outsz)
		return -1;
	memcpy(out, found, n);
	out[n] = '\0';
	return 0;
}
