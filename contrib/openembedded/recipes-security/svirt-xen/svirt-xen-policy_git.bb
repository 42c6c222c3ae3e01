SUMMARY = "svirt-xen's dom0 SELinux policy module"
DESCRIPTION = "The domains of svirtd, svirt-interpose and the device models, and the \
MCS constraints that keep one guest's pair from another's, built against the image's \
refpolicy and installed into its store."
SECTION = "admin"

require svirt-xen.inc

# The refpolicy the image runs: its headers (include/, with the devel Makefile) come into
# the sysroot with it, and the native policy tools compile against them.
SVIRT_POLICY_NAME ?= "mcs"
DEPENDS = "virtual/refpolicy checkpolicy-native policycoreutils-native \
    semodule-utils-native m4-native python3-native"
# refpolicy is machine specific in meta-selinux; the module follows it.
PACKAGE_ARCH = "${MACHINE_ARCH}"

POLICY_HEADERS = "${STAGING_DATADIR}/selinux/${SVIRT_POLICY_NAME}/include"

# policy/policy.mk alone (no C compiler involved): the module and its CIL part.  The devel
# Makefile takes the sysroot's headers and the native tools instead of /usr's.
do_compile() {
    oe_runmake -f policy/policy.mk build/policy/svirt_xen.pp build/policy/svirt_xen_mcs.cil \
        POLICY_TYPE='${SVIRT_POLICY_NAME}' POLICY_DEVEL_MK='${POLICY_HEADERS}/Makefile' \
        POLICY_DEVEL_ARGS="HEADERDIR='${POLICY_HEADERS}' BINDIR='${STAGING_BINDIR_NATIVE}' \
            SBINDIR='${STAGING_SBINDIR_NATIVE}' M4=m4 PYTHON=python3"
}

do_install() {
    install -d ${D}${datadir}/selinux/${SVIRT_POLICY_NAME}
    install -m 0644 ${B}/build/policy/svirt_xen.pp ${B}/build/policy/svirt_xen_mcs.cil \
        ${D}${datadir}/selinux/${SVIRT_POLICY_NAME}/
}

FILES:${PN} = "${datadir}/selinux/${SVIRT_POLICY_NAME}"

# Into the store at priority 400 (as make policy does): at image build time with the
# native semodule (-p $D, no rebuild: the image class builds the policy once at the end),
# else on the target.  Running it again replaces the same modules.
PACKAGE_WRITE_DEPS += "policycoreutils-native semodule-utils-native"
pkg_postinst:${PN}() {
    dir=${datadir}/selinux/${SVIRT_POLICY_NAME}
    if [ -n "$D" ]; then
        semodule -p "$D" -s ${SVIRT_POLICY_NAME} -n -X 400 \
            -i "$D$dir/svirt_xen.pp" -i "$D$dir/svirt_xen_mcs.cil"
    else
        semodule -s ${SVIRT_POLICY_NAME} -X 400 -i "$dir/svirt_xen.pp" -i "$dir/svirt_xen_mcs.cil"
    fi
}
pkg_postrm:${PN}() {
    if [ -z "$D" ]; then
        semodule -s ${SVIRT_POLICY_NAME} -X 400 -r svirt_xen_mcs svirt_xen || true
    fi
}
RDEPENDS:${PN} = "policycoreutils-semodule"
