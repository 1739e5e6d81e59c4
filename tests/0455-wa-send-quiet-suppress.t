#!/bin/sh
# wa-send's consent rules that fail closed: --quiet with zones unknown, the suppression list in every form.
. "$(dirname "$0")/lib.sh"

mkdir -p "$WA_HOME"
WA_PHONE_NUMBER_ID=106540352242922
export WA_PHONE_NUMBER_ID

# wsd ARGS...: a dry run, so nothing needs a token or a server
wsd() { env -u WA_TOKEN wa-send --dry-run --no-check --ledger "$TMP/ledger.jsonl" "$@"; }

# evs FILE IDS...: the events of the records IDS, joined by '|'
evs() {
	_f=$1; shift
	for _i in "$@"; do ev "$_f" "$_i"; done | paste -sd'|' -
}

# --quiet 21:00-09:00 at 14:00 UTC: read as UTC every record would be sent.
# 23:00 in Tokyo; 09:00 in New York but 06:00 in Los Angeles.
cat >"$TMP/zones.jsonl" <<'EOF'
{"id":"j1","phone":"+819012345601","opt_in":true,"tz":"Nowhere/City"}
{"id":"j2","phone":"+819012345602","opt_in":true,"tz":"+09:00"}
{"id":"j3","phone":"+819012345603","opt_in":true,"tz":"../../../etc/passwd"}
{"id":"j4","phone":"+819012345604","opt_in":true,"tz":9}
{"id":"j5","phone":"+819012345605","opt_in":true}
{"id":"u1","phone":"+12025550101","opt_in":true,"tz":"Eastern"}
{"id":"u2","phone":"+12025550102","opt_in":true}
{"id":"n1","phone":"+883510000001","opt_in":true}
{"id":"g1","phone":"+447700900001","opt_in":true,"tz":"Asia/Tokyo"}
{"id":"g2","phone":"+447700900002","opt_in":true,"tz":"Europe/Nowhere"}
{"id":"g3","phone":"+447700900003","opt_in":true}
EOF
wsd -c z1 -t hello --quiet 21:00-09:00 --now 2026-11-23T14:00:00Z \
	"$TMP/zones.jsonl" >"$TMP/z1" 2>"$TMP/z1.err"
check_same "a Japanese phone whose tz is unknown, malformed, not text or missing keeps Tokyo's night" \
	"deferred quiet_hours|deferred quiet_hours|deferred quiet_hours|deferred quiet_hours|deferred quiet_hours" \
	"$(evs "$TMP/z1" j1 j2 j3 j4 j5)"
check_same "a US phone with a bad tz or none: its zones disagree, deferred" \
	"deferred quiet_zone_unknown|deferred quiet_zone_unknown" "$(evs "$TMP/z1" u1 u2)"
check_same "a non-geographic number with no tz: deferred" "deferred quiet_zone_unknown" "$(ev "$TMP/z1" n1)"
check_same "a known tz wins over the phone's country; a bad one falls back to it" \
	"deferred quiet_hours|dry_run|dry_run" "$(evs "$TMP/z1" g1 g2 g3)"
WA_NOW=2026-11-23T20:00:00Z wsd -c z2 -t hello --quiet 21:00-09:00 "$TMP/zones.jsonl" >"$TMP/z2" 2>/dev/null
check_same "WA_NOW at 20:00 UTC: day on every US coast, night in Tokyo" \
	"dry_run|dry_run|deferred quiet_hours|deferred quiet_hours" "$(evs "$TMP/z2" u1 u2 j1 j5)"
WA_NOW=2026-11-23T08:00:00Z wsd -c z3 -t hello --quiet 21:00-09:00 "$TMP/zones.jsonl" >"$TMP/z3" 2>/dev/null
check_same "at 08:00 UTC: night on every US coast, quiet_hours" \
	"deferred quiet_hours|deferred quiet_hours" "$(evs "$TMP/z3" u1 u2)"

