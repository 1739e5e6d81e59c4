#!/bin/sh
# wa-import --woocommerce: a pull from a stand-in of WooCommerce's REST API
# (tests/mock-woo.py): the first full import, then only what changed, paging,
# a 429 then success, a wrong key, and the keys never shown.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || { echo "1..0 # SKIP no python3"; exit 0; }

D=$TMP/store
mkdir -p "$D" "$WA_HOME"
chmod 700 "$WA_HOME"
KEY=ck_0123456789abcdef0123456789abcdef01234567
SECRET=cs_fedcba9876543210fedcba9876543210fedcba98
WC_CONSUMER_KEY=$KEY WC_CONSUMER_SECRET=$SECRET
export WC_CONSUMER_KEY WC_CONSUMER_SECRET
NOW=2026-11-01T00:00:00Z

# store CUSTOMERS ORDERS: write the mock's data, ids from 1, order N by
# customer N%CUSTOMERS+1 and modified at 2026-10-N; jq edits it after
store() {
	python3 - "$D" "$1" "$2" <<'PY'
import json, sys
d, nc, no = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
cs = [{"id": i, "email": "c%d@example.com" % i, "first_name": "C%d" % i, "last_name": "Test", "username": "c%d" % i,
       "role": "customer", "date_created_gmt": "2025-01-%02dT10:00:00" % i, "date_modified_gmt": "2025-01-%02dT10:00:00" % i,
       "billing": {"country": "GB", "phone": "07700 900%03d" % i, "email": "c%d@example.com" % i}} for i in range(1, nc + 1)]
os = [{"id": 100 + i, "number": str(100 + i), "status": "completed", "currency": "GBP", "total": "10.00",
       "customer_id": i % nc + 1, "date_created_gmt": "2026-10-%02dT09:00:00" % i, "date_modified_gmt": "2026-10-%02dT10:00:00" % i,
       "billing": {"email": "c%d@example.com" % (i % nc + 1), "country": "GB", "phone": "07700 900%03d" % (i % nc + 1)},
       "line_items": [{"name": "Mug", "quantity": 1, "total": "10.00", "sku": "M1"}], "refunds": []} for i in range(1, no + 1)]
json.dump(cs, open(d + "/customers.json", "w"))
json.dump(os, open(d + "/orders.json", "w"))
PY
}
edit() { jq "$2" "$D/$1.json" >"$D/$1.new" && mv "$D/$1.new" "$D/$1.json"; }

# mock NAME ARGS...: the mock in the background; sets URL and LOG
mock() {
	_m=$1; shift
	LOG=$TMP/$_m.log
	: >"$LOG"
	_serve "$_m" out '' python3 "$TOP/tests/mock-woo.py" --data "$D" --log "$LOG" \
		--key "$KEY" --secret "$SECRET" "$@"
	URL=http://127.0.0.1:$_port
}
trap 'for p in ${PIDS:-}; do kill $p 2>/dev/null; done; rm -rf "$TMP"' EXIT
# reqs: the requests the mock was sent, one a line, page and filter
reqs() { sed 's/ auth=ok//' "$LOG" | paste -sd'|' -; }

store 5 7
mock m1 --max-per-page 2

start=$(date -u -d '-2 sec' +%Y-%m-%dT%H:%M:%S)
wa-import --woocommerce "$URL" --now $NOW >"$TMP/out1" 2>"$TMP/err1"
check_same "first run: every customer, with the orders they placed, exit 0, nothing on stderr" \
	'0 woocommerce:1 1|woocommerce:2 2|woocommerce:3 2|woocommerce:4 1|woocommerce:5 1|' \
	"$? $(jq -r '"\(.id) \(.orders)"' "$TMP/out1" | sort | paste -sd'|' -)|$(cat "$TMP/err1")"
check_same "first run: every page of both, by X-WP-TotalPages, no filter" \
	'customers page=1 modified_after=- 200|customers page=2 modified_after=- 200|customers page=3 modified_after=- 200|orders page=1 modified_after=- 200|orders page=2 modified_after=- 200|orders page=3 modified_after=- 200|orders page=4 modified_after=- 200' \
	"$(reqs)"
