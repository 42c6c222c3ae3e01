/* backend_event.c: a watch event's path under dom0's backend tree, read into
 * the guest it concerns and whether svirtd has anything to do about it. */
#include "backend_event.h"

#include <errno.h>
#include <string.h>

#include "discover.h"
#include "store.h"
#include "vif.h"

/* What sv_discover_vifs reads below a vif device. */
static const char *const vif_nodes[] = { "vifname", "hotplug-status",
					 SV_VIF_PLUGGED_NODE };

static bool in_list(const char *s, size_t len, const char *const *list,
		    size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && memcmp(s, list[i], len) == 0)
			return true;
	return false;
}

/* Decimal without sign or leading zero, SV_DOMID_MIN..SV_DOMID_MAX, up to
 * the next '/' or the end; *end after it. */
static int parse_domid(const char *s, const char **end)
{
	long v = 0;
	const char *c = s;

	if (*c < '1' || *c > '9')
		return -EINVAL;
	for (; *c >= '0' && *c <= '9'; c++)
		if ((v = v * 10 + (*c - '0')) > SV_DOMID_MAX)
			return -EINVAL;
	if (*c && *c != '/')
		return -EINVAL;
	*end = c;
	return (int)v;
}

int sv_backend_event_parse(const char *path, struct sv_backend_event *out)
{
	const char *kind, *p, *dev, *node, *rest;
	bool vif;
	int domid;

	if (strncmp(path, SV_BACKEND_ROOT, strlen(SV_BACKEND_ROOT)) != 0)
		return -EINVAL;
	kind = path + strlen(SV_BACKEND_ROOT);
	if (!(p = strchr(kind, '/')))
		return -EINVAL;
	vif = (size_t)(p - kind) == 3 && memcmp(kind, "vif", 3) == 0;
	if (!vif && !in_list(kind, (size_t)(p - kind),
			     (const char *const[]){ "vbd", "qdisk" }, 2))
		return -EINVAL;
	if ((domid = parse_domid(p + 1, &dev)) < SV_DOMID_MIN)
		return -EINVAL;
	out->domid = domid;
	/* The guest's directory or a device's: appeared or went. */
	if (!*dev || !(node = strchr(dev + 1, '/'))) {
		out->relevant = true;
		return 0;
	}
	node++;
	rest = strchrnul(node, '/');
	out->relevant = !*rest &&
		(vif ? in_list(node, (size_t)(rest - node), vif_nodes,
			       ARRAY_SIZE(vif_nodes)) :
		       in_list(node, (size_t)(rest - node),
			       sv_backend_value_nodes, SV_BACKEND_VALUES));
	return 0;
}
