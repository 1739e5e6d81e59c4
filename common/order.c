/* order.c: one order shape for wa-import's records and wa-hook's events. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wa.h"
#include "store.h"

void
wa_order_additem(struct wa_order *o, const char *name, const char *sku,
    const char *vendor, long long qty, long long price)
{
	struct wa_item *it;

	if (o->nitems == o->itemcap) {
		o->itemcap = o->itemcap ? o->itemcap * 2 : 4;
		o->items = wa_realloc(o->items, o->itemcap * sizeof *o->items);
	}
	it = &o->items[o->nitems++];
	it->name = wa_strdup(name);
	it->sku = *sku ? wa_strdup(sku) : NULL;
	it->vendor = *vendor ? wa_strdup(vendor) : NULL;
	it->qty = qty;
	it->price = price;
}

char *
wa_order_name(const char *source, const char *name)
{
	const char *d = name + (*name == '#');
	int digits = *d != '\0' && d[strspn(d, "0123456789")] == '\0';

	if (digits && strcmp(source, "shopify") == 0)
		return wa_strjoin("#", "", d);
	if (digits && strcmp(source, "woocommerce") == 0)
		return wa_strdup(d);
	return wa_strdup(name);
}

int
wa_order_seen(struct wa_fpset *seen, const char *source, const struct wa_order *o)
{
	char *byname = wa_strjoin(source, ":name:", o->name);
	unsigned long long id = wa_fp(o->id), name = wa_fp(byname);
	int dup = wa_fpset_has(seen, id) || wa_fpset_has(seen, name);

	/* fingerprints, not copies: a million orders' two keys in 16 MB */
	if (!dup) {
		wa_fpset_add(seen, id);
		wa_fpset_add(seen, name);
	}
	free(byname);
	return dup;
}

/*
 * WooCommerce's order statuses as a shop's language labels them in an
 * export (AlgolPlus writes the label, not the slug): English, German,
 * French, Spanish, Portuguese, Italian and Dutch, from WooCommerce's own
 * translations.
 */
static const struct {
	const char *slug, *labels;
} wcstatus[] = {
	{ "pending", "|pending payment|zahlung ausstehend|ausstehende zahlung|"
	    "en attente de paiement|pendiente de pago|pagamento pendente|"
	    "in attesa di pagamento|wachtend op betaling|"
	    "in afwachting van betaling|" },
	{ "processing", "|in bearbeitung|en cours|procesando|processando|"
	    "em processamento|in lavorazione|in elaborazione|in behandeling|"
	    "verwerken|" },
	{ "on-hold", "|on hold|in wartestellung|wartend|en attente|en espera|"
	    "aguardando|em espera|in sospeso|in de wacht|" },
	{ "completed", "|fertiggestellt|abgeschlossen|termin\xc3\xa9" "e|"
	    "termin\xc3\xa9|completado|completada|conclu\xc3\xad" "do|"
	    "conclu\xc3\xad" "da|completato|completata|afgerond|voltooid|" },
	{ "cancelled", "|canceled|storniert|abgebrochen|annul\xc3\xa9" "e|"
	    "annul\xc3\xa9|cancelado|cancelada|annullato|annullata|"
	    "geannuleerd|" },
	{ "refunded", "|r\xc3\xbc" "ckerstattet|erstattet|rembours\xc3\xa9" "e|"
	    "rembours\xc3\xa9|reembolsado|reembolsada|rimborsato|rimborsata|"
	    "terugbetaald|" },
	{ "failed", "|fehlgeschlagen|\xc3\xa9" "chou\xc3\xa9" "e|\xc3\xa9" "chec|"
	    "fallido|fallida|falhado|falhou|malsucedido|fallito|non riuscito|"
	    "mislukt|" },
};

const char *
wa_order_status(const char *label)
{
	char key[64];
	size_t i, n;

	if (label == NULL || (n = strlen(label)) == 0 || n > sizeof key - 3)
		return label;
	/* ASCII letters in lower case; the accented ones are written as the labels are */
	key[0] = '|';
	for (i = 0; i < n; i++)
		key[i + 1] = (char)tolower((unsigned char)label[i]);
	memcpy(key + n + 1, "|", 2);
	for (i = 0; i < sizeof wcstatus / sizeof *wcstatus; i++)
		if (strstr(wcstatus[i].labels, key) != NULL)
			return wcstatus[i].slug;
	return label;
}

