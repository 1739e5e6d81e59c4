#!/bin/sh
# wa-report -b ref (wa-link's sources) and --survey (satisfaction), counted by hand.
. "$(dirname "$0")/lib.sh"

NOW=2026-11-01T00:00:00Z
mkdir -p "$WA_HOME"
L=$WA_HOME/ledger.jsonl
E=$WA_HOME/events.jsonl
O=$TMP/orders.jsonl
: >"$L"

# -b ref. Writers of messages that wa-hook found a [ref: ...] in:
# w1 (sku123, 10-01) ordered 2 days later, 30 EUR, by phone;
# w2 (sku123, 10-02; ig-bio on 10-03: its first tag counts) ordered
# 4 days later as customer c102, whose number the customers file gives;
# w3 (ig-bio, 10-01) ordered twice by phone, 20 + 10 USD;
# w4 (ig-bio, 10-02, a Brazilian mobile) ordered 45 BRL from the number
# without its 9th digit; w5 wrote untagged; w6 (sku123) ordered the day
# before it wrote. An order 10 days after (w1) is out of the window.
tag() { printf '{"event":"message","wamid":"wamid.t%s","from":"%s","at":"%s","type":"text","text":"hi","ref":"%s"}\n' "$1$3" "$2" "$3" "$4" >>"$E"; }
tag 1 +447700900101 2026-10-01T10:00:00Z product:sku123
tag 2 +447700900102 2026-10-02T10:00:00Z product:sku123
tag 2 +447700900102 2026-10-03T10:00:00Z ig-bio
tag 3 +447700900103 2026-10-01T10:00:00Z ig-bio
tag 4 +5511987650104 2026-10-02T12:00:00Z ig-bio
tag 6 +447700900106 2026-10-01T10:00:00Z product:sku123
printf '%s\n' '{"event":"message","wamid":"wamid.t5","from":"+447700900105","at":"2026-10-01T10:00:00Z","type":"text","text":"no tag"}' >>"$E"
ord() { printf '{"type":"order","id":"%s","customer":%s,"phone":%s,"created_at":"%s","financial_status":"paid","total":%s,"currency":"%s"}\n' "$@" >>"$O"; }
ord r1 null '"+447700900101"' 2026-10-03T10:00:00Z 30 EUR
ord r1b null '"+447700900101"' 2026-10-11T10:00:00Z 99 EUR
ord r2 '"c102"' null 2026-10-06T10:00:00Z 15 EUR
ord r3 null '"+447700900103"' 2026-10-02T10:00:00Z 20 USD
ord r3b null '"+447700900103"' 2026-10-04T10:00:00Z 10 USD
ord r4 null '"+551187650104"' 2026-10-05T10:00:00Z 45 BRL
ord r5 null '"+447700900105"' 2026-10-02T10:00:00Z 50 EUR
ord r6 null '"+447700900106"' 2026-09-30T10:00:00Z 60 EUR
printf '%s\n' '{"id":"c102","phone":"+447700900102"}' >"$TMP/cust.jsonl"
# ig-bio: w3, w4: 2 inquiries, 2 conversions, 1, BRL 45, USD 30;
# product:sku123: w1, w2, w6: 3, 2 (w1, w2), 0.6667, EUR 30 + 15 = 45;
# all: 5, 4, 0.8.
wa-report --now $NOW --by-currency -b ref --orders "$O" --customers "$TMP/cust.jsonl" -o json >"$TMP/ref.json" 2>"$TMP/err"
check_same "-b ref: exit 0, nothing on stderr" "0:" "$?:$(cat "$TMP/err")"
check_same "-b ref: inquiries, conversions, rate, revenue by first source" \
	'ig-bio 2 2 1 {"BRL":45,"USD":30}
product:sku123 3 2 0.6667 {"EUR":45}
all 5 4 0.8 {"BRL":45,"EUR":45,"USD":30}' \
	"$(jq -r '"\(.group) \(.inquiries) \(.conversions) \(.conversion_rate) \(.revenue | tojson)"' "$TMP/ref.json")"
# Without the customers file, c102's order joins no writer: sku123 1 of 3.
check_same "-b ref: an order by customer id needs the id's number" "1" \
	"$(wa-report --now $NOW --by-currency -b ref --orders "$O" -o json | jq -r 'select(.group == "product:sku123") | .conversions')"
# --since 2026-10-02: only those whose first tag is in it: w2, w4.
check_same "-b ref --since: first tags in the period" "ig-bio 1,product:sku123 1,all 2" \
	"$(wa-report --now $NOW -b ref --since 2026-10-02 --orders "$O" -o json | jq -r '"\(.group) \(.inquiries)"' | paste -sd, -)"

