#!/bin/sh
# wa-inbox serve: login and its redirects, the list and the thread, and each action
# through the terminal's verbs: the mock Cloud API gets each message once, the inbox
# log the same lines as the terminal's with via: web; CSRF; the headers on every answer.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
plan 25

printf '%s\n' '{"name":"hello","language":"en_US","body_params":0}' \
	'{"name":"review_request","language":"en_US","body_params":2,"buttons":[{"type":"quick_reply"},{"type":"quick_reply"},{"type":"quick_reply"},{"type":"quick_reply"},{"type":"quick_reply"}]}' \
	'{"name":"consent_request","language":"en_US","body_params":0,"buttons":[{"type":"quick_reply"},{"type":"quick_reply"}]}' >"$TMP/tpl.jsonl"
start_world -T "$TMP/tpl.jsonl"
cat >"$WA_HOME/customers.jsonl" <<'EOF2'
{"id":"101","first_name":"Ana","last_name":"Lima","phone":"+447700900101","tier":"gold","tags":["vip"],"orders":3,"spent":420.5,"currency":"GBP","opt_in":true}
EOF2
printf 'ann dept=*\nbo dept=*\nown role=owner\n' >"$WA_HOME/agents"
setpw ann 'ann-password-1'
setpw bo 'bo-password-22'
setpw own 'owner-password-3'
printf 'sorry\tSorry {{first_name|there}}, a new one is on its way ({{agent}})\n' >"$WA_HOME/snippets"
msg Ana 447700900101 wamid.A1 0 '"type":"text","text":{"body":"where is my order #1002?"}' >/dev/null
msg Cy 447700900103 wamid.C1 -108000 '"type":"text","text":{"body":"hello?"}' >/dev/null
msg Bo 447700900102 wamid.B1 300 '"type":"text","text":{"body":"it came broken"}' >/dev/null
WA_TOKEN=$TOKEN wa-templates sync >/dev/null 2>&1
NOW=2026-11-23T10:20:00Z
start_web --now $NOW -t review_request -p '{{first_name|there}}' -p 'your chat' || { echo "Bail out! wa-inbox serve did not start"; exit 1; }
check_same "serve: says its address, a port of its own, on 127.0.0.1" "yes" \
	"$(expr "$U" : 'http://127\.0\.0\.1:[1-9][0-9]*$' >/dev/null && echo yes)"

check_same "no session: GET / is 303 to /login, a POST 401, a script's GET 401" \
	"303 /login|401|401" \
	"$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$U/" | sed "s,$U,,")|$(curl -s -o /dev/null -w '%{http_code}' -d text=x "$U/c/x/note")|$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Requested-With: fetch' "$U/rows")"
check_same "GET /login: the form" "200 1" \
	"$(curl -s -o "$TMP/login.html" -w '%{http_code}' "$U/login") $(grep -c '<form method="post" action="/login" id="login">' "$TMP/login.html")"
check_same "a wrong password, an unknown agent: 401, no cookie" "401 401 0" \
	"$(curl -s -o /dev/null -w '%{http_code}' -d agent=ann -d password=nope "$U/login") $(curl -s -o /dev/null -D "$TMP/h0" -w '%{http_code}' -d agent=zed -d password=ann-password-1 "$U/login") $(grep -ci set-cookie "$TMP/h0")"
ANN=$(login ann 'ann-password-1')
check_same "login: 303 to /, a 64-hex session cookie, HttpOnly, Secure, SameSite=Strict" \
	"303 / yes 1" \
	"$(sed -n '1s/^HTTP\/1.1 \([0-9]*\).*/\1/p' "$TMP/login.h") $(sed -n 's/^Location: \(.*\)\r$/\1/p' "$TMP/login.h") $(expr "$ANN" : '[0-9a-f]\{64\}$' >/dev/null && echo yes) $(grep -c 'wa_sid=[0-9a-f]*; Path=/; HttpOnly; Secure; SameSite=Strict' "$TMP/login.h")"
check_same "the session file holds no session id" "0" "$(grep -c "$ANN" "$WA_HOME/web-sessions")"

