"""Threads: closing an object while another thread is blocked in it wakes
that thread with a clear EBADF error (never a crash, never a leak);
transitions and detach refuse to run under a call in flight."""

from __future__ import annotations

import errno
import threading
from typing import Any, Callable

import pytest
from conftest import BOUND, listener4, run_in_thread, tcp_pair, wait_until_blocked

from wirelane import RawSocket, SocketAddrV4, socketpair

LO4 = SocketAddrV4("127.0.0.1", 0)


def blocked_call(call: Callable[[], object]) -> tuple[threading.Thread, list[Any], int]:
    """Starts ``call`` in a thread and returns once it blocks in the kernel."""
    tid: list[int] = []
    ready = threading.Event()

    def run() -> object:
        tid.append(threading.get_native_id())
        ready.set()
        return call()

    t, out = run_in_thread(run)
    ready.wait(BOUND)
    wait_until_blocked(tid[0])
    return t, out, tid[0]


def assert_woken_with_ebadf(t: threading.Thread, out: list[Any]) -> None:
    t.join(BOUND)
    assert not t.is_alive(), "the blocked call was not woken by close()"
    assert len(out) == 1 and isinstance(out[0], OSError), out
    assert out[0].errno == errno.EBADF
    assert "closed" in str(out[0])


def test_close_wakes_a_thread_blocked_in_accept(no_fd_leak: None) -> None:
    lst = listener4()
    lst.settimeout(None)
    t, out, _ = blocked_call(lst.accept)
    lst.close()
    assert_woken_with_ebadf(t, out)
    assert lst.closed and lst.fileno() == -1


def test_close_wakes_a_thread_blocked_in_accept_with_timeout(no_fd_leak: None) -> None:
    lst = listener4()
    lst.settimeout(60)
    t, out, _ = blocked_call(lst.accept)
    lst.close()
    assert_woken_with_ebadf(t, out)


def test_close_wakes_a_thread_blocked_in_unix_accept(no_fd_leak: None) -> None:
    from conftest import abstract_addr

    lst = RawSocket.unix_stream().bind(abstract_addr()).listen()
    t, out, _ = blocked_call(lst.accept)
    lst.close()
    assert_woken_with_ebadf(t, out)


@pytest.mark.parametrize("timeout", [None, 60.0])
def test_close_wakes_a_thread_blocked_in_recv(timeout: float | None, no_fd_leak: None) -> None:
    client, server, lst = tcp_pair()
    server.settimeout(timeout)
    t, out, _ = blocked_call(lambda: server.recv(10))
    server.close()
    assert_woken_with_ebadf(t, out)
    client.close()
    lst.close()


def test_close_wakes_a_thread_blocked_in_recv_into_on_a_socketpair(no_fd_leak: None) -> None:
    a, b = socketpair()
    buf = bytearray(10)
    t, out, _ = blocked_call(lambda: a.recv_into(buf))
    a.close()
    assert_woken_with_ebadf(t, out)
    b.close()


def test_close_wakes_a_thread_blocked_in_udp_recvfrom(no_fd_leak: None) -> None:
    d = RawSocket.udp4().bind(LO4)
    t, out, _ = blocked_call(lambda: d.recvfrom(10))
    d.close()
    assert_woken_with_ebadf(t, out)


def test_close_wakes_a_thread_blocked_in_connected_udp_recv(no_fd_leak: None) -> None:
    peer = RawSocket.udp4().bind(LO4)
    c = RawSocket.udp4().connect(peer.getsockname())
    t, out, _ = blocked_call(lambda: c.recv(10))
    c.close()
    assert_woken_with_ebadf(t, out)
    peer.close()


def _full_listener() -> list[Any]:
    lst = RawSocket.tcp4().bind(LO4).listen(0)
    out: list[Any] = [lst]
    for _ in range(2):
        p = RawSocket.tcp4().connect_nonblocking(lst.getsockname())
        if p.wait(0.5):
            out.append(p.finish())
        else:
            p.close()
    return out


def test_close_wakes_a_thread_blocked_in_pending_wait(no_fd_leak: None) -> None:
    full = _full_listener()
    pending = RawSocket.tcp4().connect_nonblocking(full[0].getsockname())
    t, out, _ = blocked_call(lambda: pending.wait(None))
    with pytest.raises(OSError) as busy:
        pending.finish()  # a transition needs the object to itself
    assert busy.value.errno == errno.EBUSY
    pending.close()
    assert_woken_with_ebadf(t, out)
    for s in full:
        s.close()


def test_close_during_a_blocking_connect_transition(no_fd_leak: None) -> None:
    full = _full_listener()
    raw = RawSocket.tcp4()
    t, out, _ = blocked_call(lambda: raw.connect(full[0].getsockname()))
    with pytest.raises(OSError) as busy:
        raw.getsockname()  # other calls wait for the transition to end
    assert busy.value.errno == errno.EBUSY and "transitioned" in str(busy.value)
    raw.close()
    assert_woken_with_ebadf(t, out)
    assert raw.closed
    for s in full:
        s.close()


def test_detach_refuses_while_a_call_is_in_flight(no_fd_leak: None) -> None:
    client, server, lst = tcp_pair()
    server.settimeout(None)
    t, out, _ = blocked_call(lambda: server.recv(10))
    with pytest.raises(OSError) as busy:
        server.detach()
    assert busy.value.errno == errno.EBUSY
    client.sendall(b"done")
    t.join(BOUND)
    assert out == [b"done"]
    for s in (client, server, lst):
        s.close()


def test_concurrent_send_and_recv_on_one_connection(no_fd_leak: None) -> None:
    client, server, lst = tcp_pair()
    data = bytes(range(256)) * 4096
    sender, sent = run_in_thread(lambda: client.sendall(data))
    echo_back, _ = run_in_thread(lambda: server.sendall(data))
    got = bytearray()
    while len(got) < len(data):
        got += client.recv(65536)
    mirror = bytearray()
    while len(mirror) < len(data):
        mirror += server.recv(65536)
    sender.join(BOUND)
    echo_back.join(BOUND)
    assert got == data and mirror == data and sent == [None]
    for s in (client, server, lst):
        s.close()


def test_several_threads_accept_on_one_listener(no_fd_leak: None) -> None:
    lst = listener4()
    results: list[Any] = []
    threads = []
    for _ in range(4):
        t, out = run_in_thread(lambda: lst.accept()[0])
        threads.append(t)
        results.append(out)
    clients = [RawSocket.tcp4().connect(lst.getsockname()) for _ in range(4)]
    for t in threads:
        t.join(BOUND)
    conns = [out[0] for out in results]
    assert all(not isinstance(c, BaseException) for c in conns), conns
    for c in [*conns, *clients, lst]:
        c.close()
