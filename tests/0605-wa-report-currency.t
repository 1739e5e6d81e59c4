#!/bin/sh
# wa-report in one currency: orders in three and more, converted by hand.
. "$(dirname "$0")/lib.sh"

NOW=2026-11-01T00:00:00Z
L=$TMP/ledger.jsonl
E=$TMP/events.jsonl
O=$TMP/orders.jsonl

# promo, 2026-10-01 10:00: e1..e5, each delivered.
for n in 1 2 3 4 5; do
	printf '{"event":"sent","key":"promo/e%s","id":"e%s","to":"+44770090020%s","campaign":"promo","at":"2026-10-01T10:00:00Z","wamid":"wamid.E%s"}\n' $n $n $n $n >>"$L"
	printf '{"event":"status","wamid":"wamid.E%s","status":"delivered","at":"2026-10-01T10:00:05Z"}\n' $n >>"$E"
done
# ord ID CUSTOMER TOTAL CUR [SHOP_TOTAL SHOP_CUR]: an order the day after.
ord() {
	printf '{"type":"order","id":"%s","customer":"%s","created_at":"2026-10-02T10:00:00Z","financial_status":"paid","total":%s,"currency":"%s"%s}\n' \
		"$1" "$2" "$3" "$4" "${5:+,\"shop_total\":$5,\"shop_currency\":\"$6\"}" >>"$O"
}
ord o1 e1 100 EUR		# in the report's currency
ord o2 e2 50 USD		# by the rates: 50 / 1.25 = 40 EUR
ord o3 e3 30 GBP 36 EUR		# the shop's amount first: 36 EUR (the rates would say 37.50)
ord o4 e4 20 GBP		# by the rates: 20 / 0.8 = 25 EUR
ord o5 e5 1000 JPY		# no rate: apart
printf '{"id":"e%s","phone":"+44770090020%s"}\n' 1 1 2 2 3 3 4 4 5 5 >"$TMP/cust.jsonl"

# The ECB's file: units of each currency for one euro, its latest day first.
cat >"$TMP/eurofxref.csv" <<'X'
Date, USD, JPY, BGN, GBP, 
04 December 2026, 1.2500, N/A, 1.9558, 0.8000, 
X
rep() { wa-report --now $NOW --ledger "$L" --events "$E" --customers "$TMP/cust.jsonl" --orders "$O" "$@"; }
all() { jq -c 'select(.group == "all") | '"$1" "$TMP/out.json"; }

# EUR is the currency of most orders... not here (GBP 2, EUR 1): --currency.
rep --currency eur --rates "$TMP/eurofxref.csv" -o json >"$TMP/out.json" 2>"$TMP/err"
check_same "ECB rates: exit 0, nothing said" "0:" "$?:$(cat "$TMP/err")"
# 100 + 40 + 36 + 25 = 201 EUR of 4 orders, AOV 50.25; 1000 JPY apart.
check_same "ECB rates: revenue and AOV in EUR" '{"EUR":201} {"EUR":50.25}' "$(all '.revenue, .aov' | paste -sd' ' -)"
check_same "ECB rates: the yen apart, converted, the rates' day" '{"JPY":1000} true "2026-12-04"' \
	"$(all '.revenue_other, .revenue_converted, .rates_date' | paste -sd' ' -)"
check_same "ECB rates: conversions count every currency" "5 1" "$(all '.conversions, .conversion_rate' | paste -sd' ' -)"
check_same "ECB rates: store-wide AOVs in EUR" '{"EUR":50.25} {"EUR":50.25} {}' \
	"$(all '.aov_site, .aov_messaged, .aov_not_messaged' | paste -sd' ' -)"

# CUR,rate lines, from the report's currency; their day the file's.
printf '# for one euro\nUSD,1.25\n\nGBP,0.8\n' >"$TMP/rates"
touch -d 2026-12-03T12:00:00Z "$TMP/rates"
rep --currency EUR --rates "$TMP/rates" -o json >"$TMP/out.json"
check_same "CUR,rate lines: the same figures, the file's day" '{"EUR":201} {"EUR":50.25} "2026-12-03"' \
	"$(all '.revenue, .aov, .rates_date' | paste -sd' ' -)"

# No rates: the shop's amount still converts o3; USD, GBP o4 and JPY apart.
# 100 + 36 = 136 of 2 orders, AOV 68.
rep --currency EUR -o json >"$TMP/out.json"
check_same "no rates: the shop's amounts only, the rest apart" \
	'{"EUR":136} {"EUR":68} {"GBP":20,"JPY":1000,"USD":50} true null' \
	"$(all '.revenue, .aov, .revenue_other, .revenue_converted, .rates_date' | paste -sd' ' -)"

# By default the currency of most orders in the period: GBP (o3, o4).
# 30 + 20 = 50 GBP; 100 EUR x 0.8 = 80, 50 USD / 1.25 x 0.8 = 32: 162 GBP / 4.
rep --rates "$TMP/eurofxref.csv" -o json >"$TMP/out.json"
check_same "default: the currency of most orders" '{"GBP":162} {"GBP":40.5} {"JPY":1000}' \
	"$(all '.revenue, .aov, .revenue_other' | paste -sd' ' -)"

# --by-currency: every currency as it is, no new fields.
rep --by-currency -o json >"$TMP/out.json"
check_same "--by-currency: as before" '{"EUR":100,"GBP":50,"JPY":1000,"USD":50} null' \
	"$(all '.revenue, .revenue_converted' | paste -sd' ' -)"

# The table says the currency, the rates' day, and what was left apart.
rep --currency EUR --rates "$TMP/eurofxref.csv" -o table >"$TMP/table"
check "table: the currency and the rates' day" grep -q '^  currency  *EUR, converted at the rates of 2026-12-04$' "$TMP/table"
check "table: the other currencies" grep -q '^  other currencies, not converted  *1000 JPY$' "$TMP/table"
rep --currency EUR --rates "$TMP/eurofxref.csv" -o csv >"$TMP/out.csv"
check_same "CSV: the currency fields" "201.00 EUR,1000 JPY,true,2026-12-04" \
	"$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } /^all,/ { print $c["revenue"] "," $c["revenue_other"] "," $c["revenue_converted"] "," $c["rates_date"] }' "$TMP/out.csv")"

# wa-import keeps the shop's amount of a foreign-currency order, as gen-store writes it.
printf 'Name,Email,Created at,Currency,Total,Lineitem name,Total in Shop Currency,Shop Currency\n#1,a@example.com,2026-10-02 10:00:00 +0000,GBP,30.00,Hat,36.00,EUR\n#2,b@example.com,2026-10-02 10:00:00 +0000,EUR,10.00,Hat,,\n' >"$TMP/o.csv"
check_same "wa-import: shop_total and shop_currency when the row has them" \
	'30 GBP 36 EUR|10 EUR null null' \
	"$(wa-import -t orders "$TMP/o.csv" | jq -r '"\(.total) \(.currency) \(.shop_total) \(.shop_currency)"' | paste -sd'|' -)"

# Bad input: exit 2, the line said.
printf 'USD,1.25\nGBP,lots\n' >"$TMP/bad"
out=$(rep --rates "$TMP/bad" -o json 2>&1 >/dev/null)
check_same "a bad rates line: exit 2, FILE:LINE" "2:wa-report: $TMP/bad:2: not CUR,rate nor the ECB's CSV" "$?:$out"
check_status "--currency nonsense: exit 2" 2 wa-report --currency EURO
check_status "--rates missing: exit 2" 2 rep --rates "$TMP/none"
done_testing
