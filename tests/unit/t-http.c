/* Unit tests for common/http.c against bin/mock-graph: answers, pacing, flight, unknown outcomes. */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "send.h"
#include "tap.h"

#define MOCK "bin/mock-graph"
#define PNID "106540352242922"
/* Made up for the test; never a real secret. */
#define TOKEN "t-http-token-4f1c"

static char dir[] = "/tmp/t-http.XXXXXX";
static pid_t pids[8];
static int npids;

struct mock {
	pid_t pid;
	int port;
	char url[128];
	char log[160];
};

/* What the callback saw. */
struct seen {
	int n, n200, unknown, safe;
	long status;
	int sent;
	char body[512];
	char error[256];
	int ctx[256];
	double maxsec;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Start the mock with ARGS (NULL-ended); -o LOG when LOGNAME is not NULL. */
static int
mock_start(struct mock *mk, const char *logname, const char *const *args)
{
	const char *argv[32];
	char line[256];
	int fd[2], n = 0;
	FILE *fp;

	memset(mk, 0, sizeof *mk);
	argv[n++] = MOCK;
	argv[n++] = "-l";
	argv[n++] = "127.0.0.1:0";
	if (logname) {
		snprintf(mk->log, sizeof mk->log, "%s/%s", dir, logname);
		argv[n++] = "-o";
		argv[n++] = mk->log;
	}
	while (args && *args)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (pipe(fd) != 0)
		return -1;
	if ((mk->pid = fork()) == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		setenv("WA_TOKEN", TOKEN, 1);
		execv(MOCK, (char *const *)argv);
		_exit(127);
	}
	close(fd[1]);
	pids[npids++] = mk->pid;
	fp = fdopen(fd[0], "r");
	if (fgets(line, sizeof line, fp) == NULL ||
	    sscanf(line, "listening on 127.0.0.1:%d", &mk->port) != 1) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	snprintf(mk->url, sizeof mk->url,
	    "http://127.0.0.1:%d/v21.0/" PNID "/messages", mk->port);
	return 0;
}

static void
mock_stop(struct mock *mk)
{
	int i;

	if (mk->pid <= 0)
		return;
	kill(mk->pid, SIGTERM);
	waitpid(mk->pid, NULL, 0);
	for (i = 0; i < npids; i++)
		if (pids[i] == mk->pid)
			pids[i] = 0;
	mk->pid = 0;
}

static void
killall_mocks(void)
{
	int i;

	for (i = 0; i < npids; i++)
		if (pids[i] > 0) {
			kill(pids[i], SIGTERM);
			waitpid(pids[i], NULL, 0);
		}
}

/*
 * The mock's built-in template hello to a made-up US number, KEY as its
 * callback data: none of them wrote, so free-form text would be 131047.
 */
static const char *
textbody(int i, const char *key)
{
	static char b[512];

	snprintf(b, sizeof b,
	    "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\","
	    "\"to\":\"+1650555%04d\",\"type\":\"template\",\"template\":{\"name\":\"hello\","
	    "\"language\":{\"code\":\"en_US\"}},\"biz_opaque_callback_data\":\"%s\"}",
	    1000 + i % 9000, key);
	return b;
}

static void
onres(struct wa_http_res *r, void *arg)
{
	struct seen *s = arg;
	int i = (int)(intptr_t)r->ctx;

	s->n++;
	if (i >= 0 && i < 256)
		s->ctx[i]++;
	s->status = r->status;
	s->sent = r->sent;
	if (r->status == 200)
		s->n200++;
	if (r->status == 0 && r->sent)
		s->unknown++;
	if (r->status == 0 && !r->sent)
		s->safe++;
	if (r->seconds > s->maxsec)
		s->maxsec = r->seconds;
	snprintf(s->body, sizeof s->body, "%s", r->body);
	if (r->error || s->error[0] == '\0')
		snprintf(s->error, sizeof s->error, "%s", r->error ? r->error : "");
	if (strlen(r->body) != r->len)
		s->body[0] = '\0';	/* len and NUL disagree */
}

/* Step until nothing is pending or LIMIT seconds passed; the time it took. */
static double
drain(struct wa_http *h, struct seen *s, double limit)
{
	double t0 = now();

	while (wa_http_pending(h) > 0 && now() - t0 < limit)
		wa_http_step(h, onres, s, 100);
	return now() - t0;
}

/* Post N messages to MK, keys "PREFIX-i", ctx i. */
static void
postn(struct wa_http *h, struct mock *mk, int n, const char *prefix)
{
	char key[64];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(key, sizeof key, "%s-%d", prefix, i);
		wa_http_post(h, mk->url, textbody(i, key), (void *)(intptr_t)i);
	}
}

