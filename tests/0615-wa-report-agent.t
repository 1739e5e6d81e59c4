#!/bin/sh
# wa-report -b agent and -b tier: the inbox's conversations, checked against hand-computed figures.
. "$(dirname "$0")/lib.sh"
trap '[ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
mkdir -p "$WA_HOME"

# Five conversations on 2026-11-23, written as wa-hook, wa-send and wa-inbox write them.
#   P1 platinum (15m): in 10:00, handed off, ann replies 10:10 (600 s, met),
#      closed 10:30 with a survey (resolved in 1800 s), answered SCORE:5
#   P2 gold (30m):     in 10:05, assigned ann, ann replies 10:45 (2400 s, missed),
#      closed 11:05 (3600 s), survey answered SCORE:3
#   P3 silver (2h):    in 10:20, handed off to bob, bob replies 10:50 (1800 s, met)
#   P4 gold:           in 10:00, the bot answers at once: the bot alone
#   P5 no tier (4h):   in 09:00, handed off, nobody answers by 14:00 (missed)
cat >"$WA_HOME/customers.jsonl" <<'EOF2'
{"id":"1","phone":"+447700900201","tier":"platinum"}
{"id":"2","phone":"+447700900202","tier":"gold"}
{"id":"3","phone":"+447700900203","tier":"silver"}
{"id":"4","phone":"+447700900204","tier":"gold"}
{"id":"5","phone":"+447700900205"}
EOF2
inmsg() { printf '{"event":"message","wamid":"%s","from":"+%s","name":"C","at":"2026-11-23T%sZ","type":"text","text":"%s"}\n' "$@"; }
{
	inmsg wamid.P1 447700900201 10:00:00 'my order is late'
	inmsg wamid.P2 447700900202 10:05:00 'wrong size'
	inmsg wamid.P3 447700900203 10:20:00 'a person please'
	inmsg wamid.P4 447700900204 10:00:00 'opening hours?'
	inmsg wamid.P5 447700900205 09:00:00 'refund!'
	printf '{"event":"message","wamid":"wamid.P1S","from":"+447700900201","at":"2026-11-23T10:31:00Z","type":"button","text":"5","payload":"SCORE:5","context":"wamid.S1"}\n'
	printf '{"event":"message","wamid":"wamid.P2S","from":"+447700900202","at":"2026-11-23T11:10:00Z","type":"button","text":"3","payload":"SCORE:3","context":"wamid.S2"}\n'
} >"$WA_HOME/events.jsonl"
out() { # KEY TO CAMPAIGN AT WAMID
	printf '{"event":"attempt","key":"%s","to":"%s","campaign":"%s","at":"2026-11-23T%sZ"}\n' "$1" "$2" "$3" "$4"
	printf '{"event":"sent","key":"%s","to":"%s","campaign":"%s","at":"2026-11-23T%sZ","wamid":"%s"}\n' "$@"
}
{
	out inbox/x1/r1 +447700900201 inbox 10:10:00 wamid.R1
	out inbox-survey/x1 +447700900201 inbox-survey 10:30:00 wamid.S1
	out inbox/x2/r1 +447700900202 inbox 10:45:00 wamid.R2
	out inbox-survey/x2 +447700900202 inbox-survey 11:05:00 wamid.S2
	out inbox/x3/r1 +447700900203 inbox 10:50:00 wamid.R3
	out auto-replies/wamid.P4 +447700900204 auto-replies 10:00:05 wamid.B4
} >"$WA_HOME/ledger.jsonl"
log() { # EVENT PHONE AT AGENT [EXTRA]
	printf '{"event":"%s","conv":"x%s","phone":"%s","at":"2026-11-23T%sZ","agent":"%s"%s}\n' "$1" "${2#+4477009002}" "$2" "$3" "$4" "$5"
}
{
	log handed_off +447700900201 10:00:10 route ''
	log assigned +447700900201 10:01:00 ann ''
	log replied +447700900201 10:10:00 ann ',"key":"inbox/x1/r1","text":"on its way"'
	log closed +447700900201 10:30:00 ann ',"survey":"inbox-survey/x1"'
	log assigned +447700900202 10:06:00 ann ''
	log replied +447700900202 10:45:00 ann ',"key":"inbox/x2/r1","text":"sorry"'
	log closed +447700900202 11:05:00 ann ',"survey":"inbox-survey/x2"'
	log handed_off +447700900203 10:20:05 route ''
	log assigned +447700900203 10:21:00 bob ''
	log replied +447700900203 10:50:00 bob ',"key":"inbox/x3/r1","text":"hello"'
	log handed_off +447700900205 09:00:05 route ''
} >"$WA_HOME/inbox.jsonl"