# the store's clock (its Date) a second back when the orders were first asked for
cursor() { jq -r --arg u "$URL" ".[\$u].$1" "$WA_HOME/woocommerce.json"; }
c1=$(cursor orders_modified)
c0=$(cursor customers_modified)
check_same "first run: where it left off, in \$WA_HOME: the store's clock, for customers and orders" \
	"1 1" "$(test "$c0" \> "$start" && test "$c0" \< "$(date -u -d '+2 sec' +%Y-%m-%dT%H:%M:%S)" && echo 1) $(test "$c1" \> "$start" && test "$c1" \< "$(date -u -d '+2 sec' +%Y-%m-%dT%H:%M:%S)" && echo 1)"

: >"$LOG"
wa-import --woocommerce "$URL" --now $NOW >"$TMP/out2" 2>"$TMP/err2"
check_same "a run with nothing new prints nothing and exits 0" '0 0 0' \
	"$? $(wc -c <"$TMP/out2" | tr -d ' ') $(wc -c <"$TMP/err2" | tr -d ' ')"
check_same "...asking for orders changed since, and every customer (the API has no filter)" \
	"customers page=1 modified_after=- 200|customers page=2 modified_after=- 200|customers page=3 modified_after=- 200|orders page=1 modified_after=$c1 200" "$(reqs)"

# order 103 is refunded, order 108 placed by a new customer 6, now
m=$(date -u +%Y-%m-%dT%H:%M:%S)
edit orders '(.[] | select(.id == 103)) |= (.status = "refunded" | .date_modified_gmt = "'$m'")
	| . += [{"id":108,"number":"108","status":"processing","currency":"GBP","total":"25.00","customer_id":6,
	  "date_created_gmt":"2026-10-21T09:00:00","date_modified_gmt":"'$m'",
	  "billing":{"email":"c6@example.com","country":"GB","phone":"07700 900006"},"line_items":[]}]'
edit customers '. += [{"id":6,"email":"c6@example.com","first_name":"C6","date_created_gmt":"'$m'","date_modified_gmt":"'$m'","billing":{"country":"GB","phone":"07700 900006"}}]'
: >"$LOG"
c2=$(cursor orders_modified)
sleep 2	# a change in the second a run begins is read again by the next
wa-import --woocommerce "$URL" -t orders --now $NOW >"$TMP/out3" 2>"$TMP/err3"
check_same "an incremental run picks up exactly the changed orders" \
	'0 woocommerce:103 refunded|woocommerce:108 processing' \
	"$? $(jq -r '"\(.id) \(.financial_status)"' "$TMP/out3" | paste -sd'|' -)"
check_same "...with -t orders, no customer page" \
	"orders page=1 modified_after=$c2 200" "$(reqs)"
wa-import --woocommerce "$URL" --now $NOW >"$TMP/out4" 2>"$TMP/err4"
check_same "then the new customer, changed since, with no order left to count" \
	'0 woocommerce:6 c6@example.com +447700900006' \
	"$? $(jq -r '"\(.id) \(.email) \(.phone)"' "$TMP/out4" | paste -sd'|' -)"

cp "$WA_HOME/woocommerce.json" "$TMP/cursor"
: >"$LOG"
wa-import --woocommerce "$URL" -t orders --since 2026-10-06 --now $NOW >"$TMP/out5" 2>&1
check_same "--since forces a window" \
	'0 woocommerce:103 woocommerce:106 woocommerce:107 woocommerce:108|orders page=1 modified_after=2026-10-06T00:00:00Z 200|orders page=2 modified_after=2026-10-06T00:00:00Z 200' \
	"$? $(jq -r .id "$TMP/out5" | paste -sd' ' -)|$(reqs)"
check_same "--since leaves where runs left off as it was" '' "$(cmp "$TMP/cursor" "$WA_HOME/woocommerce.json")"

kill $_pid 2>/dev/null
mock m2 --max-per-page 2 --fail 429:orders:2 --fail 503:orders:3:2
rm -f "$WA_HOME/woocommerce.json"
wa-import --woocommerce "$URL" -t orders --now $NOW >"$TMP/out6" 2>"$TMP/err6"
check_same "429 (Retry-After) and 503 twice: waited for and retried, every order read" \
	'0 8 orders page=1 modified_after=- 200|orders page=2 modified_after=- 429|orders page=2 modified_after=- 200|orders page=3 modified_after=- 503|orders page=3 modified_after=- 503|orders page=3 modified_after=- 200|orders page=4 modified_after=- 200|' \
	"$? $(wc -l <"$TMP/out6" | tr -d ' ') $(reqs)|$(cat "$TMP/err6")"