/* How many lines of the mock's log have "key":"KEY". */
static int
logcount(struct mock *mk, const char *key)
{
	char line[4096], pat[128];
	FILE *fp = fopen(mk->log, "r");
	int n = 0;

	if (fp == NULL)
		return -1;
	snprintf(pat, sizeof pat, "\"key\":\"%s\"", key);
	while (fgets(line, sizeof line, fp))
		n += strstr(line, pat) != NULL;
	fclose(fp);
	return n;
}

static int
closedport(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
		port = 1;
	else
		port = ntohs(sa.sin_port);
	close(fd);		/* bound, never listened: refused */
	return port;
}

static void
t_basic(struct mock *mk)
{
	struct wa_http *h = wa_http_new(80, 10, 5000);
	struct seen s = { 0 };
	size_t left;

	wa_http_auth(h, TOKEN);
	isnum((long long)wa_http_pending(h), 0, "nothing pending at first");
	wa_http_post(h, mk->url, textbody(1, "basic-1"), (void *)(intptr_t)7);
	isnum((long long)wa_http_pending(h), 1, "one queued");
	drain(h, &s, 5);
	isnum(s.n, 1, "one answer");
	isnum(s.ctx[7], 1, "with its ctx");
	isnum(s.status, 200, "a template message: 200");
	ok(strstr(s.body, "\"id\":\"wamid.") != NULL, "the answer has a wamid");
	ok(strstr(s.body, "\"input\":\"+16505551001\"") != NULL, "and the input number");
	isnum(s.sent, 1, "sent");
	is(s.error, "", "no error");
	ok(s.maxsec > 0 && s.maxsec < 5, "seconds measured");
	ok(wa_http_latency(h) > 0, "latency seen");
	left = wa_http_step(h, onres, &s, 10);
	isnum((long long)left, 0, "step with nothing to do returns 0");
	isnum(s.n, 1, "and calls nothing");

	/* a wrong token */
	memset(&s, 0, sizeof s);
	wa_http_auth(h, "wrong-" TOKEN);
	wa_http_post(h, mk->url, textbody(2, "basic-2"), (void *)(intptr_t)1);
	drain(h, &s, 5);
	isnum(s.status, 401, "a wrong token: 401");
	ok(strstr(s.body, "\"code\":190") != NULL, "code 190");
	wa_http_free(h);

	/* no token at all */
	h = wa_http_new(80, 10, 5000);
	memset(&s, 0, sizeof s);
	wa_http_post(h, mk->url, textbody(3, "basic-3"), NULL);
	drain(h, &s, 5);
	isnum(s.status, 401, "no token: 401");
	wa_http_free(h);

	/* a 400 comes back with its body */
	h = wa_http_new(80, 10, 5000);
	wa_http_auth(h, TOKEN);
	memset(&s, 0, sizeof s);
	wa_http_post(h, mk->url, "{\"messaging_product\":\"whatsapp\",\"to\":\"+1 650 CALL-NOW\","
	    "\"type\":\"text\",\"text\":{\"body\":\"x\"}}", NULL);
	drain(h, &s, 5);
	isnum(s.status, 400, "a bad number: 400");
	ok(strstr(s.body, "131009") != NULL, "code 131009");
	wa_http_free(h);
}

