/* wa: shared code for the wa-* programs, one section per common/ file. */
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
	WA_EXIT_FATAL = 3	/* I/O, auth or network: the run stopped */
};
extern const char *wa_prog;
extern int wa_status;		/* worst exit status so far */
void wa_init(const char *argv0);
/* A format ending in ':' appends strerror(errno), as in sbase. */
void wa_warn(const char *fmt, ...) WA_PRINTF(1, 2);
void wa_warnat(const char *file, long line, const char *fmt, ...)
    WA_PRINTF(3, 4);
WA_NORETURN void wa_die(int status, const char *fmt, ...) WA_PRINTF(2, 3);
void wa_fail(int status);	/* raise wa_status to at least STATUS */
void *wa_malloc(size_t n);
void *wa_calloc(size_t n, size_t m);
void *wa_realloc(void *p, size_t n);
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
/* Does P[0..N) look like Windows-1252 text rather than broken UTF-8? */
int wa_cp1252_likely(const char *p, size_t n);
/* Append P[0..N) converted from Windows-1252 to UTF-8 (iconv). */
void wa_cp1252_to_utf8(struct wa_buf *out, const char *p, size_t n);

/* input.c: the record loop over operands and stdin */
enum { WA_FMT_AUTO, WA_FMT_JSON, WA_FMT_CSV };
#define WA_MAXREC (1 << 20)	/* longest record accepted, in bytes */
struct wa_rec {
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
struct wa_input;
/* Called once per record; return nonzero to stop the loop. */
typedef int wa_rec_fn(struct wa_rec *r, void *ctx);
/*
 * Called once per CSV file after its header row: return 0 to read the rows,
 * WA_HDR_REJECT to count each row as rejected (to the rejects file, with no
 * message of its own), or WA_HDR_SKIP to skip the file.
 */
enum { WA_HDR_READ, WA_HDR_REJECT, WA_HDR_SKIP };
typedef int wa_hdr_fn(const char *file, struct wa_csvhdr *h, void *ctx);
struct wa_input *wa_input_new(int fmt);
void wa_input_rejects(struct wa_input *in, const char *path);
void wa_input_onheader(struct wa_input *in, wa_hdr_fn *fn);
/*
 * JSON records are checked whole but only FIELDS[0..N), top-level names,
 * are parsed into r->json: a filter that reads three fields of a customer
 * need not build the other thirty. The array must outlive the loop.
 */
void wa_input_fields(struct wa_input *in, const char *const *fields, size_t n);
/* Run FN over every record of the files in ARGV (none or "-": stdin). */
void wa_input_run(struct wa_input *in, int argc, char **argv, wa_rec_fn *fn,
    void *ctx);
void wa_input_free(struct wa_input *in);
/* Do the operands ARGV (none, or "-") make the loop read the standard input? */
int wa_input_stdin(int argc, char **argv);
/* Report a bad record at its file:line, copy it to the rejects file. */
void wa_reject(struct wa_rec *r, const char *fmt, ...) WA_PRINTF(2, 3);
/* Warn about a record that still goes through. */
void wa_recwarn(struct wa_rec *r, const char *fmt, ...) WA_PRINTF(2, 3);
/* Counters for the summary line: records read and rejected. */
long wa_input_nread(struct wa_input *in);
long wa_input_nrejected(struct wa_input *in);
/* Call FN on the current file's bytes, a chunk at a time; -1 for a pipe. */
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

/* time.c: times, durations and the clock */
#define WA_TIMEBUF 32
enum { WA_DATES_ANY, WA_DATES_DMY, WA_DATES_MDY };
/*
 * Parse ISO 8601 (Z, an offset or none for UTC; fractions dropped),
 * Shopify's "2025-05-11 09:55:16 -0400", a bare date (midnight UTC),
 * Unix seconds (9 to 11 digits), or a spreadsheet's "31/12/2023 22:36"
 * (or with - or .; taken as UTC) read as ORDER says (WA_DATES_ANY: only
 * when a field over 12 tells the day). Returns 0 and sets *T, or -1.
 */
int wa_time_parse(const char *s, int order, time_t *t);
/* Is S a d/m/yyyy date read differently as DMY and MDY (05/06/2024)? */
int wa_time_ambiguous(const char *s);
/*
 * The date order of a text full of d/m/yyyy dates: WA_DATES_DMY or
 * WA_DATES_MDY when some field over 12 tells, WA_DATES_ANY when none
 * does, -1 when both orders are seen. S need not be NUL-terminated.
 */
int wa_time_guess_order(const char *s, size_t n);
/* Format T as 2025-05-11T13:55:16Z into BUF (WA_TIMEBUF bytes). */
char *wa_time_fmt(time_t t, char *buf);
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

/* tz.c: time zones */
/*
 * The IANA zone for a country (ISO 3166 alpha-2) and a province code
 * (Shopify's or ISO 3166-2; may be NULL), or NULL. Countries and zones
 * come from $WA_ZONETAB, else zone.tab or zone1970.tab in $TZDIR
 * (/usr/share/zoneinfo). The string stays valid until exit.
 */
const char *wa_tz_for(const char *country, const char *province);
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
/* Parse "1659.95" into minor units of CURRENCY; returns 0 or -1. */
int wa_money_parse(const char *s, const char *currency, long long *minor);
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
	WA_SF_CONFIG, WA_SF_JLOCK, WA_SF_N };
enum { WA_SK_JSONL, WA_SK_LIST, WA_SK_JSON, WA_SK_TEXT, WA_SK_SECRET,
	WA_SK_LOCK };		/* kind */
enum { WA_PD_NONE, WA_PD_RECORDS, WA_PD_LEDGER, WA_PD_EVENTS,
	WA_PD_SUPPRESS };	/* personal data, and how wa-forget erases it */
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
 * flock(*FD, HOW) on the file PATH names now: a writer that waited while
 * another renamed a rewritten file into place would otherwise hold a lock
 * on, and append to, the old one. *FD is reopened (O_RDWR|O_APPEND) when
 * it must be. 0, or -1 with errno.
 */
int wa_lock_current(int *fd, const char *path, int how);

/* hash.c: string keys to pointers */
struct wa_hash;
struct wa_hash *wa_hash_new(void);
/* The value stored under KEY, or NULL. */
void *wa_hash_get(struct wa_hash *h, const char *key);
/* Store V under KEY (copied), replacing what was there. */
void wa_hash_put(struct wa_hash *h, const char *key, void *v);
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

