#!/bin/sh
# wa-import on WooCommerce: the REST API's JSON (GET /wp-json/wc/v3/orders and
# /customers, an array or JSON lines), the default CSV layouts of the three
# order-export plugins, and the source each record says it came from.
. "$(dirname "$0")/lib.sh"

I=$FIX/import
NOW=2026-11-01T00:00:00Z

# --- The REST API's JSON
o=$I/woocommerce-rest-orders.json
c=$I/woocommerce-rest-customers.jsonl
wa-import -t orders --now $NOW "$o" >"$TMP/o.jsonl" 2>"$TMP/err"
check_same "REST orders, an array as the API sends it: every order, exit 0, no warning" \
	'3 0 ' "$(lines "$TMP/o.jsonl") $? $(cat "$TMP/err")"
check_same "REST orders: id, number, buyer, phone in the billing country, totals" \
	'woocommerce:727 727 woocommerce:26 bia@example.com +5511955550101 120 15.5 BRL|woocommerce:728 728 email:luis.gomez@example.mx luis.gomez@example.mx +525555550102 300 null MXN|woocommerce:731 731 woocommerce:26 bia@example.com +5511955550101 40 null BRL' \
	"$(jq -r '"\(.id) \(.name) \(.customer) \(.email) \(.phone) \(.total) \(.refunded) \(.currency)"' "$TMP/o.jsonl" | paste -sd'|' -)"
check_same "REST orders: UTC dates from the _gmt fields, status, coupons, unit prices" \
	'{"created_at":"2026-10-01T10:00:00Z","paid_at":"2026-10-01T10:05:00Z","fulfilled_at":"2026-10-02T10:00:00Z","financial_status":"completed","discount_code":"bemvindo","items":[["Caneca","SKU1",2,40],["Camiseta",null,1,30]],"source":"woocommerce"}' \
	"$(head -1 "$TMP/o.jsonl" | jq -c '{created_at,paid_at,fulfilled_at,financial_status,discount_code,items:[.items[]|[.name,.sku,.qty,.price]],source:(.id|split(":")[0])}')"

jq -c '.[]' "$o" >"$TMP/o-lines.jsonl"
check_same "REST orders as JSON lines give the same records" \
	"3 $(cat "$TMP/o.jsonl")" "$(wa-import -t orders --now $NOW "$TMP/o-lines.jsonl" >"$TMP/ol"; lines "$TMP/ol") $(cat "$TMP/ol")"
check_same "REST orders with -i json, from stdin" \
	"3 $(cat "$TMP/o.jsonl")" "$(wa-import -i json -t orders --now $NOW <"$o" >"$TMP/ol"; lines "$TMP/ol") $(cat "$TMP/ol")"
# two pages saved one after the other, as `curl ...?page=1; curl ...?page=2` writes them
{ jq '.[0:2]' "$o"; jq -c '.[2:]' "$o"; } >"$TMP/pages.json"
check_same "two REST pages in one file: every order of both" \
	'woocommerce:727 woocommerce:728 woocommerce:731' \
	"$(wa-import -t orders --now $NOW "$TMP/pages.json" | jq -r .id | paste -sd' ' -)"

wa-import --now $NOW "$c" "$o" >"$TMP/c.jsonl" 2>"$TMP/err"
check_same "REST customers and orders into customers: every one, the guest by e-mail" \
	'woocommerce:25 0|woocommerce:26 1|woocommerce:27 0|woocommerce:28 0|email:luis.gomez@example.mx 1' \
	"$(jq -r '"\(.id) \(.orders)"' "$TMP/c.jsonl" | paste -sd'|' -)"
check_same "REST customers: names, the billing phone, zone, sign-up in UTC, source" \
	'{"first_name":"Bia","last_name":"Santos","phone":"+5511955550101","tz":"America/Sao_Paulo","created_at":"2025-02-01T08:30:00Z","spent":104.5,"currency":"BRL","source":"woocommerce"}' \
	"$(jq -c 'select(.id == "woocommerce:26") | {first_name,last_name,phone,tz,created_at,spent,currency,source}' "$TMP/c.jsonl")"
check_same "REST customers: a phone that is no number is kept raw, warned once" \
	"null 555-01|wa-import: $c:4: phone '555-01' kept as phone_raw: phone number does not fit the country's numbering plan" \
	"$(jq -r 'select(.id == "woocommerce:28") | "\(.phone) \(.phone_raw)"' "$TMP/c.jsonl")|$(cat "$TMP/err")"

