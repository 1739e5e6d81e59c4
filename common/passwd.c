/*
 * passwd.c: the agents' passwords, as a "pw=scrypt$N$r$p$SALT$HASH" word
 * in the agent's line of the agents file (agents.c reads past it). scrypt
 * as its cost is memory as well as time, which a guesser's GPU pays too;
 * the cost is in each hash, so that it can be raised for new passwords
 * while old ones still check.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "wa.h"
#include "web.h"

/* 32 MiB and about 0.1 s a try: a login's price, 2^15 a guesser's. */
#define PW_N 32768
#define PW_R 8
#define PW_P 1
#define SALTLEN 16
#define HASHLEN 32
#define MAXMEM (256UL << 20)	/* what a hand-edited cost may ask at most */

struct pwhash {
	unsigned long long n;
	unsigned long r, p;
	unsigned char salt[SALTLEN], hash[HASHLEN];
};

/* Is the cost one we will pay: N a power of 2, memory (128 N r p) within MAXMEM? */
static int
costok(const struct pwhash *h)
{
	return h->n >= 1024 && (h->n & (h->n - 1)) == 0 && h->r >= 1 && h->r <= 64 &&
	    h->p >= 1 && h->p <= 16 && 128ULL * h->n * h->r * h->p <= MAXMEM / 2;
}

/* "scrypt$N$r$p$SALT$HASH" (after "pw=") into H; 0 or -1. */
static int
parse(const char *s, struct pwhash *h)
{
	const char *e;
	int k = 0;

	if (sscanf(s, "scrypt$%llu$%lu$%lu$%n", &h->n, &h->r, &h->p, &k) != 3 || k == 0)
		return -1;
	s += k;
	if (wa_hex_dec(s, h->salt, SALTLEN) < 0 || s[2 * SALTLEN] != '$')
		return -1;
	s += 2 * SALTLEN + 1;
	e = s + 2 * HASHLEN;
	if (wa_hex_dec(s, h->hash, HASHLEN) < 0 || (*e && !strchr(" \t\r\n", *e)))
		return -1;
	return costok(h) ? 0 : -1;
}

static int
scrypt(const char *pw, const struct pwhash *h, unsigned char out[HASHLEN])
{
	return EVP_PBE_scrypt(pw, strlen(pw), h->salt, SALTLEN, h->n, h->r, h->p,
	    MAXMEM, out, HASHLEN) == 1 ? 0 : -1;
}

/* Is the first word of LINE NAME? */
static int
isagent(const char *line, const char *name)
{
	size_t n = strlen(name);

	line += strspn(line, " \t");
	return *line != '#' && strncmp(line, name, n) == 0 &&
	    (line[n] == '\0' || strchr(" \t\r\n", line[n]));
}

/* The start of LINE's "pw=" word, or NULL. */
static char *
pwword(char *line)
{
	char *p = line;

	while ((p = strstr(p, "pw=")) != NULL) {
		if (p > line && (p[-1] == ' ' || p[-1] == '\t'))
			return p;
		p += 3;
	}
	return NULL;
}

int
wa_pw_check(const char *path, const char *agent, const char *pw)
{
	struct pwhash h = { PW_N, PW_R, PW_P, { 0 }, { 0 } };
	unsigned char got[HASHLEN];
	char *line = NULL, *w;
	size_t cap = 0;
	int found = 0, ok;
	FILE *fp;

	if (agent && *agent && (fp = wa_state_read(path)) != NULL) {
		while (!found && getline(&line, &cap, fp) > 0)
			if (isagent(line, agent))
				found = (w = pwword(line)) != NULL && parse(w + 3, &h) == 0;
		fclose(fp);
	}
	if (line)
		OPENSSL_cleanse(line, cap);
	free(line);
	if (!found)
		h = (struct pwhash){ PW_N, PW_R, PW_P, { 0 }, { 0 } };
	/* the same work with no hash to match, so that the time tells nothing */
	ok = scrypt(pw ? pw : "", &h, got) == 0 && CRYPTO_memcmp(got, h.hash, HASHLEN) == 0;
	OPENSSL_cleanse(got, sizeof got);
	return found && ok;
}

/* The word "pw=scrypt$..." of a new hash of PW, into WORD. */
static int
newword(const char *pw, char *word, size_t sz)
{
	struct pwhash h = { PW_N, PW_R, PW_P, { 0 }, { 0 } };
	char salt[2 * SALTLEN + 1], hash[2 * HASHLEN + 1];

	if (getrandom(h.salt, SALTLEN, 0) != SALTLEN || scrypt(pw, &h, h.hash) < 0)
		return -1;
	wa_hex_enc(salt, h.salt, SALTLEN);
	wa_hex_enc(hash, h.hash, HASHLEN);
	snprintf(word, sz, "pw=scrypt$%llu$%lu$%lu$%s$%s", h.n, h.r, h.p, salt, hash);
	OPENSSL_cleanse(&h, sizeof h);
	return 0;
}

/* LINE with its pw= word replaced by WORD, or " WORD" added at its end (before its newline), to OUT. */
static void
putline(FILE *out, char *line, const char *word)
{
	char *p = pwword(line), *end;
	size_t n;

	if (p) {
		fwrite(line, 1, (size_t)(p - line), out);
		fputs(word, out);
		fputs(p + strcspn(p, " \t\r\n"), out);
		return;
	}
	n = strcspn(line, "\r\n");
	end = line + n;
	fwrite(line, 1, n, out);
	putc(' ', out);
	fputs(word, out);
	fputs(end, out);
}

