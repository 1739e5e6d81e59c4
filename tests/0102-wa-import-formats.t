#!/bin/sh
# wa-import on formats seen in the wild (issue 16): Excel re-saves (m/d/yy and
# d/m/yy, a file's date order from all its rows, TRUE/FALSE, money without
# decimals or with thousands, names without '#', E+12 order ids, CRLF with a
# bare LF inside quotes), semicolon files, headers of any year and order,
# phones, and no time zone guessed. Fixtures: fixtures/import/formats/.
. "$(dirname "$0")/lib.sh"

F=$FIX/import/formats
NOW=2026-01-01T00:00:00Z
# join LINES: the lines of stdin joined by '|'
join() { tr '\n' '|' | sed 's/|$//'; }

# Excel (en-US) re-save of an orders export, and the next day's untouched one.
wa-import -v -t orders --now $NOW --rejects "$TMP/rej.csv" \
	"$F/shopify-orders-excel-mdyy-crlf.csv" "$F/shopify-orders-next-day.csv" \
	>"$TMP/o.jsonl" 2>"$TMP/err"
check_same "m/d/yy: every order by id, its date, total, refund and items" \
	'shopify:#1001 2024-01-02T10:05:00Z 12 null Hat,Cap|shopify:#1002 2024-03-14T09:05:00Z 1234 null Lamp|shopify:5812340000003 2024-02-03T08:00:00Z 45.5 1.5 Mug|shopify:5812340000004 2024-03-15T16:00:00Z 20 null Hat' \
	"$(jq -r '"\(.id) \(.created_at) \(.total) \(.refunded) \([.items[].name] | join(","))"' "$TMP/o.jsonl" | join)"
check_same "m/d/yy: nothing rejected, #1002 of the next day counted once" \
	'wa-import: 6 rows: 4 records out, 2 merged, 0 rejected' "$(grep 'rows:' "$TMP/err")"
check_same "m/d/yy: E+12 ids said once, orders keyed by name" 1 \
	"$(grep -c "order ids such as '5.81234E+12' were mangled by a spreadsheet; orders are keyed by their names" "$TMP/err")"
check_same "m/d/yy: a bare LF inside a quoted note of a CRLF file, no CR left" \
	'"Leave at the door\nback gate"' "$(jq -c 'select(.name == "#1002") | .extra.Notes' "$TMP/o.jsonl")"
check_same "m/d/yy: TRUE/FALSE in a yes/no column are yes and no" 'yes no no' \
	"$(jq -r '.extra["Accepts Marketing"] // empty' "$TMP/o.jsonl" | tr '\n' ' ' | sed 's/ $//')"
check_same "m/d/yy: '+' before a US number and a 00 prefix" \
	'+14085550134 +12392207325 +33612345678' \
	"$(jq -r 'select(.name != "#1004") | .phone' "$TMP/o.jsonl" | tr '\n' ' ' | sed 's/ $//')"
check "m/d/yy: the '+' is said at its line" grep -q \
	"excel-mdyy-crlf.csv:4: phone '+2392207325' has a '+' but no calling code: read as a number of US, +12392207325" "$TMP/err"

# The same order names with and without '#' in one file make one order.
printf 'Name,Email,Created at,Lineitem name\n#5,a@example.com,2024-01-01,Hat\n5,a@example.com,,Cap\n6,b@example.com,2024-01-02,Mug\n' >"$TMP/hash.csv"
check_same "a name without '#' is the same Shopify order" '#5 Hat,Cap|#6 Mug' \
	"$(wa-import -t orders "$TMP/hash.csv" | jq -r '"\(.name) \([.items[].name] | join(","))"' | join)"

# Excel (en-GB) re-save: d/m/yy, settled by the third row.
wa-import -t orders "$F/shopify-orders-excel-ddmmyy.csv" >"$TMP/o.jsonl" 2>"$TMP/err"
check_same "d/m/yy: the first rows read day first from a later row, money without decimals" \
	'0 #2001 2023-06-05T14:30:00Z 30|#2002 2023-12-01T09:00:00Z 15.5|#2003 2023-12-25T18:30:00Z 1050' \
	"$? $(jq -r '"\(.name) \(.created_at) \(.total)"' "$TMP/o.jsonl" | join)"
check_same "d/m/yy: phones local, '+0...' and 00 44 all British" \
	'+447700900201 +447700900202 +447700900203' \
	"$(jq -r .phone "$TMP/o.jsonl" | tr '\n' ' ' | sed 's/ $//')"

