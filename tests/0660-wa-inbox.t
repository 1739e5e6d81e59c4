#!/bin/sh
# wa-inbox: conversations from wa-hook's spool, wa-send's ledger and the inbox log,
# listed by SLA, shown, answered once through the mock Cloud API, assigned, noted, closed.
. "$(dirname "$0")/lib.sh"

inbox_world
# The mock's clock starts at 10:19, a minute before the first wa-inbox run.
start_world
# ib TIME ARGS...: wa-inbox at TIME
ib() { _at=$1; shift; WA_TOKEN=$TOKEN wa-inbox --now "2026-11-23T$_at" "$@"; }

cat >"$WA_HOME/customers.jsonl" <<'EOF2'
{"id":"101","first_name":"Ana","last_name":"Lima","phone":"+447700900101","tier":"gold","tags":["vip"],"orders":3,"spent":420.5,"currency":"GBP","opt_in":true}
{"id":"102","first_name":"Bo","phone":"+447700900102","orders":1,"spent":60,"spent_365d":60,"currency":"GBP","opt_in":false}
EOF2
cat >"$WA_HOME/orders.jsonl" <<'EOF2'
{"type":"order","id":"9001","name":"#1001","customer":"101","created_at":"2026-10-01T09:00:00Z","fulfillment_status":"fulfilled","tracking_number":"1Z999"}
{"type":"order","id":"9002","name":"#1002","customer":"101","created_at":"2026-11-20T09:00:00Z","fulfillment_status":null}
EOF2

c1=$(msg Ana 447700900101 wamid.A1 0 '"type":"text","text":{"body":"where is my order #1002?"}')
c2=$(msg Bo 447700900102 wamid.B1 300 '"type":"image","image":{"caption":"it came broken","mime_type":"image/jpeg","id":"MEDIA-7"}}')
c3=$(msg Cy 447700900103 wamid.C1 -108000 '"type":"text","text":{"body":"hello?"}')
check_same "three customers write through wa-hook" "200 200 200 3" "$c1 $c2 $c3 $(lines "$SP")"

