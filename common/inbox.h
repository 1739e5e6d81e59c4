/* wa: the inbox layer: conversations, their log, replies by people (see README.md). */
#ifndef WA_INBOX_H
#define WA_INBOX_H

#include "wa.h"

struct wa_window;
struct wa_convsnap;
struct wa_rules;
struct wa_agents;
struct wa_smtp;
struct wa_consentlog;
struct wa_media_kind;

/* inlog.c: the inbox log, $WA_HOME/inbox.jsonl: what people and routing did */
/*
 * Its events: opened, routed, assigned, handed_off, note, replied, closed;
 * each line {"event","conv","phone","customer","agent","at",...}, the
 * phone on every line so that wa-forget finds the person. Lines of other
 * events ("uploaded": a reply's media) are no part of the thread.
 */
int wa_inlog_event(const char *ev);
/*
 * FIELD of the latest line of event EV and key KEY at SINCE or later in
 * the log at PATH, allocated, or NULL.
 */
char *wa_inlog_find(const char *path, const char *ev, const char *key,
    const char *field, time_t since);
struct wa_inlog;
/*
 * Open (creating 0600) and lock the log at PATH, waiting for another
 * writer, and cut a torn last line: the run then reads and decides under
 * the lock. NULL with errno.
 */
struct wa_inlog *wa_inlog_open(const char *path);
/* Append E with its "at" set to now, and fsync; 0 or -1. */
int wa_inlog_add(struct wa_inlog *l, json_t *e);
void wa_inlog_close(struct wa_inlog *l);

/* convs.c: conversations, folded from the spool, the ledger, the log and the customers */
#define WA_CONV_IDSZ 16
#define WA_INBOX_CAMPAIGN "inbox"	/* the ledger keys of replies: inbox/CONV/REPLY */
/* One line of a thread. */
struct wa_tmsg {
	time_t at;
	int dir;		/* '<' the customer, '>' to them, '#' the log */
	char *wamid, *text, *type, *context;	/* context: the wamid quoted */
	char *media, *caption;	/* an inbound media's id and caption */
	char *by;		/* '>': the agent, or the campaign; '#': the event */
	char *key;		/* '>': the ledger key */
	char *agent;		/* '#': who did it, or was assigned */
	int state;		/* '>': WA_LEDGER_* */
	int status;		/* '>': 0, 1 sent, 2 delivered, 3 read, 4 failed */
};
struct wa_ccust;
struct wa_conv {
	char id[WA_CONV_IDSZ];
	char *phone;		/* E.164 */
	char *name;		/* the WhatsApp profile name */
	struct wa_ccust *cc;	/* its customer: wa_conv_cust, the row's fields */
	char *tier, *dept, *agent;
	int handed;		/* handed off to a person */
	time_t handed_at;	/* when (the log's time) */
	char *asked, *routes;	/* what the bot collected before: order asked about, its answers */
	time_t opened, closed;	/* closed: 0 while open */
	time_t last_in, wait_since;	/* wait_since: the first message no person answered */
	time_t last_bot, last_person;	/* the last answers, by a campaign and by a person */
	char *last_person_agent;
	char *last;		/* the last thing said, in or out */
	int partial;		/* msg not read yet: wa_conv_thread */
	struct wa_tmsg *msg;	/* oldest first */
	size_t nmsg, cap;
};
struct wa_inbox_paths {
	const char *events, *ledger, *log;	/* the spool, wa-send's ledger, the inbox log */
	const char *customers;	/* NULL: none */
};
/*
 * Service targets by tier: "TIER DURATION" lines; "other" for the rest;
 * "working-hours yes" counts only the assigned agent's working hours.
 */
