#!/bin/sh
# The EXAMPLES of every man page run, in order, in a folder holding a small store's exports.
. "$(dirname "$0")/lib.sh"

cd "$TMP" || exit 1
sh "$TOP/scripts/gen-store" -c 60 -o 240 -s 3 . >/dev/null
for page in "$TOP"/man/*.1; do
	# "$ cmd" lines of the literal blocks in EXAMPLES, continuation lines joined
	sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$page" |
		sed -n '/^\.Bd -literal/,/^\.Ed/p' | grep -v '^\.' |
		awk '/^\$ /{ if (c != "") print c; c = substr($0, 3); next }
		     { sub(/^ +/, " "); c = c $0 } END { if (c != "") print c }' \
		>"$TMP/examples"
	while IFS= read -r cmd; do
		touch -d "@$(($(date +%s) - 1))" "$TMP/.mark"
		sh -c "$cmd" >"$TMP/.out" 2>"$TMP/.err" </dev/null
		rc=$?
		# it ran, and it made something: output, or a file it wrote
		[ $rc -lt 2 ] && { [ -s "$TMP/.out" ] ||
			[ -n "$(find . -newer "$TMP/.mark" -type f -size +0 ! -name '.*')" ]; }
		r=$?
		[ $r -ne 0 ] && { echo "# exit $rc"; sed 's/^/# /' "$TMP/.err" | head -5; }
		_result $r "$(basename "$page"): $cmd"
	done <"$TMP/examples"
done
done_testing
