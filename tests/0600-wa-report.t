#!/bin/sh
# wa-report: a hand-made store whose every figure is computed below, by hand
# (per currency: 0605 converts them into one).
. "$(dirname "$0")/lib.sh"

NOW=2026-11-01T00:00:00Z
mkdir -p "$WA_HOME"
L=$WA_HOME/ledger.jsonl
E=$WA_HOME/events.jsonl
O=$TMP/orders.jsonl

# Twelve customers c01..c12 on UK numbers, but c09 on a Brazilian mobile
# (+55 11 9 8765-0009) whose order gives the number without its 9th digit.
phone() { if [ "$1" = 09 ]; then echo +5511987650009; else echo "+4477009000$1"; fi; }
# ledger KEY EVENT AT [WAMID]: a line as wa-send writes it
ledger() {
	camp=${1%/*} id=${1#*/}
	printf '{"event":"%s","id":"%s","to":"%s","campaign":"%s","at":"%s","key":"%s"%s}\n' \
		"$2" "$id" "$(phone "${id#c}")" "$camp" "$3" "$1" "${4:+,\"wamid\":\"$4\"}" >>"$L"
}

# Campaign spring, 2026-10-01 10:00: c01..c10 sent; c11 refused by the API;
# c12's answer was lost (unknown), a webhook status settles it later.
for n in 01 02 03 04 05 06 07 08 09 10; do
	ledger spring/c$n attempt 2026-10-01T10:00:00Z
	ledger spring/c$n sent 2026-10-01T10:00:01Z wamid.S$n
done
ledger spring/c11 attempt 2026-10-01T10:00:00Z
printf '%s\n' '{"event":"failed","id":"c11","to":"+447700900011","campaign":"spring","at":"2026-10-01T10:00:01Z","key":"spring/c11","error":{"code":131026,"title":"Message undeliverable","class":"recipient"}}' >>"$L"
ledger spring/c12 attempt 2026-10-01T10:00:00Z
ledger spring/c12 unknown 2026-10-01T10:00:30Z
# Campaign winback, 2026-10-02 10:00: c01..c07 sent, c08 unknown and never settled.
for n in 01 02 03 04 05 06 07; do
	ledger winback/c$n attempt 2026-10-02T10:00:00Z
	ledger winback/c$n sent 2026-10-02T10:00:01Z wamid.W$n
done
ledger winback/c08 attempt 2026-10-02T10:00:00Z
ledger winback/c08 unknown 2026-10-02T10:00:30Z
# Campaign care: answers to customers who wrote.
ledger care/c01 attempt 2026-10-01T10:09:00Z
ledger care/c01 sent 2026-10-01T10:09:00Z wamid.C01
ledger care/c02 attempt 2026-10-01T11:30:00Z
ledger care/c02 sent 2026-10-01T11:30:00Z wamid.C02
ledger care/c04 attempt 2026-10-06T10:20:01Z
ledger care/c04 sent 2026-10-06T10:20:01Z wamid.C04

st() { printf '{"event":"status","wamid":"%s","status":"%s","at":"2026-10-0%sT00:00:00Z","to":"+447700900000"}\n' "$1" "$2" "${3:-3}" >>"$E"; }
# Statuses, out of order and twice at times; the highest wins, failed is final.
st wamid.S01 sent; st wamid.S01 delivered; st wamid.S01 read	# read
st wamid.S02 read; st wamid.S02 delivered; st wamid.S02 sent	# read
st wamid.S03 delivered; st wamid.S03 delivered			# delivered
st wamid.S04 read; st wamid.S04 read				# read
st wamid.S05 delivered; st wamid.S05 failed			# failed
st wamid.S06 sent						# sent
st wamid.S07 delivered						# delivered
st wamid.S08 read						# read
# S09: none, the ledger's sent only
st wamid.S10 failed						# failed
# c12: by its ledger key alone, as biz_opaque_callback_data
printf '%s\n' '{"event":"status","wamid":"wamid.S12","status":"delivered","at":"2026-10-01T10:01:00Z","key":"spring/c12","category":"marketing"}' >>"$E"
st wamid.W01 read; st wamid.W02 delivered; st wamid.W03 read; st wamid.W04 delivered
st wamid.W05 read; st wamid.W05 delivered; st wamid.W06 sent	# W05 read, W06 sent, W07 none
st wamid.C01 read; st wamid.C02 delivered; st wamid.C04 delivered 7
st wamid.OTHER read						# not ours
printf '%s\n' '{"event":"status","wamid":"wamid.S03","status":"deleted","at":"2026-10-03T00:00:00Z"}' >>"$E"

msg() { printf '{"event":"message","wamid":"wamid.in%s%s","from":"%s","at":"%s","type":"text","text":"hi"%s}\n' "$1" "$2" "$(phone "$1")" "$2" "${3:+,\"context\":\"$3\"}" >>"$E"; }
# Customers write.
msg 01 2026-10-01T10:05:00Z wamid.S01	# quotes spring/c01; care/c01 answers at 10:09
msg 01 2026-10-01T10:07:00Z		# spring/c01 again; still waiting since 10:05
msg 02 2026-10-01T11:00:00Z		# 1 h after spring/c02: a reply; care/c02 at 11:30
msg 03 2026-10-04T09:00:00Z		# 47 h after winback/c03: a reply; no answer
msg 04 2026-10-06T10:00:01Z		# 96 h after winback/c04: no reply; care/c04 at 10:20:01
msg 07 2026-10-01T12:00:00Z wamid.S07	# quotes spring/c07; winback/c07 next day
msg 06 2026-10-01T13:00:00Z wamid.S06	# quotes spring/c06, never delivered; winback/c06 next
printf '%s\n' '{"event":"message","wamid":"wamid.x","from":"+447700900999","at":"2026-10-01T12:00:00Z","type":"text","text":"who?"}' \
	'{"event":"message","wamid":"wamid.y","from_user_id":"US.13491208655302741918","at":"2026-10-01T12:00:00Z","type":"text","text":"no number"}' \
	'{"event":"opt_in","from":"+447700900001","at":"2026-10-01T12:00:00Z","via":"button"}' >>"$E"
# Opt-outs.
printf '%s\n' '{"event":"opt_out","from":"+447700900008","at":"2026-10-02T12:00:00Z","via":"stop"}' \
	'{"event":"opt_out","from":"+447700900005","at":"2026-10-03T10:00:00Z","via":"stop"}' \
	'{"event":"opt_out","from":"+447700900009","at":"2026-10-20T00:00:00Z","via":"stop"}' \
	'{"event":"opt_out","from":"+447700900777","at":"2026-10-02T00:00:00Z","via":"stop"}' >>"$E"

ord() { printf '{"type":"order","id":"%s","name":"#%s","customer":"%s","email":null,"phone":%s,"created_at":"%s","cancelled_at":%s,"financial_status":"paid","total":%s,"currency":"%s","items":[]}\n' \
	"$1" "$1" "$2" "$3" "$4" "${7:-null}" "$5" "$6" >>"$O"; }
# Orders of October.
ord o1 c01 null 2026-10-03T10:00:00Z 50 EUR		# 24 h after winback/c01
ord o2 c02 null 2026-10-01T12:00:00Z 30 EUR		# 30 min after care/c02
ord o3 email:c03@example.com '"+447700900003"' 2026-10-12T10:00:00Z 20 USD	# by phone; 10 days after winback/c03
ord o4 c04 null 2026-10-06T11:00:00Z 12.34 USD	# 40 min after care/c04
ord o5 c04 null 2026-10-07T09:00:00Z 7.66 USD	# 23 h after care/c04
ord o6 c07 null 2026-10-02T11:00:00Z 99.99 EUR	# 1 h after winback/c07
ord o7 email:c09@example.com '"+551187650009"' 2026-10-05T10:00:00Z 45 USD	# by same-user phone; 4 days after spring/c09
ord o8 c10 null 2026-10-03T10:00:00Z 10 EUR		# spring/c10 failed: not messaged
ord o9 c05 null 2026-10-04T10:00:00Z 500 EUR '"2026-10-04T12:00:00Z"'	# cancelled
ord o11 x99 null 2026-10-10T10:00:00Z 40 EUR		# never messaged
ord o12 c01 null 2026-09-15T10:00:00Z 25 EUR		# before any message
# First orders six months back and more, 20 EUR each.
for o in h1:c11:2026-01-10 h1b:c11:2026-03-01 h2:c12:2026-02-01 h3:p01:2026-03-01 \
	h3b:p01:2026-10-01 h4:c02:2026-04-10 h5:c03:2026-04-20 h6:c04:2026-04-15 \
	h7:c05:2026-04-25 h8:c06:2026-05-01 h9:c10:2026-04-30; do
	IFS=: read -r id c d <<EOF
$o
EOF
	ord "$id" "$c" null "${d}T10:00:00Z" 20 EUR
done
# o1 again, from wa-hook: counted once
printf '%s\n' '{"event":"order","id":"o1","customer":"c01","created_at":"2026-10-03T10:00:00Z","total":50,"currency":"EUR"}' >>"$E"

wa-report --now $NOW --by-currency --orders "$O" -o json >"$TMP/all.json" 2>"$TMP/err"
check_same "the scenario: exit 0, nothing on stderr" "0:" "$?:$(cat "$TMP/err")"
fig() { jq -r --arg g "$1" "select(.group == \$g) | [$2] | map(tostring) | join(\" \")" "${3:-$TMP/all.json}"; }
check_same "groups in name order, then all" "care spring winback all" "$(jq -r .group "$TMP/all.json" | tr '\n' ' ' | sed 's/ $//')"

# sent, delivered, read, failed.
# spring: sent = S01..S10 (ledger) + c12 (settled by key) = 11; c11 was refused.
#   delivered = S01 S02 S03 S04 S07 S08 + c12 = 7; read = S01 S02 S04 S08 = 4;
#   failed = S05 S10 (webhook) + c11 (API) = 3.
# winback: sent = W01..W07 = 7 (c08 unsettled: neither); delivered = W01..W05 = 5;
#   read = W01 W03 W05 = 3; failed 0.
# care: sent 3, delivered 3, read 1 (C01), failed 0.
# all: sent 21, delivered 15, read 8, failed 3.
C='.sent, .delivered, .read, .failed'
check_same "spring: sent delivered read failed" "11 7 4 3" "$(fig spring "$C")"
check_same "winback: sent delivered read failed" "7 5 3 0" "$(fig winback "$C")"
check_same "care: sent delivered read failed" "3 3 1 0" "$(fig care "$C")"
check_same "all: sent delivered read failed" "21 15 8 3" "$(fig all "$C")"
# delivery_rate = delivered/sent, read_rate = read/delivered, to 4 places:
# spring 7/11 = 0.6364, 4/7 = 0.5714; winback 5/7 = 0.7143, 3/5 = 0.6;
# care 3/3 = 1, 1/3 = 0.3333; all 15/21 = 0.7143, 8/15 = 0.5333.
C='.delivery_rate, .read_rate'
check_same "spring: delivery and read rates" "0.6364 0.5714" "$(fig spring "$C")"
check_same "winback: delivery and read rates" "0.7143 0.6" "$(fig winback "$C")"
check_same "care: delivery and read rates" "1 0.3333" "$(fig care "$C")"
check_same "all: delivery and read rates" "0.7143 0.5333" "$(fig all "$C")"

# Replies, of delivered messages: spring c01 (quoted, and written 7 min
# later), c02 (1 h after), c07 (quoted) = 3; S06 quoted but never delivered.
# winback c03 (47 h after, in 72 h) = 1; c04 wrote 96 h after: none. care 0.
# Opt-outs in the reply window, for the latest message that reached them:
# c08 -> spring (winback/c08 never left), c05 -> winback (spring/c05
# failed); c09 20 days later: none. spring 1, winback 1.
# reply_rate: 3/7 = 0.4286, 1/5 = 0.2, 0/3 = 0, all 4/15 = 0.2667;
# opt_out_rate: 1/7 = 0.1429, 1/5 = 0.2, 0, all 2/15 = 0.1333.
C='.replied, .opted_out, .reply_rate, .opt_out_rate'
check_same "spring: replies and opt-outs" "3 1 0.4286 0.1429" "$(fig spring "$C")"
check_same "winback: replies and opt-outs" "1 1 0.2 0.2" "$(fig winback "$C")"
check_same "care: replies and opt-outs" "0 0 0 0" "$(fig care "$C")"
check_same "all: replies and opt-outs" "4 2 0.2667 0.1333" "$(fig all "$C")"

# Response times, customer message to our next message, from the first
# waiting: care/c01 10:09 - 10:05 = 240 s; care/c02 11:30 - 11:00 = 1800 s;
# care/c04 10:20:01 - 10:00:01 = 1200 s; winback/c07 from 10-01 12:00 to
# 10-02 10:00 = 79200 s; winback/c06 from 13:00 = 75600 s. Nearest rank:
# care [240 1200 1800]: p50 1200, p90 1800; winback [75600 79200]: 75600,
# 79200; spring none; all [240 1200 1800 75600 79200]: 1800, 79200.
C='.median_response_s, .p90_response_s'
check_same "care: response times" "1200 1800" "$(fig care "$C")"
check_same "winback: response times" "75600 79200" "$(fig winback "$C")"
check_same "spring: no response" "null null" "$(fig spring "$C")"
check_same "all: response times" "1800 79200" "$(fig all "$C")"

# Conversions, an order within 7 days for the latest message that reached
# its buyer: spring c09 (o7, 45 USD); winback c01 (o1, 50 EUR), c07 (o6,
# 99.99 EUR); care c02 (o2, 30 EUR), c04 (o4 12.34 + o5 7.66 USD). Not: o3
# (10 days), o8 (spring/c10 failed), o9 (cancelled), o11, o12, the h orders.
# Delivered recipients: spring 7, winback 5, care 3, all c01 c02 c03 c04
# c05 c07 c08 c12 = 8. Rates 1/7 = 0.1429, 2/5 = 0.4, 2/3 = 0.6667, 5/8 = 0.625.
# AOV: winback 149.99/2 = 74.995 -> 75; all EUR 179.99/3 = 59.997 -> 60,
# USD 65/3 = 21.667 -> 21.67.
C='.conversions, .conversion_rate, (.revenue | tojson), (.aov | tojson)'
check_same "spring: conversions" '1 0.1429 {"USD":45} {"USD":45}' "$(fig spring "$C")"
check_same "winback: conversions" '2 0.4 {"EUR":149.99} {"EUR":75}' "$(fig winback "$C")"
check_same "care: conversions, two currencies" '2 0.6667 {"EUR":30,"USD":20} {"EUR":30,"USD":10}' "$(fig care "$C")"
check_same "all: conversions" '5 0.625 {"EUR":179.99,"USD":65} {"EUR":60,"USD":21.67}' "$(fig all "$C")"

# Store-wide, every order counted (o9 cancelled, o1 once): EUR o1 50 o2 30
# o6 99.99 o8 10 o11 40 o12 25 and eleven h orders of 20 = 474.99 / 17 =
# 27.94; messaged (a message reached them before): o1 o2 o6 = 179.99 / 3 =
# 60; others 295 / 14 = 21.07. USD: o3 o4 o5 o7 = 85 / 4 = 21.25, all messaged.
C='(.aov_site | tojson), (.aov_messaged | tojson), (.aov_not_messaged | tojson)'
check_same "all: AOV of messaged customers and others" \
	'{"EUR":27.94,"USD":21.25} {"EUR":60,"USD":21.25} {"EUR":21.07}' "$(fig all "$C")"
# First-time buyers with a first order up to 180 days before now (2026-05-05):
# messaged after it, before a second order: c02 (repeat 174 days), c03
# (repeat by phone, 175 days), c04 (174 days), c05 (none counted), c06
# (none) = 3 of 5 = 0.6; not messaged: c11 (50 days), c12, p01 (214 days:
# too late), c10 (spring/c10 failed; repeat 156 days) = 2 of 4 = 0.5.
C='.first_time_buyers_messaged, .repeat_rate_messaged, .first_time_buyers_not_messaged, .repeat_rate_not_messaged'
check_same "all: repeat purchase of first-time buyers" "5 0.6 4 0.5" "$(fig all "$C")"

# Targets: read >= 95%, response <= 15 min, conversion >= 35%, opt-out <= 2%,
# repeat >= 40%, messaged AOV >= site + 20% (EUR 60 >= 33.53, USD 21.25 < 25.5).
wa-report --now $NOW --by-currency --orders "$O" -o json --targets >"$TMP/t.json"
C='.read_rate_met, .median_response_s_met, .conversion_rate_met, .opt_out_rate_met'
check_same "--targets: care" "false false true true" "$(fig care "$C" "$TMP/t.json")"
check_same "--targets: spring, no response time" "false null false false" "$(fig spring "$C" "$TMP/t.json")"
check_same "--targets: store-wide" "true false" \
	"$(fig all '.repeat_rate_messaged_met, .aov_messaged_met' "$TMP/t.json")"

# Grouped by day, week, month and tier (c01..c05 gold, c06..c08 silver).
wa-report --now $NOW --by-currency --orders "$O" -o json -b day >"$TMP/day.json"
check_same "-b day: sent delivered read a day" \
	"2026-10-01 13 9 5,2026-10-02 7 5 3,2026-10-06 1 1 0,all 21 15 8" \
	"$(jq -r '[.group, .sent, .delivered, .read] | map(tostring) | join(" ")' "$TMP/day.json" | paste -sd, -)"
check_same "-b week: ISO weeks" "2026-W40 20,2026-W41 1,all 21" \
	"$(wa-report --now $NOW -o json -b week | jq -r '"\(.group) \(.sent)"' | paste -sd, -)"
check_same "-b month" "2026-10 21,all 21" \
	"$(wa-report --now $NOW -o json -b month | jq -r '"\(.group) \(.sent)"' | paste -sd, -)"
for n in 01 02 03 04 05 06 07 08 12; do
	case $n in 0[1-5]) t=gold ;; 0[6-8]) t=silver ;; *) t= ;; esac
	printf '{"id":"c%s","phone":"%s","tier":"%s"}\n' "$n" "$(phone $n)" "$t"
