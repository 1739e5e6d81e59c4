#!/usr/bin/env python3
"""A stand-in for the Shopify Admin GraphQL API, for wa-import --shopify.

Serves customers and orders from JSON lines files (GraphQL nodes; an order's
"lineItems" a plain list of line item nodes), a page at a time by cursor,
filtered by query: "updated_at:>'TIME'" and sorted by updatedAt. It charges
each query a cost from a leaky bucket and answers THROTTLED when the bucket
cannot pay, runs bulk operations and serves their JSONL (children apart,
with __parentId), can answer 429 or 5xx or die at a given request, and
checks the X-Shopify-Access-Token header. Each request is logged as a JSON
line: n, op, first, after, query, available (before), cost, throttled,
status, token (was the right token sent).

Prints 'listening on 127.0.0.1:PORT' when ready.
"""
import argparse
import bisect
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERSION = "2024-10"
PATH = "/admin/api/%s/graphql.json" % VERSION


def load(path):
    out = []
    if path:
        with open(path) as f:
            for line in f:
                if line.strip():
                    out.append(json.loads(line))
    out.sort(key=lambda n: (norm_time(n.get("updatedAt", "")), n["id"]))
    return out


class State:
    def __init__(self, a):
        self.a = a
        self.data = {"customers": load(a.customers), "orders": load(a.orders)}
        self.cache = {}
        self.keys = {k: [(norm_time(n.get("updatedAt", "")), n["id"]) for n in v]
                     for k, v in self.data.items()}
        self.max = float(a.bucket)
        self.avail = 0.0 if a.start_empty else self.max
        self.rate = float(a.restore)
        self.t = None if a.start_empty else time.monotonic()
        self.n = 0
        self.fail = {}
        for spec in a.fail or []:
            k, v = spec.split(":")
            self.fail[int(k)] = int(v)
        self.bulk = None
        self.lock = threading.Lock()
        self.log = open(a.log, "a") if a.log else None

    def refill(self):
        now = time.monotonic()
        if self.t is None:
            # --start-empty: empty at the first query, however long the start took
            self.t = now
        self.avail = min(self.max, self.avail + (now - self.t) * self.rate)
        self.t = now

    def note(self, rec):
        if self.log:
            self.log.write(json.dumps(rec) + "\n")
            self.log.flush()


S = None


def since_of(q):
    m = re.search(r"updated_at:>'([^']*)'", q or "")
    return m.group(1) if m else ""


def norm_time(t):
    # "2024-05-01T10:00:00Z" and "2024-05-01T10:00:00+00:00" compare alike
    return t.replace("+00:00", "Z")


def select(kind, q):
    """Where the records of KIND updated after the query's time start."""
    return bisect.bisect_right(S.keys[kind], (norm_time(since_of(q)), "\uffff"))


def connection_of(query):
    for kind in ("customers", "orders"):
        if re.search(r"\b%s\s*\(" % kind, query) or re.search(r"\b%s\s*\{" % kind, query):
            return kind
    return None


def line_first(query):
    m = re.search(r"lineItems\s*\(\s*first\s*:\s*(\d+)", query)
    return int(m.group(1)) if m else 0


def node_cost(kind, n, lif):
    if kind == "customers":
        return 2
    return 2 + (min(len(n.get("lineItems", [])), lif) if n is not None else lif)


def as_node(kind, n, lif):
    out = dict(n)
    if kind == "orders":
        items = n.get("lineItems", [])[:lif]
        out["lineItems"] = {"edges": [{"node": i} for i in items],
                            "pageInfo": {"hasNextPage": len(n.get("lineItems", [])) > lif,
                                         "endCursor": "li:%d" % len(items)}}
    return out


def order_items(query, v):
    """order(id:) { lineItems(first:, after:) }: the rest of an order's items."""
    lif = line_first(query)
    n = next((o for o in S.data["orders"] if o["id"] == v.get("id")), None)
    if n is None:
        return {"order": None}, 1, 1, None
    after = v.get("after") or "li:0"
    if not after.startswith("li:"):
        return None, 0, 0, "Invalid cursor"
    start = int(after[3:])
    items = n.get("lineItems", [])
    chunk = items[start:start + lif]
    conn = {"edges": [{"node": i} for i in chunk],
            "pageInfo": {"hasNextPage": start + lif < len(items),
                         "endCursor": "li:%d" % (start + len(chunk))}}
    return {"order": {"lineItems": conn}}, 2 + lif, 2 + len(chunk), None


