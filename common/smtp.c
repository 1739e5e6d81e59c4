/* smtp.c: e-mail over SMTP (libcurl easy), one connection kept for many messages. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "wa.h"

/* How far a message went: what a lost connection at that point means. */
enum { ST_CONNECT, ST_RCPT, ST_DATA, ST_BODY, ST_DONE };

struct wa_smtp {
	CURL *e;
	int stage;
	int code;			/* the last reply's code */
	char reply[WA_SMTP_REPLY];	/* and its text */
	const char *msg;		/* the message being read by curl */
	size_t n, off;
	int ehlo;			/* the reply to an EHLO is being read */
	int caps;			/* the connection's extensions are known */
	int utf8;			/* and they have SMTPUTF8 */
	char cerr[CURL_ERROR_SIZE];
};

static size_t
onread(char *p, size_t size, size_t n, void *arg)
{
	struct wa_smtp *s = arg;
	size_t k = size * n;

	if (k > s->n - s->off)
		k = s->n - s->off;
	memcpy(p, s->msg + s->off, k);
	s->off += k;
	return k;
}

/* The stage a command starts; the AUTH line (a secret) is looked at no further than its verb. */
static void
sent(struct wa_smtp *s, const char *p, size_t n)
{
	/* a connection's greeting: its extensions, again after STARTTLS */
	if (n >= 4 && (strncasecmp(p, "EHLO", 4) == 0 || strncasecmp(p, "HELO", 4) == 0)) {
		s->ehlo = 1;
		s->caps = s->utf8 = 0;
	} else if (n >= 4 && strncasecmp(p, "RCPT", 4) == 0)
		s->stage = ST_RCPT;
	else if (n >= 4 && strncasecmp(p, "DATA", 4) == 0)
		s->stage = ST_DATA;
}

/* A line of the reply to EHLO: "250-SMTPUTF8", the last "250 ...". */
static void
extension(struct wa_smtp *s, const char *p, size_t k)
{
	if (k >= 12 && strncmp(p, "250", 3) == 0 && strncasecmp(p + 4, "SMTPUTF8", 8) == 0 &&
	    (k == 12 || p[12] == ' '))
		s->utf8 = 1;
	if (k < 4 || p[3] == ' ') {
		s->ehlo = 0;
		s->caps = strncmp(p, "250", 3) == 0;
	}
}

static void
heard(struct wa_smtp *s, const char *p, size_t n)
{
	size_t k = n;

	while (k > 0 && (p[k - 1] == '\r' || p[k - 1] == '\n'))
		k--;
	if (s->ehlo)
		extension(s, p, k);
	/* the first refusal is the answer; what follows is the QUIT */
	if (k < 3 || !isdigit((unsigned char)p[0]) || s->code >= 400)
		return;
	if (k >= sizeof s->reply)
		k = sizeof s->reply - 1;
	memcpy(s->reply, p, k);
	s->reply[k] = '\0';
	s->code = atoi(s->reply);
	if (s->stage == ST_DATA && s->code == 354)
		s->stage = ST_BODY;
	else if (s->stage == ST_BODY && (k == 3 || p[3] == ' '))
		s->stage = ST_DONE;
}

static int
ondebug(CURL *e, curl_infotype t, char *p, size_t n, void *arg)
{
	if (t == CURLINFO_HEADER_OUT)
		sent(arg, p, n);
	else if (t == CURLINFO_HEADER_IN)
		heard(arg, p, n);
	return 0;
}

/* What a command other than a message answers (NOOP's 250) is not kept. */
static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p, (void)arg;
	return size * n;
}

static void
setauth(CURL *e)
{
	char *user = wa_secret("WA_SMTP_USER"), *pw;

	if (user == NULL)
		return;
	pw = wa_secret("WA_SMTP_PASSWORD");
	curl_easy_setopt(e, CURLOPT_USERNAME, user);
	curl_easy_setopt(e, CURLOPT_PASSWORD, pw ? pw : "");
	wa_secret_free(user);
	wa_secret_free(pw);
}

