/* Loading a library on first use (lazylib.h). */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
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

/* The daemon's cluster worker is a thread of its own (ha/worker.c): two
 * threads may reach one library's entry point at once. */
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

static int load(struct sfw_lazylib *lib)
{
	void *h;
	int err;

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
	/* open for the life of the process; the table is read after this */
	__atomic_store_n(&lib->loaded, true, __ATOMIC_RELEASE);
	return 0;
}

int sfw_lazylib_load(struct sfw_lazylib *lib)
{
	int err = 0;

	if (__atomic_load_n(&lib->loaded, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&load_lock);
	if (!lib->loaded)
		err = load(lib);
	pthread_mutex_unlock(&load_lock);
	return err;
}
