#!/bin/sh
# wa-report -o html and pdf: every figure on the page as the JSON of the same
# run says it, the page in headless Chromium at a desk's and a phone's width,
# and printed to PDF.
. "$(dirname "$0")/lib.sh"

S=$TMP/store
mkdir -p "$S"
/usr/bin/python3 "$TOP/tests/page-store.py" "$S"
printf 'USD,1.25\n' >"$S/rates"
touch -d 2026-10-30T12:00:00Z "$S/rates"
rep() {
	wa-report --now 2026-11-01T00:00:00Z --ledger "$S/ledger.jsonl" --events "$S/events.jsonl" \
		--orders "$S/orders.jsonl" --customers "$S/customers.jsonl" --currency EUR --rates "$S/rates" "$@"
}
P="--since 2026-09-01 --until 2026-11-01"
rep $P --compare prev -o html >"$TMP/page.html" 2>"$TMP/err"
check_same "the page: exit 0, nothing said" "0:" "$?:$(cat "$TMP/err")"
rep $P --targets -o json >"$TMP/all.json"
rep --since 2026-08-01 --until 2026-09-01 --targets -o json >"$TMP/prev.json"
rep $P -b week -o json >"$TMP/week.json"
rep $P -b variant -o json >"$TMP/arms.json"

# attr NAME: NAME="value" of every tag that has it, in page order
attr() { grep -o "$1=\"[^\"]*\"" "$TMP/page.html" | sed 's/^[^"]*"//; s/"$//'; }
# fig FILE FILTER: of the "all" row, numbers as the page writes them (%.6g, nan for none)
fig() { jq -r "select(.group == \"all\") | $2" "$1" | awk '{ if ($0 == "null") print "nan"; else printf "%.6g\n", $0 }'; }
cards='read_rate median_response_s conversion_rate opt_out_rate repeat_rate_messaged aov_messaged'

# The scorecard: each card's figure, its verdict, and the period before.
got=$(grep -o '<div class="card[^"]*" data-figure="[a-z_]*" data-value="[^"]*"' "$TMP/page.html" |
	sed 's/.*card\([^"]*\)" data-figure="\([a-z_]*\)" data-value="\([^"]*\)"/\2 \3\1/')
want=$(for f in $cards; do
	printf '%s %s%s\n' $f "$(fig "$TMP/all.json" "(.$f | if type == \"object\" then .EUR else . end)")" \
		"$(jq -r "select(.group == \"all\") | .${f}_met | if . == true then \" met\" elif . == false then \" unmet\" else \"\" end" "$TMP/all.json")"
done)
check_same "scorecard: every figure and verdict as in JSON" "$want" "$got"
check_same "scorecard: a word beside each colour" "$(echo "$want" | grep -c 'met$')" \
	"$(grep -o 'class="verdict">&#1000[37]; [a-z ]*met' "$TMP/page.html" | wc -l | tr -d ' ')"
check_same "scorecard: the period before, as its JSON" \
	"$(for f in $cards; do fig "$TMP/prev.json" "(.$f | if type == \"object\" then .EUR else . end)"; done | grep -v nan)" \
	"$(attr data-prev | grep -v nan)"
check "the page says its currency" grep -q 'amounts in EUR' "$TMP/page.html"

# Trends: 61 days, so a point a week with messages, each series as -b week.
for s in sent:sent delivered:delivery_rate read:read_rate replied:reply_rate conversions:conversions revenue:revenue.EUR; do
	check_same "trend ${s%%:*}: a point a week, as -b week" \
		"$(jq -r "select(.group != \"all\") | \"\(.group) \(.${s#*:} // \"nan\")\"" "$TMP/week.json" | awk '{ printf "%s %.6g\n", $1, $2 }')" \
		"$(grep -o "class=\"pt\" data-series=\"${s%%:*}\" data-x=\"[^\"]*\" data-value=\"[^\"]*\"" "$TMP/page.html" |
			sed 's/.*data-x="\([^"]*\)" data-value="\([^"]*\)"/\1 \2/')"
done
check_same "trends: dates on the axis" 3 "$(grep -o '<text[^>]*>2026-W[0-9]*</text>' "$TMP/page.html" | sort -u | wc -l | tr -d ' ')"

