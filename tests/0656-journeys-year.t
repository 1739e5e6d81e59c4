#!/bin/sh
# The journeys after a year, at a small scale: their orders folded by wa-segment --fold as the
# old jq reduce folded them; order journeys and fallback-email on a rolled spool read only what
# came since their cursor (an old segment cut short is never opened), a webhook order rolled
# into a segment after the last run included; auto-replies answers after a year of history what
# it answers on fresh state with the same routing rules (the bench compares them so).
. "$(dirname "$0")/lib.sh"

mail_world 0656
WA_NOW=2026-11-23T15:00:00Z
export WA_NOW
cat >"$TMP/tpl.jsonl" <<'EOF'
{"name":"shipping_update","language":"en_US","body_params":3}
EOF
start_mail

# --- the fold: an export's orders, then webhooks adding fields, as the journeys' jq did it
cat >"$TMP/orders.jsonl" <<'EOF'
{"type":"order","id":"o1","name":"#1","customer":"c1","created_at":"2026-11-20T10:00:00Z","fulfilled_at":null,"fulfillment_status":"unfulfilled","total":12.5}
{"type":"order","id":2,"name":"#2","customer":"c2","created_at":"2026-11-21T10:00:00Z","fulfilled_at":null}
{"type":"checkout","id":"o1","customer":"c3","created_at":"2026-11-21T11:00:00Z"}
{"event":"order","hook_id":"h9","type":"order","id":"o1","fulfilled_at":"2026-11-23T09:00:00Z","fulfillment_status":"fulfilled","name":null}
{"event":"order","type":"order","id":"2","extra":{"tracking_url":"https://t.example/2"},"total":7}
EOF
JQ_FOLD='reduce inputs as $o ({};
	"\($o.type) \($o.id)" as $k
	| .[$k] = ((.[$k] // {}) + ($o | with_entries(select(.value != null)))))
	| .[] | del(.event, .hook_id)'
check_same "wa-segment --fold: the records the journeys' jq fold made, in order" \
	"$(jq -c -n "$JQ_FOLD" "$TMP/orders.jsonl" | jq -cS .)" \
	"$(wa-segment --fold true "$TMP/orders.jsonl" 2>&1 | jq -cS .)"

# --- a spool after a year: an old segment cut short (reading it fails; the index dates it), the
# journeys' fold cursor in the file that then rolled, a webhook order written after that run
H=$WA_HOME
mkdir -p "$H/events"
cat >"$H/customers.jsonl" <<'EOF'
{"id":"c1","first_name":"Ana","phone":"+447700900001","email":"ana@example.org","tz":"Europe/London","opt_in":true,"email_opt_in":true,"tags":[]}
{"id":"c2","first_name":"Bob","phone":"+447700900002","email":"bob@example.org","tz":"Europe/London","opt_in":true,"email_opt_in":true,"tags":[]}
{"id":"c3","first_name":"Cy","phone":"+447700900003","email":"cy@example.org","tz":"Europe/London","opt_in":true,"email_opt_in":true,"tags":[]}
EOF
printf '{"type":"order","id":"o0","name":"#0","customer":"c3","created_at":"2026-11-01T10:00:00Z","fulfilled_at":"2026-11-02T10:00:00Z","fulfillment_status":"fulfilled"}\n' >"$H/orders.jsonl"
seq 1000 | gzip | head -c 40 >"$H/events/2026-01.jsonl.gz"
echo "2026-01 2026-01-01T00:00:00Z 2026-01-31T00:00:00Z 1 1" >"$H/events/index"
printf '{"event":"status","status":"read","wamid":"wamid.X","at":"2026-11-22T10:00:00Z"}\n' >"$H/events.jsonl"
echo "$(wc -c <"$H/events.jsonl" | tr -d ' ') $(stat -c '%i %d' "$H/events.jsonl")" >"$H/journey-events.state.cursor"
: >"$H/journey-events.state"
printf '{"event":"order","type":"order","id":"o7","name":"#7","customer":"c1","created_at":"2026-11-22T10:00:00Z","fulfilled_at":"2026-11-23T10:00:00Z","fulfillment_status":"fulfilled","extra":{"tracking_url":"https://t.example/7"}}\n' >>"$H/events.jsonl"
# the roll as wa-hook makes it: renamed, a new live file, then gzipped, its inode in the index
ino=$(stat -c %i "$H/events.jsonl") dev=$(stat -c %d "$H/events.jsonl")
mv "$H/events.jsonl" "$H/events/2026-11.jsonl" && : >"$H/events.jsonl" && gzip "$H/events/2026-11.jsonl"
echo "2026-11 2026-11-22T10:00:00Z 2026-11-22T10:00:00Z $dev $ino" >>"$H/events/index"
sh "$J/shipping-update" 2>"$TMP/su.err"
check_same "shipping-update on a rolled spool: the order rolled away after its last run, old segments unread" \
	"0 +447700900001" "$? $(jq -r .to "$TMP/graph.log" 2>/dev/null | paste -sd' ' -)"

# --- fallback-email on the same spool: the journeys' log says WhatsApp failed for Bob
printf '{"event":"failed","campaign":"spring","id":"c2","to":"+447700900002","error":{"code":131026}}\n' >>"$H/journeys.jsonl"
printf 'From: Shop <shop@example.com>\nSubject: Our spring sale\n\nHello {{first_name|there}}\n' >"$TMP/spring.eml"
sh "$J/fallback-email" spring "$TMP/spring.eml" 2>"$TMP/fb.err"
check_same "fallback-email on a rolled spool: the e-mail to Bob" "0 bob@example.org" \
	"$? $(jq -r 'select(.event == "delivered") | .to[0]' "$TMP/sink/log.jsonl" 2>/dev/null | paste -sd' ' -)"

# --- auto-replies after a year against fresh state: a month of history (a customer handed off,
# one who wrote the evening before, orders), then the last day; fresh state has the last day,
# the same customers, orders, config and routing rules
Y=$TMP/year F=$TMP/fresh
mkdir -p "$Y/events" "$F"
cp "$H/customers.jsonl" "$H/orders.jsonl" "$Y/"
cp "$TOP/scripts/rules/inbox.routes" "$Y/routes"
printf 'KEYWORDS="hours"\nKEYWORD_hours="hours|open"\nANSWER_hours="9 to 6."\nSTORE_TZ=Europe/London\n' >"$Y/config"
msg() { printf '{"event":"message","wamid":"wamid.%s","from":"%s","name":"N","at":"%s","type":"text","text":"%s"}\n' "$@"; }
{
	msg h1 +447700900003 2026-10-20T10:00:00Z "human please"
	msg h2 +447700900002 2026-10-21T10:00:00Z "what are your hours"
	msg h3 +447700900001 2026-11-22T21:00:00Z "thanks"
} | gzip >"$Y/events/2026-10.jsonl.gz"
{
	msg d1 +447700900001 2026-11-23T07:00:00Z "where is my order"
	msg d2 +447700900002 2026-11-23T08:00:00Z "are you open today"
	msg d3 +447700900003 2026-11-23T09:00:00Z "hello"
	msg d4 +447700900004 2026-11-23T06:00:00Z "hi"
} >"$Y/events.jsonl"
cp "$Y/customers.jsonl" "$Y/orders.jsonl" "$Y/config" "$Y/routes" "$Y/events.jsonl" "$F/"
# free-form answers need the window: this mock knows the customers' messages
start_mock replies --inbound "$Y/events.jsonl" -o "$TMP/replies.log" ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
WA_API_URL=http://127.0.0.1:$PORT/v21.0
for h in "$Y" "$F"; do
	WA_HOME=$h sh "$J/auto-replies" 2>>"$TMP/ar.err"
	echo "exit $?"
	jq -r 'select(.event == "sent") | [.campaign, .id] | join(" ")' "$h/journeys.jsonl" | sort
done >"$TMP/ar"
check_same "auto-replies after a month of history answers what it answers on fresh state" \
	"$(sed -n '/^exit/,$p' "$TMP/ar" | awk 'NR > 1 && /^exit/ { exit } { print }')" \
	"$(awk '/^exit/ { n++ } n == 2' "$TMP/ar")"
check "and it answered something" grep -q reply- "$TMP/ar"
done_testing
