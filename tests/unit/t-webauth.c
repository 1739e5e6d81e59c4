/*
 * Unit tests for the web inbox's auth (common/passwd.c, sessions.c,
 * throttle.c, roles.c): scrypt passwords, sessions across two opens of
 * their file, CSRF tokens, the login throttle over a simulated clock,
 * and who may see which conversation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wa.h"
#include "inbox.h"
#include "web.h"
#include "tap.h"

#define T0 1795428000
#define IDLE 1800

static char dir[] = "/tmp/t-webauth.XXXXXX";

static char *
slurp(const char *path)
{
	static char buf[8192];
	FILE *fp = fopen(path, "r");
	size_t n = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;

	if (fp)
		fclose(fp);
	buf[n] = '\0';
	return buf;
}

static void
passwords(void)
{
	char agents[512], err[256], *s;
	FILE *fp;

	snprintf(agents, sizeof agents, "%s/agents", dir);
	fp = fopen(agents, "w");
	fputs("# team\nann dept=sales\nbob dept=support role=owner\n", fp);
	fclose(fp);
	isnum(wa_pw_set(agents, "ann", "correct horse battery", err, sizeof err), 0, "password set");
	s = slurp(agents);
	ok(strstr(s, "# team\nann dept=sales pw=scrypt$32768$8$1$") == s, "a pw= word added to ann's line");
	ok(strstr(s, "\nbob dept=support role=owner\n") != NULL, "bob's line kept");
	ok(strstr(s, "correct horse") == NULL, "no password in the file");
	isnum(wa_pw_check(agents, "ann", "correct horse battery"), 1, "right password");
	isnum(wa_pw_check(agents, "ann", "correct horse batterY"), 0, "wrong password");
	isnum(wa_pw_check(agents, "ann", ""), 0, "empty password");
	isnum(wa_pw_check(agents, "bob", "correct horse battery"), 0, "an agent without a password");
	isnum(wa_pw_check(agents, "zed", "correct horse battery"), 0, "unknown agent");
	isnum(wa_pw_check(agents, NULL, "correct horse battery"), 0, "no agent");
	isnum(wa_pw_set(agents, "zed", "correct horse battery", err, sizeof err), 2, "unknown agent: 2");
	isnum(wa_pw_set(agents, "ann", "short", err, sizeof err), 2, "short password: 2");
	isnum(wa_pw_set(agents, "ann", "a new passphrase", err, sizeof err), 0, "changed");
	isnum(wa_pw_check(agents, "ann", "correct horse battery"), 0, "the old one no longer");
	isnum(wa_pw_check(agents, "ann", "a new passphrase"), 1, "the new one");
	isnum(wa_pw_set(agents, "bob", "bob's passphrase", err, sizeof err), 0, "bob's set");
	s = slurp(agents);
	ok(strstr(s, "\nbob dept=support role=owner pw=scrypt$") != NULL &&
	    strstr(s, "\nann dept=sales pw=scrypt$") != NULL &&
	    strchr(strstr(s, "\nann dept=sales pw=scrypt$") + 1, '\n') != NULL, "each its own word, replaced in place");
	isnum(wa_pw_check(agents, "ann", "a new passphrase"), 1, "ann's unchanged by bob's");
	/* a hand-made hash asking too much memory is never run */
	fp = fopen(agents, "w");
	fputs("eve pw=scrypt$1073741824$8$1$00000000000000000000000000000000$"
	    "0000000000000000000000000000000000000000000000000000000000000000\n", fp);
	fclose(fp);
	isnum(wa_pw_check(agents, "eve", ""), 0, "a cost too high: refused");
}

