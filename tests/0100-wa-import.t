#!/bin/sh
# wa-import on every Shopify and WooCommerce layout (tests/fixtures/import, and the
# collected real exports in ../shared/fixtures/real when beside the checkout, else
# those checks skip), and on small cp1252 and merge cases.
. "$(dirname "$0")/lib.sh"

NOW=2026-11-01T00:00:00Z

# rows in the file, counted by another tool
rows() {
	mlr --icsv --ojsonl --allow-ragged-csv-input cat "$1" |
		jq -c '[.[]] | select(map(. != "") | any)' | wc -l | tr -d ' '
}

# every_row DIR: every row of every export in DIR is out, merged or rejected,
# and the counts say so.
every_row() {
		for f in "$1"/*.csv; do
		name=$(basename "$f" .csv)
		case $name in *ddmmyyyy*) t=orders ;; *) t=customers ;; esac
		wa-import -v -t $t --now $NOW --rejects "$TMP/rej.csv" "$f" >"$TMP/out.jsonl" 2>"$TMP/err"
		summary=$(grep 'rows:' "$TMP/err")
		in=$(rows "$f")
		out=$(sed -n 's/.*: \([0-9]*\) records out.*/\1/p' "$TMP/err")
		merged=$(sed -n 's/.* \([0-9]*\) merged.*/\1/p' "$TMP/err")
		rej=$(sed -n 's/.* \([0-9]*\) rejected.*/\1/p' "$TMP/err")
		lines=$(wc -l <"$TMP/out.jsonl" | tr -d ' ')
		rejrows=0
		[ -s "$TMP/rej.csv" ] && rejrows=$(rows "$TMP/rej.csv")
		check_same "$name: $in rows = out + merged + rejected ($summary)" \
			"$in $lines $rej" "$((out + merged + rej)) $out $rejrows"
	done
}
every_row "$FIX/import"
shared real && every_row "$REAL"