get "$ANN" / >"$TMP/list.html"
WA_TOKEN=$TOKEN wa-inbox --now $NOW | jq -r .id >"$TMP/ids"
check_same "the list: wa-inbox list's conversations in its order (SLA), as tr.conv[data-id]" \
	"$(paste -sd' ' "$TMP/ids")" \
	"$(sed -n 's/.*<tr class="conv[^"]*" data-id="\([^"]*\)".*/\1/p' "$TMP/list.html" | paste -sd' ' -)"
check_same "the list: name, tier, state, last message; Cy breached" \
	"Ana Lima gold waiting where is my order #1002?|1" \
	"$(grep 'Ana Lima' "$TMP/list.html" | sed 's/<[^>]*>/ /g; s/  */ /g; s/^ //' | awk '{ print $1, $2, $3, $4 }') $(grep -o 'where is my order #1002?' "$TMP/list.html")|$(grep -c 'class="conv breached" data-id="'"$(sed -n 1p "$TMP/ids")"'"' "$TMP/list.html")"
C_ANA=$(convid +447700900101)
C_CY=$(convid +447700900103)
get "$ANN" "/c/$C_ANA" >"$TMP/t1.html"
check_same "the thread: the card, .msg[data-wamid], #window open, form#reply with the token" "1 1 1 1 1" \
	"$(grep -c 'customer: Ana Lima, +447700900101, id 101' "$TMP/t1.html") $(grep -c 'class="msg in" data-wamid="wamid.A1"' "$TMP/t1.html") $(grep -c 'id="window" class="open"' "$TMP/t1.html") $(grep -c '<form method="post" action="/c/'"$C_ANA"'/reply" id="reply"' "$TMP/t1.html") $(grep -c 'id="reply" enctype="multipart/form-data"><input type="hidden" name="csrf" value="[0-9a-f]\{64\}"' "$TMP/t1.html")"

# the actions, through the terminal's verbs
: >"$TMP/api.log"
check_same "reply: 303 back to the thread" "303" "$(act "$ANN" "/c/$C_ANA/reply" 'text=Hi {{first_name|there}}, #1002 ships today')"
check_same "the mock got it once, filled, keyed as the terminal's replies" \
	"1 +447700900101 Hi Ana, #1002 ships today inbox/$C_ANA/r" \
	"$(lines "$TMP/api.log") $(jq -r '"\(.to) \(.text) \(.key)"' "$TMP/api.log" | sed 's,/r[0-9a-f]*$,/r,')"
KEY=$(jq -r .key "$TMP/api.log")
check_same "the inbox log: the terminal's replied line, with via web" \
	"{\"event\":\"replied\",\"key\":\"$KEY\",\"text\":\"Hi Ana, #1002 ships today\",\"conv\":\"$C_ANA\",\"phone\":\"+447700900101\",\"customer\":\"101\",\"agent\":\"ann\",\"via\":\"web\"}" \
	"$(jq -c 'select(.event == "replied") | del(.at, .wamid)' "$WA_HOME/inbox.jsonl")"
act "$ANN" "/c/$C_ANA/reply" 'text=Hi {{first_name|there}}, #1002 ships today' >"$TMP/st2"
check_same "the same reply again: refused, said, not sent" "422 1 1" \
	"$(cat "$TMP/st2") $(grep -c 'skipped' "$TMP/act.out") $(lines "$TMP/api.log")"
get "$ANN" "/c/$C_ANA" >"$TMP/t2.html"
check_same "the thread shows the reply" "1" "$(grep -c 'class="msg out".*Hi Ana, #1002 ships today' "$TMP/t2.html")"

check_same "a snippet" "303 Sorry Ana, a new one is on its way (ann)" \
	"$(act "$ANN" "/c/$C_ANA/reply" snippet=sorry) $(tail -1 "$TMP/api.log" | jq -r .text)"
act "$ANN" "/c/$C_CY/reply" 'text=sorry for the wait' >"$TMP/st3"
check_same "free text out of the window: refused with the terminal's message, nothing sent" "422 1 2" \
	"$(cat "$TMP/st3") $(grep -c 'the 24-hour window closed at 2026-11-23T04:00:00Z: only a template may go' "$TMP/act.out") $(lines "$TMP/api.log")"
