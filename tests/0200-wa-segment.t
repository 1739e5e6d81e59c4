#!/bin/sh
# wa-segment: a filter by expression and segments by rules, on generated and hand-made customers.
. "$(dirname "$0")/lib.sh"

NOW=2026-11-01T00:00:00Z
store_customers

# A filter

wa-segment true "$C" >"$TMP/out"
check_same "true: exit 0" 0 $?
check "true: every record, byte for byte" cmp "$TMP/out" "$C"
check_same "false: nothing, exit 1" "1:" "$(wa-segment false "$C"; echo "$?:")"

E='opt_in && spent >= 100 && !("vip" in tags)'
J='select(.opt_in and .spent >= 100 and (.tags | index("vip") | not))'
wa-segment "$E" "$C" >"$TMP/sel"
check_same "EXPR: the records jq selects" "$(jq -r "$J | .id" "$C")" \
	"$(jq -r .id "$TMP/sel")"
check_same "EXPR: each one as it was read" "" "$(grep -Fxvf "$C" "$TMP/sel")"
check "EXPR: some were selected, some not" \
	test -s "$TMP/sel" -a "$(wc -l <"$TMP/sel")" -lt "$total"
check_same "-c: the count jq gives" "$(jq -c "$J" "$C" | wc -l | tr -d ' ')" \
	"$(wa-segment -c "$E" "$C")"
