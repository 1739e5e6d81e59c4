#!/bin/sh
# wa-inbox serve's /media/ID finds the conversation by an index of the
# threads it showed, not by reading every thread the agent may see: a
# media id is served once its thread was shown (the page is where an agent
# learns it), to an agent who may see that conversation; an id no thread
# showed, another department's, and one whose conversation the agent may
# no longer see (the agents file changed) are 404.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
plan 6

printf '\377\330\377\340 a customer photo' >"$TMP/in.jpg"
printf '\377\330\377\340 another photo' >"$TMP/in2.jpg"
start_world --media 777001="$TMP/in.jpg" --media 777002="$TMP/in2.jpg"
printf 'ann dept=sales\nbo dept=support\n' >"$WA_HOME/agents"
printf 'sales: text ~ "order"\nsupport: type == "image"\n' >"$WA_HOME/routes"
setpw ann 'ann-password-1'
setpw bo 'bo-password-22'
msg Ana 447700900101 wamid.A1 0 '"type":"text","text":{"body":"where is my order?"}' >/dev/null
msg Bo 447700900102 wamid.B1 60 '"type":"image","image":{"caption":"it came broken","mime_type":"image/jpeg","id":"777001"}' >/dev/null
msg Cy 447700900103 wamid.C1 90 '"type":"image","image":{"caption":"this one too","mime_type":"image/jpeg","id":"777002"}' >/dev/null
NOW=2026-11-23T10:20:00Z
WA_TOKEN=$TOKEN wa-inbox --now $NOW route >/dev/null
start_web --now $NOW || { echo "Bail out! wa-inbox serve did not start"; exit 1; }
ANN=$(login ann 'ann-password-1')
BO=$(login bo 'bo-password-22')
C_BO=$(convid +447700900102)
C_CY=$(convid +447700900103)

check_same "a media no thread has shown yet: 404, though bo may see its conversation" "404" \
	"$(code "$BO" /media/777001)"
get "$BO" "/c/$C_BO" >"$TMP/bo.html"
curl -s -o "$TMP/got.jpg" -H "Cookie: wa_sid=$BO" "$U/media/777001"
check_same "shown in bo's thread, then served to bo: the bytes" "1 same" \
	"$(grep -c 'src="/media/777001"' "$TMP/bo.html") $(cmp -s "$TMP/in.jpg" "$TMP/got.jpg" && echo same)"
check_same "the thread's fragment (/msgs) indexes it too" "200" \
	"$(get "$BO" "/c/$C_CY/msgs" >/dev/null; code "$BO" /media/777002)"
check_same "another department's agent: 404, though the index knows it" "404 404" \
	"$(code "$ANN" /media/777001) $(code "$ANN" /media/777002)"

# bo moved to sales: the conversations are no longer bo's, nor their media
_e=$(lines "$TMP/inbox.err")
curl -s -N -H "Cookie: wa_sid=$ANN" -H 'Accept: text/event-stream' "$U/events" >"$TMP/sse" 2>/dev/null &
PIDS="$PIDS $!"
wait_for grep -q '^: ready' "$TMP/sse"
sed 's/^bo dept=support/bo dept=sales/' "$WA_HOME/agents" >"$TMP/agents"
mv "$TMP/agents" "$WA_HOME/agents"
wait_for grep -q '^event: change' "$TMP/sse"
check_same "bo moved to another department: the media of the old one 404" "404 404" \
	"$(code "$BO" /media/777001) $(code "$BO" /media/777002)"
check_same "nothing said on stderr" "$_e" "$(lines "$TMP/inbox.err")"
done_testing
