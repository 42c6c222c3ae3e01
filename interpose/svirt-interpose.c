/* svirt-interpose.c: main() of svirt-interpose, libxl's device_model_override.
 * No options of its own: argv and the environment are qemu's, passed on unchanged. */
#include <stdio.h>
#include <string.h>

#include "interpose.h"

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
