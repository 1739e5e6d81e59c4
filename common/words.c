/*
 * words.c: opt-out and opt-in keywords. A message is a keyword when,
 * trimmed of spaces and punctuation and case-folded, it is one of the
 * list: "Stop!", " STOP " and "stop." opt out; "please stop" does not.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "wa.h"

struct wa_words {
	char **w;
	size_t n, cap;
};

static const char *const stopdef[] = {
	"stop", "unsubscribe", "stop all", "baja", "darse de baja", "parar",
	"sair", "arret", "arrêt", "abmelden", "berhenti", "退订", "取消订阅",
};
static const char *const startdef[] = {
	"start", "subscribe", "unstop", "alta", "reanudar", "voltar",
	"abonnieren", "mulai", "订阅",
};

/* Is wide character C punctuation or space to trim: "STOP!", "「退订」"? */
static int
trimmed(wint_t c)
{
	return iswspace(c) || iswpunct(c) || c == 0x3000 || c == 0xfeff;
}

int
wa_words_fold(const char *s, struct wa_buf *out)
{
	mbstate_t st;
	wchar_t *w;
	size_t n = strlen(s), i, j, k, len;
	char mb[MB_LEN_MAX];
	const char *p = s;

	wa_buf_reset(out);
	w = wa_calloc(n + 1, sizeof *w);
	memset(&st, 0, sizeof st);
	if ((len = mbsrtowcs(w, &p, n + 1, &st)) == (size_t)-1) {
		free(w);
		return -1;
	}
	for (i = 0; i < len && trimmed((wint_t)w[i]); i++)
		;
	for (j = len; j > i && trimmed((wint_t)w[j - 1]); j--)
		;
	for (; i < j; i++) {
		memset(&st, 0, sizeof st);
		k = wcrtomb(mb, (wchar_t)towlower((wint_t)w[i]), &st);
		if (k != (size_t)-1)
			wa_buf_add(out, mb, k);
	}
	free(w);
	return 0;
}

static void
add(struct wa_words *ws, const char *s)
{
	struct wa_buf b = { 0 };

	if (wa_words_fold(s, &b) < 0 || b.len == 0) {
		wa_buf_free(&b);
		return;
	}
	if (ws->n == ws->cap) {
		ws->cap = ws->cap ? 2 * ws->cap : 16;
		ws->w = wa_realloc(ws->w, ws->cap * sizeof *ws->w);
	}
	ws->w[ws->n++] = wa_strdup(wa_buf_str(&b));
	wa_buf_free(&b);
}

struct wa_words *
wa_words_default(int start)
{
	struct wa_words *ws = wa_calloc(1, sizeof *ws);
	const char *const *d = start ? startdef : stopdef;
	size_t i, n = start ? sizeof startdef / sizeof *startdef :
	    sizeof stopdef / sizeof *stopdef;

	for (i = 0; i < n; i++)
		add(ws, d[i]);
	return ws;
}

int
wa_words_load(const char *path, struct wa_words **stop, struct wa_words **start)
{
	struct wa_words *ws[2] = { wa_calloc(1, sizeof **stop), NULL };
	char *line = NULL, *p;
	size_t cap = 0;
	int cur = 0;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		free(ws[0]);
		return -1;
	}
	while (getline(&line, &cap, fp) != -1) {
		line[strcspn(line, "\r\n")] = '\0';
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (*p == '#' || *p == '\0')
			continue;
		if (strcmp(p, "[stop]") == 0 || strcmp(p, "[start]") == 0) {
			cur = p[3] == 'a';
			if (ws[cur] == NULL)
				ws[cur] = wa_calloc(1, sizeof **stop);
			continue;
		}
		add(ws[cur], p);
	}
	free(line);
	fclose(fp);
	wa_words_free(*stop);
	*stop = ws[0];
	if (ws[0]->n == 0)
		wa_warn("%s: no STOP words: nobody can opt out by writing", path);
	if (ws[1]) {
		wa_words_free(*start);
		*start = ws[1];
	}
	return 0;
}

int
wa_words_match(const struct wa_words *ws, const char *text)
{
	struct wa_buf b = { 0 };
	size_t i;
	int hit = 0;

	if (text && wa_words_fold(text, &b) == 0)
		for (i = 0; i < ws->n && !hit; i++)
			hit = strcmp(ws->w[i], wa_buf_str(&b)) == 0;
	wa_buf_free(&b);
	return hit;
}

void
wa_words_free(struct wa_words *ws)
{
	size_t i;

	if (ws == NULL)
		return;
	for (i = 0; i < ws->n; i++)
		free(ws->w[i]);
	free(ws->w);
	free(ws);
}
