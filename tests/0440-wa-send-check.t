#!/bin/sh
# wa-send checks its template against wa-templates' cache before sending anything.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never a real secret.
TOKEN=test-token-$$
WA_WABA_ID=102290129340398
WA_PHONE_NUMBER_ID=106540352242922
export WA_WABA_ID WA_PHONE_NUMBER_ID
cat >"$TMP/tpl.jsonl" <<'EOF'
{"name":"winback_offer","language":"en_US","body_params":2,"header":"none","category":"MARKETING","status":"APPROVED"}
{"name":"winback_offer","language":"pt_BR","body_params":2,"header":"none","category":"MARKETING","status":"APPROVED"}
{"name":"promo_paused","language":"en_US","body_params":1,"status":"PAUSED"}
EOF
cat >"$TMP/recs.jsonl" <<'EOF'
{"id":"1","phone":"+447700900001","opt_in":true,"first_name":"Ann","lang":"en_US"}
{"id":"2","phone":"+5521987654321","opt_in":true,"first_name":"Bia","lang":"pt-BR"}
{"id":"3","phone":"+34600000003","opt_in":true,"first_name":"Carmen","lang":"es"}
EOF
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
WA_TOKEN=$TOKEN start_mock main -T "$TMP/tpl.jsonl" -o "$TMP/log.jsonl" ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
URL=http://127.0.0.1:$PORT/v21.0
ws() { WA_TOKEN=$TOKEN WA_API_URL=$URL wa-send -q "$@"; }
lines() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }

check_status "without a cache nothing is checked" 0 ws --dry-run -c a -t no_such -p x -l en_US "$TMP/recs.jsonl"
WA_TOKEN=$TOKEN WA_API_URL=$URL wa-templates sync 2>/dev/null

check_status "an unknown template: exit 2" 2 ws -c b -t no_such -l en_US "$TMP/recs.jsonl"
grep -q 'template no_such' "$TMP/.out" && grep -q 'wa-templates sync' "$TMP/.out"
_result $? "saying which, and what to do"
check_status "one parameter too few: exit 2" 2 ws -c b -t winback_offer -p x -l en_US "$TMP/recs.jsonl"
check_status "a paused template: exit 2" 2 ws -c b -t promo_paused -p x -l en_US "$TMP/recs.jsonl"
check_same "and nothing reached the API" 0 "$(lines "$TMP/log.jsonl")"
check_status "--no-check lets it through to the API" 1 ws --no-check -c c -t no_such -l en_US "$TMP/recs.jsonl"

ws -c d -t winback_offer -p '{{first_name}}' -p 15% "$TMP/recs.jsonl" >"$TMP/out" 2>/dev/null
check_same "a language from each record: the one the cache lacks fails locally" \
	"1 sent|2 sent|3 failed" "$(jq -r '"\(.id) \(.event)"' "$TMP/out" | sort | tr '\n' '|' | sed 's/|$//')"
check_same "with the reason" "true" "$(jq -r 'select(.id == "3") | .error.title | test("language")' "$TMP/out")"
check_same "and only those two reached the API" 2 "$(lines "$TMP/log.jsonl")"

done_testing
