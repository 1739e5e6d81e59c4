#!/usr/bin/python3
# Each message file named (as smtp-sink.py writes them) as a JSON line:
# its headers decoded (RFC 2047) and its text and HTML parts decoded, for
# the e-mail tests to check with jq.
import email
import email.policy
import json
import sys


def main():
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            raw = f.read()
        m = email.message_from_bytes(raw, policy=email.policy.default)
        out = {"file": path.rsplit("/", 1)[-1], "crlf": b"\n" not in
               raw.replace(b"\r\n", b"")}
        for h in ("From", "To", "Subject", "Reply-To", "Message-ID",
                  "List-Unsubscribe", "List-Unsubscribe-Post", "Date"):
            v = m.get(h)
            out[h.lower().replace("-", "_")] = None if v is None else str(v)
        out["type"] = m.get_content_type()
        for p in m.walk():
            if p.get_content_type() in ("text/plain", "text/html"):
                out[p.get_content_subtype()] = p.get_content()
        print(json.dumps(out))


if __name__ == "__main__":
    sys.exit(main())
