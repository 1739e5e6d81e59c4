#!/bin/sh
# wa-import loses nothing (issue 16): customers on a shared phone keep their records
# (phone_shared, wa-send --max-shared, wa-segment), orders keep their revenue whatever
# their contact cells, E+12 customer ids are keyed by e-mail, orders without contact
# columns come in with customer null, and a file with nothing of the kind asked exits 2.
. "$(dirname "$0")/lib.sh"

NOW=2026-11-01T00:00:00Z
K=$FIX/import/keep
# all FILE: every line of FILE, '|' between
all() { tr '\n' '|' <"$1" | sed 's/|$//'; }

# --- A shared phone never swallows customers.
wa-import -v --now $NOW "$K/customers-51-one-phone.csv" >"$TMP/c" 2>"$TMP/err"
check_same "51 customers on one phone (in four forms): 51 records, each its own e-mail, name and totals" \
	"0 51 51 51 13260" \
	"$? $(jq -r 'select(.phone == "+447700900500") | .email' "$TMP/c" | sort -u | wc -l | tr -d ' ') $(jq -r 'select(.phone == "+447700900500") | .first_name' "$TMP/c" | sort -u | wc -l | tr -d ' ') $(jq -r 'select(.phone_shared == 51) | .id' "$TMP/c" | wc -l | tr -d ' ') $(jq -s '[.[] | select(.phone == "+447700900500") | .spent] | add' "$TMP/c")"
check_same "every customer by id: phone, phone_shared, orders, spent" \
	"$(i=1; while [ $i -le 51 ]; do printf 'shopify:70000000%02d +447700900500 51 1 %d|' $i $((10 * i)); i=$((i + 1)); done)shopify:7000000101 +447700900601 2 2 40|shopify:7000000102 +447700900601 2 1 15|shopify:7000000103 +447700900603 null 1 25|shopify:7000000104 +447700900604 null 2 42|shopify:7000000106 +447700900606 null 0 0" \
	"$(jq -r '"\(.id) \(.phone) \(.phone_shared) \(.orders) \(.spent)"' "$TMP/c" | tr '\n' '|' | sed 's/|$//')"
check_same "the same id twice and the same e-mail under two accounts merge, as before" \
	"wa-import: $K/customers-51-one-phone.csv:56: merged into shopify:7000000103 (same id)
wa-import: $K/customers-51-one-phone.csv:58: merged into shopify:7000000104 (same e-mail)" \
	"$(grep ': merged into' "$TMP/err")"
check_same "one line per shared phone, not one per customer" \
	"wa-import: phone +447700900500 is shared by 51 customers (shopify:7000000001, shopify:7000000002, ...): each keeps a record of its own, with phone_shared 51
wa-import: phone +447700900601 is shared by 2 customers (shopify:7000000101, shopify:7000000102): each keeps a record of its own, with phone_shared 2" \
	"$(grep shared "$TMP/err")"
check_same "a phone that is no one else's has no phone_shared field" "false" \
	"$(jq -c 'select(.id == "shopify:7000000103") | has("phone_shared")' "$TMP/c")"

# Orders: each buyer by e-mail; one matched only by another customer's phone is not that customer.
wa-import --now $NOW "$K/customers-51-one-phone.csv" "$K/orders-51-one-phone.csv" >"$TMP/co" 2>"$TMP/err"
check_same "customers and their orders: 59 records, the 51 still apart" "0 59 52" \
	"$? $(lines "$TMP/co") $(jq -r 'select(.phone == "+447700900500") | .id' "$TMP/co" | wc -l | tr -d ' ')"
check_same "the buyers who are no customer, by id: a phone-only buyer of the shared phone, one on Hal's phone with an e-mail, one on a phone of nobody's" \
	"phone:+447700900500 +447700900500 52 1 5|email:new.buyer@example.com +447700900606 2 1 7|phone:+447700900999 +447700900999 null 1 9" \
	"$(jq -r 'select(.id | test("^shopify:") | not) | "\(.id) \(.phone) \(.phone_shared) \(.orders) \(.spent)"' "$TMP/co" | tr '\n' '|' | sed 's/|$//')"
check_same "Hal keeps his record, now sharing his phone; Ada's order is hers" \
	"shopify:7000000001 1 10 52|shopify:7000000106 0 0 2" \
	"$(jq -r 'select(.id == "shopify:7000000106" or .id == "shopify:7000000001") | "\(.id) \(.orders) \(.spent) \(.phone_shared)"' "$TMP/co" | tr '\n' '|' | sed 's/|$//')"
