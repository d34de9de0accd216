"""The destination of a dual-stack [::] UDP socket from Python (issue 16):
IPv4 senders aimed at 127.0.0.1 and 127.0.0.2 and an IPv6 sender aimed at
::1 are told apart. As in the core (tests/udp_meta.rs), IPv4-mapped
traffic reports the plain IPv4 destination."""

from __future__ import annotations

from typing import Any

from wirelane import RawSocket, SocketAddrV4, SocketAddrV6, udp_meta


def test_dual_stack_wildcard_reports_each_destination() -> None:
    rx: Any = RawSocket.udp6().bind(SocketAddrV6("::", 0))
    rx.settimeout(5)
    assert rx.only_v6() is False  # dual stack: IPV6_V6ONLY off by default
    udp_meta.set_recv_meta(rx, addr=True)
    port = rx.getsockname().port
    tx4: Any = RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))
    tx6: Any = RawSocket.udp6().bind(SocketAddrV6("::1", 0))
    buf = bytearray(64)
    for _ in range(2):
        for tx, to, want in [
            (tx4, SocketAddrV4("127.0.0.1", port), "127.0.0.1"),
            (tx4, SocketAddrV4("127.0.0.2", port), "127.0.0.2"),
            (tx6, SocketAddrV6("::1", port), "::1"),
        ]:
            assert tx.sendto(want.encode(), to) == len(want)
            m = udp_meta.recv_meta(rx, buf)
            assert bytes(buf[: m.nbytes]) == want.encode()
            assert m.dst == want and m.ifindex and not m.control_truncated
            assert m.source.port == tx.getsockname().port
