#!/bin/sh
# wa-send --arm: each A/B arm its own template or wording, a hold-out ledgered as held_out, the variant in the ledger.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never a real secret.
TOKEN=test-token-$$
WA_PHONE_NUMBER_ID=106540352242922
export WA_PHONE_NUMBER_ID
cat >"$TMP/tpl.jsonl" <<'EOF'
{"name":"winback_a","language":"en_US","body_params":1}
{"name":"winback_b","language":"en_US","body_params":2}
EOF
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
WA_TOKEN=$TOKEN start_mock main -T "$TMP/tpl.jsonl" -o "$TMP/log.jsonl" ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
URL=http://127.0.0.1:$PORT/v21.0
ws() { WA_TOKEN=$TOKEN WA_API_URL=$URL wa-send -q "$@"; }
L=$WA_HOME/ledger.jsonl

# 300 customers split by wa-segment --ab, a tenth held out
awk 'BEGIN { for (i = 0; i < 300; i++) printf "{\"id\":\"c%d\",\"phone\":\"+4477009%05d\",\"opt_in\":true,\"first_name\":\"N%d\"}\n", i, i, i }' >"$TMP/c.jsonl"
wa-segment --ab 'winback:control=10/A=45/B=45' true "$TMP/c.jsonl" >"$TMP/ab.jsonl"
ARMS="-l en_US --arm A -t winback_a -p {{first_name}} --arm B -t winback_b -p {{first_name}} -p 15% --arm control --skip"
# shellcheck disable=SC2086 # one option a word
ws -c winback $ARMS "$TMP/ab.jsonl" >"$TMP/out"
check_same "every record gets one event, exit 0" "0 300" "$? $(wc -l <"$TMP/out" | tr -d ' ')"
jq -r '"\(.id) \(.variant)"' "$TMP/ab.jsonl" | sort >"$TMP/want.arms"
nA=$(grep -c ' A$' "$TMP/want.arms"); nB=$(grep -c ' B$' "$TMP/want.arms"); nC=$(grep -c ' control$' "$TMP/want.arms")
check_same "arm A got winback_a, arm B winback_b, with their own parameters" \
	"$nA winback_a 1|$nB winback_b 2" \
	"$(jq -r '"\(.template) \(.params | length)"' "$TMP/log.jsonl" |
		sort | uniq -c | awk '{ print $1, $2, $3 }' | tr '\n' '|' | sed 's/|$//')"
check_same "the hold-out is skipped, held_out" "$nC" "$(jq -r 'select(.reason == "held_out") | .id' "$TMP/out" | wc -l | tr -d ' ')"
check_same "and ledgered as held_out with its variant" "$nC control" \
	"$(jq -r 'select(.event == "held_out") | .variant' "$L" | sort | uniq -c | awk '{ print $1, $2 }')"
jq -r 'select(.event == "sent" or .event == "held_out") | "\(.id) \(.variant)"' "$L" | sort >"$TMP/got.arms"
check_file "every ledger entry names the record's arm" "$TMP/got.arms" <"$TMP/want.arms"
n=$(wc -l <"$TMP/log.jsonl")
# shellcheck disable=SC2086
ws -c winback $ARMS "$TMP/ab.jsonl" >"$TMP/out2"
check_same "a second run sends nothing, and keeps the hold-out out" "$n $nC" \
	"$(wc -l <"$TMP/log.jsonl" | tr -d ' ') $(jq -r 'select(.reason == "held_out")' "$TMP/out2" | jq -s length)"

printf '%s\n' '{"id":"x1","phone":"+447700800001","opt_in":true,"variant":"Z"}' '{"id":"x2","phone":"+447700800002","opt_in":true}' >"$TMP/odd.jsonl"
# shellcheck disable=SC2086
ws -c odd $ARMS "$TMP/odd.jsonl" >"$TMP/out3" 2>/dev/null
check_same "a variant with no arm, or none, fails locally when nothing is sent outside the arms" \
	"x1 no --arm for variant 'Z'|x2 no variant, and no message outside --arm" \
	"$(jq -r '"\(.id) \(.error.title)"' "$TMP/out3" | tr '\n' '|' | sed 's/|$//')"
ws -c odd2 -t winback_a -l en_US -p hi --arm B -t winback_b -p a -p b "$TMP/odd.jsonl" >"$TMP/out4"
check_same "with -t before the arms, those records get it" "sent sent" \
	"$(jq -r .event "$TMP/out4" | tr '\n' ' ' | sed 's/ $//')"
check_status "--skip outside an arm: exit 2" 2 ws -c z --skip -m hi "$TMP/odd.jsonl"
check_status "an arm with neither -t nor -m: exit 2" 2 ws -c z --arm A -l en_US "$TMP/odd.jsonl"
check_status "the same arm twice: exit 2" 2 ws -c z --arm A -m a --arm A -m b "$TMP/odd.jsonl"
check_same "--dry-run shows each record's arm" "A" \
	"$(printf '%s\n' '{"id":"d","phone":"+447700800009","opt_in":true,"variant":"A"}' |
		wa-send --dry-run -q -c dry --arm A -t hello | jq -r .variant)"

done_testing
