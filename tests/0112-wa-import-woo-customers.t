#!/bin/sh
# wa-import --woocommerce re-reads the customers that changed since the
# last run, not only the new ones: WooCommerce's /customers has no
# modified_after (woocommerce#41371), so every page is read, oldest id
# first, and only those whose date_modified_gmt is past the store's clock
# at the last run are kept (tests/mock-woo.py).
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || { echo "1..0 # SKIP no python3"; exit 0; }

D=$TMP/store
mkdir -p "$D" "$WA_HOME"
chmod 700 "$WA_HOME"
# Made up for the test; never real keys.
KEY=ck_0112_0123456789abcdef0123456789abcdef0123
SECRET=cs_0112_fedcba9876543210fedcba9876543210fedc
WC_CONSUMER_KEY=$KEY WC_CONSUMER_SECRET=$SECRET
export WC_CONSUMER_KEY WC_CONSUMER_SECRET
NOW=2026-11-01T00:00:00Z
trap 'for p in ${PIDS:-}; do kill $p 2>/dev/null; done; rm -rf "$TMP"' EXIT

# 7 customers, ids 1 to 7, changed in January 2025; one order, by customer 1
jq -n '[range(1; 8) | {id: ., email: "c\(.)@example.com", first_name: "C\(.)",
	last_name: "Test", role: "customer",
	date_created_gmt: "2025-01-0\(.)T10:00:00", date_modified_gmt: "2025-01-0\(.)T10:00:00",
	billing: {country: "GB", phone: "07700 900\(100 + .)", email: "c\(.)@example.com"}}]' \
	>"$D/customers.json"
jq -n '[{id: 101, number: "101", status: "completed", currency: "GBP", total: "10.00",
	customer_id: 1, date_created_gmt: "2026-10-01T09:00:00", date_modified_gmt: "2026-10-01T10:00:00",
	billing: {email: "c1@example.com", country: "GB", phone: "07700 900101"},
	line_items: [{name: "Mug", quantity: 1, total: "10.00"}], refunds: []}]' >"$D/orders.json"
edit() { jq "$2" "$D/$1.json" >"$D/$1.new" && mv "$D/$1.new" "$D/$1.json"; }
LOG=$TMP/m.log
: >"$LOG"
_serve m out '' python3 "$TOP/tests/mock-woo.py" --data "$D" --log "$LOG" \
	--key "$KEY" --secret "$SECRET" --max-per-page 3 ||
	{ echo "Bail out! mock-woo.py did not start"; exit 1; }
URL=http://127.0.0.1:$_port
reqs() { sed 's/ auth=ok//' "$LOG" | paste -sd'|' -; }
imp() { wa-import --woocommerce "$URL" --now $NOW "$@"; }

plan 9

imp >"$TMP/c1" 2>"$TMP/e1"
check_same "first run: every customer" "0 7" "$? $(lines "$TMP/c1")"

# customer 3 changes her phone, customer 6 his e-mail; 5 is changed in the past
m=$(date -u +%Y-%m-%dT%H:%M:%S)
edit customers '(.[] | select(.id == 3)) |= (.billing.phone = "07700 900999" | .date_modified_gmt = "'$m'")
	| (.[] | select(.id == 6)) |= (.email = "six@example.com" | .billing.email = "six@example.com" | .date_modified_gmt = "'$m'")
	| (.[] | select(.id == 5)) |= (.first_name = "Old")'
sleep 2	# a change in the second a run begins is read again by the next
: >"$LOG"
imp >"$TMP/c2" 2>"$TMP/e2"
check_same "an incremental run: exactly the two changed customers, as they are now" \
	'0 woocommerce:3 +447700900999 c3@example.com|woocommerce:6 +447700900106 six@example.com' \
	"$? $(jq -r '"\(.id) \(.phone) \(.email)"' "$TMP/c2" | sort | paste -sd'|' -)"
check_same "...reading every customer page, oldest id first, no filter the API lacks" \
	'customers page=1 modified_after=- 200|customers page=2 modified_after=- 200|customers page=3 modified_after=- 200|orders page=1' \
	"$(reqs | sed 's/|orders page=1 .*/|orders page=1/')"
check_same "...and nothing said" "" "$(cat "$TMP/e2")"

imp --merge "$TMP/c1" >"$TMP/c3" 2>"$TMP/e3"
check_same "--merge with nothing changed since: nothing out" "0 0" "$? $(lines "$TMP/c3")"

m=$(date -u +%Y-%m-%dT%H:%M:%S)
edit customers '(.[] | select(.id == 3)) |= (.billing.phone = "07700 900888" | .date_modified_gmt = "'$m'")'
sleep 2
imp --merge "$TMP/c1" >"$TMP/c4" 2>"$TMP/e4"
check_same "--merge: the whole file, the changed customer as she is now" \
	'7 +447700900888' "$(lines "$TMP/c4") $(jq -r 'select(.id == "woocommerce:3") | .phone' "$TMP/c4")"
check_same "...her order still counted" 1 \
	"$(jq -r 'select(.id == "woocommerce:1") | .orders' "$TMP/c4")"

imp --since 2025-01-05 >"$TMP/c5" 2>"$TMP/e5"
check_same "--since: the customers changed after it, and the buyer of an order changed after it" \
	'woocommerce:1 woocommerce:3 woocommerce:5 woocommerce:6 woocommerce:7' \
	"$(jq -r .id "$TMP/c5" | sort | paste -sd' ' -)"
: >"$LOG"
imp -t orders >"$TMP/o6" 2>"$TMP/e6"
check_same "-t orders reads no customer page" 0 "$(grep -c '^customers' "$LOG")"
done_testing
