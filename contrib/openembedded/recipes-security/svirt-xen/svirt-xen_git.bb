SUMMARY = "sVirt for Xen dom0: a SELinux MCS category pair per guest"
DESCRIPTION = "svirtd labels each guest's storage, device model and network traffic \
with the guest's own MCS pair; svirt-interpose starts qemu under it; svirt-xl is the \
strict xl create.  The policy module is svirt-xen-policy."
SECTION = "admin"

require svirt-xen.inc

# As meta-virtualization's Xen tools recipes: the libraries through pkg-config from the
# sysroot, the service for systemd and for sysvinit alike.
inherit pkgconfig systemd update-rc.d

# libxenlight, libxlutil, libxenstore, libxenctrl, libxentoollog (xen-tools); blkid
# (util-linux); libnl-genl; libnftables; libaudit (svirtd's VIRT_* records).
DEPENDS = "xen-tools libselinux util-linux libnl nftables audit"

# The compiled-in Xen paths: meta-virtualization's xen-tools runs the device model from
# its qemu recipe (--with-system-qemu); xl and the hotplug scripts where it installs them.
XEN_QEMU ?= "${bindir}/qemu-system-i386"
EXTRA_OEMAKE += " \
    XEN_QEMU='${XEN_QEMU}' XEN_XL='${sbindir}/xl' XEN_SCRIPTDIR='${sysconfdir}/xen/scripts' \
    SYSTEMDUNITDIR='${systemd_system_unitdir}' \
"

# The trees svirtd may relabel under (svirt.conf's relabel_roots): OpenXT keeps guests'
# disks under /storage and opens VHDs through blktap2.
SVIRT_RELABEL_ROOTS ?= "/storage /dev/xen/blktap-2 /dev"

do_compile() {
    oe_runmake all
}

do_install() {
    oe_runmake install DESTDIR='${D}'
    # The policy's sources: svirt-xen-policy ships it compiled.
    rm -rf ${D}${datadir}/svirt-xen/policy
    rmdir --ignore-fail-on-non-empty ${D}${datadir}/svirt-xen
    # relabel_roots = [ ... ] in the installed svirt.conf, one root a line.
    awk -v roots="${SVIRT_RELABEL_ROOTS}" '
        /^relabel_roots = \[/ { print; n = split(roots, r, " ")
            for (i = 1; i <= n; i++) printf "\t\"%s\",\n", r[i]; skip = 1; next }
        skip && /^\]/ { skip = 0 }
        !skip { print }' ${D}${sysconfdir}/svirt/svirt.conf > ${B}/svirt.conf.oe
    install -m 0644 ${B}/svirt.conf.oe ${D}${sysconfdir}/svirt/svirt.conf
    # Without sysvinit in DISTRO_FEATURES the init script is not wanted.
    if ! ${@bb.utils.contains('DISTRO_FEATURES', 'sysvinit', 'true', 'false', d)}; then
        rm -rf ${D}${sysconfdir}/init.d
    fi
    if ! ${@bb.utils.contains('DISTRO_FEATURES', 'systemd', 'true', 'false', d)}; then
        rm -rf ${D}${systemd_system_unitdir}
    fi
}

SYSTEMD_SERVICE:${PN} = "svirtd.service"
# After xencommons (xenstored, 70 in xen-tools' script), before xendomains (99) starts the
# guests; stopped after xendomains (00) has stopped them, before xencommons (10).
INITSCRIPT_NAME = "svirtd"
INITSCRIPT_PARAMS = "start 75 2 3 4 5 . stop 05 0 1 6 ."

FILES:${PN} += " \
    ${libexecdir}/svirt-xen \
    ${sysconfdir}/xen/scripts/vif-svirt \
    ${systemd_system_unitdir}/svirtd.service \
"
CONFFILES:${PN} = "${sysconfdir}/svirt/svirt.conf"
# The policy that defines svirtd's and the device models' domains; xl for svirt-xl create.
RDEPENDS:${PN} = "svirt-xen-policy xen-tools-xl"