done | sed 's/"tier":""/"segment":null/' >"$TMP/cust.jsonl"
# gold: 13 messages went out (c05's spring one failed), 12 delivered, 7 read;
# silver: c06 x2, c07 x2, c08 spring = 5 sent, 2 delivered, 1 read;
# -: c09, c10 (failed), c12 sent, c11 refused: 3 sent, 2 failed, 1 delivered.
check_same "-b tier --customers: tiers from a customers file" \
	"- 3 1 0 2,gold 13 12 7 1,silver 5 2 1 0,all 21 15 8 3" \
	"$(wa-report --now $NOW -o json -b tier --customers "$TMP/cust.jsonl" |
		jq -r '[.group, .sent, .delivered, .read, .failed] | map(tostring) | join(" ")' | paste -sd, -)"

# The period: messages of 2026-10-02 only (winback). c01 and c02, who wrote
# on 10-01, now wait for winback: 86100 s and 82800 s, so winback has
# [75600 79200 82800 86100]: p50 79200, p90 86100. Conversions: c01 (o1),
# c07 (o6), and c04, whose o4 and o5 now count for winback/c04 (4 days
# before), care/c04 being out of the period: 3.
check_same "--since --until: winback only, answers within it" \
	"winback 7 1 79200 86100 3,all 7 1 79200 86100 3" \
	"$(wa-report --now $NOW --by-currency --orders "$O" --since 2026-10-02 --until 2026-10-03 -o json |
		jq -r '[.group, .sent, .opted_out, .median_response_s, .p90_response_s, .conversions] | map(tostring) | join(" ")' | paste -sd, -)"
