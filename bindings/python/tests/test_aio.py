"""wirelane.aio: the async twins, asyncio's stream and datagram APIs on our
sockets, the stdlib loop's sock= APIs on the sync classes, cancellation and
close-wakes-waiter. Every test runs on the default loop and on uvloop."""

from __future__ import annotations

import asyncio
import errno
import os
import socket
import tempfile
from typing import Any, Awaitable, Callable, TypeVar

import pytest

from wirelane import (
    BoundDatagram,
    ConsumedError,
    RawSocket,
    RecvBatch,
    SendBatch,
    SocketAddrV4,
    SocketAddrV6,
    UnixAddr,
    socketpair,
    aio,
)
from wirelane import Datagram

from conftest import BOUND, open_fds, unix_path

try:
    import uvloop
except ImportError:  # pragma: no cover - run-tests.sh installs it
    uvloop = None

T = TypeVar("T")
LOOPS = ["asyncio", "uvloop"]


@pytest.fixture(params=LOOPS)
def run(request: pytest.FixtureRequest) -> Callable[[Callable[[], Awaitable[T]]], T]:
    """Runs a coroutine function on the default loop or on uvloop, with a
    hard bound so a hang fails."""
    if request.param == "uvloop" and uvloop is None:
        pytest.fail("uvloop is not installed: run bindings/python/run-tests.sh (it installs uvloop)")

    def runner(fn: Callable[[], Awaitable[T]]) -> T:
        async def bounded() -> T:
            return await asyncio.wait_for(fn(), BOUND)

        if request.param == "uvloop":
            loop = uvloop.new_event_loop()
        else:
            loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(bounded())
        finally:
            loop.close()

    return runner


def lst4() -> aio.AsyncListener[SocketAddrV4]:
    return aio.wrap(RawSocket.tcp4().bind(SocketAddrV4("127.0.0.1", 0)).listen())


def test_connect_accept_roundtrip(run: Any) -> None:
    async def main() -> None:
        async with lst4() as lst:
            client = await aio.connect(lst.getsockname())
            conn, peer = await lst.accept()
            assert isinstance(conn, aio.AsyncConnection) and isinstance(peer, SocketAddrV4)
            assert peer == client.getsockname()
            await client.sendall(b"x" * 1_000_000)
            got = bytearray()
            while len(got) < 1_000_000:
                buf = bytearray(65536)
                n = await conn.recv_into(buf)
                got += buf[:n]
            assert got == b"x" * 1_000_000
            assert await conn.send(b"pong") == 4
            assert await client.recv(4) == b"pong"
            conn.shutdown(socket.SHUT_WR)
            assert await client.recv(10) == b""
            conn.close()
            client.close()

    run(main)


def test_connect_v6_and_unix(run: Any) -> None:
    async def main() -> None:
        lst6 = aio.wrap(RawSocket.tcp6().bind(SocketAddrV6("::1", 0)).listen())
        c6 = await aio.connect(lst6.getsockname())
        s6, _ = await lst6.accept()
        await c6.sendall(b"six")
        assert await s6.recv(3) == b"six"
        path = unix_path()
        lstu = aio.wrap(RawSocket.unix_stream().bind(path).listen())
        cu = await aio.connect(path)
        su, _ = await lstu.accept()
        r, w = os.pipe()
        try:
            await cu.send_fds(b"fd", [r])
            data, fds = await su.recv_fds(10, 4)
            assert data == b"fd" and len(fds) == 1
            os.close(fds[0])
        finally:
            os.close(r)
            os.close(w)
        for s in (lst6, c6, s6, lstu, cu, su):
            s.close()

    run(main)


def test_connect_refused_and_bad_types(run: Any) -> None:
    async def main() -> None:
        probe = RawSocket.tcp4().bind(SocketAddrV4("127.0.0.1", 0))
        addr = probe.getsockname()
        probe.close()
        before = open_fds()
        with pytest.raises(ConnectionRefusedError):
            await aio.connect(addr)
        assert open_fds() == before
        with pytest.raises(TypeError):
            await aio.connect(("127.0.0.1", 1))  # type: ignore[call-overload]
        with pytest.raises(TypeError):
            aio.wrap(socket.socket())  # type: ignore[call-overload]
        with pytest.raises(TypeError):
            aio.wrap(RawSocket.tcp4())  # type: ignore[call-overload]

    run(main)


