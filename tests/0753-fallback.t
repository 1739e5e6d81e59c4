#!/bin/sh
# Cross-channel: wa-send against mock-graph (some numbers answer 131026), wa-segment selecting the
# events e-mail stands in for, wa-mail to them; the journeys' FALLBACK_EMAIL=yes, the cart's e-mail
# first and WhatsApp an hour later with the same coupon, crisis-notice --email, --cap-channels both,
# and wa-link --html in an e-mail.
. "$(dirname "$0")/lib.sh"

mail_world 0753
M=$FIX/mail
WA_NOW=2026-11-23T15:00:00Z
export WA_NOW

cat >"$TMP/tpl.jsonl" <<'EOF'
{"name":"spring_sale","language":"en_US","body_params":1}
{"name":"order_confirmation","language":"en_US","body_params":3}
{"name":"abandoned_cart","language":"en_US","body_params":2}
{"name":"abandoned_cart_coupon","language":"en_US","body_params":3}
EOF
start_mail --error +447700900002=131026 --error +447700900006=131026
tos() { jq -r '.to' "$TMP/graph.log" 2>/dev/null | sort | paste -sd' '; }

mkdir -p "$WA_HOME"
cat >"$WA_HOME/customers.jsonl" <<'EOF'
{"id":"c1","first_name":"Ana","phone":"+447700900001","email":"ana@example.org","tz":"Europe/London","opt_in":true,"email_opt_in":true,"tags":[]}
{"id":"c2","first_name":"Bob","phone":"+447700900002","email":"bob@example.org","tz":"Europe/London","opt_in":true,"email_opt_in":true,"tags":[]}
{"id":"c3","first_name":"Cy","phone":null,"email":"cy@example.org","tz":"Europe/London","opt_in":true,"email_opt_in":true,"tags":[]}
{"id":"c4","first_name":"Di","phone":"+447700900004","email":"di@example.org","tz":"Europe/London","opt_in":false,"email_opt_in":true,"tags":[]}
{"id":"c5","first_name":"Ed","phone":"+447700900005","email":"ed@example.org","tz":"Europe/London","opt_in":false,"email_opt_in":false,"tags":[]}
{"id":"c6","first_name":"Flo","phone":"+447700900006","email":"flo@example.org","tz":"Europe/London","opt_in":true,"tags":[]}
EOF
C=$WA_HOME/customers.jsonl

# End to end by hand: wa-send, wa-segment on its events, wa-mail to those customers
wa-send -c spring -t spring_sale -p '{{first_name|there}}' "$C" >"$TMP/wa.jsonl" 2>/dev/null
check_same "wa-send: 2 sent; 131026 twice, no phone, no consent twice" \
	"c1 sent|c2 failed 131026|c3 skipped invalid_phone|c4 skipped no_consent|c5 skipped no_consent|c6 failed 131026" \
	"$(jq -r '[.id, .event, (.error.code // .reason // empty | tostring)] | join(" ")' "$TMP/wa.jsonl" | sort | paste -sd'|')"
FB='campaign == "spring" && ((event == "failed" && error.code == 131026) || (event == "skipped" && (reason == "invalid_phone" || reason == "no_consent")))'
wa-segment "$FB" "$TMP/wa.jsonl" >"$TMP/fb.jsonl"
check_same "wa-segment selects the events e-mail stands in for" "c2 c3 c4 c5 c6" \
	"$(jq -r .id "$TMP/fb.jsonl" | sort | paste -sd' ')"
jq -c --slurpfile e "$TMP/fb.jsonl" 'select(.id as $i | $e | map(.id) | index([$i]))' "$C" >"$TMP/fbc.jsonl"
WA_BUSINESS_NUMBER=+447700900123 wa-link --html --ref email-spring --label 'Chat with us' >"$TMP/button.html"
awk -v f="$TMP/button.html" 'BEGIN { getline b < f } { sub(/WA_LINK_HERE/, b) } 1' "$M/spring.eml" >"$TMP/spring.eml"
wa-mail -c spring -T "$TMP/spring.eml" --rate 6000 "$TMP/fbc.jsonl" >"$TMP/m1" 2>/dev/null
check_same "wa-mail: e-mail to those who agreed to it; no e-mail consent, no e-mail" \
	"c2 sent|c3 sent|c4 sent|c5 skipped no_consent|c6 skipped no_consent" \
	"$(jq -r '[.id, .event, .reason // empty] | join(" ")' "$TMP/m1" | paste -sd'|')"
