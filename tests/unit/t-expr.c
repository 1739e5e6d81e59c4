/* Unit tests for common/expr.c: the parser, the evaluator and parse errors. */
#include <stdint.h>
#include <stdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wa.h"
#include "store.h"
#include "tap.h"

#define ERR (-1)		/* a type problem */

/* A customer much like wa-import writes one. */
#define ANA "{\"id\":\"shopify:1\",\"first_name\":\"Ana\",\"last_name\":\"Souza\"," \
	"\"email\":\"ana.souza@gmail.com\",\"phone\":\"+5511912345678\"," \
	"\"country\":\"BR\",\"tz\":\"America/Sao_Paulo\",\"opt_in\":true," \
	"\"tags\":[\"vip\",\"newsletter\"],\"note\":null,\"orders\":5," \
	"\"spent\":1234.5,\"currency\":\"BRL\"," \
	"\"first_order_at\":\"2024-03-01T10:00:00Z\"," \
	"\"last_order_at\":\"2025-11-11T12:00:00Z\",\"orders_365d\":3," \
	"\"spent_365d\":null,\"last_items\":[]," \
	"\"birthday\":\"1990-01-16\",\"extra\":{\"utm_source\":\"Instagram\"," \
	"\"Zip Code\":\"01310-100\",\"n\":{\"deep\":7}}}"

