#!/bin/sh
# wa-import on a terminal and under cron: warnings summed up by kind, each one
# with -v or in --warnings FILE, and the progress line on a terminal (stderr on
# a pty through pty-stderr.py), never left on the screen.
. "$(dirname "$0")/lib.sh"

PTY="python3 $TOP/tests/pty-stderr.py"

# 1,000 customers, each with a phone that is no number; consent 'maybe' on
# two of them, a birthday that is no date on one
F=$TMP/odd.csv
awk 'BEGIN {
	print "Customer ID,Email,Phone,Accepts SMS Marketing,Birthday (customer.metafields.facts.birth_date)"
	for (i = 1; i <= 1000; i++)
		printf "%d,c%d@example.com,%d,%s,%s\n", i, i, 2000 + i,
		    i == 4 || i == 6 ? "maybe" : "yes", i == 8 ? "soon" : ""
}' >"$F"

wa-import "$F" >"$TMP/out" 2>"$TMP/err"
check_same "every customer comes in, exit 0" "0 1000" "$? $(wc -l <"$TMP/out" | tr -d ' ')"
check_file "one line per kind, in the order first seen, with a count and three examples; one alone said in full" \
	"$TMP/err" <<EOF
wa-import: 1,000 phones kept as phone_raw (not a phone number), e.g. $F:2 '2001', $F:3 '2002', $F:4 '2003'
wa-import: 2 consent cells taken as no (not yes or no), e.g. $F:5 'maybe', $F:7 'maybe'
wa-import: $F:9: birthday 'soon' is not a date (or needs --date-order); left out
EOF
check "under cron (no terminal) no progress line: no carriage return" \
	sh -c "! grep -q \"\$(printf '\r')\" '$TMP/err'"

wa-import -v "$F" >/dev/null 2>"$TMP/verr"
check_same "-v: every warning at once, then the summary" \
	"1003 $(sed -n 1p "$TMP/err")" \
	"$(grep -c '\.csv:[0-9]*: ' "$TMP/verr") $(grep ', e.g.' "$TMP/verr" | head -1)"
check_same "-v: the warning of line 2 as it happens" \
	"wa-import: $F:2: phone '2001' kept as phone_raw" \
	"$(head -1 "$TMP/verr" | sed 's/: [^:]*$//')"
check_same "-v: a kind seen once is counted too, and the row counts close" \
	"wa-import: 1 birthdays left out (not a date), e.g. $F:9 'soon'|wa-import: 1000 rows: 1000 records out, 0 merged, 0 rejected" \
	"$(tail -2 "$TMP/verr" | tr '\n' '|' | sed 's/|$//')"

W=$TMP/warn.jsonl
wa-import --warnings "$W" "$F" >/dev/null 2>"$TMP/werr"
check_same "--warnings: every warning a JSON line, and the summary still said" \
	"1003 $(cat "$TMP/err" | wc -l | tr -d ' ')" \
	"$(wc -l <"$W" | tr -d ' ') $(wc -l <"$TMP/werr" | tr -d ' ')"
check_same "--warnings: file, line, kind, value and message" \
	"{\"file\":\"$F\",\"line\":2,\"kind\":\"phone_raw\",\"value\":\"2001\",\"message\":\"phone '2001' kept as phone_raw\"}" \
	"$(head -1 "$W" | jq -c '.message |= sub(": [^:]*$"; "")')"
check_same "--warnings: each kind by its name" "birthday:1 consent:2 phone_raw:1000" \
	"$(jq -r .kind "$W" | sort | uniq -c | sort -n | awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1 }')"
wa-import --warnings "$W" "$F" >/dev/null 2>&1
check_same "--warnings: a second run appends; the file is for our eyes only" \
	"2006 -rw-------" "$(wc -l <"$W" | tr -d ' ') $(ls -l "$W" | cut -c1-10)"
check_status "--warnings: a file that cannot be written is fatal" 3 \
	wa-import --warnings "$TMP/no/such/dir/w.jsonl" "$F"

# every row rejected: each one keeps its line (the house rule) and its place
# in the rejects file
awk 'BEGIN { print "First Name,Email"; for (i = 1; i <= 25; i++) printf "n%d,\n", i }' >"$TMP/rej.csv"
wa-import --rejects "$TMP/rejects.csv" "$TMP/rej.csv" >/dev/null 2>"$TMP/rerr"
check_same "every row rejected: exit 1, a line each on stderr, all in the rejects file" \
	"1 25 26" \
	"$? $(grep -c 'no customer id, e-mail or usable phone' "$TMP/rerr") $(wc -l <"$TMP/rejects.csv" | tr -d ' ')"

# On a terminal. WA_PROGRESS_DELAY=0 draws the line from the first row.
WA_PROGRESS_DELAY=0 $PTY "$TMP/raw" "$TMP/screen" wa-import "$F" >"$TMP/out"
check_same "terminal: the same records, exit 0" "0 1000" "$? $(wc -l <"$TMP/out" | tr -d ' ')"
check "terminal: a progress line of rows and the share of the file read" \
	grep -Eq "$(printf '\r')wa-import: [0-9,]+ rows, [0-9]+%" "$TMP/raw"
check_file "terminal: the line is rubbed out: the screen shows the summary alone" \
	"$TMP/screen" <"$TMP/err"

# From a pipe, no share of the bytes. A pause once the first line is drawn
# (wa-import has begun) makes the run long enough for a rate; no time is measured.
: >"$TMP/raw"
(head -n 101 "$F"
	i=0
	until grep -q ' rows' "$TMP/raw" || [ $i -gt 600 ]; do sleep 0.1; i=$((i + 1)); done
	sleep 1.1
	tail -n +102 "$F") |
	WA_PROGRESS_DELAY=0 $PTY "$TMP/raw" "$TMP/screen" wa-import >/dev/null
check "terminal, from a pipe: rows and rows a second" \
	grep -Eq "$(printf '\r')wa-import: [0-9,]+ rows, [0-9,]+ rows/s" "$TMP/raw"
check "terminal, from a pipe: no share of an unknown size" sh -c "! grep -q '%' '$TMP/raw'"
check_same "terminal, from a pipe: the screen shows the summary alone" \
	"$(sed "s|$F|-|g" "$TMP/err")" "$(cat "$TMP/screen")"

# drawn: the run drew a progress line
drawn() { grep -Eq "$(printf '\r')wa-import: [0-9,]+ rows" "$TMP/raw"; }
WA_PROGRESS_DELAY=0 $PTY "$TMP/raw" "$TMP/screen" wa-import -v "$F" >/dev/null
check "terminal, -v: a progress line is drawn" drawn
check_file "terminal, -v: each warning rubs the progress line out first" \
	"$TMP/screen" <"$TMP/verr"
WA_PROGRESS_DELAY=0 $PTY "$TMP/raw" "$TMP/screen" wa-import "$TMP/rej.csv" >/dev/null
check "terminal, all rejected: a progress line is drawn" drawn
check_file "terminal: so does each reject" "$TMP/screen" <"$TMP/rerr"

head -n 11 "$F" >"$TMP/short.csv"
$PTY "$TMP/raw" "$TMP/screen" wa-import "$TMP/short.csv" >/dev/null
check "terminal: a short run draws no progress line" sh -c "! grep -q ' rows' '$TMP/raw'"
check_same "terminal: nor with stdout on the terminal too (the records would cut through it)" "" \
	"$(WA_PROGRESS_DELAY=0 script -qc "wa-import '$F'" /dev/null | grep ' rows' | tr -d '\r')"

done_testing
