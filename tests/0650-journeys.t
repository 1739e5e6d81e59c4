#!/bin/sh
# scripts/journeys/ against mock-graph: a hand-made store, a fixed clock, every
# journey run twice; exactly who got what, then nothing more.
. "$(dirname "$0")/lib.sh"

J=$TOP/scripts/journeys
# Made up for the test; never a real secret.
WA_TOKEN=test-token-$$
WA_PHONE_NUMBER_ID=106540352242922
export WA_TOKEN WA_PHONE_NUMBER_ID
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT

# The templates the journeys send, with their body parameter counts: the mock
# refuses a message whose count differs.
cat >"$TMP/tpl.jsonl" <<'EOF'
{"name":"welcome","language":"en_US","body_params":1}
{"name":"order_confirmation","language":"en_US","body_params":3}
{"name":"shipping_update","language":"en_US","body_params":3}
{"name":"review_request","language":"en_US","body_params":2,"buttons":[{"type":"quick_reply"},{"type":"quick_reply"},{"type":"quick_reply"},{"type":"quick_reply"},{"type":"quick_reply"}]}
{"name":"abandoned_cart","language":"en_US","body_params":2}
{"name":"birthday","language":"en_US","body_params":1}
{"name":"winback_offer","language":"en_US","body_params":2}
{"name":"vip_early_access","language":"en_US","body_params":2}
{"name":"delay_notice","language":"en_US","body_params":2}
EOF
# The mock's clock is the store's (below), and it learns who wrote from the
# spool the auto-replies answer: a free-form reply outside the window is 131047.
WA_NOW=2026-11-23T15:00:00Z start_mock main -T "$TMP/tpl.jsonl" --inbound "$WA_HOME/events.jsonl" -o "$TMP/log.jsonl" ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
WA_API_URL=http://127.0.0.1:$PORT/v21.0
export WA_API_URL

mkdir -p "$WA_HOME"
# The store: Monday 23 November 2026, 15:00 UTC, which is 15:00 in London
# and midnight in Tokyo.
WA_NOW=2026-11-23T15:00:00Z
export WA_NOW
cat >"$WA_HOME/config" <<'EOF'
# the test store's config
STORE_TZ=Europe/London
SHOP_URL=https://shop.example
CAP=9/1d
EOF
# The environment wins over the config file.
CAP=2/7d
export CAP

