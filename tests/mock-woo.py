#!/usr/bin/env python3
"""A stand-in for WooCommerce's REST API (wc/v3) for the tests of wa-import --woocommerce.

GET /wp-json/wc/v3/orders and /customers from DIR/orders.json and
DIR/customers.json (arrays, read again on every request, so a test can change
the store between runs), as WooCommerce answers them: HTTP Basic auth with the
consumer key and secret, page and per_page (at most --max-per-page), orderby
id and order, modified_after with dates_are_gmt, and the X-WP-Total and
X-WP-TotalPages headers. A wrong key gets WooCommerce's 401.

--add-after KIND:PAGE:FILE changes the store while it is read: once that
page is answered, FILE's items join it, changed now.
--fail STATUS:KIND:PAGE[:TIMES] answers that page STATUS (429 with
Retry-After: 1) the first TIMES times (1). Every request is logged to --log,
one line: "KIND page=N modified_after=V auth=ok|bad", then the status.
Prints "listening on 127.0.0.1:PORT" once it listens.
"""
import argparse
import base64
import json
import math
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

ap = argparse.ArgumentParser()
ap.add_argument("--data", required=True)
ap.add_argument("--log", required=True)
ap.add_argument("--key", required=True)
ap.add_argument("--secret", required=True)
ap.add_argument("--max-per-page", type=int, default=100)
ap.add_argument("--fail", action="append", default=[])
ap.add_argument("--add-after", default=None,
                help="KIND:PAGE:FILE: once that page is answered, add FILE's items to the store, changed now")
ap.add_argument("--echo-key", action="store_true",
                help="put the key sent in the 401 message, as a careless server would")
args = ap.parse_args()

fails = {}
for f in args.fail:
    p = f.split(":")
    fails[(p[1], int(p[2]))] = [int(p[0]), int(p[3]) if len(p) > 3 else 1]


def load(kind):
    with open(os.path.join(args.data, kind + ".json"), encoding="utf-8") as fp:
        return json.load(fp)


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def answer(self, status, body, headers=()):
        data = json.dumps(body).encode()
        # logged before the answer, or the client's next request may be logged first
        with open(args.log, "a") as lf:
            lf.write(" %d\n" % status)
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        u = urlparse(self.path)
        q = {k: v[-1] for k, v in parse_qs(u.query).items()}
        kind = u.path.rsplit("/", 1)[-1]
        page = int(q.get("page", "1"))
        given = self.headers.get("Authorization", "")
        want = "Basic " + base64.b64encode(("%s:%s" % (args.key, args.secret)).encode()).decode()
        ok = given == want
        with open(args.log, "a") as lf:
            lf.write("%s page=%d modified_after=%s auth=%s" % (kind, page, q.get("modified_after", "-"),
                                                            "ok" if ok else "bad"))
        if u.path not in ("/wp-json/wc/v3/orders", "/wp-json/wc/v3/customers"):
            return self.answer(404, {"code": "rest_no_route", "message": "No route was found matching the URL and request method.", "data": {"status": 404}})
        if not ok:
            msg = "Consumer key is invalid."
            if args.echo_key and given.startswith("Basic "):
                msg = "Consumer key %s is invalid." % base64.b64decode(given[6:]).decode().split(":")[0]
            return self.answer(401, {"code": "woocommerce_rest_authentication_error", "message": msg, "data": {"status": 401}})
        f = fails.get((kind, page))
        if f and f[1] > 0:
            f[1] -= 1
            return self.answer(f[0], {"code": "busy", "message": "Too many requests", "data": {"status": f[0]}},
                               [("Retry-After", "1")] if f[0] == 429 else [])
        items = load(kind)
        if "modified_after" in q:
            after = q["modified_after"].rstrip("Z")
            items = [i for i in items if i.get("date_modified_gmt", "") > after]
        items.sort(key=lambda i: i["id"], reverse=q.get("order", "desc") == "desc")
        per = min(int(q.get("per_page", "10")), args.max_per_page)
        pages = max(1, math.ceil(len(items) / per))
        body = items[(page - 1) * per:page * per]
        self.answer(200, body, [("X-WP-Total", str(len(items))), ("X-WP-TotalPages", str(pages))])
        add = args.add_after and args.add_after.split(":", 2)
        if add and add[0] == kind and int(add[1]) == page:
            args.add_after = None
            now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
            new = json.load(open(add[2], encoding="utf-8"))
            for i in new:
                i["date_modified_gmt"] = now
            json.dump(load(kind) + new, open(os.path.join(args.data, kind + ".json"), "w"))


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
print("listening on 127.0.0.1:%d" % srv.server_address[1], flush=True)
srv.serve_forever()