check_same "--since as a duration back from --now" "0" \
	"$(wa-report --now $NOW --since 7d -o json | jq -r 'select(.group == "all") | .sent')"
# A 1-day window: o1 (24 h to the second), o2, o4, o5 (22 h 40 after care/c04)
# and o6 still count, for c01 c02 c04 c07; o7 (4 days) no longer: spring 0.
check_same "--window 1d" "4 0" \
	"$(wa-report --now $NOW --by-currency --orders "$O" --window 1d -o json | jq -r 'select(.group == "all" or .group == "spring") | .conversions' | sort -r | paste -sd' ' -)"
# A 2-hour reply window: c02 (1 h) still replies, c03 (47 h) no longer.
check_same "--reply-window 2h" "3 0" \
	"$(wa-report --now $NOW --reply-window 2h -o json | jq -r 'select(.group == "spring" or .group == "winback") | .replied' | paste -sd' ' -)"

# CSV and the table say the same.
wa-report --now $NOW --by-currency --orders "$O" -o csv >"$TMP/all.csv"
check_same "CSV: a header and four rows" "5" "$(wc -l <"$TMP/all.csv" | tr -d ' ')"
check_same "CSV: spring's figures" "spring,11,7,4,3,3,1,0.6364,0.5714,0.4286,0.1429,,,1,0.1429,45.00 USD,45.00 USD" \
	"$(grep '^spring,' "$TMP/all.csv" | cut -d, -f1-17)"
