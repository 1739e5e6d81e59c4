#!/bin/sh
# wa-hook: signatures, every webhook shape (tests/fixtures/webhooks, and the real ones
# in ../shared/fixtures/webhooks when there), dedupe across restarts, STOP words, Shopify, crashes.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never real secrets.
WA_APP_SECRET=app-secret-$$
WA_VERIFY_TOKEN=verify-$$
export WA_APP_SECRET WA_VERIFY_TOKEN
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
SP=$TMP/events.jsonl
SUPP=$TMP/suppress.txt

hmac() { openssl dgst -sha256 -hmac "$2" -r <"$1" | cut -d' ' -f1; }

# post FILE [SECRET]: POST FILE signed (with SECRET, else the app secret); prints the HTTP status
post() {
	curl -s -o "$TMP/.body" -w '%{http_code}' -H 'Content-Type: application/json' \
		-H "X-Hub-Signature-256: sha256=$(hmac "$1" "${2:-$WA_APP_SECRET}")" \
		--data-binary @"$1" "http://127.0.0.1:$HPORT/webhook"
}

# shop TOPIC FILE ID [SECRET]: a Shopify webhook, signed in base64
shop() {
	_sig=$(openssl dgst -sha256 -hmac "${4:-$WA_SHOPIFY_SECRET}" -binary <"$2" | base64)
	curl -s -o "$TMP/.body" -w '%{http_code}' -H "X-Shopify-Topic: $1" \
		-H "X-Shopify-Webhook-Id: $3" -H "X-Shopify-Hmac-Sha256: $_sig" \
		--data-binary @"$2" "http://127.0.0.1:$HPORT/webhook"
}

lines() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }

# body FILE VALUE: a one-change Cloud API body around VALUE
body() {
	printf '{"object":"whatsapp_business_account","entry":[{"id":"880480571844883","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},%s}}]}]}' "$2" >"$1"
}

# text FILE WAMID FROM TEXT [TIMESTAMP]: an inbound text message
text() {
	body "$1" "\"contacts\":[{\"profile\":{\"name\":\"Ana\"},\"wa_id\":\"$3\"}],\"messages\":[{\"from\":\"$3\",\"id\":\"$2\",\"timestamp\":\"${5:-1763892000}\",\"type\":\"text\",\"text\":{\"body\":\"$4\"}}]"
}

# --- configuration
check_status "no app secret: exit 2" 2 env -u WA_APP_SECRET wa-hook --spool "$SP"
grep -q 'WA_APP_SECRET' "$TMP/.out"
_result $? "which says to set WA_APP_SECRET"
check_status "no verify token: exit 2" 2 env -u WA_VERIFY_TOKEN wa-hook --spool "$SP"
check_status "-o takes only -" 2 wa-hook -o file --spool "$SP"
check_status "an unreadable --optout-words: exit 2" 2 wa-hook --optout-words "$TMP/none" --spool "$SP"
printf '%s\n' "$WA_APP_SECRET" >"$TMP/secret"
env -u WA_APP_SECRET WA_APP_SECRET_FILE="$TMP/secret" \
	wa-hook -l 127.0.0.1:0 --spool "$TMP/x.jsonl" 2>"$TMP/f.err" &
FPID=$!
i=0
until grep -q 'listening on' "$TMP/f.err" 2>/dev/null || [ $i -gt 200 ]; do
	sleep 0.05; i=$((i + 1))
done
grep -q 'listening on' "$TMP/f.err"
_result $? "WA_APP_SECRET_FILE is read"
kill $FPID; wait $FPID
check_same "SIGTERM: exit 0" 0 $?
[ "$(stat -c %a "$TMP/x.jsonl")" = 600 ]
_result $? "the spool is created 0600"

start_hook main --spool "$SP" --suppress "$SUPP" -o - ||
	{ echo "Bail out! bin/wa-hook did not start"; exit 1; }

# --- verification and refusals
got=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$HPORT/webhook?hub.mode=subscribe&hub.verify_token=$WA_VERIFY_TOKEN&hub.challenge=1158201444")
check_same "GET verification answers the challenge" "1158201444 200" "$got"
got=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HPORT/webhook?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1")
check_same "a wrong verify token: 403" 403 "$got"
got=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HPORT/webhook?hub.challenge=1")
check_same "no hub.mode: 403" 403 "$got"