static const struct {
	const char *expr;
	const char *rec;	/* NULL: ANA */
	const char *now;	/* NULL: 2026-01-15T12:00:00Z, a Thursday */
	int want;
} cases[] = {
	/* constants and truthiness */
	{ "true", "{}", NULL, 1 },
	{ "false", "{}", NULL, 0 },
	{ "null", "{}", NULL, 0 },
	{ "0", "{}", NULL, 0 },
	{ "0.0", "{}", NULL, 0 },
	{ "1", "{}", NULL, 1 },
	{ "-0.5", "{}", NULL, 1 },
	{ "\"\"", "{}", NULL, 0 },
	{ "\"x\"", "{}", NULL, 1 },
	{ "[]", "{}", NULL, 0 },
	{ "[0]", "{}", NULL, 1 },
	{ "last_items", NULL, NULL, 0 },
	{ "tags", NULL, NULL, 1 },
	{ "extra", NULL, NULL, 1 },
	{ "e", "{\"e\":{}}", NULL, 0 },
	{ "note", NULL, NULL, 0 },
	{ "nosuchfield", NULL, NULL, 0 },
	{ "opt_in", NULL, NULL, 1 },
	{ "!opt_in", NULL, NULL, 0 },
	{ "!!orders", NULL, NULL, 1 },
	{ "!note", NULL, NULL, 1 },
	{ "!\"\"", "{}", NULL, 1 },
	/* precedence */
	{ "true || true && false", "{}", NULL, 1 },
	{ "(true || true) && false", "{}", NULL, 0 },
	{ "false && true || true", "{}", NULL, 1 },
	{ "!false && false", "{}", NULL, 0 },
	{ "!(false && false)", "{}", NULL, 1 },
	{ "1 + 2 * 3 == 7", "{}", NULL, 1 },
	{ "(1 + 2) * 3 == 9", "{}", NULL, 1 },
	{ "10 - 4 - 3 == 3", "{}", NULL, 1 },
	{ "24 / 4 / 2 == 3", "{}", NULL, 1 },
	{ "-1 < 0", "{}", NULL, 1 },
	{ "-orders == -5", NULL, NULL, 1 },
	{ "- -1 == 1", "{}", NULL, 1 },
	{ "-2 * -3 == 6", "{}", NULL, 1 },
	{ "2 * 3 - 1 > 4 == true", "{}", NULL, 1 },
	{ "\"vip\" in tags == true", NULL, NULL, 0 },	/* "vip" in (tags == true) */
	{ "(\"vip\" in tags) == true", NULL, NULL, 1 },
	{ "\"ana\" in first_name ~ \"x\"", NULL, NULL, 0 },
	{ "first_name ~ \"^an\" && orders > 4", NULL, NULL, 1 },
	{ "!\"vip\" in tags", NULL, NULL, 0 },	/* (!"vip") in tags */
	{ "!(\"vip\" in tags)", NULL, NULL, 0 },
	{ "!(\"problem\" in tags)", NULL, NULL, 1 },
	{ "opt_in && spent >= 1000 && !(\"problem\" in tags)", NULL, NULL, 1 },
	/* comparisons */
	{ "orders == 5", NULL, NULL, 1 },
	{ "orders == 5.0", NULL, NULL, 1 },
	{ "orders != 5", NULL, NULL, 0 },
	{ "orders < 5", NULL, NULL, 0 },
	{ "orders <= 5", NULL, NULL, 1 },
	{ "orders > 4", NULL, NULL, 1 },
	{ "orders >= 6", NULL, NULL, 0 },
	{ "spent == 1234.5", NULL, NULL, 1 },
	{ "n == 1234567890123", "{\"n\":1234567890123}", NULL, 1 },
	{ "n + 1 == 1234567890124", "{\"n\":1234567890123}", NULL, 1 },
	{ "0.1 + 0.2 > 0.3", "{}", NULL, 1 },
	{ "1e3 == 1000", "{}", NULL, 1 },
	{ "first_name == \"Ana\"", NULL, NULL, 1 },
	{ "first_name == 'Ana'", NULL, NULL, 1 },
	{ "first_name == \"ana\"", NULL, NULL, 0 },
	{ "first_name != \"ana\"", NULL, NULL, 1 },
	{ "first_name < \"Ann\"", NULL, NULL, 1 },
	{ "first_name < \"Ana\"", NULL, NULL, 0 },
	{ "first_name <= \"Ana\"", NULL, NULL, 1 },
	{ "first_name > \"An\"", NULL, NULL, 1 },
	{ "first_name >= \"B\"", NULL, NULL, 0 },
	{ "\"Z\" < \"a\"", "{}", NULL, 1 },	/* bytewise */
	{ "\"é\" > \"z\"", "{}", NULL, 1 },
	{ "opt_in == true", NULL, NULL, 1 },
	{ "opt_in != false", NULL, NULL, 1 },
	{ "tags == [\"vip\", \"newsletter\"]", NULL, NULL, 1 },
	{ "tags == [\"newsletter\", \"vip\"]", NULL, NULL, 0 },
	{ "last_items == []", NULL, NULL, 1 },
	{ "a == [1, 2]", "{\"a\":[1,2.0]}", NULL, 1 },
	{ "extra.n == e", "{\"extra\":{\"n\":{\"deep\":7}},\"e\":{\"deep\":7}}", NULL, 1 },
	/* null */
	{ "note == null", NULL, NULL, 1 },
	{ "note != null", NULL, NULL, 0 },
	{ "nosuch == null", NULL, NULL, 1 },
	{ "null == null", "{}", NULL, 1 },
	{ "orders == null", NULL, NULL, 0 },
	{ "orders != null", NULL, NULL, 1 },
	{ "note < 1", NULL, NULL, 0 },
	{ "note > 1", NULL, NULL, 0 },
	{ "note <= 1", NULL, NULL, 0 },
	{ "note >= 1", NULL, NULL, 0 },
	{ "note == 0", NULL, NULL, 0 },
	{ "note == false", NULL, NULL, 0 },
	{ "note == \"\"", NULL, NULL, 0 },
	{ "spent_365d >= 1000", NULL, NULL, 0 },
	{ "!(spent_365d >= 1000)", NULL, NULL, 1 },
	{ "spent_365d < 1000", NULL, NULL, 0 },
	{ "spent_365d + 1 == null", NULL, NULL, 1 },
	{ "-note == null", NULL, NULL, 1 },
	{ "null * 2 > 1", "{}", NULL, 0 },
	/* mixed types compare as false; != is the negation of == */
	{ "orders == \"5\"", NULL, NULL, 0 },
	{ "orders != \"5\"", NULL, NULL, 1 },
	{ "orders < \"6\"", NULL, NULL, 0 },
	{ "orders > \"4\"", NULL, NULL, 0 },
	{ "opt_in == 1", NULL, NULL, 0 },
	{ "true > false", "{}", NULL, 0 },
	{ "tags > 1", NULL, NULL, 0 },
	{ "tags == \"vip\"", NULL, NULL, 0 },
	{ "extra < extra", NULL, NULL, 0 },
	{ "[1] < [2]", "{}", NULL, 0 },
	/* arithmetic type problems */
	{ "\"a\" * 2", "{}", NULL, ERR },
	{ "\"a\" + \"b\" == \"ab\"", "{}", NULL, ERR },
	{ "first_name - 1 > 0", NULL, NULL, ERR },
	{ "opt_in + 1", NULL, NULL, ERR },
	{ "-\"x\"", "{}", NULL, ERR },
	{ "-tags", NULL, NULL, ERR },
	{ "1 / 0", "{}", NULL, ERR },
	{ "orders / (orders - 5) > 1", NULL, NULL, ERR },
	{ "orders / 2 == 2.5", NULL, NULL, 1 },
	{ "1e308 * 10 > 0", "{}", NULL, ERR },
	/* an error anywhere sinks the lot, unless short-circuiting skips it */
	{ "true && \"a\" * 2", "{}", NULL, ERR },
	{ "\"a\" * 2 || true", "{}", NULL, ERR },
	{ "true || \"a\" * 2", "{}", NULL, 1 },
	{ "false && \"a\" * 2", "{}", NULL, 0 },
	{ "!(\"a\" * 2)", "{}", NULL, ERR },
	/* paths */
	{ "extra.utm_source == \"Instagram\"", NULL, NULL, 1 },
	{ "extra.\"Zip Code\" == \"01310-100\"", NULL, NULL, 1 },
	{ "extra.'Zip Code' ~ '^01'", NULL, NULL, 1 },
	{ "extra.n.deep == 7", NULL, NULL, 1 },
	{ "extra . n . deep == 7", NULL, NULL, 1 },
	{ "extra.nosuch == null", NULL, NULL, 1 },
	{ "extra.n.deep.deeper == null", NULL, NULL, 1 },
	{ "first_name.x == null", NULL, NULL, 1 },
	{ "nosuch.x.y == null", NULL, NULL, 1 },
	{ "tags.0 == \"vip\"", NULL, NULL, 1 },
	{ "tags.1 == \"newsletter\"", NULL, NULL, 1 },
	{ "tags.2 == null", NULL, NULL, 1 },
	{ "a.0.b == 1", "{\"a\":[{\"b\":1}]}", NULL, 1 },
	{ "o.in == 1 && o.null == 2", "{\"o\":{\"in\":1,\"null\":2}}", NULL, 1 },
	{ "_x1 == 1", "{\"_x1\":1}", NULL, 1 },
	{ "extra.código == 1", "{\"extra\":{\"código\":1}}", NULL, 1 },
	{ "(0 < orders) < 10", NULL, NULL, 0 },	/* true < 10: mixed */
	{ "0 < orders && orders < 10", NULL, NULL, 1 },
	{ "1 < 2 == 2 < 3", "{}", NULL, 1 },
	{ "x == 1", "[1,2]", NULL, 0 },		/* not an object: all null */
	/* in */
	{ "\"vip\" in tags", NULL, NULL, 1 },
	{ "\"VIP\" in tags", NULL, NULL, 0 },
	{ "\"vi\" in tags", NULL, NULL, 0 },
	{ "\"problem\" in tags", NULL, NULL, 0 },
	{ "\"vip\" in nosuch", NULL, NULL, 0 },
	{ "\"vip\" in last_items", NULL, NULL, 0 },
	{ "\"gmail\" in email", NULL, NULL, 1 },
	{ "\"yahoo\" in email", NULL, NULL, 0 },
	{ "\"\" in email", NULL, NULL, 1 },
	{ "\"ana.souza@gmail.com!\" in email", NULL, NULL, 0 },
	{ "\".com\" in email", NULL, NULL, 1 },
	{ "country in [\"BR\", \"PT\", \"AO\"]", NULL, NULL, 1 },
	{ "country in [\"US\", \"CA\"]", NULL, NULL, 0 },
	{ "orders in [1, 5, 9]", NULL, NULL, 1 },
	{ "orders in [\"5\"]", NULL, NULL, 0 },
	{ "note in [null]", NULL, NULL, 1 },
	{ "5 in \"a5\"", "{}", NULL, 0 },
	{ "\"x\" in 5", "{}", NULL, 0 },
	{ "\"utm_source\" in extra", NULL, NULL, 1 },
	{ "\"Zip Code\" in extra", NULL, NULL, 1 },
	{ "\"zip code\" in extra", NULL, NULL, 0 },
	{ "[1,2] in a", "{\"a\":[[1,2],[3]]}", NULL, 1 },
	{ "-1 in [-1]", "{}", NULL, 1 },
	{ "null in [1]", "{}", NULL, 0 },
	/* regex: POSIX extended, case-insensitive, anchors */
	{ "first_name ~ \"ana\"", NULL, NULL, 1 },
	{ "first_name ~ \"^ANA$\"", NULL, NULL, 1 },
	{ "first_name ~ \"^an$\"", NULL, NULL, 0 },
	{ "first_name ~ \"n\"", NULL, NULL, 1 },
	{ "email ~ \"@(gmail|hotmail)\\\\.com$\"", NULL, NULL, 1 },
	{ "email ~ \"@(gmail|hotmail)\\.com$\"", NULL, NULL, 1 },
	{ "email ~ '@yahoo\\.'", NULL, NULL, 0 },
	{ "phone ~ \"^\\+55(11|21)9[0-9]{8}$\"", NULL, NULL, 1 },
	{ "phone ~ \"^\\+351\"", NULL, NULL, 0 },
	{ "note ~ \"x\"", NULL, NULL, 0 },
	{ "nosuch ~ \"\"", NULL, NULL, 0 },
	{ "orders ~ \"5\"", NULL, NULL, 0 },
	{ "tags ~ \"vip\"", NULL, NULL, 0 },
	{ "lower(first_name) ~ \"^ana\"", NULL, NULL, 1 },
	{ "first_name ~ p", "{\"first_name\":\"Ana\",\"p\":\"^a\"}", NULL, 1 },
	{ "first_name ~ p", "{\"first_name\":\"Ana\",\"p\":\"^b\"}", NULL, 0 },
	{ "first_name ~ p", "{\"first_name\":\"Ana\",\"p\":null}", NULL, 0 },
	{ "first_name ~ p", "{\"first_name\":\"Ana\",\"p\":3}", NULL, ERR },
	{ "first_name ~ p", "{\"first_name\":\"Ana\",\"p\":\"(\"}", NULL, ERR },
	{ "\"ÁNA\" ~ \"^Ána$\"", "{}", NULL, 1 },
	/* durations */
	{ "65d == 5616000", "{}", NULL, 1 },
	{ "90s == 90", "{}", NULL, 1 },
	{ "30m == 1800", "{}", NULL, 1 },
	{ "48h == 172800", "{}", NULL, 1 },
	{ "2w == 14d", "{}", NULL, 1 },
	{ "1d12h == 36h", "{}", NULL, 1 },
	{ "1w2d3h4m5s == 788645", "{}", NULL, 1 },
	{ "0s == 0", "{}", NULL, 1 },
	{ "2 * 1h == 2h", "{}", NULL, 1 },
	/* since, until */
	{ "since(last_order_at) == 65d", NULL, NULL, 1 },
	{ "since(last_order_at) >= 65d", NULL, NULL, 1 },
	{ "since(last_order_at) > 65d", NULL, NULL, 0 },
	{ "since(last_order_at) >= 65d && opt_in", NULL, NULL, 1 },
	{ "since(last_order_at) >= 65d", NULL, "2026-01-15T11:59:59Z", 0 },
	{ "since(last_order_at) >= 65d", NULL, "2026-01-15T12:00:00Z", 1 },
	{ "until(last_order_at) == -65d", NULL, NULL, 1 },
	{ "since(t) == 30m", "{\"t\":\"2026-01-15T13:30:00+02:00\"}", NULL, 1 },
	{ "since(t) == 4h", "{\"t\":\"2026-01-15 03:00:00 -0500\"}", NULL, 1 },
	{ "since(t) == 12h", "{\"t\":\"2026-01-15\"}", NULL, 1 },
	{ "since(t) == 60", "{\"t\":1768478340}", NULL, 1 },
	{ "since(t) == 60", "{\"t\":\"1768478340\"}", NULL, 1 },
	{ "until(t) == 48h", "{\"t\":\"2026-01-17T12:00:00Z\"}", NULL, 1 },
	{ "until(t) > 0 && until(t) <= 3d", "{\"t\":\"2026-01-17T12:00:00Z\"}", NULL, 1 },
	{ "since(t) >= 1d", "{\"t\":null}", NULL, 0 },
	{ "since(t) < 1d", "{}", NULL, 0 },
	{ "since(t) == null", "{}", NULL, 1 },
	{ "until(t) == null", "{\"t\":null}", NULL, 1 },
	{ "since(t) > 0", "{\"t\":\"not a date\"}", NULL, ERR },
	{ "since(\"not a date\") > 0", "{}", NULL, ERR },
	{ "since(t) > 0", "{\"t\":true}", NULL, ERR },
	{ "since(t) > 0", "{\"t\":[]}", NULL, ERR },
	{ "since(t) > 0", "{\"t\":\"\"}", NULL, ERR },
	/* days_to_anniversary: 2026-01-15 in Sao Paulo is a day before Ana's */
	{ "days_to_anniversary(birthday) == 1", NULL, NULL, 1 },
	{ "days_to_anniversary(b) == 0", "{\"b\":\"1990-12-31\"}", "2026-12-31T12:00:00Z", 1 },
	{ "days_to_anniversary(b) == 1", "{\"b\":\"1990-01-01\"}", "2026-12-31T12:00:00Z", 1 },
	{ "days_to_anniversary(b) == 364", "{\"b\":\"1990-12-30\"}", "2026-12-31T12:00:00Z", 1 },
	{ "days_to_anniversary(b) == 3", "{\"b\":\"1990-01-03\"}", "2026-12-31T12:00:00Z", 1 },
	/* year end crossed in the customer's zone but not in UTC */
	{ "days_to_anniversary(b) == 1", "{\"b\":\"1990-01-01\"}", "2026-12-31T20:00:00Z", 1 },
	{ "days_to_anniversary(b) == 0", "{\"b\":\"1990-01-01\",\"tz\":\"Asia/Kolkata\"}", "2026-12-31T20:00:00Z", 1 },
	{ "days_to_anniversary(b) == 364", "{\"b\":\"1990-12-31\",\"tz\":\"Asia/Kolkata\"}", "2026-12-31T20:00:00Z", 1 },
	{ "days_to_anniversary(b) == 0", "{\"b\":\"1990-12-31\",\"tz\":\"America/New_York\"}", "2027-01-01T04:59:59Z", 1 },
	{ "days_to_anniversary(b) == 364", "{\"b\":\"1990-12-31\",\"tz\":\"America/New_York\"}", "2027-01-01T05:00:00Z", 1 },
	/* Feb 29: on Feb 28 in common years, on Feb 29 in leap years */
	{ "days_to_anniversary(b) == 1", "{\"b\":\"2000-02-29\"}", "2027-02-27T12:00:00Z", 1 },
	{ "days_to_anniversary(b) == 0", "{\"b\":\"2000-02-29\"}", "2027-02-28T12:00:00Z", 1 },
	{ "days_to_anniversary(b) == 365", "{\"b\":\"2000-02-29\"}", "2027-03-01T12:00:00Z", 1 },
	{ "days_to_anniversary(b) == 1", "{\"b\":\"2000-02-29\"}", "2028-02-28T12:00:00Z", 1 },
	{ "days_to_anniversary(b) == 0", "{\"b\":\"2000-02-29\"}", "2028-02-29T12:00:00Z", 1 },
	{ "days_to_anniversary(b) == 365", "{\"b\":\"2000-02-28\"}", "2028-02-29T12:00:00Z", 1 },
	{ "days_to_anniversary(b) == 364", "{\"b\":\"2000-02-28\"}", "2027-03-01T12:00:00Z", 1 },
	{ "days_to_anniversary(b) == 1", "{\"b\":\"2000-02-28\"}", "2027-02-27T12:00:00Z", 1 },
	{ "days_to_anniversary(b) == 1", "{\"b\":\"2001-03-01\"}", "2028-02-29T12:00:00Z", 1 },
	{ "days_to_anniversary(b) == 2", "{\"b\":\"2001-03-01\"}", "2028-02-28T12:00:00Z", 1 },
	{ "days_to_anniversary(b) == 1", "{\"b\":\"2001-03-01\"}", "2027-02-28T12:00:00Z", 1 },
	/* a full time: the date as written */
	{ "days_to_anniversary(b) == 0", "{\"b\":\"1990-01-15T23:30:00-05:00\"}", NULL, 1 },
	{ "days_to_anniversary(b) == 3", "{\"b\":\"18/01/1990\"}", NULL, 1 },
	{ "days_to_anniversary(birthday) <= 3 && days_to_anniversary(birthday) >= 0", NULL, NULL, 1 },
	{ "days_to_anniversary(b) == null", "{\"b\":null}", NULL, 1 },
	{ "days_to_anniversary(b) >= 0", "{}", NULL, 0 },
	{ "days_to_anniversary(b) >= 0", "{\"b\":\"soon\"}", NULL, ERR },
	{ "days_to_anniversary(b) >= 0", "{\"b\":\"1990-01-01\",\"tz\":\"Mars/Olympus\"}", NULL, ERR },
	/* local_hour, weekday: New York across both DST changes */
	{ "local_hour() == 1 && weekday() == 7", "{\"tz\":\"America/New_York\"}", "2026-03-08T06:59:59Z", 1 },
	{ "local_hour() == 3 && weekday() == 7", "{\"tz\":\"America/New_York\"}", "2026-03-08T07:00:00Z", 1 },
	{ "local_hour() == 1", "{\"tz\":\"America/New_York\"}", "2026-11-01T05:59:59Z", 1 },
	{ "local_hour() == 1", "{\"tz\":\"America/New_York\"}", "2026-11-01T06:00:00Z", 1 },
	{ "local_hour() == 0", "{\"tz\":\"America/New_York\"}", "2026-11-01T04:00:00Z", 1 },
	{ "local_hour() == 2", "{\"tz\":\"America/New_York\"}", "2026-11-01T07:00:00Z", 1 },
	{ "weekday() == 7 && local_hour() == 22", "{\"tz\":\"America/New_York\"}", "2026-01-05T03:00:00Z", 1 },
	/* Berlin */
	{ "local_hour() == 1", "{\"tz\":\"Europe/Berlin\"}", "2026-03-29T00:59:59Z", 1 },
	{ "local_hour() == 3", "{\"tz\":\"Europe/Berlin\"}", "2026-03-29T01:00:00Z", 1 },
	{ "local_hour() == 2", "{\"tz\":\"Europe/Berlin\"}", "2026-10-25T00:59:59Z", 1 },
	{ "local_hour() == 2", "{\"tz\":\"Europe/Berlin\"}", "2026-10-25T01:00:00Z", 1 },
	{ "local_hour() == 3", "{\"tz\":\"Europe/Berlin\"}", "2026-10-25T02:00:00Z", 1 },
	{ "weekday() == 7", "{\"tz\":\"Europe/Berlin\"}", "2026-03-29T01:00:00Z", 1 },
	/* Kolkata, +05:30 */
	{ "local_hour() == 23 && weekday() == 4", "{\"tz\":\"Asia/Kolkata\"}", "2026-01-15T18:29:59Z", 1 },
	{ "local_hour() == 0 && weekday() == 5", "{\"tz\":\"Asia/Kolkata\"}", "2026-01-15T18:30:00Z", 1 },
	{ "local_hour() == 17", "{\"tz\":\"Asia/Kolkata\"}", NULL, 1 },
	/* no tz, null tz, empty tz: UTC; an unknown zone is a problem */
	{ "local_hour() == 12 && weekday() == 4", "{}", NULL, 1 },
	{ "local_hour() == 12", "{\"tz\":null}", NULL, 1 },
	{ "local_hour() == 12", "{\"tz\":\"\"}", NULL, 1 },
	{ "local_hour() == 12", "{\"tz\":5}", NULL, 1 },
	{ "weekday() == 1", "{}", "2026-01-05T03:00:00Z", 1 },
	{ "weekday() == 6", "{}", "2027-02-27T12:00:00Z", 1 },
	{ "local_hour() >= 0", "{\"tz\":\"Mars/Olympus\"}", NULL, ERR },
	{ "local_hour() >= 9 && local_hour() < 21", NULL, NULL, 1 },
	{ "local_hour() == 9", NULL, NULL, 1 },	/* Sao Paulo, -03:00 */
	/* lower */
	{ "lower(first_name) == \"ana\"", NULL, NULL, 1 },
	{ "lower(\"ÁLVARO ÇÃO ÑÜ\") == \"álvaro ção ñü\"", "{}", NULL, 1 },
	{ "lower(\"ÀÞ×\") == \"àþ×\"", "{}", NULL, 1 },
	{ "lower(\"ЁЖИК ПЯ\") == \"ёжик пя\"", "{}", NULL, 1 },
	{ "lower(\"MiXeD 123\") == \"mixed 123\"", "{}", NULL, 1 },
	{ "lower(first_name) == lower(\"ANA\")", NULL, NULL, 1 },
	{ "lower(first_name) != lower(last_name)", NULL, NULL, 1 },
	{ "lower(extra.utm_source) in [\"instagram\", \"facebook\"]", NULL, NULL, 1 },
	{ "lower(note) == null", NULL, NULL, 1 },
	{ "lower(5) == \"5\"", "{}", NULL, ERR },
	{ "lower(tags)", NULL, NULL, ERR },
	{ "first_name == \"Ana\"", NULL, NULL, 1 },	/* lower() left it alone */
	/* len */
	{ "len(first_name) == 3", NULL, NULL, 1 },
	{ "len(\"São\") == 3", "{}", NULL, 1 },
	{ "len(\"\") == 0", "{}", NULL, 1 },
	{ "len(tags) == 2", NULL, NULL, 1 },
	{ "len(last_items) == 0", NULL, NULL, 1 },
	{ "len(extra) == 3", NULL, NULL, 1 },
	{ "len(note) == 0", NULL, NULL, 1 },
	{ "len(nosuch) == 0", NULL, NULL, 1 },
	{ "len([1, 2, 3]) == 3", "{}", NULL, 1 },
	{ "len(orders)", NULL, NULL, ERR },
	{ "len(opt_in)", NULL, NULL, ERR },
	/* exists: present and not null */
	{ "exists(first_name)", NULL, NULL, 1 },
	{ "exists(note)", NULL, NULL, 0 },
	{ "exists(nosuch)", NULL, NULL, 0 },
	{ "exists(extra.utm_source)", NULL, NULL, 1 },
	{ "exists(extra.\"Zip Code\")", NULL, NULL, 1 },
	{ "exists(extra.nosuch)", NULL, NULL, 0 },
	{ "exists(last_items)", NULL, NULL, 1 },
	{ "exists(opt_in)", "{\"opt_in\":false}", NULL, 1 },
	{ "!exists(phone) || phone ~ \"^\\+\"", NULL, NULL, 1 },
	/* strings */
	{ "\"a\\\"b\" == 'a\"b'", "{}", NULL, 1 },
	{ "'it\\'s' == \"it's\"", "{}", NULL, 1 },
	{ "len(\"a\\\\b\") == 3", "{}", NULL, 1 },
	{ "len(\"a\\.b\") == 4", "{}", NULL, 1 },
	{ "s == \"tab\\there\"", "{\"s\":\"tab\\\\there\"}", NULL, 1 },
	/* whitespace */
	{ " \t orders\n==\t5 ", NULL, NULL, 1 },
	{ "lower ( first_name ) == \"ana\"", NULL, NULL, 1 },
	{ "[ ] == last_items", NULL, NULL, 1 },
	/* the tiers from the playbook */
	{ "spent_365d >= 1000 && orders >= 4", "{\"spent_365d\":1500,\"orders\":4}", NULL, 1 },
	{ "spent_365d >= 300 && orders >= 2", "{\"spent_365d\":299.99,\"orders\":9}", NULL, 0 },
	{ "orders >= 1 && spent >= 50", "{\"orders\":1,\"spent\":50}", NULL, 1 },
	{ "orders == 0", "{\"orders\":0}", NULL, 1 },
};
#define NCASES (sizeof cases / sizeof cases[0])

