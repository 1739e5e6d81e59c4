#!/bin/sh
# wa-inbox route --notify: agents told of each assignment, a deadline 5 minutes away and a breach,
# once across runs, by a command, an e-mail over SMTP and a WhatsApp template to their own number;
# a route killed in the middle loses and doubles nothing.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never real secrets.
TOKEN=test-token-$$
WA_PHONE_NUMBER_ID=106540352242922
export WA_PHONE_NUMBER_ID
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
mkdir -p "$WA_HOME"
SP=$WA_HOME/events.jsonl

printf '%s\n' '{"name":"agent_alert","language":"en_US","body_params":1,"category":"utility"}' \
	'{"name":"consent_request","language":"en_US","body_params":0,"buttons":[{"type":"quick_reply"},{"type":"quick_reply"}]}' >"$TMP/tpl.jsonl"
WA_TOKEN=$TOKEN start_mock api -T "$TMP/tpl.jsonl" -o "$TMP/api.log" ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
WA_API_URL=http://127.0.0.1:$PORT/v21.0
export WA_API_URL

# A real SMTP server on 127.0.0.1 (aiosmtpd) with STARTTLS and AUTH; messages land in $TMP/smtp.
make_cert || { echo "Bail out! openssl could not make a certificate"; exit 1; }
SINK_AUTH=notify:smtp-pass-$$ start_smtp smtp --cert "$TMP/cert.pem" --key "$TMP/key.pem" --auth ||
	{ echo "Bail out! tests/smtp-sink.py did not start (python3-aiosmtpd)"; exit 1; }
printf 'smtp-pass-%s\n' $$ >"$TMP/smtp.pass"
WA_SMTP_URL=smtp://127.0.0.1:$SPORT WA_SMTP_USER=notify WA_SMTP_PASSWORD_FILE=$TMP/smtp.pass
WA_SMTP_FROM=inbox@shop.example WA_CA_FILE=$TMP/cert.pem
export WA_SMTP_URL WA_SMTP_USER WA_SMTP_PASSWORD_FILE WA_SMTP_FROM WA_CA_FILE
mails() { ls "$TMP/smtp" | grep -c '\.eml$'; }

# m PHONE WAMID TIME TEXT: a customer's message in wa-hook's spool
m() { printf '{"event":"message","wamid":"%s","from":"%s","at":"%s","type":"text","text":"%s","name":"%s"}\n' \
	"$2" "$1" "$3" "$4" "${5:-}" >>"$SP"; }
# The command appends the event it reads; on its line number $TMP/killat it kills route (kill -9).
cat >"$TMP/notify.sh" <<EOF2
#!/bin/sh
cat >>"$TMP/cmd.jsonl"
if [ -f "$TMP/killat" ] && [ "\$(wc -l <"$TMP/cmd.jsonl")" -eq "\$(cat "$TMP/killat")" ]; then
	while [ ! -s "$TMP/route.pid" ]; do sleep 0.05; done
	kill -9 "\$(cat "$TMP/route.pid")"
fi
EOF2
chmod +x "$TMP/notify.sh"
# route TIME: route with the three channels at TIME, its output in $TMP/out
route() {
	WA_TOKEN=$TOKEN wa-inbox --now "$1" route --notify "$TMP/notify.sh" \
		--notify-template agent_alert >"$TMP/out" 2>"$TMP/err"
}
# sent KIND: "AGENT CHANNEL" of each notification of KIND route printed
sent() { jq -r --arg k "$1" 'select(.event == "notified" and .kind == $k) | "\(.agent) \(.channel)"' "$TMP/out" | paste -sd' ' -; }
cmdn() { if [ -f "$TMP/cmd.jsonl" ]; then wc -l <"$TMP/cmd.jsonl" | tr -d ' '; else echo 0; fi; }
wan() { jq -r 'select(.template == "agent_alert") | .to' "$TMP/api.log" 2>/dev/null | wc -l | tr -d ' '; }

cat >"$WA_HOME/routes" <<'EOF2'
handoff: true
after-sale: true
EOF2
cat >"$WA_HOME/agents" <<'EOF2'
ann	dept=after-sale email=ann@shop.example phone=+447700900201
bo	dept=after-sale email=bo@shop.example phone=+447700900202
EOF2
cat >"$WA_HOME/customers.jsonl" <<'EOF2'
{"id":"101","first_name":"Ana","last_name":"Lima","phone":"+447700900101","tier":"gold"}
EOF2

TIER=gold	# a variable: tests/0004 would take a word after a parenthesis for a command
m +447700900101 wamid.P1 2026-11-23T10:00:00Z "where is my order?" Ana
route 2026-11-23T10:01:00Z
check_same "a new assignment: ann told by the command, by e-mail and by WhatsApp" \
	"ann cmd ann email ann whatsapp" "$(sent assigned)"
check_same "the command read the event as JSON on its stdin" \
	"assigned ann Ana Lima gold after-sale 2026-11-23T10:30:00Z where is my order?" \
	"$(jq -r '"\(.event) \(.agent) \(.name) \(.tier) \(.dept) \(.sla_due) \(.last)"' "$TMP/cmd.jsonl")"
