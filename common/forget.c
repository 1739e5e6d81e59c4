/*
 * forget.c: the salted hash that replaces what identified a person who
 * asked to be forgotten. The same value always gives the same hash, so
 * the counts and joins of a report survive; without the salt, kept in
 * $WA_HOME/salt and nowhere else, a phone number cannot be found again
 * by hashing every possible one.
 */
#include <sys/file.h>
#include <sys/random.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
	int rc;

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		return -1;
	wa_hex_enc(hex, r, sizeof r);
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
	unsigned len = 0;

	HMAC(EVP_sha256(), salt, SALTLEN, (const unsigned char *)value,
	    strlen(value), md, &len);
	memcpy(out, "forgotten:", 10);
	wa_hex_enc(out + 10, md, 12);
}

/* Write the erased copy FROM (complete and synced) back over FD's file, keeping its inode. */
static int
copyback(int fd, const char *from)
{
	char buf[1 << 16];
	int in = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), rc = 0;
	ssize_t n = 1;

	if (in < 0 || ftruncate(fd, 0) < 0)
		rc = -1;
	while (rc == 0 && n != 0) {
		if ((n = read(in, buf, sizeof buf)) < 0 && errno != EINTR)
			rc = -1;
		else if (n > 0 && wa_write(fd, buf, (size_t)n) < 0)
			rc = -1;
	}
	if (in >= 0)
		close(in);
	return rc == 0 && fsync(fd) == 0 ? 0 : -1;
}

/*
 * Erase in place: the data at every name of a hard-linked file, and in a
 * log that a shell holds open with >>. The copy is named PATH.forget-copy
 * once complete, so that a run that dies while writing it back is
 * finished by the next one (see recover).
 */
int
wa_forget_inplace(FILE *out, char *tmp, const char *path, int fd)
{
	char *copy = wa_strjoin(path, WA_FORGET_COPY, "");
	int rc = fflush(out) != 0 || ferror(out) || fsync(fileno(out)) < 0;

	if (fclose(out) != 0)
		rc = 1;
	if (rc == 0 && (rename(tmp, copy) < 0 || wa_syncdir(copy) < 0))
		rc = 1;
	if (rc)
		unlink(tmp);
	else if (copyback(fd, copy) < 0)
		rc = 1;		/* the copy stays, for the next run */
	else
		unlink(copy);
	free(copy);
	free(tmp);
	return rc ? -1 : 0;
}

/*
 * What a run that died left next to PATH, under PATH's lock: temporary
 * files (PATH.tmpXXXXXX of wa_rewrite_open, never renamed into place) go,
 * and an erased copy cut short while written back in place is written again.
 */
