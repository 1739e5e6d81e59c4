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
