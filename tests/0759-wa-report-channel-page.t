#!/bin/sh
# wa-report -b channel: the channels compared, on the page and in every
# format, by hand: an e-mail that sold, a WhatsApp message answered in the
# chat, and a conversation rated by its close survey.
. "$(dirname "$0")/lib.sh"
plan 6
channel_world
cat >"$C" <<'X'
{"id":"1","phone":"+447700900101","email":"a@example.org"}
{"id":"2","phone":"+447700900102"}
X
cat >"$L" <<'X'
{"event":"sent","key":"spring/email:a@example.org","campaign":"spring","id":"1","to":"mail:a","email":"a@example.org","channel":"email","at":"2026-10-01T10:00:00Z"}
{"event":"sent","key":"promo/2","campaign":"promo","id":"2","to":"+447700900102","at":"2026-10-01T10:00:00Z","wamid":"wamid.P2"}
{"event":"attempt","key":"inbox-survey/x2","to":"+447700900102","campaign":"inbox-survey","at":"2026-10-01T10:40:00Z"}
{"event":"sent","key":"inbox-survey/x2","to":"+447700900102","campaign":"inbox-survey","at":"2026-10-01T10:40:00Z","wamid":"wamid.S2"}
X
# 2 answers the WhatsApp message after 20 min, and its survey after 5 min;
# 1 orders 3 h after the e-mail
cat >"$E" <<'X'
{"event":"status","wamid":"wamid.P2","status":"delivered","at":"2026-10-01T10:00:05Z"}
{"event":"message","wamid":"wamid.M2","from":"+447700900102","at":"2026-10-01T10:20:00Z","type":"text","text":"I'll take it","context":"wamid.P2"}
{"event":"message","wamid":"wamid.A2","from":"+447700900102","at":"2026-10-01T10:45:00Z","type":"button","text":"4","payload":"SCORE:4","context":"wamid.S2"}
X
printf '{"event":"closed","conv":"x2","phone":"+447700900102","at":"2026-10-01T10:40:00Z","agent":"ann","survey":"inbox-survey/x2"}\n' >"$WA_HOME/inbox.jsonl"
printf '{"type":"order","id":"o1","customer":"1","created_at":"2026-10-01T13:00:00Z","financial_status":"paid","total":25,"currency":"EUR"}\n' >"$TMP/orders.jsonl"

rep() { wa-report --now 2026-11-01T00:00:00Z --since 2026-10-01 --customers "$C" --orders "$TMP/orders.jsonl" -b channel "$@"; }
rep -o html >"$TMP/ch.html"
check "the page has the channels compared" grep -q '<h2>Channels compared</h2>' "$TMP/ch.html"
# By hand: e-mail 1 of 1 responded in 3 h (the order), converted, no rating;
# WhatsApp: the promo in 20 min, the survey in 5 min: 2 of 2, median 5 min
# (nearest rank), no order, rated 4 once; all: median of 300 1200 10800
row() { sed -n "/class=\"channels\"/,/<\/table>/p" "$TMP/ch.html" | grep "<tr><td>$1</td>" | sed 's/<\/td><td[^>]*>/ /g; s/<[^>]*>//g'; }
check_same "the page: e-mail's row, n/a for no rating" "email 1 100.0% 3h00m 100.0% n/a 0" "$(row email)"
check_same "the page: WhatsApp's row" "whatsapp 2 100.0% 5m00s 0.0% 4 1" "$(row whatsapp)"
check_same "the page: all" "all 3 100.0% 20m00s 50.0% 4 1" "$(row all)"
rep -o json >"$TMP/ch.json"
check_same "-o json: an e-mail's recipient counts for the conversion rate once the server took it" \
	"email 1 1|whatsapp 0 0|all 1 0.5" \
	"$(jq -r '"\(.group) \(.conversions) \(.conversion_rate)"' "$TMP/ch.json" | paste -sd'|' -)"
rep --wide -o table >"$TMP/ch.txt"
check "-o table --wide: responded, responded%, cust resp p50, rating and ratings columns" \
	grep -Eq 'responded +responded% +cust resp p50 +rating +ratings' "$TMP/ch.txt"