/* store.c: Shopify and WooCommerce export layouts, matched by header name */
enum wa_col {
	/* customers */
	WA_C_ID, WA_C_FIRST, WA_C_LAST, WA_C_NAME, WA_C_EMAIL, WA_C_PHONE,
	WA_C_PHONE2, WA_C_PHONE3, WA_C_COUNTRY, WA_C_COUNTRY2, WA_C_PROVINCE,
	WA_C_CITY, WA_C_OPTIN_WA, WA_C_OPTIN_SMS, WA_C_OPTIN_ANY, WA_C_TAGS,
	WA_C_NOTE, WA_C_ORDERS, WA_C_SPENT, WA_C_CREATED, WA_C_LANG,
	WA_C_BIRTHDAY,
	/* orders */
	WA_O_NAME, WA_O_ID, WA_O_CREATED, WA_O_PAID, WA_O_FULFILLED,
	WA_O_CANCELLED, WA_O_FINANCIAL, WA_O_FULFILLMENT, WA_O_TOTAL,
	WA_O_REFUNDED, WA_O_CURRENCY, WA_O_DISCOUNT, WA_O_ITEM_NAME,
	WA_O_ITEM_SKU, WA_O_ITEM_QTY, WA_O_ITEM_PRICE, WA_O_ITEM_VENDOR,
	WA_O_ITEMS,
	WA_NCOL
};
enum { WA_KIND_UNKNOWN, WA_KIND_CUSTOMERS, WA_KIND_ORDERS };
struct wa_layout {
	int kind;
	const char *source;	/* "shopify" or "woocommerce" */
	const char *optin_source;	/* the consent column, as opt_in_source */
	int col[WA_NCOL];	/* header index of each column, or -1 */
	unsigned char *mapped;	/* per header column: read into a field */
	int *itemcols;		/* WooCommerce line_item_N columns, -1 ended */
};
/* Recognize the export layout of header H; kind WA_KIND_UNKNOWN if none fits. */
void wa_layout_detect(struct wa_layout *l, const struct wa_csvhdr *h);
void wa_layout_free(struct wa_layout *l);
/* The trimmed value of column C of record R ("" when the layout has none). */
const char *wa_layout_get(const struct wa_layout *l, struct wa_rec *r,
    enum wa_col c);
/* Consent cell: 1 yes, 0 no or empty, -1 not a yes/no value. */
int wa_yesno(const char *s);
/* Is S a number a spreadsheet wrote in scientific notation, digits lost? */
int wa_mangled(const char *s);

/* order.c: the order record shared by wa-import and wa-hook */
struct wa_item {
	char *name, *sku, *vendor;
	long long qty, price;	/* price in minor units */
};
struct wa_order {
	char *id, *name, *customer, *email, *phone, *currency, *discount_code;
	char *financial_status, *fulfillment_status;
	time_t created_at, paid_at, fulfilled_at, cancelled_at;	/* 0: none */
	long long total, refunded;	/* minor units */
	int has_total;
	json_t *tags;		/* array of strings */
	struct wa_item *items;
	size_t nitems, itemcap;
	json_t *extra;		/* object, or NULL */
};
void wa_order_additem(struct wa_order *o, const char *name, const char *sku,
    const char *vendor, long long qty, long long price);
/* Does the order count toward a customer's orders and spend? */
int wa_order_counts(const struct wa_order *o);
/* The record: {"type":"order","id",...}. */
json_t *wa_order_json(const struct wa_order *o);
void wa_order_clear(struct wa_order *o);
/* Split a Tags cell "a, b ,c" into a JSON array of unique strings, adding to A. */
void wa_tags_add(json_t *a, const char *cell);

/* graph.c: WhatsApp Cloud API request bodies, answers and error classes */
/* The default of $WA_API_URL. */
#define WA_GRAPH_API "https://graph.facebook.com/v21.0"
#define WA_GRAPH_TEXTMAX 4096	/* free-form text body, in characters */
#define WA_GRAPH_PARAMMAX 32768	/* one template text parameter */
#define WA_GRAPH_OPAQUEMAX 512	/* biz_opaque_callback_data */
#define WA_GRAPH_ERRSZ 256	/* enough for any ERR message below */
/*
 * BASE ($WA_API_URL; NULL or "": WA_GRAPH_API) + "/" + NODE (a numeric
 * id such as $WA_PHONE_NUMBER_ID) + "/" + EDGE ("messages"; NULL: the
 * node itself) into OUT. Returns 0, or -1 with the reason in ERR.
 */
int wa_graph_url(struct wa_buf *out, const char *base, const char *node,
    const char *edge, char *err, size_t errsz);
/*
 * Placeholders: "{{field}}" and "{{field|default}}" take a value from the
 * record REC (dotted paths such as extra.utm_source; numbers as JSON
 * writes them, true/false, arrays joined by ", "); text around them is
 * kept. A field that is missing, null or "" and has no default is an
 * error naming it: a customer never gets an empty variable. Fill TMPL
 * into OUT (reset first); returns 0, or -1 with the reason in ERR.
 */
int wa_graph_fill(const char *tmpl, json_t *rec, struct wa_buf *out,
    char *err, size_t errsz);
/* Check only the syntax of TMPL, so a bad -p is a usage error at start. */
int wa_graph_check(const char *tmpl, char *err, size_t errsz);
/*
 * Add to NAMES[0..*N), at most MAX, the top-level fields the placeholders of
 * TMPL (NULL: none) read ("extra" for {{extra.utm_source}}), each once and
 * copied. -1 when TMPL is bad or there are more than MAX.
 */
int wa_graph_fields(const char *tmpl, char **names, size_t *n, size_t max);

/* What every message carries besides its content. */
struct wa_graph_msg {
	const char *to;		/* E.164; '+' added to a bare wa_id */
	const char *reply_to;	/* context.message_id: wamid answered; NULL */
	const char *opaque;	/* biz_opaque_callback_data, or NULL: the
				   dedupe key, echoed in status webhooks */
};
enum {
	WA_GRAPH_HNONE, WA_GRAPH_HTEXT, WA_GRAPH_HIMAGE, WA_GRAPH_HVIDEO,
	WA_GRAPH_HDOCUMENT
};
enum { WA_GRAPH_BURL, WA_GRAPH_BQUICK };
struct wa_graph_button {
	int type;		/* BURL or BQUICK */
	int index;		/* the button's place in the template, 0-9 */
	const char *text;	/* BURL: the URL suffix; BQUICK: the payload */
};
/* A template message; every string may hold placeholders. */
struct wa_graph_tmpl {
	const char *name;
	const char *lang;	/* "pt-BR" is sent as pt_BR; "{{lang|en_US}}" */
	int htype;		/* WA_GRAPH_H* */
	const char *header;	/* text, or media: http(s) link or media id */
	const char *filename;	/* document header: the name shown, or NULL */
	const char *const *body;	/* body parameters {{1}}, {{2}}... */
	size_t nbody;
	const struct wa_graph_button *button;
	size_t nbutton;
};
/* --button "INDEX=TEXT": a URL button; B->text points into ARG. */
int wa_graph_button_arg(const char *arg, struct wa_graph_button *b,
    char *err, size_t errsz);
/*
 * The request bodies, filled from REC (may be NULL). NULL with the reason
 * in ERR when a field is missing, a value is empty, too long or not UTF-8,
 * so the record fails locally and nothing malformed is sent.
 */
