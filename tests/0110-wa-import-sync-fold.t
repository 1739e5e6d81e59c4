#!/bin/sh
# wa-import --shopify without -t orders against tests/mock-shopify.c: the
# customers, with the store's orders folded in, are the records the CSV
# path makes of the same store's two exports (orders, spend, last order,
# last items); the orders' cursor is the customers run's own; an
# incremental run with --merge folds the new orders as the CSV path does.
. "$(dirname "$0")/lib.sh"

FIX=$TOP/tests/fixtures/import/shopify
# Made up for the test; never a real secret.
SHOPIFY_TOKEN=shpat_test_0110_$$
export SHOPIFY_TOKEN
unset SHOPIFY_TOKEN_FILE WA_SHOPIFY_URL
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
NOW=2024-06-01T00:00:00Z

# The store's nodes as its two CSV exports, the same data.
num() { jq -r "$1"' | sub("gid://shopify/[A-Za-z]*/"; "")'; }
csvtime='if . then sub("T"; " ") | sub("Z$"; " +0000") else "" end'
jq -r '[.id, .firstName, .lastName, .email, .phone,
	(if .smsMarketingConsent.marketingState == "SUBSCRIBED" then "yes" else "no" end),
	.amountSpent.amount, .numberOfOrders, .defaultAddress.city,
	.defaultAddress.province, .defaultAddress.countryCodeV2, .note,
	(.tags | join(", "))] | .[0] |= sub("gid://shopify/Customer/"; "") | @csv' \
	"$FIX/customers.jsonl" >"$TMP/c.body"
{
	echo 'Customer ID,First Name,Last Name,Email,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Default Address City,Default Address Province Code,Default Address Country Code,Note,Tags'
	cat "$TMP/c.body"
} >"$TMP/customers_export.csv"
jq -r "def t: $csvtime;"'
	. as $o | (.lineItems | if length > 0 then to_entries[] else {key: 0, value: {}} end) as $li |
	if $li.key == 0 then
	[$o.name, ($o.customer.email // $o.email), ($o.customer.phone // $o.phone),
	 ($o.displayFinancialStatus | ascii_downcase),
	 ($o.displayFulfillmentStatus | ascii_downcase),
	 ($o.fulfillments[0].createdAt | t), $o.currencyCode,
	 $o.totalPriceSet.shopMoney.amount, ($o.discountCodes | join(",")),
	 ($o.createdAt | t), ($o.cancelledAt | t),
	 $o.totalRefundedSet.shopMoney.amount,
	 $li.value.quantity, $li.value.name,
	 $li.value.originalUnitPriceSet.shopMoney.amount, $li.value.sku,
	 $o.billingAddress.city, $o.billingAddress.province,
	 $o.billingAddress.countryCodeV2, ($o.id | sub("gid://shopify/Order/"; "")),
	 ($o.tags | join(", ")), $li.value.vendor, $o.billingAddress.phone]
	else
	[$o.name, ($o.customer.email // $o.email), "", "", "", "", "", "", "", "", "", "",
	 $li.value.quantity, $li.value.name,
	 $li.value.originalUnitPriceSet.shopMoney.amount, $li.value.sku,
	 "", "", "", "", "", $li.value.vendor, ""]
	end | @csv' "$FIX/orders.jsonl" >"$TMP/o.body"
{
	echo 'Name,Email,Phone,Financial Status,Fulfillment Status,Fulfilled at,Currency,Total,Discount Code,Created at,Cancelled at,Refunded Amount,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Billing City,Billing Province,Billing Country,Id,Tags,Vendor,Billing Phone'
	cat "$TMP/o.body"
} >"$TMP/orders_export.csv"

# what the orders make of a customer, by id
FOLD='.id, .email, .phone, .orders, .spent, .currency, .first_order_at,
	.last_order_at, .last_fulfilled_at, .orders_365d, .spent_365d, .last_items'
folded() { jq -c "[$FOLD]" "$1" | sort; }

plan 9

wa-import --now "$NOW" "$TMP/customers_export.csv" "$TMP/orders_export.csv" \
	>"$TMP/csv.jsonl" 2>"$TMP/csv.err"
check_same "the CSV path: exit 0" 0 $?
start_shop full -c "$FIX/customers.jsonl" -O "$FIX/orders.jsonl"
shop_import "$TMP/h1" --now "$NOW" >"$TMP/sync.jsonl" 2>"$TMP/sync.err"
check_same "the sync: exit 0" 0 $?
check_same "the same customers, by id" "$(jq -r .id "$TMP/csv.jsonl" | sort)" \
	"$(jq -r .id "$TMP/sync.jsonl" | sort)"
check_same "each with the same orders, spend, first and last order, last items" \
	"$(folded "$TMP/csv.jsonl")" "$(folded "$TMP/sync.jsonl")"
check_same "a customer's count, last order and its items, from the orders" \
	"$(jq -s -r '[.[] | select(.customer.id == "gid://shopify/Customer/7002")] | max_by(.createdAt) as $l | "\(length) \($l.createdAt) \([$l.lineItems[].name] | tojson)"' "$FIX/orders.jsonl")" \
	"$(jq -c -r 'select(.id == "shopify:7002") | "\(.orders) \(.last_order_at) \(.last_items)"' "$TMP/sync.jsonl")"
check_same "the orders read for customers move a cursor of their own" \
	'null 2024-04-28T12:27:00Z' \
	"$(jq -r '"\(.orders.since) \(.orders_folded.since)"' "$TMP/h1/shopify-teststore.myshopify.com.cursor")"
shop_import "$TMP/h1" --now "$NOW" >"$TMP/sync2.jsonl" 2>&1
check_same "nothing new: nothing out" 0 "$(lines "$TMP/sync2.jsonl")"
stop_shop

# --- A day later: the new orders fold into the earlier records ---
start_shop later -c "$FIX/customers-later.jsonl" -O "$FIX/orders-later.jsonl"
shop_import "$TMP/h1" --now "$NOW" --merge "$TMP/sync.jsonl" >"$TMP/sync3.jsonl" 2>"$TMP/sync3.err"
check_same "--merge: exit 0" 0 $?
check_same "an order new since: the customer's last order now" \
	"$(jq -r 'select(.id == "gid://shopify/Order/9031") | .createdAt' "$FIX/orders-later.jsonl")" \
	"$(jq -r --arg c "$(jq -r 'select(.id == "gid://shopify/Order/9031") | .customer.id | sub("gid://shopify/Customer/"; "shopify:")' "$FIX/orders-later.jsonl")" \
	'select(.id == $c) | .last_order_at' "$TMP/sync3.jsonl")"
stop_shop
done_testing
