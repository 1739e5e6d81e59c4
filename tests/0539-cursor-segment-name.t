#!/bin/sh
# A cursor kept on disk names its segment, not only its inode: a roll frees a gzipped segment's
# inode, which a later live file may get, so two segments may have been one inode. The cursor
# keeps the name of the segment its file comes after ("OFFSET INODE DEVICE AFTER"), and its file
# is looked for only past that one; a cursor of before (no name) is still read.
. "$(dirname "$0")/lib.sh"

mkdir -p "$WA_HOME/events"
# o N: an order event N in the spool
o() { printf '{"event":"order","type":"order","id":"o%s","at":"2026-11-23T10:%02d:00Z"}\n' "$1" "$1" >>"$WA_HOME/events.jsonl"; }
# run CURSOR: the order ids past the cursor file, space-separated; the cursor moved on
run() {
	timeout 20 wa-segment --now 2026-11-23T11:00:00Z --cursor "$1" 'type == "order"' \
		"$WA_HOME/events.jsonl" 2>>"$TMP/err" | jq -r .id | paste -sd' ' -
	mv "$1.new" "$1"
}

# three rolls by hand, the first and the third segments with one inode (7 1001), as 0537
reused_rolls
o 41
first=$(gzip -dc "$WA_HOME/events/2026-11.3.jsonl.gz" | head -1 | wc -c | tr -d ' ')
echo "$first 1001 7 2026-11.2" >"$TMP/c1"
check_same "a cursor in the third segment, which comes after 2026-11.2: its rest, then the live file" \
	"o32 o41" "$(run "$TMP/c1")"
check_same "and it is kept with the live file's inode and the newest segment's name" \
	"$(stat -c '%i %d' "$WA_HOME/events.jsonl") 2026-11.3" "$(cut -d' ' -f2- "$TMP/c1")"

echo "$first 1001 7" >"$TMP/c2"
check_same "a cursor of before, without the name: still read (the first segment of that inode)" \
	"o12 o21 o22 o31 o32 o41" "$(run "$TMP/c2")"

# a real run: the cursor taken on the live file, whose inode an older segment's index line had
# too; the live file is then rolled and gzipped, its inode in the index
rm -rf "$WA_HOME/events" "$WA_HOME/events.jsonl"
mkdir -p "$WA_HOME/events"
o 51; o 52
ino=$(stat -c %i "$WA_HOME/events.jsonl") dev=$(stat -c %d "$WA_HOME/events.jsonl")
printf '{"event":"order","type":"order","id":"old1"}\n{"event":"order","type":"order","id":"old2"}\n{"event":"order","type":"order","id":"old3"}\n' |
	gzip >"$WA_HOME/events/2026-10.jsonl.gz"
echo "2026-10 2026-10-01T00:00:00Z 2026-10-31T00:00:00Z $dev $ino" >"$WA_HOME/events/index"
: >"$TMP/c3"
check_same "a first run from nothing: the live file's orders" "o51 o52" "$(run "$TMP/c3")"
check_same "its cursor names the segment the live file comes after" "2026-10" "$(cut -d' ' -f4 "$TMP/c3")"
o 53
mv "$WA_HOME/events.jsonl" "$WA_HOME/events/2026-11.jsonl" && : >"$WA_HOME/events.jsonl" &&
	gzip "$WA_HOME/events/2026-11.jsonl"
echo "2026-11 2026-11-23T10:51:00Z 2026-11-23T10:53:00Z $dev $ino" >>"$WA_HOME/events/index"
o 54
check_same "after the roll: the rest of the live file's segment, not of the older one of its inode" \
	"o53 o54" "$(run "$TMP/c3")"

# the live file's own inode came back: the cursor's file, live after 2026-11, was rolled into
# 2026-11.2 and gzipped, and the new live file got its inode; the cursor names 2026-11, older
# than the newest segment, so its file is that segment, not the live file
ino=$(stat -c %i "$WA_HOME/events.jsonl")
{ printf '{"event":"order","type":"order","id":"o61"}\n'; printf '{"event":"order","type":"order","id":"o62"}\n'; } |
	gzip >"$WA_HOME/events/2026-11.2.jsonl.gz"
echo "2026-11.2 2026-11-23T11:01:00Z 2026-11-23T11:02:00Z $dev $ino" >>"$WA_HOME/events/index"
echo "44 $ino $dev 2026-11" >"$TMP/c4"
check_same "a cursor on a live file rolled since, whose inode the new live file has: the segment's rest first" \
	"o62 o54" "$(run "$TMP/c4")"
check_same "nothing said" "" "$(cat "$TMP/err")"
done_testing