kill $_pid 2>/dev/null
mock m3 --max-per-page 2 --fail 500:orders:3:99
rm -f "$WA_HOME/woocommerce.json"
wa-import --woocommerce "$URL" -t orders --now $NOW >"$TMP/out7" 2>"$TMP/err7"
check_same "a store that keeps failing mid-way: exit 3, nothing out, where runs left off untouched" \
	"3 0 no cursor wa-import: $URL/wp-json/wc/v3/orders?per_page=100&page=3&orderby=id&order=asc: HTTP 500: Too many requests" \
	"$? $(wc -c <"$TMP/out7" | tr -d ' ') $(test -e "$WA_HOME/woocommerce.json" && echo cursor || echo no cursor) $(cat "$TMP/err7")"

# an order placed while the pages are read, with an id on a page already read
kill $_pid 2>/dev/null
store 5 7
printf '[{"id":100,"number":"100","status":"processing","currency":"GBP","total":"5.00","customer_id":1,"date_created_gmt":"2026-10-01T00:00:00","billing":{"email":"c1@example.com"},"line_items":[]}]' >"$TMP/late.json"
mock m5 --max-per-page 2 --add-after orders:2:"$TMP/late.json"
rm -f "$WA_HOME/woocommerce.json"
wa-import --woocommerce "$URL" -t orders >"$TMP/out11a" 2>&1
sleep 2
wa-import --woocommerce "$URL" -t orders >"$TMP/out11b" 2>&1
check_same "an order that came in mid-run on a page already read: not lost, the next run has it" \
	'100 101 102 103 104 105 106 107|100' \
	"$(cat "$TMP/out11a" "$TMP/out11b" | jq -r '.id | ltrimstr("woocommerce:")' | sort -u | paste -sd' ' -)|$(jq -r '.id | ltrimstr("woocommerce:")' "$TMP/out11b" | paste -sd' ' -)"

kill $_pid 2>/dev/null
mock m4 --echo-key
WC_CONSUMER_KEY=ck_wrong0123456789abcdef0123456789abcdef WC_CONSUMER_SECRET=$SECRET \
	wa-import --woocommerce "$URL" --now $NOW >"$TMP/out8" 2>"$TMP/err8"
check_same "a wrong key: exit 3, what the store said, and what to check" \
	"3 0 wa-import: $URL/wp-json/wc/v3/customers?per_page=100&page=1&orderby=id&order=asc: HTTP 401: Consumer key [token] is invalid.: check WC_CONSUMER_KEY and WC_CONSUMER_SECRET (a key with Read access)" \
	"$? $(wc -c <"$TMP/out8" | tr -d ' ') $(cat "$TMP/err8")"
check_same "...a wrong key is not retried" '1' "$(grep -c . "$LOG")"

env -u WC_CONSUMER_KEY -u WC_CONSUMER_SECRET wa-import --woocommerce "$URL" >"$TMP/out9" 2>"$TMP/err9"
check_same "no keys: exit 2, where to put them" \
	"2 wa-import: --woocommerce needs the REST API keys in WC_CONSUMER_KEY and WC_CONSUMER_SECRET (or *_FILE)" \
	"$? $(cat "$TMP/err9")"
printf '%s\n' "$KEY" >"$TMP/key"
printf '%s\n' "$SECRET" >"$TMP/secret"
env -u WC_CONSUMER_KEY -u WC_CONSUMER_SECRET WC_CONSUMER_KEY_FILE="$TMP/key" \
	WC_CONSUMER_SECRET_FILE="$TMP/secret" wa-import --woocommerce "$URL" -t orders >"$TMP/out10" 2>&1
check_same "the keys from *_FILE" '0 8' "$? $(wc -l <"$TMP/out10" | tr -d ' ')"
check_status "plain http:// to another machine is refused (the keys would go in clear)" 2 \
	wa-import --woocommerce http://shop.example.com
check_same "the keys are in no output, no message, no state file" '0' \
	"$(cat "$TMP"/out* "$TMP"/err* "$WA_HOME"/* | grep -c -e "$KEY" -e "$SECRET" -e "${KEY#ck_}")"
check_status "--since without --woocommerce is a usage error" 2 wa-import --since 2026-10-01 /dev/null

done_testing
