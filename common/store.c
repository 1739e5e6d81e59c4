/* store.c: which store export a CSV header is, and where its columns are. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wa.h"
#include "store.h"

/* Header names of each column, best first; the same name may mean other things per kind. */
static const char *custnames[WA_NCOL] = {
	[WA_C_ID] = "Customer ID|customer_id|ID|user_id",
	[WA_C_FIRST] = "First Name|first_name|billing_first_name",
	[WA_C_LAST] = "Last Name|last_name|billing_last_name",
	[WA_C_NAME] = "Name|Full Name|Customer Name",
	[WA_C_EMAIL] = "Email|E-mail|Email Address|user_email|billing_email|Email (Billing)",
	[WA_C_PHONE] = "Phone|Mobile|Mobile Phone|WhatsApp|Phone Number",
	[WA_C_PHONE2] = "Default Address Phone|Billing Phone|billing_phone|Phone (Billing)",
	[WA_C_PHONE3] = "Shipping Phone|shipping_phone|Phone (Shipping)",
	[WA_C_COUNTRY] = "Default Address Country Code|Country Code|billing_country|"
	    "Country Code (Billing)|Country / Region|Country",
	[WA_C_COUNTRY2] = "shipping_country|Country Code (Shipping)",
	[WA_C_PROVINCE] = "Default Address Province Code|Province Code|billing_state|"
	    "State Code (Billing)|Region|State",
	[WA_C_CITY] = "Default Address City|City|billing_city|City (Billing)",
	[WA_C_OPTIN_WA] = "Accepts WhatsApp Marketing",
	[WA_C_OPTIN_SMS] = "Accepts SMS Marketing",
	[WA_C_OPTIN_ANY] = "Accepts Marketing",
	[WA_C_TAGS] = "Tags",
	[WA_C_NOTE] = "Note",
	[WA_C_ORDERS] = "Total Orders|Orders|order_count|orders_count",
	[WA_C_SPENT] = "Total Spent|Total Spend|total_spent",
	[WA_C_CREATED] = "Sign Up|Date registered|date_registered|user_registered|Created At",
	[WA_C_LANG] = "Language|Locale|lang",
	/* Shopify keeps it in a metafield, exported as "Birthday (customer.metafields...)" */
	[WA_C_BIRTHDAY] = "Birthday|Birth Date|Date of Birth|Birthdate|billing_birthdate|"
	    "Birthday (*|Birth date (*|Date of birth (*",
	[WA_C_OPTIN_EMAIL] = "Accepts Email Marketing",
};

static const char *ordernames[WA_NCOL] = {
	[WA_C_ID] = "customer_id|Customer ID|Customer User Id|customer_user",
	[WA_C_FIRST] = "First Name (Billing)|billing_first_name",
	[WA_C_LAST] = "Last Name (Billing)|billing_last_name",
	[WA_C_NAME] = "Billing Name|Full Name (Billing)|Customer",
	[WA_C_EMAIL] = "Email|Email (Billing)|billing_email|customer_email|"
	    "Customer User Email",
	[WA_C_PHONE] = "Phone",
	[WA_C_PHONE2] = "Billing Phone|Phone (Billing)|billing_phone",
	[WA_C_PHONE3] = "Shipping Phone|Phone (Shipping)|shipping_phone",
	[WA_C_COUNTRY] = "Billing Country|Country Code (Billing)|billing_country",
	[WA_C_COUNTRY2] = "Shipping Country|Country Code (Shipping)|shipping_country",
	[WA_C_PROVINCE] = "Billing Province|State Code (Billing)|State (Billing)|"
	    "billing_state",
	[WA_C_CITY] = "Billing City|City (Billing)|billing_city",
	[WA_C_TAGS] = "Tags",
	[WA_C_LANG] = "Language|Locale|lang",
	/* AlgolPlus calls the product "Name": its order number comes first. */
	[WA_O_NAME] = "Order Number|order_number|Order #|Name|order_id|Order ID",
	[WA_O_ID] = "Id|Order ID|order_id",
	[WA_O_CREATED] = "Created at|Order Date|order_date|Date",
	[WA_O_PAID] = "Paid at|paid_date",
	[WA_O_FULFILLED] = "Fulfilled at|completed_date|Completed Date",
	[WA_O_CANCELLED] = "Cancelled at",
	[WA_O_FINANCIAL] = "Financial Status|Order Status|status|Status",
	[WA_O_FULFILLMENT] = "Fulfillment Status",
	[WA_O_TOTAL] = "Total|Order Total Amount|order_total",
	[WA_O_REFUNDED] = "Refunded Amount|Order Refund Amount|refunded_total",
	[WA_O_CURRENCY] = "Currency|order_currency",
	[WA_O_DISCOUNT] = "Discount Code|Coupon Code|Coupon(s)",
	[WA_O_ITEM_NAME] = "Lineitem name|Item Name|item_name|Product Name|Product(s)",
	[WA_O_ITEM_SKU] = "Lineitem sku|SKU|item_sku",
	[WA_O_ITEM_QTY] = "Lineitem quantity|Quantity (- Refund)|Quantity|item_quantity",
	[WA_O_ITEM_PRICE] = "Lineitem price|Item Cost|Price|item_total",
	[WA_O_ITEM_VENDOR] = "Vendor",
	[WA_O_ITEMS] = "line_items",
	/* What a foreign-currency order was in the shop's currency (shop_money). */
	[WA_O_SHOP_TOTAL] = "Total in Shop Currency|shop_total",
	[WA_O_SHOP_CURRENCY] = "Shop Currency|shop_currency",
};

