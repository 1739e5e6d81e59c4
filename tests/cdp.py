#!/usr/bin/python3
# Headless Chromium driven through its DevTools protocol, for the web
# inbox's tests: a script of commands on stdin, one a line (words split as
# the shell does; a line "# ..." a comment), run in order; what a command
# reads goes to stdout, a line each (JSON for eval).  Everything the pages do is recorded in DIR:
#
#   console.jsonl  console messages, exceptions and log entries (CSP
#                  violations, failed loads): {"page", "kind", "level", "text"}
#   dialogs.jsonl  alert/confirm/prompt dialogs, each dismissed at once
#   requests       every URL a page asked for, "PAGE URL" a line
#
#   cdp.py -d DIR [-b CHROMIUM] <SCRIPT
#
# Commands (SEL a CSS selector, SECS a time limit, 10 by default):
#   page NAME            switch to page NAME, opened in a browser context of
#                        its own (its own cookies) when new; "main" at first
#   all NAME,NAME... CMD ARG...
#                        run the command on those pages at once (two
#                        agents clicking together)
#   viewport W H         the page's width and height in CSS px (a phone's
#                        touch and scale below 600 px)
#   goto URL             load URL and wait for its load event
#   wait SEL [SECS]      until an element matches SEL
#   until EXPR [SECS]    until the JavaScript EXPR is true
#   type SEL TEXT        focus SEL, select what it holds, type TEXT over it
#   choose SEL VALUE     set a <select> to VALUE, as a user picking it
#   click SEL            a mouse click in the middle of SEL
#   follow SEL           click SEL and wait for the page it loads
#   upload SEL FILE...   give the file input SEL these files
#   eval EXPR            print EXPR's value as JSON (a promise awaited)
#   took                 print how long the last wait or until waited (s)
#   run CMD ARG...       run a command, its output as ours (a webhook
#                        posted while a page is open); fails when it does
#   sleep SECS
#
# Exit 0; 1 when a command failed (said on stderr with its line number, the
# records still written); 2 when Chromium could not start.
import argparse
import asyncio
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import websockets


class Fail(Exception):
    pass


