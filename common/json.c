/* json.c: small helpers over jansson. */
#include <stdlib.h>
#include <string.h>

#include "wa.h"

/* 15 digits print money such as 19.99 as written, not as 19.989999999999998. */
#define DUMPFLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

void
wa_json_put(FILE *fp, json_t *obj)
{
	/*
	 * One write a record: json_dumpf makes one fwrite a token. Most
	 * records fit the stack; a longer one takes the heap for its turn.
	 */
	char small[8192], *p = small;
	size_t n = json_dumpb(obj, small, sizeof small - 1, DUMPFLAGS);

	if (n > sizeof small - 1) {
		p = wa_malloc(n + 1);
		n = json_dumpb(obj, p, n, DUMPFLAGS);
	}
	p[n] = '\n';
	fwrite(p, 1, n + 1, fp);
	if (p != small)
		free(p);
}

json_t *
wa_json_path(json_t *obj, const char *path)
{
	const char *dot;
	char key[256];
	size_t n;

	while (obj != NULL && (dot = strchr(path, '.')) != NULL) {
		n = (size_t)(dot - path);
		if (n >= sizeof key)
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		obj = json_object_get(obj, key);
		path = dot + 1;
	}
	return obj ? json_object_get(obj, path) : NULL;
}

const char *
wa_json_str(json_t *obj, const char *path)
{
	return json_string_value(wa_json_path(obj, path));
}

const char *
wa_json_nestr(json_t *obj, const char *path)
{
	const char *s = wa_json_str(obj, path);

	return s && *s ? s : NULL;
}

const char *
wa_json_idstr(json_t *obj, const char *key, char *buf, size_t n)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_string(v))
		return *json_string_value(v) ? json_string_value(v) : NULL;
	if (json_is_integer(v)) {
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return NULL;
}

void
wa_json_setstr(json_t *obj, const char *key, const char *s)
{
	json_object_set_new(obj, key, s && *s ? json_string(s) : json_null());
}

void
wa_json_settime(json_t *obj, const char *key, time_t t)
{
	char buf[WA_TIMEBUF];

	json_object_set_new(obj, key, t ? json_string(wa_time_fmt(t, buf)) :
	    json_null());
}

void
wa_json_setmoney(json_t *obj, const char *key, long long minor,
    const char *currency)
{
	json_object_set_new(obj, key, minor < 0 ? json_null() :
	    wa_money_json(minor, currency));
}

/* Append V as CSV cell text. */
static void
celltext(struct wa_buf *b, json_t *v)
{
	char *d;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_STRING:
		wa_buf_add(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_NULL:
		break;
	case JSON_ARRAY:
		for (i = 0; i < json_array_size(v); i++) {
			if (i > 0)
				wa_buf_adds(b, ", ");
			celltext(b, json_array_get(v, i));
		}
		break;
	default:
		if ((d = json_dumps(v, DUMPFLAGS | JSON_ENCODE_ANY)) != NULL) {
			wa_buf_adds(b, d);
			free(d);
		}
	}
}

void
wa_json_putcsv(FILE *fp, json_t *obj, char **fields, size_t nfields)
{
	struct wa_buf b = { 0 };
	json_t *v;
	size_t i;

	for (i = 0; i < nfields; i++) {
		if (i > 0)
			putc(',', fp);
		wa_buf_reset(&b);
		if ((v = wa_json_path(obj, fields[i])) != NULL)
			celltext(&b, v);
		wa_csv_putfield(fp, wa_buf_str(&b), b.len);
	}
	putc('\n', fp);
	wa_buf_free(&b);
}

/* Skip white space from P; returns the offset of the next other byte. */
static size_t
skipws(const char *raw, size_t n, size_t i)
{
	while (i < n && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' ||
	    raw[i] == '\r'))
		i++;
	return i;
}

/* The offset just past the string starting at the quote at I, or 0. */
static size_t
skipstr(const char *raw, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (raw[i] == '\\')
			i++;
		else if (raw[i] == '"')
			return i + 1;
	}
	return 0;
}

/* The offset just past the value starting at I, or 0 when it is cut short. */
static size_t
skipval(const char *raw, size_t n, size_t i)
{
	int depth = 0;

	if (i < n && raw[i] == '"')
		return skipstr(raw, n, i);
	for (; i < n; i++) {
		switch (raw[i]) {
		case '"':
			if ((i = skipstr(raw, n, i)) == 0)
				return 0;
			i--;
			break;
		case '{': case '[':
			depth++;
			break;
		case '}': case ']':
			if (depth == 0)
				return i;	/* the end of a bare value */
			if (--depth == 0)
				return i + 1;
			break;
		case ',': case ' ': case '\t': case '\n': case '\r':
			if (depth == 0)
				return i;
			break;
		}
	}
	return depth == 0 ? i : 0;
}

/* Is the JSON string RAW[I..J) (quotes included) the key KEY? */
static int
keyis(const char *raw, size_t i, size_t j, const char *key)
{
	size_t n = strlen(key);
	json_t *s;
	int eq;

	if (memchr(raw + i, '\\', j - i) == NULL)
		return j - i - 2 == n && memcmp(raw + i + 1, key, n) == 0;
	/* Escapes: rare enough to decode the key properly. */
	if ((s = json_loadb(raw + i, j - i, JSON_DECODE_ANY, NULL)) == NULL)
		return 0;
	eq = json_string_length(s) == n && memcmp(json_string_value(s), key, n) == 0;
	json_decref(s);
	return eq;
}

int
wa_json_span(const char *raw, size_t n, const char *key, size_t *start,
    size_t *end)
{
	size_t i = skipws(raw, n, 0), k, v, e;
	int found = -1;

	if (i >= n || raw[i] != '{')
		return -1;
	for (i = skipws(raw, n, i + 1); i < n && raw[i] == '"'; ) {
		if ((k = skipstr(raw, n, i)) == 0)
			return -1;
		v = skipws(raw, n, k);
		if (v >= n || raw[v] != ':')
			return -1;
		v = skipws(raw, n, v + 1);
		if ((e = skipval(raw, n, v)) == 0 || e == v)
			return -1;
		/* The last of duplicate keys wins, as for jansson. */
		if (keyis(raw, i, k, key)) {
			*start = v;
			*end = e;
			found = 0;
		}
		i = skipws(raw, n, e);
		if (i < n && raw[i] == ',')
			i = skipws(raw, n, i + 1);
	}
	return found;
}

int
wa_json_item(const char *raw, size_t n, size_t *at, size_t *start, size_t *end)
{
	size_t i = skipws(raw, n, *at), e;

	if (i < n && (raw[i] == '[' || raw[i] == ','))
		i = skipws(raw, n, i + 1);
	if (i >= n || raw[i] == ']' || (e = skipval(raw, n, i)) == 0 || e == i)
		return -1;
	*start = i;
	*end = e;
	*at = skipws(raw, n, e);
	return 0;
}

char *
wa_json_line(json_t *obj)
{
	return json_dumps(obj, DUMPFLAGS);
}
