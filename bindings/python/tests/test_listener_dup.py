"""``Listener.dup()`` (``wl_listener_try_clone``): a second object for one
listening socket; both accept, and it listens until both are closed."""

from __future__ import annotations

import fcntl

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
    for s in (client, server, copy):
        s.close()

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