class Browser:
    """One DevTools connection; pages are sessions on it (flat mode)."""

    def __init__(self, ws, rec):
        self.ws, self.rec = ws, rec
        self.n = 0
        self.pending = {}
        self.pages = {}  # session id -> Page

    async def read(self):
        async for raw in self.ws:
            m = json.loads(raw)
            if "id" in m:
                fut = self.pending.pop(m["id"], None)
                if fut and not fut.done():
                    fut.set_result(m)
            elif m.get("sessionId") in self.pages:
                self.pages[m["sessionId"]].event(m["method"], m.get("params", {}))

    async def send(self, method, session=None, **params):
        self.n += 1
        msg = {"id": self.n, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        fut = asyncio.get_running_loop().create_future()
        self.pending[self.n] = fut
        await self.ws.send(json.dumps(msg))
        m = await asyncio.wait_for(fut, 60)
        if "error" in m:
            raise Fail("%s: %s" % (method, m["error"].get("message")))
        return m.get("result", {})


class Page:
    def __init__(self, b, name):
        self.b, self.name = b, name
        self.loads = 0
        self.loaded = asyncio.Event()
        self.took = 0.0

    async def open(self):
        b = self.b
        ctx = (await b.send("Target.createBrowserContext"))["browserContextId"]
        tid = (await b.send("Target.createTarget", url="about:blank", browserContextId=ctx))["targetId"]
        self.sid = (await b.send("Target.attachToTarget", targetId=tid, flatten=True))["sessionId"]
        b.pages[self.sid] = self
        for domain in ("Page", "Runtime", "Log", "Network"):
            await self.send(domain + ".enable")

    def send(self, method, **params):
        return self.b.send(method, self.sid, **params)

    def event(self, method, p):
        rec = self.b.rec
        if method == "Page.loadEventFired":
            self.loads += 1
            self.loaded.set()
        elif method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            rec.console(self.name, "console", p.get("type"), text)
        elif method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            rec.console(self.name, "exception", "error",
                        d.get("exception", {}).get("description") or d.get("text"))
        elif method == "Log.entryAdded":
            e = p.get("entry", {})
            rec.console(self.name, "log", e.get("level"), "%s %s" % (e.get("text"), e.get("url", "")))
        elif method == "Page.javascriptDialogOpening":
            rec.dialog(self.name, p.get("type"), p.get("message"))
            asyncio.ensure_future(self.send("Page.handleJavaScriptDialog", accept=False))
        elif method == "Network.requestWillBeSent":
            rec.request(self.name, p["request"]["url"])

    async def eval(self, expr):
        r = await self.send("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise Fail(d.get("exception", {}).get("description") or d.get("text"))
        return r["result"].get("value")

    async def until(self, expr, secs, what):
        loop = asyncio.get_running_loop()
        start = loop.time()
        end = start + secs
        while True:
            try:
                if await self.eval(expr):
                    self.took = loop.time() - start
                    return
            except Fail:
                pass  # the page is between two documents
            if loop.time() > end:
                raise Fail("%s: not after %g s" % (what, secs))
            await asyncio.sleep(0.05)

    async def element(self, sel, js):
        """Run js(e) on the element SEL, scrolled into view; its value."""
        r = await self.eval("(e => e === null ? {none: 1} : {v: (%s)(e)})(document.querySelector(%s))"
                            % (js, json.dumps(sel)))
        if "none" in r:
            raise Fail("no element %s" % sel)
        return r.get("v")

    async def click(self, sel):
        x, y = await self.element(sel, "e => { e.scrollIntoView({block: 'center'}); "
                                  "const r = e.getBoundingClientRect(); "
                                  "return [r.x + r.width / 2, r.y + r.height / 2]; }")
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            await self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    async def load(self, start, secs):
        """Wait for the load event of what start() begins."""
        n = self.loads
        self.loaded.clear()
        await start()
        loop = asyncio.get_running_loop()
        end = loop.time() + secs
        while self.loads == n:
            left = end - loop.time()
            if left <= 0:
                raise Fail("no page loaded after %g s" % secs)
            try:
                await asyncio.wait_for(self.loaded.wait(), left)
            except asyncio.TimeoutError:
                pass
            self.loaded.clear()


class Record:
    def __init__(self, d):
        self.c = open(os.path.join(d, "console.jsonl"), "a")
        self.d = open(os.path.join(d, "dialogs.jsonl"), "a")
        self.r = open(os.path.join(d, "requests"), "a")

    def console(self, page, kind, level, text):
        self.c.write(json.dumps({"page": page, "kind": kind, "level": level, "text": text}) + "\n")
        self.c.flush()

    def dialog(self, page, kind, message):
        self.d.write(json.dumps({"page": page, "type": kind, "message": message}) + "\n")
        self.d.flush()

    def request(self, page, url):
        self.r.write("%s %s\n" % (page, url))
        self.r.flush()


async def command(b, cur, w):
    """Run one command's words; the page now current."""
    p = b.pages[cur] if cur else None
    op, a = w[0], w[1:]
    secs = lambda i: float(a[i]) if len(a) > i else 10.0
    if op == "page":
        for s, q in b.pages.items():
            if q.name == a[0]:
                return s
        q = Page(b, a[0])
        await q.open()
        return q.sid
    if op == "all":
        sids = [await command(b, None, ["page", n]) for n in a[0].split(",")]
        await asyncio.gather(*(command(b, s, a[1:]) for s in sids))
        return cur
    if op == "viewport":
        width, height = int(a[0]), int(a[1])
        await p.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                     deviceScaleFactor=1, mobile=width < 600)
    elif op == "goto":
        async def nav():
            r = await p.send("Page.navigate", url=a[0])
            if r.get("errorText"):
                raise Fail("%s: %s" % (a[0], r["errorText"]))
        await p.load(nav, 30)
    elif op == "wait":
        await p.until("document.querySelector(%s) !== null" % json.dumps(a[0]), secs(1), a[0])
    elif op == "until":
        await p.until(a[0], secs(1), a[0])
    elif op == "type":
        await p.element(a[0], "e => { e.focus(); if (e.select) e.select(); }")
        await p.send("Input.insertText", text=a[1])
    elif op == "choose":
        await p.element(a[0], "e => { e.value = %s; e.dispatchEvent(new Event('input', {bubbles: true})); "
                        "e.dispatchEvent(new Event('change', {bubbles: true})); }" % json.dumps(a[1]))
    elif op == "click":
        await p.click(a[0])
    elif op == "follow":
        await p.load(lambda: p.click(a[0]), 30)
    elif op == "upload":
        doc = await p.send("DOM.getDocument")
        node = await p.send("DOM.querySelector", nodeId=doc["root"]["nodeId"], selector=a[0])
        if not node.get("nodeId"):
            raise Fail("no element %s" % a[0])
        await p.send("DOM.setFileInputFiles", nodeId=node["nodeId"], files=[os.path.abspath(f) for f in a[1:]])
    elif op == "eval":
        print(json.dumps(await p.eval(a[0]), ensure_ascii=False), flush=True)
    elif op == "took":
        print("%.3f" % p.took, flush=True)
    elif op == "run":
        r = await asyncio.create_subprocess_exec(*a)
        if await r.wait() != 0:
            raise Fail("%s: exit %d" % (a[0], r.returncode))
    elif op == "sleep":
        await asyncio.sleep(float(a[0]))
    else:
        raise Fail("unknown command %s" % op)
    return cur


async def run(port, rec, script):
    async with websockets.connect("ws://127.0.0.1:%s" % port, max_size=None, ping_interval=None) as ws:
        b = Browser(ws, rec)
        reader = asyncio.ensure_future(b.read())
        rc, cur = 0, None
        try:
            cur = await command(b, None, ["page", "main"])
            for n, line in enumerate(script, 1):
                if line.lstrip().startswith("# "):
                    continue
                w = shlex.split(line)
                if not w:
                    continue
                try:
                    cur = await command(b, cur, w)
                except (Fail, asyncio.TimeoutError, IndexError, ValueError) as e:
                    print("cdp: %d: %s: %s" % (n, w[0], e or "timed out"), file=sys.stderr)
                    rc = 1
                    break
            await asyncio.sleep(0.2)  # what the last command set off is recorded
            try:
                await asyncio.wait_for(b.send("Browser.close"), 5)
            except (Fail, asyncio.TimeoutError, websockets.ConnectionClosed):
                pass
        finally:
            reader.cancel()
        return rc


def start(chromium, d):
    """Chromium on a port of its choosing; (process, "port/path")."""
    prof = tempfile.mkdtemp(prefix="profile.", dir=d)
    args = [chromium, "--headless=new", "--remote-debugging-port=0", "--user-data-dir=" + prof,
            "--no-first-run", "--no-default-browser-check", "--no-sandbox", "--disable-gpu",
            "--no-proxy-server", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions", "--disable-default-apps", "--mute-audio",
            "--hide-scrollbars", "about:blank"]
    err = open(os.path.join(d, "chromium.log"), "a")
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=err, stderr=err)
    port_file = os.path.join(prof, "DevToolsActivePort")
    for _ in range(1200):  # a minute: the machine may be busy
        try:
            with open(port_file) as f:
                lines = f.read().split("\n")
            if len(lines) >= 2 and lines[1]:
                return proc, prof, lines[0] + lines[1]
        except FileNotFoundError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    return None, prof, None


def main():
    ap = argparse.ArgumentParser(description="drive headless Chromium by a script on stdin")
    ap.add_argument("-d", required=True, help="where the records go")
    ap.add_argument("-b", default=os.environ.get("WA_CHROMIUM") or shutil.which("chromium") or "chromium")
    o = ap.parse_args()
    os.makedirs(o.d, exist_ok=True)
    rec = Record(o.d)
    script = sys.stdin.read().split("\n")
    proc, prof, where = start(o.b, o.d)
    if proc is None:
        print("cdp: %s did not start (%s/chromium.log)" % (o.b, o.d), file=sys.stderr)
        shutil.rmtree(prof, ignore_errors=True)
        return 2
    try:
        return asyncio.run(run(where, rec, script))
    finally:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(prof, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
