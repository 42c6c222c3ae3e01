/* svirt-frame.c: the guest kit's and dom0's crafted-frame tool, static (frame_io.h): a guest sends frames
 * the IP hooks never see, another guest and dom0's bridge count what reaches them. */
#include "../frame_io.h"

int main(int argc, char **argv)
{
	return sv_frame_main("svirt-frame", argc, argv);
}
