#!/bin/sh
# wa-report -b variant: an A/B test with a hold-out, its figures checked
# against scipy.stats on the same data (tests/variant-ref.py).
. "$(dirname "$0")/lib.sh"

# Debian's python3, where python3-scipy is installed, whatever else is on PATH.
PY=/usr/bin/python3
[ -x $PY ] || PY=python3
D=$TMP/ab
mkdir -p "$D"
$PY "$TOP/tests/variant-ref.py" gen "$D"
run() { wa-report --now 2026-11-01T00:00:00Z --ledger "$D/ledger.jsonl" \
	--events "$D/events.jsonl" --orders "$D/orders.jsonl" "$@"; }

# Arms A and B of 300 (messages sent), holdout of 200 (held_out entries):
# read and reply against A (the hold-out got nothing to read), conversion
# and revenue per recipient against the hold-out.
run -b variant -c spring -o json >"$D/out.json" 2>"$TMP/err"
check_same "-b variant: exit 0, nothing on stderr" "0:" "$?:$(cat "$TMP/err")"
check_same "a row per arm and figure, hold-out without read or reply" \
	"A read_rate A,B read_rate A,A reply_rate A,B reply_rate A,A conversion_rate holdout,B conversion_rate holdout,holdout conversion_rate holdout,A revenue_per_recipient holdout,B revenue_per_recipient holdout,holdout revenue_per_recipient holdout" \
	"$(jq -r '"\(.variant) \(.metric) \(.baseline)"' "$D/out.json" | paste -sd, -)"
check_same "every rate, difference, interval, p and n as scipy's, to 4 digits" "" \
	"$($PY "$TOP/tests/variant-ref.py" check "$D" "$D/out.json" 2>&1)"
# The verdicts follow p < 0.05 (A's revenue: p = .0402); B's reply rate is not there yet: scipy's
# n of 1732 a side less the 265 delivered of B = 1467 more.
check_same "verdicts" \
	"B read_rate B better,B reply_rate no difference yet: 1467 more a side,A conversion_rate A better,B conversion_rate B better,A revenue_per_recipient A better,B revenue_per_recipient B better" \
	"$(jq -r 'select(.verdict != "baseline") | "\(.variant) \(.metric) \(.verdict)"' "$D/out.json" | paste -sd, -)"
# Conversion: the hold-out's orders within 7 days of its held_out entry
# count as the others' do; orders 9 days after never do.
check_same "hold-out: conversions over its 200 entries" "200 0.05" \
	"$(jq -r 'select(.variant == "holdout" and .metric == "conversion_rate") | "\(.n) \(.value)"' "$D/out.json")"

# Without -c, every campaign of two arms or more; a held_out entry sends
# nothing, so the campaign view counts the 600 messages only.
check_same "without -c: the same rows" "$(cat "$D/out.json")" "$(run -b variant -o json)"
check_same "-c of a campaign with no arms: nothing" "" "$(run -b variant -c winter -o json)"
check_same "-b campaign: hold-out entries are no messages" "600" \
	"$(run -o json | jq -r 'select(.group == "spring") | .sent')"
run -b variant -o csv >"$D/out.csv"
check_same "CSV: a header, ten rows" \
	"11 campaign,variant,metric,currency,n,count,value,baseline,diff,ci_low,ci_high,p_value,n_needed,verdict" \
	"$(wc -l <"$D/out.csv" | tr -d ' ') $(head -1 "$D/out.csv")"
check "table: B's verdict on revenue" sh -c "wa-report --now 2026-11-01T00:00:00Z --ledger '$D/ledger.jsonl' --events '$D/events.jsonl' --orders '$D/orders.jsonl' -b variant -o table | grep -q '^spring  *B  *revenue_per_recipient  *EUR .* B better *\$'"
check_status "-c without -b variant: exit 2" 2 wa-report -c spring
done_testing
