#!/bin/sh
# The web inbox's deployment files: scripts/nginx-wa-inbox.conf as nginx -t reads it
# (TLS, the proxy to 127.0.0.1:8081, SSE unbuffered, the upload size, X-Forwarded-For
# replaced), and scripts/wa-inbox.service as systemd-analyze verifies it, hardened.
. "$(dirname "$0")/lib.sh"

plan 9
CONF=$TOP/scripts/nginx-wa-inbox.conf
UNIT=$TOP/scripts/wa-inbox.service

# What the conf says, whether or not nginx is here to read it.
check "it proxies to wa-inbox on 127.0.0.1:8081 only" sh -c \
	"n=\$(grep -c 'proxy_pass http://127.0.0.1:8081;' '$CONF'); [ \"\$n\" -ge 2 ] && [ \"\$n\" = \"\$(grep -c 'proxy_pass ' '$CONF')\" ]"
check "/events is not buffered" sh -c \
	"sed -n '/location = \\/events/,/}/p' '$CONF' | grep -q 'proxy_buffering off;'"
check "X-Forwarded-For is replaced by the address nginx saw, never appended to" sh -c \
	"grep -q 'X-Forwarded-For \$remote_addr;' '$CONF' && ! grep -q proxy_add_x_forwarded_for '$CONF'"

if command -v nginx >/dev/null 2>&1; then
	make_cert
	mkdir -p "$TMP/ngx/logs"
	sed "s|/etc/letsencrypt/live/inbox.shop.example/fullchain.pem|$TMP/cert.pem|; \
		s|/etc/letsencrypt/live/inbox.shop.example/privkey.pem|$TMP/key.pem|" "$CONF" >"$TMP/site.conf"
	cat >"$TMP/nginx.conf" <<EOC
pid $TMP/ngx/nginx.pid;
error_log $TMP/ngx/error.log;
events {}
http {
	access_log off;
	client_body_temp_path $TMP/ngx/body;
	proxy_temp_path $TMP/ngx/proxy;
	fastcgi_temp_path $TMP/ngx/fastcgi;
	uwsgi_temp_path $TMP/ngx/uwsgi;
	scgi_temp_path $TMP/ngx/scgi;
	include $TMP/site.conf;
}
EOC
	check "nginx -t accepts it" nginx -t -q -p "$TMP/ngx" -c "$TMP/nginx.conf"
else
	echo "ok 4 # SKIP nginx is not installed"
	_n=$((_n + 1))
fi

check "the unit hardens the server" sh -c "for k in NoNewPrivileges=yes ProtectSystem=strict \
	ReadWritePaths=/var/lib/wa PrivateTmp=yes ProtectHome=yes PrivateDevices=yes \
	RestrictAddressFamilies= CapabilityBoundingSet= SystemCallFilter=@system-service; do \
	grep -q \"^\$k\" '$UNIT' || { echo \"no \$k\"; exit 1; }; done"
check "it runs wa-inbox serve on 127.0.0.1:8081 behind the proxy" \
	grep -q '^ExecStart=/usr/local/bin/wa-inbox serve -l 127.0.0.1:8081 --trust-proxy$' "$UNIT"
if command -v systemd-analyze >/dev/null 2>&1; then
	# the unit as installed, with this checkout's program in /usr/local/bin's place
	sed "s|/usr/local/bin/wa-inbox|$TOP/bin/wa-inbox|" "$UNIT" >"$TMP/wa-inbox.service"
	systemd-analyze verify "$TMP/wa-inbox.service" >"$TMP/verify.out" 2>&1
	check_same "systemd-analyze verify: exit 0" 0 "$?"
	check_same "and no warning (an unknown key is only a warning)" "" "$(cat "$TMP/verify.out")"
	systemd-analyze security --offline=true "$TMP/wa-inbox.service" >"$TMP/sec.out" 2>&1
	check "systemd-analyze security: exposure OK" \
		grep -q 'Overall exposure level for wa-inbox.service: [0-9.]* OK' "$TMP/sec.out"
else
	for i in 7 8 9; do echo "ok $i # SKIP systemd-analyze is not installed"; done
	_n=$((_n + 3))
fi
done_testing
