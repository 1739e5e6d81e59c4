/* Unit tests for common/ab.c: arms that are stable, split as weighed, and independent between tests. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "tap.h"

#define N 1000000

/* The index of ARM among NAMES, the arms a test was given. */
static int
armidx(const char *const *names, const char *arm)
{
	int i;

	for (i = 0; names[i]; i++)
		if (strcmp(names[i], arm) == 0)
			return i;
	return -1;
}

static void
parse(void)
{
	static const char *const bad[] = { "50/50", ":50/50", "t:50", "t:50/40",
	    "t:50/60", "t:a=50/a=50", "t:x y=50/b=50", "t:0/100", "t:50/x",
	    "t:/100", "t:101/-1" };
	static const char *const abc[] = { "A", "B", "C", NULL };
	static const char *const named[] = { "control", "A", "B", NULL };
	char err[128], what[96], id[16];
	struct wa_ab *ab;
	int i, seen[3] = { 0 }, ok1 = 1;

	for (i = 0; i < (int)(sizeof bad / sizeof *bad); i++) {
		snprintf(what, sizeof what, "'%s' is refused", bad[i]);
		ok((ab = wa_ab_parse(bad[i], err, sizeof err)) == NULL && *err, what);
		wa_ab_free(ab);
	}
	/* every arm drawn over 3000 ids, and no other */
	ab = wa_ab_parse("t:33.34/33.33/33.33", err, sizeof err);
	for (i = 0; ab && i < 3000; i++) {
		snprintf(id, sizeof id, "c%d", i);
		if ((ok1 = armidx(abc, wa_ab_arm(ab, id))) >= 0)
			seen[ok1] = 1;
		else
			break;
	}
	ok(ab && ok1 >= 0 && seen[0] && seen[1] && seen[2],
	    "hundredths, and arms A, B, C by default");
	wa_ab_free(ab);
	ab = wa_ab_parse("t:control=10/A=45/B=45", err, sizeof err);
	for (i = 0, ok1 = 1; ab && i < 3000 && ok1; i++) {
		snprintf(id, sizeof id, "c%d", i);
		ok1 = armidx(named, wa_ab_arm(ab, id)) >= 0;
	}
	ok(ab && ok1, "named arms");
	wa_ab_free(ab);
}

static void
split(void)
{
	char err[128], id[32];
	static const char *const named[] = { "control", "A", "B", NULL };
	static const char *const ab2[] = { "A", "B", NULL };
	struct wa_ab *a = wa_ab_parse("greeting:control=10/A=45/B=45", err, sizeof err);
	struct wa_ab *b = wa_ab_parse("timing:50/50", err, sizeof err);
	long cnt[3] = { 0 }, joint[3][2] = { { 0 } };
	static const double w[3] = { 0.10, 0.45, 0.45 };
	int i, x, y, stable = 1, within = 1, indep = 1;

	for (i = 0; i < N; i++) {
		snprintf(id, sizeof id, "shopify:%ld", 6600000000L + i * 7L);
		x = armidx(named, wa_ab_arm(a, id));
		y = armidx(ab2, wa_ab_arm(b, id));
		cnt[x]++;
		joint[x][y]++;
		if (i % 1000 == 0)
			stable &= x == armidx(named, wa_ab_arm(a, id));
	}
	ok(stable, "the same id gets the same arm again");
	for (x = 0; x < 3; x++)
		within &= fabs((double)cnt[x] / N - w[x]) < 0.005;
	ok(within, "1M ids split within 0.5% of the weights 10/45/45");
	for (x = 0; x < 3; x++)
		for (y = 0; y < 2; y++)
			indep &= fabs((double)joint[x][y] / N - w[x] * 0.5) < 0.005;
	ok(indep, "and a second test splits each arm of the first 50/50 (independent)");
	printf("# counts %ld %ld %ld\n", cnt[0], cnt[1], cnt[2]);
	wa_ab_free(a);
	wa_ab_free(b);
}

int
main(void)
{
	parse();
	split();
	return done_testing();
}
