/*
 * A main() for the fuzz targets without libFuzzer: runs the target's
 * LLVMFuzzerInitialize, if it has one, then the target once on each file
 * named, so any C compiler can build a target and valgrind
 * can replay a corpus (sh tests/fuzz/run.sh -v).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

int
main(int argc, char *argv[])
{
	int i;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		unsigned char *p = NULL;
		size_t n = 0, alloc = 0, got;

		if (f == NULL) {
			perror(argv[i]);
			return 2;
		}
		do {
			if (n == alloc) {
				alloc = alloc ? alloc * 2 : 4096;
				if ((p = realloc(p, alloc)) == NULL)
					abort();
			}
			got = fread(p + n, 1, alloc - n, f);
			n += got;
		} while (got > 0);
		fclose(f);
		LLVMFuzzerTestOneInput(p, n);
		free(p);
	}
	return 0;
}