# 1,000 ambiguous rows, then one that says d/m.
{
	echo 'Name,Email,Created at,Lineitem name'
	i=1
	while [ $i -le 1000 ]; do
		echo "#$i,a$i@example.com,5/6/24 10:00,Hat"
		i=$((i + 1))
	done
	echo '#1001,z@example.com,13/6/24 9:05,Hat'
} >"$TMP/late.csv"
check_same "row 1,001 says d/m: all 1,001 rows read day first, from a file" \
	'1000 2024-06-05T10:00:00Z|1 2024-06-13T09:05:00Z' \
	"$(wa-import -t orders "$TMP/late.csv" 2>"$TMP/err" | jq -r .created_at | sort | uniq -c | awk '{print $1, $2}' | join)"
check_same "... with nothing said" '' "$(cat "$TMP/err")"
check_same "... and from a pipe, spooled" \
	'1000 2024-06-05T10:00:00Z|1 2024-06-13T09:05:00Z' \
	"$(cat "$TMP/late.csv" | wa-import -t orders 2>"$TMP/err" | jq -r .created_at | sort | uniq -c | awk '{print $1, $2}' | join)"
check_same "... with nothing said" '' "$(cat "$TMP/err")"
mkdir "$TMP/spool"
cat "$TMP/late.csv" | TMPDIR=$TMP/spool wa-import -t orders >/dev/null 2>&1
check_same "... and the spool file gone" '' "$(ls "$TMP/spool")"

# A file that cannot tell.
head -3 "$TMP/late.csv" >"$TMP/amb.csv"
wa-import -t orders "$TMP/amb.csv" >"$TMP/o.jsonl" 2>"$TMP/err"
check_same "no date tells: nothing rejected, read month first, said once" \
	"0 2024-05-06T10:00:00Z 2024-05-06T10:00:00Z wa-import: $TMP/amb.csv:2: no date tells the day from the month (such as '5/6/24 10:00'): read as month/day/year; give --date-order dmy if that is wrong" \
	"$? $(jq -r .created_at "$TMP/o.jsonl" | tr '\n' ' ')$(cat "$TMP/err")"
check_same "no date tells, -c FR: day first, said once" \
	"2024-06-05T10:00:00Z 1" \
	"$(wa-import -c FR -t orders "$TMP/amb.csv" 2>"$TMP/err" | jq -r .created_at | sort -u) $(grep -c 'read as day/month/year; give --date-order mdy' "$TMP/err")"
check_same "--date-order dmy: as told, nothing said" '2024-06-05T10:00:00Z ' \
	"$(wa-import --date-order dmy -t orders "$TMP/amb.csv" 2>"$TMP/err" | jq -r .created_at | sort -u) $(cat "$TMP/err")"
check_same "--dates mdy, the old name, still works" '2024-05-06T10:00:00Z' \
	"$(wa-import --dates mdy -t orders "$TMP/amb.csv" 2>/dev/null | jq -r .created_at | sort -u)"
check_status "--date-order ymd is a usage error" 2 wa-import --date-order ymd "$TMP/amb.csv"

# European Excel: semicolons.
wa-import -v --rejects "$TMP/rej.csv" "$F/shopify-customers-semicolon-eu.csv" >"$TMP/c.jsonl" 2>"$TMP/err"
check_same "semicolons: every customer, decimal commas, TRUE/FALSE consent" \
	'0 shopify:7001 Jos� +4915123456789 12.5 true|shopify:7002 Fran�ois +33612345679 1234.5 false|shopify:7003 Anna +31612345678 12 true' \
	"$? $(jq -r '"\(.id) \(.first_name) \(.phone) \(.spent) \(.opt_in)"' "$TMP/c.jsonl" | join)"
check_same "semicolons: rows of bare ;;;; are no rows, nothing rejected" \
	'wa-import: 3 rows: 3 records out, 0 merged, 0 rejected' "$(grep 'rows:' "$TMP/err")"
check_same "semicolons: U+FFFD said once, at its first line" \
	"wa-import: $F/shopify-customers-semicolon-eu.csv:2: text holds U+FFFD, characters a wrong encoding lost before this export; kept as it is" \
	"$(grep -v 'rows:' "$TMP/err")"
check_same "semicolons: Tax Exempt FALSE/TRUE/false as no/yes/no" 'no yes no' \
	"$(jq -r '.extra["Tax Exempt"]' "$TMP/c.jsonl" | tr '\n' ' ' | sed 's/ $//')"

