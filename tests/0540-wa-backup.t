#!/bin/sh
# wa-backup: a backup taken while wa-hook acknowledges webhooks and wa-send sends to the
# mock, restored into a fresh WA_HOME, holds everything acknowledged before it began;
# the restore refuses a WA_HOME that is not empty without --force, and leaves out what
# is not a state file.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never real secrets.
WA_APP_SECRET=app-secret-$$
WA_VERIFY_TOKEN=verify-$$
WA_TOKEN=test-token-$$
WA_PHONE_NUMBER_ID=106540352242922
export WA_APP_SECRET WA_VERIFY_TOKEN WA_TOKEN WA_PHONE_NUMBER_ID
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
mkdir -p "$WA_HOME/events" "$TMP/r1" "$TMP/r2"
H=$WA_HOME

hmac() { openssl dgst -sha256 -hmac "$WA_APP_SECRET" -r <"$1" | cut -d' ' -f1; }
post() {
	curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
		-H "X-Hub-Signature-256: sha256=$(hmac "$1")" \
		--data-binary @"$1" "http://127.0.0.1:$HPORT/webhook"
}
msg() {
	printf '{"object":"whatsapp_business_account","entry":[{"id":"880480571844883","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Bea"},"wa_id":"447700900%03d"}],"messages":[{"from":"447700900%03d","id":"wamid.IN%d","timestamp":"1796000000","type":"text","text":{"body":"hello %d"}}]}}]}]}' \
		$(($1 % 1000)) $(($1 % 1000)) "$1" "$1" >"$TMP/m.json"
}
# wamids of the spool FILE, sorted
wamids() { jq -r 'select(.event == "message") | .wamid' "$1" | sort; }

# State as a store has it: customers (rewritten whole by wa-import), a config, a
# rolled segment, and files that are not state (left out).
printf '{"id":"c%d","phone":"+44770090%04d","opt_in":true}\n' 1 1001 2 1002 >"$H/customers.jsonl"
printf 'WA_RATE=10\n' >"$H/config"
printf '{"event":"message","wamid":"wamid.OLD","from":"+447700900999","at":"2026-10-01T10:00:00Z"}\n' >"$H/events/2026-10.jsonl"
printf 'not state\n' >"$H/notes.txt"

start_mock m -o "$TMP/mock.log" ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
export WA_API_URL=http://127.0.0.1:$PORT/v21.0
start_hook h ||
	{ echo "Bail out! bin/wa-hook did not start"; exit 1; }

# The load: webhooks one after another, each noted once acknowledged; wa-send sending
# 600 messages, paced, as the backup is taken.
(i=0; while [ $i -lt 400 ] && [ ! -e "$TMP/stop" ]; do
	msg $i
	[ "$(post "$TMP/m.json")" = 200 ] && echo "wamid.IN$i" >>"$TMP/acked"
	i=$((i + 1))
done) &
HOOKLOAD=$!
awk 'BEGIN { for (i = 0; i < 600; i++) printf "{\"id\":\"s%d\",\"phone\":\"+4477009%05d\",\"opt_in\":true}\n", i, 20000 + i }' >"$TMP/recs.jsonl"
wa-send -q -c load -t hello --no-check --rate 200 "$TMP/recs.jsonl" >"$TMP/send.out" 2>"$TMP/send.err" &
SENDLOAD=$!
i=0
until [ "$(cat "$TMP/acked" 2>/dev/null | wc -l)" -ge 40 ] && [ -s "$H/ledger.jsonl" ]; do
	sleep 0.1; i=$((i + 1)); [ $i -lt 300 ] || break
done

# What was acknowledged before the backup began: webhooks answered 200, and the
# ledger's complete entries (wa-send acts on an entry only once it is synced).
sort "$TMP/acked" >"$TMP/acked.before"
sed '$!b; /[^}]$/d' "$H/ledger.jsonl" >"$TMP/ledger.before"
check_status "a backup while both run" 0 wa-backup "$TMP/b.tar.zst"
check_status "and another, gzip'd" 0 wa-backup "$TMP/b.tar.gz"
touch "$TMP/stop"
wait $SENDLOAD $HOOKLOAD
check_same "the load went on after it" "yes" \
	"$([ "$(lines "$TMP/acked")" -gt "$(lines "$TMP/acked.before")" ] && echo yes)"

