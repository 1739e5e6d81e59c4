/* batch.c: a webhook's events, with the opt-ins and opt-outs they mean, stored whole in the spool. */
#include <stdlib.h>

#include "wa.h"
#include "hook.h"

void
wa_batch_push(json_t *ev, void *arg)
{
	struct wa_batch *b = arg;

	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 8;
		b->ev = wa_realloc(b->ev, b->cap * sizeof *b->ev);
	}
	b->ev[b->n++] = ev;
}

int
wa_batch_store(struct wa_batch *b, struct wa_consent *cs, struct wa_spool *sp)
{
	size_t i, n = b->n, nnew;
	json_t *ev;
	int rc = 0;

	for (i = 0; i < n; i++)
		if ((ev = wa_consent_event(cs, b->ev[i])) != NULL)
			wa_batch_push(ev, b);
	for (i = 0; i < b->n; i++)
		if (wa_consent_apply(cs, sp, b->ev[i]) < 0)
			rc = -1;
	if (rc == 0 && wa_spool_add(sp, b->ev, b->n, &nnew) < 0)
		rc = -1;
	for (i = 0; i < b->n; i++)
		json_decref(b->ev[i]);
	free(b->ev);
	return rc;
}
