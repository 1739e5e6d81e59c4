/*
 * cursor.c: where a reader of a rolled log (the spool) stopped, the file
 * (device and inode) and the byte after the last whole line it read; kept
 * in a file, and followed across rolls. One copy of this for route, the
 * journeys (wa-segment --cursor) and wa-send's settling, so that each of
 * them reads, after a roll, the rest of the segment that was the live file
 * at the cursor, then each later segment whole, then the live file: every
 * line once, and none of the history before the cursor.
 *
 * A roll gzips a segment and frees its plain file's inode, which a later
 * live file may get: two segments may then have been one inode. So the
 * cursor also keeps the name of the segment its file comes after (for the
 * live file, the newest one when it was opened), on disk too, and its
 * file is looked for only among the segments after that one.
 */
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"

/* Seek FP, the file CUR names, to the beginning of the line at CUR->off (0 past its end). */
static void
seekline(FILE *fp, struct wa_cursor *cur)
{
	struct stat st;
	int c;

	if (fstat(fileno(fp), &st) < 0)
		wa_die(WA_EXIT_FATAL, "cannot stat the spool:");
	if (cur->off < 0 || cur->off > (long long)st.st_size)
		cur->off = 0;
	/* wa-forget may have rewritten the spool: start at a line's beginning */
	if (cur->off > 0 && fseeko(fp, (off_t)cur->off - 1, SEEK_SET) == 0 && (c = getc(fp)) != '\n')
		while (c != EOF && c != '\n')
			c = getc(fp);
	else if (fseeko(fp, (off_t)cur->off, SEEK_SET) < 0)
		wa_die(WA_EXIT_FATAL, "cannot seek the spool:");
	cur->off = (long long)ftello(fp);
}

void
wa_cursor_seek(FILE *spool, struct wa_cursor *cur)
{
	struct stat st;

	if (fstat(fileno(spool), &st) < 0)
		wa_die(WA_EXIT_FATAL, "cannot stat the spool:");
	if (cur->ino && (cur->ino != (unsigned long long)st.st_ino ||
	    cur->dev != (unsigned long long)st.st_dev))
		cur->off = 0;
	cur->dev = (unsigned long long)st.st_dev;
	cur->ino = (unsigned long long)st.st_ino;
	seekline(spool, cur);
}

/* CUR in FP, the live file (NULL: none), which comes after the segment NEWEST (freed); 0. */
static int
live0(FILE *fp, struct wa_cursor *cur, char *newest)
{
	if (fp) {
		wa_cursor_seek(fp, cur);
		snprintf(cur->after, sizeof cur->after, "%s", newest);
	}
	free(newest);
	return 0;
}

int
wa_cursor_open(const char *live, struct wa_cursor *cur, struct wa_cursor *next,
    FILE **fp)
{
	/* listed before the open: a roll in between makes the file later still */
	char *newest = wa_seg_newestname(live);
	struct stat st;
	FILE *seg;
	int rolled = *cur->after && strcmp(cur->after, newest) != 0;

	memset(next, 0, sizeof *next);
	if ((*fp = fopen(live, "r")) == NULL && errno != ENOENT)
		wa_die(WA_EXIT_FATAL, "%s:", live);
	if (*fp && fstat(fileno(*fp), &st) < 0)
		wa_die(WA_EXIT_FATAL, "%s:", live);
	/* a file the cursor saw live that a roll made a segment: not LIVE, whatever its inode */
	if (cur->ino == 0 || (*fp && !rolled && cur->ino == (unsigned long long)st.st_ino &&
	    cur->dev == (unsigned long long)st.st_dev))
		return live0(*fp, cur, newest);
	*next = *cur;
	if ((seg = wa_seg_after(live, next->after, sizeof next->after, &next->dev,
	    &next->ino)) == NULL) {
		/* rewritten by wa-forget, or gzipped before segments kept their inode */
		memset(next, 0, sizeof *next);
		memset(cur, 0, sizeof *cur);
		live0(*fp, cur, newest);
		return -1;
	}
	free(newest);
	if (*fp)
		fclose(*fp);
	*fp = seg;
	seekline(seg, cur);
	next->off = 0;
	return 1;
}

void
wa_cursor_load(const char *path, struct wa_cursor *cur)
{
	FILE *fp;

	memset(cur, 0, sizeof *cur);
	if ((fp = fopen(path, "r")) != NULL) {
		/* "OFFSET INODE DEVICE AFTER"; an offset alone from before the others were kept */
		if (fscanf(fp, "%lld %llu %llu %31s", &cur->off, &cur->ino, &cur->dev,
		    cur->after) < 1)
			memset(cur, 0, sizeof *cur);
		fclose(fp);
	} else if (errno != ENOENT)
		wa_die(WA_EXIT_FATAL, "%s:", path);
}

int
wa_cursor_save(const char *path, const struct wa_cursor *cur)
{
	char *tmp;
	FILE *fp = wa_rewrite_open(path, &tmp);

	if (fp == NULL)
		return -1;
	fprintf(fp, "%lld %llu %llu%s%s\n", cur->off, cur->ino, cur->dev,
	    *cur->after ? " " : "", cur->after);
	return wa_rewrite_commit(fp, tmp, path);
}
