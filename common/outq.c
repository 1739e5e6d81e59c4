/*
 * outq.c: lines for a reader that may stall (wa-hook -o -). A thread
 * writes them out; the writer only copies into a bounded buffer and never
 * waits, so a stalled reader costs the lines that do not fit, counted,
 * never the caller's time.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wa.h"
#include "hook.h"

struct wa_outq {
	int fd;
	size_t max;
	struct wa_buf buf;	/* waiting for the thread */
	pthread_mutex_t mu;
	pthread_cond_t more, drained;
	long ndropped;
	int writing, closing, failed;
};

static void *
writer(void *arg)
{
	struct wa_outq *q = arg;
	struct wa_buf b = { 0 };

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->buf.len == 0 && !q->closing)
			pthread_cond_wait(&q->more, &q->mu);
		if (q->buf.len == 0)
			break;
		b = q->buf;
		memset(&q->buf, 0, sizeof q->buf);
		q->writing = 1;
		pthread_mutex_unlock(&q->mu);
		if (!q->failed && wa_write(q->fd, b.s, b.len) < 0) {
			wa_warn("error writing events to the output; the spool "
			    "has them:");
			q->failed = 1;
		}
		wa_buf_free(&b);
		pthread_mutex_lock(&q->mu);
		q->writing = 0;
		pthread_cond_broadcast(&q->drained);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

struct wa_outq *
wa_outq_new(int fd, size_t max)
{
	struct wa_outq *q = wa_calloc(1, sizeof *q);
	pthread_t t;

	q->fd = fd;
	q->max = max;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->more, NULL);
	pthread_cond_init(&q->drained, NULL);
	if (pthread_create(&t, NULL, writer, q) != 0)
		wa_die(WA_EXIT_FATAL, "cannot start a thread:");
	pthread_detach(t);
	return q;
}

static long
nlines(const char *p, size_t n)
{
	const char *end = p + n;
	long k = 0;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		k++;
		p++;
	}
	return k;
}

int
wa_outq_put(struct wa_outq *q, const char *p, size_t n)
{
	int rc = 0;

	pthread_mutex_lock(&q->mu);
	if (q->buf.len + n > q->max) {
		if (q->ndropped == 0)
			wa_warn("the output is not read: dropping events from "
			    "it (the spool has them)");
		q->ndropped += nlines(p, n);
		rc = -1;
	} else {
		wa_buf_add(&q->buf, p, n);
		pthread_cond_signal(&q->more);
	}
	pthread_mutex_unlock(&q->mu);
	return rc;
}

long
wa_outq_close(struct wa_outq *q, int secs)
{
	struct timespec until;
	long lost;
	int drained;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += secs;
	pthread_mutex_lock(&q->mu);
	q->closing = 1;
	pthread_cond_signal(&q->more);
	while ((q->buf.len > 0 || q->writing) &&
	    pthread_cond_timedwait(&q->drained, &q->mu, &until) == 0)
		;
	drained = q->buf.len == 0 && !q->writing;
	lost = q->ndropped + nlines(q->buf.s, q->buf.len);
	pthread_mutex_unlock(&q->mu);
	if (!drained)	/* the thread is stuck in write: it keeps Q */
		return lost;
	wa_buf_free(&q->buf);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->more);
	pthread_cond_destroy(&q->drained);
	free(q);
	return lost;
}
