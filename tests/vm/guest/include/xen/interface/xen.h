/* Linux's uapi <xen/privcmd.h> includes the kernel's own <xen/interface/xen.h>, which no package installs for
 * userspace; Xen's public xen.h (libxen-dev) defines what it uses (domid_t). For svirt-gnttest, built with -I here. */
#include <xen/xen.h>
