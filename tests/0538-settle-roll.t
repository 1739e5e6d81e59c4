#!/bin/sh
# wa-send's settling of unknown outcomes across a roll of the spool: it reads on from where the
# last settle stopped (the rest of that file, now a segment, then the later ones), never the
# older segments; with no key open it moves its place to the spool's end, so the first settle
# after a quiet time does not read what came before either.
. "$(dirname "$0")/lib.sh"

mkdir -p "$WA_HOME"
cd "$WA_HOME" || exit 1
# Made up for the test; never real secrets. Nothing is sent: the input is empty.
WA_TOKEN=test-token-$$ WA_PHONE_NUMBER_ID=1 WA_API_URL=http://127.0.0.1:9/v21.0
export WA_TOKEN WA_PHONE_NUMBER_ID WA_API_URL
: >empty.jsonl
attempt() { printf '{"event":"attempt","key":"c/%s","campaign":"c","id":"%s","to":"+4477009000%02d","at":"2026-12-01T10:00:00Z"}\n' "$1" "$1" "$1" >>ledger.jsonl; }
status() { printf '{"event":"status","key":"%s","status":"delivered","wamid":"w%s","at":"2026-12-01T10:00:05Z"}\n' "$1" "$2" >>events.jsonl; }
settle() { wa-send --now 2026-12-01T12:00:00Z -q -c d -t hello --events events.jsonl empty.jsonl 2>>err; echo "exit $?"; }
# roll NAME: the spool into events/NAME as wa-hook renames it, and an old broken segment that
# no settle may open (cut short: reading it fails)
roll() {
	mkdir -p events && mv events.jsonl "events/$1" && : >events.jsonl
	[ -f events/2020-01.jsonl.gz ] || seq 1000 | gzip | head -c 40 >events/2020-01.jsonl.gz
}
settled() { jq -r 'select(.via == "webhook") | .key' ledger.jsonl | paste -sd' ' -; }

# a key open, a status of another key: the settle reads the spool and keeps its place
attempt 1
status x/9 9
r1=$(settle)
status c/1 1
roll 2026-12.jsonl
status x/8 8
check_same "after a roll: the key settled from the rest of the segment, older segments unread" \
	"exit 0|exit 0|c/1" "$r1|$(settle)|$(settled)"

# no key open: the settle moves its place to the end; a key opened later settles after a roll
status x/7 7
r3=$(settle)
attempt 2
status c/2 2
roll 2026-12.2.jsonl.gz.plain
mv events/2026-12.2.jsonl.gz.plain events/2026-12.2.jsonl
check_same "with no key open the place moves on: after a roll only what came since is read" \
	"exit 0|exit 0|c/1 c/2" "$r3|$(settle)|$(settled)"
check_same "no warning" "" "$(cat err)"
done_testing
