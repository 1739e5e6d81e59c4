#!/bin/sh
# wa-inbox passwd and logout-all: the web inbox's password as scrypt in the agents file
# (every other byte kept, its mode kept, the hash never printed), sessions ended by agent.
. "$(dirname "$0")/lib.sh"

plan 32
mkdir -p "$WA_HOME"
A=$WA_HOME/agents
# comments, tabs, a CRLF line, trailing blanks, a last line without its newline
printf '# the team\nann\tdept=sales email=ann@shop.example\r\n\nbob   dept=support  role=owner   \n  # carl left\ncarl dept=support' >"$A"
chmod 640 "$A"
cp "$A" "$TMP/agents.orig"
# the file without the pw words (each " pw=..." where it was added)
nopw() { sed 's/ pw=scrypt\$[0-9a-f$]*//' "$1"; }

echo 'correct horse battery' | wa-inbox passwd ann >"$TMP/out" 2>"$TMP/err"
check_same "passwd from stdin: exit 0, nothing said" "0 0 0" \
	"$? $(wc -c <"$TMP/out" | tr -d ' ') $(wc -c <"$TMP/err" | tr -d ' ')"
check_same "ann's line has one pw= word" 1 "$(grep -c '^ann	dept=sales email=ann@shop.example pw=scrypt\$32768\$8\$1\$[0-9a-f]\{32\}\$[0-9a-f]\{64\}'"$(printf '\r')"'$' "$A")"
nopw "$A" >"$TMP/agents.back"
check "every other byte kept: the file without the pw word is the old one" cmp "$TMP/agents.orig" "$TMP/agents.back"
check_same "its mode kept (0640)" 640 "$(stat -c %a "$A")"
check "the password itself is not in the file" sh -c "! grep -q 'correct horse' '$A'"
HASH=$(grep -o 'pw=scrypt[^ 	]*' "$A" | tr -d '\r' | cut -d'$' -f6)
SALT=$(grep -o 'pw=scrypt[^ 	]*' "$A" | cut -d'$' -f5)
check "scrypt N=32768 r=8 p=1 of the password and salt is the hash (Python's hashlib)" /usr/bin/python3 -c '
import hashlib, sys
pw, salt, want = sys.argv[1:]
got = hashlib.scrypt(pw.encode(), salt=bytes.fromhex(salt), n=32768, r=8, p=1, maxmem=64 << 20, dklen=32)
sys.exit(got.hex() != want)' 'correct horse battery' "$SALT" "$HASH"

echo 'correct horse battery' | wa-inbox passwd ann 2>&1
check "the same password again: another salt, another hash" sh -c "! grep -q '$HASH' '$A'"
check_same "still one pw word on ann's line" 1 "$(grep -o 'pw=scrypt' "$A" | wc -l | tr -d ' ')"
echo 'a long one for carl' | wa-inbox passwd carl 2>&1
echo 'and one for bob too' | wa-inbox passwd bob 2>&1
nopw "$A" >"$TMP/agents.back"
check "three passwords set, the rest of the file as it was" cmp "$TMP/agents.orig" "$TMP/agents.back"
check "the last line still ends without a newline" sh -c "[ \"\$(tail -c 1 '$A' | od -An -tx1 | tr -d ' ')\" != 0a ]"
check_same "mode still 0640" 640 "$(stat -c %a "$A")"
HASHES=$(grep -o 'pw=scrypt[^ 	]*' "$A" | tr -d '\r' | cut -d'$' -f6)

cp "$A" "$TMP/agents.before"
echo 'short' | wa-inbox passwd ann >"$TMP/out" 2>"$TMP/err"
check_same "a short password: exit 2" 2 "$?"
check "it says why" grep -q 'wa-inbox: passwd: a password of 10 characters at least' "$TMP/err"
check "the file untouched" cmp "$TMP/agents.before" "$A"
echo 'correct horse battery' | wa-inbox passwd zed >"$TMP/out" 2>"$TMP/err"
check_same "an unknown agent: exit 2" 2 "$?"
check "it says so" grep -q "no agent 'zed'" "$TMP/err"
check "the file untouched" cmp "$TMP/agents.before" "$A"
wa-inbox passwd ann </dev/null >"$TMP/out" 2>"$TMP/err"
check_same "no password on stdin: exit 2" 2 "$?"
check_status "passwd without an agent: usage, exit 2" 2 wa-inbox passwd
check_status "logout-all of an unknown agent: exit 2" 2 wa-inbox logout-all zed

