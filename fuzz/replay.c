/* replay.c - the plain driver: runs each input file (or every file of each
 * folder) through LLVMFuzzerTestOneInput, each several times so that state
 * leaking from one run into the next shows.  No fuzzing engine involved.
 * usage: TARGET_replay [-runs=N] FILE|DIR... */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int runs = 3;
static unsigned inputs;

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;
	if (!f) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return 2;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		fclose(f);
		free(buf);
		return 2;
	}
	fclose(f);
	for (int i = 0; i < runs; i++) {
		/* a copy of exactly n bytes each time, as the engines give */
		uint8_t *copy = malloc(n > 0 ? (size_t)n : 1);
		memcpy(copy, buf, (size_t)n);
		LLVMFuzzerTestOneInput(copy, (size_t)n);
		free(copy);
	}
	free(buf);
	inputs++;
	return 0;
}

static int replay_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		fprintf(stderr, "replay: no such file or folder: %s\n", path);
		return 2;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	DIR *d = opendir(path);
	struct dirent *e;
	int rc = 0;
	while (d && (e = readdir(d))) {
		char sub[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		if (stat(sub, &st) == 0 && S_ISREG(st.st_mode))
			rc |= replay_file(sub);
	}
	if (d)
		closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	int rc = 0, paths = 0;
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "-runs=", 6)) {
			runs = atoi(argv[i] + 6);
			if (runs < 1) {
				fprintf(stderr, "replay: -runs wants a number >= 1\n");
				return 2;
			}
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "replay: unknown option %s\n", argv[i]);
			return 2;
		} else {
			rc |= replay_path(argv[i]);
			paths++;
		}
	}
	if (!paths) {
		fprintf(stderr, "replay: usage: %s [-runs=N] FILE|DIR...\n", argv[0]);
		return 2;
	}
	printf("replayed %u inputs, %d runs each\n", inputs, runs);
	return rc;
}
