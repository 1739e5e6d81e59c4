/* buf.c: a growable byte buffer. */
#include <stdlib.h>
#include <string.h>

#include "wa.h"

void
wa_buf_add(struct wa_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = wa_realloc(b->s, cap);
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
wa_buf_addc(struct wa_buf *b, int c)
{
	char ch = (char)c;

	wa_buf_add(b, &ch, 1);
}

void
wa_buf_adds(struct wa_buf *b, const char *s)
{
	wa_buf_add(b, s, strlen(s));
}

void
wa_buf_reset(struct wa_buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void
wa_buf_free(struct wa_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

const char *
wa_buf_str(struct wa_buf *b)
{
	return b->s ? b->s : "";
}

int
wa_buf_addmax(struct wa_buf *b, const void *p, size_t n, size_t max)
{
	if (b->len + n > max)
		return -1;
	wa_buf_add(b, p, n);
	return 0;
}
