#!/bin/sh
# The order journeys read of ORDERS only what was appended since their last run (a byte
# offset, the inode, a checksum of the bytes before it): a run twice confirms only the new
# orders, an old line broken in place after the cursor is never read again, a half-written
# last line waits for its newline; ORDERS replaced, or rewritten in place, is folded again
# whole; the fold keeps only the orders of the last ORDERS_KEEP, the order events' fold too.
. "$(dirname "$0")/lib.sh"

orders_world 0659
awk 'BEGIN { for (i = 1; i <= 9; i++)
	printf "{\"id\":\"c%d\",\"first_name\":\"N%d\",\"phone\":\"+44770090000%d\",\"tz\":\"Europe/London\",\"opt_in\":true}\n", i, i, i }' \
	>"$H/customers.jsonl"
# order N of customer cN, created at TIME, fulfilled at FULFILLED (or null)
order() {
	printf '{"type":"order","id":"o%s","name":"#%s","customer":"c%s","created_at":"%s","fulfilled_at":%s,"cancelled_at":null,"fulfillment_status":%s,"total":10,"currency":"GBP","extra":{"tracking_url":"https://t.example/%s"}}\n' \
		"$1" "$1" "$1" "$2" "$([ -n "${3:-}" ] && echo "\"$3\"" || echo null)" \
		"$([ -n "${3:-}" ] && echo '"fulfilled"' || echo null)" "$1"
}
# old orders (a year ago: more than 4 KiB of them), then two of today
{
	i=100
	while [ "$i" -lt 140 ]; do
		order "$i" 2025-11-01T10:00:00Z 2025-11-02T10:00:00Z
		i=$((i + 1))
	done
	order 1 2026-11-23T09:00:00Z
	order 2 2026-11-23T10:00:00Z
} | sed 's/"customer":"c1[0-9][0-9]"/"customer":"c9"/' >"$H/orders.jsonl"
# sent: SENT, the templates and order numbers the mock got since the last call
_seen=0
sent() {
	_all=$(lines "$TMP/graph.log")
	SENT=$(tail -n +$((_seen + 1)) "$TMP/graph.log" | jq -r '.template + " " + .params[1]' | sort | paste -sd' ' -)
	_seen=$_all
}

sh "$J/order-confirmation" 2>"$TMP/err1"
rc=$?; sent
check_same "a first run confirms today's orders" "0 order_confirmation #1 order_confirmation #2" "$rc $SENT"
check_same "its fold keeps only the orders of the last ORDERS_KEEP (90d)" "o1 o2" \
	"$(jq -r .id "$H/journey-orders.state" | paste -sd' ' -)"
check_same "its cursor: the end of ORDERS, its inode" \
	"$(wc -c <"$H/orders.jsonl" | tr -d ' ') $(ls -id "$H/orders.jsonl" | awk '{ print $1 }')" \
	"$(cut -d' ' -f1-2 "$H/journey-orders.state.cursor")"

# an old line broken in place (same inode, same size, far before the cursor): a run that read
# ORDERS whole would say so; then two orders appended, the second half-written
sed '3s/"name":"#102"/"name":"#1}x"/' "$H/orders.jsonl" >"$TMP/o" && cat "$TMP/o" >"$H/orders.jsonl"
order 3 2026-11-23T11:00:00Z >>"$H/orders.jsonl"
order 4 2026-11-23T12:00:00Z | head -c 60 >>"$H/orders.jsonl"
sh "$J/order-confirmation" 2>"$TMP/err2"
rc=$?; sent
check_same "run twice: only the new whole order is confirmed" "0 order_confirmation #3" "$rc $SENT"
check_same "and the old lines are not read again (the broken one is not seen)" "" "$(cat "$TMP/err2")"
order 4 2026-11-23T12:00:00Z | tail -c +61 >>"$H/orders.jsonl"
sh "$J/order-confirmation" 2>"$TMP/err3"
rc=$?; sent
check_same "the half-written order, once whole, is confirmed once" "0 order_confirmation #4" "$rc $SENT"
sh "$J/order-confirmation" 2>"$TMP/err4"
rc=$?; sent
check_same "nothing new, nothing sent" "0 " "$rc $SENT"

# ORDERS replaced (wa-import > orders.jsonl.new, renamed): folded whole again; order 1 is now
# fulfilled and order 5 new
{
	order 1 2026-11-23T09:00:00Z 2026-11-23T14:00:00Z
	order 2 2026-11-23T10:00:00Z
	order 3 2026-11-23T11:00:00Z
	order 4 2026-11-23T12:00:00Z
	order 5 2026-11-23T13:00:00Z
} >"$H/orders.new" && mv "$H/orders.new" "$H/orders.jsonl"
sh "$J/order-confirmation" 2>"$TMP/err5" && sh "$J/shipping-update" 2>>"$TMP/err5"
rc=$?; sent
check_same "ORDERS replaced: folded again whole; the new order confirmed, the fulfilled one shipped" \
	"0 order_confirmation #5 shipping_update #1" "$rc $SENT"
check_same "and its fold holds each order once, as the new file has it" "o1 fulfilled o2 o3 o4 o5" \
	"$(jq -r '[.id, .fulfillment_status // empty] | join(" ")' "$H/journey-orders.state" | paste -sd' ' -)"

# rewritten in place (the same inode, more bytes, others before the offset): folded again whole
{
	order 2 2026-11-23T10:00:00Z 2026-11-23T14:30:00Z
	order 1 2026-11-23T09:00:00Z 2026-11-23T14:00:00Z
	order 3 2026-11-23T11:00:00Z
	order 4 2026-11-23T12:00:00Z
	order 5 2026-11-23T13:00:00Z
	order 6 2026-11-23T14:00:00Z
} >"$H/orders.jsonl"
sh "$J/order-confirmation" 2>"$TMP/err6" && sh "$J/shipping-update" 2>>"$TMP/err6"
rc=$?; sent
check_same "ORDERS rewritten in place: folded again whole" \
	"0 order_confirmation #6 shipping_update #2" "$rc $SENT"

# the order events' fold keeps the last ORDERS_KEEP too: an event of a year ago is dropped
{
	order 7 2025-10-01T10:00:00Z 2025-10-02T10:00:00Z
	order 8 2026-11-23T14:40:00Z
} | sed 's/^{/{"event":"order",/' >>"$H/events.jsonl"
sh "$J/order-confirmation" 2>"$TMP/err7"
rc=$?; sent
check_same "an order event confirmed; the events' fold keeps only the recent one" \
	"0 order_confirmation #8 o8" "$rc $SENT $(jq -r .id "$H/journey-events.state" | paste -sd' ' -)"
check_same "no run said anything on stderr" "" "$(cat "$TMP"/err[1-7])"
done_testing
