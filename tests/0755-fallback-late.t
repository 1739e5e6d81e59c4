#!/bin/sh
# The fallback to e-mail from a 131026 that comes later, as a webhook
# status: mock-graph accepts the message, then posts a "failed" status with
# 131026 to wa-hook, which spools it; scripts/journeys/fallback-email
# e-mails that customer, exactly once, beside those whose send answer was
# 131026 already.
. "$(dirname "$0")/lib.sh"

mail_world 0755
plan 9
# Made up for the test; never real secrets.
WA_APP_SECRET=app-secret-0755 WA_VERIFY_TOKEN=verify-0755
export WA_APP_SECRET WA_VERIFY_TOKEN
# The webhooks carry the real time, so the journeys run at the real time: no
# quiet hours, or the test would fail in the evening.
QUIET=
export QUIET
mkdir -p "$WA_HOME"

printf '%s\n' '{"name":"spring_sale","language":"en_US","body_params":1}' >"$TMP/tpl.jsonl"
start_hook hook || { echo "Bail out! wa-hook did not start"; exit 1; }
# +447700900002: 131026 in the send's answer; 07 and 08: accepted, then
# failed by webhook with 131026; 09: failed later with another code
start_mail --webhook "http://127.0.0.1:$HPORT/webhook" --webhook-delay 1 \
	--error +447700900002=131026 --async-error +447700900007=131026 \
	--async-error +447700900008=131026 --async-error +447700900009=131049

cat >"$WA_HOME/customers.jsonl" <<'X'
{"id":"c1","first_name":"Ana","phone":"+447700900001","email":"ana@example.org","opt_in":true,"email_opt_in":true}
{"id":"c2","first_name":"Bob","phone":"+447700900002","email":"bob@example.org","opt_in":true,"email_opt_in":true}
{"id":"c7","first_name":"Gus","phone":"+447700900007","email":"gus@example.org","opt_in":true,"email_opt_in":true}
{"id":"c8","first_name":"Hal","phone":"+447700900008","email":"hal@example.org","opt_in":true,"email_opt_in":false}
{"id":"c9","first_name":"Ivy","phone":"+447700900009","email":"ivy@example.org","opt_in":true,"email_opt_in":true}
X
wa-send -c spring -t spring_sale -p '{{first_name|there}}' "$WA_HOME/customers.jsonl" \
	>>"$WA_HOME/journeys.jsonl" 2>/dev/null
check_same "wa-send: four accepted, Bob's 131026 in the answer" \
	"c1 sent|c2 failed 131026|c7 sent|c8 sent|c9 sent" \
	"$(jq -r '[.id, .event, (.error.code // empty | tostring)] | join(" ")' "$WA_HOME/journeys.jsonl" | sort | paste -sd'|')"
# the webhooks: sent and delivered for 01, failed for 07, 08 and 09
i=0
while [ "$(jq -c 'select(.status == "failed")' "$WA_HOME/events.jsonl" 2>/dev/null | wc -l)" -lt 3 ] && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
check_same "wa-hook spooled the later failures" "131026 131026 131049" \
	"$(jq -r 'select(.status == "failed") | .error.code' "$WA_HOME/events.jsonl" | sort | paste -sd' ')"

sh "$J/fallback-email" spring "$FIX/mail/spring.eml" 2>"$TMP/fb.err"
check_same "fallback-email: exit 0" "0:" "$?:$(cat "$TMP/fb.err")"
check_same "  Bob (the answer) and Gus (the webhook) e-mailed; not Ana, nor Ivy (131049)" \
	"bob@example.org gus@example.org" "$(mailed)"
check_same "  Hal, failed later too, did not agree to e-mail" "skipped no_consent" \
	"$(jq -r 'select(.channel == "email" and .id == "c8") | .event + " " + .reason' "$WA_HOME/journeys.jsonl")"
check_same "  the ledger: Gus failed on WhatsApp later, sent by e-mail" \
	"spring/email:gus@example.org sent" \
	"$(jq -r 'select(.id == "c7" and .channel == "email" and .event != "attempt") | "\(.key) \(.event)"' "$WA_HOME/ledger.jsonl")"

# run again, and once more after more statuses came: nothing twice
sh "$J/fallback-email" spring "$FIX/mail/spring.eml" 2>"$TMP/fb2.err"
check_same "fallback-email again: exit 0, nothing sent twice" "0: bob@example.org gus@example.org" "$?:$(cat "$TMP/fb2.err") $(mailed)"
check_same "  Gus's second line says already sent" "sent skipped already_sent" \
	"$(jq -r 'select(.channel == "email" and .id == "c7") | .event + (if .reason then " " + .reason else "" end)' "$WA_HOME/journeys.jsonl" | paste -sd' ')"
# a spring message of another campaign's run is not this campaign's: the
# statuses count only for the campaign's own sends
sh "$J/fallback-email" autumn "$FIX/mail/spring.eml" 2>"$TMP/fb3.err"
check_same "fallback-email of a campaign that sent nothing: exit 0, nothing sent" "0: bob@example.org gus@example.org" "$?:$(cat "$TMP/fb3.err") $(mailed)"
