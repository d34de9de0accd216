"""Socket options (set, then read back), TCP_INFO, and the builders."""

from __future__ import annotations

import errno
import os
from typing import Any, Callable

import pytest
from conftest import BOUND, abstract_addr, listener4, tcp_pair

from wirelane import (
    BufferConfig,
    ConnectorBuilder,
    DatagramBuilder,
    Ipv4,
    Ipv6,
    KeepaliveConfig,
    ListenerBuilder,
    RawSocket,
    ReuseConfig,
    SocketAddrV4,
    SocketAddrV6,
    TcpConfig,
    Unix,
)

LO4 = SocketAddrV4("127.0.0.1", 0)
LO6 = SocketAddrV6("::1", 0)
ROOT = os.geteuid() == 0


def roundtrip(sock: Any, name: str, value: object, expect: Callable[[object], bool] | None = None) -> None:
    getattr(sock, f"set_{name}")(value)
    got = getattr(sock, name)()
    assert (expect(got) if expect else got == value), f"{name}: set {value!r}, read {got!r}"


def test_socket_level_options_on_every_state() -> None:
    client, server, lst = tcp_pair()
    raw = RawSocket.tcp4()
    for s in (raw, lst, client, server):
        roundtrip(s, "reuse_address", True)
        roundtrip(s, "reuse_port", True)
        roundtrip(s, "keepalive", True)
        roundtrip(s, "send_buffer_size", 65536, lambda v: isinstance(v, int) and v >= 65536)
        roundtrip(s, "recv_buffer_size", 65536, lambda v: isinstance(v, int) and v >= 65536)
        roundtrip(s, "priority", 3)
        roundtrip(s, "recv_low_watermark", 4)
        s.set_linger(7)
        assert s.linger() == 7
        s.set_linger(None)
        assert s.linger() is None
    for s in (raw, lst, client, server):
        s.close()


def test_privileged_options_need_capabilities() -> None:
    with RawSocket.udp4() as s:
        if ROOT:
            roundtrip(s, "mark", 42)
            s.bind_device("lo")
            assert s.bound_device() == "lo"
            s.bind_device(None)
            assert s.bound_device() is None
        else:
            with pytest.raises(PermissionError):
                s.set_mark(42)


def test_tcp_options() -> None:
    client, server, lst = tcp_pair()
    for s in (client, server):
        roundtrip(s, "tcp_nodelay", True)
        roundtrip(s, "tcp_cork", True)
        roundtrip(s, "tcp_cork", False)
        roundtrip(s, "tcp_keepalive_idle", 30)
        roundtrip(s, "tcp_keepalive_interval", 5)
        roundtrip(s, "tcp_keepalive_count", 3)
        roundtrip(s, "tcp_user_timeout", 1500)
        s.set_tcp_quickack(True)
        assert isinstance(s.tcp_quickack(), bool)
        s.set_tcp_congestion("reno")
        assert s.tcp_congestion() == "reno"
    lst.set_tcp_fastopen(5)
    assert lst.tcp_fastopen() == 5
    fresh = RawSocket.tcp4()
    roundtrip(fresh, "tcp_fastopen_connect", True)
    with pytest.raises(FileNotFoundError):
        client.set_tcp_congestion("no-such-algo")
    info = server.tcp_info()
    assert info.state == 1 and info.reported_len > 0  # TCP_ESTABLISHED
    assert lst.tcp_info().state == 10  # TCP_LISTEN
    assert "state" in info.as_dict() and "TcpInfo(" in repr(info)
    for s in (client, server, lst, fresh):
        s.close()


def test_ip_options() -> None:
    with RawSocket.udp4() as u4:
        roundtrip(u4, "ttl", 12)
        roundtrip(u4, "tos", 0x10)
        roundtrip(u4, "broadcast", True)
        roundtrip(u4, "multicast_ttl_v4", 4)
        roundtrip(u4, "multicast_loop_v4", False)
        with pytest.raises(OSError) as e:
            u4.set_ttl(0)
        assert e.value.errno == errno.EINVAL and "1..=255" in str(e.value)
        with pytest.raises(OSError) as e2:
            u4.set_tcp_nodelay(True)  # a TCP option on UDP
        assert e2.value.errno in (errno.ENOPROTOOPT, errno.EOPNOTSUPP)
    d4 = RawSocket.udp4().bind(SocketAddrV4("0.0.0.0", 0))
    d4.join_multicast_v4("239.1.2.3")
    d4.leave_multicast_v4("239.1.2.3")
    with pytest.raises(OSError):
        d4.leave_multicast_v4("239.1.2.3")  # not joined
    d4.close()
    with RawSocket.udp6() as u6:
        roundtrip(u6, "unicast_hops_v6", 9)
        roundtrip(u6, "tclass_v6", 0x20)
        roundtrip(u6, "only_v6", True)
        roundtrip(u6, "multicast_hops_v6", 3)
        roundtrip(u6, "multicast_loop_v6", False)
    d6 = RawSocket.udp6().bind(SocketAddrV6("::", 0))
    d6.join_multicast_v6("ff02::1:3", 1)
    d6.leave_multicast_v6("ff02::1:3", 1)
    d6.close()


