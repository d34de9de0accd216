"""``Listener.dup()`` (``wl_listener_try_clone``): a second object for one
listening socket; both accept, and it listens until both are closed."""

from __future__ import annotations

import errno
import fcntl
import os
import socket

import pytest
from conftest import BOUND, listener4

from wirelane import Listener, RawSocket


def test_dup_accepts_and_outlives_the_original() -> None:
    lst = listener4()
    addr = lst.getsockname()
    copy = lst.dup()
    assert isinstance(copy, Listener)
    assert copy.fileno() != lst.fileno()
    assert fcntl.fcntl(copy.fileno(), fcntl.F_GETFD) & fcntl.FD_CLOEXEC
    assert copy.getsockname() == addr
    assert copy.gettimeout() == lst.gettimeout() == BOUND

    client = RawSocket.tcp4().connect(addr)
    server, peer = copy.accept()
    assert peer == client.getsockname()
    for s in (client, server):
        s.close()

    lst.close()  # the copy keeps the socket listening
    client = RawSocket.tcp4().connect(addr)
    server, _ = copy.accept()
    client.sendall(b"hi")
    assert server.recv(2) == b"hi"
    for s in (client, server):
        s.close()
    copy.close()

    # Both closed: nobody listens.
    raw = RawSocket.tcp4()
    with pytest.raises(ConnectionRefusedError):
        raw.connect(addr)
    raw.close()


def test_dup_of_a_closed_listener_raises() -> None:
    lst = listener4()
    lst.close()
    with pytest.raises(OSError):
        lst.dup()


def test_connect_after_the_kernel_connected_the_socket() -> None:
    """What an interrupted connect that completed leaves: the kernel says
    EISCONN; for the same peer that is the connection, for another an
    error naming both (the socket stays usable)."""
    a, b = listener4(), listener4()
    for target, expect_ok in ((a, True), (b, False)):
        raw = RawSocket.tcp4()
        behind = socket.socket(fileno=os.dup(raw.fileno()))
        behind.connect(a.getsockname())  # the same socket, connected to a
        behind.close()
        if expect_ok:
            conn = raw.connect(target.getsockname())
            assert conn.getpeername() == a.getsockname()
            conn.close()
        else:
            with pytest.raises(OSError) as info:
                raw.connect(target.getsockname())
            assert info.value.errno == errno.EISCONN
            assert "already connected to" in str(info.value)
            assert not raw.closed
            raw.close()
        server, _ = a.accept()
        server.close()
    a.close()
    b.close()
