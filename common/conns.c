/* conns.c: a server's connections: counts per address, and each request's deadline. */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wa.h"
#include "hook.h"

#define SLOTS 4096		/* per-address counts, shared by addresses that collide */

/* A connection: when its request began, to cut it at the deadline however slowly bytes come. */
struct wa_conn {
	struct wa_conn *prev, *next;
	int fd, slot;		/* slot -1: the trusted proxy, never capped */
	atomic_long since;	/* ms, CLOCK_MONOTONIC_COARSE */
	atomic_int answering;	/* atomics: no lock on the way of a request */
	int cut;
};

struct wa_conns {
	unsigned char proxy[16];	/* --trust-proxy, as address bytes */
	size_t proxylen;
	unsigned maxperip, timeout;
	atomic_long nperip, ncut;
	pthread_mutex_t mu;
	struct wa_conn conns;	/* the list's head */
	unsigned perip[SLOTS];
	unsigned seed;
};

struct wa_conns *
wa_conns_new(unsigned maxperip, unsigned timeout, const unsigned char *proxy,
    size_t proxylen)
{
	struct wa_conns *cs = wa_calloc(1, sizeof *cs);

	cs->maxperip = maxperip;
	cs->timeout = timeout;
	memcpy(cs->proxy, proxy, proxylen);
	cs->proxylen = proxylen;
	cs->conns.next = cs->conns.prev = &cs->conns;
	pthread_mutex_init(&cs->mu, NULL);
	/* colliding addresses share a count: not ones an attacker can pick */
	if (getentropy(&cs->seed, sizeof cs->seed) < 0)
		cs->seed = (unsigned)getpid() ^ (unsigned)time(NULL);
	cs->seed |= 1;
	return cs;
}

