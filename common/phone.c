/* wa: phone numbers to E.164, and the keys WhatsApp matches them by. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#ifdef __cplusplus		/* t-phonelib.cc's build compiles it as C++ */
extern "C" {
#endif
#include "wa.h"
#ifdef __cplusplus
}
#endif

/* Digits kept from the input: E.164's 15 behind "00" and a repeated code. */
#define MAXDIG 24

/*
 * The numbering plans: a row per country (all of libphonenumber's 245) and
 * per non-geographic code, sorted by calling code, the main country first.
 * Generated from libphonenumber 8.12's metadata, with the trunk prefixes of
 * MX, BY, LT, BR, CO, BO and GA and the +1 rules written by hand;
 * tests/unit/t-phonelib.cc holds them to libphonenumber.
 *
 * trunk: national prefixes ('|' between them, '.' for any digit), tried in
 * order; the first one whose rest fits the plan is dropped. A '?' after one
 * drops it only from a number that does not fit as it is (Gabon writes a 0
 * before eight digits, some of which start with 0 themselves).
 * nsn: the national significant numbers, as rules "PREFIX:LENGTHS", where
 * PREFIX is digits, '.' and [classes] and LENGTHS is like "8,10-12"; the
 * first rule whose prefix matches decides. A number fits its code if it
 * fits the rules of any row of the code. They go by the first digit (two
 * for a leading 0): every number libphonenumber takes passes, and most
 * junk does not. Rules for numbers that start with the country's own code
 * come first and go a digit further, to tell "92 300..." in Pakistan from
 * +92 that lost its '+'; the +1 rule also checks the exchange. NULL in a
 * second row: the main row has it all; in the only row of a non-geographic
 * code: any E.164 length from 8 to 15 digits.
 * lead: for a country sharing its code, the national numbers (same syntax,
 * lengths optional) that are its and not the main country's.
 * local: the area code of a country with only one, and a [class] of the
 * first digits of the numbers dialled without it.
 */
