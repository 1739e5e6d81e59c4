/* wa: the base layer, below every other header; one section per common/ file (see README.md). */
#ifndef WA_H
#define WA_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>

#define WA_VERSION "0.1.0"

#if defined(__GNUC__)
#define WA_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define WA_NORETURN __attribute__((noreturn))
#else
#define WA_PRINTF(f, a)
#define WA_NORETURN
#endif

/* err.c: diagnostics, exit status, allocation */
enum {
	WA_EXIT_OK = 0,		/* everything went through */
	WA_EXIT_REC = 1,	/* some records were rejected or failed */
	WA_EXIT_USAGE = 2,	/* usage or configuration error */
	WA_EXIT_FATAL = 3,	/* I/O, auth or network: the run stopped */
	WA_EXIT_BUSY = 75	/* another run holds the lock (EX_TEMPFAIL): try later */
};
extern const char *wa_prog;
extern int wa_status;		/* worst exit status so far */
/* Set up a program: its name (argv[0] without the directory), locale, signals. */
void wa_init(int *argc, char ***argv);
/* The same for a test or fuzz driver named NAME. */
void wa_init_name(const char *name);
/*
 * A transient line on stderr, a terminal: S drawn over the last one, NULL
 * rubs it out. Every diagnostic rubs it out before it is written.
 */
void wa_progress_line(const char *s);
/* N for people, its thousands apart: "1,234,567", in BUF, returned. */
#define WA_COUNTBUF 32
char *wa_fmtcount(long long n, char buf[WA_COUNTBUF]);
/* A format ending in ':' appends strerror(errno), as in sbase. */
void wa_warn(const char *fmt, ...) WA_PRINTF(1, 2);
void wa_warnat(const char *file, long line, const char *fmt, ...)
    WA_PRINTF(3, 4);
/* The same at FILE:LINE:COL (COL from 1; 0 leaves it out). */
void wa_warnpos(const char *file, long line, int col, const char *fmt, ...)
    WA_PRINTF(4, 5);
WA_NORETURN void wa_die(int status, const char *fmt, ...) WA_PRINTF(2, 3);
void wa_fail(int status);	/* raise wa_status to at least STATUS */
void *wa_malloc(size_t n);
void *wa_calloc(size_t n, size_t m);
void *wa_realloc(void *p, size_t n);
/* P, or P moved to hold *CAP elements of SIZE, doubled when N reached it. */
void *wa_grow(void *p, size_t *cap, size_t n, size_t size);
char *wa_strdup(const char *s);
char *wa_strndup(const char *s, size_t n);
/* A new string A SEP B. */
char *wa_strjoin(const char *a, const char *sep, const char *b);
/* Format the reason into ERR (may be NULL or ERRSZ 0) and return -1. */
int wa_seterr(char *err, size_t errsz, const char *fmt, ...) WA_PRINTF(3, 4);
/* A copy of S, or NULL when S is NULL or empty. */
char *wa_strdup0(const char *s);
/* Replace *DST with a copy of S when S says something. */
void wa_strset(char **dst, const char *s);
/* Flush and close stdout; a write error is fatal. Returns the exit status. */
int wa_finish(void);
/* The common --help/--version handling of long options. */
void wa_version(void);

/* opt.c: option values */
/* Parse a whole decimal number in [lo, hi] or die with status 2. */
long long wa_optnum(const char *opt, const char *s, long long lo, long long hi);
/* A size in bytes, with K, M or G (powers of 1024), from 1 byte to 1T, or die with status 2. */
size_t wa_optsize(const char *opt, const char *s);
/* Set the clock (wa_now_set) to --now S, or die with status 2. */
void wa_opt_now(const char *s);
/* A time, or a duration back from now ("30d"), or die with status 2. */
time_t wa_opttime(const char *opt, const char *s);
/* A duration ("72h", "7d") in seconds, or die with status 2. */
long long wa_optdur(const char *opt, const char *s);
/* An ISO 4217 code (three letters, in any case), or die with status 2. */
const char *wa_optcur(const char *opt, const char *s);
/* The index of S in NAMES[0..N), or die with status 2. */
int wa_optchoice(const char *opt, const char *s, const char *const *names, size_t n);

/* buf.c: a growable byte buffer */
struct wa_buf {
	char *s;
	size_t len, cap;
};
void wa_buf_add(struct wa_buf *b, const void *p, size_t n);
void wa_buf_addc(struct wa_buf *b, int c);
void wa_buf_adds(struct wa_buf *b, const char *s);
/* Add N bytes unless B would then hold more than MAX; -1 then, and nothing added. */
int wa_buf_addmax(struct wa_buf *b, const void *p, size_t n, size_t max);
void wa_buf_reset(struct wa_buf *b);
void wa_buf_free(struct wa_buf *b);
const char *wa_buf_str(struct wa_buf *b);	/* NUL-terminated view */

/* utf8.c: validation and Windows-1252 conversion */
/* Length of the valid UTF-8 prefix of P[0..N); N when all of it is valid. */
size_t wa_utf8_valid(const char *p, size_t n);
/* The characters (code points) of valid UTF-8 S: the unit of Meta's limits. */
size_t wa_utf8_chars(const char *s);
/* The same for P[0..N), which may hold NULs or end inside a character. */
size_t wa_utf8_nchars(const char *p, size_t n);
/* Does P[0..N) look like Windows-1252 text rather than broken UTF-8? */
int wa_cp1252_likely(const char *p, size_t n);
/* Append P[0..N) converted from Windows-1252 to UTF-8 (iconv). */
void wa_cp1252_to_utf8(struct wa_buf *out, const char *p, size_t n);
/* Lower-case the ASCII letters of S (may be NULL) in place. */
void wa_lower(char *s);

