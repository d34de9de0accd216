"""``wirelane.aio.create_datagram_endpoint``'s write path: bursts of equal
sized ``sendto`` calls to one destination go out as GSO sends
(``UDP_SEGMENT``), everything else as ``sendmmsg``, and where the kernel
refuses GSO the same datagrams go out through ``sendmmsg``. Every case
checks that receivers get every datagram, in order, with its size. Both
loops."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest

from wirelane import BoundDatagram, ConnectedDatagram, RawSocket, SocketAddrV4, SocketAddrV6, aio

from aio_support import Collect, run  # noqa: F401 (run is a fixture)

SO_NO_CHECK = 11  # asm-generic/socket.h: UDP without checksums, which GSO refuses
SO_RCVBUFFORCE = 33  # asm-generic/socket.h (not in the socket module)


def payload(tag: int, i: int, size: int) -> bytes:
    """A datagram that names itself: tag, index, then padding to ``size``."""
    head = b"%d:%d:" % (tag, i)
    return (head + b"x" * size)[:size] if size >= len(head) else bytes([i % 256]) * size


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, int, bool]]:
    """Records each GSO and sendmmsg call the transport makes:
    (what, segment size or 0, datagrams sent, offloaded)."""
    calls: list[tuple[str, int, int, bool]] = []

    def wrap_seg(cls: Any, name: str) -> None:
        orig = getattr(cls, name)

        def f(self: Any, data: Any, size: int, *rest: Any) -> Any:
            r = orig(self, data, size, *rest)
            calls.append(("gso", size, r.datagrams, r.offloaded))
            return r

        monkeypatch.setattr(cls, name, f)

    def wrap_mmsg(cls: Any) -> None:
        orig = cls.sendmmsg

        def f(self: Any, msgs: Any) -> Any:
            r = orig(self, msgs)
            calls.append(("mmsg", 0, len(r), False))
            return r

        monkeypatch.setattr(cls, "sendmmsg", f)

    wrap_seg(BoundDatagram, "sendto_segmented")
    wrap_seg(ConnectedDatagram, "send_segmented")
    wrap_mmsg(BoundDatagram)
    wrap_mmsg(ConnectedDatagram)
    return calls


async def received(p: Collect, n: int) -> list[bytes]:
    for _ in range(400):
        if len(p.got) >= n:
            break
        await asyncio.sleep(0.005)
    return [d for d, _ in p.got]


async def endpoint(addr: Any) -> tuple[Any, Collect]:
    raw = RawSocket.udp4() if isinstance(addr, SocketAddrV4) else RawSocket.udp6()
    # Room for a whole burst: the receiver reads only after the sender's
    # flush, on the same loop (root may exceed rmem_max, as CI is).
    raw.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 4 << 20)
    t, p = await aio.create_datagram_endpoint(Collect, raw.bind(addr))
    return t, p  # type: ignore[return-value]


def test_equal_bursts_go_out_as_gso_in_order(run: Any, spy: list[tuple[str, int, int, bool]]) -> None:
    async def main() -> None:
        ra, pa = await endpoint(SocketAddrV4("127.0.0.1", 0))
        rb, pb = await endpoint(SocketAddrV4("127.0.0.1", 0))
        tx, _ = await endpoint(SocketAddrV4("127.0.0.1", 0))
        a, b = ra.get_extra_info("sockname"), rb.get_extra_info("sockname")
        # 100 x 1200 B to a: runs of 54 (65507 B, one UDP payload) and 46; then 40 x
        # 300 B and a 7 B tail to b (a run whose last datagram is shorter);
        # then sizes that change every datagram (sendmmsg).
        want_a = [payload(1, i, 1200) for i in range(100)]
        want_b = [payload(2, i, 300) for i in range(40)] + [b"tail-b!"]
        mixed = [payload(3, i, 10 + i) for i in range(20)]
        for d in want_a:
            tx.sendto(d, a)
        for d in want_b:
            tx.sendto(d, tuple(b))
        for d in mixed:
            tx.sendto(d, a)
        assert await received(pa, 120) == want_a + mixed
        assert await received(pb, 41) == want_b
        assert [len(d) for d in want_b] == [len(d) for d, _ in pb.got]
        gso = [c for c in spy if c[0] == "gso"]
        assert gso == [("gso", 1200, 54, True), ("gso", 1200, 46, True), ("gso", 300, 41, True)]
        assert [c for c in spy if c[0] == "mmsg"] == [("mmsg", 0, 20, False)]
        for t in (ra, rb, tx):
            t.close()

    run(main)


def test_interleaved_destinations_and_connected_gso(run: Any, spy: list[tuple[str, int, int, bool]]) -> None:
    async def main() -> None:
        ra, pa = await endpoint(SocketAddrV6("::1", 0))
        rb, pb = await endpoint(SocketAddrV6("::1", 0))
        tx, _ = await endpoint(SocketAddrV6("::1", 0))
        a, b = ra.get_extra_info("sockname"), rb.get_extra_info("sockname")
        # 64 x 100 B: UDP_MAX_SEGMENTS bounds a run before the payload does.
        for i in range(70):
            tx.sendto(payload(8, i, 100), b)
        assert await received(pb, 70) == [payload(8, i, 100) for i in range(70)]
        assert spy == [("gso", 100, 64, True), ("gso", 100, 6, True)]
        pb.got.clear()
        spy.clear()
        # Alternating destinations never form a run: one sendmmsg, in order.
        for i in range(30):
            tx.sendto(payload(4, i, 500), a if i % 2 else b)
        assert await received(pa, 15) == [payload(4, i, 500) for i in range(1, 30, 2)]
        assert await received(pb, 15) == [payload(4, i, 500) for i in range(0, 30, 2)]
        assert [c[0] for c in spy] == ["mmsg"]
        spy.clear()
        # A connected transport: send_segmented, no address per datagram.
        conn = RawSocket.udp6().bind(SocketAddrV6("::1", 0)).connect(a)
        ct, _ = await aio.create_datagram_endpoint(Collect, aio.wrap(conn))
        want = [payload(5, i, 1000) for i in range(50)]
        for d in want:
            ct.sendto(d)
        assert await received(pa, 65) == [payload(4, i, 500) for i in range(1, 30, 2)] + want
        assert spy == [("gso", 1000, 50, True)]
        for t in (ra, rb, tx, ct):
            t.close()

    run(main)


def test_refused_gso_falls_back_to_sendmmsg_in_order(run: Any, spy: list[tuple[str, int, int, bool]]) -> None:
    """With SO_NO_CHECK the kernel refuses UDP_SEGMENT (EINVAL): the run goes
    out through sendmmsg, nothing is lost or reordered, and that size is
    not tried with GSO again."""

    async def main() -> None:
        ra, pa = await endpoint(SocketAddrV4("127.0.0.1", 0))
        a = ra.get_extra_info("sockname")
        raw = RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))
        raw.setsockopt(socket.SOL_SOCKET, SO_NO_CHECK, 1)
        tx, _ = await aio.create_datagram_endpoint(Collect, raw)
        first = [payload(6, i, 800) for i in range(30)]
        for d in first:
            tx.sendto(d, a)
        assert await received(pa, 30) == first
        assert spy[0] == ("gso", 800, 30, False)  # the core's own fallback sent them
        spy.clear()
        second = [payload(7, i, 800) for i in range(30)]
        for d in second:
            tx.sendto(d, a)
        assert await received(pa, 60) == first + second
        assert spy == [("mmsg", 0, 30, False)]
        for t in (ra, tx):
            t.close()

    run(main)
