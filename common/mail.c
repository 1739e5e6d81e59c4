/* mail.c: e-mail messages from a template with placeholders (wa-mail): MIME, headers, encodings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "wa.h"
#include "store.h"
#include "send.h"

#define MAXTMPL (1 << 20)	/* a template file, at most */
#define MAXHDR 32

struct wa_mailtmpl {
	char *name[MAXHDR], *value[MAXHDR];	/* headers kept as they are, From first */
	size_t nhdr;
	char *subject, *text, *html;		/* html may be NULL */
	char *from;				/* the address of From, for MAIL FROM */
};

/* The first WORD in S, in any case, or NULL (strcasestr is GNU's). */
static const char *
findci(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; *s; s++)
		if (strncasecmp(s, word, n) == 0)
			return s;
	return NULL;
}

/* Headers wa-mail writes itself, refused in a template. */
static const char *const ours[] = {
	"To", "Cc", "Bcc", "Date", "Message-ID", "MIME-Version",
	"Content-Transfer-Encoding", "List-Unsubscribe", "List-Unsubscribe-Post"
};

/* S with CRLF as LF, allocated. */
static char *
unix(const char *s, size_t n)
{
	char *out = wa_malloc(n + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++)
		if (!(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'))
			*o++ = s[i];
	*o = '\0';
	return out;
}

/* The header block H (LF lines) unfolded, NAME: VALUE pairs into T; -1 on a bad line. */
static int
headers(char *h, char **name, char **value, size_t *n, char *err, size_t errsz)
{
	char *line, *next, *colon;

	*n = 0;
	for (line = h; line && *line; line = next) {
		next = strchr(line, '\n');
		/* a folded line joins the one before */
		while (next && (next[1] == ' ' || next[1] == '\t'))
			*next = ' ', next = strchr(next, '\n');
		if (next)
			*next++ = '\0';
		if ((colon = strchr(line, ':')) == NULL || colon == line || *n == MAXHDR)
			return wa_seterr(err, errsz, "header line '%.40s' is not "
			    "NAME: VALUE", line);
		*colon = '\0';
		name[*n] = wa_strdup(line);
		value[(*n)++] = wa_strdup(colon + 1 + strspn(colon + 1, " \t"));
	}
	return 0;
}

static const char *
hget(char **name, char **value, size_t n, const char *want)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(name[i], want) == 0)
			return value[i];
	return NULL;
}

static void
hfree(char **name, char **value, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(name[i]);
		free(value[i]);
	}
}

/* The boundary="..." of a multipart Content-Type, allocated, or NULL. */
static char *
boundary(const char *ct)
{
	const char *p = findci(ct, "boundary=");
	size_t n;

	if (p == NULL)
		return NULL;
	p += 9;
	if (*p == '"')
		return (n = strcspn(++p, "\"")) ? wa_strndup(p, n) : NULL;
	return (n = strcspn(p, " ;\t")) ? wa_strndup(p, n) : NULL;
}

/* One part of a multipart body, P[0..N): its text into T->text or T->html. */
static int
part(struct wa_mailtmpl *t, char *p, char *err, size_t errsz)
{
	char *name[MAXHDR], *value[MAXHDR], *body = strstr(p, "\n\n");
	const char *ct, *cte;
	size_t n;
	int rc = -1;

	if (body == NULL)
		return wa_seterr(err, errsz, "a part without headers");
	*body = '\0';
	body += 2;
	if (headers(p, name, value, &n, err, errsz) < 0)
		return -1;
	ct = hget(name, value, n, "Content-Type");
	cte = hget(name, value, n, "Content-Transfer-Encoding");
	if (cte && strcasecmp(cte, "8bit") && strcasecmp(cte, "7bit"))
		wa_seterr(err, errsz, "write the parts as text, not %s "
		    "(wa-mail encodes them)", cte);
	else if (ct == NULL || strncasecmp(ct, "text/plain", 10) == 0)
		rc = (t->text = wa_strdup(body)) ? 0 : -1;
	else if (strncasecmp(ct, "text/html", 9) == 0)
		rc = (t->html = wa_strdup(body)) ? 0 : -1;
	else
		wa_seterr(err, errsz, "a part of type '%s': only text/plain and "
		    "text/html", ct);
	hfree(name, value, n);
	return rc;
}

