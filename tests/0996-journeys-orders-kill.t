#!/bin/sh
# The order journeys' cursors survive a crash: orders are appended to ORDERS and order
# events to the spool between runs of order-confirmation and shipping-update killed with
# -9 at random points (the fold renamed, its cursor not yet; a send in flight), each killed
# run followed by a clean one: every order is confirmed and shipped exactly once (or left
# open in flight, which wa-send never sends again), and the folds hold each order once.
. "$(dirname "$0")/lib.sh"

orders_world 0996
UTILITY_CAP=
export UTILITY_CAP
awk 'BEGIN { for (i = 1; i <= 60; i++)
	printf "{\"id\":\"c%d\",\"first_name\":\"N%d\",\"phone\":\"+447700900%03d\",\"tz\":\"Europe/London\",\"opt_in\":true}\n", i, i, i }' \
	>"$H/customers.jsonl"
# a year of old orders, which no run must confirm
awk 'BEGIN { for (i = 1; i <= 200; i++)
	printf "{\"type\":\"order\",\"id\":\"old%d\",\"name\":\"#O%d\",\"customer\":\"c%d\",\"created_at\":\"2025-11-01T10:00:00Z\",\"fulfilled_at\":\"2025-11-02T10:00:00Z\",\"fulfillment_status\":\"fulfilled\",\"total\":5,\"currency\":\"GBP\"}\n", i, i, i % 60 + 1 }' \
	>"$H/orders.jsonl"
: >"$H/events.jsonl"
# batch N: orders 5N-4..5N of today appended to ORDERS, and an order event fulfilling each
# of them and of the batch before into the spool
batch() {
	awk -v b="$1" 'BEGIN { for (i = 5 * b - 4; i <= 5 * b; i++)
		printf "{\"type\":\"order\",\"id\":\"n%d\",\"name\":\"#%d\",\"customer\":\"c%d\",\"created_at\":\"2026-11-23T10:%02d:00Z\",\"fulfilled_at\":null,\"fulfillment_status\":null,\"total\":10,\"currency\":\"GBP\"}\n", i, i, i, i }' \
		>>"$H/orders.jsonl"
	awk -v b="$1" 'BEGIN { for (i = 5 * b - 9; i <= 5 * b; i++) if (i > 0)
		printf "{\"event\":\"order\",\"type\":\"order\",\"id\":\"n%d\",\"fulfilled_at\":\"2026-11-23T12:%02d:00Z\",\"fulfillment_status\":\"fulfilled\",\"extra\":{\"tracking_url\":\"https://t.example/%d\"}}\n", i, i, i }' \
		>>"$H/events.jsonl"
}
kills=0
b=1
while [ "$b" -le 10 ]; do
	batch "$b"
	for j in order-confirmation shipping-update; do
		setsid "$J/$j" >/dev/null 2>&1 &
		p=$!
		sleep "$(awk -v b="$b" -v j="${#j}" 'BEGIN { srand(b * 97 + j); printf "%.3f", rand() * 0.6 }')"
		kill -9 "-$p" 2>/dev/null && kills=$((kills + 1))
		wait "$p" 2>/dev/null
		# the group's last process gone, and its lock with it: else the clean
		# run finds the journey busy and leaves with 75
		i=0
		while kill -0 "-$p" 2>/dev/null && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
		"$J/$j" >>"$TMP/clean.log" 2>&1 || echo "$j: exit $?" >>"$TMP/clean.log"
	done
	b=$((b + 1))
done
echo "# $kills runs killed"
# open: the keys the ledger leaves in flight (an attempt, or unknown): never sent again
jq -r '"\(.key) \(.event)"' "$H/ledger.jsonl" |
	awk '{ last[$1] = $2 } END { for (k in last) if (last[k] == "attempt" || last[k] == "unknown") print k }' |
	sort >"$TMP/open"
jq -r .key "$TMP/graph.log" | sort >"$TMP/keys"
# A kill between a send's attempt and its answer leaves its key open: each clean run after
# it says so and exits 1, never sending it again. Nothing else may be said or left unknown.
jq -r 'select(.event != "sent" and .event != "skipped") | "\(.campaign)/\(.id) \(.event) \(.reason // "-")"' \
	"$H/journeys.jsonl" | sort -u >"$TMP/unk"
check_same "clean runs: exit 0, or 1 only for the sends left in flight" "" \
	"$(grep -v -e ': some messages failed or have no known outcome; see ' -e ': exit 1$' "$TMP/clean.log"
	[ -s "$TMP/unk" ] || grep ': exit 1$' "$TMP/clean.log"
	awk '$2 != "unknown" || $3 != "attempted_before"' "$TMP/unk"
	cut -d' ' -f1 "$TMP/unk" | sort -u | comm -23 - "$TMP/open")"
check_same "no order confirmed or shipped twice" "" "$(uniq -d "$TMP/keys")"
awk 'BEGIN { for (i = 1; i <= 50; i++) print "order-confirmation/n" i; for (i = 1; i <= 50; i++) print "shipping-update/n" i }' |
	sort >"$TMP/want"
sort -u "$TMP/keys" "$TMP/open" >"$TMP/got"
check_same "every new order confirmed and shipped (or left open in flight), no old one" "" \
	"$(diff "$TMP/want" "$TMP/got")"
check_same "the orders' fold: each new order once, no old one" "50 50" \
	"$(jq -r .id "$H/journey-orders.state" | sort -u | wc -l | tr -d ' ') $(lines "$H/journey-orders.state")"
check_same "its cursor at the end of ORDERS" "$(wc -c <"$H/orders.jsonl" | tr -d ' ')" \
	"$(cut -d' ' -f1 "$H/journey-orders.state.cursor")"
check_same "the events' fold: each order once, fulfilled" "50 50" \
	"$(jq -r 'select(.fulfillment_status == "fulfilled") | .id' "$H/journey-events.state" | sort -u | wc -l | tr -d ' ') $(lines "$H/journey-events.state")"
done_testing
