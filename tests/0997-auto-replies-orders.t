#!/bin/sh
# auto-replies' order status after the bot looks up only the phones that wrote: each writer's
# latest order found as before through its customer by id (a number too), else e-mail, else
# phone; an order's update line that names nobody still counts, so does a webhook's in the
# spool; an order whose customer is someone else is not the writer's, even with the writer's
# e-mail; a customer with no phone takes the order's; a phone of an order only is known (no
# greeting). The answers the bot gave when it indexed every customer and order.
. "$(dirname "$0")/lib.sh"

J=$TOP/scripts/journeys
# Made up for the test; never a real secret.
WA_TOKEN=test-token-0997
WA_PHONE_NUMBER_ID=106540352242922
WA_NOW=2026-11-23T15:00:00Z
STORE_TZ=Europe/London
KEYWORDS=
export WA_TOKEN WA_PHONE_NUMBER_ID WA_NOW STORE_TZ KEYWORDS
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT

H=$WA_HOME
mkdir -p "$H"
cat >"$H/customers.jsonl" <<'EOF'
{"id":7,"first_name":"Ann","phone":"+447700900001","email":"ann@example.org"}
{"id":"c2","first_name":"Ben","phone":"+447700900002","email":"ben@example.org"}
{"id":"c3","first_name":"Cal","phone":"+447700900003","email":"cal@example.org"}
{"id":"c4","first_name":"Dee","email":"dee@example.org"}
{"id":"c5","first_name":"Eli","phone":"+447700900005","email":"eli@example.org"}
not a record
EOF
cat >"$H/orders.jsonl" <<'EOF'
{"type":"order","id":"o1","name":"#1","customer":7,"created_at":"2026-11-20T10:00:00Z","fulfillment_status":null}
{"type":"order","id":"o2","name":"#2","customer":7,"created_at":"2026-11-10T10:00:00Z","fulfillment_status":"fulfilled"}
{"type":"order","id":"o3","name":"#3","email":"ben@example.org","created_at":"2026-11-21T10:00:00Z","fulfillment_status":null}
{"type":"order","id":"o4","name":"#4","customer":"c5","email":"cal@example.org","created_at":"2026-11-22T10:00:00Z","fulfillment_status":null}
{"type":"order","id":"o5","name":"#5","customer":"c3","created_at":"2026-11-01T10:00:00Z","fulfillment_status":null}
{"type":"order","id":"o6","name":"#6","customer":"c4","phone":"+447700900004","created_at":"2026-11-19T10:00:00Z","fulfillment_status":null}
{"type":"order","id":"o7","name":"#7","phone":"+447700900006","created_at":"2026-11-18T10:00:00Z","fulfillment_status":null}
{"type":"order","id":"o1","fulfillment_status":"fulfilled","extra":{"tracking_url":"https://t.example/1"}}
EOF
msg() { printf '{"event":"message","wamid":"wamid.%s","from":"%s","at":"%s","type":"text","text":"%s"}\n' "$@"; }
{
	printf '%s\n' '{"event":"order","type":"order","id":"o3","fulfillment_status":"partial","extra":{"tracking_url":"https://t.example/3"}}'
	msg 1 +447700900001 2026-11-23T14:00:00Z "where is my order"
	msg 2 +447700900002 2026-11-23T14:01:00Z "where is my order"
	msg 3 +447700900003 2026-11-23T14:02:00Z "where is my order"
	msg 4 +447700900004 2026-11-23T14:03:00Z "where is my order"
	msg 6 +447700900006 2026-11-23T14:04:00Z "hello"
	msg 8 +447700900008 2026-11-23T14:05:00Z "hello"
} >"$H/events.jsonl"
start_mock graph --inbound "$H/events.jsonl" -o "$TMP/graph.log" ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
WA_API_URL=http://127.0.0.1:$PORT/v21.0
export WA_API_URL
sh "$J/auto-replies" 2>"$TMP/err"
check_same "auto-replies exits 0, says nothing" "0 " "$? $(cat "$TMP/err")"
jq -r '"\(.key | sub("/.*"; "")) \(.to) \(.text)"' "$TMP/graph.log" | sort >"$TMP/got"
check_file "each writer's latest order, as the whole files say" "$TMP/got" <<'EOF'
reply-greeting +447700900008 Hi there, thanks for writing! We will answer you shortly.
reply-order-status +447700900001 Hi there, your order #1 is on its way. Track it here: https://t.example/1
reply-order-status +447700900002 Hi there, your order #3 is partly on its way. Track it here: https://t.example/3
reply-order-status +447700900003 Hi there, your order #5 is being prepared.
reply-order-status +447700900004 Hi there, your order #6 is being prepared.
EOF
done_testing
