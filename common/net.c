/* net.c: a listening socket for the HTTP servers (wa-hook, the mock Cloud API). */
#include <sys/resource.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "hook.h"

static void
hostport(const char *spec, char *host, size_t hsz, char *port, size_t psz)
{
	const char *colon = strrchr(spec, ':');

	if (colon == NULL) {
		snprintf(host, hsz, "127.0.0.1");
		snprintf(port, psz, "%s", spec);
		return;
	}
	snprintf(host, hsz, "%.*s", (int)(colon - spec), spec);
	snprintf(port, psz, "%s", colon + 1);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
}

static int
isloop(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohl(((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr.s_addr) >> 24 == 127;
	return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)
	    (const void *)sa)->sin6_addr);
}

static void
printable(int fd, char *out, size_t outlen)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char num[INET6_ADDRSTRLEN];

	getsockname(fd, (struct sockaddr *)&ss, &sl);
	if (ss.ss_family == AF_INET) {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, num,
		    sizeof num);
		snprintf(out, outlen, "%s:%u", num,
		    ntohs(((struct sockaddr_in *)&ss)->sin_port));
	} else {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    num, sizeof num);
		snprintf(out, outlen, "[%s]:%u", num,
		    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
	}
}

int
wa_listen(const char *spec, int loopback_only, char *out, size_t outlen)
{
	struct addrinfo hints = { 0 }, *ai;
	char host[256], port[16];
	int fd, one = 1, err;

	hostport(spec, host, sizeof host, port, sizeof port);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((err = getaddrinfo(host, port, &hints, &ai)) != 0)
		wa_die(WA_EXIT_USAGE, "-l: '%s': %s", spec, gai_strerror(err));
	if (loopback_only && !isloop(ai->ai_addr))
		wa_die(WA_EXIT_USAGE, "-l: '%s' is not a loopback address", spec);
	if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		wa_die(WA_EXIT_FATAL, "socket:");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 4096) != 0)
		wa_die(WA_EXIT_FATAL, "cannot listen on '%s':", spec);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	printable(fd, out, outlen);
	freeaddrinfo(ai);
	return fd;
}

/*
 * Every descriptor the hard limit allows, and a connection limit short of
 * them: past it MHD closes a new connection at once, where out of
 * descriptors its accept fails over and over, a core spinning and every
 * webhook locked out.
 */
unsigned
wa_fdroom(void)
{
	struct rlimit rl = { 1024, 1024 };

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur > 2064)
		return 2000;
	return rl.rlim_cur > 128 ? (unsigned)rl.rlim_cur - 64 : 64;
}
