/* chart.c: the page's charts as inline SVG, each with its title, description and data table. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "wa.h"
#include "report.h"

#define NCOLOR 5
/* Apart for the colour-blind (Okabe and Ito's), and dashed apart too. */
static const char *const color[NCOLOR] = { "#0072b2", "#d55e00", "#009e73",
    "#cc79a7", "#e69f00" };
static const char *const dash[NCOLOR] = { "", " stroke-dasharray=\"6 3\"",
    " stroke-dasharray=\"2 3\"", " stroke-dasharray=\"8 3 2 3\"",
    " stroke-dasharray=\"1 2\"" };

const char *
wa_chart_fmt(struct wa_buf *b, double v, int kind)
{
	char tmp[64];
	json_t *j;

	wa_buf_reset(b);
	if (isnan(v) || kind == WA_COL_MONEY) {
		snprintf(tmp, sizeof tmp, "%.2f", v);
		wa_buf_adds(b, isnan(v) ? "-" : tmp);
		return wa_buf_str(b);
	}
	j = kind == WA_COL_COUNT || kind == WA_COL_SECS ?
	    json_integer((json_int_t)llround(v)) : json_real(v);
	wa_cell_text(b, j, kind, 1);
	json_decref(j);
	return wa_buf_str(b);
}

/* A name on a chart, cut in its middle past 28 characters; whole in its <title>. */
static void
label(const char *s)
{
	size_t n = wa_utf8_chars(s), i, k;
	const char *p = s, *q;

	if (n <= 28) {
		wa_html(s);
		return;
	}
	for (i = 0; i < 13; i++)
		while (*++p && (*p & 0xC0) == 0x80)
			;
	for (q = p, k = 0; k < n - 27; k++)
		while (*++q && (*q & 0xC0) == 0x80)
			;
	printf("<title>");
	wa_html(s);
	printf("</title>%.*s&#8230;", (int)(p - s), s);
	wa_html(q);
}

static void
svghead(const char *id, const char *title, const char *desc, int w, int h)
{
	printf("<svg id=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"%s-t %s-d\">"
	    "<title id=\"%s-t\">", id, w, h, id, id, id);
	wa_html(title);
	printf("</title><desc id=\"%s-d\">", id);
	wa_html(desc);
	printf("</desc>\n");
}

/* The data behind a chart, for screen readers and for anyone who wants the numbers. */
static void
datatable(const struct wa_chart *c)
{
	struct wa_buf b = { 0 };
	size_t i, s;

	printf("<details><summary>The data</summary><table class=\"data\"><tr><th>%s</th>",
	    c->xhead ? c->xhead : "");
	for (s = 0; s < c->ns; s++) {
		printf("<th>");
		wa_html(c->s[s].name);
		printf("</th>");
	}
	printf("</tr>\n");
	for (i = 0; i < c->nx; i++) {
		printf("<tr><td>");
		wa_html(c->x[i]);
		printf("</td>");
		for (s = 0; s < c->ns; s++)
			printf("<td>%s</td>", wa_chart_fmt(&b, c->s[s].v[i], c->s[s].kind));
		printf("</tr>\n");
	}
	printf("</table></details>\n");
	wa_buf_free(&b);
}

static double
maxof(const struct wa_chart *c)
{
	double m = 0;
	size_t i, s;

	for (s = 0; s < c->ns; s++)
		for (i = 0; i < c->nx; i++)
			if (!isnan(c->s[s].v[i]) && c->s[s].v[i] > m)
				m = c->s[s].v[i];
	return m;
}

