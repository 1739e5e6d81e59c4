/* wa: the store layer: customers, orders, exports, rules, consent (see README.md). */
#ifndef WA_STORE_H
#define WA_STORE_H

#include "wa.h"

/* store.c: Shopify and WooCommerce export layouts, matched by header name */
enum wa_col {
	/* customers */
	WA_C_ID, WA_C_FIRST, WA_C_LAST, WA_C_NAME, WA_C_EMAIL, WA_C_PHONE,
	WA_C_PHONE2, WA_C_PHONE3, WA_C_COUNTRY, WA_C_COUNTRY2, WA_C_PROVINCE,
	WA_C_CITY, WA_C_OPTIN_WA, WA_C_OPTIN_SMS, WA_C_OPTIN_ANY, WA_C_TAGS,
	WA_C_NOTE, WA_C_ORDERS, WA_C_SPENT, WA_C_CREATED, WA_C_LANG,
	WA_C_BIRTHDAY, WA_C_OPTIN_EMAIL,
	/* orders */
	WA_O_NAME, WA_O_ID, WA_O_CREATED, WA_O_PAID, WA_O_FULFILLED,
	WA_O_CANCELLED, WA_O_FINANCIAL, WA_O_FULFILLMENT, WA_O_TOTAL,
	WA_O_REFUNDED, WA_O_CURRENCY, WA_O_DISCOUNT, WA_O_ITEM_NAME,
	WA_O_ITEM_SKU, WA_O_ITEM_QTY, WA_O_ITEM_PRICE, WA_O_ITEM_VENDOR,
	WA_O_ITEMS, WA_O_SHOP_TOTAL, WA_O_SHOP_CURRENCY,
	WA_NCOL
};
enum { WA_KIND_UNKNOWN, WA_KIND_CUSTOMERS, WA_KIND_ORDERS };
struct wa_layout {
	int kind;
	const char *source;	/* "shopify", "woocommerce", or "csv" for neither */
	const char *optin_source;	/* the consent column, as opt_in_source */
	int col[WA_NCOL];	/* header index of each column, or -1 */
	unsigned char *mapped;	/* per header column: read into a field */
	int *itemcols;		/* WooCommerce line_item_N columns, -1 ended */
	int linetotal;		/* WA_O_ITEM_PRICE is the line's total, not a unit's */
	int billfirst, billlast;	/* names on the billing address, or -1 */
};
/* Recognize the export layout of header H; kind WA_KIND_UNKNOWN if none fits. */
void wa_layout_detect(struct wa_layout *l, const struct wa_csvhdr *h);
void wa_layout_free(struct wa_layout *l);
/* Into BUF of SIZE bytes, the header names, ", " between, of which a file of KIND needs one. */
#define WA_LOOKEDBUF 768
void wa_layout_looked(int kind, char *buf, size_t size);
/* The trimmed value of column C of record R ("" when the layout has none). */
const char *wa_layout_get(const struct wa_layout *l, struct wa_rec *r,
    enum wa_col c);
/* Consent cell: 1 yes, 0 no or empty, -1 not a yes/no value. */
int wa_yesno(const char *s);
/* V of column COL, "yes" or "no" for TRUE or FALSE in a Shopify yes/no column. */
const char *wa_layout_yesno(const char *col, const char *v);
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
	char *phone_raw;	/* the phone as written, when it is no number */
	char *shop_currency;	/* the store's own, when the order was in another */
	long long shop_total;	/* minor units of it, when shop_currency */
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
/*
 * The order number NAME as SOURCE's store writes it, allocated: Shopify's
 * "#1001" when a spreadsheet or a tool left 1001, WooCommerce's bare 1001
 * when "#1001" was written, so one order has one name across files; as
 * written for another source, whose numbering is not known.
 */
char *wa_order_name(const char *source, const char *name);
/*
 * Was order O of SOURCE's store put in SEEN before? By id or by name, as
 * one export may have lost its ids to a spreadsheet and another not.
 * Puts it there when not.
 */
int wa_order_seen(struct wa_fpset *seen, const char *source,
    const struct wa_order *o);
/* The WooCommerce status slug ("cancelled") of a label in one of seven languages ("Storniert"), else LABEL. */
const char *wa_order_status(const char *label);
/* Does the order count toward a customer's orders and spend? */
int wa_order_counts(const struct wa_order *o);
/* The record: {"type":"order","id",...}. */
json_t *wa_order_json(const struct wa_order *o);
void wa_order_clear(struct wa_order *o);
/* Split a Tags cell "a, b ,c" into a JSON array of unique strings, adding to A. */
void wa_tags_add(json_t *a, const char *cell);