static const struct plan {
	int cc;
	const char *iso;
	const char *trunk;
	const char *nsn;
	const char *lead;
	const char *local;
} plans[] = {
	{ 1, "US", "1", "[2-9]..[2-9]:10", NULL, NULL },
	{ 1, "AG", "1", NULL, "268", "268[457]" },
	{ 1, "AI", "1", NULL, "264", "264[2457]" },
	{ 1, "AS", "1", NULL, "684", "684[267]" },
	{ 1, "BB", "1", NULL, "246", "246[2-9]" },
	{ 1, "BM", "1", NULL, "441", "441[2-8]" },
	{ 1, "BS", "1", NULL, "242", "242[3-8]" },
	{ 1, "CA", "1", "310:7",
	    "204 226 236 249 250 263 289 306 343 365 367 368 403 416 418 431 "
	    "437 438 450 468 474 506 514 519 548 579 581 584 587 600 604 613 "
	    "622 639 647 672 705 709 742 753 778 780 782 807 819 825 867 873 "
	    "902 905 310:7", NULL },
	{ 1, "DM", "1", NULL, "767", "767[2-7]" },
	{ 1, "DO", "1", "80014:10", "8001 809 829 849", NULL },
	{ 1, "GD", "1", NULL, "473", "473[2-9]" },
	{ 1, "GU", "1", NULL, "671", "671[3-9]" },
	{ 1, "JM", "1", NULL, "658 876", NULL },
	{ 1, "KN", "1", NULL, "869", "869[2-7]" },
	{ 1, "KY", "1", NULL, "345", "345[2-9]" },
	{ 1, "LC", "1", NULL, "758", "758[2-8]" },
	{ 1, "MP", "1", NULL, "670", "670[2-9]" },
	{ 1, "MS", "1", NULL, "664", "664[34]" },
	{ 1, "PR", "1", NULL, "787 939", NULL },
	{ 1, "SX", "1", NULL, "721", "721[5]" },
	{ 1, "TC", "1", NULL, "649", "649[2-479]" },
	{ 1, "TT", "1", NULL, "868", "868[2-46-8]" },
	{ 1, "VC", "1", NULL, "784", "784[2-7]" },
	{ 1, "VG", "1", NULL, "284", "284[2-578]" },
	{ 1, "VI", "1", NULL, "340", "340[2-9]" },
	{ 7, "RU", "8", "[349]:10 8:10,14", NULL, NULL },
	{ 7, "KZ", "8", "7[39]:0 [37]:10 8:10,14", "33 7", NULL },
	{ 20, "EG", "0", "20:0 1:8-10 [246]:9 3:8 5:8,9 [89]:9,10", NULL,
	    NULL },
	{ 27, "ZA", "0", "[1-79]:9 8:5-10", NULL, NULL },
	{ 30, "GR", "", "[25-79]:10 8:10-12", NULL, NULL },
	{ 31, "NL", "0", "31[0-29]:0 1:5,6,9 [2-7]:9 8:7-10 9:7-11", NULL,
	    NULL },
	{ 32, "BE", "0", "[1-35-9]:8 4:8,9", NULL, NULL },
	{ 33, "FR", "0", "[1-9]:9", NULL, NULL },
	{ 34, "ES", "", "[5-9]:9", NULL, NULL },
	{ 36, "HU", "06", "36:8 [1489]:8 [235-7]:8,9", NULL, NULL },
	{ 39, "IT", "", "39:9,10 0[1-9]:6-11 1:9,10 3:9-12 5:10 8:6,8-10", NULL,
	    NULL },
	{ 39, "VA", "", NULL, "06698", NULL },
	{ 40, "RO", "0", "[23]:6,9 [7-9]:9", NULL, NULL },
	{ 41, "CH", "0", "[2-79]:9 8:9,12", NULL, NULL },
	{ 43, "AT", "0",
	    "43[0-46-9]:0 435:7-13 1:4-13 2:7-13 [3467]:6-13 5:5-13 8:8-13 "
	    "9:9-13", NULL, NULL },
	{ 44, "GB", "0", "1:9,10 [23579]:10 8:7,9,10", NULL, NULL },
	{ 44, "GG", "0", NULL, "1481 7781 7839 79111 79117 980 981",
	    "1481[25-9]" },
	{ 44, "IM", "0", NULL, "1624 74576 7524 7624", "1624[25-8]" },
	{ 44, "JE", "0", NULL, "1534 7509 77003 77007 77008 7797 7829 7937",
	    "1534[0-24-8]" },
	{ 45, "DK", "", "[2-9]:8", NULL, NULL },
	{ 46, "SE", "0", "[1348]:7-9 2:6-9,12 5:8,9 6:7-9,12 7:9 9:7-10", NULL,
	    NULL },
	{ 47, "NO", "", "0[2-9]:5 [2-9]:8", NULL, NULL },
	{ 47, "SJ", "", NULL, "79", NULL },
	{ 48, "PL", "", "48[02-9]:9 [1-579]:7,9 6:6-9 8:7,9,10", NULL, NULL },
	{ 49, "DE", "0",
	    "49[89]:0 49[07]:6-12 49[1-6]:6-13 1:4-14 [2579]:6-15 [3468]:5-15",
	    NULL, NULL },
	{ 51, "PE", "0", "519:0 [14-8]:8 9:9", NULL, NULL },
	{ 52, "MX", "01|02|044|045|1", "52:0 1:11 [2-9]:10", NULL, NULL },
	{ 53, "CU", "0", "[27]:7,8 [34]:6-8 5:8 8:10", NULL, NULL },
	{ 54, "AR", "0", "[1-36]:10 8:10,11 9:11", NULL, NULL },
	{ 55, "BR", "0|0..|90|90..",
	    "55[0168]:0 55[2-57]:10 559:11 [1267]:10,11 3:8-11 4:8,10,11 "
	    "[589]:9-11", NULL, NULL },
	{ 56, "CL", "", "56:0 1:11 [2-57-9]:9 6:9-11", NULL, NULL },
	{ 57, "CO", "0|05|07|09|0444|0414|0456", "1:11 [369]:10", NULL, NULL },
	{ 58, "VE", "0", "58:0 [24-689]:10", NULL, NULL },
	{ 60, "MY", "0", "60:0 1:9,10 3:9 [4-9]:8", NULL, NULL },
	{ 61, "AU", "0", "1:5-10,12 [2-478]:9", NULL, NULL },
	{ 61, "CC", "0", NULL,
	    "851002 851031 851060 851089 851118 851176 851223 89162 891703",
	    "8[59]" },
	{ 61, "CX", "0", NULL,
	    "851001 851030 851059 851088 851117 851146 851175 851222 851235 "
	    "89164 891958", "8[59]" },
	{ 62, "ID", "0",
	    "62:8-11 00:12,13 1:7,9-11 [236]:7-11 [4579]:8-11 8:8-12", NULL,
	    NULL },
	{ 63, "PH", "0", "1:11-13 2:6,9 [3-7]:9 8:8-10 9:10", NULL, NULL },
	{ 64, "NZ", "0", "64:0 1:10 [29]:8-10 [346]:8 5:7,9,10 7:8,9 8:5-10",
	    NULL, NULL },
	{ 65, "SG", "", "[17]:11 [369]:8 8:8,10", NULL, NULL },
	{ 66, "TH", "0", "00:13 1:8-10 [2-57]:8 [689]:9", NULL, NULL },
	{ 81, "JP", "0", "81:0 00:8-17 [1346]:9 [257-9]:9,10", NULL, NULL },
	{ 82, "KR", "0",
	    "82:0 00:11-14 1:8-10 2:8,9 [346]:5,6,9,10 5:5,6,9-11 7:10 8:9",
	    NULL, NULL },
	{ 84, "VN", "0", "84:9 1:7-10 2:10 [359]:9 6:7-9 [78]:7,9", NULL,
	    NULL },
	{ 86, "CN", "0", "86:0 1:7,8,10-12 2:7,8,10,12 [3-57-9]:8-11 6:8-10",
	    NULL, NULL },
	{ 90, "TR", "0", "90[1-9]:0 [2359]:10 4:7,10 8:10,12,13", NULL, NULL },
	{ 91, "IN", "0", "00:13 1:8-13 [2-9]:10", NULL, NULL },
	{ 92, "PK", "0",
	    "92[019]:0 92[3-8]:9,10 922:9,10,12 1:9 [24-7]:9-12 3:10 [89]:8-12",
	    NULL, NULL },
	{ 93, "AF", "0", "[2-7]:9", NULL, NULL },
	{ 94, "LK", "0", "94:0 [1-9]:9", NULL, NULL },
	{ 95, "MM", "0",
	    "95[7-9]:0 95[0-6]:8 1:6-8 2:6-9 [4-7]:7-9 8:7-10 9:8-10", NULL,
	    NULL },
	{ 98, "IR", "0", "98:0 [1-8]:6,7,10 9:4,5,10", NULL, NULL },
	{ 211, "SS", "0", "[19]:9", NULL, NULL },
	{ 212, "MA", "0", "[5-8]:9", NULL, NULL },
	{ 212, "EH", "0", NULL, "5288 5289", NULL },
	{ 213, "DZ", "0", "[1-4]:8 [5-9]:9", NULL, NULL },
	{ 216, "TN", "", "[2-57-9]:8", NULL, NULL },
	{ 218, "LY", "0", "[2-9]:9", NULL, NULL },
	{ 220, "GM", "", "[2-9]:7", NULL, NULL },
	{ 221, "SN", "", "[37-9]:9", NULL, NULL },
	{ 222, "MR", "", "[2-48]:8", NULL, NULL },
	{ 223, "ML", "", "223:0 [24-9]:8", NULL, NULL },
	{ 224, "GN", "", "3:8 [67]:9", NULL, NULL },
	{ 225, "CI", "", "225:0 0[157]:10 2:10", NULL, NULL },
	{ 226, "BF", "", "226:0 0[1-35-7]:8 [25-7]:8", NULL, NULL },
	{ 227, "NE", "", "227:0 0[89]:8 [27-9]:8", NULL, NULL },
	{ 228, "TG", "", "228:0 [279]:8", NULL, NULL },
	{ 229, "BJ", "", "229:0 [24-689]:8", NULL, NULL },
	{ 230, "MU", "", "[2-46]:7 5:8 8:7,10", NULL, NULL },
	{ 231, "LR", "0", "2:8 [378]:9 [46]:7 5:7,9", NULL, NULL },
	{ 232, "SL", "0", "232:0 [236-9]:8", NULL, NULL },
	{ 233, "GH", "0", "[235]:9 8:8", NULL, NULL },
	{ 234, "NG", "0", "[124-6]:7,8 3:8 7:7,8,10-14 8:8,10-14 9:8,10", NULL,
	    NULL },
	{ 235, "TD", "", "235:0 [2679]:8", NULL, NULL },
	{ 236, "CF", "", "236:0 [278]:8", NULL, NULL },
	{ 237, "CM", "", "237:0 [26]:9 8:8,9", NULL, NULL },
	{ 238, "CV", "", "[2-589]:7", NULL, NULL },
	{ 239, "ST", "", "239:0 [29]:7", NULL, NULL },
	{ 240, "GQ", "", "240:0 [23589]:9", NULL, NULL },
	{ 241, "GA", "0?", "0[1-7]:8 1:8 [2-5]:7 [67]:7,8", NULL, NULL },
	{ 242, "CG", "", "242:0 0[124-6]:9 [28]:9", NULL, NULL },
	{ 243, "CD", "0", "[18]:7,9 [2-6]:7 9:9", NULL, NULL },
	{ 244, "AO", "", "244[0134]:0 [29]:9", NULL, NULL },
	{ 245, "GW", "", "4:7,9 9:9", NULL, NULL },
	{ 246, "IO", "", "3:7", NULL, NULL },
	{ 247, "AC", "", "0[1-9]:6 [1589]:6 [46]:5", NULL, NULL },
	{ 248, "SC", "", "248:0 [24689]:7", NULL, NULL },
	{ 249, "SD", "0", "[19]:9", NULL, NULL },
	{ 250, "RW", "0", "06:8 [27-9]:9", NULL, NULL },
	{ 251, "ET", "0", "251[02-9]:0 [1-579]:9", NULL, NULL },
	{ 252, "SO", "0", "252:7 1:6-8 2:7,8 [34]:6,7,9 5:7 [679]:8,9 8:6,9",
	    NULL, NULL },
	{ 253, "DJ", "", "253:0 [27]:8", NULL, NULL },
	{ 254, "KE", "0", "254:0 [179]:9 2:8,9 [4-6]:7-9 8:9,10", NULL, NULL },
	{ 255, "TZ", "0", "[246-9]:9", NULL, NULL },
	{ 256, "UG", "0", "256:0 [2-47-9]:9", NULL, NULL },
	{ 257, "BI", "", "257:0 [2367]:8", NULL, NULL },
	{ 258, "MZ", "", "258:0 2:8 8:9", NULL, NULL },
	{ 260, "ZM", "0", "260:0 [26-9]:9", NULL, NULL },
	{ 261, "MG", "0", "261:0 [23]:9", NULL, "20[24-9]" },
	{ 262, "RE", "0", "[2689]:9", NULL, NULL },
	{ 262, "YT", "0", NULL, "269 63", NULL },
	{ 263, "ZW", "0",
	    "263:6 1:5-7 2:6-10 3:5-10 4:7,8 [56]:5-9 7:9 8:7,9,10 9:6,7", NULL,
	    NULL },
	{ 264, "NA", "0", "[68]:8,9", NULL, NULL },
	{ 265, "MW", "0", "265:0 1:7,9 [237-9]:9", NULL, NULL },
	{ 266, "LS", "", "[2568]:8", NULL, NULL },
	{ 267, "BW", "", "267:0 08:10 [24-69]:7 3:7,8 7:8 8:10", NULL, NULL },
	{ 268, "SZ", "", "268:0 08:8 [237]:8 9:9", NULL, NULL },
	{ 269, "KM", "", "[3478]:7", NULL, NULL },
	{ 290, "SH", "", "[256]:5", NULL, NULL },
	{ 290, "TA", "", "8:4", "8", NULL },
	{ 291, "ER", "0", "[178]:7", NULL, NULL },
	{ 297, "AW", "", "297:0 [25-9]:7", NULL, NULL },
	{ 298, "FO", "", "[2-9]:6", NULL, NULL },
	{ 299, "GL", "", "[1-9]:6", NULL, NULL },
	{ 350, "GI", "", "[256]:8", NULL, NULL },
	{ 351, "PT", "", "351:0 [1-36-9]:9", NULL, NULL },
	{ 352, "LU", "", "352:0 [2-57-9]:4-11 6:9", NULL, NULL },
	{ 353, "IE", "0", "1:8-10 [2569]:7-9 4:7-10 7:9 8:9,10", NULL, NULL },
	{ 354, "IS", "", "354:0 3:9 [4-9]:7", NULL, NULL },
	{ 355, "AL", "0", "[2-57]:8 6:9 8:6-8 9:6", NULL, NULL },
	{ 356, "MT", "", "356:0 [2357-9]:8", NULL, NULL },
	{ 357, "CY", "", "[257-9]:8", NULL, NULL },
	{ 358, "FI", "0", "358:5-9 [1-356]:5-10 4:6-10 7:6-12 [89]:5-9", NULL,
	    NULL },
	{ 358, "AX", "0", NULL, "18", NULL },
	{ 359, "BG", "0", "2:6-8 [3-7]:7,8 [89]:7-9", NULL, NULL },
	{ 370, "LT", "8|0", "[3-9]:8", NULL, NULL },
	{ 371, "LV", "", "[2689]:8", NULL, NULL },
	{ 372, "EE", "", "372:0 [369]:7 [457]:7,8 8:7,8,10", NULL, NULL },
	{ 373, "MD", "0", "[235-9]:8", NULL, NULL },
	{ 374, "AM", "0", "374:0 [1-9]:8", NULL, NULL },
	{ 375, "BY", "0|80|8", "375:0 [1-4]:9 8:6-11 9:10", NULL, NULL },
	{ 376, "AD", "", "1:6,8 [357-9]:6 6:6,9", NULL, NULL },
	{ 377, "MC", "0", "[3489]:8 6:9", NULL, NULL },
	{ 378, "SM", "", "05:10 [5-7]:8", NULL, "0549[89]" },
	{ 380, "UA", "0", "[3-7]:9 [89]:9,10", NULL, NULL },
	{ 381, "RS", "0", "381:0 [1-3]:7-12 6:8-10 [78]:6-12 9:6-10", NULL,
	    NULL },
	{ 382, "ME", "0", "382:0 [2-79]:8 8:8,9", NULL, NULL },
	{ 383, "XK", "0", "383:8 [23]:8,9 [489]:8", NULL, NULL },
	{ 385, "HR", "0", "385:0 [17]:8 [2-59]:8,9 6:6-9 8:7-9", NULL, NULL },
	{ 386, "SI", "0", "[1-7]:8 8:5-8 9:6-8", NULL, NULL },
	{ 387, "BA", "0", "[3-57-9]:8 6:8,9", NULL, NULL },
	{ 389, "MK", "0", "389:0 [2-578]:8", NULL, NULL },
	{ 420, "CZ", "", "420:0 [2-8]:9 9:9-12", NULL, NULL },
	{ 421, "SK", "0", "421[0-589]:9 4217:7,9 [2-5]:6,7,9 [68]:9 9:7,9",
	    NULL, NULL },
	{ 423, "LI", "0", "[2379]:7 6:9 8:7,9", NULL, NULL },
	{ 500, "FK", "", "[2-7]:5", NULL, NULL },
	{ 501, "BZ", "", "08:11 [2-8]:7", NULL, NULL },
	{ 502, "GT", "", "1:11 [2-7]:8", NULL, NULL },
	{ 503, "SV", "", "[267]:8 [89]:7,11", NULL, NULL },
	{ 504, "HN", "", "[2379]:8 8:8,11", NULL, NULL },
	{ 505, "NI", "", "505:0 [125-8]:8", NULL, NULL },
	{ 506, "CR", "", "[2-7]:8 8:8,10 9:10", NULL, NULL },
	{ 507, "PA", "", "00:11 [1-579]:7 6:8 8:7,8,10", NULL, NULL },
	{ 508, "PM", "0", "[45]:6 8:9", NULL, NULL },
	{ 509, "HT", "", "[2-489]:8", NULL, NULL },
	{ 590, "GP", "0", "[5689]:9", NULL, NULL },
	{ 590, "BL", "0", NULL, "59027 59029 59051 59052 59087", NULL },
	{ 590, "MF", "0", NULL,
	    "59000 59007 59009 59013 59030 59043 59050 59056 59058 59077 59079",
	    NULL },
	{ 591, "BO", "0|01.", "[2-467]:8 8:9", NULL, NULL },
	{ 592, "GY", "", "[2-46-9]:7", NULL, NULL },
	{ 593, "EC", "0", "593:0 1:10,11 [2-7]:8 9:9", NULL, NULL },
	{ 594, "GF", "0", "5947:0 [5689]:9", NULL, NULL },
	{ 595, "PY", "0", "595:0 [2-8]:6-9 9:6-11", NULL, NULL },
	{ 596, "MQ", "0", "[5689]:9", NULL, NULL },
	{ 597, "SR", "", "597:0 [2-5]:6 [6-8]:7", NULL, NULL },
	{ 598, "UY", "0", "[12]:8 4:7,8,10 8:7 9:7,8", NULL, NULL },
	{ 599, "CW", "", "6:7 9:8", NULL, NULL },
	{ 599, "BQ", "", "[347]:7", "3 4 7", NULL },
	{ 670, "TL", "", "[2-489]:7 7:7,8", NULL, NULL },
	{ 672, "NF", "", "[13]:6", NULL, "3[0-258]" },
	{ 673, "BN", "", "[2-578]:7", NULL, NULL },
	{ 674, "NR", "", "674:0 [4-68]:7", NULL, NULL },
	{ 675, "PG", "", "675:0 [1-69]:7 7:8 8:7,8", NULL, NULL },
	{ 676, "TO", "", "676:0 08:7 [2-4]:5 [5-8]:5,7 9:7", NULL, NULL },
	{ 677, "SB", "", "[1-6]:5 [7-9]:7", NULL, NULL },
	{ 678, "VU", "", "[2-4]:5 [579]:7 8:5,7", NULL, NULL },
	{ 679, "FJ", "", "08:11 [2-9]:7", NULL, NULL },
	{ 680, "PW", "", "[2-9]:7", NULL, NULL },
	{ 681, "WF", "", "[47]:6 8:6,9", NULL, NULL },
	{ 682, "CK", "", "[2-578]:5", NULL, NULL },
	{ 683, "NU", "", "[47]:4 8:7", NULL, NULL },
	{ 685, "WS", "", "685:5 [2-5]:5 6:5,6 7:7 8:6,7,10", NULL, NULL },
	{ 686, "KI", "0", "686:0 [2458]:5 3:5,8 [67]:8", NULL, NULL },
	{ 687, "NC", "", "05:6 [2-57-9]:6", NULL, NULL },
	{ 688, "TV", "", "2:5 7:7 9:6", NULL, NULL },
	{ 689, "PF", "", "4:6,8 8:8,9", NULL, NULL },
	{ 690, "TK", "", "[2-47]:4-7", NULL, NULL },
	{ 691, "FM", "", "[389]:7", NULL, NULL },
	{ 692, "MH", "1", "692:0 [2-6]:7", NULL, NULL },
	{ 800, NULL, "", NULL, NULL, NULL },
	{ 808, NULL, "", NULL, NULL, NULL },
	{ 850, "KP", "0", "1:10 [2-8]:8", NULL, NULL },
	{ 852, "HK", "", "852:0 [2-7]:8 8:8,9 9:5-8,11", NULL, NULL },
	{ 853, "MO", "", "08:7 [268]:8", NULL, NULL },
	{ 855, "KH", "0", "855:8 1:8-10 [2-9]:8,9", NULL, NULL },
	{ 856, "LA", "0", "856:0 2:8,10 3:8-10 [4-8]:8", NULL, NULL },
	{ 870, NULL, "", NULL, NULL, NULL },
	{ 878, NULL, "", NULL, NULL, NULL },
	{ 880, "BD", "0", "880:0 1:10 2:8-10 [346]:7-10 [57]:6-9 [89]:6-10",
	    NULL, NULL },
	{ 881, NULL, "", NULL, NULL, NULL },
	{ 882, NULL, "", NULL, NULL, NULL },
	{ 883, NULL, "", NULL, NULL, NULL },
	{ 886, "TW", "0", "886:8 2:7-9 [3-68]:8,9 7:8,10,11 9:9", NULL, NULL },
	{ 888, NULL, "", NULL, NULL, NULL },
	{ 960, "MV", "", "960:7 [3467]:7 8:10 9:7,10", NULL, NULL },
	{ 961, "LB", "0", "961:7 [13-6]:7 2:8 [7-9]:7,8", NULL, NULL },
	{ 962, "JO", "0", "[235689]:8 7:9", NULL, NULL },
	{ 963, "SY", "0", "[1-3]:8,9 [45]:8 9:9", NULL, NULL },
	{ 964, "IQ", "0", "1:8 [2-6]:8,9 7:10", NULL, NULL },
	{ 965, "KW", "", "1:7 [24-69]:8", NULL, NULL },
	{ 966, "SA", "0", "966:0 [159]:9 8:10", NULL, NULL },
	{ 967, "YE", "0", "1:7,8 [2-6]:7 7:7,9", NULL, NULL },
	{ 968, "OM", "", "[1279]:8 5:7 8:8,9", NULL, NULL },
	{ 970, "PS", "0", "970:0 1:10 [2489]:8 5:9", NULL, NULL },
	{ 971, "AE", "0", "971:8 [23]:8 [4679]:8,9 5:9 8:5-12", NULL, NULL },
	{ 972, "IL", "0", "1:7,8,10-12 [2-489]:8 [57]:9", NULL, NULL },
	{ 973, "BH", "", "[136-9]:8", NULL, NULL },
	{ 974, "QA", "", "2:7,8 [3-7]:8 8:7,9", NULL, NULL },
	{ 975, "BT", "", "1:8 [2-68]:7 7:7,8", NULL, NULL },
	{ 976, "MN", "0", "[12]:8-10 [5-9]:8", NULL, NULL },
	{ 977, "NP", "0", "977:0 1:8,11 [2-8]:8 9:8,10", NULL, NULL },
	{ 979, NULL, "", NULL, NULL, NULL },
	{ 992, "TJ", "", "00:9 [1-57-9]:9", NULL, NULL },
	{ 993, "TM", "8", "[1-6]:8", NULL, NULL },
	{ 994, "AZ", "0", "[1-9]:9", NULL, NULL },
	{ 995, "GE", "0", "[3-578]:9", NULL, NULL },
	{ 996, "KG", "0", "[235-79]:9 8:9,10", NULL, NULL },
	{ 998, "UZ", "8", "[35-9]:9", NULL, NULL },
};

