#!/bin/sh
# The ledger's index (ledger.jsonl.idx): deleted, corrupted, or stale after a hand edit of the
# ledger, it is rebuilt and wa-send skips exactly the same keys; a run killed with -9 after its
# ledger append loses nothing and sends nothing twice; wa-forget leaves no number in it.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never a real secret.
TOKEN=test-token-$$
WA_PHONE_NUMBER_ID=106540352242922
export WA_PHONE_NUMBER_ID
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
mkdir -p "$WA_HOME"
L=$WA_HOME/ledger.jsonl
IX=$L.idx
export WA_NOW=2026-10-03T12:00:00Z

# The ledger: 1,500 entries of another campaign around the 40 keys of "bench", in
# every state (sent, sent after a retry, refused for good, attempted with no outcome,
# retryable, held out, held until a time); the other campaign has twice tried the
# numbers of b20 to b29 this week (--cap 2/7d), and b40 to b44 share the numbers of b0
# to b4 under other ids (one message per user and campaign).
awk -v recs="$TMP/recs.jsonl" 'BEGIN {
	for (i = 0; i < 1500; i++) {
		if (i % 35 == 17 && b < 40) bench(b++)
		printf "{\"event\":\"attempt\",\"key\":\"other/o%d\",\"campaign\":\"other\",\"id\":\"o%d\",\"to\":\"+447700900%03d\",\"at\":\"2026-10-02T10:00:00Z\"}\n", i, i, 120 + i % 10
		if (i < 20) printf "{\"event\":\"attempt\",\"key\":\"other/p%d\",\"campaign\":\"other\",\"id\":\"p%d\",\"to\":\"+447700900%03d\",\"at\":\"2026-10-02T11:00:00Z\"}\n", i, i, 20 + i % 10
		printf "{\"event\":\"sent\",\"key\":\"other/o%d\",\"wamid\":\"wamid.O%d\",\"at\":\"2026-10-02T10:00:01Z\"}\n", i, i
	}
	for (; b < 40; b++) bench(b)
	for (b = 0; b < 60; b++)
		printf "{\"id\":\"b%d\",\"phone\":\"+447700900%03d\",\"opt_in\":true}\n", b, (b >= 40 && b < 45 ? b - 40 : b) >recs
}
function entry(b, ev, extra) {
	printf "{\"event\":\"%s\",\"key\":\"bench/b%d\",\"campaign\":\"bench\",\"id\":\"b%d\",\"to\":\"+447700900%03d\",\"at\":\"2026-10-01T10:00:00Z\"%s}\n", ev, b, b, b, extra
}
function bench(b, k) {
	k = b % 8
	if (k == 7) { entry(b, "held_out", ""); return }
	entry(b, "attempt", "")
	if (k == 3) { entry(b, "failed", ",\"retry\":true"); entry(b, "attempt", "") }
	if (k <= 3) entry(b, "sent", ",\"wamid\":\"wamid.B" b "\"")
	else if (k == 4) entry(b, "failed", ",\"retry\":false")
	else if (k == 6) entry(b, "failed", ",\"retry\":true")
	if (k == 5 && b % 16 == 13) entry(b, "failed", ",\"retry\":false,\"until\":\"2026-10-05T00:00:00Z\"")
}' >"$L"
# decide: each record's decision in a dry run, sorted, as "id event-or-reason"
decide() {
	wa-send --dry-run -q -c bench -t hello --no-check --cap 2/7d "$TMP/recs.jsonl" 2>"$TMP/derr" |
		jq -r '"\(.id) \(.reason // .event)"' | sort
}
# same TITLE EXPECTED-FILE FILE
same() { check_file "$1" "$3" <"$2"; }
# fresh: the decisions of a rebuild from the ledger, the index removed first
fresh() { rm -f "$IX"; decide; }

check_same "no index yet" "" "$(ls "$WA_HOME" | grep idx)"
decide >"$TMP/d0"
check_same "a first run builds the index" "yes" "$([ -s "$IX" ] && echo yes)"
check_same "every state decides as the ledger says" \
	"already_sent 20 attempted_before 3 cap 2 dry_run 20 duplicate_recipient 3 failed_before 7 held_out 5" \
	"$(awk '{ print $2 }' "$TMP/d0" | sort | uniq -c | awk '{ printf "%s%s %s", s, $2, $1; s = " " }')"
