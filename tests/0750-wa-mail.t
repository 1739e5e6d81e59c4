#!/bin/sh
# wa-mail against a real SMTP server (tests/smtp-sink.py, aiosmtpd) over STARTTLS: the messages
# read back, consent, the suppression list, exactly once, bounces, retries, unknown outcomes, caps.
. "$(dirname "$0")/lib.sh"

mail_world 0750
T=$FIX/mail/cart.eml

start_smtp sink --cert "$TMP/cert.pem" --key "$TMP/key.pem" --rcpt-5xx '^hard@' \
	--rcpt-4xx '^(soft|grey)@' --soft-times 1 --drop '^drop@' ||
	{ echo "Bail out! tests/smtp-sink.py did not start"; exit 1; }
WA_SMTP_URL=smtp://127.0.0.1:$SPORT
export WA_SMTP_URL
parse() { /usr/bin/python3 "$TOP/tests/mail-parse.py" "$@"; }

cat >"$TMP/c.jsonl" <<'EOF'
{"id":"1","email":"Ann.Lee@Example.org","email_opt_in":true,"first_name":"Ann <Lee> & co","discount_code":"CART-7Q2"}
{"id":"2","email":"bob@example.org","email_opt_in":false,"first_name":"Bob","discount_code":"CART-8X1"}
{"id":"3","email":"not-an-address","email_opt_in":true,"discount_code":"X"}
{"id":"4","phone":"+447700900004","email_opt_in":true,"discount_code":"X"}
{"id":"5","email":"ann.lee@example.ORG","email_opt_in":true,"first_name":"Ann","discount_code":"CART-7Q2"}
{"id":"6","email":"zoe@example.org","email_opt_in":true,"first_name":"Zoë","discount_code":"CART-ZZZ"}
{"id":"7","email":"cleo@example.org","email_opt_in":true}
{"id":"8","email":"zoë@example.org","email_opt_in":true,"discount_code":"X"}
EOF

# --dry-run: the rendered message on stdout, nothing sent, no ledger
wa-mail -c cart -T "$T" --dry-run "$TMP/c.jsonl" >"$TMP/d1" 2>"$TMP/d1.err"
check_same "--dry-run: one message per address, the others skipped or failed locally" \
	"dry_run 1 ann.lee@example.org|skipped 2 no_consent|skipped 3 invalid_email|skipped 4 no_email|skipped 5 already_sent|dry_run 6 zoe@example.org|failed 7 local|dry_run 8 zoë@example.org" \
	"$(jq -r '[.event, .id, (.reason // .error.class // .to)] | join(" ")' "$TMP/d1" | paste -sd'|')"
check "--dry-run: the message is printed, a Subject of other scripts RFC 2047-encoded" sh -c \
	"jq -r 'select(.id == \"6\").message' '$TMP/d1' | grep -q '^Subject: =?UTF-8?B?'"
check_same "--dry-run: nothing reached the server, no ledger" "0 no" \
	"$(ls "$TMP/sink" | grep -c eml) $(test -e "$WA_HOME/ledger.jsonl" && echo yes || echo no)"
check "a field missing names it, at its FILE:LINE" grep -q "c.jsonl:7: .*discount_code" "$TMP/d1.err"

# Sent over STARTTLS, read back
wa-mail -c cart -T "$T" --rate 6000 "$TMP/c.jsonl" >"$TMP/o1" 2>"$TMP/e1"
check_same "sent: exit 1 (one record failed locally), 2 sent" "1 2" \
	"$? $(jq -c 'select(.event == "sent")' "$TMP/o1" | wc -l | tr -d ' ')"
