#!/usr/bin/env python3
"""pty-passwd.py FIRST SECOND CMD...: run CMD on a terminal, answer its two
password prompts with FIRST and SECOND, and print what the terminal showed
(never the passwords, if the echo was off), then a line "echo on" or "echo
off": the terminal's echo after CMD. Exits with CMD's status."""
import os
import pty
import select
import sys
import termios

first, second, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
seen = b""
answers = [first, second]


def read_until(want):
    global seen
    while want not in seen:
        r, _, _ = select.select([fd], [], [], 10)
        if not r:
            return False
        try:
            data = os.read(fd, 1024)
        except OSError:
            return False
        if not data:
            return False
        seen += data
    return True


for prompt in (b"New password: ", b"Again: "):
    if not read_until(prompt):
        break
    os.write(fd, answers.pop(0).encode() + b"\n")
    seen = seen.replace(prompt, prompt.replace(b": ", b":: "), 1)
while select.select([fd], [], [], 10)[0]:
    try:
        data = os.read(fd, 1024)
    except OSError:
        break
    if not data:
        break
    seen += data
echo = termios.tcgetattr(fd)[3] & termios.ECHO
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode("utf-8", "replace").replace("::", ":"))
print("echo on" if echo else "echo off")
sys.exit(os.waitstatus_to_exitcode(status))
