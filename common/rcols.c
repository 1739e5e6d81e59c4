/* rcols.c: wa-report's columns, view by view: each figure's name, heading and kind. */
#include "wa.h"
#include "report.h"

/* The figures of a group, in the order every format shows them. */
const struct wa_tcol wa_rcols_kpi[] = {
	{ "group", "group", WA_COL_TEXT | WA_COL_LEFT },
	{ "sent", "sent", WA_COL_COUNT },
	{ "delivered", "dlvd", WA_COL_COUNT },
	{ "read", "read", WA_COL_COUNT },
	{ "failed", "failed", WA_COL_COUNT },
	{ "replied", "replied", WA_COL_COUNT },
	{ "opted_out", "opt-out", WA_COL_COUNT },
	{ "delivery_rate", "dlvd%", WA_COL_RATE },
	{ "read_rate", "read%", WA_COL_RATE },
	{ "reply_rate", "reply%", WA_COL_RATE },
	{ "opt_out_rate", "opt-out%", WA_COL_RATE },
	{ "median_response_s", "resp p50", WA_COL_SECS },
	{ "p90_response_s", "resp p90", WA_COL_SECS },
	{ "conversions", "conv", WA_COL_COUNT },
	{ "conversion_rate", "conv%", WA_COL_RATE },
	{ "revenue", "revenue", WA_COL_MONEY },
	{ "aov", "aov", WA_COL_MONEY },
	{ "revenue_other", "other cur.", WA_COL_MONEY },
	{ "revenue_converted", "converted", WA_COL_TEXT },
	{ "rates_date", "rates of", WA_COL_TEXT },
	/* With survey answers only: the last WA_RCOLS_NSURVEY. */
	{ "csat", "csat", WA_COL_NUM },
	{ "csat_answers", "csat n", WA_COL_COUNT },
	{ "nps", "nps", WA_COL_NUM },
	{ "nps_answers", "nps n", WA_COL_COUNT },
	{ "negative_rate", "negative%", WA_COL_RATE },
};

/* The table's columns for the KPIs, within a terminal; --wide: all. */
const struct wa_tcol wa_rcols_key[] = {
	{ "group", "group", WA_COL_TEXT | WA_COL_LEFT },
	{ "sent", "sent", WA_COL_COUNT },
	{ "delivery_rate", "dlvd%", WA_COL_RATE },
	{ "read_rate", "read%", WA_COL_RATE },
	{ "reply_rate", "reply%", WA_COL_RATE },
	{ "conversion_rate", "conv%", WA_COL_RATE },
	{ "revenue", "revenue", WA_COL_MONEY },
};

/* -b channel: the KPIs with what each channel has of its own (bounces, unsubscribes). */
const struct wa_tcol wa_rcols_channel[] = {
	{ "group", "channel", WA_COL_TEXT | WA_COL_LEFT },
	{ "sent", "sent", WA_COL_COUNT },
	{ "delivered", "dlvd", WA_COL_COUNT },
	{ "read", "read", WA_COL_COUNT },
	{ "failed", "failed", WA_COL_COUNT },
	{ "bounced", "bounced", WA_COL_COUNT },
	{ "replied", "replied", WA_COL_COUNT },
	{ "opted_out", "opt-out", WA_COL_COUNT },
	{ "unsubscribed", "unsub", WA_COL_COUNT },
	{ "delivery_rate", "dlvd%", WA_COL_RATE },
	{ "read_rate", "read%", WA_COL_RATE },
	{ "reply_rate", "reply%", WA_COL_RATE },
	{ "opt_out_rate", "opt-out%", WA_COL_RATE },
	{ "median_response_s", "resp p50", WA_COL_SECS },
	{ "p90_response_s", "resp p90", WA_COL_SECS },
	{ "conversions", "conv", WA_COL_COUNT },
	{ "conversion_rate", "conv%", WA_COL_RATE },
	{ "revenue", "revenue", WA_COL_MONEY },
	{ "aov", "aov", WA_COL_MONEY },
	{ "revenue_other", "other cur.", WA_COL_MONEY },
	{ "revenue_converted", "converted", WA_COL_TEXT },
	{ "rates_date", "rates of", WA_COL_TEXT },
	{ "responded", "responded", WA_COL_COUNT },
	{ "responded_rate", "responded%", WA_COL_RATE },
	{ "customer_response_p50_s", "cust resp p50", WA_COL_SECS | WA_COL_NA },
	{ "rating", "rating", WA_COL_NUM | WA_COL_NA },
	{ "ratings", "ratings", WA_COL_COUNT },
	{ "csat", "csat", WA_COL_NUM },
	{ "csat_answers", "csat n", WA_COL_COUNT },
	{ "nps", "nps", WA_COL_NUM },
	{ "nps_answers", "nps n", WA_COL_COUNT },
	{ "negative_rate", "negative%", WA_COL_RATE },
};

