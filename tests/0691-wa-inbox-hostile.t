#!/bin/sh
# Hostile customers: 30 messages and profile names carrying scripts,
# event handlers, javascript: URLs, SVG, CSS, template injection, broken
# UTF-8, RTL overrides and very long strings, posted to wa-hook as Meta
# signs them; the list and every thread opened in headless Chromium: no
# dialog, no console message, no element or attribute the page did not
# make, and each payload shown as the text it is.
. "$(dirname "$0")/lib.sh"
browser_world
mkdir -p "$TMP/bodies"
printf 'own role=owner\n' >"$WA_HOME/agents"
PW='the owner has a password'
browser_inbox "$PW" own

plan 11

# The bodies: customer K sends payload K under payload K+1 as a name; one
# more customer sends all 30, as a thread.  Raw bytes where a payload is
# no UTF-8 (JSON cannot escape those).
/usr/bin/python3 - "$TMP/bodies" "$(date +%s)" "$WA_PHONE_NUMBER_ID" <<'EOF'
import json, sys
d, now, pid = sys.argv[1], int(sys.argv[2]), sys.argv[3]
p = [
    b'<script>alert(1)</script>',
    b'<img src=x onerror=alert(2)>',
    b'<svg onload=alert(3)>',
    b'<svg><script>alert(4)</script></svg>',
    b'"><script>alert(5)</script>',
    b"'><img src=x onerror=alert(6)>",
    b'javascript:alert(7)',
    b'<a href="javascript:alert(8)">track my order</a>',
    b'<iframe src="javascript:alert(9)"></iframe>',
    b'<body onload=alert(10)>',
    b'<div style="background:url(javascript:alert(11))">x</div>',
    b'<style>*{background:url(http://evil.example/12.png)}</style>',
    b'<div style="width:expression(alert(13))">',
    b"{{constructor.constructor('alert(14)')()}}",
    b'${alert(15)}',
    b'<details open ontoggle=alert(16)>',
    b'<math><mtext><table><mglyph><style><img src=x onerror=alert(17)>',
    b'</textarea><script>alert(18)</script>',
    b'</title><script>alert(19)</script>',
    b'<!--<img src="--><img src=x onerror=alert(20)//">',
    b'<object data="javascript:alert(21)"></object><embed src="javascript:alert(21)">',
    b'<link rel=stylesheet href=http://evil.example/22.css><base href="http://evil.example/">',
    b'<meta http-equiv="refresh" content="0;url=javascript:alert(23)">',
    '\ufeff\ufffe\uffff\ufdd0 \x85\x9b<script>alert(24)</script> \u200b\u200d\u2028 Z\u0336\u0337\u0338\u0489 \ufffd\U0001F4A9'.encode(),
    '\u202egpj.exe <img src=x onerror=alert(25)> \u202d\u2066\u2067 '.encode(),
    b'W' * 6000 + b'<script>alert(26)</script>',
    b'&lt;script&gt;alert(27)&lt;/script&gt; &amp;amp; &#60;b&#62;',
    b'<form action=http://evil.example/28><input name=x autofocus onfocus=alert(28)><button>go</button></form>',
    b'<video><source onerror=alert(29)></video><audio src=x onerror=alert(29)>',
    b'%3Cscript%3Ealert(30)%3C/script%3E <x contenteditable onblur=alert(30)>x</x> \xe2\x80\xa8\xe2\x80\xa9',
]
assert len(p) == 30

def esc(b):
    """b as the inside of a JSON string, raw bytes kept raw."""
    out = bytearray()
    for c in b:
        if c in b'"\\':
            out += b'\\' + bytes([c])
        elif c < 0x20:
            out += b'\\u%04x' % c
        else:
            out.append(c)
    return bytes(out)