/* input.c, injson.c and incsv.c: the record loop over operands and stdin */
enum { WA_FMT_AUTO, WA_FMT_JSON, WA_FMT_CSV };
#define WA_MAXREC (1 << 20)	/* longest record accepted, in bytes */
struct wa_input;
struct wa_rec {
	struct wa_input *in;	/* the loop that read it: its rejects, its file */
	const char *file;	/* as named on the command line, "-" for stdin */
	long line;		/* first physical line of the record */
	int fmt;		/* WA_FMT_JSON or WA_FMT_CSV */
	const char *raw;	/* the record's bytes as read (UTF-8) */
	size_t rawlen;
	json_t *json;		/* JSON: the parsed object */
	char **f;		/* CSV: the fields, NUL-terminated */
	size_t nf;
	struct wa_csvhdr *hdr;	/* CSV: the file's header */
	int cp1252;		/* the file was converted from Windows-1252 */
};
/* Called once per record; return nonzero to stop the loop. */
typedef int wa_rec_fn(struct wa_rec *r, void *ctx);
/* Called once per CSV file after its header row, before its rows. */
typedef void wa_hdr_fn(const char *file, struct wa_csvhdr *h, void *ctx);
/* Called at the end of each operand with the records it held (not a file skipped whole). */
typedef void wa_end_fn(const char *file, long nrecords, void *ctx);
struct wa_input *wa_input_new(int fmt);
void wa_input_rejects(struct wa_input *in, const char *path);
/*
 * Say a bad record once however many loops read its file: SAID holds the
 * FILE:LINE of those rejected so far (a report that reads a log twice).
 */
struct wa_hash;
void wa_input_once(struct wa_input *in, struct wa_hash *said);
void wa_input_onheader(struct wa_input *in, wa_hdr_fn *fn);
void wa_input_onend(struct wa_input *in, wa_end_fn *fn);
/*
 * JSON records are checked whole but only FIELDS[0..N), top-level names,
 * are parsed into r->json: a filter that reads three fields of a customer
 * need not build the other thirty. The array must outlive the loop.
 */
void wa_input_fields(struct wa_input *in, const char *const *fields, size_t n);
/*
 * JSON lines dated before SINCE ("at", else "created_at", a plain string)
 * are passed over unread: neither checked, counted nor given to the loop's
 * FN, so a report of the last week costs the lines of its window, not
 * jansson's reading of a year. A line whose date is not plain text is read.
 */
void wa_input_since(struct wa_input *in, time_t since);
/* Run FN over every record of the files in ARGV (none or "-": stdin). */
void wa_input_run(struct wa_input *in, int argc, char **argv, wa_rec_fn *fn,
    void *ctx);
void wa_input_free(struct wa_input *in);
/*
 * Run FN over the JSON records (lines, or arrays) of P[0..N), read from
 * elsewhere (a REST API's page), as if they were the file NAME.
 */
void wa_input_mem(struct wa_input *in, const char *name, const char *p, size_t n,
    wa_rec_fn *fn, void *ctx);
/* Do the operands ARGV (none, or "-") make the loop read the standard input? */
int wa_input_stdin(int argc, char **argv);
/* Report a bad record at its file:line, copy it to the rejects file. */
void wa_reject(struct wa_rec *r, const char *fmt, ...) WA_PRINTF(2, 3);
/* The record as a JSON object (CSV: header names to strings), a new reference. */
json_t *wa_rec_obj(struct wa_rec *r);
/* Release OBJ, from wa_rec_obj; exit 3 if stdout had a write error. */
void wa_rec_end(json_t *obj);
/* Warn about a record that still goes through. */
void wa_recwarn(struct wa_rec *r, const char *fmt, ...) WA_PRINTF(2, 3);
/* Counters for the summary line: records read and rejected. */
long wa_input_nread(struct wa_input *in);
long wa_input_nrejected(struct wa_input *in);
/*
 * Call FN on the current file's bytes, a chunk at a time: from its start,
 * or for a pipe from the current record on, the rest spooled to a
 * temporary file that the loop then reads; -1 on a read or write error.
 */
int wa_input_scan(struct wa_rec *r, void (*fn)(const char *, size_t, void *),
    void *ctx);

/* csv.c: header mapping and the CSV writer */
struct wa_csvhdr {
	char **name;		/* header names, trimmed, BOM stripped */
	size_t n;
};
/*
 * Index of the first header matching one of NAMES ("a|b|c", case-insensitive;
 * a name ending in '*' matches the headers it begins), or -1.
 */
int wa_csv_col(const struct wa_csvhdr *h, const char *names);
/* Field I of R with one Shopify apostrophe and surrounding space removed; "" if absent. */
const char *wa_csv_get(struct wa_rec *r, int i);
void wa_csv_hdr_free(struct wa_csvhdr *h);
/*
 * Write one RFC 4180 field (quoted only when needed); one starting with =,
 * +, -, @, tab or CR with a leading ' (OWASP's guard against formulas in
 * spreadsheets, which wa_csv_get takes off), unless wa_csv_raw (--raw-csv).
 */
void wa_csv_putfield(FILE *fp, const char *s, size_t n);
extern int wa_csv_raw;
/* S without the ' that wa_csv_putfield put before a cell it guarded. */
const char *wa_csv_unguard(const char *s);