#define NPLANS (sizeof(plans) / sizeof(plans[0]))

/* A number as written: its digits, whether a '+' led them. */
struct num {
	char d[MAXDIG];
	size_t n;
	int plus;
	size_t again;		/* digits before a second '+' */
};

/* Consume one PREFIX item at *R (a digit, '.' or a class); does C match? */
static int
item(const char **r, int c)
{
	const char *s = *r;
	int in = 0;

	if (*s != '[') {
		*r = s + 1;
		return c >= 0 && (*s == '.' || *s == c);
	}
	for (s++; *s != ']'; s++) {
		if (s[1] == '-') {
			in |= c >= s[0] && c <= s[2];
			s += 2;
		} else
			in |= c == *s;
	}
	*r = s + 1;
	return in;
}

/* Consume a decimal number at *R. */
static size_t
number(const char **r)
{
	size_t v = 0;

	for (; **r >= '0' && **r <= '9'; (*r)++)
		v = v * 10 + (size_t)(**r - '0');
	return v;
}

/* Consume ":LENGTHS" at *R; is N among them? */
static int
lengths(const char **r, size_t n)
{
	size_t lo, hi;
	int in = 0;

	do {
		(*r)++;
		lo = hi = number(r);
		if (**r == '-') {
			(*r)++;
			hi = number(r);
		}
		in |= n >= lo && n <= hi;
	} while (**r == ',');
	return in;
}