/* The parts of BODY between the lines --B, up to --B--; -1 without a text part. */
static int
parts(struct wa_mailtmpl *t, char *body, const char *b, char *err, size_t errsz)
{
	size_t bn = strlen(b);
	char *line, *next, *start = NULL;
	int rc = 0;

	for (line = body; rc == 0 && line != NULL && *line; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			next++;
		if (strncmp(line, "--", 2) != 0 || strncmp(line + 2, b, bn) != 0)
			continue;
		/* the newline before a delimiter is the delimiter's */
		if (start != NULL) {
			line[-1] = '\0';
			rc = part(t, start, err, errsz);
		}
		if (strncmp(line + 2 + bn, "--", 2) == 0)
			break;
		start = next;
	}
	if (rc == 0 && t->text == NULL)
		rc = wa_seterr(err, errsz, "no text/plain part");
	return rc;
}

/* The address in a From value: between < and >, or the whole of it. */
static char *
fromaddr(const char *v)
{
	const char *lt = strrchr(v, '<'), *gt;
	char addr[WA_EMAIL_MAX], *s;

	s = lt && (gt = strchr(lt, '>')) ? wa_strndup(lt + 1, gt - lt - 1) :
	    wa_strdup(v);
	if (wa_email_norm(s, addr, sizeof addr) < 0) {
		free(s);
		return NULL;
	}
	free(s);
	return wa_strdup(addr);
}

/* The headers of T checked: From and Subject there, none of ours, ASCII but Subject. */
static int
checkhdrs(struct wa_mailtmpl *t, char *err, size_t errsz)
{
	const char *v;
	size_t i, k;

	for (i = 0; i < t->nhdr; i++) {
		for (k = 0; k < sizeof ours / sizeof *ours; k++)
			if (strcasecmp(t->name[i], ours[k]) == 0)
				return wa_seterr(err, errsz, "header %s is wa-mail's "
				    "to write", t->name[i]);
		for (v = t->value[i]; strcasecmp(t->name[i], "Subject") && *v; v++)
			if ((unsigned char)*v >= 0x80 || strstr(t->value[i], "{{"))
				return wa_seterr(err, errsz, "header %s: ASCII "
				    "without placeholders (only Subject has them)",
				    t->name[i]);
	}
	if ((v = hget(t->name, t->value, t->nhdr, "From")) == NULL ||
	    (t->from = fromaddr(v)) == NULL)
		return wa_seterr(err, errsz, "no From header with an address");
	if ((v = hget(t->name, t->value, t->nhdr, "Subject")) == NULL || !*v)
		return wa_seterr(err, errsz, "no Subject header");
	t->subject = wa_strdup(v);
	return 0;
}

/* The template T from the text S (LF lines). */
static int
parse(struct wa_mailtmpl *t, char *s, char *err, size_t errsz)
{
	char *body = strstr(s, "\n\n"), *b;
	const char *ct;
	int rc;

	if (body == NULL)
		return wa_seterr(err, errsz, "no empty line between the headers and the body");
	*body = '\0';
	body += 2;
	if (headers(s, t->name, t->value, &t->nhdr, err, errsz) < 0 ||
	    checkhdrs(t, err, errsz) < 0)
		return -1;
	ct = hget(t->name, t->value, t->nhdr, "Content-Type");
	if (ct == NULL || strncasecmp(ct, "text/plain", 10) == 0) {
		t->text = wa_strdup(body);
		return 0;
	}
	if (strncasecmp(ct, "multipart/alternative", 21) != 0 ||
	    (b = boundary(ct)) == NULL)
		return wa_seterr(err, errsz, "Content-Type '%s': text/plain, or "
		    "multipart/alternative with a boundary", ct);
	rc = parts(t, body, b, err, errsz);
	free(b);
	return rc;
}

struct wa_mailtmpl *
wa_mailtmpl_load(const char *path, char *err, size_t errsz)
{
	struct wa_mailtmpl *t = wa_calloc(1, sizeof *t);
	struct wa_buf b = { 0 };
	char chunk[8192], *s;
	size_t n;
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "r")) == NULL) {
		wa_seterr(err, errsz, "%s", strerror(errno));
		free(t);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0 &&
	    wa_buf_addmax(&b, chunk, n, MAXTMPL) == 0)
		;
	rc = ferror(fp) || n > 0 ? wa_seterr(err, errsz, "unreadable or over 1M") : 0;
	fclose(fp);
	if (rc == 0 && wa_utf8_valid(b.s ? b.s : "", b.len) != b.len)
		rc = wa_seterr(err, errsz, "not UTF-8");
	s = unix(b.s ? b.s : "", b.len);
	wa_buf_free(&b);
	if (rc == 0)
		rc = parse(t, s, err, errsz);
	free(s);
	if (rc == 0 && ((rc = wa_graph_check(t->subject, err, errsz)) == 0) &&
	    (rc = wa_graph_check(t->text, err, errsz)) == 0 && t->html)
		rc = wa_graph_check(t->html, err, errsz);
	if (rc < 0) {
		wa_mailtmpl_free(t);
		return NULL;
	}
	return t;
}