struct wa_sla {
	char **tier;
	long long *secs;
	size_t n;
	long long other;
	int working;		/* in the agent's working hours */
	const struct wa_agents *agents;	/* theirs; NULL: none */
};
void wa_sla_default(struct wa_sla *s);
/* Read PATH over the defaults; dies with status 2 on a bad line. */
void wa_sla_load(struct wa_sla *s, const char *path);
long long wa_sla_for(const struct wa_sla *s, const char *tier);
struct wa_inbox {
	struct wa_conv **conv;	/* oldest first, open and closed */
	size_t n, cap;
	struct wa_hash *byid;	/* conversation id -> wa_conv */
	struct wa_hash *byphone;	/* same-user key -> the latest wa_conv */
	struct wa_hash *custs;	/* same-user key -> its customer entry (convcust.c) */
	struct wa_hash *custids;	/* customer id -> its entry, once asked for */
	json_t *custlist;	/* after wa_inbox_allcust, every record: those of people with a conversation first */
	struct wa_window *win;	/* who wrote when: the 24-hour window */
	struct wa_convsnap *snap;	/* where the threads not read yet are */
};
/*
 * Everything of P folded: the snapshot $WA_HOME/convs.state and what the
 * files gained since (convsnap.c), or all of them when it is missing or
 * stale, then saved; dies with status 3 on a read error. A conversation's
 * thread (msg) may be left unread (partial): wa_conv_thread reads it.
 */
struct wa_inbox *wa_inbox_load(const struct wa_inbox_paths *p);
/* The conversation WHO (conversation id, customer id or phone) names, or NULL. */
struct wa_conv *wa_inbox_find(struct wa_inbox *ib, const char *who);
/* The customer record of WHO, or NULL. */
json_t *wa_inbox_customer(struct wa_inbox *ib, const char *who);
/* The entry of WHO's customer record, for a new conversation's cc, or NULL. */
struct wa_ccust *wa_inbox_custref(struct wa_inbox *ib, const char *who);
/* C's customer record, read from the customer file when first asked for; NULL for none. */
json_t *wa_conv_cust(const struct wa_conv *c);
/*
 * Read the records of the customers with no conversation too: a load
 * reads none. custlist then holds them all.
 */
void wa_inbox_allcust(struct wa_inbox *ib);
/* The id of a conversation with PHONE opened by the message or time SEED. */
void wa_conv_makeid(const char *phone, const char *seed, char *out);
/* bot, waiting, answered, handed_off or closed, as of NOW. */
const char *wa_conv_state(const struct wa_conv *c, time_t now);
/* C's service deadline as of NOW, while it waits for a person; 0 for none. */
time_t wa_conv_due(const struct wa_conv *c, const struct wa_sla *s, time_t now);
/*
 * The fields of C for a list and for -e: customer, name, tier, tags, dept,
 * agent, state, waited, sla_due, breached, window_left, last...
 */
json_t *wa_conv_row(const struct wa_conv *c, const struct wa_sla *s,
    time_t now);
/* The latest reply of C by a person other than ME since SINCE, or NULL. */
const struct wa_tmsg *wa_conv_collision(const struct wa_conv *c, const char *me,
    time_t since);
void wa_inbox_free(struct wa_inbox *ib);

/* convfold.c: the fold of lines into people's items, cut into conversations (convs-int.h, private) */

/* convrec.c: the snapshot's records (convs-int.h, private) */

/* convsnap.c: the fold kept between runs, $WA_HOME/convs.state and convs.items */
/* Read C's thread into C->msg when it is not there yet (C->partial). */
void wa_conv_thread(struct wa_inbox *ib, struct wa_conv *c);

/* convcust.c: the conversations' customers, trimmed in the snapshot, whole on demand (convs-int.h, private) */

/* thread.c: a conversation for a person to read, or as JSON lines */
/*
 * The customer card of C (ROW: its wa_conv_row) to FP: who, tier, tags,
 * spend, consent (SUPPRESSED: opted out), agent and department, and the
 * last 3 orders of ORDERPATH (NULL: none).
 */
void wa_thread_card(FILE *fp, const struct wa_conv *c, json_t *row,
    const char *orderpath, int suppressed);