json_t *wa_graph_template(const struct wa_graph_msg *m,
    const struct wa_graph_tmpl *t, json_t *rec, char *err, size_t errsz);
json_t *wa_graph_text(const struct wa_graph_msg *m, const char *text,
    json_t *rec, char *err, size_t errsz);

/* An error object: a send answer's "error" or a status's "errors" item. */
struct wa_graph_err {
	long long code;		/* -1: none */
	long long subcode;	/* -1: none (deprecated since v16.0) */
	const char *title;	/* never NULL: "Rate limit hit" */
	const char *message, *details, *type, *fbtrace;	/* NULL: absent */
	int transient;		/* is_transient: true */
};
/* Strings point into O and live as long as it does. */
void wa_graph_err_read(struct wa_graph_err *e, json_t *o);
enum { WA_GRAPH_SENT, WA_GRAPH_ERROR, WA_GRAPH_GARBAGE };
/* An answer to a send; the strings live until wa_graph_ans_free. */
struct wa_graph_ans {
	int kind;		/* GARBAGE: HTML from a proxy, empty, cut */
	long http;		/* HTTP status; 0: none */
	const char *wamid, *wa_id, *input;	/* SENT; wa_id may be NULL */
	const char *mstatus;	/* SENT: accepted, held_for_quality_assessment,
				   paused, or NULL */
	struct wa_graph_err err;	/* ERROR; GARBAGE: title only */
	json_t *json;		/* the parsed body */
	char what[64];		/* GARBAGE: "no JSON answer (HTTP 502)" */
};
int wa_graph_answer(struct wa_graph_ans *a, long http, const char *body,
    size_t len);
void wa_graph_ans_free(struct wa_graph_ans *a);

/* What to do about an error (cloud-api.md 2.2); names go in error.class. */
enum {
	WA_GC_UNKNOWN,		/* "unknown": fail the record */
	WA_GC_TRANSIENT,	/* "transient": retry with backoff */
	WA_GC_THROTTLE,		/* "throttle": back off, lower the rate */
	WA_GC_PAIR,		/* "pair_limit": this recipient after 4^x s */
	WA_GC_RECIPIENT,	/* "recipient": never retry this one */
	WA_GC_CAMPAIGN,		/* "campaign": stop the campaign */
	WA_GC_LANGUAGE,		/* "template_language": stop that language */
	WA_GC_ACCOUNT		/* "account": stop everything, exit 3 */
};
/*
 * The class of E (NULL or code -1: no error body) in an answer of HTTP
 * status HTTP (0: the request was never sent, so a retry is safe; a
 * request that went out without an answer is no class but an unknown
 * outcome). The code decides; the HTTP status only when it is unknown.
 */
int wa_graph_class(const struct wa_graph_err *e, long http);
enum { WA_OUT_SENT, WA_OUT_REFUSED, WA_OUT_UNKNOWN };
/*
 * What answer A says of a message, SENT being wa_http_res's: SENT only for
 * a 2xx with messages[0].id; REFUSED (then wa_graph_class says what to do)
 * for Graph's error object, any 3xx or 4xx, or no answer to a request
 * whose body never all went; UNKNOWN for every other 2xx, a 5xx without
 * the error object, or no answer after the body went. An UNKNOWN message
 * may have been taken, so it is never sent again on its own.
 */
int wa_graph_outcome(const struct wa_graph_ans *a, int sent);
const char *wa_graph_classname(int cls);
/* Does CODE mean the recipient opted out (131050): add to suppress.txt? */
int wa_graph_suppress(long long code);
/* Is the campaign error CODE about the template itself, not the account's marketing? */
int wa_graph_of_template(long long code);
/*
 * Seconds before a recipient refused with CODE (a recipient-class error)
 * may be tried again, -1 for never: a later run skips it until then.
 */
long long wa_graph_hold(long long code);
/* Seconds to wait before retry N (from 0) after a pair limit: 4^N. */
long long wa_graph_pair_wait(int n);

/* customer.c: customer records, their merging and their index */
struct wa_cust {
	char *id, *first, *last, *email, *phone, *phone_raw, *country;
	char *province, *city, *lang, *note, *source, *optsrc;
	char *birthday;			/* YYYY-MM-DD */
	int opt_in;			/* -1: not known */
	int seen;			/* a row of this import matched it */
	int listed;			/* a customer file names it, not only orders */
	time_t created;
	json_t *tags, *extra, *base;	/* base: the record it was read from */
	long long orders, spent;	/* from the export or base, -1 unknown */
	int spentexp;			/* digits of spent's minor unit */
	long long n365, s365;		/* from the base record, -1 unknown */
	time_t first_at, last_at, lastful_at;
	json_t *last_items;
	long long norders, nspent, nn365, ns365;	/* what orders add */
	char cur[4];
};
void wa_cust_init(struct wa_cust *c);
void wa_cust_clear(struct wa_cust *c);
/* "email:<e-mail>" or "phone:<E.164>" for a customer with no store id, or NULL. */
char *wa_cust_makeid(const struct wa_cust *c);
/*
 * Fold what N says into D. REPLACE: N's contact fields replace D's (a new
 * export over an old record, or a customer row over a buyer known only from
 * orders); else D's are kept and N only fills gaps. Consent merges
 * conservatively: a "no" wins, and a withdrawal made outside the store (a
 * STOP) survives any re-import.
 */
void wa_cust_fold(struct wa_cust *d, struct wa_cust *n, int replace);
/* Count order O, placed by C, into C's totals as of NOW. */
void wa_cust_addorder(struct wa_cust *c, const struct wa_order *o, time_t now);
/* Read a customer record back; -1 with the reason in *WHY when it is not one. */
int wa_cust_fromjson(struct wa_cust *c, json_t *obj, const char **why);
json_t *wa_cust_json(const struct wa_cust *c);

/* The customers of one run, found by id, e-mail or same-user phone. */
struct wa_custdb;
struct wa_custdb *wa_custdb_new(void);
/* The customer N is, and in *WHY by what, or NULL. */
struct wa_cust *wa_custdb_find(struct wa_custdb *db, const struct wa_cust *n,
    const char **why);
/* Take N's fields into a new customer at the end; N is left empty. */
struct wa_cust *wa_custdb_add(struct wa_custdb *db, struct wa_cust *n);
/* Index C again after its id, e-mail or phone changed. */
void wa_custdb_index(struct wa_custdb *db, struct wa_cust *c);
size_t wa_custdb_count(const struct wa_custdb *db);
struct wa_cust *wa_custdb_at(struct wa_custdb *db, size_t i);
void wa_custdb_free(struct wa_custdb *db);

/* http.c: many POSTs in flight over libcurl's multi interface, paced */
/*
 * curl_global_init(CURL_GLOBAL_DEFAULT) is main's job, before wa_http_new
 * (and curl_global_cleanup after wa_http_free); ignore SIGPIPE too. One
 * struct wa_http is for one thread.
 */
