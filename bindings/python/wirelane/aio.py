"""asyncio for Wirelane: the typed socket states inside the event loop.

::

    import asyncio
    from wirelane import RawSocket, SocketAddrV4
    from wirelane import aio

    async def main() -> None:
        lst = aio.wrap(RawSocket.tcp4().bind(SocketAddrV4("127.0.0.1", 0)).listen())
        client = await aio.connect(lst.getsockname())   # AsyncConnection[SocketAddrV4]
        conn, peer = await lst.accept()                  # AsyncConnection, SocketAddrV4
        await client.sendall(b"ping")
        assert await conn.recv(4) == b"ping"

    asyncio.run(main())

The twins (:class:`AsyncListener`, :class:`AsyncConnection`,
:class:`AsyncBoundDatagram`, :class:`AsyncConnectedDatagram`,
:class:`AsyncPendingConnect`) wait through the running loop's
``add_reader``/``add_writer``, so the default loop and uvloop behave the
same. Cancel-safety is stated on each method; ``close()`` from another task
wakes waiters with ``OSError(EBADF)``.

:func:`start_server`, :func:`open_connection` and
:func:`create_datagram_endpoint` give asyncio's own stream and datagram
APIs on Wirelane sockets.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any, Awaitable, Callable, overload

from ._addr import D, SocketAddrV4, SocketAddrV6, UnixAddr
from ._aio_sock import (
    AsyncBoundDatagram,
    AsyncConnectedDatagram,
    AsyncConnection,
    AsyncListener,
    AsyncPendingConnect,
    AsyncSocket,
)
from ._aio_transport import DatagramTransport
from ._base import SocketBase
from ._dgram import BoundDatagram, ConnectedDatagram
from ._raw import RawSocket
from ._stream import Connection, Listener, PendingConnect

__all__ = [
    "AsyncBoundDatagram",
    "AsyncConnectedDatagram",
    "AsyncConnection",
    "AsyncListener",
    "AsyncPendingConnect",
    "DatagramTransport",
    "connect",
    "create_datagram_endpoint",
    "open_connection",
    "start_server",
    "wrap",
]


@overload
def wrap(state: Listener[D]) -> AsyncListener[D]: ...
@overload
def wrap(state: Connection[D]) -> AsyncConnection[D]: ...
@overload
def wrap(state: PendingConnect[D]) -> AsyncPendingConnect[D]: ...
@overload
def wrap(state: BoundDatagram[D]) -> AsyncBoundDatagram[D]: ...
@overload
def wrap(state: ConnectedDatagram[D]) -> AsyncConnectedDatagram[D]: ...


def wrap(state: Any) -> Any:
    """The async twin of a sync state (the socket becomes non-blocking; the
    twin owns it, :meth:`unwrap` gives it back). Raises ``TypeError`` for
    anything that is not a Wirelane listener, connection, pending connect
    or datagram socket, and the binding's usual ``ConsumedError``/``OSError``
    for a consumed or closed one."""
    twin = _TWINS.get(type(state))
    if twin is None:
        if isinstance(state, SocketBase):
            raise TypeError(
                f"wirelane.aio.wrap: {type(state).__name__} has no async twin; wrap a Listener, "
                "Connection, PendingConnect, BoundDatagram or ConnectedDatagram "
                "(connect with wirelane.aio.connect, or transition the RawSocket first)"
            )
        raise TypeError(f"wirelane.aio.wrap expects a Wirelane socket state, not {type(state).__name__}")
    if state.closed:
        raise state._unusable()
    return twin(state)


_TWINS: dict[type, type] = {
    Listener: AsyncListener,
    Connection: AsyncConnection,
    PendingConnect: AsyncPendingConnect,
    BoundDatagram: AsyncBoundDatagram,
    ConnectedDatagram: AsyncConnectedDatagram,
}


@overload
async def connect(address: SocketAddrV4) -> AsyncConnection[SocketAddrV4]: ...
@overload
async def connect(address: SocketAddrV6) -> AsyncConnection[SocketAddrV6]: ...
@overload
async def connect(address: UnixAddr) -> AsyncConnection[UnixAddr]: ...


async def connect(address: Any) -> Any:
    """Connects a new stream socket to ``address`` without blocking the
    loop; the domain comes from the address type. Raises the connect's
    error (``ConnectionRefusedError`` ...) and ``TypeError`` for anything
    but ``SocketAddrV4``/``SocketAddrV6``/``UnixAddr``. Cancel-safe: a
    cancelled connect closes its socket."""
    if isinstance(address, SocketAddrV4):
        raw: Any = RawSocket.tcp4()
    elif isinstance(address, SocketAddrV6):
        raw = RawSocket.tcp6()
    elif isinstance(address, UnixAddr):
        raw = RawSocket.unix_stream()
    else:
        raise TypeError(
            f"wirelane.aio.connect expects a SocketAddrV4, SocketAddrV6 or UnixAddr, not {type(address).__name__}"
        )
    try:
        pending = raw.connect_nonblocking(address)
    except BaseException:
        raw.close()
        raise
    twin: AsyncPendingConnect[Any] = AsyncPendingConnect(pending)
    try:
        return await twin.finish()
    finally:
        twin.close()  # a no-op once finish() consumed it


def _sync_of(obj: Any, kinds: tuple[type, ...], what: str) -> Any:
    """The sync state behind ``obj`` (a state or its twin, unwrapped),
    checked before anything changes."""
    inner: Any = obj._s if isinstance(obj, AsyncSocket) else obj
    if not any(isinstance(inner, k) for k in kinds):
        names = " or ".join(k.__name__ for k in kinds)
        raise TypeError(f"{what} expects a {names} (or its async twin), not {type(obj).__name__}")
    if isinstance(obj, AsyncSocket):
        return obj._unwrap()
    if inner.closed:
        raise inner._unusable()
    return inner


def _stdlib_socket(state: Any) -> socket.socket:
    """Hands the descriptor to a ``socket.socket`` (the state is detached).
    asyncio's stream transports and uvloop then run on the stdlib object,
    with no Python-level call per read or write, and may close it
    themselves (uvloop does) without a double close."""
    fam, kind = state.family, state.type
    fd = state.detach()
    return socket.socket(fam, kind, 0, fileno=fd)


async def start_server(
    client_connected_cb: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None] | None],
    listener: Listener[Any] | AsyncListener[Any],
    **kwds: Any,
) -> asyncio.AbstractServer:
    """``asyncio.start_server`` on a Wirelane listener: returns the running
    loop's server (``asyncio.Server`` on the default loop), which now owns
    the listening socket (closing the server closes it; the listener
    object is detached). ``kwds`` are ``asyncio.start_server``'s."""
    lst = _sync_of(listener, (Listener,), "wirelane.aio.start_server")
    return await asyncio.start_server(client_connected_cb, sock=_stdlib_socket(lst), **kwds)