/* C's thread, oldest first, a line a message: TIME, <, > or #, who, what, status. */
void wa_thread_put(FILE *fp, const struct wa_conv *c);
/* The line of message M of C. */
void wa_thread_line(FILE *fp, const struct wa_conv *c, const struct wa_tmsg *m);
/* Message M of C as {"conv","at","dir","by","type","text","media",...}. */
json_t *wa_thread_json(const struct wa_conv *c, const struct wa_tmsg *m);
/* C's messages from FROM on to FP, as lines (JSON 0) or JSON lines; dies with status 3 when FP cannot be written. */
void wa_thread_from(FILE *fp, const struct wa_conv *c, size_t from, int json);
/*
 * --follow: the messages of conversation ID after the first SHOWN to
 * stdout, IB loaded again from P every second, until killed.
 */
WA_NORETURN void wa_thread_follow(struct wa_inbox **ib, const struct wa_inbox_paths *p,
    const char *id, size_t shown, int json);

/* reply.c: one message of a conversation through wa-send's queue and ledger */
struct wa_reply {
	const char *ledger, *events, *suppress;	/* paths */
	const char *campaign;	/* the key's first part: "inbox" */
	const char *id;		/* the rest: conversation/reply */
	const char *to;		/* E.164 */
	const char *tmpl, *lang;	/* a template's, or NULL */
};
/*
 * Send BODY (taken) once under the ledger key CAMPAIGN/ID, as wa-send
 * sends: its attempt in the ledger first, retries, error classes, the
 * suppression list. The event wa-send would print ("sent", "failed",
 * "skipped" with a reason...). Dies with status 2 without WA_TOKEN or
 * WA_PHONE_NUMBER_ID, 3 when the ledger cannot be written.
 */
json_t *wa_reply_send(const struct wa_reply *r, json_t *body);
/* The text of snippet NAME in PATH ("NAME<TAB>text" lines, '#' comments), or NULL; dies with status 2 without PATH. */
char *wa_snippet(const char *path, const char *name);
/* The approved templates of the cache at CACHE, "a, b", or NULL for none. */
char *wa_reply_templates(const char *cache);

/* A reply's media file, read and checked (wa-inbox reply --media). */
#define WA_RMEDIA_TTL (29 * 86400)	/* an upload is used again: Meta keeps it 30 days */
struct wa_rmedia {
	struct wa_buf data;
	const struct wa_media_kind *k;
	char sha[65];		/* its SHA-256, in the reply's id */
	const char *name;	/* the file's name, a document's */
	char *id;		/* its media id */
};
/* Read the file PATH into M; dies with status 2 when the Cloud API would refuse it. */
void wa_rmedia_read(struct wa_rmedia *m, const char *path);
/*
 * M->id for the reply KEY: the upload the inbox log at LOGPATH records
 * for KEY within WA_RMEDIA_TTL, returned, else a new upload and NULL:
 * the caller logs wa_rmedia_uploaded before the message goes, so that a
 * reply run again after a crash does not upload it again. Dies with
 * status 1 when the upload fails.
 */
const char *wa_rmedia_id(struct wa_rmedia *m, const char *key, const char *logpath);
/* The "uploaded" line of M for KEY, without the conversation's fields. */
json_t *wa_rmedia_uploaded(const struct wa_rmedia *m, const char *key);
void wa_rmedia_free(struct wa_rmedia *m);

/* route.c: new message events since a cursor, routed to departments by rules */
struct wa_bot;
/*
 * Each message event of SPOOL past the cursor CUR whose open
 * conversation in IB has no department gets the first rule of RS
 * (segment rules: "DEPT: EXPR") matching its customer record, tier and
 * the message's text, type, payload, name and ref; a "routed" line in
 * LOG, given to EMIT. Rules named "handoff", or "handoff-REASON", are no
 * department: the first that matches hands the conversation off to a
 * person ("handed_off", with REASON or the rule as its reason), once.
 * With BOT (else NULL), each message then goes to the bot, which may hand
 * off too (it had no answer too many times in a row); the hand-off line
 * carries what the bot collected, and only the bot's answers go to EMIT.
 * The reading stops before a message the inbox did not know when IB was
 * loaded. CUR is then moved past the last line read.
 * How many message events were read.
 */
long wa_route(struct wa_inbox *ib, struct wa_inlog *log, struct wa_rules *rs,
    const char *spool, struct wa_cursor *cur, struct wa_bot *bot,
    void (*emit)(json_t *, void *), void *arg);

