#!/bin/sh
# wa-inbox reply --media and fetch, over the mock Cloud API's media upload and download.
. "$(dirname "$0")/lib.sh"

inbox_world

# Media files by their first bytes; their names lie on purpose.
printf '\211PNG\r\n\032\n\000\000\000\rIHDR-a-photo' >"$TMP/invoice.pdf"	# a PNG
printf '%%PDF-1.4\n%% the invoice\n%%%%EOF\n' >"$TMP/photo.jpg"		# a PDF
printf '\377\330\377\340 a customer photo' >"$TMP/in.jpg"
printf 'GIF89a not taken' >"$TMP/anim.gif"
{ printf '\377\330\377\340'; head -c 5300000 /dev/zero; } >"$TMP/big.jpg"

start_world --media 777001="$TMP/in.jpg"
API=$APID
printf 'Authorization: Bearer %s\n' "$TOKEN" >"$TMP/auth"

# upload FILE TYPE: POST it as the Cloud API takes it; the HTTP status, the answer in $TMP/resp
upload() {
	curl -s -o "$TMP/resp" -w '%{http_code}' -H @"$TMP/auth" -F messaging_product=whatsapp \
		-F "type=$2" -F "file=@$1;type=$2" "$WA_API_URL/$WA_PHONE_NUMBER_ID/media"
}
s1=$(upload "$TMP/in.jpg" image/jpeg); ID=$(jq -r .id "$TMP/resp")
s2=$(upload "$TMP/in.jpg" image/png); c2=$(jq -r .error.code "$TMP/resp")
s3=$(upload "$TMP/anim.gif" image/gif); c3=$(jq -r .error.code "$TMP/resp")
s4=$(upload "$TMP/big.jpg" image/jpeg); c4=$(jq -r .error.code "$TMP/resp")
check_same "mock: an upload gets a numeric id; a type its content is not, a type not taken, over 5 MB refused" \
	"200 yes|400 131053|400 100|400 131053" \
	"$s1 $(expr "$ID" : '[0-9]\{16\}$' >/dev/null && echo yes)|$s2 $c2|$s3 $c3|$s4 $c4"
curl -s -H @"$TMP/auth" "$WA_API_URL/$ID" >"$TMP/info"
check_same "mock: GET /MEDIA_ID: mime_type, sha256, file_size, the url" \
	"image/jpeg $(sha256sum <"$TMP/in.jpg" | cut -c1-64) $(wc -c <"$TMP/in.jpg" | tr -d ' ') $ID yes" \
	"$(jq -r '"\(.mime_type) \(.sha256) \(.file_size) \(.id)"' "$TMP/info") $(jq -r .url "$TMP/info" | grep -q "^http://127.0.0.1:$PORT/" && echo yes)"
URL=$(jq -r .url "$TMP/info")
curl -s -H @"$TMP/auth" -o "$TMP/got" "$URL"
check_same "mock: the url gives the bytes with the token, 401 without" "same 401" \
	"$(cmp -s "$TMP/got" "$TMP/in.jpg" && echo same) $(curl -s -o /dev/null -w '%{http_code}' "$URL")"

ib() { _at=$1; shift; WA_TOKEN=$TOKEN WA_AGENT=ann wa-inbox --now "2026-11-23T$_at" "$@"; }

m1=$(msg Bo 447700900102 wamid.B1 60 '"type":"image","image":{"caption":"it came broken","mime_type":"image/jpeg","id":"777001"}')
m2=$(msg Ana 447700900101 wamid.A1 90 '"type":"text","text":{"body":"can I have the invoice?"}')
check_same "two customers write, one with a photo" "200 200" "$m1 $m2"
ib 10:20:00Z show +447700900102 >"$TMP/show1"
check_same "show: the photo as type, id and caption" "1" \
	"$(grep -c '\[image 777001 it came broken\]' "$TMP/show1")"

ib 10:20:10Z fetch 777001 -o "$TMP/photo-in.jpg" >"$TMP/f1" 2>"$TMP/fe1"
check_same "fetch -o FILE: the customer's bytes, a line saying what they are, no url" \
	"0 same image/jpeg $(sha256sum <"$TMP/in.jpg" | cut -c1-64) $TMP/photo-in.jpg null" \
	"$? $(cmp -s "$TMP/photo-in.jpg" "$TMP/in.jpg" && echo same) $(jq -r '"\(.mime_type) \(.sha256) \(.file) \(.url)"' "$TMP/f1")"
ib 10:20:10Z fetch 777001 >"$TMP/f2"
check_same "fetch to stdout: the bytes only" "0 same" \
	"$? $(cmp -s "$TMP/f2" "$TMP/in.jpg" && echo same)"
WA_TOKEN=$TOKEN script -qec "wa-inbox fetch 777001" /dev/null >"$TMP/f2t" </dev/null
check_same "fetch to a terminal: exit 2, no bytes on it" "2 0" \
	"$? $(grep -c 'customer photo' "$TMP/f2t")"
ib 10:20:10Z fetch 999 -o "$TMP/none.jpg" >"$TMP/f3" 2>"$TMP/fe3"
check_same "fetch of a media that does not exist: exit 1, said, no file" "1 1 absent" \
	"$? $(grep -c '^wa-inbox: 999: .*100' "$TMP/fe3") $([ -e "$TMP/none.jpg" ] && echo there || echo absent)"