# The collected real exports, each for what it alone shows.
if shared real; then
	f=$REAL/shopify-customers-2023-customer-id-excel-mangled-skrishnanunni.csv
	# issue 16: keyed by e-mail, else phone, as Shopify's own import does
	wa-import --rejects "$TMP/rej.csv" "$f" >"$TMP/out" 2>"$TMP/err"
	check_same "mangled ids: exit 1, the two rows with neither e-mail nor phone rejected" \
		"1 3" "$? $(wc -l <"$TMP/rej.csv" | tr -d ' ')"
	check_same "mangled ids: the others keyed by e-mail, else phone" \
		"email:testmydemosite@gmail.com email:skrishnanunni02@gmail.com email:krishnanunni16299@gmail.com phone:+16672391818 email:albl@yopmail.com email:axbx@yopmail.com" \
		"$(jq -r .id "$TMP/out" | tr '\n' ' ' | sed 's/ $//')"
	check_same "mangled ids: said once, where" \
		"shopify-customers-2023-customer-id-excel-mangled-skrishnanunni.csv:2: customer id '7.02255E+12' was mangled by a spreadsheet (digits lost): this file's customers with such ids are keyed by e-mail, else phone" \
		"$(head -1 "$TMP/err" | sed "s|^wa-import: $REAL/||")"

	f=$REAL/shopify-customers-2024-default-address-PK.anon.csv
	wa-import --now $NOW "$f" >"$TMP/pk" 2>"$TMP/err"
	check_same "PK: apostrophes stripped, phone E.164, tags split" \
		'{"id":"shopify:9415673443290","phone":"+923161032937","country":"PK","tz":"Asia/Karachi","tags":["Bronze VIP"],"spent":13175,"orders":1}' \
		"$(head -1 "$TMP/pk" | jq -c '{id,phone,country,tz,tags,spent,orders}')"
	check_same "PK: a local address phone is read in the address country" \
		'+923289365817' "$(sed -n 2p "$TMP/pk" | jq -r .phone)"
	# issue 16: another store account on the same phone is no merge
	check_same "PK: the duplicate on the same phone keeps its own record" \
		'{"id":"shopify:4881696779815","email":"granite50@example.com","phone":"+923294089909","orders":6,"spent":8400,"phone_shared":2}' \
		"$(jq -c 'select(.id=="shopify:4881696779815")|{id,email,phone,orders,spent,phone_shared}' "$TMP/pk")"
	check "PK: the shared phone is said once" \
		grep -q "phone +923294089909 is shared by 2 customers (shopify:4881696779815, " "$TMP/err"
	check_same "PK: 40 rows make 40 customers" 40 "$(wc -l <"$TMP/pk" | tr -d ' ')"
	check_same "PK: a multi-line Note with quotes is kept whole, trimmed" \
		"$(mlr --icsv --ojsonl filter '$Note != ""' then head -n 1 then cut -f Note "$f" | jq .Note | sed 's/^"\\n/"/')" \
		"$(jq 'select(.id=="shopify:6740286771895") | .note' "$TMP/pk")"

	f=$REAL/shopify-customers-2022-accepts-email-sms-unicode.anon.csv
	wa-import "$f" >"$TMP/uni" 2>"$TMP/err"
	check_same "2022: UK local number with country GB" '+447736781945' \
		"$(jq -r 'select(.phone_raw == "07736 781945") | .phone' "$TMP/uni")"
	check_same "2022: US number written with brackets" '+13108464794' \
		"$(jq -r 'select(.phone_raw == "(310) 846-4794") | .phone' "$TMP/uni")"
	check_same "2022: the apostrophe on an e-mail is dropped" 1 \
		"$(jq -r 'select(.email == "lane25@example.com") | .email' "$TMP/uni" | wc -l | tr -d ' ')"
	check_same "2022: Accepts SMS Marketing is the consent" \
		"$(mlr --icsv --ojsonl filter '${Accepts SMS Marketing} == "yes"' "$f" | wc -l | tr -d ' ')" \
		"$(jq -r 'select(.opt_in) | .opt_in_source' "$TMP/uni" | grep -c '^shopify:accepts_sms_marketing$')"
	check "2022: Korean and Cyrillic text comes through" grep -q '시흥' "$TMP/uni"

	f=$REAL/shopify-customers-2024-default-address-handmade-UmbraNova.csv
	wa-import "$f" >"$TMP/out" 2>"$TMP/err"
	check_same "a consent typo is taken as no, with a warning, exit 0" \
		"0 false" "$? $(sed -n 2p "$TMP/out" | jq -r .opt_in)"
	check "the warning names the line and the value" \
		grep -q "UmbraNova.csv:3: consent 'nyes' is not yes or no; taken as no" "$TMP/err"

	f=$REAL/shopify-customers-legacy-synthetic-satwikkansal.csv
	wa-import "$f" >"$TMP/out" 2>&1
	check_same "legacy: Accepts Marketing is the consent" \
		"$(mlr --icsv --ojsonl filter '${Accepts Marketing} == "yes"' "$f" | wc -l | tr -d ' ')" \
		"$(jq -r 'select(.opt_in) | .opt_in_source' "$TMP/out" | grep -c '^shopify:accepts_marketing$')"
	check_same "legacy: a company with a comma goes to extra whole" "Mejia, Garza and Brooks" \
		"$(jq -r '.extra.Company // empty' "$TMP/out" | grep Mejia)"

	f=$REAL/shopify-orders-2025-devstore-multiline-luistatera.csv
	wa-import -t orders "$f" >"$TMP/ord" 2>"$TMP/err"
	check_same "orders: one record per order" \
		"$(mlr --icsv --ojsonl uniq -g Name "$f" | wc -l | tr -d ' ')" "$(wc -l <"$TMP/ord" | tr -d ' ')"
	check_same "orders: #1001 has its four line items and its total" \
		'{"name":"#1001","total":1659.95,"currency":"EUR","created_at":"2025-05-11T13:55:16Z","items":4,"sum":1659.95}' \
		"$(jq -c 'select(.name=="#1001")|{name,total,currency,created_at,items:(.items|length),sum:([.items[]|.price*.qty]|add)}' "$TMP/ord")"
	check_same "orders: e-mail case folded, customer id made from it" \
		'email:russel.winfield@example.com' \
		"$(jq -r 'select(.email=="russel.winfield@example.com") | .customer' "$TMP/ord" | head -1)"
	wa-import --now $NOW "$f" >"$TMP/cus" 2>"$TMP/err"
	check_same "orders into customers: Russel's orders add up" \
		"$(jq -s '[.[]|select(.email=="russel.winfield@example.com" and .financial_status!="voided")]|length' "$TMP/ord")" \
		"$(jq 'select(.email=="russel.winfield@example.com")|.orders' "$TMP/cus")"
	check_same "orders into customers: last_items are the latest order's" \
		"$(jq -s -c '[.[]|select(.email=="russel.winfield@example.com")]|sort_by(.created_at)|last|[.items[].name]' "$TMP/ord")" \
		"$(jq -c 'select(.email=="russel.winfield@example.com")|.last_items' "$TMP/cus")"

	f=$REAL/shopify-orders-2026-phone-only-note-attributes-BD.anon.csv
	wa-import --now $NOW "$f" >"$TMP/bd" 2>"$TMP/err"
	check_same "BD: phone-only buyers become customers keyed by phone" \
		'{"id":"phone:+8801793795381","phone":"+8801793795381","country":"BD","tz":"Asia/Dhaka","orders":1,"spent":1500,"currency":"BDT"}' \
		"$(head -1 "$TMP/bd" | jq -c '{id,phone,country,tz,orders,spent,currency}')"
	wa-import -t orders "$f" >"$TMP/out" 2>&1
	check_same "BD: +880 0... billing phones and the E.164 phone are one number" \
		"5 5" "$(jq -r .phone "$TMP/out" | grep -c '^+8801') $(jq -r .customer "$TMP/out" | sort -u | wc -l | tr -d ' ')"

	f=$REAL/shopify-orders-2024-excel-resaved-crlf-ddmmyyyy.anon.csv
	wa-import "$f" >"$TMP/out" 2>"$TMP/err"
	check_same "orders without e-mail or phone: a usage error in customers mode, exit 2" \
		"2 0" "$? $(wc -l <"$TMP/out" | tr -d ' ')"
	wa-import -t orders "$f" >"$TMP/out" 2>"$TMP/err"
	check_same "DD/MM/YYYY dates are read as such in an unambiguous file" \
		'2023-12-31T22:36:00Z' "$(jq -r 'select(.name=="#4087") | .created_at' "$TMP/out")"
	check_same "a multi-line order in a CRLF file keeps its items" \
		"$(mlr --icsv --ojsonl filter '$Name == "#4046"' "$f" | wc -l | tr -d ' ')" \
		"$(jq 'select(.name=="#4046") | .items | length' "$TMP/out")"
