/* wait_kill.c: whether a test's child died of SIGKILL (wait_kill.h). */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wait_kill.h"

bool child_killed(pid_t p)
{
	int st;

	for (int i = 0; i < 100; i++) {
		pid_t w = waitpid(p, &st, WNOHANG);

		if (w == p)
			return WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
		if (w < 0)
			return false;
		usleep(10 * 1000);
	}
	return false;
}
