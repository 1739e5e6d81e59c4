/* secret.c: tokens and secrets from the environment or a file, never argv. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"

char *
wa_secret(const char *name)
{
	const char *v = getenv(name), *f;
	char fname[64], *line = NULL;
	size_t cap = 0;
	FILE *fp;

	if (v && *v)
		return wa_strdup(v);
	snprintf(fname, sizeof fname, "%s_FILE", name);
	if ((f = getenv(fname)) == NULL || *f == '\0')
		return NULL;
	if ((fp = fopen(f, "r")) == NULL)
		wa_die(WA_EXIT_USAGE, "%s %s:", fname, f);
	if (getline(&line, &cap, fp) == -1 || *line == '\n' || *line == '\r')
		wa_die(WA_EXIT_USAGE, "%s %s: nothing on its first line", fname, f);
	fclose(fp);
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

void
wa_secret_free(char *s)
{
	if (s == NULL)
		return;
	/* volatile, so the wipe is not optimized away before free */
	for (volatile char *p = s; *p; p++)
		*p = '\0';
	free(s);
}