/* bot.c: the bot's answers to new messages: order status, keywords, greeting, away */
struct wa_bot_set {
	const char *order;	/* the order-status pattern, or NULL */
	const char *const *kw;	/* "NAME=PATTERN" keywords, in order */
	size_t nkw;
	int open, close;	/* business hours, minutes of the day */
	const char *days;	/* business days, "12345": 1 is Monday, 7 Sunday */
	const char *tz;		/* the store's zone */
	long long every;	/* the away answer, not again within */
	int misses;		/* unanswered messages in a row that hand off; 0 never */
	const char *orders;	/* the orders file, or NULL */
	const char *customers;	/* the customers file, or NULL */
};
/*
 * The bot with settings S (kept, not copied) and its state at STATE (none
 * yet: a first run) over IB; dies with status 2 on a bad pattern.
 */
struct wa_bot *wa_bot_open(const struct wa_bot_set *s, const char *state,
    struct wa_inbox *ib);
/* Where the state says the last run stopped. */
void wa_bot_cursor(struct wa_bot *b, struct wa_cursor *cur);
/*
 * Fold an event of the spool (a message, an opt-out, an order) into the
 * history, first, for all new events: a message's answer is decided over
 * all of the spool read so far, as the journey's jq program did.
 */
void wa_bot_see(struct wa_bot *b, json_t *ev);
/*
 * The answer to the message event EV of conversation C (NULL: none): EV
 * with "route" (order-status, keyword-NAME, greeting or away) and, for
 * the order status, order_name, fulfillment_status and tracking_url; or
 * NULL for none: a message out of its 24-hour window, a reaction, an
 * opt-out, a conversation handed off, a message C's ledger entries show
 * answered already (a key ending in /WAMID, not refused), or nothing
 * fits. *GIVEUP is set
 * when that makes too many unanswered in a row: the caller hands off.
 */
json_t *wa_bot_answer(struct wa_bot *b, const struct wa_conv *c, json_t *ev,
    int *giveup);
/* What the bot collected in C for EV's writer: {"asked","routes"}, new. */
json_t *wa_bot_facts(struct wa_bot *b, const struct wa_conv *c, json_t *ev);
/* C was handed off at EV: the bot is silent in it from now on. */
void wa_bot_handed(struct wa_bot *b, const struct wa_conv *c, json_t *ev);
/*
 * Write the state with the cursor CUR to STATE.new (write-then-rename);
 * the caller renames it over STATE once the answers are sent. 0 or -1.
 */
int wa_bot_save(struct wa_bot *b, const struct wa_cursor *cur);
void wa_bot_free(struct wa_bot *b);

/* agents.c: the agents, who is on duty, who gets a conversation */
/*
 * $WA_HOME/agents: a line an agent, "NAME FIELD=VALUE...", fields dept
 * (a comma list; none or "*": every department), email, phone, hours
 * ("mon-fri/09:00-17:00,sat/10:00-14:00"; none: always on duty), tz
 * (the zone of the hours, UTC), role (owner or agent: the web inbox's)
 * and pw (the web inbox's password hash, read by passwd.c only, never
 * shown); '#' comments.
 */
struct wa_span;
struct wa_agent {
	char *name;
	char **dept;
	size_t ndept;
	char *email, *phone, *tz;	/* phone: E.164 */
	struct wa_span *span;
	size_t nspan;
	int owner;		/* role=owner */
};
struct wa_agents {
	struct wa_agent *a;	/* the file's order */
	size_t n;
	char *path;
};
/* The agents of PATH, or NULL when there is no such file; dies with status 2 on a bad line. */
struct wa_agents *wa_agents_load(const char *path);
/*
 * The same for a server, which must not die of a bad edit: NULL with
 * errno ENOENT (no file, ERR empty), EINVAL (a bad line: ERR says
 * "PATH:LINE: WORD: what") or another (the file could not be read).
 */
