#!/bin/sh
# wa-report -b agent (and -b tier) reads from the inbox's snapshot only the threads of the
# conversations opened in the period: a year's are a hundred megabytes. Shown by breaking the
# kept items of a conversation of October: a report of November never reads them, and gives
# the figures of a report without any snapshot; one of the whole year must read them, and fails.
. "$(dirname "$0")/lib.sh"
trap '[ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
H=$WA_HOME
mkdir -p "$H" "$TMP/re"
NOW=2026-11-23T14:00:00Z
printf '%s\n' '{"id":"1","phone":"+447700900201","tier":"gold"}' '{"id":"2","phone":"+447700900202"}' >"$H/customers.jsonl"
inmsg() { printf '{"event":"message","wamid":"%s","from":"%s","name":"C","at":"%s","type":"text","text":"%s"}\n' "$@"; }
out() { # KEY TO AT WAMID
	printf '{"event":"attempt","key":"%s","to":"%s","campaign":"inbox","at":"%s"}\n' "$1" "$2" "$3"
	printf '{"event":"sent","key":"%s","to":"%s","campaign":"inbox","at":"%s","wamid":"%s"}\n' "$1" "$2" "$3" "$4"
}
{
	inmsg wamid.O1 +447700900202 2026-10-05T10:00:00Z 'an old question, from October'
	inmsg wamid.N1 +447700900201 2026-11-23T10:00:00Z 'where is my parcel'
} >"$H/events.jsonl"
{
	out inbox/x2/r1 +447700900202 2026-10-05T10:20:00Z wamid.R2
	out inbox/x1/r1 +447700900201 2026-11-23T10:12:00Z wamid.R1
} >"$H/ledger.jsonl"
{
	printf '{"event":"assigned","conv":"x2","phone":"+447700900202","at":"2026-10-05T10:01:00Z","agent":"bob"}\n'
	printf '{"event":"replied","conv":"x2","phone":"+447700900202","at":"2026-10-05T10:20:00Z","agent":"bob","key":"inbox/x2/r1","text":"done"}\n'
	printf '{"event":"assigned","conv":"x1","phone":"+447700900201","at":"2026-11-23T10:01:00Z","agent":"ann"}\n'
	printf '{"event":"replied","conv":"x1","phone":"+447700900201","at":"2026-11-23T10:12:00Z","agent":"ann","key":"inbox/x1/r1","text":"on its way"}\n'
} >"$H/inbox.jsonl"
cp "$H"/*.jsonl "$TMP/re/"

wa-inbox --now "$NOW" list >/dev/null
check_same "the snapshot is saved" "yes" "$([ -s "$H/convs.items" ] && echo yes)"
# Bob's kept items (October) overwritten in place with bytes that are no JSON
off=$(awk '$1 == "p" && $2 == "+447700900202" { print $3, $4 }' "$H/convs.state")
set -- $off
printf '%*s' "$2" '' | tr ' ' 'x' | dd of="$H/convs.items" bs=1 seek="$1" conv=notrunc 2>/dev/null
F='"\(.group) \(.conversations) \(.first_response_p50_s) \(.sla_met_rate)"'
WA_HOME=$H wa-report --now "$NOW" -b agent --since 2026-11-01T00:00:00Z >"$TMP/a" 2>"$TMP/a.err"
check_same "-b agent --since November: done, without October's thread" "0 " "$? $(cat "$TMP/a.err")"
WA_HOME=$TMP/re wa-report --now "$NOW" -b agent --since 2026-11-01T00:00:00Z >"$TMP/b" 2>>"$TMP/err"
check_same "-b agent --since November: the figures of a report without a snapshot" "$(cat "$TMP/b")" "$(cat "$TMP/a")"
check_same "-b agent --since November: ann's 720 s" "ann 1 720 1|all 1 720 1" "$(jq -r "$F" "$TMP/a" | paste -sd'|' -)"
WA_HOME=$H wa-report --now "$NOW" -b tier --since 2026-11-01T00:00:00Z --customers "$H/customers.jsonl" >"$TMP/t" 2>"$TMP/t.err"
WA_HOME=$TMP/re wa-report --now "$NOW" -b tier --since 2026-11-01T00:00:00Z --customers "$TMP/re/customers.jsonl" >"$TMP/u" 2>>"$TMP/err"
check_same "-b tier --since November: done, the figures of a report without a snapshot" "0 $(cat "$TMP/u")" \
	"$(wc -c <"$TMP/t.err" | tr -d ' ') $(cat "$TMP/t")"
WA_HOME=$H wa-report --now "$NOW" -b agent >/dev/null 2>"$TMP/y.err"
check_same "-b agent over all time reads October's thread, and finds it broken" "3 yes" \
	"$? $(grep -q 'cannot read convs.items' "$TMP/y.err" && echo yes)"
check_same "no other errors" "" "$(cat "$TMP/err")"
done_testing
