#!/usr/bin/env python3
"""hook-load: hostile clients for tests/0510-wa-hook-abuse.t.

  hook-load.py idle PORT N [SRC]          N connections that send nothing
  hook-load.py hold PORT N LEN SEND [SRC] N POSTs of Content-Length LEN that
                                          send SEND bytes of body, then stall
  hook-load.py trickle PORT SECS [head]   one POST whose body (or with head,
                                          a header) comes a byte each 0.2 s,
                                          for SECS at most

idle and hold print "open K" once K connections are made (then "alive K",
those the server has not closed, after a second), and stay until killed.
trickle prints "cut" when the server closes or answers before SECS, else
"not cut". SRC is a source address (another 127.x.y.z), default none.
"""
import socket
import sys
import threading
import time


def connect(port, src):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if src:
        s.bind((src, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    return s


def alive(socks):
    n = 0
    for s in socks:
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                continue
        except BlockingIOError:
            pass
        except OSError:
            continue
        n += 1
    return n


def send(s, data):
    s.settimeout(2)
    try:
        s.sendall(data)
    except OSError:
        pass


def many(port, n, src, head, body):
    socks, threads = [], []
    for _ in range(n):
        try:
            s = connect(port, src)
        except OSError:
            continue
        socks.append(s)
        if head:
            # each in its own thread: a server that stops reading one
            # holds up no other
            t = threading.Thread(target=send, args=(s, head + body))
            t.start()
            threads.append(t)
    for t in threads:
        t.join()
    print("open", len(socks), flush=True)
    time.sleep(1)
    print("alive", alive(socks), flush=True)
    while True:
        time.sleep(60)


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "idle":
        src = sys.argv[4] if len(sys.argv) > 4 else None
        many(port, int(sys.argv[3]), src, b"", b"")
    elif mode == "hold":
        n, size, send = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        src = sys.argv[6] if len(sys.argv) > 6 else None
        head = ("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: "
                "application/json\r\nContent-Length: %d\r\n\r\n" % size).encode()
        many(port, n, src, head, b"x" * send)
    elif mode == "trickle":
        secs = float(sys.argv[3])
        s = connect(port, None)
        s.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Length: 100000\r\n")
        if sys.argv[4:] != ["head"]:
            s.sendall(b"\r\n")
        else:
            s.sendall(b"X-Slow: ")
        start = time.time()
        while time.time() - start < secs:
            try:
                s.send(b"x")
                s.setblocking(False)
                if s.recv(1) == b"":
                    raise OSError
            except BlockingIOError:
                pass
            except OSError:
                print("cut", flush=True)
                return
            time.sleep(0.2)
        print("not cut", flush=True)
    else:
        sys.exit(__doc__)


main()
