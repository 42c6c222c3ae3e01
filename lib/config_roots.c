/* config_roots.c: the configured relabel roots against the filesystem: each must be a
 * real directory named as it is (no symlink on the way), since paths are compared as resolved. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int sv_config_check_roots(const struct sv_config *c, struct sv_error *err)
{
	for (size_t i = 0; i < c->nroots; i++) {
		const char *root = c->relabel_roots[i];
		char real[PATH_MAX];
		struct stat st;

		if (lstat(root, &st) < 0 && errno == ENOENT)
			continue;	/* nothing under it to label */
		if (!realpath(root, real))
			return sv_fail(err, errno, "relabel root %s: %s", root,
				       strerror(errno));
		if (strcmp(real, root) != 0)
			return sv_fail(err, EINVAL, "relabel root %s resolves to "
				       "%s: name the real directory (a path "
				       "is compared with the roots once "
				       "resolved)", root, real);
		if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode))
			return sv_fail(err, ENOTDIR, "relabel root %s is not a "
				       "directory", root);
	}
	return 0;
}
