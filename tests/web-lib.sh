# Helpers of the wa-inbox serve tests (0680-0684): the server, sessions, forms.
# Source it after lib.sh.

inbox_world
# setpw AGENT PASSWORD
setpw() { printf '%s\n' "$2" | wa-inbox passwd "$1" >/dev/null; }
# start_web ARGS...: lib.sh's start_inbox over start_world's hook and mock; sets U (its base URL)
start_web() { start_inbox "$@" && U=$W; }
# two_agents [MOCK-ARGS...]: start_world with MOCK-ARGS, agents ann and bo of
# every department (passwords ann-password-1, bo-password-22) and Ana's
# message (+447700900101, wamid.A1 at T0) through wa-hook
two_agents() {
	start_world "$@"
	printf 'ann dept=*\nbo dept=*\n' >"$WA_HOME/agents"
	setpw ann 'ann-password-1'
	setpw bo 'bo-password-22'
	msg Ana 447700900101 wamid.A1 0 '"type":"text","text":{"body":"where is my order?"}' >/dev/null
}
# serve_two: after two_agents, the server at NOW (2026-11-23T10:20:00Z), or
# bail out; ANN and BO, the two agents' sessions; C_ANA, Ana's conversation
serve_two() {
	NOW=2026-11-23T10:20:00Z
	start_web --now $NOW || { echo "Bail out! wa-inbox serve did not start"; exit 1; }
	ANN=$(login ann 'ann-password-1')
	BO=$(login bo 'bo-password-22')
	C_ANA=$(convid +447700900101)
}
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