static void
sessions(void)
{
	char path[512], sid[WA_SID_HEX], sid2[WA_SID_HEX], tok[WA_SID_HEX], bad[WA_SID_HEX];
	struct wa_sessions *s, *t;

	snprintf(path, sizeof path, "%s/web-sessions", dir);
	s = wa_sess_open(path, IDLE);
	ok(s != NULL, "opened without a file");
	isnum(wa_sess_new(s, "ann", T0, sid), 0, "new session");
	isnum((long long)strlen(sid), 64, "id: 64 hex digits");
	ok(strstr(slurp(path), sid) == NULL, "the file holds no id");
	ok(strstr(slurp(path), " ann 1795428000 1795428000\n") != NULL, "the file: hash, agent, created, seen");
	isnum(wa_sess_new(s, "bob", T0, sid2), 0, "a second session");
	ok(strcmp(sid, sid2) != 0, "ids differ");
	is(wa_sess_agent(s, sid, T0 + 10), "ann", "lookup");
	is(wa_sess_agent(s, sid2, T0 + 10), "bob", "lookup of the second");
	ok(wa_sess_agent(s, "00", T0) == NULL, "not an id");
	ok(wa_sess_agent(s, NULL, T0) == NULL, "no id");
	strcpy(bad, sid);
	bad[0] = bad[0] == 'a' ? 'b' : 'a';
	ok(wa_sess_agent(s, bad, T0) == NULL, "another id");
	/* a second opener of the file: another server, or after a restart */
	t = wa_sess_open(path, IDLE);
	is(wa_sess_agent(t, sid, T0 + 20), "ann", "seen by a second open");
	is(wa_sess_agent(s, sid, T0 + IDLE), "ann", "still at the idle limit");
	is(wa_sess_agent(s, sid, T0 + 2 * IDLE), "ann", "used: its idle time starts again");
	ok(wa_sess_agent(s, sid2, T0 + 2 * IDLE) == NULL, "idle too long: expired");
	ok(wa_sess_agent(t, sid2, T0 + 2 * IDLE) == NULL, "expired for the other open too");
	wa_sess_end(s, sid);
	ok(wa_sess_agent(s, sid, T0 + 2 * IDLE) == NULL, "ended");
	ok(wa_sess_agent(t, sid, T0 + 2 * IDLE) == NULL, "ended for the other open, which read the file again");
	/* logout-all, from another process */
	isnum(wa_sess_new(s, "ann", T0, sid), 0, "ann again");
	isnum(wa_sess_new(t, "ann", T0, sid2), 0, "and on another device");
	is(wa_sess_agent(s, sid2, T0 + 1), "ann", "each sees the other's");
	isnum(wa_sess_new(s, "bob", T0, bad), 0, "bob");
	isnum(wa_sess_end_agent(path, "ann"), 2, "logout-all: two sessions");
	ok(wa_sess_agent(s, sid, T0 + 2) == NULL && wa_sess_agent(t, sid2, T0 + 2) == NULL,
	    "both gone for both opens");
	is(wa_sess_agent(t, bad, T0 + 2), "bob", "bob's kept");
	isnum(wa_sess_end_agent(path, "ann"), 0, "none left");
	ok(wa_sess_new(s, "a b", T0, sid) < 0, "a name with a space: no session");
	/* CSRF */
	wa_csrf_token(s, bad, tok);
	isnum((long long)strlen(tok), 64, "token: 64 hex digits");
	ok(strcmp(tok, bad) != 0, "not the id");
	ok(wa_csrf_ok(s, bad, tok), "token ok");
	ok(!wa_csrf_ok(s, sid, tok), "another session's token: no");
	ok(!wa_csrf_ok(s, bad, ""), "empty: no");
	ok(!wa_csrf_ok(s, bad, NULL), "none: no");
	tok[63] = tok[63] == '0' ? '1' : '0';
	ok(!wa_csrf_ok(s, bad, tok), "one digit changed: no");
	tok[63] = '\0';
	ok(!wa_csrf_ok(s, bad, tok), "cut short: no");
	wa_csrf_token(t, bad, tok);
	ok(!wa_csrf_ok(s, bad, tok), "another server's key: no");
	wa_sess_close(s);
	wa_sess_close(t);
}

