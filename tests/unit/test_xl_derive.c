/* test_xl_derive.c: the guest config svirt-xl create reads and the derived one it
 * writes: values kept exactly (read back with libxlutil), its own keys added, hostile input refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <libxlutil.h>

#include "xl_derive.h"

#define UUID "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
#define SECLABEL "system_u:system_r:svirt_domU_t:s0:c3,c700"
#define DMLABEL "system_u:system_r:svirt_dm_t:s0:c3,c700"

static const struct sv_xlcfg_derive flask_on = {
	.uuid = UUID, .seclabel = SECLABEL, .dm_seclabel = DMLABEL,
	.interposer = "/usr/libexec/svirt-xen/svirt-interpose",
	.vif_script = "vif-svirt",
};

static int parse(const char *text, char *const *args, size_t nargs,
		 struct sv_xlcfg *c, struct sv_error *err)
{
	return sv_xlcfg_parse(text, strlen(text), "g.cfg", args, nargs, c, err);
}

/* Parse, derive, and read the result back with libxlutil. */
static XLU_Config *derive(const char *text, char *const *args, size_t nargs,
			  const struct sv_xlcfg_derive *d, char **out)
{
	struct sv_xlcfg c;
	struct sv_error err = { .msg = "" };
	XLU_Config *xlu;
	size_t len;

	if (parse(text, args, nargs, &c, &err) < 0)
		fail_msg("refused: %s", err.msg);
	if (sv_xlcfg_derive(&c, d, out, &len, &err) < 0)
		fail_msg("derive refused: %s", err.msg);
	assert_int_equal(strlen(*out), len);
	sv_xlcfg_free(&c);
	xlu = xlu_cfg_init(stderr, "derived");
	assert_non_null(xlu);
	assert_int_equal(xlu_cfg_readdata(xlu, *out, (int)len), 0);
	return xlu;
}

static void assert_value(XLU_Config *xlu, const char *key, const char *want)
{
	const char *v = NULL;

	assert_int_equal(xlu_cfg_get_string(xlu, key, &v, 1), 0);
	assert_string_equal(v, want);
}

static void assert_refused(const char *text, const char *want)
{
	struct sv_xlcfg c;
	struct sv_error err = { .msg = "" };

	assert_int_equal(parse(text, NULL, 0, &c, &err), -EINVAL);
	if (!strstr(err.msg, want))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
}

static void values_come_back_exactly_with_svirt_keys_added(void **state)
{
	char *out = NULL;
	XLU_Config *xlu;
	XLU_ConfigList *list;
	int n = 0;

	(void)state;
	xlu = derive("name = \"web\"\nmemory = 128\nextra = 'a \"q\" b\\\\c'\n"
		     "disk = [ 'format=raw,vdev=xvda,target=/img/w.img', '0x10' ]\n",
		     NULL, 0, &flask_on, &out);
	assert_value(xlu, "name", "web");
	assert_value(xlu, "memory", "128");
	assert_value(xlu, "extra", "a \"q\" b\\c");
	assert_int_equal(xlu_cfg_get_list(xlu, "disk", &list, &n, 1), 0);
	assert_int_equal(n, 2);
	assert_string_equal(xlu_cfg_get_listitem(list, 0),
			    "format=raw,vdev=xvda,target=/img/w.img");
	assert_string_equal(xlu_cfg_get_listitem(list, 1), "0x10");
	assert_value(xlu, "uuid", UUID);
	assert_value(xlu, "seclabel", SECLABEL);
	assert_value(xlu, "device_model_stubdomain_seclabel", DMLABEL);
	assert_value(xlu, "device_model_override",
		     "/usr/libexec/svirt-xen/svirt-interpose");
	assert_value(xlu, "device_model_version", "qemu-xen");
	assert_value(xlu, "dm_restrict", "1");
	assert_non_null(strstr(out, "memory = 128\n"));	/* numbers stay bare */
	xlu_cfg_destroy(xlu);
	free(out);
}

static void without_flask_no_seclabel_is_written(void **state)
{
	struct sv_xlcfg_derive d = flask_on;
	char *out = NULL;
	XLU_Config *xlu;
	const char *v;

	(void)state;
	d.seclabel = d.dm_seclabel = NULL;
	xlu = derive("name = \"web\"\n", NULL, 0, &d, &out);
	assert_int_equal(xlu_cfg_get_string(xlu, "seclabel", &v, 1), ESRCH);
	assert_int_equal(xlu_cfg_get_string(xlu, "device_model_stubdomain_seclabel",
					    &v, 1), ESRCH);
	assert_value(xlu, "dm_restrict", "1");
	xlu_cfg_destroy(xlu);
	free(out);
}