/* Copy IN to OUT with AGENT's line given WORD; did it have one? */
static int
copy(FILE *in, FILE *out, const char *agent, const char *word)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int found = 0;

	while ((n = getline(&line, &cap, in)) > 0) {
		if (!found && isagent(line, agent)) {
			found = 1;
			putline(out, line, word);
		} else
			fwrite(line, 1, (size_t)n, out);
	}
	if (line)
		OPENSSL_cleanse(line, cap);
	free(line);
	return found;
}

/* Rewrite PATH (locked by FD) with AGENT's WORD; 0, 2 or 3 (the reason in ERR). */
static int
rewrite(const char *path, int fd, const char *agent, const char *word,
    char *err, size_t errsz)
{
	struct stat st;
	FILE *in, *out;
	char *tmp;
	int found;

	if (fstat(fd, &st) < 0 || (in = wa_state_read(path)) == NULL)
		return wa_seterr(err, errsz, "%s: %s", path, strerror(errno)), 3;
	if ((out = wa_rewrite_open(path, &tmp)) == NULL) {
		fclose(in);
		return wa_seterr(err, errsz, "%s: %s", path, strerror(errno)), 3;
	}
	found = copy(in, out, agent, word);
	if (ferror(in) || fchmod(fileno(out), st.st_mode & 07777) < 0) {
		fclose(in), fclose(out), unlink(tmp), free(tmp);
		return wa_seterr(err, errsz, "%s: %s", path, strerror(errno)), 3;
	}
	fclose(in);
	if (!found) {
		fclose(out), unlink(tmp), free(tmp);
		return wa_seterr(err, errsz, "%s: no agent '%s'", path, agent), 2;
	}
	if (wa_rewrite_commit(out, tmp, path) < 0)
		return wa_seterr(err, errsz, "%s: %s", path, strerror(errno)), 3;
	return 0;
}

int
wa_pw_set(const char *path, const char *agent, const char *pw, char *err,
    size_t errsz)
{
	char word[3 + 64 + 2 * SALTLEN + 2 * HASHLEN];
	int fd, rc;

	if (wa_utf8_chars(pw) < WA_PW_MIN)
		return wa_seterr(err, errsz, "a password of %d characters at least", WA_PW_MIN), 2;
	if (strpbrk(pw, "\r\n"))
		return wa_seterr(err, errsz, "a password on one line"), 2;
	/* the file itself is the lock, taken on the file its path names */
	if ((fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		if (errno == ENOENT)
			return wa_seterr(err, errsz, "%s: no agents file: no agent '%s'", path, agent), 2;
		return wa_seterr(err, errsz, "%s: %s", path, strerror(errno)), 3;
	}
	if (wa_lock_current(&fd, path, LOCK_EX) < 0) {
		close(fd);
		return wa_seterr(err, errsz, "%s: %s", path, strerror(errno)), 3;
	}
	if (newword(pw, word, sizeof word) < 0)
		rc = (wa_seterr(err, errsz, "scrypt or getrandom failed"), 3);
	else
		rc = rewrite(path, fd, agent, word, err, errsz);
	OPENSSL_cleanse(word, sizeof word);
	close(fd);
	return rc;
}

/* A line of FP without its newline, or NULL at the end. */
static char *
readline(FILE *fp)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if ((n = getline(&line, &cap, fp)) < 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

static struct termios echoing;	/* the terminal as it was, for a signal */
static const int quitsigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP };

/* Interrupted while not echoing: the terminal echoes again, then the signal does what it does. */
static void
restore(int sig)
{
	tcsetattr(0, TCSAFLUSH, &echoing);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* PROMPT on stderr, then a line of the terminal on stdin, not echoed. */
static char *
ask(const char *prompt)
{
	struct sigaction sa, old[sizeof quitsigs / sizeof *quitsigs];
	struct termios quiet;
	char *line;
	size_t i;

	if (tcgetattr(0, &echoing) < 0)
		return NULL;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = restore;
	for (i = 0; i < sizeof quitsigs / sizeof *quitsigs; i++)
		sigaction(quitsigs[i], &sa, &old[i]);
	quiet = echoing;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	/* the prompt once the echo is off: what is typed after it is not flushed */
	line = NULL;
	if (tcsetattr(0, TCSAFLUSH, &quiet) == 0) {
		fputs(prompt, stderr);
		fflush(stderr);
		line = readline(stdin);
	}
	tcsetattr(0, TCSAFLUSH, &echoing);
	for (i = 0; i < sizeof quitsigs / sizeof *quitsigs; i++)
		sigaction(quitsigs[i], &old[i], NULL);
	fputc('\n', stderr);
	return line;
}

char *
wa_pw_read(char *err, size_t errsz)
{
	char *a, *b;

	if (!isatty(0)) {
		if ((a = readline(stdin)) == NULL)
			wa_seterr(err, errsz, "no password on the standard input");
		return a;
	}
	if ((a = ask("New password: ")) == NULL) {
		wa_seterr(err, errsz, "no password read");
		return NULL;
	}
	if ((b = ask("Again: ")) == NULL || strcmp(a, b) != 0) {
		wa_seterr(err, errsz, "the two passwords differ");
		wa_secret_free(a);
		wa_secret_free(b);
		return NULL;
	}
	wa_secret_free(b);
	return a;
}
