/* xl_qdev.c: which devices of an xl config a PV guest's own qemu serves
 * through xenstore (qdisk disks, vfb, vkb, channel, p9), read as libxl 4.17 does. */
#include "xl_qdev.h"

#include <libxlutil.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* The name of a spec's `key=value` item, blanks trimmed, as xl reads it. */
static bool item_is(const char *item, size_t len, const char *key)
{
	const char *eq = memchr(item, '=', len);
	size_t n = eq ? (size_t)(eq - item) : len;

	while (n && (*item == ' ' || *item == '\t')) {
		item++;
		n--;
	}
	while (n && (item[n - 1] == ' ' || item[n - 1] == '\t'))
		n--;
	return n == strlen(key) && memcmp(item, key, n) == 0;
}

/* The value of a spec's `key=value` item (blanks before it skipped; "" for
 * a bare `key`), NULL if the spec has no such item. */
static const char *spec_value(const char *spec, const char *key)
{
	for (const char *p = spec;; p++) {
		const char *end = strchrnul(p, ',');
		const char *eq = memchr(p, '=', (size_t)(end - p));

		if (item_is(p, (size_t)(end - p), key)) {
			if (!eq)
				return "";
			for (eq++; *eq == ' ' || *eq == '\t'; eq++)
				;
			return eq;
		}
		if (!*end)
			return NULL;
		p = end;
	}
}

bool sv_xl_spec_has(const char *spec, const char *key)
{
	return spec_value(spec, key) != NULL;
}

/* Whether a spec's key item has exactly this value (blanks after it trimmed). */
static bool spec_is(const char *spec, const char *key, const char *value)
{
	const char *v = spec_value(spec, key);
	size_t n;

	if (!v)
		return false;
	n = strcspn(v, ",");
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	return n == strlen(value) && memcmp(v, value, n) == 0;
}

/*
 * Whether libxl 4.17 gives a disk spec to qemu's qdisk backend: asked for
 * (backendtype=qdisk), or left to libxl with a format its phy backend does
 * not take (qcow, qcow2, vhd, qed: blktap is gone from 4.17, so qdisk is
 * all that is left).  A disk served from another domain (backend=) is not
 * this guest's qemu's.  A spec libxlutil cannot read is left to xl, which
 * refuses it when it creates the guest.
 */
static int disk_is_qdisk(const char *spec, bool *qdisk, struct sv_error *err)
{
	_cleanup_free_ char *report_buf = NULL;
	size_t report_len = 0;
	const char *specs[] = { spec };
	libxl_device_disk disk;
	XLU_Config *xlu = NULL;
	FILE *report;

	*qdisk = false;
	if (!(report = open_memstream(&report_buf, &report_len)))
		return sv_fail(err, ENOMEM, "out of memory");
	if (!(xlu = xlu_cfg_init(report, "disk"))) {
		fclose(report);
		return sv_fail(err, ENOMEM, "out of memory");
	}
	libxl_device_disk_init(&disk);
	if (xlu_disk_parse(xlu, 1, specs, &disk) == 0 && !disk.backend_domname)
		*qdisk = disk.backend == LIBXL_DISK_BACKEND_QDISK ||
			 (disk.backend == LIBXL_DISK_BACKEND_UNKNOWN &&
			  disk.format != LIBXL_DISK_FORMAT_RAW &&
			  disk.format != LIBXL_DISK_FORMAT_EMPTY);
	libxl_device_disk_dispose(&disk);
	xlu_cfg_destroy(xlu);
	fclose(report);
	return 0;
}

/*
 * The devices a PV (or PVH) guest's own qemu serves through xenstore, as
 * libxl 4.17 hands them out: qdisk disks, every vfb (with the vkbd xl adds
 * to it), a vkb but one with backend-type=linux, every channel (a console
 * beyond the first, which xenconsoled keeps), every p9 share.  One served
 * from another domain (backend=) is that domain's, not this guest's qemu's.
 */
static const struct sv_xlcfg_qdev qdevs[] = {
	{ "disk", "a qdisk disk", "give the guest phy: disks" },
	{ "vfb", "a framebuffer (with its keyboard) that qemu serves", "remove the vfb" },
	{ "vkb", "a keyboard that qemu serves (backend-type=qemu)", "remove the vkb" },
	{ "channel", "a channel that qemu serves as a console", "remove the channel" },
	{ "p9", "a 9pfs share that qemu serves", "remove the p9 share" },
};

const struct sv_xlcfg_qdev *sv_xl_qdev_kind(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(qdevs); i++)
		if (strcmp(key, qdevs[i].key) == 0)
			return &qdevs[i];
	return NULL;
}

int sv_xl_qdev_served(const struct sv_xlcfg_qdev *q, const char *spec,
		      bool *served, struct sv_error *err)
{
	if (q == &qdevs[0])
		return disk_is_qdisk(spec, served, err);
	*served = !sv_xl_spec_has(spec, "backend") &&
		  !(q == &qdevs[2] && spec_is(spec, "backend-type", "linux"));
	return 0;
}
