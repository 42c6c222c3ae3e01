/* svirt-interpose.c: main() of svirt-interpose, libxl's device_model_override.
 * One option of its own, --version alone; else argv and the environment are qemu's, passed on. */
#include <stdio.h>
#include <string.h>

#include "interpose.h"
#include "version.h"

extern char **environ;

/* One line on stderr, which libxl copies into the device-model log
 * (/var/log/xen/qemu-dm-<name>.log), and a non-zero exit: qemu never ran. */
static int refuse(const struct sv_error *err)
{
	fprintf(stderr, "svirt-interpose: refusing to start qemu: %s\n",
		err->msg);
	return 1;
}

int main(int argc, char **argv)
{
	struct sv_interpose_conf conf;
	struct sv_error err = { "" };

	/* libxl always passes -xen-domid, so this costs a qemu start one
	 * comparison: no file is read and no library loaded for it. */
	if (argc == 2 && strcmp(argv[1], "--version") == 0)
		return sv_version_print(stdout, "svirt-interpose") < 0 ||
		       printf("configuration: %s\ndefault qemu: %s\n",
			      SV_INTERPOSE_CONF, SV_INTERPOSE_QEMU) < 0 ||
		       fflush(stdout) != 0;
	if (sv_interpose_conf_load(SV_INTERPOSE_CONF, &conf, &err) < 0)
		return refuse(&err);
	if (conf.qemu[0] == '\0' &&
	    sv_interpose_default_qemu("/proc/self/exe", SV_INTERPOSE_QEMU,
				      conf.qemu, sizeof(conf.qemu)) < 0) {
		snprintf(err.msg, sizeof(err.msg), "no room for qemu's path");
		return refuse(&err);
	}
	sv_interpose_run(&conf, &sv_interpose_selinux_ops, argc, argv, environ,
			 &err);
	return refuse(&err);
}
