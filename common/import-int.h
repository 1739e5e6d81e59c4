/*
 * import-int.h: the state of wa-import's engine, shared by import.c (the
 * customers, the identity of a row, the files) and imporders.c (the
 * orders). Private to those two: programs include store.h.
 */
#ifndef WA_IMPORT_INT_H
#define WA_IMPORT_INT_H

/* The run. */
struct wa_import {
	int orders;			/* order records (-t orders), else customers */
	const char *cc;			/* the country of national numbers (-c) */
	int dateopt;			/* the day/month order asked for (--date-order) */
	struct wa_dates dates;		/* this file's day/month order */
	struct wa_out *out;
	struct wa_layout lay;
	int laydone;
	struct wa_custdb *db;
	struct wa_fpset *seenorder;	/* order ids and names, when exports may overlap */
	int saidids;			/* mangled order ids were reported in this file */
	long markline;			/* the row last warned of a currency mark */
	struct wa_order o;		/* the order being gathered */
	struct wa_cust who;		/* its buyer, as the order rows name them */
	int opending, obad;
	int saidid;			/* mangled ids, said once a file */
	int idlost;			/* this row's id was mangled */
	int norders;			/* order files read */
	char *notorders;		/* the first other file, for -t orders */
	const char *hdrfile;		/* the operand whose header was read last */
	long nout, nmerged;
	time_t now;
};

/* import.c: a row's store id, identity, unmapped columns; a REST phone */
void wa_imp_getid(struct wa_import *im, struct wa_rec *r, struct wa_cust *c);
void wa_imp_getperson(struct wa_import *im, struct wa_rec *r, struct wa_cust *c);
void wa_imp_extra(struct wa_import *im, struct wa_rec *r, json_t **dst);
void wa_imp_rawphone(struct wa_import *im, struct wa_rec *r, struct wa_cust *c);
void wa_imp_syncphone(const char *id, const struct wa_cust *c, int phoneerr);

/* imporders.c: the order being gathered, out; a REST order; an order row */
void wa_imp_flushorder(struct wa_import *im);
int wa_imp_wooorder(struct wa_import *im, struct wa_rec *r);
int wa_imp_orderrow(struct wa_import *im, struct wa_rec *r);

#endif
