/*
 * suppress.c: the suppression list, one E.164 number per line. wa-send
 * appends (error 131050) while wa-hook appends (STOP) and rewrites
 * (START): both hold flock on the file the path names (wa_lock_current).
 */
#include <sys/file.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"

/* A forgotten number's line: its hash, kept as is. */
#define FORGOTTEN "forgotten:"
#define ANYHASH "\001hashes"

static int
lockfile(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd >= 0 && wa_lock_current(&fd, path, LOCK_EX) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Call FN on each number of the list in FP until it returns nonzero;
 * the hashes of forgotten numbers go to HASHES when not NULL.
 */
static int
each(FILE *fp, int (*fn)(const char *e164, void *), void *ctx,
    struct wa_hash *hashes)
{
	char *line = NULL, e164[WA_PHONE_MAX];
	size_t cap = 0;
	int rc = 0;

	while (rc == 0 && getline(&line, &cap, fp) != -1) {
		line[strcspn(line, "\r\n")] = '\0';
		if (wa_phone_norm(line, NULL, e164) == WA_PHONE_OK)
			rc = fn(e164, ctx);
		else if (hashes && strncmp(line, FORGOTTEN, 10) == 0) {
			wa_hash_put(hashes, line, (void *)1);
			wa_hash_put(hashes, ANYHASH, (void *)1);
		}
	}
	free(line);
	return rc;
}

static int
putkey(const char *e164, void *h)
{
	char k[WA_PHONE_MAX];

	wa_phone_key(e164, k);
	wa_hash_put(h, k, (void *)1);
	return 0;
}

int
wa_supp_has(struct wa_hash *h, const char *e164)
{
	char k[WA_PHONE_MAX], f[WA_FORGOTBUF];

	wa_phone_key(e164, k);
	if (wa_hash_get(h, k))
		return 1;
	if (!wa_hash_get(h, ANYHASH) || wa_forget_salt(0) < 0)
		return 0;
	wa_forget_hash(k, f);
	return wa_hash_get(h, f) != NULL;
}

struct wa_hash *
wa_supp_load(const char *path)
{
	struct wa_hash *h = wa_hash_new();
	FILE *fp;
	int e;

	if ((fp = wa_state_read(path)) == NULL) {
		if (errno == ENOENT)
			return h;
		wa_hash_free(h);
		return NULL;
	}
	each(fp, putkey, h, h);
	fclose(fp);
	/* without their salt the forgotten numbers would all be let through */
	if (wa_forget_salt(0) < 0 &&
	    ((e = errno) != ENOENT || wa_hash_get(h, ANYHASH))) {
		wa_hash_free(h);
		wa_die(WA_EXIT_USAGE, "%s/%s: %s; the forgotten numbers of %s "
		    "need it: restore it from a backup", wa_home(),
		    wa_statefiles[WA_SF_SALT].name, e == ENOENT ? "missing" :
		    "not a salt", path);
	}
	return h;
}

static int
matches(const char *e164, void *want)
{
	return wa_phone_same(e164, want);
}

int
wa_supp_add(const char *path, struct wa_hash *h, const char *e164)
{
	char line[WA_PHONE_MAX + 1];
	int fd, rc = 0;
	size_t n;
	FILE *fp;

	if ((fd = lockfile(path)) < 0)
		return -1;
	if ((fp = fdopen(fcntl(fd, F_DUPFD_CLOEXEC, 0), "r")) == NULL) {
		close(fd);
		return -1;
	}
	if (each(fp, matches, (void *)e164, NULL) == 0) {
		n = (size_t)snprintf(line, sizeof line, "%s\n", e164);
		if (wa_write(fd, line, n) < 0 || fsync(fd) < 0)
			rc = -1;
	}
	fclose(fp);
	if (close(fd) < 0)
		rc = -1;
	if (h)
		putkey(e164, h);
	return rc;
}

int
wa_supp_replace(const char *path, const char *e164, const char *with)
{
	char *line = NULL, *tmp, num[WA_PHONE_MAX];
	size_t cap = 0;
	int fd, gone = 0, rc;
	FILE *in, *out;

	if ((fd = lockfile(path)) < 0)
		return -1;
	if ((in = fdopen(fcntl(fd, F_DUPFD_CLOEXEC, 0), "r")) == NULL ||
	    (out = wa_rewrite_open(path, &tmp)) == NULL) {
		if (in)
			fclose(in);
		close(fd);
		return -1;
	}
	/* other lines, comments included, stay as they were */
	while (getline(&line, &cap, in) != -1) {
		char *end = line + strcspn(line, "\r\n"), c = *end;

		*end = '\0';
		if (wa_phone_norm(line, NULL, num) == WA_PHONE_OK &&
		    wa_phone_same(num, e164)) {
			if (with && gone == 0)
				fprintf(out, "%s\n", with);
			gone++;
			continue;
		}
		*end = c;
		fputs(line, out);
	}
	free(line);
	fclose(in);
	if (gone == 0) {
		fclose(out);
		unlink(tmp);
		free(tmp);
		close(fd);
		return 0;
	}
	rc = wa_rewrite_commit(out, tmp, path);
	close(fd);
	return rc < 0 ? -1 : gone;
}
