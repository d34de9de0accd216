"""The server and proxy options added as rows of the option table
(src/options/table.rs): the methods are generated from it, so these check
that the generated Python reaches the right C exports with the right types."""

from __future__ import annotations

import errno
import socket

import pytest

from wirelane import RawSocket, SocketAddrV4


def test_freebind_binds_an_address_this_host_does_not_have() -> None:
    raw = RawSocket.tcp4()
    assert raw.freebind() is False
    raw.set_freebind(True)
    assert raw.freebind() is True
    bound = raw.bind(SocketAddrV4("192.0.2.1", 0))
    assert bound.getsockname().host == "192.0.2.1"
    bound.close()


def test_ranges_raise_einval_naming_the_option() -> None:
    raw = RawSocket.tcp4()
    with pytest.raises(OSError) as e:
        raw.set_tcp_maxseg(50)
    assert e.value.errno == errno.EINVAL and "TCP_MAXSEG" in str(e.value)
    raw.set_tcp_maxseg(1000)
    assert raw.tcp_maxseg() == 1000
    raw.close()


def test_read_only_rows() -> None:
    a, b = RawSocket.udp6(), RawSocket.udp6()
    assert a.cookie() != 0 and a.cookie() != b.cookie()
    assert a.socket_domain() == socket.AF_INET6
    assert a.socket_type() == socket.SOCK_DGRAM
    assert a.socket_protocol() == socket.IPPROTO_UDP
    assert a.accepts_connections() is False
    assert not hasattr(a, "set_cookie") and not hasattr(a, "set_socket_type")
    a.close()
    b.close()


def test_incoming_cpu_is_minus_one_until_set() -> None:
    raw = RawSocket.tcp4()
    assert raw.incoming_cpu() == -1
    raw.set_incoming_cpu(0)
    assert raw.incoming_cpu() == 0
    raw.close()


def test_multicast_all_v4_defaults_on() -> None:
    raw = RawSocket.udp4()
    assert raw.multicast_all_v4() is True
    raw.set_multicast_all_v4(False)
    assert raw.multicast_all_v4() is False
    raw.close()
