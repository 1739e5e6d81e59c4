#!/bin/sh
# wa-hook under abuse: held bodies, idle floods, one address's connections,
# trickles, unknown paths, forged proxy headers, a stalled -o - reader, a batch
# with bad items, SIGTERM under load. See "Attacks on wa-hook" in README.md.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never real secrets.
WA_APP_SECRET=app-secret-$$
WA_VERIFY_TOKEN=verify-$$
export WA_APP_SECRET WA_VERIFY_TOKEN
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
LOAD="python3 $TOP/tests/hook-load.py"

hmac() { openssl dgst -sha256 -hmac "$WA_APP_SECRET" -r <"$1" | cut -d' ' -f1; }

# post FILE [PATH [SECS]]: FILE signed to PATH (/webhook); prints the HTTP status
post() {
	curl -s -m "${3:-5}" -o "$TMP/.body" -w '%{http_code}' \
		-H "X-Hub-Signature-256: sha256=$(hmac "$1")" \
		--data-binary @"$1" "http://127.0.0.1:$HPORT${2:-/webhook}"
}

# statuses FILE N TAG: a signed-to-be body of N delivered statuses
statuses() {
	awk -v n="$2" -v t="$3" 'BEGIN {
		printf "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"phone_number_id\":\"106540352242922\"},\"statuses\":["
		for (i = 0; i < n; i++)
			printf "%s{\"id\":\"wamid.%s%d\",\"status\":\"delivered\",\"timestamp\":\"1763892000\",\"recipient_id\":\"447700900%03d\"}", i ? "," : "", t, i, i % 1000
		printf "]}}]}]}"
	}' >"$1"
}

# load NAME ARGS...: a hostile client (tests/hook-load.py) in the background,
# once its connections are open; sets LPID
load() {
	_f=$TMP/$1.load
	shift
	$LOAD "$@" >"$_f" 2>&1 &
	LPID=$!
	PIDS="$PIDS $LPID"
	_i=0
	until grep -q "^${WANT:-open}" "$_f" 2>/dev/null || [ $_i -gt 300 ]; do sleep 0.05; _i=$((_i + 1)); done
}

# gone PID SECS: PID has exited within SECS seconds
gone() {
	_i=0
	while kill -0 "$1" 2>/dev/null; do
		[ $_i -ge $(($2 * 20)) ] && return 1
		sleep 0.05
		_i=$((_i + 1))
	done
}

kb() { awk -v k="$2" '$1 == k ":" { print $2 }' "/proc/$1/status"; }
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

plan 27

# --- paths, the verify token, proxy headers
start_hook paths --spool "$TMP/p.jsonl" --suppress "$TMP/s.txt" ||
	{ echo "Bail out! bin/wa-hook did not start"; exit 1; }
statuses "$TMP/one.json" 1 P
check_same "a signed POST to another path: 404" 404 "$(post "$TMP/one.json" /other)"
got=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HPORT/webhook/x?hub.mode=subscribe&hub.verify_token=$WA_VERIFY_TOKEN&hub.challenge=7")
check_same "a right verification to another path: 404" 404 "$got"
got=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HPORT/webhook?hub.mode=subscribe&hub.verify_token=&hub.challenge=7")
check_same "an empty hub.verify_token: 403" 403 "$got"
check_same "the documented path still takes it: 200" 200 "$(post "$TMP/one.json")"
curl -s -o /dev/null -H 'X-Real-IP: 10.9.9.9' -H 'X-Forwarded-For: 10.9.9.8' \
	-d '{}' "http://127.0.0.1:$HPORT/webhook"
grep -q '127.0.0.1: refused' "$TMP/paths.err" && ! grep -q '10\.9\.9\.' "$TMP/paths.err"
_result $? "X-Real-IP and X-Forwarded-For are not believed without --trust-proxy"
kill "$HPID"

start_hook proxy --spool "$TMP/p.jsonl" --suppress "$TMP/s.txt" \
	--trust-proxy 127.0.0.1 --path /hooks/meta --path /hooks/shop
