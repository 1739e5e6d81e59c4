/*
 * webpage.c: wa-inbox serve's pages: the frame every page shares, the
 * login form, the conversation list (wa-inbox list's rows, filters and
 * order) and the thread's frame. Every string from data goes through
 * html.c's escaping for its place; no page holds a script or a style of
 * its own, only app.js and app.css.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"
#include "send.h"
#include "inbox.h"
#include "web.h"
#include "web-int.h"

void
web_csrf_field(struct wa_buf *b, struct web_req *q)
{
	char tok[WA_SID_HEX];

	wa_csrf_token(q->w->sess, q->sid, tok);
	wa_buf_adds(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
	wa_buf_adds(b, tok);
	wa_buf_adds(b, "\">");
}

void
web_page_top(struct wa_buf *b, const char *title, struct web_req *q)
{
	wa_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	    "<title>");
	wa_html_text(b, title);
	wa_buf_adds(b, "</title><link rel=\"stylesheet\" href=\"/app.css\">"
	    "<script src=\"/app.js\" defer></script></head>\n<body><header>"
	    "<a href=\"/\" class=\"home\">inbox</a>");
	if (q && q->agent) {
		wa_buf_adds(b, "<span class=\"me\">");
		wa_html_text(b, q->agent);
		wa_buf_adds(b, "</span><form method=\"post\" action=\"/logout\" class=\"logout\">");
		web_csrf_field(b, q);
		wa_buf_adds(b, "<button>log out</button></form>");
	}
	wa_buf_adds(b, "</header>\n<main>");
}

void
web_page_end(struct wa_buf *b)
{
	wa_buf_adds(b, "</main></body></html>\n");
}

enum MHD_Result
web_login_page(struct MHD_Connection *c, unsigned status, const char *msg)
{
	struct wa_buf b = { 0 };

	web_page_top(&b, "log in", NULL);
	wa_buf_adds(&b, "<h1>Log in</h1>");
	if (msg) {
		wa_buf_adds(&b, "<p class=\"error\">");
		wa_html_text(&b, msg);
		wa_buf_adds(&b, "</p>");
	}
	wa_buf_adds(&b, "<form method=\"post\" action=\"/login\" id=\"login\">"
	    "<label>agent <input name=\"agent\" autocomplete=\"username\" required></label>"
	    "<label>password <input name=\"password\" type=\"password\" "
	    "autocomplete=\"current-password\" required></label>"
	    "<button>log in</button></form>");
	web_page_end(&b);
	return web_send(c, status, "text/html; charset=utf-8", &b);
}

/* SECS as "2h 05m", "4m", "30s". */
static void
dur(struct wa_buf *b, long long secs)
{
	char s[48];

	if (secs >= 86400)
		snprintf(s, sizeof s, "%lldd %02lldh", secs / 86400, secs % 86400 / 3600);
	else if (secs >= 3600)
		snprintf(s, sizeof s, "%lldh %02lldm", secs / 3600, secs % 3600 / 60);
	else if (secs >= 60)
		snprintf(s, sizeof s, "%lldm", secs / 60);
	else
		snprintf(s, sizeof s, "%llds", secs);
	wa_buf_adds(b, s);
}

/* A cell of ROW's field F, escaped, with its column as the class. */
static void
cell(struct wa_buf *b, json_t *row, const char *f)
{
	json_t *v = json_object_get(row, f);

	wa_buf_adds(b, "<td class=\"");
	wa_buf_adds(b, f);
	wa_buf_adds(b, "\">");
	if (json_is_string(v))
		wa_html_text(b, json_string_value(v));
	else if (json_is_integer(v))
		dur(b, (long long)json_integer_value(v));
	else if (json_is_true(v))
		wa_buf_adds(b, "yes");
	wa_buf_adds(b, "</td>");
}

static void
row(struct wa_buf *b, json_t *r)
{
	static const char *const f[] = { "tier", "dept", "agent", "state", "waited",
		"sla_due", "breached", "window_left", "last" };
	const char *id = wa_json_str(r, "id"), *name = wa_json_str(r, "name");
	size_t i;

	wa_buf_adds(b, "<tr class=\"conv");
	if (json_is_true(json_object_get(r, "breached")))
		wa_buf_adds(b, " breached");
	wa_buf_adds(b, "\" data-id=\"");
	wa_html_attr(b, id);
	wa_buf_adds(b, "\"><td class=\"name\"><a href=\"/c/");
	wa_html_urlpart(b, id);
	wa_buf_adds(b, "\">");
	wa_html_text(b, name ? name : wa_json_str(r, "phone"));
	wa_buf_adds(b, "</a></td>");
	for (i = 0; i < sizeof f / sizeof *f; i++)
		cell(b, r, f[i]);
	wa_buf_adds(b, "</tr>\n");
}

