#!/bin/sh
# wa-send --events: unknown outcomes settled from webhook statuses, so nothing goes out twice.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never real secrets.
TOKEN=test-token-$$
WA_APP_SECRET=test-secret-$$
WA_PHONE_NUMBER_ID=106540352242922
export WA_PHONE_NUMBER_ID WA_APP_SECRET
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
mkdir -p "$WA_HOME"
LEDGER=$WA_HOME/ledger.jsonl

# The webhooks go to a second mock that only records them, as wa-hook's input would be.
start_mock sink --sink "$TMP/sink.jsonl" ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
HOOK=http://127.0.0.1:$PORT/webhook
# The answer comes 3 s late: time to kill the sender after its attempt.
WA_TOKEN=$TOKEN start_mock slow --latency 3000 --webhook "$HOOK" --webhook-delay 50 \
	--read 0 --reply 0 -o "$TMP/slow.log"
SLOW=http://127.0.0.1:$PORT/v21.0
WA_TOKEN=$TOKEN start_mock drop --drop-after-accept 1 -o "$TMP/drop.log"
DROP=http://127.0.0.1:$PORT/v21.0

ws() { _u=$1; shift; WA_TOKEN=$TOKEN WA_API_URL=$_u wa-send -c settle -t hello "$@"; }
# statuses: the sink's status webhooks as wa-hook's events
statuses() {
	jq -c '.body | fromjson | .entry[].changes[].value.statuses[]? |
		{event: "status", key: .biz_opaque_callback_data, status, wamid: .id,
		 at: (.timestamp | tonumber | todate)}' "$TMP/sink.jsonl"
}
# wait_for TRIES COMMAND...: until the command succeeds, 0.05 s apart
wait_for() {
	_t=$1; shift
	until "$@" 2>/dev/null; do
		_t=$((_t - 1)); [ $_t -gt 0 ] || return 1
		sleep 0.05
	done
}

echo '{"id":"s1","phone":"+447700900201","opt_in":true}' >"$TMP/s1.jsonl"
env WA_TOKEN="$TOKEN" WA_API_URL="$SLOW" wa-send -c settle -t hello "$TMP/s1.jsonl" >"$TMP/o1" 2>/dev/null &
BG=$!
# killed once the mock has the request (it logs before it waits), the answer not back yet
wait_for 400 test -s "$TMP/slow.log"
kill -9 $BG
wait $BG 2>/dev/null
check_same "killed after its attempt: the key's outcome is unknown" "attempt" \
	"$(jq -r 'select(.key == "settle/s1") | .event' "$LEDGER" | tail -1)"
wait_for 600 grep -q sent "$TMP/sink.jsonl"
statuses >"$TMP/events.jsonl"
check_same "the mock took the message and its webhook says sent" "1 sent" \
	"$(lines "$TMP/slow.log") $(jq -r 'select(.key == "settle/s1") | .status' "$TMP/events.jsonl" | head -1)"

ws "$SLOW" --events /nonexistent/events.jsonl "$TMP/s1.jsonl" >"$TMP/o2" 2>/dev/null
check_same "without the events: still unknown, not sent again" "1 unknown attempted_before" \
	"$? $(ev "$TMP/o2" s1)"
ws "$SLOW" --events "$TMP/events.jsonl" "$TMP/s1.jsonl" >"$TMP/o3" 2>"$TMP/e3"
check_same "with the events: settled, skipped as sent, exit 0" "0 skipped already_sent" \
	"$? $(ev "$TMP/o3" s1)"
check_same "the mock got it once" 1 "$(lines "$TMP/slow.log")"
check_same "the ledger says sent, with the wamid, via the webhook" \
	"$(jq -r .wamid "$TMP/slow.log") webhook" \
	"$(jq -r 'select(.key == "settle/s1" and .event == "sent") | "\(.wamid) \(.via)"' "$LEDGER")"
check "the settling is said on stderr, the whole line" \
	grep -qx "wa-send: 1 unknown outcomes settled from $TMP/events.jsonl" "$TMP/e3"

# Answers lost on the way back; the statuses written by hand, Meta's "errors" shape too.
cat >"$TMP/s2.jsonl" <<'EOF'
{"id":"s2","phone":"+447700900202","opt_in":true}
{"id":"s3","phone":"+447700900203","opt_in":true}
{"id":"s4","phone":"+447700900204","opt_in":true}
{"id":"s5","phone":"+447700900205","opt_in":true}
EOF
ws "$DROP" --max-retries 0 "$TMP/s2.jsonl" >"$TMP/o4" 2>/dev/null
check_same "four answers lost: unknown" "unknown|unknown|unknown|unknown" \
	"$(for i in 2 3 4 5; do ev "$TMP/o4" s$i | cut -d' ' -f1; done | paste -sd'|' -)"
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat >"$WA_HOME/events.jsonl" <<EOF
{"event":"message","wamid":"wamid.IN","from":"+447700900202","at":"$now","type":"text","text":"hi"}
{"event":"status","key":"settle/s2","status":"failed","wamid":"wamid.S2","at":"$now","error":{"code":131026,"title":"Message undeliverable"}}
{"event":"status","key":"settle/s3","status":"sent","wamid":"wamid.S3","at":"$now"}
{"event":"status","key":"settle/s3","status":"failed","wamid":"wamid.S3","at":"$now","errors":[{"code":131000,"title":"Something went wrong"}]}
{"event":"status","key":"settle/s4","status":"failed","wamid":"wamid.S4","at":"$now"}
{"event":"status","key":"settle/s4","status":"delivered","wamid":"wamid.S4","at":"$now"}
{"event":"status","key":"settle/s5","status":"delivered","wamid":"wamid.OLD","at":"2020-01-01T00:00:00Z"}
not json
EOF
n=$(lines "$TMP/drop.log")
ws "$DROP" "$TMP/s2.jsonl" >"$TMP/o5" 2>/dev/null
check_same "from \$WA_HOME/events.jsonl: failed 131026 for good, a transient failure sent again, delivered wins, an old status is not this send's" \
	"skipped failed_before|unknown unknown|skipped already_sent|unknown attempted_before" \
	"$(for i in 2 3 4 5; do ev "$TMP/o5" s$i; done | paste -sd'|' -)"
check_same "only the transient failure went out again" "$((n + 1)) settle/s3" \
	"$(lines "$TMP/drop.log") $(tail -1 "$TMP/drop.log" | jq -r .key)"
check_same "the failed entries carry their class" "recipient false|transient true" \
	"$(jq -r 'select(.via and .event == "failed") | "\(.error.class) \(.retry)"' "$LEDGER" | sort | paste -sd'|' -)"

# A dry run settles in memory only.
cp "$LEDGER" "$TMP/ledger.before"
echo '{"event":"status","key":"settle/s5","status":"read","wamid":"wamid.S5","at":"'"$now"'"}' >>"$WA_HOME/events.jsonl"
env -u WA_TOKEN wa-send --dry-run -c settle -t hello "$TMP/s2.jsonl" >"$TMP/o6" 2>/dev/null
check_same "--dry-run: settled in memory, the ledger untouched" "skipped already_sent 0" \
	"$(ev "$TMP/o6" s5) $(cmp -s "$LEDGER" "$TMP/ledger.before"; echo $?)"

done_testing
