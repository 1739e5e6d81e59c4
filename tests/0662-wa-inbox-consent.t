#!/bin/sh
# wa-inbox consent WHO yes|no: the answer an agent read in the chat, into the
# consent log with the source "wa-inbox:agent NAME" and its evidence; wa-send
# and wa-segment then read it as any other event of the log.
. "$(dirname "$0")/lib.sh"

mkdir -p "$WA_HOME"
CL=$WA_HOME/consent.jsonl
WA_NOW=2026-11-23T15:00:00Z
export WA_NOW
cat >"$WA_HOME/customers.jsonl" <<'EOF'
{"id":"c1","first_name":"Ana","phone":"+447700900501","opt_in":true}
{"id":"c2","first_name":"Bea","phone":"07700 900502","country":"GB","opt_in":false}
{"id":"c3","first_name":"Cy","phone":"+447700900503","opt_in":false}
EOF
# Bea wrote twice; Cy never did.
printf '%s\n' \
	'{"event":"message","wamid":"wamid.B1","from":"+447700900502","at":"2026-11-23T14:50:00Z","type":"text","text":"do you send offers?"}' \
	'{"event":"message","wamid":"wamid.B2","from":"+447700900502","at":"2026-11-23T14:52:00Z","type":"text","text":"yes please, send me the deals"}' \
	>"$WA_HOME/events.jsonl"
# optin: the ids wa-segment finds opted in
optin() { wa-segment opt_in "$WA_HOME/customers.jsonl" | jq -r .id | paste -sd' ' -; }
# promo: what a marketing send would do with Bea (no Cloud API needed)
promo() {
	wa-send --dry-run -c promo -t welcome -p '{{first_name}}' "$WA_HOME/customers.jsonl" 2>/dev/null |
		jq -r 'select(.id == "c2") | .event + (if .reason then " " + .reason else "" end)'
}

check_same "before: wa-segment finds only Ana, wa-send skips Bea for want of consent" \
	"c1|skipped no_consent" "$(optin)|$(promo)"

WA_AGENT=ann wa-inbox consent c2 yes >"$TMP/out" 2>"$TMP/err"
check_same "ann logs Bea's yes: exit 0, nothing on stderr" "0|" "$?|$(cat "$TMP/err")"
check_file "an opt_in, her number, the time, the source wa-inbox:agent ann, her last message as evidence" \
	"$CL" <<'EOF'
{"type":"opt_in","phone":"+447700900502","at":"2026-11-23T15:00:00Z","source":"wa-inbox:agent ann","evidence":"wamid.B2"}
EOF
check_file "and the event printed" "$TMP/out" <"$CL"
check_same "wa-segment reads it: Bea has opted in" "c1 c2" "$(optin)"
check_same "wa-send reads it: a marketing send would reach her" "dry_run" "$(promo)"

WA_AGENT=ann wa-inbox consent +447700900502 yes >"$TMP/out" 2>"$TMP/err"
check_same "the same answer on the same evidence again: logged once, said, nothing printed" \
	"0 1 0 1" "$? $(lines "$CL") $(wc -c <"$TMP/out" | tr -d ' ') $(grep -c 'in the log already' "$TMP/err")"

WA_NOW=2026-11-24T09:00:00Z wa-inbox --agent bo consent '+44 7700 900502' no \
	--evidence 'phoned: no more offers' >"$TMP/out" 2>&1
check_same "bo logs her no with his own evidence (--agent, her number spaced): exit 0, an opt_out" \
	'0|{"type":"opt_out","phone":"+447700900502","at":"2026-11-24T09:00:00Z","source":"wa-inbox:agent bo","evidence":"phoned: no more offers"}' \
	"$?|$(sed -n 2p "$CL")"
check_same "the latest event wins: Bea is out again for both readers" "c1|skipped no_consent" \
	"$(optin)|$(promo)"
check_same "an agent's answer leaves the suppression list alone" "no" \
	"$(if [ -s "$WA_HOME/suppress.txt" ]; then echo yes; else echo no; fi)"

WA_AGENT=ann wa-inbox consent c3 yes >"$TMP/out" 2>&1
check_same "Cy never wrote: without --evidence, exit 2, nothing logged" "2 1 2" \
	"$? $(grep -c 'no message of theirs to stand as evidence: --evidence TEXT' "$TMP/out") $(lines "$CL")"
check_same "with it, by customer id: logged" "0 opt_in +447700900503 3" \
	"$(WA_AGENT=ann wa-inbox consent c3 yes --evidence 'in the shop, 23 Nov' >/dev/null 2>&1; echo $?) $(tail -1 "$CL" | jq -r '"\(.type) \(.phone)"') $(lines "$CL")"

WA_AGENT=ann wa-inbox consent c2 maybe >"$TMP/out" 2>&1
check_same "neither yes nor no: exit 2, nothing logged" "2 1 3" \
	"$? $(grep -c "yes or no, not 'maybe'" "$TMP/out") $(lines "$CL")"
env -u WA_AGENT wa-inbox consent c2 yes >"$TMP/out" 2>&1
check_same "nobody at the keyboard: exit 2, nothing logged" "2 1 3" \
	"$? $(grep -c 'set WA_AGENT' "$TMP/out") $(lines "$CL")"
WA_AGENT=ann wa-inbox consent nobody yes --evidence x >"$TMP/out" 2>&1
check_same "nobody by that name or number: exit 1" "1 3" "$? $(lines "$CL")"

# by hand: in week 2026-W48, ann's yes for Bea and for Cy, bo's no for Bea
wa-report -b consent -o csv >"$TMP/rep.csv" 2>"$TMP/rep.err"
check_file "wa-report -b consent counts the agents' answers under their source, by hand" "$TMP/rep.csv" <<'EOF'
week,source,opt_in,opt_out,net
2026-W48,wa-inbox:agent ann,2,0,2
2026-W48,wa-inbox:agent bo,0,1,-1
all,wa-inbox:agent ann,2,0,2
all,wa-inbox:agent bo,0,1,-1
all,all,2,1,1
EOF
done_testing
