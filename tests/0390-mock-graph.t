#!/bin/sh
# mock-graph, the Cloud API stand-in the wa-send tests run against: shapes, errors, faults, webhooks.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never a real secret.
TOKEN=test-token-$$
SECRET=test-app-secret-$$
PNID=106540352242922
printf 'Authorization: Bearer %s\n' "$TOKEN" >"$TMP/auth"
printf 'Authorization: Bearer %s\n' "wrong-$TOKEN" >"$TMP/badauth"
cat >"$TMP/tpl.jsonl" <<'EOF'
{"name":"winback_offer","language":"en_US","body_params":2,"header":"none","buttons":[{"type":"url"}]}
{"name":"order_update","language":"en_US","body_params":1,"header":"document"}
{"name":"hello","language":"pt_BR","body_params":0,"category":"utility"}
{"name":"sale_news","language":"en_US","body_params":0,"header":"text","header_params":1}
{"name":"promo_qr","language":"en_US","body_params":1,"buttons":[{"type":"quick_reply"}]}
EOF
# Free-form messages go only to who wrote in the last 24 hours: these numbers
# wrote a minute ago, in wa-hook's spool format (--inbound).
ago() { date -u -d "@$(($(date +%s) - $1))" +%Y-%m-%dT%H:%M:%SZ; }
inbound() { printf '{"event":"message","wamid":"wamid.IN%s","from":"%s","at":"%s","type":"text","text":"hi"}\n' "$1" "$1" "$2"; }
{
	for n in +4915123456789 +16505551234 +16505551235 +16505554321 +16505559999 +16505558888 \
		+5511987654321 +447700900123 +447700900999 $(seq -f '+1650555%g' 1001 1030) $(seq -f '+1650555%g' 2001 2050); do
		inbound "$n" "$(ago 60)"
	done
} >"$TMP/in.jsonl"

PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

# start NAME ARGS...: mock-graph with this test's token and secret
start() {
	_mn=$1; shift
	WA_TOKEN=$TOKEN WA_APP_SECRET=$SECRET start_mock "$_mn" --inbound "$TMP/in.jsonl" "$@"
}

# stop PID: SIGTERM, and its exit status
stop() {
	kill -TERM "$1" 2>/dev/null
	wait "$1"
}

# send BODY [AUTHFILE]: POST it; the HTTP status on stdout, the answer in $TMP/resp
send() {
	curl -s -o "$TMP/resp" -w '%{http_code}' -H @"${2:-$TMP/auth}" \
		-H 'Content-Type: application/json' --data-binary "$1" \
		"http://127.0.0.1:$PORT/v23.0/$PNID/messages"
}

# code: the error code of the last answer
code() { jq -r '.error.code' "$TMP/resp"; }

# text TO BODY: a text message; tpl TO NAME LANG PARAMS...: a template message
text() {
	jq -cn --arg to "$1" --arg b "$2" \
		'{messaging_product:"whatsapp",recipient_type:"individual",to:$to,type:"text",text:{body:$b}}'
}
tpl() {
	_to=$1 _name=$2 _lang=$3; shift 3
	jq -cn --arg to "$_to" --arg n "$_name" --arg l "$_lang" \
		'{messaging_product:"whatsapp",to:$to,type:"template",biz_opaque_callback_data:"c7:\($to)",
		template:{name:$n,language:{code:$l},
		components:[{type:"body",parameters:($ARGS.positional|map({type:"text",text:.}))},
		{type:"button",sub_type:"url",index:"0",parameters:[{type:"text",text:"o/42"}]}]}}' --args "$@"
}

start main -T "$TMP/tpl.jsonl" -o "$TMP/log.jsonl"
check "it prints the port it listens on" [ "$PORT" -gt 0 ]
check_same "GET /health" ok "$(curl -s "http://127.0.0.1:$PORT/health")"

st=$(send "$(tpl '+1 (650) 555-1234' winback_offer en_US Ana 15%)")
check_same "a template send is accepted" 200 "$st"
check_same "the documented success shape" \
	'{"messaging_product":"whatsapp","contacts":[{"input":"+1 (650) 555-1234","wa_id":"16505551234"}],"n":1,"wamid":true}' \
	"$(jq -c '{messaging_product,contacts,n:(.messages|length),wamid:(.messages[0].id|startswith("wamid."))}' "$TMP/resp")"