def body(name, wa_id, wamid, ts, text):
    return (b'{"object":"whatsapp_business_account","entry":[{"id":"880480571844883","changes":[{"field":"messages",'
            b'"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881",'
            b'"phone_number_id":"' + pid.encode() + b'"},"contacts":[{"profile":{"name":"' + esc(name) +
            b'"},"wa_id":"' + wa_id + b'"}],"messages":[{"from":"' + wa_id + b'","id":"' + wamid +
            b'","timestamp":"' + str(ts).encode() + b'","type":"text","text":{"body":"' + esc(text) + b'"}}]}}]}]}')

# and broken UTF-8, which JSON cannot carry and Meta never sends: in a text, in a name
broken = b'\xff\xfe<script>alert(31)</script>\xc3\x28 \xed\xa0\x80 \xf0\x28\x8c\x28 end\xe2\x82'
open('%s/u1.json' % d, 'wb').write(body(b'Broken', b'447700900298', b'wamid.U1', now - 700, broken))
open('%s/u2.json' % d, 'wb').write(body(broken, b'447700900297', b'wamid.U2', now - 700, b'my name is broken'))
for k in range(30):
    w = b'4477009002%02d' % k
    open('%s/%02d.json' % (d, k), 'wb').write(body(p[(k + 1) % 30], w, b'wamid.H%02d' % k, now - 600 + k, p[k]))
    open('%s/t%02d.json' % (d, k), 'wb').write(body(b'Thread <b>owner</b>', b'447700900299', b'wamid.T%02d' % k, now - 300 + k, p[k]))