/* customer.c: customer records, their merging and their index */
struct wa_cust {
	char *id, *first, *last, *email, *phone, *phone_raw, *country;
	char *province, *city, *lang, *note, *source, *optsrc;
	char *birthday;			/* YYYY-MM-DD */
	int opt_in;			/* -1: not known */
	int email_opt_in;		/* e-mail marketing (wa-mail); -1: not known */
	int seen;			/* a row of this import matched it */
	int listed;			/* a customer file names it, not only orders */
	time_t created;
	json_t *tags, *extra, *base;	/* tags NULL: none; base: the record it was read from */
	char *packed;			/* or extra as JSON text (wa_cust_pack) */
	long long orders, spent;	/* from the export or base, -1 unknown */
	int spentexp;			/* digits of spent's minor unit */
	long long n365, s365;		/* from the base record, -1 unknown */
	time_t first_at, last_at, lastful_at;
	json_t *last_items;
	long long norders, nspent, nn365, ns365;	/* what orders add */
	char cur[4];
	long shared;			/* customers carrying its phone (wa_custdb_share) */
};
void wa_cust_init(struct wa_cust *c);
/* Keep C's extra cells as JSON text, a tenth of the memory; fold and output read it back. */
void wa_cust_pack(struct wa_cust *c);
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

/*
 * The customers of one run, found by id or e-mail; by same-user phone only
 * when one side is known by its phone alone and one customer carries it.
 */
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
/*
 * Count the customers carrying each phone (one WhatsApp user) into their
 * shared, and say on stderr which phones several carry, one line each.
 */
void wa_custdb_share(struct wa_custdb *db);

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
/* The rules of wa-segment --tiers (wa-inbox's tier when a record has none). */
extern const char wa_rules_tiers[];
/* Parse a command line EXPR or die with status 2, the caret under the error. */
struct wa_expr *wa_rules_expr(const char *src, const char *opt);
/* Evaluate rule R on REC: 1 or 0; a type problem is counted and is 0. */
int wa_rules_test(struct wa_rule *r, json_t *rec, time_t now);
/* The top-level fields the rules read, as wa_expr_fields. */
size_t wa_rules_fields(struct wa_rules *rs, const char **names, size_t max);
/* "prog: N records had a type problem in EXPR" for each rule that had some. */
void wa_rules_report(struct wa_rules *rs);
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
 * The hashes of forgotten entries, for any list (suppress-email.txt too):
 * put S into H when it is one ("forgotten:..."), 1; 0 when it is not.
 */
int wa_supp_forgotten(struct wa_hash *h, const char *s);
/* Is KEY in H, as it is or as the hash wa-forget left of it? */
int wa_supp_hashed(struct wa_hash *h, const char *key);
/* Die (freeing H), naming PATH, when the salt is not a salt, or is missing while H holds hashes. */
void wa_supp_needsalt(struct wa_hash *h, const char *path);
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

/* forget.c: what replaces the identifiers of a person forgotten */
#define WA_FORGOTBUF 40
#define WA_FORGET_COPY ".forget-copy"	/* an erased copy being written back in place */
/*
 * Load the salt from $WA_HOME/salt, or with CREATE make it when there is
 * none. 0, or -1 with errno (ENOENT: none and not made).
 */
int wa_forget_salt(int create);
/* "forgotten:" and 24 hex digits of the salted HMAC of VALUE, into OUT. */
void wa_forget_hash(const char *value, char *out);
/*
 * Erase in place: the erased copy OUT (temporary file TMP, both taken
 * over) is named PATH.forget-copy once complete, then written back over
 * FD, PATH's file, keeping its inode (hard links, a log held open with
 * >>). 0, or -1; after a failure in writing back, the copy stays for
 * wa_forget_recover.
 */
int wa_forget_inplace(FILE *out, char *tmp, const char *path, int fd);
/*
 * What a run that died left next to PATH, under PATH's lock: temporary
 * files go, and an erased copy cut short while written back is written
 * again. Dies when it cannot.
 */
void wa_forget_recover(const char *path);
/*
 * Replace the string at KEY of O by its hash: a phone's of its same-user
 * key, an e-mail's of its lower case; one already forgotten stays.
 */