# The funnel: the ten campaigns with most revenue, the rest in a table.
sed -n '/<svg id="funnel"/,/<\/svg>/p' "$TMP/page.html" >"$TMP/funnel"
jq -r 'select(.group != "all") | "\(.revenue.EUR // -1) \(.group)"' "$TMP/all.json" | sort -s -k1,1nr | head -10 | cut -d' ' -f2 >"$TMP/top"
check_same "funnel: ten campaigns, by revenue" "$(cat "$TMP/top")" \
	"$(grep -o 'data-series="sent" data-x="[^"]*"' "$TMP/funnel" | sed 's/.*data-x="//; s/"$//')"
check_same "funnel: every bar as the campaign's JSON" \
	"$(jq -r 'select(.group != "all") | "\(.group) \(.sent) \(.delivered) \(.read) \(.replied) \(.conversions)"' "$TMP/all.json" | grep -Fwf "$TMP/top" | sort)" \
	"$(grep -o 'data-series="[a-z]*" data-x="[^"]*" data-value="[0-9]*"' "$TMP/funnel" |
		sed 's/data-series="\([a-z]*\)" data-x="\([^"]*\)" data-value="\([0-9]*\)"/\2 \3/' |
		awk '{ v[$1] = v[$1] " " $2 } END { for (c in v) print c v[c] }' | sort)"
check_same "funnel: the other campaigns in a table" 1 "$(grep -c '<h3>The other 6 campaigns</h3>' "$TMP/page.html")"

# Customers: tiers as the customers file has them.
check_same "tiers: customers per tier" \
	"$(jq -r '.tier // empty' "$S/customers.jsonl" | sort | uniq -c | awk '{ print $2, $1 }')" \
	"$(grep -o 'data-series="customers" data-x="[a-z]*" data-value="[0-9]*"' "$TMP/page.html" |
		sed 's/.*data-x="\([a-z]*\)" data-value="\([0-9]*\)"/\1 \2/' | sort)"
check "repeat purchase: no first-time buyer 180 days back in the period" grep -q 'Too few to compare' "$TMP/page.html"