/* The list's filters from the query: wa-inbox list's --agent, --mine, --dept, --all, --breached, -e. */
static void
filters(struct web_req *q, struct wa_inlist *l)
{
	const char *v;

	l->agent = MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, "agent");
	if ((v = MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, "mine")) && *v)
		l->agent = q->agent;
	l->dept = MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, "dept");
	if (l->agent && *l->agent == '\0')
		l->agent = NULL;
	if (l->dept && *l->dept == '\0')
		l->dept = NULL;
	l->expr = MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, "e");
	if (l->expr && l->expr[strspn(l->expr, " \t\r\n")] == '\0')
		l->expr = NULL;
	l->all = (v = MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, "all")) && *v;
	l->breached = (v = MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND,
	    "breached")) && *v;
	l->fmt = "json";
	l->sla = q->w->sla;
}

/* The rows Q's agent may see, by deadline. */
static void
rows(struct wa_buf *b, struct web_req *q, const struct wa_inlist *l, struct wa_rule *e)
{
	struct wa_inbox *ib = web_inbox(q->w);
	json_t *rs = wa_inlist_rows(l, ib, e), *r;
	size_t i, n = 0;

	json_array_foreach(rs, i, r)
		if (web_may_see(q, wa_inbox_find(ib, wa_json_str(r, "id"))))
			row(b, r), n++;
	if (n == 0)
		wa_buf_adds(b, "<tr class=\"none\"><td colspan=\"10\">no conversation</td></tr>\n");
	json_decref(rs);
}

static void
filterform(struct wa_buf *b, const struct wa_inlist *l, int mine)
{
	wa_buf_adds(b, "<form method=\"get\" action=\"/\" id=\"filters\">"
	    "<label>agent <input name=\"agent\" value=\"");
	wa_html_attr(b, l->agent && !mine ? l->agent : "");
	wa_buf_adds(b, "\"></label><label>dept <input name=\"dept\" value=\"");
	wa_html_attr(b, l->dept ? l->dept : "");
	wa_buf_adds(b, "\"></label><label class=\"expr\">-e <input name=\"e\" value=\"");
	wa_html_attr(b, l->expr ? l->expr : "");
	wa_buf_adds(b, "\" placeholder=\"tier == &quot;gold&quot;\"></label>");
	wa_buf_adds(b, mine ? "<label><input type=\"checkbox\" name=\"mine\" value=\"1\" checked> mine</label>" :
	    "<label><input type=\"checkbox\" name=\"mine\" value=\"1\"> mine</label>");
	wa_buf_adds(b, l->all ? "<label><input type=\"checkbox\" name=\"all\" value=\"1\" checked> closed too</label>" :
	    "<label><input type=\"checkbox\" name=\"all\" value=\"1\"> closed too</label>");
	wa_buf_adds(b, l->breached ? "<label><input type=\"checkbox\" name=\"breached\" value=\"1\" checked> breached</label>" :
	    "<label><input type=\"checkbox\" name=\"breached\" value=\"1\"> breached</label>");
	wa_buf_adds(b, "<button>filter</button></form>\n");
}

/*
 * -e's expression into E, parsed as `wa-inbox list -e` parses it; a
 * mistake is no exit here but the parser's message and its caret line in
 * ERR, for a 400.
 */
static int
expr(const struct wa_inlist *l, struct wa_rule *e, struct wa_buf *err)
{
	char msg[256], *s = NULL;
	size_t n = 0;
	int col;
	FILE *fp;

	if (l->expr == NULL)
		return 0;
	e->name = "-e", e->src = (char *)l->expr;
	if ((e->e = wa_expr_parse(l->expr, msg, sizeof msg, &col)) != NULL)
		return 0;
	if ((fp = open_memstream(&s, &n)) == NULL)
		wa_die(WA_EXIT_FATAL, "cannot make a page:");
	fprintf(fp, "-e, column %d: %s\n", col, msg);
	wa_expr_caret(fp, l->expr, col);
	fclose(fp);
	wa_buf_add(err, s, n);
	free(s);
	return -1;
}

