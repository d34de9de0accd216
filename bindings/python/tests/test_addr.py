"""Address types: construction, parsing, formatting, round trips through
the library, and clear errors for bad input."""

from __future__ import annotations

import errno
import socket

import pytest

from wirelane import SocketAddrV4, SocketAddrV6, UnixAddr, format_address, parse_address
from wirelane._addr import coerce, from_wl, to_wl


def test_v4_is_a_stdlib_compatible_tuple() -> None:
    a = SocketAddrV4("127.0.0.1", 80)
    assert a == ("127.0.0.1", 80)
    host, port = a
    assert (host, port) == ("127.0.0.1", 80)
    assert str(a) == "127.0.0.1:80"
    assert from_wl(to_wl(a)) == a


def test_v6_round_trip_with_flow_and_scope() -> None:
    a = SocketAddrV6("fe80::1", 443, 5, 1)
    b = from_wl(to_wl(a))
    assert b == a
    assert isinstance(b, SocketAddrV6)
    assert SocketAddrV6("::1", 1) == ("::1", 1, 0, 0)
    assert from_wl(to_wl(SocketAddrV6("fe80::1%1", 9))) == SocketAddrV6("fe80::1", 9, 0, 1)
    assert str(SocketAddrV6("::1", 8)) == "[::1]:8"


def test_unix_path_abstract_and_unnamed() -> None:
    p = UnixAddr("/tmp/x.sock")
    assert p.path == "/tmp/x.sock" and p.abstract_name is None and not p.is_unnamed
    assert from_wl(to_wl(p)) == p
    a = UnixAddr.abstract(b"name\x01")
    assert a.abstract_name == b"name\x01" and a.path is None
    assert a == UnixAddr(b"\0name\x01")
    assert from_wl(to_wl(a)) == a
    assert a.to_stdlib() == b"\0name\x01"
    assert UnixAddr.unnamed().is_unnamed
    assert UnixAddr.unnamed().to_stdlib() == ""
    assert hash(UnixAddr("/a")) == hash(UnixAddr("/a"))
    assert repr(a) == "UnixAddr.abstract(b'name\\x01')"
    assert str(a) == "@name\x01"


def test_parse_and_format() -> None:
    assert parse_address("127.0.0.1:8080") == SocketAddrV4("127.0.0.1", 8080)
    assert parse_address("[::1]:9") == SocketAddrV6("::1", 9)
    assert parse_address("/run/x.sock") == UnixAddr("/run/x.sock")
    assert parse_address("@abs") == UnixAddr.abstract(b"abs")
    assert SocketAddrV4.parse("10.0.0.1:1") == SocketAddrV4("10.0.0.1", 1)
    assert SocketAddrV6.parse("[::]:0") == SocketAddrV6("::", 0)
    assert format_address(SocketAddrV6("::1", 80)) == "[::1]:80"
    assert format_address(UnixAddr.abstract(b"a")) == "@a"
    with pytest.raises(ValueError, match="cannot parse"):
        parse_address("localhost:80")
    with pytest.raises(ValueError, match="not an IPv4"):
        SocketAddrV4.parse("[::1]:80")
    with pytest.raises(ValueError, match="not an IPv6"):
        SocketAddrV6.parse("1.2.3.4:80")


def test_resolve_uses_getaddrinfo() -> None:
    assert SocketAddrV4.resolve("localhost", 7) == SocketAddrV4("127.0.0.1", 7)
    assert SocketAddrV6.resolve("::1", 7) == SocketAddrV6("::1", 7)


@pytest.mark.parametrize(
    "bad, exc, match",
    [
        (SocketAddrV4("localhost", 1), ValueError, "not a numeric IPv4"),
        (SocketAddrV4("1.2.3.4", 70000), OverflowError, "0-65535"),
        (SocketAddrV4("1.2.3.4", -1), OverflowError, "0-65535"),
        (SocketAddrV4("1.2.3.4", "80"), TypeError, "port must be an int"),  # type: ignore[arg-type]
        (SocketAddrV6("1.2.3.4", 1), ValueError, "not a numeric IPv6"),
        (SocketAddrV6("::1", 1, -1), OverflowError, "flowinfo.*out of range"),
        (UnixAddr.unnamed(), ValueError, "unnamed"),
    ],
)
def test_bad_addresses_raise_clear_errors(bad: object, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        to_wl(bad)  # type: ignore[arg-type]


def test_unix_path_too_long_is_enametoolong_from_the_library() -> None:
    with pytest.raises(OSError) as e:
        to_wl(UnixAddr("/" + "p" * 120))
    assert e.value.errno == errno.ENAMETOOLONG
    with pytest.raises(OSError) as e2:
        to_wl(UnixAddr.abstract(b"n" * 108))
    assert e2.value.errno == errno.ENAMETOOLONG
    with pytest.raises(ValueError, match="empty"):
        UnixAddr("")


def test_coerce_accepts_stdlib_forms_for_untyped_callers() -> None:
    assert coerce(socket.AF_INET, ("127.0.0.1", 1)) == SocketAddrV4("127.0.0.1", 1)
    assert coerce(socket.AF_INET6, ("::1", 1)) == SocketAddrV6("::1", 1)
    assert coerce(socket.AF_UNIX, "/x") == UnixAddr("/x")
    with pytest.raises(TypeError, match="SocketAddrV4"):
        coerce(socket.AF_INET, "/x")
