# TAP helpers for the wa-* tests; source it, then call plan N.
set -u
# the programs refuse a WA_HOME others can write to: a umask of 002 would make one
umask 022
LC_ALL=C.UTF-8
export LC_ALL
TOP=$(cd "$(dirname "$0")/.." && pwd)
PATH=$TOP/bin:$PATH
# This project's own fixtures, in every clone.
FIX=$TOP/tests/fixtures
# The real files collected in the workspace beside our checkout: a user's
# clone stands alone without them, so the checks over them run when they are
# there and skip when not (see `shared`).
SHARED=$TOP/../shared/fixtures
REAL=$SHARED/real
WEBHOOKS=$SHARED/webhooks
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wa-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
WA_HOME=$TMP/home
export WA_HOME PATH
unset WA_NOW WA_TOKEN WA_TOKEN_FILE
_n=0
_failed=0

_planned=
plan() { echo "1..$1"; _planned=1; }

_result() {
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=$((_failed + 1))
	fi
}

# check TITLE COMMAND...: the command succeeds
check() {
	_t=$1; shift
	"$@" >"$TMP/.out" 2>&1
	_rc=$?
	[ $_rc -ne 0 ] && sed 's/^/# /' "$TMP/.out"
	_result $_rc "$_t"
}

# check_same TITLE EXPECTED ACTUAL: two strings are equal
check_same() {
	if [ "$2" = "$3" ]; then
		_result 0 "$1"
	else
		printf '%s\n' "--- expected" "$2" "--- got" "$3" | sed 's/^/# /'
		_result 1 "$1"
	fi
}

# check_file TITLE FILE: stdin (the expected text) equals FILE
check_file() {
	cat >"$TMP/.expected"
	if cmp -s "$TMP/.expected" "$2"; then
		_result 0 "$1"
	else
		diff -u "$TMP/.expected" "$2" | sed 's/^/# /'
		_result 1 "$1"
	fi
}

# check_status TITLE WANT COMMAND...: the command exits with WANT
check_status() {
	_t=$1; _want=$2; shift 2
	"$@" >"$TMP/.out" 2>&1
	_rc=$?
	[ $_rc -ne "$_want" ] && { echo "# exit $_rc, expected $_want"; sed 's/^/# /' "$TMP/.out"; }
	[ $_rc -eq "$_want" ]
	_result $? "$_t"
}

# shared NAME: true when ../shared/fixtures/NAME is there; when it is not,
# one skipped check stands for the checks over it
shared() {
	[ -d "$SHARED/$1" ] && return 0
	_n=$((_n + 1))
	echo "ok $_n # SKIP no ../shared/fixtures (a clone stands alone)"
	return 1
}

# done_testing: prints the plan at the end when plan was not called
# store_customers: a generated store imported at $NOW into $C; sets C and total
store_customers() {
	sh "$TOP/scripts/gen-store" -c 200 -o 800 -s 5 "$TMP" >/dev/null
	wa-import --now "$NOW" "$TMP/customers_export.csv" "$TMP/orders_export.csv" \
		>"$TMP/c.jsonl" 2>/dev/null
	C=$TMP/c.jsonl
	total=$(wc -l <"$C" | tr -d ' ')
}