check_same "the WhatsApp template to ann's own number, its one parameter the summary, keyed by the event" \
	"+447700900201 agent_alert assigned: Ana Lima ($TIER), $(jq -r .conv "$TMP/cmd.jsonl") after-sale, due 2026-11-23T10:30:00Z inbox-notify/assigned/$(jq -r .conv "$TMP/cmd.jsonl")/ann/1795428060" \
	"$(jq -r '"\(.to) \(.template) \(.params[0]) \(.key)"' "$TMP/api.log")"
M=$TMP/smtp/000001.eml
check_same "the e-mail, read back from the SMTP server: to ann, the summary as its subject" \
	"inbox@shop.example ann@shop.example|To: ann@shop.example|Subject: assigned: Ana Lima ($TIER), $(jq -r .conv "$TMP/cmd.jsonl") after-sale, due 2026-11-23T10:30:00Z" \
	"$(jq -r 'select(.event == "delivered") | "\(.sender) \(.to[0])"' "$TMP/smtp/log.jsonl")|$(grep '^To:' "$M" | tr -d '\r')|$(grep '^Subject:' "$M" | tr -d '\r')"
check_same "its plain-text body: the customer card and the last messages; no token, no password" \
	"1 1 1 1 0 0" \
	"$(grep -c '^Content-Type: text/plain; charset=utf-8' "$M") $(grep -c '^customer: Ana Lima, +447700900101, id 101' "$M") $(grep -c '^tier: gold' "$M") $(grep -c '^2026-11-23T10:00:00Z < where is my order?' "$M") $(grep -c "$TOKEN" "$M") $(grep -c "smtp-pass" "$M")"
route 2026-11-23T10:02:00Z
check_same "route again: nothing told twice" "0 1 1 1" "$(lines "$TMP/out") $(cmdn) $(mails) $(wan)"
route 2026-11-23T10:24:00Z
check_same "10:24: the deadline is 6 minutes away: nothing yet" "0" "$(lines "$TMP/out")"
route 2026-11-23T10:26:00Z
check_same "10:26: 5 minutes away or less: sla_soon, once" "ann cmd ann email ann whatsapp|0" \
	"$(sent sla_soon)|$(route 2026-11-23T10:27:00Z; lines "$TMP/out")"
route 2026-11-23T10:31:00Z
check_same "10:31: breached, once" "ann cmd ann email ann whatsapp|0" \
	"$(sent breached)|$(route 2026-11-23T10:40:00Z; lines "$TMP/out")"
check_same "notified.jsonl: each send's attempt before, its outcome after" "9 9 3 3 3" \
	"$(grep -c '"attempt"' "$WA_HOME/notified.jsonl") $(grep -c '"sent"' "$WA_HOME/notified.jsonl") $(cmdn) $(mails) $(wan)"

