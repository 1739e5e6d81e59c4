/* survey.c: satisfaction answers, by button payload or bare number, and their figures. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report.h"

/* A whole number 0-10 at S[0..N), nothing else; -1 when it is not one. */
static int
number(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	if (n == 0 || n > 2)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + s[i] - '0';
	}
	return v <= 10 ? v : -1;
}

int
wa_survey_payload(const char *payload)
{
	if (payload == NULL || strncasecmp(payload, "SCORE:", 6) != 0)
		return -1;
	return number(payload + 6, strlen(payload + 6));
}

int
wa_survey_bare(const char *text)
{
	size_t i, j;

	if (text == NULL)
		return -1;
	/* "4", " 4 ", "4." or "4!": a customer typing on a phone. */
	for (i = 0; isspace((unsigned char)text[i]); i++)
		;
	for (j = strlen(text); j > i && (isspace((unsigned char)text[j - 1]) ||
	    strchr(".!", text[j - 1])); j--)
		;
	return number(text + i, j - i);
}

int
wa_survey_spec(const char *spec, char *name, size_t namesz)
{
	const char *colon = strrchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	int scale = 0;

	if (colon && strcmp(colon, ":5") == 0)
		scale = 5;
	else if (colon && strcmp(colon, ":10") == 0)
		scale = 10;
	else
		n = strlen(spec);	/* a campaign name may hold a colon */
	if (n == 0 || n >= namesz)
		return -1;
	memcpy(name, spec, n);
	name[n] = '\0';
	return scale;
}

void
wa_survey_add(struct wa_survey *s, int score, int scale)
{
	if (scale == 5 && score >= 1 && score <= 5) {
		s->n5++;
		s->sum5 += score;
		s->negative += score <= 2;
	} else if (scale == 10 && score >= 0 && score <= 10) {
		s->n10++;
		s->promoters += score >= 9;
		s->detractors += score <= 6;
		s->negative += score <= 6;
	}
}

double
wa_survey_csat(const struct wa_survey *s)
{
	return s->n5 ? (double)s->sum5 / s->n5 : NAN;
}

double
wa_survey_nps(const struct wa_survey *s)
{
	return s->n10 ? 100.0 * (s->promoters - s->detractors) / s->n10 : NAN;
}

double
wa_survey_negative(const struct wa_survey *s)
{
	long n = s->n5 + s->n10 + s->optouts;

	return n ? (double)(s->negative + s->optouts) / n : NAN;
}
