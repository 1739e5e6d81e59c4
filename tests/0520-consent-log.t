#!/bin/sh
# The consent log: consent won in the chat (a YES button through a real,
# signed wa-hook) lets the next marketing journey and wa-send reach a
# customer whose record says no, a later STOP stops it, Meta's preference
# webhook, redeliveries, wa-forget, and wa-report -b consent checked by hand.
. "$(dirname "$0")/lib.sh"

J=$TOP/scripts/journeys
# Made up for the test; never real secrets.
WA_APP_SECRET=app-secret-$$
WA_VERIFY_TOKEN=verify-$$
WA_TOKEN=test-token-$$
WA_PHONE_NUMBER_ID=106540352242922
export WA_APP_SECRET WA_VERIFY_TOKEN WA_TOKEN WA_PHONE_NUMBER_ID
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
CL=$WA_HOME/consent.jsonl

hmac() { openssl dgst -sha256 -hmac "$WA_APP_SECRET" -r <"$1" | cut -d' ' -f1; }
# post FILE: POST FILE signed to wa-hook; prints the HTTP status
post() {
	curl -s -o "$TMP/.body" -w '%{http_code}' -H 'Content-Type: application/json' \
		-H "X-Hub-Signature-256: sha256=$(hmac "$1")" \
		--data-binary @"$1" "http://127.0.0.1:$HPORT/webhook"
}
# msg FILE WAMID FROM TIMESTAMP TYPE-AND-CONTENT: an inbound message
msg() {
	printf '{"object":"whatsapp_business_account","entry":[{"id":"880480571844883","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Bea"},"wa_id":"%s"}],"messages":[{"from":"%s","id":"%s","timestamp":"%s",%s}]}}]}]}' \
		"$3" "$3" "$2" "$4" "$5" >"$1"
}
lines() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }
# who LOG: campaign and recipient of each message the mock took
who() { jq -r 'select(.template == "welcome") | "\(.key | sub("/.*"; "")) \(.to)"' "$1" | sort | paste -sd' ' -; }

mkdir -p "$WA_HOME"
printf '%s\n' '{"name":"welcome","language":"en_US","body_params":1}' \
	'{"name":"consent_request","language":"en_US","body_params":0,"buttons":[{"type":"quick_reply"},{"type":"quick_reply"}]}' >"$TMP/tpl.jsonl"
start_mock main -T "$TMP/tpl.jsonl" -o "$TMP/log.jsonl" ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
WA_API_URL=http://127.0.0.1:$PORT/v21.0
export WA_API_URL
start_hook main ||
	{ echo "Bail out! bin/wa-hook did not start"; exit 1; }

# Monday 23 November 2026, 15:00 in London: no quiet hours.
WA_NOW=2026-11-23T15:00:00Z
export WA_NOW
cat >"$WA_HOME/customers.jsonl" <<'EOF'
{"id":"c1","first_name":"Ana","phone":"+447700900501","tz":"Europe/London","opt_in":true,"created_at":"2026-11-20T10:00:00Z","tags":[]}
{"id":"c2","first_name":"Bea","phone":"07700 900502","country":"GB","tz":"Europe/London","opt_in":false,"created_at":"2026-11-21T10:00:00Z","tags":[]}
EOF

# --- before: Bea's record says no, and the log knows nothing of her
"$J/welcome" >"$TMP/w1.out" 2>&1
check_same "without the log, the welcome journey reaches Ana only" "0 welcome +447700900501" \
	"$? $(who "$TMP/log.jsonl")"

# --- the consent question, as wa-hook(1) asks it, to Bea who wrote
printf '%s\n' '{"event":"message","wamid":"wamid.IN1","from":"+447700900502","at":"2026-11-23T09:55:00Z","type":"text","text":"hi"}' >"$TMP/in.jsonl"
wa-send -q --reply -c ask-consent -t consent_request \
	--quick-reply 0=CONSENT_YES --quick-reply 1=CONSENT_NO "$TMP/in.jsonl" >/dev/null 2>&1
