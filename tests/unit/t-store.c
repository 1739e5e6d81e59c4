/* Unit tests for common/store.c (export layouts, consent, spreadsheet damage) and hash.c. */
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"
#include "tap.h"

/* A header from a comma-separated list of names. */
static struct wa_csvhdr *
hdr(const char *names)
{
	static struct wa_csvhdr h;
	char *dup = wa_strdup(names), *p, *save = NULL;

	wa_csv_hdr_free(&h);
	for (p = strtok_r(dup, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		h.name = wa_realloc(h.name, (h.n + 1) * sizeof *h.name);
		h.name[h.n++] = wa_strdup(p);
	}
	free(dup);
	return &h;
}

static const char *
colname(struct wa_layout *l, struct wa_csvhdr *h, enum wa_col c)
{
	return l->col[c] < 0 ? "-" : h->name[l->col[c]];
}

int
main(void)
{
	struct wa_layout l;
	struct wa_csvhdr *h;
	struct wa_hash *m;
	char key[32];
	int i, n;

	h = hdr("First Name,Last Name,Email,Company,Address1,Address2,City,Province,"
	    "Province Code,Country,Country Code,Zip,Phone,Accepts Marketing,"
	    "Total Spent,Total Orders,Tags,Note,Tax Exempt");
	wa_layout_detect(&l, h);
	isnum(l.kind, WA_KIND_CUSTOMERS, "legacy layout: customers");
	is(l.optin_source, "accepts_marketing", "legacy consent column");
	is(colname(&l, h, WA_C_COUNTRY), "Country Code", "the code beats the name");
	is(colname(&l, h, WA_C_PROVINCE), "Province Code", "province code");
	ok(!l.mapped[3], "Company is left for extra");
	wa_layout_free(&l);

	h = hdr("Customer ID,First Name,Last Name,Email,Accepts Email Marketing,"
	    "Default Address Company,Default Address Address1,Default Address Address2,"
	    "Default Address City,Default Address Province Code,"
	    "Default Address Country Code,Default Address Zip,Default Address Phone,"
	    "Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,Tax Exempt,Tags,"
	    "Accepts WhatsApp Marketing");
	wa_layout_detect(&l, h);
	is(l.source, "shopify", "2024 layout is Shopify");
	is(l.optin_source, "accepts_whatsapp_marketing", "a WhatsApp column wins");
	is(colname(&l, h, WA_C_PHONE), "Phone", "customer phone first");
	is(colname(&l, h, WA_C_PHONE2), "Default Address Phone", "address phone second");
	is(colname(&l, h, WA_C_ID), "Customer ID", "customer id");
	wa_layout_free(&l);

	h = hdr("Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,"
	    "Accepts Marketing,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,"
	    "Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,"
	    "Billing Name,Billing Country,Billing Phone,Shipping Country,Id,Tags,Phone");
	wa_layout_detect(&l, h);
	isnum(l.kind, WA_KIND_ORDERS, "Shopify orders");
	is(colname(&l, h, WA_O_NAME), "Name", "order name");
	is(colname(&l, h, WA_C_NAME), "Billing Name", "buyer name from billing");
	is(colname(&l, h, WA_O_ID), "Id", "order id");
	ok(l.optin_source == NULL, "orders carry no WhatsApp consent");
	wa_layout_free(&l);

	h = hdr("Order Number,Order Status,Order Date,First Name (Billing),"
	    "Last Name (Billing),Email (Billing),Phone (Billing),Country Code (Billing),"
	    "Order Total Amount,SKU,Item Name,Quantity (- Refund),Item Cost,Coupon Code");
	wa_layout_detect(&l, h);
	isnum(l.kind, WA_KIND_ORDERS, "AlgolPlus orders");
	is(l.source, "woocommerce", "AlgolPlus is WooCommerce");
	is(colname(&l, h, WA_C_PHONE2), "Phone (Billing)", "billing phone");
	is(colname(&l, h, WA_O_ITEM_QTY), "Quantity (- Refund)", "quantity");
	wa_layout_free(&l);

	h = hdr("order_id,order_number,order_date,status,order_total,order_currency,"
	    "customer_id,billing_email,billing_phone,billing_country,line_item_1,line_item_2");
	wa_layout_detect(&l, h);
	isnum(l.kind, WA_KIND_ORDERS, "WebToffee orders");
	isnum(l.itemcols[0], 10, "first line_item column");
	isnum(l.itemcols[2], -1, "two line_item columns");
	wa_layout_free(&l);

	h = hdr("Name,Username,Last Active,Sign Up,Email,Orders,Total Spend,AOV,"
	    "Country / Region,City,Region,Postal Code,Billing Phone");
	wa_layout_detect(&l, h);
	isnum(l.kind, WA_KIND_CUSTOMERS, "Woo Analytics customers");
	is(l.source, "woocommerce", "Woo Analytics is WooCommerce");
	is(colname(&l, h, WA_C_SPENT), "Total Spend", "total spend");
	wa_layout_free(&l);

	h = hdr("Date,Product,Amount");
	wa_layout_detect(&l, h);
	isnum(l.kind, WA_KIND_UNKNOWN, "a file with no identity is unknown");
	wa_layout_free(&l);
	wa_csv_hdr_free(h);

	isnum(wa_yesno("yes"), 1, "yes");
	isnum(wa_yesno("TRUE"), 1, "TRUE");
	isnum(wa_yesno("no"), 0, "no");
	isnum(wa_yesno(""), 0, "empty is no");
	isnum(wa_yesno("nyes"), -1, "a typo is neither");
	ok(wa_mangled("7.02255E+12"), "Excel id");
	ok(wa_mangled("9.19961E+11"), "Excel phone");
	ok(wa_mangled("1E+12"), "Excel without decimals");
	ok(!wa_mangled("7022550000000"), "plain digits are fine");
	ok(!wa_mangled("+923001234567"), "E.164 is fine");
	ok(!wa_mangled("9.19E"), "no exponent digits");

	m = wa_hash_new();
	for (i = 0; i < 10000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		wa_hash_put(m, key, (void *)(long)(i + 1));
	}
	wa_hash_put(m, "k5", (void *)(long)-5);
	for (i = n = 0; i < 10000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		n += (long)wa_hash_get(m, key) == (i == 5 ? -5 : i + 1);
	}
	isnum(n, 10000, "10000 keys found after growing");
	isnum((long long)wa_hash_count(m), 10000, "a replaced key counts once");
	ok(wa_hash_get(m, "nope") == NULL, "a missing key is NULL");
	wa_hash_free(m);
	return done_testing();
}
