/*
 * bench-hook: a load generator for wa-hook. Threads, each on one kept-alive
 * connection, post signed status webhooks (one status, a unique wamid
 * each) for a while, then print requests/s and latency percentiles, and
 * write the wamids that were acknowledged with 200, one per line, so the
 * caller can check that each of them is in the spool, even after a kill -9.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "wa.h"
#include "hook.h"

struct worker {
	pthread_t t;
	int id;
	double *lat;
	size_t nlat, cap;
	struct wa_buf acked;
	long refused, errors;
};

static int port, nconn = 64, seconds = 10;
static const char *secret;
static double t_end;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
dial(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
sendall(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = send(fd, p, n, MSG_NOSIGNAL)) <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read one answer; its HTTP status, or -1 when the connection broke. */
static int
answer(int fd, char *buf, size_t cap)
{
	size_t have = 0;
	char *end, *cl;
	long status, len;
	ssize_t r;

	for (;;) {
		buf[have] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) != NULL)
			break;
		if (have == cap - 1 || (r = recv(fd, buf + have, cap - 1 - have, 0)) <= 0)
			return -1;
		have += (size_t)r;
	}
	status = strtol(buf + 9, NULL, 10);
	for (cl = buf; cl < end && strncasecmp(cl, "\r\ncontent-length:", 17) != 0; cl++)
		;
	len = cl < end ? strtol(cl + 17, NULL, 10) : 0;
	have -= (size_t)(end + 4 - buf);
	while ((long)have < len) {
		if ((r = recv(fd, buf, cap - 1, 0)) <= 0)
			return -1;
		have += (size_t)r;
	}
	return (int)status;
}

static int
post(struct worker *w, int fd, long n, char *wamid, size_t wsz)
{
	char body[768], req[1280], sig[WA_SIGBUF], buf[4096];
	int blen, rlen;

	snprintf(wamid, wsz, "wamid.bench.%d.%ld.%ld", w->id, (long)getpid(), n);
	blen = snprintf(body, sizeof body,
	    "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\","
	    "\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":"
	    "\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550001111\","
	    "\"phone_number_id\":\"106540352242922\"},\"statuses\":[{\"id\":\"%s\","
	    "\"status\":\"delivered\",\"timestamp\":\"%ld\",\"recipient_id\":"
	    "\"16505551234\",\"biz_opaque_callback_data\":\"bench\\u001f%d\","
	    "\"pricing\":{\"billable\":true,\"pricing_model\":\"PMP\",\"type\":"
	    "\"regular\",\"category\":\"marketing\"}}]}}]}]}",
	    wamid, (long)time(NULL), w->id);
	wa_sig_hex(secret, body, (size_t)blen, sig);
	rlen = snprintf(req, sizeof req, "POST /webhook HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
	    "X-Hub-Signature-256: %s\r\nContent-Length: %d\r\n\r\n%s",
	    sig, blen, body);
	if (sendall(fd, req, (size_t)rlen) < 0)
		return -1;
	return answer(fd, buf, sizeof buf);
}

static void *
run(void *arg)
{
	struct worker *w = arg;
	char wamid[96];
	double t0;
	long n = 0;
	int fd = dial(), st;

	while (fd >= 0 && now() < t_end) {
		t0 = now();
		if ((st = post(w, fd, n++, wamid, sizeof wamid)) < 0) {
			w->errors++;
			break;	/* the server went away */
		}
		if (w->nlat == w->cap) {
			w->cap = w->cap ? 2 * w->cap : 4096;
			w->lat = wa_realloc(w->lat, w->cap * sizeof *w->lat);
		}
		w->lat[w->nlat++] = now() - t0;
		if (st == 200) {
			wa_buf_adds(&w->acked, wamid);
			wa_buf_addc(&w->acked, '\n');
		} else {
			w->refused++;
		}
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct worker *ws;
	const char *ackpath = NULL;
	double *all, t0, took;
	size_t n = 0, i;
	long refused = 0, errors = 0;
	FILE *fp;
	int c;

	wa_init(&argc, &argv);
	while ((c = getopt(argc, argv, "c:d:o:p:")) != -1) {
		switch (c) {
		case 'c': nconn = (int)wa_optnum("-c", optarg, 1, 1000); break;
		case 'd': seconds = (int)wa_optnum("-d", optarg, 1, 3600); break;
		case 'o': ackpath = optarg; break;
		case 'p': port = (int)wa_optnum("-p", optarg, 1, 65535); break;
		default:
			fprintf(stderr, "usage: bench-hook -p PORT [-c CONNS] "
			    "[-d SECONDS] [-o ACKED]\n");
			return WA_EXIT_USAGE;
		}
	}
	if (port == 0 || (secret = getenv("WA_APP_SECRET")) == NULL)
		wa_die(WA_EXIT_USAGE, "give -p PORT and set WA_APP_SECRET");
	ws = wa_calloc((size_t)nconn, sizeof *ws);
	t0 = now();
	t_end = t0 + seconds;
	for (c = 0; c < nconn; c++) {
		ws[c].id = c;
		pthread_create(&ws[c].t, NULL, run, &ws[c]);
	}
	for (c = 0; c < nconn; c++) {
		pthread_join(ws[c].t, NULL);
		n += ws[c].nlat;
	}
	took = now() - t0;
	all = wa_malloc((n + 1) * sizeof *all);
	fp = ackpath ? fopen(ackpath, "w") : NULL;
	for (n = 0, c = 0; c < nconn; c++) {
		memcpy(all + n, ws[c].lat, ws[c].nlat * sizeof *all);
		n += ws[c].nlat;
		refused += ws[c].refused;
		errors += ws[c].errors;
		if (fp)
			fwrite(ws[c].acked.s, 1, ws[c].acked.len, fp);
		free(ws[c].lat);
		wa_buf_free(&ws[c].acked);
	}
	if (fp && fclose(fp) != 0)
		wa_die(WA_EXIT_FATAL, "%s:", ackpath);
	qsort(all, n, sizeof *all, cmp);
	i = n ? (size_t)(0.99 * (double)(n - 1)) : 0;
	printf("requests %zu acked %zu refused %ld broken %ld seconds %.2f "
	    "req/s %.0f p50_ms %.2f p99_ms %.2f\n", n, n - (size_t)refused,
	    refused, errors, took, n / took, n ? 1000 * all[n / 2] : 0,
	    n ? 1000 * all[i] : 0);
	free(all);
	free(ws);
	return 0;
}
