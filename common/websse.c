/*
 * websse.c: the files the list is folded from (the spool, the ledger,
 * the inbox log, the customers), looked at every 200 ms; a change
 * marks the inbox to be loaded again and tells each open /events
 * stream, so that a new message shows in the browsers within a second
 * of wa-hook storing it. A stream with nothing to say is suspended, not
 * polled; every 15 seconds a comment goes to each, so that one whose
 * browser went away is found and closed. The agents file is watched too,
 * and read again when it changed.
 */
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wa.h"
#include "inbox.h"
#include "web.h"
#include "web-int.h"

#define PING 15	/* seconds */

/* Has F changed (inode, size, time) since last looked at? Then F says how it is now. */
static int
moved(struct web_watch *f)
{
	struct stat st;

	if (stat(f->path, &st) < 0)
		memset(&st, 0, sizeof st);
	if ((long long)st.st_size == f->size && (unsigned long long)st.st_ino == f->ino &&
	    (long long)st.st_mtime == f->mtime)
		return 0;
	f->size = (long long)st.st_size;
	f->ino = (unsigned long long)st.st_ino;
	f->mtime = (long long)st.st_mtime;
	return 1;
}

/*
 * The agents file read again: a new agent may log in, a removed one's
 * sessions end at their next request. A bad edit keeps the agents as
 * they were, said once on stderr, and the server goes on.
 */
static void
agents(struct wa_web *w)
{
	struct wa_agents *as;
	char err[512];

	if ((as = wa_agents_read(w->agentspath, err, sizeof err)) == NULL && errno != ENOENT) {
		if (*err)
			wa_warn("%s; the agents stay as they were", err);
		else
			wa_warn("%s: %s; the agents stay as they were", w->agentspath, strerror(errno));
		return;
	}
	wa_agents_free(w->agents);
	w->agents = as;
	w->sla->agents = as;
}

void
web_watch_init(struct wa_web *w)
{
	const struct wa_inbox_paths *p = w->cfg->p;

	w->nwatch = 0;
	w->watch[w->nwatch++].path = p->events;
	w->watch[w->nwatch++].path = p->ledger;
	w->watch[w->nwatch++].path = p->log;
	if (p->customers)
		w->watch[w->nwatch++].path = p->customers;
	w->agentsw.path = w->agentspath;
	web_watch_poll(w);
	w->gen = 1;
	w->pinged = time(NULL);
}

/* Resume every suspended stream: it has a change or a ping to send. */
static void
wake(struct wa_web *w)
{
	size_t i;

	for (i = 0; i < w->nsse; i++)
		if (w->sse[i]->suspended) {
			w->sse[i]->suspended = 0;
			MHD_resume_connection(w->sse[i]->conn);
		}
}

void
web_watch_poll(struct wa_web *w)
{
	int changed = 0, who = moved(&w->agentsw);
	size_t i;

	for (i = 0; i < w->nwatch; i++)
		changed |= moved(&w->watch[i]);
	if (who)
		agents(w);
	if (changed) {
		w->gen++;
		web_reload(w);
		wake(w);
	} else if (who) {
		w->gen++;	/* who sees what changed: the lists again, same inbox */
		wake(w);
	} else if (time(NULL) - w->pinged >= PING) {
		w->pinged = time(NULL);
		wake(w);
	}
}

void
web_reload(struct wa_web *w)
{
	wa_inbox_free(w->ib);
	w->ib = NULL;
}

struct wa_inbox *
web_inbox(struct wa_web *w)
{
	if (w->ib == NULL)
		w->ib = wa_inbox_load(w->cfg->p);
	return w->ib;
}

/* The stream's next bytes: a change, a ping, or nothing yet (suspended). */
static ssize_t
next(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct web_req *q = cls;
	struct wa_web *w = q->w;
	int n;

	/* an agent taken out of the agents file hears no more */
	if (wa_agents_get(w->agents, q->agent) == NULL)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (pos == 0)
		n = snprintf(buf, max, "retry: 1000\n: ready\n\n");
	else if (q->gen != w->gen)
		n = snprintf(buf, max, "event: change\ndata: %lu\n\n", w->gen);
	else if (q->pinged != w->pinged)
		n = snprintf(buf, max, ": ping\n\n");
	else {
		q->suspended = 1;
		MHD_suspend_connection(q->conn);
		return 0;
	}
	q->gen = w->gen;
	q->pinged = w->pinged;
	return n > 0 && (size_t)n < max ? n : 0;
}

enum MHD_Result
web_events(struct web_req *q)
{
	struct wa_web *w = q->w;
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, next, q, NULL);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
	web_headers(r);
	q->sse = 1;
	q->gen = w->gen;
	q->pinged = w->pinged;
	w->sse = wa_grow(w->sse, &w->capsse, w->nsse + 1, sizeof *w->sse);
	w->sse[w->nsse++] = q;
	ret = MHD_queue_response(q->conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

void
web_sse_gone(struct web_req *q)
{
	struct wa_web *w = q->w;
	size_t i;

	for (i = 0; i < w->nsse; i++)
		if (w->sse[i] == q) {
			w->sse[i] = w->sse[--w->nsse];
			break;
		}
}
