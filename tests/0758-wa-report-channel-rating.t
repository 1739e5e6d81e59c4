#!/bin/sh
# wa-report -b channel: the close-survey ratings per channel, by hand. The
# inbox's conversations are written as wa-hook, wa-send and wa-inbox write
# them (see 0615); each rating counts for the message that began its
# conversation, or came last before it within the window.
. "$(dirname "$0")/lib.sh"
plan 7
channel_world

cat >"$C" <<'X'
{"id":"1","phone":"+447700900101","email":"a@example.org"}
{"id":"2","phone":"+447700900102","email":"b@example.org"}
{"id":"3","phone":"+447700900103"}
{"id":"4","phone":"+447700900104","email":"d@example.org"}
{"id":"9","phone":"+447700900109"}
X
# spring by e-mail, 2026-10-01 10:00, to 1, 2 and 4; promo by WhatsApp at
# the same time to 3, delivered
spring_mail 1:a 2:b 4:d
printf '{"event":"sent","key":"promo/3","campaign":"promo","id":"3","to":"+447700900103","at":"2026-10-01T10:00:00Z","wamid":"wamid.P3"}\n' >>"$L"
printf '{"event":"status","wamid":"wamid.P3","status":"delivered","at":"2026-10-01T10:00:05Z"}\n' >>"$E"
msg() { # N AT TEXT [EXTRA]: customer N's message
	printf '{"event":"message","wamid":"wamid.M%s","from":"+44770090010%s","at":"2026-10-%sZ","type":"text","text":"%s"%s}\n' \
		"$1" "$1" "$2" "$3" "${4:-}" >>"$E"
}
# A conversation with each, closed with the survey, and its answer.
survey() { # N CLOSED-AT ANSWERED-AT SCORE
	printf '{"event":"attempt","key":"inbox-survey/x%s","to":"+44770090010%s","campaign":"inbox-survey","at":"2026-10-%sZ"}\n' "$1" "$1" "$2" >>"$L"
	printf '{"event":"sent","key":"inbox-survey/x%s","to":"+44770090010%s","campaign":"inbox-survey","at":"2026-10-%sZ","wamid":"wamid.S%s"}\n' "$1" "$1" "$2" "$1" >>"$L"
	printf '{"event":"closed","conv":"x%s","phone":"+44770090010%s","at":"2026-10-%sZ","agent":"ann","survey":"inbox-survey/x%s"}\n' "$1" "$1" "$2" "$1" >>"$WA_HOME/inbox.jsonl"
	printf '{"event":"message","wamid":"wamid.A%s","from":"+44770090010%s","at":"2026-10-%sZ","type":"button","text":"%s","payload":"SCORE:%s","context":"wamid.S%s"}\n' \
		"$1" "$1" "$3" "$4" "$4" "$1" >>"$E"
}
# 1 comes from the e-mail's button (its ref names spring): 4 for the e-mail
msg 1 01T11:00:00 'Hi [ref: email-spring]' ',"ref":"email-spring"'
survey 1 01T11:30:00 01T11:35:00 4
# 2 writes the next day, no ref: the e-mail came last, within the window: 2
msg 2 02T09:00:00 'where is my order'
survey 2 02T09:30:00 02T09:35:00 2
# 3 quotes the WhatsApp message: 5 for WhatsApp
msg 3 01T10:10:00 'this one' ',"context":"wamid.P3"'
survey 3 01T10:30:00 01T10:35:00 5
# 4 writes 8 days after the e-mail, past the window: its 1 counts nowhere
msg 4 09T12:00:00 'hello'
survey 4 09T12:30:00 09T12:35:00 1
# 9 got nothing from us before writing: its 1 counts nowhere
msg 9 01T12:00:00 'hi'
survey 9 01T12:30:00 01T12:35:00 1

rep() { wa-report --now 2026-11-01T00:00:00Z --since 2026-10-01 --customers "$C" -b channel "$@"; }
rep -o json >"$TMP/ch.json" 2>"$TMP/err"
check_same "exit 0, nothing said, a count of ratings in each row" "0::3" \
	"$?:$(cat "$TMP/err"):$(jq -r 'select(.ratings != null) | .group' "$TMP/ch.json" | wc -l | tr -d ' ')"
# By hand: e-mail (4 + 2) / 2 = 3 of 2; WhatsApp 5 of 1; all 11 / 3 = 3.67 of 3
check_same "the mean rating and the count of ratings, per channel" \
	"email 3 2|whatsapp 5 1|all 3.67 3" \
	"$(jq -r '"\(.group) \(.rating) \(.ratings)"' "$TMP/ch.json" | paste -sd'|' -)"
COLUMNS=140 rep -o table >"$TMP/ch.txt"
check_same "on a terminal: the rating last" "email 3|whatsapp 5|all 3.67" \
	"$(awk '$1 == "email" || $1 == "whatsapp" || $1 == "all" { print $1, $NF }' "$TMP/ch.txt" | paste -sd'|' -)"
rep -o csv >"$TMP/ch.csv"
check_same "-o csv: rating and ratings" "email 3.0000 2|whatsapp 5.0000 1|all 3.6700 3" \
	"$(/usr/bin/python3 -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[1])): print(r["group"], r["rating"], r["ratings"])' "$TMP/ch.csv" | paste -sd'|' -)"
# Without the inbox log there is no conversation: no rating, n/a.
mv "$WA_HOME/inbox.jsonl" "$TMP/inbox.jsonl"
rep -o json >"$TMP/none.json"
check_same "no inbox: rating null, 0 ratings" "email null 0|whatsapp null 0|all null 0" \
	"$(jq -r '"\(.group) \(.rating) \(.ratings)"' "$TMP/none.json" | paste -sd'|' -)"
COLUMNS=140 rep -o table >"$TMP/none.txt"
check_same "on a terminal: n/a where there is no rating" "email n/a|whatsapp n/a|all n/a" \
	"$(awk '$1 == "email" || $1 == "whatsapp" || $1 == "all" { print $1, $NF }' "$TMP/none.txt" | paste -sd'|' -)"
mv "$TMP/inbox.jsonl" "$WA_HOME/inbox.jsonl"
rep -o html >"$TMP/ch.html"
check_same "the page: the rating of each channel in the channels compared" "3 5 3.67" \
	"$(grep -o 'data-figure="rating">[^<]*' "$TMP/ch.html" | sed 's/.*>//' | paste -sd' ' -)"