struct wa_agents *wa_agents_read(const char *path, char *err, size_t errsz);
/* Agent NAME of AS (may be NULL), or NULL. */
const struct wa_agent *wa_agents_get(const struct wa_agents *as, const char *name);
/* Does A work for department DEPT (NULL: none)? */
int wa_agent_in(const struct wa_agent *a, const char *dept);
/* Is A on duty at T, by A's hours in A's zone? */
int wa_agent_on(const struct wa_agent *a, time_t t);
/* FROM plus SECS of A's working time (A NULL or without hours: wall time). */
time_t wa_agent_due(const struct wa_agent *a, time_t from, long long secs);
/*
 * Assign each open conversation of IB handed off to a person and assigned
 * to nobody: to its customer's last agent when on duty at NOW (sticky),
 * else to the on-duty agent of its department with the fewest open
 * conversations. An "assigned" line (by route) in LOG, given to EMIT.
 * How many were assigned.
 */
long wa_agents_assign(const struct wa_agents *as, struct wa_inbox *ib,
    struct wa_inlog *log, time_t now, void (*emit)(json_t *, void *), void *arg);
void wa_agents_free(struct wa_agents *as);

/* notify.c: agents told of assignments, deadlines near and breaches, once */
struct wa_notify {
	const char *statepath;	/* what was tried: $WA_HOME/notified.jsonl */
	const char *cmd;	/* --notify: a shell command, the event on its stdin; or NULL */
	const char *tmpl, *lang;	/* the WhatsApp template to the agent's phone, or NULL */
	const char *ledger, *events, *suppress;	/* its way out, as a reply's */
	const char *orders;	/* the e-mail's customer card */
	const struct wa_agents *agents;	/* may be NULL */
	const struct wa_sla *sla;
	struct wa_smtp *smtp;	/* e-mail to the agents, or NULL */
	const char *from;	/* its sender */
};
/*
 * Tell the agents of IB's open conversations, as of NOW, of each new
 * assignment ("assigned"), of a deadline 5 minutes away ("sla_soon") and
 * of a breach ("breached"), on each channel once across runs: the event
 * as JSON to N's command, an e-mail, a WhatsApp template. A deadline of a
 * conversation assigned to nobody goes to the on-duty agents of its
 * department. A "notified" line per send to EMIT. How many went.
 */
long wa_notify_run(const struct wa_notify *n, struct wa_inbox *ib, time_t now,
    void (*emit)(json_t *, void *), void *arg);

/* askconsent.c: the consent question, once a person, and the answer an agent logs */
/*
 * Send E164 the consent question, template TMPL in LANG with the quick
 * replies CONSENT_YES and CONSENT_NO, once ever, through BASE's ledger
 * (its campaign and id set here): the outcome as wa_reply_send gives it.
 * Dies with status 2 when the template cannot be built.
 */
json_t *wa_askconsent(const struct wa_reply *base, const char *e164, const char *tmpl,
    const char *lang);
/*
 * Ask the customer of each conversation of IB closed in the day before
 * NOW, with none open since and no event in the consent log CL; each
 * outcome to EMIT but for one asked before. How many were sent.
 */
long wa_askconsent_closed(struct wa_inbox *ib, struct wa_consentlog *cl,
    const struct wa_reply *base, const char *tmpl, const char *lang, time_t now,
    void (*emit)(json_t *, void *), void *arg);
/*
 * wa-inbox ask-consent WHO: the question to WHO, a phone, a customer or a
 * conversation, through BASE's ledger; its outcome printed on stdout.
 * 0 when it went, else 1; dies with status 1 when WHO has no phone.
 */
int wa_askconsent_who(struct wa_inbox *ib, const struct wa_reply *base, const char *who,
    const char *tmpl, const char *lang);
/*
 * wa-inbox consent WHO yes|no: agent AGENT read WHO's answer in the chat:
 * an opt_in (YESNO "yes") or opt_out ("no") into the consent log, from
 * "wa-inbox:agent AGENT", its evidence GIVEN, else the last message WHO
 * wrote; the event printed. 0, or it exits (2: neither yes nor no).
 */
int wa_askconsent_agent(struct wa_inbox *ib, const char *who, const char *yesno,
    const char *agent, const char *given);

