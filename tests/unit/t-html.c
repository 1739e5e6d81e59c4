/* Unit tests for common/html.c: strings from data in HTML text, attributes and URLs, hostile ones first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "tap.h"

static struct wa_buf b;

static const char *
text(const char *s)
{
	wa_buf_reset(&b);
	wa_html_text(&b, s);
	return wa_buf_str(&b);
}

static const char *
textn(const char *p, size_t n)
{
	wa_buf_reset(&b);
	wa_html_textn(&b, p, n);
	return wa_buf_str(&b);
}

static const char *
attr(const char *s)
{
	wa_buf_reset(&b);
	wa_html_attr(&b, s);
	return wa_buf_str(&b);
}

static const char *
urlpart(const char *s)
{
	wa_buf_reset(&b);
	wa_html_urlpart(&b, s);
	return wa_buf_str(&b);
}

/* The URL for href, or "REFUSED" (and then nothing written). */
static const char *
url(const char *s)
{
	wa_buf_reset(&b);
	if (wa_html_url(&b, s) < 0)
		return b.len ? "REFUSED, but wrote" : "REFUSED";
	return wa_buf_str(&b);
}

/* What FN wrote to a FILE, for the FILE forms. */
static const char *
viafile(void (*fn)(FILE *, const char *), const char *s)
{
	static char out[512];
	FILE *fp = tmpfile();
	size_t n;

	fn(fp, s);
	rewind(fp);
	n = fread(out, 1, sizeof out - 1, fp);
	out[n] = '\0';
	fclose(fp);
	return out;
}

static int
hasnone(const char *s, const char *chars)
{
	return strpbrk(s, chars) == NULL;
}

