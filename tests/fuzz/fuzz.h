/* Shared by the fuzz targets: their entry points and the input as a file. */
#ifndef FUZZ_H
#define FUZZ_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant broke: abort, so that libFuzzer saves the input. */
#define FUZZ_CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: " \
    "invariant broken: %s\n", __FILE__, __LINE__, #c); abort(); } } while (0)

/* DATA[0..SIZE) as a NUL-terminated string, freed by the caller. */
static inline char *
fuzz_str(const uint8_t *data, size_t size)
{
	char *s = wa_malloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static char fuzz_path[PATH_MAX];

static void
fuzz_unlink(void)
{
	unlink(fuzz_path);
}

/*
 * The record loop reads files it is given by name: write DATA to one file
 * in /dev/shm (memory, not disk; $TMPDIR when there is none), the same
 * file each run, named by pid for libFuzzer's parallel jobs.
 */
static inline const char *
fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	FILE *fp;

	if (fuzz_path[0] == '\0') {
		const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" :
		    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

		snprintf(fuzz_path, sizeof fuzz_path, "%s/%s.%ld", dir, name,
		    (long)getpid());
		atexit(fuzz_unlink);
	}
	if ((fp = fopen(fuzz_path, "w")) == NULL ||
	    fwrite(data, 1, size, fp) != size || fclose(fp) != 0) {
		perror(fuzz_path);
		abort();
	}
	return fuzz_path;
}

#endif