/* json.c: helpers over jansson */
/* Dump OBJ compact on one line to FP. */
void wa_json_put(FILE *fp, json_t *obj);
/* The same line, allocated, without the newline; NULL on failure. */
char *wa_json_line(json_t *obj);
/* The string at dotted PATH ("extra.utm_source"), or NULL. */
const char *wa_json_str(json_t *obj, const char *path);
/* The same, NULL also for an empty string: a field left blank is no value. */
const char *wa_json_nestr(json_t *obj, const char *path);
/*
 * KEY of OBJ as an id: a non-empty string, or an integer's text in BUF (N
 * bytes); NULL for anything else. An empty id would give every such
 * record one key.
 */
const char *wa_json_idstr(json_t *obj, const char *key, char *buf, size_t n);
json_t *wa_json_path(json_t *obj, const char *path);
/* Set KEY to a string, or to null when S is NULL or empty. */
void wa_json_setstr(json_t *obj, const char *key, const char *s);
/* Set KEY to T in ISO 8601 UTC, or to null when T is 0. */
void wa_json_settime(json_t *obj, const char *key, time_t t);
/* Set KEY to an amount of MINOR units of CURRENCY, or to null when MINOR < 0. */
void wa_json_setmoney(json_t *obj, const char *key, long long minor,
    const char *currency);
/* Write OBJ as a CSV row of FIELDS (comma-separated names); arrays are joined by ", ". */
void wa_json_putcsv(FILE *fp, json_t *obj, char **fields, size_t nfields);
/* The byte range [*START, *END) of KEY's value at the top level of the object RAW[0..N); 0, or -1. */
int wa_json_span(const char *raw, size_t n, const char *key, size_t *start,
    size_t *end);
/*
 * The next item [*START, *END) of the array RAW[*AT..N), *AT first at its
 * '[', then moved past the item; 0, or -1 at the end or when it is cut short.
 */
int wa_json_item(const char *raw, size_t n, size_t *at, size_t *start,
    size_t *end);

/* jscan.c: records checked without building them */
/*
 * Check that RAW[0..N) is one JSON object and nothing else, the whole of it
 * by the grammar, and parse only the values of the top-level KEYS into OBJ
 * (cleared first). 0, or -1 with the offset of the first bad byte in *ERRAT.
 */
int wa_json_pick(const char *raw, size_t n, const char *const *keys,
    size_t nkeys, json_t *obj, size_t *errat);

/* out.c: JSON lines or CSV on stdout */
struct wa_out;
/* FIELDS: comma-separated list for CSV; NULL for JSON lines. */
struct wa_out *wa_out_new(int fmt, const char *fields);
void wa_out_put(struct wa_out *o, json_t *obj);
void wa_out_free(struct wa_out *o);

/* table.c: rows of JSON objects as a terminal table, CSV or JSON lines */
enum { WA_COL_TEXT, WA_COL_COUNT, WA_COL_RATE, WA_COL_SECS, WA_COL_MONEY,
    WA_COL_NUM };
#define WA_COL_LEFT 0x10	/* with a kind: aligned left in the table, else right */
#define WA_COL_NA 0x20		/* with a kind: no value reads n/a (nothing to count), not - */
/* A column: the rows' key NAME, shown as KIND. */
struct wa_tcol {
	const char *name;	/* in JSON and CSV */
	const char *head;	/* in the table and the page */
	int kind;
};
/* A view's columns, and the target text of a column's figure (NULL: none). */
struct wa_tcols {
	const struct wa_tcol *col;
	size_t n;
	const char *(*target)(const char *name);
};
/*
 * The text of value V of a column of KIND into B (reset first): for a
 * person with HUMAN (rates in percent, durations in units, "-" for none),
 * else for CSV.
 */
const char *wa_cell_text(struct wa_buf *b, json_t *v, int kind, int human);
/* The text for a person of column C of row O. */
const char *wa_cell(struct wa_buf *b, json_t *o, const struct wa_tcol *c);
/* The mark of C's target in O (its "NAME_met"): " met", " not met", "", or NULL for none. */
const char *wa_cell_mark(json_t *o, const struct wa_tcol *c);
const char *wa_col_target(const struct wa_tcols *v, const struct wa_tcol *c);
/* ROWS under a header row, columns two spaces apart, each with its mark (✓, ✗). */
void wa_table_put(const struct wa_tcols *v, json_t *rows);
/* The same within WIDTH characters, the first column's names shortened in their middle. */
void wa_table_fit(const struct wa_tcols *v, json_t *rows, size_t width);
/* Row O as a line per column: its head, its value, its target. */
void wa_table_list(const struct wa_tcols *v, json_t *o);
/* ROWS as CSV of the keys NAMES[0..N), a header row first. */
void wa_csv_rows(const char *const *names, size_t n, json_t *rows);
void wa_json_rows(json_t *rows);

/* time.c: times, durations and the clock */
#define WA_TIMEBUF 32
enum { WA_DATES_ANY, WA_DATES_DMY, WA_DATES_MDY };
/*
 * Parse ISO 8601 (Z, an offset or none for UTC; fractions dropped),
 * Shopify's "2025-05-11 09:55:16 -0400", a bare date (midnight UTC),
 * Unix seconds (9 to 11 digits), or a spreadsheet's "31/12/2023 22:36"
 * (or with - or ., or a two-digit year read as 1930-2029; taken as UTC)
 * read as ORDER says (WA_DATES_ANY: only when a field over 12 tells the
 * day). Returns 0 and sets *T, or -1.
 */