void wa_forget_hashkey(json_t *o, const char *key);
/* A customer record O as a stub: its counts, and nothing that names anyone. */
json_t *wa_forget_stub(json_t *o);
/* Does PATH hold a hash made with the salt? 1 or 0. */
int wa_forget_salted(const char *path);
/*
 * Remove the journeys' states ($WA_HOME's WA_SF_JSTATE), which hold numbers
 * folded from the spool; the next run folds it again. Dies when it cannot.
 */
void wa_forget_dropstates(void);
/*
 * Remove the inbox's folded conversations (WA_SF_CONVS, WA_SF_CONVITEMS),
 * which hold what the spool, the ledger and the inbox log said; the next
 * run folds them again. Dies when it cannot.
 */
void wa_forget_dropconvs(void);
/*
 * The addresses ADDR (N of them) left in V's strings, in any case, as their
 * hash: wa-mail's key (CAMPAIGN/email:ADDR) and an SMTP reply that names
 * the address the mail went to.
 */
void wa_forget_unmail(json_t *v, char *const *addr, size_t n);
/*
 * In the suppression list PATH, wa-mail's addresses with EMAIL, else
 * wa-send's numbers (same-user keys): each of KEYS (N of them) listed as
 * itself replaced by its hash, so that it stays suppressed; with WRITE 0,
 * only counted. How many were listed as themselves; ANY gets how many
 * were suppressed at all, hash or not. Dies when it cannot.
 */
long wa_forget_supp(const char *path, int email, char *const *keys, size_t n, int write,
    long *any);

/* ref.c: the source tag of click-to-chat links (see wa-link(1)) */
#define WA_REF_MAX 64	/* characters of a tag: letters, digits, -_.:/ */
int wa_ref_valid(const char *ref);
/* Append TEXT (may be NULL) and " [ref: REF]" to OUT; -1 for a bad REF. */
int wa_ref_make(struct wa_buf *out, const char *text, const char *ref);
/* The last "[ref: TAG]" of TEXT (case and the space optional) into OUT; 0, or -1. */
int wa_ref_parse(const char *text, char *out, size_t outsz);

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

/* consentlog.c: the consent log, a change of a person's consent a line */
/* The payloads of the YES and NO quick-reply buttons of the consent question. */
#define WA_CONSENT_YES "CONSENT_YES"
#define WA_CONSENT_NO "CONSENT_NO"
/* One event: {type, phone, at, source, evidence} on its line. */
struct wa_consentev {
	int in;			/* 1 opt_in, 0 opt_out */
	const char *phone;	/* E.164 */
	time_t at;
	const char *source;	/* whatsapp:button, wa-inbox:agent NAME... */
	const char *evidence;	/* the inbound wamid...; NULL: none */
};
struct wa_consentlog;
/*
 * The log at PATH folded into each person's latest event (a missing file
 * is empty); NULL with errno when it cannot be read.
 */
struct wa_consentlog *wa_consentlog_load(const char *path);
/* The latest event of E164's user: 1 opt_in, 0 opt_out, -1 none (L NULL: none). */
int wa_consentlog_get(struct wa_consentlog *l, const char *e164);
/*
 * The consent rule: does the customer of record REC, at E164 (may be NULL),
 * agree to marketing? The log's latest event when it has one, else the
 * record's opt_in: true in JSON, or with CSV text such as yes, true or 1.
 */
int wa_consentlog_yes(struct wa_consentlog *l, const char *e164, json_t *rec,
    int csv);
/*
 * Append EV to L's file under its lock, fsync'd, and fold it in, unless
 * an event of its type with its evidence is there already: 1 appended,
 * 0 already there, -1 with errno.
 */
int wa_consentlog_add(struct wa_consentlog *l, const struct wa_consentev *ev);
void wa_consentlog_free(struct wa_consentlog *l);

/* woo.c: WooCommerce REST API (wc/v3) orders and customers */
enum { WA_WOO_NONE, WA_WOO_ORDER, WA_WOO_CUSTOMER };
/* What the object J of GET /orders or /customers is. */
int wa_woo_kind(json_t *j);
/*
 * Order J into O and its buyer into WHO (both initialized, empty); the
 * buyer's phone is left raw in WHO->phone_raw, for the caller to read in
 * WHO->country. 0, or -1 with the reason in *WHY.
 */
int wa_woo_order(json_t *j, struct wa_order *o, struct wa_cust *who,
    const char **why);
/* Add the REST API's line items ITEMS (an array) to O; 0, or -1 when one is bad. */
int wa_woo_items(json_t *items, struct wa_order *o);
/* Customer J into C (initialized, empty), its phone raw as above; 0 or -1. */
int wa_woo_customer(json_t *j, struct wa_cust *c, const char **why);