# _serve NAME OUT HOLE CMD...: run CMD in the background, wait until its
# OUT (out or err) says "listening on 127.0.0.1:PORT"; sets _pid and _port
# (0 and return 1 when it did not start)
_serve() {
	_name=$1 _out=$2 _hole=$3; shift 3
	"$@" >"$TMP/$_name.out" 2>"$TMP/$_name.err" &
	_pid=$!
	PIDS="${PIDS:-} $_pid"
	_i=0
	until grep -q 'listening on ' "$TMP/$_name.$_out" 2>/dev/null; do
		_i=$((_i + 1))
		if [ $_i -gt 600 ] || ! kill -0 $_pid 2>/dev/null; then
			sed 's/^/# /' "$TMP/$_name.err"
			_port=0
			return 1
		fi
		sleep 0.05
	done
	_port=$(sed -n 's/^'"$_hole"'listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$TMP/$_name.$_out")
}

# start_mock NAME ARGS...: mock-graph in the background with the environment
# given, once it listens; sets PORT and PID, adds PID to PIDS (kill them at
# the end), returns 1 if it did not start
start_mock() {
	_n1=$1; shift
	_serve "$_n1" out '' mock-graph "$@"
	_rc=$?
	PID=$_pid PORT=$_port
	return $_rc
}

# start_hook NAME ARGS...: wa-hook on a free port, the same way; sets HPORT
# and HPID; its stderr is $TMP/NAME.err
start_hook() {
	_n1=$1; shift
	_serve "$_n1" err 'wa-hook: ' wa-hook -l 127.0.0.1:0 "$@"
	_rc=$?
	HPID=$_pid HPORT=$_port
	return $_rc
}

# start_shop NAME ARGS...: tests/mock-shopify.c in the background with ARGS,
# its requests in $TMP/NAME.log; sets MPID and URL, bails out when it does
# not start. stop_shop ends it; shop_import HOME ARGS...: wa-import
# --shopify teststore ARGS against it, WA_HOME=HOME (made)
start_shop() {
	_n1=$1; shift
	_serve "$_n1" out '' mock-shopify -o "$TMP/$_n1.log" "$@" ||
		{ echo "Bail out! mock-shopify did not start"; exit 1; }
	MPID=$_pid
	URL=http://127.0.0.1:$_port
}
stop_shop() { kill "$MPID" 2>/dev/null; wait "$MPID" 2>/dev/null; }
shop_import() {
	_h=$1; shift
	mkdir -p "$_h"
	WA_HOME=$_h WA_SHOPIFY_URL=$URL wa-import --shopify teststore "$@"
}

# make_cert: a certificate for 127.0.0.1 made by openssl, $TMP/cert.pem and
# $TMP/key.pem (a test's own CA: WA_CA_FILE=$TMP/cert.pem trusts it)
make_cert() {
	[ -f "$TMP/cert.pem" ] && return 0
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
		-keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>"$TMP/openssl.err"
}

# start_smtp NAME ARGS...: tests/smtp-sink.py (aiosmtpd) in the background,
# its messages and log.jsonl in $TMP/NAME, with ARGS (--cert, --auth, faults:
# see the script); sets SPORT and SPID, adds SPID to PIDS
start_smtp() {
	_n1=$1; shift
	_serve "$_n1" out '' /usr/bin/python3 "$TOP/tests/smtp-sink.py" -d "$TMP/$_n1" "$@"
	_rc=$?
	SPID=$_pid SPORT=$_port
	return $_rc
}

# need_browser: skips the whole file (before its plan) without headless
# Chromium or Debian's python3-websockets, which tests/cdp.py drives it with
need_browser() {
	command -v "${WA_CHROMIUM:-chromium}" >/dev/null 2>&1 ||
		{ echo "1..0 # SKIP no chromium (apt-get install chromium)"; exit 0; }
	/usr/bin/python3 -c 'import websockets' 2>/dev/null ||
		{ echo "1..0 # SKIP no python3-websockets (apt-get install python3-websockets)"; exit 0; }
}

# browser_world: the set-up of the headless Chromium tests, before their
# plan: need_browser, the servers killed at the end, $WA_HOME made
browser_world() {
	need_browser
	_kill_at_exit
	mkdir -p "$WA_HOME"
}

# browser_inbox PASSWORD AGENT...: after browser_world and the agents file,
# each AGENT's password set to PASSWORD (wa-inbox passwd), then start_inbox;
# bails out when one fails
browser_inbox() {
	_pw=$1; shift
	for _a; do
		printf '%s\n' "$_pw" | wa-inbox passwd "$_a" >"$TMP/passwd.out" 2>&1 ||
			{ echo "Bail out! wa-inbox passwd: $(cat "$TMP/passwd.out")"; exit 1; }
	done
	start_inbox || { echo "Bail out! wa-inbox serve did not start (make build-tests)"; exit 1; }
}

# cdp [DIR] <SCRIPT: headless Chromium runs SCRIPT (tests/cdp.py says its
# commands); what it reads on stdout, the pages' console messages, dialogs
# and requests appended to DIR ($TMP/cdp): console.jsonl, dialogs.jsonl,
# requests
cdp() {
	/usr/bin/python3 "$TOP/tests/cdp.py" -d "${1:-$TMP/cdp}"
}

# start_inbox [ARGS...]: the web inbox (wa-inbox serve ARGS) on a free port
# over $WA_HOME, with wa-hook (HPORT; a customer's message by `inbound`) and
# the mock Cloud API (PORT; the requests it took in $TMP/api.log) beside it,
# secrets made up for the test (TOKEN and WA_APP_SECRET).  Sets IPORT, IPID
# and W, the inbox's URL; adds the pids to PIDS; 1 when one did not start.
start_inbox() {
	TOKEN=${TOKEN:-test-token-$$}
	WA_APP_SECRET=${WA_APP_SECRET:-app-secret-$$}
	WA_VERIFY_TOKEN=${WA_VERIFY_TOKEN:-verify-$$}
	WA_PHONE_NUMBER_ID=${WA_PHONE_NUMBER_ID:-106540352242922}
	export WA_APP_SECRET WA_VERIFY_TOKEN WA_PHONE_NUMBER_ID
	mkdir -p "$WA_HOME"
	[ -n "${HPID:-}" ] || start_hook hook || return 1
	[ -n "${APID:-}" ] || WA_TOKEN=$TOKEN start_mock api --inbound "$WA_HOME/events.jsonl" \
		-o "$TMP/api.log" --webhook "http://127.0.0.1:$HPORT/webhook" --webhook-delay 10 \
		--read 1 --reply 0 || return 1
	APID=${APID:-$PID}
	WA_API_URL=${WA_API_URL:-http://127.0.0.1:$PORT/v21.0}
	export WA_API_URL
	# a server started again appends to the same stderr: its own lines only
	_l=$(($(cat "$TMP/inbox.err" 2>/dev/null | wc -l) + 1))
	WA_TOKEN=$TOKEN wa-inbox serve -l 127.0.0.1:0 "$@" >>"$TMP/inbox.out" 2>>"$TMP/inbox.err" &
	IPID=$!
	PIDS="${PIDS:-} $IPID"
	_i=0
	until tail -n +$_l "$TMP/inbox.err" 2>/dev/null | grep -q 'serving on http://127\.0\.0\.1:'; do
		_i=$((_i + 1))
		if [ $_i -gt 1200 ] || ! kill -0 $IPID 2>/dev/null; then
			sed 's/^/# /' "$TMP/inbox.err"
			return 1
		fi
		sleep 0.05
	done
	IPORT=$(sed -n 's,^wa-inbox: serving on http://127\.0\.0\.1:\([0-9]*\)/$,\1,p' "$TMP/inbox.err" | tail -1)
	W=http://127.0.0.1:$IPORT
}

# post_script FILE SCRIPT: SCRIPT, a shell script that posts FILE to wa-hook
# as Meta signs it and prints the HTTP status (for cdp's run, mid-page)
post_script() {
	_sig=$(openssl dgst -sha256 -hmac "$WA_APP_SECRET" -r <"$1" | cut -d' ' -f1)
	printf '%s\n' "curl -s -o /dev/null -w '%{http_code}\\n' -H 'Content-Type: application/json' \\" \
		"	-H 'X-Hub-Signature-256: sha256=$_sig' --data-binary @$1 http://127.0.0.1:$HPORT/webhook" >"$2"
}

# cdp_login AGENT PASSWORD: the lines of a cdp script that log AGENT in at
# $W and wait for the list
cdp_login() {
	printf '%s\n' "goto $W/login" "type \"#login input[name=agent]\" $1" \
		"type \"#login input[name=password]\" \"$2\"" 'follow "#login button"' 'wait tr.conv'
}

# hook_post FILE: FILE posted to wa-hook as Meta signs it; prints the HTTP status
hook_post() {
	curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
		-H "X-Hub-Signature-256: sha256=$(openssl dgst -sha256 -hmac "$WA_APP_SECRET" -r <"$1" | cut -d' ' -f1)" \
		--data-binary @"$1" "http://127.0.0.1:$HPORT/webhook"
}

# inbound_body NAME WA_ID WAMID SECONDS MESSAGE-JSON: the webhook of a
# customer's message SECONDS from now (negative: before), as Meta posts it
inbound_body() {
	jq -cn --arg n "$1" --arg w "$2" --arg id "$3" --arg ts "$(($(date +%s) + $4))" --argjson m "$5" \
		'{object: "whatsapp_business_account", entry: [{id: "880480571844883", changes: [{field: "messages",
		value: {messaging_product: "whatsapp", metadata: {display_phone_number: "15550783881",
		phone_number_id: env.WA_PHONE_NUMBER_ID}, contacts: [{profile: {name: $n}, wa_id: $w}],
		messages: [{from: $w, id: $id, timestamp: $ts} + $m]}}]}]}'
}

