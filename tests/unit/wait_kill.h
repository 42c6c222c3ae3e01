/* wait_kill.h: whether a test's child died of SIGKILL, waited for briefly. */
#ifndef SVIRT_TEST_WAIT_KILL_H
#define SVIRT_TEST_WAIT_KILL_H

#include <stdbool.h>
#include <sys/types.h>

/* Killed by SIGKILL within a second (reaps it); never blocks for longer. */
bool child_killed(pid_t p);

#endif
