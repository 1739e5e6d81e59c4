#!/bin/sh
# make install and uninstall honour DESTDIR and PREFIX, and what they install runs.
. "$(dirname "$0")/lib.sh"

d=$TMP/dest
make -s -C "$TOP" install DESTDIR="$d" PREFIX=/opt/wa >/dev/null 2>"$TMP/err"
check_same "make install succeeds" "" "$(cat "$TMP/err")"
check "the installed wa-import runs" sh -c "'$d/opt/wa/bin/wa-import' --version | grep -q '^wa-import '"
check "the man pages are installed" test -f "$d/opt/wa/share/man/man1/wa-import.1" -a -f "$d/opt/wa/share/man/man7/wa.7"
make -s -C "$TOP" uninstall DESTDIR="$d" PREFIX=/opt/wa >/dev/null 2>&1
check_same "make uninstall removes every file" "" "$(find "$d" -type f)"
done_testing