wa-report --now 2026-11-23T14:00:00Z -b agent --targets >"$TMP/a.json"
F='"\(.group) \(.conversations) \(.bot_only) \(.handed_off) \(.first_response_p50_s) \(.first_response_p90_s) \(.resolution_p50_s) \(.resolution_p90_s) \(.sla_met_rate) \(.csat) \(.csat_answers)"'
check_same "-b agent: conversations, bot alone, person, first response and resolution p50/p90, SLA met, CSAT" \
"(bot) 1 1 0 null null null null null null 0
(unassigned) 1 0 1 null null null null 0 null 0
ann 2 0 2 600 2400 1800 3600 0.5 4 2
bob 1 0 1 1800 1800 null null 1 null 0
all 5 1 4 1800 2400 1800 3600 0.5 4 2" "$(jq -r "$F" "$TMP/a.json")"
check_same "--targets: median first response within 15m, CSAT over 4.5, a field each" \
"ann true false|bob false null|all false false" \
"$(jq -r 'select(.group == "ann" or .group == "bob" or .group == "all") | "\(.group) \(.first_response_p50_s_met) \(.csat_met)"' "$TMP/a.json" | paste -sd'|' -)"

wa-report --now 2026-11-23T14:00:00Z -b tier --targets --customers "$WA_HOME/customers.jsonl" >"$TMP/t.json"
check_same "-b tier: the tiers' conversations, each against its own SLA (15m, 30m, 2h, 4h)" \
"gold 2 1800 1800 0 2400 false|platinum 1 900 900 1 600 true|silver 1 7200 7200 1 1800 true|- 1 900 14400 0 null null|all 5 900 900 0.5 1800 false" \
"$(jq -r '"\(.group) \(.conversations) \(.sla_target_s) \(.sla_target_s) \(.sla_met_rate) \(.first_response_p50_s) \(.first_response_p50_s_met)"' "$TMP/t.json" | awk '{ $3 = ($1 == "-" ? 900 : $3); print }' | paste -sd'|' -)"
check_same "-b tier: the messages' KPIs still there; CSAT per tier" \
"gold 3 3|platinum 2 5|silver 1 null" \
"$(jq -r 'select(.group == "gold" or .group == "platinum" or .group == "silver") | "\(.group) \(.sent) \(.csat)"' "$TMP/t.json" | paste -sd'|' -)"

printf 'platinum 10m\n' >"$TMP/sla"
check_same "--sla FILE: platinum 10m, so 600 s still met, 601 would not" "600 true" \
	"$(wa-report --now 2026-11-23T14:00:00Z -b tier --targets --sla "$TMP/sla" --customers "$WA_HOME/customers.jsonl" | jq -r 'select(.group == "platinum") | "\(.sla_target_s) \(.first_response_p50_s_met)"')"

script -qc "wa-report --now 2026-11-23T14:00:00Z -b agent --targets" /dev/null >"$TMP/a.txt" </dev/null
check_same "the table: a row per agent, the 15m target in the header, a mark beside ann's median" \
	"1 1" "$(grep -c 'first p50 <= sla' "$TMP/a.txt") $(grep -c '^ann .*10m00s ✓' "$TMP/a.txt")"
wa-report --now 2026-11-23T14:00:00Z -b agent --targets -o csv >"$TMP/a.csv"
check_same "-o csv: the same figures, the marks last" \
	"ann,2,0,2,600,2400,1800,3600,900,0.5000,4.0000,2,false,true" "$(grep '^ann,' "$TMP/a.csv")"
done_testing
