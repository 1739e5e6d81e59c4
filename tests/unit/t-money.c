/* Unit tests for common/money.c: exact minor units per currency. */
#include <stdlib.h>

#include "wa.h"
#include "tap.h"

static long long
parse(const char *s, const char *cur)
{
	long long v;

	return wa_money_parse(s, cur, &v) == 0 ? v : -999999;
}

static const char *
dump(long long minor, const char *cur)
{
	static char buf[64];
	json_t *j = wa_money_json(minor, cur);
	char *d = json_dumps(j, JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));

	snprintf(buf, sizeof buf, "%s", d);
	free(d);
	json_decref(j);
	return buf;
}

int
main(void)
{
	long long sum = 0;
	int i;

	isnum(wa_money_exp("USD"), 2, "USD has cents");
	isnum(wa_money_exp("jpy"), 0, "JPY has none, in any case");
	isnum(wa_money_exp("KWD"), 3, "KWD has three digits");
	isnum(wa_money_exp(NULL), 2, "no currency: two digits");
	isnum(parse("1659.95", "USD"), 165995, "Shopify amount");
	isnum(parse("13175.00", NULL), 1317500, "customer file total without currency");
	isnum(parse("0", "EUR"), 0, "spreadsheet 0");
	isnum(parse("5", "EUR"), 500, "whole number");
	isnum(parse("-12.5", "EUR"), -1250, "negative, one decimal");
	isnum(parse("1500", "JPY"), 1500, "yen");
	isnum(parse("1500.00", "JPY"), 1500, "yen written with decimals");
	isnum(parse("1.2345", "KWD"), 1235, "extra digits round half up");
	isnum(parse(" 7.10 ", "USD"), 710, "spaces around");
	isnum(parse("", "USD"), -999999, "empty is no amount");
	isnum(parse("12,50", "EUR"), 1250, "a decimal comma");
	isnum(parse("12", "EUR"), 1200, "no decimals");
	isnum(parse("1,234", "USD"), 123400, "a thousands comma");
	isnum(parse("1,234.56", "USD"), 123456, "a thousands comma and a decimal point");
	isnum(parse("1.234,56", "EUR"), 123456, "a thousands point and a decimal comma");
	isnum(parse("1.234.567", "EUR"), 123456700, "thousands points only");
	isnum(parse("1,234,567.5", "USD"), 123456750, "thousands commas");
	isnum(parse("1 234,50", "EUR"), 123450, "a thousands space");
	isnum(parse("1\xc2\xa0" "234,50", "EUR"), 123450, "a thousands no-break space");
	isnum(parse("1'234.50", "CHF"), 123450, "a Swiss thousands apostrophe");
	isnum(parse("-1.234,50", "EUR"), -123450, "negative, European");
	isnum(parse("1234,567", "KWD"), 1234567, "a comma before three digits after four");
	isnum(parse("1,23,456", "USD"), -999999, "groups of three or nothing");
	isnum(parse("12 50", "EUR"), -999999, "a space is no decimal mark");
	isnum(parse("1,2", "EUR"), 120, "one decimal after a comma");
	isnum(parse("1,234,56", "EUR"), -999999, "a comma group of two");
	isnum(parse("1e3", "USD"), -999999, "no exponents");
	isnum(parse("99999999999999999999", "USD"), -999999, "overflow refused");
	for (i = 0; i < 1000; i++)
		sum += parse("0.10", "USD");
	isnum(sum, 10000, "a thousand times 0.10 is exactly 100.00");
	is(dump(1999, "USD"), "19.99", "19.99 prints as written");
	is(dump(1317500, "USD"), "13175", "whole amounts print as integers");
	is(dump(1235, "KWD"), "1.235", "three-digit currency");
	is(dump(123456789012, "EUR"), "1234567890.12", "large amounts keep their cents");
	return done_testing();
}
