/*
 * report-int.h: the state of a report, shared by report.c (which folds the
 * ledger, events and orders into it, with reporder.c for the orders) and
 * kpis.c (which counts the figures out of it). Private to those three:
 * programs include report.h.
 */
#ifndef WA_REPORT_INT_H
#define WA_REPORT_INT_H

#include <stdint.h>

#define SIX_MONTHS (180 * 86400LL)

/* Webhook statuses by rank: the highest seen wins, and failed is final. */
enum { ST_NONE, ST_SENT, ST_DELIVERED, ST_READ, ST_FAILED };
enum { F_REPLIED = 1, F_OPTOUT = 2, F_AUTO = 4, F_EMAIL = 8, F_BOUNCE = 16, F_UNSUB = 32 };

/* One message of the period: 32 bytes, whatever the lines said about it. */
struct msg {
	time_t at;		/* when it went out: its last attempt */
	time_t waitfrom;	/* the first customer message it answered; 0: none */
	uint32_t recip, camp;
	unsigned char ledger;	/* WA_LEDGER_*, the last entry's */
	unsigned char status;	/* ST_* */
	unsigned char flags;	/* F_* */
	uint16_t variant;	/* in variants; 1: none */
};

struct recip {
	uint32_t first, n;	/* its messages in byrecip, oldest first */
	uint32_t tier;		/* in tiers; 0: not known */
	uint32_t ref;		/* in refs, of its first tagged message; 0: none */
	time_t reft;		/* when it wrote that message */
};

/*
 * What a recipient did, matched to our messages once every status is
 * known: only a message that reached them can be replied to or convert.
 */
enum { A_WROTE, A_OPTOUT, A_ORDER, A_SCORE, A_BARE, A_UNSUB, A_RATED };
struct act {
	time_t t;
	long long amount;	/* A_ORDER: minor units */
	uint32_t recip;
	uint32_t msg;		/* A_WROTE, A_RATED: the one quoted; A_UNSUB: the
				   e-mail; A_ORDER: the one it counts for, when
				   matched; + 1, 0: none */
	uint32_t cur;		/* A_ORDER: in curs; 0: no amount */
	uint32_t shopcur;	/* A_ORDER: in shopcurs; 0: none other */
	long long shopamt;	/* A_ORDER: in it, minor units */
	uint32_t camp;		/* A_WROTE, A_RATED: the campaign of the e-mail
				   its ref names, in camps; 0: none */
	unsigned char kind;
	unsigned char inperiod;	/* A_ORDER: placed in the period */
	signed char score;	/* A_SCORE, A_BARE, A_RATED: the answer */
	unsigned char stop;	/* A_WROTE: an opt-out (STOP), which is no reply */
};

struct buyer {
	time_t first, second;	/* the two earliest orders; 0: none */
	uint32_t recip;		/* + 1; 0: no message went to this buyer */
};

/* Strings interned once, numbered from 1. */
struct names {
	struct wa_hash *h;
	char **s;
	size_t n;
};

struct wa_report {
	struct wa_report_opt o;
	struct msg *m;
	size_t nm, capm;
	struct recip *rc;
	size_t nrc, caprc;
	/* Values are indexes + 1, stored as pointers. */
	struct wa_hash *bykey, *bywamid, *byphone, *byid, *bybuyer, *orders;
	uint32_t *byrecip;	/* message indexes by recipient, then time */
	uint32_t *alias;	/* wa_report_join: the recipient each became; NULL: none */
	struct names camps, tiers, curs, variants, refs, shopcurs;
	struct wa_hash *scales;	/* --survey campaigns: their scale + 1 (1: guess) */
	struct wa_hash *scores;	/* SCORE answers by the wamid they answer: score + 1 */
	uint32_t *replycamps;	/* campaigns of wa-send --reply: ids are wamids */
	size_t nreplycamps;
	struct act *a;
	size_t na, capa;
	int matched;		/* the acts were matched to messages */
	struct buyer *b;
	size_t nb, capb;
	struct wa_amount *site, *messaged, *others;	/* by currency, from 1 */
};

/* report.c: the helpers kpis.c and reporder.c share */
/* Store IDX + 1 under KEY. */
void wa_rep_put(struct wa_hash *h, const char *key, size_t idx);
/* The time in O's field KEY; -1: none or no time. */
int wa_rep_timeof(json_t *o, const char *key, time_t *t);
/* A new act of recipient RC at T, zeroed but for those. */
struct act *wa_rep_newact(struct wa_report *r, int kind, uint32_t rc, time_t t);
/* The index + 1 stored under KEY; 0: none. */
uint32_t wa_rep_get(struct wa_hash *h, const char *key);
uint32_t wa_rep_intern(struct names *nm, const char *s);
void wa_rep_names_free(struct names *nm);
int wa_rep_inperiod(const struct wa_report *r, time_t t);
/* Did the message leave: the API took it, or a webhook speaks of it? */
int wa_rep_wentout(const struct msg *m);
/* Might it have reached the customer: it left and did not fail. */
int wa_rep_reached(const struct msg *m);
/* Position in C's messages of the first one sent after T. */
uint32_t wa_rep_after(struct wa_report *r, const struct recip *c, time_t t);
/* The automatic answer of wa-send --reply to the customer's message WAMID, + 1; 0: none. */
uint32_t wa_rep_autoreply(struct wa_report *r, const char *wamid);
/* Add an order of AMOUNT, which the shop had as SHOPAMT of SHOPCUR (NULL: none). */
void wa_rep_addamount(struct wa_amount *a, long long amount,
    const char *shopcur, long long shopamt);
/* Match the acts to the messages, once every status is known. */
void wa_rep_match(struct wa_report *r);
/* The latest message that reached recipient RC sent at most MAXAGE before T, or NULL. */
struct msg *wa_rep_latest(struct wa_report *r, uint32_t rc, time_t t, long long maxage);

/* respond.c: -b channel's customer responses and ratings */
/* The campaign (in camps) whose e-mail REF names: CAMPAIGN or email-CAMPAIGN; 0: none. */
uint32_t wa_rep_refcamp(struct wa_report *r, const char *ref);
/*
 * Into each group K[RANK[GOF[i]]] of message i and into K[ALL]: the
 * messages a customer responded to within the window, the median time
 * to it, and the close-survey ratings of the conversations they began.
 */
void wa_rep_respond(struct wa_report *r, struct wa_kpi *k, const uint32_t *rank,
    const uint32_t *gof, size_t all);
#endif
