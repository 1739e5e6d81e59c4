/*
 * convs-int.h: the fold of conversations, shared by convfold.c (lines into
 * people's items, items cut into conversations), convsnap.c (the folded
 * snapshot, convs.state, and the tails read past it), convrec.c (its
 * records) and convs.c (the conversations' fields). Private to those
 * four: programs include inbox.h.
 */
#ifndef WA_CONVS_INT_H
#define WA_CONVS_INT_H

struct stat;
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

/* The customer file as a snapshot read it: a record's offset holds while these do. */
struct wa_ccfile {
	unsigned long long dev, ino;
	long long size, mtime, mtns;
};
/* A person's customer record: trimmed, and where the whole one is (convcust.c). */
struct wa_ccust {
	long long off;		/* its line in the customer file */
	size_t len;		/* 0: no record */
	char *name;		/* first and last name, or NULL */
	char *tier;
	char *id, *tags;	/* JSON texts of its "id" and "tags", or NULL */
	json_t *rec;		/* the whole record, once read */
	struct wa_convsnap *sn;	/* the file it is read from */
	int want;		/* to be looked for in the file */
	int talks;		/* a person with a conversation (wa_inbox_allcust) */
};
/* What a load keeps for later: the threads not read yet, the customers. */
struct wa_convsnap {
	FILE *items;		/* convs.items */
	struct wa_hash *where;	/* same-user key -> its block there */
	char *custpath;		/* the customer file */
	FILE *custfp;		/* it, open since the load */
	struct wa_ccfile cf;	/* as it was then */
	struct wa_ccust **cl;	/* the records' entries, owned */
	size_t ncl, clcap;
	int allcust;		/* all of it read, not only the people with a conversation */
	int ided;		/* custids made */
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
/*
 * PATH (ITEMS open, just appended to under its lock, IST its stat)
 * rewritten with only the blocks F's people hold, when its dead part is
 * large enough: 1 with their new places and the new file's stat in IST,
 * 0 when not needed, -1 when it failed (the old file stands).
 */
int wa_snap_compact(const char *path, FILE *items, struct fold *f, struct stat *ist);
/* C's fields but its thread, a "c" line of FP, and back into IB (the thread left unread; LINE is changed); -1 for a bad line. */
void wa_snap_convout(FILE *fp, const struct wa_conv *c);
int wa_snap_convin(struct wa_inbox *ib, char *line);

/* convcust.c */
/*
 * The customer entries of IB's conversations, from the snapshot's when PATH
 * is the file WAS describes, else from PATH (only the people not known
 * yet, or all when it changed); 1 when it changed (the snapshot is to be saved).
 */
int wa_ccust_resolve(struct wa_inbox *ib, const char *path, const struct wa_ccfile *was);
/* The customer file as the snapshot's header has it, "[dev,ino,size,mtime,ns]"; -1 for none. */
int wa_ccust_filein(json_t *a, struct wa_ccfile *cf);
json_t *wa_ccust_fileout(const struct wa_ccfile *cf);
/* The entries of IB's conversations as "u" lines of the snapshot, and one back (LINE is changed). */
void wa_ccust_put(FILE *fp, struct wa_inbox *ib);
int wa_ccust_in(struct wa_inbox *ib, char *line);
/* A field of a snapshot line after a tab: "\\N" for NULL, backslash, tab and newline escaped. */
void wa_ccust_putf(FILE *fp, const char *s);
/* The field at *P, unescaped in place, *P moved past its tab (NULL after the last). */
char *wa_ccust_getf(char **p);
/* The whole record of CC, read once; NULL for none. */
json_t *wa_ccust_rec(struct wa_ccust *cc);
/* The record of a person with a conversation whose id is ID, or NULL. */
json_t *wa_ccust_byid(struct wa_inbox *ib, const char *id);
int wa_ccust_byoff(const void *a, const void *b);
void wa_ccust_free(struct wa_convsnap *sn);

/* convsnap.c */
/* P's items kept in the snapshot, read once, or -1 (the snapshot is stale). */
int wa_snap_person(struct fold *f, struct person *p);
/* Fold P's paths into IB: from the snapshot and its tails, else from the beginning. */
void wa_snap_load(struct wa_inbox *ib, const struct wa_inbox_paths *p);
void wa_snap_free(struct wa_inbox *ib);
#endif
