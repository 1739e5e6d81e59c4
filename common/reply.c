/*
 * reply.c: one message of a conversation, sent as wa-send sends: the same
 * gate (the ledger's key, once), the same queue (attempt first, retries,
 * error classes), the same suppression list. wa-inbox holds the ledger
 * only for the one message.
 */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "wa.h"
#include "store.h"
#include "send.h"
#include "inbox.h"

struct run {
	const struct wa_reply *r;
	json_t *ev;		/* the outcome */
};

static void
keep(json_t *o, void *arg)
{
	struct run *run = arg;

	json_decref(run->ev);
	run->ev = o;
}

static json_t *
reason(const struct wa_reply *r, const char *ev, const char *why)
{
	json_t *o = wa_sendq_event(r->campaign, ev, r->id, r->to);

	json_object_set_new(o, "reason", json_string(why));
	return o;
}

static struct wa_ledger *
ledger(const char *path)
{
	struct wa_ledger *l;

	if ((l = wa_ledger_open(path, 1)) == NULL)
		wa_die(WA_EXIT_FATAL, "%s: cannot open the ledger:", path);
	return l;
}

/* The queue of one message, to the messages edge of $WA_API_URL. */
static struct wa_sendq *
queue(const struct wa_reply *r, struct wa_ledger *l, struct wa_hash *supp,
    struct wa_buf *url, struct run *run)
{
	struct wa_sendq_cfg c = { 0 };
	char *tok = wa_graph_target(url, "");
	struct wa_sendq *q;

	c.campaign = r->campaign;
	c.url = wa_buf_str(url);
	c.cafile = getenv("WA_CA_FILE");
	c.ledger = l;
	c.ledgerpath = r->ledger;
	c.suppath = r->suppress;
	c.supp = supp;
	c.rate = 80;
	c.concurrency = 1;
	c.maxretries = 5;
	c.emit = keep;
	c.arg = run;
	q = wa_sendq_new(&c, tok);
	wa_secret_free(tok);
	return q;
}

json_t *
wa_reply_send(const struct wa_reply *r, json_t *body)
{
	struct run run = { r, NULL };
	struct wa_gate g = { 0 };
	struct wa_buf url = { 0 };
	struct wa_hash *supp;
	const char *ev, *why;
	char *key;

	if ((supp = wa_supp_load(r->suppress, NULL)) == NULL)
		wa_die(WA_EXIT_FATAL, "%s:", r->suppress);
	if (wa_supp_has(supp, r->to)) {
		json_decref(body);
		wa_hash_free(supp);
		return reason(r, "skipped", "suppressed");
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	g.o.reply = 1;
	g.ledger = ledger(r->ledger);
	if (wa_ledger_settle(g.ledger, r->events, wa_now()) < 0)
		wa_die(WA_EXIT_FATAL, "%s: cannot settle unknown outcomes:", r->events);
	g.seen = wa_hash_new();
	g.users = wa_hash_new();
	key = wa_strjoin(r->campaign, "/", r->id);
	g.q = queue(r, g.ledger, supp, &url, &run);
	if ((ev = wa_gate_check(&g, NULL, key, r->to, 0, &why)) != NULL) {
		json_decref(body);
		run.ev = reason(r, ev, why);
	} else {
		wa_sendq_add(g.q, r->id, r->to, key, r->tmpl, r->lang, NULL, body);
		while (wa_sendq_step(g.q, -1))
			;
	}
	wa_sendq_free(g.q);
	wa_ledger_close(g.ledger);
	wa_buf_free(&url);
	wa_hash_free(g.seen), wa_hash_free(g.users);
	wa_hash_free(supp);
	free(key);
	curl_global_cleanup();
	return run.ev;
}

char *
wa_snippet(const char *path, const char *name)
{
	char *line = NULL, *tab, *t = NULL;
	size_t cap = 0, n = strlen(name);
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		wa_die(WA_EXIT_USAGE, "%s:", path);
	while (t == NULL && getline(&line, &cap, fp) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] != '#' && (tab = strchr(line, '\t')) != NULL &&
		    (size_t)(tab - line) == n && strncmp(line, name, n) == 0)
			t = wa_strdup(tab + 1);
	}
	free(line);
	fclose(fp);
	return t;
}

char *
wa_reply_templates(const char *cache)
{
	struct wa_tmpl_cache *tc = wa_tmpl_load(cache, NULL, 0);
	struct wa_buf b = { 0 };
	size_t i;

	for (i = 0; tc && i < tc->n; i++)
		if (strcmp(tc->t[i].status, "APPROVED") == 0 &&
		    (i == 0 || strcmp(tc->t[i].name, tc->t[i - 1].name) != 0)) {
			wa_buf_adds(&b, b.len ? ", " : "");
			wa_buf_adds(&b, tc->t[i].name);
		}
	wa_tmpl_free(tc);
	return b.s;
}

void
wa_rmedia_read(struct wa_rmedia *m, const char *path)
{
	char err[WA_GRAPH_ERRSZ];

	memset(m, 0, sizeof *m);
	if (wa_media_read(path, &m->data, &m->k, err, sizeof err) < 0)
		wa_die(WA_EXIT_USAGE, "%s: %s", path, err);
	wa_media_sha256(m->data.s, m->data.len, m->sha);
	m->name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
}

const char *
wa_rmedia_id(struct wa_rmedia *m, const char *key, const char *logpath)
{
	char err[WA_GRAPH_ERRSZ];

	free(m->id);
	m->id = wa_inlog_find(logpath, "uploaded", key, "media", wa_now() - WA_RMEDIA_TTL);
	if (m->id != NULL)
		return m->id;
	if ((m->id = wa_media_upload(m->data.s, m->data.len, m->k, m->name, err,
	    sizeof err)) == NULL)
		wa_die(WA_EXIT_REC, "%s: cannot upload: %s", m->name, err);
	return NULL;
}

json_t *
wa_rmedia_uploaded(const struct wa_rmedia *m, const char *key)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s}", "event", "uploaded", "key", key,
	    "media", m->id, "mime_type", m->k->mime, "sha256", m->sha);
}

void
wa_rmedia_free(struct wa_rmedia *m)
{
	wa_buf_free(&m->data);
	free(m->id);
}
