"""``wirelane.aio`` metadata on connected datagrams and the error queue:
``AsyncConnectedDatagram.recv_meta`` waits on the loop's readiness and
returns the CE mark and TTL 7 sent with ``send_meta``; ``recv_error`` on
both twins waits for the ICMP error of a send to a closed port and names
the offender; a recv_error cancelled while waiting leaves the next one
working; PMTU modes and the path MTU; ``recv_cmsg`` awaits raw control
messages sent with ``send_cmsg``; ``recv_slots`` awaits a batch into the
caller's buffers. Both families, both loops."""

from __future__ import annotations

import asyncio
import errno
import socket
import sys
from typing import Any

import pytest

from wirelane import MSG_WAITFORONE, RawSocket, SocketAddrV4, SocketAddrV6, aio, cmsg, udp_errors, udp_meta, udp_slots

from aio_support import run  # noqa: F401 (run is a fixture)

FAMILIES = [
    pytest.param(False, SocketAddrV4("127.0.0.1", 0), "127.0.0.1", id="v4"),
    pytest.param(True, SocketAddrV6("::1", 0), "::1", id="v6"),
]


def _new(v6: bool) -> Any:
    return RawSocket.udp6 if v6 else RawSocket.udp4


@pytest.mark.parametrize("v6,lo,host", FAMILIES)
def test_async_connected_metadata(run: Any, v6: bool, lo: Any, host: str) -> None:
    async def main() -> None:
        a: Any = _new(v6)().bind(lo)
        b: Any = _new(v6)().bind(lo)
        a_addr, b_addr = a.getsockname(), b.getsockname()
        tx: Any = aio.wrap(a.connect(b_addr))
        rx: Any = aio.wrap(b.connect(a_addr))
        async with tx, rx:
            rx.set_recv_meta(ecn=True, ttl=True, addr=True)
            buf = bytearray(16)
            pending = asyncio.ensure_future(rx.recv_meta(buf))
            await asyncio.sleep(0)
            assert not pending.done()
            assert await tx.send_meta(b"conn", ecn=udp_meta.CE, ttl=7) == 4
            m = await asyncio.wait_for(pending, 5)
            assert bytes(buf[: m.nbytes]) == b"conn"
            assert (m.ecn, m.ttl, m.dst) == (udp_meta.CE, 7, host)
            assert m.source == tx.getsockname()
            tx.set_mtu_discover(udp_errors.PMTUDISC_PROBE)
            assert tx.mtu_discover() == udp_errors.PMTUDISC_PROBE
            assert tx.path_mtu() >= 1280

    run(main)


@pytest.mark.parametrize("v6,lo,host", FAMILIES)
def test_async_error_queue(run: Any, v6: bool, lo: Any, host: str) -> None:
    async def main() -> None:
        gone: Any = _new(v6)().bind(lo)
        closed = gone.getsockname()
        gone.close()
        d: Any = aio.wrap(_new(v6)().bind(lo))
        async with d:
            d.set_recv_meta(errors=True)
            # A recv_error cancelled while it waits leaves the next one working.
            waiting = asyncio.ensure_future(d.recv_error())
            await asyncio.sleep(0)
            assert not waiting.done()
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            pending = asyncio.ensure_future(d.recv_error(bytearray(8)))
            await asyncio.sleep(0)
            assert not pending.done()
            assert await d.sendto(b"x", closed) == 1
            q = await asyncio.wait_for(pending, 5)
            assert (q.errno, q.offender, q.nbytes) == (errno.ECONNREFUSED, host, 1)
            c: Any = aio.wrap(d.unwrap().connect(closed))
        async with c:
            pending = asyncio.ensure_future(c.recv_error())
            await asyncio.sleep(0)
            assert await c.send(b"yy") == 2
            q = await asyncio.wait_for(pending, 5)
            assert (q.errno, q.offender) == (errno.ECONNREFUSED, host)
            assert q.origin == (udp_errors.ORIGIN_ICMP6 if v6 else udp_errors.ORIGIN_ICMP)

    run(main)


@pytest.mark.parametrize("v6,lo,host", FAMILIES)
def test_async_raw_control_messages(run: Any, v6: bool, lo: Any, host: str) -> None:
    level = socket.IPPROTO_IPV6 if v6 else socket.IPPROTO_IP
    hop = socket.IPV6_HOPLIMIT if v6 else socket.IP_TTL
    ttl = (7).to_bytes(4, sys.byteorder)

    async def main() -> None:
        rx: Any = aio.wrap(_new(v6)().bind(lo))
        tx: Any = aio.wrap(_new(v6)().bind(lo))
        async with rx, tx:
            rx.set_recv_meta(ttl=True)
            buf = bytearray(16)
            pending = asyncio.ensure_future(rx.recv_cmsg(buf))
            await asyncio.sleep(0)
            assert not pending.done()
            assert await tx.send_cmsg(b"raw", [(level, hop, ttl)], rx.getsockname()) == 3
            r = await asyncio.wait_for(pending, 5)
            assert (r.nbytes, bytes(buf[:3]), r.control_truncated) == (3, b"raw", False)
            assert {(c.level, c.type): c.data for c in r.ancdata}[(level, hop)] == ttl
            assert r.meta().ttl == 7
        x: Any = _new(v6)().bind(lo)
        y: Any = _new(v6)().bind(lo)
        xa, ya = x.getsockname(), y.getsockname()
        cx: Any = aio.wrap(x.connect(ya))
        cy: Any = aio.wrap(y.connect(xa))
        async with cx, cy:
            cy.set_recv_meta(ttl=True)
            pending = asyncio.ensure_future(cy.recv_cmsg(buf))
            await asyncio.sleep(0)
            assert await cx.send_cmsg(b"cc", cmsg.encode([(level, hop, ttl)])) == 2
            r = await asyncio.wait_for(pending, 5)
            assert (r.nbytes, r.address) == (2, xa)
            assert {(c.level, c.type): c.data for c in r.ancdata}[(level, hop)] == ttl

    run(main)


@pytest.mark.parametrize("v6,lo,host", FAMILIES)
def test_async_recv_slots(run: Any, v6: bool, lo: Any, host: str) -> None:
    dom: Any = SocketAddrV6 if v6 else SocketAddrV4

    async def main() -> None:
        rx: Any = aio.wrap(_new(v6)().bind(lo))
        tx: Any = aio.wrap(_new(v6)().bind(lo))
        async with rx, tx:
            rx.set_recv_meta(ttl=True)
            bufs = [bytearray(8) for _ in range(4)]
            with udp_slots.RecvSlots(dom, 4) as slots:
                pending = asyncio.ensure_future(rx.recv_slots(slots, bufs, MSG_WAITFORONE))
                await asyncio.sleep(0)
                assert not pending.done()
                assert await tx.send_meta(b"as", rx.getsockname(), ttl=5) == 2
                assert await asyncio.wait_for(pending, 5) == 1
                m = slots.meta(0)
                assert (bytes(bufs[0][:2]), m.ttl, m.source) == (b"as", 5, tx.getsockname())

    run(main)
