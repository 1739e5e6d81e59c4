#!/bin/sh
# wa-send over TLS and HTTP/2: nghttpx with a certificate made here, in front of mock-graph.
. "$(dirname "$0")/lib.sh"

command -v nghttpx >/dev/null && command -v openssl >/dev/null || {
	echo "1..0 # SKIP nghttpx or openssl missing (scripts/deps installs nghttp2-proxy, openssl)"
	exit 0
}
# Made up for the test; never a real secret.
TOKEN=test-token-$$
WA_PHONE_NUMBER_ID=106540352242922
export WA_PHONE_NUMBER_ID
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT

WA_TOKEN=$TOKEN start_mock graph -o "$TMP/log.jsonl" ||
	{ echo "Bail out! bin/mock-graph did not start (make build-tests)"; exit 1; }
BACK=$PORT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>"$TMP/openssl.err" ||
	{ echo "Bail out! openssl could not make a certificate"; exit 1; }

# nghttpx takes no port 0: try a few, each until it answers or dies.
_p=$((20000 + $$ % 20000))
for _try in 1 2 3 4 5; do
	nghttpx --conf=/dev/null --workers=1 --no-ocsp -f "127.0.0.1,$_p" -b "127.0.0.1,$BACK" \
		--accesslog-file="$TMP/access.log" \
		--accesslog-format='$alpn $protocol_version $remote_port $method $path $status' \
		--errorlog-file="$TMP/nghttpx.err" "$TMP/key.pem" "$TMP/cert.pem" >/dev/null 2>>"$TMP/nghttpx.err" &
	NGPID=$!
	PIDS="$PIDS $NGPID"
	_i=0
	until curl -sf --cacert "$TMP/cert.pem" "https://127.0.0.1:$_p/health" >/dev/null 2>&1; do
		_i=$((_i + 1))
		kill -0 $NGPID 2>/dev/null && [ $_i -le 400 ] || break
		sleep 0.05
	done
	kill -0 $NGPID 2>/dev/null && [ $_i -le 400 ] && break
	kill $NGPID 2>/dev/null
	_p=$((_p + 1))
done
kill -0 $NGPID 2>/dev/null || { echo "Bail out! nghttpx did not start"; sed 's/^/# /' "$TMP/nghttpx.err"; exit 1; }
URL=https://127.0.0.1:$_p/v21.0
: >"$TMP/access.log"

awk 'BEGIN { for (i = 1; i <= 30; i++) printf "{\"id\":\"t%d\",\"phone\":\"+4477009005%02d\",\"opt_in\":true}\n", i, i }' >"$TMP/recs.jsonl"
WA_TOKEN=$TOKEN WA_API_URL=$URL wa-send -c tls -t hello --max-retries 0 \
	"$TMP/recs.jsonl" >"$TMP/o1" 2>"$TMP/e1"
check_same "without WA_CA_FILE the certificate is not trusted: nothing sent" "1 0 0" \
	"$? $(jq -c 'select(.event == "sent")' "$TMP/o1" | wc -l | tr -d ' ') $(lines "$TMP/log.jsonl")"
check "and the reason is said" grep -qi 'certificate' "$TMP/o1"

WA_CA_FILE=$TMP/cert.pem WA_TOKEN=$TOKEN WA_API_URL=$URL wa-send -c tls -t hello --rate 200 \
	"$TMP/recs.jsonl" >"$TMP/o2" 2>"$TMP/e2"
check_same "WA_CA_FILE: all sent over TLS" "0 30" \
	"$? $(jq -c 'select(.event == "sent")' "$TMP/o2" | wc -l | tr -d ' ')"
check_same "each message arrived exactly once" "30 30" \
	"$(lines "$TMP/log.jsonl") $(jq -r .key "$TMP/log.jsonl" | sort -u | wc -l | tr -d ' ')"
check_same "every request came over HTTP/2 (ALPN h2), answered 200" \
	"30 h2 HTTP/2 POST /v21.0/$WA_PHONE_NUMBER_ID/messages 200" \
	"$(grep -c . "$TMP/access.log") $(cut -d' ' -f1,2,4- "$TMP/access.log" | sort -u)"
check "multiplexed: fewer connections than requests" \
	test "$(cut -d' ' -f3 "$TMP/access.log" | sort -u | wc -l)" -lt 30

WA_CA_FILE=$TMP/cert.pem WA_TOKEN=$TOKEN WA_API_URL=$URL wa-send -c tls -t hello \
	"$TMP/recs.jsonl" >"$TMP/o3" 2>/dev/null
check_same "a re-run sends nothing again" "0 30 30" \
	"$? $(grep -c already_sent "$TMP/o3") $(lines "$TMP/log.jsonl")"

done_testing
