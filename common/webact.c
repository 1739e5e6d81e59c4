/*
 * webact.c: the POSTs of a thread's forms, done by the terminal's verbs
 * (inverb.c) in a child process: there they lock the inbox log, load the
 * inbox under the lock and decide as `wa-inbox reply` does, and a refusal
 * (the window closed, another agent's reply, a bad template) dies there
 * with the terminal's message, which the page then shows, while the
 * server goes on. The child's outcome line and message come back
 * through two temporary files.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wa.h"
#include "inbox.h"
#include "web.h"
#include "web-int.h"

#define MAXPARAMS 10

enum { REPLY, ASSIGN, NOTE, CLOSE, ASKCONSENT };

/* What the form asks, checked before anything runs. */
struct act {
	int verb;
	struct wa_ivmsg m;
	const char *arg;	/* assign's agent, note's text */
	char tmpl[128], name[128];
	const char *params[MAXPARAMS];
	int force;
};

/* The document's name the customer sees: the browser's, without a path or a leading dot. */
static void
docname(struct act *a, const char *given)
{
	const char *p = given ? given : "";
	size_t i;

	if (strrchr(p, '/'))
		p = strrchr(p, '/') + 1;
	if (strrchr(p, '\\'))
		p = strrchr(p, '\\') + 1;
	snprintf(a->name, sizeof a->name, "%s", *p && *p != '.' ? p : "document.pdf");
	for (i = 0; a->name[i]; i++)
		if ((unsigned char)a->name[i] < ' ')
			a->name[i] = '_';
	a->m.name = a->name;
}

/* A reply's form: one of text, snippet, file, template (with p1, p2...). */
static const char *
replyform(struct web_req *q, struct act *a)
{
	const char *t = web_field(q, "text"), *s = web_field(q, "snippet");
	const char *tp = web_field(q, "template"), *sp;
	char k[16];
	int n = 0, i;

	a->m.text = t && *t ? t : NULL;
	a->m.snippet = s && *s ? s : NULL;
	if (q->uppath) {
		a->m.media = q->uppath;
		a->m.caption = web_field(q, "caption");
		if (a->m.caption && *a->m.caption == '\0')
			a->m.caption = NULL;
		docname(a, q->upname);
	}
	if (tp && *tp) {
		snprintf(a->tmpl, sizeof a->tmpl, "%s", tp);
		if ((sp = strchr(a->tmpl, ' ')) == NULL)
			return "no such template";
		a->tmpl[sp - a->tmpl] = '\0';
		a->m.tmpl = a->tmpl, a->m.lang = sp + 1;
		for (i = 0; i < MAXPARAMS; i++) {
			snprintf(k, sizeof k, "p%d", i + 1);
			if ((a->params[i] = web_field(q, k)) != NULL && *a->params[i])
				n = i + 1;
		}
		a->m.params = a->params, a->m.np = (size_t)n;
	}
	n = (a->m.text != NULL) + (a->m.snippet != NULL) + (a->m.media != NULL) + (a->m.tmpl != NULL);
	if (n != 1 && !(n == 2 && a->m.media && a->m.text && !a->m.caption))
		return "a text, a snippet, a photo or PDF, or a template: one of them";
	if (a->m.media && a->m.text)	/* the text with a photo is its caption */
		a->m.caption = a->m.text, a->m.text = NULL;
	return NULL;
}

/* The form of VERB into A: NULL, or what is wrong with it. */
static const char *
parse(struct web_req *q, const struct wa_conv *c, const char *verb, struct act *a)
{
	static const char *const verbs[] = { "reply", "assign", "note", "close", "ask-consent" };
	const char *v;

	for (a->verb = 0; a->verb < 5 && strcmp(verbs[a->verb], verb); a->verb++)
		;
	a->force = (v = web_field(q, "force")) && *v;
	a->m.lang = q->w->cfg->lang;
	switch (a->verb) {
	case REPLY:
		return replyform(q, a);
	case ASSIGN:
		if ((a->arg = web_field(q, "agent")) == NULL || !wa_agents_get(q->w->agents, a->arg))
			return "no such agent";
		/* an agent takes a conversation nobody has; an owner reassigns */
		if (!web_owner(q) && (strcmp(a->arg, q->agent) ||
		    (c->agent && strcmp(c->agent, q->agent))))
			return "";
		return NULL;
	case NOTE:
		if ((a->arg = web_field(q, "text")) == NULL || *a->arg == '\0')
			return "an empty note";
		return NULL;
	case CLOSE:
		if ((a->m.survey = (v = web_field(q, "survey")) && *v)) {
			a->m.tmpl = q->w->cfg->survey;
			a->m.params = q->w->cfg->sparams;
			a->m.np = q->w->cfg->nsparams;
		}
		return NULL;
	case ASKCONSENT:
		return NULL;
	}
	return "no such action";
}