decide >"$TMP/d1"
same "read back from the index: the same keys skipped" "$TMP/d0" "$TMP/d1"

fresh >"$TMP/d"
same "deleted: rebuilt, the same" "$TMP/d0" "$TMP/d"
check_same "and there again" "yes" "$([ -s "$IX" ] && echo yes)"
size=$(wc -c <"$IX" | tr -d ' ')
head -c "$size" /dev/urandom >"$IX"
decide >"$TMP/d"
same "random bytes: rebuilt, the same" "$TMP/d0" "$TMP/d"
head -c $((size / 2)) "$IX" >"$TMP/half" && mv "$TMP/half" "$IX"
decide >"$TMP/d"
same "truncated to half: rebuilt, the same" "$TMP/d0" "$TMP/d"
head -c 100 "$IX" >"$TMP/half" && mv "$TMP/half" "$IX"
decide >"$TMP/d"
same "truncated inside its header: rebuilt, the same" "$TMP/d0" "$TMP/d"
printf 'XXXXXXXX' | dd of="$IX" bs=1 seek=40 conv=notrunc 2>/dev/null
decide >"$TMP/d"
same "a damaged header: rebuilt, the same" "$TMP/d0" "$TMP/d"
: >"$IX"
decide >"$TMP/d"
same "empty: rebuilt, the same" "$TMP/d0" "$TMP/d"

# Hand edits of the ledger: each decision is the one a rebuild makes.
decide >/dev/null
cp "$L" "$TMP/ledger.orig"
printf '{"event":"attempt","key":"bench/b50","to":"+447700900050","at":"2026-10-03T10:00:00Z"}\n{"event":"sent","key":"bench/b50","at":"2026-10-03T10:00:01Z"}\n' >>"$L"
decide >"$TMP/d"
check_same "an append: caught up from the tail" "b50 already_sent" "$(grep '^b50 ' "$TMP/d")"
fresh >"$TMP/f"
same "as a rebuild decides" "$TMP/f" "$TMP/d"
cp "$TMP/ledger.orig" "$TMP/l" && cat "$TMP/l" >"$L"	# the same file, shorter
decide >"$TMP/d"
same "truncated back: as before the append" "$TMP/d0" "$TMP/d"
# the middle, beyond the checksummed ends, in place, the same size: b18's "sent"
# becomes "held_out", its wamid 4 bytes shorter to make up
line=$(grep '"event":"sent","key":"bench/b18"' "$L")
off=$(grep -b '"event":"sent","key":"bench/b18"' "$L" | cut -d: -f1)
check_same "the edited line is in the middle" "yes" \
	"$([ "$off" -gt 20000 ] && [ $(($(wc -c <"$L") - off)) -gt 20000 ] && echo yes)"
printf '%s' "$line" | sed 's/"event":"sent"/"event":"held_out"/; s/"wamid.B18"/"wamid"/' |
	dd of="$L" bs=1 seek="$off" conv=notrunc 2>/dev/null
check_same "a same-size edit keeps the size" "$(wc -c <"$TMP/ledger.orig")" "$(wc -c <"$L")"
decide >"$TMP/d"
check_same "changed in the middle, in place: rebuilt" "b18 held_out" "$(grep '^b18 ' "$TMP/d")"
fresh >"$TMP/f"
same "as a rebuild decides" "$TMP/f" "$TMP/d"
sed 's/"event":"held_out","key":"bench\/b15"/"event":"sent","key":"bench\/b15"/' "$TMP/ledger.orig" >"$L.new" &&
	mv "$L.new" "$L"
decide >"$TMP/d"
check_same "changed in the middle, rewritten: rebuilt" "b15 already_sent" "$(grep '^b15 ' "$TMP/d")"
fresh >"$TMP/f"
same "as a rebuild decides" "$TMP/f" "$TMP/d"
cat "$TMP/ledger.orig" >"$L"
printf '{"event":"attempt","key":"bench/b51","to":"+4477' >>"$L"
decide >"$TMP/d"
same "a torn last line: ignored" "$TMP/d0" "$TMP/d"

