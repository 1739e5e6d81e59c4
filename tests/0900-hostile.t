#!/bin/sh
# Hostile input for every program: each ends by itself with a status < 128,
# says FILE:LINE for what it refuses, and loses no record: in = out + rejected.
. "$(dirname "$0")/lib.sh"

h=$TMP/h
mkdir -p "$h"
head -c 4000 /dev/urandom >"$h/garbage.bin"
printf '{"a":1}\n{"b":"x\0y"}\n{"c":2}\n' >"$h/nul.jsonl"
printf '{"a":"\377"}\n{"ok":1}\n' >"$h/badutf8.jsonl"
awk 'BEGIN { printf "{\"x\":\""; for (i = 0; i < 10485760; i += 64) printf "%064d", 0; print "\"}"; print "{\"after\":1}" }' >"$h/10mb.jsonl"
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "c%d,", i; print "Email"; for (i = 0; i < 100000; i++) printf ","; print "w@example.com" }' >"$h/wide.csv"
awk 'BEGIN { printf "{\"d\":"; for (i = 0; i < 100000; i++) printf "["; for (i = 0; i < 100000; i++) printf "]"; print "}"; print "{\"after\":1}" }' >"$h/deep.jsonl"
printf '{"spent":1e999}\n{"n":99999999999999999999}\n{"k":1,"k":2}\n{"ok":1}\n' >"$h/numbers.jsonl"
printf 'Email,Note\na@example.com,"open\nb@example.com,fine\nc@example.com,"x""y"\n' >"$h/quote.csv"
printf 'Email,Phone\r' >"$h/header-only-cr.csv"
: >"$h/empty.csv"
printf '\n\n\n' >"$h/blank.jsonl"

# records in a JSON-lines file: its non-blank lines
records() { tr '\0' ' ' <"$1" | grep -c '[^[:space:]]'; }

# what a program refused: its FILE:LINE messages
refused() { grep -c "$(basename "$1"):[0-9]*:" "$TMP/err"; }

for f in "$h"/*; do
	name=$(basename "$f")
	for prog in "wa-segment true" "wa-tag -a x"; do
		timeout 60 $prog "$f" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		case $name in
		*.jsonl)
			in=$(records "$f") out=$(grep -c . "$TMP/out") rej=$(refused "$f")
			[ $rc -lt 2 ] && [ "$in" -eq $((out + rej)) ]
			r=$?
			[ $r -ne 0 ] && echo "# rc=$rc in=$in out=$out rejected=$rej" &&
				sed 's/^/# /' "$TMP/err" | head -3
			_result $r "${prog%% *} $name: exit $rc, $in in = $out out + $rej refused"
			;;
		*)
			[ $rc -lt 4 ]
			_result $? "${prog%% *} $name: exit $rc, no crash or hang"
			;;
		esac
	done
	# as ledger, events and orders at once: no line of these is any of them
	timeout 60 wa-report --ledger "$f" --events "$f" --orders "$f" -o json >"$TMP/out" 2>"$TMP/err"
	rc=$?
	case $name in
	*.jsonl) in=$(records "$f") rej=$(refused "$f") ;;
	*) in=0 rej=0 ;;
	esac
	[ $rc -lt 4 ] && [ -s "$TMP/out" ] && [ "$rej" -eq $((3 * in)) ]
	_result $? "wa-report $name: exit $rc, a report, $in lines each refused by the 3 readers ($rej)"
	timeout 60 wa-import -v "$f" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ $rc -lt 2 ] && { ! grep -q 'rows:' "$TMP/err" ||
		sed -n 's/.*: \([0-9]*\) rows: \([0-9]*\) records out, \([0-9]*\) merged, \([0-9]*\) rejected/\1 \2 \3 \4/p' "$TMP/err" |
		awk '{ exit !($1 == $2 + $3 + $4) }'; }
	_result $? "wa-import $name: exit $rc, every row accounted for"
done
done_testing
