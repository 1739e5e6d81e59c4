#!/bin/sh
# wa-forget: a person erased from every file, the others untouched, the counts kept, the locks honoured.
. "$(dirname "$0")/lib.sh"

PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
mkdir -p "$WA_HOME"
L=$WA_HOME/ledger.jsonl
E=$WA_HOME/events.jsonl
S=$WA_HOME/suppress.txt
cd "$TMP" || exit 1

# Ana (to forget) and Bo (kept); Ana's phone is in the ledger and the events, her e-mail only in the customer file.
cat >c.jsonl <<'EOF'
{"id":"shopify:1","first_name":"Ana","last_name":"Lima","email":"Ana.Lima@example.com","phone":"+5511987654321","city":"São Paulo","opt_in":true,"orders":2,"spent":120.5,"currency":"BRL","tags":["vip"],"note":"likes blue"}
{"id":"shopify:2","first_name":"Bo","email":"bo@example.com","phone":"+447700900002","opt_in":true,"orders":1,"spent":10,"currency":"GBP","tags":[]}
EOF
cat >o.jsonl <<'EOF'
{"type":"order","id":"shopify:1001","name":"#1001","customer":"shopify:1","email":"ana.lima@example.com","phone":"+5511987654321","total":100.5,"currency":"BRL","items":[{"name":"Mug","qty":1,"price":100.5}],"extra":{"Shipping Street":"Rua A 1"}}
{"type":"order","id":"shopify:1002","name":"#1002","customer":"shopify:2","email":"bo@example.com","phone":null,"total":10,"currency":"GBP","items":[]}
EOF
cat >"$L" <<'EOF'
{"event":"attempt","id":"shopify:1","to":"+5511987654321","campaign":"winback","at":"2026-11-01T10:00:00Z","key":"winback/shopify:1"}
{"event":"sent","id":"shopify:1","to":"+5511987654321","campaign":"winback","at":"2026-11-01T10:00:01Z","key":"winback/shopify:1","wamid":"wamid.ANA"}
{"event":"attempt","id":"shopify:2","to":"+447700900002","campaign":"winback","at":"2026-11-01T10:00:00Z","key":"winback/shopify:2"}
{"event":"sent","id":"shopify:2","to":"+447700900002","campaign":"winback","at":"2026-11-01T10:00:01Z","key":"winback/shopify:2","wamid":"wamid.BO"}
EOF
cat >"$E" <<'EOF'
{"event":"status","wamid":"wamid.ANA","status":"read","at":"2026-11-01T10:05:00Z","to":"+5511987654321","key":"winback/shopify:1"}
{"event":"message","wamid":"wamid.IN1","from":"+551187654321","name":"Ana L","at":"2026-11-01T10:06:00Z","type":"text","text":"my address is Rua A 1","context":"wamid.ANA"}
{"event":"opt_out","from":"+551187654321","at":"2026-11-01T10:07:00Z","via":"text","wamid":"wamid.IN2"}
{"event":"status","wamid":"wamid.BO","status":"delivered","at":"2026-11-01T10:05:00Z","to":"+447700900002","key":"winback/shopify:2"}
EOF
printf '%s\n' '# opt-outs' +5511987654321 +447700900099 >"$S"
for f in c.jsonl o.jsonl "$L" "$E" "$S"; do cp "$f" "$f.orig"; done
BO_C=$(grep shopify:2 c.jsonl)
BO_L=$(grep shopify:2 "$L")

check_status "no one named: exit 2" 2 wa-forget
check_status "someone unknown: exit 1" 1 wa-forget -f c.jsonl nobody@example.com
grep -q 'nothing is held' "$TMP/.out"
_result $? "which says nothing is held"

wa-forget --export -f c.jsonl -f o.jsonl ana.lima@EXAMPLE.com >export.json 2>/dev/null
check_same "--export finds her by e-mail in every file, through her id and phone" "1 1 2 3 true" \
	"$(jq -r '"\(.customers | length) \(.orders | length) \(.ledger | length) \(.events | length) \(.suppressed)"' export.json)"
check_same "the Brazilian number without its 9th digit is hers too" "wamid.IN1" \
	"$(jq -r '.events[] | select(.event == "message") | .wamid' export.json)"
same=0
for f in c.jsonl o.jsonl "$L" "$E" "$S"; do cmp -s "$f" "$f.orig" || same=1; done
check_same "--export changes nothing" 0 "$same"
wa-forget -n -f c.jsonl -f o.jsonl shopify:1 2>dry.err
same=0
for f in c.jsonl o.jsonl "$L" "$E" "$S"; do cmp -s "$f" "$f.orig" || same=1; done
check_same "-n changes nothing" 0 "$same"
grep -q 'ledger.jsonl: 2 records would be erased' dry.err
_result $? "and says what it would do"

check_status "erasing her: exit 0" 0 wa-forget -f c.jsonl -f o.jsonl +5511987654321
for w in Ana Lima lima@ 5511987654321 551187654321 'Rua A' 'São Paulo' blue wamid.ANA wamid.IN1; do
	! grep -qi "$w" c.jsonl o.jsonl "$L" "$E" "$S" 2>/dev/null
	_result $? "'$w' is nowhere"
done
check_same "line counts stay" "2 2 4 4 3" \
	"$(for f in c.jsonl o.jsonl "$L" "$E" "$S"; do wc -l <"$f"; done | tr -d ' ' | tr '\n' ' ' | sed 's/ $//')"