static const struct {
	const char *expr;
	int col;
	const char *msg;	/* a part of the message */
} errors[] = {
	{ "", 1, "empty expression" },
	{ "   ", 4, "empty expression" },
	{ "orders >", 9, "expected a value, got end of expression" },
	{ "orders > 5 )", 12, "unexpected ')' after the expression" },
	{ "orders 5", 8, "unexpected '5' after the expression" },
	{ "(orders > 5", 12, "expected ')', got end of expression" },
	{ "orders = 5", 8, "use '=='" },
	{ "a & b", 3, "use '&&'" },
	{ "a | b", 3, "use '||'" },
	{ "a ^ b", 3, "unexpected '^'" },
	{ "first_name == \"Ana", 15, "unterminated string" },
	{ "first_name == 'Ana\\'", 15, "unterminated string" },
	{ "foo(x)", 1, "unknown function 'foo'" },
	{ "orders > 1 && bogus(x) > 2", 15, "unknown function 'bogus'" },
	{ "since()", 1, "since() takes 1 argument" },
	{ "since(a, b)", 1, "since() takes 1 argument" },
	{ "local_hour(1)", 1, "local_hour() takes 0 arguments" },
	{ "weekday(x, y)", 1, "weekday() takes 0 arguments" },
	{ "lower(a", 8, "expected ',' or ')'" },
	{ "exists(\"a\")", 8, "exists() takes a field name" },
	{ "exists(a + 1)", 8, "exists() takes a field name" },
	{ "email ~ \"(gmail\"", 9, "bad regex" },
	{ "email ~ \"a{2,1}\"", 9, "bad regex" },
	/* stacked repeats: glibc nests them, and 130 of them took 1.4 GB (fuzz-expr) */
	{ "note ~ \"c++\"", 8, "a repeat of a repeat" },
	{ "note ~ \"c{2}*\"", 8, "a repeat of a repeat" },
	{ "note ~ \"a?b?c?d?e?f?g?h?i?j?k?l?m?n?o?p?q?r?s?t?u?v?w?x?y?z?A?B?C?D?E?F?G?\"", 8, "over 32 repeats" },
	{ "email ~ 5", 9, "a regex must be a string" },
	{ "since(t) > 65x", 12, "bad number '65x'" },
	{ "since(t) > 65dd", 12, "bad duration '65dd'" },
	{ "since(t) > 1h1d", 12, "bad duration '1h1d'" },
	{ "since(t) > 1.5h", 12, "bad number '1.5h'" },
	{ "0x10 == 16", 1, "bad number" },
	{ "1.2.3 == 1", 1, "bad number" },
	{ "x > 1e999", 5, "bad number '1e999'" },
	{ "99999999999999999999w > 0", 1, "bad duration" },
	{ "a.", 3, "expected a field name after '.'" },
	{ "a.(b)", 3, "expected a field name after '.'" },
	{ "a.1x", 3, "bad field name" },
	{ ".a", 1, "expected a value, got '.'" },
	{ "[1, a]", 5, "an array literal holds only constants" },
	{ "[1, 2", 6, "expected ',' or ']'" },
	{ "[1 2]", 4, "expected ',' or ']'" },
	{ "orders > 5 &&", 14, "expected a value" },
	{ "!", 2, "expected a value" },
	{ "()", 2, "expected a value, got ')'" },
	{ "a @ b", 3, "unexpected '@'" },
	{ "0 < orders < 10", 12, "comparisons do not chain" },
	{ "1 <= 2 > 0", 8, "comparisons do not chain" },
	{ "in", 1, "expected a value, got 'in'" },
	{ "&& a", 1, "expected a value, got '&&'" },
	{ "a &&& b", 5, "use '&&'" },
	{ "a ~ 'x' ~ 'y('", 11, "bad regex" },
};
#define NERRORS (sizeof errors / sizeof errors[0])