parse "$TMP"/sink/*.eml >"$TMP/m1"
check_same "the envelope: from the template's From, to the address in lower case" \
	'shop@example.com ["ann.lee@example.org"]|shop@example.com ["zoe@example.org"]' \
	"$(jq -r 'select(.event == "delivered") | .sender + " " + (.to | tojson)' "$TMP/sink/log.jsonl" | paste -sd'|')"
check_same "headers: From, To, Reply-To and the Subject filled and decoded" \
	"Corner Shop <shop@example.com>|ann.lee@example.org|help@example.com|Ann <Lee> & co, your cart is waiting: CART-7Q2 inside" \
	"$(jq -r 'select(.to | test("ann")) | [.from, .to, .reply_to, .subject] | join("|")' "$TMP/m1")"
check_same "a subject of other scripts comes back whole" "Zoë, your cart is waiting: CART-ZZZ inside" \
	"$(jq -r 'select(.to | test("zo")) | .subject' "$TMP/m1")"
check_same "both parts: multipart/alternative, CRLF lines" "multipart/alternative true" \
	"$(jq -r 'select(.to | test("ann")) | "\(.type) \(.crlf)"' "$TMP/m1")"
check "the text part: placeholders filled, lines of a dot kept" sh -c \
	"jq -r 'select(.to | test(\"ann\")) | .plain' '$TMP/m1' | tr -d '\\r' >'$TMP/plain.txt' &&
	grep -qx 'Hi Ann <Lee> & co,' '$TMP/plain.txt' && grep -q 'Use the code CART-7Q2 before' '$TMP/plain.txt' &&
	grep -qx '\\.' '$TMP/plain.txt' && grep -qx '\\.signature' '$TMP/plain.txt'"
check "the HTML part: values escaped, markup kept" sh -c \
	"jq -r 'select(.to | test(\"ann\")) | .html' '$TMP/m1' | grep -qF '<p>Hi Ann &lt;Lee&gt; &amp; co,</p>'"
U=$(jq -r 'select(.to | test("ann")) | .list_unsubscribe' "$TMP/m1")
check_same "List-Unsubscribe: an https URL of wa-hook with address, campaign and token" \
	"<https://shop.example.com/wa/unsubscribe?e=ann.lee%40example.org&c=cart&t=" \
	"$(printf '%s' "$U" | sed 's/t=.*/t=/')"
check_same "List-Unsubscribe-Post: One-Click (RFC 8058)" "List-Unsubscribe=One-Click" \
	"$(jq -r 'select(.to | test("ann")) | .list_unsubscribe_post' "$TMP/m1")"
URL=$(printf '%s' "$U" | tr -d '<>')
check "a visible unsubscribe link in the text part" grep -qF "Unsubscribe: $URL" "$TMP/plain.txt"
check "and in the HTML part, before </body>" sh -c \
	"jq -r 'select(.to | test(\"ann\")) | .html' '$TMP/m1' | tr -d '\\r\\n' | grep -qF 'Unsubscribe</a></p></body>'"
check_same "the ledger: an attempt, then the outcome, channel email, the address folded" \
	"attempt email cart/email:ann.lee@example.org ann.lee@example.org|sent email cart/email:ann.lee@example.org ann.lee@example.org" \
	"$(jq -r 'select(.id == "1") | [.event, .channel, .key, .email] | join(" ")' "$WA_HOME/ledger.jsonl" | paste -sd'|')"

wa-mail -c cart -T "$T" --rate 6000 "$TMP/c.jsonl" >"$TMP/o2" 2>/dev/null
check_same "a rerun sends nothing again" "0 2" \
	"$(jq -c 'select(.event == "sent")' "$TMP/o2" | wc -l | tr -d ' ') $(ls "$TMP/sink" | grep -c eml)"
check_same "  each address already_sent" "already_sent already_sent" \
	"$(jq -r 'select(.id == "1" or .id == "6") | .reason' "$TMP/o2" | paste -sd' ')"
wa-mail -c cart2 -T "$T" --rate 6000 "$TMP/c.jsonl" >/dev/null 2>&1
check_same "another campaign is another message" "4" "$(ls "$TMP/sink" | grep -c eml)"

# Consent: marketing needs email_opt_in; --class utility does not; the list always wins
printf '%s\n' '{"id":"b","email":"bob@example.org","email_opt_in":false}' \
	'{"id":"s","email":"Stopped@Example.org","email_opt_in":true}' >"$TMP/u.jsonl"
printf 'stopped@example.org # unsubscribed\n' >>"$WA_HOME/suppress-email.txt"
wa-mail -c receipt -T "$FIX/mail/receipt.eml" --class utility "$TMP/u.jsonl" >"$TMP/o3" 2>&1
check_same "--class utility: sent without e-mail consent; suppress-email.txt still wins" \
	"sent b|skipped s suppressed" "$(jq -r '[.event, .id, .reason // empty] | join(" ")' "$TMP/o3" 2>/dev/null | paste -sd'|')"