/*
 * Does D[0..N) match the space-separated rules R? The first rule whose
 * prefix matches decides; one without lengths takes any.
 */
static int
match(const char *r, const char *d, size_t n)
{
	size_t i;
	int ok, in;

	while (*r != '\0') {
		ok = 1;
		for (i = 0; *r != '\0' && *r != ':' && *r != ' '; i++)
			ok &= item(&r, i < n ? d[i] : -1);
		in = *r != ':' || lengths(&r, n);
		if (ok)
			return in;
		r += *r == ' ';
	}
	return 0;
}

/* The main row of calling code CC, or NULL. */
static const struct plan *
bycode(int cc)
{
	size_t lo = 0, hi = NPLANS, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (plans[mid].cc < cc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < NPLANS && plans[lo].cc == cc ? &plans[lo] : NULL;
}

/* The main row of the calling code D[0..N) starts with; its length in *CL. */
static const struct plan *
codeof(const char *d, size_t n, size_t *cl)
{
	const struct plan *p;
	int cc = 0;

	if (n == 0 || d[0] == '0')
		return NULL;
	for (*cl = 1; *cl <= 3 && *cl <= n; (*cl)++) {
		cc = cc * 10 + d[*cl - 1] - '0';
		if ((p = bycode(cc)) != NULL)
			return p;
	}
	return NULL;
}

static int
upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* The row of the ISO 3166 alpha-2 code ISO, or NULL. */
static const struct plan *
byiso(const char *iso)
{
	const struct plan *p;
	int a, b;

	if (iso == NULL || iso[0] == '\0' || iso[1] == '\0' || iso[2] != '\0')
		return NULL;
	a = upper(iso[0]);
	b = upper(iso[1]);
	if (a == 'U' && b == 'K')	/* reserved for GB, and common */
		a = 'G', b = 'B';
	for (p = plans; p < plans + NPLANS; p++)
		if (p->iso != NULL && p->iso[0] == a && p->iso[1] == b)
			return p;
	return NULL;
}

/* Does the national number D[0..N) fit the plan of main row P's code? */
static int
fits(const struct plan *p, const char *d, size_t n)
{
	const struct plan *q;
	size_t total = n + 1 + (p->cc > 9) + (p->cc > 99);
	int planned = 0;

	for (q = p; q < plans + NPLANS && q->cc == p->cc; q++) {
		if (q->nsn == NULL)
			continue;
		if (match(q->nsn, d, n))
			return 1;
		planned = 1;
	}
	return !planned && total >= 8 && total <= 15;
}

/*
 * The length of the first national prefix in T that D[0..N) starts with
 * and whose rest fits main row P's plan; 0 if none. A prefix marked '?'
 * goes only if the number does not fit with it.
 */
static size_t
trunk(const struct plan *p, const char *t, const char *d, size_t n)
{
	size_t i;

	while (*t != '\0') {
		for (i = 0; t[i] != '\0' && t[i] != '|' && t[i] != '?' &&
		    i < n; i++)
			if (t[i] != '.' && t[i] != d[i])
				break;
		if ((t[i] == '\0' || t[i] == '|' ||
		    (t[i] == '?' && !fits(p, d, n))) && fits(p, d + i, n - i))
			return i;
		t += strcspn(t, "|");
		t += *t == '|';
	}
	return 0;
}

/*
 * Argentina dials a mobile nationally as [0] AREA 15 NUMBER, and from
 * abroad as +54 9 AREA NUMBER, AREA and NUMBER being ten digits together.
 * The area code is 11, or three or four digits starting with 2 or 3, so a
 * 15 fits in one place only. Rewrites D[0..N) into BUF, returns the new
 * length, or 0 if it is no such number.
 */
static size_t
armobile(const char *d, size_t n, char *buf)
{
	size_t a;

	if (n == 13 && d[0] == '0')
		d++, n--;
	if (n != 12)
		return 0;
	if (d[0] == '1' && d[1] == '1')
		a = 2;
	else if (d[0] == '2' || d[0] == '3')
		a = d[3] == '1' && d[4] == '5' ? 3 : 4;
	else
		return 0;
	if (d[a] != '1' || d[a + 1] != '5')
		return 0;
	buf[0] = '9';
	memcpy(buf + 1, d, a);
	memcpy(buf + 1 + a, d + a + 2, n - a - 2);
	return n - 1;
}

/* Write +CC D[0..N) into OUT, if it fits there. */
static int
emit(const struct plan *p, const char *d, size_t n, char *out)
{
	int len;

	len = snprintf(out, WA_PHONE_MAX, "+%d%.*s", p->cc, (int)n, d);
	return len < WA_PHONE_MAX ? WA_PHONE_OK : WA_PHONE_LENGTH;
}

/*
 * The national part D[0..N) of a number in main row P's code, with the
 * national prefixes T. AGAIN allows the calling code once more in front,
 * dropped if the number does not fit with it but does without: "32 0471..."
 * in Belgium (as libphonenumber reads it) or "+92 92 300...".
 */
static int
settle(const struct plan *p, const char *t, const char *d, size_t n,
    int again, char *out)
{
	char buf[MAXDIG];
	char cc[4];
	size_t k;

	if (p->cc == 54 && (k = armobile(d, n, buf)) > 0) {
		d = buf;
		n = k;
	}
	k = trunk(p, t, d, n);
	if (fits(p, d + k, n - k))
		return emit(p, d + k, n - k, out);
	k = (size_t)snprintf(cc, sizeof(cc), "%d", p->cc);
	if (again && n > k && memcmp(d, cc, k) == 0)
		return settle(p, t, d + k, n - k, 0, out);
	return WA_PHONE_LENGTH;
}

/* D[0..N) behind a '+' or "00": a calling code and a national number. */
static int
intl(const char *d, size_t n, char *out)
{
	const struct plan *p;
	size_t cl;

	if ((p = codeof(d, n, &cl)) == NULL)
		return WA_PHONE_BADCC;
	return settle(p, p->trunk, d + cl, n - cl, 1, out);
}

/*
 * D[0..N) written nationally in the country of row R: first as a local
 * number behind the country's one area code, as libphonenumber reads it.
 */
static int
national(const struct plan *r, const char *d, size_t n, char *out)
{
	const struct plan *p = bycode(r->cc);
	const char *first;
	char buf[MAXDIG];
	size_t k;

	if (r->local != NULL && (k = strcspn(r->local, "[")) + n <= MAXDIG) {
		first = r->local + k;
		memcpy(buf, r->local, k);
		memcpy(buf + k, d, n);
		if (item(&first, d[0]) && fits(p, buf, k + n))
			return emit(p, buf, k + n, out);
	}
	return settle(p, r->trunk, d, n, 1, out);
}

/* Is S a number a spreadsheet rewrote as 9.19961E+11, losing digits? */
static int
mangled(const char *s)
{
	size_t i, k;

	if ((i = strspn(s, "0123456789")) == 0)
		return 0;
	if ((s[i] == '.' || s[i] == ',') &&
	    (k = strspn(s + i + 1, "0123456789")) > 0)
		i += 1 + k;
	if (s[i] != 'E' && s[i] != 'e')
		return 0;
	i += 1 + (s[i + 1] == '+');
	if ((k = strspn(s + i, "0123456789")) == 0)
		return 0;
	i += k;
	return s[i + strspn(s + i, " \t\r\n")] == '\0';
}

/* Is S the end of an extension: punctuation, digits, then nothing? */
static int
extdigits(const char *s)
{
	size_t k;

	s += strspn(s, " \t.:=#");
	if ((k = strspn(s, "0123456789")) == 0)
		return 0;
	s += k;
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* Does S start an extension, "ext. 123", "x123", "#123" and the like? */
static int
extension(const char *s)
{
	static const char *const mark[] = {
		"extension", "extn", "ext", "x", "#"
	};
	size_t i, k;

	for (i = 0; i < sizeof(mark) / sizeof(mark[0]); i++) {
		k = strlen(mark[i]);
		if (strncasecmp(s, mark[i], k) == 0 && extdigits(s + k))
			return 1;
	}
	return 0;
}

/*
 * The UTF-8 character at S that may sit in a phone number: a space, dash,
 * direction mark or other format character (as ' '), a digit of another
 * script (as the ASCII digit), or a fullwidth '+'. Returns its length and
 * sets *C, or returns 0. Every byte tested after the first must be a
 * continuation byte, so a truncated sequence never skips the NUL.
 */
static size_t
utf8(const unsigned char *s, int *c)
{
	unsigned t = s[1];

	*c = ' ';
	switch (s[0]) {
	case 0xc2:		/* no-break space */
		return t == 0xa0 ? 2 : 0;
	case 0xd9:		/* Arabic-Indic digits */
		*c = '0' + (int)t - 0xa0;
		return t >= 0xa0 && t <= 0xa9 ? 2 : 0;
	case 0xdb:		/* Persian and Urdu digits */
		*c = '0' + (int)t - 0xb0;
		return t >= 0xb0 && t <= 0xb9 ? 2 : 0;
	case 0xe2:		/* U+2000-2015, 2028-202F, 2060-206F, 2212 */
		if (t == 0x80 && ((s[2] >= 0x80 && s[2] <= 0x95) ||
		    (s[2] >= 0xa8 && s[2] <= 0xaf)))
			return 3;
		if (t == 0x81 && s[2] >= 0xa0 && s[2] <= 0xaf)
			return 3;
		return t == 0x88 && s[2] == 0x92 ? 3 : 0;
	case 0xe3:		/* ideographic space */
		return t == 0x80 && s[2] == 0x80 ? 3 : 0;
	case 0xef:		/* BOM, fullwidth '+' and digits */
		if (t == 0xbb)
			return s[2] == 0xbf ? 3 : 0;
		if (t != 0xbc)
			return 0;
		if (s[2] == 0x8b) {
			*c = '+';
			return 3;
		}
		*c = '0' + (int)s[2] - 0x90;
		return s[2] >= 0x90 && s[2] <= 0x99 ? 3 : 0;
	}
	return 0;
}

/* Drop a calling code written twice, "'+92 +92 300 1234567". */
static void
twice(struct num *num)
{
	size_t k = num->again;

	if (num->plus && k > 0 && k <= 3 && 2 * k <= num->n &&
	    memcmp(num->d, num->d + k, k) == 0) {
		memmove(num->d, num->d + k, num->n - k);
		num->n -= k;
	}
}

/* Read the digits of RAW into NUM; returns WA_PHONE_OK or why not. */
static int
scan(const char *raw, struct num *num)
{
	const unsigned char *s;
	size_t k;
	int c, over = 0;

	num->n = num->again = 0;
	num->plus = 0;
	if (raw == NULL)
		return WA_PHONE_EMPTY;
	raw += strspn(raw, " \t\r\n");
	raw += *raw == '\'';		/* Shopify's "keep as text" mark */
	if (mangled(raw))
		return WA_PHONE_MANGLED;
	for (s = (const unsigned char *)raw; *s != '\0'; s += k) {
		c = *s;
		k = 1;
		if (c >= 0x80 && (k = utf8(s, &c)) == 0)
			return WA_PHONE_JUNK;
		if (c >= '0' && c <= '9') {
			if (num->n < MAXDIG)
				num->d[num->n++] = (char)c;
			else
				over = 1;
		} else if (c == '+') {
			if (num->n == 0)
				num->plus = 1;
			else if (num->again == 0)
				num->again = num->n;
		} else if (strchr(" \t\r\n.-/()[]", c) == NULL) {
			if (num->n > 0 && extension((const char *)s))
				break;
			return WA_PHONE_JUNK;
		}
	}
	if (num->n == 0)
		return WA_PHONE_EMPTY;
	if (over)
		return WA_PHONE_LENGTH;
	twice(num);
	return WA_PHONE_OK;
}

/*
 * "00" and a digit other than 0 is the international prefix, unless the
 * whole number fits the plan of country R: Tajik mobiles and some
 * freephone numbers in Asia start with 00.
 */
static int
idd(const struct num *num, const struct plan *r)
{
	if (num->n < 3 || num->d[0] != '0' || num->d[1] != '0' ||
	    num->d[2] == '0')
		return 0;
	return r == NULL || !fits(bycode(r->cc), num->d, num->n);
}

int
wa_phone_norm(const char *raw, const char *cc, char *out)
{
	const struct plan *r = byiso(cc);
	struct num num;
	int err;

	out[0] = '\0';
	if ((err = scan(raw, &num)) != WA_PHONE_OK)
		return err;
	if (num.plus)
		err = intl(num.d, num.n, out);
	else if (idd(&num, r))
		err = intl(num.d + 2, num.n - 2, out);
	else if (r == NULL)
		err = WA_PHONE_NOCOUNTRY;
	else
		err = national(r, num.d, num.n, out);
	if (err != WA_PHONE_OK)
		out[0] = '\0';
	return err;
}

const char *
wa_phone_strerror(int err)
{
	switch (err) {
	case WA_PHONE_OK:
		return "valid phone number";
	case WA_PHONE_EMPTY:
		return "no phone number";
	case WA_PHONE_MANGLED:
		return "phone number mangled by a spreadsheet";
	case WA_PHONE_NOCOUNTRY:
		return "national phone number without a country";
	case WA_PHONE_BADCC:
		return "no such country calling code";
	case WA_PHONE_LENGTH:
		return "phone number does not fit the country's numbering plan";
	case WA_PHONE_JUNK:
		return "not a phone number";
	}
	return "unknown phone number error";
}

/* The digits of E164 ('+' optional) into D[0..N); 0 if there are others. */
static int
digits(const char *e164, const char **d, size_t *n)
{
	if (e164 == NULL)
		return 0;
	*d = e164 + (e164[0] == '+');
	*n = strspn(*d, "0123456789");
	return *n > 0 && *n < WA_PHONE_MAX - 1 && (*d)[*n] == '\0';
}

const char *
wa_phone_country(const char *e164)
{
	const struct plan *p, *q;
	const char *d;
	size_t n, cl;

	if (!digits(e164, &d, &n) || (p = codeof(d, n, &cl)) == NULL)
		return NULL;
	for (q = p + 1; q < plans + NPLANS && q->cc == p->cc; q++)
		if (q->lead != NULL && match(q->lead, d + cl, n - cl))
			return q->iso;
	return p->iso;
}

/*
 * WhatsApp registered many numbers before their country grew a digit and
 * kept them: Brazil's mobiles gained a 9 after the area code (55 DD 9 and
 * eight digits starting 6 to 9), Mexico's dropped the 1 after 52, and
 * Argentina's mobiles have a 9 after 54. The key leaves the digit out.
 */
void
wa_phone_key(const char *e164, char *out)
{
	const char *d;
	size_t n, drop = 0;

	out[0] = '\0';
	if (!digits(e164, &d, &n)) {
		if (e164 != NULL)
			snprintf(out, WA_PHONE_MAX, "%s", e164);
		return;
	}
	if (n == 13 && memcmp(d, "55", 2) == 0 && d[4] == '9' &&
	    d[5] >= '6')
		drop = 4;
	else if (n == 13 && (memcmp(d, "521", 3) == 0 ||
	    memcmp(d, "549", 3) == 0))
		drop = 2;
	if (drop == 0)
		snprintf(out, WA_PHONE_MAX, "+%s", d);
	else
		snprintf(out, WA_PHONE_MAX, "+%.*s%s", (int)drop, d,
		    d + drop + 1);
}

int
wa_phone_same(const char *a, const char *b)
{
	char ka[WA_PHONE_MAX], kb[WA_PHONE_MAX];

	wa_phone_key(a, ka);
	wa_phone_key(b, kb);
	return ka[0] != '\0' && strcmp(ka, kb) == 0;
}
