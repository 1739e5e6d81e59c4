/*
 * A main for the fuzz targets without libFuzzer: run the target once on
 * each file named, as libFuzzer would, so that the normal suite replays
 * the seeds and the inputs that once crashed. Built with the normal
 * compiler; a broken invariant aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

static uint8_t *
slurp(const char *path, size_t *n)
{
	struct wa_buf b = { 0 };
	char chunk[65536];
	size_t r;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		wa_die(WA_EXIT_FATAL, "cannot open '%s':", path);
	while ((r = fread(chunk, 1, sizeof chunk, fp)) > 0)
		wa_buf_add(&b, chunk, r);
	if (ferror(fp))
		wa_die(WA_EXIT_FATAL, "cannot read '%s':", path);
	fclose(fp);
	*n = b.len;
	/* an empty file still gives a pointer, as libFuzzer's empty input does */
	return b.s ? (uint8_t *)b.s : wa_malloc(1);
}

int
main(int argc, char **argv)
{
	uint8_t *data;
	size_t n;
	int i;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		data = slurp(argv[i], &n);
		LLVMFuzzerTestOneInput(data, n);
		free(data);
		printf("%s\n", argv[i]);
	}
	return 0;
}