class RawJSON(str):
    """JSON text already made, put in an answer as it is."""


def node_json(kind, n, lif):
    key = (n["id"], lif)
    if key not in S.cache:
        S.cache[key] = json.dumps(as_node(kind, n, lif))
    return S.cache[key]


def page(kind, query, v):
    first = int(v.get("first") or 0)
    if first < 1 or first > 250:
        return None, 0, 0, "first must be between 1 and 250"
    lif = line_first(query)
    nodes, keys = S.data[kind], S.keys[kind]
    start = select(kind, v.get("query"))
    after = v.get("after")
    if after:
        # like Shopify's, a cursor names the last record's sort key, not a position
        if not after.startswith("cur:") or "|" not in after:
            return None, 0, 0, "Invalid cursor"
        start = max(start, bisect.bisect_right(keys, tuple(after[4:].split("|", 1))))
    chunk = nodes[start:start + first]
    curs = [json.dumps("cur:%s|%s" % k) for k in keys[start:start + first]]
    # nodes are serialized once each: 100,000 orders are served in seconds
    edges = ",".join('{"cursor":%s,"node":%s}' % (c, node_json(kind, n, lif))
                     for c, n in zip(curs, chunk))
    info = json.dumps({"hasNextPage": start + first < len(nodes),
                       "endCursor": json.loads(curs[-1]) if curs else None})
    requested = 2 + first * node_cost(kind, None, lif)
    actual = 2 + sum(node_cost(kind, n, lif) for n in chunk)
    if S.a.no_refund:
        actual = requested
    return RawJSON('{"%s":{"edges":[%s],"pageInfo":%s}}' % (kind, edges, info)), \
        requested, actual, None


def bulk_jsonl(kind, inner):
    lines = []
    for n in S.data[kind][select(kind, inner):]:
        parent = dict(n)
        items = parent.pop("lineItems", [])
        lines.append(json.dumps(parent))
        for it in items:
            c = dict(it)
            c["__parentId"] = n["id"]
            lines.append(json.dumps(c))
    if S.a.bulk_shuffle:
        # children need not follow their parent (groupObjects: false)
        lines = [l for l in lines if "__parentId" in l] + \
                [l for l in lines if "__parentId" not in l]
    return ("\n".join(lines) + "\n") if lines else ""