static void
t_pacing(struct mock *mk)
{
	struct wa_http *h;
	struct seen s;
	double dt;
	int i, once;

	h = wa_http_new(100, 50, 5000);
	wa_http_auth(h, TOKEN);
	memset(&s, 0, sizeof s);
	postn(h, mk, 50, "pace100");
	isnum((long long)wa_http_pending(h), 50, "50 queued");
	dt = drain(h, &s, 8);
	isnum(s.n200, 50, "rate 100: 50 answered 200");
	for (i = 0, once = 1; i < 50; i++)
		once &= s.ctx[i] == 1;
	ok(once, "each ctx exactly once");
	ok(dt >= 0.45, "rate 100: 50 take at least 0.45 s");
	if (dt < 0.45)
		printf("# took %.3f s\n", dt);
	wa_http_free(h);

	h = wa_http_new(1000, 50, 5000);
	wa_http_auth(h, TOKEN);
	memset(&s, 0, sizeof s);
	postn(h, mk, 50, "pace1000");
	dt = drain(h, &s, 8);
	isnum(s.n200, 50, "rate 1000: 50 answered 200");
	ok(dt < 0.45, "rate 1000: 50 take under 0.45 s");
	printf("# rate 1000: 50 in %.3f s\n", dt);

	/* lowering the rate */
	wa_http_setrate(h, 10);
	ok(wa_http_getrate(h) == 10, "getrate after setrate");
	memset(&s, 0, sizeof s);
	postn(h, mk, 6, "pace10");
	dt = drain(h, &s, 8);
	isnum(s.n200, 6, "rate 10: 6 answered 200");
	ok(dt >= 0.45, "rate lowered to 10: 6 take at least 0.45 s");
	printf("# rate 10: 6 in %.3f s\n", dt);

	/* paused: nothing starts */
	wa_http_setrate(h, 0);
	memset(&s, 0, sizeof s);
	postn(h, mk, 2, "paused");
	wa_http_step(h, onres, &s, 200);
	ok(s.n == 0 && wa_http_pending(h) == 2 && wa_http_inflight(h) == 0,
	    "rate 0: paused");
	wa_http_setrate(h, 100);
	drain(h, &s, 5);
	isnum(s.n200, 2, "and going again after setrate");
	wa_http_free(h);
}

static void
t_flight(struct mock *mk)
{
	struct wa_http *h = wa_http_new(500, 400, 10000);
	struct seen s = { 0 };
	size_t maxfly = 0, fly;
	double t0 = now(), dt;

	wa_http_auth(h, TOKEN);
	postn(h, mk, 200, "flight");
	while (wa_http_pending(h) > 0 && now() - t0 < 15) {
		wa_http_step(h, onres, &s, 100);
		if ((fly = wa_http_inflight(h)) > maxfly)
			maxfly = fly;
	}
	dt = now() - t0;
	isnum(s.n200, 200, "latency 200 ms: 200 answered 200");
	ok(dt < 5, "rate 500, latency 200 ms: 200 in well under 40 s");
	ok(maxfly >= 20, "many in flight");
	ok(wa_http_latency(h) >= 0.19 && wa_http_latency(h) < 2,
	    "the latency seen is about 200 ms");
	printf("# 200 in %.3f s, at most %zu in flight, latency %.3f s\n", dt,
	    maxfly, wa_http_latency(h));
	wa_http_free(h);

	/* a timeout after the request went out: unknown */
	h = wa_http_new(10, 4, 100);
	wa_http_auth(h, TOKEN);
	memset(&s, 0, sizeof s);
	wa_http_post(h, mk->url, textbody(1, "timeout-1"), NULL);
	drain(h, &s, 5);
	isnum(s.status, 0, "timeout: no status");
	isnum(s.sent, 1, "timeout after the upload: sent");
	ok(s.error[0] != '\0', "timeout: an error");
	wa_http_free(h);

	/* free with requests in flight and queued (ASan: no leak) */
	h = wa_http_new(1000, 20, 10000);
	wa_http_auth(h, TOKEN);
	postn(h, mk, 40, "freed");
	memset(&s, 0, sizeof s);
	wa_http_step(h, onres, &s, 50);
	ok(wa_http_inflight(h) > 0 && wa_http_pending(h) > wa_http_inflight(h),
	    "some in flight, some queued");
	wa_http_free(h);
	ok(1, "freed with requests in flight");
}

