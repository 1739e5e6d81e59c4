/*
 * webasset.c: app.js and app.css, compiled into the program: no build
 * step, nothing fetched from elsewhere, and the pages' policy allows
 * scripts and styles from the server itself only. The script keeps the
 * list live (/events, then the rows again from /rows) and adds nothing a
 * page needs to work: every form posts without it.
 */
#include <string.h>

#include "wa.h"
#include "web.h"
#include "web-int.h"

static const char js[] =
	"'use strict';\n"
	"(function () {\n"
	"  var rows = document.getElementById('rows');\n"
	"  if (rows && window.EventSource) {\n"
	"    var busy = false, again = false;\n"
	"    var refresh = function () {\n"
	"      if (busy) { again = true; return; }\n"
	"      busy = true;\n"
	"      fetch('/rows' + location.search, { credentials: 'same-origin',\n"
	"        headers: { 'X-Requested-With': 'fetch' } })\n"
	"        .then(function (r) { return r.ok ? r.text() : null; })\n"
	"        .then(function (t) {\n"
	"          if (t !== null) {\n"
	"            var tb = document.createElement('tbody');\n"
	"            tb.innerHTML = t;\n"
	"            rows.replaceChildren.apply(rows, Array.prototype.slice.call(tb.children));\n"
	"          }\n"
	"        })\n"
	"        .catch(function () {})\n"
	"        .then(function () { busy = false; if (again) { again = false; refresh(); } });\n"
	"    };\n"
	"    var es = new EventSource('/events');\n"
	"    es.addEventListener('change', refresh);\n"
	"  }\n"
	"  var th = document.getElementById('thread');\n"
	"  if (th && window.EventSource) {\n"
	"    var n = th.children.length;\n"
	"    var ev = new EventSource('/events');\n"
	"    ev.addEventListener('change', function () {\n"
	"      fetch(location.pathname + '/msgs', { credentials: 'same-origin',\n"
	"        headers: { 'X-Requested-With': 'fetch' } })\n"
	"        .then(function (r) { return r.ok ? r.text() : null; })\n"
	"        .then(function (t) {\n"
	"          if (t === null) return;\n"
	"          var ol = document.createElement('ol');\n"
	"          ol.innerHTML = t;\n"
	"          var li = ol.querySelector('ol');\n"
	"          th.replaceChildren.apply(th, Array.prototype.slice.call((li || ol).children));\n"
	"        })\n"
	"        .catch(function () {});\n"
	"    });\n"
	"  }\n"
	"})();\n";

static const char css[] =
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:15px/1.4 system-ui,sans-serif;color:#1b1b1b;background:#f6f6f4}\n"
	"header{display:flex;flex-wrap:wrap;gap:.5em;align-items:center;padding:.5em 1em;"
	"background:#0b5d4b;color:#fff}\n"
	"header a{color:#fff;font-weight:600;text-decoration:none}\n"
	"header .me{margin-left:auto}\n"
	"header form{margin:0}\n"
	"main{padding:.75em;max-width:1200px;margin:0 auto}\n"
	"h1{font-size:1.3em;margin:.3em 0;overflow-wrap:anywhere}\n"
	"form{display:flex;flex-wrap:wrap;gap:.5em;align-items:end;margin:.5em 0}\n"
	"label{display:flex;flex-direction:column;font-size:.85em;max-width:100%}\n"
	"input,select,textarea,button{font:inherit;max-width:100%}\n"
	"textarea{width:100%;min-width:16em}\n"
	"button{padding:.35em .9em;border:0;border-radius:4px;background:#0b5d4b;color:#fff}\n"
	"table{width:100%;border-collapse:collapse;background:#fff}\n"
	"th,td{padding:.35em .5em;border-bottom:1px solid #ddd;text-align:left;"
	"vertical-align:top;overflow-wrap:anywhere}\n"
	"tr.breached td{background:#fdecea}\n"
	"td.last{max-width:24em}\n"
	"pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}\n"
	".card{background:#fff;padding:.5em;border-radius:4px}\n"
	"#thread{list-style:none;padding:0}\n"
	".msg{margin:.4em 0;padding:.4em .6em;border-radius:6px;background:#fff;"
	"max-width:85%;overflow-wrap:anywhere}\n"
	".msg.out{margin-left:auto;background:#dcf3e6}\n"
	".msg.log{max-width:100%;background:none;color:#555;font-size:.85em}\n"
	".msg time,.msg .status{color:#666;font-size:.8em}\n"
	".msg img{display:block;max-width:100%;max-height:20em;margin-top:.3em}\n"
	".error,.collision{padding:.5em;border-radius:4px;background:#fdecea;color:#8a1c10}\n"
	".collision{background:#fff4d6;color:#6b4b00}\n"
	"#window.closed{color:#8a1c10}\n"
	"@media (max-width:700px){\n"
	" thead{display:none}\n"
	" table,tbody,tr,td{display:block;width:100%}\n"
	" tr.conv{margin-bottom:.5em;border:1px solid #ddd}\n"
	" td{border:0;padding:.15em .5em}\n"
	" td.name{font-weight:600}\n"
	" .msg{max-width:100%}\n"
	"}\n";

enum MHD_Result
web_asset(struct MHD_Connection *c, const char *url)
{
	struct wa_buf b = { 0 };
	int isjs = strcmp(url, "/app.js") == 0;

	wa_buf_adds(&b, isjs ? js : css);
	return web_send(c, MHD_HTTP_OK, isjs ? "text/javascript; charset=utf-8" :
	    "text/css; charset=utf-8", &b);
}