static time_t
when(const char *s)
{
	time_t t;

	if (wa_time_parse(s, WA_DATES_ANY, &t) == -1) {
		fprintf(stderr, "bad time in test: %s\n", s);
		exit(1);
	}
	return t;
}

static void
evaluations(void)
{
	char err[256], what[512], *p;
	json_t *ana, *rec;
	json_error_t je;
	struct wa_expr *e;
	time_t now0 = when("2026-01-15T12:00:00Z");
	size_t i;
	int col, got;

	if ((ana = json_loads(ANA, 0, &je)) == NULL) {
		printf("Bail out! ANA: %s\n", je.text);
		exit(1);
	}
	for (i = 0; i < NCASES; i++) {
		snprintf(what, sizeof what, "%s  on %s%s%s", cases[i].expr,
		    cases[i].rec ? cases[i].rec : "ANA",
		    cases[i].now ? " at " : "", cases[i].now ? cases[i].now : "");
		for (p = what; *p; p++)
			if (*p == '\n' || *p == '\t')
				*p = ' ';
		rec = cases[i].rec ? json_loads(cases[i].rec, JSON_DECODE_ANY,
		    &je) : json_incref(ana);
		if (rec == NULL) {
			ok(0, what);
			printf("# bad record: %s\n", je.text);
			continue;
		}
		if ((e = wa_expr_parse(cases[i].expr, err, sizeof err, &col)) ==
		    NULL) {
			ok(0, what);
			printf("# parse error at %d: %s\n", col, err);
		} else {
			got = wa_expr_test(e, rec, cases[i].now ?
			    when(cases[i].now) : now0);
			isnum(got, cases[i].want, what);
			/* the same again: no state carried between records */
			if (got != wa_expr_test(e, rec, cases[i].now ?
			    when(cases[i].now) : now0))
				ok(0, "second evaluation differs");
			wa_expr_free(e);
		}
		json_decref(rec);
	}
	json_decref(ana);
}