/* inlist.c: wa-inbox list: the conversations a filter keeps, soonest deadline first */
struct wa_inlist {
	const char *agent, *dept;	/* assigned to, in; NULL: any */
	const char *expr;	/* -e: an expression over the rows, or NULL */
	const char *fmt;	/* "table", else JSON lines */
	int all;		/* the closed ones too */
	int breached;		/* only those past their deadline */
	const struct wa_sla *sla;
};
/* The rows of IB's conversations that L keeps, by deadline, to stdout; 0. */
int wa_inlist_put(const struct wa_inlist *l, struct wa_inbox *ib);
struct wa_rule;
/* Those rows as an array (new), E the expression of L->expr or NULL: the web's list. */
json_t *wa_inlist_rows(const struct wa_inlist *l, struct wa_inbox *ib, struct wa_rule *e);

/* inroute.c: wa-inbox route's run, from the routes' or the bot's cursor */
struct wa_inroute {
	const char *routes;	/* --routes; NULL: $WA_HOME/routes */
	const char *bot;	/* --bot: the bot's state file; NULL: no bot */
	const struct wa_bot_set *set;	/* the bot's settings */
	const char *notify, *notifytmpl;	/* the agents' command and template, or NULL */
	const char *askconsent;	/* --ask-consent: the template, or NULL */
	const char *lang;
	const char *ledger, *events, *suppress, *orders;	/* paths */
	struct wa_agents *agents;	/* may be NULL */
	const struct wa_sla *sla;
};
/*
 * Route the spool's new messages by the rules file (with a bot, it may be
 * missing), from the cursor in $WA_HOME, or the bot's state, saved after;
 * then assign, notify the agents (WA_SMTP_URL: by e-mail too), and with
 * ASKCONSENT ask the customers of conversations closed. What happens goes
 * to stdout as JSON lines, only the bot's answers with a bot. 0.
 */
int wa_inroute_run(const struct wa_inroute *o, struct wa_inbox *ib, struct wa_inlog *log);
/* inverb.c: what a person does to a conversation, from the terminal or the web */
struct wa_iv {
	struct wa_inbox *ib;	/* loaded under LOG's lock; loaded again when one opens */
	struct wa_inlog *log;	/* held while deciding and writing */
	const struct wa_inbox_paths *p;
	const char *suppress;	/* the suppression list */
	const char *me;		/* the agent who does it */
	const char *via;	/* "terminal", or "web": a "via" on each log line */
	long long collision;	/* another agent's reply within: refused */
	int force;		/* refused no more, only warned */
};
/* What a reply (or the survey, or the consent question) sends: one of text, snippet, media, tmpl. */
struct wa_ivmsg {
	const char *text, *snippet;	/* placeholders filled */
	const char *media, *caption;	/* a file's path and its caption */
	const char *name;	/* the document's name, when not the path's */
	const char *tmpl, *lang;
	const char *const *params;	/* a template's body parameters */
	size_t np;
	const char *id;		/* the reply's id, or NULL: from what and to what */
	int survey;		/* close: the satisfaction template first */
};
/* Log E (taken) about C, with V's agent and via; dies with status 3 when it cannot. */
void wa_iv_log(struct wa_iv *v, struct wa_conv *c, json_t *e);
/*
 * wa-inbox reply WHO: M once through the ledger (key inbox/CONV/ID), in
 * the window (else only a template), not over another agent's reply
 * within V->collision unless forced; the outcome on stdout, a "replied"
 * line; 0 when it went. Dies with status 2 on a refusal.
 */
int wa_iv_reply(struct wa_iv *v, const char *who, const struct wa_ivmsg *m);
/* assign WHO AGENT, note WHO TEXT: a line in the log, a conversation opened if none is; 0. */
int wa_iv_assign(struct wa_iv *v, const char *who, const char *agent);
int wa_iv_note(struct wa_iv *v, const char *who, const char *text);
/* close WHO, with M->survey the template (csat) and its SCORE buttons first. */
int wa_iv_close(struct wa_iv *v, const char *who, const struct wa_ivmsg *m);
/* ask-consent WHO: the consent question (M->tmpl, else consent_request), once a person. */
int wa_iv_askconsent(struct wa_iv *v, const char *who, const struct wa_ivmsg *m);
#endif