check_same "  the server got them" "bob@example.org cy@example.org di@example.org" "$(mailed)"
/usr/bin/python3 "$TOP/tests/mail-parse.py" "$TMP"/sink/*.eml >"$TMP/p1"
check "wa-link --html's button arrives whole in the HTML part" sh -c \
	"jq -r 'select(.to == \"bob@example.org\") | .html' '$TMP/p1' | tr -d '\\r' | grep -qF \"\$(cat '$TMP/button.html')\""
check "  and its link carries the e-mail's ref" grep -q 'text=%5Bref%3A%20email-spring%5D' "$TMP/button.html"
check_same "the ledger: one key per channel for Bob, failed on WhatsApp, sent by e-mail" \
	"spring/c2 failed whatsapp|spring/email:bob@example.org sent email" \
	"$(jq -r 'select(.id == "c2" and .event != "attempt") | "\(.key) \(.event) \(.channel // "whatsapp")"' "$WA_HOME/ledger.jsonl" | paste -sd'|')"

# The journey fallback-email does the same from the journeys' log: nothing again
cp "$TMP/wa.jsonl" "$WA_HOME/journeys.jsonl"
sh "$J/fallback-email" spring "$TMP/spring.eml"
check_same "fallback-email after it: exit 0, nothing sent twice" "0 bob@example.org cy@example.org di@example.org" "$? $(mailed)"
check_same "  its lines in the log, channel email" "3" \
	"$(jq -r 'select(.channel == "email" and .reason == "already_sent") | .id' "$WA_HOME/journeys.jsonl" | wc -l | tr -d ' ')"

# --cap-channels both: the e-mail counts toward wa-send's cap
printf '%s\n' '{"id":"c2b","phone":"+447700900002","email":"Bob@example.org","opt_in":true}' >"$TMP/bob.jsonl"
# Bob's WhatsApp attempt of spring counts 1, his e-mail 1 more
wa-send -c nextweek -t spring_sale -p x --cap 2/7d --cap-channels both "$TMP/bob.jsonl" >"$TMP/cap1" 2>/dev/null
check_same "wa-send --cap 2/7d --cap-channels both: Bob's e-mail counts, skipped cap" "skipped cap" \
	"$(jq -r '.event + " " + .reason' "$TMP/cap1")"
wa-send -c nextweek -t spring_sale -p x --cap 2/7d "$TMP/bob.jsonl" >"$TMP/cap2" 2>/dev/null
check_same "  without it only WhatsApp counts: tried (and 131026 again)" "failed" "$(jq -r .event "$TMP/cap2")"

# The journeys: FALLBACK_EMAIL=yes in order-confirmation and abandoned-cart
cat >"$WA_HOME/events.jsonl" <<'EOF'
{"type":"order","id":"shopify:1001","name":"#1001","customer":"c2","email":"bob@example.org","phone":"+447700900002","created_at":"2026-11-23T14:00:00Z","total":59.9,"currency":"GBP","event":"order","topic":"orders/create","hook_id":"o1"}
{"type":"order","id":"shopify:1002","name":"#1002","customer":"c3","email":"cy@example.org","phone":null,"created_at":"2026-11-23T14:10:00Z","total":12,"currency":"GBP","event":"order","topic":"orders/create","hook_id":"o2"}
{"type":"order","id":"shopify:1003","name":"#1003","customer":"c1","email":"ana@example.org","phone":"+447700900001","created_at":"2026-11-23T14:20:00Z","total":30,"currency":"GBP","event":"order","topic":"orders/create","hook_id":"o3"}
{"type":"checkout","id":"shopify:501","customer":"c4","email":"di@example.org","phone":"+447700900004","created_at":"2026-11-23T14:20:00Z","completed_at":null,"total":35,"currency":"GBP","discount_code":"CART10-DI","abandoned_checkout_url":"https://shop.example/checkouts/501/recover","event":"checkout","topic":"checkouts/create","hook_id":"k1"}
EOF
: >"$TMP/sink/log.jsonl.mark"
n0=$(jq -c 'select(.event == "delivered")' "$TMP/sink/log.jsonl" | wc -l | tr -d ' ')
FALLBACK_EMAIL=yes sh "$J/order-confirmation" 2>"$TMP/oc.err"
check_same "order-confirmation without ORDER_CONFIRMATION_EMAIL: exit 2, said" "2 1" \
	"$? $(grep -c ORDER_CONFIRMATION_EMAIL "$TMP/oc.err")"
FALLBACK_EMAIL=yes ORDER_CONFIRMATION_EMAIL=$M/order.eml sh "$J/order-confirmation" 2>/dev/null
check_same "order-confirmation, FALLBACK_EMAIL=yes: WhatsApp to Ana, e-mail to Bob (131026, exit 1) and Cy (no phone)" \
	"1 +447700900001|bob@example.org cy@example.org" \
	"$? $(jq -r 'select(.campaign == "order-confirmation" and .event == "sent" and (.channel // "") != "email") | .to' "$WA_HOME/journeys.jsonl" | paste -sd' ')|$(jq -r 'select(.event == "delivered") | .to[0]' "$TMP/sink/log.jsonl" | tail -n +$((n0 + 1)) | sort | paste -sd' ')"
check "  a transactional e-mail per order, its fields filled" sh -c \
	"/usr/bin/python3 '$TOP/tests/mail-parse.py' '$TMP'/sink/*.eml | jq -r 'select(.to == \"cy@example.org\") | .subject' | grep -qx 'Order #1002 confirmed'"
check_same "  keyed per order" "order-confirmation/email:bob@example.org/shopify:1001" \
	"$(jq -r 'select(.campaign == "order-confirmation" and .channel == "email" and .event == "sent") | .key' "$WA_HOME/ledger.jsonl" | head -1)"

# abandoned-cart: Di has no WhatsApp consent; the fallback e-mails her (she agreed to e-mail)
FALLBACK_EMAIL=yes ABANDONED_CART_EMAIL=$M/cart-coupon.eml sh "$J/abandoned-cart"
check_same "abandoned-cart, FALLBACK_EMAIL=yes: Di e-mailed with her checkout's code" "0 1" \
	"$? $(/usr/bin/python3 "$TOP/tests/mail-parse.py" "$TMP"/sink/*.eml | jq -r 'select(.to == "di@example.org") | .subject' | grep -c 'CART10-DI')"

# E-mail first, WhatsApp an hour later with the same code, for a customer who takes both
cat >>"$WA_HOME/customers.jsonl" <<'EOF'
{"id":"c7","first_name":"Gil","phone":"+447700900007","email":"gil@example.org","tz":"Europe/London","opt_in":true,"email_opt_in":true,"tags":[]}
EOF
cat >>"$WA_HOME/events.jsonl" <<'EOF'
{"type":"checkout","id":"shopify:502","customer":"c7","email":"gil@example.org","phone":"+447700900007","created_at":"2026-11-23T14:20:00Z","completed_at":null,"total":80,"currency":"GBP","discount_code":"CART10-GIL","abandoned_checkout_url":"https://shop.example/checkouts/502/recover","event":"checkout","topic":"checkouts/create","hook_id":"k2"}
EOF
ng=$(lines "$TMP/graph.log")
WA_NOW=2026-11-23T15:00:00Z ABANDONED_CART_EMAIL_FIRST=yes ABANDONED_CART_EMAIL=$M/cart-coupon.eml sh "$J/abandoned-cart"
check_same "e-mail first: at 40 minutes Gil gets the e-mail, no WhatsApp yet" "0 1 $ng" \
	"$? $(jq -r 'select(.event == "delivered") | .to[0]' "$TMP/sink/log.jsonl" | grep -c gil@) $(lines "$TMP/graph.log")"
WA_NOW=2026-11-23T16:00:00Z ABANDONED_CART_EMAIL_FIRST=yes ABANDONED_CART_EMAIL=$M/cart-coupon.eml sh "$J/abandoned-cart"
check_same "an hour later: WhatsApp with the same code, the e-mail not again" "+447700900007 CART10-GIL 1" \
	"$(jq -r 'select(.to == "+447700900007") | .to + " " + ([.. | select(type == "string" and test("CART10"))] | first)' "$TMP/graph.log") $(jq -r 'select(.event == "delivered") | .to[0]' "$TMP/sink/log.jsonl" | grep -c gil@)"

# crisis-notice --email: WhatsApp is down; the notice goes by e-mail to the same buyers
WA_API_URL=http://127.0.0.1:1/v21.0 sh "$J/crisis-notice" --email "$M/outage.eml" 2>"$TMP/cn.err"
check_same "crisis-notice --email: the unfulfilled orders' buyers, whatever their WhatsApp consent" \
	"0 ana@example.org bob@example.org cy@example.org" \
	"$? $(/usr/bin/python3 "$TOP/tests/mail-parse.py" "$TMP"/sink/*.eml | jq -r 'select(.subject | test("WhatsApp line is down")) | .to' | sort | paste -sd' ')"
sh "$J/crisis-notice" --email "$M/outage.eml"
check_same "  run again: nothing twice" "0 3" \
	"$? $(/usr/bin/python3 "$TOP/tests/mail-parse.py" "$TMP"/sink/*.eml | jq -r 'select(.subject | test("WhatsApp line is down")) | .to' | wc -l | tr -d ' ')"

# wa-report -b channel: the e-mails apart, and an order after one converts
cat >>"$WA_HOME/events.jsonl" <<'EOF'
{"type":"order","id":"shopify:1004","name":"#1004","customer":"c3","email":"cy@example.org","phone":null,"created_at":"2026-11-23T16:30:00Z","total":42,"currency":"GBP","event":"order","topic":"orders/create","hook_id":"o4"}
EOF
wa-report -b channel -o json --now 2026-11-23T18:00:00Z --ledger "$WA_HOME/ledger.jsonl" \
	--events "$WA_HOME/events.jsonl" >"$TMP/rep" 2>"$TMP/rep.err"
check_same "wa-report -b channel: a group per channel, as the ledger's channel says" "email whatsapp all" \
	"$(jq -r .group "$TMP/rep" | paste -sd' ')"
check_same "  e-mails sent, as the ledger has them sent" \
	"$(jq -s '[group_by(.key)[] | last | select(.channel == "email" and .event == "sent")] | length' "$WA_HOME/ledger.jsonl")" \
	"$(jq -r 'select(.group == "email") | .sent' "$TMP/rep")"
check_same "  Cy's order after her e-mail is the e-mail's conversion, with its revenue" "1 42" \
	"$(jq -r 'select(.group == "email") | "\(.conversions) \(.revenue.GBP)"' "$TMP/rep")"
done_testing
