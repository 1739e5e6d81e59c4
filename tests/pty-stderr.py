#!/usr/bin/env python3
"""pty-stderr.py RAW SCREEN CMD...: run CMD with its stderr on a terminal.

CMD's stdin and stdout stay as they are. What CMD writes to the terminal is
saved as it came to RAW, as it comes (a test may wait for it), and to SCREEN as a terminal would show it: a
carriage return goes back to the start of the line, and later text writes
over earlier text. Exits with CMD's status (128 + N for a signal N).
"""
import os
import pty
import subprocess
import sys


def screen(data):
    lines, cur, col = [], [], 0
    for ch in data.decode("utf-8", "replace"):
        if ch == "\n":
            lines.append("".join(cur).rstrip())
            cur, col = [], 0
        elif ch == "\r":
            col = 0
        else:
            if col < len(cur):
                cur[col] = ch
            else:
                cur.append(ch)
            col += 1
    if cur:
        lines.append("".join(cur).rstrip())
    return "".join(line + "\n" for line in lines)


def main():
    raw, scr, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
    master, slave = pty.openpty()
    child = subprocess.Popen(cmd, stderr=slave)
    os.close(slave)
    data = b""
    with open(raw, "wb") as f:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every writer has closed the terminal
                break
            if not chunk:
                break
            data += chunk
            f.write(chunk)
            f.flush()
    rc = child.wait()
    with open(scr, "w", encoding="utf-8") as f:
        f.write(screen(data))
    sys.exit(128 - rc if rc < 0 else rc)


main()
