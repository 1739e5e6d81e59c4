#!/bin/sh
# wa-link: click-to-chat links, their encoding, the source tag, QR codes read back by zbarimg, the button.
. "$(dirname "$0")/lib.sh"
unset WA_BUSINESS_NUMBER

# url-decode stdin's text= value back to the text (jq's @uri is the reverse)
untext() { sed 's/^[^?]*?text=//' | perl -pe 's/%([0-9A-F]{2})/chr(hex($1))/ge'; }

check_same "a bare link: digits only" "https://wa.me/447700900123" "$(wa-link -n '+44 7700 900123')"
check_same "00 works as +" "https://wa.me/447700900123" "$(wa-link -n 0044-7700-900123)"
check_same "WA_BUSINESS_NUMBER when there is no -n" "https://wa.me/5511987654321" \
	"$(WA_BUSINESS_NUMBER='+55 11 98765-4321' wa-link)"
check_same "-n wins over WA_BUSINESS_NUMBER" "https://wa.me/447700900123" \
	"$(WA_BUSINESS_NUMBER=+5511987654321 wa-link -n +447700900123)"

text='Olá! "Café & crème" ≥ 2? 👍 50% off/#1+'
link=$(wa-link -n +447700900123 -m "$text")
check_same "accents, emoji, &, ?, %, /, #, + and spaces: every byte percent-encoded" \
	"https://wa.me/447700900123?text=Ol%C3%A1%21%20%22Caf%C3%A9%20%26%20cr%C3%A8me%22%20%E2%89%A5%202%3F%20%F0%9F%91%8D%2050%25%20off%2F%231%2B" \
	"$link"
check_same "the same as perl encoding every byte but A-Za-z0-9-._~" \
	"https://wa.me/447700900123?text=$(printf '%s' "$text" | perl -pe 's/([^A-Za-z0-9\-._~])/sprintf("%%%02X", ord($1))/ge')" "$link"
check_same "and decodes to the text" "$text" "$(printf '%s\n' "$link" | untext)"

link=$(wa-link -n +447700900123 -m 'Is this in stock?' --ref product:sku123)
check_same "--ref: the tag visible at the end of the text" "Is this in stock? [ref: product:sku123]" \
	"$(printf '%s\n' "$link" | untext)"
check_same "--ref alone" "[ref: email-signature]" \
	"$(wa-link -n +447700900123 --ref email-signature | untext)"

# QR codes, read back
check "--qr png -o FILE" wa-link -n +447700900123 -m "$text" --ref order-page --qr png -o "$TMP/q.png"
want=$(wa-link -n +447700900123 -m "$text" --ref order-page)
check_same "the PNG has a PNG signature" "89504e47" "$(od -An -tx1 -N4 "$TMP/q.png" | tr -d ' ')"
check_same "zbarimg reads the PNG back to the same link" "$want" \
	"$(zbarimg -q --raw "$TMP/q.png" 2>/dev/null)"
check_same "with --qr the link still goes to stdout" "$want" \
	"$(wa-link -n +447700900123 -m "$text" --ref order-page --qr png -o "$TMP/q2.png")"
check "--qr svg -o FILE" wa-link -n +447700900123 -m "$text" --ref order-page --qr svg -o "$TMP/q.svg"
check_same "the SVG is an SVG" '<svg xmlns="http://www.w3.org/2000/svg"' \
	"$(sed -n 2p "$TMP/q.svg" | cut -d' ' -f1-2)"
# zbarimg's ImageMagick has no SVG renderer here: draw the path's runs as a PBM
awk -v S=4 '
/viewBox=/ { match($0, /viewBox="0 0 [0-9]+/); w = substr($0, RSTART + 13, RLENGTH - 13) + 0 }
/ d="/ {
	d = $0; sub(/.* d="/, "", d); sub(/".*/, "", d)
	n = split(d, runs, "z")
	for (i = 1; i <= n; i++) {
		if (runs[i] !~ /^M[0-9]+ [0-9]+h[0-9]+v1h-[0-9]+$/) continue
		split(substr(runs[i], 2), a, /[ hv]/)
		for (x = a[1]; x < a[1] + a[3]; x++) dark[a[2], x] = 1
	}
}
END {
	print "P1"; print w * S, w * S
	for (y = 0; y < w * S; y++) {
		line = ""
		for (x = 0; x < w * S; x++) line = line (((int(y / S), int(x / S)) in dark) ? "1 " : "0 ")
		print line
	}
}' "$TMP/q.svg" >"$TMP/q.pbm"
check_same "zbarimg reads the SVG's modules back to the same link" "$want" \
	"$(zbarimg -q --raw "$TMP/q.pbm" 2>/dev/null)"
wa-link -n +447700900123 --qr svg -o - >"$TMP/q3.svg"
check_same "-o -: the SVG on stdout, no link line" "</svg>" "$(tail -1 "$TMP/q3.svg")"

# the button
html=$(wa-link -n +447700900123 -m 'Hi & hello' --ref order-page --html --label 'Ask us <now> & "soon"')
check_same "--html: one <a> with the link, escaped for HTML" \
	'<a href="https://wa.me/447700900123?text=Hi%20%26%20hello%20%5Bref%3A%20order-page%5D" target="_blank" rel="noopener" aria-label="Ask us &lt;now&gt; &amp; &quot;soon&quot; (WhatsApp, opens in a new tab)" style="display:inline-block;padding:12px 20px;border-radius:24px;background:#25D366;color:#0B141A;font:600 16px/1.2 system-ui,sans-serif;text-decoration:none">Ask us &lt;now&gt; &amp; &quot;soon&quot;</a>' \
	"$html"
case $html in *'<script'*|*' on'[a-z]*'='*) r=1 ;; *) r=0 ;; esac
check_same "no script, no event handler" 0 $r
check_same "--html: a default label" "Chat on WhatsApp</a>" \
	"$(wa-link -n +447700900123 --html | sed 's/.*>\(Chat on WhatsApp<\/a>\)$/\1/')"

# usage errors
check_status "no number: exit 2" 2 wa-link
check_status "a number that is no phone: exit 2" 2 wa-link -n 12ab
check_status "a national number without a country: exit 2" 2 wa-link -n 07700900123
check_status "a tag with a space: exit 2" 2 wa-link -n +447700900123 --ref 'two words'
check_status "--qr without -o: exit 2" 2 wa-link -n +447700900123 --qr png
check_status "--qr gif: exit 2" 2 wa-link -n +447700900123 --qr gif -o "$TMP/x"
check_status "--label without --html: exit 2" 2 wa-link -n +447700900123 --label x
check_status "text that is not UTF-8: exit 2" 2 wa-link -n +447700900123 -m "$(printf 'caf\351')"
check_status "an unwritable -o: exit 3" 3 wa-link -n +447700900123 --qr png -o /nonexistent/q.png
done_testing
