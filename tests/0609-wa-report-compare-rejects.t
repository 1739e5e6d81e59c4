#!/bin/sh
# wa-report --compare reads the logs and orders a second time for the
# period before: each bad line is still said once, at its file and line.
. "$(dirname "$0")/lib.sh"

plan 5

S=$TMP/store
mkdir -p "$S"
/usr/bin/python3 "$TOP/tests/page-store.py" "$S"
# bad lines: one of each log, one order that is JSON but no order, and an
# old one that only the period before reads
echo '{"event":"sent", broken' >>"$S/ledger.jsonl"
echo 'not json' >>"$S/events.jsonl"
echo '{"type":"order","id":"ox"}' >>"$S/orders.jsonl"
echo '{"event":"sending","key":"summer/c9/9","at":"2026-08-10T10:00:00Z"}' >>"$S/ledger.jsonl"
rep() {
	wa-report --now 2026-11-01T00:00:00Z --ledger "$S/ledger.jsonl" --events "$S/events.jsonl" \
		--orders "$S/orders.jsonl" --customers "$S/customers.jsonl" --currency EUR \
		--since 2026-09-01 --until 2026-11-01 "$@"
}
# the lines that a run without --compare says
rep -o json >/dev/null 2>"$TMP/one"
check_same "without --compare: exit 1" 1 "$?"
rep --compare prev -o html >"$TMP/page.html" 2>"$TMP/err"
check_same "with --compare: exit 1" 1 "$?"
check_same "with --compare: each bad line said once" \
	"$(sort "$TMP/one" | uniq -c | awk '{ print $1 }' | sort -u)" "$(sort "$TMP/err" | uniq -c | awk '{ print $1 }' | sort -u)"
check_same "with --compare: the lines said at their file and line" \
	"ledger.jsonl:1064 events.jsonl:1576 orders.jsonl:166 ledger.jsonl:1065" \
	"$(sed -n 's|^wa-report: [^ ]*/\([a-z]*\.jsonl:[0-9]*\):.*|\1|p' "$TMP/err" | paste -sd' ' -)"
check "with --compare: the page is still made" grep -q 'data-figure="read_rate"' "$TMP/page.html"
