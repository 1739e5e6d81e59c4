#!/bin/sh
# Hostile input for every program, from the corpus in tests/hostile/ and
# the big files tests/hostile/gen writes: each program ends by itself with
# a status < 128, says FILE:LINE for what it refuses, and loses no record
# (in = out + rejected); wa-hook answers each body 200, 400 or 413 and
# stays up.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never real secrets.
WA_APP_SECRET=app-secret-$$
WA_VERIFY_TOKEN=verify-$$
WA_SHOPIFY_SECRET=shop-secret-$$
WA_PHONE_NUMBER_ID=106540352242922
export WA_APP_SECRET WA_VERIFY_TOKEN WA_SHOPIFY_SECRET WA_PHONE_NUMBER_ID
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

h=$TMP/h
sh "$TOP/tests/hostile/gen" "$h"
cp "$TOP"/tests/hostile/* "$h"/
rm "$h/gen"

# records in a JSON-lines file: its non-blank lines
records() { tr '\0' ' ' <"$1" | grep -c '[^[:space:]]'; }

# what a program refused: its FILE:LINE messages
refused() { grep -c "$(basename "$1"):[0-9]*:" "$TMP/err"; }

# accounted PROG FILE RC: a JSON-lines file's records all came out or were refused
accounted() {
	in=$(records "$2") out=$(grep -c . "$TMP/out") rej=$(refused "$2")
	[ "$3" -lt 2 ] && [ "$in" -eq $((out + rej)) ]
	r=$?
	[ $r -ne 0 ] && echo "# rc=$3 in=$in out=$out rejected=$rej" &&
		sed 's/^/# /' "$TMP/err" | head -3
	_result $r "$1 $(basename "$2"): exit $3, $in in = $out out + $rej refused"
}

for f in "$h"/*; do
	name=$(basename "$f")
	for prog in "wa-segment true" "wa-tag -a x" \
	    "wa-send --dry-run -c hostile -m hi --ledger $TMP/ledger.jsonl"; do
		timeout 60 $prog "$f" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		case $name in
		*.jsonl) accounted "${prog%% *}" "$f" $rc ;;
		*)
			[ $rc -lt 4 ]
			_result $? "${prog%% *} $name: exit $rc, no crash or hang"
			;;
		esac
	done
	# as ledger, events and orders at once: no line of these is any of them
	timeout 60 wa-report --ledger "$f" --events "$f" --orders "$f" -o json >"$TMP/out" 2>"$TMP/err"
	rc=$?
	case $name in
	*.jsonl) in=$(records "$f") rej=$(refused "$f") ;;
	*) in=0 rej=0 ;;
	esac
	[ $rc -lt 4 ] && [ -s "$TMP/out" ] && [ "$rej" -eq $((3 * in)) ]
	_result $? "wa-report $name: exit $rc, a report, $in lines each refused by the 3 readers ($rej)"
	timeout 60 wa-import -v "$f" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	# a file with no record is no silent success (issue 16): exit 2 naming it
	if [ $rc -eq 2 ] && [ ! -s "$TMP/out" ] && grep -q "^wa-import: $f: no customers here" "$TMP/err"; then
		_result 0 "wa-import $name: exit 2, no record in the file, said"
		continue
	fi
	[ $rc -lt 2 ] && { ! grep -q 'rows:' "$TMP/err" ||
		sed -n 's/.*: \([0-9]*\) rows: \([0-9]*\) records out, \([0-9]*\) merged, \([0-9]*\) rejected/\1 \2 \3 \4/p' "$TMP/err" |
		awk '{ exit !($1 == $2 + $3 + $4) }'; }
	_result $? "wa-import $name: exit $rc, every row accounted for"
done

# --- wa-hook: every hostile file as a signed Cloud API body and as a Shopify order
SP=$TMP/events.jsonl
start_hook hook --spool "$SP" --suppress "$TMP/suppress.txt" ||
	{ echo "Bail out! bin/wa-hook did not start"; exit 1; }

# meta FILE: POST FILE signed as Meta signs; prints the HTTP status
meta() {
	curl -s -m 30 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
		-H "X-Hub-Signature-256: sha256=$(openssl dgst -sha256 -hmac "$WA_APP_SECRET" -r <"$1" | cut -d' ' -f1)" \
		--data-binary @"$1" "http://127.0.0.1:$HPORT/webhook"
}

# shop FILE: POST FILE as a signed Shopify orders/create webhook
shop() {
	curl -s -m 30 -o /dev/null -w '%{http_code}' -H 'X-Shopify-Topic: orders/create' \
		-H "X-Shopify-Webhook-Id: w-$(basename "$1")" \
		-H "X-Shopify-Hmac-Sha256: $(openssl dgst -sha256 -hmac "$WA_SHOPIFY_SECRET" -binary <"$1" | base64)" \
		--data-binary @"$1" "http://127.0.0.1:$HPORT/webhook"
}

for f in "$h"/*; do
	name=$(basename "$f")
	# over 3 MB: 413 before anything is read
	if [ "$(wc -c <"$f")" -gt 3145728 ]; then want='413'; else want='200|400'; fi
	for how in meta shop; do
		code=$($how "$f")
		echo "$code" | grep -Eqx "$want"
		_result $? "wa-hook, $how $name: $code ($want)"
	done
done
kill -0 "$HPID"
_result $? "wa-hook is still running"
got=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$HPORT/webhook?hub.mode=subscribe&hub.verify_token=$WA_VERIFY_TOKEN&hub.challenge=77")
check_same "and still answers" "77 200" "$got"
jq -e 'has("event")' "$SP" >/dev/null
_result $? "every line of the spool is an event"
done_testing
