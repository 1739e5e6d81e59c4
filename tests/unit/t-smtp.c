/* Unit tests for common/smtp.c against tests/smtp-sink.py (aiosmtpd): each outcome, STARTTLS, AUTH, reuse. */
#include <sys/wait.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "wa.h"
#include "tap.h"

static char dir[] = "/tmp/t-smtp.XXXXXX";
static char sinkpy[4096];

/* The sink with ARGS (NULL-terminated) on a port of its own: its pid, the port in *PORT. */
static pid_t
sink(const char *name, int *port, const char **args)
{
	const char *av[16] = { "/usr/bin/python3", sinkpy, "-d", NULL };
	char sub[4200], line[256];
	int fd[2], i = 3;
	pid_t pid;
	FILE *fp;

	snprintf(sub, sizeof sub, "%s/%s", dir, name);
	av[i++] = sub;
	while (*args != NULL && i < 15)
		av[i++] = *args++;
	av[i] = NULL;
	if (pipe(fd) == -1 || (pid = fork()) == -1)
		wa_die(WA_EXIT_FATAL, "pipe or fork:");
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		/* aiosmtpd's tracebacks of the refused handshakes are expected */
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(127);
		execv(av[0], (char *const *)av);
		_exit(127);
	}
	close(fd[1]);
	fp = fdopen(fd[0], "r");
	*port = 0;
	if (fgets(line, sizeof line, fp) != NULL)
		sscanf(line, "listening on 127.0.0.1:%d", port);
	fclose(fp);
	return pid;
}