wa-import --now $NOW "$K/orders-51-one-phone.csv" "$K/customers-51-one-phone.csv" >"$TMP/oc" 2>"$TMP/err"
check_same "orders first, customers after: the same records, by id, phone_shared, orders and spent" \
	"$(jq -r '"\(.id) \(.phone_shared) \(.orders) \(.spent)"' "$TMP/co" | sort)" \
	"$(jq -r '"\(.id) \(.phone_shared) \(.orders) \(.spent)"' "$TMP/oc" | sort)"
wa-import -t orders "$K/customers-51-one-phone.csv" "$K/orders-51-one-phone.csv" >"$TMP/o" 2>"$TMP/err"
check_same "-t orders: each order's customer by id" \
	"$(i=1; while [ $i -le 51 ]; do printf '#30%02d shopify:70000000%02d|' $i $i; i=$((i + 1)); done)#3052 phone:+447700900500|#3053 email:new.buyer@example.com|#3054 shopify:7000000104|#3055 phone:+447700900999" \
	"$(jq -r '"\(.name) \(.customer)"' "$TMP/o" | tr '\n' '|' | sed 's/|$//')"
check_same "a buyer known by the phone alone joins the one customer on it (Gus, #3054)" \
	"shopify:7000000104" "$(jq -r 'select(.name == "#3054") | .customer' "$TMP/o")"

# --merge over an earlier run: phone_shared counted again, never added up.
wa-import --now $NOW --merge "$TMP/c" "$K/customers-51-one-phone.csv" >"$TMP/m" 2>"$TMP/err"
check_same "--merge over the same export: 56 records, phone_shared 51 again" "0 56 51" \
	"$? $(lines "$TMP/m") $(jq -r 'select(.id == "shopify:7000000007") | .phone_shared' "$TMP/m")"
sed '/^.7000000101,/s/+447700900601/+447700900611/' "$K/customers-51-one-phone.csv" >"$TMP/moved.csv"
wa-import --now $NOW --merge "$TMP/m" "$TMP/moved.csv" >"$TMP/m2" 2>"$TMP/err"
check_same "--merge: a customer who moved to a phone of her own leaves the family line alone" \
	"shopify:7000000101 +447700900611 false|shopify:7000000102 +447700900601 false" \
	"$(jq -r 'select(.id == "shopify:7000000101" or .id == "shopify:7000000102") | "\(.id) \(.phone) \(has("phone_shared"))"' "$TMP/m2" | tr '\n' '|' | sed 's/|$//')"

# wa-segment selects on it.
check_same "wa-segment 'phone_shared > 1' selects the 53 customers on a shared phone" "53" \
	"$(wa-segment 'phone_shared > 1' "$TMP/c" | wc -l | tr -d ' ')"
check_same "wa-segment 'phone_shared > 3' leaves out the family line" "51" \
	"$(wa-segment 'phone_shared > 3' "$TMP/c" | wc -l | tr -d ' ')"
check_same "wa-segment '!exists(phone_shared)': the customers with a phone of their own" \
	"shopify:7000000103 shopify:7000000104 shopify:7000000106" \
	"$(wa-segment '!exists(phone_shared)' "$TMP/c" | jq -r .id | paste -sd' ' -)"

# wa-send: one message per shared phone and campaign; none above --max-shared.
TOKEN=test-token-$$
WA_PHONE_NUMBER_ID=106540352242922
export WA_PHONE_NUMBER_ID
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
mkdir -p "$WA_HOME"
WA_TOKEN=$TOKEN start_mock m -o "$TMP/log.jsonl" ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
export WA_API_URL=http://127.0.0.1:$PORT/v21.0
ws() { WA_TOKEN=$TOKEN wa-send -t hello "$@"; }
jq -c 'select(.phone == "+447700900601")' "$TMP/c" >"$TMP/family.jsonl"
ws -c s1 "$TMP/family.jsonl" >"$TMP/s1" 2>"$TMP/err"
check_same "a phone two customers share gets one message per campaign" \
	"0 sent|skipped duplicate_recipient 1" \
	"$? $(for i in shopify:7000000101 shopify:7000000102; do ev "$TMP/s1" $i; done | paste -sd'|' -) $(lines "$TMP/log.jsonl")"
ws -c s2 "$TMP/c" >"$TMP/s2" 2>"$TMP/err"
check_same "51 on one phone: each skipped, shared_phone; the family line still gets one" \
	"0 51 1" \
	"$? $(jq -r 'select(.reason == "shared_phone") | .id' "$TMP/s2" | wc -l | tr -d ' ') $(jq -r 'select(.to == "+447700900601" and .event == "sent") | .id' "$TMP/s2" | wc -l | tr -d ' ')"
check_same "no message to the shared phone reached the API" "0" \
	"$(jq -r 'select(.wa_id == "447700900500")' "$TMP/log.jsonl" | wc -l | tr -d ' ')"
