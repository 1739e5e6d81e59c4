# lib.sh: what the journeys in scripts/journeys/ share; sourced, never run.
#
# It finds the programs (the repository's bin/ next to this directory when
# it is built, else PATH), reads the configuration, takes the journey's lock,
# makes a temporary directory, and gives the helpers below.  The keys and
# their defaults are documented in config.example, next to this file.
#
# Exit status of a journey: the worst of its steps (0 all went through;
# 1 some messages failed, see $LOG; 2 a configuration error; 3 a fatal error),
# or 75 when another run of it, or another wa-send, holds the ledger: cron
# should take 75 as "busy, try next time", and nothing is printed then.
# Nothing is printed on success either, so cron mails only trouble.

set -eu

JOURNEY=${0##*/}
JOURNEY=${JOURNEY%.sh}

# -h: the comment at the top of the journey, without its '#'.
case ${1:-} in
-h | --help)
	awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
	exit 0
	;;
esac

_jdir=$(cd "$(dirname "$0")" && pwd)
if [ -x "$_jdir/../../bin/wa-send" ]; then
	PATH=$(cd "$_jdir/../../bin" && pwd):$PATH
	export PATH
fi

# die STATUS MESSAGE: a message on stderr, then exit
die() {
	_s=$1; shift
	printf '%s: %s\n' "$JOURNEY" "$*" >&2
	exit "$_s"
}

for _p in wa-segment wa-send jq; do
	command -v "$_p" >/dev/null 2>&1 || die 2 "$_p not found (make, or put the wa programs on PATH)"
done

WA_HOME=${WA_HOME:-${XDG_STATE_HOME:-$HOME/.local/state}/wa}
export WA_HOME
WA_CONFIG=${WA_CONFIG:-$WA_HOME/config}
# The config file is shell, KEY=value lines; what the environment sets wins.
if [ -f "$WA_CONFIG" ]; then
	_env=$(export -p)
	# shellcheck disable=SC1090
	. "$WA_CONFIG"
	eval "$_env"
fi

# Files; what is kept under $WA_HOME is listed in common/state.c (wa-forget
# erases a person from each file there that holds personal data): a new file
# there goes in that table too.
: "${CUSTOMERS=$WA_HOME/customers.jsonl}"
: "${ORDERS=$WA_HOME/orders.jsonl}"
: "${EVENTS=$WA_HOME/events.jsonl}"
: "${LOG=$WA_HOME/journeys.jsonl}"
: "${CONSENT=$WA_HOME/consent.jsonl}"
# The orders the order journeys see: those created, fulfilled or cancelled
# in the last ORDERS_KEEP, so that a run costs the recent orders, not a
# year of them
: "${ORDERS_KEEP=90d}"
# Sending rules
: "${QUIET=21:00-09:00}"
: "${CAP=2/7d}"
: "${UTILITY_QUIET=$QUIET}"
: "${UTILITY_CAP=6/1d}"
: "${REPLY_CAP=10/1d}"
: "${TEMPLATE_LANG=en_US}"
: "${MARKETING_FILTER=!(\"problem\" in tags)}"
: "${SHOP_URL=}"
# E-mail (wa-mail): WA_SMTP_URL, WA_PUBLIC_URL and WA_UNSUBSCRIBE_SECRET come
# from the environment or the config; FALLBACK_EMAIL=yes makes the journeys
# that have an e-mail template e-mail whom WhatsApp cannot reach.
: "${FALLBACK_EMAIL=no}"
: "${MAIL_RATE=60}"
# The wa-send events e-mail stands in for: no WhatsApp account (131026), no
# usable phone, or no consent to WhatsApp (wa-mail then asks e-mail consent).
FALLBACK_EXPR='(event == "failed" && error.code == 131026) || (event == "skipped" && (reason == "invalid_phone" || reason == "no_consent"))'

mkdir -p "$WA_HOME"
chmod 700 "$WA_HOME" 2>/dev/null || :

# One run of a journey at a time: a second one leaves quietly with 75.
if command -v flock >/dev/null 2>&1; then
	exec 9>>"$WA_HOME/.journey-$JOURNEY.lock"
	flock -n 9 || exit 75
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/wa-$JOURNEY.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