parse $(jq -r 'select(.to == ["bob@example.org"]) | "'"$TMP"'/sink/" + .file' "$TMP/sink/log.jsonl") >"$TMP/m3"
check_same "a transactional mail: text only, no List-Unsubscribe, no link" "text/plain null 0" \
	"$(jq -r '"\(.type) \(.list_unsubscribe)"' "$TMP/m3") $(jq -r .plain "$TMP/m3" | grep -c -i unsubscribe)"
(unset WA_PUBLIC_URL; wa-mail -c x -T "$T" --dry-run "$TMP/c.jsonl" >/dev/null 2>"$TMP/e4")
check_same "marketing without WA_PUBLIC_URL: exit 2, said" "2 1" "$? $(grep -c WA_PUBLIC_URL "$TMP/e4")"

# Bounces, temporary refusals, a connection lost after the data
printf '%s\n' '{"id":"h","email":"hard@example.org","email_opt_in":true,"discount_code":"A"}' \
	'{"id":"s","email":"soft@example.org","email_opt_in":true,"discount_code":"A"}' \
	'{"id":"d","email":"drop@example.org","email_opt_in":true,"discount_code":"A"}' \
	'{"id":"k","email":"kim@example.org","email_opt_in":true,"discount_code":"A"}' >"$TMP/f.jsonl"
wa-mail -c faults -T "$T" --rate 6000 "$TMP/f.jsonl" >"$TMP/o5" 2>"$TMP/e5"
check_same "5xx bounced, 4xx sent on its retry, lost after DATA unknown: exit 1" \
	"1|failed h bounce 550|unknown d unknown|sent k|sent s" \
	"$?|$(jq -r '[.event, .id, .error.class // empty, .error.code // empty] | join(" ")' "$TMP/o5" | paste -sd'|')"
check "the bounce is suppressed, the SMTP reply as the reason" \
	grep -q '^hard@example.org # bounce faults: 550 5.1.1 <hard@example.org>: mailbox unavailable$' \
	"$WA_HOME/suppress-email.txt"
check_same "the 4xx is in the ledger as a failure to retry, then sent" "attempt failed:true attempt sent:" \
	"$(jq -r 'select(.key == "faults/email:soft@example.org") | .event + (if .event == "attempt" then "" else ":" + (.retry // "" | tostring) end)' "$WA_HOME/ledger.jsonl" | paste -sd' ')"
check_same "the message of the lost connection reached the server once" "1" \
	"$(jq -r 'select(.to == ["drop@example.org"]) | .event' "$TMP/sink/log.jsonl" | wc -l | tr -d ' ')"
wa-mail -c faults -T "$T" --rate 6000 "$TMP/f.jsonl" >"$TMP/o6" 2>/dev/null
check_same "a rerun: the bounce suppressed, the unknown not sent again" \
	"skipped h suppressed|skipped s already_sent|unknown d attempted_before|skipped k already_sent" \
	"$(jq -r '[.event, .id, .reason] | join(" ")' "$TMP/o6" | paste -sd'|')"
printf '%s\n' '{"id":"g","email":"grey@example.org","email_opt_in":true,"discount_code":"A"}' >"$TMP/g.jsonl"
wa-mail -c grey -T "$T" --max-retries 0 "$TMP/g.jsonl" >"$TMP/o7" 2>/dev/null
check_same "--max-retries 0: a 4xx is a failure to retry later, exit 1" "1 failed temporary 451 true" \
	"$? $(jq -r '[.event, .error.class, .error.code, .retry] | join(" ")' "$TMP/o7")"
wa-mail -c grey -T "$T" --max-retries 0 "$TMP/g.jsonl" >"$TMP/o8" 2>/dev/null
check_same "  and the next run sends it" "0 sent" "$? $(jq -r .event "$TMP/o8")"

# Caps: e-mail alone, or both channels with --cap-channels both
printf '%s\n' '{"event":"attempt","key":"wa/1","id":"1","to":"+447700900009","campaign":"wa","at":"2026-12-07T10:00:00Z"}' \
	'{"event":"sent","key":"wa/1","id":"1","to":"+447700900009","campaign":"wa","at":"2026-12-07T10:00:00Z"}' >"$TMP/capl.jsonl"