/* Any of these says a file holds orders. */
#define ORDERCOLS "Lineitem name|Item Name|item_name|line_items|line_item_1|" \
	"Order Number|order_id|order_number|Order #"

/* Header names only WooCommerce's exports and plugins write. */
static int
iswoo(const struct wa_csvhdr *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (strstr(h->name[i], "(Billing)") ||
		    strncmp(h->name[i], "billing_", 8) == 0 ||
		    strncmp(h->name[i], "user_", 5) == 0 ||
		    strcasecmp(h->name[i], "Username") == 0 ||
		    strcmp(h->name[i], "ID") == 0 ||
		    strcasecmp(h->name[i], "Order Status") == 0 ||
		    strcmp(h->name[i], "line_items") == 0 ||
		    strcmp(h->name[i], "line_item_1") == 0)
			return 1;
	return 0;
}

/* Header names of Shopify's customer and order exports that no other tool writes alike. */
static int
isshopify(const struct wa_csvhdr *h)
{
	return wa_csv_col(h, "Customer ID|Accepts Email Marketing|Accepts SMS Marketing|"
	    "Accepts Marketing|Tax Exempt|Lineitem *|Financial Status|"
	    "Fulfillment Status|Default Address *|Billing Name") >= 0;
}

/* Columns that hold secrets of the store, never to be copied into a record's extra. */
static void
secrets(struct wa_layout *l, const struct wa_csvhdr *h)
{
	int c;

	/* WebToffee's user export writes the password hash and session tokens. */
	if ((c = wa_csv_col(h, "user_pass")) >= 0)
		l->mapped[c] = 1;
	if ((c = wa_csv_col(h, "session_tokens")) >= 0)
		l->mapped[c] = 1;
}

/* WebToffee writes one "line_item_N" column per item. */
static void
itemcols(struct wa_layout *l, const struct wa_csvhdr *h)
{
	size_t i, n = 0;

	l->itemcols = wa_calloc(h->n + 1, sizeof *l->itemcols);
	for (i = 0; i < h->n; i++)
		if (strncmp(h->name[i], "line_item_", 10) == 0 &&
		    isdigit((unsigned char)h->name[i][10])) {
			l->itemcols[n++] = (int)i;
			l->mapped[i] = 1;
		}
	l->itemcols[n] = -1;
}

