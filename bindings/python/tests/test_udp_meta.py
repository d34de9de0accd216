"""Per-datagram UDP metadata from Python (wirelane.udp_meta), both families."""

from __future__ import annotations

import errno
import time

import pytest

from typing import Any

from wirelane import RawSocket, SocketAddrV4, SocketAddrV6, udp_meta


@pytest.mark.parametrize(
    "v6,lo,wild,dsts",
    [
        (False, SocketAddrV4("127.0.0.1", 0), SocketAddrV4("0.0.0.0", 0), ["127.0.0.1", "127.0.0.2"]),
        (True, SocketAddrV6("::1", 0), SocketAddrV6("::", 0), ["::1"]),
    ],
)
def test_ecn_ttl_destination_timestamp(v6: bool, lo: Any, wild: Any, dsts: list[str]) -> None:
    new = RawSocket.udp6 if v6 else RawSocket.udp4
    rx: Any = new().bind(wild)
    rx.settimeout(5)
    tx: Any = new().bind(lo)
    udp_meta.set_recv_meta(rx, ecn=True, addr=True, ttl=True, timestamp=True)
    port = rx.getsockname().port
    buf = bytearray(64)
    for dst in dsts:
        to = type(lo)(dst, port)
        # Receive stamping switches on asynchronously: retry until stamped.
        for _ in range(200):
            before = time.time_ns()
            assert udp_meta.send_meta(tx, b"meta", to, ecn=udp_meta.CE, ttl=7) == 4
            m = udp_meta.recv_meta(rx, buf)
            after = time.time_ns()
            if m.timestamp_ns is not None:
                break
            time.sleep(0.01)
        assert m.timestamp_ns is not None and before <= m.timestamp_ns <= after
        assert bytes(buf[: m.nbytes]) == b"meta"
        assert (m.ecn, m.ttl, m.dst) == (udp_meta.CE, 7, dst)
        assert m.ifindex and not m.control_truncated
        assert m.source == tx.getsockname()


def test_bad_metadata_is_einval() -> None:
    tx = RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))
    rx = RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))
    with pytest.raises(OSError) as e:
        udp_meta.send_meta(tx, b"x", rx.getsockname(), ecn=4)
    assert e.value.errno == errno.EINVAL
