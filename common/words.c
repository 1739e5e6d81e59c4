/*
 * words.c: opt-out and opt-in keywords. A message is a keyword when,
 * folded (compatibility forms as NFKC gives them, spaces collapsed, case)
 * and trimmed of spaces, punctuation and emoji, it is one of the list as a
 * whole: "Stop!", " ＳＴＯＰ " and "stop 🛑" opt out; "please stop" and "I
 * want to cancel my order" do not.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "wa.h"
#include "hook.h"

struct wa_words {
	char **w;
	unsigned char *typed;	/* the word opts out only when typed */
	size_t n, cap;
};

/*
 * Eight languages, named in wa-hook(1); "stop promotions" is the text of
 * Meta's marketing opt-out button, which arrives as a button message.
 * No word that is an everyday answer in another of them ("fine").
 */
static const char *const stopdef[] = {
	/* English */
	"stop", "stop all", "stop promotions", "unsubscribe", "opt out",
	"opt-out", "optout",
	/* Spanish */
	"baja", "darse de baja", "dar de baja", "parar", "detener",
	"detener promociones", "cancelar suscripción",
	/* Portuguese */
	"sair", "descadastrar", "parar promoções", "cancelar inscrição",
	/* French */
	"arret", "arrêt", "arrêter", "désabonner", "se désabonner",
	"désinscrire", "arrêter les promotions",
	/* German */
	"stopp", "abmelden", "abbestellen", "austragen", "werbung stoppen",
	/* Indonesian */
	"berhenti", "berhenti langganan", "hentikan promosi",
	/* Chinese, simplified and traditional */
	"退订", "取消订阅", "停止", "停止推广", "退訂", "取消訂閱",
	/* Italian */
	"basta", "disiscrivimi", "disiscriviti", "cancellami",
	"interrompi promozioni",
};
/*
 * STOP words only when typed: as the title of a button or a list row
 * they name a step of the business's own flow ("Keep your slot? Keep /
 * Cancel"), not an end to its messages.
 */
static const char *const typeddef[] = {
	"cancel", "end", "quit", "cancelar", "annuler", "beenden", "kündigen",
	"batal", "batalkan", "取消", "退出", "annulla",
};
static const char *const startdef[] = {
	"start", "subscribe", "unstop", "alta", "reanudar", "voltar",
	"abonnieren", "mulai", "订阅",
};

/* Is wide character C punctuation, emoji or space to trim: "STOP!", "「退订」"? */
static int
trimmed(wint_t c)
{
	return iswspace(c) || iswpunct(c);
}

/*
 * C as NFKC writes what people type: full-width ASCII ("ＳＴＯＰ") as
 * ASCII, the ideographic and other spaces as ' ', the letters of "fancy
 * text" (mathematical bold, italic, script...: "𝐒𝐓𝐎𝐏"; circled: "Ⓢ") as
 * plain ones. Zero-width characters give 0: they are dropped.
 */
static wint_t
compat(wint_t c)
{
	if (c >= 0xff01 && c <= 0xff5e)
		return c - 0xfee0;
	if (c == 0x3000 || c == 0xa0 || (c >= 0x2000 && c <= 0x200a) ||
	    c == 0x202f || c == 0x205f)
		return ' ';
	if ((c >= 0x200b && c <= 0x200d) || c == 0x2060 || c == 0xfeff)
		return 0;
	/* 13 alphabets of A-Z then a-z; the holes are unassigned */
	if (c >= 0x1d400 && c <= 0x1d6a3)
		return (c - 0x1d400) % 52 < 26 ? 'A' + (c - 0x1d400) % 52 :
		    'a' + (c - 0x1d400) % 52 - 26;
	if (c >= 0x24b6 && c <= 0x24e9)
		return c <= 0x24cf ? 'A' + c - 0x24b6 : 'a' + c - 0x24d0;
	return c;
}

int
wa_words_fold(const char *s, struct wa_buf *out)
{
	mbstate_t st;
	wchar_t *w;
	wint_t c, prev = 0;
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
	for (i = j = 0; i < len; i++)
		if ((c = compat((wint_t)w[i])) != 0)
			w[j++] = (wchar_t)c;
	len = j;
	for (i = 0; i < len && trimmed((wint_t)w[i]); i++)
		;
	for (j = len; j > i && trimmed((wint_t)w[j - 1]); j--)
		;
	for (; i < j; prev = c, i++) {
		/* "stop  all" and "stop\tall" are "stop all" */
		if ((c = iswspace((wint_t)w[i]) ? ' ' : towlower((wint_t)w[i])) ==
		    ' ' && prev == ' ')
			continue;
		memset(&st, 0, sizeof st);
		k = wcrtomb(mb, (wchar_t)c, &st);
		if (k != (size_t)-1)
			wa_buf_add(out, mb, k);
	}
	free(w);
	return 0;
}

static void
add(struct wa_words *ws, const char *s, int typed)
{
	struct wa_buf b = { 0 };

	if (wa_words_fold(s, &b) < 0 || b.len == 0) {
		wa_buf_free(&b);
		return;
	}
	if (ws->n == ws->cap) {
		ws->cap = ws->cap ? 2 * ws->cap : 16;
		ws->w = wa_realloc(ws->w, ws->cap * sizeof *ws->w);
		ws->typed = wa_realloc(ws->typed, ws->cap);
	}
	ws->typed[ws->n] = (unsigned char)typed;
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
		add(ws, d[i], 0);
	for (i = 0; !start && i < sizeof typeddef / sizeof *typeddef; i++)
		add(ws, typeddef[i], 1);
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
		add(ws[cur], p, 0);
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
			if (strcmp(ws->w[i], wa_buf_str(&b)) == 0)
				hit = ws->typed[i] ? 2 : 1;
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
	free(ws->typed);
	free(ws);
}
