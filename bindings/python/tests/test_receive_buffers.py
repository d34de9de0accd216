"""The hot receive paths' pooled buffers (``_buffers.Scratch``, 64 KiB,
and ``_addr._PooledAddr``) survive failed calls: a receive that fails
(``BlockingIOError`` on a non-blocking socket, a timeout, a closed peer's
error) gives its buffers back to the pool, and a buffer that is dropped
anyway is freed by reference counting alone.

Both used to be lost on every failed receive, and both held a
``ctypes.byref`` of themselves (a reference cycle through an object the
cyclic collector cannot see), so each failed receive leaked 64 KiB for the
life of the process: an asyncio reader waiting for data leaked on every
wait."""

from __future__ import annotations

import gc
from typing import Any, Callable

import pytest
from conftest import BOUND, tcp_pair

from wirelane import RawSocket, SocketAddrV4, socketpair
from wirelane._addr import _ADDR_POOL, _PooledAddr
from wirelane._buffers import _POOL, Scratch, new_scratch

FAILS = 2000


def live(kind: type) -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is kind)


def assert_no_growth(call: Callable[[], Any], kind: type) -> None:
    """``call`` fails with BlockingIOError FAILS times and leaves no more
    live ``kind`` objects than it found (plus the one a pool may add)."""
    for _ in range(10):  # fill the pools
        with pytest.raises(BlockingIOError):
            call()
    before = live(kind)
    pooled = len(_POOL), len(_ADDR_POOL)
    for _ in range(FAILS):
        with pytest.raises(BlockingIOError):
            call()
    assert (len(_POOL), len(_ADDR_POOL)) == pooled, "a failed receive kept a pooled buffer"
    after = live(kind)
    assert after <= before + 1, f"{after - before} {kind.__name__} objects left behind by {FAILS} failed receives"


def test_stream_receives_that_would_block_keep_their_buffer() -> None:
    client, server, lst = tcp_pair()
    try:
        client.settimeout(0.0)
        buf = bytearray(64)
        for call in (lambda: client.recv(64), lambda: client.recv_into(buf), lambda: client.recv_into(memoryview(buf))):
            assert_no_growth(call, Scratch)
    finally:
        for s in (client, server, lst):
            s.close()


def test_datagram_receives_that_would_block_keep_their_buffers() -> None:
    a = RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))
    b = RawSocket.udp4().bind(SocketAddrV4("127.0.0.1", 0))
    conn = b.connect(a.getsockname())
    try:
        a.settimeout(0.0)
        conn.settimeout(0.0)
        buf = bytearray(64)
        for kind in (Scratch, _PooledAddr):
            assert_no_growth(lambda: a.recvfrom(64), kind)
            assert_no_growth(lambda: a.recvfrom_into(buf), kind)
        assert_no_growth(lambda: conn.recv(64), Scratch)
        assert_no_growth(lambda: conn.recv_into(buf), Scratch)
    finally:
        a.close()
        conn.close()


def test_a_failed_receive_does_not_lose_data_or_the_buffer_after_it() -> None:
    # The buffer handed back after a failure is the one the next receive
    # uses, and what it returns is the data, not stale bytes.
    left, right = socketpair()
    try:
        left.settimeout(0.0)
        right.settimeout(BOUND)
        for i in range(50):
            with pytest.raises(BlockingIOError):
                left.recv(64)
            right.sendall(bytes([i]) * 10)
            assert left.recv(64) == bytes([i]) * 10
    finally:
        left.close()
        right.close()


def test_dropped_buffers_are_freed() -> None:
    # The 64 KiB buffers go with their last reference (no wait for a
    # collection); the address buffers, which keep a memoryview of
    # themselves, at the next collection.
    gc.collect()
    gc.disable()
    try:
        before = sum(1 for o in gc.get_objects() if type(o) is Scratch)
        for _ in range(100):
            new_scratch()
        after = sum(1 for o in gc.get_objects() if type(o) is Scratch)
    finally:
        gc.enable()
    assert after == before, f"{after - before} dropped 64 KiB receive buffers outlived their last reference"
    before = live(_PooledAddr)
    for _ in range(100):
        _PooledAddr()
    assert live(_PooledAddr) == before, "dropped address buffers survived a collection"
