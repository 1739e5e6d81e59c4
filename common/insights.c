/* insights.c: what customers ask most, and how it was answered, for wa-report --insights. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wa.h"
#include "report.h"

#define MAXWORD 64	/* bytes of a word kept; longer ones are cut */

/*
 * Function words and greetings of the playbook's languages, folded as
 * the text is (lower case, no accents): they begin or end no phrase.
 */
static const char *const stoplists[] = {
	/* English */
	"a about above after again all also am an and any are as at be because "
	"been before being but by can could did do does doing don down during "
	"each few for from further had has have having he her here hers him his "
	"how i if in into is it its just me more most my no nor not now of off "
	"on once only or other our ours out over own same she should so some "
	"such than that the their theirs them then there these they this those "
	"through to too under until up very was we were what when where which "
	"while who whom why will with would you your yours hi hello hey thanks "
	"thank please ok okay yes",
	/* Spanish */
	"al algo algunos ante antes como con contra cual cuando de del desde "
	"donde durante el ella ellas ellos en entre era eres es esa ese eso esta "
	"estan estas este esto estoy fue ha hay hasta la las le les lo los mas "
	"mi mis mucho muy nada ni nos nosotros os otra otro para pero poco por "
	"porque que quien sea ser si sin sobre solo son su sus tambien te tengo "
	"ti tiene todo tu tus un una uno unos usted ya yo hola gracias buenas "
	"buenos dias favor",
	/* Portuguese */
	"ao aos as ate com da das dela dele deles do dos ela elas ele eles em "
	"essa esse estao eu foi isso isto ja lhe mas meu minha muito na nao nas "
	"nem nos nossa nosso num numa os ou pela pelas pelo pelos qual quem sem "
	"seu sua suas seus tambem tem teu uma voce voces ola oi obrigado "
	"obrigada bom boa dia tarde noite",
	/* French */
	"au aux avec ce ces dans des du elle et eux il ils je le leur lui ma "
	"mais meme mes moi mon ne notre nous on par pas pour qu qui sa ses son "
	"sur ta tes toi ton une vos votre vous est sont suis ai avez avons "
	"bonjour merci salut oui non svp",
	/* German */
	"aber alle als auch auf aus bei bin bis bist dann das dass dein deine "
	"dem den der des dich die dir du ein eine einem einen einer es fur hab "
	"habe haben hallo hat ich ihr im ist kann mein meine mich mir mit nach "
	"nein nicht noch nur oder sein sich sie sind um und uns unser von vom "
	"war was wie wir wo zu zum zur danke bitte guten tag",
	/* Indonesian */
	"ada adalah agar akan aku anda apa atau bagaimana bahwa banyak belum "
	"bisa boleh dan dari dengan di dia hanya harus ini itu jadi juga kalau "
	"kami kamu karena ke kita mau mereka pada saja saya sudah tapi tidak "
	"untuk yang halo terima kasih selamat pagi siang sore malam tolong kak",
	/* Chinese, as character pairs */
	"你好 请问 谢谢 我们 你们 一下",
};

/* Latin-1 letters U+00C0..U+00FF without their accents; "" for × and ÷. */
static const char *const latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i",
	"i", "i", "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u",
	"u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i",
	"i", "i", "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u",
	"u", "y", "th", "y",
};

struct phrase {
	long df;		/* messages that hold it */
	size_t last;		/* the last message counted + 1 */
	int words;
	int dropped;		/* a longer phrase holding it is as frequent */
};

struct inbound {
	char *wamid, *from;		/* NULL: none */
	time_t at;
	size_t first, n;	/* its phrases in ids */
};

struct wa_insights {
	time_t since, until;
	struct wa_hash *ids;	/* phrase to its index + 1 */
	char **text;
	struct phrase *p;
	size_t np, capp;
	struct inbound *m;
	size_t nm, capm;
	uint32_t *pid;		/* the phrases of each message, in turn */
	size_t npid, cappid;
	struct wa_hash *stop;
};

