/* Unit tests for common/json.c: records and CSV rows written whole. */
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "tap.h"

/* What wa_json_put writes for OBJ, read back from a temporary file. */
static char *
put(json_t *obj)
{
	FILE *fp = tmpfile();
	char *s;
	long n;

	wa_json_put(fp, obj);
	n = ftell(fp);
	rewind(fp);
	s = wa_malloc((size_t)n + 1);
	s[fread(s, 1, (size_t)n, fp)] = '\0';
	fclose(fp);
	return s;
}

/* {"s":"xxx..."} of exactly LEN bytes once dumped. */
static json_t *
sized(size_t len)
{
	char *v = wa_malloc(len - 7);
	json_t *o;

	memset(v, 'x', len - 8);
	v[len - 8] = '\0';
	o = json_pack("{s:s}", "s", v);
	free(v);
	return o;
}

int
main(void)
{
	static const size_t lens[] = { 20, 8190, 8191, 8192, 8193, 100000 };
	char *fields[] = { "a", "b.c", "t" }, *got, *want;
	json_t *o;
	FILE *fp;
	char row[128];
	size_t i;

	for (i = 0; i < sizeof lens / sizeof *lens; i++) {
		o = sized(lens[i]);
		got = put(o);
		want = json_dumps(o, JSON_COMPACT);
		ok(strlen(got) == lens[i] + 1 && got[lens[i]] == '\n' &&
		    strncmp(got, want, lens[i]) == 0,
		    "a record around the stack buffer's size is written whole");
		free(got);
		free(want);
		json_decref(o);
	}
	o = json_pack("{s:f,s:{s:s},s:[s,s]}", "a", 19.99, "b", "c", "x,\"y\"",
	    "t", "vip", "new");
	got = put(o);
	is(got, "{\"a\":19.99,\"b\":{\"c\":\"x,\\\"y\\\"\"},\"t\":[\"vip\",\"new\"]}\n",
	    "money keeps its two decimals");
	free(got);
	fp = tmpfile();
	wa_json_putcsv(fp, o, fields, 3);
	wa_json_putcsv(fp, o, fields, 1);
	rewind(fp);
	row[fread(row, 1, sizeof row - 1, fp)] = '\0';
	fclose(fp);
	is(row, "19.99,\"x,\"\"y\"\"\",\"vip, new\"\n19.99\n",
	    "CSV rows quote, join arrays, and start each row afresh");
	json_decref(o);
	return done_testing();
}
