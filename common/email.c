/*
 * email.c: e-mail addresses, their one-click unsubscribe token, and the
 * e-mail suppression list (suppress-email.txt). wa-mail writes the token
 * and reads the list; wa-hook checks the token and appends to the list;
 * both hold flock on the file (wa_lock_current) when they write it.
 */
#include <sys/file.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "wa.h"
#include "store.h"

int
wa_email_norm(const char *raw, char *out, size_t n)
{
	const char *s = raw, *at, *e;
	size_t len, i;

	if (raw == NULL)
		return -1;
	s += strspn(s, " \t");
	for (e = s + strlen(s); e > s && strchr(" \t\r\n", e[-1]); e--)
		;
	len = (size_t)(e - s);
	if (len == 0 || len >= n || len > WA_EMAIL_MAX - 1)
		return -1;
	/*
	 * A bare address: no display name, no comment, nothing a header could
	 * break on. One of other scripts (RFC 6531: UTF-8 in the local part or
	 * the domain) is taken as valid UTF-8; it needs a server that offers
	 * SMTPUTF8 (wa_smtp_utf8).
	 */
	if (wa_utf8_valid(s, len) != len)
		return -1;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] == 0x7f ||
		    strchr("<>()[],;:\\\"", s[i]) != NULL)
			return -1;
	at = memchr(s, '@', len);
	if (at == NULL || at == s || at == e - 1 || memchr(at + 1, '@', e - at - 1) ||
	    memchr(at + 1, '.', e - at - 1) == NULL || at[1] == '.' || e[-1] == '.')
		return -1;
	memcpy(out, s, len);
	out[len] = '\0';
	wa_lower(out);
	return 0;
}

int
wa_email_ascii(const char *addr)
{
	for (; *addr; addr++)
		if ((unsigned char)*addr >= 0x80)
			return 0;
	return 1;
}

void
wa_email_token(const char *secret, const char *campaign, const char *addr,
    char out[WA_EMAIL_TOKBUF])
{
	unsigned char md[EVP_MAX_MD_SIZE], b64[64];
	unsigned int mdn = 0;
	struct wa_buf m = { 0 };
	size_t i;

	/* the campaign first: a campaign name has no '/', an address no newline */
	wa_buf_adds(&m, "unsubscribe\n");
	wa_buf_adds(&m, campaign);
	wa_buf_addc(&m, '\n');
	wa_buf_adds(&m, addr);
	HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)wa_buf_str(&m), m.len, md, &mdn);
	wa_buf_free(&m);
	EVP_EncodeBlock(b64, md, (int)mdn);
	for (i = 0; i < WA_EMAIL_TOKBUF - 1; i++)
		out[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : (char)b64[i];
	out[i] = '\0';
}

int
wa_email_token_ok(const char *secret, const char *campaign, const char *addr,
    const char *token)
{
	char want[WA_EMAIL_TOKBUF];

	if (token == NULL || strlen(token) != WA_EMAIL_TOKBUF - 1)
		return 0;
	wa_email_token(secret, campaign, addr, want);
	return CRYPTO_memcmp(want, token, WA_EMAIL_TOKBUF - 1) == 0;
}

void
wa_email_unsuburl(struct wa_buf *out, const char *base, const char *secret,
    const char *campaign, const char *addr)
{
	char tok[WA_EMAIL_TOKBUF];
	size_t n = strlen(base);

	wa_email_token(secret, campaign, addr, tok);
	wa_buf_add(out, base, n > 0 && base[n - 1] == '/' ? n - 1 : n);
	wa_buf_adds(out, "/unsubscribe?e=");
	wa_url_enc(out, addr);
	wa_buf_adds(out, "&c=");
	wa_url_enc(out, campaign);
	wa_buf_adds(out, "&t=");
	wa_buf_adds(out, tok);
}

/* The address a line of the list names, into OUT; -1 for a blank line or a comment. */
static int
lineaddr(char *line, char *out)
{
	line[strcspn(line, "#")] = '\0';
	return wa_email_norm(line, out, WA_EMAIL_MAX);
}

/* The hash a forgotten address's LINE (its comment cut) holds, into OUT; -1 if none. */
static int
linehash(const char *line, char *out)
{
	size_t n;

	line += strspn(line, " \t");
	n = strcspn(line, " \t\r\n");
	if (n >= WA_EMAIL_MAX || strncmp(line, "forgotten:", 10) != 0)
		return -1;
	memcpy(out, line, n);
	out[n] = '\0';
	return 0;
}

