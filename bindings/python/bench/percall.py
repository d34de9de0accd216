"""Per-call profile of the binding's hot methods against the ctypes floor.

Each line times one pair of calls on a Unix socketpair in a tight loop
(the syscalls are cheap there, so the Python-side cost shows): the
binding's method, and libc's send/recv through ctypes on the same
descriptor (the floor). ``extra`` is binding minus floor, per pair.

    python bench/percall.py            # the package on sys.path
    WIRELANE_LIB=... PYTHONPATH=... python bench/percall.py

Best of 7 runs of N pairs each (default N=100000, argv[1]).
"""

from __future__ import annotations

import ctypes
import sys
import timeit
from ctypes import c_char, c_int, c_size_t, c_ssize_t, c_void_p

import wirelane

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
libc = ctypes.CDLL(None, use_errno=True)


def _fn(name: str) -> object:
    f = getattr(libc, name)
    f.argtypes = [c_int, c_void_p, c_size_t, c_int]
    f.restype = c_ssize_t
    return f


send, recv = _fn("send"), _fn("recv")
sendto = libc.sendto
sendto.argtypes = [c_int, c_void_p, c_size_t, c_int, c_void_p, ctypes.c_uint32]
sendto.restype = c_ssize_t
recvfrom = libc.recvfrom
recvfrom.argtypes = [c_int, c_void_p, c_size_t, c_int, c_void_p, c_void_p]
recvfrom.restype = c_ssize_t
MSG_NOSIGNAL = 0x4000


def best(stmt: str, env: dict[str, object]) -> float:
    return min(timeit.repeat(stmt, globals=env, number=N, repeat=7)) / N * 1e9


def main() -> None:
    msg = b"x" * 64
    seg = memoryview(b"y" * 1200)[:1200]
    buf = bytearray(64)
    big = bytearray(65536)
    bview = memoryview(buf)
    base = ctypes.addressof((c_char * 64).from_buffer(buf))
    bigbase = ctypes.addressof((c_char * 65536).from_buffer(big))
    da, db = wirelane.socketpair(wirelane.Datagram)
    sa, sb = wirelane.socketpair()
    ud = wirelane.RawSocket.udp4().bind(wirelane.SocketAddrV4("127.0.0.1", 0))
    ud2 = wirelane.RawSocket.udp4().bind(wirelane.SocketAddrV4("127.0.0.1", 0))
    to = ud2.getsockname()
    import socket
    import struct

    sa_buf, sa_n = ctypes.create_string_buffer(128), ctypes.c_uint32(128)
    sa_out, sa_len = ctypes.addressof(sa_buf), ctypes.addressof(sa_n)  # the floor's recvfrom address out
    sa_to = struct.pack("=H", socket.AF_INET) + struct.pack("!H", to.port) + socket.inet_aton(to.host) + bytes(8)
    env = dict(
        send=send, recv=recv, sendto=sendto, recvfrom=recvfrom, sa_out=sa_out, sa_len=sa_len, sa_to=sa_to, u1=ud.fileno(), msg=msg, seg=seg, buf=buf, big=big, bview=bview, base=base,
        bigbase=bigbase, da=da, db=db, sa=sa, sb=sb, ud=ud, ud2=ud2, to=to,
        fa=da.fileno(), fb=db.fileno(), sfa=sa.fileno(), sfb=sb.fileno(), u2=ud2.fileno(), F=MSG_NOSIGNAL,
    )
    rows = [
        # (name, binding statement, floor statement); each does one send and one receive.
        ("ConnectedDatagram.send(bytes)", "da.send(msg); recv(fb, base, 64, 0)", "send(fa, msg, 64, F); recv(fb, base, 64, 0)"),
        ("ConnectedDatagram.send(memoryview 1200 B)", "da.send(seg); recv(fb, bigbase, 65536, 0)", "send(fa, msg, 1200, F); recv(fb, bigbase, 65536, 0)"),
        ("ConnectedDatagram.recv(64)", "send(fa, msg, 64, F); db.recv(64)", "send(fa, msg, 64, F); recv(fb, base, 64, 0)"),
        ("ConnectedDatagram.recv_into(bytearray 64 KiB)", "send(fa, msg, 64, F); db.recv_into(big)", "send(fa, msg, 64, F); recv(fb, bigbase, 65536, 0)"),
        ("Connection.send(bytes)", "sa.send(msg); recv(sfb, base, 64, 0)", "send(sfa, msg, 64, F); recv(sfb, base, 64, 0)"),
        ("Connection.sendall(bytes)", "sa.sendall(msg); recv(sfb, base, 64, 0)", "send(sfa, msg, 64, F); recv(sfb, base, 64, 0)"),
        ("Connection.recv(64)", "send(sfa, msg, 64, F); sb.recv(64)", "send(sfa, msg, 64, F); recv(sfb, base, 64, 0)"),
        ("Connection.recv_into(memoryview[0:], 64)", "send(sfa, msg, 64, F); sb.recv_into(bview[0:], 64)", "send(sfa, msg, 64, F); recv(sfb, base, 64, 0)"),
        ("BoundDatagram.sendto(bytes, addr)", "ud.sendto(msg, to); recv(u2, base, 64, 0)", "sendto(u1, msg, 64, F, sa_to, 16); recv(u2, base, 64, 0)"),
        ("BoundDatagram.recvfrom(64)", "sendto(u1, msg, 64, F, sa_to, 16); ud2.recvfrom(64)", "sendto(u1, msg, 64, F, sa_to, 16); recvfrom(u2, base, 64, 0, sa_out, sa_len)"),
        ("BoundDatagram.recvfrom_into(bytearray 64 KiB)", "sendto(u1, msg, 64, F, sa_to, 16); ud2.recvfrom_into(big)", "sendto(u1, msg, 64, F, sa_to, 16); recvfrom(u2, bigbase, 65536, 0, sa_out, sa_len)"),
    ]
    print(f"{'pair of calls':48s} {'binding':>9s} {'floor':>9s} {'extra':>9s}  (ns per pair, best of 7 x {N})")
    for name, stmt, floor in rows:
        b, f = best(stmt, env), best(floor, env)
        print(f"{name:48s} {b:9.0f} {f:9.0f} {b - f:9.0f}")
    for s in (da, db, sa, sb, ud, ud2):
        s.close()


if __name__ == "__main__":
    main()
