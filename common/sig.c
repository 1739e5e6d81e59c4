/* sig.c: HMAC-SHA256 webhook signatures, Meta's hex and Shopify's base64. */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hook.h"

static unsigned
mac(const char *secret, const void *body, size_t n, unsigned char *md)
{
	unsigned len = 0;

	if (HMAC(EVP_sha256(), secret, (int)strlen(secret), body, n, md,
	    &len) == NULL)
		return 0;
	return len;
}

void
wa_sig_hex(const char *secret, const void *body, size_t n, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = mac(secret, body, n, md);

	memcpy(out, "sha256=", 7);
	wa_hex_enc(out + 7, md, len);
}

void
wa_sig_b64(const char *secret, const void *body, size_t n, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = mac(secret, body, n, md);

	EVP_EncodeBlock((unsigned char *)out, md, (int)len);
}

/*
 * Compare in constant time over the expected length: the header's length
 * tells nothing, and an early exit would leak how much of it was right.
 * Never empty: an empty token must not open the door.
 */
int
wa_sig_same(const char *want, const char *got)
{
	size_t n = strlen(want);

	if (n == 0 || got == NULL || strlen(got) != n)
		return 0;
	return CRYPTO_memcmp(want, got, n) == 0;
}

int
wa_sig_ok(int kind, const char *secret, const void *body, size_t n,
    const char *header)
{
	char want[WA_SIGBUF];
	unsigned char md[EVP_MAX_MD_SIZE];

	/* a MAC that could not be made matches nothing, not an empty one */
	if (mac(secret, body, n, md) == 0)
		return 0;
	if (kind == WA_SIG_HEX) {
		wa_sig_hex(secret, body, n, want);
		/* hex digits from some proxies come upper case */
		if (header && strncmp(header, "sha256=", 7) == 0) {
			char low[WA_SIGBUF];
			size_t i;

			for (i = 0; header[i] && i < sizeof low - 1; i++)
				low[i] = (char)(header[i] >= 'A' &&
				    header[i] <= 'F' ? header[i] + 32 : header[i]);
			low[i] = '\0';
			return wa_sig_same(want, low);
		}
		return 0;
	}
	wa_sig_b64(secret, body, n, want);
	return wa_sig_same(want, header);
}
