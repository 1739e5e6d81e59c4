#!/bin/sh
# wa-tag: tags added and removed by expression and by rules, every other byte untouched.
. "$(dirname "$0")/lib.sh"

NOW=2026-11-01T00:00:00Z
store_customers
# the records with their tags taken out, to compare the other bytes
notags() { sed 's/"tags":\[[^]]*\]//' "$1"; }
# is every tags array sorted and unique?
sorted() { jq -e -s 'map(.tags | . == (unique)) | all' "$1" >/dev/null; }

# -a and -d
wa-tag -a vip -e 'spent >= 1000' "$C" >"$TMP/out"
check_same "-a -e: exit 0, every record, in order" "0 $(jq -r .id "$C")" \
	"$? $(jq -r .id "$TMP/out")"
check_same "-a -e: the tag where jq says, and only there" \
	"$(jq -r 'select(.spent >= 1000 or (.tags | index("vip"))) | .id' "$C")" \
	"$(jq -r 'select(.tags | index("vip")) | .id' "$TMP/out")"
check_same "-a -e: the tags are the old ones and vip where it was added, sorted" \
	"$(jq -c 'if .spent >= 1000 then .tags + ["vip"] else .tags end | unique' "$C")" \
	"$(jq -c .tags "$TMP/out")"
check "-a -e: other bytes the same" cmp "$(notags "$C" >"$TMP/a"; echo "$TMP/a")" \
	"$(notags "$TMP/out" >"$TMP/b"; echo "$TMP/b")"
check "-a -e: tags sorted and unique" sorted "$TMP/out"

wa-tag -a contacted "$C" >"$TMP/out"
check_same "-a without -e: every record" "$total" \
	"$(jq -c 'select(.tags | index("contacted"))' "$TMP/out" | wc -l | tr -d ' ')"
tag=$(jq -r '.tags[]' "$C" | sort | uniq -c | sort -rn | awk 'NR==1{print $2}')
wa-tag -d "$tag" "$C" >"$TMP/out"
check_same "-d: the tag is gone everywhere" 0 \
	"$(jq -c "select(.tags | index(\"$tag\"))" "$TMP/out" | wc -l | tr -d ' ')"
check_same "-d: the other tags stay" "$(jq -c ".tags - [\"$tag\"] | unique" "$C")" \
	"$(jq -c .tags "$TMP/out")"
check "-d: other bytes the same" cmp "$(notags "$TMP/out" >"$TMP/b"; echo "$TMP/b")" "$TMP/a"
wa-tag -a x -e false "$C" >"$TMP/out"
check_same "a record no rule changes, with sorted tags: byte for byte" "" \
	"$(jq -c 'select(.tags == (.tags | unique))' "$C" | grep -Fxvf "$TMP/out" | head -3)"

# By hand
cat >"$TMP/hand.jsonl" <<'EOF'
{"id":"a","tags":["b","a","b"],"spent":1200}
{ "id" : "b" , "tags" : [ "z" ] , "n" : 1.50 }
{"id":"c"}
{"id":"d","tags":null,"x":"}{"}
{"id":"e","tags":"vip"}
{"id":"f","extra":{"tags":["inner"]},"tags":["é","q\"t","A"]}
{}
EOF
wa-tag -a new "$TMP/hand.jsonl" >"$TMP/out" 2>"$TMP/err"
check_same "-a by hand: sorted, unique, spliced in place or added at the end" \
'{"id":"a","tags":["a","b","new"],"spent":1200}
{ "id" : "b" , "tags" : ["new","z"] , "n" : 1.50 }
{"id":"c","tags":["new"]}
{"id":"d","tags":["new"],"x":"}{"}
{"id":"e","tags":"vip"}
{"id":"f","extra":{"tags":["inner"]},"tags":["A","new","q\"t","é"]}
{"tags":["new"]}' "$(cat "$TMP/out")"
wa-tag -a new "$TMP/hand.jsonl" >/dev/null 2>"$TMP/err"
check_same "-a by hand: a warning for tags that are no array, exit 0" \
	"0:wa-tag: $TMP/hand.jsonl:5: tags is not an array of strings; left as it is" \
	"$?:$(cat "$TMP/err")"
check_same "-d by hand: records without the tag or without tags untouched" \
'{"id":"a","tags":["a"],"spent":1200}
{ "id" : "b" , "tags" : [ "z" ] , "n" : 1.50 }
{"id":"c"}
{"id":"d","tags":null,"x":"}{"}
{"id":"e","tags":"vip"}
{"id":"f","extra":{"tags":["inner"]},"tags":["A","q\"t","é"]}
{}' "$(wa-tag -d b "$TMP/hand.jsonl" 2>/dev/null)"
check_same "-a -e on a field: only there" \
	'{"id":"a","tags":["a","b","big"],"spent":1200}' \
	"$(wa-tag -a big -e 'spent > 1000' "$TMP/hand.jsonl" 2>/dev/null | head -1)"
check_same "-a: a tag with a quote and a space is written as JSON" \
	'{"id":"c","tags":["say \"hi\""]}' \
	"$(wa-tag -a 'say "hi"' "$TMP/hand.jsonl" 2>/dev/null | sed -n 3p)"

# Rules
cat >"$TMP/my.tags" <<'EOF'
# order matters: the second rule sees the first one's tag
+big: spent >= 1000
-a: "big" in tags
  +late :  since(last) >= 65d

-none: true
EOF
printf '{"id":"a","tags":["b","a"],"spent":1200,"last":"2026-08-01T00:00:00Z"}\n{"id":"b","last":"2026-10-01T00:00:00Z"}\n' \
	>"$TMP/r.jsonl"
check_same "-r: in order, each rule on the tags left above it" \
'{"id":"a","tags":["b","big","late"],"spent":1200,"last":"2026-08-01T00:00:00Z"}
{"id":"b","last":"2026-10-01T00:00:00Z"}' \
	"$(wa-tag --now $NOW -r "$TMP/my.tags" "$TMP/r.jsonl")"
check_same "--now: the clock moves since()" \
	'["late"]' "$(wa-tag --now 2027-01-01T00:00:00Z -r "$TMP/my.tags" "$TMP/r.jsonl" |
	sed -n 2p | jq -c .tags)"