struct wa_http;
struct wa_http_res {
	void *ctx;		/* as given to wa_http_post */
	long status;		/* HTTP status; 0: no answer (or a cut one) */
	const char *body;	/* the answer, NUL-terminated; valid during the callback */
	size_t len;
	/*
	 * The whole body went out: without an answer the outcome is unknown
	 * (server closed after the request, timeout after the upload). 0: it
	 * never all left (connection refused, DNS, connect timeout), so it is
	 * safe to send again. libcurl never re-sends a body that all went out.
	 */
	int sent;
	const char *error;	/* libcurl's message when there was no answer, else NULL */
	double seconds;		/* from the start of the request to its end */
};
typedef void wa_http_fn(struct wa_http_res *res, void *arg);
/*
 * RATE requests a second at most (0: paused), in bursts of at most
 * max(1, RATE/10); in flight at most ceil(RATE x latency x 1.2), latency
 * being an average of the answered ones, and never over MAXFLIGHT;
 * TIMEOUT_MS for one request (connecting: at most 10 s of it).
 */
struct wa_http *wa_http_new(double rate, int maxflight, long timeout_ms);
/* The bearer token for Authorization; kept in memory only, never printed, never in argv. */
void wa_http_auth(struct wa_http *h, const char *token);
/*
 * Trust the CA certificates of the PEM FILE instead of the system's: for a
 * TLS proxy with a private CA, or a test (libcurl reads no variable for it).
 */
void wa_http_ca(struct wa_http *h, const char *file);
/* Queue a POST of the JSON BODY (copied) to URL; it starts when pacing allows. */
void wa_http_post(struct wa_http *h, const char *url, const char *body, void *ctx);
/*
 * Drive transfers for up to MS milliseconds or until at least one finished;
 * FN is called for each finished one and may queue more with wa_http_post
 * (not step or free). Returns how many are queued or in flight.
 */
size_t wa_http_step(struct wa_http *h, wa_http_fn *fn, void *arg, long ms);
void wa_http_setrate(struct wa_http *h, double rate);	/* e.g. lower it on 130429 */
double wa_http_getrate(const struct wa_http *h);
size_t wa_http_pending(const struct wa_http *h);	/* queued or in flight */
size_t wa_http_inflight(const struct wa_http *h);
double wa_http_latency(const struct wa_http *h);	/* seconds; 0: none seen yet */
/* Requests still queued or in flight are dropped, FN never called for them. */
void wa_http_free(struct wa_http *h);

/* ledger.c: the send ledger, exactly once across crashes and runs */
enum {
	WA_LEDGER_NONE,		/* never tried */
	WA_LEDGER_ATTEMPT,	/* tried, no outcome: it might have gone out */
	WA_LEDGER_SENT,
	WA_LEDGER_FAILED,	/* refused for good, or until a time */
	WA_LEDGER_RETRY,	/* refused, may be tried again */
	WA_LEDGER_UNKNOWN,	/* the answer was lost after the request left */
	WA_LEDGER_HELD		/* an A/B hold-out: never sent, on purpose */
};
struct wa_ledger;
/*
 * Open (creating 0600) and lock the ledger at PATH, cut a torn last line,
 * and read it. Without WAIT a ledger locked by another run gives NULL with
 * errno EWOULDBLOCK.
 */
struct wa_ledger *wa_ledger_open(const char *path, int wait);
/* The ledger at PATH read, not locked, not written: for a dry run. */
struct wa_ledger *wa_ledger_read(const char *path);
/* The last state of dedupe KEY, and when it was reached. */
int wa_ledger_state(struct wa_ledger *l, const char *key, time_t *at);
/*
 * For a key FAILED for good: when it may be tried again (the entry's
 * "until"), or 0 for never.
 */
time_t wa_ledger_until(struct wa_ledger *l, const char *key);
/*
 * The state (and *AT, when it was reached) of the other key of KEY's
 * campaign whose last attempt or hold-out went to the user of E164 (a
 * same-user phone key): WA_LEDGER_NONE when there is none.
 */
int wa_ledger_owner(struct wa_ledger *l, const char *key, const char *e164,
    time_t *at);
/* Messages that may have reached the WhatsApp user of E164 since SINCE. */
int wa_ledger_recent(struct wa_ledger *l, const char *e164, time_t since);
/*
 * Queue ENTRY ({"event":"attempt|sent|failed|unknown","key",..."at","to"};
 * a failed one has "retry", true or false, and may have "until")
 * and take it into the state; nothing is durable before wa_ledger_flush.
 */
int wa_ledger_add(struct wa_ledger *l, json_t *entry);
/* Write and fsync what was added: an attempt must be flushed before its request leaves. */
int wa_ledger_flush(struct wa_ledger *l);
/*
 * Settle the keys whose outcome is unknown (ATTEMPT, UNKNOWN) from the
 * status events of wa-hook in the file EVENTS, one JSON object a line:
 * {"event":"status","key","status":"sent|delivered|read|failed","wamid",
 * "at", and for failed "error":{"code","title"} or Meta's "errors"}. A key
 * seen delivered or read, else sent, gets a "sent" entry with the wamid; one
 * seen failed gets a "failed" one, for good by a recipient error (as
 * wa_graph_hold says), else to be tried again. Entries say "via":"webhook".
 * Statuses dated more than 10 minutes before the key's last entry are about
 * an earlier send of it. Only the fields of a status are parsed, and the
 * file is not read at all when no key is open. On a ledger from
 * wa_ledger_read the state changes in memory only. Returns how many keys
 * were settled (0 for an absent file), or -1 with errno.
 */
long wa_ledger_settle(struct wa_ledger *l, const char *events, time_t now);
long wa_ledger_entries(const struct wa_ledger *l);
void wa_ledger_close(struct wa_ledger *l);

/* sendq.c: wa-send's queue: attempt first, paced requests, retries, error classes */
/* wa-send's event line {"event","id","to","campaign","at"}; ID, TO NULL: null. */
json_t *wa_sendq_event(const char *campaign, const char *ev, const char *id,
    const char *to);
