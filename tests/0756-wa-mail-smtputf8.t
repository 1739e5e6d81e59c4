#!/bin/sh
# wa-mail and addresses of other scripts (RFC 6531): a non-ASCII local part
# or an IDN domain goes with SMTPUTF8 when the server offers it (the domain
# as IDNA, punycode, by libcurl); when it does not, it is skipped with a
# reason, not sent, not bounced, not suppressed, and sent by a later run to
# a server that offers it. tests/smtp-sink.py offers SMTPUTF8 with --smtputf8.
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null && command -v openssl >/dev/null || {
	echo "1..0 # SKIP no aiosmtpd or openssl (scripts/deps installs python3-aiosmtpd, openssl)"
	exit 0
}
plan 10
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
make_cert || { echo "Bail out! openssl could not make a certificate"; exit 1; }
WA_UNSUBSCRIBE_SECRET=t-0756-unsub-secret
WA_PUBLIC_URL=https://shop.example.com/wa
WA_CA_FILE=$TMP/cert.pem
export WA_UNSUBSCRIBE_SECRET WA_PUBLIC_URL WA_CA_FILE
unset WA_SMTP_USER WA_SMTP_PASSWORD WA_SMTP_PASSWORD_FILE WA_SMTP_STARTTLS
mkdir -p "$WA_HOME"
T=$FIX/mail/spring.eml

cat >"$TMP/c.jsonl" <<'X'
{"id":"1","email":"bob@example.org","email_opt_in":true,"first_name":"Bob"}
{"id":"2","email":"Zoë@Example.org","email_opt_in":true,"first_name":"Zoë"}
{"id":"3","email":"ann@bücher.example","email_opt_in":true,"first_name":"Ann"}
{"id":"4","email":"李@例え.jp","email_opt_in":true,"first_name":"Li"}
X

# A server without SMTPUTF8: the ASCII address only.
start_smtp plain --cert "$TMP/cert.pem" --key "$TMP/key.pem" ||
	{ echo "Bail out! tests/smtp-sink.py did not start"; exit 1; }
WA_SMTP_URL=smtp://127.0.0.1:$SPORT wa-mail -c spring -T "$T" --rate 6000 "$TMP/c.jsonl" >"$TMP/o1" 2>"$TMP/e1"
check_same "no SMTPUTF8: exit 0, Bob sent, the others skipped with a reason" \
	"0:sent 1|skipped 2 no_smtputf8|skipped 3 no_smtputf8|skipped 4 no_smtputf8" \
	"$?:$(jq -r '[.event, .id, .reason // empty] | join(" ")' "$TMP/o1" | paste -sd'|')"
check "no SMTPUTF8: said once, clearly" sh -c \
	"[ \$(grep -c 'does not offer SMTPUTF8' '$TMP/e1') -eq 1 ]"
check_same "no SMTPUTF8: the server got the ASCII one only" \
	'bob@example.org' \
	"$(jq -r 'select(.event == "delivered") | .to[0]' "$TMP/plain/log.jsonl" | paste -sd'|')"
check_same "no SMTPUTF8: nothing bounced, nothing suppressed, no ledger entry for them" "0 0" \
	"$(test -e "$WA_HOME/suppress-email.txt" && wc -l <"$WA_HOME/suppress-email.txt" || echo 0) \
$(jq -r 'select(.email != null and (.email | test("^bob") | not))' "$WA_HOME/ledger.jsonl" | grep -c .)"
check "no SMTPUTF8: no command the server refused as not ASCII" sh -c "! grep -q 'strict ASCII' '$TMP/plain.err'"

# A server with SMTPUTF8: the same run sends the three skipped, and Bob
# not again (one message per campaign and address).
start_smtp utf8 --cert "$TMP/cert.pem" --key "$TMP/key.pem" --smtputf8 ||
	{ echo "Bail out! tests/smtp-sink.py did not start"; exit 1; }
WA_SMTP_URL=smtp://127.0.0.1:$SPORT wa-mail -c spring -T "$T" --rate 6000 "$TMP/c.jsonl" >"$TMP/o2" 2>"$TMP/e2"
check_same "SMTPUTF8: exit 0, the three sent now, Bob already" \
	"0:skipped 1 already_sent|sent 2|sent 3|sent 4" \
	"$?:$(jq -r '[.event, .id, .reason // empty] | join(" ")' "$TMP/o2" | paste -sd'|')"
check_same "SMTPUTF8: the envelope, the local part as written (ASCII letters in lower case), the domain in IDNA" \
	"zoë@example.org true|ann@xn--bcher-kva.example true|李@xn--r8jz45g.jp true" \
	"$(jq -r 'select(.event == "delivered") | "\(.to[0]) \(.smtputf8)"' "$TMP/utf8/log.jsonl" | paste -sd'|')"
/usr/bin/python3 "$TOP/tests/mail-parse.py" "$TMP"/utf8/*.eml >"$TMP/m2"
check_same "SMTPUTF8: To: as the customer wrote it, the Subject filled" \
	"zoë@example.org Spring sale, Zoë|ann@bücher.example Spring sale, Ann|李@例え.jp Spring sale, Li" \
	"$(jq -r '"\(.to) \(.subject)"' "$TMP/m2" | paste -sd'|')"
check "SMTPUTF8: the unsubscribe link carries the address percent-encoded" \
	grep -q 'e=zo%C3%AB%40example.org' "$TMP"/utf8/000001.eml
check_same "SMTPUTF8: the ledger keys of the address as normalized" \
	"spring/email:zoë@example.org spring/email:ann@bücher.example spring/email:李@例え.jp" \
	"$(jq -r 'select(.event == "sent" and .id != "1") | .key' "$WA_HOME/ledger.jsonl" | paste -sd' ')"