check_same "nothing ledgered for them: the next run with --max-shared 60 sends the phone one" \
	"1 50" \
	"$(ws -c s2 --max-shared 60 "$TMP/c" 2>/dev/null | jq -r 'select(.to == "+447700900500") | .event' | sort | uniq -c | awk '{print $1}' | paste -sd' ' -)"
check_same "a CSV record's phone_shared is read too" "skipped shared_phone" \
	"$(printf 'id,phone,opt_in,phone_shared\nz1,+447700900777,yes,4\n' >"$TMP/s.csv"; ws -c s3 --dry-run "$TMP/s.csv" 2>/dev/null | jq -r '"\(.event) \(.reason)"')"
check_status "--max-shared 0 is a usage error" 2 wa-send -c s4 -t hello --dry-run --max-shared 0 "$TMP/s.csv"

# --- An order is never dropped for a bad contact field.
f=$K/orders-bad-contact-cells.csv
wa-import -v -t orders "$f" >"$TMP/o" 2>"$TMP/err"
check_same "-t orders: every order kept, by name: customer, e-mail, phone, phone_raw, total" \
	'0 #4001 email:sana.mir@example.com sana.mir@example.com null 9.23228E+11 120|#4002 phone:+923005550402 null +923005550402 null 80|#4003 email:umar.khan@example.com umar.khan@example.com null 03005550403 60|#4004 null null null 9.23005E+11 40|#4005 phone:+923005550405 null +923005550405 null 45|#4006 email:vera.ng@example.com vera.ng@example.com null 2375 30' \
	"$? $(jq -r '"\(.name) \(.customer) \(.email) \(.phone) \(.phone_raw) \(.total)"' "$TMP/o" | tr '\n' '|' | sed 's/|$//')"
check_same "each bad cell warned once, at its line" \
	"wa-import: $f:2: phone '9.23228E+11' was mangled by a spreadsheet (digits lost); kept as phone_raw
wa-import: $f:3: e-mail 'tariq.ali(at)example.com' has no '@'; left out
wa-import: $f:4: country 'Pakistan' is not a country code such as GB; left out
wa-import: $f:4: phone '03005550403' kept as phone_raw: national phone number without a country
wa-import: $f:5: phone '9.23005E+11' was mangled by a spreadsheet (digits lost); kept as phone_raw
wa-import: $f:7: country 'ZZ' is not a country code such as GB; left out
wa-import: $f:7: phone '2375' kept as phone_raw: national phone number without a country" \
	"$(grep "^wa-import: $f:[0-9]*: " "$TMP/err")"
check_same "a mangled phone beside a good one: the good one is the phone" \
	"+923005550405" "$(jq -r 'select(.name == "#4005") | .phone' "$TMP/o")"
check_same "an order with a good phone keeps no phone_raw" "false" \
	"$(jq -c 'select(.name == "#4002") | has("phone_raw")' "$TMP/o")"
wa-import --now $NOW --rejects "$TMP/rej.csv" "$f" >"$TMP/c" 2>"$TMP/err"
check_same "into customers: each buyer, by id, with the revenue; only #4004, with nothing to find a customer by, is refused" \
	'1 email:sana.mir@example.com null 9.23228E+11 PK 120|phone:+923005550402 +923005550402 +923005550402 PK 80|email:umar.khan@example.com null 03005550403 null 60|phone:+923005550405 +923005550405 9.23005E+11 PK 45|email:vera.ng@example.com null 2375 null 30 #4004' \
	"$? $(jq -r '"\(.id) \(.phone) \(.phone_raw) \(.country) \(.spent)"' "$TMP/c" | tr '\n' '|' | sed 's/|$//') $(sed -n 2p "$TMP/rej.csv" | cut -d, -f1)"

# --- E+12 customer ids: keyed by e-mail, else phone, said once.
f=$K/customers-all-ids-e12.csv
wa-import --now $NOW --rejects "$TMP/rej.csv" "$f" >"$TMP/c" 2>"$TMP/err"
check_same "all ids E+12: every customer by id, e-mail case folded, totals kept" \
	'1 email:ana.lima@example.com null null 0 true|email:bo.kerr@example.com null 9.19961E+11 35.5 true|email:cy.diaz@example.com +12135550147 (213) 555-0147 0 false|phone:+13105550199 +13105550199 (310) 555-0199 12 true|email:ed.fong@example.com null null 12 true' \
	"$? $(jq -r '"\(.id) \(.phone) \(.phone_raw) \(.spent) \(.opt_in)"' "$TMP/c" | tr '\n' '|' | sed 's/|$//')"
check_same "said once for the file; only the rows with no e-mail and no usable phone refused" \
	"1 Di|Flo" \
	"$(grep -c 'keyed by e-mail, else phone$' "$TMP/err") $(sed 1d "$TMP/rej.csv" | cut -d, -f2 | paste -sd'|' -)"
