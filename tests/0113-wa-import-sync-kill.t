#!/bin/sh
# wa-import --shopify -t orders killed (SIGKILL) in the middle of a paged
# sync of 10,000 orders made up by tests/mock-shopify.c (-g), whose bucket
# makes it last 4 s or more however fast the machine, then run
# again: the cursor had moved during the run, never past a record not out;
# no record was cut in two; the run again resumes from it and reads again
# only what the first had not made durable; the two outputs, merged by id
# as a reader of orders does, are every order once, the same records as a
# sync that was never killed.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never a real secret.
SHOPIFY_TOKEN=shpat_test_0113_$$
export SHOPIFY_TOKEN
unset SHOPIFY_TOKEN_FILE WA_SHOPIFY_URL
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
N=10000
CUR=shopify-teststore.myshopify.com.cursor

# 2,000 points refilled at 10,000 a second, pages of some 800: 4 s for 51 pages.
_serve shop out '' mock-shopify -b 2000 -r 10000 -g $N -o "$TMP/shop.log" ||
	{ echo "Bail out! mock-shopify did not start"; exit 1; }
PIDS="$PIDS $_pid"
URL=http://127.0.0.1:$_port
imp() {
	_h=$1; shift
	mkdir -p "$_h"
	WA_HOME=$_h WA_SHOPIFY_URL=$URL wa-import --shopify teststore -t orders "$@"
}

plan 7

# Killed as soon as the cursor first moves, a second or so into the run.
mkdir -p "$TMP/h1"
(WA_HOME=$TMP/h1 WA_SHOPIFY_URL=$URL exec wa-import --shopify teststore -t orders) \
	>"$TMP/o1" 2>"$TMP/e1" &
ipid=$!
i=0
until [ -s "$TMP/h1/$CUR" ] || [ $i -gt 1200 ] || ! kill -0 $ipid 2>/dev/null; do
	i=$((i + 1))
	sleep 0.05
done
kill -9 $ipid 2>/dev/null
{ wait $ipid; } 2>/dev/null
check_same "killed mid-run (SIGKILL)" 137 $?
after=$(jq -r '.orders.after // empty' "$TMP/h1/$CUR" 2>/dev/null)
check_same "the cursor had moved, to a page's end" 1 "$(printf '%s\n' "$after" | grep -c '^cur:')"
# jq stops at a cut last line after the whole ones: its newline is asked apart
check_same "no record cut in two: every line whole JSON, the last one ended" "$(lines "$TMP/o1") ended" \
	"$(jq -c .id "$TMP/o1" 2>/dev/null | wc -l | tr -d ' ') $([ -z "$(tail -c 1 "$TMP/o1" | tr -d '\n')" ] && echo ended)"
nlog=$(lines "$TMP/shop.log")
imp "$TMP/h1" >"$TMP/o2" 2>"$TMP/e2"
check_same "the run again: exit 0, nothing said" "0 0" "$? $(lines "$TMP/e2")"
check_same "it resumed from the cursor" "$after" \
	"$(tail -n +$((nlog + 1)) "$TMP/shop.log" | jq -r 'select(.op == "orders") | .after' | head -1)"

imp "$TMP/h2" >"$TMP/clean" 2>/dev/null
check_same "both runs merged by id: every order once, as a run never killed" \
	"$(jq -S -c . "$TMP/clean" | sort | cksum)" \
	"$(cat "$TMP/o1" "$TMP/o2" | jq -S -c -s 'map({key: .id, value: .}) | from_entries | .[]' | sort | cksum)"
# What the first run wrote after its last commit is read again, and only that:
# the ids in both outputs are the first records of the second.
dup=$(cat "$TMP/o1" "$TMP/o2" | jq -r .id | sort | uniq -d | wc -l | tr -d ' ')
check_same "only what followed the cursor was read again" \
	"$(head -n "$dup" "$TMP/o2" | jq -r .id | sort)" \
	"$(cat "$TMP/o1" "$TMP/o2" | jq -r .id | sort | uniq -d)"
done_testing
