/* corpus.h: walks a folder of test inputs (tests/data/...) for the unit tests.
 * Tests run from the repository's top, so folders are given relative to it. */
#ifndef SVIRT_TEST_CORPUS_H
#define SVIRT_TEST_CORPUS_H

#include <stddef.h>

typedef void (*corpus_fn)(const char *path, const char *data, size_t len,
			  void *arg);

/* Calls fn for every regular file in dir (sorted by name), with its content
 * NUL-terminated.  Returns the number of files, or -1 if dir is unreadable. */
int corpus_each(const char *dir, corpus_fn fn, void *arg);

/* The content without one trailing newline (files end in one by habit). */
size_t corpus_chomp(const char *data, size_t len);

#endif