static void
throttle(void)
{
	struct wa_throttle *t = wa_throttle_new();
	time_t now = T0;
	char buf[64];
	int i, w, tried = 0, waited = 0;

	isnum(wa_login_wait(t, "ann", "203.0.113.9", now), 0, "a first try");
	/* 100 wrong passwords as fast as the throttle lets them be tried */
	for (i = 0; i < 100; i++, now++) {
		if (wa_login_wait(t, "ann", "203.0.113.9", now) > 0) {
			waited++;
			continue;
		}
		tried++;
		wa_login_result(t, "ann", "203.0.113.9", 0, now);
	}
	ok(tried <= 12 && waited >= 88, "100 wrong in 100 s: a dozen tried at most, the rest 429");
	ok((w = wa_login_wait(t, "ann", "203.0.113.9", now)) > 0, "the guesser waits");
	isnum(wa_login_wait(t, "ann", "198.51.100.7", now), 0, "ann from elsewhere does not");
	wa_login_result(t, "ann", "198.51.100.7", 1, now);
	isnum(wa_login_wait(t, "bob", "203.0.113.9", now), 0, "bob from the guesser's address: not yet");
	now += w;
	isnum(wa_login_wait(t, "ann", "203.0.113.9", now), 0, "after its Retry-After, a try");
	wa_login_result(t, "ann", "203.0.113.9", 0, now);
	ok(wa_login_wait(t, "ann", "203.0.113.9", now) > w, "a failure more: a longer wait");
	for (i = 0; i < 30; i++, now += 3600)
		wa_login_result(t, "ann", "203.0.113.9", 0, now);
	ok(wa_login_wait(t, "ann", "203.0.113.9", now) <= 900, "the wait stops at 15 minutes");
	wa_throttle_free(t);

	/* many addresses against one agent: the agent's own address still gets in */
	t = wa_throttle_new();
	now = T0;
	wa_login_result(t, "ann", "192.0.2.1", 1, now);
	for (i = 0; i < 60; i++) {
		snprintf(buf, sizeof buf, "198.51.100.%d", i);
		wa_login_result(t, "ann", buf, 0, now);
	}
	ok(wa_login_wait(t, "ann", "198.51.100.200", now) > 0, "a new address waits for ann");
	ok(wa_login_wait(t, "ann", "198.51.100.200", now) <= 600, "at most 10 minutes");
	isnum(wa_login_wait(t, "ann", "192.0.2.1", now), 0, "ann's known address does not");
	isnum(wa_login_wait(t, "bob", "198.51.100.200", now), 0, "another agent does not");
	isnum(wa_login_wait(t, "ann", "198.51.100.200", now + 3600), 0, "the agent's limit expires");
	/* one address trying every agent */
	for (i = 0; i < 40; i++) {
		snprintf(buf, sizeof buf, "agent%d", i);
		wa_login_result(t, buf, "203.0.113.50", 0, now);
	}
	ok(wa_login_wait(t, "agent99", "203.0.113.50", now) > 0, "spraying agents from one address waits");
	isnum(wa_login_wait(t, "agent99", "203.0.113.51", now), 0, "its neighbour does not");
	wa_throttle_free(t);

	is(wa_login_addr("127.0.0.1", "203.0.113.9", 0, buf, sizeof buf), "127.0.0.1",
	    "X-Forwarded-For ignored without --trust-proxy");
	is(wa_login_addr("127.0.0.1", "10.0.0.1, 203.0.113.9", 1, buf, sizeof buf), "203.0.113.9",
	    "with it, the last address, the one nginx saw");
	is(wa_login_addr("127.0.0.1", "junk", 1, buf, sizeof buf), "127.0.0.1", "a bad one: the peer");
	is(wa_login_addr("2001:db8:1:2:3:4:5:6", NULL, 0, buf, sizeof buf), "2001:db8:1:2::/64",
	    "IPv6: its /64");
}

static void
roles(void)
{
	struct wa_agent owner = { 0 }, sales = { 0 }, any = { 0 };
	struct wa_conv c = { 0 };
	char *d[] = { "sales" };

	owner.name = "olga", owner.owner = 1, owner.dept = d, owner.ndept = 1;
	sales.name = "sam", sales.dept = d, sales.ndept = 1;
	any.name = "al";
	c.dept = "support";
	ok(wa_web_may_see(&owner, &c), "an owner sees another department's");
	ok(!wa_web_may_see(&sales, &c), "an agent does not");
	ok(wa_web_may_see(&any, &c), "an agent of every department does");
	c.agent = "sam";
	ok(wa_web_may_see(&sales, &c), "an agent sees what is assigned to them");
	c.agent = NULL, c.dept = "sales";
	ok(wa_web_may_see(&sales, &c), "and their department's");
	c.dept = NULL;
	ok(!wa_web_may_see(&sales, &c), "not one routed nowhere yet");
	ok(!wa_web_may_see(NULL, &c), "no agent: nothing");
}

/* The ids and hashes both files keep go through hash.c's hex. */
static void
hex(void)
{
	unsigned char b[3] = { 0x00, 0xa5, 0xff }, d[3];
	char h[7];

	wa_hex_enc(h, b, 3);
	is(h, "00a5ff", "bytes as lower-case hex");
	ok(wa_hex_dec(h, d, 3) == 0 && memcmp(b, d, 3) == 0, "and back");
	ok(wa_hex_dec("00A5FF", d, 3) < 0, "upper case is no hex of ours");
	ok(wa_hex_dec("00a5", d, 3) < 0, "too short");
	ok(wa_hex_dec("00a5ff$", d, 3) == 0, "what follows is the caller's");
}

int
main(void)
{
	char path[512];

	wa_init_name("t-webauth");
	if (mkdtemp(dir) == NULL)
		return 1;
	hex();
	passwords();
	sessions();
	throttle();
	roles();
	snprintf(path, sizeof path, "%s/agents", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/web-sessions", dir);
	unlink(path);
	rmdir(dir);
	return done_testing();
}
