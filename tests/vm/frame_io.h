/* frame_io.h: crafted frames (tests/unit/frames.h) sent from and counted on an interface, through a
 * packet socket: svirt-nettool's and the guest kit's svirt-frame's command line. */
#ifndef SVIRT_VM_FRAME_IO_H
#define SVIRT_VM_FRAME_IO_H

/*   PROG send IFACE KIND SEQ   one crafted broadcast frame of KIND, marked SEQ
 *   PROG recv IFACE MS [LAST]  prints "listening", then "got SEQ" for each crafted
 *                              frame IFACE receives within MS ms; ends early once
 *                              it got the one marked LAST
 * Exit 0, 1 on a failure (its message on stderr), 2 on a usage error. */
int sv_frame_main(const char *prog, int argc, char **argv);

#endif