struct wa_insights *
wa_insights_new(time_t since, time_t until)
{
	struct wa_insights *in = wa_calloc(1, sizeof *in);
	const char *s, *e;
	char w[MAXWORD];
	size_t i;

	in->since = since;
	in->until = until;
	in->ids = wa_hash_new();
	in->stop = wa_hash_new();
	for (i = 0; i < sizeof stoplists / sizeof *stoplists; i++)
		for (s = stoplists[i]; *s; s = *e ? e + 1 : e) {
			e = strchr(s, ' ');
			e = e ? e : s + strlen(s);
			snprintf(w, sizeof w, "%.*s", (int)(e - s), s);
			wa_hash_put(in->stop, w, in->stop);
		}
	return in;
}

/* Decode the UTF-8 character at *S (valid, as jansson's strings are) and step over it. */
static uint32_t
decode(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t c = *p;
	int n = c < 0x80 ? 0 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3, i;

	if (n)
		c &= 0x3f >> n;
	for (i = 1; i <= n && (p[i] & 0xc0) == 0x80; i++)
		c = c << 6 | (p[i] & 0x3f);
	*s += i;
	return c;
}

static void
encode(struct wa_buf *b, uint32_t c)
{
	if (c < 0x80)
		wa_buf_addc(b, (int)c);
	else if (c < 0x800) {
		wa_buf_addc(b, (int)(0xc0 | c >> 6));
		wa_buf_addc(b, (int)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		wa_buf_addc(b, (int)(0xe0 | c >> 12));
		wa_buf_addc(b, (int)(0x80 | (c >> 6 & 0x3f)));
		wa_buf_addc(b, (int)(0x80 | (c & 0x3f)));
	} else {
		wa_buf_addc(b, (int)(0xf0 | c >> 18));
		wa_buf_addc(b, (int)(0x80 | (c >> 12 & 0x3f)));
		wa_buf_addc(b, (int)(0x80 | (c >> 6 & 0x3f)));
		wa_buf_addc(b, (int)(0x80 | (c & 0x3f)));
	}
}

/* Han ideographs and kana: written without spaces, read in pairs. */
static int
cjk(uint32_t c)
{
	return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0x20000 && c <= 0x2ffff);
}

enum { C_SPACE, C_BREAK, C_LETTER, C_CJK };

/*
 * The class of C: letters and digits make words; . , ; : ? ! and their
 * wide forms, and new lines, end a phrase; punctuation, symbols and emoji
 * (Latin-1's, U+2000 on, but for the scripts) only part words.
 */
static int
class(uint32_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') ? C_LETTER :
		    strchr(".,;:?!\n", (int)c) ? C_BREAK : C_SPACE;
	if (cjk(c))
		return C_CJK;
	if (c == 0x3001 || c == 0x3002 || c == 0xff01 || c == 0xff0c ||
	    c == 0xff1a || c == 0xff1b || c == 0xff1f || c == 0x2026)
		return C_BREAK;
	if (c < 0xc0 || c == 0xd7 || c == 0xf7 || (c >= 0x2000 && c < 0x3040) ||
	    (c >= 0xfe00 && c < 0xff10) || c >= 0x1f000)
		return C_SPACE;
	return C_LETTER;
}

/* C lower case and, in Latin-1, without its accent, onto B. */
static void
fold(struct wa_buf *b, uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	else if (c >= 0xc0 && c <= 0xff) {
		wa_buf_adds(b, latin1[c - 0xc0]);
		return;
	} else if ((c >= 0x391 && c <= 0x3a9) || (c >= 0x410 && c <= 0x42f))
		c += 0x20;	/* Greek, Cyrillic */
	else if (c >= 0x400 && c <= 0x40f)
		c += 0x50;
	encode(b, c);
}

