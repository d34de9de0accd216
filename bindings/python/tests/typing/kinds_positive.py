"""Correct use of the socket-kind states infers the documented types
(checked by mypy in tests/test_kinds_typecheck.py). Never executed."""

from __future__ import annotations

from typing import assert_type

from wirelane import (
    IPPROTO_MPTCP,
    BoundIcmp,
    BoundRawIp,
    BoundSeqPacket,
    ConnectedIcmp,
    ConnectedRawIp,
    ConnectedSeqPacket,
    EchoReply,
    Ipv4,
    Ipv6,
    RawIcmp,
    RawIpSocket,
    RawSeqPacket,
    RawSocket,
    SeqPacketListener,
    SocketAddrV4,
    SocketAddrV6,
    Stream,
    UnixAddr,
)
from wirelane import BoundSocket, Connection, Listener, PendingConnect


def seqpacket(path: UnixAddr) -> None:
    raw = RawSeqPacket.new()
    bound = raw.bind(path)
    assert_type(bound, BoundSeqPacket)
    listener = bound.listen(4)
    assert_type(listener, SeqPacketListener)
    conn, peer = listener.accept()
    assert_type(conn, ConnectedSeqPacket)
    assert_type(peer, UnixAddr)
    assert_type(RawSeqPacket.new().connect(path), ConnectedSeqPacket)
    assert_type(conn.recv(64), bytes)
    assert_type(conn.send(b"x"), int)
    assert_type(conn.next_len(), int)
    a, b = ConnectedSeqPacket.pair()
    assert_type(a, ConnectedSeqPacket)


def icmp() -> None:
    c4 = RawIcmp.v4().connect(SocketAddrV4("127.0.0.1", 0))
    assert_type(c4, ConnectedIcmp[Ipv4])
    assert_type(c4.recv_echo(), EchoReply)
    b6 = RawIcmp.v6().bind(SocketAddrV6("::", 0))
    assert_type(b6, BoundIcmp[Ipv6])
    reply, host = b6.recv_echo_from()
    assert_type(host, SocketAddrV6)
    assert_type(b6.connect(SocketAddrV6("::1", 0)), ConnectedIcmp[Ipv6])
    assert_type(RawIcmp.new(SocketAddrV4), RawIcmp[SocketAddrV4])


def rawip() -> None:
    b4 = RawIpSocket.v4(253).bind(SocketAddrV4("127.0.0.1", 0))
    assert_type(b4, BoundRawIp[Ipv4])
    packet, sender = b4.recvfrom()
    assert_type(packet, bytes)
    assert_type(sender, SocketAddrV4)
    c6 = RawIpSocket.v6(253).connect(SocketAddrV6("::1", 0))
    assert_type(c6, ConnectedRawIp[Ipv6])
    assert_type(c6.recv(), bytes)


def mptcp() -> None:
    # MPTCP streams are the TCP states: the same types as tcp4()/tcp6().
    assert_type(RawSocket.mptcp4(), RawSocket[Ipv4, Stream])
    assert_type(RawSocket.mptcp6(), RawSocket[Ipv6, Stream])
    assert_type(RawSocket.new(Ipv6, Stream, IPPROTO_MPTCP), RawSocket[SocketAddrV6, Stream])
    assert_type(RawSocket.new(Ipv4, Stream, protocol=IPPROTO_MPTCP), RawSocket[SocketAddrV4, Stream])
    bound = RawSocket.mptcp4().bind(SocketAddrV4("127.0.0.1", 0))
    assert_type(bound, BoundSocket[Ipv4])
    listener = bound.listen(8)
    assert_type(listener, Listener[Ipv4])
    conn, peer = listener.accept()
    assert_type(conn, Connection[Ipv4])
    assert_type(peer, SocketAddrV4)
    assert_type(RawSocket.mptcp6().connect(SocketAddrV6("::1", 0)), Connection[Ipv6])
    pending = RawSocket.mptcp6().connect_nonblocking(SocketAddrV6("::1", 0))
    assert_type(pending, PendingConnect[Ipv6])
    assert_type(pending.finish(), Connection[Ipv6])
    assert_type(conn.proto, int)
