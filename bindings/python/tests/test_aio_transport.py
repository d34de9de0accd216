"""``wirelane.aio.create_datagram_endpoint``'s read path: one recvmmsg per
readiness event, copied out in one call; each datagram reaches the
protocol with its own bytes and its own sender, in every domain. Both
loops."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from wirelane import RawSocket, SocketAddrV4, SocketAddrV6, UnixAddr, aio

from aio_support import Collect, run  # noqa: F401 (run is a fixture)
from conftest import unix_path


async def until(p: Collect, n: int) -> list[tuple[bytes, Any]]:
    for _ in range(400):
        if len(p.got) >= n:
            break
        await asyncio.sleep(0.005)
    return p.got


def test_each_datagram_has_its_own_sender(run: Any) -> None:
    async def main() -> None:
        rx, p = await aio.create_datagram_endpoint(Collect, RawSocket.udp6().bind(SocketAddrV6("::1", 0)))
        dest = rx.get_extra_info("sockname")
        senders = [RawSocket.udp6().bind(SocketAddrV6("::1", 0)) for _ in range(3)]
        want = []
        for rnd in range(4):  # interleaved, so one batch mixes senders
            for i, s in enumerate(senders):
                data = b"r%d-s%d-" % (rnd, i) + b"." * (rnd * 7 + i)
                s.sendto(data, dest)
                want.append((data, s.getsockname()))
        got = await until(p, len(want))
        assert got == want
        assert all(isinstance(a, SocketAddrV6) for _, a in got)
        for s in senders:
            s.close()
        rx.close()

    run(main)


def test_unix_sources_long_datagrams_and_connected_peers(run: Any) -> None:
    async def main() -> None:
        path = unix_path()
        rx, p = await aio.create_datagram_endpoint(Collect, RawSocket.unix_datagram().bind(path), max_size=100)
        a, b = unix_path(), unix_path()
        sa = RawSocket.unix_datagram().bind(a)
        sb = RawSocket.unix_datagram().bind(b)
        sa.sendto(b"from-a", path)
        sb.sendto(b"from-b", path)
        sa.sendto(b"L" * 150, path)  # longer than max_size: cut to 100 bytes
        got = await until(p, 3)
        assert got == [(b"from-a", UnixAddr(a.path)), (b"from-b", UnixAddr(b.path)), (b"L" * 100, UnixAddr(a.path))]
        # A connected transport hands over its peer.
        tx = RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))
        conn = RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0)).connect(tx.getsockname())
        ct, cp = await aio.create_datagram_endpoint(Collect, conn)
        for i in range(5):
            tx.sendto(b"c%d" % i, ct.get_extra_info("sockname"))
        assert await until(cp, 5) == [(b"c%d" % i, tx.getsockname()) for i in range(5)]
        for s in (sa, sb, tx):
            s.close()
        rx.close()
        ct.close()

    run(main)


class CloseAfterTwo(Collect):
    def datagram_received(self, data: bytes, addr: Any) -> None:
        super().datagram_received(data, addr)
        if len(self.got) == 2:
            self.transport.close()


def test_no_delivery_after_the_protocol_closes_the_transport(run: Any) -> None:
    async def main() -> None:
        sync = RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))
        dest = sync.getsockname()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for i in range(10):  # queued before the endpoint reads: one batch
            s.sendto(b"%d" % i, tuple(dest))
        t, p = await aio.create_datagram_endpoint(CloseAfterTwo, sync)
        await p.lost
        assert [d for d, _ in p.got] == [b"0", b"1"]
        s.close()

    run(main)
