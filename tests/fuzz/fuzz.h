/* Shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c): each defines
 * LLVMFuzzerTestOneInput and checks properties, calling fuzz_fail() (which
 * aborts, so libFuzzer and the replay both report the input) when one
 * does not hold. docs/reliability.md says what each harness proves. */
#ifndef SFW_FUZZ_H
#define SFW_FUZZ_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__attribute__((format(printf, 1, 2), noreturn))
static inline void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fuzz: property broken: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

/* A NUL-terminated copy of the input (the parsers take C strings). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	for (size_t k = 0; k < size; k++)
		s[k] = (char)data[k];
	s[size] = '\0';
	return s;
}

#endif
