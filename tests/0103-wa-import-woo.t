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
	"$(cat "$TMP/o.jsonl")" "$(wa-import -t orders --now $NOW "$TMP/o-lines.jsonl")"
check_same "REST orders with -i json, from stdin" \
	"$(cat "$TMP/o.jsonl")" "$(wa-import -i json -t orders --now $NOW <"$o")"
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

done_testing
