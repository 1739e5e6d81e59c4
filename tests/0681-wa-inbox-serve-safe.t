#!/bin/sh
# wa-inbox serve against hostile input: a customer's markup shown as text, another
# department's conversation 403, media only through the proxy and only an agent's own
# (traversal 404), uploads by content (JPEG, PNG, PDF) under a name of the server's,
# and no secret in a page, a log or an error.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
plan 16

printf '\377\330\377\340 a customer photo' >"$TMP/in.jpg"
printf '\211PNG\r\n\032\n\000\000\000\rIHDR-a-photo' >"$TMP/invoice.pdf"	# a PNG, named .pdf
printf '%%PDF-1.4\n%% the invoice\n%%%%EOF\n' >"$TMP/doc.bin"
printf 'GIF89a not taken' >"$TMP/anim.gif"
printf '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>' >"$TMP/x.png"
start_world --media 777001="$TMP/in.jpg"
printf 'ann dept=sales\nbo dept=support\nown role=owner\n' >"$WA_HOME/agents"
printf 'sales: text ~ "order"\nsupport: type == "image"\nsupport: text ~ "script"\n' >"$WA_HOME/routes"
setpw ann 'ann-password-1'
setpw bo 'bo-password-22'
setpw own 'owner-password-3'
msg Ana 447700900101 wamid.A1 0 '"type":"text","text":{"body":"where is my order?"}' >/dev/null
msg Bo 447700900102 wamid.B1 60 '"type":"image","image":{"caption":"it came broken","mime_type":"image/jpeg","id":"777001"}' >/dev/null
msg '<img src=x onerror=alert(1)>' 447700900104 wamid.E1 90 \
	'"type":"text","text":{"body":"<script>alert(1)</script> \"><svg onload=alert(2)> javascript:alert(3) {{7*7}}"}' >/dev/null
NOW=2026-11-23T10:20:00Z
WA_TOKEN=$TOKEN wa-inbox --now $NOW route >/dev/null
start_web --now $NOW || { echo "Bail out! wa-inbox serve did not start"; exit 1; }
ANN=$(login ann 'ann-password-1')
BO=$(login bo 'bo-password-22')
OWN=$(login own 'owner-password-3')
C_ANA=$(convid +447700900101)
C_BO=$(convid +447700900102)
C_EVE=$(convid +447700900104)

get "$OWN" / >"$TMP/list.html"
get "$OWN" "/c/$C_EVE" >"$TMP/eve.html"
check_same "a hostile name and text: escaped in the list and the thread, no element made of them" \
	"0 0 0 0 yes yes" \
	"$(grep -c '<script>alert\|<img src=x\|<svg onload' "$TMP/list.html") $(grep -c '<script>alert\|<img src=x\|<svg onload' "$TMP/eve.html") $(grep -c 'href="javascript' "$TMP/eve.html") $(grep -o '<script[^>]*>' "$TMP/eve.html" | grep -vc '^<script src="/app.js" defer>$') $(grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$TMP/eve.html" && echo yes) $(grep -q '&lt;img src=x onerror=alert(1)&gt;' "$TMP/list.html" && echo yes)"
check_same "no inline script, style or event handler in a page" "0 0 0" \
	"$(cat "$TMP/list.html" "$TMP/eve.html" | grep -c '<style') $(cat "$TMP/list.html" "$TMP/eve.html" | grep -c ' on[a-z]*=\"') $(cat "$TMP/list.html" "$TMP/eve.html" | grep -c ' style=')"

check_same "an agent's list: their department's conversations only" "$C_ANA" \
	"$(get "$ANN" / | sed -n 's/.*<tr class="conv[^"]*" data-id="\([^"]*\)".*/\1/p' | paste -sd' ' -)"
cp "$WA_HOME/inbox.jsonl" "$TMP/log.before"
t=$(csrf "$ANN")
check_same "another department's conversation: 403 to see, 403 to act, nothing logged" "403 403 same" \
	"$(code "$ANN" "/c/$C_BO") $(code "$ANN" "/c/$C_BO/note" -d text=x -d "csrf=$t") $(cmp -s "$TMP/log.before" "$WA_HOME/inbox.jsonl" && echo same)"
