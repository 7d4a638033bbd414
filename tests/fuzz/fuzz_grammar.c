/* The command grammar: the input is an argv (words separated by NUL or
 * newline bytes). Whatever the words, sfw_parse() either selects a command
 * (nothing printed), prints help (on stdout only), or prints exactly one
 * line on stderr starting "sfw: " and capped in length; never both
 * streams. Commands are not run: they would act on the machine. */
#include <string.h>
#include "fuzz.h"
#include "grammar.h"

#define MAX_ARGS (SFW_MAX_WORDS + 8)
/* A word is at most 4095 bytes and quoted at most 64 characters. */
#define ERROR_LINE_MAX 2048

static int split(char *s, size_t size, char **argv)
{
	int argc = 0;
	size_t start = 0;

	for (size_t k = 0; k <= size && argc < MAX_ARGS; k++)
		if (k == size || s[k] == '\0' || s[k] == '\n') {
			s[k] = '\0';
			argv[argc++] = s + start;
			start = k + 1;
		}
	return argc;
}

static void check(int rc, const struct sfw_cmdline *cl, const char *out, size_t out_len,
		  const char *err, size_t err_len)
{
	switch (rc) {
	case 0:
		if (!cl->cmd || !cl->cmd->run)
			fuzz_fail("parsed to no command");
		if (out_len || err_len)
			fuzz_fail("a parsed command printed: %s%s", out, err);
		break;
	case SFW_PARSE_HELP:
		if (err_len)
			fuzz_fail("help printed on stderr: %s", err);
		break;
	case SFW_PARSE_ERROR:
		if (out_len)
			fuzz_fail("an error printed on stdout: %s", out);
		if (strncmp(err, "sfw: ", 5) || !err_len || err[err_len - 1] != '\n' ||
		    memchr(err, '\n', err_len - 1))
			fuzz_fail("an error that is not one 'sfw: ' line: %s", err);
		if (err_len > ERROR_LINE_MAX)
			fuzz_fail("an error line of %zu bytes", err_len);
		break;
	default:
		fuzz_fail("sfw_parse returned %d", rc);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), *argv[MAX_ARGS];
	char *out = NULL, *err = NULL;
	size_t out_len = 0, err_len = 0;
	FILE *fo = open_memstream(&out, &out_len), *fe = open_memstream(&err, &err_len);
	struct sfw_cmdline cl;
	int argc = size ? split(s, size, argv) : 0, rc;

	if (!fo || !fe)
		abort();
	rc = sfw_parse(&sfw_root, argc, argv, &cl, fo, fe);
	fclose(fo);
	fclose(fe);
	check(rc, &cl, out, out_len, err, err_len);
	free(out);
	free(err);
	free(s);
	return 0;
}
