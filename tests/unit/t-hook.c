/* Unit tests for wa-hook's common parts: sig.c, words.c, hook.c, spool.c, suppress.c, hash.c's fingerprints. */
#include <sys/wait.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "store.h"
#include "hook.h"
#include "tap.h"

static char dir[] = "/tmp/t-hook.XXXXXX";

static void
sigs(void)
{
	char out[WA_SIGBUF];
	const char *data = "what do ya want for nothing?";

	/* RFC 4231, test case 2 */
	wa_sig_hex("Jefe", data, strlen(data), out);
	is(out, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	    "HMAC-SHA256 in hex, as RFC 4231 gives it");
	wa_sig_b64("Jefe", data, strlen(data), out);
	is(out, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=", "and in base64");
	ok(wa_sig_ok(WA_SIG_HEX, "Jefe", data, strlen(data),
	    "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
	    "a right signature passes");
	ok(wa_sig_ok(WA_SIG_HEX, "Jefe", data, strlen(data),
	    "sha256=5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843"),
	    "in upper case too");
	ok(!wa_sig_ok(WA_SIG_HEX, "Jefe", data, strlen(data),
	    "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3844"),
	    "one digit off fails");
	ok(!wa_sig_ok(WA_SIG_HEX, "Jefe", data, strlen(data),
	    "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec38"),
	    "a short one fails");
	ok(!wa_sig_ok(WA_SIG_HEX, "Jefe", data, strlen(data),
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
	    "without sha256= fails");
	ok(!wa_sig_ok(WA_SIG_HEX, "Jefe", data, strlen(data), NULL), "none fails");
	ok(!wa_sig_ok(WA_SIG_HEX, "jefe", data, strlen(data),
	    "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
	    "another secret fails");
	ok(wa_sig_ok(WA_SIG_B64, "Jefe", data, strlen(data),
	    "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="), "base64 passes");
	ok(!wa_sig_ok(WA_SIG_B64, "Jefe", data, strlen(data) - 1,
	    "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="), "a shorter body fails");
}

static void
words(void)
{
	struct wa_words *stop = wa_words_default(0), *start = wa_words_default(1);
	static const char *const yes[] = { "STOP", " stop ", "Stop!", "stop.",
	    "¡Baja!", "ARRÊT", "arret", "Abmelden", "退订", "「取消订阅」",
	    "Unsubscribe", "STOP ALL", "\tsair ", "PARAR", "Berhenti" };
	static const char *const no[] = { "stop it please", "stopping", "",
	    "!!!", "bajar", "don't stop", "\xff\xfe" };
	struct wa_buf b = { 0 };
	char what[128];
	size_t i;

	for (i = 0; i < sizeof yes / sizeof *yes; i++) {
		snprintf(what, sizeof what, "'%s' is a STOP word", yes[i]);
		ok(wa_words_match(stop, yes[i]), what);
	}
	for (i = 0; i < sizeof no / sizeof *no; i++) {
		snprintf(what, sizeof what, "'%s' is not", no[i]);
		ok(!wa_words_match(stop, no[i]), what);
	}
	ok(wa_words_match(start, "Start"), "'Start' is a START word");
	ok(!wa_words_match(start, "STOP"), "'STOP' is not");
	ok(wa_words_fold("  ÉTÉ, Ça!  ", &b) == 0, "folding works on accents");
	is(wa_buf_str(&b), "été, ça", "trimmed of the ends' punctuation, lower case");
	wa_buf_free(&b);
	wa_words_free(stop);
	wa_words_free(start);
}

static void
count(json_t *ev, void *arg)
{
	json_array_append_new(arg, ev);
}

static void
normalize(void)
{
	const char *body = "{\"object\":\"whatsapp_business_account\",\"entry\":["
	    "{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{"
	    "\"metadata\":{\"phone_number_id\":\"9\"},\"statuses\":["
	    "{\"id\":\"w1\",\"status\":\"read\",\"timestamp\":1763892000,"
	    "\"recipient_id\":\"447700900001\"}],\"contacts\":[{\"wa_id\":"
	    "\"447700900002\",\"profile\":{\"name\":\"Bo\"}}],\"messages\":[{"
	    "\"from\":\"447700900002\",\"id\":\"w2\",\"timestamp\":\"1763892001\","
	    "\"text\":{\"body\":\"hi\"}}]}},{\"field\":\"account_update\","
	    "\"value\":{\"event\":\"VERIFIED\"}}]}]}";
	json_t *b = json_loads(body, 0, NULL), *evs = json_array();
	struct wa_buf key = { 0 };
	char err[128];

	isnum(wa_hook_meta(b, count, evs, err, sizeof err), 3,
	    "a status, a message and an unknown field: three events");
	is(wa_json_str(json_array_get(evs, 0), "at"), "2025-11-23T10:00:00Z",
	    "a numeric timestamp is read");
	is(wa_json_str(json_array_get(evs, 1), "type"), "text",
	    "a message without a type is typed by its content");
	is(wa_json_str(json_array_get(evs, 1), "name"), "Bo", "and named by its contact");
	is(wa_json_str(json_array_get(evs, 2), "field"), "account_update",
	    "an unknown field is kept");
	wa_hook_key(json_array_get(evs, 0), "x", 1, &key);
	is(wa_buf_str(&key), "status\x1fw1\x1fread", "a status's key: wamid and status");
	wa_hook_key(json_array_get(evs, 2), "abc", 3, &key);
	is(wa_buf_str(&key),
	    "#ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "an event without an id: the SHA-256 of its line");
	json_decref(b);
	b = json_loads("{\"entry\":{}}", 0, NULL);
	isnum(wa_hook_meta(b, count, evs, err, sizeof err), -1, "no entry array: refused");
	json_decref(b);
	b = json_loads("{\"entry\":[1,{\"changes\":[null,{\"field\":7}]}]}", 0, NULL);
	isnum(wa_hook_meta(b, count, evs, err, sizeof err), 1,
	    "junk inside entries is skipped, a field that is no string kept as a change");
	json_decref(b);
	json_decref(evs);
	wa_buf_free(&key);
}

/* A body jansson refuses whole: read entry by entry, change by change, item by item. */
static void
lenient(void)
{
	const char *body = "{\"entry\":[{\"time\":1763892000,\"changes\":["
	    "{\"field\":\"messages\",\"value\":{\"statuses\":["
	    "{\"id\":\"w1\",\"status\":\"read\"},"
	    "{\"id\":\"w2\",\"n\":123456789012345678901234567890},"
	    "{\"id\":\"w3\",\"status\":\"sent\"}]}},"
	    "{\"field\":\"x\",\"value\":{\"a\":\"\\ud800\"}}]},"
	    "{\"changes\":[{\"field\":\"messages\",\"value\":{\"messages\":["
	    "{\"id\":\"w4\",\"timestamp\":1e999}]}}]}]}";
	json_t *evs = json_array();
	size_t at = 0, s, e;
	char err[128];
	int n = 0;

	isnum(wa_hook_meta_raw(body, strlen(body), count, evs, err, sizeof err),
	    5, "two good statuses, three bad items: five events");
	is(wa_json_str(json_array_get(evs, 1), "wamid"), "w3",
	    "the item after a bad one is read");
	is(wa_json_str(json_array_get(evs, 2), "raw"),
	    "{\"id\":\"w2\",\"n\":123456789012345678901234567890}",
	    "a bad item is a change event with its text");
	is(wa_json_str(json_array_get(evs, 2), "at"), "2025-11-23T10:00:00Z",
	    "at the entry's time");
	is(wa_json_str(json_array_get(evs, 3), "field"), "x",
	    "a bad change with no list of items is kept whole");
	is(wa_json_str(json_array_get(evs, 4), "raw"),
	    "{\"id\":\"w4\",\"timestamp\":1e999}", "in a later entry too");
	isnum(wa_hook_meta_raw("[1", 2, count, evs, err, sizeof err), -1,
	    "no entry array: refused");
	while (wa_json_item("[1, \"a,]\" ,{\"b\":[2]}]", 21, &at, &s, &e) == 0)
		n++;
	isnum(n, 3, "wa_json_item: a number, a string with a comma, an object");
	json_decref(evs);
}

static void
fingerprints(void)
{
	struct wa_fpset *f = wa_fpset_new();
	char k[32];
	int i, all = 1;

	for (i = 0; i < 100000; i++) {
		snprintf(k, sizeof k, "wamid.%d", i);
		wa_fpset_add(f, wa_fp(k));
	}
	isnum((long long)wa_fpset_count(f), 100000, "100,000 keys, 100,000 fingerprints");
	for (i = 0; i < 100000 && all; i++) {
		snprintf(k, sizeof k, "wamid.%d", i);
		all = wa_fpset_has(f, wa_fp(k));
	}
	ok(all, "each is found");
	for (i = 100000, all = 0; i < 200000 && !all; i++) {
		snprintf(k, sizeof k, "wamid.%d", i);
		all = wa_fpset_has(f, wa_fp(k));
	}
	ok(!all, "and no other");
	wa_fpset_free(f);
}

struct adder {
	struct wa_spool *s;
	int id, fails;
	size_t nnew;
};

/* Each thread adds 500 events, 250 of them shared with every other thread. */
static void *
adder(void *arg)
{
	struct adder *a = arg;
	json_t *ev[2];
	size_t n;
	int i;

	for (i = 0; i < 250; i++) {
		ev[0] = json_pack("{s:s, s:o, s:s}", "event", "message", "wamid",
		    json_sprintf("shared.%d", i), "text", "x");
		ev[1] = json_pack("{s:s, s:o, s:s}", "event", "status", "wamid",
		    json_sprintf("own.%d.%d", a->id, i), "status", "read");
		if (wa_spool_add(a->s, ev, 2, &n) < 0)
			a->fails++;
		a->nnew += n;
		json_decref(ev[0]);
		json_decref(ev[1]);
	}
	return NULL;
}

static long
lines(const char *path)
{
	FILE *fp = fopen(path, "r");
	long n = 0;
	int c;

	while (fp && (c = getc(fp)) != EOF)
		n += c == '\n';
	if (fp)
		fclose(fp);
	return n;
}

static void
spool(void)
{
	char path[128];
	struct adder a[8];
	struct wa_spool *s;
	pthread_t t[8];
	size_t nnew = 0;
	long stored, dup;
	json_t *ev;
	FILE *fp;
	int i, fails = 0;

	snprintf(path, sizeof path, "%s/events.jsonl", dir);
	s = wa_spool_open(path, 0, NULL, NULL);
	ok(s != NULL, "a new spool opens");
	for (i = 0; i < 8; i++) {
		a[i] = (struct adder){ s, i, 0, 0 };
		pthread_create(&t[i], NULL, adder, &a[i]);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		nnew += a[i].nnew;
		fails += a[i].fails;
	}
	isnum(fails, 0, "eight threads add 4,000 events with no failure");
	isnum((long long)nnew, 250 + 8 * 250, "each shared event is new once");
	wa_spool_counts(s, &stored, &dup);
	isnum(stored, 2250, "2,250 stored");
	isnum(dup, 8 * 250 - 250, "1,750 dropped");
	ok(wa_spool_close(s) == 0, "closes");
	isnum(lines(path), 2250, "the file has each once");

	fp = fopen(path, "a");
	fputs("{\"event\":\"status\",\"wamid\":\"torn", fp);
	fclose(fp);
	s = wa_spool_open(path, 0, NULL, NULL);
	isnum(lines(path), 2250, "a torn last line is cut at open");
	ev = json_pack("{s:s, s:s}", "event", "message", "wamid", "shared.7");
	ok(wa_spool_seen(s, ev), "the keys are read back");
	ok(wa_spool_add(s, &ev, 1, &nnew) == 0 && nnew == 0, "so an old event is dropped");
	json_decref(ev);
	ev = json_pack("{s:s, s:s}", "event", "opt_out", "from", "+447700900001");
	ok(!wa_spool_seen(s, ev), "an event without an id is new");
	ok(wa_spool_add(s, &ev, 1, &nnew) == 0 && nnew == 1, "and stored");
	ok(wa_spool_seen(s, ev), "then seen, by its line");
	json_decref(ev);
	wa_spool_close(s);
}

static void
suppress(void)
{
	char path[128], line[64];
	struct wa_hash *h;
	FILE *fp;
	int i;
	pid_t pid;

	snprintf(path, sizeof path, "%s/suppress.txt", dir);
	fp = fopen(path, "w");
	fputs("# kept\n+447700900001\n+5521987654321\n", fp);
	fclose(fp);
	ok(wa_supp_add(path, NULL, "+552187654321") == 0, "adding the same user");
	isnum(lines(path), 3, "adds no line");
	isnum(wa_supp_replace(path, "+552187654321", NULL), 1,
	    "removing a number removes the same user's other form");
	h = wa_supp_load(path, NULL);
	snprintf(line, sizeof line, "+447700900001");
	ok(wa_hash_count(h) == 1 && wa_hash_get(h, line), "the rest stays");
	wa_hash_free(h);
	fp = fopen(path, "r");
	ok(fgets(line, sizeof line, fp) && strcmp(line, "# kept\n") == 0,
	    "with its comment");
	fclose(fp);

	/* a writer and a rewriter at once: no append is lost to the rename */
	fflush(stdout);		/* or the child may print our TAP lines again */
	if ((pid = fork()) == 0) {
		for (i = 0; i < 200; i++) {
			snprintf(line, sizeof line, "+4477008%05d", i);
			wa_supp_add(path, NULL, line);
		}
		_exit(0);
	}
	for (i = 0; i < 200; i++) {
		wa_supp_add(path, NULL, "+15555550100");
		wa_supp_replace(path, "+15555550100", NULL);
	}
	waitpid(pid, NULL, 0);
	isnum(lines(path), 2 + 200, "200 appends survive 200 rewrites");
}

int
main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	if (mkdtemp(dir) == NULL)
		return 1;
	sigs();
	words();
	normalize();
	lenient();
	fingerprints();
	spool();
	suppress();
	unlink(strcat(strcpy((char[160]){ 0 }, dir), "/events.jsonl"));
	unlink(strcat(strcpy((char[160]){ 0 }, dir), "/suppress.txt"));
	rmdir(dir);
	return done_testing();
}