wamid=$(jq -r '.messages[0].id' "$TMP/resp")
check_same "the log has the message, its parameters and its key" \
	"{\"wamid\":\"$wamid\",\"to\":\"+1 (650) 555-1234\",\"wa_id\":\"16505551234\",\"type\":\"template\",\"template\":\"winback_offer\",\"lang\":\"en_US\",\"params\":[\"Ana\",\"15%\"],\"buttons\":[\"o/42\"],\"key\":\"c7:+1 (650) 555-1234\"}" \
	"$(jq -c '{wamid,to,wa_id,type,template,lang,params,buttons,key}' "$TMP/log.jsonl")"
send "$(text +4915123456789 'Your order shipped.')" >/dev/null
check "each message gets its own wamid" [ "$(jq -r '.messages[0].id' "$TMP/resp")" != "$wamid" ]
check_same "a text message is logged with its text" 'Your order shipped.' \
	"$(tail -1 "$TMP/log.jsonl" | jq -r .text)"

check_same "a wrong token: 190, HTTP 401" "401 190" \
	"$(send "$(text +4915123456789 hi)" "$TMP/badauth") $(code)"
printf 'Content-Type: application/json\n' >"$TMP/noauth"
check_same "no token: 190" "401 190" "$(send "$(text +4915123456789 hi)" "$TMP/noauth") $(code)"
check_same "letters in 'to': 131009" "400 131009" "$(send "$(text '+1 650 CALL-NOW' hi)") $(code)"
check_same "too short a 'to': 131009" "400 131009" "$(send "$(text 12345 hi)") $(code)"
check_same "too long a 'to': 131009" "400 131009" "$(send "$(text +1234567890123456 hi)") $(code)"
check_same "an unknown template: 132001" "404 132001" \
	"$(send "$(tpl +16505551234 no_such_template en_US a b)") $(code)"
check_same "a known template in another language: 132001" "404 132001" \
	"$(send "$(tpl +16505551234 winback_offer de a b)") $(code)"
check_same "one body parameter short: 132000" "400 132000" \
	"$(send "$(tpl +16505551234 winback_offer en_US Ana)") $(code)"
check "... and the details say how many were expected" \
	grep -q 'number of localizable_params (1) does not match the expected number of params (2)' "$TMP/resp"
check_same "an empty text parameter: 131008" "400 131008" \
	"$(send "$(tpl +16505551234 winback_offer en_US Ana '')") $(code)"
check_same "a new-line in a parameter: 132018" "400 132018" \
	"$(send "$(tpl +16505551234 winback_offer en_US Ana 'a
b')") $(code)"
b=$(jq -cn '{messaging_product:"whatsapp",to:"+16505551234",type:"template",template:{name:"winback_offer",language:{code:"en_US"},components:[{type:"body",parameters:[{type:"text",text:"a"},{type:"text",text:"b"}]}]}}')
check_same "a URL button without its parameter: 131008" "400 131008" "$(send "$b") $(code)"
b=$(jq -cn '{messaging_product:"whatsapp",to:"+16505551234",type:"template",template:{name:"order_update",language:{code:"en_US"},components:[{type:"header",parameters:[{type:"image",image:{link:"https://example.com/a.jpg"}}]},{type:"body",parameters:[{type:"text",text:"42"}]}]}}')
check_same "an image header for a document template: 132012" "400 132012" "$(send "$b") $(code)"
check_same "a text body over 4096 characters: 100" "400 100" \
	"$(send "$(text +16505551234 "$(head -c 4097 /dev/zero | tr '\0' x)")") $(code)"
check_same "4096 characters of UTF-8 text are fine" 200 \
	"$(send "$(text +16505551234 "$(head -c 4096 /dev/zero | tr '\0' x | sed 's/x/é/g')")")"
check_same "no messaging_product: 100" "400 100" "$(send '{"to":"+16505551234","type":"text","text":{"body":"x"}}') $(code)"
check_same "not JSON: 100" "400 100" "$(send 'to=+16505551234') $(code)"
check_same "an unknown type: 100" "400 100" \
	"$(send '{"messaging_product":"whatsapp","to":"+16505551234","type":"fax","fax":{}}') $(code)"
check_same "an image with neither id nor link: 131008" "400 131008" \
	"$(send '{"messaging_product":"whatsapp","to":"+16505551234","type":"image","image":{}}') $(code)"
b=$(jq -cn '{messaging_product:"whatsapp",to:"+16505551234",type:"interactive",interactive:{type:"button",body:{text:"Keep?"},action:{buttons:[range(4)|{type:"reply",reply:{id:"b\(.)",title:"B\(.)"}}]}}}')
check_same "four reply buttons: 131009" "400 131009" "$(send "$b") $(code)"
check_same "the error shape" '{"message":"(#131009) Parameter value is not valid","type":"OAuthException","code":131009,"details":true,"trace":true}' \
	"$(jq -c '.error|{message,type,code,details:(.error_data.details|type=="string"),trace:(.fbtrace_id|type=="string")}' "$TMP/resp")"
check_same "only the accepted messages are logged" 3 "$(wc -l <"$TMP/log.jsonl" | tr -d ' ')"

# Parameter types are tied to their component; wrong ones are refused.
# body BODYPARAMS [BUTTON]: a winback_offer body with these body parameters
body() {
	_b=${2:-'[{"type":"text","text":"o/42"}]'}
	jq -cn --argjson p "$1" --argjson b "$_b" \
		'{messaging_product:"whatsapp",to:"+16505551234",type:"template",template:{name:"winback_offer",
		language:{code:"en_US"},components:[{type:"body",parameters:$p},
		{type:"button",sub_type:"url",index:"0",parameters:$b}]}}'
}
check_same "a body parameter of type image: 132012" "400 132012" \
	"$(send "$(body '[{"type":"text","text":"a"},{"type":"image","image":{"link":"https://example.com/a.jpg"}}]')") $(code)"
