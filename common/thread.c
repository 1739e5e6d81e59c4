/*
 * thread.c: a conversation for a person to read: the customer card (who,
 * tier, tags, spend, the last orders, consent, what the bot and people did)
 * and the thread, oldest first, or the same as JSON lines.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "send.h"
#include "inbox.h"

static const char *const statusname[] = { "", "sent", "delivered", "read", "failed" };

/* The text of the message C quotes by WAMID, or NULL. */
static const char *
quoted(const struct wa_conv *c, const char *wamid)
{
	size_t i;

	for (i = 0; wamid && i < c->nmsg; i++)
		if (c->msg[i].wamid && strcmp(c->msg[i].wamid, wamid) == 0)
			return c->msg[i].text ? c->msg[i].text : c->msg[i].type;
	return NULL;
}

static void
money(FILE *fp, json_t *cust)
{
	const char *cur = wa_json_str(cust, "currency");
	json_t *v = json_object_get(cust, "spent");

	if (json_is_number(v))
		fprintf(fp, "; spent %.*f%s%s", wa_money_exp(cur), json_number_value(v),
		    cur ? " " : "", cur ? cur : "");
}

static void
tags(FILE *fp, json_t *cust)
{
	json_t *a = json_object_get(cust, "tags"), *t;
	size_t i;

	fputs("; tags ", fp);
	if (json_array_size(a) == 0)
		fputc('-', fp);
	json_array_foreach(a, i, t)
		fprintf(fp, "%s%s", i ? ", " : "", json_string_value(t) ? json_string_value(t) : "?");
}

/* The last 3 orders of the customer, newest first, from ORDERS (JSON lines). */
static void
orders(FILE *fp, const char *path, json_t *cust, const char *phone)
{
	json_t *o, *last[3] = { NULL, NULL, NULL }, *t;
	const char *id = wa_json_nestr(cust, "id");
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t len;
	FILE *in;

	if (path == NULL || (in = fopen(path, "r")) == NULL)
		return;
	while ((len = getline(&line, &cap, in)) > 0) {
		if ((o = json_loadb(line, (size_t)len, 0, NULL)) == NULL)
			continue;
		if (!((id && wa_json_nestr(o, "customer") && strcmp(id, wa_json_str(o, "customer")) == 0) ||
		    wa_phone_same(phone, wa_json_str(o, "phone") ? wa_json_str(o, "phone") : ""))) {
			json_decref(o);
			continue;
		}
		/* oldest out: created_at is ISO 8601, so text order is time order */
		for (i = 0; i < 3 && last[i] && strcmp(wa_json_str(last[i], "created_at") ?
		    wa_json_str(last[i], "created_at") : "", wa_json_str(o, "created_at") ?
		    wa_json_str(o, "created_at") : "") > 0; i++)
			;
		if (i < 3) {
			json_decref(last[2]);
			memmove(last + i + 1, last + i, (2 - i) * sizeof *last);
			last[i] = o;
		} else
			json_decref(o);
	}
	free(line);
	fclose(in);
	for (i = 0; i < 3 && last[i]; i++) {
		t = json_object_get(last[i], "tracking_number");
		if (t == NULL)
			t = wa_json_path(last[i], "extra.tracking_number");
		fprintf(fp, "order: %s %s %s%s%s\n", wa_json_str(last[i], "name") ?
		    wa_json_str(last[i], "name") : "?", wa_json_str(last[i], "created_at") ?
		    wa_json_str(last[i], "created_at") : "-", wa_json_nestr(last[i],
		    "fulfillment_status") ? wa_json_str(last[i], "fulfillment_status") :
		    "unfulfilled", json_is_string(t) ? ", tracking " : "",
		    json_is_string(t) ? json_string_value(t) : "");
		json_decref(last[i]);
	}
}

void
wa_thread_card(FILE *fp, const struct wa_conv *c, json_t *row, const char *orderpath,
    int suppressed)
{
	json_t *cust = wa_conv_cust(c), *oi = json_object_get(cust, "opt_in");
	const char *v;

	fprintf(fp, "conversation: %s, %s, opened %s%s%s\n", c->id,
	    wa_json_str(row, "state"), wa_json_str(row, "opened") ? wa_json_str(row, "opened") : "-",
	    c->closed ? ", closed " : "", c->closed ? wa_json_str(row, "closed") : "");
	fprintf(fp, "customer: %s, %s", (v = wa_json_str(row, "name")) ? v : "-", c->phone);
	if (cust && wa_json_nestr(cust, "id"))
		fprintf(fp, ", id %s", wa_json_str(cust, "id"));
	fprintf(fp, "\ntier: %s", c->tier ? c->tier : "-");
	tags(fp, cust);
	money(fp, cust);
	fprintf(fp, "; consent %s\n", suppressed ? "no (opted out)" : json_is_true(oi) ?
	    "yes" : json_is_false(oi) ? "no" : "unknown");
	fprintf(fp, "agent: %s; dept: %s%s\n", c->agent ? c->agent : "-",
	    c->dept ? c->dept : "-", c->handed ? "; handed off by the bot" : "");
	if (c->handed)
		fprintf(fp, "bot: asked about %s; answered %s\n", c->asked ? c->asked : "-",
		    c->routes && *c->routes ? c->routes : "-");
	if (cust)
		orders(fp, orderpath, cust, c->phone);
}