EOF
codes=$(for f in "$TMP"/bodies/*.json; do hook_post "$f"; echo; done | sort | uniq -c | awk '{ print $2 ":" $1 }' | paste -sd' ' -)
check_same "62 hostile webhooks (2 of broken UTF-8): wa-hook took each" "200:62" "$codes"
check_same "... and stored the 60 messages of valid UTF-8" 60 \
	"$(jq -r 'select(.event == "message") | .wamid' "$WA_HOME/events.jsonl" | grep -c '^wamid\.[HT]')"
WA_TOKEN=$TOKEN wa-inbox list >"$TMP/list.jsonl"
THREAD=$(jq -r 'select(.phone == "+447700900299") | .id' "$TMP/list.jsonl")

# probe: what on the page nobody meant to be there; {bad: [...], scripts: [...]}
# (handlers, style attributes, elements of kinds the pages never make, links
# and forms off the server, scripts other than /app.js)
probe="(() => {
	const bad = [];
	const odd = /^(SCRIPT|STYLE|IFRAME|OBJECT|EMBED|BASE|SVG|MATH|VIDEO|AUDIO|SOURCE|DETAILS|X|MGLYPH|BODY2)\$/;
	for (const e of document.querySelectorAll('*')) {
		for (const a of e.attributes)
			if (/^on/i.test(a.name) || a.name === 'style' || a.name === 'contenteditable' || a.name === 'autofocus')
				bad.push(e.tagName + '[' + a.name + ']');
		if (odd.test(e.tagName.toUpperCase()) && !(e.tagName === 'SCRIPT' && e.getAttribute('src') === '/app.js'))
			bad.push(e.tagName);
		if (e.tagName === 'IMG' && !(e.getAttribute('src') || '').startsWith('/media/'))
			bad.push('IMG ' + e.getAttribute('src'));
		if (e.tagName === 'META' && e.hasAttribute('http-equiv'))
			bad.push('META http-equiv');
		if (e.tagName === 'LINK' && e.getAttribute('href') !== '/app.css')
			bad.push('LINK ' + e.getAttribute('href'));
		for (const at of ['href', 'action', 'src'])
			if (e.hasAttribute(at) && !/^\\/([^\\/]|\$)/.test(e.getAttribute(at)))
				bad.push(e.tagName + ' ' + at + '=' + e.getAttribute(at).slice(0, 40));
	}
	return {bad: bad, scripts: [...document.scripts].map(s => s.src)};
})()"
# texts: each message's text as the page shows it, by wamid; the title and h1
texts="(() => {
	const m = {};
	for (const e of document.querySelectorAll('.msg[data-wamid]'))
		m[e.dataset.wamid] = e.querySelector('.text').textContent;
	return {title: document.title, h1: document.querySelector('h1').textContent, msgs: m};
})()"
# q JS: JS as one quoted word of a cdp script line
q() { printf '"%s"' "$(printf '%s' "$1" | tr '\n\t' '  ' | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
names="Object.fromEntries([...document.querySelectorAll('tr.conv[data-id]')].map(r => [r.dataset.id, r.querySelector('td.name').textContent]))"
{
	printf 'viewport 390 844\ngoto %s/login\n' "$W"
	printf 'type "#login input[name=agent]" own\ntype "#login input[name=password]" "%s"\nfollow "#login button"\n' "$PW"
	printf 'wait tr.conv\nsleep 0.5\neval %s\neval %s\neval "document.documentElement.scrollWidth - innerWidth"\n' \
		"$(q "$probe")" "$(q "$names")"
	jq -r '.id' "$TMP/list.jsonl" | while read -r id; do
		printf 'goto %s/c/%s\nwait "#thread"\nsleep 0.2\neval %s\neval %s\n' "$W" "$id" \
			"$(q "$probe")" "$(q "$texts")"
	done
	printf 'goto %s/c/%s\nwait "#thread"\neval "document.documentElement.scrollWidth - innerWidth"\n' "$W" "$THREAD"
} >"$TMP/script"
cdp <"$TMP/script" >"$TMP/run" 2>"$TMP/cdp.err"
check_same "cdp: the list and every thread opened" "0:" "$?:$(cat "$TMP/cdp.err")"

check_same "no dialog" "" "$(cat "$TMP/cdp/dialogs.jsonl")"
check_same "no console message, exception or log entry" "" "$(cat "$TMP/cdp/console.jsonl")"
check_same "no element, attribute, link or script the pages did not make; only /app.js" \
	"$(printf '{"bad":[],"scripts":["%s/app.js"]}\n' "$W" | awk -v n=$(($(lines "$TMP/list.jsonl") + 1)) '{ for (i = 0; i < n; i++) print }')" \
	"$(jq -c 'select(type == "object" and has("bad"))' "$TMP/run")"
check_same "every request to the inbox itself" "" "$(cut -d' ' -f2- "$TMP/cdp/requests" | grep -v "^$W/")"

# The texts: as wa-hook stored them, shown as text, in the list and the threads.
check_same "the list: each customer's name (or phone, when none) as text" \
	"$(jq -S -c 'reduce (inputs | {(.id): (.name // .phone)}) as $x ({}; . + $x)' -n "$TMP/list.jsonl")" \
	"$(sed -n 2p "$TMP/run" | jq -S -c .)"
jq -S -c -n 'reduce (inputs | select(.event == "message") | {(.wamid): .text}) as $x ({}; . + $x)' \
	"$WA_HOME/events.jsonl" >"$TMP/want-msgs"
jq -S -c -s 'map(select(type == "object" and has("msgs")) | .msgs) | add' "$TMP/run" >"$TMP/got-msgs"
check_same "every thread: each message wa-hook stored as its text" "$(cat "$TMP/want-msgs")" "$(cat "$TMP/got-msgs")"
# (the title as document.title has it: ASCII white space stripped and collapsed)
check_same "every thread: the name as text in the title and the heading" \
	"$(jq -r '(.name // .phone) as $n | ($n | gsub("[\t\n\f\r ]+"; " ") | sub("^ "; "") | sub(" $"; "")) + "|" + $n' "$TMP/list.jsonl")" \
	"$(jq -r 'select(type == "object" and has("msgs")) | "\(.title)|\(.h1)"' "$TMP/run")"
check_same "at 390 px, the list and the thread of long strings: no sideways scroll" "0 0" \
	"$(sed -n 3p "$TMP/run" | awk '{ print ($1 > 0) ? $1 : 0 }') $(tail -1 "$TMP/run" | awk '{ print ($1 > 0) ? $1 : 0 }')"
done_testing
