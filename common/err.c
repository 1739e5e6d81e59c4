/* err.c: diagnostics, exit status and allocation for every wa-* program. */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"

const char *wa_prog = "wa";
int wa_status;
static size_t shownlen;	/* the transient line on the terminal, 0 when none */

/*
 * The program's name without its directory, also in argv[0], so that
 * getopt's messages and ours say "wa-hook:" however it was started.
 */
void
wa_init(int *argc, char ***argv)
{
	const char *p = strrchr((*argv)[0], '/');

	wa_init_name(p ? p + 1 : (*argv)[0]);
	(*argv)[0] = (char *)wa_prog;
	(void)argc;
}

void
wa_init_name(const char *name)
{
	wa_prog = name;
	/* Regular expressions see characters, not bytes: é matches É. */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");
	/* One write a message, even when many records go wrong. */
	setvbuf(stderr, NULL, _IOLBF, 0);
	/* A closed pipe shows up as a write error at wa_finish, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	/* ulimit -f shows up as a write error (EFBIG) to report, not a death by signal */
	signal(SIGXFSZ, SIG_IGN);
}

/* One position format for every diagnostic: FILE:LINE: or FILE:LINE:COL: */
static void
vwarn(const char *file, long line, int col, const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);

	wa_progress_line(NULL);
	fprintf(stderr, "%s: ", wa_prog);
	if (file && col > 0)
		fprintf(stderr, "%s:%ld:%d: ", file, line, col);
	else if (file && line > 0)
		fprintf(stderr, "%s:%ld: ", file, line);
	else if (file)
		fprintf(stderr, "%s: ", file);
	vfprintf(stderr, fmt, ap);
	if (n > 0 && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
}

/*
 * Spaces, not an escape sequence, rub out what the last line had beyond the
 * new one: every terminal knows them, TERM=dumb included.
 */
void
wa_progress_line(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (s == NULL && shownlen == 0)
		return;
	if (s == NULL)
		fprintf(stderr, "\r%*s\r", (int)shownlen, "");
	else
		fprintf(stderr, "\r%s%*s", s, shownlen > n ? (int)(shownlen - n) : 0, "");
	/* stderr is line-buffered, and this line has no newline */
	fflush(stderr);
	shownlen = n;
}

char *
wa_fmtcount(long long n, char buf[WA_COUNTBUF])
{
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n :
	    (unsigned long long)n;
	char d[24];
	int len = snprintf(d, sizeof d, "%llu", u), i, j = 0;

	if (n < 0)
		buf[j++] = '-';
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[j++] = ',';
		buf[j++] = d[i];
	}
	buf[j] = '\0';
	return buf;
}

void
wa_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(NULL, 0, 0, fmt, ap);
	va_end(ap);
}

void
wa_warnat(const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(file, line, 0, fmt, ap);
	va_end(ap);
}

void
wa_warnpos(const char *file, long line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(file, line, col, fmt, ap);
	va_end(ap);
}

void
wa_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(NULL, 0, 0, fmt, ap);
	va_end(ap);
	exit(status);
}

void
wa_fail(int status)
{
	if (status > wa_status)
		wa_status = status;
}

void *
wa_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		wa_die(WA_EXIT_FATAL, "out of memory");
	return p;
}

void *
wa_calloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (p == NULL)
		wa_die(WA_EXIT_FATAL, "out of memory");
	return p;
}

void *
wa_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		wa_die(WA_EXIT_FATAL, "out of memory");
	return p;
}

void *
wa_grow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 256;
	return wa_realloc(p, *cap * size);
}

char *
wa_strdup(const char *s)
{
	return wa_strndup(s, strlen(s));
}

char *
wa_strndup(const char *s, size_t n)
{
	char *p = wa_malloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
wa_strjoin(const char *a, const char *sep, const char *b)
{
	size_t na = strlen(a), ns = strlen(sep), nb = strlen(b);
	char *p = wa_malloc(na + ns + nb + 1);

	memcpy(p, a, na);
	memcpy(p + na, sep, ns);
	memcpy(p + na + ns, b, nb + 1);
	return p;
}

char *
wa_strdup0(const char *s)
{
	return s && *s ? wa_strdup(s) : NULL;
}

void
wa_strset(char **dst, const char *s)
{
	if (s && *s) {
		free(*dst);
		*dst = wa_strdup(s);
	}
}

int
wa_finish(void)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		wa_warn("error writing output:");
		return WA_EXIT_FATAL;
	}
	return wa_status;
}

void
wa_version(void)
{
	printf("%s %s\n", wa_prog, WA_VERSION);
	exit(wa_finish());
}

int
wa_seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errsz > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return -1;
}