# On a terminal (pty-passwd.py): asked twice without echo, the echo back on after.
cp "$A" "$TMP/agents.before"
/usr/bin/python3 "$TOP/tests/pty-passwd.py" 'typed at a tty' 'typed at a tty' wa-inbox passwd ann >"$TMP/tty" 2>&1
check_same "on a terminal: asked twice, exit 0, the echo back on" "0 1 1 echo on" \
	"$? $(grep -c '^New password: ' "$TMP/tty") $(grep -c '^Again: ' "$TMP/tty") $(tail -n 1 "$TMP/tty")"
check "what was typed was not echoed" sh -c "! grep -q 'typed at' '$TMP/tty'"
check "and it was set" sh -c "! cmp -s '$TMP/agents.before' '$A'"
cp "$A" "$TMP/agents.before"
/usr/bin/python3 "$TOP/tests/pty-passwd.py" 'typed at a tty' 'typed at a TTY' wa-inbox passwd ann >"$TMP/tty" 2>&1
check_same "two different answers: exit 2, said, the echo back on" "2 1 echo on" \
	"$? $(grep -c 'the two passwords differ' "$TMP/tty") $(tail -n 1 "$TMP/tty")"
check "the file untouched" cmp "$TMP/agents.before" "$A"

# The agents file with pw= and role= still reads for the other forms.
check_status "wa-inbox list reads the agents file with pw= and role=" 0 wa-inbox list -o json

# Sessions: a server's lines for two agents; logout-all ends ann's only.
S=$WA_HOME/web-sessions
{
	printf '%064d ann 1795428000 1795428100\n' 1
	printf '%064d bob 1795428000 1795428200\n' 2
	printf '%064d ann 1795429000 1795429000\n' 3
} >"$S"
chmod 600 "$S"
ino=$(stat -c %i "$S")
wa-inbox logout-all ann >"$TMP/out" 2>"$TMP/err"
check_same "logout-all: exit 0, nothing on stdout" "0 0" "$? $(wc -c <"$TMP/out" | tr -d ' ')"
check "it says how many it ended" grep -q 'logout-all: ann: 2 sessions ended' "$TMP/err"
printf '%064d bob 1795428000 1795428200\n' 2 >"$TMP/sess.want"
check "only bob's session is left, as it was" cmp "$TMP/sess.want" "$S"
check_same "the file was replaced (a new inode, mode 0600), so a server sees the change" "yes 600" \
	"$([ "$(stat -c %i "$S")" != "$ino" ] && echo yes) $(stat -c %a "$S")"

# No output of any form carries a hash, even about a bad line holding one.
cp "$A" "$TMP/agents.good"
printf '\npw=scrypt$1$2$3$%s$%s\ndee pw=scrypt$1$1$1$aa$bb color=red\n' "$SALT" "$HASH" >>"$A"
wa-inbox list >"$TMP/o1" 2>&1
wa-inbox logout-all bob >"$TMP/o2" 2>&1
echo 'correct horse battery' | wa-inbox passwd ann >"$TMP/o3" 2>&1
check "the agents file's errors say pw=... not the hash" grep -q 'agents:[0-9]*: pw=\.\.\.: want the agent' "$TMP/o1"
cp "$TMP/agents.good" "$A"
wa-inbox list -o json >"$TMP/o4" 2>&1
wa-inbox --agent ann list >"$TMP/o5" 2>&1
found=
for h in $HASH $HASHES $SALT; do
	grep -l "$h" "$TMP"/o[1-5] >/dev/null && found="$found $h"
done
check_same "no hash or salt in any output" "" "$found"
done_testing
