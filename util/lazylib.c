/* Loading a library on first use (lazylib.h). */
#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include "err.h"
#include "lazylib.h"

/* Each name into its slot, all or none: a library of another version that
 * lacks one function is refused whole, before any call into it. */
static int resolve(struct sfw_lazylib *lib, void *h)
{
	void **slot = lib->table;
	size_t n = 0;

	while (lib->names[n])
		n++;
	if (n * sizeof(void *) != lib->size)
		return sfw_fail(EINVAL, "%s: %zu names for a table of %zu bytes", lib->soname, n,
				lib->size);
	for (size_t i = 0; i < n; i++) {
		void *f = dlsym(h, lib->names[i]);

		if (!f)
			return sfw_fail(ENOENT, "%s has no function %s", lib->soname, lib->names[i]);
		memcpy(&slot[i], &f, sizeof(f));
	}
	return 0;
}

/* dlerror() names the file first: "libx.so.1: cannot open shared object
 * file: ..."; the message names it once. */
static const char *why_not(const char *soname)
{
	const char *why = dlerror();
	size_t len = strlen(soname);

	if (!why)
		return "not found";
	if (!strncmp(why, soname, len) && why[len] == ':' && why[len + 1] == ' ')
		return why + len + 2;
	return why;
}

int sfw_lazylib_load(struct sfw_lazylib *lib)
{
	void *h;
	int err;

	if (lib->loaded)
		return 0;
	/* RTLD_NOW: a dependency it lacks fails here, not at some later call */
	h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return sfw_fail(ENOENT, "cannot load %s: %s", lib->soname, why_not(lib->soname));
	err = resolve(lib, h);
	if (err) {
		memset(lib->table, 0, lib->size);
		dlclose(h);
		return err;
	}
	lib->loaded = true;     /* open for the life of the process */
	return 0;
}