check_same "--path: the path given takes it: 200" 200 "$(post "$TMP/one.json" /hooks/meta)"
check_same "--path: /webhook is then unknown: 404" 404 "$(post "$TMP/one.json")"
curl -s -o /dev/null -H 'X-Forwarded-For: 10.9.9.7, 10.9.9.8' -d '{}' \
	"http://127.0.0.1:$HPORT/hooks/shop"
grep -q '10.9.9.8: refused' "$TMP/proxy.err"
_result $? "from the --trust-proxy address, X-Forwarded-For names the client"
kill "$HPID"

# --- a signed batch with bad items: the others stored, the bad ones as raw changes
cat >"$TMP/mixed.json" <<'JSON'
{"object":"whatsapp_business_account","entry":[{"id":"1","time":1763892000,"changes":[
 {"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"106540352242922"},
  "contacts":[{"profile":{"name":"Ana"},"wa_id":"447700900001"}],
  "statuses":[{"id":"wamid.M1","status":"read","timestamp":"1763892000","recipient_id":"447700900001"},
   {"id":"wamid.M2","status":"read","timestamp":"1763892000","recipient_id":"447700900002","x":"\ud800"},
   {"id":"wamid.M3","status":"read","timestamp":"1763892000","recipient_id":"447700900003"}],
  "messages":[{"from":"447700900001","id":"wamid.M4","timestamp":"1763892000","type":"text","text":{"body":"hi"}},
   {"from":"447700900001","id":"wamid.M5","timestamp":1e999,"type":"text","text":{"body":"hi"}}]}},
 {"field":"messages","value":{"statuses":[{"id":"wamid.M6","status":"sent","timestamp":"1763892000","recipient_id":"447700900006","n":123456789012345678901234567890}]}}]}]}
JSON
start_hook mixed --spool "$TMP/m.jsonl" --suppress "$TMP/s.txt"
check_same "a batch with a lone surrogate, 1e999 and a 98-bit integer: 200" 200 "$(post "$TMP/mixed.json")"
got=$(jq -r 'select(.event != "change") | .wamid' "$TMP/m.jsonl" | sort | tr '\n' ' ')
check_same "the good items are stored" "wamid.M1 wamid.M3 wamid.M4 " "$got"
got=$(jq -r 'select(.event == "change") | .raw | capture("(?<w>wamid.M[0-9])").w' "$TMP/m.jsonl" | sort | tr '\n' ' ')
check_same "each bad item is a change event with its text" "wamid.M2 wamid.M5 wamid.M6 " "$got"
kill "$HPID"

# --- 100 connections holding 2 MB of a 3 MB unsigned body each
start_hook mem --spool "$TMP/mem.jsonl" --suppress "$TMP/s.txt" --max-per-ip 200
load mem hold "$HPORT" 100 3145728 2097152
sleep 1
hwm=$(kb "$HPID" VmHWM)
echo "# 100 held bodies: VmHWM $hwm kB"
[ "${hwm:-999999}" -lt 102400 ]
_result $? "100 held 3 MB bodies: under 100 MB of memory"
statuses "$TMP/big.json" 20000 B
check_same "a 2 MB POST past --max-buffer (64 MB): 503" 503 "$(post "$TMP/big.json")"
kill "$LPID"
sleep 0.5
check_same "the bodies gone, a signed POST: 200" 200 "$(post "$TMP/one.json")"
kill "$HPID"

# --- 1,000 idle connections from one address, with 1,000 descriptors
_serve idle err 'wa-hook: ' sh -c 'ulimit -n 1000 && exec wa-hook "$@"' wa-hook \
	-l 127.0.0.1:0 --spool "$TMP/idle.jsonl" --suppress "$TMP/s.txt"
HPID=$_pid HPORT=$_port
load idle idle "$HPORT" 1000 127.0.0.2
statuses "$TMP/two.json" 1 I
check_same "1,000 idle connections open: a signed POST answers within 1 s" 200 "$(post "$TMP/two.json" /webhook 1)"
c0=$(cpu "$HPID")
sleep 1
c1=$(cpu "$HPID")
echo "# CPU ticks in 1 s under 1,000 idle connections: $((c1 - c0))"
[ $((c1 - c0)) -lt 30 ]
_result $? "and no core spins on accept"
kill "$LPID" "$HPID"

