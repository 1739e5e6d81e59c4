#!/bin/sh
# wa-inbox serve attacked with curl: POSTs without or with a wrong CSRF
# token, a session stolen after logout and after logout-all, 100 wrong
# passwords, another department's conversation, path traversal in media
# and upload names; the security headers on every answer, the cookie's
# flags, and no secret in any page or in the server's stderr.
. "$(dirname "$0")/lib.sh"

PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
mkdir -p "$WA_HOME" "$TMP/h" "$TMP/b"
cat >"$WA_HOME/customers.jsonl" <<'EOF'
{"id":"101","first_name":"Ana","phone":"+447700900101","orders":3,"opt_in":true}
{"id":"102","first_name":"Bo","phone":"+447700900102","opt_in":true}
EOF
cat >"$WA_HOME/agents" <<'EOF'
ann dept=after-sale
bea dept=complaint
own role=owner
EOF
chmod 600 "$WA_HOME/agents"
cp "$TOP/scripts/rules/inbox.routes" "$WA_HOME/routes"
PW='ann has a long password'
for a in ann bea own; do
	printf '%s\n' "$PW" | wa-inbox passwd $a >"$TMP/passwd.out" 2>&1 ||
		{ echo "Bail out! wa-inbox passwd: $(cat "$TMP/passwd.out")"; exit 1; }
done
start_inbox || { echo "Bail out! wa-inbox serve did not start (make build-tests)"; exit 1; }
inbound Ana 447700900101 wamid.A1 -300 '{"type": "text", "text": {"body": "where is my order?"}}' >/dev/null
inbound Bo 447700900102 wamid.B1 -200 '{"type": "text", "text": {"body": "it came broken"}}' >/dev/null
WA_TOKEN=$TOKEN wa-inbox route >/dev/null
ANA=$(WA_TOKEN=$TOKEN wa-inbox list | jq -r 'select(.phone == "+447700900101") | .id')
BO=$(WA_TOKEN=$TOKEN wa-inbox list | jq -r 'select(.phone == "+447700900102") | .id')

# req NAME METHOD PATH [CURL-ARGS...]: the answer's status; its headers in
# $TMP/h/NAME, its body in $TMP/b/NAME
req() {
	_nm=$1 _m=$2 _p=$3
	shift 3
	curl -s --path-as-is -X "$_m" -D "$TMP/h/$_nm" -o "$TMP/b/$_nm" -w '%{http_code}' "$@" "$W$_p"
}
# login NAME AGENT PASSWORD [CURL-ARGS...]: POST /login; ST its status, SID the session id
login() {
	_nm=$1 _a=$2 _pw=$3
	shift 3
	ST=$(req "$_nm" POST /login --data-urlencode "agent=$_a" --data-urlencode "password=$_pw" "$@")
	SID=$(sed -n 's/^set-cookie: wa_sid=\([0-9a-f]*\);.*/\1/Ip' "$TMP/h/$_nm")
}
# csrf NAME: the token of the first form of page NAME
csrf() { grep -o 'name="csrf" value="[0-9a-f]*"' "$TMP/b/$1" | head -1 | sed 's/.*value="//; s/"$//'; }
# state: what an action changes (the inbox log, the ledger, the mock's log)
state() { cat "$WA_HOME/inbox.jsonl" "$WA_HOME/ledger.jsonl" "$TMP/api.log" 2>/dev/null | cksum; }
# header NAME H: the value of header H of answer NAME
header() { sed -n "s/^$2: *//Ip" "$TMP/h/$1" | tr -d '\r'; }

plan 27

login in1 ann "$PW"
check_same "login: 303 to the list, a session cookie" "303 / 64" "$ST $(header in1 Location) ${#SID}"
cookie=$(sed -n 's/^set-cookie: *//Ip' "$TMP/h/in1" | tr -d '\r')
check_same "the cookie: HttpOnly, Secure, SameSite=Strict" "HttpOnly Secure SameSite=Strict" \
	"$(echo "$cookie" | tr ';' '\n' | sed 's/^ *//' | grep -Ei '^(httponly|secure|samesite=strict)$' | paste -sd' ' -)"
S1=$SID
check_same "with it: the list, Ana's thread" "200 200" \
	"$(req list GET / -b "wa_sid=$S1") $(req ana GET "/c/$ANA" -b "wa_sid=$S1")"