def test_wrap_closed_or_consumed_raises_the_sync_error() -> None:
    bound = RawSocket.tcp4().bind(SocketAddrV4("127.0.0.1", 0))
    lst = bound.listen()
    with pytest.raises(TypeError):
        aio.wrap(bound)  # type: ignore[call-overload]
    lst.close()
    with pytest.raises(OSError) as e:
        aio.wrap(lst)
    assert e.value.errno == errno.EBADF
    a, b = socketpair()
    twin = aio.wrap(a)
    back = twin.unwrap()
    assert back is a and a.gettimeout() is None
    with pytest.raises(ConsumedError):
        twin.unwrap()
    with pytest.raises(ConsumedError):
        twin.shutdown(socket.SHUT_RD)
    a.close()
    b.close()


def test_close_from_another_task_wakes_waiters(run: Any) -> None:
    async def main() -> None:
        a, b = socketpair()
        ta, tb = aio.wrap(a), aio.wrap(b)
        lst = lst4()
        d = aio.wrap(RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0)))
        waits = [
            asyncio.ensure_future(ta.recv(10)),
            asyncio.ensure_future(lst.accept()),
            asyncio.ensure_future(d.recvfrom(10)),
        ]
        await asyncio.sleep(0.02)
        before = open_fds()
        ta.close()
        lst.close()
        d.close()
        for w in waits:
            with pytest.raises(OSError) as e:
                await asyncio.wait_for(w, 1.0)
            assert e.value.errno == errno.EBADF
        assert len(before - open_fds()) == 3
        tb.close()

    run(main)


def test_cancellation_loses_no_data_and_leaks_no_fd(run: Any) -> None:
    async def main() -> None:
        before = open_fds()
        a, b = socketpair()
        ta, tb = aio.wrap(a), aio.wrap(b)
        for _ in range(20):
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.001):
                    await ta.recv(10)
        await tb.sendall(b"kept")
        assert await ta.recv(10) == b"kept"
        # Datagram: a cancelled recvfrom consumed nothing.
        d1 = aio.wrap(RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0)))
        d2 = aio.wrap(RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0)))
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.01):
                await d1.recvfrom(100)
        await d2.sendto(b"dgram", d1.getsockname())
        data, src = await d1.recvfrom(100)
        assert data == b"dgram" and src == d2.getsockname()
        # A cancelled connect closes its socket.
        lst = RawSocket.tcp4().bind(SocketAddrV4("127.0.0.1", 0)).listen(0)
        task = asyncio.ensure_future(aio.connect(lst.getsockname()))
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        for s in (ta, tb, d1, d2, lst):
            s.close()
        assert open_fds() == before

    run(main)


def test_datagram_twins_batches_and_gso(run: Any) -> None:
    async def main() -> None:
        rx = aio.wrap(RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0)))
        tx = aio.wrap(RawSocket.udp4().connect(rx.getsockname()))
        with SendBatch(SocketAddrV4, 8) as sb, RecvBatch(SocketAddrV4, 16, 2048) as rb:
            for i in range(8):
                sb.push(b"m%d" % i)
            assert await tx.send_batch(sb) == 8
            got: list[bytes] = []
            while len(got) < 8:
                n = await rx.recv_batch(rb)
                got += [rb[i].data for i in range(n)]
            assert got == [b"m%d" % i for i in range(8)]
        seg = await rx.sendto_segmented(b"a" * 300, 100, tx.getsockname())
        assert seg.datagrams == 3 and seg.bytes == 300
        back = aio.wrap(RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0)))
        await tx.send(b"hello")
        assert (await rx.recvfrom(10))[0] == b"hello"
        await rx.sendto(b"r1", tx.getsockname())
        await rx.sendto(b"r2", tx.getsockname())
        await rx.sendto(b"r3", tx.getsockname())
        parts = [await tx.recv(100) for _ in range(3)]
        assert parts == [b"a" * 100] * 3
        assert [await tx.recv(10) for _ in range(3)] == [b"r1", b"r2", b"r3"]
        for s in (rx, tx, back):
            s.close()

    run(main)


def test_sendfile(run: Any) -> None:
    async def main() -> None:
        a, b = socketpair()
        ta, tb = aio.wrap(a), aio.wrap(b)
        payload = os.urandom(300_000)
        with tempfile.TemporaryFile() as f:
            f.write(payload)
            f.seek(0)
            send = asyncio.ensure_future(ta.sendfile(f))
            got = bytearray()
            while len(got) < len(payload):
                got += await tb.recv(65536)
            assert await send == len(payload)
            assert f.tell() == len(payload)
        assert got == payload
        ta.close()
        tb.close()

    run(main)


