"""Interop with the standard library both ways, selectors and asyncio."""

from __future__ import annotations

import asyncio
import errno
import selectors
import socket

import pytest
from conftest import BOUND, listener4, tcp_pair

from wirelane import (
    BoundDatagram,
    BoundSocket,
    ConnectedDatagram,
    Connection,
    Datagram,
    Ipv4,
    Ipv6,
    Listener,
    RawSocket,
    SocketAddrV4,
    Stream,
)

LO4 = SocketAddrV4("127.0.0.1", 0)


def test_stdlib_sockets_are_adopted_in_every_state() -> None:
    fresh = socket.socket()
    raw = RawSocket.from_socket(fresh, Ipv4, Stream)
    assert fresh.fileno() == -1  # detached: ownership moved
    bound_std = socket.socket()
    bound_std.bind(("127.0.0.1", 0))
    bound = BoundSocket.from_socket(bound_std, Ipv4)
    lst_std = socket.socket()
    lst_std.bind(("127.0.0.1", 0))
    lst_std.listen()
    lst_std.settimeout(BOUND)
    lst = Listener.from_socket(lst_std, Ipv4)
    assert lst.gettimeout() == BOUND
    conn_std = socket.create_connection(lst.getsockname())
    conn = Connection.from_socket(conn_std, Ipv4)
    server, _ = lst.accept()
    conn.sendall(b"adopted")
    assert server.recv(7) == b"adopted"
    udp_std = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp_std.bind(("127.0.0.1", 0))
    udp = BoundDatagram.from_socket(udp_std, Ipv4)
    udpc_std = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udpc_std.connect(udp.getsockname())
    udpc = ConnectedDatagram.from_socket(udpc_std, Ipv4)
    udpc.send(b"d")
    udp.settimeout(BOUND)
    assert udp.recvfrom(1)[0] == b"d"
    raw_udp = RawSocket.from_socket(socket.socket(socket.AF_INET, socket.SOCK_DGRAM), Ipv4, Datagram)
    for s in (raw, bound, lst, conn, server, udp, udpc, raw_udp):
        s.close()


def test_adopting_the_wrong_state_leaves_the_stdlib_socket_intact() -> None:
    std = socket.socket()
    with pytest.raises(OSError) as e:
        Listener.from_socket(std, Ipv4)
    assert e.value.errno == errno.EINVAL
    with pytest.raises(OSError) as e2:
        RawSocket.from_socket(std, Ipv6, Stream)
    assert e2.value.errno == errno.EAFNOSUPPORT
    assert std.fileno() >= 0
    std.bind(("127.0.0.1", 0))  # still the caller's, still works
    std.close()


def test_detached_sockets_work_in_the_stdlib() -> None:
    client, server, lst = tcp_pair()
    std = socket.socket(fileno=client.detach())
    assert client.closed
    std.sendall(b"to wirelane")
    assert server.recv(20) == b"to wirelane"
    server.sendall(b"to stdlib")
    std.settimeout(BOUND)
    assert std.recv(20) == b"to stdlib"
    std_lst = socket.socket(fileno=lst.detach())
    std_lst.settimeout(BOUND)
    c = RawSocket.tcp4().connect(std_lst.getsockname())
    s, _ = std_lst.accept()
    c.sendall(b"!")
    assert s.recv(1) == b"!"
    for x in (std, std_lst, s, c, server):
        x.close()


def test_selectors_take_the_objects_directly() -> None:
    client, server, lst = tcp_pair()
    with selectors.DefaultSelector() as sel:
        sel.register(server, selectors.EVENT_READ)
        assert sel.select(0) == []
        client.sendall(b"ready")
        events = sel.select(BOUND)
        assert [k.fileobj for k, _ in events] == [server]
    for x in (client, server, lst):
        x.close()


def test_asyncio_streams_over_detached_sockets() -> None:
    lst = listener4()
    addr = lst.getsockname()

    async def main() -> bytes:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            line = await reader.readline()
            writer.write(line.upper())
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(handle, sock=socket.socket(fileno=lst.detach()))
        conn = RawSocket.tcp4().connect(addr)
        reader, writer = await asyncio.open_connection(sock=socket.socket(fileno=conn.detach()))
        writer.write(b"hello asyncio\n")
        await writer.drain()
        reply = await asyncio.wait_for(reader.readline(), BOUND)
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()
        return reply

    assert asyncio.run(main()) == b"HELLO ASYNCIO\n"


def test_asyncio_event_loop_on_our_descriptors() -> None:
    lst = listener4()

    async def main() -> bytes:
        loop = asyncio.get_running_loop()
        pending = RawSocket.tcp4().connect_nonblocking(lst.getsockname())
        writable = loop.create_future()
        loop.add_writer(pending.fileno(), writable.set_result, None)
        await asyncio.wait_for(writable, BOUND)
        loop.remove_writer(pending.fileno())
        conn = pending.finish()  # non-blocking, as an event loop wants
        server, _ = lst.accept()
        readable = loop.create_future()
        loop.add_reader(conn.fileno(), readable.set_result, None)
        server.sendall(b"event loop")
        await asyncio.wait_for(readable, BOUND)
        loop.remove_reader(conn.fileno())
        data = conn.recv(100)
        conn.close()
        server.close()
        return data

    assert asyncio.run(main()) == b"event loop"
    lst.close()