/* An event's "error": {"code","title","class"}; CODE is taken. */
json_t *wa_sendq_error(json_t *code, const char *title, const char *cls);
struct wa_sendq_cfg {
	const char *campaign;
	const char *url;		/* the messages edge */
	const char *cafile;		/* as wa_http_ca; NULL: the system's */
	struct wa_ledger *ledger;	/* open for writing */
	const char *ledgerpath;		/* for messages */
	const char *suppath;		/* 131050 adds the number here */
	struct wa_hash *supp;		/* and its phone key here */
	double rate;			/* as wa_http_new */
	long concurrency, maxretries;
	long timeout_ms;		/* a request's whole life; 0: 30 s */
	/* A/B arms with templates of their own: an error of one template
	 * (wa_graph_of_template, 132001) stops that template's messages only,
	 * so that the arms stay alike. */
	int bytemplate;
	/* Each outcome as an event (sent, failed, deferred, unknown), taken. */
	void (*emit)(json_t *o, void *arg);
	void *arg;
};
/*
 * Every message goes through the queue: its "attempt" is in the ledger and
 * synced before its request leaves, its outcome after. Transient errors and
 * throttling are retried with backoff and jitter (throttling halves the
 * rate), a pair limit after 4^n s; a recipient error fails the message (for
 * good, or for wa_graph_hold), 131050 suppresses the number; a campaign
 * error defers everything queued, 132001 what is queued in its language, an
 * account error everything, for good. TOKEN is copied.
 */
struct wa_sendq *wa_sendq_new(const struct wa_sendq_cfg *c, const char *token);
/* The reason a message in LANG (NULL: none) cannot go now, or NULL. */
const char *wa_sendq_stopped(struct wa_sendq *q, const char *tmpl,
    const char *lang);
/* An account error stopped everything: read no more. */
int wa_sendq_fatal(const struct wa_sendq *q);
/*
 * Queue the request BODY (taken) for record ID to TO under the dedupe KEY;
 * TMPL and LANG (may be NULL) are what an error of the template stops;
 * VARIANT (may be NULL), the record's A/B arm, goes in its ledger entries.
 */
void wa_sendq_add(struct wa_sendq *q, const char *id, const char *to,
    const char *key, const char *tmpl, const char *lang, const char *variant,
    json_t *body);
/* Is the backlog over twice the concurrency: step before adding more? */
int wa_sendq_full(const struct wa_sendq *q);
/* Messages queued to the user of TO and not in the ledger yet, for caps. */
long wa_sendq_waiting(struct wa_sendq *q, const char *to);
/*
 * Start what is due and drive the requests for up to MS milliseconds (-1:
 * until the next retry is due, a second at most). 0 when nothing is left.
 */
int wa_sendq_step(struct wa_sendq *q, long ms);
size_t wa_sendq_inflight(const struct wa_sendq *q);
/* Requests still in flight (after an account error) are unknown, "stopped". */
void wa_sendq_free(struct wa_sendq *q);

/* rules.c: rules files of wa-segment and wa-tag, and raw record edits */
enum { WA_RULES_SEGMENTS, WA_RULES_TAGS };
struct wa_rule {
	char *name;		/* the segment or the tag */
	int op;			/* tags: '+' or '-'; segments: 0 */
	char *src;		/* the expression, as written */
	struct wa_expr *e;
	char *file;		/* where the rule was read */
	long line;
	long nproblem;		/* records whose evaluation hit a type problem */
};
struct wa_rules {
	struct wa_rule *r;
	size_t n;
};
/*
 * Rules of KIND from the file PATH ("-": the standard input), or from the
 * text TEXT named NAME in messages: lines "name: EXPR" (segments) or
 * "+tag: EXPR" / "-tag: EXPR" (tags), '#' comments and blank lines. A bad
 * line is a usage error: "prog: FILE:LINE:COL: message" and a caret line,
 * exit 2. Segment names are letters, digits, '_' and '-', not first.
 */
struct wa_rules *wa_rules_load(const char *path, int kind);
struct wa_rules *wa_rules_parse(const char *text, const char *name, int kind);
void wa_rules_free(struct wa_rules *rs);
/* Parse a command line EXPR or die with status 2, the caret under the error. */
struct wa_expr *wa_rules_expr(const char *src, const char *opt);
/* Evaluate rule R on REC: 1 or 0; a type problem is counted and is 0. */
int wa_rules_test(struct wa_rule *r, json_t *rec, time_t now);
/* The top-level fields the rules read, as wa_expr_fields. */
size_t wa_rules_fields(struct wa_rules *rs, const char **names, size_t max);
/* "prog: N records had a type problem in EXPR" for each rule that had some. */
void wa_rules_report(struct wa_rules *rs);
/* A CSV record as a JSON object of header names to strings. */
json_t *wa_rules_csvobj(struct wa_rec *r);
/*
 * Write the object RAW[0..N) to OUT with KEY's top-level value replaced by
 * VAL[0..VLEN), or with "KEY":VAL added at its end; all else byte-for-byte.
 */
void wa_rules_splice(struct wa_buf *out, const char *raw, size_t n,
    const char *key, const char *val, size_t vlen);

/* expr.c: the expression language of wa-tag and wa-segment (see wa(7)) */
struct wa_expr;
/*
 * Parse SRC once. NULL on a syntax error, with the message in ERR (ERRSZ
 * may be 0) and in *COL (COL may be NULL) the 1-based column, counted in
 * UTF-8 characters, of the token it points at (one past the end for a
 * missing one). Regexes with literal patterns are compiled here.
 */
struct wa_expr *wa_expr_parse(const char *src, char *err, size_t errsz,
    int *col);
/*
 * Evaluate E on the record REC, with NOW as the clock: 1 true, 0 false,
 * -1 a type problem (the caller counts it and takes it as false).
 * Allocates nothing in the common case (glibc's regexec(3) mallocs and
 * frees once per match). E keeps scratch space: not for two threads.
 */
int wa_expr_test(struct wa_expr *e, json_t *rec, time_t now);
void wa_expr_free(struct wa_expr *e);
/*
 * The top-level fields E reads (tz for the functions of local time), up to
 * MAX of them into NAMES; returns how many there are, which may exceed MAX.
 */
size_t wa_expr_fields(struct wa_expr *e, const char **names, size_t max);
/* Write "SRC\n    ^\n": SRC on one line, the caret under its column COL. */
void wa_expr_caret(FILE *fp, const char *src, int col);

/* secret.c: secrets from the environment, never from argv */
/*
 * A copy of $NAME, else the first line of the file $NAME_FILE, else NULL
 * when neither is set; an unreadable or empty file is a usage error.
 */
char *wa_secret(const char *name);
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

/* sig.c: HMAC-SHA256 webhook signatures */
#define WA_SIGBUF 80
enum { WA_SIG_HEX, WA_SIG_B64 };
/* "sha256=<hex>" (Meta's X-Hub-Signature-256) of BODY into OUT (WA_SIGBUF). */
void wa_sig_hex(const char *secret, const void *body, size_t n, char *out);
/* Base64 (Shopify's X-Shopify-Hmac-Sha256) of BODY into OUT (WA_SIGBUF). */
void wa_sig_b64(const char *secret, const void *body, size_t n, char *out);
/* Does HEADER (may be NULL) sign BODY with SECRET? Constant time. */
int wa_sig_ok(int kind, const char *secret, const void *body, size_t n,
    const char *header);

