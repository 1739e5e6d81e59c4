/* pagetab.c: the tables of wa-report's page: the channels compared, the view's figures, store-wide, A/B tests. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "report.h"

#define NELEM(a) (sizeof (a) / sizeof *(a))

/* The verdict of each arm that is no baseline. */
static void
abverdicts(json_t *arms)
{
	json_t *o;
	size_t i;

	printf("<div class=\"scroll\"><table class=\"verdicts\"><tr><th>campaign</th><th>arm</th>"
	    "<th>figure</th><th>verdict</th></tr>\n");
	json_array_foreach(arms, i, o) {
		if (wa_json_str(o, "verdict") == NULL || strcmp(wa_json_str(o, "verdict"), "baseline") == 0)
			continue;
		printf("<tr><td>");
		wa_html(wa_json_str(o, "campaign"));
		printf("</td><td>");
		wa_html(wa_json_str(o, "variant"));
		printf("</td><td>");
		wa_html(wa_json_str(o, "metric"));
		printf("</td><td>");
		wa_html(wa_json_str(o, "verdict"));
		printf("</td></tr>\n");
	}
	printf("</table></div>\n");
}

void
wa_pagetab_ab(const struct wa_page *p)
{
	size_t i, n = 0, na = json_array_size(p->arms);
	const char **x = wa_calloc(na + 1, sizeof *x);
	char **names = wa_calloc(na + 1, sizeof *names), *arm;
	double *v[3];
	struct wa_series s[3];
	struct wa_chart c = { 0 };
	json_t *o;

	for (i = 0; i < 3; i++)
		v[i] = wa_calloc(na + 1, sizeof *v[i]);
	json_array_foreach(p->arms, i, o) {
		if (isnan(wa_page_num(o, "ci_low")) || wa_json_str(o, "currency"))
			continue;
		arm = wa_strjoin(wa_json_str(o, "campaign"), " ", wa_json_str(o, "variant"));
		names[n] = wa_strjoin(arm, ", ", wa_json_str(o, "metric"));
		free(arm);
		x[n] = names[n];
		v[0][n] = wa_page_num(o, "diff");
		v[1][n] = wa_page_num(o, "ci_low");
		v[2][n++] = wa_page_num(o, "ci_high");
	}
	s[0] = (struct wa_series){ "difference", v[0], WA_COL_RATE };
	s[1] = (struct wa_series){ "95% low", v[1], WA_COL_RATE };
	s[2] = (struct wa_series){ "95% high", v[2], WA_COL_RATE };
	c.id = "ab"; c.title = "A/B tests: each arm against its baseline";
	c.desc = "The difference of each arm's rate from its baseline's, the dot, "
	    "and its 95% interval, the bar; a bar clear of the line is a difference.";
	c.xhead = "arm, figure"; c.x = x; c.nx = n; c.s = s; c.ns = 3;
	if (n) {
		printf("<h2>A/B tests</h2>\n");
		wa_chart_intervals(&c);
		abverdicts(p->arms);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	for (i = 0; i < 3; i++)
		free(v[i]);
	free(names);
	free(x);
}

static void
htmlcell(struct wa_buf *b, json_t *o, const struct wa_tcol *c)
{
	const char *m = wa_cell_mark(o, c);

	printf("<td%s>", m == NULL || *m == '\0' ? "" :
	    strcmp(m, " met") == 0 ? " class=\"met\"" : " class=\"unmet\"");
	wa_html(wa_cell(b, o, c));
	if (m && *m)
		wa_html(m);
	printf("</td>");
}

/* The head of column C, with its target. */
static void
htmlhead(const struct wa_tcols *v, const struct wa_tcol *c)
{
	wa_html(c->head);
	if (wa_col_target(v, c)) {
		printf(" ");
		wa_html(wa_col_target(v, c));
	}
}

void
wa_pagetab_view(const struct wa_page *p)
{
	struct wa_buf b = { 0 };
	size_t i, j;
	json_t *o;

	printf("<h2>By %s</h2>\n<div class=\"scroll\"><table>\n<tr>", p->by);
	for (j = 0; j < p->view->n; j++) {
		printf("<th>");
		htmlhead(p->view, &p->view->col[j]);
		printf("</th>");
	}
	printf("</tr>\n");
	json_array_foreach(p->rows, i, o) {
		printf("<tr>");
		for (j = 0; j < p->view->n; j++)
			htmlcell(&b, o, &p->view->col[j]);
		printf("</tr>\n");
	}
	printf("</table></div>\n");
	wa_buf_free(&b);
}

void
wa_pagetab_store(const struct wa_page *p, json_t *all)
{
	struct wa_buf b = { 0 };
	json_t *other = json_object_get(all, "revenue_other");
	size_t j;

	printf("<h2>Store-wide</h2>\n<div class=\"scroll\"><table class=\"store\">\n");
	for (j = 0; j < p->store->n; j++) {
		printf("<tr><th>");
		htmlhead(p->store, &p->store->col[j]);
		printf("</th>");
		htmlcell(&b, all, &p->store->col[j]);
		printf("</tr>\n");
	}
	if (json_object_size(other) > 0) {
		printf("<tr><th>other currencies, not converted</th><td>");
		wa_html(wa_cell_text(&b, other, WA_COL_MONEY, 1));
		printf("</td></tr>\n");
	}
	printf("</table></div>\n");
	wa_buf_free(&b);
}

/*
 * The playbook's comparison of channels, measured: how customers
 * responded to each, what it sold and how they rated the conversations
 * it began; n/a where there was nothing to count.
 */
void
wa_pagetab_channels(const struct wa_page *p)
{
	static const struct wa_tcol cols[] = {
		{ "sent", "sent", WA_COL_COUNT },
		{ "responded_rate", "responded within the window", WA_COL_RATE | WA_COL_NA },
		{ "customer_response_p50_s", "median time to respond", WA_COL_SECS | WA_COL_NA },
		{ "conversion_rate", "conversion", WA_COL_RATE | WA_COL_NA },
		{ "rating", "rating (1-5)", WA_COL_NUM | WA_COL_NA },
		{ "ratings", "ratings", WA_COL_COUNT },
	};
	struct wa_buf b = { 0 };
	size_t i, j;
	json_t *o;

	printf("<h2>Channels compared</h2>\n<div class=\"scroll\"><table class=\"channels\">\n"
	    "<tr><th>channel</th>");
	for (j = 0; j < NELEM(cols); j++)
		printf("<th>%s</th>", cols[j].head);
	printf("</tr>\n");
	json_array_foreach(p->rows, i, o) {
		printf("<tr><td>");
		wa_html(wa_json_str(o, "group"));
		printf("</td>");
		for (j = 0; j < NELEM(cols); j++) {
			printf("<td data-figure=\"%s\">", cols[j].name);
			wa_html(wa_cell(&b, o, &cols[j]));
			printf("</td>");
		}
		printf("</tr>\n");
	}
	printf("</table></div>\n<p>A response is the customer's first message, order or "
	    "unsubscribe after a message, within the window; a rating, the close survey's "
	    "of a conversation the message began or came last before.</p>\n");
	wa_buf_free(&b);
}
