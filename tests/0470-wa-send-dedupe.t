#!/bin/sh
# One message per user and campaign: two records with other ids and the same WhatsApp user (the
# Brazil and Mexico forms too) get one, in this run and the next; 6 and "6" are two customers; a
# record with a key twice is refused at its FILE:LINE, never read as consent.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never a real secret.
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
# evs FILE ID...: the event of each record ID, with its reason (answers come in any order)
evs() { _f=$1; shift; for _i; do ev "$_f" "$_i"; done | paste -sd'|' -; }

cat >"$TMP/c.jsonl" <<'EOF'
{"id":"a","phone":"+447700900001","opt_in":true}
{"id":"b","phone":"+44 7700 900001","opt_in":true}
{"id":"c","phone":"+5511987654321","opt_in":true}
{"id":"d","phone":"+551187654321","opt_in":true}
{"id":"e","phone":"+5215512345678","opt_in":true}
{"id":"f","phone":"+525512345678","opt_in":true}
{"id":6,"phone":"+447700900006","opt_in":true}
{"id":"6","phone":"+447700900007","opt_in":true}
EOF
ws -c d1 "$TMP/c.jsonl" >"$TMP/o1" 2>"$TMP/e1"
check_same "the same user under another id is skipped, duplicate_recipient (UK, Brazil, Mexico forms)" \
	"0 sent|skipped duplicate_recipient|sent|skipped duplicate_recipient|sent|skipped duplicate_recipient|sent|sent" \
	"$? $(evs "$TMP/o1" a b c d e f 6)"
check_same "the mock got one message per user" "5 5" \
	"$(lines "$TMP/log.jsonl") $(jq -r .wa_id "$TMP/log.jsonl" | sort -u | wc -l | tr -d ' ')"
check_same "6 and \"6\": two customers, two keys" "d1/#6 d1/6" \
	"$(jq -r 'select(.event == "sent" and (.key | test("/#?6$"))) | .key' "$WA_HOME/ledger.jsonl" | sort | paste -sd' ' -)"

cat >"$TMP/c2.jsonl" <<'EOF'
{"id":"g","phone":"+447700900001","opt_in":true}
{"id":"h","phone":"+5511987654321","opt_in":true}
{"id":"i","phone":"+447700900008","opt_in":true}
EOF
ws -c d1 "$TMP/c2.jsonl" "$TMP/c.jsonl" >"$TMP/o2" 2>"$TMP/e2"
check_same "the next run: new ids of users the campaign reached are skipped too" \
	"0 skipped duplicate_recipient|skipped duplicate_recipient|sent|skipped already_sent|skipped duplicate_recipient|skipped already_sent|skipped duplicate_recipient|skipped already_sent|skipped duplicate_recipient|skipped already_sent|skipped already_sent" \
	"$? $(evs "$TMP/o2" g h i a b c d e f 6)"
check_same "and the mock got only the new user's" 6 "$(lines "$TMP/log.jsonl")"
ws -c d2 "$TMP/c2.jsonl" >"$TMP/o3" 2>"$TMP/e3"
check_same "another campaign reaches the same users" "0 sent|sent|sent" "$? $(evs "$TMP/o3" g h i)"
ws -c d1 --dry-run "$TMP/c2.jsonl" >"$TMP/o4" 2>"$TMP/e4"
check_same "a dry run says the same" "skipped duplicate_recipient|skipped duplicate_recipient|skipped already_sent" \
	"$(evs "$TMP/o4" g h i)"

printf '%s\n' '{"id":"x","phone":"+447700900099","opt_in":false,"opt_in":true}' \
	'{"id":"y","phone":"+447700900098","opt_in":true,"opt_in":true}' >"$TMP/dup.jsonl"
n=$(lines "$TMP/log.jsonl")
ws -c d3 --rejects "$TMP/rej" "$TMP/dup.jsonl" >"$TMP/o5" 2>"$TMP/e5"
check_same "a key twice, disagreeing or not: exit 1, nothing sent" "1 $n" "$? $(lines "$TMP/log.jsonl")"
check_same "each refused at its FILE:LINE" \
	"wa-send: $TMP/dup.jsonl:1:57: invalid JSON: duplicate object key near '\"opt_in\"'|wa-send: $TMP/dup.jsonl:2:56: invalid JSON: duplicate object key near '\"opt_in\"'" \
	"$(grep '^wa-send: /' "$TMP/e5" | paste -sd'|' -)"
check_file "and written to the rejects file" "$TMP/rej" <"$TMP/dup.jsonl"
done_testing
