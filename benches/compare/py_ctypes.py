"""The floor for the Python binding: libc's send/recv/sendto called through
ctypes (argtypes declared once, pointers computed once outside the timed
loop) on a socket the stdlib created. It is what any ctypes binding pays
per call before doing anything of its own; the comparison prints the
Python binding's time over this column's ("x floor").

Only the per-call workloads: batches, GSO and the file rows are n/a here.
"""

import ctypes
import socket
import struct
import sys
from ctypes import c_char, c_int, c_size_t, c_ssize_t, c_void_p

import common

MSG_NOSIGNAL = 0x4000


def libc_fn(libc, name, *argtypes):
    f = getattr(libc, name)
    f.argtypes = list(argtypes)
    f.restype = c_ssize_t
    return f


def main():
    p = common.parse(sys.argv[1:])
    libc = ctypes.CDLL(None, use_errno=True)
    send = libc_fn(libc, "send", c_int, c_void_p, c_size_t, c_int)
    recv = libc_fn(libc, "recv", c_int, c_void_p, c_size_t, c_int)
    sendto = libc_fn(libc, "sendto", c_int, c_void_p, c_size_t, c_int, c_void_p, ctypes.c_uint32)
    train = b"x" * p.train_len
    msg = train[: p.size]
    train_buf = (c_char * max(len(train), 1)).from_buffer_copy(train or b"\0")
    train_base = ctypes.addressof(train_buf)
    seg_addrs = [train_base + i for i in range(0, p.train_len, p.size)] if p.size else []
    count = p.count

    def sink_count(sock, connected):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 5, 0))
        if connected:
            sock.send(common.END_MARKER)
        else:
            sock.sendto(common.END_MARKER, p.peer)
        while True:
            reply = sock.recv(16)
            if len(reply) == 8:
                return common.decode_count(reply)

    w = p.workload
    if w == "tcp_pingpong":
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.connect(p.peer)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        fd = s.fileno()
        buf = bytearray(p.size)
        base = ctypes.addressof((c_char * p.size).from_buffer(buf))

        def timed():
            size = p.size
            for _ in range(count):
                if send(fd, msg, size, MSG_NOSIGNAL) != size:
                    raise RuntimeError("short send")
                got = 0
                while got < size:
                    n = recv(fd, base + got, size - got, 0)
                    if n <= 0:
                        raise RuntimeError(f"echo peer closed or failed ({n}, errno {ctypes.get_errno()})")
                    got += n

        check = lambda: count
    elif w in ("udp_rr", "udp_loop", "udp_send"):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        connected = w != "udp_send"
        if connected:
            s.connect(p.peer)
        else:
            s.bind(("127.0.0.1", 0))
        fd = s.fileno()
        buf = bytearray(65536)
        base = ctypes.addressof((c_char * len(buf)).from_buffer(buf))
        if w == "udp_rr":

            def timed():
                size = p.size
                for _ in range(count):
                    if send(fd, msg, size, MSG_NOSIGNAL) != size:
                        raise RuntimeError("short send")
                    if recv(fd, base, 65536, 0) != size:
                        raise RuntimeError("short echo")

            check = lambda: count
        elif w == "udp_loop":

            def timed():
                size = p.size
                for _ in range(count):
                    for a in seg_addrs:
                        send(fd, a, size, MSG_NOSIGNAL)

            check = lambda: sink_count(s, True)
        else:
            sa = struct.pack("=H", socket.AF_INET) + struct.pack("!H", p.port) + socket.inet_aton(p.host) + bytes(8)

            def timed():
                size = p.size
                for _ in range(count):
                    sendto(fd, msg, size, MSG_NOSIGNAL, sa, 16)

            check = lambda: sink_count(s, False)
    else:
        sys.exit(f"python ctypes floor: unsupported workload {w}")

    common.serve(timed, check)


if __name__ == "__main__":
    main()