int wa_time_parse(const char *s, int order, time_t *t);
/* Is S a d/m/y date read differently as DMY and MDY (05/06/2024)? */
int wa_time_ambiguous(const char *s);
/*
 * The date order of a text full of d/m/yyyy (or d/m/yy) dates:
 * WA_DATES_DMY or WA_DATES_MDY when some field over 12 tells,
 * WA_DATES_ANY when none does, -1 when both orders are seen. S need not
 * be NUL-terminated.
 */
int wa_time_guess_order(const char *s, size_t n);
/* Add to *DMY and *MDY the dates of S[0..N) that tell each order. */
void wa_time_count_orders(const char *s, size_t n, long *dmy, long *mdy);
/* Format T as 2025-05-11T13:55:16Z into BUF (WA_TIMEBUF bytes). */
char *wa_time_fmt(time_t t, char *buf);
/* The ISO 8601 week of T, as 2025-W19, into BUF (WA_TIMEBUF bytes). */
char *wa_time_week(time_t t, char *buf);
/* Parse a duration "90s", "30m", "48h", "65d", "2w" or "1d12h" into seconds. */
int wa_dur_parse(const char *s, long long *secs);
/*
 * The clock: --now TIME (wa_now_set returns -1 when it does not parse),
 * else $WA_NOW when it parses, else the system clock.
 */
int wa_now_set(const char *s);
time_t wa_now(void);
/* Seconds of the monotonic clock, for waits and rates (never --now). */
double wa_mono(void);

/* dates.c: a file's day/month order, learnt from its dates */
struct wa_dates {
	int order;	/* WA_DATES_ANY until a date, or --date-order, shows it */
	int scanned;	/* the file was scanned for one */
	int assume;	/* the order taken when the whole file cannot tell */
};
/*
 * Parse the time cell S of R into *T (0 when empty), deciding D's order
 * when S needs it: from S, else from every date of R's file (read again,
 * or a pipe spooled to a temporary file), else D->assume, said once;
 * -1 (R rejected) when S is no date.
 */
int wa_dates_parse(struct wa_dates *d, struct wa_rec *r, const char *s,
    time_t *t);
/* The same, but -1 rejects nothing: for a cell whose row comes in without it. */
int wa_dates_read(struct wa_dates *d, struct wa_rec *r, const char *s,
    time_t *t);
/*
 * The order usually written in country CC (WA_DATES_MDY in the US, the
 * Philippines..., else WA_DATES_DMY), and with no country WA_DATES_MDY,
 * Excel's default (m/d/yy h:mm).
 */
int wa_dates_usual(const char *cc);

/* tz.c: time zones */
/*
 * The IANA zone for a country (ISO 3166 alpha-2) and a province code
 * (Shopify's or ISO 3166-2; may be NULL), or NULL. Countries and zones
 * come from $WA_ZONETAB, else zone.tab or zone1970.tab in $TZDIR
 * (/usr/share/zoneinfo). The string stays valid until exit.
 */
const char *wa_tz_for(const char *country, const char *province);
/*
 * The same, but only when it is sure: NULL for a country whose zones keep
 * different clocks (US, BR, RU, AU, CA, MX...) unless a province code
 * decides, so that a guess never stands for a customer's clock.
 */
const char *wa_tz_sure(const char *country, const char *province);
/*
 * Broken-down local time of T in ZONE, read from its TZif file in
 * $TZDIR (/usr/share/zoneinfo), tm_gmtoff, tm_isdst and tm_zone
 * included. Returns 0, or -1 for an unknown zone.
 */
int wa_tz_local(const char *zone, time_t t, struct tm *tm);
/*
 * Every zone of COUNTRY (upper case) in the tab file: the first MAX go
 * to ZV; returns how many there are (0 for none or no tab file).
 */
#define WA_TZ_ZONES 64
size_t wa_tz_zones(const char *country, const char **zv, size_t max);

/* phone.c: E.164 normalization and same-user matching */
#define WA_PHONE_MAX 24
enum {
	WA_PHONE_OK,
	WA_PHONE_EMPTY,		/* nothing there */
	WA_PHONE_MANGLED,	/* a spreadsheet wrote it as 9.19961E+11 */
	WA_PHONE_NOCOUNTRY,	/* national number and no country to read it in */
	WA_PHONE_BADCC,		/* no such country calling code */
	WA_PHONE_LENGTH,	/* wrong length or start for the country's plan */
	WA_PHONE_JUNK		/* letters or other characters that are no phone */
};
/*
 * Normalize RAW to E.164 ("+" and digits) into OUT (WA_PHONE_MAX bytes;
 * "" on error). A leading '+' or "00" gives the calling code; else CC, an
 * ISO 3166 alpha-2 code in any case ("UK" is GB), NULL or "", reads the
 * number nationally. Returns WA_PHONE_OK or the reason it could not.
 */
int wa_phone_norm(const char *raw, const char *cc, char *out);
/*
 * RAW, written with a '+' but no calling code ("+2392207325" in the US),
 * read as a national number of CC instead: WA_PHONE_OK and the number in
 * OUT when it is no number as written (or one of another country, and
 * CC has no trunk 0) and fits CC's plan.
 */
int wa_phone_plusnat(const char *raw, const char *cc, char *out);
const char *wa_phone_strerror(int err);
/*
 * The ISO 3166 alpha-2 country of an E.164 number ('+' optional, as in a
 * wa_id), or NULL for a non-geographic or unknown calling code.
 */
const char *wa_phone_country(const char *e164);
/*
 * Write to OUT (WA_PHONE_MAX bytes) a key that is equal for two E.164
 * numbers ('+' optional) exactly when WhatsApp may see them as the same
 * user (Brazil's 9th digit, Mexico 521/52, Argentina 549/54).
 */
