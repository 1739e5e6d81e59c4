/*
 * roles.c: who may see what in the web inbox. An owner sees every
 * conversation; an agent the conversations of their departments (the
 * department route.c's rules or the bot's hand-off set, agents.c's
 * "dept=", none or "*" for all) and those assigned to them, so that an
 * owner's reassignment across departments is still seen by its agent.
 * A conversation no rule has routed yet belongs to no department: only
 * agents of every department see it, as they are the ones who route by
 * hand.
 */
#include <string.h>

#include "wa.h"
#include "inbox.h"
#include "web.h"

int
wa_web_may_see(const struct wa_agent *a, const struct wa_conv *c)
{
	if (a == NULL || c == NULL)
		return 0;
	if (a->owner)
		return 1;
	if (c->agent && strcmp(c->agent, a->name) == 0)
		return 1;
	return wa_agent_in(a, c->dept);
}
