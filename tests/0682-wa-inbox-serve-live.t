#!/bin/sh
# wa-inbox serve live: /events tells a browser of a message wa-hook stored, the rows
# fragment then shows it; two agents replying at once: one goes, the other sees the
# collision warning; sessions ended by wa-inbox logout-all.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
plan 7

two_agents
serve_two

curl -s -N -H "Cookie: wa_sid=$ANN" -H 'Accept: text/event-stream' "$U/events" >"$TMP/sse" 2>/dev/null &
SSE=$!
PIDS="$PIDS $SSE"
wait_for grep -q '^: ready' "$TMP/sse"
check_same "/events: an event stream, ready" "0" "$?"
sleep 0.5
check_same "nothing changed: no event" "0" "$(grep -c '^event: change' "$TMP/sse")"
msg Dee 447700900105 wamid.D1 120 '"type":"text","text":{"body":"hello from Dee"}' >/dev/null
wait_for grep -q '^event: change' "$TMP/sse"
check_same "a message stored by wa-hook: a change event on the stream" "0" "$?"
check_same "the rows then show it" "1" "$(get "$ANN" /rows -H 'X-Requested-With: fetch' | grep -c 'hello from Dee')"
kill $SSE 2>/dev/null

: >"$TMP/api.log"
(TMP=$TMP/a; mkdir -p "$TMP"; act "$ANN" "/c/$C_ANA/reply" 'text=on it' >"$TMP/../s1"; cp "$TMP/act.out" "$TMP/../o1") &
A1=$!
(TMP=$TMP/b; mkdir -p "$TMP"; act "$BO" "/c/$C_ANA/reply" 'text=looking' >"$TMP/../s2"; cp "$TMP/act.out" "$TMP/../o2")
wait $A1
check_same "two agents reply at once: one goes, the other gets 409 and the collision warning" \
	"303 409|1" \
	"$(sort "$TMP/s1" "$TMP/s2" | paste -sd' ' -)|$(lines "$TMP/api.log")"
check_same "the warning is .collision, naming who answered" "1" \
	"$(cat "$TMP/o1" "$TMP/o2" | grep -c 'class="collision">[^<]*answered at')"
WA_TOKEN=$TOKEN wa-inbox logout-all ann 2>/dev/null
check_same "logout-all: the running server ends the agent's sessions, not the others'" "303 200" \
	"$(code "$ANN" /) $(code "$BO" /)"