get "$ANN" "/c/$C_CY" >"$TMP/t3.html"
check_same "out of the window: #window closed, the approved templates offered" "1 1" \
	"$(grep -c 'id="window" class="closed"' "$TMP/t3.html") $(grep -c '<option value="hello&#x20;en_US">' "$TMP/t3.html")"
check_same "a template" "303 hello 3" \
	"$(act "$ANN" "/c/$C_CY/reply" 'template=hello en_US') $(tail -1 "$TMP/api.log" | jq -r .template) $(lines "$TMP/api.log")"

cp "$WA_HOME/inbox.jsonl" "$TMP/log.before"
t=$(csrf "$ANN")
s1=$(code "$ANN" "/c/$C_ANA/note" -d text=sneaky)
s2=$(code "$ANN" "/c/$C_ANA/note" -d text=sneaky -d csrf=0000000000000000000000000000000000000000000000000000000000000000)
s3=$(code "$(login bo 'bo-password-22')" "/c/$C_ANA/note" -d text=sneaky -d "csrf=$t")
check_same "CSRF: no token, a wrong one, another session's: 403, nothing logged" "403 403 403 same" \
	"$s1 $s2 $s3 $(cmp -s "$TMP/log.before" "$WA_HOME/inbox.jsonl" && echo same)"
check_same "note" "303 {\"event\":\"note\",\"text\":\"asked about <b>#1002</b>\",\"agent\":\"ann\",\"via\":\"web\"}" \
	"$(act "$ANN" "/c/$C_ANA/note" 'text=asked about <b>#1002</b>') $(jq -c 'select(.event == "note") | {event, text, agent, via}' "$WA_HOME/inbox.jsonl")"
OWN=$(login own 'owner-password-3')
check_same "assign: an agent takes it, not for another; the owner reassigns" \
	"303 403 303 bo own" \
	"$(act "$ANN" "/c/$C_ANA/assign" agent=ann) $(act "$ANN" "/c/$C_ANA/assign" agent=bo) $(act "$OWN" "/c/$C_ANA/assign" agent=bo) $(jq -r 'select(.event == "assigned") | "\(.agent) \(.by)"' "$WA_HOME/inbox.jsonl" | tail -1)"
check_same "close with the survey: the survey template once, keyed by the conversation; closed by web" \
	"303 review_request inbox-survey/$C_ANA 4 own web" \
	"$(act "$OWN" "/c/$C_ANA/close" survey=1) $(tail -1 "$TMP/api.log" | jq -r '"\(.template) \(.key)"') $(lines "$TMP/api.log") $(jq -r 'select(.event == "closed") | "\(.by) \(.via)"' "$WA_HOME/inbox.jsonl")"
check_same "ask-consent: the question once a person" "303 consent_request 5 422 5" \
	"$(act "$OWN" "/c/$C_CY/ask-consent") $(tail -1 "$TMP/api.log" | jq -r .template) $(lines "$TMP/api.log") $(act "$OWN" "/c/$C_CY/ask-consent") $(lines "$TMP/api.log")"

# the headers, on every kind of answer
for p in / /login /app.js /app.css "/c/$C_ANA" /nope "/media/1" /rows; do
	curl -s -o /dev/null -D - -H "Cookie: wa_sid=$ANN" "$U$p"
done >"$TMP/heads"
curl -s -o /dev/null -D - "$U/" >>"$TMP/heads"
curl -s -o /dev/null -D - -d text=x "$U/c/x/note" >>"$TMP/heads"
n=$(grep -c '^HTTP/1.1' "$TMP/heads")
check_same "CSP, nosniff, no-referrer on every answer (200, 303, 401, 404)" "10 10 10 10" \
	"$n $(grep -c "^Content-Security-Policy: default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'" "$TMP/heads") $(grep -c '^X-Content-Type-Options: nosniff' "$TMP/heads") $(grep -c '^Referrer-Policy: no-referrer' "$TMP/heads")"

t=$(csrf "$ANN")
check_same "logout: 303 to /login; the old session then goes to /login, or 401" "303 303 401" \
	"$(code "$ANN" /logout -d "csrf=$t") $(code "$ANN" /) $(code "$ANN" "/c/$C_ANA/note" -d text=x -d "csrf=$t")"