check_same "CSV: two currencies in one field" '"30.00 EUR, 20.00 USD"' \
	"$(grep '^care,' "$TMP/all.csv" | grep -o '"[^"]*"' | head -1)"
wa-report --now $NOW --by-currency --orders "$O" -o table --targets --wide >"$TMP/table"
check_same "table --wide: every figure, the targets marked, percent, no response" \
	"spring 11 7 4 3 3 1 63.6% 57.1% ✗ 42.9% 14.3% ✗ - - 1 14.3% ✗ 45.00 USD 45.00 USD - - -" \
	"$(grep '^spring ' "$TMP/table" | tr -s ' ')"
# chars: the length of each line in characters (✗ is three bytes)
chars() { perl -CI -lne 'print length'; }
check_same "table: aligned, every row as wide" "1" \
	"$(sed -n '1,5p' "$TMP/table" | chars | sort -u | wc -l | tr -d ' ')"
check "table: store-wide AOV target not met" grep -q 'AOV, messaged customers .*60.00 EUR, 21.25 USD (target >= site +20%: not met)' "$TMP/table"
check "table: durations for people" grep -q '^care .* 20m00s ✗  *30m00s ' "$TMP/table"
# The terminal table: the view's key columns, within $COLUMNS (100 by default).
wa-report --now $NOW --by-currency --orders "$O" -o table --targets >"$TMP/table"
check_same "table: the key columns, the targets in the head" \
	"group sent dlvd% read% >= 95% reply% conv% >= 35% revenue" "$(head -1 "$TMP/table" | tr -s ' ')"
check_same "table: spring's key figures, marked" "spring 11 63.6% 57.1% ✗ 42.9% 14.3% ✗ 45.00 USD" \
	"$(grep '^spring ' "$TMP/table" | tr -s ' ')"
check_same "table: met marked too" "care 3 100.0% 33.3% ✗ 0.0% 66.7% ✓ 30.00 EUR, 20.00 USD" \
	"$(grep '^care ' "$TMP/table" | tr -s ' ')"
# A long campaign name, cut in its middle to fit 70 columns.
sed 's/"campaign":"spring"/"campaign":"spring-sale-for-our-most-loyal-customers-in-europe"/; s/"key":"spring\//"key":"spring-sale-for-our-most-loyal-customers-in-europe\//' "$L" >"$TMP/long.jsonl"
COLUMNS=70 wa-report --now $NOW --ledger "$TMP/long.jsonl" -o table >"$TMP/table"
check_same "table: within COLUMNS=70" "$(sed -n '1,5p' "$TMP/table" | chars | sort -n | tail -1)" \
	"$(sed -n '1,5p' "$TMP/table" | chars | awk '$1 <= 70' | sort -n | tail -1)"
check "table: the long name shortened in its middle" grep -q '^spring-[a-z-]*…[a-z-]*pe  ' "$TMP/table"
COLUMNS=50 wa-report --now $NOW --ledger "$TMP/long.jsonl" -o table --wide >"$TMP/table"
check "--wide: the whole name" grep -q '^spring-sale-for-our-most-loyal-customers-in-europe ' "$TMP/table"

# Bad lines: said with FILE:LINE, exit 1, the rest still counted.
cp "$E" "$TMP/bad.jsonl"
printf '%s\n' 'not json' '{"wamid":"x"}' '{"event":"message","from":"+447700900001"}' >>"$TMP/bad.jsonl"
wa-report --now $NOW --by-currency --events "$TMP/bad.jsonl" --orders "$O" -o json >"$TMP/bad.json" 2>"$TMP/err"
check_same "bad lines: exit 1" 1 $?
n=$(wc -l <"$E" | tr -d ' ')
check_same "bad lines: each named" \
	"wa-report: $TMP/bad.jsonl:$((n + 1)):3: invalid JSON: invalid token near 'not'
wa-report: $TMP/bad.jsonl:$((n + 2)): not an event: no 'event'
wa-report: $TMP/bad.jsonl:$((n + 3)): no valid time in 'at'" "$(cat "$TMP/err")"
check_same "bad lines: the rest counted" "$(cat "$TMP/all.json")" "$(cat "$TMP/bad.json")"
wa-report --orders "$L" -o json >/dev/null 2>"$TMP/err"
check_same "an orders file of something else: exit 1" 1 $?
check_same "an orders file of something else: each line said" \
	"$(wc -l <"$L" | tr -d ' ') wa-report: $L:1: not an order record: no \"type\":\"order\"" \
	"$(wc -l <"$TMP/err" | tr -d ' ') $(head -1 "$TMP/err")"

# The page: self-contained, rendered by headless Chromium without a console
# message, not blank, and its charts say what the JSON says.
wa-report --now $NOW --by-currency --orders "$O" --targets -o html >"$TMP/page.html"
check_same "html: no script, no link, nothing fetched" "0" \
	"$(grep -Eci '<script|<link|src=|href=|url\(|https?:' "$TMP/page.html")"
# chrome PAGE PNG: render PAGE as a phone would, to PNG; the log in $TMP/chromium.log
chrome() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$TMP/chromium" --enable-logging=stderr --v=0 \
		--window-size=412,915 --screenshot="$2" "file://$1" \
		>/dev/null 2>"$TMP/chromium.log"
}
printf '<!DOCTYPE html><p>x</p><script>console.error("seen")</script>\n' >"$TMP/noisy.html"
chrome "$TMP/noisy.html" "$TMP/noisy.png"
check "chromium: its log does show a page's console errors" grep -q ':CONSOLE.*"seen"' "$TMP/chromium.log"
chrome "$TMP/page.html" "$TMP/page.png"
check_same "chromium: the page renders, exit 0" 0 $?
check_same "chromium: no console message" "" "$(grep ':CONSOLE' "$TMP/chromium.log")"
ink=$(perl "$TOP/tests/png-ink" "$TMP/page.png")
check "screenshot: not blank, over 2% of it inked ($ink)" \
	awk -v i="${ink% *}" -v t="${ink#* }" 'BEGIN { exit !(t > 0 && i > t / 50) }'
