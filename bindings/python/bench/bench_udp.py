"""Rough throughput of the binding on loopback (not a test; numbers vary).

    cargo build --release
    WIRELANE_LIB="$(scripts/target-dir.sh)/release/libwirelane.so" python bindings/python/bench/bench_udp.py

Compares sending N datagrams with the stdlib socket, with wirelane's
per-datagram sendto (one ctypes call each), and with one sendmmsg per batch
of 64 (SendBatch); and a TCP ping-pong round trip.
"""

from __future__ import annotations

import socket
import threading
import time

from wirelane import Ipv4, RawSocket, RecvBatch, SendBatch, SocketAddrV4

N = 200_000
BATCH = 64
LO = SocketAddrV4("127.0.0.1", 0)


def drain(sock: socket.socket, stop: threading.Event) -> None:
    sock.settimeout(0.2)
    while not stop.is_set():
        try:
            sock.recv(2048)
        except TimeoutError:
            pass


def timed(label: str, fn: object) -> None:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    dt = time.perf_counter() - start
    print(f"{label:38s} {N / dt / 1e3:8.0f} k datagrams/s  ({dt / N * 1e6:.2f} us each)")


def main() -> None:
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    dest = SocketAddrV4(*rx.getsockname())
    stop = threading.Event()
    t = threading.Thread(target=drain, args=(rx, stop), daemon=True)
    t.start()
    payload = b"x" * 64

    std = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    timed("stdlib socket.sendto", lambda: [std.sendto(payload, dest) for _ in range(N)])
    wl = RawSocket.udp4().bind(LO)
    timed("wirelane sendto", lambda: [wl.sendto(payload, dest) for _ in range(N)])

    def batched() -> None:
        with SendBatch(Ipv4, BATCH) as batch:
            for _ in range(BATCH):
                batch.push(payload, dest)
            for _ in range(N // BATCH):
                wl.send_batch(batch)

    timed(f"wirelane send_batch ({BATCH} per sendmmsg)", batched)
    stop.set()
    t.join()

    a = RawSocket.tcp4().bind(LO).listen()
    c = RawSocket.tcp4().connect(a.getsockname())
    s, _ = a.accept()
    c.set_tcp_nodelay(True)
    s.set_tcp_nodelay(True)
    buf = bytearray(1)

    def echo() -> None:
        for _ in range(20_000):
            s.recv_into(buf)
            s.send(buf)

    e = threading.Thread(target=echo)
    e.start()
    start = time.perf_counter()
    for _ in range(20_000):
        c.send(b"p")
        c.recv_into(buf)
    dt = time.perf_counter() - start
    e.join()
    print(f"{'wirelane TCP ping-pong round trip':38s} {dt / 20_000 * 1e6:8.1f} us")
    for x in (wl, a, c, s):
        x.close()
    std.close()
    rx.close()
    _ = RecvBatch  # imported for readers: the receive side of a batch


if __name__ == "__main__":
    main()
