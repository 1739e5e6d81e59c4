#!/bin/sh
# A wa-hook that keeps running keeps to --dedupe-horizon: the keys of a segment rolled before the
# horizon are forgotten (it says how many, and how few it still knows), so a webhook of it
# delivered again is stored again; a key rolled within the horizon is still a duplicate after the
# roll. WA_HOOK_HORIZON_MIN lets the test take a horizon of seconds, not days.
. "$(dirname "$0")/lib.sh"

hook_world
mkdir -p "$WA_HOME"
SEG=$WA_HOME/events

check_same "--dedupe-horizon under 7 days: refused" "2" \
	"$(wa-hook --dedupe-horizon 8s -l 127.0.0.1:0 >/dev/null 2>&1; echo $?)"

WA_HOOK_HORIZON_MIN=1s
export WA_HOOK_HORIZON_MIN
start_hook h1 --dedupe-horizon 8s || { echo "Bail out! bin/wa-hook did not start"; exit 1; }
hook_send 1 5 >/dev/null	# wamid.1-5, rolled, then left 9 seconds
hook_roll
sleep 9
hook_send 6 1 >/dev/null	# the first batch after the horizon passed the first segment's roll
hook_roll
hook_send 1 1 >/dev/null	# forgotten: stored again
hook_send 6 1 >/dev/null	# rolled just now, within the horizon: a duplicate
hook_send 7 1 >/dev/null
kill "$HPID"; wait "$HPID"
check_same "a key of a segment rolled before the horizon is stored again; one rolled within it is a duplicate" \
	"8 1" "$(hook_stored h1)"
check "it said it forgot the 5 keys of the old segment and still knows 1" \
	grep -q 'forgot the keys of 5 events of segments rolled before the dedupe horizon; 1 known' "$TMP/h1.err"
check_same "and the spool holds wamid.1 twice, wamid.6 once" "2 1" \
	"$(gzip -dcf "$SEG"/*.gz "$WA_HOME/events.jsonl" | grep -c '"wamid.1"') $(gzip -dcf "$SEG"/*.gz "$WA_HOME/events.jsonl" | grep -c '"wamid.6"')"
done_testing
