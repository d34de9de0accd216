"""Correct wirelane.aio use, with the types a checker must infer
(``assert_type``). Checked by mypy --strict; never executed."""

from __future__ import annotations

import asyncio
from typing import assert_type

from wirelane import (
    BoundDatagram,
    ConnectedDatagram,
    Connection,
    GroRecv,
    Listener,
    RawSocket,
    RecvBatch,
    SegmentedSend,
    SendBatch,
    SocketAddrV4,
    SocketAddrV6,
    UnixAddr,
    aio,
    cmsg,
    udp_errors,
    udp_meta,
    udp_slots,
)

V4 = SocketAddrV4("127.0.0.1", 0)
V6 = SocketAddrV6("::1", 0)
PATH = UnixAddr("/tmp/x.sock")


class Proto(asyncio.DatagramProtocol):
    pass


async def on_client(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
    w.close()


async def streams() -> None:
    lst = aio.wrap(RawSocket.tcp4().bind(V4).listen())
    assert_type(lst, aio.AsyncListener[SocketAddrV4])
    assert_type(lst.getsockname(), SocketAddrV4)
    conn, peer = await lst.accept()
    assert_type(conn, aio.AsyncConnection[SocketAddrV4])
    assert_type(peer, SocketAddrV4)
    assert_type(await conn.recv(10), bytes)
    assert_type(await conn.recv_into(bytearray(10)), int)
    assert_type(await conn.send(b"x"), int)
    assert_type(await conn.sendall(memoryview(b"x")), None)
    assert_type(conn.getpeername(), SocketAddrV4)
    conn.shutdown(1)
    conn.close()
    assert_type(conn.unwrap(), Connection[SocketAddrV4])
    assert_type(lst.unwrap(), Listener[SocketAddrV4])

    assert_type(await aio.connect(V4), aio.AsyncConnection[SocketAddrV4])
    c6 = await aio.connect(V6)
    assert_type(c6, aio.AsyncConnection[SocketAddrV6])
    cu = await aio.connect(PATH)
    assert_type(cu, aio.AsyncConnection[UnixAddr])
    assert_type(await cu.send_fds(b"x", [0]), int)
    assert_type(await cu.recv_fds(10, 1), tuple[bytes, list[int]])
    pending = aio.wrap(RawSocket.tcp6().connect_nonblocking(V6))
    assert_type(pending, aio.AsyncPendingConnect[SocketAddrV6])
    assert_type(await pending.finish(), aio.AsyncConnection[SocketAddrV6])
    async with await aio.connect(V4) as c:
        assert_type(c, aio.AsyncConnection[SocketAddrV4])

    server = await aio.start_server(on_client, RawSocket.tcp4().bind(V4).listen())
    assert_type(server, asyncio.AbstractServer)
    reader, writer = await aio.open_connection(V6)
    assert_type(reader, asyncio.StreamReader)
    assert_type(writer, asyncio.StreamWriter)


async def datagrams() -> None:
    d4 = aio.wrap(RawSocket.udp4().bind(V4))
    assert_type(d4, aio.AsyncBoundDatagram[SocketAddrV4])
    assert_type(await d4.sendto(b"x", V4), int)
    assert_type(await d4.recvfrom(10), tuple[bytes, SocketAddrV4])
    assert_type(await d4.recvfrom_into(bytearray(10)), tuple[int, SocketAddrV4])
    assert_type(await d4.sendto_segmented(b"x" * 10, 5, V4), SegmentedSend)
    assert_type(await d4.recv_gro(bytearray(65536)), GroRecv[SocketAddrV4])
    assert_type(await d4.recv_meta(bytearray(64)), udp_meta.RecvMeta)
    assert_type(await d4.send_meta(b"x", V4, ecn=udp_meta.CE, ttl=7), int)
    assert_type(d4.set_recv_meta(ecn=True), None)
    with SendBatch(SocketAddrV4, 8) as sb, RecvBatch(SocketAddrV4, 8, 2048) as rb:
        assert_type(await d4.send_batch(sb), int)
        assert_type(await d4.recv_batch(rb), int)
    assert_type(d4.unwrap(), BoundDatagram[SocketAddrV4])

    d6 = aio.wrap(RawSocket.udp6().connect(V6))
    assert_type(d6, aio.AsyncConnectedDatagram[SocketAddrV6])
    assert_type(await d6.send(b"x"), int)
    assert_type(await d6.recv(10), bytes)
    assert_type(await d6.send_segmented(b"x" * 10, 5), SegmentedSend)
    assert_type(d6.getpeername(), SocketAddrV6)
    assert_type(d6.set_recv_meta(ecn=True, errors=True), None)
    assert_type(await d6.send_meta(b"x", ecn=udp_meta.CE), int)
    assert_type(await d6.recv_meta(bytearray(64)), udp_meta.RecvMeta)
    assert_type(await d6.recv_error(), udp_errors.QueuedError)
    assert_type(d6.path_mtu(), int)
    assert_type(d6.mtu_discover(), int)
    assert_type(d4.set_mtu_discover(udp_errors.PMTUDISC_DO), None)
    assert_type(await d4.send_cmsg(b"x", [(0, 1, b"\0\0\0\1")], V4), int)
    assert_type(await d6.send_cmsg(b"x", b""), int)
    assert_type(await d6.recv_cmsg(bytearray(8)), cmsg.RecvCmsg)
    with udp_slots.RecvSlots(SocketAddrV6, 4) as slots:
        assert_type(await d6.recv_slots(slots, [bytearray(8)]), int)
    assert_type(d6.unwrap(), ConnectedDatagram[SocketAddrV6])

    ud = aio.wrap(RawSocket.unix_datagram().bind(PATH))
    assert_type(await ud.sendto(b"x", PATH), int)
    assert_type(await ud.recvfrom(10), tuple[bytes, UnixAddr])

    transport, protocol = await aio.create_datagram_endpoint(Proto, RawSocket.udp4().bind(V4))
    assert_type(transport, aio.DatagramTransport)
    assert_type(protocol, Proto)
    transport.sendto(b"x", V4)
    transport.sendto(b"x", ("127.0.0.1", 9))
    transport.close()
