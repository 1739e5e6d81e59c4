/* Unit tests for common/state.c: WA_HOME, fsync'd appends and atomic rewrites. */
#include <sys/stat.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "store.h"
#include "tap.h"

static char dir[] = "/tmp/t-state.XXXXXX";

static int
mode(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? -1 : (int)(st.st_mode & 0777);
}

static const char *
slurp(const char *path)
{
	static char buf[256];
	FILE *fp = fopen(path, "r");
	size_t n = 0;

	if (fp) {
		n = fread(buf, 1, sizeof buf - 1, fp);
		fclose(fp);
	}
	buf[n] = '\0';
	return buf;
}

int
main(void)
{
	char home[128], path[160], *tmp, *sec;
	struct wa_hash *s;
	json_t *j;
	FILE *fp;
	int fd;

	wa_init_name("t-state");
	umask(022);
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(home, sizeof home, "%s/a/b/wa", dir);
	setenv("WA_HOME", home, 1);
	is(wa_home(), home, "WA_HOME is the state directory");
	isnum(mode(home), 0700, "created 0700 with its parents");

	snprintf(path, sizeof path, "%s/ledger.jsonl", home);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
	isnum(wa_write(fd, "{\"a\":1}\n", 8), 0, "a write");
	isnum(wa_write(fd, "{\"b\":2}\n", 8), 0, "another");
	close(fd);
	is(slurp(path), "{\"a\":1}\n{\"b\":2}\n", "both lines, in order");
	ok(wa_write(-1, "x", 1) < 0, "a write that cannot be made says so");

	snprintf(path, sizeof path, "%s/suppress.txt", home);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	wa_write(fd, "+447700900123\n", 14);
	close(fd);
	fp = wa_rewrite_open(path, &tmp);
	ok(fp != NULL, "a rewrite opens a temporary file");
	fputs("+447700900124\n", fp);
	is(slurp(path), "+447700900123\n", "the old file stays until the commit");
	isnum(wa_rewrite_commit(fp, tmp, path), 0, "commit");
	is(slurp(path), "+447700900124\n", "the new content replaces it");
	isnum(mode(path), 0600, "a rewritten file is 0600");

	s = wa_supp_load(path, NULL);
	ok(s != NULL && wa_supp_has(s, "+447700900124"), "the suppression list is read");
	ok(!wa_supp_has(s, "+447700900123"), "only what it holds");
	isnum(wa_supp_add(path, s, "+5521987654321"), 0, "a number is added");
	ok(wa_supp_has(s, "+552187654321"), "and the same user without the 9th digit is suppressed");
	is(slurp(path), "+447700900124\n+5521987654321\n", "the number is in the file");
	wa_hash_free(s);
	s = wa_supp_load("/nonexistent/suppress.txt", NULL);
	ok(s != NULL && wa_hash_count(s) == 0, "an absent list is empty");
	wa_hash_free(s);

	setenv("T_SECRET", "s3cret", 1);
	setenv("T_SECRET_FILE", path, 1);
	sec = wa_secret("T_SECRET");
	is(sec, "s3cret", "a secret from its variable first");
	free(sec);
	unsetenv("T_SECRET");
	sec = wa_secret("T_SECRET");
	is(sec, "+447700900124", "else the first line of its file, the newline cut");
	free(sec);
	unsetenv("T_SECRET_FILE");
	ok(wa_secret("T_SECRET") == NULL, "neither: none");

	setenv("T_TOKEN", "my-configured-token", 1);
	free(wa_secret("T_TOKEN"));
	setenv("T_SHORT", "x", 1);
	free(wa_secret("T_SHORT"));
	sec = wa_scrub("Malformed access token my-configured-token; "
	    "EAAB0123456789abcdefghij!");
	is(sec, "Malformed access token [token]; [token]!",
	    "the token read and one shaped like a token are scrubbed");
	free(sec);
	sec = wa_scrub("EAAB0123456789abcdefghijEAA");
	is(sec, "[token]", "a token runs to its last letter or digit");
	free(sec);
	ok(wa_scrub("EAAB0123456789abcdefgh x marks") == NULL,
	    "EAA and 19 more is no token; a secret under 8 characters is left");
	j = json_pack("{s:{s:s,s:[s]}}", "error", "message",
	    "bad my-configured-token", "more", "EAAB0123456789abcdefghij");
	wa_scrub_json(j);
	sec = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	is(sec, "{\"error\":{\"message\":\"bad [token]\",\"more\":[\"[token]\"]}}",
	    "every string of a JSON answer");
	free(sec);
	json_decref(j);

	ok(wa_statefile("ledger.jsonl") == &wa_statefiles[WA_SF_LEDGER],
	    "the ledger is a state file");
	ok(wa_statefile(".journey-welcome.lock") == &wa_statefiles[WA_SF_JLOCK],
	    "a journey's lock by its pattern");
	ok(wa_statefile("notes.txt") == NULL, "another file is none");
	sec = wa_home_path(WA_SF_JOURNEYS);
	snprintf(path, sizeof path, "%s/journeys.jsonl", home);
	is(sec, path, "wa_home_path");
	free(sec);

	unsetenv("WA_HOME");
	return done_testing();
}