def test_start_server_and_open_connection(run: Any) -> None:
    async def main() -> None:
        async def echo(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            while data := await r.read(1024):
                w.write(data)
                await w.drain()
            w.close()

        raw = RawSocket.tcp4().bind(SocketAddrV4("127.0.0.1", 0)).listen()
        addr = raw.getsockname()
        server = await aio.start_server(echo, aio.wrap(raw))
        reader, writer = await aio.open_connection(addr)
        writer.write(b"echo me")
        await writer.drain()
        assert await reader.readexactly(7) == b"echo me"
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()
        with pytest.raises(TypeError):
            await aio.start_server(echo, object())  # type: ignore[arg-type]

    run(main)


class Collect(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.got: list[tuple[bytes, Any]] = []
        self.lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.got.append((data, addr))

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost.set_result(None)


def test_create_datagram_endpoint_batches(run: Any) -> None:
    async def main() -> None:
        rx_sock = RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))
        rx_addr = rx_sock.getsockname()
        rt, rp = await aio.create_datagram_endpoint(Collect, rx_sock)
        tx_sock = aio.wrap(RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0)))
        tt, tp = await aio.create_datagram_endpoint(Collect, tx_sock)
        assert isinstance(tt, asyncio.DatagramTransport)
        for i in range(100):
            tt.sendto(b"d%d" % i, rx_addr if i % 2 else tuple(rx_addr))
        assert tt.get_write_buffer_size() > 0  # queued for one batched send
        for _ in range(200):
            if len(rp.got) == 100:
                break
            await asyncio.sleep(0.005)
        assert [d for d, _ in rp.got] == [b"d%d" % i for i in range(100)]
        assert rp.got[0][1] == tt.get_extra_info("sockname")
        with pytest.raises(TypeError):
            tt.sendto("text", rx_addr)  # type: ignore[arg-type]
        before = open_fds()
        rt.close()
        tt.close()
        await rp.lost
        await tp.lost
        assert len(before - open_fds()) == 2
        with pytest.raises(TypeError):
            await aio.create_datagram_endpoint(Collect, lst4())  # type: ignore[arg-type]

    run(main)


def test_stdlib_loop_takes_the_sync_classes() -> None:
    # Default loop only: uvloop closes a sock= descriptor itself and then
    # calls close() on our object (a double close, which the Rust core's
    # debug build aborts on); see the report / README. Our own
    # wirelane.aio helpers hand uvloop a stdlib socket instead.
    async def main() -> None:
        loop = asyncio.get_running_loop()
        lst = RawSocket.tcp4().bind(SocketAddrV4("127.0.0.1", 0)).listen()
        raw = RawSocket.tcp4()
        raw.setblocking(False)
        assert raw.gettimeout() == 0.0 and raw.family == socket.AF_INET and raw.proto == 0
        await loop.sock_connect(raw, tuple(lst.getsockname()))
        conn = raw.connect(lst.getsockname())  # completes the typed transition
        assert raw.closed
        peer, _ = lst.accept()
        assert conn.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0
        assert conn.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == socket.SOCK_STREAM
        # create_connection(sock=) on our Connection, echo through the transport.
        reader, writer = await asyncio.open_connection(sock=conn)
        peer.sendall(b"hi")
        assert await reader.readexactly(2) == b"hi"
        writer.write(b"yo")
        await writer.drain()
        assert peer.recv(2) == b"yo"
        writer.close()
        await writer.wait_closed()
        peer.close()
        lst.close()
        # create_datagram_endpoint(sock=) on a BoundDatagram.
        d = RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))
        with pytest.raises(OSError) as e:
            d.getpeername()
        assert e.value.errno == errno.ENOTCONN
        addr = d.getsockname()
        t, p = await loop.create_datagram_endpoint(Collect, sock=d)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(b"std", tuple(addr))
        for _ in range(200):
            if p.got:
                break
            await asyncio.sleep(0.005)
        assert p.got[0][0] == b"std"
        t.sendto(b"back", s.getsockname())
        s.settimeout(BOUND)
        assert s.recv(10) == b"back"
        s.close()
        t.close()
        await p.lost

    asyncio.run(main())


def test_create_server_sock_default_loop() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        lst = RawSocket.tcp4().bind(SocketAddrV4("127.0.0.1", 0)).listen()
        addr = lst.getsockname()
        got: asyncio.Future[bytes] = loop.create_future()

        class P(asyncio.Protocol):
            def data_received(self, data: bytes) -> None:
                got.set_result(data)

        server = await loop.create_server(P, sock=lst)
        c = await aio.connect(addr)
        await c.sendall(b"srv")
        assert await asyncio.wait_for(got, BOUND) == b"srv"
        c.close()
        server.close()
        await server.wait_closed()

    asyncio.run(main())


def test_readme_asyncio_example_runs() -> None:
    """The README's "asyncio" block is run as written, so it cannot rot."""
    import pathlib
    import re

    readme = pathlib.Path(__file__).resolve().parents[3] / "README.md"
    section = readme.read_text().split("### asyncio", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "README has no python block under ### asyncio"
    exec(compile(match.group(1), "README.md#asyncio", "exec"), {"__name__": "__readme__"})