/* A word of the text, or a character pair, and whether it can end a phrase. */
struct tok {
	char w[MAXWORD];
	int stop;
	int cut;		/* a phrase ends after it */
};

static void
addtok(struct wa_insights *in, struct tok **t, size_t *n, size_t *cap,
    const char *w, size_t len, int cut)
{
	struct tok *k;
	int digits = 1;
	size_t i;

	*t = wa_grow(*t, cap, *n, sizeof **t);
	k = &(*t)[(*n)++];
	/* a long word is cut at a character, never inside one */
	if (len >= MAXWORD)
		for (len = MAXWORD - 1; len > 0 &&
		    ((unsigned char)w[len] & 0xc0) == 0x80; len--)
			;
	snprintf(k->w, sizeof k->w, "%.*s", (int)len, w);
	for (i = 0; k->w[i]; i++)
		digits &= k->w[i] >= '0' && k->w[i] <= '9';
	/* One letter, or a number (an order's, a price): no theme. */
	k->stop = digits || len == 1 || wa_hash_get(in->stop, k->w) != NULL;
	k->cut = cut;
}

/* Cut a run of N CJK characters (UTF-8 at RUN) into overlapping pairs, each a word. */
static void
pairs(struct wa_insights *in, struct tok **t, size_t *n, size_t *cap,
    const char *run, size_t nc)
{
	const char *p = run, *q;
	size_t i;

	for (i = 0; i + 1 < nc; i++) {
		q = p;
		decode(&q);
		p = q;
		decode(&q);
		addtok(in, t, n, cap, run, (size_t)(q - run), 1);
		run = p;
	}
}

/* The words of TEXT, folded, with the "[ref: ...]" of wa-link left out. */
static struct tok *
tokens(struct wa_insights *in, const char *text, size_t *n)
{
	struct wa_buf w = { 0 }, run = { 0 };
	struct tok *t = NULL;
	size_t cap = 0, nrun = 0;
	const char *s = text;
	uint32_t c;
	int k;

	*n = 0;
	while (*s) {
		if (s[0] == '[' && strncasecmp(s, "[ref:", 5) == 0 &&
		    strchr(s, ']')) {
			s = strchr(s, ']') + 1;
			c = ' ';
		} else
			c = decode(&s);
		k = class(c);
		if (k == C_CJK) {
			encode(&run, c);
			nrun++;
		} else if (nrun > 0) {
			pairs(in, &t, n, &cap, wa_buf_str(&run), nrun);
			wa_buf_reset(&run);
			nrun = 0;
		}
		if (k == C_LETTER)
			fold(&w, c);
		else if (w.len > 0) {
			addtok(in, &t, n, &cap, w.s, w.len, k != C_SPACE);
			wa_buf_reset(&w);
		}
		if (k == C_BREAK && *n > 0)
			t[*n - 1].cut = 1;
	}
	if (nrun > 0)
		pairs(in, &t, n, &cap, wa_buf_str(&run), nrun);
	if (w.len > 0)
		addtok(in, &t, n, &cap, w.s, w.len, 1);
	wa_buf_free(&w);
	wa_buf_free(&run);
	return t;
}

/* Count the phrase of WORDS words at T once for message M. */
static void
count(struct wa_insights *in, const struct tok *t, int words, size_t m)
{
	struct wa_buf b = { 0 };
	struct phrase *p;
	size_t i;
	int j;

	for (j = 0; j < words; j++) {
		if (j > 0)
			wa_buf_addc(&b, ' ');
		wa_buf_adds(&b, t[j].w);
	}
	if ((i = (size_t)(uintptr_t)wa_hash_get(in->ids, wa_buf_str(&b))) == 0) {
		in->p = wa_grow(in->p, &in->capp, in->np, sizeof *in->p);
		in->text = wa_realloc(in->text, in->capp * sizeof *in->text);
		memset(&in->p[in->np], 0, sizeof *in->p);
		in->p[in->np].words = words;
		in->text[in->np] = wa_strdup(wa_buf_str(&b));
		i = ++in->np;
		wa_hash_put(in->ids, wa_buf_str(&b), (void *)(uintptr_t)i);
	}
	wa_buf_free(&b);
	p = &in->p[i - 1];
	if (p->last == m + 1)
		return;
	p->last = m + 1;
	p->df++;
	in->pid = wa_grow(in->pid, &in->cappid, in->npid, sizeof *in->pid);
	in->pid[in->npid++] = (uint32_t)(i - 1);
}

