/*
 * webthread.c: a thread's messages as the web shows them (the media
 * through /media/ID, never the Cloud API's url), and the forms under it:
 * the reply box (text, snippet, photo or PDF; out of the window the
 * approved templates and their parameters), assign, note, close with
 * the survey, and the consent question. Each form carries the session's
 * CSRF token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "send.h"
#include "inbox.h"
#include "web.h"
#include "web-int.h"

#define MAXPARAMS 10	/* template parameters offered */

static void
media(struct wa_buf *b, const struct wa_tmsg *m)
{
	int img = m->type && (strcmp(m->type, "image") == 0 || strcmp(m->type, "sticker") == 0);

	/* the id is the Cloud API's, a customer's to choose: escaped for the URL */
	wa_buf_adds(b, img ? "<a class=\"media\" href=\"/media/" : "<a class=\"media file\" href=\"/media/");
	wa_html_urlpart(b, m->media);
	wa_buf_adds(b, "\">");
	if (img) {
		wa_buf_adds(b, "<img alt=\"a photo\" loading=\"lazy\" src=\"/media/");
		wa_html_urlpart(b, m->media);
		wa_buf_adds(b, "\">");
	} else {
		wa_buf_adds(b, "open the ");
		wa_html_text(b, m->type ? m->type : "file");
	}
	wa_buf_adds(b, "</a>");
}

static void
msg(struct wa_buf *b, const struct wa_tmsg *m)
{
	static const char *const st[] = { "", "sent", "delivered", "read", "failed" };
	char tb[WA_TIMEBUF];

	wa_buf_adds(b, m->dir == '<' ? "<li class=\"msg in\"" : m->dir == '>' ?
	    "<li class=\"msg out\"" : "<li class=\"msg log\"");
	if (m->wamid) {
		wa_buf_adds(b, " data-wamid=\"");
		wa_html_attr(b, m->wamid);
		wa_buf_adds(b, "\"");
	}
	wa_buf_adds(b, "><time>");
	wa_buf_adds(b, wa_time_fmt(m->at, tb));
	wa_buf_adds(b, "</time> <span class=\"by\">");
	wa_html_text(b, m->by ? m->by : m->dir == '<' ? "customer" : "");
	if (m->dir == '#' && m->agent) {
		wa_buf_adds(b, " ");
		wa_html_text(b, m->agent);
	}
	wa_buf_adds(b, "</span> <span class=\"text\">");
	wa_html_text(b, m->text ? m->text : m->caption ? m->caption : "");
	wa_buf_adds(b, "</span>");
	if (m->media)
		media(b, m);
	if (m->dir == '>' && m->status > 0 && m->status < 5) {
		wa_buf_adds(b, " <span class=\"status\">");
		wa_buf_adds(b, st[m->status]);
		wa_buf_adds(b, "</span>");
	}
	wa_buf_adds(b, "</li>\n");
}

void
web_thread_msgs(struct wa_buf *b, const struct wa_conv *c)
{
	size_t i;

	wa_buf_adds(b, "<ol id=\"thread\">\n");
	for (i = 0; i < c->nmsg; i++)
		msg(b, &c->msg[i]);
	wa_buf_adds(b, "</ol>\n");
}

/* <form method=post action=/c/ID/VERB ...> with the token. */
static void
form(struct wa_buf *b, struct web_req *q, const struct wa_conv *c, const char *verb,
    const char *extra)
{
	wa_buf_adds(b, "<form method=\"post\" action=\"/c/");
	wa_html_urlpart(b, c->id);
	wa_buf_adds(b, "/");
	wa_buf_adds(b, verb);
	wa_buf_adds(b, "\"");
	wa_buf_adds(b, extra);
	wa_buf_adds(b, ">");
	web_csrf_field(b, q);
}

static void
option(struct wa_buf *b, const char *value, const char *label)
{
	wa_buf_adds(b, "<option value=\"");
	wa_html_attr(b, value);
	wa_buf_adds(b, "\">");
	wa_html_text(b, label);
	wa_buf_adds(b, "</option>");
}