int
main(void)
{
	static const char *const hostile[] = {
		"<img src=x onerror=alert(1)>", "\"><script>alert(1)</script>",
		"' onmouseover='alert(1)", "<svg/onload=alert(1)>", "{{constructor.constructor('alert(1)')()}}",
		"</textarea><style>*{}</style>", "a\"b'c<d>e&f`g=h",
	};
	const char *s;
	size_t i;
	int u;

	wa_init_name("t-html");
	/* HTML text */
	is(text("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;", "text: a tag is text");
	is(text("Tom & \"Jerry\" 'x'"), "Tom &amp; &quot;Jerry&quot; &#39;x&#39;", "text: & \" '");
	is(text("&lt;"), "&amp;lt;", "text: an entity stays as typed");
	is(text("café 🙂 ünï"), "café 🙂 ünï", "text: UTF-8 kept");
	is(text("a\xff" "b\xc3"), "a\xef\xbf\xbd" "b\xef\xbf\xbd", "text: bytes that are not UTF-8 as U+FFFD");
	is(text("\xc0\xbc" "script"), "\xef\xbf\xbd\xef\xbf\xbd" "script", "text: an overlong '<' is no '<'");
	is(text("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "text: a surrogate refused");
	is(text("a\x01" "b\x1b" "c\x7f" "d\te\nf"), "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd" "d\te\nf",
	    "text: controls as U+FFFD, tab and newline kept");
	is(textn("a\0<b>", 5), "a\xef\xbf\xbd&lt;b&gt;", "text: a NUL as U+FFFD, and what follows still escaped");
	is(text(NULL), "", "text: NULL is nothing");
	is(text(""), "", "text: empty");
	for (i = 0, u = 1; i < sizeof hostile / sizeof *hostile; i++)
		u &= hasnone(text(hostile[i]), "<>\"'");
	ok(u, "text: no < > \" ' left of any hostile string");
	is(viafile(wa_html_ftext, "<b>&</b>"), "&lt;b&gt;&amp;&lt;/b&gt;", "text to a FILE: the same");

	/* attribute values */
	is(attr("\" onmouseover=alert(1) x=\""), "&#x22;&#x20;onmouseover&#x3D;alert&#x28;1&#x29;&#x20;x&#x3D;&#x22;",
	    "attr: quotes, spaces, = as references");
	is(attr("a`b'c<d>e&f"), "a&#x60;b&#x27;c&#x3C;d&#x3E;e&#x26;f", "attr: ` ' < > &");
	is(attr("conv-12_a.b,c"), "conv-12_a.b,c", "attr: letters, digits and ,.-_ as they are");
	is(attr("ünï\xff"), "ünï\xef\xbf\xbd", "attr: UTF-8 kept, a bad byte as U+FFFD");
	for (i = 0, u = 1; i < sizeof hostile / sizeof *hostile; i++)
		u &= hasnone(attr(hostile[i]), "<>\"'`= \t\n/");
	ok(u, "attr: nothing of a hostile string could end or add an attribute, even unquoted");
	is(viafile(wa_html_fattr, "a b"), "a&#x20;b", "attr to a FILE");

	/* URL components */
	is(urlpart("../../etc/passwd"), "..%2F..%2Fetc%2Fpasswd", "urlpart: a path cannot climb");
	is(urlpart("a b&c=d?e#f\"<>'"), "a%20b%26c%3Dd%3Fe%23f%22%3C%3E%27", "urlpart: query characters");
	is(urlpart("ünï"), "%C3%BCn%C3%AF", "urlpart: UTF-8 as %XX");
	is(urlpart("javascript:alert(1)"), "javascript%3Aalert%281%29", "urlpart: no scheme survives");
	is(viafile(wa_html_furlpart, "a/b"), "a%2Fb", "urlpart to a FILE");

	/* whole URLs */
	is(url("https://shop.example/p?a=1&b=2"), "https://shop.example/p?a=1&amp;b=2", "url: https, & as &amp;");
	is(url("/c/42"), "/c/42", "url: relative");
	is(url("media/42?x=1"), "media/42?x=1", "url: relative, no slash");
	is(url("mailto:ann@shop.example"), "mailto:ann@shop.example", "url: mailto");
	is(url("tel:+447700900123"), "tel:+447700900123", "url: tel");
	is(url("HTTP://X.EXAMPLE/"), "HTTP://X.EXAMPLE/", "url: scheme in any case");
	is(url("javascript:alert(1)"), "REFUSED", "url: javascript: refused");
	is(url("JaVaScRiPt:alert(1)"), "REFUSED", "url: in any case");
	is(url(" \x01javascript:alert(1)"), "REFUSED", "url: after leading spaces and controls");
	is(url("java\tscr\nipt:alert(1)"), "REFUSED", "url: with tabs and newlines inside, as a browser drops them");
	is(url("data:text/html,<script>alert(1)</script>"), "REFUSED", "url: data: refused");
	is(url("vbscript:msgbox(1)"), "REFUSED", "url: vbscript: refused");
	is(url("file:///etc/passwd"), "REFUSED", "url: file: refused");
	is(url("blob:https://x/1"), "REFUSED", "url: any other scheme refused");
	is(url(NULL), "REFUSED", "url: NULL refused");
	is(url("https://x.example/a b\"c<d>e'f`g"), "https://x.example/a%20b%22c%3Cd%3Ee&#39;f%60g",
	    "url: what cannot stand raw as %XX, ' as a reference");
	is(url("/s?q=%41%zz%"), "/s?q=%41%25zz%25", "url: a % not before two hex digits as %25");
	is(url("/ü\xff"), "/%C3%BC%FF", "url: non-ASCII and bad bytes as %XX");
	is(url("/a:b"), "/a:b", "url: a colon after a slash is no scheme");
	is(url("?next=javascript:x"), "?next=javascript:x", "url: a colon after ? is no scheme");
	for (i = 0, u = 1; i < sizeof hostile / sizeof *hostile; i++)
		u &= (s = url(hostile[i]), strcmp(s, "REFUSED") == 0 || hasnone(s, "<>\"' `"));
	ok(u, "url: no hostile string leaves < > \" ' ` or a space");
	{
		FILE *fp = tmpfile();

		isnum(wa_html_furl(fp, "javascript:x"), -1, "url to a FILE: refused");
		isnum(ftell(fp), 0, "and nothing written");
		fclose(fp);
	}
	wa_buf_free(&b);
	return done_testing();
}