void wa_phone_key(const char *e164, char *out);
/* Do A and B have the same key? Never for empty numbers. */
int wa_phone_same(const char *a, const char *b);

/* money.c: exact amounts in minor units */
#define WA_MONEY_MAX 1000000000000000LL	/* the largest amount read, minor units */
/* Digits after the point for an ISO 4217 currency (2 when unknown or NULL). */
int wa_money_exp(const char *currency);
/*
 * Parse "1659.95" into minor units of CURRENCY; returns 0 or -1. A currency
 * mark before or after the amount is read past: "$12", "12,50 €",
 * "USD 12.00", "R$ 10,00", "kr 99".
 */
int wa_money_parse(const char *s, const char *currency, long long *minor);
#define WA_MONEY_MARKBUF 160
/* The ISO 4217 codes the currency mark of amount S can stand for, space-separated; "" for none. */
void wa_money_mark(const char *s, char *curs, size_t n);
/* Can the mark of amount S stand for CURRENCY? 1 too when S has no mark or CURRENCY is NULL. */
int wa_money_fits(const char *s, const char *currency);
/* V in minor units of FROM digits, in minor units of TO digits (rounded half up). */
long long wa_money_rescale(long long v, int from, int to);
/* A JSON number in major units for MINOR units of CURRENCY. */
json_t *wa_money_json(long long minor, const char *currency);

/* state.c: WA_HOME and durable files */
/* $WA_HOME, or ${XDG_STATE_HOME:-$HOME/.local/state}/wa, created 0700. */
const char *wa_home(void);
/*
 * Every file the project keeps in wa_home(): wa-forget erases a person from
 * each that holds personal data, and warns about any other file it finds
 * there, so a new state file must be listed here to be written at all.
 */
enum { WA_SF_LEDGER, WA_SF_EVENTS, WA_SF_SUPPRESS, WA_SF_SALT,
	WA_SF_TEMPLATES, WA_SF_JOURNEYS, WA_SF_CUSTOMERS, WA_SF_ORDERS,
	WA_SF_CONFIG, WA_SF_JLOCK, WA_SF_CONSENT, WA_SF_WOO, WA_SF_INBOX,
	WA_SF_SNIPPETS, WA_SF_ROUTES, WA_SF_INCURSOR, WA_SF_SHOPIFY,
	WA_SF_LEDGERIX, WA_SF_AGENTS, WA_SF_NOTIFIED, WA_SF_ESUPPRESS, WA_SF_JSTATE, WA_SF_EVSEGS, WA_SF_LEDGERSEGS, WA_SF_INBOXSEGS, WA_SF_WEBSESS, WA_SF_UPLOADS,
	WA_SF_CONVS, WA_SF_CONVITEMS, WA_SF_N };
enum { WA_SK_JSONL, WA_SK_LIST, WA_SK_JSON, WA_SK_TEXT, WA_SK_SECRET,
	WA_SK_LOCK, WA_SK_INDEX, WA_SK_SEGS };	/* kind; INDEX: derived, rebuilt when missing */
enum { WA_PD_NONE, WA_PD_RECORDS, WA_PD_LEDGER, WA_PD_EVENTS,
	WA_PD_SUPPRESS, WA_PD_CONSENT };	/* personal data, and how wa-forget erases it */
struct wa_statefile {
	const char *name;	/* a fnmatch(3) pattern */
	int kind, personal;
	const char *writer;
};
extern const struct wa_statefile wa_statefiles[WA_SF_N];
/* wa_home()/the name of state file WHICH (WA_SF_*), allocated. */
char *wa_home_path(int which);
/* The state file NAME (a file in wa_home()) is, or NULL. */
const struct wa_statefile *wa_statefile(const char *name);
/* fopen(PATH, "r") that does not follow a symbolic link (ELOOP). */
FILE *wa_state_read(const char *path);
/* Write all N bytes of BUF to FD (a signal is no error); 0 or -1. */
int wa_write(int fd, const void *buf, size_t n);
/* Open a temporary file next to PATH for an atomic rewrite. */
FILE *wa_rewrite_open(const char *path, char **tmp);
/* fsync the directory holding PATH, so that a rename in it is durable. */
int wa_syncdir(const char *path);
/* fsync, close, and rename TMP over PATH; returns 0 or -1. */
int wa_rewrite_commit(FILE *fp, char *tmp, const char *path);
/*
 * PATH, whose lock FD the caller holds, rewritten (rename) without the
 * lines for which DROP(a copy of the line, ARG) is true, the line WITH
 * (when not NULL) in the first one's place, every other line as it was:
 * how many went (0: the file left alone), or -1.
 */
int wa_rewrite_lines(int fd, const char *path, int (*drop)(char *line, const void *arg),
    const void *arg, const char *with);
/*
 * flock(*FD, HOW) on the file PATH names now: a writer that waited while
 * another renamed a rewritten file into place would otherwise hold a lock
 * on, and append to, the old one. *FD is reopened (O_RDWR|O_APPEND) when
 * it must be. 0, or -1 with errno.
 */
int wa_lock_current(int *fd, const char *path, int how);
/*
 * Cut the last line of the append-only file FD when a crash left it
 * without its newline: it was never acknowledged. 0 or -1.
 */
int wa_state_untear(int fd);

