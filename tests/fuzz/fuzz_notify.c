/* fuzz_notify.c: fuzz target for the values systemd hands svirtd in its environment:
 * NOTIFY_SOCKET's address (sv_notify_addr) and JOURNAL_STREAM's dev:ino (sv_journal_stream_is). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct sockaddr_un sa;
	socklen_t len;
	int r;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	r = sv_notify_addr(text, &sa, &len);
	if (r == 0) {
		size_t n = strlen(text);

		if ((text[0] != '/' && text[0] != '@') || n < 2 ||
		    len > sizeof(sa) || sa.sun_family != AF_UNIX ||
		    memcmp(sa.sun_path + 1, text + 1, n - 1) != 0)
			abort();
	} else if (r != -EINVAL) {
		abort();
	}
	/* No fd is named by text unless it is digits:digits. */
	if (sv_journal_stream_is(text, STDIN_FILENO) &&
	    strspn(text, "0123456789:") != strlen(text))
		abort();
	free(text);
	return 0;
}
