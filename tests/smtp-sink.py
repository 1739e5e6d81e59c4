#!/usr/bin/python3
# An SMTP server for the tests (aiosmtpd): each delivered message becomes a
# file in DIR, each event a line of DIR/log.jsonl, with faults on demand.
#
#   smtp-sink.py -d DIR [--cert PEM --key PEM] [--auth] [--rcpt-5xx RE]
#                [--rcpt-4xx RE] [--soft-times N] [--drop RE] [--smtputf8]
#
# --cert/--key   offer STARTTLS with that certificate, and require it
# --auth         require AUTH (after STARTTLS) as $SINK_AUTH, "user:password"
# --rcpt-5xx RE  answer 550 to RCPT TO an address matching RE
# --rcpt-4xx RE  answer 451 to RCPT TO an address matching RE, its first
#                N times (--soft-times; 0, the default: always)
# --drop RE      for a recipient matching RE, take the message (it is
#                written, as a server may deliver what it never confirmed)
#                and drop the connection before answering the data
# --ack-delay S  wait S seconds between keeping a message and answering it:
#                the time a kill of the client leaves the outcome unknown
# --smtputf8     offer SMTPUTF8 (RFC 6531); without it, as aiosmtpd does by
#                default, a command line that is not ASCII gets a 500
#
# It says "listening on 127.0.0.1:PORT" on stdout once it listens.
import argparse
import asyncio
import json
import os
import re
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, a):
        self.a = a
        self.n = 0
        self.nconn = 0
        self.soft = {}
        self.log = open(os.path.join(a.d, "log.jsonl"), "a")

    def conn(self, session):
        if not hasattr(session, "sink_conn"):
            self.nconn += 1
            session.sink_conn = self.nconn
        return session.sink_conn

    def event(self, session, ev, **kw):
        kw.update(event=ev, conn=self.conn(session))
        self.log.write(json.dumps(kw) + "\n")
        self.log.flush()

    async def handle_RCPT(self, server, session, envelope, address, options):
        a = self.a
        self.conn(session)
        if a.rcpt_5xx and re.search(a.rcpt_5xx, address):
            self.event(session, "rcpt_5xx", to=address)
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if a.rcpt_4xx and re.search(a.rcpt_4xx, address):
            k = self.soft.get(address, 0) + 1
            self.soft[address] = k
            if a.soft_times == 0 or k <= a.soft_times:
                self.event(session, "rcpt_4xx", to=address)
                return "451 4.3.0 <%s>: try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def keep(self, envelope):
        self.n += 1
        name = "%06d.eml" % self.n
        path = os.path.join(self.a.d, name)
        with open(path + ".tmp", "wb") as f:
            f.write(envelope.content)
        os.rename(path + ".tmp", path)
        return name

    async def handle_DATA(self, server, session, envelope):
        name = self.keep(envelope)
        if self.a.ack_delay > 0:
            await asyncio.sleep(self.a.ack_delay)
        drop = self.a.drop and any(re.search(self.a.drop, t)
                                   for t in envelope.rcpt_tos)
        self.event(session, "dropped" if drop else "delivered", file=name,
                   sender=envelope.mail_from, to=envelope.rcpt_tos,
                   smtputf8=bool(envelope.smtp_utf8))
        if drop:
            server.transport.abort()
            return "250 OK (unheard)"
        return "250 OK queued as %s" % name


def authenticator(want):
    def check(server, session, envelope, mechanism, data):
        ok = isinstance(data, LoginPassword) and \
            "%s:%s" % (data.login.decode(), data.password.decode()) == want
        return AuthResult(success=ok, handled=False)
    return check


def main():
    p = argparse.ArgumentParser()
    p.add_argument("-d", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--auth", action="store_true")
    p.add_argument("--rcpt-5xx")
    p.add_argument("--rcpt-4xx")
    p.add_argument("--soft-times", type=int, default=0)
    p.add_argument("--drop")
    p.add_argument("--ack-delay", type=float, default=0)
    p.add_argument("--smtputf8", action="store_true")
    a = p.parse_args()
    os.makedirs(a.d, exist_ok=True)
    sink = Sink(a)
    ctx = None
    if a.cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
    kw = dict(hostname="sink.test", tls_context=ctx,
              require_starttls=ctx is not None, enable_SMTPUTF8=a.smtputf8)
    if a.auth:
        kw.update(authenticator=authenticator(os.environ["SINK_AUTH"]),
                  auth_required=True, auth_require_tls=ctx is not None)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    srv = loop.run_until_complete(loop.create_server(
        lambda: SMTP(sink, loop=loop, **kw), "127.0.0.1", 0))
    print("listening on 127.0.0.1:%d" % srv.sockets[0].getsockname()[1],
          flush=True)
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