fi
# This project's own fixtures: each Shopify and WooCommerce layout with its quirks,
# by made-up people (555 and +44 7700 900xxx numbers).
I=$FIX/import
f=$I/shopify-customers-2023-customer-id-excel-mangled.csv
# issue 16: keyed by e-mail, said once (tests/0101 has the rest)
wa-import --rejects "$TMP/rej.csv" "$f" >"$TMP/out" 2>"$TMP/err"
check_same "E+12 ids: exit 0, keyed by e-mail" "0 email:pat@example.com email:sam@example.com" \
	"$? $(jq -r .id "$TMP/out" | tr '\n' ' ' | sed 's/ $//')"
check_same "E+12 ids: said once, a mangled phone kept as phone_raw" \
	"wa-import: $f:2: customer id '7.01234E+12' was mangled by a spreadsheet (digits lost): this file's customers with such ids are keyed by e-mail, else phone
wa-import: $f:3: phone '5.03555E+09' was mangled by a spreadsheet (digits lost); kept as phone_raw" \
	"$(cat "$TMP/err")"

f=$I/shopify-customers-2024-default-address.csv
wa-import --now $NOW "$f" >"$TMP/da" 2>"$TMP/err"
check_same "Default Address layout: apostrophes stripped, phone E.164, zone from the country" \
	'{"id":"shopify:9400000000001","phone":"+923005550101","country":"PK","tz":"Asia/Karachi","tags":["Bronze VIP"],"spent":13175,"orders":1}' \
	"$(head -1 "$TMP/da" | jq -c '{id,phone,country,tz,tags,spent,orders}')"
check_same "Default Address layout: a local address phone is read in the address country, tags split" \
	'{"phone":"+923215550102","phone_raw":"03215550102","tags":["Bronze VIP","loyal-app_new"]}' \
	"$(sed -n 2p "$TMP/da" | jq -c '{phone,phone_raw,tags}')"
# issue 16: another store account on the same phone is no merge
check_same "Default Address layout: the other account on the same phone keeps its own record" \
	'{"id":"shopify:9400000000003","email":"sara.malik@example.com","phone":"+923335550103","orders":5,"spent":9100,"phone_shared":2}' \
	"$(jq -c 'select(.id=="shopify:9400000000003")|{id,email,phone,orders,spent,phone_shared}' "$TMP/da")"
check_same "Default Address layout: the shared phone is the one message" \
	"wa-import: phone +923335550103 is shared by 2 customers (shopify:9400000000003, shopify:9400000000004): each keeps a record of its own, with phone_shared 2" "$(cat "$TMP/err")"
check_same "Default Address layout: 5 rows make 5 customers, no phone stays null" \
	'shopify:9400000000001 shopify:9400000000002 shopify:9400000000003 shopify:9400000000004 shopify:9400000000005 null' \
	"$(jq -r .id "$TMP/da" | tr '\n' ' ')$(tail -1 "$TMP/da" | jq -r .phone)"
check_same "Default Address layout: a multi-line note with quotes is kept whole" \
	'"Prefers \"evening\" delivery.\nCall first, gate code 12."' \
	"$(jq 'select(.id=="shopify:9400000000003") | .note' "$TMP/da")"

f=$I/shopify-customers-2022-accepts-email-sms-unicode.csv
wa-import "$f" >"$TMP/uni" 2>"$TMP/err"
check_same "2022 layout: local numbers in their country, brackets, a leading apostrophe" \
	'(213) 555-0147 +12135550147|+44 7700 900462 +447700900462|+49 151 55501234 +4915155501234|+7 916 555-01-23 +79165550123|010-5550-1234 +821055501234|07700 900461 +447700900461' \
	"$(jq -r 'select(.phone) | "\(.phone_raw) \(.phone)"' "$TMP/uni" | sort | tr '\n' '|' | sed 's/|$//')"
check_same "2022 layout: the apostrophe on an e-mail is dropped" 'email:ivy.lane@example.com' \
	"$(jq -r 'select(.first_name == "Ivy") | .id' "$TMP/uni")"
check_same "2022 layout: Accepts SMS Marketing is the consent, Accepts Email Marketing is not" \
	'email:tom.reed@example.com email:dana.cole@example.com email:jimin.park@example.kr email:leo.park@example.com' \
	"$(jq -r 'select(.opt_in and .opt_in_source == "shopify:accepts_sms_marketing") | .id' "$TMP/uni" | tr '\n' ' ' | sed 's/ $//')"
check_same "2022 layout: Korean and Cyrillic names, cities and notes come through" \
	'지민 박 시흥 선물 포장 부탁드립니다|Анна Смирнова Москва Позвонить после 18:00' \
	"$(jq -r 'select(.country == "KR" or .country == "RU") | "\(.first_name) \(.last_name) \(.city) \(.note)"' "$TMP/uni" | tr '\n' '|' | sed 's/|$//')"
check_same "2022 layout: 8 rows, 8 customers, nothing said" "8 " "$(lines "$TMP/uni") $(cat "$TMP/err")"

