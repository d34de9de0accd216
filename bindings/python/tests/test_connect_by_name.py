"""Connect by name: ``wirelane.create_connection`` with the stdlib's
semantics (gaierror, timeout set on the result, source_address, the last
error or all_errors), the RFC 8305 race, ``resolve`` returning every
address, ``wirelane.aio.create_connection`` (cancel leaves no half-open
socket) and no descriptor leaked over 1,000 connects."""

from __future__ import annotations

import asyncio
import errno
import gc
import socket
import time
from typing import Any, Awaitable, Callable, TypeVar

import pytest

import wirelane
from wirelane import Connection, RawSocket, SocketAddrV4, SocketAddrV6, aio

from conftest import BOUND, listener4, listener6, open_fds

try:
    import uvloop
except ImportError:  # pragma: no cover - run-tests.sh installs it
    uvloop = None

T = TypeVar("T")


def closed_port4() -> tuple[Any, int]:
    """A bound, non-listening IPv4 port: connects to it are refused."""
    b = RawSocket.tcp4().bind(SocketAddrV4("127.0.0.1", 0))
    return b, b.getsockname().port


def echo(conn: Connection[Any], lst: Any) -> None:
    server, _ = lst.accept()
    with server:
        conn.sendall(b"ping")
        server.settimeout(BOUND)
        assert server.recv(4) == b"ping"


def test_connects_by_name_like_the_stdlib() -> None:
    lst = listener4()
    port = lst.getsockname().port
    with wirelane.create_connection(("localhost", port)) as conn:
        assert conn.family == socket.AF_INET
        assert conn.getpeername() == ("127.0.0.1", port)
        assert conn.gettimeout() is None  # blocking, as socket.getdefaulttimeout()
        echo(conn, lst)
    with wirelane.create_connection(("localhost", str(port)), timeout=2.5) as conn:
        assert conn.gettimeout() == 2.5
        lst.accept()[0].close()
    lst.close()


def test_ipv6_literal_and_default_timeout() -> None:
    lst = listener6()
    port = lst.getsockname().port
    socket.setdefaulttimeout(3.0)
    try:
        with wirelane.create_connection(("::1", port)) as conn:
            assert conn.family == socket.AF_INET6
            assert isinstance(conn.getpeername(), SocketAddrV6)
            assert conn.gettimeout() == 3.0
            echo(conn, lst)
    finally:
        socket.setdefaulttimeout(None)
    lst.close()


def test_source_address_is_bound_and_limits_the_family() -> None:
    lst = listener4()
    port = lst.getsockname().port
    with wirelane.create_connection(("localhost", port), source_address=("127.0.0.1", 0)) as conn:
        assert conn.getsockname().host == "127.0.0.1"
        lst.accept()[0].close()
    with pytest.raises(OSError) as info:
        wirelane.create_connection(("127.0.0.1", port), source_address=("::1", 0))
    assert "IPv6" in str(info.value)
    lst.close()


def test_failures_raise_the_last_error_naming_every_address() -> None:
    blocker, port = closed_port4()
    with pytest.raises(ConnectionRefusedError) as info:
        wirelane.create_connection(("127.0.0.1", port))
    assert f"127.0.0.1:{port}" in str(info.value)
    with pytest.raises(ExceptionGroup) as group:
        wirelane.create_connection(("127.0.0.1", port), all_errors=True)
    (only,) = group.value.exceptions
    assert isinstance(only, ConnectionRefusedError) and only.errno == errno.ECONNREFUSED
    assert f"127.0.0.1:{port}" in str(only)
    with pytest.raises(socket.gaierror):
        wirelane.create_connection(("no-such-host.invalid", 80))
    with pytest.raises(BlockingIOError):
        wirelane.create_connection(("127.0.0.1", port), timeout=0)
    blocker.close()


def full_listener6() -> tuple[Any, Any, int]:
    """An IPv6 listener whose accept queue is full: the kernel drops new
    SYNs, so a connect to it hangs in SYN_SENT (an address that "never
    answers", on loopback). Returns the listener, the queued client, port."""
    lst = RawSocket.tcp6().bind(SocketAddrV6("::1", 0)).listen(0)
    port = lst.getsockname().port
    queued = RawSocket.tcp6().connect(lst.getsockname())
    return lst, queued, port


def test_a_silent_first_address_costs_one_attempt_delay() -> None:
    lst6, queued, port = full_listener6()
    lst4 = RawSocket.tcp4().bind(SocketAddrV4("127.0.0.1", port)).listen()
    # The library interleaves what it is given; the first address is the
    # silent IPv6 one, as a resolver preferring IPv6 would return it.
    from wirelane._connect_by_name import _connection, _Race

    race = _Race("x", [SocketAddrV6("::1", port), SocketAddrV4("127.0.0.1", port)], None, None, 0.1)
    start = time.monotonic()
    try:
        assert race.step() is None  # the IPv6 attempt started, alone
        assert len(race.fds()) == 1
        handle = race.wait()
    finally:
        race.close()
    took = time.monotonic() - start
    conn = _connection(handle, None)
    assert conn.family == socket.AF_INET
    assert 0.1 <= took < 0.1 + 0.25, took
    for s in (conn, lst4, queued, lst6):
        s.close()