check_same "WA_NOW: the same clock" \
	'["late"]' "$(WA_NOW=2027-01-01T00:00:00Z wa-tag -r "$TMP/my.tags" "$TMP/r.jsonl" |
	sed -n 2p | jq -c .tags)"

# The playbook
P=$TOP/scripts/rules/playbook.tags
wa-tag --now $NOW -r "$P" "$C" >"$TMP/pb" 2>"$TMP/err"
check_same "playbook: exit 0, every record" "0 $total" "$? $(wc -l <"$TMP/pb" | tr -d ' ')"
has() { jq -r "select(.tags | index(\"$1\")) | .id" "$TMP/pb"; }
check_same "playbook: buyer is orders >= 1" \
	"$(jq -r 'select(.orders >= 1) | .id' "$C")" "$(has buyer)"
check_same "playbook: new_inquiry is no order, new or undated" \
	"$(jq -r --arg now $NOW 'select(.orders == 0 and (.created_at == null or
	(($now | fromdate) - (.created_at | fromdate)) <= 30 * 86400)) | .id' "$C")" \
	"$(has new_inquiry)"
check_same "playbook: vip is the platinum tier, or the store's own vip" \
	"$(jq -r 'select((.spent_365d // 0) >= 1000 and .orders >= 4 or (.tags | index("vip"))) | .id' "$C")" \
	"$(has vip)"
check_same "playbook: follow_up is an opted-in buyer quiet 65 days or just delivered" \
	"$(jq -r --arg now $NOW '($now | fromdate) as $n | select(.opt_in and .orders >= 1 and
	((.last_order_at != null and ($n - (.last_order_at | fromdate)) >= 65 * 86400) or
	 (.last_fulfilled_at != null and ($n - (.last_fulfilled_at | fromdate)) as $d |
	  $d >= 48 * 3600 and $d < 7 * 86400))) | .id' "$C")" "$(has follow_up)"
check "playbook: some of each of buyer, new_inquiry, vip, follow_up" sh -c \
	'for t in buyer new_inquiry vip follow_up; do
		jq -e -s "map(select(.tags | index(\"$t\"))) | length > 0" "$1" >/dev/null || exit 1
	done' sh "$TMP/pb"
printf '{"id":"p","orders":2,"opt_in":true,"note":"Customer filed a chargeback in May","last_order_at":"2026-01-01T00:00:00Z","tags":["follow_up"]}\n' |
	wa-tag --now $NOW -r "$P" >"$TMP/out"
check_same "playbook: a chargeback in the note is a problem, and no follow_up" \
	'["buyer","problem"]' "$(jq -c .tags "$TMP/out")"
check "playbook: other bytes the same" cmp "$(notags "$TMP/pb" >"$TMP/b"; echo "$TMP/b")" "$TMP/a"
check "playbook: tags sorted and unique" sorted "$TMP/pb"
check_same "playbook: a second run changes nothing" "" \
	"$(wa-tag --now $NOW -r "$P" "$TMP/pb" | cmp - "$TMP/pb" 2>&1)"

