/*
 * sessions.c: the web inbox's sessions, in $WA_HOME/web-sessions, a line
 * each: "SHA256(ID) AGENT CREATED LASTSEEN". The id itself lives only in
 * the agent's cookie, so that whoever reads the file (or a backup of it)
 * cannot log in. The file is the truth: each change is made under its
 * lock to what the file says now, then written and renamed, and a server
 * reads it again when its inode or time changed, which is how
 * `wa-inbox logout-all` reaches a running server.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "wa.h"
#include "web.h"

#define IDLEN 32
/* a session's last use is written at most this often: a request is not a disk write */
#define SEENEVERY 60

struct sess {
	unsigned char h[IDLEN];	/* sha256 of the id */
	char *agent;
	time_t created, seen, saved;	/* saved: the last use the file holds */
};

struct wa_sessions {
	char *path;
	long idle;		/* <= 0: never expire (logout-all) */
	struct sess *s;
	size_t n, cap;
	struct stat st;		/* the file as last read or written */
	int have;		/* st is set */
	unsigned char key[32];	/* CSRF tokens', this server's, random */
};

/* Exactly 2N lower-case hex digits S, nothing after, into P; 0 or -1. */
static int
fromhex(const char *s, unsigned char *p, size_t n)
{
	return wa_hex_dec(s, p, n) == 0 && s[2 * n] == '\0' ? 0 : -1;
}

/* The file's hash of session id SID (hex); -1 for what is no id. */
static int
idhash(const char *sid, unsigned char h[IDLEN])
{
	unsigned char id[IDLEN];
	unsigned len;
	int rc;

	if (sid == NULL || fromhex(sid, id, IDLEN) < 0)
		return -1;
	rc = EVP_Digest(id, IDLEN, h, &len, EVP_sha256(), NULL) == 1 ? 0 : -1;
	OPENSSL_cleanse(id, sizeof id);
	return rc;
}

static struct sess *
find(struct wa_sessions *s, const unsigned char h[IDLEN])
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (memcmp(s->s[i].h, h, IDLEN) == 0)
			return &s->s[i];
	return NULL;
}

static void
drop(struct wa_sessions *s, struct sess *x)
{
	free(x->agent);
	*x = s->s[--s->n];
}

static void
clear(struct wa_sessions *s)
{
	while (s->n)
		drop(s, &s->s[s->n - 1]);
}

/* One line of the file into S; a line that does not read is left out. */
static void
addline(struct wa_sessions *s, char *line, const struct sess *old, size_t nold)
{
	char hex[2 * IDLEN + 1], agent[256];
	long long c, seen;
	struct sess x = { 0 };
	size_t i;

	if (sscanf(line, "%64s %255s %lld %lld", hex, agent, &c, &seen) != 4 ||
	    fromhex(hex, x.h, IDLEN) < 0 || find(s, x.h))
		return;
	x.created = (time_t)c;
	x.seen = x.saved = (time_t)seen;
	/* a use this server saw but did not write yet still counts */
	for (i = 0; i < nold; i++)
		if (memcmp(old[i].h, x.h, IDLEN) == 0 && old[i].seen > x.seen)
			x.seen = old[i].seen;
	x.agent = wa_strdup(agent);
	s->s = wa_grow(s->s, &s->cap, s->n, sizeof *s->s);
	s->s[s->n++] = x;
}

/* Read the file again (missing: no sessions); 0, or -1 with errno. */
static int
load(struct wa_sessions *s)
{
	struct wa_sessions old = *s;
	char *line = NULL;
	size_t cap = 0;
	FILE *fp;
	int err = 0, got;

	s->s = NULL, s->n = s->cap = 0;
	if ((got = (fp = wa_state_read(s->path)) != NULL)) {
		while (getline(&line, &cap, fp) > 0)
			addline(s, line, old.s, old.n);
		free(line);
		err = ferror(fp) || fstat(fileno(fp), &s->st) < 0;
		fclose(fp);
	} else
		err = errno != ENOENT;
	if (err) {
		clear(s);
		free(s->s);
		s->s = old.s, s->n = old.n, s->cap = old.cap;	/* as it was */
		return -1;
	}
	s->have = got;
	clear(&old);
	free(old.s);
	return 0;
}

/* Has the file changed since we read or wrote it? */
static int
changed(struct wa_sessions *s)
{
	struct stat st;

	if (stat(s->path, &st) < 0)
		return s->have;
	return !s->have || st.st_ino != s->st.st_ino || st.st_dev != s->st.st_dev ||
	    st.st_size != s->st.st_size || st.st_mtim.tv_sec != s->st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != s->st.st_mtim.tv_nsec;
}

/* Write the sessions not expired at NOW (0: all) over the file. 0 or -1. */
static int
save(struct wa_sessions *s, time_t now)
{
	struct stat st;
	FILE *fp;
	char *tmp, hex[2 * IDLEN + 1];
	size_t i;

	if ((fp = wa_rewrite_open(s->path, &tmp)) == NULL)
		return -1;
	for (i = 0; i < s->n; i++) {
		struct sess *x = &s->s[i];

		if (s->idle > 0 && now > 0 && now - x->seen > s->idle)
			continue;
		wa_hex_enc(hex, x->h, IDLEN);
		fprintf(fp, "%s %s %lld %lld\n", hex, x->agent, (long long)x->created,
		    (long long)x->seen);
		x->saved = x->seen;
	}
	/* the file as renamed, not as another writer may make it right after */
	s->have = fflush(fp) == 0 && fstat(fileno(fp), &st) == 0;
	if (wa_rewrite_commit(fp, tmp, s->path) < 0)
		return s->have = 0, -1;
	if (s->have)
		s->st = st;
	return 0;
}