static void
stop(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

/* Lines of FILE in DIR/NAME holding WHAT. */
static int
count(const char *name, const char *file, const char *what)
{
	char path[4200], line[4096];
	int n = 0;
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s/%s", dir, name, file);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, fp) != NULL)
		n += strstr(line, what) != NULL;
	fclose(fp);
	return n;
}

/* Does DIR/NAME/FILE hold exactly WANT? */
static int
same(const char *name, const char *file, const char *want)
{
	char path[4200], got[4096];
	size_t n;
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s/%s", dir, name, file);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	n = fread(got, 1, sizeof got - 1, fp);
	got[n] = '\0';
	fclose(fp);
	return strcmp(got, want) == 0;
}

static const char msg[] =
    "From: Shop <shop@example.com>\r\nTo: <a@example.org>\r\n"
    "Subject: hello\r\n\r\nHello there.\r\n.\r\nA dot line above.\r\n";

static int
send1(struct wa_smtp *s, const char *to, struct wa_smtp_res *r)
{
	return wa_smtp_send(s, "shop@example.com", to, msg, sizeof msg - 1, r);
}

static struct wa_smtp *
client(int port, const char *scheme)
{
	char url[64], err[256];

	snprintf(url, sizeof url, "%s://127.0.0.1:%d", scheme, port);
	return wa_smtp_new(url, err, sizeof err);
}

static void
outcomes(void)
{
	const char *args[] = { "--cert", NULL, "--key", NULL, "--rcpt-5xx",
	    "^hard@", "--rcpt-4xx", "^soft@", "--drop", "^drop@", NULL };
	char cert[4200], key[4200];
	struct wa_smtp_res r;
	struct wa_smtp *s;
	int port;
	pid_t pid;

	snprintf(cert, sizeof cert, "%s/cert.pem", dir);
	snprintf(key, sizeof key, "%s/key.pem", dir);
	args[1] = cert;
	args[3] = key;
	pid = sink("a", &port, args);
	ok(port > 0, "the sink listens");
	unsetenv("WA_CA_FILE");
	s = client(port, "smtp");
	isnum(send1(s, "a@example.org", &r), WA_SMTP_FAIL,
	    "an untrusted certificate: FAIL, nothing sent");
	wa_smtp_free(s);
	setenv("WA_CA_FILE", cert, 1);
	s = client(port, "smtp");
	isnum(send1(s, "a@example.org", &r), WA_SMTP_SENT, "STARTTLS: sent");
	isnum(r.code, 0, "no error code when sent");
	ok(strncmp(r.reply, "250", 3) == 0, "the server's 250 kept");
	isnum(send1(s, "Hard@example.org", &r), WA_SMTP_SENT,
	    "the pattern is case-sensitive: sent");
	isnum(send1(s, "hard@example.org", &r), WA_SMTP_HARD, "550 to RCPT: HARD");
	isnum(r.code, 550, "its code");
	ok(strstr(r.reply, "mailbox unavailable") != NULL, "its reply text");
	isnum(send1(s, "soft@example.org", &r), WA_SMTP_SOFT, "451 to RCPT: SOFT");
	isnum(r.code, 451, "its code");
	isnum(send1(s, "drop@example.org", &r), WA_SMTP_UNKNOWN,
	    "lost after the data: UNKNOWN");
	isnum(send1(s, "b@example.org", &r), WA_SMTP_SENT,
	    "the next message goes on a new connection");
	isnum(send1(s, "b<@example.org", &r), WA_SMTP_FAIL, "a bad address");
	wa_smtp_free(s);
	stop(pid);
	isnum(count("a", "log.jsonl", "\"delivered\""), 3, "3 delivered");
	isnum(count("a", "log.jsonl", "\"conn\": 1"), 3,
	    "one connection for the messages up to the first refusal");
	ok(same("a", "000001.eml", msg),
	    "the message arrives whole, its line of one dot too (dot-stuffed on the wire)");
}

static void
auth(void)
{
	const char *args[] = { "--cert", NULL, "--key", NULL, "--auth", NULL };
	char cert[4200], key[4200];
	struct wa_smtp_res r;
	struct wa_smtp *s;
	int port;
	pid_t pid;

	snprintf(cert, sizeof cert, "%s/cert.pem", dir);
	snprintf(key, sizeof key, "%s/key.pem", dir);
	args[1] = cert;
	args[3] = key;
	/* Made up for the test; never a real secret. */
	setenv("SINK_AUTH", "shop:t-smtp-pw-5d1c", 1);
	pid = sink("b", &port, args);
	unsetenv("WA_SMTP_USER");
	s = client(port, "smtp");
	isnum(send1(s, "a@example.org", &r), WA_SMTP_FAIL, "no AUTH: FAIL");
	wa_smtp_free(s);
	setenv("WA_SMTP_USER", "shop", 1);
	setenv("WA_SMTP_PASSWORD", "wrong-pw-1234", 1);
	s = client(port, "smtp");
	isnum(send1(s, "a@example.org", &r), WA_SMTP_FAIL, "a wrong password: FAIL");
	isnum(r.code, 535, "535");
	wa_smtp_free(s);
	setenv("WA_SMTP_PASSWORD", "t-smtp-pw-5d1c", 1);
	s = client(port, "smtp");
	isnum(send1(s, "a@example.org", &r), WA_SMTP_SENT, "AUTH over STARTTLS: sent");
	wa_smtp_free(s);
	stop(pid);
	ok(client(port, "http") == NULL, "another scheme is refused");
}

int
main(int argc, char **argv)
{
	char cmd[8192], *self = wa_strdup(argv[0]);

	wa_init_name("t-smtp");
	snprintf(sinkpy, sizeof sinkpy, "%s/../smtp-sink.py", dirname(self));
	if (access("/usr/bin/python3", X_OK) != 0 ||
	    system("/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null") != 0) {
		printf("1..0 # SKIP no /usr/bin/python3 with aiosmtpd\n");
		return 0;
	}
	if (mkdtemp(dir) == NULL)
		wa_die(WA_EXIT_FATAL, "mkdtemp:");
	snprintf(cmd, sizeof cmd, "openssl req -x509 -newkey ec -pkeyopt "
	    "ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 "
	    "-addext subjectAltName=IP:127.0.0.1 -keyout %s/key.pem "
	    "-out %s/cert.pem 2>/dev/null", dir, dir);
	if (system(cmd) != 0) {
		printf("1..0 # SKIP openssl could not make a certificate\n");
		return 0;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	outcomes();
	auth();
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	free(self);
	return done_testing();
}
