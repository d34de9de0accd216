"""The socket kinds beyond TCP and UDP: Unix SEQPACKET (message boundaries
kept, truncation reported), ICMP echo and raw IP sockets. The ICMP and raw
IP tests run their bodies inside user + network namespaces they create
(scripts/in-netns.sh: loopback up, net.ipv4.ping_group_range = "0 0"), so
they need neither privileges nor host sysctls; a namespace that cannot be
made fails the test, it is never skipped."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import wirelane
from wirelane import (
    BoundSeqPacket,
    ConnectedSeqPacket,
    ConsumedError,
    MessageTruncatedError,
    RawSeqPacket,
    SeqPacketListener,
)

from conftest import abstract_addr, unix_path

IN_NETNS = Path(__file__).resolve().parents[3] / "scripts" / "in-netns.sh"


def child_env() -> dict[str, str]:
    """This process's environment, with the same ``wirelane`` package and
    ``libwirelane.so`` for a child interpreter (whatever earlier tests did
    to ``PYTHONPATH`` and ``WIRELANE_LIB``)."""
    pkg_parent = str(Path(wirelane.__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (pkg_parent, os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "WIRELANE_LIB": wirelane.LIBRARY_PATH}


def in_netns(script: str, *, user_only: bool = False) -> str:
    """Runs ``script`` (Python source) with this interpreter as root of
    fresh namespaces and returns its stdout; fails, showing both streams,
    unless it exits 0."""
    args = [str(IN_NETNS), *(["--user-only"] if user_only else []), sys.executable, "-c", textwrap.dedent(script)]
    out = subprocess.run(args, capture_output=True, text=True, timeout=60, env=child_env())
    assert out.returncode == 0, f"namespaced script failed ({out.returncode}):\n{out.stdout}\n{out.stderr}"
    return out.stdout


# --- SEQPACKET ------------------------------------------------------------------


def test_seqpacket_keeps_boundaries_through_listen_and_accept() -> None:
    addr = abstract_addr()
    raw = RawSeqPacket.new()
    bound = raw.bind(addr)
    assert isinstance(bound, BoundSeqPacket) and raw.closed
    with pytest.raises(ConsumedError):
        raw.bind(addr)
    with bound.listen(4) as listener, RawSeqPacket.new().connect(addr) as client:
        assert isinstance(listener, SeqPacketListener) and listener.type == socket.SOCK_SEQPACKET
        server, peer = listener.accept()
        with server:
            assert isinstance(peer, wirelane.UnixAddr)
            server.settimeout(5)
            assert client.send(b"one") == 3
            assert client.send(b"second message") == 14
            assert client.send(b"") == 0
            assert server.next_len() == 3
            assert server.recv(64) == b"one"
            assert server.recv(64, socket.MSG_PEEK) == b"second message"
            buf = bytearray(32)
            assert server.recv_into(buf) == 14 and bytes(buf[:14]) == b"second message"
            assert server.recv(64) == b""  # the empty message
            assert client.getpeername() == addr
            cred = server.peer_credentials()
            assert (cred.pid, cred.uid) == (os.getpid(), os.getuid())
            client.shutdown(socket.SHUT_WR)
            assert server.recv(64) == b""


def test_seqpacket_truncation_is_an_oserror_with_both_lengths() -> None:
    a, b = ConnectedSeqPacket.pair()
    with a, b:
        a.send(b"twelve bytes")
        a.send(b"next")
        with pytest.raises(MessageTruncatedError) as info:
            b.recv(6, socket.MSG_PEEK)
        assert info.value.message_len == 12 and info.value.data == b"twelve"
        with pytest.raises(OSError) as e:
            b.recv(6)
        assert e.value.errno == errno.EMSGSIZE and isinstance(e.value, MessageTruncatedError)
        assert "12 bytes" in str(e.value) and e.value.received == 6
        assert b.recv(16) == b"next"  # the rest of the long message is gone


def test_seqpacket_timeouts_and_peer_gone() -> None:
    a, b = ConnectedSeqPacket.pair()
    b.settimeout(0.05)
    with pytest.raises(TimeoutError):
        b.recv(8)
    b.setblocking(False)
    with pytest.raises(BlockingIOError):
        b.recv(8)
    c = a.dup()
    b.close()
    with pytest.raises(BrokenPipeError):
        a.send(b"x")
    a.close()
    c.close()


def test_seqpacket_transition_failure_keeps_the_object() -> None:
    raw = RawSeqPacket.new()
    with pytest.raises(FileNotFoundError):
        raw.connect(unix_path())
    assert not raw.closed
    with pytest.raises(TypeError):
        raw.bind(wirelane.SocketAddrV4("127.0.0.1", 0))  # type: ignore[arg-type]
    path = unix_path()
    listener = raw.bind(path).listen()
    listener.settimeout(0.0)
    with pytest.raises(BlockingIOError):
        listener.accept()
    listener.close()


def test_seqpacket_from_fd_checks_the_kind_and_state() -> None:
    a, b = ConnectedSeqPacket.pair()
    fd = a.detach()
    again = ConnectedSeqPacket.from_fd(fd)
    again.send(b"hi")
    assert b.recv(4) == b"hi"
    s1, s2 = socket.socketpair()
    with pytest.raises(OSError) as e:
        ConnectedSeqPacket.from_fd(s1.fileno())
    assert e.value.errno == errno.EPROTOTYPE
    s1.close(), s2.close()
    raw = RawSeqPacket.new()
    fd = raw.detach()
    with pytest.raises(OSError) as e:
        SeqPacketListener.from_fd(fd)
    assert e.value.errno == errno.EINVAL
    RawSeqPacket.from_fd(fd).close()
    again.close()
    b.close()


# --- ICMP echo --------------------------------------------------------------------


def test_icmp_echo_on_loopback_inside_namespaces() -> None:
    out = in_netns(
        """
        import socket
        from wirelane import BoundIcmp, ConnectedIcmp, MessageTruncatedError, RawIcmp, SocketAddrV4, SocketAddrV6

        c = RawIcmp.v4().connect(SocketAddrV4("127.0.0.1", 0))
        assert isinstance(c, ConnectedIcmp)
        c.settimeout(5)
        c.send_echo(7, b"ping payload")
        r = c.recv_echo()
        assert (r.seq, r.payload, r.ident) == (7, b"ping payload", c.ident()), r
        c.send_echo(8, b"a longer payload")
        try:
            c.recv_echo(4)
        except MessageTruncatedError as e:
            assert e.data == b"a lo" and e.message_len is None
        else:
            raise AssertionError("truncation not reported")
        c.close()

        b = RawIcmp.v6().bind(SocketAddrV6("::", 4242))
        assert isinstance(b, BoundIcmp) and b.ident() == 4242
        b.settimeout(5)
        b.send_echo_to(SocketAddrV6("::1", 0), 1, b"six")
        reply, host = b.recv_echo_from()
        assert reply.payload == b"six" and reply.ident == 4242 and host.host == "::1", (reply, host)
        try:
            b.send_echo_to(SocketAddrV4("127.0.0.1", 0), 2)  # the other family
        except (TypeError, OSError):
            pass
        else:
            raise AssertionError("an IPv4 address was accepted by an IPv6 socket")
        conn = b.connect(SocketAddrV6("::1", 0))
        fd = conn.detach()
        conn = ConnectedIcmp.from_fd(fd, SocketAddrV6)
        conn.close()
        print("icmp ok")
        """
    )
    assert "icmp ok" in out


def test_icmp_outside_ping_group_range_is_a_permission_error() -> None:
    low, high = map(int, Path("/proc/sys/net/ipv4/ping_group_range").read_text().split())
    if low <= os.getgid() <= high:
        # The host admits our group: the namespace's own range decides.
        out = in_netns(
            """
            from wirelane import RawIcmp
            open("/proc/sys/net/ipv4/ping_group_range", "w").write("1 0")
            try:
                RawIcmp.v4()
            except PermissionError as e:
                assert "ping_group_range" in str(e), e
                print("refused")
            """
        )
    else:
        out = in_netns(
            """
            from wirelane import RawIcmp
            try:
                RawIcmp.v4()
            except PermissionError as e:
                assert "ping_group_range" in str(e), e
                print("refused")
            """,
            user_only=True,
        )
    assert "refused" in out


def test_icmp_has_no_unix_domain() -> None:
    with pytest.raises(TypeError):
        wirelane.RawIcmp.new(wirelane.UnixAddr)  # type: ignore[type-var]


# --- raw IP -------------------------------------------------------------------------


def test_raw_ip_inside_namespaces_sees_its_own_packets() -> None:
    out = in_netns(
        """
        from wirelane import BoundRawIp, ConnectedRawIp, RawIpSocket, SocketAddrV4, SocketAddrV6

        lo = SocketAddrV4("127.0.0.1", 0)
        s = RawIpSocket.v4(253)
        assert s.proto == 253
        b = s.bind(lo)
        assert isinstance(b, BoundRawIp)
        b.settimeout(5)
        assert b.sendto(b"raw payload", lo) == 11
        packet, sender = b.recvfrom()
        ihl = (packet[0] & 0x0F) * 4
        assert packet[0] >> 4 == 4 and packet[9] == 253 and packet[ihl:] == b"raw payload", packet
        assert sender == SocketAddrV4("127.0.0.1", 0), sender
        fd = b.detach()
        b = BoundRawIp.from_fd(fd, SocketAddrV4)
        c = b.connect(lo)
        assert isinstance(c, ConnectedRawIp)
        c.send(b"again")
        assert c.recv()[ihl:] == b"again"
        c.close()

        c6 = RawIpSocket.v6(253).connect(SocketAddrV6("::1", 0))
        c6.settimeout(5)
        c6.send(b"six")
        assert c6.recv() == b"six"  # IPv6: no header
        c6.close()
        print("raw ok")
        """
    )
    assert "raw ok" in out


def test_raw_ip_without_cap_net_raw_says_why() -> None:
    out = in_netns(
        """
        from wirelane import RawIpSocket
        try:
            RawIpSocket.v4(253)
        except PermissionError as e:
            assert "CAP_NET_RAW" in str(e), e
            print("refused")
        """,
        user_only=True,
    )
    assert "refused" in out


def test_raw_ip_protocol_range() -> None:
    with pytest.raises(OSError) as e:
        wirelane.RawIpSocket.v4(256)
    assert e.value.errno == errno.EINVAL and "1 to 255" in str(e.value)


def test_ping_example_inside_namespaces() -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "ping.py"
    for host in ("127.0.0.1", "::1"):
        out = subprocess.run(
            [str(IN_NETNS), sys.executable, str(example), host, "2"],
            capture_output=True,
            text=True,
            timeout=60,
            env=child_env(),
        )
        assert out.returncode == 0, out.stderr
        lines = out.stdout.splitlines()
        assert [line.split("icmp_seq=")[1].split()[0] for line in lines] == ["1", "2"], out.stdout
        assert all(line.startswith(f"21 bytes from {host}:") for line in lines), out.stdout
