/* control.h: svirtd's control protocol (docs/control.md): one request line,
 * one reply, over /run/svirt/svirtd.sock.  Parsed strictly, both ways. */
#ifndef SVIRT_CONTROL_H
#define SVIRT_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "error.h"
#include "mcs.h"
#include "uuid.h"

#define SV_CONTROL_SOCKET "/run/svirt/svirtd.sock"
#define SV_CONTROL_LINE_MAX 512		/* a request, newline included */
/* A whole reply.  LIST of a few thousand guests (~200 bytes each) must fit:
 * the 1000-guest benchmark alone needs ~200 KiB. */
#define SV_CONTROL_REPLY_MAX (1024 * 1024)
#define SV_CONTROL_WAIT_MAX 600		/* seconds a GET may wait */
#define SV_CONTROL_DOMID_MAX 32751	/* DOMID_FIRST_RESERVED (0x7FF0) - 1 */
#define SV_CONTROL_TEXT_MAX 256		/* message and reason, NUL included */

enum sv_control_op {
	SV_CONTROL_RESERVE,	/* RESERVE <uuid> [<pair>] */
	SV_CONTROL_UNRESERVE,	/* UNRESERVE <uuid>: give back an unbound reservation */
	SV_CONTROL_GET,		/* GET <domid> [WAIT <seconds>] */
	SV_CONTROL_LIST,	/* LIST */
	SV_CONTROL_VIF,		/* VIF <domid> <devid>: label a vif now */
};
#define SV_CONTROL_DEVID_MAX 65535	/* a vif's backend node name */

struct sv_control_request {
	enum sv_control_op op;
	char uuid[SV_UUID_BUF];		/* RESERVE, UNRESERVE: canonical, not nil */
	bool has_pair;			/* RESERVE with a static pair */
	struct sv_pair pair;
	int domid;			/* GET, VIF: 1..SV_CONTROL_DOMID_MAX */
	unsigned devid;			/* VIF: 0..SV_CONTROL_DEVID_MAX */
	unsigned wait_seconds;		/* GET: 0 = answer now */
};

/* Domain states, as published in xenstore and in replies. */
enum sv_dom_state {
	SV_STATE_RESERVED,	/* a label for a uuid, no domain yet */
	SV_STATE_ALLOCATED,	/* domain seen, pair bound, storage not yet done */
	SV_STATE_LABELLED,	/* every storage object carries its label */
	SV_STATE_ERROR,		/* refused; reason says why */
};

/* "reserved", "allocated", "labelled", "error"; NULL for any other value. */
const char *sv_dom_state_name(enum sv_dom_state s);
/* -EINVAL (*out untouched) for anything but those four names. */
int sv_dom_state_parse(const char *s, enum sv_dom_state *out);

/* One guest in a reply.  Invariants, checked by parse and format alike:
 * domid is -1 exactly when state is SV_STATE_RESERVED; both labels are
 * canonical raw contexts at a single level whose categories are exactly
 * the pair; reason is non-empty exactly when state is SV_STATE_ERROR. */
struct sv_control_entry {
	int domid;			/* -1 for a reservation */
	char uuid[SV_UUID_BUF];
	struct sv_pair pair;
	enum sv_dom_state state;
	char process_label[SV_CONTEXT_MAX];
	char image_label[SV_CONTEXT_MAX];
	/* A stub domain: the domid of the guest it serves, whose pair it
	 * carries; 0 otherwise.  Never the entry's own domid, never with a
	 * reservation. */
	int target;
	char reason[SV_CONTROL_TEXT_MAX];	/* any bytes but NUL; escaped on the wire */
};

/* Request: exactly one line ending in '\n', at most SV_CONTROL_LINE_MAX
 * bytes; anything else is -EINVAL with err saying what.  *out untouched on
 * failure. */
int sv_control_request_parse(const char *buf, size_t len,
			     struct sv_control_request *out,
			     struct sv_error *err);
/* The request's line, '\n' included, NUL-terminated.  Returns its length,
 * -EINVAL if r breaks the rules above, -ENOSPC if size is too small (buf is
 * then untouched). */
int sv_control_request_format(const struct sv_control_request *r, char *buf,
			      size_t size);

/* Reply: "OK" with entries, or "ERR <errno-name> <message>". */
struct sv_control_reply {
	int error;			/* 0, or a positive errno from the table */
	char message[SV_CONTROL_TEXT_MAX];	/* with error: 1..255 bytes of
						 * 0x20..0x7e, no space at
						 * either end; else empty */
	size_t n;
	struct sv_control_entry *entries;	/* malloc'd; NULL when n == 0 */
};

/* On success *out is overwritten (it must not own entries: clear it first);
 * on failure it is untouched.  -EINVAL (err says what, and on which line)
 * or -ENOMEM. */
int sv_control_reply_parse(const char *buf, size_t len,
			   struct sv_control_reply *out, struct sv_error *err);
/* malloc'd text of the reply; *len excludes the NUL.  -EINVAL if r breaks
 * the rules (an error not in the table, a bad message, an entry breaking its
 * invariants), -EMSGSIZE if the text would exceed SV_CONTROL_REPLY_MAX,
 * -ENOMEM.  Outputs untouched on failure. */
int sv_control_reply_format(const struct sv_control_reply *r, char **out,
			    size_t *len);
/* The same text for an OK reply of n entries that get fills in one at a
 * time (entry i into *e), so that a LIST of thousands of domains does not
 * hold thousands of entries of 8 kB each; the same checks and errors. */
int sv_control_reply_format_each(size_t n,
				 void (*get)(void *arg, size_t i,
					     struct sv_control_entry *e),
				 void *arg, char **out, size_t *len);
/* Frees the entries and leaves an empty OK reply; safe to call twice. */
void sv_control_reply_clear(struct sv_control_reply *r);

/* Server side: turn r into "ERR" for errnum (positive or negative) with a
 * message built from fmt, made valid whatever it holds (blanks and control
 * bytes trimmed at the ends, other bytes outside 0x20..0x7e become '?', cut
 * at 255 bytes, empty becomes the errno name).  An errno outside the table becomes EIO.  Frees entries. */
void sv_control_reply_set_error(struct sv_control_reply *r, int errnum,
				const char *fmt, ...) _printf_(3, 4);

/* The wire name of an errno ("ENOENT"), NULL if not in the table:
 * ENOENT EEXIST ENOSPC EINVAL EBUSY ETIMEDOUT EACCES EIO EAGAIN. */
const char *sv_control_errno_name(int errnum);

/* Client side (svirt-interpose, svirt-xl): connect to path (NULL: the
 * default socket), send one request, read the whole reply, within
 * timeout_ms, which must exceed the request's own WAIT (a second more is
 * plenty).  On success *reply is filled (clear it later) and it matches the
 * request: GET and RESERVE get exactly one entry for their domid or uuid,
 * UNRESERVE none.  Errors, with err saying what (*reply untouched):
 *   -ENOENT, -ECONNREFUSED, -EACCES: svirtd is not there, or not for us
 *   (-ENAMETOOLONG: path does not fit a sockaddr_un);
 *   -ETIMEDOUT: no complete reply before the deadline;
 *   -EMSGSIZE: the reply exceeds SV_CONTROL_REPLY_MAX;
 *   -EPROTO: the reply is malformed or does not answer the request;
 *   -EINVAL: a bad request or timeout (nothing is sent);
 *   the server's ERR as -errno, err holding "svirtd: <its message>". */
int sv_control_call(const char *path, const struct sv_control_request *req,
		    int timeout_ms, struct sv_control_reply *reply,
		    struct sv_error *err);

#endif