check_same "the consent question goes out with its YES and NO payloads" \
	"0 consent_request +447700900502 CONSENT_YES,CONSENT_NO" \
	"$? $(jq -r 'select(.template == "consent_request") | "\(.template) \(.to) \(.buttons | join(","))"' "$TMP/log.jsonl")"

# --- a YES button answer to the consent question, signed, through wa-hook
check_same "Bea's YES button is taken" 200 "$(post "$FIX/webhooks/button-consent-yes.json")"
check_file "the log holds it: opt_in, her number, the time, whatsapp:button, the wamid" "$CL" <<'EOF'
{"type":"opt_in","phone":"+447700900502","at":"2026-11-23T10:00:00Z","source":"whatsapp:button","evidence":"wamid.FIX-C1"}
EOF
check_same "a redelivery adds no second event" "200 1" \
	"$(post "$FIX/webhooks/button-consent-yes.json") $(lines "$CL")"
check_same "the answer leaves the suppression list alone" 0 "$(lines "$WA_HOME/suppress.txt")"
check_same "wa-segment reads consent from the log: Bea has opted in" "c1 c2" \
	"$(wa-segment opt_in "$WA_HOME/customers.jsonl" | jq -r .id | paste -sd' ' -)"
check_same "and from her record without it (--consent /dev/null)" "c1" \
	"$(wa-segment --consent /dev/null opt_in "$WA_HOME/customers.jsonl" | jq -r .id | paste -sd' ' -)"
check_same "an expression that does not read opt_in needs no log" "2" \
	"$(env WA_HOME=/nonexistent/x wa-segment -c 'exists(id)' "$WA_HOME/customers.jsonl" 2>&1)"

"$J/welcome" >"$TMP/w2.out" 2>&1
check_same "the next welcome journey reaches Bea, and nobody twice" \
	"0 welcome +447700900501 welcome +447700900502" "$? $(who "$TMP/log.jsonl")"

# --- a later STOP from Bea
msg "$TMP/stop.json" wamid.CS2 447700900502 1795608000 '"type":"text","text":{"body":"STOP"}'
check_same "her STOP is taken" 200 "$(post "$TMP/stop.json")"
check_same "and logged after the YES, with its wamid" \
	'{"type":"opt_out","phone":"+447700900502","at":"2026-11-25T12:00:00Z","source":"whatsapp:stop-word","evidence":"wamid.CS2"}' \
	"$(sed -n 2p "$CL")"
WA_NOW=2026-11-26T15:00:00Z wa-send -q -c promo -t welcome -p '{{first_name}}' \
	"$WA_HOME/customers.jsonl" >"$TMP/promo.out" 2>"$TMP/promo.err"
check_same "wa-send then skips her, suppressed (the list wins over consent), and sends to Ana" \
	"c1 sent|c2 skipped suppressed" \
	"$(jq -r '"\(.id) \(.event)" + (if .reason then " " + .reason else "" end)' "$TMP/promo.out" | sort | paste -sd'|' -)"
: >"$TMP/nosupp.txt"
check_same "and without the list, for want of consent: the log's opt-out" "skipped no_consent" \
	"$(WA_NOW=2026-11-26T15:00:00Z wa-send --dry-run --suppress "$TMP/nosupp.txt" -c promo2 -t welcome -p '{{first_name}}' \
	"$WA_HOME/customers.jsonl" 2>/dev/null | jq -r 'select(.id == "c2") | "\(.event) \(.reason)"')"
check_same "a NO button is logged as an opt-out (and not suppressed)" "200 opt_out whatsapp:button 1" \
	"$(msg "$TMP/no.json" wamid.CN3 447700900501 1795608000 '"type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"CONSENT_NO","title":"No thanks"}}'
	post "$TMP/no.json") $(tail -1 "$CL" | jq -r '"\(.type) \(.source)"') $(lines "$WA_HOME/suppress.txt")"
check_same "a button with another payload is no answer" "200 3" \
	"$(msg "$TMP/other.json" wamid.CO4 447700900501 1795608000 '"type":"button","button":{"payload":"MORE_INFO","text":"Yes"}'
	post "$TMP/other.json") $(lines "$CL")"

