/* state.c: the state directory and files that must survive a crash. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wa.h"

/* mkdir -p, with MODE for the last component. */
static int
mkdirs(char *path, mode_t mode)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, mode) < 0 && errno != EEXIST ? -1 : 0;
}

const char *
wa_home(void)
{
	static char path[PATH_MAX];
	const char *h, *x;
	int n;

	if (path[0])
		return path;
	if ((h = getenv("WA_HOME")) != NULL && *h)
		n = snprintf(path, sizeof path, "%s", h);
	else if ((x = getenv("XDG_STATE_HOME")) != NULL && *x)
		n = snprintf(path, sizeof path, "%s/wa", x);
	else if ((h = getenv("HOME")) != NULL && *h)
		n = snprintf(path, sizeof path, "%s/.local/state/wa", h);
	else
		wa_die(WA_EXIT_USAGE, "no state directory: set WA_HOME or HOME");
	if (n < 0 || (size_t)n >= sizeof path)
		wa_die(WA_EXIT_USAGE, "state directory path too long");
	if (mkdirs(path, 0700) < 0)
		wa_die(WA_EXIT_FATAL, "cannot create state directory '%s':", path);
	return path;
}

int
wa_append(const char *path, const char *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	ssize_t w;

	if (fd < 0)
		return -1;
	while (n > 0) {
		if ((w = write(fd, p, n)) < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			close(fd);
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	if (fsync(fd) < 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

FILE *
wa_rewrite_open(const char *path, char **tmp)
{
	size_t n = strlen(path) + sizeof ".tmpXXXXXX";
	FILE *fp;
	int fd;

	*tmp = wa_malloc(n);
	snprintf(*tmp, n, "%s.tmpXXXXXX", path);
	if ((fd = mkstemp(*tmp)) < 0 || (fp = fdopen(fd, "w")) == NULL) {
		if (fd >= 0) {
			close(fd);
			unlink(*tmp);
		}
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	return fp;
}

/* fsync the directory holding PATH, so that a rename in it is durable. */
static int
syncdir(const char *path)
{
	char *dir = wa_strdup(path), *slash = strrchr(dir, '/');
	int fd, rc;

	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		dir[0] = '.', dir[1] = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
wa_rewrite_commit(FILE *fp, char *tmp, const char *path)
{
	int rc = 0;

	if (fflush(fp) != 0 || ferror(fp) || fsync(fileno(fp)) < 0)
		rc = -1;
	if (fclose(fp) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -1;
	if (rc < 0)
		unlink(tmp);
	else
		rc = syncdir(path);
	free(tmp);
	return rc;
}

char *
wa_secret(const char *var, const char *filevar)
{
	const char *v = getenv(var), *f = getenv(filevar);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *fp;

	if (v && *v)
		return wa_strdup(v);
	if (f == NULL || *f == '\0')
		return NULL;
	if ((fp = fopen(f, "r")) == NULL)
		wa_die(WA_EXIT_USAGE, "%s %s:", filevar, f);
	n = getline(&line, &cap, fp);
	fclose(fp);
	if (n > 0)
		line[strcspn(line, "\r\n")] = '\0';
	if (n <= 0 || *line == '\0')
		wa_die(WA_EXIT_USAGE, "%s %s: nothing on its first line",
		    filevar, f);
	return line;
}

struct wa_hash *
wa_suppress_load(const char *path)
{
	struct wa_hash *h = wa_hash_new();
	char *line = NULL, out[WA_PHONE_MAX], k[WA_PHONE_MAX];
	size_t cap = 0;
	FILE *fp;
	int err;

	if ((fp = fopen(path, "r")) == NULL)
		return errno == ENOENT ? h : NULL;
	while (getline(&line, &cap, fp) != -1) {
		line[strcspn(line, "\r\n")] = '\0';
		if (wa_phone_norm(line, NULL, out) != WA_PHONE_OK)
			continue;
		wa_phone_key(out, k);
		wa_hash_put(h, k, (void *)1);
	}
	free(line);
	err = ferror(fp);
	fclose(fp);
	if (err) {
		wa_hash_free(h);
		return NULL;
	}
	return h;
}

int
wa_suppressed(struct wa_hash *s, const char *e164)
{
	char k[WA_PHONE_MAX];

	wa_phone_key(e164, k);
	return wa_hash_get(s, k) != NULL;
}

int
wa_suppress_add(const char *path, struct wa_hash *s, const char *e164)
{
	char line[WA_PHONE_MAX + 2];

	wa_phone_key(e164, line);
	wa_hash_put(s, line, (void *)1);
	snprintf(line, sizeof line, "%s\n", e164);
	return wa_append(path, line, strlen(line));
}