f=$I/shopify-customers-2024-handmade-consent-typo.csv
wa-import "$f" >"$TMP/out" 2>"$TMP/err"
check_same "a consent typo is taken as no, with a warning at its line, exit 0" \
	"0 false wa-import: $f:3: consent 'nyes' is not yes or no; taken as no" \
	"$? $(sed -n 2p "$TMP/out" | jq -r .opt_in) $(cat "$TMP/err")"

f=$I/shopify-customers-legacy.csv
wa-import "$f" >"$TMP/out" 2>&1
check_same "legacy layout: Accepts Marketing is the consent" \
	'email:raj.patel@example.org email:lou.grant@example.net' \
	"$(jq -r 'select(.opt_in and .opt_in_source == "shopify:accepts_marketing") | .id' "$TMP/out" | tr '\n' ' ' | sed 's/ $//')"
check_same "legacy layout: companies with commas go to extra whole" \
	'Hill PLC|Patel, Stone and Webb|Grant, Lee and Co' \
	"$(jq -r '.extra.Company' "$TMP/out" | tr '\n' '|' | sed 's/|$//')"

f=$I/shopify-orders-2025-multiline.csv
wa-import -t orders "$f" >"$TMP/ord" 2>"$TMP/err"
check_same "orders: one record per order, line items under it" \
	'#2001 4|#2002 1|#2003 1|#2004 1|#2005 2|#2006 1' \
	"$(jq -r '"\(.name) \(.items | length)"' "$TMP/ord" | tr '\n' '|' | sed 's/|$//')"
check_same "orders: #2001's four line items add up to its total, its time in UTC" \
	'{"name":"#2001","total":1659.95,"currency":"EUR","created_at":"2025-05-11T13:55:16Z","items":4,"sum":1659.95,"customer":null}' \
	"$(jq -c 'select(.name=="#2001")|{name,total,currency,created_at,items:(.items|length),sum:([.items[]|.price*.qty]|add),customer}' "$TMP/ord")"
check_same "orders: e-mail case folded, customer id made from it" \
	'email:ruth.winter@example.com ruth.winter@example.com' \
	"$(jq -r 'select(.name=="#2002") | "\(.customer) \(.email)"' "$TMP/ord")"
wa-import --now $NOW "$f" >"$TMP/cus" 2>"$TMP/err"
check_same "orders into customers: a voided order does not count, a refund is taken off" \
	'{"id":"email:ruth.winter@example.com","orders":3,"spent":1699.85,"phone":"+4915155502002"}|{"id":"email:kai@example.com","orders":1,"spent":0,"phone":null}' \
	"$(jq -c '{id,orders,spent,phone}' "$TMP/cus" | tr '\n' '|' | sed 's/|$//')"
check_same "orders into customers: last_items are the latest order's" \
	'["Snowboard: Oxygen","Ski Wax"] 2025-06-01T16:00:00Z' \
	"$(jq -r 'select(.id=="email:ruth.winter@example.com") | "\(.last_items | tojson) \(.last_order_at)"' "$TMP/cus")"
check_same "orders into customers: an order with no e-mail or phone is refused with all its lines" \
	"wa-import: $f:2: order #2001 has no e-mail or usable phone to find its customer by" "$(head -1 "$TMP/err")"

f=$I/shopify-orders-2026-phone-only-note-attributes.csv
wa-import --now $NOW "$f" >"$TMP/bd" 2>"$TMP/err"
check_same "phone-only orders: buyers become customers keyed by phone, two orders counted" \
	'{"id":"phone:+8801715550101","phone":"+8801715550101","country":"BD","tz":"Asia/Dhaka","orders":2,"spent":3000,"currency":"BDT"}' \
	"$(head -1 "$TMP/bd" | jq -c '{id,phone,country,tz,orders,spent,currency}')"
wa-import -t orders "$f" >"$TMP/out" 2>&1
check_same "phone-only orders: +880 0... billing phones and the E.164 phone are one number" \
	"5 4" "$(jq -r .phone "$TMP/out" | grep -c '^+8801[0-9]\{9\}$') $(jq -r .customer "$TMP/out" | sort -u | wc -l | tr -d ' ')"
check_same "phone-only orders: Note Attributes over seven lines kept whole" \
	"$(printf 'First name: Nila Das\nPhone number: 01915550103\nAddress: House 12, Road 5\nCity: Dhaka\nUTM source: facebook\nUTM medium: paid\nIP address: 198.51.100.22')" \
	"$(jq -r 'select(.name == "#71802") | .extra["Note Attributes"]' "$TMP/out")"

f=$I/shopify-orders-2024-excel-resaved-crlf-ddmmyyyy.csv
wa-import "$f" >"$TMP/out" 2>"$TMP/err"
check_same "Excel re-save, orders without e-mail or phone: a usage error in customers mode, exit 2" \
	"2 0" "$? $(wc -l <"$TMP/out" | tr -d ' ')"
wa-import -t orders "$f" >"$TMP/out" 2>"$TMP/err"
check_same "Excel re-save: DD/MM/YYYY HH:MM dates read as such, CRLF lines, TRUE/FALSE cells" \
	'#5103 2023-12-31T22:36:00Z 1|#5102 2023-12-31T16:25:00Z 1|#5101 2023-12-13T09:05:00Z 3|#5100 2023-12-02T11:40:00Z 1' \
	"$(jq -r '"\(.name) \(.created_at) \(.items | length)"' "$TMP/out" | tr '\n' '|' | sed 's/|$//')"
