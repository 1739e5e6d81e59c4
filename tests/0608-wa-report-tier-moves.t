#!/bin/sh
# wa-report: customers' moves between service tiers over the period, checked
# by hand. No file keeps an earlier tier: each end's tier is computed by
# wa-segment --tiers' rules on the totals of then, today's less the orders
# since, with the spend of the year before from the orders.
#   platinum: spent_365d >= 1000 && orders >= 4
#   gold: spent_365d >= 300 && orders >= 2
#   silver: orders >= 1 && spent >= 50
#   prospect: orders == 0
. "$(dirname "$0")/lib.sh"

plan 9

: >"$TMP/ledger.jsonl"
# ord ID CUSTOMER DATE TOTAL
ord() {
	printf '{"type":"order","id":"%s","customer":"%s","created_at":"%sT10:00:00Z","financial_status":"paid","total":%s,"currency":"EUR"}\n' "$@"
}
{
	# a: gold on 1 Oct (3 orders, 900 in the year), platinum on 1 Nov (4, 1200)
	ord a1 a 2026-03-01 300; ord a2 a 2026-06-01 300; ord a3 a 2026-09-15 300; ord a4 a 2026-10-10 300
	# b: gold on 1 Oct (400 in the year), silver on 1 Nov (the October 2025 order is out of its year)
	ord b1 b 2025-10-15 200; ord b2 b 2026-02-01 200
	# c: prospect on 1 Oct (no order yet), silver on 1 Nov
	ord c1 c 2026-10-20 80
	# d, no totals in its record: prospect, then a small buyer (30: no tier)
	ord d1 d 2026-10-05 30
	# e: silver at both ends
	ord e1 e 2025-01-01 100
	# g: silver on 1 Oct, gold on 1 Nov; its October order is in the spool too
	ord g1 g 2026-05-01 100; ord g2 g 2026-10-03 500
	# a voided order counts for nothing
	printf '{"type":"order","id":"e2","customer":"e","created_at":"2026-10-15T10:00:00Z","financial_status":"voided","total":5000,"currency":"EUR"}\n'
} >"$TMP/orders.jsonl"
printf '{"event":"order","id":"g2","customer":"g","created_at":"2026-10-03T10:00:00Z","financial_status":"paid","total":500,"currency":"EUR"}\n' >"$TMP/events.jsonl"
cat >"$TMP/customers.jsonl" <<'X'
{"id":"a","phone":"+447700900001","orders":4,"spent":1200,"tier":"platinum"}
{"id":"b","phone":"+447700900002","orders":2,"spent":400,"tier":"silver"}
{"id":"c","phone":"+447700900003","orders":1,"spent":"80.00","tier":"silver"}
{"id":"d","phone":"+447700900004"}
{"id":"e","phone":"+447700900005","orders":1,"spent":100,"tier":"silver"}
{"id":"g","phone":"+447700900007","orders":2,"spent":600,"tier":"gold"}
X
rep() {
	wa-report --now 2026-11-01T00:00:00Z --ledger "$TMP/ledger.jsonl" --events "$TMP/events.jsonl" \
		--orders "$TMP/orders.jsonl" --customers "$TMP/customers.jsonl" --currency EUR "$@"
}
rep --since 2026-10-01 -o json >"$TMP/out.json" 2>"$TMP/err"
check_same "exit 0, nothing said" "0:" "$?:$(cat "$TMP/err")"
all() { jq -c 'select(.group == "all") | .tier_moves | '"$1" "$TMP/out.json"; }
check_same "the period's ends" '"2026-10-01T00:00:00Z" "2026-11-01T00:00:00Z"' "$(all '.from, .to' | paste -sd' ' -)"
# up: a, c, d, g; down: b; e stays
check_same "4 up, 1 down" "4 1" "$(all '.up, .down' | paste -sd' ' -)"
check_same "each move, its way and who" \
	"gold>platinum up a / gold>silver down b / prospect>- up d / prospect>silver up c / silver>gold up g" \
	"$(jq -r 'select(.group == "all") | .tier_moves.moves[] | "\(.from)>\(.to) \(.way) \(.ids | join(","))"' "$TMP/out.json" |
		sort | sed 's| *$||' | paste -sd'/' - | sed 's|/| / |g')"
# (g's October order, in the spool and the orders file, counts once: twice, g would be prospect first)
check_same "each move's count" "5 5" \
	"$(jq -r 'select(.group == "all") | .tier_moves.moves | [length, (map(.customers) | add)] | join(" ")' "$TMP/out.json")"

rep -o json >"$TMP/nosince.json"
check_same "without --since: no period start, no moves" "null" \
	"$(jq -c 'select(.group == "all") | .tier_moves' "$TMP/nosince.json")"

rep --since 2026-10-01 -o html >"$TMP/page.html" 2>"$TMP/err"
check_same "the page: exit 0, the counts as the JSON" "0:4 1" \
	"$?:$(sed -n 's/.*data-figure="tier_up">\([0-9]*\)<.*data-figure="tier_down">\([0-9]*\)<.*/\1 \2/p' "$TMP/page.html")"
check_same "the page: a row per move, with who" \
	'<tr class="move up"><td>gold</td><td>platinum</td><td>1</td><td>a</td></tr>|<tr class="move down"><td>gold</td><td>silver</td><td>1</td><td>b</td></tr>' \
	"$(grep '<tr class="move' "$TMP/page.html" | grep '"><td>gold</td>' | sort -r | paste -sd'|' -)"
rep --since 2026-10-01 --compare prev -o html >"$TMP/page2.html" 2>/dev/null
check_same "--compare: the moves are the period's" "4 1" \
	"$(sed -n 's/.*data-figure="tier_up">\([0-9]*\)<.*data-figure="tier_down">\([0-9]*\)<.*/\1 \2/p' "$TMP/page2.html")"
