"""Cancellation and close for every awaiting wirelane.aio call, on both
loops: a call cancelled by ``asyncio.timeout`` consumed nothing (the next
call gets the data, the connection, the datagram) and leaks no descriptor;
``close()`` from another task wakes a waiter at once with ``OSError(EBADF)``
(not a hang, a cancellation or an empty read)."""

from __future__ import annotations

import asyncio
import errno
import os
import time
from typing import Any, Awaitable, Callable

import pytest

from wirelane import Datagram, RawSocket, RecvBatch, SocketAddrV4, aio, socketpair

from aio_support import run, socket_fds  # noqa: F401 (run is a fixture)
from conftest import unix_path

TICK = 0.005  # the timeout that cancels a waiting call


async def cancelled(make: Callable[[], Awaitable[Any]]) -> None:
    """``make()`` must still be waiting when ``asyncio.timeout`` cancels it."""
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(TICK):
            await make()


def fill(conn: Any) -> int:
    """Writes into ``conn`` until the kernel buffers are full; the byte count."""
    sync = conn._s
    total = 0
    chunk = b"f" * 65536
    while True:
        try:
            total += sync.send(chunk)
        except BlockingIOError:
            return total


def test_cancelled_receives_and_accepts_consume_nothing(run: Any) -> None:
    async def main() -> None:
        before = socket_fds()
        # Streams: recv, recv_into, recv_fds.
        a, b = socketpair()
        ta, tb = aio.wrap(a), aio.wrap(b)
        for _ in range(5):
            await cancelled(lambda: ta.recv(10))
            await cancelled(lambda: ta.recv_into(bytearray(10)))
            await cancelled(lambda: ta.recv_fds(10, 2))
        r, w = os.pipe()
        await tb.send_fds(b"with-fd", [r])
        data, fds = await ta.recv_fds(10, 2)
        assert data == b"with-fd" and len(fds) == 1
        for fd in (r, w, *fds):
            os.close(fd)
        await tb.sendall(b"abc")
        buf = bytearray(3)
        assert await ta.recv_into(buf) == 3 and buf == b"abc"
        # Listener: a cancelled accept took no connection.
        lst = aio.wrap(RawSocket.tcp4().bind(SocketAddrV4("127.0.0.1", 0)).listen())
        for _ in range(5):
            await cancelled(lst.accept)
        client = await aio.connect(lst.getsockname())
        server, peer = await lst.accept()
        assert peer == client.getsockname()
        # A cancelled finish leaves the connect pending (and its socket open):
        # with backlog 0 and the queue full, the kernel drops the SYN.
        lst0 = RawSocket.tcp4().bind(SocketAddrV4("127.0.0.1", 0)).listen(0)
        fillers = [RawSocket.tcp4().connect_nonblocking(lst0.getsockname()) for _ in range(3)]
        pending = aio.wrap(RawSocket.tcp4().connect_nonblocking(lst0.getsockname()))
        for _ in range(3):
            await cancelled(pending.finish)
        assert not pending.closed
        for s in (*fillers, pending, lst0):
            s.close()
        # Datagrams: recvfrom, recvfrom_into, recv_batch, recv (connected).
        d1 = aio.wrap(RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0)))
        d2 = aio.wrap(RawSocket.udp4().connect(d1.getsockname()))
        rb = RecvBatch(SocketAddrV4, 4, 100)
        for _ in range(5):
            await cancelled(lambda: d1.recvfrom(100))
            await cancelled(lambda: d1.recvfrom_into(bytearray(100)))
            await cancelled(lambda: d1.recv_batch(rb))
            await cancelled(lambda: d2.recv(100))
        for i in range(3):
            await d2.send(b"d%d" % i)
        assert (await d1.recvfrom(100))[0] == b"d0"
        n, src = await d1.recvfrom_into(buf := bytearray(100))
        assert buf[:n] == b"d1" and src == d2.getsockname()
        assert await d1.recv_batch(rb) == 1 and rb[0].data == b"d2"
        await d1.sendto(b"back", d2.getsockname())
        assert await d2.recv(100) == b"back"
        rb.close()
        for s in (ta, tb, lst, client, server, d1, d2):
            s.close()
        assert socket_fds() == before

    run(main)


def test_cancelled_send_sent_nothing(run: Any) -> None:
    """A send waiting on a full buffer, cancelled, sent nothing: the reader
    gets exactly the bytes the completed calls reported."""

    async def main() -> None:
        before = socket_fds()
        a, b = socketpair()
        ta, tb = aio.wrap(a), aio.wrap(b)
        sent = fill(ta)
        for _ in range(5):
            await cancelled(lambda: ta.send(b"never" * 1000))
        reader = asyncio.ensure_future(drain(tb, sent + 4))
        await ta.sendall(b"last")
        got = await reader
        assert len(got) == sent + 4 and got.endswith(b"flast")
        # Datagram: a cancelled sendto on a full socket buffer sent nothing.
        u1, u2 = socketpair(Datagram)
        t1, t2 = aio.wrap(u1), aio.wrap(u2)
        count = 0
        while True:
            try:
                u1.send(b"%d" % count)
                count += 1
            except BlockingIOError:
                break
        await cancelled(lambda: t1.send(b"never"))
        got_d = [await t2.recv(100) for _ in range(count)]
        assert got_d == [b"%d" % i for i in range(count)]
        await t1.send(b"after")
        assert await t2.recv(100) == b"after"
        for s in (ta, tb, t1, t2):
            s.close()
        assert socket_fds() == before

    run(main)


async def drain(conn: Any, n: int) -> bytes:
    got = bytearray()
    while len(got) < n:
        chunk = await conn.recv(1 << 20)
        assert chunk, "unexpected end of stream"
        got += chunk
    return bytes(got)


def test_close_from_another_task_wakes_every_kind_of_waiter(run: Any) -> None:
    async def main() -> None:
        before = socket_fds()
        a, b = socketpair()
        ta, tb = aio.wrap(a), aio.wrap(b)
        w1, w2 = socketpair()
        tw1, tw2 = aio.wrap(w1), aio.wrap(w2)
        fill(tw1)
        lst = aio.wrap(RawSocket.tcp4().bind(SocketAddrV4("127.0.0.1", 0)).listen())
        d = aio.wrap(RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0)))
        path = unix_path()
        ud = aio.wrap(RawSocket.unix_datagram().bind(path))
        rb = RecvBatch(SocketAddrV4, 4, 100)
        waits = {
            "recv": (ta, ta.recv(10)),
            "recv_into": (tb, tb.recv_into(bytearray(10))),
            "accept": (lst, lst.accept()),
            "recvfrom": (d, d.recvfrom(10)),
            "recv_batch": (d, d.recv_batch(rb)),
            "sendall": (tw1, tw1.sendall(b"z" * 1_000_000)),
            "recvfrom unix": (ud, ud.recvfrom(10)),
        }
        tasks = {name: asyncio.ensure_future(coro) for name, (_, coro) in waits.items()}
        await asyncio.sleep(0.02)
        assert not any(t.done() for t in tasks.values())
        for name, (sock, _) in waits.items():
            sock.close()
        start = time.monotonic()
        for name, task in tasks.items():
            with pytest.raises(OSError) as e:
                await asyncio.wait_for(task, 1.0)
            assert e.value.errno == errno.EBADF, name
            assert not isinstance(e.value, asyncio.CancelledError)
        assert time.monotonic() - start < 0.5  # woken at once, not by a timeout
        rb.close()
        tw2.close()
        assert socket_fds() == before

    run(main)