check_same "a body parameter of type payload: 132012" "400 132012" \
	"$(send "$(body '[{"type":"text","text":"a"},{"type":"payload","payload":"X"}]')") $(code)"
check_same "currency and date_time body parameters go" 200 \
	"$(send "$(body '[{"type":"currency","currency":{"fallback_value":"$1","code":"USD","amount_1000":1000}},{"type":"date_time","date_time":{"fallback_value":"May 1"}}]')")"
check_same "a URL button with a payload parameter: 100" "400 100" \
	"$(send "$(body '[{"type":"text","text":"a"},{"type":"text","text":"b"}]' '[{"type":"payload","payload":"X"}]')") $(code)"
qr() {
	jq -cn --argjson b "$1" '{messaging_product:"whatsapp",to:"+16505551234",type:"template",template:{name:"promo_qr",
		language:{code:"en_US"},components:[{type:"body",parameters:[{type:"text",text:"a"}]},
		{type:"button",sub_type:"quick_reply",index:"0",parameters:$b}]}}'
}
check_same "a quick-reply button with a text parameter: 100" "400 100" "$(send "$(qr '[{"type":"text","text":"X"}]')") $(code)"
check_same "a quick-reply button with its payload goes" 200 "$(send "$(qr '[{"type":"payload","payload":"STOP"}]')")"
hdr() {
	jq -cn --argjson h "$1" '{messaging_product:"whatsapp",to:"+16505551234",type:"template",template:{name:"sale_news",
		language:{code:"en_US"},components:[{type:"header",parameters:[$h]}]}}'
}
check_same "a text header's parameter of type image: 132012" "400 132012" \
	"$(send "$(hdr '{"type":"image","image":{"link":"https://example.com/a.jpg"}}')") $(code)"
x54=$(head -c 54 /dev/zero | tr '\0' x)
check_same "a header text of 60 characters filled in ('Hello ' and 54) goes" 200 \
	"$(send "$(hdr "{\"type\":\"text\",\"text\":\"$x54\"}")")"
check_same "a header text of 61 characters filled in: 132005" "400 132005" \
	"$(send "$(hdr "{\"type\":\"text\",\"text\":\"${x54}é\"}")") $(code)"

# The 24-hour window: free-form text only to who wrote, templates to anyone.
check_same "text to a number that never wrote: 131047" "400 131047" "$(send "$(text +16505550001 hi)") $(code)"
check_same "... and a free-form image too" "400 131047" \
	"$(send '{"messaging_product":"whatsapp","to":"+16505550001","type":"image","image":{"link":"https://example.com/a.jpg"}}') $(code)"
