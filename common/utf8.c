/* utf8.c: UTF-8 validation and the Windows-1252 fallback for spreadsheet re-saves. */
#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "wa.h"

/* Length of the valid sequence at P (at most N bytes), or 0. */
static size_t
seqlen(const unsigned char *p, size_t n)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f))
			return 0;	/* overlong, or a surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

size_t
wa_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		/* ASCII runs are the common case: skip them eight at a time. */
		while (i + 8 <= n) {
			unsigned long long w;

			memcpy(&w, p + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if ((k = seqlen(p + i, n - i)) == 0)
			return i;
		i += k;
	}
	return n;
}

int
wa_cp1252_likely(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, good = 0, bad = 0;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		/* Bytes Windows-1252 leaves undefined mean it is something else. */
		if (p[i] == 0x81 || p[i] == 0x8d || p[i] == 0x8f ||
		    p[i] == 0x90 || p[i] == 0x9d)
			return 0;
		if ((k = seqlen(p + i, n - i)) > 0) {
			good++;
			i += k;
		} else {
			bad++;
			i++;
		}
	}
	/* One stray byte in a UTF-8 file is a bad record, not a bad file. */
	return bad > 0 && good == 0;
}

void
wa_cp1252_to_utf8(struct wa_buf *out, const char *s, size_t n)
{
	static iconv_t cd = (iconv_t)-1;
	char tmp[4096], *in = (char *)s, *o;
	size_t inleft = n, oleft;

	if (cd == (iconv_t)-1 && (cd = iconv_open("UTF-8", "WINDOWS-1252")) ==
	    (iconv_t)-1)
		wa_die(WA_EXIT_FATAL, "iconv: cannot convert from Windows-1252:");
	while (inleft > 0) {
		o = tmp;
		oleft = sizeof tmp;
		if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1 &&
		    errno == EILSEQ) {
			wa_buf_add(out, tmp, (size_t)(o - tmp));
			wa_buf_adds(out, "\xef\xbf\xbd");
			in++;
			inleft--;
			continue;
		}
		wa_buf_add(out, tmp, (size_t)(o - tmp));
	}
}

size_t
wa_utf8_nchars(const char *p, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			k++;
	return k;
}

size_t
wa_utf8_chars(const char *s)
{
	return wa_utf8_nchars(s, strlen(s));
}

/* ASCII letters only: the same in every locale, and never a byte of a UTF-8 sequence. */
void
wa_lower(char *s)
{
	for (; s && *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
}
