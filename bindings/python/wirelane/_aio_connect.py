"""``wirelane.aio.create_connection``: connect by name inside asyncio, with
the name resolved off the loop's thread (``loop.getaddrinfo``, which runs
in the default executor) and the RFC 8305 race driven by the loop's
``add_writer`` and timers."""

from __future__ import annotations

import asyncio
import errno
import socket
from typing import Any

from ._aio_sock import AsyncConnection
from ._base import parse_timeout
from ._connect_by_name import DEFAULT_HAPPY_EYEBALLS_DELAY, InetAddress, _connection, _lost, _Race, _source, _typed


async def _resolve(loop: asyncio.AbstractEventLoop, host: str | None, port: int | str) -> list[InetAddress]:
    """Every address of ``host`` via ``loop.getaddrinfo`` (an executor
    thread), typed and de-duplicated, in the resolver's order."""
    return _typed(await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM))


async def _writable_or_timeout(loop: asyncio.AbstractEventLoop, fds: list[int], timeout: float | None) -> None:
    """Waits until one of ``fds`` is writable or ``timeout`` passes; the
    registrations are removed however the wait ends (cancel included)."""
    fut: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not fut.done():
            fut.set_result(None)

    timer = loop.call_later(timeout, wake) if timeout is not None else None
    registered: list[int] = []
    try:
        for fd in fds:
            loop.add_writer(fd, wake)
            registered.append(fd)
        await fut
    finally:
        for fd in registered:
            loop.remove_writer(fd)
        if timer is not None:
            timer.cancel()


async def create_connection(
    address: tuple[str | None, int | str],
    timeout: float | None = None,
    source_address: tuple[str, int] | None = None,
    *,
    all_errors: bool = False,
    happy_eyeballs_delay: float = DEFAULT_HAPPY_EYEBALLS_DELAY,
) -> AsyncConnection[Any]:
    """:func:`wirelane.create_connection` without blocking the loop: the
    name is resolved with ``loop.getaddrinfo`` (off the loop's thread), the
    attempts race as non-blocking connects the loop watches. ``timeout``
    means what it means in the sync form (and in
    ``socket.create_connection``): it bounds *each connection attempt*
    (``TimeoutError`` once the last one times out), not the whole
    connect; resolution is bounded by it too (``TimeoutError`` naming the
    host), since an executor lookup can be abandoned without blocking the
    loop. Errors are those of the sync form. Returns an
    :class:`AsyncConnection` (non-blocking; ``timeout`` is not set on it,
    as an asyncio stream has no socket timeout).

    Cancel-safe in the sense that matters: a cancelled connect closes every
    attempt in flight, leaving no half-open socket."""
    loop = asyncio.get_running_loop()
    host, port = address
    t = parse_timeout(timeout)
    try:
        addrs = await asyncio.wait_for(_resolve(loop, host, port), t)
        source = None
        if source_address is not None and (source_address[0] or source_address[1]):
            source = await asyncio.wait_for(loop.run_in_executor(None, _source, source_address), t)
    except asyncio.TimeoutError:
        raise TimeoutError(errno.ETIMEDOUT, f"resolving {host!r} timed out") from None
    if source is not None:
        addrs = [a for a in addrs if isinstance(a, type(source))]
    if not addrs:
        raise OSError(errno.ENOENT, f"getaddrinfo returns no usable address for {host!r}")
    race = _Race(str(host), addrs, t, source, happy_eyeballs_delay)
    try:
        while True:
            try:
                handle = race.step()
            except OSError as e:
                raise _lost(race, e, all_errors) from None
            if handle is not None:
                conn = _connection(handle, 0.0)
                try:
                    return AsyncConnection(conn)
                except BaseException:
                    conn.close()
                    raise
            await _writable_or_timeout(loop, race.fds(), race.timeout())
    finally:
        race.close()
