"""Descriptor accounting through the Python binding (issue 7): tens of
thousands of transitions, succeeding and failing (bind to a used port,
connect refused, finish on a failed pending connect and again after the
error was taken, finish before the handshake, invalid and wrong-family
addresses, builders that fail, adoption of the wrong kind of descriptor,
descriptors passed beyond what the receiver accepts, objects dropped
without close), and ``/proc/self/fd`` is the same set before and after."""

from __future__ import annotations

import gc
import os
import time
import warnings
from typing import Any, Callable

import pytest
from conftest import abstract_addr, open_fds

from wirelane import (
    Connection,
    ConnectorBuilder,
    Datagram,
    DatagramBuilder,
    Ipv4,
    Ipv6,
    ListenerBuilder,
    RawSocket,
    SocketAddrV4,
    SocketAddrV6,
    Stream,
    UnixAddr,
    socketpair,
)

LO4 = SocketAddrV4("127.0.0.1", 0)
LO6 = SocketAddrV6("::1", 0)
ROUNDS = 3000


class Ledger:
    def __init__(self) -> None:
        self.transitions = 0
        self.failures = 0

    def ok(self, call: Callable[[], Any]) -> Any:
        self.transitions += 1
        return call()

    def fails(self, exc: type[BaseException] | tuple[type[BaseException], ...], call: Callable[[], Any]) -> None:
        self.transitions += 1
        self.failures += 1
        with pytest.raises(exc):
            call()


def test_tens_of_thousands_of_transitions_leak_no_descriptor() -> None:
    ledger = Ledger()
    # A dual-stack port bound but not listening: connects are refused on
    # 127.0.0.1 and ::1 alike, and no ephemeral bind can take the port.
    refuser = RawSocket.tcp6()
    refuser.set_only_v6(False)
    refuser_b = refuser.bind(SocketAddrV6("::", 0))
    port = refuser_b.getsockname().port
    dead4, dead6 = SocketAddrV4("127.0.0.1", port), SocketAddrV6("::1", port)
    taken = RawSocket.tcp4().bind(LO4).listen(512)
    taken.settimeout(5)
    taken_addr = taken.getsockname()
    taken_udp = RawSocket.udp4().bind(LO4)
    nobody = abstract_addr()
    missing = UnixAddr(f"/nonexistent-{os.getpid()}/x.sock")
    devnull = os.open("/dev/null", os.O_RDONLY | os.O_CLOEXEC)

    def round_(i: int) -> None:
        L = ledger
        # bind failures, then a bind on the same object
        raw = L.ok(RawSocket.tcp4)
        L.fails(OSError, lambda: raw.bind(taken_addr))
        L.fails(OSError, lambda: raw.bind(SocketAddrV4("192.0.2.1", 0)))  # not local
        L.fails((OSError, TypeError), lambda: raw.bind(LO6))  # wrong family
        L.ok(lambda: raw.bind(LO4)).close()
        u = L.ok(RawSocket.unix_stream)
        L.fails(OSError, lambda: u.bind(missing))
        L.fails(OSError, lambda: u.connect(nobody))
        u.close()
        # connect refused, blocking and not
        raw = L.ok(RawSocket.tcp6)
        L.fails(ConnectionRefusedError, lambda: raw.connect(dead6))
        pending = L.ok(lambda: raw.connect_nonblocking(dead6))
        pending.wait(5)
        L.fails(ConnectionRefusedError, pending.finish)
        L.fails(OSError, pending.finish)  # the error was taken: ENOTCONN
        if i % 2:
            pending.close()
        else:
            del pending  # dropped, not closed: __del__ frees it
        # success through every state
        c = L.ok(lambda: RawSocket.tcp4().connect(taken_addr))
        L.transitions += 1  # the RawSocket.tcp4() inside
        s, _ = L.ok(taken.accept)
        dup = L.ok(s.dup)
        for x in (c, s, dup):
            x.close()
        d = L.ok(lambda: RawSocket.udp4().bind(LO4))
        L.fails(OSError, lambda: d.connect(LO4))  # port 0
        L.ok(lambda: d.connect(taken_addr)).close()
        a, b = L.ok(socketpair)
        a.close()
        b.close()
        # builders that fail close what they made
        L.fails(OSError, lambda: ListenerBuilder(Ipv4).bind(taken_addr))
        L.fails(ConnectionRefusedError, lambda: ConnectorBuilder(Ipv4).connect(dead4))
        L.fails(OSError, lambda: DatagramBuilder(Ipv4).bind(taken_udp.getsockname()))
        # adoption of the wrong kind of descriptor
        fd = RawSocket.udp6().detach()
        L.fails(OSError, lambda: Connection.from_fd(fd, Ipv6))
        L.fails(OSError, lambda: RawSocket.from_fd(fd, Ipv4, Stream))
        L.ok(lambda: RawSocket.from_fd(fd, Ipv6, Datagram)).close()
        # descriptors beyond what the receiver takes are closed
        x, y = socketpair()
        x.send_fds(b"f", [devnull, devnull, devnull])
        L.fails(OSError, lambda: y.recv_fds(1, 2))
        x.close()
        y.close()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        round_(0)  # warm-up: lazy imports, caches
        gc.collect()
        before = open_fds()
        ledger.transitions = ledger.failures = 0
        start = time.monotonic()
        for i in range(ROUNDS):
            round_(i)
        took = time.monotonic() - start
        gc.collect()
        after = open_fds()
    for obj in (taken, taken_udp, refuser_b):
        obj.close()
    os.close(devnull)
    assert after == before, f"leaked: {sorted(after - before)}, closed: {sorted(before - after)}"
    assert ledger.transitions >= 20_000, ledger.transitions
    print(
        f"python fd accounting: {ledger.transitions} transitions ({ledger.failures} failing), "
        f"0 descriptors leaked, {took:.1f} s"
    )