/* The key under a chart: each series' colour and dash. */
static void
key(const struct wa_chart *c, int lines)
{
	size_t s;

	printf("<p class=\"key\">");
	for (s = 0; s < c->ns; s++) {
		printf("<span><svg width=\"24\" height=\"10\" aria-hidden=\"true\">");
		if (lines)
			printf("<line x1=\"0\" y1=\"5\" x2=\"24\" y2=\"5\" stroke=\"%s\" "
			    "stroke-width=\"3\"%s/>", color[s % NCOLOR], dash[s % NCOLOR]);
		else
			printf("<rect width=\"24\" height=\"10\" fill=\"%s\"/>",
			    color[s % NCOLOR]);
		printf("</svg> ");
		wa_html(c->s[s].name);
		printf("</span> ");
	}
	printf("</p>\n");
}

/* X position of point I: by its time, so that a gap shows as one. */
static double
xpos(const struct wa_chart *c, size_t i, double x0, double w)
{
	double span = c->nx > 1 ? (double)(c->t[c->nx - 1] - c->t[0]) : 0;

	return span > 0 ? x0 + w * (double)(c->t[i] - c->t[0]) / span : x0 + w / 2;
}

void
wa_chart_lines(const struct wa_chart *c)
{
	double max = c->max > 0 ? c->max : maxof(c), x, y;
	struct wa_buf b = { 0 };
	size_t i, s, k, mid = c->nx / 2;

	svghead(c->id, c->title, c->desc, 600, 230);
	printf("<line x1=\"60\" y1=\"190\" x2=\"590\" y2=\"190\" stroke=\"#767676\"/>"
	    "<line x1=\"60\" y1=\"10\" x2=\"590\" y2=\"10\" stroke=\"#ddd\"/>\n");
	printf("<text x=\"54\" y=\"15\" text-anchor=\"end\">%s</text>",
	    wa_chart_fmt(&b, max, c->s[0].kind));
	printf("<text x=\"54\" y=\"194\" text-anchor=\"end\">0</text>\n");
	for (s = 0; s < c->ns; s++) {
		printf("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"%s points=\"",
		    color[s % NCOLOR], dash[s % NCOLOR]);
		for (i = 0; i < c->nx; i++)
			if (!isnan(c->s[s].v[i]))
				printf("%.1f,%.1f ", xpos(c, i, 70, 510),
				    190 - (max > 0 ? 180 * c->s[s].v[i] / max : 0));
		printf("\"/>\n");
		for (i = 0; i < c->nx; i++) {
			if (isnan(c->s[s].v[i]))
				continue;
			x = xpos(c, i, 70, 510);
			y = 190 - (max > 0 ? 180 * c->s[s].v[i] / max : 0);
			printf("<circle class=\"pt\" data-series=\"%s\" data-x=\"%s\" "
			    "data-value=\"%.6g\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\">"
			    "<title>%s %s: %s</title></circle>\n", c->s[s].name, c->x[i],
			    c->s[s].v[i], x, y, color[s % NCOLOR], c->x[i], c->s[s].name,
			    wa_chart_fmt(&b, c->s[s].v[i], c->s[s].kind));
		}
	}
	/* Dates: the first, the middle and the last. */
	for (k = 0; k < 3 && c->nx > 0; k++) {
		i = k == 0 ? 0 : k == 1 ? mid : c->nx - 1;
		if (k > 0 && i == (k == 1 ? 0 : mid))
			continue;
		printf("<text x=\"%.1f\" y=\"212\" text-anchor=\"%s\">",
		    xpos(c, i, 70, 510), c->nx == 1 || k == 1 ? "middle" : k ? "end" : "start");
		wa_html(c->x[i]);
		printf("</text>\n");
	}
	printf("</svg>\n");
	key(c, 1);
	datatable(c);
	wa_buf_free(&b);
}

