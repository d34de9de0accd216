"""asyncio forms of :mod:`wirelane.activation`: adopting activated or
handed-over sockets as async twins, and the handover's waits without
blocking the loop::

    import asyncio
    from wirelane import SocketAddrV4, activation, aio_activation

    async def serve() -> None:
        inherited = activation.listen_fds()
        listener = aio_activation.take_listener(inherited, "web", SocketAddrV4)  # AsyncListener
        conn, peer = await listener.accept()
        ...

    async def successor_start(channel) -> None:
        inherited = await aio_activation.receive(channel)
        listener = aio_activation.take_listener(inherited, "web", SocketAddrV4)
        activation.acknowledge(channel)

The channel stays a blocking sync :class:`~wirelane.Connection` (as
:func:`~wirelane.activation.spawn_successor` and
:func:`~wirelane.activation.channel_from_env` return it); these functions
wait for it through the running loop.
"""

from __future__ import annotations

import asyncio

from ._addr import D, UnixAddr
from ._aio_sock import AsyncBoundDatagram, AsyncConnectedDatagram, AsyncListener
from ._stream import Connection
from .activation import Handover, InheritedSockets
from .activation import acknowledge as _acknowledge
from .activation import receive as _receive

__all__ = ["acknowledge", "receive", "send", "take_datagram", "take_connected_datagram", "take_listener"]


def take_listener(inherited: InheritedSockets, which: int | str, domain: type[D]) -> AsyncListener[D]:
    """:meth:`InheritedSockets.take_listener` as an
    :class:`~wirelane.aio.AsyncListener` (non-blocking, in the running
    loop). Errors as for the sync form; on one the descriptor stays in
    ``inherited``."""
    lst = inherited.take_listener(which, domain)
    try:
        return AsyncListener(lst)
    except BaseException:
        lst.close()
        raise


def take_datagram(inherited: InheritedSockets, which: int | str, domain: type[D]) -> AsyncBoundDatagram[D]:
    """:meth:`InheritedSockets.take_datagram` as an
    :class:`~wirelane.aio.AsyncBoundDatagram`."""
    d = inherited.take_datagram(which, domain)
    try:
        return AsyncBoundDatagram(d)
    except BaseException:
        d.close()
        raise


def take_connected_datagram(
    inherited: InheritedSockets, which: int | str, domain: type[D]
) -> AsyncConnectedDatagram[D]:
    """:meth:`InheritedSockets.take_connected_datagram` as an
    :class:`~wirelane.aio.AsyncConnectedDatagram`."""
    d = inherited.take_connected_datagram(which, domain)
    try:
        return AsyncConnectedDatagram(d)
    except BaseException:
        d.close()
        raise


async def _readable(channel: Connection[UnixAddr]) -> None:
    """Waits until ``channel`` has something to read (data or EOF)."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()
    fd = channel.fileno()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(fd, wake)
    try:
        await ready
    finally:
        loop.remove_reader(fd)


async def receive(channel: Connection[UnixAddr]) -> InheritedSockets:
    """Waits through the loop for the predecessor's message, then receives
    it (:func:`wirelane.activation.receive`). Cancel-safe: a cancelled wait
    has consumed nothing (the sockets are still in the channel)."""
    await _readable(channel)
    return _receive(channel)


async def send(handover: Handover, channel: Connection[UnixAddr]) -> None:
    """Sends the handover and waits for the successor's acknowledgement
    without blocking the loop (:meth:`Handover.send` runs in the loop's
    default executor). NOT cancel-safe: cancelling stops the wait, not the
    handover, which may still complete; keep serving until it returns."""
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, handover.send, channel)


def acknowledge(channel: Connection[UnixAddr]) -> None:
    """:func:`wirelane.activation.acknowledge` (one byte; does not wait)."""
    _acknowledge(channel)
