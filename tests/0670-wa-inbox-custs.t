#!/bin/sh
# wa-inbox's snapshot keeps a trimmed customer record per person with a conversation (name, tier,
# tags, id) and where the whole one is in the customer file: list, show (the card reads the whole
# record by its offset) and route give what a fold of everything gives, while the file stays the
# same, after it is rewritten (other names, tiers, tags, lines moved), and for a person new since.
. "$(dirname "$0")/lib.sh"

fold_world
A=+447700900101 B=+447700900102 C=+447700900103
m() { printf '{"event":"message","wamid":"%s","from":"%s","name":"N%s","at":"2026-11-23T%sZ","type":"text","text":"%s"}\n' \
	"$3" "$2" "${2#+}" "$1" "$4" >>"$H/events.jsonl"; }
dump() {
	WA_HOME=$1 ib list --all -o json >"$1.l" 2>>"$TMP/err" || echo "list exit $?" >>"$1.l"
	for w in $(jq -r .id "$1.l") $A $B $C 101 c-102 777; do
		WA_HOME=$1 ib show "$w" 2>&1 || echo "show exit $?"
	done >"$1.s"
}
same() { fold_same "$1" "show's cards, by conversation, phone and customer id,"; }

cat >"$H/customers.jsonl" <<'EOF2'
{"id":101,"first_name":"Ana","last_name":"Lee","phone":"+447700900101","tier":"gold","tags":["vip","tab\there"],"orders":2,"spent":120,"currency":"GBP","opt_in":true}
{"id":"c-102","first_name":"Bo","phone":"07700 900102","country":"GB","orders":4,"spent":1500,"spent_365d":1200}
{"id":"c-999","first_name":"Zed","phone":"+447700900999","orders":0}
EOF2
export WA_CONVS_SAVE=0
m 10:00:00 $A wamid.A1 "hello"
m 10:01:00 $B wamid.B1 "where is my order"
same "1 (the first fold)"
check_same "1: the trimmed records are in the snapshot" "2" "$(grep -c '^u ' "$H/convs.state")"
check_same "1: list shows the record's name, tier and tags" \
	'Ana Lee gold ["vip","tab\there"] 101|Bo platinum [] "c-102"' \
	"$(jq -r '"\(.name) \(.tier) \(.tags | tojson) \(.customer | tojson)"' "$H.l" | sort | paste -sd'|' -)"
i1=$(ino)
ib show 101 >"$TMP/card1" 2>>"$TMP/err"

# 2. The file unchanged: nothing of it read but show's records (by offset); a new person, Cy.
m 10:02:00 $A wamid.A2 "still there?"
printf '%s\n' '{"id":"103","first_name":"Cy","phone":"+447700900103","tags":"single"}' >>"$H/customers.jsonl"
m 10:03:00 $C wamid.C1 "hi"
same "2 (a new person, the file appended to)"
check_same "2: no rebuild" "$i1" "$(ino)"
check_same "2: Cy's record found" "Cy" "$(jq -r "select(.phone == \"$C\") | .name" "$H.l")"

# 3. The file rewritten: lines moved, names, tiers and tags changed, Bo's record gone.
cat >"$H/customers.jsonl.new" <<'EOF2'
{"id":"103","first_name":"Cyrus","phone":"+447700900103","tier":"silver"}
{"id":"c-999","first_name":"Zed","phone":"+447700900999","orders":0}
{"id":101,"first_name":"Ana","phone":"+447700900101","tier":"platinum","tags":[],"opt_in":false}
EOF2
mv "$H/customers.jsonl.new" "$H/customers.jsonl"
same "3 (the file rewritten)"
check_same "3: no rebuild of the fold" "$i1" "$(ino)"
check_same "3: the new names and tiers" "Ana platinum|Cyrus silver|N447700900102 null" \
	"$(jq -r '"\(.name) \(.tier)"' "$H.l" | sort | paste -sd'|' -)"

# 4. The file edited in place, same size: its time tells.
sed -i 's/Cyrus/Cyril/' "$H/customers.jsonl"
touch -d '2030-01-01' "$H/customers.jsonl"
same "4 (edited in place)"

# 5. route reads the whole record for its rules (a field list does not keep).
printf '%s\n' 'vip-desk: spent >= 100' 'pre-sale: true' >"$H/routes"
printf '%s\n' '{"id":101,"first_name":"Ana","phone":"+447700900101","spent":150}' \
	'{"id":"103","first_name":"Cy","phone":"+447700900103","spent":5}' >"$H/customers.jsonl"
ib list >/dev/null
rm -rf "$RE" && cp -r "$H" "$RE" && rm -f "$RE/convs.state" "$RE/convs.items"
WA_HOME=$H ib route >"$TMP/r1" 2>>"$TMP/err"
WA_HOME=$RE ib route >"$TMP/r2" 2>>"$TMP/err"
check_same "5: route's output as a fold of everything" "$(cat "$TMP/r2")" "$(cat "$TMP/r1")"
check_same "5: departments from the whole records" "vip-desk pre-sale" \
	"$(jq -r 'select(.event == "routed") | "\(.phone) \(.dept)"' "$H/inbox.jsonl" | sort | awk '$1 != "'$B'" { print $2 }' | paste -sd' ' -)"
check_same "1: show's card reads the whole record" "customer: Ana Lee, +447700900101|tier: gold; tags vip, tab	here; spent 120.00 GBP; consent yes" \
	"$(sed -n 2,3p "$TMP/card1" | paste -sd'|' -)"
check_same "no errors" "" "$(cat "$TMP/err")"
done_testing
