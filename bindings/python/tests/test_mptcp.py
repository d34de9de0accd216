"""MPTCP streams (``IPPROTO_MPTCP``): ``RawSocket.mptcp4()``/``mptcp6()``
and ``RawSocket.new(domain, Stream, protocol)`` go through the TCP states.
Over IPv4 and IPv6 loopback a listener accepts a client and checksummed
data crosses both ways, blocking and with a non-blocking connect;
``proto``/``socket_protocol()`` say ``IPPROTO_MPTCP`` on every socket.
Where MPTCP is disabled (``net.mptcp.enabled = 0``, set inside user +
network namespaces the test creates: scripts/in-netns.sh) creation raises
``OSError(ENOPROTOOPT)`` naming the sysctl. The host must have MPTCP on: a
refusal there fails the test, it is never skipped."""

from __future__ import annotations

import errno
import hashlib
import socket
from typing import Any

import pytest

import wirelane
from wirelane import IPPROTO_MPTCP, Ipv4, Ipv6, RawSocket, SocketAddrV4, SocketAddrV6, Stream, Unix

from test_kinds import in_netns

LOOPBACK = [
    pytest.param(RawSocket.mptcp4, SocketAddrV4("127.0.0.1", 0), id="v4"),
    pytest.param(RawSocket.mptcp6, SocketAddrV6("::1", 0), id="v6"),
]

CHUNK = 4096
ROUNDS = 64


def chunk(r: int, seed: int) -> bytes:
    return bytes(((((r * CHUNK + i) * 2654435761) >> 13) ^ seed ^ ((r * CHUNK + i) >> 8)) & 0xFF for i in range(CHUNK))


def recv_exact(conn: Any, n: int) -> bytes:
    out = bytearray()
    while len(out) < n:
        got = conn.recv(n - len(out))
        assert got, "early end of stream"
        out += got
    return bytes(out)


def exchange(client: Any, server: Any) -> None:
    """ROUNDS chunks each way in lock step; the digests match end to end."""
    sent_up, got_up, sent_down, got_down = (hashlib.sha256() for _ in range(4))
    for r in range(ROUNDS):
        up = chunk(r, 0x5A)
        sent_up.update(up)
        client.sendall(up)
        got_up.update(recv_exact(server, len(up)))
        down = chunk(r, 0xA5)
        sent_down.update(down)
        server.sendall(down)
        got_down.update(recv_exact(client, len(down)))
    assert sent_up.digest() == got_up.digest()
    assert sent_down.digest() == got_down.digest()
    assert sent_up.digest() != sent_down.digest()


@pytest.mark.parametrize(("make", "local"), LOOPBACK)
def test_mptcp_connect_accept_echo(make: Any, local: Any) -> None:
    raw = make()
    assert raw.proto == IPPROTO_MPTCP == raw.socket_protocol()
    assert raw.type == socket.SOCK_STREAM
    with raw.bind(local).listen(8) as listener:
        assert listener.proto == IPPROTO_MPTCP == listener.socket_protocol()
        listener.settimeout(5)
        client = make().connect(listener.getsockname())
        server, peer = listener.accept()
        with client, server:
            assert peer == client.getsockname()
            for s in (client, server):
                assert s.proto == IPPROTO_MPTCP == s.socket_protocol()
                s.settimeout(5)
            exchange(client, server)
            client.shutdown(socket.SHUT_WR)
            assert server.recv(8) == b""


@pytest.mark.parametrize(("domain", "local"), [(Ipv4, SocketAddrV4("127.0.0.1", 0)), (Ipv6, SocketAddrV6("::1", 0))])
def test_mptcp_nonblocking_connect_through_pending(domain: Any, local: Any) -> None:
    with RawSocket.new(domain, Stream, IPPROTO_MPTCP).bind(local).listen(8) as listener:
        listener.settimeout(5)
        pending = RawSocket.new(domain, Stream, socket.IPPROTO_MPTCP).connect_nonblocking(listener.getsockname())
        assert pending.socket_protocol() == IPPROTO_MPTCP
        server, _ = listener.accept()
        assert pending.wait(5)
        client = pending.finish()
        with client, server:
            assert client.proto == server.proto == IPPROTO_MPTCP
            client.settimeout(5)
            server.settimeout(5)
            exchange(client, server)


def test_mptcp_socket_adopted_from_the_stdlib_keeps_its_protocol() -> None:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_MPTCP)
    raw = RawSocket.from_socket(s, Ipv4, Stream)
    with raw.bind(SocketAddrV4("127.0.0.1", 0)).listen() as listener:
        assert listener.proto == IPPROTO_MPTCP
    # A plain TCP socket reports the default, as socket.socket(AF_INET, SOCK_STREAM).proto does.
    with RawSocket.tcp4() as tcp, RawSocket.udp6() as udp:
        assert tcp.proto == 0 == udp.proto
        assert tcp.socket_protocol() == socket.IPPROTO_TCP


def test_mptcp_disabled_in_namespace_is_a_clear_error() -> None:
    out = in_netns(
        """
        import errno
        from wirelane import IPPROTO_MPTCP, Ipv6, RawSocket, Stream
        open("/proc/sys/net/mptcp/enabled", "w").write("0")
        for make in (RawSocket.mptcp4, lambda: RawSocket.new(Ipv6, Stream, IPPROTO_MPTCP)):
            try:
                make()
            except OSError as e:
                assert e.errno == errno.ENOPROTOOPT, e
                assert "net.mptcp.enabled" in str(e) and "IPPROTO_TCP" in str(e), e
                print("refused", e.errno)
            else:
                raise AssertionError("an MPTCP socket was created with net.mptcp.enabled = 0")
        RawSocket.tcp4().close()  # plain TCP is unaffected
        """
    )
    assert out.split("\n")[:2] == [f"refused {errno.ENOPROTOOPT}"] * 2


@pytest.mark.parametrize(
    ("bad", "exc"),
    [("262", TypeError), (262.0, TypeError), (None, TypeError), (b"\x06", TypeError), (2**40, OverflowError)],
)
def test_bad_protocol_arguments_are_refused_before_the_library(bad: Any, exc: type[BaseException]) -> None:
    with pytest.raises(exc, match="protocol"):
        RawSocket.new(Ipv4, Stream, bad)


def test_protocols_the_kind_does_not_carry_name_what_it_does() -> None:
    with pytest.raises(OSError, match="IPPROTO_MPTCP") as e:
        RawSocket.new(Ipv4, Stream, socket.IPPROTO_UDP)
    assert e.value.errno == errno.EPROTONOSUPPORT
    with pytest.raises(OSError, match="IPPROTO_UDP") as e:
        RawSocket.new(Ipv6, wirelane.Datagram, IPPROTO_MPTCP)
    assert e.value.errno == errno.EPROTONOSUPPORT
    with pytest.raises(OSError, match="Unix") as e:
        RawSocket.new(Unix, Stream, IPPROTO_MPTCP)
    assert e.value.errno == errno.EPROTONOSUPPORT
    with pytest.raises(OSError) as e:
        RawSocket.new(Ipv4, Stream, -1)
    assert e.value.errno == errno.EPROTONOSUPPORT
    # The explicit defaults are accepted.
    with RawSocket.new(Ipv4, Stream, socket.IPPROTO_TCP) as tcp, RawSocket.new(Ipv6, wirelane.Datagram, socket.IPPROTO_UDP) as udp:
        assert tcp.socket_protocol() == socket.IPPROTO_TCP and udp.socket_protocol() == socket.IPPROTO_UDP
