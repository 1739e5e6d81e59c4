/* Unit tests for common/words.c: NFKC-style folding, and STOP words as whole messages. */
#include <locale.h>
#include <stdio.h>

#include "wa.h"
#include "hook.h"
#include "tap.h"

static void
fold(void)
{
	static const char *const t[][2] = {
		{ "ＳＴＯＰ", "stop" },
		{ "\u3000ＳＴＯＰ\u3000", "stop" },
		{ "Ｓｔｏｐ\u3000ｐｒｏｍｏｔｉｏｎｓ", "stop promotions" },
		{ "ＯＰＴ－ＯＵＴ！", "opt-out" },
		{ "stop \t all", "stop all" },
		{ "\u00a0stop\u2003all\u00a0", "stop all" },
		{ "S\u200bT\u200dOP\u2060", "stop" },
		{ "\U0001d412\U0001d413\U0001d40e\U0001d40f", "stop" },	/* bold */
		{ "\U0001d61a\U0001d635\U0001d630\U0001d631", "stop" },	/* sans italic */
		{ "\u24c8\u24e3\u24de\u24df", "stop" },			/* circled */
		{ "STOP \U0001f6d1", "stop" },
		{ "\U0001f6d1\U0001f6d1 stop!!! \U0001f44d\U0001f3fb", "stop" },
		{ "\u00abStop\u00bb", "stop" },
		{ "退订。", "退订" },
		{ "\ufeffBaja", "baja" },
		{ "  ÉTÉ, Ça!  ", "été, ça" },
	};
	struct wa_buf b = { 0 };
	char what[160];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		snprintf(what, sizeof what, "'%s' folds to '%s'", t[i][0], t[i][1]);
		is(wa_words_fold(t[i][0], &b) == 0 ? wa_buf_str(&b) : "(error)",
		    t[i][1], what);
	}
	isnum(wa_words_fold("stop\xff", &b), -1, "bad UTF-8 does not fold");
	wa_buf_free(&b);
}

static void
match(void)
{
	/* English, Spanish, Portuguese, French, German, Indonesian, Chinese, Italian */
	static const char *const yes[] = {
		"Stop promotions", "STOP PROMOTIONS", "Cancel", "cancel.", "QUIT",
		"End", "Opt out", "opt-out", "OPTOUT", "unsubscribe!",
		"Cancelar", "Dar de baja", "Detener", "Detener promociones",
		"Descadastrar", "Parar promoções", "Cancelar inscrição",
		"Arrêter", "Annuler", "Se désabonner", "Arrêter les promotions",
		"Stopp", "Abbestellen", "Austragen", "Beenden", "Werbung stoppen",
		"Batal", "Berhenti langganan", "Hentikan promosi",
		"取消", "停止", "退出", "停止推广", "退訂", "取消訂閱",
		"Basta!", "Annulla", "Disiscrivimi", "Interrompi promozioni",
		"ＳＴＯＰ", "ｓｔｏｐ　ｐｒｏｍｏｔｉｏｎｓ", "ＣＡＮＣＥＬ", "ＥＮＤ",
		"\U0001d412\U0001d413\U0001d40e\U0001d40f", "Opt  Out", "STOP 🛑",
	};
	/* a word inside a longer message is no opt-out */
	static const char *const no[] = {
		"I want to cancel my order", "cancel my order", "the end",
		"end of story", "can I quit?", "stop promotions please",
		"Quiero cancelar mi pedido", "fine", "ok", "ＳＴＯＰ ｉｔ",
		"取消订单", "停止发货", "basta così, grazie", "opt", "out",
	};
	struct wa_words *stop = wa_words_default(0), *start = wa_words_default(1);
	char what[160];
	size_t i;

	for (i = 0; i < sizeof yes / sizeof *yes; i++) {
		snprintf(what, sizeof what, "'%s' is a STOP word", yes[i]);
		ok(wa_words_match(stop, yes[i]), what);
	}
	for (i = 0; i < sizeof no / sizeof *no; i++) {
		snprintf(what, sizeof what, "'%s' is not", no[i]);
		ok(!wa_words_match(stop, no[i]), what);
	}
	isnum(wa_words_match(stop, "Cancel"), 2, "'Cancel' opts out only when typed");
	isnum(wa_words_match(stop, "取消"), 2, "'取消' too");
	isnum(wa_words_match(stop, "Stop promotions"), 1, "'Stop promotions' as a button too");
	ok(wa_words_match(start, "ＳＴＡＲＴ"), "'ＳＴＡＲＴ' is a START word");
	ok(!wa_words_match(start, "Stop promotions"), "'Stop promotions' is not");
	wa_words_free(stop);
	wa_words_free(start);
}

int
main(void)
{
	/* as wa_init does */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");
	fold();
	match();
	return done_testing();
}
