/* pdf.c: wa-report's page as PDF, printed by headless Chromium. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wa.h"
#include "report.h"

struct wa_pdf {
	char dir[64];		/* the page, the PDF and Chromium's profile */
	int out;		/* the real stdout */
};

/* $WA_CHROMIUM, else the first of Chromium's names on $PATH; NULL: none. */
static char *
chromium(void)
{
	static const char *const names[] = { "chromium", "chromium-browser",
	    "google-chrome", "google-chrome-stable" };
	const char *env = getenv("WA_CHROMIUM"), *path = getenv("PATH");
	char *p, *dir, *save, *f;
	size_t i;

	if (env && *env)
		return wa_strdup(env);
	for (i = 0; path && i < sizeof names / sizeof *names; i++) {
		p = wa_strdup(path);
		for (dir = strtok_r(p, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
			f = wa_strjoin(dir, "/", names[i]);
			if (access(f, X_OK) == 0) {
				free(p);
				return f;
			}
			free(f);
		}
		free(p);
	}
	return NULL;
}

struct wa_pdf *
wa_pdf_begin(void)
{
	struct wa_pdf *p = wa_calloc(1, sizeof *p);
	char *html;
	int fd;

	snprintf(p->dir, sizeof p->dir, "%s/wa-report.XXXXXX",
	    getenv("TMPDIR") && strlen(getenv("TMPDIR")) < 40 ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(p->dir) == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", p->dir);
	html = wa_strjoin(p->dir, "/", "report.html");
	fflush(stdout);
	if ((p->out = dup(1)) < 0 ||
	    (fd = open(html, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    dup2(fd, 1) < 0)
		wa_die(WA_EXIT_FATAL, "%s:", html);
	close(fd);
	free(html);
	return p;
}

/* Run Chromium to print DIR/report.html into DIR/report.pdf; its exit status. */
static int
print(const char *bin, const char *dir)
{
	char *page = wa_strjoin("file://", dir, "/report.html");
	char *pdf = wa_strjoin("--print-to-pdf=", dir, "/report.pdf");
	char *prof = wa_strjoin("--user-data-dir=", dir, "/profile");
	int st = -1, null;
	pid_t pid;

	if ((pid = fork()) == 0) {
		null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execl(bin, bin, "--headless", "--no-sandbox", "--disable-gpu",
		    "--no-first-run", "--no-pdf-header-footer", prof, pdf, page,
		    (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	free(page);
	free(pdf);
	free(prof);
	return pid > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Copy PATH to FD. */
static int
copy(const char *path, int fd)
{
	char buf[65536];
	ssize_t n = 0;
	int in = open(path, O_RDONLY), ok = 0;

	while (in >= 0 && (n = read(in, buf, sizeof buf)) > 0) {
		ok = 1;
		if (write(fd, buf, (size_t)n) != n)
			return -1;
	}
	if (in >= 0)
		close(in);
	return in >= 0 && n == 0 && ok ? 0 : -1;
}

void
wa_pdf_end(struct wa_pdf *p)
{
	char *bin = chromium(), *pdf = wa_strjoin(p->dir, "/", "report.pdf");
	char *cmd;
	int st;

	fflush(stdout);
	dup2(p->out, 1);
	close(p->out);
	if (bin == NULL) {
		cmd = wa_strjoin("rm -rf '", p->dir, "'");
		if (system(cmd) != 0)
			wa_warn("%s: not removed", p->dir);
		free(cmd);
		wa_die(WA_EXIT_USAGE, "-o pdf needs Chromium, which is not on PATH: "
		    "apt-get install chromium (Debian, Ubuntu), or set WA_CHROMIUM "
		    "to a Chrome or Chromium; -o html writes the page itself");
	}
	if ((st = print(bin, p->dir)) != 0 || copy(pdf, 1) < 0) {
		wa_warn("%s: did not print the page (exit %d)", bin, st);
		wa_fail(WA_EXIT_FATAL);
	}
	cmd = wa_strjoin("rm -rf '", p->dir, "'");
	if (system(cmd) != 0)
		wa_warn("%s: not removed", p->dir);
	free(cmd);
	free(pdf);
	free(bin);
	free(p);
}