_worst=0
# note STATUS: remember the worst status seen; 75 (busy) is the mildest failure
note() {
	case $1 in
	0) ;;
	75) [ "$_worst" -ne 0 ] || _worst=75 ;;
	*) if [ "$_worst" -eq 0 ] || [ "$_worst" -eq 75 ] || [ "$1" -gt "$_worst" ]; then _worst=$1; fi ;;
	esac
}

# finish: exit with the worst status of the run
finish() { exit "$_worst"; }

# default KEY VALUE: KEY=VALUE unless KEY is set (for values holding '}')
default() {
	eval "[ -n \"\${$1+set}\" ] || $1=\$2"
}

# existing FILE...: the files that exist, one a line (for operand lists).
# No journey reads the spool whole: its order and checkout events come
# through events_fold, its messages through wa-inbox route, both from a
# cursor that follows the spool's rolls.
existing() {
	for _f; do
		[ ! -f "$_f" ] || printf '%s\n' "$_f"
	done
	return 0
}

# seg ARGS...: wa-segment, where "nothing selected" (1) is no error; opt_in
# is read as the consent log says
seg() {
	_rc=0
	wa-segment --consent "$CONSENT" "$@" </dev/null || _rc=$?
	[ "$_rc" -le 1 ] || die "$_rc" "wa-segment failed (exit $_rc)"
}

# jqf ARGS...: jq, where any failure is fatal
jqf() {
	_rc=0
	jq "$@" </dev/null || _rc=$?
	[ "$_rc" -eq 0 ] || die 3 "jq failed (exit $_rc) on: $*"
}