WA_API_URL=http://127.0.0.1:$PORT/v21.0 WA_TOKEN=wrong-$TOKEN wa-inbox fetch 777001 >"$TMP/f4" 2>&1
check_same "a wrong token: exit 1, and no token ever printed" "1 0" \
	"$? $(cat "$TMP/f1" "$TMP/fe1" "$TMP/fe3" "$TMP/f4" | grep -c -e "$TOKEN")"

ib 10:21:00Z reply +447700900101 --media "$TMP/photo.jpg" --caption 'Your invoice, {{first_name|there}}' >"$TMP/r1"
check_same "reply --media: a PDF named .jpg goes as a document, its name and caption, by an uploaded id" \
	"0 sent document photo.jpg Your invoice, Ana yes" \
	"$? $(jq -r .event "$TMP/r1") $(tail -1 "$TMP/api.log" | jq -r '"\(.type) \(.text)"' | sed 's/ / photo.jpg /') $(tail -1 "$TMP/api.log" | jq -r .media | grep -q '^[0-9]*$' && echo yes)"
MID=$(tail -1 "$TMP/api.log" | jq -r .media)
KEY=$(tail -1 "$TMP/api.log" | jq -r .key)
check_same "the inbox log: the upload (before the send), then the reply with its media" \
	"uploaded $KEY $MID application/pdf|replied $KEY $MID document" \
	"$(jq -r 'select(.event == "uploaded") | "\(.event) \(.key) \(.media) \(.mime_type)"' "$WA_HOME/inbox.jsonl")|$(jq -r 'select(.event == "replied") | "\(.event) \(.key) \(.media) \(.type)"' "$WA_HOME/inbox.jsonl")"
ib 10:21:30Z reply +447700900101 --media "$TMP/photo.jpg" --caption 'Your invoice, {{first_name|there}}' >"$TMP/r2"
check_same "the same media reply again: skipped already_sent, not uploaded again" \
	"1 skipped already_sent 1 1" \
	"$? $(jq -r '"\(.event) \(.reason)"' "$TMP/r2") $(lines "$TMP/api.log") $(grep -c '"uploaded"' "$WA_HOME/inbox.jsonl")"
wait_for grep -q '"status":"read"' "$SP"
ib 10:22:00Z show +447700900101 >"$TMP/show2"
check_same "show: the document sent, by ann, with its id and caption" "1" \
	"$(grep -c "ann.*\[document $MID Your invoice, Ana\]" "$TMP/show2")"

ib 10:23:00Z reply +447700900102 --media "$TMP/invoice.pdf" >"$TMP/r3"
check_same "a PNG named .pdf goes as an image (type by content, not name)" "0 image" \
	"$? $(tail -1 "$TMP/api.log" | jq -r .type)"
check_status "a GIF: exit 2, nothing uploaded" 2 ib 10:23:10Z reply +447700900102 --media "$TMP/anim.gif"
check_status "an image over 5 MB: exit 2" 2 ib 10:23:10Z reply +447700900102 --media "$TMP/big.jpg"
check_status "--media with TEXT: exit 2" 2 ib 10:23:10Z reply +447700900102 hello --media "$TMP/in.jpg"
check_status "--caption without --media: exit 2" 2 ib 10:23:10Z reply +447700900102 hello --caption x
check_same "none of those uploaded or sent" "2 2" \
	"$(grep -c '"uploaded"' "$WA_HOME/inbox.jsonl") $(lines "$TMP/api.log")"

# A crash after the upload, the message never answered: wa-inbox killed
# while the mock holds the answer. Run again, it neither uploads nor sends twice.
kill "$API"; wait "$API" 2>/dev/null
start_api api2 --media 777001="$TMP/in.jpg" --latency 2500 --media "$MID=$TMP/photo.jpg" ||
	{ echo "Bail out! bin/mock-graph did not start again"; exit 1; }
API=$PID WA_API_URL=http://127.0.0.1:$PORT/v21.0
printf 'Authorization: Bearer %s\n' "$TOKEN" >"$TMP/auth"
N0=$(lines "$TMP/api.log")
env WA_TOKEN="$TOKEN" WA_AGENT=ann WA_API_URL="$WA_API_URL" wa-inbox --now 2026-11-23T10:24:00Z \
	reply +447700900102 --media "$TMP/in.jpg" --caption 'like this one?' >"$TMP/r4" 2>&1 &
RP=$!
uploads() { [ "$(grep -c '"uploaded"' "$WA_HOME/inbox.jsonl")" = "$1" ]; }
accepted() { [ "$(lines "$TMP/api.log")" -gt "$1" ]; }
wait_for uploads 3
wait_for accepted "$N0"
kill -9 $RP; wait $RP 2>/dev/null
check_same "killed after the upload, the message accepted but not answered: no replied line" "0" \
	"$(grep -c 'like this one' "$WA_HOME/inbox.jsonl")"
wait_for grep -q "$(tail -1 "$TMP/api.log" | jq -r .wamid).*delivered" "$SP"
ib 10:25:00Z reply +447700900102 --media "$TMP/in.jpg" --caption 'like this one?' >"$TMP/r5" 2>&1
check_same "run again: the message went once, the file uploaded once" "1 3" \
	"$(grep -c 'like this one' "$TMP/api.log") $(grep -c '"uploaded"' "$WA_HOME/inbox.jsonl")"
done_testing
