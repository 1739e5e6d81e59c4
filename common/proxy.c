/* proxy.c: the client a reverse proxy (nginx) names in its headers. */
#include <string.h>

#include "wa.h"

const char *
wa_proxy_client(const char *realip, const char *xff)
{
	const char *p;

	if (realip != NULL)
		return realip;
	if (xff == NULL)
		return NULL;
	/* the proxy appends the address it saw: the ones before are the client's say */
	p = strrchr(xff, ',');
	p = p ? p + 1 : xff;
	return p + strspn(p, " \t");
}