cat >"$WA_HOME/customers.jsonl" <<'EOF'
{"id":"c1","first_name":"Ana","phone":"+447700900001","tz":"Europe/London","opt_in":true,"birthday":"1990-11-26","created_at":"2026-11-20T10:00:00Z","orders":0,"spent":0,"spent_365d":0,"tags":[]}
{"id":"c2","first_name":"Bob","phone":"+447700900002","tz":"Europe/London","opt_in":true,"birthday":"1985-11-26","created_at":"2025-01-01T10:00:00Z","orders":3,"spent":450,"spent_365d":400,"last_order_at":"2026-09-10T10:00:00Z","tags":[]}
{"id":"c3","first_name":"Cy","phone":"+447700900003","tz":"Europe/London","opt_in":true,"created_at":"2025-02-01T10:00:00Z","orders":1,"spent":80,"spent_365d":80,"last_order_at":"2026-11-23T08:00:00Z","tags":[]}
{"id":"c4","first_name":"Di","phone":"+447700900004","tz":"Europe/London","opt_in":false,"birthday":"1990-11-26","created_at":"2025-02-01T10:00:00Z","orders":0,"spent":0,"tags":[]}
{"id":"c5","first_name":"Eve","phone":"+819012345678","tz":"Asia/Tokyo","opt_in":true,"birthday":"1992-11-27","created_at":"2025-02-01T10:00:00Z","orders":0,"spent":0,"tags":[]}
{"id":"c7","first_name":"Gus","phone":"+447700900007","tz":"Europe/London","opt_in":true,"created_at":"2023-12-01T10:00:00Z","orders":1,"spent":30,"spent_365d":0,"last_order_at":"2024-01-01T10:00:00Z","tags":[]}
{"id":"c8","first_name":"Hal","phone":"+447700900008","tz":"Europe/London","opt_in":true,"created_at":"2025-03-01T10:00:00Z","orders":1,"spent":40,"spent_365d":40,"last_order_at":"2026-11-15T10:00:00Z","tags":[]}
{"id":"c9","first_name":"Ian","phone":"+447700900009","tz":"Europe/London","opt_in":false,"created_at":"2025-03-01T10:00:00Z","orders":0,"spent":0,"tags":[]}
{"id":"c10","first_name":"Ivy","email":"ivy@example.com","phone":"+447700900010","tz":"Europe/London","opt_in":true,"created_at":"2026-01-05T10:00:00Z","orders":0,"spent":0,"tags":[]}
{"id":"c11","first_name":"Jo","email":"jo@example.com","phone":"+447700900011","tz":"Europe/London","opt_in":true,"created_at":"2025-05-01T10:00:00Z","orders":0,"spent":0,"tags":[]}
{"id":"c12","first_name":"Kim","phone":"+447700900012","tz":"Europe/London","opt_in":true,"created_at":"2025-05-01T10:00:00Z","orders":0,"spent":0,"tags":[]}
{"id":"c13","first_name":"Lu","phone":"+447700900013","tz":"Europe/London","opt_in":true,"created_at":"2024-05-01T10:00:00Z","orders":6,"spent":3000,"spent_365d":1200,"last_order_at":"2026-11-01T10:00:00Z","tags":[]}
{"id":"c14","first_name":"Mo","phone":"+447700900014","tz":"Europe/London","opt_in":true,"created_at":"2024-05-01T10:00:00Z","orders":2,"spent":350,"spent_365d":350,"last_order_at":"2026-10-20T10:00:00Z","tags":["problem"]}
{"id":"c15","first_name":"Ned","phone":"+447700900015","tz":"Europe/London","opt_in":true,"created_at":"2024-05-01T10:00:00Z","orders":2,"spent":90,"spent_365d":90,"last_order_at":"2026-09-01T10:00:00Z","tags":[]}
EOF
cat >"$WA_HOME/orders.jsonl" <<'EOF'
{"type":"order","id":"shopify:1000","name":"#1000","customer":"c7","created_at":"2024-01-01T10:00:00Z","fulfilled_at":"2024-01-03T10:00:00Z","cancelled_at":null,"fulfillment_status":"fulfilled","total":30,"currency":"GBP"}
{"type":"order","id":"shopify:1001","name":"#1001","customer":"c3","created_at":"2026-11-23T08:00:00Z","fulfilled_at":null,"cancelled_at":null,"fulfillment_status":"unfulfilled","total":59.9,"currency":"GBP"}
{"type":"order","id":"shopify:1002","name":"#1002","customer":"c2","created_at":"2026-09-10T10:00:00Z","fulfilled_at":"2026-09-12T10:00:00Z","cancelled_at":null,"fulfillment_status":"fulfilled","total":150,"currency":"GBP"}
{"type":"order","id":"shopify:1003","name":"#1003","customer":"c8","created_at":"2026-11-15T10:00:00Z","fulfilled_at":"2026-11-21T10:00:00Z","cancelled_at":null,"fulfillment_status":"fulfilled","total":40,"currency":"GBP"}
{"type":"order","id":"shopify:1004","name":"#1004","customer":"c9","created_at":"2026-11-23T12:00:00Z","fulfilled_at":null,"cancelled_at":null,"fulfillment_status":null,"total":12.5,"currency":"GBP"}
{"type":"order","id":"shopify:1005","name":"#1005","customer":"c8","created_at":"2026-11-23T11:00:00Z","fulfilled_at":null,"cancelled_at":"2026-11-23T11:30:00Z","fulfillment_status":null,"total":10,"currency":"GBP"}
EOF
# wa-hook's spool: order and checkout webhooks, statuses, messages, an opt-out
cat >"$WA_HOME/events.jsonl" <<'EOF'
{"event":"message","wamid":"wamid.M0","from":"+447700900051","at":"2026-11-20T10:00:00Z","type":"text","text":"hello"}
{"type":"order","id":"shopify:1001","name":"#1001","customer":"c3","email":null,"phone":null,"created_at":"2026-11-23T08:00:00Z","fulfilled_at":"2026-11-23T09:00:00Z","cancelled_at":null,"fulfillment_status":"fulfilled","total":59.9,"currency":"GBP","extra":{"tracking_url":"https://track.example/1001"},"event":"order","topic":"orders/fulfilled","hook_id":"w1"}
{"type":"order","id":"shopify:1006","name":"#1006","customer":"shopify:99","email":"ivy@example.com","phone":null,"created_at":"2026-11-23T14:00:00Z","fulfilled_at":null,"cancelled_at":null,"fulfillment_status":null,"total":20,"currency":"GBP","extra":{"order_status_url":null},"event":"order","topic":"orders/create","hook_id":"w2"}
{"type":"order","id":"shopify:1007","name":"#1007","customer":"c15","created_at":"2026-11-20T10:00:00Z","fulfilled_at":"2026-11-20T12:00:00Z","cancelled_at":null,"fulfillment_status":"fulfilled","total":45,"currency":"GBP","event":"order","topic":"orders/fulfilled","hook_id":"w3"}
{"type":"checkout","id":"shopify:501","name":null,"customer":"c11","email":"jo@example.com","phone":null,"created_at":"2026-11-23T14:00:00Z","completed_at":null,"total":35,"currency":"GBP","abandoned_checkout_url":"https://shop.example/checkouts/501/recover","event":"checkout","topic":"checkouts/create","hook_id":"w4"}
{"type":"checkout","id":"shopify:502","name":null,"customer":"email:ivy@example.com","email":"ivy@example.com","phone":null,"created_at":"2026-11-23T13:00:00Z","completed_at":null,"total":20,"currency":"GBP","abandoned_checkout_url":"https://shop.example/checkouts/502/recover","event":"checkout","topic":"checkouts/create","hook_id":"w5"}
{"type":"checkout","id":"shopify:503","name":null,"customer":"c12","email":null,"phone":"+447700900012","created_at":"2026-11-23T14:50:00Z","completed_at":null,"total":9,"currency":"GBP","abandoned_checkout_url":"https://shop.example/checkouts/503/recover","event":"checkout","topic":"checkouts/create","hook_id":"w6"}
{"type":"checkout","id":"shopify:504","name":null,"customer":"c12","email":null,"phone":"+447700900012","created_at":"2026-11-23T12:00:00Z","completed_at":"2026-11-23T12:10:00Z","total":9,"currency":"GBP","abandoned_checkout_url":"https://shop.example/checkouts/504/recover","event":"checkout","topic":"checkouts/update","hook_id":"w7"}
{"type":"checkout","id":"shopify:501","name":null,"customer":"c11","email":"jo@example.com","phone":null,"created_at":"2026-11-23T14:00:00Z","completed_at":null,"total":35,"currency":"GBP","abandoned_checkout_url":"https://shop.example/checkouts/501/recover","event":"checkout","topic":"checkouts/update","hook_id":"w8"}
{"event":"message","wamid":"wamid.M1","from":"+447700900050","name":"Zoe","at":"2026-11-23T14:00:00Z","type":"text","text":"Hi, do you sell gift cards?"}
{"event":"status","wamid":"wamid.X","status":"delivered","at":"2026-11-23T14:01:00Z","to":"+447700900003"}
{"event":"message","wamid":"wamid.M2","from":"+447700900003","name":"Cy","at":"2026-11-23T14:10:00Z","type":"text","text":"Where is my order??"}
{"event":"message","wamid":"wamid.M3","from":"+447700900008","name":"Hal","at":"2026-11-23T14:20:00Z","type":"text","text":"How long does shipping take to Leeds?"}
{"event":"message","wamid":"wamid.M4","from":"+447700900051","at":"2026-11-22T23:30:00Z","type":"text","text":"hello? anyone there"}
{"event":"message","wamid":"wamid.M4b","from":"+447700900051","at":"2026-11-22T23:40:00Z","type":"text","text":"???"}
{"event":"message","wamid":"wamid.M5","from":"+447700900052","at":"2026-11-23T14:30:00Z","type":"text","text":"STOP"}
{"event":"opt_out","from":"+447700900052","at":"2026-11-23T14:30:00Z","via":"text","wamid":"wamid.M5"}
{"event":"message","wamid":"wamid.M6","from":"+447700900002","name":"Bob","at":"2026-11-23T14:40:00Z","type":"text","text":"Can I return the shoes?"}
{"event":"message","wamid":"wamid.M7","from":"+447700900010","name":"Ivy","at":"2026-11-23T14:45:00Z","type":"text","text":"status of my order?"}
{"event":"message","wamid":"wamid.M8","from":"+447700900003","at":"2026-11-23T14:50:00Z","type":"reaction","text":"👍","context":"wamid.X"}
{"event":"message","wamid":"wamid.M9","from":"+447700900053","at":"2026-11-21T10:00:00Z","type":"text","text":"where is my order"}
{"event":"message","wamid":"wamid.M10","from":"+447700900011","name":"Jo","at":"2026-11-23T14:55:00Z","type":"text","text":"thanks"}
EOF
printf '%s\n' +447700900052 >"$WA_HOME/suppress.txt"

