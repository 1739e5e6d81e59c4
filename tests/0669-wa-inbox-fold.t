#!/bin/sh
# wa-inbox's folded snapshot (convs.state, convs.items): list, show and route, read from it and the
# files' tails, give what a fold of everything gives, step after step: new lines, a campaign before
# a late message, a reply logged after its attempt, hand-offs, notes, assignments, a close and a
# reopening, rolls (plain and gzipped), wa-forget; a corrupt or stale snapshot is rebuilt.
. "$(dirname "$0")/lib.sh"

fold_world
T0=1795428000	# 2026-11-23T10:00:00Z
A=+447700900101 B=+447700900102 C=+447700900103 D=+447700900104

t() { date -u -d "@$((T0 + $1))" +%Y-%m-%dT%H:%M:%SZ; }
# m SEC FROM WAMID TEXT: a customer's message, SEC seconds after 10:00
m() { printf '{"event":"message","wamid":"%s","from":"%s","name":"N%s","at":"%s","type":"text","text":"%s"}\n' \
	"$3" "$2" "${2#+}" "$(t "$1")" "$4" >>"$H/events.jsonl"; }
# camp SEC TO KEY: a message out (a campaign's, or a reply's key), sent, then delivered
camp() {
	printf '{"event":"attempt","key":"%s","campaign":"%s","to":"%s","at":"%s"}\n{"event":"sent","key":"%s","wamid":"wamid.O-%s","at":"%s"}\n' \
		"$3" "${3%%/*}" "$2" "$(t "$1")" "$3" "$1" "$(t $(($1 + 1)))" >>"$H/ledger.jsonl"
	st "$3" "$2" delivered $(($1 + 5))
}
# st KEY TO STATUS SEC: a status of the spool
st() { printf '{"event":"status","key":"%s","wamid":"wamid.O","status":"%s","to":"%s","at":"%s"}\n' \
	"$1" "$3" "$2" "$(t "$4")" >>"$H/events.jsonl"; }

# dump HOME: list --all, and each conversation shown, by id and by phone, as JSON
dump() {
	WA_HOME=$1 ib list --all -o json >"$1.l" 2>>"$TMP/err" || echo "list exit $?" >>"$1.l"
	for id in $(jq -r .id "$1.l"); do
		WA_HOME=$1 ib show "$id" -o json 2>>"$TMP/err" || echo "show exit $?"
	done >"$1.s"
	for ph in $(jq -r .phone "$1.l" | sort -u); do
		WA_HOME=$1 ib show "$ph" -o json 2>>"$TMP/err" || echo "show exit $?"
	done >>"$1.s"
}
# recursor: the copy's route cursor names the copy of the file the home's names (a plain one, by inode)
recursor() {
	[ -f "$H/inbox.cursor" ] && read -r off ino dev <"$H/inbox.cursor" || return 0
	f=$(cd "$H" && find ./events.jsonl ./events -inum "$ino" -name '*.jsonl' 2>/dev/null | head -n 1)
	[ -z "$f" ] || printf '%s %s %s\n' "$off" "$(stat -c %i "$RE/$f")" "$(stat -c %d "$RE/$f")" >"$RE/inbox.cursor"
}
# route_same STEP: route's output and log lines from the snapshot, as from everything folded again
route_same() {
	rm -rf "$RE" && cp -r "$H" "$RE" && rm -f "$RE/convs.state" "$RE/convs.items"
	recursor
	WA_HOME=$H WA_AGENT=route ib route >"$TMP/r1" 2>>"$TMP/err"
	WA_HOME=$RE WA_AGENT=route ib route >"$TMP/r2" 2>>"$TMP/err"
	check_same "$1: route's output as a fold of everything" "$(cat "$TMP/r2")" "$(cat "$TMP/r1")"
	check_same "$1: route's inbox log as a fold of everything" "$(cat "$RE/inbox.jsonl")" \
		"$(cat "$H/inbox.jsonl")"
}

cat >"$H/customers.jsonl" <<'EOF'
{"id":"101","first_name":"Ana","phone":"+447700900101","tier":"gold","tags":["vip"],"orders":2}
{"id":"102","first_name":"Bo","phone":"+447700900102","orders":0}
{"id":"103","first_name":"Cy","phone":"+447700900103","orders":1}
{"id":"104","first_name":"Di","phone":"+447700900104","orders":0}
EOF
printf '%s\n' 'handoff-person: text ~ "human"' 'pre-sale: true' >"$H/routes"
echo 'amy dept=*' >"$H/agents"
export WA_CONVS_SAVE=0	# every run saves what it folded: the next reads that

# 1. A campaign before Ana writes (in no conversation), Bo asks for a person.
camp -3600 $A spring/101
m 0 $A wamid.A1 "hello"
m 60 $B wamid.B1 "a human please"
fold_same "1 (the first fold)"
i1=$(ino)
check_same "1: the snapshot was saved" "yes" "$([ -s "$H/convs.state" ] && [ -n "$i1" ] && echo yes)"

# 2. route: departments, Bo handed off and assigned.
route_same "2"
check_same "2: Bo handed off to amy" "handed_off amy" \
	"$(jq -r 'if .event == "handed_off" then .event elif .event == "assigned" then .agent else empty end' "$H/inbox.jsonl" | paste -sd' ' -)"

