#!/bin/bash
# Scenario: a disk two guests have read-only gets the content label at s0; an image listed in svirtd's
# shared_images (set through SIGHUP) that two guests both have writable gets the image type at s0, no pair.
set -euo pipefail
. "$VM_LIB"

CONF=/etc/svirt/svirt.conf
RO=$IMAGES/s45-content.img
SHARED=$IMAGES/s45-shared.img
CONTENT_LABEL=system_u:object_r:svirt_xen_content_t:s0
SHARED_LABEL=system_u:object_r:svirt_xen_image_t:s0
saved=$PWD/svirt.conf.orig
roloop=''

reloads() { grep -c "reloaded $CONF" $LOG || true; }
reloaded_after() { [ "$(reloads)" -gt "$1" ]; }
# hup: SIGHUP to svirtd, and wait for its "reloaded" line (a config it refused has no such line).
hup() {
	local n
	n=$(reloads)
	kill -HUP "$(pidof svirtd)"
	wait_until 30 "svirtd reloaded $CONF ($1)" reloaded_after "$n"
}
has_record() { getfattr -n trusted.svirt "$1" >/dev/null 2>&1; }
# These guests need not boot: svirtd labels a domain from its backends, which exist once xl create -p returns.
paused_config() {
	guest_config "$1" 10.77.0.45 "$2" | sed '/^vif = /d'
}

cleanup() {
	local g
	for g in r45a r45b; do
		if domid_of "$g" >/dev/null; then xl destroy "$g" || true; fi
	done
	if [ -s "$saved" ] && ! cmp -s "$saved" "$CONF"; then
		cp "$saved" "$CONF"
		kill -HUP "$(pidof svirtd)" || true
	fi
	if [ -n "$roloop" ]; then losetup -d "$roloop" || true; fi
	rm -f "$RO" "$SHARED"
}
trap cleanup EXIT

running svirtd || fail "svirtd is not running in dom0"
truncate -s 16M "$RO" "$SHARED"
orig_ro=$(label_of "$RO")
orig_shared=$(label_of "$SHARED")
echo "before: $RO $orig_ro"
echo "before: $SHARED $orig_shared"

cp "$CONF" "$saved"
check "the installed config lists no shared image" grep -qx 'shared_images = \[\]' "$CONF"
sed "s|^shared_images = \[\]\$|shared_images = [ \"$SHARED\" ]|" "$saved" >"$CONF"
check "the new config lists $SHARED as shared" grep -qx "shared_images = \[ \"$SHARED\" \]" "$CONF"
hup "$SHARED shared"

# Both guests: the shared image writable (qdisk opens raw files without locks, so two may), and the
# content image read-only through a read-only loop device (blkback, vbd mode "r"): this host's qemu
# cannot serve a read-only qdisk ("realization of device xen-disk failed: Block node is read-only").
roloop=$(losetup -r -f --show "$RO")
orig_roloop=$(label_of "$roloop")
echo "before: $roloop $orig_roloop (read-only loop of $RO)"
for g in r45a r45b; do
	paused_config "$g" "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$SHARED', 'phy:$roloop,xvdb,r" >"$g.cfg"
done
grep '^disk' r45a.cfg
timed xl create -p r45a.cfg >r45a.out 2>&1 &
pa=$!
timed xl create -p r45b.cfg >r45b.out 2>&1 &
pb=$!
rc=0; wait "$pa" || rc=$?
cat r45a.out
[ "$rc" = 0 ] || fail "xl create r45a (shared rw + content ro) failed"
rc=0; wait "$pb" || rc=$?
cat r45b.out
[ "$rc" = 0 ] || fail "xl create r45b (the same shared image rw + content ro) failed"
da=$(domid_of r45a)
db=$(domid_of r45b)
echo "r45a is domain $da, r45b is domain $db"
xenstore-ls -f /local/domain/0/backend | grep -E "/($da|$db)/[0-9]+/(params|mode) " || true
for d in "$da" "$db"; do
	check_eq "domain $d has the shared image writable" w "$(xenstore-read "/local/domain/0/backend/qdisk/$d/51712/mode")"
	check_eq "domain $d has the content disk read-only" r "$(xenstore-read "/local/domain/0/backend/vbd/$d/51728/mode")"
done

for d in "$da" "$db"; do
	wait_until 60 "svirtd reports domain $d labelled" svirt_labelled "$d"
	wait_until 60 "svirtd counts three objects for domain $d (shared file, loop, its backing file)" \
		xs_is "/local/domain/0/svirt/$d/objects" 3
done
ia=$(svirt_node "$da" imagelabel)
ib=$(svirt_node "$db" imagelabel)
refute "r45a and r45b share a category pair" test "${ia##*:}" = "${ib##*:}"
check_eq "the read-only loop device has the content label at s0" "$CONTENT_LABEL" "$(label_of "$roloop")"
check_eq "its backing file has the content label at s0" "$CONTENT_LABEL" "$(label_of "$RO")"
check_eq "the shared image has the image type at s0, no categories" "$SHARED_LABEL" "$(label_of "$SHARED")"
ls -Z "$RO" "$roloop" "$SHARED"

check "xl destroy r45a" timed xl destroy r45a
wait_until 60 "r45a's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$da"
check_eq "r45b still holds the shared image: its label stays" "$SHARED_LABEL" "$(label_of "$SHARED")"
check_eq "r45b still holds the content disk: its label stays" "$CONTENT_LABEL" "$(label_of "$roloop")"
check "the shared image's record stays while r45b holds it" has_record "$SHARED"

check "xl destroy r45b" timed xl destroy r45b
wait_until 60 "r45b's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$db"
check_eq "the content loop device has its original label back" "$orig_roloop" "$(label_of "$roloop")"
check_eq "the content file has its original label back" "$orig_ro" "$(label_of "$RO")"
refute "the content loop device still has a trusted.svirt record" has_record "$roloop"
check_eq "the shared image has its original label back" "$orig_shared" "$(label_of "$SHARED")"
refute "the content disk still has a trusted.svirt record" has_record "$RO"
refute "the shared image still has a trusted.svirt record" has_record "$SHARED"

cp "$saved" "$CONF"
hup "the installed config again"
check "the installed config is back" cmp -s "$saved" "$CONF"
