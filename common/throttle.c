/*
 * throttle.c: failed logins slowed down, in the server's memory.
 *
 * Why this shape. A lock-out per agent stops a guesser, but it also locks
 * the agent out: anyone could keep a support team from working by typing
 * wrong passwords. A limit per address alone lets a guesser with many
 * addresses try on. So three counters, each answering the question of
 * one attack, and none able to keep the real agent out for long:
 *
 * - per (agent, address): five tries free, then each failure doubles a
 *   wait (1 s, 2 s, 4 s, ... at most 15 minutes), and a success clears
 *   it. One guesser gets about a hundred tries a day; the agent, typing
 *   from another address, is not touched, and typing from the same one
 *   waits out what the last failure set (seconds after a few typos).
 * - per address, over every agent: a bucket of 30 failures leaking one
 *   each 30 s, so that one address trying one password on every agent
 *   (spraying) is slowed too. Its wait is at most 15 minutes.
 * - per agent, over every address: a looser bucket of 20 failures leaking
 *   one each 30 s, against many addresses guessing one agent. It binds
 *   only addresses the agent has not logged in from before (remembered
 *   here for 30 days), so the agent at their usual desk or phone is never
 *   kept out, and it waits at most 10 minutes anywhere else.
 *
 * A try that must wait is answered 429 with Retry-After, and its password
 * is not even hashed, so the throttle also bounds the scrypt work an
 * attacker can cause. The table holds at most MAXENT entries: when full,
 * those with nothing left to say go, then the oldest.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "web.h"

#define FREE 5			/* failures of a pair before any wait */
#define PAIRMAX 900		/* a pair's longest wait */
#define LEAK 30			/* seconds a bucket takes to forget one failure */
#define ADDRMAX 30		/* failures an address may have in its bucket */
#define ADDRCAP 900
#define AGENTMAX 20
#define AGENTCAP 600
#define KNOWN (30 * 86400)	/* an address the agent logged in from, this long */
#define MAXENT 20000

enum { PAIR, ADDR, AGENT, KNOWNAT };

struct ent {
	int kind;
	char *key;		/* "agent\naddr", the address, the agent */
	long fails;		/* PAIR: failures since the last success */
	double level;		/* ADDR, AGENT: the bucket at AT */
	time_t at, until;	/* the last change; PAIR: no try before UNTIL */
};

struct wa_throttle {
	struct ent *e;
	size_t n, cap;
};

struct wa_throttle *
wa_throttle_new(void)
{
	return wa_calloc(1, sizeof(struct wa_throttle));
}

void
wa_throttle_free(struct wa_throttle *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->e[i].key);
	free(t->e);
	free(t);
}

static double
level(const struct ent *e, time_t now)
{
	double l = e->level - (double)(now - e->at) / LEAK;

	return l > 0 ? l : 0;
}

/* Does E still say anything at NOW? */
static int
live(const struct ent *e, time_t now)
{
	switch (e->kind) {
	case PAIR: return e->fails > 0 && now - e->at < 86400;
	case KNOWNAT: return now - e->at < KNOWN;
	default: return level(e, now) > 0;
	}
}

static void
dropent(struct wa_throttle *t, size_t i)
{
	free(t->e[i].key);
	t->e[i] = t->e[--t->n];
}

/* Room for one more: the dead go, then, if still full, the oldest. */
static void
room(struct wa_throttle *t, time_t now)
{
	size_t i, old = 0;

	for (i = t->n; i-- > 0;)
		if (!live(&t->e[i], now))
			dropent(t, i);
	if (t->n < MAXENT)
		return;
	for (i = 1; i < t->n; i++)
		if (t->e[i].at < t->e[old].at)
			old = i;
	dropent(t, old);
}

