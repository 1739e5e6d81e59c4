#!/bin/sh
# wa-templates against mock-graph: paging, the cache, list, show, and failures.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never a real secret.
TOKEN=test-token-$$
WA_WABA_ID=102290129340398
export WA_WABA_ID
cat >"$TMP/tpl.jsonl" <<'EOF2'
{"name":"winback_offer","language":"en_US","body_params":2,"header":"none","category":"MARKETING","status":"APPROVED","buttons":[{"type":"url"}]}
{"name":"winback_offer","language":"pt_BR","body_params":2,"header":"none","category":"MARKETING","status":"APPROVED","buttons":[{"type":"url"}]}
{"name":"hello","language":"en_US","body_params":0}
{"name":"order_update","language":"en_US","body_params":1,"header":"document","category":"UTILITY"}
{"name":"promo_paused","language":"es","body_params":1,"header":"text","header_params":1,"status":"PAUSED","buttons":[{"type":"quick_reply"},{"type":"url","dynamic":false}]}
EOF2

PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
WA_TOKEN=$TOKEN start_mock main -T "$TMP/tpl.jsonl" ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
URL=http://127.0.0.1:$PORT/v21.0
CACHE=$WA_HOME/templates.json

wt() { WA_TOKEN=$TOKEN WA_API_URL=$URL wa-templates "$@"; }

check_status "list before any sync: exit 2" 2 wt list
grep -q "run wa-templates sync" "$TMP/.out"
check_same "and says to sync" 0 $?

wt sync >"$TMP/out" 2>"$TMP/err"
check_same "sync exits 0" 0 $?
check_same "sync prints nothing on stdout" "" "$(cat "$TMP/out")"
check_same "sync counts and pages (the mock's 2 a page)" \
	"wa-templates: 5 templates (4 approved) in 3 pages, saved to $CACHE" "$(cat "$TMP/err")"
check_same "the cache holds every template, in order" \
	"winback_offer en_US,winback_offer pt_BR,hello en_US,order_update en_US,promo_paused es" \
	"$(jq -r '[.templates[] | .name + " " + .language] | join(",")' "$CACHE")"
check_same "the cache says when and which account" "true $WA_WABA_ID" \
	"$(jq -r '(.synced_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")|tostring) + " " + .waba_id' "$CACHE")"
check_same "body parameters counted from the body text" "2 2 0 1 1" \
	"$(jq -r '[.templates[].body_params] | map(tostring) | join(" ")' "$CACHE")"
check_same "header types" "none none none document text" \
	"$(jq -r '[.templates[].header] | join(" ")' "$CACHE")"
check_same "buttons with their parameters" '[{"type":"quick_reply","dynamic":false},{"type":"url","dynamic":false}]' \
	"$(jq -c '.templates[4].buttons' "$CACHE")"
check_same "status and category" "PAUSED marketing UTILITY→utility" \
	"$(jq -r '.templates[4].status + " " + .templates[4].category + " UTILITY→" + .templates[3].category' "$CACHE")"
check_same "the cache is only for its owner" "600" "$(stat -c %a "$CACHE")"

wt --limit 1 sync 2>"$TMP/err"
check_same "--limit 1: one template a page" \
	"wa-templates: 5 templates (4 approved) in 5 pages, saved to $CACHE" "$(cat "$TMP/err")"
wt --limit 50 sync 2>"$TMP/err"
check_same "--limit 50: one page" \
	"wa-templates: 5 templates (4 approved) in 1 page, saved to $CACHE" "$(cat "$TMP/err")"

wa-templates list >"$TMP/list" 2>"$TMP/err"
check_same "list needs no token: it reads the cache" 0 $?
check_same "list: one JSON line a template" 5 "$(wc -l <"$TMP/list" | tr -d ' ')"
check_same "list: a line is the cache record without its components" \
	'{"name":"order_update","language":"en_US","category":"utility","status":"APPROVED","body_params":1,"header":"document","header_params":0,"buttons":[],"id":"920070352646143"}' \
	"$(sed -n 4p "$TMP/list")"
