"""Descriptor passing and credentials over Unix sockets."""

from __future__ import annotations

import errno
import os
import tempfile

import pytest
from conftest import BOUND, abstract_addr, run_in_thread

from wirelane import Datagram, RawSocket, own_credentials, socketpair


def test_send_fd_and_recv_fd_share_the_open_file() -> None:
    a, b = socketpair()
    b.settimeout(BOUND)
    with tempfile.TemporaryFile() as f:
        f.write(b"shared file")
        f.flush()
        a.send_fd(f)  # anything with fileno()
        got = b.recv_fd()
        assert got != f.fileno()
        assert os.get_inheritable(got) is False  # close-on-exec
        assert os.pread(got, 6, 0) == b"shared"
        os.close(got)
        os.fstat(f.fileno())  # the sender's descriptor stays open
    a.close()
    b.close()


def test_send_fds_with_data_and_too_many() -> None:
    a, b = socketpair()
    b.settimeout(BOUND)
    r1, w1 = os.pipe()
    r2, w2 = os.pipe()
    assert a.send_fds(b"hdr", [r1, r2]) == 3
    data, fds = b.recv_fds(10, 4)
    assert data == b"hdr" and len(fds) == 2
    os.write(w1, b"p1")
    assert os.read(fds[0], 2) == b"p1"
    for fd in fds:
        os.close(fd)
    before = len(os.listdir("/proc/self/fd"))
    a.send_fds(b"x", [r1, r2, w1])
    with pytest.raises(OSError) as e:
        b.recv_fds(10, 1)
    assert e.value.errno == errno.EMSGSIZE
    assert len(os.listdir("/proc/self/fd")) == before  # every one that arrived was closed
    with pytest.raises(OSError) as e2:
        a.send_fds(b"", [r1])  # a stream needs at least one byte
    assert e2.value.errno == errno.EINVAL
    for fd in (r1, w1, r2, w2):
        os.close(fd)
    a.close()
    b.close()


def test_recv_fd_after_the_peer_closed_is_enodata() -> None:
    a, b = socketpair()
    a.close()
    with pytest.raises(OSError) as e:
        b.recv_fd()
    assert e.value.errno == errno.ENODATA
    b.close()


def test_datagram_fd_passing_and_empty_payload() -> None:
    a, b = socketpair(Datagram)
    b.settimeout(BOUND)
    r, w = os.pipe()
    assert a.send_fds(b"", [w]) == 0
    data, fds = b.recv_fds(10, 2)
    assert data == b"" and len(fds) == 1
    os.write(fds[0], b"!")
    assert os.read(r, 1) == b"!"
    a.send_fd(r)
    r2 = b.recv_fd()
    for fd in (r, w, r2, *fds):
        os.close(fd)
    a.close()
    b.close()


def test_credentials_with_passcred() -> None:
    me = own_credentials()
    assert (me.pid, me.uid, me.gid) == (os.getpid(), os.geteuid(), os.getegid())
    path = abstract_addr()
    lst = RawSocket.unix_stream().bind(path).listen()
    lst.settimeout(BOUND)
    client = RawSocket.unix_stream().connect(path)
    server, _ = lst.accept()
    server.settimeout(BOUND)
    server.set_passcred(True)
    assert server.passcred()
    client.send_with_credentials(b"who")
    data, cred = server.recv_with_credentials(10)
    assert data == b"who" and cred == me
    a, b = socketpair(Datagram)
    b.set_passcred(True)
    a.send_with_credentials(b"d")
    assert b.recv_with_credentials(4) == (b"d", me)
    for s in (lst, client, server, a, b):
        s.close()


def test_fd_passing_with_a_thread_blocked_in_recv_fd() -> None:
    a, b = socketpair()
    t, out = run_in_thread(b.recv_fd)
    r, w = os.pipe()
    a.send_fd(r)
    t.join(BOUND)
    assert len(out) == 1 and isinstance(out[0], int)
    for fd in (r, w, out[0]):
        os.close(fd)  # type: ignore[arg-type]
    a.close()
    b.close()
