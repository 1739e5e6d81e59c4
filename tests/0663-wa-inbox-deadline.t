#!/bin/sh
# wa-inbox route's deadline notifications when a run sees a deadline late or
# the deadline moves: the breach told once, no sla_soon after the fact, a
# reply at the deadline still in time (as wa-report counts it).
. "$(dirname "$0")/lib.sh"

mkdir -p "$WA_HOME"
SP=$WA_HOME/events.jsonl
printf 'handoff: true\nafter-sale: true\n' >"$WA_HOME/routes"
# m PHONE WAMID TIME: a customer's message in wa-hook's spool
m() { printf '{"event":"message","wamid":"%s","from":"%s","at":"%s","type":"text","text":"hello"}\n' \
	"$2" "$1" "$3" >>"$SP"; }
# cust ID PHONE TIER: a customer record
cust() { printf '{"id":"%s","first_name":"N%s","phone":"%s","tier":"%s"}\n' "$1" "$1" "$2" "$3"; }
cat >"$TMP/notify.sh" <<EOF2
#!/bin/sh
cat >>"$TMP/cmd.jsonl"
EOF2
chmod +x "$TMP/notify.sh"
# route TIME [ARGS]: route at TIME; prints "KIND AGENT BREACHED" of each event the command read
route() {
	_t=$1; shift
	: >"$TMP/cmd.jsonl"
	wa-inbox --now "$_t" route --notify "$TMP/notify.sh" "$@" >"$TMP/out" 2>"$TMP/err" ||
		echo "exit $?"
	jq -r '"\(.event) \(.agent) \(.breached)"' "$TMP/cmd.jsonl" | sort | paste -sd' ' -
}

# 1. a run that first sees a conversation after its deadline: the breach, once
printf 'ann\tdept=after-sale\n' >"$WA_HOME/agents"
cust 1 +447700900101 gold >"$WA_HOME/customers.jsonl"
m +447700900101 wamid.A1 2026-11-23T10:00:00Z
check_same "first seen at 10:40, 10 minutes past its 10:30 deadline: assigned and breached, no sla_soon" \
	"assigned ann true breached ann true" "$(route 2026-11-23T10:40:00Z)"
check_same "later runs: nothing more" "|" "$(route 2026-11-23T10:41:00Z)|$(route 2026-11-23T11:30:00Z)"

# 2. a run at the deadline itself: a reply now is still in time (wa-report counts it met)
cust 2 +447700900102 gold >>"$WA_HOME/customers.jsonl"
m +447700900102 wamid.B1 2026-11-23T12:00:00Z
check_same "first seen at 12:30:00, its deadline: sla_soon, not breached" \
	"assigned ann false sla_soon ann false" "$(route 2026-11-23T12:30:00Z)"
check_same "a second past it: the breach, once" "breached ann true|" \
	"$(route 2026-11-23T12:30:01Z)|$(route 2026-11-23T12:35:00Z)"

# 3. a deadline that moves later (the customer now silver, 2 hours) is not told again
cust 3 +447700900103 gold >>"$WA_HOME/customers.jsonl"
m +447700900103 wamid.C1 2026-11-23T13:00:00Z
route 2026-11-23T13:01:00Z >/dev/null
check_same "13:26: gold's 13:30 deadline near: sla_soon" "sla_soon ann false" "$(route 2026-11-23T13:26:00Z)"
sed -i 's/"id":"3","first_name":"N3","phone":"+447700900103","tier":"gold"/"id":"3","first_name":"N3","phone":"+447700900103","tier":"silver"/' \
	"$WA_HOME/customers.jsonl"
check_same "silver now: 14:56, 4 minutes before its 15:00 deadline: no second sla_soon for one wait" \
	"" "$(route 2026-11-23T14:56:00Z)"
check_same "15:01: the breach, once" "breached ann true|" \
	"$(route 2026-11-23T15:01:00Z)|$(route 2026-11-23T15:10:00Z)"

# 4. working hours: breached before anyone is on duty, then assigned; the deadline
# moves into the agent's hours, and no sla_soon comes after the breach told
printf 'bo\tdept=after-sale hours=mon-fri/09:00-17:00 tz=UTC\n' >"$WA_HOME/agents"
printf 'working-hours yes\n' >"$TMP/sla"
cust 4 +447700900104 gold >>"$WA_HOME/customers.jsonl"
m +447700900104 wamid.D1 2026-11-24T08:00:00Z
check_same "Tuesday 08:31, nobody on duty: the breach, to nobody in particular" "breached null true" \
	"$(route 2026-11-24T08:31:00Z --sla "$TMP/sla")"
check_same "09:01: bo on duty, assigned; his deadline 09:30, in his hours" "assigned bo false" \
	"$(route 2026-11-24T09:01:00Z --sla "$TMP/sla")"
check_same "09:26: no sla_soon after the breach was told" "" "$(route 2026-11-24T09:26:00Z --sla "$TMP/sla")"
check_same "09:31: bo told of the breach, once" "breached bo true|" \
	"$(route 2026-11-24T09:31:00Z --sla "$TMP/sla")|$(route 2026-11-24T09:40:00Z --sla "$TMP/sla")"
check_same "no run failed or warned" "" "$(cat "$TMP/err")"
done_testing