/* The address bytes of SA in OUT[16]; their length, 0 when it is no IP address. */
size_t
wa_addrbytes(const struct sockaddr *sa, unsigned char *out)
{
	if (sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET) {
		memcpy(out, &((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr, 4);
		return 4;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr;

		/* an IPv4 client of an IPv6 socket is that IPv4 address */
		if (IN6_IS_ADDR_V4MAPPED(a)) {
			memcpy(out, a->s6_addr + 12, 4);
			return 4;
		}
		memcpy(out, a, 16);
		return 16;
	}
	return 0;
}

int
wa_conns_isproxy(const struct wa_conns *cs, const unsigned char *a, size_t n)
{
	return n && n == cs->proxylen && memcmp(a, cs->proxy, n) == 0;
}

const char *
wa_conns_client(const struct wa_conns *cs, const struct sockaddr *sa,
    const char *realip, const char *fwd, char *buf, size_t sz)
{
	unsigned char a[16];
	const char *c;
	size_t n;

	if (sa == NULL || (n = wa_addrbytes(sa, a)) == 0)
		return "?";
	if (wa_conns_isproxy(cs, a, n) && (c = wa_proxy_client(realip, fwd)) != NULL)
		return c;
	inet_ntop(n == 4 ? AF_INET : AF_INET6, a, buf, (socklen_t)sz);
	return buf;
}

static long
nowms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Has K's request taken over --timeout? */
static int
late(const struct wa_conns *cs, struct wa_conn *k)
{
	return nowms() - atomic_load(&k->since) > (long)cs->timeout * 1000;
}

int
wa_conn_overdue(struct wa_conns *cs, struct wa_conn *k)
{
	if (!late(cs, k))
		return 0;
	atomic_fetch_add(&cs->ncut, 1);
	return 1;
}

/* K is storing (ANSWERING), or done with a request: the next one's deadline runs from now. */
void
wa_conn_mark(struct wa_conn *k, int answering)
{
	if (!answering)
		atomic_store(&k->since, nowms());
	atomic_store(&k->answering, answering);
}

/* The per-address count of the address SA; -1 for the trusted proxy or no IP. */
static int
slot(const struct wa_conns *cs, const struct sockaddr *sa)
{
	unsigned char a[16];
	size_t n = wa_addrbytes(sa, a), i;
	unsigned h = cs->seed;

	if (n == 0 || wa_conns_isproxy(cs, a, n))
		return -1;
	for (i = 0; i < n; i++)
		h = (h ^ a[i]) * 16777619u;
	return (int)(h % SLOTS);
}

/* At accept: one address may not hold more than --max-per-ip connections. */
int
wa_conns_admit(struct wa_conns *cs, const struct sockaddr *sa)
{
	int i = slot(cs, sa);
	unsigned char a[16];
	unsigned n;
	long k;
	char ip[64];

	if (cs->maxperip == 0 || i < 0)
		return 1;
	pthread_mutex_lock(&cs->mu);
	n = cs->perip[i];
	pthread_mutex_unlock(&cs->mu);
	if (n < cs->maxperip)
		return 1;
	/* one warning, then one a thousand: a flood must not flood the log */
	if ((k = atomic_fetch_add(&cs->nperip, 1)) % 1000 == 0) {
		inet_ntop(wa_addrbytes(sa, a) == 4 ? AF_INET : AF_INET6, a, ip,
		    sizeof ip);
		wa_warn("%s: over %u connections from one address: refused "
		    "(%ld so far)", ip, cs->maxperip, k + 1);
	}
	return 0;
}

struct wa_conn *
wa_conn_open(struct wa_conns *cs, int fd, const struct sockaddr *sa)
{
	struct wa_conn *k = wa_calloc(1, sizeof *k);

	k->fd = fd;
	k->slot = slot(cs, sa);
	atomic_store(&k->since, nowms());
	pthread_mutex_lock(&cs->mu);
	k->next = cs->conns.next;
	k->prev = &cs->conns;
	k->next->prev = k;
	cs->conns.next = k;
	if (k->slot >= 0)
		cs->perip[k->slot]++;
	pthread_mutex_unlock(&cs->mu);
	return k;
}

void
wa_conn_close(struct wa_conns *cs, struct wa_conn *k)
{
	pthread_mutex_lock(&cs->mu);
	k->prev->next = k->next;
	k->next->prev = k->prev;
	if (k->slot >= 0)
		cs->perip[k->slot]--;
	pthread_mutex_unlock(&cs->mu);
	free(k);
}

/*
 * Cut the connections whose request has taken over --timeout (ALL: every
 * one not storing). A request that trickles in a byte at a time, or its
 * headers, keeps MHD's inactivity timeout from ever firing; the shutdown
 * wakes its thread, which then closes it.
 */
void
wa_conns_cut(struct wa_conns *cs, int all)
{
	struct wa_conn *k;

	pthread_mutex_lock(&cs->mu);
	for (k = cs->conns.next; k != &cs->conns; k = k->next) {
		if (atomic_load(&k->answering) || k->cut ||
		    (!all && !late(cs, k)))
			continue;
		k->cut = 1;
		if (!all)
			atomic_fetch_add(&cs->ncut, 1);
		shutdown(k->fd, SHUT_RDWR);
	}
	pthread_mutex_unlock(&cs->mu);
}

static void *
reaper(void *arg)
{
	for (;;) {
		usleep(250000);
		wa_conns_cut(arg, 0);
	}
	return NULL;
}

int
wa_conns_reap(struct wa_conns *cs)
{
	pthread_t t;

	if (pthread_create(&t, NULL, reaper, cs) != 0)
		return -1;
	pthread_detach(t);
	return 0;
}

void
wa_conns_counts(struct wa_conns *cs, long *ncut, long *nperip)
{
	*ncut = atomic_load(&cs->ncut);
	*nperip = atomic_load(&cs->nperip);
}

size_t
wa_addrparse(const char *s, unsigned char *out)
{
	if (inet_pton(AF_INET, s, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, out) == 1)
		return 16;
	return 0;
}
