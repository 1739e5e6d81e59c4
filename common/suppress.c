/*
 * suppress.c: the suppression list, a number a line. wa-send appends
 * (error 131050) while wa-hook appends (STOP) and rewrites (START): both
 * hold flock on the file the path names (wa_lock_current). People and
 * Meta write it too, so a line is read in any form they use.
 */
#include <sys/file.h>
#include <errno.h>
#include <fcntl.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "store.h"

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

/* A line's numbers: a wa_id may also read as a national number. */
struct line {
	char num[2][WA_PHONE_MAX];
	int n;			/* 0: none (blank, comment or hash) */
	int err;		/* why none could be read; WA_PHONE_OK if fine */
	char *hash;		/* a forgotten number's "forgotten:..." */
};

/*
 * Read LINE (changed in place): "+44 7700 900021", a wa_id such as
 * "447700900021", "tel:+44...", a national number in CC, with a trailing
 * comma, a "# comment" or CRLF. Digits without '+' are both a wa_id and a
 * national number of CC when both fit: the list suppresses both, for a
 * message not sent costs less than one to someone who said STOP.
 */
static void
parse(char *line, const char *cc, struct line *l)
{
	char *p = line, *e, intl[WA_PHONE_MAX + 1];

	l->n = 0;
	l->err = WA_PHONE_OK;
	l->hash = NULL;
	line[strcspn(line, "#")] = '\0';
	p += strspn(p, " \t\"");
	for (e = p + strlen(p); e > p && strchr(" \t\r\n,;\"", e[-1]); e--)
		;
	*e = '\0';
	if (*p == '\0')
		return;
	if (strncmp(p, FORGOTTEN, 10) == 0) {
		l->hash = p;
		return;
	}
	if (strncasecmp(p, "tel:", 4) == 0) {
		p += 4;
		p[strcspn(p, ";")] = '\0';	/* RFC 3966 parameters */
	}
	if (*p != '+' && *p != '0' &&
	    snprintf(intl, sizeof intl, "+%s", p) < (int)sizeof intl &&
	    wa_phone_norm(intl, NULL, l->num[0]) == WA_PHONE_OK)
		l->n = 1;
	if ((l->err = wa_phone_norm(p, cc, l->num[l->n])) == WA_PHONE_OK &&
	    (l->n == 0 || strcmp(l->num[0], l->num[1]) != 0))
		l->n++;
	if (l->n > 0)
		l->err = WA_PHONE_OK;
}

/*
 * Call FN on each number of the list in FP until it returns nonzero; the
 * hashes of forgotten numbers go to HASHES when not NULL. A line that
 * reads as no number is warned about (as line LINE of PATH) when PATH is
 * not NULL. It cannot suppress anyone, since no one can tell whom it
 * means; stopping every campaign for it would not bring its person back
 * either, while the warning names the line to fix, at every run.
 */
static int
each(FILE *fp, const char *path, const char *cc,
    int (*fn)(const char *e164, void *), void *ctx, struct wa_hash *hashes)
{
	char *line = NULL;
	struct line l;
	size_t cap = 0;
	long no = 0;
	int i, rc = 0;

	while (rc == 0 && getline(&line, &cap, fp) != -1) {
		no++;
		parse(line, cc, &l);
		for (i = 0; i < l.n && rc == 0; i++)
			rc = fn(l.num[i], ctx);
		if (l.hash && hashes)
			wa_supp_forgotten(hashes, l.hash);
		if (l.err != WA_PHONE_OK && path)
			wa_warnat(path, no, "not read, suppresses nobody: %s%s",
			    wa_phone_strerror(l.err), l.err == WA_PHONE_NOCOUNTRY ?
			    " (give --country)" : "");
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
wa_supp_forgotten(struct wa_hash *h, const char *s)
{
	if (strncmp(s, FORGOTTEN, 10) != 0)
		return 0;
	wa_hash_put(h, s, (void *)1);
	wa_hash_put(h, ANYHASH, (void *)1);
	return 1;
}

int
wa_supp_hashed(struct wa_hash *h, const char *key)
{
	char f[WA_FORGOTBUF];

	if (wa_hash_get(h, key))
		return 1;
	if (!wa_hash_get(h, ANYHASH) || wa_forget_salt(0) < 0)
		return 0;
	wa_forget_hash(key, f);
	return wa_hash_get(h, f) != NULL;
}

int
wa_supp_has(struct wa_hash *h, const char *e164)
{
	char k[WA_PHONE_MAX];

	wa_phone_key(e164, k);
	return wa_supp_hashed(h, k);
}

void
wa_supp_needsalt(struct wa_hash *h, const char *path)
{
	int e;

	/* without their salt the forgotten entries would all be let through */
	if (wa_forget_salt(0) < 0 &&
	    ((e = errno) != ENOENT || wa_hash_get(h, ANYHASH))) {
		wa_hash_free(h);
		wa_die(WA_EXIT_USAGE, "%s/%s: %s; the forgotten entries of %s "
		    "need it: restore it from a backup", wa_home(),
		    wa_statefiles[WA_SF_SALT].name, e == ENOENT ? "missing" :
		    "not a salt", path);
	}
}

struct wa_hash *
wa_supp_load(const char *path, const char *cc)
{
	struct wa_hash *h = wa_hash_new();
	FILE *fp;

	if ((fp = wa_state_read(path)) == NULL) {
		if (errno == ENOENT)
			return h;
		wa_hash_free(h);
		return NULL;
	}
	each(fp, path, cc, putkey, h, h);
	fclose(fp);
	wa_supp_needsalt(h, path);
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
	if (each(fp, NULL, NULL, matches, (void *)e164, NULL) == 0) {
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

/* Does LINE name the same user as E164? */
static int
samenum(char *line, const void *e164)
{
	struct line l;

	parse(line, NULL, &l);
	return (l.n > 0 && wa_phone_same(l.num[0], e164)) ||
	    (l.n > 1 && wa_phone_same(l.num[1], e164));
}

int
wa_supp_replace(const char *path, const char *e164, const char *with)
{
	int fd, gone;

	if ((fd = lockfile(path)) < 0)
		return -1;
	/* other lines, comments included, stay as they were */
	gone = wa_rewrite_lines(fd, path, samenum, e164, with);
	close(fd);
	return gone;
}
