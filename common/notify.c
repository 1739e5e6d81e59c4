/*
 * notify.c: telling agents, once per event: a new assignment, a service
 * deadline 5 minutes away, a breach. Events are not queued: each run
 * finds them again in the folded conversations (an "assigned" line of the
 * inbox log, a deadline), so what a killed run did not get to is still
 * there for the next one, and each event has a key of its own (kind,
 * conversation, agent, the time it is about: an assignment's, or for a
 * deadline the customer's first unanswered message, as the deadline
 * itself moves with the agent's working hours or the tier).
 *
 * What was tried is $WA_HOME/notified.jsonl. Each channel's key is
 * appended and synced BEFORE its send ("attempt") and AFTER it (the
 * outcome); a key with any line is never tried again, but for a send
 * that surely did not go ("retry": the command failed, the mail server
 * said try later or could not be reached), tried by the next runs, 3
 * times in all. So a run killed
 * before the attempt line leaves nothing, and the next run sends it:
 * nothing lost. Killed after the attempt and before the outcome, the send
 * may or may not have gone (the command ran, the mail was handed over, the
 * request left): the next run says so, records it as "unknown", and does
 * not repeat it, as wa-send does not repeat an ambiguous message; a page
 * sent twice teaches agents to ignore pages. Nothing is doubled, and the
 * only loss is the one send a crash cut, said aloud. Route holds the inbox
 * log's lock for the whole run, so two runs never try the same key.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "wa.h"
#include "store.h"
#include "send.h"
#include "inbox.h"

#define SOON (5 * 60)	/* a deadline this close is worth a warning */
#define LASTN 5		/* messages of the thread in an e-mail */
#define TRIES 3		/* runs that try a send that surely did not go */

enum { SENT, RETRY, FAILED, UNKNOWN };
static const char *const states[] = { "sent", "retry", "failed", "unknown" };

struct run {
	const struct wa_notify *cfg;
	struct wa_hash *done;	/* key -> its last state, owned strings */
	struct wa_hash *tries;	/* key -> how many "retry" lines, as a pointer */
	struct wa_hash *breached;	/* "CONV/WAIT" of each wait whose breach was tried */
	int fd;
	long n;			/* sends that went */
	void (*emit)(json_t *, void *);
	void *arg;
};

/* A breach's key, breached/CONV/AGENT/WAIT/CHANNEL: its wait is breached for good. */
static void
breach(struct run *r, const char *key)
{
	const char *conv, *end = strrchr(key, '/'), *at;
	char *k;

	if (strncmp(key, "breached/", sizeof "breached/" - 1) != 0 ||
	    end <= (conv = key + sizeof "breached/" - 1))
		return;
	for (at = end; at > conv && at[-1] != '/'; at--)
		;
	k = wa_malloc(strlen(key));
	snprintf(k, strlen(key), "%.*s/%.*s", (int)strcspn(conv, "/"), conv, (int)(end - at), at);
	wa_hash_put(r->breached, k, (void *)1);
	free(k);
}

static void
record(struct run *r, const char *key, const char *state)
{
	char tb[WA_TIMEBUF], *line;
	json_t *o = json_object();
	size_t len;