async def open_connection(
    address: SocketAddrV4 | SocketAddrV6 | UnixAddr, **kwds: Any
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Connects with :func:`connect` and returns asyncio's
    ``(StreamReader, StreamWriter)`` on the connection, as
    ``asyncio.open_connection``. ``kwds`` (``limit``, ``ssl`` ...) are its."""
    conn = await connect(address)
    try:
        sock = _stdlib_socket(conn.unwrap())
    except BaseException:
        conn.close()
        raise
    return await asyncio.open_connection(sock=sock, **kwds)


async def create_datagram_endpoint(
    protocol_factory: Callable[[], asyncio.DatagramProtocol],
    sock: BoundDatagram[Any] | ConnectedDatagram[Any] | AsyncBoundDatagram[Any] | AsyncConnectedDatagram[Any],
    *,
    batch: int = 64,
    max_size: int = 65535,
) -> tuple[DatagramTransport, asyncio.DatagramProtocol]:
    """asyncio's ``create_datagram_endpoint`` on a Wirelane datagram socket,
    with a :class:`DatagramTransport` that receives with one ``recvmmsg``
    per readiness event (up to ``batch`` datagrams of up to ``max_size``
    bytes) and sends bursts with ``sendmmsg``. The transport owns the
    socket."""
    s = _sync_of(sock, (BoundDatagram, ConnectedDatagram), "wirelane.aio.create_datagram_endpoint")
    loop = asyncio.get_running_loop()
    s.settimeout(0.0)
    protocol = protocol_factory()
    transport = DatagramTransport(loop, s, protocol, batch, max_size)
    return transport, protocol