/* The child: the verb as the terminal runs it, under the log's lock. */
WA_NORETURN static void
child(struct web_req *q, const char *id, struct act *a)
{
	struct wa_iv v = { 0 };
	int rc;

	v.p = q->w->cfg->p;
	v.suppress = q->w->cfg->suppress;
	v.me = q->agent;
	v.via = "web";
	v.collision = q->w->cfg->collision;
	v.force = a->force;
	if ((v.log = wa_inlog_open(v.p->log)) == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", v.p->log);
	v.ib = wa_inbox_load(v.p);
	if (a->verb == REPLY)
		rc = wa_iv_reply(&v, id, &a->m);
	else if (a->verb == ASSIGN)
		rc = wa_iv_assign(&v, id, a->arg);
	else if (a->verb == NOTE)
		rc = wa_iv_note(&v, id, a->arg);
	else if (a->verb == CLOSE)
		rc = wa_iv_close(&v, id, &a->m);
	else
		rc = wa_iv_askconsent(&v, id, &a->m);
	fflush(stdout), fflush(stderr);
	_exit(rc);
}

/* FP's text, rewound, into B, the program's name cut from each line. */
static void
slurp(FILE *fp, struct wa_buf *b)
{
	char *line = NULL;
	size_t cap = 0, pre = strlen(wa_prog) + 2;
	ssize_t n;

	rewind(fp);
	while ((n = getline(&line, &cap, fp)) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (b->len)
			wa_buf_adds(b, "; ");
		wa_buf_adds(b, strncmp(line, wa_prog, pre - 2) == 0 && line[pre - 2] == ':' ?
		    line + pre : line);
	}
	free(line);
	fclose(fp);
}

/* An action in its child: what the answer needs once it ended. */
struct web_job {
	pid_t pid;
	int fd;			/* the pipe's read end: EOF when the child is gone */
	FILE *out, *err;	/* its stdout and stderr */
	int rc;			/* its exit status, once ended; -1 before */
	struct act a;
	char id[WA_CONV_IDSZ], phone[WA_PHONE_MAX];
};

/*
 * Start J's action in a child. The child holds the pipe's write end only:
 * no other child inherits it (each is closed in the parent at once), so
 * its EOF says this child ended.
 */
static int
start(struct web_req *q, struct web_job *j)
{
	struct wa_web *w = q->w;
	int p[2];
	size_t i;

	if ((j->out = tmpfile()) == NULL || (j->err = tmpfile()) == NULL || pipe(p) < 0)
		return -1;
	/* the server's loop watches the pipe in an fd_set, which holds no more */
	if (p[0] >= FD_SETSIZE) {
		close(p[0]), close(p[1]);
		return -1;
	}
	fflush(stdout), fflush(stderr);
	if ((j->pid = fork()) < 0) {
		close(p[0]), close(p[1]);
		return -1;
	}
	if (j->pid == 0) {
		signal(SIGTERM, SIG_DFL), signal(SIGINT, SIG_DFL);
		close(p[0]);
		for (i = 0; i < w->njobs; i++)
			close(w->jobs[i]->job->fd);
		dup2(fileno(j->out), 1), dup2(fileno(j->err), 2);
		child(q, j->id, &j->a);
	}
	close(p[1]);
	j->fd = p[0];
	return 0;
}

void
web_job_free(struct web_job *j)
{
	if (j == NULL)
		return;
	if (j->fd >= 0)
		close(j->fd);
	if (j->out)
		fclose(j->out);
	if (j->err)
		fclose(j->err);
	free(j);
}

void
web_jobs_fdset(struct wa_web *w, fd_set *rs, int *max)
{
	size_t i;

	for (i = 0; i < w->njobs; i++) {
		FD_SET(w->jobs[i]->job->fd, rs);
		if (w->jobs[i]->job->fd > *max)
			*max = w->jobs[i]->job->fd;
	}
}

void
web_jobs_poll(struct wa_web *w, fd_set *rs, int wait)
{
	struct web_job *j;
	char c;
	size_t i = 0;
	int st;

	while (i < w->njobs) {
		j = w->jobs[i]->job;
		if (!wait && (!FD_ISSET(j->fd, rs) || read(j->fd, &c, 1) != 0)) {
			i++;
			continue;
		}
		while (waitpid(j->pid, &st, 0) < 0 && errno == EINTR)
			;
		j->rc = WIFEXITED(st) ? WEXITSTATUS(st) : WA_EXIT_FATAL;
		close(j->fd);
		j->fd = -1;
		MHD_resume_connection(w->jobs[i]->conn);
		w->jobs[i] = w->jobs[--w->njobs];
	}
}

/* After a refusal: the thread again with the message, a collision marked as one. */
static enum MHD_Result
refused(struct web_req *q, struct wa_conv *c, const struct act *a, const char *msg)
{
	int coll = a->verb == REPLY && wa_conv_collision(c, q->agent,
	    wa_now() - (time_t)q->w->cfg->collision) != NULL;

	return web_thread(q, c, coll && !a->force ? MHD_HTTP_CONFLICT :
	    MHD_HTTP_UNPROCESSABLE_CONTENT, coll ? "collision" : "error", msg);
}

enum MHD_Result
web_act(struct web_req *q, struct wa_conv *c, const char *verb)
{
	struct web_job *j = wa_calloc(1, sizeof *j);
	const char *bad;

	j->fd = -1;
	j->rc = -1;
	if ((bad = parse(q, c, verb, &j->a)) != NULL) {
		web_job_free(j);
		return *bad == '\0' ? web_text(q->conn, MHD_HTTP_FORBIDDEN, "forbidden") :
		    web_thread(q, c, MHD_HTTP_UNPROCESSABLE_CONTENT, "error", bad);
	}
	snprintf(j->id, sizeof j->id, "%s", c->id);
	snprintf(j->phone, sizeof j->phone, "%s", c->phone);
	if (start(q, j) < 0) {
		web_job_free(j);
		return web_text(q->conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot start the action");
	}
	q->job = j;
	q->w->jobs = wa_grow(q->w->jobs, &q->w->capjobs, q->w->njobs + 1, sizeof *q->w->jobs);
	q->w->jobs[q->w->njobs++] = q;
	MHD_suspend_connection(q->conn);
	return MHD_YES;
}

enum MHD_Result
web_act_done(struct web_req *q)
{
	struct web_job *j = q->job;
	struct wa_buf msg = { 0 }, to = { 0 };
	struct wa_conv *c;
	enum MHD_Result ret;
	int rc = j->rc;

	slurp(j->err, &msg);
	j->err = NULL;
	if (msg.len == 0) {
		slurp(j->out, &msg);
		j->out = NULL;
	}
	web_reload(q->w);
	/* a note or an assignment on a closed conversation opens the next one */
	if ((c = wa_inbox_find(web_inbox(q->w), j->id)) == NULL || (rc == 0 && c->closed &&
	    j->a.verb != CLOSE))
		c = wa_inbox_find(web_inbox(q->w), j->phone);
	if (c == NULL) {	/* forgotten meanwhile (wa-forget) */
		wa_buf_free(&msg);
		return web_redirect(q->conn, "/", NULL);
	}
	if (rc) {
		wa_conv_thread(web_inbox(q->w), c);
		ret = refused(q, c, &j->a, wa_buf_str(&msg));
		wa_buf_free(&msg);
		return ret;
	}
	wa_buf_free(&msg);
	wa_buf_adds(&to, "/c/");
	wa_html_urlpart(&to, c->id);
	ret = web_redirect(q->conn, wa_buf_str(&to), NULL);
	wa_buf_free(&to);
	return ret;
}
