/*
 * ab.c: A/B test arms. A record's arm comes from a hash of the test's name
 * and the record's id, so a customer stays in the same arm on every run,
 * and a test of another name splits the customers anew, independently.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "wa.h"
#include "store.h"

#define SCALE 10000	/* weights in hundredths of a percent */

struct wa_ab {
	char *name;
	char **arm;
	long *upto;	/* an arm takes the draws below its upto, above the last's */
	size_t n;
};

static int
armname(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return 0;
	return n > 0 && n <= 32;
}

/* One "W" or "NAME=W" of the spec, the Ith arm. */
static int
addarm(struct wa_ab *ab, const char *p, size_t n, long *sum, char *err,
    size_t errsz)
{
	const char *eq = memchr(p, '=', n), *w = eq ? eq + 1 : p;
	char num[32], *end, def[2] = { (char)('A' + ab->n), 0 };
	double v;

	snprintf(num, sizeof num, "%.*s", (int)(n - (size_t)(w - p)), w);
	v = strtod(num, &end);
	if (*num == '\0' || *end != '\0' || !(v > 0) || v > 100) {
		snprintf(err, errsz, "weight '%s' is not a number in (0, 100]", num);
		return -1;
	}
	if (eq && !armname(p, (size_t)(eq - p))) {
		snprintf(err, errsz, "arm '%.*s': letters, digits, - and _ only",
		    (int)(eq - p), p);
		return -1;
	}
	ab->arm = wa_realloc(ab->arm, (ab->n + 1) * sizeof *ab->arm);
	ab->upto = wa_realloc(ab->upto, (ab->n + 1) * sizeof *ab->upto);
	ab->arm[ab->n] = eq ? wa_strndup(p, (size_t)(eq - p)) : wa_strdup(def);
	*sum += (long)(v * 100 + 0.5);
	ab->upto[ab->n++] = *sum;
	return 0;
}

struct wa_ab *
wa_ab_parse(const char *spec, char *err, size_t errsz)
{
	const char *colon = strchr(spec, ':'), *p, *e;
	struct wa_ab *ab;
	long sum = 0;
	size_t i, j;

	if (colon == NULL || colon == spec) {
		snprintf(err, errsz, "'%s' is not NAME:WEIGHT/WEIGHT...", spec);
		return NULL;
	}
	ab = wa_calloc(1, sizeof *ab);
	ab->name = wa_strndup(spec, (size_t)(colon - spec));
	for (p = colon + 1; ; p = e + 1) {
		e = p + strcspn(p, "/");
		if (ab->n == 26 || addarm(ab, p, (size_t)(e - p), &sum, err, errsz) < 0) {
			if (ab->n == 26)
				snprintf(err, errsz, "at most 26 arms");
			wa_ab_free(ab);
			return NULL;
		}
		if (*e == '\0')
			break;
	}
	for (i = 0; i < ab->n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(ab->arm[i], ab->arm[j]) == 0) {
				snprintf(err, errsz, "arm %s twice", ab->arm[i]);
				wa_ab_free(ab);
				return NULL;
			}
	if (ab->n < 2 || sum != SCALE) {
		snprintf(err, errsz, ab->n < 2 ? "two arms at least" :
		    "the weights add up to %.2f, not 100", sum / 100.0);
		wa_ab_free(ab);
		return NULL;
	}
	return ab;
}

/* A draw in [0, SCALE) from the first 64 bits of SHA-256(NAME 0x1f ID). */
static long
draw(const char *name, const char *id)
{
	/* kept between records: a filter of millions allocates once */
	static struct wa_buf b;
	unsigned char md[SHA256_DIGEST_LENGTH];
	unsigned long long v = 0;
	int i;

	wa_buf_reset(&b);
	wa_buf_adds(&b, name);
	wa_buf_addc(&b, 0x1f);
	wa_buf_adds(&b, id);
	SHA256((const unsigned char *)b.s, b.len, md);
	for (i = 0; i < 8; i++)
		v = v << 8 | md[i];
	/* the top 53 bits, scaled: no modulo bias */
	return (long)((double)(v >> 11) / 9007199254740992.0 * SCALE);
}

const char *
wa_ab_arm(const struct wa_ab *ab, const char *id)
{
	long d = draw(ab->name, id);
	size_t i;

	for (i = 0; i + 1 < ab->n && d >= ab->upto[i]; i++)
		;
	return ab->arm[i];
}

void
wa_ab_free(struct wa_ab *ab)
{
	size_t i;

	if (ab == NULL)
		return;
	for (i = 0; i < ab->n; i++)
		free(ab->arm[i]);
	free(ab->arm);
	free(ab->upto);
	free(ab->name);
	free(ab);
}
