/* unsub.c: wa-hook's /unsubscribe: a confirm page for a GET, the one-click opt-out (RFC 8058) for a POST. */
#include <string.h>

#include "wa.h"
#include "store.h"
#include "hook.h"

static void
esc(struct wa_buf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': wa_buf_adds(b, "&amp;"); break;
		case '<': wa_buf_adds(b, "&lt;"); break;
		case '>': wa_buf_adds(b, "&gt;"); break;
		case '"': wa_buf_adds(b, "&quot;"); break;
		case '\'': wa_buf_adds(b, "&#39;"); break;
		default: wa_buf_addc(b, *s);
		}
}

static void
head(struct wa_buf *b, const char *title)
{
	wa_buf_adds(b, "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width\">"
	    "<meta name=\"robots\" content=\"noindex\"><title>");
	wa_buf_adds(b, title);
	wa_buf_adds(b, "</title></head>\n<body style=\"font-family:sans-serif;"
	    "max-width:32em;margin:3em auto\">\n<h1>");
	wa_buf_adds(b, title);
	wa_buf_adds(b, "</h1>\n");
}

/* The GET's page: the address, and a button that POSTs the same link (a scanner's GET changes nothing). */
static void
confirm(struct wa_buf *b, const char *addr, const char *campaign,
    const char *token)
{
	head(b, "Unsubscribe");
	wa_buf_adds(b, "<p>Stop e-mails to <b>");
	esc(b, addr);
	wa_buf_adds(b, "</b>?</p>\n<form method=\"post\" action=\"?e=");
	wa_url_enc(b, addr);
	wa_buf_adds(b, "&amp;c=");
	wa_url_enc(b, campaign);
	wa_buf_adds(b, "&amp;t=");
	wa_buf_adds(b, token);
	wa_buf_adds(b, "\">\n<input type=\"hidden\" name=\"List-Unsubscribe\" "
	    "value=\"One-Click\">\n<button type=\"submit\">Unsubscribe</button>\n"
	    "</form>\n</body></html>\n");
}

int
wa_unsub_answer(int post, const char *secret, const char *list,
    const char *e, const char *campaign, const char *token, struct wa_buf *page)
{
	char addr[WA_EMAIL_MAX], tb[WA_TIMEBUF];
	struct wa_buf why = { 0 };
	int rc;

	wa_buf_reset(page);
	/* the address as wa-mail signed it: already bare and in lower case */
	if (e == NULL || campaign == NULL || secret == NULL ||
	    wa_email_norm(e, addr, sizeof addr) < 0 || strcmp(addr, e) != 0 ||
	    strchr(campaign, '/') != NULL ||
	    !wa_email_token_ok(secret, campaign, addr, token)) {
		head(page, "This link is not valid");
		wa_buf_adds(page, "<p>Use the link of the e-mail as it came.</p>\n"
		    "</body></html>\n");
		return 403;
	}
	if (!post) {
		confirm(page, addr, campaign, token);
		return 200;
	}
	wa_buf_adds(&why, "unsubscribed ");
	wa_buf_adds(&why, campaign);
	wa_buf_addc(&why, ' ');
	wa_buf_adds(&why, wa_time_fmt(wa_now(), tb));
	rc = wa_esupp_add(list, NULL, addr, wa_buf_str(&why));
	wa_buf_free(&why);
	if (rc < 0) {
		head(page, "Something went wrong");
		wa_buf_adds(page, "<p>Please try again later.</p>\n</body></html>\n");
		return 500;
	}
	head(page, "Unsubscribed");
	wa_buf_adds(page, "<p><b>");
	esc(page, addr);
	wa_buf_adds(page, "</b> gets no more of these e-mails.</p>\n</body></html>\n");
	return 200;
}
