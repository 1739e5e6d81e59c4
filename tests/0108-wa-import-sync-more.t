#!/bin/sh
# wa-import --shopify against tests/mock-shopify.c, beyond tests/0105: an
# order's line items past its page's 10, read in queries that fit a small
# bucket; a sync's warnings grouped by kind and logged as a file's are.
# Fixtures: fixtures/import/sync/.
. "$(dirname "$0")/lib.sh"

FIX=$TOP/tests/fixtures/import/sync
# Made up for the test; never a real secret.
TOKEN=shpat_test_0108_$$
SHOPIFY_TOKEN=$TOKEN
export SHOPIFY_TOKEN
unset SHOPIFY_TOKEN_FILE WA_SHOPIFY_URL
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

# --- 61 line items: 10 with the page, then the order's own connection ---
start_shop small -b 60 -r 1000 -c "$FIX/customers-bad-phones.jsonl" -O "$FIX/orders-many-items.jsonl"
shop_import "$TMP/h1" -t orders >"$TMP/o1" 2>"$TMP/e1"
check_same "many items: exit 0" 0 $?
check_same "every item of the order of 61, in order; 3 of the other" \
	'shopify:9900 61 Bead 0 Bead 60|shopify:9901 3 Bead 0 Bead 2' \
	"$(jq -r '"\(.id) \(.items | length) \(.items[0].name) \(.items[-1].name)"' "$TMP/o1" | tr '\n' '|' | sed 's/|$//')"
check_same "the rest read in pages within half the bucket" 'li:10 li:38' \
	"$(jq -r 'select(.op == "order") | .after' "$TMP/small.log" | tr '\n' ' ' | sed 's/ $//')"
check_same "not one request throttled" 0 \
	"$(jq -s '[.[] | select(.throttled == true)] | length' "$TMP/small.log")"
check_same "the order's buyer phone that is no number: said at the order" 1 \
	"$(grep -c "^wa-import: shopify:9901: phone '99' kept as phone_raw" "$TMP/e1")"

# --- warnings of a sync: summed up by kind, --warnings as for files ---
shop_import "$TMP/h2" --warnings "$TMP/w.jsonl" >"$TMP/c1" 2>"$TMP/ce1"
check_same "customers: exit 0" 0 $?
check_same "four phones that are no number (three customers', an order's buyer's): one line" \
	"wa-import: 4 phones kept as phone_raw (not a phone number), e.g. shopify:8100 '12', shopify:8101 '555', shopify:8102 '0000'" \
	"$(cat "$TMP/ce1")"
check_same "--warnings: the record, its kind and value" \
	'shopify:8100 phone_raw 12|shopify:8101 phone_raw 555|shopify:8102 phone_raw 0000|shopify:9901 phone_raw 99' \
	"$(jq -r '"\(.file) \(.kind) \(.value)"' "$TMP/w.jsonl" | tr '\n' '|' | sed 's/|$//')"
shop_import "$TMP/h3" -v >/dev/null 2>"$TMP/ce2"
check_same "-v: each said as it comes, then the sum" 5 \
	"$(grep -c "phone_raw" "$TMP/ce2")"
stop_shop
done_testing
