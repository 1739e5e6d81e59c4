/* stats.c: the tests of wa-report -b variant, two proportions and Welch's t. */
#include <float.h>
#include <math.h>

#include "report.h"

#define ALPHA 0.05	/* two-sided */
#define POWER 0.80

/*
 * The continued fraction of the incomplete beta function, by the modified
 * Lentz method (Numerical Recipes 6.4): it converges quickly for
 * x < (a + 1) / (a + b + 2), which the caller makes sure of.
 */
static double
betacf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h, m2, aa, del;
	int m;

	d = 1 / (fabs(d) < tiny ? tiny : d);
	h = d;
	for (m = 1; m <= 1000; m++) {
		m2 = 2.0 * m;
		aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + aa * d;
		d = 1 / (fabs(d) < tiny ? tiny : d);
		c = 1 + aa / c;
		c = fabs(c) < tiny ? tiny : c;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		d = 1 / (fabs(d) < tiny ? tiny : d);
		c = 1 + aa / c;
		c = fabs(c) < tiny ? tiny : c;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 4 * DBL_EPSILON)
			break;
	}
	return h;
}

double
wa_betai(double a, double b, double x)
{
	double bt;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
	    b * log1p(-x));
	/* The fraction for I_x(a,b) or, by symmetry, for 1 - I_{1-x}(b,a). */
	if (x < (a + 1) / (a + b + 2))
		return bt * betacf(a, b, x) / a;
	return 1 - bt * betacf(b, a, 1 - x) / b;
}

double
wa_norm_cdf(double z)
{
	/* erfc keeps its precision in the tails, where 1 - erf would not. */
	return 0.5 * erfc(-z / M_SQRT2);
}

double
wa_t_cdf(double t, double df)
{
	double tail;

	if (isinf(df))
		return wa_norm_cdf(t);
	tail = 0.5 * wa_betai(df / 2, 0.5, df / (df + t * t));
	return t > 0 ? 1 - tail : tail;
}

/*
 * The X where the increasing CDF(X, DF) is P, by bisection: slower than
 * Newton's method but it cannot diverge, and 200 halvings of a bracket
 * found by doubling reach the last bit of a double.
 */
static double
invert(double (*cdf)(double, double), double df, double p)
{
	double lo = -1, hi = 1, mid;
	int i;

	if (!(p > 0 && p < 1))
		return p == 0 ? -INFINITY : p == 1 ? INFINITY : NAN;
	while (cdf(lo, df) > p)
		lo *= 2;
	while (cdf(hi, df) < p)
		hi *= 2;
	for (i = 0; i < 200 && lo < hi; i++) {
		mid = lo + (hi - lo) / 2;
		if (mid <= lo || mid >= hi)
			break;
		if (cdf(mid, df) < p)
			lo = mid;
		else
			hi = mid;
	}
	return lo + (hi - lo) / 2;
}

static double
normcdf2(double z, double unused)
{
	return wa_norm_cdf(z);
}

double
wa_norm_ppf(double p)
{
	return invert(normcdf2, 0, p);
}

double
wa_t_ppf(double p, double df)
{
	return isinf(df) ? wa_norm_ppf(p) : invert(wa_t_cdf, df, p);
}

int
wa_test_props(long x1, long n1, long x0, long n0, struct wa_test *t)
{
	double p1, p0, pool, se, z = wa_norm_ppf(1 - ALPHA / 2);
	double zb = wa_norm_ppf(POWER), d;

	if (n1 <= 0 || n0 <= 0)
		return -1;
	p1 = (double)x1 / n1;
	p0 = (double)x0 / n0;
	t->diff = d = p1 - p0;
	/* The interval with each arm's own variance (Wald)... */
	se = sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0);
	t->lo = d - z * se;
	t->hi = d + z * se;
	/* ...the z test with the pooled one, as under no difference. */
	pool = (double)(x1 + x0) / (n1 + n0);
	se = sqrt(pool * (1 - pool) * (1.0 / n1 + 1.0 / n0));
	t->df = INFINITY;
	t->stat = se > 0 ? d / se : NAN;
	/* no spread at all (0% or 100% in both): the same, or surely not */
	t->p = se > 0 ? 2 * wa_norm_cdf(-fabs(t->stat)) : d == 0 ? 1 : 0;
	/* Per arm, for power POWER at ALPHA, were the effect D real (Fleiss). */
	pool = (p1 + p0) / 2;
	t->nneed = d != 0 ? ceil(pow(z * sqrt(2 * pool * (1 - pool)) +
	    zb * sqrt(p1 * (1 - p1) + p0 * (1 - p0)), 2) / (d * d)) : NAN;
	return 0;
}

int
wa_test_welch(double m1, double v1, long n1, double m0, double v0, long n0,
    struct wa_test *t)
{
	double s1, s0, se, z = wa_norm_ppf(1 - ALPHA / 2);
	double zb = wa_norm_ppf(POWER), q;

	if (n1 < 2 || n0 < 2)
		return -1;
	s1 = v1 / n1;
	s0 = v0 / n0;
	se = sqrt(s1 + s0);
	t->diff = m1 - m0;
	/* Welch-Satterthwaite degrees of freedom. */
	t->df = se > 0 ? (s1 + s0) * (s1 + s0) /
	    (s1 * s1 / (n1 - 1) + s0 * s0 / (n0 - 1)) : NAN;
	q = se > 0 ? wa_t_ppf(1 - ALPHA / 2, t->df) : NAN;
	t->lo = t->diff - q * se;
	t->hi = t->diff + q * se;
	t->stat = se > 0 ? t->diff / se : NAN;
	t->p = se > 0 ? 2 * wa_t_cdf(-fabs(t->stat), t->df) : t->diff == 0 ? 1 : 0;
	t->nneed = t->diff != 0 && se > 0 ? ceil((z + zb) * (z + zb) *
	    (v1 + v0) / (t->diff * t->diff)) : NAN;
	return 0;
}
