#!/bin/sh
# A wa-hook that keeps running keeps to --dedupe-horizon: the keys of a segment rolled before the
# horizon are forgotten (it says how many, and how few it still knows), so a webhook of it
# delivered again is stored again; a key rolled within the horizon is still a duplicate after the
# roll. WA_HOOK_HORIZON_MIN lets the test take a horizon of seconds, not days.
. "$(dirname "$0")/lib.sh"

hook_world
mkdir -p "$WA_HOME"
SEG=$WA_HOME/events
PY=/usr/bin/python3

# send FIRST N: N signed message webhooks, wamid.FIRST on; prints the wamids acknowledged with 200
cat >"$TMP/send.py" <<'PYEOF'
import hashlib, hmac, json, os, sys, time, urllib.request
port, first, n = (int(a) for a in sys.argv[1:4])
secret = os.environ["WA_APP_SECRET"].encode()
for i in range(first, first + n):
    wamid = "wamid.%d" % i
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
        {"field": "messages", "value": {"messaging_product": "whatsapp",
         "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
         "contacts": [{"profile": {"name": "C"}, "wa_id": "447700900001"}],
         "messages": [{"from": "447700900001", "id": wamid, "timestamp": str(int(time.time())),
                       "type": "text", "text": {"body": "hello %d" % i}}]}}]}]}).encode()
    sig = hmac.new(secret, body, hashlib.sha256).hexdigest()
    req = urllib.request.Request("http://127.0.0.1:%d/webhook" % port, data=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=" + sig})
    with urllib.request.urlopen(req, timeout=20) as r:
        if r.status == 200:
            print(wamid)
PYEOF
send() { $PY "$TMP/send.py" "$HPORT" "$@"; }
# roll: SIGHUP, until the segments count one more .gz
roll() {
	nz=$(ls "$SEG"/*.jsonl.gz 2>/dev/null | wc -l)
	kill -HUP "$HPID"
	tries=0; until [ "$(ls "$SEG"/*.jsonl.gz 2>/dev/null | wc -l)" -gt "$nz" ] || [ $tries -gt 200 ]; do
		sleep 0.05; tries=$((tries + 1)); done
}
stored() { sed -n 's/.* \([0-9]*\) events stored, \([0-9]*\) duplicates dropped.*/\1 \2/p' "$TMP/$1.err"; }

check_same "--dedupe-horizon under 7 days: refused" "2" \
	"$(wa-hook --dedupe-horizon 8s -l 127.0.0.1:0 >/dev/null 2>&1; echo $?)"

WA_HOOK_HORIZON_MIN=1s
export WA_HOOK_HORIZON_MIN
start_hook h1 --dedupe-horizon 8s || { echo "Bail out! bin/wa-hook did not start"; exit 1; }
send 1 5 >/dev/null	# wamid.1-5, rolled, then left 9 seconds
roll
sleep 9
send 6 1 >/dev/null	# the first batch after the horizon passed the first segment's roll
roll
send 1 1 >/dev/null	# forgotten: stored again
send 6 1 >/dev/null	# rolled just now, within the horizon: a duplicate
send 7 1 >/dev/null
kill "$HPID"; wait "$HPID"
check_same "a key of a segment rolled before the horizon is stored again; one rolled within it is a duplicate" \
	"8 1" "$(stored h1)"
check "it said it forgot the 5 keys of the old segment and still knows 1" \
	grep -q 'forgot the keys of 5 events of segments rolled before the dedupe horizon; 1 known' "$TMP/h1.err"
check_same "and the spool holds wamid.1 twice, wamid.6 once" "2 1" \
	"$(gzip -dcf "$SEG"/*.gz "$WA_HOME/events.jsonl" | grep -c '"wamid.1"') $(gzip -dcf "$SEG"/*.gz "$WA_HOME/events.jsonl" | grep -c '"wamid.6"')"
done_testing
