/* url.c: percent-encoding for query strings and click-to-chat links. */
#include <string.h>

#include "wa.h"

void
wa_url_enc(struct wa_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;

	/* RFC 3986 unreserved stays; every other byte, UTF-8 ones too, is %XX. */
	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL) {
			wa_buf_addc(out, c);
			continue;
		}
		wa_buf_addc(out, '%');
		wa_buf_addc(out, hex[c >> 4]);
		wa_buf_addc(out, hex[c & 15]);
	}
}