# Real sends.
WA_TOKEN=$TOKEN start_mock m -o "$TMP/mock.log" ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
export WA_API_URL=http://127.0.0.1:$PORT/v21.0
ws() { WA_TOKEN=$TOKEN wa-send -q -c bench -t hello --no-check --cap 2/7d "$@"; }
ws "$TMP/recs.jsonl" >"$TMP/s1" 2>"$TMP/e1"
check_same "a run cuts the torn line and sends the 20 new ones" "20" "$(lines "$TMP/mock.log")"
check_same "the torn line is gone" "" "$(tail -c 1 "$L" | tr -d '\n')"
decide >"$TMP/d"
fresh >"$TMP/f"
same "its index says what a rebuild says" "$TMP/f" "$TMP/d"
check_same "now sent" "already_sent 40" \
	"$(awk '$2 == "already_sent"' "$TMP/d" | wc -l | awk '{ print "already_sent", $1 }')"

# Killed between its ledger append and its index update: the index is
# left as it was before the run, the ledger has the run's entries.
printf '{"id":"n%d","phone":"+44770090%04d","opt_in":true}\n' 1 1001 2 1002 3 1003 >"$TMP/new.jsonl"
cp "$IX" "$TMP/ix.before"
ws "$TMP/new.jsonl" >/dev/null 2>&1
check_same "three more sent" "23" "$(lines "$TMP/mock.log")"
cp "$TMP/ix.before" "$IX"
ws "$TMP/new.jsonl" "$TMP/recs.jsonl" >"$TMP/s2" 2>&1
check_same "the index behind the ledger: caught up, nothing sent twice" "23" "$(lines "$TMP/mock.log")"
check_same "the three are already sent" "3" "$(grep -c '"id":"n[123]".*already_sent' "$TMP/s2")"

# Killed -9 at random points of runs of 300 records: then nothing is sent twice, and the
# index decides as a rebuild does.
awk 'BEGIN { for (i = 0; i < 300; i++)
	printf "{\"id\":\"k%d\",\"phone\":\"+4477009%05d\",\"opt_in\":true}\n", i, 10000 + i }' >"$TMP/k.jsonl"
kill $PID
WA_TOKEN=$TOKEN start_mock k --latency 20 -o "$TMP/k.log" ||
	{ echo "Bail out! bin/mock-graph did not start"; exit 1; }
export WA_API_URL=http://127.0.0.1:$PORT/v21.0
i=0
while [ $i -lt 8 ]; do
	WA_TOKEN=$TOKEN wa-send -q -c kill -t hello --no-check --rate 300 "$TMP/k.jsonl" >/dev/null 2>&1 &
	BG=$!
	sleep "0.$(printf '%03d' $((20 + $(od -An -N2 -tu2 /dev/urandom) % 200)))"
	kill -9 $BG 2>/dev/null
	wait $BG 2>/dev/null
	i=$((i + 1))
done
kd() { wa-send --dry-run -q -c kill -t hello --no-check "$TMP/k.jsonl" 2>/dev/null | jq -r '"\(.id) \(.reason // .event)"' | sort; }
kd >"$TMP/kd"
rm -f "$IX"
kd >"$TMP/kf"
same "after 8 kill -9s the index decides as a rebuild" "$TMP/kf" "$TMP/kd"
WA_TOKEN=$TOKEN wa-send -c kill -t hello --no-check --rate 1000 "$TMP/k.jsonl" >"$TMP/kl" 2>/dev/null
check_same "a last run: no key twice in the mock's log" "" \
	"$(jq -r .key "$TMP/k.log" | sort | uniq -d | head -3)"
check_same "each record sent, already sent, or attempted before by a killed run" "" \
	"$(jq -r 'select(.event != "sent" and .reason != "already_sent" and .reason != "attempted_before") | .id' "$TMP/kl" | head -3)"
check_same "what it calls sent, the mock has" "" \
	"$(jq -r 'select(.event == "sent" or .reason == "already_sent") | "kill/\(.id)"' "$TMP/kl" | sort |
		comm -23 - "$(jq -r .key "$TMP/k.log" | sort >"$TMP/kk"; echo "$TMP/kk")" | head -3)"

# wa-forget rewrites the ledger: the number must not survive in the index.
grep -aq '+447700900001' "$IX"
_result $? "the index holds b1's number"
wa-forget +447700900001 >/dev/null 2>"$TMP/ferr"
check_same "wa-forget: no index left behind" "no" "$([ -e "$IX" ] && echo yes || echo no)"
check_same "and no word about it" "" "$(grep idx "$TMP/ferr")"
decide >/dev/null
grep -aq '+447700900001' "$IX"
check_same "rebuilt without the number" 1 $?
done_testing
