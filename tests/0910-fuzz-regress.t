#!/bin/sh
# The fuzz corpora in the normal suite: every fuzz target, built without
# libFuzzer (bin/fuzz-*), runs over its seeds and over the inputs that
# once broke it (tests/fuzz/regress/NAME/), and must get through each.
. "$(dirname "$0")/lib.sh"

F=$TOP/tests/fuzz
for src in "$F"/fuzz-*.c; do
	t=$(basename "$src" .c)
	t=${t#fuzz-}
	if [ ! -x "$TOP/bin/fuzz-$t" ]; then
		_result 1 "bin/fuzz-$t is built (make build-tests)"
		continue
	fi
	for kind in seeds regress; do
		[ -d "$F/$kind/$t" ] || continue
		ls "$F/$kind/$t" >"$TMP/want"
		(cd "$F/$kind/$t" && timeout 60 "$TOP/bin/fuzz-$t" *) \
			>"$TMP/got" 2>"$TMP/err"
		rc=$?
		[ $rc -eq 0 ] && cmp -s "$TMP/want" "$TMP/got"
		r=$?
		[ $r -ne 0 ] && { echo "# exit $rc after: $(tail -1 "$TMP/got")"; grep -v "^fuzz-$t: " "$TMP/err" | tail -5 | sed 's/^/# /'; }
		_result $r "fuzz-$t: $(wc -l <"$TMP/want" | tr -d ' ') $kind inputs replayed, exit $rc"
	done
done
done_testing