# all: every journey once, in the order cron would start them
all() {
	rm -rf "$TMP/o"; mkdir "$TMP/o"
	for j in welcome order-confirmation shipping-update review-request abandoned-cart birthday winback; do
		"$J/$j" >"$TMP/o/$j.out" 2>"$TMP/o/$j.err" || echo "$j exit $?"
	done
	"$J/vip-early-access" spring-2026 'the spring collection' >"$TMP/o/vip.out" 2>"$TMP/o/vip.err" ||
		echo "vip-early-access exit $?"
	"$J/crisis-notice" delay_notice 'Hi [name], your order [order] leaves late, sorry' \
		>"$TMP/o/crisis.out" 2>"$TMP/o/crisis.err" || echo "crisis-notice exit $?"
	"$J/auto-replies" >"$TMP/o/auto-replies.out" 2>"$TMP/o/auto-replies.err" || echo "auto-replies exit $?"
	cat "$TMP"/o/*
}
# who LOG: one line per accepted message: campaign, recipient, template and
# parameters or text
who() {
	jq -r '"\(.key | sub("/.*"; "")) \(.to) " + (if .template then "\(.template) \(.params | join("|"))" + (if .buttons then " [\(.buttons | join(","))]" else "" end) else .text end)' "$1" | sort
}

check_same "first run: every journey exits 0 and prints nothing" "" "$(all)"
check_same "first run: exactly who got what" \
'abandoned-cart +447700900011 abandoned_cart Jo|https://shop.example/checkouts/501/recover
birthday +447700900001 birthday Ana
birthday +447700900002 birthday Bob
crisis-delay_notice +447700900010 delay_notice Ivy|#1006
order-confirmation +447700900003 order_confirmation Cy|#1001|59.90 GBP
order-confirmation +447700900010 order_confirmation Ivy|#1006|20 GBP
reply-away +447700900051 Hi there, we are closed now; we will answer as soon as we open.
reply-greeting +447700900050 Hi Zoe, thanks for writing! We will answer you shortly.
reply-keyword-returns +447700900002 You can return anything within 30 days: reply with your order number and we will send a label.
reply-keyword-shipping +447700900008 We ship within 1 to 2 working days; delivery takes 2 to 5 more.
reply-order-status +447700900003 Hi Cy, your order #1001 is on its way. Track it here: https://track.example/1001
reply-order-status +447700900010 Hi Ivy, your order #1006 is being prepared.
review-request +447700900008 review_request Hal|#1003 [SCORE:1,SCORE:2,SCORE:3,SCORE:4,SCORE:5]
review-request +447700900015 review_request Ned|#1007 [SCORE:1,SCORE:2,SCORE:3,SCORE:4,SCORE:5]
shipping-update +447700900003 shipping_update Cy|#1001|https://track.example/1001
vip-early-access-spring-2026 +447700900013 vip_early_access Lu|the spring collection
welcome +447700900001 welcome Ana
winback +447700900002 winback_offer Bob|15%' \
	"$(who "$TMP/log.jsonl")"
L=$WA_HOME/journeys.jsonl
check_same "quiet hours: Eve, at midnight in Tokyo, is deferred" "deferred quiet_hours" "$(ev "$L" c5)"
check_same "the cap (2/7d from the environment, not 9/1d from the config): Bob's third marketing message is skipped" \
	"skipped cap" "$(jq -r 'select(.campaign == "vip-early-access-spring-2026" and .id == "c2") | .event + " " + .reason' "$L")"
check_same "no consent, no message: Di is not even picked, Ian's order is skipped" "|skipped no_consent" \
	"$(ev "$L" c4)|$(jq -r 'select(.campaign == "order-confirmation" and .id == "shopify:1004") | .event + " " + .reason' "$L")"
check_same "the replies are keyed by the inbound wamid" \
	"reply-away/wamid.M4 reply-greeting/wamid.M1 reply-keyword-returns/wamid.M6 reply-keyword-shipping/wamid.M3 reply-order-status/wamid.M2 reply-order-status/wamid.M7" \
	"$(jq -r 'select(.key | startswith("reply-")) | .key' "$TMP/log.jsonl" | sort | paste -sd' ' -)"

n=$(lines "$TMP/log.jsonl")
check_same "second run: every journey exits 0 and prints nothing" "" "$(all)"
check_same "second run: nothing is sent again" "$n" "$(lines "$TMP/log.jsonl")"
check_same "second run: what was sent is skipped as already sent" "skipped already_sent" \
	"$(jq -r 'select(.campaign == "welcome" and .id == "c1") | .event + " " + .reason' "$L" | tail -1)"

# At 01:00 UTC it is 10:00 in Tokyo, and still three days to Eve's birthday there.
WA_NOW=2026-11-24T01:00:00Z "$J/birthday" >"$TMP/b3" 2>&1
check_same "quiet hours over: Eve's birthday goes out, and only hers" "0 birthday +819012345678 birthday Eve" \
	"$? $(tail -n +$((n + 1)) "$TMP/log.jsonl" >"$TMP/new.jsonl"; who "$TMP/new.jsonl")"
check_same "and the journey printed nothing" "" "$(cat "$TMP/b3")"

# Busy: another run of the journey, or another wa-send holding the ledger
flock "$WA_HOME/ledger.jsonl" sleep 3 &
BG=$!
sleep 0.3
check_same "a journey while another wa-send holds the ledger: exit 75, nothing printed" "75 " \
	"$("$J/welcome" 2>&1; echo "$? ")" 
wait $BG
flock "$WA_HOME/.journey-winback.lock" sleep 3 &
BG=$!
sleep 0.3
check_same "a journey while another run of it goes on: exit 75, nothing printed" "75 " \
	"$("$J/winback" 2>&1; echo "$? ")"
wait $BG

# A failure mails: non-zero exit and a line on stderr naming the log
mkdir -p "$TMP/h2"
cp "$WA_HOME/customers.jsonl" "$TMP/h2/"
start_mock fail -T "$TMP/tpl.jsonl" --error +447700900001=131026 -o "$TMP/fail.jsonl" ||
	{ echo "Bail out! bin/mock-graph did not start"; exit 1; }
WA_HOME=$TMP/h2 WA_API_URL=http://127.0.0.1:$PORT/v21.0 "$J/welcome" >"$TMP/f.out" 2>"$TMP/f.err"
check_same "a failed message: exit 1" 1 $?
check_same "and one line on stderr, for cron to mail" \
	"welcome: welcome: some messages failed or have no known outcome; see $TMP/h2/journeys.jsonl" "$(cat "$TMP/f.out" "$TMP/f.err")"
check_same "the failure is in the log" "failed recipient" "$(ev "$TMP/h2/journeys.jsonl" c1)"

# Usage
check_status "crisis-notice: an unknown [token] is a usage error" 2 \
	"$J/crisis-notice" delay_notice 'Hi [name], [colour]'
check_status "vip-early-access: no LAUNCH is a usage error" 2 "$J/vip-early-access"
check_status "a bad expression in the config is a usage error" 2 \
	env MARKETING_FILTER='opt_in &&' "$J/welcome"
for j in welcome order-confirmation shipping-update review-request abandoned-cart birthday \
	winback vip-early-access crisis-notice auto-replies; do
	"$J/$j" -h >"$TMP/h.out" 2>&1
	check_same "$j -h: its header, exit 0" "0 $j" "$? $(head -1 "$TMP/h.out" | sed 's/[: ].*//')"
done

# config.example documents every key the journeys read, with its default:
# uncommented and sourced, it gives what the scripts give by themselves.
sed -n 's/^: "\${\([A-Za-z_]*\)=.*/\1/p; s/^default \([A-Za-z_]*\) .*/\1/p' \
	"$J"/lib.sh "$J"/[a-z]*[!h] | sort -u >"$TMP/keys"
sed -n 's/^#\([A-Za-z_]*\)=.*/\1/p' "$J/config.example" | sort >"$TMP/documented"
check_file "config.example names every key, once" "$TMP/documented" <"$TMP/keys"
# defaults_of FILE...: the defaults of the keys, as the scripts set them
defaults_of() {
	env -i WA_HOME=/h sh -c '
		default() { eval "[ -n \"\${$1+set}\" ] || $1=\$2"; }
		eval "$(grep -h "^: \"\${[A-Za-z_]*=\|^default [A-Za-z_]* " "$@")"
		for k in $(cat "'"$TMP/keys"'"); do eval "printf \"%s=%s\\n\" \$k \"\${$k}\""; done' sh "$@"
}
env -i WA_HOME=/h sh -c '. "$1"; for k in $(cat "$2"); do eval "printf \"%s=%s\\n\" \$k \"\${$k}\""; done' sh \
	"$(sed 's/^#\([A-Za-z_]*=\)/\1/' "$J/config.example" >"$TMP/cfg"; echo "$TMP/cfg")" "$TMP/keys" >"$TMP/cfg.values"
defaults_of "$J"/lib.sh "$J"/[a-z]*[!h] >"$TMP/defaults"
check_file "config.example's values are the defaults" "$TMP/cfg.values" <"$TMP/defaults"

# crontab.example names journeys that exist
sed -n 's/.*\$J\/\([a-z-]*\).*/\1/p' "$TOP/scripts/crontab.example" | sort -u >"$TMP/cron"
check_same "crontab.example runs every journey" \
	"abandoned-cart auto-replies birthday crisis-notice order-confirmation review-request shipping-update vip-early-access welcome winback" \
	"$(paste -sd' ' "$TMP/cron")"

if command -v shellcheck >/dev/null 2>&1; then
	check "the journeys are shellcheck-clean" shellcheck -s sh -x "$J"/lib.sh "$J"/[a-z]*[!h]
else
	echo "ok $((_n + 1)) # SKIP shellcheck is not installed"; _n=$((_n + 1))
fi

done_testing
