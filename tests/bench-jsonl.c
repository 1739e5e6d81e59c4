/* bench-jsonl: the floor for a JSON-lines filter, a bare jansson parse of every line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa.h"

int
main(int argc, char **argv)
{
	FILE *fp = argc > 1 ? fopen(argv[1], "r") : stdin;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long objects = 0;
	json_t *j;

	wa_init(&argc, &argv);
	if (fp == NULL)
		wa_die(WA_EXIT_FATAL, "cannot open '%s':", argv[1]);
	while ((n = getline(&line, &cap, fp)) > 0) {
		if ((j = json_loadb(line, (size_t)n, 0, NULL)) != NULL)
			objects += json_is_object(j);
		json_decref(j);
	}
	free(line);
	printf("%ld\n", objects);
	return wa_finish();
}