# select_from OUT EXPR FILE...: the records of the existing FILEs for which
# EXPR is true, into OUT (empty when none)
select_from() {
	_out=$1 _expr=$2; shift 2
	: >"$_out"
	_files=$(existing "$@")
	[ -n "$_files" ] || return 0
	# shellcheck disable=SC2086
	(IFS='
'; seg "$_expr" $_files) >"$_out"
}

# customers OUT EXPR: the customer records for which EXPR is true
customers() { select_from "$1" "$2" "$CUSTOMERS"; }

# fold OUT EXPR FILE...: the records of the existing FILEs folded by type and
# id, a later line's non-null fields winning (a webhook adds fulfilled_at to
# an exported order), first seen first, without event and hook_id, then
# those for which EXPR is true, into OUT (wa-segment --fold: a jq reduce over
# a year of orders took minutes)
fold() {
	_out=$1 _expr=$2; shift 2
	: >"$_out"
	_files=$(existing "$@")
	[ -n "$_files" ] || return 0
	_rc=0
	# shellcheck disable=SC2086
	(IFS='
'; wa-segment --fold "$_expr" $_files) </dev/null >"$_out" || _rc=$?
	[ "$_rc" -le 1 ] || die "$_rc" "wa-segment --fold failed (exit $_rc)"
}

# replace TMP FILE: TMP's data on disk, then renamed to FILE, and the rename
# on disk too, so that a cursor replaced after a fold never goes further than
# the fold does after a power cut
replace() {
	if ! { sync "$1" && mv -f "$1" "$2" && sync "$(dirname "$2")"; }; then
		die 3 "cannot replace $2"
	fi
}

# KEEP_EXPR: a record created, fulfilled or cancelled in the last ORDERS_KEEP
KEEP_EXPR="(exists(created_at) && since(created_at) < $ORDERS_KEEP) ||
	(exists(fulfilled_at) && since(fulfilled_at) < $ORDERS_KEEP) ||
	(exists(cancelled_at) && since(cancelled_at) < $ORDERS_KEEP)"

# events_fold: $STORE_EVENTS, the order and checkout events of $EVENTS folded
# by id, brought up to date with what wa-hook appended since the last
# journey did it (wa-segment --cursor): no run reads the whole spool again;
# and $STORE_ORDERS, the same for ORDERS (orders_fold).  Each keeps only
# the records of KEEP_EXPR, so that neither grows with history.
# The fold is renamed into place, then its cursor: a crash between them folds
# some events twice, which changes nothing.  wa-forget removes both (they
# hold numbers), and the next run folds the spool from its start.
STORE_EVENTS=$WA_HOME/journey-events.state
STORE_ORDERS=$WA_HOME/journey-orders.state
events_fold() {
	[ -f "$T/fold.done" ] && return 0
	# one journey at a time brings them up to date
	exec 8>>"$WA_HOME/.journey-events.lock"
	! command -v flock >/dev/null 2>&1 || flock 8
	orders_fold
	if [ -f "$EVENTS" ]; then
		_rc=0
		wa-segment --cursor "$STORE_EVENTS.cursor" '(type == "order" || type == "checkout") && exists(id)' \
			"$EVENTS" </dev/null >"$T/fold.new" || _rc=$?
		[ "$_rc" -le 1 ] || die "$_rc" "wa-segment failed (exit $_rc)"
		if [ -s "$T/fold.new" ]; then
			fold "$STORE_EVENTS.tmp" "$KEEP_EXPR" "$STORE_EVENTS" "$T/fold.new"
			replace "$STORE_EVENTS.tmp" "$STORE_EVENTS"
		fi
		replace "$STORE_EVENTS.cursor.new" "$STORE_EVENTS.cursor"
	fi
	exec 8>&-
	: >"$T/fold.done"
}

# wholelines FILE OFFSET OUT: the whole lines of FILE from byte OFFSET into
# OUT (a last line without its newline is still being written), and _end,
# the offset after them
wholelines() {
	tail -c +"$(($2 + 1))" "$1" >"$3"
	_n=$(wc -c <"$3")
	_end=$(($2 + _n))
	[ "$_n" -gt 0 ] && [ "$(tail -c 1 "$3" | od -An -tx1 | tr -d ' ')" != 0a ] || return 0
	_p=$(tail -n 1 "$3" | wc -c)
	head -c "$((_n - _p))" "$3" >"$3.w" && mv -f "$3.w" "$3"
	_end=$((_end - _p))
}

# before FILE OFFSET: a checksum of the 4 KiB of FILE before OFFSET
before() {
	_k=$(($2 < 4096 ? $2 : 4096))
	tail -c +"$(($2 - _k + 1))" "$1" | head -c "$_k" | cksum
}

# orders_fold: $STORE_ORDERS, the orders of ORDERS (those of KEEP_EXPR)
# folded by id, brought up to date with the lines appended to ORDERS since
# the last run (wa-import ... >> orders.jsonl), from the cursor in
# $STORE_ORDERS.cursor: "OFFSET INODE CHECKSUM", the checksum of the bytes
# before OFFSET.  An ORDERS replaced (another inode), cut short, or
# rewritten in place (other bytes before OFFSET) is folded again whole.
orders_fold() {
	if [ ! -f "$ORDERS" ]; then
		: >"$STORE_ORDERS"
		rm -f "$STORE_ORDERS.cursor"
		return 0
	fi
	_off=0 _ino='' _sum=''
	[ ! -f "$STORE_ORDERS.cursor" ] || read -r _off _ino _sum <"$STORE_ORDERS.cursor" || :
	# shellcheck disable=SC2012 # the inode of a path we name
	_inode=$(ls -id "$ORDERS" | awk '{ print $1 }')
	_base=$STORE_ORDERS
	case $_off in '' | *[!0-9]*) _off=0 ;; esac
	if [ "$_off" -eq 0 ] || [ "$_ino" != "$_inode" ] || [ ! -f "$STORE_ORDERS" ] ||
		[ "$(wc -c <"$ORDERS")" -lt "$_off" ] || [ "$(before "$ORDERS" "$_off" | tr ' ' _)" != "$_sum" ]; then
		_off=0 _base=
	fi
	wholelines "$ORDERS" "$_off" "$T/orders.new"
	[ "$_end" -gt "$_off" ] || [ -z "$_base" ] || return 0
	fold "$STORE_ORDERS.tmp" "type == \"order\" && exists(id) && ($KEEP_EXPR)" \
		${_base:+"$_base"} "$T/orders.new"
	replace "$STORE_ORDERS.tmp" "$STORE_ORDERS"
	printf '%s %s %s\n' "$_end" "$_inode" "$(before "$ORDERS" "$_end" | tr ' ' _)" \
		>"$STORE_ORDERS.cursor.tmp"
	replace "$STORE_ORDERS.cursor.tmp" "$STORE_ORDERS.cursor"
}

# orders_all: $T/orders.jsonl, the orders of $ORDERS and the order events
# of $EVENTS (through events_fold) of the last ORDERS_KEEP, one record per
# order id
orders_all() {
	[ -f "$T/orders.jsonl" ] && return 0
	events_fold
	fold "$T/orders.jsonl" 'type == "order" && exists(id)' "$STORE_ORDERS" "$STORE_EVENTS"
}

# The jq definitions that join orders and checkouts to their customers.
# $c is the customer records; cust finds an order's customer by its id,
# else e-mail, else phone; send_rec makes the record wa-send reads: the
# order or checkout id, the customer's phone, consent, name, language and
# zone, and the order's fields the templates take.
JQ_JOIN='
def ix: reduce ($c[] | select(type == "object" and .id != null)) as $x
	({id: {}, email: {}, phone: {}};
	 .id[$x.id] = $x
	 | if $x.email then .email[$x.email] = $x else . end
	 | if $x.phone then .phone[$x.phone] = $x else . end);
def cust($i): $i.id[.customer // ""] // $i.email[.email // ""] // $i.phone[.phone // ""];
def money: if . == null then null
	elif . == floor then tostring
	else (. * 100 | round) as $m
	| "\($m / 100 | floor).\($m % 100 | tostring | if length < 2 then "0" + . else . end)" end;
def send_rec($i):
	cust($i) as $k
	| {id, type, customer: ($k.id // .customer), phone: ($k.phone // .phone),
	   email: ($k.email // .email),
	   opt_in: ($k.opt_in == true), email_opt_in: ($k.email_opt_in == true),
	   discount_code, first_name: $k.first_name, last_name: $k.last_name,
	   lang: $k.lang, tz: $k.tz, country: ($k.country // null), tags: ($k.tags // []),
	   order_name: .name, created_at, fulfilled_at, fulfillment_status,
	   total: .total, currency, total_text: ((.total | money) as $t
		| if $t == null then null elif .currency then "\($t) \(.currency)" else $t end),
	   tracking_url: (.extra.tracking_url // .extra.order_status_url
		// (if $shop == "" then null else $shop end)),
	   order_status_url: .extra.order_status_url,
	   abandoned_checkout_url};
'

# join IN OUT: each order or checkout of IN as a record wa-send reads.
# Only the customers IN names are read into jq: the lines of CUSTOMERS that
# hold one of IN's customer ids, e-mails or phones (grep -F, a superset that
# jq then matches exactly), so a journey costs its orders, not the customer
# file; and jq indexes them once (-n), not once per order.
join() {
	: >"$T/cust"
	_cf=$(existing "$CUSTOMERS")
	if [ -n "$_cf" ] && [ -s "$1" ]; then
		jqf -r '(.customer, .email, .phone) | select(. != null and . != "") | tostring' "$1" |
			sort -u >"$T/ckeys"
		if [ -s "$T/ckeys" ]; then
			_rc=0
			grep -F -f "$T/ckeys" "$_cf" >"$T/cust" || _rc=$?
			[ "$_rc" -le 1 ] || die 3 "grep failed (exit $_rc) on $_cf"
		fi
	fi
	jqf -n -c --slurpfile c "$T/cust" --arg shop "$SHOP_URL" \
		"$JQ_JOIN"' ix as $i | inputs | send_rec($i)' "$1" >"$2"
}

# send CLASS CAMPAIGN FILE ARGS...: wa-send FILE under CAMPAIGN with the
# options of CLASS (marketing: QUIET and CAP; utility: UTILITY_QUIET and
# UTILITY_CAP; reply: --reply and REPLY_CAP, no quiet hours), never waiting
# for the ledger, its event lines appended to LOG; an empty FILE sends
# nothing and leaves the ledger alone; consent as the consent log says
send() {
	_class=$1 _camp=$2 _in=$3; shift 3
	: >"$T/send.out"
	_sent_in=$_in
	[ -s "$_in" ] || return 0
	case $_class in
	marketing)
		[ -z "$QUIET" ] || set -- "$@" --quiet "$QUIET"
		[ -z "$CAP" ] || set -- "$@" --cap "$CAP" ;;
	utility)
		[ -z "$UTILITY_QUIET" ] || set -- "$@" --quiet "$UTILITY_QUIET"
		[ -z "$UTILITY_CAP" ] || set -- "$@" --cap "$UTILITY_CAP" ;;
	reply)
		set -- --reply "$@"
		[ -z "$REPLY_CAP" ] || set -- "$@" --cap "$REPLY_CAP" ;;
	esac
	_rc=0
	wa-send -q --no-wait --events "$EVENTS" --consent "$CONSENT" -c "$_camp" "$@" "$_in" >"$T/send.out" 2>"$T/send.err" || _rc=$?
	logged "$T/send.out"
	report wa-send "$_camp" "$_rc"
}

# logged FILE: FILE's event lines to LOG (- : standard output)
logged() {
	if [ "$LOG" = - ]; then cat "$1"; else cat "$1" >>"$LOG"; fi
}

# report PROGRAM CAMPAIGN STATUS: say what went wrong, as $T/send.err has it
report() {
	_rc=$3
	case $_rc in
	0) cat "$T/send.err" >&2 ;;
	75) ;;
	1)
		cat "$T/send.err" >&2
		printf '%s: %s: some messages failed or have no known outcome; see %s\n' \
			"$JOURNEY" "$2" "$LOG" >&2 ;;
	*)
		cat "$T/send.err" >&2
		printf '%s: %s: %s exited %s\n' "$JOURNEY" "$2" "$1" "$_rc" >&2 ;;
	esac
	note "$_rc"
}