/* suppress.c: the suppression list, shared by wa-send and wa-hook */
/*
 * The same-user keys (wa_phone_key) of the numbers at PATH, national ones
 * read in country CC (may be NULL); empty if none; NULL on error. A line
 * that reads as no number is warned about with its FILE:LINE.
 */
struct wa_hash *wa_supp_load(const char *path, const char *cc);
/*
 * Is E164, or another number of the same user, suppressed by H? A number
 * forgotten (wa-forget) is listed as its salted hash, and still counts.
 */
int wa_supp_has(struct wa_hash *h, const char *e164);
/*
 * Append E164 to the list at PATH unless the same user is listed there,
 * fsync'd, and to H when not NULL. 0 or -1.
 */
int wa_supp_add(const char *path, struct wa_hash *h, const char *e164);
/*
 * Remove every number of the same user as E164 (rewrite, rename), putting
 * the line WITH in place of the first when WITH is not NULL; how many, or -1.
 */
int wa_supp_replace(const char *path, const char *e164, const char *with);

/* words.c: opt-out and opt-in keywords */
struct wa_words;
/* The built-in STOP words (START words when START is nonzero). */
struct wa_words *wa_words_default(int start);
/*
 * Read PATH: one word or phrase per line, '#' comments; lines under a
 * "[start]" line are opt-in words and replace *START, the others (or
 * those under "[stop]") make a new *STOP. 0, or -1 with errno.
 */
int wa_words_load(const char *path, struct wa_words **stop,
    struct wa_words **start);
/*
 * Is TEXT as a whole, folded (wa_words_fold), one of WS? 1, or 2 for a
 * built-in word that opts out only when typed, not as a button's title
 * ("Cancel"); 0 when it is none.
 */
int wa_words_match(const struct wa_words *ws, const char *text);
/*
 * S into OUT with full-width and other compatibility forms as NFKC maps
 * them, zero-width characters dropped, spaces collapsed, trimmed of
 * spaces, punctuation and emoji, case-folded; -1 when S is not valid text.
 */
int wa_words_fold(const char *s, struct wa_buf *out);
void wa_words_free(struct wa_words *ws);

/* hook.c: webhook bodies into event records (see wa-hook(1)) */
/* Called with each event; takes over the reference. */
typedef void wa_hook_fn(json_t *ev, void *arg);
/*
 * Every status, message, preference and template update of the Cloud API
 * webhook BODY as an event record; fields it does not know come out as a
 * "change" event. Returns how many, or -1 with the reason in ERR.
 */
int wa_hook_meta(json_t *body, wa_hook_fn *fn, void *arg, char *err,
    size_t errsz);
/*
 * The same for a body jansson refuses as a whole (a lone surrogate, 1e999,
 * an integer over 64 bits in one item): each entry, change and item that
 * parses is read as above, and each that does not becomes a "change" event
 * with its text in "raw". -1 when RAW[0..N) has no entry array at all.
 */
int wa_hook_meta_raw(const char *raw, size_t n, wa_hook_fn *fn, void *arg,
    char *err, size_t errsz);
/*
 * The dedupe key of event EV written as LINE[0..N): event, wamid (or
 * hook_id) and status, and the member for a group's status; for an event
 * with neither id, a hash of LINE.
 */
void wa_hook_key(json_t *ev, const char *line, size_t n, struct wa_buf *key);

/* outq.c: lines for a reader that may stall, written by a thread */
struct wa_outq;
/* A queue to FD holding MAX bytes at most. */
struct wa_outq *wa_outq_new(int fd, size_t max);
/* Queue P[0..N) (whole lines); -1 when it does not fit, and it is dropped, counted. */
int wa_outq_put(struct wa_outq *q, const char *p, size_t n);
/* Wait SECS at most for the lines to go out; the lines dropped or left unwritten. */
long wa_outq_close(struct wa_outq *q, int secs);

/* shopify.c: Shopify order and checkout webhooks */
/*
 * The "order" or "checkout" event, with wa-import's order fields, for a
 * Shopify webhook BODY of TOPIC (orders/... or checkouts/...); NULL with
 * the reason in ERR.
 */
json_t *wa_hook_shopify(const char *topic, json_t *body, char *err,
    size_t errsz);

/* spool.c: the event spool, durable before acknowledged, deduplicated */
struct wa_spool;
/*
 * Open (creating 0600) the spool at PATH, cut a torn last line, and read
 * back the keys of the events it holds, which are then never stored
 * again; FN (may be NULL) sees each event's event, wamid, status, to,
 * from, user_id and at as it is read. NULL with errno.
 */
typedef void wa_spool_fn(json_t *ev, void *arg);
struct wa_spool *wa_spool_open(const char *path, wa_spool_fn *fn, void *arg);
/* Also write every event, once on disk, to FP (by a thread; dropped, counted, when it is not read). */
void wa_spool_stream(struct wa_spool *s, FILE *fp);
/*
 * Append the events EVS[0..N) not seen before and wait until they, and
 * any earlier copy still on its way, are on disk; *NNEW tells how many
 * were new. 0, or -1 when some could not be written (they are forgotten,
 * so a redelivery is taken). Safe to call from many threads.
 */
int wa_spool_add(struct wa_spool *s, json_t *const *evs, size_t n,
    size_t *nnew);
/* Was an event with EV's key kept (or is it on its way)? */
int wa_spool_seen(struct wa_spool *s, json_t *ev);
void wa_spool_counts(struct wa_spool *s, long *stored, long *dup);
/* Write what is pending, fsync and close; 0 or -1. */
int wa_spool_close(struct wa_spool *s);

/* net.c: listening sockets */
/*
 * Listen on SPEC, "ADDR:PORT", "[V6]:PORT" or "PORT" (127.0.0.1; port 0:
 * any free one), with LOOPBACK_ONLY refusing other addresses; the
 * address bound, printable, into OUT. Dies with status 2 or 3.
 */
int wa_listen(const char *spec, int loopback_only, char *out, size_t outlen);

/* forget.c: what replaces the identifiers of a person forgotten */
#define WA_FORGOTBUF 40
/*
 * Load the salt from $WA_HOME/salt, or with CREATE make it when there is
 * none. 0, or -1 with errno (ENOENT: none and not made).
 */
int wa_forget_salt(int create);
/* "forgotten:" and 24 hex digits of the salted HMAC of VALUE, into OUT. */
void wa_forget_hash(const char *value, char *out);
/* url.c: percent-encoding */
/* Append S with every byte but RFC 3986's unreserved ones as %XX. */
void wa_url_enc(struct wa_buf *out, const char *s);

/* api.c: one Graph API request at a time (wa-templates, wa-profile) */
#define WA_API_MAXBODY (4 << 20)	/* a longer answer is cut: an error */
struct wa_api;
/*
 * The token from WA_TOKEN or WA_TOKEN_FILE (dies with status 2 without
 * one), the CA bundle from WA_CA_FILE; main calls curl_global_init first.
 */
