/* rout.c: wa-report's rows on a terminal, as tables, or as CSV: the view's columns, the store-wide ones, the targets' marks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "report.h"

#define NELEM(a) (sizeof (a) / sizeof *(a))

static const struct wa_tcols storeview = { wa_rcols_store, NELEM(wa_rcols_store), NULL };

/* The orders that could not be converted, and the rates' day. */
static void
otherline(json_t *all, const char *cur)
{
	json_t *other = json_object_get(all, "revenue_other");
	const char *date = wa_json_str(all, "rates_date");
	struct wa_buf b = { 0 };

	if (cur)
		printf("  %-38s %s%s%s\n", "currency", cur,
		    date ? ", converted at the rates of " : "", date ? date : "");
	if (json_object_size(other) > 0)
		printf("  %-38s %s\n", "other currencies, not converted",
		    wa_cell_text(&b, other, WA_COL_MONEY, 1));
	wa_buf_free(&b);
}

void
wa_rout_table(const struct wa_tcols *vc, json_t *a, int by, int wide, const char *cur)
{
	struct wa_tcols st = storeview, key = { wa_rcols_key, NELEM(wa_rcols_key), vc->target };
	struct wa_tcols chkey = { wa_rcols_chkey, NELEM(wa_rcols_chkey), vc->target };
	struct wa_tcols cv = { wa_rcols_conv, NELEM(wa_rcols_conv), NULL };
	struct wa_tcol head[NELEM(wa_rcols_conv)];
	const char *env = getenv("COLUMNS");
	long width = env ? strtol(env, NULL, 10) : 0;

	if (width <= 0)
		width = 100;
	wa_table_fit(by == WA_BY_CHANNEL && !wide ? &chkey : by < WA_BY_CHANNEL && !wide ? &key : vc, a,
	    wide ? 0 : (size_t)width);
	if (by == WA_BY_TIER && json_object_get(json_array_get(a, json_array_size(a) - 1),
	    "conversations")) {
		memcpy(head, wa_rcols_conv, sizeof head);
		head[0].head = "tier";
		cv.col = head;
		cv.target = vc->target;
		printf("\nconversations\n");
		wa_table_fit(&cv, a, wide ? 0 : (size_t)width);
	}
	if (by > WA_BY_CHANNEL)
		return;
	st.target = vc->target;
	printf("\nstore-wide\n");
	wa_table_list(&st, json_array_get(a, json_array_size(a) - 1));
	otherline(json_array_get(a, json_array_size(a) - 1), cur);
}

/* Is the figure NAME in this view's columns, or store-wide ones? */
static int
shown(const struct wa_tcols *vc, const char *name, int by)
{
	size_t j;

	for (j = 0; j < vc->n; j++)
		if (strcmp(vc->col[j].name, name) == 0)
			return 1;
	for (j = 0; by <= WA_BY_CHANNEL && j < NELEM(wa_rcols_store); j++)
		if (strcmp(wa_rcols_store[j].name, name) == 0)
			return 1;
	return 0;
}

/* CSV: every figure by its JSON name, the store-wide ones and the marks last. */
void
wa_rout_csv(const struct wa_tcols *vc, json_t *a, int by, int targets)
{
	const char *names[NELEM(wa_rcols_channel) + NELEM(wa_rcols_store) + WA_KPI_NTARGETS + 1];
	char met[WA_KPI_NTARGETS][64];
	size_t j, n = 0;

	for (j = 0; j < vc->n; j++)
		names[n++] = vc->col[j].name;
	for (j = 0; by <= WA_BY_CHANNEL && j < NELEM(wa_rcols_store); j++)
		names[n++] = wa_rcols_store[j].name;
	for (j = 0; targets && j < WA_KPI_NTARGETS; j++) {
		if (!shown(vc, wa_kpi_targetname(j), by))
			continue;
		snprintf(met[j], sizeof met[j], "%s_met", wa_kpi_targetname(j));
		names[n++] = met[j];
	}
	if (targets && by == WA_BY_AGENT)
		names[n++] = "first_response_p50_s_met";
	wa_csv_rows(names, n, a);
}