check_same "-v: the others, in order" "$(jq -r "select((($J) | true) // false | not) | .id" "$C")" \
	"$(wa-segment -v "$E" "$C" | jq -r .id)"
check_same "-c -v: the rest of the count" "$total" \
	"$(($(wa-segment -c "$E" "$C") + $(wa-segment -c -v "$E" "$C")))"
check_same "stdin and '-'" "$(wa-segment -c "$E" "$C") $(wa-segment -c "$E" "$C")" \
	"$(wa-segment -c "$E" <"$C") $(wa-segment -c "$E" - <"$C")"

# The clock
W='since(last_order_at) >= 65d'
jqw() { jq -c --arg now "$1" 'select(.last_order_at != null and
	(($now | fromdate) - (.last_order_at | fromdate)) >= 65 * 86400)' "$C" | wc -l | tr -d ' '; }
a=$(wa-segment -c --now $NOW "$W" "$C")
b=$(wa-segment -c --now 2027-06-01T00:00:00Z "$W" "$C")
check_same "--now: since() as jq computes it" "$(jqw $NOW) $(jqw 2027-06-01T00:00:00Z)" "$a $b"
check "--now: a later clock selects more" test "$b" -gt "$a"
check_same "WA_NOW: the same clock" "$a" "$(WA_NOW=$NOW wa-segment -c "$W" "$C")"
check_same "--now wins over WA_NOW" "$a" \
	"$(WA_NOW=2027-06-01T00:00:00Z wa-segment -c --now $NOW "$W" "$C")"
check_status "--now: a bad time is a usage error" 2 wa-segment --now yesterday true "$C"

# Tiers
tierjq='if (.spent_365d // -1) >= 1000 and .orders >= 4 then "platinum"
	elif (.spent_365d // -1) >= 300 and .orders >= 2 then "gold"
	elif .orders >= 1 and .spent >= 50 then "silver"
	elif .orders == 0 then "prospect" else "-" end'
want=$(for t in platinum gold silver prospect; do
	printf '%s\t%s\n' $t "$(jq -r "$tierjq" "$C" | grep -cx $t)"; done)
check_same "--tiers -c: the counts jq computes" "$want" "$(wa-segment --tiers -c "$C")"
check_same "--tiers: each record's tier as jq computes it" \
	"$(jq -r "($tierjq) as \$t | select(\$t != \"-\") | .id + \" \" + \$t" "$C")" \
	"$(wa-segment --tiers "$C" | jq -r '.id + " " + .segment')"
wa-segment --tiers "$C" >"$TMP/tiers"
check_same "--tiers: only a segment field is added, at the end" "" \
	"$(sed 's/,"segment":"[a-z]*"}$/}/' "$TMP/tiers" | grep -Fxvf "$C")"
check_same "tiers.segments: the same as --tiers" "$(cat "$TMP/tiers")" \
	"$(wa-segment -s "$TOP/scripts/rules/tiers.segments" "$C")"
check_same "--keep -c: the unmatched on a '-' line" \
	"$want$(printf '\n-\t')$(jq -r "$tierjq" "$C" | grep -cx -- -)" \
	"$(wa-segment --tiers --keep -c "$C")"

cat >"$TMP/hand.jsonl" <<'EOF'
{"id":"p1","orders":6,"spent":2400,"spent_365d":1500,"tags":["vip"]}
{"id":"g1","orders":4,"spent":900,"spent_365d":500}
{"id":"s1","orders":1,"spent":60,"spent_365d":60,"segment":"gold"}
{ "id" : "x1", "orders" : 1, "spent" : 20, "spent_365d" : 20 }
{"id":"n1","orders":0,"spent":0,"spent_365d":null}
{"id":"p2","orders":4,"spent":1000,"spent_365d":1000,"extra":{"segment":"inner"}}
{"id":"g2","orders":3,"spent":3000,"spent_365d":999.99}
{}
EOF
wa-segment --tiers --keep "$TMP/hand.jsonl" >"$TMP/out"
check_same "--tiers --keep: by hand, a field added or replaced, nothing else touched" \
'{"id":"p1","orders":6,"spent":2400,"spent_365d":1500,"tags":["vip"],"segment":"platinum"}
{"id":"g1","orders":4,"spent":900,"spent_365d":500,"segment":"gold"}
{"id":"s1","orders":1,"spent":60,"spent_365d":60,"segment":"silver"}
{ "id" : "x1", "orders" : 1, "spent" : 20, "spent_365d" : 20 ,"segment":null}
{"id":"n1","orders":0,"spent":0,"spent_365d":null,"segment":"prospect"}
{"id":"p2","orders":4,"spent":1000,"spent_365d":1000,"extra":{"segment":"inner"},"segment":"platinum"}
{"id":"g2","orders":3,"spent":3000,"spent_365d":999.99,"segment":"gold"}
{"segment":null}' "$(cat "$TMP/out")"
check_same "--tiers: without --keep the unmatched are left out" "p1 g1 s1 n1 p2 g2" \
	"$(wa-segment --tiers "$TMP/hand.jsonl" | jq -r .id | tr '\n' ' ' | sed 's/ $//')"

# Rules files
cat >"$TMP/my.segments" <<'EOF'
# big spenders first
big:   spent >= 1000

repeat: orders >= 2   
  # anyone else who bought
repeat: orders >= 1 && "vip" in tags
none_yet: orders == 0
empty: false
EOF
check_same "-s: first match wins, duplicate names are one segment" \
	"p1 big
g1 repeat
n1 none_yet
p2 big
g2 big" "$(wa-segment -s "$TMP/my.segments" "$TMP/hand.jsonl" | jq -r '.id + " " + .segment')"
check_same "-s -c: every segment, empty ones too, in rule order" \
	"$(printf 'big\t3\nrepeat\t1\nnone_yet\t1\nempty\t0')" \
	"$(wa-segment -s "$TMP/my.segments" -c "$TMP/hand.jsonl")"
check_same "-s wins over --tiers" \
	"$(wa-segment -s "$TMP/my.segments" "$TMP/hand.jsonl")" \
	"$(wa-segment --tiers -s "$TMP/my.segments" "$TMP/hand.jsonl")"

# --split
mkdir "$TMP/split"
echo stale >"$TMP/split/gold.jsonl"
wa-segment --tiers --split "$TMP/split" "$C" >"$TMP/out"
check_same "--split: exit 0, nothing on stdout" "0:" "$?:$(cat "$TMP/out")"
check_same "--split: one file per tier, no temporary file left" \
	"gold.jsonl platinum.jsonl prospect.jsonl silver.jsonl" \
	"$(ls "$TMP/split" | tr '\n' ' ' | sed 's/ $//')"
ok=0
for t in platinum gold silver prospect; do
	grep "\"segment\":\"$t\"}\$" "$TMP/tiers" | cmp -s - "$TMP/split/$t.jsonl" || ok=1
done
check_same "--split: each file holds its tier's records as stdout would" 0 $ok
wa-segment -s "$TMP/my.segments" --split "$TMP/split2" -c "$TMP/hand.jsonl" >"$TMP/out"
check_same "--split -c: the directory is made, counts still printed" \
	"$(printf 'big\t3\nrepeat\t1\nnone_yet\t1\nempty\t0')" "$(cat "$TMP/out")"
check "--split: an empty segment is an empty file" \
	test -f "$TMP/split2/empty.jsonl" -a ! -s "$TMP/split2/empty.jsonl"
check_status "--split: with --keep, a usage error" 2 \
	wa-segment --tiers --keep --split "$TMP/split3" "$C"
check "--split: nothing made after a usage error" test ! -e "$TMP/split3"
check_status "--split: an unwritable directory is fatal" 3 \
	wa-segment --tiers --split /proc/nonexistent/x "$C"

# Errors
wa-segment 'orders >= (1' "$C" >"$TMP/out" 2>"$TMP/err"
check_same "a bad EXPR: exit 2" 2 $?
check_same "a bad EXPR: the column and a caret, nothing read" \
	"wa-segment: EXPR, column 13: expected ')', got end of expression
orders >= (1
            ^|" "$(cat "$TMP/err")|$(cat "$TMP/out")"
printf 'ok: true\n\nbad: orders >=\n' >"$TMP/bad.segments"
wa-segment -s "$TMP/bad.segments" "$C" >"$TMP/out" 2>"$TMP/err"
check_same "a bad rules line: exit 2" 2 $?
check_same "a bad rules line: FILE:LINE:COL and a caret" \
	"wa-segment: $TMP/bad.segments:3:15: expected a value, got end of expression
bad: orders >=
              ^" "$(cat "$TMP/err")"
printf 'has space: true\n' >"$TMP/bad.segments"
check_same "a segment name with a space: its column" \
	"wa-segment: $TMP/bad.segments:1:4: a segment name is letters, digits, '_' and '-'" \
	"$(wa-segment -s "$TMP/bad.segments" "$C" 2>&1 | head -1)"
printf 'no colon here\n' >"$TMP/bad.segments"
check_status "a rules line with no ':'" 2 wa-segment -s "$TMP/bad.segments" "$C"
printf '# nothing\n\n' >"$TMP/bad.segments"
check_status "a rules file with no rules" 2 wa-segment -s "$TMP/bad.segments" "$C"
check_status "a rules file that does not exist" 2 wa-segment -s "$TMP/nonexistent" "$C"
check_status "no EXPR" 2 wa-segment
check_same "-s -: rules from stdin, records from a file" "$(printf 'all\t8')" \
	"$(echo 'all: true' | wa-segment -c -s - "$TMP/hand.jsonl")"
check_status "-s -: not with records from stdin too" 2 sh -c "echo 'all: true' | wa-segment -s -"
check_status "-v with rules" 2 wa-segment -v --tiers "$C"
check_status "--keep without rules" 2 wa-segment --keep true "$C"
check_status "an unknown option" 2 wa-segment --bogus true "$C"
check_status "a missing file" 3 wa-segment true "$TMP/nonexistent"

# Type problems and bad records
wa-segment 'lower(orders) == "x"' "$C" >"$TMP/out" 2>"$TMP/err"
check_same "a type problem: no match, exit 1, counted once" \
	"1:wa-segment: $total records had a type problem in 'lower(orders) == \"x\"'" \
	"$?:$(cat "$TMP/err")"
check_same "a type problem under -v: selected" "$total" \
	"$(wa-segment -v -c 'lower(orders) == "x"' "$C" 2>/dev/null)"
printf '{"id":"a","orders":1}\nnot json\n{"id":"b","orders":"3"}\n{"id":"c","orders":2}\n' \
	>"$TMP/mixed.jsonl"
wa-segment --rejects "$TMP/rej" 'orders >= 1' "$TMP/mixed.jsonl" >"$TMP/out" 2>"$TMP/err"
check_same "a bad record: the others selected, exit 1" \
	"1:$(printf '{"id":"a","orders":1}\n{"id":"c","orders":2}')" "$?:$(cat "$TMP/out")"
check_same "a bad record: FILE:LINE: why" \
	"wa-segment: $TMP/mixed.jsonl:2:3: invalid JSON: invalid token near 'not'" \
	"$(cat "$TMP/err")"
check_same "--rejects: the bad record as read" "not json" "$(cat "$TMP/rej")"
check_same "a string compared with a number: no match, no type problem" "" \
	"$(wa-segment 'orders >= 1 && id == "b"' "$TMP/mixed.jsonl" 2>&1 | grep -v json)"

# CSV in
cat >"$TMP/c.csv" <<'EOF'
id,Name,Tags
1,"Ana, Maria",vip
2,Bo,
3,"Cy ""C""",vip
EOF
check_same "CSV: the header, then the rows selected" \
	'id,Name,Tags
1,"Ana, Maria",vip
3,"Cy ""C""",vip' "$(wa-segment 'Tags == "vip"' "$TMP/c.csv")"
check_same "CSV with rules: JSON records with the segment" \
	'{"id":"2","Name":"Bo","Tags":"","segment":"plain"}' \
	"$(printf 'plain: Tags == ""\n' | wa-segment -s /dev/stdin "$TMP/c.csv")"
check_same "CSV: fields are strings" "0" "$(wa-segment -c 'id == 1' "$TMP/c.csv")"

# What a review found
{ yes '{"a":1}' | head -40000; printf '{"n":"caf\351"}\n{"n":"caf\303\251"}\n'; } >"$TMP/late.jsonl"
wa-segment true "$TMP/late.jsonl" >"$TMP/out" 2>"$TMP/err"
check_same "JSON is never read as Windows-1252: the bad line is refused, the good one kept" \
	"1 {\"n\":\"café\"} 1" "$? $(tail -1 "$TMP/out") $(grep -c 'invalid UTF-8' "$TMP/err")"
long=$(printf 'a%.0s' $(seq 1 300))
printf '%s: a >= 1\n' "$long" >"$TMP/long.rules"
check_same "a long segment name leaves every other field in place" \
	"{\"a\":1,\"b\":\"x\",\"segment\":\"$long\"}" \
	"$(printf '{"a":1,"b":"x"}\n' | wa-segment -s "$TMP/long.rules")"
check_same "~ matches characters without regard to case, not bytes" '2 1' \
	"$(printf '{"n":"Élodie"}\n{"n":"élodie"}\n' | wa-segment -c 'n ~ "^élo"') $(printf '{"n":"é"}\n' | wa-segment -c 'n ~ "^.$"')"
check_same "a pattern from the record with bounded repeats is a type problem, not a hang" '0' \
	"$(printf '{"a":"x","p":"x{1,255}{1,255}{1,255}"}\n' | timeout 10 wa-segment -c 'a ~ p' 2>/dev/null)"
mkdir -p "$TMP/sp"
printf '{"orders":5,"spent_365d":2000,"spent":2000}\n' | wa-segment --tiers --split "$TMP/sp"
wa-segment --tiers --split "$TMP/sp" "$TMP" >/dev/null 2>&1
check_same "a run that fails leaves the old --split files" '3 1' \
	"$? $(wc -l <"$TMP/sp/platinum.jsonl" | tr -d ' ')"
check_same "lone surrogates are refused on the fast path, as jansson does" '1' \
	"$(printf '{"a":1,"b":"\\ud800"}\n' | wa-segment 'a == 1' >/dev/null 2>&1; echo $?)"

# --ab: arms by a hash of the test's name and the id, spliced in
printf '%s\n' '{"id":"shopify:1","opt_in":true,"note":"a  b"}' '{"id":"shopify:2","opt_in":false}' \
	'{"id":3,"opt_in":true}' '{"opt_in":true}' >"$TMP/ab.jsonl"
wa-segment --ab t1:50/50 opt_in --rejects "$TMP/ab.rej" "$TMP/ab.jsonl" >"$TMP/ab.out" 2>"$TMP/ab.err"
check_same "--ab on the records an EXPR selects; one without an id is rejected: exit 1" 1 $?
check_same "each selected record gets a variant, every other byte kept" \
	'{"id":"shopify:1","opt_in":true,"note":"a  b","variant":"X"}|{"id":3,"opt_in":true,"variant":"X"}' \
	"$(sed 's/"variant":"[AB]"/"variant":"X"/' "$TMP/ab.out" | tr '\n' '|' | sed 's/|$//')"
check_same "and the same arms on a second run" "$(cat "$TMP/ab.out")" \
	"$(wa-segment --ab t1:50/50 opt_in "$TMP/ab.jsonl" 2>/dev/null)"
grep -q ':4: no id to draw an --ab arm by' "$TMP/ab.err"
_result $? "the record without an id is named by its line"
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "{\"id\":\"c%d\",\"spent_365d\":0,\"orders\":1,\"spent\":60}\n", i }' >"$TMP/ab2.jsonl"
check_same "10/45/45 over 20,000 customers, with their tier" "silver control 2000|silver B 9000|silver A 9000" \
	"$(wa-segment --tiers --ab 't2:control=10/A=45/B=45' "$TMP/ab2.jsonl" | jq -r '"\(.segment) \(.variant)"' | sort | uniq -c |
		awk '{ d = $1 - ($3 == "control" ? 2000 : 9000); ok = d < 0 ? -d < 300 : d < 300;
			print $2, $3, ok ? ($3 == "control" ? 2000 : 9000) : $1 }' | sort -k2,2r | tr '\n' '|' | sed 's/|$//')"
check_status "weights that do not add up to 100: exit 2" 2 wa-segment --ab t:60/30 true "$TMP/ab.jsonl"
printf 'id,opt_in\n7,true\n' >"$TMP/ab.csv"
check_same "a CSV record comes out as JSON with its variant" '{"id":"7","opt_in":"true","variant":"A"}' \
	"$(wa-segment --ab 't3:A=99.99/B=0.01' true "$TMP/ab.csv" 2>&1 | sed 's/"variant":"B"/"variant":"A"/')"

done_testing
