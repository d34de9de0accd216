"""ICMP echo ("ping") sockets (``SOCK_DGRAM`` with ``IPPROTO_ICMP`` /
``IPPROTO_ICMPV6``, see ``icmp(7)``), one class per state, generic over the
internet domain: :class:`RawIcmp` → :class:`BoundIcmp` (ping anyone) →
:class:`ConnectedIcmp` (ping one host).

No privilege is needed, only a group inside ``net.ipv4.ping_group_range``
(which governs ICMPv6 too); outside it creation raises ``PermissionError``
whose message quotes the range. The kernel fills in the checksum and the
identifier (the socket's local "port") and delivers only the replies
carrying it. Only ``Ipv4`` and ``Ipv6`` exist: ``RawIcmp[Unix]`` is a type
error.
"""

from __future__ import annotations

import ctypes
import errno
import select
import socket
from ctypes import POINTER
from typing import Any, Final, Generic, NamedTuple, TypeVar, final

from . import _check, _ffi
from . import _prototypes as _p
from ._addr import SocketAddrV4, SocketAddrV6, coerce, from_wl, to_wl
from ._base import TimeoutSocket
from ._buffers import size_arg
from ._seqpacket import MessageTruncatedError, new_socket
from ._stream import _adopted

__all__ = ["BoundIcmp", "ConnectedIcmp", "EchoReply", "RawIcmp"]

I = TypeVar("I", SocketAddrV4, SocketAddrV6)
"""An internet domain: the address type of IPv4 or IPv6."""
I2 = TypeVar("I2", SocketAddrV4, SocketAddrV6)

_IN = select.POLLIN

ICMP_RAW: Final = _ffi._state("wl_icmp_raw", POINTER(_p.wl_icmp_raw))
ICMP_BOUND: Final = _ffi._state("wl_icmp", POINTER(_p.wl_icmp))
ICMP_CONN: Final = _ffi._state("wl_icmp_conn", POINTER(_p.wl_icmp_conn))

_FAMILY: Final[dict[type, int]] = {SocketAddrV4: socket.AF_INET, SocketAddrV6: socket.AF_INET6}
DEFAULT_BUFSIZE: Final = 65507
"""The largest ICMP echo payload over IPv4 (65535 - 20 - 8)."""


class EchoReply(NamedTuple):
    """One echo reply: the identifier (this socket's), the sequence number
    the peer copied from the request, and the payload."""

    ident: int
    seq: int
    payload: bytes


def _family(domain: type) -> int:
    try:
        return _FAMILY[domain]
    except (KeyError, TypeError):
        raise TypeError(f"ICMP echo sockets are Ipv4 or Ipv6 (SocketAddrV4, SocketAddrV6), not {domain!r}") from None


def _recv_echo(sock: TimeoutSocket[Any], bufsize: int, call: Any) -> EchoReply:
    size = size_arg(bufsize, "bufsize", "recv_echo")
    buf = ctypes.create_string_buffer(size)
    reply = _p.wl_echo_reply()
    try:
        n = sock._io("recv_echo()", _IN, lambda h: call(h, buf, size, ctypes.byref(reply)))
    except OSError as e:
        if e.errno == errno.EMSGSIZE and not isinstance(e, MessageTruncatedError):
            raise MessageTruncatedError(str(e.strerror), buf.raw[:size], None) from None
        raise
    return EchoReply(reply.ident, reply.seq, buf.raw[:n])


@final
class RawIcmp(TimeoutSocket[I], Generic[I]):
    """A fresh ICMP echo socket: :meth:`bind` (ping anyone) or
    :meth:`connect` (ping one host). A transition consumes this object; a
    failed one raises ``OSError`` and leaves it usable."""

    __slots__ = ()
    _TYPE = socket.SOCK_DGRAM

    @staticmethod
    def new(domain: type[I2]) -> RawIcmp[I2]:
        """Creates the socket (``socket(2)``, close-on-exec) of ``domain``
        (``Ipv4`` or ``Ipv6``); ``PermissionError`` outside
        ``net.ipv4.ping_group_range``."""
        return new_socket(RawIcmp, ICMP_RAW, _p.wl_icmp_raw_new, _family(domain))

    @staticmethod
    def v4() -> RawIcmp[SocketAddrV4]:
        """An ICMP (IPv4) echo socket."""
        return RawIcmp.new(SocketAddrV4)

    @staticmethod
    def v6() -> RawIcmp[SocketAddrV6]:
        """An ICMPv6 echo socket."""
        return RawIcmp.new(SocketAddrV6)

    @staticmethod
    def from_fd(fd: int, domain: type[I2]) -> RawIcmp[I2]:
        """Adopts a fresh ICMP echo socket's descriptor (a UDP one is
        refused), checked by the library; on failure the caller owns ``fd``."""
        return _adopted(RawIcmp, ICMP_RAW, fd, _family(domain))

    def bind(self, address: I) -> BoundIcmp[I]:
        """Binds (``bind(2)``; the port is the echo identifier, 0 lets the
        kernel pick) and returns the :class:`BoundIcmp`; consumes this."""
        addr = ctypes.byref(to_wl(coerce(self._family, address)))
        return self._into("bind()", ICMP_BOUND, BoundIcmp, _p.wl_icmp_raw_bind, addr)

    def connect(self, address: I) -> ConnectedIcmp[I]:
        """Fixes the host to ping (``connect(2)``; nothing is sent, the port
        is ignored) and returns the :class:`ConnectedIcmp`; consumes this."""
        addr = ctypes.byref(to_wl(coerce(self._family, address)))
        return self._into("connect()", ICMP_CONN, ConnectedIcmp, _p.wl_icmp_raw_connect, addr)


