#!/bin/sh
# wa-hook's dedupe across rolls within a horizon: each roll writes the segment's keys beside it,
# start-up reads the keys files of the segments written to within --dedupe-horizon (never the
# segments, nor anything older), so a webhook delivered again after one or several rolls and a
# restart is still a duplicate, one older than the horizon is stored again, and a STOP in a
# segment still outranks an older START.
. "$(dirname "$0")/lib.sh"

hook_world
mkdir -p "$WA_HOME"
SEG=$WA_HOME/events

stop() { kill "$HPID"; wait "$HPID"; }
# away / back: the segments swapped for broken ones (reading one would warn), the keys files left
away() {
	mkdir -p "$TMP/away" && mv "$SEG"/*.jsonl.gz "$TMP/away/" &&
		for f in "$TMP/away"/*; do printf 'broken\n' | gzip >"$SEG/${f##*/}"; done
}
back() { mv "$TMP/away"/*.jsonl.gz "$SEG/"; }
NOW=$(date +%s)

# three rolls: wamid.1-3 (and a STOP, wamid.4), then 5-7, then 8-10, each rolled by SIGHUP
start_hook h1 || { echo "Bail out! bin/wa-hook did not start"; exit 1; }
hook_send 1 3 "$NOW" >/dev/null
hook_send 4 1 "$((NOW + 10))" STOP >/dev/null
hook_roll
hook_send 5 3 "$NOW" >/dev/null; hook_roll
hook_send 8 3 "$NOW" >/dev/null; hook_roll
stop
check_same "each roll wrote its segment's keys beside it" "3 3" \
	"$(ls "$SEG"/*.keys | wc -l | tr -d ' ') $(ls "$SEG"/*.jsonl.gz | wc -l | tr -d ' ')"
# keysfile N: the keys file of the Nth roll (YYYY-MM.keys, then .2.keys, ...)
keysfile() { echo "$SEG/$(ls "$SEG" | grep 'keys$' | sort -t. -k2,2n | sed -n "$1p")"; }
first=$(keysfile 1)
check_same "a keys file: its header, a fingerprint an event, then the opt-out's line" \
	"wa-keys 1 5|1" "$(head -n 1 "$first")|$(grep -ac '"opt_out"' "$first")"

# a restart with the segments broken: only the keys files can know the events
away
start_hook h2 || { echo "Bail out! bin/wa-hook did not start"; exit 1; }
hook_send 1 3 "$NOW" >/dev/null	# three rolls ago
hook_send 8 3 "$NOW" >/dev/null	# one roll ago
stop
back
check_same "after one and after several rolls and a restart: duplicates, none stored" "0 6" "$(hook_stored h2)"
check_same "and no segment was read for it" "" "$(grep -v 'listening on\|events stored' "$TMP/h2.err")"

# the STOP of wamid.4 is in the oldest segment: a START dated before it is stored, not applied
away
start_hook h3 || { echo "Bail out! bin/wa-hook did not start"; exit 1; }
hook_send 20 1 "$((NOW - 60))" START >/dev/null
stop
back
check "a START older than the STOP rolled away three rolls ago: not applied" \
	grep -q 'a START of +447700900001 older than their last STOP' "$TMP/h3.err"
check_same "and the number stays suppressed" "+447700900001" "$(cat "$WA_HOME/suppress.txt")"

# a keys file lost (a crash right after the roll): the segment is read once, its keys written
newest=$(keysfile 3)
rm "$newest"
start_hook h4 || { echo "Bail out! bin/wa-hook did not start"; exit 1; }
hook_send 8 3 "$NOW" >/dev/null
stop
check_same "a segment without keys file: read at start, its keys written again, duplicates" \
	"0 3 yes" "$(hook_stored h4) $([ -f "$newest" ] && echo yes)"

# the oldest segment, written to 40 days ago: outside the horizon, neither it nor its keys read
touch -d '40 days ago' "$first" "${first%.keys}.jsonl.gz"
start_hook h5 || { echo "Bail out! bin/wa-hook did not start"; exit 1; }
hook_send 1 3 "$NOW" >/dev/null
stop
check_same "a webhook of a segment written to before the 30-day horizon is stored again" "3 0" "$(hook_stored h5)"
start_hook h6 --dedupe-horizon 60d || { echo "Bail out! bin/wa-hook did not start"; exit 1; }
hook_send 1 3 "$NOW" >/dev/null
stop
check_same "--dedupe-horizon 60d: known again" "0 3" "$(hook_stored h6)"

# start-up reads nothing older than the horizon: an old segment without keys, broken, and an old
# broken keys file are not opened (reading either would warn)
printf 'not json\n' >"$SEG/2020-01.jsonl"
printf 'wa-keys 1 99\ngarbage' >"$SEG/2020-02.keys"
printf 'not json either\n' | gzip >"$SEG/2020-02.jsonl.gz"
touch -d '40 days ago' "$SEG/2020-01.jsonl" "$SEG/2020-02.keys" "$SEG/2020-02.jsonl.gz"
start_hook h7 || { echo "Bail out! bin/wa-hook did not start"; exit 1; }
stop
check_same "old segments and keys files, broken, not read at start: no warning" "" \
	"$(grep -v 'listening on\|events stored' "$TMP/h7.err")"
check_same "nor keys written for them" "" "$(ls "$SEG" | grep '^2020-01.keys')"
rm -f "$SEG"/2020-*

# wa-forget rewrites the segments: their keys files (which hold the opt-out's line) go with the
# number, and the next start-up writes them again from the rewritten segments
touch "$first" "${first%.keys}.jsonl.gz"
wa-forget +447700900001 >/dev/null 2>"$TMP/f.err"
check_same "wa-forget: the keys files that held the number are gone" "0" \
	"$(cat "$SEG"/*.keys 2>/dev/null | grep -ac '447700900001')"
start_hook h8 || { echo "Bail out! bin/wa-hook did not start"; exit 1; }
stop
check_same "and wa-hook writes them again, without it" "3 0" \
	"$(ls "$SEG"/*.keys | wc -l | tr -d ' ') $(cat "$SEG"/*.keys | grep -ac '447700900001')"
done_testing
