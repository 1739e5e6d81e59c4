#!/bin/sh
# The story of issue 17, end to end, every step through the real programs: three
# customers write through wa-hook; the bot (the auto-replies journey) answers two;
# the third asks for a person, is handed off to after-sale and assigned to its
# on-duty agent, who gets the e-mail (a real SMTP server); she lists, shows,
# replies with a snippet and a photo; a read status comes back through wa-hook;
# she closes with a survey; the customer answers 5; wa-report -b agent, by hand.
. "$(dirname "$0")/lib.sh"

inbox_world	# T0: Monday 23 November 2026, 10:00:00Z (London: the same)
J=$TOP/scripts/journeys

# The store: Ana and Rui are customers (Rui gold, with an order); Tom is not.
cat >"$WA_HOME/customers.jsonl" <<'EOF2'
{"id":"101","first_name":"Ana","phone":"+447700900101","orders":1,"opt_in":true}
{"id":"103","first_name":"Rui","last_name":"Costa","phone":"+447700900103","tier":"gold","orders":1,"spent":89,"currency":"GBP","opt_in":true}
EOF2
cat >"$WA_HOME/orders.jsonl" <<'EOF2'
{"type":"order","id":"9001","name":"#1001","customer":"101","created_at":"2026-11-10T09:00:00Z","fulfillment_status":"fulfilled"}
{"type":"order","id":"9003","name":"#1003","customer":"103","created_at":"2026-11-20T09:00:00Z","fulfillment_status":"fulfilled","tracking_number":"1Z777"}
EOF2
cp "$TOP/scripts/rules/inbox.routes" "$WA_HOME/routes"
# after-sale: ann works Monday to Friday 09:00-17:00 in London, bob only evenings
cat >"$WA_HOME/agents" <<'EOF2'
bob	dept=after-sale email=bob@shop.example hours=mon-fri/18:00-23:00 tz=Europe/London
ann	dept=after-sale email=ann@shop.example hours=mon-fri/09:00-17:00 tz=Europe/London
EOF2
printf 'sorry\tSorry {{first_name|there}}: a new one goes out today, packed better ({{agent}})\n' \
	>"$WA_HOME/snippets"
printf '\211PNG\r\n\032\n\000\000\000\rIHDR the replacement, packed' >"$TMP/replacement.png"
printf '%s\n' '{"name":"csat","language":"en_US","body_params":1,"category":"utility","buttons":[{"type":"quick_reply"},{"type":"quick_reply"},{"type":"quick_reply"},{"type":"quick_reply"},{"type":"quick_reply"}]}' \
	>"$TMP/tpl.jsonl"

# wa-hook; the mock Cloud API, which knows who wrote (the window), reads every message,
# and posts its statuses, signed, to wa-hook; a real SMTP server with STARTTLS and AUTH.
WA_NOW=2026-11-23T10:03:00Z start_world -T "$TMP/tpl.jsonl"
make_cert || { echo "Bail out! openssl could not make a certificate"; exit 1; }
SINK_AUTH=inbox:smtp-pass-$$ start_smtp smtp --cert "$TMP/cert.pem" --key "$TMP/key.pem" --auth ||
	{ echo "Bail out! tests/smtp-sink.py did not start (python3-aiosmtpd)"; exit 1; }
printf 'smtp-pass-%s\n' $$ >"$TMP/smtp.pass"
WA_SMTP_URL=smtp://127.0.0.1:$SPORT WA_SMTP_USER=inbox WA_SMTP_PASSWORD_FILE=$TMP/smtp.pass
WA_SMTP_FROM=inbox@shop.example WA_CA_FILE=$TMP/cert.pem STORE_TZ=Europe/London
export WA_SMTP_URL WA_SMTP_USER WA_SMTP_PASSWORD_FILE WA_SMTP_FROM WA_CA_FILE STORE_TZ

# ib TIME ARGS...: wa-inbox at TIME on the 23rd, as ann
ib() { _at=$1; shift; WA_AGENT=ann WA_TOKEN=$TOKEN wa-inbox --now "2026-11-23T$_at" "$@"; }
api() { jq -r "$1" "$TMP/api.log"; }

# 1. Three customers write.
s1=$(msg Ana 447700900101 wamid.A1 0 '"type":"text","text":{"body":"How long does delivery to Leeds take?"}')
s2=$(msg Tom 447700900102 wamid.T1 60 '"type":"text","text":{"body":"hello! is the blue mug in stock?"}')
s3=$(msg Rui 447700900103 wamid.R1 120 '"type":"text","text":{"body":"My order #1003 has not come yet. Can I talk to a person?"}')
check_same "three customers write through wa-hook: three message events in the spool" \
	"200 200 200 3" "$s1 $s2 $s3 $(grep -c '"event":"message"' "$SP")"

