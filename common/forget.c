/*
 * forget.c: the salted hash that replaces what identified a person who
 * asked to be forgotten. The same value always gives the same hash, so
 * the counts and joins of a report survive; without the salt, kept in
 * $WA_HOME/salt and nowhere else, a phone number cannot be found again
 * by hashing every possible one.
 */
#include <sys/random.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "wa.h"
#include "store.h"

#define SALTLEN 64	/* hex digits */

static char salt[SALTLEN + 1];

static int
readsalt(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, salt, SALTLEN);
	close(fd);
	if (n != SALTLEN || strspn(salt, "0123456789abcdef") != SALTLEN) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* A new salt, written whole to a temporary file and linked into place: two runs agree on one. */
static int
makesalt(const char *path)
{
	unsigned char r[SALTLEN / 2];
	char *tmp, hex[SALTLEN + 2];
	FILE *fp;
	int i, rc;

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		return -1;
	for (i = 0; i < SALTLEN / 2; i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	strcat(hex, "\n");
	if ((fp = wa_rewrite_open(path, &tmp)) == NULL)
		return -1;
	rc = fputs(hex, fp) < 0 || fflush(fp) != 0 || fsync(fileno(fp)) < 0;
	fclose(fp);
	if (rc == 0 && link(tmp, path) < 0 && errno != EEXIST)
		rc = -1;
	unlink(tmp);
	free(tmp);
	return rc ? -1 : readsalt(path);
}

int
wa_forget_salt(int create)
{
	char *path;
	int rc;

	if (*salt)
		return 0;
	path = wa_home_path(WA_SF_SALT);
	rc = readsalt(path);
	if (rc < 0 && errno == ENOENT && create)
		rc = makesalt(path);
	free(path);
	if (rc < 0)
		*salt = '\0';
	return rc;
}

void
wa_forget_hash(const char *value, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0, i;

	HMAC(EVP_sha256(), salt, SALTLEN, (const unsigned char *)value,
	    strlen(value), md, &len);
	memcpy(out, "forgotten:", 10);
	for (i = 0; i < 12; i++)
		snprintf(out + 10 + 2 * i, 3, "%02x", md[i]);
}