ib 10:20:00Z >"$TMP/l1"
check_same "list: not a terminal, JSON lines sorted by sla_due: Cy breached, Ana gold, Bo silver" \
	"Cy other true 2026-11-22T08:00:00Z|Ana Lima gold false 2026-11-23T10:30:00Z|Bo silver false 2026-11-23T12:05:00Z" \
	"$(jq -r '"\(.name) \(.tier // "other") \(.breached) \(.sla_due)"' "$TMP/l1" | paste -sd'|' -)"
check_same "list: state, waited, window left, last message" \
	"waiting 1200 85200 where is my order #1002?" \
	"$(jq -r 'select(.phone == "+447700900101") | "\(.state) \(.waited) \(.window_left) \(.last)"' "$TMP/l1")"
ANA=$(jq -r 'select(.phone == "+447700900101") | .id' "$TMP/l1")
check_same "--breached and -e over the fields" "Cy|Ana Lima" \
	"$(ib 10:20:00Z --breached | jq -r .name)|$(ib 10:20:00Z -e 'tier == "gold" && waited > 600' | jq -r .name)"
ib 10:20:00Z -o table >"$TMP/t1"
check_same "-o table: a header and a row each" "conversation customer tier 4" \
	"$(head -1 "$TMP/t1" | awk '{ print $1, $2, $3 }') $(lines "$TMP/t1")"

check_status "route without a routes file: exit 2" 2 ib 10:20:10Z route
cp "$TOP/scripts/rules/inbox.routes" "$WA_HOME/routes"
ib 10:20:10Z route >"$TMP/rt1"
check_same "route: each new conversation to the first department of scripts/rules/inbox.routes it matches" \
	"Ana Lima after-sale|Bo complaint|Cy pre-sale|after-sale complaint pre-sale" \
	"$(ib 10:20:20Z | jq -r '"\(.name) \(.dept)"' | sort | paste -sd'|' -)|$(jq -r .dept "$TMP/rt1" | paste -sd' ' -)"
ib 10:20:20Z route >"$TMP/rt2"
rm "$WA_HOME/inbox.cursor"
ib 10:20:30Z route >"$TMP/rt3"
check_same "route again, and without its cursor: nothing routed twice; the cursor at the spool's end" \
	"0 0 3 $(wc -c <"$SP" | tr -d ' ')" \
	"$(lines "$TMP/rt2") $(lines "$TMP/rt3") $(grep -c '"routed"' "$WA_HOME/inbox.jsonl") $(cut -d' ' -f1 "$WA_HOME/inbox.cursor")"
check_same "--dept" "Bo" "$(ib 10:20:30Z --dept complaint | jq -r .name)"
msg Bo 447700900102 wamid.B2 1240 '"type":"text","text":{"body":"can I talk to a human?"}' >/dev/null
ib 10:20:50Z route >"$TMP/rt4"
check_same "route: a customer who asks for a person is handed off, once; state handed_off" \
	"handed_off handed_off|0" \
	"$(jq -r .event "$TMP/rt4") $(ib 10:20:50Z | jq -r 'select(.name == "Bo") | .state')|$(ib 10:20:55Z route | wc -l | tr -d ' ')"
check_status "assign without WA_AGENT: exit 2" 2 ib 10:21:00Z assign +447700900101 ann
WA_AGENT=lead ib 10:21:00Z assign "$ANA" ann
check_same "assign: by conversation id; --agent and --mine" "ann ann Ana Lima" \
	"$(ib 10:21:00Z -e 'agent != null' | jq -r .agent) $(WA_AGENT=ann ib 10:21:00Z --mine | jq -r .agent) $(ib 10:21:00Z --agent ann | jq -r .name)"

WA_AGENT=ann ib 10:22:00Z reply 101 'Hi {{first_name|there}}, #1002 ships today' >"$TMP/r1"
check_same "reply by customer id: sent through the mock, filled, keyed by conversation and reply" \
	"0 sent +447700900101 Hi Ana, #1002 ships today inbox/$ANA/r" \
	"$? $(jq -r .event "$TMP/r1") $(jq -r '"\(.to) \(.text) \(.key)"' "$TMP/api.log" | sed 's,/r[0-9a-f]*$,/r,')"
KEY=$(jq -r .key "$TMP/api.log")
check_same "reply: in wa-send's ledger (attempt, sent) and in the inbox log" "attempt sent|ann $KEY" \
	"$(jq -r "select(.key == \"$KEY\") | .event" "$WA_HOME/ledger.jsonl" | paste -sd' ' -)|$(jq -r 'select(.event == "replied") | "\(.agent) \(.key)"' "$WA_HOME/inbox.jsonl")"
WA_AGENT=ann ib 10:22:30Z reply +447700900101 'Hi {{first_name|there}}, #1002 ships today' >"$TMP/r2"
check_same "the same reply again goes once: skipped already_sent" "1 skipped already_sent 1" \
	"$? $(jq -r '"\(.event) \(.reason)"' "$TMP/r2") $(lines "$TMP/api.log")"
ib 10:23:00Z >"$TMP/l2"
check_same "answered: no wait, no SLA" "answered null null false" \
	"$(jq -r "select(.id == \"$ANA\") | \"\(.state) \(.waited) \(.sla_due) \(.breached)\"" "$TMP/l2")"

WA_AGENT=bo ib 10:23:00Z reply +447700900101 'me too' >"$TMP/r3" 2>&1
check_same "another agent within --collision 2m: exit 2, warned, nothing sent" "2 1 1" \
	"$? $(grep -c 'ann answered at 2026-11-23T10:22:00Z: --force' "$TMP/r3") $(lines "$TMP/api.log")"
WA_AGENT=bo ib 10:23:00Z reply --force +447700900101 'me too' >/dev/null 2>&1
check_same "--force sends it" "0 2" "$? $(lines "$TMP/api.log")"
WA_AGENT=bo ib 10:30:00Z reply --collision 10m +447700900101 'and me' >/dev/null 2>&1
check_same "--collision 10m: ann's and bo's own replies; bo is not warned of himself" "2 2" \
	"$? $(lines "$TMP/api.log")"

WA_TOKEN=$TOKEN wa-templates sync >/dev/null 2>&1
WA_AGENT=ann ib 10:31:00Z reply +447700900103 'sorry for the wait' >"$TMP/r4" 2>"$TMP/e4"
check_same "free-form outside the 24-hour window: exit 2, the approved templates named, nothing sent" \
	"2 1 2" "$? $(grep -c 'window closed at 2026-11-23T04:00:00Z: only a template may go, -t .*hello' "$TMP/e4") $(lines "$TMP/api.log")"
WA_AGENT=ann ib 10:31:00Z reply +447700900103 -t hello >"$TMP/r5"
check_same "a template goes outside the window" "0 sent hello" \
	"$? $(jq -r .event "$TMP/r5") $(tail -1 "$TMP/api.log" | jq -r .template)"

printf '# quick replies\nsorry\tSorry {{first_name|there}}, a new one is on its way ({{agent}})\n' >"$WA_HOME/snippets"
WA_AGENT=ann ib 10:32:00Z reply +447700900102 --snippet sorry >/dev/null
check_same "--snippet: from \$WA_HOME/snippets, its placeholders filled" \
	"Sorry Bo, a new one is on its way (ann)" "$(tail -1 "$TMP/api.log" | jq -r .text)"
check_status "--snippet that does not exist: exit 2" 2 env WA_AGENT=ann WA_TOKEN=$TOKEN \
	wa-inbox --now 2026-11-23T10:32:00Z reply +447700900102 --snippet nope

WAMID=$(head -1 "$TMP/api.log" | jq -r .wamid)
wait_for grep -q "\"status\":\"read\".*$WAMID\|$WAMID.*\"status\":\"read\"" "$SP"
check_same "the mock's read status reaches the spool through wa-hook" 0 $?
msg Ana 447700900101 wamid.A2 1500 "\"type\":\"text\",\"text\":{\"body\":\"great, thanks\"},\"context\":{\"from\":\"15550783881\",\"id\":\"$WAMID\"}" >/dev/null
WA_AGENT=ann ib 10:26:00Z note +447700900101 'asked about #1002'
ib 10:40:00Z show +447700900101 >"$TMP/s1"
check_file "show: the card (tier, tags, spend, consent, orders) and the thread, oldest first" "$TMP/s1" <<EOF2
conversation: $ANA, waiting, opened 2026-11-23T10:00:00Z
customer: Ana Lima, +447700900101, id 101
tier: gold; tags vip; spent 420.50 GBP; consent yes
agent: ann; dept: after-sale
order: #1002 2026-11-20T09:00:00Z unfulfilled
order: #1001 2026-10-01T09:00:00Z fulfilled, tracking 1Z999

2026-11-23T10:00:00Z < where is my order #1002?
2026-11-23T10:20:10Z # routed: after-sale
2026-11-23T10:21:00Z # assigned ann
2026-11-23T10:22:00Z > ann: Hi Ana, #1002 ships today (read)
2026-11-23T10:23:00Z > bo: me too (read)
2026-11-23T10:25:00Z < (re "Hi Ana, #1002 ships today") great, thanks
2026-11-23T10:26:00Z # note ann: asked about #1002
EOF2
ib 10:40:00Z show +447700900102 >"$TMP/s2"
check_same "show: media as type, id and caption; tier from wa-segment's rules" \
	"tier: silver; tags -; spent 60.00 GBP; consent no|2026-11-23T10:05:00Z < [image MEDIA-7 it came broken] " \
	"$(sed -n 3p "$TMP/s2")|$(grep ' < ' "$TMP/s2" | head -1)"

ib 10:40:00Z show +447700900102 --follow -o json >"$TMP/fol" 2>&1 &
FPID=$!
PIDS="$PIDS $FPID"
wait_for grep -q 'wamid.B1' "$TMP/fol"
msg Bo 447700900102 wamid.B3 2100 '"type":"text","text":{"body":"got it, thanks"}' >/dev/null
wait_for grep -q 'wamid.B3' "$TMP/fol"
check_same "show --follow: the thread, then the new message as it arrives, once" "got it, thanks 1" \
	"$(tail -1 "$TMP/fol" | jq -r .text) $(grep -c 'wamid.B3' "$TMP/fol")"
kill "$FPID" 2>/dev/null

WA_AGENT=ann ib 10:41:00Z close +447700900101 --survey -t review_request \
	-p '{{first_name|there}}' -p 'your chat' >"$TMP/c1"
check_same "close --survey: the template with SCORE quick replies, keyed by the conversation" \
	"0 review_request inbox-survey/$ANA SCORE:1,SCORE:5" \
	"$? $(tail -1 "$TMP/api.log" | jq -r '"\(.template) \(.key)"') $(tail -1 "$TMP/api.log" | jq -r '.buttons | [first, last] | join(",")')"
check_same "closed: out of the list, in --all, its agent and survey in the log" \
	"0 1 ann inbox-survey/$ANA" \
	"$(ib 10:42:00Z | jq -c "select(.id == \"$ANA\")" | wc -l | tr -d ' ') $(ib 10:42:00Z --all | jq -c "select(.id == \"$ANA\" and .state == \"closed\")" | wc -l | tr -d ' ') $(jq -r 'select(.event == "closed") | "\(.agent) \(.survey)"' "$WA_HOME/inbox.jsonl")"
msg Ana 447700900101 wamid.A3 3000 '"type":"text","text":{"body":"one more thing"}' >/dev/null
NEW=$(ib 10:51:00Z | jq -r 'select(.phone == "+447700900101") | .id')
check_same "a message after the close opens a new conversation" "yes" \
	"$([ -n "$NEW" ] && [ "$NEW" != "$ANA" ] && echo yes)"
grep '"wamid.A3"' "$SP" >"$TMP/a3.jsonl"
WA_TOKEN=$TOKEN wa-send --reply -c auto -m 'Thanks {{name|}}, one moment' --now 2026-11-23T10:50:30Z \
	"$TMP/a3.jsonl" >/dev/null 2>&1
check_same "the bot (wa-send --reply) answered it: state bot, no SLA; its answer in the thread" \
	"bot null|2026-11-23T10:50:30Z > auto: [message]" \
	"$(ib 10:51:00Z | jq -r "select(.id == \"$NEW\") | \"\(.state) \(.sla_due)\"")|$(ib 10:51:00Z show "$NEW" | grep ' > ' | sed 's/ (.*)$//')"

check_same "two agents replying at once: one sends, the other is warned off" "0 2" \
	"$( (WA_AGENT=ann ib 10:52:00Z reply +447700900101 'on it' >/dev/null 2>&1; echo $? >"$TMP/x1") &
	   (WA_AGENT=bo ib 10:52:00Z reply +447700900101 'looking' >/dev/null 2>&1; echo $? >"$TMP/x2") & wait
	   sort "$TMP/x1" "$TMP/x2" | paste -sd' ' -)"

wa-forget +447700900101 >/dev/null 2>"$TMP/f.err"
check_same "wa-forget erases the inbox log: no phone, no text left; no unknown file warned of" \
	"0 0 0" \
	"$(grep -c '447700900101' "$WA_HOME/inbox.jsonl") $(grep -c 'asked about' "$WA_HOME/inbox.jsonl") $(grep -c 'not a file wa keeps' "$TMP/f.err")"
done_testing