void
wa_insights_add(struct wa_insights *in, json_t *ev)
{
	const char *e = wa_json_str(ev, "event"), *type = wa_json_str(ev, "type");
	const char *text = wa_json_str(ev, "text"), *at = wa_json_str(ev, "at");
	struct inbound *m;
	struct tok *t;
	size_t i, n;
	int w, j;
	time_t tm;

	if (e == NULL || strcmp(e, "message") != 0 || type == NULL ||
	    strcmp(type, "text") != 0 || text == NULL || at == NULL ||
	    wa_time_parse(at, WA_DATES_ANY, &tm) < 0 || tm < in->since ||
	    (in->until && tm >= in->until))
		return;
	in->m = wa_grow(in->m, &in->capm, in->nm, sizeof *in->m);
	m = &in->m[in->nm];
	m->wamid = wa_strdup0(wa_json_str(ev, "wamid"));
	m->from = wa_strdup0(wa_json_str(ev, "from"));
	m->at = tm;
	m->first = in->npid;
	/* Words, and runs of 2 and 3 that neither begin nor end with a stop word. */
	t = tokens(in, text, &n);
	for (i = 0; i < n; i++)
		for (w = 1; w <= 3 && i + (size_t)w <= n; w++) {
			for (j = 0; j < w - 1 && !t[i + (size_t)j].cut; j++)
				;
			if (j < w - 1)
				break;
			if (!t[i].stop && !t[i + (size_t)w - 1].stop)
				count(in, t + i, w, in->nm);
		}
	free(t);
	m->n = in->npid - m->first;
	in->nm++;
}

/* A phrase to rank: more messages first, then longer phrases, then by bytes. */
struct ranked {
	const char *text;
	long df;
	int words;
	uint32_t i;
};

static int
cmprank(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->df != y->df)
		return x->df > y->df ? -1 : 1;
	if (x->words != y->words)
		return y->words - x->words;
	return strcmp(x->text, y->text);
}

/*
 * Drop a phrase held in a longer one seen in as many messages: "delivery"
 * and "time" say no more than "delivery time" when they always come with it.
 */
static void
subsume(struct wa_insights *in)
{
	const char *w[4], *e;
	struct wa_buf b = { 0 };
	size_t i, k, sub;
	int j, n;

	for (i = 0; i < in->np; i++) {
		if ((n = in->p[i].words) < 2)
			continue;
		/* w[j]: where word j begins; w[n]: one past the end, less the space. */
		for (j = 0, w[0] = in->text[i]; j < n - 1; j++)
			w[j + 1] = strchr(w[j], ' ') + 1;
		w[n] = in->text[i] + strlen(in->text[i]) + 1;
		for (j = 0; j < n; j++)
			for (k = (size_t)j + 1; k <= (size_t)n; k++) {
				if (k - (size_t)j == (size_t)n)
					continue;
				e = w[k] - 1;
				wa_buf_reset(&b);
				wa_buf_add(&b, w[j], (size_t)(e - w[j]));
				sub = (size_t)(uintptr_t)wa_hash_get(in->ids,
				    wa_buf_str(&b));
				if (sub && in->p[sub - 1].df == in->p[i].df)
					in->p[sub - 1].dropped = 1;
			}
	}
	wa_buf_free(&b);
}

