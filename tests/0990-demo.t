#!/bin/sh
# make demo's script: the playbook end to end, its servers gone after, its report made.
. "$(dirname "$0")/lib.sh"

DEMO_OUT=$TMP/demo sh "$TOP/scripts/demo" >"$TMP/out" 2>"$TMP/err"
check_same "the demo runs to the end: exit 0" 0 $?
grep -q '^== done' "$TMP/out"
_result $? "and says what to read next"
hp=$(sed -n 's/^wa-hook on :\([0-9]*\), the mock Cloud API on http:\/\/127.0.0.1:\([0-9]*\)\/.*/\1 \2/p' "$TMP/out")
set -- $hp
[ $# -eq 2 ] && ! curl -s -o /dev/null "http://127.0.0.1:$1/" && ! curl -s -o /dev/null "http://127.0.0.1:$2/"
_result $? "its two servers are gone after (ports ${hp:-?} refuse)"
H=$TMP/demo/home
sent=$(jq -r 'select(.event == "sent")' "$H/ledger.jsonl" | jq -s length)
[ "$sent" -gt 10 ]
_result $? "three journeys sent through the mock Cloud API ($sent messages)"
check_same "each of them reached the mock once: as many keys, none twice" "$sent " \
	"$(jq -r .key "$TMP/demo/cloud-api.log" | sort -u | wc -l | tr -d ' ') $(jq -r .key "$TMP/demo/cloud-api.log" | sort | uniq -d | head -3)"
check_same "wa-hook took a sent and a delivered status for each" "$sent $sent" \
	"$(jq -r 'select(.status == "sent")' "$H/events.jsonl" | jq -s length) $(jq -r 'select(.status == "delivered")' "$H/events.jsonl" | jq -s length)"
check_same "the three Shopify orders are events" 3 "$(jq -r 'select(.event == "order")' "$H/events.jsonl" | jq -s length)"
WA_HOME=$H wa-report --now 2026-11-01T12:00:00Z -o json --orders "$H/orders.jsonl" >"$TMP/r.json" 2>/dev/null
check_same "the report counts them as conversions" 3 "$(jq -r 'select(.group == "all") | .conversions' "$TMP/r.json")"
grep -q '<svg' "$TMP/demo/report.html"
_result $? "and the page has its charts"
# Tom writes STOP in the inbox scene; the mock's replies may add others
check_same "whoever wrote STOP is suppressed, Tom among them, and nobody else" \
	"yes|$(jq -r 'select(.event == "opt_out") | .from' "$H/events.jsonl" | sort)" \
	"$(grep -qx '+447700900501' "$H/suppress.txt" 2>/dev/null && echo yes)|$(sort "$H/suppress.txt" 2>/dev/null)"

check_same "the inbox scene: Rui handed off to ana, a photo by its media id, the survey answered 5" \
	"handed_off image yes|ana 1 5" \
	"$(jq -r 'select(.event == "handed_off") | .event' "$H/inbox.jsonl") $(jq -r 'select(.to == "+351912345601" and .type == "image") | .type' "$TMP/demo/cloud-api.log") $(jq -r 'select(.to == "+351912345601" and .type == "image") | .media' "$TMP/demo/cloud-api.log" | grep -q '^[0-9][0-9]*$' && echo yes)|$(WA_HOME=$H wa-report --now 2026-11-01T12:12:00Z -b agent -o json | jq -r 'select(.group == "ana") | "\(.group) \(.handed_off) \(.csat)"')"
done_testing