check_same "Excel re-save: a multi-line order keeps its items, quantities and SKUs, no CR in them" \
	'[["Sandal - 38 / BLUE",1,"S38.1 -0-0-0"],["Insole - M",2,"I-M"],["Sock - L",1,"K-L"]]' \
	"$(jq -c 'select(.name == "#5101") | [.items[] | [.name, .qty, .sku]]' "$TMP/out")"

f=$I/shopify-orders-2021-71col-apostrophes.csv
wa-import --now $NOW "$f" >"$TMP/out" 2>"$TMP/err"
check_same "71 columns and a trailing comma: orders into customers, local phones in the billing country" \
	'email:an.peeters@example.be +32470550101 2 11.98|email:bart@example.be null 1 5.99' \
	"$(jq -r '"\(.id) \(.phone) \(.orders) \(.spent)"' "$TMP/out" | tr '\n' '|' | sed 's/|$//')"

f=$I/woocommerce-orders-algolplus.csv
wa-import -t orders "$f" >"$TMP/out" 2>"$TMP/err"
check_same "WooCommerce AlgolPlus: one order per number, phones in the billing country" \
	'woocommerce:6001 email:bia@example.com +5511955550101 120 Caneca,Camiseta BEMVINDO|woocommerce:6002 email:luis.gomez@example.mx +525555550102 300 Taza null|woocommerce:6003 email:bia@example.com +5511955550101 40 Caneca null' \
	"$(jq -r '"\(.id) \(.customer) \(.phone) \(.total) \([.items[].name] | join(",")) \(.discount_code)"' "$TMP/out" | tr '\n' '|' | sed 's/|$//')"
check_same "WooCommerce AlgolPlus into customers: the cancelled order does not count" \
	'email:bia@example.com 1 120|email:luis.gomez@example.mx 1 300' \
	"$(wa-import --now $NOW "$f" | jq -r '"\(.id) \(.orders) \(.spent)"' | tr '\n' '|' | sed 's/|$//')"
f=$I/woocommerce-orders-webtoffee.csv
check_same "WooCommerce WebToffee: the store's customer id, a guest (id 0) by e-mail" \
	'woocommerce:78 1 45 EUR +4915155501234|email:alfie@example.co.uk 1 20 GBP +447700900913' \
	"$(wa-import --now $NOW "$f" | jq -r '"\(.id) \(.orders) \(.spent) \(.currency) \(.phone)"' | tr '\n' '|' | sed 's/|$//')"
f=$I/woocommerce-customers-skyverge.csv
check_same "WooCommerce SkyVerge customers: ids, phones, zones, a company with a comma" \
	'woocommerce:21 +5521955550121 America/Sao_Paulo 2025-01-15T10:00:00Z|woocommerce:22 +447700900122 Europe/London 2025-02-01T08:30:00Z' \
	"$(wa-import "$f" | jq -r '"\(.id) \(.phone) \(.tz) \(.created_at)"' | tr '\n' '|' | sed 's/|$//')"

printf 'Name,Created at,Lineitem name,Email\n#1,05/06/2024 10:00,Hat,a@example.com\n' >"$TMP/amb.csv"
wa-import -t orders "$TMP/amb.csv" >"$TMP/out" 2>"$TMP/err"
check_same "a file whose dates cannot tell is read month first, with advice, not rejected" \
	"0 2024-05-06T10:00:00Z wa-import: $TMP/amb.csv:2: no date tells the day from the month (such as '05/06/2024 10:00'): read as month/day/year; give --date-order dmy if that is wrong" \
	"$? $(jq -r .created_at "$TMP/out") $(cat "$TMP/err")"
check_same "--dates mdy reads it" '2024-05-06T10:00:00Z' \
	"$(wa-import -t orders --dates mdy "$TMP/amb.csv" | jq -r .created_at)"

cat >"$TMP/algol.csv" <<'EOF'
Order Number,Order Status,Order Date,First Name (Billing),Last Name (Billing),Email (Billing),Phone (Billing),Country Code (Billing),Order Total Amount,SKU,Item Name,Quantity (- Refund),Item Cost,Coupon Code
5001,completed,2026-10-01 10:00,Ana,Souza,ANA@example.com,(11) 91234-5678,BR,120.00,SKU1,Caneca,2,40.00,BEMVINDO
5001,completed,2026-10-01 10:00,Ana,Souza,ANA@example.com,(11) 91234-5678,BR,120.00,SKU2,Camiseta,1,40.00,BEMVINDO
EOF
wa-import -t orders "$TMP/algol.csv" >"$TMP/out" 2>"$TMP/err"
check_same "WooCommerce AlgolPlus: items, phone in the billing country" \
	'{"id":"woocommerce:5001","phone":"+5511912345678","total":120,"items":["Caneca","Camiseta"],"discount_code":"BEMVINDO"}' \
	"$(jq -c '{id,phone,total,items:[.items[].name],discount_code}' "$TMP/out")"

printf 'First Name,Last Name,Email,Phone,Country Code,Accepts SMS Marketing\nJos\351,M\374ller,jm@example.com,0151 23456789,DE,yes\n' >"$TMP/cp1252.csv"
check_same "a Windows-1252 file is converted to UTF-8" \
	'José Müller +4915123456789' \
	"$(wa-import "$TMP/cp1252.csv" | jq -r '"\(.first_name) \(.last_name) \(.phone)"')"

