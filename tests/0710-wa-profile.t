#!/bin/sh
# wa-profile against mock-graph: get, set with the API's limits, the diff, and failures.
. "$(dirname "$0")/lib.sh"

# Made up for the test; never a real secret.
TOKEN=test-token-$$
WA_PHONE_NUMBER_ID=106540352242922
export WA_PHONE_NUMBER_ID
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
WA_TOKEN=$TOKEN start_mock main --phone-id $WA_PHONE_NUMBER_ID ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
URL=http://127.0.0.1:$PORT/v21.0

wp() { WA_TOKEN=$TOKEN WA_API_URL=$URL wa-profile "$@"; }
# rep N C: C repeated N times
rep() { awk -v n="$1" -v c="$2" 'BEGIN { while (n-- > 0) printf "%s", c }'; }

wp get >"$TMP/p0" 2>"$TMP/err"
check_same "get exits 0" 0 $?
check_same "get: the profile as one JSON line, every field" \
	'{"about":"Mock Store: we answer within a day","address":"1 Test Street, Springfield","description":"A store that exists only in the tests.","email":"hello@shop.example","profile_picture_url":"https://pps.whatsapp.net/v/mock.jpg","websites":["https://shop.example/"],"vertical":"RETAIL"}' \
	"$(cat "$TMP/p0")"

cat >"$TMP/new.json" <<'EOF2'
{"about":"Abrimos às 9h – até já! 👋","vertical":"APPAREL","email":"hello@shop.example",
 "websites":["https://shop.example/","https://instagram.com/shop"]}
EOF2
wp -n set "$TMP/new.json" >"$TMP/d1"
check_same "-n: the diff, only the fields that change" \
	'{"about":{"from":"Mock Store: we answer within a day","to":"Abrimos às 9h – até já! 👋"},"websites":{"from":["https://shop.example/"],"to":["https://shop.example/","https://instagram.com/shop"]},"vertical":{"from":"RETAIL","to":"APPAREL"}}' \
	"$(cat "$TMP/d1")"
check_same "-n changes nothing" "$(cat "$TMP/p0")" "$(wp get)"
wp set "$TMP/new.json" >"$TMP/d2"
check_same "set prints the same diff" "$(cat "$TMP/d1")" "$(cat "$TMP/d2")"
check_same "the API has the new fields" "Abrimos às 9h – até já! 👋|APPAREL|2|hello@shop.example" \
	"$(wp get | jq -r '[.about, .vertical, (.websites | length | tostring), .email] | join("|")')"
check_same "set again: nothing differs, {}" "{}" "$(wp set "$TMP/new.json")"

wp get | jq '.address = "" | .description = "Roupas feitas à mão"' >"$TMP/edit.json"
check_same "get, edit, set: profile_picture_url is let through" \
	'{"address":{"from":"1 Test Street, Springfield","to":""},"description":{"from":"A store that exists only in the tests.","to":"Roupas feitas à mão"}}' \
	"$(wp set "$TMP/edit.json")"
jq '.profile_picture_url = "https://example.com/me.jpg"' "$TMP/edit.json" >"$TMP/pic.json"
wp set "$TMP/pic.json" >"$TMP/out" 2>"$TMP/err"
check_same "a new profile_picture_url: warned about, nothing else to do" \
	"{}|wa-profile: profile_picture_url cannot be set from here (upload the picture in WhatsApp Manager): left as it is" \
	"$(cat "$TMP/out")|$(cat "$TMP/err")"