/* woosync.c: wa-import --woocommerce, the REST API's pages of what changed */
struct wa_woosync;
/*
 * The store at URL (https://, or http:// to this machine), its keys from
 * WC_CONSUMER_KEY and WC_CONSUMER_SECRET (or *_FILE), where the last run
 * left off from $WA_HOME; SINCE (ISO 8601, may be NULL) overrides it for
 * orders. Dies with status 2 or 3 when it cannot be read.
 */
struct wa_woosync *wa_woosync_new(const char *url, const char *since);
/*
 * The customers (unless ORDERSONLY), then the orders, changed since the
 * last run, every page read before any goes on: FN is called on each as
 * a JSON record of IN, read from the page's address. Dies (status 3)
 * when the store refuses or fails.
 */
void wa_woosync_run(struct wa_woosync *s, int ordersonly, struct wa_input *in,
    wa_rec_fn *fn, void *ctx);
/* Save where this run left off (write, then rename): once its records are out. */
void wa_woosync_commit(struct wa_woosync *s);
void wa_woosync_free(struct wa_woosync *s);

/* shopnode.c: Shopify Admin GraphQL nodes as customer and order records */
/* "shopify:123" for the id "gid://shopify/Order/123", as the exports' ids read; NULL if none. */
char *wa_shop_id(const char *gid);
/*
 * The Customer node N into C (from wa_cust_init), national phones read in
 * the default address's country or CC (may be NULL); *PHONEERR is
 * WA_PHONE_OK, or why the phone written was kept as phone_raw only.
 * -1 when N has no id.
 */
int wa_shop_cust(json_t *n, const char *cc, struct wa_cust *c, int *phoneerr);
/* The Order node N into O (zeroed) and its buyer WHO, the same way. */
int wa_shop_order(json_t *n, const char *cc, struct wa_order *o,
    struct wa_cust *who, int *phoneerr);

/* shopsync.c: customers and orders from the Shopify Admin GraphQL API, from a cursor */
struct wa_shopsync;
struct wa_shopsync_cb {
	const char *cc;		/* the country of national phone numbers */
	/* one record each; what they take from C, O or WHO is theirs */
	void (*cust)(struct wa_cust *c, int phoneerr, void *arg);
	void (*order)(struct wa_order *o, struct wa_cust *who, int phoneerr,
	    void *arg);
	/*
	 * NULL, or after each page: 0 when its records are out, so the cursor
	 * may move; with DURABLE, out on disk, as it is about to move past them
	 */
	int (*page)(void *arg, int durable);
	void *arg;
};
/* What a sync reads: customers, orders, or orders to fold into customers (a cursor of their own). */
enum { WA_SHOP_CUSTOMERS, WA_SHOP_ORDERS, WA_SHOP_FOLD };
/*
 * The store STORE ("name", "name.myshopify.com"; WA_SHOPIFY_URL replaces
 * https://STORE), its token from SHOPIFY_TOKEN or SHOPIFY_TOKEN_FILE,
 * WHAT a WA_SHOP_*, the cursor $WA_HOME/shopify-STORE.cursor. Dies with
 * status 2 without a store or a token.
 */
struct wa_shopsync *wa_shopsync_new(const char *store, int what);
/*
 * Hand CB every record updated since the cursor (SINCE, ISO 8601: since
 * then instead), a page at a time within the cost-based throttle, or from
 * a bulk operation's file (BULK). The cursor moves only as CB->page allows,
 * and at wa_shopsync_done. Returns how many records; dies with status 3
 * when the store refuses or does not answer.
 */
long wa_shopsync_run(struct wa_shopsync *s, const char *since, int bulk,
    const struct wa_shopsync_cb *cb);
/* The records are out: the cursor moves past them (never back). */
void wa_shopsync_done(struct wa_shopsync *s);
void wa_shopsync_free(struct wa_shopsync *s);

/* shopbulk.c: a bulk operation's file of Shopify records, read from disk */
/*
 * The records of the JSON lines at URL (STORE's bulk operation), each to
 * FN, with its children as a "lineItems" array when ITEMS; the sum of what
 * FN returns. Dies with status 3 when the file cannot be fetched or kept.
 */
long wa_shopbulk_read(const char *store, const char *url, int items,
    long (*fn)(json_t *rec, void *arg), void *arg);