text "$TMP/t.json" wamid.T1 447700900001 'secret words of a customer'
got=$(curl -s -o /dev/null -w '%{http_code}' --data-binary @"$TMP/t.json" "http://127.0.0.1:$HPORT/webhook")
check_same "no signature: 401" 401 "$got"
check_same "a wrong secret: 401" 401 "$(post "$TMP/t.json" not-the-secret)"
sig=$(hmac "$TMP/t.json" "$WA_APP_SECRET")
sed 's/secret words/Secret words/' "$TMP/t.json" >"$TMP/tampered.json"
got=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Hub-Signature-256: sha256=$sig" \
	--data-binary @"$TMP/tampered.json" "http://127.0.0.1:$HPORT/webhook")
check_same "a tampered body: 401" 401 "$got"
got=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Hub-Signature-256: $sig" \
	--data-binary @"$TMP/t.json" "http://127.0.0.1:$HPORT/webhook")
check_same "a signature without sha256=: 401" 401 "$got"
check_same "nothing refused reaches the spool" 0 "$(lines "$SP")"
grep -c 'refused a .*-byte POST' "$TMP/main.err" | grep -qx 4
_result $? "each refusal is warned about"
! grep -q 'secret words' "$TMP/main.err"
_result $? "without the payload"
head -c 3200000 /dev/zero | tr '\0' ' ' >"$TMP/big.json"
check_same "a body over 3 MB: 413" 413 "$(post "$TMP/big.json")"
printf 'not json' >"$TMP/nj"
check_same "signed but not JSON: 400" 400 "$(post "$TMP/nj")"
got=$(curl -s -o /dev/null -w '%{http_code}' -X PUT "http://127.0.0.1:$HPORT/webhook")
check_same "PUT: 405" 405 "$got"