printf 'Email,Phone,Accepts SMS Marketing\nx@example.com,07700 900123,yes\ny@example.com,2375,yes\n' >"$TMP/cc.csv"
wa-import -c GB "$TMP/cc.csv" >"$TMP/out" 2>"$TMP/err"
check_same "-c reads national numbers of rows without a country" \
	"+447700900123" "$(head -1 "$TMP/out" | jq -r .phone)"
check_same "an unusable phone stays as phone_raw, with a warning, exit 0" \
	'0 {"phone":null,"phone_raw":"2375"}' "$? $(sed -n 2p "$TMP/out" | jq -c '{phone,phone_raw}')"
check "the warning says which line" grep -q "cc.csv:3: phone '2375' kept as phone_raw" "$TMP/err"

printf 'Email,Phone\nz@example.com,-\n' >"$TMP/dash.csv"
wa-import "$TMP/dash.csv" >"$TMP/out" 2>"$TMP/err"
check_same "a phone cell of '-' is no phone, and no warning" \
	'0 null null ' "$? $(jq -r '"\(.phone) \(.phone_raw)"' "$TMP/out") $(cat "$TMP/err")"

printf '{note},Email\nhi,q@example.com\n' >"$TMP/brace.csv"
check_same "-i csv reads a CSV file whose first byte is a brace" \
	'q@example.com' "$(wa-import -i csv "$TMP/brace.csv" | jq -r .email)"
check_status "without -i it is taken for JSON lines and rejected" 1 wa-import "$TMP/brace.csv"

# --merge: a re-import never loses a tag, a withdrawal or a note.
printf 'Customer ID,First Name,Email,Phone,Accepts SMS Marketing,Tags,Note,Total Orders\n1,Ana,ana@example.com,+5511912345678,yes,"vip, new",,1\n2,Bo,bo@example.com,+447700900124,yes,,,0\n' >"$TMP/v1.csv"
printf 'Customer ID,First Name,Email,Phone,Accepts SMS Marketing,Tags,Note,Total Orders\n1,Ana Maria,ana@example.com,+5511912345678,yes,new,,3\n2,Bo,bo@example.com,+447700900124,yes,,from store,0\n3,Cy,cy@example.com,,no,,,0\n' >"$TMP/v2.csv"
wa-import "$TMP/v1.csv" |
	jq -c 'if .id=="shopify:1" then .tags += ["wa:replied"] | .note = "called 3 May" | .birthday = "1990-05-03"
	       else .opt_in = false | .opt_in_source = "whatsapp:stop" end' >"$TMP/base.jsonl"
wa-import --merge "$TMP/base.jsonl" "$TMP/v2.csv" >"$TMP/merged" 2>"$TMP/err"
check_same "--merge: updates contact and order fields, keeps tags, note and own fields" \
	'{"id":"shopify:1","first_name":"Ana Maria","tags":["vip","new","wa:replied"],"note":"called 3 May","orders":3,"birthday":"1990-05-03"}' \
	"$(head -1 "$TMP/merged" | jq -c '{id,first_name,tags,note,orders,birthday}')"
check_same "--merge: a STOP withdrawal survives a store that still says yes" \
	'{"id":"shopify:2","opt_in":false,"opt_in_source":"whatsapp:stop","note":"from store"}' \
	"$(sed -n 2p "$TMP/merged" | jq -c '{id,opt_in,opt_in_source,note}')"
check_same "--merge: new customers come after the old ones" \
	'shopify:1 shopify:2 shopify:3' "$(jq -r .id "$TMP/merged" | tr '\n' ' ' | sed 's/ $//')"
# An empty id would come out as null and stop the next run: it is refused now.
printf '{"id":"","email":"e@example.com"}\n' >"$TMP/emptyid.jsonl"
check_status "--merge: a base with an empty id is refused, as the next run would" 3 \
	wa-import --merge "$TMP/emptyid.jsonl" "$TMP/v2.csv"
grep -q 'emptyid.jsonl:1: no "id" string: not a wa-import customer record' "$TMP/.out"
_result $? "at its FILE:LINE"

cat >"$TMP/webtoffee.csv" <<'EOF'
order_id,order_number,order_date,status,order_total,order_currency,customer_id,billing_first_name,billing_email,billing_phone,billing_country,line_item_1,line_item_2
901,901,2026-09-30 18:00:00,wc-completed,45.00,EUR,77,Lena,lena@example.com,0151 23456789,DE,name:Tee|sku:T1|quantity:2|total:30.00,name:Cap|sku:C1|quantity:1|total:15.00
902,902,2026-10-02 09:00:00,wc-cancelled,15.00,EUR,77,Lena,lena@example.com,0151 23456789,DE,name:Cap|sku:C1|quantity:1|total:15.00,
EOF
wa-import -t orders "$TMP/webtoffee.csv" >"$TMP/out" 2>"$TMP/err"
check_same "WebToffee: line_item_N columns, unit prices, the store's customer id" \
	'{"customer":"woocommerce:77","items":[["Tee",2,15],["Cap",1,15]],"phone":"+4915123456789"}' \
	"$(head -1 "$TMP/out" | jq -c '{customer,items:[.items[]|[.name,.qty,.price]],phone}')"