void
wa_chart_hbars(const struct wa_chart *c)
{
	double max = c->max > 0 ? c->max : maxof(c), w;
	struct wa_buf b = { 0 };
	size_t i, s, h = 18 * c->ns + 10;

	svghead(c->id, c->title, c->desc, 600, (int)(h * c->nx + 4));
	for (i = 0; i < c->nx; i++) {
		printf("<text x=\"0\" y=\"%zu\">", i * h + 14);
		label(c->x[i]);
		printf("</text>\n");
		for (s = 0; s < c->ns; s++) {
			w = max > 0 && !isnan(c->s[s].v[i]) ? 300 * c->s[s].v[i] / max : 0;
			printf("<rect class=\"bar\" data-series=\"%s\" data-x=\"",
			    c->s[s].name);
			wa_html(c->x[i]);
			printf("\" data-value=\"%.6g\" x=\"200\" y=\"%zu\" width=\"%.1f\" "
			    "height=\"16\" fill=\"%s\"/><text x=\"%.1f\" y=\"%zu\">%s</text>\n",
			    c->s[s].v[i], i * h + s * 18 + 2, w, color[s % NCOLOR],
			    204 + w, i * h + s * 18 + 15,
			    wa_chart_fmt(&b, c->s[s].v[i], c->s[s].kind));
		}
	}
	printf("</svg>\n");
	if (c->ns > 1)
		key(c, 0);
	datatable(c);
	wa_buf_free(&b);
}

void
wa_chart_vbars(const struct wa_chart *c)
{
	double max = c->max > 0 ? c->max : maxof(c), slot = 530.0 / (c->nx ? c->nx : 1), h;
	size_t i;

	svghead(c->id, c->title, c->desc, 600, 230);
	printf("<line x1=\"60\" y1=\"190\" x2=\"590\" y2=\"190\" stroke=\"#767676\"/>\n");
	for (i = 0; i < c->nx; i++) {
		h = max > 0 ? 170 * c->s[0].v[i] / max : 0;
		printf("<rect class=\"bar\" data-series=\"%s\" data-x=\"%s\" data-value=\"%.6g\" "
		    "x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>"
		    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>"
		    "<text x=\"%.1f\" y=\"212\" text-anchor=\"middle\">%s</text>\n",
		    c->s[0].name, c->x[i], c->s[0].v[i], 60 + i * slot + slot * 0.15,
		    190 - h, slot * 0.7, h, color[0], 60 + (i + 0.5) * slot, 186 - h,
		    c->s[0].v[i], 60 + (i + 0.5) * slot, c->x[i]);
	}
	printf("</svg>\n");
	datatable(c);
}

/* Differences with their 95% intervals, about a line at 0: series 0 the differences, 1 and 2 the bounds. */
void
wa_chart_intervals(const struct wa_chart *c)
{
	double m = maxof(c), lo, hi, d, x0 = 400;
	size_t i;

	for (i = 0; i < c->nx; i++)
		if (-c->s[1].v[i] > m)
			m = -c->s[1].v[i];
	m = m > 0 ? m : 1;
	svghead(c->id, c->title, c->desc, 600, (int)(26 * c->nx + 10));
	printf("<line x1=\"%.0f\" y1=\"0\" x2=\"%.0f\" y2=\"%zu\" stroke=\"#767676\"/>\n",
	    x0, x0, 26 * c->nx + 10);
	for (i = 0; i < c->nx; i++) {
		d = c->s[0].v[i];
		lo = x0 + 180 * c->s[1].v[i] / m;
		hi = x0 + 180 * c->s[2].v[i] / m;
		printf("<text x=\"0\" y=\"%zu\">", i * 26 + 17);
		label(c->x[i]);
		printf("</text><rect class=\"ci\" data-x=\"");
		wa_html(c->x[i]);
		printf("\" data-value=\"%.6g\" data-low=\"%.6g\" data-high=\"%.6g\" "
		    "x=\"%.1f\" y=\"%zu\" width=\"%.1f\" height=\"10\" fill=\"%s\" "
		    "fill-opacity=\"0.35\"/><circle cx=\"%.1f\" cy=\"%zu\" r=\"5\" fill=\"%s\"/>\n",
		    d, c->s[1].v[i], c->s[2].v[i], lo, i * 26 + 8, hi - lo,
		    color[0], x0 + 180 * d / m, i * 26 + 13, color[0]);
	}
	printf("</svg>\n");
	datatable(c);
}
