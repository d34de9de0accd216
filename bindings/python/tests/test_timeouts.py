"""Timeouts and blocking modes with the standard library's semantics."""

from __future__ import annotations

import errno
import math
import os
import socket
from typing import Iterator

import pytest
from conftest import BOUND, listener4

from wirelane import Connection, RawSocket, SocketAddrV4, socketpair

LO4 = SocketAddrV4("127.0.0.1", 0)


@pytest.fixture
def default_timeout() -> Iterator[None]:
    yield
    socket.setdefaulttimeout(None)


def test_settimeout_validates_like_the_stdlib() -> None:
    with RawSocket.tcp4() as raw:
        with pytest.raises(TypeError):
            raw.settimeout("1")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="out of range"):
            raw.settimeout(-1)
        with pytest.raises(ValueError, match="NaN"):
            raw.settimeout(math.nan)
        assert raw.gettimeout() is None


def test_modes_map_to_o_nonblock() -> None:
    with RawSocket.tcp4() as raw:
        fd = raw.fileno()
        assert raw.gettimeout() is None and raw.getblocking() and os.get_blocking(fd)
        raw.settimeout(0)
        assert raw.gettimeout() == 0.0 and not raw.getblocking() and not os.get_blocking(fd)
        raw.settimeout(2.5)
        assert raw.gettimeout() == 2.5 and raw.getblocking() and not os.get_blocking(fd)
        raw.setblocking(True)
        assert raw.gettimeout() is None and os.get_blocking(fd)
        raw.setblocking(False)
        assert raw.gettimeout() == 0.0


def test_timeout_carries_across_transitions() -> None:
    raw = RawSocket.tcp4()
    raw.settimeout(3.0)
    lst = raw.bind(LO4).listen()
    assert lst.gettimeout() == 3.0
    lst.close()


def test_recv_and_accept_time_out() -> None:
    lst = listener4()
    lst.settimeout(0.05)
    with pytest.raises(TimeoutError) as e:
        lst.accept()
    assert str(e.value) == "timed out" and e.value.errno is None
    client = RawSocket.tcp4().connect(lst.getsockname())
    client.settimeout(0.05)
    with pytest.raises(TimeoutError):
        client.recv(1)
    assert not client.closed  # the stdlib leaves the socket usable
    client.close()
    lst.close()


def test_non_blocking_calls_raise_blocking_io_error() -> None:
    lst = listener4()
    lst.setblocking(False)
    with pytest.raises(BlockingIOError):
        lst.accept()
    client = RawSocket.tcp4().connect(lst.getsockname())
    client.setblocking(False)
    with pytest.raises(BlockingIOError):
        client.recv(1)
    a, b = socketpair()
    a.setblocking(False)
    with pytest.raises(BlockingIOError):
        while True:
            a.send(b"x" * 65536)
    for s in (lst, client, a, b):
        s.close()


def test_non_blocking_connect_then_connect_again_returns_the_connection() -> None:
    lst = listener4()
    raw = RawSocket.tcp4()
    raw.setblocking(False)
    conn: Connection[SocketAddrV4] | None = None
    try:
        conn = raw.connect(lst.getsockname())  # loopback may complete at once
    except BlockingIOError as e:
        assert e.errno == errno.EINPROGRESS
        assert not raw.closed
        import select

        p = select.poll()
        p.register(raw.fileno(), select.POLLOUT)
        assert p.poll(BOUND * 1000)
        conn = raw.connect(lst.getsockname())  # EISCONN: the connection
    assert isinstance(conn, Connection)
    assert raw.closed
    assert conn.gettimeout() == 0.0
    conn.close()
    lst.close()


def _full_listener() -> list[object]:
    """A listener (backlog 0) whose accept queue is full: further SYNs are
    dropped, so a connect to it stays in flight."""
    lst = RawSocket.tcp4().bind(LO4).listen(0)
    out: list[object] = [lst]
    for _ in range(2):
        p = RawSocket.tcp4().connect_nonblocking(lst.getsockname())
        if p.wait(0.5):
            out.append(p.finish())
        else:
            p.close()
    return out


def test_connect_times_out_and_leaves_the_raw_socket_usable() -> None:
    full = _full_listener()
    addr = full[0].getsockname()  # type: ignore[attr-defined]
    raw = RawSocket.tcp4()
    raw.settimeout(0.1)
    with pytest.raises(TimeoutError):
        raw.connect(addr)
    assert not raw.closed
    raw.close()
    for s in full:
        s.close()  # type: ignore[attr-defined]


def test_sendall_timeout_bounds_the_whole_call() -> None:
    a, b = socketpair()
    a.settimeout(0.2)
    with pytest.raises(TimeoutError):
        a.sendall(b"x" * (16 * 1024 * 1024))  # the peer never reads
    a.close()
    b.close()


def test_default_timeout_applies_to_new_sockets(default_timeout: None) -> None:
    socket.setdefaulttimeout(1.5)
    raw = RawSocket.tcp4()
    assert raw.gettimeout() == 1.5 and not os.get_blocking(raw.fileno())
    lst = raw.bind(LO4).listen()
    client = RawSocket.tcp4().connect(lst.getsockname())
    server, _ = lst.accept()
    assert server.gettimeout() == 1.5 and client.gettimeout() == 1.5
    a, b = socketpair()
    assert a.gettimeout() == 1.5
    socket.setdefaulttimeout(None)
    server2_client = RawSocket.tcp4().connect(lst.getsockname())
    server2, _ = lst.accept()  # listener has a timeout; default is None -> blocking
    assert server2.gettimeout() is None and os.get_blocking(server2.fileno())
    for s in (lst, client, server, a, b, server2_client, server2):
        s.close()
