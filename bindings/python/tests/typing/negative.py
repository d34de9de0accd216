"""Misuse a type checker must reject. Each line carries the error code
mypy must report on it; the check runs with --warn-unused-ignores, so a
line that stops being rejected (or is rejected for another reason) fails
the test. Never executed."""

from __future__ import annotations

from wirelane import (
    BoundDatagram,
    CbpfProgram,
    BoundSocket,
    ConnectedDatagram,
    Connection,
    ConnectorBuilder,
    DatagramBuilder,
    Ipv4,
    Ipv6,
    Listener,
    ListenerBuilder,
    PendingConnect,
    RawSocket,
    RecvBatch,
    SendBatch,
    SocketAddrV4,
    SocketAddrV6,
    Stream,
    TcpConfig,
    Unix,
    UnixAddr,
    socketpair,
)

from wirelane import udp_errors, udp_meta

V4 = SocketAddrV4("127.0.0.1", 0)
V6 = SocketAddrV6("::1", 0)
PATH = UnixAddr("/tmp/x.sock")


def raw_state(raw: RawSocket[Ipv4, object]) -> None:  # type: ignore[type-var]
    pass


def misuse() -> None:
    raw = RawSocket.tcp4()
    raw.accept()  # type: ignore[attr-defined]
    raw.listen()  # type: ignore[attr-defined]
    raw.send(b"x")  # type: ignore[attr-defined]
    raw.recv(1)  # type: ignore[attr-defined]
    raw.finish()  # type: ignore[attr-defined]

    # Addresses of another family.
    raw.bind(V6)  # type: ignore[arg-type]
    raw.connect(PATH)  # type: ignore[arg-type]
    raw.connect_nonblocking(V6)  # type: ignore[arg-type]
    RawSocket.tcp6().bind(V4)  # type: ignore[arg-type]
    RawSocket.unix_stream().connect(V4)  # type: ignore[arg-type]
    raw.bind(("127.0.0.1", 0))  # type: ignore[arg-type]
    raw.bind("127.0.0.1:0")  # type: ignore[arg-type]

    # Stream-only transition on a datagram socket.
    RawSocket.udp4().connect_nonblocking(V4)  # type: ignore[misc]

    bound = raw.bind(V4)
    bound.connect(V4)  # type: ignore[attr-defined]
    bound.accept()  # type: ignore[attr-defined]
    bound.bind(V4)  # type: ignore[attr-defined]
    bound.send(b"x")  # type: ignore[attr-defined]

    listener = bound.listen()
    listener.send(b"x")  # type: ignore[attr-defined]
    listener.recv(1)  # type: ignore[attr-defined]
    listener.listen()  # type: ignore[attr-defined]
    listener.connect(V4)  # type: ignore[attr-defined]

    conn, peer = listener.accept()
    conn.accept()  # type: ignore[attr-defined]
    conn.bind(V4)  # type: ignore[attr-defined]
    conn.recvfrom(10)  # type: ignore[attr-defined]
    conn.sendto(b"x", V4)  # type: ignore[attr-defined]
    conn.peer_credentials()  # type: ignore[misc]
    peer6: SocketAddrV6 = peer  # type: ignore[assignment]
    other: Connection[Ipv6] = conn  # type: ignore[assignment]

    pending = RawSocket.tcp4().connect_nonblocking(V4)
    pending.send(b"x")  # type: ignore[attr-defined]
    pending.settimeout(1.0)  # type: ignore[attr-defined]

    dgram = RawSocket.udp4().bind(V4)
    dgram.sendto(b"x", V6)  # type: ignore[arg-type]
    dgram.send(b"x")  # type: ignore[attr-defined]
    dgram.listen()  # type: ignore[attr-defined]
    dgram.accept()  # type: ignore[attr-defined]
    dgram.connect(V6)  # type: ignore[arg-type]

    dconn = dgram.connect(V4)
    dconn.sendto(b"x", V4)  # type: ignore[attr-defined]
    dconn.recvfrom(1)  # type: ignore[attr-defined]
    udp_meta.send_meta(dconn, b"x", V4)  # type: ignore[call-overload]
    udp_meta.send_meta(dgram, b"x")  # type: ignore[call-overload]
    udp_errors.path_mtu(dgram)  # type: ignore[arg-type]

    # A transition's result is the next state, not the old one.
    same: RawSocket[Ipv4, Stream] = RawSocket.tcp4().bind(V4)  # type: ignore[assignment]
    udp_as_tcp: BoundSocket[Ipv4] = RawSocket.udp4().bind(V4)  # type: ignore[assignment]
    tcp_as_udp: BoundDatagram[Ipv4] = RawSocket.tcp4().bind(V4)  # type: ignore[assignment]
    l6: Listener[Ipv6] = RawSocket.tcp4().bind(V4).listen()  # type: ignore[assignment]
    p6: PendingConnect[Ipv6] = RawSocket.tcp4().connect_nonblocking(V4)  # type: ignore[assignment]
    d6: ConnectedDatagram[Ipv6] = RawSocket.udp4().connect(V4)  # type: ignore[assignment]

    # socketpair is Unix; options are typed on their domain.
    a, b = socketpair()
    tcp_pair: Connection[Ipv4] = a  # type: ignore[assignment]
    a.set_ttl(64)  # type: ignore[misc]
    a.set_tcp_nodelay(True)  # type: ignore[misc]
    conn.set_only_v6(True)  # type: ignore[misc]
    RawSocket.udp6().set_multicast_loop_v4(True)  # type: ignore[misc]
    RawSocket.udp6().join_ssm_v4("232.1.1.1", "127.0.0.1")  # type: ignore[misc]
    RawSocket.udp4().join_ssm_v6("ff3e::1", "fd00::1")  # type: ignore[misc]
    a.original_dst_v4()  # type: ignore[misc]
    a.attach_reuseport_cbpf(CbpfProgram.constant(0))  # type: ignore[misc]

    # States are built by factories and transitions only; classes are final.
    BoundSocket()  # type: ignore[call-arg]
    RawSocket.new(int, str)  # type: ignore[type-var]

    # Builders: domain-only settings and addresses.
    ListenerBuilder(Ipv4).bind(V6)  # type: ignore[arg-type]
    ListenerBuilder(Unix).tcp(TcpConfig())  # type: ignore[misc]
    ListenerBuilder(Ipv4).only_v6(True)  # type: ignore[misc]
    DatagramBuilder(Ipv6).broadcast(True)  # type: ignore[misc]
    ConnectorBuilder(Ipv6).connect(V4)  # type: ignore[arg-type]

    # Timeouts are numbers or None.
    conn.settimeout("1")  # type: ignore[arg-type]

    # Fast paths: batches keep their domain; GSO/GRO are UDP-only;
    # descriptor passing and credentials are Unix-only.
    batch6 = SendBatch(Ipv6, 8)
    dgram.send_batch(batch6)  # type: ignore[arg-type]
    batch6.push(b"x", V4)  # type: ignore[arg-type]
    dgram.recv_batch(RecvBatch(Unix, 4, 64))  # type: ignore[arg-type]
    dgram.sendmmsg([(b"x", V6)])  # type: ignore[list-item]
    dconn.sendmmsg([(b"x", V4)])  # OK: buffers only, typed as Any
    unix_dgram = RawSocket.unix_datagram().bind(PATH)
    unix_dgram.recv_gro(bytearray(10))  # type: ignore[misc]
    unix_dgram.sendto_segmented(b"x", 1, PATH)  # type: ignore[misc, call-overload]
    unix_dgram.set_udp_gro(True)  # type: ignore[misc]
    ConnectedDatagram.pair()[0].send_segmented(b"x", 1)  # type: ignore[misc]
    conn.send_fd(0)  # type: ignore[misc]
    conn.recv_fds(10, 1)  # type: ignore[misc]
    dconn.send_fds(b"x", [0])  # type: ignore[misc]
    conn.set_passcred(True)  # type: ignore[misc]
    conn.recv_with_credentials(10)  # type: ignore[misc]
    listener.send_all(b"x")  # type: ignore[attr-defined]
    dconn.recv_until(b"\n", 10)  # type: ignore[attr-defined]
    dconn.send_zerocopy(b"x")  # type: ignore[attr-defined]
    a.send_all(b"x", cancel=True)  # type: ignore[arg-type]


class Sub(Connection[Ipv4]):  # type: ignore[misc]
    pass
