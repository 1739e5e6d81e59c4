#!/bin/sh
# wa-send --reply: wa-hook message events answered inside their 24-hour window, once per campaign.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never a real secret.
TOKEN=test-token-$$
WA_PHONE_NUMBER_ID=106540352242922
export WA_PHONE_NUMBER_ID
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT

# The mock learns who wrote from the same events wa-send answers: a free-form
# answer outside their window is 131047. Its clock starts a minute before
# wa-send's fixed --now, since it runs on from there (A6 wrote 23:59:59 before).
WA_NOW=2026-11-23T11:59:00Z WA_TOKEN=$TOKEN start_mock reply --inbound "$TMP/events.jsonl" -o "$TMP/log.jsonl" ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
URL=http://127.0.0.1:$PORT/v21.0

# wr ARGS...: wa-send --reply against the mock, the clock fixed
wr() { WA_TOKEN=$TOKEN WA_API_URL=$URL wa-send --reply --now 2026-11-23T12:00:00Z "$@"; }

mkdir -p "$WA_HOME"
printf '%s\n' +447700900199 >"$WA_HOME/suppress.txt"
cat >"$TMP/events.jsonl" <<'EOF2'
{"event":"message","wamid":"wamid.A1","from":"+447700900101","name":"Ana","at":"2026-11-23T10:00:00Z","type":"text","text":"hi"}
{"event":"status","key":"promo/1","status":"delivered","wamid":"wamid.OURS","at":"2026-11-23T10:00:01Z"}
{"event":"message","wamid":"wamid.A2","user_id":"US.13491208655302741918","at":"2026-11-23T10:01:00Z","type":"text","text":"hello"}
{"event":"message","wamid":"wamid.A3","from":"+447700900103","name":"Cy","at":"2026-11-22T11:59:59Z","type":"text","text":"late"}
{"event":"message","wamid":"wamid.A4","from":"+447700900199","name":"Di","at":"2026-11-23T11:00:00Z","type":"text","text":"hey"}
{"event":"opt_in","from":"+447700900105","at":"2026-11-23T11:01:00Z"}
{"event":"message","wamid":"wamid.A5","from":"+447700900105","at":"2026-11-23T11:02:00Z","type":"text","text":"price?","context":"wamid.OURS"}
{"event":"message","wamid":"wamid.A1","from":"+447700900101","name":"Ana","at":"2026-11-23T10:00:00Z","type":"text","text":"hi"}
{"event":"message","wamid":"wamid.A6","from":"+447700900106","at":"2026-11-22T12:00:01Z","type":"image"}
EOF2
wr -c auto -m 'Hi {{name|there}}, we got: {{text|your picture}}' "$TMP/events.jsonl" >"$TMP/out1" 2>"$TMP/err1"
check_same "--reply: exit 0" 0 $?
check_same "--reply: an event line per message, none for other events" 7 "$(lines "$TMP/out1")"
check_same "--reply: by inbound wamid" \
	"sent|skipped no_phone|skipped window_closed|skipped suppressed|sent|sent" \
	"$(for i in 1 2 3 4 5 6; do ev "$TMP/out1" wamid.A$i | sort | head -1; done | paste -sd'|' -)"
check_same "--reply: a duplicate inbound message is answered once" "sent skipped already_sent" \
	"$(ev "$TMP/out1" wamid.A1 | sort | paste -sd' ' -)"
check_same "--reply: answered at from, filled from the event, keyed by the inbound wamid" \
	'+447700900101 Hi Ana, we got: hi auto/wamid.A1
+447700900105 Hi there, we got: price? auto/wamid.A5
+447700900106 Hi there, we got: your picture auto/wamid.A6' \
	"$(jq -r '"\(.to) \(.text) \(.key)"' "$TMP/log.jsonl" | sort)"
check "--reply: the other events are counted on stderr" grep -q ', 2 other events$' "$TMP/err1"

wr -c auto -m 'Hi {{name|there}}' "$TMP/events.jsonl" >"$TMP/out2" 2>/dev/null
check_same "--reply again: nothing is answered twice" "0 3 skipped already_sent" \
	"$? $(lines "$TMP/log.jsonl") $(ev "$TMP/out2" wamid.A5)"

head -1 "$TMP/events.jsonl" >"$TMP/one.jsonl"
WA_NOW=2026-11-24T09:59:59Z WA_TOKEN=$TOKEN WA_API_URL=$URL wa-send --reply -c keyword -t hello \
	"$TMP/one.jsonl" >"$TMP/out3" 2>/dev/null
check_same "--reply: another campaign answers the same message once more, a template too" \
	"sent keyword/wamid.A1 hello" \
	"$(ev "$TMP/out3" wamid.A1) $(jq -r 'select(.key == "keyword/wamid.A1") | "\(.key) \(.template)"' "$TMP/log.jsonl")"
WA_NOW=2026-11-24T10:00:00Z WA_TOKEN=$TOKEN WA_API_URL=$URL wa-send --reply -c late -t hello \
	"$TMP/one.jsonl" >"$TMP/out4" 2>/dev/null
check_same "--reply: 24 hours after 'at', by WA_NOW, the window is closed" "skipped window_closed" \
	"$(ev "$TMP/out4" wamid.A1)"

cat >"$TMP/bad.jsonl" <<'EOF2'
{"event":"message","from":"+447700900107","at":"2026-11-23T10:00:00Z","type":"text","text":"no id"}
{"event":"message","wamid":"wamid.B2","from":"+447700900108","type":"text","text":"no time"}
EOF2
wr -c auto -m 'Hi' --rejects "$TMP/rej.jsonl" "$TMP/bad.jsonl" >"$TMP/out5" 2>/dev/null
check_same "--reply: no wamid or no time fails locally, exit 1" "1 2 2" \
	"$? $(jq -c 'select(.event == "failed" and .error.class == "local")' "$TMP/out5" | wc -l | tr -d ' ') $(lines "$TMP/rej.jsonl")"
check_same "--reply: nothing was sent for them" 4 "$(lines "$TMP/log.jsonl")"

done_testing