check_same "a template to it goes" 200 "$(send "$(tpl +16505550001 winback_offer en_US Ana 15%)")"
inbound +16505550002 "$(ago 90000)" >>"$TMP/in.jsonl"
check_same "text to one who wrote 25 hours ago: 131047" "400 131047" "$(send "$(text +16505550002 hi)") $(code)"
inbound +16505550002 "$(ago 5)" >>"$TMP/in.jsonl"
check_same "then that one writes: the spool is read again, the text goes" 200 "$(send "$(text +16505550002 hi)")"
check_same "a Brazilian mobile that wrote without its 9th digit is the same user" 200 \
	"$(send "$(text '+55 11 8765-4321' hi)")"
st=$(curl -s -o "$TMP/resp" -w '%{http_code}' -H @"$TMP/auth" --data-binary "$(text +16505551234 x)" \
	"http://127.0.0.1:$PORT/v23.0/999/messages")
check_same "without --phone-id, another phone number id than 106540352242922: 100/33" "400 100 33" \
	"$st $(jq -r '.error | "\(.code) \(.error_subcode)"' "$TMP/resp")"
check_same "GET ?fields=throughput" '{"throughput":{"level":"STANDARD"},"id":"106540352242922"}' \
	"$(curl -s -H @"$TMP/auth" "http://127.0.0.1:$PORT/v23.0/$PNID?fields=throughput")"
stop $PID
check_same "SIGTERM: exit 0" 0 $?
WA_TOKEN=x mock-graph --no-such-option >"$TMP/u.out" 2>"$TMP/u.err"
check_same "usage: exit 2, the usage on stderr, nothing on stdout" "2 1 0" \
	"$? $(grep -c '^usage: mock-graph' "$TMP/u.err") $(wc -c <"$TMP/u.out" | tr -d ' ')"
mock-graph -h >"$TMP/u.out" 2>"$TMP/u.err"
check_same "-h: exit 0, the usage on stdout, nothing on stderr" "0 1 0" \
	"$? $(grep -c '^usage: mock-graph' "$TMP/u.out") $(wc -c <"$TMP/u.err" | tr -d ' ')"
check_same "no token in the environment: exit 2" 2 "$(mock-graph >/dev/null 2>&1; echo $?)"
check_same "a non-loopback address needs --public" 2 \
	"$(WA_TOKEN=x mock-graph -l 0.0.0.0:0 >/dev/null 2>&1; echo $?)"

# --strict asks for what the OpenAPI spec requires and the live API does not.
start strict --strict --phone-id $PNID
check_same "--strict: no recipient_type is 100" "400 100" \
	"$(send '{"messaging_product":"whatsapp","to":"+16505551234","type":"text","text":{"body":"x"}}') $(code)"
check_same "--strict: a complete body goes" 200 "$(send "$(text +16505551234 x)")"
st=$(curl -s -o "$TMP/resp" -w '%{http_code}' -H @"$TMP/auth" --data-binary "$(text +16505551234 x)" \
	"http://127.0.0.1:$PORT/v23.0/999/messages")
check_same "--phone-id: another phone number id is Graph's 100/33" "400 100 33 GraphMethodException" \
	"$st $(jq -r '.error | "\(.code) \(.error_subcode) \(.type)"' "$TMP/resp")"
stop $PID

# Per-recipient errors, throughput, pair limit, spam limit.
start err --error '+55 11 98765-4321=131050' --error 447700900123=131047
check_same "--error TO=131050" "400 131050" "$(send "$(text +5511987654321 hi)") $(code)"
check_same "--error TO=131047" "400 131047" "$(send "$(text +447700900123 hi)") $(code)"
check_same "--error leaves other recipients alone" 200 "$(send "$(text +16505551234 hi)")"
stop $PID

start rate --rate 5 -o "$TMP/rate.jsonl"
pids=
for i in $(seq 30); do
	curl -s -o "$TMP/rate.$i" -w '%{http_code}\n' -H @"$TMP/auth" --data-binary "$(text "+1650555$((1000 + i))" hi)" \
		"http://127.0.0.1:$PORT/v23.0/$PNID/messages" >"$TMP/rate.st.$i" &
	pids="$pids $!"
done
wait $pids
ok=$(cat "$TMP"/rate.st.* | grep -c '^200$')
throttled=$(cat "$TMP"/rate.[0-9]* | jq -r '.error.code // empty' | grep -c '^130429$')
check "--rate 5: 30 at once, some accepted ($ok), the rest 130429 ($throttled)" \
	[ "$ok" -ge 5 -a "$ok" -lt 30 -a $((ok + throttled)) -eq 30 ]