printf '{"id":"shopify:1","email":"a@example.com"}\n{"id":5}\n' >"$TMP/notwoo.jsonl"
wa-import "$TMP/notwoo.jsonl" >"$TMP/out" 2>"$TMP/err"
check_same "JSON that is no REST object is rejected, with advice" \
	"1 0 2" "$? $(lines "$TMP/out") $(grep -c "its own records go to --merge" "$TMP/err")"
printf '[{"id":1,"status":"completed","total":"5.00","line_items":[],"billing":{"email":"x@example.com"}},\n{"id":2,' >"$TMP/cut.json"
wa-import -t orders "$TMP/cut.json" >"$TMP/out" 2>"$TMP/err"
check_same "an array cut short: the orders before it, the rest rejected at its line" \
	"1 woocommerce:1 wa-import: $TMP/cut.json:2: JSON array cut short, or an item is not a value" \
	"$? $(jq -r .id "$TMP/out") $(cat "$TMP/err")"

# --- The plugins' default CSV layouts, with their real header names
# orders FILE: "id customer phone total refunded items" of every order, one a line joined by '|'
orders() {
	wa-import -t orders --now $NOW "$1" 2>"$TMP/err" |
		jq -r '"\(.id) \(.customer) \(.phone) \(.total) \(.refunded) \([.items[]|"\(.name)x\(.qty)@\(.price)"]|join(","))"' |
		paste -sd'|' -
}
# every FILE KIND: exit status, and the -v count of rows in, out, merged, rejected
every() {
	wa-import -v -t "$2" --now $NOW "$1" >/dev/null 2>"$TMP/err"
	echo "$? $(sed -n 's/^wa-import: \([0-9]*\) rows: \([0-9]*\) records out, \([0-9]*\) merged, \([0-9]*\) rejected$/\1 \2 \3 \4/p' "$TMP/err")"
}

f=$I/woocommerce-orders-webtoffee-default.csv
check_same "WebToffee default columns: every order, its items from line_item_N (PHP tax_data inside)" \
	'woocommerce:1201 woocommerce:78 +4915155501234 49.9 null T-Shirt, Biox2@15,Capx1@15|woocommerce:1202 woocommerce:78 +4915155501234 15 null Capx1@15|woocommerce:1203 email:alfie@example.co.uk +447700900913 20 5 Mugx1@20' \
	"$(orders "$f")"
check_same "WebToffee: every row in, none rejected" '0 3 3 0 0' "$(every "$f" orders)"
check_same "WebToffee into customers: the store's id, a guest by e-mail, the cancelled order left out" \
	'woocommerce:78 1 49.9 EUR|email:alfie@example.co.uk 1 15 GBP' \
	"$(wa-import --now $NOW "$f" | jq -r '"\(.id) \(.orders) \(.spent) \(.currency)"' | paste -sd'|' -)"

f=$I/woocommerce-orders-algolplus-default.csv
check_same "AlgolPlus default fields (CRLF, a row per product): every order, phones in the billing country" \
	'woocommerce:6101 email:bia@example.com +5511955550101 120 null Canecax2@40,Camisetax1@40|woocommerce:6102 email:luis.gomez@example.mx +525555550102 300 null Tazax3@100|woocommerce:6103 email:bia@example.com +5511955550101 40 40 Canecax1@40|woocommerce:6104 phone:+5511955550104 +5511955550104 25 null Chaveirox1@25' \
	"$(orders "$f")"
check_same "AlgolPlus: every row in (product rows merged into their order), none rejected" \
	'0 5 4 1 0' "$(every "$f" orders)"
check_same "AlgolPlus: its coupon, status and date" \
	'BEMVINDO Completed 2026-10-01T10:00:00Z' \
	"$(wa-import -t orders "$f" | head -1 | jq -r '"\(.discount_code) \(.financial_status) \(.created_at)"')"

f=$I/woo/woocommerce-orders-algolplus-semicolon.csv
check_same "AlgolPlus with semicolons and a BOM (a European store): every order" \
	'woocommerce:7201 email:giulia.rossi@example.it +393475550101 59.9 null Pizza-Steinx1@49.9,Palax1@10|woocommerce:7202 email:joerg@example.de +4915155501235 19 null Palax1@19' \
	"$(orders "$f")"
check_same "AlgolPlus with semicolons: every row in, none rejected" '0 3 2 1 0' "$(every "$f" orders)"

f=$I/woocommerce-orders-algolplus-legacy.csv
check_same "AlgolPlus's older labels: 'Name' is the product, not the order; the user id is the customer" \
	'woocommerce:5001 woocommerce:12 +15125550101 35 null Hatx1@15,Scarfx2@10|woocommerce:5002 email:bo@example.com +12065550102 15 null Hatx1@15' \
	"$(orders "$f")"

