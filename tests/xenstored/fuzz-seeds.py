#!/usr/bin/env python3
# fuzz-seeds.py: writes the seed corpus of fuzz_xsd_msg (tests/data/fuzz/xsd_msg/),
# each seed a byte stream of xs_wire.h messages as one client would send them.
import os
import struct
import sys

T = dict(CONTROL=0, DIRECTORY=1, READ=2, GET_PERMS=3, WATCH=4, UNWATCH=5,
         TRANSACTION_START=6, TRANSACTION_END=7, INTRODUCE=8, RELEASE=9,
         GET_DOMAIN_PATH=10, WRITE=11, MKDIR=12, RM=13, SET_PERMS=14,
         WATCH_EVENT=15, ERROR=16, IS_DOMAIN_INTRODUCED=17, RESUME=18,
         SET_TARGET=19, RESET_WATCHES=21, DIRECTORY_PART=22)


def msg(kind, *args, tx=0, raw=None, length=None):
    body = raw if raw is not None else b"".join(a.encode() + b"\0" for a in args)
    n = len(body) if length is None else length
    return struct.pack("=IIII", T[kind] if isinstance(kind, str) else kind,
                       7, tx, n) + body


SEEDS = {
    "nodes": [msg("WRITE", raw=b"/a/b\0value"), msg("READ", "/a/b"),
              msg("MKDIR", "/a/c"), msg("DIRECTORY", "/a"),
              msg("DIRECTORY_PART", "/a", "0"), msg("RM", "/a/b"),
              msg("RM", "/a/missing"), msg("RM", "/none/missing"),
              msg("RM", "/"), msg("READ", "relative")],
    "perms": [msg("WRITE", raw=b"/local/domain/5/x\0v"),
              msg("SET_PERMS", "/local/domain/5", "n5", "r0"),
              msg("GET_PERMS", "/local/domain/5/x"),
              msg("CONTROL", "domid", "5"), msg("WRITE", raw=b"x/y\0v"),
              msg("SET_PERMS", "x", "n0"), msg("READ", "/tool"),
              msg("WRITE", raw=b"/tool/evil\0v"), msg("CONTROL", "domid", "0")],
    "watches": [msg("WATCH", "/w", "t"), msg("WATCH", "/w", "t"),
                msg("WRITE", raw=b"/w/x/y\0z"), msg("RM", "/w"),
                msg("UNWATCH", "/w", "t"), msg("UNWATCH", "/w", "t"),
                msg("WATCH", "@introduceDomain", "i"), msg("RESET_WATCHES", "")],
    "transactions": [msg("TRANSACTION_START", ""),
                     msg("WRITE", raw=b"/t/a\0v", tx=1),
                     msg("READ", "/t/a", tx=1), msg("RM", "/t", tx=1),
                     msg("MKDIR", "/t/b", tx=1),
                     msg("SET_PERMS", "/t/b", "b0", tx=1),
                     msg("TRANSACTION_END", "T", tx=1),
                     msg("TRANSACTION_START", ""), msg("WRITE", raw=b"/t/c\0v"),
                     msg("READ", "/t/c", tx=2),
                     msg("TRANSACTION_END", "T", tx=2),
                     msg("TRANSACTION_END", "F", tx=9),
                     msg("TRANSACTION_START", "", tx=3)],
    # Left open: the fuzz target commits it, replaying on the store.
    "tx_view": [msg("WRITE", raw=b"/v/old/deep\0x"), msg("TRANSACTION_START", ""),
                msg("RM", "/v", tx=1), msg("READ", "/v/old/deep", tx=1),
                msg("WRITE", raw=b"/v/new/a\0y", tx=1),
                msg("DIRECTORY", "/v", tx=1),
                msg("DIRECTORY_PART", "/v/new", "0", tx=1),
                msg("GET_PERMS", "/v/new/a", tx=1), msg("RM", "/v/new/a", tx=1),
                msg("TRANSACTION_START", ""), msg("DIRECTORY", "/v", tx=2),
                msg("WRITE", raw=b"/v/other\0z")],
    "domains": [msg("INTRODUCE", "3", "4096", "7"), msg("INTRODUCE", "3", "1", "1"),
                msg("IS_DOMAIN_INTRODUCED", "3"), msg("GET_DOMAIN_PATH", "3"),
                msg("INTRODUCE", "4", "-5", "1"), msg("SET_TARGET", "4", "3"),
                msg("RESUME", "3"), msg("RELEASE", "3"), msg("RELEASE", "3"),
                msg("INTRODUCE", "0", "1", "1"), msg("CONTROL", "check"),
                msg("CONTROL", "help"), msg("CONTROL", "bogus")],
    "malformed": [msg("READ", raw=b"/no-nul"), msg("WATCH", "/only-path"),
                  msg("SET_PERMS", "/a", "x0"), msg("WRITE", raw=b"nonul"),
                  msg(999, "x"), msg("WATCH_EVENT", "/a", "b"),
                  msg("ERROR", "EINVAL"), msg("READ", "/bad char"),
                  msg("READ", "/trailing/"), msg("READ", "//"),
                  msg("DIRECTORY_PART", "/", "99999")],
    "bigdir": [msg("WRITE", raw=b"/big/child-%04d\0" % i) for i in range(300)]
              + [msg("DIRECTORY", "/big"), msg("DIRECTORY_PART", "/big", "0"),
                 msg("DIRECTORY_PART", "/big", "4000"),
                 msg("DIRECTORY_PART", "/big", "4500"), msg("RM", "/big")],
    "maximum": [msg("WRITE", raw=b"/max\0" + b"v" * (4096 - 5)),
                msg("READ", "/max"), msg("WRITE", raw=b"/m2\0" + b"w" * 4091)],
    "oversize": [msg("READ", "/x", length=4097)],
    "truncated": [msg("WRITE", raw=b"/x\0value", length=100)],
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/data/fuzz/xsd_msg"
    os.makedirs(out, exist_ok=True)
    for name, msgs in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(b"".join(msgs))


if __name__ == "__main__":
    main()
