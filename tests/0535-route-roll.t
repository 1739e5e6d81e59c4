#!/bin/sh
# wa-inbox route (and route --bot) across a roll of the spool: the events written between the
# last run and the roll are read from the segment (plain, or gzipped), each message once.
. "$(dirname "$0")/lib.sh"

hook_world
BASE=$WA_HOME

# m N: a message from customer N, shipping asked, in the spool
m() { printf '{"event":"message","wamid":"wamid.%s","from":"+4477009001%02d","at":"2026-11-23T10:%02d:00Z","type":"text","text":"shipping?"}\n' \
	"$1" "$1" "$1" >>"$WA_HOME/events.jsonl"; }
# run BOT: route (BOT 1: route --bot), the answers' wamids on stdout
run() {
	if [ "$1" = 1 ]; then
		wa-inbox --now 2026-11-23T11:00:00Z route --bot "$WA_HOME/bot.state" \
			--keyword 'ship=shipping' >"$TMP/out" 2>>"$TMP/err" || echo "route exit $?"
		mv "$WA_HOME/bot.state.new" "$WA_HOME/bot.state"
		jq -r .wamid "$TMP/out"
	else
		wa-inbox --now 2026-11-23T11:00:00Z route >"$TMP/out" 2>>"$TMP/err" || echo "route exit $?"
	fi
}
# roll HOW: the spool into events/ by hand as wa-hook's roll does (plain), or by wa-hook's SIGHUP (gz)
roll() {
	if [ "$1" = plain ]; then
		mkdir -p "$WA_HOME/events" && mv "$WA_HOME/events.jsonl" "$WA_HOME/events/2026-11.jsonl" &&
			: >"$WA_HOME/events.jsonl"
		return
	fi
	start_hook "hook-$2" || { echo "Bail out! bin/wa-hook did not start"; exit 1; }
	kill -HUP "$HPID"
	i=0; until ls "$WA_HOME/events/"*.jsonl.gz >/dev/null 2>&1 || [ $i -gt 100 ]; do
		sleep 0.05; i=$((i + 1)); done
	kill "$HPID"; wait "$HPID" 2>/dev/null
}
routed() { jq -r 'select(.event == "routed") | .wamid' "$WA_HOME/inbox.jsonl" | sort | paste -sd' ' -; }

for how in plain gz; do
	for bot in 0 1; do
		WA_HOME=$BASE/$how-$bot; export WA_HOME
		mkdir -p "$WA_HOME"
		echo 'sales: true' >"$WA_HOME/routes"
		: >"$TMP/err"
		m 1; m 2
		a1=$(run $bot)
		m 3; m 4
		roll $how $bot
		m 5; m 6
		a2=$(run $bot)
		[ $how = gz ] && check_same "the segment was gzipped, its inode in the index" \
			"$(date -u +%Y-%m).jsonl.gz $(date -u +%Y-%m).keys index 5" \
			"$(ls "$WA_HOME/events" | paste -sd' ' -) $(awk '{print NF}' "$WA_HOME/events/index")"
		what="route$([ $bot = 1 ] && echo ' --bot'), the segment $how"
		check_same "$what: every message routed once" \
			"wamid.1 wamid.2 wamid.3 wamid.4 wamid.5 wamid.6" "$(routed)"
		if [ $bot = 1 ]; then
			check_same "$what: every message answered once" \
				"wamid.1 wamid.2|wamid.3 wamid.4 wamid.5 wamid.6" \
				"$(echo $a1)|$(echo $a2)"
		fi
		check_same "$what: a run after reads nothing again" "0" \
			"$(run $bot >/dev/null; wc -c <"$TMP/out" | tr -d ' ')"
		check_same "$what: no warning" "" "$(cat "$TMP/err")"
	done
done

# a cursor whose file is gone everywhere: the live file from its beginning, with a warning
WA_HOME=$BASE/gone; export WA_HOME
mkdir -p "$WA_HOME"
echo 'sales: true' >"$WA_HOME/routes"
m 1
echo "40 1 1" >"$WA_HOME/inbox.cursor"
: >"$TMP/err"
run 0
check_same "a cursor into a file found nowhere: the live file from its beginning" "wamid.1" "$(routed)"
check "and a warning says so" grep -q "wa-inbox: the spool's file at the cursor is gone" "$TMP/err"
done_testing
