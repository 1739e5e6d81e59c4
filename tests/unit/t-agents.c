/* Unit tests for common/agents.c: the agents file, who is on duty in their zone, deadlines in working hours. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "inbox.h"
#include "tap.h"

#define MON_1000 1795428000	/* Monday 2026-11-23T10:00:00Z */
#define SUMMER_0830 1783326600	/* Monday 2026-07-06T08:30:00Z: 09:30 in London (BST) */
#define H 3600

int
main(void)
{
	char path[] = "/tmp/t-agents.XXXXXX";
	const struct wa_agent *ann, *dee, *eve;
	struct wa_agents *as;
	FILE *fp;
	int fd;

	if ((fd = mkstemp(path)) < 0 || (fp = fdopen(fd, "w")) == NULL)
		return 1;
	fputs("# the team\n"
	    "ann\tdept=after-sale,complaint email=ann@shop.example phone=+447700900201 "
	    "hours=mon-fri/09:00-17:00 tz=Europe/London\n"
	    "\n"
	    "dee dept=* hours=mon-fri/22:00-06:00 role=owner pw=scrypt$32768$8$1$00$11\n"
	    "eve hours=sat-sun/10:00-14:00,wed/12:00-13:00 tz=America/Sao_Paulo\n"
	    "max role=agent\n", fp);
	fclose(fp);
	ok(wa_agents_load("/nonexistent/agents") == NULL, "no file: no agents");
	as = wa_agents_load(path);
	unlink(path);
	isnum(as ? (long long)as->n : -1, 4, "four agents; comments and blank lines skipped");
	ann = wa_agents_get(as, "ann");
	dee = wa_agents_get(as, "dee");
	eve = wa_agents_get(as, "eve");
	ok(ann && dee && eve && wa_agents_get(as, "zed") == NULL, "by name");
	is(ann->email, "ann@shop.example", "email");
	is(ann->tz, "Europe/London", "tz");
	is(ann->phone, "+447700900201", "phone");
	ok(wa_agent_in(ann, "complaint") && !wa_agent_in(ann, "pre-sale") && !wa_agent_in(ann, NULL),
	    "ann's departments");
	ok(wa_agent_in(dee, "pre-sale") && wa_agent_in(dee, NULL), "'*': every department");
	ok(wa_agent_in(wa_agents_get(as, "max"), "anything"), "no dept: every department");
	ok(dee->owner && !ann->owner && !wa_agents_get(as, "max")->owner,
	    "role=owner, role=agent, none: an agent");
	ok(dee->span != NULL, "a pw= word (the web inbox's) read past, the rest of the line still read");

	ok(wa_agent_on(ann, MON_1000), "ann on at 10:00 GMT Monday");
	ok(!wa_agent_on(ann, MON_1000 - 61 * 60), "ann off at 08:59");
	ok(wa_agent_on(ann, MON_1000 + 7 * H - 60) && !wa_agent_on(ann, MON_1000 + 7 * H),
	    "ann until 16:59, off at 17:00");
	ok(wa_agent_on(ann, SUMMER_0830) && !wa_agent_on(ann, SUMMER_0830 - H),
	    "in summer, London's clock: on at 08:30Z (09:30 BST), off at 07:30Z");
	ok(!wa_agent_on(ann, MON_1000 + 5 * 24 * H), "ann off on Saturday");
	ok(wa_agent_on(dee, MON_1000 + 12 * H + 30 * 60), "dee on at 22:30 Monday");
	ok(wa_agent_on(dee, MON_1000 + 16 * H), "dee on at 02:00 Tuesday: a span past midnight");
	ok(!wa_agent_on(dee, MON_1000 + 20 * H), "dee off at 06:00 Tuesday");
	ok(wa_agent_on(dee, MON_1000 + 4 * 24 * H + 16 * H),
	    "dee on at 02:00 Saturday: Friday's night");
	ok(!wa_agent_on(dee, MON_1000 + 5 * 24 * H + 16 * H), "dee off at 02:00 Sunday");
	ok(!wa_agent_on(dee, MON_1000 - 8 * H), "dee off at 02:00 Monday: Sunday has no night");
	ok(wa_agent_on(eve, MON_1000 + 2 * 24 * H + 5 * H) &&
	    !wa_agent_on(eve, MON_1000 + 2 * 24 * H + 4 * H),
	    "eve on at 15:00Z Wednesday (12:00 in Sao Paulo), not at 14:00Z");
	ok(wa_agent_on(wa_agents_get(as, "max"), MON_1000), "no hours: always on duty");

	isnum((long long)wa_agent_due(NULL, MON_1000, 4 * H), MON_1000 + 4 * H, "no agent: wall time");
	isnum((long long)wa_agent_due(ann, MON_1000, 4 * H), MON_1000 + 4 * H,
	    "inside the day: wall time");
	isnum((long long)wa_agent_due(ann, MON_1000 + 6 * H, 4 * H), MON_1000 + 24 * H + 2 * H,
	    "16:00 + 4h: 1h Monday, 3h Tuesday: 12:00 Tuesday");
	isnum((long long)wa_agent_due(ann, MON_1000 + 4 * 24 * H + 6 * H, 2 * H),
	    MON_1000 + 7 * 24 * H,
	    "Friday 16:00 + 2h: Monday 10:00, over the weekend");
	isnum((long long)wa_agent_due(ann, MON_1000 + 12 * H, 30 * 60),
	    MON_1000 + 24 * H - 30 * 60, "from 22:00 Monday: 09:30 Tuesday");
	wa_agents_free(as);
	return done_testing();
}
