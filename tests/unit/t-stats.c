/* Unit tests for common/stats.c: quantiles from printed tables, tests by hand. */
#include <math.h>
#include <stdio.h>

#include "report.h"
#include "tap.h"

/* Is GOT within TOL of WANT? Says both when not. */
static int
near(double got, double want, double tol, const char *what)
{
	int same = fabs(got - want) <= tol;

	if (!ok(same, what))
		printf("#   got: %.10g\n# wanted: %.10g\n", got, want);
	return same;
}

int
main(void)
{
	/* Student's t, 97.5th percentile, from any printed table (4 places). */
	static const struct { double df, q; } t975[] = {
		{ 1, 12.7062 }, { 2, 4.3027 }, { 5, 2.5706 }, { 10, 2.2281 },
		{ 30, 2.0423 }, { 100, 1.9840 },
	};
	struct wa_test t;
	char what[64];
	size_t i;

	for (i = 0; i < sizeof t975 / sizeof *t975; i++) {
		snprintf(what, sizeof what, "t quantile 0.975, df %g", t975[i].df);
		near(wa_t_ppf(0.975, t975[i].df), t975[i].q, 5e-5, what);
	}
	near(wa_t_ppf(0.995, 10), 3.1693, 5e-5, "t quantile 0.995, df 10");
	near(wa_t_ppf(0.025, 5), -2.5706, 5e-5, "t quantile 0.025, df 5: the lower tail");
	/* Non-integer df, as Welch's test gives: scipy.stats.t.ppf(0.975, 7.5). */
	near(wa_t_ppf(0.975, 7.5), 2.333039627, 1e-8, "t quantile, df 7.5");
	near(wa_t_cdf(-3.5, 2.5), 0.02617277348, 1e-10, "t CDF, df 2.5");
	near(wa_t_cdf(0, 3), 0.5, 1e-15, "t CDF at 0");
	near(wa_t_ppf(0.975, INFINITY), 1.959964, 1e-6, "t with infinite df is normal");
	/* The normal: 1.959964, 0.841621 from tables; far in the tail too. */
	near(wa_norm_ppf(0.975), 1.959963985, 1e-9, "normal quantile 0.975");
	near(wa_norm_ppf(0.8), 0.8416212336, 1e-9, "normal quantile 0.8");
	near(wa_norm_ppf(1e-10), -6.361340902, 1e-8, "normal quantile 1e-10");
	near(wa_norm_cdf(1.959963985), 0.975, 1e-10, "normal CDF");
	/* I_0.4(2,3) = sum j=2..4 C(4,j) .4^j .6^(4-j) = .3456 + .1536 + .0256. */
	near(wa_betai(2, 3, 0.4), 0.5248, 1e-12, "incomplete beta by the binomial sum");
	near(wa_betai(0.5, 0.5, 0.5), 0.5, 1e-12, "incomplete beta, symmetric");
	near(wa_betai(0.5, 7, 0.9), 0.9999999780702157, 1e-13,
	    "incomplete beta, the other side of the mean");

	/*
	 * 45/100 against 30/100: d = .15; Wald se = sqrt(.45 .55/100 + .3 .7/100)
	 * = .0676387, CI .15 -+ 1.959964 x .0676387 = [.0174302, .2825698];
	 * pooled .375, se = sqrt(.375 .625 (2/100)) = .0684653, z = 2.19089,
	 * p = 2 (1 - Phi(2.19089)) = .028460; n = (1.959964 sqrt(2 .375 .625)
	 * + .841621 sqrt(.2475 + .21))^2 / .0225 = 162.3 -> 163.
	 */
	ok(wa_test_props(45, 100, 30, 100, &t) == 0, "two proportions");
	near(t.diff, 0.15, 1e-12, "two proportions: difference");
	near(t.lo, 0.0174302, 1e-6, "two proportions: CI low");
	near(t.hi, 0.2825698, 1e-6, "two proportions: CI high");
	near(t.stat, 2.19089, 1e-5, "two proportions: z");
	near(t.p, 0.028460, 1e-5, "two proportions: p");
	near(t.nneed, 163, 0, "two proportions: n per arm for 80% power");
	ok(wa_test_props(1, 0, 1, 10, &t) == -1, "two proportions: an empty arm");

	/*
	 * Welch: 1..5 (mean 3, var 2.5) against 2,4..10 (mean 6, var 10):
	 * se = sqrt(.5 + 2) = 1.581139, t = -1.897367, df = 6.25 / (.0625 + 1)
	 * = 5.882353; p from scipy.stats.ttest_ind(equal_var=False).
	 */
	ok(wa_test_welch(3, 2.5, 5, 6, 10, 5, &t) == 0, "Welch");
	near(t.stat, -1.8973665961, 1e-9, "Welch: t");
	near(t.df, 5.882352941, 1e-8, "Welch: Welch-Satterthwaite df");
	near(t.p, 0.10753119493, 1e-9, "Welch: p as scipy");
	near(t.hi - t.diff, wa_t_ppf(0.975, t.df) * 1.5811388301, 1e-9,
	    "Welch: interval of t quantile x se");
	ok(wa_test_welch(1, 1, 1, 1, 1, 5, &t) == -1, "Welch: one value is no variance");
	return done_testing();
}