check "a refused row says why" grep -q "$f:8: customer id '7.07123E+12' was mangled by a spreadsheet, and no e-mail or usable phone to key the customer by" "$TMP/err"
f=$K/customers-some-ids-e12.csv
wa-import --now $NOW "$f" >"$TMP/c" 2>"$TMP/err"
check_same "some ids E+12, others whole: whole ids kept, the others by e-mail, else phone; the same e-mail merges" \
	'0 shopify:7022551234567 1 10|email:hu.bell@example.com 2 20|shopify:7022551234569 0 0|phone:+12135550164 1 5' \
	"$? $(jq -r '"\(.id) \(.orders) \(.spent)"' "$TMP/c" | tr '\n' '|' | sed 's/|$//')"
wa-import --now $NOW "$K/customers-some-ids-e12.csv" 2>/dev/null | jq -c '.tags += ["vip"]' >"$TMP/base"
printf 'Customer ID,Email,Phone,Country Code,Total Orders\n7.02255E+12,gil.ames@example.com,+12135550161,US,4\n' >"$TMP/again.csv"
check_same "--merge: a mangled id over a record with the whole one finds it by e-mail" \
	'shopify:7022551234567 4 ["vip"]' \
	"$(wa-import --merge "$TMP/base" "$TMP/again.csv" 2>/dev/null | jq -c 'select(.email == "gil.ames@example.com") | [.id, .orders, .tags]' | jq -r '"\(.[0]) \(.[1]) \(.[2] | tojson)"')"

# --- Orders with no contact columns, and no silent nothing.
f=$K/orders-no-contact-columns.csv
wa-import -t orders "$f" >"$TMP/o" 2>"$TMP/err"
check_same "orders with only Name, totals, dates and the city: each in, customer null" \
	'0 #5001 null 10 GBP|#5002 null 20 GBP|#5003 null 30 GBP' \
	"$? $(jq -r '"\(.name) \(.customer) \(.total) \(.currency)"' "$TMP/o" | tr '\n' '|' | sed 's/|$//')"
check_same "and why, once" \
	"wa-import: $f: no e-mail, phone or customer id column: its orders come with customer null, counted in the store's revenue but in no customer's" \
	"$(cat "$TMP/err")"
mkdir -p "$WA_HOME"
wa-report --now $NOW --orders "$TMP/o" -o json >"$TMP/r.json" 2>"$TMP/err"
check_same "wa-report counts them store-wide: AOV (10 + 20 + 30) / 3" '{"GBP":20}' \
	"$(jq -c 'select(.group == "all") | .aov_site' "$TMP/r.json")"
wa-import "$f" >"$TMP/out" 2>"$TMP/err"
check_same "read as customers: exit 2, nothing out, the file and the columns looked for named" \
	"2 0 1" "$? $(wc -c <"$TMP/out" | tr -d ' ') $(grep -c "^wa-import: $f: these orders have no column to find their customers by (none of Customer ID, customer_id, ID, .*Email, .*Phone, .*): read them with -t orders$" "$TMP/err")"
f=$K/inventory-no-people.csv
wa-import "$f" >"$TMP/out" 2>"$TMP/err"
check_same "-t customers on a file of neither: exit 2 naming the file and the columns" \
	"2 0 wa-import: $f: no customers here: none of the columns Customer ID, customer_id, ID, user_id, Email, E-mail, Email Address, user_email, billing_email, Email (Billing), Phone, Mobile, Mobile Phone, WhatsApp, Phone Number, Default Address Phone, Billing Phone, billing_phone, Phone (Billing)" \
	"$? $(wc -c <"$TMP/out" | tr -d ' ') $(cat "$TMP/err")"
wa-import -t orders "$f" >"$TMP/out" 2>"$TMP/err"
check_same "-t orders on it: the same, with the order columns" \
	"2 0 wa-import: $f: no orders here: none of the columns Lineitem name, Item Name, item_name, line_items, line_item_1, Order Number, order_id, order_number, Order #, Name with Total, Name with Financial Status" \
	"$? $(wc -c <"$TMP/out" | tr -d ' ') $(cat "$TMP/err")"
f=$K/customers-some-ids-e12.csv
wa-import -t orders "$f" >"$TMP/out" 2>"$TMP/err"
check_same "-t orders on a customer file alone: exit 2, never 0 with nothing" \
	"2 0 1" "$? $(wc -c <"$TMP/out" | tr -d ' ') $(grep -c "^wa-import: $f: no orders here: none of the columns Lineitem name, " "$TMP/err")"
check_same "-t orders with a customer file beside an order file still works" "0 55" \
	"$(wa-import -t orders "$K/customers-51-one-phone.csv" "$K/orders-51-one-phone.csv" >"$TMP/out" 2>/dev/null; echo $?) $(lines "$TMP/out")"

done_testing