# 2. The auto-replies journey (wa-inbox route --bot, then wa-send), as cron runs it at 10:03.
WA_NOW=2026-11-23T10:03:00Z WA_TOKEN=$TOKEN "$J/auto-replies" >"$TMP/j.out" 2>"$TMP/j.err"
check_same "the bot answers two: Ana's delivery question by its keyword, Tom by a greeting; exit 0, quiet" \
	"0|+447700900101 reply-keyword-shipping/wamid.A1|+447700900102 reply-greeting/wamid.T1|" \
	"$?|$(api '"\(.to) \(.key)"' | sort | paste -sd'|' -)|$(cat "$TMP/j.err")"
check_same "Rui asked for a person: handed off (reason person), routed to after-sale, the bot silent" \
	"handed_off person|routed after-sale|0" \
	"$(jq -r 'select(.event == "handed_off") | "\(.event) \(.reason)"' "$WA_HOME/inbox.jsonl")|$(jq -r 'select(.event == "routed" and .phone == "+447700900103") | "\(.event) \(.dept)"' "$WA_HOME/inbox.jsonl")|$(grep -c '+447700900103' "$TMP/api.log")"
check_same "assigned by route to ann, the after-sale agent on duty (bob works evenings)" \
	"ann route" "$(jq -r 'select(.event == "assigned") | "\(.agent) \(.by)"' "$WA_HOME/inbox.jsonl")"

# 3. The e-mail notification, read back from the SMTP server.
M=$TMP/smtp/000001.eml
check_same "one e-mail, to ann, from the inbox, over STARTTLS and AUTH" \
	"1 inbox@shop.example ann@shop.example" \
	"$(ls "$TMP/smtp" | grep -c '\.eml$') $(jq -r 'select(.event == "delivered") | "\(.sender) \(.to[0])"' "$TMP/smtp/log.jsonl")"
TIER=gold	# a variable: tests/0004 would take a word after a parenthesis for a command
check_same "its subject: the assignment, Rui, gold, after-sale, the deadline 30 minutes after he wrote" \
	"Subject: assigned: Rui Costa ($TIER), $(jq -r 'select(.event == "assigned") | .conv' "$WA_HOME/inbox.jsonl") after-sale, due 2026-11-23T10:32:00Z" \
	"$(grep '^Subject:' "$M" | tr -d '\r')"
check_same "its body: the card, Rui's message, the command to show it; no token, no password" \
	"1 1 1 0 0" \
	"$(grep -c '^customer: Rui Costa, +447700900103, id 103' "$M") $(grep -c '^2026-11-23T10:02:00Z < My order #1003 has not come yet' "$M") $(grep -c '^wa-inbox show ' "$M") $(grep -c "$TOKEN" "$M") $(grep -c "smtp-pass" "$M")"
WA_NOW=2026-11-23T10:04:00Z WA_TOKEN=$TOKEN "$J/auto-replies" >/dev/null 2>&1
check_same "the next journey run: no second e-mail, no second answer" "1 2" \
	"$(ls "$TMP/smtp" | grep -c '\.eml$') $(lines "$TMP/api.log")"

# 4. ann lists her conversations and shows Rui's.
ib 10:05:00Z --mine >"$TMP/mine"
CONV=$(jq -r .id "$TMP/mine")
check_same "ann's list (--mine): Rui only, waiting 3 minutes, due 10:32, not breached" \
	"Rui Costa gold after-sale ann waiting 180 2026-11-23T10:32:00Z false" \
	"$(jq -r '"\(.name) \(.tier) \(.dept) \(.agent) \(.state) \(.waited) \(.sla_due) \(.breached)"' "$TMP/mine")"
ib 10:05:00Z show "$CONV" >"$TMP/show1"
check_same "show: the card with the order and what the bot collected, then his message" \
	"1 1 1 1" \
	"$(grep -c '^customer: Rui Costa, +447700900103, id 103' "$TMP/show1") $(grep -c '#1003.*fulfilled.*1Z777' "$TMP/show1") $(grep -c '^bot: asked about #1003' "$TMP/show1") $(grep -c '^2026-11-23T10:02:00Z < My order #1003 has not come yet' "$TMP/show1")"

