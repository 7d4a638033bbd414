/* Replays a harness's corpus without libFuzzer: every file named (or in a
 * directory named) goes through LLVMFuzzerTestOneInput once. `make test`
 * builds one replay per harness with the ordinary compiler (and the
 * sanitizers under SANITIZE=1), so every input ever kept, crashes found
 * included, stays a regression test. Prints how many inputs ran. */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include "fuzz.h"

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, r;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		r = fread(buf + len, 1, cap - len, f);
		len += r;
	} while (r);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}


/* A directory's files in name order, so a failure is reproducible. */
static int replay_dir(const char *dir, int *n)
{
	struct dirent **names;
	int count = scandir(dir, &names, NULL, alphasort), err = 0;
	char path[4096];

	if (count < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (int k = 0; k < count; k++) {
		if (names[k]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, names[k]->d_name);
			if (replay_file(path))
				err = -1;
			else
				++*n;
		}
		free(names[k]);
	}
	free(names);
	return err;
}

int main(int argc, char **argv)
{
	int n = 0, err = 0;
	struct stat st;

	for (int k = 1; k < argc; k++) {
		if (stat(argv[k], &st)) {
			fprintf(stderr, "replay: %s: %s\n", argv[k], strerror(errno));
			err = -1;
		} else if (S_ISDIR(st.st_mode)) {
			err |= replay_dir(argv[k], &n);
		} else if (replay_file(argv[k])) {
			err = -1;
		} else {
			n++;
		}
	}
	printf("replay: %d inputs\n", n);
	return err || !n ? 1 : 0;
}