/* The entry of KIND and KEY; made (empty) when MAKE, else NULL when none. */
static struct ent *
get(struct wa_throttle *t, int kind, const char *key, int make, time_t now)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->e[i].kind == kind && strcmp(t->e[i].key, key) == 0)
			return &t->e[i];
	if (!make)
		return NULL;
	if (t->n >= MAXENT)
		room(t, now);
	t->e = wa_grow(t->e, &t->cap, t->n, sizeof *t->e);
	memset(&t->e[t->n], 0, sizeof *t->e);
	t->e[t->n].kind = kind;
	t->e[t->n].key = wa_strdup(key);
	t->e[t->n].at = now;
	return &t->e[t->n++];
}

/* Seconds until bucket E is back at MAX, at most CAP. */
static long
bucketwait(const struct ent *e, double max, long cap, time_t now)
{
	double l = e ? level(e, now) : 0;
	long w;

	if (l <= max)
		return 0;
	w = (long)((l - max) * LEAK) + 1;
	return w < cap ? w : cap;
}

static void
bucketadd(struct ent *e, double max, long cap, time_t now)
{
	double top = max + (double)cap / LEAK;

	e->level = level(e, now) + 1;
	if (e->level > top)
		e->level = top;
	e->at = now;
}

int
wa_login_wait(struct wa_throttle *t, const char *agent, const char *addr,
    time_t now)
{
	char *pair = wa_strjoin(agent ? agent : "", "\n", addr ? addr : "");
	struct ent *e;
	long w = 0, b;

	if ((e = get(t, PAIR, pair, 0, now)) && e->until > now)
		w = (long)(e->until - now);
	if ((b = bucketwait(get(t, ADDR, addr ? addr : "", 0, now), ADDRMAX, ADDRCAP, now)) > w)
		w = b;
	if (get(t, KNOWNAT, pair, 0, now) == NULL &&
	    (b = bucketwait(get(t, AGENT, agent ? agent : "", 0, now), AGENTMAX, AGENTCAP, now)) > w)
		w = b;
	free(pair);
	return (int)w;
}

void
wa_login_result(struct wa_throttle *t, const char *agent, const char *addr,
    int ok, time_t now)
{
	char *pair = wa_strjoin(agent ? agent : "", "\n", addr ? addr : "");
	struct ent *e = get(t, PAIR, pair, 1, now);
	long w;

	if (ok) {
		e->fails = 0, e->until = 0;
		get(t, KNOWNAT, pair, 1, now)->at = now;
		free(pair);
		return;
	}
	e->at = now;
	if (++e->fails > FREE) {
		w = e->fails - FREE - 1 < 10 ? 1L << (e->fails - FREE - 1) : PAIRMAX;
		e->until = now + (w < PAIRMAX ? w : PAIRMAX);
	}
	bucketadd(get(t, ADDR, addr ? addr : "", 1, now), ADDRMAX, ADDRCAP, now);
	bucketadd(get(t, AGENT, agent ? agent : "", 1, now), AGENTMAX, AGENTCAP, now);
	free(pair);
}

/* IP address S normalized into BUF: IPv4 as is, IPv6 as its /64 (one user's). 0 or -1. */
static int
ipkey(const char *s, char *buf, size_t sz)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, s, a) == 1)
		return inet_ntop(AF_INET, a, buf, (socklen_t)sz) ? 0 : -1;
	if (inet_pton(AF_INET6, s, a) != 1)
		return -1;
	memset(a + 8, 0, 8);
	if (inet_ntop(AF_INET6, a, buf, (socklen_t)sz) == NULL)
		return -1;
	if (strlen(buf) + 4 > sz)
		return -1;
	strcat(buf, "/64");
	return 0;
}

const char *
wa_login_addr(const char *peer, const char *xff, int trust, char *buf,
    size_t sz)
{
	char last[64];
	const char *p;
	size_t n;

	if (trust && (p = wa_proxy_client(NULL, xff)) != NULL) {
		n = strcspn(p, " \t");
		if (n < sizeof last) {
			memcpy(last, p, n);
			last[n] = '\0';
			if (ipkey(last, buf, sz) == 0)
				return buf;
		}
	}
	if (peer && ipkey(peer, buf, sz) == 0)
		return buf;
	snprintf(buf, sz, "%s", peer ? peer : "?");
	return buf;
}
