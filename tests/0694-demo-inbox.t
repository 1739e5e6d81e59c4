#!/bin/sh
# make demo-inbox's script, run as a user would but left running
# (DEMO_INBOX_DETACH=1): the demo store's conversations served at the
# printed address, the printed one-time password logs in, the next run's
# password replaces it.
. "$(dirname "$0")/lib.sh"

D=$TMP/demo
trap '[ -f "$D/inbox.pids" ] && kill $(cat "$D/inbox.pids") 2>/dev/null; rm -rf "$TMP"' EXIT
plan 8

# run: scripts/demo-inbox detached; sets URL and PASS from what it printed
run() {
	DEMO_OUT=$D DEMO_INBOX_DETACH=1 sh "$TOP/scripts/demo-inbox" >"$TMP/out" 2>"$TMP/err"
	_rc=$?
	URL=$(sed -n "s/^The demo store's team inbox: //p" "$TMP/out")
	PASS=$(sed -n 's/^  password: *\([^ ]*\).*/\1/p' "$TMP/out")
	return $_rc
}
# login PASSWORD: POST /login as ana; ST its status, SID the session
login() {
	ST=$(curl -s -D "$TMP/h" -o /dev/null -w '%{http_code}' --data-urlencode agent=ana \
		--data-urlencode "password=$1" "${URL}login")
	SID=$(sed -n 's/^set-cookie: wa_sid=\([0-9a-f]*\);.*/\1/Ip' "$TMP/h")
}
run
check_same "demo-inbox: the demo first, then exit 0 with the servers running" "0:" "$?:$(cat "$TMP/err")"
check "it prints a local address and an agent" sh -c 'echo "$1" | grep -q "^http://127\.0\.0\.1:[0-9]*/$" && grep -q "agent: *ana" "$2"' - "$URL" "$TMP/out"
check "and a password of 24 random hex digits" sh -c 'echo "$1" | grep -q "^[0-9a-f]\{24\}$"' - "$PASS"
login "$PASS"
check_same "the printed password logs in" 303 "$ST"
n=$(WA_HOME=$D/home WA_NOW=2026-11-01T12:15:00Z wa-inbox list | wc -l | tr -d ' ')
got=$(curl -s -b "wa_sid=$SID" "$URL" | grep -c '<tr class="conv')
check "the demo store's conversations in the list ($got of wa-inbox list's $n)" test "$got" -eq "$n" -a "$n" -ge 3
login "not $PASS"
check "a wrong password does not ($ST)" test "$ST" != 303

# Again: the servers of the first run stopped by hand, a new password.
kill $(cat "$D/inbox.pids") 2>/dev/null
old=$PASS
run
check_same "run again: no demo again, a new password" "0: 0 yes" \
	"$?:$(cat "$TMP/err") $(grep -c 'store first' "$TMP/out") $([ "$PASS" != "$old" ] && echo yes)"
login "$old"
s=$ST
login "$PASS"
check_same "the old password no longer logs in, the new one does" "no 303" \
	"$([ "$s" = 303 ] || echo no) $ST"
done_testing