/* Very deep expressions are refused rather than overflowing the stack. */
static void
deep(char *err, size_t errsz)
{
	static const struct {
		const char *open, *mid, *close;
		int n, good;
	} deeps[] = {
		{ "(", "1", ")", 100000, 0 },
		{ "!", "x", "", 100000, 0 },
		{ "-", "x", "", 100000, 0 },
		{ "1 + ", "1", "", 100000, 0 },
		{ "a && ", "b", "", 100000, 0 },
		{ "lower(", "x", ")", 100000, 0 },
		{ "(", "1", ")", 150, 1 },
		{ "!", "x", "", 150, 1 },
		{ "1 + ", "1", "", 150, 1 },
	};
	struct wa_buf b = { 0 };
	struct wa_expr *e;
	char what[100];
	size_t i;
	int j, col;

	for (i = 0; i < sizeof deeps / sizeof deeps[0]; i++) {
		wa_buf_reset(&b);
		for (j = 0; j < deeps[i].n; j++)
			wa_buf_adds(&b, deeps[i].open);
		wa_buf_adds(&b, deeps[i].mid);
		for (j = 0; j < deeps[i].n; j++)
			wa_buf_adds(&b, deeps[i].close);
		snprintf(what, sizeof what, "%d times '%s%s%s'", deeps[i].n,
		    deeps[i].open, deeps[i].mid, deeps[i].close);
		e = wa_expr_parse(wa_buf_str(&b), err, errsz, &col);
		if (deeps[i].good)
			ok(e != NULL && wa_expr_test(e, NULL, 0) >= 0, what);
		else
			ok(e == NULL && strstr(err, "too deeply"), what);
		wa_expr_free(e);
	}
	wa_buf_free(&b);
}

