#!/bin/sh
# Rotation: the spool, the ledger and the inbox log roll into dated gzipped segments (by size,
# month and SIGHUP) under load, readers across segments equal readers of the un-rotated files,
# --since skips old segments unread, dedupe and wa-forget hold across a roll.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never real secrets.
WA_APP_SECRET=app-secret-$$
WA_VERIFY_TOKEN=verify-$$
TOKEN=test-token-$$
WA_PHONE_NUMBER_ID=106540352242922
export WA_APP_SECRET WA_VERIFY_TOKEN WA_PHONE_NUMBER_ID
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
mkdir -p "$WA_HOME"
EV=$WA_HOME/events.jsonl
L=$WA_HOME/ledger.jsonl
PY=/usr/bin/python3
M=$(date -u +%Y-%m)	# the spool's segments take the month of its last write

# all DIR: every line of DIR's segments and of the live file, as they lie on disk (zcat -f)
all() { cat "$WA_HOME/$1"/*.jsonl* "$WA_HOME/$1.jsonl" 2>/dev/null | zcat -f; }
nseg() { find "$WA_HOME/$1" -name '*.jsonl.gz' 2>/dev/null | wc -l | tr -d ' '; }

# load PORT FIRST N TS THREADS: N signed message webhooks, wamid.FIRST on, at Unix time TS (a
# second apart), from THREADS threads at once; prints the wamids acknowledged with 200
cat >"$TMP/load.py" <<'EOF'
import hashlib, hmac, json, os, sys, threading, urllib.request
port, first, n, ts, nthreads = (int(a) for a in sys.argv[1:6])
secret = os.environ["WA_APP_SECRET"].encode()
acked, lock = [], threading.Lock()
def one(i):
    wamid = "wamid.%d" % i
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
        {"field": "messages", "value": {"messaging_product": "whatsapp",
         "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
         "contacts": [{"profile": {"name": "C"}, "wa_id": "4477009000%02d" % (i % 6 + 1)}],
         "messages": [{"from": "4477009000%02d" % (i % 6 + 1), "id": wamid,
                       "timestamp": str(ts + i - first), "type": "text",
                       "text": {"body": "hello %d" % i}}]}}]}]}).encode()
    sig = hmac.new(secret, body, hashlib.sha256).hexdigest()
    req = urllib.request.Request("http://127.0.0.1:%d/webhook" % port, data=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=" + sig})
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            if r.status == 200:
                with lock:
                    acked.append(wamid)
    except Exception:
        pass
def work(k):
    for i in range(first + k, first + n, nthreads):
        one(i)
ts_ = [threading.Thread(target=work, args=(k,)) for k in range(nthreads)]
for t in ts_: t.start()
for t in ts_: t.join()
print("\n".join(acked))
EOF

# --- the spool: a roll by SIGHUP between old and new events, then rolls by size and SIGHUP under load
start_hook h1 --roll-size 4K -o - ||
	{ echo "Bail out! bin/wa-hook did not start"; exit 1; }
# 2026-11-02T10:00:00Z on: November's events
$PY "$TMP/load.py" "$HPORT" 1 20 1793613600 2 >"$TMP/acked"
kill -HUP "$HPID"
i=0; until [ "$(nseg events)" -ge 1 ] || [ $i -gt 100 ]; do sleep 0.05; i=$((i + 1)); done
check_same "SIGHUP rolls the spool into events/$M.jsonl.gz, the month of its last write" \
	"$M.jsonl.gz 0" "$(ls "$WA_HOME/events" | grep jsonl) $(wc -c <"$EV" | tr -d ' ')"
# 2026-12-05T10:00:00Z on, 400 events from 8 threads, SIGHUPs meanwhile
$PY "$TMP/load.py" "$HPORT" 1001 400 1796464800 8 >>"$TMP/acked" &
LP=$!
for s in 1 2 3 4 5 6; do sleep 0.2; kill -HUP "$HPID"; done
wait $LP
kill "$HPID"; wait "$HPID"
check_same "wa-hook acknowledged all 420 events through the rolls" 420 "$(lines "$TMP/acked")"
check "and rolled more than once by size and SIGHUP" test "$(nseg events)" -ge 4
sort "$TMP/acked" >"$TMP/acked.s"
check_same "every acknowledged event is in exactly one segment or the live file, once" "420 420 420" \
	"$(all events | lines /dev/stdin) $(all events | jq -r .wamid | sort | uniq -u | wc -l | tr -d ' ') $(all events | jq -r .wamid | sort -u | comm -12 - "$TMP/acked.s" | wc -l | tr -d ' ')"
check_same "no plain segment is left after wa-hook stops: all gzipped, each in the index" \
	"0 $(nseg events)" "$(ls "$WA_HOME/events" | grep -c 'jsonl$') $(lines "$WA_HOME/events/index")"
check_same "a second roll in the month is NAME.2, then .3: in roll order" \
	"$M.jsonl.gz $M.2.jsonl.gz $M.3.jsonl.gz" \
	"$(ls "$WA_HOME/events" | grep -E "^$M(\\.[23])?\\.jsonl\\.gz\$" | sort -t. -k2,2n | paste -sd' ' -)"
check_same "wa-events reads the stream as wa-hook -o wrote it, in order" \
	"$(cat "$TMP/h1.out" | jq -c .)" "$(wa-events | jq -c .)"
check_same "wa-events --since: only the lines from then, old segments unopened" 400 \
	"$(wa-events --since 2026-12-01 | lines /dev/stdin)"

# --- dedupe across a roll: a webhook delivered again after the roll, and after a restart
start_hook h2 --roll-size 4K ||
	{ echo "Bail out! bin/wa-hook did not start"; exit 1; }
$PY "$TMP/load.py" "$HPORT" 1 3 1793613600 1 >"$TMP/again"
kill -HUP "$HPID"; sleep 0.2
$PY "$TMP/load.py" "$HPORT" 1001 3 1796464800 1 >>"$TMP/again"
kill "$HPID"; wait "$HPID"
check_same "events redelivered after a roll and a restart: acknowledged, none stored again" "6 420" \
	"$(lines "$TMP/again") $(all events | lines /dev/stdin)"
grep -q '0 events stored, 6 duplicates dropped' "$TMP/h2.err"
_result $? "wa-hook counts them as duplicates"

# --- the ledger: a month roll, a size roll, and wa-send's dedupe across them
WA_TOKEN=$TOKEN start_mock m -o "$TMP/mock.jsonl" ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
export WA_API_URL=http://127.0.0.1:$PORT/v21.0
ws() { WA_TOKEN=$TOKEN wa-send -q -t hello "$@"; }
for i in 1 2 3 4 5 6; do
	printf '{"id":"c%s","phone":"+4477009000%02d","opt_in":true}\n' "$i" "$i"
done >"$TMP/c.jsonl"
ws -c nov --now 2026-11-10T10:00:00Z "$TMP/c.jsonl" >"$TMP/s1"
ws -c dec --now 2026-12-06T10:00:00Z "$TMP/c.jsonl" >"$TMP/s2"
check_same "a run in a new month rolls the ledger into ledger/2026-11.jsonl.gz" \
	"2026-11.jsonl.gz 12 12" \
	"$(ls "$WA_HOME/ledger" | grep jsonl) $(zcat "$WA_HOME/ledger/2026-11.jsonl.gz" | lines /dev/stdin) $(lines "$L")"
ws -c nov --now 2026-12-06T11:00:00Z "$TMP/c.jsonl" >"$TMP/s3"
check_same "the campaign run again after the roll: all already sent, nothing to the API" \
	"6 12" "$(grep -c already_sent "$TMP/s3") $(lines "$TMP/mock.jsonl")"
rm "$L.idx"
ws -c nov --now 2026-12-06T12:00:00Z "$TMP/c.jsonl" >"$TMP/s4"
check_same "and with the index rebuilt: the keys of the segment are known" \
	"6 12" "$(grep -c already_sent "$TMP/s4") $(lines "$TMP/mock.jsonl")"
ws -c big --roll-size 1K --now 2026-12-06T13:00:00Z "$TMP/c.jsonl" >"$TMP/s5"
ws -c big --roll-size 1K --now 2026-12-06T14:00:00Z "$TMP/c.jsonl" >"$TMP/s6"
check_same "--roll-size rolls within the month; a rerun is skipped all the same" "6 18" \
	"$(grep -c already_sent "$TMP/s6") $(lines "$TMP/mock.jsonl")"
check "the size roll made ledger/2026-12.jsonl.gz, then .2" test -f "$WA_HOME/ledger/2026-12.jsonl.gz"

# --- readers across segments equal readers of the un-rotated files
mkdir -p "$TMP/flat"
cp "$TMP/h1.out" "$TMP/flat/events.jsonl"
{ zcat "$WA_HOME/ledger/2026-11.jsonl.gz"; for f in "$WA_HOME"/ledger/2026-12*.gz; do zcat "$f"; done; cat "$L"; } >"$TMP/flat/ledger.jsonl"
check_same "the ledger's segments hold every entry once" "$(lines "$TMP/flat/ledger.jsonl")" \
	"$(wa-events "$L" | lines /dev/stdin)"
for args in "" "--since 2026-12-01" "-b day --since 2026-11-01 --until 2026-12-01"; do
	# shellcheck disable=SC2086
	wa-report -o json --now 2026-12-07T00:00:00Z $args >"$TMP/r.rot" 2>&1
	# shellcheck disable=SC2086
	wa-report -o json --now 2026-12-07T00:00:00Z $args --events "$TMP/flat/events.jsonl" \
		--ledger "$TMP/flat/ledger.jsonl" >"$TMP/r.flat" 2>&1
	check_same "wa-report $args across segments equals it on the un-rotated files" \
		"$(cat "$TMP/r.flat")" "$(cat "$TMP/r.rot")"
done
check "and the report is not empty" test -s "$TMP/r.rot"
wa-inbox list -o json --now 2026-12-07T00:00:00Z >"$TMP/i.rot" 2>&1
wa-inbox list -o json --now 2026-12-07T00:00:00Z --events "$TMP/flat/events.jsonl" \
	--ledger "$TMP/flat/ledger.jsonl" >"$TMP/i.flat" 2>&1
check_same "wa-inbox list across segments equals it on the un-rotated files" \
	"$(cat "$TMP/i.flat")" "$(cat "$TMP/i.rot")"

# --- --since skips a segment outside its window unread: a broken one does not matter then
cp "$WA_HOME/events/$M.jsonl.gz" "$TMP/seg.bak"
head -c 40 "$TMP/seg.bak" >"$WA_HOME/events/$M.jsonl.gz"
check_status "a broken segment in the window: wa-events exits 3" 3 wa-events
check_status "wa-report over it too" 3 wa-report -o json --now 2026-12-07T00:00:00Z
check_status "wa-events --since after it: exit 0, the segment unopened" 0 wa-events --since 2026-12-04
check_same "with every later line" 400 "$(lines "$TMP/.out")"
check_status "wa-report --since after it: exit 0" 0 wa-report -o json --now 2026-12-20T00:00:00Z --since 2026-12-19
cp "$TMP/seg.bak" "$WA_HOME/events/$M.jsonl.gz"

# --- wa-forget erases inside the gzipped segments
n1=$(all events | lines /dev/stdin) n2=$(all ledger | lines /dev/stdin)
wa-forget +447700900001 2>"$TMP/f.err"
check_same "wa-forget: exit 0, the number gone from every segment of the spool and the ledger" \
	"0 0 0" "$? $(all events | grep -c '447700900001') $(all ledger | grep -c '447700900001')"
check_same "every other line kept, every segment still whole gzip" "$n1 $n2 0" \
	"$(all events | lines /dev/stdin) $(all ledger | lines /dev/stdin) $(for f in "$WA_HOME"/events/*.gz "$WA_HOME"/ledger/*.gz; do gzip -t "$f" || echo bad; done | wc -l | tr -d ' ')"
grep -q 'ledger/2026-11.jsonl.gz: 2 records erased' "$TMP/f.err"
_result $? "each segment is named with its count"
check "the ledger's index went with the erasure in a segment" test ! -f "$L.idx"
grep -v '"c1"' "$TMP/c.jsonl" >"$TMP/c25.jsonl"
ws -c dec --now 2026-12-06T15:00:00Z "$TMP/c25.jsonl" >"$TMP/s7"
check_same "rebuilt from the erased segments, it still knows the others' keys" "5 18" \
	"$(grep -c already_sent "$TMP/s7") $(lines "$TMP/mock.jsonl")"

# --- the inbox log rolls at a new month too
WA_AGENT=ana wa-inbox note +447700900002 "first" --now 2026-11-20T10:00:00Z >/dev/null
WA_AGENT=ana wa-inbox note +447700900002 "second" --now 2026-12-06T10:00:00Z >/dev/null
check_same "the inbox log rolls into inbox/2026-11.jsonl.gz; wa-inbox show reads both notes" \
	"2026-11.jsonl.gz 1 2" "$(ls "$WA_HOME/inbox" | grep jsonl) $(lines "$WA_HOME/inbox.jsonl") $(wa-inbox show +447700900002 -o json --now 2026-12-06T11:00:00Z | grep -c '"by":"note"')"

done_testing