struct wa_smtp *
wa_smtp_new(const char *url, char *err, size_t errsz)
{
	struct wa_smtp *s;
	const char *ca = getenv("WA_CA_FILE"), *tls = getenv("WA_SMTP_STARTTLS");
	int plain = strncmp(url, "smtp://", 7) == 0;

	if (!plain && strncmp(url, "smtps://", 8) != 0) {
		wa_seterr(err, errsz, "%s: not an smtp:// or smtps:// URL", url);
		return NULL;
	}
	s = wa_calloc(1, sizeof *s);
	if ((s->e = curl_easy_init()) == NULL)
		wa_die(WA_EXIT_FATAL, "cannot start libcurl");
	curl_easy_setopt(s->e, CURLOPT_URL, url);
	curl_easy_setopt(s->e, CURLOPT_ERRORBUFFER, s->cerr);
	curl_easy_setopt(s->e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(s->e, CURLOPT_READFUNCTION, onread);
	curl_easy_setopt(s->e, CURLOPT_READDATA, s);
	curl_easy_setopt(s->e, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(s->e, CURLOPT_DEBUGFUNCTION, ondebug);
	curl_easy_setopt(s->e, CURLOPT_DEBUGDATA, s);
	curl_easy_setopt(s->e, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(s->e, CURLOPT_TIMEOUT_MS, 60000L);
	curl_easy_setopt(s->e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(s->e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	/* The password goes over TLS only, unless a local relay is said to need none. */
	if (plain)
		curl_easy_setopt(s->e, CURLOPT_USE_SSL,
		    tls && strcmp(tls, "try") == 0 ? (long)CURLUSESSL_TRY :
		    (long)CURLUSESSL_ALL);
	if (ca != NULL && *ca != '\0')
		curl_easy_setopt(s->e, CURLOPT_CAINFO, ca);
	setauth(s->e);
	return s;
}

static int
badaddr(const char *a)
{
	const unsigned char *p;

	if (*a == '\0' || strlen(a) > 254)
		return 1;
	for (p = (const unsigned char *)a; *p; p++)
		if (*p <= ' ' || *p == '<' || *p == '>' || *p == 0x7f)
			return 1;
	return 0;
}

/* What the reply and the stage the message reached say about it. */
static int
verdict(struct wa_smtp *s, CURLcode rc)
{
	if (rc == CURLE_OK)
		return WA_SMTP_SENT;
	if (s->stage == ST_BODY)
		return WA_SMTP_UNKNOWN;
	if (s->stage == ST_DONE || s->stage == ST_RCPT || s->stage == ST_DATA) {
		if (s->code >= 500 && s->code < 600)
			return WA_SMTP_HARD;
		return WA_SMTP_SOFT;
	}
	return s->code >= 400 && s->code < 500 ? WA_SMTP_SOFT : WA_SMTP_FAIL;
}

int
wa_smtp_send(struct wa_smtp *s, const char *from, const char *to,
    const char *msg, size_t n, struct wa_smtp_res *res)
{
	struct curl_slist *rcpt;
	char *f, *t;
	CURLcode rc;

	memset(res, 0, sizeof *res);
	if (badaddr(from) || badaddr(to)) {
		res->kind = WA_SMTP_FAIL;
		snprintf(res->reply, sizeof res->reply, "not an address: %s",
		    badaddr(from) ? from : to);
		return res->kind;
	}
	f = wa_strjoin("<", from, ">");
	t = wa_strjoin("<", to, ">");
	rcpt = curl_slist_append(NULL, t);
	curl_easy_setopt(s->e, CURLOPT_MAIL_FROM, f);
	curl_easy_setopt(s->e, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(s->e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)n);
	s->msg = msg;
	s->n = n;
	s->off = 0;
	s->stage = ST_CONNECT;
	s->code = 0;
	s->reply[0] = s->cerr[0] = '\0';
	rc = curl_easy_perform(s->e);
	curl_easy_setopt(s->e, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(rcpt);
	free(f);
	free(t);
	res->kind = verdict(s, rc);
	res->rcpt = rc != CURLE_OK && s->stage == ST_RCPT && s->code >= 400;
	res->code = rc == CURLE_OK || s->stage == ST_BODY ? 0 : s->code;
	if (rc == CURLE_OK)
		snprintf(res->reply, sizeof res->reply, "%s", s->reply);
	else if (res->code != 0)
		snprintf(res->reply, sizeof res->reply, "%s", s->reply);
	else
		snprintf(res->reply, sizeof res->reply, "%s",
		    *s->cerr ? s->cerr : curl_easy_strerror(rc));
	return res->kind;
}

int
wa_smtp_utf8(struct wa_smtp *s)
{
	CURLcode rc;

	if (s->caps)
		return s->utf8;
	/* a NOOP on the connection that the next message then takes */
	curl_easy_setopt(s->e, CURLOPT_UPLOAD, 0L);
	curl_easy_setopt(s->e, CURLOPT_CUSTOMREQUEST, "NOOP");
	s->stage = ST_CONNECT;
	s->code = 0;
	rc = curl_easy_perform(s->e);
	curl_easy_setopt(s->e, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(s->e, CURLOPT_UPLOAD, 1L);
	if (rc != CURLE_OK || !s->caps)
		return -1;
	return s->utf8;
}

void
wa_smtp_free(struct wa_smtp *s)
{
	if (s == NULL)
		return;
	curl_easy_cleanup(s->e);
	free(s);
}
