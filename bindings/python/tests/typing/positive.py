"""Correct use, with the types a checker must infer (``assert_type``).
Checked by mypy --strict; never executed."""

from __future__ import annotations

import io
from typing import Any, assert_type

from wirelane import (
    BoundDatagram,
    CbpfProgram,
    BoundSocket,
    ConnectedDatagram,
    Connection,
    ConnectorBuilder,
    Credentials,
    Datagram,
    DatagramBuilder,
    Ipv4,
    Ipv6,
    Listener,
    ListenerBuilder,
    CancelToken,
    GroRecv,
    PendingConnect,
    RawSocket,
    RecvBatch,
    RecvMsg,
    SegmentedSend,
    SendBatch,
    ZerocopyCompletion,
    SocketAddrV4,
    SocketAddrV6,
    Stream,
    TcpConfig,
    TcpInfo,
    Unix,
    UnixAddr,
    socketpair,
)

from wirelane import cmsg, udp_errors, udp_meta, udp_slots

V4 = SocketAddrV4("127.0.0.1", 0)
V6 = SocketAddrV6("::1", 0)
PATH = UnixAddr("/tmp/x.sock")


def factories() -> None:
    assert_type(RawSocket.tcp4(), RawSocket[Ipv4, Stream])
    assert_type(RawSocket.tcp6(), RawSocket[Ipv6, Stream])
    assert_type(RawSocket.udp4(), RawSocket[Ipv4, Datagram])
    assert_type(RawSocket.udp6(), RawSocket[Ipv6, Datagram])
    assert_type(RawSocket.unix_stream(), RawSocket[Unix, Stream])
    assert_type(RawSocket.unix_datagram(), RawSocket[Unix, Datagram])
    assert_type(RawSocket.new(Ipv6, Datagram), RawSocket[SocketAddrV6, Datagram])
    assert_type(RawSocket.from_fd(3, Unix, Stream), RawSocket[UnixAddr, Stream])


def stream_transitions() -> None:
    raw = RawSocket.tcp4()
    bound = raw.bind(V4)
    assert_type(bound, BoundSocket[Ipv4])
    listener = bound.listen(128)
    assert_type(listener, Listener[Ipv4])
    conn, peer = listener.accept()
    assert_type(conn, Connection[Ipv4])
    assert_type(peer, SocketAddrV4)
    assert_type(RawSocket.tcp6().connect(V6), Connection[Ipv6])
    pending = RawSocket.tcp4().connect_nonblocking(V4)
    assert_type(pending, PendingConnect[Ipv4])
    assert_type(pending.wait(1.0), bool)
    assert_type(pending.finish(), Connection[Ipv4])
    assert_type(pending.wait_connected(), Connection[Ipv4])
    assert_type(conn.getpeername(), SocketAddrV4)
    assert_type(conn.getsockname(), SocketAddrV4)
    assert_type(conn.recv(10), bytes)
    assert_type(conn.recv_into(bytearray(10)), int)
    assert_type(conn.send(b"x"), int)
    assert_type(conn.sendall(b"x"), None)
    assert_type(conn.dup(), Connection[Ipv4])
    assert_type(conn.gettimeout(), float | None)
    assert_type(conn.fileno(), int)
    assert_type(conn.detach(), int)
    assert_type(conn.tcp_info(), TcpInfo)
    assert_type(conn.tcp_nodelay(), bool)
    f: Any = conn.makefile("rb")
    assert isinstance(f, io.BufferedReader)
    with RawSocket.tcp4() as ctx:
        assert_type(ctx, RawSocket[Ipv4, Stream])


def unix_only() -> None:
    lst = RawSocket.unix_stream().bind(PATH).listen()
    conn, peer = lst.accept()
    assert_type(peer, UnixAddr)
    assert_type(conn.peer_credentials(), Credentials)
    a, b = socketpair()
    assert_type(a, Connection[Unix])
    c, d = socketpair(Datagram)
    assert_type(c, ConnectedDatagram[Unix])
    assert_type(Connection.pair(), tuple[Connection[Unix], Connection[Unix]])


