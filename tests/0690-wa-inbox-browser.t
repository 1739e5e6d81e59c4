#!/bin/sh
# The web inbox in headless Chromium (tests/cdp.py): an agent logs in,
# opens a conversation, replies with a snippet and with a photo; each
# reaches the mock Cloud API once and shows in the thread; no sideways
# scroll at 390 and 1280 px; no console message, no dialog, no request
# leaving 127.0.0.1; a customer's new message shows in the open list.
. "$(dirname "$0")/lib.sh"
browser_world
cat >"$WA_HOME/customers.jsonl" <<'EOF'
{"id":"101","first_name":"Ana","last_name":"Lima","phone":"+447700900101","tier":"gold","orders":3,"spent":420.5,"currency":"GBP","opt_in":true}
EOF
printf 'ann dept=* role=owner\n' >"$WA_HOME/agents"
printf 'ships\tHi {{first_name|there}}, your order ships today.\n' >"$WA_HOME/snippets"
PW='a long test password'
browser_inbox "$PW" ann

plan 18

c1=$(inbound Ana 447700900101 wamid.A1 -300 '{"type": "text", "text": {"body": "where is my order?"}}')
c2=$(inbound Bo 447700900102 wamid.B1 -200 '{"type": "text", "text": {"body": "do you ship to Spain?"}}')
check_same "two customers write through wa-hook" "200 200" "$c1 $c2"
ANA=$(WA_TOKEN=$TOKEN wa-inbox list | jq -r 'select(.phone == "+447700900101") | .id')
# A photo by its first bytes (the server checks the content, not the name).
printf '\377\330\377\340\000\020JFIF\000 a photo of the parcel' >"$TMP/parcel.jpg"

# the width check, on the page open: scrollWidth - innerWidth
over='document.documentElement.scrollWidth - innerWidth'
cdp >"$TMP/run1" 2>"$TMP/cdp1.err" <<EOF
viewport 390 844
goto $W/
eval location.pathname
type "#login input[name=agent]" ann
type "#login input[name=password]" "$PW"
follow "#login button"
wait tr.conv
eval location.pathname
eval "document.querySelectorAll('tr.conv').length"
eval "$over"
follow "tr.conv[data-id='$ANA'] td.name a"
wait form#reply
eval "document.querySelector('h1').textContent"
eval "$over"
choose "form#reply select[name=snippet]" ships
follow "form#reply button"
wait ".msg.out"
eval "[...document.querySelectorAll('.msg.out .text')].map(e => e.textContent).join('|')"
upload "form#reply input[name=file]" $TMP/parcel.jpg
type "form#reply input[name=caption]" "your parcel"
follow "form#reply button"
until "document.querySelectorAll('.msg.out').length == 2"
eval "[...document.querySelectorAll('.msg.out')].map(e => e.querySelector('.text').textContent + (e.querySelector('img[src^=\"/media/\"]') ? ' +img' : '')).join('|')"
until "[...document.querySelectorAll('.msg.out img')].every(i => i.complete && i.naturalWidth >= 0)"
eval "$over"
viewport 1280 800
eval "$over"
goto $W/
wait tr.conv
eval "$over"
EOF
check_same "cdp: the script ran" "0:" "$?:$(cat "$TMP/cdp1.err")"
check_same "without a session: the login page" '"/login"' "$(sed -n 1p "$TMP/run1")"
check_same "logged in: the list of both conversations" '"/" 2' "$(sed -n 2,3p "$TMP/run1" | paste -sd' ' -)"
check_same "the list at 390 px: no sideways scroll" 0 "$(sed -n 4p "$TMP/run1" | awk '{ print ($1 > 0) ? $1 : 0 }')"
check_same "her row opens Ana's thread" '"Ana' "$(sed -n 5p "$TMP/run1" | cut -c1-4)"
check_same "the thread at 390 px: no sideways scroll" 0 "$(sed -n 6p "$TMP/run1" | awk '{ print ($1 > 0) ? $1 : 0 }')"
check_same "the snippet, filled, in the thread" '"Hi Ana, your order ships today."' "$(sed -n 7p "$TMP/run1")"
check_same "the photo and its caption in the thread, shown through /media/" \
	'"Hi Ana, your order ships today.|your parcel +img"' "$(sed -n 8p "$TMP/run1")"
check_same "the thread at 390 px with the photo, and at 1280 px; the list at 1280 px: no sideways scroll" \
	"0 0 0" "$(sed -n 9,11p "$TMP/run1" | awk '{ printf "%s%d", (NR > 1) ? " " : "", ($1 > 0) ? $1 : 0 }')"

# The mock Cloud API took each once: the snippet as text, the photo as an image.
check_same "the mock Cloud API: the snippet once, the photo once, to Ana" \
	"text +447700900101 Hi Ana, your order ships today.|image +447700900101 your parcel" \
	"$(jq -r '"\(.type) \(.to) \(.text // .caption)"' "$TMP/api.log" | paste -sd'|' -)"
check_same "each under a key of its own" "2" "$(jq -r .key "$TMP/api.log" | sort -u | wc -l | tr -d ' ')"
check_same "the inbox log: both replies by ann, via web" "ann web|ann web" \
	"$(jq -r 'select(.event == "replied") | "\(.agent) \(.via)"' "$WA_HOME/inbox.jsonl" | paste -sd'|' -)"

# A customer writes while the list is open: the row comes without a reload.
inbound_body Cy 447700900103 wamid.C1 0 '{"type": "text", "text": {"body": "hello from Cy"}}' >"$TMP/cy.json"
post_script "$TMP/cy.json" "$TMP/post-cy"
cdp >"$TMP/run2" 2>"$TMP/cdp2.err" <<EOF
viewport 390 844
$(cdp_login ann "$PW")
eval "(window.stayed = 'yes') && location.pathname"
run sh $TMP/post-cy
until "[...document.querySelectorAll('tr.conv')].some(r => r.textContent.includes('hello from Cy'))" 10
took
eval "window.stayed"
EOF
check_same "cdp: the script ran" "0:" "$?:$(cat "$TMP/cdp2.err")"
check_same "a new customer's message shows in the open list, without a reload" '"/" 200 "yes"' \
	"$(sed -n 1,2p "$TMP/run2" | paste -sd' ' -) $(sed -n 4p "$TMP/run2")"
took=$(sed -n 3p "$TMP/run2")
echo "# the row came $took s after wa-hook took the message"

# Nothing ran that should not, nothing went elsewhere.
check_same "no console message, exception or log entry" "" "$(cat "$TMP/cdp/console.jsonl")"
check_same "no dialog" "" "$(cat "$TMP/cdp/dialogs.jsonl")"
check_same "every request to the inbox itself" "" "$(cut -d' ' -f2- "$TMP/cdp/requests" | grep -v "^$W/")"
done_testing
