/*
 * segread.c: a log's segments (segments.c) read back as one stream: those
 * that may hold a time of the window, as the folder's index says, then the
 * live file, under the folder's shared lock so that no roll comes between.
 */
#include <sys/file.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "wa.h"
#include "segments-int.h"

struct wa_segs {
	int dfd;		/* the folder, locked */
	char **paths;
	size_t n, cur;
	gzFile gz;
	int bad;
};

/* Might segment V hold a time in [SINCE, UNTIL), as the index IX says? */
static int
inwindow(FILE *ix, const struct seg *v, time_t since, time_t until)
{
	const char *base = strrchr(v->path, '/') + 1;
	size_t blen = strlen(base) - (v->gz ? 9 : 6);
	char buf[256], name[64], a[64], b[64];
	time_t first, last;

	if (ix == NULL || (since == 0 && until == 0))
		return 1;
	rewind(ix);
	/* by lines: a line may carry more fields than these */
	while (fgets(buf, sizeof buf, ix) != NULL)
		if (sscanf(buf, "%63s %63s %63s", name, a, b) == 3 &&
		    strlen(name) == blen && strncmp(name, base, blen) == 0 &&
		    wa_time_parse(a, WA_DATES_ANY, &first) == 0 &&
		    wa_time_parse(b, WA_DATES_ANY, &last) == 0)
			return last >= since && (until == 0 || first < until);
	return 1;
}

/* Take the segments of DIR that may hold a time of the window into S. */
static void
pick(struct wa_segs *s, const char *dir, time_t since, time_t until)
{
	char *ixpath = wa_strjoin(dir, "/", "index");
	FILE *ix = wa_state_read(ixpath);
	size_t n, i, cap = 0;
	struct seg *v = wa_seg_list(dir, &n);

	for (i = 0; i < n; i++) {
		if (i > 0 && wa_seg_same(&v[i - 1], &v[i]))
			continue;	/* a plain copy of the .gz before it */
		if (!inwindow(ix, &v[i], since, until))
			continue;
		s->paths = wa_grow(s->paths, &cap, s->n, sizeof *s->paths);
		s->paths[s->n++] = v[i].path;
		v[i].path = NULL;
	}
	if (ix)
		fclose(ix);
	free(ixpath);
	wa_seg_free(v, n);
	s->paths = wa_grow(s->paths, &cap, s->n, sizeof *s->paths);
}

struct wa_segs *
wa_segs_open(const char *live, time_t since, time_t until, int flags)
{
	struct wa_segs *s = wa_calloc(1, sizeof *s);
	char *dir = wa_seg_dir(live);

	s->dfd = wa_seg_lock(dir, flags & WA_SEGS_EX ? LOCK_EX : LOCK_SH, 0);
	if (s->dfd < 0 && errno != ENOENT) {
		free(dir);
		free(s);
		return NULL;
	}
	if (s->dfd >= 0)
		pick(s, dir, since, until);
	else
		s->paths = wa_calloc(1, sizeof *s->paths);
	if (!(flags & WA_SEGS_NOLIVE) && access(live, F_OK) == 0)
		s->paths[s->n++] = wa_strdup(live);
	free(dir);
	return s;
}

struct wa_segs *
wa_segs_one(const char *path)
{
	struct wa_segs *s = wa_calloc(1, sizeof *s);

	s->dfd = -1;
	s->paths = wa_calloc(1, sizeof *s->paths);
	s->paths[s->n++] = wa_strdup(path);
	return s;
}

size_t
wa_segs_count(const struct wa_segs *s)
{
	return s->n;
}

const char *
wa_segs_path(const struct wa_segs *s, size_t i)
{
	return s->paths[i];
}

const char *
wa_segs_file(const struct wa_segs *s)
{
	return s->cur > 0 ? s->paths[s->cur - 1] : s->n ? s->paths[0] : "";
}

/* Open the next file; 0 at the end of them all. */
static int
nextfile(struct wa_segs *s)
{
	int fd;

	while (s->cur < s->n) {
		fd = open(s->paths[s->cur++], O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0 || (s->gz = gzdopen(fd, "rb")) == NULL) {
			if (fd >= 0)
				close(fd);
			s->bad = 1;
			return -1;
		}
		gzbuffer(s->gz, 128 * 1024);
		return 1;
	}
	return 0;
}

ssize_t
wa_segs_line(struct wa_segs *s, char **line, size_t *cap)
{
	size_t len = 0;
	int r;

	for (;;) {
		if (s->gz == NULL && (r = nextfile(s)) <= 0)
			return len ? (ssize_t)len : -1;
		if (*cap - len < 2) {
			*cap = *cap ? *cap * 2 : 4096;
			*line = wa_realloc(*line, *cap);
		}
		if (gzgets(s->gz, *line + len, (int)(*cap - len)) == NULL) {
			/* a .gz cut short ends with Z_BUF_ERROR, not at its end */
			gzerror(s->gz, &r);
			if (r != Z_OK || !gzeof(s->gz))
				s->bad = 1;
			gzclose(s->gz);
			s->gz = NULL;
			if (s->bad)
				return -1;
			if (len)
				return (ssize_t)len;
			continue;
		}
		len += strlen(*line + len);
		if (len > 0 && (*line)[len - 1] == '\n')
			return (ssize_t)len;
	}
}

int
wa_segs_error(const struct wa_segs *s)
{
	return s->bad;
}

void
wa_segs_close(struct wa_segs *s)
{
	size_t i;

	if (s == NULL)
		return;
	if (s->gz)
		gzclose(s->gz);
	for (i = 0; i < s->n; i++)
		free(s->paths[i]);
	free(s->paths);
	if (s->dfd >= 0)
		close(s->dfd);
	free(s);
}
