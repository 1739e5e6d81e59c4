#!/bin/sh
# A wa-send run killed with -9 at a random point costs the next run only the ledger's
# tail: the index is caught up in place, never rebuilt (a rebuild writes a new file,
# so its inode would change), and it decides as a rebuild from the ledger does.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never a real secret.
TOKEN=test-token-$$
WA_PHONE_NUMBER_ID=106540352242922
export WA_PHONE_NUMBER_ID
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
mkdir -p "$WA_HOME" "$TMP/r"
L=$WA_HOME/ledger.jsonl
IX=$L.idx
export WA_NOW=2026-10-03T12:00:00Z

# A ledger of 20,000 entries of an earlier campaign, some to the numbers of this one
# (--cap 50/7d stops those), and 400 records to send.
awk -v recs="$TMP/k.jsonl" 'BEGIN {
	for (i = 0; i < 10000; i++) {
		printf "{\"event\":\"attempt\",\"key\":\"old/o%d\",\"campaign\":\"old\",\"id\":\"o%d\",\"to\":\"+4477009%05d\",\"at\":\"2026-10-02T10:00:00Z\"}\n", i, i, 10000 + i % 200
		printf "{\"event\":\"sent\",\"key\":\"old/o%d\",\"wamid\":\"wamid.O%d\",\"at\":\"2026-10-02T10:00:01Z\"}\n", i, i
	}
	for (i = 0; i < 400; i++)
		printf "{\"id\":\"k%d\",\"phone\":\"+4477009%05d\",\"opt_in\":true}\n", i, 10000 + i >recs
}' >"$L"
ino() { ls -i "$IX" | awk '{ print $1 }'; }
c=kill
decide() {
	wa-send --dry-run -q -c "$c" -t hello --no-check --cap 50/7d "$TMP/k.jsonl" 2>/dev/null |
		jq -r '"\(.id) \(.reason // .event)"' | sort
}
# what a rebuild from the ledger as it is decides, in a copy of WA_HOME
rebuilt() { rm -f "$TMP/r/"*; cp "$L" "$TMP/r/"; WA_HOME=$TMP/r decide; }

decide >"$TMP/d0"
check_same "a first look builds the index" "yes" "$([ -s "$IX" ] && echo yes)"
check_same "50 earlier attempts to each of 200 numbers reach the cap" "cap 200 dry_run 200" \
	"$(awk '{ print $2 }' "$TMP/d0" | sort | uniq -c | awk '{ printf "%s%s %s", s, $2, $1; s = " " }')"

WA_TOKEN=$TOKEN start_mock k --latency 20 -o "$TMP/k.log" ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
export WA_API_URL=http://127.0.0.1:$PORT/v21.0

# Kill -9 ten runs, each of a new campaign, at random points; after each, a look at
# the index (which saves a rebuild, but keeps a catch-up in memory) and the next
# run's own start.
i=0 rebuilt= differ= grown=0
while [ $i -lt 10 ]; do
	before=$(ino) size=$(wc -c <"$L") c=kill$i
	WA_TOKEN=$TOKEN wa-send -q -c "$c" -t hello --no-check --cap 50/7d --rate 400 \
		"$TMP/k.jsonl" >/dev/null 2>&1 &
	BG=$!
	# once it has written to the ledger (a loaded machine starts it late), at a random point
	n=0
	while [ "$(wc -c <"$L")" -le "$size" ] && [ $n -lt 200 ] && kill -0 $BG 2>/dev/null; do
		sleep 0.02; n=$((n + 1))
	done
	sleep "0.$(printf '%03d' $(($(od -An -N2 -tu2 /dev/urandom) % 250)))"
	kill -9 $BG 2>/dev/null
	wait $BG 2>/dev/null
	[ "$(wc -c <"$L")" -gt "$size" ] && grown=$((grown + 1))
	decide >"$TMP/d"
	[ "$(ino)" = "$before" ] || rebuilt="$rebuilt $i"
	rebuilt >"$TMP/f"
	cmp -s "$TMP/d" "$TMP/f" || differ="$differ $i"
	i=$((i + 1))
done
check_same "the killed runs wrote to the ledger" "yes" "$([ $grown -ge 8 ] && echo yes)"
check_same "after each kill the index decides as a rebuild" "" "$differ"
check_same "after each kill the index was caught up, never rebuilt" "" "$rebuilt"

before=$(ino)
WA_TOKEN=$TOKEN wa-send -c "$c" -t hello --no-check --cap 50/7d --rate 1000 "$TMP/k.jsonl" >"$TMP/kl" 2>/dev/null
check_same "a last run catches up in place too" "$before" "$(ino)"
check_same "no key twice in the mock's log" "" "$(jq -r .key "$TMP/k.log" | sort | uniq -d | head -3)"
check_same "none of the 200 at the cap reached the mock" "" \
	"$(jq -r '.key | sub("^kill[0-9]*/k"; "") | tonumber | select(. < 200)' "$TMP/k.log" | head -3)"
check_same "each record sent, already sent, attempted by a killed run, or capped" "" \
	"$(jq -r 'select(.event != "sent" and .reason != "already_sent" and .reason != "attempted_before" and .reason != "cap") | .id' "$TMP/kl" | head -3)"
decide >"$TMP/d"
rebuilt >"$TMP/f"
check_file "at the end, the index decides as a rebuild" "$TMP/f" <"$TMP/d"
done_testing
