#!/bin/sh
# The auto-replies journey answers each message once even when it decides
# it again: a failed send holds its state back, and the next run, reading
# a message written earlier that arrived later, would choose another route
# for a message answered already; the ledger says it was.
. "$(dirname "$0")/lib.sh"

journey_world
mkdir -p "$WA_HOME"
SP=$WA_HOME/events.jsonl
: >"$SP"
: >"$WA_HOME/customers.jsonl"
# Monday 13:30 UTC; the store opens 09:00-12:00, so 13:00 is after hours.
WA_NOW=2026-11-23T13:30:00Z STORE_TZ=UTC BUSINESS_HOURS=09:00-12:00 HANDOFF_MISSES=0
export WA_NOW STORE_TZ BUSINESS_HOURS HANDOFF_MISSES
# Zed's number cannot take messages (131026: failed for good).
start_mock api --inbound "$SP" -o "$TMP/api.log" --error 447700900399=131026 ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
WA_API_URL=http://127.0.0.1:$PORT/v21.0
export WA_API_URL
# m FROM WAMID TIME TEXT: a message in wa-hook's spool
m() { printf '{"event":"message","wamid":"%s","from":"%s","at":"2026-11-23T%sZ","type":"text","text":"%s"}\n' \
	"$2" "$1" "$3" "$4" >>"$SP"; }
keys() { jq -r .key "$TMP/api.log" | sort | paste -sd' ' -; }

# Wes writes at 13:00, Zed at 13:05: both greeted; Zed's greeting fails.
m +447700900301 wamid.X 13:00:00 'hi'
m +447700900399 wamid.Z 13:05:00 'hello'
"$J/auto-replies" >/dev/null 2>"$TMP/e1"
check_same "a run with a failed send: exit 1, Wes greeted, Zed's refused, the state held back for a rerun" \
	"1|reply-greeting/wamid.X|failed|no" \
	"$?|$(keys)|$(jq -r 'select(.key == "reply-greeting/wamid.Z") | .event' "$WA_HOME/ledger.jsonl" | tail -1)|$([ -f "$WA_HOME/journey-auto-replies.state" ] && echo yes || echo no)"

# A message Wes wrote at 00:00 arrives now (a phone long offline): the next
# run decides 13:00 again with it, when it is no longer his first message
# and comes after hours 13 hours after the last: an away answer, a second
# answer to a message answered already.
m +447700900301 wamid.Y 00:00:00 'hello?'
"$J/auto-replies" >/dev/null 2>"$TMP/e2"
check_same "the rerun: no message answered twice, by any route" "" \
	"$(jq -r .key "$TMP/api.log" | sort -u | awk -F/ '{ n[$2]++; k[$2] = k[$2] " " $0 }
		END { for (wamid in n) if (n[wamid] > 1) print wamid ":" k[wamid] }')"
check_same "the late message is greeted; 13:00 keeps its one answer; Zed's is not tried again" \
	"reply-greeting/wamid.X reply-greeting/wamid.Y|1" \
	"$(keys)|$(jq -r 'select(.key == "reply-greeting/wamid.Z" and .event == "attempt") | .key' "$WA_HOME/ledger.jsonl" | wc -l | tr -d ' ')"
"$J/auto-replies" >/dev/null 2>&1
check_same "a run with nothing new sends nothing; its state in place at the spool's end" \
	"2 $(wc -c <"$SP" | tr -d ' ')" \
	"$(lines "$TMP/api.log") $(jq -r .cursor.off "$WA_HOME/journey-auto-replies.state")"
done_testing