void
wa_layout_detect(struct wa_layout *l, const struct wa_csvhdr *h)
{
	const char **names;
	int c;

	memset(l, 0, sizeof *l);
	l->mapped = wa_calloc(h->n, 1);
	/* Some order exports keep only Name, totals, dates and the city. */
	l->kind = wa_csv_col(h, ORDERCOLS) >= 0 || (wa_csv_col(h, "Name") >= 0 &&
	    wa_csv_col(h, "Total|Subtotal|Financial Status|Paid at") >= 0) ?
	    WA_KIND_ORDERS : WA_KIND_CUSTOMERS;
	names = l->kind == WA_KIND_ORDERS ? ordernames : custnames;
	for (c = 0; c < WA_NCOL; c++) {
		l->col[c] = names[c] ? wa_csv_col(h, names[c]) : -1;
		if (l->col[c] >= 0)
			l->mapped[l->col[c]] = 1;
	}
	/* Line-item columns describe one item, not the order: no order extra. */
	for (c = 0; l->kind == WA_KIND_ORDERS && (size_t)c < h->n; c++)
		if (strncasecmp(h->name[c], "Lineitem ", 9) == 0)
			l->mapped[c] = 1;
	itemcols(l, h);
	secrets(l, h);
	l->source = iswoo(h) ? "woocommerce" : isshopify(h) ? "shopify" : "csv";
	/* AlgolPlus's "Name" is the product's when the order's number has a column of its own. */
	if (l->kind == WA_KIND_ORDERS && l->col[WA_O_ITEM_NAME] < 0 &&
	    (c = wa_csv_col(h, "Name")) >= 0 && c != l->col[WA_O_NAME]) {
		l->col[WA_O_ITEM_NAME] = c;
		l->mapped[c] = 1;
	}
	/* A WordPress user may have no name but the one on the billing address. */
	l->billfirst = wa_csv_col(h, "billing_first_name|First Name (Billing)");
	l->billlast = wa_csv_col(h, "billing_last_name|Last Name (Billing)");
	l->linetotal = l->col[WA_O_ITEM_PRICE] >= 0 &&
	    strcmp(h->name[l->col[WA_O_ITEM_PRICE]], "item_total") == 0;
	if (l->col[WA_C_OPTIN_WA] >= 0)
		l->optin_source = "accepts_whatsapp_marketing";
	else if (l->col[WA_C_OPTIN_SMS] >= 0)
		l->optin_source = "accepts_sms_marketing";
	else if (l->col[WA_C_OPTIN_ANY] >= 0)
		l->optin_source = "accepts_marketing";
	if (l->kind == WA_KIND_CUSTOMERS && l->col[WA_C_EMAIL] < 0 &&
	    l->col[WA_C_PHONE] < 0 && l->col[WA_C_PHONE2] < 0 &&
	    l->col[WA_C_ID] < 0)
		l->kind = WA_KIND_UNKNOWN;
}

void
wa_layout_looked(int kind, char *buf, size_t size)
{
	char names[512];
	size_t i, n = 0;

	if (kind == WA_KIND_ORDERS)
		snprintf(names, sizeof names, "%s", ORDERCOLS "|Name with Total|"
		    "Name with Financial Status");
	else
		snprintf(names, sizeof names, "%s|%s|%s|%s", custnames[WA_C_ID],
		    custnames[WA_C_EMAIL], custnames[WA_C_PHONE],
		    custnames[WA_C_PHONE2]);
	for (i = 0; names[i] && n + 3 < size; i++)
		if (names[i] == '|') {
			buf[n++] = ',';
			buf[n++] = ' ';
		} else
			buf[n++] = names[i];
	buf[n] = '\0';
}

void
wa_layout_free(struct wa_layout *l)
{
	free(l->mapped);
	free(l->itemcols);
	l->mapped = NULL;
	l->itemcols = NULL;
}

const char *
wa_layout_get(const struct wa_layout *l, struct wa_rec *r, enum wa_col c)
{
	return wa_csv_get(r, l->col[c]);
}

int
wa_yesno(const char *s)
{
	static const char *yes[] = { "yes", "y", "true", "1", "on", "subscribed" };
	static const char *no[] = { "", "no", "n", "false", "0", "off",
	    "not_subscribed", "unsubscribed" };
	size_t i;

	for (i = 0; i < sizeof yes / sizeof *yes; i++)
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
	for (i = 0; i < sizeof no / sizeof *no; i++)
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	return -1;
}

const char *
wa_layout_yesno(const char *col, const char *v)
{
	/* Shopify's own yes/no columns, which a spreadsheet re-saves as TRUE/FALSE. */
	static const char cols[] = "Tax Exempt|Accepts Marketing|"
	    "Accepts Email Marketing|Accepts SMS Marketing|"
	    "Lineitem requires shipping|Lineitem taxable";
	const char *p = strstr(cols, col);
	size_t n = strlen(col);

	if (p == NULL || (p > cols && p[-1] != '|') || (p[n] != '|' && p[n] != '\0'))
		return v;
	if (strcasecmp(v, "true") == 0)
		return "yes";
	if (strcasecmp(v, "false") == 0)
		return "no";
	return v;
}

int
wa_mangled(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	if (!isdigit((unsigned char)*s++))
		return 0;
	if (*s == '.') {
		if (!isdigit((unsigned char)*++s))
			return 0;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s != 'E' && *s != 'e')
		return 0;
	if (*++s == '+')
		s++;
	if (!isdigit((unsigned char)*s))
		return 0;
	while (isdigit((unsigned char)*s))
		s++;
	return *s == '\0';
}