wa-import --now $NOW "$TMP/webtoffee.csv" >"$TMP/out" 2>"$TMP/err"
check_same "WebToffee: a cancelled order does not count" \
	'{"id":"woocommerce:77","orders":1,"spent":45,"currency":"EUR","tz":"Europe/Berlin"}' \
	"$(jq -c '{id,orders,spent,currency,tz}' "$TMP/out")"

cat >"$TMP/skyverge.csv" <<'EOF'
customer_id,first_name,last_name,email,date_registered,billing_first_name,billing_last_name,billing_company,billing_email,billing_phone,billing_address_1,billing_address_2,billing_postcode,billing_city,billing_state,billing_country
12,Ana,Souza,ana@example.com,2025-01-15 10:00:00,Ana,Souza,,ana@example.com,(21) 99876-5432,Rua A,,20000-000,Rio,RJ,BR
EOF
check_same "SkyVerge customers: id, phone, zone by state, sign-up date" \
	'{"id":"woocommerce:12","phone":"+5521998765432","tz":"America/Sao_Paulo","created_at":"2025-01-15T10:00:00Z","opt_in":false,"source":"woocommerce"}' \
	"$(wa-import "$TMP/skyverge.csv" | jq -c '{id,phone,tz,created_at,opt_in,source}')"

printf 'Customer ID,Email,Phone,Country Code\n55,c@example.com,+15555550100,US\n' >"$TMP/c.csv"
printf 'Name,Email,Created at,Lineitem name,Id\n#9,C@example.com,2026-01-02 03:04:05 +0000,Hat,99\n' >"$TMP/o.csv"
check_same "-t orders with a customer file names the store's customer id" \
	'shopify:55' "$(wa-import -t orders "$TMP/c.csv" "$TMP/o.csv" | jq -r .customer)"
check_same "orders first, customers after: one customer with the store's id" \
	'shopify:55 1' "$(wa-import "$TMP/o.csv" "$TMP/c.csv" | jq -r '"\(.id) \(.orders)"')"
check_same "the same order in two overlapping exports counts once" \
	'1 1' "$(wa-import -t orders "$TMP/o.csv" "$TMP/o.csv" | wc -l | tr -d ' ') $(wa-import "$TMP/o.csv" "$TMP/o.csv" | jq .orders)"
wa-import "$TMP/base.jsonl" >"$TMP/out" 2>"$TMP/err"
check_same "a JSON file as an operand is refused with advice" \
	"1 wa-import: $TMP/base.jsonl:1: wa-import reads CSV exports and WooCommerce's REST JSON; its own records go to --merge" \
	"$? $(head -1 "$TMP/err")"

# What a review found: each of these lost or doubled data once.
printf 'Customer ID,Email,Phone,Accepts SMS Marketing\n7,stop@example.com,+14155550123,yes\n' >"$TMP/e.csv"
printf '{"id":"shopify:7","email":"stop@example.com","opt_in":false,"opt_in_source":"wa-hook:stop","tags":["vip"]}\n{"id":"shopify:8","ema' >"$TMP/torn.jsonl"
wa-import --merge "$TMP/torn.jsonl" "$TMP/e.csv" >"$TMP/out" 2>"$TMP/err"
check_same "--merge: an unreadable record stops the run, nothing written" "3 0" "$? $(wc -c <"$TMP/out" | tr -d ' ')"
printf '{"id":"shopify:7","opt_in":"false","tags":["vip"]}\n' >"$TMP/odd.jsonl"
check_status "--merge: a field of the wrong type stops the run too" 3 wa-import --merge "$TMP/odd.jsonl" "$TMP/e.csv"
printf 'Customer ID,Email,Total Spent,Total Orders\n1,a@example.com,100.00,3\n' >"$TMP/c1.csv"
check_same "the same export twice counts its totals once" '3 100' \
	"$(wa-import "$TMP/c1.csv" "$TMP/c1.csv" 2>/dev/null | jq -r '"\(.orders) \(.spent)"')"
wa-import "$TMP/c1.csv" >"$TMP/c1.jsonl"
printf 'Customer ID,Email,Total Spent,Total Orders\n1,a@example.com,60.00,2\n' >"$TMP/c1b.csv"
check_same "--merge: the store's newer totals replace the old, even when lower" '2 60' \
	"$(wa-import --merge "$TMP/c1.jsonl" "$TMP/c1b.csv" | jq -r '"\(.orders) \(.spent)"')"
if shared real; then
	f=$REAL/shopify-orders-2024-excel-resaved-crlf-ddmmyyyy.anon.csv
	cat "$f" | wa-import -t orders >"$TMP/out" 2>"$TMP/err"
	check_same "from a pipe the day/month order is learned from the dates already read" \
		"0 $(mlr --icsv --ojsonl uniq -g Name "$f" | wc -l | tr -d ' ')" "$? $(wc -l <"$TMP/out" | tr -d ' ')"
	wa-import -v --rejects "$TMP/rej.csv" "$f" >"$TMP/out" 2>"$TMP/err"
	check_same "an orders file that cannot be tied to customers: exit 2, said with -t orders as the way" \
		"2 1" "$? $(grep -c 'anon.csv: these orders have no column to find their customers by (none of Customer ID, .*): read them with -t orders$' "$TMP/err")"
