#!/bin/sh
# wa-report --since 7d after months of traffic: its cost is the window's. The ledger and the spool
# rolled by month (gzipped segments and their index, as wa-send and wa-hook leave them) give the
# figures of the same lines in one file, and of those lines cut by hand to the window; the old
# segments are never opened (made unreadable, nothing is said); and in a live file that holds
# months, the lines before the window are passed over unread (a broken one there is not rejected).
. "$(dirname "$0")/lib.sh"

NOW=2026-12-07T00:00:00Z
FLAT=$TMP/flat
mkdir -p "$FLAT"
# 1,200 messages of 3 campaigns over 2026-06-01 to 2026-12-06, each sent, delivered, most read,
# a reply 1 in 9; the ledger and the spool in time order
awk 'function ts(t) { return strftime("%Y-%m-%dT%H:%M:%SZ", t, 1) }
BEGIN {
	start = 1780272000; span = 188 * 86400; m = 1200
	for (i = 0; i < m; i++) {
		t = start + int(i * span / m); k = i % 3; c = i % 97
		printf "{\"event\":\"attempt\",\"key\":\"camp%d/c%d-%d\",\"campaign\":\"camp%d\",\"id\":\"c%d\",\"to\":\"+447%09d\",\"at\":\"%s\"}\n", k, c, i, k, c, 700000000 + c, ts(t) >"'"$FLAT"'/ledger.jsonl"
		printf "{\"event\":\"sent\",\"key\":\"camp%d/c%d-%d\",\"wamid\":\"wamid.Y%d\",\"at\":\"%s\"}\n", k, c, i, i, ts(t + 1) >"'"$FLAT"'/ledger.jsonl"
		printf "{\"event\":\"status\",\"wamid\":\"wamid.Y%d\",\"status\":\"delivered\",\"at\":\"%s\",\"to\":\"+447%09d\"}\n", i, ts(t + 30), 700000000 + c >"'"$FLAT"'/events.jsonl"
		if (i % 4)
			printf "{\"event\":\"status\",\"wamid\":\"wamid.Y%d\",\"status\":\"read\",\"at\":\"%s\",\"to\":\"+447%09d\"}\n", i, ts(t + 90), 700000000 + c >"'"$FLAT"'/events.jsonl"
		if (i % 9 == 0)
			printf "{\"event\":\"message\",\"wamid\":\"wamid.IN%d\",\"from\":\"+447%09d\",\"at\":\"%s\",\"type\":\"text\",\"text\":\"thanks\"}\n", i, 700000000 + c, ts(t + 600) >"'"$FLAT"'/events.jsonl"
	}
}' || { echo "Bail out! awk"; exit 1; }

# rolled HOME: the flat files rolled by month into HOME: each month but the last gzipped, its
# first and last times and its plain file's inode in the folder's index, the last month live
rolled() {
	mkdir -p "$1"
	for f in ledger events; do
		mkdir -p "$1/$f"
		awk -v d="$1/$f" 'match($0, /"at":"[^"]*"/) { m = substr($0, RSTART + 6, 7); t = substr($0, RSTART + 6, RLENGTH - 7) }
			{ print >(d "/" m ".jsonl") } !(m in first) { first[m] = t } { last[m] = t }
			END { for (m in first) print m, first[m], last[m] >(d "/times") }' "$FLAT/$f.jsonl"
		sort "$1/$f/times" >"$1/$f/t" && rm "$1/$f/times"
		lastm=$(tail -n 1 "$1/$f/t" | cut -d' ' -f1)
		mv "$1/$f/$lastm.jsonl" "$1/$f.jsonl"
		sed '$d' "$1/$f/t" | while read -r m a b; do
			echo "$m $a $b $(stat -c '%d %i' "$1/$f/$m.jsonl")" >>"$1/$f/index"
			gzip "$1/$f/$m.jsonl"
		done
		rm "$1/$f/t"
	done
}
# report HOME: wa-report --since 7d at NOW over HOME's files, then its exit status
report() {
	WA_HOME=$1 wa-report --now "$NOW" --since 7d -o json 2>"$TMP/err"
	echo "exit $?"
}
ROLL=$TMP/rolled
rolled "$ROLL"
check_same "the ledger and the spool rolled into 6 gzipped segments each, December live" \
	"6 6 $(grep -c . "$FLAT/ledger.jsonl") $(grep -c . "$FLAT/events.jsonl")" \
	"$(ls "$ROLL/ledger" | grep -c 'gz$') $(ls "$ROLL/events" | grep -c 'gz$') $(cat "$ROLL/ledger.jsonl" | gzip -dcf "$ROLL"/ledger/*.gz - | grep -c .) $(cat "$ROLL/events.jsonl" | gzip -dcf "$ROLL"/events/*.gz - | grep -c .)"

report "$FLAT" >"$TMP/flat.out"
report "$ROLL" >"$TMP/rolled.out"
check "the figures are there: sent within the week" grep -q '"group":"camp0","sent":[1-9]' "$TMP/flat.out"
check_same "rolled by month: the same figures as the one file" "$(cat "$TMP/flat.out")" "$(cat "$TMP/rolled.out")"

# the lines a report of the week needs (a message's outcomes come within its window, 7 days,
# the reply window, 72 hours, and a day: from 2026-11-19), cut by hand
CUT=$TMP/cut
mkdir -p "$CUT"
for f in ledger events; do
	jq -c 'select(.at >= "2026-11-19T00:00:00Z")' "$FLAT/$f.jsonl" >"$CUT/$f.jsonl"
done
check_same "and the figures of the lines cut to the window by hand" "$(cat "$TMP/flat.out")" \
	"$(report "$CUT")"

# the segments before November made unreadable: a report that opened one would say so
for f in ledger events; do
	for z in "$ROLL/$f"/2026-0*.jsonl.gz "$ROLL/$f"/2026-10.jsonl.gz; do
		printf 'not gzip\n' >"$z"
	done
done
check_same "the old segments are never opened: the same figures, nothing said" \
	"$(cat "$TMP/flat.out")|" "$(report "$ROLL")|$(cat "$TMP/err")"

# the months in one live file: a line from June that is not UTF-8 is passed over, a broken one
# in the window is still said
printf '{"event":"message","at":"2026-06-02T00:00:00Z","text":"\377"}\n' >>"$FLAT/events.jsonl"
report "$FLAT" >"$TMP/flat2.out"
check_same "a live file of months: its lines before the window are not read (a broken one is not said)" \
	"$(cat "$TMP/flat.out")|" "$(cat "$TMP/flat2.out")|$(cat "$TMP/err")"
printf '{"event":"status","at":"2026-12-02T00:00:00Z","wamid":\n' >>"$FLAT/events.jsonl"
report "$FLAT" >/dev/null
check "and a broken line within the window is still said" grep -q 'events.jsonl:[0-9]*:.*invalid JSON' "$TMP/err"
done_testing