/* hash.c: string keys to pointers, fingerprints, hex */
struct wa_hash;
struct wa_hash *wa_hash_new(void);
/* The value stored under KEY, or NULL. */
void *wa_hash_get(struct wa_hash *h, const char *key);
/* Store V under KEY (copied), replacing what was there. */
void wa_hash_put(struct wa_hash *h, const char *key, void *v);
/* Room for N keys in all, so that filling it to N moves none (a table read from a file whose count is known). */
void wa_hash_reserve(struct wa_hash *h, size_t n);
size_t wa_hash_count(struct wa_hash *h);
void wa_hash_free(struct wa_hash *h);
/* Free the table, calling FN on each value first. */
void wa_hash_free_with(struct wa_hash *h, void (*fn)(void *));
/* A set of 64-bit fingerprints of strings: 8 bytes a member. */
struct wa_fpset;
unsigned long long wa_fp(const char *key);	/* never 0 */
struct wa_fpset *wa_fpset_new(void);
int wa_fpset_has(struct wa_fpset *f, unsigned long long fp);
void wa_fpset_add(struct wa_fpset *f, unsigned long long fp);
size_t wa_fpset_count(struct wa_fpset *f);
void wa_fpset_free(struct wa_fpset *f);
/* N bytes at P as 2N lower-case hex digits and a NUL at OUT. */
void wa_hex_enc(char *out, const void *p, size_t n);
/* Exactly 2N lower-case hex digits at S (what follows unread) into P; 0 or -1. */
int wa_hex_dec(const char *s, unsigned char *p, size_t n);

/* secret.c: secrets from the environment, never from argv */
/*
 * A copy of $NAME, else the first line of the file $NAME_FILE, else NULL
 * when neither is set; an unreadable or empty file is a usage error.
 */
char *wa_secret(const char *name);
/* Overwrite the string S (a secret) with NULs, in a way the compiler keeps. */
void wa_secret_wipe(char *s);
/* Wipe and free a secret. */
void wa_secret_free(char *s);
/*
 * S with every secret wa_secret read (of 8 characters or more) and every
 * token-shaped word (EAA and 20 or more letters and digits) as "[token]":
 * a new string, or NULL when S has none. The Graph API echoes tokens in
 * some errors; what it says goes through here before we print or log it.
 */
char *wa_scrub(const char *s);
/* Every string in J scrubbed in place. */
void wa_scrub_json(json_t *j);

/* url.c: percent-encoding */
/* Append S with every byte but RFC 3986's unreserved ones as %XX. */
void wa_url_enc(struct wa_buf *out, const char *s);
/* warns.c: warnings about records, each of a kind, said at once or summed up by kind */
struct wa_wkind {
	const char *name;	/* the kind, as --warnings writes it: "phone_raw" */
	const char *summary;	/* what N of them are: "phones kept as phone_raw" */
};
/*
 * Warn about record R: a warning of kind K about the cell VALUE (NULL
 * when none), said in full by FMT ("phone '2375' kept as phone_raw: ...").
 */
void wa_kwarn(struct wa_rec *r, const struct wa_wkind *k, const char *value,
    const char *fmt, ...) WA_PRINTF(4, 5);
/*
 * How wa_kwarn says them: EACH at once on stderr (the default), SUM kept
 * for wa_warns_end, as a count and the first three of each kind.
 */
enum { WA_WARNS_EACH = 1, WA_WARNS_SUM = 2 };
void wa_warns_mode(int mode);
/* Also append every warning to PATH as a JSON line (--warnings), or exit 3. */
void wa_warns_log(const char *path);
/*
 * The summary on stderr, a line per kind in the order first seen ("1,234
 * phones kept as phone_raw (...), e.g. a.csv:3 '2375', ..."; a kind seen
 * once is said in full), and the log closed.
 */
void wa_warns_end(void);


/* fetch.c: one HTTP request at a time (libcurl easy), retried when busy */
#define WA_FETCH_MAXBODY (16 << 20)	/* a longer answer is an error */
#define WA_FETCH_NWANT 4		/* response headers a caller may keep */
struct wa_fetch;
/*
 * A client with the CA bundle from WA_CA_FILE, 5 attempts a request and
 * waits of at most 30 s; main calls curl_global_init first. It never
 * follows a redirect, so the headers (secrets) go to the URL's server only.
 */
struct wa_fetch *wa_fetch_new(void);
/* Send the header LINE ("Name: value") with every request; wiped at free. */
void wa_fetch_header(struct wa_fetch *f, const char *line);
/* Keep the answer's header NAME (Retry-After, Link, X-WP-TotalPages). */
void wa_fetch_want(struct wa_fetch *f, const char *name);
/* TRIES attempts a request, waits of at most MAXWAIT ms, answers of at most MAXBODY bytes. */
void wa_fetch_limits(struct wa_fetch *f, int tries, long maxwait,
    size_t maxbody);
/*
 * GET URL, or POST the N bytes of POST to it. A failed connection, 429
 * and 5xx are tried again after a wait that doubles from 250 ms, or the
 * Retry-After of a 429 or 503, both bounded. 0 when an answer came (the
 * last one: its status may still be 429 or 5xx), or -1 when none did
 * or it was too long, the reason in wa_fetch_err.
 */
int wa_fetch_do(struct wa_fetch *f, const char *url, const char *post,
    size_t n);
/* The body of a 200 into FP, emptied before each attempt, not into memory (a large download). */
void wa_fetch_tofile(struct wa_fetch *f, FILE *fp);
/* The last answer: its HTTP status (0: none), body (NUL-terminated), kept header (NULL: absent). */
long wa_fetch_status(struct wa_fetch *f);
const char *wa_fetch_body(struct wa_fetch *f, size_t *n);
const char *wa_fetch_got(struct wa_fetch *f, const char *name);
/* What went wrong with the last request: "HTTP 503", or libcurl's reason. */
const char *wa_fetch_err(struct wa_fetch *f);
void wa_fetch_free(struct wa_fetch *f);