/* import.c and imporders.c: rows of an export, and the store APIs' records, into customers and orders (wa-import) */
struct wa_import;
/*
 * Records to OUT: order records with ORDERS, else customers, written at
 * wa_import_end. CC (or NULL) is the country of phone numbers without
 * one, DATEORDER a WA_DATES_* order of day and month; OVERLAP: the
 * exports may list an order twice (several files, pages of an API).
 */
struct wa_import *wa_import_new(int orders, const char *cc, int dateopt,
    struct wa_out *out, int overlap);
/* Merge into the customers of FILE, wa-import's own records; exit 3 if one cannot be read. */
void wa_import_merge(struct wa_import *im, const char *file);
/* A wa_hdr_fn: a CSV export's layout; exit 2 when it has nothing to read. */
void wa_import_header(const char *file, struct wa_csvhdr *h, void *im);
/* The end of an operand: one with no record exits 2, naming it. */
void wa_import_fileend(const char *file, long nrecords, void *im);
/* A wa_rec_fn: a row of an export, or a WooCommerce REST customer or order. */
int wa_import_record(struct wa_rec *r, void *im);
/* The wa_shopsync_cb's record callbacks, ARG the wa_import. */
void wa_import_synccust(struct wa_cust *c, int phoneerr, void *im);
void wa_import_syncorder(struct wa_order *o, struct wa_cust *who, int phoneerr,
    void *im);
/* The last order out; the customers' shared phones, then the customers, out. */
void wa_import_end(struct wa_import *im);
/* The customers out, as they are. */
void wa_import_write(struct wa_import *im);
/* Records out, and rows merged into another (or the same order again). */
void wa_import_counts(const struct wa_import *im, long *nout, long *nmerged);
void wa_import_free(struct wa_import *im);

/* email.c: e-mail addresses, the one-click unsubscribe token, suppress-email.txt */
#define WA_EMAIL_MAX 255	/* an address and its NUL */
#define WA_EMAIL_TOKBUF 33	/* a token: 32 characters of base64url and a NUL */
/*
 * RAW as a bare address, its ASCII letters in lower case, into OUT (N
 * bytes): 0, or -1 when it is none (no '@', no dot in the domain, a space,
 * a display name, UTF-8 that is not valid...). Other scripts are kept as
 * written (RFC 6531): see wa_email_ascii.
 */
int wa_email_norm(const char *raw, char *out, size_t n);
/* Is ADDR all ASCII? If not, only a server that offers SMTPUTF8 takes it. */
int wa_email_ascii(const char *addr);
/*
 * The unsubscribe token of ADDR for CAMPAIGN: an HMAC-SHA256 under SECRET
 * ($WA_UNSUBSCRIBE_SECRET), so that only we make one and none is guessed.
 */
void wa_email_token(const char *secret, const char *campaign, const char *addr,
    char out[WA_EMAIL_TOKBUF]);
/* Is TOKEN (may be NULL) the one of ADDR and CAMPAIGN? In constant time. */
int wa_email_token_ok(const char *secret, const char *campaign,
    const char *addr, const char *token);
/* BASE/unsubscribe?e=ADDR&c=CAMPAIGN&t=TOKEN appended to OUT. */
void wa_email_unsuburl(struct wa_buf *out, const char *base, const char *secret,
    const char *campaign, const char *addr);
/* The addresses at PATH (a line each, "# reason" after); empty if none; NULL on error. */
struct wa_hash *wa_esupp_load(const char *path);
/* Is ADDR (bare, lower case) in H, as it is or as wa-forget's hash of it? */
int wa_esupp_has(struct wa_hash *h, const char *addr);
/*
 * Append ADDR (and "# REASON", may be NULL) to the list at PATH under its
 * lock, fsync'd, unless it is there: 1 added, 0 there already, -1 on error.
 * ADDR goes into H too when H is not NULL.
 */
int wa_esupp_add(const char *path, struct wa_hash *h, const char *addr,
    const char *reason);
/*
 * The line of ADDR in the list at PATH, its reason too, replaced by the
 * line WITH (wa-forget's hash), under the lock (rewrite, rename): 1, 0
 * when ADDR is not there, -1 on error.
 */
int wa_esupp_replace(const char *path, const char *addr, const char *with);
/*
 * The unsubscribes of the list at PATH, the lines wa-hook's /unsubscribe
 * writes ("ADDR # unsubscribed CAMPAIGN TIME"), each to FN; a missing list
 * has none. 0, or -1 when it cannot be read.
 */
typedef void wa_unsub_fn(const char *addr, const char *campaign, time_t at,
    void *ctx);
int wa_esupp_unsubs(const char *path, wa_unsub_fn *fn, void *ctx);

#endif
