#!/bin/sh
# wa-import (issue 16): amounts written with a currency symbol or code, a
# mark that contradicts the row's currency, a birthday with a two-digit
# year, and a file with no record in it (no silent nothing).
# Fixtures: fixtures/import/money/.
. "$(dirname "$0")/lib.sh"

F=$FIX/import/money
NOW=2026-01-01T00:00:00Z
join() { tr '\n' '|' | sed 's/|$//'; }

wa-import -v -t orders --now $NOW "$F/shopify-orders-currency-marks.csv" \
	>"$TMP/o.jsonl" 2>"$TMP/err"
check_same "currency marks: exit 0" 0 $?
check_same "currency marks: every order, its currency, total, refund, item price" \
	'#3001 USD 12 null 12|#3002 EUR 12.5 null 12.5|#3003 EUR 1234.5 4.5 1234.5|#3004 USD 12 null 12|#3005 USD 12 null 12|#3006 BRL 10 null 10|#3007 SEK 99 null 99|#3008 JPY 1200 null 1200|#3009 GBP 7.99 null 7.99|#3010 GBP 20 null 20|#3011 CHF 1234.5 null 1234.5|#3012 INR 1499 null 1499|#3013 CAD 30 5 30' \
	"$(jq -r '"\(.name) \(.currency) \(.total) \(.refunded) \(.items[0].price)"' "$TMP/o.jsonl" | join)"
check_same "currency marks: nothing rejected" \
	'wa-import: 13 rows: 13 records out, 0 merged, 0 rejected' "$(grep 'rows:' "$TMP/err")"
check_same "a '\$' in a GBP row: warned once, at its line" \
	"wa-import: $F/shopify-orders-currency-marks.csv:11: amount '\$20.00' is marked in another currency than the row's GBP; read as GBP" \
	"$(grep 'marked in another' "$TMP/err" | grep -v e.g.)"
check_same "one warning for the row, though its total and its price are marked" 1 \
	"$(grep -c 'is marked in another' "$TMP/err")"
wa-import -t orders --warnings "$TMP/w.jsonl" "$F/shopify-orders-currency-marks.csv" >/dev/null 2>&1
check_same "--warnings: its kind and value" 'currency_mark $20.00 11' \
	"$(jq -r '"\(.kind) \(.value) \(.line)"' "$TMP/w.jsonl")"

wa-import -t orders "$F/orders-no-currency-column.csv" >"$TMP/o2.jsonl" 2>"$TMP/err2"
check_same "no currency column: a mark naming one currency gives it; '\$' names none" \
	'#4001 EUR 19.9|#4002 USD 29|#4003 null 5' \
	"$(jq -r '"\(.name) \(.currency) \(.total)"' "$TMP/o2.jsonl" | join)"

wa-import -t customers "$F/shopify-customers-birthday-yy.csv" "$F/orders-no-currency-column.csv" \
	--now $NOW >"$TMP/c.jsonl" 2>"$TMP/err3"
check_same "birthdays: two-digit years in the file's learnt d/m order, never in the future; marked spent" \
	'shopify:9001 1987-04-05 150|shopify:9002 1928-02-03 12.5|shopify:9003 1990-12-25 0|shopify:9004 2001-02-01 0' \
	"$(jq -r 'select(.id | startswith("shopify:9")) | "\(.id) \(.birthday) \(.spent)"' "$TMP/c.jsonl" | join)"
check "birthdays: none left out" sh -c "! grep -q birthday '$TMP/err3'"

# No silent nothing: a file with no record exits 2 and names it.
: >"$TMP/empty.csv"
printf 'Customer ID,Email,Phone\n' >"$TMP/hdr.csv"
printf 'Name,Email,Total,Created at\r\n' >"$TMP/ohdr.csv"
printf '\n\n' >"$TMP/blank.jsonl"
wa-import "$TMP/empty.csv" >"$TMP/out" 2>"$TMP/err"
check_same "an empty file: exit 2, named, nothing out" \
	"2 wa-import: $TMP/empty.csv: no customers here: the file is empty|" \
	"$? $(cat "$TMP/err")|$(cat "$TMP/out")"
wa-import -t orders "$TMP/empty.csv" >"$TMP/out" 2>"$TMP/err"
check_same "-t orders on an empty file: exit 2, named" \
	"2 wa-import: $TMP/empty.csv: no orders here: the file is empty" "$? $(cat "$TMP/err")"
wa-import -t customers "$TMP/hdr.csv" >"$TMP/out" 2>"$TMP/err"
check_same "-t customers on a header only: exit 2, named" \
	"2 wa-import: $TMP/hdr.csv: no customers here: a header and no rows" "$? $(cat "$TMP/err")"
wa-import -t orders "$TMP/ohdr.csv" >"$TMP/out" 2>"$TMP/err"
check_same "-t orders on a CRLF header only: exit 2, named" \
	"2 wa-import: $TMP/ohdr.csv: no orders here: a header and no rows" "$? $(cat "$TMP/err")"
wa-import <"$TMP/blank.jsonl" >"$TMP/out" 2>"$TMP/err"
check_same "blank lines on stdin: exit 2, named" \
	"2 wa-import: -: no customers here: the file is empty" "$? $(cat "$TMP/err")"
wa-import -t orders "$F/orders-no-currency-column.csv" "$TMP/hdr.csv" >"$TMP/out" 2>"$TMP/err"
check_same "an empty file among others still exits 2, named" \
	"2 wa-import: $TMP/hdr.csv: no customers here: a header and no rows" "$? $(cat "$TMP/err")"
done_testing