# Replies and service: median and p90 as JSON; the histogram holds every answer.
check_same "service: median and p90 response" \
	"$(fig "$TMP/all.json" .median_response_s; fig "$TMP/all.json" .p90_response_s)" \
	"$(grep -o '<strong data-figure="[a-z0-9]*_response_s" data-value="[^"]*"' "$TMP/page.html" | sed 's/.*data-value="//; s/"$//')"
# An answer is the period's first message to a customer after one of theirs
# (not a STOP) that the report reads: from --since less the order window (7d),
# the reply window (72h) and a day (see wa-report(1), --since).
answers=$(/usr/bin/python3 - "$S" <<'EOF'
import json, sys
d = sys.argv[1]
ev = [json.loads(l) for l in open(d + '/events.jsonl')]
sent = [e for e in map(json.loads, open(d + '/ledger.jsonl'))
        if e.get('event') == 'sent' and '2026-09-01' <= e['at'] < '2026-11-01']
stops = {e['wamid'] for e in ev if e.get('event') == 'opt_out'}
first = set()
for m in ev:
    if m.get('event') != 'message' or m['wamid'] in stops or m['at'] < '2026-08-21':
        continue
    later = [s for s in sent if s['to'].lstrip('+') == m['from'].lstrip('+') and s['at'] > m['at']]
    if later:
        first.add(min(later, key=lambda s: s['at'])['key'])
print(len(first))
EOF
)
check_same "service: the histogram counts every answer the report reads" "$answers" \
	"$(grep -o 'data-series="answers" data-x="[^"]*" data-value="[0-9]*"' "$TMP/page.html" | sed 's/.*data-value="//; s/"$//' | awk '{ s += $1 } END { print s }')"
check "service: the top questions" grep -q '<td>ship to spain</td>' "$TMP/page.html"
check_same "service: opt-outs by the campaign before them" \
	"$(jq -r 'select(.group != "all" and .opted_out > 0) | .group' "$TMP/all.json" | sort)" \
	"$(sed -n '/Opt-outs, by the campaign/,/<\/table>/p' "$TMP/page.html" | grep -o '<tr><td>[^<]*' | sed 's/<tr><td>//' | sort)"

# A/B tests: each arm's rate differences and intervals as -b variant.
check_same "A/B: differences and 95% intervals as -b variant" \
	"$(jq -r 'select(.ci_low != null and .currency == null) | "\(.diff) \(.ci_low) \(.ci_high)"' "$TMP/arms.json" | awk '{ printf "%.6g %.6g %.6g\n", $1, $2, $3 }')" \
	"$(grep -o 'class="ci" data-x="[^"]*" data-value="[^"]*" data-low="[^"]*" data-high="[^"]*"' "$TMP/page.html" |
		sed 's/.*data-value="\([^"]*\)" data-low="\([^"]*\)" data-high="\([^"]*\)"/\1 \2 \3/')"
check_same "A/B: each verdict" "$(jq -r 'select(.verdict != "baseline") | .verdict' "$TMP/arms.json")" \
	"$(sed -n '/<table class="verdicts"/,/<\/table>/p' "$TMP/page.html" | grep -o '<td>[^<]*</td></tr>' | sed 's/<td>//; s/<\/td><\/tr>//')"

# Accessible charts: each has its title, its description and its data.
check_same "every chart: a title, a description, a data table" \
	"$(grep -c '<svg id=' "$TMP/page.html") $(grep -c '<svg id=' "$TMP/page.html") $(grep -c '<svg id=' "$TMP/page.html")" \
	"$(grep -o '<svg id="[^"]*" viewBox="[^"]*" role="img" aria-labelledby="[^"]*"><title id=' "$TMP/page.html" | wc -l | tr -d ' ') $(grep -c '</desc>' "$TMP/page.html") $(grep -c '<details><summary>The data' "$TMP/page.html")"
check_same "no script, no link, nothing fetched" "0" \
	"$(grep -Eci '<script|<link|src=|href=|url\(|https?:' "$TMP/page.html")"
check "print: A4 landscape" grep -q '@page{size:A4 landscape' "$TMP/page.html"

# Headless Chromium: no console message; no horizontal scroll at 1280 and 390 px.
if ! command -v chromium >/dev/null; then
	echo "ok $((_n + 1)) # SKIP no chromium"
	_n=$((_n + 1))
	done_testing
	exit 0
fi
# chrome WIDTH ARGS...: Chromium at WIDTH px wide, its log in $TMP/chromium.log
chrome() {
	w=$1
	shift
	timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
		--user-data-dir="$TMP/chromium" --enable-logging=stderr --v=0 --window-size="$w,900" "$@" \
		2>"$TMP/chromium.log"
}
# The page and a script that says how far it scrolls sideways.
{ cat "$TMP/page.html"; printf '<script>document.body.setAttribute("data-over", document.documentElement.scrollWidth - innerWidth)</script>\n'; } >"$TMP/probe.html"
for w in 1280 390; do
	chrome $w --screenshot="$TMP/page$w.png" "file://$TMP/page.html" >/dev/null
	check_same "chromium at $w px: renders, no console message" "0:" "$?:$(grep ':CONSOLE' "$TMP/chromium.log")"
	over=$(chrome $w --dump-dom "file://$TMP/probe.html" | grep -o 'data-over="[-0-9]*"' | sed 's/[^-0-9]//g')
	check "at $w px: no horizontal scroll (scrollWidth - innerWidth = $over)" test -n "$over" -a "${over:-1}" -le 0
done

# PDF: printed by Chromium; its text holds every scorecard figure.
rep $P --compare prev -o pdf >"$TMP/page.pdf" 2>"$TMP/err"
check_same "-o pdf: exit 0, a PDF" "0:%PDF" "$?:$(head -c 4 "$TMP/page.pdf")"
pdftotext -layout "$TMP/page.pdf" "$TMP/page.txt"
check_same "-o pdf: every scorecard figure in its text" "" \
	"$(grep -o '<span class="fig">[^<]*' "$TMP/page.html" | sed 's/.*>//' | while read -r f; do grep -qF -- "$f" "$TMP/page.txt" || echo "$f"; done)"
out=$(WA_CHROMIUM= PATH=/nonexistent:$(dirname "$(command -v wa-report)") rep $P -o pdf 2>&1 >/dev/null)
check_same "-o pdf without Chromium: exit 2, naming the package" "2" "$?"
check "-o pdf without Chromium: how to get it" sh -c 'echo "$1" | grep -q "apt-get install chromium"' - "$out"
done_testing