check_status "restored into a fresh WA_HOME" 0 env WA_HOME="$TMP/r1" wa-backup --restore "$TMP/b.tar.zst"
R=$TMP/r1
check_same "every webhook acknowledged before the backup is in the restored spool" "" \
	"$(wamids "$R/events.jsonl" | comm -13 - "$TMP/acked.before" | head -3)"
check_same "and each once" "" "$(wamids "$R/events.jsonl" | uniq -d | head -3)"
check_same "every ledger entry before it is in the restored ledger, in order" "yes" \
	"$(head -c "$(wc -c <"$TMP/ledger.before")" "$R/ledger.jsonl" | cmp -s - "$TMP/ledger.before" && echo yes)"
check_same "the restored files end with whole lines" "" \
	"$(for f in "$R/events.jsonl" "$R/ledger.jsonl"; do tail -c 1 "$f" | tr -d '\n'; done)"
check_same "the restored ledger is a prefix of the live one" "yes" \
	"$(head -c "$(wc -c <"$R/ledger.jsonl")" "$H/ledger.jsonl" | cmp -s - "$R/ledger.jsonl" && echo yes)"
check_same "customers, config and the rolled segment come back" "" \
	"$(for f in customers.jsonl config events/2026-10.jsonl; do cmp -s "$H/$f" "$R/$f" || echo "$f"; done)"
check_same "what is not state, and the ledger's index (rebuilt), stay out" "" \
	"$(ls "$R" | grep -e notes -e idx)"
check_same "the files are private" "600" "$(stat -c %a "$R/ledger.jsonl")"
d2=$(WA_HOME=$R wa-send --dry-run -q -c load -t hello --no-check "$TMP/recs.jsonl" 2>/dev/null |
	grep -cE '"reason":"(already_sent|attempted_before)"')
check_same "wa-send on the restored home skips what the ledger before it had sent" "yes" \
	"$([ "$d2" -ge "$(grep -c '"event":"attempt"' "$TMP/ledger.before")" ] && echo yes)"

check_status "the gzip'd one restores" 0 env WA_HOME="$TMP/r2" wa-backup --restore "$TMP/b.tar.gz"
check_same "the same files as the zstd'd one" "$(cd "$TMP/r1" && find . | grep -v idx | sort)" \
	"$(cd "$TMP/r2" && find . | sort)"

check_status "a WA_HOME not empty: refused" 2 env WA_HOME="$TMP/r1" wa-backup --restore "$TMP/b.tar.gz"
check_same "saying why" "yes" "$(grep -q 'not empty.*--force' "$TMP/.out" && echo yes)"
printf 'x\n' >>"$TMP/r1/config"
check_status "with --force it replaces" 0 env WA_HOME="$TMP/r1" wa-backup --restore --force "$TMP/b.tar.gz"
check_same "the config as it was" "WA_RATE=10" "$(cat "$TMP/r1/config")"

mkdir -p "$TMP/evil/sub" && printf 'x\n' >"$TMP/evil/sub/ledger.jsonl" && printf 'y\n' >"$TMP/evil/config"
(cd "$TMP/evil" && tar czf ../evil.tar.gz config sub/ledger.jsonl)
mkdir -p "$TMP/r3"
check_status "a member that is not a state file: exit 1" 1 env WA_HOME="$TMP/r3" wa-backup --restore "$TMP/evil.tar.gz"
check_same "named, left out, the rest restored" "yes y" \
	"$(grep -q 'sub/ledger.jsonl: not a state file' "$TMP/.out" && echo yes) $(cat "$TMP/r3/config")"
check_same "nothing written outside" "" "$(ls "$TMP/r3" | grep -v config)"
check_status "an archive named neither .tar.gz nor .tar.zst: usage" 2 wa-backup "$TMP/b.zip"
done_testing