static void
parse_errors(void)
{
	char err[256], what[300];
	struct wa_expr *e;
	size_t i;
	int col;

	for (i = 0; i < NERRORS; i++) {
		snprintf(what, sizeof what, "error: %s", errors[i].expr);
		col = -7;
		e = wa_expr_parse(errors[i].expr, err, sizeof err, &col);
		if (!ok(e == NULL, what)) {
			wa_expr_free(e);
			continue;
		}
		isnum(col, errors[i].col, "  its column");
		if (!ok(strstr(err, errors[i].msg) != NULL, "  its message"))
			printf("#   got: '%s'\n# wanted a part: '%s'\n", err,
			    errors[i].msg);
	}
	deep(err, sizeof err);
	/* a tiny error buffer truncates, and no column pointer is fine */
	e = wa_expr_parse("a ==", err, 5, NULL);
	ok(e == NULL && strlen(err) == 4, "the message fits ERRSZ");
	e = wa_expr_parse("a ==", NULL, 0, NULL);
	ok(e == NULL, "ERRSZ 0, COL NULL");
}

/* wa_expr_caret's output for SRC and COL. */
static char *
caret(const char *src, int col)
{
	static char buf[512];
	FILE *fp = tmpfile();
	size_t n;

	if (fp == NULL) {
		perror("tmpfile");
		exit(1);
	}
	wa_expr_caret(fp, src, col);
	rewind(fp);
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void
carets(void)
{
	char err[256];
	const char *src;
	int col;

	src = "since(last_order_at) >= 65x && opt_in";
	wa_expr_parse(src, err, sizeof err, &col);
	is(caret(src, col), "since(last_order_at) >= 65x && opt_in\n"
	    "                        ^\n", "caret under the bad number");
	src = "opt_in && bogus(tags)";
	wa_expr_parse(src, err, sizeof err, &col);
	is(caret(src, col), "opt_in && bogus(tags)\n          ^\n",
	    "caret under the unknown function");
	src = "opt_in &&";
	wa_expr_parse(src, err, sizeof err, &col);
	is(caret(src, col), "opt_in &&\n         ^\n", "caret past the end");
	src = "city == \"São Paulo\" && x = 1";
	wa_expr_parse(src, err, sizeof err, &col);
	isnum(col, 26, "columns count characters, not bytes");
	is(caret(src, col), "city == \"São Paulo\" && x = 1\n"
	    "                         ^\n", "caret after UTF-8");
	src = "a\t== 'x";
	wa_expr_parse(src, err, sizeof err, &col);
	is(caret(src, col), "a\t== 'x\n \t   ^\n", "tabs are kept");
	is(caret("a\nb", 3), "a b\n  ^\n", "newlines print as spaces");
	is(caret("", 1), "\n^\n", "column 1 of nothing");
}

/* Bytes in use on the heap, where the C library tells. */
static size_t
heap(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
	return mallinfo2().uordblks;
#else
	return 0;
#endif
}

/* Many evaluations must not allocate: the heap stays put. */
static void
no_growth(void)
{
	const char *src = "opt_in && spent >= 1000 && !(\"problem\" in tags) && "
	    "lower(first_name) ~ \"^an\" && since(last_order_at) >= 65d && "
	    "days_to_anniversary(birthday) <= 3 && local_hour() >= 9 && "
	    "weekday() <= 5 && len(first_name) == 3 && exists(email) && "
	    "country in [\"BR\", \"PT\"] && extra.\"Zip Code\" ~ '^01' && "
	    "first_name ~ pat";
	char err[256];
	json_t *rec;
	struct wa_expr *e;
	time_t now = when("2026-01-15T12:00:00Z");
	size_t before, after;
	long i, n = 0;

	rec = json_loads(ANA, 0, NULL);
	json_object_set_new(rec, "pat", json_string("a$"));
	if ((e = wa_expr_parse(src, err, sizeof err, NULL)) == NULL) {
		ok(0, "parse the long expression");
		printf("# %s\n", err);
		return;
	}
	isnum(wa_expr_test(e, rec, now), 1, "the long expression holds");
	before = heap();
	for (i = 0; i < 1000000; i++)
		n += wa_expr_test(e, rec, now + (i & 1));
	after = heap();
	isnum(n, 1000000, "a million evaluations");
	ok(before == after, "no heap growth over a million evaluations");
	wa_expr_free(e);
	json_decref(rec);
}

int
main(void)
{
	evaluations();
	parse_errors();
	carets();
	no_growth();
	return done_testing();
}
