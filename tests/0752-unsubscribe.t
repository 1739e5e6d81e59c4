#!/bin/sh
# The one-click unsubscribe (RFC 8058) through wa-hook's /unsubscribe: the link of wa-mail's
# List-Unsubscribe, a GET that changes nothing, a POST that suppresses once; forged, tampered, replayed.
. "$(dirname "$0")/lib.sh"

PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
# Made up for the test; never real secrets.
WA_APP_SECRET=app-secret-0752
WA_VERIFY_TOKEN=verify-0752
WA_UNSUBSCRIBE_SECRET=t-0752-unsub-secret
WA_PUBLIC_URL=https://shop.example.com/wa
export WA_APP_SECRET WA_VERIFY_TOKEN WA_UNSUBSCRIBE_SECRET WA_PUBLIC_URL
L=$WA_HOME/suppress-email.txt

printf '%s\n' '{"id":"1","email":"Ann@Example.org","email_opt_in":true,"discount_code":"A"}' \
	'{"id":"2","email":"bob@example.org","email_opt_in":true,"discount_code":"B"}' >"$TMP/c.jsonl"
wa-mail -c spring -T "$FIX/mail/cart.eml" --dry-run "$TMP/c.jsonl" >"$TMP/d1" 2>/dev/null
link() { jq -r --arg id "$1" 'select(.id == $id).message' "$TMP/d1" | sed -n 's/^List-Unsubscribe: <\(.*\)>\r$/\1/p'; }
ANN=$(link 1)
BOB=$(link 2)
check "wa-mail's link is under WA_PUBLIC_URL" sh -c "echo '$ANN' | grep -q '^https://shop.example.com/wa/unsubscribe?e=ann%40example.org&c=spring&t=[A-Za-z0-9_-]\{32\}$'"

start_hook hook || { echo "Bail out! wa-hook did not start"; exit 1; }
# as nginx passes it on: the path of WA_PUBLIC_URL kept
here() { printf '%s' "$1" | sed "s|^https://shop.example.com|http://127.0.0.1:$HPORT|"; }
get() { curl -s -o "$TMP/page" -w '%{http_code}' "$(here "$1")"; }
post() { curl -s -o "$TMP/page" -w '%{http_code}' -d List-Unsubscribe=One-Click "$(here "$1")"; }

check_same "GET: 200, a page asking to confirm" "200 1 1" \
	"$(get "$ANN") $(grep -c '<form method="post"' "$TMP/page") $(grep -c 'ann@example.org' "$TMP/page")"
check_same "  and the GET changes nothing (a mail scanner follows links)" "no" "$(test -s "$L" && echo yes || echo no)"
check_same "POST (RFC 8058 One-Click): 200" "200" "$(post "$ANN")"
check "  the address is suppressed, with the campaign and time" \
	grep -q '^ann@example.org # unsubscribed spring 20[0-9-]*T[0-9:]*Z$' "$L"
check_same "the same POST replayed: 200, still one line" "200 1" "$(post "$ANN") $(lines "$L")"
wa-mail -c other -T "$FIX/mail/cart.eml" --dry-run "$TMP/c.jsonl" >"$TMP/d2" 2>/dev/null
check_same "wa-mail then skips the address, in every campaign" "skipped suppressed|dry_run" \
	"$(jq -r '.event + (if .reason then " " + .reason else "" end)' "$TMP/d2" | paste -sd'|')"

# Forged and tampered links: 403, nothing written
tok=$(printf '%s' "$BOB" | sed 's/.*&t=//')
forged=$(WA_UNSUBSCRIBE_SECRET=another-secret-0752 wa-mail -c spring -T "$FIX/mail/cart.eml" --dry-run "$TMP/c.jsonl" 2>/dev/null |
	jq -r 'select(.id == "2").message' | sed -n 's/^List-Unsubscribe: <\(.*\)>\r$/\1/p')
check_same "a token under another secret: 403" "403" "$(post "$forged")"
check_same "Ann's token with Bob's address: 403" "403" \
	"$(post "$(printf '%s' "$ANN" | sed 's/e=ann%40/e=bob%40/')")"
check_same "Bob's token for another campaign: 403" "403" \
	"$(post "$(printf '%s' "$BOB" | sed 's/c=spring/c=winter/')")"
last=${BOB#"${BOB%?}"}
[ "$last" = A ] && flip=B || flip=A
check_same "a token changed in its last character: 403" "403" "$(post "${BOB%?}$flip")"
check_same "the address in another case: 403 (wa-mail signs it in lower case)" "403" \
	"$(post "$(printf '%s' "$BOB" | sed 's/e=bob/e=BOB/')")"
check_same "no token: 403" "403" "$(post "$(printf '%s' "$BOB" | sed 's/&t=.*//')")"
check_same "a GET of a forged link: 403 too" "403" "$(get "$forged")"
check_same "bob is not suppressed by any of them" "1" "$(lines "$L")"
check "each refusal is warned about, without the address" sh -c \
	"test \$(grep -c 'refused an unsubscribe link' '$TMP/hook.err') -eq 7 && ! grep -q bob '$TMP/hook.err'"
check_same "a token is not for another path: 404" "404" \
	"$(curl -s -o /dev/null -w '%{http_code}' -d x "http://127.0.0.1:$HPORT/unsubscribex?t=$tok")"
check_same "PUT: 405" "405" "$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$(here "$BOB")")"
kill "$HPID"

# Without the secret wa-hook takes no unsubscribe at all.
WA_UNSUBSCRIBE_SECRET= start_hook hook2 || { echo "Bail out! wa-hook did not start"; exit 1; }
check_same "wa-hook without WA_UNSUBSCRIBE_SECRET: 403" "403 1" "$(post "$BOB") $(lines "$L")"
done_testing
