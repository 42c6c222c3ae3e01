#!/bin/bash
# Scenario (issue 19 item 2): a process in guest web's label is refused guest db's disk, and `svirt-xl denials` names
# both guests by name, uuid and domain, the disk by its path; after web has ended, and svirtd was killed and
# restarted, the same denial still names web, from svirtd's history. Both guests are svirt-xl's, on qdisk disks,
# and each sees its disk from inside (their qemus without dm_restrict, under which they would serve none).
set -euo pipefail
. "$VM_LIB"

command -v svirt-xl >/dev/null || fail "svirt-xl is not installed"
running svirtd || fail "svirtd is not running in dom0"
interpose_conf_save
cleanup() {
	running svirtd || restart_svirtd "after a failure" || true
	xl destroy web 2>/dev/null || true
	xl destroy db 2>/dev/null || true
	rm -f "$IMAGES/web.img" "$IMAGES/db.img"
	interpose_conf_restore
}
trap cleanup EXIT
interpose_without_dm_restrict

for g in web db; do
	truncate -s 16M "$IMAGES/$g.img"
	guest_config "$g" 10.77.0.77 "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/$g.img" |
		sed '/^vif = /d' >"$g.cfg"
	check "svirt-xl create $g" timed svirt-xl create "$g.cfg"
done
dw=$(domid_of web)
dd=$(domid_of db)
check "svirtd labelled web" svirt_labelled "$dw"
check "svirtd labelled db" svirt_labelled "$dd"
# From inside: blkfront waits 270 s for a backend that never connects; the
# guest kit writes data/ready once blkfront has its disks (or has given up).
wait_until 240 "web writes data/ready=1" guest_ready "$dw"
wait_until 240 "db writes data/ready=1" guest_ready "$dd"
check_qdisk_served web "$dw"
check_qdisk_served db "$dd"
uw=$(svirt_node "$dw" uuid)
ud=$(svirt_node "$dd" uuid)
label_web=$(svirt_node "$dw" label)
img_db=$(svirt_node "$dd" imagelabel)
check_eq "db's disk carries db's label" "$img_db" "$(label_of "$IMAGES/db.img")"

# refpolicy enters svirt_xen_t only through qemu's type: this dd plays web's
# qemu, started at s0 as xl starts it, in web's label (scenario 15's way).
cp /bin/dd dm-dd
chcon -t qemu_exec_t dm-dd
t0=$(date +%s)
refute "web's label writes db's disk" as_toolstack runcon "$label_web" ./dm-dd if=/dev/zero \
	of="$IMAGES/db.img" bs=4k count=1 conv=notrunc status=none
check_avc "the kernel's AVC: web's pair against db's disk" \
	"denied  \\{[^}]*\\} for .*comm=\"dm-dd\" .*name=\"db.img\" .*scontext=$label_web tcontext=$img_db tclass=file"

# "web (uuid, domain N) was refused write on /var/lib/xen/images/db.img, a disk of db (uuid, domain M)"
want="web \\($uw, domain $dw\\) was refused [a-z_ ]*write[a-z_ ]* on $IMAGES/db.img, a disk of db \\($ud, domain $dd\\)"
svirt-xl denials >denials.out 2>denials.err || { cat denials.out denials.err; fail "svirt-xl denials failed"; }
cat denials.out
check "svirt-xl denials names web and db, and db's disk" grep -Eq "$want" denials.out
svirt-xl denials --guest db >db.out
check "--guest db keeps it" grep -Eq "$want" db.out
svirt-xl denials --guest "$uw" >uw.out
check "--guest by web's uuid keeps it" grep -Eq "$want" uw.out
svirt-xl denials --guest no-such-guest >none.out
check "--guest of another guest drops it" not grep -q "a disk of db" none.out
svirt-xl denials --since "@$t0" >since.out
check "--since before it keeps it" grep -Eq "$want" since.out
svirt-xl denials --since "@$((t0 + 3600))" >later.out
check "--since after it drops it" not grep -q "a disk of db" later.out
svirt-xl denials --json --guest web >denials.json
check "--json names web as the subject" grep -q "\"subject\": {\"name\": \"web\", \"uuid\": \"$uw\", \"domid\": $dw" denials.json
check "--json names db as the object, its disk by path" \
	grep -q "\"path\": \"$IMAGES/db.img\", \"kind\": \"disk\", .*\"object\": {\"name\": \"db\", \"uuid\": \"$ud\"" denials.json
check_eq "--json is one array" "[]" "$(head -c 1 denials.json)$(tail -n 1 denials.json)"
check "--flask reads the hypervisor's console too" svirt-xl denials --flask --guest web

# web ends; svirtd is killed and restarted: its history still names web.
check "xl destroy web" xl destroy web
wait_until 30 "svirtd let go of web" xs_gone "/local/domain/0/svirt/$dw"
pid=$(pidof svirtd) || fail "svirtd is not running"
kill -9 "$pid"
wait_until 10 "svirtd ($pid) killed" dead "$pid"
restart_svirtd "after the kill"
ended="web \\($uw, domain $dw, ended\\) was refused [a-z_ ]*write[a-z_ ]* on [^ ]*db.img, a disk of db \\($ud, domain $dd\\)"
svirt-xl denials --guest web >ended.out
cat ended.out
check "an ended guest is named from svirtd's history" grep -Eq "$ended" ended.out

check "xl destroy db" xl destroy db
rm -f "$IMAGES/web.img" "$IMAGES/db.img" dm-dd
