/* warns.c: warnings about records, each of a kind. */
#include <stdarg.h>
#include <stdio.h>

#include "wa.h"

void
wa_kwarn(struct wa_rec *r, const struct wa_wkind *k, const char *value,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	(void)k;
	(void)value;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	wa_warnat(r->file, r->line, "%s", msg);
}
