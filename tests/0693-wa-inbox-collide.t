#!/bin/sh
# Two agents in two browser sessions (browser contexts of their own, so
# two cookie jars) open the same conversation and send a reply at the
# same moment: one reply goes out (the mock Cloud API takes one), the other
# agent sees the collision warning, and nothing of hers is sent.
. "$(dirname "$0")/lib.sh"
browser_world
printf 'ann dept=*\nbea dept=*\n' >"$WA_HOME/agents"
PW='both have a long password'
browser_inbox "$PW" ann bea

plan 8

c=$(inbound Ana 447700900101 wamid.A1 -120 '{"type": "text", "text": {"body": "is anyone there?"}}')
ANA=$(WA_TOKEN=$TOKEN wa-inbox list | jq -r 'select(.phone == "+447700900101") | .id')
check_same "a customer writes" "200 1" "$c $(echo "$ANA" | grep -c .)"

cdp >"$TMP/run" 2>"$TMP/cdp.err" <<EOF
page ann
page bea
all ann,bea viewport 390 844
all ann,bea goto $W/login
page ann
type "#login input[name=agent]" ann
type "#login input[name=password]" "$PW"
page bea
type "#login input[name=agent]" bea
type "#login input[name=password]" "$PW"
all ann,bea follow "#login button"
all ann,bea goto $W/c/$ANA
page ann
type "form#reply textarea[name=text]" "ann here: it ships today"
page bea
type "form#reply textarea[name=text]" "bea here: it ships today"
all ann,bea follow "form#reply button"
page ann
eval "[location.pathname, document.querySelectorAll('.collision').length, [...document.querySelectorAll('.msg.out .text')].map(e => e.textContent).join('|')]"
page bea
eval "[location.pathname, document.querySelectorAll('.collision').length, [...document.querySelectorAll('.msg.out .text')].map(e => e.textContent).join('|')]"
EOF
check_same "cdp: both agents logged in, opened the thread and sent" "0:" "$?:$(cat "$TMP/cdp.err")"
check_same "the mock Cloud API took one reply" 1 "$(lines "$TMP/api.log")"
sent=$(jq -r .text "$TMP/api.log")
winner=${sent%% *}
check_same "it is one of the two, as its agent typed it" "$winner here: it ships today" "$sent"
ann=$(sed -n 1p "$TMP/run" | jq -r '"\(.[1]) \(.[2])"')
bea=$(sed -n 2p "$TMP/run" | jq -r '"\(.[1]) \(.[2])"')
if [ "$winner" = ann ]; then won=$ann lost=$bea; else won=$bea lost=$ann; fi
check_same "the one who sent: her reply in the thread, no warning" "0 $sent" "$won"
check_same "the other: the collision warning, her reply not in the thread" "1 $sent" "$lost"
check_same "the inbox log: one reply, by $winner" "$winner" \
	"$(jq -r 'select(.event == "replied") | .agent' "$WA_HOME/inbox.jsonl")"
# (but the collision's own answer, a 409 that Chromium notes as a failed load)
check_same "no console message or dialog in either" "" \
	"$(grep -v "status of 409 (Conflict) $W/c/$ANA/reply\"" "$TMP/cdp/console.jsonl"; cat "$TMP/cdp/dialogs.jsonl")"
done_testing
