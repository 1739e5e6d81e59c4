#!/bin/sh
# wa-inbox route --bot: the bot's answers, its hand-offs to a person (asked
# for in several languages, no answer twice, a complaint, a VIP), its silence
# from the hand-off until the close, and what it collected on the card.
. "$(dirname "$0")/lib.sh"

mkdir -p "$WA_HOME"
SP=$WA_HOME/events.jsonl
ST=$WA_HOME/journey-auto-replies.state
cp "$TOP/scripts/rules/inbox.routes" "$WA_HOME/routes"
cat >"$WA_HOME/customers.jsonl" <<'EOF'
{"id":"q1","first_name":"Quin","phone":"+447700900301","orders":1,"spent":50,"tags":[]}
{"id":"v1","first_name":"Val","phone":"+447700900302","tier":"platinum","orders":9,"spent":9000,"tags":[]}
{"id":"k1","first_name":"Kai","phone":"+447700900303","orders":0,"spent":0,"tags":[]}
EOF
cat >"$WA_HOME/orders.jsonl" <<'EOF'
{"type":"order","id":"7001","name":"#1001","customer":"q1","created_at":"2026-11-20T09:00:00Z","fulfillment_status":"fulfilled","extra":{"tracking_url":"https://track.example/1001"}}
EOF

# say FROM WAMID HH:MM TEXT: a message in the spool at that time on Monday 23 November
say() {
	jq -nc --arg f "$1" --arg w "$2" --arg at "2026-11-23T$3:00Z" --arg t "$4" \
		'{event: "message", wamid: $w, from: $f, at: $at, type: "text", text: $t}' >>"$SP"
}
# bot TIME ARGS...: the bot's run at TIME (its answers: route wamid), the state then put in place
bot() {
	_t=$1; shift
	wa-inbox --now "2026-11-23T$_t:00Z" route --bot "$ST" --order-pattern 'where is my|order' \
		--keyword 'shipping=shipping|delivery' "$@" >"$TMP/ans" || return $?
	mv "$ST.new" "$ST"
	jq -r '"\(.route) \(.wamid)"' "$TMP/ans" | sort | paste -sd' ' -
}
# handed: "WAMID REASON" of the log's hand-offs, in order
handed() { jq -r 'select(.event == "handed_off") | "\(.wamid) \(.reason)"' "$WA_HOME/inbox.jsonl" | paste -sd'|' -; }

# Someone asks for a person in six languages; a seventh only asks about shipping.
say +447700900401 wamid.es 10:00 'Quiero hablar con una persona, por favor'
say +447700900402 wamid.pt 10:01 'Preciso falar com um atendente'
say +447700900403 wamid.zh 10:02 '请转人工客服'
say +447700900404 wamid.en 10:03 'can I talk to a human?'
say +447700900405 wamid.de 10:04 'Bitte einen Mitarbeiter'
say +447700900406 wamid.ar 10:05 'أريد التحدث مع موظف'
say +447700900407 wamid.ok 10:06 'how long is delivery to Leeds?'
check_same "asking for a person, in Spanish, Portuguese, Chinese, English, German, Arabic: no bot answer; shipping is answered" \
	"keyword-shipping wamid.ok" "$(bot 10:10)"
check_same "each of them handed off to a person, reason person, in the log" \
	"wamid.es person|wamid.pt person|wamid.zh person|wamid.en person|wamid.de person|wamid.ar person" "$(handed)"
check_same "wa-inbox list: the six are handed_off, the seventh waits for the bot's answer to go" \
	"handed_off handed_off handed_off handed_off handed_off handed_off waiting" \
	"$(wa-inbox --now 2026-11-23T10:11:00Z | jq -r .state | sort | paste -sd' ' -)"

# No answer twice in a row: a known customer during business hours says what the bot cannot answer.
say +447700900301 wamid.q1 10:20 'where is my order #1001?'
say +447700900301 wamid.q2 10:21 'hmm, and the colour?'
say +447700900301 wamid.q3 10:22 'the blue one?'
say +447700900301 wamid.q4 10:23 'and shipping?'
check_same "no answer twice in a row: order status, then silence; the shipping question after the hand-off unanswered" \
	"order-status wamid.q1" "$(bot 10:30)"
check_same "handed off at the second message without an answer, reason 'no answer'" \
	"wamid.q3 no answer" "$(handed | tr '|' '\n' | tail -1)"