def test_listener_builder_applies_everything() -> None:
    tcp = TcpConfig(nodelay=True, keepalive=KeepaliveConfig(idle=30, interval=5, count=3))
    lst = (
        ListenerBuilder(Ipv4)
        .reuse(ReuseConfig.both())
        .tcp(tcp)
        .buffers(BufferConfig.both(131072))
        .backlog(16)
        .bind(LO4)
    )
    assert lst.reuse_address() and lst.reuse_port()
    assert lst.gettimeout() is None
    client = ConnectorBuilder(Ipv4).tcp(tcp).timeout(BOUND).connect(lst.getsockname())
    lst.settimeout(BOUND)
    server, _ = lst.accept()
    # Linux copies the listener's settings to accepted connections.
    assert server.tcp_nodelay() and server.keepalive() and server.tcp_keepalive_idle() == 30
    assert client.tcp_nodelay() and client.tcp_keepalive_count() == 3
    assert server.recv_buffer_size() >= 131072
    for s in (client, server, lst):
        s.close()


def test_builders_other_domains_and_modes() -> None:
    lst6 = ListenerBuilder(Ipv6).only_v6(True).nonblocking(True).fastopen(4).bind(LO6)
    assert lst6.only_v6() and lst6.gettimeout() == 0.0
    with pytest.raises(BlockingIOError):
        lst6.accept()
    local = RawSocket.tcp6().bind(LO6)
    local_addr = local.getsockname()
    local.close()
    pending = ConnectorBuilder(Ipv6).reuse_addr(True).local_addr(local_addr).connect_nonblocking(lst6.getsockname())
    conn = pending.wait_connected(BOUND)
    assert conn.getsockname() == local_addr
    path = abstract_addr()
    ulst = ListenerBuilder(Unix).bind(path)
    uconn = ConnectorBuilder(Unix).nonblocking(True).connect(path)
    assert uconn.gettimeout() == 0.0
    d = DatagramBuilder(Ipv4).broadcast(True).ttl(7).reuse_port(True).bind(LO4)
    assert d.broadcast() and d.ttl() == 7
    dc = DatagramBuilder(Ipv4).buffers(BufferConfig(send=65536)).connect(d.getsockname())
    dc.send(b"built")
    d.settimeout(BOUND)
    assert d.recvfrom(10)[0] == b"built"
    d6 = DatagramBuilder(Ipv6).only_v6(True).nonblocking(True).bind(LO6)
    assert d6.gettimeout() == 0.0
    for s in (lst6, conn, ulst, uconn, d, dc, d6):
        s.close()


def test_builder_errors() -> None:
    with pytest.raises(OSError) as e:
        ListenerBuilder(Ipv4).bind(LO6)  # type: ignore[arg-type]
    assert e.value.errno == errno.EAFNOSUPPORT
    with pytest.raises(OSError) as e2:
        ListenerBuilder(Unix).reuse_addr(True).bind(abstract_addr())  # an IP-only option
    assert e2.value.errno == errno.EAFNOSUPPORT
    with pytest.raises(OSError) as e3:
        ListenerBuilder(Ipv4).tcp(TcpConfig(keepalive=KeepaliveConfig(idle=99999))).bind(LO4)
    assert e3.value.errno == errno.EINVAL
    lst = listener4()
    taken = lst.getsockname()
    with pytest.raises(OSError) as e4:
        ListenerBuilder(Ipv4).bind(taken)
    assert e4.value.errno == errno.EADDRINUSE
    lst.close()
    with pytest.raises(ValueError):
        ConnectorBuilder(Ipv4).timeout(0)
    with pytest.raises(ValueError):
        BufferConfig(send=-1)._fill(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ListenerBuilder(int)  # type: ignore[type-var]


def test_connector_timeout_is_timeout_error() -> None:
    lst = RawSocket.tcp4().bind(LO4).listen(0)
    filled = []
    for _ in range(2):
        p = RawSocket.tcp4().connect_nonblocking(lst.getsockname())
        if p.wait(0.5):
            filled.append(p.finish())
        else:
            p.close()
    with pytest.raises(TimeoutError):
        ConnectorBuilder(Ipv4).timeout(0.1).connect(lst.getsockname())
    for s in [lst, *filled]:
        s.close()
