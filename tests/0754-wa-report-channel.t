#!/bin/sh
# wa-report -b channel: bounced and unsubscribed per channel, by hand. The
# e-mails are sent by wa-mail to tests/smtp-sink.py (a 5xx to RCPT for
# hard@), the unsubscribes are lines as wa-hook's /unsubscribe writes them
# in suppress-email.txt, the WhatsApp messages are ledger lines.
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null && command -v openssl >/dev/null || {
	echo "1..0 # SKIP no aiosmtpd or openssl (scripts/deps installs python3-aiosmtpd, openssl)"
	exit 0
}
plan 8
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
make_cert || { echo "Bail out! openssl could not make a certificate"; exit 1; }
WA_UNSUBSCRIBE_SECRET=t-0754-unsub-secret
WA_PUBLIC_URL=https://shop.example.com/wa
WA_CA_FILE=$TMP/cert.pem
export WA_UNSUBSCRIBE_SECRET WA_PUBLIC_URL WA_CA_FILE
unset WA_SMTP_USER WA_SMTP_PASSWORD WA_SMTP_PASSWORD_FILE WA_SMTP_STARTTLS
start_smtp sink --cert "$TMP/cert.pem" --key "$TMP/key.pem" --rcpt-5xx '^hard@' ||
	{ echo "Bail out! tests/smtp-sink.py did not start"; exit 1; }
WA_SMTP_URL=smtp://127.0.0.1:$SPORT
export WA_SMTP_URL
mkdir -p "$WA_HOME"
L=$WA_HOME/ledger.jsonl
E=$TMP/events.jsonl

# promo by e-mail, 2026-10-01 10:00: 1, 3 and 4 go out, 2 bounces (5xx to RCPT).
cat >"$TMP/c.jsonl" <<'X'
{"id":"1","email":"a@example.org","email_opt_in":true}
{"id":"2","email":"hard@example.org","email_opt_in":true}
{"id":"3","email":"c@example.org","email_opt_in":true}
{"id":"4","email":"f@example.org","email_opt_in":true}
X
wa-mail -q -c promo -T "$FIX/mail/spring.eml" --now 2026-10-01T10:00:00Z --rate 6000 "$TMP/c.jsonl" >"$TMP/mail.out" 2>&1
check_same "wa-mail: 3 sent, 1 bounced" "failed 2 bounce|sent 1|sent 3|sent 4" \
	"$(jq -r '[.event, .id, (.error.class // empty)] | join(" ")' "$TMP/mail.out" | sort | paste -sd'|')"
# Unsubscribes: c@ by promo's link the day after (counts); f@ before the
# e-mail (no); e@, never mailed (no); a@ from another campaign (no).
cat >>"$WA_HOME/suppress-email.txt" <<'X'
c@example.org # unsubscribed promo 2026-10-02T09:00:00Z
f@example.org # unsubscribed promo 2026-09-30T09:00:00Z
e@example.org # unsubscribed promo 2026-10-03T09:00:00Z
a@example.org # unsubscribed winter 2026-10-02T09:00:00Z
X
# promo by WhatsApp, the same hour: w1..w3 delivered, w2 answers STOP, w3
# is refused by the API.
for n in 1 2; do
	printf '{"event":"sent","key":"promo/w%s","id":"w%s","to":"+44770090010%s","campaign":"promo","at":"2026-10-01T10:00:00Z","wamid":"wamid.W%s"}\n' $n $n $n $n >>"$L"
	printf '{"event":"status","wamid":"wamid.W%s","status":"delivered","at":"2026-10-01T10:00:05Z"}\n' $n >>"$E"
done
printf '{"event":"failed","key":"promo/w3","id":"w3","to":"+447700900103","campaign":"promo","at":"2026-10-01T10:00:00Z","error":{"code":131026,"title":"Message undeliverable","class":"recipient"}}\n' >>"$L"
printf '{"event":"opt_out","from":"+447700900102","at":"2026-10-01T12:00:00Z","via":"stop"}\n' >>"$E"
# an order of customer 3 two days after its e-mail: a conversion by e-mail
printf '{"type":"order","id":"o1","customer":"3","created_at":"2026-10-03T10:00:00Z","financial_status":"paid","total":40,"currency":"EUR"}\n' >"$TMP/orders.jsonl"

rep() { wa-report --now 2026-11-01T00:00:00Z --since 2026-09-01 --events "$E" --orders "$TMP/orders.jsonl" "$@"; }
rep -b channel -o json >"$TMP/ch.json" 2>"$TMP/err"
check_same "-b channel: exit 0, nothing said" "0:" "$?:$(cat "$TMP/err")"
# by hand: e-mail 3 sent, 1 failed that is a bounce, 1 unsubscribed (c@);
# WhatsApp 2 sent, 1 failed, no bounce, 1 unsubscribed (the STOP); all the sum
check_same "-b channel: sent, failed, bounced, opted out, unsubscribed" \
	"email 3 1 1 0 1|whatsapp 2 1 0 1 1|all 5 2 1 1 2" \
	"$(jq -r '[.group, .sent, .failed, .bounced, .opted_out, .unsubscribed] | join(" ")' "$TMP/ch.json" | paste -sd'|')"
check_same "-b channel: conversions and revenue per channel" \
	'email 1 {"EUR":40}|whatsapp 0 {}|all 1 {"EUR":40}' \
	"$(jq -c -r '[.group, .conversions, (.revenue | tojson)] | join(" ")' "$TMP/ch.json" | paste -sd'|')"
rep -b channel -o csv >"$TMP/ch.csv"
check_same "-b channel -o csv: bounced and unsubscribed columns" \
	"3 1 1|2 0 1|5 1 2" \
	"$(/usr/bin/python3 -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[1])): print(r["sent"], r["bounced"], r["unsubscribed"])' "$TMP/ch.csv" | paste -sd'|')"
COLUMNS=100 rep -b channel -o table >"$TMP/ch.txt"
check "-b channel on a terminal: the bounced and unsub columns" \
	grep -Eq '^channel +sent +bounced +unsub' "$TMP/ch.txt"
check_same "-b channel on a terminal: e-mail's row" "email 3 1 1" \
	"$(awk '$1 == "email" { print $1, $2, $3, $4 }' "$TMP/ch.txt")"
rep -o json >"$TMP/camp.json"
check_same "-b campaign: no channel columns, as before" "null null" \
	"$(jq -r 'select(.group == "all") | [.bounced, .unsubscribed] | map(tostring) | join(" ")' "$TMP/camp.json")"