static void the_configs_uuid_is_kept_in_canonical_form(void **state)
{
	struct sv_xlcfg c;
	struct sv_error err;
	char *out = NULL;
	XLU_Config *xlu;

	(void)state;
	assert_int_equal(parse("uuid = \"6BA7B810-9DAD-11D1-80B4-00C04FD430C8\"\n",
			       NULL, 0, &c, &err), 0);
	assert_true(c.has_uuid);
	assert_string_equal(c.uuid, "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
	sv_xlcfg_free(&c);
	xlu = derive("uuid = \"6ba7b810-9dad-11d1-80b4-00c04fd430c8\"\n", NULL, 0,
		     &flask_on, &out);
	assert_value(xlu, "uuid", "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
	assert_null(strstr(out, UUID));		/* not a second uuid */
	xlu_cfg_destroy(xlu);
	free(out);
}

static void every_vif_gets_the_script(void **state)
{
	char *out = NULL;
	XLU_Config *xlu;
	XLU_ConfigList *list;
	int n = 0;

	(void)state;
	xlu = derive("vif = [ 'bridge=xenbr0', 'mac=00:16:3e:00:00:01,', '' ]\n",
		     NULL, 0, &flask_on, &out);
	assert_int_equal(xlu_cfg_get_list(xlu, "vif", &list, &n, 1), 0);
	assert_int_equal(n, 3);
	assert_string_equal(xlu_cfg_get_listitem(list, 0), "bridge=xenbr0,script=vif-svirt");
	assert_string_equal(xlu_cfg_get_listitem(list, 1),
			    "mac=00:16:3e:00:00:01,script=vif-svirt");
	assert_string_equal(xlu_cfg_get_listitem(list, 2), "script=vif-svirt");
	xlu_cfg_destroy(xlu);
	free(out);
}

static void vifs_without_a_script_are_refused(void **state)
{
	struct sv_xlcfg_derive d = flask_on;
	struct sv_xlcfg c;
	struct sv_error err;
	char *out = (char *)"untouched";
	size_t len = 7;

	(void)state;
	d.vif_script = NULL;
	assert_int_equal(parse("vif = [ 'bridge=xenbr0' ]\n", NULL, 0, &c, &err), 0);
	assert_int_equal(sv_xlcfg_derive(&c, &d, &out, &len, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "1 vif(s)"));
	assert_string_equal(out, "untouched");
	assert_int_equal(len, 7);
	sv_xlcfg_free(&c);
}

static void a_guest_setting_its_own_script_is_refused(void **state)
{
	(void)state;
	assert_refused("name = \"a\"\nvif = [ 'bridge=xenbr0', 'mac=1, script = vif-bridge' ]\n",
		       "g.cfg:2: vif: vif 1 sets script=");
}

static void keys_svirt_xl_owns_are_refused_with_their_line(void **state)
{
	(void)state;
	assert_refused("name = \"a\"\n\nseclabel = \"system_u:system_r:domU_t\"\n",
		       "g.cfg:3: seclabel: svirt-xl sets this key itself");
	assert_refused("init_seclabel = \"x\"\n", "g.cfg:1: init_seclabel:");
	assert_refused("device_model_stubdomain_seclabel = \"x\"\n",
		       "g.cfg:1: device_model_stubdomain_seclabel:");
	assert_refused("device_model_override = \"/bin/sh\"\n",
		       "g.cfg:1: device_model_override:");
}

static void dm_restrict_may_only_be_one(void **state)
{
	char *out = NULL;
	XLU_Config *xlu;

	(void)state;
	assert_refused("dm_restrict = 0\n", "g.cfg:1: dm_restrict: svirt-xl runs");
	assert_refused("type = \"hvm\"\ndisk = [ 'format=qcow2,vdev=xvda,target=/i/h.qcow2' ]\n"
		       "dm_restrict = 0\n",
		       "g.cfg:3: dm_restrict: svirt-xl runs every HVM device model with dm_restrict = 1");
	assert_refused("disk = [ '/i/p.img,raw,xvda,w' ]\ndm_restrict = 0\n",
		       "g.cfg:2: dm_restrict: svirt-xl runs the device model of a PV guest "
		       "without qdisk disks, vfbs, qemu vkbs, channels or p9 shares with "
		       "dm_restrict = 1");
	assert_refused("dm_restrict = \"yes\"\n", "g.cfg:1: dm_restrict:");
	xlu = derive("dm_restrict = 1\n", NULL, 0, &flask_on, &out);
	assert_value(xlu, "dm_restrict", "1");
	/* written once, by svirt-xl, not once more from the guest's config */
	assert_non_null(strstr(out, "dm_restrict"));
	assert_null(strstr(strstr(out, "dm_restrict") + 1, "dm_restrict"));
	xlu_cfg_destroy(xlu);
	free(out);
}

/* The derived config's dm_restrict, read back with libxlutil. */
static void assert_dm_restrict(const char *text, const char *want)
{
	char *out = NULL;
	XLU_Config *xlu = derive(text, NULL, 0, &flask_on, &out);

	assert_value(xlu, "dm_restrict", want);
	xlu_cfg_destroy(xlu);
	free(out);
}

/* Xen 4.17 and QEMU 7.2: a restricted PV qemu has lost xenstore before it
 * would serve a qdisk, so such a guest's qemu runs without dm_restrict. */
static void a_pv_guests_qdisk_disk_takes_dm_restrict_off(void **state)
{
	(void)state;
	assert_dm_restrict("disk = [ 'format=qcow2,vdev=xvda,target=/i/a.qcow2' ]\n", "0");
	assert_dm_restrict("disk = [ '/i/a.img,raw,xvda,w', 'qcow2:/i/b.qcow2,xvdb,w' ]\n", "0");
	assert_dm_restrict("disk = [ 'vdev=xvda,backendtype=qdisk,target=/i/a.img' ]\n", "0");
	assert_dm_restrict("type = \"pvh\"\ndisk = [ '/i/a.vhd,vhd,xvda,w' ]\n", "0");
	assert_dm_restrict("type = \"pv\"\ndisk = [ '/i/a.qed,qed,xvda,w' ]\ndm_restrict = 0\n", "0");
	/* phy (blkback, no qemu), an empty cdrom, another domain's backend */
	assert_dm_restrict("disk = [ '/i/a.img,raw,xvda,w', 'phy:/dev/loop0,xvdb,w' ]\n", "1");
	assert_dm_restrict("disk = [ 'vdev=xvdc,devtype=cdrom,format=empty' ]\n", "1");
	assert_dm_restrict("disk = [ 'backend=dd,/i/a.qcow2,qcow2,xvda,w' ]\n", "1");
	assert_dm_restrict("disk = []\n", "1");
	assert_dm_restrict("name = \"nodisk\"\n", "1");
	/* HVM device models stay restricted: they open their disks first */
	assert_dm_restrict("type = \"hvm\"\ndisk = [ '/i/a.qcow2,qcow2,hda,w' ]\n", "1");
	assert_dm_restrict("builder = \"hvm\"\ndisk = [ '/i/a.qcow2,qcow2,hda,w' ]\n", "1");
}

static void dm_restrict_with_a_pv_guests_qdisk_disk_is_refused(void **state)
{
	char *args[] = { "dm_restrict=1" };
	struct sv_xlcfg c;
	struct sv_error err = { .msg = "" };

	(void)state;
	assert_refused("name = \"k\"\ndisk = [ '/i/a.img,raw,xvda,w', '/i/b.qcow2,qcow2,xvdb,w' ]\n"
		       "dm_restrict = 1\n",
		       "g.cfg:3: dm_restrict: disk 1 (g.cfg:2) is a qdisk disk, which a PV "
		       "guest's qemu cannot serve under dm_restrict");
	assert_refused("dm_restrict = 1\ntype = \"pvh\"\n"
		       "disk = [ 'vdev=xvda,backendtype=qdisk,target=/i/a.img' ]\n",
		       "g.cfg:1: dm_restrict: disk 0 (g.cfg:3) is a qdisk disk");
	assert_refused("disk = [ '/i/a.qcow2,qcow2,xvda,w' ]\ndm_restrict = \"yes\"\n",
		       "g.cfg:2: dm_restrict: disk 0 (g.cfg:1) is a qdisk disk");
	/* asked for on xl's command line: the argument is named */
	assert_int_equal(parse("disk = [ '/i/a.qcow2,qcow2,xvda,w' ]\n", args, 1, &c, &err),
			 -EINVAL);
	if (!strstr(err.msg, "argument 1:1: dm_restrict: disk 0 (g.cfg:1) is a qdisk disk"))
		fail_msg("message \"%s\"", err.msg);
	/* a disk given on the command line decides too */
	args[0] = "disk=['/i/a.qcow2,qcow2,xvda,w']";
	assert_int_equal(parse("dm_restrict = 1\n", args, 1, &c, &err), -EINVAL);
	if (!strstr(err.msg, "g.cfg:1: dm_restrict: disk 0 (argument 1:1) is a qdisk disk"))
		fail_msg("message \"%s\"", err.msg);
}

/* The same for the legacy backends of a PV guest's qemu: under dm_restrict
 * a vfb's, vkbd's or console's backend reaches InitWait but never sees its
 * frontend again (scenario xen/79), so they take dm_restrict off too. */
static void a_pv_guests_vfb_vkb_channel_or_p9_takes_dm_restrict_off(void **state)
{
	(void)state;
	assert_dm_restrict("vfb = [ 'vnc=1' ]\n", "0");
	assert_dm_restrict("type = \"pvh\"\nvfb = [ 'sdl=0,vnc=1,vnclisten=127.0.0.1' ]\n", "0");
	assert_dm_restrict("vkb = [ 'backend-type=qemu' ]\n", "0");
	assert_dm_restrict("vkb = [ 'backend-type = linux', ' backend-type=qemu ' ]\n", "0");
	assert_dm_restrict("channel = [ 'name=org.a,connection=pty' ]\n", "0");
	assert_dm_restrict("p9 = [ 'tag=t,security_model=none,path=/srv/t' ]\n", "0");
	assert_dm_restrict("disk = [ 'phy:/dev/loop0,xvda,w' ]\nvfb = [ 'vnc=1' ]\n", "0");
	/* kernel backends, another domain's backends, empty lists */
	assert_dm_restrict("vkb = [ 'backend-type=linux' ]\n", "1");
	assert_dm_restrict("vkb = [ ' backend-type = linux ,unique-id=k' ]\n", "1");
	assert_dm_restrict("vfb = [ 'backend=dd,vnc=1' ]\n", "1");
	assert_dm_restrict("channel = [ 'backend=dd,name=org.a,connection=pty' ]\n", "1");
	assert_dm_restrict("p9 = [ 'backend=dd,tag=t,path=/srv/t' ]\n", "1");
	assert_dm_restrict("vfb = []\nchannel = []\n", "1");
	/* not a list: xl reads no device from it */
	assert_dm_restrict("vfb = \"vnc=1\"\n", "1");
	/* HVM: its vfb key is ignored, its qemu stays restricted */
	assert_dm_restrict("type = \"hvm\"\nvfb = [ 'vnc=1' ]\nchannel = [ 'name=a' ]\n", "1");
}

static void dm_restrict_with_a_pv_guests_vfb_vkb_channel_or_p9_is_refused(void **state)
{
	(void)state;
	assert_refused("vfb = [ 'vnc=1' ]\ndm_restrict = 1\n",
		       "g.cfg:2: dm_restrict: vfb 0 (g.cfg:1) is a framebuffer (with its keyboard) "
		       "that qemu serves, which a PV guest's qemu cannot serve under dm_restrict "
		       "(Xen 4.17, QEMU 7.2: it loses xenstore); remove dm_restrict or remove the vfb");
	assert_refused("vkb = [ 'backend-type=linux', 'backend-type=qemu' ]\ndm_restrict = 1\n",
		       "g.cfg:2: dm_restrict: vkb 1 (g.cfg:1) is a keyboard that qemu serves");
	assert_refused("dm_restrict = 1\nchannel = [ 'backend=dd,name=a', 'name=b' ]\n",
		       "g.cfg:1: dm_restrict: channel 1 (g.cfg:2) is a channel that qemu serves as a console");
	assert_refused("p9 = [ 'tag=t,path=/srv/t' ]\ndm_restrict = 1\n",
		       "g.cfg:2: dm_restrict: p9 0 (g.cfg:1) is a 9pfs share that qemu serves");
	/* the first such device, in the config's order, is named */
	assert_refused("vfb = [ 'vnc=1' ]\ndisk = [ '/i/a.qcow2,qcow2,xvda,w' ]\ndm_restrict = 1\n",
		       "g.cfg:3: dm_restrict: vfb 0 (g.cfg:1) is a framebuffer");
	assert_refused("disk = [ '/i/a.qcow2,qcow2,xvda,w' ]\nvfb = [ 'vnc=1' ]\ndm_restrict = 1\n",
		       "g.cfg:3: dm_restrict: disk 0 (g.cfg:1) is a qdisk disk");
	assert_refused("disk = [ 'phy:/dev/loop0,xvda,w' ]\nvfb = [ 'vnc=1' ]\ndm_restrict = 1\n",
		       "g.cfg:3: dm_restrict: vfb 0 (g.cfg:2) is a framebuffer");
}

static void only_qemu_xen_is_accepted_as_device_model(void **state)
{
	(void)state;
	assert_refused("device_model_version = \"qemu-xen-traditional\"\n",
		       "g.cfg:1: device_model_version: only \"qemu-xen\"");
}

static void a_key_given_twice_is_refused(void **state)
{
	(void)state;
	assert_refused("memory = 128\nname = \"a\"\nmemory = 256\n",
		       "g.cfg:3: memory: set again (first on line 1)");
}

static void arguments_override_the_files_keys(void **state)
{
	char *args[] = { "memory=512", "extra=\"x y\"" };
	char *out = NULL;
	XLU_Config *xlu;

	(void)state;
	xlu = derive("memory = 128\nname = \"a\"\n", args, 2, &flask_on, &out);
	assert_value(xlu, "memory", "512");
	assert_value(xlu, "extra", "x y");
	assert_value(xlu, "name", "a");
	xlu_cfg_destroy(xlu);
	free(out);
}

static void a_bad_argument_is_named_by_its_position(void **state)
{
	char *args[] = { "memory=1", "seclabel=\"x\"" }, *noeq[] = { "memory" };
	struct sv_xlcfg c;
	struct sv_error err;

	(void)state;
	assert_int_equal(parse("name = \"a\"\n", args, 2, &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "argument 2:1: seclabel:"));
	assert_int_equal(parse("name = \"a\"\n", noeq, 1, &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "argument 1: expected key=value"));
}

static void hostile_values_are_refused(void **state)
{
	struct sv_xlcfg c;
	struct sv_error err;

	(void)state;
	assert_refused("name = \"a\tb\"\n", "g.cfg:1: name: a value holds a control character");
	assert_refused("uuid = \"not-a-uuid\"\n", "g.cfg:1: uuid:");
	assert_refused("uuid = \"00000000-0000-0000-0000-000000000000\"\n",
		       "g.cfg:1: uuid: the nil uuid");
	assert_refused("uuid = [ \"" UUID "\" ]\n", "g.cfg:1: uuid: expected a single value");
	assert_refused("vif = 'bridge=xenbr0'\n", "g.cfg:1: vif: expected a list");
	assert_refused("disk = [ [ 'a' ] ]\n", "g.cfg:1: lists inside lists");
	assert_refused("name = \"\\x41\"\n", "g.cfg:1: only the escapes");
	assert_refused("disk += [ 'a' ]\n", "'+=' is not supported");
	assert_int_equal(sv_xlcfg_parse("name = \"a\"\n\0x", 13, "g.cfg", NULL, 0,
					&c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "NUL"));
}

static void a_config_without_uuid_takes_the_given_one(void **state)
{
	struct sv_xlcfg_derive d = flask_on;
	struct sv_xlcfg c;
	struct sv_error err;
	char *out = NULL;
	size_t len;

	(void)state;
	assert_int_equal(parse("name = \"a\"\n", NULL, 0, &c, &err), 0);
	assert_false(c.has_uuid);
	assert_string_equal(sv_xlcfg_get(&c, "name"), "a");
	d.uuid = NULL;
	assert_int_equal(sv_xlcfg_derive(&c, &d, &out, &len, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "has no uuid"));
	d.uuid = "00000000-0000-0000-0000-000000000000";
	assert_int_equal(sv_xlcfg_derive(&c, &d, &out, &len, &err), -EINVAL);
	assert_null(out);
	sv_xlcfg_free(&c);
}

/* --- issue 16 item 8: HVM guests and their stub device model --- */
static void an_hvm_guests_stub_domain_is_recorded(void **state)
{
	char *args[] = { "device_model_stubdomain_override=0" };
	struct sv_xlcfg c;
	struct sv_error err = { .msg = "" };
	char *out = NULL;
	XLU_Config *xlu;

	(void)state;
	assert_int_equal(parse("type = \"hvm\"\n", NULL, 0, &c, &err), 0);
	assert_true(c.hvm);
	assert_false(c.stubdom);
	sv_xlcfg_free(&c);
	assert_int_equal(parse("type = \"pv\"\n", NULL, 0, &c, &err), 0);
	assert_false(c.hvm);
	sv_xlcfg_free(&c);
	assert_int_equal(parse("builder = \"hvm\"\ndevice_model_stubdomain_override = 1\n",
			       NULL, 0, &c, &err), 0);
	assert_true(c.hvm);
	assert_true(c.stubdom);
	sv_xlcfg_free(&c);
	/* an argument turns it off again, as it does for xl */
	assert_int_equal(parse("type = \"hvm\"\ndevice_model_stubdomain_override = 1\n",
			       args, 1, &c, &err), 0);
	assert_false(c.stubdom);
	sv_xlcfg_free(&c);
	/* the derived config keeps it, with the stub's label and the interposer
	 * (which libxl gives the dom0 qemu serving the stub's consoles) */
	xlu = derive("type = \"hvm\"\ndevice_model_stubdomain_override = 1\n",
		     NULL, 0, &flask_on, &out);
	assert_value(xlu, "device_model_stubdomain_override", "1");
	assert_value(xlu, "device_model_stubdomain_seclabel", DMLABEL);
	assert_value(xlu, "device_model_override", flask_on.interposer);
	assert_value(xlu, "type", "hvm");
	xlu_cfg_destroy(xlu);
	free(out);
}

static void a_stub_domain_for_a_guest_that_is_not_hvm_is_refused(void **state)
{
	(void)state;
	assert_refused("device_model_stubdomain_override = 1\n",
		       "g.cfg:1: device_model_stubdomain_override: a stub device model is "
		       "for type = \"hvm\" guests only");
	assert_refused("type = \"pvh\"\ndevice_model_stubdomain_override = 1\n",
		       "g.cfg:2: device_model_stubdomain_override: a stub device model");
	assert_refused("type = \"hvm\"\ndevice_model_stubdomain_override = 2\n",
		       "g.cfg:2: device_model_stubdomain_override: expected 0 or 1");
	assert_refused("type = \"hvm\"\ndevice_model_stubdomain_override = \"yes\"\n",
		       "g.cfg:2: device_model_stubdomain_override: expected 0 or 1");
	assert_refused("type = [ \"hvm\" ]\n", "g.cfg:1: type: expected a single value");
	assert_refused("type = \"hvm\"\ndevice_model_stubdomain_override = [ 1 ]\n",
		       "g.cfg:2: device_model_stubdomain_override: expected a single value");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values_come_back_exactly_with_svirt_keys_added),
		cmocka_unit_test(without_flask_no_seclabel_is_written),
		cmocka_unit_test(the_configs_uuid_is_kept_in_canonical_form),
		cmocka_unit_test(every_vif_gets_the_script),
		cmocka_unit_test(vifs_without_a_script_are_refused),
		cmocka_unit_test(a_guest_setting_its_own_script_is_refused),
		cmocka_unit_test(keys_svirt_xl_owns_are_refused_with_their_line),
		cmocka_unit_test(dm_restrict_may_only_be_one),
		cmocka_unit_test(a_pv_guests_qdisk_disk_takes_dm_restrict_off),
		cmocka_unit_test(dm_restrict_with_a_pv_guests_qdisk_disk_is_refused),
		cmocka_unit_test(a_pv_guests_vfb_vkb_channel_or_p9_takes_dm_restrict_off),
		cmocka_unit_test(dm_restrict_with_a_pv_guests_vfb_vkb_channel_or_p9_is_refused),
		cmocka_unit_test(only_qemu_xen_is_accepted_as_device_model),
		cmocka_unit_test(a_key_given_twice_is_refused),
		cmocka_unit_test(arguments_override_the_files_keys),
		cmocka_unit_test(a_bad_argument_is_named_by_its_position),
		cmocka_unit_test(hostile_values_are_refused),
		cmocka_unit_test(a_config_without_uuid_takes_the_given_one),
		cmocka_unit_test(an_hvm_guests_stub_domain_is_recorded),
		cmocka_unit_test(a_stub_domain_for_a_guest_that_is_not_hvm_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
