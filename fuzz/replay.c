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

/* The whole of f, read to its end: a pipe or a terminal has no size to ask
 * for.  NULL on a read error or when memory runs out. */
static uint8_t *read_all(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		uint8_t *more = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
		if (!more) {
			free(buf);
			return NULL;
		}
		buf = more;
		cap *= 2;
	}
	if (buf && ferror(f)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n = 0;
	if (!f) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return 2;
	}
	buf = read_all(f, &n);
	fclose(f);
	if (!buf) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		return 2;
	}
	for (int i = 0; i < runs; i++) {
		/* a copy of exactly n bytes each time, as the engines give */
		uint8_t *copy = malloc(n > 0 ? n : 1);
		if (!copy) {
			fprintf(stderr, "replay: out of memory for %s\n", path);
			free(buf);
			return 2;
		}
		memcpy(copy, buf, n);
		LLVMFuzzerTestOneInput(copy, n);
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
			char *end;
			long v = strtol(argv[i] + 6, &end, 10);
			runs = end != argv[i] + 6 && !*end && v >= 1 && v <= 1000000 ? (int)v : 0;
			if (runs < 1) {
				fprintf(stderr, "replay: -runs wants a number from 1 to 1000000\n");
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
