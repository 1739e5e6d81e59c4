#!/bin/sh
# wa-inbox route: $WA_HOME/agents, assignment (sticky, else the least loaded on-duty agent of the
# department), working hours in each agent's zone, and service deadlines in working hours.
. "$(dirname "$0")/lib.sh"

mkdir -p "$WA_HOME"
SP=$WA_HOME/events.jsonl
# m PHONE WAMID TIME TEXT: a customer's message in wa-hook's spool
m() { printf '{"event":"message","wamid":"%s","from":"%s","at":"%s","type":"text","text":"%s"}\n' \
	"$2" "$1" "$3" "$4" >>"$SP"; }
# route TIME: a run of route at TIME; "PHONE AGENT REASON" of each assignment
route() {
	wa-inbox --now "$1" route >"$TMP/route.out" || echo "route exit $?"
	jq -r 'select(.event == "assigned") | "\(.phone) \(.agent) \(.reason)"' "$TMP/route.out" |
		paste -sd'|' -
}
# agent TIME PHONE: the agent of PHONE's open conversation at TIME
agent() { wa-inbox --now "$1" | jq -r --arg p "$2" 'select(.phone == $p) | .agent'; }

cat >"$WA_HOME/routes" <<'EOF2'
# every conversation goes to a person
handoff: true
complaint: text ~ "broken"
after-sale: text ~ "order"
pre-sale: true
EOF2
# Monday 23 November 2026. London is on GMT, New York on EST (UTC-5).
cat >"$WA_HOME/agents" <<'EOF2'
# NAME FIELD=VALUE...
ann	dept=after-sale,complaint email=ann@shop.example phone=+447700900201 hours=mon-fri/09:00-17:00 tz=Europe/London
bo	dept=after-sale  email=bo@shop.example  hours=mon-fri/08:00-16:00  tz=America/New_York
cy	dept=pre-sale hours=sat-sun/10:00-18:00
dee	dept=* hours=mon-fri/22:00-06:00
EOF2

m +447700900101 wamid.P1 2026-11-23T09:50:00Z "where is my order?"
m +447700900102 wamid.P2 2026-11-23T09:55:00Z "it came broken"
m +447700900103 wamid.P3 2026-11-23T09:58:00Z "hello"
check_same "10:00 Monday: only ann is on duty: after-sale and complaint to her, pre-sale to nobody" \
	"+447700900101 ann load|+447700900102 ann load" "$(route 2026-11-23T10:00:00Z)"
check_same "the assignment is in the inbox log, by route; list shows it; the pre-sale one waits unassigned" \
	"route route|ann ann null handed_off" \
	"$(jq -r 'select(.event == "assigned") | .by' "$WA_HOME/inbox.jsonl" | paste -sd' ' -)|$(agent 2026-11-23T10:01:00Z +447700900101) $(agent 2026-11-23T10:01:00Z +447700900102) $(agent 2026-11-23T10:01:00Z +447700900103) $(wa-inbox --now 2026-11-23T10:01:00Z | jq -r 'select(.phone == "+447700900103") | .state')"
check_same "route again: nobody assigned twice" "" "$(route 2026-11-23T10:02:00Z)"

m +447700900104 wamid.P4 2026-11-23T13:55:00Z "my order?"
m +447700900105 wamid.P5 2026-11-23T13:56:00Z "order status"
m +447700900106 wamid.P6 2026-11-23T13:57:00Z "order again"
check_same "14:00 (bo on at 09:00 in New York): the fewest open conversations first, the file's order on a tie" \
	"+447700900104 bo load|+447700900105 bo load|+447700900106 ann load" "$(route 2026-11-23T14:00:00Z)"

WA_AGENT=ann wa-inbox --now 2026-11-23T14:10:00Z close +447700900101 >/dev/null
m +447700900101 wamid.P1b 2026-11-23T14:20:00Z "another order question"
check_same "sticky: the customer's last agent while on duty, though she has more open" \
	"+447700900101 ann sticky" "$(route 2026-11-23T14:30:00Z)"

WA_AGENT=ann wa-inbox --now 2026-11-23T17:30:00Z close +447700900102 >/dev/null
m +447700900102 wamid.P2b 2026-11-23T17:40:00Z "where is the new order?"
check_same "17:45 London: ann is off, so her customer goes to the on-duty agent of the department" \
	"+447700900102 bo load" "$(route 2026-11-23T17:45:00Z)"
check_same "21:30: nobody of pre-sale is on, and dee (every department) not yet" "" "$(route 2026-11-23T21:30:00Z)"
check_same "02:00 Tuesday: dee's night shift (22:00-06:00) takes the waiting pre-sale conversation" \
	"+447700900103 dee load" "$(route 2026-11-24T02:00:00Z)"
m +447700900107 wamid.P7 2026-11-28T10:30:00Z "hello there"
check_same "Saturday: cy's weekend hours" "+447700900107 cy load" "$(route 2026-11-28T11:00:00Z)"

# P1b: waiting since 14:20 Monday, ann's, no record: the 4-hour target of other tiers
printf 'working-hours yes\n' >"$TMP/sla"
check_same "sla_due in wall time, and with working-hours yes in ann's hours (14:20 + 2h40 Monday + 1h20 Tuesday)" \
	"2026-11-23T18:20:00Z 2026-11-24T10:20:00Z" \
	"$(wa-inbox --now 2026-11-23T14:31:00Z | jq -r 'select(.phone == "+447700900101") | .sla_due') $(wa-inbox --now 2026-11-23T14:31:00Z --sla "$TMP/sla" | jq -r 'select(.phone == "+447700900101") | .sla_due')"
check_same "breached counts in working hours too: not at 20:00 Monday" "true false" \
	"$(wa-inbox --now 2026-11-23T20:00:00Z | jq -r 'select(.phone == "+447700900101") | .breached') $(wa-inbox --now 2026-11-23T20:00:00Z --sla "$TMP/sla" | jq -r 'select(.phone == "+447700900101") | .breached')"

cp "$WA_HOME/agents" "$TMP/agents.good"
printf 'eve dept=pre-sale hours=mon-fri/9-17\n' >>"$WA_HOME/agents"
wa-inbox --now 2026-11-28T11:00:00Z route >/dev/null 2>"$TMP/err"; rc=$?
check_same "a bad line: exit 2, the file and line named" "2 1" \
	"$rc $(grep -c 'agents:6: hours=mon-fri/9-17: bad value' "$TMP/err")"
cp "$TMP/agents.good" "$WA_HOME/agents"
printf 'eve pager=1\n' >>"$WA_HOME/agents"
check_status "an unknown field: exit 2" 2 wa-inbox --now 2026-11-28T11:00:00Z route
done_testing