fi
f=$FIX/import/shopify-orders-2024-excel-resaved-crlf-ddmmyyyy.csv
cat "$f" | wa-import -t orders >"$TMP/out" 2>"$TMP/err"
check_same "from a pipe the day/month order is learned from the dates already read" \
	"0 #5103 2023-12-31T22:36:00Z" "$? $(jq -r 'select(.name == "#5103") | "\(.name) \(.created_at)"' "$TMP/out")"
wa-import -v --rejects "$TMP/rej.csv" "$f" >"$TMP/out" 2>"$TMP/err"
check_same "an orders file that cannot be tied to customers: exit 2, said with -t orders as the way" \
	"2 1" "$? $(grep -c 'ddmmyyyy.csv: these orders have no column to find their customers by (none of Customer ID, .*): read them with -t orders$' "$TMP/err")"
long=$(printf 'x%.0s' $(seq 1 200))
printf 'Customer ID,Email\n%s1,b@example.com\n%s2,c@example.com\n' "$long" "$long" >"$TMP/longid.csv"
check_same "long customer ids are kept whole" "2 shopify:${long}2" \
	"$(wa-import "$TMP/longid.csv" | wc -l | tr -d ' ') $(wa-import "$TMP/longid.csv" | tail -1 | jq -r .id)"
check_status "-c with no such country is a usage error" 2 wa-import -c ZZ "$TMP/c1.csv"
printf 'Email,Total Orders\nn@example.com,n/a\n' >"$TMP/na.csv"
wa-import "$TMP/na.csv" >"$TMP/out" 2>"$TMP/err"
check_same "a total that is no number is left out with a warning" \
	"0 wa-import: $TMP/na.csv:2: total orders 'n/a' is not a count; left out" "$? $(cat "$TMP/err")"
printf 'Name,Email,Created at,Lineitem name,Billing Name,Billing Phone,Billing Country\n#5,k@example.com,2026-01-02 03:04:05 +0000,Hat,Kim Billing,+447700900125,GB\n' >"$TMP/o5.csv"
printf 'Customer ID,First Name,Last Name,Email,Phone\n42,Kim,Own,k@example.com,+447700900126\n' >"$TMP/c5.csv"
check_same "orders first: the customer file's own name and phone still win" \
	'shopify:42 Kim Own +447700900126 1' \
	"$(wa-import "$TMP/o5.csv" "$TMP/c5.csv" | jq -r '"\(.id) \(.first_name) \(.last_name) \(.phone) \(.orders)"')"
printf 'Email;First Name\r\na@example.com;A\r\n;\r\n;\r\n' >"$TMP/blank.csv"
check_status "rows of empty cells below the data are no rows" 0 wa-import "$TMP/blank.csv"
sh "$TOP/scripts/gen-store" -c 500 -o 5000 -s 1 "$TMP/st" >/dev/null
{ wa-import -t orders "$TMP/st/orders_export.csv" 2>"$TMP/err"; echo $? >"$TMP/rc"; } | head -c 1 >/dev/null
check_same "a closed pipe on stdout is fatal at once: exit 3, said once" \
	"3 wa-import: error writing output: Broken pipe" "$(cat "$TMP/rc") $(grep -v 'phone_raw' "$TMP/err")"

check_same "CSV output with --fields: a leading + guarded with ' for spreadsheets" \
	"$(printf "id,phone,tags\nshopify:1,'+5511912345678,\"vip, new\"\nshopify:2,'+447700900124,")" \
	"$(wa-import -o csv --fields id,phone,tags "$TMP/v1.csv")"
check_same "--raw-csv: as it is" \
	"$(printf 'id,phone,tags\nshopify:1,+5511912345678,"vip, new"\nshopify:2,+447700900124,')" \
	"$(wa-import -o csv --raw-csv --fields id,phone,tags "$TMP/v1.csv")"
check_status "a missing file is fatal: exit 3" 3 wa-import "$TMP/nope.csv"
check_status "a bad option is a usage error: exit 2" 2 wa-import -t nonsense "$TMP/v1.csv"
check_status "a full disk on stdout is fatal: exit 3" 3 sh -c "wa-import '$TMP/v1.csv' >/dev/full"
check_same "stdin works when no file is named" 2 "$(wa-import <"$TMP/v1.csv" | wc -l | tr -d ' ')"

printf 'Customer ID,First Name,Email,Birthday (customer.metafields.facts.birth_date)\n1,Ana,a@x.com,1990-05-17\n2,Bo,b@x.com,soon\n3,Cy,c@x.com,\n' >"$TMP/bd.csv"
check_same "a birthday from Shopify's metafield column, as a date" "shopify:1 1990-05-17|shopify:2 null|shopify:3 null" \
	"$(wa-import "$TMP/bd.csv" 2>"$TMP/bd.err" | jq -r '"\(.id) \(.birthday)"' | tr '\n' '|' | sed 's/|$//')"
check_same "one that is no date is left out, with a warning at its line" \
	"wa-import: $TMP/bd.csv:3: birthday 'soon' is not a date (or needs --date-order); left out" "$(cat "$TMP/bd.err")"
printf 'Email,Date of Birth\nd@x.com,17/05/1990\ne@x.com,05/06/1991\n' >"$TMP/bd2.csv"
check_same "a d/m/y birthday is read with --dates dmy" "1990-05-17 1991-06-05" \
	"$(wa-import --dates dmy "$TMP/bd2.csv" 2>/dev/null | jq -r .birthday | tr '\n' ' ' | sed 's/ $//')"

done_testing
