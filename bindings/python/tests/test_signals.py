"""Signals: a real SIGINT while the main thread is blocked in the library
raises KeyboardInterrupt promptly; handlers that do not raise let the call
continue (PEP 475) with the remaining timeout."""

from __future__ import annotations

import os
import signal
import threading
import time
import traceback
from typing import Callable, Iterator

import pytest
from conftest import BOUND, listener4, tcp_pair, wait_until_blocked

from wirelane import RawSocket, SocketAddrV4, socketpair

LO4 = SocketAddrV4("127.0.0.1", 0)


@pytest.fixture(autouse=True)
def default_sigint() -> Iterator[None]:
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, old)


def sigint_soon(unblock: Callable[[], None]) -> threading.Event:
    """From a helper thread: SIGINT to this process once the main thread
    blocks. Unless the returned event is set within BOUND seconds,
    ``unblock`` runs as a guard, so a broken binding fails the test
    instead of hanging it."""
    main = threading.get_native_id()
    done = threading.Event()

    def run() -> None:
        wait_until_blocked(main)
        os.kill(os.getpid(), signal.SIGINT)
        if not done.wait(BOUND):
            try:
                unblock()
            except OSError:
                pass

    threading.Thread(target=run, daemon=True).start()
    return done


def assert_interrupted(call: Callable[[], object], unblock: Callable[[], None]) -> None:
    done = sigint_soon(unblock)
    start = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt) as e:
            call()
    finally:
        done.set()
    elapsed = time.monotonic() - start
    assert elapsed < BOUND, f"KeyboardInterrupt took {elapsed:.1f}s"
    frames = "".join(traceback.format_tb(e.value.__traceback__))
    assert "wirelane" in frames, "the interrupt was not raised inside the binding:\n" + frames


def test_sigint_interrupts_blocking_accept() -> None:
    lst = listener4()
    lst.settimeout(None)
    addr = lst.getsockname()
    assert_interrupted(lst.accept, lambda: RawSocket.tcp4().connect(addr).close())
    assert not lst.closed  # still usable
    lst.close()


def test_sigint_interrupts_blocking_recv() -> None:
    client, server, lst = tcp_pair()
    server.settimeout(None)
    assert_interrupted(lambda: server.recv(10), lambda: client.sendall(b"guard"))
    client.sendall(b"after")
    server.settimeout(BOUND)
    assert server.recv(5) == b"after"
    for s in (client, server, lst):
        s.close()


def test_sigint_interrupts_recv_with_timeout() -> None:
    a, b = socketpair()
    a.settimeout(60)
    assert_interrupted(lambda: a.recv(10), lambda: b.sendall(b"guard"))
    a.close()
    b.close()


def test_sigint_interrupts_udp_recvfrom() -> None:
    d = RawSocket.udp4().bind(LO4)
    addr = d.getsockname()

    def guard() -> None:
        other = RawSocket.udp4().bind(LO4)
        other.sendto(b"guard", addr)
        other.close()

    assert_interrupted(lambda: d.recvfrom(10), guard)
    d.close()


def test_sigint_interrupts_pending_wait_and_blocking_connect() -> None:
    lst = RawSocket.tcp4().bind(LO4).listen(0)
    filled = []
    for _ in range(2):
        p = RawSocket.tcp4().connect_nonblocking(lst.getsockname())
        if p.wait(0.5):
            filled.append(p.finish())
        else:
            p.close()
    pending = RawSocket.tcp4().connect_nonblocking(lst.getsockname())
    assert_interrupted(lambda: pending.wait(None), lambda: pending.close())
    pending.close()
    raw = RawSocket.tcp4()
    assert_interrupted(lambda: raw.connect(lst.getsockname()), lambda: raw.close())
    assert not raw.closed  # a failed transition leaves it usable
    raw.close()
    for s in [lst, *filled]:
        s.close()


class Ticker:
    """SIGALRM every 20 ms with a handler that only counts (does not raise)."""

    def __init__(self) -> None:
        self.count = 0

    def __enter__(self) -> Ticker:
        def handler(signum: int, frame: object) -> None:
            self.count += 1

        self._old = signal.signal(signal.SIGALRM, handler)
        signal.setitimer(signal.ITIMER_REAL, 0.02, 0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        signal.signal(signal.SIGALRM, self._old)


def test_non_raising_handlers_let_blocking_calls_continue() -> None:
    client, server, lst = tcp_pair()
    server.settimeout(None)
    lst.settimeout(None)
    addr = lst.getsockname()
    threading.Timer(0.3, lambda: client.sendall(b"late")).start()
    with Ticker() as t:
        assert server.recv(10) == b"late"
        threading.Timer(0.3, lambda: RawSocket.tcp4().connect(addr).close()).start()
        conn, _ = lst.accept()
    assert t.count > 0
    conn.close()
    for s in (client, server, lst):
        s.close()


def test_signals_do_not_reset_the_timeout_deadline() -> None:
    a, b = socketpair()
    a.settimeout(0.5)
    start = time.monotonic()
    with Ticker() as t:
        # If each signal restarted the timeout, this would not end while
        # the ticker runs; the ticker itself stops after BOUND.
        stop = threading.Timer(BOUND, lambda: signal.setitimer(signal.ITIMER_REAL, 0, 0))
        stop.start()
        with pytest.raises(TimeoutError):
            a.recv(1)
        stop.cancel()
    elapsed = time.monotonic() - start
    assert t.count > 3
    assert 0.5 <= elapsed < BOUND / 2, elapsed
    a.close()
    b.close()