# Surveys. "review" (buttons, 1-5), "nps" (bare numbers, --survey nps:
# the scale told by the answers), "review2" (--survey review2:5).
: >"$E"
ledger() { printf '{"event":"sent","id":"c%s","to":"+4477009000%s","campaign":"%s","at":"%s","key":"%s/c%s","wamid":"%s"}\n' "$2" "$2" "$1" "$3" "$1" "$2" "$4" >>"$L"; }
st() { printf '{"event":"status","wamid":"%s","status":"delivered","at":"2026-10-05T00:00:00Z"}\n' "$1" >>"$E"; }
for n in 01 02 03 04 05 06; do ledger review $n 2026-10-01T10:00:00Z wamid.R$n; st wamid.R$n; done
for n in 01 02 03 04; do ledger nps $n 2026-10-08T10:00:00Z wamid.N$n; st wamid.N$n; done
for n in 01 02; do ledger review2 $n 2026-10-15T10:00:00Z wamid.V$n; st wamid.V$n; done
ans() { printf '{"event":"message","wamid":"wamid.a%s","from":"+4477009000%s","at":"%s","type":"%s",%s%s}\n' "$1$3" "$1" "$3" "$2" "$4" "${5:+,\"context\":\"$5\"}" >>"$E"; }
ans 01 button 2026-10-01T11:00:00Z '"text":"Great","payload":"SCORE:5"' wamid.R01
ans 02 button 2026-10-01T11:00:00Z '"text":"Good","payload":"SCORE:4"' wamid.R02
ans 02 button 2026-10-01T12:00:00Z '"text":"Bad","payload":"SCORE:2"' wamid.R02	# the last counts
ans 03 interactive 2026-10-01T11:00:00Z '"text":"Great","payload":"score:5"' wamid.R03
ans 04 text 2026-10-01T11:00:00Z '"text":"5"' wamid.R04	# review is no --survey: no answer
printf '%s\n' '{"event":"opt_out","from":"+447700900005","at":"2026-10-01T12:00:00Z","via":"stop"}' >>"$E"
ans 01 text 2026-10-08T11:00:00Z '"text":"9"' wamid.N01
ans 02 text 2026-10-08T11:00:00Z '"text":"10!"'		# no context: the latest message, in the reply window
ans 03 text 2026-10-08T11:00:00Z '"text":" 8 "' wamid.N03
ans 04 text 2026-10-08T11:00:00Z '"text":"0"' wamid.N04
ans 01 text 2026-10-15T11:00:00Z '"text":"5"' wamid.V01
ans 02 text 2026-10-15T11:00:00Z '"text":"7"' wamid.V02	# off the 1-5 scale
# review: 5, 2, 5 -> csat 12/3 = 4, negative (the 2, the opt-out) 2/4 = 0.5;
# nps: 9 10 8 0 on 0-10 (a 0 and scores over 5): promoters 2, detractors 1,
# nps 100 (2 - 1)/4 = 25, negative 1/4 = 0.25; review2: 5 -> csat 5, 0;
# all: csat (12 + 5)/4 = 4.25; nps 25; negative (1 + 1 + 1)/(4 + 4 + 1) = 0.3333.
wa-report --now $NOW --survey nps --survey review2:5 -o json --targets >"$TMP/sv.json" 2>"$TMP/err"
check_same "--survey: exit 0, nothing on stderr" "0:" "$?:$(cat "$TMP/err")"
check_same "--survey: csat, nps, negative rate per campaign" \
	'nps null 0 25 4 0.25
review 4 3 null 0 0.5
review2 5 1 null 0 0
all 4.25 4 25 4 0.3333' \
	"$(jq -r '"\(.group) \(.csat) \(.csat_answers) \(.nps) \(.nps_answers) \(.negative_rate)"' "$TMP/sv.json")"
check_same "--targets: csat above 4.5, negative under 2%" \
	'nps null false,review false false,review2 true true,all false false' \
	"$(jq -r '"\(.group) \(.csat_met) \(.negative_rate_met)"' "$TMP/sv.json" | paste -sd, -)"
# Without --survey nps the bare numbers answer nothing; with nps:5, 9 10 8 0
# are off its scale; the buttons count either way.
check_same "bare numbers need --survey" "nps 0 0,review 0 3" \
	"$(wa-report --now $NOW -o json | jq -r 'select(.group == "nps" or .group == "review") | "\(.group) \(.nps_answers) \(.csat_answers)"' | paste -sd, -)"
check_same "--survey nps:5: no score on its scale" "0 0" \
	"$(wa-report --now $NOW --survey nps:5 -o json | jq -r 'select(.group == "nps") | "\(.csat_answers) \(.nps_answers)"')"
check "table: survey columns" sh -c "wa-report --now $NOW --survey nps -o table --wide | grep -q '^review .* 4  *3  *-  *0  *50.0%\$'"
check_status "--survey with no name: exit 2" 2 wa-report --survey :10
done_testing