# Errors
printf '+ok: true\nbad: true\n' >"$TMP/bad.tags"
wa-tag -r "$TMP/bad.tags" "$C" >"$TMP/out" 2>"$TMP/err"
check_same "a rule with no + or -: exit 2, nothing read" "2:" "$?:$(cat "$TMP/out")"
check_same "a rule with no + or -: FILE:LINE:COL and a caret" \
	"wa-tag: $TMP/bad.tags:2:1: expected '+tag: EXPR' or '-tag: EXPR'
bad: true
^" "$(cat "$TMP/err")"
printf '+ok: orders >= 1 &&\n' >"$TMP/bad.tags"
check_same "a bad expression in a rule: the column in the line" \
	"wa-tag: $TMP/bad.tags:1:20: expected a value, got end of expression
+ok: orders >= 1 &&
                   ^" "$(wa-tag -r "$TMP/bad.tags" "$C" 2>&1)"
printf '+: true\n' >"$TMP/bad.tags"
check_status "a rule with no tag" 2 wa-tag -r "$TMP/bad.tags" "$C"
check_same "a bad -e: the column and a caret" \
	"wa-tag: -e, column 12: expected a value, got '&&'
orders >=  && y
           ^" "$(wa-tag -a t -e 'orders >=  && y' "$C" 2>&1)"
check_status "-a and -r together" 2 wa-tag -a x -r "$P" "$C"
check_status "-a and -d together" 2 wa-tag -a x -d y "$C"
check_status "neither -a, -d nor -r" 2 wa-tag "$C"
check_status "-e with -r" 2 wa-tag -r "$P" -e true "$C"
check_status "an empty tag" 2 wa-tag -a '' "$C"
check_status "a rules file that does not exist" 2 wa-tag -r "$TMP/nonexistent" "$C"
check_same "-r -: rules from stdin, records from a file" '{"id":"c","tags":["s"]}' \
	"$(echo '+s: true' | wa-tag -r - "$TMP/hand.jsonl" 2>/dev/null | sed -n 3p)"
check_status "-r -: not with records from stdin too" 2 sh -c "echo '+s: true' | wa-tag -r -"

# Bad records and type problems
printf '{"id":"a"}\n{"id":\n{"id":"c","tags":["x"]}\n' >"$TMP/mixed.jsonl"
wa-tag --rejects "$TMP/rej" -a t "$TMP/mixed.jsonl" >"$TMP/out" 2>"$TMP/err"
check_same "a bad record: the others through, exit 1" \
	"1:$(printf '{"id":"a","tags":["t"]}\n{"id":"c","tags":["t","x"]}')" "$?:$(cat "$TMP/out")"
check_same "--rejects: the bad record as read" '{"id":' "$(cat "$TMP/rej")"
wa-tag -a t -e 'lower(spent) == "x"' "$C" >"$TMP/out" 2>"$TMP/err"
check_same "a type problem: no tag, counted once, exit 0" \
	"0:wa-tag: $total records had a type problem in 'lower(spent) == \"x\"'" \
	"$?:$(cat "$TMP/err")"

# CSV in
printf 'id,Tags\n1,vip\n' >"$TMP/c.csv"
check_same "CSV: a JSON object of the row, with tags" \
	'{"id":"1","Tags":"vip","tags":["new"]}' "$(wa-tag -a new "$TMP/c.csv")"

# What a review found
check_same "CSV input with a Tags-like tags column becomes JSON with an array" \
	'{"email":"a@example.com","tags":["new","vip"]}' \
	"$(printf 'email,tags\na@example.com,vip\n' | wa-tag -a new)"
printf '{"id":"a","opt_in":true,"orders":2,"last_order_at":"2026-08-01T00:00:00Z","tags":[]}\n' >"$TMP/fu.jsonl"
check_same "follow_up comes off once the customer no longer fits" '["buyer","follow_up"] ["buyer"]' \
	"$(wa-tag --now 2026-11-01 -r "$TOP/scripts/rules/playbook.tags" "$TMP/fu.jsonl" | jq -c .tags) $(wa-tag --now 2026-11-01 -r "$TOP/scripts/rules/playbook.tags" "$TMP/fu.jsonl" | jq -c '.last_order_at="2026-10-30T00:00:00Z"' | wa-tag --now 2026-11-01 -r "$TOP/scripts/rules/playbook.tags" | jq -c .tags)"

done_testing
