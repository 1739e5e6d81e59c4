/*
 * segments-int.h: a log's segment files, shared by segments.c (the rolls,
 * the gzip, the rewrite) and segread.c (reading them back).
 * Private to those two: programs include wa.h.
 */
#ifndef WA_SEGMENTS_INT_H
#define WA_SEGMENTS_INT_H

struct seg {
	int y, m, n;	/* YYYY-MM.N */
	int gz;
	char *path;
};

/* The segments in DIR, in roll order, a .gz before its plain copy; *N of them. */
struct seg *wa_seg_list(const char *dir, size_t *n);
void wa_seg_free(struct seg *v, size_t n);
/* The same segment twice: a .gz and its plain copy. */
int wa_seg_same(const struct seg *a, const struct seg *b);
/* The folder of LIVE, created, open and flocked HOW; -1 with errno. */
int wa_seg_lock(const char *dir, int how, int create);

#endif
