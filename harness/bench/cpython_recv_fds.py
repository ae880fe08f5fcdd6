"""CPython side of bench_recv: round trips per second of send_fds/recv_fds
(or sendmsg/recvmsg with no fds) on an AF_UNIX socketpair.
usage: cpython_recv_fds.py stream|dgram NFDS ITERS"""
import os
import socket
import sys
import time

MSG = "Michael Gilfix was here\u1234\r\n".encode()


def main():
    kind, nfds, iters = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    typ = {"stream": socket.SOCK_STREAM, "dgram": socket.SOCK_DGRAM}[kind]
    a, b = socket.socketpair(socket.AF_UNIX, typ)
    fds = [os.open(os.devnull, os.O_RDONLY) for _ in range(nfds)]
    maxfds = max(nfds, 1)
    t0 = time.perf_counter()
    for _ in range(iters):
        if fds:
            socket.send_fds(a, [MSG], fds)
        else:
            a.sendmsg([MSG])
        _, got, _, _ = socket.recv_fds(b, len(MSG), maxfds)
        for fd in got:
            os.close(fd)
    print(iters / (time.perf_counter() - t0))


main()
