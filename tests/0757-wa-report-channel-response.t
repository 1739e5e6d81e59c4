#!/bin/sh
# wa-report -b channel: how customers responded to each channel, by hand.
# An e-mail campaign and a WhatsApp one, written as wa-mail and wa-send
# write the ledger; the customers' reactions as wa-hook writes them: a
# message from wa-link's button in the e-mail (its ref names the e-mail's
# campaign), a reply quoting a WhatsApp message, a STOP, an order, an
# unsubscribe by the e-mail's link.
. "$(dirname "$0")/lib.sh"
plan 9
channel_world
C=$TMP/customers.jsonl

cat >"$C" <<'X'
{"id":"1","phone":"+447700900101","email":"a@example.org"}
{"id":"2","phone":"+447700900102","email":"b@example.org"}
{"id":"3","phone":"+447700900103","email":"c@example.org"}
{"id":"4","phone":"+447700900104","email":"d@example.org"}
{"id":"5","email":"e@example.org"}
{"id":"7","phone":"+447700900107","email":"g@example.org"}
X
# spring by e-mail, 2026-10-01 10:00, to 1, 2, 3, 4, 5 and 7
spring_mail 1:a 2:b 3:c 4:d 5:e 7:g
# promo by WhatsApp, 2026-10-02 10:00, to 3, 4 and 6 (6 has no e-mail), all delivered
for n in 3 4 6; do
	printf '{"event":"sent","key":"promo/%s","campaign":"promo","id":"%s","to":"+44770090010%s","at":"2026-10-02T10:00:00Z","wamid":"wamid.P%s"}\n' $n $n $n $n >>"$L"
	printf '{"event":"status","wamid":"wamid.P%s","status":"delivered","at":"2026-10-02T10:00:05Z"}\n' $n >>"$E"
done
msg() { # FROM AT TEXT [EXTRA]
	printf '{"event":"message","wamid":"wamid.%s%s","from":"+4477009001%s","at":"2026-10-%sZ","type":"text","text":"%s"%s}\n' \
		"$1" "${2%%:*}" "$1" "$2" "$3" "${4:-}" >>"$E"
}
# 1 taps the e-mail's button: the chat's text carries its ref, 2 h after the e-mail
msg 01 01T12:00:00 'Hi [ref: email-spring]' ',"ref":"email-spring"'
# 3 answers the WhatsApp message 30 min after it, a day after the e-mail
msg 03 02T10:30:00 'yes please'
# 4 writes from the e-mail's button after the WhatsApp message (26 h after
# the e-mail), then quotes the WhatsApp message (2 h after it)
msg 04 02T11:00:00 'Hello [ref: email-spring]' ',"ref":"email-spring"'
msg 04 02T12:00:00 'this one' ',"context":"wamid.P4"'
# 6 answers STOP 5 min after the WhatsApp message
msg 06 02T10:05:00 'STOP'
printf '{"event":"opt_out","from":"+447700900106","at":"2026-10-02T10:05:00Z","via":"stop"}\n' >>"$E"
# 2 orders 6 h after the e-mail; 7 orders 8 days after it, out of the window
cat >"$TMP/orders.jsonl" <<'X'
{"type":"order","id":"o2","customer":"2","created_at":"2026-10-01T16:00:00Z","financial_status":"paid","total":30,"currency":"EUR"}
{"type":"order","id":"o7","customer":"7","created_at":"2026-10-09T10:00:00Z","financial_status":"paid","total":50,"currency":"EUR"}
X
# 5 unsubscribes by spring's link a day after it
printf 'e@example.org # unsubscribed spring 2026-10-02T10:00:00Z\n' >"$WA_HOME/suppress-email.txt"

rep() { wa-report --now 2026-11-01T00:00:00Z --since 2026-10-01 --orders "$TMP/orders.jsonl" -b channel "$@"; }
rep --customers "$C" -o json >"$TMP/ch.json" 2>"$TMP/err"
check_same "exit 0, nothing said, a response count in each row" "0::3" \
	"$?:$(cat "$TMP/err"):$(jq -r 'select(.responded != null) | .group' "$TMP/ch.json" | wc -l | tr -d ' ')"
F='"\(.group) \(.sent) \(.responded) \(.responded_rate) \(.customer_response_p50_s)"'
# By hand, within the 7-day window:
#   e-mail: 6 reached; 1 by the button 2 h (7200), 2 by the order 6 h
#   (21600), 4 by the button 26 h (93600; its ref names spring, though the
#   WhatsApp message came between), 5 by the unsubscribe 24 h (86400); 3's
#   message after the WhatsApp one is that one's; 7's order is past the
#   window: 4 of 6, median of 7200 21600 86400 93600 (nearest rank) 21600
#   WhatsApp: 3 reached; 3 in 1800, 4 in 7200 (the quote), 6 in 300 (STOP):
#   3 of 3, median 1800
#   all: 7 of 9, median of 300 1800 7200 7200 21600 86400 93600: 7200
check_same "responded, the share within the window and the median time to it, per channel" \
	"email 6 4 0.6667 21600|whatsapp 3 3 1 1800|all 9 7 0.7778 7200" \
	"$(jq -r "$F" "$TMP/ch.json" | paste -sd'|' -)"
check_same "2's order is a response and the e-mail's conversion" \
	'email 1 4|whatsapp 0 3|all 1 7' "$(jq -r '"\(.group) \(.conversions) \(.responded)"' "$TMP/ch.json" | paste -sd'|' -)"
# Without the customers file, 1's number is nobody's: its chat is no response to its e-mail.
rep -o json >"$TMP/nocust.json"
check_same "without --customers, the number that wrote joins no e-mail" \
	"email 3|all 6" "$(jq -r 'select(.group != "whatsapp") | "\(.group) \(.responded)"' "$TMP/nocust.json" | paste -sd'|' -)"
# The window is the report's: --window 1d leaves 4's 26 h out; 5's 24 h
# is at its bound, still within.
rep --customers "$C" --window 1d -o json >"$TMP/w1.json"
check_same "--window 1d: 3 of 6 e-mails responded within a day, median 21600" \
	"email 3 21600" "$(jq -r 'select(.group == "email") | "\(.group) \(.responded) \(.customer_response_p50_s)"' "$TMP/w1.json")"
# A channel nobody responded to says null, and the table says n/a.
rep --customers "$C" --since 2026-10-03 -o json >"$TMP/none.json"
check_same "no message in the period: null response time" "all 0 null null" \
	"$(jq -r "$F" "$TMP/none.json" | cut -d' ' -f1,3-)"
COLUMNS=120 rep --customers "$C" -o table >"$TMP/ch.txt"
check "on a terminal: the share and median of responses beside bounces and unsubscribes" \
	grep -Eq "^channel +sent +bounced +unsub +resp'd% +cust resp p50" "$TMP/ch.txt"
check_same "on a terminal: e-mail's share and median" "66.7% 6h00m" \
	"$(awk '$1 == "email" { print $5, $6 }' "$TMP/ch.txt")"
rep --customers "$C" -o csv >"$TMP/ch.csv"
check_same "-o csv: responded, responded_rate, customer_response_p50_s" \
	"email 4 0.6667 21600|whatsapp 3 1.0000 1800|all 7 0.7778 7200" \
	"$(/usr/bin/python3 -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[1])): print(r["group"], r["responded"], r["responded_rate"], r["customer_response_p50_s"])' "$TMP/ch.csv" | paste -sd'|' -)"
