"""Stream helpers: send_all, recv_until (including a terminator split
across the binding's slices), is_connected, wait, errno helpers."""

from __future__ import annotations

import errno
import threading
import time

import pytest
from conftest import BOUND, tcp_pair

import wirelane
from wirelane import READABLE, WRITABLE, CancelToken, errno_name, is_transient, socketpair, wait
from wirelane._stream_ext import SLICE


def test_send_all_any_mode_and_timeout() -> None:
    a, b = socketpair()
    a.setblocking(False)  # send_all works whatever the mode
    payload = b"z" * 300_000
    got = bytearray()

    def reader() -> None:
        b.settimeout(BOUND)
        while len(got) < len(payload):
            got.extend(b.recv(65536))

    t = threading.Thread(target=reader)
    t.start()
    a.send_all(payload, timeout=BOUND)
    t.join(BOUND)
    assert bytes(got) == payload
    with pytest.raises(TimeoutError) as e:
        a.send_all(b"y" * (32 * 1024 * 1024), timeout=3 * SLICE)  # nobody reads
    sent = getattr(e.value, "sent")
    assert 0 < sent < 32 * 1024 * 1024
    a.close()
    b.close()


def test_send_all_cancel_from_another_thread() -> None:
    a, b = socketpair()
    token = CancelToken()
    threading.Timer(0.2, token.cancel).start()
    with pytest.raises(OSError) as e:
        a.send_all(b"c" * (32 * 1024 * 1024), cancel=token)
    assert e.value.errno == errno.ECANCELED and token.cancelled
    assert getattr(e.value, "sent") > 0
    a.close()
    b.close()


def test_recv_until_leaves_the_rest_unread() -> None:
    client, server, lst = tcp_pair()
    client.sendall(b"line one\nline two\nrest")
    assert server.recv_until(b"\n", 100, timeout=BOUND) == b"line one\n"
    buf = bytearray(20)
    assert server.recv_until_into(b"\n", buf, timeout=BOUND) == 9
    assert bytes(buf[:9]) == b"line two\n"
    assert server.recv(10) == b"rest"
    for s in (client, server, lst):
        s.close()


@pytest.mark.parametrize("first, second", [(b"head\r", b"\ntail"), (b"ab\r\n\r", b"\nX"), (b"aa", b"abZ")])
def test_terminator_split_across_slices_is_found(first: bytes, second: bytes) -> None:
    client, server, lst = tcp_pair()
    term = b"\r\n\r\n" if first.startswith(b"ab") else (b"aab" if first == b"aa" else b"\r\n")
    client.sendall(first)
    threading.Timer(4 * SLICE, lambda: client.sendall(second)).start()
    whole = first + second
    end = whole.index(term) + len(term)
    assert server.recv_until(term, 100, timeout=BOUND) == whole[:end]
    server.settimeout(BOUND)
    rest = whole[end:]
    assert server.recv(len(rest)) == rest
    for s in (client, server, lst):
        s.close()


def test_recv_until_errors() -> None:
    a, b = socketpair()
    a.sendall(b"no terminator here")
    with pytest.raises(OSError) as e:
        b.recv_until(b"\n", 5, timeout=BOUND)
    assert e.value.errno == errno.EINVAL and getattr(e.value, "consumed") == 5
    with pytest.raises(TimeoutError) as t:
        b.recv_until(b"\n", 100, timeout=3 * SLICE)
    assert getattr(t.value, "consumed") == 13
    a.close()
    with pytest.raises(OSError) as eof:
        b.recv_until(b"\n", 100, timeout=BOUND)
    assert eof.value.errno == errno.ENODATA
    with pytest.raises(OSError) as empty:
        b.recv_until(b"", 10)
    assert empty.value.errno == errno.EINVAL
    b.close()


def test_is_connected_and_wait() -> None:
    a, b = socketpair()
    assert a.is_connected()
    assert wait(a, WRITABLE, 0) & WRITABLE
    assert wait(a.fileno(), READABLE, 0.01) == 0
    b.sendall(b"x")
    assert wait(a, READABLE, BOUND) & READABLE
    assert a.is_connected()  # data waiting: open
    assert a.recv(1) == b"x"
    b.close()
    assert not a.is_connected()
    assert wait(a, READABLE, BOUND) & (READABLE | wirelane.HANGUP)
    a.close()


def test_errno_helpers() -> None:
    assert errno_name(-errno.ECONNREFUSED) == "ECONNREFUSED"
    assert errno_name(errno.EWOULDBLOCK) == "EAGAIN"
    assert errno_name(99999) == "UNKNOWN"
    assert is_transient(errno.EAGAIN) and is_transient(-errno.EINTR)
    assert not is_transient(errno.EPIPE)


def test_close_wakes_a_thread_in_recv_until() -> None:
    from conftest import run_in_thread, wait_until_blocked

    a, b = socketpair()
    tid: list[int] = []

    def call() -> object:
        tid.append(threading.get_native_id())
        return b.recv_until(b"\n", 10)

    t, out = run_in_thread(call)
    time.sleep(0.05)
    wait_until_blocked(tid[0])
    b.close()
    t.join(BOUND)
    assert not t.is_alive()
    assert isinstance(out[0], OSError) and out[0].errno == errno.EBADF
    a.close()
