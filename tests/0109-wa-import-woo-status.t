#!/bin/sh
# wa-import (issue 16): AlgolPlus writes WooCommerce's order status as the
# shop's language labels it; the labels of seven languages read as the
# status slugs, so a cancelled or failed order counts in no customer's
# spend. WebToffee's refund_items reduce revenue, its coupon_items' codes
# are kept. Fixtures: fixtures/import/woo-more/.
. "$(dirname "$0")/lib.sh"

F=$FIX/import/woo-more/woocommerce-orders-algolplus-statuses.csv
join() { tr '\n' '|' | sed 's/|$//'; }

wa-import -t orders "$F" >"$TMP/o.jsonl" 2>"$TMP/err"
check_same "exit 0" 0 $?
check_same "every order's status as its slug" \
	'7101 completed|7102 cancelled|7103 processing|7104 refunded|7105 failed|7106 cancelled|7107 completed|7108 completed|7109 cancelled|7110 completed|7111 cancelled|7112 cancelled|7113 completed|7114 pending|7115 wc-completed' \
	"$(jq -r '"\(.name) \(.financial_status)"' "$TMP/o.jsonl" | join)"
wa-import --now 2026-12-01T00:00:00Z "$F" >"$TMP/c.jsonl" 2>"$TMP/err2"
# counted: 7101 7103 7104 7107 7108 7110 7113 7114 7115 (not cancelled or failed)
check_same "the customer's orders: cancelled and failed ones left out" '9 90' \
	"$(jq -r '"\(.orders) \(.spent)"' "$TMP/c.jsonl")"

W=$FIX/import/woo-more/woocommerce-orders-webtoffee-refunds-coupons.csv
wa-import -t orders "$W" >"$TMP/w.jsonl" 2>"$TMP/err3"
check_same "WebToffee: two refunds summed, two coupon codes kept" \
	'1301 20 7.5 welcome10, FREESHIP' \
	"$(jq -r '"\(.name) \(.total) \(.refunded) \(.discount_code)"' "$TMP/w.jsonl")"
wa-import --now 2026-12-01T00:00:00Z "$W" >"$TMP/wc.jsonl" 2>/dev/null
check_same "WebToffee: the refunds reduce the customer's spend" '12.5' \
	"$(jq -r '.spent' "$TMP/wc.jsonl")"
done_testing
