#!/bin/sh
# scripts/deps is complete: every header, library and command the code
# and the tests use belongs to a listed package or to one a listed package
# depends on, so that scripts/deps makes a fresh Debian machine able to run
# `make demo` and `make test`.
. "$(dirname "$0")/lib.sh"

command -v dpkg-query >/dev/null || { echo "1..0 # SKIP not a Debian system"; exit 0; }
LIST=$TMP/deps.list
sh "$TOP/scripts/deps" --list >"$LIST"
CC=${CC:-cc} CXX=${CXX:-c++}
cd "$TOP" || exit 1

# What the list names: every package, and the command lines alone.
awk '!/^[[:space:]]*(#|$)/ { print $NF }' "$LIST" | sort -u >"$TMP/pkgs"
awk '!/^[[:space:]]*(#|$)/ && NF == 2' "$LIST" >"$TMP/cmds"

# The installed packages each listed one depends on (Depends, Pre-Depends, any
# alternative, virtual names by their providers), itself included: PKG CLOSURE-MEMBER.
dpkg-query -W -f='${db:Status-Abbrev}|${Package}|${Provides}|${Depends}, ${Pre-Depends}\n' >"$TMP/db"
awk -F'|' '
	function names(s, out,   n, a, i, w) {
		gsub(/\([^)]*\)/, "", s); gsub(/[|,]/, " ", s); gsub(/:[a-z0-9]+/, "", s)
		return split(s, out, " ")
	}
	NR == FNR { if ($1 !~ /^ii/) next
		have[$2] = 1; deps[$2] = $4
		n = names($3, a); for (i = 1; i <= n; i++) prov[a[i]] = prov[a[i]] " " $2
		next }
	{ root = $1; delete seen; q[1] = root; h = 1; t = 1; seen[root] = 1
	  while (h <= t) {
		p = q[h++]; if (!(p in have)) continue
		print root, p
		n = names(deps[p], a)
		for (i = 1; i <= n; i++) {
			m = split(a[i] (a[i] in prov ? prov[a[i]] : ""), b, " ")
			for (j = 1; j <= m; j++) if (!(b[j] in seen)) { seen[b[j]] = 1; q[++t] = b[j] }
		}
	  } }' "$TMP/db" "$TMP/pkgs" >"$TMP/closure"
cut -d' ' -f2 "$TMP/closure" | sort -u >"$TMP/all"

