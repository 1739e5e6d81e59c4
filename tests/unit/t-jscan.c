/* Unit tests for common/jscan.c: the grammar check and the picked fields. */
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "tap.h"

static const char *keys[] = { "tags", "spent", "tz" };

/* The picked fields as compact JSON, or "ERR@offset". */
static const char *
pick(const char *raw)
{
	static char out[512];
	json_t *obj = json_object();
	size_t at;
	char *d;

	if (wa_json_pick(raw, strlen(raw), keys, 3, obj, &at) < 0)
		snprintf(out, sizeof out, "ERR@%zu", at);
	else {
		d = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
		snprintf(out, sizeof out, "%s", d);
		free(d);
	}
	json_decref(obj);
	return out;
}

int
main(void)
{
	static const char *bad[] = {
		"", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}",
		"{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":.5}", "{\"a\":1e}",
		"{\"a\":tru}", "{\"a\":\"x}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
		"{\"a\":\"tab\there\"}", "{\"a\":[1,]}", "{\"a\":[1 2]}",
		"{\"a\":{\"b\":1,}}", "{\"a\":1} x", "{\"a\":1}{}", "{a:1}",
		"{\"a\":1 \"b\":2}", "{\"spent\":1e999}", "{\"x\":-1e999}",
		"{\"x\":99999999999999999999}",
	};
	size_t i;
	int n = 0;

	is(pick("{}"), "{}", "an empty object");
	is(pick("{\"id\":\"x\",\"spent\":12.5,\"tags\":[\"a\",\"b\"],\"extra\":{\"tags\":1}}"),
	    "{\"spent\":12.5,\"tags\":[\"a\",\"b\"]}", "only the top-level fields asked for");
	is(pick(" { \"tz\" : \"Asia/Dhaka\" , \"x\" : [ 1 , { } , [ ] , null , true , false , -0.5e+3 ] } \r\n"),
	    "{\"tz\":\"Asia/Dhaka\"}", "white space everywhere, every kind of value");
	is(pick("{\"t\\u0061gs\":[\"esc\"]}"), "{\"tags\":[\"esc\"]}", "a key written with escapes");
	ok(strncmp(pick("{\"spent\":1,\"spent\":2}"), "ERR@", 4) == 0,
	    "duplicate keys that disagree are refused, as jansson's JSON_REJECT_DUPLICATES");
	ok(strncmp(pick("{\"opt_in\":false,\"x\":1,\"opt_in\":true}"), "ERR@", 4) == 0,
	    "a key not asked for too");
	ok(strncmp(pick("{\"a\":1,\"a\":1}"), "ERR@", 4) == 0,
	    "duplicate keys that agree are refused as well");
	ok(strncmp(pick("{\"t\\u0061gs\":1,\"tags\":1}"), "ERR@", 4) == 0,
	    "a duplicate written with escapes");
	ok(strncmp(pick("{\"x\":[{\"b\":1,\"c\":2,\"b\":3}]}"), "ERR@", 4) == 0,
	    "a duplicate in a nested object");
	is(pick("{\"x\":{\"a\":1},\"y\":{\"a\":1},\"tz\":\"UTC\"}"), "{\"tz\":\"UTC\"}",
	    "one key in two objects is no duplicate");
	{
		char big[4096], *p = big;
		int k;

		p += sprintf(p, "{");
		for (k = 0; k < 100; k++)
			p += sprintf(p, "\"k%d\":{\"a\":%d},", k, k);
		sprintf(p, "\"tz\":\"UTC\"}");
		is(pick(big), "{\"tz\":\"UTC\"}", "101 distinct keys");
		memcpy(strstr(big, "\"k99\""), "\"k10\"", 5);
		ok(strncmp(pick(big), "ERR@", 4) == 0, "and one of them twice");
	}
	is(pick("{\"note\":\"a \\\"}\\\" b\",\"tz\":\"UTC\"}"), "{\"tz\":\"UTC\"}",
	    "braces and quotes inside strings");
	is(pick("{\"a\":\"\\u00e9\\n\\/\"}"), "{}", "valid escapes");
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		n += strncmp(pick(bad[i]), "ERR@", 4) == 0;
	isnum(n, (long long)(sizeof bad / sizeof *bad), "every malformed record is refused");
	is(pick("{\"a\":1,}"), "ERR@7", "the offset of the trouble");
	is(pick("{\"x\":1e-400,\"y\":-0,\"spent\":123456789012345678}"),
	    "{\"spent\":123456789012345678}", "underflow and -0 are numbers, as for jansson");
	return done_testing();
}
