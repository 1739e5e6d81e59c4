#!/bin/sh
# wa-report --insights: the themes of 13 messages in four languages, by hand.
. "$(dirname "$0")/lib.sh"

NOW=2026-11-01T00:00:00Z
mkdir -p "$WA_HOME"
L=$WA_HOME/ledger.jsonl
E=$WA_HOME/events.jsonl
# msg N TEXT: customer N writes at 10-01 N:00, from a number of their own
msg() { printf '{"event":"message","wamid":"wamid.q%s","from":"+4477009002%02d","at":"2026-10-01T%02d:00:00Z","type":"text","text":"%s"}\n' "$1" "$1" "$1" "$2" >>"$E"; }
msg 1 'When will my order arrive?'
msg 2 'Hi, where is my order? It has not arrived'
msg 3 'Do you ship to Canada? What is the delivery time'
msg 4 'delivery time to Brazil?'
msg 5 '¿Cuánto tarda el envío a México?'
msg 6 'Hola, ¿el envío es gratis?'
msg 7 'Envío gratis a México? [ref: ig-bio]'
msg 8 'Olá! Qual o prazo de entrega para São Paulo?'
msg 9 'Qual o prazo de entrega?'
msg 10 'Vocês entregam em São Paulo?'
msg 11 '请问什么时候发货？'
msg 12 '什么时候发货'
msg 13 '发货了吗'
printf '%s\n' '{"event":"message","wamid":"wamid.b","from":"+447700900201","at":"2026-10-01T01:30:00Z","type":"button","text":"order arrive","payload":"X"}' >>"$E"
# Answers: wa-send --reply (key CAMPAIGN/<its wamid>) to 5 after 10 s and to
# 11 after 30 s; a person (care) to 7 after 600 s and to 8 after 3600 s; a
# message to 9 four days later is no answer (the 72-hour reply window).
sent() { printf '{"event":"sent","id":"%s","to":"+4477009002%02d","campaign":"%s","at":"%s","key":"%s/%s","wamid":"wamid.o%s"}\n' "$3" "$2" "$1" "$4" "$1" "$3" "$2" >>"$L"; }
sent reply-faq 5 wamid.q5 2026-10-01T05:00:10Z
sent reply-faq 11 wamid.q11 2026-10-01T11:00:30Z
sent care 7 c7 2026-10-01T07:10:00Z
sent care 8 c8 2026-10-01T09:00:00Z
sent care 9 c9 2026-10-05T09:00:00Z

# Words folded (case, accents: envio, mexico, sao), stop words out, phrases
# of 2-3 words neither starting nor ending with one, Chinese as character
# pairs; in how many messages, two at least; a phrase always seen inside a
# longer one as often gives way to it:
#   3: envio (5 6 7), 发货 (11 12 13)
#   2: prazo de entrega (8 9; prazo, entrega give way), delivery time (3 4),
#      sao paulo (8 10), gratis (6 7), mexico (5 7), order (1 2),
#      么时 什么 候发 时候 (11 12), by bytes: U+4E48 < U+4EC0 < U+5019 < U+65F6
# Answers: envio 5 auto (10 s), 6 none, 7 person (600 s): median of
# [10 600] is 10 (nearest rank); 发货 11 auto (30 s); prazo de entrega 8
# person (3600 s), 9 none; all 13 text messages: 2 auto, 2 person, 9 none,
# median of [10 30 600 3600] is 30. The button reply is no question.
wa-report --now $NOW --insights -o json >"$TMP/in.json" 2>"$TMP/err"
check_same "--insights: exit 0, nothing on stderr" "0:" "$?:$(cat "$TMP/err")"
check_same "--insights: themes, answered by auto-reply, person, none, median" \
	"envio 3 1 1 1 10
发货 3 1 0 2 30
prazo de entrega 2 0 1 1 3600
delivery time 2 0 0 2 null
sao paulo 2 0 1 1 3600
gratis 2 0 1 1 600
mexico 2 1 1 0 10
order 2 0 0 2 null
么时 2 1 0 1 30
什么 2 1 0 1 30
候发 2 1 0 1 30
时候 2 1 0 1 30
all 13 2 2 9 30" \
	"$(jq -r '"\(.theme) \(.messages) \(.auto_reply) \(.person) \(.unanswered) \(.median_response_s)"' "$TMP/in.json")"
# --since 2026-10-01T08:00: messages 8 to 13 only: 发货 3, prazo de entrega 2,
# sao paulo 2 and the Chinese pairs; nothing else twice.
check_same "--insights --since: the period's messages" \
	"发货,prazo de entrega,sao paulo,么时,什么,候发,时候,all" \
	"$(wa-report --now $NOW --insights --since 2026-10-01T08:00:00Z -o json | jq -r .theme | paste -sd, -)"
check "--insights -o table: durations for people" sh -c \
	"wa-report --now $NOW --insights -o table | grep -q '^prazo de entrega  *2  *0  *1  *1  *1h00m\$'"
check_same "--insights -o csv: the header" "theme,messages,auto_reply,person,unanswered,median_response_s" \
	"$(wa-report --now $NOW --insights -o csv | head -1)"
done_testing
