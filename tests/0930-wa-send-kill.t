#!/bin/sh
# Fault campaign: wa-send killed with -9 at 50 random points of a 2,000-message run, an API that drops
# answers, answers 502 pages and stalls past the timeout; re-runs send nothing twice and lose nothing.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never a real secret.
TOKEN=test-token-$$
WA_PHONE_NUMBER_ID=106540352242922
export WA_PHONE_NUMBER_ID
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
lines() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }
# dups LOG: keys the mock accepted more than once
dups() { jq -r .key "$1" | sort | uniq -d | head -3; }
# open LEDGER: the keys whose last entry leaves their outcome open (attempt, unknown)
open() {
	jq -r '"\(.key) \(.event)"' "$1" |
		awk '{ last[$1] = $2 } END { for (k in last) if (last[k] == "attempt" || last[k] == "unknown") print k }' | sort
}

awk 'BEGIN { for (i = 0; i < 2000; i++)
	printf "{\"id\":\"c%d\",\"phone\":\"+4477009%05d\",\"opt_in\":true}\n", i, i }' >"$TMP/c.jsonl"

# 1. fifty kill -9s, each a random 20 to 300 ms after the run's first ledger
# line, through latency, 5xx pages and dropped answers
WA_TOKEN=$TOKEN start_mock k --latency 40 --fail-5xx 0.05 --drop-after-accept 0.01 --seed 7 \
	-o "$TMP/k.log" || { echo "Bail out! bin/mock-graph did not start"; exit 1; }
export WA_API_URL=http://127.0.0.1:$PORT/v21.0
i=0
while [ $i -lt 50 ]; do
	before=$(lines "$WA_HOME/ledger.jsonl")
	WA_TOKEN=$TOKEN wa-send -q -c kill -t hello --rate 400 "$TMP/c.jsonl" >/dev/null 2>&1 &
	BG=$!
	# A slow start-up (a sanitized build, a loaded machine) must not eat the
	# whole delay: the clock starts at the run's first ledger line.
	j=0
	while [ "$(lines "$WA_HOME/ledger.jsonl")" -le "$before" ] && kill -0 $BG 2>/dev/null && [ $j -lt 1000 ]; do
		sleep 0.01
		j=$((j + 1))
	done
	sleep "0.$(printf '%03d' $((20 + $(od -An -N2 -tu2 /dev/urandom) % 280)))"
	kill -9 $BG 2>/dev/null
	wait $BG 2>/dev/null
	i=$((i + 1))
done
killed=$(lines "$TMP/k.log")
open "$WA_HOME/ledger.jsonl" >"$TMP/open.before"
WA_TOKEN=$TOKEN wa-send -q -c kill -t hello --rate 400 "$TMP/c.jsonl" >"$TMP/final" 2>/dev/null
[ "$killed" -gt 0 ]
_result $? "the 50 killed runs sent some of it ($killed messages)"
check_same "no key twice in the mock's log" "" "$(dups "$TMP/k.log")"
check_same "the last run gives every record an event" 2000 "$(lines "$TMP/final")"
check_same "each is sent, already sent, or unknown: none lost, none failed" "" \
	"$(jq -r 'select(.event != "sent" and .reason != "already_sent" and .event != "unknown") | .id' "$TMP/final" | head -3)"
jq -r .key "$TMP/k.log" | sort >"$TMP/k.keys"
jq -r 'select(.event == "sent" or .reason == "already_sent") | "kill/\(.id)"' "$TMP/final" | sort >"$TMP/sent.keys"
check_same "what it calls sent, the mock has" "" "$(comm -23 "$TMP/sent.keys" "$TMP/k.keys" | head -3)"
# The unknowns are exactly the keys the ledger leaves open: those the killed
# runs left (never resent), then those the last run's own faults left.
jq -r 'select(.reason == "attempted_before") | "kill/\(.id)"' "$TMP/final" | sort >"$TMP/u.before"
check_same "attempted_before: exactly the $(lines "$TMP/open.before") keys the killed runs left open" \
	"$(cat "$TMP/open.before")" "$(cat "$TMP/u.before")"
open "$WA_HOME/ledger.jsonl" >"$TMP/open.after"
check_same "unknown: exactly the $(lines "$TMP/open.after") keys open in the ledger after the last run" \
	"$(cat "$TMP/open.after")" "$(jq -r 'select(.event == "unknown") | "kill/\(.id)"' "$TMP/final" | sort)"
n=$(lines "$TMP/k.log")
WA_TOKEN=$TOKEN wa-send -q -c kill -t hello "$TMP/c.jsonl" >/dev/null 2>&1
check_same "one more run sends nothing" "$n" "$(lines "$TMP/k.log")"
kill "$PID"

# 2. an API that stalls past the timeout: sent then no answer is unknown, never sent again
WA_TOKEN=$TOKEN start_mock s --latency 3000 -o "$TMP/s.log" || { echo "Bail out!"; exit 1; }
export WA_API_URL=http://127.0.0.1:$PORT/v21.0
head -5 "$TMP/c.jsonl" >"$TMP/five.jsonl"
WA_TOKEN=$TOKEN WA_HOME=$TMP/stall wa-send -q --timeout 1 -c stall -t hello "$TMP/five.jsonl" >"$TMP/s.out" 2>/dev/null
check_same "a stall past --timeout: exit 1, each unknown" "1 5" \
	"$? $(jq -r 'select(.event == "unknown")' "$TMP/s.out" | jq -s length)"
sleep 3
WA_TOKEN=$TOKEN WA_HOME=$TMP/stall wa-send -q --timeout 1 -c stall -t hello "$TMP/five.jsonl" >"$TMP/s2.out" 2>/dev/null
check_same "and not sent again: attempted_before" "5 5" \
	"$(jq -r 'select(.reason == "attempted_before")' "$TMP/s2.out" | jq -s length) $(lines "$TMP/s.log")"
kill "$PID"

done_testing