/* The snippets' names ("NAME<TAB>text" lines) as options. */
static void
snippets(struct wa_buf *b, const char *path)
{
	char *line = NULL, *tab;
	size_t cap = 0;
	FILE *fp = fopen(path, "r");

	wa_buf_adds(b, "<label>snippet <select name=\"snippet\"><option value=\"\">none</option>");
	while (fp && getline(&line, &cap, fp) > 0)
		if (line[0] != '#' && (tab = strchr(line, '\t')) != NULL) {
			*tab = '\0';
			option(b, line, line);
		}
	wa_buf_adds(b, "</select></label>");
	free(line);
	if (fp)
		fclose(fp);
}

/* Out of the window: the approved templates, "NAME LANG (N parameters)", and the parameters. */
static void
templates(struct wa_buf *b, const char *path)
{
	struct wa_tmpl_cache *tc = wa_tmpl_load(path, NULL, 0);
	char v[256], label[300];
	size_t i, np = 0;

	wa_buf_adds(b, "<label>template <select name=\"template\" required>");
	for (i = 0; tc && i < tc->n; i++)
		if (strcmp(tc->t[i].status, "APPROVED") == 0 && tc->t[i].htype == WA_GRAPH_HNONE) {
			snprintf(v, sizeof v, "%s %s", tc->t[i].name, tc->t[i].lang);
			snprintf(label, sizeof label, "%s (%s, %zu parameters)", tc->t[i].name,
			    tc->t[i].lang, tc->t[i].nbody);
			option(b, v, label);
			np = tc->t[i].nbody > np ? tc->t[i].nbody : np;
		}
	wa_buf_adds(b, "</select></label>");
	for (i = 0; i < np && i < MAXPARAMS; i++) {
		snprintf(v, sizeof v, "<label>{{%zu}} <input name=\"p%zu\"></label>", i + 1, i + 1);
		wa_buf_adds(b, v);
	}
	wa_tmpl_free(tc);
}

static void
replybox(struct wa_buf *b, struct web_req *q, const struct wa_conv *c)
{
	form(b, q, c, "reply", " id=\"reply\" enctype=\"multipart/form-data\"");
	if (wa_window_open(q->w->ib->win, c->phone, wa_now())) {
		wa_buf_adds(b, "<textarea name=\"text\" rows=\"3\" placeholder=\"reply\"></textarea>");
		snippets(b, q->w->snippets);
		wa_buf_adds(b, "<label>photo or PDF <input type=\"file\" name=\"file\" "
		    "accept=\"image/jpeg,image/png,application/pdf\"></label>"
		    "<label>caption <input name=\"caption\"></label>");
	} else
		templates(b, q->w->templates);
	wa_buf_adds(b, "<label class=\"force\"><input type=\"checkbox\" name=\"force\" value=\"1\">"
	    " send even if another agent answered</label><button>send</button></form>\n");
}

/* Assign: an owner to anyone, an agent only to themselves. */
static void
assignbox(struct wa_buf *b, struct web_req *q, const struct wa_conv *c)
{
	const struct wa_agents *as = q->w->agents;
	size_t i;

	form(b, q, c, "assign", " id=\"assign\"");
	wa_buf_adds(b, "<label>assign to <select name=\"agent\">");
	for (i = 0; as && i < as->n; i++)
		if (web_owner(q) || strcmp(as->a[i].name, q->agent) == 0)
			option(b, as->a[i].name, as->a[i].name);
	wa_buf_adds(b, "</select></label><button>assign</button></form>\n");
}

void
web_thread_forms(struct wa_buf *b, struct web_req *q, const struct wa_conv *c)
{
	wa_buf_adds(b, "<section class=\"actions\">");
	if (!c->closed)
		replybox(b, q, c);
	assignbox(b, q, c);
	form(b, q, c, "note", " id=\"note\"");
	wa_buf_adds(b, "<label>note <textarea name=\"text\" rows=\"2\" required></textarea></label>"
	    "<button>add the note</button></form>\n");
	if (!c->closed) {
		form(b, q, c, "close", " id=\"close\"");
		wa_buf_adds(b, "<label><input type=\"checkbox\" name=\"survey\" value=\"1\">"
		    " ask for a rating</label><button>close</button></form>\n");
	}
	form(b, q, c, "ask-consent", " id=\"ask-consent\"");
	wa_buf_adds(b, "<button>ask for consent to marketing</button></form>\n");
	wa_buf_adds(b, "</section>\n");
}
