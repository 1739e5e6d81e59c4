#!/bin/sh
# wa-report -o html: a scorecard card per tier with conversations, its median
# first response against the tier's SLA as `-b tier --targets` says it.
. "$(dirname "$0")/lib.sh"
trap '[ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
mkdir -p "$WA_HOME"

# Four conversations on 2026-11-23 (those of 0615-wa-report-agent.t, less the surveys):
#   P1 platinum (15m): in 10:00, ann replies 10:10 (600 s, met)
#   P2 gold (30m):     in 10:05, ann replies 10:45 (2400 s, missed)
#   P3 silver (2h):    in 10:20, bob replies 10:50 (1800 s, met)
#   P5 no tier (4h):   in 09:00, handed off, nobody answers: no card
cat >"$WA_HOME/customers.jsonl" <<'EOF2'
{"id":"1","phone":"+447700900201","tier":"platinum"}
{"id":"2","phone":"+447700900202","tier":"gold"}
{"id":"3","phone":"+447700900203","tier":"silver"}
{"id":"5","phone":"+447700900205"}
EOF2
inmsg() { printf '{"event":"message","wamid":"%s","from":"+%s","name":"C","at":"2026-11-23T%sZ","type":"text","text":"%s"}\n' "$@"; }
{
	inmsg wamid.P1 447700900201 10:00:00 'my order is late'
	inmsg wamid.P2 447700900202 10:05:00 'wrong size'
	inmsg wamid.P3 447700900203 10:20:00 'a person please'
	inmsg wamid.P5 447700900205 09:00:00 'refund!'
} >"$WA_HOME/events.jsonl"
out() { # KEY TO CAMPAIGN AT WAMID
	printf '{"event":"attempt","key":"%s","to":"%s","campaign":"%s","at":"2026-11-23T%sZ"}\n' "$1" "$2" "$3" "$4"
	printf '{"event":"sent","key":"%s","to":"%s","campaign":"%s","at":"2026-11-23T%sZ","wamid":"%s"}\n' "$@"
}
{
	out inbox/x1/r1 +447700900201 inbox 10:10:00 wamid.R1
	out inbox/x2/r1 +447700900202 inbox 10:45:00 wamid.R2
	out inbox/x3/r1 +447700900203 inbox 10:50:00 wamid.R3
} >"$WA_HOME/ledger.jsonl"
log() { # EVENT PHONE AT AGENT [EXTRA]
	printf '{"event":"%s","conv":"x%s","phone":"%s","at":"2026-11-23T%sZ","agent":"%s"%s}\n' "$1" "${2#+4477009002}" "$2" "$3" "$4" "$5"
}
rep() { wa-report --now 2026-11-23T14:00:00Z --customers "$WA_HOME/customers.jsonl" "$@"; }

rep -o html >"$TMP/none.html"
check_same "no inbox log: no tier card" 0 "$(grep -c 'data-tier=' "$TMP/none.html")"

{
	log handed_off +447700900201 10:00:10 route ''
	log assigned +447700900201 10:01:00 ann ''
	log replied +447700900201 10:10:00 ann ',"key":"inbox/x1/r1","text":"on its way"'
	log assigned +447700900202 10:06:00 ann ''
	log replied +447700900202 10:45:00 ann ',"key":"inbox/x2/r1","text":"sorry"'
	log handed_off +447700900203 10:20:05 route ''
	log assigned +447700900203 10:21:00 bob ''
	log replied +447700900203 10:50:00 bob ',"key":"inbox/x3/r1","text":"hello"'
	log handed_off +447700900205 09:00:05 route ''
} >"$WA_HOME/inbox.jsonl"
rep -o html >"$TMP/page.html" 2>"$TMP/err"
check_same "the page: exit 0, nothing said" "0:" "$?:$(cat "$TMP/err")"
rep -b tier --targets -o json >"$TMP/t.json"

check_same "a card per tier with conversations: figure, target and verdict as -b tier --targets" \
	"$(jq -r 'select(.group != "all" and .group != "-" and .conversations > 0) |
		"\(.group) \(.first_response_p50_s // "nan") \(.sla_target_s)\(if .first_response_p50_s_met == true then " met" elif .first_response_p50_s_met == false then " unmet" else "" end)"' "$TMP/t.json" | sort)" \
	"$(grep -o '<div class="card[^"]*" data-tier="[^"]*" data-figure="first_response_p50_s" data-value="[^"]*" data-target="[^"]*"' "$TMP/page.html" |
		sed 's/.*card\([^"]*\)" data-tier="\([^"]*\)" data-figure="[a-z0-9_]*" data-value="\([^"]*\)" data-target="\([^"]*\)"/\2 \3 \4\1/' | sort)"
check_same "the cards by hand: platinum 600 s of 900 met, gold 2400 of 1800 not, silver 1800 of 7200 met" \
	"gold 2400 1800 unmet|platinum 600 900 met|silver 1800 7200 met" \
	"$(grep -o 'class="card[^"]*" data-tier="[^"]*" data-figure="[a-z0-9_]*" data-value="[^"]*" data-target="[^"]*"' "$TMP/page.html" |
		sed 's/class="card \([a-z]*\)" data-tier="\([^"]*\)".*data-value="\([^"]*\)" data-target="\([^"]*\)"/\2 \3 \4 \1/' | sort | paste -sd'|' -)"
# each card's text: TIER: median first response FIG ... target T: WORD
txt=$(grep -o '<div class="card[^"]*" data-tier=.*</div>' "$TMP/page.html" | sed 's/<[^>]*>/ /g; s/&#1000[37];//g; s/  */ /g; s/^ //; s/ $//')
check_same "each card says its figure, target and verdict in words" \
	"gold: median first response 40m00s within target: 0.0% of 1 conversations target 30m00s: not met
platinum: median first response 10m00s within target: 100.0% of 1 conversations target 15m00s: met
silver: median first response 30m00s within target: 100.0% of 1 conversations target 2h00m: met" \
	"$(echo "$txt" | sort)"
check_same "no card for no tier or for all" 0 "$(grep -Ec 'data-tier="(-|all)"' "$TMP/page.html")"
done_testing
