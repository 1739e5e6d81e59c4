#!/bin/sh
# wa-forget and e-mail: wa-mail's ledger entries and suppress-email.txt erased of the address, which
# stays suppressed as its hash, so that a later wa-mail run still skips it.
. "$(dirname "$0")/lib.sh"

mail_world 0805
# Made up for the test; never real secrets.
WA_APP_SECRET=app-secret-0805
WA_VERIFY_TOKEN=verify-0805
export WA_APP_SECRET WA_VERIFY_TOKEN
T=$FIX/mail/cart.eml
S=$WA_HOME/suppress-email.txt
L=$WA_HOME/ledger.jsonl
mkdir -p "$WA_HOME"

start_smtp sink --cert "$TMP/cert.pem" --key "$TMP/key.pem" --rcpt-5xx '^hard@' ||
	{ echo "Bail out! tests/smtp-sink.py did not start"; exit 1; }
WA_SMTP_URL=smtp://127.0.0.1:$SPORT
export WA_SMTP_URL

# Ann (unsubscribes, then is forgotten by her address), Hal (bounces, forgotten by his id), Bob (kept)
C=$WA_HOME/customers.jsonl
cat >"$C" <<'EOF2'
{"id":"1","email":"Ann.Lee@Example.org","email_opt_in":true,"first_name":"Ann","discount_code":"CART-A"}
{"id":"2","email":"bob@example.org","email_opt_in":true,"first_name":"Bob","discount_code":"CART-B"}
{"id":"3","email":"hard@example.org","email_opt_in":true,"first_name":"Hal","discount_code":"CART-H"}
EOF2
cp "$C" "$TMP/again.jsonl"	# the store's export still lists them

wa-mail -c cart -T "$T" --rate 6000 "$C" >"$TMP/o1" 2>"$TMP/e1"
check_same "wa-mail: Ann and Bob sent, Hal bounced" "sent|sent|failed bounce" \
	"$(jq -r '.event + (if .error then " " + .error.class else "" end)' "$TMP/o1" | paste -sd'|')"

# Ann unsubscribes through wa-hook's one-click link
wa-mail -c spring -T "$T" --dry-run "$C" >"$TMP/d1" 2>/dev/null
ANN=$(jq -r 'select(.id == "1").message' "$TMP/d1" | sed -n 's/^List-Unsubscribe: <\(.*\)>\r$/\1/p')
start_hook hook || { echo "Bail out! wa-hook did not start"; exit 1; }
check_same "Ann unsubscribes (POST, one click)" 200 "$(curl -s -o /dev/null -w '%{http_code}' \
	-d List-Unsubscribe=One-Click "$(printf '%s' "$ANN" | sed "s|^https://shop.example.com|http://127.0.0.1:$HPORT|")")"
kill "$HPID" 2>/dev/null
check_same "suppress-email.txt: Ann unsubscribed, Hal bounced with the SMTP reply" \
	"hard@example.org # bounce cart: 550 5.1.1 <hard@example.org>: mailbox unavailable|ann.lee@example.org" \
	"$(sed 's/ # unsubscribed .*//' "$S" | paste -sd'|')"
ANNKEY=$(jq -r 'select(.id == "1") | .to' "$L" | sort -u)
HALKEY=$(jq -r 'select(.id == "3") | .to' "$L" | sort -u)
BOB_L=$(grep '"id":"2"' "$L")

check_status "wa-forget ANN.Lee@example.ORG: exit 0" 0 wa-forget ANN.Lee@example.ORG
check_status "wa-forget 3 (Hal, by customer id): exit 0" 0 wa-forget 3
for w in ann.lee@example.org "$ANNKEY" hard@example.org "$HALKEY"; do
	check "no trace of '$w', in any case, in any file of WA_HOME" sh -c "! grep -rqiF -- '$w' '$WA_HOME'"
done
for w in Ann CART-A Hal CART-H; do
	check "no trace of '$w' in any file of WA_HOME" sh -c "! grep -rqF -- '$w' '$WA_HOME'"
done
check_same "Bob's ledger entries untouched" "$BOB_L" "$(grep '"id":"2"' "$L")"
check_same "suppress-email.txt: the two hashes in place of the addresses, and nothing else" \
	"2 2" "$(grep -c '^forgotten:[0-9a-f]\{24\}$' "$S") $(lines "$S")"
AH=$(jq -r 'select(.event == "sent" and .campaign == "cart") | .email' "$L" | grep forgotten: | head -1)
check "Ann's hash is the one her ledger entries carry (counts still join)" grep -qx -- "$AH" "$S"
check_same "her ledger entries kept, marked forgotten, the key hashed" "2 2" \
	"$(jq -r 'select(.email == "'"$AH"'") | .forgotten' "$L" | grep -c true) \
$(jq -r 'select(.email == "'"$AH"'") | .key' "$L" | grep -c '^cart/email:forgotten:')"

# The store's export lists them again: wa-mail still skips both
n0=$(lines "$TMP/sink/log.jsonl")
wa-mail -c winter -T "$T" --rate 6000 "$TMP/again.jsonl" >"$TMP/o2" 2>"$TMP/e2"
check_same "a later wa-mail run: Ann and Hal skipped as suppressed, Bob sent" \
	"1 skipped suppressed|2 sent|3 skipped suppressed" \
	"$(jq -r '.id + " " + .event + (if .reason then " " + .reason else "" end)' "$TMP/o2" | paste -sd'|')"
check_same "  nothing reached the server for them" "0" \
	"$(tail -n +"$((n0 + 1))" "$TMP/sink/log.jsonl" | grep -ciE 'ann|hard')"
mv "$WA_HOME/salt" "$TMP/salt"
check_status "without the salt, wa-mail stops rather than mail a forgotten address: exit 2" 2 \
	wa-mail -c winter2 -T "$T" --dry-run "$TMP/again.jsonl"
mv "$TMP/salt" "$WA_HOME/salt"

done_testing