void
wa_thread_line(FILE *fp, const struct wa_conv *c, const struct wa_tmsg *m)
{
	char tb[WA_TIMEBUF];
	const char *q;

	fprintf(fp, "%s %c ", wa_time_fmt(m->at, tb), m->dir);
	if (m->dir == '#') {
		fprintf(fp, "%s%s%s%s%s\n", m->by, m->agent ? " " : "",
		    m->agent ? m->agent : "", m->text ? ": " : "", m->text ? m->text : "");
		return;
	}
	if (m->by)
		fprintf(fp, "%s: ", m->by);
	if (m->context && (q = quoted(c, m->context)) != NULL)
		fprintf(fp, "(re \"%s\") ", q);
	if (m->media)
		fprintf(fp, "[%s %s%s%s] ", m->type ? m->type : "media", m->media,
		    m->caption ? " " : "", m->caption ? m->caption : "");
	else if (m->text)
		fputs(m->text, fp);
	else
		fprintf(fp, "[%s]", m->type ? m->type : "message");
	if (m->dir == '>')
		fprintf(fp, " (%s)", m->status ? statusname[m->status] :
		    m->state == WA_LEDGER_FAILED ? "failed" : "accepted");
	fputc('\n', fp);
}

void
wa_thread_put(FILE *fp, const struct wa_conv *c)
{
	size_t i;

	for (i = 0; i < c->nmsg; i++)
		wa_thread_line(fp, c, &c->msg[i]);
}

json_t *
wa_thread_json(const struct wa_conv *c, const struct wa_tmsg *m)
{
	json_t *o = json_object();
	char d[2] = { (char)m->dir, 0 };

	json_object_set_new(o, "conv", json_string(c->id));
	wa_json_settime(o, "at", m->at);
	json_object_set_new(o, "dir", json_string(strcmp(d, "<") == 0 ? "in" :
	    strcmp(d, ">") == 0 ? "out" : "log"));
	wa_json_setstr(o, "by", m->by);
	if (m->dir == '#')
		wa_json_setstr(o, "agent", m->agent);
	wa_json_setstr(o, "type", m->type);
	wa_json_setstr(o, "text", m->text);
	wa_json_setstr(o, "media", m->media);
	wa_json_setstr(o, "caption", m->caption);
	wa_json_setstr(o, "wamid", m->wamid);
	wa_json_setstr(o, "context", m->context);
	wa_json_setstr(o, "key", m->key);
	if (m->dir == '>')
		json_object_set_new(o, "status", json_string(m->status ?
		    statusname[m->status] : m->state == WA_LEDGER_FAILED ? "failed" : "accepted"));
	return o;
}

/* Messages FROM on of C's thread, as text or JSON lines. */
void
wa_thread_from(FILE *fp, const struct wa_conv *c, size_t from, int json)
{
	json_t *o;
	size_t i;

	for (i = from; i < c->nmsg; i++) {
		if (!json) {
			wa_thread_line(fp, c, &c->msg[i]);
			continue;
		}
		o = wa_thread_json(c, &c->msg[i]);
		wa_json_put(fp, o);
		json_decref(o);
	}
	if (fflush(fp) == EOF)
		wa_die(WA_EXIT_FATAL, "error writing output:");
}

/* --follow: the conversation's new lines, read again every second, until killed. */
WA_NORETURN void
wa_thread_follow(struct wa_inbox **ib, const struct wa_inbox_paths *p, const char *id,
    size_t shown, int json)
{
	struct wa_conv *c;

	for (;;) {
		sleep(1);
		wa_inbox_free(*ib);
		*ib = wa_inbox_load(p);
		if ((c = wa_inbox_find(*ib, id)) == NULL)
			continue;
		wa_conv_thread(*ib, c);
		wa_thread_from(stdout, c, shown, json);
		shown = c->nmsg;
	}
}
