"""What the asyncio tests share: the ``run`` fixture (every test on the
default loop and on uvloop), a collecting datagram protocol, socket
descriptor counting."""

from __future__ import annotations

import asyncio
import os
from typing import Any, Awaitable, Callable, TypeVar

import pytest

from conftest import BOUND, open_fds

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


def socket_fds() -> set[int]:
    """Open descriptors that are sockets (libuv keeps a /dev/null of its own
    open per loop, as a spare for EMFILE)."""
    out = set()
    for fd in open_fds():
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                out.add(fd)
        except OSError:
            pass
    return out