	json_object_set_new(o, "key", json_string(key));
	json_object_set_new(o, "state", json_string(state));
	json_object_set_new(o, "at", json_string(wa_time_fmt(wa_now(), tb)));
	line = wa_json_line(o);
	len = strlen(line);
	line[len] = '\n';	/* over the NUL: written by length */
	if (wa_write(r->fd, line, len + 1) < 0 || fsync(r->fd) < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot write:", r->cfg->statepath);
	free(line);
	json_decref(o);
	free(wa_hash_get(r->done, key));
	wa_hash_put(r->done, key, wa_strdup(state));
	breach(r, key);
}

/* What was tried; a key whose last run died in its send becomes "unknown", said once. */
static void
load(struct run *r)
{
	json_t *o;
	char *line = NULL;
	const char *k, *st;
	size_t cap = 0, i, nk = 0;
	char **keys = NULL;
	ssize_t len;
	FILE *fp;

	r->fd = open(r->cfg->statepath, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (r->fd < 0 || wa_state_untear(r->fd) < 0 || lseek(r->fd, 0, SEEK_SET) < 0 ||
	    (fp = fdopen(dup(r->fd), "r")) == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", r->cfg->statepath);
	while ((len = getline(&line, &cap, fp)) > 0) {
		if ((o = json_loadb(line, (size_t)len, 0, NULL)) != NULL &&
		    (k = wa_json_str(o, "key")) && (st = wa_json_str(o, "state"))) {
			if (wa_hash_get(r->done, k) == NULL) {
				keys = wa_realloc(keys, (nk + 1) * sizeof *keys);
				keys[nk++] = wa_strdup(k);
			}
			free(wa_hash_get(r->done, k));
			wa_hash_put(r->done, k, wa_strdup(st));
			breach(r, k);
			if (strcmp(st, "retry") == 0)
				wa_hash_put(r->tries, k, (void *)((uintptr_t)wa_hash_get(r->tries, k) + 1));
		}
		json_decref(o);
	}
	fclose(fp);
	free(line);
	for (i = 0; i < nk; i++) {
		if (strcmp(wa_hash_get(r->done, keys[i]), "attempt") == 0) {
			wa_warn("%s: a run died while notifying: it may have gone; not sent again", keys[i]);
			record(r, keys[i], "unknown");
		}
		free(keys[i]);
	}
	free(keys);
}

/* The event as JSON: what the command reads, and what the other channels tell. */
static json_t *
event(const char *kind, const char *key, const struct wa_conv *c, const char *agent,
    json_t *row)
{
	json_t *o = json_object();
	static const char *const copy[] = { "phone", "customer", "name", "tier", "dept",
	    "state", "waited", "sla_due", "breached", "last" };
	size_t i;

	json_object_set_new(o, "event", json_string(kind));
	json_object_set_new(o, "key", json_string(key));
	json_object_set_new(o, "conv", json_string(c->id));
	json_object_set_new(o, "agent", agent ? json_string(agent) : json_null());
	for (i = 0; i < sizeof copy / sizeof *copy; i++)
		json_object_set(o, copy[i], json_object_get(row, copy[i]) ?
		    json_object_get(row, copy[i]) : json_null());
	return o;
}

/* "breached: Ana Lima (gold), c0123 after-sale, due 2026-11-23T10:30:00Z" */
static char *
summary(json_t *ev)
{
	struct wa_buf b = { 0 };
	const char *v;

	wa_buf_adds(&b, wa_json_str(ev, "event"));
	wa_buf_adds(&b, ": ");
	wa_buf_adds(&b, (v = wa_json_str(ev, "name")) ? v : wa_json_str(ev, "phone"));
	if ((v = wa_json_str(ev, "tier")) != NULL) {
		wa_buf_adds(&b, " (");
		wa_buf_adds(&b, v);
		wa_buf_adds(&b, ")");
	}
	wa_buf_adds(&b, ", ");
	wa_buf_adds(&b, wa_json_str(ev, "conv"));
	if ((v = wa_json_str(ev, "dept")) != NULL) {
		wa_buf_adds(&b, " ");
		wa_buf_adds(&b, v);
	}
	if ((v = wa_json_str(ev, "sla_due")) != NULL) {
		wa_buf_adds(&b, ", due ");
		wa_buf_adds(&b, v);
	}
	return b.s;
}

/* --notify CMD: the event on its standard input; SENT when it exits 0, else RETRY. */
static int
bycmd(const char *cmd, json_t *ev)
{
	char *line = wa_json_line(ev);
	int p[2], st;
	size_t len = strlen(line);
	pid_t pid;

	line[len] = '\n';
	if (pipe(p) < 0 || (pid = fork()) < 0)
		wa_die(WA_EXIT_FATAL, "--notify:");
	if (pid == 0) {
		close(p[1]);
		if (dup2(p[0], 0) < 0)
			_exit(127);
		close(p[0]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	(void)wa_write(p[1], line, len + 1);	/* a command that reads nothing may close it */
	close(p[1]);
	free(line);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			wa_die(WA_EXIT_FATAL, "--notify:");
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? SENT : RETRY;
}

/*
 * What wa-send's outcome means here: a failure may be tried again, as the
 * ledger lets through only what surely did not go; a skip is for good
 * (suppressed, or the ledger holds the key); anything else is unknown.
 */
static int
waout(json_t *out)
{
	const char *ev = wa_json_str(out, "event");

	return strcmp(ev, "sent") == 0 ? SENT : strcmp(ev, "failed") == 0 ? RETRY :
	    strcmp(ev, "skipped") == 0 ? FAILED : UNKNOWN;
}

/* The WhatsApp template to agent A's own number, once under the ledger key inbox-notify/KEY. */
static int
bywa(const struct wa_notify *n, const struct wa_agent *a, json_t *ev)
{
	struct wa_reply r = { 0 };
	struct wa_graph_msg m = { 0 };
	struct wa_graph_tmpl t = { 0 };
	static const char *const param[] = { "{{summary}}" };
	char err[WA_GRAPH_ERRSZ], *s = summary(ev), *key;
	json_t *rec = json_object(), *b, *out;
	int rc;

	json_object_set_new(rec, "summary", json_string(s));
	key = wa_strjoin(WA_INBOX_CAMPAIGN "-notify", "/", wa_json_str(ev, "key"));
	m.to = a->phone;
	m.opaque = key;
	t.name = n->tmpl;
	t.lang = n->lang;
	t.body = param;
	t.nbody = 1;
	if ((b = wa_graph_template(&m, &t, rec, err, sizeof err)) == NULL) {
		wa_warn("%s: %s", wa_json_str(ev, "key"), err);
		rc = FAILED;
	} else {
		r.ledger = n->ledger, r.events = n->events, r.suppress = n->suppress;
		r.campaign = WA_INBOX_CAMPAIGN "-notify";
		r.id = wa_json_str(ev, "key");
		r.to = a->phone;
		r.tmpl = n->tmpl, r.lang = n->lang;
		out = wa_reply_send(&r, b);
		rc = waout(out);
		json_decref(out);
	}
	json_decref(rec);
	free(s), free(key);
	return rc;
}

/* The e-mail's text: the event, the customer card and the last messages; no secret is in any. */
static char *
mailtext(const struct wa_notify *n, const struct wa_conv *c, json_t *ev, json_t *row)
{
	char *s = summary(ev), *text = NULL;
	size_t len = 0, i;
	FILE *fp = open_memstream(&text, &len);

	if (fp == NULL)
		wa_die(WA_EXIT_FATAL, "cannot write the e-mail:");
	fprintf(fp, "%s\n\n", s);
	wa_thread_card(fp, c, row, n->orders, 0);
	fputs("\n", fp);
	for (i = c->nmsg > LASTN ? c->nmsg - LASTN : 0; i < c->nmsg; i++)
		wa_thread_line(fp, c, &c->msg[i]);
	fprintf(fp, "\nwa-inbox show %s\n", c->id);
	fclose(fp);
	free(s);
	return text;
}

/* A header's text: its line breaks gone, in RFC 2047's UTF-8 base64 when it is not ASCII. */
static void
header(struct wa_buf *b, const char *name, const char *v)
{
	const char *p;
	char *enc;
	size_t n = strlen(v);
	int ascii = 1;

	for (p = v; *p; p++)
		ascii &= (unsigned char)*p < 0x80;
	wa_buf_adds(b, name);
	wa_buf_adds(b, ": ");
	if (ascii) {
		for (p = v; *p; p++)
			wa_buf_addc(b, *p == '\r' || *p == '\n' ? ' ' : *p);
	} else {
		enc = wa_malloc(4 * ((n + 2) / 3) + 1);
		EVP_EncodeBlock((unsigned char *)enc, (const unsigned char *)v, (int)n);
		wa_buf_adds(b, "=?UTF-8?B?");
		wa_buf_adds(b, enc);
		wa_buf_adds(b, "?=");
		free(enc);
	}
	wa_buf_adds(b, "\r\n");
}

/*
 * The e-mail of EV to TO, TEXT its plain-text body, over N's SMTP
 * connection; its Message-ID is the event's key, so that a mail system
 * tells a copy apart. A message the server surely did not take is tried
 * again; one the connection lost after the data may have gone.
 */
static int
bymail(const struct wa_notify *n, const char *to, json_t *ev, const char *text)
{
	struct wa_buf b = { 0 };
	struct wa_smtp_res res;
	char *s = summary(ev), id[64], date[64];
	const char *p;
	time_t now = wa_now();
	struct tm tm;
	int kind;

	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	snprintf(id, sizeof id, "<%016llx.notify@wa-inbox>", wa_fp(wa_json_str(ev, "key")));
	header(&b, "From", n->from);
	header(&b, "To", to);
	header(&b, "Subject", s);
	header(&b, "Date", date);
	header(&b, "Message-ID", id);
	wa_buf_adds(&b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n");
	for (p = text; *p; p++)
		if (*p == '\n')
			wa_buf_adds(&b, "\r\n");
		else if (*p != '\r')
			wa_buf_addc(&b, *p);
	kind = wa_smtp_send(n->smtp, n->from, to, b.s, b.len, &res);
	if (kind != WA_SMTP_SENT)
		wa_warn("%s: %s", to, res.reply);
	wa_buf_free(&b);
	free(s);
	return kind == WA_SMTP_SENT ? SENT : kind == WA_SMTP_HARD ? FAILED :
	    kind == WA_SMTP_UNKNOWN ? UNKNOWN : RETRY;
}

/* Has KEY been tried for good? */
static int
tried(struct run *r, const char *key)
{
	const char *st = wa_hash_get(r->done, key);

	return st && (strcmp(st, "retry") || (uintptr_t)wa_hash_get(r->tries, key) >= TRIES);
}

/* Channel CH of the event EV of C for agent A (may be NULL): tried once, recorded before and after. */
static void
channel(struct run *r, const char *ch, const struct wa_conv *c, json_t *ev, json_t *row,
    const struct wa_agent *a)
{
	const struct wa_notify *n = r->cfg;
	char *key = wa_strjoin(wa_json_str(ev, "key"), "/", ch), *text;
	json_t *o;
	int rc;

	if (tried(r, key)) {
		free(key);
		return;
	}
	record(r, key, "attempt");
	if (strcmp(ch, "cmd") == 0)
		rc = bycmd(n->cmd, ev);
	else if (strcmp(ch, "whatsapp") == 0)
		rc = bywa(n, a, ev);
	else {
		text = mailtext(n, c, ev, row);
		rc = bymail(n, a->email, ev, text);
		free(text);
	}
	record(r, key, states[rc]);
	r->n += rc == SENT;
	if (rc != SENT) {
		wa_warn("%s: %s", key, rc == RETRY ? "not notified, tried again at the next run" :
		    rc == FAILED ? "not notified" : "may or may not have gone: not sent again");
		wa_fail(WA_EXIT_REC);
	}
	o = json_object();
	json_object_set_new(o, "event", json_string("notified"));
	json_object_set(o, "kind", json_object_get(ev, "event"));
	json_object_set_new(o, "conv", json_string(c->id));
	json_object_set(o, "agent", json_object_get(ev, "agent"));
	json_object_set_new(o, "channel", json_string(ch));
	json_object_set_new(o, "outcome", json_string(states[rc]));
	r->emit(o, r->arg);
	free(key);
}

/* Event KIND about C, at AT, to agent NAME (NULL: to nobody in particular), on each channel it has. */
static void
notify(struct run *r, const char *kind, const struct wa_conv *c, time_t at,
    const char *name, json_t *row)
{
	const struct wa_agent *a = wa_agents_get(r->cfg->agents, name);
	char key[256];
	json_t *ev;

	snprintf(key, sizeof key, "%s/%s/%s/%lld", kind, c->id, name ? name : "-", (long long)at);
	ev = event(kind, key, c, name, row);
	if (r->cfg->cmd)
		channel(r, "cmd", c, ev, row, a);
	if (a && a->email && r->cfg->smtp)
		channel(r, "email", c, ev, row, a);
	if (a && a->phone && r->cfg->tmpl)
		channel(r, "whatsapp", c, ev, row, a);
	json_decref(ev);
}

/*
 * A deadline's event, to C's agent, else to the on-duty agents of its
 * department. Breached after the deadline, as wa-report counts a reply
 * at the deadline in time. A wait has one of each event an agent: a
 * deadline that moves (assigned to an agent with working hours, a new
 * tier) is not told again, and a run that first sees it past tells only
 * the breach; a wait whose breach was told has no sla_soon after it.
 */
static void
deadline(struct run *r, const struct wa_conv *c, json_t *row, time_t now)
{
	const struct wa_agents *as = r->cfg->agents;
	const char *kind;
	char k[WA_CONV_IDSZ + 32];
	time_t due;
	size_t i, n = 0;

	if (wa_json_str(row, "sla_due") == NULL ||
	    wa_time_parse(wa_json_str(row, "sla_due"), WA_DATES_ANY, &due) < 0 || now < due - SOON)
		return;
	kind = now > due ? "breached" : "sla_soon";
	snprintf(k, sizeof k, "%s/%lld", c->id, (long long)c->wait_since);
	if (now <= due && wa_hash_get(r->breached, k))
		return;
	if (c->agent) {
		notify(r, kind, c, c->wait_since, c->agent, row);
		return;
	}
	for (i = 0; as && i < as->n; i++)
		if (wa_agent_in(&as->a[i], c->dept) && wa_agent_on(&as->a[i], now)) {
			notify(r, kind, c, c->wait_since, as->a[i].name, row);
			n++;
		}
	if (n == 0)
		notify(r, kind, c, c->wait_since, NULL, row);
}

long
wa_notify_run(const struct wa_notify *n, struct wa_inbox *ib, time_t now,
    void (*emit)(json_t *, void *), void *arg)
{
	struct run r = { n, wa_hash_new(), wa_hash_new(), wa_hash_new(), -1, 0, emit, arg };
	struct wa_conv *c;
	json_t *row;
	size_t i, j;

	load(&r);
	for (i = 0; i < ib->n; i++) {
		if ((c = ib->conv[i])->closed)
			continue;
		row = wa_conv_row(c, n->sla, now);
		/* a thread is read only for what may be told */
		if (c->agent || json_is_string(json_object_get(row, "sla_due")))
			wa_conv_thread(ib, c);
		for (j = 0; j < c->nmsg; j++)
			if (c->msg[j].dir == '#' && strcmp(c->msg[j].by, "assigned") == 0 &&
			    c->msg[j].agent && strcmp(c->msg[j].agent, c->agent ? c->agent : "") == 0)
				notify(&r, "assigned", c, c->msg[j].at, c->msg[j].agent, row);
		deadline(&r, c, row, now);
		json_decref(row);
	}
	close(r.fd);
	wa_hash_free_with(r.done, free);
	wa_hash_free(r.tries);
	wa_hash_free(r.breached);
	return r.n;
}