def bulk_op(query, v):
    if "bulkOperationRunQuery" in query:
        inner = v.get("query") or ""
        kind = connection_of(inner)
        S.bulk = {"id": "gid://shopify/BulkOperation/%d" % (S.n,), "kind": kind,
                  "polls": 0, "body": bulk_jsonl(kind, inner)}
        return {"bulkOperationRunQuery": {
            "bulkOperation": {"id": S.bulk["id"], "status": "CREATED"},
            "userErrors": []}}
    b = S.bulk
    if b is None:
        return {"currentBulkOperation": None}
    b["polls"] += 1
    done = b["polls"] > S.a.bulk_polls
    url = None
    if done and b["body"]:
        url = "http://127.0.0.1:%d/bulk/%s.jsonl" % (S.port, b["id"].rsplit("/", 1)[1])
    return {"currentBulkOperation": {
        "id": b["id"], "status": "COMPLETED" if done else "RUNNING",
        "errorCode": None, "objectCount": str(b["body"].count("\n")),
        "url": url, "partialDataUrl": None}}


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, obj, headers=()):
        body = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        m = re.match(r"^/bulk/(\d+)\.jsonl$", self.path)
        tok = self.headers.get("X-Shopify-Access-Token")
        with S.lock:
            S.n += 1
            S.note({"n": S.n, "op": "download", "token": tok is not None})
            b = S.bulk
        if not m or b is None:
            return self.send(404, {"errors": "Not Found"})
        self.send(200, b["body"].encode())

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n)
        with S.lock:
            S.n += 1
            return self.answer(S.n, raw)

    def answer(self, num, raw):
        rec = {"n": num}
        if num == S.a.crash_at:
            S.note(dict(rec, op="crash"))
            os._exit(1)
        if num in S.fail:
            st = S.fail[num]
            S.note(dict(rec, op="fail", status=st))
            hdr = [("Retry-After", "0.1")] if st == 429 else []
            return self.send(st, {"errors": "injected %d" % st}, hdr)
        if self.path != PATH:
            S.note(dict(rec, op="bad-path", path=self.path, status=404))
            return self.send(404, {"errors": "Not Found"})
        tok = self.headers.get("X-Shopify-Access-Token")
        rec["token"] = tok == S.a.token
        if S.a.echo_token:
            # some servers quote the credential back in an error
            S.note(dict(rec, op="echo", status=200))
            return self.send(200, {"errors": [{"message": "Access denied for token %s" % tok}]})
        if tok != S.a.token:
            S.note(dict(rec, op="auth", status=401))
            msg = "[API] Invalid API key or access token (unrecognized login or wrong password)"
            return self.send(401, {"errors": msg})
        try:
            req = json.loads(raw)
            query, v = req["query"], req.get("variables") or {}
        except (ValueError, KeyError, TypeError):
            S.note(dict(rec, op="garbage", status=400))
            return self.send(400, {"errors": {"query": "Required parameter missing or invalid"}})
        S.refill()
        if "bulkOperationRunQuery" in query or "currentBulkOperation" in query:
            data, requested, actual, err = bulk_op(query, v), 10, 10, None
            rec["op"] = "bulk"
        elif re.search(r"\border\s*\(", query):
            rec.update(op="order", id=v.get("id"), after=v.get("after"))
            data, requested, actual, err = order_items(query, v)
        else:
            kind = connection_of(query)
            rec.update(op=kind, first=v.get("first"), after=v.get("after"),
                       query=v.get("query"))
            if kind is None:
                data, requested, actual, err = None, 1, 1, "unknown field"
            else:
                data, requested, actual, err = page(kind, query, v)
        rec.update(available=round(S.avail, 2), cost=requested)
        if not err and requested > min(1000, S.max):
            S.note(dict(rec, status=200, error="MAX_COST_EXCEEDED"))
            return self.send(200, {"errors": [{
                "message": "Query cost is %d, which exceeds the single query max cost limit (%d)."
                % (requested, min(1000, S.max)),
                "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested,
                               "maxCost": min(1000, S.max)}}]})
        if err:
            S.note(dict(rec, status=200, error=err))
            return self.send(200, {"errors": [{"message": err}]})
        cost = {"requestedQueryCost": requested,
                "throttleStatus": {"maximumAvailable": S.max,
                                   "currentlyAvailable": int(S.avail),
                                   "restoreRate": S.rate}}
        if S.avail < requested:
            S.note(dict(rec, throttled=True, status=200))
            return self.send(200, {"errors": [{"message": "Throttled",
                                               "extensions": {"code": "THROTTLED"}}],
                                   "extensions": {"cost": cost}})
        S.avail -= actual
        cost["actualQueryCost"] = actual
        cost["throttleStatus"]["currentlyAvailable"] = int(S.avail)
        S.note(dict(rec, throttled=False, status=200))
        if isinstance(data, RawJSON):
            body = '{"data":%s,"extensions":%s}' % (data, json.dumps({"cost": cost}))
            return self.send(200, body.encode())
        self.send(200, {"data": data, "extensions": {"cost": cost}})


def main():
    global S
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-l", default="127.0.0.1:0", help="ADDR:PORT to listen on")
    p.add_argument("-c", dest="customers", help="customers, JSON lines")
    p.add_argument("-O", dest="orders", help="orders, JSON lines")
    p.add_argument("-t", dest="token", default="shpat_mock_token_0000",
                   help="the access token expected")
    p.add_argument("-b", dest="bucket", default=1000, type=float, help="bucket size")
    p.add_argument("-r", dest="restore", default=50, type=float, help="restore rate /s")
    p.add_argument("-o", dest="log", help="log requests here (JSON lines)")
    p.add_argument("--fail", action="append", help="N:STATUS answer request N so")
    p.add_argument("--crash-at", type=int, default=0, help="exit at request N")
    p.add_argument("--start-empty", action="store_true", help="the bucket starts empty")
    p.add_argument("--no-refund", action="store_true",
                   help="charge the requested cost, not the actual one")
    p.add_argument("--echo-token", action="store_true",
                   help="answer every query with an error that quotes the token sent")
    p.add_argument("--bulk-polls", type=int, default=2,
                   help="polls a bulk operation answers RUNNING")
    p.add_argument("--bulk-shuffle", action="store_true",
                   help="write bulk children before their parents")
    a = p.parse_args()
    S = State(a)
    host, port = a.l.rsplit(":", 1)
    if host not in ("127.0.0.1", "localhost"):
        sys.exit("mock-shopify: listens on loopback only")
    srv = ThreadingHTTPServer((host, int(port)), H)
    srv.daemon_threads = True
    S.port = srv.server_address[1]
    print("listening on 127.0.0.1:%d" % S.port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