/* smtp.c: e-mail over SMTP (libcurl), one connection for many messages */
#define WA_SMTP_REPLY 512
/*
 * What became of a message: SENT (250 after the data); HARD, refused for
 * good (5xx to RCPT, DATA or the data); SOFT, refused for now (4xx), or the
 * connection lost before the data went; UNKNOWN, the connection lost after
 * the data went and before the answer (it may have been delivered); FAIL,
 * nothing sent and not this message's fault (connection, TLS, AUTH, MAIL
 * FROM): the next message would fail the same way.
 */
enum { WA_SMTP_SENT, WA_SMTP_HARD, WA_SMTP_SOFT, WA_SMTP_UNKNOWN,
	WA_SMTP_FAIL };
struct wa_smtp_res {
	int kind;
	int code;			/* the server's reply code; 0: none */
	char reply[WA_SMTP_REPLY];	/* its reply line, or libcurl's reason */
	int rcpt;			/* the refusal answered RCPT: the address's */
};
struct wa_smtp;
/*
 * A client for URL: smtp:// with STARTTLS required (WA_SMTP_STARTTLS=try
 * for a relay without it) or smtps://; user and password from WA_SMTP_USER
 * and WA_SMTP_PASSWORD (or WA_SMTP_PASSWORD_FILE), a private CA from
 * WA_CA_FILE. main calls curl_global_init first. NULL, the reason in ERR,
 * for another scheme.
 */
struct wa_smtp *wa_smtp_new(const char *url, char *err, size_t errsz);
/*
 * Send the N bytes of MSG (CRLF lines, headers and body) from FROM to TO
 * (bare addresses) over the connection of earlier messages, or a new one;
 * RES says what became of it, and its kind is returned.
 */
int wa_smtp_send(struct wa_smtp *s, const char *from, const char *to,
    const char *msg, size_t n, struct wa_smtp_res *res);
/*
 * Does the server offer SMTPUTF8 (RFC 6531), which an address of other
 * scripts needs: 1 or 0, from the connection's EHLO (a NOOP opens one, kept
 * for the next message); -1 when no connection could tell. With it, libcurl
 * sends such an address with SMTPUTF8, its domain as IDNA (punycode).
 */
int wa_smtp_utf8(struct wa_smtp *s);
void wa_smtp_free(struct wa_smtp *s);
/* segments.c: a JSON lines log rolled into dated segments, read back as one stream */
/* The folder of LIVE's segments: LIVE without ".jsonl" (events.jsonl: events), allocated. */
char *wa_seg_dir(const char *live);
/*
 * Is a roll of FD due: MAX bytes reached (0: no limit), or its last line
 * (its time KEY; NULL: the file's mtime, against the real clock) of a
 * month before now's?
 */
int wa_seg_due(int fd, long long max, const char *key);
/*
 * Roll LIVE, open as *FD and held under LOCK_EX, into its next segment;
 * *FD is then the new, empty live file, held under LOCK_EX. 0, 1 when a
 * reader holds the segments (try again at the next append), or -1.
 */
int wa_seg_roll(const char *live, int *fd, const char *key);
/* Gzip LIVE's plain segments, noting each one's first and last "at". 0 or -1. */
int wa_seg_pack(const char *live);
/*
 * The segment of LIVE that was the live file *DEV, *INO (a plain one by
 * its own, a .gz by its index line), open at its beginning: a .gz
 * decompressed, so that offsets are the plain file's. *DEV and *INO are
 * then the next file's (the next segment, or LIVE), 0 when not known.
 * NULL when no segment was that file. A freed inode comes back for a
 * later live file, so two segments may share one: the search starts at
 * *FROM (0: the first), which is then the next segment's place, so a
 * walk only goes forward; it falls back to the first when a listing
 * changed under it.
 */
FILE *wa_seg_byid(const char *live, unsigned long long *dev,
    unsigned long long *ino, size_t *from);
/* PATH of a segment without ".jsonl" or ".jsonl.gz" (events/2026-11.2), allocated. */
char *wa_seg_stem(const char *path);
/* The stem of LIVE's newest segment (the one a roll just made), or NULL. */
char *wa_seg_newest(const char *live);
/* The name of LIVE's newest segment (2026-11.2), "-" when none; allocated. */
char *wa_seg_newestname(const char *live);
/*
 * wa_seg_byid among the segments named after AFTER (a segment's name, as
 * 2026-11.2; "-", "" or a bad name: all of them), with no going back:
 * AFTER is then set to the name of the one found (AFTERSZ bytes), the
 * segment the next file comes after. A cursor that keeps it finds a freed
 * inode's later segment, not the earlier one.
 */
FILE *wa_seg_after(const char *live, char *after, size_t aftersz,
    unsigned long long *dev, unsigned long long *ino);
/*
 * Rewrite segment PATH (plain or .gz) through FN(IN, OUT, ARG), which
 * copies IN's lines to OUT as they should be and returns how many it
 * changed; nothing is written when none, else the keys file beside it
 * (STEM.keys, wa-hook's) is removed. FN's count, or -1.
 */
long wa_seg_rewrite(const char *path, long (*fn)(FILE *, FILE *, void *),
    void *arg);