# --- the webhook bodies: this project's own shapes (tests/fixtures/webhooks)
# always, the collected real ones (../shared/fixtures/webhooks) when there
DIRS=$FIX/webhooks
[ -d "$WEBHOOKS" ] && DIRS="$DIRS $WEBHOOKS"
# bodies DIR...: POST every body in each DIR; prints "TAKEN of ALL"
bodies() {
	_ok=0 _all=0
	for _d; do
		for _f in "$_d"/*.json; do
			_all=$((_all + 1))
			[ "$(post "$_f")" = 200 ] && _ok=$((_ok + 1))
		done
	done
	echo "$_ok of $_all"
}
# seen DIR PART: every status (wamid, status) and message wamid of DIR's bodies,
# by jq, reached PART (the spool lines they added) once
seen() {
	jq -r '.entry[].changes[] | select(.field == "messages") | .value |
		((.statuses // [])[] | "status \(.id) \(.status)"),
		((.messages // [])[] | "message \(.id)")' "$1"/*.json | sort -u >"$TMP/want"
	jq -r 'select(.event == "status") | "status \(.wamid) \(.status)"' "$2" | sort >"$TMP/got.s"
	jq -r 'select(.event == "message") | "message \(.wamid)"' "$2" | sort >"$TMP/got.m"
	sort "$TMP/got.s" "$TMP/got.m" >"$TMP/got"
	check_file "every status and message reaches the spool once ($(basename "$1"))" "$TMP/got" <"$TMP/want"
}
# pick JQ: the own bodies' spool lines through JQ, one line
pick() { jq -r "$1" "$TMP/own.sp" | tr '\n' '|' | sed 's/|$//'; }

n=$(ls "$FIX/webhooks"/*.json | wc -l | tr -d ' ')
check_same "all $n own bodies are taken" "$n of $n" "$(bodies "$FIX/webhooks")"
cp "$SP" "$TMP/own.sp"
seen "$FIX/webhooks" "$TMP/own.sp"
check_same "the text keeps quotes, backslashes, tabs, emoji and accents" \
	'Olá! "quotes", \backslash\, tab	here, emoji 🎉 and ünïcödé|Ava Fixture|+447700900501|2025-11-23T09:10:00Z' \
	"$(pick 'select(.wamid == "wamid.FIX-M1") | .text, .name, .from, .at')"
check_same "a status: sent with its callback data as key, delivered, read (numeric expiration)" \
	'sent +447700900501 spring-2026|c501 marketing|delivered +447700900501 null marketing|read +447700900501 null marketing' \
	"$(jq -s -r 'map(select(.wamid == "wamid.FIX-S1")) | sort_by(.at)[] | "\(.status) \(.to) \(.key) \(.category)"' "$TMP/own.sp" | tr '\n' '|' | sed 's/|$//')"
check_same "a failed status carries its error" "wamid.FIX-S2 131047|wamid.FIX-S3 131026" \
	"$(pick 'select(.status == "failed") | "\(.wamid) \(.error.code)"' | tr '|' '\n' | sort | tr '\n' '|' | sed 's/|$//')"
check_same "a group's status: the group and the member who read" "GROUP-FIX-1 +447700900502 GB.FIX.502" \
	"$(pick 'select(.wamid == "wamid.FIX-S4") | "\(.group) \(.to) \(.user_id)"')"
check_same "a status to a user known only by a business-scoped id" "GB.FIX.77 null sent" \
	"$(pick 'select(.wamid == "wamid.FIX-S5") | "\(.user_id) \(.to) \(.status)"')"
check_same "a message from a business-scoped id alone: id and username, no phone" "GB.FIX.88 uma.fixture null" \
	"$(pick 'select(.wamid == "wamid.FIX-M2") | "\(.user_id) \(.username) \(.from)"')"
check_same "a template quick reply: text, payload and the message it answers" "Tell me more MORE_INFO wamid.FIX-S2" \
	"$(pick 'select(.wamid == "wamid.FIX-M3" and .type == "button") | "\(.text) \(.payload) \(.context)"')"
check_same "interactive replies: button, list and flow, as text and payload" \
	'Medium size-m|Tuesday 10:00 slot-2|Sent {"rating":"5","flow_token":"csat-1"}' \
	"$(pick 'select(.type == "interactive") | "\(.text) \(.payload)"')"
check_same "media: the caption as text, the media id kept" \
	'image the mug arrived broken MEDIA-FIX-7|audio null MEDIA-FIX-8|document my invoice MEDIA-FIX-9|sticker null MEDIA-FIX-20' \
	"$(pick 'select(.content | objects | .id) | "\(.type) \(.text) \(.content.id)"' | tr '|' '\n' | sort -t- -k3n | tr '\n' '|' | sed 's/|$//')"
check_same "a reaction and its removal, on the message they answer" "wamid.FIX-M10 ❤️ wamid.FIX-S2|wamid.FIX-M11 null wamid.FIX-S2" \
	"$(pick 'select(.type == "reaction") | "\(.wamid) \(.text) \(.context)"' | tr '|' '\n' | sort | tr '\n' '|' | sed 's/|$//')"
check_same "a click-to-WhatsApp ad's referral comes with the text" "Quero saber do frete AD-FIX-9 CLID-FIX-9" \
	"$(pick 'select(.wamid == "wamid.FIX-M12") | "\(.text) \(.referral.source_id) \(.referral.ctwa_clid)"')"
check_same "escaped slashes are read" "https://maps.example/shop" \
	"$(pick 'select(.type == "location") | .content.url')"
check_same "a shared contact and an order keep their content" "447700900599|MUG-1 2 for my sister" \
	"$(pick 'select(.type == "contacts" or .type == "order") | if .type == "contacts" then .content[0].phones[0].wa_id else "\(.content.product_items[0].product_retailer_id) \(.content.product_items[0].quantity) \(.text)" end')"
check_same "a changed number gives the new one" "+15555550123 +15555550124" \
	"$(pick 'select(.type == "system") | "\(.from) \(.new_wa_id)"')"
check_same "an unsupported message keeps its error" "131051" "$(pick 'select(.type == "unsupported") | .error.code')"
check_same "the template rejection is kept" "winter_sale_fix en_GB REJECTED INVALID_FORMAT" \
	"$(pick 'select(.event == "template") | "\(.name) \(.language) \(.status) \(.reason)"')"
check_same "a batch of two entries: every change of each" "wamid.FIX-M18|wamid.FIX-S6 delivered|wamid.FIX-M19|wamid.FIX-M20" \
	"$(pick 'select(.wamid // "" | test("FIX-(M18|S6|M19|M20)$")) | .wamid + (if .status then " " + .status else "" end)')"
check_same "the marketing preference stop is an opt-out" "+447700900503 preferences marketing_messages" \
	"$(pick 'select(.event == "opt_out") | "\(.from) \(.via) \(.category)"')"
grep -qx '+447700900503' "$SUPP"
_result $? "and its number lands in the suppression list"

if shared webhooks; then
	n0=$(lines "$SP")
	check_same "all 40 real bodies are taken" "40 of 40" "$(bodies "$WEBHOOKS")"
	tail -n +$((n0 + 1)) "$SP" >"$TMP/real.sp"
	seen "$WEBHOOKS" "$TMP/real.sp"
	check_same "the marketing preference stop is two opt-outs" 2 \
		"$(jq -c 'select(.event == "opt_out" and .via == "preferences")' "$TMP/real.sp" | wc -l | tr -d ' ')"
	grep -qx '+16505551234' "$SUPP"
	_result $? "and its number lands in the suppression list"
	check_same "the template rejection is kept" "schedule_confirmation4 REJECTED SCAM" \
		"$(jq -r 'select(.event == "template") | "\(.name) \(.status) \(.reason)"' "$TMP/real.sp")"
	check_same "a user known only by a business-scoped id is kept, with the id" "BSUID_123 null" \
		"$(jq -r 'select(.user_id == "BSUID_123") | "\(.user_id) \(.from)"' "$TMP/real.sp")"
	check_same "biz_opaque_callback_data becomes key" "some data" \
		"$(jq -r 'select(.event == "status" and .key) | .key' "$TMP/real.sp")"
	check_same "a failed status carries its error" "130472 131047" \
		"$(jq -r 'select(.status == "failed") | .error.code' "$TMP/real.sp" | sort | tr '\n' ' ' | sed 's/ $//')"
	check_same "escaped slashes are read" "https://foursquare.com/v/" \
		"$(jq -r 'select(.type == "location" and .content.url) | .content.url' "$TMP/real.sp" | cut -c1-25)"
	check_same "a template quick reply: text and payload" "SIM SIM" \
		"$(jq -r 'select(.type == "button" and .text == "SIM") | "\(.text) \(.payload)"' "$TMP/real.sp")"
	check_same "a changed number gives the new one" "+972912345678" \
		"$(jq -r 'select(.type == "system") | .new_wa_id' "$TMP/real.sp")"
fi
n=$(lines "$SP")
nb=$(ls $(for d in $DIRS; do echo "$d"/*.json; done) | wc -l | tr -d ' ')
check_same "-o - streams what the spool holds" "$(cat "$SP")" "$(cat "$TMP/main.out")"
jq -e . "$SP" >/dev/null
_result $? "every spool line is JSON"

check_same "a redelivery is acknowledged" "$nb of $nb" "$(bodies $DIRS)"
check_same "and dropped" "$n" "$(lines "$SP")"

# --- accents, emoji and \/ as Meta signs them: the raw bytes, not re-serialized JSON
text "$TMP/acc.json" wamid.ACC 5511987654321 'Ol\u00e1, caf\u00e9 \u2615 voil\u00e0 https:\/\/loja.example\/p?a=1 ação'
check_same "escaped and raw accents verify" 200 "$(post "$TMP/acc.json")"
check_same "and read as text" "Olá, café ☕ voilà https://loja.example/p?a=1 ação" \
	"$(jq -r 'select(.wamid == "wamid.ACC") | .text' "$SP")"
check_same "phones come in E.164, times in UTC" "+5511987654321 2025-11-23T10:00:00Z Ana" \
	"$(jq -r 'select(.wamid == "wamid.ACC") | "\(.from) \(.at) \(.name)"' "$SP")"

# --- the source tag of a wa-link link
text "$TMP/ref.json" wamid.REF 447700900044 'Hi! Is the blue mug in stock? [ref: product:sku123]'
check_same "a message with a link's tag" 200 "$(post "$TMP/ref.json")"
check_same "gets its ref" "product:sku123" "$(jq -r 'select(.wamid == "wamid.REF") | .ref' "$SP")"
check_same "a message without one has none" "null" "$(jq -r 'select(.wamid == "wamid.ACC") | .ref' "$SP")"

# --- real-shaped statuses, several entries in one POST
cat >"$TMP/multi.json" <<'EOF'
{"object":"whatsapp_business_account","entry":[
{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
"statuses":[{"id":"wamid.M1","status":"sent","timestamp":"1763892000","recipient_id":"447700900001","biz_opaque_callback_data":"winback\u001fshopify:1","pricing":{"billable":true,"pricing_model":"PMP","type":"regular","category":"marketing"}},
{"id":"wamid.M1","status":"read","timestamp":"1763892060","recipient_id":"447700900001"}]}}]},
{"id":"2","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783882","phone_number_id":"106540352242923"},
"statuses":[{"id":"wamid.M2","status":"failed","timestamp":"1763892001","recipient_id":"447700900002","errors":[{"code":131026,"title":"Message undeliverable","message":"Message undeliverable","error_data":{"details":"not on WhatsApp"}}]}],
"contacts":[{"profile":{"name":"Bo"},"wa_id":"447700900003"}],
"messages":[{"from":"447700900003","id":"wamid.I1","timestamp":"1763892002","type":"interactive","context":{"from":"15550783881","id":"wamid.M1"},"interactive":{"type":"list_reply","list_reply":{"id":"size_m","title":"Medium","description":"M"}}},
{"from":"447700900003","id":"wamid.I2","timestamp":"1763892003","type":"image","image":{"id":"1003383421387256","mime_type":"image/jpeg","sha256":"SfIn=","caption":"this one"}},
{"from":"447700900003","id":"wamid.I3","timestamp":"1763892004","type":"unsupported","errors":[{"code":131051,"title":"Message type unknown"}]}]}}]}]}
EOF
check_same "two entries in one POST" 200 "$(post "$TMP/multi.json")"
jq -r 'select(.wamid == "wamid.M1" or .wamid == "wamid.M2" or .wamid == "wamid.I1" or .wamid == "wamid.I2" or .wamid == "wamid.I3") |
	[.event, .wamid, (.status // .type), (.to // .from), (.key // .text // "" | gsub("\u001f"; "<US>")), (.category // ""), (.error.code // ""), (.context // ""), .phone_number_id] | @tsv' "$SP" >"$TMP/multi.got"
check_file "each status and message, flattened" "$TMP/multi.got" <<EOF
status	wamid.M1	sent	+447700900001	winback<US>shopify:1	marketing			106540352242922
status	wamid.M1	read	+447700900001					106540352242922
status	wamid.M2	failed	+447700900002			131026		106540352242923
message	wamid.I1	interactive	+447700900003	Medium			wamid.M1	106540352242923
message	wamid.I2	image	+447700900003	this one				106540352242923
message	wamid.I3	unsupported	+447700900003			131051		106540352242923
EOF

# --- STOP and START
i=10
for w in STOP ' Baja. ' '退订' 'ARRÊT!' Abmelden berhenti SAIR parar unsubscribe '取消订阅' 'stop all'; do
	i=$((i + 1))
	text "$TMP/s.json" "wamid.S$i" "4477009001$i" "$w"
	post "$TMP/s.json" >/dev/null
done
text "$TMP/s.json" wamid.S99 447700900199 'please stop sending these'
post "$TMP/s.json" >/dev/null
body "$TMP/s.json" '"contacts":[{"profile":{"name":"Cy"},"wa_id":"447700900150"}],"messages":[{"from":"447700900150","id":"wamid.B1","timestamp":"1763892000","type":"button","context":{"from":"15550783881","id":"wamid.T"},"button":{"payload":"STOP_PROMO","text":"Stop"}}]'
post "$TMP/s.json" >/dev/null
check_same "STOP words of seven languages and a button opt out" \
	"+447700900111 +447700900112 +447700900113 +447700900114 +447700900115 +447700900116 +447700900117 +447700900118 +447700900119 +447700900120 +447700900121 +447700900150" \
	"$(grep '^+4477009001' "$SUPP" | sort | tr '\n' ' ' | sed 's/ $//')"
check_same "each with an opt_out event" 12 \
	"$(jq -c 'select(.event == "opt_out" and (.from | startswith("+4477009001")))' "$SP" | wc -l | tr -d ' ')"
check_same "a sentence with stop in it is no opt-out" "" \
	"$(grep -x '+447700900199' "$SUPP")"
text "$TMP/s.json" wamid.S11 447700900111 STOP
post "$TMP/s.json" >/dev/null
check_same "a redelivered STOP adds no second line" 1 "$(grep -cx '+447700900111' "$SUPP")"

printf '%s\n' '{"id":"a","phone":"+447700900112","opt_in":true}' '{"id":"b","phone":"+447700900199","opt_in":true}' >"$TMP/custs.jsonl"
check_same "wa-send then skips who wrote STOP" "skipped suppressed|dry_run" \
	"$(wa-send --dry-run --suppress "$SUPP" --ledger "$TMP/l.jsonl" -c promo -t hello "$TMP/custs.jsonl" 2>/dev/null | jq -r '.event + (if .reason then " " + .reason else "" end)' | tr '\n' '|' | sed 's/|$//')"

text "$TMP/s.json" wamid.S200 447700900112 ' Start '
post "$TMP/s.json" >/dev/null
check_same "START removes the number" "" "$(grep -x '+447700900112' "$SUPP")"
check_same "and leaves the others" 11 "$(grep -c '^+4477009001' "$SUPP")"
check_same "with an opt_in event" "+447700900112 text" \
	"$(jq -r 'select(.event == "opt_in" and (.from | startswith("+4477009001"))) | "\(.from) \(.via)"' "$SP")"
text "$TMP/s.json" wamid.S12 447700900112 ' Baja. '
post "$TMP/s.json" >/dev/null
check_same "an old STOP redelivered after START does not undo it" "" "$(grep -x '+447700900112' "$SUPP")"
text "$TMP/s.json" wamid.S300 447700900113 STOP 1763895600
post "$TMP/s.json" >/dev/null
text "$TMP/s.json" wamid.S301 447700900113 START 1763892100
post "$TMP/s.json" >/dev/null
check_same "a START written before the last STOP, delivered after it, is not applied" "+447700900113" \
	"$(grep -x '+447700900113' "$SUPP")"
grep -q 'START of +447700900113 older than their last STOP' "$TMP/main.err"
_result $? "and says so"

# STOP words of the eight languages, full-width and fancy forms, Meta's marketing opt-out button
i=400
for w in 'ＳＴＯＰ' 'Ｓｔｏｐ　ｐｒｏｍｏｔｉｏｎｓ' Cancel QUIT 'End.' 'opt out' 'Unsubscribe 🛑' \
	Stopp 'Cancelar inscrição' 'Se désabonner' 'Hentikan promosi' '停止' Annulla '𝐒𝐓𝐎𝐏'; do
	i=$((i + 1))
	text "$TMP/s.json" "wamid.S$i" "447700900$i" "$w"
	post "$TMP/s.json" >/dev/null
done
body "$TMP/s.json" '"contacts":[{"profile":{"name":"Di"},"wa_id":"447700900450"}],"messages":[{"from":"447700900450","id":"wamid.B2","timestamp":"1763892000","type":"button","context":{"from":"15550783881","id":"wamid.T2"},"button":{"payload":"Stop promotions","text":"Stop promotions"}}]'
post "$TMP/s.json" >/dev/null
for w in 'I want to cancel my order' 'The end' 'ＳＴＯＰ ｉｔ ｎｏｗ' 'Quiero cancelar mi pedido'; do
	i=$((i + 1))
	text "$TMP/s.json" "wamid.S$i" "447700900$i" "$w"
	post "$TMP/s.json" >/dev/null
done
# a button titled Cancel cancels an appointment, not the messages
body "$TMP/s.json" '"contacts":[{"profile":{"name":"Ed"},"wa_id":"447700900451"}],"messages":[{"from":"447700900451","id":"wamid.B3","timestamp":"1763892000","type":"interactive","context":{"from":"15550783881","id":"wamid.T3"},"interactive":{"type":"button_reply","button_reply":{"id":"cancel","title":"Cancel"}}}]'
post "$TMP/s.json" >/dev/null
body "$TMP/s.json" '"contacts":[{"profile":{"name":"Flo"},"wa_id":"447700900452"}],"messages":[{"from":"447700900452","id":"wamid.B4","timestamp":"1763892000","type":"button","context":{"from":"15550783881","id":"wamid.T4"},"button":{"payload":"CANCEL_ORDER","text":"Cancelar"}}]'
post "$TMP/s.json" >/dev/null
check_same "new STOP words, any width, and the opt-out button opt out; a Cancel button does not" \
	"401 402 403 404 405 406 407 408 409 410 411 412 413 414 450" \
	"$(grep -E '^\+4477009004[0-9]{2}$' "$SUPP" | cut -c11- | sort | tr '\n' ' ' | sed 's/ $//')"
check_same "the button's opt_out is via button" "+447700900450 button" \
	"$(jq -r 'select(.event == "opt_out" and .wamid == "wamid.B2") | "\(.from) \(.via)"' "$SP")"

# --- Shopify
WA_SHOPIFY_SECRET=
cat >"$TMP/order.json" <<'EOF'
{"id":820982911946154508,"name":"#1001","email":"ana@example.com","phone":null,"created_at":"2026-11-23T10:00:00-05:00","processed_at":"2026-11-23T10:00:05-05:00","cancelled_at":null,"financial_status":"paid","fulfillment_status":"fulfilled","total_price":"1659.95","currency":"BRL","discount_codes":[{"code":"VOLTA15","amount":"10.00"}],"tags":"vip, winback","customer":{"id":115310627314723954,"email":"ana@example.com","phone":"+5511987654321"},"shipping_address":{"phone":"(11) 98765-4321","country_code":"BR"},"line_items":[{"name":"Caneca","sku":"MUG-1","vendor":"Loja","quantity":2,"price":"829.975"}],"fulfillments":[{"created_at":"2026-11-24T09:00:00-05:00","tracking_url":"https://track.example/AB1","tracking_number":"AB1","tracking_company":"Correios"}],"order_status_url":"https://loja.example/orders/1/status"}
EOF
check_same "a Shopify webhook without WA_SHOPIFY_SECRET: 401" 401 "$(shop orders/create "$TMP/order.json" w1 x)"
kill "$HPID"; wait "$HPID"
check_same "SIGTERM stops wa-hook with exit 0" 0 $?
grep -q 'stopped: .* events stored, .* duplicates dropped' "$TMP/main.err"
_result $? "with a summary on stderr"
WA_SHOPIFY_SECRET=shop-secret-$$
export WA_SHOPIFY_SECRET
n=$(lines "$SP")
start_hook second --spool "$SP" --suppress "$SUPP" || { echo "Bail out! wa-hook did not restart"; exit 1; }
check_same "after a restart, redeliveries are acknowledged" "$nb of $nb 200 200" \
	"$(bodies $DIRS) $(post "$TMP/multi.json") $(post "$TMP/acc.json")"
check_same "and still dropped" "$n" "$(lines "$SP")"

check_same "a Shopify order with a bad HMAC: 401" 401 "$(shop orders/create "$TMP/order.json" w1 wrong)"
check_same "a signed Shopify order: 200" 200 "$(shop orders/fulfilled "$TMP/order.json" w1)"
check_same "becomes an order event with wa-import's fields" \
	'order|shopify:820982911946154508|#1001|shopify:115310627314723954|+5511987654321|2026-11-23T15:00:00Z|2026-11-24T14:00:00Z|1659.95|BRL|VOLTA15|Caneca 2 829.98|vip,winback|https://track.example/AB1' \
	"$(jq -r 'select(.event == "order") | [.type, .id, .name, .customer, .phone, .created_at, .fulfilled_at, .total, .currency, .discount_code, (.items[0] | "\(.name) \(.qty) \(.price)"), (.tags | join(",")), .extra.tracking_url] | join("|")' "$SP")"
check_same "the same X-Shopify-Webhook-Id again is dropped" "200 1" \
	"$(shop orders/fulfilled "$TMP/order.json" w1) $(jq -c 'select(.event == "order")' "$SP" | wc -l | tr -d ' ')"
cat >"$TMP/checkout.json" <<'EOF'
{"id":35681,"token":"c1","email":null,"phone":"+447700900777","created_at":"2026-11-23T10:00:00Z","completed_at":null,"total_price":"20.00","currency":"GBP","abandoned_checkout_url":"https://shop.example/checkouts/c1/recover","line_items":[{"title":"Socks","sku":"S1","quantity":1,"price":"20.00"}]}
EOF
check_same "a checkout: 200" 200 "$(shop checkouts/create "$TMP/checkout.json" w2)"
check_same "becomes a checkout event with its recovery link" \
	"checkout phone:+447700900777 https://shop.example/checkouts/c1/recover null 20" \
	"$(jq -r 'select(.event == "checkout") | "\(.type) \(.customer) \(.abandoned_checkout_url) \(.completed_at) \(.total)"' "$SP")"
check_same "another topic is acknowledged and ignored" "200 0" \
	"$(shop products/update "$TMP/checkout.json" w3) $(jq -c 'select(.topic == "products/update")' "$SP" | wc -l | tr -d ' ')"
kill "$HPID"; wait "$HPID"

# --- custom words
printf '%s\n' '# ours' HALT 'no more' '[start]' GO >"$TMP/words"
start_hook words --spool "$TMP/w.jsonl" --suppress "$TMP/w.txt" --optout-words "$TMP/words" ||
	{ echo "Bail out! wa-hook did not start"; exit 1; }
text "$TMP/s.json" wamid.W1 447700900301 'No more!'
post "$TMP/s.json" >/dev/null
text "$TMP/s.json" wamid.W2 447700900302 STOP
post "$TMP/s.json" >/dev/null
check_same "--optout-words replaces the STOP words" "+447700900301" "$(cat "$TMP/w.txt")"
text "$TMP/s.json" wamid.W3 447700900301 go
post "$TMP/s.json" >/dev/null
check_same "and its [start] section the START words" "" "$(cat "$TMP/w.txt")"
kill "$HPID"; wait "$HPID"

# --- kill -9 under load: every acknowledged event is in the spool
start_hook load --spool "$TMP/load.jsonl" || { echo "Bail out! wa-hook did not start"; exit 1; }
bench-hook -p "$HPORT" -c 16 -d 3 -o "$TMP/acked" >"$TMP/bench.out" &
BPID=$!
sleep 1.5
kill -9 "$HPID"
wait "$BPID"
acked=$(lines "$TMP/acked")
[ "$acked" -gt 100 ]
_result $? "the load was acknowledged before the kill ($acked events)"
sort "$TMP/acked" >"$TMP/acked.s"
jq -r .wamid "$TMP/load.jsonl" 2>/dev/null | sort >"$TMP/load.s"
check_same "none of them is missing from the spool" "" "$(comm -23 "$TMP/acked.s" "$TMP/load.s" | head -3)"
printf '{"event":"status","wamid":"torn' >>"$TMP/load.jsonl"
start_hook reload --spool "$TMP/load.jsonl" || { echo "Bail out! wa-hook did not restart"; exit 1; }
kill "$HPID"; wait "$HPID"
jq -e . "$TMP/load.jsonl" >/dev/null 2>&1
_result $? "a torn last line is cut on restart"
printf '%s\n' 'not json' '{"event":"status","wamid":"w.1","status":"read"}' '[1]' >"$TMP/bad.jsonl"
start_hook bad --spool "$TMP/bad.jsonl" || { echo "Bail out! wa-hook did not restart"; exit 1; }
kill "$HPID"; wait "$HPID"
grep -q "bad.jsonl:1: not an event, ignored" "$TMP/bad.err" && grep -q "bad.jsonl: 2 lines in all are no events" "$TMP/bad.err"
_result $? "lines of the spool that are no events are named and counted, not silently passed"

# --- a full disk: refused with 500, the spool stays whole, and the redelivery is taken
(
	ulimit -f 2
	exec wa-hook -l 127.0.0.1:0 --spool "$TMP/full.jsonl" --suppress "$TMP/f.txt"
) >/dev/null 2>"$TMP/full.err" &
HPID=$!
PIDS="$PIDS $HPID"
# until it listens: a sanitized build under load takes more than a moment
i=0
until grep -q 'listening on ' "$TMP/full.err" 2>/dev/null || [ $i -gt 200 ]; do
	sleep 0.05; i=$((i + 1))
done
HPORT=$(sed -n 's/^wa-hook: listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$TMP/full.err")
codes=
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	text "$TMP/d$i.json" "wamid.D$i" 447700900400 "message number $i, long enough to fill a small file"
	codes="$codes $(post "$TMP/d$i.json")"
done
echo "$codes" | grep -q 500
_result $? "a write past the file size limit is answered 500 ($codes )"
kill -0 "$HPID"
_result $? "and wa-hook keeps running"
jq -e . "$TMP/full.jsonl" >/dev/null
_result $? "with no torn line in the spool"
kill "$HPID"; wait "$HPID"
start_hook unfull --spool "$TMP/full.jsonl" --suppress "$TMP/f.txt" || { echo "Bail out!"; exit 1; }
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do post "$TMP/d$i.json" >/dev/null; done
check_same "once there is room, the refused ones are taken and none twice" \
	"12 12" "$(jq -r .wamid "$TMP/full.jsonl" | sort -u | wc -l | tr -d ' ') $(lines "$TMP/full.jsonl")"
kill "$HPID"; wait "$HPID"

# --- no secret in anything a run wrote (the file we put one in aside), nor in argv
check_same "the app, verify and Shopify secrets appear in no output, log or spool" "" \
	"$(grep -rlF -e "$WA_APP_SECRET" -e "$WA_VERIFY_TOKEN" -e "$WA_SHOPIFY_SECRET" "$TMP" | grep -v "^$TMP/secret$")"
start_hook argv --spool "$TMP/argv.jsonl" || { echo "Bail out!"; exit 1; }
! tr '\0' ' ' <"/proc/$HPID/cmdline" | grep -qF -e "$WA_APP_SECRET" -e "$WA_VERIFY_TOKEN"
_result $? "nor in wa-hook's argv"
[ "$(stat -c %a "$WA_HOME")" = 700 ] && [ "$(stat -c %a "$TMP/argv.jsonl")" = 600 ]
_result $? "WA_HOME is 0700, the spool 0600"
kill "$HPID"; wait "$HPID"

done_testing