# The same-day window (from before to) against one across midnight, in London (UTC in November).
printf '%s\n' '{"id":"l1","phone":"+447700900011","opt_in":true,"tz":"Europe/London"}' >"$TMP/london.jsonl"
for w in 13:00-17:00@12:59 13:00-17:00@13:00 13:00-17:00@16:59 13:00-17:00@17:00 13:00-17:00@22:00 \
	21:00-09:00@20:59 21:00-09:00@21:00 21:00-09:00@03:00 21:00-09:00@09:00 21:00-09:00@14:00; do
	win=${w%@*} t=${w#*@}
	wsd -c "w$win$t" -t hello --quiet "$win" --now "2026-11-23T$t:00Z" "$TMP/london.jsonl" 2>/dev/null | jq -r '.event'
done | paste -sd' ' - >"$TMP/win"
check_same "--quiet 13:00-17:00 holds 13:00 to 16:59 only; 21:00-09:00 holds 21:00 to 08:59 only" \
	"dry_run deferred deferred dry_run dry_run dry_run deferred deferred dry_run dry_run" "$(cat "$TMP/win")"

# The suppression list as people and Meta write it: CRLF, wa_ids, tel:, commas, comments, quotes.
S=$TMP/suppress.txt
printf '%s\r\n' '# opt-outs, by hand and from Meta' \
	'447700900021' \
	'+44 7700 900022,' \
	'tel:+44-7700-900023' \
	'07700 900024  # asked by email' \
	'' \
	'   ' \
	'"+44 7700 900025",' \
	'551187654321' \
	'+52 1 55 1234 5678' \
	'not a number' \
	'+44 12' \
	'00447700900026 ,,' >"$S"
cat >"$TMP/supp.jsonl" <<'EOF'
{"id":"s1","phone":"+447700900021","opt_in":true}
{"id":"s2","phone":"+447700900022","opt_in":true}
{"id":"s3","phone":"+447700900023","opt_in":true}
{"id":"s4","phone":"+447700900024","opt_in":true}
{"id":"s5","phone":"+447700900025","opt_in":true}
{"id":"s6","phone":"+5511987654321","opt_in":true}
{"id":"s7","phone":"+525512345678","opt_in":true}
{"id":"s8","phone":"+447700900026","opt_in":true}
{"id":"s9","phone":"+447700900029","opt_in":true}
{"id":"s10","phone":"07700 900027","opt_in":true}
EOF
check_status "--country GB: the run goes on past the unreadable lines, exit 0" 0 \
	sh -c 'env -u WA_TOKEN wa-send -q --dry-run --no-check --ledger "$1/l.jsonl" -c s1 -t hello \
		--country GB --suppress "$2" "$1/supp.jsonl" >"$1/s1" 2>"$1/s1.err"' sh "$TMP" "$S"
check_same "a wa_id, spaces and comma, tel:, a national number, quotes, Brazil's 9th digit, Mexico's 1, 00" \
	"skipped suppressed|skipped suppressed|skipped suppressed|skipped suppressed|skipped suppressed|skipped suppressed|skipped suppressed|skipped suppressed" \
	"$(evs "$TMP/s1" s1 s2 s3 s4 s5 s6 s7 s8)"
check_same "a number not listed is sent; --country reads a record's national number too" \
	"dry_run|dry_run" "$(evs "$TMP/s1" s9 s10)"
check_same "the unreadable lines are warnings at FILE:LINE, the others are not" \
	"wa-send: $S:11: not read, suppresses nobody: not a phone number
wa-send: $S:12: not read, suppresses nobody: phone number does not fit the country's numbering plan" \
	"$(cat "$TMP/s1.err")"
wsd -c s2 -t hello --suppress "$S" "$TMP/supp.jsonl" >"$TMP/s2" 2>"$TMP/s2.err"
check_same "without --country the national line is a warning too, and its number is sent" \
	"wa-send: $S:5: not read, suppresses nobody: national phone number without a country (give --country)|dry_run" \
	"$(grep -F "$S:5:" "$TMP/s2.err")|$(ev "$TMP/s2" s4)"
check_status "--country: not a country code is a usage error" 2 wsd -c s3 -t hello --country GBR "$TMP/supp.jsonl"

# wa-forget turns the tel: line into its hash, and wa-send still skips the number.
cp "$S" "$WA_HOME/suppress.txt"
wa-forget +447700900023 >/dev/null 2>&1
check_same "wa-forget hashes a tel: line in place, the rest stays" "forgotten:" \
	"$(sed -n 4p "$WA_HOME/suppress.txt" | cut -c1-10)"
check_same "and the lines around it are byte for byte the same" \
	"$(sed 4d "$S" | od -c)" "$(sed 4d "$WA_HOME/suppress.txt" | od -c)"
wsd -c s4 -t hello --country GB "$TMP/supp.jsonl" >"$TMP/s4" 2>/dev/null
check_same "the forgotten number is still suppressed, by its hash" \
	"skipped suppressed|skipped suppressed" "$(evs "$TMP/s4" s3 s1)"
done_testing