def test_resolve_returns_every_address() -> None:
    addrs = wirelane.resolve("localhost", 80)
    assert addrs and all(a.port == 80 for a in addrs)
    assert len(set(addrs)) == len(addrs)
    assert SocketAddrV4.resolve_all("127.0.0.1", 7) == [SocketAddrV4("127.0.0.1", 7)]
    assert SocketAddrV4.resolve("127.0.0.1", 7) == SocketAddrV4("127.0.0.1", 7)
    assert SocketAddrV6.resolve_all("::1", 7) == [SocketAddrV6("::1", 7)]
    with pytest.raises(socket.gaierror):
        wirelane.resolve("no-such-host.invalid", 80)


def test_a_thousand_connects_leak_nothing() -> None:
    lst = listener4()
    port = lst.getsockname().port
    blocker, closed = closed_port4()
    gc.collect()
    before = open_fds()
    for _ in range(1000):
        conn = wirelane.create_connection(("127.0.0.1", port))
        lst.accept()[0].close()
        conn.close()
        with pytest.raises(ConnectionRefusedError):
            wirelane.create_connection(("127.0.0.1", closed))
    gc.collect()
    assert open_fds() == before
    lst.close()
    blocker.close()


def syn_sent_to(port: int) -> int:
    """Sockets in SYN_SENT (state 02) towards ``port`` (/proc/net/tcp6)."""
    n = 0
    with open("/proc/net/tcp6") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[3] == "02" and int(fields[2].rsplit(":", 1)[1], 16) == port:
                n += 1
    return n


@pytest.fixture(params=["asyncio", "uvloop"])
def run(request: pytest.FixtureRequest) -> Callable[[Callable[[], Awaitable[T]]], T]:
    if request.param == "uvloop" and uvloop is None:
        pytest.fail("uvloop is not installed: run bindings/python/run-tests.sh (it installs uvloop)")

    def runner(fn: Callable[[], Awaitable[T]]) -> T:
        loop = uvloop.new_event_loop() if request.param == "uvloop" else asyncio.new_event_loop()
        try:
            return loop.run_until_complete(asyncio.wait_for(fn(), BOUND))
        finally:
            loop.close()

    return runner


def test_aio_create_connection(run: Callable[[Callable[[], Awaitable[None]]], None]) -> None:
    lst = listener4()
    port = lst.getsockname().port

    async def main() -> None:
        conn = await aio.create_connection(("localhost", port))
        server, _ = lst.accept()
        await conn.sendall(b"hi")
        server.settimeout(BOUND)
        assert server.recv(2) == b"hi"
        server.close()
        conn.close()
        blocker, closed = closed_port4()
        with pytest.raises(ConnectionRefusedError):
            await aio.create_connection(("127.0.0.1", closed))
        with pytest.raises(ExceptionGroup):
            await aio.create_connection(("127.0.0.1", closed), all_errors=True)
        with pytest.raises(socket.gaierror):
            await aio.create_connection(("no-such-host.invalid", 80))
        blocker.close()

    run(main)
    lst.close()


def test_aio_cancel_leaves_no_half_open_socket(run: Callable[[Callable[[], Awaitable[None]]], None]) -> None:
    lst, queued, port = full_listener6()

    async def main() -> None:
        gc.collect()
        before = open_fds()
        task = asyncio.ensure_future(aio.create_connection(("::1", port)))
        await asyncio.sleep(0.3)
        assert not task.done()
        assert syn_sent_to(port) == 1, "the attempt is in flight"
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert syn_sent_to(port) == 0, "cancel closed the attempt"
        gc.collect()
        assert open_fds() == before

    run(main)
    queued.close()
    lst.close()


def test_aio_timeout_bounds_the_connect(run: Callable[[Callable[[], Awaitable[None]]], None]) -> None:
    lst, queued, port = full_listener6()

    async def main() -> None:
        start = time.monotonic()
        with pytest.raises(TimeoutError):
            await aio.create_connection(("::1", port), timeout=0.3)
        assert time.monotonic() - start < 0.3 + 0.5
        with pytest.raises(TimeoutError) as info:
            wirelane.create_connection(("::1", port), timeout=0.3)
        assert f"[::1]:{port}" in str(info.value)

    run(main)
    queued.close()
    lst.close()


def test_datagrams_connect_by_name() -> None:
    server = RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))
    server.settimeout(BOUND)
    port = server.getsockname().port
    with wirelane.connect_datagram(("localhost", port)) as conn:
        assert conn.family == socket.AF_INET
        assert conn.getpeername() == ("127.0.0.1", port)
        conn.send(b"d")
        data, sender = server.recvfrom(16)
        assert data == b"d" and sender == conn.getsockname()
    with wirelane.connect_datagram(("127.0.0.1", port), source_address=("127.0.0.1", 0)) as conn:
        assert conn.getsockname().host == "127.0.0.1"
    with pytest.raises(socket.gaierror):
        wirelane.connect_datagram(("no-such-host.invalid", 53))
    server.close()