TOK=$(csrf ana)
check_same "a CSRF token, the same, in every form of the thread" \
	"$(grep -o '<form method="post"' "$TMP/b/ana" | wc -l | tr -d ' ')" \
	"$(grep -o "name=\"csrf\" value=\"$TOK\"" "$TMP/b/ana" | wc -l | tr -d ' ')"
check "the token is not the session id" test -n "$TOK" -a "$TOK" != "$S1"

# CSRF: every POST without the token, with another's, with a wrong one: 403, nothing changes.
before=$(state)
# the token with its last digit changed: ${TOK%?}0 is the token itself when it ends in 0
case $TOK in *0) WRONG=${TOK%?}1 ;; *) WRONG=${TOK%?}0 ;; esac
out=
for v in reply note assign close ask-consent; do
	out="$out $(req x1 POST "/c/$ANA/$v" -b "wa_sid=$S1" -d text=hi -d agent=ann)"
	out="$out $(req x2 POST "/c/$ANA/$v" -b "wa_sid=$S1" -d text=hi -d agent=ann -d csrf=)"
	out="$out $(req x3 POST "/c/$ANA/$v" -b "wa_sid=$S1" -d text=hi -d agent=ann -d "csrf=$WRONG")"
	out="$out $(req x4 POST "/c/$ANA/$v" -b "wa_sid=$S1" -F text=hi -F "csrf=$(echo "$TOK" | tr 0-9a-f a-f0-9)")"
done
check_same "POST without, with an empty, a wrong, a mangled token: 403 each" \
	" $(printf '403 %.0s' $(seq 20) | sed 's/ $//')" "$out"
check_same "... and nothing changed (inbox log, ledger, mock)" "$before" "$(state)"
s=$(req x5 POST "/c/$ANA/note" -b "wa_sid=$S1" -d "csrf=$TOK" -d text=checked)
check_same "the same POST with the token: done" "yes" \
	"$(case $s in 200|303) grep -q '"checked"' "$WA_HOME/inbox.jsonl" && echo yes;; *) echo "$s";; esac)"
before=$(state)
for v in reply note assign close ask-consent; do
	req x6 GET "/c/$ANA/$v?csrf=$TOK&text=hi&agent=ann" -b "wa_sid=$S1" >/dev/null
done
check_same "a GET never changes anything (GET /c/ID/close, ...?csrf=)" "$before" "$(state)"

# Another department: ann (after-sale) cannot see Bo's complaint; bea can, the owner too.
check_same "ann opening the complaint department's conversation: 403" 403 "$(req bo1 GET "/c/$BO" -b "wa_sid=$S1")"
check_same "... nor acting on it: 403, nothing changed" "403 $(state)" \
	"$(req bo2 POST "/c/$BO/note" -b "wa_sid=$S1" -d "csrf=$TOK" -d text=peek) $(state)"
check_same "... nor sees it in her list" "$ANA" \
	"$(grep -o 'tr class="conv[^"]*" data-id="[^"]*"' "$TMP/b/list" | sed 's/.*data-id="//; s/"$//' | paste -sd' ' -)"
login bea bea "$PW"
S2=$SID
login own own "$PW"
S3=$SID
check_same "bea (complaint) and the owner may: 200 200" "200 200" \
	"$(req bo3 GET "/c/$BO" -b "wa_sid=$S2") $(req bo4 GET "/c/$BO" -b "wa_sid=$S3")"

# Path traversal: in /media/ and upload names.
out=
for p in "/media/../../../etc/passwd" "/media/..%2f..%2fhome%2fevents.jsonl" "/media/%2e%2e/agents" \
	"/media/....//....//agents" "/media/777001/../../agents" "/uploads/x" "/../agents" "/c/../agents"; do
	out="$out $(req tr GET "$p" -b "wa_sid=$S1")"
done
check_same "traversal in /media/ and elsewhere: 404 each" " 404 404 404 404 404 404 404 404" "$out"
printf '\377\330\377\340 a photo' >"$TMP/p.jpg"
esc=escaped-$$.jpg
s=$(req up POST "/c/$ANA/reply" -b "wa_sid=$S1" -F "csrf=$TOK" -F "caption=x" \
	-F "file=@$TMP/p.jpg;filename=../../../../../../$esc;type=image/jpeg")
