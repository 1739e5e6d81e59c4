#!/bin/sh
# wa-import --shopify --bulk over a bulk file larger than the 16 MiB an
# answer may take in memory (WA_FETCH_MAXBODY): 15,000 orders made up by
# tests/mock-shopify.c (-g), children after their parents or all before
# them, every order once with its line items in order, the same records
# as the paged path. (How little memory this takes is scripts/bench's.)
. "$(dirname "$0")/lib.sh"

# Made up for the test; never a real secret.
SHOPIFY_TOKEN=shpat_test_0111_$$
export SHOPIFY_TOKEN
unset SHOPIFY_TOKEN_FILE WA_SHOPIFY_URL
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
N=15000

# an order's items as the mock makes them: (number % 3) + 1, named by number + k
badItems='select((.items | length) != ((.id | ltrimstr("shopify:") | tonumber - 1000000) % 3 + 1)
	or .items[0].name != "Product \((.id | ltrimstr("shopify:") | tonumber - 1000000) % 400)")'

plan 8

start_shop shuffled -b 100000 -r 100000 --bulk-polls 0 -g $N --bulk-shuffle
shop_import "$TMP/h1" -t orders --bulk >"$TMP/b1" 2>"$TMP/e1"
check_same "children before their parents: exit 0, nothing said" "0 0" "$? $(lines "$TMP/e1")"
check_same "every order once" "$N $N" "$(lines "$TMP/b1") $(jq -r .id "$TMP/b1" | sort -u | wc -l | tr -d ' ')"
check_same "each with its line items, in the file's order" "" "$(jq -c "$badItems | .id" "$TMP/b1" | head -3)"
check_same "every line item" "$(awk -v n=$N 'BEGIN { for (i = 1; i <= n; i++) s += i % 3 + 1; print s }')" \
	"$(jq '.items | length' "$TMP/b1" | awk '{ s += $1 } END { print s }')"
url=$(jq -r 'select(.op == "download") | .n' "$TMP/shuffled.log" | head -1)
check_same "the file was over 16 MiB" 1 \
	"$(curl -s "$URL/bulk/$url.jsonl" | wc -c | awk '{ print ($1 > 16777216) }')"
stop_shop

start_shop grouped -b 100000 -r 100000 --bulk-polls 0 -g $N
shop_import "$TMP/h2" -t orders --bulk >"$TMP/b2" 2>"$TMP/e2"
check_same "children after their parents: exit 0" 0 $?
check_same "the same records either way" "$(sort "$TMP/b1" | cksum)" "$(sort "$TMP/b2" | cksum)"
shop_import "$TMP/h3" -t orders >"$TMP/p3" 2>"$TMP/e3"
check_same "the same records as the pages give" "$(sort "$TMP/b1" | cksum)" "$(sort "$TMP/p3" | cksum)"
stop_shop
done_testing