check_same "Bo's customer record is byte for byte the same" "$BO_C" "$(grep shopify:2 c.jsonl)"
check_same "and his ledger lines" "$BO_L" "$(grep shopify:2 "$L")"
check_same "her customer record is a stub with the counts" \
	'{"orders":2,"spent":120.5,"currency":"BRL","tags":["vip"],"opt_in":false,"forgotten":true}' \
	"$(head -1 c.jsonl | jq -c 'del(.id)')"
h=$(head -1 c.jsonl | jq -r .id)
case $h in forgotten:????????????????????????) r=0 ;; *) r=1 ;; esac
_result $r "and a salted hash for an id ($h)"
check_same "the ledger's id, key and the order's customer use the same hash" "$h|winback/$h|$h" \
	"$(jq -r 'select(.event == "sent" and .forgotten) | "\(.id)|\(.key)"' "$L")|$(head -1 o.jsonl | jq -r .customer)"
check_same "the status still joins the ledger: same key, same wamid" 1 \
	"$(jq -r --slurpfile l "$L" 'select(.event == "status" and .forgotten) as $st |
		[$l[] | select(.event == "sent" and .key == $st.key and .wamid == $st.wamid)] | length' "$E")"
check_same "her reply still points at the message it answered" \
	"$(jq -r 'select(.event == "status" and .forgotten) | .wamid' "$E")" \
	"$(jq -r 'select(.event == "message") | .context' "$E")"
check_same "the order keeps its amount and items" "100.5 Mug" "$(head -1 o.jsonl | jq -r '"\(.total) \(.items[0].name)"')"
check_same "her number in the suppression list became its hash" "# opt-outs forgotten: +447700900099" \
	"$(sed 's/^\(forgotten:\).*/\1/' "$S" | tr '\n' ' ' | sed 's/ $//')"
[ "$(stat -c %a "$WA_HOME/salt")" = 600 ]
_result $? "the salt is 0600"

# wa-send still skips her: by the hash
WA_PHONE_NUMBER_ID=1 wa-send --dry-run -c promo -t hello >send.out 2>/dev/null <<'EOF'
{"id":"x","phone":"+5511987654321","opt_in":true}
{"id":"y","phone":"+5521987654321","opt_in":true}
EOF
check_same "wa-send skips a forgotten suppressed number" "skipped suppressed|dry_run" \
	"$(jq -r '.event + (if .reason then " " + .reason else "" end)' send.out | tr '\n' '|' | sed 's/|$//')"

cp c.jsonl c.before
check_status "forgetting her again finds nothing: exit 1" 1 wa-forget -f c.jsonl +5511987654321
cmp -s c.jsonl c.before
_result $? "and changes nothing"

# A customer with no store id is "phone:+..." in every file: the key and the order's customer too.
printf '%s\n' '{"id":"phone:+442071838750","first_name":"Cy","phone":"+442071838750","opt_in":true}' >p.jsonl
printf '%s\n' '{"type":"order","id":"shopify:9","customer":"phone:+442071838750","total":5,"currency":"GBP","items":[]}' >po.jsonl
printf '%s\n' '{"event":"sent","id":"phone:+442071838750","to":"+442071838750","campaign":"spring","at":"2026-11-01T10:00:01Z","key":"spring/phone:+442071838750","wamid":"wamid.CY"}' >>"$L"
printf '%s\n' '{"event":"status","wamid":"wamid.CY","status":"read","at":"2026-11-01T10:05:00Z","to":"+442071838750","key":"spring/phone:+442071838750"}' >>"$E"
wa-forget -f p.jsonl -f po.jsonl +442071838750 2>/dev/null
check_same "an id made of the phone is hashed everywhere, the keys too" "" \
	"$(grep -l '442071838750' p.jsonl po.jsonl "$L" "$E")"
check_status "a phone: id that is no number is only an id: exit 1, no crash" 1 wa-forget -f p.jsonl phone:abc

# The ledger is rewritten only once the run that holds it is done.
rm -f order
( flock "$L" sh -c 'sleep 1; echo sender >>order' ) &
sleep 0.3
wa-forget bo@example.com -f c.jsonl 2>/dev/null
echo forget >>order
wait
check_same "a held ledger is waited for" "sender forget" "$(tr '\n' ' ' <order | sed 's/ $//')"

# Events that wa-hook takes during a rewrite of the spool are not lost.
WA_APP_SECRET=s-$$ WA_VERIFY_TOKEN=v-$$
export WA_APP_SECRET WA_VERIFY_TOKEN
start_hook hook --spool "$E" --suppress "$S" || { echo "Bail out! wa-hook did not start"; exit 1; }
bench-hook -p "$HPORT" -c 4 -d 2 -o acked >/dev/null &
BPID=$!
n=0
while [ $n -lt 5 ]; do
	wa-forget +447700900002 >/dev/null 2>&1
	sleep 0.2
	n=$((n + 1))
done
wait "$BPID"
kill "$HPID"; wait "$HPID"
sort acked >acked.s
jq -r .wamid "$E" | sort >spool.s
check_same "every event taken during five rewrites is in the spool" "" "$(comm -23 acked.s spool.s | head -3)"
[ "$(wc -l <acked)" -gt 50 ]
_result $? "($(wc -l <acked | tr -d ' ') events)"

done_testing