/* Its columns within a terminal. */
const struct wa_tcol wa_rcols_chkey[] = {
	{ "group", "channel", WA_COL_TEXT | WA_COL_LEFT },
	{ "sent", "sent", WA_COL_COUNT },
	{ "bounced", "bounced", WA_COL_COUNT },
	{ "unsubscribed", "unsub", WA_COL_COUNT },
	{ "responded_rate", "resp'd%", WA_COL_RATE },
	{ "customer_response_p50_s", "cust resp p50", WA_COL_SECS | WA_COL_NA },
	{ "conversions", "conv", WA_COL_COUNT },
	{ "conversion_rate", "conv%", WA_COL_RATE },
	{ "revenue", "revenue", WA_COL_MONEY },
	{ "rating", "rating", WA_COL_NUM | WA_COL_NA },
};

/* -b ref: the writers of tagged messages by their first tag. */
const struct wa_tcol wa_rcols_ref[] = {
	{ "group", "ref", WA_COL_TEXT | WA_COL_LEFT },
	{ "inquiries", "inquiries", WA_COL_COUNT },
	{ "conversions", "conv", WA_COL_COUNT },
	{ "conversion_rate", "conv%", WA_COL_RATE },
	{ "revenue", "revenue", WA_COL_MONEY },
	{ "aov", "aov", WA_COL_MONEY },
};

/* -b variant: a row per arm and figure. */
const struct wa_tcol wa_rcols_arm[] = {
	{ "campaign", "campaign", WA_COL_TEXT | WA_COL_LEFT },
	{ "variant", "arm", WA_COL_TEXT },
	{ "metric", "figure", WA_COL_TEXT },
	{ "currency", "cur", WA_COL_TEXT },
	{ "n", "n", WA_COL_COUNT },
	{ "count", "count", WA_COL_COUNT },
	{ "value", "value", WA_COL_NUM },
	{ "baseline", "vs", WA_COL_TEXT },
	{ "diff", "diff", WA_COL_NUM },
	{ "ci_low", "95% low", WA_COL_NUM },
	{ "ci_high", "95% high", WA_COL_NUM },
	{ "p_value", "p", WA_COL_NUM },
	{ "n_needed", "n needed", WA_COL_NUM },
	{ "verdict", "verdict", WA_COL_TEXT },
};

/* --insights: a row per theme, then all. */
const struct wa_tcol wa_rcols_theme[] = {
	{ "theme", "theme", WA_COL_TEXT | WA_COL_LEFT },
	{ "messages", "messages", WA_COL_COUNT },
	{ "auto_reply", "auto", WA_COL_COUNT },
	{ "person", "person", WA_COL_COUNT },
	{ "unanswered", "none", WA_COL_COUNT },
	{ "median_response_s", "resp p50", WA_COL_SECS },
};

/* -b consent: the consent log's events per week and source. */
const struct wa_tcol wa_rcols_growth[] = {
	{ "week", "week", WA_COL_TEXT | WA_COL_LEFT },
	{ "source", "source", WA_COL_TEXT | WA_COL_LEFT },
	{ "opt_in", "opt-in", WA_COL_COUNT },
	{ "opt_out", "opt-out", WA_COL_COUNT },
	{ "net", "net", WA_COL_COUNT },
};

/* -b agent, and -b tier's second table: the inbox's conversations. */
const struct wa_tcol wa_rcols_conv[] = {
	{ "group", "agent", WA_COL_TEXT | WA_COL_LEFT },
	{ "conversations", "convs", WA_COL_COUNT },
	{ "bot_only", "bot only", WA_COL_COUNT },
	{ "handed_off", "person", WA_COL_COUNT },
	{ "first_response_p50_s", "first p50", WA_COL_SECS },
	{ "first_response_p90_s", "first p90", WA_COL_SECS },
	{ "resolution_p50_s", "resolved p50", WA_COL_SECS },
	{ "resolution_p90_s", "resolved p90", WA_COL_SECS },
	{ "sla_target_s", "sla", WA_COL_SECS },
	{ "sla_met_rate", "sla met%", WA_COL_RATE },
	{ "csat", "csat", WA_COL_NUM },
	{ "csat_answers", "csat n", WA_COL_COUNT },
};

/* The store-wide figures, in the "all" object only. */
const struct wa_tcol wa_rcols_store[] = {
	{ "aov_site", "AOV, all orders", WA_COL_MONEY },
	{ "aov_messaged", "AOV, messaged customers", WA_COL_MONEY },
	{ "aov_not_messaged", "AOV, other customers", WA_COL_MONEY },
	{ "first_time_buyers_messaged", "first-time buyers, messaged", WA_COL_COUNT },
	{ "first_time_buyers_not_messaged", "first-time buyers, not messaged", WA_COL_COUNT },
	{ "repeat_rate_messaged", "repeat within 180 days, messaged", WA_COL_RATE },
	{ "repeat_rate_not_messaged", "repeat within 180 days, not messaged", WA_COL_RATE },
};
