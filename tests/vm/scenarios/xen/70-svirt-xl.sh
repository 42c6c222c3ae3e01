#!/bin/bash
# Scenario: svirt-xl create of two guests (distinct pairs, disks and qemus labelled, unpaused, list --json shows them),
# each PV guest seeing its qdisk disk from inside (its qemu without dm_restrict, under which it would serve none),
# refusals that leave no domain and no reservation (svirtd stopped, xl failing, vif script missing, hostile config,
# dm_restrict asked for a qdisk PV guest, an interposer that requires dm_restrict), verify's drift.
set -euo pipefail
. "$VM_LIB"
# qemu looks into the directory xl ran from (this scenario's scratch directory,
# user_tmp_t): a device model has no business there, and the policy refuses it.
expect_avc 'denied  \{ search \} for .*comm="xen-qemu-system" .*scontext=system_u:system_r:svirt_xen_t:s0:c[0-9]+,c[0-9]+ tcontext=unconfined_u:object_r:user_tmp_t:s0 tclass=dir'

command -v svirt-xl >/dev/null || fail "svirt-xl is not installed"
running svirtd || fail "svirtd is not running in dom0"
GUESTS="s1 s2 s3 s4"
interpose_conf_save
cleanup() {
	local g
	running svirtd || restart_svirtd || true
	for g in $GUESTS; do xl destroy "$g" 2>/dev/null || true; done
	for g in $GUESTS; do rm -f "$IMAGES/$g.img"; done
	interpose_conf_restore
}
trap cleanup EXIT
# A PV guest's qdisk qemu runs without dm_restrict (Xen 4.17, QEMU 7.2: under it
# that qemu loses xenstore and serves no disk), which the host allows here.
interpose_without_dm_restrict
# xl list's state column: "p" third means paused.
unpaused() { xl list "$1" | awk 'NR == 2 { exit substr($5, 3, 1) == "p" }'; }
no_domain() { not xl domid "$1"; }
# svirtd's LIST knows the uuid (as a domain or a reservation).
svirtd_knows() { svirt-xl list --json | has "\"uuid\": \"$1\""; }
qdisk_config() {
	guest_config "$1" 10.77.0.7"${1#s}" "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/$1.img" |
		sed '/^vif = /d'
}

# --- two guests through svirt-xl create
for g in s1 s2; do
	truncate -s 64M "$IMAGES/$g.img"
	qdisk_config "$g" >"$g.cfg"