# --- Meta's user_preferences webhook: stop, then resume
check_same "a user_preferences stop is taken" 200 "$(post "$FIX/webhooks/user-preferences-stop.json")"
check_same "and logged, its evidence who and when (it has no id)" \
	'{"type":"opt_out","phone":"+447700900503","at":"2025-11-23T09:12:50Z","source":"whatsapp:user_preferences","evidence":"user_preferences +447700900503 2025-11-23T09:12:50Z"}' \
	"$(tail -1 "$CL")"
check_same "redelivered: no second event" "200 4" \
	"$(post "$FIX/webhooks/user-preferences-stop.json") $(lines "$CL")"
check_same "a user_preferences resume is logged as an opt-in" "200 opt_in whatsapp:user_preferences 5" \
	"$(post "$FIX/webhooks/user-preferences-resume.json") $(tail -1 "$CL" | jq -r '"\(.type) \(.source)"') $(lines "$CL")"
msg "$TMP/start.json" wamid.CS5 447700900503 1796115600 '"type":"text","text":{"body":"START"}'
check_same "a START word is logged as one" "200 opt_in whatsapp:start-word wamid.CS5" \
	"$(post "$TMP/start.json") $(tail -1 "$CL" | jq -r '"\(.type) \(.source) \(.evidence)"')"

# --- idempotent past the spool: a new wa-hook, with an empty spool, given it all again
kill "$HPID"; wait "$HPID" 2>/dev/null
start_hook again --spool "$TMP/other-spool.jsonl" ||
	{ echo "Bail out! bin/wa-hook did not start again"; exit 1; }
n=$(lines "$CL")
for f in "$FIX/webhooks/button-consent-yes.json" "$TMP/stop.json" "$TMP/no.json" \
	"$FIX/webhooks/user-preferences-stop.json" "$FIX/webhooks/user-preferences-resume.json" "$TMP/start.json"; do
	post "$f" >/dev/null
done
check_same "every body again, after a restart, with a new spool: no event twice" "6 6" "$n $(lines "$CL")"

# --- wa-report -b consent: by hand, from the six events above
# 2025-W47: Dee's preference stop (Sunday 23 November 2025)
# 2026-W48: Bea's YES (Mon 23 Nov), Bea's STOP and Ana's NO (Wed 25 Nov)
# 2026-W49: Dee's resume (Mon 30 Nov), her START (Tue 1 Dec)
wa-report -b consent -o csv >"$TMP/rep.csv" 2>"$TMP/rep.err"
check_file "wa-report -b consent: opt-ins and opt-outs per week and source, then per source" "$TMP/rep.csv" <<'EOF'
week,source,opt_in,opt_out,net
2025-W47,whatsapp:user_preferences,0,1,-1
2026-W48,whatsapp:button,1,1,0
2026-W48,whatsapp:stop-word,0,1,-1
2026-W49,whatsapp:start-word,1,0,1
2026-W49,whatsapp:user_preferences,1,0,1
all,whatsapp:button,1,1,0
all,whatsapp:start-word,1,0,1
all,whatsapp:stop-word,0,1,-1
all,whatsapp:user_preferences,1,1,0
all,all,3,3,0
EOF
check_same "--since keeps the weeks after it" "2026-W49 all" \
	"$(wa-report -b consent --since 2026-11-30T00:00:00Z -o json | jq -r .week | sort -u | paste -sd' ' -)"

# --- wa-forget erases Bea's events, and only hers
check_same "wa-forget --export shows her consent events" "opt_in opt_out" \
	"$(wa-forget --export +447700900502 2>/dev/null | jq -r '.consent[].type' | paste -sd' ' -)"
grep -v '+447700900502' "$CL" >"$TMP/rest.jsonl"
wa-forget +447700900502 2>"$TMP/f.err"
check_same "wa-forget: exit 0" 0 $?
check_file "her events are gone from the log, the others kept byte for byte" "$CL" <"$TMP/rest.jsonl"
check_same "nothing names her there" 0 "$(grep -c '900502' "$CL")"

done_testing