wa-inbox --now 2026-11-23T10:31:00Z show +447700900301 >"$TMP/card"
check_same "the card: what the bot collected (order asked about, routes taken) and the hand-off in the thread" \
	"bot: asked about #1001; answered order-status|2026-11-23T10:30:00Z # handed_off: no answer" \
	"$(grep '^bot:' "$TMP/card")|$(grep ' # handed_off' "$TMP/card")"
check_same "wa-inbox list -o json: the hand-off's state" "handed_off" \
	"$(wa-inbox --now 2026-11-23T10:31:00Z -e 'phone == "+447700900301"' | jq -r .state)"

# A complaint, in Portuguese, goes to a person at once; so does a platinum customer (VIP).
say +447700900408 wamid.c1 10:40 'Isto é uma reclamação: o pedido veio errado'
say +447700900302 wamid.v1 10:41 'where is my order #2002?'
check_same "a complaint and a VIP: no bot answer" "" "$(bot 10:45)"
check_same "their reasons: complaint, vip" "wamid.c1 complaint|wamid.v1 vip" \
	"$(handed | tr '|' '\n' | tail -2 | paste -sd'|' -)"
wa-inbox --now 2026-11-23T10:46:00Z show +447700900302 >"$TMP/vcard"
check_same "the VIP's card: the order number she asked about, no bot answer" \
	"bot: asked about #2002; answered -" "$(grep '^bot:' "$TMP/vcard")"

# Silence until close: the English speaker writes again; an agent closes; she writes again.
say +447700900404 wamid.en2 11:00 'any news on delivery?'
check_same "after the hand-off the bot stays silent, though the text fits a keyword" "" "$(bot 11:05)"
WA_AGENT=ann wa-inbox --now 2026-11-23T11:10:00Z close +447700900404 >/dev/null
say +447700900404 wamid.en3 11:20 'one more thing: delivery to Paris?'
check_same "after the close, a new conversation: the bot answers again" \
	"keyword-shipping wamid.en3" "$(bot 11:25)"
check_same "no second hand-off for anyone" "9 1" \
	"$(grep -c '"handed_off"' "$WA_HOME/inbox.jsonl") $(cat "$TMP/ans" | wc -l | tr -d ' ')"

# A rerun from the same state (a killed journey) gives the same answers and logs nothing twice.
cp "$ST" "$TMP/st.keep"
say +447700900409 wamid.r1 11:30 'shipping to Leeds?'
say +447700900409 wamid.r2 11:31 'hello'
say +447700900409 wamid.r3 11:32 'hello??'
say +447700900409 wamid.r4 11:33 'shipping?'
a1=$(bot 11:40)
n1=$(lines "$WA_HOME/inbox.jsonl")
cp "$TMP/st.keep" "$ST"
a2=$(bot 11:41)
check_same "a rerun from the old state: the same answers, the same hand-off, nothing logged twice" \
	"keyword-shipping wamid.r1|keyword-shipping wamid.r1|$n1|wamid.r3 no answer" \
	"$a1|$a2|$(lines "$WA_HOME/inbox.jsonl")|$(handed | tr '|' '\n' | tail -1)"

# --misses 0: the bot never gives up by itself; without a routes file nobody is handed off by rule.
rm "$WA_HOME/routes"
h0=$(grep -c '"handed_off"' "$WA_HOME/inbox.jsonl")
say +447700900410 wamid.m1 12:00 'hello'
say +447700900410 wamid.m2 12:01 'hello?'
say +447700900410 wamid.m3 12:02 'hello??'
say +447700900410 wamid.m4 12:03 'shipping?'
say +447700900411 wamid.h1 12:04 'can I talk to a human?'
check_same "--misses 0 and no routes file: no hand-off; a greeting each, the fourth message answered" \
	"greeting wamid.h1 greeting wamid.m1 keyword-shipping wamid.m4" "$(bot 12:10 --misses 0)"
check_same "and the log has no new hand-off" "$h0" "$(grep -c '"handed_off"' "$WA_HOME/inbox.jsonl")"

# Usage
check_status "--keyword without a pattern: exit 2" 2 wa-inbox route --bot "$ST" --keyword shipping
check_status "--hours not HH:MM-HH:MM: exit 2" 2 wa-inbox route --bot "$ST" --hours 9-18
check_status "a bad pattern: exit 2" 2 wa-inbox route --bot "$ST" --order-pattern '(['
check_status "--tz that is no zone: exit 2" 2 wa-inbox --now 2026-11-23T12:20:00Z route --bot "$ST" --tz Mars/Olympus
done_testing