# inbound NAME WA_ID WAMID SECONDS MESSAGE-JSON: that webhook posted to
# wa-hook; prints the HTTP status
inbound() {
	inbound_body "$@" >"$TMP/inbound.json" && hook_post "$TMP/inbound.json"
}

# The servers a test starts (their pids in PIDS) are killed at its end; KEEP=1 keeps $TMP.
_kill_at_exit() {
	PIDS=
	trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
}

# journey_world: the set-up of a test of scripts/journeys/ (J): a made-up
# WA_TOKEN and WA_PHONE_NUMBER_ID, the servers killed and $TMP removed at
# the end
journey_world() {
	WA_TOKEN=test-token-$$
	WA_PHONE_NUMBER_ID=106540352242922
	export WA_TOKEN WA_PHONE_NUMBER_ID
	J=$TOP/scripts/journeys
	_kill_at_exit
}

# reused_rolls: three rolls of $WA_HOME's spool by hand, each segment
# gzipped, orders N1 and N2 (the test's own o N) before roll N; the index
# gives the first and the third segments one inode (7 1001), as when a roll
# frees an inode that a later live file gets
reused_rolls() {
	mkdir -p "$WA_HOME/events"
	: >"$WA_HOME/events.jsonl"
	for _r in 1 2 3; do
		o "${_r}1"; o "${_r}2"
		_f=$WA_HOME/events/2026-11$([ $_r = 1 ] || echo ".$_r").jsonl
		mv "$WA_HOME/events.jsonl" "$_f"
		gzip "$_f"
		: >"$WA_HOME/events.jsonl"
	done
	printf '%s\n' '2026-11 2026-11-23T10:11:00Z 2026-11-23T10:12:00Z 7 1001' \
		'2026-11.2 2026-11-23T10:21:00Z 2026-11-23T10:22:00Z 7 1002' \
		'2026-11.3 2026-11-23T10:31:00Z 2026-11-23T10:32:00Z 7 1001' >"$WA_HOME/events/index"
}