check_same "--rate: throttled answers are HTTP 429" "$throttled" "$(cat "$TMP"/rate.st.* | grep -c '^429$')"
check_same "--rate: what was accepted is what was logged" "$ok" "$(wc -l <"$TMP/rate.jsonl" | tr -d ' ')"
stop $PID

start pair --pair-limit --max 3 --throttle-status 400
check_same "--pair-limit: the first message goes" 200 "$(send "$(text +16505551234 one)")"
check_same "--pair-limit: the same recipient again at once: 131056" "400 131056" \
	"$(send "$(text '+1 650-555-1234' two)") $(code)"
check_same "--pair-limit: another recipient goes" 200 "$(send "$(text +16505554321 three)")"
check_same "--max 3: the third accepted goes" 200 "$(send "$(text +16505559999 four)")"
check_same "--max 3: then 131048" "400 131048" "$(send "$(text +16505558888 five)") $(code)"
stop $PID

# A dropped answer: the message was accepted, the client cannot know.
start drop --drop-after-accept 1 -o "$TMP/drop.jsonl"
send "$(text +16505551234 maybe)" >/dev/null
check_same "--drop-after-accept 1: curl gets an empty reply" 52 $?
check_same "--drop-after-accept 1: but the message is logged" maybe "$(jq -r .text "$TMP/drop.jsonl")"
stop $PID

# 5xx faults are deterministic for a seed.
for run in 1 2; do
	start f5xx$run --fail-5xx 0.5 --seed 7 -o "$TMP/5xx$run.jsonl"
	for i in $(seq 12); do send "$(text +16505551234 x)"; echo; done >"$TMP/5xx$run.st"
	stop $PID
done
check "--fail-5xx 0.5: some fail, some pass" \
	[ "$(grep -c '^5' "$TMP/5xx1.st")" -gt 0 -a "$(grep -c '^200$' "$TMP/5xx1.st")" -gt 0 ]
check_same "--fail-5xx --seed 7: the same answers twice" "$(cat "$TMP/5xx1.st")" "$(cat "$TMP/5xx2.st")"
check_same "--fail-5xx: failed requests are not logged" "$(grep -c '^200$' "$TMP/5xx1.st")" \
	"$(wc -l <"$TMP/5xx1.jsonl" | tr -d ' ')"

# Latency is per answer, not per server: 50 at once take about one latency.
# No bound on the machine's speed: the same 50 without latency are the
# baseline, and 1 s each would take 50 s more one after another.
for i in $(seq 50); do text "+1650555$((2000 + i))" hi >"$TMP/lat.body.$i"; done
# burst NAME: send the 50 bodies at once to the mock; sets ms
burst() {
	t0=$(date +%s%N)
	pids=
	for i in $(seq 50); do
		{ send "$(cat "$TMP/lat.body.$i")"; echo; } >"$TMP/$1.$i" &
		pids="$pids $!"
	done
	wait $pids
	ms=$((($(date +%s%N) - t0) / 1000000))
}
start fast
burst fast
base=$ms
start slow --latency 1000
burst slow
check_same "--latency 1000: 50 concurrent requests all answered" 50 "$(cat "$TMP"/slow.* | grep -c '^200$')"
check "--latency 1000: 50 concurrent requests take ${ms} ms against ${base} ms without, not 50 s more" \
	[ $((ms - base)) -lt 25000 ]
t0=$(date +%s%N)
send "$(text +16505551234 x)" >/dev/null
ms=$((($(date +%s%N) - t0) / 1000000))
check "--latency 1000: one request still takes that long (${ms} ms)" [ "$ms" -ge 995 ]
stop $PID

# Webhooks: a second mock in --sink mode receives them.
start sink --sink "$TMP/sink.jsonl"
SINKPID=$PID SINKPORT=$PORT
start hook --webhook "http://127.0.0.1:$PORT/webhook" --webhook-delay 20 --read 1 --reply 1 \
	--reply-text 'Até já / STOP' --async-error +447700900999=131026 -T "$TMP/tpl.jsonl"
