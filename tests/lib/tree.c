#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "tree.h"

void fx_remove_tree(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *d;

	if (fd >= 0 && !dp)
		close(fd);
	while (dp && (d = readdir(dp))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (d->d_type == DT_DIR)
			fx_remove_tree(dirfd(dp), d->d_name);
		else
			unlinkat(dirfd(dp), d->d_name, 0);
	}
	if (dp)
		closedir(dp);
	unlinkat(parent, name, AT_REMOVEDIR);
}