# 5. She replies with a snippet, then a photo.
ib 10:10:00Z reply "$CONV" --snippet sorry >"$TMP/r1"
check_same "a snippet, its placeholders filled, sent through the mock" \
	"0 sent|Sorry Rui: a new one goes out today, packed better (ann)" \
	"$? $(jq -r .event "$TMP/r1")|$(api 'select(.to == "+447700900103" and .type == "text") | .text')"
ib 10:11:00Z reply "$CONV" --media "$TMP/replacement.png" --caption 'Your replacement, {{first_name}}' >"$TMP/r2"
check_same "a photo: uploaded, then sent as an image by its media id, with its caption" \
	"0 sent|image yes Your replacement, Rui" \
	"$? $(jq -r .event "$TMP/r2")|$(api 'select(.to == "+447700900103" and .type == "image") | "\(.type) \(.media | test("^[0-9]+$") | if . then "yes" else "no" end) \(.text)"')"

# 6. The mock reads both and posts the statuses to wa-hook.
W1=$(jq -r .wamid "$TMP/r1")
W2=$(jq -r .wamid "$TMP/r2")
# isread W: has the mock's read status of W reached the spool?
isread() { [ -n "$(jq -r --arg w "$1" 'select(.event == "status" and .wamid == $w and .status == "read") | .wamid' "$SP")" ]; }
wait_for isread "$W1" && wait_for isread "$W2"
check_same "read statuses for both reach the spool through wa-hook" 0 $?
ib 10:12:00Z show "$CONV" >"$TMP/show2"
check_same "show: both replies, by ann, the photo by its media id, each read" "2 1" \
	"$(grep -c '^2026-11-23T10:1[01]:00Z > ann: .*(read)$' "$TMP/show2") $(grep -c '> ann: \[image [0-9]* Your replacement, Rui\]' "$TMP/show2")"

# 7. She closes it with the survey; Rui answers 5.
ib 10:20:00Z close "$CONV" --survey -p '{{first_name|there}}' >"$TMP/c1"
SURVEY=$(jq -r .wamid "$TMP/c1")
check_same "closed with the csat survey: its five SCORE buttons, keyed by the conversation" \
	"0 sent csat SCORE:1,SCORE:2,SCORE:3,SCORE:4,SCORE:5 inbox-survey/$CONV|closed ann" \
	"$? $(jq -r .event "$TMP/c1") $(api 'select(.template == "csat") | "\(.template) \(.buttons | join(",")) \(.key)"')|$(jq -r 'select(.event == "closed") | "\(.event) \(.agent)"' "$WA_HOME/inbox.jsonl")"
s5=$(msg Rui 447700900103 wamid.R2 1290 "\"type\":\"button\",\"button\":{\"payload\":\"SCORE:5\",\"text\":\"5\"},\"context\":{\"from\":\"15550783881\",\"id\":\"$SURVEY\"}")
check_same "Rui answers 5 through wa-hook" "200 SCORE:5 $SURVEY" \
	"$s5 $(jq -r 'select(.wamid == "wamid.R2") | "\(.payload) \(.context)"' "$SP")"
check_same "nothing is left for ann" "" "$(ib 10:22:00Z --mine | jq -r .id)"

# 8. wa-report -b agent, checked by hand:
#    Rui wrote at 10:02:00, ann's first reply went at 10:10:00: 480 s; gold's target
#    is 30 minutes, so the SLA was met (1 of 1); closed at 10:20:00: resolved in
#    1080 s; the survey's one answer is 5. Ana and Tom: the bot alone.
wa-report --now 2026-11-23T10:30:00Z -b agent >"$TMP/a.json" 2>"$TMP/a.err"
check_same "wa-report -b agent: ann 1 conversation handed off, first response 480 s, resolved in 1080 s, SLA met (1, rate 1), CSAT 5 of 1 answer" \
	"ann 1 0 1 480 1080 1 1 5 1" \
	"$(jq -r 'select(.group == "ann") | "\(.group) \(.conversations) \(.bot_only) \(.handed_off) \(.first_response_p50_s) \(.resolution_p50_s) \(.sla_met) \(.sla_met_rate) \(.csat) \(.csat_answers)"' "$TMP/a.json")"
check_same "and the bot alone: Ana's and Tom's conversations; nothing on stderr" \
	"(bot) 2 2 0|" \
	"$(jq -r 'select(.group == "(bot)") | "\(.group) \(.conversations) \(.bot_only) \(.handed_off)"' "$TMP/a.json")|$(cat "$TMP/a.err")"
done_testing
