#!/bin/sh
# Exactly once whatever the API answers: a 200 whose body is not the success shape and a 504 HTML
# page after the message was taken are unknown, never sent again without --retry-unknown, and
# settled from the webhook statuses.
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
# dups LOG: keys the mock took more than once
dups() { jq -r .key "$1" | sort | uniq -d | head -3; }
# count FILE JQ-FILTER: how many lines of FILE pass the filter
count() { jq -c "select($2)" "$1" | wc -l | tr -d ' '; }

awk 'BEGIN { for (i = 0; i < 1000; i++)
	printf "{\"id\":\"u%d\",\"phone\":\"+4477009%05d\",\"opt_in\":true}\n", i, i }' >"$TMP/c.jsonl"

start_mock sink --sink "$TMP/sink.jsonl" ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
HOOK=http://127.0.0.1:$PORT/webhook
# A third of the messages taken get a 200 with {"message_id"}, a third a 504 page; and 10% of
# all requests a 5xx before anything is taken (half Graph's error JSON, half HTML).
WA_TOKEN=$TOKEN start_mock odd --odd-after-accept 0.33 --504-after-accept 0.33 --fail-5xx 0.1 \
	--seed 5 --webhook "$HOOK" --webhook-delay 10 --read 0 --reply 0 -o "$TMP/mock.log" ||
	{ echo "Bail out! bin/mock-graph did not start"; exit 1; }
export WA_API_URL=http://127.0.0.1:$PORT/v21.0
ws() { WA_TOKEN=$TOKEN wa-send -c once -t hello --rate 1000 "$@"; }

ws "$TMP/c.jsonl" >"$TMP/o1" 2>"$TMP/e1"
check_same "1,000 records: exit 1, one event each" "1 1000" "$? $(lines "$TMP/o1")"
check_same "no key twice in the mock's log" "" "$(dups "$TMP/mock.log")"
odd=$(count "$TMP/o1" '.event == "unknown" and .error.title == "unexpected JSON answer (HTTP 200)"')
gw=$(count "$TMP/o1" '.event == "unknown" and .error.title == "no JSON answer (HTTP 504)"')
[ "$odd" -gt 250 ] && [ "$gw" -gt 250 ]
_result $? "the odd 200s ($odd) and the 504 pages ($gw) are unknown"
jq -r 'select(.event == "sent") | "once/\(.id)"' "$TMP/o1" | sort >"$TMP/sent.keys"
jq -r .key "$TMP/mock.log" | sort >"$TMP/mock.keys"
jq -r 'select(.event == "unknown") | "once/\(.id)"' "$TMP/o1" | sort >"$TMP/unk.keys"
check_same "every key the mock took and did not answer as sent is unknown" "" \
	"$(comm -23 "$TMP/mock.keys" "$TMP/sent.keys" | comm -23 - "$TMP/unk.keys" | head -3)"
check_same "and unknown in the ledger" "" \
	"$(jq -r 'select(.key | startswith("once/")) | "\(.key) \(.event)"' "$LEDGER" |
		awk '{ last[$1] = $2 } END { for (k in last) print k, last[k] }' | sort |
		join "$TMP/unk.keys" - | awk '$2 != "unknown"' | head -3)"
check_same "5xx with Graph's error object are retried: none ends failed" 0 \
	"$(count "$TMP/o1" '.event == "failed"')"
unk=$(lines "$TMP/unk.keys")
check_same "every record is sent or unknown" 1000 "$(($(lines "$TMP/sent.keys") + unk))"

n=$(lines "$TMP/mock.log")
ws --events /nonexistent "$TMP/c.jsonl" >"$TMP/o2" 2>"$TMP/e2"
check_same "a second run without --retry-unknown: exit 1, sends nothing" "1 $n" "$? $(lines "$TMP/mock.log")"
check_same "the unknown keys are reported attempted_before" "$unk" \
	"$(count "$TMP/o2" '.event == "unknown" and .reason == "attempted_before"')"

# The statuses of the messages taken come by webhook: they settle their keys as sent.
i=0
until [ "$(jq -r '.body' "$TMP/sink.jsonl" 2>/dev/null | grep -c '"status":"delivered"')" -ge "$n" ] ||
	[ $i -gt 400 ]; do sleep 0.05; i=$((i + 1)); done
jq -c '.body | fromjson | .entry[].changes[].value.statuses[]? |
	{event: "status", key: .biz_opaque_callback_data, status, wamid: .id,
	 at: (.timestamp | tonumber | todate)}' "$TMP/sink.jsonl" >"$TMP/events.jsonl"
ws --events "$TMP/events.jsonl" "$TMP/c.jsonl" >"$TMP/o3" 2>"$TMP/e3"
st=$?
never=$((1000 - n))
check_same "with the statuses: the keys the mock took are settled as sent" \
	"$((n - $(lines "$TMP/sent.keys"))) unknown outcomes settled" \
	"$(sed -n 's/^wa-send: \([0-9]*\) unknown outcomes settled from .*/\1 unknown outcomes settled/p' "$TMP/e3")"
check_same "and skipped as already sent; those never taken stay unknown" "$st $n $never" \
	"$([ $never -gt 0 ] && echo 1 || echo 0) $(count "$TMP/o3" '.reason == "already_sent"') $(count "$TMP/o3" '.reason == "attempted_before"')"
ws --events "$TMP/events.jsonl" --retry-unknown "$TMP/c.jsonl" >"$TMP/o4" 2>"$TMP/e4"
check_same "--retry-unknown tries only those never taken, and none twice" " $never" \
	"$(dups "$TMP/mock.log") $(count "$TMP/o4" '.event == "sent" or (.event == "unknown" and .reason == null)')"
done_testing
