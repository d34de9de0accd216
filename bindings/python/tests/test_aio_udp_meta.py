"""``wirelane.aio``'s per-datagram UDP metadata: ``AsyncBoundDatagram``
``recv_meta`` waits on the loop's readiness and returns the CE mark, TTL 7,
destination (127.0.0.1 vs 127.0.0.2 on a wildcard socket) and a timestamp
between send and receive; a cancelled ``recv_meta`` consumes nothing. Both
families, both loops."""

from __future__ import annotations

import asyncio
import errno
import time
from typing import Any

import pytest

from wirelane import RawSocket, SocketAddrV4, SocketAddrV6, aio, udp_meta

from aio_support import run  # noqa: F401 (run is a fixture)

CASES = [
    (False, SocketAddrV4("127.0.0.1", 0), SocketAddrV4("0.0.0.0", 0), ["127.0.0.1", "127.0.0.2"]),
    (True, SocketAddrV6("::1", 0), SocketAddrV6("::", 0), ["::1"]),
]


@pytest.mark.parametrize("v6,lo,wild,dsts", CASES)
def test_async_metadata_fields(run: Any, v6: bool, lo: Any, wild: Any, dsts: list[str]) -> None:
    new = RawSocket.udp6 if v6 else RawSocket.udp4

    async def main() -> None:
        rx: Any = aio.wrap(new().bind(wild))
        tx: Any = aio.wrap(new().bind(lo))
        async with rx, tx:
            rx.set_recv_meta(ecn=True, addr=True, ttl=True, timestamp=True)
            port = rx.getsockname().port
            buf = bytearray(64)
            for dst in dsts:
                to = type(lo)(dst, port)
                # Receive stamping switches on asynchronously: retry until stamped.
                for _ in range(200):
                    # The receive starts first and has to wait for readiness.
                    pending = asyncio.ensure_future(rx.recv_meta(buf))
                    await asyncio.sleep(0)
                    assert not pending.done()
                    before = time.time_ns()
                    assert await tx.send_meta(b"meta", to, ecn=udp_meta.CE, ttl=7) == 4
                    m = await pending
                    after = time.time_ns()
                    if m.timestamp_ns is not None:
                        break
                    await asyncio.sleep(0.01)
                assert m.timestamp_ns is not None and before <= m.timestamp_ns <= after
                assert bytes(buf[: m.nbytes]) == b"meta"
                assert (m.ecn, m.ttl, m.dst) == (udp_meta.CE, 7, dst)
                assert m.ifindex and not m.control_truncated
                assert m.source == tx.getsockname()

    run(main)


def test_cancelled_recv_meta_consumes_nothing(run: Any) -> None:
    async def main() -> None:
        rx: Any = aio.wrap(RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0)))
        tx: Any = aio.wrap(RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0)))
        async with rx, tx:
            rx.set_recv_meta(ttl=True)
            buf = bytearray(16)
            waiting = asyncio.ensure_future(rx.recv_meta(buf))
            await asyncio.sleep(0.01)
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            assert await tx.send_meta(b"kept", rx.getsockname(), ttl=9) == 4
            m = await rx.recv_meta(buf)
            assert (bytes(buf[: m.nbytes]), m.ttl) == (b"kept", 9)
            # Bad input is the sync binding's error, raised at once.
            with pytest.raises(OSError) as e:
                await tx.send_meta(b"x", rx.getsockname(), ecn=4)
            assert e.value.errno == errno.EINVAL

    run(main)
