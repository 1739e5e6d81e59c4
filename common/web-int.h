/*
 * web-int.h: the state of wa-inbox serve, shared by the web*.c files
 * that make the server and private to them: one thread runs it all
 * (its own select loop over MHD's sockets and the actions' pipes), so
 * none of it needs a lock; an action that sends runs in a child process,
 * under the inbox log's lock as the terminal's does, while its request
 * waits suspended and the server goes on with the others.
 */
#ifndef WA_WEB_INT_H
#define WA_WEB_INT_H

#include <sys/select.h>
#include <microhttpd.h>

#define WEB_FIELDMAX (64 << 10)	/* a form field, in bytes */
#define WEB_UPLOADMAX (16 << 20)	/* an upload: JPEG, PNG or PDF */
#define WEB_COOKIE "wa_sid"

/* A file the list is folded from, watched for growth. */
struct web_watch {
	const char *path;
	long long size, mtime;
	unsigned long long ino;
};

struct web_req;
struct web_job;

struct wa_web {
	const struct wa_webcfg *cfg;
	struct MHD_Daemon *d;
	struct wa_inbox *ib;	/* NULL: to be loaded again before use */
	struct wa_agents *agents;	/* the agents file as last read */
	struct web_watch agentsw;	/* and when */
	struct wa_sla *sla;	/* cfg's, with those agents */
	struct wa_hash *media;	/* a media id of a thread read -> its conversation's id */
	struct web_req **jobs;	/* requests waiting for their action's child */
	size_t njobs, capjobs;
	struct wa_sessions *sess;
	struct wa_throttle *thr;
	char *uploads, *snippets, *templates, *agentspath;
	struct web_watch watch[4];
	size_t nwatch;
	unsigned long gen;	/* bumped when a watched file changed */
	time_t pinged;		/* the last keep-alive to the event streams */
	struct web_req **sse;	/* suspended event streams */
	size_t nsse, capsse;
};

/* One request: its session, its form, its upload, or its event stream. */
struct web_req {
	struct wa_web *w;
	struct MHD_Connection *conn;
	char sid[65];
	const char *agent;	/* the session's, or NULL */
	struct MHD_PostProcessor *pp;
	json_t *form;		/* the fields: name -> string */
	int bad;		/* 413: a field or the upload too large; 400: no form */
	int upfd;		/* the upload's file, -1: none */
	char *uppath;		/* under $WA_HOME/uploads, a name of the server's */
	char *upname;		/* the name the browser gave, only ever shown */
	size_t upsize;
	int answered;		/* refused before its body: the rest ignored */
	int sse;		/* an event stream */
	int suspended;
	struct web_job *job;	/* an action running in a child */
	unsigned long gen;	/* the stream's last change told */
	time_t pinged;		/* and its last ping */
};

/* webhttp.c: answers, with the headers every one carries */
enum MHD_Result web_send(struct MHD_Connection *c, unsigned status, const char *type,
    struct wa_buf *body);
enum MHD_Result web_text(struct MHD_Connection *c, unsigned status, const char *text);
enum MHD_Result web_redirect(struct MHD_Connection *c, const char *to, const char *cookie);
void web_headers(struct MHD_Response *r);
/* The form's field NAME, or NULL. */
const char *web_field(struct web_req *q, const char *name);
/* Start reading the form of a POST; 0, or the status to answer. */
unsigned web_form_begin(struct web_req *q);
void web_form_feed(struct web_req *q, const char *data, size_t n);
/* Done: the upload checked by its first bytes (JPEG, PNG, PDF), else 415 and gone; 0. */
unsigned web_form_end(struct web_req *q);
void web_req_free(struct web_req *q);

/* webpage.c: the pages */
/* The page's head and the bar, then what goes in <main>. */
void web_page_top(struct wa_buf *b, const char *title, struct web_req *q);
void web_page_end(struct wa_buf *b);
/* GET /: the list; FRAGMENT: only the rows (app.js's refresh). */
enum MHD_Result web_list(struct web_req *q, int fragment);
/* GET /c/ID, with a message (ERR) and its class after an action, or NULL. */
enum MHD_Result web_thread(struct web_req *q, struct wa_conv *c, unsigned status,
    const char *cls, const char *msg);
enum MHD_Result web_login_page(struct MHD_Connection *c, unsigned status, const char *msg);

/* webthread.c: the thread's parts: messages, reply box, forms */
void web_thread_msgs(struct wa_buf *b, const struct wa_conv *c);
void web_thread_forms(struct wa_buf *b, struct web_req *q, const struct wa_conv *c);
void web_csrf_field(struct wa_buf *b, struct web_req *q);

/*
 * webact.c: the POSTs to /c/ID/VERB, through the terminal's verbs, each in
 * a child while its request waits suspended; the child's end (its pipe
 * read to EOF) resumes it, and the handler's next call answers.
 */
enum MHD_Result web_act(struct web_req *q, struct wa_conv *c, const char *verb);
/* The answer of Q's action, once its child ended. */
enum MHD_Result web_act_done(struct web_req *q);
/* Add the running actions' pipes to RS (and MAX). */
void web_jobs_fdset(struct wa_web *w, fd_set *rs, int *max);
/* Resume the requests whose child ended (their pipe in RS); WAIT: wait for them all (stop). */
void web_jobs_poll(struct wa_web *w, fd_set *rs, int wait);
void web_job_free(struct web_job *j);

/* webmedia.c: /media/ID, streamed from the Cloud API */
enum MHD_Result web_media(struct web_req *q, const char *id);
/* Index the media of C's thread (read) by id, for /media/ID. */
void web_media_index(struct wa_web *w, const struct wa_conv *c);
/* May Q's agent see C? */
int web_may_see(struct web_req *q, const struct wa_conv *c);
/* Is Q's agent an owner? */
int web_owner(struct web_req *q);

/* websse.c: /events, and the files watched */
void web_watch_init(struct wa_web *w);
/* Look at the files again; a change resumes every stream; the agents file read again when it changed. */
void web_watch_poll(struct wa_web *w);
enum MHD_Result web_events(struct web_req *q);
void web_sse_gone(struct web_req *q);
/* The inbox, loaded again when a watched file changed. */
struct wa_inbox *web_inbox(struct wa_web *w);
/* Load it again at the next web_inbox: an action changed it. */
void web_reload(struct wa_web *w);

/* webasset.c: app.js and app.css, compiled in */
enum MHD_Result web_asset(struct MHD_Connection *c, const char *url);
#endif
