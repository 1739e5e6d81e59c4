#!/bin/sh
# A full disk (ulimit -f) under the send ledger and the event spool: wa-send
# stops with exit 3 and a message, not a signal, wa-hook answers 500; no
# torn line is left behind, nothing is sent twice, and the next run with
# room recovers. A torn last ledger line is cut and the run goes on.
. "$(dirname "$0")/lib.sh"

hook_world
# Made up for the test; never a real secret.
TOKEN=test-token-$$

lines() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }

# whole FILE: every line is a JSON object and the file ends with a newline
whole() { [ ! -s "$1" ] || { jq -e 'type == "object"' "$1" >/dev/null && [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ]; }; }

echo '{"name":"hello","language":"en_US","body_params":0}' >"$TMP/tpl.jsonl"
WA_TOKEN=$TOKEN start_mock mock -T "$TMP/tpl.jsonl" -o "$TMP/sent.jsonl" ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
URL=http://127.0.0.1:$PORT/v21.0
i=10
while [ $i -lt 50 ]; do
	printf '{"id":"c%d","phone":"+4477009001%02d","opt_in":true}\n' $i $i
	i=$((i + 1))
done >"$TMP/recs.jsonl"
L=$TMP/ledger.jsonl

# send [ULIMIT]: wa-send to the mock, under a file size limit of ULIMIT blocks
send() {
	(
		[ -z "${1:-}" ] || ulimit -f "$1"
		WA_TOKEN=$TOKEN WA_API_URL=$URL exec wa-send -c full -t hello \
			--ledger "$L" "$TMP/recs.jsonl"
	) >"$TMP/out" 2>"$TMP/err"
}

# --- the ledger on a full disk
send 4
rc=$?
check_same "wa-send on a full disk: exit 3, not a signal" 3 $rc
grep -q "^wa-send: $L: cannot write the ledger: File too large$" "$TMP/err"
_result $? "and says why"
[ $rc -ne 3 ] && sed 's/^/# /' "$TMP/err" | tail -3
whole "$L"
_result $? "the ledger has no torn line"
[ -s "$L" ] && [ "$(lines "$TMP/sent.jsonl")" -lt 40 ]
_result $? "it stopped part way ($(lines "$L") entries, $(lines "$TMP/sent.jsonl") sent)"
# Nothing leaves before its attempt is on disk.
jq -r .key "$TMP/sent.jsonl" | sort >"$TMP/sentkeys"
jq -r 'select(.event == "attempt") | .key' "$L" | sort >"$TMP/attempts"
comm -23 "$TMP/sentkeys" "$TMP/attempts" >"$TMP/unlogged"
check_same "every message sent has its attempt in the ledger" 0 "$(lines "$TMP/unlogged")"

sent1=$(lines "$TMP/sent.jsonl")
send
rc=$?
# An attempt with no outcome may have gone out: it is reported, not sent again.
ev() { jq -r "select(.event == \"$1\") | .id" "$TMP/out" | wc -l | tr -d ' '; }
check_same "the next run with room: exit 1 for the attempts with no outcome" 1 $rc
check_same "it skips what was sent, reports the unknown and sends the rest" 40 \
	"$(($(ev skipped) + $(ev unknown) + $(ev sent)))"
check_same "and sends only what it says it sent" \
	"$((sent1 + $(ev sent)))" "$(lines "$TMP/sent.jsonl")"
jq -r .to "$TMP/sent.jsonl" | sort | uniq -d >"$TMP/twice"
check_same "nobody got the message twice" 0 "$(lines "$TMP/twice")"
whole "$L"
_result $? "the ledger is whole"

# --- a torn last line, as a crash mid-write leaves it
L=$TMP/ledger2.jsonl
send
check_same "a fresh ledger: all sent" "0 40" "$? $(ev sent)"
cp "$L" "$TMP/before"
printf '{"event":"attempt","key":"full/c99","to":"+4477' >>"$L"
send
check_same "a torn last line: exit 0, all skipped as sent" "0 40" "$? $(ev skipped)"
grep -q "$L: dropping an unfinished last entry" "$TMP/err"
_result $? "which is said"
cmp -s "$L" "$TMP/before"
_result $? "and cut, the rest kept"
printf 'not json\n' >>"$L"
send
grep -q "^wa-send: $L:$(lines "$L"): not a ledger entry; ignored$" "$TMP/err"
_result $? "a bad line in the ledger is named by its line and ignored"

# --- the spool on a full disk, and its recovery
hmac() { openssl dgst -sha256 -hmac "$WA_APP_SECRET" -r <"$1" | cut -d' ' -f1; }
post() {
	curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
		-H "X-Hub-Signature-256: sha256=$(hmac "$1")" \
		--data-binary @"$1" "http://127.0.0.1:$HPORT/webhook"
}
text() {
	printf '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"106540352242922"},"messages":[{"from":"447700900200","id":"wamid.F%d","timestamp":"1763892000","type":"text","text":{"body":"message %d, with words enough to fill a small file quickly"}}]}}]}]}' "$2" "$2" >"$1"
}
SP=$TMP/events.jsonl
(
	ulimit -f 2
	exec wa-hook -l 127.0.0.1:0 --spool "$SP" --suppress "$TMP/supp.txt"
) >/dev/null 2>"$TMP/full.err" &
HPID=$!
PIDS="$PIDS $HPID"
i=0
until grep -q 'listening on' "$TMP/full.err" 2>/dev/null || [ $i -gt 100 ]; do sleep 0.05; i=$((i + 1)); done
HPORT=$(sed -n 's/^wa-hook: listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$TMP/full.err")
codes=
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
	text "$TMP/e$i.json" $i
	codes="$codes $(post "$TMP/e$i.json")"
done
echo "$codes" | grep -q '^ \(200 \)*500\( 500\)*$'
_result $? "wa-hook on a full disk: 200 until full, then 500 ($codes )"
kill -0 "$HPID"
_result $? "and stays up"
grep -q "$SP: cannot write events: File too large" "$TMP/full.err"
_result $? "and says why"
whole "$SP"
_result $? "the spool has no torn line"
stored=$(lines "$SP")
kill "$HPID"; wait "$HPID"
start_hook room --spool "$SP" --suppress "$TMP/supp.txt" || { echo "Bail out! wa-hook did not start"; exit 1; }
codes=
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do codes="$codes $(post "$TMP/e$i.json")"; done
check_same "with room again every redelivery is taken" " 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200" "$codes"
check_same "each event once: $stored kept before, the rest now" "16 16" \
	"$(lines "$SP") $(jq -r .wamid "$SP" | sort -u | wc -l | tr -d ' ')"
done_testing