f=$I/woocommerce-orders-skyverge-default.csv
check_same "SkyVerge default orders: items packed in line_items, split on ';', refunds" \
	'woocommerce:3001 woocommerce:41 +61412555301 65 null Tea Potx1@40,Tea, Greenx2@10|woocommerce:3002 email:jack@example.com.au +61412555302 20 20 Tea, Greenx2@10' \
	"$(orders "$f")"
check_same "SkyVerge with line_items as JSON: the same orders" \
	"$(orders "$f")" "$(orders "$I/woocommerce-orders-skyverge-json-items.csv")"
check_same "SkyVerge one row per item: item_total is the line's total" \
	'woocommerce:3001 woocommerce:41 +61412555301 65 null Tea Potx1@40,Tea, Greenx2@10' \
	"$(orders "$I/woocommerce-orders-skyverge-one-row-per-item.csv")"

f=$I/woocommerce-customers-skyverge-default.csv
check_same "SkyVerge default customers: every one; a user with no name takes the billing name" \
	'woocommerce:41 Mia Wong +61412555301 AU 2025-07-01T08:00:00Z|woocommerce:42 Sam Tane +64215550302 NZ 2025-07-02T08:00:00Z|woocommerce:43 Lee Park null null 2025-07-03T08:00:00Z' \
	"$(wa-import "$f" | jq -r '"\(.id) \(.first_name) \(.last_name) \(.phone) \(.country) \(.created_at)"' | paste -sd'|' -)"
check_same "SkyVerge default customers: every row in, none rejected" '0 3 3 0 0' "$(every "$f" customers)"
check_same "SkyVerge legacy customers (ID, Phone, Country)" \
	'woocommerce:51 +79125550101|woocommerce:52 +2348035550102' \
	"$(wa-import "$I/woocommerce-customers-skyverge-legacy.csv" | jq -r '"\(.id) \(.phone)"' | paste -sd'|' -)"

f=$I/woocommerce-customers-webtoffee.csv
wa-import --now $NOW "$f" >"$TMP/wt.jsonl" 2>"$TMP/err"
check_same "WebToffee user export: user_email, user_registered, total_spent" \
	'woocommerce:78 greta@example.com 2025-05-01T12:00:00Z 49.9 +4915155501234|woocommerce:79 pieter@example.nl 2025-06-01T12:00:00Z 0 +31612345678' \
	"$(jq -r '"\(.id) \(.email) \(.created_at) \(.spent) \(.phone)"' "$TMP/wt.jsonl" | paste -sd'|' -)"
check_same "WebToffee user export: the password hash and session tokens are not copied" \
	'0' "$(grep -c 'HASH\|user_pass\|session_tokens\|expiration' "$TMP/wt.jsonl")"

# --- source: which store the file came from
src() { wa-import "$@" 2>/dev/null | jq -r .source | sort -u | paste -sd' ' -; }
check_same "source: woocommerce for each plugin's layout, semicolons included" \
	'woocommerce woocommerce woocommerce woocommerce woocommerce woocommerce woocommerce' \
	"$(for f in orders-webtoffee-default orders-algolplus-default woo/woocommerce-orders-algolplus-semicolon \
		orders-algolplus-legacy orders-skyverge-default orders-skyverge-one-row-per-item customers-webtoffee; do
		case $f in woo/*) src "$I/$f.csv" ;; *) src "$I/woocommerce-$f.csv" ;; esac
	done | paste -sd' ' -)"
check_same "source: shopify for Shopify's exports" \
	'shopify shopify' "$(src "$I/shopify-customers-2024-default-address.csv") $(src -t customers "$I/shopify-orders-2025-multiline.csv")"
check_same "source: csv for a file of neither store (semicolons), read by its column names" \
	'csv email:marta@example.pl +48512555101|email:jan@example.pl +48600555102' \
	"$(src "$I/woo/generic-contacts-semicolon.csv") $(wa-import "$I/woo/generic-contacts-semicolon.csv" | jq -r '"\(.id) \(.phone)"' | paste -sd'|' -)"
printf 'Email Address;Mobile;Country Code\nx@example.de;0151 55501239;DE\n' >"$TMP/de.csv"
check_same "source: csv for a list made by hand" 'csv +4915155501239' \
	"$(wa-import "$TMP/de.csv" | jq -r '"\(.source) \(.phone)"')"

done_testing
