#!/bin/sh
# wa-inbox serve runs an action in a child while its request waits, so a
# slow send holds no one else up: agent A's reply is held at the mock Cloud
# API (--latency), and meanwhile agent B's pages are served and B's own
# actions are taken. The inbox log's lock still puts the writes in turn:
# B's note, taken during A's send, is logged after A's reply. Order of
# events only, no timing: B is served while A's request is still open and
# the mock holds A's message without having answered it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
plan 9

# every answer of the mock held 15 s: far longer than a page takes, even loaded
two_agents --latency 15000
msg Bo 447700900102 wamid.B1 60 '"type":"text","text":{"body":"it came broken"}' >/dev/null
serve_two
C_B=$(convid +447700900102)
: >"$TMP/api.log"

# A's reply, in the background, until the mock has it (and holds its answer)
t=$(csrf "$ANN")
curl -s -o "$TMP/a.out" -w '%{http_code}' -H "Cookie: wa_sid=$ANN" --form-string "csrf=$t" \
	--form-string 'text=it ships today' "$U/c/$C_ANA/reply" >"$TMP/a.st" &
A=$!
wait_for grep -q '"to":"+447700900101"' "$TMP/api.log"
check_same "A's reply reached the mock, which holds its answer" "1" "$(lines "$TMP/api.log")"

# B, meanwhile
b1=$(code "$BO" /)
b2=$(code "$BO" "/c/$C_B")
get "$BO" /rows >"$TMP/rows.html"
a_open=$(kill -0 $A 2>/dev/null && echo open)
check_same "B's list, thread and rows are served while A's reply is in flight" "200 200 2 open" \
	"$b1 $b2 $(grep -c '<tr class="conv' "$TMP/rows.html") $a_open"
check_same "and A's reply is not answered yet: no sent in the ledger" "0" \
	"$(grep -c '"event":"sent"' "$WA_HOME/ledger.jsonl")"

# B's note on another conversation, taken while A's send is still held
t=$(csrf "$BO")
curl -s -o /dev/null -w '%{http_code}' -H "Cookie: wa_sid=$BO" --form-string "csrf=$t" \
	--form-string 'text=photo asked for' "$U/c/$C_B/note" >"$TMP/b.st" &
B=$!
b3=$(code "$BO" /)
check_same "with two actions under way, the list is still served" "200 open" \
	"$b3 $(kill -0 $A 2>/dev/null && echo open)"

wait $A
wait $B
check_same "A's reply: 303 back to the thread once the mock answered" "303" "$(cat "$TMP/a.st")"
check_same "B's note: 303" "303" "$(cat "$TMP/b.st")"
check_same "the mock took A's message once" "1" "$(lines "$TMP/api.log")"
check_same "the log's lock kept the writes in turn: A's reply, then B's note" "replied ann|note bo" \
	"$(jq -r 'select(.event == "replied" or .event == "note") | "\(.event) \(.agent)"' "$WA_HOME/inbox.jsonl" | paste -sd'|' -)"
check_same "both show in their threads" "1 1" \
	"$(get "$ANN" "/c/$C_ANA" | grep -c 'class="msg out".*it ships today') $(get "$BO" "/c/$C_B" | grep -c 'class="msg log".*photo asked for')"
done_testing
