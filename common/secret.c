/* secret.c: tokens and secrets from the environment or a file, never argv, never printed. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"

#define SCRUBMIN 8	/* shorter secrets are test stand-ins: "x" is in every word */
#define NKNOWN 4

static char *known[NKNOWN];	/* the secrets read, for wa_scrub */

static void
remember(const char *v)
{
	size_t i;

	if (strlen(v) < SCRUBMIN)
		return;
	for (i = 0; i < NKNOWN; i++)
		if (known[i] == NULL || strcmp(known[i], v) == 0)
			break;
	if (i < NKNOWN && known[i] == NULL)
		known[i] = wa_strdup(v);
}

/* The length of a token-shaped word at S (EAA and 20 or more letters and digits), or 0. */
static size_t
tokenat(const char *s)
{
	size_t n = 3;

	if (strncmp(s, "EAA", 3) != 0)
		return 0;
	while (isascii((unsigned char)s[n]) && isalnum((unsigned char)s[n]))
		n++;
	return n >= 23 ? n : 0;
}

char *
wa_scrub(const char *s)
{
	struct wa_buf b = { 0 };
	size_t i, n, k;
	int hit = 0;
	char *out;

	for (i = 0; s[i];) {
		n = tokenat(s + i);
		for (k = 0; n == 0 && k < NKNOWN && known[k]; k++)
			if (strncmp(s + i, known[k], strlen(known[k])) == 0)
				n = strlen(known[k]);
		if (n == 0) {
			i++;
			continue;
		}
		wa_buf_add(&b, s, i);
		wa_buf_adds(&b, "[token]");
		hit = 1;
		s += i + n;
		i = 0;
	}
	if (!hit)
		return NULL;
	wa_buf_adds(&b, s);
	out = wa_strdup(wa_buf_str(&b));
	wa_buf_free(&b);
	return out;
}

void
wa_scrub_json(json_t *j)
{
	const char *k;
	json_t *v;
	size_t i;
	char *s;

	if (json_is_string(j) && (s = wa_scrub(json_string_value(j))) != NULL) {
		json_string_set(j, s);
		free(s);
	} else if (json_is_object(j)) {
		json_object_foreach(j, k, v)
			wa_scrub_json(v);
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			wa_scrub_json(v);
	}
}

char *
wa_secret(const char *name)
{
	const char *v = getenv(name), *f;
	char fname[64], *line = NULL;
	size_t cap = 0;
	FILE *fp;

	if (v && *v) {
		remember(v);
		return wa_strdup(v);
	}
	snprintf(fname, sizeof fname, "%s_FILE", name);
	if ((f = getenv(fname)) == NULL || *f == '\0')
		return NULL;
	if ((fp = fopen(f, "r")) == NULL)
		wa_die(WA_EXIT_USAGE, "%s %s:", fname, f);
	if (getline(&line, &cap, fp) == -1 || *line == '\n' || *line == '\r')
		wa_die(WA_EXIT_USAGE, "%s %s: nothing on its first line", fname, f);
	fclose(fp);
	line[strcspn(line, "\r\n")] = '\0';
	remember(line);
	return line;
}

void
wa_secret_wipe(char *s)
{
	/* volatile, so the wipe is not optimized away before free */
	for (volatile char *p = s; *p; p++)
		*p = '\0';
}

void
wa_secret_free(char *s)
{
	if (s == NULL)
		return;
	wa_secret_wipe(s);
	free(s);
}
