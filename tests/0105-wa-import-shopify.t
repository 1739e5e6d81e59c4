#!/bin/sh
# wa-import --shopify against tests/mock-shopify.c: a first import, the
# cursor, incremental runs, the cost-based throttle, 429 and 5xx, a crash
# mid-page, --bulk, --since, and a token never shown.
. "$(dirname "$0")/lib.sh"

FIX=$TOP/tests/fixtures/import/shopify
MOCK=mock-shopify
# Made up for the test; never a real secret.
TOKEN=shpat_test_0105_$$
SHOPIFY_TOKEN=$TOKEN
export SHOPIFY_TOKEN
unset SHOPIFY_TOKEN_FILE WA_SHOPIFY_URL
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

# shop NAME ARGS...: the mock on a free port, serving the fixtures unless
# ARGS name others; its log is $TMP/NAME.log; sets URL and MPID
shop() {
	_n2=$1; shift
	_serve "$_n2" out '' $MOCK -o "$TMP/$_n2.log" "$@" ||
		{ echo "Bail out! mock-shopify did not start"; exit 1; }
	MPID=$_pid
	URL=http://127.0.0.1:$_port
}
stop() { kill "$MPID" 2>/dev/null; wait "$MPID" 2>/dev/null; [ -z "${KEEP:-}" ] || cp "$TMP"/*.log /tmp/t105-logs/ 2>/dev/null; }
# imp HOME ARGS...: wa-import --shopify teststore against $URL, WA_HOME=HOME
imp() {
	_h=$1; shift
	mkdir -p "$_h"
	WA_HOME=$_h WA_SHOPIFY_URL=$URL wa-import --shopify teststore "$@"
}
ids() { jq -r .id "$@" | sort; }
want_ids() { jq -r .id "$@" | gids; }
gids() { sed 's|gid://shopify/[A-Za-z]*/|shopify:|' | sort; }
# throttled LOG: how many requests the mock refused for an empty bucket
throttled() { jq -s '[.[] | select(.throttled == true)] | length' "$1"; }

plan 52

# --- A first full import, and the cursor ---
shop full -c "$FIX/customers.jsonl" -O "$FIX/orders.jsonl"
H=$TMP/h1
imp "$H" -t orders >"$TMP/o1" 2>"$TMP/e1"
check_same "first import: exit 0" 0 $?
check_same "every order, once, by id" "$(want_ids "$FIX/orders.jsonl")" "$(ids "$TMP/o1")"
check_same "source and buyer as the CSV path writes them" \
	'shopify:7002 buyer2@example.com +4915123400102 fulfilled 11.99' \
	"$(jq -r 'select(.id == "shopify:9001") | "\(.customer) \(.email) \(.phone) \(.fulfillment_status) \(.total)"' "$TMP/o1")"
check_same "a guest order: its buyer by e-mail" 'email:guest@example.com +447700900999' \
	"$(jq -r 'select(.id == "shopify:9005") | "\(.customer) \(.phone)"' "$TMP/o1")"
check_same "line items and their unit prices" 'Item 1 2 5|Item 2 1 10|Item 3 2 15' \
	"$(jq -r 'select(.id == "shopify:9003") | [.items[] | "\(.name) \(.qty) \(.price)"] | join("|")' "$TMP/o1")"
check_same "an order of 22 items: the 10 of its page, then the rest by its own connection" \
	"22 Part 21 shopify:9010 li:10" \
	"$(jq -r 'select(.id == "shopify:9010") | "\(.items | length) \(.items[-1].name)"' "$TMP/o1") $(jq -r 'select(.op == "order") | "\(.id | sub("gid://shopify/Order/"; "shopify:")) \(.after)"' "$TMP/full.log")"
check_same "the cursor: the latest updatedAt out" '2024-04-28T12:27:00Z null' \
	"$(jq -r '.orders | "\(.since) \(.after)"' "$H/shopify-teststore.myshopify.com.cursor")"
imp "$H" -t orders >"$TMP/o2" 2>"$TMP/e2"
check_same "nothing new: exit 0" 0 $?
check_same "nothing new: nothing out, nothing said" "0 0" "$(lines "$TMP/o2") $(lines "$TMP/e2")"
check_same "the second run asked from the cursor" "updated_at:>'2024-04-28T12:27:00Z'" \
	"$(jq -r 'select(.op == "orders") | .query' "$TMP/full.log" | tail -1)"
imp "$H" >"$TMP/c1" 2>"$TMP/ce1"
check_same "customers: every one, once, by id, and the guest of an order" \
	"$( (want_ids "$FIX/customers.jsonl"; echo email:guest@example.com) | sort)" "$(ids "$TMP/c1")"
check_same "a national phone read in its address's country" '+447700900555 GB Europe/London' \
	"$(jq -r 'select(.id == "shopify:7003") | "\(.phone) \(.country) \(.tz)"' "$TMP/c1")"
check_same "orders, spend (its orders' 74.97 over the node's 30.50), consent and source as the CSV path names them" \
	'3 74.97 GBP false shopify:accepts_sms_marketing shopify' \
	"$(jq -r 'select(.id == "shopify:7003") | "\(.orders) \(.spent) \(.currency) \(.opt_in) \(.opt_in_source) \(.source)"' "$TMP/c1")"
check_same "a phone that is no number: phone_raw, said once" 'null 12 1' \
	"$(jq -r 'select(.id == "shopify:7006") | "\(.phone) \(.phone_raw)"' "$TMP/c1") $(grep -c "shopify:7006: phone '12' kept as phone_raw" "$TMP/ce1")"
check_same "no e-mail: still a customer by its id" 'shopify:7008 null' \
	"$(jq -r 'select(.id == "shopify:7008") | "\(.id) \(.email)"' "$TMP/c1")"
check_same "the customers' cursor beside the orders'" '2024-03-12T10:00:00Z 2024-04-28T12:27:00Z' \
	"$(jq -r '"\(.customers.since) \(.orders.since)"' "$H/shopify-teststore.myshopify.com.cursor")"
stop

# --- An incremental run: exactly the records changed ---
shop later -c "$FIX/customers-later.jsonl" -O "$FIX/orders-later.jsonl"
imp "$H" -t orders >"$TMP/o3" 2>"$TMP/e3"
check_same "incremental: exit 0" 0 $?
check_same "the 3 changed orders and the 2 new ones, nothing else" \
	"$(printf '%s\n' shopify:9003 shopify:9012 shopify:9021 shopify:9031 shopify:9032 | sort)" "$(ids "$TMP/o3")"
check_same "a changed order as it is now" fulfilled \
	"$(jq -r 'select(.id == "shopify:9003") | .fulfillment_status' "$TMP/o3")"
imp "$H" --merge "$TMP/c1" >"$TMP/c2" 2>/dev/null
check_same "customers --merge: the one changed folds into the whole file" \
	"13 changed" "$(lines "$TMP/c2") $(jq -r 'select(.id == "shopify:7005") | .tags | join(",")' "$TMP/c2")"
imp "$H" --merge "$TMP/c2" >"$TMP/c3" 2>/dev/null
check_same "customers --merge with nothing new: nothing out, exit 0" "0 0" "$? $(lines "$TMP/c3")"
stop

# --- The cost-based throttle: no request while the bucket cannot pay ---
shop slow -b 200 -r 150 --no-refund -c "$FIX/customers.jsonl" -O "$FIX/orders.jsonl"
imp "$TMP/h2" -t orders >"$TMP/o4" 2>"$TMP/e4"
check_same "a small bucket: exit 0" 0 $?
check_same "a small bucket: every order" "$(want_ids "$FIX/orders.jsonl")" "$(ids "$TMP/o4")"
check_same "a small bucket: pages that fit half of it, after the first" true \
	"$(jq -s '[.[] | select(.op == "orders" and .throttled == false)] | length >= 4 and (.[1:] | all(.cost <= 100))' "$TMP/slow.log")"
check_same "a small bucket: not one request throttled" 0 "$(throttled "$TMP/slow.log")"
stop
shop empty --start-empty -b 1000 -r 200 -c "$FIX/customers.jsonl" -O "$FIX/orders.jsonl"
imp "$TMP/h3" -t orders >"$TMP/o5" 2>"$TMP/e5"
check_same "an empty bucket at first: every order" "$(want_ids "$FIX/orders.jsonl")" "$(ids "$TMP/o5")"
check_same "THROTTLED once, then waited for the bucket" 1 "$(throttled "$TMP/empty.log")"
stop

# --- 429 and 5xx are tried again ---
shop flaky --fail 1:429 --fail 2:503 --fail 3:500 -c "$FIX/customers.jsonl" -O "$FIX/orders.jsonl"
imp "$TMP/h4" -t orders >"$TMP/o6" 2>"$TMP/e6"
check_same "429, 503, 500: exit 0" 0 $?
check_same "429, 503, 500: every order" "$(want_ids "$FIX/orders.jsonl")" "$(ids "$TMP/o6")"
check_same "each refusal was tried again" "429 503 500" \
	"$(jq -r 'select(.op == "fail") | .status' "$TMP/flaky.log" | tr '\n' ' ' | sed 's/ $//')"
stop

# --- A crash mid-page: the cursor moves only after a page is out ---
shop crash -b 200 -r 1000 --crash-at 7 -c "$FIX/customers.jsonl" -O "$FIX/orders.jsonl"
imp "$TMP/h5" -t orders >"$TMP/o7" 2>"$TMP/e7"
check_same "the store went away: exit 3" 3 $?
check_same "the pages before it are out" 1 "$([ "$(lines "$TMP/o7")" -gt 0 ] && echo 1)"
check_same "and the cursor holds the page cursor" 1 \
	"$(jq -r '.orders.after' "$TMP/h5/shopify-teststore.myshopify.com.cursor" | grep -c '^cur:')"
stop
shop crash2 -b 200 -r 1000 -c "$FIX/customers.jsonl" -O "$FIX/orders.jsonl"
imp "$TMP/h5" -t orders >"$TMP/o8" 2>"$TMP/e8"
check_same "the next run: exit 0" 0 $?
check_same "both runs: every order once, none lost, none twice" \
	"$(want_ids "$FIX/orders.jsonl")" "$(cat "$TMP/o7" "$TMP/o8" | ids)"
check_same "it resumed after the last page out" 1 \
	"$(jq -r 'select(.op == "orders") | .after' "$TMP/crash2.log" | head -1 | grep -c '^cur:')"
stop

# --- --bulk: a bulk operation, its JSONL, children apart from parents ---
shop bulk --bulk-shuffle -c "$FIX/customers.jsonl" -O "$FIX/orders.jsonl"
imp "$TMP/h6" -t orders --bulk >"$TMP/o9" 2>"$TMP/e9"
check_same "--bulk: exit 0" 0 $?
check_same "--bulk: every order, once" "$(want_ids "$FIX/orders.jsonl")" "$(ids "$TMP/o9")"
check_same "--bulk: children found their parents, all 22 items" 22 \
	"$(jq 'select(.id == "shopify:9010") | .items | length' "$TMP/o9")"
check_same "--bulk: polled, and the file fetched without the token" "true false" \
	"$(jq -r 'select(.op == "bulk") | .token' "$TMP/bulk.log" | sort -u) $(jq -r 'select(.op == "download") | .token' "$TMP/bulk.log")"
imp "$TMP/h6" -t orders >"$TMP/o10" 2>/dev/null
check_same "--bulk moved the cursor: nothing new after it" 0 "$(lines "$TMP/o10")"
stop

# --- --since: a window of its own ---
shop since -c "$FIX/customers.jsonl" -O "$FIX/orders.jsonl"
imp "$TMP/h7" -t orders --since 2024-04-25 >"$TMP/o11" 2>/dev/null
check_same "--since: the orders updated after it" \
	"$(jq -r 'select(.updatedAt > "2024-04-25") | .id' "$FIX/orders.jsonl" | gids)" "$(ids "$TMP/o11")"
stop

# --- The token: refused, missing, echoed ---
shop auth -c "$FIX/customers.jsonl" -O "$FIX/orders.jsonl"
SHOPIFY_TOKEN=shpat_wrong_token_$$ imp "$TMP/h8" -t orders >"$TMP/o12" 2>"$TMP/e12"
check_same "a wrong token: exit 3, nothing out" "3 0" "$? $(lines "$TMP/o12")"
check_same "a wrong token: said clearly" 1 "$(grep -c 'HTTP 401: the access token was refused' "$TMP/e12")"
printf '%s\n' "$TOKEN" >"$TMP/tokfile"
env -u SHOPIFY_TOKEN SHOPIFY_TOKEN_FILE="$TMP/tokfile" WA_HOME="$TMP/h9" WA_SHOPIFY_URL=$URL \
	wa-import --shopify teststore -t orders >"$TMP/o13" 2>/dev/null
check_same "SHOPIFY_TOKEN_FILE: every order" 30 "$(lines "$TMP/o13")"
stop
check_status "no token: exit 2" 2 env -u SHOPIFY_TOKEN wa-import --shopify teststore
check_same "no token: says where it goes" 1 "$(grep -c 'set SHOPIFY_TOKEN or SHOPIFY_TOKEN_FILE' "$TMP/.out")"
shop echo --echo-token
imp "$TMP/h10" -t orders >"$TMP/o14" 2>"$TMP/e14"
check_same "a server that echoes the token: exit 3" 3 $?
check_same "the token is never printed" "0 1" \
	"$(cat "$TMP/o14" "$TMP/e14" | grep -c "$TOKEN") $(grep -c 'Access denied for token \[token\]' "$TMP/e14")"
stop
check_same "nor kept in a state file" 0 "$(cat "$TMP"/h*/* 2>/dev/null | grep -c "$TOKEN")"

# --- Usage ---
check_status "--bulk without --shopify: exit 2" 2 wa-import --bulk
check_status "--shopify with files: exit 2" 2 wa-import --shopify teststore "$FIX/orders.jsonl"

done_testing
