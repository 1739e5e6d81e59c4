# Helpers of the wa-inbox serve tests (0680-0684): the server, sessions, forms.
# Source it after lib.sh.

# Made up for the tests; never real secrets.
TOKEN=test-token-$$
WA_APP_SECRET=app-secret-$$
WA_VERIFY_TOKEN=verify-$$
WA_PHONE_NUMBER_ID=106540352242922
WA_WABA_ID=102290129340398
export WA_APP_SECRET WA_VERIFY_TOKEN WA_PHONE_NUMBER_ID WA_WABA_ID
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
mkdir -p "$WA_HOME"
SP=$WA_HOME/events.jsonl
T0=1795428000	# 2026-11-23T10:00:00Z

# msg NAME FROM WAMID SECONDS-AFTER-T0 MESSAGE-JSON: a customer writes, through wa-hook
msg() {
	printf '{"object":"whatsapp_business_account","entry":[{"id":"880480571844883","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"%s"},"wa_id":"%s"}],"messages":[{"from":"%s","id":"%s","timestamp":"%s",%s}]}}]}]}' \
		"$1" "$2" "$2" "$3" $((T0 + $4)) "$5" >"$TMP/body.json"
	hook_post "$TMP/body.json"
}
wait_for() {
	_i=0
	until "$@" 2>/dev/null; do
		_i=$((_i + 1)); [ $_i -lt 400 ] || return 1
		sleep 0.05
	done
}
# start_hook and the mock Cloud API answering on the spool
start_world() {
	start_hook hook || { echo "Bail out! bin/wa-hook did not start (make)"; exit 1; }
	WA_NOW=2026-11-23T10:19:00Z WA_TOKEN=$TOKEN start_mock api --inbound "$SP" \
		-o "$TMP/api.log" --webhook "http://127.0.0.1:$HPORT/webhook" --webhook-delay 10 \
		--read 1 --reply 0 "$@" ||
		{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
	APID=$PID
	WA_API_URL=http://127.0.0.1:$PORT/v21.0
	export WA_API_URL
}
# setpw AGENT PASSWORD
setpw() { printf '%s\n' "$2" | wa-inbox passwd "$1" >/dev/null; }
# start_web ARGS...: lib.sh's start_inbox over start_world's hook and mock; sets U (its base URL)
start_web() { start_inbox "$@" && U=$W; }
# login AGENT PASSWORD: the session id of a login, or nothing
login() {
	curl -s -o /dev/null -D "$TMP/login.h" --data-urlencode "agent=$1" \
		--data-urlencode "password=$2" "$U/login"
	sed -n 's/^[Ss]et-[Cc]ookie: wa_sid=\([0-9a-f]*\);.*/\1/p' "$TMP/login.h" | tr -d '\r'
}
# get SID PATH [CURL ARGS...]: the page to stdout
get() { _s=$1 _p=$2; shift 2; curl -s -H "Cookie: wa_sid=$_s" "$@" "$U$_p"; }
# code SID PATH [CURL ARGS...]: the HTTP status only
code() { _s=$1 _p=$2; shift 2; curl -s -o /dev/null -w '%{http_code}' -H "Cookie: wa_sid=$_s" "$@" "$U$_p"; }
# csrf SID: the token in the session's pages
csrf() { get "$1" / | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1; }
# act SID PATH FIELD=VALUE... [@FILE]: a POST of a form with the session's token; the status
act() {
	_s=$1 _p=$2; shift 2
	_t=$(csrf "$_s")
	for _f; do
		case $_f in
		@*) set -- "$@" -F "file=$_f" ;;
		*) set -- "$@" --form-string "$_f" ;;
		esac
		shift
	done
	curl -s -o "$TMP/act.out" -w '%{http_code}' -H "Cookie: wa_sid=$_s" \
		--form-string "csrf=$_t" "$@" "$U$_p"
}
# convid PHONE: the open conversation of PHONE
convid() { WA_TOKEN=$TOKEN wa-inbox --now "$NOW" | jq -r "select(.phone == \"$1\") | .id"; }