check_same "an unknown conversation, a phone, a customer id as an address: 404" "404 404 404" \
	"$(code "$OWN" /c/c0000000000) $(code "$OWN" /c/+447700900101) $(code "$OWN" /c/447700900101/msgs)"

get "$BO" "/c/$C_BO" >"$TMP/bo.html"
check_same "the photo inline through /media/ID; neither the token nor the API's address in the page" \
	"1 0 0" \
	"$(grep -c '<img alt="a photo" loading="lazy" src="/media/777001">' "$TMP/bo.html") $(grep -c "$TOKEN" "$TMP/bo.html") $(grep -c "127.0.0.1:$PORT" "$TMP/bo.html")"
curl -s -D "$TMP/mh" -o "$TMP/got.jpg" -H "Cookie: wa_sid=$BO" "$U/media/777001"
check_same "/media/ID: the bytes, typed by content, for the agent who may see it" "same image/jpeg" \
	"$(cmp -s "$TMP/got.jpg" "$TMP/in.jpg" && echo same) $(sed -n 's/^Content-Type: \(.*\)\r$/\1/p' "$TMP/mh")"
check_same "media: another department's, unknown, traversal, not an id: 404" "404 404 404 404 404 404" \
	"$(code "$ANN" /media/777001) $(code "$BO" /media/777002) $(code "$BO" /media/../agents --path-as-is) $(code "$BO" /media/..%2f..%2fagents --path-as-is) $(code "$BO" '/media/777001x') $(code "$BO" /uploads/x)"

: >"$TMP/api.log"
check_same "a photo upload: a PNG named .pdf goes as an image, once" "303 1 image" \
	"$(act "$BO" "/c/$C_BO/reply" "@$TMP/invoice.pdf" 'caption=your invoice') $(lines "$TMP/api.log") $(tail -1 "$TMP/api.log" | jq -r .type)"
check_same "the inbox log: uploaded, then replied with its media id, via web" "uploaded web|replied web true" \
	"$(jq -r 'select(.event == "uploaded") | "\(.event) \(.via)"' "$WA_HOME/inbox.jsonl")|$(jq -r 'select(.event == "replied") | "\(.event) \(.via) \(.media != null)"' "$WA_HOME/inbox.jsonl")"
check_same "a GIF and an SVG named .png: 415, nothing sent" "415 415 1" \
	"$(act "$BO" "/c/$C_BO/reply" "@$TMP/anim.gif") $(act "$BO" "/c/$C_BO/reply" "@$TMP/x.png") $(lines "$TMP/api.log")"
act "$BO" "/c/$C_BO/reply" "@$TMP/doc.bin;filename=../../../evil.pdf" >"$TMP/st"
check_same "a file named ../../../evil.pdf: sent as a document, no such file made" \
	"303 document no" \
	"$(cat "$TMP/st") $(tail -1 "$TMP/api.log" | jq -r .type) $(find "$TMP" / -maxdepth 1 -name evil.pdf 2>/dev/null | grep -q . && echo yes || echo no)"
head -c 17000000 /dev/zero >"$TMP/big.jpg"
check_same "over the upload limit: 413" "413" "$(act "$BO" "/c/$C_BO/reply" "@$TMP/big.jpg")"
check_same "uploads: kept in \$WA_HOME/uploads only while the reply runs" "0" \
	"$(find "$WA_HOME/uploads" -type f | wc -l | tr -d ' ')"

t=$(csrf "$BO")
curl -s -o /dev/null -H "Cookie: wa_sid=$BO" -d "csrf=$t" "$U/logout"
check_same "no secret in the server's output, the log or the pages: token, session ids, hashes" "0 0 0" \
	"$(cat "$TMP/inbox.err" "$TMP/inbox.out" "$WA_HOME/inbox.jsonl" | grep -c "$TOKEN\|$ANN\|$BO\|$OWN\|scrypt") $(cat "$TMP"/*.html | grep -c "$TOKEN\|scrypt") $(grep -c "$ANN\|$BO" "$WA_HOME/web-sessions")"
check_same "a stolen session after logout: 401 to a script, 303 to a page" "401 303" \
	"$(code "$BO" /rows -H 'X-Requested-With: fetch') $(code "$BO" /)"