send "$(tpl +16505551234 winback_offer en_US Ana 15%)" >/dev/null
w1=$(jq -r '.messages[0].id' "$TMP/resp")
send "$(text +447700900999 hi)" >/dev/null
w2=$(jq -r '.messages[0].id' "$TMP/resp")
i=0
while [ "$(wc -l <"$TMP/sink.jsonl")" -lt 5 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
check_same "webhooks: sent, delivered, read, a reply, and a failed" 5 "$(wc -l <"$TMP/sink.jsonl" | tr -d ' ')"
bad=0
while IFS= read -r line; do
	body=$(printf '%s\n' "$line" | jq -r .body)
	sig=$(printf '%s\n' "$line" | jq -r .sig)
	mac=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.*= *//')
	[ "$sig" = "sha256=$mac" ] || bad=$((bad + 1))
done <"$TMP/sink.jsonl"
check_same "webhooks: every X-Hub-Signature-256 is the HMAC of the raw body" 0 $bad
jq -r .body "$TMP/sink.jsonl" >"$TMP/hooks.jsonl"
check_same "webhooks: the statuses of the template, in order, with the key" \
	"sent c7:+16505551234 marketing
delivered c7:+16505551234 marketing
read c7:+16505551234 " \
	"$(jq -r --arg w "$w1" '.entry[].changes[].value.statuses[]? | select(.id == $w) |
		"\(.status) \(.biz_opaque_callback_data) \(.pricing.category // "")"' "$TMP/hooks.jsonl")"
check_same "webhooks: the envelope" \
	"whatsapp_business_account messages $PNID 16505551234 true" \
	"$(head -1 "$TMP/hooks.jsonl" | jq -r '[.object, .entry[0].changes[0].field,
		.entry[0].changes[0].value.metadata.phone_number_id,
		.entry[0].changes[0].value.statuses[0].recipient_id,
		(.entry[0].changes[0].value.statuses[0].timestamp | test("^[0-9]+$"))] | join(" ")')"
check_same "webhooks: the reply answers the wamid" "text 16505551234 $w1 Até já / STOP" \
	"$(jq -r '.entry[].changes[].value.messages[]? | "\(.type) \(.from) \(.context.id) \(.text.body)"' "$TMP/hooks.jsonl")"
check "webhooks: escaped like Meta's (\\u00e9, \\/)" grep -q 'At\\\\u00e9 j\\\\u00e1 \\\\/ STOP' "$TMP/sink.jsonl"
check_same "webhooks: --async-error is accepted, then failed by webhook" "failed 131026" \
	"$(jq -r --arg w "$w2" '.entry[].changes[].value.statuses[]? | select(.id == $w) |
		"\(.status) \(.errors[0].code)"' "$TMP/hooks.jsonl")"
stop $PID

# A reply the mock sends by webhook is the user writing: it opens the window.
start own --webhook "http://127.0.0.1:$SINKPORT/webhook" --webhook-delay 0 --read 1 --reply 1
check_same "own replies: text before the user wrote: 131047" "400 131047" "$(send "$(text +16505556666 hi)") $(code)"
check_same "own replies: the built-in hello template goes (no -T)" 200 \
	"$(send '{"messaging_product":"whatsapp","to":"+16505556666","type":"template","template":{"name":"hello","language":{"code":"en_US"}}}')"
i=0
until jq -r .body "$TMP/sink.jsonl" | jq -e 'select(.entry[].changes[].value.messages[]?.from == "16505556666")' >/dev/null 2>&1 ||
	[ $i -gt 200 ]; do sleep 0.05; i=$((i + 1)); done
check_same "own replies: after the user's reply, text goes" 200 "$(send "$(text +16505556666 hi)")"
check_same "built-in templates: an unknown one is 132001" "404 132001" \
	"$(send '{"messaging_product":"whatsapp","to":"+16505556666","type":"template","template":{"name":"nope","language":{"code":"en_US"}}}') $(code)"
check_same "built-in templates: hello with a parameter too many is 132000" "400 132000" \
	"$(send '{"messaging_product":"whatsapp","to":"+16505556666","type":"template","template":{"name":"hello","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"x"}]}]}}') $(code)"
stop $PID
stop $SINKPID
check_same "the sink stops cleanly too" 0 $?

# A receiver that is down: warned about, and sending goes on.
start down --webhook "http://127.0.0.1:1/webhook" --webhook-delay 0
check_same "webhook receiver down: sends still answered" 200 "$(send "$(text +16505551234 hi)")"
i=0
while ! grep -q webhook "$TMP/down.err" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
check "webhook receiver down: a warning on stderr" grep -q "mock-graph: webhook to 'http://127.0.0.1:1/webhook' failed" "$TMP/down.err"
check_same "webhook receiver down: still serving" 200 "$(send "$(text +16505551235 hi)")"
stop $PID
check_same "webhook receiver down: exit 0" 0 $?

done_testing