done
check "svirt-xl create s1" timed svirt-xl create s1.cfg
check "svirt-xl create s2" timed svirt-xl create s2.cfg
d1=$(domid_of s1) || fail "no domain s1"
d2=$(domid_of s2) || fail "no domain s2"
check_eq "svirtd reports s1 labelled" labelled "$(svirt_node "$d1" state)"
check_eq "svirtd reports s2 labelled" labelled "$(svirt_node "$d2" state)"
check "s1 was unpaused" unpaused s1
check "s2 was unpaused" unpaused s2
img1=$(svirt_node "$d1" imagelabel)
img2=$(svirt_node "$d2" imagelabel)
p1=${img1##*:}
p2=${img2##*:}
refute "s1 and s2 share a pair" test "$p1" = "$p2"
check_eq "s1's disk carries s1's label" "$img1" "$(label_of "$IMAGES/s1.img")"
check_eq "s2's disk carries s2's label" "$img2" "$(label_of "$IMAGES/s2.img")"
q1=$(dm_pid "$d1") || fail "no qemu for s1"
q2=$(dm_pid "$d2") || fail "no qemu for s2"
check_eq "s1's qemu runs in s1's label" "$(svirt_node "$d1" label)" "$(tr -d '\0' <"/proc/$q1/attr/current")"
check_eq "s2's qemu runs in s2's label" "$(svirt_node "$d2" label)" "$(tr -d '\0' <"/proc/$q2/attr/current")"
# From inside: blkfront waits 270 s for a backend that never connects; the
# guest kit writes data/ready once blkfront has its disks (or has given up).
wait_until 240 "s1 writes data/ready=1" guest_ready "$d1"
wait_until 240 "s2 writes data/ready=1" guest_ready "$d2"
check_qdisk_served s1 "$d1"
check_qdisk_served s2 "$d2"
refute "s1's qemu was started with -xen-domid-restrict (svirt-xl forced dm_restrict on a qdisk PV guest)" \
	grep -qa -- -xen-domid-restrict "/proc/$q1/cmdline"
check "no derived config is left behind" test -z "$(ls -A /run/svirt/xl)"
check_eq "/run/svirt/xl is root's alone" "700 root" "$(stat -c '%a %U' /run/svirt/xl)"

svirt-xl list
svirt-xl list --json >list.json
cat list.json
check "list --json shows s1 with its domid and pair" grep -q "\"domid\": $d1, \"name\": \"s1\", .*\"pair\": \"$p1\"" list.json
check "list --json shows s2 with its domid and pair" grep -q "\"domid\": $d2, \"name\": \"s2\", .*\"pair\": \"$p2\"" list.json
check "list --json lists s1's disk with its label" grep -q "\"path\": \"$IMAGES/s1.img\", \"label\": \"$img1\"" list.json
if grep -q '^{"flask": false' list.json; then
	check "without Flask, s1 has no Flask label" grep -q "\"name\": \"s1\", .*\"flask_label\": null" list.json
else
	check "with Flask, s1's Flask label carries its pair" grep -q "\"name\": \"s1\", .*\"flask_label\": \"[^\"]*:$p1\"" list.json
fi

# --- show: one guest in full, by name, domid or uuid
u1=$(svirt_node "$d1" uuid)
svirt-xl show s1 >show1.txt || true
cat show1.txt
check "svirt-xl show s1 finds no problem" svirt-xl show s1
# The run state is Xen's of the moment (running, blocked): not compared.
grep -v '^run state ' show1.txt >show1.fixed
check "show by domid says the same" sh -c "svirt-xl show $d1 | grep -v '^run state ' | cmp -s - show1.fixed"
check "show by uuid in capitals says the same" sh -c "svirt-xl show $(echo "$u1" | tr a-f A-F) | grep -v '^run state ' | cmp -s - show1.fixed"
check "show names s1's disk, the label it carries and svirtd's" \
	sh -c "grep -A2 -x '  $IMAGES/s1.img' show1.txt | tr '\n' ' ' | grep -q 'expected  $img1     carries   $img1 '"
check "show lists s1's qemu at s1's label" grep -qx "  pid $q1 [^ ]*  $(svirt_node "$d1" label)" show1.txt
refute "show lists s2's qemu under s1" grep -q "^  pid $q2 " show1.txt
svirt-xl show --json s2 >show2.json || true
cat show2.json
check "show --json of s2 counts no problem" grep -q '"problems": 0}$' show2.json
check "show --json lists s2's qemu as ok" grep -q "{\"pid\": $q2, \"name\": \"[^\"]*\", \"label\": \"$(svirt_node "$d2" label)\", \"ok\": true}" show2.json
refute "svirt-xl show of a guest that does not exist" svirt-xl show no-such-guest 2>noguest.err
check "it says so" grep -qx 'svirt-xl show: no domain is named "no-such-guest"' noguest.err

# --- verify, and a drift made by hand
check "svirt-xl verify finds nothing wrong" svirt-xl verify
chcon "${img2%:*}:c1,c2" "$IMAGES/s1.img"
svirt-xl verify >verify.out || true
cat verify.out
refute "svirt-xl verify with s1's disk relabelled" svirt-xl verify
check "verify names the drifted disk and both labels" \
	grep -q "domain $d1 (s1): $IMAGES/s1.img: carries ${img2%:*}:c1,c2, expected $img1" verify.out
svirt-xl show s1 >show1.txt || true
refute "svirt-xl show s1 with its disk relabelled" svirt-xl show s1
check "show marks the disk" grep -qx "    carries   ${img2%:*}:c1,c2   <- not svirtd's label" show1.txt
chcon "$img1" "$IMAGES/s1.img"
check "svirt-xl verify is content again" svirt-xl verify

# --- refusals: nothing may be left behind
U3=5b5c0d3e-7070-4a70-8a70-000000000003
{ qdisk_config s3 | sed 's|^kernel = .*|kernel = "/nonexistent/vmlinuz"|'; echo "uuid = \"$U3\""; } >s3.cfg
truncate -s 64M "$IMAGES/s3.img"
refute "svirt-xl create of a guest xl cannot build" svirt-xl create s3.cfg 2>s3.err
cat s3.err
check "it says xl failed" grep -q 'xl.* create -p. failed' s3.err
check "it says the reservation was released" grep -q "reservation for $U3 released" s3.err
check "no domain s3 is left" no_domain s3
refute "svirtd still holds a label for s3's uuid" svirtd_knows "$U3"

{ qdisk_config s3; echo 'seclabel = "system_u:system_r:domU_t"'; } >hostile.cfg
refute "svirt-xl create of a config that sets its own seclabel" svirt-xl create hostile.cfg 2>hostile.err
cat hostile.err
check "the refusal names file, line and key" grep -q "hostile.cfg:$(grep -n '^seclabel' hostile.cfg | cut -d: -f1): seclabel: svirt-xl sets this key itself" hostile.err
check "no domain s3 is left" no_domain s3

{ guest_config s3 10.77.0.73 "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/s3.img"; echo "uuid = \"$U3\""; } >vif.cfg
printf 'vif_script = "vif-svirt-not-installed"\n' >novif.conf
refute "svirt-xl create of a guest with a vif, its script missing" svirt-xl -c novif.conf create vif.cfg 2>vif.err
cat vif.err
check "the refusal names the missing script" grep -q '/etc/xen/scripts/vif-svirt-not-installed is not installed' vif.err
check "no domain s3 is left" no_domain s3
refute "svirtd holds a label for s3's uuid" svirtd_knows "$U3"

# dm_restrict asked for a qdisk PV guest: refused before anything is reserved.
{ qdisk_config s3; echo "uuid = \"$U3\""; echo 'dm_restrict = 1'; } >restrict.cfg
refute "svirt-xl create of a qdisk PV guest with dm_restrict = 1" svirt-xl create restrict.cfg 2>restrict.err
cat restrict.err
check "the refusal names file, line and key, and the qdisk disk" grep -q \
	"restrict.cfg:$(grep -n '^dm_restrict' restrict.cfg | cut -d: -f1): dm_restrict: disk 0 (restrict.cfg:$(grep -n '^disk' restrict.cfg | cut -d: -f1)) is a qdisk disk" restrict.err
check "no domain s3 is left" no_domain s3
refute "svirtd holds a label for s3's uuid" svirtd_knows "$U3"
# An interposer that requires dm_restrict (interpose.conf's default) would refuse
# the qemu: svirt-xl refuses first, saying what to do.
printf 'require_dm_restrict = 1\nwait = 120\n' >"$INTERPOSE_CONF"
{ qdisk_config s3; echo "uuid = \"$U3\""; } >strict.cfg
refute "svirt-xl create of a qdisk PV guest while the interposer requires dm_restrict" \
	svirt-xl create strict.cfg 2>strict.err
cat strict.err
check "the refusal names the disk and require_dm_restrict" grep -q \
	"strict.cfg:$(grep -n '^disk' strict.cfg | cut -d: -f1): disk: disk 0 is a qdisk disk.*require_dm_restrict = 0" strict.err
check "no domain s3 is left" no_domain s3
refute "svirtd holds a label for s3's uuid" svirtd_knows "$U3"
printf 'require_dm_restrict = 0\nwait = 120\n' >"$INTERPOSE_CONF"

# svirtd stopped: no label, no domain.
pid=$(pidof svirtd)
kill "${pid%% *}"
wait_until 30 "svirtd stopped" not running svirtd
truncate -s 64M "$IMAGES/s4.img"
qdisk_config s4 >s4.cfg
refute "svirt-xl create with svirtd stopped" svirt-xl create s4.cfg 2>s4.err
cat s4.err
check "it says no label was reserved" grep -q 'no label reserved' s4.err
check "no domain s4 is left" no_domain s4
restart_svirtd
check "svirt-xl list works again after the restart" svirt-xl list

check "xl destroy s1" xl destroy s1
check "xl destroy s2" xl destroy s2
wait_until 60 "s1's disk label restored" not test "$(label_of "$IMAGES/s1.img")" = "$img1"