struct wa_api *wa_api_new(void);
/*
 * GET URL, or POST the JSON BODY to it; the answer's object, or NULL
 * with the reason in ERR: no answer, an error object ("HTTP 401, error
 * 190 (account): ..."), or no JSON object.
 */
json_t *wa_api_call(struct wa_api *a, const char *url, json_t *body,
    char *err, size_t errsz);
void wa_api_free(struct wa_api *a);

/* templates.c: the message template cache (see wa-templates(1)) */
#define WA_TMPL_STALE (7 * 86400)	/* older caches are warned about */
struct wa_tmpl {
	/* strings point into the cache's document */
	const char *name, *lang, *category, *status, *header;
	int htype;		/* WA_GRAPH_H*; -1: one wa-send cannot fill */
	size_t nbody;		/* body parameters */
	size_t nhead;		/* text header parameters */
	size_t nbutton;		/* buttons, of which ndynamic take a parameter */
	size_t ndynamic;
};
struct wa_tmpl_cache {
	json_t *doc;		/* {"synced_at","templates":[record...]} */
	struct wa_tmpl *t;
	size_t n;
	time_t synced;		/* 0: not known */
};
/*
 * The cache record of a template object of GET /<WABA_ID>/message_templates:
 * {"name","language","category","status","body_params","header",
 * "header_params","buttons":[{"type","dynamic"}],"id","components"};
 * NULL without a name or language.
 */
json_t *wa_tmpl_record(json_t *api);
/* The cache of DOC (referenced), or NULL with the reason in ERR. */
struct wa_tmpl_cache *wa_tmpl_read(json_t *doc, char *err, size_t errsz);
/* The cache at PATH; NULL with errno (ENOENT: none yet) and the reason in ERR. */
struct wa_tmpl_cache *wa_tmpl_load(const char *path, char *err, size_t errsz);
/*
 * Would a send of template NAME in LANG ("pt-BR" or pt_BR) with NBODY
 * body parameters, a header of HTYPE (WA_GRAPH_H*) and NBUTTON button
 * parameters go through? 0, or -1 with what is wrong in ERR (unknown
 * template or language, not APPROVED, counts, header type).
 */
int wa_tmpl_check(const struct wa_tmpl_cache *c, const char *name,
    const char *lang, size_t nbody, int htype, size_t nbutton, char *err,
    size_t errsz);
void wa_tmpl_free(struct wa_tmpl_cache *c);

/* ref.c: the source tag of click-to-chat links (see wa-link(1)) */
#define WA_REF_MAX 64	/* characters of a tag: letters, digits, -_.:/ */
int wa_ref_valid(const char *ref);
/* Append TEXT (may be NULL) and " [ref: REF]" to OUT; -1 for a bad REF. */
int wa_ref_make(struct wa_buf *out, const char *text, const char *ref);
/* The last "[ref: TAG]" of TEXT (case and the space optional) into OUT; 0, or -1. */
int wa_ref_parse(const char *text, char *out, size_t outsz);

/* profile.c: the business profile's fields and the API's limits */
/*
 * Check the profile fields of P (about, address, description, email,
 * websites, vertical; messaging_product and profile_picture_url are let
 * through) against the limits of the OpenAPI spec v23.0: 0, or -1 with
 * the first problem in ERR.
 */
int wa_profile_check(json_t *p, char *err, size_t errsz);
/* The fields a profile may set, NULL-terminated. */
extern const char *const wa_profile_fields[];

/* ab.c: A/B test arms, stable per record id */
struct wa_ab;
/*
 * "NAME:50/50" (arms A, B...) or "NAME:control=10/A=45/B=45": two to 26
 * arms whose weights add up to 100 (hundredths count). NULL with the
 * reason in ERR.
 */
struct wa_ab *wa_ab_parse(const char *spec, char *err, size_t errsz);
/* The arm of the record with ID: the same on every run, for this NAME. */
const char *wa_ab_arm(const struct wa_ab *ab, const char *id);
void wa_ab_free(struct wa_ab *ab);
/* stats.c: the tests of wa-report -b variant */
/* The regularized incomplete beta function I_x(a, b). */
double wa_betai(double a, double b, double x);
double wa_norm_cdf(double z);
/* The standard normal's quantile: the Z where wa_norm_cdf(Z) is P. */
double wa_norm_ppf(double p);
/* Student's t with DF degrees of freedom, any real DF > 0 (INFINITY: normal). */
double wa_t_cdf(double t, double df);
double wa_t_ppf(double p, double df);
/* An arm against the baseline, at alpha 0.05 two-sided. */
struct wa_test {
	double diff;		/* arm - baseline */
	double lo, hi;		/* its 95% confidence interval */
	double stat, df, p;	/* z or t, degrees of freedom (INFINITY: z), p-value */
	double nneed;		/* per arm for 80% power at the effect seen; NAN: none */
};
/*
 * X1 of N1 against X0 of N0: the Wald interval of the difference, the z
 * test with the pooled proportion. 0, or -1 when an arm is empty.
 */
int wa_test_props(long x1, long n1, long x0, long n0, struct wa_test *t);
/*
 * Means M1 and M0 with sample variances V1 and V0 (n - 1) of N1 and N0
 * values: Welch's t test and interval. 0, or -1 with fewer than 2 a side.
 */
int wa_test_welch(double m1, double v1, long n1, double m0, double v0,
    long n0, struct wa_test *t);

/* survey.c: satisfaction answers (see wa-report(1), --survey) */
struct wa_survey {
	long n5, sum5;		/* answers on the 1-5 scale, their sum */
	long n10, promoters, detractors;	/* on the 0-10 scale: 9-10, 0-6 */
	long negative;		/* 1-2 of 5, 0-6 of 10 */
	long optouts;		/* opt-outs after a survey's message */
};
/* The score 0-10 of a button payload "SCORE:4", or -1. */
int wa_survey_payload(const char *payload);
/* The score of a text that is a bare number 0-10 ("4", " 9! "), or -1. */
int wa_survey_bare(const char *text);
/*
 * "CAMPAIGN", "CAMPAIGN:5" or "CAMPAIGN:10": the name into NAME, and the
 * scale, 0 for one told by the answers; -1 for an empty or long name.
 */
int wa_survey_spec(const char *spec, char *name, size_t namesz);
/* Count SCORE on SCALE (5 or 10); a score off the scale is no answer. */
void wa_survey_add(struct wa_survey *s, int score, int scale);
/*
 * The mean of 1-5 answers, promoters - detractors in % of 0-10 ones, and
 * (negative answers + opt-outs) / (answers + opt-outs); NAN: none.
 */
double wa_survey_csat(const struct wa_survey *s);
double wa_survey_nps(const struct wa_survey *s);
double wa_survey_negative(const struct wa_survey *s);

