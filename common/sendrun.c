/*
 * sendrun.c: what wa-send and wa-mail share around their queues: the event
 * lines out and their counts, the options of the gate, the ledger opened
 * for a run, the summary line and the exit status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "store.h"
#include "send.h"

void
wa_sendrun_put(json_t *o, void *run)
{
	struct wa_sendrun *r = run;
	const char *ev = wa_json_str(o, "event");

	if (strcmp(ev, "sent") == 0)
		r->nsent++;
	else if (strcmp(ev, "skipped") == 0)
		r->nskipped++;
	else if (strcmp(ev, "deferred") == 0)
		r->ndeferred++;
	else if (strcmp(ev, "failed") == 0)
		r->nfailed++;
	else if (strcmp(ev, "unknown") == 0)
		r->nunknown++;
	if (strcmp(ev, "failed") == 0 || strcmp(ev, "unknown") == 0)
		wa_fail(WA_EXIT_REC);
	if (r->channel)
		json_object_set_new(o, "channel", json_string(r->channel));
	wa_json_put(stdout, o);
	json_decref(o);
	fflush(stdout);
	if (ferror(stdout))
		wa_die(WA_EXIT_FATAL, "error writing output:");
}

void
wa_sendrun_reason(struct wa_sendrun *r, const char *ev, const char *id,
    const char *to, const char *reason)
{
	json_t *o = wa_sendq_event(r->campaign, ev, id, to);

	json_object_set_new(o, "reason", json_string(reason));
	wa_sendrun_put(o, r);
}

void
wa_sendrun_localfail(struct wa_sendrun *r, struct wa_rec *rec, const char *id,
    const char *to, const char *err)
{
	json_t *o = wa_sendq_event(r->campaign, "failed", id, to);

	json_object_set_new(o, "error", wa_sendq_error(json_null(), err, "local"));
	wa_sendrun_put(o, r);
	wa_reject(rec, "%s", err);
}

void
wa_sendrun_campaign(const char *c)
{
	if (c == NULL || *c == '\0')
		wa_die(WA_EXIT_USAGE, "-c CAMPAIGN is needed");
	/* it leads the ledger's keys, CAMPAIGN/... */
	if (strchr(c, '/'))
		wa_die(WA_EXIT_USAGE, "-c: a campaign name has no '/'");
}

void
wa_sendrun_gateopt(struct wa_gate_opts *o, int which, const char *arg)
{
	switch (which) {
	case WA_SENDRUN_CAP:
		if (wa_gate_cap(o, arg) < 0)
			wa_die(WA_EXIT_USAGE, "--cap: want N/DURATION, as 2/7d, not '%s'", arg);
		break;
	case WA_SENDRUN_EVERY:
		if (wa_dur_parse(arg, &o->every) < 0 || o->every <= 0)
			wa_die(WA_EXIT_USAGE, "--every: bad duration '%s'", arg);
		break;
	default:
		if (wa_quiet_parse(arg, &o->hours) < 0)
			wa_die(WA_EXIT_USAGE, "--quiet: want HH:MM-HH:MM, as 21:00-09:00, not '%s'", arg);
	}
}

char **
wa_sendrun_names(const char *const *own, size_t n, size_t *np)
{
	static char *names[WA_SENDRUN_MAXFIELDS];
	size_t i;

	for (i = 0; i < n && i < WA_SENDRUN_MAXFIELDS; i++)
		names[i] = wa_strdup(own[i]);
	*np = i;
	return names;
}

struct wa_ledger *
wa_sendrun_ledger(const char *path, int dryrun, int nowait)
{
	struct wa_ledger *l;

	if (dryrun) {
		if ((l = wa_ledger_read(path)) == NULL)
			wa_die(WA_EXIT_FATAL, "%s: cannot read the ledger:", path);
		return l;
	}
	if ((l = wa_ledger_open(path, !nowait)) == NULL) {
		if (errno == EWOULDBLOCK) {
			wa_warn("%s: another run holds the ledger", path);
			exit(WA_EXIT_BUSY);
		}
		wa_die(WA_EXIT_FATAL, "%s: cannot open the ledger:", path);
	}
	return l;
}

void
wa_sendrun_summary(const struct wa_sendrun *r, const char *more)
{
	fprintf(stderr, "%s: %s: %ld sent, %ld skipped, %ld deferred, %ld failed, "
	    "%ld unknown%s\n", wa_prog, r->campaign, r->nsent, r->nskipped,
	    r->ndeferred, r->nfailed, r->nunknown, more);
}

int
wa_sendrun_status(const struct wa_sendrun *r, int fatal)
{
	int status = wa_finish();

	if (fatal)
		return WA_EXIT_FATAL;
	if (r->nfailed || r->nunknown)
		return status > WA_EXIT_REC ? status : WA_EXIT_REC;
	return status;
}