enum MHD_Result
web_list(struct web_req *q, int fragment)
{
	struct wa_inlist l = { 0 };
	struct wa_rule e = { 0 };
	struct wa_buf b = { 0 }, err = { 0 };
	const char *mine = MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, "mine");
	unsigned st = MHD_HTTP_OK;

	filters(q, &l);
	if (expr(&l, &e, &err) < 0) {
		st = MHD_HTTP_BAD_REQUEST;
		if (fragment)
			return web_send(q->conn, st, "text/plain; charset=utf-8", &err);
	}
	if (fragment) {
		rows(&b, q, &l, l.expr ? &e : NULL);
		wa_expr_free(e.e);
		return web_send(q->conn, st, "text/html; charset=utf-8", &b);
	}
	web_page_top(&b, "conversations", q);
	filterform(&b, &l, mine && *mine);
	if (err.len) {
		wa_buf_adds(&b, "<pre class=\"error\" id=\"expr-error\">");
		wa_html_textn(&b, err.s, err.len);
		wa_buf_adds(&b, "</pre>\n");
		wa_buf_free(&err);
	}
	wa_buf_adds(&b, "<table id=\"list\"><thead><tr><th>customer</th><th>tier</th>"
	    "<th>dept</th><th>agent</th><th>state</th><th>waited</th><th>sla due</th>"
	    "<th>breached</th><th>window</th><th>last message</th></tr></thead>\n"
	    "<tbody id=\"rows\">\n");
	if (st == MHD_HTTP_OK)
		rows(&b, q, &l, l.expr ? &e : NULL);
	wa_buf_adds(&b, "</tbody></table>\n");
	web_page_end(&b);
	wa_expr_free(e.e);
	return web_send(q->conn, st, "text/html; charset=utf-8", &b);
}

/* The customer card, as the terminal shows it, escaped. */
static void
card(struct wa_buf *b, struct web_req *q, const struct wa_conv *c)
{
	struct wa_hash *supp = wa_supp_load(q->w->cfg->suppress, NULL);
	json_t *r = wa_conv_row(c, q->w->sla, wa_now());
	char *s = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&s, &n);

	if (fp == NULL)
		wa_die(WA_EXIT_FATAL, "cannot make a page:");
	wa_thread_card(fp, c, r, q->w->cfg->orders, supp && wa_supp_has(supp, c->phone));
	fclose(fp);
	wa_buf_adds(b, "<section class=\"card\"><pre>");
	wa_html_textn(b, s, n);
	wa_buf_adds(b, "</pre></section>\n");
	free(s);
	json_decref(r);
	wa_hash_free(supp);
}

/* The 24-hour window: open until when, or closed. */
static void
window(struct wa_buf *b, struct web_req *q, const struct wa_conv *c)
{
	time_t now = wa_now();
	char tb[WA_TIMEBUF];

	if (wa_window_open(web_inbox(q->w)->win, c->phone, now)) {
		wa_buf_adds(b, "<p id=\"window\" class=\"open\">window open until ");
		wa_buf_adds(b, wa_time_fmt(c->last_in + WA_WINDOW, tb));
		wa_buf_adds(b, " (");
		dur(b, (long long)(c->last_in + WA_WINDOW - now));
		wa_buf_adds(b, " left)</p>\n");
	} else
		wa_buf_adds(b, "<p id=\"window\" class=\"closed\">window closed: only an approved "
		    "template may go</p>\n");
}

enum MHD_Result
web_thread(struct web_req *q, struct wa_conv *c, unsigned status, const char *cls,
    const char *msg)
{
	struct wa_buf b = { 0 };

	web_page_top(&b, c->name ? c->name : c->phone, q);
	wa_buf_adds(&b, "<h1>");
	wa_html_text(&b, c->name ? c->name : c->phone);
	wa_buf_adds(&b, "</h1>\n");
	if (msg) {
		wa_buf_adds(&b, "<p class=\"");
		wa_buf_adds(&b, cls);
		wa_buf_adds(&b, "\">");
		wa_html_text(&b, msg);
		wa_buf_adds(&b, "</p>\n");
	}
	card(&b, q, c);
	web_media_index(q->w, c);
	web_thread_msgs(&b, c);
	window(&b, q, c);
	web_thread_forms(&b, q, c);
	web_page_end(&b);
	return web_send(q->conn, status, "text/html; charset=utf-8", &b);
}