out=
for d in / /tmp "$(dirname "$TMP")" "$TMP" "$WA_HOME" "$TOP" "$PWD"; do
	[ -e "$d/$esc" ] && out="$out $d"
done
check_same "an upload named ../../../../../../$esc: no such file anywhere" "" \
	"$out$(find "$TMP" -name "*escaped*")"
check_same "... and the photo went, under a name of the server's" "$s image" "$(tail -1 "$TMP/api.log" | jq -r .type | sed "s/^/$s /")"

# The headers, on every answer: pages, assets, errors.
want="default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'|nosniff|no-referrer"
bad=
for n in in1 list ana x1 x3 x5 bo1 bo2 tr up; do
	got="$(header $n Content-Security-Policy)|$(header $n X-Content-Type-Options)|$(header $n Referrer-Policy)"
	[ "$got" = "$want" ] || bad="$bad $n($got)"
done
for p in /login /app.js /app.css /nowhere "/c/nope" "/media/1"; do
	req hd GET "$p" -b "wa_sid=$S1" >/dev/null
	got="$(header hd Content-Security-Policy)|$(header hd X-Content-Type-Options)|$(header hd Referrer-Policy)"
	[ "$got" = "$want" ] || bad="$bad $p($got)"
done
req hd GET / >/dev/null
got="$(header hd Content-Security-Policy)|$(header hd X-Content-Type-Options)|$(header hd Referrer-Policy)"
[ "$got" = "$want" ] || bad="$bad /-no-session($got)"
check_same "CSP, nosniff, no-referrer on every answer, errors and redirects too" "" "$bad"

# Stolen sessions: after logout, after logout-all.
req list2 GET / -b "wa_sid=$S1" >/dev/null
T1=$(csrf list2)
s=$(req out POST /logout -b "wa_sid=$S1" -d "csrf=$T1")
check_same "logout: 303 to /login" "303 /login" "$s $(header out Location)"
check_same "the old cookie after logout: GET 303 to /login, POST 401" "303 /login 401" \
	"$(req st1 GET / -b "wa_sid=$S1") $(header st1 Location) $(req st2 POST "/c/$ANA/note" -b "wa_sid=$S1" -d "csrf=$TOK" -d text=stolen)"
login in2 ann "$PW"
S4=$SID
s1=$(req st3 GET / -b "wa_sid=$S4")
WA_TOKEN=$TOKEN wa-inbox logout-all ann 2>"$TMP/logout-all.err"
check_same "logout-all: the session worked, then GET 303, POST 401" "200 303 401" \
	"$s1 $(req st4 GET / -b "wa_sid=$S4") $(req st5 POST "/c/$ANA/note" -b "wa_sid=$S4" -d "csrf=$TOK" -d text=stolen)"
check_same "... other agents' sessions live on" 200 "$(req st6 GET / -b "wa_sid=$S2")"
check "nothing stolen got in" sh -c '! grep -q stolen "$1"' - "$WA_HOME/inbox.jsonl"

# 100 wrong passwords from one address: throttled; the real agent, from
# another address (127.0.0.2, which the loopback takes), still logs in.
codes=$(for i in $(seq 100); do login bad ann "wrong password $i"; echo "$ST"; done | sort | uniq -c | awk '{ print $2 ":" $1 }' | paste -sd' ' -)
echo "# 100 wrong passwords: $codes"
check "100 wrong passwords: never in, throttled (429)" sh -c 'echo "$1" | grep -q "429:" && ! echo "$1" | grep -q "303:"' - "$codes"
login bad ann "$PW"
check_same "... even the right one from the attacker's address waits" 429 "$ST"
login real ann "$PW" --interface 127.0.0.2
check_same "the real agent from her own address logs in" "303 64" "$ST ${#SID}"

# No secret in any page, nor in the server's stderr.
hash=$(grep -o 'pw=[^[:space:]]*' "$WA_HOME/agents" | head -1 | sed 's/^pw=//')
check "the agents file holds a hash to look for" test -n "$hash"
leak=
for s in "$TOKEN" "$S1" "$S2" "$S3" "$S4" "$hash" "$PW"; do
	grep -rlF -- "$s" "$TMP/b" "$TMP/inbox.err" "$TMP/inbox.out" >/dev/null 2>&1 && leak="$leak ${s%"${s#??????}"}..."
done
check_same "no token, session id, hash or password in any page or the server's output" "" "$leak"
done_testing
