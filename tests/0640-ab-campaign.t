#!/bin/sh
# An A/B campaign end to end: wa-segment --ab, wa-send --arm through two mock Cloud APIs that answer
# at different rates, their signed webhooks into wa-hook, and wa-report -b variant against scipy.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never real secrets.
TOKEN=test-token-$$
WA_APP_SECRET=app-secret-$$ WA_VERIFY_TOKEN=verify-$$ WA_PHONE_NUMBER_ID=106540352242922
export WA_APP_SECRET WA_VERIFY_TOKEN WA_PHONE_NUMBER_ID
PY=/usr/bin/python3
[ -x $PY ] || PY=python3
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

start_hook hook || { echo "Bail out! wa-hook did not start"; exit 1; }
# arm A's messages go through a mock whose recipients answer 5% of the time, arm B's 30%
WA_TOKEN=$TOKEN start_mock a --webhook "http://127.0.0.1:$HPORT/webhook" --webhook-delay 1 \
	--read 0.6 --reply 0.05 --seed 3 || { echo "Bail out! mock-graph did not start"; exit 1; }
URLA=http://127.0.0.1:$PORT/v21.0
WA_TOKEN=$TOKEN start_mock b --webhook "http://127.0.0.1:$HPORT/webhook" --webhook-delay 1 \
	--read 0.6 --reply 0.30 --seed 4 || { echo "Bail out! mock-graph did not start"; exit 1; }
URLB=http://127.0.0.1:$PORT/v21.0

awk 'BEGIN { for (i = 0; i < 400; i++)
	printf "{\"id\":\"c%d\",\"phone\":\"+4477009%05d\",\"opt_in\":true,\"first_name\":\"N%d\"}\n", i, i, i }' >"$TMP/c.jsonl"
wa-segment --ab 'greeting:A=50/B=50' true "$TMP/c.jsonl" >"$TMP/ab.jsonl"
# None of the 400 wrote first: only a template may go to them (free-form text
# would be refused, 131047), here the mock's built-in greeting.
wa-segment 'variant == "A"' "$TMP/ab.jsonl" |
	WA_TOKEN=$TOKEN WA_API_URL=$URLA wa-send -q -c greeting --arm A -t greeting -p 'Hi {{first_name}}!' >/dev/null
wa-segment 'variant == "B"' "$TMP/ab.jsonl" |
	WA_TOKEN=$TOKEN WA_API_URL=$URLB wa-send -q -c greeting --arm B -t greeting -p 'Hello {{first_name}}, new in!' >/dev/null
L=$WA_HOME/ledger.jsonl
E=$WA_HOME/events.jsonl
check_same "all 400 sent, each ledgered with its arm" 400 \
	"$(jq -r 'select(.event == "sent" and .variant)' "$L" | jq -s length)"
# the mocks post their webhooks one at a time
i=0
while [ "$(jq -r 'select(.status == "delivered")' "$E" 2>/dev/null | jq -s length)" -lt 400 ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.5
check_same "every message's delivery reached the spool" 400 "$(jq -r 'select(.status == "delivered")' "$E" | jq -s length)"

# what happened, counted from the files by jq: delivered and replied per arm
jq -r 'select(.event == "sent") | "\(.wamid) \(.variant)"' "$L" | sort >"$TMP/arm"
# (a STOP is an opt-out, no reply: wa-hook writes an opt_out with its wamid)
jq -rs '[.[] | select(.event == "opt_out") | .wamid] as $out | .[] |
	select(.event == "message" and .context and (.wamid as $w | $out | index($w) | not)) | .context' "$E" | sort -u >"$TMP/replied"
count() { awk -v a="$1" '$2 == a { print $1 }' "$TMP/arm" | sort | comm -12 - "$2" | wc -l | tr -d ' '; }
jq -r 'select(.status == "delivered") | .wamid' "$E" | sort -u >"$TMP/dlv"
xa=$(count A "$TMP/replied"); na=$(count A "$TMP/dlv")
xb=$(count B "$TMP/replied"); nb=$(count B "$TMP/dlv")
[ "$xb" -gt "$xa" ]
_result $? "arm B was answered more ($xb/$nb against $xa/$na)"

wa-report -b variant -c greeting -o json >"$TMP/r.json"
check_same "wa-report counts the same replies per arm" "$xa $na $xb $nb" \
	"$(jq -r 'select(.metric == "reply_rate") | "\(.count) \(.n)"' "$TMP/r.json" | tr '\n' ' ' | sed 's/ $//')"
ref=$($PY "$TOP/tests/variant-ref.py" props "$xb" "$nb" "$xa" "$na")
got=$(jq -c 'select(.metric == "reply_rate" and .variant == "B") | {diff, ci_low, ci_high, p_value}' "$TMP/r.json")
check_same "its difference, 95% interval and p-value agree with scipy's to 4 digits" "ok" \
	"$($PY -c 'import json, sys
r, g = json.loads(sys.argv[1]), json.loads(sys.argv[2])
bad = [k for k in g if float("%.4g" % g[k]) != float("%.4g" % r[k])]
print("ok" if not bad else "differ: %s (%s vs %s)" % (bad, g, r))' "$ref" "$got")"
check_same "and its verdict is that B is better" "B better" \
	"$(jq -r 'select(.metric == "reply_rate" and .variant == "B") | .verdict' "$TMP/r.json")"

done_testing
