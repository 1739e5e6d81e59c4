#!/bin/sh
# wa-segment --cursor (the journeys' fold of order events) across rolls of the spool: the events
# written between two runs and a roll are read from the segment (plain, or gzipped by wa-hook's
# SIGHUP), then the later segments and the live file: every event once, nothing read again.
. "$(dirname "$0")/lib.sh"

hook_world
BASE=$WA_HOME

# o N: an order event N in the spool, and a status wa-segment's expression leaves out
o() { printf '{"event":"order","type":"order","id":"o%s","at":"2026-11-23T10:%02d:00Z"}\n{"event":"status","status":"read","wamid":"wamid.%s","at":"2026-11-23T10:%02d:00Z"}\n' \
	"$1" "$1" "$1" "$1" >>"$WA_HOME/events.jsonl"; }
# run: the order ids past the cursor, the cursor moved on as the journeys do
run() {
	wa-segment --now 2026-11-23T11:00:00Z --cursor "$WA_HOME/c" 'type == "order"' \
		"$WA_HOME/events.jsonl" >"$TMP/out" 2>>"$TMP/err"
	r=$?
	[ $r -le 1 ] || echo "wa-segment exit $r"
	mv "$WA_HOME/c.new" "$WA_HOME/c"
	jq -r .id "$TMP/out"
}
# roll HOW: the spool into events/ as wa-hook's roll does (plain, by hand), or by wa-hook's SIGHUP (gz)
roll() {
	if [ "$1" = plain ]; then
		mkdir -p "$WA_HOME/events" &&
			mv "$WA_HOME/events.jsonl" "$WA_HOME/events/$(date -u +%Y-%m).$2.jsonl" &&
			: >"$WA_HOME/events.jsonl"
		return
	fi
	n=$(ls "$WA_HOME/events/"*.jsonl.gz 2>/dev/null | wc -l)
	start_hook "hook-$2" || { echo "Bail out! bin/wa-hook did not start"; exit 1; }
	kill -HUP "$HPID"
	i=0; until [ "$(ls "$WA_HOME/events/"*.jsonl.gz 2>/dev/null | wc -l)" -gt "$n" ] || [ $i -gt 100 ]; do
		sleep 0.05; i=$((i + 1)); done
	kill "$HPID"; wait "$HPID" 2>/dev/null
}

for how in plain gz; do
	WA_HOME=$BASE/$how; export WA_HOME
	mkdir -p "$WA_HOME"
	: >"$TMP/err"
	o 1; o 2
	a1=$(run)
	o 3; o 4
	roll $how 2
	o 5
	roll $how 3
	o 6; o 7
	a2=$(run)
	a3=$(run)
	check_same "--cursor, rolled twice ($how): every order once, in order, nothing read again, no warning" \
		"o1 o2|o3 o4 o5 o6 o7||" "$(echo $a1)|$(echo $a2)|$(echo $a3)|$(cat "$TMP/err")"
	o 8
	roll $how 4
	check_same "--cursor ($how): a roll right after a run, then nothing new: the segment's rest" \
		"o8" "$(run | paste -sd' ' -)"
done
# A freed inode comes back: the live file of a later roll had the inode of a segment gzipped
# before it, so two index lines name one file. The walk goes forward, once each, and ends.
WA_HOME=$BASE/reuse; export WA_HOME
reused_rolls
first=$(gzip -dc "$WA_HOME/events/2026-11.jsonl.gz" | head -2 | wc -c | tr -d ' ')
echo "$first 1001 7" >"$WA_HOME/c"
got=$(timeout 20 wa-segment --now 2026-11-23T11:00:00Z --cursor "$WA_HOME/c" 'type == "order"' \
	"$WA_HOME/events.jsonl" 2>"$TMP/err" | jq -r .id | paste -sd' ' -)
check_same "--cursor, an inode two segments shared: the rest of the first, then each later one once" \
	"o12 o21 o22 o31 o32" "$got"
done_testing