/* report.c: the KPIs of wa-report, from the ledger, webhook events and orders */
enum { WA_BY_CAMPAIGN, WA_BY_DAY, WA_BY_WEEK, WA_BY_MONTH, WA_BY_TIER };
struct wa_report_opt {
	time_t since, until;	/* messages sent in [since, until); until 0: open */
	long long window;	/* an order this long after a message converts */
	long long replywin;	/* a customer writing this long after a message replies */
	time_t now;		/* first-time buyers: six months before it at most */
};
struct wa_amount {
	const char *cur;	/* ISO 4217 */
	long long sum;		/* minor units */
	long n;			/* orders */
};
/* The figures of one group of messages. */
struct wa_kpi {
	char *group;
	long sent, delivered, read, failed, replied, opted_out;
	long recips;		/* distinct recipients of delivered messages */
	long conversions;	/* distinct recipients with an order counted */
	long nresp;		/* customer messages answered */
	long long median_s, p90_s;	/* response times; -1: none */
	struct wa_amount *rev;	/* revenue per currency */
	size_t nrev;
	struct wa_survey survey;
};
/* Store-wide: orders of the period, and first-time buyers of the period. */
struct wa_store_kpi {
	/* per currency, NCUR each: all orders, by messaged customers, others */
	const struct wa_amount *site, *messaged, *others;
	size_t ncur;
	long cohort[2], repeat[2];	/* [0] not messaged, [1] messaged */
};
struct wa_report;
struct wa_report *wa_report_new(const struct wa_report_opt *o);
/*
 * Feed the ledger first, then wa_report_index, then events, orders and
 * customers in any order. Each returns 0, or -1 with the reason in *WHY
 * for an entry that cannot be read.
 */
int wa_report_ledger(struct wa_report *r, json_t *e, const char **why);
void wa_report_index(struct wa_report *r);
/* A wa-hook event: status, message, opt_out, order; others are ignored. */
int wa_report_event(struct wa_report *r, json_t *e, const char **why);
/* A wa-import order record (or an order event). */
int wa_report_order(struct wa_report *r, json_t *o, const char **why);
/* A customer record: its "tier", else "segment", for WA_BY_TIER; 1 if it was a recipient. */
int wa_report_customer(struct wa_report *r, json_t *c);
/* The groups of messages by BY, in name order, then "all": *N in all. */
struct wa_kpi *wa_report_kpis(struct wa_report *r, int by, size_t *n);
void wa_report_kpis_free(struct wa_kpi *k, size_t n);
/*
 * Answers count for the --survey campaign of SPEC (as wa_survey_spec)
 * when a bare number; before the events. 0, or -1 for a bad SPEC.
 */
int wa_report_survey(struct wa_report *r, const char *spec);
/*
 * The writers of tagged messages (wa-link) by the tag of their first:
 * recips are the inquiries, conversions those who ordered within the
 * window after it, rev what they spent then; in name order, then "all".
 */
struct wa_kpi *wa_report_refs(struct wa_report *r, size_t *n);
/* One arm of an A/B test: the recipients of a campaign's messages of a variant. */
struct wa_arm_rev {
	const char *cur;
	long orders;		/* in the window, of the arm's recipients */
	double mean, m2;	/* per recipient, major units: Welford's sums */
};
struct wa_arm {
	char *campaign, *arm;
	int held;		/* a hold-out: entries "held_out", no message */
	long n;			/* recipients: messages that left, or held out */
	long delivered, read, replied;	/* of the messages */
	long conversions;	/* recipients who ordered within the window */
	struct wa_arm_rev *rev;	/* per currency the report knows */
	size_t nrev;
};
/* The arms of campaign CAMP (NULL: of every campaign), by campaign and name. */
struct wa_arm *wa_report_arms(struct wa_report *r, const char *camp, size_t *n);
void wa_report_arms_free(struct wa_arm *a, size_t n);
/*
 * How the customer's message WAMID from FROM at T was answered: by
 * wa-send --reply (its key CAMPAIGN/WAMID), else by the next message that
 * reached them within the reply window, else not, as far as the ledger
 * knows; the wait in *SECS.
 */
enum { WA_ANSWER_NONE, WA_ANSWER_AUTO, WA_ANSWER_PERSON };
int wa_report_answer(struct wa_report *r, const char *wamid, const char *from,
    time_t t, long long *secs);
/* Valid until wa_report_free. */
void wa_report_store(struct wa_report *r, struct wa_store_kpi *st);
void wa_report_free(struct wa_report *r);

/* quiet.c: quiet hours in the customer's own day */
struct wa_quiet {
	int set;
	int from, to;		/* minutes of the day; from > to spans midnight */
};
/* "HH:MM-HH:MM", such as 21:00-09:00; 0, or -1 when it is not one. */
int wa_quiet_parse(const char *s, struct wa_quiet *q);
/*
 * Is T within Q in ZONE, the record's tz? 1 or 0 (always 0 when Q is not
 * set). When ZONE is NULL, unknown or malformed, the zones of the country
 * of E164 decide if they agree; -1 when they do not, or none is known.
 */
int wa_quiet_now(const struct wa_quiet *q, const char *zone, const char *e164,
    time_t t);

/* variant.c: A/B arms against their baseline (see wa-report(1), -b variant) */
/*
 * For each campaign of two arms or more among A[0..N) (as wa_report_arms),
 * a row per arm and figure: read, reply and conversion rates by the
 * two-proportion test, revenue per recipient in each currency by Welch's,
 * against the arm "control", else the hold-out, else the first.
 */
json_t *wa_variant_rows(const struct wa_arm *a, size_t n);

/* insights.c: what customers ask most (see wa-report(1), --insights) */
struct wa_insights;
/* Messages written in [SINCE, UNTIL) count; UNTIL 0: open. */
struct wa_insights *wa_insights_new(time_t since, time_t until);
/* A wa-hook event: a text message's words and phrases; others are ignored. */
void wa_insights_add(struct wa_insights *in, json_t *ev);
/*
 * The TOP phrases in most messages (two at least), each with how its
 * messages were answered as R tells, then the same for "all" messages.
 */
json_t *wa_insights_rows(struct wa_insights *in, struct wa_report *r,
    size_t top);
void wa_insights_free(struct wa_insights *in);


/* window.c: the 24-hour customer-service window, from a wa-hook spool */
#define WA_WINDOW (24 * 60 * 60)	/* seconds after a user's last message */
struct wa_window;
struct wa_window *wa_window_new(void);
/* The message events of the spool at PATH; empty when it does not exist; NULL on error. */
struct wa_window *wa_window_load(const char *path);
/* PHONE (E.164) wrote at AT; the latest time is kept, per same-user key. */
void wa_window_note(struct wa_window *w, const char *phone, time_t at);
/* When PHONE last wrote, or 0: never. */
time_t wa_window_last(const struct wa_window *w, const char *phone);
/* Did PHONE write less than 24 hours before NOW? */
int wa_window_open(const struct wa_window *w, const char *phone, time_t now);
void wa_window_free(struct wa_window *w);
#endif