void
wa_forget_recover(const char *path)
{
	char *dir = wa_strdup(path), *base = strrchr(dir, '/'), *copy;
	int fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	struct dirent *d;
	size_t n;
	DIR *dp;

	if (fd >= 0 && wa_lock_current(&fd, path, LOCK_EX) < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot lock:", path);
	copy = wa_strjoin(path, WA_FORGET_COPY, "");
	if (fd >= 0 && access(copy, F_OK) == 0) {
		if (copyback(fd, copy) < 0)
			wa_die(WA_EXIT_FATAL, "%s: cannot finish the erasure in %s:", path, copy);
		unlink(copy);
		wa_warn("%s: the erasure a run left half done is finished", path);
	}
	free(copy);
	if (base)
		*base++ = '\0';
	n = strlen(base ? base : dir);
	if ((dp = opendir(base ? (*dir ? dir : "/") : ".")) != NULL) {
		while ((d = readdir(dp)) != NULL) {
			if (strncmp(d->d_name, base ? base : dir, n) != 0 ||
			    strncmp(d->d_name + n, ".tmp", 4) != 0 ||
			    strlen(d->d_name + n) != 10 ||
			    unlinkat(dirfd(dp), d->d_name, 0) < 0)
				continue;
			wa_warn("%s.tmp%s: left by a run that died, removed", path,
			    d->d_name + n + 4);
		}
		closedir(dp);
	}
	free(dir);
	if (fd >= 0)
		close(fd);
}

static void
hashed(json_t *o, const char *key, const char *v)
{
	char h[WA_FORGOTBUF];

	wa_forget_hash(v, h);
	json_object_set_new(o, key, json_string(h));
}

/* Replace the string at KEY by its hash (a phone: of its same-user key). */
void
wa_forget_hashkey(json_t *o, const char *key)
{
	const char *v = wa_json_str(o, key);
	char e164[WA_PHONE_MAX], k[WA_PHONE_MAX];
	char *e;

	if (v == NULL || strncmp(v, "forgotten:", 10) == 0)
		return;
	if ((!strcmp(key, "to") || !strcmp(key, "from") || !strcmp(key, "phone")) &&
	    wa_phone_norm(v, NULL, e164) == WA_PHONE_OK) {
		wa_phone_key(e164, k);
		hashed(o, key, k);
	} else if (!strcmp(key, "email")) {
		e = wa_strdup(v);
		wa_lower(e);
		hashed(o, key, e);
		free(e);
	} else {
		hashed(o, key, v);
	}
}

/* A customer record becomes a stub: its counts, and nothing that names anyone. */
json_t *
wa_forget_stub(json_t *o)
{
	static const char *const keep[] = { "orders", "spent", "currency",
	    "first_order_at", "last_order_at", "last_fulfilled_at",
	    "orders_365d", "spent_365d", "source", "created_at", "tags",
	    "segment", "tier", "variant" };
	json_t *s = json_object();
	size_t i;

	hashed(s, "id", wa_json_str(o, "id") ? wa_json_str(o, "id") : "?");
	for (i = 0; i < sizeof keep / sizeof *keep; i++)
		if (json_object_get(o, keep[i]))
			json_object_set(s, keep[i], json_object_get(o, keep[i]));
	json_object_set_new(s, "opt_in", json_false());
	json_object_set_new(s, "forgotten", json_true());
	return s;
}

/* Does PATH hold a hash made with the salt? */
int
wa_forget_salted(const char *path)
{
	FILE *fp = wa_state_read(path);
	char *line = NULL;
	size_t cap = 0;
	int hit = 0;

	while (fp && !hit && getline(&line, &cap, fp) != -1)
		hit = strstr(line, "forgotten:") != NULL;
	free(line);
	if (fp)
		fclose(fp);
	return hit;
}

/*
 * The journeys' states (the bot's) hold numbers too, folded from the
 * spool: without them the next run folds the spool again, and the ledger
 * still sends each answer once.
 */
void
wa_forget_dropstates(void)
{
	char *pat = wa_home_path(WA_SF_JSTATE);
	glob_t gl;
	size_t i;

	if (glob(pat, 0, NULL, &gl) == 0) {
		for (i = 0; i < gl.gl_pathc; i++)
			if (unlink(gl.gl_pathv[i]) < 0 && errno != ENOENT)
				wa_die(WA_EXIT_FATAL, "%s: cannot remove:", gl.gl_pathv[i]);
		globfree(&gl);
	}
	free(pat);
}

void
wa_forget_dropconvs(void)
{
	static const int which[] = { WA_SF_CONVS, WA_SF_CONVITEMS };
	char *path;
	size_t i;

	for (i = 0; i < sizeof which / sizeof *which; i++) {
		path = wa_home_path(which[i]);
		if (unlink(path) < 0 && errno != ENOENT)
			wa_die(WA_EXIT_FATAL, "%s: cannot remove:", path);
		free(path);
	}
}

/* S with each of the person's addresses, in any case, as its hash, allocated; NULL if none is in S. */
static char *
unmailstr(const char *s, char *const *addr, size_t naddr)
{
	char h[WA_FORGOTBUF], *cur = wa_strdup(s);
	struct wa_buf b = { 0 };
	const char *p, *from;
	size_t i, n;

	for (i = 0; i < naddr; i++) {
		n = strlen(addr[i]);
		wa_forget_hash(addr[i], h);
		wa_buf_reset(&b);
		for (p = from = cur; *p; p++)
			if (strncasecmp(p, addr[i], n) == 0) {
				wa_buf_add(&b, from, (size_t)(p - from));
				wa_buf_adds(&b, h);
				from = p + n;
				p = from - 1;
			}
		if (from != cur) {
			wa_buf_adds(&b, from);
			free(cur);
			cur = wa_strdup(wa_buf_str(&b));
			s = NULL;
		}
	}
	wa_buf_free(&b);
	if (s != NULL) {
		free(cur);
		return NULL;
	}
	return cur;
}

/*
 * The addresses left in V's strings: wa-mail's key (CAMPAIGN/email:ADDR)
 * and an SMTP reply that names the address the mail went to.
 */
void
wa_forget_unmail(json_t *v, char *const *addr, size_t naddr)
{
	const char *k;
	json_t *e;
	size_t i;
	char *s;

	if (json_is_string(v) && (s = unmailstr(json_string_value(v), addr, naddr)) != NULL) {
		json_string_set(v, s);
		free(s);
	} else if (json_is_object(v)) {
		json_object_foreach(v, k, e)
			wa_forget_unmail(e, addr, naddr);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			wa_forget_unmail(e, addr, naddr);
	}
}

long
wa_forget_supp(const char *path, int email, char *const *keys, size_t n, int write, long *any)
{
	struct wa_hash *h = email ? wa_esupp_load(path) : wa_supp_load(path, NULL);
	char f[WA_FORGOTBUF];
	long hits = 0;
	size_t i;

	if (h == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", path);
	for (*any = 0, i = 0; i < n; i++) {
		*any += email ? wa_esupp_has(h, keys[i]) : wa_supp_has(h, keys[i]);
		/* listed as itself, not yet as a hash */
		if (!wa_hash_get(h, keys[i]))
			continue;
		hits++;
		wa_forget_hash(keys[i], f);
		if (write && (email ? wa_esupp_replace(path, keys[i], f) :
		    wa_supp_replace(path, keys[i], f)) < 0)
			wa_die(WA_EXIT_FATAL, "%s: cannot rewrite:", path);
	}
	wa_hash_free(h);
	return hits;
}
