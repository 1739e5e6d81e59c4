#!/bin/sh
# wa-import --shopify -t orders against tests/mock-shopify.c: after its
# first page a sync asks each order only as many line items as the most an
# order had so far (10 at most), so that the pages, bounded by a query's
# cost, hold more orders; an order of more items later is read whole and
# raises the number again, with a page made smaller in advance so that no
# query goes over the bucket or the cost limit; a sync into a pipe, which
# cannot be made durable, as into a file. 600 orders of 1 or 2 items
# and one of 14, made from fixtures/import/sync/orders-many-items.jsonl.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never a real secret.
SHOPIFY_TOKEN=shpat_test_0114_$$
export SHOPIFY_TOKEN
unset SHOPIFY_TOKEN_FILE WA_SHOPIFY_URL
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

# Order 20000+I, updated I seconds after 10:00, of 1 or 2 items; 20300 has 14,
# on the third page.
jq -c 'select(.id == "gid://shopify/Order/9900")' \
	"$FIX/import/sync/orders-many-items.jsonl" >"$TMP/one"
jq -c --slurpfile o "$TMP/one" -n 'range(1; 601) as $i | $o[0] |
	.id = "gid://shopify/Order/\(20000 + $i)" | .name = "#\(20000 + $i)" |
	.updatedAt = "2024-05-01T\(10 + ($i / 3600 | floor)):\($i / 60 % 60 | tostring |
	    if length < 2 then "0" + . else . end):\($i % 60 | tostring |
	    if length < 2 then "0" + . else . end)Z" |
	.lineItems = .lineItems[: (if $i == 300 then 14 else 1 + $i % 2 end)]' >"$TMP/orders.jsonl"

# asked LOG: the line items each page asked of an order, from the mock's
# cost of a page (2 + first x (2 + items)), and its first, one page a line
asked() {
	jq -r 'select(.op == "orders" and .error == null) |
		"\((.cost - 2) / .first - 2) \(.first)"' "$1"
}

plan 9

start_shop big -O "$TMP/orders.jsonl" -b 1000000 -r 1000000
shop_import "$TMP/h1" -t orders >"$TMP/o1" 2>"$TMP/e1"
check_same "exit 0, nothing said" "0 0" "$? $(lines "$TMP/e1")"
check_same "every order once" "600 600" \
	"$(lines "$TMP/o1") $(jq -r .id "$TMP/o1" | sort -u | wc -l | tr -d ' ')"
check_same "the order of 14 items read whole, in order" "14 Bead 0 Bead 13" \
	"$(jq -r 'select(.id == "shopify:20300") | "\(.items | length) \(.items[0].name) \(.items[-1].name)"' "$TMP/o1")"
check_same "every other order with its 1 or 2 items" 0 \
	"$(jq -r 'select(.id != "shopify:20300") | select((.items | length) !=
	    1 + ((.id | ltrimstr("shopify:") | tonumber) - 20000) % 2) | .id' "$TMP/o1" | wc -l | tr -d ' ')"
# 10 items asked at first; 2 once pages showed no more; 10 after the 14.
check_same "items asked: 10, then the most seen (2), then 10 again" "10 2 10" \
	"$(asked "$TMP/big.log" | cut -d' ' -f1 | uniq | tr '\n' ' ' | sed 's/ $//')"
check_same "pages of 2 items hold 249 orders, of 10 only 83" "10 83 2 249" \
	"$(asked "$TMP/big.log" | sed -n 5p) $(asked "$TMP/big.log" | sed -n 3p)"
# The records are made durable before the cursor moves; a pipe cannot be (EINVAL).
{ shop_import "$TMP/h3" -t orders 2>"$TMP/e3"; echo $? >"$TMP/rc3"; } | cat >"$TMP/o3"
check_same "to a pipe: exit 0, every order, the cursor moved" "0 600 2024-05-01T10:10:00Z" \
	"$(cat "$TMP/rc3") $(lines "$TMP/o3") $(jq -r .orders.since "$TMP/h3/shopify-teststore.myshopify.com.cursor")"
stop_shop

# A small bucket: the page after the order of 14 is made smaller first.
start_shop small -O "$TMP/orders.jsonl" -b 120 -r 2000
shop_import "$TMP/h2" -t orders >"$TMP/o2" 2>"$TMP/e2"
check_same "a small bucket: exit 0, every order" "0 600" "$? $(jq -r .id "$TMP/o2" | sort -u | wc -l | tr -d ' ')"
check_same "a small bucket: no query throttled, none over the cost limit once one fit" "0 0" \
	"$(jq -s '[.[] | select(.throttled == true)] | length' "$TMP/small.log") $(jq -s \
	    'until(.[0].error == null; .[1:]) | [.[] | select(.error != null)] | length' "$TMP/small.log")"
stop_shop
done_testing