printf '%s\n' '{"id":"p","email":"pat@example.org","phone":"+44 7700 900009","email_opt_in":true,"discount_code":"A"}' >"$TMP/p.jsonl"
wa-mail -c c1 -T "$T" --ledger "$TMP/capl.jsonl" --now 2026-12-07T12:00:00Z --cap 1/7d --cap-channels both \
	"$TMP/p.jsonl" >"$TMP/o9" 2>/dev/null
check_same "--cap-channels both: a WhatsApp message counts, skipped cap" "skipped cap" \
	"$(jq -r '.event + " " + .reason' "$TMP/o9")"
wa-mail -c c1 -T "$T" --ledger "$TMP/capl.jsonl" --now 2026-12-07T12:00:00Z --cap 1/7d "$TMP/p.jsonl" >"$TMP/o10" 2>/dev/null
check_same "--cap alone counts e-mail only: sent" "sent" "$(jq -r .event "$TMP/o10")"
wa-mail -c c2 -T "$T" --ledger "$TMP/capl.jsonl" --now 2026-12-07T12:00:00Z --cap 1/7d "$TMP/p.jsonl" >"$TMP/o11" 2>/dev/null
check_same "  then that e-mail counts toward the next" "skipped cap" "$(jq -r '.event + " " + .reason' "$TMP/o11")"
printf '%s\n' '{"id":"q","email":"quinn@example.org","tz":"Europe/London","email_opt_in":true,"discount_code":"A"}' >"$TMP/q.jsonl"
wa-mail -c q -T "$T" --now 2026-12-07T23:00:00Z --quiet 21:00-09:00 "$TMP/q.jsonl" >"$TMP/o12" 2>/dev/null
check_same "--quiet: deferred in the customer's night" "deferred quiet_hours" "$(jq -r '.event + " " + .reason' "$TMP/o12")"

# The lock: exit 75 with --no-wait while another run holds the ledger
flock "$WA_HOME/ledger.jsonl" sleep 3 &
LPID=$!
sleep 0.3
check_status "--no-wait: exit 75 while another run holds the ledger" 75 \
	wa-mail -c lock -T "$T" --no-wait "$TMP/q.jsonl"
wait $LPID

# STARTTLS is required; AUTH from the environment or a file, never printed
start_smtp plain || { echo "Bail out! tests/smtp-sink.py did not start"; exit 1; }
WA_SMTP_URL=smtp://127.0.0.1:$SPORT wa-mail -c plain -T "$T" "$TMP/q.jsonl" >"$TMP/o13" 2>"$TMP/e13"
check_same "a server without STARTTLS: exit 3, nothing delivered" "3 0" \
	"$? $(ls "$TMP/plain" | grep -c eml)"
WA_SMTP_STARTTLS=try WA_SMTP_URL=smtp://127.0.0.1:$SPORT wa-mail -c plain -T "$T" "$TMP/q.jsonl" >"$TMP/o14" 2>&1
check_same "WA_SMTP_STARTTLS=try: a relay without TLS is used" "0 1" "$? $(ls "$TMP/plain" | grep -c eml)"
SINK_AUTH=shop:t-0750-smtp-password-9 start_smtp auth --cert "$TMP/cert.pem" --key "$TMP/key.pem" --auth ||
	{ echo "Bail out! tests/smtp-sink.py did not start"; exit 1; }
printf 't-0750-smtp-password-9\n' >"$TMP/pw"
WA_SMTP_USER=shop WA_SMTP_PASSWORD=wrong-password-1 WA_SMTP_URL=smtp://127.0.0.1:$SPORT \
	wa-mail -c auth -T "$T" "$TMP/q.jsonl" >"$TMP/o15" 2>"$TMP/e15"
check_same "a wrong password: exit 3, said" "3 1" "$? $(grep -c 535 "$TMP/e15")"
WA_SMTP_USER=shop WA_SMTP_PASSWORD_FILE=$TMP/pw WA_SMTP_URL=smtp://127.0.0.1:$SPORT \
	wa-mail -c auth2 -T "$T" "$TMP/q.jsonl" >"$TMP/o16" 2>"$TMP/e16"
check_same "WA_SMTP_PASSWORD_FILE: sent" "0 1" "$? $(ls "$TMP/auth" | grep -c eml)"
check "the password is in no output, ledger or list" sh -c \
	"! grep -rq -e t-0750-smtp-password-9 -e wrong-password-1 '$TMP'/o* '$TMP'/e* '$WA_HOME'"
done_testing
