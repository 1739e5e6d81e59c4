/*
 * convs-int.h: the fold of conversations, shared by convfold.c (lines into
 * people's items, items cut into conversations), convsnap.c (the folded
 * snapshot, convs.state, and the tails read past it), convrec.c (its
 * records) and convs.c (the conversations' fields). Private to those
 * four: programs include inbox.h.
 */
#ifndef WA_CONVS_INT_H
#define WA_CONVS_INT_H

enum { K_IN, K_OUT, K_LOG };

/* A line of a person's history before it is cut into conversations. */
struct item {
	struct wa_tmsg m;	/* its strings are the thread's once taken */
	int kind;
	int taken;		/* in a thread: m is the thread's; kept too are log lines */
	size_t seq;		/* reading order: ties in time keep it */
	struct person *who;
	char *conv, *agent, *dept;	/* K_LOG; conv also for a K_OUT of wa-inbox */
	char *asked, *routes;	/* K_LOG handed_off: what the bot collected */
};
struct person {
	char *phone, *name;
	struct item **it;
	size_t n, cap;
	int touched;		/* new items or changes: to be cut again */
	int loaded;		/* its items of the snapshot are read */
	long long off, len;	/* its items in convs.items; len 0: none */
	time_t lastdrop;	/* the latest outbound item in no conversation */
};
/* An open ledger key (attempt, unknown, retry) of the snapshot: more lines may come. */
struct okey {
	char pk[WA_PHONE_MAX];	/* its person's same-user key */
	int dropped;		/* in no conversation */
	int state;
};
struct fold {
	struct wa_inbox *ib;
	struct wa_hash *people;	/* same-user key -> person */
	struct person **pl;
	size_t npl, plcap, seq;
	struct wa_hash *outs;	/* ledger key -> item */
	struct wa_hash *replied;	/* ledger key -> the log's replied entry */
	json_t *replies;	/* those entries, owned */
	/* on a snapshot (convsnap.c); all zero for a fold from the beginning */
	struct wa_hash *open;	/* ledger key -> struct okey */
	FILE *items;		/* convs.items, or NULL */
	time_t horizon;		/* a new line older than this: fold it all again */
	time_t maxat;		/* the latest line's time */
	int stale;		/* the tails do not go onto the snapshot: fold it all again */
	int tail;		/* reading tails onto a snapshot */
};

/* What a load keeps for later: the threads not read yet, the customers. */
struct wa_convsnap {
	FILE *items;		/* convs.items */
	struct wa_hash *where;	/* same-user key -> its block there */
	char *custpath;		/* the customer file */
	int allcust;		/* all of it read, not only the people with a conversation */
};

/* convfold.c */
struct person *wa_fold_person(struct fold *f, const char *phone);
/* The person of E164, a number normalized already. */
struct person *wa_fold_e164(struct fold *f, const char *e164);
void wa_fold_spool(struct fold *f, json_t *o);
void wa_fold_ledger(struct fold *f, json_t *o);
void wa_fold_log(struct fold *f, json_t *o);
/* P's items in time, cut into conversations of IB; P's old ones dropped first. */
void wa_fold_cut(struct wa_inbox *ib, struct person *p);
void wa_fold_itemfree(struct item *it);
void wa_fold_personfree(void *v);
void wa_fold_free(struct fold *f);
/* Keep a new conversation C of IB. */
void wa_fold_addconv(struct wa_inbox *ib, struct wa_conv *c);
void wa_conv_free(struct wa_conv *c);

/* convrec.c */
/* Checksums of FD's first and last 4 KiB before OFF; -1 when they cannot be read. */
int wa_snap_sums(int fd, long long off, unsigned long long *head, unsigned long long *tail);
/* P's kept items, a block of JSON lines at the end of FP: its place into P. */
void wa_snap_putblock(FILE *fp, struct person *p);
/* P's block at OFF, LEN of FP into P's items, their keys into OUTS (NULL: none); -1 when unreadable. */
int wa_snap_readblock(FILE *fp, long long off, long long len, struct person *p,
    struct wa_hash *outs);
/* C's fields but its thread, and back into IB (the thread left unread); -1 for a bad line. */
json_t *wa_snap_convout(const struct wa_conv *c);
int wa_snap_convin(struct wa_inbox *ib, const char *line, size_t len);

/* convsnap.c */
/* P's items kept in the snapshot, read once, or -1 (the snapshot is stale). */
int wa_snap_person(struct fold *f, struct person *p);
/* Fold P's paths into IB: from the snapshot and its tails, else from the beginning. */
void wa_snap_load(struct wa_inbox *ib, const struct wa_inbox_paths *p);
void wa_snap_free(struct wa_inbox *ib);
#endif