# mail CLASS CAMPAIGN MESSAGE.eml FILE ARGS...: wa-mail FILE under CAMPAIGN
# with the options of CLASS (marketing: QUIET, CAP counting both channels;
# utility: --class utility, UTILITY_QUIET and UTILITY_CAP, a message per
# record id), never waiting for the ledger, its event lines appended to LOG
mail() {
	_class=$1 _camp=$2 _tmpl=$3 _in=$4; shift 4
	[ -s "$_in" ] || return 0
	[ -f "$_tmpl" ] || die 2 "$_tmpl: no such e-mail template"
	command -v wa-mail >/dev/null 2>&1 || die 2 "wa-mail not found"
	case $_class in
	marketing)
		[ -z "$QUIET" ] || set -- "$@" --quiet "$QUIET"
		[ -z "$CAP" ] || set -- "$@" --cap "$CAP" --cap-channels both ;;
	utility)
		set -- "$@" --class utility --per-id
		[ -z "$UTILITY_QUIET" ] || set -- "$@" --quiet "$UTILITY_QUIET"
		[ -z "$UTILITY_CAP" ] || set -- "$@" --cap "$UTILITY_CAP" ;;
	esac
	_rc=0
	wa-mail -q --no-wait --rate "$MAIL_RATE" -c "$_camp" -T "$_tmpl" "$@" "$_in" \
		>"$T/mail.out" 2>"$T/send.err" || _rc=$?
	logged "$T/mail.out"
	report wa-mail "$_camp" "$_rc"
}

# fallback CLASS CAMPAIGN MESSAGE.eml ARGS...: with FALLBACK_EMAIL=yes, e-mail
# the records of the last send whose events FALLBACK_EXPR selects
fallback() {
	[ "$FALLBACK_EMAIL" = yes ] && [ -s "$T/send.out" ] || return 0
	select_from "$T/fb.ev" "campaign == \"$2\" && ($FALLBACK_EXPR)" "$T/send.out"
	jqf -c --slurpfile e "$T/fb.ev" '($e | map(.id | tostring)) as $ids
		| select((.id | tostring) as $i | $ids | index([$i]))' "$_sent_in" >"$T/fb.in"
	_fc=$1 _fk=$2 _fm=$3; shift 3
	mail "$_fc" "$_fk" "$_fm" "$T/fb.in" "$@"
}

# marketing_expr EXPR: EXPR and MARKETING_FILTER, for customer records
marketing_expr() {
	if [ -n "$MARKETING_FILTER" ]; then
		printf '(%s) && (%s)\n' "$1" "$MARKETING_FILTER"
	else
		printf '%s\n' "$1"
	fi
}
