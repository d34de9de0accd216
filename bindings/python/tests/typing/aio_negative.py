"""wirelane.aio misuse a type checker must reject; same rules as
negative.py (each line carries the code mypy must report, checked with
--warn-unused-ignores, and each must fail once its ignore is stripped).
Never executed."""

from __future__ import annotations

import asyncio
import socket

from wirelane import Listener, RawSocket, SocketAddrV4, SocketAddrV6, UnixAddr, aio

V4 = SocketAddrV4("127.0.0.1", 0)
V6 = SocketAddrV6("::1", 0)
PATH = UnixAddr("/tmp/x.sock")


class Proto(asyncio.DatagramProtocol):
    pass


async def on_client(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
    pass


async def misuse() -> None:
    lst = aio.wrap(RawSocket.tcp4().bind(V4).listen())
    conn, peer = await lst.accept()

    # Calls that exist only on another state.
    await conn.recvfrom(10)  # type: ignore[attr-defined]
    await conn.accept()  # type: ignore[attr-defined]
    await conn.sendto(b"x", V4)  # type: ignore[attr-defined]
    await conn.recv_batch  # type: ignore[attr-defined]
    await lst.recv(1)  # type: ignore[attr-defined]
    await lst.send(b"x")  # type: ignore[attr-defined]
    await lst.sendall(b"x")  # type: ignore[attr-defined]
    lst.shutdown(socket.SHUT_RDWR)  # type: ignore[attr-defined]

    # The domain travels: a V4 listener's peers are V4.
    p6: SocketAddrV6 = peer  # type: ignore[assignment]
    c6: aio.AsyncConnection[SocketAddrV6] = conn  # type: ignore[assignment]
    back: Listener[SocketAddrV6] = lst.unwrap()  # type: ignore[assignment]

    # Unix-only and UDP-only calls on the wrong domain.
    c4 = await aio.connect(V4)
    await c4.send_fds(b"x", [0])  # type: ignore[misc]
    await c4.recv_fds(1, 1)  # type: ignore[misc]

    # Return types mirror the sync binding.
    text: str = await conn.recv(1)  # type: ignore[assignment]
    count: bytes = await conn.recv_into(bytearray(1))  # type: ignore[assignment]
    await conn.recv()  # type: ignore[call-arg]

    # Datagrams: addresses of another family, calls of the other twin.
    d4 = aio.wrap(RawSocket.udp4().bind(V4))
    await d4.sendto(b"x", V6)  # type: ignore[arg-type]
    await d4.sendto(b"x", ("127.0.0.1", 1))  # type: ignore[arg-type]
    await d4.sendto_segmented(b"x", 1, V6)  # type: ignore[arg-type]
    await d4.send(b"x")  # type: ignore[attr-defined]
    await d4.recv(1)  # type: ignore[attr-defined]
    await d4.accept()  # type: ignore[attr-defined]
    data6: tuple[bytes, SocketAddrV6] = await d4.recvfrom(1)  # type: ignore[assignment]
    cd = aio.wrap(RawSocket.udp4().connect(V4))
    await cd.sendto(b"x", V4)  # type: ignore[attr-defined]
    await cd.sendto_segmented(b"x", 1, V4)  # type: ignore[attr-defined]
    ud = aio.wrap(RawSocket.unix_datagram().bind(PATH))
    await ud.recv_gro(bytearray(1))  # type: ignore[misc]
    await ud.recv_meta(bytearray(1))  # type: ignore[misc]
    await ud.send_meta(b"x", PATH)  # type: ignore[misc]
    await cd.send_meta(b"x", V4)  # type: ignore[call-arg, arg-type]
    d4.path_mtu()  # type: ignore[attr-defined]
    cu_d = aio.wrap(RawSocket.unix_datagram().connect(PATH))
    await cu_d.recv_meta(bytearray(1))  # type: ignore[misc]
    await cu_d.recv_error()  # type: ignore[misc]
    cu_d.path_mtu()  # type: ignore[misc]
    await cd.send_cmsg(b"x", b"", V4)  # type: ignore[arg-type]
    await cu_d.recv_cmsg(bytearray(1))  # type: ignore[misc]
    await ud.sendto(b"x", V4)  # type: ignore[arg-type]

    # wrap and connect take only Wirelane states and addresses.
    aio.wrap(RawSocket.tcp4())  # type: ignore[call-overload]
    aio.wrap(RawSocket.tcp4().bind(V4))  # type: ignore[call-overload]
    aio.wrap(socket.socket())  # type: ignore[call-overload]
    aio.wrap(lst)  # type: ignore[call-overload]
    await aio.connect(("127.0.0.1", 1))  # type: ignore[call-overload]
    await aio.connect("127.0.0.1:1")  # type: ignore[call-overload]

    # asyncio's APIs take the right kinds of socket.
    await aio.start_server(on_client, conn)  # type: ignore[arg-type]
    await aio.start_server(on_client, d4)  # type: ignore[arg-type]
    await aio.create_datagram_endpoint(Proto, lst)  # type: ignore[arg-type]
    await aio.create_datagram_endpoint(Proto, conn)  # type: ignore[arg-type]
    await aio.open_connection(("127.0.0.1", 1))  # type: ignore[arg-type]

    # close() and shutdown() are plain calls; the I/O calls must be awaited.
    await conn.close()  # type: ignore[func-returns-value, misc]
    conn.recv(1)  # type: ignore[unused-coroutine]
    lst.accept()  # type: ignore[unused-coroutine]
