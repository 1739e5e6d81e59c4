#!/bin/sh
# convs.items is compacted when its dead blocks (each save appends the blocks of the people cut
# again) outgrow its live ones: written anew, then renamed under its lock. list and show after it
# give what a fold of everything gives, and a kill during it (just before the rename, just after)
# loses nothing: the old file stays until the rename, and the next run reads or rebuilds.
. "$(dirname "$0")/lib.sh"

fold_world
m() { printf '{"event":"message","wamid":"%s","from":"%s","name":"N%s","at":"2026-11-23T%sZ","type":"text","text":"%s"}\n' \
	"$3" "$2" "${2#+}" "$1" "$4" >>"$H/events.jsonl"; }
size() { wc -c <"$H/convs.items" | tr -d ' '; }
dump() {
	WA_HOME=$1 ib list --all -o json >"$1.l" 2>>"$TMP/err" || echo "list exit $?" >>"$1.l"
	for id in $(jq -r .id "$1.l"); do
		WA_HOME=$1 ib show "$id" -o json 2>>"$TMP/err" || echo "show exit $?"
	done >"$1.s"
}

# 20 people write; then one writes again and again: each save appends their block anew.
i=0
while [ $i -lt 20 ]; do
	m "10:$(printf %02d $i):00" "+4477009002$(printf %02d $i)" "wamid.P$i" "hello, I am number $i with a long first message"
	i=$((i + 1))
done
export WA_CONVS_SAVE=0 WA_CONVS_COMPACT=0
ib list >/dev/null
i1=$(ino) s1=$(size)
# A rewrite is seen from one run to the next: the new file is made while the
# old one still holds its inode, where a second rewrite may get i1 back.
n=0 grew= moved=
while [ $n -lt 12 ]; do
	m "11:$(printf %02d $n):00" +447700900200 "wamid.R$n" "and again, $n"
	was=$(ino)
	ib list >/dev/null
	if [ "$(ino)" != "$was" ]; then moved=yes; elif [ -z "$moved" ]; then grew=$(size); fi
	n=$((n + 1))
done
check_same "appended to while the dead part was smaller than the live" "yes" \
	"$([ -n "$grew" ] && [ "$grew" -gt "$s1" ] && echo yes)"
check_same "then rewritten (another file) and smaller than at its largest" "yes" \
	"$([ -n "$moved" ] && [ "$(size)" -lt "$grew" ] && echo yes)"
live=$(awk '$1 == "p" { n += $4 } END { print n + 0 }' "$H/convs.state")
check_same "after the last save, dead bytes at most the live ones" "yes" \
	"$([ $(($(size) - live)) -le "$live" ] && echo yes)"
fold_same "after compactions"

# Kills during a compaction, with strace's fault injection: at the rename of the new
# convs.items (the first of the run), and at the rename of convs.state after it. The dead
# part is grown first with compaction held off (a floor above the file's size).
deadlive() { awk -v s="$(size)" '$1 == "p" { n += $4 } END { print s - n - n }' "$H/convs.state"; }
if ! strace -f -o /dev/null -e trace=rename -e inject=rename:signal=KILL true 2>/dev/null; then
	for k in 1 2 3 4 5 6; do check_same "# SKIP strace cannot trace here" "" ""; done
else
	for at in 1 2; do
		while [ "$(deadlive)" -le 0 ]; do
			n=$((n + 1))
			m "11:$(printf %02d $((n % 60))):30" +447700900200 "wamid.R$n" "once more, $n"
			WA_CONVS_COMPACT=1000000000 ib list >/dev/null
		done
		i2=$(ino)
		cp "$H/convs.items" "$TMP/items.before"
		n=$((n + 1))
		m "11:$(printf %02d $((n % 60))):40" +447700900200 "wamid.R$n" "the last, $n"
		strace -f -o /dev/null -e trace=rename,renameat,renameat2 \
			-e inject=rename,renameat,renameat2:signal=KILL:when=$at \
			wa-inbox --now "$NOW" list >/dev/null 2>&1
		rc=$?
		if [ $at = 1 ]; then
			check_same "killed at the rename: the old convs.items stays, as it was but the run's appended blocks" \
				"137 $i2 same" "$rc $(ino) $(head -c "$(wc -c <"$TMP/items.before")" "$H/convs.items" |
					cmp -s - "$TMP/items.before" && echo same)"
		else
			check_same "killed after the rename: the new convs.items is in place" "137 new" \
				"$rc $([ "$(ino)" != "$i2" ] && echo new)"
		fi
		fold_same "after a kill at rename $at"
	done
fi
check_same "no errors" "" "$(cat "$TMP/err")"
done_testing