int
wa_mailtmpl_fields(const struct wa_mailtmpl *t, char **names, size_t *n,
    size_t max)
{
	if (wa_graph_fields(t->subject, names, n, max) < 0 ||
	    wa_graph_fields(t->text, names, n, max) < 0)
		return -1;
	return wa_graph_fields(t->html, names, n, max);
}

const char *
wa_mailtmpl_from(const struct wa_mailtmpl *t)
{
	return t->from;
}

void
wa_mailtmpl_free(struct wa_mailtmpl *t)
{
	if (t == NULL)
		return;
	hfree(t->name, t->value, t->nhdr);
	free(t->subject);
	free(t->text);
	free(t->html);
	free(t->from);
	free(t);
}

void
wa_mail_rcpt(const char *addr, char out[WA_PHONE_MAX])
{
	snprintf(out, WA_PHONE_MAX, "mail:%016llx", wa_fp(addr));
}

/* Every string of J escaped for HTML, in place: a customer's name is text, not markup. */
static void
htmljson(json_t *j)
{
	struct wa_buf b = { 0 };
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_string(j)) {
		wa_html_text(&b, json_string_value(j));
		json_string_set(j, wa_buf_str(&b));
	} else if (json_is_object(j)) {
		json_object_foreach(j, k, v)
			htmljson(v);
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			htmljson(v);
	}
	wa_buf_free(&b);
}

/* S (LF lines) in quoted-printable with CRLF lines, appended to OUT (RFC 2045 6.7). */
static void
qp(struct wa_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;
	size_t col = 0, w;

	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (c == '\n') {
			wa_buf_adds(out, "\r\n");
			col = 0;
			continue;
		}
		/* a space at a line's end would be lost in transit; a dot alone is SMTP's end */
		w = (c >= 33 && c <= 126 && c != '=' && !(c == '.' && col == 0)) ||
		    ((c == ' ' || c == '\t') && s[1] != '\n' && s[1] != '\0') ? 1 : 3;
		if (col + w > 75) {
			wa_buf_adds(out, "=\r\n");
			col = 0;
		}
		if (w == 1)
			wa_buf_addc(out, c);
		else {
			wa_buf_addc(out, '=');
			wa_buf_addc(out, hex[c >> 4]);
			wa_buf_addc(out, hex[c & 15]);
		}
		col += w;
	}
	if (col > 0)
		wa_buf_adds(out, "\r\n");
}

/* A header value S: as is when ASCII, else RFC 2047 encoded words of whole characters. */
static void
hdrword(struct wa_buf *out, const char *s)
{
	unsigned char b64[64];
	const char *p;
	size_t n, k;

	for (p = s; *p && (unsigned char)*p < 0x80; p++)
		;
	if (*p == '\0') {
		wa_buf_adds(out, s);
		return;
	}
	for (p = s; *p; p += n) {
		/* 45 bytes encode to 60, and a word stays under 76 */
		for (n = 0, k = 0; p[k] && k <= 45; ) {
			n = k;
			k++;
			while (((unsigned char)p[k] & 0xc0) == 0x80)
				k++;
		}
		if (p[k] == '\0' && k <= 45)
			n = k;
		EVP_EncodeBlock(b64, (const unsigned char *)p, (int)n);
		wa_buf_adds(out, p == s ? "=?UTF-8?B?" : "\r\n =?UTF-8?B?");
		wa_buf_adds(out, (char *)b64);
		wa_buf_adds(out, "?=");
	}
}