def datagrams() -> None:
    d = RawSocket.udp6().bind(V6)
    assert_type(d, BoundDatagram[Ipv6])
    assert_type(d.sendto(b"x", V6), int)
    assert_type(d.recvfrom(10), tuple[bytes, SocketAddrV6])
    assert_type(d.recvfrom_into(bytearray(4)), tuple[int, SocketAddrV6])
    c = d.connect(V6)
    assert_type(c, ConnectedDatagram[Ipv6])
    assert_type(RawSocket.udp4().connect(V4), ConnectedDatagram[Ipv4])
    assert_type(c.recv(10), bytes)
    assert_type(c.getpeername(), SocketAddrV6)
    assert_type(udp_meta.send_meta(c, b"x", ecn=udp_meta.CE), int)
    assert_type(udp_meta.send_meta(d, b"x", V6, ttl=7), int)
    assert_type(udp_meta.recv_meta(c, bytearray(8)), udp_meta.RecvMeta)
    assert_type(udp_errors.recv_error(c), udp_errors.QueuedError)
    assert_type(udp_errors.path_mtu(c), int)
    assert_type(cmsg.recv_cmsg(c, bytearray(8)), cmsg.RecvCmsg)
    with udp_slots.RecvSlots(SocketAddrV6, 4) as slots:
        assert_type(udp_slots.recv_slots(d, slots, [bytearray(8)]), int)
        assert_type(slots.meta(0), udp_meta.RecvMeta)
    d.set_only_v6(True)
    d.join_multicast_v6("ff02::1", 0)
    RawSocket.udp4().set_ttl(3)
    d.join_ssm_v6("ff3e::1", "fd00::1", 0)
    assert_type(RawSocket.udp4().multicast_if_v4(), str)
    assert_type(RawSocket.tcp4().bind(V4).listen().accept()[0].original_dst_v4(), SocketAddrV4)
    assert_type(RawSocket.tcp6().connect(V6).tcp_saved_syn(), bytes)
    assert_type(CbpfProgram.steer_by_cpu(4), CbpfProgram)


def builders() -> None:
    lst = ListenerBuilder(Ipv4).reuse_addr(True).tcp(TcpConfig(nodelay=True)).backlog(10).bind(V4)
    assert_type(lst, Listener[Ipv4])
    assert_type(ListenerBuilder(Ipv6).only_v6(True).fastopen(5).bind(V6), Listener[Ipv6])
    assert_type(ListenerBuilder(Unix).bind(PATH), Listener[Unix])
    assert_type(ConnectorBuilder(Ipv4).tcp(TcpConfig()).timeout(1.0).connect(V4), Connection[Ipv4])
    assert_type(ConnectorBuilder(Ipv6).connect_nonblocking(V6), PendingConnect[Ipv6])
    assert_type(DatagramBuilder(Ipv4).broadcast(True).ttl(4).bind(V4), BoundDatagram[Ipv4])
    assert_type(DatagramBuilder(Unix).connect(PATH), ConnectedDatagram[Unix])


def generic_over_the_domain(listener: Listener[SocketAddrV4] | Listener[SocketAddrV6]) -> None:
    conn, peer = listener.accept()
    assert_type(conn, Connection[SocketAddrV4] | Connection[SocketAddrV6])


def fast_paths() -> None:
    d = RawSocket.udp4().bind(V4)
    batch = SendBatch(Ipv4, 64)
    batch.push(b"x", V4)
    assert_type(d.send_batch(batch), int)
    assert_type(d.sendmmsg([(b"x", V4), (bytearray(b"y"), V4)]), list[int])
    rb = RecvBatch(Ipv4, 64, 2048)
    assert_type(d.recv_batch(rb), int)
    assert_type(rb[0], RecvMsg[Ipv4])
    for msg in rb:
        assert_type(msg.source, SocketAddrV4)
    assert_type(d.sendto_segmented(b"x" * 3000, 1000, V4), SegmentedSend)
    assert_type(d.recv_gro(bytearray(65536)), GroRecv[Ipv4])
    assert_type(RawSocket.udp6().connect(V6).recv_gro(bytearray(10)), GroRecv[Ipv6])
    d.set_udp_gro(True)
    a, b = socketpair()
    a.send_fd(0)
    assert_type(b.recv_fd(), int)
    assert_type(b.recv_fds(10, 4), tuple[bytes, list[int]])
    b.set_passcred(True)
    assert_type(b.recv_with_credentials(10), tuple[bytes, Credentials | None])
    c, _ = socketpair(Datagram)
    c.send_fds(b"", [0])
    conn = RawSocket.tcp4().connect(V4)
    conn.send_all(b"x", timeout=1.0, cancel=CancelToken())
    assert_type(conn.recv_until(b"\r\n", 1024), bytes)
    assert_type(conn.is_connected(), bool)
    conn.set_zerocopy(True)
    assert_type(conn.send_zerocopy(b"x"), int)
    assert_type(conn.wait_zerocopy_completion(1.0), ZerocopyCompletion | None)
    TcpConfig(nodelay=True).apply(conn)