int
wa_order_counts(const struct wa_order *o)
{
	static const char *none[] = { "voided", "expired", "cancelled", "failed",
	    "trash" };
	const char *s = o->financial_status;
	size_t i;

	if (o->cancelled_at)
		return 0;
	if (s && strncasecmp(s, "wc-", 3) == 0)
		s += 3;		/* WooCommerce's internal status names */
	for (i = 0; s && i < sizeof none / sizeof *none; i++)
		if (strcasecmp(s, none[i]) == 0)
			return 0;
	return 1;
}

static json_t *
items(const struct wa_order *o)
{
	json_t *a = json_array(), *it;
	size_t i;

	for (i = 0; i < o->nitems; i++) {
		it = json_object();
		wa_json_setstr(it, "name", o->items[i].name);
		wa_json_setstr(it, "sku", o->items[i].sku);
		json_object_set_new(it, "qty", json_integer(o->items[i].qty));
		wa_json_setmoney(it, "price", o->items[i].price, o->currency);
		if (o->items[i].vendor)
			wa_json_setstr(it, "vendor", o->items[i].vendor);
		json_array_append_new(a, it);
	}
	return a;
}

json_t *
wa_order_json(const struct wa_order *o)
{
	json_t *r = json_object();

	json_object_set_new(r, "type", json_string("order"));
	wa_json_setstr(r, "id", o->id);
	wa_json_setstr(r, "name", o->name);
	wa_json_setstr(r, "customer", o->customer);
	wa_json_setstr(r, "email", o->email);
	wa_json_setstr(r, "phone", o->phone);
	if (o->phone_raw)
		wa_json_setstr(r, "phone_raw", o->phone_raw);
	wa_json_settime(r, "created_at", o->created_at);
	wa_json_settime(r, "paid_at", o->paid_at);
	wa_json_settime(r, "fulfilled_at", o->fulfilled_at);
	wa_json_settime(r, "cancelled_at", o->cancelled_at);
	wa_json_setstr(r, "financial_status", o->financial_status);
	wa_json_setstr(r, "fulfillment_status", o->fulfillment_status);
	json_object_set_new(r, "total", o->has_total ?
	    wa_money_json(o->total, o->currency) : json_null());
	if (o->refunded)
		json_object_set_new(r, "refunded",
		    wa_money_json(o->refunded, o->currency));
	wa_json_setstr(r, "currency", o->currency);
	if (o->shop_currency) {
		json_object_set_new(r, "shop_total",
		    wa_money_json(o->shop_total, o->shop_currency));
		wa_json_setstr(r, "shop_currency", o->shop_currency);
	}
	wa_json_setstr(r, "discount_code", o->discount_code);
	json_object_set_new(r, "items", items(o));
	json_object_set(r, "tags", o->tags ? o->tags : json_array());
	if (o->extra && json_object_size(o->extra))
		json_object_set(r, "extra", o->extra);
	return r;
}

void
wa_order_clear(struct wa_order *o)
{
	size_t i;

	free(o->id);
	free(o->name);
	free(o->customer);
	free(o->email);
	free(o->phone);
	free(o->phone_raw);
	free(o->currency);
	free(o->shop_currency);
	free(o->discount_code);
	free(o->financial_status);
	free(o->fulfillment_status);
	for (i = 0; i < o->nitems; i++) {
		free(o->items[i].name);
		free(o->items[i].sku);
		free(o->items[i].vendor);
	}
	free(o->items);
	json_decref(o->tags);
	json_decref(o->extra);
	memset(o, 0, sizeof *o);
}

void
wa_tags_add(json_t *a, const char *cell)
{
	const char *p = cell, *e;
	size_t i, n;

	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		e = p + strcspn(p, ",");
		n = (size_t)(e - p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		for (i = 0; n > 0 && i < json_array_size(a); i++) {
			json_t *t = json_array_get(a, i);

			if (json_string_length(t) == n &&
			    memcmp(json_string_value(t), p, n) == 0)
				break;
		}
		if (n > 0 && i == json_array_size(a))
			json_array_append_new(a, json_stringn(p, n));
		p = e;
	}
}