/*
 * FN(S, ARG) on the sessions as the file has them now, under its lock,
 * then written back when FN returns more than 0. FN's value, or -1.
 */
static long
change(struct wa_sessions *s, time_t now,
    long (*fn)(struct wa_sessions *, void *), void *arg)
{
	long rc;
	int fd;

	if ((fd = open(s->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
		return -1;
	if (wa_lock_current(&fd, s->path, LOCK_EX) < 0 || load(s) < 0) {
		close(fd);
		return -1;
	}
	if ((rc = fn(s, arg)) > 0 && save(s, now) < 0)
		rc = -1;
	close(fd);
	return rc;
}

struct wa_sessions *
wa_sess_open(const char *path, long idle)
{
	struct wa_sessions *s = wa_calloc(1, sizeof *s);

	s->path = wa_strdup(path);
	s->idle = idle;
	if (getrandom(s->key, sizeof s->key, 0) != sizeof s->key || load(s) < 0) {
		wa_sess_close(s);
		return NULL;
	}
	return s;
}

void
wa_sess_close(struct wa_sessions *s)
{
	if (s == NULL)
		return;
	clear(s);
	free(s->s);
	OPENSSL_cleanse(s->key, sizeof s->key);
	free(s->path);
	free(s);
}

static long
addnew(struct wa_sessions *s, void *arg)
{
	struct sess x = *(struct sess *)arg;

	x.agent = wa_strdup(x.agent);
	s->s = wa_grow(s->s, &s->cap, s->n, sizeof *s->s);
	s->s[s->n++] = x;
	return 1;
}

int
wa_sess_new(struct wa_sessions *s, const char *agent, time_t now,
    char sid[WA_SID_HEX])
{
	unsigned char id[IDLEN];
	struct sess x = { 0 };
	unsigned len;

	sid[0] = '\0';
	if (agent == NULL || *agent == '\0' || strpbrk(agent, " \t\r\n") ||
	    strlen(agent) > 255)
		return -1;
	if (getrandom(id, IDLEN, 0) != IDLEN ||
	    EVP_Digest(id, IDLEN, x.h, &len, EVP_sha256(), NULL) != 1)
		return -1;
	x.agent = (char *)agent;
	x.created = x.seen = now;
	if (change(s, now, addnew, &x) < 0) {
		OPENSSL_cleanse(id, sizeof id);
		return -1;
	}
	wa_hex_enc(sid, id, IDLEN);
	OPENSSL_cleanse(id, sizeof id);
	return 0;
}

static long
endone(struct wa_sessions *s, void *arg)
{
	struct sess *x = find(s, arg);

	if (x == NULL)
		return 0;
	drop(s, x);
	return 1;
}

static long
touch(struct wa_sessions *s, void *arg)
{
	return find(s, arg) != NULL;	/* the seen times merged by load */
}

const char *
wa_sess_agent(struct wa_sessions *s, const char *sid, time_t now)
{
	unsigned char h[IDLEN];
	struct sess *x;

	if (idhash(sid, h) < 0)
		return NULL;
	if (changed(s) && load(s) < 0)
		return NULL;
	if ((x = find(s, h)) == NULL)
		return NULL;
	if (s->idle > 0 && now - x->seen > s->idle) {
		change(s, now, endone, h);
		return NULL;
	}
	x->seen = now;
	if (now - x->saved >= SEENEVERY)
		change(s, now, touch, h);
	/* a change may have read the file again: find it anew */
	return (x = find(s, h)) ? x->agent : NULL;
}

void
wa_sess_end(struct wa_sessions *s, const char *sid)
{
	unsigned char h[IDLEN];

	if (idhash(sid, h) == 0)
		change(s, 0, endone, h);
}

static long
endagent(struct wa_sessions *s, void *arg)
{
	long n = 0;
	size_t i;

	for (i = s->n; i-- > 0;)
		if (strcmp(s->s[i].agent, arg) == 0) {
			drop(s, &s->s[i]);
			n++;
		}
	return n;
}

long
wa_sess_end_agent(const char *path, const char *agent)
{
	struct wa_sessions *s;
	long n;

	if ((s = wa_sess_open(path, 0)) == NULL)
		return -1;
	n = change(s, 0, endagent, (void *)agent);
	wa_sess_close(s);
	return n;
}

void
wa_csrf_token(struct wa_sessions *s, const char *sid, char tok[WA_SID_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	tok[0] = '\0';
	if (sid == NULL || HMAC(EVP_sha256(), s->key, sizeof s->key,
	    (const unsigned char *)sid, strlen(sid), md, &len) == NULL || len != IDLEN)
		return;
	wa_hex_enc(tok, md, IDLEN);
}

int
wa_csrf_ok(struct wa_sessions *s, const char *sid, const char *tok)
{
	char want[WA_SID_HEX];
	int ok;

	if (tok == NULL || strlen(tok) != 2 * IDLEN)
		return 0;
	wa_csrf_token(s, sid, want);
	ok = want[0] != '\0' && CRYPTO_memcmp(want, tok, 2 * IDLEN) == 0;
	OPENSSL_cleanse(want, sizeof want);
	return ok;
}