# (tests/0606-wa-report-page.t checks every figure of the page)
check_same "funnel per campaign: sent > delivered > read > replied > converted, as in JSON" \
	"$(jq -r 'select(.group != "all") | "\(.group) sent \(.sent),\(.group) delivered \(.delivered),\(.group) read \(.read),\(.group) replied \(.replied),\(.group) converted \(.conversions)"' "$TMP/all.json" | tr , '\n' | sort | paste -sd, -)" \
	"$(grep -o '<rect class="bar" data-series="[a-z]*" data-x="[a-z]*" data-value="[0-9]*"' "$TMP/page.html" | grep -v 'data-series="customers"' |
		sed 's/.*data-series="\([a-z]*\)" data-x="\([a-z]*\)" data-value="\([0-9]*\)"/\2 \1 \3/' | sort | paste -sd, -)"
check_same "trend: a point a day with messages, sent as -b day in JSON" \
	"$(jq -r 'select(.group != "all") | "\(.group) \(.sent)"' "$TMP/day.json" | paste -sd, -)" \
	"$(grep -o 'data-series="sent" data-x="[-0-9]*" data-value="[0-9]*"' "$TMP/page.html" |
		sed 's/.*data-x="\([-0-9]*\)" data-value="\([0-9]*\)"/\1 \2/' | paste -sd, -)"