/* Add the addresses of FP, and wa-forget's hashes, to H; is ADDR (may be NULL) among them? */
static int
readlist(FILE *fp, struct wa_hash *h, const char *addr)
{
	char *line = NULL, a[WA_EMAIL_MAX];
	size_t cap = 0;
	int found = 0;

	while (getline(&line, &cap, fp) != -1) {
		if (lineaddr(line, a) < 0) {
			if (h != NULL && linehash(line, a) == 0)
				wa_supp_forgotten(h, a);
			continue;
		}
		if (h != NULL)
			wa_hash_put(h, a, (void *)1);
		if (addr != NULL && strcmp(a, addr) == 0)
			found = 1;
	}
	free(line);
	return found;
}

struct wa_hash *
wa_esupp_load(const char *path)
{
	struct wa_hash *h = wa_hash_new();
	FILE *fp = wa_state_read(path);

	if (fp == NULL && errno == ENOENT)
		return h;
	if (fp == NULL) {
		wa_hash_free(h);
		return NULL;
	}
	readlist(fp, h, NULL);
	fclose(fp);
	wa_supp_needsalt(h, path);
	return h;
}

int
wa_esupp_has(struct wa_hash *h, const char *addr)
{
	return wa_supp_hashed(h, addr);
}

/* An unsubscribe's LINE: its address, campaign (at most N bytes) and time; -1 for another line. */
static int
unsubline(char *line, char *addr, char *camp, size_t n, time_t *at)
{
	char *why = strchr(line, '#'), tb[WA_TIMEBUF];
	size_t k;

	if (why == NULL || strncmp(why, "# unsubscribed ", 15) != 0)
		return -1;
	why += 15;
	if ((k = strcspn(why, " ")) >= n || why[k] != ' ')
		return -1;
	memcpy(camp, why, k);
	camp[k] = '\0';
	why += k + 1;
	if ((k = strcspn(why, " \t\r\n")) >= sizeof tb)
		return -1;
	memcpy(tb, why, k);
	tb[k] = '\0';
	if (wa_time_parse(tb, WA_DATES_ANY, at) < 0)
		return -1;
	return lineaddr(line, addr);
}

int
wa_esupp_unsubs(const char *path, wa_unsub_fn *fn, void *ctx)
{
	FILE *fp = wa_state_read(path);
	char *line = NULL, a[WA_EMAIL_MAX], camp[256];
	size_t cap = 0;
	time_t at;

	if (fp == NULL)
		return errno == ENOENT ? 0 : -1;
	while (getline(&line, &cap, fp) != -1)
		if (unsubline(line, a, camp, sizeof camp, &at) == 0)
			fn(a, camp, at, ctx);
	free(line);
	fclose(fp);
	return 0;
}

/* The reason on one line, without a '#' that would end it early. */
static void
addreason(struct wa_buf *b, const char *reason)
{
	const char *p;

	wa_buf_adds(b, " # ");
	for (p = reason; *p; p++)
		wa_buf_addc(b, *p == '\r' || *p == '\n' ? ' ' : *p);
}

int
wa_esupp_add(const char *path, struct wa_hash *h, const char *addr,
    const char *reason)
{
	int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	struct wa_buf b = { 0 };
	FILE *fp;
	int rc = -1, rfd;

	if (fd < 0 || wa_lock_current(&fd, path, LOCK_EX) < 0 ||
	    wa_state_untear(fd) < 0)
		goto out;
	/* under the lock, so that a replayed unsubscribe adds no second line */
	if ((rfd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0 || (fp = fdopen(rfd, "r")) == NULL) {
		if (rfd >= 0)
			close(rfd);
		goto out;
	}
	rewind(fp);
	rc = readlist(fp, NULL, addr) ? 0 : 1;
	fclose(fp);
	if (rc == 1) {
		wa_buf_adds(&b, addr);
		if (reason != NULL && *reason)
			addreason(&b, reason);
		wa_buf_addc(&b, '\n');
		if (wa_write(fd, b.s, b.len) < 0 || fsync(fd) < 0)
			rc = -1;
		wa_buf_free(&b);
	}
	if (rc >= 0 && h != NULL)
		wa_hash_put(h, addr, (void *)1);
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Is LINE the line of the address ADDR? */
static int
isaddr(char *line, const void *addr)
{
	char a[WA_EMAIL_MAX];

	return lineaddr(line, a) == 0 && strcmp(a, addr) == 0;
}

int
wa_esupp_replace(const char *path, const char *addr, const char *with)
{
	int fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW), gone;

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (wa_lock_current(&fd, path, LOCK_EX) < 0) {
		close(fd);
		return -1;
	}
	/* the reason goes too: a bounce's SMTP reply may name the address */
	gone = wa_rewrite_lines(fd, path, isaddr, addr, with);
	close(fd);
	return gone > 0 ? 1 : gone;
}