/* The nearest-rank median of S[0..N), sorted here; -1 for none. */
static long long
median(long long *s, size_t n)
{
	size_t i, j;
	long long v;

	for (i = 1; i < n; i++) {
		v = s[i];
		for (j = i; j > 0 && s[j - 1] > v; j--)
			s[j] = s[j - 1];
		s[j] = v;
	}
	return n ? s[(n + 1) / 2 - 1] : -1;
}

/* How a theme's messages were answered. */
struct tally {
	long n, how[3];		/* WA_ANSWER_* */
	long long *secs;	/* response times of those answered */
	size_t nsecs;
};

static json_t *
tallyrow(const char *theme, struct tally *t)
{
	long long med = median(t->secs, t->nsecs);
	json_t *o = json_object();

	json_object_set_new(o, "theme", json_string(theme));
	json_object_set_new(o, "messages", json_integer(t->n));
	json_object_set_new(o, "auto_reply", json_integer(t->how[WA_ANSWER_AUTO]));
	json_object_set_new(o, "person", json_integer(t->how[WA_ANSWER_PERSON]));
	json_object_set_new(o, "unanswered", json_integer(t->how[WA_ANSWER_NONE]));
	json_object_set_new(o, "median_response_s", med < 0 ? json_null() :
	    json_integer(med));
	return o;
}

static void
tallyadd(struct tally *t, int how, long long secs)
{
	t->n++;
	t->how[how]++;
	if (how != WA_ANSWER_NONE)
		t->secs[t->nsecs++] = secs;
}

json_t *
wa_insights_rows(struct wa_insights *in, struct wa_report *r, size_t top)
{
	struct ranked *rk = wa_calloc(in->np + 1, sizeof *rk);
	struct tally *t, all = { 0 };
	size_t i, j, n = 0;
	long *slot = wa_calloc(in->np + 1, sizeof *slot);
	json_t *out = json_array();
	long long secs;
	int how;

	subsume(in);
	for (i = 0; i < in->np; i++)
		if (in->p[i].df >= 2 && !in->p[i].dropped) {
			rk[n].text = in->text[i];
			rk[n].df = in->p[i].df;
			rk[n].words = in->p[i].words;
			rk[n++].i = (uint32_t)i;
		}
	qsort(rk, n, sizeof *rk, cmprank);
	n = n < top ? n : top;
	t = wa_calloc(n + 1, sizeof *t);
	for (i = 0; i < n; i++) {
		slot[rk[i].i] = (long)i + 1;
		t[i].secs = wa_calloc((size_t)rk[i].df, sizeof *t[i].secs);
	}
	all.secs = wa_calloc(in->nm + 1, sizeof *all.secs);
	for (i = 0; i < in->nm; i++) {
		how = wa_report_answer(r, in->m[i].wamid, in->m[i].from,
		    in->m[i].at, &secs);
		tallyadd(&all, how, secs);
		for (j = in->m[i].first; j < in->m[i].first + in->m[i].n; j++)
			if (slot[in->pid[j]])
				tallyadd(&t[slot[in->pid[j]] - 1], how, secs);
	}
	for (i = 0; i < n; i++) {
		json_array_append_new(out, tallyrow(rk[i].text, &t[i]));
		free(t[i].secs);
	}
	json_array_append_new(out, tallyrow("all", &all));
	free(all.secs);
	free(t);
	free(slot);
	free(rk);
	return out;
}

void
wa_insights_free(struct wa_insights *in)
{
	size_t i;

	if (in == NULL)
		return;
	for (i = 0; i < in->nm; i++) {
		free(in->m[i].wamid);
		free(in->m[i].from);
	}
	for (i = 0; i < in->np; i++)
		free(in->text[i]);
	free(in->text);
	free(in->p);
	free(in->m);
	free(in->pid);
	wa_hash_free(in->ids);
	wa_hash_free(in->stop);
	free(in);
}