# the limits of the OpenAPI spec, at the edge and one past it
about139=$(rep 139 é)
printf '{"about":"%s"}\n' "$about139" >"$TMP/a139.json"
check "about: 139 characters (278 bytes) go" wp set "$TMP/a139.json"
check_same "and arrive whole" 139 "$(wp get | jq -r '.about | length')"
bad() {
	_t=$1; _want=$2
	printf '%s\n' "$3" >"$TMP/bad.json"
	wp set "$TMP/bad.json" >"$TMP/out" 2>&1
	check_same "$_t: exit 2" "2|wa-profile: $TMP/bad.json: $_want" "$?|$(cat "$TMP/out")"
}
bad "about: 140 characters" "about: 140 characters; the API takes 1 to 139" "{\"about\":\"$(rep 140 a)\"}"
bad "about: empty" "about: 0 characters; the API takes 1 to 139" '{"about":""}'
bad "address: 257 characters" "address: 257 characters; the API takes at most 256" "{\"address\":\"$(rep 257 a)\"}"
bad "description: 257 characters" "description: 257 characters; the API takes at most 256" "{\"description\":\"$(rep 257 a)\"}"
bad "email: 129 characters" "email: 129 characters; the API takes at most 128" "{\"email\":\"$(rep 117 a)@example.com\"}"
bad "email: no domain" "email: 'shop@localhost' is not an e-mail address" '{"email":"shop@localhost"}'
bad "websites: three" "websites: 3 of them; the API takes at most 2" '{"websites":["https://a.example","https://b.example","https://c.example"]}'
bad "websites: not http(s)" "websites: 'ftp://a.example' is not an http(s) URL" '{"websites":["ftp://a.example"]}'
bad "websites: 257 characters" "websites: 257 characters; the API takes 1 to 256" "{\"websites\":[\"https://a.example/$(rep 239 a)\"]}"
bad "vertical: not in the enum" "vertical: 'SHOES' is not one of the API's (OTHER, AUTO, BEAUTY, APPAREL, EDU, ..., RETAIL, RESTAURANT, ...)" '{"vertical":"SHOES"}'
bad "an unknown field" "phone: not a field of the business profile" '{"phone":"+447700900123"}'
bad "not an object" "not a JSON object" '["about"]'
printf '{"about":' >"$TMP/cut.json"
check_status "broken JSON: exit 2" 2 wp set "$TMP/cut.json"
check_same "the profile is as the last good set left it" 139 "$(wp get | jq -r '.about | length')"
check_same "check FILE: offline, the fields that would be sent" '{"vertical":"OTHER"}' \
	"$(printf '{"vertical":"OTHER","messaging_product":"whatsapp"}' | wa-profile check -)"

# the mock checks like the API, whoever posts
post() {
	curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
		-d "$1" "$URL/$WA_PHONE_NUMBER_ID/whatsapp_business_profile"
}
check_same "mock: messaging_product is required" 100 "$(post '{"about":"x"}' | jq .error.code)"
check_same "mock: about over 139 refused" 100 \
	"$(post "{\"messaging_product\":\"whatsapp\",\"about\":\"$(rep 140 a)\"}" | jq .error.code)"
check_same "mock: a good update" true "$(post '{"messaging_product":"whatsapp","about":"ok"}' | jq .success)"
check_same "mock: an unknown field of GET refused" 100 \
	"$(curl -s -H "Authorization: Bearer $TOKEN" "$URL/$WA_PHONE_NUMBER_ID/whatsapp_business_profile?fields=phone" | jq .error.code)"

# failures
WA_TOKEN=wrong-$$ WA_API_URL=$URL wa-profile get >"$TMP/out" 2>&1
check_same "a token the API refuses: exit 3" 3 $?
check_same "with the API's error" \
	"wa-profile: whatsapp_business_profile: HTTP 401, error 190 (account): Invalid OAuth access token - Cannot parse access token" \
	"$(cat "$TMP/out")"
WA_TOKEN=$TOKEN WA_API_URL=$URL wa-profile set "$TMP/new.json" >"$TMP/out" 2>&1
grep -q "$TOKEN" "$TMP/out"
check_same "the token is never printed" 1 $?
check_status "another phone number id: exit 3" 3 env WA_PHONE_NUMBER_ID=1 WA_TOKEN=$TOKEN WA_API_URL=$URL wa-profile get
check_status "no WA_PHONE_NUMBER_ID: exit 2" 2 env -u WA_PHONE_NUMBER_ID WA_TOKEN=$TOKEN WA_API_URL=$URL wa-profile get
check_status "no token: exit 2" 2 env WA_API_URL=$URL wa-profile get
check_status "nothing listening: exit 3" 3 env WA_TOKEN=$TOKEN WA_API_URL=http://127.0.0.1:1/v21.0 wa-profile get
check_status "set without FILE: exit 2" 2 wp set
check_status "an unknown command: exit 2" 2 wp put x
done_testing
