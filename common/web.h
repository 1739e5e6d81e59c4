/* wa: the web layer: wa-inbox serve, its logins, sessions and pages (see README.md). */
#ifndef WA_WEB_H
#define WA_WEB_H

#include "wa.h"

struct wa_agent;	/* inbox.h */
struct wa_conv;		/* inbox.h */

/* passwd.c: the agents' passwords, scrypt hashes in the agents file */
#define WA_PW_MIN 10	/* characters, at least */
/*
 * Set AGENT's password to PW in the agents file PATH: a "pw=scrypt$N$r$p$
 * SALT$HASH" word in AGENT's line (a new salt each time), the file
 * rewritten then renamed under its lock, every other line and word kept
 * byte for byte, its mode kept. 0, or the exit status with the reason in
 * ERR: 2 for no such agent or a password shorter than WA_PW_MIN, 3 when
 * the file could not be read or written. Never says the hash.
 */
int wa_pw_set(const char *path, const char *agent, const char *pw, char *err,
    size_t errsz);
/*
 * Is PW AGENT's password in PATH? 1 or 0: 0 too for an unknown agent, one
 * without a password or an unreadable file, after the same scrypt work,
 * so that the time taken tells nothing.
 */
int wa_pw_check(const char *path, const char *agent, const char *pw);
/*
 * A new password: the first line of the standard input when it is not a
 * terminal (scripts), else asked twice on the terminal, not echoed. A
 * string for wa_secret_free, or NULL with the reason in ERR.
 */
char *wa_pw_read(char *err, size_t errsz);

/*
 * sessions.c: web sessions in $WA_HOME/web-sessions, and their CSRF tokens.
 * A wa_sessions, like a wa_throttle, is for one thread at a time: a server
 * with threads holds a mutex around each call.
 */
#define WA_SID_HEX 65	/* a session id or a token: 64 hex digits and a NUL */
struct wa_sessions;
/*
 * The sessions of file PATH (made when first written), idle for more than
 * IDLE seconds: expired. The file holds sha256 of each id, never the id.
 * NULL with errno when PATH cannot be read.
 */
struct wa_sessions *wa_sess_open(const char *path, long idle);
void wa_sess_close(struct wa_sessions *s);
/* A new session of AGENT at NOW, its id (32 bytes of getrandom) in hex into SID. 0, or -1. */
int wa_sess_new(struct wa_sessions *s, const char *agent, time_t now,
    char sid[WA_SID_HEX]);
/*
 * The agent of session SID at NOW, which becomes its last use; NULL when
 * no such session, or expired, or ended (by another process too: the file
 * is read again when it changed).
 */
const char *wa_sess_agent(struct wa_sessions *s, const char *sid, time_t now);
/* End session SID (logout). */
void wa_sess_end(struct wa_sessions *s, const char *sid);
/* End every session of AGENT in the file PATH (wa-inbox logout-all): how many, or -1. */
long wa_sess_end_agent(const char *path, const char *agent);
/* The CSRF token of session SID: HMAC-SHA256 of it under this server's random key. */
void wa_csrf_token(struct wa_sessions *s, const char *sid, char tok[WA_SID_HEX]);
/* Is TOK (NULL or "": no) session SID's token? In constant time. */
int wa_csrf_ok(struct wa_sessions *s, const char *sid, const char *tok);

/* throttle.c: failed logins slowed down, per agent and per address */
struct wa_throttle;
struct wa_throttle *wa_throttle_new(void);
void wa_throttle_free(struct wa_throttle *t);
/* Seconds AGENT from ADDR must wait before trying a password at NOW (429, Retry-After); 0: try. */
int wa_login_wait(struct wa_throttle *t, const char *agent, const char *addr,
    time_t now);
/* Count the outcome (OK: the password was right) of a try at NOW. */
void wa_login_result(struct wa_throttle *t, const char *agent,
    const char *addr, int ok, time_t now);
/*
 * The client's address: PEER, or with TRUST (--trust-proxy, behind nginx)
 * the last address of X-Forwarded-For XFF (NULL: none), the one the proxy
 * saw. Into BUF of SZ bytes.
 */
const char *wa_login_addr(const char *peer, const char *xff, int trust,
    char *buf, size_t sz);

/* roles.c: who may see what */
/* May agent A open conversation C? An owner all, another agent those of their departments or assigned to them. */
int wa_web_may_see(const struct wa_agent *a, const struct wa_conv *c);

/* webserve.c: wa-inbox serve, the web inbox over the inbox's files */
struct wa_inbox_paths;
struct wa_sla;
struct wa_agents;
struct wa_webcfg {
	const char *listen;	/* "ADDR:PORT", as wa-hook -l */
	long long idle;		/* a session ends after this many seconds unused */
	int trust_proxy;	/* the client's address from X-Forwarded-For (nginx) */
	const struct wa_inbox_paths *p;
	const char *suppress, *orders;	/* paths */
	const struct wa_sla *sla;
	const struct wa_agents *agents;	/* who may log in */
	long long collision;	/* another agent's reply within: a reply refused */
	const char *lang;	/* the consent question's and the survey's */
	const char *survey;	/* close's survey template, or NULL: the terminal's csat */
	const char *const *sparams;	/* and its body parameters */
	size_t nsparams;
};
/*
 * Serve the pages (see wa-inbox(1), SERVE) until SIGTERM or SIGINT,
 * saying "serving on http://ADDR:PORT/" on stderr when ready; 0. Dies
 * with status 2 without WA_TOKEN or WA_PHONE_NUMBER_ID, 3 when it cannot
 * listen or read its state. Each page reads the inbox as loaded after the
 * last change of its files; each action runs in a child process, through
 * the terminal's verbs (inverb.c).
 */
int wa_web_serve(const struct wa_webcfg *cfg);
#endif