# --- the same from any number of addresses (no --max-per-ip): MHD's limit
# is kept short of the descriptors, so past it a connection is closed at
# once, where accept() failed with EMFILE in a loop; --timeout cuts the idle
_serve idle3 err 'wa-hook: ' sh -c 'ulimit -n 1000 && exec wa-hook "$@"' wa-hook \
	-l 127.0.0.1:0 --spool "$TMP/idle.jsonl" --suppress "$TMP/s.txt" --max-per-ip 0 --timeout 3
HPID=$_pid HPORT=$_port
load idle3 idle "$HPORT" 1000 127.0.0.2
statuses "$TMP/three.json" 1 J
# Under load the last idle connections open late and are cut late: wait for
# the cut, then ask again until it answers, for at most 20 s.
sleep 3
_i=0
until [ "$(post "$TMP/three.json" /webhook 2)" = 200 ] || [ $_i -ge 40 ]; do sleep 0.5; _i=$((_i + 1)); done
check_same "1,000 idle connections, no --max-per-ip: a signed POST answers once --timeout 3 cut them" 200 "$(post "$TMP/three.json" /webhook 2)"
kill "$LPID" "$HPID"

# --- the per-address cap, and the proxy exempt from it
start_hook perip --spool "$TMP/pi.jsonl" --suppress "$TMP/s.txt" --max-per-ip 5
WANT=alive load perip idle "$HPORT" 20 127.0.0.2
check_same "--max-per-ip 5: 5 of 20 connections from one address stay" "alive 5" "$(tail -1 "$TMP/perip.load")"
check_same "another address still gets in: 200" 200 "$(post "$TMP/one.json")"
kill "$LPID" "$HPID"
start_hook perip2 --spool "$TMP/pi.jsonl" --suppress "$TMP/s.txt" --max-per-ip 5 --trust-proxy 127.0.0.2
WANT=alive load perip2 idle "$HPORT" 20 127.0.0.2
check_same "the --trust-proxy address is not capped" "alive 20" "$(tail -1 "$TMP/perip2.load")"
kill "$LPID" "$HPID"

# --- a body that trickles in
start_hook trickle --spool "$TMP/tr.jsonl" --suppress "$TMP/s.txt" --timeout 2
check_same "a body trickling a byte each 0.2 s is cut at --timeout 2" cut "$($LOAD trickle "$HPORT" 8)"
check_same "and a header trickling so" cut "$($LOAD trickle "$HPORT" 8 head)"
kill "$HPID"

# --- -o - into a reader that never reads
mkfifo "$TMP/fifo"
sleep 60 <"$TMP/fifo" &
SLEEPER=$!
PIDS="$PIDS $SLEEPER"
_serve stalled err 'wa-hook: ' sh -c 'exec wa-hook "$@" >"$0"' "$TMP/fifo" \
	-l 127.0.0.1:0 --spool "$TMP/st.jsonl" --suppress "$TMP/s.txt" -o -
HPID=$_pid HPORT=$_port
got=
for i in 1 2 3 4 5; do
	statuses "$TMP/b$i.json" 300 "S$i"
	got="$got$(post "$TMP/b$i.json" /webhook 5) "
done
check_same "-o - not read: 1,500 events in 5 POSTs all acknowledged" "200 200 200 200 200 " "$got"
check_same "and all in the spool" 1500 "$(lines "$TMP/st.jsonl")"
kill "$HPID"
gone "$HPID" 5
_result $? "and SIGTERM stops it, the output still stalled"
grep -q 'events not written to the output' "$TMP/stalled.err"
_result $? "saying how many events the output missed"
kill "$SLEEPER"

# --- SIGTERM after 100 held 3 MB bodies and 1,000 idle connections
start_hook term --spool "$TMP/term.jsonl" --suppress "$TMP/s.txt" --max-per-ip 0
load held hold "$HPORT" 100 3145728 2097152
load idle2 idle "$HPORT" 1000
# running, so that one that never started cannot pass
kill -0 "$HPID" && kill -TERM "$HPID" && gone "$HPID" 5
_result $? "SIGTERM under 100 held bodies and 1,000 idle connections: stopped within 5 s"

done_testing