@final
class BoundIcmp(TimeoutSocket[I], Generic[I]):
    """A bound ICMP echo socket: pings any host with :meth:`send_echo_to`
    and receives the replies with :meth:`recv_echo_from`."""

    __slots__ = ()
    _TYPE = socket.SOCK_DGRAM

    @staticmethod
    def from_fd(fd: int, domain: type[I2]) -> BoundIcmp[I2]:
        """Adopts a bound, unconnected ICMP echo socket's descriptor."""
        return _adopted(BoundIcmp, ICMP_BOUND, fd, _family(domain))

    def send_echo_to(self, address: I, seq: int, payload: Any = b"") -> None:
        """Sends an echo request with sequence number ``seq`` (0..65535) and
        ``payload`` to ``address`` (its port is ignored)."""
        to = to_wl(coerce(self._family, address))
        s = _check.uint(seq, 16, "seq", "send_echo_to")
        self._send_buffer("send_echo_to()", payload, lambda h, ptr, n: _p.wl_icmp_send_echo_to(h, ctypes.byref(to), s, ptr, n))

    def recv_echo_from(self, bufsize: int = DEFAULT_BUFSIZE) -> tuple[EchoReply, I]:
        """Receives one echo reply (payload at most ``bufsize`` bytes, else
        :class:`MessageTruncatedError`) and the host that sent it."""
        peer = _ffi.wl_addr()
        reply = _recv_echo(self, bufsize, lambda h, b, n, r: _p.wl_icmp_recv_echo_from(h, b, n, r, ctypes.byref(peer)))
        addr: I = from_wl(peer)  # type: ignore[assignment]
        return reply, addr

    def ident(self) -> int:
        """The echo identifier the kernel uses for this socket."""
        return self._call(_p.wl_icmp_ident)

    def connect(self, address: I) -> ConnectedIcmp[I]:
        """Fixes the host to ping (``connect(2)``) and returns the
        :class:`ConnectedIcmp`; consumes this."""
        addr = ctypes.byref(to_wl(coerce(self._family, address)))
        return self._into("connect()", ICMP_CONN, ConnectedIcmp, _p.wl_icmp_connect, addr)


@final
class ConnectedIcmp(TimeoutSocket[I], Generic[I]):
    """An ICMP echo socket locked to one host: :meth:`send_echo` and
    :meth:`recv_echo` take no address."""

    __slots__ = ()
    _TYPE = socket.SOCK_DGRAM

    @staticmethod
    def from_fd(fd: int, domain: type[I2]) -> ConnectedIcmp[I2]:
        """Adopts a connected ICMP echo socket's descriptor."""
        return _adopted(ConnectedIcmp, ICMP_CONN, fd, _family(domain))

    def send_echo(self, seq: int, payload: Any = b"") -> None:
        """Sends an echo request with sequence number ``seq`` and ``payload``
        to the connected host."""
        s = _check.uint(seq, 16, "seq", "send_echo")
        self._send_buffer("send_echo()", payload, lambda h, ptr, n: _p.wl_icmp_conn_send_echo(h, s, ptr, n))

    def recv_echo(self, bufsize: int = DEFAULT_BUFSIZE) -> EchoReply:
        """Receives one echo reply from the connected host (payload at most
        ``bufsize`` bytes, else :class:`MessageTruncatedError`)."""
        return _recv_echo(self, bufsize, _p.wl_icmp_conn_recv_echo)

    def ident(self) -> int:
        """The echo identifier the kernel uses for this socket."""
        return self._call(_p.wl_icmp_conn_ident)
