/* csv.c: header mapping by name, field access, and the RFC 4180 writer. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wa.h"

int
wa_csv_col(const struct wa_csvhdr *h, const char *names)
{
	const char *p = names, *bar;
	size_t n, i;
	int star;

	for (;;) {
		bar = strchr(p, '|');
		n = bar ? (size_t)(bar - p) : strlen(p);
		/* "Birthday (*": a prefix, for Shopify's metafield columns */
		star = n > 0 && p[n - 1] == '*';
		for (i = 0; i < h->n; i++)
			if ((star ? strlen(h->name[i]) >= n - 1 :
			    strlen(h->name[i]) == n) &&
			    strncasecmp(h->name[i], p, n - (size_t)star) == 0)
				return (int)i;
		if (bar == NULL)
			return -1;
		p = bar + 1;
	}
}

const char *
wa_csv_get(struct wa_rec *r, int i)
{
	char *s, *e;

	if (i < 0 || (size_t)i >= r->nf)
		return "";
	s = r->f[i];
	/* Shopify's "keep as text" guard for Excel: one leading apostrophe. */
	if (*s == '\'')
		s++;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return s;
}

void
wa_csv_hdr_free(struct wa_csvhdr *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->name[i]);
	free(h->name);
	h->name = NULL;
	h->n = 0;
}

int wa_csv_raw;
#define GUARDED "=+-@\t\r"

const char *
wa_csv_unguard(const char *s)
{
	return s[0] == '\'' && s[1] && strchr(GUARDED, s[1]) ? s + 1 : s;
}

void
wa_csv_putfield(FILE *fp, const char *s, size_t n)
{
	size_t i;
	int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
	/* a spreadsheet would run "=HYPERLINK(...)" or "@SUM(...)" from an order note */
	int guard = !wa_csv_raw && n > 0 && memchr(GUARDED, s[0], 6);

	for (i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (!quote) {
		if (guard)
			putc('\'', fp);
		fwrite(s, 1, n, fp);
		return;
	}
	putc('"', fp);
	if (guard)
		putc('\'', fp);
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			putc('"', fp);
		putc(s[i], fp);
	}
	putc('"', fp);
}
