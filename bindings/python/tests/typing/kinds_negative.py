"""Misuse of the socket-kind states (SEQPACKET, ICMP echo, raw IP) a type
checker must reject. Each line carries the error code mypy must report on
it; checked with --warn-unused-ignores (tests/test_kinds_typecheck.py), so
a line that stops being rejected fails. Never executed."""

from __future__ import annotations

from wirelane import (
    IPPROTO_MPTCP,
    BoundIcmp,
    BoundRawIp,
    BoundSeqPacket,
    ConnectedIcmp,
    ConnectedRawIp,
    ConnectedSeqPacket,
    Ipv4,
    Ipv6,
    RawIcmp,
    RawIpSocket,
    RawSeqPacket,
    RawSocket,
    SeqPacketListener,
    SocketAddrV4,
    SocketAddrV6,
    Unix,
    UnixAddr,
)
from wirelane import Listener, Stream

V4 = SocketAddrV4("127.0.0.1", 0)
V6 = SocketAddrV6("::1", 0)
PATH = UnixAddr("/tmp/x.sock")


def seqpacket(raw: RawSeqPacket, bound: BoundSeqPacket, lst: SeqPacketListener, conn: ConnectedSeqPacket) -> None:
    raw.bind(V4)  # type: ignore[arg-type]
    raw.connect(V6)  # type: ignore[arg-type]
    raw.send(b"x")  # type: ignore[attr-defined]
    raw.listen()  # type: ignore[attr-defined]
    raw.accept()  # type: ignore[attr-defined]
    bound.connect(PATH)  # type: ignore[attr-defined]
    bound.accept()  # type: ignore[attr-defined]
    bound.recv(1)  # type: ignore[attr-defined]
    lst.send(b"x")  # type: ignore[attr-defined]
    lst.recv(1)  # type: ignore[attr-defined]
    lst.listen()  # type: ignore[attr-defined]
    conn.accept()  # type: ignore[attr-defined]
    conn.bind(PATH)  # type: ignore[attr-defined]
    conn.sendto(b"x", PATH)  # type: ignore[attr-defined]
    c: ConnectedSeqPacket = raw.bind(PATH)  # type: ignore[assignment]
    l2: SeqPacketListener = raw.bind(PATH)  # type: ignore[assignment]
    RawSeqPacket.new(Unix)  # type: ignore[call-arg]


def icmp(raw4: RawIcmp[Ipv4], raw6: RawIcmp[Ipv6], b4: BoundIcmp[Ipv4], c4: ConnectedIcmp[Ipv4]) -> None:
    raw4.bind(V6)  # type: ignore[arg-type]
    raw6.connect(V4)  # type: ignore[arg-type]
    raw4.bind(PATH)  # type: ignore[arg-type]
    raw4.send_echo(1)  # type: ignore[attr-defined]
    raw4.send_echo_to(V4, 1)  # type: ignore[attr-defined]
    b4.send_echo(1)  # type: ignore[attr-defined]
    b4.recv_echo()  # type: ignore[attr-defined]
    b4.send_echo_to(V6, 1)  # type: ignore[arg-type]
    b4.bind(V4)  # type: ignore[attr-defined]
    c4.send_echo_to(V4, 1)  # type: ignore[attr-defined]
    c4.recv_echo_from()  # type: ignore[attr-defined]
    c4.connect(V4)  # type: ignore[attr-defined]
    c4.send_echo("one", b"")  # type: ignore[arg-type]
    b6: BoundIcmp[Ipv6] = raw4.bind(V4)  # type: ignore[assignment]
    bad: RawIcmp[Unix]  # type: ignore[type-var]
    RawIcmp.new(UnixAddr)  # type: ignore[type-var]


def rawip(raw4: RawIpSocket[Ipv4], b4: BoundRawIp[Ipv4], c6: ConnectedRawIp[Ipv6]) -> None:
    raw4.bind(V6)  # type: ignore[arg-type]
    raw4.sendto(b"x", V4)  # type: ignore[attr-defined]
    raw4.send(b"x")  # type: ignore[attr-defined]
    b4.send(b"x")  # type: ignore[attr-defined]
    b4.recv()  # type: ignore[attr-defined]
    b4.sendto(b"x", V6)  # type: ignore[arg-type]
    c6.sendto(b"x", V6)  # type: ignore[attr-defined]
    c6.recvfrom()  # type: ignore[attr-defined]
    c6.connect(V6)  # type: ignore[attr-defined]
    c6.send_echo(1)  # type: ignore[attr-defined]
    RawIpSocket.v4()  # type: ignore[call-arg]
    icmp_state: ConnectedIcmp[Ipv4] = raw4.connect(V4)  # type: ignore[assignment]
    bad: BoundRawIp[Unix]  # type: ignore[type-var]


def mptcp() -> None:
    RawSocket.mptcp4().bind(V6)  # type: ignore[arg-type]
    RawSocket.mptcp6().connect(V4)  # type: ignore[arg-type]
    RawSocket.mptcp4().send(b"x")  # type: ignore[attr-defined]
    RawSocket.mptcp4(IPPROTO_MPTCP)  # type: ignore[call-arg]
    RawSocket.new(Ipv4, Stream, "mptcp")  # type: ignore[arg-type]
    listener: Listener[Ipv4] = RawSocket.mptcp6().bind(V6).listen()  # type: ignore[assignment]