# hook_world: the set-up of the tests of wa-hook and its spool: the secrets
# wa-hook reads, made up for the test (WA_APP_SECRET, WA_VERIFY_TOKEN,
# WA_PHONE_NUMBER_ID), and the servers killed at the end
hook_world() {
	WA_APP_SECRET=app-secret-$$
	WA_VERIFY_TOKEN=verify-$$
	WA_PHONE_NUMBER_ID=106540352242922
	export WA_APP_SECRET WA_VERIFY_TOKEN WA_PHONE_NUMBER_ID
	_kill_at_exit
}

# hook_send FIRST N [TS [TEXT]]: N message webhooks posted to wa-hook (HPORT),
# signed with WA_APP_SECRET, wamid.FIRST on, from +447700900001, at Unix time
# TS a second apart (now when no TS), with TEXT ("hello N" when none);
# prints the wamids acknowledged with 200
hook_send() {
	/usr/bin/python3 - "$HPORT" "$@" <<'PYEOF'
import hashlib, hmac, json, os, sys, time, urllib.request
port, first, n = (int(a) for a in sys.argv[1:4])
ts = int(sys.argv[4]) if len(sys.argv) > 4 else None
text = sys.argv[5] if len(sys.argv) > 5 else None
secret = os.environ["WA_APP_SECRET"].encode()
for i in range(first, first + n):
    wamid = "wamid.%d" % i
    at = ts + i - first if ts is not None else int(time.time())
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
        {"field": "messages", "value": {"messaging_product": "whatsapp",
         "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
         "contacts": [{"profile": {"name": "C"}, "wa_id": "447700900001"}],
         "messages": [{"from": "447700900001", "id": wamid, "timestamp": str(at),
                       "type": "text", "text": {"body": text or "hello %d" % i}}]}}]}]}).encode()
    sig = hmac.new(secret, body, hashlib.sha256).hexdigest()
    req = urllib.request.Request("http://127.0.0.1:%d/webhook" % port, data=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=" + sig})
    with urllib.request.urlopen(req, timeout=20) as r:
        if r.status == 200:
            print(wamid)
PYEOF
}

