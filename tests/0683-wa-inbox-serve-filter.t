#!/bin/sh
# wa-inbox serve's list takes wa-inbox list's -e expressions (the query's e):
# the same rows as the terminal's, with the other filters too; the expression
# kept in the form, escaped; a bad one is a 400 that shows the parser's message
# and caret, as the terminal says it, and the server goes on serving.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
plan 9

start_world
cat >"$WA_HOME/customers.jsonl" <<'EOF2'
{"id":"101","first_name":"Ana","last_name":"Lima","phone":"+447700900101","tier":"gold","tags":["vip"],"orders":3,"spent":420.5,"currency":"GBP","opt_in":true}
{"id":"102","first_name":"Bo","last_name":"Berg","phone":"+447700900102","tier":"silver","tags":[],"orders":1,"spent":20,"currency":"GBP","opt_in":true}
EOF2
printf 'ann dept=*\nsal dept=sales\n' >"$WA_HOME/agents"
setpw ann 'ann-password-1'
setpw sal 'sal-password-22'
msg Ana 447700900101 wamid.A1 0 '"type":"text","text":{"body":"where is my order #1002?"}' >/dev/null
msg Bo 447700900102 wamid.B1 300 '"type":"text","text":{"body":"it came broken"}' >/dev/null
msg Cy 447700900103 wamid.C1 -108000 '"type":"text","text":{"body":"hello?"}' >/dev/null
NOW=2026-11-23T10:20:00Z
start_web --now $NOW || { echo "Bail out! wa-inbox serve did not start"; exit 1; }
ANN=$(login ann 'ann-password-1')
SAL=$(login sal 'sal-password-22')
# ids SID QUERY: the list's conversations, in order; cli ARGS...: wa-inbox list's
ids() { get "$1" "/?$2" | sed -n 's/.*<tr class="conv[^"]*" data-id="\([^"]*\)".*/\1/p' | paste -sd' ' -; }
# fetch SID PATH FILE [CURL ARGS...]: the page into FILE, its status out
fetch() { _s=$1 _p=$2 _f=$3; shift 3; curl -s -o "$_f" -w '%{http_code}' -H "Cookie: wa_sid=$_s" "$@" "$U$_p"; }
# eval FILE: the list form's expression, its attribute escapes undone
eval_() { sed -n 's/.*<input name="e" value="\([^"]*\)".*/\1/p' "$1" |
	sed 's/&#x20;/ /g; s/&#x3D;/=/g; s/&#x22;/"/g; s/&#x26;/\&/g; s/&#x3C;/</g; s/&#x3E;/>/g'; }
cli() { WA_TOKEN=$TOKEN wa-inbox --now $NOW "$@" | jq -r .id | paste -sd' ' -; }

check_same "e: the rows of wa-inbox list -e, in its order" \
	"$(cli -e 'tier == "gold" || tier == "silver"')" \
	"$(ids "$ANN" 'e=tier+%3D%3D+%22gold%22+%7C%7C+tier+%3D%3D+%22silver%22')"
check_same "with the other filters: --breached -e" "$(cli --breached -e 'waited > 60')|1" \
	"$(ids "$ANN" 'breached=1&e=waited+%3E+60')|$(cli --breached -e 'waited > 60' | wc -w | tr -d ' ')"
check_same "an agent's -e keeps to what the agent may see" "0|3" \
	"$(get "$SAL" '/?e=waited+%3E%3D+0' | grep -c '<tr class="conv')|$(get "$ANN" '/?e=waited+%3E%3D+0' | grep -c '<tr class="conv')"

get "$ANN" '/?e=name+%3D%3D+%22%3Cb+onmouseover%3Dx%3E%22' >"$TMP/hostile.html"
check_same "the expression stays in the form, escaped for the attribute" 'name == "<b onmouseover=x>" 0 0 1' \
	"$(eval_ "$TMP/hostile.html") $(grep -c '<b onmouseover' "$TMP/hostile.html") $(sed -n 's/.*<input name="e" value="\([^"]*\)".*/\1/p' "$TMP/hostile.html" | grep -c '[<>]') $(grep -c 'no conversation' "$TMP/hostile.html")"

# a bad expression: the terminal's message, on the page
WA_TOKEN=$TOKEN wa-inbox --now $NOW -e 'tier == "gold" &&' 2>"$TMP/cli.err" >/dev/null
sed 's/^wa-inbox: //' "$TMP/cli.err" >"$TMP/cli.msg"
st=$(fetch "$ANN" '/?e=tier+%3D%3D+%22gold%22+%26%26' "$TMP/bad.html")
sed -n '/<pre class="error" id="expr-error">/,/<\/pre>/p' "$TMP/bad.html" |
	sed 's/<pre class="error" id="expr-error">//; s,</pre>,,' |
	sed 's/&quot;/"/g; s/&amp;/\&/g; s/&#x20;/ /g; s/&#x3D;/=/g' >"$TMP/page.msg"
check_same "a bad expression: 400, no rows" "400 0" "$st $(grep -c '<tr class="conv' "$TMP/bad.html")"
check_same "the page says the parser's message and caret, as the terminal does" \
	"$(cat "$TMP/cli.msg")" "$(cat "$TMP/page.msg")"
check_same "the form keeps it to mend" 'tier == "gold" &&' "$(eval_ "$TMP/bad.html")"
st=$(fetch "$ANN" '/rows?e=%28%28' "$TMP/bad.rows" -H 'X-Requested-With: fetch')
check_same "the rows fragment too: 400 with the message" "400 1" \
	"$st $(grep -c '^-e, column [0-9]*: ' "$TMP/bad.rows")"
check_same "and the server goes on: the list again, 200" "200 alive" \
	"$(code "$ANN" /) $(kill -0 "$IPID" 2>/dev/null && echo alive)"
done_testing