/* segread.c: a log's segments read back as one stream */
enum { WA_SEGS_NOLIVE = 1, WA_SEGS_EX = 2 };
struct wa_segs;
/*
 * The segments of LIVE that may hold a time in [SINCE, UNTIL) (0: open),
 * in order, then LIVE (not with WA_SEGS_NOLIVE), held against rolls until
 * closed (WA_SEGS_EX: and against readers, to rewrite them). NULL, errno.
 */
struct wa_segs *wa_segs_open(const char *live, time_t since, time_t until,
    int flags);
/* The one file PATH (a segment, plain or .gz), to read as wa_segs_line does. */
struct wa_segs *wa_segs_one(const char *path);
size_t wa_segs_count(const struct wa_segs *s);
const char *wa_segs_path(const struct wa_segs *s, size_t i);
/* The next line of them all, as getline(3) (a .gz read through); -1 at the end or on an error. */
ssize_t wa_segs_line(struct wa_segs *s, char **line, size_t *cap);
/* The file the last line came from; did a read fail (a broken .gz)? */
const char *wa_segs_file(const struct wa_segs *s);
int wa_segs_error(const struct wa_segs *s);
void wa_segs_close(struct wa_segs *s);

/* html.c: strings from data escaped for HTML text, attributes and URLs */
/*
 * S (NULL: nothing) as HTML text: & < > " ' as entities; bytes that are not
 * UTF-8, NULs and control characters but tab and newlines as U+FFFD. Also
 * right inside a quoted attribute, but wa_html_attr is for those.
 */
void wa_html_text(struct wa_buf *b, const char *s);
/* The same for P[0..N), which may hold NULs. */
void wa_html_textn(struct wa_buf *b, const char *p, size_t n);
void wa_html_ftext(FILE *fp, const char *s);
/* wa_html_ftext on stdout (wa-report's page). */
void wa_html(const char *s);
/* S for an attribute's value: every ASCII byte but letters, digits and ",.-_" as &#xHH;. */
void wa_html_attr(struct wa_buf *b, const char *s);
void wa_html_fattr(FILE *fp, const char *s);
/* S as one component of a URL's path or query (wa_url_enc), safe in an attribute as it is. */
void wa_html_urlpart(struct wa_buf *b, const char *s);
void wa_html_furlpart(FILE *fp, const char *s);
/*
 * A whole URL U from data, for href or src: relative, http, https, mailto
 * or tel, with what may not stand raw in it %-encoded and & ' as entities;
 * 0. Any other scheme (javascript:, data:, vbscript:, seen as a browser
 * sees them, through tabs, newlines and case): -1 and nothing written.
 */
int wa_html_url(struct wa_buf *b, const char *u);
int wa_html_furl(FILE *fp, const char *u);
/* recfold.c: JSON records folded by type and id, a later line's fields winning */
struct wa_recfold;
struct wa_recfold *wa_recfold_new(void);
/*
 * Fold the JSON object LINE[0..N) into the record of its "type" and "id"
 * (as jq's "\(.type) \(.id)"): its non-null fields over that record's, a
 * new record after the others; "event" and "hook_id" dropped. 0, or -1
 * for no JSON object.
 */
int wa_recfold_add(struct wa_recfold *f, const char *line, size_t n);
/* The records, in the order first seen, as compact JSON lines appended to OUT. */
void wa_recfold_text(const struct wa_recfold *f, struct wa_buf *out);
void wa_recfold_free(struct wa_recfold *f);

/* cursor.c: where a reader of a rolled log stopped, followed across rolls */
/*
 * Where a reader of the spool stopped: the file (device and inode) and
 * the byte offset after the last whole line it read.
 */
struct wa_cursor {
	unsigned long long dev, ino;	/* 0: not known (an offset alone) */
	long long off;
	char after[32];	/* the segment the file comes after ("-": none, "": not known) */
};
/*
 * Seek SPOOL to CUR: to 0 when CUR names another file (replaced) or lies
 * past its end, else to the beginning of the line at CUR->off (wa-forget
 * may have rewritten the spool). CUR is set to where it now is.
 */
void wa_cursor_seek(FILE *spool, struct wa_cursor *cur);
/*
 * The file of the log LIVE where CUR stands, into *FP at the beginning of
 * its line at CUR->off. 0: LIVE, as wa_cursor_seek (*FP NULL when there is
 * none); 1: after a roll, the segment that was the file at CUR (plain or
 * gzipped), and *NEXT where reading goes on after its end (the next
 * segment, or LIVE, at 0); -1: no segment was that file (rewritten by
 * wa-forget), *FP is LIVE from its beginning and CUR is set so.
 */
int wa_cursor_open(const char *live, struct wa_cursor *cur,
    struct wa_cursor *next, FILE **fp);
/*
 * The cursor kept in the file PATH ("OFFSET INODE DEVICE AFTER", AFTER
 * left out when not known, as in the files of before it was kept), zero
 * when none.
 */
void wa_cursor_load(const char *path, struct wa_cursor *cur);
/* Keep CUR in PATH, by write-then-rename; 0 or -1. */
int wa_cursor_save(const char *path, const struct wa_cursor *cur);

/* proxy.c: the client a reverse proxy (nginx) names in its headers */
/*
 * The client of a request that came through a proxy, by the proxy's
 * headers: REALIP (X-Real-IP) when not NULL, else the last address of
 * XFF (X-Forwarded-For), blanks before it skipped, what follows left
 * as it is; NULL when neither. Only a trusted proxy's headers are worth
 * reading: anyone else's say what they like.
 */
const char *wa_proxy_client(const char *realip, const char *xff);

#endif
