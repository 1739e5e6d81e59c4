#!/bin/sh
# Man pages: mandoc-clean, one per program, and in step with each program's -h.
. "$(dirname "$0")/lib.sh"

progs=$(cd "$TOP/cmd" && ls *.c | sed 's/\.c$//')
n=1
for p in $progs; do n=$((n + 4)); done
plan $n

check "mandoc -Tlint is clean" sh -c \
	'out=$(mandoc -Tlint -Wwarning "$0"/man/*.[0-9] 2>&1); [ -z "$out" ] || { echo "$out"; exit 1; }' "$TOP"
for p in $progs; do
	check "$p has a man page" test -f "$TOP/man/$p.1"
	check "$p -h exits 0 with its usage on stdout" sh -c "$p -h | grep -q '^usage: $p'"
	check "$p --version prints its name" sh -c "$p --version | grep -q '^$p [0-9]'"
	missing=
	for o in $($p -h | grep -o -- '--[a-z][a-z-]*' | sort -u) $($p -h | grep -o -- '\[-[a-zA-Z]' | cut -c3 | sort -u); do
		case $o in
		--*) grep -q "Fl \\\\-${o#--}" "$TOP/man/$p.1" || missing="$missing $o" ;;
		*) grep -q "Fl $o" "$TOP/man/$p.1" || missing="$missing -$o" ;;
		esac
	done
	check_same "$p's man page names every option of -h" "" "$missing"
done
done_testing