# owners PATH...: "PATH PKG" for each path dpkg knows, by its own spelling
# or under merged /usr (dpkg may have it as /lib/... or /usr/lib/...).
owners() {
	for _p; do
		_d=$(cd "$(dirname "$_p")" 2>/dev/null && pwd -P) || continue
		for _c in "$_p" "$_d/${_p##*/}" "$(readlink -f "$_p")"; do
			printf '%s %s\n' "$_p" "$_c"
			case $_c in /usr/*) printf '%s %s\n' "$_p" "${_c#/usr}" ;;
			*) printf '%s %s\n' "$_p" "/usr$_c" ;; esac
		done
	done | sort -u >"$TMP/cand"
	cut -d' ' -f2 "$TMP/cand" | sort -u >"$TMP/paths"
	# dpkg -S takes a second a call; its file lists, read once, take less.
	grep -HFx -f "$TMP/paths" /var/lib/dpkg/info/*.list 2>/dev/null |
		sed 's|^/var/lib/dpkg/info/\([^:]*\)\(:[a-z0-9]*\)\{0,1\}\.list:\(.*\)$|\3 \1|' |
		sort -u >"$TMP/own"
	awk 'NR == FNR { own[$1] = own[$1] " " $2; next } $2 in own { print $1 own[$2] }' \
		"$TMP/own" "$TMP/cand" | awk '{ for (i = 2; i <= NF; i++) print $1, $i }' | sort -u
}

# need WHAT PATH [PKG]: PATH's package is listed, or depended on by one
# listed (by PKG when given); one check each
need() {
	_own=$(awk -v p="$2" '$1 == p { print $2 }' "$TMP/owned" | sort -u | tr '\n' ' ')
	_own=${_own% }
	if [ -z "$_own" ]; then
		_result 1 "$1: no package owns $2"
		return
	fi
	_in=$TMP/all
	[ -n "${3:-}" ] && { awk -v r="$3" '$1 == r { print $2 }' "$TMP/closure" >"$TMP/one"; _in=$TMP/one; }
	for _o in $_own; do
		if grep -qx "$_o" "$_in"; then
			_result 0 "$1: $_o${3:+ (by $3)}"
			return
		fi
	done
	echo "# $2 belongs to $_own: add it to scripts/deps${3:+ (or fix the package named for it)}"
	_result 1 "$1: $_own"
}

# Every package listed is installed (scripts/deps ran).
for p in $(cat "$TMP/pkgs"); do
	grep -qx "$p" "$TMP/all" || echo "$p" >>"$TMP/notinst"
done
check_same "every listed package is installed (make deps)" "" "$(cat "$TMP/notinst" 2>/dev/null)"

# The headers: each #include <...> as the compiler finds it.
grep -rhoE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<[^>]+>' cmd common tests \
	--include='*.c' --include='*.h' --include='*.cc' |
	sed 's/.*<\(.*\)>/\1/' | sort -u >"$TMP/headers"
# The compiler's own search order, with the Makefile's flags first.
flags=$(pkg-config --cflags jansson libcurl libmicrohttpd libcrypto 2>/dev/null)
dirs() {
	for f in $flags -Icommon; do case $f in -I*) echo "${f#-I}" ;; esac; done
	$1 -x"$2" -E -v - </dev/null 2>&1 | sed -n '/<\.\.\.> search starts/,/^End of search/p' | sed -n 's/^ //p'
}
dirs "$CC" c >"$TMP/cdirs"
dirs "$CXX" c++ >"$TMP/cxxdirs"
: >"$TMP/hpaths"
while read -r h; do
	p=$(while read -r d; do [ -f "$d/$h" ] && { echo "$d/$h"; break; }; done <"$TMP/cdirs")
	[ -n "$p" ] || p=$(while read -r d; do [ -f "$d/$h" ] && { echo "$d/$h"; break; }; done <"$TMP/cxxdirs")
	printf '%s %s\n' "$h" "${p:-?}" >>"$TMP/hpaths"
done <"$TMP/headers"

# The libraries: -l flags of the Makefile as the linker finds them, and its pkg-config packages.
libs=$(grep -oE '(^|[[:space:]])-l[A-Za-z0-9_+]+' Makefile | sed 's/.*-l//' | sort -u)
: >"$TMP/lpaths"
for l in $libs; do
	p=$($CC -print-file-name="lib$l.so")
	[ "$p" = "lib$l.so" ] && p=$($CC -print-file-name="lib$l.a")
	printf '%s %s\n' "-l$l" "$p" >>"$TMP/lpaths"
done
pcs=$(sed -n 's/^PKGS[[:space:]]*=//p' Makefile)
for pc in $pcs; do
	printf '%s %s\n' "pkg-config:$pc" "$(pkg-config --variable=pcfiledir "$pc" 2>/dev/null)/$pc.pc" >>"$TMP/lpaths"
done

# The commands: where each is in the system's directories (what a package
# installs; not /usr/local, pyenv shims or the like, which a fresh machine lacks).
: >"$TMP/cpaths"
while read -r c pkg; do
	p=
	for d in /usr/bin /bin /usr/sbin /sbin; do [ -x "$d/$c" ] && [ ! -d "$d/$c" ] && { p=$d/$c; break; }; done
	printf '%s %s %s\n' "$c" "${p:-?}" "$pkg" >>"$TMP/cpaths"
done <"$TMP/cmds"

# The Python modules the tests import, where the system's python3 finds them
# (the tests run /usr/bin/python3).
: >"$TMP/mpaths"
for m in $(sed -n 's/^[[:space:]]*\(import\|from\)[[:space:]]\{1,\}\([A-Za-z_][A-Za-z0-9_]*\).*/\2/p' tests/*.py | sort -u); do
	p=$(/usr/bin/python3 -c "import $m, sys; print(getattr($m, '__file__', None) or sys.executable)" 2>/dev/null)
	printf '%s %s\n' "$m" "${p:-?}" >>"$TMP/mpaths"
done

owners $(cut -d' ' -f2 "$TMP/hpaths" "$TMP/lpaths" "$TMP/cpaths" "$TMP/mpaths" | grep -v '^?$') >"$TMP/owned"

while read -r h p; do
	if [ "$p" = "?" ]; then _result 1 "<$h>: not found by $CC or $CXX (make deps)"; else need "<$h>" "$p"; fi
done <"$TMP/hpaths"
while read -r what p; do
	need "$what" "$p"
done <"$TMP/lpaths"
while read -r c p pkg; do
	if [ "$p" = "?" ]; then _result 1 "command $c: not on PATH (make deps installs $pkg)"; else need "command $c" "$p" "$pkg"; fi
done <"$TMP/cpaths"
while read -r m p; do
	if [ "$p" = "?" ]; then _result 1 "python3 module $m: cannot be imported"; else need "python3 module $m" "$p"; fi
done <"$TMP/mpaths"

# The list names what the code runs: each word at the head of a command in
# the tests, the scripts, CI and the Makefile (not an assignment, not a shell
# function) that is a program of a package outside Debian's essential and
# required set must have its line. Exceptions, each for a reason:
#   man       the demo's closing text suggests `man -l`; nothing runs it
#   valgrind  `make valgrind`, a developer's target outside the README's two commands
code="tests/*.t tests/lib.sh scripts/demo scripts/bench scripts/gen-store scripts/journeys/*
	tests/fuzz/run tests/hostile/gen .ci/run Makefile"
cat $code | sed 's/^[[:space:]]*#.*//; s/[[:space:]]#[^"'"'"']*$//' |
	sed 's/\$(/\n/g; s/[|;&`(!@]/\n/g; s/\<\(then\|do\|else\|exec\|command -v\|timeout [0-9]*\|nice -n [0-9]*\)\>/\n/g' |
	sed -n 's/^[[:space:]]*-\{0,1\}\([A-Za-z][A-Za-z0-9_+.-]*\)\([[:space:]]*[=~]\)\{0,1\}.*/\1 \2/p' |
	awk 'NF == 1 { print $1 }' | sort -u >"$TMP/heads"
# shell functions, awk functions and the shell's own builtins are no programs
{ cat $code | sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\)[[:space:]]*()[[:space:]]*{.*/\1/p'
  cat $code | sed -n 's/.*\<function[[:space:]]\{1,\}\([A-Za-z_][A-Za-z0-9_]*\)[[:space:]]*(.*/\1/p'
} | sort -u >"$TMP/funcs"
: >"$TMP/hp"
for c in $(comm -23 "$TMP/heads" "$TMP/funcs"); do
	case $c in wa-*|mock-*|bench-*|fuzz-*|man|valgrind) continue ;; esac
	case $(command -V "$c" 2>/dev/null) in *builtin*) continue ;; esac
	for d in /usr/bin /bin /usr/sbin /sbin; do
		[ -x "$d/$c" ] && [ ! -d "$d/$c" ] && { echo "$c $d/$c" >>"$TMP/hp"; break; }
	done
done
owners $(cut -d' ' -f2 "$TMP/hp") >"$TMP/owned"
while read -r c p; do
	pk=$(awk -v p="$p" '$1 == p { print $2; exit }' "$TMP/owned")
	[ -n "$pk" ] || continue
	dpkg-query -W -f='${Essential} ${Priority}\n' "$pk" | grep -q '^yes\| required$' && continue
	awk -v c="$c" '$1 == c { f = 1 } END { exit !f }' "$TMP/cmds"
	_result $? "$c, run by the code, has its line ($pk)"
done <"$TMP/hp"
done_testing
