/* relabel_refused.c: a relabel the kernel refuses is the policy's refusal, and
 * says so with the type the policy judged and the path, so an admin knows what to fix. */
#include "relabel_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/xattr.h>

#include "context.h"
#include "relabel.h"

/* The kernel refuses svirtd with EACCES (SELinux denied the operation) or
 * EPERM (it withheld a capability the operation needs). */
bool sv_relabel__refused_by_policy(int e)
{
	return e == EACCES || e == EPERM;
}

/* The message for such a refusal of what on path (fd, if >= 0, is the
 * object already open): names the type the object has now, which is what
 * the policy judged, and says its label was left as it was. */
int sv_relabel__refused(int fd, const char *path, int e, const char *what,
			struct sv_error *err)
{
	char buf[SV_RELABEL_LABEL_MAX + 2], p[32];
	struct sv_context ctx;
	ssize_t n;

	if (fd >= 0) {
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		n = getxattr(p, SELINUX_XATTR, buf, sizeof(buf) - 1);
	} else {
		n = lgetxattr(path, SELINUX_XATTR, buf, sizeof(buf) - 1);
	}
	if (n > 0 && buf[n - 1] == '\0')
		n--;
	if (n <= 0 || sv_context_parse_n(buf, (size_t)n, &ctx, NULL) < 0)
		return sv_fail(err, e, "%.300s: %s refused by policy (%s); "
			       "its type cannot be read either", path, what,
			       strerror(e));
	buf[n] = '\0';
	return sv_fail(err, e, "%.200s: %s refused by policy for its type %s "
		       "(%s): label %s left as it was", path, what, ctx.type,
		       strerror(e), buf);
}
