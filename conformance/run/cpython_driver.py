"""The CPython side of ancdata's differential test: a thin driver of
socket.recvmsg / recvmsg_into / socket.recv_fds.  One receive on the socket
inherited as fd 3, reported as one JSON line on stdout; the received fds stay
open until a line arrives on stdin, so the caller can tell what the kernel
dropped from what was delivered.

usage: cpython_driver.py API BUFSIZE ANCBUF_OR_MAXFDS FLAGS WARN"""
import array
import json
import os
import socket
import sys
import warnings


def main():
    api, bufsize, anc, flags, warn = sys.argv[1:6]
    bufsize, anc, flags = int(bufsize), int(anc), int(flags)
    sock = socket.socket(fileno=3)
    out = {"flags": 0, "items": [], "fds": [], "warnings": 0, "data": ""}
    held = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter({"record": "always", "ignore": "ignore",
                               "error": "error"}[warn], RuntimeWarning)
        try:
            if api == "recv_fds":
                data, fds, mflags, _ = socket.recv_fds(sock, bufsize, anc)
                ret, items = len(data), None
            elif api == "recvmsg_into":
                buf = bytearray(bufsize)
                ret, items, mflags, _ = sock.recvmsg_into([buf], anc, flags)
                data = bytes(buf[:min(ret, bufsize)])
            else:
                data, items, mflags, _ = sock.recvmsg(bufsize, anc, flags)
                ret = len(data)
        except RuntimeWarning:
            ret = "E_WARNING"
        except OSError as e:
            ret = -e.errno
        except ValueError as e:
            ret = "E_NEGBUF" if "negative" in str(e) else "E_ANCBUF"
        out["warnings"] = sum(issubclass(w.category, RuntimeWarning)
                              for w in caught)
    out["ret"] = ret
    if not isinstance(ret, str) and ret >= 0:
        out["flags"] = mflags
        out["data"] = data.hex()
        if items is not None:
            fds = []
            for level, typ, payload in items:
                out["items"].append([level, typ, len(payload)])
                if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
                    whole = len(payload) - len(payload) % 4
                    fds.extend(array.array("i", payload[:whole]))
        for fd in fds:
            st = os.fstat(fd)
            out["fds"].append([st.st_dev, st.st_ino,
                               0 if os.get_inheritable(fd) else 1])
            held.append(fd)
    print(json.dumps(out), flush=True)
    sys.stdin.readline()


main()