static void
t_drop(void)
{
	static const char *const all[] = { "--drop-after-accept", "1", NULL };
	static const char *const half[] = { "--drop-after-accept", "0.5", "--seed", "7", NULL };
	struct wa_http *h;
	struct mock mk;
	struct seen s;
	char key[64];
	int i, once;

	if (mock_start(&mk, "drop.jsonl", all) != 0) {
		ok(0, "mock-graph --drop-after-accept 1 starts");
		return;
	}
	h = wa_http_new(50, 4, 5000);
	wa_http_auth(h, TOKEN);
	memset(&s, 0, sizeof s);
	wa_http_post(h, mk.url, textbody(1, "drop-1"), NULL);
	drain(h, &s, 5);
	isnum(s.status, 0, "dropped after accept: no status");
	isnum(s.sent, 1, "but sent: unknown outcome");
	ok(s.error[0] != '\0', "an error");
	ok(strstr(s.error, TOKEN) == NULL, "without the token");
	wa_http_free(h);
	mock_stop(&mk);
	isnum(logcount(&mk, "drop-1"), 1, "the mock logged the message once");

	/* keep-alive: a reused connection dies after the request; never sent twice */
	if (mock_start(&mk, "half.jsonl", half) != 0) {
		ok(0, "mock-graph --drop-after-accept 0.5 starts");
		return;
	}
	h = wa_http_new(200, 1, 5000);
	wa_http_auth(h, TOKEN);
	memset(&s, 0, sizeof s);
	postn(h, &mk, 30, "half");
	drain(h, &s, 8);
	mock_stop(&mk);
	isnum(s.n, 30, "30 answered or not");
	ok(s.n200 > 0 && s.unknown > 0, "some answered, some dropped");
	isnum(s.n200 + s.unknown, 30, "every one answered or unknown");
	printf("# %d answered, %d unknown (last: %s)\n", s.n200, s.unknown, s.error);
	for (i = 0, once = 1; i < 30; i++) {
		snprintf(key, sizeof key, "half-%d", i);
		if (logcount(&mk, key) != 1) {
			printf("# %s logged %d times\n", key, logcount(&mk, key));
			once = 0;
		}
	}
	ok(once, "each message logged exactly once: no silent re-send");
	wa_http_free(h);
}

static void
t_refused(void)
{
	struct wa_http *h = wa_http_new(50, 4, 5000);
	struct seen s = { 0 };
	char url[128];

	snprintf(url, sizeof url, "http://127.0.0.1:%d/v21.0/" PNID "/messages",
	    closedport());
	wa_http_auth(h, TOKEN);
	wa_http_post(h, url, textbody(1, "refused-1"), NULL);
	drain(h, &s, 5);
	isnum(s.status, 0, "connection refused: no status");
	isnum(s.sent, 0, "not sent: safe to retry");
	ok(s.error[0] != '\0', "an error");
	ok(strstr(s.error, TOKEN) == NULL, "without the token");
	printf("# %s\n", s.error);

	/* a name that does not resolve */
	memset(&s, 0, sizeof s);
	wa_http_post(h, "http://no-such-host.invalid/v21.0/" PNID "/messages",
	    textbody(1, "dns-1"), NULL);
	drain(h, &s, 8);
	isnum(s.status, 0, "unknown host: no status");
	isnum(s.sent, 0, "not sent");
	wa_http_free(h);
}

int
main(void)
{
	static const char *const slow[] = { "--latency", "200", NULL };
	struct mock mk;

	if (access(MOCK, X_OK) != 0) {
		printf("1..0 # skip no %s (run from the top of the tree)\n", MOCK);
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	alarm(60);		/* a hung mock fails the test, never the suite */
	if (mkdtemp(dir) == NULL)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);

	if (mock_start(&mk, "basic.jsonl", NULL) == 0) {
		t_basic(&mk);
		t_pacing(&mk);
		mock_stop(&mk);
	} else
		ok(0, "mock-graph starts");
	if (mock_start(&mk, NULL, slow) == 0) {
		t_flight(&mk);
		mock_stop(&mk);
	} else
		ok(0, "mock-graph --latency 200 starts");
	t_drop();
	t_refused();

	killall_mocks();
	curl_global_cleanup();
	{
		char cmd[64];

		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			printf("# cannot remove %s\n", dir);
	}
	return done_testing();
}