# hook_roll: wa-hook (HPID) rolls its spool by SIGHUP; waits (10 s at most)
# until $SEG, its segments, counts one more .gz
hook_roll() {
	_nz=$(ls "$SEG"/*.jsonl.gz 2>/dev/null | wc -l)
	kill -HUP "$HPID"
	_i=0
	until [ "$(ls "$SEG"/*.jsonl.gz 2>/dev/null | wc -l)" -gt "$_nz" ] || [ $_i -gt 200 ]; do
		sleep 0.05; _i=$((_i + 1))
	done
}

# hook_stored NAME: "STORED DROPPED", the events wa-hook NAME said it stored
# and the duplicates it dropped, from $TMP/NAME.err
hook_stored() { sed -n 's/.* \([0-9]*\) events stored, \([0-9]*\) duplicates dropped.*/\1 \2/p' "$TMP/$1.err"; }

# inbox_world: the set-up of the wa-inbox tests (web-lib.sh's too): hook_world,
# TOKEN and WA_WABA_ID made up for the test, $WA_HOME, SP (its spool) and T0
# (2026-11-23T10:00:00Z as Unix time), which msg counts from
inbox_world() {
	hook_world
	TOKEN=test-token-$$
	WA_WABA_ID=102290129340398
	export WA_WABA_ID
	mkdir -p "$WA_HOME"
	SP=$WA_HOME/events.jsonl
	T0=1795428000
}

# fold_world: the set-up of the tests of wa-inbox's folded snapshot
# (convs.state, convs.items): $TMP removed at the end, H (the made $WA_HOME),
# RE (its copy, folded anew) and NOW (2026-11-23T12:00:00Z); ib runs wa-inbox
# at NOW, ino prints the inode of H's convs.items
fold_world() {
	_kill_at_exit
	H=$WA_HOME
	RE=$TMP/re
	mkdir -p "$H"
	NOW=2026-11-23T12:00:00Z
	ib() { wa-inbox --now "$NOW" "$@"; }
	ino() { stat -c %i "$H/convs.items" 2>/dev/null; }
}

# fold_same STEP [WHAT]: after fold_world, H copied to RE without its
# snapshot, each dumped by the test's own dump HOME (HOME.l, list --all;
# HOME.s, the shows); two checks that H's list and its shows (WHAT: "show of
# each conversation") are what a fold of everything gives
fold_same() {
	rm -rf "$RE" && cp -r "$H" "$RE" && rm -f "$RE/convs.state" "$RE/convs.items"
	dump "$H"
	dump "$RE"
	check_same "$1: list --all as a fold of everything" "$(cat "$RE.l")" "$(cat "$H.l")"
	check_same "$1: ${2:-show of each conversation} as a fold of everything" "$(cat "$RE.s")" "$(cat "$H.s")"
}

# start_api NAME [ARGS...]: mock-graph as start_mock starts it, with TOKEN,
# answering on the spool: it knows who wrote (the window), reads every message
# and posts its statuses, signed, to wa-hook (HPORT); its requests in
# $TMP/api.log, its clock at WA_NOW (2026-11-23T10:19:00Z when unset)
start_api() {
	_n2=$1; shift
	WA_NOW=${WA_NOW:-2026-11-23T10:19:00Z} WA_TOKEN=$TOKEN start_mock "$_n2" --inbound "$SP" \
		-o "$TMP/api.log" --webhook "http://127.0.0.1:$HPORT/webhook" --webhook-delay 10 \
		--read 1 --reply 0 "$@"
}

# start_world [MOCK-ARGS...]: after inbox_world, wa-hook (HPORT) and
# start_api's mock with MOCK-ARGS (PORT, APID, WA_API_URL); bails out when
# one does not start
start_world() {
	start_hook hook || { echo "Bail out! bin/wa-hook did not start (make)"; exit 1; }
	start_api api "$@" || { echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
	APID=$PID
	WA_API_URL=http://127.0.0.1:$PORT/v21.0
	export WA_API_URL
}

# msg NAME FROM WAMID SECONDS-AFTER-T0 MESSAGE-JSON: a customer writes,
# through wa-hook; prints the HTTP status
msg() {
	printf '{"object":"whatsapp_business_account","entry":[{"id":"880480571844883","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"%s"},"wa_id":"%s"}],"messages":[{"from":"%s","id":"%s","timestamp":"%s",%s}]}}]}]}' \
		"$1" "$2" "$2" "$3" $((T0 + $4)) "$5" >"$TMP/body.json"
	hook_post "$TMP/body.json"
}

# wait_for COMMAND...: until it succeeds, 20 s at most
wait_for() {
	_i=0
	until "$@" 2>/dev/null; do
		_i=$((_i + 1)); [ $_i -lt 400 ] || return 1
		sleep 0.05
	done
}

# mail_world TAG: the set-up of the e-mail tests, before their plan: the
# file skipped without aiosmtpd or openssl; the servers killed at the end;
# J, the journeys; a certificate (make_cert) that WA_CA_FILE trusts; secrets
# made up for the test (WA_TOKEN test-token-TAG, WA_UNSUBSCRIBE_SECRET
# t-TAG-unsub-secret), WA_PHONE_NUMBER_ID, WA_PUBLIC_URL; no SMTP login
mail_world() {
	/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null && command -v openssl >/dev/null || {
		echo "1..0 # SKIP no aiosmtpd or openssl (scripts/deps installs python3-aiosmtpd, openssl)"
		exit 0
	}
	_kill_at_exit
	J=$TOP/scripts/journeys
	make_cert || { echo "Bail out! openssl could not make a certificate"; exit 1; }
	WA_TOKEN=test-token-$1
	WA_PHONE_NUMBER_ID=106540352242922
	WA_UNSUBSCRIBE_SECRET=t-$1-unsub-secret
	WA_PUBLIC_URL=https://shop.example.com/wa
	WA_CA_FILE=$TMP/cert.pem
	export WA_TOKEN WA_PHONE_NUMBER_ID WA_UNSUBSCRIBE_SECRET WA_PUBLIC_URL WA_CA_FILE
	unset WA_SMTP_USER WA_SMTP_PASSWORD WA_SMTP_PASSWORD_FILE WA_SMTP_STARTTLS
}

# start_mail [MOCK-ARGS...]: after mail_world, mock-graph with the templates
# of $TMP/tpl.jsonl and MOCK-ARGS, its requests in $TMP/graph.log (PORT,
# WA_API_URL), and tests/smtp-sink.py with STARTTLS, its messages in $TMP/sink
# (SPORT, WA_SMTP_URL); bails out when one does not start
start_mail() {
	start_mock graph -T "$TMP/tpl.jsonl" -o "$TMP/graph.log" "$@" ||
		{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
	WA_API_URL=http://127.0.0.1:$PORT/v21.0
	start_smtp sink --cert "$TMP/cert.pem" --key "$TMP/key.pem" ||
		{ echo "Bail out! tests/smtp-sink.py did not start"; exit 1; }
	WA_SMTP_URL=smtp://127.0.0.1:$SPORT
	export WA_API_URL WA_SMTP_URL
}

# orders_world TAG: the set-up of the order journeys' tests: the servers
# killed at the end; J, the journeys; WA_TOKEN (test-token-TAG) and
# WA_PHONE_NUMBER_ID made up for the test; WA_NOW 2026-11-23T15:00:00Z and no
# quiet hours (UTILITY_QUIET); mock-graph with the order_confirmation and
# shipping_update templates ($TMP/tpl.jsonl), its requests in $TMP/graph.log
# (PORT, WA_API_URL); H, the made $WA_HOME. Bails out when the mock does not start
orders_world() {
	_kill_at_exit
	J=$TOP/scripts/journeys
	WA_TOKEN=test-token-$1
	WA_PHONE_NUMBER_ID=106540352242922
	WA_NOW=2026-11-23T15:00:00Z
	UTILITY_QUIET=
	export WA_TOKEN WA_PHONE_NUMBER_ID WA_NOW UTILITY_QUIET
	printf '%s\n' '{"name":"order_confirmation","language":"en_US","body_params":3}' \
		'{"name":"shipping_update","language":"en_US","body_params":3}' >"$TMP/tpl.jsonl"
	start_mock graph -T "$TMP/tpl.jsonl" -o "$TMP/graph.log" ||
		{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
	WA_API_URL=http://127.0.0.1:$PORT/v21.0
	export WA_API_URL
	H=$WA_HOME
	mkdir -p "$H"
}

# mailed: the addresses the SMTP server of start_mail delivered to, sorted, on one line
mailed() { jq -r 'select(.event == "delivered") | .to[0]' "$TMP/sink/log.jsonl" 2>/dev/null | sort | paste -sd' '; }

# channel_world: the set-up of the wa-report -b channel tests: $WA_HOME made,
# L its ledger, E its spool, C its customer file
channel_world() {
	mkdir -p "$WA_HOME"
	L=$WA_HOME/ledger.jsonl
	E=$WA_HOME/events.jsonl
	C=$WA_HOME/customers.jsonl
}

# spring_mail ID:USER...: the spring campaign's e-mail to USER@example.org
# (customer ID), sent 2026-10-01 10:00, appended to L as wa-mail writes it
spring_mail() {
	for _c; do
		printf '{"event":"sent","key":"spring/email:%s@example.org","campaign":"spring","id":"%s","to":"mail:%s","email":"%s@example.org","channel":"email","at":"2026-10-01T10:00:00Z"}\n' \
			"${_c#*:}" "${_c%:*}" "${_c#*:}" "${_c#*:}" >>"$L"
	done
}

# ev FILE ID: the wa-send event (and reason or error class) of record ID in FILE
ev() {
	jq -r --arg id "$2" 'select(.id == $id) |
		.event + (if .reason then " " + .reason elif .error then " " + .error.class else "" end)' "$1"
}

# lines FILE: how many lines FILE has
lines() { wc -l <"$1" | tr -d ' '; }

done_testing() {
	[ -n "$_planned" ] || echo "1..$_n"
	[ $_failed -eq 0 ]
	exit $?
}
