#!/bin/sh
# wa-inbox serve reads the agents file again when it changes (inode, size,
# time): a new agent logs in without a restart, a removed agent's sessions
# and event streams end, a changed department changes what an agent sees,
# and a bad edit is said on stderr while the server goes on with the agents
# it had. The server's reading is known by the change event it sends on
# /events, not by waiting.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
plan 9

two_agents
serve_two
check_same "zed is no agent yet: no login" "" "$(login zed 'zed-password-333')"

# stream NAME SID: an event stream of the session, to $TMP/NAME.sse; $TMP/NAME.end once it ended
stream() {
	(curl -s -N -H "Cookie: wa_sid=$2" -H 'Accept: text/event-stream' "$U/events" >"$TMP/$1.sse" 2>/dev/null
		echo ended >"$TMP/$1.end") &
	PIDS="$PIDS $!"
	wait_for grep -q '^: ready' "$TMP/$1.sse"
}
# edit: the agents file replaced by $TMP/agents (one change), then until
# bo's stream tells of it: the server has read the file
edit() {
	_e=$(grep -c '^event: change' "$TMP/bo.sse")
	mv "$TMP/agents" "$WA_HOME/agents"
	wait_for sh -c '[ "$(grep -c "^event: change" "$1")" -gt "$2" ]' - "$TMP/bo.sse" "$_e"
}
stream bo "$BO"
stream ann "$ANN"

# zed and a password, made aside, then put in place at once
cp "$WA_HOME/agents" "$TMP/agents"
printf 'zed dept=*\n' >>"$TMP/agents"
mkdir -p "$TMP/aside" && cp "$TMP/agents" "$TMP/aside/agents"
printf 'zed-password-333\n' | WA_HOME=$TMP/aside wa-inbox passwd zed >/dev/null
cp "$TMP/aside/agents" "$TMP/agents"
edit
ZED=$(login zed 'zed-password-333')
check_same "a new agent logs in without a restart" "64 200" \
	"$(printf %s "$ZED" | wc -c | tr -d ' ') $(code "$ZED" /)"

# ann taken out
heard=$(grep -c '^event: change' "$TMP/ann.sse")
grep -v '^ann' "$WA_HOME/agents" >"$TMP/agents"
edit
check_same "a removed agent's session ends: 303 to /login, 401 for a script" "303 401" \
	"$(code "$ANN" /) $(code "$ANN" /rows -H 'X-Requested-With: fetch')"
check_same "and a password no longer logs ann in" "" "$(login ann 'ann-password-1')"
check_same "the others go on" "200 200" "$(code "$BO" /) $(code "$ZED" "/c/$C_ANA")"

# zed moved to sales: the conversation (no department) is no longer zed's
sed 's/^zed dept=\*/zed dept=sales/' "$WA_HOME/agents" >"$TMP/agents"
edit
check_same "a changed department: zed no longer sees the conversation" "403 0" \
	"$(code "$ZED" "/c/$C_ANA") $(get "$ZED" / | grep -c '<tr class="conv')"

# a bad edit
_l=$(lines "$TMP/inbox.err")
{ cat "$WA_HOME/agents"; printf 'bad colour=blue\n'; } >"$TMP/agents"
edit
check_same "a bad edit: said on stderr, the agents as they were" \
	"wa-inbox: $WA_HOME/agents:3: colour=blue: unknown field; the agents stay as they were" \
	"$(tail -n +$((_l + 1)) "$TMP/inbox.err")"
check_same "and the server goes on, with them" "200 alive" \
	"$(code "$BO" /) $(kill -0 "$IPID" 2>/dev/null && echo alive)"
wait_for test -f "$TMP/ann.end"
check_same "ann's event stream was ended when she was taken out, with no change told" "ended 0" \
	"$(cat "$TMP/ann.end" 2>/dev/null) $(($(grep -c '^event: change' "$TMP/ann.sse") - heard))"
done_testing