/* Date: in RFC 5322's form, in UTC. */
static void
hdrdate(struct wa_buf *out, time_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const mons[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char b[64];
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(b, sizeof b, "Date: %s, %02d %s %d %02d:%02d:%02d +0000\r\n",
	    days[tm.tm_wday], tm.tm_mday, mons[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
	wa_buf_adds(out, b);
}

/* TMPL filled from REC into OUT, the unsubscribe link added when the template has none. */
static int
body(const char *tmpl, json_t *rec, const char *unsub, int html,
    struct wa_buf *out, char *err, size_t errsz)
{
	struct wa_buf b = { 0 }, link = { 0 };
	const char *s, *end;
	int rc;

	if ((rc = wa_graph_fill(tmpl, rec, &b, err, errsz)) < 0 || unsub == NULL ||
	    strstr(tmpl, "{{unsubscribe_url") != NULL) {
		if (rc == 0)
			wa_buf_add(out, b.s, b.len);
		wa_buf_free(&b);
		return rc;
	}
	s = wa_buf_str(&b);
	if (html) {
		wa_buf_adds(&link, "<p><a href=\"");
		wa_html_text(&link, unsub);
		wa_buf_adds(&link, "\">Unsubscribe</a></p>\n");
	} else {
		wa_buf_adds(&link, b.len && s[b.len - 1] != '\n' ? "\n\n" : "\n");
		wa_buf_adds(&link, "Unsubscribe: ");
		wa_buf_adds(&link, unsub);
		wa_buf_addc(&link, '\n');
	}
	end = html ? findci(s, "</body>") : NULL;
	wa_buf_add(out, s, end ? (size_t)(end - s) : b.len);
	wa_buf_add(out, link.s, link.len);
	if (end)
		wa_buf_adds(out, end);
	wa_buf_free(&b);
	wa_buf_free(&link);
	return 0;
}

/* The headers of the message to M->to: ours, then the template's. */
static void
hdrs(const struct wa_mailtmpl *t, const struct wa_mailmsg *m,
    const char *subject, struct wa_buf *out)
{
	const char *dom = strchr(t->from, '@') + 1;
	char id[64];
	size_t i;

	for (i = 0; i < t->nhdr; i++) {
		if (strcasecmp(t->name[i], "Subject") == 0 ||
		    strcasecmp(t->name[i], "Content-Type") == 0)
			continue;
		wa_buf_adds(out, t->name[i]);
		wa_buf_adds(out, ": ");
		wa_buf_adds(out, t->value[i]);
		wa_buf_adds(out, "\r\n");
	}
	wa_buf_adds(out, "To: <");
	wa_buf_adds(out, m->to);
	wa_buf_adds(out, ">\r\nSubject: ");
	hdrword(out, subject);
	wa_buf_adds(out, "\r\n");
	hdrdate(out, wa_now());
	/* the same for a message sent again: a mailbox shows it once */
	snprintf(id, sizeof id, "Message-ID: <%016llx.%016llx@", wa_fp(m->key),
	    wa_fp(m->to));
	wa_buf_adds(out, id);
	wa_buf_adds(out, dom);
	wa_buf_adds(out, ">\r\n");
	if (m->unsub) {
		wa_buf_adds(out, "List-Unsubscribe: <");
		wa_buf_adds(out, m->unsub);
		wa_buf_adds(out, ">\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
	}
	wa_buf_adds(out, "MIME-Version: 1.0\r\n");
}

/* A part's headers and its body TEXT in quoted-printable. */
static void
mimepart(struct wa_buf *out, const char *type, const char *text)
{
	wa_buf_adds(out, "Content-Type: ");
	wa_buf_adds(out, type);
	wa_buf_adds(out, "; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
	qp(out, text);
}

int
wa_mail_render(const struct wa_mailtmpl *t, json_t *rec,
    const struct wa_mailmsg *m, struct wa_buf *out, char *err, size_t errsz)
{
	json_t *r = json_deep_copy(rec), *h = NULL;
	struct wa_buf subj = { 0 }, text = { 0 }, html = { 0 };
	char bnd[64];
	int rc = -1;

	wa_buf_reset(out);
	if (m->unsub)
		json_object_set_new(r, "unsubscribe_url", json_string(m->unsub));
	if (wa_graph_fill(t->subject, r, &subj, err, errsz) < 0 ||
	    body(t->text, r, m->unsub, 0, &text, err, errsz) < 0)
		goto out;
	if (strpbrk(wa_buf_str(&subj), "\r\n") != NULL) {
		wa_seterr(err, errsz, "the Subject would be more than one line");
		goto out;
	}
	if (t->html) {
		htmljson(h = json_deep_copy(r));
		if (body(t->html, h, m->unsub, 1, &html, err, errsz) < 0)
			goto out;
	}
	hdrs(t, m, wa_buf_str(&subj), out);
	if (t->html == NULL)
		mimepart(out, "text/plain", wa_buf_str(&text));
	else {
		snprintf(bnd, sizeof bnd, "=_wa_%016llx", wa_fp(m->key));
		wa_buf_adds(out, "Content-Type: multipart/alternative; boundary=\"");
		wa_buf_adds(out, bnd);
		wa_buf_adds(out, "\"\r\n\r\n--");
		wa_buf_adds(out, bnd);
		wa_buf_adds(out, "\r\n");
		mimepart(out, "text/plain", wa_buf_str(&text));
		wa_buf_adds(out, "--");
		wa_buf_adds(out, bnd);
		wa_buf_adds(out, "\r\n");
		mimepart(out, "text/html", wa_buf_str(&html));
		wa_buf_adds(out, "--");
		wa_buf_adds(out, bnd);
		wa_buf_adds(out, "--\r\n");
	}
	rc = 0;
out:
	json_decref(r);
	json_decref(h);
	wa_buf_free(&subj);
	wa_buf_free(&text);
	wa_buf_free(&html);
	return rc;
}