# 2015: 18 columns, no Customer ID, no Tax Exempt.
wa-import --now $NOW "$F/shopify-customers-2015-18col.csv" >"$TMP/c.jsonl" 2>"$TMP/err"
check_same "2015 layout: every customer by e-mail, phones, spent with a thousands comma, tz" \
	'0 email:hal@example.com +15035550101 150 2 America/Los_Angeles true|email:ida@example.com +447700900301 1200 5 Europe/London false|email:jo@example.com null 0 0 null false' \
	"$? $(jq -r '"\(.id) \(.phone) \(.spent) \(.orders) \(.tz) \(.opt_in)"' "$TMP/c.jsonl" | join)"
check_same "2015 layout: the unknown columns under extra, a multi-line note" \
	'{"Address1":"1 Main St","Province":"Oregon","Country":"United States","Zip":"97201"} "first line\nsecond line"' \
	"$(jq -c .extra "$TMP/c.jsonl" | head -1) $(jq -c 'select(.id == "email:jo@example.com") | .note' "$TMP/c.jsonl")"

# 2025, shuffled, metafields; phones.
wa-import -v --now $NOW "$F/shopify-customers-2025-metafields-shuffled.csv" >"$TMP/c.jsonl" 2>"$TMP/err"
check_same "2025 shuffled: every customer, its phone, phone_raw and tz" \
	'0 shopify:8001 +905351234567 +905351234567 Europe/Istanbul|shopify:8002 +12392207325 +2392207325 null|shopify:8003 null (889) 254-33 America/New_York|shopify:8004 +447700900125 00 44 7700 900125 Europe/London|shopify:8005 +31612345678 +0612345678 Europe/Amsterdam|shopify:8006 +393331234567 +3331234567 Europe/Rome' \
	"$? $(jq -r '"\(.id) \(.phone) \(.phone_raw) \(.tz)"' "$TMP/c.jsonl" | join)"
check_same "2025 shuffled: metafields under extra, the birthday read, e-mail consent as email_opt_in" \
	'https://example.com/r/KAYA 1990-04-01 no true' \
	"$(jq -r 'select(.id == "shopify:8001") | "\(.extra["GW Referral link (customer.metafields.growave.referral_link)"]) \(.birthday) \(.extra["Tax Exempt"]) \(.email_opt_in)"' "$TMP/c.jsonl")"
check_same "2025 shuffled: consent from Accepts SMS Marketing TRUE/FALSE/yes" \
	'true false false true true true' "$(jq -r .opt_in "$TMP/c.jsonl" | tr '\n' ' ' | sed 's/ $//')"
check_same "2025 shuffled: the '+' before a national number, said per row" 3 \
	"$(grep -c ":[0-9]*: phone .* has a '+' but no calling code" "$TMP/err")"

# The same customer written +90535... in one column and 0535... in another,
# with no country column: one customer, one phone.
printf 'Customer ID,Email,Phone,Default Address Phone\n1,t@example.com,05351234567,+90 535 123 45 67\n' >"$TMP/tr.csv"
check_same "+90535 and 0535 in two columns: one phone" '+905351234567 05351234567' \
	"$(wa-import "$TMP/tr.csv" 2>/dev/null | jq -r '"\(.phone) \(.phone_raw)"')"

# No zone guessed in a country of several clocks.
printf 'Email,Default Address Country Code,Default Address Province Code\na@x.com,US,\nb@x.com,US,CA\nc@x.com,US,California\nd@x.com,BR,\ne@x.com,RU,\nf@x.com,AU,\ng@x.com,AU,WA\nh@x.com,CA,\ni@x.com,MX,\nj@x.com,DE,\nk@x.com,GB,\n' >"$TMP/tz.csv"
check_same "tz: only where the country or its province code decides" \
	'US null|US America/Los_Angeles|US null|BR null|RU null|AU null|AU Australia/Perth|CA null|MX null|DE Europe/Berlin|GB Europe/London' \
	"$(wa-import "$TMP/tz.csv" | jq -r '"\(.country) \(.tz)"' | join)"
printf 'Email,Phone\nus@x.com,+14155550134\nin@x.com,+919812345678\n' >"$TMP/tzp.csv"
check_same "tz: from the phone's country only when it has one clock" 'null|Asia/Kolkata' \
	"$(wa-import "$TMP/tzp.csv" | jq -r .tz | join)"

done_testing