check_same "list: no warning on a fresh cache" "" "$(cat "$TMP/err")"
wa-templates -t list >"$TMP/table"
check_same "-t: a table with a header" \
	"NAME           LANGUAGE  CATEGORY   STATUS    BODY  HEADER    BUTTONS" "$(head -1 "$TMP/table")"
check_same "-t: one row a template; '*' on buttons with a parameter" \
	"winback_offer  pt_BR     marketing  APPROVED     2  none      url*" "$(sed -n 3p "$TMP/table")"
check_same "-t: quick_reply and a static url" \
	"promo_paused   es        marketing  PAUSED       1  text      quick_reply,url" "$(sed -n 6p "$TMP/table")"
WA_NOW=2099-01-01T00:00:00Z wa-templates list >/dev/null 2>"$TMP/err"
grep -q "templates.json: synced .*; wa-templates sync brings it up to date" "$TMP/err"
check_same "a cache older than a week is warned about" 0 $?

wa-templates show winback_offer >"$TMP/show"
check_same "show NAME: every language" "en_US pt_BR" "$(jq -r .language "$TMP/show" | tr '\n' ' ' | sed 's/ $//')"
check_same "show: with the components the API gave" "Body of winback_offer {{1}} {{2}}" \
	"$(head -1 "$TMP/show" | jq -r '.components[] | select(.type == "BODY") | .text')"
check_status "show of an unknown template: exit 1" 1 wa-templates show nosuch

# failures
WA_TOKEN=wrong-$$ WA_API_URL=$URL wa-templates sync >"$TMP/out" 2>&1
check_same "a token the API refuses: exit 3" 3 $?
check_same "with the API's error" \
	"wa-templates: message_templates: HTTP 401, error 190 (account): Invalid OAuth access token - Cannot parse access token" \
	"$(cat "$TMP/out")"
check_same "the cache is kept after a failed sync" 5 "$(jq '.templates | length' "$CACHE")"
WA_TOKEN=$TOKEN WA_API_URL=$URL wa-templates sync >"$TMP/out" 2>&1
grep -q "$TOKEN" "$TMP/out" "$CACHE"
check_same "the token is never printed nor cached" 1 $?
WA_TOKEN=$TOKEN WA_API_URL=$URL WA_WABA_ID=999 wa-templates sync >"$TMP/out" 2>&1
check_same "another account's id: exit 3" 3 $?
grep -q "error 100 .*Unsupported get request. Object with ID '999'" "$TMP/out"
check_same "with Graph's message" 0 $?
check_status "no WA_WABA_ID: exit 2" 2 env -u WA_WABA_ID WA_TOKEN=$TOKEN WA_API_URL=$URL wa-templates sync
check_status "no token: exit 2" 2 env WA_API_URL=$URL wa-templates sync
printf '%s\n' "$TOKEN" >"$TMP/token"
check "WA_TOKEN_FILE works too" env WA_TOKEN_FILE="$TMP/token" WA_API_URL=$URL wa-templates sync
check_status "nothing listening: exit 3" 3 env WA_TOKEN=$TOKEN WA_API_URL=http://127.0.0.1:1/v21.0 wa-templates sync
WA_TOKEN=$TOKEN WA_API_URL=$URL wa-templates sync extra 2>"$TMP/err"
check_same "a stray operand is a usage error" 2 $?
check_status "a bad --limit: exit 2" 2 wt --limit 0 sync
check_same "the mock refuses a bad limit as the API does" 400 \
	"$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL/$WA_WABA_ID/message_templates?limit=0")"
check_same "the mock wants the token" 401 \
	"$(curl -s -o /dev/null -w '%{http_code}' "$URL/$WA_WABA_ID/message_templates")"
printf '{"templates":[{"name":"x"}]}\n' >"$CACHE"
check_status "a broken cache: exit 2" 2 wa-templates list
grep -q "templates.json: template 1: no name, language" "$TMP/.out"
check_same "saying what is wrong" 0 $?
done_testing