check_same "the page's table: spring's row, targets marked" \
	'<tr><td>spring</td><td>11</td><td>7</td><td>4</td><td>3</td><td>3</td><td>1</td><td>63.6%</td><td class="unmet">57.1% not met</td>' \
	"$(grep -o '<tr><td>spring</td>.*not met</td>' "$TMP/page.html" | sed 's/\(not met<\/td>\).*/\1/')"

# STOP is an opt-out, not a reply: wa-hook writes the message, then the
# opt-out it means, with the same wamid and time. d1 writes STOP an hour
# after, d2 quotes our message with a STOP, d3 writes "thanks": replied 1
# of 3 delivered (0.3333), opted out 2 (0.6667).
S=$TMP/stop
mkdir -p "$S"
for n in 1 2 3; do
	printf '{"event":"sent","key":"promo/d%s","id":"d%s","to":"+44770090010%s","campaign":"promo","at":"2026-10-01T10:00:00Z","wamid":"wamid.P%s"}\n' $n $n $n $n
done >"$S/ledger.jsonl"
{
	for n in 1 2 3; do
		printf '{"event":"status","wamid":"wamid.P%s","status":"delivered","at":"2026-10-01T10:00:05Z"}\n' $n
	done
	printf '%s\n' '{"event":"message","wamid":"wamid.in1","from":"+447700900101","at":"2026-10-01T11:00:00Z","type":"text","text":"STOP"}' \
		'{"event":"opt_out","wamid":"wamid.in1","from":"+447700900101","at":"2026-10-01T11:00:00Z","via":"text"}' \
		'{"event":"message","wamid":"wamid.in2","from":"+447700900102","at":"2026-10-01T11:00:00Z","type":"text","text":"stop","context":"wamid.P2"}' \
		'{"event":"message","wamid":"wamid.in3","from":"+447700900103","at":"2026-10-01T11:00:00Z","type":"text","text":"thanks"}' \
		'{"event":"opt_out","wamid":"wamid.in2","from":"+447700900102","at":"2026-10-01T11:00:00Z","via":"text"}'
} >"$S/events.jsonl"
check_same "STOP is no reply: replied, opted out, their rates" "1 2 0.3333 0.6667" \
	"$(wa-report --now $NOW --ledger "$S/ledger.jsonl" --events "$S/events.jsonl" -o json |
		jq -r 'select(.group == "all") | [.replied, .opted_out, .reply_rate, .opt_out_rate] | map(tostring) | join(" ")')"

# Usage and missing files.
check_status "-b nonsense: exit 2" 2 wa-report -b year
check_status "--window nonsense: exit 2" 2 wa-report --window soon
check_status "an operand: exit 2" 2 wa-report extra
check_status "a missing --orders file: exit 3" 3 wa-report --orders "$TMP/none.jsonl"
check_same "no WA_HOME files: zeros, exit 0" "0:0" \
	"$(WA_HOME=$TMP/empty wa-report -o json | jq -r 'select(.group == "all") | .sent'):$?"
done_testing
