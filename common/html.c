/*
 * html.c: strings from data escaped for their place in a page: HTML text,
 * a quoted attribute's value, a URL's component, a whole URL in href or
 * src. A customer writes the text an agent reads, so every string is
 * escaped for its context, to a buffer (a server's answer) or a FILE
 * (wa-report's page), by the same code.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "wa.h"

static const char hex[] = "0123456789ABCDEF";

/* Where escaped bytes go: a FILE or a buffer. */
struct sink {
	FILE *fp;
	struct wa_buf *b;
};

static void
put(struct sink *o, const char *p, size_t n)
{
	if (o->fp)
		fwrite(p, 1, n, o->fp);
	else
		wa_buf_add(o->b, p, n);
}

/*
 * P[0..N) with each byte that is not valid UTF-8, each NUL and each
 * control character but tab, newline and return as U+FFFD, so that no
 * byte of a broken or hostile string reaches the page raw; every other
 * byte goes through ESC (NULL: as is), which returns its replacement or
 * NULL to keep it.
 */
static void
clean(struct sink *o, const char *p, size_t n, const char *(*esc)(int, char *))
{
	char tmp[8];
	const char *r;
	size_t ok, i;

	while (n > 0) {
		ok = wa_utf8_valid(p, n);
		for (i = 0; i < ok; i++) {
			unsigned char c = (unsigned char)p[i];

			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
				r = "\xef\xbf\xbd";
			else
				r = esc ? esc(c, tmp) : NULL;
			if (r)
				put(o, r, strlen(r));
			else
				put(o, &p[i], 1);
		}
		if (ok == n)
			break;
		put(o, "\xef\xbf\xbd", 3);
		p += ok + 1;
		n -= ok + 1;
	}
}

static const char *
textesc(int c, char *tmp)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	}
	return NULL;
}

/*
 * In an attribute, every ASCII byte but letters, digits and ",.-_" is a
 * character reference (OWASP's rule): the value stays one value even in
 * an attribute someone forgot to quote.
 */
static const char *
attresc(int c, char *tmp)
{
	if (c >= 0x80 || isalnum(c) || strchr(",.-_", c))
		return NULL;
	snprintf(tmp, 8, "&#x%02X;", c);
	return tmp;
}

static void
text(struct sink *o, const char *s)
{
	if (s)
		clean(o, s, strlen(s), textesc);
}

static void
attr(struct sink *o, const char *s)
{
	if (s)
		clean(o, s, strlen(s), attresc);
}

static void
urlpart(struct sink *o, const char *s)
{
	struct wa_buf b = { 0 };

	if (s == NULL)
		return;
	wa_url_enc(&b, s);
	put(o, b.s ? b.s : "", b.len);
	wa_buf_free(&b);
}

/*
 * The scheme of URL U as a browser reads it (WHATWG URL: leading C0 and
 * spaces dropped, tabs and newlines anywhere removed, which is how
 * "java\tscript:" still runs) into SCHEME, "" for a relative URL. The
 * cleaned URL into CLEAN.
 */
static void
scheme(const char *u, struct wa_buf *clean, char *sch, size_t schsz)
{
	const char *p;
	size_t n, i;

	while (*u && (unsigned char)*u <= 0x20)
		u++;
	for (; *u; u++)
		if (*u != '\t' && *u != '\n' && *u != '\r')
			wa_buf_addc(clean, *u);
	while (clean->len && (unsigned char)clean->s[clean->len - 1] <= 0x20)
		clean->len--;
	p = wa_buf_str(clean);
	sch[0] = '\0';
	n = strcspn(p, ":/?#");
	if (p[n] != ':' || n == 0 || !isalpha((unsigned char)p[0]))
		return;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)p[i]) && !strchr("+-.", p[i]))
			return;
	snprintf(sch, schsz, "%.*s", (int)n, p);
	if (n >= schsz)
		snprintf(sch, schsz, "%s", "?");	/* too long to be one we allow */
}

/*
 * A URL from data, for href or src: http, https, mailto, tel or relative,
 * never javascript:, data:, vbscript: or any other scheme (an allow list:
 * what a browser runs cannot be listed). What a URL may not hold raw
 * (spaces, quotes, < >, controls, non-ASCII) is %XX, a '%' not before two
 * hex digits too; & and ' are entities.
 */
static int
url(struct sink *o, const char *u)
{
	static const char *const ok[] = { "", "http", "https", "mailto", "tel" };
	struct wa_buf b = { 0 };
	char sch[16], tmp[4];
	const unsigned char *p;
	size_t i;

	if (u == NULL)
		return -1;
	scheme(u, &b, sch, sizeof sch);
	for (i = 0; i < sizeof ok / sizeof *ok; i++)
		if (strcasecmp(sch, ok[i]) == 0)
			break;
	if (i == sizeof ok / sizeof *ok) {
		wa_buf_free(&b);
		return -1;
	}
	for (p = (const unsigned char *)wa_buf_str(&b); *p; p++) {
		if (*p == '&')
			put(o, "&amp;", 5);
		else if (*p == '\'')
			put(o, "&#39;", 5);
		else if (*p <= 0x20 || *p >= 0x7f || strchr("\"<>\\^`{|}", *p) ||
		    (*p == '%' && !(isxdigit(p[1]) && isxdigit(p[2])))) {
			tmp[0] = '%', tmp[1] = hex[*p >> 4], tmp[2] = hex[*p & 15];
			put(o, tmp, 3);
		} else
			put(o, (const char *)p, 1);
	}
	wa_buf_free(&b);
	return 0;
}

void
wa_html_text(struct wa_buf *b, const char *s)
{
	struct sink o = { NULL, b };

	text(&o, s);
}

void
wa_html_textn(struct wa_buf *b, const char *p, size_t n)
{
	struct sink o = { NULL, b };

	clean(&o, p, n, textesc);
}

void
wa_html_ftext(FILE *fp, const char *s)
{
	struct sink o = { fp, NULL };

	text(&o, s);
}

void
wa_html(const char *s)
{
	wa_html_ftext(stdout, s);
}

void
wa_html_attr(struct wa_buf *b, const char *s)
{
	struct sink o = { NULL, b };

	attr(&o, s);
}

void
wa_html_fattr(FILE *fp, const char *s)
{
	struct sink o = { fp, NULL };

	attr(&o, s);
}

void
wa_html_urlpart(struct wa_buf *b, const char *s)
{
	struct sink o = { NULL, b };

	urlpart(&o, s);
}

void
wa_html_furlpart(FILE *fp, const char *s)
{
	struct sink o = { fp, NULL };

	urlpart(&o, s);
}

int
wa_html_url(struct wa_buf *b, const char *u)
{
	struct sink o = { NULL, b };

	return url(&o, u);
}

int
wa_html_furl(FILE *fp, const char *u)
{
	struct sink o = { fp, NULL };

	return url(&o, u);
}
