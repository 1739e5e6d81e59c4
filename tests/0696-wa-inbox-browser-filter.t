#!/bin/sh
# The list's -e filter in headless Chromium (tests/cdp.py): an agent types
# an expression in the filter form, the list keeps what wa-inbox list -e
# keeps, and a new message from a customer it keeps comes into the open,
# filtered list without a reload (app.js asks /rows with the same query);
# a bad expression shows the parser's message and caret on the page (400),
# with no sideways scroll at 390 px, no dialog and no exception, and the
# server goes on.
. "$(dirname "$0")/lib.sh"
browser_world
cat >"$WA_HOME/customers.jsonl" <<'EOF'
{"id":"101","first_name":"Ana","last_name":"Lima","phone":"+447700900101","tier":"gold","orders":3,"spent":420.5,"currency":"GBP","opt_in":true}
{"id":"102","first_name":"Bo","last_name":"Berg","phone":"+447700900102","tier":"silver","orders":1,"spent":20,"currency":"GBP","opt_in":true}
{"id":"104","first_name":"Dee","last_name":"Dunn","phone":"+447700900104","tier":"gold","orders":2,"spent":310,"currency":"GBP","opt_in":true}
EOF
printf 'ann dept=* role=owner\n' >"$WA_HOME/agents"
PW='a long test password'
browser_inbox "$PW" ann
plan 8

c1=$(inbound Ana 447700900101 wamid.A1 -300 '{"type": "text", "text": {"body": "where is my order?"}}')
c2=$(inbound Bo 447700900102 wamid.B1 -200 '{"type": "text", "text": {"body": "do you ship to Spain?"}}')
check_same "two customers write through wa-hook" "200 200" "$c1 $c2"
ANA=$(WA_TOKEN=$TOKEN wa-inbox list -e 'tier == "gold"' | jq -r .id)
# Dee, gold too, writes while the filtered list is open
inbound_body Dee 447700900104 wamid.D1 0 '{"type": "text", "text": {"body": "hello from Dee"}}' >"$TMP/dee.json"
post_script "$TMP/dee.json" "$TMP/post-dee"
over='document.documentElement.scrollWidth - innerWidth'
ids="[...document.querySelectorAll('tr.conv')].map(r => r.dataset.id).join(' ')"
cdp >"$TMP/run" 2>"$TMP/cdp.err" <<EOF
viewport 390 844
$(cdp_login ann "$PW")
type "#filters input[name=e]" 'tier == "gold"'
follow "#filters button"
eval "$ids"
run sh $TMP/post-dee
until "document.querySelectorAll('tr.conv').length == 2" 10
eval "[...document.querySelectorAll('tr.conv td.name')].map(t => t.textContent).sort().join('|')"
type "#filters input[name=e]" 'tier == "gold" &&'
follow "#filters button"
wait "#expr-error"
eval "document.querySelector('#expr-error').textContent"
eval "document.querySelectorAll('tr.conv').length + ' ' + document.querySelector('#filters input[name=e]').value"
eval "$over"
goto $W/
wait tr.conv
eval "document.querySelectorAll('tr.conv').length"
EOF
check_same "cdp: the script ran" "0:" "$?:$(cat "$TMP/cdp.err")"
check_same "the filter typed in the form keeps wa-inbox list -e's rows" "\"$ANA\"" "$(sed -n 1p "$TMP/run")"
check_same "a new message that the filter keeps comes into the open list" '200|"Ana Lima|Dee Dunn"' \
	"$(sed -n 2,3p "$TMP/run" | paste -sd'|' -)"
WA_TOKEN=$TOKEN wa-inbox -e 'tier == "gold" &&' 2>&1 >/dev/null | sed 's/^wa-inbox: //' | jq -Rs . >"$TMP/cli.msg"
check_same "a bad expression: the parser's message and caret on the page, as the terminal says them" \
	"$(cat "$TMP/cli.msg")" "$(sed -n 4p "$TMP/run")"
check_same "no rows, and the expression kept in the form to mend" '"0 tier == \"gold\" &&"' "$(sed -n 5p "$TMP/run")"
check_same "no sideways scroll at 390 px with the message; the list again after it" "0 3" \
	"$(sed -n 6p "$TMP/run" | awk '{ print ($1 > 0) ? $1 : 0 }') $(sed -n 7p "$TMP/run")"
# The 400 is the one thing the console may say: the browser logs a failed load.
check_same "no dialog, no exception, nothing in the console but the 400" "|" \
	"$(cat "$TMP/cdp/dialogs.jsonl")|$(grep -v 'status of 400' "$TMP/cdp/console.jsonl")"
done_testing
