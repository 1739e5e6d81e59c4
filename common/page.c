/* page.c: wa-report's HTML page, its tables and its SVG charts. */
#include <string.h>

#include "wa.h"
#include "report.h"

#define NELEM(a) (sizeof (a) / sizeof *(a))

static void
esc(const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", stdout); break;
		case '>': fputs("&gt;", stdout); break;
		case '&': fputs("&amp;", stdout); break;
		case '"': fputs("&quot;", stdout); break;
		default: putchar(*s);
		}
}

static long long
count(json_t *o, const char *name)
{
	return json_integer_value(json_object_get(o, name));
}

/* sent > delivered > read > replied > converted, as bars of one scale. */
static void
funnel(json_t *all)
{
	static const char *const field[] = { "sent", "delivered", "read",
	    "replied", "conversions" };
	static const char *const stage[] = { "sent", "delivered", "read",
	    "replied", "converted" };
	long long v, max = count(all, "sent");
	size_t i;

	printf("<svg id=\"funnel\" viewBox=\"0 0 400 %d\" role=\"img\" "
	    "aria-label=\"funnel\">\n", 5 * 36);
	for (i = 0; i < NELEM(stage); i++) {
		v = count(all, field[i]);
		printf("<text x=\"0\" y=\"%zu\">%s</text>", i * 36 + 19, stage[i]);
		printf("<rect class=\"bar\" data-stage=\"%s\" data-value=\"%lld\" "
		    "x=\"100\" y=\"%zu\" width=\"%.1f\" height=\"28\" fill=\"#25d366\"/>",
		    stage[i], v, i * 36, max > 0 ? 240.0 * v / max : 0.0);
		printf("<text x=\"%.1f\" y=\"%zu\">%lld</text>\n",
		    104 + (max > 0 ? 240.0 * v / max : 0.0), i * 36 + 19, v);
	}
	printf("</svg>\n");
}

/* Sent and read messages a day, as pairs of bars. */
static void
daily(json_t *days)
{
	static const char *const series[] = { "sent", "read" };
	static const char *const color[] = { "#9be7b4", "#075e54" };
	size_t i, s, n = json_array_size(days) - 1;	/* not "all" */
	double slot = n ? 560.0 / n : 560.0, h;
	long long v, max = 0;
	json_t *d;

	for (i = 0; i < n; i++)
		if (count(json_array_get(days, i), "sent") > max)
			max = count(json_array_get(days, i), "sent");
	printf("<svg id=\"daily\" viewBox=\"0 0 600 240\" role=\"img\" "
	    "aria-label=\"messages a day\">\n");
	printf("<line x1=\"30\" y1=\"210\" x2=\"590\" y2=\"210\" stroke=\"#888\"/>");
	printf("<text x=\"0\" y=\"14\">%lld</text>\n", max);
	for (i = 0; i < n; i++) {
		d = json_array_get(days, i);
		for (s = 0; s < NELEM(series); s++) {
			v = count(d, series[s]);
			h = max > 0 ? 190.0 * v / max : 0;
			printf("<rect class=\"bar\" data-day=\"%s\" data-series=\"%s\" "
			    "data-value=\"%lld\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
			    "height=\"%.2f\" fill=\"%s\"><title>%s: %lld %s</title></rect>\n",
			    json_string_value(json_object_get(d, "group")), series[s], v,
			    30 + i * slot + s * slot * 0.4, 210 - h, slot * 0.4, h,
			    color[s], json_string_value(json_object_get(d, "group")), v,
			    series[s]);
		}
	}
	if (n > 0)
		printf("<text x=\"30\" y=\"232\">%s</text><text x=\"590\" y=\"232\" "
		    "text-anchor=\"end\">%s</text>\n",
		    json_string_value(json_object_get(json_array_get(days, 0), "group")),
		    json_string_value(json_object_get(json_array_get(days, n - 1), "group")));
	printf("</svg>\n<p class=\"key\"><span style=\"color:%s\">&#9632;</span> sent "
	    "<span style=\"color:%s\">&#9632;</span> read</p>\n", color[0], color[1]);
}

static void
htmlcell(struct wa_buf *b, json_t *o, const struct wa_tcol *c, const char *tag)
{
	const char *m = wa_cell_mark(o, c);

	printf("<%s%s>", tag, m == NULL || *m == '\0' ? "" :
	    strcmp(m, " met") == 0 ? " class=\"met\"" : " class=\"unmet\"");
	esc(wa_cell(b, o, c));
	if (m && *m)
		esc(m);
	printf("</%s>", tag);
}

/* The head of column C, with its target. */
static void
htmlhead(const struct wa_tcols *v, const struct wa_tcol *c)
{
	esc(c->head);
	if (wa_col_target(v, c)) {
		printf(" ");
		esc(wa_col_target(v, c));
	}
}

static void
head(time_t now)
{
	char tb[WA_TIMEBUF];

	printf("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<title>WhatsApp report</title>\n<style>\n"
	    "body{font:15px/1.4 system-ui,sans-serif;margin:1em;color:#222;background:#fff}\n"
	    "h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}\n"
	    ".scroll{overflow-x:auto}\n"
	    "table{border-collapse:collapse;font-variant-numeric:tabular-nums}\n"
	    "th,td{padding:.25em .5em;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}\n"
	    "th:first-child,td:first-child{text-align:left}\n"
	    ".met{color:#060}.unmet{color:#b00;font-weight:bold}\n"
	    "svg{width:100%%;max-width:40em;height:auto;display:block;font-size:13px}\n"
	    ".store th{white-space:normal;text-align:left;font-weight:normal}\n"
	    "</style></head><body>\n<h1>WhatsApp report</h1>\n<p>As of %s.</p>\n",
	    wa_time_fmt(now, tb));
}

void
wa_page_put(const struct wa_tcols *v, json_t *a, const char *by, time_t now,
    json_t *days, const struct wa_tcols *store)
{
	struct wa_buf b = { 0 };
	json_t *all = json_array_get(a, json_array_size(a) - 1), *o;
	size_t i, j;

	head(now);
	if (store) {
		printf("<h2>Funnel</h2>\n");
		funnel(all);
		printf("<h2>Messages a day</h2>\n");
		daily(days);
	}
	printf("<h2>By %s</h2>\n<div class=\"scroll\"><table>\n<tr>", by);
	for (j = 0; j < v->n; j++) {
		printf("<th>");
		htmlhead(v, &v->col[j]);
		printf("</th>");
	}
	printf("</tr>\n");
	json_array_foreach(a, i, o) {
		printf("<tr>");
		for (j = 0; j < v->n; j++)
			htmlcell(&b, o, &v->col[j], "td");
		printf("</tr>\n");
	}
	printf("</table></div>\n");
	if (store) {
		printf("<h2>Store-wide</h2>\n<div class=\"scroll\"><table class=\"store\">\n");
		for (j = 0; j < store->n; j++) {
			printf("<tr><th>");
			htmlhead(store, &store->col[j]);
			printf("</th>");
			htmlcell(&b, all, &store->col[j], "td");
			printf("</tr>\n");
		}
		printf("</table></div>\n");
	}
	printf("</body></html>\n");
	wa_buf_free(&b);
}
