#!/bin/sh
# Man pages: mandoc-clean, one per program, and in step with each program's -h.
. "$(dirname "$0")/lib.sh"

progs=$(cd "$TOP/cmd" && ls *.c | sed 's/\.c$//')
n=1
for p in $progs; do n=$((n + 6)); done
plan $n

check "mandoc -Tlint is clean" sh -c \
	'out=$(mandoc -Tlint -Wwarning "$0"/man/*.[0-9] 2>&1); [ -z "$out" ] || { echo "$out"; exit 1; }' "$TOP"
for p in $progs; do
	check "$p has a man page" test -f "$TOP/man/$p.1"
	"$p" -h >"$TMP/h.out" 2>"$TMP/h.err"
	check_same "$p -h: exit 0, its usage on stdout, nothing on stderr" "0 1 0" \
		"$? $(grep -c "^usage: $p" "$TMP/h.out") $(wc -c <"$TMP/h.err" | tr -d ' ')"
	"$p" --no-such-option >"$TMP/u.out" 2>"$TMP/u.err"
	check_same "$p with an unknown option: exit 2, its usage on stderr, nothing on stdout" "2 1 0" \
		"$? $(grep -c "^usage: $p" "$TMP/u.err") $(wc -c <"$TMP/u.out" | tr -d ' ')"
	check "$p --version prints its name" sh -c "$p --version | grep -q '^$p [0-9]'"
	missing=
	for o in $($p -h | grep -o -- '--[a-z][a-z-]*' | sort -u) $($p -h | grep -o -- '\[-[a-zA-Z]' | cut -c3 | sort -u); do
		case $o in
		--*) grep -q "Fl \\\\-${o#--}" "$TOP/man/$p.1" || missing="$missing $o" ;;
		*) grep -q "Fl $o" "$TOP/man/$p.1" || missing="$missing -$o" ;;
		esac
	done
	check_same "$p's man page names every option of -h" "" "$missing"
	# The options in the order of the usage lines and of the SYNOPSIS.
	$p -h | awk '/^usage:/ { u = 1 } u && !/^(usage:| )/ { exit } u' |
		grep -o '[[(| ]--*[a-zA-Z][a-z-]*' | cut -c2- >"$TMP/u.opts"
	sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' "$TOP/man/$p.1" >"$TMP/syn"
	grep -o 'Fl [^ ]*' "$TMP/syn" | sed 's/^Fl \\-/--/; s/^Fl /-/' >"$TMP/m.opts"
	check_same "$p's usage and SYNOPSIS list options in one order" \
		"$(cat "$TMP/m.opts")" "$(cat "$TMP/u.opts")"
done
done_testing
