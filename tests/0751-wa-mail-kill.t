#!/bin/sh
# wa-mail killed with SIGKILL at 20 random points of a 500-mail run, run again each time, then to the
# end: no address gets a message twice, and every one is sent, unknown or bounced.
. "$(dirname "$0")/lib.sh"

mail_world 0751
# one address in 25 bounces, one in 50 loses its connection after the data; the server
# answers each message 10 ms after it kept it, so that most kills land in that gap: a
# message kept by the server whose attempt was not in the ledger would go twice
start_smtp sink --cert "$TMP/cert.pem" --key "$TMP/key.pem" --rcpt-5xx '^c[0-9]*(00|25|50|75)@' \
	--drop '^c[0-9]*(13|63)@' --ack-delay 0.01 || { echo "Bail out! tests/smtp-sink.py did not start"; exit 1; }
WA_SMTP_URL=smtp://127.0.0.1:$SPORT
export WA_SMTP_URL
awk 'BEGIN { for (i = 1; i <= 500; i++)
	printf "{\"id\":\"%d\",\"email\":\"C%03d@Example.org\",\"email_opt_in\":true,\"discount_code\":\"K%d\"}\n", i, i, i }' >"$TMP/c.jsonl"
T=$FIX/mail/cart.eml
SEED=${SEED:-$$}
echo "# SEED=$SEED"

kills=0
for i in $(seq 1 20); do
	ms=$(awk -v s="$SEED" -v i="$i" 'BEGIN { srand(s + i); print int(20 + rand() * 300) }')
	wa-mail -c kill -T "$T" --rate 100000 "$TMP/c.jsonl" >"$TMP/run$i.out" 2>"$TMP/run$i.err" &
	p=$!
	sleep "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
	kill -9 $p 2>/dev/null && kills=$((kills + 1))
	wait $p 2>/dev/null
done
wa-mail -c kill -T "$T" --rate 100000 "$TMP/c.jsonl" >"$TMP/last.out" 2>"$TMP/last.err"
echo "# $kills runs killed; the last run: $(tail -1 "$TMP/last.err")"
check "most runs were killed mid-way" test "$kills" -ge 15

# What the server received, by recipient: delivered or dropped after the data.
jq -r 'select(.event == "delivered" or .event == "dropped") | .to[0]' "$TMP/sink/log.jsonl" | sort >"$TMP/got"
check_same "0 duplicates: no address received two messages" "" "$(uniq -d "$TMP/got")"
jq -r 'select(.event == "rcpt_5xx") | .to' "$TMP/sink/log.jsonl" | sort -u >"$TMP/bounced"
# An address neither received nor bounced was attempted, then killed before it left: unknown.
jq -r '.email | ascii_downcase' "$TMP/c.jsonl" | sort >"$TMP/all"
sort -u "$TMP/got" "$TMP/bounced" | comm -23 "$TMP/all" - >"$TMP/neither"
jq -r 'select(.event == "unknown") | .to' "$TMP/last.out" | sort >"$TMP/unknown"
echo "# $(sort -u "$TMP/got" | wc -l | tr -d ' ') received, $(lines "$TMP/bounced") bounced, $(lines "$TMP/neither") unknown and never received"
check_same "every address neither received nor bounced is unknown" "" \
	"$(comm -23 "$TMP/neither" "$TMP/unknown")"
# A kill between a 5xx address's attempt and its RCPT leaves it unknown, never tried again.
jq -r '.email | ascii_downcase | select(test("^c[0-9]*(00|25|50|75)@"))' "$TMP/c.jsonl" | sort >"$TMP/fivexx"
check_same "the 20 addresses of 5xx bounced or were left unknown, none received anything" "20  " \
	"$(sort -u "$TMP/bounced" "$TMP/unknown" | comm -12 - "$TMP/fivexx" | wc -l | tr -d ' ') $(comm -23 "$TMP/bounced" "$TMP/fivexx") $(sort -u "$TMP/got" | comm -12 - "$TMP/fivexx")"
# The last run's verdict on each record.
jq -r '.id + " " + .event + " " + (.reason // .error.class // "")' "$TMP/last.out" >"$TMP/verdicts"
check_same "the last run: every record sent, unknown or bounced (or so from before)" "" \
	"$(grep -v -E ' (sent |skipped already_sent|unknown (unknown|attempted_before)|failed bounce|skipped suppressed)$' "$TMP/verdicts")"
check_same "  one line per record" "500" "$(lines "$TMP/verdicts")"
# A bounce whose run was killed before the reply was kept is unknown, as any attempt without outcome.
sed -n 's/ # bounce kill: 550.*//p' "$WA_HOME/suppress-email.txt" | sort >"$TMP/suppressed"
echo "# $(lines "$TMP/suppressed") bounces suppressed"
check_same "each bounce is suppressed, or unknown (killed before its reply was kept)" "" \
	"$(comm -23 "$TMP/bounced" "$TMP/suppressed" | comm -23 - "$TMP/unknown")"
# Every message that left had its attempt synced first.
jq -r 'select(.event == "attempt") | .email' "$WA_HOME/ledger.jsonl" | sort -u >"$TMP/attempted"
check_same "no message left without its attempt in the ledger" "" \
	"$(sort -u "$TMP/got" | comm -23 - "$TMP/attempted")"
# A key the ledger says sent was received exactly once.
jq -r 'select(.event == "sent") | .email' "$WA_HOME/ledger.jsonl" | sort -u >"$TMP/sentl"
check_same "each key the ledger has sent was received" "" "$(comm -23 "$TMP/sentl" "$TMP/got")"
wa-mail -c kill -T "$T" --rate 100000 "$TMP/c.jsonl" >"$TMP/again.out" 2>/dev/null
check_same "one more run sends nothing" "0 $(lines "$TMP/got")" \
	"$(jq -c 'select(.event == "sent")' "$TMP/again.out" | wc -l | tr -d ' ') $(jq -c 'select(.event == "delivered" or .event == "dropped")' "$TMP/sink/log.jsonl" | wc -l | tr -d ' ')"
done_testing