# Five customers write; route assigns them and tells the agents: 15 sends. The command kills route
# (kill -9) on the third event, after reading it and before route records its outcome.
for i in 2 3 4 5 6; do m +44770090010$i wamid.Q$i 2026-11-23T11:0$i:00Z "order $i?"; done
echo 6 >"$TMP/killat"
# (the shell's own "Killed" goes to /dev/null; route's stderr to $TMP/err)
{ sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$TMP/route.pid" env WA_TOKEN=$TOKEN \
	wa-inbox --now 2026-11-23T11:10:00Z route --notify "$TMP/notify.sh" \
	--notify-template agent_alert >"$TMP/out" 2>"$TMP/err"; } 2>/dev/null
check_same "route killed mid-run (kill -9): 3 of the 5 events told by the command, 2 by e-mail and WhatsApp" \
	"137 6 5 5" "$? $(cmdn) $(mails) $(wan)"
rm "$TMP/killat"
route 2026-11-23T11:11:00Z
check_same "the rerun tells the rest: each event once on each channel, none lost, none doubled" \
	"8 8 8 8 6 6" "$(cmdn) $(mails) $(cat "$TMP"/smtp/*.eml | grep '^Message-ID:' | sort -u | wc -l | tr -d ' ') $(wan) $(jq -r 'select(.event == "assigned") | .conv' "$TMP/cmd.jsonl" | sort -u | wc -l | tr -d ' ') $(jq -r 'select(.template == "agent_alert") | .params[0]' "$TMP/api.log" | sort -u | grep -c '^assigned:')"
check_same "the send the kill cut is said, recorded unknown, not repeated" "1 1" \
	"$(grep -c 'a run died while notifying: it may have gone; not sent again' "$TMP/err") $(grep -c '"unknown"' "$WA_HOME/notified.jsonl")"
check_same "the assignments by load: bo first (ann has Ana's), then in turn" "bo ann bo ann bo" \
	"$(jq -r 'select(.event == "assigned" and .by == "route") | .agent' "$WA_HOME/inbox.jsonl" | tail -5 | paste -sd' ' -)"

# The consent question: YES/NO quick replies whose payloads wa-hook logs, once a person.
WA_AGENT=ann WA_TOKEN=$TOKEN wa-inbox --now 2026-11-23T11:20:00Z ask-consent 101 >"$TMP/ac1"
check_same "ask-consent by customer id: the template with CONSENT_YES and CONSENT_NO, once a person" \
	"0 sent +447700900101 consent_request CONSENT_YES,CONSENT_NO inbox-consent/p" \
	"$? $(jq -r .event "$TMP/ac1") $(tail -1 "$TMP/api.log" | jq -r '"\(.to) \(.template) \(.buttons | join(",")) \(.key)"' | sed 's,/p[0-9a-f]*$,/p,')"
N=$(lines "$TMP/api.log")
WA_AGENT=bo WA_TOKEN=$TOKEN wa-inbox --now 2026-11-23T11:21:00Z ask-consent +447700900101 >"$TMP/ac2"
check_same "asked again (another agent, by phone): skipped already_sent, exit 1, nothing sent" \
	"1 skipped already_sent $N" "$? $(jq -r '"\(.event) \(.reason)"' "$TMP/ac2") $(lines "$TMP/api.log")"
printf '{"type":"opt_in","phone":"+447700900103","at":"2026-11-01T00:00:00Z","source":"whatsapp:start-word","evidence":"wamid.X"}\n' \
	>"$WA_HOME/consent.jsonl"
for p in +447700900102 +447700900103 +447700900104; do
	WA_AGENT=ann wa-inbox --now 2026-11-23T11:30:00Z close $p >/dev/null
done
m +447700900104 wamid.Q4b 2026-11-23T11:35:00Z "one more thing"
WA_TOKEN=$TOKEN wa-inbox --now 2026-11-23T11:40:00Z route --ask-consent consent_request >"$TMP/ac3"
check_same "route --ask-consent: after a closed conversation, only who has no consent event and nothing open" \
	"sent +447700900102|+447700900102 consent_request" \
	"$(jq -r 'select(.campaign == "inbox-consent") | "\(.event) \(.to)"' "$TMP/ac3")|$(tail -1 "$TMP/api.log" | jq -r '"\(.to) \(.template)"')"
WA_TOKEN=$TOKEN wa-inbox --now 2026-11-23T11:41:00Z route --ask-consent consent_request >"$TMP/ac4"
check_same "route --ask-consent again: nothing sent, nothing said" "0 $((N + 1))" \
	"$(jq -c 'select(.campaign == "inbox-consent")' "$TMP/ac4" | wc -l | tr -d ' ') $(lines "$TMP/api.log")"
WA_AGENT=ann wa-inbox --now 2026-11-23T12:00:00Z close +447700900106 >/dev/null
WA_TOKEN=$TOKEN wa-inbox --now 2026-11-24T12:01:00Z route --ask-consent consent_request >"$TMP/ac5"
check_same "more than a day after the close nobody is asked" "0 $((N + 1))" \
	"$(jq -c 'select(.campaign == "inbox-consent")' "$TMP/ac5" | wc -l | tr -d ' ') $(lines "$TMP/api.log")"
# Mail that did not go: a 451 is tried again at the next run; a message the server took and the
# connection lost before its answer may have gone, so it is said and never sent again.
start_smtp faults --rcpt-4xx '^cy@' --soft-times 1 --drop '^fay@' ||
	{ echo "Bail out! tests/smtp-sink.py did not start"; exit 1; }
printf 'cy dept=after-sale email=cy@shop.example\nfay dept=after-sale email=fay@shop.example\n' >"$WA_HOME/agents"
m +447700900108 wamid.F1 2026-11-24T13:00:00Z "order 8?"
m +447700900109 wamid.F2 2026-11-24T13:01:00Z "order 9?"
# fr TIME: route with e-mail only, to the faulty server
fr() { env -u WA_SMTP_USER -u WA_SMTP_PASSWORD_FILE WA_SMTP_URL=smtp://127.0.0.1:$SPORT WA_SMTP_STARTTLS=try wa-inbox --now "$1" route >"$TMP/out" 2>"$TMP/err"; }
fr 2026-11-24T13:05:00Z
check_same "451 for cy: retry; the connection lost after fay's data: unknown; exit 1" \
	"1 cy email retry|fay email unknown" \
	"$? $(jq -r 'select(.event == "notified") | "\(.agent) \(.channel) \(.outcome)"' "$TMP/out" | paste -sd'|' -)"
fr 2026-11-24T13:06:00Z
check_same "the next run: cy's mail goes; fay's is not sent again" \
	"0 cy email sent|1 0" \
	"$? $(jq -r 'select(.event == "notified") | "\(.agent) \(.channel) \(.outcome)"' "$TMP/out" | paste -sd'|' -)|$(jq -r 'select(.event == "delivered") | .to[0]' "$TMP/faults/log.jsonl" | grep -c '^cy@') $(jq -r 'select(.event == "delivered") | .to[0]' "$TMP/faults/log.jsonl" | grep -c '^fay@')"
done_testing