# 3. A campaign to Bo joins his conversation, Ana writes again, a note, a status read.
camp 120 $B spring/102
m 180 $A wamid.A2 "where is my order"
WA_AGENT=amy ib note "$A" "asked twice" >/dev/null
st spring/102 $B read 200
fold_same "3 (the tails onto the snapshot)"
check_same "3: no rebuild: convs.items was appended to" "$i1" "$(ino)"

# 4. A reply's attempt, saved before its replied line; then the line gives it its agent, and it is read.
BC=$(jq -r "select(.phone == \"$B\") | .id" "$H.l")
camp 240 $B "inbox/$BC/r1"
ib list >/dev/null
printf '{"event":"replied","conv":"%s","phone":"%s","agent":"amy","key":"inbox/%s/r1","text":"Hi Bo, amy here","at":"%s"}\n' \
	"$BC" $B "$BC" "$(t 241)" >>"$H/inbox.jsonl"
st "inbox/$BC/r1" $B read 250
fold_same "4 (a replied line after its attempt)"
check_same "4: Bo answered by amy, read, without a rebuild" "answered amy read $i1" \
	"$(jq -r "select(.phone == \"$B\") | .state" "$H.l") $(jq -r 'select(.dir == "out" and .text == "Hi Bo, amy here") | "\(.by) \(.status)"' "$H.s" | sort -u) $(ino)"

# 5. Ana's conversation closed, then she writes again: a second one.
WA_AGENT=amy wa-inbox --now "$(t 390)" close "$A" >/dev/null
m 400 $A wamid.A3 "one more thing"
fold_same "5 (closed, then reopened)"
check_same "5: Ana has two conversations" "2" "$(jq -r "select(.phone == \"$A\") | .id" "$H.l" | wc -l | tr -d ' ')"

# 6. A campaign to Cy (no conversation), then his message dated before it arrives late.
camp 500 $C spring/103
ib list >/dev/null
m 450 $C wamid.C1 "did you write to me?"
fold_same "6 (a late message before a campaign)"
check_same "6: the campaign joined Cy's conversation" "spring" \
	"$(jq -r "select(.conv != null and .dir == \"out\" and .key == \"spring/103\") | .by" "$H.s" | sort -u)"

# 7. Without saving: tails folded onto the last snapshot again and again.
WA_CONVS_SAVE=
m 600 $D wamid.D1 "hi there"
route_same "7 (route, the snapshot not saved)"
m 620 $D wamid.D2 "anyone?"
fold_same "7 (list, the snapshot not saved)"
WA_CONVS_SAVE=0

# 8. All three files rolled by hand (plain segments), more lines after.
i1=$(ino)
for f in events ledger inbox; do
	mkdir -p "$H/$f" && mv "$H/$f.jsonl" "$H/$f/2026-11.jsonl" && : >"$H/$f.jsonl"
done
m 700 $B wamid.B2 "thanks"
camp 710 $D spring/104
WA_AGENT=amy ib assign "$D" amy >/dev/null
fold_same "8 (after a roll)"
check_same "8: no rebuild across the roll" "$i1" "$(ino)"

# 9. The spool rolled again, its segments gzipped as wa-hook packs them (the plain file's device
# and inode in the folder's index); the inbox log rolled and gzipped by a note of December.
i1=$(ino)
m 800 $C wamid.C2 "human please"
mv "$H/events.jsonl" "$H/events/2026-11.2.jsonl" && : >"$H/events.jsonl"
for f in 2026-11 2026-11.2; do
	echo "$f - - $(stat -c '%d %i' "$H/events/$f.jsonl")" >>"$H/events/index"
	gzip "$H/events/$f.jsonl"
done
WA_AGENT=amy wa-inbox --now 2026-12-01T09:00:00Z note "$D" "back on Monday" >/dev/null
m 810 $A wamid.A4 "still there?"
check_same "9: the segments gzipped" "2026-11.2.jsonl.gz 2026-11.jsonl.gz index|2026-11.2.jsonl.gz 2026-11.jsonl.gz index" \
	"$(ls "$H/events" | paste -sd' ' -)|$(ls "$H/inbox" | paste -sd' ' -)"
route_same "9 (route after a gzipped roll)"
fold_same "9 (after a gzipped roll)"
check_same "9: no rebuild across the roll and the gzip" "$i1" "$(ino)"

# 10. wa-forget erases Bo: the snapshot goes with what it held.
wa-forget $B >/dev/null 2>&1 || echo "wa-forget: exit $?" >>"$TMP/err"
check_same "10: wa-forget removed the snapshot" "" "$(ls "$H" | grep convs)"
fold_same "10 (after wa-forget)"

# 11. A corrupt snapshot, and a spool rewritten in place under it: both rebuilt.
i2=$(ino)
printf 'c {"id":\n' >>"$H/convs.state"
m 900 $D wamid.D3 "ok"
fold_same "11 (a corrupt snapshot)"
check_same "11: rebuilt" "new" "$([ "$(ino)" != "$i2" ] && echo new)"
i2=$(ino)
sed 's/still there?/STILL THERE?/' "$H/events.jsonl" >"$TMP/live"
cat "$TMP/live" >"$H/events.jsonl"
fold_same "11 (the spool rewritten in place)"
check_same "11: rebuilt, the new text shown" "new STILL THERE?" \
	"$([ "$(ino)" != "$i2" ] && echo new) $(jq -r 'select(.wamid == "wamid.A4") | .text' "$H.s" | sort -u)"
check_same "no error on the way" "" "$(cat "$TMP/err")"
done_testing
